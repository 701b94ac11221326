//! `glossary`: a glossary term present in the English whose Chinese rendering is absent.
//!
//! Measured per pair: the glossary's English terms found in the English (Aho-Corasick, longest
//! first, word boundaries, case ignored, plural -s/-es allowed); for each term with renderings,
//! the Chinese must contain one of them (substring, longest first, so 强化学习 is not an
//! occurrence of 学习). Quiet when the Chinese keeps the English term itself: keep-as-is terms
//! are fine, and other kept terms are the `untranslated` rule's finding.
//!
//! Known false positives: paraphrase, pronouns standing for the term, a term used in another
//! sense (agent as a person).

use super::{Check, Context};
use crate::finding::Hit;
use serde::Deserialize;
use std::collections::BTreeSet;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {}

pub struct GlossaryCheck;

pub fn build(p: &toml::Table) -> Result<Box<dyn Check>, String> {
    let _: Params = super::params(p)?;
    Ok(Box::new(GlossaryCheck))
}

impl Check for GlossaryCheck {
    fn run(&self, ctx: &Context) -> Vec<Hit> {
        let g = &ctx.resources.glossary;
        let mut hits = Vec::new();
        if g.is_empty() {
            return hits;
        }
        for pair in &ctx.doc.pairs {
            let (Some(z), Some(e)) = (&pair.zh, &pair.en) else {
                continue;
            };
            // The Chinese is searched only once the English has a term with renderings (most
            // pairs have none): the renderings found, and the English terms kept inside the
            // Chinese (the untranslated rule's business).
            let mut zh_side: Option<(BTreeSet<usize>, BTreeSet<usize>)> = None;
            let mut done = BTreeSet::new();
            for m in g.find_en(&e.text) {
                let t = &g.terms[m.term];
                if t.zh.is_empty() {
                    continue;
                }
                let (found_zh, kept) = zh_side.get_or_insert_with(|| {
                    (
                        g.found_zh(&z.text),
                        g.find_en(&z.text).iter().map(|m| m.term).collect(),
                    )
                });
                if found_zh.contains(&m.term) || kept.contains(&m.term) || !done.insert(m.term) {
                    continue;
                }
                let written = &e.text[m.start..m.end];
                let pref = t.preferred().unwrap_or_default();
                hits.push(
                    Hit::on_pair(pair)
                        .with("term", t.en.as_str())
                        .with("written", written)
                        .with("expected", t.zh.clone())
                        .with("expected_display", t.zh.join(" / "))
                        .suggest(format!("render `{written}` as {pref}")),
                );
            }
        }
        hits
    }
}
