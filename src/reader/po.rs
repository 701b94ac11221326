//! gettext PO catalogues: `msgid` is the English source, `msgstr` the Chinese translation
//! (direction en→zh).
//!
//! Read: `msgctxt` (becomes the pair id), `msgid_plural` and `msgstr[N]` (form 0 pairs with
//! `msgid`; further forms with `msgid_plural`, id suffixed `[N]`; with one form the plural
//! source is kept in `Pair.meta`), multi-line strings (each paragraph keeps its source line),
//! the C escapes gettext accepts (`\n \t \r \" \\ \a \b \f \v \' \?`, octal, `\x` hex); any
//! other escape, an unterminated string or an unknown keyword is an error naming the line.
//! Flags (`#, fuzzy, c-format`) go into `Pair.meta`; a fuzzy entry stays a pair and is also a
//! `po_entry_state` note; an obsolete entry (`#~`) is a note only (it is not in use). The
//! header (`msgid ""`) is skipped and reported by `skipped_text`. An empty `msgstr` leaves the
//! Chinese side absent, which `missing_translation` reports.

use super::{InputError, split_lines};
use crate::model::{Direction, Document, Lang, LineRange, Note, Pair, Segment, Skipped};

/// A decoded PO string with the source line of each paragraph.
#[derive(Debug, Default, Clone)]
struct Str {
    text: String,
    para_lines: Vec<usize>,
    first: usize,
    last: usize,
    /// A '\n' was decoded and the next paragraph has not started yet.
    pending: bool,
}

impl Str {
    fn start(line: usize) -> Str {
        Str {
            first: line,
            last: line,
            ..Str::default()
        }
    }
    fn push_chunk(&mut self, decoded: &str, line: usize) {
        self.last = line;
        for c in decoded.chars() {
            if self.para_lines.is_empty() || self.pending {
                self.para_lines.push(line);
                self.pending = false;
            }
            self.text.push(c);
            if c == '\n' {
                self.pending = true;
            }
        }
    }
    fn segment(&self, lang: Lang) -> Option<Segment> {
        if self.text.trim().is_empty() {
            return None;
        }
        let mut para_lines = self.para_lines.clone();
        if self.pending {
            para_lines.push(self.last); // the empty paragraph after a final "\n"
        }
        Some(Segment {
            lang,
            speaker: None,
            text: self.text.clone(),
            lines: LineRange::new(para_lines[0], self.last.max(para_lines[0])),
            paragraph_lines: para_lines,
        })
    }
}

#[derive(Debug, Default)]
struct Entry {
    first_line: Option<usize>,
    last_line: usize,
    flags: Vec<String>,
    obsolete: bool,
    ctxt: Option<Str>,
    id: Option<Str>,
    plural: Option<Str>,
    strs: Vec<(usize, Str)>,
}

#[derive(Clone, Copy, PartialEq)]
enum Field {
    Ctxt,
    Id,
    Plural,
    Str(usize),
}

impl Entry {
    fn touch(&mut self, line: usize) {
        self.first_line.get_or_insert(line);
        self.last_line = line;
    }
    fn field(&mut self, f: Field) -> &mut Str {
        match f {
            Field::Ctxt => self.ctxt.as_mut().expect("opened"),
            Field::Id => self.id.as_mut().expect("opened"),
            Field::Plural => self.plural.as_mut().expect("opened"),
            Field::Str(n) => {
                let i = self.strs.iter().position(|(k, _)| *k == n).expect("opened");
                &mut self.strs[i].1
            }
        }
    }
}

