//! Document-level analyses shared by several checks (length calibration, alignment),
//! computed at most once per document on first use.
//!
//! # Length model
//!
//! Lengths are in the units of `text::length`: Han-equivalent characters for Chinese (Han 1,
//! Latin letter or digit 1/3), characters for English (whitespace runs count once). For a pair
//! with Chinese length `zh` and English length `en`, the model treats
//!
//! ```text
//! x = ln(en / zh)  ~  Normal(mu, sigma(zh)^2),   sigma(zh)^2 = s0^2 + K / zh
//! ```
//!
//! `mu` is the document's typical log ratio, `s0` its translation-style spread, and `K / zh`
//! the Gale-Church term: the variance of a length grows with the length, so the variance of
//! the *ratio* shrinks as segments get longer and short segments get a wide tolerance
//! (当然可以。/ Sure. is quiet; 300 Han beside 40 English characters is not).
//!
//! Calibration on the document itself: over complete pairs with `zh >= FIT_MIN_ZH`,
//! `mu_doc = median(x)` and `s_doc = 1.4826 * MAD(x)`; the style spread is
//! `s0_doc^2 = max(s_doc^2 - K / median(zh), S0_FLOOR^2)`. With `n` such pairs both are shrunk
//! toward a prior by the weight `w = n / (n + PRIOR_PAIRS)`:
//! `mu = w * mu_doc + (1 - w) * ln(PRIOR_RATIO)`, `s0^2 = w * s0_doc^2 + (1 - w) * PRIOR_S0^2`.
//! A one-pair document thus uses the prior; a 100-pair document is 5/6 its own.
//!
//! The prior figures were measured in these units: Debian Reference translated rows (technical
//! prose) median ratio 3.67, MAD-sigma 0.134; the interview transcript's first 60 turns 3.59,
//! 0.093. Spread by Chinese length on the Debian rows: 0.23 at 3-6 Han, 0.15 at 10-20, 0.10
//! beyond 80 — `K = 1` is wider than that fit (K ≈ 0.2) on purpose, because short
//! conversational turns (是的。/ Yeah.) vary far more than technical headings.

use crate::model::Document;
use crate::text::en_stats::words_and_chars;
use crate::text::length::{en_chars, han_latin, zh_chars, zh_chars_of};
use std::sync::OnceLock;

mod texts;
pub use texts::PairTexts;

/// One per document audit; fields are `OnceLock`s filled by whichever check needs them first.
#[derive(Default)]
pub struct Shared {
    stats: OnceLock<Vec<PairStats>>,
    lengths: OnceLock<Vec<Option<(f64, f64)>>>,
    length: OnceLock<LengthModel>,
    alignment: OnceLock<crate::align::Alignment>,
    texts: OnceLock<PairTexts>,
    /// Keep no per-pair text analyses (a single reader asks for them).
    pass_through_texts: bool,
}

/// Counts of one pair's texts that the length model, the checks and the score all read,
/// taken in one pass per side. A missing side counts 0 (as its empty text would).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PairStats {
    /// Han characters of the Chinese (`script::han_count`).
    pub zh_han: usize,
    /// Latin letters and digits of the Chinese (the 1/3 weight of `text::length::zh_chars`).
    pub zh_latin: usize,
    /// `script::english_word_count` of the English.
    pub en_words: usize,
    /// `text::length::en_chars` of the English.
    pub en_chars: f64,
}

impl PairStats {
    pub fn of(pair: &crate::model::Pair) -> PairStats {
        let (zh_han, zh_latin) = pair.zh.as_ref().map_or((0, 0), |z| han_latin(&z.text));
        let (en_words, en_chars) = pair
            .en
            .as_ref()
            .map_or((0, 0.0), |e| words_and_chars(&e.text));
        PairStats {
            zh_han,
            zh_latin,
            en_words,
            en_chars,
        }
    }

    /// `text::length::zh_chars` of the Chinese.
    pub fn zh_chars(&self) -> f64 {
        zh_chars_of(self.zh_han, self.zh_latin)
    }
}

impl Shared {
    /// A cache for one document; `share_texts` false when at most one reader will ask for
    /// the per-pair text analyses (`texts`): they are then computed when asked, not kept.
    pub fn new(share_texts: bool) -> Shared {
        Shared {
            pass_through_texts: !share_texts,
            ..Shared::default()
        }
    }

    /// Per pair, the counts of [`PairStats`], computed once.
    pub fn stats(&self, doc: &Document) -> &[PairStats] {
        self.stats
            .get_or_init(|| doc.pairs.iter().map(PairStats::of).collect())
    }

    /// The stats if a check has already asked for them (the score reads them then).
    pub fn stats_if_computed(&self) -> Option<&[PairStats]> {
        self.stats.get().map(Vec::as_slice)
    }

    /// Per pair, `(zh_chars, en_chars)` of its texts when it has both sides: computed once
    /// for the length model and the checks that measure pairs (`length_ratio`).
    pub fn lengths(&self, doc: &Document) -> &[Option<(f64, f64)>] {
        self.lengths.get_or_init(|| {
            doc.pairs
                .iter()
                .zip(self.stats(doc))
                .map(|(p, s)| {
                    (p.zh.is_some() && p.en.is_some()).then(|| (s.zh_chars(), s.en_chars))
                })
                .collect()
        })
    }

