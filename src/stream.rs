//! `tqa audit --stream`: audit a corpus of JSONL or TSV/CSV pairs from a file or standard
//! input in bounded memory, writing one JSON line per pair (in input order) and a final
//! summary line, so the tool can run as a stage of a pipeline (Spark `RDD.pipe`, Hadoop
//! streaming, GNU parallel).
//!
//! Input is cut into chunks of `chunk` non-blank lines (default 4096). A batch of as many
//! chunks as there are worker threads is read, each chunk is parsed and audited as one
//! document on its own thread (rayon), and the batch's output is written in chunk order
//! before the next batch is read. Memory is therefore bounded by threads × chunk lines,
//! whatever the input size.
//!
//! Document-level analyses (length calibration, duplicate detection, alignment) see one
//! chunk: a window of `chunk` consecutive pairs, not the whole corpus. Chunk boundaries
//! depend only on the input and `chunk`, never on the thread count, so the output bytes are
//! identical at any `--jobs` / `RAYON_NUM_THREADS`. A finding not tied to one pair is written
//! as a `{"type":"window",...}` line after that chunk's pairs.
//!
//! Output lines:
//! `{"type":"pair","index":0,"line":2,"id":"..","score":100.0,"findings":[...]}` and, last,
//! `{"type":"summary","pairs":N,"findings":M,"counts":{..},"score":..,"penalty":..,"words":..,"chunk":4096}`.
//! A line that cannot be read (bad JSON, not UTF-8) stops the stream with an `InputError`
//! naming the file and line, after everything before its chunk has been written.

use crate::engine::Engine;
use crate::finding::Finding;
use crate::model::{Document, LineRange, Pair};
use crate::reader::{self, InputError, InputFormat, ReadOptions, jsonl, tsv};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::sync::Arc;

pub const DEFAULT_CHUNK: usize = 4096;

#[derive(Debug, Clone)]
pub struct StreamOptions {
    /// `Jsonl`, `Tsv` or `Csv`; None: from the file name, else the first non-blank line.
    pub format: Option<InputFormat>,
    pub read: ReadOptions,
    pub chunk: usize,
}

#[derive(Debug)]
pub enum StreamError {
    Input(InputError),
    /// Writing the output failed (a closed pipe ends the stream quietly).
    Output(std::io::Error),
}

impl From<InputError> for StreamError {
    fn from(e: InputError) -> Self {
        StreamError::Input(e)
    }
}

/// What the stream saw, for the summary line and the caller's exit code.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub pairs: usize,
    pub findings: usize,
    pub counts: BTreeMap<String, usize>,
    pub score: f64,
    pub penalty: f64,
    pub words: f64,
    pub chunk: usize,
    /// Findings at or above the gate's `fail_on` severity.
    pub blocking: usize,
    /// The gate over the whole stream: no blocking finding and score ≥ `min_score`.
    pub passed: bool,
}

#[derive(Serialize)]
struct PairLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    index: usize,
    line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    score: f64,
    findings: Vec<&'a Finding>,
}

#[derive(Serialize)]
struct WindowLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    lines: LineRange,
    findings: Vec<&'a Finding>,
}

/// How each input line becomes a pair.
enum Layout {
    Jsonl(jsonl::JsonlOptions),
    Delimited(tsv::Layout, char),
}

/// A chunk as read: (line number, line text) of its non-blank lines.
type Chunk = Vec<(usize, String)>;

struct ChunkResult {
    out: Vec<u8>,
    pairs: usize,
    findings: usize,
    counts: BTreeMap<String, usize>,
    penalty: f64,
    words: f64,
    blocking: usize,
}

