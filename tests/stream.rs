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

/// Exit code, standard output and standard error of a finished command.
fn run(c: &mut Command) -> (i32, String, String) {
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
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
    run(&mut c)
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
fn what_is_written_before_a_bad_line_does_not_depend_on_threads() {
    // The bad line sits in the second chunk of 10, with more chunks after it: at 2 or 4
    // threads it shares a batch with the first chunk, whose pairs must still be written.
    let good = corpus(40);
    let mut rows: Vec<&str> = good.lines().collect();
    rows.insert(14, "{\"zh\": \"坏\", \"en\": ");
    let input = rows.join("\n") + "\n";
    let mut outputs = Vec::new();
    for jobs in ["1", "2", "4"] {
        let (code, out, err) = stream(&["--chunk", "10", "--jobs", jobs], &input, &[]);
        assert_eq!(code, 2, "--jobs {jobs}");
        assert!(
            err.contains("<stdin>:15: not valid JSON"),
            "--jobs {jobs}: {err}"
        );
        let pairs = lines(&out);
        assert_eq!(
            pairs.len(),
            10,
            "--jobs {jobs}: the first chunk only\n{out}"
        );
        assert_eq!(pairs[9]["index"], 9);
        outputs.push(out);
    }
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);
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

fn stream_bytes(args: &[&str], input: &[u8]) -> (i32, String, String) {
    let mut c = Command::cargo_bin("tqa").unwrap();
    c.args(["audit", "--stream", "--select", "missing_translation"])
        .args(args)
        .write_stdin(input.to_vec());
    run(&mut c)
}

#[test]
fn line_numbers_survive_bom_crlf_blank_lines_and_chunk_edges() {
    // Line 1 header after a BOM, CRLF endings, blank and whitespace-only lines, a row with
    // no English, and a last line without a newline.
    let input =
        "\u{feff}zh\ten\r\n你好。\tHello.\r\n\r\n \t \n再见。\tBye.\n\n谢谢。\t\n是的。\tYes.";
    for chunk in ["1", "2", "3", "1024"] {
        let (code, out, err) = stream_bytes(&["--chunk", chunk], input.as_bytes());
        assert_eq!(code, 0, "{err}");
        let v = lines(&out);
        let pairs: Vec<(u64, u64)> = v
            .iter()
            .filter(|l| l["type"] == "pair")
            .map(|l| (l["index"].as_u64().unwrap(), l["line"].as_u64().unwrap()))
            .collect();
        assert_eq!(pairs, [(0, 2), (1, 5), (2, 7), (3, 8)], "chunk {chunk}");
        let third = v.iter().find(|l| l["index"] == 2).unwrap();
        assert_eq!(third["findings"][0]["rule"], "missing_translation");
        assert_eq!(third["findings"][0]["zh_lines"], serde_json::json!([7, 7]));
        assert_eq!(v.last().unwrap()["pairs"], 4);
    }
}

#[test]
fn bad_bytes_name_their_line_at_any_chunk_size() {
    let mut bad_utf8 = b"zh\ten\n\xe4\xbd\xa0\tHi\n\n".to_vec();
    bad_utf8.extend_from_slice(b"\xe5\x86\x8d\tBye\n\xff\xfe\tBad\n\xe5\x86\x8d\tLater\n");
    let nul = b"zh\ten\nA\tB\n\nC\tD\nE\x00\tF\nG\tH\n";
    for chunk in ["1", "2", "3", "1024"] {
        let (code, _, err) = stream_bytes(&["--chunk", chunk], &bad_utf8);
        assert_eq!(code, 2);
        assert!(
            err.contains("<stdin>:5: not valid UTF-8"),
            "chunk {chunk}: {err}"
        );
        let (code, _, err) = stream_bytes(&["--chunk", chunk], nul);
        assert_eq!(code, 2);
        assert!(
            err.contains("<stdin>:5: binary data"),
            "chunk {chunk}: {err}"
        );
    }
}

/// A JSONL corpus on which every chunk's document alignment runs (swapped neighbours) and
/// `duplicate` asks for it (an English repeated under another Chinese every 9th pair).
fn aligned_corpus(n: usize) -> String {
    let mut rows: Vec<(String, String)> = (0..n)
        .map(|i| {
            (
                format!(
                    "第{i}条：请在{}号服务器上运行 make 命令，然后检查日志里的第{}行。",
                    i % 97,
                    i % 31
                ),
                format!(
                    "Step {i}: run make on server {}, then check line {} of the log.",
                    i % 97,
                    i % 31
                ),
            )
        })
        .collect();
    for i in (8..n).step_by(9) {
        rows[i].1 = rows[i - 5].1.clone();
    }
    for i in (12..n).step_by(13) {
        let prev = rows[i - 1].1.clone();
        rows[i - 1].1 = std::mem::replace(&mut rows[i].1, prev);
    }
    rows.iter()
        .enumerate()
        .map(|(i, (zh, en))| format!("{{\"id\":\"p{i}\",\"zh\":\"{zh}\",\"en\":\"{en}\"}}\n"))
        .collect()
}

#[test]
fn all_rules_finish_at_many_threads_with_the_same_bytes() {
    // Regression: the alignment is itself parallel; `duplicate` blocked on it beside its build
    // could hold work the build waited for, and the stream hung (about 2 runs in 5 at
    // `--jobs 16` on this corpus before the fix). A hang fails here through the timeout.
    let input = aligned_corpus(4096);
    let run = |jobs: &str| {
        let mut c = Command::cargo_bin("tqa").unwrap();
        c.args(["audit", "--stream", "--jobs", jobs])
            .write_stdin(input.clone())
            .timeout(std::time::Duration::from_secs(120));
        c.env_remove("RAYON_NUM_THREADS");
        let out = c.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "--jobs {jobs}: hung or failed");
        String::from_utf8(out.stdout).unwrap()
    };
    let one = run("1");
    assert!(one.contains("\"rule\":\"duplicate\"") && one.contains("\"rule\":\"misaligned\""));
    for _ in 0..6 {
        assert_eq!(run("16"), one);
    }
}

