//! Compact JSON for the stream's findings, written straight into the output buffer: the
//! bytes `serde_json::to_writer` gives, without its per-byte string escaping loop.
//!
//! Most strings of a finding (rule, code, message, evidence terms, suggestion, fingerprint)
//! need no escaping at all. `write_str` checks that 16 bytes at a time (SSE2: a byte below
//! 0x20, `"` or `\`, the only bytes serde_json escapes) and then copies the string at once;
//! a string that needs escaping is handed to serde_json, so escaped output is serde_json's
//! own. Numbers and any non-string evidence value are written by serde_json too (itoa, ryu's
//! shortest float form), so the only hand-written bytes are the fixed punctuation and keys.

use crate::finding::Finding;
use crate::model::LineRange;

/// Whether serde_json would escape any byte of `b`: a control byte (< 0x20), `"` or `\`.
/// (serde_json leaves DEL and every non-ASCII byte as they are.)
pub fn needs_escape(b: &[u8]) -> bool {
    // Most strings here (keys, codes, fingerprints, terms) are shorter than 16 bytes: they
    // are tested a word at a time (`needs_escape_short`), without the copy into a padded
    // block that the 16-byte test needs for them.
    if b.len() < 16 {
        return needs_escape_short(b);
    }
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of the x86_64 baseline.
        unsafe { needs_escape_sse2(b) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        needs_escape_scalar(b)
    }
}

/// The bytes of `x` that serde_json escapes, as their high bits: a byte below 0x20, `"` or
/// `\`. (The classic SWAR tests: `v - 0x01.. & !v & 0x80..` is non-zero exactly when some
/// byte of `v` is zero, and `x - 0x20.. & !x & 0x80..` when some byte is below 0x20; a
/// borrow only runs on from a byte that already matched, so the answer "any" is exact.)
#[inline(always)]
fn escape_bits(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
        | zero(x ^ (ONES * u64::from(b'"')))
        | zero(x ^ (ONES * u64::from(b'\\')))
}

/// `needs_escape` of fewer than 16 bytes: two overlapping 8-byte (or 4-byte) words that
/// cover them, or the bytes themselves below 4.
#[inline(always)]
fn needs_escape_short(b: &[u8]) -> bool {
    let n = b.len();
    debug_assert!(n < 16);
    let word = |at: usize, k: usize| {
        let mut w = [0u8; 8];
        // Fill the rest with a byte that needs no escape (a zero byte would match).
        w[k..].fill(b'a');
        w[..k].copy_from_slice(&b[at..at + k]);
        u64::from_le_bytes(w)
    };
    if n >= 8 {
        escape_bits(word(0, 8)) | escape_bits(word(n - 8, 8)) != 0
    } else if n >= 4 {
        escape_bits(word(0, 4)) | escape_bits(word(n - 4, 4)) != 0
    } else {
        b.iter().any(|&c| c < 0x20 || c == b'"' || c == b'\\')
    }
}

#[cfg_attr(all(target_arch = "x86_64", not(test)), allow(dead_code))]
fn needs_escape_scalar(b: &[u8]) -> bool {
    b.iter().any(|&c| c < 0x20 || c == b'"' || c == b'\\')
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
unsafe fn needs_escape_sse2(b: &[u8]) -> bool {
    use std::arch::x86_64::*;
    let mut chunks = b.chunks_exact(16);
    let quote = _mm_set1_epi8(b'"' as i8);
    let backslash = _mm_set1_epi8(b'\\' as i8);
    let control_max = _mm_set1_epi8(0x1F);
    let test = |block: &[u8]| {
        // SAFETY: `block` is 16 bytes; loadu has no alignment requirement.
        let v = unsafe { _mm_loadu_si128(block.as_ptr().cast()) };
        // Unsigned `v <= 0x1F` is `min(v, 0x1F) == v`.
        let control = _mm_cmpeq_epi8(_mm_min_epu8(v, control_max), v);
        let hit = _mm_or_si128(
            control,
            _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
        );
        _mm_movemask_epi8(hit) != 0
    };
    for c in &mut chunks {
        if test(c) {
            return true;
        }
    }
    // The last partial block in one test too: the string's last 16 bytes (overlapping bytes
    // already tested) when it has them, else its bytes padded with a byte that needs no
    // escape. Most strings here (keys, codes, fingerprints, terms) are shorter than 16.
    let rest = chunks.remainder();
    if rest.is_empty() {
        false
    } else if b.len() >= 16 {
        test(&b[b.len() - 16..])
    } else {
        let mut buf = [b'a'; 16];
        buf[..rest.len()].copy_from_slice(rest);
        test(&buf)
    }
}

/// `s` as a JSON string, byte-identical to `serde_json::to_writer(out, s)`.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    if needs_escape(b) {
        serde_json::to_writer(&mut *out, s).expect("a string serializes");
    } else {
        // The quotes and the bytes in one reserved stretch (three pushes each checked the
        // capacity and the copy went through a separate `extend`).
        out.reserve(b.len() + 2);
        let len = out.len();
        // SAFETY: `reserve` made room for `b.len() + 2` bytes after `len`; every one of
        // them is written before `set_len`.
        unsafe {
            let p = out.as_mut_ptr().add(len);
            *p = b'"';
            copy_bytes(b, p.add(1));
            *p.add(b.len() + 1) = b'"';
            out.set_len(len + b.len() + 2);
        }
    }
}

