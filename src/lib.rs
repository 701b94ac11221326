//! tqa: translation quality auditor for Chinese/English bilingual documents.
//!
//! Readers build a `model::Document`; the `engine` runs the rules (`rules/`, data) through
//! their checks (`checks`, code), scores the findings (`score`), and reporters (`report`)
//! render the result. Library code never prints.

pub mod align;
pub mod analysis;
pub mod checks;
pub mod cli;
pub mod cli_reports;
pub mod engine;
pub mod eval;
pub mod finding;
pub mod glossary;
pub mod lexicon;
pub mod model;
pub mod reader;
pub mod report;
pub mod resources;
pub mod rules;
pub mod score;
pub mod stream;
pub mod stream_cli;
#[cfg(test)]
mod test_support;
pub mod text;
pub mod threads;
pub mod waivers;
