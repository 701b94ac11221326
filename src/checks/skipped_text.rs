//! `skipped_text`: text the reader did not put in any pair (headings, front matter, comments,
//! lines it could not attribute). Reported so that no input line disappears silently.

use super::{Check, Context};
use crate::finding::Hit;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {}

pub struct SkippedText;

pub fn build(p: &toml::Table) -> Result<Box<dyn Check>, String> {
    let _: Params = super::params(p)?;
    Ok(Box::new(SkippedText))
}

impl Check for SkippedText {
    fn run(&self, ctx: &Context) -> Vec<Hit> {
        ctx.doc
            .skipped
            .iter()
            .map(|s| {
                // Point at the side the text is written in, so reporters show it there.
                let zh = crate::text::script::detect(&s.text) == Some(crate::model::Lang::Zh);
                Hit {
                    zh_lines: zh.then_some(s.lines),
                    en_lines: (!zh).then_some(s.lines),
                    ..Hit::default()
                }
                .with("reason", s.reason.as_str())
                .with("lines", s.lines.end - s.lines.start + 1)
                .with("excerpt", crate::text::excerpt(&s.text, 60))
            })
            .collect()
    }
}
