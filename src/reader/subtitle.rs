//! SRT and WebVTT subtitles, bilingual in one of two layouts:
//! - one file, each cue carrying both languages (a Chinese line and an English line, in either
//!   order): each cue is a pair, its text lines assigned to a side by script;
//! - two files (`--zh a.zh.srt --en a.en.srt`), matched by time: cues pair when their time
//!   ranges overlap by at least half of the shorter one, in order.
//!
//! A cue with one side only (or a cue with no partner in the other file) becomes a pair with
//! one side, which `missing_translation` reports. The cue number (SRT) or identifier (VTT) is
//! the pair id, else the start time; timings go into `Pair.meta`. VTT `NOTE`, `STYLE` and
//! `REGION` blocks, and cue lines with no letters (`♪`), are skipped text, reported.

use super::{InputError, split_lines};
use crate::model::{Document, Lang, LineRange, Pair, Segment, Skipped};
use crate::text::script;

#[derive(Debug, Clone)]
struct Cue {
    id: Option<String>,
    start_ms: u64,
    end_ms: u64,
    timing: String,
    /// (line number, text) of each text line.
    lines: Vec<(usize, String)>,
}

fn parse_time(s: &str) -> Option<u64> {
    // hh:mm:ss,mmm | hh:mm:ss.mmm | mm:ss.mmm
    let s = s.trim();
    let (hms, ms) = s.rsplit_once([',', '.'])?;
    let parts: Vec<&str> = hms.split(':').collect();
    let nums: Option<Vec<u64>> = parts.iter().map(|p| p.trim().parse().ok()).collect();
    let nums = nums?;
    let (h, m, sec) = match nums.as_slice() {
        [h, m, s] => (*h, *m, *s),
        [m, s] => (0, *m, *s),
        _ => return None,
    };
    if ms.len() != 3 || m >= 60 || sec >= 60 {
        return None;
    }
    Some(((h * 60 + m) * 60 + sec) * 1000 + ms.parse::<u64>().ok()?)
}

fn parse_timing(line: &str) -> Option<(u64, u64)> {
    let (a, b) = line.split_once("-->")?;
    // VTT cue settings follow the end time.
    let b = b.split_whitespace().next()?;
    Some((parse_time(a)?, parse_time(b)?))
}

/// Split a subtitle file into cues; everything else becomes skipped text.
fn cues(path: &str, text: &str, skipped: &mut Vec<Skipped>) -> Result<Vec<Cue>, InputError> {
    let lines = split_lines(text);
    let mut out = Vec::new();
    let mut i = 0;
    let vtt = lines
        .first()
        .is_some_and(|l| l.trim_start_matches('\u{feff}').starts_with("WEBVTT"));
    // Blocks separated by blank lines.
    while i < lines.len() {
        while i < lines.len() && lines[i].trim().is_empty() {
            i += 1;
        }
        let start = i;
        while i < lines.len() && !lines[i].trim().is_empty() {
            i += 1;
        }
        if start == i {
            break;
        }
        let block = &lines[start..i];
        let first = block[0].trim();
        if vtt && start == 0 {
            continue; // the WEBVTT header block
        }
        if vtt
            && ["NOTE", "STYLE", "REGION"]
                .iter()
                .any(|k| first.starts_with(k))
        {
            skipped.push(Skipped {
                lines: LineRange::new(start + 1, i),
                reason: format!(
                    "WebVTT {} block",
                    first.split_whitespace().next().unwrap_or("")
                ),
                text: block.join("\n"),
            });
            continue;
        }
        let (id, timing_at) = if block[0].contains("-->") {
            (None, 0)
        } else {
            (Some(first.to_string()), 1)
        };
        let Some(timing_line) = block.get(timing_at) else {
            return Err(InputError::new(
                path,
                Some(start + 1),
                "cue without a timing line (`00:00:01,000 --> 00:00:02,000`)",
            ));
        };
        let (start_ms, end_ms) = parse_timing(timing_line).ok_or_else(|| {
            InputError::new(
                path,
                Some(start + timing_at + 1),
                format!("bad cue timing `{}`", timing_line.trim()),
            )
        })?;
        let text_lines = block[timing_at + 1..]
            .iter()
            .enumerate()
            .map(|(k, l)| (start + timing_at + 2 + k, l.trim().to_string()))
            .collect();
        out.push(Cue {
            id,
            start_ms,
            end_ms,
            timing: timing_line.trim().to_string(),
            lines: text_lines,
        });
    }
    Ok(out)
}

