//! The number scanner as it was before the byte-level rewrite (a table of folded characters
//! indexed by character position, then a scan over it): kept as the test oracle that the
//! current scanner must equal on every input (see the tests at the end of `numbers`).
//! Its grammar (`scan_zh`, `scan_en`, `en_words`, ...) repeats the current scanner's over
//! character positions instead of byte offsets. When the number grammar changes on purpose,
//! make the same change here (the oracle tests fail until both agree), so that the byte-level
//! machinery stays checked against the plain form.

use super::*;

/// Every number in `text`, in order of position.
pub fn extract(text: &str, lang: Lang) -> Vec<Number> {
    // Most texts hold no number at all: a byte scan proves it without building the scanner's
    // character table (see `may_hold_numbers` for why this is exact).
    if !may_hold_numbers(text, lang) {
        return Vec::new();
    }
    let chars = folded_chars(text);
    let mut s = Scanner {
        text,
        chars,
        out: Vec::new(),
        scales: Vec::new(),
    };
    match lang {
        Lang::Zh => s.scan_zh(),
        Lang::En => s.scan_en(),
    }
    s.link_ranges(lang);
    s.out
}

/// `text.char_indices()` with [`fold`] applied, sized exactly (counting characters is a fast
/// byte scan) so that it never reallocates; sizing by bytes reserved three times too much on
/// Chinese text, and fresh pages for that cost more than the count. Decoded in place: ASCII
/// (most of the bytes, and never changed by `fold`) is pushed as it is.
pub(super) fn folded_chars(text: &str) -> Vec<(usize, char)> {
    if text.is_ascii() {
        // One character per byte, none changed by `fold`: no count, no decoding, and a loop
        // the compiler can widen in blocks.
        return text
            .bytes()
            .enumerate()
            .map(|(i, x)| (i, char::from(x)))
            .collect();
    }
    let mut chars: Vec<(usize, char)> = Vec::with_capacity(text.chars().count());
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        if x < 0x80 {
            chars.push((i, x as char));
            i += 1;
            continue;
        }
        let (cp, len) = crate::text::decode_multibyte(b, i);
        // Valid UTF-8 (a `str`) decodes to a char.
        let c = char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER);
        chars.push((i, fold(c)));
        i += len;
    }
    chars
}

/// False only when `extract` would find nothing. Every number starts at a digit (ASCII or
/// full-width, which `fold` turns into ASCII) or, in Chinese, at a numeral character or 双; in
/// English, at a word of [`EN_WORD_LISTS`] (a bare "a"/"an" becomes a number only together with a
/// following scale, "hundred", "dozen", "decade" or "couple", which are in the list
/// themselves). The scanners read words as maximal runs of ASCII letters, as done here.
pub(super) fn may_hold_numbers(text: &str, lang: Lang) -> bool {
    let b = text.as_bytes();
    match lang {
        Lang::Zh => {
            // Every trigger is an ASCII digit or a three-byte character (full-width digits,
            // numerals, 双): other characters are stepped over undecoded.
            let mut i = 0;
            while i < b.len() {
                let x = b[i];
                if x < 0x80 {
                    if x.is_ascii_digit() {
                        return true;
                    }
                    i += 1;
                } else if x < 0xE0 {
                    i += 2;
                } else if x == 0xE6 || x == 0xE8 {
                    // U+6000..=U+6FFF and U+8000..=U+8FFF hold no numeral nor 双 (nor a
                    // full-width digit): stepped over undecoded.
                    i += 3;
                } else if x < 0xF0 {
                    let cp = (u32::from(x & 0x0F) << 12)
                        | (u32::from(b[i + 1] & 0x3F) << 6)
                        | u32::from(b[i + 2] & 0x3F);
                    if (0xFF10..=0xFF19).contains(&cp) || cp == '双' as u32 || is_zh_numeral_cp(cp)
                    {
                        return true;
                    }
                    i += 3;
                } else {
                    i += 4;
                }
            }
            false
        }
        Lang::En => {
            let mut i = 0;
            while i < b.len() {
                let c = b[i];
                if c.is_ascii_digit() {
                    return true;
                }
                // U+FF10..=U+FF19 (full-width digits) are EF BC 90..=99 in UTF-8.
                if c == 0xEF
                    && b.get(i + 1) == Some(&0xBC)
                    && b.get(i + 2).is_some_and(|d| (0x90..=0x99).contains(d))
                {
                    return true;
                }
                if c.is_ascii_alphabetic() {
                    let s = i;
                    while i < b.len() && b[i].is_ascii_alphabetic() {
                        i += 1;
                    }
                    let w = &b[s..i];
                    if en_number_word(w)
                        && !w.eq_ignore_ascii_case(b"a")
                        && !w.eq_ignore_ascii_case(b"an")
                    {
                        return true;
                    }
                    continue;
                }
                i += 1;
            }
            false
        }
    }
}

