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
        // Numbers travel with the text: cutting, deleting, adding or moving a sentence that
        // holds a number makes the sides' numbers differ for real, so number_mismatch may fire.
        match self {
            DropEnglish => &[],
            DeleteSentenceEn | DeleteSentenceZh => &["length_ratio", "number_mismatch"],
            TruncateEnd | TruncateMidWord | TruncateLowercase | TruncateEllipsis => {
                &["missing_sentences", "length_ratio", "number_mismatch"]
            }
            LengthAppend | LengthCut => &["missing_sentences", "number_mismatch"],
            UntranslatedIdentical => &["missing_translation", "duplicate", "length_ratio"],
            UntranslatedZhInEn | UntranslatedEnInZh => &[
                "missing_sentences",
                "length_ratio",
                "glossary",
                "number_mismatch",
            ],
            SpeakerLabel | SpeakerVocative => &[],
            NumberDigit | NumberZhNumeral => &[],
            MisalignSwapNear | MisalignRotate | MisalignFar => &[
                "length_ratio",
                "missing_sentences",
                "truncated",
                "number_mismatch",
                "glossary",
            ],
            DuplicateEnglish => &[
                "misaligned",
                "length_ratio",
                "missing_sentences",
                "truncated",
                "number_mismatch",
                "glossary",
            ],
            DuplicatePair => &["misaligned", "speaker_swap"],
            BoundaryShift => &["length_ratio", "number_mismatch"],
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
        "Right", "Of", "One", "Some", "Use", "See", "Here", "Now", "Maybe", "Then", "To", "As",
        "Do", "How", "Why", "Is", "Are", "Can", "Sure", "Yeah", "Let's", "My", "Your", "Our",
        "Most", "Many", "Only", "Also", "Just", "All",
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

/// Every paragraph still reads as `lang`: the reader decides language line by line, so a
/// paragraph tipped into the other script would split the block in two.
fn reads_as(text: &str, lang: Lang) -> bool {
    text.split('\n').all(|p| script::detect(p) == Some(lang))
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
            if !reads_as(&new, Lang::En) || han_count(zsent) < 4 {
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
            if !reads_as(&new, Lang::Zh) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::data::CleanPair;
    use crate::eval::doc::from_pairs;
    use crate::model::Document;

    /// Our own text (not the shared data): varied lengths, several sentences, numbers.
    fn pairs() -> Vec<CleanPair> {
        let p = |zh: &str, en: &str| CleanPair {
            zh: zh.into(),
            en: en.into(),
            speaker: None,
            origin: "test".into(),
        };
        vec![
            p(
                "我们在山里住了三年。那里的冬天非常寒冷，但是夏天很凉爽。我们每天早上都去河边散步。",
                "We lived in the mountains for three years. The winters there were very cold, but the summers were cool. Every morning we took a walk along the river.",
            ),
            p(
                "这个项目有 12 个成员，去年完成了 40 个版本的发布。",
                "The project has 12 members and shipped 40 releases last year.",
            ),
            p(
                "我觉得这本书写得很好。作者花了很多时间研究这个城市的历史。最后一章尤其精彩，讲述了一场大火之后人们如何重建家园。我已经把它推荐给了我所有的朋友。",
                "I think this book is very well written. The author spent a long time studying the history of the city. The last chapter is especially good, telling how people rebuilt their homes after a great fire. I have already recommended it to all of my friends.",
            ),
            p(
                "你能再解释一下这个想法吗？",
                "Could you explain this idea once more?",
            ),
            p(
                "当然可以。简单地说，我们先收集数据，然后训练一个小模型来检查结果。如果结果不好，我们就回到第一步重新开始。",
                "Of course. Simply put, we first collect the data, and then train a small model to check the results. If the results are bad, we go back to the first step and start again.",
            ),
            p(
                "那么你们用了多长时间才得到第一个好的结果？",
                "So how long did it take you to get the first good result?",
            ),
            p(
                "大概用了两个月。中间我们遇到了很多问题，有些问题到现在还没有解决。",
                "It took about two months. We ran into many problems along the way, and some of them are still not solved today.",
            ),
            p(
                "这听起来很辛苦。你们团队的人是怎么保持动力的？",
                "That sounds hard. How did the people on your team stay motivated?",
            ),
            p(
                "我们每周五下午一起吃饭，聊一聊这一周学到的东西。这个习惯帮了我们很大的忙。",
                "Every Friday afternoon we had a meal together and talked about what we had learned that week. This habit helped us a great deal.",
            ),
            p(
                "最后一个问题：你会给刚入行的人什么建议？",
                "A final question: what advice would you give to people who are just starting out?",
            ),
            p(
                "多读，多写，多问问题。不要害怕犯错误，因为每一个错误都会教给你一些新的东西。",
                "Read a lot, write a lot, and ask a lot of questions. Do not be afraid of making mistakes, because every mistake teaches you something new.",
            ),
            p(
                "谢谢你今天来参加我们的节目。",
                "Thank you for coming on our show today.",
            ),
        ]
    }

    fn all_free(_: usize) -> bool {
        true
    }

    struct Outcome {
        before: EvalDoc,
        after: EvalDoc,
        inj: Injection,
        parsed: Document,
        lines: Vec<crate::eval::doc::TurnLines>,
    }

    /// Apply `kind` at `at`, render, parse with the tool's reader, and check the generic
    /// promises: only touched turns changed, and each target's rendered lines are where the
    /// reader finds a segment.
    /// `run` with the first seed (of 0..50) for which the injector applies.
    fn run_any_seed(kind: Kind, at: usize) -> Outcome {
        let d = from_pairs("t", &pairs());
        let cx = Ctx {
            donors: &[],
            free: &all_free,
        };
        let seed = (0..50)
            .find(|&s| apply(kind, &mut d.clone(), at, &mut Rng::new(s), &cx).is_some())
            .unwrap_or_else(|| panic!("{kind:?} never applies at {at}"));
        run(kind, at, seed)
    }

    fn run(kind: Kind, at: usize, seed: u64) -> Outcome {
        let before = from_pairs("t", &pairs());
        let mut after = before.clone();
        let donors = vec![
            "The harbour was quiet that night, and the boats rocked slowly against the old stone pier.".to_string(),
            "Nobody in the village remembered who had planted the first olive trees on the hill.".to_string(),
        ];
        let cx = Ctx {
            donors: &donors,
            free: &all_free,
        };
        let inj = apply(kind, &mut after, at, &mut Rng::new(seed), &cx)
            .unwrap_or_else(|| panic!("{kind:?} does not apply at {at}"));
        assert_eq!(inj.kind, kind);
        for t in &before.turns {
            if !inj.touched.contains(&t.id) {
                let now = &after.turns[after.index_of(t.id).unwrap()];
                assert_eq!(now, t, "{kind:?} changed untouched turn {}", t.id);
            }
        }
        for id in &inj.touched {
            let i = after.index_of(*id).unwrap();
            let was = before.index_of(*id).map(|b| &before.turns[b]);
            // Duplicates also name the untouched original.
            let copies = matches!(kind, Kind::DuplicatePair | Kind::DuplicateEnglish);
            assert!(
                was != Some(&after.turns[i]) || copies,
                "{kind:?} touched {id} without changing it"
            );
        }
        let (text, lines) = after.render();
        let parsed = crate::reader::transcript::parse("t.md", &text).unwrap();
        for id in &inj.targets {
            let span = lines[after.index_of(*id).unwrap()].span().unwrap();
            assert!(
                parsed.pairs.iter().any(|p| p
                    .zh_lines()
                    .or(p.en_lines())
                    .is_some_and(|r| r.start == span.start)),
                "{kind:?}: no segment starts at target line {}",
                span.start
            );
        }
        Outcome {
            before,
            after,
            inj,
            parsed,
            lines,
        }
    }

    fn en(o: &Outcome, i: usize) -> (&str, &str) {
        (
            o.before.turns[i].en.as_deref().unwrap(),
            o.after.turns[i].en.as_deref().unwrap_or(""),
        )
    }

    /// The parsed pair whose Chinese starts at the target turn's first line.
    fn parsed_pair(o: &Outcome, i: usize) -> &crate::model::Pair {
        let l = o.lines[i].zh.unwrap();
        o.parsed
            .pairs
            .iter()
            .find(|p| p.zh_lines().is_some_and(|r| r.start == l.start))
            .unwrap()
    }

    #[test]
    fn drop_english_leaves_the_chinese_alone_at_its_lines() {
        let o = run(Kind::DropEnglish, 3, 1);
        assert_eq!(o.inj.targets, [3]);
        let p = parsed_pair(&o, 3);
        assert!(p.en.is_none());
        assert_eq!(p.zh_lines(), o.lines[3].zh);
    }

    #[test]
    fn delete_sentence_removes_one_substantial_sentence() {
        for seed in 0..5 {
            let o = run(Kind::DeleteSentenceEn, 2, seed);
            let (b, a) = en(&o, 2);
            assert_eq!(sentences_en(a).len() + 1, sentences_en(b).len());
            assert_eq!(o.after.turns[2].zh, o.before.turns[2].zh);
            assert_eq!(parsed_pair(&o, 2).en_text(), a);
            let o = run(Kind::DeleteSentenceZh, 0, seed);
            let (b, a) = (
                o.before.turns[0].zh.as_deref().unwrap(),
                o.after.turns[0].zh.as_deref().unwrap(),
            );
            assert_eq!(sentences_zh(a).len() + 1, sentences_zh(b).len());
            assert_eq!(parsed_pair(&o, 0).zh_text(), a);
        }
    }

    #[test]
    fn truncations_cut_where_they_say() {
        let o = run(Kind::TruncateEnd, 2, 3);
        let (b, a) = en(&o, 2);
        assert!(b.starts_with(a) && a.len() < b.len());
        assert!(!a.ends_with(['.', '!', '?']), "{a}");
        assert!(a.starts_with("I think this book"));

        let o = run(Kind::TruncateMidWord, 0, 3);
        let (b, a) = en(&o, 0);
        assert!(b.ends_with(a));
        let cut = b.len() - a.len();
        assert!(
            b[..cut].ends_with(|c: char| c.is_ascii_alphabetic()),
            "starts mid-word: {a}"
        );
        assert!(a.starts_with(|c: char| c.is_ascii_lowercase()));

        let o = run(Kind::TruncateLowercase, 2, 3);
        let (b, a) = en(&o, 2);
        assert!(b.ends_with(a) && b[..b.len() - a.len()].ends_with(' '));
        assert!(a.starts_with(|c: char| c.is_ascii_lowercase()));

        let o = run(Kind::TruncateEllipsis, 2, 3);
        let (b, a) = en(&o, 2);
        let rest = a.strip_prefix('…').expect("leading ellipsis");
        assert!(b.ends_with(rest) && rest.len() < b.len());
        assert_eq!(parsed_pair(&o, 2).en_text(), a);
    }

    #[test]
    fn length_injectors_change_length_a_lot() {
        let o = run(Kind::LengthAppend, 3, 1);
        let (b, a) = en(&o, 3);
        assert!(a.starts_with(b) && a.len() >= b.len() + 150, "{a}");
        let o = run(Kind::LengthCut, 2, 1);
        let (b, a) = en(&o, 2);
        assert_eq!(a, "I think this book is very well written.");
        assert!((a.len() as f64) < 0.4 * b.len() as f64);
    }

    #[test]
    fn untranslated_injectors_leave_the_wrong_language() {
        let o = run(Kind::UntranslatedIdentical, 5, 1);
        assert_eq!(o.after.turns[5].en, o.before.turns[5].zh);
        // The reader sees two Chinese blocks with the same text at the target's lines.
        let l = o.lines[5];
        let texts: Vec<&str> = o
            .parsed
            .pairs
            .iter()
            .filter(|p| {
                p.zh_lines()
                    .is_some_and(|r| r == l.zh.unwrap() || r == l.en.unwrap())
            })
            .map(|p| p.zh_text())
            .collect();
        assert_eq!(texts, [o.before.turns[5].zh.as_deref().unwrap(); 2]);

        let o = run(Kind::UntranslatedZhInEn, 2, 2);
        let a = o.after.turns[2].en.as_deref().unwrap();
        assert!(han_count(a) >= 4);
        assert_eq!(script::detect(a), Some(Lang::En));
        assert_eq!(parsed_pair(&o, 2).en_text(), a);

        let o = run(Kind::UntranslatedEnInZh, 2, 2);
        let z = o.after.turns[2].zh.as_deref().unwrap();
        let b = o.before.turns[2].en.as_deref().unwrap();
        assert!(
            sentences_en(b).iter().any(|&(s, e)| z.contains(&b[s..e])),
            "{z}"
        );
        assert_eq!(parsed_pair(&o, 2).zh_text(), z);
    }

    #[test]
    fn speaker_injectors() {
        let o = run(Kind::SpeakerLabel, 4, 1);
        let p = parsed_pair(&o, 4);
        assert_ne!(
            p.zh.as_ref().unwrap().speaker,
            p.en.as_ref().unwrap().speaker
        );
        let o = run(Kind::SpeakerVocative, 4, 1);
        let p = parsed_pair(&o, 4);
        let who = p.zh.as_ref().unwrap().speaker.clone().unwrap();
        let first = who.split(' ').next().unwrap();
        assert!(
            p.en_text().starts_with(&format!("{first}, of course.")),
            "{}",
            p.en_text()
        );
        assert!(p.zh_text().starts_with(&format!("{first}，")));
        assert_eq!(who, p.en.as_ref().unwrap().speaker.clone().unwrap());
    }

    #[test]
    fn number_injectors_make_the_sides_disagree() {
        for seed in 0..6 {
            let o = run(Kind::NumberDigit, 1, seed);
            let p = parsed_pair(&o, 1);
            let z: BTreeSet<u64> = digit_runs(p.zh_text()).iter().map(|r| r.2).collect();
            let e: BTreeSet<u64> = digit_runs(p.en_text()).iter().map(|r| r.2).collect();
            assert_ne!(z, e, "{} / {}", p.zh_text(), p.en_text());
            assert_eq!(z.len(), 2);
        }
        let o = run(Kind::NumberZhNumeral, 0, 1);
        let z = o.after.turns[0].zh.as_deref().unwrap();
        assert!(!z.contains("三年") && z.contains("年。"), "{z}");
        assert_eq!(parsed_pair(&o, 0).zh_text(), z);
    }

    #[test]
    fn misalignment_injectors_move_english_and_keep_labels() {
        let o = run_any_seed(Kind::MisalignSwapNear, 7);
        let j = o.after.index_of(o.inj.targets[1]).unwrap();
        assert_eq!(j, 9, "the only later turn within 3 of similar length");
        assert_eq!(o.after.turns[7].en, o.before.turns[j].en);
        assert_eq!(o.after.turns[j].en, o.before.turns[7].en);
        assert_eq!(o.after.turns[7].en_speaker, o.before.turns[7].en_speaker);
        assert_eq!(
            parsed_pair(&o, 7).en_text(),
            o.before.turns[9].en.as_deref().unwrap()
        );

        let o = run(Kind::MisalignRotate, 4, 0);
        let k = o.inj.targets.len();
        assert!((3..=4).contains(&k));
        for x in 0..k {
            assert_eq!(o.after.turns[4 + x].en, o.before.turns[4 + (x + 1) % k].en);
            assert_eq!(
                parsed_pair(&o, 4 + x).en_text(),
                o.after.turns[4 + x].en.as_deref().unwrap()
            );
        }

        let mut long = pairs();
        long.extend(pairs());
        long.extend(pairs());
        let before = from_pairs("t", &long);
        let mut after = before.clone();
        let cx = Ctx {
            donors: &[],
            free: &all_free,
        };
        let inj = apply(Kind::MisalignFar, &mut after, 2, &mut Rng::new(5), &cx).unwrap();
        let j = after.index_of(inj.targets[2]).unwrap();
        assert!(j >= 10);
        assert_eq!(after.turns[2].en, before.turns[j].en);
        assert_eq!(after.turns[3].en, before.turns[j + 1].en);
        assert_eq!(after.turns[j].en, before.turns[2].en);
    }

    #[test]
    fn duplicate_injectors_repeat_text() {
        let o = run(Kind::DuplicateEnglish, 6, 4);
        let j = o.after.index_of(o.inj.targets[1]).unwrap();
        assert!((2..=5).contains(&j.abs_diff(6)));
        assert_eq!(o.after.turns[6].en, o.after.turns[j].en);
        assert!(!o.inj.each_target);

        let o = run(Kind::DuplicatePair, 3, 4);
        assert_eq!(o.after.turns.len(), o.before.turns.len() + 1);
        assert_eq!(o.after.turns[5].zh, o.before.turns[3].zh);
        let same: Vec<_> = o
            .parsed
            .pairs
            .iter()
            .filter(|p| p.zh_text() == o.before.turns[3].zh.as_deref().unwrap())
            .collect();
        assert_eq!(same.len(), 2);
        assert_eq!(same[1].zh_lines(), o.lines[5].zh);
    }

    #[test]
    fn boundary_shift_moves_the_last_sentence_to_the_next_turn() {
        let o = run(Kind::BoundaryShift, 0, 0);
        let (b, a) = en(&o, 0);
        let next = o.after.turns[1].en.as_deref().unwrap();
        assert_eq!(
            a,
            "We lived in the mountains for three years. The winters there were very cold, but the summers were cool."
        );
        assert!(
            next.starts_with("Every morning we took a walk along the river. The project has 12")
        );
        assert!(b.ends_with("along the river."));
        assert_eq!(parsed_pair(&o, 1).en_text(), next);
    }

    #[test]
    fn untranslated_injection_never_tips_a_paragraph_into_the_other_script() {
        // A short Chinese first paragraph that one English sentence would outweigh.
        let p = CleanPair {
            zh: "是的。好。\n我们在山里住了三年，那里的冬天非常寒冷。".into(),
            en: "Yes. Good. We lived in the mountains for three years, and the winters there were very cold indeed.".into(),
            speaker: None,
            origin: "t".into(),
        };
        let cx = Ctx {
            donors: &[],
            free: &all_free,
        };
        for seed in 0..20 {
            let mut d = from_pairs("t", std::slice::from_ref(&p));
            if apply(
                Kind::UntranslatedEnInZh,
                &mut d,
                0,
                &mut Rng::new(seed),
                &cx,
            )
            .is_some()
            {
                let (text, lines) = d.render();
                d.parse_checked(&text, &lines).unwrap();
            }
        }
        assert!(!reads_as(
            "是的。We lived in the mountains for three years.",
            Lang::Zh
        ));
    }

    #[test]
    fn injectors_refuse_when_preconditions_fail() {
        let mut d = from_pairs("t", &pairs());
        let cx = Ctx {
            donors: &[],
            free: &all_free,
        };
        // One-sentence English: nothing to delete, nothing to shift.
        assert!(apply(Kind::DeleteSentenceEn, &mut d, 3, &mut Rng::new(1), &cx).is_none());
        assert!(apply(Kind::BoundaryShift, &mut d, 3, &mut Rng::new(1), &cx).is_none());
        // No number on both sides.
        assert!(apply(Kind::NumberDigit, &mut d, 3, &mut Rng::new(1), &cx).is_none());
        // A turn that is not free.
        let busy = |i: usize| i != 2;
        let cx = Ctx {
            donors: &[],
            free: &busy,
        };
        assert!(apply(Kind::DropEnglish, &mut d, 2, &mut Rng::new(1), &cx).is_none());
        assert_eq!(
            d.turns,
            from_pairs("t", &pairs()).turns,
            "refusals leave the document as it was"
        );
    }

    #[test]
    fn scheduler_spaces_defects_and_respects_the_budget() {
        let mut long = Vec::new();
        for _ in 0..5 {
            long.extend(pairs());
        }
        let mut d = from_pairs("t", &long);
        let mut counts = BTreeMap::new();
        let donors = vec![
            "An unrelated sentence about the weather in a far away town, long enough."
                .to_string();
            4
        ];
        let inj = inject_document(&mut d, &mut Rng::new(9), &mut counts, &donors, 0.15);
        let touched: Vec<usize> = inj.iter().flat_map(|i| i.touched.clone()).collect();
        assert!(!inj.is_empty());
        assert!(touched.len() <= (long.len() as f64 * 0.15) as usize + 1);
        // Different defects never touch the same or adjacent turns.
        for (a, x) in inj.iter().enumerate() {
            for y in &inj[a + 1..] {
                for p in &x.touched {
                    for q in &y.touched {
                        let (i, j) = (d.index_of(*p).unwrap(), d.index_of(*q).unwrap());
                        assert!(i.abs_diff(j) >= 2, "{:?} and {:?} overlap", x.kind, y.kind);
                    }
                }
            }
        }
        // Every generated block is one segment for the reader, whatever the seed.
        for seed in 0..20 {
            let mut d3 = from_pairs("t", &long);
            inject_document(
                &mut d3,
                &mut Rng::new(seed),
                &mut BTreeMap::new(),
                &donors,
                0.15,
            );
            let (text, lines) = d3.render();
            d3.parse_checked(&text, &lines).unwrap();
        }
        // Same seed, same result.
        let mut d2 = from_pairs("t", &long);
        let inj2 = inject_document(
            &mut d2,
            &mut Rng::new(9),
            &mut BTreeMap::new(),
            &donors,
            0.15,
        );
        assert_eq!(d.turns, d2.turns);
        assert_eq!(inj.len(), inj2.len());
    }
}
