//! Golden files per output format for one fixed report (see `tests/support`), plus checks a
//! golden file cannot make by itself: SARIF validates against the SARIF 2.1.0 schema, JUnit is
//! well-formed XML whose failures mirror the gate, HTML and Markdown escape hostile text.
//! Bless new golden files with `TQA_BLESS=1 cargo test --test report_formats`.

mod support;

use std::path::{Path, PathBuf};
use tqa::report::{Format, render};

const FORMATS: [(Format, &str); 7] = [
    (Format::Terminal, "review.txt"),
    (Format::Json, "review.json"),
    (Format::Html, "review.html"),
    (Format::Sarif, "review.sarif"),
    (Format::Junit, "review.junit.xml"),
    (Format::Github, "review.github.txt"),
    (Format::Markdown, "review.md"),
];

fn golden(name: &str, actual: &str) {
    let path = Path::new("tests/golden/reports").join(name);
    if std::env::var_os("TQA_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run TQA_BLESS=1 cargo test --test report_formats",
            path.display()
        )
    });
    if expected != actual {
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("golden-actual");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join(name), actual).unwrap();
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .map_or(expected.lines().count().min(actual.lines().count()), |i| i)
            + 1;
        panic!(
            "{} differs from the golden file at line {line} (actual output in {}); \
             if the change is intended, bless with TQA_BLESS=1",
            path.display(),
            out.join(name).display()
        );
    }
}

#[test]
fn every_format_matches_its_golden_file() {
    let (report, opts) = support::report(true);
    for (format, name) in FORMATS {
        let text = render(&report, format, &opts);
        golden(name, &text);
    }
}

#[test]
fn output_is_deterministic_and_has_no_absolute_paths() {
    let (a, opts) = support::report(true);
    let (b, _) = support::report(true);
    let cwd = std::env::current_dir().unwrap().display().to_string();
    for (format, name) in FORMATS {
        let x = render(&a, format, &opts);
        assert_eq!(x, render(&b, format, &opts), "{name} differs between runs");
        assert!(!x.contains(&cwd), "{name} contains the working directory");
    }
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/fixtures/reports/sarif-schema-2.1.0.json").unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
    for baseline in [false, true] {
        let (report, opts) = support::report(baseline);
        let sarif: serde_json::Value =
            serde_json::from_str(&render(&report, Format::Sarif, &opts)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "SARIF is invalid: {errors:#?}");
        let run = &sarif["runs"][0];
        // One rule entry per rule, each with its docs.
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(
            ids,
            ["TQA101", "TQA103", "TQA201", "TQA401", "TQA501", "TQA901"]
        );
        assert!(
            rules
                .iter()
                .all(|r| !r["fullDescription"]["text"].as_str().unwrap().is_empty())
        );
        // The speaker swap has a location on the zh line and one on the en line.
        let swap = run["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == "TQA401")
            .unwrap();
        let lines: Vec<(u64, u64)> = swap["locations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                let r = &l["physicalLocation"]["region"];
                (
                    r["startLine"].as_u64().unwrap(),
                    r["endLine"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(lines, [(7, 7), (8, 8)]);
        assert_eq!(swap["level"], "error");
        assert_eq!(
            swap["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            support::DOC
        );
        // Waived findings are suppressed results; stale entries are notifications.
        let suppressed: Vec<&str> = run["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["suppressions"][0]["kind"].as_str())
            .collect();
        let notes = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        if baseline {
            assert_eq!(suppressed, ["inSource", "external"]);
            assert!(notes.iter().any(|n| {
                n["descriptor"]["id"] == "stale-baseline-entry"
                    && n["message"]["text"]
                        .as_str()
                        .unwrap()
                        .contains("0123456789abcdef")
            }));
        } else {
            assert_eq!(suppressed, ["inSource"]);
        }
    }
}

#[test]
fn an_invalid_sarif_log_is_rejected_by_the_schema_check() {
    // The validator must be able to fail: a result with a bad level and no message.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/fixtures/reports/sarif-schema-2.1.0.json").unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft4::new(&schema).unwrap();
    let bad = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "tqa"}},
        "results": [{"ruleId": "TQA101", "level": "fatal"}]}]});
    assert!(validator.iter_errors(&bad).count() >= 2);
}

#[test]
fn junit_is_well_formed_and_its_failures_mirror_the_gate() {
    let (report, opts) = support::report(true);
    let xml = render(&report, Format::Junit, &opts);
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures) = (Vec::new(), Vec::new());
    let mut current = String::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                // Names and values here are plain ASCII/UTF-8 without entities.
                let attr = |k: &str| e.try_get_attribute(k).unwrap().map(|a| a.value.to_string());
                match AsRef::<str>::as_ref(&e.name()) {
                    "testcase" => {
                        current = attr("name").unwrap();
                        cases.push(current.clone());
                    }
                    "failure" => failures.push(current.clone()),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    // One case per rule plus the score; with fail_on = major, the rules with major or
    // critical findings fail, and the score (under 95) fails.
    assert_eq!(cases.len(), 7, "{cases:?}");
    assert_eq!(
        failures,
        [
            "score ≥ 95.0",
            "TQA101 missing_translation",
            "TQA103 truncated",
            "TQA401 speaker_swap",
            "TQA501 number_mismatch"
        ]
    );
    let d = &report.documents[0];
    assert!(!d.gate.passed);
    assert!(xml.contains("failures=\"5\""));
}

#[test]
fn html_and_markdown_escape_document_text() {
    let (report, opts) = support::report(true);
    let html = render(&report, Format::Html, &opts);
    // Our own script is the only one; the document's `<script>` is text.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no network references"
    );
    let md = render(&report, Format::Markdown, &opts);
    assert!(!md.contains("<script"));
    // Every table row has the same number of unescaped cell separators as its header.
    let mut expected = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            expected = None;
            continue;
        }
        let cells = line.replace("\\|", "").matches('|').count();
        match expected {
            None => expected = Some(cells),
            Some(n) => assert_eq!(cells, n, "broken table row: {line}"),
        }
    }
}

#[test]
fn github_annotations_cover_each_finding_with_escaped_properties() {
    let (report, opts) = support::report(true);
    let gh = render(&report, Format::Github, &opts);
    let lines: Vec<&str> = gh.lines().collect();
    // 5 findings (the 2 waived are not annotated), 1 unused marker, 1 stale entry, 1 gate error.
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("::")).count(),
        8,
        "{gh}"
    );
    assert!(lines.contains(
        &"::error file=tests/fixtures/reports/review.md,line=7,endLine=8,title=TQA401 speaker_swap (major)::Chinese is labelled Mei Lin but English is labelled Arjun Rao (zh 7, en 8)%0ASuggestion: label both sides Mei Lin"
    ), "{gh}");
    assert!(lines.iter().any(|l| l.starts_with(
        "::notice file=tests/fixtures/reports/review.md,line=1,endLine=1,title=TQA901"
    )));
    assert!(lines.iter().any(|l| l.starts_with("::warning file=tests/fixtures/reports/review.md,line=18,endLine=18,title=unused tqa-waive marker::")));
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("tqa: FAIL tests/fixtures/reports/review.md: score")
    );
}
