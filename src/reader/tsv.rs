//! Delimited pairs: TSV (`zh<TAB>en`) or CSV, either headerless or with a header naming the
//! columns (`zh`, `en`, `id`, ...; or `--zh-col/--en-col` by name or 0-based index).
//!
//! Quoting is off for TSV by default: a field that begins with `"` is text, as in Debian
//! Reference's TSV. CSV honours RFC 4180 quoting by default (English text is full of commas);
//! `--quoting on|off` overrides either. Each record is one pair; both segments point at the
//! record's line (a quoted record spanning lines points at its first line).
//!
//! The layout (which column is which) is decided once from the header or the first rows, then
//! each record becomes a pair on its own, so `--stream` reads the same way in bounded memory.

use super::InputError;
use crate::model::{Document, Lang, LineRange, Pair, Segment};
use crate::text::script;

#[derive(Debug, Clone, Default)]
pub struct TsvOptions {
    /// Column of the Chinese text: a header name or a 0-based index.
    pub zh_col: Option<String>,
    pub en_col: Option<String>,
    pub delimiter: Option<char>,
    /// Honour `"` quoting.
    pub quoting: bool,
}

const ZH_NAMES: &[&str] = &[
    "zh", "zh-cn", "zh_cn", "zh-hans", "zh_hans", "zh-tw", "chinese", "中文", "cn",
];
const EN_NAMES: &[&str] = &["en", "en-us", "en_us", "en-gb", "english", "英文"];
const ID_NAMES: &[&str] = &["id", "key", "msgid", "segment", "seg_id"];

/// One record: its 1-based line and its fields.
pub type Record = (usize, Vec<String>);

/// Line of each paragraph of each field, for quoted fields that span lines (empty when every
/// field is on the record's line).
pub type FieldLines = Vec<Vec<usize>>;

/// Which field is which, decided from the header or the first rows.
#[derive(Debug, Clone)]
pub struct Layout {
    pub zh: usize,
    pub en: usize,
    pub id: Option<usize>,
    /// Other header columns, carried into `Pair.meta`.
    pub extra: Vec<(usize, String)>,
    /// The first record is a header (not a pair).
    pub has_header: bool,
}

fn find_col(header: &[String], wanted: Option<&String>, names: &[&str]) -> Option<usize> {
    match wanted {
        Some(w) => w
            .parse::<usize>()
            .ok()
            .or_else(|| header.iter().position(|h| h.trim().eq_ignore_ascii_case(w))),
        None => header
            .iter()
            .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n))),
    }
}

/// Split text into records with their 1-based lines. Without quoting a record is a line
/// (split on the delimiter, so it is exact and fast); with quoting the csv crate reads, and
/// each record's line is recomputed from its byte offset (the crate's own line count does not
/// see the blank lines it skips).
pub fn records(
    path: &str,
    text: &str,
    opts: &TsvOptions,
) -> Result<Vec<(Record, FieldLines)>, InputError> {
    let delim = opts.delimiter.unwrap_or('\t');
    if !opts.quoting {
        return Ok(super::split_lines(text)
            .iter()
            .enumerate()
            .map(|(i, l)| ((i + 1, split_row(l, delim)), Vec::new()))
            .collect());
    }
    let idx = super::LineIndex::new(text);
    let bytes = text.as_bytes();
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(u8::try_from(delim).unwrap_or(b','))
        .quoting(true)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let start = rec.position().map_or(0, |p| p.byte() as usize);
                let end = rdr.position().byte() as usize;
                let mut b = start;
                while b < bytes.len() && (bytes[b] == b'\n' || bytes[b] == b'\r') {
                    b += 1;
                }
                let cells: Vec<String> = rec.iter().map(str::to_string).collect();
                let raw = &text[b..end.clamp(b, text.len())];
                let lines = if raw.trim_end().contains('\n') {
                    field_lines(raw, b, &cells, &idx)
                } else {
                    Vec::new()
                };
                out.push(((idx.line(b), cells), lines));
            }
            Err(e) => {
                let line = e.position().map(|p| idx.line(p.byte() as usize));
                let msg = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_string(),
                    _ => e.to_string(),
                };
                return Err(InputError::new(path, line, msg));
            }
        }
    }
    Ok(out)
}