/// Copy `b` to `dst`. Below 16 bytes (most strings of a finding, and every number) with
/// two overlapping word moves instead of a call of `memcpy`, which costs more than such a
/// copy.
///
/// # Safety
/// `dst` must be valid for `b.len()` bytes of writes, not overlapping `b`.
#[inline(always)]
unsafe fn copy_bytes(b: &[u8], dst: *mut u8) {
    let n = b.len();
    let src = b.as_ptr();
    // SAFETY: every read is inside `b` and every write inside `dst[..n]` (per the caller);
    // unaligned accesses are allowed by `read_unaligned` / `write_unaligned`.
    unsafe {
        if n >= 16 {
            std::ptr::copy_nonoverlapping(src, dst, n);
        } else if n >= 8 {
            let lo = src.cast::<u64>().read_unaligned();
            let hi = src.add(n - 8).cast::<u64>().read_unaligned();
            dst.cast::<u64>().write_unaligned(lo);
            dst.add(n - 8).cast::<u64>().write_unaligned(hi);
        } else if n >= 4 {
            let lo = src.cast::<u32>().read_unaligned();
            let hi = src.add(n - 4).cast::<u32>().read_unaligned();
            dst.cast::<u32>().write_unaligned(lo);
            dst.add(n - 4).cast::<u32>().write_unaligned(hi);
        } else {
            for i in 0..n {
                *dst.add(i) = *src.add(i);
            }
        }
    }
}

/// `out.extend_from_slice(b)` through [`copy_bytes`].
#[inline(always)]
fn push_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.reserve(b.len());
    let len = out.len();
    // SAFETY: `reserve` made room for `b.len()` bytes after `len`, all written before
    // `set_len`.
    unsafe {
        copy_bytes(b, out.as_mut_ptr().add(len));
        out.set_len(len + b.len());
    }
}

/// `n` in decimal (itoa's digits).
#[inline(always)]
pub fn push_uint(out: &mut Vec<u8>, n: usize, buf: &mut itoa::Buffer) {
    push_bytes(out, buf.format(n).as_bytes());
}

fn write_lines(out: &mut Vec<u8>, lines: Option<LineRange>, n: &mut itoa::Buffer) {
    match lines {
        Some(r) => {
            out.reserve(44);
            out.push(b'[');
            let start = n.format(r.start).as_bytes();
            push_bytes(out, start);
            out.push(b',');
            // A range of one line (most of them) repeats its digits, not formatted again.
            if r.end == r.start {
                push_bytes(out, start);
            } else {
                push_uint(out, r.end, &mut itoa::Buffer::new());
            }
            out.push(b']');
        }
        None => out.extend_from_slice(b"null"),
    }
}

