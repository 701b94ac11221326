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

use crate::lexicon::{
    Key, KeyMap, KeyWriter, Lexicon, for_each_en_key, for_each_latin_word, hash_more, hash_str,
    stem_key,
};
use crate::model::Lang;
use crate::text::numbers::Number;
use std::cell::Cell;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// Source of `Model::id`s (0 is never handed out: it marks an empty `EnBag::idf_sum`).
static MODEL_IDS: AtomicU64 = AtomicU64::new(1);

/// Penalty for an English anchor (number, acronym, name) that the Chinese does not carry.
pub const ANCHOR_MISS: f64 = 1.5;

/// What a Chinese text predicts about its English.
#[derive(Debug, Clone, Default)]
pub struct ZhPred {
    /// (span of `item_keys`, weight, is_anchor) per item, in text order.
    pub items: Vec<((u32, u32), f32, bool)>,
    /// The items' keys, as indices into `keys` (an item's keys are distinct).
    pub item_keys: Vec<u32>,
    /// All predicted keys with their best weight, sorted by key.
    pub keys: Vec<(Key, f32)>,
    /// What `Model::sim` needs of the items, derived from them by `finish`: per key (index
    /// into `keys`), the total weight of the one-key items holding it; the other items
    /// (several keys, or none); the total weight of all items.
    single_w: Vec<f64>,
    multi: Vec<((u32, u32), f32)>,
    weight: f64,
    /// Lookups for a prediction compared with many English texts (`index_for_sim`).
    index: Option<Box<SimIndex>>,
}

/// What `Model::sim` looks up in a prediction it meets many times (a block's, in the
/// screening): each key's index in `keys`, through an open-addressing table (a probe instead
/// of a merge or binary search per English text), and per key the several-key items holding
/// it (so only the items of the keys found are visited, not every item).
#[derive(Debug, Clone)]
struct SimIndex {
    /// Index into `keys` + 1 (0: empty slot); a key's first slot is `slot_of(key, bits)`.
    slots: Vec<u32>,
    bits: u32,
    /// Per key (CSR over `multi_of`): the indices into `multi` of the items holding it.
    multi_start: Vec<u32>,
    multi_of: Vec<u32>,
}

/// First slot of `key` in a table of 2^`bits` slots (multiplicative hashing, top bits).
#[inline]
fn slot_of(key: Key, bits: u32) -> usize {
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits)) as usize
}

impl SimIndex {
    /// Index in `keys` of `key`, if there.
    #[inline]
    fn find(&self, keys: &[(Key, f32)], key: Key) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut s = slot_of(key, self.bits);
        loop {
            let e = self.slots[s] as usize;
            if e == 0 {
                return None;
            }
            if keys[e - 1].0 == key {
                return Some(e - 1);
            }
            s = (s + 1) & mask;
        }
    }
}

impl ZhPred {
    /// Builds the lookups that make `Model::sim` of this prediction cheaper (worth it for a
    /// prediction compared with many English texts). Changes no result of `sim`.
    pub fn index_for_sim(&mut self) {
        let n = self.keys.len();
        // At most half full: short probe runs.
        let bits = (2 * n).next_power_of_two().max(8).trailing_zeros();
        let mut slots = vec![0u32; 1 << bits];
        let mask = slots.len() - 1;
        for (i, (k, _)) in self.keys.iter().enumerate() {
            let mut s = slot_of(*k, bits);
            while slots[s] != 0 {
                s = (s + 1) & mask;
            }
            slots[s] = i as u32 + 1;
        }
        let mut multi_start = vec![0u32; n + 1];
        for &((a, b), _) in &self.multi {
            for &k in &self.item_keys[a as usize..b as usize] {
                multi_start[k as usize + 1] += 1;
            }
        }
        for i in 0..n {
            multi_start[i + 1] += multi_start[i];
        }
        let mut fill = multi_start.clone();
        let mut multi_of = vec![0u32; multi_start[n] as usize];
        for (m, &((a, b), _)) in self.multi.iter().enumerate() {
            for &k in &self.item_keys[a as usize..b as usize] {
                multi_of[fill[k as usize] as usize] = m as u32;
                fill[k as usize] += 1;
            }
        }
        self.index = Some(Box::new(SimIndex {
            slots,
            bits,
            multi_start,
            multi_of,
        }));
    }

    /// The keys of item `i`, as indices into `keys` (the reference similarity's view).
    #[cfg(test)]
    fn item(&self, i: usize) -> &[u32] {
        let (a, b) = self.items[i].0;
        &self.item_keys[a as usize..b as usize]
    }
}

/// What an English text contains.
#[derive(Debug, Clone, Default)]
pub struct EnBag {
    /// Sorted, deduplicated content keys (numbers included).
    pub keys: Vec<Key>,
    /// Anchors (numbers, acronyms, names), sorted and deduplicated; subset of `keys`.
    pub anchors: Vec<Key>,
    /// Content words (with repetition).
    pub words: usize,
    /// (id of a model, Σ idf over `keys` under it): a bag is compared with many Chinese texts
    /// under one model, and this sum is the same each time (see `Model::en_sums`).
    idf_sum: Cell<(u64, f64)>,
    /// (id of a model, idf of each key under it): set by `Model::cache_idf` for a bag compared
    /// with many Chinese texts; empty otherwise.
    idfs: (u64, Vec<f32>),
}

/// Key of a number: the hash of `#` and its value rounded to 3 decimals, as `Display` writes it
/// (hashed as it is written, not allocated).
fn num_key(v: f64) -> Key {
    let r = (v * 1000.0).round() / 1000.0;
    // A whole number below 10^15 (most numbers: counts, years, section numbers) is written
    // by `Display` as its digits after an optional minus sign (-0.0 as "-0"): those bytes are
    // hashed without the formatter.
    if r.fract() == 0.0 && r.abs() < 1e15 {
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        let mut x = r.abs() as u64;
        loop {
            i -= 1;
            buf[i] = b'0' + (x % 10) as u8;
            x /= 10;
            if x == 0 {
                break;
            }
        }
        if r.is_sign_negative() {
            i -= 1;
            buf[i] = b'-';
        }
        i -= 1;
        buf[i] = b'#';
        return hash_more(KeyWriter::new().0, &buf[i..]);
    }
    let mut w = KeyWriter::new();
    write!(w, "#{r}").expect("hashing cannot fail");
    w.0
}

