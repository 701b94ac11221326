//! Defect injectors. Each takes a clean document, a turn to start from and the PRNG, checks
//! its preconditions (a multi-sentence side, a number on both sides, a neighbour of similar
//! length...), and either changes the document and returns its label, or returns `None`
//! and leaves the document untouched.
//!
//! A label names the turns where the expected rule must fire (`targets`: each is its own
//! recall unit, or one unit satisfied by any of them), and the turns it changed (`touched`:
//! findings there of an expected or allowed rule count as correct). Text moves between turns
//! but speaker labels stay with their slot, as in the real transcript's damage.

use super::Rng;
use super::doc::{EvalDoc, Turn};
use super::text::{han_count, remove_span, sentences_en, sentences_zh, tidy, word_count, words};
use crate::model::Lang;
use crate::text::script;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Drop a pair's English block.
    DropEnglish,
    /// Delete one substantial sentence from a multi-sentence English side.
    DeleteSentenceEn,
    /// Delete one substantial sentence from a multi-sentence Chinese side.
    DeleteSentenceZh,
    /// Cut the English mid-sentence at a word boundary.
    TruncateEnd,
    /// Start the English inside a word ("ute. You do...").
    TruncateMidWord,
    /// Start the English with a lowercase fragment at a word boundary.
    TruncateLowercase,
    /// Start the English with a leading ellipsis and a fragment ("…from person to person").
    TruncateEllipsis,
    /// Append a large chunk of unrelated real English (from a pair outside the document).
    LengthAppend,
    /// Keep only the first sentence of a long multi-sentence English.
    LengthCut,
    /// The English block is the Chinese text again.
    UntranslatedIdentical,
    /// One English sentence replaced by the Chinese sentence it translates.
    UntranslatedZhInEn,
    /// One Chinese sentence replaced by the English sentence (left untranslated).
    UntranslatedEnInZh,
    /// The English block labelled with the other speaker.
    SpeakerLabel,
    /// The turn addresses its own speaker by first name ("Ilya, ..." said by Ilya).
    SpeakerVocative,
    /// A digit number changed on one side.
    NumberDigit,
    /// A Chinese numeral (三, 两...) changed on the Chinese side.
    NumberZhNumeral,
    /// English swapped between two nearby pairs of similar length.
    MisalignSwapNear,
    /// English of a block of 3-4 pairs shifted by one position (rotated).
    MisalignRotate,
    /// English of two pairs swapped with the English of two pairs far away (8-20 turns).
    MisalignFar,
    /// One pair's English copied under another pair's Chinese (2-5 turns away).
    DuplicateEnglish,
    /// A whole pair repeated two turns later (the same Chinese twice).
    DuplicatePair,
    /// The last sentence of a pair's English moved to the start of the next pair's English.
    BoundaryShift,
}

