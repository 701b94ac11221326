//! `format_note`: structural observations a reader made about its own format, one rule per
//! `kind` (`tag_mismatch` for TMX/XLIFF inline codes, `po_entry_state` for fuzzy and obsolete
//! PO entries). The reader measures (see `reader::tmx`, `reader::po`); this check only turns
//! the notes of its kind into hits, with the reader's evidence.
//!
//! Parameters: `kind` (which notes), and `info_states`: values of the note's `state` evidence
//! that are reported at info level rather than the rule's severity (e.g. `obsolete`, an entry
//! no longer in use).

use super::{Check, Context};
use crate::finding::{Hit, Severity};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    kind: String,
    #[serde(default)]
    info_states: Vec<String>,
}

pub struct FormatNote {
    kind: String,
    info_states: Vec<String>,
}

pub fn build(p: &toml::Table) -> Result<Box<dyn Check>, String> {
    let p: Params = super::params(p)?;
    Ok(Box::new(FormatNote {
        kind: p.kind,
        info_states: p.info_states,
    }))
}

impl Check for FormatNote {
    fn run(&self, ctx: &Context) -> Vec<Hit> {
        ctx.doc
            .notes
            .iter()
            .filter(|n| n.kind == self.kind)
            .map(|n| {
                let mut hit = Hit {
                    pair: n.pair,
                    zh_lines: n.zh_lines,
                    en_lines: n.en_lines,
                    ..Hit::default()
                };
                for (k, v) in &n.evidence {
                    hit = hit.with(k.clone(), v.as_str());
                    if k == "state" && self.info_states.contains(v) {
                        hit = hit.severity(Severity::Info);
                    }
                }
                if let Some(id) = n
                    .pair
                    .and_then(|i| ctx.doc.pairs.get(i))
                    .and_then(|p| p.id.as_deref())
                {
                    hit = hit.with("id", id);
                }
                hit
            })
            .collect()
    }
}
