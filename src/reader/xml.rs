//! A small XML tree for the TMX and XLIFF readers, built with quick-xml, keeping the line of
//! every element and text run so findings point into the original file. Well-formedness
//! errors (mismatched or unclosed elements, bad entities) are `InputError`s naming the line.
//!
//! Inline markup inside a segment is split into text and codes by `inline`: the content of
//! code elements (`bpt`, `ept`, `ph`, `it`, ...) is native markup, kept out of the text; the
//! content of wrapping elements (`g`, `pc`, `hi`, `mrk`) is text. Paired codes are checked for
//! balance and counted so the two sides of a pair can be compared.

use super::{InputError, LineIndex};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct Element {
    /// Local name (prefix stripped).
    pub name: String,
    /// Attributes by qualified name (`xml:lang`, `srcLang`).
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
    pub line: usize,
    pub end_line: usize,
}

#[derive(Debug, Clone)]
pub enum Node {
    Element(Element),
    /// Text, and the lines of its first and last non-blank characters.
    Text(String, usize, usize),
}

impl Element {
    /// Attribute by qualified or local name, case-insensitively.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| {
                k.eq_ignore_ascii_case(name)
                    || k.rsplit(':')
                        .next()
                        .is_some_and(|l| l.eq_ignore_ascii_case(name))
            })
            .map(|(_, v)| v.as_str())
    }
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|c| match c {
            Node::Element(e) => Some(e),
            Node::Text(..) => None,
        })
    }
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }
    /// Every descendant element with this name, in document order (not inside a match).
    pub fn find_all<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
        for e in self.elements() {
            if e.name == name {
                out.push(e);
            } else {
                e.find_all(name, out);
            }
        }
    }
    /// All text below, including inside codes (for notes and props).
    pub fn plain_text(&self) -> String {
        let mut s = String::new();
        for c in &self.children {
            match c {
                Node::Text(t, ..) => s.push_str(t),
                Node::Element(e) => s.push_str(&e.plain_text()),
            }
        }
        s
    }
}

/// Parse a whole document into its root element.
pub fn parse(path: &str, text: &str) -> Result<Element, InputError> {
    let idx = LineIndex::new(text);
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let err = |pos: u64, msg: String| InputError::new(path, Some(idx.line(pos as usize)), msg);
    loop {
        let pos = reader.buffer_position();
        let ev = reader
            .read_event()
            .map_err(|e| err(reader.error_position(), format!("malformed XML: {e}")))?;
        match ev {
            Event::Start(s) => stack.push(element(path, &idx, pos, &s)?),
            Event::Empty(s) => {
                let mut e = element(path, &idx, pos, &s)?;
                e.end_line = idx.line(reader.buffer_position() as usize - 1);
                attach(&mut stack, &mut root, e, path, &idx, pos)?;
            }
            Event::End(_) => {
                let mut e = stack
                    .pop()
                    .ok_or_else(|| err(pos, "closing tag without an opening tag".into()))?;
                e.end_line = idx.line(reader.buffer_position() as usize - 1);
                attach(&mut stack, &mut root, e, path, &idx, pos)?;
            }
            Event::Text(t) => {
                let s = t.xml10_content().into_owned();
                push_text(&mut stack, s, &idx, pos as usize);
            }
            Event::CData(t) => {
                let s = t.xml10_content().into_owned();
                push_text(&mut stack, s, &idx, pos as usize + "<![CDATA[".len());
            }
            Event::GeneralRef(r) => {
                let ch = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => quick_xml::escape::resolve_predefined_entity(&r)
                        .map(str::to_string)
                        .ok_or_else(|| err(pos, format!("unknown entity `&{};`", &*r)))?,
                    Err(e) => return Err(err(pos, format!("bad character reference: {e}"))),
                };
                push_text(&mut stack, ch, &idx, pos as usize);
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(InputError::new(
            path,
            Some(open.line),
            format!(
                "unclosed <{}> (opened on this line; the file ends at line {})",
                open.name,
                idx.count(text)
            ),
        ));
    }
    root.ok_or_else(|| InputError::new(path, None, "no XML element found"))
}

fn element(
    path: &str,
    idx: &LineIndex,
    pos: u64,
    s: &quick_xml::events::BytesStart,
) -> Result<Element, InputError> {
    let line = idx.line(pos as usize);
    let qname = s.name().as_ref().to_string();
    let name = qname.rsplit(':').next().unwrap_or(&qname).to_string();
    let mut attrs = Vec::new();
    for a in s.attributes() {
        let a = a.map_err(|e| InputError::new(path, Some(line), format!("bad attribute: {e}")))?;
        let key = a.key.as_ref().to_string();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| InputError::new(path, Some(line), format!("bad attribute `{key}`: {e}")))?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Element {
        name,
        attrs,
        children: Vec::new(),
        line,
        end_line: line,
    })
}

