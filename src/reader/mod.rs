//! Readers: one per input format, each producing a `Document`. Bad input is an `InputError`
//! naming the file and, where it applies, the line or byte; never a panic.

pub mod jsonl;
mod label;
pub mod plain;
pub mod po;
pub mod subtitle;
pub mod tmx;
pub mod transcript;
pub mod tsv;
pub mod xliff;
mod xml;

use crate::model::{Direction, Document, Lang};
use std::io::Read;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub path: String,
    pub line: Option<usize>,
    pub message: String,
}

impl InputError {
    pub fn new(path: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        InputError {
            path: path.to_string(),
            line,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.path, l, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

impl std::error::Error for InputError {}

/// Input formats; `--input-format` names them, otherwise they are detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// `**Speaker:** text` blocks, Chinese then English (or the reverse).
    Transcript,
    /// `zh<TAB>en`, or a header naming the columns; no quoting unless `--quoting on`.
    Tsv,
    /// Comma-separated, header or `--zh-col/--en-col`; RFC 4180 quoting unless `--quoting off`.
    Csv,
    /// One JSON object per line: `{"zh": ..., "en": ..., "speaker"?: ..., "id"?: ...}`.
    Jsonl,
    /// TMX 1.4 translation memory.
    Tmx,
    /// XLIFF 1.2 or 2.x.
    Xliff,
    /// gettext PO catalogue (msgid English, msgstr Chinese).
    Po,
    /// SubRip subtitles (bilingual cues, or one language per file with `--zh/--en`).
    Srt,
    /// WebVTT subtitles.
    Vtt,
    /// Plain text, one segment per line; only as a pair of files (`--zh a.txt --en b.txt`).
    Plain,
}

impl InputFormat {
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Transcript => "transcript",
            InputFormat::Tsv => "tsv",
            InputFormat::Csv => "csv",
            InputFormat::Jsonl => "jsonl",
            InputFormat::Tmx => "tmx",
            InputFormat::Xliff => "xliff",
            InputFormat::Po => "po",
            InputFormat::Srt => "srt",
            InputFormat::Vtt => "vtt",
            InputFormat::Plain => "plain",
        }
    }
}

/// Reader options from the command line; the defaults read every format as documented.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// TSV/CSV column (header name or 0-based index) or JSONL field of the Chinese text.
    pub zh_col: Option<String>,
    pub en_col: Option<String>,
    /// JSONL field names of the speaker and the id (default `speaker`, `id`).
    pub speaker_field: Option<String>,
    pub id_field: Option<String>,
    /// Delimited text: honour `"` quoting (default: off for TSV, on for CSV).
    pub quoting: Option<bool>,
    /// `--source/--target`: overrides the direction the file's metadata gives.
    pub source: Option<Lang>,
}

/// Pick a format from the file name, then the content.
pub fn detect(path: &str, text: &str) -> InputFormat {
    let lower = path.to_ascii_lowercase();
    let by_ext: &[(&[&str], InputFormat)] = &[
        (&[".tsv", ".tab"], InputFormat::Tsv),
        (&[".csv"], InputFormat::Csv),
        (&[".jsonl", ".ndjson"], InputFormat::Jsonl),
        (&[".tmx"], InputFormat::Tmx),
        (
            &[".xlf", ".xliff", ".sdlxliff", ".mxliff"],
            InputFormat::Xliff,
        ),
        (&[".po", ".pot"], InputFormat::Po),
        (&[".srt"], InputFormat::Srt),
        (&[".vtt"], InputFormat::Vtt),
        (&[".md", ".markdown", ".txt"], InputFormat::Transcript),
    ];
    for (exts, f) in by_ext {
        if exts.iter().any(|e| lower.ends_with(e)) {
            return *f;
        }
    }
    detect_content(text)
}