pub fn visible_chars(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// Learned Chinese-bigram → English-word associations (Dice over the document's own pairs).
#[derive(Debug, Default)]
pub struct Assoc {
    /// bigram → span of `words` (up to 3 English keys, best first).
    map: KeyMap<(u32, u32)>,
    words: Vec<Key>,
}

impl Assoc {
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
    pub fn len(&self) -> usize {
        self.map.len()
    }

    fn get(&self, bigram: Key) -> Option<&[Key]> {
        self.map
            .get(&bigram)
            .map(|&(a, b)| &self.words[a as usize..b as usize])
    }

    /// Learn from (zh, en) texts believed to be translations of each other. Keeps, for each
    /// character bigram seen in ≥ 3 pairs, up to 3 English words with co-occurrence ≥ 3 and
    /// Dice = 2·co/(df_zh+df_en) ≥ 0.3. Words in over a fifth of the pairs are ignored (they
    /// co-occur with everything). Cost is bounded by the caller's sample size.
    ///
    /// Counting: English words and bigrams get dense ids, each bigram the list of pairs it
    /// occurs in; the co-occurrences of one bigram are then counted in a plain array over the
    /// English ids (no hashing per (bigram, word) pair). Each bigram's candidates are sorted
    /// by (Dice desc, key asc), a total order, so the result does not depend on the order the
    /// bigrams are visited in.
    pub fn learn<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Assoc {
        Assoc::learn_keyed(pairs.map(|(zh, en)| {
            let mut keys = Vec::new();
            for_each_en_key(en, |k| keys.push(k));
            (bigrams(zh), keys)
        }))
    }

    /// `learn` from each pair's Chinese bigrams (`bigrams(zh)`) and the keys
    /// `for_each_en_key` gives for its English (each in any order, repeats allowed: they are
    /// sorted and deduplicated here), for a caller that has them already (the alignment reads
    /// each block's bigrams once for this and for its prediction, and its English keys with
    /// its bag, `en_bag_and_words`).
    pub fn learn_keyed<Z: AsRef<[Key]>, K: AsRef<[Key]>>(
        pairs: impl Iterator<Item = (Z, K)>,
    ) -> Assoc {
        // Dense ids: each distinct bigram and English key gets one when first met (one hash
        // lookup per occurrence, none after); a pair's repeats are dropped by stamping each
        // id with the last pair that listed it (no sort). Per kept pair: its distinct ids
        // (flat, with spans).
        // Sized for the sample (about 30 bigrams and 15 English keys a pair, many shared):
        // grown by rehashing, the id maps cost more than their lookups.
        let hint = pairs.size_hint().0;
        let mut z = Interner::with_capacity(8 * hint);
        let mut e = Interner::with_capacity(4 * hint);
        let mut zs: Vec<u32> = Vec::new();
        let mut es: Vec<u32> = Vec::new();
        let mut docs: Vec<(u32, u32, u32, u32)> = Vec::new();
        for (t, (zh, en)) in pairs.enumerate() {
            let stamp = t as u32 + 1;
            let (z0, e0) = (zs.len(), es.len());
            z.distinct_into(zh.as_ref(), stamp, &mut zs);
            e.distinct_into(en.as_ref(), stamp, &mut es);
            let (nb, ne) = (zs.len() - z0, es.len() - e0);
            if nb == 0 || ne == 0 || nb > 80 || ne > 60 {
                zs.truncate(z0);
                es.truncate(e0);
                continue;
            }
            for &id in &zs[z0..] {
                z.df[id as usize] += 1;
            }
            for &id in &es[e0..] {
                e.df[id as usize] += 1;
            }
            docs.push((z0 as u32, zs.len() as u32, e0 as u32, es.len() as u32));
        }
        let n = docs.len() as u32;
        if n < 50 {
            return Assoc::default();
        }
        // Each pair's English words that count (in 3..=n/5 pairs).
        let counts = |id: u32| (3..=n / 5).contains(&e.df[id as usize]);
        let mut doc_e: Vec<u32> = Vec::with_capacity(es.len());
        let mut doc_e_span: Vec<(u32, u32)> = Vec::with_capacity(docs.len());
        for &(_, _, e0, e1) in &docs {
            let start = doc_e.len() as u32;
            doc_e.extend(
                es[e0 as usize..e1 as usize]
                    .iter()
                    .filter(|&&id| counts(id)),
            );
            doc_e_span.push((start, doc_e.len() as u32));
        }
        // Pairs of each bigram seen in ≥ 3 pairs (CSR layout over the bigram ids: counts,
        // offsets, fill; the other bigrams have none).
        let nz = z.keys.len();
        let mut offs: Vec<u32> = vec![0; nz + 1];
        for i in 0..nz {
            let d = z.df[i];
            offs[i + 1] = offs[i] + if d >= 3 { d } else { 0 };
        }
        let mut fill = offs.clone();
        let mut z_docs: Vec<u32> = vec![0; offs[nz] as usize];
        for (di, &(z0, z1, _, _)) in docs.iter().enumerate() {
            for &id in &zs[z0 as usize..z1 as usize] {
                if z.df[id as usize] >= 3 {
                    z_docs[fill[id as usize] as usize] = di as u32;
                    fill[id as usize] += 1;
                }
            }
        }
        let mut cnt: Vec<u32> = vec![0; e.keys.len()];
        let mut touched: Vec<u32> = Vec::new();
        let mut best: Vec<(f64, Key)> = Vec::new();
        let mut map = KeyMap::default();
        let mut words = Vec::new();
        for zi in 0..nz {
            let dz = z.df[zi];
            if dz < 3 {
                continue;
            }
            for &di in &z_docs[offs[zi] as usize..offs[zi + 1] as usize] {
                let (a, b) = doc_e_span[di as usize];
                for &e in &doc_e[a as usize..b as usize] {
                    if cnt[e as usize] == 0 {
                        touched.push(e);
                    }
                    cnt[e as usize] += 1;
                }
            }
            best.clear();
            for &id in &touched {
                let c = std::mem::take(&mut cnt[id as usize]);
                if c < 3 {
                    continue;
                }
                let (ek, de) = (e.keys[id as usize], e.df[id as usize]);
                let dice = 2.0 * c as f64 / (dz + de) as f64;
                if dice >= 0.3 {
                    best.push((dice, ek));
                }
            }
            touched.clear();
            if best.is_empty() {
                continue;
            }
            best.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let start = words.len() as u32;
            words.extend(best.iter().take(3).map(|x| x.1));
            map.insert(z.keys[zi], (start, words.len() as u32));
        }
        Assoc { map, words }
    }
}

/// Dense ids of keys, for `Assoc::learn_keyed`: id → key, the stamp of the last list that
/// held the id, and its document frequency.
struct Interner {
    ids: KeyMap<u32>,
    keys: Vec<Key>,
    seen: Vec<u32>,
    df: Vec<u32>,
}

impl Interner {
    fn with_capacity(n: usize) -> Interner {
        let mut ids = KeyMap::default();
        ids.reserve(n);
        Interner {
            ids,
            keys: Vec::with_capacity(n),
            seen: Vec::with_capacity(n),
            df: Vec::with_capacity(n),
        }
    }

    /// Appends to `out` the ids of the distinct keys of `list` (first occurrences, in order),
    /// giving new keys ids; `stamp` is new for each list (never 0).
    fn distinct_into(&mut self, list: &[Key], stamp: u32, out: &mut Vec<u32>) {
        for &k in list {
            let id = *self.ids.entry(k).or_insert_with(|| {
                self.keys.push(k);
                self.seen.push(0);
                self.df.push(0);
                (self.keys.len() - 1) as u32
            });
            if self.seen[id as usize] != stamp {
                self.seen[id as usize] = stamp;
                out.push(id);
            }
        }
    }
}

/// The keys `for_each_bigram` gives for `zh`, in its order.
pub fn bigrams(zh: &str) -> Vec<Key> {
    // At most one bigram per Han char, and a Han char is at least 3 bytes.
    let mut out = Vec::with_capacity(zh.len() / 3);
    for_each_bigram(zh, |k| out.push(k));
    out
}

/// Calls `f` with the hash of each pair of adjacent Han characters (the FNV-1a of their UTF-8,
/// computed piecewise: no string per bigram).
fn for_each_bigram(zh: &str, mut f: impl FnMut(Key)) {
    // Non-Han characters are skipped, not breaks: 中a文 gives 中文, as before. A byte scan:
    // ASCII bytes are skipped one by one, and a multi-byte char is decoded from its bytes
    // (`zh` is valid UTF-8, so the lead byte gives its length) to test it.
    let b = zh.as_bytes();
    let n = b.len();
    let mut prev: Option<Key> = None;
    let mut i = 0;
    while i < n {
        let c = b[i] as u32;
        if c < 0x80 {
            i += 1;
            continue;
        }
        let (len, cp) = if c >= 0xF0 {
            let cp = (c & 0x07) << 18
                | (b[i + 1] as u32 & 0x3F) << 12
                | (b[i + 2] as u32 & 0x3F) << 6
                | (b[i + 3] as u32 & 0x3F);
            (4, cp)
        } else if c >= 0xE0 {
            let cp = (c & 0x0F) << 12 | (b[i + 1] as u32 & 0x3F) << 6 | (b[i + 2] as u32 & 0x3F);
            (3, cp)
        } else {
            (2, (c & 0x1F) << 6 | (b[i + 1] as u32 & 0x3F))
        };
        let bytes = &b[i..i + len];
        i += len;
        if !char::from_u32(cp).is_some_and(crate::text::script::is_han) {
            continue;
        }
        if let Some(h) = prev {
            f(hash_more(h, bytes));
        }
        prev = Some(hash_more(hash_str(""), bytes));
    }
}

/// The similarity model for one document.
pub struct Model<'a> {
    pub lexicon: Option<&'a Lexicon>,
    pub assoc: Assoc,
    /// Per key seen in the document's English: (idf, Σ df/N·idf — the chance of meeting the
    /// key in a random sentence times its idf).
    stats: KeyMap<(f32, f32)>,
    /// idf of a key never seen in the document's English.
    idf_unseen: f32,
    avg_words: f64,
    /// Unique per model, so a bag's cached idf sum is only reused under the model that made it.
    id: u64,
}

