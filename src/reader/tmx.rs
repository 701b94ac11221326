//! TMX 1.4 translation memories: each `<tu>` is a pair, its `<tuv xml:lang="...">` variants
//! (zh, zh-CN, zh-Hans, zh-TW, en, en-US, ...; TMX 1.1's `lang` too) give the two sides.
//!
//! Inline codes (`bpt`, `ept`, `ph`, `it`, `ut`) are kept out of the text; `hi` content is text.
//! Paired codes are checked for balance (`bpt i=1` needs an `ept i=1` in the same segment),
//! and each code's count is compared across the two sides; any difference is a
//! `tag_mismatch` note. `tuid` becomes the pair id, `<prop>` and `<note>` its metadata.
//! Variants in other languages, and a second variant of a language already seen, are kept as
//! skipped text (reported by `skipped_text`), never dropped. Direction: the header's
//! `srclang` (or the `tu`'s), `*all*` meaning unknown (zh→en).

use super::xml::{self, Element, Inline, InlineSpec};
use super::{InputError, LineIndex, lang_of_tag};
use crate::model::{Direction, Document, Lang, LineRange, Note, Pair, Segment, Skipped};

pub const SPEC: InlineSpec = InlineSpec {
    code: &["bpt", "ept", "ph", "it", "ut", "sub"],
    opens: &[("bpt", &["i"])],
    closes: &[("ept", &["i"])],
};

pub fn parse(path: &str, text: &str) -> Result<Document, InputError> {
    let root = xml::parse(path, text)?;
    if root.name != "tmx" {
        return Err(InputError::new(
            path,
            Some(root.line),
            format!("expected a <tmx> document, found <{}>", root.name),
        ));
    }
    let mut doc = Document::new(path, "tmx");
    doc.line_count = LineIndex::new(text).count(text);
    let header_src = root.child("header").and_then(|h| h.attr("srclang"));
    if header_src.and_then(lang_of_tag) == Some(Lang::En) {
        doc.direction = Direction::EnToZh;
    }
    let Some(body) = root.child("body") else {
        return Err(InputError::new(
            path,
            Some(root.line),
            "<tmx> has no <body>",
        ));
    };
    for tu in body.elements().filter(|e| e.name == "tu") {
        read_tu(&mut doc, tu);
    }
    Ok(doc)
}

fn read_tu(doc: &mut Document, tu: &Element) {
    let mut sides: [Option<(Segment, Inline)>; 2] = [None, None];
    let mut meta = Vec::new();
    for e in tu.elements() {
        match e.name.as_str() {
            "prop" => meta.push((
                e.attr("type").unwrap_or("prop").to_string(),
                e.plain_text().trim().to_string(),
            )),
            "note" => meta.push(("note".into(), e.plain_text().trim().to_string())),
            "tuv" => {
                let tag = e.attr("xml:lang").or_else(|| e.attr("lang")).unwrap_or("");
                let Some(seg) = e.child("seg") else {
                    doc.skipped.push(skipped(e, "TMX <tuv> without <seg>", ""));
                    continue;
                };
                let inl = xml::inline(seg, &SPEC);
                let lang = lang_of_tag(tag);
                let slot = lang.map(|l| if l == Lang::Zh { 0 } else { 1 });
                match slot {
                    Some(i) if sides[i].is_none() => {
                        let lines = LineRange::new(
                            inl.first_line.unwrap_or(seg.line),
                            inl.last_line.unwrap_or(seg.end_line),
                        );
                        let s = Segment {
                            lang: lang.unwrap_or(Lang::Zh),
                            speaker: None,
                            text: inl.text.clone(),
                            lines,
                            paragraph_lines: Vec::new(),
                        };
                        if !s.text.is_empty() {
                            sides[i] = Some((s, inl));
                        }
                    }
                    Some(_) => doc.skipped.push(skipped(
                        seg,
                        &format!("second TMX variant for {tag}"),
                        &inl.text,
                    )),
                    None => doc.skipped.push(skipped(
                        seg,
                        &format!("TMX variant in `{tag}` (neither Chinese nor English)"),
                        &inl.text,
                    )),
                }
            }
            _ => {}
        }
    }
    if let Some(src) = tu.attr("srclang").and_then(lang_of_tag) {
        meta.push(("srclang".into(), src.name().to_string()));
    }
    let [zh, en] = sides;
    if zh.is_none() && en.is_none() {
        doc.skipped
            .push(skipped(tu, "TMX <tu> with no Chinese or English text", ""));
        return;
    }
    let index = doc.pairs.len();
    push_tag_notes(doc, index, zh.as_ref(), en.as_ref());
    doc.pairs.push(Pair {
        index,
        id: tu.attr("tuid").map(str::to_string),
        zh: zh.map(|(s, _)| s),
        en: en.map(|(s, _)| s),
        meta,
    });
}