/// Content sniffing for stdin and unknown extensions: the first non-blank line decides the
/// structured formats; otherwise tabs mean TSV, and the rest is a transcript.
fn detect_content(text: &str) -> InputFormat {
    let mut end = text.len().min(4096);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head: &str = &text[..end];
    let first = head
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if first.starts_with("WEBVTT") {
        return InputFormat::Vtt;
    }
    if first.starts_with('{') {
        return InputFormat::Jsonl;
    }
    if first.starts_with('<') {
        if head.contains("<tmx") {
            return InputFormat::Tmx;
        }
        if head.contains("<xliff") {
            return InputFormat::Xliff;
        }
    }
    if head.contains("\nmsgid ") || first.starts_with("msgid ") {
        return InputFormat::Po;
    }
    let mut it = head.lines().map(str::trim).filter(|l| !l.is_empty());
    if let (Some(a), Some(b)) = (it.next(), it.next())
        && a.chars().all(|c| c.is_ascii_digit())
        && b.contains("-->")
    {
        return InputFormat::Srt;
    }
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(50)
        .collect();
    let tabbed = lines.iter().filter(|l| l.contains('\t')).count();
    if !lines.is_empty() && tabbed * 10 >= lines.len() * 8 {
        InputFormat::Tsv
    } else {
        InputFormat::Transcript
    }
}

/// Read raw bytes from a path, or stdin for `-`.
pub fn read_bytes(path: &str) -> Result<Vec<u8>, InputError> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| InputError::new("<stdin>", None, format!("cannot read: {e}")))?;
        return Ok(buf);
    }
    let meta = std::fs::metadata(path).map_err(|e| InputError::new(path, None, io_message(&e)))?;
    if meta.is_dir() {
        return Err(InputError::new(path, None, "is a directory, not a file"));
    }
    std::fs::read(path).map_err(|e| InputError::new(path, None, io_message(&e)))
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => format!("cannot read: {e}"),
    }
}

/// Decode bytes as UTF-8 text: reject empty, binary and non-UTF-8 input with the line and
/// byte of the problem; strip a BOM.
pub fn decode(path: &str, bytes: &[u8]) -> Result<String, InputError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(InputError::new(path, None, "empty file: nothing to audit"));
    }
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        let line = bytes[..pos].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(InputError::new(
            path,
            Some(line),
            format!("binary file (NUL byte at byte {pos}), not a bilingual text"),
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let pos = e.valid_up_to();
            let line = bytes[..pos].iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(InputError::new(
                path,
                Some(line),
                format!("not valid UTF-8 (byte {pos}); convert the file to UTF-8 first"),
            ));
        }
    };
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text).to_string())
}

/// Read a document from a path (or `-`), with an explicit or detected format.
pub fn read_document(path: &str, format: Option<InputFormat>) -> Result<Document, InputError> {
    read_document_with(path, format, &ReadOptions::default())
}

/// Read a document with reader options.
pub fn read_document_with(
    path: &str,
    format: Option<InputFormat>,
    opts: &ReadOptions,
) -> Result<Document, InputError> {
    let bytes = read_bytes(path)?;
    let shown = if path == "-" { "<stdin>" } else { path };
    let text = decode(shown, &bytes)?;
    parse_with(shown, &text, format, opts)
}

/// Parse decoded text.
pub fn parse(path: &str, text: &str, format: Option<InputFormat>) -> Result<Document, InputError> {
    parse_with(path, text, format, &ReadOptions::default())
}

/// Parse decoded text with reader options.
pub fn parse_with(
    path: &str,
    text: &str,
    format: Option<InputFormat>,
    opts: &ReadOptions,
) -> Result<Document, InputError> {
    let format = format.unwrap_or_else(|| detect(path, text));
    let mut doc = match format {
        InputFormat::Transcript => transcript::parse(path, text)?,
        InputFormat::Tsv | InputFormat::Csv => tsv::parse(path, text, &tsv_options(format, opts))?,
        InputFormat::Jsonl => jsonl::parse(path, text, &jsonl::JsonlOptions::from(opts))?,
        InputFormat::Tmx => tmx::parse(path, text)?,
        InputFormat::Xliff => xliff::parse(path, text)?,
        InputFormat::Po => po::parse(path, text)?,
        InputFormat::Srt | InputFormat::Vtt => subtitle::parse(path, text)?,
        InputFormat::Plain => {
            return Err(InputError::new(
                path,
                None,
                "plain text needs two files: --zh FILE --en FILE",
            ));
        }
    };
    apply_direction(&mut doc, opts);
    Ok(doc)
}

