//! `duplicate`: the same (or near-same) English under two different Chinese blocks, or the same
//! Chinese under two different English blocks.
//!
//! Texts are normalised (lowercase; only letters, digits and Han kept). Candidates come from a
//! min-hash sketch (the 4 smallest hashes of word 3-grams for English, character 4-grams for
//! Chinese), so the cost is linear; each candidate pair is then compared with strsim's
//! normalised Levenshtein (`similarity`; the distance computed bit-parallel by
//! `text::edit::levenshtein`), or by containment of the shorter text in the longer (a
//! displaced block that is part of another). A duplicate is reported when `similarity ≥
//! min_similarity` or containment holds, both texts have at least `min_chars` normalised
//! characters (so stock replies like "Yeah." / 是的。 that legitimately repeat stay quiet), and
//! the other side of the two pairs differs (a whole pair repeated is a repeated line, e.g. a
//! heading, unless the two pairs are adjacent). The finding goes on the pair whose English fits
//! its Chinese worse (alignment similarity), and names the other place. Texts that are only
//! near-same or contained (not verbatim) stay quiet when the other sides mirror the relation
//! (`coverage` of the shorter row's other side by the longer's ≥ `MIRROR_COVERAGE`): those are
//! parallel rows such as "ed(1) …" / "sed(1) …", not pasted copies.
//!
//! Known false positives: a refrain or boilerplate sentence translated identically under two
//! differently worded Chinese blocks.

use super::{AlignmentUse, Check, Context};
use crate::finding::{Hit, round};
use crate::lexicon::hash_str;
use crate::model::{Document, Lang};
use crate::text::edit;
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    /// Normalised characters (letters/digits for English, Han for Chinese) below which a text
    /// is not compared.
    #[serde(default = "d_en")]
    min_chars_en: usize,
    #[serde(default = "d_zh")]
    min_chars_zh: usize,
    #[serde(default = "d_sim")]
    min_similarity: f64,
    /// A whole pair repeated within this many pairs is reported.
    #[serde(default = "d_win")]
    repeat_window: usize,
}
fn d_win() -> usize {
    5
}
fn d_en() -> usize {
    30
}
fn d_zh() -> usize {
    12
}
fn d_sim() -> f64 {
    0.9
}

pub struct Duplicate {
    p: Params,
}

pub fn build(p: &toml::Table) -> Result<Box<dyn Check>, String> {
    Ok(Box::new(Duplicate {
        p: super::params(p)?,
    }))
}

pub fn normalise(t: &str) -> String {
    let mut out = String::new();
    normalise_into(t, &mut out);
    out
}

/// Appends the normalised `t` to `out` (which may hold other texts); returns the number of
/// characters written other than the separating spaces (lower-casing may write several for
/// one: İ → i̇).
///
/// Walks bytes: runs of kept characters that are written as they are — ASCII letters and
/// digits, and the CJK Unified Ideographs (U+4E00..=U+9FFF, the bulk of Chinese text: lead
/// byte E5..=E9, or E4 with a second byte from B8) — are copied as one slice each, their
/// ASCII upper case lowered in the copy (16 bytes at a time when they fit). Same result as
/// testing each character: `char::is_alphanumeric` and `to_lowercase` agree with their ASCII
/// forms on ASCII, and every ideograph of that block is alphanumeric and its own lower case
/// (checked for each one in the tests), so neither Unicode table is searched for them.
fn normalise_into(t: &str, out: &mut String) -> usize {
    /// 1: an ASCII letter or digit; 2: a lead byte of U+4000..=U+9FFF; 0: anything else.
    const CLASS: [u8; 256] = {
        let mut c = [0u8; 256];
        let mut x = 0;
        while x < 256 {
            c[x] = if (x as u8).is_ascii_alphanumeric() {
                1
            } else if x >= 0xE4 && x <= 0xE9 {
                2
            } else {
                0
            };
            x += 1;
        }
        c
    };
    let b = t.as_bytes();
    out.reserve(b.len() + 16);
    // SAFETY: only valid UTF-8 is appended: ASCII spaces, whole characters of `t` (a run
    // ends at a character boundary) with ASCII capitals lowered, and encoded chars.
    let v = unsafe { out.as_mut_vec() };
    let mut count = 0usize;
    let mut space = false;
    let mut i = 0;
    while i < b.len() {
        // A run of characters written as they are.
        let run = i;
        let mut chars = 0;
        while i < b.len() {
            let x = b[i];
            match CLASS[usize::from(x)] {
                1 => i += 1,
                // A lead byte of valid UTF-8 has its continuation bytes.
                2 if x != 0xE4 || b[i + 1] >= 0xB8 => i += 3,
                _ => break,
            }
            chars += 1;
        }
        if chars > 0 {
            // A separator only between kept characters of this text (`count` > 0 once one is
            // written), never leading.
            if space && count > 0 {
                v.push(b' ');
            }
            append_lowered(v, b, run, i);
            count += chars;
            space = false;
        }
        if i >= b.len() {
            break;
        }
        // One character outside the runs: ASCII punctuation or space, or any other non-ASCII.
        let x = b[i];
        if x < 0x80 {
            space = true;
            i += 1;
            continue;
        }
        let (cp, len) = crate::text::decode_multibyte(b, i);
        i += len;
        // Valid UTF-8 (a `str`) decodes to a char.
        let c = char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER);
        if is_common_cjk_punctuation(c) || !c.is_alphanumeric() {
            space = true;
            continue;
        }
        if space && count > 0 {
            v.push(b' ');
        }
        for l in c.to_lowercase() {
            v.extend_from_slice(l.encode_utf8(&mut [0; 4]).as_bytes());
            count += 1;
        }
        space = false;
    }
    count
}

