//! `untranslated`: text left in the wrong language. Four kinds, each with its own severity:
//!
//! - `identical_segment` (major): both sides are the same text after normalisation (case,
//!   whitespace and punctuation ignored), or two one-sided neighbouring pairs carry the same
//!   text (a transcript block written twice in one language). Like pofilter `unchanged` and Okapi
//!   TARGET_SAME_AS_SOURCE, segments that need not be translated are exempt: shorter than
//!   `min_identical_chars` letters or `min_identical_words` words, or made only of code, paths,
//!   URLs, numbers or acronyms.
//! - `english_sentence_in_chinese` (major): a stretch of the Chinese block without Han
//!   characters (split at Han characters, 。!?; and ". "), with at least `min_sentence_words`
//!   plain lowercase English words and function words among them (two, or one in a longer
//!   stretch), that is neither code nor a quotation opening with a quote mark. So names,
//!   titles, quoted UI labels, attributions and keyword lists do not count.
//! - `chinese_in_english`: Han characters in the English; major when the Han text is at least
//!   `min_han_sentence` characters (a sentence left untranslated), minor for a word.
//! - `untranslated_term`: an English term kept inside the Chinese. The glossary decides when it
//!   knows the term: `keep = true` is fine; a term with renderings is reported (minor) with the
//!   preferred one as suggestion, unless the Chinese also carries a rendering (a gloss); info
//!   instead when the document keeps its jargon on purpose (see `house_style`). Unknown
//!   terms are reported at `unknown_term_severity` (default info, not scored): acronyms (AI,
//!   GPU), names (capitalised or CamelCase words not written in lowercase in the English:
//!   OpenAI, AlexNet, Ilya), code (digits, `/ _ . = $`, backticks) and glosses written
//!   中文(English) or English(中文) are allowed.
//!
//! Known false positives: technical prose that keeps command and package names lowercase
//! (Debian's `shell`, `root`, `dpkg`: allowed if in the glossary as keep, otherwise info);
//! English quotations deliberately left in a Chinese text; a title identical in both editions.

mod scan;

use super::{Check, Context};
use crate::finding::{Hit, Severity};
use crate::glossary::Glossary;
use crate::model::Pair;
use crate::text::script::{self, is_han};
use scan::{concat, is_cjk_lead, skip_cjk};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    #[serde(default = "d_identical_chars")]
    min_identical_chars: usize,
    #[serde(default = "d_identical_words")]
    min_identical_words: usize,
    #[serde(default = "d_sentence_words")]
    min_sentence_words: usize,
    #[serde(default = "d_han_sentence")]
    min_han_sentence: usize,
    /// "info", "minor", "major", "critical" or "off".
    #[serde(default = "d_unknown")]
    unknown_term_severity: String,
    /// A glossary term kept in English in at least this many pairs, and never rendered in
    /// Chinese anywhere in the document, is the document's house style: reported as info.
    #[serde(default = "d_house")]
    house_style_min: usize,
}
fn d_house() -> usize {
    3
}
fn d_identical_chars() -> usize {
    12
}
fn d_identical_words() -> usize {
    3
}
fn d_sentence_words() -> usize {
    5
}
fn d_han_sentence() -> usize {
    6
}
fn d_unknown() -> String {
    "info".into()
}

pub struct Untranslated {
    p: Params,
    unknown: Option<Severity>,
}

pub fn build(t: &toml::Table) -> Result<Box<dyn Check>, String> {
    let p: Params = super::params(t)?;
    let unknown = match p.unknown_term_severity.as_str() {
        "off" => None,
        s => Some(Severity::parse(s).ok_or_else(|| {
            format!(
                "params: `unknown_term_severity` must be info, minor, major, critical or off, not {s:?}"
            )
        })?),
    };
    Ok(Box::new(Untranslated { p, unknown }))
}

/// Every word capitalised (or code): a name or title ("Richard M. Stallman", "Midnight
/// Commander (MC)"), which is often the same in both languages.
fn is_name_or_title(s: &str) -> bool {
    s.split_whitespace().all(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        w.is_empty()
            || w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    })
}

/// Lowercase letters, digits and Han only: the text compared for identity.
pub fn normalise(s: &str) -> String {
    normalised(s).collect()
}

fn normalised(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
}

/// `normalise(a) == normalise(b)` and not empty, without building either string: almost every
/// pair differs at its first letter (Han against Latin), so this stops there.
fn same_normalised(a: &str, b: &str) -> bool {
    // The first characters, when found without decoding much (a Chinese text against an
    // English one: a Han character against a Latin letter), settle most pairs.
    if let (Some(fa), Some(fb)) = (quick_first(a), quick_first(b))
        && (fa.is_none() || fa != fb)
    {
        return false;
    }
    // ASCII on both sides (the numbered headings of Debian, "1.1. 控制台基础" against "1.1.
    // Console basics", agree on their first characters) is compared byte by byte; the rest,
    // from the first non-ASCII character of either side, by `Normalised` (the normalised text
    // of a suffix is the suffix of the normalised text: it is char by char).
    let (ab, bb) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    let mut any = false;
    loop {
        while i < ab.len() && ab[i] < 0x80 && !ab[i].is_ascii_alphanumeric() {
            i += 1;
        }
        while j < bb.len() && bb[j] < 0x80 && !bb[j].is_ascii_alphanumeric() {
            j += 1;
        }
        match (ab.get(i), bb.get(j)) {
            (None, None) => return any,
            (Some(&x), Some(&y)) if x < 0x80 && y < 0x80 => {
                if !x.eq_ignore_ascii_case(&y) {
                    return false;
                }
                any = true;
                i += 1;
                j += 1;
            }
            _ => break,
        }
    }
    let (mut a, mut b) = (Normalised::new(&a[i..]), Normalised::new(&b[j..]));
    if any {
        return a.eq(b);
    }
    let Some(first) = a.next() else {
        return false;
    };
    b.next() == Some(first) && a.eq(b)
}

/// `normalised(s).next()` when it is found before any non-ASCII character other than a CJK
/// ideograph (`Some`: the first letter or digit, lowercased, or an ideograph; `Some(None)`
/// when the text is ASCII without letters or digits); `None` when such a character comes
/// first (then `Normalised` decides).
fn quick_first(s: &str) -> Option<Option<char>> {
    let b = s.as_bytes();
    for (i, &x) in b.iter().enumerate() {
        if x < 0x80 {
            if x.is_ascii_alphanumeric() {
                return Some(Some(char::from(x.to_ascii_lowercase())));
            }
            continue;
        }
        if !is_cjk_lead(b, i) {
            return None;
        }
        let (cp, _) = crate::text::decode_multibyte(b, i);
        return Some(char::from_u32(cp));
    }
    Some(None)
}

/// `normalised(s)` with ASCII and the CJK Unified Ideographs U+4E00..=U+9FFF (all
/// alphanumeric and caseless, checked in the tests) answered without Unicode tables.
struct Normalised<'a> {
    chars: std::str::Chars<'a>,
    /// The rest of a character whose lower case has several characters (İ).
    pending: Option<std::char::ToLowercase>,
}

impl<'a> Normalised<'a> {
    fn new(s: &'a str) -> Self {
        Normalised {
            chars: s.chars(),
            pending: None,
        }
    }
}

impl Iterator for Normalised<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        if let Some(p) = &mut self.pending {
            if let Some(c) = p.next() {
                return Some(c);
            }
            self.pending = None;
        }
        for c in self.chars.by_ref() {
            if c.is_ascii() {
                if c.is_ascii_alphanumeric() {
                    return Some(c.to_ascii_lowercase());
                }
            } else if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
                return Some(c);
            } else if c.is_alphanumeric() {
                let mut lower = c.to_lowercase();
                let first = lower.next();
                self.pending = Some(lower);
                return first;
            }
        }
        None
    }
}

/// `char::is_alphabetic` with the common cases answered without Unicode table lookups: ASCII,
/// and the CJK Unified Ideographs block U+4E00..=U+9FFF (every code point of it is an assigned
/// ideograph, so Alphabetic; checked in the tests).
fn is_alphabetic(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        // CJK and general punctuation (U+2000..=U+206F, U+3000..=U+3004, U+3008..=U+3011,
        // U+FF01..=U+FF0F, U+FF1A..=U+FF20) is never Alphabetic: answered without the table
        // too, as Chinese text is full of it (checked for every char in the tests).
        if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            return true;
        }
        if matches!(c, '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{3004}' | '\u{3008}'..='\u{3011}'
            | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}')
        {
            return false;
        }
        c.is_alphabetic()
    }
}

/// What `is_code_like` notes about a word, one bit each: a special character (`/ _ = $ ~ \
/// { < | % &`), a dot, an ASCII digit, a letter, a letter that is not upper case; and, for
/// the table only, ASCII whitespace (which ends a word).
const CODE_SPECIAL: u8 = 1;
const CODE_DOT: u8 = 2;
const CODE_DIGIT: u8 = 4;
const CODE_LETTER: u8 = 8;
const CODE_LOWER: u8 = 16;
const CODE_SPACE: u8 = 32;

/// The `CODE_*` bits of each ASCII byte.
static CODE_CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        t[i] = match c {
            b'/' | b'_' | b'=' | b'$' | b'~' | b'\\' | b'{' | b'<' | b'|' | b'%' | b'&' => {
                CODE_SPECIAL
            }
            b'.' => CODE_DOT,
            b'0'..=b'9' => CODE_DIGIT,
            b'a'..=b'z' => CODE_LETTER | CODE_LOWER,
            b'A'..=b'Z' => CODE_LETTER,
            b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' => CODE_SPACE,
            _ => 0,
        };
        i += 1;
    }
    t
};

/// Whether the word `w` (no whitespace), whose characters gave the `CODE_*` bits `flags`, is
/// a plain word of `is_code_like`: neither code nor an acronym.
#[inline]
fn plain_word(w: &str, flags: u8) -> bool {
    let (special, digit, dot) = (
        flags & CODE_SPECIAL != 0,
        flags & CODE_DIGIT != 0,
        flags & CODE_DOT != 0,
    );
    let (letters, all_upper) = (flags & CODE_LETTER != 0, flags & CODE_LOWER == 0);
    // `contains("://")` implies a '/', so it is covered by `special`.
    let codeish = special
        || w.starts_with("www.")
        || (w.starts_with('-') && w.len() > 1)
        || digit
        || (dot && !w.ends_with('.') && letters)
        || !letters;
    let acronym = letters && all_upper;
    !(codeish || acronym)
}

/// `is_code_like(w)` for a word of a Latin run: ASCII without whitespace (then it is one word
/// and its bits are those of its bytes), else `is_code_like` decides.
fn is_code_like_word(w: &str) -> bool {
    let mut flags = 0u8;
    for &x in w.as_bytes() {
        if x >= 0x80 || CODE_CLASS[usize::from(x)] & CODE_SPACE != 0 {
            return is_code_like(w);
        }
        flags |= CODE_CLASS[usize::from(x)];
    }
    // `$ ` and `# ` need a space; a word opening with a backtick is code.
    w.is_empty() || w.starts_with('`') || !plain_word(w, flags)
}

