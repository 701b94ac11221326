//! Command-line behaviour: exit codes, output formats, bad input, stdin, report directories,
//! `tqa rules` / `tqa rule`, and identical output whatever the thread count.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::PathBuf;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cli")
        .join(name)
        .display()
        .to_string()
}

fn tqa() -> Command {
    let mut c = Command::cargo_bin("tqa").unwrap();
    c.env_remove("NO_COLOR");
    c
}

fn stdout_of(args: &[&str]) -> String {
    let out = tqa().args(args).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn json_of(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&stdout_of(args)).expect("valid JSON on stdout")
}

// ---- exit codes -------------------------------------------------------------------------

#[test]
fn audit_exits_0_even_with_findings() {
    tqa()
        .args(["audit", &fixture("missing.zh-en.md")])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("missing_translation"));
}

#[test]
fn gate_passes_a_clean_document() {
    tqa()
        .args(["gate", &fixture("clean.zh-en.md")])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("PASS"));
}

#[test]
fn gate_fails_with_the_reason() {
    tqa()
        .args(["gate", &fixture("missing.zh-en.md")])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("FAIL")
                .and(predicate::str::contains("missing_translation"))
                .and(predicate::str::contains("critical")),
        );
}

#[test]
fn gate_fails_the_run_when_one_of_several_documents_fails() {
    tqa()
        .args([
            "gate",
            &fixture("clean.zh-en.md"),
            &fixture("missing.zh-en.md"),
        ])
        .assert()
        .code(1);
}

#[test]
fn usage_errors_exit_2() {
    tqa().args(["audit"]).assert().code(2);
    tqa().args(["frobnicate"]).assert().code(2);
    tqa()
        .args(["audit", "--format", "xml", &fixture("clean.zh-en.md")])
        .assert()
        .code(2);
}

