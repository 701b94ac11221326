//! `truncated`: text cut off at the start or the end of a segment while the other side of
//! the pair is complete there.
//!
//! Measured on the first paragraph's start and the last paragraph's end of each complete pair:
//! - English starts mid-word or mid-sentence: a leading ellipsis ("…from person to person.")
//!   where the Chinese does not start with one, or a lower-case first word ("ute. You do very
//!   long rollouts") that is not a Latin term also written in the Chinese (`sudo`, `iPhone`),
//!   has no digit, inner capital or code character, and is not a known lower-case brand; the
//!   Chinese side must end as a complete sentence, so table cells and list fragments
//!   ("use 3 buttons (click)" / "使用 3 个按钮（单击）") stay quiet.
//! - English ends mid-sentence: no terminal punctuation (. ! ? … : ;), or a trailing ellipsis,
//!   or a dangling function word ("and the"), where the Chinese ends with terminal punctuation
//!   (。！？!?. ：; …). A trailing ellipsis is quiet when the Chinese also trails off (…… / …).
//! - Chinese ends mid-sentence: the Chinese ends on a comma (, ， 、) or without terminal
//!   punctuation while the English ends a sentence; or the Chinese starts with an ellipsis
//!   the English does not have.
//!
//! Known false positives: headings and captions whose Chinese happens to end with a period;
//! English that begins with a lower-case product or command name not written in the Chinese;
//! interrupted speech rendered with an ellipsis on one side and a dash on the other.

use super::{Check, Context};
use crate::finding::Hit;
use crate::model::{Lang, Pair, Segment};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    /// English shorter than this many words is not checked (labels, one-word answers).
    min_en_words: usize,
    /// Lower-case words allowed to start an English segment (brands, commands).
    #[serde(default)]
    lowercase_ok: Vec<String>,
}

pub struct Truncated {
    p: Params,
}

pub fn build(p: &toml::Table) -> Result<Box<dyn Check>, String> {
    let mut p: Params = super::params(p)?;
    // Lower-cased once here rather than for every candidate word.
    for w in &mut p.lowercase_ok {
        *w = w.to_lowercase();
    }
    Ok(Box::new(Truncated { p }))
}

/// The closers `tail` trims (`is_closer`; the list is its test oracle).
#[cfg(test)]
const CLOSERS: &[char] = &[
    '”', '’', '」', '』', '）', ')', '"', '\'', '》', '】', ']', '*', '_', ' ',
];
const OPENERS: &[char] = &[
    '“', '‘', '「', '『', '（', '(', '"', '\'', '《', '【', '[', '*', '_',
];

/// Words after which an English sentence cannot end.
const DANGLING: &[&str] = &[
    "the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "from",
    "by", "that", "which", "who", "whose", "is", "are", "was", "were", "be", "if", "when",
    "because", "so", "as", "than", "this", "these", "those", "my", "your", "our", "their", "his",
    "her", "its", "we", "they", "i", "he", "she", "into", "about", "like",
];

fn is_ellipsis_start(t: &str) -> bool {
    t.starts_with('…') || t.starts_with("...") || t.starts_with("。。。")
}

fn is_ellipsis_end(t: &str) -> bool {
    t.ends_with('…') || t.ends_with("...")
}

/// The first paragraph that is not blank, or "" — up to surrounding whitespace, which the
/// callers trim. `one_line`: the text has no newline (a TSV cell, most segments), so it is
/// its own only paragraph (when it is blank, "" and it trim alike).
fn first_paragraph(text: &str, one_line: bool) -> &str {
    if one_line {
        return text;
    }
    text.split('\n')
        .find(|p| !trim_ws(p).is_empty())
        .unwrap_or("")
}

/// The last paragraph that is not blank, or "" (as [`first_paragraph`]).
fn last_paragraph(text: &str, one_line: bool) -> &str {
    if one_line {
        return text;
    }
    text.split('\n')
        .rfind(|p| !trim_ws(p).is_empty())
        .unwrap_or("")
}

