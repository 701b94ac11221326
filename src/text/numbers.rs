//! Numbers in text, read the same way on both sides: ASCII and full-width digits, Chinese
//! numerals with 万/亿, percentages, English number words.
//!
//! PLACEHOLDER API (owned by the number_mismatch work): the digit-only reader below only fixes
//! the signature other modules build on; it is replaced by the real one.

use crate::model::Lang;

#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    pub value: f64,
    pub percent: bool,
    /// As written in the text.
    pub text: String,
}

pub fn extract(text: &str, _lang: Lang) -> Vec<Number> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || (c == '.' && !cur.is_empty()) {
            cur.push(c);
        } else if !cur.is_empty() {
            let t = cur.trim_end_matches('.').to_string();
            if let Ok(v) = t.parse() {
                out.push(Number {
                    value: v,
                    percent: c == '%',
                    text: t,
                });
            }
            cur.clear();
        }
    }
    out
}
