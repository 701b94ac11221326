//! The two counts every pair's English gets: its word count (`script::english_word_count`,
//! for the score and `truncated`) and its length (`length::en_chars`, for the length model),
//! taken in one pass.
//!
//! Most English is ASCII. Then the text is read 16 bytes at a time (SSE2, part of every
//! x86-64 CPU) into three bit masks: word characters (ASCII letters and digits), joiners
//! (`'` and `-`, which continue a word) and whitespace (the ASCII whitespace of
//! `char::is_whitespace`). From the masks, with W, J, S the bits of a byte and of its
//! predecessors:
//!
//! ```text
//! words    = #(W[i] ∧ ¬W[i-1]) − #(W[i] ∧ J[i-1] ∧ W[i-2])
//! en_chars = (trimmed length) − #(S[i] ∧ S[i-1] inside the trimmed text)
//! ```
//!
//! The word formula is the state machine of `english_word_count_up_to` (a word character
//! starts a word unless a chain of joiners right after a word leads to it) when no two
//! joiners are adjacent; with `--`, `'-` and the like anywhere the text is counted by that
//! state machine instead. Other text (non-ASCII, or another architecture) is counted by the
//! two functions themselves. Tested equal to them.
//!
//! `word_count_sse2` is the word formula alone, which `script::english_word_count` uses for
//! the score: it also takes non-ASCII text whose non-ASCII characters are all separators
//! (curly double quotes, dashes, arrows, Han), most of the non-ASCII English.

use crate::text::length::en_chars;
use crate::text::script::english_word_count;

/// `(english_word_count(text), en_chars(text))`.
pub fn words_and_chars(text: &str) -> (usize, f64) {
    match ascii_fast(text.as_bytes()) {
        Some((w, c)) => (w, c as f64),
        None => (english_word_count(text), en_chars(text)),
    }
}

/// The words and characters of ASCII text without adjacent joiners by the formulas of the
/// module docs, 64 bytes at a time; None for other text (found on the way: no `is_ascii`
/// pass first).
#[cfg(target_arch = "x86_64")]
fn ascii_fast(b: &[u8]) -> Option<(usize, usize)> {
    if b.len() >= 32
        && std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("popcnt")
    {
        // SAFETY: the CPU has AVX2 and POPCNT (checked just above, cached by std).
        unsafe { ascii64_avx2(b) }
    } else if std::arch::is_x86_feature_detected!("popcnt") {
        // SAFETY: the CPU has POPCNT (checked once, then cached by std).
        unsafe { ascii64_popcnt(b) }
    } else {
        ascii64(b)
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn ascii_fast(_: &[u8]) -> Option<(usize, usize)> {
    None
}

/// [`ascii64`] compiled with POPCNT (not in the x86-64 baseline; without it each of the
/// four `count_ones` of a group is a dozen instructions).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
fn ascii64_popcnt(b: &[u8]) -> Option<(usize, usize)> {
    ascii64(b)
}

/// [`ascii64`] with each 64-byte group read as two 32-byte halves (AVX2: half the mask
/// instructions of four 16-byte parts), for text of at least 32 bytes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt")]
fn ascii64_avx2(b: &[u8]) -> Option<(usize, usize)> {
    ascii64_by::<true>(b)
}

/// Masks of the 32 bytes at `p`: word characters, joiners, whitespace, bytes >= 0x80.
///
/// # Safety
/// The CPU must have AVX2 and `p` point at 32 readable bytes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn masks32(p: *const u8) -> [u64; 4] {
    use std::arch::x86_64::*;
    /// 0xFF in the lanes of `x` whose byte is in `lo..lo + n` (as `simd::in_range`).
    #[inline(always)]
    unsafe fn in_range(x: __m256i, lo: u8, n: u8) -> __m256i {
        // SAFETY: AVX2 per the caller; register arithmetic only.
        unsafe {
            let d = _mm256_sub_epi8(x, _mm256_set1_epi8(lo as i8));
            _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8((n - 1) as i8)), d)
        }
    }
    // SAFETY: AVX2 per the caller; an unaligned load of the 32 bytes at `p`.
    unsafe {
        let v = _mm256_loadu_si256(p as *const __m256i);
        let letter = in_range(_mm256_or_si256(v, _mm256_set1_epi8(0x20)), b'a', 26);
        let w = _mm256_or_si256(letter, in_range(v, b'0', 10));
        let j = _mm256_or_si256(
            _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\'' as i8)),
            _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'-' as i8)),
        );
        // ' ', and \t \n \x0B \x0C \r (9..=13).
        let s = _mm256_or_si256(
            _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b' ' as i8)),
            in_range(v, 9, 5),
        );
        [
            _mm256_movemask_epi8(w) as u32 as u64,
            _mm256_movemask_epi8(j) as u32 as u64,
            _mm256_movemask_epi8(s) as u32 as u64,
            _mm256_movemask_epi8(v) as u32 as u64,
        ]
    }
}