struct Scanner<'a> {
    text: &'a str,
    chars: Vec<(usize, char)>,
    out: Vec<Number>,
    /// Scale applied to each number of `out` (1 when none), for range scale propagation.
    scales: Vec<f64>,
}

/// A lowercase ASCII word, kept on the stack: the English scanner reads one at most word
/// starts, and a heap string for each cost more than the rest of the scan. Words longer than
/// the buffer equal no word the scanner looks for (the longest is 11 letters), so they are
/// kept as a marker that is no word.
#[derive(Clone, Copy)]
struct Word {
    buf: [u8; 16],
    len: usize,
}

impl Word {
    fn new(chars: &[(usize, char)]) -> Word {
        let mut w = Word {
            buf: [0; 16],
            len: 0,
        };
        if chars.len() > w.buf.len() {
            w.buf[0] = b'#';
            w.len = 1;
            return w;
        }
        for (b, &(_, c)) in w.buf.iter_mut().zip(chars) {
            // Only ASCII letters reach here (`word_at` stops at anything else).
            *b = (c as u8).to_ascii_lowercase();
        }
        w.len = chars.len();
        w
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("#")
    }
}

impl std::ops::Deref for Word {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<&str> for Word {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// ASCII text built one character at a time (`Scanner::digits`), kept on the stack up to 32
/// bytes and moved to a `String` beyond.
#[derive(Default)]
pub(super) struct DigitBuf {
    buf: [u8; 32],
    len: usize,
    long: Option<String>,
}

impl DigitBuf {
    /// `c` is ASCII (a digit or '.').
    pub(super) fn push(&mut self, c: char) {
        if let Some(l) = &mut self.long {
            l.push(c);
        } else if self.len < self.buf.len() {
            self.buf[self.len] = c as u8;
            self.len += 1;
        } else {
            let mut l = self.as_str().to_string();
            l.push(c);
            self.long = Some(l);
        }
    }

    pub(super) fn as_str(&self) -> &str {
        match &self.long {
            Some(l) => l,
            // Only ASCII is pushed.
            None => std::str::from_utf8(&self.buf[..self.len]).unwrap_or(""),
        }
    }
}

/// A digit token before suffixes: value, end index (exclusive, in chars), code-like.
struct Digits {
    value: f64,
    end: usize,
    code: bool,
}

impl Scanner<'_> {
    fn c(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|&(_, c)| c)
    }
    fn byte(&self, i: usize) -> usize {
        self.chars
            .get(i)
            .map(|&(b, _)| b)
            .unwrap_or(self.text.len())
    }
    fn starts_with(&self, i: usize, s: &str) -> bool {
        (i..)
            .zip(s.chars())
            .all(|(k, want)| self.c(k) == Some(want))
    }
    fn skip_spaces(&self, mut i: usize) -> usize {
        while matches!(self.c(i), Some(' ' | '\u{a0}' | '\u{3000}')) {
            i += 1;
        }
        i
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        start: usize,
        end: usize,
        value: f64,
        kind: Kind,
        digits: bool,
        scale: f64,
        precision: Precision,
    ) {
        let span = self.byte(start)..self.byte(end);
        let text = self.text[span.clone()].trim().to_string();
        self.out.push(Number {
            value,
            percent: kind == Kind::Percent,
            text,
            kind,
            span,
            digits,
            scaled: scale > 1.0,
            magnitude: magnitude(value),
            range: None,
            precision,
            counted: false,
        });
        self.scales.push(scale);
    }