#[test]
fn unknown_rule_in_select_exits_2_naming_it() {
    tqa()
        .args([
            "audit",
            "--select",
            "no_such_rule",
            &fixture("clean.zh-en.md"),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no_such_rule"));
    tqa()
        .args(["gate", "--ignore", "TQA999", &fixture("clean.zh-en.md")])
        .assert()
        .code(2);
}

#[test]
fn select_by_name_or_code_restricts_the_rules() {
    let v = json_of(&[
        "audit",
        "--format",
        "json",
        "--select",
        "TQA101",
        &fixture("missing.zh-en.md"),
    ]);
    assert_eq!(
        v["documents"][0]["findings"][0]["rule"],
        "missing_translation"
    );
    let v = json_of(&[
        "audit",
        "--format",
        "json",
        "--ignore",
        "missing_translation",
        &fixture("missing.zh-en.md"),
    ]);
    assert!(
        v["documents"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] != "missing_translation")
    );
}

#[test]
fn bad_settings_file_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("tqa.toml");
    std::fs::write(&cfg, "[gate]\nmin_score = 90\nbogus_key = 1\n").unwrap();
    let shown = format!("{}:3:", cfg.display());
    tqa()
        .args([
            "audit",
            "--config",
            cfg.to_str().unwrap(),
            &fixture("clean.zh-en.md"),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(shown).and(predicate::str::contains("bogus_key")));
}

#[test]
fn unknown_rule_key_in_settings_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("tqa.toml");
    std::fs::write(&cfg, "# mine\n[rules.lenght_ratio]\nseverity = \"minor\"\n").unwrap();
    tqa()
        .args([
            "audit",
            "--config",
            cfg.to_str().unwrap(),
            &fixture("clean.zh-en.md"),
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains(format!("{}:2:", cfg.display()))
                .and(predicate::str::contains("lenght_ratio")),
        );
}

/// The rule files, the settings file and the resources load concurrently; the error reported
/// is still the first in load order: a rule file's before the settings file's, the settings
/// file's before a missing glossary's, the glossary's before the lexicon's.
#[test]
fn configuration_errors_are_reported_in_load_order() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(
        rules.join("bad.toml"),
        "name = \"Bad Name\"\ncode = \"TQA999\"\ncheck = \"length_ratio\"\nseverity = \"minor\"\nmqm = \"x\"\nsummary = \"s\"\nmessage = \"m\"\ndocs = \"d\"\n",
    )
    .unwrap();
    let syntax = dir.path().join("syntax.toml");
    std::fs::write(&syntax, "x = [\n").unwrap();
    let unknown = dir.path().join("unknown.toml");
    std::fs::write(&unknown, "[rules.nonexistent]\nenabled = false\n").unwrap();
    let missing = dir.path().join("missing");
    let both = dir.path().join("both.toml");
    std::fs::write(
        &both,
        format!(
            "[resources]\nglossary = \"{0}/g.toml\"\nlexicon = \"{0}/lex.gz\"\n",
            missing.display()
        ),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["audit"];
        all.extend_from_slice(args);
        let doc = fixture("clean.zh-en.md");
        all.push(&doc);
        let out = tqa().args(&all).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let (r, s, u, b) = (
        rules.to_str().unwrap(),
        syntax.to_str().unwrap(),
        unknown.to_str().unwrap(),
        both.to_str().unwrap(),
    );
    for cfg in [s, u, b] {
        let e = run(&["--rules", r, "--config", cfg]);
        assert!(e.contains("bad.toml:1: rule name `Bad Name`"), "{e}");
    }
    let e = run(&["--config", s]);
    assert!(e.contains("syntax.toml:1:"), "{e}");
    let e = run(&["--config", u]);
    assert!(e.contains("no rule named `nonexistent`"), "{e}");
    let e = run(&["--config", b]);
    assert!(e.contains("g.toml: cannot read glossary"), "{e}");
    let e = run(&["--config", b, "--select", "nosuch"]);
    assert!(e.contains("`nosuch` names no rule"), "{e}");
}

#[test]
fn unknown_parameter_in_a_rule_override_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("tqa.toml");
    std::fs::write(
        &cfg,
        "[rules.missing_translation]\nparams = { min_charz = 3 }\n",
    )
    .unwrap();
    tqa()
        .args([
            "audit",
            "--config",
            cfg.to_str().unwrap(),
            &fixture("clean.zh-en.md"),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("min_charz"));
}

// ---- formats ----------------------------------------------------------------------------

#[test]
fn terminal_output_has_no_colour_when_piped_or_with_no_color() {
    let out = stdout_of(&["audit", &fixture("missing.zh-en.md")]);
    assert!(
        out.contains("missing_translation") && !out.contains('\u{1b}'),
        "{out}"
    );
    let out = tqa()
        .env("NO_COLOR", "1")
        .args(["audit", &fixture("missing.zh-en.md")])
        .output()
        .unwrap();
    assert!(!String::from_utf8(out.stdout).unwrap().contains('\u{1b}'));
}

#[test]
fn terminal_output_shows_lines_evidence_suggestion_and_score() {
    let out = stdout_of(&["audit", &fixture("missing.zh-en.md")]);
    assert!(out.contains("TQA101"), "{out}");
    assert!(out.contains("missing.zh-en.md:1"), "{out}");
    assert!(out.contains("欢迎来到节目"), "source line shown: {out}");
    assert!(out.contains("suggestion"), "{out}");
    assert!(out.contains("score"), "{out}");
}

#[test]
fn json_has_the_documented_shape() {
    let v = json_of(&["audit", "--format", "json", &fixture("missing.zh-en.md")]);
    assert_eq!(v["schema_version"], 1);
    let d = &v["documents"][0];
    assert!(d["path"].as_str().unwrap().ends_with("missing.zh-en.md"));
    assert!(d["score"].is_number());
    assert_eq!(d["pairs"], 2);
    let f = d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "missing_translation")
        .expect("finding");
    assert_eq!(f["code"], "TQA101");
    assert_eq!(f["severity"], "critical");
    assert_eq!(f["zh_lines"], serde_json::json!([1, 1]));
    assert_eq!(f["en_lines"], serde_json::Value::Null);
    assert!(f["message"].as_str().unwrap().contains("English"));
    assert_eq!(f["evidence"]["present"], "Chinese");
    assert!(f["suggestion"].as_str().unwrap().contains("line 1"));
    for d in v["documents"].as_array().unwrap() {
        for f in d["findings"].as_array().unwrap() {
            for key in [
                "rule", "code", "severity", "zh_lines", "en_lines", "message", "evidence",
            ] {
                assert!(f.get(key).is_some(), "{key} missing in {f}");
            }
            for key in ["zh_lines", "en_lines"] {
                let r = &f[key];
                assert!(
                    r.is_null()
                        || (r.as_array().unwrap().len() == 2 && r[0].as_u64() <= r[1].as_u64()),
                    "{key}: {r}"
                );
            }
        }
    }
}

#[test]
fn clean_document_scores_100_in_json() {
    let v = json_of(&["audit", "--format", "json", &fixture("clean.zh-en.md")]);
    let d = &v["documents"][0];
    assert_eq!(d["pairs"], 4);
    assert_eq!(d["score"], 100.0, "{d}");
}

// ---- bad input --------------------------------------------------------------------------

