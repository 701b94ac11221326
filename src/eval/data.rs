//! Which real pairs count as clean, and why.
//!
//! **Debian Reference** (`data/debian-reference.zh-en.tsv`, paragraph-aligned editions of one
//! source). A row is kept when all of these hold, and each rejection is counted:
//! 1. `status = translated` (the 86 `identical` rows are real untranslated blocks, the 11
//!    `other` rows are not pairs);
//! 2. `tag = p`: headings and `<dt>` terms are numbered titles, not sentences a speaker says;
//! 3. the English has no Han character, and the Chinese is Chinese by the tool's own script
//!    rule with at least 6 Han characters (rows that are mostly commands or file names are not);
//! 4. both sides read as complete sentences: the English has at least 4 words, starts with a
//!    capital, digit or quote and ends with `.`, `!` or `?`; the Chinese ends with sentence
//!    punctuation (list fragments such as "use 3 buttons (click)" would otherwise be flagged
//!    as truncated, correctly);
//! 5. no transcript or Markdown syntax (`**`, a leading `#`, `*`, `-`, `>`, `<!--`, tabs);
//! 6. the numbers written in digits are the same on both sides (as multisets of digit runs):
//!    a row such as "udev()" / "udev(7)" carries a real number defect, so it cannot be
//!    labelled clean without reading it, and it is left out instead;
//! 7. neither side occurs twice among the candidates (repeated boilerplate would be a real
//!    `duplicate`).
//!
//! The Debian rows are a human translation, not a perfect one: a few kept rows are loose
//! renderings. They stay, because a tool that flags ordinary loose translation as a defect
//! should pay for it in the clean-flag rate.
//!
//! **Interview transcript** (`corpus/ai-interview.zh-en.md`). Pairs are kept only inside
//! these line ranges, judged by reading the file (see `INTERVIEW_KEEP`):
//! - 1-102, 110-143, 150-199, 302-397, 400-407: each Chinese turn is followed by its own
//!   English, sentence for sentence;
//! - dropped 103-109: Dwarkesh's English (104) ends with the first sentences of Ilya's answer,
//!   and Ilya's English (109) starts mid-word ("ute. You do very long rollouts");
//! - dropped 144-149: Ilya's Chinese (146) ends with Dwarkesh's next question, whose English
//!   (149) sits beside the unrelated Chinese "这是一个很好的问题。" (148);
//! - dropped 200-301: the displaced region (one oversized English block, English of much later
//!   turns in the slots after it, English-less Chinese turns);
//! - dropped 398-399: "Ilya,非常感谢你。/ Ilya, thank you so much." labelled Ilya Sutskever
//!   (the interviewer's line, a real speaker_swap).

use crate::model::Lang;
use crate::text::script;
use std::collections::HashMap;

/// Line ranges (1-based, inclusive) of the interview judged clean.
pub const INTERVIEW_KEEP: &[(usize, usize)] =
    &[(1, 102), (110, 143), (150, 199), (302, 397), (400, 407)];

/// A clean pair: Chinese (paragraphs joined by '\n'), its English, and speakers if known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanPair {
    pub zh: String,
    pub en: String,
    pub speaker: Option<String>,
    /// Where it came from: `debian:ch02#613` or `interview:21-22`.
    pub origin: String,
}

/// Counts of rows kept and rejected, by reason, for the report.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Selection {
    pub rows: usize,
    pub kept: usize,
    pub rejected: std::collections::BTreeMap<String, usize>,
}

impl Selection {
    fn reject(&mut self, why: &str) {
        *self.rejected.entry(why.to_string()).or_insert(0) += 1;
    }
}

fn ends_sentence_en(t: &str) -> bool {
    let t = t.trim_end_matches(['"', '\'', '”', '’', ')']);
    t.ends_with(['.', '!', '?'])
}

fn ends_sentence_zh(t: &str) -> bool {
    let t = t.trim_end_matches(['"', '”', '」', '』', ')', '）']);
    t.ends_with(['。', '！', '？', '.', '!', '?'])
}

/// Sorted runs of ASCII digits ("2.5.3" gives 2, 3, 5).
fn digit_runs(t: &str) -> Vec<&str> {
    let mut v: Vec<&str> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .collect();
    v.sort_unstable();
    v
}

fn has_markup(t: &str) -> bool {
    let s = t.trim_start();
    t.contains("**")
        || t.contains('\t')
        || s.starts_with(['#', '*', '-', '>'])
        || s.starts_with("<!--")
}