impl<'a> Model<'a> {
    /// Fit document frequencies on the document's English sentences.
    pub fn new(lexicon: Option<&'a Lexicon>, en_sentences: &[&EnBag], assoc: Assoc) -> Model<'a> {
        let n = en_sentences.len().max(1) as f64;
        let mut df: KeyMap<u32> = KeyMap::default();
        // About as many distinct keys as sentences (grown by rehashing otherwise).
        df.reserve(en_sentences.len());
        let mut words = 0usize;
        for b in en_sentences {
            words += b.words;
            for k in &b.keys {
                *df.entry(*k).or_default() += 1;
            }
        }
        let idf_of = |d: f64| ((n + 1.0) / (d + 1.0)).ln().max(0.1);
        let stats = df
            .iter()
            .map(|(k, d)| {
                let idf = idf_of(*d as f64);
                (*k, (idf as f32, (*d as f64 / n * idf) as f32))
            })
            .collect();
        Model {
            lexicon,
            assoc,
            stats,
            idf_unseen: idf_of(0.0) as f32,
            avg_words: (words as f64 / n).max(1.0),
            id: MODEL_IDS.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// This model with another lexicon and associations: `Model::new(lexicon, bags, assoc)`
    /// for the `bags` this one was fitted on (the statistics depend on the bags only, so they
    /// are kept, and so is the id: a bag's cached idf sum under this model is the same sum).
    pub fn with_items<'b>(self, lexicon: Option<&'b Lexicon>, assoc: Assoc) -> Model<'b> {
        Model {
            lexicon,
            assoc,
            stats: self.stats,
            idf_unseen: self.idf_unseen,
            avg_words: self.avg_words,
            id: self.id,
        }
    }

    /// Stores in `en` the idf of each of its keys and their sum, as `sim` would find them
    /// (the same f32 values, summed in key order as `en_sums` does): `sim` then reads them.
    pub fn cache_idf(&self, en: &mut EnBag) {
        let idfs: Vec<f32> = en
            .keys
            .iter()
            .map(|&k| self.stats.get(&k).map_or(self.idf_unseen, |s| s.0))
            .collect();
        let mut et = 0.0;
        for &w in &idfs {
            et += w as f64;
        }
        en.idf_sum.set((self.id, et));
        en.idfs = (self.id, idfs);
    }

    pub fn idf(&self, k: Key) -> f64 {
        self.stats.get(&k).map_or(self.idf_unseen, |s| s.0) as f64
    }

    /// Chinese side: items and predicted keys.
    pub fn zh_pred(&self, text: &str) -> ZhPred {
        zh_pred(self.lexicon, &self.assoc, text)
    }

    /// `zh_pred(text)` from `base = zh_base(text)` (see [`zh_pred_on`]).
    pub fn zh_pred_on(&self, base: &ZhPred, text: &str) -> ZhPred {
        zh_pred_on(self.lexicon, &self.assoc, base, text)
    }

    /// `zh_pred_on(base, text)`; `bigrams`, when given, is `bigrams(text)`.
    pub fn zh_pred_on_bigrams(&self, base: &ZhPred, text: &str, bigrams: Option<&[Key]>) -> ZhPred {
        zh_pred_on_bigrams(self.lexicon, &self.assoc, base, text, bigrams)
    }

    /// Chance-level shared weight of a prediction with one average English sentence.
    pub fn baseline(&self, p: &ZhPred) -> f64 {
        p.keys
            .iter()
            .map(|(k, w)| *w as f64 * self.stats.get(k).map_or(0.0, |s| s.1) as f64)
            .sum()
    }

    /// Additive evidence that `en` translates (part of) the Chinese `p`; `base` is
    /// `baseline(p)`. Positive: more shared than chance; negative: less, or anchors missing.
    pub fn gain(&self, p: &ZhPred, base: f64, en: &EnBag) -> f64 {
        let mut hit = 0.0;
        let (mut i, mut j) = (0, 0);
        // Merge of the two sorted lists; the steps are computed, not branched on (the order
        // of the keys is unpredictable), and only a shared key branches. Same hits in the
        // same (key) order as a three-way match.
        while i < p.keys.len() && j < en.keys.len() {
            let (a, b) = (p.keys[i].0, en.keys[j]);
            if a == b {
                hit += p.keys[i].1 as f64 * self.idf(b);
            }
            i += (a <= b) as usize;
            j += (b <= a) as usize;
        }
        let missed = en
            .anchors
            .iter()
            .filter(|a| p.keys.binary_search_by(|x| x.0.cmp(a)).is_err())
            .count();
        self.gain_of(hit, base, en.words, missed)
    }

    /// `gain` from its parts: `hit`, the weighted idf of the shared keys summed in key order,
    /// and `missed`, the English anchors the Chinese lacks. Callers that find the shared keys
    /// another way (`align::document`'s window gains) end with this same arithmetic.
    #[inline]
    pub fn gain_of(&self, hit: f64, base: f64, words: usize, missed: usize) -> f64 {
        hit - base * words as f64 / self.avg_words - ANCHOR_MISS * missed as f64
    }

    /// Share of the English keys (idf-weighted) that the Chinese predicts, in [0,1].
    pub fn en_cov(&self, p: &ZhPred, en: &EnBag) -> f64 {
        let (eg, et) = self.en_sums(p, en, |_| {});
        if et > 0.0 { eg / et } else { 0.0 }
    }

    /// (idf of the English keys the Chinese predicts, idf of all English keys), each summed in
    /// `en.keys` order; `hit` gets the index in `p.keys` of each predicted key. One merge of
    /// the two sorted key lists. The total depends on the bag and the model only, so it is
    /// computed once per (bag, model) and then only the predicted keys' idf is looked up —
    /// same additions in the same order, so the same bits.
    fn en_sums(&self, p: &ZhPred, en: &EnBag, mut hit: impl FnMut(usize)) -> (f64, f64) {
        let (cached_by, cached_et) = en.idf_sum.get();
        if cached_by == self.id {
            if p.keys.len() > 8 * en.keys.len() {
                // A long prediction against a short sentence: each English key is searched
                // for in what is left of the Chinese keys. The same matches as the merge
                // below, met in the same (English key) order, so the same sum.
                let mut eg = 0.0;
                let mut i = 0;
                for &b in &en.keys {
                    match p.keys[i..].binary_search_by(|x| x.0.cmp(&b)) {
                        Ok(k) => {
                            i += k;
                            eg += self.idf(b);
                            hit(i);
                        }
                        Err(k) => i += k,
                    }
                }
                return (eg, cached_et);
            }
            // Only the shared keys matter: a merge with computed steps (see `gain`); on a
            // match only `j` moves, as in the loop below.
            let mut eg = 0.0;
            let (mut i, mut j) = (0, 0);
            while i < p.keys.len() && j < en.keys.len() {
                let (a, b) = (p.keys[i].0, en.keys[j]);
                if a == b {
                    eg += self.idf(b);
                    hit(i);
                }
                i += (a < b) as usize;
                j += (b <= a) as usize;
            }
            return (eg, cached_et);
        }
        let (mut eg, mut et) = (0.0, 0.0);
        let mut i = 0;
        for &k in &en.keys {
            while i < p.keys.len() && p.keys[i].0 < k {
                i += 1;
            }
            let w = self.idf(k);
            et += w;
            // `i` stays on a match, so a repeated English key would count again, as a binary
            // search per key would.
            if i < p.keys.len() && p.keys[i].0 == k {
                eg += w;
                hit(i);
            }
        }
        en.idf_sum.set((self.id, et));
        (eg, et)
    }

    /// Coverage similarity in [0,1] (geometric mean of both directions).
    pub fn sim(&self, p: &ZhPred, en: &EnBag) -> f64 {
        if p.items.is_empty() || en.keys.is_empty() {
            return 0.0;
        }
        if let Some(ix) = &p.index
            && en.idf_sum.get().0 == self.id
        {
            return self.sim_indexed(p, ix, en);
        }
        // Which of the Chinese keys the English has: a bit set over `p.keys`, on the stack
        // for all but very long texts.
        let nw = p.keys.len().div_ceil(64);
        let mut stack = [0u64; 16];
        let mut heap = Vec::new();
        let found: &mut [u64] = if nw <= stack.len() {
            &mut stack[..nw]
        } else {
            heap.resize(nw, 0);
            &mut heap
        };
        // Item weights are 1 and 2, so these sums are small integers: exact in any order.
        // The one-key items are counted as their keys are found (each key once, by its bit),
        // the others after.
        let mut got = 0.0;
        let (eg, et) = self.en_sums(p, en, |i| {
            let bit = 1 << (i % 64);
            if found[i / 64] & bit == 0 {
                found[i / 64] |= bit;
                got += p.single_w[i];
            }
        });
        if eg == 0.0 {
            // No shared key (every idf is at least 0.1): both coverages are 0, and so is
            // their product's root, 0.0 exactly as computed below.
            return 0.0;
        }
        let en_cov = if et > 0.0 { eg / et } else { 0.0 };
        for &((a, b), w) in &p.multi {
            if p.item_keys[a as usize..b as usize]
                .iter()
                .any(|&k| found[k as usize / 64] & (1 << (k % 64)) != 0)
            {
                got += w as f64;
            }
        }
        let zh_cov = got / p.weight;
        (zh_cov * en_cov).sqrt()
    }
}

impl Model<'_> {
    /// `sim` of an indexed prediction with a bag whose idf sum is cached: each English key is
    /// looked up in the table, in `en.keys` order, so the predicted keys' idf (the same values,
    /// from the bag's cache or the model) are added in the order `en_sums` adds them, to the
    /// same bits. A found key adds its one-key items' weight once, and each several-key item
    /// holding it adds its weight once: the same items as `sim`'s count, in another order, but
    /// item weights are 1 and 2, so the sum is a small integer, exact in any order.
    fn sim_indexed(&self, p: &ZhPred, ix: &SimIndex, en: &EnBag) -> f64 {
        let et = en.idf_sum.get().1;
        let idfs = (en.idfs.0 == self.id).then_some(&en.idfs.1[..]);
        // Found keys and counted several-key items: bit sets, on the stack when short.
        let (nk, nm) = (p.keys.len().div_ceil(64), p.multi.len().div_ceil(64));
        let (mut stack_k, mut stack_m) = ([0u64; 8], [0u64; 8]);
        let (mut heap_k, mut heap_m) = (Vec::new(), Vec::new());
        let found: &mut [u64] = if nk <= stack_k.len() {
            &mut stack_k[..nk]
        } else {
            heap_k.resize(nk, 0);
            &mut heap_k
        };
        let counted: &mut [u64] = if nm <= stack_m.len() {
            &mut stack_m[..nm]
        } else {
            heap_m.resize(nm, 0);
            &mut heap_m
        };
        let (mut eg, mut got) = (0.0, 0.0);
        for (j, &b) in en.keys.iter().enumerate() {
            let Some(i) = ix.find(&p.keys, b) else {
                continue;
            };
            eg += match idfs {
                Some(v) => v[j] as f64,
                None => self.idf(b),
            };
            let bit = 1 << (i % 64);
            if found[i / 64] & bit != 0 {
                continue;
            }
            found[i / 64] |= bit;
            got += p.single_w[i];
            let (a, z) = (ix.multi_start[i] as usize, ix.multi_start[i + 1] as usize);
            for &m in &ix.multi_of[a..z] {
                let m = m as usize;
                let bit = 1 << (m % 64);
                if counted[m / 64] & bit == 0 {
                    counted[m / 64] |= bit;
                    got += p.multi[m].1 as f64;
                }
            }
        }
        if eg == 0.0 {
            return 0.0;
        }
        let en_cov = if et > 0.0 { eg / et } else { 0.0 };
        let zh_cov = got / p.weight;
        (zh_cov * en_cov).sqrt()
    }

