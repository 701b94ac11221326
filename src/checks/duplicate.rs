//! `duplicate`: the same (or near-same) English under two different Chinese blocks, or the same
//! Chinese under two different English blocks.
//!
//! Texts are normalised (lowercase; only letters, digits and Han kept). Candidates come from a
//! min-hash sketch (the 4 smallest hashes of word 3-grams for English, character 4-grams for
//! Chinese), so the cost is linear; each candidate pair is then compared with strsim's
//! normalised Levenshtein (`similarity`), or by containment of the shorter text in the longer
//! (a displaced block that is part of another). A duplicate is reported when `similarity ≥
//! min_similarity` or containment holds, both texts have at least `min_chars` normalised
//! characters (so stock replies like "Yeah." / 是的。 that legitimately repeat stay quiet), and
//! the other side of the two pairs differs (a whole pair repeated is a repeated line, e.g. a
//! heading, unless the two pairs are adjacent). The finding goes on the pair whose English fits
//! its Chinese worse (alignment similarity), and names the other place. Texts that are only
//! near-same or contained (not verbatim) stay quiet when the other sides mirror the relation
//! (`coverage` of the shorter row's other side by the longer's ≥ `MIRROR_COVERAGE`): those are
//! parallel rows such as "ed(1) …" / "sed(1) …", not pasted copies.
//!
//! Known false positives: a refrain or boilerplate sentence translated identically under two
//! differently worded Chinese blocks.

use super::{Check, Context};
use crate::finding::{Hit, round};
use crate::lexicon::hash_str;
use crate::model::{Document, Lang};
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    /// Normalised characters (letters/digits for English, Han for Chinese) below which a text
    /// is not compared.
    #[serde(default = "d_en")]
    min_chars_en: usize,
    #[serde(default = "d_zh")]
    min_chars_zh: usize,
    #[serde(default = "d_sim")]
    min_similarity: f64,
    /// A whole pair repeated within this many pairs is reported.
    #[serde(default = "d_win")]
    repeat_window: usize,
}
fn d_win() -> usize {
    5
}
fn d_en() -> usize {
    30
}
fn d_zh() -> usize {
    12
}
fn d_sim() -> f64 {
    0.9
}

pub struct Duplicate {
    p: Params,
}

pub fn build(p: &toml::Table) -> Result<Box<dyn Check>, String> {
    Ok(Box::new(Duplicate {
        p: super::params(p)?,
    }))
}

pub fn normalise(t: &str) -> String {
    let mut out = String::new();
    let mut space = false;
    for c in t.chars() {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            out.extend(c.to_lowercase());
            space = false;
        } else {
            space = true;
        }
    }
    out
}

fn sketch(norm: &str, lang: Lang) -> Vec<u64> {
    let mut hs: Vec<u64> = match lang {
        Lang::En => {
            let w: Vec<&str> = norm.split(' ').collect();
            if w.len() < 3 {
                vec![hash_str(norm)]
            } else {
                w.windows(3).map(|g| hash_str(&g.join(" "))).collect()
            }
        }
        Lang::Zh => {
            let c: Vec<char> = norm.chars().filter(|c| *c != ' ').collect();
            if c.len() < 4 {
                vec![hash_str(norm)]
            } else {
                c.windows(4)
                    .map(|g| hash_str(&g.iter().collect::<String>()))
                    .collect()
            }
        }
    };
    hs.sort_unstable();
    hs.dedup();
    hs.truncate(4);
    hs
}