/// Text that needs no translation: code, paths, URLs, commands, numbers, acronyms.
pub fn is_code_like(s: &str) -> bool {
    let t = s.trim();
    if t.is_empty() {
        return true;
    }
    if t.starts_with("$ ") || t.starts_with("# ") || t.starts_with('`') {
        return true;
    }
    // One pass over the text, classifying each word (a maximal run of non-whitespace, as
    // `split_whitespace` gives) from what the word-level tests need: special characters,
    // digits, a dot, whether it has letters and whether they are all upper case. Characters
    // are decoded from the bytes in place; CJK ideographs (letters, never upper case) and
    // ASCII need no Unicode table.
    let b = t.as_bytes();
    let (mut n, mut plain) = (0, 0);
    let mut word: Option<usize> = None;
    // What the current word has seen, as `CODE_*` bits.
    let mut flags = 0u8;
    let end_word = plain_word;
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        // ASCII, classed by the table (the whitespace of `char::is_whitespace` below U+0080
        // is space, \t, \n, \x0B, \x0C, \r).
        if x < 0x80 {
            let class = CODE_CLASS[usize::from(x)];
            if class & CODE_SPACE != 0 {
                if let Some(ws) = word.take() {
                    n += 1;
                    plain += usize::from(end_word(&t[ws..i], flags));
                }
            } else {
                if word.is_none() {
                    word = Some(i);
                    flags = 0;
                }
                flags |= class;
                // The ASCII bytes that follow up to the word's end only add their class bits:
                // gathered in a tight loop.
                i += 1;
                while i < b.len() && b[i] < 0x80 {
                    let class = CODE_CLASS[usize::from(b[i])];
                    if class & CODE_SPACE != 0 {
                        break;
                    }
                    flags |= class;
                    i += 1;
                }
                continue;
            }
            i += 1;
            continue;
        }
        // U+4E00..=U+9FFF (E4 B8 80 to E9 BF BF): an ideograph, a letter never upper case,
        // known from its first two bytes. The ideographs that follow add nothing more: skipped
        // in a tight loop (most of a Chinese text).
        if is_cjk_lead(b, i) {
            if word.is_none() {
                word = Some(i);
                flags = 0;
            }
            flags |= CODE_LETTER | CODE_LOWER;
            // The word has both letter bits now: on to the next ASCII byte or possible
            // whitespace (ideographs and CJK punctuation change nothing).
            i = scan::next_word_stop(b, i + 3);
            continue;
        }
        // Other characters can only add the letter bits: inside a word that has both, only
        // ASCII and whitespace change anything, and a character that cannot be whitespace
        // (CJK punctuation, most of the rest of a Chinese text) is stepped over undecoded,
        // with the characters up to the next that may (`scan::next_word_stop`).
        if word.is_some()
            && flags & (CODE_LETTER | CODE_LOWER) == CODE_LETTER | CODE_LOWER
            && !scan::may_be_space(b, i)
        {
            i = scan::next_word_stop(b, i + scan::utf8_len(x));
            continue;
        }
        let c = t[i..].chars().next().unwrap_or(' ');
        let len = c.len_utf8();
        if c.is_whitespace() {
            if let Some(ws) = word.take() {
                n += 1;
                plain += usize::from(end_word(&t[ws..i], flags));
            }
            i += len;
            continue;
        }
        if word.is_none() {
            word = Some(i);
            flags = 0;
        }
        // Special characters, dots and ASCII digits are ASCII: only letters are left.
        if is_alphabetic(c) {
            flags |= CODE_LETTER;
            if !c.is_uppercase() {
                flags |= CODE_LOWER;
            }
        }
        i += len;
    }
    if let Some(ws) = word {
        n += 1;
        plain += usize::from(end_word(&t[ws..], flags));
    }
    // Mostly code tokens, or a single token that is code or an acronym.
    plain * 2 <= n
}

/// Stretches of a Chinese block without Han characters, split at sentence ends (。!?; both
/// widths, ". ", line breaks): the candidates for an English sentence left in the Chinese,
/// whether it stands alone or is glued to the Chinese around it.
/// Each chunk, trimmed and not empty, is passed to `f` in order (no vector is built); a
/// stretch shorter than `min_len` bytes before trimming is left out (so every chunk of at
/// least `min_len` bytes is passed: the caller's test ignores shorter ones, and most
/// stretches, the Latin bits between Han characters, are that short).
fn for_each_zh_chunk<'a>(text: &'a str, min_len: usize, mut f: impl FnMut(&'a str)) {
    // Walks bytes: ASCII is tested as it is and other characters are decoded in place
    // (every separator but the ASCII ones is a three-byte character, Han may take four).
    // Between two neighbouring separators (Han text) the stretch is empty: not sliced.
    let mut start = 0;
    let b = text.as_bytes();
    let min_len = min_len.max(1);
    // Called only for stretches of at least `min_len` bytes (checked at each call).
    let mut push = |s: usize, e: usize| {
        let t = text[s..e].trim();
        if !t.is_empty() {
            f(t);
        }
    };
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        if x < 0x80 {
            let end = i + 1;
            if matches!(x, b'\n' | b'!' | b'?')
                || (x == b'.' && b.get(end).is_none_or(|&y| y == b' '))
            {
                if start + min_len <= end {
                    push(start, end);
                }
                start = end;
            }
            // Other ASCII bytes change nothing: on to the next one that may.
            i = next_chunk_byte(b, end);
            continue;
        }
        // Lead byte E5..=E9, or E4 then B8..: U+4E00..=U+9FFF, Han (most characters of a
        // Chinese text), a separator found without decoding; between two Han characters there
        // is no chunk to push.
        if is_cjk_lead(b, i) {
            if start + min_len <= i {
                push(start, i);
            }
            i = skip_cjk(b, i + 3);
            start = i;
            continue;
        }
        let (cp, len) = crate::text::decode_multibyte(b, i);
        let end = i + len;
        let c = char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER);
        if is_han(c) || matches!(c, '。' | '，' | '、' | '：' | '（' | '）') {
            if start + min_len <= i {
                push(start, i);
            }
            start = end;
        } else if matches!(c, '！' | '？' | '；') {
            if start + min_len <= end {
                push(start, end);
            }
            start = end;
        }
        i = end;
    }
    if start + min_len <= text.len() {
        push(start, text.len());
    }
}

#[cfg(test)]
/// `for_each_zh_chunk` as it walked chars: the reference.
fn zh_chunks_by_chars(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = text.as_bytes();
    let mut push = |s: usize, e: usize| {
        let t = text[s..e].trim();
        if !t.is_empty() {
            out.push(t);
        }
    };
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        if is_han(c) || matches!(c, '。' | '，' | '、' | '：' | '（' | '）') {
            push(start, i);
            start = end;
        } else if matches!(c, '！' | '？' | '\n' | '!' | '?' | '；')
            || (c == '.' && b.get(end).is_none_or(|&x| x == b' '))
        {
            push(start, end);
            start = end;
        }
    }
    push(start, text.len());
    out
}

/// Plain lowercase words: an English sentence has many, a name, title, UI label or
/// attribution ("Miquel van Smoorenburg <miquels at cistron.nl>") has few.
#[cfg(test)]
fn lowercase_words(s: &str) -> usize {
    lowercase_words_up_to(s, usize::MAX)
}

/// Byte classes of `lowercase_words_up_to`: ASCII whitespace (that of `char::is_whitespace`),
/// a-z, other letters and digits, the apostrophe, anything else.
const LW_SPACE: u8 = 0;
const LW_LOWER: u8 = 1;
const LW_ALNUM: u8 = 2;
const LW_APOS: u8 = 3;
const LW_OTHER: u8 = 4;

static LW_CLASS: [u8; 128] = {
    let mut t = [LW_OTHER; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        t[i] = match c {
            b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' => LW_SPACE,
            b'a'..=b'z' => LW_LOWER,
            b'A'..=b'Z' | b'0'..=b'9' => LW_ALNUM,
            b'\'' => LW_APOS,
            _ => LW_OTHER,
        };
        i += 1;
    }
    t
};

/// `min(lowercase_words(s), cap)`, stopping at `cap` (the callers only compare the count
/// with thresholds).
fn lowercase_words_up_to(s: &str, cap: usize) -> usize {
    // One pass: a word counts when, trimmed to its first and last letter or digit, it is
    // made only of a-z and '. So it needs a letter or digit, no A-Z, 0-9 or other letter or
    // digit, and no other character (but ') between two of its letters. ASCII is classed by
    // the table; other characters, decoded in place, are whitespace (`char::is_whitespace`,
    // which `split_whitespace` splits at), letters or digits (like A-Z) or other.
    let (mut n, mut seen, mut gap, mut bad) = (0, false, false, false);
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        let class = if x < 0x80 {
            i += 1;
            LW_CLASS[usize::from(x)]
        } else {
            let (cp, len) = crate::text::decode_multibyte(b, i);
            i += len;
            let c = char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER);
            if c.is_whitespace() {
                LW_SPACE
            } else if scan::is_alphanumeric(c) {
                LW_ALNUM
            } else {
                LW_OTHER
            }
        };
        match class {
            LW_SPACE => {
                if seen && !bad {
                    n += 1;
                    if n >= cap {
                        return cap;
                    }
                }
                (seen, gap, bad) = (false, false, false);
            }
            LW_LOWER => {
                bad |= gap;
                seen = true;
                // The lowercase letters that follow change nothing: skipped in a tight loop
                // (most of an English chunk).
                while i < b.len() && b[i].is_ascii_lowercase() {
                    i += 1;
                }
            }
            LW_ALNUM => {
                bad = true;
                seen = true;
            }
            LW_APOS => {}
            _ => gap |= seen,
        }
    }
    (n + usize::from(seen && !bad)).min(cap)
}

/// `lowercase_words` for any text, by `split_whitespace` and `trim_matches`: the definition.
#[cfg(test)]
fn lowercase_words_general(s: &str) -> usize {
    s.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '\''))
        .count()
}

/// The English function words of `function_words`.
const FUNCTION_WORDS: &[&str] = &[
    "the", "a", "an", "is", "are", "was", "were", "be", "of", "to", "and", "with", "this", "that",
    "by", "on", "as", "it", "can", "you", "your", "which", "from", "not", "will", "has", "have",
    "we", "they", "there", "should", "may",
];

/// English function words: a sentence has several, a keyword or option list has none
/// ("if then elif else fi", "raw, qcow2, vmdk").
fn function_words(s: &str) -> usize {
    // The list is lowercase ASCII: a word is one of them when equal ignoring ASCII case,
    // which is what lowering it into a new string compared (without the string).
    s.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !scan::is_alphanumeric(c)))
        .filter(|w| FUNCTION_WORDS.iter().any(|f| f.eq_ignore_ascii_case(w)))
        .count()
}

