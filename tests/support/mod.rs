//! The fixed report the reporter tests render: `tests/fixtures/reports/review.md`, audited by
//! the two hermetic rules in `tests/fixtures/reports/rules/` (so merging new rules into the
//! built-ins does not change it), plus findings of four other rules constructed here (their
//! checks live elsewhere; reporters only need their shape), then an inline marker, a baseline
//! entry and a stale baseline entry applied by the real waiver code.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;
use tqa::engine::{Engine, LoadOptions, fingerprint, sort_findings};
use tqa::finding::{Finding, Hit, Severity};
use tqa::model::Document;
use tqa::report::{RenderOptions, Report};
use tqa::rules::RuleDef;
use tqa::waivers::{self, BaselineEntry, RuleIds};

pub const DOC: &str = "tests/fixtures/reports/review.md";

pub fn engine() -> Engine {
    Engine::load(&LoadOptions {
        rules_dir: Some("tests/fixtures/reports/rules".into()),
        ..LoadOptions::default()
    })
    .expect("fixture rules load")
}

pub fn other_rules() -> Vec<RuleDef> {
    let dir = Path::new("tests/fixtures/reports/other-rules");
    let mut v: Vec<RuleDef> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            tqa::rules::parse_rule(
                &p.display().to_string(),
                &std::fs::read_to_string(&p).unwrap(),
            )
            .unwrap()
        })
        .collect();
    v.sort_by(|a, b| a.code.cmp(&b.code));
    v
}

fn synthetic(
    doc: &Document,
    pair: usize,
    rule: &RuleDef,
    severity: Severity,
    message: &str,
    evidence: &[(&str, serde_json::Value)],
    suggestion: Option<&str>,
) -> Finding {
    let mut h = Hit::on_pair(&doc.pairs[pair]);
    for (k, v) in evidence {
        h = h.with(k.to_string(), v.clone());
    }
    Finding {
        rule: rule.name.clone(),
        code: rule.code.clone(),
        severity,
        zh_lines: h.zh_lines,
        en_lines: h.en_lines,
        message: message.to_string(),
        evidence: h.evidence.clone(),
        suggestion: suggestion.map(str::to_string),
        pair: Some(pair),
        fingerprint: fingerprint(&rule.name, doc, &h),
    }
}

/// The fixture's findings before waivers: the engine's, then the constructed ones, sorted.
pub fn findings(engine: &Engine, doc: &Arc<Document>) -> Vec<Finding> {
    let other = other_rules();
    let r = |name: &str| other.iter().find(|r| r.name == name).unwrap().clone();
    let mut f = engine.findings(doc);
    use serde_json::json;
    f.push(synthetic(
        doc,
        2,
        &r("speaker_swap"),
        Severity::Major,
        "Chinese is labelled Mei Lin but English is labelled Arjun Rao",
        &[
            ("zh_speaker", json!("Mei Lin")),
            ("en_speaker", json!("Arjun Rao")),
        ],
        Some("label both sides Mei Lin"),
    ));
    f.push(synthetic(
        doc,
        3,
        &r("number_mismatch"),
        Severity::Major,
        "三十亿 (3,000,000,000) has no match in the English; 3 million has none in the Chinese",
        &[
            ("zh_numbers", json!(["三十亿 = 3000000000", "五 = 5"])),
            ("en_numbers", json!(["3 million = 3000000", "five = 5"])),
        ],
        Some("3 billion dollars"),
    ));
    f.push(synthetic(
        doc,
        6,
        &r("length_ratio"),
        Severity::Minor,
        "English is 0.31× the expected length (expected 0.62–1.71)",
        &[
            ("ratio", json!(0.31)),
            ("expected_low", json!(0.62)),
            ("expected_high", json!(1.71)),
        ],
        None,
    ));
    f.push(synthetic(
        doc,
        8,
        &r("length_ratio"),
        Severity::Minor,
        "English is 1.83× the expected length <script>alert(\"x\")</script> & 'quotes' | pipes",
        &[
            ("ratio", json!(1.83)),
            (
                "en_excerpt",
                json!("tricks like <script>alert(\"x\")</script> & 'hacks' |"),
            ),
        ],
        None,
    ));
    f.push(synthetic(
        doc,
        9,
        &r("truncated"),
        Severity::Major,
        "English starts with a lowercase fragment and stops mid-sentence",
        &[("starts_lowercase", json!(true)), ("ends_with", json!("but it is not"))],
        Some("translate the whole turn: “Hiding it helps, but it is not enough. In the end you have to trust the process, not the score.”"),
    ));
    sort_findings(&mut f);
    f
}

/// The fixture report; with `baseline`, one matching and one stale baseline entry apply.
pub fn report(baseline: bool) -> (Report, RenderOptions) {
    let engine = engine();
    let text = std::fs::read_to_string(DOC).unwrap();
    let doc = Arc::new(tqa::reader::parse(DOC, &text, None).unwrap());
    let findings = findings(&engine, &doc);
    let mut rules: Vec<RuleDef> = engine.active.iter().map(|a| a.def.clone()).collect();
    rules.extend(other_rules());
    rules.sort_by(|a, b| a.code.cmp(&b.code));
    let entries = if baseline {
        let hostile = findings
            .iter()
            .find(|f| f.rule == "length_ratio" && f.pair == Some(8))
            .unwrap();
        let mut accepted = BaselineEntry::from_finding(DOC, hostile);
        accepted.reason = "paraphrase approved in review #12".into();
        let mut stale = accepted.clone();
        stale.fingerprint = "0123456789abcdef".into();
        stale.rule = "number_mismatch".into();
        stale.code = "TQA501".into();
        stale.zh_lines = Some([40, 40]);
        stale.en_lines = Some([41, 41]);
        stale.message = "a number mismatch fixed since".into();
        stale.reason = String::new();
        vec![accepted, stale]
    } else {
        Vec::new()
    };
    let ids = RuleIds {
        all: rules
            .iter()
            .map(|r| (r.name.as_str(), r.code.as_str()))
            .collect(),
        active: rules.iter().map(|r| r.name.as_str()).collect(),
    };
    let applied = waivers::apply(&doc, findings, &entries, &ids);
    let mut d = engine.report(doc, applied.kept, applied.waived);
    d.stale_baseline = applied.stale;
    d.unused_waivers = applied.unused;
    let opts = RenderOptions {
        color: false,
        concise: false,
        rules,
    };
    (Report::single(d), opts)
}
