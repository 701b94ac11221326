//! Pair similarity: how well an English text translates a Chinese text, from cheap evidence.
//!
//! Both sides are reduced to English content-word keys (see `lexicon::en_keys`):
//! - the English side (`EnBag`): its stemmed content words, plus its numbers (`#value`) and
//!   its *anchors* — numbers, acronyms and capitalised words inside a sentence (names);
//! - the Chinese side (`ZhPred`): *items*, each a small set of English keys it predicts:
//!   every Latin-script word inside the Chinese (`pre-training`, `SSI`: nearly always kept
//!   verbatim in the English; weight 2), every number read by `text::numbers` (weight 2), the
//!   glosses of every lexicon word found by longest-match segmentation (weight 1), and, when
//!   the document taught some, the English words associated with its character bigrams
//!   (`Assoc`, weight 1).
//!
//! Scores (`Model`):
//! - `gain(zh, en)` — additive, used by the alignment DP: Σ over keys shared by the English
//!   and the Chinese prediction of weight·idf(key), minus what a random English text of that
//!   length would share by chance (Σ weight·idf·df/N per key, scaled by word count), minus
//!   `ANCHOR_MISS` for each English anchor the Chinese does not carry.
//! - `sim(zh, en)` in [0,1] — coverage both ways: share of Chinese items (weighted) found in
//!   the English, times the idf-weighted share of English keys predicted by the Chinese,
//!   square-rooted (geometric mean). Used to compare a block with its neighbours and with far
//!   candidates.
//!
//! idf is ln((N+1)/(df+1)) over the document's English sentences.
//!
//! Known false positives: without a lexicon, two pairs with no anchors and similar lengths are
//! indistinguishable (the alignment then keeps the file's pairing); names transliterated into
//! Chinese (卡斯帕罗夫 / Kasparov) count as a missed anchor.

use crate::lexicon::{Key, Lexicon, en_keys, hash_str, latin_words, stem};
use crate::model::Lang;
use std::collections::HashMap;

/// Penalty for an English anchor (number, acronym, name) that the Chinese does not carry.
pub const ANCHOR_MISS: f64 = 1.5;

/// What a Chinese text predicts about its English.
#[derive(Debug, Clone, Default)]
pub struct ZhPred {
    /// (keys predicted by one item, weight, is_anchor)
    pub items: Vec<(Vec<Key>, f32, bool)>,
    /// All predicted keys with their best weight, sorted by key.
    pub keys: Vec<(Key, f32)>,
    /// Visible characters.
    pub chars: usize,
}

/// What an English text contains.
#[derive(Debug, Clone, Default)]
pub struct EnBag {
    /// Sorted, deduplicated content keys (numbers included).
    pub keys: Vec<Key>,
    /// Anchors (numbers, acronyms, names), sorted and deduplicated; subset of `keys`.
    pub anchors: Vec<Key>,
    /// Visible characters.
    pub chars: usize,
    /// Content words (with repetition).
    pub words: usize,
}

fn num_key(v: f64) -> Key {
    hash_str(&format!("#{}", (v * 1000.0).round() / 1000.0))
}

