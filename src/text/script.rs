//! Script detection: how much of a text is Han, how much Latin, and which language a block is.
//!
//! Latin terms inside Chinese text are normal (`我们正在把 GDP 的 1% 投入 AI`), Chinese inside
//! English is not. So a block is Chinese when its Han characters carry at least a quarter of the
//! weight of its Latin letters (an English word is about four letters, a Han character about one
//! word's worth of meaning), and English when it has Latin letters and fails that test.

use crate::model::Lang;

/// True for CJK Unified Ideographs (and extensions, compatibility ideographs).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2EBEF
        | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F | 0x3007)
}

/// ASCII or fullwidth Latin letter, or a Latin letter with diacritics.
pub fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(c as u32, 0xFF21..=0xFF3A | 0xFF41..=0xFF5A | 0x00C0..=0x024F)
}

/// Character counts by script.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScriptCounts {
    pub han: usize,
    pub latin: usize,
    pub digits: usize,
    /// Every non-whitespace character.
    pub visible: usize,
}

pub fn counts(text: &str) -> ScriptCounts {
    let mut c = ScriptCounts::default();
    for ch in text.chars() {
        // ASCII first (no Unicode tables needed), then Han (never whitespace), then the rest.
        if ch.is_ascii() {
            if !ch.is_ascii_whitespace() && ch != '\x0b' {
                c.visible += 1;
                if ch.is_ascii_alphabetic() {
                    c.latin += 1;
                } else if ch.is_ascii_digit() {
                    c.digits += 1;
                }
            }
            continue;
        }
        if is_han(ch) {
            c.visible += 1;
            c.han += 1;
            continue;
        }
        if ch.is_whitespace() {
            continue;
        }
        c.visible += 1;
        if is_han(ch) {
            c.han += 1;
        } else if is_latin(ch) {
            c.latin += 1;
        } else if ch.is_numeric() {
            c.digits += 1;
        }
    }
    c
}

/// `counts(text).han` without the other counts (the whitespace and numeric lookups are the
/// slow part of `counts`; the score counts every pair's Han). On x86-64, text of at least 18
/// bytes without four-byte characters is counted 16 bytes at a time (`han_count_sse2`);
/// other text by `han_count_scalar`.
pub fn han_count(text: &str) -> usize {
    #[cfg(target_arch = "x86_64")]
    if let Some(n) = han_count_sse2(text.as_bytes()) {
        return n;
    }
    han_count_scalar(text)
}

/// The Han characters of UTF-8 text of at least 18 bytes without four-byte characters (None
/// for other text), from the lead byte of each three-byte character and the bytes after it.
/// In UTF-8 a byte 0xE0-0xEF is always the lead of a three-byte character, so each such byte
/// is one character, and the Basic Multilingual Plane ranges of `is_han` are, by lead byte
/// and next bytes (b1, b2):
///
/// ```text
/// E3 b1 >= 90          U+3400-U+3FFF        E3 80 87      U+3007
/// E4 b1 != B7          U+4000-U+4DBF, U+4E00-U+4FFF (E4 B7 xx is U+4DC0-U+4DFF, not Han)
/// E5-E9                U+5000-U+9FFF        EF A4-AB      U+F900-U+FAFF
/// ```
///
/// Every byte is tested as a possible lead (a continuation byte, 0x80-0xBF, matches none of
/// the leads) with its next two bytes, read as 16-byte windows at +1 and +2. The text's last
/// two bytes cannot be the lead of a three- or four-byte character, so a window of 18 bytes
/// ending at the end of the text covers what the 18-byte steps leave (only its bytes not
/// counted yet are). SSE2 is part of every x86-64 CPU.
#[cfg(target_arch = "x86_64")]
fn han_count_sse2(b: &[u8]) -> Option<usize> {
    if std::is_x86_feature_detected!("popcnt") {
        // SAFETY: the CPU has the popcnt instruction.
        unsafe { han_count_popcnt(b) }
    } else {
        han_count_blocks(b)
    }
}

