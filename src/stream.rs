//! `tqa audit --stream`: audit a corpus of JSONL or TSV/CSV pairs from a file or standard
//! input in bounded memory, writing one JSON line per pair (in input order) and a final
//! summary line, so the tool can run as a stage of a pipeline (Spark `RDD.pipe`, Hadoop
//! streaming, GNU parallel).
//!
//! Input is cut into chunks of `chunk` non-blank lines (default 1024), handled as a pipeline
//! without barriers. The calling thread (the CLI's main thread, not one of rayon's) reads the
//! chunks and hands each to the rayon pool as a job of its own (parse, then audit as one
//! document on that worker alone, `threads::on_one_thread`, except the last chunks, whose
//! audits are parallel inside so the end of the stream keeps every core busy); it then waits
//! for the oldest chunk and writes its lines, so output stays in input order while the
//! workers go on with the chunks after it. At most 2 × threads chunks are read and not yet written, so memory is
//! bounded whatever the input size. Only the calling thread ever blocks (on a channel of
//! finished chunks); pool threads never wait on anything but rayon's own joins. A pair's
//! global index depends on the chunks before it, so a chunk's lines are made without it
//! and the writing thread fills it in.
//!
//! Document-level analyses (length calibration, duplicate detection, alignment) see one
//! chunk: a window of `chunk` consecutive pairs, not the whole corpus. Chunk boundaries
//! depend only on the input and `chunk`, never on the thread count, so the output bytes are
//! identical at any `--jobs` / `RAYON_NUM_THREADS`. A finding not tied to one pair is written
//! as a `{"type":"window",...}` line after that chunk's pairs.
//!
//! Output lines:
//! `{"type":"pair","index":0,"line":2,"id":"..","score":100.0,"findings":[...]}` and, last,
//! `{"type":"summary","pairs":N,"findings":M,"counts":{..},"score":..,"penalty":..,"words":..,"chunk":1024}`.
//! A line that cannot be read (bad JSON, not UTF-8) stops the stream with an `InputError`
//! naming the file and line, after every chunk before its chunk has been written (and
//! nothing after it), at any thread count.

use crate::engine::Engine;
use crate::finding::Finding;
use crate::model::{Document, LineRange, Pair};
use crate::reader::{self, InputError, InputFormat, ReadOptions, jsonl, tsv};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};
use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Pairs per chunk. 1024 rather than 4096: on 100k Debian pairs with every rule, 4096-pair
/// windows cost 45 % more CPU (document-level alignment grows faster than linearly with the
/// window) and triple peak RSS (108 MB vs 36 MB at 2 threads), while 1024 pairs are still
/// plenty to calibrate the length model.
pub const DEFAULT_CHUNK: usize = 1024;

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

/// A pair line is `{"type":"pair","index":..,"line":..,"id":..,"score":..,"findings":[..]}`
/// and a newline: the bytes `serde_json::to_writer` gives for a struct with those fields in
/// that order (`id` skipped when absent), written without going through serde for the fixed
/// parts. Most pairs have no finding, so this line is most of the output. The id and the
/// score are still written by serde_json (string escaping, shortest float form), except the
/// score 100.0 of every pair without a scored finding, which serde_json writes as `100.0`.
/// The line is written in two parts around the index, which the writing thread fills in.
const PAIR_HEAD: &[u8] = b"{\"type\":\"pair\",\"index\":";

/// The pair line after its index: from `,"line":` to the newline.
fn write_pair_tail(
    out: &mut Vec<u8>,
    line: usize,
    id: Option<&str>,
    score: f64,
    findings: &[&Finding],
) {
    let mut n = itoa::Buffer::new();
    out.extend_from_slice(b",\"line\":");
    crate::report::json_line::push_uint(out, line, &mut n);
    if let Some(id) = id {
        out.extend_from_slice(b",\"id\":");
        crate::report::json_line::write_str(out, id);
    }
    out.extend_from_slice(b",\"score\":");
    if score == 100.0 {
        out.extend_from_slice(b"100.0");
    } else {
        serde_json::to_writer(&mut *out, &score).expect("serializes");
    }
    out.extend_from_slice(b",\"findings\":[");
    for (i, f) in findings.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        crate::report::json_line::write_finding(out, f);
    }
    out.extend_from_slice(b"]}\n");
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

