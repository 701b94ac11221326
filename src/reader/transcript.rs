//! The speaker-tagged bilingual transcript: `**Speaker Name:** text`, each turn's Chinese block
//! (possibly continued over several unlabelled paragraph lines) followed by its English block,
//! or the reverse order.
//!
//! Blocks are paired by language, not by position: two Chinese blocks in a row mean the first
//! has no English; an English block with no Chinese is an orphan. Headings, front matter,
//! comments and rules are kept as `Skipped` so they are reported, not dropped.

use super::label::{bold_label, is_heading, is_rule_line, plain_label};
use super::{InputError, split_lines};
use crate::model::{Document, InlineWaiver, Lang, LineRange, Pair, Segment, Skipped};
use crate::text::script::{self, ScriptCounts};
use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

static WAIVER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^<!--\s*tqa-waive\s+([a-z_]+|TQA\d+)\s*(?::\s*(.*?))?\s*-->$").unwrap()
});

#[derive(Debug)]
struct Block {
    speaker: Option<String>,
    paragraphs: Vec<(usize, String)>,
    lang: Option<Lang>,
    /// Han and Latin counts of the paragraphs together (their sum: see
    /// `script::detect_counts`), so that a continuation line does not rejoin and rescan the
    /// whole block.
    counts: ScriptCounts,
}

impl Block {
    fn text(&self) -> String {
        self.paragraphs
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
    fn new(speaker: Option<String>, no: usize, text: String, counts: ScriptCounts) -> Block {
        Block {
            speaker,
            paragraphs: vec![(no, text)],
            lang: None,
            counts,
        }
    }
    fn push(&mut self, no: usize, text: String, counts: ScriptCounts) {
        self.paragraphs.push((no, text));
        self.counts.han += counts.han;
        self.counts.latin += counts.latin;
    }
    /// `script::detect` of `text()`.
    fn detect(&self) -> Option<Lang> {
        script::detect_counts(&self.counts)
    }
}

/// Split a line into (speaker, text) when it starts with a label.
fn label<'a>(line: &'a str, plain_names: &HashSet<String>) -> Option<(String, &'a str)> {
    if let Some((name, rest)) = bold_label(line) {
        return Some((name.trim().to_string(), rest));
    }
    let (name, rest) = plain_label(line)?;
    let name = name.trim();
    plain_names.contains(name).then(|| (name.to_string(), rest))
}

/// Plain `Name:` labels count only for names used as a label at least twice, or also written
/// as a bold label: a one-off "Note: ..." inside a paragraph is text, not a speaker.
fn plain_label_names(lines: &[&str]) -> HashSet<String> {
    let mut bold = HashSet::new();
    let mut plain: HashMap<String, usize> = HashMap::new();
    for l in lines {
        let l = l.trim();
        if let Some((name, _)) = bold_label(l) {
            bold.insert(name.trim().to_string());
        } else if let Some((name, _)) = plain_label(l) {
            *plain.entry(name.trim().to_string()).or_insert(0) += 1;
        }
    }
    plain
        .into_iter()
        .filter(|(n, k)| *k >= 2 || bold.contains(n))
        .map(|(n, _)| n)
        .collect()
}