pub fn parse(path: &str, text: &str) -> Result<Document, InputError> {
    let lines = split_lines(text);
    let mut doc = Document::new(path, "po");
    doc.direction = Direction::EnToZh;
    doc.line_count = lines.len();
    let mut entry = Entry::default();
    let mut current: Option<Field> = None;
    for (i, raw) in lines.iter().enumerate() {
        let no = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            finish(path, &mut doc, std::mem::take(&mut entry))?;
            current = None;
            continue;
        }
        let (body, obsolete) = match line.strip_prefix("#~") {
            Some(rest) if !rest.starts_with('|') => (rest.trim_start(), true),
            Some(_) => continue, // `#~|` previous value of an obsolete entry
            None => (line, false),
        };
        if !obsolete && body.starts_with('#') {
            // A comment after the strings begins the next entry.
            if !entry.strs.is_empty() {
                finish(path, &mut doc, std::mem::take(&mut entry))?;
                current = None;
            }
            entry.touch(no);
            if let Some(flags) = body.strip_prefix("#,") {
                entry.flags.extend(
                    flags
                        .split(',')
                        .map(|f| f.trim().to_string())
                        .filter(|f| !f.is_empty()),
                );
            }
            continue;
        }
        if body.starts_with('"') {
            let Some(f) = current else {
                return Err(InputError::new(
                    path,
                    Some(no),
                    "string continuation without a keyword",
                ));
            };
            let s = unquote(path, no, body)?;
            entry.field(f).push_chunk(&s, no);
            entry.touch(no);
            continue;
        }
        let (kw, rest) = body
            .split_once(|c: char| c.is_whitespace())
            .map(|(k, r)| (k, r.trim_start()))
            .unwrap_or((body, ""));
        let field = match kw {
            "msgctxt" => Field::Ctxt,
            "msgid" => Field::Id,
            "msgid_plural" => Field::Plural,
            "msgstr" => Field::Str(0),
            k if k.starts_with("msgstr[") && k.ends_with(']') => {
                let n = k[7..k.len() - 1].parse::<usize>().map_err(|_| {
                    InputError::new(path, Some(no), format!("bad plural index in `{k}`"))
                })?;
                Field::Str(n)
            }
            _ => {
                return Err(InputError::new(
                    path,
                    Some(no),
                    format!(
                        "unexpected line in a PO file: `{}`",
                        crate::text::excerpt(line, 40)
                    ),
                ));
            }
        };
        // A new msgctxt/msgid after the strings begins the next entry (no blank line between).
        if matches!(field, Field::Ctxt | Field::Id)
            && (!entry.strs.is_empty() || (field == Field::Id && entry.id.is_some()))
        {
            finish(path, &mut doc, std::mem::take(&mut entry))?;
        }
        if !rest.starts_with('"') {
            return Err(InputError::new(
                path,
                Some(no),
                format!("`{kw}` must be followed by a quoted string"),
            ));
        }
        entry.obsolete |= obsolete;
        let s = unquote(path, no, rest)?;
        let mut st = Str::start(no);
        st.push_chunk(&s, no);
        match field {
            Field::Ctxt => entry.ctxt = Some(st),
            Field::Id => entry.id = Some(st),
            Field::Plural => entry.plural = Some(st),
            Field::Str(n) => {
                if entry.strs.iter().any(|(k, _)| *k == n) {
                    return Err(InputError::new(path, Some(no), format!("duplicate `{kw}`")));
                }
                entry.strs.push((n, st));
            }
        }
        entry.touch(no);
        current = Some(field);
    }
    finish(path, &mut doc, entry)?;
    Ok(doc)
}