/// [`group64`] by 32-byte loads: the last partial half from the text's last 32 bytes shifted
/// past the bytes already read.
///
/// # Safety
/// The CPU must have AVX2 and `b` at least 32 bytes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn group64_avx2(b: &[u8], i: usize) -> [u64; 4] {
    let n = b.len();
    let mut m = [0u64; 4];
    for k in 0..2 {
        let off = i + 32 * k;
        if off >= n {
            break;
        }
        let part = if off + 32 <= n {
            // SAFETY: b[off..off + 32] is in bounds; AVX2 per the caller.
            unsafe { masks32(b.as_ptr().add(off)) }
        } else {
            let shift = off + 32 - n;
            // SAFETY: b[n - 32..n] is in bounds (n >= 32); AVX2 per the caller.
            let part = unsafe { masks32(b.as_ptr().add(n - 32)) };
            [
                part[0] >> shift,
                part[1] >> shift,
                part[2] >> shift,
                part[3] >> shift,
            ]
        };
        m[0] |= part[0] << (32 * k);
        m[1] |= part[1] << (32 * k);
        m[2] |= part[2] << (32 * k);
        m[3] |= part[3] << (32 * k);
    }
    m
}

/// Masks of the 16 bytes at `p` as [`masks16`], and the bytes >= 0x80.
///
/// # Safety
/// `p` must point at 16 readable bytes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn masks16h(p: *const u8) -> [u64; 4] {
    use std::arch::x86_64::*;
    // SAFETY: as in `masks16` (the same 16 bytes, loaded again: the compiler merges the loads).
    unsafe {
        let (w, j, s) = masks16(p);
        let h = _mm_movemask_epi8(_mm_loadu_si128(p as *const __m128i)) as u32 as u64;
        [w, j, s, h]
    }
}

/// The masks of `b[i..]`'s first 64 bytes (fewer at the end of the text: the bits past it
/// are 0), bit k for byte i + k: each 16-byte part from a load inside the text, the last
/// partial one from the text's last 16 bytes shifted past the bytes already read, a text
/// under 16 bytes from a zero-padded copy (NUL is in no mask).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn group64(b: &[u8], i: usize) -> [u64; 4] {
    let n = b.len();
    let mut m = [0u64; 4];
    for k in 0..4 {
        let off = i + 16 * k;
        if off >= n {
            break;
        }
        let part = if off + 16 <= n {
            // SAFETY: b[off..off + 16] is in bounds.
            unsafe { masks16h(b.as_ptr().add(off)) }
        } else if n >= 16 {
            let shift = off + 16 - n;
            // SAFETY: b[n - 16..n] is in bounds.
            unsafe { masks16h(b.as_ptr().add(n - 16)) }.map(|x| x >> shift)
        } else {
            let mut buf = [0u8; 16];
            buf[..n].copy_from_slice(b);
            // SAFETY: buf has 16 bytes.
            unsafe { masks16h(buf.as_ptr()) }
        };
        for (m, p) in m.iter_mut().zip(part) {
            *m |= p << (16 * k);
        }
    }
    m
}

/// Words and characters of ASCII text from the masks (see the module docs), 64 bytes per
/// step of the bit arithmetic; None for text with a byte >= 0x80 or two adjacent joiners.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn ascii64(b: &[u8]) -> Option<(usize, usize)> {
    ascii64_by::<false>(b)
}