/// (pair a, pair b, similarity, contained) for near-same texts of one language.
fn near_same(
    doc: &Document,
    lang: Lang,
    min_chars: usize,
    min_sim: f64,
) -> Vec<(usize, usize, f64, bool)> {
    let norms: Vec<Option<String>> = doc
        .pairs
        .iter()
        .map(|p| {
            p.side(lang)
                .map(|s| normalise(&s.text))
                .filter(|n| n.chars().filter(|c| *c != ' ').count() >= min_chars)
        })
        .collect();
    let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, n) in norms.iter().enumerate() {
        if let Some(n) = n {
            for h in sketch(n, lang) {
                buckets.entry(h).or_default().push(i);
            }
        }
    }
    let mut cand: Vec<(usize, usize)> = Vec::new();
    for v in buckets.values() {
        // A sketch hash shared by very many blocks is boilerplate, not a duplicate signal.
        if v.len() > 50 {
            continue;
        }
        for (k, &a) in v.iter().enumerate() {
            for &b in &v[k + 1..] {
                cand.push((a.min(b), a.max(b)));
            }
        }
    }
    cand.sort_unstable();
    cand.dedup();
    // Bounded work per block keeps the check linear on boilerplate-heavy input: each block is
    // compared with at most 8 candidates.
    let mut seen = vec![0u8; doc.pairs.len()];
    cand.retain(|&(a, b)| {
        let ok = seen[a] < 8 && seen[b] < 8;
        if ok {
            seen[a] += 1;
            seen[b] += 1;
        }
        ok
    });
    let mut out = Vec::new();
    for (a, b) in cand {
        let (x, y) = (
            norms[a].as_ref().expect("norm"),
            norms[b].as_ref().expect("norm"),
        );
        let (short, long) = if x.len() <= y.len() { (x, y) } else { (y, x) };
        let contained = long.contains(short.as_str());
        let ratio = short.chars().count() as f64 / long.chars().count() as f64;
        let sim = if x == y {
            1.0
        } else if ratio >= 0.8 {
            // Levenshtein is quadratic: compare at most the first 600 characters.
            let cut = |t: &str| t.chars().take(600).collect::<String>();
            strsim::normalized_levenshtein(&cut(x), &cut(y))
        } else {
            0.0
        };
        if sim >= min_sim || contained {
            out.push((
                a,
                b,
                if contained { sim.max(ratio) } else { sim },
                contained,
            ));
        }
    }
    out
}

/// Share of the other side that must mirror the relation for two rows to count as parallel.
const MIRROR_COVERAGE: f64 = 0.8;

/// Normalised length of one side of pair `p`.
fn norms_len(doc: &Document, p: usize, lang: Lang) -> Option<usize> {
    doc.pairs[p]
        .side(lang)
        .map(|s| normalise(&s.text).chars().count())
}

/// Share of the tokens of `short` (normalised; English words, Chinese characters) found in
/// `long`, counted with multiplicity.
fn coverage(short: &str, long: &str, lang: Lang) -> f64 {
    let toks = |t: &str| -> Vec<String> {
        match lang {
            Lang::En => t.split(' ').map(str::to_string).collect(),
            Lang::Zh => t
                .chars()
                .filter(|c| *c != ' ')
                .map(|c| c.to_string())
                .collect(),
        }
    };
    let mut bag: HashMap<String, usize> = HashMap::new();
    for t in toks(long) {
        *bag.entry(t).or_default() += 1;
    }
    let s = toks(short);
    if s.is_empty() {
        return 0.0;
    }
    let mut hit = 0usize;
    for t in &s {
        if let Some(c) = bag.get_mut(t)
            && *c > 0
        {
            *c -= 1;
            hit += 1;
        }
    }
    hit as f64 / s.len() as f64
}