/// `han_count_blocks` compiled with the popcnt instruction (one instruction per count
/// instead of a dozen; not part of the x86-64 baseline, so detected at run time).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
unsafe fn han_count_popcnt(b: &[u8]) -> Option<usize> {
    han_count_blocks(b)
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn han_count_blocks(b: &[u8]) -> Option<usize> {
    use crate::text::simd::in_range;
    use std::arch::x86_64::*;
    /// (Han leads, four-byte leads) among the 16 bytes at p, bit k for byte k.
    ///
    /// # Safety
    /// `p` must point at 18 readable bytes.
    #[inline(always)]
    unsafe fn masks(p: *const u8) -> (u32, u32) {
        // SAFETY: SSE2 is part of x86-64; unaligned loads of 16 bytes at p, p + 1, p + 2.
        unsafe {
            let v = _mm_loadu_si128(p as *const __m128i);
            let v1 = _mm_loadu_si128(p.add(1) as *const __m128i);
            let v2 = _mm_loadu_si128(p.add(2) as *const __m128i);
            let eq = |x: __m128i, c: u8| _mm_cmpeq_epi8(x, _mm_set1_epi8(c as i8));
            // x >= lo (unsigned): max(x, lo) == x.
            let at_least =
                |x: __m128i, lo: u8| _mm_cmpeq_epi8(_mm_max_epu8(x, _mm_set1_epi8(lo as i8)), x);
            let e3 = _mm_and_si128(
                eq(v, 0xE3),
                _mm_or_si128(
                    at_least(v1, 0x90),
                    _mm_and_si128(eq(v1, 0x80), eq(v2, 0x87)),
                ),
            );
            let e4 = _mm_andnot_si128(eq(v1, 0xB7), eq(v, 0xE4));
            let ef = _mm_and_si128(eq(v, 0xEF), in_range(v1, 0xA4, 8));
            let han = _mm_or_si128(_mm_or_si128(in_range(v, 0xE5, 5), e3), _mm_or_si128(e4, ef));
            (
                _mm_movemask_epi8(han) as u32,
                _mm_movemask_epi8(at_least(v, 0xF0)) as u32,
            )
        }
    }
    let n = b.len();
    if n < 18 {
        return None;
    }
    let (mut count, mut four_byte) = (0usize, 0u32);
    let mut i = 0;
    while i + 18 <= n {
        // SAFETY: b[i..i + 18] is in bounds.
        let (han, four) = unsafe { masks(b.as_ptr().add(i)) };
        count += han.count_ones() as usize;
        four_byte |= four;
        i += 16;
    }
    if i < n - 2 {
        // The window b[n - 18..n]: its bytes from i on (bit i - (n - 18) up) are new.
        // SAFETY: n >= 18.
        let (han, four) = unsafe { masks(b.as_ptr().add(n - 18)) };
        let new = u32::MAX << (i + 18 - n);
        count += (han & new).count_ones() as usize;
        four_byte |= four & new;
    }
    (four_byte == 0).then_some(count)
}

/// `han_count` character by character. Han characters are three- or four-byte sequences, so
/// bytes under 0xE0 (ASCII, continuation bytes, two-byte leads) are skipped undecoded, and
/// the Basic Multilingual Plane ranges of `is_han` are decoded in place.
fn han_count_scalar(text: &str) -> usize {
    let b = text.as_bytes();
    let (mut n, mut i) = (0, 0);
    while i < b.len() {
        if b[i] < 0xE0 {
            i += 1;
        } else if b[i] < 0xF0 {
            let cp = (u32::from(b[i] & 0x0F) << 12)
                | (u32::from(b[i + 1] & 0x3F) << 6)
                | u32::from(b[i + 2] & 0x3F);
            n += usize::from(
                matches!(cp, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x3007),
            );
            i += 3;
        } else {
            let ch = text[i..].chars().next().unwrap_or(' ');
            n += usize::from(is_han(ch));
            i += ch.len_utf8();
        }
    }
    n
}

/// Language of a block by script, or None when it has neither Han nor Latin letters
/// (numbers, punctuation).
pub fn detect(text: &str) -> Option<Lang> {
    detect_counts(&han_latin_counts(text))
}

/// `counts(text)` with only the Han and Latin counts filled in (the ones `detect_counts`
/// reads): no whitespace or numeric lookups, which are most of the cost of `counts` on
/// punctuation (the transcript reader counts every line).
pub fn han_latin_counts(text: &str) -> ScriptCounts {
    let mut c = ScriptCounts::default();
    for ch in text.chars() {
        if ch.is_ascii() {
            c.latin += usize::from(ch.is_ascii_alphabetic());
        } else if is_han(ch) {
            c.han += 1;
        } else {
            c.latin += usize::from(is_latin(ch));
        }
    }
    c
}

/// `detect` from a text's counts. Counts add up over concatenation (whitespace counts for
/// nothing), so the language of joined paragraphs is that of their summed counts.
pub fn detect_counts(c: &ScriptCounts) -> Option<Lang> {
    if c.han > 0 && c.han * 4 >= c.latin {
        Some(Lang::Zh)
    } else if c.latin > 0 {
        Some(Lang::En)
    } else if c.han > 0 {
        Some(Lang::Zh)
    } else {
        None
    }
}

/// Share of Han among Han + Latin letters (0 when there are none).
pub fn han_share(text: &str) -> f64 {
    let c = counts(text);
    let total = c.han + c.latin;
    if total == 0 {
        0.0
    } else {
        c.han as f64 / total as f64
    }
}

/// English words: maximal runs of Latin letters, digits, apostrophes and inner hyphens.
pub fn english_word_count(text: &str) -> usize {
    // Every pair's English is counted for the score. On x86-64 most English (any without
    // Latin letters outside ASCII, `’` or adjacent joiners) is counted 16 bytes at a time from
    // bit masks (`en_stats::word_count_sse2`); else ASCII text has each byte classed by the
    // table and the word starts summed without the limit test and the decoding branch of
    // `english_word_count_up_to` (the same state update; tested equal).
    let b = text.as_bytes();
    #[cfg(target_arch = "x86_64")]
    if let Some(n) = crate::text::en_stats::word_count_sse2(b) {
        return n;
    }
    if b.is_ascii() {
        let (mut n, mut in_word) = (0usize, 0u8);
        for &x in b {
            let class = ASCII_CLASS[usize::from(x & 0x7F)];
            let word_char = class & 1;
            n += usize::from(word_char & !in_word & 1);
            in_word = word_char | (in_word & (class >> 1));
        }
        return n;
    }
    english_word_count_up_to(text, usize::MAX)
}

/// Class of each ASCII byte for `english_word_count_up_to`: 1 a word character (letter or
/// digit), 2 a joiner (`'` or `-`, which does not end a word), 0 anything else.
static ASCII_CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        if c.is_ascii_alphanumeric() {
            t[i] = 1;
        } else if c == b'\'' || c == b'-' {
            t[i] = 2;
        }
        i += 1;
    }
    t
};

