//! Bilingual lexicon in CC-CEDICT format, and the English word normalisation shared by the
//! alignment model.
//!
//! A CC-CEDICT line is `Traditional Simplified [pin1 yin1] /gloss/gloss/`. Each headword (both
//! scripts) maps to the content words of its glosses, normalised the way English text is
//! normalised (`en_keys`): lowercase, stop words and dictionary notes (`CL:`, `sb`, `sth`,
//! parenthesised remarks) dropped, a light suffix stemmer (`running` → `run`, `studies` →
//! `study`). Words are kept as 64-bit hashes (FNV-1a of the stem) so the document's English and
//! the lexicon meet without a shared string table.
//!
//! Chinese is segmented by greedy longest match against the headwords (up to 8 characters);
//! characters no headword covers are skipped. Known limits: greedy matching mis-segments some
//! ambiguous strings (研究生命 → 研究生 + 命), and glosses of function words (的, 是) are
//! dropped as stop words, so coverage is measured on content words only.

use flate2::read::GzDecoder;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// A stemmed English content word, hashed.
pub type Key = u64;

const FNV_OFFSET: u64 = 0xcbf29ce484222325;
const FNV_PRIME: u64 = 0x100000001b3;

/// FNV-1a: small, fast, deterministic across runs (unlike `RandomState`).
#[inline]
pub const fn hash_str(s: &str) -> Key {
    hash_more(FNV_OFFSET, s.as_bytes())
}

/// Continues an FNV-1a hash with more bytes: `hash_more(hash_str(a), b) == hash_str(a + b)`,
/// so a key can be computed piecewise (a stem plus a 'y', a character bigram) without building
/// the string.
#[inline]
pub const fn hash_more(mut h: Key, bytes: &[u8]) -> Key {
    let mut i = 0;
    // Four bytes per turn (the same steps in the same order): fewer loop tests.
    while i + 4 <= bytes.len() {
        h = (h ^ bytes[i] as u64).wrapping_mul(FNV_PRIME);
        h = (h ^ bytes[i + 1] as u64).wrapping_mul(FNV_PRIME);
        h = (h ^ bytes[i + 2] as u64).wrapping_mul(FNV_PRIME);
        h = (h ^ bytes[i + 3] as u64).wrapping_mul(FNV_PRIME);
        i += 4;
    }
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(FNV_PRIME);
        i += 1;
    }
    h
}

/// FNV-1a of what is written into it: `write!(KeyWriter::new(), "#{x}")` hashes the formatted
/// text without allocating it.
pub struct KeyWriter(pub Key);

impl KeyWriter {
    pub fn new() -> KeyWriter {
        KeyWriter(FNV_OFFSET)
    }
}

impl Default for KeyWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Write for KeyWriter {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0 = hash_more(self.0, s.as_bytes());
        Ok(())
    }
}

/// Hasher for maps keyed by `Key` (already FNV hashes) or short strings: one folded 64×64→128
/// multiply per word instead of SipHash's rounds. Not DoS-resistant, which a batch tool reading
/// its own inputs does not need; map iteration order differs from `RandomState`'s, so callers
/// that iterate such a map must not depend on the order (the model's callers only look up).
#[derive(Default, Clone, Copy)]
pub struct KeyHasher(u64);

const MIX: u64 = 0x9e37_79b9_7f4a_7c15;

impl KeyHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        let p = ((self.0 ^ w) as u128).wrapping_mul(MIX as u128);
        self.0 = (p as u64) ^ ((p >> 64) as u64);
    }
}

impl std::hash::Hasher for KeyHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b) ^ ((rest.len() as u64) << 59));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

/// `BuildHasher` of [`KeyHasher`].
pub type BuildKeyHasher = std::hash::BuildHasherDefault<KeyHasher>;
/// A map keyed by [`Key`] with the cheap hasher.
pub type KeyMap<V> = HashMap<Key, V, BuildKeyHasher>;