fn attach(
    stack: &mut [Element],
    root: &mut Option<Element>,
    e: Element,
    path: &str,
    idx: &LineIndex,
    pos: u64,
) -> Result<(), InputError> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Node::Element(e)),
        None if root.is_none() => *root = Some(e),
        None => {
            return Err(InputError::new(
                path,
                Some(idx.line(pos as usize)),
                "a second root element",
            ));
        }
    }
    Ok(())
}

fn push_text(stack: &mut [Element], s: String, idx: &LineIndex, pos: usize) {
    let Some(parent) = stack.last_mut() else {
        return; // whitespace between the prolog and the root
    };
    let lead = s.len() - s.trim_start().len();
    let trail = s.trim_end().len();
    let first = idx.line(pos + lead);
    let last = if trail > lead {
        idx.line(pos + trail - 1)
    } else {
        first
    };
    parent.children.push(Node::Text(s, first, last));
}

/// How a format's inline elements behave.
pub struct InlineSpec {
    /// Elements whose content is native code, not text (`bpt`, `ph`, ...).
    pub code: &'static [&'static str],
    /// Elements that open a paired code, with the attributes that identify the pair.
    pub opens: &'static [(&'static str, &'static [&'static str])],
    /// Elements that close one, with the attributes naming the opener.
    pub closes: &'static [(&'static str, &'static [&'static str])],
}

/// A segment's text without codes, its lines, and what its codes look like.
#[derive(Debug, Clone, Default)]
pub struct Inline {
    pub text: String,
    pub first_line: Option<usize>,
    pub last_line: Option<usize>,
    /// Inline elements by name, counted.
    pub tags: BTreeMap<String, usize>,
    /// Balance problems inside the segment (`bpt i=1 has no ept`).
    pub unbalanced: Vec<String>,
}

pub fn inline(seg: &Element, spec: &InlineSpec) -> Inline {
    let mut out = Inline::default();
    let mut open: Vec<(String, String)> = Vec::new();
    walk(seg, spec, &mut out, &mut open);
    for (name, key) in open {
        out.unbalanced
            .push(format!("<{name}{key}> is never closed"));
    }
    // Removing a code leaves the spaces around it ("Copy <ph/> files"): collapse runs of
    // spaces and tabs, keep line breaks.
    let mut text = String::with_capacity(out.text.len());
    let mut space = false;
    for c in out.text.trim().chars() {
        if c == ' ' || c == '\t' {
            if !space {
                text.push(' ');
            }
            space = true;
        } else {
            space = c == '\n';
            if c == '\n' && text.ends_with(' ') {
                text.pop();
            }
            text.push(c);
        }
    }
    out.text = text;
    out
}

fn key_of(e: &Element, attrs: &[&str]) -> String {
    attrs
        .iter()
        .find_map(|a| e.attr(a).map(|v| format!(" {a}={v}")))
        .unwrap_or_default()
}

fn walk(e: &Element, spec: &InlineSpec, out: &mut Inline, open: &mut Vec<(String, String)>) {
    for c in &e.children {
        match c {
            Node::Text(t, first, last) => {
                if !t.trim().is_empty() {
                    out.first_line.get_or_insert(*first);
                    out.last_line = Some(*last);
                }
                out.text.push_str(t);
            }
            Node::Element(child) => {
                *out.tags.entry(child.name.clone()).or_insert(0) += 1;
                if let Some((_, attrs)) = spec.opens.iter().find(|(n, _)| *n == child.name) {
                    open.push((child.name.clone(), key_of(child, attrs)));
                } else if let Some((_, attrs)) = spec.closes.iter().find(|(n, _)| *n == child.name)
                {
                    let key = key_of(child, attrs);
                    let pos = open.iter().rposition(|(_, k)| {
                        // An ept/ec names its opener by the same number under another attribute.
                        k.split('=').nth(1) == key.split('=').nth(1)
                    });
                    match pos {
                        Some(p) => {
                            open.remove(p);
                        }
                        None => out
                            .unbalanced
                            .push(format!("<{}{key}> closes nothing", child.name)),
                    }
                }
                if spec.code.contains(&child.name.as_str()) {
                    continue;
                }
                if child.name == "cp" {
                    // XLIFF 2 <cp hex="0009"/>: a character that XML cannot carry.
                    if let Some(c) = child
                        .attr("hex")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(char::from_u32)
                    {
                        out.text.push(c);
                    }
                    continue;
                }
                walk(child, spec, out, open);
            }
        }
    }
}

/// Compare the inline codes of two sides: a difference in any code's count is a finding.
pub fn compare_tags(zh: &Inline, en: &Inline) -> Vec<String> {
    let names: std::collections::BTreeSet<&String> = zh.tags.keys().chain(en.tags.keys()).collect();
    names
        .into_iter()
        .filter_map(|n| {
            let (a, b) = (
                zh.tags.get(n).copied().unwrap_or(0),
                en.tags.get(n).copied().unwrap_or(0),
            );
            (a != b).then(|| format!("<{n}>: {a} in Chinese, {b} in English"))
        })
        .collect()
}