/// [`ascii64`] with the masks of each 64-byte group by 16-byte loads (`group64`) or, when
/// `AVX2` (only inside a function with that target feature, on text of 32 bytes or more),
/// by 32-byte loads (`group64_avx2`).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn ascii64_by<const AVX2: bool>(b: &[u8]) -> Option<(usize, usize)> {
    let n = b.len();
    let (mut starts, mut joins, mut pairs) = (0usize, 0usize, 0usize);
    // The last bits of the previous group: W[i-1], J[i-1], W[i-2] and W[i-1], S[i-1].
    let (mut pw, mut pj, mut pw2, mut ps) = (0u64, 0u64, 0u64, 0u64);
    let mut double_joiner = 0u64;
    let (mut first, mut last) = (usize::MAX, 0usize);
    let mut i = 0;
    while i < n {
        let [w, j, s, h] = if AVX2 {
            // SAFETY: per this function's contract (AVX2, at least 32 bytes).
            unsafe { group64_avx2(b, i) }
        } else {
            group64(b, i)
        };
        if h != 0 {
            return None;
        }
        let valid = if n - i >= 64 {
            u64::MAX
        } else {
            (1u64 << (n - i)) - 1
        };
        let visible = valid & !s;
        if visible != 0 {
            if first == usize::MAX {
                first = i + visible.trailing_zeros() as usize;
            }
            last = i + 63 - visible.leading_zeros() as usize;
        }
        let w_prev = (w << 1) | pw;
        let j_prev = (j << 1) | pj;
        let w_prev2 = (w << 2) | pw2;
        let s_prev = (s << 1) | ps;
        starts += (w & !w_prev).count_ones() as usize;
        joins += (w & j_prev & w_prev2).count_ones() as usize;
        double_joiner |= j & j_prev;
        pairs += (s & s_prev).count_ones() as usize;
        (pw, pj, pw2, ps) = (w >> 63, j >> 63, w >> 62, s >> 63);
        i += 64;
    }
    if double_joiner != 0 {
        return None;
    }
    let chars = if first == usize::MAX {
        0
    } else {
        // Whitespace pairs within the leading and the trailing run are trimmed away.
        let (lead, trail) = (first, n - 1 - last);
        let inner = pairs - lead.saturating_sub(1) - trail.saturating_sub(1);
        last + 1 - first - inner
    };
    Some((starts - joins, chars))
}

/// `words_and_chars` as it was before the 64-byte groups (the test oracle): an `is_ascii`
/// pass, then 16-byte blocks, else the two functions.
#[cfg(test)]
fn words_and_chars_old(text: &str) -> (usize, f64) {
    #[cfg(target_arch = "x86_64")]
    if text.is_ascii()
        && let Some((w, c)) = ascii_sse2(text.as_bytes())
    {
        return (w, c as f64);
    }
    (english_word_count(text), en_chars(text))
}

/// Masks of 16 bytes at `p`: (word characters, joiners, whitespace), bit k for byte k.
///
/// # Safety
/// `p` must point at 16 readable bytes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn masks16(p: *const u8) -> (u64, u64, u64) {
    use crate::text::simd::{ascii_alnum, in_range};
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86-64; the caller guarantees 16 readable bytes (an unaligned
    // load).
    unsafe {
        let v = _mm_loadu_si128(p as *const __m128i);
        let w = ascii_alnum(v);
        let j = _mm_or_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\'' as i8)),
            _mm_cmpeq_epi8(v, _mm_set1_epi8(b'-' as i8)),
        );
        // ' ', and \t \n \x0B \x0C \r (9..=13).
        let s = _mm_or_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8)),
            in_range(v, 9, 5),
        );
        (
            _mm_movemask_epi8(w) as u32 as u64,
            _mm_movemask_epi8(j) as u32 as u64,
            _mm_movemask_epi8(s) as u32 as u64,
        )
    }
}

/// `english_word_count(text)` by the word formula of the module docs, 16 bytes at a time,
/// for text without Latin letters outside ASCII or `’` (None for other text, and when two
/// joiners are adjacent). In such text every byte of a non-ASCII character is neither a
/// word character nor a joiner, as the character itself is for the state machine (a
/// separator: `“`, `…`, `—`, Han), so the ASCII formula holds. Text with a byte C3-C9 (the
/// leads of U+00C0-U+027F, which hold the Latin letters with diacritics), EF (U+F000-U+FFFF,
/// which holds the full-width letters) or the bytes 80 99 (the end of `’`, E2 80 99) is left
/// to the state machine.
#[cfg(target_arch = "x86_64")]
pub(crate) fn word_count_sse2(b: &[u8]) -> Option<usize> {
    if std::is_x86_feature_detected!("popcnt") {
        // SAFETY: the CPU has the popcnt instruction.
        unsafe { word_count_popcnt(b) }
    } else {
        word_count_blocks(b)
    }
}

