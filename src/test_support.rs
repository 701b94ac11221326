//! Helpers shared by the unit tests.

use crate::model::{Lang, LineRange, Segment};

/// xorshift64: a deterministic generator for the randomised old-equals-new tests, so every
/// run (and every failure) sees the same inputs, without a dependency.
pub struct XorShift(u64);

impl XorShift {
    /// `seed` must not be 0 (xorshift would stay at 0).
    pub fn new(seed: u64) -> XorShift {
        assert_ne!(seed, 0);
        XorShift(seed)
    }

    /// The next value below `m`.
    pub fn below(&mut self, m: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % m
    }

    /// The next index below `m`.
    pub fn index(&mut self, m: usize) -> usize {
        self.below(m as u64) as usize
    }
}

/// Every Unicode scalar value, in order (surrogates skipped), for the tests that compare a
/// fast path with its reference on every character.
pub fn every_char() -> impl Iterator<Item = char> {
    (0..=0x10FFFFu32).filter_map(char::from_u32)
}

/// Every non-ASCII scalar value, in order.
pub fn every_non_ascii_char() -> impl Iterator<Item = char> {
    every_char().skip(0x80)
}

/// A one-line segment without a speaker.
pub fn seg(lang: Lang, text: &str) -> Segment {
    Segment {
        lang,
        speaker: None,
        text: text.into(),
        lines: LineRange::single(1),
        paragraph_lines: Vec::new(),
    }
}

/// The Debian Reference TSV in `../shared` (path relative to `../shared`).
pub const DEBIAN: &str = "data/debian-reference.zh-en.tsv";
/// The real interview transcript in `../shared`.
pub const INTERVIEW: &str = "corpus/ai-interview.zh-en.md";

/// A file of `../shared` (beside the repository), for the tests that hold a fast form to its
/// oracle on real text. A fresh clone has no `../shared`: then `None`, with a note on stderr,
/// and the test goes on with what it has (generated text), so `cargo test` passes without it.
pub fn shared_file(rel: &str) -> Option<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(_) => {
            eprintln!("skipped: {} is absent", path.display());
            None
        }
    }
}

/// Every tab-separated cell of every line (for the TSV; a transcript's cells are its lines).
pub fn cells(text: &str) -> impl Iterator<Item = &str> {
    text.lines().flat_map(|l| l.split('\t'))
}

/// Calls `f` with every cell of the Debian Reference TSV, and checks the file gave the cells
/// it should (more than 10,000); does nothing when `../shared` is absent (see `shared_file`).
pub fn each_debian_cell(mut f: impl FnMut(&str)) {
    let Some(t) = shared_file(DEBIAN) else { return };
    let mut n = 0;
    for cell in cells(&t) {
        f(cell);
        n += 1;
    }
    assert!(n > 10_000, "{n}");
}
