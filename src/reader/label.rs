//! The line shapes of the transcript layout, matched by hand: speaker labels (`**Name:** text`,
//! `Name: text`), Markdown headings and horizontal rules.
//!
//! Each matcher accepts exactly the language of the regular expression in its doc comment
//! (Unicode `\s`, `\w` and `\p{Han}`, leftmost-first captures as the `regex` crate gives them)
//! on a line without `\n`; the tests run the regex as the oracle on many lines. Why by hand:
//! compiling those Unicode-heavy patterns cost more than reading the whole document (they
//! were ~10 % of the CPU of auditing a 600-line interview, and most of a 2-line one), and the
//! backtracking search with captures cost as much again.

/// `^\*\*\s*([^*]{1,80}?)\s*(?:[:：]\s*\*\*|\*\*\s*[:：])\s*(.*)$`: the bold label
/// (`**Name:** text`, `**Name**: text`, full-width colons): (the name as captured, untrimmed;
/// the text after it).
///
/// How the leftmost-first search resolves: the leading `\s*` first takes every space, and the
/// lazy name grows one character at a time (never over a `*`, at most 80) until a separator
/// follows the spaces after it. Failing that, the leading `\s*` gives back its last space,
/// which becomes a one-character name, with the separator right after the spaces.
pub fn bold_label(line: &str) -> Option<(&str, &str)> {
    debug_assert!(!line.contains('\n'));
    let t = line.strip_prefix("**")?;
    let a = t.len() - t.trim_start().len();
    for (n, (i, c)) in t[a..].char_indices().enumerate() {
        if c == '*' || n == 80 {
            break;
        }
        let b = a + i + c.len_utf8();
        if let Some(rest) = separator(&t[b..]) {
            return Some((&t[a..b], rest));
        }
    }
    let last_space = t[..a].chars().next_back()?;
    separator(&t[a..]).map(|rest| (&t[a - last_space.len_utf8()..a], rest))
}

/// `\s*(?:[:：]\s*\*\*|\*\*\s*[:：])\s*` at the start of `s`: what follows it.
fn separator(s: &str) -> Option<&str> {
    let s = s.trim_start();
    let after = match s.strip_prefix([':', '：']) {
        Some(r) => r.trim_start().strip_prefix("**")?,
        None => s
            .strip_prefix("**")?
            .trim_start()
            .strip_prefix([':', '：'])?,
    };
    Some(after.trim_start())
}

/// `^((?:[A-Z][\w.'\-]*)(?: [A-Z][\w.'\-]*){0,3}|[\p{Han}·]{2,6})\s*[:：]\s*(.*)$`: the plain
/// label (`Name: text`: up to four capitalised words, or 2-6 Han characters): (the name as
/// captured, the text after it).
///
/// No backtracking changes the outcome: a word is followed by a character outside its class
/// (a shorter word would be followed by one inside it, which is neither a space nor a colon),
/// and a shorter Han run would be followed by a Han character, so only the longest reading
/// (four words at most) can be followed by the colon.
pub fn plain_label(line: &str) -> Option<(&str, &str)> {
    debug_assert!(!line.contains('\n'));
    let bytes = line.as_bytes();
    let word_char = |c: char| matches!(c, '.' | '\'' | '-') || regex_syntax::is_word_character(c);
    let end = if bytes.first().is_some_and(u8::is_ascii_uppercase) {
        let mut e = 0;
        for words in 1..=4 {
            // [A-Z] (one byte), then the longest run of word characters.
            e += 1;
            e = line[e..]
                .char_indices()
                .find(|&(_, c)| !word_char(c))
                .map_or(line.len(), |(i, _)| e + i);
            let another =
                bytes.get(e) == Some(&b' ') && bytes.get(e + 1).is_some_and(u8::is_ascii_uppercase);
            if words == 4 || !another {
                break;
            }
            e += 1;
        }
        e
    } else {
        let mut e = 0;
        let mut n = 0;
        for c in line.chars() {
            if n == 6 || !(c == '·' || is_han_script(c)) {
                break;
            }
            n += 1;
            e += c.len_utf8();
        }
        if n < 2 {
            return None;
        }
        e
    };
    let rest = line[end..]
        .trim_start()
        .strip_prefix([':', '：'])?
        .trim_start();
    Some((&line[..end], rest))
}

/// `^#{1,6}(\s|$)`: a Markdown heading.
pub fn is_heading(s: &str) -> bool {
    let n = s.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&n) && s[n..].chars().next().is_none_or(char::is_whitespace)
}

