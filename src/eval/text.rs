//! Sentence and word spans for the injectors.
//!
//! Deliberately simple and independent of `crate::text::sentences`: the injectors must cut
//! where a careful human editor would see a sentence end, whatever the tool's splitter does.
//! English ends a sentence at `.`, `!`, `?` or `…` (closing quotes allowed) followed by a space
//! and a capital, digit or quote, except after common abbreviations and initials; Chinese at
//! `。！？!?` (closing quotes allowed).

/// Byte spans `(start, end)` of the sentences of `text`, trimmed.
pub fn sentences_en(text: &str) -> Vec<(usize, usize)> {
    const ABBREV: &[&str] = &[
        "e.g", "i.e", "etc", "vs", "Mr", "Mrs", "Ms", "Dr", "St", "cf", "al", "Fig", "No", "Vol",
        "approx", "Inc", "Ltd", "Jr", "Sr",
    ];
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        if matches!(c, '.' | '!' | '?' | '…') {
            let mut e = k + 1;
            while e < chars.len() && matches!(chars[e].1, '"' | '\'' | '”' | '’' | ')' | '.' | '…')
            {
                e += 1;
            }
            let end_byte = chars.get(e).map_or(text.len(), |x| x.0);
            let at_end = e >= chars.len();
            let next_ok = at_end
                || (chars[e].1.is_whitespace()
                    && chars.get(e + 1).is_some_and(|n| {
                        n.1.is_uppercase()
                            || n.1.is_ascii_digit()
                            || matches!(n.1, '"' | '“' | '‘' | '(')
                    }));
            let word_before: String = text[start..i]
                .rsplit(|ch: char| ch.is_whitespace() || ch == '(')
                .next()
                .unwrap_or("")
                .to_string();
            let abbrev = c == '.'
                && (ABBREV.iter().any(|a| word_before.eq_ignore_ascii_case(a))
                    || (word_before.chars().count() == 1
                        && word_before.chars().all(|w| w.is_uppercase())));
            if next_ok && !abbrev {
                push(&mut out, text, start, end_byte);
                start = end_byte;
            }
            k = e;
            let _ = i;
            continue;
        }
        k += 1;
    }
    push(&mut out, text, start, text.len());
    out
}

/// Byte spans of Chinese sentences (a paragraph break also ends one).
pub fn sentences_zh(text: &str) -> Vec<(usize, usize)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k].1;
        if matches!(c, '。' | '！' | '？' | '!' | '?' | '\n') {
            let mut e = k + 1;
            while e < chars.len() && matches!(chars[e].1, '”' | '」' | '』' | '"' | '）' | ')')
            {
                e += 1;
            }
            let end_byte = chars.get(e).map_or(text.len(), |x| x.0);
            push(&mut out, text, start, end_byte);
            start = end_byte;
            k = e;
            continue;
        }
        k += 1;
    }
    push(&mut out, text, start, text.len());
    out
}

fn push(out: &mut Vec<(usize, usize)>, text: &str, start: usize, end: usize) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    if !t.is_empty() {
        out.push((start + lead, start + lead + t.len()));
    }
}

/// Byte spans of whitespace-separated words.
pub fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

pub fn word_count(text: &str) -> usize {
    words(text).len()
}

pub fn han_count(text: &str) -> usize {
    crate::text::script::han_count(text)
}

/// Remove the byte span `(s, e)` and tidy the whitespace left behind (double spaces, empty
/// paragraphs).
pub fn remove_span(text: &str, s: usize, e: usize) -> String {
    let joined = format!("{}{}", &text[..s], &text[e..]);
    tidy(&joined)
}

/// Collapse runs of spaces, trim every paragraph, and drop empty paragraphs.
pub fn tidy(text: &str) -> String {
    text.split('\n')
        .map(|p| {
            p.split(' ')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(t: &str) -> Vec<&str> {
        sentences_en(t).into_iter().map(|(s, e)| &t[s..e]).collect()
    }

    #[test]
    fn english_sentences_respect_abbreviations_and_numbers() {
        assert_eq!(
            en("See Section 2.5.3, e.g. the file. It works! Does it? Yes."),
            [
                "See Section 2.5.3, e.g. the file.",
                "It works!",
                "Does it?",
                "Yes."
            ]
        );
        assert_eq!(
            en("He said \"go.\" Then left"),
            ["He said \"go.\"", "Then left"]
        );
    }

    #[test]
    fn chinese_sentences_split_on_full_stops() {
        let t = "你好。我是“他”！好吗?\n第二段";
        let v: Vec<&str> = sentences_zh(t).into_iter().map(|(s, e)| &t[s..e]).collect();
        assert_eq!(v, ["你好。", "我是“他”！", "好吗?", "第二段"]);
    }

    #[test]
    fn remove_span_tidies() {
        let t = "One. Two three. Four.";
        assert_eq!(remove_span(t, 5, 15), "One. Four.");
    }
}
