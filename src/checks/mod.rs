//! Checks: the code behind rules. One module per measurement.
//!
//! A check gets the whole document (through `Context`) and returns `Hit`s; it never prints and
//! never decides severity or wording, which come from the rule's data file. Several rules may
//! share one check with different parameters. To add a check: write the module, add it to
//! `CHECKS` and `build` below.

pub mod duplicate;
pub mod format_note;
pub mod glossary;
pub mod length_ratio;
pub mod misaligned;
pub mod missing_sentences;
pub mod missing_translation;
pub mod number_mismatch;
pub mod skipped_text;
pub mod speaker_swap;
pub mod truncated;
pub mod untranslated;

use crate::finding::Hit;
use crate::model::Document;
use crate::resources::Resources;
use crate::rules::settings::Settings;
use serde::de::DeserializeOwned;

/// What every check sees.
pub struct Context<'a> {
    pub doc: &'a Document,
    pub settings: &'a Settings,
    pub resources: &'a Resources,
    /// Document-level analyses shared by several checks, computed once on first use.
    pub shared: &'a crate::analysis::Shared,
}

pub trait Check: Send + Sync {
    fn run(&self, ctx: &Context) -> Vec<Hit>;

    /// Whether `run` reads the document alignment (`Shared::alignment`). The engine builds
    /// the alignment before running such checks, never beside them (see `Engine::findings`).
    fn reads_alignment(&self) -> AlignmentUse {
        AlignmentUse::Never
    }

    /// Whether `run` reads the per-pair text results (`Shared::texts`: numbers, English
    /// sentences). The engine keeps them for the document only when two readers are active
    /// (the alignment counts as one); the results are the same either way.
    fn reads_texts(&self) -> bool {
        false
    }
}

/// How a check uses the document alignment, for the engine's scheduling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlignmentUse {
    Never,
    /// On some documents (it builds it itself when no other active check needs it).
    Sometimes,
    /// On every document: its presence makes the engine build the alignment first.
    Always,
}

/// Names of all checks, for `tqa rules --checks` and load-time validation.
pub const CHECKS: &[&str] = &[
    "format_note",
    "glossary",
    "missing_translation",
    "number_mismatch",
    "skipped_text",
    "speaker_swap",
    "untranslated",
    "length_ratio",
    "missing_sentences",
    "truncated",
    "misaligned",
    "duplicate",
];

/// Build a check from its name and the rule's parameters. An unknown parameter is an error
/// naming the key (the loader adds file and line).
pub fn build(check: &str, params: &toml::Table) -> Result<Box<dyn Check>, String> {
    match check {
        "format_note" => format_note::build(params),
        "length_ratio" => length_ratio::build(params),
        "missing_sentences" => missing_sentences::build(params),
        "missing_translation" => missing_translation::build(params),
        "skipped_text" => skipped_text::build(params),
        "glossary" => glossary::build(params),
        "number_mismatch" => number_mismatch::build(params),
        "speaker_swap" => speaker_swap::build(params),
        "untranslated" => untranslated::build(params),
        "truncated" => truncated::build(params),
        "misaligned" => misaligned::build(params),
        "duplicate" => duplicate::build(params),
        other => Err(format!(
            "unknown check `{other}` (known: {})",
            CHECKS.join(", ")
        )),
    }
}

/// Deserialize a check's parameters; unknown keys are rejected (`deny_unknown_fields` on T).
pub fn params<T: DeserializeOwned>(table: &toml::Table) -> Result<T, String> {
    toml::Value::Table(table.clone())
        .try_into()
        .map_err(|e: toml::de::Error| format!("params: {}", e.message().trim()))
}
