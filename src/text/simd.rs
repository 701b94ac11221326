//! SSE2 byte classes shared by the scanners that read 16 bytes at a time (`en_stats`,
//! `length`, `script`, `untranslated`): one definition of the unsigned range test they all
//! build their masks from. SSE2 is part of the x86-64 baseline, so no run-time check.

use std::arch::x86_64::*;

/// 0xFF in the lanes of `x` whose byte is in `lo..lo + n` (unsigned, `n` ≥ 1), 0 elsewhere:
/// `d = x - lo` wraps, and `d < n` iff `min(d, n - 1) == d`.
#[inline(always)]
pub fn in_range(x: __m128i, lo: u8, n: u8) -> __m128i {
    // SAFETY: SSE2 is part of the x86-64 baseline; register arithmetic only.
    unsafe {
        let d = _mm_sub_epi8(x, _mm_set1_epi8(lo as i8));
        _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8((n - 1) as i8)), d)
    }
}

/// 0xFF in the lanes holding an ASCII letter: `x | 0x20` in `a..=z`.
#[inline(always)]
pub fn ascii_letter(x: __m128i) -> __m128i {
    // SAFETY: as in `in_range`.
    in_range(unsafe { _mm_or_si128(x, _mm_set1_epi8(0x20)) }, b'a', 26)
}

/// 0xFF in the lanes holding an ASCII letter or digit.
#[inline(always)]
pub fn ascii_alnum(x: __m128i) -> __m128i {
    // SAFETY: as in `in_range`.
    unsafe { _mm_or_si128(ascii_letter(x), in_range(x, b'0', 10)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value in every lane against the scalar definitions.
    #[test]
    fn masks_are_the_byte_classes() {
        let lane = |m: __m128i| {
            let mut out = [0u8; 16];
            // SAFETY: `out` has 16 writable bytes (an unaligned store).
            unsafe { _mm_storeu_si128(out.as_mut_ptr() as *mut __m128i, m) };
            out
        };
        for start in (0..=255u8).step_by(16) {
            let bytes: [u8; 16] = std::array::from_fn(|k| start.wrapping_add(k as u8));
            // SAFETY: `bytes` has 16 readable bytes (an unaligned load).
            let v = unsafe { _mm_loadu_si128(bytes.as_ptr() as *const __m128i) };
            let flag = |b: bool| if b { 0xFF } else { 0 };
            for (lo, n) in [
                (b'a', 26),
                (0xC0, 64),
                (0xE5, 5),
                (0xC3, 7),
                (0, 1),
                (0xFF, 1),
            ] {
                let want = bytes.map(|b| flag(b.wrapping_sub(lo) < n));
                assert_eq!(lane(in_range(v, lo, n)), want, "{lo:#x} {n}");
            }
            assert_eq!(
                lane(ascii_letter(v)),
                bytes.map(|b| flag(b.is_ascii_alphabetic()))
            );
            assert_eq!(
                lane(ascii_alnum(v)),
                bytes.map(|b| flag(b.is_ascii_alphanumeric()))
            );
        }
    }
}