/// Appends `b[s..e]` to `v` with ASCII capitals lowered (other bytes as they are): by 16-byte
/// loads and stores while 16 bytes can be read from `b` and written to `v`'s spare capacity
/// (the part stored past `e - s` is not counted in the length), otherwise by slices.
fn append_lowered(v: &mut Vec<u8>, b: &[u8], mut s: usize, e: usize) {
    #[cfg(target_arch = "x86_64")]
    use std::arch::x86_64::*;
    while s < e {
        if cfg!(not(target_arch = "x86_64")) || s + 16 > b.len() || v.capacity() - v.len() < 16 {
            let from = v.len();
            v.extend_from_slice(&b[s..e]);
            v[from..].make_ascii_lowercase();
            return;
        }
        let n = (e - s).min(16);
        #[cfg(target_arch = "x86_64")]
        // SAFETY: 16 bytes readable at `b[s..]` and 16 writable at `v`'s end (checked above),
        // unaligned; SSE2 is part of the x86-64 baseline; the `n` bytes counted are
        // initialised by the store.
        unsafe {
            let x = _mm_loadu_si128(b.as_ptr().add(s) as *const __m128i);
            let upper = crate::text::simd::in_range(x, b'A', 26);
            let lowered = _mm_or_si128(x, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
            _mm_storeu_si128(v.as_mut_ptr().add(v.len()) as *mut __m128i, lowered);
            v.set_len(v.len() + n);
        }
        s += n;
    }
}

/// The punctuation of Chinese text (none of it alphanumeric, checked in the tests): a
/// separator without a search of the Unicode tables.
fn is_common_cjk_punctuation(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '？'
            | '！'
            | '：'
            | '；'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '（'
            | '）'
            | '《'
            | '》'
            | '「'
            | '」'
            | '…'
            | '—'
    )
}

/// U+4E00..=U+9FFF (a code point): the CJK Unified Ideographs block.
#[cfg(test)]
fn is_unified_ideograph(cp: u32) -> bool {
    (0x4E00..=0x9FFF).contains(&cp)
}

/// The smallest distinct values pushed, at most four, ascending: what sorting all of them,
/// removing duplicates and keeping the first four gives, without collecting them.
#[derive(Default)]
struct Smallest4 {
    v: [u64; 4],
    n: usize,
}

impl Smallest4 {
    fn push(&mut self, h: u64) {
        let k = self.v[..self.n].partition_point(|&x| x < h);
        if k == 4 || (k < self.n && self.v[k] == h) {
            return;
        }
        for t in (k..self.n.min(3)).rev() {
            self.v[t + 1] = self.v[t];
        }
        self.v[k] = h;
        self.n = (self.n + 1).min(4);
    }

    fn as_slice(&self) -> &[u64] {
        &self.v[..self.n]
    }
}

/// FNV-1a as `hash_str` computes it: its offset basis (the hash of "") and prime (one step
/// from 1 with byte 0 multiplies 1 by it).
const FNV_OFFSET: u64 = hash_str("");
const FNV_PRIME: u64 = crate::lexicon::hash_more(1, &[0]);

