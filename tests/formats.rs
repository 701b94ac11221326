//! Every reader on its fixtures (tests/fixtures/formats/), broken files included, through the
//! library and the CLI; the round trip of locations (each segment's line in the original file
//! contains its text); and the real PO catalogues in ../shared/data/po/ (skipped when absent).

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tqa::engine::{Engine, LoadOptions};
use tqa::model::{Direction, Document, Lang, LineRange, Segment};
use tqa::reader::{self, InputFormat, ReadOptions};

fn fx(name: &str) -> String {
    format!(
        "{}/tests/fixtures/formats/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn read(name: &str) -> Document {
    reader::read_document(&fx(name), None).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn audit_json(args: &[&str]) -> serde_json::Value {
    let out = Command::cargo_bin("tqa")
        .unwrap()
        .arg("audit")
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn findings<'a>(v: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    v["documents"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

/// The first run of letters/digits/Han of a text (at most 6 characters): what must appear on
/// the line a segment says it starts on.
/// The run stops where the script changes (inline codes may sit between 使用 and Debian).
fn token(text: &str) -> Option<String> {
    let mut it = text.chars().skip_while(|c| !c.is_alphanumeric()).peekable();
    let han = it.peek().is_some_and(|&c| tqa::text::script::is_han(c));
    let t: String = it
        .take_while(|&c| c.is_alphanumeric() && tqa::text::script::is_han(c) == han)
        .take(6)
        .collect();
    (!t.is_empty()).then_some(t)
}

/// An XML line as a reader sees its text: code elements and their content removed, other
/// tags removed, entities decoded.
fn xml_text(line: &str) -> String {
    let codes =
        regex::Regex::new(r"<(bpt|ept|ph|it|ut|sub)\b[^>]*>.*?</(bpt|ept|ph|it|ut|sub)>").unwrap();
    let tags = regex::Regex::new(r"<[^>]*>").unwrap();
    let s = codes.replace_all(line, "");
    let s = tags.replace_all(&s, "");
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn file_lines(path: &str) -> Vec<String> {
    let xml = path.ends_with(".tmx") || path.ends_with(".xlf");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| if xml { xml_text(l) } else { l.to_string() })
        .collect()
}

/// Every paragraph of every segment: the line it points to contains its first token.
fn assert_locations(doc: &Document, zh_file: &str, en_file: &str) {
    let zh_lines = file_lines(zh_file);
    let en_lines = file_lines(en_file);
    let mut checked = 0;
    for p in &doc.pairs {
        for (seg, lines) in [(&p.zh, &zh_lines), (&p.en, &en_lines)] {
            let Some(seg): Option<&Segment> = seg.as_ref() else {
                continue;
            };
            for (no, para) in seg.numbered_paragraphs() {
                let Some(tok) = token(para) else { continue };
                let line = lines.get(no - 1).map(String::as_str).unwrap_or("");
                assert!(
                    line.contains(&tok),
                    "{}: pair {} {:?} paragraph {para:?} says line {no}, which is {line:?}",
                    doc.path,
                    p.index,
                    seg.lang
                );
                checked += 1;
            }
        }
    }
    for s in &doc.skipped {
        if let Some(tok) = token(&s.text) {
            let own = if zh_file == en_file {
                &zh_lines
            } else {
                continue;
            };
            let text = own[s.lines.start - 1..s.lines.end].join("\n");
            assert!(
                text.contains(&tok),
                "{}: skipped {:?} not on lines {}",
                doc.path,
                s.text,
                s.lines
            );
        }
    }
    assert!(checked > 0, "{}: nothing checked", doc.path);
}

#[test]
fn every_single_file_fixture_round_trips_its_locations() {
    for name in [
        "pairs.tsv",
        "pairs.csv",
        "pairs.jsonl",
        "memory.tmx",
        "en-zh.xlf",
        "zh-en.xlf",
        "catalog.po",
        "bilingual.srt",
        "bilingual.vtt",
    ] {
        let doc = read(name);
        assert_locations(&doc, &fx(name), &fx(name));
    }
}

#[test]
fn detection_by_extension_and_content() {
    for (name, f) in [
        ("pairs.tsv", InputFormat::Tsv),
        ("pairs.csv", InputFormat::Csv),
        ("pairs.jsonl", InputFormat::Jsonl),
        ("memory.tmx", InputFormat::Tmx),
        ("en-zh.xlf", InputFormat::Xliff),
        ("catalog.po", InputFormat::Po),
        ("bilingual.srt", InputFormat::Srt),
        ("bilingual.vtt", InputFormat::Vtt),
    ] {
        let text = std::fs::read_to_string(fx(name)).unwrap();
        assert_eq!(reader::detect(&fx(name), &text), f, "{name} by name");
        if f != InputFormat::Csv {
            assert_eq!(reader::detect("-", &text), f, "{name} by content");
        }
    }
}

#[test]
fn tsv_and_csv() {
    let d = read("pairs.tsv");
    assert_eq!(d.pairs.len(), 3);
    assert_eq!(d.pairs[1].id.as_deref(), Some("r2"));
    assert!(d.pairs[1].en.is_none());
    assert_eq!(d.pairs[2].zh_lines(), Some(LineRange::single(5)));
    assert_eq!(d.pairs[2].zh_text(), "\"引号\"开头", "TSV quoting is off");
    let opts = ReadOptions {
        zh_col: Some("chinese".into()),
        en_col: Some("english".into()),
        ..Default::default()
    };
    let d = reader::read_document_with(&fx("pairs.csv"), None, &opts).unwrap();
    assert_eq!(d.pairs.len(), 3);
    assert_eq!(d.pairs[0].en_text(), "Hello, world.");
    assert_eq!(d.pairs[1].id.as_deref(), Some("b"));
    assert_eq!(d.pairs[1].en_text(), "Two\nlines");
    assert_eq!(d.pairs[2].zh_lines(), None);
    assert_eq!(d.pairs[2].en_lines(), Some(LineRange::single(6)));
    // A quoted cell spanning lines points at the lines it is on.
    assert_eq!(d.pairs[1].zh.as_ref().unwrap().paragraph_lines, vec![4, 5]);
    assert_eq!(d.pairs[1].zh_lines(), Some(LineRange::new(4, 5)));
}

#[test]
fn jsonl_fields_default_and_configured() {
    let d = read("pairs.jsonl");
    assert_eq!(d.pairs.len(), 3);
    assert_eq!(
        d.pairs[0].zh.as_ref().unwrap().speaker.as_deref(),
        Some("Ilya")
    );
    assert_eq!(d.pairs[1].zh_lines(), Some(LineRange::single(3)));
    assert!(d.pairs[1].en.is_none());
    let opts = ReadOptions {
        zh_col: Some("tgt".into()),
        en_col: Some("src".into()),
        speaker_field: Some("who".into()),
        id_field: Some("uid".into()),
        ..Default::default()
    };
    let d = reader::read_document_with(&fx("fields.jsonl"), None, &opts).unwrap();
    assert_eq!(d.pairs[1].id.as_deref(), Some("2"));
    assert_eq!(d.pairs[1].en_text(), "Goodbye.");
    assert_eq!(
        d.pairs[1].en.as_ref().unwrap().speaker.as_deref(),
        Some("B")
    );
}

#[test]
fn tmx_variants_codes_and_skipped_languages() {
    let d = read("memory.tmx");
    assert_eq!(d.direction, Direction::EnToZh);
    let ids: Vec<&str> = d.pairs.iter().filter_map(|p| p.id.as_deref()).collect();
    assert_eq!(
        ids,
        [
            "welcome",
            "broken-bold",
            "placeholder",
            "untranslated",
            "multiline"
        ]
    );
    assert_eq!(d.pairs[0].en_text(), "Welcome to Debian & friends.");
    assert_eq!(d.pairs[0].zh_text(), "欢迎使用Debian及其朋友。");
    assert_eq!(d.pairs[2].zh_text(), "複製檔案。", "zh-TW is Chinese");
    assert!(d.pairs[3].zh.is_none());
    assert_eq!(
        d.pairs[4].zh.as_ref().unwrap().lines,
        LineRange::new(26, 27)
    );
    assert!(
        d.skipped
            .iter()
            .any(|s| s.reason.contains("`ja`") && s.text == "ファイルをコピー。")
    );
}

#[test]
fn tmx_tag_mismatch_is_reported_with_its_evidence() {
    let v = audit_json(&[&fx("memory.tmx")]);
    let tags = findings(&v, "tag_mismatch");
    // One finding per unit, listing every problem; the balanced unit is quiet.
    let ids: Vec<&str> = tags
        .iter()
        .map(|f| f["evidence"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["broken-bold", "placeholder"]);
    assert!(tags.iter().all(|f| f["code"] == "TQA902"));
    assert_eq!(
        tags[0]["evidence"]["problem"],
        "Chinese: <bpt i=2> is never closed; <ept>: 0 in Chinese, 1 in English"
    );
    assert_eq!(tags[0]["zh_lines"], serde_json::json!([13, 13]));
    assert_eq!(tags[0]["en_lines"], serde_json::json!([12, 12]));
    assert_eq!(
        tags[1]["evidence"]["problem"],
        "<ph>: 0 in Chinese, 1 in English"
    );
    assert_eq!(findings(&v, "missing_translation").len(), 1);
    assert_eq!(findings(&v, "skipped_text").len(), 1);
    let d = read("memory.tmx");
    assert_eq!(
        d.pairs[2].en_text(),
        "Copy files.",
        "code removed, spaces collapsed"
    );
    assert_eq!(d.pairs[4].en_text(), "First line\nsecond line.");
}

#[test]
fn xliff_both_versions_and_directions() {
    let d = read("en-zh.xlf");
    assert_eq!(d.direction, Direction::EnToZh);
    assert_eq!(d.pairs.len(), 3);
    assert_eq!(
        (d.pairs[0].en_text(), d.pairs[0].zh_text()),
        ("Open file", "打开文件")
    );
    assert!(
        d.pairs[1]
            .meta
            .contains(&("state".into(), "needs-review-translation".into()))
    );
    assert!(d.pairs[0].meta.contains(&("approved".into(), "yes".into())));
    assert!(d.pairs[2].zh.is_none());
    let d = read("zh-en.xlf");
    assert_eq!(d.direction, Direction::ZhToEn);
    let ids: Vec<&str> = d.pairs.iter().filter_map(|p| p.id.as_deref()).collect();
    assert_eq!(ids, ["intro/1", "intro/2", "link"]);
    assert_eq!(d.pairs[1].zh_text(), "我们聊聊预训练。");
    assert_eq!(d.pairs[1].en_text(), "Let's talk about pre-training.");
    let v = audit_json(&[&fx("zh-en.xlf")]);
    let tags = findings(&v, "tag_mismatch");
    assert_eq!(tags.len(), 1, "{tags:?}");
    assert!(
        tags[0]["evidence"]["problem"]
            .as_str()
            .unwrap()
            .contains("<sc>: 1 in Chinese, 0 in English")
    );
}

#[test]
fn state_and_meta_reach_the_json_report() {
    let v = audit_json(&[&fx("en-zh.xlf")]);
    let ps = &v["documents"][0]["pair_scores"];
    assert_eq!(ps[1]["meta"]["state"], "needs-review-translation", "{ps}");
    assert_eq!(ps[0]["meta"]["approved"], "yes");
}

#[test]
fn po_catalogue_entries_states_and_header() {
    let d = read("catalog.po");
    assert_eq!(d.direction, Direction::EnToZh);
    assert_eq!(d.pairs.len(), 8);
    let help = &d.pairs[1];
    assert_eq!(
        help.en_text(),
        "Print the lines of FILE.\n\n  -n, --number    number all output lines\n"
    );
    assert_eq!(
        help.en.as_ref().unwrap().paragraph_lines,
        vec![17, 18, 19, 19]
    );
    assert_eq!(d.pairs[2].id.as_deref(), Some("menu"));
    assert_eq!(d.pairs[3].id.as_deref(), Some("verb"));
    assert_eq!(d.pairs[4].en_text(), "Ring the bell\u{7}");
    assert_eq!(
        d.pairs[6].en_text(),
        "Tab\tseparated \"quoted\" \\ backslash"
    );
    let v = audit_json(&[&fx("catalog.po")]);
    let states = findings(&v, "po_entry_state");
    let got: Vec<(&str, &str, serde_json::Value)> = states
        .iter()
        .map(|f| {
            (
                f["evidence"]["state"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["en_lines"].clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("fuzzy", "minor", serde_json::json!([34, 34])),
            ("obsolete", "info", serde_json::json!([48, 48])),
        ]
    );
    let header = findings(&v, "skipped_text");
    assert_eq!(header.len(), 1);
    assert_eq!(header[0]["evidence"]["reason"], "PO header");
    let missing = findings(&v, "missing_translation");
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0]["en_lines"], serde_json::json!([45, 45]));
}

#[test]
fn subtitles_one_file_and_two_files() {
    let d = read("bilingual.srt");
    assert_eq!(d.pairs.len(), 4);
    assert!(d.pairs[1].en.is_none(), "cue 2 has Chinese only");
    assert!(d.pairs[2].zh.is_none(), "cue 3 has English only");
    assert!(
        d.skipped
            .iter()
            .any(|s| s.text == "♪" && s.lines == LineRange::single(12))
    );
    let d = read("bilingual.vtt");
    assert_eq!(d.pairs.len(), 2);
    assert_eq!(d.pairs[0].id.as_deref(), Some("intro"));
    assert_eq!(d.pairs[0].zh_text(), "欢迎收听。");
    assert_eq!(
        d.pairs[0].zh.as_ref().unwrap().speaker.as_deref(),
        Some("Host")
    );
    let d = reader::read_pair_files(
        &fx("talk.zh.srt"),
        &fx("talk.en.srt"),
        None,
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(d.pairs.len(), 3);
    assert!(d.pairs[1].en.is_none(), "the cue with no partner");
    assert_eq!(d.pairs[2].en_lines(), Some(LineRange::single(7)));
    assert_eq!(d.pairs[2].zh_lines(), Some(LineRange::single(11)));
    assert_locations(&d, &fx("talk.zh.srt"), &fx("talk.en.srt"));
    let out = Command::cargo_bin("tqa")
        .unwrap()
        .args([
            "audit",
            "--format",
            "json",
            "--zh",
            &fx("talk.zh.srt"),
            "--en",
            &fx("talk.en.srt"),
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = findings(&v, "missing_translation");
    assert_eq!(m.len(), 1);
    assert_eq!(m[0]["zh_lines"], serde_json::json!([7, 7]));
}

#[test]
fn plain_files_with_mismatched_line_counts() {
    let d = reader::read_pair_files(
        &fx("lines.zh.txt"),
        &fx("lines.en.txt"),
        None,
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(d.format, "plain");
    assert_eq!(d.pairs.len(), 4);
    assert!(d.pairs[3].en.is_none());
    assert_eq!(d.pairs[3].zh_lines(), Some(LineRange::single(5)));
    assert_locations(&d, &fx("lines.zh.txt"), &fx("lines.en.txt"));
    let v = audit_json(&["--zh", &fx("lines.zh.txt"), "--en", &fx("lines.en.txt")]);
    let m = findings(&v, "missing_translation");
    assert_eq!(m.len(), 1);
    assert_eq!(m[0]["evidence"]["excerpt"], "第五行多出来了。");
}

#[test]
fn direction_flags_override_the_file() {
    let opts = ReadOptions {
        source: Some(Lang::En),
        ..Default::default()
    };
    let d = reader::read_document_with(&fx("pairs.tsv"), None, &opts).unwrap();
    assert_eq!(d.direction, Direction::EnToZh);
    let opts = ReadOptions {
        source: Some(Lang::Zh),
        ..Default::default()
    };
    let d = reader::read_document_with(&fx("catalog.po"), None, &opts).unwrap();
    assert_eq!(d.direction, Direction::ZhToEn);
    Command::cargo_bin("tqa")
        .unwrap()
        .args([
            "audit",
            "--source",
            "en",
            "--target",
            "en",
            &fx("pairs.tsv"),
        ])
        .assert()
        .code(2);
}

#[test]
fn broken_files_are_errors_naming_file_and_line() {
    let cases: &[(&[&str], &str)] = &[
        (&["bad.jsonl"], "bad.jsonl:2:"),
        (&["unclosed.tmx"], "unclosed.tmx:5: unclosed <tu>"),
        (&["unclosed.xlf"], "unclosed.xlf:"),
        (&["bad-escape.po"], "bad-escape.po:8: bad escape `\\q`"),
        (&["bad-timing.srt"], "bad-timing.srt:7: bad cue timing"),
    ];
    for (files, want) in cases {
        let paths: Vec<String> = files.iter().map(|f| fx(f)).collect();
        let out = Command::cargo_bin("tqa")
            .unwrap()
            .arg("audit")
            .args(&paths)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{files:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{files:?}: want {want:?} in {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // The other documents of the run are still audited.
    let out = Command::cargo_bin("tqa")
        .unwrap()
        .args([
            "audit",
            "--format",
            "json",
            &fx("unclosed.xlf"),
            &fx("pairs.tsv"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["documents"].as_array().unwrap().len(), 1);
    assert_eq!(v["errors"].as_array().unwrap().len(), 1);
}

#[test]
fn input_format_flag_overrides_detection() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("catalog.data");
    std::fs::copy(fx("catalog.po"), &p).unwrap();
    let v = audit_json(&["--input-format", "po", p.to_str().unwrap()]);
    assert_eq!(v["documents"][0]["format"], "po");
    assert_eq!(v["documents"][0]["pairs"], 8);
}

fn shared_po_dir() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/po");
    d.is_dir().then_some(d)
}

#[test]
fn real_po_catalogues_all_parse() {
    let Some(dir) = shared_po_dir() else {
        eprintln!("skipped: ../shared/data/po is absent");
        return;
    };
    let engine = Engine::load(&LoadOptions::default()).unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 4);
    for f in files {
        let path = f.to_str().unwrap();
        let text = std::fs::read_to_string(&f).unwrap();
        let doc = reader::read_document(path, None).unwrap_or_else(|e| panic!("{e}"));
        // One pair per msgstr form, except the header.
        let msgids = text.lines().filter(|l| l.starts_with("msgid ")).count();
        let plural_extra: usize = text
            .lines()
            .filter(|l| l.starts_with("msgstr["))
            .filter(|l| !l.starts_with("msgstr[0]"))
            .count();
        assert_eq!(doc.pairs.len(), msgids - 1 + plural_extra, "{path}");
        assert_eq!(doc.skipped.len(), 1, "{path}: the header");
        assert_eq!(doc.direction, Direction::EnToZh);
        assert_locations(&doc, path, path);
        let report = engine.audit(Arc::new(doc));
        assert!(report.score > 0.0);
    }
}

#[test]
fn no_reader_panics_on_truncated_or_damaged_input() {
    let dir = std::fs::read_dir(format!(
        "{}/tests/fixtures/formats",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut n = 0;
    for entry in dir {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let format = reader::detect(&name, &text);
        let cuts = (0..text.len())
            .filter(|&i| text.is_char_boundary(i))
            .step_by(7);
        for cut in cuts {
            for damaged in [
                text[..cut].to_string(),
                format!("{}\"<\\{}", &text[..cut], &text[cut..]),
            ] {
                // Ok or an error naming the file: never a panic.
                if let Err(e) = reader::parse(&name, &damaged, Some(format)) {
                    assert_eq!(e.path, name);
                }
                n += 1;
            }
        }
    }
    assert!(n > 500, "{n}");
}