/// Decode one `"..."` string with gettext's C escapes.
fn unquote(path: &str, no: usize, s: &str) -> Result<String, InputError> {
    let err = |m: String| InputError::new(path, Some(no), m);
    let inner = s
        .strip_prefix('"')
        .and_then(|r| r.trim_end().strip_suffix('"'))
        .filter(|_| s.trim_end().len() >= 2)
        .ok_or_else(|| err("unterminated string (expected a closing `\"`)".into()))?;
    let mut out = String::with_capacity(inner.len());
    let mut it = inner.chars().peekable();
    while let Some(c) = it.next() {
        if c == '"' {
            return Err(err("unescaped `\"` inside a string".into()));
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = it
            .next()
            .ok_or_else(|| err("string ends with a lone backslash".into()))?;
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '"' | '\\' | '\'' | '?' => out.push(e),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match it.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            it.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v).ok_or_else(|| err(format!("bad octal escape {v:o}")))?);
            }
            'x' => {
                let mut v: u32 = 0;
                let mut n = 0;
                while let Some(d) = it.peek().and_then(|c| c.to_digit(16)) {
                    v = v.saturating_mul(16).saturating_add(d);
                    n += 1;
                    it.next();
                }
                let c = (n > 0).then(|| char::from_u32(v)).flatten();
                out.push(c.ok_or_else(|| err("bad `\\x` escape".into()))?);
            }
            other => return Err(err(format!("bad escape `\\{other}` in a string"))),
        }
    }
    Ok(out)
}