const STOP: &[&str] = &[
    "a",
    "an",
    "the",
    "and",
    "or",
    "but",
    "of",
    "to",
    "in",
    "on",
    "at",
    "by",
    "for",
    "with",
    "from",
    "as",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "i",
    "you",
    "he",
    "she",
    "we",
    "they",
    "me",
    "him",
    "her",
    "us",
    "them",
    "my",
    "your",
    "his",
    "our",
    "their",
    "do",
    "does",
    "did",
    "have",
    "has",
    "had",
    "not",
    "no",
    "so",
    "if",
    "then",
    "than",
    "there",
    "here",
    "what",
    "which",
    "who",
    "whom",
    "how",
    "why",
    "when",
    "where",
    "can",
    "could",
    "will",
    "would",
    "should",
    "may",
    "might",
    "must",
    "shall",
    "just",
    "also",
    "very",
    "some",
    "any",
    "all",
    "one",
    "s",
    "t",
    "sb",
    "sth",
    "etc",
    "e",
    "g",
    "cl",
    "lit",
    "fig",
    "abbr",
    "variant",
    "used",
    "about",
    "into",
    "out",
    "up",
    "down",
    "over",
    "more",
    "most",
    "such",
    "like",
    "other",
    "own",
    "too",
    "only",
    "yeah",
    "yes",
    "okay",
    "ok",
    "really",
    "kind",
    "sort",
    "thing",
    "things",
    "think",
    "know",
    "going",
    "get",
    "got",
    "don",
    "re",
    "ll",
    "ve",
    "m",
    "d",
    "s.o",
    "oneself",
    "someone",
    "something",
    "person",
];

/// Open-addressing table of the stop words' hashes (slot = low bits of the hash, linear
/// probing), built at compile time: a stop-word test is one hash and usually one probe instead
/// of a scan of the list. Entries are (hash, index in `STOP`); `u16::MAX` marks an empty slot.
const STOP_SLOTS: usize = 512;
const STOP_TABLE: [(Key, u16); STOP_SLOTS] = {
    let mut t = [(0, u16::MAX); STOP_SLOTS];
    let mut i = 0;
    while i < STOP.len() {
        let h = hash_str(STOP[i]);
        let mut slot = h as usize % STOP_SLOTS;
        while t[slot].1 != u16::MAX {
            slot = (slot + 1) % STOP_SLOTS;
        }
        t[slot] = (h, i as u16);
        i += 1;
    }
    t
};

/// Whether `w`, whose FNV-1a hash is `h`, is a stop word. A hash match is confirmed on the
/// text, so the answer is exactly `STOP.contains(&w)`.
fn is_stop_hashed(w: &str, h: Key) -> bool {
    let mut slot = h as usize % STOP_SLOTS;
    loop {
        let (sh, i) = STOP_TABLE[slot];
        if i == u16::MAX {
            return false;
        }
        if sh == h && STOP[i as usize] == w {
            return true;
        }
        slot = (slot + 1) % STOP_SLOTS;
    }
}

/// Light suffix stemmer: enough to meet gloss words and running text halfway.
pub fn stem(w: &str) -> String {
    let (s, y) = stem_parts(w);
    if y { format!("{s}y") } else { s.to_string() }
}

/// The key of `stem(w)`, computed without building the stem.
pub fn stem_key(w: &str) -> Key {
    let (s, y) = stem_parts(w);
    let h = hash_str(s);
    if y { hash_more(h, b"y") } else { h }
}

/// `stem(w)` as a prefix of `w` and whether a 'y' follows it (studies → stud + y): every stem
/// is one of these, so no stem needs its own allocation.
#[inline]
fn stem_parts(w: &str) -> (&str, bool) {
    let (s, y) = stem_suffix(w);
    // pursue/pursuing, make/making: drop a final e so both meet (a stem ending in the added
    // 'y' has no final e).
    if !y
        && let Some(t) = s.strip_suffix('e')
        && t.len() >= 3
    {
        return (t, false);
    }
    (s, y)
}

fn stem_suffix(w: &str) -> (&str, bool) {
    // Every suffix below ends in one of these bytes ('s, ’s, ies, ness, es, s; ingly, edly,
    // ly; ment; ing; ed): a word ending otherwise keeps its form (most words, one test).
    if !matches!(w.as_bytes().last(), Some(b's' | b'y' | b't' | b'g' | b'd')) {
        return (w, false);
    }
    strip_suffix(w)
}

