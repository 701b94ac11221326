//! `number_mismatch`: numbers that disagree between the Chinese and the English of a pair.
//!
//! Both sides are read with `text::numbers` (Chinese numerals with 万/亿, full-width digits,
//! percentages, ranges with the scale carried to both ends, English number words and scales).
//! A number is *significant* when it is written with digits, carries a scale (万, 亿, million)
//! or, written as words, is at least `min_word_value` (default 10); vague ones (几十, 数百,
//! "thousands of"), fractions and month names written in words never are. So 一个 / "one of
//! the" / 第一 / "first" and idioms (一直, 一些, 万一, 十分) do not count.
//!
//! Measured: every significant number on one side must equal (relative 1e-6; codes such as
//! versions by their text) *some* number on the other side, significant or not (so 10 ↔ "ten",
//! 十年 ↔ "a decade", 百分之百 ↔ 100%). The finding lists what is missing on each side.
//!
//! Known false positives: numbers the translator rendered by a word this reader does not know
//! ("half" for 50%, "a third" for 三分之一, "twice"); decades written as 80年代 ↔ "the 1980s";
//! numbers moved to a neighbouring pair when turns are displaced (report those with
//! `misaligned`); a number written on one side only as a restatement ("the two of them").
use super::{Check, Context};
use crate::finding::Hit;
use crate::model::Lang;
use crate::text::numbers::{self, Number};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    /// Numbers written as words (十二, "twelve") count from this value up.
    #[serde(default = "default_min_word_value")]
    min_word_value: f64,
}

fn default_min_word_value() -> f64 {
    10.0
}

pub struct NumberMismatch {
    min_word_value: f64,
}

pub fn build(p: &toml::Table) -> Result<Box<dyn Check>, String> {
    let p: Params = super::params(p)?;
    if p.min_word_value.is_nan() || p.min_word_value < 0.0 {
        return Err("params: `min_word_value` must be a number ≥ 0".into());
    }
    Ok(Box::new(NumberMismatch {
        min_word_value: p.min_word_value,
    }))
}

/// Significant numbers of `from` with no equal number in `to`, one per value.
fn missing(from: &[Number], to: &[Number], min_word_value: f64) -> Vec<Number> {
    let mut out: Vec<Number> = Vec::new();
    for n in from {
        if n.significant(min_word_value)
            && !to.iter().any(|m| n.same_as(m))
            && !out.iter().any(|m| n.same_as(m))
        {
            out.push(n.clone());
        }
    }
    out
}

fn describe(ns: &[Number]) -> Vec<String> {
    ns.iter().map(|n| n.describe()).collect()
}

/// The pair's mismatch, if any: (missing in English, missing in Chinese, zh numbers, en numbers).
pub fn compare(zh_text: &str, en_text: &str, min_word_value: f64) -> Option<Mismatch> {
    let zh = numbers::extract(zh_text, Lang::Zh);
    let en = numbers::extract(en_text, Lang::En);
    let missing_in_en = missing(&zh, &en, min_word_value);
    let missing_in_zh = missing(&en, &zh, min_word_value);
    if missing_in_en.is_empty() && missing_in_zh.is_empty() {
        return None;
    }
    Some(Mismatch {
        zh,
        en,
        missing_in_en,
        missing_in_zh,
    })
}

pub struct Mismatch {
    pub zh: Vec<Number>,
    pub en: Vec<Number>,
    pub missing_in_en: Vec<Number>,
    pub missing_in_zh: Vec<Number>,
}

impl Check for NumberMismatch {
    fn run(&self, ctx: &Context) -> Vec<Hit> {
        let mut hits = Vec::new();
        for pair in &ctx.doc.pairs {
            let (Some(z), Some(e)) = (&pair.zh, &pair.en) else {
                continue;
            };
            let Some(m) = compare(&z.text, &e.text, self.min_word_value) else {
                continue;
            };
            let mut parts = Vec::new();
            if !m.missing_in_en.is_empty() {
                parts.push(format!(
                    "the Chinese has {} but the English does not",
                    describe(&m.missing_in_en).join(", ")
                ));
            }
            if !m.missing_in_zh.is_empty() {
                parts.push(format!(
                    "the English has {} but the Chinese does not",
                    describe(&m.missing_in_zh).join(", ")
                ));
            }
            let detail = parts.join("; ");
            let suggestion = match (m.missing_in_en.first(), m.missing_in_zh.first()) {
                (Some(a), Some(b)) => format!(
                    "check whether {} and {} are meant to be the same number",
                    a.describe(),
                    b.describe()
                ),
                (Some(a), None) => format!("render {} in the English", a.describe()),
                (None, Some(b)) => format!("render {} in the Chinese", b.describe()),
                (None, None) => String::new(),
            };
            hits.push(
                Hit::on_pair(pair)
                    .with("detail", detail)
                    .with("zh_numbers", describe(&m.zh))
                    .with("en_numbers", describe(&m.en))
                    .with("missing_in_en", describe(&m.missing_in_en))
                    .with("missing_in_zh", describe(&m.missing_in_zh))
                    .suggest(suggestion),
            );
        }
        hits
    }
}
