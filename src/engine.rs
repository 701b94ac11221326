//! Load rules and settings, run every active rule's check over a document, turn hits into
//! findings, sort them, and score. Output is the same whatever the thread count: checks run
//! in parallel but findings are sorted on a total order before anything is reported.

use crate::analysis::Shared;
use crate::checks::{self, AlignmentUse, Check, Context};
use crate::finding::{Finding, Hit, Severity, render_template};
use crate::model::Document;
use crate::report::{DocumentReport, GateResult, PairScore};
use crate::resources::Resources;
use crate::rules::settings::{RawSettings, Settings, selects};
use crate::rules::{self, ConfigError, RuleDef, builtin};
use crate::score;
use crate::waivers::{self, BaselineEntry, RuleIds};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Where configuration comes from, beyond the built-in rules.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// A rules directory: its rule files override built-ins by name (or add rules), its
    /// `settings.toml` is a settings layer.
    pub rules_dir: Option<PathBuf>,
    /// A settings file, applied after the rules directory's.
    pub config: Option<PathBuf>,
    /// Command-line flags, the last layer.
    pub flags: RawSettings,
}

pub struct ActiveRule {
    pub def: RuleDef,
    pub severity: Severity,
    check: Box<dyn Check>,
}

pub struct Engine {
    /// Every rule known (enabled or not), in code order, for `tqa rules`.
    pub all_rules: Vec<RuleDef>,
    pub active: Vec<ActiveRule>,
    pub settings: Settings,
    pub resources: Resources,
}

fn read_file(path: &std::path::Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| {
        ConfigError::new(
            &path.display().to_string(),
            None,
            format!("cannot read: {e}"),
        )
    })
}

impl Engine {
    pub fn load(opts: &LoadOptions) -> Result<Engine, ConfigError> {
        // Rules: built-in, then the user's directory by name.
        let mut defs: BTreeMap<String, RuleDef> = BTreeMap::new();
        let mut sources: Vec<(Cow<'static, str>, Cow<'static, str>)> = builtin::RULES
            .iter()
            .map(|&(f, t)| (Cow::Borrowed(f), Cow::Borrowed(t)))
            .collect();
        let mut raw = RawSettings::parse(builtin::SETTINGS.0, builtin::SETTINGS.1)?;
        if let Some(dir) = &opts.rules_dir {
            sources.extend(
                rules::read_rules_dir(dir)?
                    .into_iter()
                    .map(|(f, t)| (Cow::Owned(f), Cow::Owned(t))),
            );
            let s = dir.join("settings.toml");
            if s.exists() {
                raw = raw.merge(RawSettings::parse(
                    &s.display().to_string(),
                    &read_file(&s)?,
                )?);
            }
            let g = dir.join("glossary.toml");
            if g.exists()
                && raw
                    .resources
                    .as_ref()
                    .and_then(|r| r.glossary.as_ref())
                    .is_none_or(|p| p.starts_with("builtin:"))
            {
                let res = raw.resources.get_or_insert_with(Default::default);
                res.glossary = Some(g.display().to_string());
            }
        }
        // The settings file is read and parsed before the rule files, so that the resources
        // (glossary, lexicon) load while the rules are parsed; its errors are still reported
        // after theirs, and every error is the same as when they were loaded one after another.
        let config = opts.config.as_ref().map(|cfg| {
            let file = cfg.display().to_string();
            let text = read_file(cfg)?;
            let layer = RawSettings::parse(&file, &text)?;
            Ok::<_, ConfigError>((file, text, layer))
        });
        let settings = match &config {
            Some(Err(_)) => None,
            Some(Ok((_, _, layer))) => Some(raw.merge(layer.clone())),
            None => Some(raw),
        }
        .map(|raw| raw.merge(opts.flags.clone()).resolve());
        let (parsed, resources) = rayon::join(
            || {
                sources
                    .par_iter()
                    .map(|(file, text)| rules::parse_rule(file, text))
                    .collect::<Vec<_>>()
            },
            || settings.as_ref().map(Resources::load),
        );
        let mut texts: BTreeMap<&str, &str> = BTreeMap::new();
        for ((file, text), def) in sources.iter().zip(parsed) {
            let def = def?;
            texts.insert(file, text);
            defs.insert(def.name.clone(), def);
        }
        if let Some(config) = config {
            let (file, text, layer) = config?;
            // Name the file and line of a `[rules.NAME]` table that names no rule.
            for name in layer.rules.iter().flat_map(|r| r.keys()) {
                if !defs.contains_key(name) {
                    let line = rules::find_key_line(&text, &format!("rules.{name}"))
                        .or_else(|| rules::find_key_line(&text, name));
                    return Err(ConfigError::new(
                        &file,
                        line,
                        format!("[rules.{name}]: no rule named `{name}` (see `tqa rules`)"),
                    ));
                }
            }
        }
        let settings = settings.expect("the settings file parsed");

        // Codes must be unique: they are public API.
        let mut codes: BTreeMap<&str, &str> = BTreeMap::new();
        for d in defs.values() {
            if let Some(other) = codes.insert(&d.code, &d.name) {
                return Err(ConfigError::new(
                    &d.source,
                    rules::find_key_line(texts[d.source.as_str()], "code"),
                    format!("code {} is used by both `{other}` and `{}`", d.code, d.name),
                ));
            }
        }
        for name in settings.overrides.keys() {
            if !defs.contains_key(name) {
                return Err(ConfigError::new(
                    "settings",
                    None,
                    format!("[rules.{name}]: no rule named `{name}` (see `tqa rules`)"),
                ));
            }
        }
        for sel in settings.select.iter().chain(&settings.ignore) {
            if !defs.values().any(|d| selects(sel, &d.name, &d.code)) {
                return Err(ConfigError::new(
                    "selection",
                    None,
                    format!("`{sel}` names no rule or code (see `tqa rules`)"),
                ));
            }
        }

        let mut all_rules: Vec<RuleDef> = defs.into_values().collect();
        all_rules.sort_by(|a, b| a.code.cmp(&b.code));
        let mut active = Vec::new();
        for def in &all_rules {
            let ov = settings.overrides.get(&def.name);
            let mut params = def.params.clone();
            if let Some(p) = ov.and_then(|o| o.params.as_ref()) {
                params.extend(p.clone());
            }
            // Build even disabled rules, so a bad parameter fails at load time.
            let check = checks::build(&def.check, &params).map_err(|m| {
                let text = texts[def.source.as_str()];
                let key = m.split('`').nth(1).unwrap_or("check");
                ConfigError::new(&def.source, rules::find_key_line(text, key), m)
            })?;
            let enabled = ov.and_then(|o| o.enabled).unwrap_or(def.enabled);
            let selected = if settings.select.is_empty() {
                enabled
            } else {
                settings
                    .select
                    .iter()
                    .any(|s| selects(s, &def.name, &def.code))
            };
            let ignored = settings
                .ignore
                .iter()
                .any(|s| selects(s, &def.name, &def.code));
            if selected && !ignored {
                active.push(ActiveRule {
                    def: def.clone(),
                    severity: ov.and_then(|o| o.severity).unwrap_or(def.severity),
                    check,
                });
            }
        }
        let resources = resources.expect("loaded with the settings")?;
        Ok(Engine {
            all_rules,
            active,
            settings,
            resources,
        })
    }

