//! Sentence alignment inside one pair: a dynamic program over the Chinese and English
//! sentence lists (Gale-Church style), with length and anchor costs.
//!
//! Beads: 1-1, 1-2, 2-1, 2-2, 1-3, 3-1, and, when allowed, 1-0 and 0-1 (a sentence with no
//! counterpart). The cost of a matching bead with Chinese length `a` and English length `b`
//! (units of `text::length`) is
//!
//! ```text
//! delta^2 / 2 + bead_penalty + anchors,   delta = (ln(b / a) - mu) / sigma(a)
//! ```
//!
//! with `mu`, `sigma` from the document's `LengthModel`. Bead penalties (negative log prior,
//! 1-1 = 0): 1-2/2-1 2.5, 2-2 4.0, 1-3/3-1 4.5. A 1-0 or 0-1 bead costs `deletion` (default
//! 5.0; the missing_sentences rule uses 2.0) and nothing else: the omission explains its
//! numbers and terms. Anchors on matching beads: each number read on one side and not on the
//! other costs `number_weight` (0.75), each matched number earns it back; each Latin term of
//! the Chinese (two or more letters) found in the bead's English (as a word prefix: eval ↔
//! evals) earns `term_weight` (0.75), each one missing costs `missing_term_scale` of that
//! (0.5), at most four of each per bead; each question mark or opening bracket on one side of
//! a bead only costs `shape_weight` (0.75).
//!
//! The function is pure: it takes sentence texts and a length model and returns the beads with
//! their costs, so other modules (cross-pair alignment) can reuse it.

use crate::analysis::LengthModel;
use crate::model::Lang;
use crate::text::length::{en_chars, zh_chars};
use crate::text::numbers::{self, Number};
use std::ops::Range;

/// Tunable costs of the aligner.
#[derive(Debug, Clone)]
pub struct AlignParams {
    /// Allow 1-0 and 0-1 beads.
    pub allow_deletions: bool,
    /// Cost of a 1-0 bead (a Chinese sentence with no English).
    pub deletion: f64,
    /// Cost of a 0-1 bead (an English sentence with no Chinese); usually equal to `deletion`.
    /// Callers may set the two apart when other evidence (the pair's overall length) says
    /// which side is more likely to have lost text.
    pub insertion: f64,
    pub number_weight: f64,
    pub term_weight: f64,
    /// Share of `term_weight` charged for a Latin term of the Chinese that the bead's English
    /// lacks (a deletion bead is not charged: the omission explains it).
    pub missing_term_scale: f64,
    /// Cost of each question mark or opening bracket on one side of a bead and not the other.
    pub shape_weight: f64,
    /// Multiplier of the length model's Gale-Church constant K inside the aligner (sentences
    /// are shorter than pairs, and a sharper length cost separates merges from omissions).
    pub k_scale: f64,
}

impl Default for AlignParams {
    fn default() -> Self {
        AlignParams {
            allow_deletions: true,
            deletion: 5.0,
            insertion: 5.0,
            number_weight: 0.75,
            term_weight: 0.75,
            missing_term_scale: 0.5,
            shape_weight: 0.75,
            k_scale: 1.0,
        }
    }
}

/// One rung of the alignment: Chinese sentences `zh` match English sentences `en` (either
/// range may be empty: a sentence with no counterpart).
#[derive(Debug, Clone, PartialEq)]
pub struct Bead {
    pub zh: Range<usize>,
    pub en: Range<usize>,
    pub cost: f64,
}

impl Bead {
    pub fn is_deletion(&self) -> bool {
        self.zh.is_empty() || self.en.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Alignment {
    pub beads: Vec<Bead>,
    /// Sum of the bead costs; infinite when no alignment exists under the allowed beads.
    pub cost: f64,
}

/// Per-sentence features used by the costs.
#[derive(Debug, Clone)]
struct Unit {
    len: f64,
    numbers: Vec<f64>,
    /// Question marks and opening brackets: sentence shapes that survive translation.
    questions: usize,
    brackets: usize,
}

/// The sentence's features; with `words`, its Latin words appended to it (Chinese side: the
/// terms; English side: every word): runs of two or more ASCII letters, in text order, as
/// written (compared ignoring ASCII case, which is what lower-casing both sides did, without a
/// `String` per word). `read`, when given, is `numbers::extract(text, lang)`.
/// `len`, when given, is the text's length (`zh_chars` / `en_chars`), measured already.
fn unit<'t>(
    text: &'t str,
    lang: Lang,
    words: Option<&mut Vec<&'t str>>,
    read: Option<&[Number]>,
    len: Option<f64>,
) -> Unit {
    let len = len.unwrap_or_else(|| match lang {
        Lang::Zh => zh_chars(text),
        Lang::En => en_chars(text),
    });
    let numbers = match read {
        Some(ns) => ns.iter().map(|n| n.value).collect(),
        None => numbers::extract(text, lang)
            .into_iter()
            .map(|n| n.value)
            .collect(),
    };
    let (questions, brackets) = shapes_and_words(text, words);
    Unit {
        len,
        numbers,
        questions,
        brackets,
    }
}

/// The Latin words of each sentence of one side, in one list (no vector per sentence):
/// sentence `i`'s are `all[ends[i - 1]..ends[i]]` (from 0 for the first).
#[derive(Debug, Default)]
struct Words<'t> {
    all: Vec<&'t str>,
    ends: Vec<usize>,
}