/// Two files of one language each (`--zh a --en b`): line-aligned plain text, or subtitles
/// matched by timestamps. Chinese lines point into the Chinese file, English into the English.
pub fn read_pair_files(
    zh_path: &str,
    en_path: &str,
    format: Option<InputFormat>,
    opts: &ReadOptions,
) -> Result<Document, InputError> {
    let zh = decode(zh_path, &read_bytes(zh_path)?)?;
    let en = decode(en_path, &read_bytes(en_path)?)?;
    let format = format.unwrap_or_else(|| match detect(zh_path, &zh) {
        f @ (InputFormat::Srt | InputFormat::Vtt) => f,
        _ => InputFormat::Plain,
    });
    let mut doc = match format {
        InputFormat::Srt | InputFormat::Vtt => subtitle::parse_pair(zh_path, &zh, en_path, &en)?,
        InputFormat::Plain | InputFormat::Transcript => plain::parse(zh_path, &zh, en_path, &en),
        other => {
            return Err(InputError::new(
                zh_path,
                None,
                format!(
                    "--zh/--en take plain text or subtitle files, not {}",
                    other.name()
                ),
            ));
        }
    };
    apply_direction(&mut doc, opts);
    Ok(doc)
}

fn apply_direction(doc: &mut Document, opts: &ReadOptions) {
    match opts.source {
        Some(Lang::En) => doc.direction = Direction::EnToZh,
        Some(Lang::Zh) => doc.direction = Direction::ZhToEn,
        None => {}
    }
}

pub fn tsv_options(format: InputFormat, opts: &ReadOptions) -> tsv::TsvOptions {
    let csv = format == InputFormat::Csv;
    tsv::TsvOptions {
        zh_col: opts.zh_col.clone(),
        en_col: opts.en_col.clone(),
        delimiter: Some(if csv { ',' } else { '\t' }),
        quoting: opts.quoting.unwrap_or(csv),
    }
}

/// Map a language tag (`zh-CN`, `zh_Hans`, `ZH-tw`, `en-US`, `eng`) to the two languages the
/// tool audits; anything else is None.
pub fn lang_of_tag(tag: &str) -> Option<Lang> {
    let t = tag.trim().to_ascii_lowercase();
    let primary = t.split(['-', '_']).next().unwrap_or("");
    match primary {
        "zh" | "zho" | "chi" | "cmn" | "yue" => Some(Lang::Zh),
        "en" | "eng" => Some(Lang::En),
        _ => None,
    }
}

/// Byte offsets of line starts, to turn a parser's byte position into a 1-based line.
pub struct LineIndex(Vec<usize>);

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut v = vec![0];
        v.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex(v)
    }
    /// 1-based line of a byte offset.
    pub fn line(&self, byte: usize) -> usize {
        self.0.partition_point(|&s| s <= byte).max(1)
    }
    pub fn count(&self, text: &str) -> usize {
        self.0.len() - usize::from(text.ends_with('\n'))
    }
}

/// Split text into lines without their terminators (LF or CRLF), keeping trailing-space
/// trimming to the caller.
pub fn split_lines(text: &str) -> Vec<&str> {
    let mut v: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    if text.ends_with('\n') {
        v.pop();
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_invalid_utf8_with_line_and_byte() {
        let err = decode("x.md", b"ok\nbad \xff here").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("byte 7"), "{err}");
    }

    #[test]
    fn rejects_empty_and_binary() {
        assert!(
            decode("e.md", b"  \n")
                .unwrap_err()
                .message
                .contains("empty")
        );
        assert!(
            decode("b.md", b"ab\0cd")
                .unwrap_err()
                .message
                .contains("binary")
        );
    }

    #[test]
    fn content_detection_cuts_on_a_character_boundary() {
        let t = format!("{}\t{}\n", "中".repeat(2000), "x".repeat(10));
        assert_eq!(detect("-", &t.repeat(3)), InputFormat::Tsv);
    }

    #[test]
    fn strips_bom() {
        assert_eq!(decode("x", "\u{feff}a".as_bytes()).unwrap(), "a");
    }
}
