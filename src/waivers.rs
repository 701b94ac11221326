//! Waivers: findings an editor has accepted, so a gate can pass without switching rules off.
//!
//! Two kinds, applied between the engine's findings and scoring (checks never see them):
//! - **Inline markers** in the document, `<!-- tqa-waive RULE: reason -->` on the line(s)
//!   before a block (RULE is a rule name or code). The reader attaches each marker to the pair
//!   whose block starts on the next non-blank line; the marker waives ONE finding of that rule
//!   on that pair (the first in report order; write two markers to waive two). A marker that
//!   waives nothing is reported, so stale markers do not pile up.
//! - **A baseline file** (`tqa baseline FILE... -o FILE`): one entry per finding, keyed by the
//!   finding's fingerprint (a hash of the rule and the pair's whitespace-folded text, not of
//!   line numbers), so an entry survives edits elsewhere in the file and dies with an edit to
//!   its pair. Entries are a multiset: two entries with one fingerprint waive two findings.
//!   An entry that matches nothing is reported as stale.
//!
//! Markers and entries for rules that did not run (`--select`, `--ignore`, disabled) are left
//! alone: they are neither applied nor reported, since they could not have matched.
//! Waived findings go to `DocumentReport.waived` and count in neither the score nor the gate.

use crate::finding::{Finding, Severity};
use crate::model::{Document, LineRange};
use crate::report::Waived;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Version of the baseline file format.
pub const BASELINE_VERSION: u32 = 1;

/// The baseline file: `{"tqa_baseline": 1, "entries": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub tqa_baseline: u32,
    pub entries: Vec<BaselineEntry>,
}

/// One accepted finding. Only `fingerprint` (with `path` for scoping) is used for matching;
/// the other fields say what was accepted, for the person reading the file or a stale report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule: String,
    #[serde(default)]
    pub code: String,
    /// The document, as named when the baseline was recorded.
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub zh_lines: Option<[usize; 2]>,
    #[serde(default)]
    pub en_lines: Option<[usize; 2]>,
    #[serde(default)]
    pub message: String,
    /// Why it was accepted; editable. Empty means "accepted in the baseline".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// An inline marker that waived nothing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnusedWaiver {
    /// Line of the marker.
    pub line: usize,
    pub rule: String,
    pub reason: String,
    /// Why it waived nothing.
    pub why: String,
}

/// Rules known to the engine, to resolve names and codes and tell run from not run.
pub struct RuleIds<'a> {
    /// (name, code) of every rule known.
    pub all: Vec<(&'a str, &'a str)>,
    /// Names of the rules that ran.
    pub active: Vec<&'a str>,
}

impl RuleIds<'_> {
    fn resolve(&self, name_or_code: &str) -> Option<&str> {
        self.all
            .iter()
            .find(|(n, c)| *n == name_or_code || c.eq_ignore_ascii_case(name_or_code))
            .map(|(n, _)| *n)
    }
    fn ran(&self, name: &str) -> bool {
        self.active.contains(&name)
    }
}

/// The outcome of applying waivers to one document's findings.
#[derive(Debug, Default)]
pub struct Applied {
    pub kept: Vec<Finding>,
    pub waived: Vec<Waived>,
    pub stale: Vec<BaselineEntry>,
    pub unused: Vec<UnusedWaiver>,
}

fn range(r: Option<LineRange>) -> Option<[usize; 2]> {
    r.map(|r| [r.start, r.end])
}

impl BaselineEntry {
    pub fn zh_range(&self) -> Option<LineRange> {
        self.zh_lines.map(|[a, b]| LineRange::new(a, b.max(a)))
    }
    pub fn en_range(&self) -> Option<LineRange> {
        self.en_lines.map(|[a, b]| LineRange::new(a, b.max(a)))
    }
    pub fn from_finding(path: &str, f: &Finding) -> BaselineEntry {
        BaselineEntry {
            fingerprint: f.fingerprint.clone(),
            rule: f.rule.clone(),
            code: f.code.clone(),
            path: path.to_string(),
            severity: Some(f.severity),
            zh_lines: range(f.zh_lines),
            en_lines: range(f.en_lines),
            message: f.message.clone(),
            reason: String::new(),
        }
    }
}

impl Baseline {
    /// A baseline of every finding (after inline waivers) of these documents, in report order.
    pub fn record<'a>(docs: impl IntoIterator<Item = (&'a str, &'a [Finding])>) -> Baseline {
        let mut entries = Vec::new();
        for (path, findings) in docs {
            entries.extend(
                findings
                    .iter()
                    .map(|f| BaselineEntry::from_finding(path, f)),
            );
        }
        Baseline {
            tqa_baseline: BASELINE_VERSION,
            entries,
        }
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("baseline serializes");
        s.push('\n');
        s
    }

    /// Parse a baseline file; errors name the file and line.
    pub fn parse(path: &str, text: &str) -> Result<Baseline, String> {
        let b: Baseline = serde_json::from_str(text)
            .map_err(|e| format!("{path}:{}: not a tqa baseline file: {e}", e.line().max(1)))?;
        if b.tqa_baseline != BASELINE_VERSION {
            return Err(format!(
                "{path}: baseline format {} is not supported (this tqa writes {BASELINE_VERSION})",
                b.tqa_baseline
            ));
        }
        Ok(b)
    }

    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read baseline: {e}", path.display()))?;
        Baseline::parse(&path.display().to_string(), &text)
    }

    /// The entries that belong to `doc_path`, given every path audited in this run. An entry
    /// belongs to the document of the same path; failing that (the run names its files from
    /// another directory, as CI checkouts do), to the document of the same file name.
    pub fn entries_for(&self, doc_path: &str, run_paths: &[String]) -> Vec<BaselineEntry> {
        // `-` on the command line is `<stdin>` in reports.
        let norm = |p: &str| match p {
            "-" => "<stdin>".to_string(),
            p => p.trim_start_matches("./").replace('\\', "/"),
        };
        let file_name = |p: &str| {
            let n = norm(p);
            n.rsplit('/').next().unwrap_or("").to_string()
        };
        let doc = norm(doc_path);
        self.entries
            .iter()
            .filter(|e| {
                let ep = norm(&e.path);
                if ep == doc {
                    return true;
                }
                let exact_elsewhere = run_paths.iter().any(|p| norm(p) == ep);
                !exact_elsewhere && file_name(&e.path) == file_name(doc_path)
            })
            .cloned()
            .collect()
    }
}