fn skipped(e: &Element, reason: &str, text: &str) -> Skipped {
    Skipped {
        lines: LineRange::new(e.line, e.end_line.max(e.line)),
        reason: reason.to_string(),
        text: if text.is_empty() {
            format!("<{}>", e.name)
        } else {
            text.to_string()
        },
    }
}

/// Balance inside each side, then the comparison of the two sides: one `tag_mismatch` note
/// per pair listing every problem (one defect often shows both ways: an unclosed `bpt` is also
/// one `ept` fewer than the other side), located on the sides involved.
pub fn push_tag_notes(
    doc: &mut Document,
    pair: usize,
    zh: Option<&(Segment, Inline)>,
    en: Option<&(Segment, Inline)>,
) {
    let mut problems = Vec::new();
    let (mut on_zh, mut on_en) = (false, false);
    for (s, inl) in [zh, en].into_iter().flatten() {
        for p in &inl.unbalanced {
            problems.push(format!("{}: {p}", s.lang.name()));
            on_zh |= s.lang == Lang::Zh;
            on_en |= s.lang == Lang::En;
        }
    }
    if let (Some((_, zi)), Some((_, ei))) = (zh, en) {
        let diffs = xml::compare_tags(zi, ei);
        if !diffs.is_empty() {
            problems.extend(diffs);
            (on_zh, on_en) = (true, true);
        }
    }
    if problems.is_empty() {
        return;
    }
    let side = match (on_zh, on_en) {
        (true, true) => "both",
        (true, false) => "Chinese",
        _ => "English",
    };
    doc.notes.push(Note {
        kind: "tag_mismatch".into(),
        pair: Some(pair),
        zh_lines: zh.filter(|_| on_zh).map(|(s, _)| s.lines),
        en_lines: en.filter(|_| on_en).map(|(s, _)| s.lines),
        evidence: vec![
            ("problem".into(), problems.join("; ")),
            ("side".into(), side.into()),
        ],
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header srclang="en-US" datatype="plaintext" segtype="sentence" adminlang="en" creationtool="t" creationtoolversion="1" o-tmf="x"/>
  <body>
    <tu tuid="1">
      <prop type="x-domain">docs</prop>
      <tuv xml:lang="en-US"><seg>Press <bpt i="1">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept> &amp; exit.</seg></tuv>
      <tuv xml:lang="zh-CN"><seg>按<bpt i="1">&lt;b&gt;</bpt>保存<ept i="1">&lt;/b&gt;</ept>并退出。</seg></tuv>
    </tu>
    <tu tuid="2">
      <tuv xml:lang="en"><seg>Hello <ph x="1"/>world.</seg></tuv>
      <tuv xml:lang="zh-Hant-TW"><seg>你好<bpt i="2">&lt;i&gt;</bpt>世界。</seg></tuv>
      <tuv xml:lang="fr"><seg>Bonjour.</seg></tuv>
    </tu>
  </body>
</tmx>
"#;

    #[test]
    fn reads_units_codes_and_direction() {
        let d = parse("t.tmx", T).unwrap();
        assert_eq!(d.direction, Direction::EnToZh);
        assert_eq!(d.pairs.len(), 2);
        let p = &d.pairs[0];
        assert_eq!(p.id.as_deref(), Some("1"));
        assert_eq!(p.en_text(), "Press Save & exit.");
        assert_eq!(p.zh_text(), "按保存并退出。");
        assert_eq!(p.zh_lines(), Some(LineRange::single(8)));
        assert_eq!(p.meta[0], ("x-domain".into(), "docs".into()));
        assert_eq!(d.pairs[1].zh_text(), "你好世界。");
        // bpt without ept, and ph vs bpt across sides.
        let problems: Vec<&str> = d.notes.iter().map(|n| n.evidence[0].1.as_str()).collect();
        assert!(
            problems
                .iter()
                .any(|p| p.contains("<bpt i=2> is never closed")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("<ph>: 0 in Chinese, 1 in English")),
            "{problems:?}"
        );
        assert!(d.notes.iter().all(|n| n.pair == Some(1)));
        assert_eq!(d.skipped.len(), 1);
        assert!(d.skipped[0].reason.contains("`fr`"));
    }

    #[test]
    fn unclosed_xml_names_the_line() {
        let t = "<tmx version=\"1.4\">\n<body>\n<tu>\n<tuv xml:lang=\"en\"><seg>Hi</seg></tuv>\n</body>\n</tmx>\n";
        let e = parse("t.tmx", t).unwrap_err();
        assert!(e.line.is_some(), "{e}");
        let t = "<tmx version=\"1.4\">\n<body>\n<tu>\n";
        let e = parse("t.tmx", t).unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("unclosed <tu>"), "{e}");
    }
}
