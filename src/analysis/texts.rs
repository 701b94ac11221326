//! Per-pair text analyses that more than one reader needs: the numbers of each side's text
//! (`text::numbers::extract`, read by `number_mismatch` and the document alignment), the English
//! side's sentences (`text::sentences::split`, read by the alignment and `missing_sentences`)
//! and the numbers of each English sentence (the alignment's sentence bags and
//! `missing_sentences`' sentence aligner). Each is a pure function of the pair's text, computed
//! once by whichever reader asks first, so every reader gets exactly what it would have
//! computed itself.
//!
//! A sentence's numbers are those of the whole text when the sentence is the whole text (one
//! sentence, nothing trimmed): the same input, so the same result. Otherwise they are read
//! from the sentence's own text, never sliced out of the whole text's numbers (a number at a
//! sentence edge could read differently with the neighbouring context).
//!
//! A cache made with `PairTexts::pass_through` keeps nothing: each call computes its answer
//! (for a run where a single reader asks, storing would only cost).
//!
//! Every entry is a `OnceLock` per pair and per analysis, filled by plain sequential code (no
//! rayon inside): a thread that finds an entry being filled waits only for that short
//! computation, never for work queued on the pool (see `engine` on the deadlock that waiting
//! inside a `OnceLock` on parallel work caused).

use crate::model::{Document, Lang};
use crate::text::numbers::{self, Number};
use crate::text::sentences::{self, Sentence};
use std::borrow::Cow;
use std::sync::OnceLock;

/// The analyses of one pair, each filled on first use.
#[derive(Default)]
struct Slot {
    zh_numbers: OnceLock<Vec<Number>>,
    en_numbers: OnceLock<Vec<Number>>,
    /// The English sentences as (start, end, paragraph) in the English text.
    en_sentences: OnceLock<Vec<(usize, usize, usize)>>,
    /// Per English sentence, its numbers; `None` for a sentence that is the whole text (its
    /// numbers are `en_numbers`).
    en_sentence_numbers: OnceLock<Vec<Option<Vec<Number>>>>,
}

/// Text analyses of every pair of one document (see the module docs). Every method takes the
/// document the cache was made for and a pair's position in it.
pub struct PairTexts {
    /// None: keep nothing (`pass_through`).
    slots: Option<Box<[Slot]>>,
}

impl PairTexts {
    /// An empty cache for a document of `pairs` pairs.
    pub fn new(pairs: usize) -> PairTexts {
        PairTexts {
            slots: Some((0..pairs).map(|_| Slot::default()).collect()),
        }
    }

    /// A cache that keeps nothing: every answer is computed when asked.
    pub fn pass_through() -> PairTexts {
        PairTexts { slots: None }
    }

    /// Whether answers are kept (false for `pass_through`).
    pub fn keeps(&self) -> bool {
        self.slots.is_some()
    }

