//! `missing_translation`: a segment with no counterpart in the other language.
//!
//! Measured on the pairing the reader produced: a Chinese block followed by another Chinese
//! block has no English; an English block with no Chinese before it is an orphan. An empty
//! cell in a TSV row counts as absent.

use super::{Check, Context};
use crate::finding::Hit;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    /// Segments shorter than this many visible characters are not reported (e.g. "嗯。").
    #[serde(default)]
    min_chars: usize,
}

pub struct MissingTranslation {
    min_chars: usize,
}

pub fn build(p: &toml::Table) -> Result<Box<dyn Check>, String> {
    let p: Params = super::params(p)?;
    Ok(Box::new(MissingTranslation {
        min_chars: p.min_chars,
    }))
}

impl Check for MissingTranslation {
    fn run(&self, ctx: &Context) -> Vec<Hit> {
        let mut hits = Vec::new();
        for pair in &ctx.doc.pairs {
            let (present, absent) = match (&pair.zh, &pair.en) {
                (Some(z), None) => (z, "English"),
                (None, Some(e)) => (e, "Chinese"),
                _ => continue,
            };
            let chars = present.text.chars().filter(|c| !c.is_whitespace()).count();
            if chars < self.min_chars.max(1) {
                continue;
            }
            let mut hit = Hit::on_pair(pair)
                .with("present", present.lang.name())
                .with("absent", absent)
                .with("chars", chars)
                .with("excerpt", crate::text::excerpt(&present.text, 60));
            if let Some(s) = &present.speaker {
                hit = hit.with("speaker", s.as_str());
            }
            hit = hit.suggest(format!(
                "add the {absent} translation after line {}, or move it here if it sits elsewhere",
                present.lines.end
            ));
            hits.push(hit);
        }
        hits
    }
}
