//! `--format terminal`: rustc-style diagnostics for the editor at a terminal. Each finding
//! shows the zh and en lines with their numbers, the evidence and the suggestion; then a
//! per-rule summary and the score. Colour only when asked (TTY and no NO_COLOR).

use super::{DocumentReport, RenderOptions, Report};
use crate::finding::{Finding, Severity};
use crate::model::{LineRange, Segment};
use std::fmt::Write;

struct Paint(bool);

impl Paint {
    fn sev(&self, s: Severity, text: &str) -> String {
        let code = match s {
            Severity::Critical => "1;35",
            Severity::Major => "1;31",
            Severity::Minor => "1;33",
            Severity::Info => "1;36",
        };
        self.wrap(code, text)
    }
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn blue(&self, t: &str) -> String {
        self.wrap("1;34", t)
    }
    fn bold(&self, t: &str) -> String {
        self.wrap("1", t)
    }
}

pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let p = Paint(opts.color);
    let mut out = String::new();
    for d in &report.documents {
        if opts.concise {
            // The gate: verdict and reasons first, then the waivers it honoured.
            summary(&mut out, &p, d, true);
            waivers(&mut out, &p, d);
            continue;
        }
        for f in &d.findings {
            finding(&mut out, &p, d, f);
        }
        waivers(&mut out, &p, d);
        summary(&mut out, &p, d, false);
    }
    for e in &report.errors {
        let loc = match e.line {
            Some(l) => format!("{}:{l}", e.path),
            None => e.path.clone(),
        };
        let _ = writeln!(
            out,
            "{}: {loc}: {}",
            p.sev(Severity::Major, "error"),
            e.message
        );
    }
    out
}

/// Waivers used, stale baseline entries and unused markers: shown by audit and gate alike,
/// so a waiver is never invisible.
fn waivers(out: &mut String, p: &Paint, d: &DocumentReport) {
    for w in &d.waived {
        let _ = writeln!(
            out,
            "{}: {} [{}] {} at {} waived ({}): {}",
            p.wrap("2", "waived"),
            w.finding.rule,
            w.finding.code,
            w.finding.severity,
            location(&w.finding),
            w.by,
            w.reason
        );
    }
    for e in &d.stale_baseline {
        let _ = writeln!(
            out,
            "{}: baseline entry {} ({} at {}) matches no finding: remove it",
            p.sev(Severity::Minor, "stale"),
            e.fingerprint,
            e.rule,
            super::location(e.zh_range(), e.en_range())
        );
    }
    for u in &d.unused_waivers {
        let _ = writeln!(
            out,
            "{}: {}:{}: tqa-waive {} waives nothing: {}",
            p.sev(Severity::Minor, "unused waiver"),
            d.path,
            u.line,
            u.rule,
            u.why
        );
    }
    if !d.waived.is_empty() || !d.stale_baseline.is_empty() || !d.unused_waivers.is_empty() {
        out.push('\n');
    }
}

fn location(f: &Finding) -> String {
    let r = |x: Option<LineRange>| x.map(|r| r.to_string());
    match (r(f.zh_lines), r(f.en_lines)) {
        (Some(a), Some(b)) => format!("zh {a}, en {b}"),
        (Some(a), None) => format!("zh {a}"),
        (None, Some(b)) => format!("en {b}"),
        (None, None) => "document".into(),
    }
}

fn finding(out: &mut String, p: &Paint, d: &DocumentReport, f: &Finding) {
    let _ = writeln!(
        out,
        "{}{} {}",
        p.sev(f.severity, &format!("{}[{}]", f.severity, f.code)),
        p.bold(":"),
        p.bold(&format!("{} ({})", f.message, f.rule))
    );
    let first = f.first_line();
    let _ = writeln!(out, "  {} {}:{}", p.blue("-->"), d.path, first);
    let pair = f.pair.and_then(|i| d.document.pairs.get(i));
    let mut rows: Vec<(usize, &str, String)> = Vec::new();
    let mut add = |seg: Option<&Segment>, want: Option<LineRange>, tag: &'static str| {
        let (Some(seg), Some(want)) = (seg, want) else {
            return;
        };
        if seg.lines != want {
            return;
        }
        for (no, text) in seg.numbered_paragraphs() {
            let label = match (&seg.speaker, no == seg.lines.start) {
                (Some(s), true) => format!("**{s}:** "),
                _ => String::new(),
            };
            rows.push((
                no,
                tag,
                format!("{label}{}", crate::text::excerpt(text, 110)),
            ));
        }
    };
    if let Some(pair) = pair {
        add(pair.zh.as_ref(), f.zh_lines, "zh");
        add(pair.en.as_ref(), f.en_lines, "en");
    }
    if rows.is_empty()
        && let Some(ex) = f.evidence.get("excerpt").and_then(|v| v.as_str())
    {
        rows.push((first, "  ", ex.to_string()));
    }
    let width = rows
        .iter()
        .map(|r| r.0.to_string().len())
        .max()
        .unwrap_or(1);
    let gutter = " ".repeat(width);
    let _ = writeln!(out, "{gutter} {}", p.blue("|"));
    for (no, tag, text) in &rows {
        let _ = writeln!(
            out,
            "{} {} {tag} {text}",
            p.blue(&format!("{no:>width$}")),
            p.blue("|")
        );
    }
    let _ = writeln!(out, "{gutter} {}", p.blue("|"));
    let ev: Vec<String> = f
        .evidence
        .iter()
        .filter(|(k, _)| *k != "excerpt")
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => format!("{k}={}", crate::text::excerpt(s, 80)),
            other => format!("{k}={}", crate::text::excerpt(&other.to_string(), 120)),
        })
        .collect();
    if !ev.is_empty() {
        let _ = writeln!(out, "{gutter} {} evidence: {}", p.blue("="), ev.join(", "));
    }
    if let Some(s) = &f.suggestion {
        let _ = writeln!(out, "{gutter} {} suggestion: {s}", p.blue("="));
    }
    out.push('\n');
}

fn summary(out: &mut String, p: &Paint, d: &DocumentReport, concise: bool) {
    let counts = crate::score::severity_counts(&d.findings);
    let verdict = if d.gate.passed {
        p.wrap("1;32", "PASS")
    } else {
        p.sev(Severity::Critical, "FAIL")
    };
    let _ = writeln!(
        out,
        "{} {}: score {:.1}/100, {} pairs, {:.0} words, penalty {} — {} critical, {} major, {} minor, {} info",
        verdict,
        p.bold(&d.path),
        d.score,
        d.pairs,
        d.words,
        d.penalty,
        counts[3],
        counts[2],
        counts[1],
        counts[0]
    );
    if !concise && !d.counts.is_empty() {
        let mut rows: Vec<(&String, &usize)> = d.counts.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (rule, n) in rows {
            let _ = writeln!(out, "    {n:>5}  {rule}");
        }
    }
    for r in &d.gate.reasons {
        let _ = writeln!(out, "    {} {r}", p.sev(Severity::Critical, "✗"));
    }
}