/// Read and filter the Debian Reference TSV (`id tag status zh en`, no quoting).
pub fn debian(text: &str) -> (Vec<CleanPair>, Selection) {
    let mut sel = Selection::default();
    let mut cands = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if n == 0 {
            continue; // header
        }
        sel.rows += 1;
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 5 {
            sel.reject("malformed row");
            continue;
        }
        let (id, tag, status, zh, en) = (cols[0], cols[1], cols[2], cols[3].trim(), cols[4].trim());
        if status != "translated" {
            sel.reject("status is not `translated`");
            continue;
        }
        if tag != "p" {
            sel.reject("heading or <dt> (tag is not `p`)");
            continue;
        }
        if en.chars().any(script::is_han) {
            sel.reject("Han characters in the English");
            continue;
        }
        if script::detect(zh) != Some(Lang::Zh) || super::text::han_count(zh) < 6 {
            sel.reject("Chinese side mostly Latin (commands, names) or under 6 Han");
            continue;
        }
        let first = en.chars().next().unwrap_or(' ');
        if super::text::word_count(en) < 4
            || !(first.is_uppercase() || first.is_ascii_digit() || matches!(first, '"' | '“'))
            || !ends_sentence_en(en)
            || !ends_sentence_zh(zh)
        {
            sel.reject("not a complete sentence on both sides");
            continue;
        }
        if has_markup(zh) || has_markup(en) {
            sel.reject("transcript or Markdown syntax in the text");
            continue;
        }
        if digit_runs(zh) != digit_runs(en) {
            sel.reject("numbers in digits differ between the sides");
            continue;
        }
        cands.push(CleanPair {
            zh: zh.to_string(),
            en: en.to_string(),
            speaker: None,
            origin: format!("debian:{id}"),
        });
    }
    let mut zc: HashMap<String, usize> = HashMap::new();
    let mut ec: HashMap<String, usize> = HashMap::new();
    for c in &cands {
        *zc.entry(c.zh.clone()).or_insert(0) += 1;
        *ec.entry(c.en.clone()).or_insert(0) += 1;
    }
    let mut out = Vec::new();
    for c in cands {
        if zc[&c.zh] > 1 || ec[&c.en] > 1 {
            sel.reject("text repeated elsewhere in the data");
        } else {
            out.push(c);
        }
    }
    sel.kept = out.len();
    (out, sel)
}

/// The interview's pairs that lie wholly inside `INTERVIEW_KEEP`, in file order.
pub fn interview(path: &str, text: &str) -> Result<(Vec<CleanPair>, Selection), String> {
    let doc = crate::reader::transcript::parse(path, text).map_err(|e| e.to_string())?;
    let mut sel = Selection::default();
    let mut out = Vec::new();
    for p in &doc.pairs {
        sel.rows += 1;
        let (Some(z), Some(e)) = (&p.zh, &p.en) else {
            sel.reject("one side missing");
            continue;
        };
        let inside = |a: usize, b: usize| INTERVIEW_KEEP.iter().any(|&(s, t)| s <= a && b <= t);
        if !inside(z.lines.start, e.lines.end) {
            sel.reject("outside the ranges judged clean");
            continue;
        }
        out.push(CleanPair {
            zh: z.text.clone(),
            en: e.text.clone(),
            speaker: z.speaker.clone(),
            origin: format!("interview:{}-{}", z.lines.start, e.lines.end),
        });
    }
    sel.kept = out.len();
    Ok((out, sel))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian_filter_keeps_sentences_and_drops_the_rest() {
        let tsv = "id\ttag\tstatus\tzh\ten\n\
            a#1\tp\ttranslated\t这会保存当前用户的一些环境设定。\tThis preserves some of the environment of the current user.\n\
            a#2\th3\ttranslated\t9.5.4. 硬件配置\t9.5.4. Hardware configuration\n\
            a#3\tp\tidentical\tSee it.\tSee it.\n\
            a#4\tp\ttranslated\t使用 3 个按钮（单击）\tuse 3 buttons (click)\n\
            a#5\tp\ttranslated\t目录的内容非常多。\tTable of Contents is long.\n\
            a#6\tp\ttranslated\t目录的内容非常多。\tThe contents are long indeed.\n\
            a#7\tp\ttranslated\t文件系统由 udev() 机制填充。\tThe filesystem is populated by the udev(7) mechanism.\n";
        let (kept, sel) = debian(tsv);
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert_eq!(kept[0].origin, "debian:a#1");
        assert_eq!(sel.rows, 7);
        assert_eq!(
            sel.rejected["numbers in digits differ between the sides"],
            1
        );
        assert_eq!(sel.rejected["text repeated elsewhere in the data"], 2);
        assert_eq!(sel.rejected["not a complete sentence on both sides"], 1);
    }

    #[test]
    fn interview_keeps_only_judged_ranges() {
        let t = "**A:** 你好。\n**A:** Hello.\n";
        let (kept, _) = interview("x.md", t).unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].origin, "interview:1-2");
    }
}