/// A chunk as read: one buffer of text and the (line number, byte range) of each non-blank
/// line in it, so reading costs one allocation per chunk rather than one per line.
///
/// A chunk also carries the buffers its audit fills (the pairs, the output lines). Chunks
/// go back to the reader once written and are read into again, so a long stream reuses the
/// same few buffers instead of allocating (and page-faulting in) fresh ones per chunk.
#[derive(Default)]
struct Chunk {
    /// The input is read straight into this buffer. Its bytes are all initialised (it only
    /// grows, zeroed once, and is reused), so reads need no zeroing; `buf[..len]` is the
    /// chunk's text, checked UTF-8.
    buf: Vec<u8>,
    len: usize,
    lines: Vec<(usize, std::ops::Range<usize>)>,
    /// Empty; its capacity is reused for the next document's pairs.
    pairs: Vec<Pair>,
    /// This chunk's output lines, once audited, without the pairs' global indices (which
    /// depend on the chunks before it)...
    out: Vec<u8>,
    /// ...which go at these offsets in `out`, one per pair in order...
    marks: Vec<usize>,
    /// ...unless the pairs before the chunk were known when its lines were made: then `out`
    /// has the indices, numbered from this (see `Bases`).
    base: Option<usize>,
}

impl Chunk {
    #[inline]
    fn text(&self) -> &str {
        // SAFETY: `next_chunk` sets `len` only after checking that `buf[..len]` is UTF-8,
        // and nothing writes to `buf` until the chunk is read into again.
        unsafe { std::str::from_utf8_unchecked(&self.buf[..self.len]) }
    }
    /// Inline: it runs once per line, and as a call it cost as much again as the lookup.
    #[inline]
    fn line(&self, i: usize) -> (usize, &str) {
        let (n, r) = &self.lines[i];
        (*n, &self.text()[r.clone()])
    }
    fn iter(&self) -> impl Iterator<Item = (usize, &str)> {
        (0..self.lines.len()).map(|i| self.line(i))
    }
}

/// Reads chunks of `size` non-blank lines, checking UTF-8 and NUL bytes with line numbers.
struct ChunkReader<'p, R> {
    input: R,
    path: &'p str,
    size: usize,
    line_no: usize,
    bytes: u64,
    eof: bool,
    /// Chunks already written, to read into again.
    spare: Vec<Chunk>,
    /// What the last read brought after the end of its chunk: the start of the next one.
    carry: Vec<u8>,
}

/// The smallest read asked of the input. Reads are sized to what the chunk still needs (at
/// the mean line length so far), so that little is read past the chunk's end and copied
/// over to the next chunk, but never smaller than this, to keep system calls few.
const MIN_READ: usize = 16 << 10;

impl<R: Read> ChunkReader<'_, R> {
    /// The next `size` non-blank lines. The input is read straight into the chunk's buffer
    /// (the bytes read past the newline that completes the chunk are carried over to the
    /// next chunk), and lines are found with `memchr`: a `read_until` per line cost more
    /// than parsing the line, and copying the input through a `BufReader` cost a copy of
    /// every byte. Blank lines stay in the chunk's text but get no entry in `lines`; they
    /// are ASCII whitespace, so they can hold neither a UTF-8 error nor a NUL byte, and the
    /// line lookup of those errors below finds the same line as when blank lines were
    /// dropped.
    fn next_chunk(&mut self) -> Result<Chunk, InputError> {
        let mut chunk = self.spare.pop().unwrap_or_default();
        chunk.len = 0;
        let mut raw = std::mem::take(&mut chunk.buf);
        let mut filled = self.carry.len();
        if raw.len() < filled.max(MIN_READ) {
            raw.resize(filled.max(MIN_READ), 0);
        }
        raw[..filled].copy_from_slice(&self.carry);
        self.carry.clear();
        let mut lines = std::mem::take(&mut chunk.lines);
        lines.clear();
        lines.reserve(self.size);
        // Start in `raw` of the first line not yet split off, and of the bytes not yet
        // searched for a newline.
        let mut line_start = 0;
        let mut scanned = 0;
        let mut end = None;
        loop {
            for nl in memchr::memchr_iter(b'\n', &raw[scanned..filled]) {
                let nl = scanned + nl;
                self.push_line(&raw, line_start, nl, &mut lines);
                line_start = nl + 1;
                if lines.len() == self.size {
                    end = Some(line_start);
                    break;
                }
            }
            if end.is_some() || self.eof {
                break;
            }
            scanned = filled;
            // Ask for what the rest of the chunk should take at the mean line length so far
            // (plus a little), in the room the buffer has or is given.
            let seen = self.bytes + filled as u64;
            let mean = if self.line_no == 0 {
                128
            } else {
                (seen / self.line_no as u64).clamp(16, 1 << 16) as usize
            };
            let want = ((self.size - lines.len()) * mean + mean / 2).max(MIN_READ);
            if raw.len() - filled < want {
                let room = (filled + want).max(raw.len() * 2);
                raw.resize(room, 0);
            }
            match self.input.read(&mut raw[filled..filled + want]) {
                Ok(0) => {
                    self.eof = true;
                    if line_start < filled {
                        // A last line without a newline.
                        self.push_line(&raw, line_start, filled, &mut lines);
                    }
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(InputError::new(
                        self.path,
                        Some(self.line_no + 1),
                        format!("cannot read: {e}"),
                    ));
                }
            }
        }
        let len = match end {
            Some(end) => {
                self.carry.extend_from_slice(&raw[end..filled]);
                end
            }
            None => filled,
        };
        self.bytes += len as u64;
        let text = &raw[..len];
        // simdutf8 validates about ten times faster than `std::str::from_utf8`, which was a
        // tenth of the CPU of a stream run with cheap rules; on an error the standard
        // library finds where.
        if simdutf8::basic::from_utf8(text).is_err() {
            let at = std::str::from_utf8(text).map_or_else(|e| e.valid_up_to(), |_| 0);
            let line = lines.iter().find(|(_, r)| r.end >= at).map(|(n, _)| *n);
            return Err(InputError::new(self.path, line, "not valid UTF-8"));
        }
        if let Some(at) = memchr::memchr(0, text) {
            let line = lines.iter().find(|(_, r)| r.end >= at).map(|(n, _)| *n);
            return Err(InputError::new(self.path, line, "binary data (NUL byte)"));
        }
        chunk.buf = raw;
        chunk.len = len;
        chunk.lines = lines;
        Ok(chunk)
    }

    /// Record the line `raw[start..end]` (its newline excluded) unless it is blank.
    fn push_line(
        &mut self,
        raw: &[u8],
        start: usize,
        mut end: usize,
        lines: &mut Vec<(usize, std::ops::Range<usize>)>,
    ) {
        self.line_no += 1;
        while end > start && (raw[end - 1] == b'\n' || raw[end - 1] == b'\r') {
            end -= 1;
        }
        let mut begin = start;
        if self.line_no == 1 && raw[start..end].starts_with(&[0xEF, 0xBB, 0xBF]) {
            begin += 3; // BOM
        }
        if !raw[begin..end].iter().all(u8::is_ascii_whitespace) {
            lines.push((self.line_no, begin..end));
        }
    }
}

