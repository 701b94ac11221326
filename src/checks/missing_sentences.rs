//! `missing_sentences`: sentences present on one side with no counterpart on the other.
//!
//! Measured by sentence alignment inside each complete pair (`align::sentence`), not by
//! comparing counts (one Chinese sentence often becomes two English ones). Both sides are
//! split into sentences (`text::sentences`) and aligned twice with the document's length
//! model: freely (1-0 and 0-1 beads allowed, an omission on the side the pair's overall length
//! `z` leans toward made cheaper by `length_prior * (|z| - 1)`) and forced (only matching beads: 1-1, 1-2, 2-1,
//! 2-2, 1-3, 3-1). A sentence is reported when it sits in a 1-0/0-1 bead of the free
//! alignment, is long enough (`min_zh_chars` Han-equivalent characters, `min_en_chars`
//! characters), the forced alignment costs at least `min_margin` more than the free one (the
//! omission explains the pair better than any merge: a log-likelihood ratio; below
//! `major_margin` the finding is minor), and the pair's
//! length leans the same way (`z` of the whole pair below `max_pair_z` when the English lacks a
//! sentence, above `-max_pair_z` when the Chinese does).
//!
//! Pairs with more than about two thousand sentences on each side (over `MAX_CELLS` table
//! cells) are not aligned.
//!
//! Known false positives: a sentence the translator dropped on purpose (a repeated
//! "我坚持认为" or a filler aside); a long Chinese sentence condensed into a short English
//! clause of a neighbouring sentence; misaligned pairs, where every sentence is unmatched
//! (those are reported too, and `misaligned` names the real cause).

use super::{Check, Context};
use crate::align::sentence::{AlignParams, Aligner};
use crate::finding::{Hit, Severity, round};
use crate::model::{Lang, Segment};
use crate::text::length::{en_chars, zh_chars};
use crate::text::sentences::{Sentence, split};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    /// Shortest unmatched Chinese sentence reported (Han-equivalent characters).
    min_zh_chars: f64,
    /// Shortest unmatched English sentence reported (characters).
    min_en_chars: f64,
    /// Forced-minus-free alignment cost needed to report (as minor).
    min_margin: f64,
    /// Forced-minus-free alignment cost needed to report at the rule's severity.
    major_margin: f64,
    /// The whole pair's length z must lean toward the omission by this much.
    max_pair_z: f64,
    /// Cost of a 1-0 / 0-1 bead in the aligner.
    #[serde(default = "deletion")]
    deletion: f64,
    /// Most sentences listed in the evidence.
    /// How much cheaper an omission gets per standard deviation (beyond 1) that the whole
    /// pair's length leans toward it.
    #[serde(default)]
    length_prior: f64,
    /// Multiplier of the length model's K inside the aligner.
    #[serde(default = "k_scale")]
    k_scale: f64,
    #[serde(default = "max_listed")]
    max_listed: usize,
}

fn deletion() -> f64 {
    AlignParams::default().deletion
}
fn k_scale() -> f64 {
    AlignParams::default().k_scale
}
fn max_listed() -> usize {
    10
}

/// Largest alignment table built for one pair.
const MAX_CELLS: usize = 4_000_000;

pub struct MissingSentences {
    p: Params,
}

pub fn build(p: &toml::Table) -> Result<Box<dyn Check>, String> {
    let p: Params = super::params(p)?;
    Ok(Box::new(MissingSentences { p }))
}

/// The 1-based file line a sentence starts on.
pub fn sentence_line(seg: &Segment, s: &Sentence) -> usize {
    if seg.paragraph_lines.len() == seg.text.split('\n').count() {
        seg.paragraph_lines[s.para]
    } else {
        (seg.lines.start + s.para).min(seg.lines.end)
    }
}

impl Check for MissingSentences {
    fn reads_texts(&self) -> bool {
        true
    }

