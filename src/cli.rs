//! Command line: parse arguments, load the engine, read documents, render, map the outcome
//! to an exit code (0 pass, 1 gate failed, 2 usage/config/input error).

use crate::engine::{Engine, LoadOptions};
use crate::finding::Severity;
use crate::model::Lang;
use crate::reader::{self, InputFormat, ReadOptions};
use crate::report::{self, Format, InputErrorEntry, RenderOptions, Report};
use crate::rules::settings::{RawGate, RawResources, RawSettings, RuleOverride};
use crate::waivers::Baseline;
use clap::{Args, Parser, Subcommand};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Parser, Debug)]
#[command(
    name = "tqa",
    version,
    about = "Translation quality auditor for Chinese/English bilingual documents"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Editorial review: a readable report of every finding, with the score.
    Audit(RunArgs),
    /// Pre-publication gate: concise output; exit 0 pass, 1 fail, 2 error.
    Gate(RunArgs),
    /// List the rules.
    Rules(RulesArgs),
    /// Explain one rule: what it flags, why, examples, known false positives.
    Rule(RuleArgs),
    /// Re-pair a transcript: each Chinese block followed by the English that translates it.
    Realign(RealignArgs),
    /// Record the current findings as accepted, in a baseline file for `--baseline`.
    Baseline(BaselineArgs),
}

#[derive(Args, Debug)]
pub struct RealignArgs {
    /// Transcript to re-pair.
    pub file: String,
    /// Where to write the re-paired document.
    #[arg(long, short = 'o', value_name = "OUT")]
    pub output: PathBuf,
    #[command(flatten)]
    pub config: ConfigArgs,
}

#[derive(Args, Debug, Clone, Default)]
pub struct ConfigArgs {
    /// Rules directory overriding the built-in rules (rule files, settings.toml, glossary.toml).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Settings file (same keys as rules/settings.toml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Run only these rules (names, codes or code prefixes; comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these rules.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Override a rule's severity: RULE=SEVERITY (repeatable).
    #[arg(long = "severity", value_name = "RULE=SEVERITY")]
    pub severities: Vec<String>,
    /// Glossary file (TOML).
    #[arg(long, value_name = "FILE")]
    pub glossary: Option<PathBuf>,
    /// CC-CEDICT lexicon (plain or .gz).
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// Documents to audit; `-` reads standard input.
    #[arg(required_unless_present_any = ["zh", "stream"], value_name = "FILE")]
    pub files: Vec<String>,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Output format (default: terminal).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write one report per document into this directory instead of standard output.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Gate: fail when a document scores under this.
    #[arg(long)]
    pub min_score: Option<f64>,
    /// Gate: fail on any finding at or above this severity.
    #[arg(long, value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// Worker threads (default: all cores). Output is identical whatever the number.
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Hide the findings recorded in this baseline file (`tqa baseline`); report stale entries.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct BaselineArgs {
    /// Documents whose current findings are accepted; `-` reads standard input.
    #[arg(required_unless_present = "zh", value_name = "FILE")]
    pub files: Vec<String>,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Baseline file to write (replaced atomically).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
    #[command(flatten)]
    pub input: InputArgs,
}

/// How inputs are read (formats, columns, direction, streaming).
#[derive(Args, Debug, Clone, Default)]
pub struct InputArgs {
    /// Input format (default: detected from the name and content).
    #[arg(long, value_enum)]
    pub input_format: Option<InputFormat>,
    /// Chinese file of a pair of one-language files (plain text lines or subtitles); with --en.
    #[arg(long, value_name = "FILE", requires = "en")]
    pub zh: Option<String>,
    /// English file of the pair; with --zh.
    #[arg(long, value_name = "FILE", requires = "zh")]
    pub en: Option<String>,
    /// TSV/CSV column (header name or 0-based index) or JSONL field of the Chinese text.
    #[arg(long, value_name = "COL")]
    pub zh_col: Option<String>,
    /// TSV/CSV column or JSONL field of the English text.
    #[arg(long, value_name = "COL")]
    pub en_col: Option<String>,
    /// JSONL field of the speaker (default `speaker`).
    #[arg(long, value_name = "FIELD")]
    pub speaker_field: Option<String>,
    /// JSONL field of the id (default `id`).
    #[arg(long, value_name = "FIELD")]
    pub id_field: Option<String>,
    /// Honour `"` quoting in TSV/CSV (default: off for TSV, on for CSV).
    #[arg(long, value_name = "on|off", value_parser = parse_on_off)]
    pub quoting: Option<bool>,
    /// Source language (the other side is the translation); overrides the file's metadata.
    #[arg(long, value_name = "zh|en", value_parser = parse_lang)]
    pub source: Option<Lang>,
    /// Target language; must differ from --source.
    #[arg(long, value_name = "zh|en", value_parser = parse_lang)]
    pub target: Option<Lang>,
    /// Stream JSONL/TSV pairs (a file or stdin) to one JSON line per pair plus a summary line,
    /// in bounded memory.
    #[arg(long)]
    pub stream: bool,
    /// Pairs per chunk in --stream mode (the window of document-level checks).
    #[arg(long, value_name = "N", default_value_t = crate::stream::DEFAULT_CHUNK)]
    pub chunk: usize,
}

impl InputArgs {
    pub fn read_options(&self) -> Result<ReadOptions, String> {
        let source = match (self.source, self.target) {
            (Some(s), Some(t)) if s == t => {
                return Err("--source and --target must be different languages".into());
            }
            (Some(s), _) => Some(s),
            (None, Some(t)) => Some(t.other()),
            (None, None) => None,
        };
        Ok(ReadOptions {
            zh_col: self.zh_col.clone(),
            en_col: self.en_col.clone(),
            speaker_field: self.speaker_field.clone(),
            id_field: self.id_field.clone(),
            quoting: self.quoting,
            source,
        })
    }
}

fn parse_on_off(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "on" | "true" | "yes" => Ok(true),
        "off" | "false" | "no" => Ok(false),
        _ => Err(format!("`{s}`: expected on or off")),
    }
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    reader::lang_of_tag(s).ok_or_else(|| format!("`{s}`: expected zh or en"))
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct RuleArgs {
    /// Rule name or code.
    pub name: String,
    #[command(flatten)]
    pub config: ConfigArgs,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s)
        .ok_or_else(|| format!("`{s}` is not a severity (info, minor, major, critical)"))
}

