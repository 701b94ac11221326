//! Sentence splitting for Chinese and English.
//!
//! Chinese: a sentence ends after 。！？!? (both widths) or an ellipsis (……, …, ...), together
//! with any further enders and closing quotes/brackets that follow (” ’ 」 』 ） ) 》 】 and an
//! ASCII `"` that closes an open quote). A '.' between digits (3.5) never ends a sentence, and
//! ASCII '.' is not a Chinese ender at all (GPT-3.5, e.g.).
//!
//! English: a sentence ends after . ! ? or an ellipsis, plus closing quotes/brackets, when
//! whitespace follows and the next word does not start with a lower-case letter. A '.' does not
//! end a sentence after a known abbreviation (Mr. Dr. e.g. i.e. vs. ...), after an initial
//! (J. R. R. Tolkien), inside a number (3.5) or an acronym (U.S.). An ellipsis followed by a
//! capital starts a new sentence even without a space ("also…By the way"); one followed by a
//! lower-case word does not ("it's like…it will").
//!
//! A paragraph break ('\n') always ends a sentence, in both languages.
//!
//! Known limits: an abbreviation that really ends a sentence before a capital ("... in the
//! U.S. The next") stays joined for titles and Latin abbreviations; a sentence-final initial
//! ("Plan B. Then") is not split.

use crate::model::Lang;

/// A sentence of a segment: its text (trimmed), its byte offset in the segment's text, and the
/// 0-based paragraph ('\n'-separated line of the segment's text) it starts in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence<'a> {
    pub text: &'a str,
    pub start: usize,
    pub para: usize,
}

impl Sentence<'_> {
    /// Byte offset just past the sentence in the segment's text.
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }
}

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

/// Closing punctuation that stays with the sentence before it.
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | '）' | ')' | '》' | '】' | ']' | '〉' | '»'
    )
}

fn is_zh_ender(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '…' | '｡')
}

fn is_en_ender(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
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

/// Abbreviations after which a '.' never ends a sentence (compared lower-case, without the
/// final dot).
const NEVER_SPLIT: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "rev", "gen", "sen", "rep", "gov", "capt",
    "lt", "col", "sgt", "e.g", "i.e", "vs", "cf", "viz", "approx", "ca", "fig", "figs", "no",
    "nos", "vol", "vols", "pp", "p", "ch", "sec", "eq", "ref", "refs", "al", "dept", "est", "mt",
    "op", "u.s", "u.k", "u.n", "e.u",
];

/// Abbreviations that often end a sentence: split after them only before a capital.
const SPLIT_BEFORE_CAPITAL: &[&str] = &[
    "etc", "a.m", "p.m", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec",
];

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

#[cfg(test)]
mod tests {
    use super::*;