impl<'t> Words<'t> {
    fn with_capacity(sentences: usize) -> Words<'t> {
        Words {
            all: Vec::new(),
            ends: Vec::with_capacity(sentences),
        }
    }

    /// Close the current sentence's list (the words pushed to `all` since the last close).
    fn close(&mut self) {
        self.ends.push(self.all.len());
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    /// Sentence `i`'s words.
    fn of(&self, i: usize) -> &[&'t str] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.all[start..self.ends[i]]
    }
}

/// The question marks ('?', '？') and opening brackets ('(', '（') of `text`, and, when `words`
/// is given, its runs of two or more ASCII letters appended to it in text order. 16 bytes at
/// a time: a run's ends are where the letter mask changes, '？' and '（' are the three bytes
/// EF BC 9F and EF BC 88, looked at only where an EF byte is. `shapes_and_words_bytes` is the
/// plain byte loop (the test oracle, and the path off x86-64).
fn shapes_and_words<'t>(text: &'t str, words: Option<&mut Vec<&'t str>>) -> (usize, usize) {
    #[cfg(target_arch = "x86_64")]
    {
        shapes_and_words_sse2(text, words)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        shapes_and_words_bytes(text, words)
    }
}

#[cfg(target_arch = "x86_64")]
fn shapes_and_words_sse2<'t>(
    text: &'t str,
    mut words: Option<&mut Vec<&'t str>>,
) -> (usize, usize) {
    use crate::text::simd::ascii_letter;
    use std::arch::x86_64::*;
    let b = text.as_bytes();
    let (mut questions, mut brackets) = (0, 0);
    // The open run's start, and whether the previous block's last byte was a letter.
    let mut start = 0;
    let mut prev_letter = 0u32;
    let mut base = 0;
    while base < b.len() {
        // The last block is copied into zeros, which are none of the bytes looked for (and
        // not letters: a run reaching the end closes at `b.len()`).
        let mut pad = [0u8; 16];
        let p = if base + 16 <= b.len() {
            b[base..].as_ptr()
        } else {
            pad[..b.len() - base].copy_from_slice(&b[base..]);
            pad.as_ptr()
        };
        // SAFETY: `p` points at 16 readable bytes (an unaligned load); SSE2 is part of the
        // x86-64 baseline.
        let (letters, q, br, ef) = unsafe {
            let x = _mm_loadu_si128(p as *const __m128i);
            let mask = |m: __m128i| _mm_movemask_epi8(m) as u32;
            let eq = |c: u8| mask(_mm_cmpeq_epi8(x, _mm_set1_epi8(c as i8)));
            (mask(ascii_letter(x)), eq(b'?'), eq(b'('), eq(0xEF))
        };
        questions += q.count_ones() as usize;
        brackets += br.count_ones() as usize;
        let mut ef = ef;
        while ef != 0 {
            let k = base + ef.trailing_zeros() as usize;
            ef &= ef - 1;
            // Valid UTF-8: EF is a lead byte with two continuation bytes after it.
            match (b[k + 1], b[k + 2]) {
                (0xBC, 0x9F) => questions += 1,
                (0xBC, 0x88) => brackets += 1,
                _ => {}
            }
        }
        if let Some(words) = words.as_deref_mut() {
            // Bit k: byte k's letterness differs from byte k - 1's.
            let mut edges = (letters ^ ((letters << 1) | prev_letter)) & 0xFFFF;
            while edges != 0 {
                let k = edges.trailing_zeros();
                edges &= edges - 1;
                let at = base + k as usize;
                if letters >> k & 1 == 1 {
                    start = at;
                } else if at - start >= 2 {
                    words.push(&text[start..at]);
                }
            }
            prev_letter = letters >> 15 & 1;
        }
        base += 16;
    }
    // A run still open after a full last block ends the text.
    if let Some(words) = words
        && prev_letter == 1
        && b.len() - start >= 2
    {
        words.push(&text[start..]);
    }
    (questions, brackets)
}

