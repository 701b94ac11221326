//! Length units for comparing a Chinese text with its English translation.
//!
//! - Chinese length, in Han-equivalent characters: every Han character counts 1, every Latin
//!   letter or ASCII digit counts 1/3. Latin terms inside Chinese (`pre-training`, `GPT-3`) are
//!   carried into the English at about their own length, while one Han character becomes
//!   about three to four English characters, so counting a Latin letter as a third of a Han
//!   character keeps code-mixed Chinese on the same scale as pure Chinese. Punctuation and
//!   spaces count 0. (Measured on Debian Reference translated rows: with letters at 1/3 the
//!   spread of log(en/zh) is 0.134, against 0.251 counting them as full characters.)
//! - English length, in characters: every character, with each run of whitespace counted as
//!   one space and the ends trimmed.

#[cfg(test)]
use crate::text::script::{is_han, is_latin};

/// Weight of a Latin letter or digit inside Chinese text, in Han characters.
pub const LATIN_IN_ZH: f64 = 1.0 / 3.0;

/// Han-equivalent length of a Chinese text.
pub fn zh_chars(text: &str) -> f64 {
    let (han, latin) = han_latin(text);
    zh_chars_of(han, latin)
}

/// `zh_chars` from the counts of [`han_latin`].
pub fn zh_chars_of(han: usize, latin: usize) -> f64 {
    han as f64 + latin as f64 * LATIN_IN_ZH
}

