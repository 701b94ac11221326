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

/// FNV-1a: small, fast, deterministic across runs (unlike `RandomState`).
pub fn hash_str(s: &str) -> Key {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.as_bytes() {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

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

fn is_stop(w: &str) -> bool {
    STOP.contains(&w)
}

/// Light suffix stemmer: enough to meet gloss words and running text halfway.
pub fn stem(w: &str) -> String {
    let s = stem_suffix(w);
    // pursue/pursuing, make/making: drop a final e so both meet.
    match s.strip_suffix('e') {
        Some(t) if t.len() >= 3 => t.to_string(),
        _ => s,
    }
}

fn stem_suffix(w: &str) -> String {
    let w = w.trim_end_matches("'s").trim_end_matches("’s");
    let n = w.len();
    let strip = |suf: &str, min: usize| -> Option<&str> {
        (n >= suf.len() + min && w.ends_with(suf)).then(|| &w[..n - suf.len()])
    };
    if let Some(s) = strip("ies", 2) {
        return format!("{s}y");
    }
    for suf in [
        "ingly", "ness", "ment", "ing", "edly", "ed", "ly", "es", "s",
    ] {
        if let Some(s) = strip(suf, 3) {
            if suf == "s" && (s.ends_with('s') || s.ends_with('u') || s.ends_with('i')) {
                return w.to_string();
            }
            // running → run, stopped → stop
            let b = s.as_bytes();
            if (suf == "ing" || suf == "ed")
                && b.len() >= 3
                && b[b.len() - 1] == b[b.len() - 2]
                && !matches!(b[b.len() - 1], b'l' | b's' | b'z')
            {
                return s[..s.len() - 1].to_string();
            }
            return s.to_string();
        }
    }
    w.to_string()
}

/// Lowercased Latin-letter words of a text (digits are handled as numbers elsewhere).
pub fn latin_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_ascii_alphabetic() || c == '\''))
        .map(|w| w.trim_matches('\'').to_ascii_lowercase())
        .filter(|w| !w.is_empty())
}

/// Content-word keys of English text: lowercase, stop words dropped, stemmed, hashed.
pub fn en_keys(text: &str) -> Vec<Key> {
    latin_words(text)
        .filter(|w| w.len() > 1 && !is_stop(w))
        .map(|w| hash_str(&stem(&w)))
        .collect()
}

/// A loaded lexicon: headword → English content keys.
pub struct Lexicon {
    words: HashMap<Box<str>, (u32, u32)>,
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
        let mut tmp: HashMap<Box<str>, Vec<Key>> = HashMap::new();
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
            let mut keys = Vec::new();
            for g in glosses.split('/') {
                if g.starts_with("CL:") || g.contains("variant of") || g.starts_with("see ") {
                    continue;
                }
                keys.extend(en_keys(&strip_parens(g)));
            }
            if keys.is_empty() {
                continue;
            }
            entries += 1;
            for h in heads.by_ref().take(2) {
                let e = tmp.entry(h.into()).or_default();
                for k in &keys {
                    if !e.contains(k) {
                        e.push(*k);
                    }
                }
            }
        }
        if entries == 0 {
            return Err("no CC-CEDICT entries found".to_string());
        }
        let mut words = HashMap::with_capacity(tmp.len());
        let mut keys = Vec::new();
        let mut max_chars = 1;
        for (h, ks) in tmp {
            max_chars = max_chars.max(h.chars().count().min(8));
            let start = keys.len() as u32;
            keys.extend(ks.iter().take(12));
            words.insert(h, (start, keys.len() as u32));
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

fn strip_parens(g: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in g.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = (depth - 1).max(0),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn rejects_a_file_that_is_not_cedict() {
        let e = Lexicon::parse("hello world\n").err().unwrap();
        assert!(e.contains("line 1"), "{e}");
    }
}
