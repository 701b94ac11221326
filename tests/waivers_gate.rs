//! Gate policy, waivers and exit codes through the command line, on the report fixture with
//! the hermetic rules (`tests/fixtures/reports/rules`: fail on major, minimum score 95).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const DOC: &str = "tests/fixtures/reports/review.md";
const RULES: &str = "tests/fixtures/reports/rules";

fn tqa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tqa"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn gate(extra: &[&str]) -> Output {
    let mut a = vec!["gate", "--rules", RULES];
    a.extend_from_slice(extra);
    tqa(&a)
}

/// A copy of the fixture in a temp dir, edited by `f`.
fn edited(dir: &Path, name: &str, f: impl Fn(&str) -> String) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, f(&std::fs::read_to_string(DOC).unwrap())).unwrap();
    p
}

#[test]
fn the_gate_says_exactly_why_a_document_failed() {
    let o = gate(&[DOC]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains(&format!("FAIL {DOC}: score 86.3/100")), "{t}");
    assert!(
        t.contains(
            "score 86.3 is under the minimum 95.0: penalty 25 (1 critical × 25) over 183 words"
        ),
        "{t}"
    );
    assert!(
        t.contains("1 finding(s) at or above `major`: missing_translation ×1 (critical)"),
        "{t}"
    );
}

