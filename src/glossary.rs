//! The glossary: English terms and how the Chinese side should render them.
//!
//! Format (TOML, documented at the top of `rules/glossary.toml`):
//! ```toml
//! [terms."value function"]
//! zh = ["价值函数"]            # preferred rendering first, then accepted alternatives
//! [terms."AI"]
//! keep = true                  # keeping the English in the Chinese is correct
//! ```
//! Matching follows the CJK lesson of other QA tools: on the English side terms are matched
//! ASCII-case-insensitively at word boundaries (a plural `s`/`es` is allowed), longest first, so
//! `reinforcement learning` wins over `learning`; on the Chinese side renderings are matched as
//! substrings (no word boundaries exist in Han text), also longest first, so 强化学习 does not
//! count as an occurrence of 学习. Both use Aho-Corasick automata built at load time as
//! contiguous NFAs, which become DFAs once they have searched enough text (see `Matcher`).

use crate::rules::ConfigError;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

mod scan;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGlossary {
    #[serde(default)]
    terms: BTreeMap<String, RawTerm>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerm {
    #[serde(default)]
    zh: Vec<String>,
    #[serde(default)]
    keep: bool,
    #[serde(default)]
    note: Option<String>,
}

/// One entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// The English term as written in the glossary.
    pub en: String,
    /// Chinese renderings, preferred first; empty for keep-only entries.
    pub zh: Vec<String>,
    /// Keeping the English term inside the Chinese is correct.
    pub keep: bool,
    pub note: Option<String>,
}

impl Term {
    pub fn preferred(&self) -> Option<&str> {
        self.zh.first().map(|s| s.as_str())
    }
}

/// A glossary term found in a text: which term, where (byte range).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermMatch {
    pub term: usize,
    pub start: usize,
    pub end: usize,
}

#[derive(Default)]
pub struct Glossary {
    pub terms: Vec<Term>,
    /// Lowercased English term -> index.
    by_en: BTreeMap<String, usize>,
    en: Option<Matcher>,
    zh: Option<Matcher>,
    /// Pattern index of the zh automaton -> the terms with that rendering.
    zh_owner: Vec<Vec<usize>>,
    /// Every English term is ASCII: a match then lies inside one run of ASCII bytes, so
    /// `find_en` searches only those runs (Chinese text is mostly non-ASCII bytes).
    en_ascii: bool,
    /// The same searches as the automata without walking them over every byte, when the
    /// patterns allow it (see `scan`).
    en_words: Option<scan::Words>,
    zh_starts: Option<scan::Starts>,
}

impl std::fmt::Debug for Glossary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Glossary({} terms)", self.terms.len())
    }
}