    /// `sim(p, en)` given the keys the two share, found by the caller (`align::document`
    /// reads them off dense key ids): `shared` holds (index in `p.keys`, index in `en.keys`)
    /// of every shared key, once each, in ascending key order. For an indexed prediction and
    /// a bag whose idf sum is cached (the screening's blocks) this is `sim_indexed`'s
    /// arithmetic without its lookups: the shared keys' idf (the same values) added in the same
    /// (key) order, and the items holding them counted once each (a small integer, exact in
    /// any order). Anything else is handed to `sim`.
    #[inline]
    pub fn sim_shared(&self, p: &ZhPred, en: &EnBag, shared: &[(u32, u32)]) -> f64 {
        if p.items.is_empty() || en.keys.is_empty() {
            return 0.0;
        }
        let (by, et) = en.idf_sum.get();
        let Some(ix) = p.index.as_deref().filter(|_| by == self.id) else {
            return self.sim(p, en);
        };
        let mut eg = 0.0;
        if en.idfs.0 == self.id {
            let idfs = &en.idfs.1;
            for &(_, j) in shared {
                eg += idfs[j as usize] as f64;
            }
        } else {
            for &(_, j) in shared {
                eg += self.idf(en.keys[j as usize]);
            }
        }
        if eg == 0.0 {
            return 0.0;
        }
        // Several-key items holding a shared key, each counted once (a bit set: one word for
        // up to 64 such items, the usual case).
        let mut got = 0.0;
        if p.multi.len() <= 64 {
            let mut counted = 0u64;
            for &(i, _) in shared {
                let i = i as usize;
                got += p.single_w[i];
                let (a, z) = (ix.multi_start[i] as usize, ix.multi_start[i + 1] as usize);
                for &m in &ix.multi_of[a..z] {
                    let bit = 1 << m;
                    if counted & bit == 0 {
                        counted |= bit;
                        got += p.multi[m as usize].1 as f64;
                    }
                }
            }
        } else {
            let mut counted = vec![0u64; p.multi.len().div_ceil(64)];
            for &(i, _) in shared {
                let i = i as usize;
                got += p.single_w[i];
                let (a, z) = (ix.multi_start[i] as usize, ix.multi_start[i + 1] as usize);
                for &m in &ix.multi_of[a..z] {
                    let m = m as usize;
                    let bit = 1 << (m % 64);
                    if counted[m / 64] & bit == 0 {
                        counted[m / 64] |= bit;
                        got += p.multi[m].1 as f64;
                    }
                }
            }
        }
        let en_cov = if et > 0.0 { eg / et } else { 0.0 };
        let zh_cov = got / p.weight;
        (zh_cov * en_cov).sqrt()
    }
}

/// Whether `extract(text, Lang::Zh)` can find anything: every number it reads starts at an
/// ASCII or full-width digit, 双, 百 (百分之, 百分百) or a Chinese numeral character, so a text
/// without any of them has none and need not be scanned.
fn may_have_zh_numbers(text: &str) -> bool {
    text.chars().any(|c| {
        c.is_ascii_digit()
            || ('０'..='９').contains(&c)
            || matches!(
                c,
                '零' | '〇'
                    | '一'
                    | '二'
                    | '两'
                    | '三'
                    | '四'
                    | '五'
                    | '六'
                    | '七'
                    | '八'
                    | '九'
                    | '十'
                    | '百'
                    | '千'
                    | '万'
                    | '亿'
                    | '双'
            )
    })
}

/// Items of a prediction under construction: raw keys (flat) and (span, weight, anchor).
#[derive(Default)]
struct Items {
    items: Vec<((u32, u32), f32, bool)>,
    raw: Vec<Key>,
}

impl Items {
    fn push(&mut self, ks: &[Key], w: f32, anchor: bool) {
        let a = self.raw.len() as u32;
        self.raw.extend_from_slice(ks);
        self.items.push(((a, self.raw.len() as u32), w, anchor));
    }

    /// Latin words and numbers: the part that needs no model. `numbers`, when given, is
    /// `numbers::extract(text, Lang::Zh)` (read once per pair by the caller's cache).
    fn add_base(&mut self, text: &str, numbers: Option<&[Number]>) {
        for_each_latin_word(text, |w| {
            if w.len() >= 2 || w == "a" {
                self.push(&[stem_key(w)], 2.0, true);
            }
        });
        match numbers {
            // Given, they are read already: no need to ask whether there can be any (a text
            // without numeral characters has none, `may_have_zh_numbers`).
            Some(ns) => {
                for n in ns {
                    self.push(&[num_key(n.value)], 2.0, true);
                }
            }
            None if may_have_zh_numbers(text) => {
                for n in crate::text::numbers::extract(text, Lang::Zh) {
                    self.push(&[num_key(n.value)], 2.0, true);
                }
            }
            None => {}
        }
    }

    /// Lexicon words and learned bigram associations; `bigrams`, when given, is
    /// `bigrams(text)`, read already.
    fn add_model(
        &mut self,
        lexicon: Option<&Lexicon>,
        assoc: &Assoc,
        text: &str,
        bigrams: Option<&[Key]>,
    ) {
        if let Some(lex) = lexicon {
            for ks in lex.segment(text) {
                self.push(ks, 1.0, false);
            }
        }
        if !assoc.is_empty() {
            let mut add = |b: Key| {
                if let Some(ks) = assoc.get(b) {
                    self.push(ks, 1.0, false);
                }
            };
            match bigrams {
                Some(bs) => bs.iter().for_each(|&b| add(b)),
                None => for_each_bigram(text, add),
            }
        }
    }

    fn finish(self) -> ZhPred {
        let Items { items, raw } = self;
        // Every raw key with its item's weight and its position, sorted by key alone (ties in
        // any order). A key's run gives it its best weight (the greatest by `total_cmp`: what
        // a sort of (key, weight) best first and a dedup keep) and gives every position in
        // the run that key's index (what a binary search of the deduplicated keys finds).
        let mut tagged: Vec<(Key, f32, u32)> = Vec::with_capacity(raw.len());
        for ((a, b), w, _) in &items {
            tagged.extend((*a..*b).map(|i| (raw[i as usize], *w, i)));
        }
        tagged.sort_unstable_by_key(|t| t.0);
        let mut keys: Vec<(Key, f32)> = Vec::with_capacity(tagged.len());
        let mut item_keys: Vec<u32> = vec![0; raw.len()];
        for &(k, w, i) in &tagged {
            match keys.last_mut() {
                Some(l) if l.0 == k => {
                    if w.total_cmp(&l.1).is_gt() {
                        l.1 = w;
                    }
                }
                _ => keys.push((k, w)),
            }
            item_keys[i as usize] = (keys.len() - 1) as u32;
        }
        let mut single_w = vec![0.0; keys.len()];
        let mut multi = Vec::with_capacity(items.iter().filter(|x| x.0.1 - x.0.0 != 1).count());
        let mut weight = 0.0;
        for &((a, b), w, _) in &items {
            weight += w as f64;
            if b - a == 1 {
                single_w[item_keys[a as usize] as usize] += w as f64;
            } else {
                multi.push(((a, b), w));
            }
        }
        ZhPred {
            items,
            item_keys,
            keys,
            single_w,
            multi,
            weight,
            index: None,
        }
    }
}

/// Chinese side of the model (free function so bags can be built before the model is fit).
pub fn zh_pred(lexicon: Option<&Lexicon>, assoc: &Assoc, text: &str) -> ZhPred {
    let mut it = Items::default();
    it.add_base(text, None);
    it.add_model(lexicon, assoc, text, None);
    it.finish()
}

/// The model-free part of a Chinese prediction: its Latin words and numbers (reading the
/// numbers is the costly part of `zh_pred`). Equal to `zh_pred(None, &Assoc::default(), text)`,
/// and `zh_pred_on(lexicon, assoc, &zh_base(text), text)` equals `zh_pred(lexicon, assoc,
/// text)`: a caller that predicts one text under two models (the association-learning pass,
/// then the final model) can read its numbers once.
pub fn zh_base(text: &str) -> ZhPred {
    let mut it = Items::default();
    it.add_base(text, None);
    it.finish()
}

/// `zh_base(text)` given `numbers = numbers::extract(text, Lang::Zh)`.
pub fn zh_base_from(text: &str, numbers: &[Number]) -> ZhPred {
    let mut it = Items::default();
    it.add_base(text, Some(numbers));
    it.finish()
}

