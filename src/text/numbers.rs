//! Numbers in text, read the same way on both sides so they can be compared (and used as
//! alignment anchors).
//!
//! Chinese: ASCII and full-width digits (folded as NFKC does), decimals, thousands separators,
//! Chinese numerals 零〇一二三四五六七八九十百千万亿两 with 万 = 1e4 and 亿 = 1e8 (一百二十三,
//! 两亿五千万, 一万五 = 15000), mixed forms (30亿, 1.5亿, 320 亿, 3千万), 百分之五十 / 百分百 /
//! 50% as percentages, 第N as ordinals, X分之Y as fractions, digit-by-digit years (二〇二〇),
//! approximations (十多万, 100余, 几十, 数百, 三四个) and ranges (五到二十, 5-6, 5至10亿).
//!
//! English: digits with separators (1,000,000, 3.5), scale words and suffixes (5 million, $5-6
//! billion, 10k), number words (one .. nineteen, twenty-five, a hundred, two thousand, a dozen),
//! percent / per cent / %, ordinals (1st, 21st, first, twentieth), ranges (5 to 20, 5-6).
//!
//! Idioms whose characters are numerals (十分 "very", 千万 "by all means", 万一 "in case",
//! 一五一十, 八九不离十, ...) are not read as numbers. Identifiers glued to letters (H100, x86),
//! versions (2.6.32) and clock times (10:30) are `Kind::Code` and compare by text.
//!
//! Which numbers matter is the caller's decision; [`Number::significant`] gives the usual one:
//! numbers written with digits always, numbers written as words only when scaled (万/亿, million)
//! or at least `min_word_value` (so 一个 / "one of the" / 第一 / "first" do not count), never
//! vague ones (几十, 数百, thousands of) nor Chinese month names (十二月).

// The tables and helpers of the 16-byte scanners (`zh_skip_sse2`, `en_skip_sse2`, the
// `may_count` blocks) are read only by their SSE2 forms; other targets take the byte-by-byte
// forms and leave them unused.
#![cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]

use crate::model::Lang;
use std::ops::Range;

/// What a number counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Cardinal,
    Percent,
    Ordinal,
    /// X分之Y: a ratio other than a percentage.
    Fraction,
    /// A Chinese month name written with numerals (十二月 = December).
    Month,
    /// Identifier, version or clock time (H100, 2.6.32, 10:30): compared by `text`.
    Code,
}

/// Position of a number in a range such as 5 到 20 or 5-6 billion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RangeRole {
    Start,
    End,
}

/// How exact the number is as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Exact,
    /// 十多万, 100余, "over"-style: the stated base is still meaningful.
    Approximate,
    /// 几十, 数百, 三四个: no definite value.
    Vague,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    /// Value with scales applied (30亿 = 3e9, 5-6 billion gives 5e9 and 6e9, 50% gives 50).
    pub value: f64,
    /// `kind == Kind::Percent`, kept for callers of the first API.
    pub percent: bool,
    /// As written in the text (the span's text).
    pub text: String,
    pub kind: Kind,
    /// Byte range in the text passed to `extract`.
    pub span: Range<usize>,
    /// Written with digits (ASCII or full-width), as opposed to words / Chinese numerals.
    pub digits: bool,
    /// A scale multiplied the written number (万, 亿, million, k), or a scale word was the number.
    pub scaled: bool,
    /// floor(log10(|value|)); 0 for values below 10 (and for 0).
    pub magnitude: i32,
    pub range: Option<RangeRole>,
    pub precision: Precision,
    /// A Chinese numeral followed by a measure word or unit (两个, 三种, 五年, 六小时): it
    /// counts something, so even a small one matters.
    pub counted: bool,
}

impl Number {
    /// The default notion of "this number must appear on the other side" (see module docs).
    pub fn significant(&self, min_word_value: f64) -> bool {
        significant_fields(
            self.precision,
            self.kind,
            self.digits,
            self.scaled,
            self.value,
            self.counted,
            min_word_value,
        )
    }

    /// True when two numbers say the same thing: equal values (relative 1e-6), codes by text.
    pub fn same_as(&self, other: &Number) -> bool {
        same_fields(
            (self.kind, &self.text, self.value),
            (other.kind, &other.text, other.value),
        )
    }

    /// `30亿 = 3000000000`, for evidence.
    pub fn describe(&self) -> String {
        let v = format_value(self.value);
        let bare = self.text.trim_end_matches(['%', '％']).trim();
        let mut s = if self.text == v || bare == v || self.kind == Kind::Code {
            self.text.clone()
        } else {
            format!("{} = {v}", self.text)
        };
        if self.kind == Kind::Percent && !s.ends_with('%') {
            s.push('%');
        }
        s
    }
}

/// [`Number::significant`] of a number with these fields (shared with [`NumberAt`]).
fn significant_fields(
    precision: Precision,
    kind: Kind,
    digits: bool,
    scaled: bool,
    value: f64,
    counted: bool,
    min_word_value: f64,
) -> bool {
    if precision == Precision::Vague {
        return false;
    }
    match kind {
        Kind::Month => false,
        Kind::Fraction => digits,
        _ => {
            digits
                || scaled
                || value >= min_word_value
                || (counted && value >= 2.0 && kind == Kind::Cardinal)
        }
    }
}

/// [`Number::same_as`] of two numbers given as (kind, text, value) (shared with [`NumberAt`]).
fn same_fields(x: (Kind, &str, f64), y: (Kind, &str, f64)) -> bool {
    if x.0 == Kind::Code || y.0 == Kind::Code {
        // A code matches the same text (2.3 in "Standar2.3" and "Standard 2.3"); a code
        // that is a plain number (ARG1, F3) also matches that value.
        let plain =
            |n: (Kind, &str, f64)| n.0 != Kind::Code || n.1.chars().all(|c| c.is_ascii_digit());
        return x.1 == y.1 || (plain(x) && plain(y) && x.2 == y.2);
    }
    close(x.2, y.2)
}

/// Equal values, relative 1e-6.
#[inline]
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// A number as the scanner reads it, without its text: [`Number`] less `text` (which is
/// `text[span].trim()` of the text it was read from, see [`NumberAt::text`]) and `percent`
/// (`kind == Kind::Percent`). Reading these costs no allocation per number, for callers
/// that only compare (`number_mismatch` decides most pairs with them).
#[derive(Debug, Clone, PartialEq)]
pub struct NumberAt {
    pub value: f64,
    pub kind: Kind,
    pub span: Range<usize>,
    pub digits: bool,
    pub scaled: bool,
    pub magnitude: i32,
    pub range: Option<RangeRole>,
    pub precision: Precision,
    pub counted: bool,
    /// Scale applied to the number (1 when none), for range scale propagation.
    scale: f64,
}

impl NumberAt {
    /// Its text as written: `Number::text` for the `text` it was read from.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        text[self.span.clone()].trim()
    }

    /// [`Number::significant`].
    pub fn significant(&self, min_word_value: f64) -> bool {
        significant_fields(
            self.precision,
            self.kind,
            self.digits,
            self.scaled,
            self.value,
            self.counted,
            min_word_value,
        )
    }

    /// [`Number::same_as`]: `self` read from `text`, `other` from `other_text`.
    pub fn same_as(&self, text: &str, other: &NumberAt, other_text: &str) -> bool {
        if self.kind != Kind::Code && other.kind != Kind::Code {
            // `same_fields` without the texts, which only codes compare.
            return close(self.value, other.value);
        }
        if self.kind == Kind::Code && other.kind == Kind::Code {
            // `same_fields` of two codes on their bytes: a code's span begins with a digit and
            // ends with a letter or digit (`push_code`), so its text is the span untrimmed; and
            // a text of ASCII digit bytes is one of ASCII digit characters.
            let x = &text.as_bytes()[self.span.clone()];
            let y = &other_text.as_bytes()[other.span.clone()];
            return x == y
                || (x.iter().all(u8::is_ascii_digit)
                    && y.iter().all(u8::is_ascii_digit)
                    && self.value == other.value);
        }
        same_fields(
            (self.kind, self.text(text), self.value),
            (other.kind, other.text(other_text), other.value),
        )
    }

    /// The [`Number`] `extract` gives for it (`text` is the text it was read from).
    pub fn to_number(&self, text: &str) -> Number {
        Number {
            value: self.value,
            percent: self.kind == Kind::Percent,
            text: self.text(text).to_string(),
            kind: self.kind,
            span: self.span.clone(),
            digits: self.digits,
            scaled: self.scaled,
            magnitude: self.magnitude,
            range: self.range,
            precision: self.precision,
            counted: self.counted,
        }
    }
}

/// A value without float noise: integers as integers, others to 6 significant digits.
pub fn format_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e16 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The default `min_word_value` of [`Number::significant`] (number_mismatch's default).
pub const DEFAULT_MIN_WORD_VALUE: f64 = 10.0;

/// The numbers of `text` that matter with the default threshold, in order: good alignment
/// anchors (a pair's two sides should share them).
pub fn significant(text: &str, lang: Lang) -> Vec<Number> {
    extract(text, lang)
        .into_iter()
        .filter(|n| n.significant(DEFAULT_MIN_WORD_VALUE))
        .collect()
}

/// Whether `extract(text, lang)` may read a number that is significant
/// ([`Number::significant`]) with a `min_word_value` above 9. False only when none can be:
/// then every number read is below 10, written in words, unscaled and not a counted numeral
/// of 2 or more. A quick test on the text (no number is read) that lets a caller skip a pair
/// whose two sides have nothing that counts.
///
/// Chinese: every stop of the scanner is 不, 双 or a 一 between two characters that are no
/// numerals (such a 一 reads as 1; 不 and 双 never read as a number that counts). English: no
/// digit (ASCII or full-width) and no word, at a word start, of [`EN_COUNTING_WORDS`] (the
/// number words of 10 and more, the scales and plural scales, "decade"): the other number
/// words give at most 9, unscaled.
pub fn may_count(text: &str, lang: Lang) -> bool {
    match lang {
        Lang::Zh => zh_may_count(text),
        Lang::En => en_may_count(text.as_bytes()),
    }
}

fn zh_may_count(text: &str) -> bool {
    let s = Scanner {
        text,
        b: text.as_bytes(),
        out: Vec::new(),
        zh_block: std::cell::Cell::new((usize::MAX, 0)),
    };
    let mut i = 0;
    while let Some(t) = s.next_zh_trigger(i) {
        match s.c(t) {
            Some('不' | '双') => {}
            Some('一')
                if !s.prev_c(t).is_some_and(is_zh_numeral)
                    && !s.c(s.next(t)).is_some_and(is_zh_numeral) => {}
            _ => return true,
        }
        i = s.next(t);
    }
    false
}

/// The words of [`EN_WORD_LISTS`] that can make an English number significant (see
/// [`may_count`]): values of 10 and more, scales (also plural), decade.
const EN_COUNTING_WORDS: &[&str] = &[
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
    "thirtieth",
    "fortieth",
    "fiftieth",
    "sixtieth",
    "seventieth",
    "eightieth",
    "ninetieth",
    "hundred",
    "hundreds",
    "hundredth",
    "thousand",
    "thousands",
    "thousandth",
    "million",
    "millions",
    "millionth",
    "billion",
    "billions",
    "trillion",
    "trillions",
    "dozen",
    "dozens",
    "decade",
];

/// The first letters of [`EN_COUNTING_WORDS`] (bit `letter - 'a'`).
const EN_COUNTING_FIRST: u32 = {
    let mut m = 0u32;
    let mut k = 0;
    while k < EN_COUNTING_WORDS.len() {
        m |= 1 << (EN_COUNTING_WORDS[k].as_bytes()[0] - b'a');
        k += 1;
    }
    m
};

/// For each first letter and length, a bit per second letter of [`EN_COUNTING_WORDS`].
const EN_COUNTING_SHAPES: [[u32; EN_WORD_MAX + 1]; 26] = {
    let mut t = [[0u32; EN_WORD_MAX + 1]; 26];
    let mut k = 0;
    while k < EN_COUNTING_WORDS.len() {
        let w = EN_COUNTING_WORDS[k].as_bytes();
        t[(w[0] - b'a') as usize][w.len()] |= 1 << (w[1] - b'a');
        k += 1;
    }
    t
};

/// `w` (ASCII letters, any case) is one of [`EN_COUNTING_WORDS`].
fn en_counting_word(w: &[u8]) -> bool {
    if w.len() < 2 || w.len() > EN_WORD_MAX {
        return false;
    }
    let (first, second) = (w[0] | 0x20, w[1] | 0x20);
    if !first.is_ascii_lowercase()
        || !second.is_ascii_lowercase()
        || EN_COUNTING_SHAPES[(first - b'a') as usize][w.len()] & (1 << (second - b'a')) == 0
    {
        return false;
    }
    let (words, n) = &EN_COUNTING_BUCKETS[(first - b'a') as usize][w.len()];
    words[..*n]
        .iter()
        .any(|x| x.as_bytes().eq_ignore_ascii_case(w))
}

/// The words of [`EN_COUNTING_WORDS`] by first letter and length (and how many there are):
/// a word passing [`EN_COUNTING_SHAPES`] is compared with those few words, not the list.
static EN_COUNTING_BUCKETS: WordBuckets = word_buckets(&[EN_COUNTING_WORDS]);

/// Whether position `i` of an English text makes [`may_count`] true: an ASCII digit, a
/// full-width digit, or the start of a word of [`EN_COUNTING_WORDS`] (a letter after no ASCII
/// letter nor '_').
#[inline]
fn en_counts_at(b: &[u8], i: usize) -> bool {
    let x = b[i];
    if x.is_ascii_digit() {
        return true;
    }
    if x == 0xEF {
        return b.get(i + 1) == Some(&0xBC)
            && b.get(i + 2).is_some_and(|y| (0x90..=0x99).contains(y));
    }
    if x.is_ascii_alphabetic() && !(i > 0 && (b[i - 1].is_ascii_alphabetic() || b[i - 1] == b'_')) {
        return may_start(b, i, &EN_COUNTING_TRIGRAMS)
            && en_counting_word(&b[i..letters_end(b, i)]);
    }
    false
}

/// `may_count(text, Lang::En)` a byte at a time: the test oracle of the SSE2 form, and the
/// form used on other targets.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn en_may_count_bytewise(b: &[u8]) -> bool {
    (0..b.len()).any(|i| en_counts_at(b, i))
}

#[cfg(not(target_arch = "x86_64"))]
fn en_may_count(b: &[u8]) -> bool {
    en_may_count_bytewise(b)
}

/// Where a pre-scan loads its block at `i` from: the `N` bytes `b[i - 1..i - 1 + N]` (the
/// byte before the block, the block and any bytes after it) when they all lie in `b`, else
/// `pad` (all zeros on entry) filled with those of them that do, zero-padded at the ends of
/// the text (a zero byte is no candidate and no letter).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn window<const N: usize>(b: &[u8], i: usize, pad: &mut [u8; N]) -> *const u8 {
    if i >= 1 && i - 1 + N <= b.len() {
        // SAFETY: i >= 1, so i - 1 is in bounds.
        unsafe { b.as_ptr().add(i - 1) }
    } else {
        if i >= 1 {
            pad[0] = b[i - 1];
        }
        let n = (b.len() - i).min(N - 1);
        pad[1..1 + n].copy_from_slice(&b[i..i + n]);
        pad.as_ptr()
    }
}

/// `may_count(text, Lang::En)` 16 bytes at a time: a block is tested exactly only at its
/// candidates, the digits, the bytes 0xEF and the letters of [`EN_COUNTING_FIRST`] (either
/// case) after a byte that is no ASCII letter nor '_'; [`en_counts_at`] holds nowhere else.
#[cfg(target_arch = "x86_64")]
fn en_may_count_sse2(b: &[u8]) -> bool {
    use std::arch::x86_64::*;
    let mut i = 0;
    while i < b.len() {
        // The byte before the block and the block.
        let mut pad = [0u8; 17];
        let base = window(b, i, &mut pad);
        // SAFETY: SSE2 is part of the x86-64 baseline; the loads read the 17 bytes at `base`.
        let bits = unsafe {
            let (v, before) = (
                _mm_loadu_si128(base.add(1) as *const __m128i),
                _mm_loadu_si128(base as *const __m128i),
            );
            let in_range = |x: __m128i, lo: u8, hi: u8| {
                _mm_cmplt_epi8(
                    _mm_add_epi8(x, _mm_set1_epi8((0x80u8.wrapping_sub(lo)) as i8)),
                    _mm_set1_epi8((0x80u8 + (hi - lo + 1)) as i8),
                )
            };
            let case = _mm_set1_epi8(0x20);
            let lv = _mm_or_si128(v, case);
            let mut first = _mm_setzero_si128();
            for &(lo, hi) in &EN_COUNTING_RANGES {
                first = _mm_or_si128(first, in_range(lv, lo, hi));
            }
            let latin_before = _mm_or_si128(
                in_range(_mm_or_si128(before, case), b'a', b'z'),
                _mm_cmpeq_epi8(before, _mm_set1_epi8(b'_' as i8)),
            );
            let m = _mm_or_si128(
                _mm_or_si128(
                    in_range(v, b'0', b'9'),
                    _mm_cmpeq_epi8(v, _mm_set1_epi8(0xEFu8 as i8)),
                ),
                _mm_andnot_si128(latin_before, first),
            );
            _mm_movemask_epi8(m) as u32
        };
        let mut bits = bits;
        while bits != 0 {
            let k = i + bits.trailing_zeros() as usize;
            if en_counts_at(b, k) {
                return true;
            }
            bits &= bits - 1;
        }
        i += 16;
    }
    false
}

/// `may_count(text, Lang::En)`: [`en_may_count_avx2`] when the CPU has AVX2,
/// [`en_may_count_ssse3`] when it has SSSE3, [`en_may_count_sse2`] otherwise.
#[cfg(target_arch = "x86_64")]
fn en_may_count(b: &[u8]) -> bool {
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2.
        unsafe { en_may_count_avx2(b) }
    } else if std::arch::is_x86_feature_detected!("ssse3") {
        // SAFETY: the CPU has SSSE3.
        unsafe { en_may_count_ssse3(b) }
    } else {
        en_may_count_sse2(b)
    }
}

/// [`en_may_count_sse2`] with fewer candidates: a letter only when it and the byte after may
/// start a word of [`EN_COUNTING_WORDS`] ([`EN_COUNTING_BIGRAMS`]) and the two bytes after
/// may go on one ([`EN_COUNTING_PAIRS`]; [`en_counts_at`] needs a word of two or more letters
/// from that list, so it holds nowhere else).
///
/// # Safety
/// The CPU has SSSE3.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "ssse3")]
unsafe fn en_may_count_ssse3(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        let mut bits = candidate_lanes(b, i, &EN_COUNTING_BIGRAMS, &EN_COUNTING_PAIRS);
        while bits != 0 {
            let k = i + bits.trailing_zeros() as usize;
            if en_counts_at(b, k) {
                return true;
            }
            bits &= bits - 1;
        }
        i += 16;
    }
    false
}

/// [`en_may_count_ssse3`] 32 bytes at a time (the same candidates by the same lookups,
/// [`bigram_word_starts_avx2`]).
///
/// # Safety
/// The CPU has AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn en_may_count_avx2(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        let mut bits = candidate_lanes_avx2(b, i, &EN_COUNTING_BIGRAMS, &EN_COUNTING_PAIRS);
        while bits != 0 {
            let k = i + bits.trailing_zeros() as usize;
            if en_counts_at(b, k) {
                return true;
            }
            bits &= bits - 1;
        }
        i += 32;
    }
    false
}