/// `shapes_and_words` one byte at a time: words are runs of ASCII letters, and scanning bytes
/// finds the same runs as scanning chars (no byte of a multi-byte character is ASCII).
#[cfg(any(test, not(target_arch = "x86_64")))]
fn shapes_and_words_bytes<'t>(
    text: &'t str,
    mut words: Option<&mut Vec<&'t str>>,
) -> (usize, usize) {
    let mut questions = 0;
    let mut brackets = 0;
    let bytes = text.as_bytes();
    let mut start = None;
    for (k, &b) in bytes.iter().enumerate() {
        if b.is_ascii_alphabetic() {
            start.get_or_insert(k);
            continue;
        }
        if let Some(s) = start.take()
            && k - s >= 2
            && let Some(words) = words.as_deref_mut()
        {
            words.push(&text[s..k]);
        }
        match b {
            b'?' => questions += 1,
            b'(' => brackets += 1,
            _ => {}
        }
    }
    if let Some(s) = start
        && bytes.len() - s >= 2
        && let Some(words) = words
    {
        words.push(&text[s..]);
    }
    if !text.is_ascii() {
        questions += text.matches('？').count();
        brackets += text.matches('（').count();
    }
    (questions, brackets)
}

/// Whether the lower-cased `word` starts with the lower-cased `term` (both runs of ASCII
/// letters).
fn starts_with_ignore_case(word: &str, term: &str) -> bool {
    let (w, t) = (word.as_bytes(), term.as_bytes());
    // Most words differ from the term in the first letter: ASCII letters compare ignoring
    // case by their bits other than 0x20, a test the full comparison needs not be called for.
    w.len() >= t.len() && (w[0] ^ t[0]) & !0x20 == 0 && w[..t.len()].eq_ignore_ascii_case(t)
}

/// For each Chinese sentence, which of its Latin terms each English sentence contains (as a
/// word prefix: eval ↔ evals), as bit sets: the term test of every bead is then a few ORs
/// and popcounts instead of string comparisons repeated for each bead a pair of sentences
/// takes part in.
#[derive(Debug, Clone, Default)]
struct TermHits {
    /// Per Chinese sentence: its number of terms, its number of 64-bit blocks, and the offset
    /// of its rows (one row of `blocks` words per English sentence) in `bits`.
    zh: Vec<(usize, usize, usize)>,
    bits: Vec<u64>,
}

impl TermHits {
    /// `en_words` may hold no word when no Chinese sentence has a term (no row is read then).
    fn new(zh_terms: &Words, en_words: &Words) -> TermHits {
        let mut t = TermHits::default();
        t.zh.reserve_exact(zh_terms.len());
        for terms in (0..zh_terms.len()).map(|i| zh_terms.of(i)) {
            let blocks = terms.len().div_ceil(64);
            t.zh.push((terms.len(), blocks, t.bits.len()));
            if blocks == 0 {
                continue;
            }
            for words in (0..en_words.len()).map(|j| en_words.of(j)) {
                let row = t.bits.len();
                t.bits.resize(row + blocks, 0);
                for (k, term) in terms.iter().enumerate() {
                    if words.iter().any(|w| starts_with_ignore_case(w, term)) {
                        t.bits[row + k / 64] |= 1 << (k % 64);
                    }
                }
            }
        }
        t
    }

    /// Terms of the Chinese sentences `zh` found / not found in the English sentences `en`.
    #[inline]
    fn count(&self, zh: Range<usize>, en: Range<usize>) -> (usize, usize) {
        let (mut found, mut missing) = (0, 0);
        for i in zh {
            let (n, blocks, off) = self.zh[i];
            if n == 0 {
                continue;
            }
            let mut hit = 0;
            if blocks == 1 {
                // Up to 64 terms (nearly always): the rows of `en` are contiguous.
                let rows = &self.bits[off + en.start..off + en.end];
                hit = rows.iter().fold(0u64, |a, &r| a | r).count_ones() as usize;
            } else {
                for blk in 0..blocks {
                    let mut any = 0u64;
                    for j in en.clone() {
                        any |= self.bits[off + j * blocks + blk];
                    }
                    hit += any.count_ones() as usize;
                }
            }
            found += hit;
            missing += n - hit;
        }
        (found, missing)
    }
}

/// Matching beads (zh count, en count, penalty).
const MATCH_BEADS: &[(usize, usize, f64)] = &[
    (1, 1, 0.0),
    (1, 2, 2.5),
    (2, 1, 2.5),
    (2, 2, 4.0),
    (1, 3, 4.5),
    (3, 1, 4.5),
];

/// Most sentences on one side of a matching bead.
const MAX_SIDE: usize = 3;

/// Align two sentence lists. Deterministic: ties keep the first bead in the order above.
pub fn align(zh: &[&str], en: &[&str], model: &LengthModel, params: &AlignParams) -> Alignment {
    Aligner::new(zh, en, model).align(params)
}

/// The sums over the 1 to `MAX_SIDE` consecutive sentences on one side of a bead, computed
/// once per run of sentences rather than for each bead that run takes part in.
#[derive(Debug, Clone, Copy, Default)]
struct Side {
    /// Sum of the lengths, added in sentence order (as `Iterator::sum` does).
    len: f64,
    numbers: usize,
    questions: usize,
    brackets: usize,
    /// Chinese side: the sentences' Latin terms (a bead without any skips the term count).
    terms: usize,
}

