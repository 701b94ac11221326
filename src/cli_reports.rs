//! Command-line support for reports and waivers, kept apart from `cli.rs`: the `baseline`
//! command, safe report file names, and the rule list handed to reporters.

use crate::cli::{BaselineArgs, write_atomic};
use crate::engine::Engine;
use crate::reader;
use crate::rules::RuleDef;
use crate::rules::settings::RawGate;
use crate::waivers::Baseline;
use rayon::prelude::*;
use std::sync::Arc;

/// The rules that ran, with their configured severity, for reporters that describe rules
/// (SARIF's rule list, JUnit's test cases).
pub fn active_rules(engine: &Engine) -> Vec<RuleDef> {
    engine
        .active
        .iter()
        .map(|r| {
            let mut d = r.def.clone();
            d.severity = r.severity;
            d
        })
        .collect()
}

/// A report file's stem from a document path: its file name, with anything that could leave
/// the output directory or confuse a shell or file system replaced by `_` (path separators,
/// control characters, `:*?"<>|`, a leading dot). `-` and `<stdin>` become `stdin`.
pub fn report_stem(path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or("");
    if name == "-" || name == "<stdin>" {
        return "stdin".into();
    }
    if name.is_empty() {
        return "document".into();
    }
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    while s.starts_with('.') {
        s.replace_range(0..1, "_");
    }
    // Keep names well under common 255-byte limits (extensions are added after).
    if s.len() > 200 {
        let mut cut = 200;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}

/// `tqa baseline FILE... -o BASELINE`: audit (inline markers apply), record every finding,
/// write the baseline atomically. An unreadable input writes nothing and exits 2, since a
/// partial baseline would make the next gate report its entries as stale.
pub fn record(args: &BaselineArgs) -> i32 {
    let opts = match args.config.load_options(RawGate::default()) {
        Ok(o) => o,
        Err(m) => {
            eprintln!("error: {m}");
            return 2;
        }
    };
    let engine = match Engine::load(&opts) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    if args.input.stream {
        eprintln!("error: --stream does not apply to `tqa baseline`");
        return 2;
    }
    let read = match args.input.read_options() {
        Ok(o) => o,
        Err(m) => {
            eprintln!("error: {m}");
            return 2;
        }
    };
    let fmt = args.input.input_format;
    let mut inputs: Vec<(String, Option<String>)> =
        args.files.iter().map(|f| (f.clone(), None)).collect();
    if let (Some(z), Some(e)) = (&args.input.zh, &args.input.en) {
        inputs.push((z.clone(), Some(e.clone())));
    }
    let results: Vec<_> = inputs
        .par_iter()
        .map(|(p, en)| {
            match en {
                Some(en) => reader::read_pair_files(p, en, fmt, &read),
                None => reader::read_document_with(p, fmt, &read),
            }
            .map(|d| engine.audit(Arc::new(d)))
        })
        .collect();
    let mut docs = Vec::new();
    let mut failed = false;
    for r in results {
        match r {
            Ok(d) => docs.push(d),
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
            }
        }
    }
    if failed {
        eprintln!("error: baseline not written: every document must be readable",);
        return 2;
    }
    let baseline = Baseline::record(
        docs.iter()
            .map(|d| (d.path.as_str(), d.findings.as_slice())),
    );
    if let Some(dir) = args.output.parent().filter(|p| !p.as_os_str().is_empty())
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        eprintln!("error: {}: cannot create: {e}", dir.display());
        return 2;
    }
    if let Err(e) = write_atomic(&args.output, baseline.to_json().as_bytes()) {
        eprintln!("error: {e}");
        return 2;
    }
    eprintln!(
        "wrote {} baseline entries for {} document(s) to {}",
        baseline.entries.len(),
        docs.len(),
        args.output.display()
    );
    0
}

#[cfg(test)]
mod tests {
    use super::report_stem;

    #[test]
    fn report_names_cannot_leave_the_directory() {
        assert_eq!(report_stem("../../etc/passwd"), "passwd");
        assert_eq!(report_stem("a/.."), "_.");
        assert_eq!(report_stem(".hidden.md"), "_hidden.md");
        assert_eq!(report_stem("C:\\docs\\x:y.md"), "x_y.md");
        assert_eq!(report_stem("-"), "stdin");
        assert_eq!(report_stem("<stdin>"), "stdin");
        assert_eq!(report_stem("dir/"), "document");
        assert_eq!(report_stem("访谈 1.md"), "访谈 1.md");
    }
}
