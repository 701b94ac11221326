//! Findings: what a check reports, and the severities of the MQM model.

use crate::model::LineRange;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// MQM severities. `Info` is shown but never counted in the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Minor,
    Major,
    Critical,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Minor => "minor",
            Severity::Major => "major",
            Severity::Critical => "critical",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "info" | "neutral" => Some(Severity::Info),
            "minor" => Some(Severity::Minor),
            "major" => Some(Severity::Major),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }
    pub const ALL: [Severity; 4] = [
        Severity::Info,
        Severity::Minor,
        Severity::Major,
        Severity::Critical,
    ];
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The name of one measurement: a check's literal (`"ratio"`) is kept as it is, not copied.
pub type EvidenceKey = Cow<'static, str>;

/// Named measurements backing a finding (`ratio`, `expected_low`, `unmatched_en`, ...), in
/// key order (the order a `BTreeMap` keeps, and so the order of the JSON object's keys).
///
/// A sorted vector rather than a `BTreeMap<String, Value>`: a finding has two to six of
/// them, and the map cost a node of eleven slots (~640 bytes) and a copy of every key per
/// finding; here the keys of the checks are borrowed literals and the entries one small
/// vector. Lookups by key, iteration, serialisation and `Debug` are the map's.
#[derive(Clone, Default, PartialEq)]
pub struct Evidence(Vec<(EvidenceKey, serde_json::Value)>);

impl Evidence {
    pub fn new() -> Evidence {
        Evidence(Vec::new())
    }
    /// Set `key` to `value`; the earlier value of that key, if any, is replaced and returned.
    pub fn insert(
        &mut self,
        key: EvidenceKey,
        value: serde_json::Value,
    ) -> Option<serde_json::Value> {
        match self.position(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }
    fn position(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_ref().cmp(key))
    }
    pub fn get(&self, key: &str) -> Option<&serde_json::Value> {
        self.position(key).ok().map(|i| &self.0[i].1)
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The entries in key order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &serde_json::Value)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }
}

impl<'a> IntoIterator for &'a Evidence {
    type Item = (&'a str, &'a serde_json::Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (EvidenceKey, serde_json::Value)>,
        fn(&'a (EvidenceKey, serde_json::Value)) -> (&'a str, &'a serde_json::Value),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }
}

impl std::ops::Index<&str> for Evidence {
    type Output = serde_json::Value;
    fn index(&self, key: &str) -> &serde_json::Value {
        self.get(key).expect("no evidence with this key")
    }
}

impl<K: Into<EvidenceKey>> FromIterator<(K, serde_json::Value)> for Evidence {
    fn from_iter<I: IntoIterator<Item = (K, serde_json::Value)>>(iter: I) -> Evidence {
        let mut e = Evidence::new();
        for (k, v) in iter {
            e.insert(k.into(), v);
        }
        e
    }
}

impl<K: Into<EvidenceKey>, const N: usize> From<[(K, serde_json::Value); N]> for Evidence {
    fn from(entries: [(K, serde_json::Value); N]) -> Evidence {
        entries.into_iter().collect()
    }
}

impl Serialize for Evidence {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl std::fmt::Debug for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// What a check returns: where, and what was measured. The engine turns a Hit into a
/// Finding by adding the rule's name, code, severity and message template.
#[derive(Debug, Clone, Default)]
pub struct Hit {
    pub pair: Option<usize>,
    pub zh_lines: Option<LineRange>,
    pub en_lines: Option<LineRange>,
    pub evidence: Evidence,
    /// Overrides the rule's message template when set.
    pub message: Option<String>,
    pub suggestion: Option<String>,
    /// Overrides the rule's severity (e.g. an info-level variant of a rule).
    pub severity: Option<Severity>,
}

// The builder methods are `#[inline]`: a chain of them (`Hit::on_pair(p).with(..).with(..)
// .message(..)`) then fills one hit in place instead of moving the whole hit in and out of
// each call (a memmove of the hit per call was ~1 % of a stream run). The evidence insert
// itself stays out of line (`insert_evidence`), so the inlined code stays small.
impl Hit {
    /// A hit on a whole pair: both of its line ranges.
    #[inline]
    pub fn on_pair(pair: &crate::model::Pair) -> Hit {
        Hit {
            pair: Some(pair.index),
            zh_lines: pair.zh_lines(),
            en_lines: pair.en_lines(),
            ..Hit::default()
        }
    }
    #[inline]
    pub fn with(mut self, key: impl Into<EvidenceKey>, value: impl Into<serde_json::Value>) -> Hit {
        insert_evidence(&mut self.evidence, key.into(), value.into());
        self
    }
    #[inline]
    pub fn message(mut self, m: impl Into<String>) -> Hit {
        self.message = Some(m.into());
        self
    }
    #[inline]
    pub fn suggest(mut self, s: impl Into<String>) -> Hit {
        self.suggestion = Some(s.into());
        self
    }
    #[inline]
    pub fn severity(mut self, s: Severity) -> Hit {
        self.severity = Some(s);
        self
    }
}

/// `Hit::with`'s insert (a later value for the same key replaces the earlier one).
#[inline(never)]
fn insert_evidence(evidence: &mut Evidence, key: EvidenceKey, value: serde_json::Value) {
    evidence.insert(key, value);
}

/// One problem, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: String,
    pub code: String,
    pub severity: Severity,
    pub zh_lines: Option<LineRange>,
    pub en_lines: Option<LineRange>,
    pub message: String,
    pub evidence: Evidence,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// 0-based pair index, when the finding is about one pair.
    pub pair: Option<usize>,
    /// Stable hash of the rule and the pair's normalised text (baselines key on it).
    pub fingerprint: String,
}

impl Finding {
    /// First line the finding touches, for sorting.
    pub fn first_line(&self) -> usize {
        match (self.zh_lines, self.en_lines) {
            (Some(a), Some(b)) => a.start.min(b.start),
            (Some(a), None) | (None, Some(a)) => a.start,
            (None, None) => 0,
        }
    }
}

/// Fill `{name}` placeholders of a message template from the evidence.
/// Unknown placeholders are left as written so a typo shows up in the output.
pub fn render_template(template: &str, evidence: &Evidence) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let key = &after[..close];
                match evidence.get(key) {
                    Some(serde_json::Value::String(s)) => out.push_str(s),
                    Some(serde_json::Value::Number(n)) => out.push_str(&format_number(n)),
                    Some(v) => out.push_str(&v.to_string()),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn format_number(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(f) if n.is_f64() => {
            let s = format!("{f:.2}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        _ => n.to_string(),
    }
}

/// Round a measurement for evidence, so reports are stable and readable.
pub fn round(x: f64, digits: i32) -> f64 {
    let p = 10f64.powi(digits);
    (x * p).round() / p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_fills_known_keys_and_keeps_unknown() {
        let mut ev = Evidence::new();
        ev.insert("ratio".into(), serde_json::json!(0.4123));
        ev.insert("who".into(), serde_json::json!("Ilya"));
        assert_eq!(
            render_template("ratio {ratio} for {who} {nope}", &ev),
            "ratio 0.41 for Ilya {nope}"
        );
    }
}