/// Whether a text has no newline: one scan per segment, for both [`head`] and [`tail`].
/// On x86-64 16 bytes at a time inline (SSE2): segments are short (about 100 bytes), where
/// `memchr`'s dispatch and set-up cost more than the scan.
#[inline(always)]
fn is_one_line(text: &str) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        let b = text.as_bytes();
        let n = b.len();
        if n < 16 {
            return !b.contains(&b'\n');
        }
        // SAFETY: SSE2 is part of x86-64; each unaligned 16-byte load is inside `b` (the
        // last one is the final 16 bytes, overlapping the previous block).
        unsafe {
            let nl = _mm_set1_epi8(b'\n' as i8);
            let eq = |i: usize| {
                let v = _mm_loadu_si128(b.as_ptr().add(i) as *const __m128i);
                _mm_cmpeq_epi8(v, nl)
            };
            let has = |i: usize| _mm_movemask_epi8(eq(i)) != 0;
            // 32 bytes a test (two compares, one mask) while more than 32 are left...
            let mut i = 0;
            while i + 32 < n {
                if _mm_movemask_epi8(_mm_or_si128(eq(i), eq(i + 16))) != 0 {
                    return false;
                }
                i += 32;
            }
            // ...then the 17 to 32 bytes left as two blocks, or up to 16 as the last one.
            if i + 16 < n && has(i) {
                return false;
            }
            !has(n - 16)
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        memchr::memchr(b'\n', text.as_bytes()).is_none()
    }
}

/// `str::trim_start_matches(pred)` by bytes: an ASCII byte is decided by `ascii` without
/// decoding; a character U+4000..U+9FFF (lead byte E4..E9: most Han) ends the trim, as none
/// is whitespace, an opener or a closer (every `pred` here); another character is decoded
/// and asked of `other`. Why: `trim_start_matches`
/// with a slice of chars decodes and compares every character (~75 instructions a call here).
#[inline(always)]
fn trim_start_by(s: &str, ascii: impl Fn(u8) -> bool, other: impl Fn(char) -> bool) -> &str {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c < 0x80 {
            if !ascii(c) {
                break;
            }
            i += 1;
        } else if (0xE4..=0xE9).contains(&c) {
            // U+4000..U+9FFF (most Han): no whitespace, opener or closer there.
            break;
        } else {
            let ch = s[i..].chars().next().unwrap_or_default();
            if !other(ch) {
                break;
            }
            i += ch.len_utf8();
        }
    }
    &s[i..]
}

/// `str::trim_end_matches(pred)` by bytes (as [`trim_start_by`]).
#[inline(always)]
fn trim_end_by(s: &str, ascii: impl Fn(u8) -> bool, other: impl Fn(char) -> bool) -> &str {
    let b = s.as_bytes();
    let mut e = b.len();
    while e > 0 {
        let c = b[e - 1];
        if c < 0x80 {
            if !ascii(c) {
                break;
            }
            e -= 1;
        } else if e >= 3 && (0xE4..=0xE9).contains(&b[e - 3]) {
            // The last character is in U+4000..U+9FFF (a three-byte lead three bytes back
            // starts it): as in `trim_start_by`.
            break;
        } else {
            let ch = s[..e].chars().next_back().unwrap_or_default();
            if !other(ch) {
                break;
            }
            e -= ch.len_utf8();
        }
    }
    &s[..e]
}

/// ASCII bytes that `char::is_whitespace` accepts (it also accepts U+000B, unlike
/// `u8::is_ascii_whitespace`).
#[inline(always)]
fn ascii_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// `str::trim_start` by bytes.
#[inline(always)]
fn trim_start_ws(s: &str) -> &str {
    trim_start_by(s, ascii_ws, char::is_whitespace)
}

/// `str::trim` by bytes.
#[inline(always)]
fn trim_ws(s: &str) -> &str {
    trim_start_ws(trim_end_by(s, ascii_ws, char::is_whitespace))
}

/// Text of the first paragraph with leading openers removed.
#[cfg(test)]
fn head(seg: &Segment, one_line: bool) -> &str {
    head_of(trim_ws(first_paragraph(&seg.text, one_line)))
}

/// [`head`] from the trimmed first paragraph.
#[inline(always)]
fn head_of(t: &str) -> &str {
    trim_start_ws(trim_start_by(
        t,
        |b| matches!(b, b'(' | b'"' | b'\'' | b'[' | b'*' | b'_'),
        is_opener,
    ))
}