/// `^(\*\s*){3,}$|^(-\s*){3,}$|^(_\s*){3,}$`: a horizontal rule (three or more of one of
/// `*`, `-`, `_`, spaces between allowed).
pub fn is_rule_line(s: &str) -> bool {
    let Some(first @ ('*' | '-' | '_')) = s.chars().next() else {
        return false;
    };
    let mut n = 0;
    for c in s.chars() {
        if c == first {
            n += 1;
        } else if !c.is_whitespace() {
            return false;
        }
    }
    n >= 3
}

/// `\p{Han}` (Unicode Script=Han, as in the `regex` crate's tables; the tests compare every
/// character with the regex).
fn is_han_script(c: char) -> bool {
    const HAN: &[(char, char)] = &[
        ('\u{2e80}', '\u{2e99}'),
        ('\u{2e9b}', '\u{2ef3}'),
        ('\u{2f00}', '\u{2fd5}'),
        ('\u{3005}', '\u{3005}'),
        ('\u{3007}', '\u{3007}'),
        ('\u{3021}', '\u{3029}'),
        ('\u{3038}', '\u{303b}'),
        ('\u{3400}', '\u{4dbf}'),
        ('\u{4e00}', '\u{9fff}'),
        ('\u{f900}', '\u{fa6d}'),
        ('\u{fa70}', '\u{fad9}'),
        ('\u{16fe2}', '\u{16fe3}'),
        ('\u{16ff0}', '\u{16ff1}'),
        ('\u{20000}', '\u{2a6df}'),
        ('\u{2a700}', '\u{2b739}'),
        ('\u{2b740}', '\u{2b81d}'),
        ('\u{2b820}', '\u{2cea1}'),
        ('\u{2ceb0}', '\u{2ebe0}'),
        ('\u{2ebf0}', '\u{2ee5d}'),
        ('\u{2f800}', '\u{2fa1d}'),
        ('\u{30000}', '\u{3134a}'),
        ('\u{31350}', '\u{323af}'),
    ];
    if c < '\u{2e80}' {
        return false;
    }
    HAN.binary_search_by(|&(lo, hi)| {
        if hi < c {
            std::cmp::Ordering::Less
        } else if lo > c {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    })
    .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    /// The regexes these matchers replace: the oracle.
    const BOLD: &str = r"^\*\*\s*([^*]{1,80}?)\s*(?:[:：]\s*\*\*|\*\*\s*[:：])\s*(.*)$";
    const PLAIN: &str =
        r"^((?:[A-Z][\w.'\-]*)(?: [A-Z][\w.'\-]*){0,3}|[\p{Han}·]{2,6})\s*[:：]\s*(.*)$";
    const HEADING: &str = r"^#{1,6}(\s|$)";
    const RULE: &str = r"^(\*\s*){3,}$|^(-\s*){3,}$|^(_\s*){3,}$";

    /// The character ranges of a one-class pattern, from the parser the `regex` crate uses.
    fn class(pattern: &str) -> Vec<(char, char)> {
        use regex_syntax::hir::{Class, HirKind};
        let hir = regex_syntax::Parser::new().parse(pattern).unwrap();
        match hir.kind() {
            HirKind::Class(Class::Unicode(c)) => {
                c.ranges().iter().map(|r| (r.start(), r.end())).collect()
            }
            k => panic!("{pattern}: not a Unicode class: {k:?}"),
        }
    }

    /// Every Unicode scalar value: the hand-written classes are the regex's classes.
    #[test]
    fn character_classes_are_the_regex_classes() {
        type Predicate = fn(char) -> bool;
        let cases: [(&str, Predicate); 3] = [
            (r"\s", char::is_whitespace),
            (r"\p{Han}", is_han_script),
            (r"[\w.'\-]", |c| {
                matches!(c, '.' | '\'' | '-') || regex_syntax::is_word_character(c)
            }),
        ];
        for (pattern, ours) in cases {
            let ranges = class(pattern);
            let inside = |c: char| {
                let k = ranges.partition_point(|&(lo, _)| lo <= c);
                k > 0 && c <= ranges[k - 1].1
            };
            let mut n = 0;
            for c in crate::test_support::every_char() {
                assert_eq!(ours(c), inside(c), "{pattern} on U+{:04X}", c as u32);
                n += usize::from(inside(c));
            }
            assert!(n > 20, "{pattern}: {n} characters");
        }
    }

    struct Oracle {
        bold: Regex,
        plain: Regex,
        heading: Regex,
        rule: Regex,
    }

    impl Oracle {
        fn new() -> Oracle {
            Oracle {
                bold: Regex::new(BOLD).unwrap(),
                plain: Regex::new(PLAIN).unwrap(),
                heading: Regex::new(HEADING).unwrap(),
                rule: Regex::new(RULE).unwrap(),
            }
        }
        /// The regexes and the matchers agree on `line` (captures included).
        fn check(&self, line: &str) {
            let caps = |r: &Regex| {
                r.captures(line)
                    .map(|c| (c.get(1).unwrap().as_str(), c.get(2).unwrap().as_str()))
            };
            assert_eq!(bold_label(line), caps(&self.bold), "bold label: {line:?}");
            assert_eq!(
                plain_label(line),
                caps(&self.plain),
                "plain label: {line:?}"
            );
            assert_eq!(is_heading(line), self.heading.is_match(line), "{line:?}");
            assert_eq!(is_rule_line(line), self.rule.is_match(line), "{line:?}");
        }
    }

    /// Pieces that matter to one of the patterns, and some that do not.
    const PIECES: &[&str] = &[
        "**", "*", ":", "：", " ", "\u{3000}", "\t", "\u{a0}", "A", "Ilya", "b", "é", "Ö", "你",
        "好", "·", ".", "'", "-", "_", "#", "1", "\r", "\u{200d}", "\u{301}", "Σ", "𠀀", "々", ",",
    ];

    #[test]
    fn every_short_line_over_the_pieces_matches_like_the_regexes() {
        let o = Oracle::new();
        let n = PIECES.len();
        // Every line of up to four pieces (~730k lines).
        let mut line = String::new();
        for len in 0..=4u32 {
            for mut k in 0..n.pow(len) {
                line.clear();
                for _ in 0..len {
                    line.push_str(PIECES[k % n]);
                    k /= n;
                }
                o.check(&line);
            }
        }
    }

    #[test]
    fn long_and_structured_lines_match_like_the_regexes() {
        let o = Oracle::new();
        // Names around the 80-character limit, with spaces and colons inside and around.
        for k in 70..=90 {
            for name in [
                "a".repeat(k),
                "你".repeat(k),
                format!(" {}", "x ".repeat(k / 2)),
            ] {
                for sep in [":**", "**:", "：**", "** ：", " :  ** ", ":*", "**"] {
                    for pre in ["**", "** ", "**\u{3000}\t"] {
                        o.check(&format!("{pre}{name}{sep} Hello."));
                        o.check(&format!("{pre}A: {name}{sep}x"));
                    }
                }
            }
        }
        // Plain labels: 1-6 words, Han names of 1-8 characters with a middle dot.
        let words = [
            "Ilya",
            "Sutskever",
            "Dr.",
            "O'Neil",
            "Jean-Luc",
            "X",
            "Über",
            "A1_b",
        ];
        for n in 1..=6 {
            for start in 0..words.len() {
                let name: Vec<&str> = words.iter().cycle().skip(start).take(n).copied().collect();
                for sep in [": ", ":", " ：x", "  :", "; ", ""] {
                    o.check(&format!("{}{sep}text here", name.join(" ")));
                    o.check(&format!("{}{sep}text here", name.join("  ")));
                }
            }
        }
        for n in 1..=8 {
            for dot in [None, Some(0), Some(1), Some(n)] {
                let mut name: String = "伊利亚苏茨克维".chars().cycle().take(n).collect();
                if let Some(d) = dot {
                    let at = name.char_indices().nth(d).map_or(name.len(), |(i, _)| i);
                    name.insert(at, '·');
                }
                for sep in ["：", ":", " ：", "\u{3000}:", "，", ""] {
                    o.check(&format!("{name}{sep}你好。"));
                }
            }
        }
        // Pseudo-random lines over the pieces, longer than the exhaustive ones.
        let mut rng = crate::test_support::XorShift::new(0x2545_f491_4f6c_dd1d);
        let mut next = |m: usize| rng.index(m);
        let prefixes = [
            "**", "** ", "Ilya ", "你好", "#", "###### ", "* ", "- -", "_",
        ];
        for _ in 0..100_000 {
            let mut line = String::from(prefixes[next(prefixes.len())]);
            for _ in 0..next(14) {
                line.push_str(PIECES[next(PIECES.len())]);
            }
            o.check(&line);
        }
    }
}
