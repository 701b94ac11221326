//! glossary (TQA302): a glossary term in the English without its Chinese rendering fires with
//! the expected rendering; alternatives, kept terms and keep-as-is terms stay quiet. Also the
//! glossary file's load-time errors.

mod rule_support;
use rule_support::*;
use tqa::engine::{Engine, LoadOptions};
use tqa::rules::settings::RawSettings;

#[test]
fn missing_rendering_fires_with_expected_and_suggestion() {
    let f = audit_fixture("glossary", "glossary/fires.md");
    assert_eq!(
        f.len(),
        2,
        "{:#?}",
        f.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
    let rl = at(&f, 1)[0];
    assert_eq!(rl.code, "TQA302");
    assert_eq!(rl.severity.name(), "minor");
    assert_eq!(ev(rl, "term"), "reinforcement learning");
    assert_eq!(ev(rl, "expected"), "[\"强化学习\"]");
    assert_eq!(
        rl.suggestion.as_deref(),
        Some("render `reinforcement learning` as 强化学习")
    );
    // value function is rendered (价值函数): no finding for it.
    assert!(!f.iter().any(|f| ev(f, "term") == "value function"));
    let generalize = at(&f, 3)[0];
    assert_eq!(ev(generalize, "term"), "generalize");
    assert!(
        generalize.message.contains("泛化"),
        "{}",
        generalize.message
    );
}

#[test]
fn alternatives_kept_terms_and_plurals_stay_quiet() {
    let f = audit_fixture("glossary", "glossary/quiet.md");
    assert!(
        f.is_empty(),
        "{:#?}",
        f.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
}

#[test]
fn a_user_glossary_replaces_the_builtin_and_bad_entries_fail_with_line() {
    let dir = tempfile::tempdir().unwrap();
    let g = dir.path().join("my-glossary.toml");
    std::fs::write(&g, "[terms.\"widget\"]\nzh = [\"小部件\"]\n").unwrap();
    let load = |path: &std::path::Path| {
        Engine::load(&LoadOptions {
            flags: RawSettings {
                resources: Some(tqa::rules::settings::RawResources {
                    glossary: Some(path.display().to_string()),
                    lexicon: None,
                }),
                ..RawSettings::default()
            },
            ..LoadOptions::default()
        })
    };
    let engine = load(&g).expect("user glossary loads");
    assert_eq!(engine.resources.glossary.terms.len(), 1);
    assert_eq!(engine.resources.glossary.terms[0].zh, vec!["小部件"]);

    std::fs::write(
        &g,
        "[terms.\"widget\"]\nzh = [\"小部件\"]\n\n[terms.\"gadget\"]\n",
    )
    .unwrap();
    let err = load(&g)
        .err()
        .expect("an entry with neither zh nor keep is an error");
    assert_eq!(err.line, Some(4), "{err}");
    assert!(err.to_string().contains("my-glossary.toml:4"), "{err}");

    let err = load(&dir.path().join("absent.toml"))
        .err()
        .expect("missing file");
    assert!(err.to_string().contains("absent.toml"), "{err}");
}

#[test]
fn the_builtin_glossary_loads_with_its_documented_entries() {
    let engine = Engine::load(&LoadOptions::default()).unwrap();
    let g = &engine.resources.glossary;
    assert_eq!(
        g.lookup("value function").unwrap().preferred(),
        Some("价值函数")
    );
    assert!(g.lookup("OpenAI").unwrap().keep);
    assert!(g.lookup("evals").is_some(), "plural lookup");
}
