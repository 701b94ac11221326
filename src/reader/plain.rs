//! Two line-aligned plain-text files (`--zh a.txt --en b.txt`): line n of one is the
//! translation of line n of the other. A line present on one side only (the files differ in
//! length, or one side's line is blank) becomes a pair with one side, which
//! `missing_translation` reports; lines blank on both sides are ignored. Chinese line numbers
//! point into the Chinese file, English ones into the English file.

use crate::model::{Document, Lang, LineRange, Pair, Segment};

pub fn parse(zh_path: &str, zh: &str, en_path: &str, en: &str) -> Document {
    let zl = super::split_lines(zh);
    let el = super::split_lines(en);
    let mut doc = Document::new(&format!("{zh_path} + {en_path}"), "plain");
    doc.line_count = zl.len().max(el.len());
    let seg = |lines: &[&str], i: usize, lang: Lang| {
        lines
            .get(i)
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .map(|t| Segment {
                lang,
                speaker: None,
                text: t.to_string(),
                lines: LineRange::single(i + 1),
                paragraph_lines: vec![i + 1],
            })
    };
    for i in 0..doc.line_count {
        let (z, e) = (seg(&zl, i, Lang::Zh), seg(&el, i, Lang::En));
        if z.is_none() && e.is_none() {
            continue;
        }
        let index = doc.pairs.len();
        doc.pairs.push(Pair {
            index,
            id: None,
            zh: z,
            en: e,
            meta: Vec::new(),
        });
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_lines_and_a_missing_tail() {
        let d = parse(
            "a.zh",
            "你好。\n\n再见。\n多一行。\n",
            "a.en",
            "Hello.\n\nBye.\n",
        );
        assert_eq!(d.pairs.len(), 3);
        assert_eq!(d.pairs[1].en_lines(), Some(LineRange::single(3)));
        assert!(d.pairs[2].en.is_none());
        assert_eq!(d.pairs[2].zh_lines(), Some(LineRange::single(4)));
    }
}