/// `OPENERS.contains(&c)` as one `match`.
#[inline(always)]
fn is_opener(c: char) -> bool {
    matches!(
        c,
        '“' | '‘' | '「' | '『' | '（' | '(' | '"' | '\'' | '《' | '【' | '[' | '*' | '_'
    )
}

/// `CLOSERS.contains(&c)` as one `match`.
#[inline(always)]
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | '）' | ')' | '"' | '\'' | '》' | '】' | ']' | '*' | '_' | ' '
    )
}

/// Whether the text starts with a lower-case letter: `lowercase_fragment` is None
/// otherwise (its word starts with this character when it is a letter), so most English
/// (capitalised) is passed over before its first word is split off.
#[inline(always)]
fn starts_lowercase(t: &str) -> bool {
    match t.as_bytes().first() {
        Some(&b) if b < 0x80 => b.is_ascii_lowercase(),
        Some(_) => t.chars().next().is_some_and(char::is_lowercase),
        None => false,
    }
}

/// Whether the English opens with a quote or bracket (a quoted term may start lower-case).
fn starts_quoted(seg: &Segment) -> bool {
    seg.text.trim_start().starts_with(OPENERS)
}

/// Text of the last paragraph with trailing closers removed.
#[cfg(test)]
fn tail(seg: &Segment, one_line: bool) -> &str {
    tail_of(trim_ws(last_paragraph(&seg.text, one_line)))
}

/// [`tail`] from the trimmed last paragraph.
#[inline(always)]
fn tail_of(t: &str) -> &str {
    trim_end_by(
        t,
        |b| matches!(b, b')' | b'"' | b'\'' | b']' | b'*' | b'_' | b' '),
        is_closer,
    )
}

/// `(head(seg, one), tail(seg, one))`, where `one` says whether the text has no newline:
/// a one-line text is its own first and last paragraph, trimmed once for both.
// Inlined into `cuts` (twice): as a call it saved and restored six registers per segment.
#[inline(always)]
fn head_tail(seg: &Segment) -> (&str, &str) {
    if is_one_line(&seg.text) {
        let t = trim_ws(&seg.text);
        (head_of(t), tail_of(t))
    } else {
        (
            head_of(trim_ws(first_paragraph(&seg.text, false))),
            tail_of(trim_ws(last_paragraph(&seg.text, false))),
        )
    }
}

/// Whether a text ends as a complete sentence in its language (ellipsis not counted).
fn ends_complete(t: &str, lang: Lang) -> bool {
    let Some(c) = t.chars().last() else {
        return false;
    };
    match lang {
        // A Chinese colon or semicolon ends list items and code, not sentences.
        Lang::Zh => matches!(c, '。' | '！' | '？' | '!' | '?' | '.' | '｡'),
        Lang::En => matches!(c, '.' | '!' | '?' | ':' | ';'),
    }
}

fn excerpt_start(t: &str) -> String {
    crate::text::excerpt(t, 40)
}

fn excerpt_end(t: &str) -> String {
    let chars: Vec<char> = t.chars().collect();
    let n = chars.len();
    if n <= 40 {
        t.to_string()
    } else {
        format!("…{}", chars[n - 40..].iter().collect::<String>())
    }
}

fn paragraph_line(seg: &Segment, last: bool) -> usize {
    let numbered = seg.numbered_paragraphs();
    let pick = if last {
        numbered.iter().rev().find(|(_, p)| !p.trim().is_empty())
    } else {
        numbered.iter().find(|(_, p)| !p.trim().is_empty())
    };
    pick.map_or(seg.lines.start, |(l, _)| *l)
}

/// The leading run of word characters (letters, digits, `-'’._/`), borrowed rather than
/// collected into a `String`.
fn leading_word(en: &str) -> &str {
    let end = en
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(en.len(), |(i, _)| i);
    &en[..end]
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '\'' | '’' | '.' | '_' | '/')
}

struct Cut {
    side: Lang,
    end: &'static str,
    reason: String,
    fragment: String,
}