/// The min-hash sketch: the 4 smallest distinct hashes of the word 3-grams (English) or
/// character 4-grams without spaces (Chinese), or the hash of the whole text when it has
/// fewer words or characters than that.
///
/// Each gram's `hash_str` is computed in one pass over the text: FNV-1a goes byte by byte
/// from its start, so the grams that are open at a byte (3 or 4) each keep a running hash,
/// fed every byte; one starts at each word (character) and is complete at the end of the
/// third word (fourth character) from there. The sketch does not depend on the order its
/// hashes come in.
fn sketch(norm: &str, lang: Lang) -> Smallest4 {
    let mut out = Smallest4::default();
    let b = norm.as_bytes();
    let step = |h: u64, x: u8| (h ^ u64::from(x)).wrapping_mul(FNV_PRIME);
    match lang {
        Lang::En => {
            // Words are what `split(' ')` gives; the 3-gram "w1 w2 w3" is the slice from
            // w1's start to w3's end, spaces included. Gram j runs in `h[j % 3]`.
            let mut h = [FNV_OFFSET; 3];
            let mut word = 0usize;
            for &x in b {
                if x == b' ' {
                    if word >= 2 {
                        out.push(h[(word - 2) % 3]);
                    }
                    h = h.map(|h| step(h, x));
                    word += 1;
                    h[word % 3] = FNV_OFFSET;
                } else {
                    h = h.map(|h| step(h, x));
                }
            }
            if word >= 2 {
                out.push(h[(word - 2) % 3]);
            } else {
                out.push(hash_str(norm));
            }
        }
        Lang::Zh => {
            // The 4-gram of characters c1..c4 (spaces left out) hashes their bytes: gram j
            // (from the j-th character) runs in `h[j % 4]`.
            let mut h = [FNV_OFFSET; 4];
            let mut chars = 0usize;
            let mut i = 0;
            while i < b.len() {
                let x = b[i];
                if x == b' ' {
                    i += 1;
                    continue;
                }
                let len = match x {
                    0..0x80 => 1,
                    0x80..0xE0 => 2,
                    0xE0..0xF0 => 3,
                    _ => 4,
                };
                h[chars % 4] = FNV_OFFSET;
                for &y in &b[i..i + len] {
                    h = h.map(|h| step(h, y));
                }
                i += len;
                chars += 1;
                if chars >= 4 {
                    out.push(h[(chars - 4) % 4]);
                }
            }
            if chars < 4 {
                out.push(hash_str(norm));
            }
        }
    }
    out
}

/// (pair a, pair b, similarity, contained) for near-same texts of one language.
fn near_same(
    doc: &Document,
    lang: Lang,
    min_chars: usize,
    min_sim: f64,
) -> Vec<(usize, usize, f64, bool)> {
    // All normalised texts in one buffer, each pair's as a span of it. Sized for the texts
    // as they are (normalising mostly keeps or shortens them; `normalise_into` reserves any
    // more), so that the buffer is not copied over and over as it grows.
    let mut arena = String::with_capacity(
        doc.pairs
            .iter()
            .filter_map(|p| p.side(lang))
            .map(|s| s.text.len())
            .sum(),
    );
    let spans: Vec<Option<(usize, usize)>> = doc
        .pairs
        .iter()
        .map(|p| {
            let s = p.side(lang)?;
            let start = arena.len();
            if normalise_into(&s.text, &mut arena) >= min_chars {
                Some((start, arena.len()))
            } else {
                arena.truncate(start);
                None
            }
        })
        .collect();
    let norms: Vec<Option<&str>> = spans
        .iter()
        .map(|sp| sp.map(|(s, e)| &arena[s..e]))
        .collect();
    // The blocks sharing each sketch hash: (hash, block) sorted, so each hash's blocks are one
    // run in ascending order (a block's sketch hashes are distinct), as pushing them into
    // per-hash lists would give, without a list per hash. The order of the hashes does not
    // matter: the candidates are sorted below.
    let mut keyed: Vec<(u64, usize)> = Vec::with_capacity(4 * norms.len());
    for (i, n) in norms.iter().enumerate() {
        if let Some(n) = n {
            keyed.extend(sketch(n, lang).as_slice().iter().map(|&h| (h, i)));
        }
    }
    sort_keyed(&mut keyed);
    let mut cand: Vec<(usize, usize)> = Vec::new();
    for run in keyed.chunk_by(|x, y| x.0 == y.0) {
        // A sketch hash shared by very many blocks is boilerplate, not a duplicate signal.
        if run.len() > 50 {
            continue;
        }
        for (k, &(_, a)) in run.iter().enumerate() {
            for &(_, b) in &run[k + 1..] {
                cand.push((a.min(b), a.max(b)));
            }
        }
    }
    sort_dedup_pairs(&mut cand);
    // Bounded work per block keeps the check linear on boilerplate-heavy input: each block is
    // compared with at most 8 candidates.
    let mut seen = vec![0u8; doc.pairs.len()];
    cand.retain(|&(a, b)| {
        let ok = seen[a] < 8 && seen[b] < 8;
        if ok {
            seen[a] += 1;
            seen[b] += 1;
        }
        ok
    });
    let mut out = Vec::new();
    for (a, b) in cand {
        let (x, y) = (norms[a].expect("norm"), norms[b].expect("norm"));
        let (short, long) = if x.len() <= y.len() { (x, y) } else { (y, x) };
        // Equal lengths: contained only when equal (no substring search to set up).
        let contained = if x.len() == y.len() {
            x == y
        } else {
            contains(long, short)
        };
        let (short_chars, long_chars) = (char_count(short), char_count(long));
        let ratio = short_chars as f64 / long_chars as f64;
        let sim = if x == y {
            1.0
        } else if ratio >= 0.8 {
            match cut_similarity(short, short_chars, long, long_chars, contained, min_sim) {
                Some(sim) => sim,
                // Provably below `min_sim` and not contained: not reported, whatever its value.
                None => continue,
            }
        } else {
            0.0
        };
        if sim >= min_sim || contained {
            out.push((
                a,
                b,
                if contained { sim.max(ratio) } else { sim },
                contained,
            ));
        }
    }
    out
}