    /// Audit one document (its inline waiver markers apply).
    pub fn audit(&self, doc: Arc<Document>) -> DocumentReport {
        self.audit_with(doc, &[])
    }

    /// Audit one document, then apply its inline markers and these baseline entries
    /// (`Baseline::entries_for`) before scoring: checks never see waivers.
    pub fn audit_with(&self, doc: Arc<Document>, baseline: &[BaselineEntry]) -> DocumentReport {
        let shared = self.shared();
        let findings = self.findings_with(&doc, &shared);
        let ids = RuleIds {
            all: self
                .all_rules
                .iter()
                .map(|r| (r.name.as_str(), r.code.as_str()))
                .collect(),
            active: self.active.iter().map(|r| r.def.name.as_str()).collect(),
        };
        let applied = waivers::apply(&doc, findings, baseline, &ids);
        let mut report = self.report_with(
            doc,
            applied.kept,
            applied.waived,
            shared.stats_if_computed(),
        );
        report.stale_baseline = applied.stale;
        report.unused_waivers = applied.unused;
        report
    }

    /// Every active rule's findings on a document, sorted, before waivers.
    /// The rules run in parallel, or one after another inside `threads::on_one_thread`.
    pub fn findings(&self, doc: &Arc<Document>) -> Vec<Finding> {
        self.findings_with(doc, &self.shared())
    }

    /// An empty cache of document analyses for one audit. The per-pair text analyses
    /// (`Shared::texts`) are kept only when two of their readers are active (the checks
    /// whose `reads_texts` says so, and the alignment, which reads them too); one reader
    /// alone would only pay for keeping them.
    fn shared(&self) -> Shared {
        let checks: std::collections::BTreeSet<&str> = self
            .active
            .iter()
            .filter(|r| r.check.reads_texts())
            .map(|r| r.def.check.as_str())
            .collect();
        let alignment = self
            .active
            .iter()
            .any(|r| r.check.reads_alignment() != AlignmentUse::Never);
        Shared::new(checks.len() + usize::from(alignment) >= 2)
    }