/// A finding as compact JSON, byte-identical to `serde_json::to_writer(out, f)` (its derived
/// `Serialize`: the fields in declaration order, `suggestion` skipped when absent).
pub fn write_finding(out: &mut Vec<u8>, f: &Finding) {
    let mut n = itoa::Buffer::new();
    out.extend_from_slice(b"{\"rule\":");
    write_str(out, &f.rule);
    out.extend_from_slice(b",\"code\":");
    write_str(out, &f.code);
    out.extend_from_slice(b",\"severity\":\"");
    out.extend_from_slice(f.severity.name().as_bytes());
    out.extend_from_slice(b"\",\"zh_lines\":");
    write_lines(out, f.zh_lines, &mut n);
    out.extend_from_slice(b",\"en_lines\":");
    write_lines(out, f.en_lines, &mut n);
    out.extend_from_slice(b",\"message\":");
    write_str(out, &f.message);
    out.extend_from_slice(b",\"evidence\":{");
    for (i, (k, v)) in f.evidence.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, k);
        out.push(b':');
        match v {
            serde_json::Value::String(s) => write_str(out, s),
            v => serde_json::to_writer(&mut *out, v).expect("a value serializes"),
        }
    }
    out.push(b'}');
    if let Some(s) = &f.suggestion {
        out.extend_from_slice(b",\"suggestion\":");
        write_str(out, s);
    }
    out.extend_from_slice(b",\"pair\":");
    match f.pair {
        Some(p) => push_uint(out, p, &mut n),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"fingerprint\":");
    write_str(out, &f.fingerprint);
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Evidence, Severity};
    use crate::test_support::{XorShift, every_char};
    use serde_json::json;

    fn serde_str(s: &str) -> String {
        serde_json::to_string(s).unwrap()
    }

    fn fast_str(s: &str) -> String {
        let mut out = Vec::new();
        write_str(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_char_alone_and_in_text_is_written_as_serde_writes_it() {
        for c in every_char() {
            for s in [
                c.to_string(),
                format!("0123456789abcdef{c}xyz"),
                format!("English term `{c}` left untranslated 中文 in the Chinese"),
            ] {
                assert_eq!(fast_str(&s), serde_str(&s), "{:?}", s);
                assert_eq!(
                    needs_escape(s.as_bytes()),
                    needs_escape_scalar(s.as_bytes())
                );
            }
        }
    }

    /// The word test of short strings: every ASCII byte (and a few non-ASCII ones) at every
    /// position of every length below 16, in plain text and next to other bytes that
    /// nearly match (0x1F..0x21, 0x5B..0x5D, 0x7F, 0x80).
    #[test]
    fn short_strings_are_tested_as_byte_by_byte() {
        let fills: [u8; 6] = [b'a', 0x21, 0x5B, 0x5D, 0x7F, 0x23];
        for n in 1..16 {
            for at in 0..n {
                for x in (0u8..=0x80).chain([0x9F, 0xA2, 0xDC, 0xFF]) {
                    for fill in fills {
                        let mut b = vec![fill; n];
                        b[at] = x;
                        assert_eq!(needs_escape(&b), needs_escape_scalar(&b), "{b:?}");
                    }
                }
            }
        }
        assert!(!needs_escape(b""));
    }

    /// `push_bytes` appends exactly the bytes, at every length around the word sizes and
    /// after every length of what is already there.
    #[test]
    fn push_bytes_is_extend_from_slice() {
        let src: Vec<u8> = (0..40u8)
            .map(|i| i.wrapping_mul(37).wrapping_add(1))
            .collect();
        for before in 0..20 {
            for n in 0..=src.len() {
                let mut want: Vec<u8> = (0..before as u8).collect();
                let mut got = want.clone();
                want.extend_from_slice(&src[..n]);
                push_bytes(&mut got, &src[..n]);
                assert_eq!(got, want);
            }
        }
    }

    #[test]
    fn random_strings_are_written_as_serde_writes_them() {
        // Mostly plain text with a rare character that needs escaping, at every offset
        // relative to the 16-byte blocks.
        let alphabet: Vec<char> = "ab \t\n\r\"\\\u{0}\u{1f}\u{7f}\u{80}é中😀/`{}"
            .chars()
            .collect();
        let mut rng = XorShift::new(0x5EED_1234);
        for _ in 0..20_000 {
            let len = rng.index(70);
            let s: String = (0..len)
                .map(|_| {
                    if rng.below(8) == 0 {
                        alphabet[rng.index(alphabet.len())]
                    } else {
                        char::from(b'a' + rng.below(26) as u8)
                    }
                })
                .collect();
            assert_eq!(fast_str(&s), serde_str(&s), "{:?}", s);
        }
    }

    fn finding(
        message: &str,
        evidence: Evidence,
        suggestion: Option<&str>,
        zh: Option<LineRange>,
        en: Option<LineRange>,
        pair: Option<usize>,
        severity: Severity,
    ) -> Finding {
        Finding {
            rule: "untranslated".into(),
            code: "TQA301".into(),
            severity,
            zh_lines: zh,
            en_lines: en,
            message: message.into(),
            evidence,
            suggestion: suggestion.map(Into::into),
            pair,
            fingerprint: "f183155b85faa1f4".into(),
        }
    }

    #[test]
    fn findings_are_written_as_serde_writes_them() {
        let evidences: Vec<Evidence> = vec![
            Evidence::new(),
            [("term".to_string(), json!("sudo"))].into(),
            [
                ("kind".to_string(), json!("untranslated_term")),
                ("term".to_string(), json!("a\"b\\c\n\u{1}é")),
                ("k\"ey\t".to_string(), json!(null)),
                ("ratio".to_string(), json!(0.41)),
                ("tiny".to_string(), json!(1e-7)),
                ("big".to_string(), json!(1e300)),
                ("whole".to_string(), json!(3.0)),
                ("neg".to_string(), json!(-12)),
                ("count".to_string(), json!(u64::MAX)),
                ("ok".to_string(), json!(true)),
                (
                    "list".to_string(),
                    json!(["x\"", 1, 2.5, null, {"a": "b\n"}]),
                ),
                ("nested".to_string(), json!({"z": [1], "a": "q\\"})),
            ]
            .into(),
        ];
        let messages = [
            "",
            "plain message 中文",
            "a \"quoted\" message\twith\u{1}control",
        ];
        let ranges = [
            None,
            Some(LineRange::single(3)),
            Some(LineRange::new(7, 1234567)),
        ];
        for ev in &evidences {
            for m in messages {
                for sugg in [None, Some(""), Some("translate `x`"), Some("\\")] {
                    for zh in ranges {
                        for en in ranges {
                            for pair in [None, Some(0), Some(usize::MAX)] {
                                for sev in Severity::ALL {
                                    let f = finding(m, ev.clone(), sugg, zh, en, pair, sev);
                                    let mut fast = Vec::new();
                                    write_finding(&mut fast, &f);
                                    assert_eq!(
                                        String::from_utf8(fast).unwrap(),
                                        serde_json::to_string(&f).unwrap()
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