/// Sorts `v` as `sort_unstable` does, in fewer steps for hashes spread evenly: the entries
/// are placed in about `v.len()` buckets by the top bits of the hash (a counting pass, then
/// a stable scatter), so that each bucket holds the entries of one range of hashes and only
/// the few entries of each bucket are compared. Entries equal in their whole value are
/// indistinguishable, so the result is the one sorted order whatever the method.
fn sort_keyed(v: &mut Vec<(u64, usize)>) {
    let n = v.len();
    if n < 64 {
        v.sort_unstable();
        return;
    }
    let bits = n.next_power_of_two().trailing_zeros();
    let shift = 64 - bits;
    let buckets = 1usize << bits;
    // First the size of each bucket, then where it starts in the sorted order, then (after
    // the scatter) where it ends: bucket k is `end[k - 1]..end[k]`. `n` fits in u32 here
    // (a document's sketch hashes; checked).
    let mut end = vec![0u32; buckets];
    let wide = u32::try_from(n).is_err();
    if wide {
        v.sort_unstable();
        return;
    }
    for &(h, _) in v.iter() {
        end[(h >> shift) as usize] += 1;
    }
    let mut sum = 0;
    for e in end.iter_mut() {
        let size = *e;
        *e = sum;
        sum += size;
    }
    // Every slot is written by the scatter (the buckets' sizes sum to `n`).
    let mut out = v.clone();
    for &e in v.iter() {
        let b = (e.0 >> shift) as usize;
        out[end[b] as usize] = e;
        end[b] += 1;
    }
    let mut from = 0;
    for &to in &end {
        let s = &mut out[from..to as usize];
        if s.len() > 1 {
            s.sort_unstable();
        }
        from = to as usize;
    }
    *v = out;
}

/// `v.sort_unstable(); v.dedup()`: when both indices fit in 32 bits, sorted as one u64
/// `a << 32 | b` each (the u64 order is the pairs' order, and one integer compares in fewer
/// steps than a tuple).
fn sort_dedup_pairs(v: &mut Vec<(usize, usize)>) {
    let fits = |&(a, b): &(usize, usize)| a >> 32 == 0 && b >> 32 == 0;
    if !v.iter().all(fits) {
        v.sort_unstable();
        v.dedup();
        return;
    }
    let mut keys: Vec<u64> = v
        .iter()
        .map(|&(a, b)| (a as u64) << 32 | b as u64)
        .collect();
    keys.sort_unstable();
    keys.dedup();
    v.clear();
    v.extend(
        keys.iter()
            .map(|&k| ((k >> 32) as usize, (k & 0xFFFF_FFFF) as usize)),
    );
}