    fn zh(t: &str) -> Vec<&str> {
        split(t, Lang::Zh).into_iter().map(|s| s.text).collect()
    }
    fn en(t: &str) -> Vec<&str> {
        split(t, Lang::En).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn chinese_enders_of_both_widths() {
        // corpus line 1 and 5
        assert_eq!(
            zh("你知道什么最疯狂吗?就是这一切都是真的。"),
            vec!["你知道什么最疯狂吗?", "就是这一切都是真的。"]
        );
        assert_eq!(zh("真的！好吗？好。"), vec!["真的！", "好吗？", "好。"]);
    }

    #[test]
    fn chinese_ellipsis_of_both_kinds_ends_a_sentence() {
        // corpus line 5: "还有整个 Bay Area……这一切正在发生。"
        assert_eq!(
            zh(
                "所有这些 AI 的事情,还有整个 Bay Area……这一切正在发生。这难道不像是科幻小说里的情节吗?"
            ),
            vec![
                "所有这些 AI 的事情,还有整个 Bay Area……",
                "这一切正在发生。",
                "这难道不像是科幻小说里的情节吗?"
            ]
        );
        assert_eq!(zh("但现在就是觉得…我们"), vec!["但现在就是觉得…", "我们"]);
    }

    #[test]
    fn chinese_closing_quotes_stay_with_the_sentence() {
        // corpus line 29: ASCII quotes, the closing one follows the ender.
        assert_eq!(
            zh("你看那些 eval 然后会说,\"这些 eval 可不简单啊。\"它们做得很好。"),
            vec![
                "你看那些 eval 然后会说,\"这些 eval 可不简单啊。\"",
                "它们做得很好。"
            ]
        );
        assert_eq!(
            zh("他说：“你好。”然后走了。"),
            vec!["他说：“你好。”", "然后走了。"]
        );
        assert_eq!(zh("「好吧。」『是的！』"), vec!["「好吧。」", "『是的！』"]);
        assert_eq!(zh("（见上。）下一句。"), vec!["（见上。）", "下一句。"]);
    }

    #[test]
    fn chinese_quoted_inner_sentences() {
        // corpus line 30 (peers-and-facts 4.2: quoted inner sentences split).
        assert_eq!(
            zh(
                "模型说,\"天哪,你说得太对了。我有一个 bug。让我去修复它。\"然后它引入了第二个 bug。"
            ),
            vec![
                "模型说,\"天哪,你说得太对了。",
                "我有一个 bug。",
                "让我去修复它。\"",
                "然后它引入了第二个 bug。"
            ]
        );
        // peers-and-facts 4.2: "但现在就是觉得……我们" splits after the ellipsis.
        assert_eq!(zh("但现在就是觉得……我们"), vec!["但现在就是觉得……", "我们"]);
    }

    #[test]
    fn chinese_opening_ascii_quote_after_ender_starts_the_next_sentence() {
        assert_eq!(
            zh("他停了一下。\"继续吧。\"她说。"),
            vec!["他停了一下。", "\"继续吧。\"", "她说。"]
        );
    }

    #[test]
    fn chinese_decimals_and_dots_do_not_split() {
        assert_eq!(
            zh("增长了 3.5 倍,用的是 GPT-3.5。然后呢?"),
            vec!["增长了 3.5 倍,用的是 GPT-3.5。", "然后呢?"]
        );
    }

    #[test]
    fn chinese_ascii_period_after_han_ends_a_sentence() {
        // Debian Reference's Chinese ends sentences with ASCII '.'.
        assert_eq!(
            zh("千万不要和其他人共享 root 密码. 经验丰富的用户不这样做."),
            vec!["千万不要和其他人共享 root 密码.", "经验丰富的用户不这样做."]
        );
        assert_eq!(zh("版本 2.3 的 e.g. 用法"), vec!["版本 2.3 的 e.g. 用法"]);
    }

    #[test]
    fn paragraph_breaks_always_end_a_sentence() {
        let s = split("第一段没有句号\n第二段。", Lang::Zh);
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].text, s[0].para), ("第一段没有句号", 0));
        assert_eq!((s[1].text, s[1].para, s[1].start), ("第二段。", 1, 22));
        let e = split("No period here\nNext one.", Lang::En);
        assert_eq!(e.iter().map(|s| s.para).collect::<Vec<_>>(), vec![0, 1]);
    }

    #[test]
    fn english_basic_enders_and_quotes() {
        // corpus line 2 and 34
        assert_eq!(
            en("You know what's crazy? That all of this is real."),
            vec!["You know what's crazy?", "That all of this is real."]
        );
        assert_eq!(
            en(
                "You look at the evals and you go, \"Those are pretty hard evals.\" They are doing so well."
            ),
            vec![
                "You look at the evals and you go, \"Those are pretty hard evals.\"",
                "They are doing so well."
            ]
        );
        assert_eq!(
            en("He said “stop.” Then he left!"),
            vec!["He said “stop.”", "Then he left!"]
        );
    }

    #[test]
    fn english_abbreviations_initials_decimals() {
        assert_eq!(
            en("Mr. Smith met Dr. Jones at 3 p.m. on Friday. They talked."),
            vec![
                "Mr. Smith met Dr. Jones at 3 p.m. on Friday.",
                "They talked."
            ]
        );
        assert_eq!(
            en("Use a tool, e.g. Vale, i.e. a linter. It works vs. others."),
            vec![
                "Use a tool, e.g. Vale, i.e. a linter.",
                "It works vs. others."
            ]
        );
        assert_eq!(
            en("The U.S. Army grew 3.5 percent. John F. Kennedy agreed."),
            vec!["The U.S. Army grew 3.5 percent.", "John F. Kennedy agreed."]
        );
        assert_eq!(
            en("Apples, pears, etc. Then we left."),
            vec!["Apples, pears, etc.", "Then we left."]
        );
        assert_eq!(
            en("Apples, pears, etc. are fruit."),
            vec!["Apples, pears, etc. are fruit."]
        );
    }

    #[test]
    fn english_ellipses() {
        // corpus line 6: "…" followed by lower case continues the sentence.
        assert_eq!(
            en(
                "All this AI stuff and all this Bay Area… that it's happening. Isn't it straight out of science fiction?"
            ),
            vec![
                "All this AI stuff and all this Bay Area… that it's happening.",
                "Isn't it straight out of science fiction?"
            ]
        );
        // corpus line 295: "…" followed by a capital starts a new sentence.
        assert_eq!(
            en("human-like learners that are also… By the way, maybe they are."),
            vec![
                "human-like learners that are also…",
                "By the way, maybe they are."
            ]
        );
        assert_eq!(
            en("I think stalling out will look like…it will all look similar."),
            vec!["I think stalling out will look like…it will all look similar."]
        );
        assert_eq!(
            en("Wait... What happened?"),
            vec!["Wait...", "What happened?"]
        );
    }

    #[test]
    fn offsets_point_into_the_text() {
        let t = "One. Two?\nThree!";
        for s in split(t, Lang::En) {
            assert_eq!(&t[s.start..s.end()], s.text);
        }
        let z = "一。二?\n三!";
        for s in split(z, Lang::Zh) {
            assert_eq!(&z[s.start..s.end()], s.text);
        }
    }
}
