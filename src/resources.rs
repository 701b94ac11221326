//! Resources loaded once per run and shared by every document: glossary, lexicon.

use crate::lexicon::Lexicon;
use crate::rules::ConfigError;
use crate::rules::settings::Settings;
use std::sync::Arc;

/// Loaded once in `Engine::load`.
#[derive(Default)]
pub struct Resources {
    /// CC-CEDICT lexicon for the alignment model (`--lexicon`, `[resources] lexicon`).
    pub lexicon: Option<Arc<Lexicon>>,
}

impl Resources {
    pub fn load(settings: &Settings) -> Result<Resources, ConfigError> {
        let lexicon = match &settings.lexicon {
            Some(p) => Some(Arc::new(Lexicon::load(p).map_err(|m| {
                ConfigError::new(&p.display().to_string(), None, format!("lexicon: {m}"))
            })?)),
            None => None,
        };
        Ok(Resources { lexicon })
    }
}
