//! The MQM-style score (pure).
//!
//! ```text
//! penalty = Σ weight(severity)           minor 1, major 5, critical 25, info 0
//! words   = Σ over pairs max(EN words, Han characters × 0.67)
//! score   = max(0, 100 × (1 − penalty / words))
//! ```
//! This is the qt21 scorecard's OQS with penalty scalar 1 and maximum score 100: one major
//! finding in 1,000 words gives 99.5. The evaluation word count is taken on the English side;
//! a pair whose English is missing or short counts its Chinese at 0.67 words per Han
//! character (the interview's median), so omissions cannot shrink the denominator.
//! The same formula scores each pair with that pair's findings and words.

use crate::finding::{Finding, Severity};
use crate::model::Pair;
use crate::rules::settings::Weights;
use crate::text::script;

/// Evaluation word count of one pair (at least 1).
pub fn pair_words(pair: &Pair, words_per_han: f64) -> f64 {
    words(
        script::english_word_count(pair.en_text()),
        script::han_count(pair.zh_text()),
        words_per_han,
    )
}

/// `pair_words` from the pair's English word count and Chinese Han count.
pub fn words(en_words: usize, zh_han: usize, words_per_han: f64) -> f64 {
    let en = en_words as f64;
    let han = zh_han as f64 * words_per_han;
    en.max(han).max(1.0)
}

pub fn penalty<'a>(findings: impl IntoIterator<Item = &'a Finding>, w: &Weights) -> f64 {
    findings
        .into_iter()
        .fold(0.0, |acc, f| acc + w.of(f.severity))
}

/// 0-100, rounded to one decimal.
pub fn score(penalty: f64, words: f64) -> f64 {
    let s = 100.0 * (1.0 - penalty / words.max(1.0));
    (s.clamp(0.0, 100.0) * 10.0).round() / 10.0
}

/// Counts of findings by severity, for summaries.
pub fn severity_counts<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> [usize; 4] {
    let mut c = [0usize; 4];
    for f in findings {
        let i = Severity::ALL
            .iter()
            .position(|s| *s == f.severity)
            .unwrap_or(0);
        c[i] += 1;
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_major_in_a_thousand_words_is_99_5() {
        assert_eq!(score(5.0, 1000.0), 99.5);
    }

    #[test]
    fn score_never_goes_below_zero() {
        assert_eq!(score(250.0, 10.0), 0.0);
    }
}