impl Kind {
    pub const ALL: [Kind; 22] = [
        Kind::DropEnglish,
        Kind::DeleteSentenceEn,
        Kind::DeleteSentenceZh,
        Kind::TruncateEnd,
        Kind::TruncateMidWord,
        Kind::TruncateLowercase,
        Kind::TruncateEllipsis,
        Kind::LengthAppend,
        Kind::LengthCut,
        Kind::UntranslatedIdentical,
        Kind::UntranslatedZhInEn,
        Kind::UntranslatedEnInZh,
        Kind::SpeakerLabel,
        Kind::SpeakerVocative,
        Kind::NumberDigit,
        Kind::NumberZhNumeral,
        Kind::MisalignSwapNear,
        Kind::MisalignRotate,
        Kind::MisalignFar,
        Kind::DuplicateEnglish,
        Kind::DuplicatePair,
        Kind::BoundaryShift,
    ];

    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// Rules of which any one firing on a target detects the defect.
    pub fn expect(self) -> &'static [&'static str] {
        use Kind::*;
        match self {
            DropEnglish => &["missing_translation"],
            DeleteSentenceEn | DeleteSentenceZh => &["missing_sentences"],
            TruncateEnd | TruncateMidWord | TruncateLowercase | TruncateEllipsis => &["truncated"],
            LengthAppend | LengthCut => &["length_ratio"],
            UntranslatedIdentical | UntranslatedZhInEn | UntranslatedEnInZh => &["untranslated"],
            SpeakerLabel | SpeakerVocative => &["speaker_swap"],
            NumberDigit | NumberZhNumeral => &["number_mismatch"],
            MisalignSwapNear | MisalignRotate | MisalignFar => &["misaligned"],
            DuplicateEnglish | DuplicatePair => &["duplicate"],
            BoundaryShift => &["missing_sentences", "truncated", "misaligned"],
        }
    }

    /// Rules that may also fire on the touched pairs without counting as false positives.
    pub fn allow(self) -> &'static [&'static str] {
        use Kind::*;
        match self {
            DropEnglish => &[],
            DeleteSentenceEn | DeleteSentenceZh => &["length_ratio"],
            TruncateEnd | TruncateMidWord | TruncateLowercase | TruncateEllipsis => {
                &["missing_sentences", "length_ratio"]
            }
            LengthAppend | LengthCut => &["missing_sentences"],
            UntranslatedIdentical => &["missing_translation", "duplicate", "length_ratio"],
            UntranslatedZhInEn | UntranslatedEnInZh => {
                &["missing_sentences", "length_ratio", "glossary"]
            }
            SpeakerLabel | SpeakerVocative => &[],
            NumberDigit | NumberZhNumeral => &[],
            MisalignSwapNear | MisalignRotate | MisalignFar => &[
                "length_ratio",
                "missing_sentences",
                "truncated",
                "number_mismatch",
            ],
            DuplicateEnglish => &[
                "misaligned",
                "length_ratio",
                "missing_sentences",
                "truncated",
                "number_mismatch",
            ],
            DuplicatePair => &["misaligned", "speaker_swap"],
            BoundaryShift => &["length_ratio"],
        }
    }

    /// The table row the defect is counted under: its expected rule, or `boundary_shift`.
    pub fn row(self) -> &'static str {
        match self {
            Kind::BoundaryShift => "boundary_shift",
            k => k.expect()[0],
        }
    }

    /// Most turns it can touch (for the per-document budget).
    fn max_touched(self) -> usize {
        match self {
            Kind::MisalignRotate | Kind::MisalignFar => 4,
            Kind::MisalignSwapNear
            | Kind::DuplicateEnglish
            | Kind::DuplicatePair
            | Kind::BoundaryShift => 2,
            _ => 1,
        }
    }
}

/// One injected defect and its label.
#[derive(Debug, Clone, Serialize)]
pub struct Injection {
    pub kind: Kind,
    /// Turn ids where an expected rule must fire.
    pub targets: Vec<usize>,
    /// Each target is its own recall unit (true), or one unit satisfied by any target.
    pub each_target: bool,
    /// Turn ids whose text changed.
    pub touched: Vec<usize>,
    /// What was done, for people reading the dump.
    pub note: String,
}

impl Injection {
    fn new(kind: Kind, targets: Vec<usize>, each: bool, touched: Vec<usize>, note: String) -> Self {
        Injection {
            kind,
            targets,
            each_target: each,
            touched,
            note,
        }
    }
}

/// Everything an injector may read besides the document.
pub struct Ctx<'a> {
    /// English texts of clean pairs that are not in this document.
    pub donors: &'a [String],
    /// Whether a turn (by index) may be touched.
    pub free: &'a dyn Fn(usize) -> bool,
}

fn excerpt(s: &str) -> String {
    crate::text::excerpt(s, 50)
}

fn en_of(t: &Turn) -> Option<&str> {
    t.en.as_deref()
}

