//! Document-level alignment: which English translates which Chinese, whatever the file says.
//!
//! Units: every Chinese paragraph (a zh unit) and every English sentence (an en unit, split by
//! `text::sentences`), each remembering its pair and line.
//!
//! 1. **Screen** every pair cheaply: its own similarity (`Model::sim`) against its neighbours'
//!    (±3 pairs) and against far candidates from an inverted index over rare keys (English
//!    content words, anchors: keys in at most 8 blocks), its length z-score, an
//!    English block that starts mid-sentence, a missing side. Suspicious pairs, padded by two
//!    pairs each side and merged, form *windows* (a document of ≤ 300 pairs with any suspicious
//!    pair is one window). Clean stretches keep the file's pairing and cost O(pairs).
//! 2. **Align** each window with a monotone dynamic programme over (zh units × en sentences):
//!    a zh unit takes a run of consecutive sentences (1-n; several units taking one block's
//!    sentences give n-1), or none (1-0); a sentence may stay unplaced (0-1). Score of a run:
//!    Σ `Model::gain` per sentence + `OWN_BONUS` per sentence that sits in the unit's own pair
//!    − `LENGTH_WEIGHT`·z²/2 (z from the document's length model) − `CUT_COST` when a
//!    run starts inside another pair's English block. Skips cost `SKIP_EN` per sentence and
//!    `SKIP_ZH` per unit. The own-pair bonus makes the file's pairing the default: the DP
//!    departs from it only where meaning, anchors and length together outweigh it.
//! 3. **Far matches**: unplaced English runs are looked up in an index of the Chinese
//!    predictions; Chinese blocks left without English are looked up in the English index.
//!    A far match needs `FAR_MIN_SIM` and must beat the runner-up.
//!
//! The screening's keys are numbered per document (`KeyIds`): a pair's keys are scattered
//! over the ids once, and each similarity with a candidate reads the candidate's keys against
//! them (`Model::sim_shared`, the same value as `Model::sim`), and the indexes are arrays over
//! ids. Verbatim copies are found by normalised text, normalising only the sentences whose
//! letters-and-digits signature (`alnum_signature`) another sentence shares.
//!
//! Cost: screening is linear with a bounded candidate list per pair; a window costs
//! units × sentences × run length, and windows are at most `MAX_WINDOW` pairs, so the whole is
//! linear in the document for a bounded damage density. The DP keeps two rows of scores and
//! the back pointers only over each row's band of reached cells (`Back`), so its memory is
//! the gains and bounds tables plus the band, not four units × sentences tables.
//!
//! Threads: the per-pair preparation (sentences, bags, predictions, lengths), a window's gain
//! rows, and the displaced-copy search (beside the screening) run on rayon; each result is a
//! pure function of its inputs collected in order, so the alignment is the same at any thread
//! count (`--jobs 1` included).

use super::similarity::{
    Assoc, EnBag, Model, ZhPred, bigrams, en_bag, en_bag_and_len_of, en_bag_and_words_from,
    en_bag_of, visible_chars, zh_base_from,
};
use crate::analysis::{LengthModel, PairTexts};
use crate::lexicon::{Key, Lexicon, for_each_en_key};
use crate::model::{Document, LineRange, Segment};
use rayon::prelude::*;
use std::collections::HashMap;

/// Hash map with the cheap `KeyHasher` instead of SipHash. Every map in this module is either
/// only looked up or has its contents sorted by a total order before use (or summed as
/// integers), so the iteration order of the hasher never reaches the output.
type FastMap<K, V> = HashMap<K, V, crate::lexicon::BuildKeyHasher>;

pub const OWN_BONUS: f64 = 2.0;
pub const CUT_COST: f64 = 4.0;
pub const JOIN_COST: f64 = 3.0;
pub const SKIP_EN: f64 = 1.0;
pub const SKIP_ZH: f64 = 4.0;
pub const LENGTH_WEIGHT: f64 = 0.25;
pub const FAR_MIN_SIM: f64 = 0.2;
/// A crossing move needs both similarities at least this high...
pub const CROSS_MIN: f64 = 0.25;
/// ...and this much above the pair's own similarity.
pub const CROSS_MARGIN: f64 = 0.1;
pub const MAX_WINDOW: usize = 150;
/// A block the DP merged into a neighbour, leaving its own Chinese without English, stays with
/// its own Chinese unless it fits the neighbour's Chinese by this much more.
pub const UNMERGE_MARGIN: f64 = 0.15;
/// Longest run of sentences one Chinese paragraph may take.
pub const MAX_RUN: usize = 120;

/// A Chinese paragraph.
#[derive(Debug, Clone)]
pub struct ZhUnit {
    pub pair: usize,
    pub line: usize,
    pub first_of_pair: bool,
}

/// An English sentence.
#[derive(Debug, Clone)]
pub struct EnUnit {
    pub pair: usize,
    pub line: usize,
    pub text: String,
    /// First sentence of its block.
    pub block_start: bool,
    /// `en_len(text)`.
    pub len: f64,
}

/// Result of aligning one document; `Shared::alignment` computes it once.
#[derive(Debug, Clone, Default)]
pub struct Alignment {
    pub zh_units: Vec<ZhUnit>,
    pub en_units: Vec<EnUnit>,
    /// For each en unit: the pair whose Chinese it translates, by the alignment (None: unplaced).
    pub owner: Vec<Option<usize>>,
    /// For each unplaced en unit: the pair whose Chinese it matches elsewhere in the file.
    pub far: Vec<Option<usize>>,
    /// For each en unit that is a verbatim copy of English whose home is another pair: that pair.
    pub displaced: Vec<Option<usize>>,
    /// For each pair whose Chinese got no English: a pair whose English block translates it.
    pub zh_far: Vec<Option<usize>>,
    /// For each pair: similarity of its Chinese with its own English (0 when a side is absent).
    pub own_sim: Vec<f64>,
    /// For each pair: best similarity of its Chinese with any other candidate English.
    pub best_other: Vec<(f64, Option<usize>)>,
    /// Pair ranges aligned by the DP.
    pub windows: Vec<(usize, usize)>,
    /// For each pair: en unit index range of its English block.
    pub en_range: Vec<(usize, usize)>,
    pub used_lexicon: bool,
    pub learned_associations: usize,
}

/// Han-equivalent length of Chinese (Han 1, Latin letter or digit 1/3), as the length model.
pub fn zh_len(t: &str) -> f64 {
    let mut n = 0.0;
    // A byte scan making the same additions in the same order as testing `is_han` then
    // `is_alphanumeric` on every char (the sum's bits depend on the order). A lead byte
    // E5..E9 starts a 3-byte char in U+5000..U+9FFF, all Han: most Chinese chars are decided
    // by that byte alone. Other non-ASCII chars are decoded; the common CJK and general
    // punctuation, none of them Han or alphanumeric, are decided without the Unicode tables
    // (checked on every char in the tests).
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let lead = b[i];
        if lead < 0x80 {
            if lead.is_ascii_alphanumeric() {
                n += 1.0 / 3.0;
            }
            i += 1;
        } else if (0xE5..=0xE9).contains(&lead) {
            n += 1.0;
            i += 3;
        } else {
            let Some(c) = t[i..].chars().next() else {
                break;
            };
            i += c.len_utf8();
            if crate::text::script::is_han(c) {
                n += 1.0;
            } else if !is_cjk_punctuation(c) && c.is_alphanumeric() {
                n += 1.0 / 3.0;
            }
        }
    }
    n
}

/// Punctuation blocks common in Chinese text, none of whose chars is alphanumeric: general
/// punctuation (dashes, curly quotes, ellipsis), CJK symbols (、。 brackets) and full-width
/// ASCII punctuation (，！？：；（）).
fn is_cjk_punctuation(c: char) -> bool {
    matches!(
        c,
        '\u{2010}'..='\u{2027}'
            | '\u{3000}'..='\u{3004}'
            | '\u{3008}'..='\u{3011}'
            | '\u{FF01}'..='\u{FF0F}'
            | '\u{FF1A}'..='\u{FF20}'
    )
}

/// English length: characters, whitespace runs counted once.
pub fn en_len(t: &str) -> f64 {
    // A byte scan: an ASCII byte is a whole char (whitespace: U+0009..U+000D and space, as
    // `char::is_whitespace` has it), a continuation byte is no new char, and only a leading
    // byte of a non-ASCII char is decoded. Counts are whole numbers, exact in f64, so the
    // count converted once equals the per-char sum.
    let t = t.trim();
    let b = t.as_bytes();
    let (mut n, mut ws) = (0usize, false);
    for (i, &c) in b.iter().enumerate() {
        let space = if c < 0x80 {
            matches!(c, 9..=13 | b' ')
        } else if c < 0xC0 {
            continue;
        } else {
            t[i..].chars().next().is_some_and(char::is_whitespace)
        };
        n += (!space || !ws) as usize;
        ws = space;
    }
    n as f64
}

/// Whether `pieces`, sub-slices of `text` in order (its English sentences), tile it: every
/// byte outside them is whitespace, each piece starts and ends with a non-whitespace char,
/// and no two adjacent pieces would join into one word (an ASCII letter or apostrophe on
/// both sides of an empty gap). Then `for_each_en_key(text)` gives the pieces' keys in order
/// (a word is a maximal run of those bytes, and every run lies inside one piece, bounded as in
/// the text), and `en_len(text)` is the sum of the pieces' plus one per non-empty gap between
/// two pieces (a maximal whitespace run; the edges are trimmed). Returns that gap count.
fn tiles<'t>(text: &str, pieces: impl Iterator<Item = &'t str>) -> Option<usize> {
    let word = |b: u8| b.is_ascii_alphabetic() || b == b'\'';
    let base = text.as_ptr() as usize;
    let blank = |s: &str| s.chars().all(char::is_whitespace);
    let (mut at, mut gaps, mut prev_word) = (0usize, 0usize, None::<bool>);
    for p in pieces {
        let start = (p.as_ptr() as usize).checked_sub(base)?;
        let end = start + p.len();
        let (first, last) = (p.chars().next()?, p.chars().next_back()?);
        if start < at || end > text.len() || first.is_whitespace() || last.is_whitespace() {
            return None;
        }
        let gap = text.get(at..start)?;
        if !blank(gap) {
            return None;
        }
        if let Some(w) = prev_word {
            if gap.is_empty() {
                if w && word(p.as_bytes()[0]) {
                    return None;
                }
            } else {
                gaps += 1;
            }
        }
        prev_word = Some(word(p.as_bytes()[p.len() - 1]));
        at = end;
    }
    blank(text.get(at..)?).then_some(gaps)
}

/// The line number `seg.numbered_paragraphs()` gives each paragraph (by its place in the
/// text), without splitting the text into a list: only the paragraph count is needed to
/// know which numbering applies.
fn paragraph_line(seg: &Segment) -> impl Fn(usize) -> usize + '_ {
    let paras = memchr::memchr_iter(b'\n', seg.text.as_bytes()).count() + 1;
    let given = seg.paragraph_lines.len() == paras;
    move |k| match given {
        true => seg.paragraph_lines[k],
        false => (seg.lines.start + k).min(seg.lines.end),
    }
}

struct Prepared<'a> {
    model: Model<'a>,
    cell_pruning: CellPruning,
    zh_units: Vec<(ZhUnit, ZhPred, f64, f64)>, // unit, pred, baseline, zh_len
    en_units: Vec<(EnUnit, EnBag, f64)>,       // unit, bag, en_len
    pair_zh: Vec<Option<ZhPred>>,
    pair_en: Vec<Option<EnBag>>,
    zh_unit_range: Vec<(usize, usize)>,
    en_range: Vec<(usize, usize)>,
    /// Per pair: `zh_len` of its Chinese and `en_len` of its English, when present (asked for
    /// by the association filter, the screening and the length tests of the moves).
    zh_lens: Vec<Option<f64>>,
    en_lens: Vec<Option<f64>>,
}

pub fn align(doc: &Document, lexicon: Option<&Lexicon>, length: &LengthModel) -> Alignment {
    align_with(doc, lexicon, length, CellPruning::Search)
}

/// `align`, reading the pairs' numbers from `texts` (made for `doc`: the document's
/// `Shared::texts`, which the checks that read the same analyses share).
pub fn align_with_texts(
    doc: &Document,
    lexicon: Option<&Lexicon>,
    length: &LengthModel,
    texts: &PairTexts,
) -> Alignment {
    let (prep, learned) = prepare(doc, lexicon, length, CellPruning::Search, texts);
    run(doc, &prep, length, lexicon.is_some(), learned)
}

/// How the window DP prunes cells (see `dp_window`); the other modes exist for the tests that
/// show pruning changes nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
enum CellPruning {
    /// Thresholds searched from the bound down (the production mode).
    Search,
    /// No pruning.
    #[cfg_attr(not(test), allow(dead_code))]
    Off,
    /// The tightest valid threshold: the optimal score (found by an unpruned pass) less the
    /// rounding slack. Any cell of an optimal path whose bound is too low is pruned here.
    #[cfg_attr(not(test), allow(dead_code))]
    AtOptimum,
}

fn align_with(
    doc: &Document,
    lexicon: Option<&Lexicon>,
    length: &LengthModel,
    cell_pruning: CellPruning,
) -> Alignment {
    let texts = PairTexts::new(doc.pairs.len());
    let (prep, learned) = prepare(doc, lexicon, length, cell_pruning, &texts);
    run(doc, &prep, length, lexicon.is_some(), learned)
}