/// Where each paragraph of each field of a multi-line record sits: search the raw record for
/// the paragraph's opening characters (up to a quote, which the raw text doubles), in order.
fn field_lines(raw: &str, offset: usize, cells: &[String], idx: &super::LineIndex) -> FieldLines {
    let mut cursor = 0;
    let fallback = idx.line(offset);
    cells
        .iter()
        .map(|cell| {
            cell.split('\n')
                .map(|para| {
                    let probe: String = para.chars().take_while(|&c| c != '"').take(16).collect();
                    match raw[cursor..]
                        .find(probe.as_str())
                        .filter(|_| !probe.is_empty())
                    {
                        Some(p) => {
                            cursor += p + probe.len();
                            idx.line(offset + cursor - probe.len())
                        }
                        None => fallback,
                    }
                })
                .collect()
        })
        .collect()
}

/// One unquoted line into fields.
pub fn split_row(line: &str, delim: char) -> Vec<String> {
    line.split(delim).map(str::to_string).collect()
}

impl Layout {
    /// Decide the layout from the first records (the first is a header candidate).
    pub fn decide(path: &str, first: &[Record], opts: &TsvOptions) -> Result<Layout, InputError> {
        let Some((hline, header)) = first.first() else {
            return Err(InputError::new(path, None, "empty file: nothing to audit"));
        };
        let hz = find_col(header, opts.zh_col.as_ref(), ZH_NAMES);
        let he = find_col(header, opts.en_col.as_ref(), EN_NAMES);
        let named = |c: &Option<String>| c.as_deref().is_some_and(|c| c.parse::<usize>().is_err());
        let has_header = named(&opts.zh_col)
            || named(&opts.en_col)
            || (hz.is_some() && he.is_some() && opts.zh_col.is_none());
        if has_header {
            let missing = |side: &str, want: &Option<String>| {
                InputError::new(
                    path,
                    Some(*hline),
                    format!(
                        "header has no {side} column{}",
                        want.as_ref().map(|w| format!(" `{w}`")).unwrap_or_default()
                    ),
                )
            };
            let zh = hz.ok_or_else(|| missing("Chinese", &opts.zh_col))?;
            let en = he.ok_or_else(|| missing("English", &opts.en_col))?;
            let id = find_col(header, None, ID_NAMES);
            let extra = header
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != zh && *i != en && Some(*i) != id)
                .map(|(i, h)| (i, h.trim().to_string()))
                .collect();
            return Ok(Layout {
                zh,
                en,
                id,
                extra,
                has_header,
            });
        }
        let zc = opts.zh_col.as_deref().and_then(|c| c.parse().ok());
        let ec = opts.en_col.as_deref().and_then(|c| c.parse().ok());
        let (z, e) = match (zc, ec) {
            (Some(z), Some(e)) => (z, e),
            _ => {
                let (z, e) = guess_columns(first);
                (zc.unwrap_or(z), ec.unwrap_or(e))
            }
        };
        Ok(Layout {
            zh: z,
            en: e,
            id: None,
            extra: Vec::new(),
            has_header: false,
        })
    }

    /// One record as a pair (index set by the caller); None for a blank record.
    pub fn pair<S: AsRef<str>>(
        &self,
        index: usize,
        no: usize,
        cells: &[S],
        lines: &FieldLines,
    ) -> Option<Pair> {
        self.pair_with(index, no, cells, lines)
    }

    /// `pair` for the cells of one line of unquoted text (`--stream`), which cannot hold a
    /// newline: `pair_with` without paragraph lines (a one-line cell needs none) and without
    /// looking for a newline in every cell, trimming with `trim_cell` (tested equal to
    /// `pair`).
    pub fn pair_of_line(&self, index: usize, no: usize, cells: &[&str]) -> Option<Pair> {
        // Each text cell is trimmed once: when either is not blank the line is not blank
        // either, and only a line with both blank needs every cell looked at.
        let text = |c: usize| Some(trim_cell(cells.get(c)?)).filter(|t| !t.is_empty());
        let (zh, en) = (text(self.zh), text(self.en));
        if zh.is_none() && en.is_none() && cells.iter().all(|c| trim_cell(c).is_empty()) {
            return None;
        }
        let cell = |t: Option<&str>, lang: Lang| {
            t.map(|t| Segment {
                lang,
                speaker: None,
                text: t.to_string(),
                lines: LineRange::single(no),
                paragraph_lines: Vec::new(),
            })
        };
        Some(Pair {
            index,
            id: self
                .id
                .and_then(|c| cells.get(c))
                .map(|s| trim_cell(s).to_string()),
            zh: cell(zh, Lang::Zh),
            en: cell(en, Lang::En),
            meta: self
                .extra
                .iter()
                .filter_map(|(c, name)| {
                    cells
                        .get(*c)
                        .map(|v| (name.clone(), trim_cell(v).to_string()))
                })
                .collect(),
        })
    }

    fn pair_with<S: AsRef<str>>(
        &self,
        index: usize,
        no: usize,
        cells: &[S],
        lines: &FieldLines,
    ) -> Option<Pair> {
        if cells.iter().all(|c| c.as_ref().trim().is_empty()) {
            return None;
        }
        let cell = |c: usize, lang: Lang| {
            cells
                .get(c)
                .map(|t| t.as_ref().trim())
                .filter(|t| !t.is_empty())
                .map(|t| {
                    let raw = cells[c].as_ref();
                    let paragraphs = |s: &str| s.bytes().filter(|&b| b == b'\n').count() + 1;
                    // Trimming may drop leading blank paragraphs of a multi-line cell.
                    let para = lines.get(c).filter(|l| l.len() == paragraphs(raw));
                    let paragraph_lines: Vec<usize> = match para {
                        Some(l) => {
                            let skip = raw.split('\n').take_while(|p| p.trim().is_empty()).count();
                            l[skip..skip + paragraphs(t)].to_vec()
                        }
                        // One paragraph on the record's line: no list needed, as `Segment`
                        // documents (`lines.start` is its line). This saves two
                        // allocations per row of a large TSV.
                        None if !t.contains('\n') => Vec::new(),
                        None => vec![no; paragraphs(t)],
                    };
                    Segment {
                        lang,
                        speaker: None,
                        text: t.to_string(),
                        lines: LineRange::new(
                            paragraph_lines.first().copied().unwrap_or(no),
                            paragraph_lines.last().copied().unwrap_or(no),
                        ),
                        paragraph_lines,
                    }
                })
        };
        Some(Pair {
            index,
            id: self
                .id
                .and_then(|c| cells.get(c))
                .map(|s| s.as_ref().trim().to_string()),
            zh: cell(self.zh, Lang::Zh),
            en: cell(self.en, Lang::En),
            meta: self
                .extra
                .iter()
                .filter_map(|(c, name)| {
                    cells
                        .get(*c)
                        .map(|v| (name.clone(), v.as_ref().trim().to_string()))
                })
                .collect(),
        })
    }
}