pub fn visible_chars(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// Learned Chinese-bigram → English-word associations (Dice over the document's own pairs).
#[derive(Debug, Default)]
pub struct Assoc {
    map: HashMap<Key, Vec<Key>>,
}

impl Assoc {
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Learn from (zh, en) texts believed to be translations of each other. Keeps, for each
    /// character bigram seen in ≥ 3 pairs, up to 3 English words with co-occurrence ≥ 3 and
    /// Dice = 2·co/(df_zh+df_en) ≥ 0.3. Words in over a fifth of the pairs are ignored (they
    /// co-occur with everything). Cost is bounded by the caller's sample size.
    pub fn learn<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Assoc {
        let mut docs: Vec<(Vec<Key>, Vec<Key>)> = Vec::new();
        let mut df_z: HashMap<Key, u32> = HashMap::new();
        let mut df_e: HashMap<Key, u32> = HashMap::new();
        for (zh, en) in pairs {
            let mut b = bigrams(zh);
            b.sort_unstable();
            b.dedup();
            let mut e = en_keys(en);
            e.sort_unstable();
            e.dedup();
            if b.is_empty() || e.is_empty() || b.len() > 80 || e.len() > 60 {
                continue;
            }
            for k in &b {
                *df_z.entry(*k).or_default() += 1;
            }
            for k in &e {
                *df_e.entry(*k).or_default() += 1;
            }
            docs.push((b, e));
        }
        let n = docs.len() as u32;
        if n < 50 {
            return Assoc::default();
        }
        let mut co: HashMap<(Key, Key), u32> = HashMap::new();
        for (b, e) in &docs {
            let e: Vec<Key> = e
                .iter()
                .copied()
                .filter(|k| (3..=n / 5).contains(&df_e[k]))
                .collect();
            for zb in b.iter().filter(|k| df_z[k] >= 3) {
                for ek in &e {
                    *co.entry((*zb, *ek)).or_default() += 1;
                }
            }
        }
        let mut best: HashMap<Key, Vec<(f64, Key)>> = HashMap::new();
        for ((zb, ek), c) in co {
            if c < 3 {
                continue;
            }
            let dice = 2.0 * c as f64 / (df_z[&zb] + df_e[&ek]) as f64;
            if dice >= 0.3 {
                best.entry(zb).or_default().push((dice, ek));
            }
        }
        let map = best
            .into_iter()
            .map(|(k, mut v)| {
                v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                (k, v.into_iter().take(3).map(|x| x.1).collect())
            })
            .collect();
        Assoc { map }
    }
}

/// Hashes of adjacent Han character pairs.
fn bigrams(zh: &str) -> Vec<Key> {
    let han: Vec<char> = zh
        .chars()
        .filter(|c| crate::text::script::is_han(*c))
        .collect();
    han.windows(2)
        .map(|w| {
            let mut s = String::with_capacity(6);
            s.push(w[0]);
            s.push(w[1]);
            hash_str(&s)
        })
        .collect()
}

/// The similarity model for one document.
pub struct Model<'a> {
    pub lexicon: Option<&'a Lexicon>,
    pub assoc: Assoc,
    idf: HashMap<Key, f32>,
    /// idf of a key never seen in the document's English.
    idf_unseen: f32,
    /// Σ df/N·idf per key: chance of meeting a key in a random sentence times its idf.
    chance: HashMap<Key, f32>,
    avg_words: f64,
}

