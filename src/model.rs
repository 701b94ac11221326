//! The document model: Document > Pair > Segment.
//!
//! Every reader produces this shape. Line numbers are 1-based and inclusive, and refer to
//! the original file, so every finding can point an editor at the lines to fix.

use serde::Serialize;

/// Language of a segment, decided by script (see `text::script`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Lang::Zh => "Chinese",
            Lang::En => "English",
        }
    }
}

/// A 1-based inclusive line range in the original file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineRange {
    pub start: usize,
    pub end: usize,
}

impl LineRange {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        LineRange { start, end }
    }
    pub fn single(line: usize) -> Self {
        LineRange {
            start: line,
            end: line,
        }
    }
    pub fn cover(a: LineRange, b: LineRange) -> LineRange {
        LineRange::new(a.start.min(b.start), a.end.max(b.end))
    }
}

impl Serialize for LineRange {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        [self.start, self.end].serialize(s)
    }
}

impl std::fmt::Display for LineRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.start == self.end {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}-{}", self.start, self.end)
        }
    }
}

/// One block of one language: a speaker turn's Chinese or English, a TSV cell, a PO msgstr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub lang: Lang,
    /// Speaker label as written (`**Ilya Sutskever:**` gives `Ilya Sutskever`).
    pub speaker: Option<String>,
    /// Text without the label; paragraphs joined with '\n'.
    pub text: String,
    pub lines: LineRange,
    /// Line number of each paragraph of `text` (same length as `text.split('\n')`) when the
    /// reader knows them; empty otherwise (then `lines.start` is the first paragraph's line).
    pub paragraph_lines: Vec<usize>,
}

impl Segment {
    /// Paragraphs with their line numbers, for reporters that show source lines.
    pub fn numbered_paragraphs(&self) -> Vec<(usize, &str)> {
        let paras: Vec<&str> = self.text.split('\n').collect();
        if self.paragraph_lines.len() == paras.len() {
            self.paragraph_lines.iter().copied().zip(paras).collect()
        } else {
            paras
                .into_iter()
                .enumerate()
                .map(|(i, p)| ((self.lines.start + i).min(self.lines.end), p))
                .collect()
        }
    }
}

/// A Chinese segment and its English counterpart; either may be absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// Position in the document, 0-based.
    pub index: usize,
    /// Identifier carried by the format (TSV id column, PO msgctxt, cue number, JSONL id).
    pub id: Option<String>,
    pub zh: Option<Segment>,
    pub en: Option<Segment>,
    /// Format metadata carried into the report (XLIFF state, PO flags, ...).
    pub meta: Vec<(String, String)>,
}

impl Pair {
    pub fn side(&self, lang: Lang) -> Option<&Segment> {
        match lang {
            Lang::Zh => self.zh.as_ref(),
            Lang::En => self.en.as_ref(),
        }
    }
    pub fn zh_text(&self) -> &str {
        self.zh.as_ref().map(|s| s.text.as_str()).unwrap_or("")
    }
    pub fn en_text(&self) -> &str {
        self.en.as_ref().map(|s| s.text.as_str()).unwrap_or("")
    }
    pub fn zh_lines(&self) -> Option<LineRange> {
        self.zh.as_ref().map(|s| s.lines)
    }
    pub fn en_lines(&self) -> Option<LineRange> {
        self.en.as_ref().map(|s| s.lines)
    }
    /// First line of the pair in the file, for sorting.
    pub fn first_line(&self) -> usize {
        match (self.zh_lines(), self.en_lines()) {
            (Some(a), Some(b)) => a.start.min(b.start),
            (Some(a), None) | (None, Some(a)) => a.start,
            (None, None) => 0,
        }
    }
}

/// Text the reader did not put in a segment (a heading, front matter, a comment), kept so
/// that it is reported rather than silently dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub lines: LineRange,
    pub reason: String,
    pub text: String,
}

/// Which side is the source. Transcripts are usually zh→en, PO catalogues en→zh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    #[default]
    ZhToEn,
    EnToZh,
}

/// A whole input file.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path as given on the command line (`-` for stdin).
    pub path: String,
    /// Reader that produced it (`transcript`, `tsv`, ...).
    pub format: String,
    pub direction: Direction,
    pub pairs: Vec<Pair>,
    pub skipped: Vec<Skipped>,
    /// Inline waiver markers found in the file (`<!-- tqa-waive rule: reason -->`).
    pub waivers: Vec<InlineWaiver>,
    /// Number of lines in the file.
    pub line_count: usize,
    /// Format-level observations by the reader (unbalanced inline tags, fuzzy or obsolete PO
    /// entries), each reported by the rule whose check reads its `kind`.
    pub notes: Vec<Note>,
}

/// Something a reader noticed about the file's own structure, turned into a finding by the
/// `format_note` check of the rule configured for its `kind` (`tag_mismatch`,
/// `po_entry_state`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub kind: String,
    /// Pair it is about, when the entry became a pair (an obsolete PO entry does not).
    pub pair: Option<usize>,
    /// Lines in the original file on each side (at least one is set).
    pub zh_lines: Option<LineRange>,
    pub en_lines: Option<LineRange>,
    /// Named measurements for the finding's evidence and message.
    pub evidence: Vec<(String, String)>,
}

/// An inline waiver: applies to the pair whose block starts on the next non-blank line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineWaiver {
    pub line: usize,
    pub rule: String,
    pub reason: String,
    /// Index of the pair it applies to, when the reader resolved it.
    pub pair: Option<usize>,
}

impl Document {
    pub fn new(path: &str, format: &str) -> Self {
        Document {
            path: path.to_string(),
            format: format.to_string(),
            direction: Direction::default(),
            pairs: Vec::new(),
            skipped: Vec::new(),
            waivers: Vec::new(),
            line_count: 0,
            notes: Vec::new(),
        }
    }
}
