//! The audit: rules that turn file records into findings.
//!
//! The flow, and where each step lives:
//!
//! 1. **walk**: [`crate::walk`] finds the files, in path order (with the
//!    include/exclude globs of [`Settings`], from `config.rs`).
//! 2. **read**: `run.rs` hands them to the reading threads a batch at a
//!    time; each file is read into a [`FileReport`].
//! 3. **records**: on the reading thread the report is rendered (when the
//!    [`Sink`] streams files), put through the per-file rules
//!    (`file_rules.rs`) and dropped: only its rendering, its findings and a
//!    small [`Record`] go on, in path order, to the thread that walks and
//!    writes, which keeps the records. Memory therefore grows by a record
//!    per file, not by a report.
//! 4. **rules**: when the walk is over, the rules that look across files
//!    (duplicates, releases: `cross_file.rs`) run on the records.
//! 5. **findings**: every rule pushes into one list that applies the
//!    settings (`finding.rs`); it is sorted by path and counted.
//! 6. **render**: the [`Sink`] (`crate::report::audit`) writes the
//!    findings, the records and the [`Summary`].

mod cd;
pub mod config;
mod cross_file;
mod file_rules;
mod finding;
mod ledger_rules;
pub(crate) mod run;

pub use cd::{Disc, NotADisc};
pub use config::{AuditOptions, ConfigError, Identity, ReleaseBy, Settings};
pub use finding::{Finding, RULES, Rule, RuleInfo, Severity, Summary};
pub use run::{Outcome, run, run_cd};

use crate::codes::Isrc;
use crate::model::{Container, FileReport};
use std::io;
use std::path::PathBuf;

/// What the cross-file rules need to know of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Record {
    /// The file.
    pub path: PathBuf,
    /// Its container, `None` when not audio or unreadable.
    pub container: Option<Container>,
    /// Distinct valid ISRCs that speak for the whole file.
    pub isrcs: Vec<Isrc>,
    /// A disc's (DDP image, CUE sheet, TOC file) tracks' distinct valid
    /// ISRCs, each a recording on it: how its release is known by the
    /// barcode rules (a `DDP/` folder beside the `WAV/` one is the same
    /// release). Empty for other files.
    pub tracks: Vec<Isrc>,
    /// Distinct valid barcodes (GTIN-13) for the whole file.
    pub barcodes: Vec<Box<str>>,
    /// The title from the tags, for recording identity.
    pub title: Option<Box<str>>,
    /// Duration from the headers, for recording identity.
    pub duration_ms: Option<u64>,
    /// Index of the file's release (see `release-by` in the config) in the run's release table.
    pub release: u32,
    /// Hash of the audio payload, with `--identity audio`.
    pub audio_hash: Option<[u8; 32]>,
}

impl Record {
    /// What the record knows of its recording, for [`crate::recording`].
    pub fn recording(&self) -> crate::recording::Recording<'_> {
        crate::recording::Recording {
            title: self.title.as_deref(),
            duration_ms: self.duration_ms,
            container: self.container,
            audio_hash: self.audio_hash,
        }
    }
}

/// How a renderer shows one file: the report is written into the buffer.
/// A plain function (no renderer state), so the audit can run it on the
/// reading threads, where the report was made: files are then rendered in
/// parallel and each report is dropped by the thread that built it.
pub type FileRenderer = fn(&FileReport, &mut Vec<u8>) -> io::Result<()>;

/// Where an audit's results go: a renderer. It formats; it decides nothing.
pub trait Sink {
    /// How this renderer shows each file as it is read, if it does (the
    /// JSON document streams every file's report); `None`, the default,
    /// when only [`Sink::finish`] writes.
    fn file_renderer(&self) -> Option<FileRenderer> {
        None
    }
    /// One file was read: `rendered` is what [`Sink::file_renderer`] made of
    /// it (empty without one). Called once per file walked, in sorted path
    /// order.
    fn file(&mut self, rendered: &[u8]) -> io::Result<()> {
        let _ = rendered;
        Ok(())
    }
    /// The run is over: every finding (sorted by path, then rule), the
    /// records of every file walked (sorted by path), and the counts.
    fn finish(
        &mut self,
        records: &[Record],
        findings: &[Finding],
        summary: &Summary,
    ) -> io::Result<()>;
}

pub use crate::report::audit::AuditFormat;

/// An audit output in one of the documented formats, written into `out`
/// (colour only for the table, and only when `color`): the `sink` that
/// [`run`] sends files, findings and counts to.
pub fn output(
    format: AuditFormat,
    out: Box<dyn io::Write + Send>,
    color: bool,
) -> Box<dyn Sink + Send> {
    crate::report::audit::sink(format, out, crate::report::table::Style { color })
}