fn lower_first_if_common(text: &str) -> String {
    const COMMON: &[&str] = &[
        "The", "This", "That", "These", "Those", "It", "It's", "You", "We", "If", "When", "What",
        "There", "A", "An", "In", "On", "For", "So", "But", "And", "Yes", "No", "Well", "Okay",
        "Right", "One", "Some", "Use", "See", "Here", "Now", "Maybe", "Then", "To", "As", "Do",
        "How", "Why", "Is", "Are", "Can", "Sure", "Yeah", "Let's", "My", "Your", "Our", "Most",
        "Many", "Only", "Also", "Just", "All",
    ];
    let first = text.split_whitespace().next().unwrap_or("");
    let bare = first.trim_end_matches([',', '.', '?', '!']);
    if COMMON.contains(&bare) {
        let mut c = text.chars();
        let f = c
            .next()
            .map(|f| f.to_lowercase().to_string())
            .unwrap_or_default();
        format!("{f}{}", c.as_str())
    } else {
        text.to_string()
    }
}

/// Maximal runs of ASCII digits, as (start, end, value), skipping runs with a leading zero.
fn digit_runs(text: &str) -> Vec<(usize, usize, u64)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let s = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if (i - s == 1 || b[s] != b'0')
                && i - s <= 9
                && let Ok(v) = text[s..i].parse()
            {
                out.push((s, i, v));
            }
        } else {
            i += 1;
        }
    }
    out
}

const ZH_NUMERALS: [(char, u64); 10] = [
    ('二', 2),
    ('两', 2),
    ('三', 3),
    ('四', 4),
    ('五', 5),
    ('六', 6),
    ('七', 7),
    ('八', 8),
    ('九', 9),
    ('十', 10),
];
const EN_NUMBER_WORDS: [&str; 11] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
];

fn zh_numeral_value(c: char) -> Option<u64> {
    ZH_NUMERALS.iter().find(|(z, _)| *z == c).map(|(_, v)| *v)
}

fn is_numeral_char(c: char) -> bool {
    zh_numeral_value(c).is_some() || "零一百千万亿〇几".contains(c)
}

/// Does the English mention the value as a digit token or a number word?
fn en_mentions(en: &str, v: u64) -> bool {
    if digit_runs(en).iter().any(|r| r.2 == v) {
        return true;
    }
    let word = EN_NUMBER_WORDS.get(v as usize).copied().unwrap_or("");
    !word.is_empty()
        && en
            .split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| w.eq_ignore_ascii_case(word))
}