/// Units, bags, predictions and the fitted model; also the number of learned associations.
fn prepare<'a>(
    doc: &Document,
    lexicon: Option<&'a Lexicon>,
    length: &LengthModel,
    cell_pruning: CellPruning,
    texts: &PairTexts,
) -> (Prepared<'a>, usize) {
    let n = doc.pairs.len();
    // English units and bags first: the model's idf is fitted on them. Each pair's units and
    // bags depend on its own text only, so they are built in parallel and collected in pair
    // order: the same values at any thread count.
    // With each block's bag, its English keys as `for_each_en_key` gives them (the
    // association learning below reads them instead of finding them again), and its `en_len`.
    type EnOfPair = (
        Vec<(EnUnit, EnBag, f64)>,
        Option<(EnBag, Vec<Key>)>,
        Option<f64>,
    );
    let per_pair: Vec<EnOfPair> = doc
        .pairs
        .par_iter()
        .enumerate()
        .with_min_len(crate::threads::grain(8))
        .map(|(i, p)| {
            let mut units: Vec<(EnUnit, EnBag, f64)> = Vec::new();
            let Some(e) = &p.en else {
                return (units, None, None);
            };
            // Every sentence's keys, in text order: when the sentences tile the block
            // (`tiles`), these are the block's keys too.
            let mut words: Vec<Key> = Vec::with_capacity(e.text.len() / 6);
            // The text's sentences are its paragraphs' (`split` cuts every paragraph alone),
            // read once for the document with their numbers (`Shared::texts`).
            let line_of = paragraph_line(e);
            let sentences = texts.en_sentences(doc, i);
            let mut pieces: Vec<&str> = Vec::with_capacity(sentences.len());
            units.reserve_exact(sentences.len());
            let numbers = texts.en_sentence_numbers(doc, i, &sentences);
            let mut k = 0;
            for (x, s) in sentences.iter().enumerate() {
                // `k`: the sentence's place in its paragraph.
                k = if x > 0 && sentences[x - 1].para == s.para {
                    k + 1
                } else {
                    0
                };
                let line = line_of(s.para);
                let w0 = words.len();
                for_each_en_key(s.text, |k| words.push(k));
                let mut keys = Vec::with_capacity(words.len() - w0 + numbers[x].len());
                keys.extend_from_slice(&words[w0..]);
                let (bag, len) = en_bag_and_len_of(s.text, keys, &numbers[x]);
                // (`en_len(s.text)`, read with the bag.)
                let len = len as f64;
                pieces.push(s.text);
                units.push((
                    EnUnit {
                        pair: p.index,
                        line,
                        text: s.text.to_string(),
                        block_start: units.is_empty() && k == 0,
                        len,
                    },
                    bag,
                    len,
                ));
            }
            // A block that is one sentence, untrimmed, has that sentence's bag and length;
            // a block its sentences tile has their keys, in order, and their lengths plus one
            // per whitespace run between them.
            let (block, len) = if units.len() == 1 && units[0].0.text == e.text {
                ((units[0].1.clone(), words), units[0].2)
            } else if let Some(gaps) = tiles(&e.text, pieces.into_iter()) {
                let len = units.iter().map(|u| u.2 as usize).sum::<usize>() + gaps;
                let numbers = texts.en_numbers(doc, i);
                let mut keys = Vec::with_capacity(words.len() + numbers.len());
                keys.extend_from_slice(&words);
                let bag = en_bag_of(&e.text, keys, &numbers);
                ((bag, words), len as f64)
            } else {
                (
                    en_bag_and_words_from(&e.text, &texts.en_numbers(doc, i)),
                    en_len(&e.text),
                )
            };
            (units, Some(block), Some(len))
        })
        .collect();
    // Sized in advance: grown by doubling, the copies of this (document-long) vector were
    // among the largest blocks the alignment allocated.
    let mut en_units = Vec::with_capacity(per_pair.iter().map(|u| u.0.len()).sum());
    let mut en_range = Vec::with_capacity(n);
    let mut pair_en: Vec<Option<EnBag>> = Vec::with_capacity(n);
    let mut pair_en_words: Vec<Vec<Key>> = Vec::with_capacity(n);
    let mut en_lens: Vec<Option<f64>> = Vec::with_capacity(n);
    for (units, block, len) in per_pair {
        en_lens.push(len);
        let start = en_units.len();
        en_units.extend(units);
        en_range.push((start, en_units.len()));
        let (bag, words) = block.unzip();
        pair_en.push(bag);
        pair_en_words.push(words.unwrap_or_default());
    }
    let bags: Vec<&EnBag> = en_units.iter().map(|u| &u.1).collect();
    let zh_lens: Vec<Option<f64>> = doc
        .pairs
        .par_iter()
        .with_min_len(crate::threads::grain(8))
        .map(|p| p.zh.as_ref().map(|z| zh_len(&z.text)))
        .collect();

    // The model-free part of each Chinese block's prediction (its Latin words and numbers,
    // reading the numbers is the costly part): the association filter below and the final
    // block prediction (`zh_pred_on`, equal to `zh_pred`) both build on it.
    // When associations are learned, each block's character bigrams too: the learning and
    // the block's prediction both read them.
    let learn = lexicon.is_none() && n >= 50;
    type ZhBase = (Option<ZhPred>, Option<Vec<Key>>);
    let (zh_bases, zh_bigrams): (Vec<Option<ZhPred>>, Vec<Option<Vec<Key>>>) = doc
        .pairs
        .par_iter()
        .enumerate()
        .with_min_len(crate::threads::grain(8))
        .map(|(i, p)| -> ZhBase {
            match &p.zh {
                Some(z) => (
                    Some(zh_base_from(&z.text, &texts.zh_numbers(doc, i))),
                    learn.then(|| bigrams(&z.text)),
                ),
                None => (None, None),
            }
        })
        .unzip();

    // Without a lexicon, learn word associations from pairs the anchors and length confirm.
    let mut assoc = Assoc::default();
    // The statistics are the same for both models (the bags'): fitted once.
    let m0 = Model::new(None, &bags, Assoc::default());
    if learn {
        let mut good: Vec<(&[Key], &[Key])> = Vec::new();
        let mut plausible: Vec<(&[Key], &[Key])> = Vec::new();
        for (i, p) in doc.pairs.iter().enumerate() {
            let (Some(zb), Some(_), Some(zl), Some(el)) =
                (&zh_bigrams[i], &p.en, zh_lens[i], en_lens[i])
            else {
                continue;
            };
            if zl < 2.0 || length.z(zl, el).abs() > 2.0 {
                continue;
            }
            // (`pair_en_words[i]`: the keys `Assoc::learn` would find in the English.)
            plausible.push((zb, &pair_en_words[i]));
            // `zh_base(t)` is `zh_pred(None, &Assoc::default(), t)`.
            let pz = zh_bases[i].as_ref().expect("zh");
            if pz.items.iter().any(|x| x.2) && m0.sim(pz, pair_en[i].as_ref().expect("en")) >= 0.3 {
                good.push((zb, &pair_en_words[i]));
            }
        }
        let src = if good.len() >= 100 { good } else { plausible };
        // A bounded, evenly spread sample keeps learning O(1) per document size.
        let step = (src.len() / 5000).max(1);
        assoc = Assoc::learn_keyed(src.into_iter().step_by(step));
    }
    let learned = assoc.len();
    let model = m0.with_items(lexicon, assoc);
    // Each block's English is compared with many Chinese blocks (screening, moves, far
    // matches): its idf values are found once.
    pair_en
        .par_iter_mut()
        .with_min_len(crate::threads::grain(64))
        .flatten()
        .for_each(|b| model.cache_idf(b));

    // Chinese units and predictions, per pair in parallel (pure functions of the pair's text
    // and the model), collected in pair order.
    type ZhOfPair = (Vec<(ZhUnit, ZhPred, f64, f64)>, Option<ZhPred>);
    let per_pair: Vec<ZhOfPair> = doc
        .pairs
        .par_iter()
        .zip(&zh_bases)
        .zip(&zh_lens)
        .zip(&zh_bigrams)
        .with_min_len(crate::threads::grain(8))
        .map(|(((p, zb), zl), bg)| {
            let mut units = Vec::new();
            let (Some(z), Some(zb)) = (&p.zh, zb) else {
                return (units, None);
            };
            let one_para = !z.text.contains('\n');
            // (A one-paragraph block's only paragraph, numbered as `numbered_paragraphs` does,
            // without its list.)
            let paras = match one_para {
                true => vec![(paragraph_line(z)(0), z.text.as_str())],
                false => z.numbered_paragraphs(),
            };
            for (k, (line, para)) in paras.into_iter().enumerate() {
                // A one-paragraph block's paragraph is its whole text: its base applies.
                let pred = if one_para {
                    model.zh_pred_on_bigrams(zb, para, bg.as_deref())
                } else {
                    model.zh_pred(para)
                };
                let base = model.baseline(&pred);
                // (The whole text's length is known already.)
                let len = match zl {
                    Some(l) if para == z.text => *l,
                    _ => zh_len(para),
                };
                units.push((
                    ZhUnit {
                        pair: p.index,
                        line,
                        first_of_pair: k == 0,
                    },
                    pred,
                    base,
                    len,
                ));
            }
            // A one-paragraph Chinese block is its unit's text: same prediction. The block's
            // is compared with many English blocks: indexed for `sim`.
            let mut whole = if units.len() == 1 && one_para {
                units[0].1.clone()
            } else {
                model.zh_pred_on_bigrams(zb, &z.text, bg.as_deref())
            };
            whole.index_for_sim();
            (units, Some(whole))
        })
        .collect();
    // Sized in advance, as `en_units`.
    let mut zh_units = Vec::with_capacity(per_pair.iter().map(|u| u.0.len()).sum());
    let mut zh_unit_range = Vec::with_capacity(n);
    let mut pair_zh = Vec::with_capacity(n);
    for (units, whole) in per_pair {
        let start = zh_units.len();
        zh_units.extend(units);
        zh_unit_range.push((start, zh_units.len()));
        pair_zh.push(whole);
    }
    let prep = Prepared {
        model,
        cell_pruning,
        zh_units,
        en_units,
        pair_zh,
        pair_en,
        zh_unit_range,
        en_range,
        zh_lens,
        en_lens,
    };
    (prep, learned)
}

/// Dense ids (0, 1, …) of the keys of the blocks' predictions and bags, and each block's keys
/// as ids, in its key order (ascending keys). The screening compares each block with a few
/// dozen others and looks its keys up in the indexes: with ids, both are array reads instead
/// of hash probes.
struct KeyIds {
    /// Open addressing, linear probing, at most half full: (key, id + 1), id + 1 = 0 empty.
    /// (Keys are hashes already; one multiply spreads them. A table of its own rather than a
    /// map: one probe is a few instructions, and the screening asks for every key of every
    /// block.)
    slots: Vec<(Key, u32)>,
    bits: u32,
    len: usize,
    /// Per pair (CSR): the ids of its Chinese prediction's keys, then of its English bag's.
    zh: Vec<u32>,
    zh_at: Vec<u32>,
    en: Vec<u32>,
    en_at: Vec<u32>,
}

impl KeyIds {
    fn new(pair_zh: &[Option<ZhPred>], pair_en: &[Option<EnBag>]) -> KeyIds {
        let zh_len: usize = pair_zh.iter().flatten().map(|p| p.keys.len()).sum();
        let en_len: usize = pair_en.iter().flatten().map(|b| b.keys.len()).sum();
        // A document's blocks share most of their keys (a tenth of them are distinct in the
        // Debian catalogue): start at a quarter of the keys' count, grow when half full.
        let bits = ((zh_len + en_len) / 4)
            .next_power_of_two()
            .max(64)
            .trailing_zeros();
        let mut ids = KeyIds {
            slots: vec![(0, 0); 1 << bits],
            bits,
            len: 0,
            zh: Vec::with_capacity(zh_len),
            zh_at: Vec::with_capacity(pair_zh.len() + 1),
            en: Vec::with_capacity(en_len),
            en_at: Vec::with_capacity(pair_en.len() + 1),
        };
        let mut zh = std::mem::take(&mut ids.zh);
        ids.zh_at.push(0);
        for p in pair_zh {
            if let Some(p) = p {
                zh.extend(p.keys.iter().map(|k| ids.insert(k.0)));
            }
            ids.zh_at.push(zh.len() as u32);
        }
        ids.zh = zh;
        let mut en = std::mem::take(&mut ids.en);
        ids.en_at.push(0);
        for b in pair_en {
            if let Some(b) = b {
                en.extend(b.keys.iter().map(|&k| ids.insert(k)));
            }
            ids.en_at.push(en.len() as u32);
        }
        ids.en = en;
        ids
    }

    /// First slot of `key` (multiplicative hashing, top bits).
    #[inline]
    fn slot(&self, key: Key) -> usize {
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - self.bits)) as usize
    }

    /// The id of `key`, a new one if it has none.
    fn insert(&mut self, key: Key) -> u32 {
        let mask = self.slots.len() - 1;
        let mut s = self.slot(key);
        loop {
            let (k, id) = self.slots[s];
            if id == 0 {
                break;
            }
            if k == key {
                return id - 1;
            }
            s = (s + 1) & mask;
        }
        self.len += 1;
        self.slots[s] = (key, self.len as u32);
        if 2 * self.len > self.slots.len() {
            self.grow();
        }
        self.len as u32 - 1
    }

    /// Twice the slots, every key moved to its place in them (ids kept).
    #[cold]
    fn grow(&mut self) {
        self.bits += 1;
        let old = std::mem::replace(&mut self.slots, vec![(0, 0); 1 << self.bits]);
        let mask = self.slots.len() - 1;
        for (k, id) in old.into_iter().filter(|e| e.1 != 0) {
            let mut s = self.slot(k);
            while self.slots[s].1 != 0 {
                s = (s + 1) & mask;
            }
            self.slots[s] = (k, id);
        }
    }

    /// The id of `key`, if some block has it.
    fn get(&self, key: Key) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let mut s = self.slot(key);
        loop {
            let (k, id) = self.slots[s];
            if id == 0 {
                return None;
            }
            if k == key {
                return Some(id - 1);
            }
            s = (s + 1) & mask;
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    fn zh(&self, p: usize) -> &[u32] {
        &self.zh[self.zh_at[p] as usize..self.zh_at[p + 1] as usize]
    }

    fn en(&self, p: usize) -> &[u32] {
        &self.en[self.en_at[p] as usize..self.en_at[p + 1] as usize]
    }

    /// Ids of those of `keys` that some block has (the others are in no index).
    fn of<'k>(&'k self, keys: impl Iterator<Item = Key> + 'k) -> impl Iterator<Item = u32> + 'k {
        keys.filter_map(|k| self.get(k))
    }
}

/// One block's key ids scattered over all ids: `at[id]` is the key's index in the block + 1
/// (0: not in the block). Set for one block at a time and cleared after.
struct Scattered {
    at: Vec<u32>,
}

impl Scattered {
    /// For ids below `ids` (room for a power of two of them, see `shared`).
    fn new(ids: usize) -> Scattered {
        Scattered {
            at: vec![0; ids.next_power_of_two()],
        }
    }

    fn set(&mut self, block: &[u32]) {
        for (x, &k) in block.iter().enumerate() {
            self.at[k as usize] = x as u32 + 1;
        }
    }

    fn clear(&mut self, block: &[u32]) {
        for &k in block {
            self.at[k as usize] = 0;
        }
    }

    /// Into `out`, for each key of `other` (a block's ids, in key order) that the scattered
    /// block has: (its index in the scattered block, its index in `other`), or the reverse
    /// when `FLIP`. In ascending key order.
    fn shared<const FLIP: bool>(&self, other: &[u32], out: &mut Vec<(u32, u32)>) {
        out.clear();
        // `at` has a power of two of entries, more than any id: masking an id changes nothing
        // and proves the read in bounds, one instruction in place of a bounds check (the
        // screening reads one entry per key of every block it compares).
        let mask = self.at.len() - 1;
        let at = &self.at[..=mask];
        for (y, &k) in other.iter().enumerate() {
            let x = at[k as usize & mask];
            if x != 0 {
                out.push(if FLIP {
                    (y as u32, x - 1)
                } else {
                    (x - 1, y as u32)
                });
            }
        }
    }
}

/// Inverted index: rare key → blocks containing it (keys as `KeyIds`; a block's keys are
/// distinct).
struct Index {
    /// Per key id: the span of `post` holding the blocks that have it, ascending, when it is
    /// rare (in at most `cap` blocks); an empty span otherwise.
    span: Vec<(u32, u32)>,
    post: Vec<u32>,
    /// The number of blocks.
    blocks: usize,
}

