//! `--format github`: GitHub Actions workflow commands, which the runner turns into
//! annotations on the pull request's files.
//!
//! One `::error|warning|notice file=…,line=…,endLine=…,title=…::message` per finding; the
//! range covers the pair's Chinese and English lines. Severity → command: critical and major
//! `error`, minor `warning`, info `notice`. Unused inline markers and stale baseline entries
//! are warnings; a failed gate is one more error naming its reasons; a plain summary line per
//! document goes to the log. Waived findings are not annotated (they are accepted).
//! GitHub shows at most 10 annotations of each kind per step: the summary line and the
//! SARIF/HTML reports carry the rest.

use super::{Report, escape, location};
use crate::finding::{Finding, Severity};
use crate::model::LineRange;
use std::fmt::Write;

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::Major => "error",
        Severity::Minor => "warning",
        Severity::Info => "notice",
    }
}

fn props(file: &str, lines: Option<LineRange>, title: &str) -> String {
    let mut p = format!("file={}", escape::gh_property(file));
    if let Some(r) = lines {
        let _ = write!(p, ",line={},endLine={}", r.start, r.end);
    }
    let _ = write!(p, ",title={}", escape::gh_property(title));
    p
}

fn span(f: &Finding) -> Option<LineRange> {
    match (f.zh_lines, f.en_lines) {
        (Some(a), Some(b)) => Some(LineRange::cover(a, b)),
        (a, b) => a.or(b),
    }
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.documents {
        for f in &d.findings {
            let mut msg = format!("{} ({})", f.message, location(f.zh_lines, f.en_lines));
            if let Some(s) = &f.suggestion {
                let _ = write!(msg, "\nSuggestion: {s}");
            }
            let _ = writeln!(
                out,
                "::{} {}::{}",
                command(f.severity),
                props(
                    &d.path,
                    span(f),
                    &format!("{} {} ({})", f.code, f.rule, f.severity)
                ),
                escape::gh_data(&msg)
            );
        }
        for u in &d.unused_waivers {
            let _ = writeln!(
                out,
                "::warning {}::{}",
                props(
                    &d.path,
                    Some(LineRange::single(u.line)),
                    "unused tqa-waive marker"
                ),
                escape::gh_data(&format!("tqa-waive {} waives nothing: {}", u.rule, u.why))
            );
        }
        for e in &d.stale_baseline {
            let _ = writeln!(
                out,
                "::warning {}::{}",
                props(&d.path, None, "stale baseline entry"),
                escape::gh_data(&format!(
                    "baseline entry {} ({} at {}: {}) matches no finding; remove it from the baseline",
                    e.fingerprint,
                    e.rule,
                    location(e.zh_range(), e.en_range()),
                    e.message
                ))
            );
        }
        if !d.gate.passed {
            let _ = writeln!(
                out,
                "::error {}::{}",
                props(&d.path, None, "tqa gate failed"),
                escape::gh_data(&d.gate.reasons.join("\n"))
            );
        }
        let c = crate::score::severity_counts(&d.findings);
        let _ = writeln!(
            out,
            "tqa: {} {}: score {:.1}/100 (minimum {:.1}, fail on {}), {} critical, {} major, {} minor, {} info, {} waived",
            if d.gate.passed { "PASS" } else { "FAIL" },
            d.path,
            d.score,
            d.gate.min_score,
            d.gate.fail_on,
            c[3],
            c[2],
            c[1],
            c[0],
            d.waived.len()
        );
    }
    for e in &report.errors {
        let line = e.line.map(LineRange::single);
        let _ = writeln!(
            out,
            "::error {}::{}",
            props(&e.path, line, "tqa input error"),
            escape::gh_data(&e.message)
        );
    }
    out
}
