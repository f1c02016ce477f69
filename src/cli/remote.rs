//! The commands' glue for object URLs (`s3://`, `gs://`, `az://`) and for
//! `audit --records-out` / `audit --merge`: which inputs a run reads, and
//! the refusal of writes to a store.

use super::{AuditArgs, ExitCode, InspectArgs, missing_paths};
use crate::audit::records::Merged;
use crate::audit::run::{Local, run_with};
use crate::audit::{Outcome, Settings, Sink};
use crate::model::FileReport;
use crate::remote::{Remote, is_url};
use crate::sanitize;
use crate::walk::Walked;
use std::io::{self, Write};
use std::path::PathBuf;

/// What an audit reads.
pub(super) enum Inputs {
    /// Files and folders on disk.
    Local,
    /// Object URLs.
    Remote(Box<Remote>),
    /// The records of earlier runs (`--merge`).
    Merged(Merged),
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("isrckit: {}", sanitize::lines(msg));
    ExitCode::Error
}

/// Whether the paths are object URLs: all of them, or none (a usage
/// error names the mix).
fn all_urls(paths: &[PathBuf]) -> Result<bool, String> {
    let urls = paths.iter().filter(|p| is_url(p)).count();
    if urls > 0 && urls < paths.len() {
        return Err(
            "give object URLs or local paths, not both, in one run (audit each with --records-out, then --merge the records)"
                .into(),
        );
    }
    Ok(urls > 0)
}

/// The inputs of an audit, checked: the record files of `--merge` read
/// whole, the object URLs' stores set up and each URL seen to name
/// something, local paths seen to exist. A problem is printed and is the
/// usage error (exit 2).
pub(super) fn audit_inputs(args: &AuditArgs, settings: &Settings) -> Result<Inputs, ExitCode> {
    if !args.merge.is_empty() {
        return Merged::load(&args.merge)
            .map(Inputs::Merged)
            .map_err(|m| usage(&m));
    }
    match all_urls(&args.paths) {
        Err(m) => Err(usage(&m)),
        Ok(false) => match missing_paths(&args.paths) {
            Some(code) => Err(code),
            None => Ok(Inputs::Local),
        },
        Ok(true) => {
            if settings.identity == crate::audit::Identity::Audio {
                return Err(usage(
                    "--identity audio reads every master's audio, which over object storage means downloading the catalogue: use --identity tags for object URLs",
                ));
            }
            let r = Remote::new(&args.paths, usize::from(args.jobs)).map_err(|m| usage(&m))?;
            r.check().map_err(|m| usage(&m))?;
            Ok(Inputs::Remote(Box::new(r)))
        }
    }
}

/// Run the audit over its inputs, writing the records when asked. The
/// inner error is a usage error (a records file that cannot be made).
pub(super) fn run(
    inputs: &Inputs,
    args: &AuditArgs,
    settings: &Settings,
    sink: &mut (dyn Sink + Send),
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> io::Result<Result<Outcome, String>> {
    let mut records = match &args.records_out {
        None => None,
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Some(io::BufWriter::with_capacity(1 << 16, f)),
            Err(e) => {
                return Ok(Err(format!(
                    "--records-out {}: {e}",
                    crate::platform::path_text(p)
                )));
            }
        },
    };
    let w = records.as_mut().map(|w| w as &mut (dyn Write + Send));
    let outcome = match inputs {
        Inputs::Local => run_with(&Local(&args.paths), settings, sink, progress, w, None)?,
        Inputs::Remote(r) => run_with(r.as_ref(), settings, sink, progress, w, None)?,
        Inputs::Merged(m) => run_with(m, settings, sink, progress, w, None)?,
    };
    if let Some(mut w) = records {
        w.flush()?;
    }
    Ok(Ok(outcome))
}

/// `inspect` over object URLs: the reports and what the listing left
/// out; `None` when the paths are local.
pub(super) fn inspect_reports(
    args: &InspectArgs,
) -> Option<Result<(Vec<FileReport>, Walked), String>> {
    match all_urls(&args.paths) {
        Ok(false) => None,
        Err(m) => Some(Err(m)),
        Ok(true) => Some((|| {
            if args.verify_checksums {
                return Err(
                    "--verify-checksums reads a DDP image whole, its audio stream included: it is not for object URLs (check the image where it was made, or download it)"
                        .to_string(),
                );
            }
            let r = Remote::new(&args.paths, usize::from(args.jobs))?;
            r.check()?;
            let mut files = Vec::new();
            let walked = r
                .walk(&crate::walk::Filter::default(), &mut |p| {
                    files.push(p);
                    Ok(())
                })
                .map_err(|e| e.to_string())?;
            Ok((r.read_all(&files), walked))
        })()),
    }
}

/// The refusal of `set` and `embed` on an object URL.
pub(super) fn refuse_writes(paths: &[PathBuf]) -> Option<String> {
    let url = paths.iter().find(|p| is_url(p))?;
    Some(format!(
        "{}: isrckit writes local files only; a master in object storage is read (inspect, audit) but not written: download it, write it, and upload it again",
        crate::platform::path_text(url)
    ))
}