/// [`EN_COUNTING_FIRST`] as runs of consecutive letters (first, last).
const EN_COUNTING_RANGES: [(u8, u8); EN_COUNTING_RANGE_COUNT] = letter_ranges(EN_COUNTING_FIRST);

const EN_COUNTING_RANGE_COUNT: usize = letter_range_count(EN_COUNTING_FIRST);

/// A run of `mask` (bit k for letter `a + k`) starts at letter `k`.
const fn starts_letter_run(mask: u32, k: u8) -> bool {
    mask & (1 << k) != 0 && (k == 0 || mask & (1 << (k - 1)) == 0)
}

/// How many runs of consecutive letters `mask` has.
const fn letter_range_count(mask: u32) -> usize {
    let (mut n, mut k) = (0, 0u8);
    while k < 26 {
        if starts_letter_run(mask, k) {
            n += 1;
        }
        k += 1;
    }
    n
}

/// The runs of consecutive letters of `mask` as (first, last) letters, for 16-byte range
/// tests (`N` = `letter_range_count(mask)`).
const fn letter_ranges<const N: usize>(mask: u32) -> [(u8, u8); N] {
    let mut out = [(0u8, 0u8); N];
    let (mut n, mut k) = (0, 0u8);
    while k < 26 {
        if starts_letter_run(mask, k) {
            let mut e = k;
            while e + 1 < 26 && mask & (1 << (e + 1)) != 0 {
                e += 1;
            }
            out[n] = (b'a' + k, b'a' + e);
            n += 1;
        }
        k += 1;
    }
    out
}

/// Every number in `text`, in order of position.
pub fn extract(text: &str, lang: Lang) -> Vec<Number> {
    let mut out = Vec::new();
    extract_at(text, lang, &mut out);
    out.iter().map(|n| n.to_number(text)).collect()
}

/// [`extract`] without the texts, into `out` (cleared first; its buffer is reused).
pub fn extract_at(text: &str, lang: Lang, out: &mut Vec<NumberAt>) {
    out.clear();
    let mut s = Scanner {
        text,
        b: text.as_bytes(),
        out: std::mem::take(out),
        zh_block: std::cell::Cell::new((usize::MAX, 0)),
    };
    match lang {
        Lang::Zh => s.scan_zh(),
        Lang::En => s.scan_en(),
    }
    s.link_ranges(lang);
    *out = s.out;
}

/// The English words `Scanner::en_words` can start a number with, or read as part of one
/// (lowercase): the number words and ordinals of the value tables ([`EN_SMALL`], [`EN_TENS`],
/// [`EN_ORD`], [`EN_ORD_TENS`]) and the rest below: plural scales, both/twice/..., a/an,
/// decade/couple, hundred/dozen, scales. A word outside them makes `en_words` return at its end.
const EN_WORD_LISTS: [&[&str]; 5] = [&EN_SMALL, &EN_TENS, &EN_ORD, &EN_ORD_TENS, EN_OTHER_WORDS];

/// The words of [`EN_WORD_LISTS`] that no value table holds.
const EN_OTHER_WORDS: &[&str] = &[
    "hundreds",
    "thousands",
    "millions",
    "billions",
    "trillions",
    "dozens",
    "both",
    "twice",
    "double",
    "dual",
    "pair",
    "triple",
    "thrice",
    "a",
    "an",
    "decade",
    "couple",
    "hundred",
    "dozen",
    "thousand",
    "million",
    "billion",
    "trillion",
    "hundredth",
    "thousandth",
    "millionth",
];

/// Longest word of [`EN_WORD_LISTS`].
const EN_WORD_MAX: usize = 11;

/// For each first letter and length, a bit per second letter of the words of [`EN_WORD_LISTS`]
/// (bit 0 for one-letter words): most words are rejected by this table without a string
/// comparison ("the" has no 3-letter entry starting "th").
const EN_WORD_SHAPES: [[u32; EN_WORD_MAX + 1]; 26] = {
    let mut t = [[0u32; EN_WORD_MAX + 1]; 26];
    let mut l = 0;
    while l < EN_WORD_LISTS.len() {
        let list = EN_WORD_LISTS[l];
        let mut k = 0;
        while k < list.len() {
            let w = list[k].as_bytes();
            let second = if w.len() > 1 { w[1] - b'a' } else { 0 };
            t[(w[0] - b'a') as usize][w.len()] |= 1 << second;
            k += 1;
        }
        l += 1;
    }
    t
};

/// For each first and second letter of a word, a bit per third letter (bit 26: the word ends
/// after two letters) of the words in `lists` that start so. Built for [`EN_WORD_LISTS`] and
/// [`EN_COUNTING_WORDS`]; read by [`may_start`].
const fn trigrams(lists: &[&[&str]]) -> [[u32; 26]; 26] {
    let mut t = [[0u32; 26]; 26];
    let mut l = 0;
    while l < lists.len() {
        let mut k = 0;
        while k < lists[l].len() {
            let w = lists[l][k].as_bytes();
            if w.len() >= 2 {
                let third = if w.len() > 2 { w[2] - b'a' } else { 26 };
                t[(w[0] - b'a') as usize][(w[1] - b'a') as usize] |= 1 << third;
            }
            k += 1;
        }
        l += 1;
    }
    t
}

const EN_WORD_TRIGRAMS: [[u32; 26]; 26] = trigrams(&EN_WORD_LISTS);
const EN_COUNTING_TRIGRAMS: [[u32; 26]; 26] = trigrams(&[EN_COUNTING_WORDS]);

/// Whether the word at `i` (an ASCII letter) may be a word of the lists `table` was built
/// from, by its first three bytes: false only when its first two bytes are letters and no
/// word of two or more letters starts with them and then its third byte (a letter, or the
/// end of the word). Most words are rejected here without finding their end.
#[inline]
fn may_start(b: &[u8], i: usize, table: &[[u32; 26]; 26]) -> bool {
    let s = match b.get(i + 1) {
        Some(&s) if s.is_ascii_alphabetic() => s,
        // One letter: decided by the caller.
        _ => return true,
    };
    let third = match b.get(i + 2) {
        Some(&t) if t.is_ascii_alphabetic() => (t | 0x20) - b'a',
        _ => 26,
    };
    table[((b[i] | 0x20) - b'a') as usize][((s | 0x20) - b'a') as usize] & (1 << third) != 0
}

/// `w` (ASCII letters, any case) is a word of [`EN_WORD_LISTS`].
fn en_number_word(w: &[u8]) -> bool {
    if w.is_empty() || w.len() > EN_WORD_MAX {
        return false;
    }
    let first = w[0].to_ascii_lowercase();
    let second = if w.len() > 1 {
        w[1].to_ascii_lowercase()
    } else {
        b'a'
    };
    if !first.is_ascii_lowercase()
        || !second.is_ascii_lowercase()
        || EN_WORD_SHAPES[(first - b'a') as usize][w.len()] & (1 << (second - b'a')) == 0
    {
        return false;
    }
    let (words, n) = &EN_WORD_BUCKETS[(first - b'a') as usize][w.len()];
    words[..*n]
        .iter()
        .any(|x| x.as_bytes().eq_ignore_ascii_case(w))
}

/// Most words of one first letter and length in [`EN_WORD_LISTS`] (checked when the table
/// is built).
const EN_BUCKET_MAX: usize = 8;

/// The words of [`EN_WORD_LISTS`] by first letter and length (and how many there are), so
/// that a word passing [`EN_WORD_SHAPES`] is compared with a few words rather than all.
static EN_WORD_BUCKETS: WordBuckets = word_buckets(&EN_WORD_LISTS);

