//! Readers: one per input format, each producing a `Document`. Bad input is an `InputError`
//! naming the file and, where it applies, the line or byte; never a panic.

pub mod transcript;
pub mod tsv;

use crate::model::Document;
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
    /// `zh<TAB>en`, or a header naming the columns; no quoting.
    Tsv,
}

impl InputFormat {
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Transcript => "transcript",
            InputFormat::Tsv => "tsv",
        }
    }
}

/// Pick a format from the file name, then the content.
pub fn detect(path: &str, text: &str) -> InputFormat {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".tsv") || lower.ends_with(".tab") {
        return InputFormat::Tsv;
    }
    if lower.ends_with(".md") || lower.ends_with(".markdown") || lower.ends_with(".txt") {
        return InputFormat::Transcript;
    }
    // Content: most non-blank lines with a tab → TSV.
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
    let bytes = read_bytes(path)?;
    let shown = if path == "-" { "<stdin>" } else { path };
    let text = decode(shown, &bytes)?;
    parse(shown, &text, format)
}

/// Parse decoded text.
pub fn parse(path: &str, text: &str, format: Option<InputFormat>) -> Result<Document, InputError> {
    let format = format.unwrap_or_else(|| detect(path, text));
    let doc = match format {
        InputFormat::Transcript => transcript::parse(path, text)?,
        InputFormat::Tsv => tsv::parse(path, text, &tsv::TsvOptions::default())?,
    };
    Ok(doc)
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
    fn strips_bom() {
        assert_eq!(decode("x", "\u{feff}a".as_bytes()).unwrap(), "a");
    }
}