/// Strip the simple markup subtitles carry (`<i>`, `{\an8}`), for language detection only.
fn visible(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '<' | '{' => depth += 1,
            '>' | '}' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// A WebVTT voice tag's speaker (`<v Host>text`, `<v.loud Host>`).
fn voice(s: &str) -> Option<String> {
    let rest = s.trim_start().strip_prefix("<v")?;
    let rest = rest.strip_prefix([' ', '.'])?;
    let inner = rest.split('>').next()?.trim();
    let name = inner.split_once(' ').map_or(inner, |(_, n)| n).trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// Audited text is the visible text (markup stripped); the speaker comes from a voice tag.
fn segment(lines: &[(usize, String)], lang: Lang) -> Option<Segment> {
    let (first, last) = (lines.first()?.0, lines.last()?.0);
    Some(Segment {
        lang,
        speaker: lines.iter().find_map(|(_, t)| voice(t)),
        text: lines
            .iter()
            .map(|(_, t)| visible(t).trim().to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        lines: LineRange::new(first, last),
        paragraph_lines: lines.iter().map(|(n, _)| *n).collect(),
    })
}

fn cue_meta(c: &Cue) -> Vec<(String, String)> {
    vec![("timing".to_string(), c.timing.clone())]
}

fn cue_id(c: &Cue) -> String {
    c.id.clone().unwrap_or_else(|| {
        c.timing
            .split("-->")
            .next()
            .unwrap_or("")
            .trim()
            .to_string()
    })
}

/// One bilingual file.
pub fn parse(path: &str, text: &str) -> Result<Document, InputError> {
    let fmt = if text.trim_start_matches('\u{feff}').starts_with("WEBVTT") {
        "vtt"
    } else {
        "srt"
    };
    let mut doc = Document::new(path, fmt);
    doc.line_count = split_lines(text).len();
    let mut skipped = Vec::new();
    let cues = cues(path, text, &mut skipped)?;
    for c in cues {
        let (mut zh, mut en) = (Vec::new(), Vec::new());
        for (no, t) in &c.lines {
            match script::detect(&visible(t)) {
                Some(Lang::Zh) => zh.push((*no, t.clone())),
                Some(Lang::En) => en.push((*no, t.clone())),
                None => skipped.push(Skipped {
                    lines: LineRange::single(*no),
                    reason: "subtitle line with no letters".into(),
                    text: t.clone(),
                }),
            }
        }
        if zh.is_empty() && en.is_empty() {
            continue; // its lines are already in `skipped`
        }
        let index = doc.pairs.len();
        doc.pairs.push(Pair {
            index,
            id: Some(cue_id(&c)),
            zh: segment(&zh, Lang::Zh),
            en: segment(&en, Lang::En),
            meta: cue_meta(&c),
        });
    }
    doc.skipped = skipped;
    Ok(doc)
}

/// A Chinese file and an English file, matched by time.
pub fn parse_pair(
    zh_path: &str,
    zh: &str,
    en_path: &str,
    en: &str,
) -> Result<Document, InputError> {
    let fmt = if zh.trim_start_matches('\u{feff}').starts_with("WEBVTT") {
        "vtt"
    } else {
        "srt"
    };
    let mut doc = Document::new(&format!("{zh_path} + {en_path}"), fmt);
    doc.line_count = split_lines(zh).len().max(split_lines(en).len());
    let mut skipped = Vec::new();
    let zc = cues(zh_path, zh, &mut skipped)?;
    let ec = cues(en_path, en, &mut skipped)?;
    let overlap = |a: &Cue, b: &Cue| {
        let o = a
            .end_ms
            .min(b.end_ms)
            .saturating_sub(a.start_ms.max(b.start_ms));
        let shorter = (a.end_ms - a.start_ms).min(b.end_ms - b.start_ms).max(1);
        o * 2 >= shorter
    };
    let (mut i, mut j) = (0, 0);
    let push = |doc: &mut Document, z: Option<&Cue>, e: Option<&Cue>| {
        let index = doc.pairs.len();
        let c = z.or(e).expect("one side");
        let mut meta = cue_meta(c);
        if let (Some(_), Some(e)) = (z, e) {
            meta.push(("en_timing".into(), e.timing.clone()));
        }
        doc.pairs.push(Pair {
            index,
            id: Some(cue_id(c)),
            zh: z.and_then(|c| segment(&c.lines, Lang::Zh)),
            en: e.and_then(|c| segment(&c.lines, Lang::En)),
            meta,
        });
    };
    while i < zc.len() || j < ec.len() {
        match (zc.get(i), ec.get(j)) {
            (Some(z), Some(e)) if overlap(z, e) => {
                push(&mut doc, Some(z), Some(e));
                i += 1;
                j += 1;
            }
            (Some(z), Some(e)) if z.start_ms <= e.start_ms => {
                push(&mut doc, Some(z), None);
                i += 1;
            }
            (_, Some(e)) => {
                push(&mut doc, None, Some(e));
                j += 1;
            }
            (Some(z), None) => {
                push(&mut doc, Some(z), None);
                i += 1;
            }
            (None, None) => break,
        }
    }
    doc.skipped = skipped;
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bilingual_cues_and_a_cue_with_one_side() {
        let t = "1\n00:00:01,000 --> 00:00:02,500\n你好。\nHello.\n\n2\n00:00:03,000 --> 00:00:04,000\n只有中文。\n\n3\n00:00:05,000 --> 00:00:06,000\n♪\nMusic plays.\n";
        let d = parse("a.srt", t).unwrap();
        assert_eq!(d.pairs.len(), 3);
        assert_eq!(d.pairs[0].zh_lines(), Some(LineRange::single(3)));
        assert_eq!(d.pairs[0].en_lines(), Some(LineRange::single(4)));
        assert_eq!(d.pairs[0].id.as_deref(), Some("1"));
        assert!(d.pairs[1].en.is_none());
        assert!(d.pairs[2].zh.is_none());
        assert_eq!(d.skipped[0].lines, LineRange::single(12));
    }

    #[test]
    fn vtt_header_notes_and_settings() {
        let t = "WEBVTT\n\nNOTE made by hand\n\n00:01.000 --> 00:02.000 align:start\n<i>你好。</i>\n<i>Hello.</i>\n";
        let d = parse("a.vtt", t).unwrap();
        assert_eq!(d.format, "vtt");
        assert_eq!(d.pairs.len(), 1);
        assert_eq!(d.pairs[0].id.as_deref(), Some("00:01.000"));
        assert_eq!(d.skipped.len(), 1);
    }

    #[test]
    fn two_files_matched_by_time() {
        let zh = "1\n00:00:01,000 --> 00:00:02,000\n你好。\n\n2\n00:00:03,000 --> 00:00:04,000\n多出来的。\n\n3\n00:00:05,000 --> 00:00:06,000\n再见。\n";
        let en =
            "1\n00:00:01,100 --> 00:00:02,000\nHello.\n\n2\n00:00:05,000 --> 00:00:06,100\nBye.\n";
        let d = parse_pair("a.zh.srt", zh, "a.en.srt", en).unwrap();
        assert_eq!(d.pairs.len(), 3);
        assert_eq!(d.pairs[0].en_text(), "Hello.");
        assert!(d.pairs[1].en.is_none());
        assert_eq!(d.pairs[2].en_text(), "Bye.");
        assert_eq!(d.pairs[2].en_lines(), Some(LineRange::single(7)));
        assert_eq!(d.pairs[2].zh_lines(), Some(LineRange::single(11)));
    }

    #[test]
    fn bad_timing_names_the_line() {
        let e = parse("a.srt", "1\n00:00:01,000 -> 00:00:02,000\n你好\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        let e = parse("a.srt", "1\n00:00:01,000 --> 00:0x:02,000\n你好\n").unwrap_err();
        assert_eq!(e.line, Some(2));
    }
}