/// `long.contains(short)`, without setting up a two-way searcher for each pair compared (most
/// of its cost on these texts, where the answer is nearly always no): `short` is tried at each
/// place its first byte occurs where it would fit, its second byte tested before the rest.
/// Past `TRIES` such places (text made of a few repeated characters) the two-way search is
/// used, so the work stays linear. A byte match is a `str` match: valid UTF-8 found in valid
/// UTF-8 starts on a character boundary.
fn contains(long: &str, short: &str) -> bool {
    const TRIES: usize = 64;
    let (l, s) = (long.as_bytes(), short.as_bytes());
    if s.len() < 2 || s.len() > l.len() {
        return long.contains(short);
    }
    let last = l.len() - s.len();
    for (n, p) in memchr::memchr_iter(s[0], &l[..=last]).enumerate() {
        if n == TRIES {
            return long.contains(short);
        }
        if l[p + 1] == s[1] && &l[p..p + s.len()] == s {
            return true;
        }
    }
    false
}

/// Levenshtein is quadratic: texts are compared on at most their first `CUT` characters.
const CUT: usize = 600;

fn char_count(t: &str) -> usize {
    if t.is_ascii() {
        t.len()
    } else {
        t.chars().count()
    }
}

/// `strsim::normalized_levenshtein` of the first `CUT` characters of two different normalised
/// texts, or `None` when the texts are not `contained` and the similarity is provably below
/// `min_sim` (then its value does not matter). Two shortcuts give exactly strsim's value:
///
/// - The distance is at least the difference of the lengths, so `1 - diff / max` bounds the
///   similarity from above (IEEE division and subtraction are monotone, so the bound holds
///   for the computed f64 values too): below `min_sim`, the pair is not compared. The same
///   holds for the tighter bound of `bag_distance`, tried next.
/// - When `short` is a substring of `long` and neither is cut, the distance is exactly the
///   difference of the lengths (delete the rest of `long`; no edit script is shorter), so
///   the similarity is computed with strsim's formula without the quadratic table.
fn cut_similarity(
    short: &str,
    short_chars: usize,
    long: &str,
    long_chars: usize,
    contained: bool,
    min_sim: f64,
) -> Option<f64> {
    let (a, b) = (short_chars.min(CUT), long_chars.min(CUT));
    let max = a.max(b);
    let lower = a.abs_diff(b);
    if max == 0 {
        return Some(1.0);
    }
    let bound = 1.0 - (lower as f64) / (max as f64);
    if contained && long_chars <= CUT {
        return Some(bound);
    }
    if !contained && bound < min_sim {
        return None;
    }
    // A text within `CUT` characters is compared as it is, not copied.
    fn cut(t: &str, n: usize) -> std::borrow::Cow<'_, str> {
        if n <= CUT {
            t.into()
        } else {
            t.chars().take(CUT).collect::<String>().into()
        }
    }
    let (x, y) = (cut(short, short_chars), cut(long, long_chars));
    if !contained && 1.0 - (edit::bag_distance(&x, &y) as f64) / (max as f64) < min_sim {
        return None;
    }
    Some(edit::normalized_levenshtein(&x, &y))
}

/// Share of the other side that must mirror the relation for two rows to count as parallel.
const MIRROR_COVERAGE: f64 = 0.8;

/// Normalised length of one side of pair `p`.
fn norms_len(doc: &Document, p: usize, lang: Lang) -> Option<usize> {
    doc.pairs[p]
        .side(lang)
        .map(|s| normalise(&s.text).chars().count())
}

/// Share of the tokens of `short` (normalised; English words, Chinese characters) found in
/// `long`, counted with multiplicity.
fn coverage(short: &str, long: &str, lang: Lang) -> f64 {
    let toks = |t: &str| -> Vec<String> {
        match lang {
            Lang::En => t.split(' ').map(str::to_string).collect(),
            Lang::Zh => t
                .chars()
                .filter(|c| *c != ' ')
                .map(|c| c.to_string())
                .collect(),
        }
    };
    let mut bag: HashMap<String, usize> = HashMap::new();
    for t in toks(long) {
        *bag.entry(t).or_default() += 1;
    }
    let s = toks(short);
    if s.is_empty() {
        return 0.0;
    }
    let mut hit = 0usize;
    for t in &s {
        if let Some(c) = bag.get_mut(t)
            && *c > 0
        {
            *c -= 1;
            hit += 1;
        }
    }
    hit as f64 / s.len() as f64
}

impl Check for Duplicate {
    /// Only to judge which copy of a repeated text is the displaced one.
    fn reads_alignment(&self) -> AlignmentUse {
        AlignmentUse::Sometimes
    }