/// `zh_pred(lexicon, assoc, text)` from `base = zh_base(text)`: the base's items are reused
/// (in their order, first, as `zh_pred` puts them) and only the model's items are added.
pub fn zh_pred_on(lexicon: Option<&Lexicon>, assoc: &Assoc, base: &ZhPred, text: &str) -> ZhPred {
    zh_pred_on_bigrams(lexicon, assoc, base, text, None)
}

/// `zh_pred_on(lexicon, assoc, base, text)`; `bigrams`, when given, is `bigrams(text)`.
pub fn zh_pred_on_bigrams(
    lexicon: Option<&Lexicon>,
    assoc: &Assoc,
    base: &ZhPred,
    text: &str,
    bigrams: Option<&[Key]>,
) -> ZhPred {
    if lexicon.is_none() && assoc.is_empty() {
        // No model items to add: `finish` would rebuild the base's own lists (same items,
        // same sorted keys with the same best weights, same item indices).
        return base.clone();
    }
    // Room for the model's items: at most one per bigram (up to 3 keys each).
    let extra = bigrams.map_or(0, <[Key]>::len);
    let mut items = Vec::with_capacity(base.items.len() + extra);
    items.extend_from_slice(&base.items);
    let mut raw = Vec::with_capacity(base.item_keys.len() + 3 * extra);
    raw.extend(base.item_keys.iter().map(|&i| base.keys[i as usize].0));
    let mut it = Items { items, raw };
    it.add_model(lexicon, assoc, text, bigrams);
    it.finish()
}

/// English side of the model.
pub fn en_bag(text: &str) -> EnBag {
    en_bag_from(text, &crate::text::numbers::extract(text, Lang::En))
}

/// `en_bag(text)` given `numbers = numbers::extract(text, Lang::En)`.
pub fn en_bag_from(text: &str, numbers: &[Number]) -> EnBag {
    let mut keys = Vec::new();
    for_each_en_key(text, |k| keys.push(k));
    en_bag_of(text, keys, numbers)
}

/// `en_bag(text)` and the keys `for_each_en_key` gives for `text`, in its order (what
/// `Assoc::learn_keyed` takes): the bag is built on them, so they are not found twice.
pub fn en_bag_and_words(text: &str) -> (EnBag, Vec<Key>) {
    en_bag_and_words_from(text, &crate::text::numbers::extract(text, Lang::En))
}

/// `en_bag_and_words(text)` given `numbers = numbers::extract(text, Lang::En)`.
pub fn en_bag_and_words_from(text: &str, numbers: &[Number]) -> (EnBag, Vec<Key>) {
    let mut keys = Vec::new();
    for_each_en_key(text, |k| keys.push(k));
    (en_bag_of(text, keys.clone(), numbers), keys)
}

/// `en_bag(text)` given `keys`, the keys `for_each_en_key` gives for `text`, in its order, and
/// `numbers = numbers::extract(text, Lang::En)`.
pub fn en_bag_of(text: &str, keys: Vec<Key>, numbers: &[Number]) -> EnBag {
    en_bag_and_len_of(text, keys, numbers).0
}

/// `en_bag_of(text, keys, numbers)` and the English length of `text` (`en_len`: its chars,
/// each whitespace run counted once, the ends trimmed), read by the same scan.
pub fn en_bag_and_len_of(text: &str, mut keys: Vec<Key>, numbers: &[Number]) -> (EnBag, usize) {
    let words = keys.len();
    let mut anchors = Vec::with_capacity(numbers.len() + 4);
    keys.reserve(numbers.len());
    for n in numbers {
        let k = num_key(n.value);
        keys.push(k);
        anchors.push(k);
    }
    let len = for_each_name_or_acronym(text, |k| anchors.push(k));
    keys.sort_unstable();
    keys.dedup();
    anchors.sort_unstable();
    anchors.dedup();
    anchors.retain(|a| keys.binary_search(a).is_ok());
    let bag = EnBag {
        keys,
        anchors,
        words,
        idf_sum: Cell::new((0, 0.0)),
        idfs: (0, Vec::new()),
    };
    (bag, len)
}

/// Whether a word `raw` ends a sentence for the anchor test (a capitalised word after it is not a name).
fn ends_sentence(raw: &[u8]) -> bool {
    // `raw.ends_with(['.', '?', '!', ':', '"', '“', '—'])` on the UTF-8 bytes: a whole char
    // at the end, so comparing the final bytes is the same test.
    match raw.last() {
        Some(b'.' | b'?' | b'!' | b':' | b'"') => true,
        _ => raw.ends_with("“".as_bytes()) || raw.ends_with("—".as_bytes()),
    }
}

/// Calls `f` with the key of each acronym and name of `text`: its whitespace-separated words,
/// trimmed of what is not alphanumeric, that are all ASCII capitals and digits (at least two),
/// or (not first in a sentence) an ASCII capital then ASCII letters, digits and hyphens (at
/// least three), lowercased, except `i'm`, `i'll`, `ok`, `okay`.
///
/// Words are split by a byte scan (ASCII whitespace by its byte, a non-ASCII char decoded
/// only to test it), and a word that starts with an ASCII small letter, most of them, is no
/// acronym or name: only the others are trimmed and tested as chars.
///
/// Returns the English length of `text` (`en_len`): the chars of its words plus one per gap
/// between two words (a maximal whitespace run; the ends are trimmed).
fn for_each_name_or_acronym(text: &str, mut f: impl FnMut(Key)) -> usize {
    if text.is_ascii() {
        return for_each_name_or_acronym_ascii(text, f);
    }
    let b = text.as_bytes();
    let n = b.len();
    // Whether the char at `i` (a char boundary) is whitespace, and its length in bytes.
    let space_at = |i: usize| -> (bool, usize) {
        let c = b[i];
        if c < 0x80 {
            (matches!(c, 9..=13 | b' '), 1)
        } else {
            let ch = text[i..].chars().next().expect("a char boundary");
            (ch.is_whitespace(), ch.len_utf8())
        }
    };
    let mut sentence_start = true;
    let mut lw = String::with_capacity(16);
    let (mut chars, mut tokens) = (0usize, 0usize);
    let mut i = 0;
    while i < n {
        let (space, l) = space_at(i);
        if space {
            i += l;
            continue;
        }
        let start = i;
        i += l;
        chars += 1;
        tokens += 1;
        while i < n {
            let (space, l) = space_at(i);
            if space {
                break;
            }
            i += l;
            chars += 1;
        }
        let raw = &text[start..i];
        if !b[start].is_ascii_lowercase() {
            name_or_acronym(raw, sentence_start, &mut lw, &mut f);
        }
        sentence_start = ends_sentence(raw.as_bytes());
    }
    chars + tokens.saturating_sub(1)
}

/// The test of one whitespace-separated word `raw` of `for_each_name_or_acronym`.
fn name_or_acronym(raw: &str, sentence_start: bool, lw: &mut String, f: &mut impl FnMut(Key)) {
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
        lw.clear();
        lw.push_str(w);
        lw.make_ascii_lowercase();
        if !matches!(lw.as_str(), "i'm" | "i'll" | "ok" | "okay") {
            f(stem_key(lw));
        }
    }
}

