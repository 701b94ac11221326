//! The bundled sample (`tests/fixtures/sample/interview.zh-en.md`, the README's first command)
//! against its documented defects (`EXPECTED.md`, same directory). Rows whose rule is not
//! implemented are skipped and listed, so each rule is checked here as soon as it lands.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use tqa::engine::{Engine, LoadOptions};
use tqa::finding::{Finding, Severity};
use tqa::model::LineRange;

const STABLE: &[&str] = &[
    "missing_translation",
    "missing_sentences",
    "truncated",
    "length_ratio",
    "untranslated",
    "glossary",
    "speaker_swap",
    "number_mismatch",
    "misaligned",
    "duplicate",
];

struct Row {
    lines: LineRange,
    rule: String,
    allowed: Vec<String>,
    defect: String,
    /// "known miss: why" when the tool does not find it yet.
    known_miss: bool,
}

/// A serious finding on a clean pair that the tool produces today and should not.
struct KnownFalsePositive {
    lines: LineRange,
    rule: String,
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample")
}

fn parse_lines(cell: &str) -> LineRange {
    let (a, b) = cell.split_once('-').unwrap_or((cell, cell));
    LineRange::new(a.parse().unwrap(), b.parse().unwrap())
}

/// Table rows (cells) of EXPECTED.md under the heading `section`.
fn table(section: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(dir().join("EXPECTED.md")).unwrap();
    let mut inside = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            inside = h.trim() == section;
            continue;
        }
        let cells: Vec<String> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect();
        if inside && line.starts_with('|') && cells[0].starts_with(|c: char| c.is_ascii_digit()) {
            out.push(cells);
        }
    }
    out
}

fn rows() -> Vec<Row> {
    table("Defects")
        .into_iter()
        .map(|c| {
            assert_eq!(c.len(), 5, "{c:?}");
            Row {
                lines: parse_lines(&c[0]),
                rule: c[1].clone(),
                allowed: c[2]
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
                defect: c[3].clone(),
                known_miss: c[4].starts_with("known miss"),
            }
        })
        .collect()
}

fn known_false_positives() -> Vec<KnownFalsePositive> {
    table("Known false positives")
        .into_iter()
        .map(|c| {
            assert_eq!(c.len(), 3, "{c:?}");
            KnownFalsePositive {
                lines: parse_lines(&c[0]),
                rule: c[1].clone(),
            }
        })
        .collect()
}

fn audit() -> (Engine, Vec<Finding>) {
    let engine = Engine::load(&LoadOptions::default()).unwrap();
    let path = dir().join("interview.zh-en.md");
    let doc = tqa::reader::read_document(path.to_str().unwrap(), None).unwrap();
    let findings = engine.audit(Arc::new(doc)).findings;
    (engine, findings)
}

fn overlaps(f: &Finding, r: LineRange) -> bool {
    [f.zh_lines, f.en_lines]
        .into_iter()
        .flatten()
        .any(|x| x.start <= r.end && r.start <= x.end)
}

#[test]
fn expected_table_is_well_formed() {
    let rows = rows();
    assert!(rows.len() >= 12, "{} rows", rows.len());
    let text = std::fs::read_to_string(dir().join("interview.zh-en.md")).unwrap();
    let n = text.lines().count();
    for r in &rows {
        assert!(STABLE.contains(&r.rule.as_str()), "unknown rule {}", r.rule);
        assert!(
            r.allowed.iter().all(|a| STABLE.contains(&a.as_str())),
            "{:?}",
            r.allowed
        );
        assert!(r.lines.end <= n, "line {} past the end", r.lines.end);
    }
    // Every kind of defect the issue lists is present.
    let kinds: BTreeSet<&str> = rows.iter().map(|r| r.rule.as_str()).collect();
    for k in [
        "missing_translation",
        "missing_sentences",
        "truncated",
        "length_ratio",
        "untranslated",
        "speaker_swap",
        "number_mismatch",
        "misaligned",
        "duplicate",
    ] {
        assert!(kinds.contains(k), "no {k} defect documented");
    }
}

#[test]
fn implemented_rules_find_the_documented_defects() {
    let (engine, findings) = audit();
    let implemented: BTreeSet<&str> = engine.all_rules.iter().map(|r| r.name.as_str()).collect();
    let mut missed = Vec::new();
    let mut waiting = Vec::new();
    for r in rows() {
        if !implemented.contains(r.rule.as_str()) {
            waiting.push(format!("{} (lines {})", r.rule, r.lines));
            continue;
        }
        let hit = findings
            .iter()
            .any(|f| f.rule == r.rule && f.severity > Severity::Info && overlaps(f, r.lines));
        match (hit, r.known_miss) {
            (false, false) => missed.push(format!("{} at lines {}: {}", r.rule, r.lines, r.defect)),
            (true, true) => missed.push(format!(
                "{} at lines {} is found now: remove its `known miss` status in EXPECTED.md",
                r.rule, r.lines
            )),
            (false, true) => eprintln!(
                "sample: known miss, still missed: {} at lines {}",
                r.rule, r.lines
            ),
            (true, false) => {}
        }
    }
    if !waiting.is_empty() {
        eprintln!(
            "sample: rules not implemented yet, rows skipped: {}",
            waiting.join(", ")
        );
    }
    assert!(implemented.contains("missing_translation"));
    assert!(
        missed.is_empty(),
        "documented defects not found:\n{}",
        missed.join("\n")
    );
}

#[test]
fn no_serious_finding_outside_the_documented_defects() {
    let (engine, findings) = audit();
    let rows = rows();
    let known = known_false_positives();
    let serious: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity >= Severity::Major)
        .collect();
    let stray: Vec<String> = serious
        .iter()
        .filter(|f| {
            !rows
                .iter()
                .any(|r| (r.rule == f.rule || r.allowed.contains(&f.rule)) && overlaps(f, r.lines))
        })
        .filter(|f| {
            !known
                .iter()
                .any(|k| k.rule == f.rule && overlaps(f, k.lines))
        })
        .map(|f| {
            format!(
                "{} {:?}/{:?}: {}",
                f.rule, f.zh_lines, f.en_lines, f.message
            )
        })
        .collect();
    assert!(
        stray.is_empty(),
        "findings on pairs documented as clean:\n{}",
        stray.join("\n")
    );
    // A documented false positive that no longer happens must leave the table.
    for k in &known {
        if engine.all_rules.iter().any(|r| r.name == k.rule) {
            assert!(
                serious
                    .iter()
                    .any(|f| f.rule == k.rule && overlaps(f, k.lines)),
                "known false positive {} at lines {} is gone: remove it from EXPECTED.md",
                k.rule,
                k.lines
            );
        }
    }
}
