//! `misaligned` (TQA601): fixtures in the transcript layout, plus the real transcript and the
//! CC-CEDICT lexicon when ../shared is present (skipped cleanly otherwise).

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn audit(path: &str, extra: &[&str]) -> Vec<Value> {
    let out = Command::cargo_bin("tqa")
        .unwrap()
        .args(["audit", path, "--select", "TQA601", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("json report");
    v["documents"][0]["findings"].as_array().unwrap().clone()
}

fn at(findings: &[Value], zh_start: u64) -> Option<&Value> {
    findings.iter().find(|f| f["zh_lines"][0] == zh_start)
}

const SHARED: &str = "../shared";

fn shared(rel: &str) -> Option<String> {
    let p = Path::new(SHARED).join(rel);
    p.exists().then(|| p.display().to_string())
}

#[test]
fn swapped_english_names_both_places() {
    let f = audit("tests/fixtures/misaligned/swap.md", &[]);
    assert_eq!(f.len(), 2, "only the two swapped pairs: {f:#?}");
    let a = at(&f, 5).expect("pair at line 5");
    assert_eq!(
        a["evidence"]["matches_zh_lines"],
        serde_json::json!([11, 11])
    );
    assert_eq!(a["evidence"]["own_en_lines"], serde_json::json!([12, 12]));
    assert_eq!(a["severity"], "critical");
    assert!(a["message"].as_str().unwrap().contains("line 11"));
    let b = at(&f, 11).expect("pair at line 11");
    assert_eq!(b["evidence"]["matches_zh_lines"], serde_json::json!([5, 5]));
    assert_eq!(b["evidence"]["own_en_lines"], serde_json::json!([6, 6]));
}

#[test]
fn the_same_document_correctly_paired_is_quiet() {
    assert!(audit("tests/fixtures/misaligned/clean.md", &[]).is_empty());
}

#[test]
fn a_boundary_shift_is_explained_sentence_by_sentence() {
    let f = audit("tests/fixtures/misaligned/boundary.md", &[]);
    let a = at(&f, 9).expect("the pair whose English runs on");
    let out = a["evidence"]["moved_out"].as_array().unwrap();
    assert_eq!(out.len(), 1, "{out:?}");
    assert!(
        out[0]["sentence"]
            .as_str()
            .unwrap()
            .starts_with("We run MMLU")
    );
    assert_eq!(out[0]["translates_zh_lines"], serde_json::json!([11, 11]));
    let b = at(&f, 11).expect("the pair whose English starts elsewhere");
    let inn = b["evidence"]["moved_in"].as_array().unwrap();
    assert_eq!(inn[0]["en_line"], 10);
    assert!(b["message"].as_str().unwrap().contains("lines 10 and 12"));
    assert_eq!(f.len(), 2, "clean pairs stay quiet: {f:#?}");
}

/// The real transcript: the displaced region is flagged with the true English's place, the
/// boundary shift at 103-109 explained, the clean opening quiet.
fn check_transcript(extra: &[&str]) {
    let Some(path) = shared("corpus/ai-interview.zh-en.md") else {
        eprintln!("skipped: ../shared absent");
        return;
    };
    let f = audit(&path, extra);
    assert!(
        f.iter().all(|x| x["zh_lines"][0].as_u64().unwrap() >= 100),
        "the first 100 lines are clean"
    );
    let p215 = at(&f, 215).expect("215 flagged");
    assert_eq!(
        p215["evidence"]["matches_zh_lines"],
        serde_json::json!([315, 316])
    );
    assert_eq!(
        p215["evidence"]["own_en_lines"],
        serde_json::json!([209, 209])
    );
    let p218 = at(&f, 218).expect("218 flagged");
    assert_eq!(
        p218["evidence"]["matches_zh_lines"],
        serde_json::json!([318, 318])
    );
    let p103 = at(&f, 103).expect("103 flagged");
    assert_eq!(p103["evidence"]["moved_out"].as_array().unwrap().len(), 3);
    assert_eq!(
        p103["evidence"]["matches_zh_lines"],
        serde_json::json!([105, 108])
    );
    assert!(at(&f, 105).is_some());
    // Every pair whose English slot sits in the displaced region 215-295 is flagged.
    for zh in [
        215, 218, 220, 226, 231, 235, 252, 257, 259, 263, 265, 272, 275, 284, 287, 294,
    ] {
        assert!(at(&f, zh).is_some(), "pair at {zh} flagged");
    }
}

#[test]
fn real_transcript_without_lexicon() {
    check_transcript(&[]);
}

#[test]
fn real_transcript_with_lexicon() {
    let Some(lex) = shared("data/lexicon/cedict_1_0_ts_utf-8_mdbg.txt.gz") else {
        eprintln!("skipped: ../shared absent");
        return;
    };
    check_transcript(&["--lexicon", &lex]);
}

#[test]
fn a_file_that_is_not_a_lexicon_is_an_error_naming_it() {
    let out = Command::cargo_bin("tqa")
        .unwrap()
        .args([
            "audit",
            "tests/fixtures/misaligned/clean.md",
            "--lexicon",
            "tests/fixtures/misaligned/clean.md",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("clean.md") && err.contains("lexicon"), "{err}");
}