    /// `findings`, with the document's analyses kept in `shared` (the score reads its
    /// per-pair counts afterwards).
    fn findings_with(&self, doc: &Arc<Document>, shared: &Shared) -> Vec<Finding> {
        let parallel = !crate::threads::one_thread();
        let doc = Arc::clone(doc);
        let ctx = Context {
            doc: &doc,
            settings: &self.settings,
            resources: &self.resources,
            shared,
        };
        // Scheduling only (the result is the same): the document alignment is the longest
        // single task, so when a check that always reads it (`misaligned`) is active it is
        // built at once on one thread while the checks that never read it run on the rest;
        // the checks that read it (`Check::reads_alignment`: `misaligned`, `duplicate`) run
        // after it is built. They must not run beside the build: the alignment is itself
        // parallel (rayon), and a check blocked in `get_or_init` on a worker thread (or the
        // building thread itself, stealing that check's job while it waits for its own
        // parallel parts) waits for work only it can do — a deadlock, seen with
        // `--stream --jobs 4`. When no active check always reads it, a check that sometimes
        // does builds it itself if it needs it. Each rule's hits are put back in rule order.
        let uses = |i: usize| self.active[i].check.reads_alignment();
        let builds_first = (0..self.active.len()).any(|i| uses(i) == AlignmentUse::Always);
        let (independent, dependent): (Vec<usize>, Vec<usize>) = (0..self.active.len())
            .partition(|&i| !(builds_first && uses(i) != AlignmentUse::Never));
        let run = |i: usize| self.active[i].check.run(&ctx);
        let lexicon = self.resources.lexicon.as_deref();
        let build = || {
            if builds_first {
                shared.alignment(&doc, lexicon);
            }
        };
        let (independent_hits, dependent_hits): (Vec<Vec<Hit>>, Vec<Vec<Hit>>) = if parallel {
            let ((), independent_hits) =
                rayon::join(build, || independent.par_iter().map(|&i| run(i)).collect());
            (
                independent_hits,
                dependent.par_iter().map(|&i| run(i)).collect(),
            )
        } else {
            build();
            (
                independent.iter().map(|&i| run(i)).collect(),
                dependent.iter().map(|&i| run(i)).collect(),
            )
        };
        let mut per_rule: Vec<Vec<Hit>> = vec![Vec::new(); self.active.len()];
        for (&i, h) in independent
            .iter()
            .chain(&dependent)
            .zip(independent_hits.into_iter().chain(dependent_hits))
        {
            per_rule[i] = h;
        }
        // A finding's fingerprint hashes its rule and its pair's text only (when it has a
        // pair): neighbouring hits of one rule on one pair (a pair's untranslated terms) share
        // it, so it is computed once per such run. Findings (message, fingerprint) are
        // independent of one another: built in parallel, collected in order.
        let mut findings: Vec<Finding> = if parallel {
            let hits: Vec<(usize, Hit)> = per_rule
                .into_iter()
                .enumerate()
                .flat_map(|(i, hs)| hs.into_iter().map(move |h| (i, h)))
                .collect();
            let same_key = |a: &(usize, Hit), b: &(usize, Hit)| {
                a.0 == b.0 && a.1.pair == b.1.pair && a.1.pair.is_some_and(|p| p < doc.pairs.len())
            };
            let fp_run = |run: &[(usize, Hit)]| {
                let (i, h) = &run[0];
                std::iter::repeat_n(fingerprint(&self.active[*i].def.name, &doc, h), run.len())
            };
            let fps: Vec<String> = hits.par_chunk_by(same_key).flat_map_iter(fp_run).collect();
            hits.into_par_iter()
                .zip(fps)
                .map(|((i, h), fp)| self.finding(&self.active[i], h, fp))
                .collect()
        } else {
            // The same findings in the same order, built straight from each rule's hits (no
            // flattened copy of the hits, no separate list of fingerprints).
            let mut findings = Vec::with_capacity(per_rule.iter().map(Vec::len).sum());
            for (rule, hits) in self.active.iter().zip(per_rule) {
                // The pair of this rule's previous finding, when it is one of the document's.
                let mut last: Option<usize> = None;
                for h in hits {
                    let fp = match (last, h.pair) {
                        (Some(q), Some(p)) if p == q => findings
                            .last()
                            .map(|f: &Finding| f.fingerprint.clone())
                            .expect("the previous finding is this rule's"),
                        _ => fingerprint(&rule.def.name, &doc, &h),
                    };
                    last = h.pair.filter(|&p| p < doc.pairs.len());
                    findings.push(self.finding(rule, h, fp));
                }
            }
            findings
        };
        sort_findings(&mut findings);
        findings.dedup_by(|a, b| {
            a.rule == b.rule
                && a.zh_lines == b.zh_lines
                && a.en_lines == b.en_lines
                && a.message == b.message
        });
        findings
    }

