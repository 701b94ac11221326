//! `tqa realign FILE -o OUT`: re-pairs a transcript, deletes nothing, and the repaired file
//! audits better than the original.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn score(path: &Path, extra: &[&str]) -> f64 {
    let out = Command::cargo_bin("tqa")
        .unwrap()
        .args(["audit", path.to_str().unwrap(), "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("json report");
    v["documents"][0]["score"].as_f64().unwrap()
}

fn realign(input: &Path, out: &Path, extra: &[&str]) -> String {
    let o = Command::cargo_bin("tqa")
        .unwrap()
        .args([
            "realign",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// Every English sentence of `a` is somewhere in `b` (nothing deleted).
fn assert_nothing_deleted(a: &str, b: &str) {
    let doc = tqa::reader::parse("in.md", a, None).unwrap();
    for p in &doc.pairs {
        if let Some(e) = &p.en {
            for s in tqa::text::sentences::split(&e.text, tqa::model::Lang::En) {
                assert!(b.contains(s.text), "lost: {:?}", s.text);
            }
        }
    }
}

#[test]
fn swapped_english_is_moved_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.md");
    let input = Path::new("tests/fixtures/misaligned/swap.md");
    let summary = realign(input, &out, &[]);
    assert!(
        summary.contains("Chinese at lines 5: English now 1 sentence(s), moved here from lines 12"),
        "{summary}"
    );
    let fixed = std::fs::read_to_string(&out).unwrap();
    let doc = tqa::reader::parse("fixed.md", &fixed, None).unwrap();
    let clean = std::fs::read_to_string("tests/fixtures/misaligned/clean.md").unwrap();
    let want = tqa::reader::parse("clean.md", &clean, None).unwrap();
    assert_eq!(doc.pairs.len(), want.pairs.len());
    for (a, b) in doc.pairs.iter().zip(&want.pairs) {
        assert_eq!(a.zh_text(), b.zh_text());
        assert_eq!(a.en_text(), b.en_text(), "English of {:?}", a.zh_text());
    }
    assert_nothing_deleted(&std::fs::read_to_string(input).unwrap(), &fixed);
    assert!(score(&out, &[]) > score(input, &[]));
}

#[test]
fn boundary_shift_is_repaired_sentence_by_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.md");
    let input = Path::new("tests/fixtures/misaligned/boundary.md");
    realign(input, &out, &[]);
    let fixed = std::fs::read_to_string(&out).unwrap();
    let doc = tqa::reader::parse("fixed.md", &fixed, None).unwrap();
    let p = doc
        .pairs
        .iter()
        .find(|p| p.zh_text().starts_with("我们在每个 checkpoint"))
        .unwrap();
    assert!(p.en_text().starts_with("We run MMLU"), "{}", p.en_text());
    assert!(p.en_text().ends_with("the scores all go into Grafana."));
    assert_nothing_deleted(&std::fs::read_to_string(input).unwrap(), &fixed);
    assert!(score(&out, &[]) > score(input, &[]));
}

#[test]
fn real_transcript_repaired_scores_higher() {
    let input = Path::new("../shared/corpus/ai-interview.zh-en.md");
    let lex = "../shared/data/lexicon/cedict_1_0_ts_utf-8_mdbg.txt.gz";
    if !input.exists() || !Path::new(lex).exists() {
        eprintln!("skipped: ../shared absent");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.md");
    for extra in [&[][..], &["--lexicon", lex][..]] {
        let summary = realign(input, &out, extra);
        assert!(
            summary.contains("Chinese at lines 215: English now"),
            "{summary}"
        );
        let fixed = std::fs::read_to_string(&out).unwrap();
        assert!(fixed.contains("<!-- tqa: unplaced English block, originally lines 216-217"));
        assert_nothing_deleted(&std::fs::read_to_string(input).unwrap(), &fixed);
        let (before, after) = (score(input, extra), score(&out, extra));
        assert!(after > before, "{after} > {before}");
    }
}

#[test]
fn unreadable_input_is_an_error_naming_the_file() {
    let o = Command::cargo_bin("tqa")
        .unwrap()
        .args(["realign", "no/such/file.md", "-o", "/tmp/x.md"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no/such/file.md"));
}
