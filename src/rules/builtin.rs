//! The repository's `rules/` directory, embedded so the binary works from any directory.
//! Add a line here when you add a rule file.

pub const SETTINGS: (&str, &str) = (
    "rules/settings.toml",
    include_str!("../../rules/settings.toml"),
);
pub const GLOSSARY: (&str, &str) = (
    "rules/glossary.toml",
    include_str!("../../rules/glossary.toml"),
);

pub const RULES: &[(&str, &str)] = &[
    (
        "rules/length_ratio.toml",
        include_str!("../../rules/length_ratio.toml"),
    ),
    (
        "rules/missing_sentences.toml",
        include_str!("../../rules/missing_sentences.toml"),
    ),
    (
        "rules/missing_translation.toml",
        include_str!("../../rules/missing_translation.toml"),
    ),
    (
        "rules/misaligned.toml",
        include_str!("../../rules/misaligned.toml"),
    ),
    (
        "rules/duplicate.toml",
        include_str!("../../rules/duplicate.toml"),
    ),
    (
        "rules/skipped_text.toml",
        include_str!("../../rules/skipped_text.toml"),
    ),
    (
        "rules/glossary_rule.toml",
        include_str!("../../rules/glossary_rule.toml"),
    ),
    (
        "rules/number_mismatch.toml",
        include_str!("../../rules/number_mismatch.toml"),
    ),
    (
        "rules/speaker_swap.toml",
        include_str!("../../rules/speaker_swap.toml"),
    ),
    (
        "rules/untranslated.toml",
        include_str!("../../rules/untranslated.toml"),
    ),
    (
        "rules/tag_mismatch.toml",
        include_str!("../../rules/tag_mismatch.toml"),
    ),
    (
        "rules/po_entry_state.toml",
        include_str!("../../rules/po_entry_state.toml"),
    ),
    (
        "rules/truncated.toml",
        include_str!("../../rules/truncated.toml"),
    ),
];