/// Words by first letter and length, with how many there are in each cell.
type WordBuckets = [[([&'static str; EN_BUCKET_MAX], usize); EN_WORD_MAX + 1]; 26];

/// The words of `lists` (lowercase ASCII, 1 to [`EN_WORD_MAX`] letters) by first letter and
/// length; fails to build if a cell would hold more than [`EN_BUCKET_MAX`].
const fn word_buckets(lists: &[&[&'static str]]) -> WordBuckets {
    let mut t = [[([""; EN_BUCKET_MAX], 0usize); EN_WORD_MAX + 1]; 26];
    let mut l = 0;
    while l < lists.len() {
        let list = lists[l];
        let mut k = 0;
        while k < list.len() {
            let w = list[k];
            let cell = &mut t[(w.as_bytes()[0] - b'a') as usize][w.len()];
            assert!(cell.1 < EN_BUCKET_MAX, "EN_BUCKET_MAX is too small");
            cell.0[cell.1] = w;
            cell.1 += 1;
            k += 1;
        }
        l += 1;
    }
    t
}

/// Full-width digits and number punctuation to ASCII (the NFKC mapping for these characters).
fn fold(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - 0xFF10 + '0' as u32).unwrap_or(c),
        '．' => '.',
        // Full-width comma: read as a thousands separator only between digit groups
        // (２５，０００); elsewhere it stays punctuation because `digits` needs 3 digits after.
        '，' => ',',
        '％' => '%',
        '－' => '-',
        '～' => '~',
        '：' => ':',
        '／' => '/',
        _ => c,
    }
}

#[cfg(test)]
fn first_char(s: &str) -> Option<char> {
    s.chars().next()
}

const fn zh_digit(c: char) -> Option<f64> {
    Some(match c {
        '零' | '〇' => 0.0,
        '一' => 1.0,
        '二' | '两' => 2.0,
        '三' => 3.0,
        '四' => 4.0,
        '五' => 5.0,
        '六' => 6.0,
        '七' => 7.0,
        '八' => 8.0,
        '九' => 9.0,
        _ => return None,
    })
}

const fn zh_unit(c: char) -> Option<f64> {
    Some(match c {
        '十' => 10.0,
        '百' => 100.0,
        '千' => 1000.0,
        '万' => 1e4,
        '亿' => 1e8,
        _ => return None,
    })
}

fn is_zh_numeral(c: char) -> bool {
    is_zh_numeral_cp(c as u32)
}

/// The numeral characters of [`zh_digit`] and [`zh_unit`]: 〇 and a bit per code point of
/// U+4E00..=U+9FFF (built from those two functions), so that the test at every character of
/// a Chinese text is one table lookup.
fn is_zh_numeral_cp(cp: u32) -> bool {
    if cp == '〇' as u32 {
        return true;
    }
    let k = cp.wrapping_sub(0x4E00) as usize;
    k < ZH_NUMERAL_BITS.len() * 64 && ZH_NUMERAL_BITS[k / 64] & (1 << (k % 64)) != 0
}

static ZH_NUMERAL_BITS: [u64; (0xA000 - 0x4E00) / 64] = {
    let mut t = [0u64; (0xA000 - 0x4E00) / 64];
    let mut cp = 0x4E00;
    while cp < 0xA000 {
        let c = match char::from_u32(cp) {
            Some(c) => c,
            None => panic!("not a char"),
        };
        if zh_digit(c).is_some() || zh_unit(c).is_some() {
            let k = (cp - 0x4E00) as usize;
            t[k / 64] |= 1 << (k % 64);
        }
        cp += 1;
    }
    t
};

/// Idioms and words made of numeral characters that are not numbers. Checked where a numeral
/// run would start; value-1 words (一直, 一些, 一样) need no entry because they are never
/// significant, but those that would glue onto a following numeral do.
const ZH_IDIOMS: &[&str] = &[
    "十分",
    "十足",
    "十全十美",
    "十有八九",
    "十之八九",
    "一五一十",
    "八九不离十",
    "三心二意",
    "七上八下",
    "四面八方",
    "五花八门",
    "九死一生",
    "一模一样",
    "一心一意",
    "一石二鸟",
    "一举两得",
    "两全其美",
    "三番五次",
    "三三两两",
    "九牛一毛",
    "一干二净",
    "不三不四",
    "七七八八",
    "一一",
    "千万不",
    "千万别",
    "千万要",
    "千万记",
    "千万小心",
    "万一",
    "万万",
    "千千万万",
    "百分百",
    "一旦",
    "一致",
    "一百八十度",
];

/// First character of each of [`ZH_IDIOMS`], decoded once: `scan_zh` compares it at every
/// numeral character of the text before comparing a whole idiom.
const ZH_IDIOM_FIRST: [char; ZH_IDIOMS.len()] = {
    let mut t = ['\0'; ZH_IDIOMS.len()];
    let mut k = 0;
    while k < ZH_IDIOMS.len() {
        let b = ZH_IDIOMS[k].as_bytes();
        // Every idiom starts with a three-byte (CJK) character; the test
        // `idiom_first_characters` checks the table against `first_char`.
        let c = ((b[0] as u32 & 0x0F) << 12) | ((b[1] as u32 & 0x3F) << 6) | (b[2] as u32 & 0x3F);
        t[k] = match char::from_u32(c) {
            Some(c) => c,
            None => panic!("idiom does not start with a character"),
        };
        k += 1;
    }
    t
};

/// Measure words and units after a Chinese numeral that mark a count (两个, 三种, 五年).
/// Not 月 (三月 is March) nor 点 (三点 is three o'clock or three points).
const ZH_MEASURE: &[&str] = &[
    "个", "种", "次", "类", "项", "件", "位", "名", "条", "台", "本", "部", "张", "步", "层", "倍",
    "组", "块", "份", "句", "段", "篇", "章", "节", "页", "年", "天", "周", "小时", "分钟", "秒",
    "岁", "人", "家", "所", "座", "只", "支", "套", "行", "列", "字节", "位数",
];

/// A bit per code point of U+0000..=U+FFFF: the character at `nth` (0-based) of each of
/// `words`, every one a three-byte character in UTF-8 (fails to build otherwise).
const fn char_bits(words: &[&str], nth: usize) -> [u64; 1024] {
    let mut t = [0u64; 1024];
    let mut k = 0;
    while k < words.len() {
        let b = words[k].as_bytes();
        let at = nth * 3;
        assert!(
            b.len() >= at + 3 && b[at] >= 0xE0 && b[at] < 0xF0,
            "not a three-byte character"
        );
        let cp = ((b[at] as usize & 0x0F) << 12)
            | ((b[at + 1] as usize & 0x3F) << 6)
            | (b[at + 2] as usize & 0x3F);
        t[cp / 64] |= 1 << (cp % 64);
        k += 1;
    }
    t
}

/// Whether the character at `i` is three bytes long and has its bit in `bits`.
#[inline]
fn three_byte_char_in(b: &[u8], i: usize, bits: &[u64; 1024]) -> bool {
    match b.get(i..i + 3) {
        Some(&[x, y, z]) if (0xE0..0xF0).contains(&x) => {
            let cp = (usize::from(x & 0x0F) << 12)
                | (usize::from(y & 0x3F) << 6)
                | usize::from(z & 0x3F);
            bits[cp / 64] & (1 << (cp % 64)) != 0
        }
        _ => false,
    }
}

/// First characters of [`ZH_MEASURE`]: a numeral followed by none of them is not counted,
/// without comparing the list.
static ZH_MEASURE_FIRST_BITS: [u64; 1024] = char_bits(ZH_MEASURE, 0);

/// Second characters of [`ZH_IDIOMS`]: a numeral followed by none of them starts no idiom,
/// without comparing the list.
static ZH_IDIOM_SECOND_BITS: [u64; 1024] = char_bits(ZH_IDIOMS, 1);

/// Connectors between the two ends of a range.
const ZH_RANGE: &[&str] = &["到", "至", "~", "-", "–", "—", "〜"];
const EN_RANGE: &[&str] = &["to", "-", "–", "—", "~"];

/// The scanner works on the text's bytes: positions are byte offsets of character boundaries
/// (so spans need no table), and a character is decoded (and folded) only where a rule looks
/// at it. Most of a text is stepped over by [`Scanner::next_zh_trigger`] or a loop over ASCII
/// bytes without decoding anything.
struct Scanner<'a> {
    text: &'a str,
    b: &'a [u8],
    out: Vec<NumberAt>,
    /// The last 16-byte block `zh_skip_sse2` tested: its start and candidate bits
    /// (`usize::MAX` before the first).
    zh_block: std::cell::Cell<(usize, u32)>,
}

/// The first letters (bit `letter - 'a'`) of the words of [`EN_WORD_LISTS`]: a word starting
/// with another letter is no number word, and `en_words` returns its end.
const EN_FIRST_LETTERS: u32 = {
    let mut m = 0u32;
    let mut l = 0;
    while l < EN_WORD_LISTS.len() {
        let mut k = 0;
        while k < EN_WORD_LISTS[l].len() {
            m |= 1 << (EN_WORD_LISTS[l][k].as_bytes()[0] - b'a');
            k += 1;
        }
        l += 1;
    }
    m
};

/// [`EN_FIRST_LETTERS`] as runs of consecutive letters (first, last), for 16-byte range tests.
const EN_FIRST_RANGES: [(u8, u8); EN_FIRST_RANGE_COUNT] = letter_ranges(EN_FIRST_LETTERS);

const EN_FIRST_RANGE_COUNT: usize = letter_range_count(EN_FIRST_LETTERS);

/// The first position from `i` where `scan_en`'s loop does something other than step over the
/// byte, its letter run or its character, 16 bytes at a time: an ASCII digit, 0xEF (a
/// full-width digit's lead byte), or a letter of [`EN_FIRST_LETTERS`] (either case) not after
/// an ASCII letter or '_' (a word that may be a number word). Every other position is stepped
/// over by `scan_en` without effect (a word of another first letter: `en_words` returns its
/// end), and each of its steps depends only on the byte and the one before, so jumping to the
/// first candidate reaches the position that loop would. Returns `i` itself at 0, inside a
/// character, or when fewer than 16 bytes are left.
#[cfg(target_arch = "x86_64")]
fn en_skip_sse2(b: &[u8], mut i: usize, block: &mut (usize, u32)) -> usize {
    use std::arch::x86_64::*;
    if i == 0 || i >= b.len() || b[i] & 0xC0 == 0x80 {
        return i;
    }
    // A candidate depends only on its byte and the one before: the bits of the last block
    // tested still hold.
    let (start, bits) = *block;
    if let Some(d) = i.checked_sub(start)
        && d < 16
    {
        let rest = bits >> d;
        if rest != 0 {
            return i + rest.trailing_zeros() as usize;
        }
        i = start + 16;
        while i < b.len() && b[i] & 0xC0 == 0x80 {
            i += 1;
        }
        if i >= b.len() {
            return i;
        }
    }
    // SAFETY: SSE2 is part of the x86-64 baseline; the loads read b[i - 1..i + 16], in bounds
    // since i >= 1 and i + 16 <= b.len().
    unsafe {
        let bias = |lo: u8| _mm_set1_epi8((0x80u8.wrapping_sub(lo)) as i8);
        let limit = |n: u8| _mm_set1_epi8((0x80u8 + n) as i8);
        // x in lo..=hi as a signed compare after moving lo to -128.
        let in_range = |x: __m128i, lo: u8, hi: u8| {
            _mm_cmplt_epi8(_mm_add_epi8(x, bias(lo)), limit(hi - lo + 1))
        };
        let case = _mm_set1_epi8(0x20);
        let lead_ef = _mm_set1_epi8(0xEFu8 as i8);
        let underscore = _mm_set1_epi8(b'_' as i8);
        while i + 16 <= b.len() {
            let p = b.as_ptr().add(i);
            let v = _mm_loadu_si128(p as *const __m128i);
            let before = _mm_loadu_si128(p.sub(1) as *const __m128i);
            // |0x20 maps exactly the ASCII letters into a..=z.
            let lv = _mm_or_si128(v, case);
            let mut first = _mm_setzero_si128();
            for &(lo, hi) in &EN_FIRST_RANGES {
                first = _mm_or_si128(first, in_range(lv, lo, hi));
            }
            let latin_before = _mm_or_si128(
                in_range(_mm_or_si128(before, case), b'a', b'z'),
                _mm_cmpeq_epi8(before, underscore),
            );
            let m = _mm_or_si128(
                _mm_or_si128(in_range(v, b'0', b'9'), _mm_cmpeq_epi8(v, lead_ef)),
                _mm_andnot_si128(latin_before, first),
            );
            let bits = _mm_movemask_epi8(m) as u32;
            if bits != 0 {
                *block = (i, bits);
                return i + bits.trailing_zeros() as usize;
            }
            i += 16;
            while i < b.len() && b[i] & 0xC0 == 0x80 {
                i += 1;
            }
        }
    }
    i
}

/// The classes of first letters for [`en_skip_ssse3`] (bit `letter - 'a'` per class, at most
/// 8): letters whose words of [`EN_WORD_LISTS`] have similar second letters share a class.
/// Any grouping gives a superset of the positions `scan_en` acts on; this one keeps common
/// English words ("no", "be", "can", "of", "to") out.
const EN_BIGRAM_CLASSES: [&str; 7] = ["t", "sz", "e", "fb", "mnh", "dc", "oap"];

/// Word starts by their first two letters, for the SSSE3 pre-scans: classes of first letters
/// and, for each second byte, the classes of the first letters some word starts with
/// followed by it.
struct Bigrams {
    /// Class bits of a first letter (index `letter - 'a'`; 0 for a letter no word starts with).
    /// Read through `nibbles` by the SSSE3 scans; directly by the scalar definition (tests).
    #[cfg_attr(all(target_arch = "x86_64", not(test)), allow(dead_code))]
    first: [u8; 26],
    /// Class bits of a second byte: index `letter - 'a'` for a letter, 26 for a byte that is
    /// no letter (a one-letter word such as "a").
    second: [u8; 27],
    /// `first` and `second` as PSHUFB tables of the lowercased letter's low nibble: `[_][0]`
    /// for 0x60..=0x6F (a..o), `[_][1]` for 0x70..=0x7F (p..z).
    nibbles: [[[u8; 16]; 2]; 2],
}

/// The [`Bigrams`] of the words of `lists` (lowercase ASCII) with first letters grouped in
/// `classes` (at most 8; every first letter must be in one).
const fn bigrams(classes: &[&str], lists: &[&[&str]]) -> Bigrams {
    bigrams_at(classes, lists, 0)
}

/// The [`Bigrams`] of the letters `at` and `at + 1` of the words of `lists` that have a letter
/// `at` (the byte after a word's last letter is no letter): [`bigrams`] for `at = 0`, the
/// second and third letters for `at = 1`, whose `first` then holds the classes of second
/// letters (every one must be in one of `classes`).
const fn bigrams_at(classes: &[&str], lists: &[&[&str]], at: usize) -> Bigrams {
    let mut first = [0u8; 26];
    let mut c = 0;
    assert!(classes.len() <= 8, "more than 8 classes");
    while c < classes.len() {
        let letters = classes[c].as_bytes();
        let mut k = 0;
        while k < letters.len() {
            first[(letters[k] - b'a') as usize] |= 1 << c;
            k += 1;
        }
        c += 1;
    }
    let mut second = [0u8; 27];
    let mut l = 0;
    while l < lists.len() {
        let mut k = 0;
        while k < lists[l].len() {
            let w = lists[l][k].as_bytes();
            if w.len() > at {
                let class = first[(w[at] - b'a') as usize];
                assert!(class != 0, "a letter has no class");
                let next = if w.len() > at + 1 {
                    (w[at + 1] - b'a') as usize
                } else {
                    26
                };
                second[next] |= class;
            }
            k += 1;
        }
        l += 1;
    }
    let mut nibbles = [[[0u8; 16]; 2]; 2];
    let mut k = 0;
    while k < 26 {
        let lower = b'a' + k as u8;
        let (half, n) = ((lower >> 4) as usize - 6, (lower & 0x0F) as usize);
        nibbles[0][half][n] = first[k];
        nibbles[1][half][n] = second[k];
        k += 1;
    }
    Bigrams {
        first,
        second,
        nibbles,
    }
}

/// The word starts of [`EN_WORD_LISTS`] (read by `en_skip_ssse3`).
const EN_WORD_BIGRAMS: Bigrams = bigrams(&EN_BIGRAM_CLASSES, &EN_WORD_LISTS);

/// The word starts of [`EN_COUNTING_WORDS`] (read by `en_may_count_ssse3`), a class per first
/// letter but n, m and b (whose words all go on with i).
const EN_COUNTING_BIGRAMS: Bigrams =
    bigrams(&["t", "e", "f", "s", "nmb", "h", "d"], &[EN_COUNTING_WORDS]);

/// The second and third letters of the words of [`EN_WORD_LISTS`] (read by `en_skip_ssse3`
/// after [`EN_WORD_BIGRAMS`]): a word starting "the", "fil", "con" or "and" passes the first
/// two letters' test but no word of the lists goes on so. The grouping of second letters
/// (ten of them, at most 8 classes) merges pairs that rarely mislead on English text.
const EN_WORD_PAIRS: Bigrams = bigrams_at(
    &["a", "e", "h", "ln", "o", "ir", "u", "w"],
    &EN_WORD_LISTS,
    1,
);

/// The second and third letters of the words of [`EN_COUNTING_WORDS`] (read by
/// `en_may_count_ssse3` after [`EN_COUNTING_BIGRAMS`]), a class per second letter.
const EN_COUNTING_PAIRS: Bigrams = bigrams_at(
    &["e", "h", "i", "l", "o", "r", "u", "w"],
    &[EN_COUNTING_WORDS],
    1,
);

/// Whether the letters at `p` and `p + 1` (the second and third of a word) may go on a word
/// of the lists `g` was built from ([`bigrams_at`] 1), by their classes: true when the byte at
/// `p` is no letter (a one-letter word, decided by the first letters' test). The scalar
/// definition of [`pair_misfits`] (which gives where it is false).
#[cfg(any(test, not(target_arch = "x86_64")))]
fn pair_fits_at(b: &[u8], p: usize, g: &Bigrams) -> bool {
    let second = match b.get(p) {
        Some(y) if y.is_ascii_alphabetic() => (y.to_ascii_lowercase() - b'a') as usize,
        _ => return true,
    };
    let third = match b.get(p + 1) {
        Some(z) if z.is_ascii_alphabetic() => (z.to_ascii_lowercase() - b'a') as usize,
        _ => 26,
    };
    g.first[second] & g.second[third] != 0
}

/// Whether the letter at `q` (not after an ASCII letter or '_') and the byte after (a byte
/// past the end counts as no letter) may start a word of `g`: the scalar definition of
/// [`bigram_word_starts`].
#[cfg(any(test, not(target_arch = "x86_64")))]
fn bigram_start(b: &[u8], q: usize, g: &Bigrams) -> bool {
    let x = b[q];
    let latin_before = q > 0 && (b[q - 1].is_ascii_alphabetic() || b[q - 1] == b'_');
    if !x.is_ascii_alphabetic() || latin_before {
        return false;
    }
    let second = match b.get(q + 1) {
        Some(y) if y.is_ascii_alphabetic() => (y.to_ascii_lowercase() - b'a') as usize,
        _ => 26,
    };
    g.first[(x.to_ascii_lowercase() - b'a') as usize] & g.second[second] != 0
}

/// The lanes of `v` (with `before` and `after` the same bytes moved by one) that are a letter
/// not after an ASCII letter or '_' and, with the byte after, may start a word of `g`
/// ([`bigram_start`]), as a byte mask.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "ssse3")]
#[inline]
fn bigram_word_starts(
    v: std::arch::x86_64::__m128i,
    before: std::arch::x86_64::__m128i,
    after: std::arch::x86_64::__m128i,
    g: &Bigrams,
) -> std::arch::x86_64::__m128i {
    use std::arch::x86_64::*;
    let table = |n: &[u8; 16]| unsafe { _mm_loadu_si128(n.as_ptr() as *const __m128i) };
    let t = &g.nibbles;
    let in_range = |x: __m128i, lo: u8, hi: u8| {
        _mm_cmplt_epi8(
            _mm_add_epi8(x, _mm_set1_epi8((0x80u8.wrapping_sub(lo)) as i8)),
            _mm_set1_epi8((0x80u8 + (hi - lo + 1)) as i8),
        )
    };
    let case = _mm_set1_epi8(0x20);
    // The classes of the lowercased letters `lx` (garbage elsewhere): the table of its half.
    // PSHUFB reads the low nibble and gives 0 for an index with its high bit set: a..o
    // (0x61..=0x6F) plus 0x10 are 0x71..=0x7F and p..z 0x80..=0x8A (zero); p..z less 0x70
    // are 0x00..=0x0A and a..o 0xF1..=0xFF (zero). So each lookup answers for its own half.
    let classes = |lx: __m128i, k: usize| {
        _mm_or_si128(
            _mm_shuffle_epi8(table(&t[k][0]), _mm_adds_epu8(lx, _mm_set1_epi8(0x10))),
            _mm_shuffle_epi8(table(&t[k][1]), _mm_sub_epi8(lx, _mm_set1_epi8(0x70))),
        )
    };
    // |0x20 maps exactly the ASCII letters into a..=z.
    let lv = _mm_or_si128(v, case);
    let la = _mm_or_si128(after, case);
    let letter = in_range(lv, b'a', b'z');
    let letter_after = in_range(la, b'a', b'z');
    let latin_before = _mm_or_si128(
        in_range(_mm_or_si128(before, case), b'a', b'z'),
        _mm_cmpeq_epi8(before, _mm_set1_epi8(b'_' as i8)),
    );
    let second = _mm_or_si128(
        _mm_and_si128(letter_after, classes(la, 1)),
        _mm_andnot_si128(letter_after, _mm_set1_epi8(g.second[26] as i8)),
    );
    let common = _mm_and_si128(classes(lv, 0), second);
    _mm_andnot_si128(
        _mm_or_si128(latin_before, _mm_cmpeq_epi8(common, _mm_setzero_si128())),
        letter,
    )
}

/// Digits (ASCII) and the bytes 0xEF (lead byte of the full-width digits) of `v`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn digit_lanes(v: std::arch::x86_64::__m128i) -> std::arch::x86_64::__m128i {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of the x86-64 baseline.
    unsafe {
        _mm_or_si128(
            _mm_cmplt_epi8(
                _mm_add_epi8(v, _mm_set1_epi8((0x80u8 - b'0') as i8)),
                _mm_set1_epi8((0x80u8 + 10) as i8),
            ),
            _mm_cmpeq_epi8(v, _mm_set1_epi8(0xEFu8 as i8)),
        )
    }
}

/// [`bigram_word_starts`] on 32 lanes (VPSHUFB looks up each 16-byte half in its own copy of
/// the table, so the same tables serve).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn bigram_word_starts_avx2(
    v: std::arch::x86_64::__m256i,
    before: std::arch::x86_64::__m256i,
    after: std::arch::x86_64::__m256i,
    g: &Bigrams,
) -> std::arch::x86_64::__m256i {
    use std::arch::x86_64::*;
    let table = |n: &[u8; 16]| unsafe {
        _mm256_broadcastsi128_si256(_mm_loadu_si128(n.as_ptr() as *const __m128i))
    };
    let t = &g.nibbles;
    let in_range = |x: __m256i, lo: u8, hi: u8| {
        _mm256_cmpgt_epi8(
            _mm256_set1_epi8((0x80u8 + (hi - lo + 1)) as i8),
            _mm256_add_epi8(x, _mm256_set1_epi8((0x80u8.wrapping_sub(lo)) as i8)),
        )
    };
    let case = _mm256_set1_epi8(0x20);
    // As in `bigram_word_starts`: each lookup answers for its own half of the alphabet.
    let classes = |lx: __m256i, k: usize| {
        _mm256_or_si256(
            _mm256_shuffle_epi8(
                table(&t[k][0]),
                _mm256_adds_epu8(lx, _mm256_set1_epi8(0x10)),
            ),
            _mm256_shuffle_epi8(table(&t[k][1]), _mm256_sub_epi8(lx, _mm256_set1_epi8(0x70))),
        )
    };
    let lv = _mm256_or_si256(v, case);
    let la = _mm256_or_si256(after, case);
    let letter = in_range(lv, b'a', b'z');
    let letter_after = in_range(la, b'a', b'z');
    let latin_before = _mm256_or_si256(
        in_range(_mm256_or_si256(before, case), b'a', b'z'),
        _mm256_cmpeq_epi8(before, _mm256_set1_epi8(b'_' as i8)),
    );
    let second = _mm256_or_si256(
        _mm256_and_si256(letter_after, classes(la, 1)),
        _mm256_andnot_si256(letter_after, _mm256_set1_epi8(g.second[26] as i8)),
    );
    let common = _mm256_and_si256(classes(lv, 0), second);
    _mm256_andnot_si256(
        _mm256_or_si256(
            latin_before,
            _mm256_cmpeq_epi8(common, _mm256_setzero_si256()),
        ),
        letter,
    )
}

/// The lanes of `after` (second letters, with `after2` the same bytes moved by one) where
/// [`pair_fits_at`] fails for `g`, as a byte mask (lookups as in [`bigram_word_starts`]).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "ssse3")]
#[inline]
fn pair_misfits(
    after: std::arch::x86_64::__m128i,
    after2: std::arch::x86_64::__m128i,
    g: &Bigrams,
) -> std::arch::x86_64::__m128i {
    use std::arch::x86_64::*;
    let table = |n: &[u8; 16]| unsafe { _mm_loadu_si128(n.as_ptr() as *const __m128i) };
    let t = &g.nibbles;
    let letter = |x: __m128i| {
        _mm_cmplt_epi8(
            _mm_add_epi8(x, _mm_set1_epi8((0x80u8.wrapping_sub(b'a')) as i8)),
            _mm_set1_epi8((0x80u8 + 26) as i8),
        )
    };
    let classes = |lx: __m128i, k: usize| {
        _mm_or_si128(
            _mm_shuffle_epi8(table(&t[k][0]), _mm_adds_epu8(lx, _mm_set1_epi8(0x10))),
            _mm_shuffle_epi8(table(&t[k][1]), _mm_sub_epi8(lx, _mm_set1_epi8(0x70))),
        )
    };
    let case = _mm_set1_epi8(0x20);
    let (la, la2) = (_mm_or_si128(after, case), _mm_or_si128(after2, case));
    let (letter_after, letter_after2) = (letter(la), letter(la2));
    let third = _mm_or_si128(
        _mm_and_si128(letter_after2, classes(la2, 1)),
        _mm_andnot_si128(letter_after2, _mm_set1_epi8(g.second[26] as i8)),
    );
    let none = _mm_cmpeq_epi8(_mm_and_si128(classes(la, 0), third), _mm_setzero_si128());
    // A letter after sharing no class (no letter after: a one-letter word, no misfit).
    _mm_and_si128(letter_after, none)
}

/// The candidate lanes of the 16 bytes of `b` at `i`, as bits: digits, and letters that may
/// start a word of the lists `starts` and `pairs` were built from, by their first two letters
/// ([`bigram_word_starts`]) and their second and third ([`pair_misfits`]). The block is read
/// with the byte before it and the two after, zero-padded at the ends of the text (a zero
/// byte is no candidate and no letter). Shared by `en_skip_ssse3` and `en_may_count_ssse3`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "ssse3")]
#[inline]
fn candidate_lanes(b: &[u8], i: usize, starts: &Bigrams, pairs: &Bigrams) -> u32 {
    use std::arch::x86_64::*;
    let mut pad = [0u8; 19];
    let base = window(b, i, &mut pad);
    // SAFETY: the loads read the 19 bytes at `base`.
    let (before, v, after, after2) = unsafe {
        (
            _mm_loadu_si128(base as *const __m128i),
            _mm_loadu_si128(base.add(1) as *const __m128i),
            _mm_loadu_si128(base.add(2) as *const __m128i),
            _mm_loadu_si128(base.add(3) as *const __m128i),
        )
    };
    let m = _mm_or_si128(
        digit_lanes(v),
        _mm_andnot_si128(
            pair_misfits(after, after2, pairs),
            bigram_word_starts(v, before, after, starts),
        ),
    );
    _mm_movemask_epi8(m) as u32
}

/// [`candidate_lanes`] on the 32 bytes of `b` at `i`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn candidate_lanes_avx2(b: &[u8], i: usize, starts: &Bigrams, pairs: &Bigrams) -> u32 {
    use std::arch::x86_64::*;
    let mut pad = [0u8; 35];
    let base = window(b, i, &mut pad);
    // SAFETY: the loads read the 35 bytes at `base`.
    let (before, v, after, after2) = unsafe {
        (
            _mm256_loadu_si256(base as *const __m256i),
            _mm256_loadu_si256(base.add(1) as *const __m256i),
            _mm256_loadu_si256(base.add(2) as *const __m256i),
            _mm256_loadu_si256(base.add(3) as *const __m256i),
        )
    };
    let m = _mm256_or_si256(
        digit_lanes_avx2(v),
        _mm256_andnot_si256(
            pair_misfits_avx2(after, after2, pairs),
            bigram_word_starts_avx2(v, before, after, starts),
        ),
    );
    _mm256_movemask_epi8(m) as u32
}

/// [`pair_misfits`] on 32 lanes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn pair_misfits_avx2(
    after: std::arch::x86_64::__m256i,
    after2: std::arch::x86_64::__m256i,
    g: &Bigrams,
) -> std::arch::x86_64::__m256i {
    use std::arch::x86_64::*;
    let table = |n: &[u8; 16]| unsafe {
        _mm256_broadcastsi128_si256(_mm_loadu_si128(n.as_ptr() as *const __m128i))
    };
    let t = &g.nibbles;
    let letter = |x: __m256i| {
        _mm256_cmpgt_epi8(
            _mm256_set1_epi8((0x80u8 + 26) as i8),
            _mm256_add_epi8(x, _mm256_set1_epi8((0x80u8.wrapping_sub(b'a')) as i8)),
        )
    };
    let classes = |lx: __m256i, k: usize| {
        _mm256_or_si256(
            _mm256_shuffle_epi8(
                table(&t[k][0]),
                _mm256_adds_epu8(lx, _mm256_set1_epi8(0x10)),
            ),
            _mm256_shuffle_epi8(table(&t[k][1]), _mm256_sub_epi8(lx, _mm256_set1_epi8(0x70))),
        )
    };
    let case = _mm256_set1_epi8(0x20);
    let (la, la2) = (_mm256_or_si256(after, case), _mm256_or_si256(after2, case));
    let (letter_after, letter_after2) = (letter(la), letter(la2));
    let third = _mm256_or_si256(
        _mm256_and_si256(letter_after2, classes(la2, 1)),
        _mm256_andnot_si256(letter_after2, _mm256_set1_epi8(g.second[26] as i8)),
    );
    let none = _mm256_cmpeq_epi8(
        _mm256_and_si256(classes(la, 0), third),
        _mm256_setzero_si256(),
    );
    _mm256_and_si256(letter_after, none)
}