    fn run(&self, ctx: &Context) -> Vec<Hit> {
        let doc = ctx.doc;
        let mut hits = Vec::new();
        let mut own_sim: Option<&crate::align::Alignment> = None;
        for (lang, min_chars) in [
            (Lang::En, self.p.min_chars_en),
            (Lang::Zh, self.p.min_chars_zh),
        ] {
            let found = near_same(doc, lang, min_chars, self.p.min_similarity);
            for (a, b, sim, contained) in found {
                let other = lang.other();
                let oa = doc.pairs[a].side(other).map(|s| normalise(&s.text));
                let ob = doc.pairs[b].side(other).map(|s| normalise(&s.text));
                let other_sim = match (&oa, &ob) {
                    (Some(x), Some(y)) if x == y => 1.0,
                    (Some(x), Some(y)) => {
                        let cut = |t: &str| t.chars().take(600).collect::<String>();
                        edit::normalized_levenshtein(&cut(x), &cut(y))
                    }
                    _ => 0.0,
                };
                // A whole pair repeated far away is a repeated line (a heading); nearby it is a
                // paste accident. Near-same texts whose other sides are also alike are
                // formulaic rows (`apt-get install foo` / `bar`), not displaced copies.
                if other_sim >= self.p.min_similarity && b > a + self.p.repeat_window {
                    continue;
                }
                if sim < 1.0 && !contained && other_sim >= 0.6 && other_sim < self.p.min_similarity
                {
                    continue;
                }
                // A pasted copy is verbatim. Texts that are only near-same (or one contained in
                // the other) whose other sides show the same relation, word for word, are
                // parallel rows ("ed(1) …" / "sed(1) …", "from A to B" / "to A from B",
                // a short instruction and its longer variant), each translating its own text.
                if sim < 1.0
                    && let (Some(x), Some(y)) = (&oa, &ob)
                    && x != y
                {
                    let (la, lb) = (
                        norms_len(doc, a, lang).unwrap_or(0),
                        norms_len(doc, b, lang).unwrap_or(0),
                    );
                    let (short, long) = if la <= lb { (x, y) } else { (y, x) };
                    if coverage(short, long, other) >= MIRROR_COVERAGE {
                        continue;
                    }
                }
                // Report on the pair whose English fits its Chinese worse; the later on a tie.
                let al = *own_sim.get_or_insert_with(|| {
                    ctx.shared.alignment(doc, ctx.resources.lexicon.as_deref())
                });
                let sims = &al.own_sim;
                // The copy the alignment keeps with its own Chinese is the good one; then the
                // better-fitting one; the later one on a tie.
                let kept = |p: usize| {
                    let (s, e) = al.en_range[p];
                    (s..e).filter(|&x| al.owner[x] == Some(p)).count() as f64
                        / (e - s).max(1) as f64
                };
                let (ka, kb) = (kept(a), kept(b));
                let (bad, good) = if ka < kb - 0.1 || (ka <= kb + 0.1 && sims[a] < sims[b] - 0.02) {
                    (a, b)
                } else {
                    (b, a)
                };
                let (pb, pg) = (&doc.pairs[bad], &doc.pairs[good]);
                let place = |l: Option<crate::model::LineRange>| {
                    l.map_or(serde_json::Value::Null, |r| json!([r.start, r.end]))
                };
                let (this_lines, other_lines) = match lang {
                    Lang::En => (pb.en_lines(), pg.en_lines()),
                    Lang::Zh => (pb.zh_lines(), pg.zh_lines()),
                };
                let lt = |r: Option<crate::model::LineRange>| -> String {
                    match r {
                        None => "?".into(),
                        Some(r) if r.start == r.end => format!("line {}", r.start),
                        Some(r) => format!("lines {r}"),
                    }
                };
                let how = if sim >= 1.0 {
                    "the same as"
                } else if contained {
                    "contained in"
                } else {
                    "nearly the same as"
                };
                // Say what the other side does: a whole pair pasted twice repeats both sides.
                let other_side = if other_sim >= 1.0 {
                    format!("and its {} is repeated too", other.name())
                } else {
                    format!("with a different {}", other.name())
                };
                let msg = format!(
                    "the {} at {} is {how} the {} at {} (similarity {:.2}), {other_side}",
                    lang.name(),
                    lt(this_lines),
                    lang.name(),
                    lt(other_lines),
                    sim,
                );
                hits.push(
                    Hit::on_pair(pb)
                        .with("language", lang.name())
                        .with("other_zh_lines", place(pg.zh_lines()))
                        .with("other_en_lines", place(pg.en_lines()))
                        .with("similarity", round(sim, 3))
                        .with("contained", contained)
                        .with("own_similarity", round(sims[bad], 3))
                        .with("other_own_similarity", round(sims[good], 3))
                        .message(msg)
                        .suggest(match lang {
                            Lang::En => format!(
                                "keep the copy at {} if it translates its Chinese; replace this one with the translation of the Chinese at {}",
                                lt(other_lines),
                                lt(pb.zh_lines())
                            ),
                            Lang::Zh => "remove the repeated Chinese, or check which English it should have".to_string(),
                        }),
                );
            }
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic pseudo-random texts over a small alphabet (so near-same pairs are common),
    /// with ASCII, Han, a character that lower-cases to two (İ) and separators.
    fn texts() -> Vec<String> {
        let alphabet: Vec<char> =
            "aab cdE 的是了 İ,. Ä９\u{212a}\u{4dff}\u{a000}，ǅΣ\u{3000}é\u{1f600}"
                .chars()
                .collect();
        let mut x: u64 = 0x9e3779b97f4a7c15;
        let mut out = Vec::new();
        for n in 0..400 {
            let len = n % 37 + if n % 50 == 0 { 640 } else { 0 };
            let mut t = String::new();
            for _ in 0..len {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                t.push(alphabet[(x % alphabet.len() as u64) as usize]);
            }
            out.push(t);
        }
        out
    }

    /// The original normalise: the fast path must give the same text.
    fn normalise_reference(t: &str) -> String {
        let mut out = String::new();
        let mut space = false;
        for c in t.chars() {
            if c.is_alphanumeric() {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                out.extend(c.to_lowercase());
                space = false;
            } else {
                space = true;
            }
        }
        out
    }

    #[test]
    fn unified_ideographs_are_alphanumeric_and_their_own_lower_case() {
        for c in '\u{4E00}'..='\u{9FFF}' {
            assert!(is_unified_ideograph(c as u32));
            assert!(c.is_alphanumeric(), "{c}");
            assert!(c.to_lowercase().eq([c]), "{c}");
        }
        assert!(!is_unified_ideograph(0x4DFF) && !is_unified_ideograph(0xA000));
        for c in "，。、？！：；“”‘’（）《》「」…—".chars() {
            assert!(is_common_cjk_punctuation(c) && !c.is_alphanumeric(), "{c}");
        }
    }

    #[test]
    fn lower_case_of_non_ascii_is_never_an_ascii_capital() {
        // What lets `normalise_into` lower ASCII capitals in one pass over all it appended.
        for c in crate::test_support::every_non_ascii_char() {
            assert!(!c.to_lowercase().any(|l| l.is_ascii_uppercase()), "{c}");
        }
    }

    #[test]
    fn normalise_matches_the_reference_and_counts_content() {
        // Appending after other text: no leading space, the same text as on its own.
        let mut buf = String::from("x");
        for t in texts() {
            buf.truncate(1);
            let n = normalise_into(&t, &mut buf);
            assert_eq!(buf[1..], normalise_reference(&t), "{t:?}");
            assert_eq!(n, buf[1..].chars().filter(|c| *c != ' ').count(), "{t:?}");
        }
    }

    /// Every character between kept ones and separators (the lead-byte rule for the
    /// ideographs, the runs' ends), then every Debian Reference cell (skipped when ../shared is
    /// absent) and the interview, appended after other text as `near_same` does.
    #[test]
    fn normalise_matches_the_reference_on_every_char_and_real_text() {
        let mut buf = String::new();
        let mut check = |t: &str| {
            buf.clear();
            buf.push_str("Xy");
            let n = normalise_into(t, &mut buf);
            let want = normalise_reference(t);
            assert_eq!(buf[2..], want, "{t:?}");
            assert_eq!(n, want.chars().filter(|c| *c != ' ').count(), "{t:?}");
        };
        for c in crate::test_support::every_char() {
            check(&format!("A{c}b"));
            check(&format!("{c}{c}, 的{c}Z{}", "x".repeat(20)));
        }
        use crate::test_support::{DEBIAN, INTERVIEW, cells, shared_file};
        for f in [DEBIAN, INTERVIEW] {
            let Some(text) = shared_file(f) else { continue };
            cells(&text).for_each(&mut check);
            check(&text);
        }
    }

    #[test]
    fn sketch_hashes_the_joined_grams() {
        let mut ts = texts();
        // Every Debian Reference cell (skipped when ../shared is absent).
        use crate::test_support::{DEBIAN, cells, shared_file};
        if let Some(text) = shared_file(DEBIAN) {
            ts.extend(cells(&text).map(str::to_string));
        }
        for t in ts {
            let norm = normalise(&t);
            for lang in [Lang::En, Lang::Zh] {
                let mut want: Vec<u64> = match lang {
                    Lang::En => {
                        let w: Vec<&str> = norm.split(' ').collect();
                        if w.len() < 3 {
                            vec![hash_str(&norm)]
                        } else {
                            w.windows(3).map(|g| hash_str(&g.join(" "))).collect()
                        }
                    }
                    Lang::Zh => {
                        let c: Vec<char> = norm.chars().filter(|c| *c != ' ').collect();
                        if c.len() < 4 {
                            vec![hash_str(&norm)]
                        } else {
                            c.windows(4)
                                .map(|g| hash_str(&g.iter().collect::<String>()))
                                .collect()
                        }
                    }
                };
                want.sort_unstable();
                want.dedup();
                want.truncate(4);
                assert_eq!(sketch(&norm, lang).as_slice(), want, "{norm:?}");
            }
        }
    }

    #[test]
    fn sort_keyed_is_sort_unstable() {
        let mut r = crate::test_support::XorShift::new(7);
        for n in [0usize, 1, 2, 63, 64, 65, 100, 1000, 4097] {
            for spread in 0..4 {
                let v: Vec<(u64, usize)> = (0..n)
                    .map(|i| {
                        let h = r.below(u64::MAX);
                        let h = match spread {
                            // Few distinct hashes (boilerplate shared by many blocks).
                            0 => h % 5,
                            // Hashes crowded in one bucket's range, or at the top.
                            1 => h >> 40,
                            2 => u64::MAX - (h % 300),
                            _ => h,
                        };
                        (h, i / 4 + usize::from(spread == 0) * (h as usize % 3))
                    })
                    .collect();
                let mut want = v.clone();
                want.sort_unstable();
                let mut got = v;
                sort_keyed(&mut got);
                assert_eq!(got, want, "{n} {spread}");
            }
        }
    }

    #[test]
    fn sort_dedup_pairs_is_sort_and_dedup() {
        let mut r = crate::test_support::XorShift::new(11);
        for n in [0usize, 1, 2, 50, 1000] {
            for m in [3u64, 100, 1 << 40] {
                let v: Vec<(usize, usize)> = (0..n)
                    .map(|_| (r.below(m) as usize, r.below(m) as usize))
                    .collect();
                let mut want = v.clone();
                want.sort_unstable();
                want.dedup();
                let mut got = v;
                sort_dedup_pairs(&mut got);
                assert_eq!(got, want, "{n} {m}");
            }
        }
    }

    #[test]
    fn contains_is_strs() {
        let mut ts = texts();
        ts.extend(texts().iter().map(|t| normalise(t)));
        for t in ["", "a", "ab", "aaaa", "ba", "的", "是的", "的是了"] {
            ts.push(t.to_string());
        }
        // Many tries before a late match, and none: the two-way fallback.
        ts.push(format!("{}ab", "a".repeat(200)));
        ts.push("a".repeat(300));
        let mut found = 0;
        for x in &ts {
            for y in &ts {
                let want = x.contains(y.as_str());
                assert_eq!(contains(x, y), want, "{x:?} {y:?}");
                found += usize::from(want && y.len() >= 2 && x != y);
            }
        }
        assert!(found > 50, "{found}");
    }

    #[test]
    fn cut_similarity_is_strsims_value_or_provably_below() {
        let cut = |t: &str| t.chars().take(CUT).collect::<String>();
        let ts: Vec<String> = texts().iter().map(|t| normalise(t)).collect();
        let mut compared = 0;
        for (i, x) in ts.iter().enumerate() {
            for y in &ts[i + 1..] {
                if x == y {
                    continue;
                }
                let (short, long) = if x.len() <= y.len() { (x, y) } else { (y, x) };
                let contained = long.contains(short.as_str());
                let want = strsim::normalized_levenshtein(&cut(x), &cut(y));
                assert!(
                    edit::bag_distance(&cut(x), &cut(y)) <= strsim::levenshtein(&cut(x), &cut(y))
                );
                let got = cut_similarity(
                    short,
                    char_count(short),
                    long,
                    char_count(long),
                    contained,
                    0.9,
                );
                match got {
                    Some(v) => {
                        assert_eq!(v.to_bits(), want.to_bits(), "{x:?} {y:?}");
                        compared += 1;
                    }
                    None => assert!(!contained && want < 0.9, "{x:?} {y:?}"),
                }
            }
        }
        assert!(compared > 100);
    }
}
