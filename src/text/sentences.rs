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
///
/// Works on the bytes of each line: every cut starts at an ender or an ASCII '"' (whose
/// parity decides which quotes close), all of whose first bytes are in a small set (see
/// `next_candidate`), so the lines are scanned 16 bytes at a time for those and characters
/// are decoded only around them. `reference::split` (tests only) is the same grammar over the
/// characters of each line.
pub fn split(text: &str, lang: Lang) -> Vec<Sentence<'_>> {
    let mut out = Vec::new();
    let mut offset = 0;
    // Shared by the lines: the line's cuts.
    let mut cuts = Vec::new();
    // The lines (`text.split('\n')`), found with the `memchr` crate's wider scan.
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
    for (para, end) in ends.enumerate() {
        let line = &text[offset..end];
        cuts.clear();
        match lang {
            Lang::Zh => zh_cuts(line, &mut cuts),
            Lang::En => en_cuts(line, &mut cuts),
        }
        // This line's sentences at most (one more than its cuts): no growth on the way.
        out.reserve(cuts.len() + 1);
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

/// Whether a character starting with byte `b` may be one the cutters act on: '"' (quote
/// parity), '.', '!', '?', and the lead bytes of '…' (E2 80 A6) and, in Chinese, of '。'
/// (E3 80 82), '！' (EF BC 81), '？' (EF BC 9F) and '｡' (EF BD A1). Other characters with
/// these lead bytes ('“', '，', ...) are candidates too and are decoded and passed over.
#[inline(always)]
fn is_candidate<const ZH: bool>(b: u8) -> bool {
    matches!(b, b'"' | b'.' | b'!' | b'?' | 0xE2) || (ZH && matches!(b, 0xE3 | 0xEF))
}

/// The first position `>= i` in `b` holding a candidate byte (`is_candidate`), or `b.len()`:
/// 16 bytes at a time, then byte by byte for the last few.
#[inline]
fn next_candidate<const ZH: bool>(b: &[u8], mut i: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    while i + 16 <= b.len() {
        use crate::text::simd::in_range;
        use std::arch::x86_64::*;
        // SAFETY: `i + 16 <= b.len()`, so the 16 bytes read are in `b` (an unaligned load);
        // SSE2 is part of the x86-64 baseline.
        let mask = unsafe {
            let x = _mm_loadu_si128(b.as_ptr().add(i) as *const __m128i);
            let eq = |c: u8| _mm_cmpeq_epi8(x, _mm_set1_epi8(c as i8));
            // '!' and '"' are 0x21 and 0x22.
            let mut m = _mm_or_si128(in_range(x, b'!', 2), _mm_or_si128(eq(b'.'), eq(b'?')));
            if ZH {
                m = _mm_or_si128(m, _mm_or_si128(in_range(x, 0xE2, 2), eq(0xEF)));
            } else {
                m = _mm_or_si128(m, eq(0xE2));
            }
            _mm_movemask_epi8(m) as u32
        };
        if mask != 0 {
            return i + mask.trailing_zeros() as usize;
        }
        i += 16;
    }
    while i < b.len() && !is_candidate::<ZH>(b[i]) {
        i += 1;
    }
    i
}

/// The character starting at byte `i` of `s` (a character boundary), if any.
#[inline(always)]
fn char_at(s: &str, i: usize) -> Option<char> {
    s[i..].chars().next()
}

/// The character ending at byte `i` of `s` (a character boundary), if any.
#[inline(always)]
fn char_before(s: &str, i: usize) -> Option<char> {
    s[..i].chars().next_back()
}

/// Byte offsets in `line` where a Chinese sentence ends, appended to `cuts`.
fn zh_cuts(line: &str, cuts: &mut Vec<usize>) {
    use crate::text::script::is_han;
    let b = line.as_bytes();
    let mut quotes_open = false; // ASCII '"' parity: true while inside "..."
    let mut i = 0;
    loop {
        // Characters before the next candidate are none of '"', '.' and the enders: the
        // scan would pass over them.
        i = next_candidate::<true>(b, i);
        let Some(c) = char_at(line, i) else {
            break;
        };
        if c == '"' {
            quotes_open = !quotes_open;
        }
        let ellipsis3 = c == '.' && b[i..].starts_with(b"...");
        // Some translators end Chinese sentences with an ASCII '.': count it after a Han
        // character when a space, Han character or the end follows (never 3.5 or e.g.).
        let han_period = c == '.'
            && char_before(line, i).is_some_and(is_han)
            && char_at(line, i + 1).is_none_or(|n| n.is_whitespace() || is_han(n));
        if han_period {
            if i + 1 < line.len() {
                cuts.push(i + 1);
            }
            i += 1;
            continue;
        }
        if !(is_zh_ender(c) || ellipsis3) {
            i += c.len_utf8();
            continue;
        }
        // Run of enders (。」, ?!, ……, ...).
        let mut j = i;
        while let Some(c) = char_at(line, j)
            && (is_zh_ender(c) || c == '.')
        {
            j += c.len_utf8();
        }
        // A '.' run that is a decimal point or a single dot is not an ender in Chinese.
        if j - i < 3 && b[i..j].iter().all(|&x| x == b'.') {
            i = j;
            continue;
        }
        j = absorb_closers(line, j, &mut quotes_open);
        if j < line.len() {
            cuts.push(j);
        }
        i = j;
    }
}

/// Skip closing quotes/brackets after an ender (from byte `j` of `line`); an ASCII '"' counts
/// only when it closes.
fn absorb_closers(line: &str, mut j: usize, quotes_open: &mut bool) -> usize {
    while let Some(c) = char_at(line, j) {
        if is_closer(c) {
            j += c.len_utf8();
        } else if c == '"' && *quotes_open {
            *quotes_open = false;
            j += 1;
        } else if c == '\'' && char_at(line, j + 1).is_some_and(char::is_whitespace) {
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

/// Bytes of the longest word of `NEVER_SPLIT` and `SPLIT_BEFORE_CAPITAL`.
const LISTED_MAX: usize = 6;

/// Byte offsets in `line` where an English sentence ends, appended to `cuts`.
fn en_cuts(line: &str, cuts: &mut Vec<usize>) {
    let b = line.as_bytes();
    let mut quotes_open = false;
    let mut i = 0;
    loop {
        i = next_candidate::<false>(b, i);
        let Some(c) = char_at(line, i) else {
            break;
        };
        if c == '"' {
            quotes_open = !quotes_open;
        }
        if !is_en_ender(c) {
            i += c.len_utf8();
            continue;
        }
        let mut j = i;
        while let Some(c) = char_at(line, j)
            && is_en_ender(c)
        {
            j += c.len_utf8();
        }
        let run = &line[i..j];
        // Both ellipses are three bytes: a shorter run (nearly always a lone '.') holds none.
        let ellipsis = run.len() >= 3 && (run.contains('…') || run.contains("..."));
        let mut quotes_after = quotes_open;
        let k = absorb_closers(line, j, &mut quotes_after);
        // What follows: whitespace, then maybe opening quotes, then the next word.
        let mut n = k;
        let mut space = false;
        while let Some(c) = char_at(line, n)
            && c.is_whitespace()
        {
            n += c.len_utf8();
            space = true;
        }
        if n >= line.len() {
            // End of line: the paragraph break ends it anyway.
            break;
        }
        let mut m = n;
        while let Some(c @ ('"' | '“' | '‘' | '(' | '[' | '\'')) = char_at(line, m) {
            m += c.len_utf8();
        }
        let next = char_at(line, m);
        let next_lower = next.is_some_and(|c| c.is_lowercase());
        let next_upper = next.is_some_and(|c| c.is_uppercase());
        let split = if ellipsis {
            // "…" ends a sentence only when a capital follows ("also… By the way").
            next_upper || (space && next.is_some_and(|c| c.is_ascii_digit()))
        } else if !space || next_lower {
            false
        } else if run == "." {
            period_ends_sentence(line, i, next_upper)
        } else {
            true
        };
        if split {
            quotes_open = quotes_after;
            cuts.push(k);
            i = k;
        } else {
            i = j;
        }
    }
}

/// Whether the single '.' at byte `i` of `line` ends a sentence (something follows after
/// whitespace and it is not lower-case).
fn period_ends_sentence(line: &str, i: usize, next_upper: bool) -> bool {
    // The word before the dot: back to whitespace or an opening bracket/quote.
    let mut s = i;
    while let Some(c) = char_before(line, s) {
        if c.is_whitespace() || matches!(c, '(' | '[' | '"' | '“' | '‘') {
            break;
        }
        s -= c.len_utf8();
    }
    let word = &line[s..i];
    if word.is_empty() {
        return true;
    }
    // The lists are ASCII: an ASCII word compares ignoring ASCII case, which is what
    // lower-casing it does (no `String` per word); any other goes through `to_lowercase`
    // (the Kelvin sign lower-cases to 'k'). No listed word is longer than `LISTED_MAX`.
    let listed = |list: &[&str]| {
        if word.is_ascii() {
            word.len() <= LISTED_MAX && list.iter().any(|w| w.eq_ignore_ascii_case(word))
        } else {
            list.contains(&word.to_lowercase().as_str())
        }
    };
    if listed(NEVER_SPLIT) {
        return false;
    }
    if listed(SPLIT_BEFORE_CAPITAL) {
        return next_upper;
    }
    // An initial: one capital letter ("John F. Kennedy").
    let mut letters = word.chars();
    if let (Some(c), None) = (letters.next(), letters.next())
        && c.is_uppercase()
    {
        return false;
    }
    // Dotted acronyms (U.S.A, e.g, Ph.D): letters separated by dots.
    if word.contains('.') && word.split('.').all(|p| p.chars().count() <= 2) {
        return next_upper && !word.chars().all(|c| c.is_uppercase() || c == '.');
    }
    // A list number at the start of a line ("1. Install").
    if s == 0 && word.bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    true
}

#[cfg(test)]
mod reference;

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

    /// The splitter equals its oracle (`reference::split`) on `t`, in both languages.
    fn same_as_reference(t: &str) {
        for lang in [Lang::Zh, Lang::En] {
            assert_eq!(split(t, lang), reference::split(t, lang), "{lang:?} {t:?}");
        }
    }

    #[test]
    fn equals_the_reference_on_every_debian_cell() {
        crate::test_support::each_debian_cell(same_as_reference);
    }

    #[test]
    fn equals_the_reference_on_the_interview() {
        use crate::test_support::{INTERVIEW, shared_file};
        let Some(t) = shared_file(INTERVIEW) else {
            return;
        };
        for line in t.lines() {
            same_as_reference(line);
        }
        same_as_reference(&t);
    }

    /// Every character in each place the grammar looks at: the word before a period, after
    /// an ender (closer, space, next word), as the next word's first letter, next to '.' in
    /// Chinese, inside quotes, and long lines so the 16-byte scan meets it too.
    #[test]
    fn equals_the_reference_around_every_character() {
        for c in crate::test_support::every_char() {
            same_as_reference(&format!(
                "{c}. {c}A{c}.{c} B. {c}x. \"{c}!\" {c}… U.{c}. Mr{c}. 汉.{c}汉。{c}”{c}?{c}"
            ));
        }
    }

    /// Pieces the generated texts are made of: enders of both languages, closers and
    /// quotes, whitespace of several kinds, abbreviations, initials, digits, words of both
    /// cases, Han characters and characters sharing the enders' lead bytes.
    const PIECES: &[&str] = &[
        ".", ".", "!", "?", "…", "...", "..", "。", "！", "？", "｡", "\"", "\"", "'", "”", "’",
        "“", "‘", "」", "』", "）", ")", "(", "[", "]", "》", "】", "〉", "»", "（", "，", "、",
        " ", " ", " ", "  ", "\t", "\u{3000}", "\u{a0}", "\n", "Mr", "mr", "e.g", "E.G", "U.S",
        "u.k", "etc", "Etc", "a.m", "Dec", "no", "p", "J", "F", "Ph.D", "K", "\u{212a}", "İ", "1",
        "3", "12", "3.5", "GPT", "the", "The", "word", "Word", "a", "i", "中", "文", "句", "子",
        "好", "汉", "〇", "ß", "É", "é", "—", "–", "\u{2028}", "\u{85}",
    ];

    #[test]
    fn equals_the_reference_on_generated_texts() {
        let mut rng = crate::test_support::XorShift::new(0x5e17_e9ce);
        for _ in 0..40_000 {
            let n = 1 + rng.index(40);
            let t: String = (0..n).map(|_| PIECES[rng.index(PIECES.len())]).collect();
            same_as_reference(&t);
        }
    }

    /// The 16-byte scan stops where the byte-by-byte one does, from every start.
    #[test]
    fn next_candidate_is_the_first_candidate_byte() {
        let mut rng = crate::test_support::XorShift::new(77);
        for _ in 0..2_000 {
            let n = rng.index(70);
            let b: Vec<u8> = (0..n).map(|_| rng.below(256) as u8).collect();
            for i in 0..=n {
                let zh = (i..n).find(|&k| is_candidate::<true>(b[k])).unwrap_or(n);
                let en = (i..n).find(|&k| is_candidate::<false>(b[k])).unwrap_or(n);
                assert_eq!(next_candidate::<true>(&b, i), zh, "{b:?} {i}");
                assert_eq!(next_candidate::<false>(&b, i), en, "{b:?} {i}");
            }
        }
        // Every byte value in every lane.
        for v in 0..=255u8 {
            for lane in 0..20 {
                let mut b = vec![b'x'; 20];
                b[lane] = v;
                let want = |zh: bool| match (zh, v) {
                    (_, b'"' | b'.' | b'!' | b'?' | 0xE2) | (true, 0xE3 | 0xEF) => lane,
                    _ => 20,
                };
                assert_eq!(next_candidate::<true>(&b, 0), want(true), "{v:#x} {lane}");
                assert_eq!(next_candidate::<false>(&b, 0), want(false), "{v:#x} {lane}");
            }
        }
    }

    #[test]
    fn no_listed_word_is_longer_than_listed_max() {
        let longest = NEVER_SPLIT
            .iter()
            .chain(SPLIT_BEFORE_CAPITAL)
            .map(|w| w.len());
        assert_eq!(longest.max(), Some(LISTED_MAX));
    }

    /// The candidate bytes are the first bytes of every character the cutters act on.
    #[test]
    fn every_acted_on_character_starts_with_a_candidate_byte() {
        for c in crate::test_support::every_char() {
            let first = c.to_string().as_bytes()[0];
            if c == '"' || is_zh_ender(c) || c == '.' {
                assert!(is_candidate::<true>(first), "{c:?}");
            }
            if c == '"' || is_en_ender(c) {
                assert!(is_candidate::<false>(first), "{c:?}");
            }
        }
    }
}