/// [`digit_lanes`] on 32 lanes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn digit_lanes_avx2(v: std::arch::x86_64::__m256i) -> std::arch::x86_64::__m256i {
    use std::arch::x86_64::*;
    _mm256_or_si256(
        _mm256_cmpgt_epi8(
            _mm256_set1_epi8((0x80u8 + 10) as i8),
            _mm256_add_epi8(v, _mm256_set1_epi8((0x80u8 - b'0') as i8)),
        ),
        _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0xEFu8 as i8)),
    )
}

/// Whether `en_skip_ssse3` stops at `q`: an ASCII digit, 0xEF, or a letter that may start a
/// word of [`EN_WORD_LISTS`] by its first two bytes ([`bigram_start`]) and its second and
/// third ([`pair_fits_at`]).
#[cfg(any(test, not(target_arch = "x86_64")))]
fn en_bigram_candidate(b: &[u8], q: usize) -> bool {
    b[q].is_ascii_digit()
        || b[q] == 0xEF
        || (bigram_start(b, q, &EN_WORD_BIGRAMS) && pair_fits_at(b, q + 1, &EN_WORD_PAIRS))
}

/// The start of the block `en_skip_*` go on from, or the answer: `Err(i)` to scan from `i`,
/// `Ok(j)` to return `j` (`i` itself at 0, at or past the end or inside a character; a
/// candidate of the last block tested, whose bits still hold since a candidate depends only on
/// its byte, the one before and the one after; the end of the text).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn en_cached(b: &[u8], i: usize, block: &(usize, u32)) -> Result<usize, usize> {
    if i == 0 || i >= b.len() || b[i] & 0xC0 == 0x80 {
        return Ok(i);
    }
    let (start, bits) = *block;
    if let Some(d) = i.checked_sub(start)
        && d < 16
    {
        let rest = bits >> d;
        if rest != 0 {
            return Ok(i + rest.trailing_zeros() as usize);
        }
        let j = after_block(b, start);
        return if j >= b.len() { Ok(j) } else { Err(j) };
    }
    Err(i)
}

/// [`en_skip_sse2`] with fewer candidates: a letter only when the byte after may follow it in a
/// word of [`EN_WORD_LISTS`], and the byte after that may follow those two
/// ([`en_bigram_candidate`], by PSHUFB lookups of [`EN_WORD_BIGRAMS`] and [`EN_WORD_PAIRS`]).
/// A word whose first three letters begin no word of the lists (or a one-letter word that is
/// none) is stepped over by `scan_en` without effect (`en_words` returns at once, `may_start`
/// being false, or reads no number word), so jumping over it reaches the position that loop
/// would. The last block is read zero-padded, so the whole text is scanned here (a tail read
/// a byte at a time by `scan_en` cost a call per step). Returns `i` itself at 0 or inside a
/// character, else the first candidate or the end of the text.
///
/// # Safety
/// The CPU has SSSE3.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "ssse3")]
unsafe fn en_skip_ssse3(b: &[u8], i: usize, block: &mut (usize, u32)) -> usize {
    match en_cached(b, i, block) {
        Ok(j) => j,
        // SAFETY: the CPU has SSSE3.
        Err(i) => unsafe { en_skip_blocks_ssse3(b, i, block) },
    }
}

/// The block loop of [`en_skip_ssse3`] from `i` (>= 1, not checked against the cache).
///
/// # Safety
/// The CPU has SSSE3.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "ssse3")]
#[inline]
unsafe fn en_skip_blocks_ssse3(b: &[u8], mut i: usize, block: &mut (usize, u32)) -> usize {
    while i < b.len() {
        let bits = candidate_lanes(b, i, &EN_WORD_BIGRAMS, &EN_WORD_PAIRS);
        if bits != 0 {
            *block = (i, bits);
            return i + bits.trailing_zeros() as usize;
        }
        // As in `zh_skip_ssse3`: a block may start inside a character.
        i += 16;
    }
    b.len()
}

/// [`en_skip_ssse3`] 32 bytes at a time: the same candidates ([`bigram_word_starts_avx2`]),
/// and the same block cache (a block of 32 bytes is remembered as the 16-byte half holding its
/// first candidate), so it returns what [`en_skip_ssse3`] returns and leaves `block` as it would.
///
/// # Safety
/// The CPU has AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn en_skip_avx2(b: &[u8], i: usize, block: &mut (usize, u32)) -> usize {
    let mut i = match en_cached(b, i, block) {
        Ok(j) => return j,
        Err(i) => i,
    };
    while i < b.len() {
        let bits = candidate_lanes_avx2(b, i, &EN_WORD_BIGRAMS, &EN_WORD_PAIRS);
        if bits != 0 {
            *block = if bits & 0xFFFF != 0 {
                (i, bits & 0xFFFF)
            } else {
                (i + 16, bits >> 16)
            };
            return i + bits.trailing_zeros() as usize;
        }
        i += 32;
    }
    b.len()
}

/// Length in bytes of the UTF-8 character whose first byte is `x`.
#[inline]
fn utf8_len(x: u8) -> usize {
    if x < 0x80 {
        1
    } else if x < 0xE0 {
        2
    } else if x < 0xF0 {
        3
    } else {
        4
    }
}

/// A lowercase ASCII word without a heap string: the text's own slice when it has no capital
/// (most words: no copy, no validation), a lowercase copy on the stack otherwise. Words longer
/// than the buffer equal no word the scanner looks for (the longest is 11 letters), so they
/// are kept as a marker that is no word.
#[derive(Clone, Copy)]
struct Word<'a> {
    /// The word when it is already lowercase; None: `buf[..len]`.
    text: Option<&'a str>,
    buf: [u8; 16],
    len: usize,
}

impl<'a> Word<'a> {
    /// `w` is ASCII letters.
    fn new(w: &'a str) -> Word<'a> {
        let mut word = Word {
            text: None,
            buf: [0; 16],
            len: 0,
        };
        if w.len() > word.buf.len() {
            word.text = Some("#");
            return word;
        }
        if !w.bytes().any(|c| c.is_ascii_uppercase()) {
            word.text = Some(w);
            return word;
        }
        for (b, c) in word.buf.iter_mut().zip(w.bytes()) {
            *b = c.to_ascii_lowercase();
        }
        word.len = w.len();
        word
    }

    fn as_str(&self) -> &str {
        match self.text {
            Some(t) => t,
            None => std::str::from_utf8(&self.buf[..self.len]).unwrap_or("#"),
        }
    }
}

impl std::ops::Deref for Word<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<&str> for Word<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A digit token before suffixes: value, end (exclusive, a byte offset), code-like.
struct Digits {
    value: f64,
    end: usize,
    code: bool,
}

/// 10^0 ..= 10^22: every one is exact in an f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The characters of three bytes in UTF-8 (U+0800..=U+FFFF) that `scan_zh` stops at: the
/// numerals, 双, 不 (which starts idioms such as 不三不四) and the full-width digits (folded to
/// ASCII digits), a bit per code point so that a character costs one lookup.
static ZH_TRIGGER_BITS: [u64; 0x10000 / 64] = {
    let mut t = [0u64; 0x10000 / 64];
    let mut cp = 0x800;
    while cp < 0x10000 {
        if zh_trigger_cp(cp) {
            t[cp as usize / 64] |= 1 << (cp % 64);
        }
        cp += 1;
    }
    t
};

/// Whether the code point is one of `scan_zh`'s three-byte stops (see [`ZH_TRIGGER_BITS`]).
const fn zh_trigger_cp(cp: u32) -> bool {
    match char::from_u32(cp) {
        Some(c) => {
            zh_digit(c).is_some()
                || zh_unit(c).is_some()
                || c == '双'
                || c == '不'
                || (c >= '０' && c <= '９')
        }
        None => false,
    }
}

/// The (lead byte, second byte) pairs that begin the UTF-8 of some three-byte stop, each once,
/// computed from [`zh_trigger_cp`]: a character whose first two bytes are none of them is no
/// stop, which lets [`zh_skip_sse2`] test 16 bytes at a time.
const ZH_TRIGGER_PAIRS: [(u8, u8); ZH_TRIGGER_PAIR_COUNT] = {
    let mut out = [(0u8, 0u8); ZH_TRIGGER_PAIR_COUNT];
    let mut n = 0;
    let mut prefix = 0x20; // U+0800 >> 6: the first three-byte prefix
    while prefix < 0x400 {
        // Code points prefix << 6 ..= prefix << 6 | 0x3F share their first two bytes.
        let mut any = false;
        let mut low = 0;
        while low < 0x40 {
            if zh_trigger_cp(prefix << 6 | low) {
                any = true;
            }
            low += 1;
        }
        if any {
            out[n] = ((0xE0 | prefix >> 6) as u8, (0x80 | (prefix & 0x3F)) as u8);
            n += 1;
        }
        prefix += 1;
    }
    assert!(n == ZH_TRIGGER_PAIR_COUNT);
    out
};

/// How many [`ZH_TRIGGER_PAIRS`] there are.
const ZH_TRIGGER_PAIR_COUNT: usize = {
    let mut n = 0;
    let mut prefix = 0x20;
    while prefix < 0x400 {
        let mut low = 0;
        while low < 0x40 {
            if zh_trigger_cp(prefix << 6 | low) {
                n += 1;
                break;
            }
            low += 1;
        }
        prefix += 1;
    }
    n
};

/// The candidates of the last block tested (its start and bits, kept in `block`) at or after
/// `i`: `Ok` of the first that is a stop, else `Err` of where to go on (after that block, at a
/// character boundary; `i` itself when `i` is not in it). A candidate depends only on the
/// block's bytes and the two after, so its bits still hold.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn zh_cached_stop(
    b: &[u8],
    i: usize,
    block: &std::cell::Cell<(usize, u32)>,
) -> Result<usize, usize> {
    let (start, cached) = block.get();
    let Some(d) = i.checked_sub(start).filter(|&d| d < 16) else {
        return Err(i);
    };
    let mut bits = cached >> d;
    while bits != 0 {
        let k = i + bits.trailing_zeros() as usize;
        if zh_trigger_at(b, k) {
            return Ok(k);
        }
        bits &= bits - 1;
    }
    Err(after_block(b, start))
}

/// The first character boundary at or after `start + 16` (the end of the text at most: the
/// last block may be read zero-padded past it).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn after_block(b: &[u8], start: usize) -> usize {
    boundary_from(b, (start + 16).min(b.len()))
}

/// The first character boundary at or after `i` (the end of the text at most).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn boundary_from(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i] & 0xC0 == 0x80 {
        i += 1;
    }
    i
}

/// The first of the candidates `bits` of the block at `i` that is a stop (each is a character
/// boundary: a digit or a lead byte), remembering the block in `block` when it has any.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn zh_block_stop(
    b: &[u8],
    i: usize,
    mut bits: u32,
    block: &std::cell::Cell<(usize, u32)>,
) -> Option<usize> {
    if bits != 0 {
        block.set((i, bits));
    }
    while bits != 0 {
        let k = i + bits.trailing_zeros() as usize;
        if zh_trigger_at(b, k) {
            return Some(k);
        }
        bits &= bits - 1;
    }
    None
}

/// The first stop of [`Scanner::next_zh_trigger`] at or after `i` (a character boundary) found
/// 16 bytes at a time: a block is skipped whole when none of its bytes is an ASCII digit or the
/// lead byte of one of [`ZH_TRIGGER_PAIRS`] followed by that pair's second byte. A candidate
/// (its first one: a character boundary, since digits and lead bytes are) is tested exactly.
/// `Err(i)`: no stop before `i`, a character boundary with fewer than 17 bytes left, which
/// the caller reads bytewise. (The form used when SSSE3 is missing, see [`zh_skip_ssse3`].)
#[cfg(target_arch = "x86_64")]
fn zh_skip_sse2(b: &[u8], i: usize, block: &std::cell::Cell<(usize, u32)>) -> Result<usize, usize> {
    use std::arch::x86_64::*;
    let mut i = match zh_cached_stop(b, i, block) {
        Ok(k) => return Ok(k),
        Err(i) => i,
    };
    // SAFETY: SSE2 is part of the x86-64 baseline; every load reads b[i..i + 17], in bounds
    // by the loop condition.
    unsafe {
        let digit_bias = _mm_set1_epi8((0x80u8 - b'0') as i8);
        let digit_limit = _mm_set1_epi8((0x80u8 + 10) as i8);
        while i + 17 <= b.len() {
            let p = b.as_ptr().add(i);
            let v = _mm_loadu_si128(p as *const __m128i);
            let w = _mm_loadu_si128(p.add(1) as *const __m128i);
            // Digits map to 0x80..=0x89: the smallest signed bytes.
            let mut m = _mm_cmplt_epi8(_mm_add_epi8(v, digit_bias), digit_limit);
            for &(lead, second) in &ZH_TRIGGER_PAIRS {
                let l = _mm_cmpeq_epi8(v, _mm_set1_epi8(lead as i8));
                let s = _mm_cmpeq_epi8(w, _mm_set1_epi8(second as i8));
                m = _mm_or_si128(m, _mm_and_si128(l, s));
            }
            if let Some(k) = zh_block_stop(b, i, _mm_movemask_epi8(m) as u32, block) {
                return Ok(k);
            }
            i = after_block(b, i);
        }
    }
    Err(i)
}

/// Nibble tables of the three bytes of the three-byte stops (see [`zh_trigger_cp`]) for
/// PSHUFB, a bit per lead byte (a class: E3, E4, E5, E7, E9, EF, at most 8): entry `n` of
/// `[k][0]` has the class bit of every stop whose byte `k` has high nibble `n`, `[k][1]` the
/// same for the low nibble. A position is a candidate when its byte and the two after have a
/// class bit in common in all six lookups: every stop is one (its own class), and a few other
/// characters (nibbles of different stops of one class combined); no byte that is not the
/// lead byte of a three-byte character is one (its high nibble is not E).
const ZH_TRIGGER_NIBBLES: [[[u8; 16]; 2]; 3] = {
    let mut t = [[[0u8; 16]; 2]; 3];
    let mut leads = [0u8; 8];
    let mut classes = 0;
    let mut cp = 0x800;
    while cp < 0x10000 {
        if zh_trigger_cp(cp) {
            let bytes = [
                (0xE0 | cp >> 12) as u8,
                (0x80 | ((cp >> 6) & 0x3F)) as u8,
                (0x80 | (cp & 0x3F)) as u8,
            ];
            let mut c = 0;
            while c < classes && leads[c] != bytes[0] {
                c += 1;
            }
            if c == classes {
                assert!(classes < 8, "more than 8 lead bytes");
                leads[c] = bytes[0];
                classes += 1;
            }
            let mut k = 0;
            while k < 3 {
                t[k][0][(bytes[k] >> 4) as usize] |= 1 << c;
                t[k][1][(bytes[k] & 0x0F) as usize] |= 1 << c;
                k += 1;
            }
        }
        cp += 1;
    }
    t
};

/// [`zh_skip_sse2`] with the candidates found by nibble lookups ([`ZH_TRIGGER_NIBBLES`], on the
/// byte and the two after) rather than one compare per pair: fewer instructions per block and
/// fewer candidates that are no stop (most characters sharing a stop's first two bytes, such
/// as 中 or 了, differ in a nibble of the third). `Err(i)` leaves fewer than 18 bytes.
///
/// # Safety
/// The CPU has SSSE3.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "ssse3")]
unsafe fn zh_skip_ssse3(
    b: &[u8],
    i: usize,
    block: &std::cell::Cell<(usize, u32)>,
) -> Result<usize, usize> {
    match zh_cached_stop(b, i, block) {
        Ok(k) => Ok(k),
        // SAFETY: the CPU has SSSE3.
        Err(i) => unsafe { zh_skip_blocks_ssse3(b, i, block) },
    }
}

/// The block loop of [`zh_skip_ssse3`] from `i` (not checked against the cache).
///
/// # Safety
/// The CPU has SSSE3.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "ssse3")]
#[inline]
unsafe fn zh_skip_blocks_ssse3(
    b: &[u8],
    mut i: usize,
    block: &std::cell::Cell<(usize, u32)>,
) -> Result<usize, usize> {
    use std::arch::x86_64::*;
    let table = |n: &[u8; 16]| unsafe { _mm_loadu_si128(n.as_ptr() as *const __m128i) };
    let t = ZH_TRIGGER_NIBBLES;
    let (lead_hi, lead_lo) = (table(&t[0][0]), table(&t[0][1]));
    let (second_hi, second_lo) = (table(&t[1][0]), table(&t[1][1]));
    let (third_hi, third_lo) = (table(&t[2][0]), table(&t[2][1]));
    let low = _mm_set1_epi8(0x0F);
    let digit_bias = _mm_set1_epi8((0x80u8 - b'0') as i8);
    let digit_limit = _mm_set1_epi8((0x80u8 + 10) as i8);
    // The class bits of the 16 bytes at `x` by `hi` and `lo` (both nibbles are below 0x10, so
    // PSHUFB never zeroes a lane).
    let classes = |x: __m128i, hi: __m128i, lo: __m128i| {
        _mm_and_si128(
            _mm_shuffle_epi8(hi, _mm_and_si128(_mm_srli_epi16::<4>(x), low)),
            _mm_shuffle_epi8(lo, _mm_and_si128(x, low)),
        )
    };
    while i + 18 <= b.len() {
        // SAFETY: the loads read b[i..i + 18], in bounds by the loop condition.
        let (v, w, x) = unsafe {
            let p = b.as_ptr().add(i);
            (
                _mm_loadu_si128(p as *const __m128i),
                _mm_loadu_si128(p.add(1) as *const __m128i),
                _mm_loadu_si128(p.add(2) as *const __m128i),
            )
        };
        let digits = _mm_cmplt_epi8(_mm_add_epi8(v, digit_bias), digit_limit);
        let common = _mm_and_si128(
            _mm_and_si128(
                classes(v, lead_hi, lead_lo),
                classes(w, second_hi, second_lo),
            ),
            classes(x, third_hi, third_lo),
        );
        let none = _mm_cmpeq_epi8(common, _mm_setzero_si128());
        let bits = (_mm_movemask_epi8(digits) | (!_mm_movemask_epi8(none) & 0xFFFF)) as u32;
        if let Some(k) = zh_block_stop(b, i, bits, block) {
            return Ok(k);
        }
        // Blocks may start inside a character (its lead byte, in the block before, was no
        // candidate, and no continuation byte is one): a boundary only for the caller.
        i += 16;
    }
    Err(boundary_from(b, i))
}