impl ConfigArgs {
    pub fn load_options(&self, gate: RawGate) -> Result<LoadOptions, String> {
        let mut rules = std::collections::BTreeMap::new();
        for s in &self.severities {
            let (name, sev) = s
                .split_once('=')
                .ok_or_else(|| format!("--severity `{s}`: expected RULE=SEVERITY"))?;
            let sev = parse_severity(sev.trim())?;
            rules.insert(
                name.trim().to_string(),
                RuleOverride {
                    severity: Some(sev),
                    ..Default::default()
                },
            );
        }
        let flags = RawSettings {
            gate: Some(gate),
            score: None,
            resources: Some(RawResources {
                glossary: self.glossary.as_ref().map(|p| p.display().to_string()),
                lexicon: self.lexicon.as_ref().map(|p| p.display().to_string()),
            }),
            select: (!self.select.is_empty()).then(|| self.select.clone()),
            ignore: (!self.ignore.is_empty()).then(|| self.ignore.clone()),
            rules: (!rules.is_empty()).then_some(rules),
        };
        Ok(LoadOptions {
            rules_dir: self.rules.clone(),
            config: self.config.clone(),
            flags,
        })
    }
}

/// Parse the command line and run; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Audit(a) => run(&a, false),
        Command::Gate(a) => run(&a, true),
        Command::Rules(a) => list_rules(&a),
        Command::Rule(a) => explain_rule(&a),
        Command::Realign(a) => realign(&a),
        Command::Baseline(a) => crate::cli_reports::record(&a),
    }
}

fn load_engine(cfg: &ConfigArgs, gate: RawGate) -> Result<Engine, i32> {
    let opts = cfg.load_options(gate).map_err(|m| {
        eprintln!("error: {m}");
        2
    })?;
    Engine::load(&opts).map_err(|e| {
        eprintln!("error: {e}");
        2
    })
}

