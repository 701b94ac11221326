//! `misaligned`: the English beside this Chinese translates something else.
//!
//! Measured on the document alignment (`align::document`, cached in `Shared`): a pair is
//! reported when at least `min_chars` characters of its English are given by the alignment to
//! other Chinese (or to none), or when English elsewhere in the file translates this Chinese
//! (found in the DP window or by a far match through the index). The evidence names, sentence
//! by sentence, where each moved English sentence belongs (`moved_out`: line, excerpt, the
//! Chinese lines it translates) and which English elsewhere belongs here (`moved_in`), plus
//! `matches_zh_lines` (the Chinese this English translates, or null) and `own_en_lines` (where
//! this Chinese's English is, or null), `own_similarity` and `best_other_similarity`.
//!
//! A partial move to an adjacent pair (a boundary shift) must also fix a length: one of the
//! two pairs has |z| ≥ `min_shift_z` under the document's length model.
//!
//! Known false positives: short pairs without anchors cannot be told apart without a lexicon,
//! so the alignment keeps the file's pairing there (misses, not false alarms); a free
//! translation that shares no vocabulary with the lexicon glosses may lose a sentence to a
//! neighbour that happens to share more words.

use super::{AlignmentUse, Check, Context};
use crate::finding::{Hit, round};
use crate::model::LineRange;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    /// English characters that must move before a pair is reported.
    #[serde(default = "default_min_chars")]
    min_chars: usize,
    /// Length z-score one of two pairs must reach for a partial move between them to count.
    #[serde(default = "default_min_shift_z")]
    min_shift_z: f64,
}

fn default_min_shift_z() -> f64 {
    1.0
}

fn default_min_chars() -> usize {
    8
}

pub struct Misaligned {
    min_chars: usize,
    min_shift_z: f64,
}

pub fn build(p: &toml::Table) -> Result<Box<dyn Check>, String> {
    let p: Params = super::params(p)?;
    Ok(Box::new(Misaligned {
        min_chars: p.min_chars,
        min_shift_z: p.min_shift_z,
    }))
}

fn lines_json(r: Option<LineRange>) -> Value {
    r.map_or(Value::Null, |r| json!([r.start, r.end]))
}

fn lines_text(r: LineRange) -> String {
    if r.start == r.end {
        format!("line {}", r.start)
    } else {
        format!("lines {r}")
    }
}

/// "line 214", "lines 214 and 301", "lines 209-211": consecutive lines joined as ranges.
fn line_list(lines: &[usize], far: Option<LineRange>) -> String {
    if lines.is_empty() {
        return far.map_or("?".to_string(), lines_text);
    }
    if let (Some(f), [l]) = (far, lines)
        && f.start == *l
    {
        return lines_text(f);
    }
    let mut ranges: Vec<LineRange> = Vec::new();
    for &l in lines {
        match ranges.last_mut() {
            Some(r) if l == r.end + 1 || l == r.end => r.end = l,
            _ => ranges.push(LineRange::single(l)),
        }
    }
    let parts: Vec<String> = ranges.iter().map(|r| r.to_string()).collect();
    let word = if ranges.len() == 1 && ranges[0].start == ranges[0].end {
        "line"
    } else {
        "lines"
    };
    match parts.len() {
        1 => format!("{word} {}", parts[0]),
        _ => format!(
            "{word} {} and {}",
            parts[..parts.len() - 1].join(", "),
            parts[parts.len() - 1]
        ),
    }
}

impl Check for Misaligned {
    fn reads_alignment(&self) -> AlignmentUse {
        AlignmentUse::Always
    }

