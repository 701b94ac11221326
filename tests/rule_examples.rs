//! Every example documented in a rule file runs as a test: an example marked `fires = true`
//! must produce a finding of that rule (whose message or evidence contains
//! `evidence_contains`), and one marked `fires = false` must produce none.

use std::sync::Arc;
use tqa::engine::{Engine, LoadOptions};

#[test]
fn documented_examples_behave_as_documented() {
    let engine = Engine::load(&LoadOptions::default()).expect("built-in rules load");
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule in &engine.all_rules {
        for (i, ex) in rule.examples.iter().enumerate() {
            checked += 1;
            let name = format!("example.{}", ex.format.as_deref().unwrap_or("md"));
            let doc = tqa::reader::parse(&name, &ex.input, None).expect("example parses");
            let report = engine.audit(Arc::new(doc));
            let hits: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.rule == rule.name)
                .collect();
            if ex.fires {
                if hits.is_empty() {
                    failures.push(format!(
                        "{} example {i}: expected a finding, got none",
                        rule.name
                    ));
                } else if let Some(want) = &ex.evidence_contains {
                    let ok = hits.iter().any(|f| {
                        f.message.contains(want.as_str())
                            || serde_json::to_string(&f.evidence)
                                .unwrap()
                                .contains(want.as_str())
                    });
                    if !ok {
                        failures.push(format!(
                            "{} example {i}: no finding mentions {want:?}: {:?}",
                            rule.name,
                            hits.iter()
                                .map(|f| (&f.message, &f.evidence))
                                .collect::<Vec<_>>()
                        ));
                    }
                }
            } else if !hits.is_empty() {
                failures.push(format!(
                    "{} example {i}: expected no finding, got {:?}",
                    rule.name,
                    hits.iter().map(|f| &f.message).collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(
        checked >= 2 * engine.all_rules.len(),
        "every rule documents a firing and a quiet example"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_a_firing_and_a_quiet_example() {
    let engine = Engine::load(&LoadOptions::default()).expect("built-in rules load");
    for rule in &engine.all_rules {
        assert!(
            rule.examples.iter().any(|e| e.fires),
            "{} has no firing example",
            rule.name
        );
        assert!(
            rule.examples.iter().any(|e| !e.fires),
            "{} has no quiet example",
            rule.name
        );
    }
}