/// Whether `b` is the UTF-8 of one of the non-ASCII characters of `char::is_whitespace`
/// (U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
fn unicode_space(b: &[u8]) -> bool {
    matches!(
        b,
        [0xC2, 0x85 | 0xA0]
            | [0xE1, 0x9A, 0x80]
            | [0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF]
            | [0xE2, 0x81, 0x9F]
            | [0xE3, 0x80, 0x80]
    )
}

/// `s.trim()`: ASCII whitespace (that of `char::is_whitespace`: space and U+0009-U+000D) is
/// stripped byte by byte, and only when a character left at an end is whitespace (then
/// non-ASCII: its bytes are compared, `unicode_space`) does the text go to `str::trim`,
/// whose character search costs several times more.
pub fn trim_cell(s: &str) -> &str {
    let b = s.as_bytes();
    let ws = |c: u8| matches!(c, b' ' | b'\t'..=b'\r');
    let (mut start, mut end) = (0, b.len());
    while start < end && ws(b[start]) {
        start += 1;
    }
    while end > start && ws(b[end - 1]) {
        end -= 1;
    }
    // Both cuts are next to ASCII bytes, so on character boundaries.
    let t = &s[start..end];
    let b = t.as_bytes();
    // A non-ASCII space starts with a byte >= 0xC2 and ends with one >= 0x80: ASCII at
    // both ends (most English cells) needs no further look.
    if b.first().is_none_or(|&c| c < 0x80) && b.last().is_none_or(|&c| c < 0x80) {
        return t;
    }
    let at_start = |k: usize| b.len() >= k && unicode_space(&b[..k]);
    let at_end = |k: usize| b.len() >= k && unicode_space(&b[b.len() - k..]);
    if at_start(2) || at_start(3) || at_end(2) || at_end(3) {
        t.trim()
    } else {
        t
    }
}