/// `stem_suffix` without its first test (the test oracle of that test).
#[inline]
fn strip_suffix(w: &str) -> (&str, bool) {
    // = w.trim_end_matches("'s").trim_end_matches("’s"), without building a substring
    // searcher per word.
    let mut w = w;
    while let Some(t) = w.strip_suffix("'s") {
        w = t;
    }
    while let Some(t) = w.strip_suffix("’s") {
        w = t;
    }
    let n = w.len();
    let strip = |suf: &str, min: usize| -> Option<&str> {
        (n >= suf.len() + min && w.ends_with(suf)).then(|| &w[..n - suf.len()])
    };
    if let Some(s) = strip("ies", 2) {
        return (s, true);
    }
    for suf in [
        "ingly", "ness", "ment", "ing", "edly", "ed", "ly", "es", "s",
    ] {
        if let Some(s) = strip(suf, 3) {
            if suf == "s" && (s.ends_with('s') || s.ends_with('u') || s.ends_with('i')) {
                return (w, false);
            }
            // running → run, stopped → stop
            let b = s.as_bytes();
            if (suf == "ing" || suf == "ed")
                && b.len() >= 3
                && b[b.len() - 1] == b[b.len() - 2]
                && !matches!(b[b.len() - 1], b'l' | b's' | b'z')
            {
                return (&s[..s.len() - 1], false);
            }
            return (s, false);
        }
    }
    (w, false)
}

/// Lowercased Latin-letter words of a text (digits are handled as numbers elsewhere).
pub fn latin_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_ascii_alphabetic() || c == '\''))
        .map(|w| w.trim_matches('\'').to_ascii_lowercase())
        .filter(|w| !w.is_empty())
}

/// Per byte: 0 for a byte that is no part of a Latin word, bit 0 for an ASCII letter or an
/// apostrophe, bit 1 too for a capital (one table load per byte instead of range tests).
const WORD_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_uppercase() {
            3
        } else if c.is_ascii_lowercase() || c == b'\'' {
            1
        } else {
            0
        };
        b += 1;
    }
    t
};

/// `latin_words` without an allocation per word: calls `f` with each word, lowercased in a
/// buffer reused across words (only words with a capital are copied).
pub fn for_each_latin_word(text: &str, mut f: impl FnMut(&str)) {
    // Splitting on every char that is not an ASCII letter or apostrophe: the bytes of a
    // non-ASCII char are all ≥ 0x80, so a byte scan finds the same pieces; the apostrophes at
    // a piece's ends are trimmed as bytes (`trim_matches('\'')` on ASCII), and the capitals
    // are noted while the piece is scanned.
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut buf = String::new();
    let mut small = [0u8; 32];
    let mut i = 0;
    let is_word = |b: u8| WORD_CLASS[b as usize] != 0;
    while i < n {
        if !is_word(bytes[i]) {
            i += 1;
            // Long stretches without a word byte (Chinese text) are skipped 16 bytes at a time.
            if i < n && !is_word(bytes[i]) {
                while i + 16 <= n {
                    let m = word_bytes16(&bytes[i..i + 16]);
                    if m != 0 {
                        i += m.trailing_zeros() as usize;
                        break;
                    }
                    i += 16;
                }
                while i < n && !is_word(bytes[i]) {
                    i += 1;
                }
            }
            continue;
        }
        let mut start = i;
        let mut class = 0u8;
        while i < n {
            let c = WORD_CLASS[bytes[i] as usize];
            if c == 0 {
                break;
            }
            class |= c;
            i += 1;
        }
        let upper = class & 2 != 0;
        let mut end = i;
        while start < end && bytes[start] == b'\'' {
            start += 1;
        }
        while end > start && bytes[end - 1] == b'\'' {
            end -= 1;
        }
        if start == end {
            continue;
        }
        // ASCII bytes: char boundaries.
        let w = &text[start..end];
        if upper {
            // Lowercased on the stack when short (most words), else in the reused buffer.
            if w.len() <= small.len() {
                let s = &mut small[..w.len()];
                s.copy_from_slice(w.as_bytes());
                s.make_ascii_lowercase();
                f(std::str::from_utf8(s).expect("ASCII letters and apostrophes"));
            } else {
                buf.clear();
                buf.push_str(w);
                buf.make_ascii_lowercase();
                f(&buf);
            }
        } else {
            f(w);
        }
    }
}