    /// The document's calibrated length model.
    pub fn length(&self, doc: &Document) -> &LengthModel {
        self.length
            .get_or_init(|| LengthModel::from_samples_iter(self.lengths(doc).iter().flatten()))
    }

    /// Per-pair text analyses (numbers, English sentences) that several checks and the
    /// alignment read, each computed once (see `texts`).
    pub fn texts(&self, doc: &Document) -> &PairTexts {
        self.texts.get_or_init(|| {
            if self.pass_through_texts {
                PairTexts::pass_through()
            } else {
                PairTexts::new(doc.pairs.len())
            }
        })
    }

    /// The document's alignment (see `align::document`), computed once.
    pub fn alignment(
        &self,
        doc: &Document,
        lexicon: Option<&crate::lexicon::Lexicon>,
    ) -> &crate::align::Alignment {
        self.alignment.get_or_init(|| {
            crate::align::document::align_with_texts(
                doc,
                lexicon,
                self.length(doc),
                self.texts(doc),
            )
        })
    }

    /// Whether the alignment has been built (for the test that checks `reads_alignment`).
    #[cfg(test)]
    pub fn alignment_built(&self) -> bool {
        self.alignment.get().is_some()
    }

    /// Whether the per-pair text results have been asked for (same test).
    #[cfg(test)]
    pub fn texts_asked(&self) -> bool {
        self.texts.get().is_some()
    }
}

/// Prior English characters per Han-equivalent character.
pub const PRIOR_RATIO: f64 = 3.6;
/// Prior style spread of ln(en/zh).
pub const PRIOR_S0: f64 = 0.15;
/// Pairs worth of weight the prior carries.
pub const PRIOR_PAIRS: f64 = 20.0;
/// Gale-Church length-noise constant (Han-equivalent characters).
pub const K: f64 = 1.0;
/// Pairs with less Chinese than this are not used for calibration.
pub const FIT_MIN_ZH: f64 = 20.0;
/// Lowest style spread the calibration may reach (a very uniform document still has noise).
pub const S0_FLOOR: f64 = 0.08;

/// English/Chinese length model calibrated on the document. See the module docs.
#[derive(Debug, Clone, PartialEq)]
pub struct LengthModel {
    /// English characters per Chinese character at the centre: `exp(mu)`.
    pub ratio: f64,
    /// Centre of ln(en/zh).
    pub mu: f64,
    /// Style spread of ln(en/zh), independent of length.
    pub s0: f64,
    /// Gale-Church length-noise constant.
    pub k: f64,
    /// Pairs of the document used for calibration.
    pub calibration_pairs: usize,
    /// Weight of the document against the prior (0..1).
    pub doc_weight: f64,
}

impl Default for LengthModel {
    /// The prior alone.
    fn default() -> Self {
        LengthModel::from_samples(&[])
    }
}

/// `(zh_chars, en_chars)` of each pair with both sides.
fn pair_lengths(doc: &Document) -> Vec<Option<(f64, f64)>> {
    doc.pairs
        .iter()
        .map(|p| {
            let (z, e) = (p.zh.as_ref()?, p.en.as_ref()?);
            Some((zh_chars(&z.text), en_chars(&e.text)))
        })
        .collect()
}

impl LengthModel {
    pub fn fit(doc: &Document) -> LengthModel {
        LengthModel::from_samples_iter(pair_lengths(doc).iter().flatten())
    }

    /// Calibrate on (zh_chars, en_chars) samples; those with too little Chinese or no English
    /// are ignored.
    pub fn from_samples(samples: &[(f64, f64)]) -> LengthModel {
        LengthModel::from_samples_iter(samples.iter())
    }