/// The two counts `zh_chars` weighs: Han characters (those of `script::is_han`, so the first
/// is `script::han_count(text)`) and Latin letters or digits (ASCII alphanumerics, Latin
/// letters with diacritics, full-width letters and digits). One pass gives both, so the score
/// (which counts a pair's Han) and the length model read the Chinese once.
pub fn han_latin(text: &str) -> (usize, usize) {
    #[cfg(target_arch = "x86_64")]
    {
        let b = text.as_bytes();
        if b.len() < 16 {
            han_latin_bytes(text)
        } else if b.len() >= 34
            && std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("popcnt")
            && let Some(counts) = unsafe {
                // SAFETY: the CPU has AVX2 and POPCNT (checked just above, cached by std).
                han_latin_avx2(b)
            }
        {
            counts
        } else if std::arch::is_x86_feature_detected!("popcnt") {
            // SAFETY: the CPU has POPCNT (checked once, then cached by std).
            unsafe { han_latin_popcnt(b) }
        } else {
            han_latin_sse2(b)
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        han_latin_bytes(text)
    }
}

/// `han_latin` of text of at least 34 bytes without four-byte characters (None for other
/// text), 32 bytes at a time (AVX2, detected at run time), every character classed at its
/// first byte from that byte and the next two (read as windows at +1 and +2, as
/// `script::han_count` does), without decoding:
///
/// ```text
/// Han    E5-E9; E3 b1 >= 90 (U+3400-U+3FFF), E3 80 87 (U+3007); E4 b1 != B7 (U+4000-U+4DBF,
///        U+4E00-U+4FFF); EF A4-AB (U+F900-U+FAFF)
/// Latin  ASCII letters and digits; C3-C8 (U+00C0-U+023F); C9 80-8F (U+0240-U+024F);
///        EF BC 90-99 (U+FF10-U+FF19), EF BC A1-BA (U+FF21-U+FF3A), EF BD 81-9A (U+FF41-U+FF5A)
/// ```
///
/// A continuation byte (80-BF) matches none of these leads. The windows step 32 bytes while
/// 34 are readable, then one window of the text's last 34 bytes counts the leads not counted
/// yet; the last two bytes, which no window tests as leads, are classed one by one (they can
/// only be ASCII, continuation bytes or the lead of a two-byte character). Why: Chinese has
/// many characters outside E5-E9 (一 and 们 are E4, 。 E3, ， EF), which the 16-byte form
/// decodes one by one.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt")]
fn han_latin_avx2(b: &[u8]) -> Option<(usize, usize)> {
    use std::arch::x86_64::*;
    /// (Han leads, Latin leads, four-byte leads) among the 32 bytes at p, bit k for byte k.
    ///
    /// # Safety
    /// `p` must point at 34 readable bytes; the CPU must have AVX2.
    #[inline(always)]
    unsafe fn masks(p: *const u8) -> (u32, u32, u32) {
        // SAFETY: AVX2 (the caller's target feature); unaligned loads of 32 bytes at p,
        // p + 1, p + 2.
        unsafe {
            let v = _mm256_loadu_si256(p as *const __m256i);
            let v1 = _mm256_loadu_si256(p.add(1) as *const __m256i);
            let v2 = _mm256_loadu_si256(p.add(2) as *const __m256i);
            let eq = |x: __m256i, c: u8| _mm256_cmpeq_epi8(x, _mm256_set1_epi8(c as i8));
            // x in lo..lo + n (unsigned): d = x - lo wraps, and d < n iff min(d, n - 1) == d.
            let in_range = |x: __m256i, lo: u8, n: u8| {
                let d = _mm256_sub_epi8(x, _mm256_set1_epi8(lo as i8));
                _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8((n - 1) as i8)), d)
            };
            let ef = eq(v, 0xEF);
            let e3 = _mm256_and_si256(
                eq(v, 0xE3),
                _mm256_or_si256(
                    in_range(v1, 0x90, 0x30),
                    _mm256_and_si256(eq(v1, 0x80), eq(v2, 0x87)),
                ),
            );
            let e4 = _mm256_andnot_si256(eq(v1, 0xB7), eq(v, 0xE4));
            let ef_han = _mm256_and_si256(ef, in_range(v1, 0xA4, 8));
            let han = _mm256_or_si256(
                _mm256_or_si256(in_range(v, 0xE5, 5), e3),
                _mm256_or_si256(e4, ef_han),
            );
            let letter = in_range(_mm256_or_si256(v, _mm256_set1_epi8(0x20)), b'a', 26);
            let ascii = _mm256_or_si256(letter, in_range(v, b'0', 10));
            let two_byte = _mm256_or_si256(
                in_range(v, 0xC3, 6),
                _mm256_and_si256(eq(v, 0xC9), in_range(v1, 0x80, 16)),
            );
            let full_width = _mm256_and_si256(
                ef,
                _mm256_or_si256(
                    _mm256_and_si256(
                        eq(v1, 0xBC),
                        _mm256_or_si256(in_range(v2, 0x90, 10), in_range(v2, 0xA1, 26)),
                    ),
                    _mm256_and_si256(eq(v1, 0xBD), in_range(v2, 0x81, 26)),
                ),
            );
            let latin = _mm256_or_si256(ascii, _mm256_or_si256(two_byte, full_width));
            (
                _mm256_movemask_epi8(han) as u32,
                _mm256_movemask_epi8(latin) as u32,
                _mm256_movemask_epi8(in_range(v, 0xF0, 16)) as u32,
            )
        }
    }
    let n = b.len();
    if n < 34 {
        return None;
    }
    let (mut han, mut latin, mut four_byte) = (0usize, 0usize, 0u32);
    let mut i = 0;
    while i + 34 <= n {
        // SAFETY: b[i..i + 34] is in bounds; AVX2 is enabled on this function.
        let (h, l, f) = unsafe { masks(b.as_ptr().add(i)) };
        han += h.count_ones() as usize;
        latin += l.count_ones() as usize;
        four_byte |= f;
        i += 32;
    }
    if i < n - 2 {
        // The window b[n - 34..n]: its bytes from i on (bit i - (n - 34) up) are new.
        // SAFETY: n >= 34; AVX2 as above.
        let (h, l, f) = unsafe { masks(b.as_ptr().add(n - 34)) };
        let new = u32::MAX << (i + 34 - n);
        han += (h & new).count_ones() as usize;
        latin += (l & new).count_ones() as usize;
        four_byte |= f & new;
    }
    if four_byte != 0 {
        return None;
    }
    // The last two bytes: ASCII, continuation bytes, or (the second last) a two-byte lead.
    let (x, y) = (b[n - 2], b[n - 1]);
    latin += usize::from(x.is_ascii_alphanumeric()) + usize::from(y.is_ascii_alphanumeric());
    latin += usize::from((0xC3..=0xC8).contains(&x) || (x == 0xC9 && y < 0x90));
    Some((han, latin))
}