    /// `numbers::extract` of pair `i`'s Chinese text (empty without one).
    pub fn zh_numbers(&self, doc: &Document, i: usize) -> Cow<'_, [Number]> {
        let read = || numbers::extract(doc.pairs[i].zh_text(), Lang::Zh);
        match &self.slots {
            Some(s) => Cow::Borrowed(s[i].zh_numbers.get_or_init(read)),
            None => Cow::Owned(read()),
        }
    }

    /// `numbers::extract` of pair `i`'s English text (empty without one).
    pub fn en_numbers(&self, doc: &Document, i: usize) -> Cow<'_, [Number]> {
        let read = || numbers::extract(doc.pairs[i].en_text(), Lang::En);
        match &self.slots {
            Some(s) => Cow::Borrowed(s[i].en_numbers.get_or_init(read)),
            None => Cow::Owned(read()),
        }
    }

    /// `sentences::split` of pair `i`'s English text (empty without one).
    pub fn en_sentences<'a>(&'a self, doc: &'a Document, i: usize) -> Vec<Sentence<'a>> {
        let text = doc.pairs[i].en_text();
        let Some(s) = &self.slots else {
            return sentences::split(text, Lang::En);
        };
        s[i].en_sentences
            .get_or_init(|| {
                sentences::split(text, Lang::En)
                    .iter()
                    .map(|x| (x.start, x.end(), x.para))
                    .collect()
            })
            .iter()
            .map(|&(start, end, para)| Sentence {
                text: &text[start..end],
                start,
                para,
            })
            .collect()
    }

    /// `numbers::extract(sentence.text, Lang::En)` of each of `sentences`, which must be
    /// `en_sentences(doc, i)`, in order.
    pub fn en_sentence_numbers<'a>(
        &'a self,
        doc: &'a Document,
        i: usize,
        sentences: &[Sentence<'a>],
    ) -> Vec<Cow<'a, [Number]>> {
        let text = doc.pairs[i].en_text();
        // A sentence is a slice of the text: as long as the text, it is the text.
        let whole = |t: &str| t.len() == text.len();
        let Some(s) = &self.slots else {
            return sentences
                .iter()
                .map(|x| match whole(x.text) {
                    true => self.en_numbers(doc, i),
                    false => Cow::Owned(numbers::extract(x.text, Lang::En)),
                })
                .collect();
        };
        s[i].en_sentence_numbers
            .get_or_init(|| {
                sentences
                    .iter()
                    .map(|x| (!whole(x.text)).then(|| numbers::extract(x.text, Lang::En)))
                    .collect()
            })
            .iter()
            .map(|ns| match ns {
                Some(ns) => Cow::Borrowed(ns.as_slice()),
                None => self.en_numbers(doc, i),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Pair;

    use crate::test_support::seg;

    fn doc(pairs: &[(Option<&str>, Option<&str>)]) -> Document {
        let mut d = Document::new("d", "tsv");
        for (i, &(z, e)) in pairs.iter().enumerate() {
            d.pairs.push(Pair {
                index: i,
                id: None,
                zh: z.map(|t| seg(Lang::Zh, t)),
                en: e.map(|t| seg(Lang::En, t)),
                meta: Vec::new(),
            });
        }
        d
    }

    fn sample() -> Document {
        doc(&[
            (
                Some("我们筹集了30亿美元，五到二十年。"),
                Some("We raised $3 billion. It took 5 to 20 years."),
            ),
            (Some("没有数字"), None),
            (
                None,
                Some("  Twenty-five people.  \nThe 21st century, 10:30 on an H100."),
            ),
            (
                Some("第一段。\n第二段有一百个小时"),
                Some("One hundred hours... Mr. Smith had 50% (half)!"),
            ),
            (Some(""), Some("")),
            (Some("一。二"), Some("Two.")),
            (Some("三"), Some(" Three. ")),
            (Some("四"), Some("Four. Five.\n\nSix... and 7. Seven!")),
        ])
    }

    #[test]
    fn cached_sentences_and_their_numbers_are_split_and_extract() {
        let d = sample();
        for t in [PairTexts::new(d.pairs.len()), PairTexts::pass_through()] {
            for _ in 0..2 {
                for (i, p) in d.pairs.iter().enumerate() {
                    let split = sentences::split(p.en_text(), Lang::En);
                    let cached = t.en_sentences(&d, i);
                    assert_eq!(cached, split);
                    let ns = t.en_sentence_numbers(&d, i, &cached);
                    assert_eq!(ns.len(), split.len());
                    for (n, s) in ns.iter().zip(&split) {
                        assert_eq!(**n, numbers::extract(s.text, Lang::En), "{}", s.text);
                    }
                }
            }
        }
    }

    #[test]
    fn alignment_inputs_from_cached_numbers_equal_their_own_reading() {
        use crate::align::similarity::{
            en_bag, en_bag_and_words, en_bag_and_words_from, en_bag_from, zh_base, zh_base_from,
        };
        let d = sample();
        let t = PairTexts::new(d.pairs.len());
        for (i, p) in d.pairs.iter().enumerate() {
            let (z, e) = (p.zh_text(), p.en_text());
            assert_eq!(
                format!("{:?}", zh_base_from(z, &t.zh_numbers(&d, i))),
                format!("{:?}", zh_base(z))
            );
            assert_eq!(
                format!("{:?}", en_bag_from(e, &t.en_numbers(&d, i))),
                format!("{:?}", en_bag(e))
            );
            assert_eq!(
                format!("{:?}", en_bag_and_words_from(e, &t.en_numbers(&d, i))),
                format!("{:?}", en_bag_and_words(e))
            );
        }
    }

    #[test]
    fn cached_numbers_are_extract_of_each_side() {
        let d = sample();
        for t in [PairTexts::new(d.pairs.len()), PairTexts::pass_through()] {
            // Asked twice: the second answer is the cached one.
            for _ in 0..2 {
                for (i, p) in d.pairs.iter().enumerate() {
                    assert_eq!(
                        *t.zh_numbers(&d, i),
                        numbers::extract(p.zh_text(), Lang::Zh)
                    );
                    assert_eq!(
                        *t.en_numbers(&d, i),
                        numbers::extract(p.en_text(), Lang::En)
                    );
                }
            }
            assert!(!t.zh_numbers(&d, 0).is_empty() && !t.en_numbers(&d, 2).is_empty());
            assert_eq!(t.keeps(), matches!(t.zh_numbers(&d, 0), Cow::Borrowed(_)));
        }
    }
}
