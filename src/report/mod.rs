//! Reports (data) and reporters (one per output format). Checking never prints: the engine
//! returns a `Report`, and `render` is the one place that knows formats exist.

pub mod escape;
pub mod github;
pub mod html;
pub mod json;
pub mod json_line;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod terminal;

use crate::finding::{Finding, Severity};
use crate::model::{Document, LineRange};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

pub const SCHEMA_VERSION: u32 = 1;

/// A finding hidden by a waiver (inline marker or baseline), listed so waivers stay visible.
#[derive(Debug, Clone, Serialize)]
pub struct Waived {
    pub finding: Finding,
    /// `inline` or `baseline`.
    pub by: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PairScore {
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub zh_lines: Option<crate::model::LineRange>,
    pub en_lines: Option<crate::model::LineRange>,
    pub words: f64,
    pub penalty: f64,
    pub score: f64,
    /// Format metadata of the pair (XLIFF state/approved, PO flags, TSV extra columns).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: BTreeMap<String, String>,
}

/// Why a document passes or fails the gate.
#[derive(Debug, Clone, Serialize)]
pub struct GateResult {
    pub passed: bool,
    pub min_score: f64,
    pub fail_on: Severity,
    /// One sentence per reason it failed; empty when it passed.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocumentReport {
    pub path: String,
    pub format: String,
    pub score: f64,
    /// Number of pairs.
    pub pairs: usize,
    pub words: f64,
    pub penalty: f64,
    /// Findings per rule name (info included).
    pub counts: BTreeMap<String, usize>,
    /// MQM penalty per rule name and severity (waived and info findings add nothing).
    pub penalty_by_rule: BTreeMap<String, BTreeMap<Severity, f64>>,
    pub findings: Vec<Finding>,
    pub waived: Vec<Waived>,
    /// Baseline entries for this document that matched no finding.
    pub stale_baseline: Vec<crate::waivers::BaselineEntry>,
    /// Inline `tqa-waive` markers that waived nothing.
    pub unused_waivers: Vec<crate::waivers::UnusedWaiver>,
    pub pair_scores: Vec<PairScore>,
    pub gate: GateResult,
    /// The audited document, for reporters that show the text.
    #[serde(skip)]
    pub document: Arc<Document>,
}

/// An input that could not be read; other documents are still audited.
#[derive(Debug, Clone, Serialize)]
pub struct InputErrorEntry {
    pub path: String,
    pub line: Option<usize>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: ToolInfo,
    pub documents: Vec<DocumentReport>,
    pub errors: Vec<InputErrorEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ToolInfo {
    pub name: &'static str,
    pub version: &'static str,
}

impl Report {
    pub fn new(documents: Vec<DocumentReport>, errors: Vec<InputErrorEntry>) -> Report {
        Report {
            schema_version: SCHEMA_VERSION,
            tool: ToolInfo {
                name: "tqa",
                version: env!("CARGO_PKG_VERSION"),
            },
            documents,
            errors,
        }
    }
    pub fn single(doc: DocumentReport) -> Report {
        Report::new(vec![doc], vec![])
    }
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics for a terminal (the default).
    Terminal,
    /// The report as one JSON document (schema_version 1).
    Json,
    /// Self-contained review page: side by side, filters, keyboard navigation.
    Html,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// JUnit XML: one test case per rule (and one for the score) per document.
    Junit,
    /// GitHub Actions annotations (`::error file=…,line=…::`).
    Github,
    /// A pull-request comment.
    Markdown,
}

impl Format {
    /// File extension for reports written to a directory.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Terminal => "txt",
            Format::Json => "json",
            Format::Html => "html",
            Format::Sarif => "sarif",
            Format::Junit => "junit.xml",
            Format::Github => "github.txt",
            Format::Markdown => "md",
        }
    }
}

/// Rendering options that are not part of the report.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    pub color: bool,
    /// Concise output for the gate: no source excerpts.
    pub concise: bool,
    /// Rules as loaded, for formats that describe rules (SARIF).
    pub rules: Vec<crate::rules::RuleDef>,
}

/// Where a finding sits, in one line: `zh 3-4, en 5`, `en 7`, or `document`.
pub fn location(zh: Option<LineRange>, en: Option<LineRange>) -> String {
    match (zh, en) {
        (Some(a), Some(b)) => format!("zh {a}, en {b}"),
        (Some(a), None) => format!("zh {a}"),
        (None, Some(b)) => format!("en {b}"),
        (None, None) => "document".into(),
    }
}

/// The one `match` on formats.
pub fn render(report: &Report, format: Format, opts: &RenderOptions) -> String {
    match format {
        Format::Terminal => terminal::render(report, opts),
        Format::Json => json::render(report),
        Format::Html => html::render(report, opts),
        Format::Sarif => sarif::render(report, opts),
        Format::Junit => junit::render(report, opts),
        Format::Github => github::render(report),
        Format::Markdown => markdown::render(report),
    }
}
