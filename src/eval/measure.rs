//! Matching findings to labels, the per-rule table, and the threshold check.

use super::doc::{EvalDoc, TurnLines};
use super::inject::{Injection, Kind};
use crate::finding::{Finding, Severity};
use crate::model::LineRange;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Table rows, in order: the rules defects are injected for, then the boundary shift.
pub const ROWS: &[&str] = &[
    "missing_translation",
    "missing_sentences",
    "truncated",
    "length_ratio",
    "untranslated",
    "speaker_swap",
    "number_mismatch",
    "misaligned",
    "duplicate",
    "boundary_shift",
];

/// Findings the labels cannot judge: an English term left inside the Chinese
/// (`untranslated` of kind `untranslated_term`, and every `glossary` finding). The clean
/// sources keep such terms on purpose or by habit (the interview writes "value function",
/// Debian "kernel"), so whether one is a defect needs a human; no injector creates them either.
/// They are counted per rule as `unlabelled` and left out of precision and recall.
pub fn unlabelled(f: &Finding) -> bool {
    f.rule == "glossary"
        || (f.rule == "untranslated"
            && f.evidence.get("kind").and_then(|k| k.as_str()) == Some("untranslated_term"))
}

/// Examples kept per rule for misses and false positives in the JSON report.
const EXAMPLES: usize = 15;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Example {
    pub document: String,
    pub lines: String,
    pub kind: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleRow {
    pub rule: String,
    pub implemented: bool,
    /// Recall units injected for this row.
    pub injected: usize,
    /// Units detected.
    pub tp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
    /// Findings of the rule above `info`.
    pub findings: usize,
    /// Findings landing on no pair injected with a defect that expects or allows the rule.
    pub fp: usize,
    /// Findings left out of scoring (see `unlabelled`).
    pub unlabelled: usize,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub misses: Vec<Example>,
    pub false_positives: Vec<Example>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct KindRow {
    pub kind: String,
    pub row: String,
    pub injected: usize,
    pub detected: usize,
    /// Rules (any level above info) that fired on the targets, and how often.
    pub fired_on_targets: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CleanStats {
    pub pairs: usize,
    pub flagged_major: usize,
    pub flagged_any: usize,
    pub major_rate: f64,
    pub any_rate: f64,
    /// Findings on clean pairs, by rule (any level).
    pub by_rule: BTreeMap<String, usize>,
}

#[derive(Debug, Default)]
pub struct Tally {
    rows: BTreeMap<String, RuleRow>,
    kinds: BTreeMap<Kind, KindRow>,
    clean: CleanStats,
    pub documents: usize,
    pub pairs: usize,
    pub injections: usize,
}

fn overlaps(a: LineRange, b: LineRange) -> bool {
    a.start <= b.end && b.start <= a.end
}

fn lands(f: &Finding, span: LineRange) -> bool {
    [f.zh_lines, f.en_lines]
        .into_iter()
        .flatten()
        .any(|r| overlaps(r, span))
}

fn fmt_lines(f: &Finding) -> String {
    let s = |r: Option<LineRange>| r.map_or("-".to_string(), |r| r.to_string());
    format!("zh {} en {}", s(f.zh_lines), s(f.en_lines))
}

impl Tally {
    fn row(&mut self, rule: &str) -> &mut RuleRow {
        self.rows
            .entry(rule.to_string())
            .or_insert_with(|| RuleRow {
                rule: rule.to_string(),
                ..Default::default()
            })
    }

    /// Score one audited document against its labels.
    pub fn add(
        &mut self,
        doc: &EvalDoc,
        lines: &[TurnLines],
        injections: &[Injection],
        findings: &[Finding],
    ) {
        self.documents += 1;
        self.pairs += doc.turns.len();
        self.injections += injections.len();
        let span: HashMap<usize, LineRange> = doc
            .turns
            .iter()
            .zip(lines)
            .filter_map(|(t, l)| l.span().map(|s| (t.id, s)))
            .collect();
        let mut scored: Vec<&Finding> = Vec::new();
        for f in findings.iter().filter(|f| f.severity > Severity::Info) {
            if unlabelled(f) {
                self.row(&f.rule).unlabelled += 1;
            } else {
                scored.push(f);
            }
        }
        let on = |f: &Finding, ids: &[usize]| {
            ids.iter()
                .any(|id| span.get(id).is_some_and(|s| lands(f, *s)))
        };

        // Recall.
        for inj in injections {
            let units: Vec<Vec<usize>> = if inj.each_target {
                inj.targets.iter().map(|t| vec![*t]).collect()
            } else {
                vec![inj.targets.clone()]
            };
            let kr = self.kinds.entry(inj.kind).or_insert_with(|| KindRow {
                kind: inj.kind.name(),
                row: inj.kind.row().to_string(),
                ..Default::default()
            });
            for f in scored.iter().filter(|f| on(f, &inj.targets)) {
                *kr.fired_on_targets.entry(f.rule.clone()).or_insert(0) += 1;
            }
            for unit in units {
                let hit = scored
                    .iter()
                    .any(|f| inj.kind.expect().contains(&f.rule.as_str()) && on(f, &unit));
                let kr = self.kinds.get_mut(&inj.kind).expect("inserted");
                kr.injected += 1;
                kr.detected += hit as usize;
                let row = self.row(inj.kind.row());
                row.injected += 1;
                if hit {
                    row.tp += 1;
                } else {
                    row.fn_ += 1;
                    if row.misses.len() < EXAMPLES {
                        let l = unit
                            .iter()
                            .filter_map(|id| span.get(id))
                            .map(|s| s.to_string())
                            .collect::<Vec<_>>()
                            .join(",");
                        row.misses.push(Example {
                            document: doc.name.clone(),
                            lines: l,
                            kind: Some(inj.kind.name()),
                            text: inj.note.clone(),
                        });
                    }
                }
            }
        }

        // Precision.
        for f in &scored {
            let credited = injections.iter().any(|inj| {
                (inj.kind.expect().contains(&f.rule.as_str())
                    || inj.kind.allow().contains(&f.rule.as_str()))
                    && on(f, &inj.touched)
            });
            let row = self.row(&f.rule);
            row.findings += 1;
            if !credited {
                row.fp += 1;
                if row.false_positives.len() < EXAMPLES {
                    row.false_positives.push(Example {
                        document: doc.name.clone(),
                        lines: fmt_lines(f),
                        kind: None,
                        text: f.message.clone(),
                    });
                }
            }
        }

        // Clean pairs.
        let touched: BTreeSet<usize> = injections
            .iter()
            .flat_map(|i| i.touched.iter().copied())
            .collect();
        for t in doc.turns.iter().filter(|t| !touched.contains(&t.id)) {
            let Some(s) = span.get(&t.id) else { continue };
            self.clean.pairs += 1;
            let here: Vec<&Finding> = findings.iter().filter(|f| lands(f, *s)).collect();
            if here.iter().any(|f| f.severity >= Severity::Major) {
                self.clean.flagged_major += 1;
            }
            if !here.is_empty() {
                self.clean.flagged_any += 1;
            }
            for f in here {
                *self.clean.by_rule.entry(f.rule.clone()).or_insert(0) += 1;
            }
        }
    }

    /// Final figures. `implemented` is the set of rule names the engine knows.
    pub fn finish(mut self, implemented: &BTreeSet<String>) -> Summary {
        let mut names: Vec<String> = ROWS.iter().map(|s| s.to_string()).collect();
        for r in self.rows.keys() {
            if !names.contains(r) {
                names.push(r.clone());
            }
        }
        let rules = names
            .into_iter()
            .map(|name| {
                let mut row = self.rows.remove(&name).unwrap_or_else(|| RuleRow {
                    rule: name.clone(),
                    ..Default::default()
                });
                row.implemented = if name == "boundary_shift" {
                    Kind::BoundaryShift
                        .expect()
                        .iter()
                        .any(|r| implemented.contains(*r))
                } else {
                    implemented.contains(&name)
                };
                if row.implemented {
                    row.recall = (row.injected > 0).then(|| row.tp as f64 / row.injected as f64);
                    row.precision = (row.findings > 0)
                        .then(|| (row.findings - row.fp) as f64 / row.findings as f64);
                }
                row
            })
            .collect();
        let c = &mut self.clean;
        if c.pairs > 0 {
            c.major_rate = c.flagged_major as f64 / c.pairs as f64;
            c.any_rate = c.flagged_any as f64 / c.pairs as f64;
        }
        Summary {
            documents: self.documents,
            pairs: self.pairs,
            injections: self.injections,
            rules,
            kinds: self.kinds.into_values().collect(),
            clean: self.clean,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub documents: usize,
    pub pairs: usize,
    pub injections: usize,
    pub rules: Vec<RuleRow>,
    pub kinds: Vec<KindRow>,
    pub clean: CleanStats,
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".to_string(), |v| format!("{v:.3}"))
}

impl Summary {
    /// The per-rule table, the per-kind breakdown, and the clean-pair line.
    pub fn table(&self) -> String {
        let mut s = format!(
            "{:<20} {:>8} {:>5} {:>5} {:>5} {:>9} {:>6}  {}\n",
            "rule", "injected", "tp", "fp", "fn", "precision", "recall", "note"
        );
        for r in &self.rules {
            if !r.implemented {
                s.push_str(&format!(
                    "{:<20} {:>8} {:>5} {:>5} {:>5} {:>9} {:>6}  not implemented\n",
                    r.rule, r.injected, "-", "-", "-", "-", "-"
                ));
                continue;
            }
            let note = if r.rule == "boundary_shift" {
                "recall: missing_sentences, truncated or misaligned on either pair".to_string()
            } else if r.injected == 0 && r.findings == 0 {
                format!("{} unlabelled term findings, not scored", r.unlabelled)
            } else if r.injected == 0 {
                "no defect injected for it: precision only".to_string()
            } else if r.unlabelled > 0 {
                format!(
                    "{} findings (+{} unlabelled term findings, not scored)",
                    r.findings, r.unlabelled
                )
            } else {
                format!("{} findings", r.findings)
            };
            let (fp, prec) = if r.rule == "boundary_shift" {
                ("-".to_string(), "-".to_string())
            } else {
                (r.fp.to_string(), pct(r.precision))
            };
            s.push_str(&format!(
                "{:<20} {:>8} {:>5} {:>5} {:>5} {:>9} {:>6}  {}\n",
                r.rule,
                r.injected,
                r.tp,
                fp,
                r.fn_,
                prec,
                pct(r.recall),
                note
            ));
        }
        s.push_str(&format!(
            "clean pairs: {} — flagged at major or above {} ({:.2}%), at any level {} ({:.2}%)\n",
            self.clean.pairs,
            self.clean.flagged_major,
            100.0 * self.clean.major_rate,
            self.clean.flagged_any,
            100.0 * self.clean.any_rate
        ));
        if !self.clean.by_rule.is_empty() {
            let v: Vec<String> = self
                .clean
                .by_rule
                .iter()
                .map(|(r, n)| format!("{r}×{n}"))
                .collect();
            s.push_str(&format!(
                "findings on clean pairs (any level): {}\n",
                v.join(" ")
            ));
        }
        s.push_str("\nby defect kind (detected by the expected rule / injected; rules firing on the targets)\n");
        for k in &self.kinds {
            let fired: Vec<String> = k
                .fired_on_targets
                .iter()
                .map(|(r, n)| format!("{r}×{n}"))
                .collect();
            s.push_str(&format!(
                "  {:<24} {:>4}/{:<4} {}\n",
                k.kind,
                k.detected,
                k.injected,
                fired.join(" ")
            ));
        }
        s
    }
}

/// `tests/eval/thresholds.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub clean: Option<CleanThreshold>,
    #[serde(default)]
    pub rules: BTreeMap<String, RuleThreshold>,
    /// Overrides applied only when the run loads a lexicon.
    pub lexicon: Option<ModeThresholds>,
    /// Overrides applied only when it does not.
    pub no_lexicon: Option<ModeThresholds>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModeThresholds {
    pub clean: Option<CleanThreshold>,
    #[serde(default)]
    pub rules: BTreeMap<String, RuleThreshold>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CleanThreshold {
    pub max_major_rate: Option<f64>,
    pub max_any_rate: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleThreshold {
    pub min_precision: Option<f64>,
    pub min_recall: Option<f64>,
}

impl Thresholds {
    pub fn parse(file: &str, text: &str) -> Result<Thresholds, String> {
        toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
            match line {
                Some(l) => format!("{file}:{l}: {}", e.message()),
                None => format!("{file}: {}", e.message()),
            }
        })
    }

    /// Regressions against these thresholds (empty when the run passes).
    pub fn check(&self, s: &Summary, lexicon: bool) -> Vec<String> {
        let mode = if lexicon {
            &self.lexicon
        } else {
            &self.no_lexicon
        };
        let mut rules = self.rules.clone();
        let mut clean = self.clean.unwrap_or_default();
        if let Some(m) = mode {
            for (k, v) in &m.rules {
                let e = rules.entry(k.clone()).or_default();
                e.min_precision = v.min_precision.or(e.min_precision);
                e.min_recall = v.min_recall.or(e.min_recall);
            }
            if let Some(c) = m.clean {
                clean.max_major_rate = c.max_major_rate.or(clean.max_major_rate);
                clean.max_any_rate = c.max_any_rate.or(clean.max_any_rate);
            }
        }
        let mut out = Vec::new();
        for (name, t) in &rules {
            let Some(row) = s.rules.iter().find(|r| &r.rule == name) else {
                out.push(format!(
                    "{name}: threshold for a rule the evaluation does not know"
                ));
                continue;
            };
            if !row.implemented {
                out.push(format!("{name}: has a threshold but is not implemented"));
                continue;
            }
            if let Some(min) = t.min_recall {
                match row.recall {
                    Some(r) if r + 1e-9 >= min => {}
                    Some(r) => out.push(format!("{name}: recall {r:.3} < {min:.3}")),
                    None => out.push(format!(
                        "{name}: no defect injected, cannot check recall ≥ {min:.3}"
                    )),
                }
            }
            if let Some(min) = t.min_precision
                && let Some(p) = row.precision
                && p + 1e-9 < min
            {
                out.push(format!("{name}: precision {p:.3} < {min:.3}"));
            }
        }
        if let Some(max) = clean.max_major_rate
            && s.clean.major_rate > max + 1e-9
        {
            out.push(format!(
                "clean pairs flagged at major or above: {:.4} > {max:.4}",
                s.clean.major_rate
            ));
        }
        if let Some(max) = clean.max_any_rate
            && s.clean.any_rate > max + 1e-9
        {
            out.push(format!(
                "clean pairs flagged at any level: {:.4} > {max:.4}",
                s.clean.any_rate
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::data::CleanPair;
    use crate::eval::doc::from_pairs;

    fn finding(rule: &str, sev: Severity, zh: usize, en: Option<usize>) -> Finding {
        Finding {
            rule: rule.into(),
            code: "TQA000".into(),
            severity: sev,
            zh_lines: Some(LineRange::single(zh)),
            en_lines: en.map(LineRange::single),
            message: format!("{rule} here"),
            evidence: Default::default(),
            suggestion: None,
            pair: None,
            fingerprint: String::new(),
        }
    }

    fn doc() -> (EvalDoc, Vec<TurnLines>) {
        let p = |z: &str, e: &str| CleanPair {
            zh: z.into(),
            en: e.into(),
            speaker: None,
            origin: "t".into(),
        };
        let d = from_pairs(
            "t",
            &[
                p("一。", "One."),
                p("二。", "Two."),
                p("三。", "Three."),
                p("四。", "Four."),
            ],
        );
        let (_, lines) = d.render();
        (d, lines)
    }

    #[test]
    fn findings_are_matched_to_labels_by_line() {
        let (d, lines) = doc();
        // Turn 1 (lines 3-4) truncated; turns 2 and 3 swapped (lines 5-8).
        let inj = vec![
            Injection {
                kind: Kind::TruncateEnd,
                targets: vec![1],
                each_target: true,
                touched: vec![1],
                note: String::new(),
            },
            Injection {
                kind: Kind::MisalignSwapNear,
                targets: vec![2, 3],
                each_target: true,
                touched: vec![2, 3],
                note: String::new(),
            },
        ];
        let findings = vec![
            finding("truncated", Severity::Major, 3, Some(4)), // tp
            finding("length_ratio", Severity::Minor, 3, Some(4)), // allowed on a truncation
            finding("misaligned", Severity::Critical, 5, Some(6)), // tp for turn 2 only
            finding("truncated", Severity::Major, 1, Some(2)), // fp on clean turn 0
            finding("speaker_swap", Severity::Info, 1, Some(2)), // info: not scored, but flags
            finding("misaligned", Severity::Critical, 3, None), // misaligned not allowed on a truncation: fp
        ];
        let mut t = Tally::default();
        t.add(&d, &lines, &inj, &findings);
        let s = t.finish(
            &["truncated", "length_ratio", "misaligned", "speaker_swap"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        );
        let row = |n: &str| s.rules.iter().find(|r| r.rule == n).unwrap().clone();
        let tr = row("truncated");
        assert_eq!(
            (tr.injected, tr.tp, tr.fn_, tr.findings, tr.fp),
            (1, 1, 0, 2, 1)
        );
        assert_eq!(tr.precision, Some(0.5));
        let mis = row("misaligned");
        assert_eq!(
            (mis.injected, mis.tp, mis.fn_, mis.findings, mis.fp),
            (2, 1, 1, 2, 1)
        );
        assert_eq!(mis.recall, Some(0.5));
        assert_eq!(row("length_ratio").fp, 0);
        // Not implemented: no figures at all, rather than 0/0 success.
        let dup = row("duplicate");
        assert!(!dup.implemented && dup.precision.is_none() && dup.recall.is_none());
        // One clean turn (0), flagged at major (truncated) and at any level.
        assert_eq!(
            (s.clean.pairs, s.clean.flagged_major, s.clean.flagged_any),
            (1, 1, 1)
        );
    }

    #[test]
    fn term_findings_are_unlabelled() {
        let mut f = finding("untranslated", Severity::Minor, 1, None);
        f.evidence
            .insert("kind".into(), serde_json::json!("untranslated_term"));
        assert!(unlabelled(&f));
        f.evidence.insert(
            "kind".into(),
            serde_json::json!("chinese_sentence_in_english"),
        );
        assert!(!unlabelled(&f));
        assert!(unlabelled(&finding("glossary", Severity::Minor, 1, None)));
    }

    #[test]
    fn thresholds_catch_regressions_and_unimplemented_rules() {
        let (d, lines) = doc();
        let inj = vec![Injection {
            kind: Kind::DropEnglish,
            targets: vec![0],
            each_target: true,
            touched: vec![0],
            note: String::new(),
        }];
        let mut t = Tally::default();
        t.add(&d, &lines, &inj, &[]);
        let s = t.finish(&["missing_translation".to_string()].into_iter().collect());
        let th = Thresholds::parse(
            "t.toml",
            "[clean]\nmax_major_rate = 0.02\n[rules.missing_translation]\nmin_recall = 0.9\n[rules.duplicate]\nmin_recall = 0.5\n[lexicon.rules.missing_translation]\nmin_recall = 0.0\n",
        )
        .unwrap();
        let r = th.check(&s, false);
        assert!(
            r.iter()
                .any(|m| m.contains("missing_translation: recall 0.000 < 0.900")),
            "{r:?}"
        );
        assert!(
            r.iter()
                .any(|m| m.contains("duplicate: has a threshold but is not implemented")),
            "{r:?}"
        );
        let r = th.check(&s, true);
        assert!(
            !r.iter().any(|m| m.starts_with("missing_translation")),
            "lexicon override: {r:?}"
        );
        let err = Thresholds::parse("t.toml", "[rules.x]\nmin_recal = 1\n").unwrap_err();
        assert!(err.starts_with("t.toml:2:"), "{err}");
    }
}