impl Index {
    /// The index over the blocks `0..n`, block `p` having the key ids `block(p)`, of `ids`
    /// key ids in all.
    fn build<'b>(block: impl Fn(usize) -> &'b [u32], n: usize, ids: usize) -> Index {
        // A constant cap keeps lookups O(1) per key whatever the document size.
        let cap = 8;
        let mut span = vec![(0u32, 0u32); ids];
        for p in 0..n {
            for &k in block(p) {
                span[k as usize].1 += 1;
            }
        }
        let mut total = 0;
        for s in &mut span {
            if s.1 > cap {
                s.1 = 0;
            }
            s.0 = total;
            total += s.1;
        }
        let mut post = vec![0u32; total as usize];
        let mut fill: Vec<u32> = span.iter().map(|s| s.0).collect();
        for p in 0..n {
            for &k in block(p) {
                let k = k as usize;
                if span[k].1 > 0 {
                    post[fill[k] as usize] = p as u32;
                    fill[k] += 1;
                }
            }
        }
        Index {
            span,
            post,
            blocks: n,
        }
    }

    /// Blocks sharing the most rare keys with `keys`, best first (at most `k`).
    #[cfg(test)]
    fn candidates(&self, keys: impl Iterator<Item = u32>, k: usize) -> Vec<usize> {
        let mut out = Vec::new();
        self.candidates_into(keys, k, &mut Tally::default(), &mut out);
        out
    }

    /// Appends to `out` the blocks sharing the most rare keys with `keys` (key ids), best
    /// first (at most `k`). `tally` is scratch space (left zeroed). The order (count desc,
    /// block asc) is total, so the choice depends neither on the order of the keys nor on how
    /// the counts are tallied.
    fn candidates_into(
        &self,
        keys: impl Iterator<Item = u32>,
        k: usize,
        tally: &mut Tally,
        out: &mut Vec<usize>,
    ) {
        // Tally per block in a dense array (one entry per block), remembering the blocks
        // touched; then keep the best `k` of just those.
        let Tally {
            count,
            touched,
            list,
        } = tally;
        if count.len() < self.blocks {
            count.resize(self.blocks, 0);
        }
        for key in keys {
            let (a, len) = self.span[key as usize];
            for &b in &self.post[a as usize..(a + len) as usize] {
                let b = b as usize;
                if count[b] == 0 {
                    touched.push(b as u32);
                }
                count[b] += 1;
            }
        }
        if touched.is_empty() || k == 0 {
            for &b in touched.iter() {
                count[b as usize] = 0;
            }
            touched.clear();
            return;
        }
        // (count desc, block asc) as one integer, (MAX − count, block), ascending; the best
        // `k` kept sorted by insertion (the keys are distinct: the same `k` as a full sort).
        list.clear();
        for &b in touched.iter() {
            let c = std::mem::take(&mut count[b as usize]);
            let key = (u64::from(u32::MAX - c) << 32) | u64::from(b);
            if list.len() == k {
                if key >= list[k - 1] {
                    continue;
                }
                list.pop();
            }
            let at = list.partition_point(|&x| x < key);
            list.insert(at, key);
        }
        touched.clear();
        out.extend(list.iter().map(|&x| x as u32 as usize));
    }
}

/// Scratch space of `Index::candidates_into`: per block its count of shared keys (zero
/// between calls), the blocks touched, and their (count, block) keys (see `candidates_into`).
#[derive(Default)]
struct Tally {
    count: Vec<u32>,
    touched: Vec<u32>,
    list: Vec<u64>,
}

/// `strsim::normalized_levenshtein(a, b) >= 0.8` (computed with the bit-parallel
/// `text::edit::normalized_levenshtein`, tested equal to strsim's), without any distance when the
/// character multisets already differ too much: the bag distance (characters of one text not
/// matched in the other, the larger side) never exceeds the edit distance, and 1 − d/max_len
/// only falls as d grows, so a bag distance failing the test means the distance fails it too.
fn near_same(a: &str, b: &str) -> bool {
    if a.is_empty() && b.is_empty() {
        return true;
    }
    let longest = a.chars().count().max(b.chars().count());
    if 1.0 - (crate::text::edit::bag_distance(a, b) as f64) / (longest as f64) < 0.8 {
        return false;
    }
    crate::text::edit::normalized_levenshtein(a, b) >= 0.8
}

/// The texts (their indices, ascending) of each normalised text (`checks::duplicate::
/// normalise`, at least 12 bytes long) that two or more of `texts` share.
///
/// Equal normalised texts have equal signatures (`alnum_signature`), so a text whose
/// signature no other text has is left out without normalising it. A pure-ASCII text's
/// signature is its normalised text's; any other text is normalised first (lower-casing a
/// non-ASCII letter can give an ASCII one: K → k).
fn repeated_texts<'t>(
    texts: impl ExactSizeIterator<Item = &'t str>,
) -> FastMap<String, Vec<usize>> {
    let mut norms: Vec<Option<String>> = vec![None; texts.len()];
    let texts: Vec<&str> = texts.collect();
    // (None: too short to group. Normalising never lengthens an ASCII text.)
    let sigs: Vec<Option<(u32, u32, u32)>> = texts
        .iter()
        .zip(&mut norms)
        .map(|(t, norm)| {
            if !t.is_ascii() {
                Some(alnum_signature(
                    norm.insert(crate::checks::duplicate::normalise(t)),
                ))
            } else if t.len() >= 12 {
                Some(alnum_signature(t))
            } else {
                None
            }
        })
        .collect();
    let mut seen: FastMap<(u32, u32, u32), u32> =
        FastMap::with_capacity_and_hasher(texts.len(), Default::default());
    for sig in sigs.iter().flatten() {
        *seen.entry(*sig).or_default() += 1;
    }
    let mut groups: FastMap<String, Vec<usize>> = FastMap::default();
    for (x, t) in texts.iter().enumerate() {
        if sigs[x].is_none_or(|sig| seen[&sig] < 2) {
            continue;
        }
        let norm = norms[x]
            .take()
            .unwrap_or_else(|| crate::checks::duplicate::normalise(t));
        if norm.len() >= 12 {
            groups.entry(norm).or_default().push(x);
        }
    }
    // (Signatures can collide: a text alone with its normalised form is no repeat.)
    groups.retain(|_, g| g.len() > 1);
    groups
}

/// A signature of a text's ASCII letters and digits, lower-cased, ignoring every other byte:
/// (their count, their sum, the sum of their squares), wrapping. Texts whose normalised forms
/// (`checks::duplicate::normalise`) are equal have equal signatures once the normalised forms
/// are signed, and a pure-ASCII text signs as its normalised form (which keeps exactly its
/// letters and digits, lower-cased, and adds spaces): a cheap test that two texts differ.
/// 16 bytes at a time (SSE2).
#[cfg(not(target_arch = "x86_64"))]
fn alnum_signature(t: &str) -> (u32, u32, u32) {
    alnum_signature_scalar(t)
}

/// `alnum_signature` byte by byte: what other targets than x86-64 run, and the SSE2 form's
/// test oracle.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn alnum_signature_scalar(t: &str) -> (u32, u32, u32) {
    let (mut count, mut sum, mut sq) = (0u32, 0u32, 0u32);
    for b in t.bytes().filter(u8::is_ascii_alphanumeric) {
        let v = b.to_ascii_lowercase() as u32;
        count += 1;
        sum = sum.wrapping_add(v);
        sq = sq.wrapping_add(v * v);
    }
    (count, sum, sq)
}

#[cfg(target_arch = "x86_64")]
fn alnum_signature(t: &str) -> (u32, u32, u32) {
    use crate::text::simd::{ascii_letter, in_range};
    use std::arch::x86_64::*;
    let b = t.as_bytes();
    // SAFETY: SSE2 is part of the x86-64 baseline; loads read 16 bytes inside `b` (whole
    // chunks) or inside `tail`.
    unsafe {
        let zero = _mm_setzero_si128();
        let (mut count, mut sum, mut sq) = (zero, zero, zero);
        let mut add = |x: __m128i| {
            let letter = ascii_letter(x);
            let keep = _mm_or_si128(letter, in_range(x, b'0', 10));
            let v = _mm_and_si128(
                _mm_or_si128(x, _mm_and_si128(letter, _mm_set1_epi8(0x20))),
                keep,
            );
            count = _mm_add_epi64(
                count,
                _mm_sad_epu8(_mm_and_si128(keep, _mm_set1_epi8(1)), zero),
            );
            sum = _mm_add_epi64(sum, _mm_sad_epu8(v, zero));
            let (lo, hi) = (_mm_unpacklo_epi8(v, zero), _mm_unpackhi_epi8(v, zero));
            sq = _mm_add_epi32(
                sq,
                _mm_add_epi32(_mm_madd_epi16(lo, lo), _mm_madd_epi16(hi, hi)),
            );
        };
        let mut chunks = b.chunks_exact(16);
        for c in &mut chunks {
            add(_mm_loadu_si128(c.as_ptr() as *const __m128i));
        }
        let mut tail = [0u8; 16];
        let rest = chunks.remainder();
        if !rest.is_empty() {
            tail[..rest.len()].copy_from_slice(rest);
            add(_mm_loadu_si128(tail.as_ptr() as *const __m128i));
        }
        let lanes64 = |v: __m128i| {
            (_mm_cvtsi128_si64(v) as u64)
                .wrapping_add(_mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v)) as u64)
        };
        let mut q = [0u32; 4];
        _mm_storeu_si128(q.as_mut_ptr() as *mut __m128i, sq);
        (
            lanes64(count) as u32,
            lanes64(sum) as u32,
            q.iter().fold(0u32, |a, &x| a.wrapping_add(x)),
        )
    }
}

fn starts_mid_sentence(t: &str) -> bool {
    let t = t.trim_start();
    t.starts_with('…') || t.starts_with("...") || t.chars().next().is_some_and(|c| c.is_lowercase())
}