/// Bit k set when byte k of `b` (16 bytes) is an ASCII letter or an apostrophe.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn word_bytes16(b: &[u8]) -> u32 {
    crate::text::mask16(b, |c| c.is_ascii_alphabetic() || c == b'\'')
}

/// Bit k set when byte k of `b` (16 bytes) is an ASCII letter or an apostrophe.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn word_bytes16(b: &[u8]) -> u32 {
    use std::arch::x86_64::*;
    assert!(b.len() >= 16);
    // SAFETY: SSE2 is part of x86-64; `b` has 16 readable bytes (an unaligned load).
    unsafe {
        let v = _mm_loadu_si128(b.as_ptr() as *const __m128i);
        let w = _mm_or_si128(
            crate::text::simd::ascii_letter(v),
            _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\'' as i8)),
        );
        _mm_movemask_epi8(w) as u32
    }
}

/// Content-word keys of English text: lowercase, stop words dropped, stemmed, hashed.
pub fn en_keys(text: &str) -> Vec<Key> {
    let mut out = Vec::new();
    for_each_en_key(text, |k| out.push(k));
    out
}

/// `en_keys` without collecting: calls `f` with each key in text order.
pub fn for_each_en_key(text: &str, mut f: impl FnMut(Key)) {
    for_each_latin_word(text, |w| {
        if w.len() <= 1 {
            return;
        }
        // One pass over the bytes: the stem is a prefix of the word (plus maybe a 'y'), so the
        // stem's hash is a midpoint of the word's hash, which the stop-word test needs.
        let (s, y) = stem_parts(w);
        let hs = hash_str(s);
        let hw = hash_more(hs, &w.as_bytes()[s.len()..]);
        if !is_stop_hashed(w, hw) {
            f(if y { hash_more(hs, b"y") } else { hs });
        }
    });
}

/// A loaded lexicon: headword → English content keys.
pub struct Lexicon {
    words: HashMap<Box<str>, (u32, u32), BuildKeyHasher>,
    keys: Vec<Key>,
    max_chars: usize,
    /// Number of entries read.
    pub entries: usize,
}