    /// ASCII digits at `i`: thousands separators, one decimal point; a second point, a colon
    /// or a slash between digits makes it a code (version, time, date).
    fn digits(&self, i: usize) -> Digits {
        let mut j = i;
        // The ASCII digits and point read, parsed at the end: on the stack while short (most
        // numbers), a heap string only past `DigitBuf`'s size.
        let mut s = DigitBuf::default();
        let mut code = false;
        let mut seen_point = false;
        let mut group_len = 0;
        let mut first_group = true;
        while let Some(c) = self.c(j) {
            if c.is_ascii_digit() {
                s.push(c);
                group_len += 1;
                j += 1;
            } else if c == ','
                && !seen_point
                && (1..=3).contains(&group_len)
                && (first_group || group_len == 3)
                && (1..=3).all(|k| self.c(j + k).is_some_and(|d| d.is_ascii_digit()))
                && !self.c(j + 4).is_some_and(|d| d.is_ascii_digit())
            {
                first_group = false;
                group_len = 0;
                j += 1;
            } else if c == '.' && self.c(j + 1).is_some_and(|d| d.is_ascii_digit()) {
                if seen_point {
                    code = true;
                } else {
                    s.push('.');
                }
                seen_point = true;
                j += 1;
            } else if matches!(c, ':' | '/') && self.c(j + 1).is_some_and(|d| d.is_ascii_digit()) {
                code = true;
                j += 1;
            } else {
                break;
            }
        }
        Digits {
            value: s.as_str().parse().unwrap_or(0.0),
            end: j,
            code,
        }
    }

