//! missing_sentences (TQA102): fixtures in the transcript layout, and the real data when present.

mod rule_support;
use rule_support::*;

fn list(f: &tqa::finding::Finding, key: &str) -> Vec<(String, u64, String)> {
    f.evidence[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["side"].as_str().unwrap().to_string(),
                v["line"].as_u64().unwrap(),
                v["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn names_the_sentences_with_no_counterpart() {
    let f = findings(
        &fixture("missing_sentences", "fires.md"),
        "missing_sentences",
    );
    assert_eq!(f.len(), 2, "{f:#?}");
    // Lines 3-4: the third Chinese sentence has no English.
    let zh = list(&f[0], "unmatched_zh");
    assert_eq!(
        zh,
        vec![(
            "zh".to_string(),
            3,
            "经济影响似乎大大落后了,这一点很难理解,我们需要一个非常好的解释才行。".to_string()
        )]
    );
    assert!(list(&f[0], "unmatched_en").is_empty());
    assert_eq!(num(&f[0], "zh_sentences"), 4.0);
    assert_eq!(num(&f[0], "en_sentences"), 3.0);
    assert!(f[0].message.contains("经济影响"), "{}", f[0].message);
    assert!(
        f[0].suggestion
            .as_deref()
            .unwrap()
            .contains("Chinese sentence")
    );
    // Lines 5-6: an English sentence with no Chinese source.
    let en = list(&f[1], "unmatched_en");
    assert_eq!(en.len(), 1, "{:?}", f[1].evidence);
    assert_eq!(en[0].0, "en");
    assert_eq!(en[0].1, 6);
    assert!(en[0].2.starts_with("Before we do"), "{en:?}");
}

#[test]
fn quiet_on_splits_merges_and_short_turns() {
    let f = findings(
        &fixture("missing_sentences", "quiet.md"),
        "missing_sentences",
    );
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn real_transcript_clean_half_is_quiet_and_damage_is_found() {
    let Some(p) = shared("corpus/ai-interview.zh-en.md") else {
        return;
    };
    let f = findings(&p, "missing_sentences");
    let zh_starts: Vec<usize> = f.iter().map(|x| x.zh_lines.unwrap().start).collect();
    // Lines 144-146: the last Chinese paragraph belongs to the next turn's English (line 149).
    assert!(zh_starts.contains(&144), "{zh_starts:?}");
    let hit = f.iter().find(|x| x.zh_lines.unwrap().start == 144).unwrap();
    let zh = list(hit, "unmatched_zh");
    assert!(zh.iter().all(|(_, line, _)| *line == 146), "{zh:?}");
    // Lines 1-100 are clean translation.
    let early: Vec<usize> = zh_starts.iter().copied().filter(|&l| l < 100).collect();
    assert!(early.is_empty(), "{early:?}");
}

#[test]
fn clean_debian_rows_are_rarely_flagged_at_major() {
    let Some(p) = shared("data/debian-reference.zh-en.tsv") else {
        return;
    };
    let f = findings(&p, "missing_sentences");
    let major = f.iter().filter(|x| x.severity.name() == "major").count();
    assert!(major <= 18, "{major} major findings");
}