    fn from_samples_iter<'a>(samples: impl Iterator<Item = &'a (f64, f64)>) -> LengthModel {
        let used: Vec<(f64, f64)> = samples
            .filter(|&&(z, e)| z >= FIT_MIN_ZH && e > 0.0)
            .map(|&(z, e)| ((e / z).ln(), z))
            .collect();
        let n = used.len();
        let prior_mu = PRIOR_RATIO.ln();
        let (mu, s0sq, w) = if n == 0 {
            (prior_mu, PRIOR_S0 * PRIOR_S0, 0.0)
        } else {
            let xs: Vec<f64> = used.iter().map(|&(x, _)| x).collect();
            let zs: Vec<f64> = used.iter().map(|&(_, z)| z).collect();
            let med = median(&xs);
            let dev: Vec<f64> = xs.iter().map(|x| (x - med).abs()).collect();
            let s_doc = 1.4826 * median(&dev);
            let s0_doc_sq = (s_doc * s_doc - K / median(&zs)).max(S0_FLOOR * S0_FLOOR);
            let w = n as f64 / (n as f64 + PRIOR_PAIRS);
            (
                w * med + (1.0 - w) * prior_mu,
                w * s0_doc_sq + (1.0 - w) * PRIOR_S0 * PRIOR_S0,
                w,
            )
        };
        LengthModel {
            ratio: mu.exp(),
            mu,
            s0: s0sq.sqrt(),
            k: K,
            calibration_pairs: n,
            doc_weight: w,
        }
    }

    /// Expected English length (chars) for a Chinese length (Han-equivalent chars).
    pub fn expected_en(&self, zh_chars: f64) -> f64 {
        zh_chars * self.ratio
    }

    /// Standard deviation of ln(en/zh) at this Chinese length.
    pub fn sigma(&self, zh_chars: f64) -> f64 {
        (self.s0 * self.s0 + self.k / zh_chars.max(0.5)).sqrt()
    }

    /// How many standard deviations the observed log ratio is from the centre (negative:
    /// English too short). Lengths under 0.5 are taken as 0.5 so an empty side stays finite.
    pub fn z(&self, zh_chars: f64, en_chars: f64) -> f64 {
        let x = (en_chars.max(0.5) / zh_chars.max(0.5)).ln();
        (x - self.mu) / self.sigma(zh_chars)
    }

    /// The range of en/zh ratios within `z` standard deviations at this Chinese length.
    pub fn ratio_range(&self, zh_chars: f64, z: f64) -> (f64, f64) {
        let s = self.sigma(zh_chars);
        ((self.mu - z * s).exp(), (self.mu + z * s).exp())
    }
}

/// The middle value (mean of the two middle ones for an even count) in `total_cmp` order.
/// Selection rather than a full sort: after `select_nth_unstable_by(n / 2)` the element at
/// `n / 2` is the one a sort puts there, and the largest of those before it is the sorted
/// `v[n / 2 - 1]`.
fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    let n = v.len();
    if n == 0 {
        return 0.0;
    }
    let (lower, mid, _) = v.select_nth_unstable_by(n / 2, |a, b| a.total_cmp(b));
    let mid = *mid;
    if n % 2 == 1 {
        mid
    } else {
        let below = lower
            .iter()
            .copied()
            .max_by(|a, b| a.total_cmp(b))
            .unwrap_or(mid);
        (below + mid) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_by_selection_is_the_sorted_median() {
        let empty: Vec<f64> = Vec::new();
        for xs in [
            empty,
            vec![1.0],
            vec![3.0, 1.0],
            vec![0.5, -0.0, 0.0, 2.0, 2.0, -1.0],
            vec![5.0, 4.0, 3.0, 2.0, 1.0, 9.0, 9.0, 0.1, 7.0],
        ] {
            let mut v = xs.clone();
            v.sort_by(|a, b| a.total_cmp(b));
            let n = v.len();
            let sorted = match n {
                0 => 0.0,
                _ if n % 2 == 1 => v[n / 2],
                _ => (v[n / 2 - 1] + v[n / 2]) / 2.0,
            };
            assert_eq!(median(&xs).to_bits(), sorted.to_bits(), "{xs:?}");
        }
    }

    #[test]
    fn prior_alone_is_quiet_on_short_turns_and_loud_on_long_gaps() {
        let m = LengthModel::default();
        assert_eq!(m.calibration_pairs, 0);
        // 当然可以。/ Sure.
        assert!(m.z(zh_chars("当然可以。"), en_chars("Sure.")).abs() < 3.0);
        // 是的。/ Yeah.
        assert!(m.z(2.0, 5.0).abs() < 3.0);
        // 300 Han beside 40 English characters.
        assert!(m.z(300.0, 40.0) < -10.0);
        // English three times too long on a long segment.
        assert!(m.z(100.0, 1100.0) > 5.0);
    }

    #[test]
    fn tolerance_widens_as_segments_shorten() {
        let m = LengthModel::default();
        assert!(m.sigma(4.0) > m.sigma(40.0));
        assert!(m.sigma(40.0) > m.sigma(400.0));
        let (lo, hi) = m.ratio_range(400.0, 3.0);
        assert!(lo < m.ratio && m.ratio < hi);
    }

    #[test]
    fn calibration_follows_the_document_with_enough_pairs() {
        // 200 pairs at ratio 2.5 with small spread: the centre moves to the document's.
        let samples: Vec<(f64, f64)> = (0..200)
            .map(|i| {
                let z = 40.0 + i as f64;
                (z, z * 2.5 * (1.0 + 0.05 * ((i % 5) as f64 - 2.0)))
            })
            .collect();
        let m = LengthModel::from_samples(&samples);
        assert_eq!(m.calibration_pairs, 200);
        assert!((m.ratio - 2.5).abs() < 0.15, "{m:?}");
        // An outlier pair does not move a median.
        let mut with_outlier = samples.clone();
        with_outlier.push((300.0, 40.0));
        let m2 = LengthModel::from_samples(&with_outlier);
        assert!((m2.ratio - m.ratio).abs() < 0.02);
        // Short pairs are not used for calibration.
        let short = LengthModel::from_samples(&[(4.0, 5.0), (2.0, 5.0)]);
        assert_eq!(short, LengthModel::default());
    }
}