/// `Side` of every run of 1..=MAX_SIDE sentences, at `end * MAX_SIDE + (count - 1)` for the
/// run `end - count..end` (entries for runs that would start before 0 stay default).
fn sides(units: &[Unit], terms: Option<&TermHits>) -> Vec<Side> {
    let mut out = vec![Side::default(); (units.len() + 1) * MAX_SIDE];
    for end in 1..=units.len() {
        for d in 1..=MAX_SIDE.min(end) {
            let us = &units[end - d..end];
            out[end * MAX_SIDE + d - 1] = Side {
                len: us.iter().map(|u| u.len).sum(),
                numbers: us.iter().map(|u| u.numbers.len()).sum(),
                questions: us.iter().map(|u| u.questions).sum(),
                brackets: us.iter().map(|u| u.brackets).sum(),
                terms: terms.map_or(0, |t| (end - d..end).map(|i| t.zh[i].0).sum()),
            };
        }
    }
    out
}

/// Aligns one pair of sentence lists several times (e.g. with and without deletions): the
/// sentence features and the matching-bead costs, which dominate the work and do not depend
/// on the deletion costs, are computed once and shared.
pub struct Aligner<'m> {
    zu: Vec<Unit>,
    eu: Vec<Unit>,
    zs: Vec<Side>,
    es: Vec<Side>,
    terms: TermHits,
    model: &'m LengthModel,
    /// Cost of each matching bead ending at each cell, NaN until computed; valid for the
    /// bead-cost parameters in `memo_key`.
    memo: Vec<f64>,
    memo_key: Option<[u64; 5]>,
}

impl<'m> Aligner<'m> {
    pub fn new(zh: &[&str], en: &[&str], model: &'m LengthModel) -> Aligner<'m> {
        Aligner::build::<Vec<Number>>(zh, en, None, (&[], &[]), model)
    }

    /// `new`, given `en_numbers[j] = numbers::extract(en[j], Lang::En)` for every English
    /// sentence (read once per document: `Shared::texts`).
    pub fn with_en_numbers<N: AsRef<[Number]>>(
        zh: &[&str],
        en: &[&str],
        en_numbers: &[N],
        model: &'m LengthModel,
    ) -> Aligner<'m> {
        assert_eq!(
            en.len(),
            en_numbers.len(),
            "one list of numbers per sentence"
        );
        Aligner::build(zh, en, Some(en_numbers), (&[], &[]), model)
    }