/// English sentences that also appear, verbatim, in another pair's block: the copy under the
/// Chinese it fits best is home; the others are displaced copies (no own-pair bonus in the DP,
/// free to leave unplaced, and their far match is the home pair). Returns, per en unit, the
/// home of a displaced copy, and the pairs holding displaced copies (to be screened as
/// suspicious). Reads only Sync data, so it runs beside the screening.
#[allow(clippy::too_many_arguments)]
fn displaced_copies(
    doc: &Document,
    units: &[&EnUnit],
    en_range: &[(usize, usize)],
    pair_zh: &[Option<ZhPred>],
    zh_lens: &[Option<f64>],
    en_lens: &[Option<f64>],
    m: &Model,
    length: &LengthModel,
) -> (Vec<Option<usize>>, Vec<usize>) {
    let mut displaced: Vec<Option<usize>> = vec![None; units.len()];
    let mut flagged = Vec::new();
    // Sentences sharing a normalised text (a lone sentence is no copy).
    let mut groups = repeated_texts(units.iter().map(|u| u.text.as_str()));
    // Short stock sentences ("That's number one.") legitimately recur: a short sentence
    // signals displacement only when it is a whole block somewhere and occurs in exactly
    // two blocks ("I think like 5 to 20." pasted under the wrong turn).
    let whole = |x: usize| {
        let p = units[x].pair;
        en_range[p].1 - en_range[p].0 == 1
    };
    for (norm, g) in groups.iter_mut() {
        let mut ps: Vec<usize> = g.iter().map(|&x| units[x].pair).collect();
        ps.dedup();
        // Boilerplate repeated in many blocks is not a displaced copy either.
        if ps.len() > 3 || (norm.len() < 30 && (ps.len() > 2 || !g.iter().any(|&x| whole(x)))) {
            g.truncate(1);
        }
    }
    let mut groups: Vec<Vec<usize>> = groups.into_values().filter(|g| g.len() > 1).collect();
    groups.sort();
    // Decide per set of blocks sharing sentences (a displaced copy is usually a whole
    // block), on all the text they share: sentence by sentence is too noisy.
    let mut relations: FastMap<Vec<usize>, Vec<Vec<usize>>> = FastMap::default();
    for g in groups {
        let mut ps: Vec<usize> = g.iter().map(|&x| units[x].pair).collect();
        ps.sort_unstable();
        ps.dedup();
        if ps.len() > 1 {
            relations.entry(ps).or_default().push(g);
        }
    }
    let mut relations: Vec<(Vec<usize>, Vec<Vec<usize>>)> = relations.into_iter().collect();
    relations.sort();
    let zabs = |p: usize| -> f64 {
        match (zh_lens[p], en_lens[p]) {
            (Some(zl), Some(el)) => length.z(zl, el).abs(),
            _ => f64::INFINITY,
        }
    };
    let zh_norm = |p: usize| crate::checks::duplicate::normalise(doc.pairs[p].zh_text());
    for (ps, gs) in relations {
        // The same English under near-same Chinese is a repeated pair (a repeated row),
        // not a displaced copy.
        let z0 = zh_norm(ps[0]);
        if ps[1..].iter().all(|&p| near_same(&z0, &zh_norm(p))) {
            continue;
        }
        let text: String = gs
            .iter()
            .map(|g| units[g[0]].text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let bag = en_bag(&text);
        // Home: a pair whose lengths are not grossly off (|z| ≤ 8: not a block holding
        // many turns), then the best similarity of its Chinese with the shared text, then
        // the later pair.
        let mut home: Option<(usize, bool, f64)> = None;
        for &p in &ps {
            let Some(z) = pair_zh[p].as_ref() else {
                continue;
            };
            let (fit, sc) = (zabs(p) <= 8.0, m.sim(z, &bag));
            home = match home {
                Some(h) if (h.1 && !fit) || (h.1 == fit && h.2 > sc + 0.02) => Some(h),
                _ => Some((p, fit, sc)),
            };
        }
        if let Some((h, _, _)) = home {
            for g in &gs {
                for &x in g {
                    let p = units[x].pair;
                    if p != h {
                        displaced[x] = Some(h);
                        flagged.push(p);
                    }
                }
            }
        }
    }
    (displaced, flagged)
}

fn run(
    doc: &Document,
    prep: &Prepared,
    length: &LengthModel,
    used_lexicon: bool,
    learned: usize,
) -> Alignment {
    let n = doc.pairs.len();
    let m = &prep.model;
    let ids = KeyIds::new(&prep.pair_zh, &prep.pair_en);
    let en_index = Index::build(|p| ids.en(p), n, ids.len());
    let zh_index = Index::build(|p| ids.zh(p), n, ids.len());

    // Memoised: screening meets each neighbouring (Chinese, English) pair from both ends, and
    // the moves below ask again. Those (|z − e| ≤ NEAR) live in a dense table (NaN: not yet
    // computed; a NaN result would only be computed again, to the same value). The far ones
    // (index candidates) are computed from dense key ids in the screening, cheaper than a
    // memo's hashing, and with `Model::sim` for the few the moves ask about.
    const NEAR: usize = 3;
    let sim_near: Vec<std::cell::Cell<f64>> =
        vec![std::cell::Cell::new(f64::NAN); n * (2 * NEAR + 1)];
    let near = |z: usize, e: usize| -> Option<&std::cell::Cell<f64>> {
        (e + NEAR >= z && e <= z + NEAR).then(|| &sim_near[z * (2 * NEAR + 1) + (e + NEAR - z)])
    };
    let sim_of = |z: usize, e: usize| -> f64 {
        match (&prep.pair_zh[z], &prep.pair_en[e]) {
            (Some(p), Some(b)) => m.sim(p, b),
            _ => 0.0,
        }
    };
    let sim = |z: usize, e: usize| -> f64 {
        let Some(cell) = near(z, e) else {
            return sim_of(z, e);
        };
        let v = cell.get();
        if !v.is_nan() {
            return v;
        }
        let v = sim_of(z, e);
        cell.set(v);
        v
    };
    // 1. Screen.
    let mut own_sim = vec![0.0; n];
    let mut best_other = vec![(0.0, None); n];
    // Best other English for this Chinese, best other Chinese for this English.
    let mut best_zh: Vec<(f64, Option<usize>)> = vec![(0.0, None); n];
    let mut best_en: Vec<(f64, Option<usize>)> = vec![(0.0, None); n];
    // For the best other Chinese q of this English, the similarity of this Chinese with q's
    // English (the pairwise swap below weighs both; no memo keeps far pairs).
    let mut best_en_back: Vec<f64> = vec![0.0; n];
    let mut suspicious = vec![false; n];
    // The displaced copies need none of the screening's results: found on another worker
    // meanwhile (its results are the same whichever thread computes them).
    let units: Vec<&EnUnit> = prep.en_units.iter().map(|u| &u.0).collect();
    let mut displaced = None;
    let (en_range, pair_zh) = (&prep.en_range, &prep.pair_zh);
    let (zh_lens, en_lens) = (&prep.zh_lens, &prep.en_lens);
    // `Model::sim` of pair z's Chinese with pair e's English from the keys they share,
    // found through one of them scattered (the other's keys read in order: ascending).
    let sim_with = |z: usize, e: usize, at: &Scattered, by_zh: bool, shared: &mut Vec<_>| {
        let (Some(p), Some(b)) = (&prep.pair_zh[z], &prep.pair_en[e]) else {
            return 0.0;
        };
        if by_zh {
            at.shared::<false>(ids.en(e), shared);
        } else {
            at.shared::<true>(ids.zh(z), shared);
        }
        m.sim_shared(p, b, shared)
    };
    // A pair's Chinese keys and English keys, scattered by id (see `Scattered`).
    let (mut at_zh, mut at_en) = (Scattered::new(ids.len()), Scattered::new(ids.len()));
    let mut shared: Vec<(u32, u32)> = Vec::new();
    // Per pair (CSR, filled in pair order): its far candidates q with sim(its Chinese, q's
    // English) and sim(q's Chinese, its English).
    let mut far_seen: Vec<(u32, f64, f64)> = Vec::with_capacity(12 * n);
    let mut far_at: Vec<u32> = vec![0; n + 1];
    // Scratch of every `candidates_into` below: its per-block counts are allocated (zeroed)
    // once per document, not once per query.
    let mut scratch = Tally::default();
    rayon::in_place_scope(|scope| {
        let mut find_displaced = || {
            displaced = Some(displaced_copies(
                doc, &units, en_range, pair_zh, zh_lens, en_lens, m, length,
            ))
        };
        if crate::threads::one_thread() {
            find_displaced();
        } else {
            scope.spawn(move |_| find_displaced());
        }
        let mut cands = Vec::new();
        for (i, p) in doc.pairs.iter().enumerate() {
            at_zh.set(ids.zh(i));
            at_en.set(ids.en(i));
            // Pair z's Chinese with pair e's English, one of them pair i, memoised for
            // neighbours.
            let sim_i = |z: usize, e: usize, shared: &mut Vec<_>| -> f64 {
                let cell = near(z, e);
                if let Some(v) = cell.map(|c| c.get()).filter(|v| !v.is_nan()) {
                    return v;
                }
                let v = if z == i {
                    sim_with(z, e, &at_zh, true, shared)
                } else {
                    sim_with(z, e, &at_en, false, shared)
                };
                if let Some(c) = cell {
                    c.set(v);
                }
                v
            };
            own_sim[i] = sim_i(i, i, &mut shared);
            cands.clear();
            cands.extend(i.saturating_sub(3)..(i + 4).min(n));
            if prep.pair_zh[i].is_some() {
                en_index.candidates_into(ids.zh(i).iter().copied(), 6, &mut scratch, &mut cands);
            }
            if prep.pair_en[i].is_some() {
                zh_index.candidates_into(ids.en(i).iter().copied(), 6, &mut scratch, &mut cands);
            }
            cands.sort_unstable();
            cands.dedup();
            for &q in cands.iter().filter(|&&q| q != i) {
                // A far pair met already from the other end (q < i, with i among q's
                // candidates) holds both values; the neighbours' are in the memo.
                let far = near(i, q).is_none();
                let seen = if far && q < i {
                    far_seen[far_at[q] as usize..far_at[q + 1] as usize]
                        .iter()
                        .find(|f| f.0 as usize == i)
                } else {
                    None
                };
                let (sz, se) = match seen {
                    Some(&(_, qi, iq)) => (iq, qi),
                    None => (sim_i(i, q, &mut shared), sim_i(q, i, &mut shared)),
                };
                if far {
                    far_seen.push((q as u32, sz, se));
                }
                if sz > best_zh[i].0 {
                    best_zh[i] = (sz, Some(q));
                }
                if se > best_en[i].0 {
                    best_en[i] = (se, Some(q));
                    best_en_back[i] = sz;
                }
                let s = sz.max(se);
                if s > best_other[i].0 {
                    best_other[i] = (s, Some(q));
                }
            }
            at_zh.clear(ids.zh(i));
            at_en.clear(ids.en(i));
            let mut flag = best_other[i].0 > own_sim[i] + 0.08 && best_other[i].0 >= 0.15;
            match (&p.en, prep.zh_lens[i], prep.en_lens[i]) {
                (Some(e), Some(zl), Some(el)) => {
                    flag |= zl >= 4.0 && length.z(zl, el).abs() > 2.5;
                    flag |= starts_mid_sentence(&e.text);
                }
                _ => flag = true,
            }
            suspicious[i] = flag;
            far_at[i + 1] = far_seen.len() as u32;
        }
    });
    let (displaced, flagged) = displaced.expect("computed in the scope");
    for p in flagged {
        suspicious[p] = true;
    }
    let mut owner: Vec<Option<usize>> = prep.en_units.iter().map(|u| Some(u.0.pair)).collect();
    // Units of a pair with no Chinese have no owner by default.
    for (i, p) in doc.pairs.iter().enumerate() {
        if p.zh.is_none() {
            for o in &mut owner[prep.en_range[i].0..prep.en_range[i].1] {
                *o = None;
            }
        }
    }
    // 2. Windows.
    let mut windows: Vec<(usize, usize)> = Vec::new();
    if suspicious.iter().any(|s| *s) {
        if n <= 300 {
            windows.push((0, n));
        } else {
            for i in (0..n).filter(|&i| suspicious[i]) {
                let (a, b) = (i.saturating_sub(2), (i + 3).min(n));
                match windows.last_mut() {
                    Some(w) if a <= w.1 + 4 => w.1 = b,
                    _ => windows.push((a, b)),
                }
            }
        }
        let mut chunked = Vec::new();
        for (a, b) in windows {
            if n <= 300 {
                chunked.push((a, b));
                continue;
            }
            let mut s = a;
            while s < b {
                let e = (s + MAX_WINDOW).min(b);
                chunked.push((s, e));
                s = e;
            }
        }
        windows = chunked;
    }
    for &(a, b) in &windows {
        dp_window(prep, length, a, b, &displaced, &mut owner);
    }
    // A Chinese left with no English while its whole own block went to a neighbour's Chinese
    // (a 1-0 step next to a 2-1 merge) is weak evidence: two adjacent pairs whose words overlap
    // explain it as well as a real merge does, and a real merge leaves the Chinese's English
    // somewhere else in the file. Keep the file's pairing there unless the block also matches
    // the neighbour far better than its own Chinese.
    {
        let mut got = vec![false; n];
        for o in owner.iter().flatten() {
            got[*o] = true;
        }
        for p in 0..n {
            let (a, b) = prep.en_range[p];
            if got[p]
                || a == b
                || prep.pair_zh[p].is_none()
                || (a..b).any(|x| displaced[x].is_some())
            {
                continue;
            }
            let Some(q) = owner[a] else { continue };
            if q.abs_diff(p) != 1 || (a..b).any(|x| owner[x] != Some(q)) {
                continue;
            }
            if sim(q, p) < own_sim[p] + UNMERGE_MARGIN {
                for o in &mut owner[a..b] {
                    *o = Some(p);
                }
            }
        }
    }
    // Length fit of Chinese z with English e: a crossing move must not create a pairing whose
    // lengths are off (|z| > 2.5) unless the file's pairing is already worse.
    let zfit = |zi: usize, ei: usize| -> f64 {
        match (prep.zh_lens[zi], prep.en_lens[ei]) {
            (Some(zl), Some(el)) => length.z(zl, el).abs(),
            _ => f64::INFINITY,
        }
    };
    let len_ok = |zi: usize, ei: usize| zfit(zi, ei) <= zfit(zi, zi).max(2.5);
    // Crossing moves the monotone DP cannot make (swaps, rotations, far swaps): a pair whose
    // English the DP left with it, while its Chinese fits another pair's English and its
    // English fits another pair's Chinese, both by `CROSS_MARGIN` over its own pairing.
    let mut crossed_zh: Vec<Option<usize>> = vec![None; n];
    let mut moved_to: Vec<Option<usize>> = vec![None; n];
    for i in 0..n {
        let (a, b) = prep.en_range[i];
        if a == b || prep.pair_zh[i].is_none() || (a..b).any(|x| owner[x] != Some(i)) {
            continue;
        }
        let (bz, j) = best_zh[i];
        let (be, k) = best_en[i];
        let (Some(j), Some(k)) = (j, k) else {
            continue;
        };
        if bz >= CROSS_MIN
            && be >= CROSS_MIN
            && bz > own_sim[i] + CROSS_MARGIN
            && be > own_sim[i] + CROSS_MARGIN
        {
            for o in &mut owner[a..b] {
                *o = Some(k);
            }
            crossed_zh[i] = Some(j);
            moved_to[i] = Some(k);
        }
    }
    // A Chinese that keeps its own English whole and receives another block on top holds two
    // translations: in a swap, rotation or shift the receiving pair's own English has moved
    // too, unless its own English fits it worse than the received block (the end of a chain).
    // Otherwise the move is a chance word overlap; undo it.
    {
        for i in 0..n {
            let Some(k) = moved_to[i] else { continue };
            let (a, b) = prep.en_range[k];
            if a < b
                && (a..b).all(|x| owner[x] == Some(k))
                && sim(k, i) <= own_sim[k] + CROSS_MARGIN
            {
                let (a, b) = prep.en_range[i];
                for o in &mut owner[a..b] {
                    *o = Some(i);
                }
                crossed_zh[i] = None;
            }
        }
    }
    // Pairwise swaps: this English fits another pair's Chinese, and exchanging the two
    // English blocks raises the pair similarities by 2·CROSS_MARGIN in total (catches swaps
    // where only one side carries anchors).
    let whole = |owner: &[Option<usize>], i: usize| {
        let (a, b) = prep.en_range[i];
        a < b && prep.pair_zh[i].is_some() && (a..b).all(|x| owner[x] == Some(i))
    };
    for i in 0..n {
        let Some(j) = best_en[i].1 else {
            continue;
        };
        if crossed_zh[i].is_some()
            || crossed_zh[j].is_some()
            || !whole(&owner, i)
            || !whole(&owner, j)
        {
            continue;
        }
        // (`sim(j, i)` and `sim(i, j)`, as the screening found them.)
        let (ji, ij) = (best_en[i].0, best_en_back[i]);
        let delta = ji + ij - own_sim[i] - own_sim[j];
        if ji >= CROSS_MIN && delta > 2.0 * CROSS_MARGIN && len_ok(j, i) && len_ok(i, j) {
            for (p, q) in [(i, j), (j, i)] {
                let (a, b) = prep.en_range[p];
                for o in &mut owner[a..b] {
                    *o = Some(q);
                }
                crossed_zh[q] = Some(p);
            }
        }
    }
    // One-sided but strong: this Chinese fits another English far better than its own.
    for i in 0..n {
        let (bz, j) = best_zh[i];
        if crossed_zh[i].is_none()
            && j.is_some()
            && whole(&owner, i)
            && bz >= 0.5
            && bz > own_sim[i] + 0.4
            && j.is_some_and(|j| {
                // A displaced copy of this pair's own English is not another English.
                let (a, b) = prep.en_range[j];
                len_ok(i, j) && !(a..b).all(|x| displaced[x] == Some(i))
            })
        {
            crossed_zh[i] = j;
        }
    }
    // 3. Far matches for unplaced English runs and English-less Chinese.
    let mut far = vec![None; prep.en_units.len()];
    let mut x = 0;
    while x < prep.en_units.len() {
        if owner[x].is_some() {
            x += 1;
            continue;
        }
        if let Some(h) = displaced[x] {
            far[x] = Some(h);
            x += 1;
            continue;
        }
        let pair = prep.en_units[x].0.pair;
        let mut y = x;
        let mut text = String::new();
        while y < prep.en_units.len()
            && owner[y].is_none()
            && displaced[y].is_none()
            && prep.en_units[y].0.pair == pair
        {
            text.push_str(&prep.en_units[y].0.text);
            text.push(' ');
            y += 1;
        }
        let bag = en_bag(&text);
        let mut cands = Vec::new();
        zh_index.candidates_into(
            ids.of(bag.keys.iter().copied()),
            8,
            &mut scratch,
            &mut cands,
        );
        let mut scored: Vec<(f64, usize)> = cands
            .into_iter()
            .filter_map(|q| prep.pair_zh[q].as_ref().map(|p| (m.sim(p, &bag), q)))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        if let Some(&(s, q)) = scored.first()
            && s >= FAR_MIN_SIM
            && scored.get(1).is_none_or(|r| r.0 < s)
        {
            for f in &mut far[x..y] {
                *f = Some(q);
            }
        }
        x = y;
    }
    let mut got = vec![false; n];
    for o in owner.iter().flatten() {
        got[*o] = true;
    }
    let mut zh_far = crossed_zh;
    for i in 0..n {
        if got[i] || prep.pair_zh[i].is_none() || zh_far[i].is_some() {
            continue;
        }
        at_zh.set(ids.zh(i));
        let mut cands = Vec::new();
        en_index.candidates_into(ids.zh(i).iter().copied(), 8, &mut scratch, &mut cands);
        let mut scored: Vec<(f64, usize)> = cands
            .into_iter()
            .filter(|&q| q != i && prep.pair_en[q].is_some())
            .map(|q| (sim_with(i, q, &at_zh, true, &mut shared), q))
            .collect();
        at_zh.clear(ids.zh(i));
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        // The far English must fit this Chinese clearly better than its own Chinese.
        if let Some(&(s, q)) = scored.first()
            && s >= FAR_MIN_SIM
            && s > own_sim[i] + 0.08
            && s > own_sim[q] + CROSS_MARGIN
        {
            zh_far[i] = Some(q);
        }
    }
    Alignment {
        zh_units: prep.zh_units.iter().map(|u| u.0.clone()).collect(),
        en_units: prep.en_units.iter().map(|u| u.0.clone()).collect(),
        owner,
        far,
        zh_far,
        displaced,
        own_sim,
        best_other,
        windows,
        en_range: prep.en_range.clone(),
        used_lexicon,
        learned_associations: learned,
    }
}

/// Monotone DP over the zh units and en sentences of pairs `a..b`; writes `owner`.
fn dp_window(
    prep: &Prepared,
    length: &LengthModel,
    a: usize,
    b: usize,
    displaced: &[Option<usize>],
    owner: &mut [Option<usize>],
) {
    let (u0, u1) = (prep.zh_unit_range[a].0, prep.zh_unit_range[b - 1].1);
    let (s0, s1) = (prep.en_range[a].0, prep.en_range[b - 1].1);
    let nu = u1 - u0;
    let ns = s1 - s0;
    if nu == 0 || ns == 0 {
        return;
    }
    let m = &prep.model;
    // Prefix sums of per-sentence gains for each unit.
    let mut pre = vec![0.0f64; nu * (ns + 1)];
    let mut clen = vec![0.0f64; ns + 1];
    // starts[x]: block starts among the first x sentences (a run joining blocks pays JOIN_COST
    // per block it enters after its first).
    let mut starts = vec![0usize; ns + 1];
    for x in 0..ns {
        clen[x + 1] = clen[x] + prep.en_units[s0 + x].2;
        starts[x + 1] = starts[x] + prep.en_units[s0 + x].0.block_start as usize;
    }
    // Rows are independent: computed in parallel, each by the same arithmetic as alone.
    let gains = Gains::new(m, &prep.en_units[s0..s1]);
    let en_pair: Vec<usize> = prep.en_units[s0..s1].iter().map(|u| u.0.pair).collect();
    let (zh_units, displaced_w) = (&prep.zh_units[u0..u1], &displaced[s0..s1]);
    pre.par_chunks_mut(ns + 1)
        .zip(zh_units)
        .with_min_len(crate::threads::grain(16))
        .for_each_init(
            || (gains.scratch(), vec![0.0f64; ns]),
            |(sc, g), (row, (zu, pred, base, _))| {
                gains.row(sc, pred, *base, g);
                // (Zipped slices: no bounds checks; `acc` is row[x] as the sum goes.)
                let mut acc = row[0];
                let cells = row[1..]
                    .iter_mut()
                    .zip(g.iter())
                    .zip(displaced_w)
                    .zip(&en_pair);
                for (((r, &gx), d), &pair) in cells {
                    // A copy whose home is elsewhere is needed by no Chinese (its home pair
                    // keeps its own copy): flat penalty, whatever words it shares, larger than
                    // leaving a Chinese unit without English, so it never fills an empty
                    // Chinese paragraph either.
                    let v = match d {
                        Some(_) => -(OWN_BONUS + SKIP_ZH),
                        None if pair == zu.pair => gx + OWN_BONUS,
                        None => gx,
                    };
                    acc += v;
                    *r = acc;
                }
            },
        );
    let ctx = Window {
        prep,
        length,
        displaced,
        u0,
        s0,
        nu,
        ns,
        pre: &pre,
        clen: &clen,
        starts: &starts,
    };
    // Cell pruning (exact, A*-style): `bound[u][s]` is at least the score any path from cell
    // (u, s) can still add, so a cell whose score plus bound is below the score of some
    // complete path cannot lie on the optimal path nor on the path the trace-back follows (all
    // its cells score optimal totals), and the moves out of it change no cell that path uses.
    // The optimal score is not known before the DP, so try thresholds below the bound of the
    // whole window, widening the gap fourfold each time: a pass whose best path scores at least
    // its threshold (plus rounding slack) has pruned nothing on an optimal path, so its
    // trace-back is the unpruned DP's, cell for cell and tie for tie (the surviving moves are
    // made in the same order with the same arithmetic). A failed pass's best score is that of
    // a real path, hence a threshold that cannot fail.
    let bound = upper_bounds(&ctx);
    let mut back = Back::default();
    match prep.cell_pruning {
        CellPruning::Search => {
            let mut found = f64::NEG_INFINITY;
            let mut gap = FIRST_GAP;
            loop {
                let tried = bound[0] - gap;
                let safe = found - BOUND_MARGIN;
                let thr = if tried > safe && gap < LAST_GAP {
                    tried
                } else {
                    safe
                };
                let score = forward(&ctx, &bound, thr, &mut back);
                if score >= thr + BOUND_MARGIN || thr == safe {
                    break;
                }
                found = found.max(score);
                gap *= 4.0;
            }
        }
        CellPruning::Off => {
            forward(&ctx, &bound, f64::NEG_INFINITY, &mut back);
        }
        CellPruning::AtOptimum => {
            let opt = forward(&ctx, &bound, f64::NEG_INFINITY, &mut back);
            forward(&ctx, &bound, opt - BOUND_MARGIN, &mut back);
        }
    }
    // Trace back.
    let (mut u, mut s) = (nu, ns);
    for o in &mut owner[s0..s1] {
        *o = None;
    }
    while u > 0 || s > 0 {
        match back.get(u, s) {
            0 => s -= 1,
            1 => u -= 1,
            k => {
                let k = k as usize - 1;
                let pair = prep.zh_units[u0 + u - 1].0.pair;
                for o in &mut owner[s0 + s - k..s0 + s] {
                    *o = Some(pair);
                }
                s -= k;
                u -= 1;
            }
        }
    }
}

/// `Model::gain` of one unit with every sentence of a window, a whole row at once. The keys a
/// unit shares with each sentence are found from the unit's side, through an index of the
/// window's keys (per key: its idf and the sentences holding it, and whether it is one of
/// their anchors). Walking the unit's keys in ascending order adds each sentence's hits in
/// ascending key order, as the merge in `Model::gain` does: the same terms, added in the same
/// order from the same 0.0, give the same bits; the rest is `Model::gain_of`, as there. A
/// sentence sharing no key scores no hit and every anchor missed, so its gain depends only on
/// its (words, anchors) counts: computed once per unit and count pair. The tests compare every
/// value with `Model::gain`.
struct Gains<'a, 'p> {
    model: &'a Model<'p>,
    /// Window key → (idf, span of `post`).
    index: FastMap<Key, (f64, u32, u32)>,
    /// (sentence, whether the key is one of its anchors), grouped by key.
    post: Vec<(u32, bool)>,
    /// Per sentence: word count, anchor count, and the index of that pair among `pairs`.
    words: Vec<usize>,
    anchors: Vec<usize>,
    counts: Vec<u32>,
    /// The distinct (words, anchors) pairs of the window.
    pairs: Vec<(usize, usize)>,
}

/// One worker's scratch space for `Gains::row` (the index itself is shared).
struct GainScratch {
    /// Gain without a shared key, per `pairs` entry, for the current unit.
    no_hit: Vec<f64>,
    /// Per sentence, valid where `mark == stamp`: hit sum and anchors found.
    hit: Vec<f64>,
    found: Vec<u32>,
    mark: Vec<u32>,
    stamp: u32,
    /// Sentences sharing a key with the current unit (each once).
    touched: Vec<u32>,
}

impl<'a, 'p> Gains<'a, 'p> {
    fn new(model: &'a Model<'p>, units: &[(EnUnit, EnBag, f64)]) -> Self {
        let n = units.len();
        // Dense key ids in first-seen order, each (key, sentence) occurrence remembered with
        // its id, then grouped by id (counting sort): no per-key allocation, no sort.
        let mut ids: FastMap<Key, u32> = FastMap::default();
        let mut keys: Vec<Key> = Vec::new();
        let mut occ: Vec<(u32, u32, bool)> = Vec::new(); // (key id, sentence, anchor)
        let mut pair_ids: FastMap<(usize, usize), u32> = FastMap::default();
        let (mut words, mut anchors, mut counts, mut pairs) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::new(),
        );
        for (x, u) in units.iter().enumerate() {
            let bag = &u.1;
            // Anchors are a sorted subset of the sorted keys: one merge marks them.
            let mut ai = 0;
            for &k in &bag.keys {
                while ai < bag.anchors.len() && bag.anchors[ai] < k {
                    ai += 1;
                }
                let anchor = ai < bag.anchors.len() && bag.anchors[ai] == k;
                let id = *ids.entry(k).or_insert_with(|| {
                    keys.push(k);
                    (keys.len() - 1) as u32
                });
                occ.push((id, x as u32, anchor));
            }
            let c = (bag.words, bag.anchors.len());
            let next = pairs.len() as u32;
            let id = *pair_ids.entry(c).or_insert(next);
            if id == next {
                pairs.push(c);
            }
            words.push(c.0);
            anchors.push(c.1);
            counts.push(id);
        }
        let mut start = vec![0u32; keys.len() + 1];
        for &(id, _, _) in &occ {
            start[id as usize + 1] += 1;
        }
        for i in 0..keys.len() {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut post = vec![(0u32, false); occ.len()];
        for &(id, x, anchor) in &occ {
            post[fill[id as usize] as usize] = (x, anchor);
            fill[id as usize] += 1;
        }
        let index = keys
            .iter()
            .enumerate()
            .map(|(i, &k)| (k, (model.idf(k), start[i], start[i + 1])))
            .collect();
        Gains {
            model,
            index,
            post,
            words,
            anchors,
            counts,
            pairs,
        }
    }

    fn scratch(&self) -> GainScratch {
        let n = self.words.len();
        GainScratch {
            no_hit: vec![0.0; self.pairs.len()],
            hit: vec![0.0; n],
            found: vec![0; n],
            mark: vec![0; n],
            stamp: 0,
            touched: Vec::new(),
        }
    }

    /// `out[x] = Model::gain(pred, base, sentence x)` for every sentence of the window.
    fn row(&self, sc: &mut GainScratch, pred: &ZhPred, base: f64, out: &mut [f64]) {
        let m = self.model;
        sc.stamp += 1;
        sc.touched.clear();
        for (k, w) in &pred.keys {
            let Some(&(idf, a, b)) = self.index.get(k) else {
                continue;
            };
            let t = *w as f64 * idf;
            for &(x, anchor) in &self.post[a as usize..b as usize] {
                let x = x as usize;
                if sc.mark[x] != sc.stamp {
                    sc.mark[x] = sc.stamp;
                    sc.hit[x] = 0.0;
                    sc.found[x] = 0;
                    sc.touched.push(x as u32);
                }
                sc.hit[x] += t;
                sc.found[x] += anchor as u32;
            }
        }
        for (v, &(words, anchors)) in sc.no_hit.iter_mut().zip(&self.pairs) {
            *v = m.gain_of(0.0, base, words, anchors);
        }
        for (o, &c) in out.iter_mut().zip(&self.counts) {
            *o = sc.no_hit[c as usize];
        }
        for &x in &sc.touched {
            let x = x as usize;
            out[x] = m.gain_of(
                sc.hit[x],
                base,
                self.words[x],
                self.anchors[x] - sc.found[x] as usize,
            );
        }
    }
}

/// The inputs of one window's DP.
struct Window<'a, 'p> {
    prep: &'a Prepared<'p>,
    length: &'a LengthModel,
    displaced: &'a [Option<usize>],
    u0: usize,
    s0: usize,
    nu: usize,
    ns: usize,
    /// Per unit, prefix sums of per-sentence gains (`ns + 1` each).
    pre: &'a [f64],
    /// Prefix sums of English lengths.
    clen: &'a [f64],
    /// starts[x]: block starts among the first x sentences.
    starts: &'a [usize],
}

/// Back pointers of one DP pass (0 = skip en, 1 = skip zh, k+1 = took k sentences), kept
/// only over each row's band: the columns from the first to the last cell the pass reached
/// (a cell outside it has no score, so no path and no trace-back goes through it).
#[derive(Default)]
struct Back {
    /// Per row: (first column, offset in `vals`, width).
    rows: Vec<(usize, usize, usize)>,
    vals: Vec<u32>,
}

impl Back {
    fn clear(&mut self) {
        self.rows.clear();
        self.vals.clear();
    }

    fn push_row(&mut self, lo: usize, vals: &[u32]) {
        self.rows.push((lo, self.vals.len(), vals.len()));
        self.vals.extend_from_slice(vals);
    }

    fn get(&self, u: usize, s: usize) -> u32 {
        let (lo, off, len) = self.rows[u];
        assert!(s >= lo && s - lo < len, "trace-back leaves the band");
        self.vals[off + s - lo]
    }
}

/// One forward pass of the window's DP over the cells whose score plus `bound` reaches `thr`
/// (all of them when `thr` is −∞); fills `back` and returns the end cell's score.
///
/// A row's cells are reached only from its own row (skip en) and the row above, so only two
/// rows of scores are kept (the current one and the next), and each row is walked only over
/// its band: from the first cell reached to the last (which grows as skips move right). The
/// cells outside have no score, and the full-table DP skips them too.
fn forward(ctx: &Window, bound: &[f64], thr: f64, back: &mut Back) -> f64 {
    let Window {
        prep,
        length,
        displaced,
        u0,
        s0,
        nu,
        ns,
        pre,
        clen,
        starts,
    } = *ctx;
    let w = ns + 1;
    back.clear();
    let mut best_rows = [vec![f64::NEG_INFINITY; w], vec![f64::NEG_INFINITY; w]];
    let mut back_rows = [vec![0u32; w], vec![0u32; w]];
    // Bands of the current and the next row (first, last reached column; empty: lo > hi).
    const EMPTY: (usize, usize) = (usize::MAX, 0);
    let (mut band, mut next_band) = ((0, 0), EMPTY);
    best_rows[0][0] = 0.0;
    let mut end_score = f64::NEG_INFINITY;
    // Length z of the current unit by English length (lengths are whole numbers of
    // characters, so a run's length indexes this table; NaN = not computed yet). A unit meets
    // the same run length many times, and the logarithm dominated the DP's cost.
    let max_run_len = (0..ns)
        .map(|s| clen[(s + MAX_RUN).min(ns)] - clen[s])
        .fold(0.0f64, f64::max);
    let mut z_cache = ZCache::new(max_run_len as usize + 1);
    let mut cache_unit = usize::MAX;
    let mut reach = RangeMax::new((ns + 1).min(REACH_SPAN + 1));
    // Range maxima of row[t] − JOIN_COST·starts[t] + bound[u + 1][t]: with `base` below, the
    // most a run of this unit ending at t can leave in cell (u + 1, t), plus that cell's bound.
    let mut live = RangeMax::new((ns + 1).min(REACH_SPAN + 1));
    let pruning = thr > f64::NEG_INFINITY;
    for u in 0..=nu {
        let [row_best, next_best] = &mut best_rows;
        let [row_back, next_back] = &mut back_rows;
        // (An empty band starts past `ns`; the band's end grows as skips reach further.)
        for s in band.0..=ns {
            if s > band.1 {
                break;
            }
            let cur = row_best[s];
            // (−∞ never passes: thresholds are finite or −∞, and −∞ < −∞ is false.)
            if cur == f64::NEG_INFINITY || cur + bound[u * w + s] < thr {
                continue;
            }
            // skip en sentence s
            if s < ns {
                let skip = if displaced[s0 + s].is_some() {
                    0.0
                } else {
                    SKIP_EN
                };
                let v = cur - skip;
                if v > row_best[s + 1] {
                    row_best[s + 1] = v;
                    row_back[s + 1] = 0;
                    band.1 = band.1.max(s + 1);
                }
            }
            if u == nu {
                continue;
            }
            let (zu, _, _, zl) = &prep.zh_units[u0 + u];
            let v = cur - SKIP_ZH;
            if v > next_best[s] {
                next_best[s] = v;
                next_back[s] = 1;
                next_band = (next_band.0.min(s), next_band.1.max(s));
            }
            let eu = &prep.en_units[s0 + s.min(ns - 1)].0;
            let cut = if s < ns && !eu.block_start && (eu.pair != zu.pair || zu.first_of_pair) {
                CUT_COST
            } else {
                0.0
            };
            let row = &pre[u * (ns + 1)..(u + 1) * (ns + 1)];
            if s == ns {
                continue;
            }
            let mut end = (s + MAX_RUN).min(ns);
            // Cells off the surviving band are never expanded, so the range maxima are built
            // lazily over a span from the first cell that needs them, and rebuilt further on
            // when a run could end past it.
            if cache_unit != u || end > reach.hi {
                if cache_unit != u {
                    z_cache.clear();
                }
                cache_unit = u;
                let (lo, hi) = (s + 1, (s + 1 + REACH_SPAN).min(ns));
                reach.fill(lo, hi, |t| {
                    row[t] + t as f64 * SKIP_EN - JOIN_COST * starts[t] as f64
                });
                if pruning {
                    let next_bound = &bound[(u + 1) * w..(u + 2) * w];
                    live.fill(lo, hi, |t| {
                        row[t] - JOIN_COST * starts[t] as f64 + next_bound[t]
                    });
                }
            }
            // Early stop (see `RangeMax`): a run ending at t' ≥ t scores at most
            // base + reach(t') − t' − penalty(t'), and skipping to t then this unit reaches the
            // same cell with at least here[t] − (t' − t)·SKIP_EN − SKIP_ZH (`here` only grows),
            // so once the best reach ahead, less the penalty, is below
            // here[t] + t·SKIP_EN − SKIP_ZH − base, no longer run can win anywhere.
            let first = starts[s + 1];
            let base = cur - row[s] - cut + JOIN_COST * first as f64;
            if pruning {
                // A run whose end cell's score plus bound stays below the threshold is of no
                // use either (the cell is pruned, or gets its score from a better move; an
                // optimal path's moves score at least the threshold): end the range at the
                // last run that could reach it (the maxima over t..=end fall as t grows).
                let need = thr - base - BOUND_MARGIN;
                if live.max(s + 1, end) < need {
                    continue;
                }
                let (mut lo, mut hi) = (s + 1, end);
                while lo < hi {
                    let mid = (lo + hi).div_ceil(2);
                    if live.max(mid, end) >= need {
                        lo = mid
                    } else {
                        hi = mid - 1
                    }
                }
                end = lo;
            }
            if *zl >= 1.0 {
                // Past the expected length (z ≥ 0) the penalty grows with the run, so the
                // bound at t holds for every longer run: cut the range at the first such t
                // (binary search; any t where the test holds is a valid cut).
                let floor = row_best[s + 1] + (s + 1) as f64 * SKIP_EN - SKIP_ZH - base;
                let mut cut_at = |t: usize| {
                    let z = z_cache.z(length, *zl, clen[t] - clen[s]);
                    z >= 0.0
                        && reach.max(t, end) - LENGTH_WEIGHT * z * z / 2.0 < floor - REACH_MARGIN
                };
                if cut_at(end) {
                    let (mut lo, mut hi) = (s + 1, end);
                    while lo < hi {
                        let mid = (lo + hi) / 2;
                        if cut_at(mid) { hi = mid } else { lo = mid + 1 }
                    }
                    end = hi - 1;
                }
            }
            // Runs s..t for t in s+1..=end, over slices of that range (the hot loop of the
            // alignment: slices let the compiler drop the bounds checks).
            let here = &row_best[s + 1..end + 1];
            let next = &mut next_best[s + 1..end + 1];
            let back_next = &mut next_back[s + 1..end + 1];
            let mut last = 0;
            let (row_s, row_t) = (row[s], &row[s + 1..end + 1]);
            let (clen_s, clen_t) = (clen[s], &clen[s + 1..end + 1]);
            let starts_t = &starts[s + 1..end + 1];
            let bound_t = &bound[(u + 1) * w + s + 1..(u + 1) * w + end + 1];
            for k in 0..next.len() {
                let t = s + 1 + k;
                if reach.max(t, end) < here[k] + t as f64 * SKIP_EN - SKIP_ZH - base - REACH_MARGIN
                {
                    break;
                }
                let joins = (starts_t[k] - first) as f64;
                // The length penalty is ≥ 0, so a run whose score before it cannot beat the
                // cell cannot beat it after it either: skip the logarithm (exact, as IEEE
                // subtraction of a non-negative number never rounds upwards).
                let before = cur + row_t[k] - row_s - cut - JOIN_COST * joins;
                if before <= next[k] {
                    continue;
                }
                // Nor can it win when it is strictly below skipping this unit to reach the same
                // cell (that move is scored later from best[u][t], which only grows): pruning a
                // move that cannot be the first to reach the cell's maximum changes nothing.
                if before < here[k] - SKIP_ZH {
                    continue;
                }
                // Nor when it cannot leave its end cell on a path at the threshold (above).
                if before + bound_t[k] < thr - BOUND_MARGIN {
                    continue;
                }
                let el = clen_t[k] - clen_s;
                let pen = if *zl >= 1.0 {
                    let z = match z_cache.cached(el) {
                        Some(z) => z,
                        None => {
                            // Before paying for the logarithm, try a cheap lower bound of the
                            // penalty: most runs that get here still cannot win.
                            let lb = penalty_lower_bound(length, *zl, el);
                            if before - lb < next[k].max(here[k] - SKIP_ZH) - REACH_MARGIN {
                                continue;
                            }
                            z_cache.z(length, *zl, el)
                        }
                    };
                    LENGTH_WEIGHT * z * z / 2.0
                } else {
                    0.0
                };
                let v = before - pen;
                if v > next[k] {
                    next[k] = v;
                    back_next[k] = (k + 2) as u32;
                    last = k + 1;
                }
            }
            if last > 0 {
                next_band = (next_band.0.min(s + 1), next_band.1.max(s + last));
            }
        }
        // Row u is complete: keep its band's back pointers, clear the band for reuse.
        if band.0 <= band.1 {
            let (lo, hi) = band;
            back.push_row(lo, &row_back[lo..=hi]);
            if u == nu && hi == ns {
                end_score = row_best[ns];
            }
            row_best[lo..=hi].fill(f64::NEG_INFINITY);
            row_back[lo..=hi].fill(0);
        } else {
            back.push_row(0, &[]);
        }
        band = std::mem::replace(&mut next_band, EMPTY);
        best_rows.swap(0, 1);
        back_rows.swap(0, 1);
    }
    end_score
}

/// Upper bound of the score still to come from each DP cell (u, s) (units u.., sentences s..):
/// the same problem without the length penalty and the run length cap (gains, skips, cuts and
/// joins kept), solved backwards in O(units × sentences). Dropping a penalty that is ≥ 0 and a
/// constraint can only raise the optimum.
fn upper_bounds(ctx: &Window) -> Vec<f64> {
    let Window {
        prep,
        displaced,
        u0,
        s0,
        nu,
        ns,
        pre,
        starts,
        ..
    } = *ctx;
    let w = ns + 1;
    let mut v = vec![0.0f64; (nu + 1) * w];
    // Per sentence, the costs that do not depend on the unit, in compact arrays (the cell
    // loop below runs units × sentences times): skipping it, a run entering its block, and
    // (pair, whether a run starting there cuts into a block).
    let skip: Vec<f64> = displaced[s0..s0 + ns]
        .iter()
        .map(|d| if d.is_some() { 0.0 } else { SKIP_EN })
        .collect();
    let join: Vec<f64> = starts
        .windows(2)
        .map(|p| if p[1] > p[0] { JOIN_COST } else { 0.0 })
        .collect();
    let mid: Vec<(usize, bool)> = prep.en_units[s0..s0 + ns]
        .iter()
        .map(|u| (u.0.pair, !u.0.block_start))
        .collect();
    for s in (0..ns).rev() {
        v[nu * w + s] = v[nu * w + s + 1] - skip[s];
    }
    // open[s]: best still to come when unit u has taken sentences up to s − 1 and may go on.
    let mut open = vec![0.0f64; w];
    for u in (0..nu).rev() {
        let zu = &prep.zh_units[u0 + u].0;
        let row = &pre[u * w..(u + 1) * w];
        let (vu, vn) = v.split_at_mut((u + 1) * w);
        let (vu, vn) = (&mut vu[u * w..(u + 1) * w], &vn[..w]);
        vu[ns] = vn[ns] - SKIP_ZH;
        open[ns] = vn[ns];
        for s in (0..ns).rev() {
            let g = row[s + 1] - row[s];
            let (pair, inside) = mid[s];
            let cut = if inside && (pair != zu.pair || zu.first_of_pair) {
                CUT_COST
            } else {
                0.0
            };
            open[s] = (g - join[s] + open[s + 1]).max(vn[s]);
            vu[s] = (vu[s + 1] - skip[s])
                .max(vn[s] - SKIP_ZH)
                .max(g - cut + open[s + 1]);
        }
    }
    v
}

/// First gap tried between the window's bound and the pruning threshold, and the gap from
/// which the best complete path found so far is used instead.
const FIRST_GAP: f64 = 32.0;
const LAST_GAP: f64 = 1e5;
/// Slack for rounding in the cell pruning: the bound and the DP add the same gains in a
/// different order (differences of order 1e-9 at most in a window's scores).
const BOUND_MARGIN: f64 = 1e-3;

/// Slack for rounding in the DP's early stop: scores are sums of at most a few thousand terms
/// of order 1, whose rounding errors are orders of magnitude below this.
const REACH_MARGIN: f64 = 1e-6;

/// Range maxima (sparse table) over `lo..=hi` of a function of positions in one unit's row.
/// The DP keeps two: reach(t) = row[t] + t·SKIP_EN − JOIN_COST·starts[t] (a run's score to t
/// with the cost of skipping to t added back, so runs can be compared with skipping whatever
/// their start: the early stop), and `live` (see `forward`).
struct RangeMax {
    levels: Vec<Vec<f64>>,
    lo: usize,
    hi: usize,
}

/// Sentences covered by one build of a `RangeMax` (at least `MAX_RUN`: a cell's runs fit).
/// The surviving band of a row is a few dozen cells wide, so a little over one run's reach
/// covers it with one build, and a wider band costs a rebuild every `REACH_SPAN − MAX_RUN`.
const REACH_SPAN: usize = MAX_RUN + 64;

impl RangeMax {
    /// Room for spans of up to `len` positions; queries cover at most `MAX_RUN` positions
    /// (a run), so no level spans more.
    fn new(len: usize) -> RangeMax {
        let mut levels = Vec::new();
        let mut span = 1;
        while span <= len.min(MAX_RUN) {
            levels.push(vec![f64::NEG_INFINITY; len + 1 - span]);
            span *= 2;
        }
        RangeMax {
            levels,
            lo: 0,
            hi: 0,
        }
    }

    fn fill(&mut self, lo: usize, hi: usize, f: impl Fn(usize) -> f64) {
        (self.lo, self.hi) = (lo, hi);
        let len = hi + 1 - lo;
        for (k, r) in self.levels[0][..len].iter_mut().enumerate() {
            *r = f(lo + k);
        }
        let mut span = 2;
        for l in 1..self.levels.len() {
            if span > len {
                break;
            }
            let (lower, upper) = self.levels.split_at_mut(l);
            let (prev, cur) = (&lower[l - 1], &mut upper[0]);
            let half = span / 2;
            for (k, c) in cur[..len + 1 - span].iter_mut().enumerate() {
                *c = max_of(prev[k], prev[k + half]);
            }
            span *= 2;
        }
    }

    /// Largest value over a..=b (within the filled span).
    fn max(&self, a: usize, b: usize) -> f64 {
        debug_assert!(self.lo <= a && a <= b && b <= self.hi && b - a < MAX_RUN);
        let l = (usize::BITS - 1 - (b - a + 1).leading_zeros()) as usize;
        let lv = &self.levels[l];
        max_of(lv[a - self.lo], lv[b + 1 - (1 << l) - self.lo])
    }
}

/// The larger of two numbers by one comparison (one `maxpd`, which vectorises), not
/// `f64::max`'s NaN-aware sequence: the DP's values are never NaN (finite gains, costs and
/// bounds), and where the two differ (−0.0 against 0.0) they compare equal anyway, so every
/// comparison with the result comes out the same.
#[inline]
fn max_of(a: f64, b: f64) -> f64 {
    if a > b { a } else { b }
}

/// The length z of the current unit by English length, memoised (lengths are whole numbers
/// of characters, so a run's length indexes the table; NaN = not computed yet). A unit meets
/// the same run length many times, and the logarithm dominated the DP's cost. `clear` resets
/// only the entries set: a unit sets few of them.
struct ZCache {
    z: Vec<f64>,
    set: Vec<usize>,
}

impl ZCache {
    fn new(len: usize) -> ZCache {
        ZCache {
            z: vec![f64::NAN; len],
            set: Vec::new(),
        }
    }

    fn clear(&mut self) {
        for i in self.set.drain(..) {
            self.z[i] = f64::NAN;
        }
    }

    fn slot(el: f64) -> Option<usize> {
        // (A cast round trip, not `fract`, which is a library call in this hot path.)
        (el >= 0.0 && el as usize as f64 == el).then_some(el as usize)
    }

    /// The memoised z for `el`, if computed.
    fn cached(&self, el: f64) -> Option<f64> {
        Self::slot(el)
            .and_then(|i| self.z.get(i).copied())
            .filter(|z| !z.is_nan())
    }

    /// `length.z(zl, el)`, memoised (lengths that are not whole or out of range are computed).
    fn z(&mut self, length: &LengthModel, zl: f64, el: f64) -> f64 {
        match Self::slot(el).filter(|&i| i < self.z.len()) {
            Some(i) if !self.z[i].is_nan() => self.z[i],
            Some(i) => {
                let z = length.z(zl, el);
                self.z[i] = z;
                self.set.push(i);
                z
            }
            None => length.z(zl, el),
        }
    }
}

/// A lower bound of `LENGTH_WEIGHT`·z²/2 without a logarithm: with r = 2^e·m (1 ≤ m < 2),
/// e·ln2 + 2(m−1)/(m+1) ≤ ln r ≤ e·ln2 + (m−1)/√m, so z lies in a known interval (width
/// under 0.05/σ) and the penalty is at least that of the interval's point nearest 0.
fn penalty_lower_bound(length: &LengthModel, zl: f64, el: f64) -> f64 {
    let r = el.max(0.5) / zl.max(0.5);
    if !r.is_normal() {
        return 0.0;
    }
    let bits = r.to_bits();
    let e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let m = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));
    let base = e as f64 * std::f64::consts::LN_2;
    let (ln_lo, ln_hi) = (
        base + 2.0 * (m - 1.0) / (m + 1.0),
        base + (m - 1.0) / m.sqrt(),
    );
    let sigma = length.sigma(zl);
    let (z_lo, z_hi) = ((ln_lo - length.mu) / sigma, (ln_hi - length.mu) / sigma);
    let z = if z_lo > 0.0 {
        z_lo
    } else if z_hi < 0.0 {
        z_hi
    } else {
        0.0
    };
    LENGTH_WEIGHT * z * z / 2.0
}