/// `function_words` as it lowered each word into a string: the reference.
#[cfg(test)]
fn function_words_by_strings(s: &str) -> usize {
    const W: &[&str] = FUNCTION_WORDS;
    s.split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_ascii_lowercase()
        })
        .filter(|w| W.contains(&w.as_str()))
        .count()
}

/// Enough plain lowercase words, and function words among them.
fn is_sentence(chunk: &str, min_words: usize) -> bool {
    // `min_words` words need a byte each and whitespace between them: most chunks (the Latin
    // bits between Han characters) are shorter than that.
    if chunk.len() + 1 < 2 * min_words {
        return false;
    }
    // Counted up to the highest threshold below.
    let lw = lowercase_words_up_to(chunk, min_words + 2);
    if lw < min_words {
        return false;
    }
    let fw = function_words(chunk);
    fw >= 2 || (fw >= 1 && lw >= min_words + 2)
}

/// A stretch that is a quotation (a UI label, a message, a title cited as is): it opens with
/// a quote and little follows the closing quote.
fn quoted(s: &str, min_words: usize) -> bool {
    let mut chars = s.char_indices();
    let Some((_, open)) = chars.next() else {
        return false;
    };
    if !matches!(open, '"' | '“' | '「' | '『' | '\'' | '‘') {
        return false;
    }
    match chars.find(|&(_, c)| matches!(c, '"' | '”' | '」' | '』' | '’')) {
        Some((i, c)) => lowercase_words_up_to(&s[i + c.len_utf8()..], min_words) < min_words,
        None => true,
    }
}

/// Offset of the first ASCII letter in `b[from..]`. ASCII bytes never occur inside a
/// multi-byte character, so the offset is a character boundary: scanners of UTF-8 text jump
/// there, past Han text, 16 bytes at a time (SSE2, part of every x86-64 CPU).
fn next_ascii_letter(b: &[u8], from: usize) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    let from = {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of x86-64; `first_marked` reads b[k..k + 16] only in bounds
        // (an unaligned load).
        let letters = |k: usize| unsafe {
            let v = _mm_loadu_si128(b.as_ptr().add(k) as *const __m128i);
            _mm_movemask_epi8(crate::text::simd::ascii_letter(v)) as u32
        };
        match crate::text::simd::first_marked(b, from, letters) {
            Ok(found) => return found,
            Err(rest) => rest,
        }
    };
    b.get(from..)?
        .iter()
        .position(u8::is_ascii_alphabetic)
        .map(|k| from + k)
}

/// The lanes of the 16 bytes at `p` that the chunk walk acts on (`\n ! ? .`, non-ASCII), as
/// a bit mask.
///
/// # Safety
/// `p` must point to 16 readable bytes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn chunk_bytes(p: *const u8) -> u32 {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86-64; the caller passes 16 readable bytes.
    unsafe {
        let v = _mm_loadu_si128(p as *const __m128i);
        let eq = |c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
        let sep = _mm_or_si128(
            _mm_or_si128(eq(b'\n'), eq(b'!')),
            _mm_or_si128(eq(b'?'), eq(b'.')),
        );
        // The high bit of a byte is set for non-ASCII bytes.
        _mm_movemask_epi8(_mm_or_si128(sep, v)) as u32
    }
}

/// Offset of the first byte at or after `from` that the chunk walk of `for_each_zh_chunk`
/// acts on: `\n ! ? .` or a non-ASCII byte (`b.len()` if none), 16 bytes at a time (SSE2).
/// ASCII bytes never occur inside a multi-byte character, so a non-ASCII byte found after
/// ASCII ones is a lead byte.
fn next_chunk_byte(b: &[u8], from: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    let from = {
        // SAFETY: `first_marked` passes k with b[k..k + 16] in bounds.
        let acts = |k: usize| unsafe { chunk_bytes(b.as_ptr().add(k)) };
        match crate::text::simd::first_marked(b, from, acts) {
            Ok(found) => return found.unwrap_or(b.len()),
            Err(rest) => rest,
        }
    };
    b[from.min(b.len())..]
        .iter()
        .position(|&x| x >= 0x80 || matches!(x, b'\n' | b'!' | b'?' | b'.'))
        .map_or(b.len(), |k| from + k)
}

/// A Latin run inside Chinese: words of Latin letters (with inner - ' . + # digits), separated
/// by single spaces. Byte range in the text.
#[cfg(test)]
fn latin_runs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    latin_runs_into(text, &mut out);
    out
}

/// `latin_runs` into `out` (cleared first): one buffer for every pair of a document.
fn latin_runs_into(text: &str, out: &mut Vec<(usize, usize)>) {
    out.clear();
    // Walks byte offsets rather than a vector of chars: every character the run logic looks
    // at is ASCII except `’` (3 bytes), and non-ASCII lead bytes never equal an ASCII byte,
    // so the char-by-char walk is reproduced by stepping whole characters.
    let b = text.as_bytes();
    const APOS: &[u8] = "’".as_bytes();
    let mut i = 0;
    while i < b.len() {
        // A run starts at an ASCII letter: most of a Chinese text is skipped.
        let Some(start) = next_ascii_letter(b, i) else {
            break;
        };
        i = start;
        let mut end = i;
        let mut j = i;
        loop {
            // Word characters: ASCII word bytes (16 at a time), and `’`.
            loop {
                j = scan::run_bytes_end(b, j);
                if !b[j..].starts_with(APOS) {
                    break;
                }
                j += APOS.len();
            }
            // trailing punctuation is not part of the word
            let mut e = j;
            while e > start {
                if matches!(b[e - 1], b'.' | b'-' | b'\'') {
                    e -= 1;
                } else if b[..e].ends_with(APOS) {
                    e -= APOS.len();
                } else {
                    break;
                }
            }
            end = end.max(e);
            if j + 1 < b.len() && b[j] == b' ' && b[j + 1].is_ascii_alphabetic() {
                j += 1;
                continue;
            }
            break;
        }
        if end > start {
            out.push((start, end));
        }
        i = j.max(start + 1);
    }
}

/// Code in backticks, or a quoted string (UI labels, messages, quotations are cited as is).
fn in_backticks(text: &str, s: usize, e: usize) -> bool {
    // The character before the run, from its last byte: ASCII as it is; the other quotes are
    // three-byte characters, recognised by the three bytes before `s` (UTF-8 is
    // self-synchronising: they are the last character when they encode one).
    let b = text.as_bytes();
    let before = &b[..s];
    match before.last() {
        Some(b'`') => b.get(e) == Some(&b'`'),
        Some(b'"' | b'\'') => true,
        // “ E2 80 9C, ‘ E2 80 98, 「 E3 80 8C, 『 E3 80 8E.
        Some(0x80..) => matches!(
            before.get(s.wrapping_sub(3)..),
            Some([0xE2, 0x80, 0x9C | 0x98] | [0xE3, 0x80, 0x8C | 0x8E])
        ),
        _ => false,
    }
}

/// `in_backticks` by chars: the reference.
#[cfg(test)]
fn in_backticks_by_chars(text: &str, s: usize, e: usize) -> bool {
    (text[..s].ends_with('`') && text[e..].starts_with('`'))
        || text[..s]
            .chars()
            .next_back()
            .is_some_and(|c| matches!(c, '"' | '“' | '「' | '『' | '\'' | '‘'))
}

/// Part of a path, option or variable: `/run`, `--force`, `$HOME`, `~/.bashrc`.
fn in_path(text: &str, s: usize, e: usize) -> bool {
    // Every character looked at is ASCII: the bytes next to the run decide (a byte of a
    // multi-byte character is never an ASCII one).
    let b = text.as_bytes();
    matches!(
        s.checked_sub(1).map(|k| b[k]),
        Some(b'/' | b'\\' | b'$' | b'~' | b'-' | b'_' | b'.' | b'@' | b'%' | b'=')
    ) || matches!(b.get(e), Some(b'/' | b'\\' | b'=' | b'@' | b'(')) && !is_gloss(text, s, e)
}

/// `in_path` by chars: the reference.
#[cfg(test)]
fn in_path_by_chars(text: &str, s: usize, e: usize) -> bool {
    let path_char = |c: char| {
        matches!(
            c,
            '/' | '\\' | '$' | '~' | '-' | '_' | '.' | '@' | '%' | '='
        )
    };
    text[..s].chars().next_back().is_some_and(path_char)
        || text[e..]
            .chars()
            .next()
            .is_some_and(|c| matches!(c, '/' | '\\' | '=' | '@' | '('))
            && !is_gloss(text, s, e)
}

