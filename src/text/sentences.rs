//! Sentence splitting for Chinese and English.
//!
//! PLACEHOLDER API (owned by the missing_sentences work): the naive splitter below only fixes
//! the signature other modules build on; it is replaced by the real one.

use crate::model::Lang;

/// A sentence of a segment: its text (trimmed) and its byte offset in the segment's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence<'a> {
    pub text: &'a str,
    pub start: usize,
}

pub fn split(text: &str, lang: Lang) -> Vec<Sentence<'_>> {
    let enders: &[char] = match lang {
        Lang::Zh => &['。', '!', '?', '！', '？'],
        Lang::En => &['.', '!', '?'],
    };
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if enders.contains(&c) || c == '\n' {
            let end = i + c.len_utf8();
            push(&mut out, text, start, end);
            start = end;
        }
    }
    push(&mut out, text, start, text.len());
    out
}

fn push<'a>(out: &mut Vec<Sentence<'a>>, text: &'a str, start: usize, end: usize) {
    let s = &text[start..end];
    let t = s.trim();
    if !t.is_empty() {
        let lead = s.len() - s.trim_start().len();
        out.push(Sentence {
            text: t,
            start: start + lead,
        });
    }
}
