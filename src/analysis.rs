//! Document-level analyses shared by several checks (length calibration, alignment),
//! computed at most once per document on first use.

use crate::model::Document;
use std::sync::OnceLock;

/// One per document audit; fields are `OnceLock`s filled by whichever check needs them first.
#[derive(Default)]
pub struct Shared {
    length: OnceLock<LengthModel>,
    alignment: OnceLock<crate::align::Alignment>,
}

impl Shared {
    /// The document's calibrated length model.
    pub fn length(&self, doc: &Document) -> &LengthModel {
        self.length.get_or_init(|| LengthModel::fit(doc))
    }

    /// The document's alignment (see `align::document`), computed once.
    pub fn alignment(
        &self,
        doc: &Document,
        lexicon: Option<&crate::lexicon::Lexicon>,
    ) -> &crate::align::Alignment {
        self.alignment
            .get_or_init(|| crate::align::align(doc, lexicon, self.length(doc)))
    }
}

/// English/Chinese length model calibrated on the document.
///
/// PLACEHOLDER (owned by the length_ratio work): a fixed ratio until the robust per-document
/// calibration replaces it. Other checks use only `expected_en` and `z`.
#[derive(Debug, Clone)]
pub struct LengthModel {
    /// English characters per Chinese character at the centre.
    pub ratio: f64,
}

impl LengthModel {
    pub fn fit(_doc: &Document) -> LengthModel {
        LengthModel { ratio: 2.8 }
    }
    /// Expected English length (chars) for a Chinese length (chars).
    pub fn expected_en(&self, zh_chars: f64) -> f64 {
        zh_chars * self.ratio
    }
    /// How many standard deviations the observed English length is from the expected one
    /// (negative: too short). Tolerance widens as segments get shorter.
    pub fn z(&self, zh_chars: f64, en_chars: f64) -> f64 {
        let expected = self.expected_en(zh_chars);
        (en_chars - expected) / (42.0 * zh_chars.max(1.0)).sqrt()
    }
}
