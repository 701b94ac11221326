//! `--format markdown`: a summary for a pull-request comment (GitHub-flavoured Markdown).
//!
//! Per document: verdict and score against the gate, the gate's reasons, a table of findings
//! and MQM penalty by rule and severity, then the findings themselves (at most
//! `MAX_FINDINGS` per document, so a comment stays under GitHub's 65,536-character limit),
//! waivers used, stale baseline entries and unused markers, each in a collapsed section.
//! All document text is escaped: it cannot break the tables or inject HTML.

use super::{DocumentReport, Report, escape::markdown as md, location};
use crate::finding::Severity;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Findings listed per document; the rest are counted.
pub const MAX_FINDINGS: usize = 50;

fn verdict(d: &DocumentReport) -> &'static str {
    if d.gate.passed {
        "✅ pass"
    } else {
        "❌ fail"
    }
}

fn excerpt(s: &str, n: usize) -> String {
    md(&crate::text::excerpt(s, n))
}

fn document(out: &mut String, d: &DocumentReport) {
    let c = crate::score::severity_counts(&d.findings);
    let _ = writeln!(
        out,
        "### {} `{}` — score {:.1}/100\n",
        verdict(d),
        d.path.replace('`', "'"),
        d.score
    );
    let _ = writeln!(
        out,
        "{} pairs, {:.0} words, MQM penalty {}: **{}** critical, **{}** major, **{}** minor, {} info; {} waived. Gate: score ≥ {:.1}, no finding at or above `{}`.\n",
        d.pairs,
        d.words,
        d.penalty,
        c[3],
        c[2],
        c[1],
        c[0],
        d.waived.len(),
        d.gate.min_score,
        d.gate.fail_on
    );
    for r in &d.gate.reasons {
        let _ = writeln!(out, "- ❌ {}", md(r));
    }
    if !d.gate.reasons.is_empty() {
        out.push('\n');
    }
    // Counts and penalty by rule and severity.
    let mut by_rule: BTreeMap<(&str, &str), [usize; 4]> = BTreeMap::new();
    for f in &d.findings {
        let i = Severity::ALL
            .iter()
            .position(|s| *s == f.severity)
            .unwrap_or(0);
        by_rule.entry((&f.code, &f.rule)).or_default()[i] += 1;
    }
    if !by_rule.is_empty() {
        out.push_str("| Code | Rule | Critical | Major | Minor | Info | Penalty |\n");
        out.push_str("|---|---|---:|---:|---:|---:|---:|\n");
        for ((code, rule), n) in &by_rule {
            let pen: f64 = d
                .penalty_by_rule
                .get(*rule)
                .map_or(0.0, |m| m.values().sum());
            let _ = writeln!(
                out,
                "| {code} | `{}` | {} | {} | {} | {} | {pen} |",
                md(rule).replace("\\_", "_"),
                n[3],
                n[2],
                n[1],
                n[0]
            );
        }
        out.push('\n');
    }
    if !d.findings.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>Findings ({})</summary>\n",
            d.findings.len()
        );
        out.push_str("| Lines | Severity | Rule | Message | Suggestion |\n|---|---|---|---|---|\n");
        for f in d.findings.iter().take(MAX_FINDINGS) {
            let _ = writeln!(
                out,
                "| {} | {} | {} {} | {} | {} |",
                location(f.zh_lines, f.en_lines),
                f.severity,
                f.code,
                md(&f.rule),
                excerpt(&f.message, 200),
                f.suggestion
                    .as_deref()
                    .map(|s| excerpt(s, 120))
                    .unwrap_or_default()
            );
        }
        if d.findings.len() > MAX_FINDINGS {
            let _ = writeln!(
                out,
                "\n…and {} more: see the HTML or SARIF report.",
                d.findings.len() - MAX_FINDINGS
            );
        }
        out.push_str("\n</details>\n\n");
    }
    if !d.waived.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>Waivers used ({})</summary>\n\n| Lines | Rule | By | Reason | Message |\n|---|---|---|---|---|",
            d.waived.len()
        );
        for w in &d.waived {
            let f = &w.finding;
            let _ = writeln!(
                out,
                "| {} | {} {} | {} | {} | {} |",
                location(f.zh_lines, f.en_lines),
                f.code,
                md(&f.rule),
                w.by,
                excerpt(&w.reason, 120),
                excerpt(&f.message, 160)
            );
        }
        out.push_str("\n</details>\n\n");
    }
    if !d.stale_baseline.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>⚠️ Stale baseline entries ({}): they match no finding, remove them</summary>\n",
            d.stale_baseline.len()
        );
        for e in &d.stale_baseline {
            let _ = writeln!(
                out,
                "- `{}` {} {} at {}: {}",
                e.fingerprint,
                e.code,
                md(&e.rule),
                location(e.zh_range(), e.en_range()),
                excerpt(&e.message, 160)
            );
        }
        out.push_str("\n</details>\n\n");
    }
    for u in &d.unused_waivers {
        let _ = writeln!(
            out,
            "- ⚠️ `tqa-waive {}` on line {} waives nothing: {}",
            u.rule.replace('`', "'"),
            u.line,
            md(&u.why)
        );
    }
    if !d.unused_waivers.is_empty() {
        out.push('\n');
    }
}

pub fn render(report: &Report) -> String {
    let mut out = String::from("## tqa translation review\n\n");
    if report.documents.len() > 1 {
        out.push_str("| Document | Verdict | Score | Critical | Major | Minor | Waived |\n|---|---|---:|---:|---:|---:|---:|\n");
        for d in &report.documents {
            let c = crate::score::severity_counts(&d.findings);
            let _ = writeln!(
                out,
                "| `{}` | {} | {:.1} | {} | {} | {} | {} |",
                d.path.replace('`', "'"),
                verdict(d),
                d.score,
                c[3],
                c[2],
                c[1],
                d.waived.len()
            );
        }
        out.push('\n');
    }
    for d in &report.documents {
        document(&mut out, d);
    }
    for e in &report.errors {
        let loc = match e.line {
            Some(l) => format!("{}:{l}", e.path),
            None => e.path.clone(),
        };
        let _ = writeln!(out, "- ❌ input error: {}: {}", md(&loc), md(&e.message));
    }
    out
}
