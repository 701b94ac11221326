//! length_ratio (TQA201): fixtures in the transcript layout, and the real data when present.

mod rule_support;
use rule_support::*;

#[test]
fn fires_on_long_chinese_beside_short_english_and_the_reverse() {
    let f = findings(&fixture("length_ratio", "fires.md"), "length_ratio");
    assert_eq!(f.len(), 2, "{f:#?}");
    // The two-paragraph Chinese turn (lines 5-6) has one English sentence.
    let short = &f[0];
    assert_eq!(short.zh_lines.unwrap().start, 5);
    assert_eq!(short.en_lines.unwrap().start, 7);
    assert_eq!(short.severity.name(), "major");
    assert_eq!(text(short, "direction"), "English too short");
    let ratio = num(short, "ratio");
    assert!(ratio < num(short, "expected_low"), "{:?}", short.evidence);
    assert!(num(short, "expected_low") < num(short, "expected_high"));
    assert!(num(short, "z") < -4.0);
    assert!(num(short, "zh_chars") > 250.0);
    assert_eq!(num(short, "en_chars"), 68.0);
    assert!(
        short.message.contains(&format!("{ratio}")),
        "{}",
        short.message
    );
    // 是的。 answered with a long English paragraph.
    let long = &f[1];
    assert_eq!(long.zh_lines.unwrap().start, 8);
    assert_eq!(text(long, "direction"), "English too long");
    assert!(num(long, "ratio") > num(long, "expected_high"));
    assert!(num(long, "z") > 3.0);
}

#[test]
fn quiet_on_ordinary_translation_including_short_turns() {
    let f = findings(&fixture("length_ratio", "quiet.md"), "length_ratio");
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn real_transcript_flags_the_damaged_turns_and_few_clean_ones() {
    let Some(p) = shared("corpus/ai-interview.zh-en.md") else {
        return;
    };
    let f = findings(&p, "length_ratio");
    let en_starts: Vec<usize> = f.iter().map(|x| x.en_lines.unwrap().start).collect();
    // Turns whose English is one short sentence beside long Chinese (misplaced turns).
    for line in [234, 249, 251, 293] {
        assert!(
            en_starts.contains(&line),
            "line {line} not flagged: {en_starts:?}"
        );
    }
    // The first hundred lines are clean translation, except line 104 which carries the
    // following turn's English as well.
    let early: Vec<usize> = en_starts.iter().copied().filter(|&l| l < 100).collect();
    assert!(early.is_empty(), "{early:?}");
}

#[test]
fn clean_debian_rows_are_rarely_flagged_at_major() {
    let Some(p) = shared("data/debian-reference.zh-en.tsv") else {
        return;
    };
    let f = findings(&p, "length_ratio");
    let major = f.iter().filter(|x| x.severity.name() == "major").count();
    // 3,762 rows, 3,665 translated: at most 0.5 % flagged at major.
    assert!(major <= 18, "{major} major findings");
}