/// [`zh_skip_ssse3`] 32 bytes at a time: the same lookups on 32 lanes (VPSHUFB looks up each
/// 16-byte half in its own copy of a table), the candidates of each 16-byte half tested and
/// remembered as [`zh_skip_ssse3`] does, so it returns what that returns and leaves `block` as
/// it would.
///
/// # Safety
/// The CPU has AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn zh_skip_avx2(
    b: &[u8],
    i: usize,
    block: &std::cell::Cell<(usize, u32)>,
) -> Result<usize, usize> {
    use std::arch::x86_64::*;
    let mut i = match zh_cached_stop(b, i, block) {
        Ok(k) => return Ok(k),
        Err(i) => i,
    };
    let table = |n: &[u8; 16]| unsafe {
        _mm256_broadcastsi128_si256(_mm_loadu_si128(n.as_ptr() as *const __m128i))
    };
    let t = ZH_TRIGGER_NIBBLES;
    let (lead_hi, lead_lo) = (table(&t[0][0]), table(&t[0][1]));
    let (second_hi, second_lo) = (table(&t[1][0]), table(&t[1][1]));
    let (third_hi, third_lo) = (table(&t[2][0]), table(&t[2][1]));
    let low = _mm256_set1_epi8(0x0F);
    let digit_bias = _mm256_set1_epi8((0x80u8 - b'0') as i8);
    let digit_limit = _mm256_set1_epi8((0x80u8 + 10) as i8);
    let classes = |x: __m256i, hi: __m256i, lo: __m256i| {
        _mm256_and_si256(
            _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16::<4>(x), low)),
            _mm256_shuffle_epi8(lo, _mm256_and_si256(x, low)),
        )
    };
    while i + 34 <= b.len() {
        // SAFETY: the loads read b[i..i + 34], in bounds by the loop condition.
        let (v, w, x) = unsafe {
            let p = b.as_ptr().add(i);
            (
                _mm256_loadu_si256(p as *const __m256i),
                _mm256_loadu_si256(p.add(1) as *const __m256i),
                _mm256_loadu_si256(p.add(2) as *const __m256i),
            )
        };
        let digits = _mm256_cmpgt_epi8(digit_limit, _mm256_add_epi8(v, digit_bias));
        let common = _mm256_and_si256(
            _mm256_and_si256(
                classes(v, lead_hi, lead_lo),
                classes(w, second_hi, second_lo),
            ),
            classes(x, third_hi, third_lo),
        );
        let none = _mm256_cmpeq_epi8(common, _mm256_setzero_si256());
        let bits = _mm256_movemask_epi8(digits) as u32 | !(_mm256_movemask_epi8(none) as u32);
        if bits != 0 {
            if let Some(k) = zh_block_stop(b, i, bits & 0xFFFF, block) {
                return Ok(k);
            }
            if let Some(k) = zh_block_stop(b, i + 16, bits >> 16, block) {
                return Ok(k);
            }
        }
        i += 32;
    }
    // The last blocks 16 bytes at a time, as `zh_skip_ssse3` would test them.
    // SAFETY: AVX2 implies SSSE3.
    unsafe { zh_skip_blocks_ssse3(b, i, block) }
}

/// The first stop of [`Scanner::next_zh_trigger`] at or after `i` found 16 bytes at a time
/// ([`zh_skip_ssse3`] when the CPU has SSSE3, [`zh_skip_sse2`] otherwise).
#[cfg(target_arch = "x86_64")]
#[inline]
fn zh_skip(b: &[u8], i: usize, block: &std::cell::Cell<(usize, u32)>) -> Result<usize, usize> {
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2.
        unsafe { zh_skip_avx2(b, i, block) }
    } else if std::arch::is_x86_feature_detected!("ssse3") {
        // SAFETY: the CPU has SSSE3.
        unsafe { zh_skip_ssse3(b, i, block) }
    } else {
        zh_skip_sse2(b, i, block)
    }
}

/// Whether the character at `i` (a boundary) is a stop of [`Scanner::next_zh_trigger`].
#[inline(always)]
fn zh_trigger_at(b: &[u8], i: usize) -> bool {
    let x = b[i];
    if x < 0x80 {
        x.is_ascii_digit()
    } else if (0xE0..0xF0).contains(&x) {
        let cp = (usize::from(x & 0x0F) << 12)
            | (usize::from(b[i + 1] & 0x3F) << 6)
            | usize::from(b[i + 2] & 0x3F);
        ZH_TRIGGER_BITS[cp / 64] & (1 << (cp % 64)) != 0
    } else {
        false
    }
}

/// [`Scanner::next_zh_trigger`] a character at a time, stepping over other characters by their
/// lead byte: ASCII other than digits and two- and four-byte characters hold none, three-byte
/// ones are looked up in [`ZH_TRIGGER_BITS`]. The whole scan before the SSE2 pre-scan (its
/// test oracle), and the tail after it.
fn next_zh_trigger_bytewise(b: &[u8], mut i: usize) -> Option<usize> {
    while i < b.len() {
        let x = b[i];
        if x < 0x80 {
            if x.is_ascii_digit() {
                return Some(i);
            }
            i += 1;
        } else if x < 0xE0 {
            i += 2;
        } else if x < 0xF0 {
            let cp = (usize::from(x & 0x0F) << 12)
                | (usize::from(b[i + 1] & 0x3F) << 6)
                | usize::from(b[i + 2] & 0x3F);
            if ZH_TRIGGER_BITS[cp / 64] & (1 << (cp % 64)) != 0 {
                return Some(i);
            }
            i += 3;
        } else {
            i += 4;
        }
    }
    None
}