impl<'a> Model<'a> {
    /// Fit document frequencies on the document's English sentences.
    pub fn new(lexicon: Option<&'a Lexicon>, en_sentences: &[&EnBag], assoc: Assoc) -> Model<'a> {
        let n = en_sentences.len().max(1) as f64;
        let mut df: HashMap<Key, u32> = HashMap::new();
        let mut words = 0usize;
        for b in en_sentences {
            words += b.words;
            for k in &b.keys {
                *df.entry(*k).or_default() += 1;
            }
        }
        let idf_of = |d: f64| ((n + 1.0) / (d + 1.0)).ln().max(0.1);
        let idf: HashMap<Key, f32> = df
            .iter()
            .map(|(k, d)| (*k, idf_of(*d as f64) as f32))
            .collect();
        let chance = df
            .iter()
            .map(|(k, d)| (*k, (*d as f64 / n * idf_of(*d as f64)) as f32))
            .collect();
        Model {
            lexicon,
            assoc,
            idf,
            idf_unseen: idf_of(0.0) as f32,
            chance,
            avg_words: (words as f64 / n).max(1.0),
        }
    }

    pub fn idf(&self, k: Key) -> f64 {
        *self.idf.get(&k).unwrap_or(&self.idf_unseen) as f64
    }

    /// Chinese side: items and predicted keys.
    pub fn zh_pred(&self, text: &str) -> ZhPred {
        zh_pred(self.lexicon, &self.assoc, text)
    }

    /// Chance-level shared weight of a prediction with one average English sentence.
    pub fn baseline(&self, p: &ZhPred) -> f64 {
        p.keys
            .iter()
            .map(|(k, w)| *w as f64 * *self.chance.get(k).unwrap_or(&0.0) as f64)
            .sum()
    }

    /// Additive evidence that `en` translates (part of) the Chinese `p`; `base` is
    /// `baseline(p)`. Positive: more shared than chance; negative: less, or anchors missing.
    pub fn gain(&self, p: &ZhPred, base: f64, en: &EnBag) -> f64 {
        let mut hit = 0.0;
        let (mut i, mut j) = (0, 0);
        while i < p.keys.len() && j < en.keys.len() {
            match p.keys[i].0.cmp(&en.keys[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    hit += p.keys[i].1 as f64 * self.idf(en.keys[j]);
                    i += 1;
                    j += 1;
                }
            }
        }
        let missed = en
            .anchors
            .iter()
            .filter(|a| p.keys.binary_search_by(|x| x.0.cmp(a)).is_err())
            .count();
        hit - base * en.words as f64 / self.avg_words - ANCHOR_MISS * missed as f64
    }

    /// Share of the English keys (idf-weighted) that the Chinese predicts, in [0,1].
    pub fn en_cov(&self, p: &ZhPred, en: &EnBag) -> f64 {
        let (mut eg, mut et) = (0.0, 0.0);
        for k in &en.keys {
            let w = self.idf(*k);
            et += w;
            if p.keys.binary_search_by(|x| x.0.cmp(k)).is_ok() {
                eg += w;
            }
        }
        if et > 0.0 { eg / et } else { 0.0 }
    }

    /// Coverage similarity in [0,1] (geometric mean of both directions).
    pub fn sim(&self, p: &ZhPred, en: &EnBag) -> f64 {
        if p.items.is_empty() || en.keys.is_empty() {
            return 0.0;
        }
        let (mut got, mut tot) = (0.0, 0.0);
        for (keys, w, _) in &p.items {
            tot += *w as f64;
            if keys.iter().any(|k| en.keys.binary_search(k).is_ok()) {
                got += *w as f64;
            }
        }
        let zh_cov = got / tot;
        let (mut eg, mut et) = (0.0, 0.0);
        for k in &en.keys {
            let w = self.idf(*k);
            et += w;
            if p.keys.binary_search_by(|x| x.0.cmp(k)).is_ok() {
                eg += w;
            }
        }
        let en_cov = if et > 0.0 { eg / et } else { 0.0 };
        (zh_cov * en_cov).sqrt()
    }
}

/// Chinese side of the model (free function so bags can be built before the model is fit).
pub fn zh_pred(lexicon: Option<&Lexicon>, assoc: &Assoc, text: &str) -> ZhPred {
    let mut items: Vec<(Vec<Key>, f32, bool)> = Vec::new();
    for w in latin_words(text) {
        if w.len() >= 2 || w == "a" {
            items.push((vec![hash_str(&stem(&w))], 2.0, true));
        }
    }
    for n in crate::text::numbers::extract(text, Lang::Zh) {
        items.push((vec![num_key(n.value)], 2.0, true));
    }
    if let Some(lex) = lexicon {
        for ks in lex.segment(text) {
            items.push((ks.to_vec(), 1.0, false));
        }
    }
    if !assoc.is_empty() {
        for b in bigrams(text) {
            if let Some(ks) = assoc.map.get(&b) {
                items.push((ks.clone(), 1.0, false));
            }
        }
    }
    let mut keys: Vec<(Key, f32)> = items
        .iter()
        .flat_map(|(ks, w, _)| ks.iter().map(move |k| (*k, *w)))
        .collect();
    keys.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
    keys.dedup_by_key(|x| x.0);
    ZhPred {
        items,
        keys,
        chars: visible_chars(text),
    }
}

/// English side of the model.
pub fn en_bag(text: &str) -> EnBag {
    let mut keys = en_keys(text);
    let words = keys.len();
    let mut anchors = Vec::new();
    for n in crate::text::numbers::extract(text, Lang::En) {
        let k = num_key(n.value);
        keys.push(k);
        anchors.push(k);
    }
    // Acronyms and names: capitalised words that are not the first word of a sentence.
    let mut sentence_start = true;
    for raw in text.split_whitespace() {
        let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
        let first = w.chars().next();
        let acronym = w.len() >= 2
            && w.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        let name = !sentence_start
            && first.is_some_and(|c| c.is_ascii_uppercase())
            && w.len() >= 3
            && w != "I"
            && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if acronym || name {
            let lw = w.to_ascii_lowercase();
            if !matches!(lw.as_str(), "i'm" | "i'll" | "ok" | "okay") {
                anchors.push(hash_str(&stem(&lw)));
            }
        }
        sentence_start = raw.ends_with(['.', '?', '!', ':', '"', '“', '—']);
    }
    keys.sort_unstable();
    keys.dedup();
    anchors.sort_unstable();
    anchors.dedup();
    anchors.retain(|a| keys.binary_search(a).is_ok());
    EnBag {
        keys,
        anchors,
        chars: visible_chars(text),
        words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_terms_and_numbers_anchor_without_a_lexicon() {
        let en = [
            en_bag("The main strength of pre-training is that there is so much of it."),
            en_bag("SSI has raised $3 billion, which is a lot."),
        ];
        let refs: Vec<&EnBag> = en.iter().collect();
        let m = Model::new(None, &refs, Assoc::default());
        let zh = m.zh_pred("Pre-training 的主要优势在于有大量的数据。");
        assert!(m.sim(&zh, &en[0]) > m.sim(&zh, &en[1]));
        let b = m.baseline(&zh);
        assert!(m.gain(&zh, b, &en[0]) > 0.0);
        assert!(
            m.gain(&zh, b, &en[1]) < 0.0,
            "SSI and 3 are anchors the Chinese lacks"
        );
    }
}
