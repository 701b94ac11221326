//! Resources loaded once per run and shared by every document: glossary, lexicon.

use crate::glossary::Glossary;
use crate::rules::ConfigError;
use crate::rules::builtin;
use crate::rules::settings::Settings;

/// Loaded once in `Engine::load`.
#[derive(Default, Debug)]
pub struct Resources {
    /// From settings `resources.glossary`: `builtin:glossary.toml` is the embedded
    /// `rules/glossary.toml`, anything else a path. Empty when the setting is empty.
    pub glossary: Glossary,
}

impl Resources {
    pub fn load(settings: &Settings) -> Result<Resources, ConfigError> {
        let glossary = match settings.glossary.as_deref() {
            None => Glossary::default(),
            Some(spec) => load_glossary(spec)?,
        };
        Ok(Resources { glossary })
    }
}

fn load_glossary(spec: &str) -> Result<Glossary, ConfigError> {
    if let Some(name) = spec.strip_prefix("builtin:") {
        let (file, text) = builtin::GLOSSARY;
        if file.rsplit('/').next() != Some(name) {
            return Err(ConfigError::new(
                "settings",
                None,
                format!("resources.glossary: no built-in `{name}` (only `builtin:glossary.toml`)"),
            ));
        }
        return Glossary::parse(file, text);
    }
    let text = std::fs::read_to_string(spec)
        .map_err(|e| ConfigError::new(spec, None, format!("cannot read glossary: {e}")))?;
    Glossary::parse(spec, &text)
}