/// 中文(English) or English(中文): a gloss, which is deliberate.
fn is_gloss(text: &str, s: usize, e: usize) -> bool {
    // The characters next to the run, past ASCII whitespace, decoded from the bytes; when one
    // of them is other whitespace (which `trim` would skip too) the general form decides.
    let b = text.as_bytes();
    let ascii_ws = |x: u8| matches!(x, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    let mut q = e;
    while q < b.len() && ascii_ws(b[q]) {
        q += 1;
    }
    // A gloss needs a bracket after the run (past whitespace): when the next character is
    // neither a bracket nor possibly whitespace (`scan::may_be_space`), or there is none,
    // neither this nor the general form can find one (most runs: Han or `，` follows).
    match b.get(q) {
        Some(b'(' | b')') => {}
        // `（` and `）` are EF BC 88 and EF BC 89.
        Some(0xEF) if b[q + 1] == 0xBC && matches!(b[q + 2], 0x88 | 0x89) => {}
        Some(0x80..) if scan::may_be_space(b, q) => {}
        _ => return false,
    }
    let mut p = s;
    while p > 0 && ascii_ws(b[p - 1]) {
        p -= 1;
    }
    let before = text[..p].chars().next_back();
    let mut after = text[q..].chars();
    let first = after.next();
    if before.is_some_and(char::is_whitespace) || first.is_some_and(char::is_whitespace) {
        return is_gloss_general(text, s, e);
    }
    match first {
        Some(')' | '）') => matches!(before, Some('(' | '（')),
        Some('(' | '（') => after.next().is_some_and(is_han),
        _ => false,
    }
}

/// `is_gloss` on trimmed slices: the definition.
fn is_gloss_general(text: &str, s: usize, e: usize) -> bool {
    let before = text[..s].trim_end();
    let after = text[e..].trim_start();
    let opened = before.ends_with('(') || before.ends_with('（');
    let closed = after.starts_with(')') || after.starts_with('）');
    if opened && closed {
        return true;
    }
    (after.starts_with('(') || after.starts_with('（')) && after.chars().nth(1).is_some_and(is_han)
}

/// A name: CamelCase / internal capitals, or capitalised and not written in lowercase in the
/// English (Ilya, Meta, Twitter); an acronym: all capitals.
fn is_name_or_acronym(word: &str, en: &str) -> bool {
    if let Some(alone) = name_or_acronym_alone(word) {
        return alone;
    }
    // Capitalised, several letters, no other capital: a name unless the English has its
    // lower case as a word. Words of Latin runs are ASCII but for `’`: their lower case is
    // then the ASCII lower case (lowered on the stack).
    if word.is_ascii() {
        let b = word.as_bytes();
        let mut buf = [0u8; 64];
        return match buf.get_mut(..b.len()) {
            Some(lower) => {
                lower.copy_from_slice(b);
                lower.make_ascii_lowercase();
                !contains_word_bytes(en.as_bytes(), lower)
            }
            None => !contains_word(en, &word.to_ascii_lowercase()),
        };
    }
    !contains_word(en, &word.to_lowercase())
}

/// `is_name_or_acronym(word, en)` when the English does not matter, None when it does (a
/// capitalised word of several letters with no other capital).
fn name_or_acronym_alone(word: &str) -> Option<bool> {
    // Words of Latin runs are ASCII but for `’`: their letters are the ASCII letters and
    // upper case is A-Z.
    if word.is_ascii() {
        let b = word.as_bytes();
        let mut letters = b.iter().filter(|x| x.is_ascii_alphabetic());
        let Some(first) = letters.next() else {
            return Some(true);
        };
        let mut more = false;
        for c in letters {
            if c.is_ascii_uppercase() {
                return Some(true);
            }
            more = true;
        }
        if !first.is_ascii_uppercase() {
            return Some(false);
        }
        return if more { None } else { Some(true) };
    }
    // The letters are read once, without a vector: no letters, or an upper-case letter after
    // the first, settles it (all capitals has one unless the word is a single capital).
    let mut letters = word.chars().filter(|&c| is_alphabetic(c));
    let Some(first) = letters.next() else {
        return Some(true);
    };
    let mut more = false;
    for c in letters {
        if c.is_uppercase() {
            return Some(true);
        }
        more = true;
    }
    if first.is_uppercase() {
        // A single capital is all capitals.
        return if more { None } else { Some(true) };
    }
    Some(false)
}

/// A word of a Latin run (a piece of `run.split(' ')`, as a byte range of the run) and how it
/// takes part in the run's unknown terms.
#[derive(Clone, Copy, Debug, PartialEq)]
struct RunWord {
    start: usize,
    end: usize,
    kind: WordKind,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum WordKind {
    /// Covered by a glossary match, a name or acronym, code, or fewer than two letters.
    Bound,
    /// Part of an unknown term.
    Free,
    /// Part of an unknown term unless `is_name_or_acronym` says otherwise (it depends on the
    /// English).
    FreeUnlessName,
}

/// The words of `run` and their kinds, given the glossary's `matches` in it: what
/// `Untranslated::terms` tests of each word, but the name test that reads the English. They
/// depend on the run's text alone (its matches too), so the run cache keeps them.
fn run_words(run: &str, matches: &[crate::glossary::TermMatch]) -> Vec<RunWord> {
    let mut covered = vec![false; run.len()];
    for m in matches {
        covered[m.start..m.end].iter_mut().for_each(|c| *c = true);
    }
    let mut words = Vec::new();
    // The words of `run.split(' ')`, found by a byte search (runs are short).
    let rb = run.as_bytes();
    let mut pos = 0;
    while pos <= rb.len() {
        let (ws, we) = (
            pos,
            rb[pos..]
                .iter()
                .position(|&x| x == b' ')
                .map_or(rb.len(), |k| pos + k),
        );
        pos = we + 1;
        let w = &run[ws..we];
        let bound = covered[ws..we].iter().any(|&c| c)
            || is_code_like_word(w)
            || w.chars().filter(|c| c.is_alphabetic()).count() < 2;
        let kind = match (bound, name_or_acronym_alone(w)) {
            (true, _) | (false, Some(true)) => WordKind::Bound,
            (false, Some(false)) => WordKind::Free,
            (false, None) => WordKind::FreeUnlessName,
        };
        words.push(RunWord {
            start: ws,
            end: we,
            kind,
        });
    }
    words
}

/// `is_name_or_acronym` with a vector of the letters: the reference.
#[cfg(test)]
fn is_name_or_acronym_by_vec(word: &str, en: &str) -> bool {
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.is_empty() {
        return true;
    }
    if letters.iter().all(|c| c.is_uppercase()) {
        return true;
    }
    if letters.iter().skip(1).any(|c| c.is_uppercase()) {
        return true;
    }
    if letters[0].is_uppercase() {
        let lower = word.to_lowercase();
        return !contains_word(en, &lower);
    }
    false
}

/// Case-sensitive word-boundary search.
fn contains_word(hay: &str, w: &str) -> bool {
    if w.is_empty() {
        return contains_word_by_find(hay, w);
    }
    contains_word_bytes(hay.as_bytes(), w.as_bytes())
}

/// `contains_word` on bytes, `wb` not empty (a whole UTF-8 string matches only at character
/// boundaries of valid UTF-8, so the positions are those `find` gives).
#[cfg_attr(not(target_arch = "x86_64"), allow(unused_mut))] // `from` moves only in the SSE2 block
fn contains_word_bytes(b: &[u8], wb: &[u8]) -> bool {
    let first = wb[0];
    let mut from = 0;
    // Every occurrence, in order: the positions where the word's first two bytes are, 16 at
    // a time (SSE2: English texts are a few hundred bytes, too short for a searcher's set-up,
    // and a word's first letter alone is common), kept where the rest of the word follows.
    #[cfg(target_arch = "x86_64")]
    if let Some(&second) = wb.get(1) {
        use std::arch::x86_64::*;
        // `from + 17`: the lane of the first byte looks at the byte after it.
        while from + 17 <= b.len() {
            // SAFETY: SSE2 is part of x86-64; b[from..from + 17] is in bounds (unaligned loads).
            let mut m = unsafe {
                let v = _mm_loadu_si128(b.as_ptr().add(from) as *const __m128i);
                let next = _mm_loadu_si128(b.as_ptr().add(from + 1) as *const __m128i);
                _mm_movemask_epi8(_mm_and_si128(
                    _mm_cmpeq_epi8(v, _mm_set1_epi8(first as i8)),
                    _mm_cmpeq_epi8(next, _mm_set1_epi8(second as i8)),
                )) as u32
            };
            while m != 0 {
                let s = from + m.trailing_zeros() as usize;
                if b[s..].starts_with(wb) && whole_word_at(b, s, wb.len()) {
                    return true;
                }
                m &= m - 1;
            }
            from += 16;
        }
    }
    // The rest: the positions of the first byte (memchr), kept where the word follows.
    while let Some(p) = memchr::memchr(first, &b[from..]) {
        let s = from + p;
        if b[s..].starts_with(wb) && whole_word_at(b, s, wb.len()) {
            return true;
        }
        from = s + 1;
    }
    false
}

/// The `len` bytes at `s` of `b` are not preceded nor followed by an ASCII letter or digit.
fn whole_word_at(b: &[u8], s: usize, len: usize) -> bool {
    let e = s + len;
    (s == 0 || !b[s - 1].is_ascii_alphanumeric()) && (e >= b.len() || !b[e].is_ascii_alphanumeric())
}

/// `contains_word` by repeated `str::find`: the definition (and the form for an empty word).
fn contains_word_by_find(hay: &str, w: &str) -> bool {
    let b = hay.as_bytes();
    let mut from = 0;
    while let Some(p) = hay[from..].find(w) {
        let s = from + p;
        if whole_word_at(b, s, w.len()) {
            return true;
        }
        from = s + 1;
    }
    false
}

impl Untranslated {
    fn identical(&self, pair: &Pair, zh: &str, en: &str, hits: &mut Vec<Hit>) -> bool {
        if !same_normalised(zh, en) {
            return false;
        }
        let letters = normalised(zh).filter(|c| c.is_alphabetic()).count();
        let words = script::english_word_count(en) + script::han_count(en);
        if letters < self.p.min_identical_chars
            || words < self.p.min_identical_words
            || is_code_like(en)
            || is_name_or_title(en)
        {
            return false;
        }
        hits.push(
            Hit::on_pair(pair)
                .with("kind", "identical_segment")
                .with("text", crate::text::excerpt(en, 80))
                .message(format!(
                    "Segment is identical on both sides (left untranslated): \"{}\"",
                    crate::text::excerpt(en, 60)
                ))
                .suggest("translate the segment, or waive it if it must stay as is")
                .severity(Severity::Major),
        );
        true
    }

    /// The stretches reported, or None when `quiet()` (the text is code-like) stopped it
    /// before its hit.
    fn english_in_chinese(
        &self,
        pair: &Pair,
        zh: &str,
        quiet: &dyn Fn() -> bool,
        hits: &mut Vec<Hit>,
    ) -> Option<Vec<(usize, usize)>> {
        let mut covered = Vec::new();
        let mut sentences = Vec::new();
        // `is_sentence` needs `chunk.len() + 1 >= 2 * min_sentence_words`: shorter stretches
        // are not passed.
        let min_len = (2 * self.p.min_sentence_words).saturating_sub(1);
        // A sentence has `min_sentence_words` words, so whitespace between them: most texts
        // have no stretch free of Han characters with that much, and need no chunk walk.
        if !scan::may_hold_words(zh.as_bytes(), self.p.min_sentence_words.saturating_sub(1)) {
            return Some(covered);
        }
        for_each_zh_chunk(zh, min_len, |chunk| {
            // Chunks never hold Han characters (`for_each_zh_chunk` splits at every one).
            if is_sentence(chunk, self.p.min_sentence_words)
                && !quoted(chunk, self.p.min_sentence_words)
                && !is_code_like(chunk)
            {
                let s = chunk.as_ptr() as usize - zh.as_ptr() as usize;
                covered.push((s, s + chunk.len()));
                sentences.push(chunk.to_string());
            }
        });
        if !sentences.is_empty() {
            if quiet() {
                return None;
            }
            let first = crate::text::excerpt(&sentences[0], 60);
            hits.push(
                Hit {
                    en_lines: None,
                    ..Hit::on_pair(pair)
                }
                .with("kind", "english_sentence_in_chinese")
                .with("sentences", sentences.clone())
                .with("text", first.clone())
                .message(format!(
                    "English sentence left in the Chinese: \"{first}\"{}",
                    if sentences.len() > 1 {
                        format!(" (and {} more)", sentences.len() - 1)
                    } else {
                        String::new()
                    }
                ))
                .suggest("translate the sentence into Chinese (or move it to the English block)")
                .severity(Severity::Major),
            );
        }
        Some(covered)
    }

    fn chinese_in_english(&self, pair: &Pair, en: &str, hits: &mut Vec<Hit>) {
        let mut runs: Vec<String> = Vec::new();
        let mut cur = String::new();
        for c in en.chars() {
            if is_han(c) || (!cur.is_empty() && matches!(c, '，' | '。' | '、' | ',' | ' ')) {
                cur.push(c);
            } else if !cur.is_empty() {
                runs.push(
                    cur.trim_end_matches(['，', '。', '、', ',', ' '])
                        .to_string(),
                );
                cur.clear();
            }
        }
        if !cur.is_empty() {
            runs.push(
                cur.trim_end_matches(['，', '。', '、', ',', ' '])
                    .to_string(),
            );
        }
        if runs.is_empty() {
            return;
        }
        let han: usize = runs
            .iter()
            .map(|r| r.chars().filter(|&c| is_han(c)).count())
            .sum();
        let major = han >= self.p.min_han_sentence;
        let mut hit = Hit {
            zh_lines: None,
            ..Hit::on_pair(pair)
        }
        .with(
            "kind",
            if major {
                "chinese_sentence_in_english"
            } else {
                "chinese_in_english"
            },
        )
        .with("han_chars", han)
        .with("text", runs.clone())
        .message(format!(
            "Chinese left in the English: \"{}\"",
            crate::text::excerpt(&runs.join(" … "), 60)
        ))
        .suggest("translate the Chinese text into English")
        .severity(if major {
            Severity::Major
        } else {
            Severity::Minor
        });
        if !major {
            hit = hit.with("note", "a short Han word; fine if it is quoted and glossed");
        }
        hits.push(hit);
    }

    #[allow(clippy::too_many_arguments)]
    fn terms<'a>(
        &self,
        pair: &'a Pair,
        skip: &[(usize, usize)],
        g: &Glossary,
        house: &HouseStyle,
        quiet: &dyn Fn() -> bool,
        known: &mut scan::RunMatches,
        scratch: &mut Scratch<'a>,
        hits: &mut Vec<Hit>,
    ) {
        let (zh, en) = (pair.zh_text(), pair.en_text());
        // The renderings in the Chinese matter only once a glossary term is found in a run:
        // looked up then, at most once.
        let mut found_zh: Option<BTreeSet<usize>> = None;
        let Scratch { runs, seen, rest } = scratch;
        // The terms reported in the pair, compared by their lower case (a few per pair: a
        // vector of slices, no lowered string per term).
        seen.clear();
        latin_runs_into(zh, runs);
        for &(s, e) in runs.iter() {
            if skip.iter().any(|&(a, b)| s >= a && e <= b) {
                continue;
            }
            let run = &zh[s..e];
            if in_backticks(zh, s, e) || is_gloss(zh, s, e) || in_path(zh, s, e) {
                continue;
            }
            // Known terms first (longest match), then what the glossary does not cover.
            // The glossary's matches in the run and its words, found once per distinct run
            // (they depend on the text alone; Debian repeats `sudo`, `root`).
            let (matches, words) = known.get(g, run);
            for m in matches.iter() {
                let t = &g.terms[m.term];
                if t.keep
                    || found_zh
                        .get_or_insert_with(|| g.found_zh(zh))
                        .contains(&m.term)
                {
                    continue;
                }
                let written = &run[m.start..m.end];
                // EVAL, BUG: an identifier or acronym, not the lowercase glossary term.
                if is_shouting(written) && !is_shouting(&t.en) {
                    continue;
                }
                if !scan::insert_lower(seen, written) {
                    continue;
                }
                if quiet() {
                    return;
                }
                let house_style = house.get().contains(&m.term);
                let pref = t.preferred().unwrap_or_default();
                hits.push(
                    Hit {
                        en_lines: None,
                        ..Hit::on_pair(pair)
                    }
                    .with("kind", "untranslated_term")
                    .with("term", written)
                    .with("glossary", t.en.as_str())
                    .with("expected", t.zh.clone())
                    .with("house_style", house_style)
                    .message(if house_style {
                        concat(&[
                            "English term `",
                            written,
                            "` kept in the Chinese throughout the document (house style?)",
                        ])
                    } else {
                        concat(&[
                            "English term `",
                            written,
                            "` left untranslated in the Chinese",
                        ])
                    })
                    .suggest(concat(&["translate `", written, "` as ", pref]))
                    .severity(if house_style {
                        Severity::Info
                    } else {
                        Severity::Minor
                    }),
                );
            }
            let Some(sev) = self.unknown else { continue };
            // Uncovered words of the run, grouped into contiguous terms.
            // A term is a stretch of consecutive words of the run, which are separated by
            // single spaces: the words joined with " " are the run's own slice from the first
            // word's start to the last word's end, borrowed rather than joined into a String.
            rest.clear();
            let mut cur: Option<(usize, usize)> = None;
            for &RunWord { start, end, kind } in words {
                let free = match kind {
                    WordKind::Bound => false,
                    WordKind::Free => true,
                    WordKind::FreeUnlessName => !is_name_or_acronym(&run[start..end], en),
                };
                if free {
                    cur = Some((cur.map_or(start, |(s, _)| s), end));
                } else if let Some((s, e)) = cur.take() {
                    rest.push(&run[s..e]);
                }
            }
            if let Some((s, e)) = cur {
                rest.push(&run[s..e]);
            }
            for &term in rest.iter() {
                if !scan::insert_lower(seen, term) {
                    continue;
                }
                if quiet() {
                    return;
                }
                hits.push(
                    Hit {
                        en_lines: None,
                        ..Hit::on_pair(pair)
                    }
                    .with("kind", "untranslated_term")
                    .with("term", term)
                    .message(concat(&[
                        "English term `",
                        term,
                        "` left untranslated in the Chinese (not in the glossary)",
                    ]))
                    .suggest(concat(&[
                        "translate `",
                        term,
                        "`, or add it to the glossary (keep = true or zh = [...])",
                    ]))
                    .severity(sev),
                );
            }
        }
    }
}

/// Buffers of `Untranslated::terms`, allocated once per document and cleared per pair: the
/// pair's Latin runs, the terms reported in it, the unknown terms of a run.
#[derive(Default)]
struct Scratch<'a> {
    runs: Vec<(usize, usize)>,
    seen: Vec<&'a str>,
    /// The uncovered terms of a run.
    rest: Vec<&'a str>,
}

