//! Benchmark (not a test): audit time per pair at 1k, 10k and 100k pairs, to show the
//! alignment (screen, windows, far matches, duplicate sketch) stays linear.
//!
//! Documents are built from the clean Debian Reference rows (`../shared/data/`), repeated with
//! variation (each repetition shuffles the rows and tags every Latin word on both sides with its
//! number, see `tag`), written
//! in the transcript layout and parsed like a real file; 1 % of pairs get their English swapped
//! with a pair 1-3 positions later, so the DP windows and far matches do real work. Every size
//! is audited with the built-in rules (all of them, as `tqa audit` does) and, as the baseline in
//! the same run, with `missing_translation` only (reading, pairing and scoring, no alignment).
//! With `TQA_BENCH_LEXICON=path` the CC-CEDICT lexicon is loaded once, before the runs, and its
//! load time is printed. Run: `cargo bench --bench align_scale` (skips when ../shared is absent);
//! wrap in `/usr/bin/time -v` for peak memory.

use std::sync::Arc;
use std::time::Instant;
use tqa::engine::{Engine, LoadOptions};
use tqa::rules::settings::{RawResources, RawSettings};

/// Variation for repetition `rep`: every Latin word of 3+ letters gets the repetition's
/// number (on both sides, so a pair's anchors still agree), so copies of a row from different
/// repetitions are distinct texts, as different paragraphs of a real large document are.
fn tag(text: &str, rep: usize) -> String {
    if rep == 0 {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphabetic() {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            out.push_str(&word);
            if word.len() >= 3 {
                out.push_str(&rep.to_string());
            }
            word.clear();
        }
        out.push(c);
    }
    out.pop();
    out
}

fn build(rows: &[(String, String)], n: usize, seed: u64) -> String {
    let mut out = String::with_capacity(n * 200);
    let mut state = seed;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let mut pairs: Vec<(String, String)> = Vec::with_capacity(n);
    let mut rep = 0;
    while pairs.len() < n {
        for i in (1..order.len()).rev() {
            order.swap(i, (next() % (i as u64 + 1)) as usize);
        }
        for &i in &order {
            if pairs.len() == n {
                break;
            }
            let (zh, en) = &rows[i];
            pairs.push((tag(zh, rep), tag(en, rep)));
        }
        rep += 1;
    }
    // 1 % displaced English.
    for k in (0..n.saturating_sub(4)).step_by(100) {
        let j = k + 1 + (next() % 3) as usize;
        let (a, b) = (pairs[k].1.clone(), pairs[j].1.clone());
        pairs[k].1 = b;
        pairs[j].1 = a;
    }
    for (i, (zh, en)) in pairs.iter().enumerate() {
        let who = if i % 2 == 0 { "Ana Ruiz" } else { "Ben Okafor" };
        out.push_str(&format!("**{who}:** {zh}\n**{who}:** {en}\n"));
    }
    out
}

fn engine(select: Option<&str>, lexicon: Option<&str>) -> Engine {
    let flags = RawSettings {
        select: select.map(|s| vec![s.to_string()]),
        resources: Some(RawResources {
            glossary: None,
            lexicon: lexicon.map(str::to_string),
        }),
        ..Default::default()
    };
    Engine::load(&LoadOptions {
        flags,
        ..Default::default()
    })
    .expect("engine")
}

fn main() {
    let path = std::path::Path::new("../shared/data/debian-reference.zh-en.tsv");
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("skipped: {} absent", path.display());
        return;
    };
    let (clean, _) = tqa::eval::data::debian(&text);
    let rows: Vec<(String, String)> = clean.into_iter().map(|c| (c.zh, c.en)).collect();
    let lexicon = std::env::var("TQA_BENCH_LEXICON").ok();
    let t = Instant::now();
    let full = engine(None, lexicon.as_deref());
    let load = t.elapsed();
    if let Some(l) = &lexicon {
        println!(
            "lexicon {l}: loaded once in {:.2} s ({} entries)",
            load.as_secs_f64(),
            full.resources.lexicon.as_ref().map_or(0, |x| x.entries)
        );
    }
    let base = engine(Some("missing_translation"), None);
    println!(
        "{:>8} {:>14} {:>14} {:>10} {:>12}",
        "pairs", "all rules µs/pair", "baseline µs/pair", "findings", "vs 1k"
    );
    let mut first = None;
    for n in [1_000usize, 10_000, 100_000] {
        let doc_text = build(&rows, n, 0x9e3779b97f4a7c15 ^ n as u64);
        let doc = Arc::new(tqa::reader::parse("bench.md", &doc_text, None).expect("parse"));
        assert_eq!(doc.pairs.len(), n);
        let t = Instant::now();
        let r = full.audit(doc.clone());
        let all = t.elapsed().as_secs_f64() * 1e6 / n as f64;
        let t = Instant::now();
        base.audit(doc);
        let b = t.elapsed().as_secs_f64() * 1e6 / n as f64;
        let ratio = all / *first.get_or_insert(all);
        println!(
            "{n:>8} {all:>14.1} {b:>14.1} {:>10} {ratio:>11.2}x",
            r.findings.len()
        );
    }
}