/// Apply `kind` starting at turn index `at`. `None` (document unchanged) when the
/// preconditions do not hold there.
pub fn apply(
    kind: Kind,
    doc: &mut EvalDoc,
    at: usize,
    rng: &mut Rng,
    cx: &Ctx,
) -> Option<Injection> {
    let n = doc.turns.len();
    if at >= n || !(cx.free)(at) {
        return None;
    }
    let t = &doc.turns[at];
    let id = t.id;
    let (zh, en) = (t.zh.clone()?, t.en.clone()?);
    use Kind::*;
    match kind {
        DropEnglish => {
            doc.turns[at].en = None;
            Some(Injection::new(
                kind,
                vec![id],
                true,
                vec![id],
                format!("dropped English {:?}", excerpt(&en)),
            ))
        }
        DeleteSentenceEn | DeleteSentenceZh => {
            let (text, spans) = if kind == DeleteSentenceEn {
                (&en, sentences_en(&en))
            } else {
                (&zh, sentences_zh(&zh))
            };
            if spans.len() < 2 {
                return None;
            }
            let cands: Vec<(usize, usize)> = spans
                .iter()
                .copied()
                .filter(|&(s, e)| {
                    if kind == DeleteSentenceEn {
                        word_count(&text[s..e]) >= 6
                    } else {
                        han_count(&text[s..e]) >= 12
                    }
                })
                .collect();
            if cands.is_empty() {
                return None;
            }
            let (s, e) = cands[rng.range(0, cands.len())];
            let removed = text[s..e].to_string();
            let new = remove_span(text, s, e);
            if kind == DeleteSentenceEn {
                doc.turns[at].en = Some(new);
            } else {
                if han_count(&new) < 4 {
                    return None;
                }
                doc.turns[at].zh = Some(new);
            }
            Some(Injection::new(
                kind,
                vec![id],
                true,
                vec![id],
                format!("deleted {:?}", excerpt(&removed)),
            ))
        }
        TruncateEnd => {
            let spans = sentences_en(&en);
            let &(s, e) = spans.last()?;
            let last = &en[s..e];
            let w = words(last);
            if w.len() < 8 {
                return None;
            }
            let k = rng.range(3, w.len() - 2); // keep k words, drop at least 3
            let kept = last[..w[k - 1].1].trim_end_matches(|c: char| !c.is_alphanumeric());
            if kept.is_empty() {
                return None;
            }
            let new = tidy(&format!("{}{}", &en[..s], kept));
            doc.turns[at].en = Some(new);
            Some(Injection::new(
                kind,
                vec![id],
                true,
                vec![id],
                format!("cut after {:?}", excerpt(kept)),
            ))
        }
        TruncateMidWord | TruncateLowercase | TruncateEllipsis => {
            let &(s, e) = sentences_en(&en).first()?;
            let first = &en[s..e];
            let w = words(first);
            if w.len() < 8 {
                return None;
            }
            let cands: Vec<(usize, usize)> = w[2..w.len() - 2]
                .iter()
                .copied()
                .filter(|&(a, b)| {
                    let word = &first[a..b];
                    match kind {
                        TruncateMidWord => {
                            word.len() >= 5 && word.chars().all(|c| c.is_ascii_lowercase())
                        }
                        _ => word.chars().next().is_some_and(|c| c.is_ascii_lowercase()),
                    }
                })
                .collect();
            if cands.is_empty() {
                return None;
            }
            let (a, b) = cands[rng.range(0, cands.len())];
            let cut = if kind == TruncateMidWord {
                a + rng.range(2, b - a - 1)
            } else {
                a
            };
            let rest = &en[s + cut..];
            let new = if kind == TruncateEllipsis {
                format!("…{rest}")
            } else {
                rest.to_string()
            };
            doc.turns[at].en = Some(new);
            Some(Injection::new(
                kind,
                vec![id],
                true,
                vec![id],
                format!("dropped the opening {:?}", excerpt(&en[..s + cut])),
            ))
        }
        LengthAppend => {
            if cx.donors.is_empty() {
                return None;
            }
            let want = (en.len() as f64 * 1.5).max(150.0) as usize;
            let mut extra = String::new();
            let mut guard = 0;
            while extra.len() < want && guard < 50 {
                let d = &cx.donors[rng.range(0, cx.donors.len())];
                extra.push(' ');
                extra.push_str(d);
                guard += 1;
            }
            doc.turns[at].en = Some(tidy(&format!("{en}{extra}")));
            Some(Injection::new(
                kind,
                vec![id],
                true,
                vec![id],
                format!("appended {} unrelated chars", extra.len()),
            ))
        }
        LengthCut => {
            let spans = sentences_en(&en);
            if spans.len() < 3 || en.len() < 200 {
                return None;
            }
            let (s, e) = spans[0];
            if (e - s) as f64 > 0.4 * en.len() as f64 {
                return None;
            }
            doc.turns[at].en = Some(en[s..e].to_string());
            Some(Injection::new(
                kind,
                vec![id],
                true,
                vec![id],
                format!("kept only the first of {} sentences", spans.len()),
            ))
        }
        UntranslatedIdentical => {
            doc.turns[at].en = Some(zh.clone());
            Some(Injection::new(
                kind,
                vec![id],
                true,
                vec![id],
                "English block replaced by the Chinese".into(),
            ))
        }
        UntranslatedZhInEn => {
            let es = sentences_en(&en);
            let zs = sentences_zh(&zh);
            if es.len() < 3 || zs.len() < 2 {
                return None;
            }
            let k = rng.range(1, es.len());
            let zk = (k * zs.len() / es.len()).min(zs.len() - 1);
            let zsent = &zh[zs[zk].0..zs[zk].1];
            let new = format!("{}{}{}", &en[..es[k].0], zsent, &en[es[k].1..]);
            if script::detect(&new) != Some(Lang::En) || han_count(zsent) < 4 {
                return None;
            }
            doc.turns[at].en = Some(new);
            Some(Injection::new(
                kind,
                vec![id],
                true,
                vec![id],
                format!("English sentence {k} left in Chinese: {:?}", excerpt(zsent)),
            ))
        }
        UntranslatedEnInZh => {
            let es = sentences_en(&en);
            let zs = sentences_zh(&zh);
            if zs.len() < 3 || es.len() < 2 {
                return None;
            }
            let k = rng.range(1, zs.len());
            let ek = (k * es.len() / zs.len()).min(es.len() - 1);
            let esent = &en[es[ek].0..es[ek].1];
            if word_count(esent) < 4 {
                return None;
            }
            let new = format!("{}{}{}", &zh[..zs[k].0], esent, &zh[zs[k].1..]);
            if script::detect(&new) != Some(Lang::Zh) {
                return None;
            }
            doc.turns[at].zh = Some(new);
            Some(Injection::new(
                kind,
                vec![id],
                true,
                vec![id],
                format!("Chinese sentence {k} left in English: {:?}", excerpt(esent)),
            ))
        }
        SpeakerLabel => {
            let me = doc.turns[at].en_speaker.clone();
            let other = doc
                .turns
                .iter()
                .map(|t| &t.zh_speaker)
                .find(|s| **s != me)?
                .clone();
            doc.turns[at].en_speaker = other.clone();
            Some(Injection::new(
                kind,
                vec![id],
                true,
                vec![id],
                format!("English labelled {other:?} instead of {me:?}"),
            ))
        }
        SpeakerVocative => {
            let me = doc.turns[at].zh_speaker.clone();
            let first = me.split_whitespace().next()?.to_string();
            if en.contains(&first) || zh.contains(&first) {
                return None;
            }
            doc.turns[at].en = Some(format!("{first}, {}", lower_first_if_common(&en)));
            doc.turns[at].zh = Some(format!("{first}，{zh}"));
            Some(Injection::new(
                kind,
                vec![id],
                true,
                vec![id],
                format!("{me} addresses {first}"),
            ))
        }
        NumberDigit => {
            let zr = digit_runs(&zh);
            let er = digit_runs(&en);
            let common: Vec<u64> = zr
                .iter()
                .map(|r| r.2)
                .filter(|v| er.iter().any(|r| r.2 == *v))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            if common.is_empty() {
                return None;
            }
            let v = common[rng.range(0, common.len())];
            let on_en = rng.chance(0.5);
            let (side, other) = if on_en { (&en, &zh) } else { (&zh, &en) };
            let others: BTreeSet<u64> = digit_runs(other).iter().map(|r| r.2).collect();
            let mut nv = v + rng.range(1, 10) as u64;
            while others.contains(&nv) {
                nv += 1;
            }
            let runs = digit_runs(side);
            let r = runs.iter().find(|r| r.2 == v)?;
            let new = format!("{}{}{}", &side[..r.0], nv, &side[r.1..]);
            if on_en {
                doc.turns[at].en = Some(new);
            } else {
                doc.turns[at].zh = Some(new);
            }
            Some(Injection::new(
                kind,
                vec![id],
                true,
                vec![id],
                format!("{} {v} -> {nv}", if on_en { "English" } else { "Chinese" }),
            ))
        }
        NumberZhNumeral => {
            let chars: Vec<(usize, char)> = zh.char_indices().collect();
            let mut cands = Vec::new();
            for (k, &(b, c)) in chars.iter().enumerate() {
                let Some(v) = zh_numeral_value(c) else {
                    continue;
                };
                let prev = k.checked_sub(1).map(|p| chars[p].1);
                let next = chars.get(k + 1).map(|x| x.1);
                if prev.is_some_and(is_numeral_char) || next.is_some_and(is_numeral_char) {
                    continue;
                }
                // 十 alone as a quantity; 二 in 二进制 etc. is not a count: require a measure word after.
                if !next
                    .is_some_and(|n| "个种件年次位步天点条名台块部倍项类层段句周月份组".contains(n))
                {
                    continue;
                }
                if en_mentions(&en, v) {
                    cands.push((b, c, v));
                }
            }
            if cands.is_empty() {
                return None;
            }
            let (b, c, v) = cands[rng.range(0, cands.len())];
            let choices: Vec<(char, u64)> = ZH_NUMERALS
                .iter()
                .copied()
                .filter(|&(z, nv)| nv != v && z != '两' && !en_mentions(&en, nv))
                .collect();
            let (nc, nv) = choices[rng.range(0, choices.len())];
            let new = format!("{}{}{}", &zh[..b], nc, &zh[b + c.len_utf8()..]);
            doc.turns[at].zh = Some(new);
            Some(Injection::new(
                kind,
                vec![id],
                true,
                vec![id],
                format!("Chinese numeral {c} ({v}) -> {nc} ({nv})"),
            ))
        }
        MisalignSwapNear => {
            let j = at + rng.range(1, 4);
            if j >= n || !(cx.free)(j) {
                return None;
            }
            let ej = en_of(&doc.turns[j])?.to_string();
            let r = ej.len() as f64 / en.len() as f64;
            if en.len() < 30 || ej.len() < 30 || !(0.67..=1.5).contains(&r) || han_count(&zh) < 8 {
                return None;
            }
            let jid = doc.turns[j].id;
            doc.turns[at].en = Some(ej);
            doc.turns[j].en = Some(en);
            Some(Injection::new(
                kind,
                vec![id, jid],
                true,
                vec![id, jid],
                format!("swapped English with the turn {} later", j - at),
            ))
        }
        MisalignRotate => {
            let k = rng.range(3, 5);
            if at + k > n || !(at..at + k).all(|x| (cx.free)(x)) {
                return None;
            }
            let ens: Vec<String> = (at..at + k)
                .map(|x| en_of(&doc.turns[x]).map(str::to_string))
                .collect::<Option<_>>()?;
            if ens.iter().any(|e| e.len() < 30) {
                return None;
            }
            let ids: Vec<usize> = (at..at + k).map(|x| doc.turns[x].id).collect();
            for x in 0..k {
                doc.turns[at + x].en = Some(ens[(x + 1) % k].clone());
            }
            Some(Injection::new(
                kind,
                ids.clone(),
                true,
                ids,
                format!("English of {k} turns shifted up by one (the first moved to the last)"),
            ))
        }
        MisalignFar => {
            let j = at + rng.range(8, 21);
            if j + 1 >= n || !(cx.free)(at + 1) || !(cx.free)(j) || !(cx.free)(j + 1) {
                return None;
            }
            let idx = [at, at + 1, j, j + 1];
            let ens: Vec<String> = idx
                .iter()
                .map(|&x| en_of(&doc.turns[x]).map(str::to_string))
                .collect::<Option<_>>()?;
            if ens.iter().any(|e| e.len() < 20) {
                return None;
            }
            let ids: Vec<usize> = idx.iter().map(|&x| doc.turns[x].id).collect();
            for (x, from) in [(0, 2), (1, 3), (2, 0), (3, 1)] {
                doc.turns[idx[x]].en = Some(ens[from].clone());
            }
            Some(Injection::new(
                kind,
                ids.clone(),
                true,
                ids,
                format!("English of 2 turns swapped with 2 turns {} later", j - at),
            ))
        }
        DuplicateEnglish => {
            let d = rng.range(2, 6);
            let j = if rng.chance(0.5) {
                at + d
            } else {
                at.checked_sub(d)?
            };
            if j >= n || !(cx.free)(j) {
                return None;
            }
            let ej = en_of(&doc.turns[j])?.to_string();
            if ej.len() < 30 {
                return None;
            }
            let jid = doc.turns[j].id;
            doc.turns[at].en = Some(ej);
            Some(Injection::new(
                kind,
                vec![id, jid],
                false,
                vec![id, jid],
                format!("English of the turn {d} away copied here"),
            ))
        }
        DuplicatePair => {
            if at + 1 >= n || !(cx.free)(at + 1) {
                return None;
            }
            let mut copy = doc.turns[at].clone();
            copy.id = doc.next_id();
            copy.origin = format!("{} (copy)", copy.origin);
            let cid = copy.id;
            doc.turns.insert(at + 2, copy);
            Some(Injection::new(
                kind,
                vec![id, cid],
                false,
                vec![id, cid],
                "pair repeated two turns later".into(),
            ))
        }
        BoundaryShift => {
            if at + 1 >= n || !(cx.free)(at + 1) {
                return None;
            }
            let next = en_of(&doc.turns[at + 1])?.to_string();
            let spans = sentences_en(&en);
            if spans.len() < 2 {
                return None;
            }
            let &(s, e) = spans.last()?;
            let last = en[s..e].to_string();
            if word_count(&last) < 6 {
                return None;
            }
            let nid = doc.turns[at + 1].id;
            doc.turns[at].en = Some(tidy(&en[..s]));
            doc.turns[at + 1].en = Some(format!("{last} {next}"));
            Some(Injection::new(
                kind,
                vec![id, nid],
                false,
                vec![id, nid],
                format!("moved {:?} to the next turn", excerpt(&last)),
            ))
        }
    }
}

