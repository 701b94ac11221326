//! truncated (TQA103): fixtures in the transcript layout, and the real data when present.

mod rule_support;
use rule_support::*;

#[test]
fn finds_cut_starts_and_ends_on_both_sides() {
    let f = findings(&fixture("truncated", "fires.md"), "truncated");
    let got: Vec<(usize, String, String)> = f
        .iter()
        .map(|x| (num(x, "line") as usize, text(x, "side"), text(x, "end")))
        .collect();
    assert_eq!(
        got,
        vec![
            (2, "English".into(), "start".into()),
            (4, "English".into(), "start".into()),
            (6, "English".into(), "end".into()),
            (7, "Chinese".into(), "end".into()),
        ],
        "{f:#?}"
    );
    assert!(text(&f[0], "reason").contains("\"ute\""));
    assert!(text(&f[0], "fragment").starts_with("ute. You do"));
    assert!(text(&f[1], "reason").contains("ellipsis"));
    assert!(text(&f[1], "fragment").starts_with("…from person"));
    assert!(text(&f[2], "reason").contains("dangling word \"a\""));
    assert!(text(&f[2], "fragment").ends_with("to have a"));
    assert!(text(&f[3], "reason").contains("comma"));
    assert!(f.iter().all(|x| x.severity.name() == "major"));
    assert!(
        f[0].message.contains("English cut off at the start"),
        "{}",
        f[0].message
    );
}

#[test]
fn quiet_on_shared_ellipses_brands_commands_numbers_and_fragments() {
    let f = findings(&fixture("truncated", "quiet.md"), "truncated");
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn real_transcript_finds_the_two_cut_turns_only() {
    let Some(p) = shared("corpus/ai-interview.zh-en.md") else {
        return;
    };
    let f = findings(&p, "truncated");
    let lines: Vec<usize> = f.iter().map(|x| num(x, "line") as usize).collect();
    assert_eq!(lines, vec![109, 301], "{f:#?}");
}

#[test]
fn clean_debian_rows_are_rarely_flagged() {
    let Some(p) = shared("data/debian-reference.zh-en.tsv") else {
        return;
    };
    let f = findings(&p, "truncated");
    assert!(f.len() <= 10, "{} findings", f.len());
}
