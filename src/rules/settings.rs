//! Settings in layers: built-in `rules/settings.toml`, then the user's settings file (or the
//! `settings.toml` of their rules directory), then command-line flags. Raw layers are all
//! `Option`, merged field by field, then resolved once into `Settings`.

use super::ConfigError;
use crate::finding::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSettings {
    pub gate: Option<RawGate>,
    pub score: Option<RawScore>,
    pub resources: Option<RawResources>,
    /// Rules to run (names or codes, or code prefixes such as `TQA1`); empty means all.
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    /// Per-rule overrides: `[rules.length_ratio] severity = "minor"`.
    pub rules: Option<BTreeMap<String, RuleOverride>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGate {
    pub min_score: Option<f64>,
    pub fail_on: Option<Severity>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScore {
    pub minor: Option<f64>,
    pub major: Option<f64>,
    pub critical: Option<f64>,
    /// Evaluation word count of a Chinese segment with no English: Han characters × this.
    pub words_per_han: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResources {
    /// Glossary file (TOML, see rules/glossary.toml); relative paths are resolved against the
    /// file that names them.
    pub glossary: Option<String>,
    /// CC-CEDICT lexicon file (plain or .gz).
    pub lexicon: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleOverride {
    pub severity: Option<Severity>,
    pub enabled: Option<bool>,
    pub params: Option<toml::Table>,
}

fn pick<T>(base: Option<T>, over: Option<T>) -> Option<T> {
    over.or(base)
}

impl RawSettings {
    pub fn parse(file: &str, text: &str) -> Result<RawSettings, ConfigError> {
        let mut raw: RawSettings =
            toml::from_str(text).map_err(|e| ConfigError::from_toml(file, text, &e))?;
        // Resource paths are relative to the settings file that names them.
        if let Some(res) = raw.resources.as_mut() {
            let base = std::path::Path::new(file).parent().map(|p| p.to_path_buf());
            for p in [&mut res.glossary, &mut res.lexicon].into_iter().flatten() {
                if let Some(b) = &base
                    && !p.is_empty()
                    && !std::path::Path::new(p.as_str()).is_absolute()
                    && !p.starts_with("builtin:")
                {
                    *p = b.join(&*p).display().to_string();
                }
            }
        }
        Ok(raw)
    }

    /// `over` wins field by field; per-rule overrides merge key by key.
    pub fn merge(self, over: RawSettings) -> RawSettings {
        let gate = match (self.gate, over.gate) {
            (Some(a), Some(b)) => Some(RawGate {
                min_score: pick(a.min_score, b.min_score),
                fail_on: pick(a.fail_on, b.fail_on),
            }),
            (a, b) => b.or(a),
        };
        let score = match (self.score, over.score) {
            (Some(a), Some(b)) => Some(RawScore {
                minor: pick(a.minor, b.minor),
                major: pick(a.major, b.major),
                critical: pick(a.critical, b.critical),
                words_per_han: pick(a.words_per_han, b.words_per_han),
            }),
            (a, b) => b.or(a),
        };
        let resources = match (self.resources, over.resources) {
            (Some(a), Some(b)) => Some(RawResources {
                glossary: pick(a.glossary, b.glossary),
                lexicon: pick(a.lexicon, b.lexicon),
            }),
            (a, b) => b.or(a),
        };
        let rules = match (self.rules, over.rules) {
            (Some(mut a), Some(b)) => {
                for (k, o) in b {
                    let merged = match a.remove(&k) {
                        Some(base) => RuleOverride {
                            severity: pick(base.severity, o.severity),
                            enabled: pick(base.enabled, o.enabled),
                            params: match (base.params, o.params) {
                                (Some(mut p), Some(q)) => {
                                    p.extend(q);
                                    Some(p)
                                }
                                (p, q) => q.or(p),
                            },
                        },
                        None => o,
                    };
                    a.insert(k, merged);
                }
                Some(a)
            }
            (a, b) => b.or(a),
        };
        RawSettings {
            gate,
            score,
            resources,
            select: pick(self.select, over.select),
            ignore: pick(self.ignore, over.ignore),
            rules,
        }
    }

    pub fn resolve(self) -> Settings {
        let gate = self.gate.unwrap_or_default();
        let score = self.score.unwrap_or_default();
        let res = self.resources.unwrap_or_default();
        let nonempty = |s: Option<String>| s.filter(|s| !s.is_empty());
        Settings {
            min_score: gate.min_score.unwrap_or(90.0),
            fail_on: gate.fail_on.unwrap_or(Severity::Critical),
            weights: Weights {
                minor: score.minor.unwrap_or(1.0),
                major: score.major.unwrap_or(5.0),
                critical: score.critical.unwrap_or(25.0),
            },
            words_per_han: score.words_per_han.unwrap_or(0.67),
            glossary: nonempty(res.glossary),
            lexicon: nonempty(res.lexicon).map(PathBuf::from),
            select: self.select.unwrap_or_default(),
            ignore: self.ignore.unwrap_or_default(),
            overrides: self.rules.unwrap_or_default(),
        }
    }
}

/// MQM severity multipliers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub minor: f64,
    pub major: f64,
    pub critical: f64,
}

impl Weights {
    pub fn of(&self, s: Severity) -> f64 {
        match s {
            Severity::Info => 0.0,
            Severity::Minor => self.minor,
            Severity::Major => self.major,
            Severity::Critical => self.critical,
        }
    }
}

/// Resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub min_score: f64,
    pub fail_on: Severity,
    pub weights: Weights,
    pub words_per_han: f64,
    /// `builtin:glossary.toml` or a path.
    pub glossary: Option<String>,
    pub lexicon: Option<PathBuf>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub overrides: BTreeMap<String, RuleOverride>,
}

impl Default for Settings {
    fn default() -> Self {
        RawSettings::default().resolve()
    }
}

/// True when `selector` (a rule name, a code, or a code prefix like `TQA1`) names the rule.
pub fn selects(selector: &str, name: &str, code: &str) -> bool {
    let s = selector.trim();
    s.eq_ignore_ascii_case(name)
        || s.eq_ignore_ascii_case(code)
        || (s.len() >= 3
            && code
                .to_ascii_uppercase()
                .starts_with(&s.to_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_layer_wins_field_by_field() {
        let base =
            RawSettings::parse("a", "[gate]\nmin_score = 90\nfail_on = \"critical\"\n").unwrap();
        let over = RawSettings::parse("b", "[gate]\nmin_score = 80\n").unwrap();
        let s = base.merge(over).resolve();
        assert_eq!(s.min_score, 80.0);
        assert_eq!(s.fail_on, Severity::Critical);
    }

    #[test]
    fn unknown_settings_key_fails_with_line() {
        let err = RawSettings::parse("s.toml", "[gate]\nmin_scor = 3\n").unwrap_err();
        assert_eq!(err.line, Some(2), "{err}");
    }

    #[test]
    fn selectors_match_name_code_and_prefix() {
        assert!(selects("speaker_swap", "speaker_swap", "TQA401"));
        assert!(selects("tqa401", "speaker_swap", "TQA401"));
        assert!(selects("TQA4", "speaker_swap", "TQA401"));
        assert!(!selects("TQA1", "speaker_swap", "TQA401"));
    }
}
