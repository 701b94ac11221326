//! `speaker_swap`: speaker labels that are wrong. Four kinds (`kind` evidence):
//!
//! - `labels_differ` (major): the Chinese and English blocks of a pair carry different labels
//!   (compared after trimming and case folding; labels that are near-misses of each other are
//!   reported as `near_miss` instead).
//! - `self_address` (major): a turn addresses its own speaker by name, which means the label
//!   belongs to the other party ("Ilya, thank you so much" labelled Ilya Sutskever). Names are
//!   the words of the known labels (first name, surname, full name, ≥ 3 letters). Vocative
//!   positions only: the start of the turn followed by a comma or !, "thank you / thanks
//!   (so much), NAME", "hi / hey / welcome, NAME", ", NAME." closing a sentence, and in Chinese
//!   NAME at the start followed by , or ,, and 谢谢(你),NAME.
//! - `near_miss` (minor): a label within `min_similarity` (normalised Levenshtein, case
//!   folded) of a more frequent label: a typo ("Ilya Sutskevr"). Evidence: similarity.
//! - `consecutive` (info): two pairs in a row by the same speaker; often right (a long answer
//!   split in two), sometimes a swapped or merged turn.
//!
//! Known false positives: a speaker quoting someone who addresses them ("he said, Ilya, ...")
//! at the start of a turn; two different people whose names differ by one letter.

use super::{Check, Context};
use crate::finding::{Hit, Severity, round};
use crate::model::{Pair, Segment};
use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    #[serde(default = "d_sim")]
    min_similarity: f64,
    #[serde(default = "yes")]
    report_consecutive: bool,
}
fn d_sim() -> f64 {
    0.8
}
fn yes() -> bool {
    true
}

pub struct SpeakerSwap {
    p: Params,
}

pub fn build(t: &toml::Table) -> Result<Box<dyn Check>, String> {
    let p: Params = super::params(t)?;
    if !(0.0..=1.0).contains(&p.min_similarity) {
        return Err("params: `min_similarity` must be between 0 and 1".into());
    }
    Ok(Box::new(SpeakerSwap { p }))
}

fn norm(label: &str) -> String {
    label.trim().to_lowercase()
}

fn similarity(a: &str, b: &str) -> f64 {
    strsim::normalized_levenshtein(&norm(a), &norm(b))
}

/// Names by which a speaker can be addressed: the full label and its words of ≥ 3 letters.
fn names_of(label: &str) -> Vec<String> {
    let mut v = vec![label.trim().to_string()];
    for w in label.split_whitespace() {
        if w.chars().filter(|c| c.is_alphabetic()).count() >= 3 && !v.contains(&w.to_string()) {
            v.push(w.to_string());
        }
    }
    v
}

/// Vocative patterns for a speaker's names, compiled once per label, and only for a name that
/// occurs in a text: every pattern contains the name literally (case kept), so a text without
/// it matches none, and most names never occur in their own speaker's turns (compiling the
/// patterns of every name cost more than reading the document).
struct Vocatives(Vec<(String, Option<Vec<Regex>>)>);

impl Vocatives {
    fn new(names: &[String]) -> Vocatives {
        Vocatives(names.iter().map(|n| (n.clone(), None)).collect())
    }
    /// The name the text addresses in a vocative position.
    fn find(&mut self, text: &str) -> Option<String> {
        for (name, regexes) in &mut self.0 {
            if !text.contains(name.as_str()) {
                continue;
            }
            let regexes = regexes.get_or_insert_with(|| {
                patterns(name)
                    .iter()
                    .filter_map(|p| Regex::new(p).ok())
                    .collect()
            });
            if regexes.iter().any(|r| r.is_match(text)) {
                return Some(name.clone());
            }
        }
        None
    }
}

#[cfg(test)]
fn addressed(text: &str, names: &[String]) -> Option<String> {
    Vocatives::new(names).find(text)
}