/// The counts of a character that is not ASCII, from its code point: (Han, Latin).
#[inline(always)]
fn multibyte_class(cp: u32) -> (usize, usize) {
    match cp {
        0x4E00..=0x9FFF
        | 0x3400..=0x4DBF
        | 0x20000..=0x2A6DF
        | 0x2A700..=0x2EBEF
        | 0xF900..=0xFAFF
        | 0x2F800..=0x2FA1F
        | 0x3007 => (1, 0),
        0xFF21..=0xFF3A | 0xFF41..=0xFF5A | 0x00C0..=0x024F | 0xFF10..=0xFF19 => (0, 1),
        _ => (0, 0),
    }
}

/// [`han_latin_sse2`] compiled with POPCNT (not in the x86-64 baseline; without it each
/// `count_ones` is a dozen instructions).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
fn han_latin_popcnt(b: &[u8]) -> (usize, usize) {
    han_latin_sse2(b)
}

/// `han_latin` 16 bytes at a time (SSE2, part of every x86-64 CPU), for texts of at least 16
/// bytes. Every character is counted at its first byte, so a block may start inside a
/// character: ASCII letters and digits are Latin, lead bytes E5..=E9 (U+5000..=U+9FFF) are
/// Han, other lead bytes (C0..=FF) are decoded one by one from the text, and continuation
/// bytes count nothing. The last partial block is the text's last 16 bytes, its masks
/// shifted past the bytes already counted.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn han_latin_sse2(b: &[u8]) -> (usize, usize) {
    use crate::text::simd::{ascii_alnum, in_range};
    use std::arch::x86_64::*;
    // Masks of 16 bytes: (ASCII alphanumeric, lead E5..=E9, other lead bytes).
    // SAFETY: SSE2 is part of x86-64; `p` points at 16 readable bytes (an unaligned load).
    let masks = |p: *const u8| unsafe {
        let v = _mm_loadu_si128(p as *const __m128i);
        let alnum = ascii_alnum(v);
        let han = in_range(v, 0xE5, 5);
        let lead = in_range(v, 0xC0, 64);
        (
            _mm_movemask_epi8(alnum) as u32,
            _mm_movemask_epi8(han) as u32,
            _mm_movemask_epi8(_mm_andnot_si128(han, lead)) as u32,
        )
    };
    let n = b.len();
    assert!(n >= 16);
    let (mut han, mut latin) = (0usize, 0usize);
    let mut i = 0;
    while i < n {
        let (a, h, mut other) = if i + 16 <= n {
            masks(b[i..].as_ptr())
        } else {
            let shift = 16 - (n - i);
            let (a, h, o) = masks(b[n - 16..].as_ptr());
            (a >> shift, h >> shift, o >> shift)
        };
        latin += a.count_ones() as usize;
        han += h.count_ones() as usize;
        while other != 0 {
            let (cp, _) = crate::text::decode_multibyte(b, i + other.trailing_zeros() as usize);
            let (h, l) = multibyte_class(cp);
            han += h;
            latin += l;
            other &= other - 1;
        }
        i += 16;
    }
    (han, latin)
}

/// `han_latin` one character at a time from the bytes (short texts, other architectures;
/// the reference of the SSE2 form in the tests).
fn han_latin_bytes(text: &str) -> (usize, usize) {
    // Byte walk: each character is classified from its UTF-8 lead byte and decoded code
    // point, as `zh_chars_general` does from chars (checked on every char in the tests).
    let b = text.as_bytes();
    let (mut han, mut latin) = (0usize, 0usize);
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        if x < 0x80 {
            latin += usize::from(x.is_ascii_alphanumeric());
            i += 1;
            continue;
        }
        // Lead bytes E5..=E9 start U+5000..=U+9FFF, all Han: most of a Chinese text's
        // characters, counted without decoding.
        if (0xE5..=0xE9).contains(&x) {
            han += 1;
            i += 3;
            continue;
        }
        let (cp, len) = crate::text::decode_multibyte(b, i);
        i += len;
        let (h, l) = multibyte_class(cp);
        han += h;
        latin += l;
    }
    (han, latin)
}

/// `zh_chars` char by char, with `is_han` and `is_latin`: the definition.
#[cfg(test)]
fn zh_chars_general(text: &str) -> f64 {
    let (han, latin) = han_latin_general(text);
    han as f64 + latin as f64 * LATIN_IN_ZH
}

