//! `--format junit`: JUnit XML for CI test dashboards.
//!
//! One test suite per document; in it, one test case per rule that ran (plus any rule a
//! finding names), and one `score` test case. The choice is per rule, not per pair: a
//! 1,000-pair document would otherwise make 1,000 test cases, almost all trivially passing,
//! and dashboards group failures by test name, which for a rule is stable across documents.
//!
//! Failures mirror the gate exactly: a rule's test case fails when it has findings at or above
//! the gate's `fail_on` severity, and `score` fails when the score is under `min_score`; so the
//! dashboard is red exactly when `tqa gate` exits 1. Findings below `fail_on` and waived
//! findings are listed in the test case's `system-out`. Unreadable inputs are test cases with
//! an `error`. No timestamps or durations: output depends on the input only.

use super::{DocumentReport, RenderOptions, Report, escape::xml, location};
use crate::finding::Finding;
use std::fmt::Write;

struct Case {
    name: String,
    failure: Option<(String, String, String)>, // (type, message, body)
    out: String,
}

fn finding_line(f: &Finding) -> String {
    let mut s = format!(
        "{} {} [{}] {}: {}",
        location(f.zh_lines, f.en_lines),
        f.severity,
        f.code,
        f.rule,
        f.message
    );
    if let Some(sug) = &f.suggestion {
        let _ = write!(s, " (suggestion: {sug})");
    }
    s
}

fn cases(d: &DocumentReport, opts: &RenderOptions) -> Vec<Case> {
    let mut rules: Vec<(String, String)> = opts
        .rules
        .iter()
        .map(|r| (r.code.clone(), r.name.clone()))
        .collect();
    for f in d.findings.iter().chain(d.waived.iter().map(|w| &w.finding)) {
        if !rules.iter().any(|(c, _)| c == &f.code) {
            rules.push((f.code.clone(), f.rule.clone()));
        }
    }
    rules.sort();
    let mut out = Vec::new();
    let score_failure = (d.score < d.gate.min_score).then(|| {
        let msg = d
            .gate
            .reasons
            .iter()
            .find(|r| r.starts_with("score"))
            .cloned()
            .unwrap_or_else(|| format!("score {:.1} < {:.1}", d.score, d.gate.min_score));
        ("min_score".to_string(), msg.clone(), msg)
    });
    out.push(Case {
        name: format!("score ≥ {:.1}", d.gate.min_score),
        failure: score_failure,
        out: format!(
            "score {:.1}/100, penalty {} over {:.0} words, {} pairs\n",
            d.score, d.penalty, d.words, d.pairs
        ),
    });
    for (code, name) in rules {
        let mine: Vec<&Finding> = d.findings.iter().filter(|f| f.code == code).collect();
        let (blocking, below): (Vec<&Finding>, Vec<&Finding>) =
            mine.iter().partition(|f| f.severity >= d.gate.fail_on);
        let failure = (!blocking.is_empty()).then(|| {
            let body: String = blocking.iter().map(|f| finding_line(f) + "\n").collect();
            (
                code.clone(),
                format!(
                    "{} {name} finding(s) at or above `{}`",
                    blocking.len(),
                    d.gate.fail_on
                ),
                body,
            )
        });
        let mut text = String::new();
        for f in below {
            let _ = writeln!(text, "{}", finding_line(f));
        }
        for w in d.waived.iter().filter(|w| w.finding.code == code) {
            let _ = writeln!(
                text,
                "waived ({}: {}): {}",
                w.by,
                w.reason,
                finding_line(&w.finding)
            );
        }
        out.push(Case {
            name: format!("{code} {name}"),
            failure,
            out: text,
        });
    }
    out
}

pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures) = (0, 0);
    for d in &report.documents {
        let cs = cases(d, opts);
        let nf = cs.iter().filter(|c| c.failure.is_some()).count();
        tests += cs.len();
        failures += nf;
        let class = xml(&d.path);
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{class}\" tests=\"{}\" failures=\"{nf}\" errors=\"0\" skipped=\"0\">",
            cs.len()
        );
        let _ = writeln!(suites, "    <properties>");
        for (k, v) in [
            ("score", format!("{:.1}", d.score)),
            ("min_score", format!("{:.1}", d.gate.min_score)),
            ("fail_on", d.gate.fail_on.to_string()),
            ("pairs", d.pairs.to_string()),
            ("passed", d.gate.passed.to_string()),
            ("waived", d.waived.len().to_string()),
            ("stale_baseline_entries", d.stale_baseline.len().to_string()),
            ("unused_waivers", d.unused_waivers.len().to_string()),
        ] {
            let _ = writeln!(
                suites,
                "      <property name=\"{k}\" value=\"{}\"/>",
                xml(&v)
            );
        }
        let _ = writeln!(suites, "    </properties>");
        for c in cs {
            let _ = write!(
                suites,
                "    <testcase name=\"{}\" classname=\"{class}\"",
                xml(&c.name)
            );
            if c.failure.is_none() && c.out.is_empty() {
                suites.push_str("/>\n");
                continue;
            }
            suites.push_str(">\n");
            if let Some((ty, msg, body)) = &c.failure {
                let _ = writeln!(
                    suites,
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                    xml(ty),
                    xml(msg),
                    xml(body)
                );
            }
            if !c.out.is_empty() {
                let _ = writeln!(suites, "      <system-out>{}</system-out>", xml(&c.out));
            }
            suites.push_str("    </testcase>\n");
        }
        let mut notes = String::new();
        for e in &d.stale_baseline {
            let _ = writeln!(
                notes,
                "stale baseline entry {} ({} at {}): matches no finding",
                e.fingerprint,
                e.rule,
                location(e.zh_range(), e.en_range())
            );
        }
        for u in &d.unused_waivers {
            let _ = writeln!(
                notes,
                "unused tqa-waive {} on line {}: {}",
                u.rule, u.line, u.why
            );
        }
        if !notes.is_empty() {
            let _ = writeln!(suites, "    <system-out>{}</system-out>", xml(&notes));
        }
        suites.push_str("  </testsuite>\n");
    }
    if !report.errors.is_empty() {
        let n = report.errors.len();
        tests += n;
        let _ = writeln!(
            suites,
            "  <testsuite name=\"input errors\" tests=\"{n}\" failures=\"0\" errors=\"{n}\" skipped=\"0\">"
        );
        for e in &report.errors {
            let loc = match e.line {
                Some(l) => format!("{}:{l}", e.path),
                None => e.path.clone(),
            };
            let _ = writeln!(
                suites,
                "    <testcase name=\"read {}\" classname=\"{}\">\n      <error type=\"input\" message=\"{}\"/>\n    </testcase>",
                xml(&e.path),
                xml(&e.path),
                xml(&format!("{loc}: {}", e.message))
            );
        }
        suites.push_str("  </testsuite>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tqa\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{}\">\n{suites}</testsuites>\n",
        report.errors.len()
    )
}
