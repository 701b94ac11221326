//! Resources loaded once per run and shared by every document: glossary, lexicon.

use crate::glossary::Glossary;
use crate::lexicon::Lexicon;
use crate::rules::ConfigError;
use crate::rules::builtin;
use crate::rules::settings::Settings;
use std::sync::Arc;

/// Loaded once in `Engine::load`.
#[derive(Default)]
pub struct Resources {
    /// From settings `resources.glossary`: `builtin:glossary.toml` is the embedded
    /// `rules/glossary.toml`, anything else a path. Empty when the setting is empty.
    pub glossary: Glossary,
    /// CC-CEDICT lexicon for the alignment model (`--lexicon`, `[resources] lexicon`).
    pub lexicon: Option<Arc<Lexicon>>,
}

impl Resources {
    /// The glossary and the lexicon load in parallel; a glossary error is reported first.
    pub fn load(settings: &Settings) -> Result<Resources, ConfigError> {
        let (glossary, lexicon) = rayon::join(
            || match settings.glossary.as_deref() {
                None => Ok(Glossary::default()),
                Some(spec) => load_glossary(spec),
            },
            || match &settings.lexicon {
                Some(p) => Lexicon::load(p).map(|l| Some(Arc::new(l))).map_err(|m| {
                    ConfigError::new(&p.display().to_string(), None, format!("lexicon: {m}"))
                }),
                None => Ok(None),
            },
        );
        Ok(Resources {
            glossary: glossary?,
            lexicon: lexicon?,
        })
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
