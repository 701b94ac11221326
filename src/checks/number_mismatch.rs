//! `number_mismatch`: numbers that disagree between the Chinese and the English of a pair.
//!
//! Both sides are read with `text::numbers` (Chinese numerals with 万/亿, full-width digits,
//! percentages, ranges with the scale carried to both ends, English number words and scales).
//! A number is *significant* when it is written with digits, carries a scale (万, 亿, million)
//! or, written as words, is at least `min_word_value` (default 10), or is a Chinese numeral of
//! 2 or more followed by a measure word (两个, 三种, 五年); vague ones (几十, 数百,
//! "thousands of"), fractions and month names written in words never are. So 一个 / "one of
//! the" / 第一 / "first" and idioms (一直, 一些, 万一, 十分) do not count.
//!
//! Measured: every significant number on one side must equal (relative 1e-6; codes such as
//! versions by their text) *some* number on the other side, significant or not (so 10 ↔ "ten",
//! 十年 ↔ "a decade", 百分之百 ↔ 100%, 两个 ↔ "both"). A counted 两 is also matched by a
//! coordination in the English ("A and B" rendered A 和 B 两个). The finding lists what is
//! missing on each side.
//!
//! Known false positives: numbers the translator rendered by a word this reader does not know
//! ("half" for 50%, "a third" for 三分之一, "no leading zeros" for 无前导 0); 20年代 meaning
//! the 2020s (two-digit decades are read in the 1900s, so 90年代 ↔ "the 1990s" is quiet);
//! numbers the translator added for clarity (三次贝塞尔曲线 for "cubic Bézier curves");
//! numbers moved to a neighbouring pair when turns are displaced (report those with
//! `misaligned`); a number written on one side only as a restatement ("the two of them").
use super::{Check, Context};
use crate::finding::Hit;
use crate::model::Lang;
use crate::text::numbers::{self, Number};
use serde::Deserialize;
use std::borrow::Cow;

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

/// Chinese translators make a pair explicit ("A and B" becomes A 和 B 两个): a counted 两 / 二
/// written in words is matched by a coordination in the English.
fn pair_in_english(n: &Number, en_text: &str) -> bool {
    n.counted
        && !n.digits
        && n.value == 2.0
        && en_text
            .split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| matches!(w, "and" | "or" | "both" | "either" | "between" | "vs"))
}

/// The numeric parts of a code (23:05:25 gives 23, 5, 25; 2.6.32 gives 2, 6, 32).
fn parts(n: &Number) -> Vec<f64> {
    if n.kind != numbers::Kind::Code {
        return Vec::new();
    }
    n.text
        .split([':', '/', '.'])
        .filter_map(|p| p.parse::<f64>().ok())
        .collect()
}

/// Written differently on the two sides: a time or date as one code (23:05:25) on one side and
/// as separate numbers (23时05分25秒) on the other.
fn by_parts(n: &Number, to: &[Number]) -> bool {
    let own = parts(n);
    if !own.is_empty() {
        let other: Vec<f64> = to.iter().map(|m| m.value).collect();
        return own.iter().all(|v| other.contains(v));
    }
    to.iter().flat_map(parts).any(|v| v == n.value)
}

/// Significant numbers of `from` with no equal number in `to`, one per value.
fn missing(from: &[Number], to: &[Number], min_word_value: f64, en_text: &str) -> Vec<Number> {
    let mut out: Vec<Number> = Vec::new();
    for n in from {
        if n.significant(min_word_value)
            && !to.iter().any(|m| n.same_as(m))
            && !by_parts(n, to)
            && !pair_in_english(n, en_text)
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
pub fn compare(zh_text: &str, en_text: &str, min_word_value: f64) -> Option<Mismatch<'static>> {
    let zh = numbers::extract(zh_text, Lang::Zh);
    let en = numbers::extract(en_text, Lang::En);
    let (missing_in_en, missing_in_zh) = {
        let m = compare_numbers(&zh, &en, en_text, min_word_value)?;
        (m.missing_in_en, m.missing_in_zh)
    };
    Some(Mismatch {
        zh: Cow::Owned(zh),
        en: Cow::Owned(en),
        missing_in_en,
        missing_in_zh,
    })
}

/// `compare` given `zh = numbers::extract(zh_text, Lang::Zh)` and `en = numbers::extract(en_text,
/// Lang::En)` (read once per document in `Shared::texts`, which the alignment reads too).
pub fn compare_numbers<'a>(
    zh: &'a [Number],
    en: &'a [Number],
    en_text: &str,
    min_word_value: f64,
) -> Option<Mismatch<'a>> {
    let missing_in_en = missing(zh, en, min_word_value, en_text);
    let missing_in_zh = missing(en, zh, min_word_value, "");
    if missing_in_en.is_empty() && missing_in_zh.is_empty() {
        return None;
    }
    Some(Mismatch {
        zh: Cow::Borrowed(zh),
        en: Cow::Borrowed(en),
        missing_in_en,
        missing_in_zh,
    })
}

pub struct Mismatch<'a> {
    pub zh: Cow<'a, [Number]>,
    pub en: Cow<'a, [Number]>,
    pub missing_in_en: Vec<Number>,
    pub missing_in_zh: Vec<Number>,
}

impl Check for NumberMismatch {
    fn reads_texts(&self) -> bool {
        true
    }

    fn run(&self, ctx: &Context) -> Vec<Hit> {
        let mut hits = Vec::new();
        let texts = ctx.shared.texts(ctx.doc);
        for (i, pair) in ctx.doc.pairs.iter().enumerate() {
            let (Some(_), Some(e)) = (&pair.zh, &pair.en) else {
                continue;
            };
            // Read through the document's cache when it keeps them (the alignment reads
            // the same numbers), directly otherwise.
            let (zh, en);
            let m = if texts.keeps() {
                (zh, en) = (texts.zh_numbers(ctx.doc, i), texts.en_numbers(ctx.doc, i));
                compare_numbers(&zh, &en, &e.text, self.min_word_value)
            } else {
                compare(pair.zh_text(), &e.text, self.min_word_value)
            };
            let Some(m) = m else {
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
