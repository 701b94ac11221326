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
use crate::text::numbers::{self, Number, NumberAt};
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
    n.counted && !n.digits && n.value == 2.0 && english_pair_word(en_text)
}

/// The English has a word of coordination ("and", "or", "both", ...).
fn english_pair_word(en_text: &str) -> bool {
    en_text
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

/// Whether `compare(zh_text, en_text, min_word_value)` finds a mismatch, decided on the
/// numbers' spans ([`numbers::extract_at`] into the caller's `buffers`, reused from pair to
/// pair): the same tests as `missing`, without a string or a vector per number. Most pairs
/// have none; `compare` builds the rare mismatch.
pub fn mismatched(
    zh_text: &str,
    en_text: &str,
    min_word_value: f64,
    buffers: &mut (Vec<NumberAt>, Vec<NumberAt>),
) -> bool {
    let (zh, en) = buffers;
    // The Chinese is read first, once: most pairs with a number that counts have one on
    // both sides, and a pre-test on the Chinese (`may_count`) would walk it a second time.
    numbers::extract_at(zh_text, Lang::Zh, zh);
    // Neither side has a number that counts (the usual threshold is 10; the English decided
    // by the quick `may_count`, without reading its numbers): `any_missing` needs a
    // significant number on one side, so there is no mismatch.
    if min_word_value > 9.0
        && !zh.iter().any(|n| n.significant(min_word_value))
        && !numbers::may_count(en_text, Lang::En)
    {
        return false;
    }
    numbers::extract_at(en_text, Lang::En, en);
    let zh_side = (zh.as_slice(), zh_text);
    let en_side = (en.as_slice(), en_text);
    any_missing(zh_side, en_side, min_word_value, en_text)
        || any_missing(en_side, zh_side, min_word_value, "")
}

/// `!missing(from, to, min_word_value, en_text).is_empty()` for numbers given as spans of
/// their texts (`missing` keeps one number per value, which does not change whether it is
/// empty).
fn any_missing(
    from: (&[NumberAt], &str),
    to: (&[NumberAt], &str),
    min_word_value: f64,
    en_text: &str,
) -> bool {
    let (from, from_text) = from;
    from.iter().any(|n| {
        n.significant(min_word_value)
            && !to.0.iter().any(|m| n.same_as(from_text, m, to.1))
            && !by_parts_at(n, from_text, to)
            && !pair_in_english_at(n, en_text)
    })
}

/// `pair_in_english` for a number given as a span.
fn pair_in_english_at(n: &NumberAt, en_text: &str) -> bool {
    n.counted && !n.digits && n.value == 2.0 && english_pair_word(en_text)
}

/// `by_parts` for numbers given as spans of their texts.
fn by_parts_at(n: &NumberAt, text: &str, to: (&[NumberAt], &str)) -> bool {
    let mut own = parts_at(n, text).peekable();
    if own.peek().is_some() {
        return own.all(|v| to.0.iter().any(|m| m.value == v));
    }
    to.0.iter()
        .flat_map(|m| parts_at(m, to.1))
        .any(|v| v == n.value)
}

/// `parts` of a number given as a span of `text`.
fn parts_at<'t>(m: &NumberAt, text: &'t str) -> impl Iterator<Item = f64> + 't {
    // Not a code: no parts ("" splits into one piece that is no number).
    let t = if m.kind == numbers::Kind::Code {
        m.text(text)
    } else {
        ""
    };
    t.split([':', '/', '.'])
        .filter_map(|p| p.parse::<f64>().ok())
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
        let mut buffers = (Vec::new(), Vec::new());
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
            } else if mismatched(pair.zh_text(), &e.text, self.min_word_value, &mut buffers) {
                compare(pair.zh_text(), &e.text, self.min_word_value)
            } else {
                None
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `mismatched` (spans, reused buffers) decides as `compare` does, for several thresholds.
    fn agree(zh: &str, en: &str, buffers: &mut (Vec<NumberAt>, Vec<NumberAt>)) {
        for min in [0.0, 1.0, 2.0, 9.0, 9.5, 10.0, 100.0] {
            assert_eq!(
                mismatched(zh, en, min, buffers),
                compare(zh, en, min).is_some(),
                "{zh:?} / {en:?} (min_word_value {min})"
            );
        }
    }

    #[test]
    fn mismatched_is_compare_on_the_debian_pairs() {
        use crate::test_support::{DEBIAN, shared_file};
        let Some(t) = shared_file(DEBIAN) else {
            return;
        };
        let mut buffers = (Vec::new(), Vec::new());
        let rows: Vec<(&str, &str)> = t
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(z, rest)| (z, rest.split('\t').next().unwrap_or("")))
            .collect();
        assert!(rows.len() > 3_000, "{}", rows.len());
        let mut found = 0;
        for (k, &(zh, en)) in rows.iter().enumerate() {
            agree(zh, en, &mut buffers);
            // Neighbouring rows too: many more mismatches.
            let (_, next_en) = rows[(k + 1) % rows.len()];
            agree(zh, next_en, &mut buffers);
            found += usize::from(compare(zh, next_en, 10.0).is_some());
        }
        assert!(found > 1000, "{found}");
    }

    /// Pieces of the generated pairs: numbers of each kind and what is read around them.
    const PIECES: &[&str] = &[
        "1",
        "2",
        "10",
        "23",
        "2.6.32",
        "10:30",
        "23:05:25",
        "2/3",
        "1.5",
        "1,000",
        "３",
        "x86",
        "H100",
        "ARG1",
        "F3",
        "%2$s",
        "I18N",
        "两个",
        "二",
        "三种",
        "十",
        "十二",
        "五年",
        "百分之五十",
        "50%",
        "30亿",
        "几十",
        "十多万",
        "第一",
        "双",
        "二〇二〇",
        "三分之一",
        "23时05分25秒",
        "5到20亿",
        "十二月",
        "进制",
        "one",
        "two",
        "ten",
        "twelve",
        "twenty-five",
        "a hundred",
        "hundreds of",
        "million",
        "5 million",
        "both",
        "and",
        "or",
        "between",
        "first",
        "tenth",
        "a decade",
        "per cent",
        "percent",
        "10k",
        "21st",
        "5-6",
        " to ",
        " ",
        "，",
        "。",
        "的",
        "a",
        "the",
    ];

    #[test]
    fn mismatched_is_compare_on_generated_pairs() {
        let mut rng = crate::test_support::XorShift::new(0x2545_F491_4F6C_DD1D);
        let mut buffers = (Vec::new(), Vec::new());
        let text = |rng: &mut crate::test_support::XorShift| {
            let mut t = String::new();
            for _ in 0..rng.index(8) {
                t.push_str(PIECES[rng.index(PIECES.len())]);
            }
            t
        };
        let mut found = 0;
        for _ in 0..50_000 {
            let (zh, en) = (text(&mut rng), text(&mut rng));
            agree(&zh, &en, &mut buffers);
            found += usize::from(compare(&zh, &en, 10.0).is_some());
        }
        assert!(found > 1000, "{found}");
    }
}