/// What a chunk's audit adds to the summary (its output lines are in `Chunk::out`).
struct ChunkResult {
    pairs: usize,
    findings: usize,
    counts: BTreeMap<String, usize>,
    penalty: f64,
    words: f64,
    blocking: usize,
}

/// Up to this many chunks per worker thread are read and not yet written (being audited,
/// queued, or done and waiting for an older chunk).
const IN_FLIGHT_PER_THREAD: usize = 2;

/// Run the stream. `progress` is called after each chunk is written with the pairs done so
/// far and the input bytes consumed.
pub fn run<R: Read + Send, W: Write>(
    engine: &Engine,
    path: &str,
    input: R,
    out: &mut W,
    opts: &StreamOptions,
    progress: &mut dyn FnMut(usize, u64),
) -> Result<Summary, StreamError> {
    let chunk_size = opts.chunk.max(1);
    let mut rd = ChunkReader {
        input,
        path,
        size: chunk_size,
        line_no: 0,
        bytes: 0,
        eof: false,
        spare: Vec::new(),
        carry: Vec::new(),
    };
    let mut first = rd.next_chunk()?;
    if first.lines.is_empty() {
        return Err(InputError::new(path, None, "empty input: nothing to audit").into());
    }
    let (_, head) = first.line(0);
    let format = opts
        .format
        .unwrap_or_else(|| match reader::detect(path, head) {
            f @ (InputFormat::Jsonl | InputFormat::Csv) => f,
            _ if head.trim_start().starts_with('{') => InputFormat::Jsonl,
            _ => InputFormat::Tsv,
        });
    let layout = match format {
        InputFormat::Jsonl => Layout::Jsonl(jsonl::JsonlOptions::from(&opts.read)),
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
                .map(|(n, l)| (n, tsv::split_row(l, delim)))
                .collect();
            let layout = tsv::Layout::decide(path, &recs, &topts)?;
            if layout.has_header {
                first.lines.remove(0);
            }
            Layout::Delimited(layout, delim)
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
    // Called from a pool thread (never the case of the CLI, which runs this on its main
    // thread), waiting on the channel below could wait for jobs queued behind the waiting
    // thread itself: there each chunk is audited in place, one at a time.
    let inline = rayon::current_thread_index().is_some();
    let window = if inline {
        1
    } else {
        IN_FLIGHT_PER_THREAD * rayon::current_num_threads().max(1)
    };
    // Chunks after this sequence number are not audited: one before them failed to parse,
    // or the output failed, so they will never be written. (The scope below returns only
    // once every job has, so it is set before returning from inside it.)
    let stop = AtomicUsize::new(usize::MAX);
    let bases = Bases::default();
    let bases = &bases;
    let layout = &layout;
    let stop = &stop;
    let (tx, rx) = mpsc::channel::<Done>();
    rayon::in_place_scope(|scope| {
        // Chunks handed out and not yet written, oldest first: `None` until its audit is done.
        let mut pending: VecDeque<Option<Done>> = VecDeque::with_capacity(window);
        let mut seq = 0;
        let mut next = Some(first);
        let mut read_error = None;
        loop {
            while pending.len() < window && read_error.is_none() {
                let chunk = match next.take() {
                    Some(c) => c,
                    None if rd.eof => break,
                    None => match rd.next_chunk() {
                        Ok(c) if c.lines.is_empty() => {
                            rd.spare.push(c);
                            continue;
                        }
                        Ok(c) => c,
                        Err(e) => {
                            read_error = Some(e);
                            break;
                        }
                    },
                };
                pending.push_back(None);
                let tx = tx.clone();
                // Each worker audits its chunk alone (`threads::on_one_thread`) while more
                // chunks are coming: inner parallelism there only let a worker waiting for a
                // stolen part start another chunk, burying the older one (4 cheap rules on
                // 100k pairs: 22 % more wall, 15 % more CPU). The chunks read after the end
                // of the input was seen, the last ones (or an input of one chunk), are
                // audited in parallel inside so that no core idles at the end.
                let one_thread = !inline && !rd.eof;
                let job = move || {
                    let _ = tx.send(process(
                        engine, path, layout, stop, bases, seq, chunk, one_thread,
                    ));
                };
                if inline {
                    job();
                } else {
                    scope.spawn(move |_| job());
                }
                seq += 1;
            }
            if pending.is_empty() {
                break;
            }
            // Wait for the oldest chunk (the others go on meanwhile); only this thread, which
            // is not one of the pool's, ever blocks.
            let first_seq = seq - pending.len();
            while pending[0].is_none() {
                let d = rx.recv().expect("every job sends its chunk back");
                let at = d.seq - first_seq;
                pending[at] = Some(d);
            }
            let Done { chunk, outcome, .. } = pending.pop_front().flatten().expect("just filled");
            let r = match outcome {
                Outcome::Audited(r) => r,
                Outcome::Failed(e) => {
                    out.flush().map_err(StreamError::Output)?;
                    return Err(e.into());
                }
                Outcome::Skipped => unreachable!("only chunks after a failed one are skipped"),
                Outcome::Panicked(p) => {
                    stop.store(0, Ordering::Relaxed);
                    std::panic::resume_unwind(p)
                }
            };
            write_chunk(out, &chunk, summary.pairs).map_err(|e| {
                stop.store(0, Ordering::Relaxed);
                StreamError::Output(e)
            })?;
            bases.written(first_seq, r.pairs);
            summary.pairs += r.pairs;
            summary.findings += r.findings;
            summary.penalty += r.penalty;
            summary.words += r.words;
            summary.blocking += r.blocking;
            for (k, v) in r.counts {
                *summary.counts.entry(k).or_insert(0) += v;
            }
            progress(summary.pairs, rd.bytes);
            rd.spare.push(chunk);
        }
        // A line that could not be read stops the stream after every chunk before it.
        match read_error {
            Some(e) => {
                out.flush().map_err(StreamError::Output)?;
                Err(StreamError::from(e))
            }
            None => Ok(()),
        }
    })?;
    summary.penalty = crate::finding::round(summary.penalty, 3);
    summary.score = crate::score::score(summary.penalty, summary.words);
    summary.words = crate::finding::round(summary.words, 1);
    summary.passed = summary.blocking == 0 && summary.score >= engine.settings.min_score;
    serde_json::to_writer(&mut *out, &summary).map_err(|e| StreamError::Output(e.into()))?;
    out.write_all(b"\n").map_err(StreamError::Output)?;
    out.flush().map_err(StreamError::Output)?;
    Ok(summary)
}

/// The pairs before each chunk, as far as known, so that a worker can number its chunk's
/// pairs itself when every chunk before it has been parsed by then (nearly always: chunks
/// are handed out in order, and parsing is a small part of a chunk's job). The writing
/// thread then writes the chunk's lines in one piece, rather than copying them around the
/// indices it would fill in; otherwise (a chunk before still being parsed) it does that.
/// Only chunks in flight are kept, so this stays as small as the window.
#[derive(Default)]
struct Bases(std::sync::Mutex<BasesState>);

#[derive(Default)]
struct BasesState {
    /// Chunks written so far, and their pairs.
    written: usize,
    written_pairs: usize,
    /// Pairs of each chunk parsed and not yet written, by sequence number.
    parsed: BTreeMap<usize, usize>,
}

impl Bases {
    fn lock(&self) -> std::sync::MutexGuard<'_, BasesState> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
    fn parsed(&self, seq: usize, pairs: usize) {
        self.lock().parsed.insert(seq, pairs);
    }
    /// Chunk `seq` (the oldest unwritten) is written with `pairs` pairs.
    fn written(&self, seq: usize, pairs: usize) {
        let mut s = self.lock();
        debug_assert_eq!(s.written, seq);
        s.written = seq + 1;
        s.written_pairs += pairs;
        s.parsed.remove(&seq);
    }
    /// The pairs before chunk `seq`, if every chunk before it is written or parsed.
    fn base(&self, seq: usize) -> Option<usize> {
        let s = self.lock();
        let mut base = s.written_pairs;
        for j in s.written..seq {
            base += s.parsed.get(&j)?;
        }
        Some(base)
    }
}

/// A chunk back from its job, with its sequence number in the input.
struct Done {
    seq: usize,
    chunk: Chunk,
    outcome: Outcome,
}

enum Outcome {
    Audited(ChunkResult),
    /// It failed to parse: the stream stops there.
    Failed(InputError),
    /// Not audited: a chunk before it failed, or the output did.
    Skipped,
    /// The audit panicked; the panic goes on on the writing thread.
    Panicked(Box<dyn std::any::Any + Send>),
}

/// Parse and audit one chunk (on a pool thread). Every job ends here, panics included, so
/// the writing thread always gets its chunk back.
#[allow(clippy::too_many_arguments)]
fn process(
    engine: &Engine,
    path: &str,
    layout: &Layout,
    stop: &AtomicUsize,
    bases: &Bases,
    seq: usize,
    mut chunk: Chunk,
    one_thread: bool,
) -> Done {
    let outcome = if seq > stop.load(Ordering::Relaxed) {
        Outcome::Skipped
    } else {
        let run = std::panic::AssertUnwindSafe(|| match parse_chunk(path, &mut chunk, layout) {
            Ok(doc) => {
                bases.parsed(seq, doc.pairs.len());
                let base = || bases.base(seq);
                Outcome::Audited(audit_chunk(engine, doc, &mut chunk, one_thread, base))
            }
            Err(e) => {
                stop.fetch_min(seq, Ordering::Relaxed);
                Outcome::Failed(e)
            }
        });
        std::panic::catch_unwind(run).unwrap_or_else(Outcome::Panicked)
    };
    Done {
        seq,
        chunk,
        outcome,
    }
}

/// Write an audited chunk's lines, numbering its pairs from `base` (the pairs before it).
fn write_chunk<W: Write>(out: &mut W, chunk: &Chunk, base: usize) -> std::io::Result<()> {
    if let Some(b) = chunk.base {
        // Numbered by its worker: written as it is, in one piece.
        assert_eq!(
            b, base,
            "a chunk's pairs are numbered after the pairs before it"
        );
        return out.write_all(&chunk.out);
    }
    let mut n = itoa::Buffer::new();
    let mut at = 0;
    for (i, &mark) in chunk.marks.iter().enumerate() {
        out.write_all(&chunk.out[at..mark])?;
        out.write_all(n.format(base + i).as_bytes())?;
        at = mark;
    }
    out.write_all(&chunk.out[at..])
}

fn parse_chunk(path: &str, chunk: &mut Chunk, layout: &Layout) -> Result<Document, InputError> {
    let mut doc = Document::new(path, "stream");
    // Fresh pairs (an earlier chunk's vector, for its capacity): building them in the
    // strings of an earlier chunk's pairs saved allocations (6 % fewer instructions with
    // cheap rules) but cost 5-8 % more CPU with all rules, whose sweeps over the pairs'
    // texts lost the locality of strings allocated in input order.
    doc.pairs = std::mem::take(&mut chunk.pairs);
    doc.pairs.clear();
    doc.pairs.reserve(chunk.lines.len());
    // One cell vector for the whole chunk rather than one per line.
    let mut cells: Vec<&str> = Vec::new();
    for (no, line) in chunk.iter() {
        let index = doc.pairs.len();
        let pair: Option<Pair> = match layout {
            Layout::Jsonl(o) => jsonl::line_to_pair(path, no, line, index, o)?,
            Layout::Delimited(l, d) => {
                split_cells(line, *d, &mut cells);
                l.pair_of_line(index, no, &cells)
            }
        };
        if let Some(p) = pair {
            doc.pairs.push(p);
        }
    }
    doc.line_count = chunk.lines.last().map_or(0, |(n, _)| *n);
    Ok(doc)
}

/// `line.split(delim)` into `cells`, with the memchr crate for an ASCII delimiter (the
/// standard library's byte search costs more on short lines).
fn split_cells<'a>(line: &'a str, delim: char, cells: &mut Vec<&'a str>) {
    cells.clear();
    if !delim.is_ascii() {
        cells.extend(line.split(delim));
        return;
    }
    let mut start = 0;
    for at in memchr::memchr_iter(delim as u8, line.as_bytes()) {
        cells.push(&line[start..at]);
        start = at + 1;
    }
    cells.push(&line[start..]);
}