    /// `with_en_numbers`, given the lengths (`zh_chars`, `en_chars`) of the first
    /// `zh_lens.len()` Chinese and `en_lens.len()` English sentences, measured already by the
    /// caller (the others are measured here).
    pub fn with_en_numbers_and_lens<N: AsRef<[Number]>>(
        zh: &[&str],
        en: &[&str],
        en_numbers: &[N],
        (zh_lens, en_lens): (&[f64], &[f64]),
        model: &'m LengthModel,
    ) -> Aligner<'m> {
        assert_eq!(
            en.len(),
            en_numbers.len(),
            "one list of numbers per sentence"
        );
        assert!(zh_lens.len() <= zh.len() && en_lens.len() <= en.len());
        Aligner::build(zh, en, Some(en_numbers), (zh_lens, en_lens), model)
    }

    fn build<N: AsRef<[Number]>>(
        zh: &[&str],
        en: &[&str],
        en_numbers: Option<&[N]>,
        (zh_lens, en_lens): (&[f64], &[f64]),
        model: &'m LengthModel,
    ) -> Aligner<'m> {
        let mut zh_terms = Words::with_capacity(zh.len());
        let mut zu = Vec::with_capacity(zh.len());
        for (i, t) in zh.iter().enumerate() {
            let len = zh_lens.get(i).copied();
            zu.push(unit(t, Lang::Zh, Some(&mut zh_terms.all), None, len));
            zh_terms.close();
        }
        // The English words are only compared with the Chinese terms: without any, they are
        // not collected.
        let want_words = !zh_terms.all.is_empty();
        let mut en_words = Words::with_capacity(en.len());
        if want_words {
            // A sentence of `len` bytes has at most (len + 1) / 3 words (two letters each and
            // a byte between): room for all of them, so the list never grows.
            let bound = en.iter().map(|t| (t.len() + 1) / 3).sum();
            en_words.all.reserve_exact(bound);
        }
        let mut eu = Vec::with_capacity(en.len());
        for (j, t) in en.iter().enumerate() {
            let read = en_numbers.map(|ns| ns[j].as_ref());
            eu.push(unit(
                t,
                Lang::En,
                want_words.then_some(&mut en_words.all),
                read,
                en_lens.get(j).copied(),
            ));
            en_words.close();
        }
        let terms = TermHits::new(&zh_terms, &en_words);
        Aligner {
            zs: sides(&zu, Some(&terms)),
            es: sides(&eu, None),
            zu,
            eu,
            terms,
            model,
            memo: Vec::new(),
            memo_key: None,
        }
    }

    /// The cost of every matching bead that fits in the table (`di <= i`, `dj <= j`), at
    /// `(i * (m + 1) + j) * MATCH_BEADS.len() + bead`: with deletions allowed every cell is
    /// reachable, so the alignment needs all of them; computing them in one pass, by run of
    /// Chinese sentences, spares a check per cell and bead. Slots of beads that do not fit
    /// stay NaN and are never read.
    fn fill_memo(&mut self, params: &AlignParams) {
        let (n, m) = (self.zu.len(), self.eu.len());
        let w = m + 1;
        let model = self.model;
        self.memo = vec![f64::NAN; (n + 1) * w * MATCH_BEADS.len()];
        for i in 1..=n {
            for (b, &(di, dj, pen)) in MATCH_BEADS.iter().enumerate() {
                if di > i {
                    continue;
                }
                let k = i * MAX_SIDE + di - 1;
                let z = &self.zs[k];
                let zu = &self.zu[i - di..i];
                // The length cost's denominator depends on the Chinese side only: one square
                // root per run of Chinese sentences, not one per bead.
                let a = z.len;
                let sigma = (model.s0 * model.s0 + params.k_scale * model.k / a.max(0.5)).sqrt();
                for j in dj..=m {
                    let found_missing = if z.terms == 0 {
                        (0, 0)
                    } else {
                        self.terms.count(i - di..i, j - dj..j)
                    };
                    self.memo[(i * w + j) * MATCH_BEADS.len() + b] = bead_cost(
                        (zu, z, sigma),
                        (&self.eu[j - dj..j], &self.es[j * MAX_SIDE + dj - 1]),
                        found_missing,
                        model,
                        params,
                    ) + pen;
                }
            }
        }
    }

    pub fn align(&mut self, params: &AlignParams) -> Alignment {
        let (n, m) = (self.zu.len(), self.eu.len());
        // Without deletions every bead takes at most three sentences of a side for each one
        // of the other (1-3, 3-1), so more than three times as many sentences on one side
        // leave no alignment at all: the table would end infinite, with no beads.
        if !params.allow_deletions && (m > 3 * n || n > 3 * m) {
            return Alignment {
                beads: Vec::new(),
                cost: f64::INFINITY,
            };
        }
        let key = [
            params.number_weight.to_bits(),
            params.term_weight.to_bits(),
            params.missing_term_scale.to_bits(),
            params.shape_weight.to_bits(),
            params.k_scale.to_bits(),
        ];
        if self.memo_key != Some(key) {
            self.fill_memo(params);
            self.memo_key = Some(key);
        }
        let memo = &self.memo;
        let inf = f64::INFINITY;
        // cost[at(i, j)]: best cost aligning zh[..i] with en[..j]; back[at(i, j)]: the last
        // bead's sizes and cost. One flat table each (row-major), not a vector per row.
        let w = m + 1;
        let at = |i: usize, j: usize| i * w + j;
        let mut cost = vec![inf; (n + 1) * w];
        let mut back = vec![(0usize, 0usize, 0.0f64); (n + 1) * w];
        cost[0] = 0.0;
        for i in 0..=n {
            for j in 0..=m {
                if i == 0 && j == 0 {
                    continue;
                }
                let mut best = inf;
                let mut arg = (0, 0, 0.0);
                let mut consider = |di: usize, dj: usize, c: f64| {
                    let prev = cost[at(i - di, j - dj)];
                    if prev + c < best {
                        best = prev + c;
                        arg = (di, dj, c);
                    }
                };
                if i >= 1 && j >= 1 {
                    let slots = &memo[at(i, j) * MATCH_BEADS.len()..][..MATCH_BEADS.len()];
                    for (&(di, dj, _), &c) in MATCH_BEADS.iter().zip(slots) {
                        if di <= i && dj <= j && cost[at(i - di, j - dj)].is_finite() {
                            consider(di, dj, c);
                        }
                    }
                }
                if params.allow_deletions {
                    if i >= 1 && cost[at(i - 1, j)].is_finite() {
                        let c = params.deletion;
                        consider(1, 0, c);
                    }
                    if j >= 1 && cost[at(i, j - 1)].is_finite() {
                        let c = params.insertion;
                        consider(0, 1, c);
                    }
                }
                cost[at(i, j)] = best;
                back[at(i, j)] = arg;
            }
        }
        let total = cost[at(n, m)];
        let mut beads = Vec::new();
        if total.is_finite() {
            let (mut i, mut j) = (n, m);
            while i > 0 || j > 0 {
                let (di, dj, c) = back[at(i, j)];
                beads.push(Bead {
                    zh: i - di..i,
                    en: j - dj..j,
                    cost: c,
                });
                i -= di;
                j -= dj;
            }
            beads.reverse();
        }
        Alignment { beads, cost: total }
    }
}

