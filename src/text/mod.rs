//! Pure text helpers shared by readers and checks: script detection, normalisation,
//! sentence splitting, number reading. Nothing here knows about rules or reports.

pub mod edit;
pub mod en_stats;
pub mod length;
pub mod numbers;
pub mod script;
pub mod sentences;
#[cfg(target_arch = "x86_64")]
pub mod simd;

/// Bit k set when `p(block[k])`, for the first 16 bytes of `block`: the byte-by-byte form of
/// the SSE2 masks (`simd`) for targets other than x86-64, and their test oracle.
#[cfg(any(test, not(target_arch = "x86_64")))]
#[inline(always)]
pub fn mask16(block: &[u8], p: impl Fn(u8) -> bool) -> u32 {
    block[..16]
        .iter()
        .enumerate()
        .fold(0, |m, (k, &c)| m | (u32::from(p(c)) << k))
}

/// First `max` characters of a text on one line, with an ellipsis when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect();
    let mut out: String = flat.chars().take(max).collect();
    if flat.chars().count() > max {
        out.push('…');
    }
    out
}

/// Code point and byte length of the multi-byte UTF-8 sequence whose lead byte is `b[i]` (a
/// byte >= 0x80 starting a character of valid UTF-8, as in any `str`). The byte-level scanners
/// (lengths, numbers, the untranslated check) decode in place with this instead of `chars()`,
/// so that ASCII, most of their input, costs one comparison.
#[inline(always)]
pub fn decode_multibyte(b: &[u8], i: usize) -> (u32, usize) {
    let x = b[i];
    if x >= 0xF0 {
        (
            (u32::from(x & 0x07) << 18)
                | (u32::from(b[i + 1] & 0x3F) << 12)
                | (u32::from(b[i + 2] & 0x3F) << 6)
                | u32::from(b[i + 3] & 0x3F),
            4,
        )
    } else if x >= 0xE0 {
        (
            (u32::from(x & 0x0F) << 12)
                | (u32::from(b[i + 1] & 0x3F) << 6)
                | u32::from(b[i + 2] & 0x3F),
            3,
        )
    } else {
        ((u32::from(x & 0x1F) << 6) | u32::from(b[i + 1] & 0x3F), 2)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn decode_multibyte_agrees_with_chars_on_every_non_ascii_char() {
        for c in crate::test_support::every_non_ascii_char() {
            let mut buf = [0u8; 4];
            let s = c.encode_utf8(&mut buf);
            assert_eq!(
                super::decode_multibyte(s.as_bytes(), 0),
                (c as u32, s.len())
            );
        }
    }
}