fn patterns(n: &str) -> [String; 5] {
    let q = regex::escape(n);
    [
        format!(
            r"^\s*(?:(?i:hi|hey|hello|welcome|thanks|thank you)[^,.!?]{{0,20}},?\s+)?{q}\s*[,!，,]"
        ),
        format!(r"(?i:thank you|thanks)(?:\s+(?:so|very)\s+much)?,?\s+{q}\b"),
        format!(r",\s*{q}\s*[.!?]"),
        format!(r"^\s*{q}\s*[,，:]"),
        format!(r"(?:谢谢你?|感谢你?)\s*[,，]?\s*{q}"),
    ]
}

fn speaker(pair: &Pair) -> Option<&str> {
    pair.zh
        .as_ref()
        .and_then(|s| s.speaker.as_deref())
        .or_else(|| pair.en.as_ref().and_then(|s| s.speaker.as_deref()))
}

fn with_speakers(mut h: Hit, pair: &Pair) -> Hit {
    if let Some(s) = pair.zh.as_ref().and_then(|s| s.speaker.as_deref()) {
        h = h.with("zh_speaker", s);
    }
    if let Some(s) = pair.en.as_ref().and_then(|s| s.speaker.as_deref()) {
        h = h.with("en_speaker", s);
    }
    h
}

impl Check for SpeakerSwap {
    fn run(&self, ctx: &Context) -> Vec<Hit> {
        let doc = ctx.doc;
        // Label frequencies over every segment (case folded), with a display form.
        let mut counts: BTreeMap<String, (usize, String)> = BTreeMap::new();
        for seg in doc.pairs.iter().flat_map(|p| [&p.zh, &p.en]).flatten() {
            if let Some(s) = &seg.speaker {
                let e = counts.entry(norm(s)).or_insert((0, s.trim().to_string()));
                e.0 += 1;
            }
        }
        let known: Vec<String> = counts.values().map(|(_, d)| d.clone()).collect();
        // A label is a near-miss of a more frequent label.
        let near = |label: &str| -> Option<(String, f64)> {
            let (c, _) = counts.get(&norm(label))?;
            counts
                .values()
                .filter(|(k, d)| *k > *c && norm(d) != norm(label))
                .map(|(_, d)| (d.clone(), similarity(label, d)))
                .filter(|(_, s)| *s >= self.p.min_similarity)
                .max_by(|a, b| a.1.total_cmp(&b.1))
        };
        // Known speakers for self-address: labels that are not near-misses.
        let real: Vec<String> = known
            .iter()
            .filter(|l| near(l).is_none())
            .cloned()
            .collect();
        // Per speaker (case folded): the names of its first label, their patterns compiled once
        // a turn contains the name.
        let mut vocatives: BTreeMap<String, Vocatives> = BTreeMap::new();
        let mut hits = Vec::new();
        for (i, pair) in doc.pairs.iter().enumerate() {
            let zs = pair.zh.as_ref().and_then(|s| s.speaker.as_deref());
            let es = pair.en.as_ref().and_then(|s| s.speaker.as_deref());
            if let (Some(a), Some(b)) = (zs, es)
                && norm(a) != norm(b)
            {
                let sim = similarity(a, b);
                if sim < self.p.min_similarity {
                    hits.push(
                        with_speakers(Hit::on_pair(pair), pair)
                            .with("kind", "labels_differ")
                            .with("similarity", round(sim, 2))
                            .with("known_speakers", known.clone())
                            .with(
                                "detail",
                                format!("the Chinese is labelled {a}, the English {b}"),
                            )
                            .suggest("give both blocks the same speaker label"),
                    );
                }
            }
            // Near-miss labels, once per segment carrying one.
            for seg in [&pair.zh, &pair.en].into_iter().flatten() {
                let Some(label) = seg.speaker.as_deref() else {
                    continue;
                };
                if let Some((target, sim)) = near(label) {
                    hits.push(
                        with_speakers(on_segment(pair, seg), pair)
                            .with("kind", "near_miss")
                            .with("label", label)
                            .with("similar_to", target.as_str())
                            .with("similarity", round(sim, 2))
                            .with("known_speakers", known.clone())
                            .with(
                                "detail",
                                format!("label `{label}` looks like a misspelling of `{target}`"),
                            )
                            .suggest(format!("relabel as {target}"))
                            .severity(Severity::Minor),
                    );
                }
            }
            // Self-address, checked on the English first, then the Chinese.
            if let Some(sp) = speaker(pair) {
                let voc = vocatives
                    .entry(norm(sp))
                    .or_insert_with(|| Vocatives::new(&names_of(sp)));
                // The first name (in `names_of` order) addressed in the English, else in the
                // Chinese.
                let found = [&pair.en, &pair.zh]
                    .into_iter()
                    .flatten()
                    .find_map(|seg| voc.find(&seg.text).map(|n| (n, seg)));
                if let Some((name, _)) = found {
                    let others: Vec<&String> =
                        real.iter().filter(|r| norm(r) != norm(sp)).collect();
                    let mut h = with_speakers(Hit::on_pair(pair), pair)
                        .with("kind", "self_address")
                        .with("addressed_name", name.as_str())
                        .with("known_speakers", known.clone())
                        .with(
                            "detail",
                            format!("the turn labelled {sp} addresses {name} by name"),
                        );
                    h = match others.as_slice() {
                        [o] => h.suggest(format!("the turn is probably by {o}: relabel it")),
                        _ => h.suggest("check who speaks this turn and relabel it"),
                    };
                    hits.push(h);
                }
            }
            if self.p.report_consecutive
                && i > 0
                && let (Some(prev), Some(cur)) = (speaker(&doc.pairs[i - 1]), speaker(pair))
                && norm(prev) == norm(cur)
            {
                hits.push(
                    with_speakers(Hit::on_pair(pair), pair)
                        .with("kind", "consecutive")
                        .with("previous_speaker", prev)
                        .with("detail", format!("{cur} speaks two turns in a row"))
                        .suggest(
                            "merge the turns, or check whether one belongs to the other speaker",
                        )
                        .severity(Severity::Info),
                );
            }
        }
        hits
    }
}