/// Run the stream. `progress` is called after each batch with the pairs done so far and
/// the input bytes consumed.
pub fn run<R: BufRead, W: Write>(
    engine: &Engine,
    path: &str,
    mut input: R,
    out: &mut W,
    opts: &StreamOptions,
    progress: &mut dyn FnMut(usize, u64),
) -> Result<Summary, StreamError> {
    let chunk_size = opts.chunk.max(1);
    let batch = rayon::current_num_threads().max(1);
    let mut line_no = 0usize;
    let bytes_read = std::cell::Cell::new(0u64);
    let mut buf = Vec::new();
    let mut read_chunk = |input: &mut R| -> Result<Chunk, StreamError> {
        let mut chunk = Vec::with_capacity(chunk_size);
        while chunk.len() < chunk_size {
            buf.clear();
            let n = input.read_until(b'\n', &mut buf).map_err(|e| {
                InputError::new(path, Some(line_no + 1), format!("cannot read: {e}"))
            })?;
            if n == 0 {
                break;
            }
            bytes_read.set(bytes_read.get() + n as u64);
            line_no += 1;
            let text = std::str::from_utf8(&buf).map_err(|e| {
                InputError::new(
                    path,
                    Some(line_no),
                    format!("not valid UTF-8 (byte {} of the line)", e.valid_up_to()),
                )
            })?;
            let text = text.trim_end_matches(['\n', '\r']);
            let text = if line_no == 1 {
                text.trim_start_matches('\u{feff}')
            } else {
                text
            };
            if text.trim().is_empty() {
                continue;
            }
            if text.contains('\0') {
                return Err(InputError::new(path, Some(line_no), "binary data (NUL byte)").into());
            }
            chunk.push((line_no, text.to_string()));
        }
        Ok(chunk)
    };

    let mut first = read_chunk(&mut input)?;
    if first.is_empty() {
        return Err(InputError::new(path, None, "empty input: nothing to audit").into());
    }
    let format = opts
        .format
        .unwrap_or_else(|| match reader::detect(path, &first[0].1) {
            f @ (InputFormat::Jsonl | InputFormat::Csv) => f,
            _ if first[0].1.trim_start().starts_with('{') => InputFormat::Jsonl,
            _ => InputFormat::Tsv,
        });
    let (layout, first) = match format {
        InputFormat::Jsonl => (Layout::Jsonl(jsonl::JsonlOptions::from(&opts.read)), first),
        InputFormat::Tsv | InputFormat::Csv => {
            let topts = reader::tsv_options(format, &opts.read);
            if topts.quoting {
                return Err(InputError::new(
                    path,
                    None,
                    "--stream reads delimited text without quoting (a quoted field may span lines); use --quoting off or JSONL",
                )
                .into());
            }
            let delim = topts.delimiter.unwrap_or('\t');
            let recs: Vec<tsv::Record> = first
                .iter()
                .take(200)
                .map(|(n, l)| (*n, tsv::split_row(l, delim)))
                .collect();
            let layout = tsv::Layout::decide(path, &recs, &topts)?;
            if layout.has_header {
                first.remove(0);
            }
            (Layout::Delimited(layout, delim), first)
        }
        other => {
            return Err(InputError::new(
                path,
                None,
                format!("--stream reads JSONL, TSV or CSV, not {}", other.name()),
            )
            .into());
        }
    };

    let mut summary = Summary {
        kind: "summary",
        chunk: chunk_size,
        ..Summary::default()
    };
    let mut pending = Some(first);
    let mut done = false;
    while !done {
        let mut chunks: Vec<Chunk> = Vec::with_capacity(batch);
        if let Some(f) = pending.take() {
            chunks.push(f);
        }
        while chunks.len() < batch {
            let c = read_chunk(&mut input)?;
            if c.len() < chunk_size {
                done = true;
                if !c.is_empty() {
                    chunks.push(c);
                }
                break;
            }
            chunks.push(c);
        }
        // Parse in parallel, then number the pairs in order, then audit in parallel.
        let docs: Vec<Result<Document, InputError>> = chunks
            .par_iter()
            .map(|c| parse_chunk(path, c, &layout))
            .collect();
        let mut jobs = Vec::with_capacity(docs.len());
        let mut base = summary.pairs;
        for d in docs {
            let d = d?;
            let n = d.pairs.len();
            jobs.push((d, base));
            base += n;
        }
        let results: Vec<ChunkResult> = jobs
            .into_par_iter()
            .map(|(d, base)| audit_chunk(engine, d, base))
            .collect();
        for r in results {
            out.write_all(&r.out).map_err(StreamError::Output)?;
            summary.pairs += r.pairs;
            summary.findings += r.findings;
            summary.penalty += r.penalty;
            summary.words += r.words;
            summary.blocking += r.blocking;
            for (k, v) in r.counts {
                *summary.counts.entry(k).or_insert(0) += v;
            }
        }
        progress(summary.pairs, bytes_read.get());
    }
    summary.penalty = crate::finding::round(summary.penalty, 3);
    summary.score = crate::score::score(summary.penalty, summary.words);
    summary.words = crate::finding::round(summary.words, 1);
    summary.passed = summary.blocking == 0 && summary.score >= engine.settings.min_score;
    serde_json::to_writer(&mut *out, &summary).map_err(|e| StreamError::Output(e.into()))?;
    out.write_all(b"\n").map_err(StreamError::Output)?;
    out.flush().map_err(StreamError::Output)?;
    Ok(summary)
}

fn parse_chunk(path: &str, chunk: &Chunk, layout: &Layout) -> Result<Document, InputError> {
    let mut doc = Document::new(path, "stream");
    doc.pairs.reserve(chunk.len());
    for (no, line) in chunk {
        let index = doc.pairs.len();
        let pair: Option<Pair> = match layout {
            Layout::Jsonl(o) => jsonl::line_to_pair(path, *no, line, index, o)?,
            Layout::Delimited(l, d) => l.pair(index, &(*no, tsv::split_row(line, *d))),
        };
        if let Some(p) = pair {
            doc.pairs.push(p);
        }
    }
    doc.line_count = chunk.last().map_or(0, |(n, _)| *n);
    Ok(doc)
}

/// Audit one chunk as a document; `base` is the global index of its first pair.
fn audit_chunk(engine: &Engine, doc: Document, base: usize) -> ChunkResult {
    let first = doc.pairs.first().map_or(1, |p| p.first_line());
    let last = doc.line_count.max(first);
    let doc = Arc::new(doc);
    let report = engine.audit(doc.clone());
    let mut by_pair: Vec<Vec<&Finding>> = vec![Vec::new(); doc.pairs.len()];
    let mut window = Vec::new();
    for f in &report.findings {
        match f.pair {
            Some(i) if i < by_pair.len() => by_pair[i].push(f),
            _ => window.push(f),
        }
    }
    let mut out = Vec::with_capacity(doc.pairs.len() * 64);
    for (p, findings) in doc.pairs.iter().zip(by_pair) {
        let line = PairLine {
            kind: "pair",
            index: base + p.index,
            line: p.first_line(),
            id: p.id.as_deref(),
            score: report.pair_scores[p.index].score,
            findings,
        };
        serde_json::to_writer(&mut out, &line).expect("serializes");
        out.push(b'\n');
    }
    if !window.is_empty() {
        serde_json::to_writer(
            &mut out,
            &WindowLine {
                kind: "window",
                lines: LineRange::new(first, last),
                findings: window,
            },
        )
        .expect("serializes");
        out.push(b'\n');
    }
    ChunkResult {
        out,
        pairs: doc.pairs.len(),
        findings: report.findings.len(),
        counts: report.counts.clone(),
        penalty: report.penalty,
        words: report.words,
        blocking: report
            .findings
            .iter()
            .filter(|f| f.severity >= engine.settings.fail_on)
            .count(),
    }
}