/// How a pair's pairing departs from the alignment.
#[derive(Debug, Clone, Default)]
pub struct Departure {
    /// Sentences of this pair's English that translate other Chinese: (en unit, owner pair or
    /// far match, whether it is a far match).
    pub out: Vec<(usize, Option<usize>)>,
    /// Sentences of other pairs' English that translate this Chinese.
    pub into: Vec<usize>,
    /// Where this Chinese's English is (lines), when known and not (only) its own block.
    pub own_en_lines: Option<LineRange>,
    /// Which Chinese this pair's English translates (lines), when not (only) its own.
    pub matches_zh_lines: Option<LineRange>,
    /// Share of this pair's English characters that translate other Chinese (or nothing).
    pub out_share: f64,
}

impl Alignment {
    fn units_of(&self, p: usize) -> std::ops::Range<usize> {
        self.en_range[p].0..self.en_range[p].1
    }

    /// The en units the alignment gives to pair `p`'s Chinese.
    pub fn english_of(&self, p: usize) -> Vec<usize> {
        // Owners are found near p in practice, but an n-1 block may sit anywhere in a window.
        (0..self.owner.len())
            .filter(|&x| self.owner[x] == Some(p))
            .collect()
    }

    /// Where pair `p` departs from the alignment, if it does.
    pub fn departure(
        &self,
        doc: &Document,
        p: usize,
        by_owner: &[Vec<usize>],
    ) -> Option<Departure> {
        let pair = &doc.pairs[p];
        pair.zh.as_ref()?;
        let mut d = Departure::default();
        let mut all_chars = 0.0;
        for x in self.units_of(p) {
            let len = self.en_units[x].len;
            all_chars += len;
            match self.owner[x] {
                Some(o) if o == p => {}
                Some(o) => d.out.push((x, Some(o))),
                None if self.far[x] == Some(p) => {}
                None => d.out.push((x, self.far[x])),
            }
        }
        // English left unplaced that matches no Chinese is extra text (length_ratio,
        // missing_sentences), not a misalignment; so is an unplaced sentence inside a block
        // that is mostly this pair's own, unless it is a displaced verbatim copy.
        let owned: f64 = self
            .units_of(p)
            .filter(|&x| self.owner[x] == Some(p))
            .map(|x| self.en_units[x].len)
            .sum();
        let mostly_own = all_chars > 0.0 && owned / all_chars >= 0.5;
        // A far match that is returned (the other pair's English holds a sentence matched to
        // this Chinese) is an exchange of sentences, reported even in a mostly own block.
        let returned = |q: usize| {
            self.units_of(q)
                .any(|y| self.far[y] == Some(p) || self.owner[y] == Some(p))
        };
        d.out.retain(|&(x, o)| {
            self.owner[x].is_some()
                || o.is_some_and(|q| !mostly_own || self.displaced[x].is_some() || returned(q))
        });
        let out_chars: f64 = d.out.iter().map(|&(x, _)| self.en_units[x].len).sum();
        d.into = by_owner[p]
            .iter()
            .copied()
            .filter(|&x| self.en_units[x].pair != p)
            .collect();
        d.out_share = if all_chars > 0.0 {
            out_chars / all_chars
        } else {
            0.0
        };
        if d.out.is_empty() && d.into.is_empty() && self.zh_far[p].is_none() {
            return None;
        }
        d.matches_zh_lines = d
            .out
            .iter()
            .filter_map(|&(_, o)| o.and_then(|o| doc.pairs[o].zh_lines()))
            .reduce(LineRange::cover);
        let mine: Vec<LineRange> = by_owner[p]
            .iter()
            .map(|&x| LineRange::single(self.en_units[x].line))
            .collect();
        d.own_en_lines = if !d.into.is_empty() {
            mine.into_iter().reduce(LineRange::cover)
        } else if let Some(q) = self.zh_far[p] {
            doc.pairs[q].en_lines()
        } else {
            None
        };
        Some(d)
    }

