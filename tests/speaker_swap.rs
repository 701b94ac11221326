//! speaker_swap (TQA401): labels that differ, self-address, near-miss labels and consecutive
//! turns, each with its evidence and severity; correct labels stay quiet.

mod rule_support;
use rule_support::*;

#[test]
fn each_kind_fires_with_evidence() {
    let f = audit_fixture("speaker_swap", "speaker_swap/fires.md");
    let kind = |k: &str| f.iter().filter(|f| ev(f, "kind") == k).collect::<Vec<_>>();

    let selfa = kind("self_address");
    assert_eq!(
        selfa.len(),
        1,
        "{:#?}",
        f.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
    assert_eq!(selfa[0].zh_lines.map(|r| (r.start, r.end)), Some((3, 3)));
    assert_eq!(selfa[0].en_lines.map(|r| (r.start, r.end)), Some((4, 4)));
    assert_eq!(ev(selfa[0], "addressed_name"), "Ilya");
    assert_eq!(ev(selfa[0], "en_speaker"), "Ilya Sutskever");
    assert_eq!(selfa[0].severity.name(), "major");
    assert_eq!(
        selfa[0].suggestion.as_deref(),
        Some("the turn is probably by Dwarkesh Patel: relabel it")
    );

    let differ = kind("labels_differ");
    assert_eq!(differ.len(), 1);
    assert_eq!(ev(differ[0], "zh_speaker"), "Dwarkesh Patel");
    assert_eq!(ev(differ[0], "en_speaker"), "Ilya Sutskever");
    assert_eq!(differ[0].severity.name(), "major");

    let near = kind("near_miss");
    assert_eq!(near.len(), 2, "both blocks carry the misspelt label");
    assert_eq!(ev(near[0], "similar_to"), "Ilya Sutskever");
    assert_eq!(ev(near[0], "similarity"), "0.93");
    assert_eq!(near[0].severity.name(), "minor");

    // Only lines 15-16 follow a turn by the same speaker ("Ilya Sutskevr" is another label).
    let consecutive = kind("consecutive");
    assert_eq!(consecutive.len(), 1);
    assert_eq!(consecutive[0].zh_lines.map(|r| r.start), Some(15));
    assert_eq!(consecutive[0].severity.name(), "info");
    assert_eq!(ev(consecutive[0], "previous_speaker"), "Ilya Sutskever");
}

#[test]
fn addressing_the_other_speaker_stays_quiet() {
    let f = audit_fixture("speaker_swap", "speaker_swap/quiet.md");
    assert!(
        f.is_empty(),
        "{:#?}",
        f.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
}

#[test]
fn the_real_transcript_self_address_is_found() {
    let Some(path) = shared("corpus/ai-interview.zh-en.md") else {
        eprintln!("skipped: ../shared/corpus absent");
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let f = audit_text("speaker_swap", &path.display().to_string(), &text);
    let selfa: Vec<_> = f
        .iter()
        .filter(|f| ev(f, "kind") == "self_address")
        .collect();
    assert_eq!(selfa.len(), 1);
    assert_eq!(selfa[0].zh_lines.map(|r| r.start), Some(398));
    assert_eq!(selfa[0].en_lines.map(|r| r.start), Some(399));
    assert!(
        f.iter()
            .all(|f| f.severity.name() != "major" || ev(f, "kind") == "self_address")
    );
}
