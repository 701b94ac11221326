//! The first sentence splitter, over the characters of each line (`char_indices`), kept as the
//! test oracle of the byte-level one in `sentences`: same grammar, written the plain way. It
//! shares the grammar's lists and character classes with `sentences` (`is_closer`,
//! `is_zh_ender`, `is_en_ender`, `NEVER_SPLIT`, `SPLIT_BEFORE_CAPITAL`); a deliberate change of
//! the scanning rules goes into both.

use super::Sentence;
use super::{NEVER_SPLIT, SPLIT_BEFORE_CAPITAL, is_closer, is_en_ender, is_zh_ender};
use crate::model::Lang;

/// Split a segment's text into sentences. Never drops text: the sentences, with the
/// whitespace between them, cover the whole input.
pub fn split(text: &str, lang: Lang) -> Vec<Sentence<'_>> {
    let mut out = Vec::new();
    let mut offset = 0;
    // Buffers shared by the lines: the line's characters and its cuts.
    let mut chars = Vec::new();
    let mut cuts = Vec::new();
    for (para, line) in text.split('\n').enumerate() {
        cuts.clear();
        // Every cut starts at an ender ('.' counts in Chinese too): a line without one has
        // none, and its characters need not be listed.
        let cut = match lang {
            Lang::Zh => line.contains(|c| is_zh_ender(c) || c == '.'),
            Lang::En => line.contains(is_en_ender),
        };
        if cut {
            chars.clear();
            // At most one character per byte: reserving that up front spares the repeated
            // growth that collecting from `char_indices` (which under-estimates) goes through.
            chars.reserve(line.len());
            chars.extend(line.char_indices());
            match lang {
                Lang::Zh => zh_cuts(line, &chars, &mut cuts),
                Lang::En => en_cuts(&chars, &mut cuts),
            }
        }
        let mut start = 0;
        for &end in cuts.iter().chain(std::iter::once(&line.len())) {
            push(&mut out, line, offset, start, end, para);
            start = end;
        }
        offset += line.len() + 1;
    }
    out
}

fn push<'a>(
    out: &mut Vec<Sentence<'a>>,
    line: &'a str,
    offset: usize,
    start: usize,
    end: usize,
    para: usize,
) {
    if end <= start {
        return;
    }
    let s = &line[start..end];
    let t = s.trim();
    if !t.is_empty() {
        let lead = s.len() - s.trim_start().len();
        out.push(Sentence {
            text: t,
            start: offset + start + lead,
            para,
        });
    }
}

/// Byte offsets (in `line`, whose `char_indices` are `chars`) where a Chinese sentence ends,
/// appended to `cuts`.
fn zh_cuts(line: &str, chars: &[(usize, char)], cuts: &mut Vec<usize>) {
    let mut quotes_open = false; // ASCII '"' parity: true while inside "..."
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if c == '"' {
            quotes_open = !quotes_open;
        }
        let ellipsis3 = c == '.' && is_dots(chars, i);
        // Some translators end Chinese sentences with an ASCII '.': count it after a Han
        // character when a space, Han character or the end follows (never 3.5 or e.g.).
        let han_period = c == '.'
            && i > 0
            && crate::text::script::is_han(chars[i - 1].1)
            && chars
                .get(i + 1)
                .is_none_or(|&(_, n)| n.is_whitespace() || crate::text::script::is_han(n));
        if han_period {
            let end = chars.get(i + 1).map_or(line.len(), |&(b, _)| b);
            if end < line.len() {
                cuts.push(end);
            }
            i += 1;
            continue;
        }
        if !(is_zh_ender(c) || ellipsis3) {
            i += 1;
            continue;
        }
        // Run of enders (。」, ?!, ……, ...).
        let mut j = i;
        while j < chars.len() && (is_zh_ender(chars[j].1) || chars[j].1 == '.') {
            j += 1;
        }
        // A '.' run that is a decimal point or a single dot is not an ender in Chinese.
        if chars[i..j].iter().all(|&(_, c)| c == '.') && j - i < 3 {
            i = j;
            continue;
        }
        j = absorb_closers(chars, j, &mut quotes_open);
        let end = chars.get(j).map_or(line.len(), |&(b, _)| b);
        if end < line.len() {
            cuts.push(end);
        }
        i = j;
    }
}

