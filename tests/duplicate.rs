//! `duplicate` (TQA602): the same English under two different Chinese blocks names both
//! places; stock replies that legitimately repeat stay quiet.

use assert_cmd::Command;
use serde_json::{Value, json};

fn audit(path: &str) -> Vec<Value> {
    let out = Command::cargo_bin("tqa")
        .unwrap()
        .args(["audit", path, "--select", "duplicate", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("json report");
    v["documents"][0]["findings"].as_array().unwrap().clone()
}

#[test]
fn repeated_english_under_other_chinese_names_both_places() {
    let f = audit("tests/fixtures/duplicate/repeat.md");
    assert_eq!(
        f.len(),
        1,
        "only the pasted copy; 是的/Yeah twice is quiet: {f:#?}"
    );
    let d = &f[0];
    // Reported on the copy that does not fit its Chinese (line 9-10), naming the original.
    assert_eq!(d["zh_lines"], json!([9, 9]));
    assert_eq!(d["evidence"]["other_en_lines"], json!([6, 6]));
    assert_eq!(d["evidence"]["other_zh_lines"], json!([5, 5]));
    assert_eq!(d["evidence"]["similarity"], 1.0);
    assert_eq!(d["severity"], "major");
    assert!(d["message"].as_str().unwrap().contains("line 6"));
}

#[test]
fn a_clean_document_has_no_duplicates() {
    assert!(audit("tests/fixtures/misaligned/clean.md").is_empty());
}