fn run(args: &RunArgs, gate: bool) -> i32 {
    if let Some(n) = args.jobs {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    let fmt = args.input.input_format;
    let mut inputs: Vec<(String, Option<String>)> =
        args.files.iter().map(|f| (f.clone(), None)).collect();
    if let (Some(z), Some(e)) = (&args.input.zh, &args.input.en) {
        inputs.push((z.clone(), Some(e.clone())));
    }
    let read = |(path, en): &(String, Option<String>), opts: &ReadOptions| match en {
        Some(en) => reader::read_pair_files(path, en, fmt, opts),
        None => reader::read_document_with(path, fmt, opts),
    };
    // A single document is read while the engine loads (on another thread): neither needs the
    // other, and both come before any check runs. Nothing is printed here, so errors keep their
    // order (a bad configuration is reported, and the document dropped, exactly as before).
    // Several documents are read in the parallel loop below, one at a time per thread.
    let early_opts = args.input.read_options().ok();
    let (engine, early_doc) = rayon::join(
        || {
            load_engine(
                &args.config,
                RawGate {
                    min_score: args.min_score,
                    fail_on: args.fail_on,
                },
            )
        },
        || match (&early_opts, inputs.as_slice()) {
            (Some(o), [one]) if !args.input.stream => Some(read(one, o)),
            _ => None,
        },
    );
    let engine = match engine {
        Ok(e) => e,
        Err(code) => return code,
    };
    let early_doc = std::sync::Mutex::new(early_doc);
    let baseline = match args.baseline.as_deref().map(Baseline::load).transpose() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let read_opts = match args.input.read_options() {
        Ok(o) => o,
        Err(m) => {
            eprintln!("error: {m}");
            return 2;
        }
    };
    if args.input.stream {
        if args.baseline.is_some() {
            eprintln!("error: --baseline does not apply to --stream (audit the documents instead)");
            return 2;
        }
        return crate::stream_cli::run(&engine, args, &read_opts, gate);
    }
    // Read and audit every document; a bad one is reported and the others still run.
    let progress = crate::stream_cli::documents_progress(args.files.len());
    let results: Vec<Result<report::DocumentReport, InputErrorEntry>> = inputs
        .par_iter()
        .map(|input| {
            let path = &input.0;
            // The document read early (only ever one, with the same options) or read now.
            let early = early_doc.lock().map(|mut d| d.take()).unwrap_or(None);
            let doc = early.unwrap_or_else(|| read(input, &read_opts));
            let entries = baseline
                .as_ref()
                .map(|b| b.entries_for(path, &args.files))
                .unwrap_or_default();
            let r = doc
                .map(|doc| engine.audit_with(Arc::new(doc), &entries))
                .map_err(|e| InputErrorEntry {
                    path: e.path.clone(),
                    line: e.line,
                    message: e.message.clone(),
                });
            if let Some(p) = &progress {
                p.inc(1);
            }
            r
        })
        .collect();
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(d) => docs.push(d),
            Err(e) => errors.push(e),
        }
    }
    for e in &errors {
        let loc = e
            .line
            .map(|l| format!("{}:{l}", e.path))
            .unwrap_or_else(|| e.path.clone());
        eprintln!("error: {loc}: {}", e.message);
    }
    let format = args.format.unwrap_or(Format::Terminal);
    let color = format == Format::Terminal
        && args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let opts = RenderOptions {
        color,
        concise: gate,
        rules: crate::cli_reports::active_rules(&engine),
    };
    let failed = docs.iter().any(|d| !d.gate.passed);
    let had_errors = !errors.is_empty();
    let write_result = match &args.output {
        Some(dir) => write_reports(dir, docs, errors, format, &opts),
        None => {
            let report = Report::new(
                docs,
                if format == Format::Terminal {
                    Vec::new()
                } else {
                    errors
                },
            );
            let text = report::render(&report, format, &opts);
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .map_err(|e| e.to_string())
        }
    };
    if let Err(e) = write_result
        && !e.contains("Broken pipe")
    {
        eprintln!("error: {e}");
        return 2;
    }
    if had_errors {
        2
    } else if gate && failed {
        1
    } else {
        0
    }
}

