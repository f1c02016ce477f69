//! The audit: rules that turn file records into findings.
//!
//! The engine reads files in sorted order, in parallel batches; each
//! [`FileReport`] goes to the [`Sink`] (a renderer may stream it) and to the
//! per-file rules, and is then dropped: only a small [`Record`] per file is
//! kept for the rules that look across files (duplicates, releases). Memory
//! therefore grows by a record per file, not by a report.

pub mod config;
mod finding;
mod run;

pub use config::{AuditOptions, ConfigError, Identity, ReleaseBy, Settings};
pub use finding::{Finding, RULES, Rule, RuleInfo, Severity, Summary};
pub use run::{Outcome, run};

use crate::codes::Isrc;
use crate::model::{Container, FileReport};
use std::io;
use std::path::PathBuf;

/// What the cross-file rules need to know of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The file.
    pub path: PathBuf,
    /// Its container, `None` when not audio or unreadable.
    pub container: Option<Container>,
    /// Distinct valid ISRCs that speak for the whole file.
    pub isrcs: Vec<Isrc>,
    /// Distinct valid barcodes (GTIN-13) for the whole file.
    pub barcodes: Vec<Box<str>>,
    /// The title from the tags, for recording identity.
    pub title: Option<Box<str>>,
    /// Duration from the headers, for recording identity.
    pub duration_ms: Option<u64>,
    /// Index of the file's release (see `release` in the config) in the run's release table.
    pub release: u32,
    /// Hash of the audio payload, with `--identity audio`.
    pub audio_hash: Option<[u8; 32]>,
}

/// Where an audit's results go: a renderer. It formats; it decides nothing.
pub trait Sink {
    /// One file was read. Called once per file walked, in sorted path order.
    fn file(&mut self, report: &FileReport) -> io::Result<()>;
    /// The run is over: every finding (sorted by path, then rule), the
    /// records of every file walked (sorted by path), and the counts.
    fn finish(
        &mut self,
        records: &[Record],
        findings: &[Finding],
        summary: &Summary,
    ) -> io::Result<()>;
}
