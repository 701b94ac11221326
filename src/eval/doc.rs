//! Evaluation documents in the transcript layout: `**Speaker:** zh` then `**Speaker:** en`,
//! one line per paragraph, no blank lines (as in the real interview). Rendering records the
//! line range of every turn, so labels can be matched to findings by line.

use crate::model::LineRange;

/// One speaker turn: its Chinese block and its English block (either may be absent after an
/// injection). Labels refer to turns by `id`, which survives insertions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    pub id: usize,
    pub zh_speaker: String,
    pub zh: Option<String>,
    pub en_speaker: String,
    pub en: Option<String>,
    pub origin: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TurnLines {
    pub zh: Option<LineRange>,
    pub en: Option<LineRange>,
}

impl TurnLines {
    /// First to last line of the turn.
    pub fn span(&self) -> Option<LineRange> {
        match (self.zh, self.en) {
            (Some(a), Some(b)) => Some(LineRange::cover(a, b)),
            (a, b) => a.or(b),
        }
    }
}

#[derive(Debug, Clone)]
pub struct EvalDoc {
    pub name: String,
    pub turns: Vec<Turn>,
}

impl EvalDoc {
    pub fn index_of(&self, id: usize) -> Option<usize> {
        self.turns.iter().position(|t| t.id == id)
    }
    pub fn next_id(&self) -> usize {
        self.turns.iter().map(|t| t.id + 1).max().unwrap_or(0)
    }

    /// Parse a generated document and check that every block the generator wrote is one segment
    /// for the reader, with the same lines: an injection that tipped a paragraph into the other
    /// script (and so split a block) would otherwise mislabel every finding after it.
    pub fn parse_checked(
        &self,
        text: &str,
        lines: &[TurnLines],
    ) -> Result<crate::model::Document, String> {
        let name = format!("{}.zh-en.md", self.name);
        let parsed =
            crate::reader::parse(&name, text, Some(crate::reader::InputFormat::Transcript))
                .map_err(|e| e.to_string())?;
        let blocks: std::collections::BTreeSet<(usize, usize)> = parsed
            .pairs
            .iter()
            .flat_map(|p| [p.zh_lines(), p.en_lines()])
            .flatten()
            .map(|r| (r.start, r.end))
            .collect();
        for l in lines.iter().flat_map(|l| [l.zh, l.en]).flatten() {
            if !blocks.contains(&(l.start, l.end)) {
                return Err(format!(
                    "{name}:{}: the reader does not see the generated block {}-{} as one segment (evaluation bug)",
                    l.start, l.start, l.end
                ));
            }
        }
        Ok(parsed)
    }

    /// The document text and, per turn (same order as `turns`), its lines.
    pub fn render(&self) -> (String, Vec<TurnLines>) {
        let mut out = String::new();
        let mut line = 0;
        let mut lines = Vec::with_capacity(self.turns.len());
        let mut block = |speaker: &str, text: &str, out: &mut String| -> LineRange {
            let start = line + 1;
            for (k, para) in text.split('\n').enumerate() {
                if k == 0 {
                    out.push_str(&format!("**{speaker}:** {para}\n"));
                } else {
                    out.push_str(para);
                    out.push('\n');
                }
                line += 1;
            }
            LineRange::new(start, line)
        };
        for t in &self.turns {
            let zh = t.zh.as_deref().map(|z| block(&t.zh_speaker, z, &mut out));
            let en = t.en.as_deref().map(|e| block(&t.en_speaker, e, &mut out));
            lines.push(TurnLines { zh, en });
        }
        (out, lines)
    }
}

/// Two synthetic speakers for sources without any (Debian rows), alternating.
pub const SYNTHETIC_SPEAKERS: [&str; 2] = ["Maria Lopez", "Kenji Mori"];

pub fn from_pairs(name: &str, pairs: &[super::data::CleanPair]) -> EvalDoc {
    let turns = pairs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let s = p
                .speaker
                .clone()
                .unwrap_or_else(|| SYNTHETIC_SPEAKERS[i % 2].to_string());
            Turn {
                id: i,
                zh_speaker: s.clone(),
                zh: Some(p.zh.clone()),
                en_speaker: s,
                en: Some(p.en.clone()),
                origin: p.origin.clone(),
            }
        })
        .collect();
    EvalDoc {
        name: name.to_string(),
        turns,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::data::CleanPair;

    #[test]
    fn rendered_lines_match_what_the_reader_sees() {
        let pairs = vec![
            CleanPair {
                zh: "第一段。\n第二段。".into(),
                en: "First. Second.".into(),
                speaker: None,
                origin: "t:1".into(),
            },
            CleanPair {
                zh: "你好。".into(),
                en: "Hello.".into(),
                speaker: None,
                origin: "t:2".into(),
            },
        ];
        let d = from_pairs("t", &pairs);
        let (text, lines) = d.render();
        assert!(text.starts_with("**Maria Lopez:** 第一段。\n第二段。\n**Maria Lopez:** First. Second.\n**Kenji Mori:** 你好。\n"));
        let doc = crate::reader::transcript::parse("t.md", &text).unwrap();
        assert_eq!(doc.pairs.len(), 2);
        for (p, l) in doc.pairs.iter().zip(&lines) {
            assert_eq!(p.zh_lines(), l.zh);
            assert_eq!(p.en_lines(), l.en);
        }
        assert_eq!(lines[0].span(), Some(LineRange::new(1, 3)));
    }
}
