//! `tqa audit --stream`: one JSON line per pair in input order plus a summary line, the same
//! bytes at any thread count, bounded chunks, errors naming the line.

use assert_cmd::Command;

/// A JSONL corpus: `n` pairs, every 7th without English, a blank line every 10th line.
fn corpus(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        if i % 10 == 9 {
            s.push('\n');
        }
        if i % 7 == 3 {
            s.push_str(&format!("{{\"id\":\"p{i}\",\"zh\":\"第{i}句话。\"}}\n"));
        } else {
            s.push_str(&format!(
                "{{\"id\":\"p{i}\",\"zh\":\"这是第{i}句话。\",\"en\":\"This is sentence {i}.\"}}\n"
            ));
        }
    }
    s
}

fn stream(args: &[&str], input: &str, env: &[(&str, &str)]) -> (i32, String, String) {
    let mut c = Command::cargo_bin("tqa").unwrap();
    c.arg("audit")
        .arg("--stream")
        .args(args)
        .write_stdin(input.to_string());
    c.env_remove("RAYON_NUM_THREADS");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn lines(out: &str) -> Vec<serde_json::Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn one_line_per_pair_in_order_then_a_summary() {
    let input = corpus(50);
    let (code, out, err) = stream(&["--chunk", "8", "-"], &input, &[]);
    assert_eq!(code, 0, "{err}");
    let v = lines(&out);
    let pairs: Vec<&serde_json::Value> = v.iter().filter(|l| l["type"] == "pair").collect();
    assert_eq!(pairs.len(), 50);
    for (i, p) in pairs.iter().enumerate() {
        assert_eq!(p["index"], i);
        assert_eq!(p["id"], format!("p{i}"));
        // Input line: one pair per line plus the blank lines before it.
        assert_eq!(p["line"], i + 1 + (i + 1) / 10, "pair {i}");
        let missing =
            p["findings"].as_array().unwrap().iter().any(|f| {
                f["rule"] == "missing_translation" && f["evidence"]["absent"] == "English"
            });
        assert_eq!(missing, i % 7 == 3, "pair {i}: {p}");
    }
    let summary = v.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["pairs"], 50);
    assert_eq!(summary["counts"]["missing_translation"], 7);
    assert_eq!(summary["chunk"], 8);
}

#[test]
fn output_bytes_do_not_depend_on_threads() {
    let input = corpus(300);
    let (_, base, _) = stream(&["--chunk", "16"], &input, &[("RAYON_NUM_THREADS", "1")]);
    let (_, dflt, _) = stream(&["--chunk", "16"], &input, &[]);
    let (_, j1, _) = stream(&["--chunk", "16", "--jobs", "1"], &input, &[]);
    let (_, j2, _) = stream(&["--chunk", "16", "--jobs", "2"], &input, &[]);
    let (_, j4, _) = stream(&["--chunk", "16", "--jobs", "4"], &input, &[]);
    assert!(base.lines().count() > 300);
    assert_eq!(base, dflt, "RAYON_NUM_THREADS=1 vs default");
    assert_eq!(j1, j2, "--jobs 1 vs --jobs 2");
    assert_eq!(j1, j4);
    assert_eq!(base, j1);
}

#[test]
fn file_and_stdin_agree_and_tsv_headers_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("c.jsonl");
    std::fs::write(&f, corpus(20)).unwrap();
    let (_, from_file, _) = stream(&[f.to_str().unwrap()], "", &[]);
    let (_, from_stdin, _) = stream(&[], &corpus(20), &[]);
    assert_eq!(from_file, from_stdin);
    let tsv = "id\ten\tzh\nx1\tHello.\t你好。\nx2\t\t再见。\n";
    let (code, out, err) = stream(&["--input-format", "tsv"], tsv, &[]);
    assert_eq!(code, 0, "{err}");
    let v = lines(&out);
    assert_eq!(v[1]["id"], "x2");
    assert_eq!(v[1]["line"], 3);
    assert_eq!(v[1]["findings"][0]["rule"], "missing_translation");
    assert_eq!(v[2]["pairs"], 2);
}

#[test]
fn a_bad_line_stops_with_its_line_number() {
    let mut input = corpus(40);
    input.push_str("{\"zh\": \"坏\", \"en\": \n");
    let (code, out, err) = stream(&["--chunk", "10"], &input, &[("RAYON_NUM_THREADS", "1")]);
    assert_eq!(code, 2);
    let bad_line = input.lines().count();
    assert!(
        err.contains(&format!("<stdin>:{bad_line}: not valid JSON")),
        "{err}"
    );
    // Everything before the failing chunk was written, nothing after it.
    assert!(out.lines().count() >= 30, "{out}");
    assert!(!out.contains("\"summary\""));
}

#[test]
fn gate_and_usage_errors() {
    let mut c = Command::cargo_bin("tqa").unwrap();
    c.args(["gate", "--stream"]).write_stdin(corpus(10));
    c.assert().code(1); // missing_translation is critical
    let mut c = Command::cargo_bin("tqa").unwrap();
    c.args(["audit", "--stream", "--input-format", "po"])
        .write_stdin("msgid \"a\"\nmsgstr \"b\"\n");
    c.assert()
        .code(2)
        .stderr(predicates::str::contains("JSONL, TSV or CSV"));
    let mut c = Command::cargo_bin("tqa").unwrap();
    c.args(["audit", "--stream"]).write_stdin("");
    c.assert()
        .code(2)
        .stderr(predicates::str::contains("empty"));
}