    fn prev_is_latin(&self, i: usize) -> bool {
        i > 0
            && self
                .c(i - 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
    }

    /// A digit token glued to letters or a version/time: a code compared by text.
    fn push_code(&mut self, start: usize, i: usize) -> usize {
        let mut j = i;
        // Numeronyms (I18N, L10N, A11Y, K8S) are words, not numbers.
        if self.numeronym(i) {
            let mut e = i;
            while self.c(e).is_some_and(|c| c.is_ascii_alphanumeric()) {
                e += 1;
            }
            return e;
        }
        while let Some(c) = self.c(j) {
            // Letters and digits, and . : / between digits (2.6.32, 10:30); a hyphen ends it, so
            // VT100-like and VT100 give the same code.
            let inner_punct =
                matches!(c, '.' | ':' | '/') && self.c(j + 1).is_some_and(|d| d.is_ascii_digit());
            if c.is_ascii_alphanumeric() || inner_punct {
                j += 1;
            } else {
                break;
            }
        }
        let v = self.digits(i).value;
        self.push(start, j, v, Kind::Code, true, 1.0, Precision::Exact);
        j
    }

    /// One capital letter, digits, one capital letter, standing alone: I18N, L10N, K8S.
    fn numeronym(&self, i: usize) -> bool {
        let upper = self
            .c(i.wrapping_sub(1))
            .is_some_and(|c| c.is_ascii_uppercase());
        if i == 0 || !self.c(i - 1).is_some_and(|c| c.is_ascii_alphabetic()) {
            return false;
        }
        if i >= 2 && self.c(i - 2).is_some_and(|c| c.is_ascii_alphanumeric()) {
            return false;
        }
        let mut j = i;
        while self.c(j).is_some_and(|c| c.is_ascii_digit()) {
            j += 1;
        }
        // I18N / i18n, L10N / l10n, K8S / k8s: the letters share their case.
        self.c(j)
            .is_some_and(|c| c.is_ascii_alphabetic() && c.is_ascii_uppercase() == upper)
            && !self.c(j + 1).is_some_and(|c| c.is_ascii_alphanumeric())
    }

    /// A printf conversion (`%2$s`, `%-10d`, `%5.2f`): its digits are not numbers of the text.
    /// Returns the end of the conversion.
    fn printf_spec(&self, i: usize) -> Option<usize> {
        let mut k = i;
        while k > 0
            && self
                .c(k - 1)
                .is_some_and(|c| matches!(c, '-' | '+' | ' ' | '#' | '0'))
        {
            k -= 1;
            if k + 3 < i {
                return None;
            }
        }
        if k == 0 || self.c(k - 1) != Some('%') {
            return None;
        }
        let mut j = i;
        while self
            .c(j)
            .is_some_and(|c| c.is_ascii_digit() || c == '.' || c == '$')
        {
            j += 1;
        }
        // the conversion letter (s, d, f, lu, ...)
        while self.c(j).is_some_and(|c| c.is_ascii_alphabetic()) && j < i + 12 {
            j += 1;
        }
        Some(j)
    }

    /// Letter suffixes glued to digits, the same in both languages: ordinals (21st), scales
    /// (10k, 5M, 175B, 3bn). Returns (kind, scale, end); other letters are units (100GB) and
    /// end nothing.
    fn digit_suffix(&self, j: usize) -> Option<(Kind, f64, usize)> {
        let (suffix, se) = self.word_at(j);
        match suffix.as_str() {
            "st" | "nd" | "rd" | "th" => Some((Kind::Ordinal, 1.0, se)),
            "k" => Some((Kind::Cardinal, 1e3, se)),
            "m" if self.c(j) == Some('M') => Some((Kind::Cardinal, 1e6, se)),
            "b" if self.c(j) == Some('B') => Some((Kind::Cardinal, 1e9, se)),
            "bn" => Some((Kind::Cardinal, 1e9, se)),
            _ => None,
        }
    }

    // ---------------------------------------------------------------- Chinese

    fn scan_zh(&mut self) {
        let mut i = 0;
        while i < self.chars.len() {
            let c = self.chars[i].1;
            // Every branch below needs a digit, a numeral, 双, or an idiom's first character
            // (a numeral or 不): other characters only advance, so skip them at once.
            if !(c.is_ascii_digit() || is_zh_numeral(c) || c == '双' || c == '不') {
                i += 1;
                continue;
            }
            i = if c.is_ascii_digit() {
                self.zh_digits(i)
            } else if self.starts_with(i, "百分之") {
                self.zh_percent(i)
            } else if c == '双' {
                // 双字节 = 2-byte, 双方 = both sides: matches a 2, never counted.
                self.push(
                    i,
                    i + 1,
                    2.0,
                    Kind::Cardinal,
                    false,
                    1.0,
                    Precision::Approximate,
                );
                i + 1
            } else if self.starts_with(i, "百分百") {
                self.push(i, i + 3, 100.0, Kind::Percent, false, 1.0, Precision::Exact);
                i + 3
            } else if let Some(k) = (0..ZH_IDIOMS.len()).find(|&k| {
                // First-character test first (from a decoded table): this runs at every
                // numeral character of the text.
                ZH_IDIOM_FIRST[k] == c
                    && self.starts_with(i, ZH_IDIOMS[k])
                    && !self.starts_with(i, "十分钟")
            }) {
                i + ZH_IDIOMS[k].chars().count()
            } else if self.zh_run_starts(i) {
                self.zh_numeral(i)
            } else {
                i + 1
            };
        }
    }

    /// A numeral run may start with a digit character, 十, or 百/千/万 directly followed by
    /// 万/亿 (百万, 千亿, 万亿); a lone 百/千/万 is a word (百姓, 千万不要, 万物).
    fn zh_run_starts(&self, i: usize) -> bool {
        match self.c(i) {
            Some(c) if zh_digit(c).is_some() || c == '十' => true,
            Some('百' | '千' | '万') => matches!(self.c(i + 1), Some('万' | '亿')),
            _ => false,
        }
    }

    fn zh_digits(&mut self, i: usize) -> usize {
        if let Some(end) = self.printf_spec(i) {
            return end;
        }
        if self.prev_is_latin(i) {
            return self.push_code(i, i);
        }
        let d = self.digits(i);
        let mut j = d.end;
        if d.code {
            return self.push_code(i, i);
        }
        let mut value = d.value;
        let mut scale = 1.0;
        let mut precision = Precision::Exact;
        let mut kind = Kind::Cardinal;
        if let Some((k, sc, e)) = self.digit_suffix(j) {
            kind = k;
            scale = sc;
            j = e;
        }
        // 16 进制 (base 16) names a notation: kept for matching ("powers of 1024"), never counted.
        if self.starts_with(self.skip_spaces(j), "进制") {
            self.push(i, j, value, Kind::Cardinal, true, 1.0, Precision::Vague);
            return j;
        }
        if self.c(self.skip_spaces(j)) == Some('月') && value <= 12.0 {
            kind = Kind::Month;
        }
        // 90 年代 = the 1990s (a two-digit decade is read in the 1900s).
        if self.starts_with(self.skip_spaces(j), "年代")
            && value < 100.0
            && value % 10.0 == 0.0
            && scale == 1.0
        {
            value += 1900.0;
            precision = Precision::Approximate;
        }
        // 100多万, 3千万, 320 亿
        let k = self.skip_spaces(j);
        let mut m = k;
        if matches!(self.c(m), Some('多' | '余')) && self.c(m + 1).and_then(zh_unit).is_some() {
            precision = Precision::Approximate;
            m += 1;
        }
        if self.c(m).and_then(zh_unit).is_some() && !self.starts_with(m, "百分") {
            while let Some(u) = self.c(m).and_then(zh_unit) {
                scale *= u;
                m += 1;
            }
            j = m;
        }
        value *= scale;
        let k = self.skip_spaces(j);
        if self.c(k) == Some('%') {
            kind = Kind::Percent;
            j = k + 1;
        } else if i > 0 && self.c(self.skip_back(i)) == Some('第') {
            kind = Kind::Ordinal;
        }
        if matches!(self.c(j), Some('多' | '余')) {
            precision = Precision::Approximate;
        }
        self.push(i, j, value, kind, true, scale, precision);
        j
    }

    /// Index of the first non-space character before `i` (or `i - 1`).
    fn skip_back(&self, i: usize) -> usize {
        let mut k = i - 1;
        while k > 0 && matches!(self.c(k), Some(' ' | '\u{3000}')) {
            k -= 1;
        }
        k
    }

    fn zh_percent(&mut self, i: usize) -> usize {
        let j = self.skip_spaces(i + 3);
        if self.c(j).is_some_and(|c| c.is_ascii_digit()) {
            let d = self.digits(j);
            self.push(
                i,
                d.end,
                d.value,
                Kind::Percent,
                true,
                1.0,
                Precision::Exact,
            );
            return d.end;
        }
        if self.starts_with(j, "百") && !self.c(j + 1).is_some_and(is_zh_numeral) {
            self.push(i, j + 1, 100.0, Kind::Percent, false, 1.0, Precision::Exact);
            return j + 1;
        }
        if let Some((v, end, _)) = self.zh_value(j) {
            self.push(i, end, v, Kind::Percent, false, 1.0, Precision::Exact);
            return end;
        }
        i + 3
    }

    /// Read a run of Chinese numerals at `i`: (value, end, largest unit seen).
    fn zh_value(&self, i: usize) -> Option<(f64, usize, f64)> {
        let mut j = i;
        while self.c(j).is_some_and(is_zh_numeral) {
            j += 1;
        }
        if j == i {
            return None;
        }
        let run: Vec<char> = self.chars[i..j].iter().map(|&(_, c)| c).collect();
        // Digit-by-digit (二〇二〇年, 一九九八): only digit characters, three or more.
        if run.len() >= 3 && run.iter().all(|&c| zh_digit(c).is_some() && c != '两') {
            let v = run
                .iter()
                .fold(0.0, |acc, &c| acc * 10.0 + zh_digit(c).unwrap_or(0.0));
            return Some((v, j, 1.0));
        }
        let (mut yi, mut wan, mut section, mut number) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        let mut last_unit = 0.0;
        let mut max_unit = 1.0f64;
        for &c in &run {
            if let Some(d) = zh_digit(c) {
                number = d;
            } else if let Some(u) = zh_unit(c) {
                max_unit = max_unit.max(u);
                match u {
                    1e8 => {
                        yi = (yi
                            + wan
                            + section
                            + number.max(if section + wan == 0.0 { 1.0 } else { 0.0 }))
                            * 1e8;
                        wan = 0.0;
                        section = 0.0;
                    }
                    1e4 => {
                        let base = section + number;
                        wan = if base == 0.0 { 1e4 } else { base * 1e4 };
                        section = 0.0;
                    }
                    _ => {
                        let n = if number == 0.0 { 1.0 } else { number };
                        section += n * u;
                    }
                }
                number = 0.0;
                last_unit = u;
            }
        }
        // 一万五 = 15000, 三千五 = 3500: a trailing digit right after a unit counts in the
        // next lower unit.
        let last = *run.last().unwrap_or(&' ');
        if zh_digit(last).is_some() && run.len() >= 2 {
            let before = run[run.len() - 2];
            if zh_unit(before).is_some() && last_unit >= 100.0 {
                number *= last_unit / 10.0;
            }
        }
        Some((yi + wan + section + number, j, max_unit))
    }

    fn zh_numeral(&mut self, i: usize) -> usize {
        let Some((mut value, mut end, max_unit)) = self.zh_value(i) else {
            return i + 1;
        };
        let run_len = end - i;
        let mut precision = Precision::Exact;
        // 几十 / 数百 / 上百万 (before); 上 only before a unit (网络上六个 is "on the network").
        let unit_first = self.c(i).is_some_and(|c| zh_unit(c).is_some());
        if i > 0
            && (matches!(self.c(i - 1), Some('几' | '数'))
                || (self.c(i - 1) == Some('上') && unit_first))
        {
            precision = Precision::Vague;
        }
        // 十几 (after): vague.
        if self.c(end) == Some('几') {
            precision = Precision::Vague;
        }
        // 三四个, 五六年: two consecutive digits read as "three or four".
        if run_len == 2 {
            let a = zh_digit(self.chars[i].1);
            let b = zh_digit(self.chars[i + 1].1);
            if let (Some(a), Some(b)) = (a, b)
                && b == a + 1.0
            {
                value = a;
                precision = Precision::Vague;
            }
        }
        // 十多万, 三百多: approximate; 多/余 inside a run continues it.
        if matches!(self.c(end), Some('多' | '余' | '来')) {
            if precision == Precision::Exact {
                precision = Precision::Approximate;
            }
            if let Some(u) = self.c(end + 1).and_then(zh_unit) {
                value *= u;
                end += 2;
            }
        }
        // 十六进制 (hexadecimal) names a notation: kept for matching, never counted.
        if self.starts_with(self.skip_spaces(end), "进制") {
            self.push(i, end, value, Kind::Cardinal, false, 1.0, Precision::Vague);
            return end;
        }
        // X分之Y
        if self.starts_with(end, "分之")
            && let Some((num, e2, _)) = self.zh_value(end + 2)
        {
            let v = if value == 0.0 { 0.0 } else { num / value };
            self.push(i, e2, v, Kind::Fraction, false, 1.0, precision);
            return e2;
        }
        let mut kind = Kind::Cardinal;
        if i > 0 && self.c(i - 1) == Some('第') {
            kind = Kind::Ordinal;
        } else if self.c(end) == Some('月') && value <= 12.0 && max_unit <= 10.0 {
            kind = Kind::Month;
        }
        let k = self.skip_spaces(end);
        if self.c(k) == Some('%') {
            kind = Kind::Percent;
            end = k + 1;
        }
        let scale = if max_unit >= 1e4 { max_unit } else { 1.0 };
        self.push(i, end, value, kind, false, scale, precision);
        let counted = ZH_MEASURE.iter().any(|m| self.starts_with(end, m));
        if let Some(n) = self.out.last_mut() {
            n.counted = counted;
        }
        end
    }

    // ---------------------------------------------------------------- English

    fn scan_en(&mut self) {
        let mut i = 0;
        while i < self.chars.len() {
            let c = self.chars[i].1;
            i = if c.is_ascii_digit() {
                self.en_digits(i)
            } else if c.is_ascii_alphabetic() && !self.prev_is_latin(i) {
                self.en_words(i)
            } else {
                i + 1
            };
        }
    }

    /// The lowercase ASCII word at `i` and its end.
    fn word_at(&self, i: usize) -> (Word, usize) {
        let mut j = i;
        while self.c(j).is_some_and(|c| c.is_ascii_alphabetic()) {
            j += 1;
        }
        (Word::new(&self.chars[i..j]), j)
    }

    /// Next word after spaces (or a hyphen, for twenty-five), if any.
    fn next_word(&self, j: usize) -> Option<(Word, usize, usize)> {
        let k = if self.c(j) == Some('-') {
            j + 1
        } else {
            self.skip_spaces(j)
        };
        if k == j || !self.c(k).is_some_and(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let (w, e) = self.word_at(k);
        Some((w, k, e))
    }

    fn en_scale_after(&self, j: usize) -> Option<(f64, usize)> {
        let (w, _, e) = self
            .next_word(j)
            .filter(|(_, k, _)| *k > j && self.c(j) != Some('-'))?;
        en_scale(&w).map(|s| (s, e))
    }

    fn en_percent_after(&self, j: usize) -> Option<usize> {
        let k = self.skip_spaces(j);
        if self.c(k) == Some('%') {
            return Some(k + 1);
        }
        let (w, _, e) = self.next_word(j).filter(|_| self.c(j) != Some('-'))?;
        match w.as_str() {
            "percent" => Some(e),
            "per" => {
                let (w2, _, e2) = self.next_word(e)?;
                (w2 == "cent").then_some(e2)
            }
            _ => None,
        }
    }

    fn en_digits(&mut self, i: usize) -> usize {
        if let Some(end) = self.printf_spec(i) {
            return end;
        }
        if self.prev_is_latin(i) {
            return self.push_code(i, i);
        }
        let d = self.digits(i);
        if d.code {
            return self.push_code(i, i);
        }
        let mut j = d.end;
        let mut value = d.value;
        let mut scale = 1.0;
        let mut kind = Kind::Cardinal;
        // Letter suffixes: 21st, 10k, 5M, 175B, 10x, 1990s; other letters are units (100GB).
        let glued = self.c(j).is_some_and(|c| c.is_ascii_alphabetic());
        if let Some((k, sc, e)) = self.digit_suffix(j) {
            kind = k;
            scale = sc;
            j = e;
        } else if !glued && let Some((s, e)) = self.en_scale_after(j) {
            scale = s;
            j = e;
        }
        value *= scale;
        if let Some(e) = self.en_percent_after(j) {
            kind = Kind::Percent;
            j = e;
        }
        self.push(i, j, value, kind, true, scale, Precision::Exact);
        j
    }

    fn en_words(&mut self, i: usize) -> usize {
        // A word outside EN_WORD_LISTS reads as nothing (every branch below needs one): return its
        // end without building it.
        let mut e = i;
        while self.c(e).is_some_and(|c| c.is_ascii_alphabetic()) {
            e += 1;
        }
        if !en_number_word(&self.text.as_bytes()[self.byte(i)..self.byte(e)]) {
            return e;
        }
        let (w, e) = self.word_at(i);
        // Plural scales without a number are vague (thousands of, millions of).
        if matches!(
            w.as_str(),
            "hundreds" | "thousands" | "millions" | "billions" | "trillions" | "dozens"
        ) {
            let base = match w.as_str() {
                "hundreds" => 100.0,
                "dozens" => 12.0,
                _ => en_scale(w.trim_end_matches('s')).unwrap_or(1.0),
            };
            // "hundreds of billions" = 1e11 (vague, but comparable with 千亿)
            if let Some((of, _, e2)) = self.next_word(e)
                && of == "of"
                && let Some((w3, _, e3)) = self.next_word(e2)
                && let Some(s) = en_scale(w3.trim_end_matches('s'))
            {
                let _ = e2;
                self.push(i, e3, base * s, Kind::Cardinal, false, s, Precision::Vague);
                return e3;
            }
            self.push(i, e, base, Kind::Cardinal, false, base, Precision::Vague);
            return e;
        }
        // both / twice / double = 2, triple = 3: never counted, but they match 两个 / 三倍.
        let pairish = match w.as_str() {
            "both" | "twice" | "double" | "dual" | "pair" => Some(2.0),
            "triple" | "thrice" => Some(3.0),
            _ => None,
        };
        if let Some(v) = pairish {
            self.push(i, e, v, Kind::Cardinal, false, 1.0, Precision::Approximate);
            return e;
        }
        // "a decade" = 10 years (十年); "a couple" = 2.
        if (w == "a" || w == "one")
            && let Some((w2, _, e2)) = self.next_word(e)
        {
            match w2.as_str() {
                "decade" => {
                    self.push(i, e2, 10.0, Kind::Cardinal, false, 1.0, Precision::Exact);
                    return e2;
                }
                "couple" => {
                    self.push(
                        i,
                        e2,
                        2.0,
                        Kind::Cardinal,
                        false,
                        1.0,
                        Precision::Approximate,
                    );
                    return e2;
                }
                _ => {}
            }
        }
        let leading_a = w == "a" || w == "an";
        if leading_a {
            match self.next_word(e) {
                Some((w2, _, _)) if en_scale(&w2).is_some() || w2 == "hundred" || w2 == "dozen" => {
                }
                _ => return e,
            }
        } else if en_word_value(&w).is_none() && en_ordinal(&w).is_none() {
            return e;
        }
        let (mut total, mut cur) = (0.0f64, 0.0f64);
        let mut scale = 1.0f64;
        let mut kind = Kind::Cardinal;
        let mut j = if leading_a { e } else { i };
        let mut end = j;
        let mut first = !leading_a;
        loop {
            let (word, ws, we) = if first {
                first = false;
                let (w, e) = self.word_at(j);
                (w, j, e)
            } else {
                match self.next_word(j) {
                    Some(x) => x,
                    None => break,
                }
            };
            let _ = ws;
            if let Some(v) = en_word_value(&word) {
                // "twenty five" / "twenty-five" add; "one two" is a list, stop.
                if cur % 100.0 != 0.0 && !(cur % 10.0 == 0.0 && v < 10.0 && cur >= 20.0) {
                    break;
                }
                cur += v;
            } else if word == "hundred" {
                cur = cur.max(1.0) * 100.0;
            } else if word == "dozen" {
                cur = cur.max(1.0) * 12.0;
            } else if let Some(s) = en_scale(&word) {
                total += cur.max(1.0) * s;
                scale = scale.max(s);
                cur = 0.0;
            } else if let Some(v) = en_ordinal(&word) {
                if cur % 10.0 != 0.0 {
                    break;
                }
                cur += v;
                kind = Kind::Ordinal;
                end = we;
                break;
            } else if word == "and" && total + cur >= 100.0 && (total + cur) % 100.0 == 0.0 {
                // "one hundred and twenty": continue only if a number word follows
                match self.next_word(we) {
                    Some((w2, _, _)) if en_word_value(&w2).is_some() => {
                        j = we;
                        continue;
                    }
                    _ => break,
                }
            } else {
                break;
            }
            j = we;
            end = we;
        }
        if end == i || (leading_a && end == e) {
            return e.max(i + 1);
        }
        let value = total + cur;
        if kind == Kind::Cardinal
            && let Some(pe) = self.en_percent_after(end)
        {
            kind = Kind::Percent;
            end = pe;
        }
        self.push(i, end, value, kind, false, scale, Precision::Exact);
        end
    }

    // ---------------------------------------------------------------- ranges

    /// Mark `a <connector> b` pairs as ranges, and carry the end's scale to a bare start
    /// (5-6 billion = 5e9 to 6e9; 5到20亿 = 5亿 to 20亿).
    fn link_ranges(&mut self, lang: Lang) {
        let connectors = match lang {
            Lang::Zh => ZH_RANGE,
            Lang::En => EN_RANGE,
        };
        for k in 0..self.out.len().saturating_sub(1) {
            let gap = &self.text[self.out[k].span.end..self.out[k + 1].span.start];
            let g = gap.trim();
            if !connectors.iter().any(|c| g.eq_ignore_ascii_case(c)) {
                continue;
            }
            if self.out[k].kind == Kind::Code || self.out[k + 1].kind == Kind::Code {
                continue;
            }
            self.out[k].range = Some(RangeRole::Start);
            self.out[k + 1].range = Some(RangeRole::End);
            let (s0, s1) = (self.scales[k], self.scales[k + 1]);
            if s0 == 1.0 && s1 > 1.0 && self.out[k].value < 1000.0 {
                let n = &mut self.out[k];
                n.value *= s1;
                n.scaled = true;
                n.magnitude = magnitude(n.value);
                self.scales[k] = s1;
            }
            if self.out[k + 1].kind == Kind::Percent && self.out[k].kind == Kind::Cardinal {
                self.out[k].kind = Kind::Percent;
                self.out[k].percent = true;
            }
        }
    }
}
