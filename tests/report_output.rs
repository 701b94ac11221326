//! `--output DIR`: one report per document and format, written atomically inside DIR only.

use std::path::Path;
use std::process::{Command, Output};

const DOC: &str = "tests/fixtures/reports/review.md";
const RULES: &str = "tests/fixtures/reports/rules";

fn tqa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tqa"))
        .args(args)
        .output()
        .unwrap()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn one_report_per_document_and_format() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    let other = dir.path().join("other.md");
    std::fs::copy(DOC, &other).unwrap();
    for format in [
        "terminal", "json", "html", "sarif", "junit", "github", "markdown",
    ] {
        let o = tqa(&[
            "audit",
            "--rules",
            RULES,
            "--format",
            format,
            "-o",
            out.to_str().unwrap(),
            DOC,
            other.to_str().unwrap(),
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{format}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(o.stdout.is_empty(), "reports go to files, not stdout");
    }
    assert_eq!(
        names(&out),
        [
            "other.md.github.txt",
            "other.md.html",
            "other.md.json",
            "other.md.junit.xml",
            "other.md.md",
            "other.md.sarif",
            "other.md.txt",
            "review.md.github.txt",
            "review.md.html",
            "review.md.json",
            "review.md.junit.xml",
            "review.md.md",
            "review.md.sarif",
            "review.md.txt",
        ]
    );
    // Each holds its own document only.
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("other.md.json")).unwrap()).unwrap();
    assert_eq!(v["documents"].as_array().unwrap().len(), 1);
    assert!(
        v["documents"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with("other.md")
    );
}

#[test]
fn names_are_sanitised_and_stay_inside_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("in/deep");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::copy(DOC, sub.join(".hidden:x.md")).unwrap();
    std::fs::copy(DOC, dir.path().join("in/review.md")).unwrap();
    let out = dir.path().join("out");
    // Two documents with one file name, one hidden with a colon, one reached through `..`.
    let o = Command::new(env!("CARGO_BIN_EXE_tqa"))
        .current_dir(&sub)
        .args([
            "audit",
            "--format",
            "json",
            "-o",
            "../../out",
            ".hidden:x.md",
            "../review.md",
            "../deep/../review.md",
        ])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        names(&out),
        ["_hidden_x.md.json", "review.md-2.json", "review.md.json"]
    );
    assert_eq!(
        names(dir.path()),
        ["in", "out"],
        "nothing written beside the output directory"
    );
    assert_eq!(names(&sub), [".hidden:x.md"]);
}

#[test]
fn existing_reports_are_replaced_whole() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("review.md.html");
    std::fs::write(&target, "OLD REPORT").unwrap();
    let o = tqa(&[
        "audit",
        "--rules",
        RULES,
        "--format",
        "html",
        "-o",
        dir.path().to_str().unwrap(),
        DOC,
    ]);
    assert_eq!(o.status.code(), Some(0));
    let html = std::fs::read_to_string(&target).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    assert_eq!(
        names(dir.path()),
        ["review.md.html"],
        "no temporary file left behind"
    );
}

#[test]
fn a_failed_write_is_an_error_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    // The target name is taken by a non-empty directory: the rename fails.
    let blocker = dir.path().join("review.md.json");
    std::fs::create_dir(&blocker).unwrap();
    std::fs::write(blocker.join("keep"), "x").unwrap();
    let o = tqa(&[
        "audit",
        "--rules",
        RULES,
        "--format",
        "json",
        "-o",
        dir.path().to_str().unwrap(),
        DOC,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("review.md.json: cannot write"));
    assert_eq!(names(dir.path()), ["review.md.json"]);
    assert_eq!(names(&blocker), ["keep"]);
}