    // Inline: the hit then moves into the finding without a copy of it made for the call.
    #[inline]
    fn finding(&self, rule: &ActiveRule, mut h: Hit, fingerprint: String) -> Finding {
        // The hit is owned: its message is moved into the finding, not copied.
        let message = h
            .message
            .take()
            .unwrap_or_else(|| render_template(&rule.def.message, &h.evidence));
        let severity = match h.severity {
            // A check's own downgrade to info survives; otherwise the configured severity.
            Some(Severity::Info) => Severity::Info,
            Some(s) if rule.severity == rule.def.severity => s,
            _ => rule.severity,
        };
        Finding {
            rule: rule.def.name.clone(),
            code: rule.def.code.clone(),
            severity,
            zh_lines: h.zh_lines,
            en_lines: h.en_lines,
            message,
            evidence: h.evidence,
            suggestion: h.suggestion,
            pair: h.pair,
            fingerprint,
        }
    }

    /// Score and gate a document from its (already waived) findings.
    pub fn report(
        &self,
        doc: Arc<Document>,
        findings: Vec<Finding>,
        waived: Vec<crate::report::Waived>,
    ) -> DocumentReport {
        self.report_with(doc, findings, waived, None)
    }

    /// `report`, with the pairs' counts (`Shared::stats`) when a check already took them.
    fn report_with(
        &self,
        doc: Arc<Document>,
        findings: Vec<Finding>,
        waived: Vec<crate::report::Waived>,
        stats: Option<&[crate::analysis::PairStats]>,
    ) -> DocumentReport {
        let w = &self.settings.weights;
        let mut pair_pen = vec![0.0; doc.pairs.len()];
        let mut penalty_by_rule: BTreeMap<String, BTreeMap<Severity, f64>> = BTreeMap::new();
        // Findings per rule, counted in a short list before they go in the map: the rule of
        // the previous finding is tried first (the findings of a pair are mostly of one
        // rule), where a map lookup compared the name with each rule's before it.
        let mut tally: Vec<(&str, usize)> = Vec::new();
        let mut last = 0;
        for f in &findings {
            if tally.get(last).is_none_or(|(r, _)| *r != f.rule) {
                last = tally
                    .iter()
                    .position(|(r, _)| *r == f.rule)
                    .unwrap_or_else(|| {
                        tally.push((&f.rule, 0));
                        tally.len() - 1
                    });
            }
            tally[last].1 += 1;
            if w.of(f.severity) > 0.0 {
                if !penalty_by_rule.contains_key(&f.rule) {
                    penalty_by_rule.insert(f.rule.clone(), BTreeMap::new());
                }
                *penalty_by_rule
                    .get_mut(&f.rule)
                    .expect("inserted above")
                    .entry(f.severity)
                    .or_insert(0.0) += w.of(f.severity);
            }
            if let Some(i) = f.pair
                && i < pair_pen.len()
            {
                pair_pen[i] += w.of(f.severity);
            }
        }
        let counts: BTreeMap<String, usize> =
            tally.into_iter().map(|(r, n)| (r.to_string(), n)).collect();
        let mut words = 0.0;
        let pair_scores: Vec<PairScore> = doc
            .pairs
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let wph = self.settings.words_per_han;
                let pw = match stats.and_then(|s| s.get(k)) {
                    Some(s) => score::words(s.en_words, s.zh_han, wph),
                    None => score::pair_words(p, wph),
                };
                words += pw;
                PairScore {
                    index: p.index,
                    id: p.id.clone(),
                    zh_lines: p.zh_lines(),
                    en_lines: p.en_lines(),
                    words: crate::finding::round(pw, 1),
                    penalty: pair_pen[p.index],
                    score: score::score(pair_pen[p.index], pw),
                    meta: p.meta.iter().cloned().collect(),
                }
            })
            .collect();
        let penalty = score::penalty(&findings, w);
        let doc_score = score::score(penalty, words);
        let gate = self.gate(doc_score, &findings, words);
        DocumentReport {
            path: doc.path.clone(),
            format: doc.format.clone(),
            score: doc_score,
            pairs: doc.pairs.len(),
            words: crate::finding::round(words, 1),
            penalty,
            counts,
            penalty_by_rule,
            findings,
            waived,
            stale_baseline: Vec::new(),
            unused_waivers: Vec::new(),
            pair_scores,
            gate,
            document: doc,
        }
    }

    /// The gate's verdict, with one sentence per reason it failed that says exactly what
    /// was measured against which threshold.
    fn gate(&self, doc_score: f64, findings: &[Finding], words: f64) -> GateResult {
        let s = &self.settings;
        let mut reasons = Vec::new();
        if doc_score < s.min_score {
            let c = score::severity_counts(findings);
            let parts: Vec<String> = [Severity::Critical, Severity::Major, Severity::Minor]
                .iter()
                .zip([c[3], c[2], c[1]])
                .filter(|(_, n)| *n > 0)
                .map(|(sev, n)| format!("{n} {sev} × {}", s.weights.of(*sev)))
                .collect();
            reasons.push(format!(
                "score {doc_score:.1} is under the minimum {:.1}: penalty {} ({}) over {words:.0} words",
                s.min_score,
                score::penalty(findings, &s.weights),
                if parts.is_empty() {
                    "no findings".to_string()
                } else {
                    parts.join(" + ")
                }
            ));
        }
        let blocking: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.severity >= s.fail_on)
            .collect();
        if !blocking.is_empty() {
            let mut by_rule: BTreeMap<(&str, Severity), usize> = BTreeMap::new();
            for f in &blocking {
                *by_rule.entry((&f.rule, f.severity)).or_insert(0) += 1;
            }
            let list: Vec<String> = by_rule
                .iter()
                .map(|((r, sev), n)| format!("{r} ×{n} ({sev})"))
                .collect();
            reasons.push(format!(
                "{} finding(s) at or above `{}`: {}",
                blocking.len(),
                s.fail_on,
                list.join(", ")
            ));
        }
        GateResult {
            passed: reasons.is_empty(),
            min_score: s.min_score,
            fail_on: s.fail_on,
            reasons,
        }
    }
}

