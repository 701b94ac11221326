//! Resources loaded once per run and shared by every document: glossary, lexicon.

use crate::rules::ConfigError;
use crate::rules::settings::Settings;

/// Loaded once in `Engine::load`.
#[derive(Default)]
pub struct Resources {}

impl Resources {
    pub fn load(_settings: &Settings) -> Result<Resources, ConfigError> {
        Ok(Resources {})
    }
}
