//! XLIFF 1.2 (`<file source-language target-language>` / `<trans-unit>` / `<source>`,
//! `<target state>`) and XLIFF 2.x (`<xliff srcLang trgLang>` / `<unit>` / `<segment state>`).
//!
//! Source and target are mapped to Chinese and English by their language tags, in either
//! direction; the document's direction follows the source language. `state`, `subState` and
//! `approved` are carried into `Pair.meta` (and so into the report); notes too. A unit with
//! several segments gives one pair per segment, id `unit/segment`. Inline codes follow the
//! TMX reader: content of `bpt/ept/ph/it/x/bx/ex/sc/ec` is code, `g/pc/mrk` content is text;
//! paired codes are checked for balance and compared across sides (`tag_mismatch`).

use super::xml::{self, Element, InlineSpec};
use super::{InputError, LineIndex, lang_of_tag};
use crate::model::{Direction, Document, Lang, LineRange, Pair, Segment, Skipped};

pub const SPEC: InlineSpec = InlineSpec {
    code: &["bpt", "ept", "ph", "it", "sub", "x", "bx", "ex", "sc", "ec"],
    opens: &[
        ("bpt", &["rid", "id"]),
        ("bx", &["rid", "id"]),
        ("sc", &["id"]),
        ("sm", &["id"]),
    ],
    closes: &[
        ("ept", &["rid", "id"]),
        ("ex", &["rid", "id"]),
        ("ec", &["startRef", "id"]),
        ("em", &["startRef"]),
    ],
};

struct Langs {
    source: Lang,
    target: Lang,
}

fn langs(
    path: &str,
    e: &Element,
    src: Option<&str>,
    trg: Option<&str>,
) -> Result<Langs, InputError> {
    let s = src.and_then(lang_of_tag);
    let t = trg.and_then(lang_of_tag);
    let (source, target) = match (s, t) {
        (Some(a), Some(b)) if a != b => (a, b),
        (Some(a), None) => (a, a.other()),
        (None, Some(b)) => (b.other(), b),
        _ => {
            return Err(InputError::new(
                path,
                Some(e.line),
                format!(
                    "XLIFF languages {:?} → {:?}: need one Chinese and one English side",
                    src.unwrap_or("?"),
                    trg.unwrap_or("?")
                ),
            ));
        }
    };
    Ok(Langs { source, target })
}

pub fn parse(path: &str, text: &str) -> Result<Document, InputError> {
    let root = xml::parse(path, text)?;
    if root.name != "xliff" {
        return Err(InputError::new(
            path,
            Some(root.line),
            format!("expected an <xliff> document, found <{}>", root.name),
        ));
    }
    let mut doc = Document::new(path, "xliff");
    doc.line_count = LineIndex::new(text).count(text);
    let v2 = root.attr("version").is_some_and(|v| v.starts_with('2'));
    let mut first_source = None;
    for file in root.elements().filter(|e| e.name == "file") {
        let l = if v2 {
            langs(path, &root, root.attr("srcLang"), root.attr("trgLang"))?
        } else {
            langs(
                path,
                file,
                file.attr("source-language"),
                file.attr("target-language"),
            )?
        };
        first_source.get_or_insert(l.source);
        if v2 {
            let mut units = Vec::new();
            file.find_all("unit", &mut units);
            for unit in units {
                let segs: Vec<&Element> = unit.elements().filter(|e| e.name == "segment").collect();
                for seg in &segs {
                    let id = match (unit.attr("id"), seg.attr("id"), segs.len()) {
                        (Some(u), _, 1) => Some(u.to_string()),
                        (Some(u), Some(s), _) => Some(format!("{u}/{s}")),
                        (u, s, _) => u.or(s).map(str::to_string),
                    };
                    let mut meta = Vec::new();
                    for k in ["state", "subState"] {
                        if let Some(v) = seg.attr(k) {
                            meta.push((k.to_string(), v.to_string()));
                        }
                    }
                    notes(unit, &mut meta);
                    unit_pair(&mut doc, &l, seg, id, meta);
                }
                if segs.is_empty() {
                    doc.skipped.push(Skipped {
                        lines: LineRange::new(unit.line, unit.end_line),
                        reason: "XLIFF <unit> without <segment>".into(),
                        text: unit.plain_text().trim().to_string(),
                    });
                }
            }
        } else {
            let mut units = Vec::new();
            file.find_all("trans-unit", &mut units);
            for tu in units {
                let mut meta = Vec::new();
                if let Some(a) = tu.attr("approved") {
                    meta.push(("approved".to_string(), a.to_string()));
                }
                if let Some(s) = tu.child("target").and_then(|t| t.attr("state")) {
                    meta.push(("state".to_string(), s.to_string()));
                }
                notes(tu, &mut meta);
                unit_pair(&mut doc, &l, tu, tu.attr("id").map(str::to_string), meta);
            }
        }
    }
    if first_source == Some(Lang::En) {
        doc.direction = Direction::EnToZh;
    }
    Ok(doc)
}