/// Three or more dots starting at i.
fn is_dots(chars: &[(usize, char)], i: usize) -> bool {
    chars.len() >= i + 3 && chars[i..i + 3].iter().all(|&(_, c)| c == '.')
}

/// Skip closing quotes/brackets after an ender; an ASCII '"' counts only when it closes.
fn absorb_closers(chars: &[(usize, char)], mut j: usize, quotes_open: &mut bool) -> usize {
    while j < chars.len() {
        let c = chars[j].1;
        if is_closer(c) {
            j += 1;
        } else if c == '"' && *quotes_open {
            *quotes_open = false;
            j += 1;
        } else if c == '\'' && j + 1 < chars.len() && chars[j + 1].1.is_whitespace() {
            j += 1;
        } else {
            break;
        }
    }
    j
}

/// Byte offsets (in the line whose `char_indices` are `chars`) where an English sentence ends,
/// appended to `cuts`.
fn en_cuts(chars: &[(usize, char)], cuts: &mut Vec<usize>) {
    let mut quotes_open = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if c == '"' {
            quotes_open = !quotes_open;
        }
        if !is_en_ender(c) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && is_en_ender(chars[j].1) {
            j += 1;
        }
        let run: String = chars[i..j].iter().map(|&(_, c)| c).collect();
        let ellipsis = run.contains('…') || run.contains("...");
        let mut quotes_after = quotes_open;
        let k = absorb_closers(chars, j, &mut quotes_after);
        // What follows: whitespace, then maybe opening quotes, then the next word.
        let mut n = k;
        let mut space = false;
        while n < chars.len() && chars[n].1.is_whitespace() {
            n += 1;
            space = true;
        }
        if n >= chars.len() {
            // End of line: the paragraph break ends it anyway.
            break;
        }
        let mut m = n;
        while m < chars.len() && matches!(chars[m].1, '"' | '“' | '‘' | '(' | '[' | '\'') {
            m += 1;
        }
        let next = chars.get(m).map(|&(_, c)| c);
        let next_lower = next.is_some_and(|c| c.is_lowercase());
        let next_upper = next.is_some_and(|c| c.is_uppercase());
        let split = if ellipsis {
            // "…" ends a sentence only when a capital follows ("also… By the way").
            next_upper || (space && next.is_some_and(|c| c.is_ascii_digit()))
        } else if !space || next_lower {
            false
        } else if run.starts_with('.') && run.len() == 1 {
            period_ends_sentence(chars, i, next_upper)
        } else {
            true
        };
        if split {
            quotes_open = quotes_after;
            cuts.push(chars[k].0.min(chars[n].0));
            i = k;
        } else {
            i = j;
        }
    }
}

/// Whether the single '.' at `i` ends a sentence (something follows after whitespace and
/// it is not lower-case).
fn period_ends_sentence(chars: &[(usize, char)], i: usize, next_upper: bool) -> bool {
    // The word before the dot: back to whitespace or an opening bracket/quote.
    let mut s = i;
    while s > 0 {
        let c = chars[s - 1].1;
        if c.is_whitespace() || matches!(c, '(' | '[' | '"' | '“' | '‘') {
            break;
        }
        s -= 1;
    }
    let word: String = chars[s..i].iter().map(|&(_, c)| c).collect();
    if word.is_empty() {
        return true;
    }
    let lower = word.to_lowercase();
    if NEVER_SPLIT.contains(&lower.as_str()) {
        return false;
    }
    if SPLIT_BEFORE_CAPITAL.contains(&lower.as_str()) {
        return next_upper;
    }
    let letters: Vec<char> = word.chars().collect();
    // An initial: one capital letter ("John F. Kennedy").
    if letters.len() == 1 && letters[0].is_uppercase() {
        return false;
    }
    // Dotted acronyms (U.S.A, e.g, Ph.D): letters separated by dots.
    if word.contains('.') && word.split('.').all(|p| p.chars().count() <= 2) {
        return next_upper && !word.chars().all(|c| c.is_uppercase() || c == '.');
    }
    // A list number at the start of a line ("1. Install").
    if s == 0 && word.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    true
}