pub fn parse(path: &str, text: &str) -> Result<Document, InputError> {
    let lines: Vec<&str> = split_lines(text);
    let mut doc = Document::new(path, "transcript");
    doc.line_count = lines.len();
    let plain_names = plain_label_names(&lines);

    let mut blocks: Vec<Block> = Vec::new();
    let mut pending_waivers: Vec<InlineWaiver> = Vec::new();
    let mut waiver_targets: Vec<(InlineWaiver, usize)> = Vec::new(); // (waiver, first line after)
    let mut i = 0;
    // Front matter: a first line `---` up to the next `---` or `...`.
    if lines.first().map(|l| l.trim_end()) == Some("---")
        && let Some(end) = lines
            .iter()
            .skip(1)
            .position(|l| matches!(l.trim_end(), "---" | "..."))
    {
        let end = end + 1; // index of the closing line
        doc.skipped.push(Skipped {
            lines: LineRange::new(1, end + 1),
            reason: "front matter".into(),
            text: lines[1..end].join("\n"),
        });
        i = end + 1;
    }
    while i < lines.len() {
        let no = i + 1;
        let line = lines[i].trim_end();
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            i += 1;
            continue;
        }
        if trimmed.starts_with("<!--") {
            // A comment, possibly over several lines.
            let mut j = i;
            while !lines[j].contains("-->") && j + 1 < lines.len() {
                j += 1;
            }
            let body = lines[i..=j].join("\n");
            if let Some(c) = WAIVER.captures(body.trim()) {
                pending_waivers.push(InlineWaiver {
                    line: no,
                    rule: c[1].to_string(),
                    reason: c.get(2).map_or("", |m| m.as_str()).to_string(),
                    pair: None,
                });
            } else {
                doc.skipped.push(Skipped {
                    lines: LineRange::new(no, j + 1),
                    reason: "HTML comment".into(),
                    text: body,
                });
            }
            i = j + 1;
            continue;
        }
        if is_heading(trimmed) || is_rule_line(trimmed) {
            let reason = if is_heading(trimmed) {
                "Markdown heading"
            } else {
                "horizontal rule"
            };
            doc.skipped.push(Skipped {
                lines: LineRange::single(no),
                reason: reason.into(),
                text: trimmed.to_string(),
            });
            i += 1;
            continue;
        }
        for w in pending_waivers.drain(..) {
            waiver_targets.push((w, no));
        }
        match label(trimmed, &plain_names) {
            Some((speaker, rest)) => {
                let rest = rest.trim();
                blocks.push(Block::new(
                    Some(speaker),
                    no,
                    rest.to_string(),
                    script::han_latin_counts(rest),
                ))
            }
            None => {
                let counts = script::han_latin_counts(trimmed);
                let line_lang = script::detect_counts(&counts);
                let continues = blocks.last().is_some_and(|b| {
                    let bl = b.detect();
                    line_lang.is_none() || bl.is_none() || bl == line_lang
                });
                if continues {
                    let b = blocks.last_mut().expect("checked");
                    b.push(no, trimmed.to_string(), counts);
                } else {
                    blocks.push(Block::new(None, no, trimmed.to_string(), counts));
                }
            }
        }
        i += 1;
    }
    // Waiver comments at the end of the file have no block to apply to.
    for w in pending_waivers {
        doc.skipped.push(Skipped {
            lines: LineRange::single(w.line),
            reason: "waiver marker with no block after it".into(),
            text: format!("tqa-waive {}", w.rule),
        });
    }

    // Language by script; a block with neither Han nor Latin (digits only) takes the language
    // that completes the pair before it.
    for k in 0..blocks.len() {
        let l = blocks[k]
            .detect()
            .unwrap_or_else(|| match k.checked_sub(1) {
                Some(p) => blocks[p].lang.unwrap_or(Lang::Zh).other(),
                None => Lang::Zh,
            });
        blocks[k].lang = Some(l);
    }

    let order = pairing_order(&blocks);
    let mut k = 0;
    while k < blocks.len() {
        let first = &blocks[k];
        let idx = doc.pairs.len();
        let next = blocks.get(k + 1);
        let (a, b) =
            if first.lang == Some(order) && next.is_some_and(|n| n.lang == Some(order.other())) {
                k += 2;
                (Some(first), next)
            } else {
                k += 1;
                (Some(first), None)
            };
        let mut pair = Pair {
            index: idx,
            id: None,
            zh: None,
            en: None,
            meta: Vec::new(),
        };
        for blk in [a, b].into_iter().flatten() {
            let seg = segment(blk);
            match seg.lang {
                Lang::Zh => pair.zh = Some(seg),
                Lang::En => pair.en = Some(seg),
            }
        }
        doc.pairs.push(pair);
    }
    if order == Lang::En {
        doc.direction = crate::model::Direction::EnToZh;
    }
    for (mut w, line) in waiver_targets {
        w.pair = doc.pairs.iter().position(|p| {
            p.zh_lines().is_some_and(|r| r.start == line)
                || p.en_lines().is_some_and(|r| r.start == line)
        });
        doc.waivers.push(w);
    }
    Ok(doc)
}

fn segment(b: &Block) -> Segment {
    let start = b.paragraphs.first().map_or(0, |p| p.0);
    let end = b.paragraphs.last().map_or(start, |p| p.0);
    Segment {
        lang: b.lang.unwrap_or(Lang::Zh),
        speaker: b.speaker.clone(),
        text: b.text(),
        lines: LineRange::new(start, end),
        paragraph_lines: b.paragraphs.iter().map(|p| p.0).collect(),
    }
}