/// [`Untranslated::house_style`] of the document, computed when first asked for.
struct HouseStyle<'a> {
    set: std::cell::OnceCell<BTreeSet<usize>>,
    compute: &'a dyn Fn() -> BTreeSet<usize>,
}

impl HouseStyle<'_> {
    fn get(&self) -> &BTreeSet<usize> {
        self.set.get_or_init(self.compute)
    }
}

/// All capitals (EVAL, BUG): an identifier or acronym.
fn is_shouting(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
}

impl Untranslated {
    /// Glossary terms the document keeps in English on purpose: a house style rather than an
    /// oversight. Kept = the term appears in Latin letters in a pair's Chinese; rendered = the
    /// English has the term and the Chinese one of its renderings. A term is house style when
    /// kept in at least `house_style_min` pairs and rendered in at most a quarter as many; and
    /// every kept term is when the document as a whole keeps glossary terms in at least a third
    /// of their occurrences (kept ≥ rendered / 2, and `house_style_min` kept in all). Measured:
    /// the interview keeps 53 and renders 50 (its variants of 111 pairs: 39-44 vs 37-42);
    /// Debian Reference keeps 18 and renders 428.
    fn house_style(&self, ctx: &Context) -> BTreeSet<usize> {
        let g = &ctx.resources.glossary;
        let mut kept: BTreeMap<usize, usize> = BTreeMap::new();
        let mut rendered: BTreeMap<usize, usize> = BTreeMap::new();
        // Kept terms of each pair, counted first: when fewer than `house_style_min` are kept in
        // all, no term can be house style (`whole` needs that many, and so does any one term),
        // whatever is rendered, so the English need not be searched at all.
        let in_zh_all: Vec<BTreeSet<usize>> = ctx
            .doc
            .pairs
            .iter()
            .map(|pair| {
                g.find_en(pair.zh_text())
                    .iter()
                    .map(|m| m.term)
                    .filter(|&t| !g.terms[t].keep && !g.terms[t].zh.is_empty())
                    .collect()
            })
            .collect();
        for in_zh in &in_zh_all {
            for t in in_zh {
                *kept.entry(*t).or_default() += 1;
            }
        }
        if kept.values().sum::<usize>() < self.p.house_style_min {
            return BTreeSet::new();
        }
        for (pair, in_zh) in ctx.doc.pairs.iter().zip(&in_zh_all) {
            let (zh, en) = (pair.zh_text(), pair.en_text());
            let in_en: BTreeSet<usize> = g.find_en(en).iter().map(|m| m.term).collect();
            // Only terms with renderings can be found in the Chinese: without one in the
            // English, nothing is rendered and the Chinese need not be searched.
            if !in_en.iter().any(|&t| !g.terms[t].zh.is_empty()) {
                continue;
            }
            let found = g.found_zh(zh);
            for t in in_en {
                if found.contains(&t) && !in_zh.contains(&t) {
                    *rendered.entry(t).or_default() += 1;
                }
            }
        }
        let (k_all, r_all): (usize, usize) = (kept.values().sum(), rendered.values().sum());
        let whole = k_all >= self.p.house_style_min && k_all * 2 >= r_all;
        kept.into_iter()
            .filter(|&(t, n)| {
                whole
                    || (n >= self.p.house_style_min
                        && rendered.get(&t).copied().unwrap_or(0) * 4 <= n)
            })
            .map(|(t, _)| t)
            .collect()
    }

    /// A Chinese block left in English (or an English block replaced by the Chinese) makes
    /// the reader see two blocks of one language in a row: two one-sided pairs whose texts
    /// are the same.
    fn identical_neighbours(&self, ctx: &Context, hits: &mut Vec<Hit>) {
        for w in ctx.doc.pairs.windows(2) {
            fn one_side(p: &Pair) -> Option<&crate::model::Segment> {
                match (&p.zh, &p.en) {
                    (Some(s), None) | (None, Some(s)) => Some(s),
                    _ => None,
                }
            }
            let (Some(a), Some(b)) = (one_side(&w[0]), one_side(&w[1])) else {
                continue;
            };
            if a.lang != b.lang {
                continue;
            }
            let text = &a.text;
            let (na, nb) = (normalise(text), normalise(&b.text));
            let letters = na.chars().filter(|c| c.is_alphabetic()).count();
            let words = script::english_word_count(text) + script::han_count(text);
            if na.is_empty()
                || na != nb
                || letters < self.p.min_identical_chars
                || words < self.p.min_identical_words
                || is_code_like(text)
                || is_name_or_title(text)
            {
                continue;
            }
            // The first block stands where the Chinese belongs, the second where the English does.
            let (first, second) = (a.lines, b.lines);
            let (zh_lines, en_lines) = (Some(first), Some(second));
            hits.push(
                Hit {
                    pair: Some(w[0].index),
                    zh_lines,
                    en_lines,
                    ..Hit::default()
                }
                .with("kind", "identical_segment")
                .with("language", a.lang.name())
                .with("text", crate::text::excerpt(text, 80))
                .message(format!(
                    "The same {} text is written twice, as both sides of a pair (left untranslated): \"{}\"",
                    a.lang.name(),
                    crate::text::excerpt(text, 60)
                ))
                .suggest(format!(
                    "translate line {} into {}",
                    if a.lang == crate::model::Lang::Zh { second.start } else { first.start },
                    a.lang.other().name()
                ))
                .severity(Severity::Major),
            );
        }
    }
}