/// `word_count_blocks` compiled with the popcnt instruction (one instruction per count
/// instead of a dozen; not part of the x86-64 baseline, so detected at run time).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
unsafe fn word_count_popcnt(b: &[u8]) -> Option<usize> {
    word_count_blocks(b)
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn word_count_blocks(b: &[u8]) -> Option<usize> {
    let n = b.len();
    let (mut starts, mut joins) = (0usize, 0usize);
    // The last bits of the previous block: W[i-1], J[i-1], W[i-2] and W[i-1], and whether
    // byte i-1 was 0x80.
    let (mut pw, mut pj, mut pw2, mut p80) = (0u64, 0u64, 0u64, 0u64);
    let mut rejected = 0u64;
    let mut i = 0;
    while i < n {
        let (w, j, lead, b80, b99) = if i + 16 <= n {
            // SAFETY: b[i..i + 16] is in bounds.
            unsafe { word_masks16(b.as_ptr().add(i)) }
        } else if n >= 16 {
            // The last partial block: the 16 bytes ending at the end of the text, of which the
            // last n - i are new (shifted down to bits 0..n - i).
            // SAFETY: b[n - 16..n] is in bounds.
            let m = unsafe { word_masks16(b.as_ptr().add(n - 16)) };
            let k = 16 - (n - i);
            (m.0 >> k, m.1 >> k, m.2 >> k, m.3 >> k, m.4 >> k)
        } else {
            // A text under 16 bytes, from a zero-padded copy (NUL is in no mask).
            let mut buf = [0u8; 16];
            buf[..n].copy_from_slice(b);
            // SAFETY: buf has 16 bytes.
            unsafe { word_masks16(buf.as_ptr()) }
        };
        let w_prev = (w << 1) | pw;
        let j_prev = (j << 1) | pj;
        let w_prev2 = (w << 2) | pw2;
        starts += (w & !w_prev & 0xFFFF).count_ones() as usize;
        joins += (w & j_prev & w_prev2 & 0xFFFF).count_ones() as usize;
        rejected |= (j & j_prev) | lead | (b99 & ((b80 << 1) | p80));
        (pw, pj, pw2, p80) = ((w >> 15) & 1, (j >> 15) & 1, (w >> 14) & 3, (b80 >> 15) & 1);
        i += 16;
    }
    (rejected & 0xFFFF == 0).then_some(starts - joins)
}

/// Masks of the 16 bytes at `p`, bit k for byte k: word characters (ASCII letters and
/// digits), joiners (`'`, `-`), bytes C3-C9 or EF, bytes 0x80, bytes 0x99.
///
/// # Safety
/// `p` must point at 16 readable bytes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn word_masks16(p: *const u8) -> (u64, u64, u64, u64, u64) {
    use crate::text::simd::in_range;
    use std::arch::x86_64::*;
    // SAFETY: as in `masks16`.
    unsafe {
        let v = _mm_loadu_si128(p as *const __m128i);
        let (w, j, _) = masks16(p);
        let eq = |c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
        let c3_c9 = in_range(v, 0xC3, 7);
        let mask = |x: __m128i| _mm_movemask_epi8(x) as u32 as u64;
        (
            w,
            j,
            mask(_mm_or_si128(c3_c9, eq(0xEF))),
            mask(eq(0x80)),
            mask(eq(0x99)),
        )
    }
}

