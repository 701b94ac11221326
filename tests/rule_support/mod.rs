//! Helpers shared by the per-rule integration tests: audit a fixture with one rule selected,
//! read evidence values, find the shared data (tests skip when ../shared is absent).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
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

pub fn fixture(topic: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(topic)
        .join(name)
}

/// Findings of one rule on a file.
pub fn findings(path: &Path, rule: &str) -> Vec<Finding> {
    let engine = Engine::load(&LoadOptions::default()).expect("built-in rules load");
    let text = std::fs::read_to_string(path).expect("fixture readable");
    let doc = tqa::reader::parse(&path.display().to_string(), &text, None).expect("parses");
    engine
        .audit(Arc::new(doc))
        .findings
        .into_iter()
        .filter(|f| f.rule == rule)
        .collect()
}

/// A file of the shared data, or None (the test then skips) when ../shared is absent.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} not found", p.display());
        None
    }
}

pub fn num(f: &Finding, key: &str) -> f64 {
    f.evidence
        .get(key)
        .and_then(|v| v.as_f64())
        .unwrap_or_else(|| panic!("evidence {key} missing in {:?}", f.evidence))
}

pub fn text(f: &Finding, key: &str) -> String {
    f.evidence
        .get(key)
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("evidence {key} missing in {:?}", f.evidence))
        .to_string()
}