pub fn parse(path: &str, text: &str, opts: &TsvOptions) -> Result<Document, InputError> {
    let records = records(path, text, opts)?;
    let format = if opts.delimiter == Some(',') {
        "csv"
    } else {
        "tsv"
    };
    let mut doc = Document::new(path, format);
    doc.line_count = super::split_lines(text).len();
    let first: Vec<Record> = records
        .iter()
        .map(|(r, _)| r)
        .filter(|(_, c)| c.iter().any(|f| !f.trim().is_empty()))
        .take(200)
        .cloned()
        .collect();
    let layout = Layout::decide(path, &first, opts)?;
    let skip = usize::from(layout.has_header);
    let mut seen = 0;
    for (r, lines) in &records {
        if r.1.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        seen += 1;
        if seen <= skip {
            continue;
        }
        let index = doc.pairs.len();
        if let Some(p) = layout.pair(index, r.0, &r.1, lines) {
            doc.pairs.push(p);
        }
    }
    Ok(doc)
}

/// Without a header: columns 0 and 1, swapped if the first column is mostly English.
fn guess_columns(records: &[Record]) -> (usize, usize) {
    let (mut zh_first, mut en_first) = (0, 0);
    for (_, cells) in records {
        let a = cells.first().map_or("", |s| s.as_str());
        let b = cells.get(1).map_or("", |s| s.as_str());
        match (script::detect(a), script::detect(b)) {
            (Some(Lang::Zh), Some(Lang::En)) => zh_first += 1,
            (Some(Lang::En), Some(Lang::Zh)) => en_first += 1,
            _ => {}
        }
    }
    if en_first > zh_first { (1, 0) } else { (0, 1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tsv() -> TsvOptions {
        TsvOptions::default()
    }

    /// Every character alone, at either end of a cell, inside ASCII whitespace, and random
    /// mixtures of whitespace (ASCII and not) and text.
    #[test]
    fn trim_cell_is_str_trim() {
        for c in crate::test_support::every_char() {
            for t in [
                format!("{c}"),
                format!("{c}a"),
                format!("a{c}"),
                format!(" \t{c}x{c}\r\n"),
                format!("{c}{c} 中 {c}"),
                format!("\u{b}{c}\u{c}"),
            ] {
                assert_eq!(trim_cell(&t), t.trim(), "{t:?}");
            }
        }
        let pool = [
            " ", "\t", "\n", "\r", "\u{b}", "\u{c}", "\u{85}", "\u{a0}", "\u{3000}", "\u{2028}",
            "\u{feff}", "a", "中", "é", "x y", "\u{1}",
        ];
        let mut rng = crate::test_support::XorShift::new(0x7a1b);
        for _ in 0..20_000 {
            let t: String = (0..rng.index(9))
                .map(|_| pool[rng.index(pool.len())])
                .collect();
            assert_eq!(trim_cell(&t), t.trim(), "{t:?}");
        }
    }

    /// The stream's `pair_of_line` gives what `pair` gives for one line's cells, with an id
    /// column and extra columns, on every Debian line when ../shared is present and on cells
    /// with every kind of blank end.
    #[test]
    fn pair_of_line_is_pair() {
        let layouts = [
            Layout {
                zh: 0,
                en: 1,
                id: None,
                extra: Vec::new(),
                has_header: false,
            },
            Layout {
                zh: 2,
                en: 0,
                id: Some(1),
                extra: vec![(3, "note".into()), (7, "absent".into())],
                has_header: true,
            },
        ];
        let mut lines: Vec<String> = vec![
            String::new(),
            "\t".into(),
            " \t \u{3000}".into(),
            "你好。\tHello.".into(),
            "\u{3000}你好\u{3000}\t Hello \t id \t\u{a0}note\u{a0}".into(),
            "only one cell".into(),
            "\t\tlate\tnote".into(),
        ];
        let debian = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/debian-reference.zh-en.tsv");
        if let Ok(text) = std::fs::read_to_string(debian) {
            lines.extend(text.lines().map(str::to_string));
        }
        for layout in &layouts {
            for (no, line) in lines.iter().enumerate() {
                let cells: Vec<&str> = line.split('\t').collect();
                assert_eq!(
                    layout.pair_of_line(no, no + 1, &cells),
                    layout.pair(no, no + 1, &cells, &Vec::new()),
                    "{line:?}"
                );
            }
        }
    }

    #[test]
    fn header_names_columns_and_keeps_quotes() {
        let t = "id\ttag\tstatus\tzh\ten\nch1#0\tp\ttranslated\t\"引号\"开头\t\"Quoted\" start\n";
        let d = parse("d.tsv", t, &tsv()).unwrap();
        assert_eq!(d.pairs.len(), 1);
        let p = &d.pairs[0];
        assert_eq!(p.id.as_deref(), Some("ch1#0"));
        assert_eq!(p.zh_text(), "\"引号\"开头");
        assert_eq!(p.en_lines(), Some(LineRange::single(2)));
        assert!(p.meta.contains(&("status".into(), "translated".into())));
    }

    #[test]
    fn headerless_rows_and_empty_cells() {
        let t = "你好。\tHello.\n再见。\t\nOnly English\tOnly English\n";
        let d = parse("d.tsv", t, &tsv()).unwrap();
        assert_eq!(d.pairs.len(), 3);
        assert!(d.pairs[1].en.is_none());
        assert_eq!(d.pairs[2].zh_text(), "Only English");
    }

    #[test]
    fn english_first_columns_are_swapped() {
        let t = "Hello.\t你好。\nBye.\t再见。\n";
        let d = parse("d.tsv", t, &tsv()).unwrap();
        assert_eq!(d.pairs[0].zh_text(), "你好。");
    }

    #[test]
    fn blank_lines_keep_line_numbers() {
        let t = "你好。\tHello.\n\n再见。\tBye.\n";
        let d = parse("d.tsv", t, &tsv()).unwrap();
        assert_eq!(d.pairs[1].zh_lines(), Some(LineRange::single(3)));
    }

    #[test]
    fn csv_quoting_spans_commas_and_lines() {
        let opts = TsvOptions {
            delimiter: Some(','),
            quoting: true,
            ..TsvOptions::default()
        };
        let t = "zh,en\n\"你好，世界。\",\"Hello, world.\"\n\"两行\n文本\",\"Two\nlines\"\n下一行,Next\n";
        let d = parse("d.csv", t, &opts).unwrap();
        assert_eq!(d.pairs.len(), 3);
        assert_eq!(d.pairs[0].en_text(), "Hello, world.");
        assert_eq!(d.pairs[1].zh_lines(), Some(LineRange::new(3, 4)));
        assert_eq!(d.pairs[1].en_lines(), Some(LineRange::new(4, 5)));
        assert_eq!(d.pairs[2].zh_lines(), Some(LineRange::single(6)));
    }

    #[test]
    fn columns_by_name_or_index() {
        let t = "src\ttgt\nHello.\t你好。\n";
        let opts = TsvOptions {
            zh_col: Some("tgt".into()),
            en_col: Some("src".into()),
            ..tsv()
        };
        let d = parse("d.tsv", t, &opts).unwrap();
        assert_eq!(d.pairs.len(), 1);
        assert_eq!(d.pairs[0].zh_text(), "你好。");
        let opts = TsvOptions {
            zh_col: Some("2".into()),
            en_col: Some("0".into()),
            ..tsv()
        };
        let d = parse("d.tsv", "Hi.\tx\t嗨。\n", &opts).unwrap();
        assert_eq!(d.pairs[0].zh_text(), "嗨。");
        let bad = TsvOptions {
            zh_col: Some("nope".into()),
            ..tsv()
        };
        let e = parse("d.tsv", t, &bad).unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("nope"), "{e}");
    }
}