/// Which language opens a pair: count adjacent (zh, en) against (en, zh) transitions, each
/// counted greedily; ties go to Chinese first.
fn pairing_order(blocks: &[Block]) -> Lang {
    let complete = |first: Lang| {
        let mut n = 0;
        let mut k = 0;
        while k + 1 < blocks.len() {
            if blocks[k].lang == Some(first) && blocks[k + 1].lang == Some(first.other()) {
                n += 1;
                k += 2;
            } else {
                k += 1;
            }
        }
        n
    };
    if complete(Lang::En) > complete(Lang::Zh) {
        Lang::En
    } else {
        Lang::Zh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_blocks_with_continuations() {
        let t = "**A:** 第一段。\n第二段。\n**A:** First. Second.\n**B:** 好的。\n**B:** OK.\n";
        let d = parse("t.md", t).unwrap();
        assert_eq!(d.pairs.len(), 2);
        let p = &d.pairs[0];
        assert_eq!(p.zh.as_ref().unwrap().lines, LineRange::new(1, 2));
        assert_eq!(p.zh.as_ref().unwrap().text, "第一段。\n第二段。");
        assert_eq!(p.en.as_ref().unwrap().lines, LineRange::single(3));
        assert_eq!(p.en.as_ref().unwrap().speaker.as_deref(), Some("A"));
    }

    #[test]
    fn two_chinese_blocks_in_a_row_leave_the_first_unpaired() {
        let t = "**A:** 你好。\n**B:** 再见。\n**B:** Bye.\n**C:** Orphan English.\n";
        let d = parse("t.md", t).unwrap();
        assert_eq!(d.pairs.len(), 3);
        assert!(d.pairs[0].en.is_none());
        assert!(d.pairs[1].zh.is_some() && d.pairs[1].en.is_some());
        assert!(d.pairs[2].zh.is_none() && d.pairs[2].en.is_some());
    }

    #[test]
    fn english_first_order_is_accepted() {
        let t = "**A:** Hello there.\n**A:** 你好。\n**B:** Bye now.\n**B:** 再见。\n";
        let d = parse("t.md", t).unwrap();
        assert_eq!(d.pairs.len(), 2);
        assert!(d.pairs.iter().all(|p| p.zh.is_some() && p.en.is_some()));
    }

    #[test]
    fn label_variants_crlf_headings_and_front_matter() {
        let t = "---\ntitle: x\n---\n# Interview\r\n\r\n**Ilya**: 你好。  \r\n**Ilya**：Hello.\r\nIlya: 再见。\r\nIlya: Bye.\r\n";
        let d = parse("t.md", t).unwrap();
        assert_eq!(d.pairs.len(), 2, "{:?}", d.pairs);
        assert_eq!(
            d.pairs[1].zh.as_ref().unwrap().speaker.as_deref(),
            Some("Ilya")
        );
        assert_eq!(d.pairs[0].zh.as_ref().unwrap().text, "你好。");
        let reasons: Vec<&str> = d.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert_eq!(reasons, ["front matter", "Markdown heading"]);
    }

    #[test]
    fn waiver_marker_attaches_to_next_pair() {
        let t = "**A:** 你好。\n**A:** Hello.\n<!-- tqa-waive length_ratio: interjection -->\n**B:** 嗯。\n**B:** Right, right, right.\n";
        let d = parse("t.md", t).unwrap();
        assert_eq!(d.waivers.len(), 1);
        assert_eq!(d.waivers[0].pair, Some(1));
        assert_eq!(d.waivers[0].reason, "interjection");
    }

    #[test]
    fn every_nonblank_line_is_accounted_for() {
        let t = "# Title\n**A:** 你好。\nmore zh 继续。\n\n**A:** Hello.\n<!-- note -->\n**B:** Orphan.\n";
        let d = parse("t.md", t).unwrap();
        let mut covered = std::collections::BTreeSet::new();
        for p in &d.pairs {
            for s in [&p.zh, &p.en].into_iter().flatten() {
                covered.extend(s.paragraph_lines.iter().copied());
            }
        }
        for s in &d.skipped {
            covered.extend(s.lines.start..=s.lines.end);
        }
        let expect: std::collections::BTreeSet<usize> = t
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, _)| i + 1)
            .collect();
        assert_eq!(covered, expect);
    }
}