impl Scanner<'_> {
    /// The folded character at byte `i`; None at or past the end. Inlined for ASCII (most
    /// characters a rule looks at), decoded out of line otherwise.
    #[inline(always)]
    fn c(&self, i: usize) -> Option<char> {
        let x = *self.b.get(i)?;
        if x < 0x80 {
            return Some(x as char);
        }
        Some(self.c_multibyte(i))
    }

    #[inline(never)]
    fn c_multibyte(&self, i: usize) -> char {
        let (cp, _) = crate::text::decode_multibyte(self.b, i);
        // Valid UTF-8 (a `str`) decodes to a char.
        fold(char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER))
    }

    /// The position of the character after the one at `i` (past the end: `i + 1`, where `c`
    /// is None as it is at the end).
    #[inline]
    fn next(&self, i: usize) -> usize {
        match self.b.get(i) {
            Some(&x) => i + utf8_len(x),
            None => i + 1,
        }
    }

    /// The position of the character before `i` (`i > 0`).
    #[inline]
    fn prev(&self, i: usize) -> usize {
        let mut k = i - 1;
        while self.b[k] & 0xC0 == 0x80 {
            k -= 1;
        }
        k
    }

    /// The folded character before `i`, if any.
    #[inline]
    fn prev_c(&self, i: usize) -> Option<char> {
        if i == 0 { None } else { self.c(self.prev(i)) }
    }

    /// Whether the text at `i` starts with `s`. Every `s` asked for is Chinese characters,
    /// which `fold` never produces: comparing bytes is comparing folded characters.
    fn starts_with(&self, i: usize, s: &str) -> bool {
        self.b.get(i..).is_some_and(|t| t.starts_with(s.as_bytes()))
    }
    fn skip_spaces(&self, mut i: usize) -> usize {
        while matches!(self.c(i), Some(' ' | '\u{a0}' | '\u{3000}')) {
            i = self.next(i);
        }
        i
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        start: usize,
        end: usize,
        value: f64,
        kind: Kind,
        digits: bool,
        scale: f64,
        precision: Precision,
    ) {
        let span = start.min(self.b.len())..end.min(self.b.len());
        self.out.push(NumberAt {
            value,
            kind,
            span,
            digits,
            scaled: scale > 1.0,
            magnitude: magnitude(value),
            range: None,
            precision,
            counted: false,
            scale,
        });
    }

    /// Whether the three characters after `j` are digits and the fourth is not (a thousands
    /// group after a separator at `j`).
    fn three_digits_after(&self, j: usize) -> bool {
        let mut k = j;
        for _ in 0..3 {
            k = self.next(k);
            if !self.c(k).is_some_and(|d| d.is_ascii_digit()) {
                return false;
            }
        }
        !self.c(self.next(k)).is_some_and(|d| d.is_ascii_digit())
    }

    /// ASCII digits at `i`: thousands separators, one decimal point; a second point, a colon
    /// or a slash between digits makes it a code (version, time, date).
    ///
    /// The value is that of the digits read with the first point (later points are not part
    /// of it: 2.6.32 reads 2.632), as `str::parse::<f64>` gives it: computed as an integer
    /// divided by a power of ten when both are exact in an f64 (one correctly rounded
    /// division, so the same value as the correctly rounded parse), parsed otherwise.
    fn digits(&self, i: usize) -> Digits {
        let mut j = i;
        let mut code = false;
        let mut seen_point = false;
        let mut group_len = 0;
        let mut first_group = true;
        let mut mantissa: u64 = 0;
        let mut frac_digits = 0usize;
        while let Some(c) = self.c(j) {
            if c.is_ascii_digit() {
                mantissa = mantissa
                    .saturating_mul(10)
                    .saturating_add(u64::from(c as u8 - b'0'));
                if seen_point {
                    frac_digits += 1;
                }
                group_len += 1;
                j = self.next(j);
            } else if c == ','
                && !seen_point
                && (1..=3).contains(&group_len)
                && (first_group || group_len == 3)
                && self.three_digits_after(j)
            {
                first_group = false;
                group_len = 0;
                j = self.next(j);
            } else if c == '.' && self.c(self.next(j)).is_some_and(|d| d.is_ascii_digit()) {
                if seen_point {
                    code = true;
                }
                seen_point = true;
                j = self.next(j);
            } else if matches!(c, ':' | '/')
                && self.c(self.next(j)).is_some_and(|d| d.is_ascii_digit())
            {
                code = true;
                j = self.next(j);
            } else {
                break;
            }
        }
        let value = if mantissa <= 1 << 53 && frac_digits < POW10.len() {
            mantissa as f64 / POW10[frac_digits]
        } else {
            self.parse_digits(i, j)
        };
        Digits {
            value,
            end: j,
            code,
        }
    }

    /// The digits of `i..end` (a token read by `digits`) with their first point, parsed.
    fn parse_digits(&self, i: usize, end: usize) -> f64 {
        let mut s = String::new();
        let mut k = i;
        let mut seen_point = false;
        while k < end {
            match self.c(k) {
                Some(c) if c.is_ascii_digit() => s.push(c),
                Some('.') if !seen_point => {
                    s.push('.');
                    seen_point = true;
                }
                _ => {}
            }
            k = self.next(k);
        }
        s.parse().unwrap_or(0.0)
    }

    /// An ASCII letter or '_' before `i` (`fold` makes no letter, so the byte before tells).
    fn prev_is_latin(&self, i: usize) -> bool {
        i > 0 && (self.b[i - 1].is_ascii_alphabetic() || self.b[i - 1] == b'_')
    }

    /// A digit token glued to letters or a version/time: a code compared by text. `value` is
    /// `digits(i).value` when the caller has read it already.
    fn push_code(&mut self, start: usize, i: usize, value: Option<f64>) -> usize {
        let mut j = i;
        // Numeronyms (I18N, L10N, A11Y, K8S) are words, not numbers.
        if self.numeronym(i) {
            let mut e = i;
            while self.c(e).is_some_and(|c| c.is_ascii_alphanumeric()) {
                e = self.next(e);
            }
            return e;
        }
        while let Some(c) = self.c(j) {
            // Letters and digits, and . : / between digits (2.6.32, 10:30); a hyphen ends it, so
            // VT100-like and VT100 give the same code.
            let inner_punct = matches!(c, '.' | ':' | '/')
                && self.c(self.next(j)).is_some_and(|d| d.is_ascii_digit());
            if c.is_ascii_alphanumeric() || inner_punct {
                j = self.next(j);
            } else {
                break;
            }
        }
        let v = value.unwrap_or_else(|| self.digits(i).value);
        self.push(start, j, v, Kind::Code, true, 1.0, Precision::Exact);
        j
    }

    /// One capital letter, digits, one capital letter, standing alone: I18N, L10N, K8S.
    fn numeronym(&self, i: usize) -> bool {
        let before = self.prev_c(i);
        let upper = before.is_some_and(|c| c.is_ascii_uppercase());
        if !before.is_some_and(|c| c.is_ascii_alphabetic()) {
            return false;
        }
        let p = self.prev(i);
        if p > 0 && self.prev_c(p).is_some_and(|c| c.is_ascii_alphanumeric()) {
            return false;
        }
        let mut j = i;
        while self.c(j).is_some_and(|c| c.is_ascii_digit()) {
            j = self.next(j);
        }
        // I18N / i18n, L10N / l10n, K8S / k8s: the letters share their case.
        self.c(j)
            .is_some_and(|c| c.is_ascii_alphabetic() && c.is_ascii_uppercase() == upper)
            && !self
                .c(self.next(j))
                .is_some_and(|c| c.is_ascii_alphanumeric())
    }

    /// A printf conversion (`%2$s`, `%-10d`, `%5.2f`): its digits are not numbers of the text.
    /// Returns the end of the conversion.
    #[inline]
    fn printf_spec(&self, i: usize) -> Option<usize> {
        // The flags and the '%' before `i` read on the bytes while they are ASCII (most digits
        // follow a letter, a space or a Chinese character): the same steps as
        // `printf_spec_chars`, which takes over at the first non-ASCII byte that may fold to
        // a flag or '%' (a full-width form, EF BC xx; no other character folds to one).
        let b = self.b;
        let mut k = i;
        let mut flags = 0;
        loop {
            if k == 0 {
                return None;
            }
            match b[k - 1] {
                b'%' => break,
                b'-' | b'+' | b' ' | b'#' | b'0' => {
                    k -= 1;
                    flags += 1;
                    if flags > 3 {
                        return None;
                    }
                }
                x if x >= 0x80 => {
                    if k >= 3 && b[k - 3] == 0xEF && b[k - 2] == 0xBC {
                        return self.printf_spec_chars(i);
                    }
                    return None;
                }
                _ => return None,
            }
        }
        self.printf_spec_chars(i)
    }

    /// [`Scanner::printf_spec`] on folded characters (its test oracle, and the slow path).
    fn printf_spec_chars(&self, i: usize) -> Option<usize> {
        let mut k = i;
        let mut flags = 0;
        while k > 0
            && self
                .prev_c(k)
                .is_some_and(|c| matches!(c, '-' | '+' | ' ' | '#' | '0'))
        {
            k = self.prev(k);
            flags += 1;
            if flags > 3 {
                return None;
            }
        }
        if k == 0 || self.prev_c(k) != Some('%') {
            return None;
        }
        let mut j = i;
        // Characters from `i` to `j`.
        let mut n = 0;
        while self
            .c(j)
            .is_some_and(|c| c.is_ascii_digit() || c == '.' || c == '$')
        {
            j = self.next(j);
            n += 1;
        }
        // the conversion letter (s, d, f, lu, ...)
        while self.c(j).is_some_and(|c| c.is_ascii_alphabetic()) && n < 12 {
            j = self.next(j);
            n += 1;
        }
        Some(j)
    }

    /// Letter suffixes glued to digits, the same in both languages: ordinals (21st), scales
    /// (10k, 5M, 175B, 3bn). Returns (kind, scale, end); other letters are units (100GB) and
    /// end nothing.
    fn digit_suffix(&self, j: usize) -> Option<(Kind, f64, usize)> {
        let (suffix, se) = self.word_at(j);
        match suffix.as_str() {
            "st" | "nd" | "rd" | "th" => Some((Kind::Ordinal, 1.0, se)),
            "k" => Some((Kind::Cardinal, 1e3, se)),
            "m" if self.c(j) == Some('M') => Some((Kind::Cardinal, 1e6, se)),
            "b" if self.c(j) == Some('B') => Some((Kind::Cardinal, 1e9, se)),
            "bn" => Some((Kind::Cardinal, 1e9, se)),
            _ => None,
        }
    }

    // ---------------------------------------------------------------- Chinese

    /// The first position from `i` whose folded character is a digit, a numeral, 双 or 不
    /// (every branch of `scan_zh` needs one; an idiom starts with a numeral or 不): 16 bytes at
    /// a time ([`zh_skip`]), then [`next_zh_trigger_bytewise`] for the tail.
    fn next_zh_trigger(&self, i: usize) -> Option<usize> {
        #[cfg(target_arch = "x86_64")]
        let i = match zh_skip(self.b, i, &self.zh_block) {
            Ok(t) => return Some(t),
            Err(i) => i,
        };
        next_zh_trigger_bytewise(self.b, i)
    }

    fn scan_zh(&mut self) {
        let mut i = 0;
        while let Some(t) = self.next_zh_trigger(i) {
            i = t;
            let Some(c) = self.c(i) else { break };
            i = if c.is_ascii_digit() {
                self.zh_digits(i)
            } else if self.starts_with(i, "百分之") {
                self.zh_percent(i)
            } else if c == '双' {
                // 双字节 = 2-byte, 双方 = both sides: matches a 2, never counted.
                let e = self.next(i);
                self.push(
                    i,
                    e,
                    2.0,
                    Kind::Cardinal,
                    false,
                    1.0,
                    Precision::Approximate,
                );
                e
            } else if self.starts_with(i, "百分百") {
                let e = i + "百分百".len();
                self.push(i, e, 100.0, Kind::Percent, false, 1.0, Precision::Exact);
                e
            } else if let Some(k) = self.idiom_at(i, c) {
                i + ZH_IDIOMS[k].len()
            } else if self.zh_run_starts(i) {
                self.zh_numeral(i)
            } else {
                self.next(i)
            };
        }
    }

    /// The first of [`ZH_IDIOMS`] at `i` (whose folded character is `c`), as its index.
    fn idiom_at(&self, i: usize, c: char) -> Option<usize> {
        // No idiom goes on with the character after `c`: nothing to compare (most numerals).
        if !three_byte_char_in(self.b, self.next(i), &ZH_IDIOM_SECOND_BITS) {
            return None;
        }
        (0..ZH_IDIOMS.len()).find(|&k| {
            // First-character test first (from a decoded table).
            ZH_IDIOM_FIRST[k] == c
                && self.starts_with(i, ZH_IDIOMS[k])
                && !self.starts_with(i, "十分钟")
        })
    }

    /// A numeral run may start with a digit character, 十, or 百/千/万 directly followed by
    /// 万/亿 (百万, 千亿, 万亿); a lone 百/千/万 is a word (百姓, 千万不要, 万物).
    fn zh_run_starts(&self, i: usize) -> bool {
        match self.c(i) {
            Some(c) if zh_digit(c).is_some() || c == '十' => true,
            Some('百' | '千' | '万') => matches!(self.c(self.next(i)), Some('万' | '亿')),
            _ => false,
        }
    }

    fn zh_digits(&mut self, i: usize) -> usize {
        if let Some(end) = self.printf_spec(i) {
            return end;
        }
        if self.prev_is_latin(i) {
            return self.push_code(i, i, None);
        }
        let d = self.digits(i);
        let mut j = d.end;
        if d.code {
            return self.push_code(i, i, Some(d.value));
        }
        let mut value = d.value;
        let mut scale = 1.0;
        let mut precision = Precision::Exact;
        let mut kind = Kind::Cardinal;
        if let Some((k, sc, e)) = self.digit_suffix(j) {
            kind = k;
            scale = sc;
            j = e;
        }
        let after = self.skip_spaces(j);
        // 16 进制 (base 16) names a notation: kept for matching ("powers of 1024"), never counted.
        if self.starts_with(after, "进制") {
            self.push(i, j, value, Kind::Cardinal, true, 1.0, Precision::Vague);
            return j;
        }
        if self.c(after) == Some('月') && value <= 12.0 {
            kind = Kind::Month;
        }
        // 90 年代 = the 1990s (a two-digit decade is read in the 1900s).
        if self.starts_with(after, "年代") && value < 100.0 && value % 10.0 == 0.0 && scale == 1.0
        {
            value += 1900.0;
            precision = Precision::Approximate;
        }
        // 100多万, 3千万, 320 亿
        let mut m = after;
        if matches!(self.c(m), Some('多' | '余'))
            && self.c(self.next(m)).and_then(zh_unit).is_some()
        {
            precision = Precision::Approximate;
            m = self.next(m);
        }
        if self.c(m).and_then(zh_unit).is_some() && !self.starts_with(m, "百分") {
            while let Some(u) = self.c(m).and_then(zh_unit) {
                scale *= u;
                m = self.next(m);
            }
            j = m;
        }
        value *= scale;
        let k = self.skip_spaces(j);
        if self.c(k) == Some('%') {
            kind = Kind::Percent;
            j = self.next(k);
        } else if i > 0 && self.c(self.skip_back(i)) == Some('第') {
            kind = Kind::Ordinal;
        }
        if matches!(self.c(j), Some('多' | '余')) {
            precision = Precision::Approximate;
        }
        self.push(i, j, value, kind, true, scale, precision);
        j
    }

    /// Position of the first non-space character before `i` (or of the character before `i`).
    fn skip_back(&self, i: usize) -> usize {
        let mut k = self.prev(i);
        while k > 0 && matches!(self.c(k), Some(' ' | '\u{3000}')) {
            k = self.prev(k);
        }
        k
    }

    fn zh_percent(&mut self, i: usize) -> usize {
        let after = i + "百分之".len();
        let j = self.skip_spaces(after);
        if self.c(j).is_some_and(|c| c.is_ascii_digit()) {
            let d = self.digits(j);
            self.push(
                i,
                d.end,
                d.value,
                Kind::Percent,
                true,
                1.0,
                Precision::Exact,
            );
            return d.end;
        }
        if self.starts_with(j, "百") {
            let e = j + "百".len();
            if !self.c(e).is_some_and(is_zh_numeral) {
                self.push(i, e, 100.0, Kind::Percent, false, 1.0, Precision::Exact);
                return e;
            }
        }
        if let Some((v, end, _)) = self.zh_value(j) {
            self.push(i, end, v, Kind::Percent, false, 1.0, Precision::Exact);
            return end;
        }
        after
    }

    /// Read a run of Chinese numerals at `i`: (value, end, largest unit seen).
    fn zh_value(&self, i: usize) -> Option<(f64, usize, f64)> {
        let mut j = i;
        while self.c(j).is_some_and(is_zh_numeral) {
            j = self.next(j);
        }
        if j == i {
            return None;
        }
        // The run's characters are numerals, which `fold` leaves alone.
        let run = &self.text[i..j];
        // Digit-by-digit (二〇二〇年, 一九九八): only digit characters, three or more.
        if run.chars().nth(2).is_some() && run.chars().all(|c| zh_digit(c).is_some() && c != '两')
        {
            let v = run
                .chars()
                .fold(0.0, |acc, c| acc * 10.0 + zh_digit(c).unwrap_or(0.0));
            return Some((v, j, 1.0));
        }
        let (mut yi, mut wan, mut section, mut number) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        let mut last_unit = 0.0;
        let mut max_unit = 1.0f64;
        for c in run.chars() {
            if let Some(d) = zh_digit(c) {
                number = d;
            } else if let Some(u) = zh_unit(c) {
                max_unit = max_unit.max(u);
                match u {
                    1e8 => {
                        yi = (yi
                            + wan
                            + section
                            + number.max(if section + wan == 0.0 { 1.0 } else { 0.0 }))
                            * 1e8;
                        wan = 0.0;
                        section = 0.0;
                    }
                    1e4 => {
                        let base = section + number;
                        wan = if base == 0.0 { 1e4 } else { base * 1e4 };
                        section = 0.0;
                    }
                    _ => {
                        let n = if number == 0.0 { 1.0 } else { number };
                        section += n * u;
                    }
                }
                number = 0.0;
                last_unit = u;
            }
        }
        // 一万五 = 15000, 三千五 = 3500: a trailing digit right after a unit counts in the
        // next lower unit.
        let mut back = run.chars().rev();
        if let (Some(last), Some(before)) = (back.next(), back.next())
            && zh_digit(last).is_some()
            && zh_unit(before).is_some()
            && last_unit >= 100.0
        {
            number *= last_unit / 10.0;
        }
        Some((yi + wan + section + number, j, max_unit))
    }

    fn zh_numeral(&mut self, i: usize) -> usize {
        let Some((mut value, mut end, max_unit)) = self.zh_value(i) else {
            return self.next(i);
        };
        let mut precision = Precision::Exact;
        // 几十 / 数百 / 上百万 (before); 上 only before a unit (网络上六个 is "on the network").
        let unit_first = self.c(i).is_some_and(|c| zh_unit(c).is_some());
        let before = self.prev_c(i);
        if matches!(before, Some('几' | '数')) || (before == Some('上') && unit_first) {
            precision = Precision::Vague;
        }
        // 十几 (after): vague.
        if self.c(end) == Some('几') {
            precision = Precision::Vague;
        }
        // 三四个, 五六年: two consecutive digits read as "three or four".
        let second = self.next(i);
        if self.next(second) == end {
            let a = self.c(i).and_then(zh_digit);
            let b = self.c(second).and_then(zh_digit);
            if let (Some(a), Some(b)) = (a, b)
                && b == a + 1.0
            {
                value = a;
                precision = Precision::Vague;
            }
        }
        // 十多万, 三百多: approximate; 多/余 inside a run continues it.
        if matches!(self.c(end), Some('多' | '余' | '来')) {
            if precision == Precision::Exact {
                precision = Precision::Approximate;
            }
            let unit_at = self.next(end);
            if let Some(u) = self.c(unit_at).and_then(zh_unit) {
                value *= u;
                end = self.next(unit_at);
            }
        }
        // 十六进制 (hexadecimal) names a notation: kept for matching, never counted.
        if self.starts_with(self.skip_spaces(end), "进制") {
            self.push(i, end, value, Kind::Cardinal, false, 1.0, Precision::Vague);
            return end;
        }
        // X分之Y
        if self.starts_with(end, "分之")
            && let Some((num, e2, _)) = self.zh_value(end + "分之".len())
        {
            let v = if value == 0.0 { 0.0 } else { num / value };
            self.push(i, e2, v, Kind::Fraction, false, 1.0, precision);
            return e2;
        }
        let mut kind = Kind::Cardinal;
        if before == Some('第') {
            kind = Kind::Ordinal;
        } else if self.c(end) == Some('月') && value <= 12.0 && max_unit <= 10.0 {
            kind = Kind::Month;
        }
        let k = self.skip_spaces(end);
        if self.c(k) == Some('%') {
            kind = Kind::Percent;
            end = self.next(k);
        }
        let scale = if max_unit >= 1e4 { max_unit } else { 1.0 };
        self.push(i, end, value, kind, false, scale, precision);
        let counted = three_byte_char_in(self.b, end, &ZH_MEASURE_FIRST_BITS)
            && ZH_MEASURE.iter().any(|m| self.starts_with(end, m));
        if let Some(n) = self.out.last_mut() {
            n.counted = counted;
        }
        end
    }

    // ---------------------------------------------------------------- English

    fn scan_en(&mut self) {
        let b = self.b;
        let mut i = 0;
        // The last block `en_skip_sse2` tested: its start and candidate bits.
        #[cfg(target_arch = "x86_64")]
        let mut block = (usize::MAX, 0u32);
        #[cfg(target_arch = "x86_64")]
        let ssse3 = std::arch::is_x86_feature_detected!("ssse3");
        #[cfg(target_arch = "x86_64")]
        let avx2 = std::arch::is_x86_feature_detected!("avx2");
        while i < b.len() {
            #[cfg(target_arch = "x86_64")]
            {
                i = if avx2 {
                    // SAFETY: the CPU has AVX2.
                    unsafe { en_skip_avx2(b, i, &mut block) }
                } else if ssse3 {
                    // SAFETY: the CPU has SSSE3.
                    unsafe { en_skip_ssse3(b, i, &mut block) }
                } else {
                    en_skip_sse2(b, i, &mut block)
                };
                if i >= b.len() {
                    break;
                }
            }
            let x = b[i];
            i = if x.is_ascii_digit() {
                self.en_digits(i)
            } else if x.is_ascii_alphabetic() {
                if self.prev_is_latin(i) {
                    // Inside a word (or after '_'): none of its letters starts a number.
                    letters_end(b, i)
                } else {
                    self.en_words(i)
                }
            } else if x < 0x80 {
                i + 1
            } else if x == 0xEF && b[i + 1] == 0xBC && (0x90..=0x99).contains(&b[i + 2]) {
                // U+FF10..=U+FF19, full-width digits: folded to ASCII digits.
                self.en_digits(i)
            } else {
                i + utf8_len(x)
            };
        }
    }

    /// The lowercase ASCII word at `i` and its end.
    fn word_at(&self, i: usize) -> (Word<'_>, usize) {
        // `fold` makes no letter: the letters are the ASCII letter bytes.
        let j = letters_end(self.b, i);
        // i..j are ASCII letters: character boundaries.
        (Word::new(self.text.get(i..j).unwrap_or("")), j)
    }

    /// Next word after spaces (or a hyphen, for twenty-five), if any.
    fn next_word(&self, j: usize) -> Option<(Word<'_>, usize, usize)> {
        let k = if self.c(j) == Some('-') {
            self.next(j)
        } else {
            self.skip_spaces(j)
        };
        if k == j || !self.c(k).is_some_and(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let (w, e) = self.word_at(k);
        Some((w, k, e))
    }

    fn en_scale_after(&self, j: usize) -> Option<(f64, usize)> {
        let (w, _, e) = self
            .next_word(j)
            .filter(|(_, k, _)| *k > j && self.c(j) != Some('-'))?;
        en_scale(&w).map(|s| (s, e))
    }

    fn en_percent_after(&self, j: usize) -> Option<usize> {
        let k = self.skip_spaces(j);
        if self.c(k) == Some('%') {
            return Some(self.next(k));
        }
        let (w, _, e) = self.next_word(j).filter(|_| self.c(j) != Some('-'))?;
        match w.as_str() {
            "percent" => Some(e),
            "per" => {
                let (w2, _, e2) = self.next_word(e)?;
                (w2 == "cent").then_some(e2)
            }
            _ => None,
        }
    }

    fn en_digits(&mut self, i: usize) -> usize {
        if let Some(end) = self.printf_spec(i) {
            return end;
        }
        if self.prev_is_latin(i) {
            return self.push_code(i, i, None);
        }
        let d = self.digits(i);
        if d.code {
            return self.push_code(i, i, Some(d.value));
        }
        let mut j = d.end;
        let mut value = d.value;
        let mut scale = 1.0;
        let mut kind = Kind::Cardinal;
        // Letter suffixes: 21st, 10k, 5M, 175B, 10x, 1990s; other letters are units (100GB).
        let glued = self.c(j).is_some_and(|c| c.is_ascii_alphabetic());
        if let Some((k, sc, e)) = self.digit_suffix(j) {
            kind = k;
            scale = sc;
            j = e;
        } else if !glued && let Some((s, e)) = self.en_scale_after(j) {
            scale = s;
            j = e;
        }
        value *= scale;
        if let Some(e) = self.en_percent_after(j) {
            kind = Kind::Percent;
            j = e;
        }
        self.push(i, j, value, kind, true, scale, Precision::Exact);
        j
    }

    fn en_words(&mut self, i: usize) -> usize {
        // A word outside EN_WORD_LISTS reads as nothing (every branch below needs one). Most
        // are known by their first three letters: return the next position, inside the word,
        // where `scan_en` goes on as from the word's end (no letter after a letter starts
        // anything).
        if !may_start(self.b, i, &EN_WORD_TRIGRAMS) {
            return i + 1;
        }
        // Otherwise return its end without building it.
        let e = letters_end(self.b, i);
        if !en_number_word(&self.b[i..e]) {
            return e;
        }
        let (w, e) = self.word_at(i);
        // Plural scales without a number are vague (thousands of, millions of).
        if matches!(
            w.as_str(),
            "hundreds" | "thousands" | "millions" | "billions" | "trillions" | "dozens"
        ) {
            let base = match w.as_str() {
                "hundreds" => 100.0,
                "dozens" => 12.0,
                _ => en_scale(w.trim_end_matches('s')).unwrap_or(1.0),
            };
            // "hundreds of billions" = 1e11 (vague, but comparable with 千亿)
            if let Some((of, _, e2)) = self.next_word(e)
                && of == "of"
                && let Some((w3, _, e3)) = self.next_word(e2)
                && let Some(s) = en_scale(w3.trim_end_matches('s'))
            {
                let _ = e2;
                self.push(i, e3, base * s, Kind::Cardinal, false, s, Precision::Vague);
                return e3;
            }
            self.push(i, e, base, Kind::Cardinal, false, base, Precision::Vague);
            return e;
        }
        // both / twice / double = 2, triple = 3: never counted, but they match 两个 / 三倍.
        let pairish = match w.as_str() {
            "both" | "twice" | "double" | "dual" | "pair" => Some(2.0),
            "triple" | "thrice" => Some(3.0),
            _ => None,
        };
        if let Some(v) = pairish {
            self.push(i, e, v, Kind::Cardinal, false, 1.0, Precision::Approximate);
            return e;
        }
        // "a decade" = 10 years (十年); "a couple" = 2.
        if (w == "a" || w == "one")
            && let Some((w2, _, e2)) = self.next_word(e)
        {
            match w2.as_str() {
                "decade" => {
                    self.push(i, e2, 10.0, Kind::Cardinal, false, 1.0, Precision::Exact);
                    return e2;
                }
                "couple" => {
                    self.push(
                        i,
                        e2,
                        2.0,
                        Kind::Cardinal,
                        false,
                        1.0,
                        Precision::Approximate,
                    );
                    return e2;
                }
                _ => {}
            }
        }
        let leading_a = w == "a" || w == "an";
        if leading_a {
            match self.next_word(e) {
                Some((w2, _, _)) if en_scale(&w2).is_some() || w2 == "hundred" || w2 == "dozen" => {
                }
                _ => return e,
            }
        } else if en_word_value(&w).is_none() && en_ordinal(&w).is_none() {
            return e;
        }
        let (mut total, mut cur) = (0.0f64, 0.0f64);
        let mut scale = 1.0f64;
        let mut kind = Kind::Cardinal;
        let mut j = if leading_a { e } else { i };
        let mut end = j;
        let mut first = !leading_a;
        loop {
            let (word, ws, we) = if first {
                first = false;
                let (w, e) = self.word_at(j);
                (w, j, e)
            } else {
                match self.next_word(j) {
                    Some(x) => x,
                    None => break,
                }
            };
            let _ = ws;
            if let Some(v) = en_word_value(&word) {
                // "twenty five" / "twenty-five" add; "one two" is a list, stop.
                if cur % 100.0 != 0.0 && !(cur % 10.0 == 0.0 && v < 10.0 && cur >= 20.0) {
                    break;
                }
                cur += v;
            } else if word == "hundred" {
                cur = cur.max(1.0) * 100.0;
            } else if word == "dozen" {
                cur = cur.max(1.0) * 12.0;
            } else if let Some(s) = en_scale(&word) {
                total += cur.max(1.0) * s;
                scale = scale.max(s);
                cur = 0.0;
            } else if let Some(v) = en_ordinal(&word) {
                if cur % 10.0 != 0.0 {
                    break;
                }
                cur += v;
                kind = Kind::Ordinal;
                end = we;
                break;
            } else if word == "and" && total + cur >= 100.0 && (total + cur) % 100.0 == 0.0 {
                // "one hundred and twenty": continue only if a number word follows
                match self.next_word(we) {
                    Some((w2, _, _)) if en_word_value(&w2).is_some() => {
                        j = we;
                        continue;
                    }
                    _ => break,
                }
            } else {
                break;
            }
            j = we;
            end = we;
        }
        if end == i || (leading_a && end == e) {
            return e.max(i + 1);
        }
        let value = total + cur;
        if kind == Kind::Cardinal
            && let Some(pe) = self.en_percent_after(end)
        {
            kind = Kind::Percent;
            end = pe;
        }
        self.push(i, end, value, kind, false, scale, Precision::Exact);
        end
    }

    // ---------------------------------------------------------------- ranges

    /// Mark `a <connector> b` pairs as ranges, and carry the end's scale to a bare start
    /// (5-6 billion = 5e9 to 6e9; 5到20亿 = 5亿 to 20亿).
    fn link_ranges(&mut self, lang: Lang) {
        let connectors = match lang {
            Lang::Zh => ZH_RANGE,
            Lang::En => EN_RANGE,
        };
        for k in 0..self.out.len().saturating_sub(1) {
            let gap = &self.text[self.out[k].span.end..self.out[k + 1].span.start];
            let g = gap.trim();
            if !connectors.iter().any(|c| g.eq_ignore_ascii_case(c)) {
                continue;
            }
            if self.out[k].kind == Kind::Code || self.out[k + 1].kind == Kind::Code {
                continue;
            }
            self.out[k].range = Some(RangeRole::Start);
            self.out[k + 1].range = Some(RangeRole::End);
            let (s0, s1) = (self.out[k].scale, self.out[k + 1].scale);
            if s0 == 1.0 && s1 > 1.0 && self.out[k].value < 1000.0 {
                let n = &mut self.out[k];
                n.value *= s1;
                n.scaled = true;
                n.magnitude = magnitude(n.value);
                n.scale = s1;
            }
            if self.out[k + 1].kind == Kind::Percent && self.out[k].kind == Kind::Cardinal {
                // `percent` follows (`kind == Kind::Percent`).
                self.out[k].kind = Kind::Percent;
            }
        }
    }
}

/// The end of the run of ASCII letters starting at `i` (`i` itself when there is none).
/// Eight bytes at a time (SWAR): a word's end is found in one or two steps rather than one
/// step per letter. For a byte x < 0x80, x + (0x80 - lo) has its high bit set iff x >= lo, and
/// the sums never carry into the next byte.
fn letters_end(b: &[u8], mut i: usize) -> usize {
    const L: u64 = 0x0101_0101_0101_0101;
    const H: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let v = u64::from_le_bytes(w);
        // Lowercased (| 0x20) ASCII bytes in 'a'..='z': high bit per byte.
        let x = (v & !H) | (L * 0x20);
        let letter = (x + L * (0x80 - 0x61)) & !(x + L * (0x80 - 0x7B)) & !v & H;
        let other = !letter & H;
        if other != 0 {
            return i + other.trailing_zeros() as usize / 8;
        }
        i += 8;
    }
    while b.get(i).is_some_and(|x| x.is_ascii_alphabetic()) {
        i += 1;
    }
    i
}

fn magnitude(v: f64) -> i32 {
    if v.abs() < 10.0 {
        0
    } else {
        v.abs().log10().floor() as i32
    }
}

fn en_scale(w: &str) -> Option<f64> {
    Some(match w {
        "thousand" => 1e3,
        "million" => 1e6,
        "billion" => 1e9,
        "trillion" => 1e12,
        _ => return None,
    })
}

const EN_SMALL: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const EN_TENS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

fn en_word_value(w: &str) -> Option<f64> {
    if let Some(i) = EN_SMALL.iter().position(|&s| s == w) {
        return Some(i as f64);
    }
    EN_TENS
        .iter()
        .position(|&s| s == w)
        .map(|i| (i as f64 + 2.0) * 10.0)
}

const EN_ORD: [&str; 20] = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
];
const EN_ORD_TENS: [&str; 8] = [
    "twentieth",
    "thirtieth",
    "fortieth",
    "fiftieth",
    "sixtieth",
    "seventieth",
    "eightieth",
    "ninetieth",
];

fn en_ordinal(w: &str) -> Option<f64> {
    if let Some(i) = EN_ORD.iter().position(|&s| s == w) {
        return Some(i as f64);
    }
    if let Some(i) = EN_ORD_TENS.iter().position(|&s| s == w) {
        return Some((i as f64 + 2.0) * 10.0);
    }
    match w {
        "hundredth" => Some(100.0),
        "thousandth" => Some(1000.0),
        "millionth" => Some(1e6),
        _ => None,
    }
}