impl Check for Untranslated {
    fn run(&self, ctx: &Context) -> Vec<Hit> {
        let g = &ctx.resources.glossary;
        // Computed at the first glossary term reported, if any: most documents have none (none
        // in 100k Debian pairs), and it costs two glossary searches of every pair.
        let house = HouseStyle {
            set: std::cell::OnceCell::new(),
            compute: &|| self.house_style(ctx),
        };
        scan::with_run_cache(g, |known| self.run_pairs(ctx, &house, known))
    }
}

impl Untranslated {
    fn run_pairs(
        &self,
        ctx: &Context,
        house: &HouseStyle,
        known: &mut scan::RunMatches,
    ) -> Vec<Hit> {
        let g = &ctx.resources.glossary;
        // Room for a hit every other pair (Debian has one every third): the vector is not
        // copied as it grows.
        let mut hits = Vec::with_capacity(ctx.doc.pairs.len() / 2);
        let mut scratch = Scratch::default();
        self.identical_neighbours(ctx, &mut hits);
        for pair in &ctx.doc.pairs {
            let (zh, en) = (pair.zh_text(), pair.en_text());
            if pair.en.is_some() && !en.is_ascii() && script::han_count(en) > 0 {
                self.chinese_in_english(pair, en, &mut hits);
            }
            if pair.zh.is_none() {
                continue;
            }
            if pair.en.is_some() && self.identical(pair, zh, en, &mut hits) {
                continue;
            }
            // Both tests below need ASCII letters in the Chinese: an English sentence needs
            // function words, a term a Latin run. Most Chinese texts have none.
            if next_ascii_letter(zh.as_bytes(), 0).is_none() {
                continue;
            }
            // A code-like Chinese text reports nothing. `is_code_like` reads the whole text
            // and most texts have nothing to report, so it is asked (once) just before the
            // pair's first hit would be pushed, and a code-like text stops there: the hits and
            // what is computed for them (the house style) are exactly those of asking first.
            let code_like = std::cell::OnceCell::new();
            let quiet = || *code_like.get_or_init(|| is_code_like(zh));
            let Some(covered) = self.english_in_chinese(pair, zh, &quiet, &mut hits) else {
                continue;
            };
            self.terms(
                pair,
                &covered,
                g,
                house,
                &quiet,
                known,
                &mut scratch,
                &mut hits,
            );
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_like() {
        assert!(is_code_like("\"/var/run\" → \"/run\""));
        assert!(is_code_like("1.2.13. tmpfs"));
        assert!(is_code_like("$ apt-get install foo"));
        assert!(!is_code_like("Choose packages listed on the command line"));
        assert!(!is_code_like("value function"));
    }

    /// The unknown terms of a run as `Untranslated::terms` found them word by word: the
    /// reference of `run_words`.
    fn free_words_plain(run: &str, g: &Glossary, en: &str) -> Vec<bool> {
        let mut covered = vec![false; run.len()];
        for m in g.find_en(run) {
            covered[m.start..m.end].iter_mut().for_each(|c| *c = true);
        }
        let mut pos = 0;
        run.split(' ')
            .map(|w| {
                let ws = pos;
                pos += w.len() + 1;
                !covered[ws..ws + w.len()].iter().any(|&c| c)
                    && !is_name_or_acronym(w, en)
                    && !is_code_like_word(w)
                    && w.chars().filter(|c| c.is_alphabetic()).count() >= 2
            })
            .collect()
    }

    #[test]
    fn run_words_agree_with_the_word_tests() {
        let g = Glossary::parse(
            "g.toml",
            "[terms.\"shell\"]\nzh = [\"外壳\"]\n[terms.\"root\"]\nkeep = true\n\
             [terms.\"package manager\"]\nzh = [\"软件包管理器\"]\n",
        )
        .unwrap();
        let words = [
            "sudo",
            "Debian",
            "debian",
            "root",
            "shell",
            "GPU",
            "a",
            "x1",
            "foo_bar",
            "Shell",
            "don’t",
            "Ilya",
            "it's",
            "apt-get",
            "Midnight",
            "package",
            "manager",
            "É",
            "Éa",
            "ab",
            "",
            "Root",
            "McKay",
            "v1.2",
            "sh.",
            "İstanbul",
            "istanbul",
        ];
        let ens = [
            "",
            "the debian shell",
            "Ilya and midnight",
            "sudo istanbul",
            "mckay's root",
        ];
        let mut rng = crate::test_support::XorShift::new(0x2B0D5);
        for _ in 0..20_000 {
            let n = 1 + rng.index(4);
            let run = (0..n)
                .map(|_| words[rng.index(words.len())])
                .collect::<Vec<_>>()
                .join(" ");
            let rw = run_words(&run, &g.find_en(&run));
            for en in ens {
                let cached: Vec<bool> = rw
                    .iter()
                    .map(|w| match w.kind {
                        WordKind::Bound => false,
                        WordKind::Free => true,
                        WordKind::FreeUnlessName => !is_name_or_acronym(&run[w.start..w.end], en),
                    })
                    .collect();
                assert_eq!(cached, free_words_plain(&run, &g, en), "{run:?} {en:?}");
            }
        }
    }

    #[test]
    fn fast_paths_agree_with_the_plain_definitions() {
        for c in '\0'..=char::MAX {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
        }
        for (a, b) in [
            ("Hello, World!", "hello world"),
            ("", ""),
            ("!!!", "..."),
            ("你好", "hello"),
            ("Straße", "STRASSE"),
            ("İ", "i̇"),
            ("GNU/Linux 教程", "gnu linux教程"),
        ] {
            let plain = !normalise(a).is_empty() && normalise(a) == normalise(b);
            assert_eq!(same_normalised(a, b), plain, "{a:?} {b:?}");
        }
        assert!(!is_code_like("English 句子 with words"));
        assert!(is_code_like("www. GPU"));
        assert!(is_code_like("NASA"));
    }

    /// `same_normalised` as it was before the first-character test: the reference.
    fn same_normalised_plain(a: &str, b: &str) -> bool {
        normalised(a).next().is_some() && normalised(a).eq(normalised(b))
    }

    #[test]
    fn fast_normalised_agrees_with_the_iterator() {
        for c in crate::test_support::every_char() {
            for t in [format!("{c}"), format!(" {c}x"), format!("{c}{c}")] {
                assert!(Normalised::new(&t).eq(normalised(&t)), "{t:?}");
            }
        }
        assert_eq!(Normalised::new("").next(), None);
        assert_eq!(Normalised::new("。,!").next(), None);
        assert_eq!(Normalised::new("İx").collect::<String>(), "i\u{307}x");
    }

    #[test]
    fn quick_first_is_the_first_normalised_char() {
        let mut texts: Vec<String> = vec!["".into(), "...".into(), " 1.1".into(), "中x".into()];
        for c in crate::test_support::every_char() {
            texts.push(format!("{c}"));
            texts.push(format!(". {c}x"));
        }
        crate::test_support::each_debian_cell(|c| texts.push(c.to_string()));
        for t in &texts {
            if let Some(f) = quick_first(t) {
                assert_eq!(f, normalised(t).next(), "{t:?}");
            }
        }
    }

    #[test]
    fn same_normalised_agrees_with_the_plain_comparison() {
        let mut texts: Vec<String> = [
            "",
            "!!!",
            "...",
            "你好",
            "hello",
            "Hello, World!",
            "hello world",
            "Straße",
            "STRASSE",
            "İ",
            "i̇",
            "GNU/Linux 教程",
            "gnu linux教程",
            "1.1. 控制台基础",
            "1.1. Console basics",
            "１２ab",
            "12AB",
            "Ⅻ",
            "ⅻ",
            "ǅ",
            "ǆ",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut rng = crate::test_support::XorShift::new(0x5eed_0301);
        let parts = [
            "a", "B", "中", "文", "1", "１", "Ａ", "ａ", "é", "É", "İ", "i̇", " ", ".", "。", "ß",
            "SS", "ǅ", "Ⅻ", "𠀀", "_", "-", "\u{3000}",
        ];
        for _ in 0..20_000 {
            let n = rng.index(5);
            let t: String = (0..n).map(|_| parts[rng.index(parts.len())]).collect();
            texts.push(t);
        }
        if let Ok(t) = std::fs::read_to_string("../shared/data/debian-reference.zh-en.tsv") {
            for line in t.lines() {
                let cells: Vec<&str> = line.split('\t').collect();
                // id, tag, status, zh, en.
                if let [.., zh, en] = cells[..] {
                    assert_eq!(
                        same_normalised(zh, en),
                        same_normalised_plain(zh, en),
                        "{zh:?} {en:?}"
                    );
                }
            }
        }
        for a in &texts[..200] {
            for b in &texts[..200] {
                assert_eq!(
                    same_normalised(a, b),
                    same_normalised_plain(a, b),
                    "{a:?} {b:?}"
                );
            }
        }
        for w in texts.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            assert_eq!(
                same_normalised(a, b),
                same_normalised_plain(a, b),
                "{a:?} {b:?}"
            );
            let lower = a.to_lowercase();
            assert_eq!(
                same_normalised(a, &lower),
                same_normalised_plain(a, &lower),
                "{a:?}"
            );
        }
    }

    /// `is_code_like` as it was before the single pass: the reference.
    fn is_code_like_by_words(s: &str) -> bool {
        let t = s.trim();
        if t.is_empty() {
            return true;
        }
        if t.starts_with("$ ") || t.starts_with("# ") || t.starts_with('`') {
            return true;
        }
        let word_kind = |w: &str| {
            let special = w.contains(['/', '_', '=', '$', '~', '\\', '{', '<', '|', '%', '&']);
            let digit = w.chars().any(|c| c.is_ascii_digit());
            let letters = w.chars().any(|c| c.is_alphabetic());
            let codeish = special
                || w.contains("://")
                || w.starts_with("www.")
                || (w.starts_with('-') && w.len() > 1)
                || digit
                || (w.contains('.') && !w.ends_with('.') && letters)
                || !letters;
            let acronym = letters
                && w.chars()
                    .filter(|c| c.is_alphabetic())
                    .all(|c| c.is_uppercase());
            codeish || acronym
        };
        let words: Vec<&str> = t.split_whitespace().collect();
        let plain = words.iter().filter(|w| !word_kind(w)).count();
        plain * 2 <= words.len()
    }

    #[test]
    fn zh_chunks_by_bytes_agree_with_the_char_walk() {
        let mut texts: Vec<String> = [
            "",
            "a. b",
            "a.",
            "中文 English words. 更多！x？y；z!w?v\nu",
            "𠀀x𠀀 y",
            "é. ü",
            "（注：see the manual）",
            "x 。 ",
            "\u{3000}a\u{3000}",
            "a\u{4DBF}b\u{4DC0}c\u{4DFF}d\u{4E00}e\u{4FFF}f\u{5000}g\u{9FFF}h\u{A000}i",
            "中文中 x 文",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for c in crate::test_support::every_char().step_by(3) {
            texts.push(format!("a {c}b. {c}"));
        }
        if let Ok(t) = std::fs::read_to_string("../shared/data/debian-reference.zh-en.tsv") {
            texts.extend(t.lines().map(str::to_string));
        }
        for t in &texts {
            let mut got = Vec::new();
            for_each_zh_chunk(t, 0, |c| got.push(c));
            let all = zh_chunks_by_chars(t);
            assert_eq!(got, all, "{t:?}");
            // With a minimum length: every chunk that long, and only chunks of the full list.
            for min_len in [1, 2, 5, 9] {
                let mut short = Vec::new();
                for_each_zh_chunk(t, min_len, |c| short.push(c));
                let long = |v: &[&str]| -> Vec<String> {
                    v.iter()
                        .filter(|c| c.len() >= min_len)
                        .map(|c| c.to_string())
                        .collect()
                };
                assert_eq!(long(&short), long(&all), "{t:?} {min_len}");
                let mut rest = all.iter();
                for c in &short {
                    assert!(
                        rest.any(|a| std::ptr::eq(*a, *c)),
                        "{t:?} {min_len}: {c:?} not a chunk"
                    );
                }
            }
        }
    }

    #[test]
    fn code_like_in_one_pass_agrees_with_the_word_split() {
        let mut texts: Vec<String> = [
            "",
            " ",
            "NASA",
            "www. GPU",
            "English 句子 with words",
            "$ ls",
            " # x",
            "`a` b c",
            "a.b c.d e",
            "-x y z",
            "- a b",
            "Ǆ ǅ ǆ",
            "ÉCOLE école",
            "a\u{3000}b\u{a0}c\u{2003}d",
            "中文 句子 Ab",
            "１２ 三 x",
            "é.x ü. y/z",
            "Ⅻ ⅻ x",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for c in [
            '\0'..='\u{3100}',
            '\u{4dff}'..='\u{4e01}',
            '\u{9ffe}'..='\u{a001}',
        ]
        .into_iter()
        .flatten()
        {
            texts.push(format!("a{c}b c{c} {c}d"));
            texts.push(format!("{c}{c} x"));
        }
        // Every character inside words with and without lowercase letters, after Han.
        for c in crate::test_support::every_non_ascii_char() {
            texts.push(format!("中{c}x a{c} A{c}b {c}中 Ab{c}"));
        }
        if let Ok(t) = std::fs::read_to_string("../shared/data/debian-reference.zh-en.tsv") {
            texts.extend(t.lines().flat_map(|l| l.split('\t')).map(str::to_string));
        }
        // Mixed texts: Han runs, ASCII words of each case, code tokens, punctuation of both
        // widths, other whitespace, non-ASCII letters.
        let parts = [
            "中文", "的", "一", "\u{4E00}", "\u{9FFF}", "\u{4DFF}", "𠀀", "abc", "x", "ABC", "Ab",
            "aB", " ", "  ", "\t", "\n", "\u{3000}", "\u{a0}", "/usr", "a_b", "=", "$", "1", "２",
            ".", "a.b", "-", "--x", "www.", "。", "，", "（", "）", "é", "É", "ß", "Ǆ", "ǅ", "Ⅻ",
            "`", "# ", "$ ",
        ];
        let mut rng = crate::test_support::XorShift::new(0xC0DE);
        for _ in 0..60_000 {
            let n = rng.index(12);
            texts.push((0..n).map(|_| parts[rng.index(parts.len())]).collect());
        }
        for t in &texts {
            assert_eq!(is_code_like(t), is_code_like_by_words(t), "{t:?}");
        }
    }

    /// The char-vector form `latin_runs` had before it walked bytes: the reference.
    fn latin_runs_by_chars(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        // A run starts at an ASCII letter: most Chinese texts have none.
        if !text.bytes().any(|b| b.is_ascii_alphabetic()) {
            return out;
        }
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut i = 0;
        let wordc = |c: char| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '\'' | '’' | '+' | '#' | '_' | '.' | '/')
        };
        while i < chars.len() {
            if !chars[i].1.is_ascii_alphabetic() {
                i += 1;
                continue;
            }
            let start = i;
            let mut end = i;
            let mut j = i;
            loop {
                while j < chars.len() && wordc(chars[j].1) {
                    j += 1;
                }
                // trailing punctuation is not part of the word
                let mut e = j;
                while e > start && matches!(chars[e - 1].1, '.' | '-' | '\'' | '’') {
                    e -= 1;
                }
                end = end.max(e);
                if j + 1 < chars.len() && chars[j].1 == ' ' && chars[j + 1].1.is_ascii_alphabetic()
                {
                    j += 1;
                    continue;
                }
                break;
            }
            let b0 = chars[start].0;
            let b1 = chars.get(end).map(|c| c.0).unwrap_or(text.len());
            if b1 > b0 {
                out.push((b0, b1));
            }
            i = j.max(start + 1);
        }
        out
    }

    #[test]
    fn latin_runs_by_bytes_agree_with_the_char_walk() {
        let mut texts = vec![
            "慢速起飞(slow takeoff)感觉 pre-training 的 value function。".to_string(),
            "it’s 用户’ don’t’ a’b ’x e.g. x-. --force a.b/c#d+e_f 中 A B  C".to_string(),
            "éa bc 中a’’ 𠀀x y 末尾 z'".to_string(),
            "".to_string(),
            "纯中文".to_string(),
            "a".to_string(),
            "x ’".to_string(),
        ];
        // Chinese lines of the shared Debian corpus, when present.
        if let Ok(t) = std::fs::read_to_string("../shared/data/debian-reference.zh-en.tsv") {
            texts.extend(t.lines().map(str::to_string));
        }
        for t in &texts {
            assert_eq!(latin_runs(t), latin_runs_by_chars(t), "{t:?}");
        }
    }

    #[test]
    fn gloss_by_bytes_agrees_with_the_trimmed_slices() {
        let mut rng = crate::test_support::XorShift::new(0x91055);
        let parts = [
            "(", ")", "（", "）", "中", "文", "𠀀", " ", "\u{3000}", "\u{a0}", "\u{2003}", "\t",
            "\n", "a", "ab", "Z", "é", "“", "”", "、", "。", "-", "/", "1", "`", "\"", "'", "「",
            "『", "‘", "’", "$", "~", "\\", "_", ".", "@", "%", "=",
        ];
        let mut texts: Vec<String> = vec![
            "慢速起飞(slow takeoff)感觉".into(),
            "中文（English）".into(),
            "English（中文）".into(),
            "English (中文)".into(),
            "English ( 中文)".into(),
        ];
        for _ in 0..30_000 {
            let n = 1 + rng.index(7);
            texts.push((0..n).map(|_| parts[rng.index(parts.len())]).collect());
        }
        for c in crate::test_support::every_char() {
            for t in [format!("(x{c})"), format!("x {c}(中"), format!("（x {c}")] {
                for (s, e) in [(1, 2), (0, 1), (3, 4)] {
                    if t.is_char_boundary(s) && t.is_char_boundary(e) {
                        assert_eq!(is_gloss(&t, s, e), is_gloss_general(&t, s, e), "{t:?} {s}");
                    }
                }
            }
        }
        for c in crate::test_support::every_char().step_by(7) {
            texts.push(format!("{c}(x){c}"));
            texts.push(format!("x ({c}"));
            texts.push(format!("{c} x {c}"));
        }
        if let Ok(t) = std::fs::read_to_string("../shared/data/debian-reference.zh-en.tsv") {
            texts.extend(t.lines().flat_map(|l| l.split('\t')).map(str::to_string));
        }
        for t in &texts {
            // Every run of the text, and every pair of character boundaries of short texts.
            let mut spans = latin_runs(t);
            if t.len() < 40 {
                let bounds: Vec<usize> = (0..=t.len()).filter(|&i| t.is_char_boundary(i)).collect();
                for (k, &s) in bounds.iter().enumerate() {
                    for &e in &bounds[k..] {
                        spans.push((s, e));
                    }
                }
            }
            for (s, e) in spans {
                assert_eq!(
                    is_gloss(t, s, e),
                    is_gloss_general(t, s, e),
                    "{t:?} {s} {e}"
                );
                assert_eq!(
                    in_backticks(t, s, e),
                    in_backticks_by_chars(t, s, e),
                    "{t:?} {s} {e}"
                );
                assert_eq!(in_path(t, s, e), in_path_by_chars(t, s, e), "{t:?} {s} {e}");
            }
        }
    }

    #[test]
    fn next_ascii_letter_agrees_with_a_byte_search() {
        let parts = [
            "中", "文", "a", "Z", "@", "[", "`", "{", " ", "1", "é", "𠀀", "Ａ", "\u{7f}",
        ];
        let mut rng = crate::test_support::XorShift::new(0x1e77e7);
        let mut texts: Vec<String> = (0u8..0x80).map(|c| format!("{}", c as char)).collect();
        for _ in 0..20_000 {
            let n = rng.index(30);
            texts.push((0..n).map(|_| parts[rng.index(parts.len())]).collect());
        }
        for t in &texts {
            let b = t.as_bytes();
            for from in 0..=b.len() {
                let want = b[from..]
                    .iter()
                    .position(u8::is_ascii_alphabetic)
                    .map(|k| from + k);
                assert_eq!(next_ascii_letter(b, from), want, "{t:?} {from}");
            }
        }
    }

    #[test]
    fn name_or_acronym_without_a_vector_agrees() {
        let mut words: Vec<String> = [
            "",
            "A",
            "a",
            "AI",
            "Ai",
            "aI",
            "OpenAI",
            "Ilya",
            "ilya",
            "É",
            "Émile",
            "émile",
            "ǅx",
            "Ǆ",
            "ǅ",
            "1",
            "A1",
            "a-B",
            "x'Y",
            "İstanbul",
            "Ⅻ",
            "ⅻx",
            "中文",
            "中A",
            "A中",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let parts = ["A", "b", "É", "é", "中", "1", "-", "'", "ǅ", "Ⅻ", "ß", "İ"];
        let mut rng = crate::test_support::XorShift::new(0xA11CE);
        for _ in 0..20_000 {
            let n = rng.index(6);
            words.push((0..n).map(|_| parts[rng.index(parts.len())]).collect());
        }
        for c in crate::test_support::every_char().step_by(5) {
            words.push(format!("{c}"));
            words.push(format!("{c}ab"));
            words.push(format!("A{c}"));
        }
        // Long words (past the 64-byte buffer) and English past 17 bytes (the SSE2 blocks).
        let long = format!("A{}", "b".repeat(70));
        words.extend([
            long.clone(),
            "Ab".into(),
            "Ilya".into(),
            "Here".into(),
            "A-b".into(),
        ]);
        let long_en = format!(
            "the word a here, ab-1 ab_ ab and {} ilya",
            long.to_lowercase()
        );
        let ens = [
            "",
            "ilya and émile",
            "the word a here",
            "ǆx b",
            "i̇stanbul",
            long_en.as_str(),
            "ab1 xab bab ab_c here, a-b: thereab",
        ];
        for w in &words {
            for en in ens {
                assert_eq!(
                    is_name_or_acronym(w, en),
                    is_name_or_acronym_by_vec(w, en),
                    "{w:?} {en:?}"
                );
            }
        }
        // Every word of the Debian runs, against its own English.
        each_debian_run_word(|w, en| {
            assert_eq!(
                is_name_or_acronym(w, en),
                is_name_or_acronym_by_vec(w, en),
                "{w:?} {en:?}"
            );
        });
    }

    /// Calls `f` with every word of the Latin runs of the Debian Chinese and the row's
    /// English; does nothing when `../shared` is absent.
    fn each_debian_run_word(mut f: impl FnMut(&str, &str)) {
        let Some(t) = crate::test_support::shared_file(crate::test_support::DEBIAN) else {
            return;
        };
        for line in t.lines() {
            let cells: Vec<&str> = line.split('\t').collect();
            let [.., zh, en] = cells[..] else { continue };
            for (s, e) in latin_runs(zh) {
                zh[s..e].split(' ').for_each(|w| f(w, en));
            }
        }
    }

    #[test]
    fn lowercase_and_function_words_agree_with_the_definitions() {
        let parts = [
            "a", "the", "Word", "x'y", "'", "-", " ", "  ", "\t", "\n", "\x0b", "\x0c", "\r", "1",
            "a1", "(b)", "\"c\"", "d.", "--", "e-f", "é", "\u{3000}", "\u{a0}", "G", "h_i", "THE",
            "Of", "“", "”", "’", "…", "中", "１", "Ａ", "ⅻ", "\u{2003}", "\u{85}", "𠀀", "«", "—",
            "is", "should", "may",
        ];
        let mut rng = crate::test_support::XorShift::new(0x10ca5e);
        let mut texts: Vec<String> = (0u8..0x80)
            .map(|c| format!("ab {} cd", c as char))
            .collect();
        for _ in 0..50_000 {
            let n = rng.index(12);
            texts.push((0..n).map(|_| parts[rng.index(parts.len())]).collect());
        }
        if let Ok(t) = std::fs::read_to_string("../shared/data/debian-reference.zh-en.tsv") {
            for cell in t.lines().flat_map(|l| l.split('\t')) {
                texts.push(cell.to_string());
                for_each_zh_chunk(cell, 0, |c| texts.push(c.to_string()));
            }
        }
        // Every character inside, before and after a word, and as a word of its own.
        for c in crate::test_support::every_char() {
            texts.push(format!("ab{c}cd {c} e{c} {c}f the{c}"));
        }
        for t in &texts {
            let all = lowercase_words_general(t);
            assert_eq!(lowercase_words(t), all, "{t:?}");
            for cap in [0, 1, 2, 5, 7] {
                assert_eq!(lowercase_words_up_to(t, cap), all.min(cap), "{t:?} {cap}");
            }
            assert_eq!(function_words(t), function_words_by_strings(t), "{t:?}");
        }
    }

    /// `scan::may_hold_words` against its byte loop, and against what it stands for: when it
    /// is false, no chunk of `for_each_zh_chunk` has `min_spaces + 1` words (whitespace
    /// separated, so no chunk reaches `lowercase_words` of that many either).
    fn check_may_hold_words(t: &str) {
        let b = t.as_bytes();
        let mut chunks = Vec::new();
        for_each_zh_chunk(t, 0, |c| chunks.push(c));
        let most = chunks
            .iter()
            .map(|c| c.split_whitespace().count())
            .max()
            .unwrap_or(0);
        for k in 0..7 {
            let got = scan::may_hold_words(b, k);
            let want = k == 0 || scan::may_hold_words_from(b, 0, 0, k);
            assert_eq!(got, want, "{t:?} {k}");
            if !got {
                assert!(most < k + 1, "{t:?} {k}: a chunk has {most} words");
                assert!(
                    chunks.iter().all(|c| lowercase_words(c) < k + 1),
                    "{t:?} {k}"
                );
            }
        }
    }

    #[test]
    fn may_hold_words_never_rules_out_a_sentence() {
        let parts = [
            "中", "文", "\u{4E00}", "\u{9FFF}", "\u{4DFF}", "\u{A000}", " ", "  ", "\t", "\n",
            "\r", "a", "word", "the", "Is", "!", "?", ".", ". ", "\u{3000}", "\u{00A0}",
            "\u{0085}", "\u{2003}", "\u{1680}", "“", "”", "，", "。", "é", "𠀀", "\u{E000}",
        ];
        let mut rng = crate::test_support::XorShift::new(0x3A11);
        for _ in 0..30_000 {
            let n = rng.index(60);
            let t: String = (0..n).map(|_| parts[rng.index(parts.len())]).collect();
            check_may_hold_words(&t);
        }
        for c in crate::test_support::every_char().step_by(7) {
            check_may_hold_words(&format!("中文中文中文 a b{c}c d e f 中"));
            check_may_hold_words(&format!("a b c d{c}e f g h i j k l m n o p"));
        }
        // Every whitespace character, and every character sharing a lead byte (C2, E1, E2,
        // E3) with one, in every position of a 16-byte block.
        let near: Vec<char> = crate::test_support::every_non_ascii_char()
            .filter(|c| {
                let mut buf = [0u8; 4];
                matches!(c.encode_utf8(&mut buf).as_bytes()[0], 0xC2 | 0xE1..=0xE3)
            })
            .collect();
        for (k, c) in near.iter().enumerate() {
            let pad = "x".repeat(k % 19);
            check_may_hold_words(&format!("{pad}a{c}b c d e中"));
            check_may_hold_words(&format!("{pad}a b{c}c d e f g h i j k l m n o p"));
            check_may_hold_words(&format!("{pad}中{c}{c}{c}{c}{c}中文中文中文中文"));
        }
        crate::test_support::each_debian_cell(check_may_hold_words);
    }

    #[test]
    fn next_chunk_byte_agrees_with_a_byte_search() {
        let parts = [
            "中", "a", " ", ".", "!", "?", "\n", "！", "é", "𠀀", "\u{7f}", "-", "。",
        ];
        let mut rng = crate::test_support::XorShift::new(0xC4C4);
        let mut texts: Vec<String> = (0u8..0x80).map(|c| format!("{}", c as char)).collect();
        for _ in 0..20_000 {
            let n = rng.index(30);
            texts.push((0..n).map(|_| parts[rng.index(parts.len())]).collect());
        }
        for t in &texts {
            let b = t.as_bytes();
            for from in 0..=b.len() {
                let want = b[from..]
                    .iter()
                    .position(|&x| x >= 0x80 || matches!(x, b'\n' | b'!' | b'?' | b'.'))
                    .map_or(b.len(), |k| from + k);
                assert_eq!(next_chunk_byte(b, from), want, "{t:?} {from}");
            }
        }
    }

    /// Every fast form against its reference on each line of the real interview (and each
    /// line with the next as its English), when ../shared is present.
    #[test]
    fn fast_forms_agree_on_the_interview() {
        let Ok(t) = std::fs::read_to_string("../shared/corpus/ai-interview.zh-en.md") else {
            return;
        };
        let lines: Vec<&str> = t.lines().collect();
        let next = lines.iter().skip(1).chain([&""]);
        for (line, en) in lines.iter().zip(next) {
            assert_eq!(is_code_like(line), is_code_like_by_words(line), "{line:?}");
            assert_eq!(
                same_normalised(line, en),
                same_normalised_plain(line, en),
                "{line:?}"
            );
            assert_eq!(
                same_normalised(line, line),
                same_normalised_plain(line, line)
            );
            let mut got = Vec::new();
            for_each_zh_chunk(line, 0, |c| got.push(c));
            assert_eq!(got, zh_chunks_by_chars(line), "{line:?}");
            for c in got {
                assert_eq!(lowercase_words(c), lowercase_words_general(c), "{c:?}");
            }
            assert_eq!(latin_runs(line), latin_runs_by_chars(line), "{line:?}");
            for (s, e) in latin_runs(line) {
                assert_eq!(
                    is_gloss(line, s, e),
                    is_gloss_general(line, s, e),
                    "{line:?}"
                );
                for w in line[s..e].split(' ') {
                    assert_eq!(
                        is_name_or_acronym(w, en),
                        is_name_or_acronym_by_vec(w, en),
                        "{w:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn contains_word_by_memchr_agrees_with_find() {
        let parts = ["ab", "a", "b", " ", "-", "1", "中", "é", "ab1", "x"];
        let mut rng = crate::test_support::XorShift::new(0xF1D);
        for _ in 0..60_000 {
            // Past 17 bytes too (the SSE2 blocks).
            let cap = if rng.index(2) == 0 { 10 } else { 40 };
            let n = rng.index(cap);
            let hay: String = (0..n).map(|_| parts[rng.index(parts.len())]).collect();
            let m = 1 + rng.index(3);
            let w: String = (0..m).map(|_| parts[rng.index(4)]).collect();
            assert_eq!(
                contains_word(&hay, &w),
                contains_word_by_find(&hay, &w),
                "{hay:?} {w:?}"
            );
        }
        // Every capitalised word of the Debian Chinese, lowered, against its English.
        each_debian_run_word(|w, en| {
            let w = w.to_lowercase();
            assert_eq!(
                contains_word(en, &w),
                contains_word_by_find(en, &w),
                "{w:?}"
            );
        });
    }

    #[test]
    fn code_like_word_agrees_with_code_like() {
        let parts = [
            "a", "B", "1", ".", "-", "www.", "/", "_", "=", "$", "`", "#", "'", "’", " ", "é",
            "中", "\t", "://", "~",
        ];
        let mut rng = crate::test_support::XorShift::new(0xC0DE3);
        let mut words: Vec<String> = (0u8..0x80).map(|c| format!("{}", c as char)).collect();
        for _ in 0..50_000 {
            let n = rng.index(6);
            words.push((0..n).map(|_| parts[rng.index(parts.len())]).collect());
        }
        crate::test_support::each_debian_cell(|cell| {
            for (s, e) in latin_runs(cell) {
                words.extend(cell[s..e].split(' ').map(str::to_string));
            }
        });
        for w in &words {
            assert_eq!(is_code_like_word(w), is_code_like(w), "{w:?}");
        }
    }

    #[test]
    fn runs_and_glosses() {
        let t = "慢速起飞(slow takeoff)感觉 pre-training 的 value function。";
        let runs: Vec<&str> = latin_runs(t).iter().map(|&(s, e)| &t[s..e]).collect();
        assert_eq!(runs, vec!["slow takeoff", "pre-training", "value function"]);
        let (s, e) = latin_runs(t)[0];
        assert!(is_gloss(t, s, e));
        assert!(is_name_or_acronym("OpenAI", ""));
        assert!(is_name_or_acronym("Ilya", "Ilya, thank you"));
        assert!(!is_name_or_acronym("Pre-training", "the pre-training data"));
    }
}