impl Lexicon {
    /// Read a CC-CEDICT file, plain or gzip (by magic bytes, not by name).
    pub fn load(path: &Path) -> Result<Lexicon, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
        let text = if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut s = String::new();
            GzDecoder::new(&bytes[..])
                .read_to_string(&mut s)
                .map_err(|e| format!("not a readable gzip UTF-8 file: {e}"))?;
            s
        } else {
            String::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?
        };
        Self::parse(&text)
    }

    /// Parse CC-CEDICT text. A non-comment line without `[...]` and `/.../` is an error naming
    /// its line number, so a wrong file is not silently read as an empty lexicon.
    pub fn parse(text: &str) -> Result<Lexicon, String> {
        // Each headword's keys are a span of `keys`, deduplicated in order of first
        // appearance. A headword met again on a later line gets its span moved to the end of
        // `keys` (unless it is there already) and extended, so no headword needs a `Vec` of its
        // own and no second pass over the map rebuilds the table; spans are capped at
        // `MAX_KEYS` at the end (the first ones, as before).
        const MAX_KEYS: u32 = 12;
        let mut words: HashMap<Box<str>, (u32, u32), BuildKeyHasher> =
            HashMap::with_capacity_and_hasher(text.len() / 64, BuildKeyHasher::default());
        let mut keys: Vec<Key> = Vec::with_capacity(text.len() / 16);
        let mut line_keys: Vec<Key> = Vec::new();
        let mut gloss = String::new();
        let mut max_chars = 1;
        let mut entries = 0;
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (Some(lb), Some(sl)) = (line.find(" ["), line.find(" /")) else {
                return Err(format!("line {}: not a CC-CEDICT entry", i + 1));
            };
            let mut heads = line[..lb].split_whitespace();
            let glosses = &line[sl + 2..];
            line_keys.clear();
            for g in glosses.split('/') {
                if g.starts_with("CL:") || g.contains("variant of") || g.starts_with("see ") {
                    continue;
                }
                strip_parens_into(g, &mut gloss);
                for_each_en_key(&gloss, |k| line_keys.push(k));
            }
            if line_keys.is_empty() {
                continue;
            }
            entries += 1;
            for h in heads.by_ref().take(2) {
                if !words.contains_key(h) {
                    max_chars = max_chars.max(h.chars().count().min(8));
                    let n = keys.len() as u32;
                    words.insert(h.into(), (n, n));
                }
                let span = words.get_mut(h).expect("inserted above");
                if span.1 as usize != keys.len() {
                    let n = keys.len();
                    keys.extend_from_within(span.0 as usize..span.1 as usize);
                    span.0 = n as u32;
                }
                for k in &line_keys {
                    if !keys[span.0 as usize..].contains(k) {
                        keys.push(*k);
                    }
                }
                span.1 = keys.len() as u32;
            }
        }
        if entries == 0 {
            return Err("no CC-CEDICT entries found".to_string());
        }
        for span in words.values_mut() {
            span.1 = span.1.min(span.0 + MAX_KEYS);
        }
        Ok(Lexicon {
            words,
            keys,
            max_chars,
            entries,
        })
    }

    fn lookup(&self, w: &str) -> Option<&[Key]> {
        self.words
            .get(w)
            .map(|&(a, b)| &self.keys[a as usize..b as usize])
    }

    /// Segment Chinese text by greedy longest match; returns the glosses' keys of each word
    /// found (one inner slice per dictionary word, in text order). Only Han runs are looked up.
    pub fn segment<'a>(&'a self, text: &str) -> Vec<&'a [Key]> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if !crate::text::script::is_han(chars[i].1) {
                i += 1;
                continue;
            }
            let mut found = None;
            let maxl = self.max_chars.min(chars.len() - i);
            for l in (1..=maxl).rev() {
                if !crate::text::script::is_han(chars[i + l - 1].1) {
                    continue;
                }
                let end = chars.get(i + l).map_or(text.len(), |c| c.0);
                if let Some(k) = self.lookup(&text[chars[i].0..end]) {
                    found = Some((l, k));
                    break;
                }
            }
            match found {
                Some((l, k)) => {
                    out.push(k);
                    i += l;
                }
                None => i += 1,
            }
        }
        out
    }
}

