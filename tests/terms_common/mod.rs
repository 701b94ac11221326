//! Helpers for the number_mismatch / untranslated / glossary / speaker_swap tests.
#![allow(dead_code)]

use std::sync::Arc;
use tqa::engine::{Engine, LoadOptions};
use tqa::finding::Finding;
use tqa::rules::settings::RawSettings;

/// Audit a fixture under tests/fixtures/ with only `rule` selected.
pub fn audit_fixture(rule: &str, fixture: &str) -> Vec<Finding> {
    let path = format!("{}/tests/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    audit_text(rule, &path, &text)
}

pub fn audit_text(rule: &str, path: &str, text: &str) -> Vec<Finding> {
    let opts = LoadOptions {
        flags: RawSettings {
            select: Some(vec![rule.to_string()]),
            ..RawSettings::default()
        },
        ..LoadOptions::default()
    };
    let engine = Engine::load(&opts).expect("rules load");
    let doc = tqa::reader::parse(path, text, None).expect("fixture parses");
    engine.audit(Arc::new(doc)).findings
}

/// A string evidence value, or the JSON of a non-string one.
pub fn ev(f: &Finding, key: &str) -> String {
    match f.evidence.get(key) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    }
}

/// The finding whose zh or en range starts at `line`.
pub fn at(findings: &[Finding], line: usize) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| {
            f.zh_lines.map(|r| r.start) == Some(line) || f.en_lines.map(|r| r.start) == Some(line)
        })
        .collect()
}

/// ../shared relative to the crate, when present (absent in a fresh clone).
pub fn shared(rel: &str) -> Option<std::path::PathBuf> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    p.exists().then_some(p)
}