/// `english_word_count(text).min(limit)`, stopping at the `limit`-th word: enough to tell
/// whether a text has at least `limit` words without reading all of it. Every pair's English
/// is counted for the score, so this is a hot loop: ASCII bytes are classed by a table, other
/// characters decoded (Latin letters with diacritics and full-width letters are word
/// characters, ’ continues a word), and the state update is branch-free but for word starts.
pub fn english_word_count_up_to(text: &str, limit: usize) -> usize {
    let b = text.as_bytes();
    let (mut n, mut in_word, mut i) = (0usize, 0u8, 0);
    while i < b.len() {
        let class = if b[i] < 0x80 {
            i += 1;
            ASCII_CLASS[usize::from(b[i - 1])]
        } else {
            let ch = text[i..].chars().next().unwrap_or(' ');
            i += ch.len_utf8();
            if is_latin(ch) {
                1
            } else {
                2 * u8::from(ch == '’')
            }
        };
        let word_char = class & 1;
        if word_char & !in_word & 1 == 1 {
            if n == limit {
                break;
            }
            n += 1;
        }
        in_word = word_char | (in_word & (class >> 1));
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both count character by character, so agreeing on every character is agreeing on
    /// every text.
    #[test]
    fn han_latin_counts_are_the_counts_of_han_and_latin() {
        let mut buf = [0u8; 4];
        for ch in crate::test_support::every_char() {
            let s: &str = ch.encode_utf8(&mut buf);
            let (a, b) = (han_latin_counts(s), counts(s));
            assert_eq!((a.han, a.latin), (b.han, b.latin), "U+{:04X}", ch as u32);
        }
        let t = "我们把 GDP 的 1% 投入 AＩ，Ünïcode\u{3000}！";
        let (a, b) = (han_latin_counts(t), counts(t));
        assert_eq!((a.han, a.latin), (b.han, b.latin));
        assert!(a.han > 0 && a.latin > 0);
    }

    #[test]
    fn chinese_with_latin_terms_is_chinese() {
        assert_eq!(detect("我们正在把 GDP 的 1% 投入 AI"), Some(Lang::Zh));
        assert_eq!(
            detect("Pre-training 非常难以推理,因为很难理解模型依赖 pre-training 数据的方式。"),
            Some(Lang::Zh)
        );
    }

    #[test]
    fn english_with_a_quoted_han_word_is_english() {
        assert_eq!(
            detect("The word 缘分 has no single English equivalent in this sentence."),
            Some(Lang::En)
        );
        assert_eq!(detect("Sure."), Some(Lang::En));
    }

    #[test]
    fn numbers_alone_have_no_language() {
        assert_eq!(detect("2020 — 1.5%"), None);
    }

    #[test]
    fn counts_match_the_plain_definitions() {
        for t in [
            "我们正在把 GDP 的 1% 投入 AI",
            "a\u{b}b\u{c}c\td\re\u{3000}f\u{a0}g\u{2028}h",
            "Ⅻ ① ½ ٣ 〇 𠀀 Straße ＡＢ",
            "",
        ] {
            let mut want = ScriptCounts::default();
            for ch in t.chars().filter(|c| !c.is_whitespace()) {
                want.visible += 1;
                if is_han(ch) {
                    want.han += 1;
                } else if is_latin(ch) {
                    want.latin += 1;
                } else if ch.is_numeric() {
                    want.digits += 1;
                }
            }
            assert_eq!(counts(t), want, "{t:?}");
        }
        for limit in 0..8 {
            let t = "Don't you think so? It's 5-6 things.";
            assert_eq!(english_word_count_up_to(t, limit), limit.min(7));
        }
        // The byte loop against the plain definition, one character at a time.
        let plain = |t: &str| {
            let (mut n, mut in_word) = (0, false);
            for ch in t.chars() {
                let word_char = is_latin(ch) || ch.is_ascii_digit();
                if word_char && !in_word {
                    n += 1;
                }
                in_word = word_char || (in_word && matches!(ch, '\'' | '’' | '-'));
            }
            n
        };
        for t in [
            "café’s naïve－ＡＢ 中文word",
            "-'a'- ’x’ 1-2-3 — é",
            "",
            "中文",
            "a\u{3000}b",
        ] {
            assert_eq!(english_word_count(t), plain(t), "{t:?}");
        }
        // Non-ASCII: diacritics and full-width letters are letters, ’ joins, Han separates.
        assert_eq!(english_word_count("café’s naïve－ＡＢ 中文word"), 4);
        let texts = [
            "",
            "Hello, world.",
            "don't stop-gap 42x 3.14 ’tis rock’n’roll -lead trail- a--b '' -",
            "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ ｘｙｚ Café naïve Ærø ÿ×÷ ĀƏɏ ɐ",
            "我们正在把 GDP 的 1% 投入 AI。〇一二三 豈︙兀 𠀀𪛟𪜀𫝀𮯯 丽 〇",
            "第 1 章 GNU/Linux 教程\tChapter 1. GNU/Linux tutorials\n二行",
            "emoji 😀 mixed😀word ü-ber ü’s 1–2 — x",
            "\u{3006}\u{3007}\u{3008}\u{33FF}\u{3400}\u{4DBF}\u{4DC0}\u{4DFF}\u{4E00}\u{9FFF}\u{A000}\u{F8FF}\u{F900}\u{FAFF}\u{FB00}",
            "\u{1FFFF}\u{20000}\u{2A6DF}\u{2A6E0}\u{2A700}\u{2EBEF}\u{2EBF0}\u{2F800}\u{2FA1F}\u{2FA20}\u{10FFFF}",
            "\u{BF}\u{C0}\u{24F}\u{250}\u{FF20}\u{FF21}\u{FF3A}\u{FF3B}\u{FF40}\u{FF41}\u{FF5A}\u{FF5B}\u{7F}\u{80}",
        ];
        let plain_han = |t: &str| t.chars().filter(|&c| is_han(c)).count();
        for t in texts {
            assert_eq!(english_word_count(t), plain(t), "{t:?}");
            assert_eq!(
                english_word_count(t),
                english_word_count_up_to(t, usize::MAX),
                "{t:?}"
            );
            assert_eq!(han_count(t), plain_han(t), "{t:?}");
            assert_eq!(han_count(t), counts(t).han, "{t:?}");
        }
        // Every scalar value up to U+30000, alone and between letters.
        for cp in (0..0x30000u32).filter_map(char::from_u32) {
            for t in [format!("{cp}"), format!("a{cp}b"), format!("1{cp}{cp}x")] {
                assert_eq!(english_word_count(&t), plain(&t), "{t:?}");
                assert_eq!(han_count(&t), plain_han(&t), "{t:?}");
            }
        }
    }

    /// The 16-byte Han count against the character loop and `is_han`: every character of the
    /// ranges around the lead bytes it tests, at every offset of a block (and across the
    /// block's end, where its next bytes come from the following block or the zero padding),
    /// and random mixtures; every Debian cell when ../shared is present.
    #[test]
    fn block_han_count_is_the_scalar_count() {
        let plain = |t: &str| t.chars().filter(|&c| is_han(c)).count();
        let check = |t: &str| {
            assert_eq!(han_count(t), plain(t), "{t:?}");
            assert_eq!(han_count_scalar(t), plain(t), "{t:?}");
            // Without the popcnt instruction too.
            #[cfg(target_arch = "x86_64")]
            if let Some(n) = han_count_blocks(t.as_bytes()) {
                assert_eq!(n, plain(t), "{t:?}");
            }
        };
        let near = (0x2F00..0x5100u32)
            .chain(0x9E00..0xA100)
            .chain(0xF700..0xFC00)
            .chain(0x800..0x900)
            .chain(0xE000..0xE100)
            .chain(0xFF00..0x10000)
            .filter_map(char::from_u32);
        for c in near {
            for k in [0, 1, 13, 14, 15, 16, 17, 29, 30, 31] {
                let pad = "x".repeat(k);
                check(&format!("{pad}{c}"));
                check(&format!("{pad}{c}{c}a"));
            }
        }
        for c in crate::test_support::every_char().step_by(7) {
            check(&format!("abcdefghijklmn{c}中"));
        }
        let pool: Vec<char> = "a 1中〇\u{3006}\u{3007}\u{3008}\u{33FF}\u{3400}\u{4DBF}\u{4DC0}\u{4DFF}\u{4E00}\u{9FFF}\u{A000}\u{F8FF}\u{F900}\u{FAFF}\u{FB00}\u{E000}é𠀀😀\u{2028}－"
            .chars()
            .collect();
        let mut rng = crate::test_support::XorShift::new(0x4a11);
        for round in 0..20_000 {
            let len = round % 60;
            let t: String = (0..len).map(|_| pool[rng.index(pool.len())]).collect();
            check(&t);
        }
        let debian = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/debian-reference.zh-en.tsv");
        if let Ok(text) = std::fs::read_to_string(debian) {
            for cell in text.lines().flat_map(|l| l.split('\t')) {
                check(cell);
            }
        }
    }

    #[test]
    fn counts_words() {
        assert_eq!(
            english_word_count("Don't you think so? It's 5-6 things."),
            7
        );
        assert_eq!(english_word_count("你好"), 0);
    }
}