/// `han_latin` from the chars, with `is_han` and `is_latin`: the definition.
#[cfg(test)]
fn han_latin_general(text: &str) -> (usize, usize) {
    let (mut han, mut latin) = (0, 0);
    for c in text.chars() {
        if c.is_ascii() {
            latin += usize::from(c.is_ascii_alphanumeric());
        } else if is_han(c) {
            han += 1;
        } else if is_latin(c) || ('０'..='９').contains(&c) {
            latin += 1;
        }
    }
    (han, latin)
}

/// Character length of an English text, whitespace runs counted once.
#[cfg_attr(not(target_arch = "x86_64"), allow(unused_mut))] // `i` moves only in the SSE2 block
pub fn en_chars(text: &str) -> f64 {
    if text.is_ascii() {
        // ASCII: one byte per character, and the whitespace of `char::is_whitespace` is
        // space, \t, \n, \x0B, \x0C, \r. Counts the same as the general loop below.
        let ws = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
        // Every byte counts but a whitespace byte right after another one (the ends are
        // trimmed, so no run is left out).
        let t = text.trim().as_bytes();
        let mut i = 1;
        let mut doubled = 0;
        // 16 bytes at a time: the whitespace mask of bytes i.. and that of bytes i - 1..
        // (an overlapping load), ANDed and counted.
        #[cfg(target_arch = "x86_64")]
        while i + 16 <= t.len() {
            use crate::text::simd::in_range;
            use std::arch::x86_64::*;
            // SAFETY: `1 <= i` and `i + 16 <= t.len()`: both 16-byte loads (unaligned) are
            // inside `t`; SSE2 is part of the x86-64 baseline.
            let m = unsafe {
                let ws = |p: *const u8| {
                    let x = _mm_loadu_si128(p as *const __m128i);
                    // \t \n \x0B \x0C \r are 9..=13.
                    _mm_or_si128(
                        in_range(x, b'\t', 5),
                        _mm_cmpeq_epi8(x, _mm_set1_epi8(b' ' as i8)),
                    )
                };
                let p = t.as_ptr().add(i);
                _mm_movemask_epi8(_mm_and_si128(ws(p), ws(p.sub(1)))) as u32
            };
            doubled += m.count_ones() as usize;
            i += 16;
        }
        let rest = &t[(i - 1).min(t.len())..];
        doubled += rest.windows(2).filter(|w| ws(w[0]) && ws(w[1])).count();
        return (t.len() - doubled) as f64;
    }
    #[cfg(target_arch = "x86_64")]
    if let Some(n) = en_chars_utf8(text.as_bytes()) {
        return n as f64;
    }
    en_chars_general(text)
}