    fn run(&self, ctx: &Context) -> Vec<Hit> {
        let model = ctx.shared.length(ctx.doc);
        let base = AlignParams {
            deletion: self.p.deletion,
            insertion: self.p.deletion,
            k_scale: self.p.k_scale,
            ..AlignParams::default()
        };
        let forced_params = AlignParams {
            allow_deletions: false,
            ..base.clone()
        };
        // Per pair, the lengths of its two texts (computed once for the length model).
        let lengths = ctx.shared.lengths(ctx.doc);
        // The English sentences and their numbers are read once per document (the alignment
        // reads them too).
        let texts = ctx.shared.texts(ctx.doc);
        let mut hits = Vec::new();
        for (i, (pair, len)) in ctx.doc.pairs.iter().zip(lengths).enumerate() {
            let (Some(zs), Some(es)) = (&pair.zh, &pair.en) else {
                continue;
            };
            // The pair's overall length is evidence of which side lost text: each standard
            // deviation beyond the first makes an omission on that side cheaper.
            let (zh_len, en_len) = len.expect("a pair with both sides has lengths");
            let pair_z = model.z(zh_len, en_len);
            // A sentence is a slice of its side's text, so it is no longer than the whole
            // (both lengths only add per character, a whitespace run counting once): when
            // neither side is long enough, or leans the right way, to list one (the tests
            // below), the pair cannot be reported and is not even split.
            let zh_may_list = pair_z <= self.p.max_pair_z && zh_len >= self.p.min_zh_chars;
            let en_may_list = pair_z >= -self.p.max_pair_z && en_len >= self.p.min_en_chars;
            if !zh_may_list && !en_may_list {
                continue;
            }
            let zsent = split(&zs.text, Lang::Zh);
            let esent = texts.en_sentences(ctx.doc, i);
            // The aligner's table has (zh+1)*(en+1) cells; a pair beyond MAX_CELLS (thousands
            // of sentences a side) is not aligned rather than exhausting memory.
            if zsent.is_empty()
                || esent.is_empty()
                || (zsent.len() + 1) * (esent.len() + 1) > MAX_CELLS
            {
                continue;
            }
            let zt: Vec<&str> = zsent.iter().map(|s| s.text).collect();
            let et: Vec<&str> = esent.iter().map(|s| s.text).collect();
            // Whether a sentence of each side could be listed at all, decided before the
            // (costly) sentence features and alignments. A side with a single sentence never
            // is: were it unmatched, no matching bead could exist and the pair is skipped
            // below as misaligned. Otherwise a listed sentence needs its length and the
            // pair's lean, tested as in the listing below. When neither side can list one,
            // the pair cannot be reported whatever the alignments say.
            // The lengths measured here are kept for the aligner (a prefix of each side).
            let (mut zl, mut el) = (Vec::new(), Vec::new());
            let zh_listable = zt.len() >= 2
                && pair_z <= self.p.max_pair_z
                && zt.iter().any(|t| {
                    zl.push(zh_chars(t));
                    zl[zl.len() - 1] >= self.p.min_zh_chars
                });
            let en_listable = et.len() >= 2
                && pair_z >= -self.p.max_pair_z
                && et.iter().any(|t| {
                    el.push(en_chars(t));
                    el[el.len() - 1] >= self.p.min_en_chars
                });
            if !zh_listable && !en_listable {
                continue;
            }
            let lean = |z: f64| (self.p.length_prior * (z - 1.0).max(0.0)).min(base.deletion - 0.5);
            let free_params = AlignParams {
                deletion: base.deletion - lean(-pair_z),
                insertion: base.insertion - lean(pair_z),
                ..base.clone()
            };
            // One aligner for both runs: they share the sentence features and bead costs.
            let en_numbers = texts.en_sentence_numbers(ctx.doc, i, &esent);
            let mut aligner =
                Aligner::with_en_numbers_and_lens(&zt, &et, &en_numbers, (&zl, &el), model);
            let free = aligner.align(&free_params);
            // Nothing unmatched, or nothing matched at all (then the pair is misaligned or
            // mistranslated as a whole: length_ratio and misaligned speak to that).
            if !free.beads.iter().any(|b| b.is_deletion())
                || free.beads.iter().all(|b| b.is_deletion())
            {
                continue;
            }
            let forced = aligner.align(&forced_params);
            let margin = forced.cost - free.cost;
            if margin < self.p.min_margin {
                continue;
            }
            let mut unmatched_zh = Vec::new();
            let mut unmatched_en = Vec::new();
            for b in free.beads.iter().filter(|b| b.is_deletion()) {
                for i in b.zh.clone() {
                    if zh_chars(zt[i]) >= self.p.min_zh_chars && pair_z <= self.p.max_pair_z {
                        unmatched_zh.push(&zsent[i]);
                    }
                }
                for j in b.en.clone() {
                    if en_chars(et[j]) >= self.p.min_en_chars && pair_z >= -self.p.max_pair_z {
                        unmatched_en.push(&esent[j]);
                    }
                }
            }
            let count = unmatched_zh.len() + unmatched_en.len();
            if count == 0 {
                continue;
            }
            let list = |seg: &Segment, v: &[&Sentence], side: &str| -> serde_json::Value {
                v.iter()
                    .take(self.p.max_listed)
                    .map(|s| json!({"side": side, "line": sentence_line(seg, s), "text": s.text}))
                    .collect()
            };
            let first = unmatched_zh
                .first()
                .map(|s| (zs, *s, "Chinese"))
                .or_else(|| unmatched_en.first().map(|s| (es, *s, "English")))
                .expect("count > 0");
            let first_desc = format!(
                "{} line {}: \"{}\"",
                first.2,
                sentence_line(first.0, first.1),
                crate::text::excerpt(first.1.text, 50)
            );
            let suggestion = match (unmatched_zh.is_empty(), unmatched_en.is_empty()) {
                (false, true) => format!(
                    "translate the {} Chinese sentence(s) with no English counterpart, or check \
                     whether their English sits in a neighbouring turn",
                    unmatched_zh.len()
                ),
                (true, false) => format!(
                    "the {} English sentence(s) have no Chinese source: add the Chinese, or move \
                     them to the turn they belong to",
                    unmatched_en.len()
                ),
                _ => "the two sides do not match sentence for sentence: check the pair's \
                      alignment with its neighbours"
                    .to_string(),
            };
            let mut hit = Hit::on_pair(pair);
            if margin < self.p.major_margin {
                hit = hit.severity(Severity::Minor);
            }
            hits.push(
                hit.with("count", count)
                    .with("first", first_desc)
                    .with("unmatched_zh", list(zs, &unmatched_zh, "zh"))
                    .with("unmatched_en", list(es, &unmatched_en, "en"))
                    .with("zh_sentences", zsent.len())
                    .with("en_sentences", esent.len())
                    .with("margin", round(margin.min(999.0), 2))
                    .with("pair_z", round(pair_z, 2))
                    .suggest(suggestion),
            );
        }
        hits
    }
}