impl Check for Duplicate {
    fn run(&self, ctx: &Context) -> Vec<Hit> {
        let doc = ctx.doc;
        let mut hits = Vec::new();
        let mut own_sim: Option<&crate::align::Alignment> = None;
        for (lang, min_chars) in [
            (Lang::En, self.p.min_chars_en),
            (Lang::Zh, self.p.min_chars_zh),
        ] {
            let found = near_same(doc, lang, min_chars, self.p.min_similarity);
            for (a, b, sim, contained) in found {
                let other = lang.other();
                let oa = doc.pairs[a].side(other).map(|s| normalise(&s.text));
                let ob = doc.pairs[b].side(other).map(|s| normalise(&s.text));
                let other_sim = match (&oa, &ob) {
                    (Some(x), Some(y)) if x == y => 1.0,
                    (Some(x), Some(y)) => {
                        let cut = |t: &str| t.chars().take(600).collect::<String>();
                        strsim::normalized_levenshtein(&cut(x), &cut(y))
                    }
                    _ => 0.0,
                };
                // A whole pair repeated far away is a repeated line (a heading); nearby it is a
                // paste accident. Near-same texts whose other sides are also alike are
                // formulaic rows (`apt-get install foo` / `bar`), not displaced copies.
                if other_sim >= self.p.min_similarity && b > a + self.p.repeat_window {
                    continue;
                }
                if sim < 1.0 && !contained && other_sim >= 0.6 && other_sim < self.p.min_similarity
                {
                    continue;
                }
                // A pasted copy is verbatim. Texts that are only near-same (or one contained in
                // the other) whose other sides show the same relation, word for word, are
                // parallel rows ("ed(1) …" / "sed(1) …", "from A to B" / "to A from B",
                // a short instruction and its longer variant), each translating its own text.
                if sim < 1.0
                    && let (Some(x), Some(y)) = (&oa, &ob)
                    && x != y
                {
                    let (la, lb) = (
                        norms_len(doc, a, lang).unwrap_or(0),
                        norms_len(doc, b, lang).unwrap_or(0),
                    );
                    let (short, long) = if la <= lb { (x, y) } else { (y, x) };
                    if coverage(short, long, other) >= MIRROR_COVERAGE {
                        continue;
                    }
                }
                // Report on the pair whose English fits its Chinese worse; the later on a tie.
                let al = *own_sim.get_or_insert_with(|| {
                    ctx.shared.alignment(doc, ctx.resources.lexicon.as_deref())
                });
                let sims = &al.own_sim;
                // The copy the alignment keeps with its own Chinese is the good one; then the
                // better-fitting one; the later one on a tie.
                let kept = |p: usize| {
                    let (s, e) = al.en_range[p];
                    (s..e).filter(|&x| al.owner[x] == Some(p)).count() as f64
                        / (e - s).max(1) as f64
                };
                let (ka, kb) = (kept(a), kept(b));
                let (bad, good) = if ka < kb - 0.1 || (ka <= kb + 0.1 && sims[a] < sims[b] - 0.02) {
                    (a, b)
                } else {
                    (b, a)
                };
                let (pb, pg) = (&doc.pairs[bad], &doc.pairs[good]);
                let place = |l: Option<crate::model::LineRange>| {
                    l.map_or(serde_json::Value::Null, |r| json!([r.start, r.end]))
                };
                let (this_lines, other_lines) = match lang {
                    Lang::En => (pb.en_lines(), pg.en_lines()),
                    Lang::Zh => (pb.zh_lines(), pg.zh_lines()),
                };
                let lt = |r: Option<crate::model::LineRange>| -> String {
                    match r {
                        None => "?".into(),
                        Some(r) if r.start == r.end => format!("line {}", r.start),
                        Some(r) => format!("lines {r}"),
                    }
                };
                let how = if sim >= 1.0 {
                    "the same as"
                } else if contained {
                    "contained in"
                } else {
                    "nearly the same as"
                };
                // Say what the other side does: a whole pair pasted twice repeats both sides.
                let other_side = if other_sim >= 1.0 {
                    format!("and its {} is repeated too", other.name())
                } else {
                    format!("with a different {}", other.name())
                };
                let msg = format!(
                    "the {} at {} is {how} the {} at {} (similarity {:.2}), {other_side}",
                    lang.name(),
                    lt(this_lines),
                    lang.name(),
                    lt(other_lines),
                    sim,
                );
                hits.push(
                    Hit::on_pair(pb)
                        .with("language", lang.name())
                        .with("other_zh_lines", place(pg.zh_lines()))
                        .with("other_en_lines", place(pg.en_lines()))
                        .with("similarity", round(sim, 3))
                        .with("contained", contained)
                        .with("own_similarity", round(sims[bad], 3))
                        .with("other_own_similarity", round(sims[good], 3))
                        .message(msg)
                        .suggest(match lang {
                            Lang::En => format!(
                                "keep the copy at {} if it translates its Chinese; replace this one with the translation of the Chinese at {}",
                                lt(other_lines),
                                lt(pb.zh_lines())
                            ),
                            Lang::Zh => "remove the repeated Chinese, or check which English it should have".to_string(),
                        }),
                );
            }
        }
        hits
    }
}