/// `tqa audit --stream` with all rules and `args`, at `jobs` threads, under a timeout.
fn stream_jobs(jobs: &str, args: &[&str], input: &[u8]) -> (i32, String, String) {
    let mut c = Command::cargo_bin("tqa").unwrap();
    c.args(["audit", "--stream", "--jobs", jobs])
        .args(args)
        .write_stdin(input.to_vec())
        .timeout(std::time::Duration::from_secs(120));
    c.env_remove("RAYON_NUM_THREADS");
    run(&mut c)
}

#[test]
fn an_error_mid_stream_leaves_the_same_bytes_before_it_at_any_thread_count() {
    // 40 chunks of 8 pairs, more than 2 × 16 threads' worth in flight. A line that does not
    // parse (found by the worker auditing its chunk) and a line that is not UTF-8 (found by
    // the reading thread) both sit in chunk 17 (pairs 136..144): every chunk before it is
    // written, whole and in order, and nothing after it, at any thread count.
    let good = aligned_corpus(320);
    let (code, full, err) = stream_jobs("1", &["--chunk", "8"], good.as_bytes());
    assert_eq!(code, 0, "{err}");
    let rows: Vec<&str> = good.lines().collect();
    let mut bad_json = rows.clone();
    bad_json[138] = "{\"zh\": \"坏\", \"en\": ";
    let bad_json = (bad_json.join("\n") + "\n").into_bytes();
    let mut bad_utf8 = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if i == 138 {
            bad_utf8.extend_from_slice(b"{\"zh\": \"\xff\", \"en\": \"x\"}\n");
        } else {
            bad_utf8.extend_from_slice(r.as_bytes());
            bad_utf8.push(b'\n');
        }
    }
    for (input, message) in [
        (&bad_json, "<stdin>:139: not valid JSON"),
        (&bad_utf8, "<stdin>:139: not valid UTF-8"),
    ] {
        let mut outputs = Vec::new();
        for jobs in ["1", "3", "16"] {
            let (code, out, err) = stream_jobs(jobs, &["--chunk", "8"], input);
            assert_eq!(code, 2, "--jobs {jobs}");
            assert!(err.contains(message), "--jobs {jobs}: {err}");
            outputs.push(out);
        }
        assert_eq!(outputs[0], outputs[1], "{message}: --jobs 1 vs 3");
        assert_eq!(outputs[0], outputs[2], "{message}: --jobs 1 vs 16");
        let out = &outputs[0];
        assert!(full.starts_with(out.as_str()), "{message}: not a prefix");
        let v = lines(out);
        let last_pair = v.iter().rev().find(|l| l["type"] == "pair").unwrap();
        assert_eq!(last_pair["index"], 135, "{message}: chunks 0..17, whole");
        assert!(!out.contains("\"summary\""));
    }
}

#[test]
fn chunks_without_pairs_and_inputs_shorter_than_a_chunk() {
    // CSV rows of empty cells make no pair: chunks 2 and 3 (of 4 rows) have none, chunk 4
    // has one. Then an input of three pairs at the default chunk size, and a lone header.
    let mut csv = String::from("zh,en\n");
    for i in 0..24 {
        if (4..15).contains(&i) {
            csv.push_str(",,\n");
        } else {
            csv.push_str(&format!("第{i}句话。,Sentence {i}.\n"));
        }
    }
    let args = ["--input-format", "csv", "--quoting", "off", "--chunk", "4"];
    let (code, one, err) = stream_jobs("1", &args, csv.as_bytes());
    assert_eq!(code, 0, "{err}");
    let v = lines(&one);
    let pairs: Vec<(u64, u64)> = v
        .iter()
        .filter(|l| l["type"] == "pair")
        .map(|l| (l["index"].as_u64().unwrap(), l["line"].as_u64().unwrap()))
        .collect();
    let want: Vec<(u64, u64)> = (0..24u64)
        .filter(|i| !(4..15).contains(i))
        .enumerate()
        .map(|(k, i)| (k as u64, i + 2))
        .collect();
    assert_eq!(pairs, want);
    assert_eq!(v.last().unwrap()["pairs"], 13);
    let short = corpus(3);
    let (_, short_one, _) = stream_jobs("1", &[], short.as_bytes());
    assert_eq!(lines(&short_one).len(), 4, "{short_one}");
    let (_, header_one, _) = stream_jobs("1", &["--input-format", "tsv"], b"zh\ten\n");
    assert_eq!(lines(&header_one).len(), 1, "{header_one}");
    assert_eq!(lines(&header_one)[0]["pairs"], 0);
    for jobs in ["3", "16"] {
        assert_eq!(
            stream_jobs(jobs, &args, csv.as_bytes()).1,
            one,
            "--jobs {jobs}"
        );
        assert_eq!(stream_jobs(jobs, &[], short.as_bytes()).1, short_one);
        let header = stream_jobs(jobs, &["--input-format", "tsv"], b"zh\ten\n");
        assert_eq!(header.1, header_one);
    }
}