fn finish(path: &str, doc: &mut Document, e: Entry) -> Result<(), InputError> {
    let Some(first) = e.first_line else {
        return Ok(());
    };
    let Some(id) = &e.id else {
        if e.strs.is_empty() && e.ctxt.is_none() {
            return Ok(()); // comments only
        }
        return Err(InputError::new(
            path,
            Some(first),
            "PO entry without `msgid`",
        ));
    };
    let lines = LineRange::new(first, e.last_line.max(first));
    let en_lines = Some(LineRange::new(id.first, id.last));
    let zh_lines = e.strs.first().map(|(_, s)| LineRange::new(s.first, s.last));
    if e.strs.is_empty() {
        return Err(InputError::new(
            path,
            Some(id.first),
            "`msgid` without `msgstr`",
        ));
    }
    if e.obsolete {
        doc.notes.push(Note {
            kind: "po_entry_state".into(),
            pair: None,
            zh_lines,
            en_lines,
            evidence: vec![
                ("state".into(), "obsolete".into()),
                ("msgid".into(), crate::text::excerpt(&id.text, 60)),
            ],
        });
        return Ok(());
    }
    if id.text.is_empty() && e.ctxt.is_none() {
        let text = e
            .strs
            .first()
            .map(|(_, s)| s.text.clone())
            .unwrap_or_default();
        doc.skipped.push(Skipped {
            lines,
            reason: "PO header".into(),
            text,
        });
        return Ok(());
    }
    let ctxt = e.ctxt.as_ref().map(|c| c.text.clone());
    let mut meta = Vec::new();
    if let Some(c) = &ctxt {
        meta.push(("msgctxt".to_string(), c.clone()));
    }
    if !e.flags.is_empty() {
        meta.push(("flags".to_string(), e.flags.join(", ")));
    }
    let fuzzy = e.flags.iter().any(|f| f == "fuzzy");
    let mut strs = e.strs.clone();
    strs.sort_by_key(|(n, _)| *n);
    if let Some(p) = &e.plural
        && strs.len() == 1
    {
        meta.push(("msgid_plural".to_string(), p.text.clone()));
    }
    for (n, s) in &strs {
        let src = if *n == 0 {
            id
        } else {
            e.plural.as_ref().unwrap_or(id)
        };
        let index = doc.pairs.len();
        let pid = match (&ctxt, *n) {
            (c, 0) => c.clone(),
            (Some(c), n) => Some(format!("{c}[{n}]")),
            (None, n) => Some(format!("[{n}]")),
        };
        if fuzzy {
            doc.notes.push(Note {
                kind: "po_entry_state".into(),
                pair: Some(index),
                zh_lines: Some(LineRange::new(s.first, s.last)),
                en_lines: Some(LineRange::new(src.first, src.last)),
                evidence: vec![
                    ("state".into(), "fuzzy".into()),
                    ("msgid".into(), crate::text::excerpt(&src.text, 60)),
                ],
            });
        }
        let mut m = meta.clone();
        if *n > 0 {
            m.push(("plural_form".to_string(), n.to_string()));
        }
        // An empty msgstr leaves the Chinese side absent (`missing_translation`).
        let zh = s.segment(Lang::Zh);
        doc.pairs.push(Pair {
            index,
            id: pid,
            zh,
            en: src.segment(Lang::En),
            meta: m,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PO: &str = r#"# Translator comment
msgid ""
msgstr ""
"Project-Id-Version: x\n"
"Plural-Forms: nplurals=1; plural=0;\n"

#: src/a.c:10
#, c-format
msgid "Hello %s\n"
msgstr "你好 %s\n"

msgctxt "menu"
msgid ""
"Open\n"
"the file"
msgstr ""
"打开\n"
"文件"

#, fuzzy
msgid "Bell\a and tab\t \"q\" \101"
msgstr "响铃\a"

msgid "%d file"
msgid_plural "%d files"
msgstr[0] "%d 个文件"

msgid "Not yet"
msgstr ""

#~ msgid "Old"
#~ msgstr "旧"
"#;

    #[test]
    fn reads_entries_flags_plurals_and_escapes() {
        let d = parse("a.po", PO).unwrap();
        assert_eq!(d.direction, Direction::EnToZh);
        assert_eq!(d.skipped.len(), 1);
        assert_eq!(d.skipped[0].reason, "PO header");
        assert_eq!(d.skipped[0].lines, LineRange::new(1, 5));
        assert_eq!(d.pairs.len(), 5);
        let p = &d.pairs[0];
        assert_eq!(p.en_text(), "Hello %s\n");
        assert_eq!(p.zh_lines(), Some(LineRange::single(10)));
        assert!(p.meta.contains(&("flags".into(), "c-format".into())));
        let m = &d.pairs[1];
        assert_eq!(m.id.as_deref(), Some("menu"));
        assert_eq!(m.en_text(), "Open\nthe file");
        assert_eq!(m.en.as_ref().unwrap().paragraph_lines, vec![14, 15]);
        assert_eq!(m.zh.as_ref().unwrap().lines, LineRange::new(17, 18));
        let f = &d.pairs[2];
        assert_eq!(f.en_text(), "Bell\u{7} and tab\t \"q\" A");
        assert!(f.meta.contains(&("flags".into(), "fuzzy".into())));
        let pl = &d.pairs[3];
        assert!(
            pl.meta
                .contains(&("msgid_plural".into(), "%d files".into()))
        );
        assert!(d.pairs[4].zh.is_none());
        let states: Vec<(Option<usize>, &str)> = d
            .notes
            .iter()
            .map(|n| (n.pair, n.evidence[0].1.as_str()))
            .collect();
        assert_eq!(states, vec![(Some(2), "fuzzy"), (None, "obsolete")]);
        assert_eq!(d.notes[1].en_lines, Some(LineRange::single(31)));
    }

    #[test]
    fn plural_forms_pair_with_msgid_plural() {
        let t = "msgid \"one\"\nmsgid_plural \"many\"\nmsgstr[0] \"一\"\nmsgstr[1] \"多\"\n";
        let d = parse("p.po", t).unwrap();
        assert_eq!(d.pairs.len(), 2);
        assert_eq!(d.pairs[1].en_text(), "many");
        assert_eq!(d.pairs[1].id.as_deref(), Some("[1]"));
        assert_eq!(d.pairs[1].zh_lines(), Some(LineRange::single(4)));
    }

    #[test]
    fn bad_input_names_the_line() {
        let e = parse("b.po", "msgid \"a\"\nmsgstr \"\\q\"\n").unwrap_err();
        assert_eq!((e.line, e.message.contains("\\q")), (Some(2), true), "{e}");
        let e = parse("b.po", "msgid \"a\"\nmsgstr \"open\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        let e = parse("b.po", "msgid \"a\"\nmsgstr \"x\"\nbogus\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        let e = parse("b.po", "msgid \"a\"\n\nmsgid \"b\"\nmsgstr \"乙\"\n").unwrap_err();
        assert_eq!(e.line, Some(1));
    }
}