/// The cost of a matching bead: its Chinese sentences with their `Side` and the length
/// cost's `sigma` for them, its English sentences with their `Side`, and `(found, missing)`:
/// the Chinese terms found in / missing from the bead's English (`TermHits::count`).
fn bead_cost(
    (zh, zs, sigma): (&[Unit], &Side, f64),
    (en, es): (&[Unit], &Side),
    (found, missing): (usize, usize),
    model: &LengthModel,
    p: &AlignParams,
) -> f64 {
    let (a, b) = (zs.len, es.len);
    let delta = ((b.max(0.5) / a.max(0.5)).ln() - model.mu) / sigma;
    let mut c = delta * delta / 2.0;
    // Numbers: matched ones attract, unmatched ones repel.
    let (unmatched, matched) = number_matches((zh, zs.numbers), (en, es.numbers));
    c += (unmatched as f64 - matched as f64) * p.number_weight;
    // Latin terms of the Chinese found in the English.
    c -= found.min(4) as f64 * p.term_weight;
    // Shapes: a question stays a question, a parenthesis stays a parenthesis.
    let q = zs.questions.abs_diff(es.questions);
    let br = zs.brackets.abs_diff(es.brackets);
    c += (q + br).min(4) as f64 * p.shape_weight;
    c += missing.min(4) as f64 * p.term_weight * p.missing_term_scale;
    c
}