/// `g` without its parenthesised and bracketed remarks, written into `out`.
fn strip_parens_into(g: &str, out: &mut String) {
    out.clear();
    let mut depth = 0;
    for c in g.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = (depth - 1).max(0),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    /// The 16-byte mask on every byte value in every lane, against its byte-by-byte form (what
    /// targets other than x86-64 run).
    #[test]
    fn word_bytes16_is_the_byte_by_byte_mask() {
        for x in 0..=255u8 {
            for lane in 0..16 {
                let mut b = [b'-'; 16];
                b[lane] = x;
                let scalar = crate::text::mask16(&b, |c| c.is_ascii_alphabetic() || c == b'\'');
                assert_eq!(word_bytes16(&b), scalar, "{x} at {lane}");
            }
        }
    }

    use super::*;

    const SAMPLE: &str = "# comment\n\
        學習 学习 [xue2 xi2] /to learn; to study/\n\
        學 学 [xue2] /to learn/to study/science/-ology/\n\
        模型 模型 [mo2 xing2] /model; mold; matrix; pattern/\n\
        的 的 [de5] /of; ~'s (possessive particle)/\n\
        個 个 [ge4] /CL:個|个[ge4]/\n";

    #[test]
    fn parses_and_segments_by_longest_match() {
        let lex = Lexicon::parse(SAMPLE).unwrap();
        let segs = lex.segment("学习模型的");
        assert_eq!(segs.len(), 2, "学习 + 模型; 的 has only stop-word glosses");
        assert!(segs[0].contains(&hash_str("learn")));
        assert!(segs[0].contains(&hash_str("study")));
        assert!(segs[1].contains(&hash_str("model")));
    }

    #[test]
    fn english_keys_are_stemmed_content_words() {
        assert_eq!(en_keys("The models are learning"), en_keys("model learn"));
        assert_eq!(stem("studies"), "study");
        assert_eq!(stem("running"), "run");
        assert_eq!(stem("process"), "process");
    }

    /// The allocating normalisation the fast paths replace: split, trim, lowercase, linear
    /// stop-word scan, stem as a `String`, hash.
    fn en_keys_reference(text: &str) -> Vec<Key> {
        latin_words(text)
            .filter(|w| w.len() > 1 && !STOP.contains(&w.as_str()))
            .map(|w| hash_str(&stem(&w)))
            .collect()
    }

    #[test]
    fn fast_en_keys_match_the_reference() {
        let texts = [
            "The models are learning; it's Kasparov's game, isn't it? OK, okay...",
            "studies studied running stopped pursuing making process bus menu taxi pies ies",
            "'quoted' words'' and '' alone, DON'T can't I'm you'll THE Something SOMEONE s.o",
            "Ünïcödé café naïve — 中文 mixed with English words, e.g. etc. CL: sb sth",
            "x's's y’s greatness governments happily repeatedly allies skies",
            "",
        ];
        for t in texts {
            assert_eq!(en_keys(t), en_keys_reference(t), "{t}");
        }
        for w in STOP {
            let t = format!("{w} {} {w}s", w.to_uppercase());
            assert_eq!(en_keys(&t), en_keys_reference(&t), "{t}");
        }
    }

    #[test]
    fn unrolled_fnv_is_the_byte_loop() {
        let reference = |bytes: &[u8]| {
            let mut h = FNV_OFFSET;
            for &b in bytes {
                h = (h ^ b as u64).wrapping_mul(FNV_PRIME);
            }
            h
        };
        let text: Vec<u8> = (0..64u32).map(|i| (i * 37 + 11) as u8).collect();
        for a in 0..text.len() {
            for b in a..text.len() {
                assert_eq!(hash_more(FNV_OFFSET, &text[a..b]), reference(&text[a..b]));
            }
        }
        assert_eq!(hash_str("model"), reference(b"model"));
    }

    #[test]
    fn stem_suffix_equals_the_reference() {
        // Every word of every Debian cell (when ../shared is present), random words over the
        // letters of the suffixes, and every suffix alone and after short stems.
        let mut words: Vec<String> = Vec::new();
        if let Some(t) = crate::test_support::shared_file(crate::test_support::DEBIAN) {
            for_each_latin_word(&t, |w| words.push(w.to_string()));
        }
        let letters: Vec<char> = "singlyedmtaeuz'’".chars().collect();
        let mut rng = crate::test_support::XorShift::new(0x05ee_d0f5_7e31);
        for _ in 0..50_000 {
            let n = rng.index(10);
            words.push((0..n).map(|_| letters[rng.index(letters.len())]).collect());
        }
        for suf in [
            "'s", "’s", "ies", "ingly", "ness", "ment", "ing", "edly", "ed", "ly", "es", "s",
        ] {
            for stem in [
                "", "a", "ab", "abc", "abb", "runn", "stopp", "fuzz", "bus", "taxi",
            ] {
                words.push(format!("{stem}{suf}"));
            }
        }
        for w in &words {
            assert_eq!(stem_suffix(w), strip_suffix(w), "{w:?}");
        }
    }

    /// `for_each_latin_word` and `for_each_en_key` against the allocating references on random
    /// strings over the bytes that matter and (when ../shared is present) every Debian cell.
    #[test]
    fn latin_words_and_keys_equal_the_references_on_many_texts() {
        let alphabet: Vec<char> = "aZq'' .\n-éÉ中1sSINGedly’s".chars().collect();
        let mut rng = crate::test_support::XorShift::new(0x0ddb_a11c_afe5_eed5);
        let mut texts: Vec<String> = (0..20_000)
            .map(|_| {
                let n = rng.index(30);
                (0..n)
                    .map(|_| alphabet[rng.index(alphabet.len())])
                    .collect()
            })
            .collect();
        let path = format!(
            "{}/../shared/data/debian-reference.zh-en.tsv",
            env!("CARGO_MANIFEST_DIR")
        );
        if let Ok(t) = std::fs::read_to_string(&path) {
            texts.extend(t.lines().flat_map(|l| l.split('\t')).map(str::to_string));
        }
        for b in 0..=255u8 {
            let c = WORD_CLASS[b as usize];
            assert_eq!(c != 0, b.is_ascii_alphabetic() || b == b'\'', "{b}");
            assert_eq!(c & 2 != 0, b.is_ascii_uppercase(), "{b}");
        }
        // Every ASCII char inside and around words.
        texts.extend((0..128u8).map(|b| format!("ab{0}cd {0}Ef{0} {0}", b as char)));
        let mut words = 0;
        for t in &texts {
            let mut got = Vec::new();
            for_each_latin_word(t, |w| got.push(w.to_string()));
            assert_eq!(got, latin_words(t).collect::<Vec<_>>(), "{t:?}");
            assert_eq!(en_keys(t), en_keys_reference(t), "{t:?}");
            words += got.len();
        }
        assert!(words > 10_000, "{words}");
    }

    #[test]
    fn stop_table_agrees_with_the_list() {
        for w in STOP {
            assert!(is_stop_hashed(w, hash_str(w)), "{w}");
        }
        for w in [
            "model", "learn", "aa", "thing's", "someones", "person1", "x",
        ] {
            assert!(!is_stop_hashed(w, hash_str(w)), "{w}");
        }
    }

    #[test]
    fn stem_keys_and_piecewise_hashes_agree_with_strings() {
        for w in [
            "studies", "running", "making", "process", "agree", "fixed", "x's's", "é",
        ] {
            assert_eq!(stem_key(w), hash_str(&stem(w)), "{w}");
        }
        assert_eq!(hash_more(hash_str("中"), "文".as_bytes()), hash_str("中文"));
        let mut kw = KeyWriter::new();
        std::fmt::Write::write_fmt(&mut kw, format_args!("#{}", 2.5)).unwrap();
        assert_eq!(kw.0, hash_str("#2.5"));
    }

    /// The per-headword `Vec` table `parse` replaced: headword → keys (first 12).
    fn parse_reference(text: &str) -> HashMap<String, Vec<Key>> {
        let mut tmp: HashMap<String, Vec<Key>> = HashMap::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (lb, sl) = (line.find(" [").unwrap(), line.find(" /").unwrap());
            let mut keys = Vec::new();
            for g in line[sl + 2..].split('/') {
                if g.starts_with("CL:") || g.contains("variant of") || g.starts_with("see ") {
                    continue;
                }
                let mut b = String::new();
                strip_parens_into(g, &mut b);
                keys.extend(en_keys_reference(&b));
            }
            if keys.is_empty() {
                continue;
            }
            for h in line[..lb].split_whitespace().take(2) {
                let e = tmp.entry(h.to_string()).or_default();
                for k in &keys {
                    if !e.contains(k) {
                        e.push(*k);
                    }
                }
            }
        }
        tmp.into_iter()
            .map(|(h, mut v)| {
                v.truncate(12);
                (h, v)
            })
            .collect()
    }

    #[test]
    fn headwords_on_several_lines_merge_as_before() {
        let text = format!(
            "{SAMPLE}\
            了 了 [le5] /(completed action marker)/\n\
            了 了 [liao3] /to finish; to understand/to know/\n\
            學 学 [xue2] /learning/study/school/\n\
            長 长 [chang2] /length/long/forever/always/constantly/\n\
            學習 学习 [xue2 xi2] /learning/model/\n\
            長 长 [zhang3] /chief/head/elder/to grow/to develop/to increase/to enhance/old/\n\
            長 长 [zhang3] /senior/leader/eldest/\n\
            中華人民共和國 中华人民共和国 [Zhong1] /People's Republic of China/\n"
        );
        let lex = Lexicon::parse(&text).unwrap();
        let want = parse_reference(&text);
        assert_eq!(lex.words.len(), want.len());
        for (h, ks) in &want {
            assert_eq!(lex.lookup(h), Some(&ks[..]), "{h}");
        }
        assert_eq!(
            lex.lookup("长").map(|k| k.len()),
            Some(12),
            "capped at 12 keys"
        );
        assert_eq!(lex.max_chars, 7);
    }

    #[test]
    fn rejects_a_file_that_is_not_cedict() {
        let e = Lexicon::parse("hello world\n").err().unwrap();
        assert!(e.contains("line 1"), "{e}");
    }
}
