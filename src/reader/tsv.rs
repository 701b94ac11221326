//! Tab-separated pairs: `zh<TAB>en`, or a header naming the columns (`zh`, `en`, `id`, ...).
//! Quoting is off: a field that begins with `"` is text, as in Debian Reference's TSV.
//! Each row is one pair; both segments point at the row's line.

use super::{InputError, split_lines};
use crate::model::{Document, Lang, LineRange, Pair, Segment};
use crate::text::script;

#[derive(Debug, Clone, Default)]
pub struct TsvOptions {
    /// Column of the Chinese text: a header name or a 0-based index.
    pub zh_col: Option<String>,
    pub en_col: Option<String>,
    pub delimiter: Option<char>,
}

const ZH_NAMES: &[&str] = &[
    "zh", "zh-cn", "zh_cn", "zh-hans", "zh_hans", "zh-tw", "chinese", "中文", "cn",
];
const EN_NAMES: &[&str] = &["en", "en-us", "en_us", "en-gb", "english", "英文"];
const ID_NAMES: &[&str] = &["id", "key", "msgid", "segment", "seg_id"];

fn find_col(header: &[&str], wanted: Option<&String>, names: &[&str]) -> Option<usize> {
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

pub fn parse(path: &str, text: &str, opts: &TsvOptions) -> Result<Document, InputError> {
    let delim = opts.delimiter.unwrap_or('\t');
    let lines = split_lines(text);
    let mut doc = Document::new(path, "tsv");
    doc.line_count = lines.len();
    let Some(first) = lines.iter().position(|l| !l.trim().is_empty()) else {
        return Err(InputError::new(path, None, "empty file: nothing to audit"));
    };
    let header: Vec<&str> = lines[first].split(delim).collect();
    let hz = find_col(&header, opts.zh_col.as_ref(), ZH_NAMES);
    let he = find_col(&header, opts.en_col.as_ref(), EN_NAMES);
    let has_header = opts
        .zh_col
        .as_deref()
        .is_some_and(|c| c.parse::<usize>().is_err())
        || (hz.is_some() && he.is_some() && opts.zh_col.is_none());
    let (zc, ec, idc, start) = if has_header {
        let zc = hz.ok_or_else(|| {
            InputError::new(
                path,
                Some(first + 1),
                format!("header has no Chinese column {:?}", opts.zh_col),
            )
        })?;
        let ec = he.ok_or_else(|| {
            InputError::new(
                path,
                Some(first + 1),
                format!("header has no English column {:?}", opts.en_col),
            )
        })?;
        (zc, ec, find_col(&header, None, ID_NAMES), first + 1)
    } else {
        let zc = opts.zh_col.as_deref().and_then(|c| c.parse().ok());
        let ec = opts.en_col.as_deref().and_then(|c| c.parse().ok());
        match (zc, ec) {
            (Some(z), Some(e)) => (z, e, None, first),
            _ => {
                let (z, e) = guess_columns(&lines[first..], delim);
                (zc.unwrap_or(z), ec.unwrap_or(e), None, first)
            }
        }
    };
    let extra: Vec<(usize, String)> = if has_header {
        header
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != zc && *i != ec && Some(*i) != idc)
            .map(|(i, h)| (i, h.trim().to_string()))
            .collect()
    } else {
        Vec::new()
    };
    for (i, raw) in lines.iter().enumerate().skip(start) {
        if raw.trim().is_empty() {
            continue;
        }
        let no = i + 1;
        let cells: Vec<&str> = raw.split(delim).collect();
        let cell = |c: usize, lang: Lang| {
            cells
                .get(c)
                .map(|t| t.trim())
                .filter(|t| !t.is_empty())
                .map(|t| Segment {
                    lang,
                    speaker: None,
                    text: t.to_string(),
                    lines: LineRange::single(no),
                    paragraph_lines: vec![no],
                })
        };
        let index = doc.pairs.len();
        doc.pairs.push(Pair {
            index,
            id: idc.and_then(|c| cells.get(c)).map(|s| s.trim().to_string()),
            zh: cell(zc, Lang::Zh),
            en: cell(ec, Lang::En),
            meta: extra
                .iter()
                .filter_map(|(c, name)| cells.get(*c).map(|v| (name.clone(), v.trim().to_string())))
                .collect(),
        });
    }
    Ok(doc)
}

/// Without a header: columns 0 and 1, swapped if the first column is mostly English.
fn guess_columns(lines: &[&str], delim: char) -> (usize, usize) {
    let (mut zh_first, mut en_first) = (0, 0);
    for l in lines.iter().take(200) {
        let mut it = l.split(delim);
        let (a, b) = (it.next().unwrap_or(""), it.next().unwrap_or(""));
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

    #[test]
    fn header_names_columns_and_keeps_quotes() {
        let t = "id\ttag\tstatus\tzh\ten\nch1#0\tp\ttranslated\t\"引号\"开头\t\"Quoted\" start\n";
        let d = parse("d.tsv", t, &TsvOptions::default()).unwrap();
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
        let d = parse("d.tsv", t, &TsvOptions::default()).unwrap();
        assert_eq!(d.pairs.len(), 3);
        assert!(d.pairs[1].en.is_none());
        assert_eq!(d.pairs[2].zh_text(), "Only English");
    }

    #[test]
    fn english_first_columns_are_swapped() {
        let t = "Hello.\t你好。\nBye.\t再见。\n";
        let d = parse("d.tsv", t, &TsvOptions::default()).unwrap();
        assert_eq!(d.pairs[0].zh_text(), "你好。");
    }
}
