//! `tqa-eval`: the labelled evaluation. Builds documents from clean real pairs, injects known
//! defects (seeded, deterministic), audits them with the built-in rules, and reports precision
//! and recall per rule and the share of clean pairs flagged. With `--check FILE` it exits 1
//! when a figure falls under its threshold. See `tqa::eval` for the method.

use clap::Parser;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use tqa::engine::{Engine, LoadOptions};
use tqa::eval::{Rng, data, doc, inject, measure};
use tqa::rules::settings::{RawResources, RawSettings};

#[derive(Parser, Debug)]
#[command(
    name = "tqa-eval",
    about = "Labelled evaluation of tqa's rules on injected defects"
)]
struct Args {
    /// The shared data directory (debian-reference TSV, interview transcript).
    #[arg(long, default_value = "../shared")]
    shared: PathBuf,
    /// CC-CEDICT lexicon to load (as `tqa --lexicon`).
    #[arg(long)]
    lexicon: Option<PathBuf>,
    /// Write the full results as JSON here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Compare against this thresholds file; exit 1 on regression.
    #[arg(long)]
    check: Option<PathBuf>,
    /// PRNG seed: the same seed gives the same documents and defects.
    #[arg(long, default_value_t = 20251128)]
    seed: u64,
    /// Pairs per Debian document.
    #[arg(long, default_value_t = 50)]
    doc_pairs: usize,
    /// Passes over the Debian pool (each pass cuts documents at a different offset).
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Injected variants of the interview's clean pairs.
    #[arg(long, default_value_t = 8)]
    interview_variants: usize,
    /// Largest share of a document's pairs touched by defects.
    #[arg(long, default_value_t = 0.15)]
    share: f64,
    /// Write every generated document and its labels into this directory.
    #[arg(long)]
    dump: Option<PathBuf>,
}

fn main() {
    std::process::exit(match run(Args::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    });
}

fn read(path: &std::path::Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))
}

