//! Repair: write the document re-paired by the alignment, in the transcript layout.
//!
//! Each Chinese block is followed by the English sentences the alignment gives it, moved from
//! wherever they were (sentences from one source line stay one paragraph). Nothing is deleted:
//! English the alignment cannot place (a displaced copy whose home keeps its own copy, an
//! orphan, text matching no Chinese) stays where it was, preceded by a comment line
//! `<!-- tqa: unplaced English block, originally lines N-M ... -->`. Lines the reader skipped
//! (headings, comments) are written back before the first pair that followed them.

use super::Alignment;
use crate::model::{Document, LineRange};

/// The re-paired text and a summary of every move, one line each.
pub fn realign(doc: &Document, al: &Alignment) -> (String, Vec<String>) {
    let n = doc.pairs.len();
    let mut given: Vec<Vec<usize>> = al.by_owner(n);
    // Unplaced English whose far match is a Chinese block left without English goes there.
    let mut placed = vec![false; al.en_units.len()];
    for v in &given {
        for &x in v {
            placed[x] = true;
        }
    }
    for x in 0..al.en_units.len() {
        if !placed[x]
            && let Some(q) = al.far[x]
            && given[q]
                .iter()
                .all(|&y| al.owner[y].is_none() || !placed[y])
            && al.zh_far[q].is_some_and(|b| b == al.en_units[x].pair)
        {
            given[q].push(x);
            placed[x] = true;
        }
    }
    for v in &mut given {
        v.sort_unstable();
    }
    let norm = |x: usize| crate::checks::duplicate::normalise(&al.en_units[x].text);
    let placed_text: std::collections::HashSet<String> = (0..al.en_units.len())
        .filter(|&x| placed[x])
        .map(norm)
        .collect();
    let mut out = String::new();
    let mut moves = Vec::new();
    let mut skipped = doc.skipped.iter().peekable();
    for (p, pair) in doc.pairs.iter().enumerate() {
        while let Some(s) = skipped.peek() {
            if s.lines.start > pair.first_line() {
                break;
            }
            out.push_str(&s.text);
            if !s.text.ends_with('\n') {
                out.push('\n');
            }
            skipped.next();
        }
        if let Some(z) = &pair.zh {
            write_block(&mut out, z.speaker.as_deref(), z.text.split('\n'));
            let units = &given[p];
            if !units.is_empty() {
                let speaker = z
                    .speaker
                    .as_deref()
                    .or(pair.en.as_ref().and_then(|e| e.speaker.as_deref()));
                let mut paras: Vec<String> = Vec::new();
                let mut last: Option<(usize, usize)> = None;
                for &x in units {
                    let u = &al.en_units[x];
                    match (paras.last_mut(), last) {
                        (Some(para), Some((pp, line))) if pp == u.pair && line == u.line => {
                            para.push(' ');
                            para.push_str(&u.text);
                        }
                        _ => paras.push(u.text.clone()),
                    }
                    last = Some((u.pair, u.line));
                }
                write_block(&mut out, speaker, paras.iter().map(|s| s.as_str()));
                let foreign: Vec<usize> = units
                    .iter()
                    .copied()
                    .filter(|&x| al.en_units[x].pair != p)
                    .collect();
                let own_total = al.en_range[p].1 - al.en_range[p].0;
                let own_kept = units.len() - foreign.len();
                if !foreign.is_empty() || own_kept != own_total {
                    moves.push(format!(
                        "Chinese at lines {}: English now {} sentence(s){}{}",
                        z.lines,
                        units.len(),
                        if foreign.is_empty() {
                            String::new()
                        } else {
                            format!(
                                ", moved here from lines {}",
                                line_set(foreign.iter().map(|&x| al.en_units[x].line))
                            )
                        },
                        if own_kept != own_total && own_total > 0 {
                            format!(
                                "; {} of its {} original sentence(s) went elsewhere",
                                own_total - own_kept,
                                own_total
                            )
                        } else {
                            String::new()
                        }
                    ));
                }
            } else if pair.en.is_some() {
                moves.push(format!(
                    "Chinese at lines {}: no English found for it",
                    z.lines
                ));
            }
        }
        // This pair's original English that went nowhere stays here, marked.
        let (a, b) = al.en_range[p];
        let mut x = a;
        while x < b {
            if placed[x] {
                x += 1;
                continue;
            }
            let mut y = x;
            while y < b && !placed[y] && al.far[y] == al.far[x] {
                y += 1;
            }
            let lines = LineRange::new(al.en_units[x].line, al.en_units[y - 1].line);
            let speaker = pair.en.as_ref().and_then(|e| e.speaker.as_deref());
            let texts: Vec<&str> = (x..y).map(|k| al.en_units[k].text.as_str()).collect();
            let mut block = String::new();
            write_block(
                &mut block,
                speaker,
                std::iter::once(texts.join(" ").as_str()),
            );
            // A copy of English whose home pair keeps it is written inside the comment: kept
            // in the file, not audited again as an orphan. Anything else stays visible.
            let home = al.far[x].filter(|&q| !given[q].is_empty());
            let repeated = (x..y).all(|k| placed_text.contains(&norm(k)));
            match home {
                None if repeated => {
                    out.push_str(&format!(
                        "<!-- tqa: unplaced English block, originally lines {lines}; the same English is kept elsewhere:\n{}-->\n",
                        block.replace("-->", "--&gt;")
                    ));
                    moves.push(format!(
                        "English at lines {lines} ({} sentence(s)) repeats English kept elsewhere: kept inside a comment",
                        y - x
                    ));
                }
                Some(q) => {
                    let zl = doc.pairs[q]
                        .zh_lines()
                        .map_or("?".to_string(), |r| r.to_string());
                    out.push_str(&format!(
                        "<!-- tqa: unplaced English block, originally lines {lines}; it repeats the English of the Chinese at lines {zl}, kept there:\n{}-->\n",
                        block.replace("-->", "--&gt;")
                    ));
                    moves.push(format!(
                        "English at lines {lines} ({} sentence(s)) repeats the English of the Chinese at lines {zl}: kept inside a comment",
                        y - x
                    ));
                }
                None => {
                    out.push_str(&format!(
                        "<!-- tqa: unplaced English block, originally lines {lines} -->\n{block}"
                    ));
                    moves.push(format!(
                        "English at lines {lines} ({} sentence(s)) matches no Chinese: left in place, marked",
                        y - x
                    ));
                }
            }
            x = y;
        }
    }
    for s in skipped {
        out.push_str(&s.text);
        if !s.text.ends_with('\n') {
            out.push('\n');
        }
    }
    (out, moves)
}

fn write_block<'a>(out: &mut String, speaker: Option<&str>, paras: impl Iterator<Item = &'a str>) {
    for (i, para) in paras.enumerate() {
        if i == 0
            && let Some(s) = speaker
        {
            out.push_str(&format!("**{s}:** "));
        }
        out.push_str(para);
        out.push('\n');
    }
}

fn line_set(lines: impl Iterator<Item = usize>) -> String {
    let mut v: Vec<usize> = lines.collect();
    v.sort_unstable();
    v.dedup();
    let mut ranges: Vec<LineRange> = Vec::new();
    for l in v {
        match ranges.last_mut() {
            Some(r) if l == r.end + 1 => r.end = l,
            _ => ranges.push(LineRange::single(l)),
        }
    }
    ranges
        .iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