/// The order `sort_findings` puts findings in: by first line, then code, then ranges, then
/// message.
fn finding_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    (a.first_line(), &a.code, a.zh_lines, a.en_lines, &a.message).cmp(&(
        b.first_line(),
        &b.code,
        b.zh_lines,
        b.en_lines,
        &b.message,
    ))
}

/// Total order: by first line, then code, then ranges, then message; findings equal on all
/// of these keep their order (a stable sort). Findings are large, so the positions are
/// sorted and the findings then moved once each into place (`permute`), rather than moved
/// around by the sort; already sorted input (one rule's findings, in pair order) is left as
/// it is.
///
/// The positions are sorted in two steps: stably by first line alone (integer compares: the
/// checks' findings come rule after rule, each rule's in line order, so this merges a few
/// sorted runs), then each group of findings on the same first line (a pair's several hits)
/// stably by the whole order. Sorting them by the whole order at once cost 236 instructions
/// a finding on the Debian corpus: the hits of one pair are seldom in message order, which
/// broke the runs into short ones that the standard sort then sorted by full compares.
pub fn sort_findings(findings: &mut [Finding]) {
    if findings.is_sorted_by(|a, b| finding_order(a, b).is_le()) {
        return;
    }
    // (first line, position)
    let mut keyed: Vec<(usize, usize)> = findings
        .iter()
        .enumerate()
        .map(|(k, f)| (f.first_line(), k))
        .collect();
    keyed.sort_by_key(|&(line, _)| line);
    for group in keyed.chunk_by_mut(|a, b| a.0 == b.0) {
        if group.len() > 1 {
            group.sort_by(|a, b| finding_order(&findings[a.1], &findings[b.1]));
        }
    }
    permute(findings, keyed.into_iter().map(|(_, k)| k).collect());
}

/// Rearrange `items` so that position `k` holds what was at `order[k]` (`order` a
/// permutation), following its cycles: one swap per element out of place.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..items.len() {
        let mut cur = start;
        // Each cycle is walked once: its positions are marked done (`order[k] == k`).
        while order[cur] != start && order[cur] != cur {
            let src = order[cur];
            items.swap(cur, src);
            order[cur] = cur;
            cur = src;
        }
        order[cur] = cur;
    }
}

/// `sort_findings` as it was: the standard stable sort of the findings themselves (the
/// oracle of the tests).
#[cfg(test)]
fn sort_findings_reference(findings: &mut [Finding]) {
    findings.sort_by(finding_order);
}