fn run(args: Args) -> Result<i32, String> {
    let thresholds = match &args.check {
        Some(p) => Some(measure::Thresholds::parse(
            &p.display().to_string(),
            &read(p)?,
        )?),
        None => None,
    };
    let tsv = args.shared.join("data/debian-reference.zh-en.tsv");
    let md = args.shared.join("corpus/ai-interview.zh-en.md");
    let (debian, deb_sel) = data::debian(&read(&tsv)?);
    let (interview, int_sel) = data::interview(&md.display().to_string(), &read(&md)?)?;
    if debian.len() < args.doc_pairs {
        return Err(format!(
            "{}: too few clean rows ({})",
            tsv.display(),
            debian.len()
        ));
    }

    let flags = RawSettings {
        resources: Some(RawResources {
            glossary: None,
            lexicon: args.lexicon.as_ref().map(|p| p.display().to_string()),
        }),
        ..Default::default()
    };
    let engine = Engine::load(&LoadOptions {
        flags,
        ..Default::default()
    })
    .map_err(|e| e.to_string())?;
    let implemented: BTreeSet<String> = engine.all_rules.iter().map(|r| r.name.clone()).collect();

    // Documents: consecutive Debian rows (file order keeps the prose coherent), cut at a
    // different offset each round, and variants of the interview's clean pairs.
    let mut docs: Vec<(doc::EvalDoc, Vec<String>)> = Vec::new();
    let deb_en: Vec<String> = debian.iter().map(|p| p.en.clone()).collect();
    for round in 0..args.rounds {
        let offset = round * args.doc_pairs / args.rounds.max(1);
        let mut start = offset;
        while start + args.doc_pairs <= debian.len() {
            let end = start + args.doc_pairs;
            let d = doc::from_pairs(&format!("debian-r{round}-{start:04}"), &debian[start..end]);
            let donors: Vec<String> = deb_en[..start]
                .iter()
                .chain(&deb_en[end..])
                .cloned()
                .collect();
            docs.push((d, donors));
            start = end;
        }
    }
    for v in 0..args.interview_variants {
        docs.push((
            doc::from_pairs(&format!("interview-v{v}"), &interview),
            deb_en.clone(),
        ));
    }

    // Inject sequentially (kind balance carries over from one document to the next).
    let mut master = Rng::new(args.seed);
    let mut counts = BTreeMap::new();
    let mut prepared = Vec::new();
    for (k, (mut d, donors)) in docs.into_iter().enumerate() {
        let mut rng = master.fork(k as u64);
        let inj = inject::inject_document(&mut d, &mut rng, &mut counts, &donors, args.share);
        let (text, lines) = d.render();
        prepared.push((d, inj, text, lines));
    }

    if let Some(dir) = &args.dump {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for (d, inj, text, lines) in &prepared {
            std::fs::write(dir.join(format!("{}.zh-en.md", d.name)), text)
                .map_err(|e| e.to_string())?;
            let labels: Vec<serde_json::Value> = inj
                .iter()
                .map(|i| {
                    let at = |ids: &[usize]| -> Vec<String> {
                        ids.iter()
                            .filter_map(|id| d.index_of(*id))
                            .filter_map(|x| lines[x].span())
                            .map(|s| s.to_string())
                            .collect()
                    };
                    serde_json::json!({"kind": i.kind, "expect": i.kind.expect(), "allow": i.kind.allow(),
                        "target_lines": at(&i.targets), "touched_lines": at(&i.touched), "note": i.note})
                })
                .collect();
            std::fs::write(
                dir.join(format!("{}.labels.json", d.name)),
                serde_json::to_string_pretty(&labels).expect("json"),
            )
            .map_err(|e| e.to_string())?;
        }
    }

    // Audit in parallel; score in document order.
    let audited: Vec<Result<Vec<tqa::finding::Finding>, String>> = prepared
        .par_iter()
        .map(|(d, _, text, lines)| {
            let parsed = d.parse_checked(text, lines)?;
            Ok(engine.audit(Arc::new(parsed)).findings)
        })
        .collect();
    let mut tally = measure::Tally::default();
    for ((d, inj, _, lines), findings) in prepared.iter().zip(audited) {
        tally.add(d, lines, inj, &findings?);
    }
    let summary = tally.finish(&implemented);

    let mode = match &args.lexicon {
        Some(p) => format!("with lexicon {}", p.display()),
        None => "without lexicon".to_string(),
    };
    let mut out = format!(
        "tqa-eval ({mode}, seed {}): {} documents, {} pairs, {} defects injected; clean pool: {} Debian rows of {}, {} interview pairs\n",
        args.seed,
        summary.documents,
        summary.pairs,
        summary.injections,
        deb_sel.kept,
        deb_sel.rows,
        int_sel.kept
    );
    out.push_str(&summary.table());

    let regressions = thresholds
        .as_ref()
        .map(|t| t.check(&summary, args.lexicon.is_some()))
        .unwrap_or_default();
    if let Some(path) = &args.json {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let v = serde_json::json!({
            "schema_version": 1,
            "seed": args.seed,
            "lexicon": args.lexicon.as_ref().map(|p| p.display().to_string()),
            "share": args.share,
            "doc_pairs": args.doc_pairs,
            "rounds": args.rounds,
            "interview_variants": args.interview_variants,
            "selection": {"debian": deb_sel, "interview": int_sel, "interview_keep_lines": data::INTERVIEW_KEEP},
            "summary": summary,
            "check": args.check.as_ref().map(|p| serde_json::json!({"file": p.display().to_string(), "regressions": regressions})),
        });
        tqa::cli::write_atomic(
            path,
            serde_json::to_string_pretty(&v).expect("json").as_bytes(),
        )?;
        eprintln!("wrote {}", path.display());
    }
    let mut code = 0;
    if let Some(p) = &args.check {
        if regressions.is_empty() {
            out.push_str(&format!("check {}: all thresholds met\n", p.display()));
        } else {
            out.push_str(&format!(
                "check {}: {} regression(s)\n",
                p.display(),
                regressions.len()
            ));
            for r in &regressions {
                out.push_str(&format!("  - {r}\n"));
            }
            code = 1;
        }
    }
    // A closed pipe (`| head`) is not an error worth a panic.
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    Ok(code)
}
