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
        "rules/missing_translation.toml",
        include_str!("../../rules/missing_translation.toml"),
    ),
    (
        "rules/skipped_text.toml",
        include_str!("../../rules/skipped_text.toml"),
    ),
    (
        "rules/tag_mismatch.toml",
        include_str!("../../rules/tag_mismatch.toml"),
    ),
    (
        "rules/po_entry_state.toml",
        include_str!("../../rules/po_entry_state.toml"),
    ),
];