/// `s.split_whitespace().collect::<Vec<_>>().join(" ") == s`: every whitespace character is a
/// single ASCII space, with none at either end. The non-ASCII White_Space characters start
/// with the lead bytes C2 (U+0085, U+00A0), E1 (U+1680), E2 (U+2000..=U+200A, U+2028,
/// U+2029, U+202F, U+205F) or E3 (U+3000), which are never continuation bytes; at those bytes
/// the following ones tell whether it is one (`non_ascii_space_at`). On x86-64 the text is
/// read 16 bytes at a time (SSE2): a block without a control character, a double space or
/// one of those lead bytes (most of any text) needs no further look.
fn is_folded(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    #[cfg(target_arch = "x86_64")]
    {
        is_folded_sse2(b)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        is_folded_bytes(b)
    }
}

/// Whether the character starting at `b[i]` (a lead byte C2, E1, E2 or E3 of valid UTF-8)
/// is White_Space.
fn non_ascii_space_at(b: &[u8], i: usize) -> bool {
    match b[i] {
        0xC2 => matches!(b[i + 1], 0x85 | 0xA0),
        0xE1 => b[i + 1] == 0x9A && b[i + 2] == 0x80,
        0xE2 => {
            (b[i + 1] == 0x80 && matches!(b[i + 2], 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF))
                || (b[i + 1] == 0x81 && b[i + 2] == 0x9F)
        }
        0xE3 => b[i + 1] == 0x80 && b[i + 2] == 0x80,
        _ => false,
    }
}

/// `is_folded` after the end test, byte by byte.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn is_folded_bytes(b: &[u8]) -> bool {
    let mut prev_space = false;
    for (i, &x) in b.iter().enumerate() {
        if x == b' ' {
            if prev_space {
                return false;
            }
            prev_space = true;
            continue;
        }
        prev_space = false;
        if matches!(x, b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
            || (matches!(x, 0xC2 | 0xE1 | 0xE2 | 0xE3) && non_ascii_space_at(b, i))
        {
            return false;
        }
    }
    true
}

/// `is_folded` after the end test, 16 bytes at a time.
#[cfg(target_arch = "x86_64")]
fn is_folded_sse2(b: &[u8]) -> bool {
    use std::arch::x86_64::*;
    let n = b.len();
    let mut prev_space = 0u32;
    let mut i = 0;
    while i < n {
        let mut buf = [0u8; 16];
        let block: &[u8] = if i + 16 <= n {
            &b[i..i + 16]
        } else {
            // The last partial block, zero-padded (NUL is in no mask).
            buf[..n - i].copy_from_slice(&b[i..]);
            &buf
        };
        // SAFETY: SSE2 is part of x86-64; `block` has 16 bytes (an unaligned load).
        let (space, control, lead) = unsafe {
            let v = _mm_loadu_si128(block.as_ptr() as *const __m128i);
            let eq = |c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
            // \t \n \x0B \x0C \r: x - 9 (wrapping) <= 4.
            let d = _mm_sub_epi8(v, _mm_set1_epi8(9));
            let control = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(4)), d);
            let lead = _mm_or_si128(
                _mm_or_si128(eq(0xC2), eq(0xE1)),
                _mm_or_si128(eq(0xE2), eq(0xE3)),
            );
            (
                _mm_movemask_epi8(eq(b' ')) as u32,
                _mm_movemask_epi8(control) as u32,
                _mm_movemask_epi8(lead) as u32,
            )
        };
        if control != 0 || space & ((space << 1) | prev_space) != 0 {
            return false;
        }
        let mut lead = lead;
        while lead != 0 {
            if non_ascii_space_at(b, i + lead.trailing_zeros() as usize) {
                return false;
            }
            lead &= lead - 1;
        }
        prev_space = (space >> 15) & 1;
        i += 16;
    }
    true
}