    fn run(&self, ctx: &Context) -> Vec<Hit> {
        let doc = ctx.doc;
        let lex = ctx.resources.lexicon.as_deref();
        let al = ctx.shared.alignment(doc, lex);
        let by_owner = al.by_owner(doc.pairs.len());
        let mut hits = Vec::new();
        for pair in &doc.pairs {
            let p = pair.index;
            let Some(d) = al.departure(doc, p, &by_owner) else {
                continue;
            };
            let chars = |xs: &mut dyn Iterator<Item = usize>| -> usize {
                xs.map(|x| crate::text::script::counts(&al.en_units[x].text).visible)
                    .sum()
            };
            let out_chars = chars(&mut d.out.iter().map(|o| o.0));
            let in_chars = chars(&mut d.into.iter().copied());
            if out_chars < self.min_chars && in_chars < self.min_chars && al.zh_far[p].is_none() {
                continue;
            }
            // Some (not all) sentences moving to an adjacent pair is a boundary shift; on
            // lengths that fit it is as likely two neighbours sharing vocabulary, so the move
            // must also fix a length: one of the two pairs is off by `min_shift_z`.
            let n_all = al.en_range[p].1 - al.en_range[p].0;
            if !d.out.is_empty()
                && d.out.len() < n_all
                && d.into.is_empty()
                && al.zh_far[p].is_none()
                && d.out
                    .iter()
                    .all(|&(_, o)| o.is_some_and(|o| o.abs_diff(p) == 1))
            {
                let lm = ctx.shared.length(doc);
                let zabs = |i: usize| -> f64 {
                    match (&doc.pairs[i].zh, &doc.pairs[i].en) {
                        (Some(z), Some(e)) => lm
                            .z(
                                crate::align::document::zh_len(&z.text),
                                crate::align::document::en_len(&e.text),
                            )
                            .abs(),
                        _ => f64::INFINITY,
                    }
                };
                let q = d.out[0].1.expect("adjacent");
                if zabs(p) < self.min_shift_z && zabs(q) < self.min_shift_z {
                    continue;
                }
            }
            let moved_out: Vec<Value> = d
                .out
                .iter()
                .map(|&(x, o)| {
                    json!({"en_line": al.en_units[x].line,
                           "sentence": crate::text::excerpt(&al.en_units[x].text, 70),
                           "translates_zh_lines": lines_json(o.and_then(|o| doc.pairs[o].zh_lines()))})
                })
                .collect();
            let moved_in: Vec<Value> = d
                .into
                .iter()
                .map(|&x| {
                    json!({"en_line": al.en_units[x].line,
                           "sentence": crate::text::excerpt(&al.en_units[x].text, 70)})
                })
                .collect();
            let own_lines = pair.en_lines();
            let mut parts = Vec::new();
            let here = own_lines.map_or("absent".to_string(), lines_text);
            if out_chars >= self.min_chars {
                let n_all = al.en_range[p].1 - al.en_range[p].0;
                let what = if d.out.len() == n_all {
                    format!("the English at {here}")
                } else {
                    format!(
                        "{} of the {} sentences of the English at {here}",
                        d.out.len(),
                        n_all
                    )
                };
                let verb = if d.out.len() == n_all || d.out.len() == 1 {
                    "translates"
                } else {
                    "translate"
                };
                parts.push(match d.matches_zh_lines {
                    Some(z) => format!("{what} {verb} the Chinese at {}", lines_text(z)),
                    None => format!("{what} {verb} no Chinese found in the file"),
                });
            }
            match d.own_en_lines {
                Some(r) if in_chars >= self.min_chars || al.zh_far[p].is_some() => {
                    let kind = if al.zh_far[p].is_some() && d.into.is_empty() {
                        "is at"
                    } else if by_owner[p].iter().any(|&x| al.en_units[x].pair == p) {
                        "continues at"
                    } else {
                        "is at"
                    };
                    let _ = r;
                    let mut ls: Vec<usize> =
                        by_owner[p].iter().map(|&x| al.en_units[x].line).collect();
                    if ls.is_empty() {
                        ls.extend(
                            al.zh_far[p]
                                .and_then(|q| doc.pairs[q].en_lines())
                                .map(|r| r.start),
                        );
                    }
                    ls.dedup();
                    parts.push(format!(
                        "this Chinese's English {kind} {}",
                        line_list(&ls, al.zh_far[p].and_then(|q| doc.pairs[q].en_lines()))
                    ));
                }
                _ if out_chars >= self.min_chars && by_owner[p].is_empty() => {
                    parts.push("this Chinese's English was not found in the file".to_string())
                }
                _ => {}
            }
            if parts.is_empty() {
                continue;
            }
            let (bo, bq) = al.best_other[p];
            let mut hit = Hit::on_pair(pair)
                .with("matches_zh_lines", lines_json(d.matches_zh_lines))
                .with("own_en_lines", lines_json(d.own_en_lines))
                .with("own_similarity", round(al.own_sim[p], 3))
                .with("best_other_similarity", round(bo, 3))
                .with("moved_share", round(d.out_share, 2))
                .with("moved_out", Value::Array(moved_out))
                .with("moved_in", Value::Array(moved_in))
                .with("lexicon", al.used_lexicon)
                .message(format!("misaligned: {}", parts.join("; ")));
            if let Some(q) = bq {
                hit = hit.with("best_other_zh_lines", lines_json(doc.pairs[q].zh_lines()));
            }
            hit = hit.suggest(
                "run `tqa realign` to re-pair the document, or move the English next to the Chinese it translates",
            );
            hits.push(hit);
        }
        hits
    }
}