impl Truncated {
    fn lowercase_fragment(&self, en: &str, zh_text: &str) -> Option<String> {
        let word = leading_word(en).trim_end_matches('.');
        let first = word.chars().next()?;
        if !first.is_lowercase() {
            return None;
        }
        let code_like = word
            .chars()
            .skip(1)
            .any(|c| c.is_uppercase() || c.is_ascii_digit())
            || word.contains(['_', '/', '.'])
            || en[word.len()..].starts_with(['(', '.', '_', '/', '-', '='])
                && !en[word.len()..].starts_with(". ");
        if code_like {
            return None;
        }
        let lower = word.to_lowercase();
        if self.p.lowercase_ok.contains(&lower) {
            return None;
        }
        // A Latin term also written in the Chinese (a command, a product): whole words only,
        // so the fragment "ressed" does not hide behind "xz-compressed".
        let in_zh = zh_text
            .to_lowercase()
            .split(|c: char| {
                !(c.is_alphanumeric() || c == '-' || c == '_') || crate::text::script::is_han(c)
            })
            .any(|w| w == lower);
        if in_zh {
            return None;
        }
        Some(word.to_string())
    }

    fn cuts(&self, zs: &Segment, es: &Segment) -> Vec<Cut> {
        let mut out = Vec::new();
        let (zh_head, zh_tail) = head_tail(zs);
        let (en_head, en_tail) = head_tail(es);
        let zh_complete = ends_complete(zh_tail, Lang::Zh);
        let en_complete = ends_complete(en_tail, Lang::En);
        // English start.
        if is_ellipsis_start(en_head) && !is_ellipsis_start(zh_head) {
            out.push(Cut {
                side: Lang::En,
                end: "start",
                reason: "English starts with an ellipsis the Chinese does not have".into(),
                fragment: excerpt_start(en_head),
            });
        } else if zh_complete
            && starts_lowercase(en_head)
            && !is_ellipsis_start(zh_head)
            && !starts_quoted(es)
            && let Some(w) = self.lowercase_fragment(en_head, &zs.text)
        {
            out.push(Cut {
                side: Lang::En,
                end: "start",
                reason: format!("English starts mid-sentence with lower-case \"{w}\""),
                fragment: excerpt_start(en_head),
            });
        }
        // English end.
        if zh_complete && !en_complete {
            let last_word: String = en_tail
                .trim_end_matches(|c: char| !c.is_alphanumeric())
                .rsplit(|c: char| !c.is_alphanumeric() && c != '\'')
                .next()
                .unwrap_or("")
                .to_lowercase();
            let zh_trails = is_ellipsis_end(zh_tail) || zh_tail.ends_with("——");
            // "such as a, b, …" is a list left open on purpose.
            let open_list = en_tail
                .trim_end_matches(['…', '.'])
                .trim_end()
                .ends_with(',');
            let reason = if is_ellipsis_end(en_tail) {
                (!zh_trails && !open_list).then(|| {
                    "English trails off with an ellipsis where the Chinese ends its sentence"
                        .to_string()
                })
            } else if DANGLING.contains(&last_word.as_str()) {
                Some(format!("English ends on the dangling word \"{last_word}\""))
            } else if en_tail.ends_with([',', '，', '-', '—', '–']) {
                Some("English ends on a comma or dash".to_string())
            } else if en_tail.chars().last().is_some_and(|c| c.is_alphanumeric()) {
                Some("English ends without terminal punctuation".to_string())
            } else {
                None
            };
            if let Some(reason) = reason {
                out.push(Cut {
                    side: Lang::En,
                    end: "end",
                    reason,
                    fragment: excerpt_end(en_tail),
                });
            }
        }
        // Chinese start and end.
        if is_ellipsis_start(zh_head) && !is_ellipsis_start(en_head) {
            out.push(Cut {
                side: Lang::Zh,
                end: "start",
                reason: "Chinese starts with an ellipsis the English does not have".into(),
                fragment: excerpt_start(zh_head),
            });
        }
        if en_complete
            && !zh_complete
            && !is_ellipsis_end(zh_tail)
            && zh_tail.ends_with([',', '，', '、'])
        {
            out.push(Cut {
                side: Lang::Zh,
                end: "end",
                reason: "Chinese ends on a comma where the English ends its sentence".into(),
                fragment: excerpt_end(zh_tail),
            });
        }
        out
    }
}