/// `en_chars` of UTF-8 text whose whitespace is all ASCII (None for other text), 16 bytes
/// at a time (SSE2): the characters are the bytes that are not continuation bytes
/// (80..BF), so with S the ASCII whitespace bytes, `lead` and `trail` the whitespace runs at
/// the ends and `pairs` the bytes i with S[i] and S[i-1],
///
/// ```text
/// en_chars = #(non-continuation bytes) - lead - trail - (pairs - (lead-1)+ - (trail-1)+)
/// ```
///
/// (the ASCII formula of `en_chars` with characters for bytes). Whitespace outside ASCII
/// (U+0085, U+00A0, U+1680, U+2000..U+205F, U+3000) has a lead byte C2, E1, E2 or E3: each
/// character with such a lead (E2 also starts the curly quotes and dashes) is decoded and
/// the text left to the general loop when it is whitespace.
#[cfg(target_arch = "x86_64")]
fn en_chars_utf8(b: &[u8]) -> Option<usize> {
    use crate::text::simd::in_range;
    use std::arch::x86_64::*;
    // (whitespace, continuation bytes, leads C2 E1 E2 E3) of 16 bytes, bit k for byte k.
    // SAFETY: SSE2 is part of x86-64; `p` points at 16 readable bytes (an unaligned load).
    let masks = |p: *const u8| unsafe {
        let v = _mm_loadu_si128(p as *const __m128i);
        let s = _mm_or_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8)),
            in_range(v, b'\t', 5),
        );
        let l = _mm_or_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8(0xC2u8 as i8)),
            in_range(v, 0xE1, 3),
        );
        (
            _mm_movemask_epi8(s) as u32 as u64,
            _mm_movemask_epi8(in_range(v, 0x80, 64)) as u32 as u64,
            _mm_movemask_epi8(l) as u32 as u64,
        )
    };
    let n = b.len();
    let (mut chars, mut pairs, mut ps) = (0usize, 0usize, 0u64);
    let (mut first, mut last) = (usize::MAX, 0usize);
    let mut i = 0;
    while i < n {
        let (s, c, mut l, valid) = if i + 16 <= n {
            let (s, c, l) = masks(b[i..].as_ptr());
            (s, c, l, 0xFFFF)
        } else if n >= 16 {
            // The text's last 16 bytes, their masks shifted past the bytes already read.
            let shift = 16 - (n - i);
            let (s, c, l) = masks(b[n - 16..].as_ptr());
            (s >> shift, c >> shift, l >> shift, (1u64 << (n - i)) - 1)
        } else {
            // A zero-padded copy (NUL is in no mask; `valid` leaves the padding out).
            let mut buf = [0u8; 16];
            buf[..n].copy_from_slice(b);
            let (s, c, l) = masks(buf.as_ptr());
            (s, c, l, (1u64 << n) - 1)
        };
        while l != 0 {
            let (cp, _) = crate::text::decode_multibyte(b, i + l.trailing_zeros() as usize);
            if char::from_u32(cp).is_some_and(char::is_whitespace) {
                return None;
            }
            l &= l - 1;
        }
        chars += (valid & !c).count_ones() as usize;
        let visible = valid & !s;
        if visible != 0 {
            if first == usize::MAX {
                first = i + visible.trailing_zeros() as usize;
            }
            last = i + 63 - visible.leading_zeros() as usize;
        }
        pairs += (s & ((s << 1) | ps) & 0xFFFF).count_ones() as usize;
        ps = (s >> 15) & 1;
        i += 16;
    }
    if first == usize::MAX {
        return Some(0);
    }
    let (lead, trail) = (first, n - 1 - last);
    let inner = pairs - lead.saturating_sub(1) - trail.saturating_sub(1);
    Some(chars - lead - trail - inner)
}

/// `en_chars` for any text, character by character.
fn en_chars_general(text: &str) -> f64 {
    let mut n = 0usize;
    let mut in_space = false;
    for c in text.trim().chars() {
        if c.is_whitespace() {
            if !in_space {
                n += 1;
            }
            in_space = true;
        } else {
            n += 1;
            in_space = false;
        }
    }
    n as f64
}