impl Glossary {
    /// Parse a glossary file; errors name the file and the line of the offending entry.
    pub fn parse(file: &str, text: &str) -> Result<Glossary, ConfigError> {
        let raw: RawGlossary =
            toml::from_str(text).map_err(|e| ConfigError::from_toml(file, text, &e))?;
        let mut terms = Vec::new();
        let mut by_en = BTreeMap::new();
        for (en, t) in raw.terms {
            // Only an error needs the line: finding it scans the file.
            let line = || term_line(text, &en);
            let en_trim = en.trim();
            if en_trim.is_empty() || !en_trim.chars().any(|c| c.is_ascii_alphanumeric()) {
                return Err(ConfigError::new(
                    file,
                    line(),
                    format!("term `{en}`: the English term must contain Latin letters or digits"),
                ));
            }
            if t.zh.is_empty() && !t.keep {
                return Err(ConfigError::new(
                    file,
                    line(),
                    format!("term `{en}`: give `zh = [...]` renderings or `keep = true`"),
                ));
            }
            if let Some(bad) = t.zh.iter().find(|z| z.trim().is_empty()) {
                return Err(ConfigError::new(
                    file,
                    line(),
                    format!("term `{en}`: empty Chinese rendering {bad:?}"),
                ));
            }
            let key = en_trim.to_ascii_lowercase();
            if by_en.contains_key(&key) {
                return Err(ConfigError::new(
                    file,
                    line(),
                    format!("term `{en}` is listed twice (terms match case-insensitively)"),
                ));
            }
            by_en.insert(key, terms.len());
            terms.push(Term {
                en: en_trim.to_string(),
                zh: t.zh.iter().map(|z| z.trim().to_string()).collect(),
                keep: t.keep,
                note: t.note,
            });
        }
        let build = |pats: Vec<String>, ci: bool| {
            Matcher::new(pats, ci)
                .map_err(|e| ConfigError::new(file, None, format!("glossary automaton: {e}")))
        };
        let en_pats: Vec<String> = terms.iter().map(|t| t.en.clone()).collect();
        // One pattern per distinct rendering: several terms may share one (泛化 for
        // generalize and generalization).
        let mut zh_pats: Vec<String> = Vec::new();
        let mut zh_owner: Vec<Vec<usize>> = Vec::new();
        for (i, t) in terms.iter().enumerate() {
            for z in &t.zh {
                match zh_pats.iter().position(|p| p == z) {
                    Some(k) => zh_owner[k].push(i),
                    None => {
                        zh_pats.push(z.clone());
                        zh_owner.push(vec![i]);
                    }
                }
            }
        }
        Ok(Glossary {
            en_ascii: en_pats.iter().all(|p| p.is_ascii()),
            en_words: scan::Words::new(&en_pats),
            zh_starts: scan::Starts::new(&zh_pats),
            en: Some(build(en_pats, true)?),
            zh: Some(build(zh_pats, false)?),
            terms,
            by_en,
            zh_owner,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The entry for an English term (case-insensitive; a plural `s` is tried too).
    pub fn lookup(&self, en: &str) -> Option<&Term> {
        let k = en.trim().to_ascii_lowercase();
        let idx = self.by_en.get(&k).or_else(|| {
            k.strip_suffix("es")
                .and_then(|s| self.by_en.get(s))
                .or_else(|| k.strip_suffix('s').and_then(|s| self.by_en.get(s)))
        })?;
        Some(&self.terms[*idx])
    }

    /// Glossary terms in English (or Latin text inside Chinese), longest first, at word
    /// boundaries; a trailing plural `s`/`es` is part of the match.
    pub fn find_en(&self, text: &str) -> Vec<TermMatch> {
        let Some(words) = &self.en_words else {
            return self.find_en_automaton(text);
        };
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        // Every match found starts at a word start, so only its end is checked.
        let found = words.find(bytes, |term, s, e| {
            if let Some(e) = word_end(bytes, e) {
                out.push(TermMatch {
                    term,
                    start: s,
                    end: e,
                });
            }
        });
        match found {
            Some(()) => out,
            None => self.find_en_automaton(text),
        }
    }

    /// `find_en` by the automaton: what `scan::Words` must find (it answers when it cannot).
    fn find_en_automaton(&self, text: &str) -> Vec<TermMatch> {
        let Some(ac) = &self.en else {
            return Vec::new();
        };
        let bytes = text.as_bytes();
        // Every term has an ASCII letter or digit (`parse` refuses others), so a text without
        // one (most Chinese) has no match: skip the automaton.
        if !bytes.iter().any(|b| b.is_ascii_alphanumeric()) {
            return Vec::new();
        }
        let mut out = Vec::new();
        // Word boundaries are checked on the whole text, whichever part was searched.
        let mut take = |m: aho_corasick::Match, base: usize| {
            let (s, e) = (base + m.start(), base + m.end());
            if !scan::boundary(bytes, s) {
                return;
            }
            let Some(e) = word_end(bytes, e) else {
                return;
            };
            out.push(TermMatch {
                term: m.pattern().as_usize(),
                start: s,
                end: e,
            });
        };
        if !self.en_ascii || text.is_ascii() {
            for m in ac.get(text.len()).find_iter(text) {
                take(m, 0);
            }
            return out;
        }
        // ASCII patterns match only inside a run of ASCII bytes, and a leftmost-longest search
        // resumed after a match finds, in the next run, what a search of that run alone
        // finds: searching run by run gives the same matches. Runs without a letter or digit
        // cannot hold one. Run ends are char boundaries (next to a non-ASCII lead byte).
        let mut i = 0;
        while i < bytes.len() {
            let Some(a) = bytes[i..].iter().position(|b| b.is_ascii()) else {
                break;
            };
            let s = i + a;
            let e = bytes[s..]
                .iter()
                .position(|b| !b.is_ascii())
                .map_or(bytes.len(), |k| s + k);
            if bytes[s..e].iter().any(|b| b.is_ascii_alphanumeric()) {
                for m in ac.get(e - s).find_iter(&text[s..e]) {
                    take(m, s);
                }
            }
            i = e;
        }
        out
    }

    /// Terms whose Chinese rendering occurs in `zh` (substring, longest first).
    pub fn found_zh(&self, zh: &str) -> BTreeSet<usize> {
        let Some(starts) = &self.zh_starts else {
            return self.found_zh_automaton(zh);
        };
        let mut pats = Vec::new();
        starts.find(zh.as_bytes(), |p, _, _| pats.push(p));
        pats.iter()
            .flat_map(|&p| self.zh_owner[p].iter().copied())
            .collect()
    }

    /// `found_zh` by the automaton: what `scan::Starts` must find (it answers when it can).
    fn found_zh_automaton(&self, zh: &str) -> BTreeSet<usize> {
        match &self.zh {
            Some(ac) => ac
                .get(zh.len())
                .find_iter(zh)
                .flat_map(|m| self.zh_owner[m.pattern().as_usize()].iter().copied())
                .collect(),
            None => BTreeSet::new(),
        }
    }
}

/// The end of a term that ends at `e` with a plural `s`/`es` taken in, or `None` when a word
/// goes on past it (a word byte, or a hyphen joined to one).
fn word_end(bytes: &[u8], mut e: usize) -> Option<usize> {
    let word = scan::word;
    if bytes.get(e..e + 2) == Some(b"es") && !bytes.get(e + 2).is_some_and(|&b| word(b)) {
        e += 2;
    } else if bytes.get(e) == Some(&b's') && !bytes.get(e + 1).is_some_and(|&b| word(b)) {
        e += 1;
    }
    if bytes.get(e).is_some_and(|&b| word(b))
        || (bytes.get(e) == Some(&b'-') && bytes.get(e + 1).is_some_and(|&b| word(b)))
    {
        return None;
    }
    Some(e)
}

/// A leftmost-longest Aho-Corasick automaton that starts as a contiguous NFA and becomes a
/// DFA once it has searched `DFA_AFTER` bytes. Why: for the built-in glossary the DFA costs
/// ~9 M instructions to build against ~2 M (most of the CPU of auditing a 2-line document,
/// before any check can run), and searches ~20 instructions per byte faster, so it pays for
/// itself after ~200-250 KB (the real interview searches 170 KB of English and 125 KB of
/// Chinese; a stream of 100k pairs ~35 MB). Every kind of automaton finds the same matches for
/// the same patterns and match kind: which one answers changes nothing in the output.
struct Matcher {
    patterns: Vec<String>,
    case_insensitive: bool,
    first: AhoCorasick,
    /// Built on the search that crosses `DFA_AFTER`; `None` when it cannot be (too large).
    dfa: OnceLock<Option<AhoCorasick>>,
    searched: AtomicUsize,
}

/// Bytes searched before the DFA is built (see `Matcher`).
const DFA_AFTER: usize = 256 * 1024;
/// Over this many patterns the DFA is never built (as in `aho_corasick`'s own choice: its
/// size grows with the number of states times the alphabet).
const DFA_MAX_PATTERNS: usize = 100;

impl Matcher {
    fn new(
        patterns: Vec<String>,
        case_insensitive: bool,
    ) -> Result<Matcher, aho_corasick::BuildError> {
        let first = Self::builder(case_insensitive, Some(AhoCorasickKind::ContiguousNFA))
            .build(&patterns)
            .or_else(|_| Self::builder(case_insensitive, None).build(&patterns))?;
        Ok(Matcher {
            patterns,
            case_insensitive,
            first,
            dfa: OnceLock::new(),
            searched: AtomicUsize::new(0),
        })
    }

    fn builder(case_insensitive: bool, kind: Option<AhoCorasickKind>) -> AhoCorasickBuilder {
        let mut b = AhoCorasickBuilder::new();
        b.kind(kind)
            .ascii_case_insensitive(case_insensitive)
            .match_kind(MatchKind::LeftmostLongest);
        b
    }

    /// The automaton to search `len` bytes with.
    fn get(&self, len: usize) -> &AhoCorasick {
        if self.patterns.len() > DFA_MAX_PATTERNS {
            return &self.first;
        }
        let dfa = match self.dfa.get() {
            Some(dfa) => dfa,
            None if self.searched.fetch_add(len, Ordering::Relaxed) + len < DFA_AFTER => {
                return &self.first;
            }
            None => self.dfa.get_or_init(|| {
                Self::builder(self.case_insensitive, Some(AhoCorasickKind::DFA))
                    .build(&self.patterns)
                    .ok()
            }),
        };
        dfa.as_ref().unwrap_or(&self.first)
    }
}

/// Line of `[terms."x"]` (or `[terms.x]`) in the file.
fn term_line(text: &str, en: &str) -> Option<usize> {
    let quoted = format!("\"{en}\"");
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            t.starts_with("[terms.")
                && (t.contains(&quoted) || t.trim_end().trim_end_matches(']').ends_with(en))
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const G: &str = r#"
[terms."learning"]
zh = ["学习"]
[terms."reinforcement learning"]
zh = ["强化学习"]
[terms."eval"]
zh = ["评估", "评测"]
[terms."evaluation"]
zh = ["评估"]
[terms."AI"]
keep = true
"#;

    #[test]
    fn searching_ascii_runs_finds_what_the_whole_text_search_finds() {
        let g = Glossary::parse("g.toml", G).unwrap();
        let mut whole = Glossary::parse("g.toml", G).unwrap();
        whole.en_ascii = false;
        for t in [
            "强化学习(reinforcement learning)和 evals，还有evaluation。",
            "不是 retrieval-learning 或 evaluations2，而是 AI的learning",
            "中文reinforcement learning中文 eval-x evals中 “AIs”",
            "“learning” — evals",
            "纯中文",
        ] {
            let key = |g: &Glossary| -> Vec<(usize, usize, usize)> {
                g.find_en(t)
                    .iter()
                    .map(|m| (m.term, m.start, m.end))
                    .collect()
            };
            assert_eq!(key(&g), key(&whole), "{t}");
        }
        assert!(!g.find_en("强化学习(reinforcement learning)").is_empty());
    }

    #[test]
    fn english_longest_first_at_word_boundaries() {
        let g = Glossary::parse("g.toml", G).unwrap();
        let m =
            g.find_en("Reinforcement learning and evals, an evaluation, not retrieval-learning or evaluations2.");
        let names: Vec<&str> = m.iter().map(|m| g.terms[m.term].en.as_str()).collect();
        assert_eq!(names, vec!["reinforcement learning", "eval", "evaluation"]);
        assert_eq!(m[1].end - m[1].start, "evals".len());
        assert!(
            g.find_en("MAIL and AIs")
                .iter()
                .any(|m| g.terms[m.term].en == "AI")
        );
    }

    #[test]
    fn chinese_substring_longest_first() {
        let g = Glossary::parse("g.toml", G).unwrap();
        let found = g.found_zh("我们用强化学习来训练");
        let names: Vec<&str> = found.iter().map(|&i| g.terms[i].en.as_str()).collect();
        assert_eq!(names, vec!["reinforcement learning"]);
        let found = g.found_zh("评估");
        assert_eq!(
            found.len(),
            2,
            "a shared rendering counts for every term that has it"
        );
    }

    /// The same matches before and after the automata become DFAs.
    #[test]
    fn matches_are_the_same_once_the_dfa_is_built() {
        let g = Glossary::parse("g.toml", G).unwrap();
        let texts = [
            "Reinforcement learning and evals, an evaluation, not retrieval-learning or evaluations2.",
            "强化学习(reinforcement learning)和 evals，还有evaluation。评估 学习 AIs",
            "MAIL and AIs, EVALUATION, Learning",
        ];
        type Found = (Vec<(usize, usize, usize)>, BTreeSet<usize>);
        let run = |g: &Glossary| -> Vec<Found> {
            texts
                .iter()
                .map(|t| {
                    let en = g
                        .find_en_automaton(t)
                        .iter()
                        .map(|m| (m.term, m.start, m.end))
                        .collect();
                    (en, g.found_zh_automaton(t))
                })
                .collect()
        };
        let dfa_built =
            |m: &Option<Matcher>| m.as_ref().unwrap().dfa.get().is_some_and(Option::is_some);
        let before = run(&g);
        assert!(!dfa_built(&g.en) && !dfa_built(&g.zh));
        // The scans answer `find_en` and `found_zh` for this glossary: the automata are
        // searched directly.
        let long = "learning 强化学习 ".repeat(DFA_AFTER / 10);
        assert_eq!(g.find_en_automaton(&long).len(), DFA_AFTER / 10);
        assert_eq!(g.found_zh_automaton(&long).len(), 1);
        assert!(dfa_built(&g.en) && dfa_built(&g.zh));
        assert_eq!(run(&g), before);
        assert!(before.iter().all(|(en, _)| !en.is_empty()));
    }

    /// Glossaries for the scan-equals-automaton tests: the built-in one, `G`, and terms that
    /// make occurrences inside words cover word starts (`xvalue function`, `training
    /// datasets`) or that the scans refuse (one byte, a non-word first byte).
    fn scan_glossaries() -> Vec<Glossary> {
        let tricky = r#"
[terms."value function"]
zh = ["价值函数"]
[terms."function"]
zh = ["函数"]
[terms."training data"]
zh = ["训练数据"]
[terms."dataset"]
zh = ["数据集", "数据"]
[terms."data set"]
zh = ["数据集"]
[terms."a bc"]
zh = ["甲乙"]
[terms."b-c de"]
zh = ["乙"]
[terms."ab_c"]
zh = ["甲乙丙", "甲"]
"#;
        let refused = format!(
            "{tricky}[terms.\".NET\"]\nkeep = true\n[terms.\"C\"]\nzh = [\"c\"]\n[terms.\"x y\"]\nkeep = true\n"
        );
        let gs = vec![
            Glossary::parse("g.toml", crate::rules::builtin::GLOSSARY.1).unwrap(),
            Glossary::parse("g.toml", G).unwrap(),
            Glossary::parse("g.toml", tricky).unwrap(),
            Glossary::parse("g.toml", &refused).unwrap(),
        ];
        assert!(
            gs[..3]
                .iter()
                .all(|g| g.en_words.is_some() && g.zh_starts.is_some())
        );
        assert!(gs[3].en_words.is_none() && gs[3].zh_starts.is_none());
        gs
    }

    /// `find_en` and `found_zh` against the automata on `text` (and its upper case).
    fn check_scans(gs: &[Glossary], text: &str) -> usize {
        let key = |v: Vec<TermMatch>| -> Vec<(usize, usize, usize)> {
            v.iter().map(|m| (m.term, m.start, m.end)).collect()
        };
        let mut found = 0;
        for t in [text.to_string(), text.to_ascii_uppercase()] {
            for g in gs {
                let want = key(g.find_en_automaton(&t));
                assert_eq!(key(g.find_en(&t)), want, "{t:?}");
                let zh = g.found_zh_automaton(&t);
                assert_eq!(g.found_zh(&t), zh, "{t:?}");
                found += want.len() + zh.len();
            }
        }
        found
    }

    /// Every cell of the Debian Reference TSV (skipped when ../shared is absent), the
    /// interview, and its lines.
    #[test]
    fn scans_find_what_the_automata_find_on_real_text() {
        use crate::test_support::{DEBIAN, INTERVIEW, cells, shared_file};
        let gs = scan_glossaries();
        let mut found = 0;
        let mut read = 0;
        for f in [DEBIAN, INTERVIEW] {
            let Some(text) = shared_file(f) else { continue };
            read += 1;
            for cell in cells(&text) {
                found += check_scans(&gs, cell);
            }
            if f == INTERVIEW {
                found += check_scans(&gs, &text);
            }
        }
        assert!(read == 0 || found > 1000, "{found}");
    }

    /// Generated text from pieces of the terms and renderings, with separators that make and
    /// break word boundaries.
    #[test]
    fn scans_find_what_the_automata_find_on_generated_text() {
        let gs = scan_glossaries();
        let pieces = [
            "value",
            " function",
            "x",
            "training",
            " data",
            "set",
            "sets",
            "s",
            "es",
            "-",
            " ",
            "_",
            "3",
            "a bc",
            "a b",
            "b-c",
            " d",
            " de",
            "ab_c",
            "learning",
            "reinforcement ",
            "eval",
            "AI",
            "ai",
            "MAIL",
            "pre",
            "pre-training",
            "，",
            "的",
            "强化学习",
            "学习",
            "数据",
            "集",
            "价值函数",
            "函数",
            "甲乙丙",
            "甲",
            "乙",
            "丙",
            "\u{e4}",
            "root",
            "GNU/Linux",
            "file system",
            "chain of thought",
            "of",
            "é",
            ".",
            "(",
            "\n",
        ];
        let mut r = crate::test_support::XorShift::new(0x5eed_61055a27);
        let (mut found, mut fallbacks) = (0, 0);
        for n in 0..20_000 {
            let mut t = String::new();
            for _ in 0..(n % 23) {
                t.push_str(pieces[r.index(pieces.len())]);
            }
            found += check_scans(&gs, &t);
            // How often an occurrence inside a word sends the text back to the automaton.
            fallbacks += usize::from(
                gs[2]
                    .en_words
                    .as_ref()
                    .unwrap()
                    .find(t.as_bytes(), |_, _, _| {})
                    .is_none(),
            );
        }
        assert!(found > 20_000, "{found}");
        assert!(fallbacks > 100 && fallbacks < 10_000, "{fallbacks}");
    }

    #[test]
    fn errors_name_the_line() {
        let e = Glossary::parse("g.toml", "[terms.\"x\"]\nzh = []\n").unwrap_err();
        assert_eq!(e.line, Some(1), "{e}");
        let e =
            Glossary::parse("g.toml", "[terms.\"x\"]\nzh = [\"甲\"]\nkeeep = true\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
    }
}