#[test]
fn bad_inputs_get_one_line_errors_and_the_rest_is_still_audited() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).display().to_string();
    std::fs::write(p("empty.md"), "").unwrap();
    std::fs::write(p("binary.md"), b"**A:** x\n\0\x01\x02").unwrap();
    std::fs::write(
        p("latin1.md"),
        b"**A:** \xe4\xbd\xa0\xe5\xa5\xbd\n**A:** caf\xe9\n",
    )
    .unwrap();
    std::fs::create_dir(p("adir")).unwrap();
    let good = fixture("missing.zh-en.md");
    let out = tqa()
        .args([
            "audit",
            "--format",
            "json",
            &p("nosuch.md"),
            &p("adir"),
            &p("empty.md"),
            &good,
            &p("binary.md"),
            &p("latin1.md"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = err.lines().collect();
    let line_for = |name: &str| {
        lines
            .iter()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("no error for {name}: {err}"))
            .to_string()
    };
    assert!(line_for("nosuch.md").contains("no such file"));
    assert!(line_for("adir").contains("directory"));
    assert!(line_for("empty.md").contains("empty"));
    let b = line_for("binary.md");
    assert!(b.contains("binary.md:2") && b.contains("byte"), "{b}");
    let l = line_for("latin1.md");
    assert!(
        l.contains("latin1.md:2") && l.contains("UTF-8") && l.contains("byte"),
        "{l}"
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("error:")).count(),
        5,
        "one line per bad file: {err}"
    );
    // The good document is still audited, in the same run.
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 1);
    assert!(
        docs[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("missing.zh-en.md")
    );
    assert!(!docs[0]["findings"].as_array().unwrap().is_empty());
}

#[test]
fn bad_input_in_gate_is_2_not_1() {
    tqa()
        .args([
            "gate",
            "/definitely/not/here.md",
            &fixture("missing.zh-en.md"),
        ])
        .assert()
        .code(2);
}

#[test]
fn terminal_run_still_reports_good_documents_next_to_bad_ones() {
    tqa()
        .args([
            "audit",
            "/definitely/not/here.md",
            &fixture("missing.zh-en.md"),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/definitely/not/here.md"))
        .stdout(predicate::str::contains("missing_translation"));
}

// ---- stdin, output directory ------------------------------------------------------------

#[test]
fn dash_reads_stdin() {
    let text = std::fs::read_to_string(fixture("missing.zh-en.md")).unwrap();
    let out = tqa()
        .args(["audit", "--format", "json", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["documents"][0]["path"], "<stdin>");
    assert_eq!(
        v["documents"][0]["findings"][0]["rule"],
        "missing_translation"
    );
    tqa()
        .args(["gate", "-"])
        .write_stdin(std::fs::read_to_string(fixture("clean.zh-en.md")).unwrap())
        .assert()
        .code(0);
}

#[test]
fn output_dir_gets_one_report_per_document() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    tqa()
        .args([
            "audit",
            "--format",
            "json",
            "--output",
            out.to_str().unwrap(),
            &fixture("clean.zh-en.md"),
            &fixture("missing.zh-en.md"),
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::is_empty());
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["clean.zh-en.md.json", "missing.zh-en.md.json"]);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("missing.zh-en.md.json")).unwrap())
            .unwrap();
    assert_eq!(v["documents"].as_array().unwrap().len(), 1);
    assert_eq!(
        v["documents"][0]["findings"][0]["rule"],
        "missing_translation"
    );
}

// ---- rules ------------------------------------------------------------------------------

#[test]
fn rules_lists_every_rule_with_code() {
    let out = stdout_of(&["rules"]);
    for (code, name) in [
        ("TQA101", "missing_translation"),
        ("TQA901", "skipped_text"),
    ] {
        assert!(
            out.lines().any(|l| l.contains(code) && l.contains(name)),
            "{out}"
        );
    }
    let v: serde_json::Value = serde_json::from_str(&stdout_of(&["rules", "--json"])).unwrap();
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "missing_translation" && r["code"] == "TQA101")
    );
}

#[test]
fn rule_explains_with_example_false_positives_and_score_formula() {
    for key in ["missing_translation", "TQA101"] {
        let out = stdout_of(&["rule", key]);
        assert!(out.contains("missing_translation"), "{out}");
        assert!(out.contains("Example"), "{out}");
        assert!(out.to_lowercase().contains("false positive"), "{out}");
        assert!(
            out.contains("100 × (1 − penalty / words)"),
            "score formula: {out}"
        );
    }
    tqa()
        .args(["rule", "no_such_rule"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no_such_rule"));
}

// ---- determinism ------------------------------------------------------------------------

#[test]
fn same_output_with_one_or_two_jobs() {
    let files = [
        fixture("clean.zh-en.md"),
        fixture("missing.zh-en.md"),
        fixture("clean.zh-en.md"),
    ];
    for format in ["json", "terminal"] {
        let mut a = vec!["audit", "--format", format, "--jobs", "1"];
        a.extend(files.iter().map(String::as_str));
        let mut b = vec!["audit", "--format", format, "--jobs", "2"];
        b.extend(files.iter().map(String::as_str));
        assert_eq!(stdout_of(&a), stdout_of(&b), "{format}");
    }
}
