//! `--format sarif`: SARIF 2.1.0 for code-scanning services (GitHub, Azure DevOps, IDEs).
//!
//! One run. `tool.driver.rules` has one entry per rule that ran, with its summary, docs,
//! known false positives, MQM type and configured severity. Each finding is a result whose
//! `locations` are the Chinese lines and the English lines of the pair (each present side),
//! with `partialFingerprints.tqaPairText/v1` = the finding's fingerprint so a service tracks it
//! across line shifts. Severity → level: critical and major `error`, minor `warning`, info
//! `note`. Waived findings are results with a `suppressions` entry (`inSource` for inline
//! markers, `external` for the baseline); stale baseline entries, unused markers and input
//! errors are tool notifications. Gate verdicts are in `run.properties.documents`.
//! Nothing depends on the clock or the working directory, so output is reproducible.

use super::{DocumentReport, RenderOptions, Report, escape};
use crate::finding::{Finding, Severity};
use crate::model::LineRange;
use crate::rules::RuleDef;
use serde_json::{Value, json};

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::Major => "error",
        Severity::Minor => "warning",
        Severity::Info => "note",
    }
}

fn rule_entry(r: &RuleDef) -> Value {
    let mut help = r.docs.trim().to_string();
    if !r.false_positives.trim().is_empty() {
        help.push_str("\n\nKnown false positives: ");
        help.push_str(r.false_positives.trim());
    }
    json!({
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.docs.trim()},
        "help": {"text": help},
        "defaultConfiguration": {"level": level(r.severity)},
        "properties": {
            "severity": r.severity,
            "mqm": r.mqm,
            "tags": ["translation", "tqa", r.mqm],
        },
    })
}

/// Rules for the driver: those given (in order), then any rule a finding names that was not.
fn rules_for(report: &Report, opts: &RenderOptions) -> Vec<Value> {
    let mut out: Vec<Value> = opts.rules.iter().map(rule_entry).collect();
    let mut known: Vec<String> = opts.rules.iter().map(|r| r.code.clone()).collect();
    let mut extra: Vec<(&str, &str)> = report
        .documents
        .iter()
        .flat_map(|d| d.findings.iter().chain(d.waived.iter().map(|w| &w.finding)))
        .map(|f| (f.code.as_str(), f.rule.as_str()))
        .collect();
    extra.sort();
    extra.dedup();
    for (code, name) in extra {
        if !known.iter().any(|k| k == code) {
            known.push(code.to_string());
            out.push(json!({"id": code, "name": name}));
        }
    }
    out
}

fn artifact(path: &str) -> Value {
    json!({"uri": escape::uri(path)})
}

fn location(path: &str, lines: LineRange, side: &str, id: usize) -> Value {
    json!({
        "id": id,
        "physicalLocation": {
            "artifactLocation": artifact(path),
            "region": {"startLine": lines.start, "endLine": lines.end},
        },
        "message": {"text": format!("{side} text, line {lines}")},
    })
}

fn result(
    d: &DocumentReport,
    f: &Finding,
    rule_index: Option<usize>,
    waived: Option<Value>,
) -> Value {
    let mut locations = Vec::new();
    if let Some(r) = f.zh_lines {
        locations.push(location(&d.path, r, "Chinese", locations.len()));
    }
    if let Some(r) = f.en_lines {
        locations.push(location(&d.path, r, "English", locations.len()));
    }
    if locations.is_empty() {
        locations.push(json!({"physicalLocation": {"artifactLocation": artifact(&d.path)}}));
    }
    let mut text = f.message.clone();
    if let Some(s) = &f.suggestion {
        text.push_str(&format!(" Suggestion: {s}"));
    }
    let mut props = json!({
        "rule": f.rule,
        "severity": f.severity,
        "evidence": f.evidence,
    });
    if let Some(s) = &f.suggestion {
        props["suggestion"] = json!(s);
    }
    if let Some(p) = f.pair {
        props["pair"] = json!(p);
    }
    let mut r = json!({
        "ruleId": f.code,
        "level": level(f.severity),
        "message": {"text": text},
        "locations": locations,
        "partialFingerprints": {"tqaPairText/v1": f.fingerprint},
        "properties": props,
    });
    if let Some(i) = rule_index {
        r["ruleIndex"] = json!(i);
    }
    if let Some(s) = waived {
        r["suppressions"] = json!([s]);
    }
    r
}

fn notification(level: &str, id: &str, text: String, loc: Option<Value>) -> Value {
    let mut n = json!({
        "level": level,
        "descriptor": {"id": id},
        "message": {"text": text},
    });
    if let Some(l) = loc {
        n["locations"] = json!([l]);
    }
    n
}

pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let rules = rules_for(report, opts);
    let index_of = |code: &str| rules.iter().position(|r| r["id"] == code);
    let mut results = Vec::new();
    let mut notes = Vec::new();
    let mut verdicts = Vec::new();
    for d in &report.documents {
        for f in &d.findings {
            results.push(result(d, f, index_of(&f.code), None));
        }
        for w in &d.waived {
            let kind = if w.by == "inline" {
                "inSource"
            } else {
                "external"
            };
            let s = json!({"kind": kind, "status": "accepted", "justification": w.reason});
            results.push(result(d, &w.finding, index_of(&w.finding.code), Some(s)));
        }
        for e in &d.stale_baseline {
            notes.push(notification(
                "warning",
                "stale-baseline-entry",
                format!(
                    "{}: baseline entry {} ({} at {}) matches no finding: remove it",
                    d.path,
                    e.fingerprint,
                    e.rule,
                    super::location(e.zh_range(), e.en_range())
                ),
                Some(json!({"physicalLocation": {"artifactLocation": artifact(&d.path)}})),
            ));
        }
        for u in &d.unused_waivers {
            notes.push(notification(
                "warning",
                "unused-waiver",
                format!(
                    "tqa-waive {} on line {} waives nothing: {}",
                    u.rule, u.line, u.why
                ),
                Some(json!({"physicalLocation": {
                    "artifactLocation": artifact(&d.path),
                    "region": {"startLine": u.line, "endLine": u.line},
                }})),
            ));
        }
        verdicts.push(json!({
            "path": d.path,
            "score": d.score,
            "pairs": d.pairs,
            "words": d.words,
            "penalty": d.penalty,
            "passed": d.gate.passed,
            "min_score": d.gate.min_score,
            "fail_on": d.gate.fail_on,
            "reasons": d.gate.reasons,
            "waived": d.waived.len(),
        }));
    }
    for e in &report.errors {
        let mut loc = json!({"physicalLocation": {"artifactLocation": artifact(&e.path)}});
        if let Some(l) = e.line {
            loc["physicalLocation"]["region"] = json!({"startLine": l.max(1)});
        }
        notes.push(notification(
            "error",
            "input-error",
            format!("{}: {}", e.path, e.message),
            Some(loc),
        ));
    }
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notes,
            }],
            "results": results,
            "properties": {"documents": verdicts},
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).expect("sarif serializes");
    s.push('\n');
    s
}