/// Inject defects into one document: kinds chosen least-used first (ties broken by the
/// PRNG), positions at random, until the turns touched reach `share` of the document. Touched
/// turns of different defects are at least one clean turn apart.
pub fn inject_document(
    doc: &mut EvalDoc,
    rng: &mut Rng,
    counts: &mut BTreeMap<Kind, usize>,
    donors: &[String],
    share: f64,
) -> Vec<Injection> {
    let mut budget = (doc.turns.len() as f64 * share).floor() as usize;
    let mut occupied: BTreeSet<usize> = BTreeSet::new();
    let mut out = Vec::new();
    loop {
        let mut kinds: Vec<(usize, u64, Kind)> = Kind::ALL
            .iter()
            .map(|&k| (counts.get(&k).copied().unwrap_or(0), rng.next_u64(), k))
            .collect();
        kinds.sort();
        let mut done = false;
        for (_, _, kind) in kinds {
            if kind.max_touched() > budget {
                continue;
            }
            for _ in 0..25 {
                let at = rng.range(0, doc.turns.len());
                let ids: Vec<usize> = doc.turns.iter().map(|t| t.id).collect();
                let free = |i: usize| ids.get(i).is_some_and(|id| !occupied.contains(id));
                let cx = Ctx {
                    donors,
                    free: &free,
                };
                let mut trial = rng.fork(at as u64);
                if let Some(inj) = apply(kind, doc, at, &mut trial, &cx) {
                    // Occupy the touched turns and their neighbours.
                    for tid in &inj.touched {
                        if let Some(i) = doc.index_of(*tid) {
                            for k in i.saturating_sub(1)..=(i + 1).min(doc.turns.len() - 1) {
                                occupied.insert(doc.turns[k].id);
                            }
                        }
                    }
                    budget = budget.saturating_sub(inj.touched.len());
                    *counts.entry(kind).or_insert(0) += 1;
                    out.push(inj);
                    done = true;
                    break;
                }
            }
            if done {
                break;
            }
        }
        if !done {
            return out;
        }
    }
}