    /// en units grouped by owner pair.
    pub fn by_owner(&self, n: usize) -> Vec<Vec<usize>> {
        let mut v = vec![Vec::new(); n];
        for (x, o) in self.owner.iter().enumerate() {
            if let Some(o) = o {
                v[*o].push(x);
            }
        }
        v
    }
}

/// Chars of a text as the similarity model counts them (re-exported for checks).
pub fn chars(text: &str) -> usize {
    visible_chars(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The alignment with cell pruning equals the one without, field for field.
    fn assert_pruning_exact(doc: &Document, lexicon: Option<&Lexicon>) {
        let length = LengthModel::fit(doc);
        let full = align_with(doc, lexicon, &length, CellPruning::Off);
        assert!(
            !full.windows.is_empty(),
            "{}: nothing for the DP to do",
            doc.path
        );
        for mode in [CellPruning::Search, CellPruning::AtOptimum] {
            let pruned = align_with(doc, lexicon, &length, mode);
            assert_eq!(
                format!("{pruned:?}"),
                format!("{full:?}"),
                "{} {mode:?}",
                doc.path
            );
        }
    }

    fn parse(path: &str, text: &str) -> Document {
        crate::reader::parse(path, text, None).expect("parses")
    }

    /// `text` with the English blocks of turns `from..to` rotated by `by` (a shifted stretch,
    /// as in the interview's damaged part) and every seventh English turn in it dropped.
    fn damage(text: &str, from: usize, to: usize, by: usize) -> String {
        let lines: Vec<&str> = text.lines().collect();
        let en: Vec<usize> = (0..lines.len())
            .filter(|&i| i > 0 && lines[i].starts_with("**") && lines[i - 1].starts_with("**"))
            .collect();
        let to = to.min(en.len());
        let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        for k in from..to {
            let src = from + (k - from + by) % (to - from);
            out[en[k]] = if (k - from) % 7 == 6 {
                String::new()
            } else {
                lines[en[src]].to_string()
            };
        }
        out.join("\n")
    }

    /// `Gains` returns exactly `Model::gain` for every unit and sentence of `doc`.
    fn assert_gains_exact(doc: &Document) {
        let length = LengthModel::fit(doc);
        let (prep, _) = prepare(
            doc,
            None,
            &length,
            CellPruning::Search,
            &PairTexts::new(doc.pairs.len()),
        );
        let m = &prep.model;
        let gains = Gains::new(m, &prep.en_units);
        let mut sc = gains.scratch();
        let mut out = vec![0.0; prep.en_units.len()];
        let (mut shared, mut none) = (0, 0);
        for (_, pred, base, _) in &prep.zh_units {
            gains.row(&mut sc, pred, *base, &mut out);
            shared += sc.touched.len();
            none += out.len() - sc.touched.len();
            for (x, (_, bag, _)) in prep.en_units.iter().enumerate() {
                assert_eq!(out[x].to_bits(), m.gain(pred, *base, bag).to_bits());
            }
        }
        // Both ways of computing a gain were exercised.
        assert!(shared > 0 && none > 0, "{}: {shared} / {none}", doc.path);
    }

    /// English texts to test `tiles` on: the fixtures' and the shared corpus's lines and
    /// whole files (the shared data is skipped when absent), and hand-made edge cases.
    fn english_texts() -> Vec<String> {
        let mut texts: Vec<String> = [
            "",
            " \n ",
            "One. Two.",
            "also…By the way. And...Then",
            "He said 'go.' Then left. 'Quoted' start.",
            "x.y Z. It's\n\nnew. Yes!  \n  Indeed?",
            "Mr. Smith went to the U.S. The end. 3.5 percent. A\u{a0}B. C\u{3000}D.",
            "naïve café. Éclair time. “Quoted.” Next",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let root = env!("CARGO_MANIFEST_DIR");
        let mut files = vec![format!("{root}/tests/fixtures/sample/interview.zh-en.md")];
        for f in [
            "corpus/ai-interview.zh-en.md",
            "data/debian-reference.zh-en.tsv",
        ] {
            files.push(format!("{root}/../shared/{f}"));
        }
        for f in files {
            let Ok(t) = std::fs::read_to_string(&f) else {
                continue;
            };
            for line in t.lines().take(20_000) {
                texts.push(line.to_string());
                // TSV cells, with the escaped line breaks the reader turns into '\n'.
                texts.extend(line.split('\t').map(|c| c.replace("\\n", "\n")));
            }
            texts.push(t);
        }
        texts
    }

    /// What `tiles` promises, checked against `for_each_en_key` and `en_len` of the whole.
    fn assert_tiling_exact(text: &str, pieces: &[&str]) -> bool {
        let Some(gaps) = tiles(text, pieces.iter().copied()) else {
            return false;
        };
        let mut keys = Vec::new();
        let mut len = 0usize;
        for p in pieces {
            for_each_en_key(p, |k| keys.push(k));
            len += en_len(p) as usize;
        }
        assert_eq!(keys, crate::lexicon::en_keys(text), "{text:?} {pieces:?}");
        assert_eq!((len + gaps) as f64, en_len(text), "{text:?} {pieces:?}");
        true
    }

    #[test]
    fn sentences_tile_their_block_as_tiles_says() {
        let (mut tiled, mut multi) = (0, 0);
        for t in english_texts() {
            let pieces: Vec<&str> = t
                .split('\n')
                .flat_map(|p| crate::text::sentences::split(p, crate::model::Lang::En))
                .map(|s| s.text)
                .collect();
            if assert_tiling_exact(&t, &pieces) && pieces.len() > 1 {
                tiled += 1;
            }
            multi += (pieces.len() > 1) as usize;
        }
        // The shortcut applies to nearly every block of several sentences.
        assert!(tiled > 0 && tiled * 10 >= multi * 9, "{tiled} of {multi}");
    }

    #[test]
    fn tiles_holds_for_any_cut_of_any_text() {
        // Random texts over the characters that matter (letters, apostrophes, whitespace of
        // both kinds, punctuation, multi-byte letters), cut at random char boundaries into
        // trimmed pieces: wherever `tiles` accepts, keys and length agree; it must accept and
        // refuse some.
        let alphabet: Vec<char> = "aZ' .\n\t…\u{a0}éÉ,-1xyS's".chars().collect();
        let mut rng = crate::test_support::XorShift::new(0x2545_f491_4f6c_dd1d);
        let mut next = |m: usize| rng.index(m);
        let (mut yes, mut no) = (0, 0);
        for _ in 0..20_000 {
            let n = next(24);
            let t: String = (0..n).map(|_| alphabet[next(alphabet.len())]).collect();
            let bounds: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
            let mut cuts: Vec<usize> = (0..next(4)).map(|_| bounds[next(bounds.len())]).collect();
            cuts.sort_unstable();
            let mut pieces = Vec::new();
            let mut at = 0;
            for c in cuts.into_iter().chain([t.len()]) {
                let p = t[at..c].trim();
                if !p.is_empty() {
                    pieces.push(p);
                }
                at = c;
            }
            if assert_tiling_exact(&t, &pieces) {
                yes += 1;
            } else {
                no += 1;
            }
        }
        assert!(yes > 1000 && no > 1000, "{yes} / {no}");
    }

    /// The block bags and lengths `prepare` builds (from the sentences' where they tile the
    /// block) equal `en_bag_and_words` and `en_len` of the block's text.
    #[test]
    fn prepared_blocks_equal_bags_of_their_text() {
        let path = format!(
            "{}/tests/fixtures/sample/interview.zh-en.md",
            env!("CARGO_MANIFEST_DIR")
        );
        let mut docs = vec![parse(
            &path,
            &std::fs::read_to_string(&path).expect("fixture"),
        )];
        let shared = format!(
            "{}/../shared/corpus/ai-interview.zh-en.md",
            env!("CARGO_MANIFEST_DIR")
        );
        if let Ok(t) = std::fs::read_to_string(&shared) {
            docs.push(parse(&shared, &t));
        }
        for doc in &docs {
            let length = LengthModel::fit(doc);
            // With the per-pair text results kept for the document and computed when asked.
            for texts in [PairTexts::new(doc.pairs.len()), PairTexts::pass_through()] {
                let (prep, _) = prepare(doc, None, &length, CellPruning::Search, &texts);
                for (i, p) in doc.pairs.iter().enumerate() {
                    let Some(e) = &p.en else {
                        assert!(prep.pair_en[i].is_none() && prep.en_lens[i].is_none());
                        continue;
                    };
                    let (bag, _) = super::super::similarity::en_bag_and_words(&e.text);
                    let got = prep.pair_en[i].as_ref().expect("bag");
                    assert_eq!(got.keys, bag.keys, "{}", e.text);
                    assert_eq!(got.anchors, bag.anchors, "{}", e.text);
                    assert_eq!(got.words, bag.words, "{}", e.text);
                    assert_eq!(prep.en_lens[i], Some(en_len(&e.text)), "{}", e.text);
                }
            }
        }
    }

    /// The sort-and-merge tally `Index::candidates_into` replaced.
    /// The blocks of `blocks` sharing the most rare keys (in at most 8 blocks) with `keys`, as
    /// the index did with a hash map of posting lists: count per block, sort.
    fn candidates_reference(blocks: &[Vec<u32>], keys: &[u32], k: usize) -> Vec<usize> {
        let mut map: HashMap<u32, Vec<u32>> = HashMap::new();
        for (i, b) in blocks.iter().enumerate() {
            for &key in b {
                map.entry(key).or_default().push(i as u32);
            }
        }
        map.retain(|_, v| v.len() <= 8);
        let mut count: Vec<(u32, u32)> = Vec::new();
        for key in keys {
            if let Some(v) = map.get(key) {
                count.extend(v.iter().map(|&b| (b, 1)));
            }
        }
        if count.is_empty() {
            return Vec::new();
        }
        count.sort_unstable_by_key(|x| x.0);
        let mut w = 0;
        for r in 1..count.len() {
            if count[r].0 == count[w].0 {
                count[w].1 += 1;
            } else {
                w += 1;
                count[w] = count[r];
            }
        }
        count.truncate(w + 1);
        count.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        count.iter().take(k).map(|x| x.0 as usize).collect()
    }

    #[test]
    fn candidates_equal_the_sorted_tally() {
        let mut rng = crate::test_support::XorShift::new(0x9e37_79b9_7f4a_7c15);
        let mut next = |m: u64| rng.below(m);
        let mut tally = Tally::default();
        let mut nonempty = 0;
        for _ in 0..300 {
            let n = 1 + next(200) as usize;
            let blocks: Vec<Vec<u32>> = (0..n)
                .map(|_| {
                    let mut b: Vec<u32> = (0..next(12)).map(|_| next(150) as u32).collect();
                    b.sort_unstable();
                    b.dedup();
                    b
                })
                .collect();
            let index = Index::build(|p| &blocks[p][..], n, 160);
            for _ in 0..20 {
                let keys: Vec<u32> = (0..next(30)).map(|_| next(160) as u32).collect();
                let k = 1 + next(8) as usize;
                let want = candidates_reference(&blocks, &keys, k);
                let mut got = vec![usize::MAX];
                index.candidates_into(keys.iter().copied(), k, &mut tally, &mut got);
                assert_eq!(got[1..], want[..]);
                assert_eq!(index.candidates(keys.iter().copied(), k), want);
                assert!(tally.count.iter().all(|&c| c == 0) && tally.touched.is_empty());
                nonempty += !want.is_empty() as usize;
            }
        }
        assert!(nonempty > 1000, "{nonempty}");
    }

    #[test]
    fn scattered_shared_equals_the_pairs_found_by_search() {
        let mut rng = crate::test_support::XorShift::new(0x5ca7);
        let mut next = |m: u64| rng.below(m);
        let mut at = Scattered::new(300);
        let mut out = vec![(7, 7); 3];
        let mut found = 0;
        for _ in 0..2000 {
            let mut block = |len: u64| -> Vec<u32> {
                let mut b: Vec<u32> = (0..next(len)).map(|_| next(300) as u32).collect();
                b.sort_unstable();
                b.dedup();
                b
            };
            let (mine, other) = (block(40), block(60));
            at.set(&mine);
            let want: Vec<(u32, u32)> = other
                .iter()
                .enumerate()
                .filter_map(|(y, k)| {
                    let x = mine.iter().position(|m| m == k)?;
                    Some((x as u32, y as u32))
                })
                .collect();
            at.shared::<false>(&other, &mut out);
            assert_eq!(out, want);
            at.shared::<true>(&other, &mut out);
            let flipped: Vec<(u32, u32)> = want.iter().map(|&(x, y)| (y, x)).collect();
            assert_eq!(out, flipped);
            at.clear(&mine);
            assert!(at.at.iter().all(|&x| x == 0));
            found += want.len();
        }
        assert!(found > 1000, "{found}");
    }

    /// The grouping `displaced_copies` did before signatures: every text normalised.
    fn repeated_texts_reference(texts: &[&str]) -> FastMap<String, Vec<usize>> {
        let mut groups: FastMap<String, Vec<usize>> = FastMap::default();
        for (x, t) in texts.iter().enumerate() {
            let norm = crate::checks::duplicate::normalise(t);
            if norm.len() >= 12 {
                groups.entry(norm).or_default().push(x);
            }
        }
        groups.retain(|_, g| g.len() > 1);
        groups
    }

    /// Texts and variants with the same normalised form: case and punctuation changed,
    /// non-ASCII letters whose lower case is ASCII (K, İ), every byte length modulo 16.
    fn copy_texts() -> Vec<String> {
        let mut texts = english_texts();
        let n = texts.len();
        for t in texts[..n].to_vec().iter().step_by(3) {
            texts.push(t.to_uppercase());
            texts.push(t.replace(['.', ','], " ; "));
            texts.push(t.replace('k', "\u{212a}").replace('i', "\u{130}"));
        }
        let mut rng = crate::test_support::XorShift::new(0x1234_5678_9abc_def1);
        let alphabet: Vec<char> = "aAbBzZ09 .,-'\u{212a}\u{130}éÉ中文\u{3000}"
            .chars()
            .collect();
        for _ in 0..3000 {
            let len = rng.index(40);
            texts.push(
                (0..len)
                    .map(|_| alphabet[rng.index(alphabet.len())])
                    .collect(),
            );
        }
        texts
    }

    #[test]
    fn key_ids_number_the_keys_in_first_seen_order() {
        // Keys from pools of every size (the table grows from 64 slots), shared between the
        // Chinese and English blocks: ids are dense, in first-seen order (Chinese blocks
        // first), each block's ids are its keys', and a key no block has has no id.
        let mut rng = crate::test_support::XorShift::new(0x51a7_e5ee_d00d_beef);
        for pool in [1u64, 7, 100, 5000] {
            let key = |r: u64| crate::lexicon::hash_str(&format!("key{r}"));
            let n = 1 + rng.index(300);
            let block = |rng: &mut crate::test_support::XorShift| {
                let mut ks: Vec<Key> = (0..rng.below(30)).map(|_| key(rng.below(pool))).collect();
                ks.sort_unstable();
                ks.dedup();
                ks
            };
            let zh: Vec<Option<ZhPred>> = (0..n)
                .map(|_| {
                    (rng.below(5) != 0).then(|| {
                        let mut p = ZhPred::default();
                        p.keys = block(&mut rng).into_iter().map(|k| (k, 1.0)).collect();
                        p
                    })
                })
                .collect();
            let en: Vec<Option<EnBag>> = (0..n)
                .map(|_| {
                    (rng.below(5) != 0).then(|| {
                        let mut b = EnBag::default();
                        b.keys = block(&mut rng);
                        b
                    })
                })
                .collect();
            let ids = KeyIds::new(&zh, &en);
            let mut want: HashMap<Key, u32> = HashMap::new();
            let all = zh
                .iter()
                .map(|p| {
                    p.iter()
                        .flat_map(|p| p.keys.iter().map(|k| k.0))
                        .collect::<Vec<_>>()
                })
                .chain(
                    en.iter()
                        .map(|b| b.iter().flat_map(|b| b.keys.clone()).collect()),
                );
            for (x, keys) in all.enumerate() {
                let got = if x < n { ids.zh(x) } else { ids.en(x - n) };
                let expect: Vec<u32> = keys
                    .iter()
                    .map(|k| {
                        let next = want.len() as u32;
                        *want.entry(*k).or_insert(next)
                    })
                    .collect();
                assert_eq!(got, &expect[..]);
            }
            assert_eq!(ids.len(), want.len());
            for (k, id) in &want {
                assert_eq!(ids.get(*k), Some(*id));
            }
            assert_eq!(ids.get(key(pool + 1)), None);
        }
    }

    #[test]
    fn alnum_signature_is_the_scalar_sums_and_follows_normalisation() {
        for t in copy_texts() {
            let sig = alnum_signature(&t);
            assert_eq!(sig, alnum_signature_scalar(&t), "{t:?}");
            let norm = crate::checks::duplicate::normalise(&t);
            if t.is_ascii() {
                assert_eq!(sig, alnum_signature(&norm), "{t:?}");
            }
        }
    }

    #[test]
    fn repeated_texts_equal_grouping_every_normalised_text() {
        let owned = copy_texts();
        let texts: Vec<&str> = owned.iter().map(|t| t.as_str()).collect();
        // In chunks (as the stream's documents), and whole.
        let mut repeats = 0;
        for part in texts.chunks(1000).chain([&texts[..]]) {
            let want = repeated_texts_reference(part);
            let mut got: Vec<_> = repeated_texts(part.iter().copied()).into_iter().collect();
            let mut want: Vec<_> = want.into_iter().collect();
            got.sort();
            want.sort();
            assert_eq!(got, want);
            repeats += want.len();
        }
        assert!(repeats > 100, "{repeats}");
    }

    #[test]
    fn paragraph_lines_are_those_numbered_paragraphs_gives() {
        let mut segs: Vec<Segment> = Vec::new();
        for path in [
            "tests/fixtures/sample/interview.zh-en.md",
            "../shared/corpus/ai-interview.zh-en.md",
        ] {
            let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
            let Ok(text) = std::fs::read_to_string(&full) else {
                continue;
            };
            let doc = parse(&full, &text);
            segs.extend(doc.pairs.into_iter().flat_map(|p| [p.zh, p.en]).flatten());
        }
        assert!(segs.len() > 10);
        // Paragraph lines given or not, matching the paragraphs or not, and line ranges
        // shorter than the paragraph count (the numbering is capped at the end).
        let mut rng = crate::test_support::XorShift::new(0x0b5e_55ed_1234_5678);
        for _ in 0..2_000 {
            let paras = 1 + rng.below(5) as usize;
            let text = (0..paras)
                .map(|k| format!("p{k}"))
                .collect::<Vec<_>>()
                .join("\n");
            let start = 1 + rng.below(50) as usize;
            let given = match rng.below(3) {
                0 => Vec::new(),
                1 => (0..paras).map(|k| start + 2 * k).collect(),
                _ => (0..1 + rng.below(6) as usize).map(|k| start + k).collect(),
            };
            let mut seg = segs[0].clone();
            seg.text = text;
            seg.lines.start = start;
            seg.lines.end = start + rng.below(6) as usize;
            seg.paragraph_lines = given;
            segs.push(seg);
        }
        for seg in &segs {
            let line_of = paragraph_line(seg);
            for (k, (line, _)) in seg.numbered_paragraphs().into_iter().enumerate() {
                assert_eq!(line_of(k), line, "{seg:?} {k}");
            }
        }
    }

    #[test]
    fn zh_len_classifies_every_char_as_the_unicode_tables() {
        let reference = |t: &str| -> f64 {
            let mut n = 0.0;
            for c in t.chars() {
                if crate::text::script::is_han(c) {
                    n += 1.0;
                } else if c.is_alphanumeric() {
                    n += 1.0 / 3.0;
                }
            }
            n
        };
        let mut all = String::new();
        for c in crate::test_support::every_char() {
            let mut b = [0u8; 4];
            let one = c.encode_utf8(&mut b);
            assert_eq!(zh_len(one).to_bits(), reference(one).to_bits(), "{c:?}");
            assert!(!is_cjk_punctuation(c) || !c.is_alphanumeric(), "{c:?}");
            if (c as u32) < 0x10000 {
                all.push(c);
            }
        }
        // Long mixed texts: the order of additions matters for the sum's bits.
        assert_eq!(zh_len(&all).to_bits(), reference(&all).to_bits());
        let path = format!(
            "{}/tests/fixtures/sample/interview.zh-en.md",
            env!("CARGO_MANIFEST_DIR")
        );
        let sample = std::fs::read_to_string(&path).expect("fixture");
        for t in sample.lines().chain([sample.as_str()]) {
            assert_eq!(zh_len(t).to_bits(), reference(t).to_bits(), "{t}");
        }
        // Every Debian Chinese cell (when ../shared is present).
        let path = format!(
            "{}/../shared/data/debian-reference.zh-en.tsv",
            env!("CARGO_MANIFEST_DIR")
        );
        let tsv = std::fs::read_to_string(&path).unwrap_or_default();
        for t in tsv.lines().filter_map(|l| l.split('\t').nth(3)) {
            assert_eq!(zh_len(t).to_bits(), reference(t).to_bits(), "{t}");
        }
        // Random mixes of Han (fast path and not), punctuation, Latin and other scripts.
        let pool: Vec<char> = "中文模型一丁㐀䶵䷀鿿豈𠀀〇。，、！a Z9é٣ক—“ "
            .chars()
            .collect();
        let mut rng = crate::test_support::XorShift::new(0x2a1e_57c0_de11_0b5e);
        for _ in 0..5_000 {
            let len = rng.below(60) as usize;
            let t: String = (0..len)
                .map(|_| pool[rng.below(pool.len() as u64) as usize])
                .collect();
            assert_eq!(zh_len(&t).to_bits(), reference(&t).to_bits(), "{t}");
        }
    }

    /// The char loop `en_len` replaced.
    fn en_len_reference(t: &str) -> f64 {
        let mut n = 0.0;
        let mut ws = false;
        for c in t.trim().chars() {
            if c.is_whitespace() {
                if !ws {
                    n += 1.0;
                }
                ws = true;
            } else {
                n += 1.0;
                ws = false;
            }
        }
        n
    }

    #[test]
    fn en_len_counts_chars_and_whitespace_runs_as_before() {
        let mut texts: Vec<String> = [
            "",
            " ",
            "a",
            "  Hello,   world!\n\tBye. ",
            "caf\u{e9} na\u{ef}ve \u{2014} \u{201c}quoted\u{201d}",
            "a\u{a0}\u{a0}b\u{3000}c\u{2009}d\u{85}e\u{1680}f\u{202f}g\u{205f}h\u{2028}i",
            "\u{b}\u{c}\r\nx\u{1c}\u{1d}\u{1e}\u{1f}y",
            "中文 English 混合。 \u{1f600} emoji",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let path = format!(
            "{}/tests/fixtures/sample/interview.zh-en.md",
            env!("CARGO_MANIFEST_DIR")
        );
        let sample = std::fs::read_to_string(&path).expect("fixture");
        texts.extend(sample.lines().map(str::to_string));
        texts.push(sample);
        for t in &texts {
            assert_eq!(en_len(t).to_bits(), en_len_reference(t).to_bits(), "{t:?}");
        }
    }

    #[test]
    fn near_same_is_the_levenshtein_test() {
        let base = "我认为这是一股非常重要的力量——展示 AI。那是第一点。";
        let mut texts: Vec<String> = vec![String::new(), base.to_string()];
        let chars: Vec<char> = base.chars().collect();
        // Edits of growing size around the 0.8 boundary, and unrelated texts.
        for k in 0..chars.len() {
            let mut c = chars.clone();
            for x in c.iter_mut().take(k) {
                *x = '字';
            }
            texts.push(c.iter().collect());
            texts.push(chars[k..].iter().collect());
            texts.push(chars[..k].iter().rev().collect());
        }
        texts.push("第二点,好吧,所以 AI 正在被构建。".to_string());
        for a in &texts {
            for b in &texts {
                assert_eq!(
                    near_same(a, b),
                    strsim::normalized_levenshtein(a, b) >= 0.8,
                    "{a} / {b}"
                );
            }
        }
    }

    #[test]
    fn sparse_gains_equal_model_gains() {
        let root = env!("CARGO_MANIFEST_DIR");
        for f in ["misaligned/swap.md", "sample/interview.zh-en.md"] {
            let path = format!("{root}/tests/fixtures/{f}");
            let text = std::fs::read_to_string(&path).expect("fixture");
            assert_gains_exact(&parse(&path, &text));
        }
        let path = format!("{root}/../shared/corpus/ai-interview.zh-en.md");
        if let Ok(text) = std::fs::read_to_string(&path) {
            assert_gains_exact(&parse(&path, &text));
        }
    }

    #[test]
    fn cell_pruning_changes_nothing_on_fixtures() {
        let root = env!("CARGO_MANIFEST_DIR");
        for f in [
            "misaligned/swap.md",
            "misaligned/boundary.md",
            "sample/interview.zh-en.md",
        ] {
            let path = format!("{root}/tests/fixtures/{f}");
            let text = std::fs::read_to_string(&path).expect("fixture");
            assert_pruning_exact(&parse(&path, &text), None);
            for by in [1, 2, 5] {
                assert_pruning_exact(&parse(&path, &damage(&text, 2, 40, by)), None);
            }
        }
    }

    #[test]
    fn cell_pruning_changes_nothing_on_the_interview() {
        let path = format!(
            "{}/../shared/corpus/ai-interview.zh-en.md",
            env!("CARGO_MANIFEST_DIR")
        );
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("skipped: {path} absent");
            return;
        };
        assert_pruning_exact(&parse(&path, &text), None);
        assert_pruning_exact(&parse(&path, &damage(&text, 10, 60, 3)), None);
    }
}