/// Apply the document's inline markers, then its baseline entries, to its findings
/// (which are in report order, so which finding a marker takes is deterministic).
pub fn apply(
    doc: &Document,
    findings: Vec<Finding>,
    baseline: &[BaselineEntry],
    rules: &RuleIds,
) -> Applied {
    // Nothing to apply (the usual case): every finding is kept, in its order, and no entry
    // can be stale — what the steps below give then, without copying the findings.
    if doc.waivers.is_empty() && baseline.is_empty() {
        return Applied {
            kept: findings,
            ..Applied::default()
        };
    }
    let mut out = Applied::default();
    let mut waived: Vec<Option<Waived>> = vec![None; findings.len()];

    for m in &doc.waivers {
        let unused = |why: String| UnusedWaiver {
            line: m.line,
            rule: m.rule.clone(),
            reason: m.reason.clone(),
            why,
        };
        let Some(name) = rules.resolve(&m.rule) else {
            out.unused.push(unused(format!(
                "no rule named `{}` (see `tqa rules`)",
                m.rule
            )));
            continue;
        };
        if !rules.ran(name) {
            continue;
        }
        let Some(pair) = m.pair else {
            out.unused.push(unused(
                "the next line does not start a block, so the marker applies to nothing".into(),
            ));
            continue;
        };
        let hit = findings
            .iter()
            .enumerate()
            .position(|(i, f)| waived[i].is_none() && f.pair == Some(pair) && f.rule == name);
        match hit {
            Some(i) => {
                waived[i] = Some(Waived {
                    finding: findings[i].clone(),
                    by: "inline".into(),
                    reason: if m.reason.is_empty() {
                        format!("marker on line {}", m.line)
                    } else {
                        m.reason.clone()
                    },
                })
            }
            None => {
                let at = doc
                    .pairs
                    .get(pair)
                    .map(|p| p.first_line())
                    .unwrap_or(m.line + 1);
                out.unused.push(unused(format!(
                    "no `{name}` finding (left to waive) on the pair at line {at}"
                )));
            }
        }
    }

    let mut used = vec![false; baseline.len()];
    for (i, f) in findings.iter().enumerate() {
        if waived[i].is_some() {
            continue;
        }
        if let Some(k) = baseline
            .iter()
            .enumerate()
            .position(|(k, e)| !used[k] && e.fingerprint == f.fingerprint)
        {
            used[k] = true;
            let e = &baseline[k];
            waived[i] = Some(Waived {
                finding: f.clone(),
                by: "baseline".into(),
                reason: if e.reason.is_empty() {
                    "accepted in the baseline".into()
                } else {
                    e.reason.clone()
                },
            });
        }
    }
    for (k, e) in baseline.iter().enumerate() {
        // An entry for a rule that did not run could not match: not stale, just out of scope.
        let ran = rules.resolve(&e.rule).is_none_or(|n| rules.ran(n));
        if !used[k] && ran {
            out.stale.push(e.clone());
        }
    }

    for (f, w) in findings.into_iter().zip(waived) {
        match w {
            Some(w) => out.waived.push(w),
            None => out.kept.push(f),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baseline_round_trips_and_rejects_other_versions() {
        let b = Baseline {
            tqa_baseline: 1,
            entries: vec![],
        };
        assert_eq!(Baseline::parse("b.json", &b.to_json()).unwrap(), b);
        let err = Baseline::parse("b.json", "{\"tqa_baseline\": 9, \"entries\": []}").unwrap_err();
        assert!(err.contains("format 9"), "{err}");
        let err = Baseline::parse("b.json", "{\n\"nope\": 1}").unwrap_err();
        assert!(err.starts_with("b.json:2:"), "{err}");
    }

    #[test]
    fn entries_belong_by_path_then_by_file_name() {
        let e = |p: &str| BaselineEntry {
            fingerprint: "x".into(),
            rule: "r".into(),
            code: String::new(),
            path: p.into(),
            severity: None,
            zh_lines: None,
            en_lines: None,
            message: String::new(),
            reason: String::new(),
        };
        let b = Baseline {
            tqa_baseline: 1,
            entries: vec![e("docs/a.md"), e("other/a.md"), e("b.md")],
        };
        let run = vec!["./docs/a.md".to_string(), "/ci/checkout/b.md".to_string()];
        let a: Vec<String> = b
            .entries_for("./docs/a.md", &run)
            .into_iter()
            .map(|e| e.path)
            .collect();
        // docs/a.md by path; other/a.md by file name since no audited path is other/a.md.
        assert_eq!(a, ["docs/a.md", "other/a.md"]);
        let bb: Vec<String> = b
            .entries_for("/ci/checkout/b.md", &run)
            .into_iter()
            .map(|e| e.path)
            .collect();
        assert_eq!(bb, ["b.md"]);
    }
}
