//! Rules are data (`rules/*.toml`), checks are code (`src/checks/`).
//!
//! A rule file names a rule (stable `name` and `code`), the check that measures it, its default
//! severity, a message template filled from the evidence, parameters for the check, docs and
//! examples. The repository's `rules/` is embedded in the binary; a user's rules directory or
//! settings file, then command-line flags, override it (see `settings`).

pub mod builtin;
pub mod settings;

use crate::finding::Severity;
use serde::Deserialize;
use std::path::Path;

/// A rule definition as written in a `rules/*.toml` file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// Stable snake_case name (`speaker_swap`): public API, never renamed.
    pub name: String,
    /// Stable short code (`TQA401`), grouped by family.
    pub code: String,
    /// Name of the check in `src/checks` that implements it.
    pub check: String,
    pub severity: Severity,
    /// MQM issue type it maps to (`Accuracy/Omission`).
    pub mqm: String,
    /// One line: what it flags.
    pub summary: String,
    /// Message template; `{key}` is replaced by the finding's evidence value.
    pub message: String,
    /// Why it matters and how it measures.
    pub docs: String,
    /// Known false positives, for `tqa rule NAME`.
    #[serde(default)]
    pub false_positives: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub params: toml::Table,
    /// Documented examples; each runs as a test (`tests/rule_examples.rs`).
    #[serde(default)]
    pub examples: Vec<RuleExample>,
    /// Where it was read from (filled by the loader).
    #[serde(skip)]
    pub source: String,
}

fn yes() -> bool {
    true
}

/// An example document in the transcript layout that must make the rule fire, or stay quiet.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleExample {
    pub fires: bool,
    pub input: String,
    /// When it fires: a substring the finding's message or evidence must contain.
    #[serde(default)]
    pub evidence_contains: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// Input format of `input` (`po`, `tmx`, `xliff`, ...); default: the transcript layout.
    #[serde(default)]
    pub format: Option<String>,
}

/// A load-time error in a rules or settings file, with the line when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.file, l, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    pub fn new(file: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        ConfigError {
            file: file.to_string(),
            line,
            message: message.into(),
        }
    }
    /// From a toml parse error: its span gives the line.
    pub fn from_toml(file: &str, text: &str, err: &toml::de::Error) -> Self {
        let line = err.span().map(|s| line_of_offset(text, s.start));
        let msg = err.message().trim().to_string();
        // serde's "unknown field" errors carry no span; find the key in the text.
        let line = line.or_else(|| unknown_field_name(&msg).and_then(|k| find_key_line(text, &k)));
        ConfigError::new(file, line, msg)
    }
}

/// 1-based line of a byte offset.
pub fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn unknown_field_name(msg: &str) -> Option<String> {
    let rest = msg.split("unknown field `").nth(1)?;
    Some(rest.split('`').next()?.to_string())
}

/// Line where `key =` (or `[...key]`) is written, for errors that name a key but carry no span.
pub fn find_key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            (t.starts_with(key) && t[key.len()..].trim_start().starts_with('='))
                || (t.starts_with('[') && t.trim_end_matches(']').ends_with(key))
        })
        .map(|i| i + 1)
}

/// Parse one rule file.
pub fn parse_rule(file: &str, text: &str) -> Result<RuleDef, ConfigError> {
    let mut def: RuleDef =
        toml::from_str(text).map_err(|e| ConfigError::from_toml(file, text, &e))?;
    def.source = file.to_string();
    if def.name.is_empty() || !def.name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
        return Err(ConfigError::new(
            file,
            find_key_line(text, "name"),
            format!("rule name `{}` must be snake_case", def.name),
        ));
    }
    Ok(def)
}

/// Read every rule file (`*.toml` except `settings.toml` and `glossary.toml`) in a directory,
/// sorted by file name so the load order is stable.
pub fn read_rules_dir(dir: &Path) -> Result<Vec<(String, String)>, ConfigError> {
    let shown = dir.display().to_string();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| ConfigError::new(&shown, None, format!("cannot read rules directory: {e}")))?;
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if path.extension().and_then(|e| e.to_str()) != Some("toml")
            || name == "settings.toml"
            || name == "glossary.toml"
        {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| {
            ConfigError::new(
                &path.display().to_string(),
                None,
                format!("cannot read: {e}"),
            )
        })?;
        files.push((path.display().to_string(), text));
    }
    files.sort();
    Ok(files)
}

/// The text `tqa rule NAME` prints: what it flags, why, how it is scored, examples, known
/// false positives.
pub fn explain(r: &RuleDef, s: &settings::Settings) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(o, "{} ({})\n", r.name, r.code);
    let _ = writeln!(o, "{}\n", r.summary);
    let _ = writeln!(
        o,
        "Severity: {} (MQM {}: minor {}, major {}, critical {})",
        r.severity, r.mqm, s.weights.minor, s.weights.major, s.weights.critical
    );
    let _ = writeln!(o, "Check: {}\n", r.check);
    let _ = writeln!(o, "{}\n", r.docs.trim());
    if !r.params.is_empty() {
        let _ = writeln!(o, "Parameters:");
        for (k, v) in &r.params {
            let _ = writeln!(o, "  {k} = {v}");
        }
        o.push('\n');
    }
    for ex in &r.examples {
        let _ = writeln!(
            o,
            "Example ({}):",
            if ex.fires { "fires" } else { "stays quiet" }
        );
        for l in ex.input.trim_end().lines() {
            let _ = writeln!(o, "    {l}");
        }
        if let Some(n) = &ex.note {
            let _ = writeln!(o, "  {n}");
        }
        o.push('\n');
    }
    if !r.false_positives.trim().is_empty() {
        let _ = writeln!(o, "Known false positives:\n{}\n", r.false_positives.trim());
    }
    let _ = writeln!(
        o,
        "Scoring: score = max(0, 100 × (1 − penalty / words)), penalty = Σ severity weight \
         (minor {}, major {}, critical {}, info 0), words = Σ per pair max(English words, Han × {}).",
        s.weights.minor, s.weights.major, s.weights.critical, s.words_per_han
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_file_and_line() {
        let text = "name = \"x_y\"\ncode = \"T1\"\ncheck = \"c\"\nseverity = \"minor\"\nmqm = \"m\"\nsummary = \"s\"\nmessage = \"m\"\ndocs = \"d\"\nsevrity = \"major\"\n";
        let err = parse_rule("rules/x.toml", text).unwrap_err();
        assert_eq!(err.file, "rules/x.toml");
        assert_eq!(err.line, Some(9), "{err}");
        assert!(err.message.contains("sevrity"), "{err}");
    }

    #[test]
    fn bad_severity_is_an_error_with_line() {
        let text = "name = \"x_y\"\ncode = \"T1\"\ncheck = \"c\"\nseverity = \"huge\"\nmqm = \"m\"\nsummary = \"s\"\nmessage = \"m\"\ndocs = \"d\"\n";
        let err = parse_rule("r.toml", text).unwrap_err();
        assert_eq!(err.line, Some(4), "{err}");
    }
}