/// The Chinese text without translator's notes — `（译注：...）`, `(译者注: ...)` — which
/// have no counterpart in the English by design.
pub fn without_translator_notes(text: &str) -> std::borrow::Cow<'_, str> {
    // Both markers start with 译: one character search rules most texts out.
    if !text.contains('译') || (!text.contains("译注") && !text.contains("译者注")) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(['（', '(']) {
        let after = &rest[open..];
        let inner = after.trim_start_matches(['（', '(']).trim_start();
        let close = after.find(['）', ')']);
        match close {
            Some(c) if inner.starts_with("译注") || inner.starts_with("译者注") => {
                out.push_str(&rest[..open]);
                let close_len = after[c..].chars().next().map_or(1, char::len_utf8);
                rest = &after[c + close_len..];
            }
            _ => {
                let step = open + after.chars().next().map_or(1, char::len_utf8);
                out.push_str(&rest[..step]);
                rest = &rest[step..];
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Length of a text in the unit of its language.
pub fn chars(text: &str, lang: crate::model::Lang) -> f64 {
    match lang {
        crate::model::Lang::Zh => zh_chars(text),
        crate::model::Lang::En => en_chars(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_letters_in_chinese_count_a_third() {
        assert_eq!(zh_chars("当然可以。"), 4.0);
        assert!((zh_chars("我们做 pre-training 吧") - (4.0 + 11.0 / 3.0)).abs() < 1e-9);
        assert_eq!(zh_chars("GDP 的 1%"), 1.0 + 4.0 / 3.0);
    }

    #[test]
    fn translator_notes_are_removed() {
        assert_eq!(
            without_translator_notes("作为一个标识（one token）（译注：one token 是指结构单元）。"),
            "作为一个标识（one token）。"
        );
        assert_eq!(
            without_translator_notes("没有注释（真的）"),
            "没有注释（真的）"
        );
    }

    #[test]
    fn english_whitespace_runs_count_once() {
        assert_eq!(en_chars("  Sure.  "), 5.0);
        assert_eq!(en_chars("a  b\n c"), 5.0);
    }

    #[test]
    fn zh_byte_walk_agrees_with_the_char_definition() {
        for c in '\0'..=char::MAX {
            let t = c.to_string();
            assert_eq!(zh_chars(&t), zh_chars_general(&t), "{c:?}");
        }
        let mixed = "我们做 pre-training 吧，ＧＰＵ１２ é𠀀〇 x";
        assert_eq!(zh_chars(mixed), zh_chars_general(mixed));
    }

    /// The score reads a pair's Han count from `han_latin`, where it used `han_count`.
    #[test]
    fn han_of_han_latin_is_han_count() {
        use crate::text::script::han_count;
        for c in '\0'..=char::MAX {
            let t = format!("a{c}中{c}");
            assert_eq!(han_latin(&t).0, han_count(&t), "{c:?}");
        }
        let mixed = "我们做 pre-training 吧，ＧＰＵ１２ é𠀀〇 x";
        assert_eq!(han_latin(mixed).0, han_count(mixed));
        assert_eq!(zh_chars_of(3, 4), zh_chars("中文字abcd"));
    }

    /// The 16-byte blocks start anywhere in a character: every character at every offset
    /// of a block, generated mixed texts and every Debian cell (when ../shared is present).
    #[test]
    fn han_latin_in_blocks_agrees_with_the_definition() {
        // The definition is computed once per text and the CPU features read once: this
        // test runs over every character, so in a debug build that is most of its time.
        #[cfg(target_arch = "x86_64")]
        let (popcnt, avx2) = (
            std::arch::is_x86_feature_detected!("popcnt"),
            std::arch::is_x86_feature_detected!("avx2"),
        );
        let check = |t: &str| {
            let want = han_latin_general(t);
            assert_eq!(han_latin(t), want, "{t:?}");
            assert_eq!(han_latin_bytes(t), want, "{t:?}");
            #[cfg(target_arch = "x86_64")]
            if t.len() >= 16 {
                // Both builds of the block form, whichever the CPU would pick.
                assert_eq!(han_latin_sse2(t.as_bytes()), want, "{t:?}");
                if popcnt {
                    // SAFETY: checked above.
                    let p = unsafe { han_latin_popcnt(t.as_bytes()) };
                    assert_eq!(p, want, "{t:?}");
                }
            }
            // The AVX2 windows: exact on text of 34 bytes or more without four-byte
            // characters, None on the rest.
            #[cfg(target_arch = "x86_64")]
            if avx2 && popcnt {
                // SAFETY: checked above.
                let w = unsafe { han_latin_avx2(t.as_bytes()) };
                let four = t.bytes().any(|x| x >= 0xF0);
                assert_eq!(w.is_some(), t.len() >= 34 && !four, "{t:?}");
                if let Some(w) = w {
                    assert_eq!(w, want, "{t:?}");
                }
            }
        };
        for (k, c) in crate::test_support::every_char().enumerate() {
            let pad = "x".repeat(k % 19);
            check(&format!("{pad}{c}中{c}ab{c}"));
            // Every character at every offset of a 32-byte window, at the end of the text
            // (the last two bytes) and just before it.
            let pad = "中".repeat(k % 13);
            let ascii = "0123456789abcdefghijklmnopqrstuv";
            if k % 2 == 0 {
                check(&format!("{pad}{ascii}{c}a{c}"));
            } else {
                check(&format!("{pad}{ascii}{c}{c}z"));
            }
        }
        let parts = [
            "中",
            "文",
            "一",
            "\u{4E00}",
            "\u{4DFF}",
            "\u{9FFF}",
            "\u{A000}",
            "𠀀",
            "〇",
            "a",
            "Z",
            "9",
            " ",
            "。",
            "，",
            "（",
            "é",
            "ÿ",
            "ɏ",
            "ɐ",
            "Ａ",
            "ｚ",
            "１",
            "\u{F900}",
            "\u{2F800}",
            "\u{7f}",
            "\u{80}",
            "ß",
            "\u{FF19}",
            "\u{FF3A}",
            "\u{FF41}",
            "\u{FF5A}",
            "\u{FF20}",
            "\u{FF40}",
            "\u{FF5B}",
            "\u{FF0F}",
            "\u{24F}",
            "\u{250}",
            "\u{BF}",
            "\u{4DC0}",
            "\u{4DBF}",
            "\u{3400}",
            "\u{33FF}",
            "\u{3006}",
            "\u{3008}",
            "\u{FAFF}",
            "\u{FB00}",
            "\u{F8FF}",
            "，",
            "：",
            "一",
            "们",
        ];
        let mut rng = crate::test_support::XorShift::new(0x4A11);
        for _ in 0..100_000 {
            let n = rng.index(80);
            let t: String = (0..n).map(|_| parts[rng.index(parts.len())]).collect();
            check(&t);
        }
        if let Ok(t) = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/data/debian-reference.zh-en.tsv"),
        ) {
            for cell in t.lines().flat_map(|l| l.split('\t')) {
                check(cell);
            }
        }
        // And every line of the real interview.
        if let Ok(t) = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/corpus/ai-interview.zh-en.md"),
        ) {
            t.lines().for_each(check);
        }
    }

    /// The UTF-8 block form: every character alone, at every offset of a block and between
    /// whitespace runs; generated texts; every Debian cell and interview line (when
    /// ../shared is present).
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn utf8_blocks_agree_with_the_general_loop() {
        let check = |t: &str| {
            let general = en_chars_general(t);
            match en_chars_utf8(t.as_bytes()) {
                Some(n) => assert_eq!(n as f64, general, "{t:?}"),
                // Only text with whitespace outside ASCII is left to the general loop.
                None => assert!(
                    t.chars().any(|c| !c.is_ascii() && c.is_whitespace()),
                    "{t:?}"
                ),
            }
            assert_eq!(en_chars(t), general, "{t:?}");
        };
        for (k, c) in crate::test_support::every_char().enumerate() {
            let pad = "x".repeat(k % 23);
            check(&format!("{c}"));
            check(&format!("{pad}{c} {c}  a{c}"));
            check(&format!(" \t{c}{pad}é {c}\n"));
        }
        let parts = [
            " ", "  ", "\t", "\n", "\r", "\u{b}", "\u{c}", "\u{85}", "\u{a0}", "\u{1680}",
            "\u{2000}", "\u{200a}", "\u{200b}", "\u{2028}", "\u{202f}", "\u{205f}", "\u{3000}",
            "\u{3001}", "a", "Z", ".", "’", "“", "—", "é", "中", "😀", "\u{c2}", "\u{e1}",
        ];
        let mut rng = crate::test_support::XorShift::new(0x8c4a);
        for _ in 0..50_000 {
            let n = rng.index(50);
            let t: String = (0..n).map(|_| parts[rng.index(parts.len())]).collect();
            check(&t);
        }
        crate::test_support::each_debian_cell(check);
        if let Some(t) = crate::test_support::shared_file("corpus/ai-interview.zh-en.md") {
            t.lines().for_each(check);
        }
    }

    #[test]
    fn ascii_fast_path_agrees_with_the_general_loop() {
        for t in [
            "",
            " ",
            "\x0b a \x0b\x0c b\r\n",
            "plain text, with  two spaces\t\tand tabs",
            "\x1f\x7f odd controls ",
        ] {
            assert_eq!(en_chars(t), en_chars_general(t), "{t:?}");
        }
        // Generated ASCII texts of every length up to 70 (whitespace runs across the 16-byte
        // blocks), mostly whitespace of every kind.
        let pieces = [
            " ", "\t", "\n", "\x0b", "\x0c", "\r", "a", "Z", ".", "\x1f", "\x7f", "  ",
        ];
        let mut rng = crate::test_support::XorShift::new(0xc4a5);
        for _ in 0..20_000 {
            let n = rng.index(70);
            let t: String = (0..n).map(|_| pieces[rng.index(pieces.len())]).collect();
            assert_eq!(en_chars(&t), en_chars_general(&t), "{t:?}");
        }
        // Every English cell of the Debian Reference (skipped when ../shared is absent).
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/data/debian-reference.zh-en.tsv"
        );
        if let Ok(t) = std::fs::read_to_string(path) {
            for cell in t.lines().flat_map(|l| l.split('\t')) {
                assert_eq!(en_chars(cell), en_chars_general(cell), "{cell:?}");
            }
        } else {
            eprintln!("skipped: {path} is absent");
        }
    }
}