/// The numbers of a bead left unmatched and those matched: each Chinese number, in order,
/// takes the first equal (within 1e-9) English one not taken yet, which the last one not
/// taken replaces (`Vec::swap_remove`). `zn`, `en_n`: the sides' counts of numbers.
fn number_matches((zh, zn): (&[Unit], usize), (en, en_n): (&[Unit], usize)) -> (usize, usize) {
    let (mut unmatched, mut matched) = (0usize, 0usize);
    if zn == 0 || en_n == 0 {
        // Nothing to pair: every number is unmatched (no list of the English ones needed).
        unmatched = zn + en_n;
    } else {
        // The English numbers not matched yet, `en_nums[..left]`: on the stack for the usual
        // few (a bead's cost is computed for every cell), in a vector beyond.
        let mut stack = [0.0f64; 16];
        let mut heap = Vec::new();
        let en_nums: &mut [f64] = if en_n <= stack.len() {
            let all = en.iter().flat_map(|u| u.numbers.iter());
            for (slot, &y) in stack.iter_mut().zip(all) {
                *slot = y;
            }
            &mut stack[..en_n]
        } else {
            heap.extend(en.iter().flat_map(|u| u.numbers.iter().copied()));
            &mut heap
        };
        let mut left = en_nums.len();
        for x in zh.iter().flat_map(|u| u.numbers.iter()) {
            if let Some(k) = en_nums[..left].iter().position(|y| (x - y).abs() < 1e-9) {
                // `Vec::swap_remove`: the last one takes the matched one's place.
                en_nums[k] = en_nums[left - 1];
                left -= 1;
                matched += 1;
            } else {
                unmatched += 1;
            }
        }
        unmatched += left;
    }
    (unmatched, matched)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(a: &Alignment) -> Vec<(usize, usize)> {
        a.beads.iter().map(|b| (b.zh.len(), b.en.len())).collect()
    }

    #[test]
    fn one_to_one_and_splits() {
        let m = LengthModel::default();
        let zh = [
            "我认为模型看起来比它们的经济影响所暗示的要更聪明。",
            "是的。",
        ];
        let en = [
            "I think the models seem smarter than their economic impact would imply.",
            "Yeah.",
        ];
        let a = align(&zh, &en, &m, &AlignParams::default());
        assert_eq!(shape(&a), vec![(1, 1), (1, 1)]);
        // One Chinese sentence rendered as two English ones.
        let zh = ["事实证明我们适应事物的速度非常快但这也是因为它还挺抽象的。"];
        let en = [
            "We get used to things pretty fast, it turns out.",
            "But also it's kind of abstract.",
        ];
        let a = align(&zh, &en, &m, &AlignParams::default());
        assert_eq!(shape(&a), vec![(1, 2)]);
    }

    #[test]
    fn a_missing_sentence_is_a_deletion_bead() {
        let m = LengthModel::default();
        let zh = [
            "这是当前模型最令人困惑的事情之一。",
            "如何调和它们在 eval 上表现如此出色的事实?",
            "经济影响似乎大大落后了,这一点很难理解,我们需要一个非常好的解释才行。",
            "我有两个可能的解释。",
        ];
        let en = [
            "This is one of the very confusing things about the models right now.",
            "How to reconcile the fact that they are doing so well on evals?",
            "I have two possible explanations.",
        ];
        let a = align(&zh, &en, &m, &AlignParams::default());
        let del: Vec<_> = a.beads.iter().filter(|b| b.is_deletion()).collect();
        assert_eq!(del.len(), 1, "{:?}", a.beads);
        assert_eq!(del[0].zh, 2..3);
        let forced = align(
            &zh,
            &en,
            &m,
            &AlignParams {
                allow_deletions: false,
                ..AlignParams::default()
            },
        );
        assert!(forced.cost > a.cost);
        assert!(forced.beads.iter().all(|b| !b.is_deletion()));
    }

    #[test]
    fn lengths_given_by_the_caller_change_nothing() {
        let m = LengthModel::default();
        let zh = [
            "这是当前模型最令人困惑的事情之一,有 3 个 eval。",
            "如何调和它们在 eval 上表现如此出色的事实?",
            "经济影响似乎大大落后了(很难理解)。",
        ];
        let en = [
            "This is one of the very confusing things about the models, 3 evals.",
            "How to reconcile the fact that they are doing so well on evals?",
            "I have two possible explanations (both odd).",
            "Another one.",
        ];
        let en_numbers: Vec<Vec<Number>> =
            en.iter().map(|t| numbers::extract(t, Lang::En)).collect();
        let zl: Vec<f64> = zh.iter().map(|t| zh_chars(t)).collect();
        let el: Vec<f64> = en.iter().map(|t| en_chars(t)).collect();
        for params in [
            AlignParams::default(),
            AlignParams {
                allow_deletions: false,
                ..AlignParams::default()
            },
        ] {
            let want = Aligner::with_en_numbers(&zh, &en, &en_numbers, &m).align(&params);
            assert!(want.cost.is_finite());
            for a in 0..=zl.len() {
                for b in 0..=el.len() {
                    let lens = (&zl[..a], &el[..b]);
                    let got = Aligner::with_en_numbers_and_lens(&zh, &en, &en_numbers, lens, &m)
                        .align(&params);
                    assert_eq!(got.cost.to_bits(), want.cost.to_bits());
                    assert_eq!(got, want);
                }
            }
        }
    }

    #[test]
    fn term_hits_count_terms_found_as_word_prefixes() {
        // The direct count: each term of the Chinese sentences, found when a word of one of
        // the English sentences starts with it, both lower-cased.
        fn direct(zh: &[Vec<&str>], en: &[Vec<&str>]) -> (usize, usize) {
            let (mut found, mut missing) = (0, 0);
            for t in zh.iter().flatten() {
                let t = t.to_ascii_lowercase();
                if en
                    .iter()
                    .flatten()
                    .any(|w| w.to_ascii_lowercase().starts_with(t.as_str()))
                {
                    found += 1;
                } else {
                    missing += 1;
                }
            }
            (found, missing)
        }
        // 70 terms in the first sentence: two 64-bit blocks.
        let many: String = (0..70)
            .map(|k| format!("t{} ", (b'a' + k % 26) as char))
            .collect();
        let zh = [
            format!("第一句 {many} 以及 eval 和 AI。"),
            "没有术语。".to_string(),
            "关于 RL 和 GPT 的 Eval。".to_string(),
        ];
        let en = [
            "The EVALS of tb and tz, with Ai.".to_string(),
            "Nothing here but ta.".to_string(),
            "RL training.".to_string(),
        ];
        // Each side's words, as the aligner lists them and one vector per sentence.
        fn words<'t>(texts: &'t [String], lang: Lang) -> (Words<'t>, Vec<Vec<&'t str>>) {
            let mut flat = Words::with_capacity(texts.len());
            let mut each = Vec::new();
            for t in texts {
                let mut own = Vec::new();
                unit(t, lang, Some(&mut own), None, None);
                unit(t, lang, Some(&mut flat.all), None, None);
                flat.close();
                each.push(own);
            }
            (flat, each)
        }
        let ((zf, zw), (ef, ew)) = (words(&zh, Lang::Zh), words(&en, Lang::En));
        assert_eq!(zw[0].len(), 72);
        for i in 0..3 {
            assert_eq!(zf.of(i), zw[i]);
            assert_eq!(ef.of(i), ew[i]);
        }
        let hits = TermHits::new(&zf, &ef);
        for i in 0..3 {
            for di in 1..=3 - i {
                for j in 0..3 {
                    for dj in 1..=3 - j {
                        assert_eq!(
                            hits.count(i..i + di, j..j + dj),
                            direct(&zw[i..i + di], &ew[j..j + dj]),
                            "zh {i}+{di} en {j}+{dj}"
                        );
                    }
                }
            }
        }
        assert_eq!(hits.count(2..3, 0..1), (1, 2));
    }

    #[test]
    fn starts_with_ignore_case_is_the_lower_cased_prefix_test() {
        let ascii: Vec<String> = (0..128u8).map(|b| (b as char).to_string()).collect();
        for w in &ascii {
            for t in &ascii {
                for (w, t) in [(w.clone(), t.clone()), (format!("{w}x"), format!("{t}X"))] {
                    assert_eq!(
                        starts_with_ignore_case(&w, &t),
                        w.to_ascii_lowercase().starts_with(&t.to_ascii_lowercase()),
                        "{w:?} {t:?}"
                    );
                }
            }
        }
        assert!(starts_with_ignore_case("Evals", "eVAL"));
        assert!(!starts_with_ignore_case("ev", "eval"));
    }

    /// `number_matches` equals the first version (a vector of the English numbers, matched
    /// ones `swap_remove`d) on generated beads of up to 3 + 3 sentences, up to 40 numbers a
    /// side (past the 16 kept on the stack), from values that collide within 1e-9.
    #[test]
    fn number_matches_equal_the_vector_version() {
        fn with_vec(zh: &[Unit], en: &[Unit]) -> (usize, usize) {
            let (mut unmatched, mut matched) = (0, 0);
            let mut en_nums: Vec<f64> = en.iter().flat_map(|u| u.numbers.iter().copied()).collect();
            for x in zh.iter().flat_map(|u| u.numbers.iter()) {
                if let Some(k) = en_nums.iter().position(|y| (x - y).abs() < 1e-9) {
                    en_nums.swap_remove(k);
                    matched += 1;
                } else {
                    unmatched += 1;
                }
            }
            (unmatched + en_nums.len(), matched)
        }
        let values = [0.0, 1.0, 1.0 + 5e-10, 1.0 + 2e-9, 2.0, 3.5, 1e9, -1.0];
        let mut rng = crate::test_support::XorShift::new(0x4e55);
        let units = |n: usize, rng: &mut crate::test_support::XorShift| -> Vec<Unit> {
            (0..n)
                .map(|_| {
                    let k = [0, 0, 1, 2, 3, 5, 8, 14][rng.index(8)];
                    Unit {
                        len: 1.0,
                        numbers: (0..k).map(|_| values[rng.index(values.len())]).collect(),
                        questions: 0,
                        brackets: 0,
                    }
                })
                .collect()
        };
        for _ in 0..20_000 {
            let (zh, en) = (
                units(1 + rng.index(3), &mut rng),
                units(1 + rng.index(3), &mut rng),
            );
            let count = |us: &[Unit]| us.iter().map(|u| u.numbers.len()).sum::<usize>();
            assert_eq!(
                number_matches((&zh, count(&zh)), (&en, count(&en))),
                with_vec(&zh, &en),
                "{zh:?} {en:?}"
            );
        }
    }

    #[test]
    fn impossible_without_deletions_is_infinite() {
        let m = LengthModel::default();
        let p = AlignParams {
            allow_deletions: false,
            ..AlignParams::default()
        };
        let a = align(&["一。", "二。", "三。", "四。"], &["One."], &m, &p);
        assert!(a.cost.is_infinite());
        assert!(a.beads.is_empty());
        let empty = align(&[], &[], &m, &p);
        assert_eq!(empty.cost, 0.0);
        // At three sentences to one an alignment exists (1-3, 1-3); one more and none does.
        let zh = ["一。", "二。"];
        let en = ["One.", "Two.", "Three.", "Four.", "Five.", "Six.", "Seven."];
        let fits = align(&zh, &en[..6], &m, &p);
        assert!(fits.cost.is_finite());
        assert_eq!(shape(&fits), vec![(1, 3), (1, 3)]);
        let fits = align(&en[..6], &zh, &m, &p);
        assert_eq!(shape(&fits), vec![(3, 1), (3, 1)]);
        for a in [align(&zh, &en, &m, &p), align(&en, &zh, &m, &p)] {
            assert!(a.cost.is_infinite());
            assert!(a.beads.is_empty());
        }
    }

    /// `shapes_and_words` equals the byte loop on `t`, with and without words.
    fn shapes_same_as_bytes(t: &str) {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        assert_eq!(
            shapes_and_words(t, Some(&mut a)),
            shapes_and_words_bytes(t, Some(&mut b)),
            "{t:?}"
        );
        assert_eq!(a, b, "{t:?}");
        assert_eq!(shapes_and_words(t, None), shapes_and_words_bytes(t, None));
    }

    #[test]
    fn shapes_and_words_equal_the_byte_loop_on_debian_and_the_interview() {
        use crate::test_support::{INTERVIEW, each_debian_cell, shared_file};
        each_debian_cell(shapes_same_as_bytes);
        if let Some(t) = shared_file(INTERVIEW) {
            t.lines().for_each(shapes_same_as_bytes);
            shapes_same_as_bytes(&t);
        }
    }

    #[test]
    fn shapes_and_words_equal_the_byte_loop_on_every_char_and_generated_texts() {
        for c in crate::test_support::every_char() {
            shapes_same_as_bytes(&format!("{c}ab{c}?{c}(x{c}？（{c}"));
        }
        // Runs of letters across and up to block edges, at every length and offset.
        let pieces = [
            "a", "B", "zz", "?", "(", "？", "（", "，", "）", " ", "中", "1", "é", "\u{FFFF}",
        ];
        let mut rng = crate::test_support::XorShift::new(0xa11e);
        for _ in 0..30_000 {
            let n = rng.index(50);
            let t: String = (0..n).map(|_| pieces[rng.index(pieces.len())]).collect();
            shapes_same_as_bytes(&t);
        }
        for n in 0..50 {
            let t = "x".repeat(n);
            shapes_same_as_bytes(&t);
            shapes_same_as_bytes(&format!("?{t}"));
        }
    }
}