fn notes(e: &Element, meta: &mut Vec<(String, String)>) {
    let mut ns = Vec::new();
    e.find_all("note", &mut ns);
    for n in ns {
        meta.push(("note".into(), n.plain_text().trim().to_string()));
    }
}

/// `holder` has `<source>` and optionally `<target>` children.
fn unit_pair(
    doc: &mut Document,
    l: &Langs,
    holder: &Element,
    id: Option<String>,
    meta: Vec<(String, String)>,
) {
    let side = |name: &str, lang: Lang| {
        holder.child(name).and_then(|e| {
            let inl = xml::inline(e, &SPEC);
            (!inl.text.is_empty()).then(|| {
                let seg = Segment {
                    lang,
                    speaker: None,
                    text: inl.text.clone(),
                    lines: LineRange::new(
                        inl.first_line.unwrap_or(e.line),
                        inl.last_line.unwrap_or(e.end_line),
                    ),
                    paragraph_lines: Vec::new(),
                };
                (seg, inl)
            })
        })
    };
    let src = side("source", l.source);
    let trg = side("target", l.target);
    let (zh, en) = if l.source == Lang::Zh {
        (src, trg)
    } else {
        (trg, src)
    };
    if zh.is_none() && en.is_none() {
        doc.skipped.push(Skipped {
            lines: LineRange::new(holder.line, holder.end_line),
            reason: "XLIFF unit with empty source and target".into(),
            text: id.clone().unwrap_or_else(|| format!("<{}>", holder.name)),
        });
        return;
    }
    let index = doc.pairs.len();
    super::tmx::push_tag_notes(doc, index, zh.as_ref(), en.as_ref());
    doc.pairs.push(Pair {
        index,
        id,
        zh: zh.map(|(s, _)| s),
        en: en.map(|(s, _)| s),
        meta,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xliff12_en_to_zh_with_state() {
        let t = r#"<?xml version="1.0"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file source-language="en-US" target-language="zh-CN" datatype="plaintext" original="a">
    <body>
      <trans-unit id="save" approved="yes">
        <source>Click <g id="1">Save</g>.</source>
        <target state="translated">点击<g id="1">保存</g>。</target>
      </trans-unit>
      <group id="g">
        <trans-unit id="new">
          <source>New <x id="1"/>file</source>
          <target state="needs-translation"></target>
          <note>menu item</note>
        </trans-unit>
      </group>
    </body>
  </file>
</xliff>
"#;
        let d = parse("a.xlf", t).unwrap();
        assert_eq!(d.direction, Direction::EnToZh);
        assert_eq!(d.pairs.len(), 2);
        let p = &d.pairs[0];
        assert_eq!((p.en_text(), p.zh_text()), ("Click Save.", "点击保存。"));
        assert_eq!(p.zh_lines(), Some(LineRange::single(7)));
        assert!(p.meta.contains(&("approved".into(), "yes".into())));
        assert!(p.meta.contains(&("state".into(), "translated".into())));
        let q = &d.pairs[1];
        assert!(q.zh.is_none());
        assert!(q.meta.contains(&("note".into(), "menu item".into())));
        assert!(d.notes.is_empty(), "{:?}", d.notes);
    }

    #[test]
    fn xliff2_zh_to_en_segments_and_unbalanced_codes() {
        let t = r#"<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh-Hans" trgLang="en">
 <file id="f1">
  <unit id="u1">
   <segment id="s1" state="final">
    <source>你好<sc id="1"/>世界<ec startRef="1"/>。</source>
    <target>Hello <sc id="1"/>world.</target>
   </segment>
   <ignorable><source> </source></ignorable>
   <segment id="s2"><source>再见。</source><target>Bye.</target></segment>
  </unit>
 </file>
</xliff>
"#;
        let d = parse("b.xlf", t).unwrap();
        assert_eq!(d.direction, Direction::ZhToEn);
        assert_eq!(d.pairs.len(), 2);
        assert_eq!(d.pairs[0].id.as_deref(), Some("u1/s1"));
        assert_eq!(d.pairs[0].zh_text(), "你好世界。");
        assert_eq!(d.pairs[0].en_lines(), Some(LineRange::single(6)));
        assert!(d.pairs[0].meta.contains(&("state".into(), "final".into())));
        let probs: Vec<&str> = d.notes.iter().map(|n| n.evidence[0].1.as_str()).collect();
        assert!(
            probs
                .iter()
                .any(|p| p.contains("<sc id=1> is never closed")),
            "{probs:?}"
        );
        assert!(
            probs
                .iter()
                .any(|p| p.contains("<ec>: 1 in Chinese, 0 in English")),
            "{probs:?}"
        );
    }

    #[test]
    fn unsupported_languages_are_an_error() {
        let t = "<xliff version=\"1.2\">\n<file source-language=\"fr\" target-language=\"de\"><body/></file></xliff>";
        let e = parse("c.xlf", t).unwrap_err();
        assert_eq!(e.line, Some(2));
    }
}
