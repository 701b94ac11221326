//! Helpers shared by the rule integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use tqa::engine::{Engine, LoadOptions};
use tqa::finding::Finding;

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