fn on_segment(pair: &Pair, seg: &Segment) -> Hit {
    let mut h = Hit::on_pair(pair);
    match seg.lang {
        crate::model::Lang::Zh => h.en_lines = None,
        crate::model::Lang::En => h.zh_lines = None,
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocatives() {
        let n = names_of("Ilya Sutskever");
        assert_eq!(
            addressed("Ilya, thank you so much.", &n).as_deref(),
            Some("Ilya")
        );
        assert_eq!(addressed("Ilya,非常感谢你。", &n).as_deref(), Some("Ilya"));
        assert_eq!(
            addressed("Thank you so much, Ilya.", &n).as_deref(),
            Some("Ilya")
        );
        assert_eq!(addressed("I asked Ilya about it.", &n), None);
        assert_eq!(addressed("That's what Sutskever argued", &n), None);
    }

    /// `run` skips a name's patterns for a text that does not contain the name: every
    /// pattern that matches must match a text holding the name as written.
    #[test]
    fn a_vocative_match_contains_the_name_as_written() {
        let texts = [
            "Ilya, thank you so much.",
            "ilya, thank you so much.",
            "ILYA, thanks!",
            "Thank you so much, ilya.",
            "Thanks, Ilya Sutskever.",
            "谢谢你，ilya",
            "谢谢你，Ilya",
            "Hey Dwarkesh, welcome.",
            "So, sutskever.",
        ];
        let mut matched = 0;
        for name in ["Ilya", "Sutskever", "Ilya Sutskever", "Dwarkesh"] {
            // The patterns compiled directly, not through the skip that relies on this premise.
            let all: Vec<Regex> = patterns(name)
                .iter()
                .filter_map(|p| Regex::new(p).ok())
                .collect();
            assert_eq!(all.len(), 5, "every pattern compiles");
            let mut voc = Vocatives::new(&[name.to_string()]);
            for t in texts {
                if voc.find(t).is_some() {
                    matched += 1;
                    assert!(t.contains(name), "{name} in {t}");
                }
                for r in &all {
                    assert!(!r.is_match(t) || t.contains(name), "{r} on {t}");
                }
            }
        }
        assert!(matched >= 4);
    }
}