#[cfg(test)]
mod reference;

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(text: &str, lang: Lang) -> Vec<f64> {
        extract(text, lang).iter().map(|n| n.value).collect()
    }

    #[test]
    fn chinese_numerals_and_scales() {
        assert_eq!(vals("一百二十三", Lang::Zh), vec![123.0]);
        assert_eq!(vals("两亿五千万", Lang::Zh), vec![2.5e8]);
        assert_eq!(vals("一万五", Lang::Zh), vec![15000.0]);
        assert_eq!(vals("投资了30亿美元", Lang::Zh), vec![3e9]);
        assert_eq!(vals("1.5亿", Lang::Zh), vec![1.5e8]);
        assert_eq!(vals("320 亿", Lang::Zh), vec![3.2e10]);
        assert_eq!(vals("３千万", Lang::Zh), vec![3e7]);
        assert_eq!(vals("二〇二〇年", Lang::Zh), vec![2020.0]);
        assert_eq!(vals("十万", Lang::Zh), vec![1e5]);
        assert_eq!(vals("百万美元", Lang::Zh), vec![1e6]);
        assert_eq!(vals("1,000,000 人", Lang::Zh), vec![1e6]);
    }

    #[test]
    fn chinese_percent_ranges_and_approximations() {
        let n = extract("百分之百", Lang::Zh);
        assert_eq!((n[0].value, n[0].kind), (100.0, Kind::Percent));
        let n = extract("百分之五十", Lang::Zh);
        assert_eq!((n[0].value, n[0].kind), (50.0, Kind::Percent));
        let n = extract("大约５０％", Lang::Zh);
        assert_eq!(
            (n[0].value, n[0].kind, n[0].digits),
            (50.0, Kind::Percent, true)
        );
        let n = extract("五到二十年", Lang::Zh);
        assert_eq!(vals("五到二十年", Lang::Zh), vec![5.0, 20.0]);
        assert_eq!(n[0].range, Some(RangeRole::Start));
        assert_eq!(n[1].range, Some(RangeRole::End));
        assert_eq!(vals("5到20亿", Lang::Zh), vec![5e8, 2e9]);
        let n = extract("十多万人", Lang::Zh);
        assert_eq!((n[0].value, n[0].precision), (1e5, Precision::Approximate));
        assert_eq!(vals("从 90 年代开始", Lang::Zh), vec![1990.0]);
        let n = extract("网络上六个主机", Lang::Zh);
        assert!(n[0].significant(10.0), "{n:?}");
        let n = extract("几十年", Lang::Zh);
        assert_eq!(n[0].precision, Precision::Vague);
        let n = extract("两个学生,三种方法,第二个,两者", Lang::Zh);
        let sig: Vec<f64> = n
            .iter()
            .filter(|n| n.significant(10.0))
            .map(|n| n.value)
            .collect();
        assert_eq!(sig, vec![2.0, 3.0], "{n:?}");
        let n = extract("一百个小时", Lang::Zh);
        assert_eq!(n[0].value, 100.0);
        assert!(n[0].significant(10.0));
    }

    #[test]
    fn chinese_idioms_and_articles_do_not_count() {
        for t in [
            "我十分同意",
            "千万不要这样",
            "万一失败了",
            "我一直在想",
            "一些事情",
            "一样",
        ] {
            assert!(
                extract(t, Lang::Zh).iter().all(|n| !n.significant(10.0)),
                "{t}: {:?}",
                extract(t, Lang::Zh)
            );
        }
        let n = extract("第一", Lang::Zh);
        assert_eq!((n[0].value, n[0].kind), (1.0, Kind::Ordinal));
        assert!(!n[0].significant(10.0));
        let n = extract("十二月", Lang::Zh);
        assert_eq!(n[0].kind, Kind::Month);
        assert!(!n[0].significant(10.0));
    }

    #[test]
    fn english_numbers() {
        assert_eq!(vals("3 billion dollars", Lang::En), vec![3e9]);
        assert_eq!(vals("$5-6 billion", Lang::En), vec![5e9, 6e9]);
        assert_eq!(vals("1,500,000 people", Lang::En), vec![1.5e6]);
        assert_eq!(vals("twenty-five years", Lang::En), vec![25.0]);
        assert_eq!(vals("one hundred and twenty", Lang::En), vec![120.0]);
        assert_eq!(vals("a hundred thousand", Lang::En), vec![1e5]);
        assert_eq!(vals("two million", Lang::En), vec![2e6]);
        assert_eq!(vals("10k", Lang::En), vec![1e4]);
        let n = extract("100% and 50 percent and 5 per cent", Lang::En);
        assert!(n.iter().all(|n| n.kind == Kind::Percent), "{n:?}");
        let n = extract("the 21st century, the first time", Lang::En);
        assert_eq!(n[0].kind, Kind::Ordinal);
        assert_eq!((n[1].value, n[1].kind), (1.0, Kind::Ordinal));
        let n = extract("5 to 20 years", Lang::En);
        assert_eq!(n[1].range, Some(RangeRole::End));
        let n = extract("version 2.6.32 on an H100 at 10:30", Lang::En);
        assert!(n.iter().all(|n| n.kind == Kind::Code), "{n:?}");
        assert_eq!(n[0].text, "2.6.32");
        assert!(extract("thousands of people", Lang::En)[0].precision == Precision::Vague);
        assert!(extract("I18N and L10N, i18n and k8s", Lang::En).is_empty());
        assert!(extract("%2$s 的参数 %1$s, %-10d", Lang::Zh).is_empty());
        assert!(extract("argument %2$s for %5.2f", Lang::En).is_empty());
        let a = extract("ARG1 % ARG2", Lang::En);
        let b = extract("参数1 % 参数2", Lang::Zh);
        assert!(a[0].same_as(&b[0]), "{a:?} {b:?}");
        let a = extract("VT100-like consoles", Lang::En);
        let b = extract("类VT100字符控制台", Lang::Zh);
        assert!(a[0].same_as(&b[0]), "{a:?} {b:?}");
        assert_eq!(vals("花十分钟来学习", Lang::Zh), vec![10.0]);
        assert!(
            extract("十六进制和 16 进制", Lang::Zh)
                .iter()
                .all(|n| !n.significant(10.0))
        );
        assert!(!extract("2021 年 4 月", Lang::Zh)[1].significant(10.0));
        assert_eq!(vals("low hundreds of billions", Lang::En), vec![1e11]);
        assert_eq!(vals("练习一万个小时", Lang::Zh), vec![1e4]);
    }

    #[test]
    fn significant_numbers_are_anchors() {
        let s = significant("one of the five reasons, 30 of them, twelve more", Lang::En);
        let v: Vec<f64> = s.iter().map(|n| n.value).collect();
        assert_eq!(v, vec![30.0, 12.0]);
        assert_eq!(extract("50%", Lang::En)[0].describe(), "50%");
        assert_eq!(extract("30亿", Lang::Zh)[0].describe(), "30亿 = 3000000000");
    }

    #[test]
    fn idiom_first_characters() {
        for (w, &c) in ZH_IDIOMS.iter().zip(&ZH_IDIOM_FIRST) {
            assert_eq!(first_char(w), Some(c), "{w}");
        }
    }

    #[test]
    fn fast_paths_cover_every_trigger() {
        // scan_zh skips characters that are not digits, numerals, 双 or 不: every idiom must
        // start with one of them.
        for w in ZH_IDIOMS {
            let c = first_char(w).unwrap();
            assert!(is_zh_numeral(c) || c == '不', "{w}");
        }
        // en_words skips words outside EN_WORD_LISTS: every word it reads must be there.
        for w in [
            "hundreds",
            "both",
            "a",
            "an",
            "decade",
            "couple",
            "dozen",
            "seventeenth",
        ] {
            assert!(en_number_word(w.as_bytes()), "{w}");
            assert!(en_number_word(w.to_uppercase().as_bytes()), "{w}");
        }
        for w in EN_SMALL
            .iter()
            .chain(&EN_TENS)
            .chain(&EN_ORD)
            .chain(&EN_ORD_TENS)
        {
            assert!(en_number_word(w.as_bytes()), "{w}");
        }
        for w in [
            "thousand",
            "million",
            "billion",
            "trillion",
            "hundredth",
            "thousandth",
        ] {
            assert!(en_number_word(w.as_bytes()), "{w}");
        }
        for w in ["the", "shell", "onex", "", "seventeenths", "prompt"] {
            assert!(!en_number_word(w.as_bytes()), "{w}");
        }
        assert!(extract("no numbers in this line", Lang::En).is_empty());
        assert!(extract("没有数字的句子", Lang::Zh).is_empty());
        assert_eq!(vals("a hundred", Lang::En), vec![100.0]);
        assert_eq!(vals("ＦＦ１２", Lang::En), vec![12.0]);
    }

    #[test]
    fn numeral_table_agrees_with_the_value_functions() {
        for c in '\0'..=char::MAX {
            let plain = zh_digit(c).is_some() || zh_unit(c).is_some();
            assert_eq!(is_zh_numeral(c), plain, "{c:?}");
        }
        let chars_form = |text: &str| {
            text.chars().any(|c| {
                c.is_ascii_digit() || ('０'..='９').contains(&c) || is_zh_numeral(c) || c == '双'
            })
        };
        let mut texts: Vec<String> = ["", "无", "第３章", "双方", "é𠀀x", "十", "a1", "〇"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for c in crate::test_support::every_char() {
            texts.push(format!("中{c}"));
        }
        for t in &texts {
            assert_eq!(
                reference::may_hold_numbers(t, Lang::Zh),
                chars_form(t),
                "{t:?}"
            );
        }
    }

    #[test]
    fn number_word_buckets_agree_with_the_lists() {
        let plain = |w: &[u8]| {
            EN_WORD_LISTS
                .iter()
                .flat_map(|list| list.iter())
                .any(|x| x.as_bytes().eq_ignore_ascii_case(w))
        };
        let mut words: Vec<String> = EN_WORD_LISTS
            .iter()
            .flat_map(|l| l.iter())
            .flat_map(|w| {
                [
                    w.to_string(),
                    w.to_uppercase(),
                    format!("{w}s"),
                    w[1..].to_string(),
                ]
            })
            .collect();
        if let Ok(t) = std::fs::read_to_string("../shared/data/debian-reference.zh-en.tsv") {
            words.extend(
                t.split(|c: char| !c.is_ascii_alphabetic())
                    .filter(|w| !w.is_empty())
                    .map(str::to_string),
            );
        }
        for w in &words {
            assert_eq!(en_number_word(w.as_bytes()), plain(w.as_bytes()), "{w}");
        }
    }

    #[test]
    fn digit_buffer_is_the_string_pushed() {
        for n in [0, 1, 31, 32, 33, 80] {
            let want: String = "0123456789.".chars().cycle().take(n).collect();
            let mut b = reference::DigitBuf::default();
            for c in want.chars() {
                b.push(c);
            }
            assert_eq!(b.as_str(), want);
        }
    }

    /// No character of U+6000..=U+6FFF or U+8000..=U+8FFF (lead bytes E6, E8) starts a number,
    /// so `may_hold_numbers` may step over them.
    #[test]
    fn no_trigger_under_lead_bytes_e6_and_e8() {
        for c in ('\u{6000}'..='\u{6FFF}').chain('\u{8000}'..='\u{8FFF}') {
            assert!(
                !is_zh_numeral(c) && c != '双' && !('０'..='９').contains(&c),
                "{c}"
            );
        }
        let t: String = ('\u{6000}'..='\u{6FFF}')
            .chain('\u{8000}'..='\u{8FFF}')
            .collect();
        assert!(!reference::may_hold_numbers(&t, Lang::Zh));
        assert!(reference::may_hold_numbers(&format!("{t}三"), Lang::Zh));
        assert!(reference::may_hold_numbers(&format!("三{t}"), Lang::Zh));
    }

    #[test]
    fn folded_chars_are_char_indices_folded() {
        for t in ["", "a", "plain ASCII 1,234.5 text\n"] {
            let want: Vec<(usize, char)> = t.char_indices().map(|(i, c)| (i, fold(c))).collect();
            assert_eq!(reference::folded_chars(t), want);
        }
        let mut t: String = crate::test_support::every_char().step_by(7).collect();
        t.push_str("１２３．５％，－～：／ａ中文 x");
        let want: Vec<(usize, char)> = t.char_indices().map(|(i, c)| (i, fold(c))).collect();
        assert_eq!(reference::folded_chars(&t), want);
        for c in ['０'..='９', '．'..='．', '，'..='，', '％'..='％']
            .into_iter()
            .flatten()
        {
            let s = format!("a{c}b");
            let want: Vec<(usize, char)> = s.char_indices().map(|(i, c)| (i, fold(c))).collect();
            assert_eq!(reference::folded_chars(&s), want);
        }
    }

    #[test]
    fn spans_point_into_the_text() {
        let t = "我们投入了 30亿 美元,占５％";
        for n in extract(t, Lang::Zh) {
            assert_eq!(&t[n.span.clone()], n.text);
        }
        let t = "one of the five reasons";
        let n = extract(t, Lang::En);
        assert_eq!(&t[n[1].span.clone()], "five");
        assert!(!n[0].significant(10.0));
    }

    /// The scanner equals the reference (the character-table scanner it replaced) on `t` in
    /// both languages: every field, floats by their bits (Debug shows NaN and -0).
    fn same_as_reference(t: &str) {
        for lang in [Lang::Zh, Lang::En] {
            let (new, old) = (extract(t, lang), reference::extract(t, lang));
            assert_eq!(format!("{new:?}"), format!("{old:?}"), "{lang:?} {t:?}");
            // `NumberAt::same_as` reads a code's span untrimmed.
            for n in new.iter().filter(|n| n.kind == Kind::Code) {
                assert_eq!(&t[n.span.clone()], n.text, "{lang:?} {t:?}");
            }
        }
    }

    #[test]
    fn letters_end_is_the_end_of_the_letter_run() {
        let plain = |b: &[u8], mut i: usize| {
            while b.get(i).is_some_and(|x| x.is_ascii_alphabetic()) {
                i += 1;
            }
            i
        };
        // Every byte value after a run of every length up to two blocks, at every start.
        for x in 0..=255u8 {
            for run in 0..18 {
                let mut b: Vec<u8> = (0..run).map(|k| b"aZmqAz"[k % 6]).collect();
                b.push(x);
                b.extend_from_slice(b"abcdefghij");
                for i in 0..b.len() {
                    assert_eq!(letters_end(&b, i), plain(&b, i), "{b:?} {i}");
                }
            }
        }
        let mut rng = crate::test_support::XorShift::new(0x5DEE_CE66_D1CE_4E5B);
        for _ in 0..20_000 {
            let b: Vec<u8> = (0..rng.index(30))
                .map(|_| match rng.index(3) {
                    0 => rng.below(256) as u8,
                    _ => b"aAzZ@[`{"[rng.index(8)],
                })
                .collect();
            for i in 0..=b.len() + 1 {
                assert_eq!(letters_end(&b, i), plain(&b, i), "{b:?} {i}");
            }
        }
    }

    /// `next_zh_trigger` (SSE2 blocks, then bytewise) from every position of `t` equals
    /// the bytewise scan.
    fn zh_stops_agree(t: &str) {
        let s = Scanner {
            text: t,
            b: t.as_bytes(),
            out: Vec::new(),
            zh_block: std::cell::Cell::new((usize::MAX, 0)),
        };
        for i in (0..=t.len()).filter(|&i| t.is_char_boundary(i)) {
            assert_eq!(
                s.next_zh_trigger(i),
                next_zh_trigger_bytewise(t.as_bytes(), i),
                "{t:?} from {i}"
            );
        }
        #[cfg(target_arch = "x86_64")]
        zh_skip_forms_agree(t);
    }

    /// Each 16-byte form of `zh_skip` (the SSE2 one, which this CPU may not dispatch to, and
    /// the SSSE3 one), with a fresh block cache and with one kept from position to position as
    /// the scanner keeps it: `Ok` is the stop the bytewise scan finds, `Err(j)` a character
    /// boundary from which it finds the same stop (none skipped).
    #[cfg(target_arch = "x86_64")]
    fn zh_skip_forms_agree(t: &str) {
        use std::cell::Cell;
        type Skip = fn(&[u8], usize, &Cell<(usize, u32)>) -> Result<usize, usize>;
        let b = t.as_bytes();
        let mut forms: Vec<Skip> = vec![zh_skip_sse2];
        if std::arch::is_x86_feature_detected!("ssse3") {
            // SAFETY: the CPU has SSSE3.
            forms.push(|b, i, c| unsafe { zh_skip_ssse3(b, i, c) });
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2.
            forms.push(|b, i, c| unsafe { zh_skip_avx2(b, i, c) });
        }
        for (n, f) in forms.into_iter().enumerate() {
            let kept = Cell::new((usize::MAX, 0));
            for i in (0..=t.len()).filter(|&i| t.is_char_boundary(i)) {
                let want = next_zh_trigger_bytewise(b, i);
                for cell in [&Cell::new((usize::MAX, 0)), &kept] {
                    let got = match f(b, i, cell) {
                        Ok(k) => Some(k),
                        Err(j) => {
                            assert!(j >= i && t.is_char_boundary(j), "{t:?} form {n} from {i}");
                            next_zh_trigger_bytewise(b, j)
                        }
                    };
                    assert_eq!(got, want, "{t:?} form {n} from {i}");
                }
            }
        }
    }

    #[test]
    fn trigger_pairs_are_those_of_the_table() {
        for c in crate::test_support::every_char().filter(|c| c.len_utf8() == 3) {
            let mut u = [0; 4];
            let u = c.encode_utf8(&mut u).as_bytes();
            if zh_trigger_at(u, 0) {
                assert!(ZH_TRIGGER_PAIRS.contains(&(u[0], u[1])), "{c:?}");
            }
        }
        // Each pair begins some stop (no pair is there for nothing).
        for &(lead, second) in &ZH_TRIGGER_PAIRS {
            assert!(
                (0x80..0xC0u8).any(|third| zh_trigger_at(&[lead, second, third], 0)),
                "{lead:x} {second:x}"
            );
        }
    }

    #[test]
    fn sse2_prescan_finds_every_stop_at_every_block_offset() {
        let stops: Vec<char> = ('0'..='9')
            .chain(
                crate::test_support::every_char()
                    .filter(|c| c.len_utf8() == 3 && zh_trigger_at(c.to_string().as_bytes(), 0)),
            )
            .collect();
        // Fillers of 1 to 4 bytes put the stop at every offset of a 16-byte block, with a
        // character crossing the block ends before it.
        for c in stops {
            for filler in ["a", "é", "中", "😀"] {
                for n in 0..40 {
                    let t = format!("{}{c}{}", filler.repeat(n), filler.repeat(20));
                    let at = filler.len() * n;
                    assert_eq!(next_zh_trigger_bytewise(t.as_bytes(), 0), Some(at), "{t:?}");
                    zh_stops_agree(&t);
                }
            }
        }
    }

    #[test]
    fn sse2_prescan_skips_no_stop_after_other_characters() {
        // Every three-byte character that is no stop (including those sharing a stop's first
        // two bytes, such as 丁 beside 一), in runs of every phase, before a stop: the scan
        // must go over them to the stop and not stop at them.
        for c in crate::test_support::every_char()
            .filter(|c| c.len_utf8() == 3 && !zh_trigger_at(c.to_string().as_bytes(), 0))
        {
            for lead in ["", "a", "ab"] {
                let t = format!(
                    "{lead}{}七{}",
                    c.to_string().repeat(7),
                    c.to_string().repeat(6)
                );
                let s = Scanner {
                    text: &t,
                    b: t.as_bytes(),
                    out: Vec::new(),
                    zh_block: std::cell::Cell::new((usize::MAX, 0)),
                };
                assert_eq!(s.next_zh_trigger(0), Some(lead.len() + 21), "{t:?}");
                assert_eq!(s.next_zh_trigger(lead.len() + 24), None, "{t:?}");
            }
        }
        // Other characters of 1, 2 and 4 bytes, 16 at a time (fewer, longer strings).
        let others: Vec<char> = crate::test_support::every_char()
            .filter(|c| c.len_utf8() != 3 && !c.is_ascii_digit())
            .collect();
        for chunk in others.chunks(16) {
            let run: String = chunk.iter().collect();
            let t = format!("{run}{run}5{run}");
            zh_stops_agree(&t);
        }
    }

    #[test]
    fn en_first_letters_are_those_of_the_lists() {
        for c in b'a'..=b'z' {
            let want = EN_WORD_LISTS
                .iter()
                .any(|l| l.iter().any(|w| w.as_bytes()[0] == c));
            let ranged = EN_FIRST_RANGES
                .iter()
                .any(|&(lo, hi)| (lo..=hi).contains(&c));
            assert_eq!(
                EN_FIRST_LETTERS & (1 << (c - b'a')) != 0,
                want,
                "{}",
                c as char
            );
            assert_eq!(ranged, want, "{}", c as char);
        }
    }

    /// `en_skip_sse2` from every boundary of `t`, with a fresh block and with the block left
    /// by a walk from the start, lands on the first candidate (or stops where fewer than 16
    /// bytes are left, or at 0 / inside a character, where it returns its argument).
    #[cfg(target_arch = "x86_64")]
    fn en_skip_agrees(t: &str) {
        let b = t.as_bytes();
        let candidate = |q: usize| {
            let x = b[q];
            let latin_before = q > 0 && (b[q - 1].is_ascii_alphabetic() || b[q - 1] == b'_');
            x.is_ascii_digit()
                || x == 0xEF
                || (x.is_ascii_alphabetic()
                    && !latin_before
                    && EN_FIRST_LETTERS & (1 << (x.to_ascii_lowercase() - b'a')) != 0)
        };
        let mut walk = (usize::MAX, 0u32);
        for i in (0..=b.len()).filter(|&i| t.is_char_boundary(i)) {
            for block in [&mut (usize::MAX, 0u32), &mut walk] {
                let got = en_skip_sse2(b, i, block);
                assert!(got >= i && got <= b.len(), "{t:?} from {i}");
                assert!(t.is_char_boundary(got), "{t:?} from {i}: {got}");
                // Nothing skipped is a candidate; where it stops is one unless it gave up.
                assert!((i..got).all(|q| !candidate(q)), "{t:?} from {i}: {got}");
                if i > 0 && got < b.len() && !candidate(got) {
                    assert!(got + 16 > b.len(), "{t:?} from {i}: {got}");
                }
            }
        }
        // The SSSE3 form, on its candidates (to the end of the text).
        if !std::arch::is_x86_feature_detected!("ssse3") {
            return;
        }
        let mut walk = (usize::MAX, 0u32);
        for i in (0..=b.len()).filter(|&i| t.is_char_boundary(i)) {
            for block in [&mut (usize::MAX, 0u32), &mut walk] {
                // SAFETY: the CPU has SSSE3.
                let got = unsafe { en_skip_ssse3(b, i, block) };
                assert!(got >= i && got <= b.len(), "{t:?} from {i}");
                assert!(t.is_char_boundary(got), "{t:?} from {i}: {got}");
                assert!(
                    (i..got).all(|q| !en_bigram_candidate(b, q)),
                    "{t:?} from {i}: {got}"
                );
                if i > 0 && got < b.len() {
                    assert!(en_bigram_candidate(b, got), "{t:?} from {i}: {got}");
                }
            }
        }
        // The AVX2 form: what the SSSE3 form returns, leaving the same block cache.
        if !std::arch::is_x86_feature_detected!("avx2") {
            return;
        }
        let (mut walk, mut walk_avx2) = ((usize::MAX, 0u32), (usize::MAX, 0u32));
        for i in (0..=b.len()).filter(|&i| t.is_char_boundary(i)) {
            for (block, block_avx2) in [
                (&mut (usize::MAX, 0u32), &mut (usize::MAX, 0u32)),
                (&mut walk, &mut walk_avx2),
            ] {
                // SAFETY: the CPU has AVX2 (and so SSSE3).
                let (want, got) =
                    unsafe { (en_skip_ssse3(b, i, block), en_skip_avx2(b, i, block_avx2)) };
                assert_eq!(got, want, "{t:?} from {i}");
                assert_eq!(block_avx2, block, "{t:?} from {i}");
            }
        }
    }

    /// Every position where `scan_en` does something is a candidate of `en_skip_ssse3`: at a
    /// letter not after a letter or '_' that is no [`en_bigram_candidate`], `en_words` reads
    /// nothing and returns inside or at the end of the word (checked on every pair of letters
    /// and a third byte, and on every letter alone).
    #[test]
    fn measure_and_idiom_bits_are_those_of_the_lists() {
        for c in crate::test_support::every_char().filter(|c| c.len_utf8() == 3) {
            let t = c.to_string();
            let nth = |w: &&str, n: usize| w.chars().nth(n) == Some(c);
            assert_eq!(
                three_byte_char_in(t.as_bytes(), 0, &ZH_MEASURE_FIRST_BITS),
                ZH_MEASURE.iter().any(|w| nth(w, 0)),
                "{c:?}"
            );
            assert_eq!(
                three_byte_char_in(t.as_bytes(), 0, &ZH_IDIOM_SECOND_BITS),
                ZH_IDIOMS.iter().any(|w| nth(w, 1)),
                "{c:?}"
            );
        }
        // Not a three-byte character, or cut short: no bit.
        assert!(!three_byte_char_in(
            "a个".as_bytes(),
            0,
            &ZH_MEASURE_FIRST_BITS
        ));
        assert!(!three_byte_char_in(
            &"个".as_bytes()[..2],
            0,
            &ZH_MEASURE_FIRST_BITS
        ));
    }

    #[test]
    fn en_bigrams_keep_every_word_start() {
        let letters: Vec<u8> = (b'a'..=b'z').chain(b'A'..=b'Z').collect();
        let mut kept = 0;
        for &x in &letters {
            for second in letters.iter().copied().chain([b' ', b'-', b'1']) {
                // Every third byte a word may go on with (and none, a space, a digit).
                let thirds =
                    letters
                        .iter()
                        .map(|&z| vec![z])
                        .chain([vec![], vec![b' '], vec![b'1']]);
                for third in thirds {
                    let mut t = vec![b' ', x, second];
                    t.extend_from_slice(&third);
                    let t = String::from_utf8(t).unwrap();
                    if en_bigram_candidate(t.as_bytes(), 1) {
                        kept += 1;
                        continue;
                    }
                    let mut sc = Scanner {
                        text: &t,
                        b: t.as_bytes(),
                        out: Vec::new(),
                        zh_block: std::cell::Cell::new((usize::MAX, 0)),
                    };
                    let end = sc.en_words(1);
                    assert!(sc.out.is_empty(), "{t:?}");
                    assert!(end <= letters_end(t.as_bytes(), 1), "{t:?}");
                }
            }
        }
        // The filter keeps a few word starts, not all.
        assert!(kept > 1000 && kept < 40_000, "{kept}");
        // Every counting word starts with a candidate of `en_may_count_ssse3`.
        for w in EN_COUNTING_WORDS {
            for w in [w.to_string(), w.to_uppercase()] {
                let t = format!(" {w} ");
                assert!(bigram_start(t.as_bytes(), 1, &EN_COUNTING_BIGRAMS), "{w}");
                assert!(pair_fits_at(t.as_bytes(), 2, &EN_COUNTING_PAIRS), "{w}");
            }
        }
        // Every word of the lists starts with a candidate.
        for list in EN_WORD_LISTS {
            for w in list {
                let t = format!(" {w} ");
                assert!(en_bigram_candidate(t.as_bytes(), 1), "{w}");
                let t = format!(" {} ", w.to_uppercase());
                assert!(en_bigram_candidate(t.as_bytes(), 1), "{w}");
            }
        }
    }

    #[test]
    fn en_prescan_stops_at_every_candidate_at_every_block_offset() {
        let tokens: Vec<String> = (b'a'..=b'z')
            .chain(b'A'..=b'Z')
            .map(|c| format!("{}x", c as char))
            .chain(
                ["5", "９", "_one", "x_two", "ａ"]
                    .iter()
                    .map(|s| s.to_string()),
            )
            .collect();
        for tok in &tokens {
            for filler in [" ", "é", "中", "😀", "zz ", ",", "q"] {
                for n in 0..20 {
                    let t = format!("{}{tok} {}", filler.repeat(n), filler.repeat(18));
                    #[cfg(target_arch = "x86_64")]
                    en_skip_agrees(&t);
                    same_as_reference(&t);
                }
            }
        }
        let mut r = crate::test_support::XorShift::new(7);
        let pieces = [
            "one", "Two", " ", "5", "x", "_", "é", "中", "９", "-", "thousand", "cat",
        ];
        for _ in 0..3000 {
            let t: String = (0..r.index(30))
                .map(|_| pieces[r.index(pieces.len())])
                .collect();
            #[cfg(target_arch = "x86_64")]
            en_skip_agrees(&t);
            same_as_reference(&t);
        }
    }

    #[test]
    fn trigger_table_is_the_trigger_characters() {
        for c in crate::test_support::every_char().filter(|c| c.len_utf8() == 3) {
            let want = is_zh_numeral(c) || c == '双' || c == '不' || ('０'..='９').contains(&c);
            let k = c as usize;
            assert_eq!(
                ZH_TRIGGER_BITS[k / 64] & (1 << (k % 64)) != 0,
                want,
                "{c:?}"
            );
        }
    }

    #[test]
    fn equals_the_reference_on_every_debian_cell() {
        crate::test_support::each_debian_cell(same_as_reference);
    }

    #[test]
    fn equals_the_reference_on_the_interview() {
        use crate::test_support::{INTERVIEW, shared_file};
        let Some(t) = shared_file(INTERVIEW) else {
            return;
        };
        for line in t.lines() {
            same_as_reference(line);
        }
        same_as_reference(&t);
    }

    #[test]
    fn equals_the_reference_around_every_character() {
        for c in crate::test_support::every_char() {
            same_as_reference(&format!("{c}1{c}2,{c}十{c}one{c}"));
        }
    }

    /// Pieces the generated texts are made of: what the scanners look at (digits, separators,
    /// full-width forms, numerals, units, the characters read around numbers, number words,
    /// suffixes, printf and numeronym shapes) and plain text.
    const PIECES: &[&str] = &[
        "0",
        "1",
        "2",
        "3",
        "5",
        "7",
        "9",
        "00",
        "12",
        "123",
        "1234",
        "999",
        "０",
        "１",
        "５",
        "９",
        ",",
        ".",
        "，",
        "、",
        "-",
        "~",
        "%",
        "％",
        "．",
        "：",
        "／",
        ":",
        "/",
        "$",
        "#",
        "+",
        " ",
        " ",
        " ",
        "\u{3000}",
        "\u{a0}",
        "－",
        "～",
        "–",
        "—",
        "〜",
        "零",
        "〇",
        "一",
        "二",
        "三",
        "四",
        "五",
        "六",
        "七",
        "八",
        "九",
        "十",
        "百",
        "千",
        "万",
        "亿",
        "两",
        "双",
        "不",
        "第",
        "几",
        "数",
        "上",
        "多",
        "余",
        "来",
        "月",
        "年",
        "代",
        "进制",
        "分之",
        "百分之",
        "百分百",
        "个",
        "种",
        "小时",
        "到",
        "至",
        "十分",
        "千万不",
        "万一",
        "一五一十",
        "的",
        "中",
        "a",
        "an",
        "A",
        "one",
        "two",
        "Twenty",
        "twenty",
        "five",
        "hundred",
        "thousand",
        "million",
        "billion",
        "Billion",
        "dozen",
        "dozens",
        "hundreds",
        "thousands",
        "of",
        "and",
        "per",
        "cent",
        "percent",
        "to",
        "first",
        "twentieth",
        "hundredth",
        "decade",
        "couple",
        "both",
        "twice",
        "triple",
        "st",
        "nd",
        "rd",
        "th",
        "k",
        "M",
        "m",
        "B",
        "bn",
        "s",
        "x",
        "I",
        "N",
        "i",
        "n",
        "K",
        "S",
        "_",
        "H",
        "vt",
        "e",
        "1.5",
        "2.6.32",
        "10:30",
        "%2$s",
        "%-10d",
        "%5.2f",
        "\n",
        "\t",
        "(",
        ")",
        "é",
        "𠀀",
        "ａ",
        "12345678901234567890",
        "0.000000000000000000000001",
    ];

    #[test]
    fn equals_the_reference_on_generated_texts() {
        let mut rng = crate::test_support::XorShift::new(0x9E37_79B9_7F4A_7C15);
        for _ in 0..100_000 {
            let mut t = String::new();
            for _ in 0..1 + rng.index(24) {
                if rng.index(12) == 0 {
                    // Any character at all.
                    let c = char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{FFFD}');
                    t.push(c);
                } else {
                    t.push_str(PIECES[rng.index(PIECES.len())]);
                }
            }
            same_as_reference(&t);
        }
    }

    /// `may_count` false: no number read counts with any `min_word_value` above 9.
    fn may_count_holds(t: &str) -> usize {
        let mut quiet = 0;
        for lang in [Lang::Zh, Lang::En] {
            if lang == Lang::En {
                assert_eq!(
                    en_may_count(t.as_bytes()),
                    en_may_count_bytewise(t.as_bytes()),
                    "{t:?}"
                );
                #[cfg(target_arch = "x86_64")]
                {
                    let b = t.as_bytes();
                    assert_eq!(en_may_count_sse2(b), en_may_count_bytewise(b), "{t:?}");
                    if std::arch::is_x86_feature_detected!("ssse3") {
                        // SAFETY: the CPU has SSSE3.
                        let fast = unsafe { en_may_count_ssse3(b) };
                        assert_eq!(fast, en_may_count_bytewise(b), "{t:?}");
                    }
                    if std::arch::is_x86_feature_detected!("avx2") {
                        // SAFETY: the CPU has AVX2.
                        let fast = unsafe { en_may_count_avx2(b) };
                        assert_eq!(fast, en_may_count_bytewise(b), "{t:?}");
                    }
                }
            }
            if !may_count(t, lang) {
                quiet += 1;
                let min = f64::from_bits(9.0f64.to_bits() + 1);
                for n in extract(t, lang) {
                    assert!(!n.significant(min), "{t:?} {lang:?}: {n:?}");
                }
            }
        }
        quiet
    }

    #[test]
    fn may_start_keeps_every_word_of_the_lists() {
        let counting: &[&[&str]] = &[EN_COUNTING_WORDS];
        for (lists, table) in [
            (&EN_WORD_LISTS[..], &EN_WORD_TRIGRAMS),
            (counting, &EN_COUNTING_TRIGRAMS),
        ] {
            for w in lists.iter().flat_map(|l| l.iter()) {
                for t in [
                    w.to_string(),
                    w.to_uppercase(),
                    w[..1].to_uppercase() + &w[1..],
                ] {
                    for after in ["", " ", "-", "1", "é", "中"] {
                        let b = format!("{t}{after}");
                        assert!(may_start(b.as_bytes(), 0, table), "{b:?}");
                        let b = format!(" {t}{after}");
                        assert!(may_start(b.as_bytes(), 1, table), "{b:?}");
                    }
                }
            }
        }
        // It does reject: the most common English words.
        for w in [
            "the", "to", "of", "that", "and", "is", "file", "system", "debian",
        ] {
            let b = format!("{w} ");
            let word = en_number_word(w.as_bytes());
            assert!(
                !word && !may_start(b.as_bytes(), 0, &EN_WORD_TRIGRAMS),
                "{w}"
            );
        }
        // Every word that may_start rejects is no word of the lists, at every position of
        // generated texts (the scanner oracles check the rest).
        let mut rng = crate::test_support::XorShift::new(7);
        let letters = b"abcdefghijklmnopqrstuvwxyzTHEO -1";
        for _ in 0..20_000 {
            let n = 1 + rng.index(9);
            let t: Vec<u8> = (0..n).map(|_| letters[rng.index(letters.len())]).collect();
            for i in (0..t.len()).filter(|&i| t[i].is_ascii_alphabetic()) {
                let w = &t[i..letters_end(&t, i)];
                if en_number_word(w) {
                    assert!(may_start(&t, i, &EN_WORD_TRIGRAMS), "{t:?} {i}");
                }
                if en_counting_word(w) {
                    assert!(may_start(&t, i, &EN_COUNTING_TRIGRAMS), "{t:?} {i}");
                }
            }
        }
    }

    #[test]
    fn printf_spec_is_printf_spec_chars() {
        let pieces = [
            "%", "%-", "%+", "% ", "%#", "%0", "-", " ", "0", "５", "％", "－", "０", "中", "a",
            "1", "2$s", "d", ".5f", "lu", "é",
        ];
        let mut rng = crate::test_support::XorShift::new(11);
        for _ in 0..30_000 {
            let mut t = String::new();
            for _ in 0..rng.index(7) {
                t.push_str(pieces[rng.index(pieces.len())]);
            }
            let s = Scanner {
                text: &t,
                b: t.as_bytes(),
                out: Vec::new(),
                zh_block: std::cell::Cell::new((usize::MAX, 0)),
            };
            for i in (0..=t.len()).filter(|&i| t.is_char_boundary(i)) {
                assert_eq!(s.printf_spec(i), s.printf_spec_chars(i), "{t:?} at {i}");
            }
        }
    }

    #[test]
    fn may_count_on_every_debian_cell() {
        let mut quiet = 0;
        crate::test_support::each_debian_cell(|c| quiet += may_count_holds(c));
        // Not a test that passes by saying "may" everywhere: most cells have nothing.
        if crate::test_support::shared_file(crate::test_support::DEBIAN).is_some() {
            assert!(quiet > 5_000, "{quiet}");
        }
    }

    #[test]
    fn may_count_around_every_character() {
        for c in crate::test_support::every_char() {
            for t in [
                format!("{c}一{c}ten{c}"),
                format!("一{c}不{c}双{c}a{c}"),
                format!("{c}Hundred{c}"),
                format!("a{c}dozen"),
            ] {
                may_count_holds(&t);
            }
        }
    }

    #[test]
    fn may_count_on_generated_texts() {
        let mut rng = crate::test_support::XorShift::new(0x5851_F42D_4C95_7F2D);
        let mut quiet = 0;
        for _ in 0..100_000 {
            let mut t = String::new();
            for _ in 0..1 + rng.index(12) {
                if rng.index(12) == 0 {
                    let c = char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{FFFD}');
                    t.push(c);
                } else {
                    t.push_str(PIECES[rng.index(PIECES.len())]);
                }
            }
            quiet += may_count_holds(&t);
        }
        assert!(quiet > 10_000, "{quiet}");
    }
}