/// `for_each_name_or_acronym` of an ASCII text, 16 bytes at a time: whitespace is the bytes
/// 9..=13 and space, a word starts at a non-whitespace byte after whitespace (or at the start),
/// so the masks give the chars and words counts; only the words that do not start with a small
/// letter are looked at, with the end of the word before them (whether it ends a sentence).
fn for_each_name_or_acronym_ascii(text: &str, mut f: impl FnMut(Key)) -> usize {
    #[cfg(target_arch = "x86_64")]
    use crate::text::simd::in_range;
    #[cfg(target_arch = "x86_64")]
    use std::arch::x86_64::*;
    let b = text.as_bytes();
    let n = b.len();
    let ws = |c: u8| matches!(c, 9..=13 | b' ');
    let mut lw = String::with_capacity(16);
    let (mut chars, mut tokens) = (0usize, 0usize);
    // Whether the byte before the block is not whitespace.
    let mut carry = 0u32;
    let mut at = 0;
    while at < n {
        let mut block = [b' '; 16];
        let m = (n - at).min(16);
        block[..m].copy_from_slice(&b[at..at + m]);
        #[cfg(not(target_arch = "x86_64"))]
        let (space, lower) = (
            crate::text::mask16(&block, ws),
            crate::text::mask16(&block, |c| c.is_ascii_lowercase()),
        );
        // SAFETY: SSE2 is part of x86-64; `block` has 16 readable bytes (an unaligned load).
        #[cfg(target_arch = "x86_64")]
        let (space, lower) = unsafe {
            let v = _mm_loadu_si128(block.as_ptr() as *const __m128i);
            let sp = _mm_or_si128(
                in_range(v, 9, 5),
                _mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8)),
            );
            (
                _mm_movemask_epi8(sp) as u32,
                _mm_movemask_epi8(in_range(v, b'a', 26)) as u32,
            )
        };
        // (The padding is whitespace: no word there.)
        let word = !space & 0xFFFF;
        let starts = word & !((word << 1) | carry);
        chars += word.count_ones() as usize;
        tokens += starts.count_ones() as usize;
        let mut cand = starts & !lower;
        while cand != 0 {
            let s = at + cand.trailing_zeros() as usize;
            cand &= cand - 1;
            let mut e = s + 1;
            while e < n && !ws(b[e]) {
                e += 1;
            }
            // The word before: its last byte is the last non-whitespace byte before `s`.
            let mut p = s;
            while p > 0 && ws(b[p - 1]) {
                p -= 1;
            }
            let sentence_start = p == 0 || ends_sentence(&b[..p]);
            name_or_acronym(&text[s..e], sentence_start, &mut lw, &mut f);
        }
        carry = (word >> 15) & 1;
        at += 16;
    }
    chars + tokens.saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The char-by-char anchor scan `for_each_name_or_acronym` replaced.
    fn names_and_acronyms_reference(text: &str) -> Vec<Key> {
        let mut anchors = Vec::new();
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
                    anchors.push(stem_key(&lw));
                }
            }
            sentence_start = raw.ends_with(['.', '?', '!', ':', '"', '“', '—']);
        }
        anchors
    }

    /// Texts for the scanners' equality tests: hand-made edge cases, random strings over the
    /// chars that matter, and (when ../shared is present) every Debian cell and interview line.
    fn scanner_texts() -> Vec<String> {
        let mut texts: Vec<String> = [
            "",
            " ",
            "The NASA team met Dr. Smith. OK? Okay, I'm here: Kasparov won — Deep Blue lost.",
            "“Quoted” Name, (ACRONYM) x86-64 MP3 I I'll \u{a0}Paris\u{3000}London\u{2028}Rome",
            "éclair Éclair ÉCLAIR 中文 English Words. 'Tis AI-based GPT-4o",
            "a\tB\nC\rD\u{b}E\u{c}F\u{85}G\u{1680}H\u{2009}I\u{202f}J\u{205f}K",
            "end.\u{201c}Start — Dash—Word \"Quote\" colon: Next",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let alphabet: Vec<char> = "aZQ' .:\n\t…\u{a0}\u{3000}éÉ,-1xyS's\"“—?!中("
            .chars()
            .collect();
        let mut rng = crate::test_support::XorShift::new(0x1234_5678_9abc_def1);
        for _ in 0..20_000 {
            let n = rng.index(40);
            texts.push(
                (0..n)
                    .map(|_| alphabet[rng.index(alphabet.len())])
                    .collect(),
            );
        }
        // ASCII only, long enough to cross 16-byte blocks (the ASCII scans).
        let ascii: Vec<char> = "aZQ' .:\n\t\r,-1xyS's\"?!(OK".chars().collect();
        for _ in 0..20_000 {
            let n = rng.index(70);
            texts.push((0..n).map(|_| ascii[rng.index(ascii.len())]).collect());
        }
        let root = env!("CARGO_MANIFEST_DIR");
        for f in [
            "../shared/data/debian-reference.zh-en.tsv".to_string(),
            "../shared/corpus/ai-interview.zh-en.md".to_string(),
            "tests/fixtures/sample/interview.zh-en.md".to_string(),
        ] {
            let Ok(t) = std::fs::read_to_string(format!("{root}/{f}")) else {
                continue;
            };
            for line in t.lines() {
                texts.extend(line.split('\t').map(|c| c.replace("\\n", "\n")));
            }
        }
        texts
    }

    /// The char loop `for_each_bigram` replaced.
    fn bigrams_reference(zh: &str) -> Vec<Key> {
        let mut out = Vec::new();
        let mut prev: Option<Key> = None;
        let mut buf = [0u8; 4];
        for c in zh.chars() {
            if !crate::text::script::is_han(c) {
                continue;
            }
            let s: &str = c.encode_utf8(&mut buf);
            if let Some(h) = prev {
                out.push(hash_more(h, s.as_bytes()));
            }
            prev = Some(hash_str(s));
        }
        out
    }

    #[test]
    fn bigrams_equal_the_char_loop() {
        // Every char, each between two Han chars and in one long text (2-, 3- and 4-byte
        // chars, Han or not, at every place), then the texts of the scanner tests.
        let mut all = String::new();
        for c in crate::test_support::every_char() {
            let t = format!("中{c}文");
            assert_eq!(bigrams(&t), bigrams_reference(&t), "{c:?}");
            all.push(c);
        }
        assert_eq!(bigrams(&all), bigrams_reference(&all));
        let mut some = 0;
        for t in scanner_texts() {
            let got = bigrams(&t);
            assert_eq!(got, bigrams_reference(&t), "{t:?}");
            some += !got.is_empty() as usize;
        }
        assert!(some > 100, "{some}");
    }

    #[test]
    fn number_keys_hash_what_display_writes() {
        let reference = |v: f64| hash_str(&format!("#{}", (v * 1000.0).round() / 1000.0));
        let mut values = vec![
            0.0,
            -0.0,
            0.0004,
            -0.0004,
            1.0,
            -1.0,
            0.5,
            2.25,
            1.0005,
            1e15 - 1.0,
            1e15,
            -1e15 + 1.0,
            1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MAX,
            f64::MIN_POSITIVE,
        ];
        let mut rng = crate::test_support::XorShift::new(0x7a11_9e5e_ed0f_1234);
        for k in 0..20_000u64 {
            let int = rng.below(1 << (k % 50)) as f64;
            values.push(int);
            values.push(-int);
            values.push(int / 1000.0);
            values.push(int / 7.0);
            values.push(int * 1e3 + 0.5);
        }
        for v in values {
            assert_eq!(num_key(v), reference(v), "{v}");
        }
    }

    #[test]
    fn names_and_acronyms_equal_the_char_scan() {
        let (mut some, mut texts) = (0, 0);
        for t in scanner_texts() {
            let mut got = Vec::new();
            let len = for_each_name_or_acronym(&t, |k| got.push(k));
            assert_eq!(got, names_and_acronyms_reference(&t), "{t:?}");
            assert_eq!(len as f64, crate::align::document::en_len(&t), "{t:?}");
            some += !got.is_empty() as usize;
            texts += 1;
        }
        assert!(some * 20 > texts, "{some} of {texts}");
    }
    use std::collections::HashMap;

    /// The hash-map counting `Assoc::learn` replaced (bigram → English keys, best first).
    fn learn_reference(pairs: &[(&str, &str)]) -> HashMap<Key, Vec<Key>> {
        let mut docs: Vec<(Vec<Key>, Vec<Key>)> = Vec::new();
        let mut df_z: HashMap<Key, u32> = HashMap::new();
        let mut df_e: HashMap<Key, u32> = HashMap::new();
        for (zh, en) in pairs {
            let han: Vec<char> = zh
                .chars()
                .filter(|c| crate::text::script::is_han(*c))
                .collect();
            let mut b: Vec<Key> = han
                .windows(2)
                .map(|w| hash_str(&w.iter().collect::<String>()))
                .collect();
            b.sort_unstable();
            b.dedup();
            let mut e = crate::lexicon::en_keys(en);
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
            return HashMap::new();
        }
        let mut co: HashMap<(Key, Key), u32> = HashMap::new();
        for (b, e) in &docs {
            for zb in b.iter().filter(|k| df_z[k] >= 3) {
                for ek in e.iter().filter(|k| (3..=n / 5).contains(&df_e[k])) {
                    *co.entry((*zb, *ek)).or_default() += 1;
                }
            }
        }
        let mut best: HashMap<Key, Vec<(f64, Key)>> = HashMap::new();
        for ((zb, ek), c) in co {
            let dice = 2.0 * c as f64 / (df_z[&zb] + df_e[&ek]) as f64;
            if c >= 3 && dice >= 0.3 {
                best.entry(zb).or_default().push((dice, ek));
            }
        }
        best.into_iter()
            .map(|(k, mut v)| {
                v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                (k, v.into_iter().take(3).map(|x| x.1).collect())
            })
            .collect()
    }

    /// Synthetic parallel pairs: topic i pairs a Chinese phrase with an English word, several
    /// topics per pair, so associations of varying strength (and ties) arise.
    fn synthetic_pairs() -> Vec<(String, String)> {
        let zh = [
            "模型", "数据", "训练", "语言", "学习", "网络", "文件", "系统", "软件",
        ];
        let en = [
            "model", "data", "train", "language", "learn", "network", "file", "system", "package",
        ];
        (0..240)
            .map(|i| {
                let t: Vec<usize> = vec![i % 9, (i * 7 + 3) % 9, (i / 9) % 9];
                let z: String = t.iter().map(|&k| zh[k]).collect::<Vec<_>>().join("，");
                let e: String = t
                    .iter()
                    .map(|&k| if i % 5 == 0 { "noise" } else { en[k] })
                    .collect::<Vec<_>>()
                    .join(" ");
                (format!("{z}{}", i % 4), format!("{e} word{}", i % 13))
            })
            .collect()
    }

    /// The `Items::finish` the tagged sort replaced (sort and dedup the (key, weight) list,
    /// then a binary search per raw key).
    fn finish_reference(items: &Items) -> (Vec<(Key, f32)>, Vec<u32>) {
        let mut keys: Vec<(Key, f32)> = Vec::new();
        for ((a, b), w, _) in &items.items {
            keys.extend(items.raw[*a as usize..*b as usize].iter().map(|k| (*k, *w)));
        }
        keys.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        keys.dedup_by_key(|x| x.0);
        let item_keys = items
            .raw
            .iter()
            .map(|k| keys.binary_search_by(|x| x.0.cmp(k)).expect("in keys") as u32)
            .collect();
        (keys, item_keys)
    }

    #[test]
    fn finish_equals_sort_dedup_and_search() {
        let mut rng = crate::test_support::XorShift::new(0x9e37_79b9_7f4a_7c15);
        let mut next = |m: u64| rng.below(m);
        for round in 0..5_000 {
            let mut it = Items::default();
            // Few distinct keys, so keys repeat within and across items, at both weights.
            let range = 1 + next(40);
            for _ in 0..next(30) {
                let ks: Vec<Key> = (0..next(4)).map(|_| next(range) * 0x1_0000_0001).collect();
                let w = [1.0, 2.0, 0.5, 1.5][next(4) as usize];
                it.push(&ks, w, next(2) == 0);
            }
            let (keys, item_keys) = finish_reference(&it);
            let items = it.items.clone();
            let p = it.finish();
            assert_eq!(p.keys, keys, "round {round}");
            assert_eq!(p.item_keys, item_keys, "round {round}");
            assert_eq!(p.items, items);
        }
    }

    #[test]
    fn learned_associations_match_the_reference_counting() {
        let owned = synthetic_pairs();
        let pairs: Vec<(&str, &str)> = owned.iter().map(|(a, b)| (&a[..], &b[..])).collect();
        let fast = Assoc::learn(pairs.iter().copied());
        let want = learn_reference(&pairs);
        assert!(!want.is_empty(), "the fixture must teach something");
        assert_eq!(fast.len(), want.len());
        for (k, v) in &want {
            assert_eq!(fast.get(*k), Some(&v[..]));
        }
        // From the keys `en_bag_and_words` hands over (the alignment's path): the same.
        let words: Vec<Vec<Key>> = owned
            .iter()
            .map(|(_, e)| {
                let (bag, words) = en_bag_and_words(e);
                assert_eq!(format!("{bag:?}"), format!("{:?}", en_bag(e)));
                words
            })
            .collect();
        let keyed = Assoc::learn_keyed(pairs.iter().zip(&words).map(|((z, _), w)| (bigrams(z), w)));
        assert_eq!(keyed.len(), want.len());
        for (k, v) in &want {
            assert_eq!(keyed.get(*k), Some(&v[..]));
        }
    }

    /// The real Debian pairs (when ../shared is present): the associations learned from the
    /// first 3000 pairs, as the alignment's path hands them over, equal the reference's.
    #[test]
    fn learned_associations_match_the_reference_on_debian_pairs() {
        let path = format!(
            "{}/../shared/data/debian-reference.zh-en.tsv",
            env!("CARGO_MANIFEST_DIR")
        );
        let Ok(tsv) = std::fs::read_to_string(&path) else {
            eprintln!("skipped: {path} absent");
            return;
        };
        let pairs: Vec<(&str, &str)> = tsv
            .lines()
            .skip(1)
            .filter_map(|l| {
                // id, tag, status, zh, en
                let c: Vec<&str> = l.split('\t').collect();
                (c.len() == 5).then(|| (c[3], c[4]))
            })
            .take(3000)
            .collect();
        let want = learn_reference(&pairs);
        assert!(want.len() > 100, "{}", want.len());
        let keyed = Assoc::learn_keyed(
            pairs
                .iter()
                .map(|(z, e)| (bigrams(z), crate::lexicon::en_keys(e))),
        );
        assert_eq!(keyed.len(), want.len());
        for (k, v) in &want {
            assert_eq!(keyed.get(*k), Some(&v[..]));
        }
    }

    /// The binary-search similarity `Model::sim` replaced.
    fn sim_reference(m: &Model, p: &ZhPred, en: &EnBag) -> f64 {
        if p.items.is_empty() || en.keys.is_empty() {
            return 0.0;
        }
        let (mut got, mut tot) = (0.0, 0.0);
        for (i, (_, w, _)) in p.items.iter().enumerate() {
            tot += *w as f64;
            if p.item(i)
                .iter()
                .any(|&k| en.keys.binary_search(&p.keys[k as usize].0).is_ok())
            {
                got += *w as f64;
            }
        }
        let (mut eg, mut et) = (0.0, 0.0);
        for k in &en.keys {
            let w = m.idf(*k);
            et += w;
            if p.keys.binary_search_by(|x| x.0.cmp(k)).is_ok() {
                eg += w;
            }
        }
        (got / tot * if et > 0.0 { eg / et } else { 0.0 }).sqrt()
    }

    /// The three-way-match `Model::gain` replaced.
    fn gain_reference(m: &Model, p: &ZhPred, base: f64, en: &EnBag) -> f64 {
        let mut hit = 0.0;
        let (mut i, mut j) = (0, 0);
        while i < p.keys.len() && j < en.keys.len() {
            match p.keys[i].0.cmp(&en.keys[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    hit += p.keys[i].1 as f64 * m.idf(en.keys[j]);
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
        hit - base * en.words as f64 / m.avg_words - ANCHOR_MISS * missed as f64
    }

    #[test]
    fn similarity_matches_the_reference_bit_for_bit() {
        let owned = synthetic_pairs();
        let pairs: Vec<(&str, &str)> = owned.iter().map(|(a, b)| (&a[..], &b[..])).collect();
        let assoc = Assoc::learn(pairs.iter().copied());
        let bags: Vec<EnBag> = owned.iter().map(|(_, e)| en_bag(e)).collect();
        let refs: Vec<&EnBag> = bags.iter().collect();
        let m = Model::new(None, &refs, assoc);
        // A second model with other idf, used on the same bags in turn: a bag's cached idf
        // sum must follow the model asking.
        let m2 = Model::new(None, &refs[..60], Assoc::default());
        for (z, _) in owned.iter().take(40) {
            let (p, p2) = (m.zh_pred(z), m2.zh_pred(z));
            for b in bags.iter().take(40) {
                assert_eq!(m.sim(&p, b).to_bits(), sim_reference(&m, &p, b).to_bits());
                assert_eq!(
                    m2.sim(&p2, b).to_bits(),
                    sim_reference(&m2, &p2, b).to_bits()
                );
                assert_eq!(m.sim(&p, b).to_bits(), sim_reference(&m, &p, b).to_bits());
                let base = m.baseline(&p);
                let g = m.gain(&p, base, b);
                assert_eq!(g.to_bits(), gain_reference(&m, &p, base, b).to_bits());
            }
        }
        // One-key items sharing a key (a repeated Latin word), several-key items (lexicon
        // glosses, learned associations) sharing keys with one-key ones, items with no key
        // found: `sim` counts one-key items by key and the others by item.
        let lex = Lexicon::parse(
            "模型 模型 [mo2 xing2] /model/pattern/\n數據 数据 [shu4 ju4] /data/\n訓練 训练 [xun4 lian4] /train/\n",
        )
        .unwrap();
        let m3 = Model::new(Some(&lex), &refs, Assoc::learn(pairs.iter().copied()));
        let texts = [
            "model 模型 model 数据 data data 训练 2 个 train",
            "模型模型数据，网络 network file 文件",
            "SSI 的 42 个 noise",
            "没有",
        ];
        let mut multi = 0;
        for z in texts
            .iter()
            .copied()
            .chain(owned.iter().take(40).map(|p| &p.0[..]))
        {
            for mm in [&m, &m3] {
                let p = mm.zh_pred(z);
                multi += p.multi.len();
                for b in bags
                    .iter()
                    .take(40)
                    .chain([&en_bag("model data train 42 network")])
                {
                    assert_eq!(
                        mm.sim(&p, b).to_bits(),
                        sim_reference(mm, &p, b).to_bits(),
                        "{z}"
                    );
                }
            }
        }
        assert!(multi > 0, "the fixture must have items of several keys");
    }

    #[test]
    fn indexed_similarity_matches_the_reference_on_random_keys() {
        // Keys from a small pool (shared often, colliding table slots), items of one to four
        // keys sharing keys with each other, predictions indexed or not, bags with idf cached
        // by `cache_idf`, by a first `sim`, or under another model: `sim` equals the reference
        // bit for bit every time.
        let mut rng = crate::test_support::XorShift::new(0x2545_f491_4f6c_dd1d);
        let mut next = |m: u64| rng.below(m);
        let pool: Vec<Key> = (0..200u64)
            .map(|i| hash_str(&format!("k{i}")) & !(i % 3))
            .collect();
        let mut bags = Vec::new();
        for _ in 0..60 {
            let mut keys: Vec<Key> = (0..next(25)).map(|_| pool[next(200) as usize]).collect();
            keys.sort_unstable();
            keys.dedup();
            let words = keys.len() + next(5) as usize;
            bags.push(EnBag {
                keys,
                words,
                ..EnBag::default()
            });
        }
        let refs: Vec<&EnBag> = bags.iter().collect();
        let m = Model::new(None, &refs[..40], Assoc::default());
        let m2 = Model::new(None, &refs[20..], Assoc::default());
        for b in bags.iter_mut().step_by(2) {
            m.cache_idf(b);
        }
        let (mut shared, mut indexed) = (0, 0);
        for round in 0..400 {
            let mut it = Items::default();
            for _ in 0..next(120) {
                let mut ks: Vec<Key> = (0..1 + next(4)).map(|_| pool[next(200) as usize]).collect();
                ks.sort_unstable();
                ks.dedup();
                it.push(&ks, if next(2) == 0 { 1.0 } else { 2.0 }, false);
            }
            let mut p = it.finish();
            if round % 4 != 0 {
                p.index_for_sim();
                indexed += 1;
            }
            for b in &bags {
                for mm in [&m, &m, &m2, &m2, &m] {
                    let got = mm.sim(&p, b);
                    assert_eq!(got.to_bits(), sim_reference(mm, &p, b).to_bits(), "{round}");
                    shared += (got > 0.0) as usize;
                }
            }
        }
        assert!(shared > 1000 && indexed > 100, "{shared} / {indexed}");
    }

    /// (index in `p.keys`, index in `en.keys`) of every key the two share, by key.
    fn shared_keys(p: &ZhPred, en: &EnBag) -> Vec<(u32, u32)> {
        en.keys
            .iter()
            .enumerate()
            .filter_map(|(j, k)| {
                let i = p.keys.binary_search_by(|x| x.0.cmp(k)).ok()?;
                Some((i as u32, j as u32))
            })
            .collect()
    }

    #[test]
    fn similarity_from_shared_keys_matches_the_reference() {
        // As above: keys from a small pool, items of one to four keys sharing keys, predictions
        // indexed or not, bags with idf cached, summed by a first `sim`, or under another
        // model: `sim_shared` given the shared keys equals the reference bit for bit.
        let mut rng = crate::test_support::XorShift::new(0x9e37_79b9_7f4a_7c15);
        let mut next = |m: u64| rng.below(m);
        let pool: Vec<Key> = (0..150u64)
            .map(|i| hash_str(&format!("s{i}")) & !(i % 5))
            .collect();
        let mut bags = Vec::new();
        for _ in 0..60 {
            let mut keys: Vec<Key> = (0..next(30)).map(|_| pool[next(150) as usize]).collect();
            keys.sort_unstable();
            keys.dedup();
            let words = keys.len() + next(5) as usize;
            bags.push(EnBag {
                keys,
                words,
                ..EnBag::default()
            });
        }
        let refs: Vec<&EnBag> = bags.iter().collect();
        let m = Model::new(None, &refs[..40], Assoc::default());
        let m2 = Model::new(None, &refs[20..], Assoc::default());
        for b in bags.iter_mut().take(50) {
            m.cache_idf(b);
        }
        // (Summed under `m2` by an unindexed `sim`: `sim_shared` under `m2` reads the sum and
        // looks the idf up; under `m` it hands over to `sim`.)
        for b in bags.iter().skip(50).step_by(2) {
            m2.sim(&zh_base("SSI data"), b);
        }
        let (mut positive, mut indexed) = (0, 0);
        for round in 0..300 {
            let mut it = Items::default();
            // Long predictions too: more than 64 several-key items (their bit set takes more
            // than one word), up to hundreds.
            let items = if round % 50 == 0 { 700 } else { next(120) };
            for _ in 0..items {
                let mut ks: Vec<Key> = (0..1 + next(4)).map(|_| pool[next(150) as usize]).collect();
                ks.sort_unstable();
                ks.dedup();
                it.push(&ks, if next(2) == 0 { 1.0 } else { 2.0 }, next(3) == 0);
            }
            let mut p = it.finish();
            if round % 5 != 0 {
                p.index_for_sim();
                indexed += 1;
            }
            for b in &bags {
                let shared = shared_keys(&p, b);
                for mm in [&m, &m2, &m] {
                    let want = sim_reference(mm, &p, b);
                    assert_eq!(mm.sim_shared(&p, b, &shared).to_bits(), want.to_bits());
                    positive += (want > 0.0) as usize;
                }
            }
        }
        assert!(positive > 1000 && indexed > 100, "{positive} / {indexed}");
    }

    #[test]
    fn long_predictions_against_short_sentences_match_the_reference() {
        // Many Latin words in the Chinese (many keys) against short English sentences: the
        // search path of `en_sums` (taken once a bag's idf sum is cached).
        let words: Vec<String> = (0..120).map(|i| format!("term{i}x")).collect();
        let zh = format!("我们讨论 {} 这些。", words.join(" 和 "));
        let en: Vec<EnBag> = [
            "Term3x and term77x matter.",
            "Nothing shared here at all.",
            "We saw term119x, term0x and Term64x today.",
            "Term5x",
        ]
        .iter()
        .map(|t| en_bag(t))
        .collect();
        let refs: Vec<&EnBag> = en.iter().collect();
        let m = Model::new(None, &refs, Assoc::default());
        let p = m.zh_pred(&zh);
        let mut searched = 0;
        for b in &en {
            searched += (p.keys.len() > 8 * b.keys.len()) as usize;
            for _ in 0..2 {
                assert_eq!(m.sim(&p, b).to_bits(), sim_reference(&m, &p, b).to_bits());
                assert_eq!(
                    m.en_cov(&p, b).to_bits(),
                    {
                        let (mut eg, mut et) = (0.0, 0.0);
                        for k in &b.keys {
                            et += m.idf(*k);
                            if p.keys.binary_search_by(|x| x.0.cmp(k)).is_ok() {
                                eg += m.idf(*k);
                            }
                        }
                        if et > 0.0 { eg / et } else { 0.0 }
                    }
                    .to_bits()
                );
            }
        }
        assert!(searched >= 3, "{searched}");
    }

    #[test]
    fn predictions_built_on_a_base_equal_direct_ones() {
        let owned = synthetic_pairs();
        let pairs: Vec<(&str, &str)> = owned.iter().map(|(a, b)| (&a[..], &b[..])).collect();
        let assoc = Assoc::learn(pairs.iter().copied());
        let lex =
            Lexicon::parse("模型 模型 [mo2 xing2] /model/\n數據 数据 [shu4 ju4] /data/\n").unwrap();
        let bags: Vec<EnBag> = owned.iter().map(|(_, e)| en_bag(e)).collect();
        let refs: Vec<&EnBag> = bags.iter().collect();
        // Real Chinese cells too (when ../shared is present): most add no model item.
        let path = format!(
            "{}/../shared/data/debian-reference.zh-en.tsv",
            env!("CARGO_MANIFEST_DIR")
        );
        let tsv = std::fs::read_to_string(&path).unwrap_or_default();
        let debian: Vec<&str> = tsv
            .lines()
            .filter_map(|l| l.split('\t').nth(3))
            .take(2000)
            .collect();
        for lexicon in [None, Some(&lex)] {
            let m = Model::new(lexicon, &refs, Assoc::learn(pairs.iter().copied()));
            for t in [
                "SSI 的模型有 30 亿参数，数据是两倍。",
                "Pre-training 很好",
                "",
                "训练语言",
            ]
            .into_iter()
            .chain(owned.iter().take(20).map(|p| &p.0[..]))
            .chain(debian.iter().copied())
            {
                let base = zh_base(t);
                let plain = zh_pred(None, &Assoc::default(), t);
                assert_eq!(format!("{base:?}"), format!("{plain:?}"));
                let on = m.zh_pred_on(&base, t);
                assert_eq!(format!("{on:?}"), format!("{:?}", m.zh_pred(t)), "{t}");
                // With the bigrams read beforehand: the same prediction.
                let bg = m.zh_pred_on_bigrams(&base, t, Some(&bigrams(t)));
                assert_eq!(format!("{bg:?}"), format!("{on:?}"), "{t}");
            }
        }
        assert!(!assoc.is_empty());
    }

    #[test]
    fn bigram_keys_are_hashes_of_adjacent_han_pairs() {
        let mut got = Vec::new();
        for_each_bigram("中a文模 型", |k| got.push(k));
        assert_eq!(
            got,
            vec![hash_str("中文"), hash_str("文模"), hash_str("模型")]
        );
    }

    #[test]
    fn texts_without_numeral_characters_have_no_chinese_numbers() {
        for t in [
            "我们的模型很好。",
            "Pre-training 的优势",
            "百姓",
            "三个",
            "１０％",
            "两",
            "双方",
        ] {
            let found = !crate::text::numbers::extract(t, Lang::Zh).is_empty();
            assert!(!found || may_have_zh_numbers(t), "{t}");
        }
        assert!(!may_have_zh_numbers("我们的模型很好。"));
        // The real Chinese of the Debian Reference (skipped when ../shared is absent).
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/debian-reference.zh-en.tsv");
        if let Ok(tsv) = std::fs::read_to_string(&path) {
            let mut skipped = 0;
            for line in tsv.lines() {
                for t in line.split('\t') {
                    if !may_have_zh_numbers(t) {
                        skipped += 1;
                        assert!(crate::text::numbers::extract(t, Lang::Zh).is_empty(), "{t}");
                    }
                }
            }
            assert!(skipped > 1000);
        } else {
            eprintln!("skipped: ../shared/data/debian-reference.zh-en.tsv is absent");
        }
        assert_eq!(num_key(2.5), hash_str("#2.5"));
        assert_eq!(num_key(1e9), hash_str("#1000000000"));
    }

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
