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

/// The first byte at or after `i` in `b` whose lane `lanes` marks, read 16 bytes at a time,
/// and the last bytes by the block that ends the text (its lanes before `i` dropped):
/// `Ok(Some(k))` for a marked byte at `k`, `Ok(None)` for none up to the end. `Err(j)` when
/// the blocks cannot settle it (the text is shorter than a block, or `j` is at or past its
/// end): the caller's byte loop, its form on other targets, goes on from `j`. `lanes(k)` is
/// the mask of `b[k..k + 16]`, bit n for byte k + n and no bit past the 16th; it is only
/// called with `k + 16 <= b.len()`.
///
/// One definition of the block walk of the 16-byte scanners of `untranslated`.
#[inline(always)]
pub fn first_marked(
    b: &[u8],
    mut i: usize,
    lanes: impl Fn(usize) -> u32,
) -> Result<Option<usize>, usize> {
    while i + 16 <= b.len() {
        let m = lanes(i);
        if m != 0 {
            return Ok(Some(i + m.trailing_zeros() as usize));
        }
        i += 16;
    }
    if i < b.len() && b.len() >= 16 {
        let last = b.len() - 16;
        // No bit past the 16 lanes, so the shift leaves no mark past the end.
        let m = lanes(last) >> (i - last);
        return Ok((m != 0).then(|| i + m.trailing_zeros() as usize));
    }
    Err(i)
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

    /// `first_marked`, with the byte loop after it when it leaves the rest to one, finds what a
    /// byte search finds, at every start in texts of every length up to 70 with random marks.
    #[test]
    fn first_marked_is_a_byte_search() {
        let mut rng = crate::test_support::XorShift::new(0xF1_75);
        for round in 0..4_000 {
            let len = round % 71;
            let b: Vec<u8> = (0..len)
                .map(|_| if rng.index(9) == 0 { b'x' } else { b'.' })
                .collect();
            let lanes = |k: usize| (0..16).fold(0u32, |m, n| m | u32::from(b[k + n] == b'x') << n);
            let search = |i: usize| b[i..].iter().position(|&x| x == b'x').map(|k| i + k);
            for i in 0..=len {
                let found = match first_marked(&b, i, lanes) {
                    Ok(found) => found,
                    Err(j) => {
                        assert!(j >= i && (j >= len || len < 16), "{b:?} {i} {j}");
                        assert!(!b[i..j].contains(&b'x'), "{b:?} {i} {j}");
                        search(j)
                    }
                };
                assert_eq!(found, search(i), "{b:?} {i}");
            }
        }
    }
}