/// One report per document, written atomically (temporary file, then rename) inside `dir`.
fn write_reports(
    dir: &Path,
    docs: Vec<report::DocumentReport>,
    errors: Vec<InputErrorEntry>,
    format: Format,
    opts: &RenderOptions,
) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    let mut used = std::collections::BTreeSet::new();
    used.insert(format!("errors.{}", format.extension()));
    for d in docs {
        let stem = crate::cli_reports::report_stem(&d.path);
        let mut name = format!("{stem}.{}", format.extension());
        let mut k = 2;
        while !used.insert(name.clone()) {
            name = format!("{stem}-{k}.{}", format.extension());
            k += 1;
        }
        let text = report::render(&Report::single(d), format, opts);
        write_atomic(&dir.join(&name), text.as_bytes())?;
        eprintln!("wrote {}", dir.join(&name).display());
    }
    if !errors.is_empty() && format != Format::Terminal {
        let text = report::render(&Report::new(Vec::new(), errors), format, opts);
        write_atomic(
            &dir.join(format!("errors.{}", format.extension())),
            text.as_bytes(),
        )?;
    }
    Ok(())
}

/// Write to a temporary file in the same directory, then rename over the target, so a reader
/// sees the old report or the new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default(),
        std::process::id()
    ));
    // Flush to disk before the rename, so a crash cannot leave a renamed but empty report.
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!("{}: cannot write: {e}", tmp.display()));
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{}: cannot write: {e}", path.display())
    })
}

fn list_rules(args: &RulesArgs) -> i32 {
    let engine = match load_engine(&args.config, RawGate::default()) {
        Ok(e) => e,
        Err(c) => return c,
    };
    let active: std::collections::BTreeSet<&str> =
        engine.active.iter().map(|r| r.def.name.as_str()).collect();
    if args.json {
        let v: Vec<serde_json::Value> = engine
            .all_rules
            .iter()
            .map(|r| {
                let sev = engine
                    .active
                    .iter()
                    .find(|a| a.def.name == r.name)
                    .map_or(r.severity, |a| a.severity);
                serde_json::json!({"name": r.name, "code": r.code, "severity": sev, "mqm": r.mqm,
                    "enabled": active.contains(r.name.as_str()), "summary": r.summary})
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v).expect("json"));
        return 0;
    }
    println!(
        "{:<8} {:<22} {:<9} {:<8} summary",
        "code", "name", "severity", "enabled"
    );
    for r in &engine.all_rules {
        let sev = engine
            .active
            .iter()
            .find(|a| a.def.name == r.name)
            .map_or(r.severity, |a| a.severity);
        println!(
            "{:<8} {:<22} {:<9} {:<8} {}",
            r.code,
            r.name,
            sev.name(),
            if active.contains(r.name.as_str()) {
                "yes"
            } else {
                "no"
            },
            r.summary
        );
    }
    0
}

fn explain_rule(args: &RuleArgs) -> i32 {
    let engine = match load_engine(&args.config, RawGate::default()) {
        Ok(e) => e,
        Err(c) => return c,
    };
    let Some(r) = engine
        .all_rules
        .iter()
        .find(|r| r.name == args.name || r.code.eq_ignore_ascii_case(&args.name))
    else {
        eprintln!("error: no rule named `{}` (see `tqa rules`)", args.name);
        return 2;
    };
    print!("{}", crate::rules::explain(r, &engine.settings));
    0
}

fn realign(args: &RealignArgs) -> i32 {
    let engine = match load_engine(&args.config, RawGate::default()) {
        Ok(e) => e,
        Err(c) => return c,
    };
    let doc = match reader::read_document(&args.file, Some(InputFormat::Transcript)) {
        Ok(d) => d,
        Err(e) => {
            let loc = e.line.map_or(e.path.clone(), |l| format!("{}:{l}", e.path));
            eprintln!("error: {loc}: {}", e.message);
            return 2;
        }
    };
    let shared = crate::analysis::Shared::default();
    let al = shared.alignment(&doc, engine.resources.lexicon.as_deref());
    let (text, moves) = crate::align::realign::realign(&doc, al);
    if let Err(e) = write_atomic(&args.output, text.as_bytes()) {
        eprintln!("error: {e}");
        return 2;
    }
    for m in &moves {
        println!("{m}");
    }
    println!("{} move(s); wrote {}", moves.len(), args.output.display());
    0
}