/// Hash of the rule and the pair's normalised text (whitespace folded), not of line numbers,
/// so a baseline entry survives edits elsewhere in the file.
pub fn fingerprint(rule: &str, doc: &Document, h: &Hit) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(rule.as_bytes());
    hasher.update([0]);
    // The bytes of `split_whitespace().join(" ")`, fed at once: many small `update` calls
    // cost more than the copy. Text that is already normalised (no leading, trailing or
    // repeated whitespace, no whitespace but single ASCII spaces) is fed as it is.
    let norm = |hasher: &mut Sha256, s: &str| {
        let plain = is_folded(s);
        if plain {
            hasher.update(s.as_bytes());
            return;
        }
        let mut buf = String::with_capacity(s.len());
        for (i, w) in s.split_whitespace().enumerate() {
            if i > 0 {
                buf.push(' ');
            }
            buf.push_str(w);
        }
        hasher.update(buf.as_bytes());
    };
    match h.pair.and_then(|i| doc.pairs.get(i)) {
        Some(p) => {
            norm(&mut hasher, p.zh_text());
            hasher.update([0]);
            norm(&mut hasher, p.en_text());
        }
        None => {
            // Document-level finding: key on its evidence (which names the text involved).
            hasher.update(
                serde_json::to_string(&h.evidence)
                    .unwrap_or_default()
                    .as_bytes(),
            );
        }
    }
    let digest = hasher.finalize();
    let mut hex = String::with_capacity(16);
    for b in &digest[..8] {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        hex.push(HEX[usize::from(b >> 4)] as char);
        hex.push(HEX[usize::from(b & 0xF)] as char);
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Lang, LineRange, Pair};

    use crate::test_support::seg;

    /// The engine schedules the alignment by what each check declares: a check that reads
    /// it without saying so could run beside its build (the deadlock `findings` avoids). The
    /// per-pair text results likewise (only their caching depends on it). Run
    /// every built-in check alone on the sample (it has displaced and duplicated turns) and
    /// on the real interview when `../shared` is there.
    #[test]
    fn checks_declare_the_shared_analyses_they_read() {
        let engine = Engine::load(&LoadOptions::default()).unwrap();
        let docs = sample_and_interview();
        let mut readers = std::collections::BTreeSet::new();
        let mut text_readers = std::collections::BTreeSet::new();
        for path in docs {
            let text = std::fs::read_to_string(&path).unwrap();
            let doc = crate::reader::parse(&path, &text, None).unwrap();
            for rule in &engine.active {
                let shared = Shared::default();
                let ctx = Context {
                    doc: &doc,
                    settings: &engine.settings,
                    resources: &engine.resources,
                    shared: &shared,
                };
                rule.check.run(&ctx);
                let declared = rule.check.reads_alignment();
                if shared.alignment_built() {
                    assert_ne!(declared, AlignmentUse::Never, "{} reads it", rule.def.name);
                    readers.insert(rule.def.name.clone());
                } else {
                    assert_ne!(declared, AlignmentUse::Always, "{}", rule.def.name);
                }
                // The text results: read directly, or through the alignment.
                if shared.texts_asked() && !shared.alignment_built() {
                    assert!(
                        rule.check.reads_texts(),
                        "{} reads the texts",
                        rule.def.name
                    );
                    text_readers.insert(rule.def.name.clone());
                } else {
                    assert!(!rule.check.reads_texts(), "{}", rule.def.name);
                }
            }
        }
        // Both readers did read it on these documents, so the assertions above were tested.
        assert_eq!(
            readers.into_iter().collect::<Vec<_>>(),
            ["duplicate", "misaligned"]
        );
        assert_eq!(
            text_readers.into_iter().collect::<Vec<_>>(),
            ["missing_sentences", "number_mismatch"]
        );
    }

    /// `sort_findings` (positions sorted, then one permutation) orders findings exactly as
    /// the stable sort of the findings did: random lists with many ties on every key, so that
    /// equal findings (told apart by their rule and fingerprint) test the stability too.
    #[test]
    fn sort_findings_is_the_stable_sort() {
        use crate::test_support::XorShift;
        let mut rng = XorShift::new(0x50_47_F1);
        let range = |rng: &mut XorShift| match rng.below(4) {
            0 => None,
            k => {
                let start = 1 + rng.index(4);
                Some(LineRange::new(start, start + k as usize - 1))
            }
        };
        for round in 0..3000 {
            let n = rng.index(if round % 10 == 0 { 200 } else { 12 });
            let mut findings: Vec<Finding> = (0..n)
                .map(|k| Finding {
                    rule: format!("r{}", rng.below(3)),
                    code: ["TQA301", "TQA201", "TQA501"][rng.index(3)].to_string(),
                    severity: Severity::Minor,
                    zh_lines: range(&mut rng),
                    en_lines: range(&mut rng),
                    message: ["a", "b", "ab", ""][rng.index(4)].to_string(),
                    evidence: Default::default(),
                    suggestion: None,
                    pair: Some(rng.index(5)),
                    fingerprint: k.to_string(),
                })
                .collect();
            // Sorted input and sorted runs too (the fast path, and driftsort's runs).
            if round % 7 == 0 {
                sort_findings_reference(&mut findings);
                if round % 14 == 0 {
                    findings.reverse();
                }
            }
            let mut want = findings.clone();
            sort_findings_reference(&mut want);
            sort_findings(&mut findings);
            assert_eq!(
                serde_json::to_string(&findings).unwrap(),
                serde_json::to_string(&want).unwrap()
            );
        }
    }

    #[test]
    fn permute_puts_each_element_where_its_position_says() {
        use crate::test_support::XorShift;
        let mut rng = XorShift::new(7);
        for n in 0..60 {
            let mut order: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                order.swap(i, rng.index(i + 1));
            }
            let mut items: Vec<String> = (0..n).map(|k| k.to_string()).collect();
            let want: Vec<String> = order.iter().map(|&k| k.to_string()).collect();
            permute(&mut items, order);
            assert_eq!(items, want);
        }
    }

    /// The sample's path, and the real interview's when `../shared` is there.
    fn sample_and_interview() -> Vec<String> {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut docs = vec![format!("{root}/tests/fixtures/sample/interview.zh-en.md")];
        let shared_doc = format!("{root}/../shared/corpus/ai-interview.zh-en.md");
        if std::path::Path::new(&shared_doc).exists() {
            docs.push(shared_doc);
        }
        docs
    }

    /// The engine's two ways of building findings (one thread: straight from each rule's
    /// hits; otherwise in parallel from the flattened hits) give the same findings, on the
    /// sample and on the real interview when `../shared` is there, every rule active.
    #[test]
    fn findings_are_the_same_on_one_thread_and_in_parallel() {
        let engine = Engine::load(&LoadOptions::default()).unwrap();
        let docs = sample_and_interview();
        for path in docs {
            let text = std::fs::read_to_string(&path).unwrap();
            let doc = Arc::new(crate::reader::parse(&path, &text, None).unwrap());
            let one = crate::threads::on_one_thread(|| engine.findings(&doc));
            let many = engine.findings(&doc);
            assert!(!one.is_empty());
            assert_eq!(
                serde_json::to_string(&one).unwrap(),
                serde_json::to_string(&many).unwrap()
            );
        }
    }

    #[test]
    fn folded_text_is_what_split_whitespace_gives() {
        let mut texts: Vec<String> = [
            "",
            " ",
            "a",
            " a",
            "a ",
            "a b",
            "a  b",
            "a\tb",
            "a\nb",
            "中 文",
            "中\u{3000}文",
            "x\u{85}y",
            "x\u{a0}y",
            "x\u{1680}y",
            "x\u{2000}y",
            "x\u{200b}y",
            "x\u{2028}y",
            "x\u{202f}y",
            "x\u{205f}y",
            "x\u{2060}y",
            "x\u{3001}y",
            "é ü",
            "a\u{b}b",
            "a\u{c}b",
            "a\u{1c}b",
            "“quoted” — text",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for c in ['\0'..='\u{3100}', '\u{fe00}'..='\u{ffff}']
            .into_iter()
            .flatten()
        {
            texts.push(format!("a{c}b"));
        }
        // Across 16-byte block boundaries too.
        for c in [
            ' ', '\t', '\n', '\r', '\u{b}', '\u{c}', '\u{85}', '\u{a0}', '\u{1680}', '\u{2000}',
            '\u{200a}', '\u{200b}', '\u{2028}', '\u{2029}', '\u{202f}', '\u{205f}', '\u{3000}',
            '\u{3001}', '中', 'é', 'x',
        ] {
            for k in 0..34 {
                let pad = "y".repeat(k);
                texts.push(format!("{pad}{c}z"));
                texts.push(format!("{pad} {c}z"));
                texts.push(format!("a{pad}{c}{c}{pad}b"));
                texts.push(format!("中{pad}{c} 文"));
            }
        }
        for t in &texts {
            let plain = t.split_whitespace().collect::<Vec<_>>().join(" ") == *t;
            assert_eq!(is_folded(t), plain, "{t:?}");
            let b = t.as_bytes();
            let ends = b.first() != Some(&b' ') && b.last() != Some(&b' ');
            assert_eq!(ends && is_folded_bytes(b), plain, "{t:?}");
        }
    }

    /// Pinned values (sha256 of `rule \0 zh \0 en` with whitespace runs folded to one space,
    /// first 8 bytes in hex): baselines written by earlier versions must keep matching.
    #[test]
    fn fingerprint_is_stable() {
        let mut doc = Document::new("d", "tsv");
        doc.pairs.push(Pair {
            index: 0,
            id: None,
            zh: Some(seg(Lang::Zh, "  你好，\t世界\u{3000} 再见 ")),
            en: Some(seg(Lang::En, "Hello,   world\n  again ")),
            meta: Vec::new(),
        });
        doc.pairs.push(Pair {
            index: 1,
            id: None,
            zh: None,
            en: None,
            meta: Vec::new(),
        });
        let hit = |pair| Hit {
            pair: Some(pair),
            ..Hit::default()
        };
        assert_eq!(
            fingerprint("length_ratio", &doc, &hit(0)),
            "2f6964019027b56d"
        );
        assert_eq!(fingerprint("x", &doc, &hit(1)), "758d56805faf3cd5");
    }
}