#[test]
fn min_score_and_fail_on_flags_override_the_settings() {
    // Score 86.3: passes a minimum of 80, still fails on the critical finding...
    let o = gate(&["--min-score", "80", DOC]);
    assert_eq!(o.status.code(), Some(1));
    let t = text(&o);
    assert!(!t.contains("under the minimum"), "{t}");
    assert!(t.contains("at or above `major`"), "{t}");
    // ...and on `--fail-on critical` too (critical is at or above critical)...
    let o = gate(&["--min-score", "80", "--fail-on", "critical", DOC]);
    assert_eq!(o.status.code(), Some(1));
    // ...but passes once that rule is ignored.
    let o = gate(&["--min-score", "80", "--ignore", "missing_translation", DOC]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains(&format!("PASS {DOC}: score 100.0/100")));
    // A minimum above the score fails even without blocking findings.
    let o = gate(&[
        "--min-score",
        "99",
        "--fail-on",
        "critical",
        "--severity",
        "missing_translation=major",
        DOC,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains(
            "score 97.3 is under the minimum 99.0: penalty 5 (1 major × 5) over 183 words"
        ),
        "{}",
        text(&o)
    );
}

#[test]
fn per_rule_severity_overrides_from_flags_and_settings() {
    // Flag: missing_translation becomes minor, under fail_on = major; penalty 1 → 99.5.
    let o = gate(&["--severity", "missing_translation=minor", DOC]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("score 99.5/100"));
    // The same in a settings file.
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("tqa.toml");
    std::fs::write(&cfg, "[rules.missing_translation]\nseverity = \"minor\"\n").unwrap();
    let o = gate(&["--config", cfg.to_str().unwrap(), DOC]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // The flag wins over the settings file.
    let o = gate(&[
        "--config",
        cfg.to_str().unwrap(),
        "--severity",
        "missing_translation=critical",
        DOC,
    ]);
    assert_eq!(o.status.code(), Some(1));
    // Bad overrides are usage errors.
    let o = gate(&["--severity", "missing_translation=huge", DOC]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("`huge` is not a severity"));
    let o = gate(&["--severity", "no_such_rule=minor", DOC]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("no rule named `no_such_rule`"));
}

#[test]
fn an_inline_waiver_keeps_a_finding_out_of_the_score_and_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let p = edited(dir.path(), "waived.md", |t| {
        t.replace(
            "**Mei Lin:** 那评估应该怎么改?",
            "<!-- tqa-waive TQA101: the question was answered off-mic -->\n**Mei Lin:** 那评估应该怎么改?",
        )
    });
    let o = gate(&[p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("score 100.0/100"), "{t}");
    assert!(
        t.contains("waived: missing_translation [TQA101] critical at zh 13 waived (inline): the question was answered off-mic"),
        "the gate lists the waiver it used: {t}"
    );
    // The JSON report carries it too, with the finding.
    let o = tqa(&[
        "audit",
        "--rules",
        RULES,
        "--format",
        "json",
        p.to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = &v["documents"][0];
    assert_eq!(d["waived"][0]["by"], "inline");
    assert_eq!(d["waived"][0]["finding"]["rule"], "missing_translation");
    assert!(
        d["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] != "missing_translation")
    );
}

#[test]
fn a_marker_that_waives_nothing_is_reported() {
    let o = tqa(&["audit", "--rules", RULES, "--format", "json", DOC]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let unused = v["documents"][0]["unused_waivers"].as_array().unwrap();
    // Both markers in the fixture name rules these hermetic settings do not know.
    assert_eq!(unused.len(), 2, "{unused:?}");
    assert_eq!(unused[0]["line"], 15);
    assert!(
        unused[0]["why"]
            .as_str()
            .unwrap()
            .contains("no rule named `length_ratio`")
    );
    // A known rule with nothing to waive on the next pair.
    let dir = tempfile::tempdir().unwrap();
    let p = edited(dir.path(), "unused.md", |t| {
        t.replace(
            "**Arjun Rao:** 谢谢邀请。",
            "<!-- tqa-waive missing_translation: nothing to waive here -->\n**Arjun Rao:** 谢谢邀请。",
        )
    });
    let o = tqa(&["audit", "--rules", RULES, p.to_str().unwrap()]);
    let t = text(&o);
    assert!(
        t.contains(":5: tqa-waive missing_translation waives nothing: no `missing_translation` finding (left to waive) on the pair at line 6"),
        "{t}"
    );
}

#[test]
fn a_baseline_hides_recorded_findings_and_survives_a_line_shift() {
    let dir = tempfile::tempdir().unwrap();
    let doc = edited(dir.path(), "review.md", |t| t.to_string());
    let base = dir.path().join("ci/tqa-baseline.json");
    let o = tqa(&[
        "baseline",
        "--rules",
        RULES,
        doc.to_str().unwrap(),
        "-o",
        base.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("wrote 2 baseline entries for 1 document(s)"));
    let b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&base).unwrap()).unwrap();
    assert_eq!(b["tqa_baseline"], 1);
    let rules: Vec<&str> = b["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["skipped_text", "missing_translation"]);

    let gate_json = |p: &Path| {
        let o = tqa(&[
            "gate",
            "--rules",
            RULES,
            "--baseline",
            base.to_str().unwrap(),
            "--format",
            "json",
            p.to_str().unwrap(),
        ]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        (o.status.code(), v["documents"][0].clone())
    };
    let (code, d) = gate_json(&doc);
    assert_eq!(code, Some(0), "{d}");
    assert_eq!(d["waived"].as_array().unwrap().len(), 2);
    assert_eq!(d["waived"][1]["by"], "baseline");
    assert_eq!(d["stale_baseline"].as_array().unwrap().len(), 0);

    // Shift every line down by three: the entries still match (fingerprints ignore lines).
    let shifted = edited(dir.path(), "review.md", |t| format!("\n\n\n{t}"));
    let (code, d) = gate_json(&shifted);
    assert_eq!(code, Some(0), "{d}");
    assert_eq!(d["findings"].as_array().unwrap().len(), 0);
    assert_eq!(
        d["waived"][1]["finding"]["zh_lines"],
        serde_json::json!([15, 15])
    );
    assert_eq!(d["stale_baseline"].as_array().unwrap().len(), 0);

    // Edit the accepted pair's text: its entry goes stale and the finding is back.
    let changed = edited(dir.path(), "review.md", |t| {
        t.replace("那评估应该怎么改?", "那评估到底应该怎么改?")
    });
    let (code, d) = gate_json(&changed);
    assert_eq!(code, Some(1));
    assert_eq!(d["findings"][0]["rule"], "missing_translation");
    assert_eq!(d["stale_baseline"][0]["rule"], "missing_translation");
    let o = tqa(&[
        "gate",
        "--rules",
        RULES,
        "--baseline",
        base.to_str().unwrap(),
        changed.to_str().unwrap(),
    ]);
    assert!(text(&o).contains("stale: baseline entry"), "{}", text(&o));
}

#[test]
fn stale_baseline_entries_are_reported_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("b.json");
    std::fs::write(
        &base,
        format!(r#"{{"tqa_baseline": 1, "entries": [{{"fingerprint": "feedfacefeedface", "rule": "missing_translation", "path": "{DOC}", "zh_lines": [3, 3], "message": "gone"}}]}}"#),
    )
    .unwrap();
    for format in [
        "terminal", "json", "html", "sarif", "junit", "github", "markdown",
    ] {
        let o = tqa(&[
            "audit",
            "--rules",
            RULES,
            "--baseline",
            base.to_str().unwrap(),
            "--format",
            format,
            DOC,
        ]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", text(&o));
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("feedfacefeedface"),
            "{format} does not report the stale entry"
        );
    }
}

#[test]
fn exit_codes() {
    assert_eq!(
        tqa(&["audit", "--rules", RULES, DOC]).status.code(),
        Some(0),
        "audit reports, it does not gate"
    );
    assert_eq!(gate(&[DOC]).status.code(), Some(1));
    assert_eq!(
        gate(&[
            "--fail-on",
            "critical",
            "--min-score",
            "0",
            "--ignore",
            "TQA101",
            DOC
        ])
        .status
        .code(),
        Some(0)
    );
    let o = gate(&["no/such/file.md"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("no/such/file.md: no such file"));
    // A bad baseline is a usage error naming the file and line.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\n  \"tqa_baseline\": 1,\n  \"entries\": [1]\n}\n").unwrap();
    let o = gate(&["--baseline", bad.to_str().unwrap(), DOC]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains(&format!("{}:3: not a tqa baseline file", bad.display())),
        "{}",
        text(&o)
    );
    let o = gate(&["--baseline", "no/such/baseline.json", DOC]);
    assert_eq!(o.status.code(), Some(2));
    // `tqa baseline` with an unreadable input writes nothing.
    let out = dir.path().join("b.json");
    let o = tqa(&["baseline", DOC, "missing.md", "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists());
    assert!(text(&o).contains("baseline not written"));
}
