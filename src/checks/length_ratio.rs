//! `length_ratio`: English/Chinese length out of proportion, against the document's calibrated
//! length model (`analysis::LengthModel`).
//!
//! Measured per complete pair: `zh` = Han-equivalent characters of the Chinese (Han 1, Latin
//! letter or digit 1/3; translator's notes `（译注：...）` left out), `en` = characters of the English (whitespace runs count once),
//! `ratio = en / zh`, and `z = (ln(ratio) - mu) / sqrt(s0^2 + K / zh)` with the document's `mu`
//! and `s0` (median and MAD of ln ratio, shrunk toward a prior for short documents) and the
//! Gale-Church widening `K / zh`. It fires when `|z| >= z_minor` (severity minor) and at the
//! rule's severity when `|z| >= z_major`. The expected range in the evidence is the ratio range
//! within `z_minor` standard deviations at this Chinese length.
//!
//! Known false positives: a heading or table cell whose English spells out what the Chinese
//! abbreviates (or the reverse); a turn translated very freely (a long Chinese aside condensed
//! to a short English one); code or command lines inside prose, whose letters count a third on
//! the Chinese side but in full on the English side.

use super::{Check, Context};
use crate::finding::{Hit, Severity, round};
use crate::text::length::{without_translator_notes, zh_chars};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    /// |z| at which the pair is reported (minor).
    z_minor: f64,
    /// |z| at which the pair is reported at the rule's severity.
    z_major: f64,
    /// Pairs with less Chinese than this (Han-equivalent characters) are not checked.
    #[serde(default = "one")]
    min_zh_chars: f64,
}

fn one() -> f64 {
    1.0
}

pub struct LengthRatio {
    p: Params,
}

pub fn build(p: &toml::Table) -> Result<Box<dyn Check>, String> {
    let p: Params = super::params(p)?;
    if !(p.z_minor > 0.0 && p.z_major >= p.z_minor) {
        return Err("params: need 0 < z_minor <= z_major".into());
    }
    Ok(Box::new(LengthRatio { p }))
}

/// `text.contains('译')` (U+8BD1, bytes E8 AF 91): its last byte is looked for 16 bytes at
/// a time (SSE2, inline), and each one found is checked for the two before it. The
/// standard char search cost 80 to 160 instructions a pair (inlined or not as the compiler
/// pleased), `memchr` about 90 (its call and set-up on a short text).
#[inline]
fn has_yi(text: &str) -> bool {
    let b = text.as_bytes();
    let yi_at = |i: usize| i >= 2 && b[i - 2] == 0xE8 && b[i - 1] == 0xAF;
    #[cfg(target_arch = "x86_64")]
    if b.len() >= 16 {
        use std::arch::x86_64::*;
        let last = b.len() - 16;
        let mut at = 0;
        loop {
            // SAFETY: SSE2 is part of x86-64; `at <= last`, so the 16 bytes read are in `b`.
            let mut m = unsafe {
                let v = _mm_loadu_si128(b.as_ptr().add(at) as *const __m128i);
                _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x91u8 as i8))) as u32
            };
            while m != 0 {
                if yi_at(at + m.trailing_zeros() as usize) {
                    return true;
                }
                m &= m - 1;
            }
            if at == last {
                return false;
            }
            // The last block overlaps the one before (its bytes are found again: harmless).
            at = (at + 16).min(last);
        }
    }
    (0..b.len()).any(|i| b[i] == 0x91 && yi_at(i))
}

impl Check for LengthRatio {
    fn run(&self, ctx: &Context) -> Vec<Hit> {
        let model = ctx.shared.length(ctx.doc);
        let lengths = ctx.shared.lengths(ctx.doc);
        let mut hits = Vec::new();
        for (pair, len) in ctx.doc.pairs.iter().zip(lengths) {
            let (Some(zs), Some((zh_all, en))) = (&pair.zh, *len) else {
                continue;
            };
            // The shared lengths count the whole Chinese; translator's notes (which start with
            // 译, as `without_translator_notes` checks first) are taken out here.
            let zh = if has_yi(&zs.text) {
                zh_chars(&without_translator_notes(&zs.text))
            } else {
                zh_all
            };
            if zh < self.p.min_zh_chars || en == 0.0 {
                continue;
            }
            let z = model.z(zh, en);
            if z.abs() < self.p.z_minor {
                continue;
            }
            let (lo, hi) = model.ratio_range(zh, self.p.z_minor);
            let short = z < 0.0;
            let expected = model.expected_en(zh);
            let mut hit = Hit::on_pair(pair)
                .with("ratio", round(en / zh, 2))
                .with("expected_low", round(lo, 2))
                .with("expected_high", round(hi, 2))
                .with("expected_ratio", round(model.ratio, 2))
                .with("z", round(z, 2))
                .with("zh_chars", round(zh, 1))
                .with("en_chars", en as u64)
                .with("expected_en_chars", expected.round() as u64)
                .with(
                    "direction",
                    if short {
                        "English too short"
                    } else {
                        "English too long"
                    },
                );
            hit = hit.suggest(if short {
                format!(
                    "the English has {en} characters where about {:.0} are expected: look for an \
                     omitted passage, or for English that sits in a neighbouring turn",
                    expected
                )
            } else {
                format!(
                    "the English has {en} characters where about {:.0} are expected: look for \
                     added text, or text that belongs to a neighbouring turn",
                    expected
                )
            });
            if z.abs() < self.p.z_major {
                hit = hit.severity(Severity::Minor);
            }
            hits.push(hit);
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `has_yi` is `contains('译')`: every character before, after and instead of 译 (its
    /// neighbours share bytes with it), and every Debian Chinese cell when ../shared is
    /// present.
    #[test]
    fn has_yi_is_contains() {
        let mut texts: Vec<String> = vec![String::new(), "译".into(), "（译注：x）".into()];
        for c in crate::test_support::every_char() {
            texts.push(format!("{c}"));
            texts.push(format!("{c}译"));
            texts.push(format!("译{c}"));
            texts.push(format!("a{c}b"));
        }
        // 译 and its last byte's neighbours at every offset of texts up to 70 bytes (the
        // 16-byte blocks and the overlapping last one).
        for n in 0..70 {
            for at in 0..n {
                for c in ['译', '译', '\u{8BC1}', '‑', 'e'] {
                    let mut t = "x".repeat(at);
                    t.push(c);
                    t.push_str(&"y".repeat(n - at));
                    texts.push(t);
                }
            }
        }
        let debian = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/debian-reference.zh-en.tsv");
        if let Ok(text) = std::fs::read_to_string(debian) {
            texts.extend(text.lines().map(str::to_string));
        }
        for t in &texts {
            assert_eq!(has_yi(t), t.contains('译'), "{t:?}");
        }
    }
}