/// Audit one chunk as a document into `chunk.out` (see `write_chunk` for the pairs' indices),
/// with its audit's inner parallelism off when `one_thread`.
/// `base` gives the pairs before this chunk when they are known by then.
fn audit_chunk(
    engine: &Engine,
    doc: Document,
    chunk: &mut Chunk,
    one_thread: bool,
    base: impl FnOnce() -> Option<usize>,
) -> ChunkResult {
    let first = doc.pairs.first().map_or(1, |p| p.first_line());
    let last = doc.line_count.max(first);
    let doc = Arc::new(doc);
    let report = if one_thread {
        crate::threads::on_one_thread(|| engine.audit(doc.clone()))
    } else {
        engine.audit(doc.clone())
    };
    // Each pair's findings in report order, as `by_pair[starts[i]..starts[i + 1]]` of one
    // list (a counting sort by pair) rather than one vector per pair with findings.
    let n = doc.pairs.len();
    let mut starts = vec![0usize; n + 1];
    let mut window = Vec::new();
    for f in &report.findings {
        match f.pair {
            Some(i) if i < n => starts[i + 1] += 1,
            _ => window.push(f),
        }
    }
    for i in 0..n {
        starts[i + 1] += starts[i];
    }
    let mut by_pair: Vec<&Finding> = Vec::with_capacity(starts[n]);
    if starts[n] > 0 {
        let mut next = starts.clone();
        by_pair.resize(starts[n], &report.findings[0]);
        for f in &report.findings {
            if let Some(i) = f.pair.filter(|&i| i < n) {
                by_pair[next[i]] = f;
                next[i] += 1;
            }
        }
    }
    let mut out = std::mem::take(&mut chunk.out);
    out.clear();
    out.reserve(doc.pairs.len() * 72);
    chunk.marks.clear();
    chunk.base = base();
    let mut n = itoa::Buffer::new();
    for (i, (p, bounds)) in doc.pairs.iter().zip(starts.windows(2)).enumerate() {
        let findings = &by_pair[bounds[0]..bounds[1]];
        out.extend_from_slice(PAIR_HEAD);
        match chunk.base {
            Some(b) => crate::report::json_line::push_uint(&mut out, b + i, &mut n),
            None => chunk.marks.push(out.len()),
        }
        write_pair_tail(
            &mut out,
            p.first_line(),
            p.id.as_deref(),
            report.pair_scores[p.index].score,
            findings,
        );
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
    chunk.out = out;
    let result = ChunkResult {
        pairs: doc.pairs.len(),
        findings: report.findings.len(),
        blocking: report
            .findings
            .iter()
            .filter(|f| f.severity >= engine.settings.fail_on)
            .count(),
        counts: report.counts,
        penalty: report.penalty,
        words: report.words,
    };
    // The report held the only other reference to the document: keep its pair vector.
    drop(report.findings);
    drop(report.document);
    // Each pair's score carries its metadata map, empty unless the input has extra columns.
    // An empty `BTreeMap` owns no memory, so it is forgotten rather than dropped: its drop
    // (an iterator over no entries) cost about 50 instructions per pair, ~2 % of a run of
    // the cheapest rule.
    for score in report.pair_scores {
        let crate::report::PairScore { meta, .. } = score;
        if meta.is_empty() {
            std::mem::forget(meta);
        }
    }
    if let Ok(doc) = Arc::try_unwrap(doc) {
        chunk.pairs = doc.pairs;
        chunk.pairs.clear();
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    /// The struct the pair line used to be serialised from: `write_pair_line` must give
    /// its bytes.
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

    /// Gives at most a few bytes per read, and sometimes `Interrupted`.
    struct Trickle<'a> {
        data: &'a [u8],
        rng: crate::test_support::XorShift,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.rng.below(5) == 0 {
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            let n = (1 + self.rng.index(300))
                .min(buf.len())
                .min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn stream_bytes<R: Read + Send>(input: R, chunk: usize) -> Result<Vec<u8>, String> {
        let engine = Engine::load(&crate::engine::LoadOptions::default()).unwrap();
        let opts = StreamOptions {
            format: None,
            read: ReadOptions::default(),
            chunk,
        };
        let mut out = Vec::new();
        match run(&engine, "t", input, &mut out, &opts, &mut |_, _| {}) {
            Ok(_) => Ok(out),
            Err(StreamError::Input(e)) => Err(format!("{e} after {} bytes", out.len())),
            Err(StreamError::Output(e)) => Err(e.to_string()),
        }
    }

    /// The chunks as `ChunkReader` gives them (blank chunks dropped, as `run` does), or the
    /// line and message of its error after the chunks before.
    type Chunks = (Vec<Vec<(usize, String)>>, Option<(Option<usize>, String)>);

    fn read_chunks<R: Read>(input: R, size: usize) -> Chunks {
        let mut rd = ChunkReader {
            input,
            path: "t",
            size,
            line_no: 0,
            bytes: 0,
            eof: false,
            spare: Vec::new(),
            carry: Vec::new(),
        };
        let mut chunks = Vec::new();
        while !rd.eof {
            match rd.next_chunk() {
                Ok(c) => {
                    if !c.lines.is_empty() {
                        chunks.push(c.iter().map(|(n, l)| (n, l.to_string())).collect());
                    }
                    rd.spare.push(c);
                }
                Err(e) => return (chunks, Some((e.line, e.message))),
            }
        }
        (chunks, None)
    }

    /// The simple model of the chunks: every line numbered, CR and a first-line BOM cut,
    /// blank lines dropped, `size` lines a chunk; an error at the line of the first bad
    /// byte, after the chunks wholly before it.
    fn model_chunks(input: &[u8], size: usize) -> Chunks {
        let mut lines = Vec::new();
        let mut bad = None;
        let parts: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
        for (i, mut l) in parts.iter().copied().enumerate() {
            if i + 1 == parts.len() && l.is_empty() {
                break;
            }
            while let [rest @ .., b'\r'] = l {
                l = rest;
            }
            if i == 0 {
                l = l.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(l);
            }
            let message = match std::str::from_utf8(l) {
                Err(_) => Some("not valid UTF-8"),
                Ok(t) if t.contains('\0') => Some("binary data (NUL byte)"),
                Ok(_) => None,
            };
            if let Some(m) = message.filter(|_| bad.is_none()) {
                bad = Some((lines.len(), (Some(i + 1), m.to_string())));
            }
            if !l.iter().all(u8::is_ascii_whitespace) {
                lines.push((i + 1, String::from_utf8_lossy(l).into_owned()));
            }
        }
        let mut chunks: Vec<Vec<(usize, String)>> = lines.chunks(size).map(<[_]>::to_vec).collect();
        match bad {
            None => (chunks, None),
            Some((at, e)) => {
                chunks.truncate(at / size);
                (chunks, Some(e))
            }
        }
    }

    /// Reading straight into the chunks (with the bytes past a chunk's end carried over)
    /// gives the same chunks as one read of everything, however the input arrives: long
    /// lines (longer than a read), blank and CRLF lines, a BOM, no final newline, chunk
    /// edges everywhere, and the same errors at the same lines.
    #[test]
    fn chunks_do_not_depend_on_how_the_input_arrives() {
        let mut rng = crate::test_support::XorShift::new(7);
        let mut tsv = String::from("\u{feff}");
        let mut jsonl = String::new();
        for i in 0..200 {
            // Some lines longer than a read (`MIN_READ`).
            let long = "很长".repeat(if rng.index(8) == 0 { 3000 } else { 0 });
            let en = "word ".repeat(rng.index(40));
            match rng.index(6) {
                0 => tsv.push('\n'),
                1 => tsv.push_str(" \t \r\n"),
                _ => tsv.push_str(&format!("中文{i}{long}\t{en}{i}\r\n")),
            }
            jsonl.push_str(&format!(
                "{{\"zh\":\"中文{i}{long}\",\"en\":\"{en}{i}\"}}\n"
            ));
            if rng.index(5) == 0 {
                jsonl.push_str("  \n");
            }
        }
        tsv.push_str("最后\tlast line without newline");
        let bad_utf8 = {
            let mut b = tsv.clone().into_bytes();
            let at = b.len() * 2 / 3;
            b[at] = 0xff;
            b
        };
        let nul = {
            let mut b = jsonl.clone().into_bytes();
            let at = b.len() / 2;
            b[at] = 0;
            b
        };
        for input in [tsv.as_bytes(), jsonl.as_bytes(), &bad_utf8[..], &nul[..]] {
            for chunk in [1, 2, 7, 64, 1024] {
                let model = model_chunks(input, chunk);
                assert!(model.0.len() > 1 || chunk >= 64, "the model has chunks");
                assert_eq!(read_chunks(input, chunk), model, "chunk {chunk}");
                let trickle = Trickle {
                    data: input,
                    rng: crate::test_support::XorShift::new(chunk as u64),
                };
                assert_eq!(read_chunks(trickle, chunk), model, "chunk {chunk}");
                // The whole stream's bytes too (the audits cost, so at one chunk size).
                if chunk != 7 {
                    continue;
                }
                let whole = stream_bytes(input, chunk);
                for seed in 1..2 {
                    let trickle = Trickle {
                        data: input,
                        rng: crate::test_support::XorShift::new(seed),
                    };
                    assert_eq!(stream_bytes(trickle, chunk), whole, "chunk {chunk}");
                }
                // The old reader, copying through a `BufReader` of a few bytes.
                let small = std::io::BufReader::with_capacity(5, input);
                assert_eq!(stream_bytes(small, chunk), whole, "chunk {chunk}");
            }
        }
    }

    /// A chunk numbered by its worker writes the bytes of one numbered by the writing thread.
    #[test]
    fn chunks_numbered_by_either_thread_write_the_same_bytes() {
        let engine = Engine::load(&crate::engine::LoadOptions::default()).unwrap();
        let text =
            "你好，世界。\tHello, world.\n\n这是2个测试。\tThis is a test.\n\t\n中文\t中文\n";
        let layout = Layout::Delimited(
            tsv::Layout {
                zh: 0,
                en: 1,
                id: None,
                extra: Vec::new(),
                has_header: false,
            },
            '\t',
        );
        let mut rd = ChunkReader {
            input: text.as_bytes(),
            path: "t",
            size: 1024,
            line_no: 0,
            bytes: 0,
            eof: false,
            spare: Vec::new(),
            carry: Vec::new(),
        };
        let mut chunk = rd.next_chunk().unwrap();
        for base in [0, 7, 99_999] {
            let mut written = Vec::new();
            for known in [Some(base), None] {
                let doc = parse_chunk("t", &mut chunk, &layout).unwrap();
                assert_eq!(doc.pairs.len(), 3);
                audit_chunk(&engine, doc, &mut chunk, true, || known);
                assert_eq!(chunk.base, known);
                let mut out = Vec::new();
                write_chunk(&mut out, &chunk, base).unwrap();
                written.push(out);
            }
            assert_eq!(written[0], written[1]);
            let first = String::from_utf8(written[0].clone()).unwrap();
            assert!(first.starts_with(&format!("{{\"type\":\"pair\",\"index\":{base},")));
        }
    }

    #[test]
    fn bases_are_known_once_every_chunk_before_is_parsed() {
        let b = Bases::default();
        assert_eq!(b.base(0), Some(0));
        assert_eq!(b.base(1), None);
        b.parsed(1, 5);
        assert_eq!(b.base(2), None);
        b.parsed(0, 3);
        assert_eq!(b.base(1), Some(3));
        assert_eq!(b.base(2), Some(8));
        b.written(0, 3);
        assert_eq!(b.base(2), Some(8));
        b.written(1, 5);
        assert_eq!(b.base(2), Some(8));
        assert_eq!(b.base(3), None);
    }

    #[test]
    fn cells_split_as_str_split() {
        let mut cells = Vec::new();
        for line in [
            "",
            "a",
            "\t",
            "a\tb",
            "\ta\t\tb\t",
            "中文\tEnglish\t",
            "a,b;c",
        ] {
            for delim in ['\t', ',', ';', '，'] {
                split_cells(line, delim, &mut cells);
                assert_eq!(cells, line.split(delim).collect::<Vec<_>>(), "{line:?}");
            }
        }
    }

    #[test]
    fn pair_lines_are_what_serde_writes() {
        let f = Finding {
            rule: "length_ratio".into(),
            code: "TQA201".into(),
            severity: Severity::Major,
            zh_lines: Some(LineRange::single(3)),
            en_lines: None,
            message: "a \"quoted\" message\twith\u{1}control 中文".into(),
            evidence: [("ratio".to_string(), serde_json::json!(0.41))].into(),
            suggestion: Some("x".into()),
            pair: Some(1),
            fingerprint: "00ff".into(),
        };
        let ids = [None, Some(""), Some("p1"), Some("a\"b\\c\n\u{7f}\u{0}é")];
        let scores = [100.0, 0.0, 99.2, 95.0, 12.3, 100.0 - 1e-9, f64::NAN];
        let lists: [Vec<&Finding>; 3] = [vec![], vec![&f], vec![&f, &f]];
        for id in ids {
            for score in scores {
                for findings in &lists {
                    let mut fast = PAIR_HEAD.to_vec();
                    fast.extend_from_slice(b"12345");
                    write_pair_tail(&mut fast, 67890, id, score, findings);
                    let mut want = serde_json::to_vec(&PairLine {
                        kind: "pair",
                        index: 12345,
                        line: 67890,
                        id,
                        score,
                        findings: findings.clone(),
                    })
                    .unwrap();
                    want.push(b'\n');
                    assert_eq!(
                        String::from_utf8(fast).unwrap(),
                        String::from_utf8(want).unwrap()
                    );
                }
            }
        }
    }
}
