//! JSON Lines: one object per line, `{"zh": ..., "en": ..., "speaker"?: ..., "id"?: ...}`.
//! Field names are configurable (`--zh-col/--en-col`, `--speaker-field`, `--id-field`). Other
//! scalar fields are carried into `Pair.meta`. A line that is not a JSON object, or whose text
//! field is not a string, is an error naming the line; a blank line is ignored.

use super::{InputError, ReadOptions};
use crate::model::{Document, Lang, LineRange, Pair, Segment};
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct JsonlOptions {
    pub zh: String,
    pub en: String,
    pub speaker: String,
    pub id: String,
}

impl Default for JsonlOptions {
    fn default() -> Self {
        JsonlOptions {
            zh: "zh".into(),
            en: "en".into(),
            speaker: "speaker".into(),
            id: "id".into(),
        }
    }
}

impl From<&ReadOptions> for JsonlOptions {
    fn from(o: &ReadOptions) -> Self {
        let d = JsonlOptions::default();
        JsonlOptions {
            zh: o.zh_col.clone().unwrap_or(d.zh),
            en: o.en_col.clone().unwrap_or(d.en),
            speaker: o.speaker_field.clone().unwrap_or(d.speaker),
            id: o.id_field.clone().unwrap_or(d.id),
        }
    }
}

/// One line as a pair (None for a blank line).
pub fn line_to_pair(
    path: &str,
    no: usize,
    line: &str,
    index: usize,
    o: &JsonlOptions,
) -> Result<Option<Pair>, InputError> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(None);
    }
    let v: Value = serde_json::from_str(line)
        .map_err(|e| InputError::new(path, Some(no), format!("not valid JSON: {e}")))?;
    let Value::Object(map) = v else {
        return Err(InputError::new(path, Some(no), "expected a JSON object"));
    };
    let text = |field: &str| -> Result<Option<String>, InputError> {
        match map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(InputError::new(
                path,
                Some(no),
                format!("field `{field}` must be a string, found {other}"),
            )),
        }
    };
    if !map.contains_key(&o.zh) && !map.contains_key(&o.en) {
        return Err(InputError::new(
            path,
            Some(no),
            format!(
                "object has neither `{}` nor `{}` (set the field names with --zh-col/--en-col)",
                o.zh, o.en
            ),
        ));
    }
    let speaker = text(&o.speaker)?;
    let seg = |t: Option<String>, lang: Lang| {
        t.map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .map(|s| Segment {
                lang,
                speaker: speaker.clone(),
                paragraph_lines: Vec::new(),
                text: s,
                lines: LineRange::single(no),
            })
    };
    let id = match map.get(&o.id) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let meta = map
        .iter()
        .filter(|(k, _)| ![&o.zh, &o.en, &o.speaker, &o.id].contains(k))
        .filter_map(|(k, v)| match v {
            Value::String(s) => Some((k.clone(), s.clone())),
            Value::Number(_) | Value::Bool(_) => Some((k.clone(), v.to_string())),
            _ => None,
        })
        .collect();
    Ok(Some(Pair {
        index,
        id,
        zh: seg(text(&o.zh)?, Lang::Zh),
        en: seg(text(&o.en)?, Lang::En),
        meta,
    }))
}

pub fn parse(path: &str, text: &str, o: &JsonlOptions) -> Result<Document, InputError> {
    let lines = super::split_lines(text);
    let mut doc = Document::new(path, "jsonl");
    doc.line_count = lines.len();
    for (i, l) in lines.iter().enumerate() {
        if let Some(p) = line_to_pair(path, i + 1, l, doc.pairs.len(), o)? {
            doc.pairs.push(p);
        }
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_meta_and_lines() {
        let t = "{\"zh\":\"你好。\",\"en\":\"Hello.\",\"speaker\":\"A\",\"id\":7,\"src\":\"web\"}\n\n{\"zh\":\"再见。\"}\n";
        let d = parse("d.jsonl", t, &JsonlOptions::default()).unwrap();
        assert_eq!(d.pairs.len(), 2);
        assert_eq!(d.pairs[0].id.as_deref(), Some("7"));
        assert_eq!(
            d.pairs[0].zh.as_ref().unwrap().speaker.as_deref(),
            Some("A")
        );
        assert_eq!(
            d.pairs[0].meta,
            vec![("src".to_string(), "web".to_string())]
        );
        assert!(d.pairs[1].en.is_none());
        assert_eq!(d.pairs[1].zh_lines(), Some(LineRange::single(3)));
    }

    #[test]
    fn bad_lines_name_the_line() {
        let o = JsonlOptions::default();
        let e = parse("d.jsonl", "{\"zh\":\"a\",\"en\":\"b\"}\n{\"zh\": 3}\n", &o).unwrap_err();
        assert_eq!(e.line, Some(2));
        let e = parse("d.jsonl", "{\"zh\":\"a\"}\n{oops\n", &o).unwrap_err();
        assert_eq!(e.line, Some(2));
        let e = parse("d.jsonl", "{\"source\":\"a\"}\n", &o).unwrap_err();
        assert!(e.message.contains("--zh-col"), "{e}");
    }
}
