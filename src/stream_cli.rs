//! The command-line side of `--stream` and of long runs: open the input, drive
//! `stream::run`, map errors to exit codes, and show an indicatif progress bar on stderr only
//! when stderr is a terminal (never in pipes or CI logs).

use crate::cli::RunArgs;
use crate::engine::Engine;
use crate::reader::ReadOptions;
use crate::stream::{self, StreamError, StreamOptions};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::time::Instant;

/// Documents in one run above which a progress bar is worth showing.
const MANY_DOCUMENTS: usize = 50;

fn terminal() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

/// A bar over documents for long multi-document runs, when stderr is a terminal.
pub fn documents_progress(n: usize) -> Option<ProgressBar> {
    if n < MANY_DOCUMENTS || !terminal() {
        return None;
    }
    let pb = ProgressBar::new(n as u64);
    pb.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} documents, {per_sec}, ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(pb)
}

pub fn run(engine: &Engine, args: &RunArgs, read: &ReadOptions, gate: bool) -> i32 {
    let path = match args.files.as_slice() {
        [] => "-".to_string(),
        [one] => one.clone(),
        _ => {
            eprintln!("error: --stream reads one input (a file or `-`)");
            return 2;
        }
    };
    let opts = StreamOptions {
        format: args.input.input_format,
        read: read.clone(),
        chunk: args.input.chunk,
    };
    let shown = if path == "-" {
        "<stdin>"
    } else {
        path.as_str()
    };
    // Unbuffered: the stream reads straight into its chunks' buffers, in reads of 16 KiB and
    // more (standard input's own small buffer is bypassed by reads that large).
    let (input, total): (Box<dyn std::io::Read + Send>, Option<u64>) = if path == "-" {
        (Box::new(std::io::stdin()), None)
    } else {
        match std::fs::File::open(&path) {
            Ok(f) => {
                let len = f.metadata().ok().map(|m| m.len());
                (Box::new(f), len)
            }
            Err(e) => {
                let e = crate::reader::read_bytes(&path)
                    .err()
                    .map_or(e.to_string(), |e| e.message);
                eprintln!("error: {path}: {e}");
                return 2;
            }
        }
    };
    let bar = terminal().then(|| {
        let pb = match total {
            Some(t) => ProgressBar::new(t),
            None => ProgressBar::new_spinner(),
        };
        pb.set_style(
            ProgressStyle::with_template("{spinner} {bar:30} {percent:>3}% {msg} ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        pb
    });
    let started = Instant::now();
    let mut progress = |pairs: usize, bytes: u64| {
        if let Some(pb) = &bar {
            let secs = started.elapsed().as_secs_f64().max(1e-3);
            pb.set_position(bytes);
            pb.set_message(format!("{pairs} pairs, {:.0} pairs/s", pairs as f64 / secs));
        }
    };
    let stdout = std::io::stdout();
    // A chunk's lines (tens of KiB and more at the default chunk) are larger than this
    // buffer, so they go to stdout without being copied into it; small writes (the summary,
    // tiny chunks) are still gathered.
    let mut out = std::io::BufWriter::with_capacity(32 << 10, stdout.lock());
    let result = stream::run(engine, shown, input, &mut out, &opts, &mut progress);
    let _ = out.flush();
    if let Some(pb) = bar {
        pb.finish_and_clear();
    }
    match result {
        Ok(s) => {
            if gate && !s.passed {
                1
            } else {
                0
            }
        }
        Err(StreamError::Input(e)) => {
            eprintln!("error: {e}");
            2
        }
        Err(StreamError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(StreamError::Output(e)) => {
            eprintln!("error: writing output: {e}");
            2
        }
    }
}