/// Words and characters of ASCII text from the masks (see the module docs); None when two
/// joiners are adjacent somewhere. The form before [`ascii64`], kept as a test oracle.
#[cfg(all(test, target_arch = "x86_64"))]
fn ascii_sse2(b: &[u8]) -> Option<(usize, usize)> {
    let n = b.len();
    let (mut starts, mut joins, mut pairs) = (0usize, 0usize, 0usize);
    // The last bits of the previous block: W[i-1], J[i-1], W[i-2] and W[i-1], S[i-1].
    let (mut pw, mut pj, mut pw2, mut ps) = (0u64, 0u64, 0u64, 0u64);
    let mut double_joiner = 0u64;
    let (mut first, mut last) = (None, 0usize);
    let mut i = 0;
    while i < n {
        let (w, j, s, valid) = if i + 16 <= n {
            // SAFETY: b[i..i + 16] is in bounds.
            let (w, j, s) = unsafe { masks16(b.as_ptr().add(i)) };
            (w, j, s, 0xFFFF)
        } else if n >= 16 {
            // The last partial block: the text's last 16 bytes, their masks shifted past the
            // bytes already read (the same bits as a zero-padded copy: NUL is in no mask).
            let shift = 16 - (n - i);
            // SAFETY: b[n - 16..n] is in bounds.
            let (w, j, s) = unsafe { masks16(b.as_ptr().add(n - 16)) };
            (w >> shift, j >> shift, s >> shift, (1u64 << (n - i)) - 1)
        } else {
            // A text shorter than a block, from a zero-padded copy (NUL is in no mask).
            let mut buf = [0u8; 16];
            buf[..n - i].copy_from_slice(&b[i..]);
            // SAFETY: buf has 16 bytes.
            let (w, j, s) = unsafe { masks16(buf.as_ptr()) };
            (w, j, s, (1u64 << (n - i)) - 1)
        };
        let visible = valid & !s;
        if visible != 0 {
            first.get_or_insert(i + visible.trailing_zeros() as usize);
            last = i + 63 - visible.leading_zeros() as usize;
        }
        let w_prev = (w << 1) | pw;
        let j_prev = (j << 1) | pj;
        let w_prev2 = (w << 2) | pw2;
        let s_prev = (s << 1) | ps;
        starts += (w & !w_prev & 0xFFFF).count_ones() as usize;
        joins += (w & j_prev & w_prev2 & 0xFFFF).count_ones() as usize;
        double_joiner |= j & j_prev & 0xFFFF;
        pairs += (s & s_prev & 0xFFFF).count_ones() as usize;
        (pw, pj, pw2, ps) = ((w >> 15) & 1, (j >> 15) & 1, (w >> 14) & 3, (s >> 15) & 1);
        i += 16;
    }
    if double_joiner != 0 {
        return None;
    }
    let chars = match first {
        None => 0,
        Some(f) => {
            // Whitespace pairs within the leading and the trailing run are trimmed away.
            let (lead, trail) = (f, n - 1 - last);
            let inner = pairs - lead.saturating_sub(1) - trail.saturating_sub(1);
            last + 1 - f - inner
        }
    };
    Some((starts - joins, chars))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::script::english_word_count_up_to;

    /// Against the character-by-character state machine (`english_word_count` itself reads
    /// most text through `word_count_sse2`).
    fn check(t: &str) {
        let words = english_word_count_up_to(t, usize::MAX);
        assert_eq!(words_and_chars(t), (words, en_chars(t)), "{t:?}");
        assert_eq!(english_word_count(t), words, "{t:?}");
        #[cfg(target_arch = "x86_64")]
        {
            assert_eq!(
                word_count_blocks(t.as_bytes()),
                word_count_sse2(t.as_bytes())
            );
            if t.is_ascii() {
                let plain = ascii_sse2(t.as_bytes());
                if let Some((w, c)) = plain {
                    assert_eq!((w, c as f64), (words, en_chars(t)), "{t:?}");
                }
            }
            // Both builds of the 64-byte form, whichever the CPU would pick: they answer
            // exactly for ASCII text without adjacent joiners.
            let fast = ascii64(t.as_bytes());
            let b = t.as_bytes();
            let double = b.windows(2).any(|p| p.iter().all(|c| b"'-".contains(c)));
            assert_eq!(fast.is_some(), t.is_ascii() && !double, "{t:?}");
            if let Some((w, c)) = fast {
                assert_eq!((w, c as f64), (words, en_chars(t)), "{t:?}");
            }
            if std::arch::is_x86_feature_detected!("popcnt") {
                // SAFETY: checked just above.
                assert_eq!(unsafe { ascii64_popcnt(t.as_bytes()) }, fast, "{t:?}");
            }
            if t.len() >= 32
                && std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("popcnt")
            {
                // SAFETY: checked just above.
                assert_eq!(unsafe { ascii64_avx2(t.as_bytes()) }, fast, "{t:?}");
            }
        }
        // The form before the 64-byte groups.
        assert_eq!(words_and_chars_old(t), (words, en_chars(t)), "{t:?}");
        #[cfg(target_arch = "x86_64")]
        match word_count_sse2(t.as_bytes()) {
            Some(n) => assert_eq!(n, words, "{t:?}"),
            None => {
                // Only the text it says it leaves to the state machine.
                let b = t.as_bytes();
                let double = b.windows(2).any(|p| p.iter().all(|c| b"'-".contains(c)));
                let latin = b.iter().any(|&c| (0xC3..=0xC9).contains(&c) || c == 0xEF);
                let apostrophe = b.windows(2).any(|p| p == [0x80, 0x99]);
                assert!(double || latin || apostrophe, "{t:?}");
            }
        }
    }

    /// Random texts of ASCII words, joiners, spaces, punctuation and a few non-ASCII
    /// characters, of every length up to 70 (across block boundaries).
    #[test]
    fn random_texts_count_as_the_state_machine() {
        let pieces = [
            "a", "Z", "9", "word", "-", "'", " ", "  ", "\t", ".", ",", "--", "'-", "é", "’", "中",
            "ＡＢ", "x-y", "don't", "\n", "(", "_", "/", "“", "”", "…", "—", "→", "〙", "×", "ɏ",
            "ɐ", "\u{80}", "\u{99}", "\u{2019}", "\u{2018}", "\u{2028}", "😀",
        ];
        let mut rng = crate::test_support::XorShift::new(0x5eed_1234);
        for round in 0..40_000 {
            let mut t = String::new();
            let target = round % 151;
            while t.len() < target {
                t.push_str(pieces[rng.index(pieces.len())]);
            }
            check(&t);
        }
    }

    /// Every character, alone and between words and spaces (the scalar form decodes it).
    #[test]
    fn every_char_counts_as_the_two_functions() {
        for c in crate::test_support::every_char() {
            for t in [
                format!("{c}"),
                format!(" a{c} {c}b{c}c "),
                format!("{c}{c}-{c}'x"),
            ] {
                let words = english_word_count_up_to(&t, usize::MAX);
                assert_eq!(words_and_chars(&t), (words, en_chars(&t)), "{t:?}");
            }
        }
    }

    #[test]
    fn one_pass_counts_what_the_two_functions_count() {
        for t in [
            "",
            " ",
            "                                          ",
            "a",
            " a ",
            "a--b",
            "a-b",
            "-a-",
            "x'y z",
            "it's 5-6 things, don't--stop",
            "\t\x0b a \x0b\x0c b\r\n",
            "aaaaaaaaaaaaaaa-bbbbbbbbbb",
            "aaaaaaaaaaaaaa-b",
            "aaaaaaaaaaaaaaa-b",
            "               a           ",
            "Use `apt-get install foo` (see man 8 apt-get) -- or aptitude.",
            "café’s naïve－ＡＢ 中文word",
        ] {
            check(t);
        }
        // Every ASCII byte at every position of a block and across a block boundary, alone
        // and next to words, joiners and spaces.
        for c in (0u8..0x80).map(char::from) {
            for k in (0..34).chain(58..70) {
                for ctx in ["a", "-", " ", "'", "1"] {
                    let pad = "x".repeat(k);
                    check(&format!("{pad}{c}"));
                    check(&format!("{pad}{ctx}{c}b"));
                    check(&format!("{pad}a{ctx}{c} "));
                    check(&format!("{c}{pad}{ctx}{c}"));
                    check(&format!("{}{c}{ctx}y", " ".repeat(k)));
                }
            }
        }
    }

    /// Every cell of the Debian Reference TSV (../shared/data, skipped when absent) and of the
    /// test fixtures.
    #[test]
    fn one_pass_agrees_on_real_text() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = vec![root.join("../shared/data/debian-reference.zh-en.tsv")];
        for dir in std::fs::read_dir(root.join("tests/fixtures"))
            .into_iter()
            .flatten()
        {
            let Ok(dir) = dir else { continue };
            for f in std::fs::read_dir(dir.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                files.push(f.path());
            }
        }
        for f in files {
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            for line in text.lines() {
                for cell in line.split('\t') {
                    check(cell);
                }
            }
        }
    }
}