fn line_of(seg: &Segment, end: &str) -> usize {
    paragraph_line(seg, end == "end")
}

impl Check for Truncated {
    fn run(&self, ctx: &Context) -> Vec<Hit> {
        let mut hits = Vec::new();
        // The pairs' English word counts are shared with the score (`Shared::stats`).
        let stats = ctx.shared.stats(ctx.doc);
        for (pair, stats) in ctx.doc.pairs.iter().zip(stats) {
            let (Some(zs), Some(es)) = (&pair.zh, &pair.en) else {
                continue;
            };
            if stats.en_words < self.p.min_en_words {
                continue;
            }
            for cut in self.cuts(zs, es) {
                hits.push(hit(pair, zs, es, cut));
            }
        }
        hits
    }
}

fn hit(pair: &Pair, zs: &Segment, es: &Segment, cut: Cut) -> Hit {
    let seg = if cut.side == Lang::Zh { zs } else { es };
    let line = line_of(seg, cut.end);
    let other = cut.side.other().name();
    let suggestion = if cut.end == "start" {
        format!(
            "restore the beginning of the {} at line {line} from the {other}, or check whether it \
             was cut when the turns were split",
            cut.side.name()
        )
    } else {
        format!(
            "complete the end of the {} at line {line} to match the {other}",
            cut.side.name()
        )
    };
    Hit::on_pair(pair)
        .with("side", cut.side.name())
        .with("end", cut.end)
        .with("reason", cut.reason)
        .with("fragment", cut.fragment)
        .with("line", line)
        .suggest(suggestion)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(text: &str) -> Segment {
        crate::test_support::seg(Lang::En, text)
    }

    /// `starts_lowercase` only passes over text whose lower-case fragment is None: every
    /// character at the start of plain and quoted text, and every Debian English cell
    /// when ../shared is present.
    #[test]
    fn lowercase_precheck_skips_only_text_without_a_fragment() {
        let t = Truncated {
            p: Params {
                min_en_words: 0,
                lowercase_ok: Vec::new(),
            },
        };
        let mut texts: Vec<String> = Vec::new();
        for c in crate::test_support::every_char() {
            texts.push(format!("{c}"));
            texts.push(format!("{c}ord and more"));
            texts.push(format!("{c}.x"));
        }
        let debian = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/debian-reference.zh-en.tsv");
        if let Ok(text) = std::fs::read_to_string(debian) {
            texts.extend(
                text.lines()
                    .filter_map(|l| l.split('\t').nth(1))
                    .map(str::to_string),
            );
        }
        for text in &texts {
            if !starts_lowercase(text) {
                assert_eq!(t.lowercase_fragment(text, ""), None, "{text:?}");
            }
        }
    }

    /// `head` and `tail` as they were: the first / last non-blank paragraph from `split`.
    #[test]
    fn paragraph_fast_path_agrees_with_the_split() {
        let split_head = |t: &str| -> String {
            t.split('\n')
                .find(|p| !p.trim().is_empty())
                .unwrap_or("")
                .trim()
                .trim_start_matches(OPENERS)
                .trim_start()
                .to_string()
        };
        let split_tail = |t: &str| -> String {
            t.split('\n')
                .rfind(|p| !p.trim().is_empty())
                .unwrap_or("")
                .trim()
                .trim_end_matches(CLOSERS)
                .to_string()
        };
        for t in [
            "",
            " ",
            "\u{3000}",
            " \t ",
            "\n",
            " \n \n",
            "plain text.",
            "  “Quoted” text ”  ",
            "(x) y)",
            "first\nsecond",
            "\n\n first \n\n last \n",
            "「中文」\n\u{3000}\n",
            "a\r\nb\r\n",
        ] {
            let s = seg(t);
            let one = is_one_line(t);
            assert_eq!(one, !t.contains('\n'), "{t:?}");
            assert_eq!(head(&s, one), split_head(t), "{t:?}");
            assert_eq!(tail(&s, one), split_tail(t), "{t:?}");
        }
    }

    /// `head` and `tail` as they were before the byte-level trims: `str::trim`,
    /// `trim_start_matches(OPENERS)`, `trim_end_matches(CLOSERS)`, and the paragraph split.
    fn head_by_std(t: &str) -> &str {
        t.split('\n')
            .find(|p| !p.trim().is_empty())
            .unwrap_or("")
            .trim()
            .trim_start_matches(OPENERS)
            .trim_start()
    }

    fn tail_by_std(t: &str) -> &str {
        t.split('\n')
            .rfind(|p| !p.trim().is_empty())
            .unwrap_or("")
            .trim()
            .trim_end_matches(CLOSERS)
    }

    /// `leading_word` as it was: the word characters collected into a `String`.
    fn leading_word_by_collect(en: &str) -> String {
        en.chars().take_while(|&c| is_word_char(c)).collect()
    }

    fn assert_fast_forms(t: &str) {
        let s = seg(t);
        let one = is_one_line(t);
        assert_eq!(one, !t.contains('\n'), "{t:?}");
        assert_eq!(head(&s, one), head_by_std(t), "{t:?}");
        assert_eq!(tail(&s, one), tail_by_std(t), "{t:?}");
        assert_eq!(trim_ws(t), t.trim(), "{t:?}");
        assert_eq!(trim_start_ws(t), t.trim_start(), "{t:?}");
        assert_eq!(leading_word(t), leading_word_by_collect(t), "{t:?}");
        assert_eq!(head_tail(&s), (head_by_std(t), tail_by_std(t)), "{t:?}");
    }

    /// A newline at every position of texts of every length up to 110 (the 32-byte steps,
    /// the 16-byte blocks and the overlapping last one), and none.
    #[test]
    fn one_line_test_finds_every_newline() {
        for n in 0..110 {
            let t = "x".repeat(n);
            assert!(is_one_line(&t), "{n}");
            for k in 0..n {
                let mut b = t.clone().into_bytes();
                b[k] = b'\n';
                assert!(!is_one_line(std::str::from_utf8(&b).unwrap()), "{n} {k}");
            }
        }
    }

    /// The `match` forms of the opener and closer lists, on every character.
    #[test]
    fn opener_and_closer_matches_are_the_lists() {
        for c in crate::test_support::every_char() {
            assert_eq!(is_opener(c), OPENERS.contains(&c), "{c:?}");
            assert_eq!(is_closer(c), CLOSERS.contains(&c), "{c:?}");
        }
    }

    /// The byte-level trims agree with `str`'s on every character (alone, and between,
    /// before and after openers, closers and spaces), on generated texts, on every Debian
    /// cell and on every line of the interview (the last two when ../shared is present).
    #[test]
    fn byte_level_trims_agree_with_std() {
        for c in crate::test_support::every_char() {
            for t in [
                format!("{c}x{c}"),
                format!(" {c}“{c}"),
                format!("{c}」 {c}"),
                format!("a\n{c}\n"),
            ] {
                assert_fast_forms(&t);
            }
        }
        let parts = [
            " ", "\t", "\n", "\r", "\u{b}", "\u{c}", "\u{85}", "\u{a0}", "\u{3000}", "“", "”", "‘",
            "’", "「", "」", "『", "』", "（", "）", "(", ")", "\"", "'", "《", "》", "【", "】",
            "[", "]", "*", "_", "…", "...", "。", "，", "a", "Z", "9", "-", ".", "/", "中", "文",
            "é", "word", "x-y", "don't",
        ];
        let mut rng = crate::test_support::XorShift::new(0x7275_6e63);
        for _ in 0..50_000 {
            let n = rng.index(9);
            let t: String = (0..n).map(|_| parts[rng.index(parts.len())]).collect();
            assert_fast_forms(&t);
        }
        if let Ok(t) = std::fs::read_to_string("../shared/data/debian-reference.zh-en.tsv") {
            for line in t.lines() {
                for cell in line.split('\t') {
                    assert_fast_forms(cell);
                }
            }
        }
        if let Ok(t) = std::fs::read_to_string("../shared/corpus/ai-interview.zh-en.md") {
            for line in t.lines() {
                assert_fast_forms(line);
            }
            assert_fast_forms(&t);
        }
    }
}
