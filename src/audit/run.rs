//! The audit pipeline: [`run`] takes the flow (walk → read → records →
//! rules → findings → render) from the paths a user gave to the sink.
//!
//! The walk and the reads happen on the reading threads (rayon's pool; the
//! caller waits). One of them walks ([`crate::walk`]) and hands the files
//! it finds, in path order, to the others a batch at a time ([`Flow`]);
//! each file is read, rendered and put through the per-file rules
//! (`file_rules.rs`) where it was read ([`examine`]). The walking thread
//! writes the results in path order as batches complete ([`Output`]) and
//! keeps their records (`cross_file.rs`'s `Audit`). Then, on the caller's
//! thread, paths the walk could not read become unreadable reports, the
//! cross-file rules run, and the sorted findings and the records go to the
//! sink.

use super::config::{Identity, Settings};
use super::cross_file::Audit;
use super::file_rules::FileCheck;
use super::{FileRenderer, Finding, Record, Severity, Sink, Summary};
use crate::codes::Isrc;
use crate::engine;
use crate::model::{CodeKind, FileReport, FileStatus};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Files read per batch: enough to keep the cores busy, few enough that
/// a batch of results is small.
const BATCH: usize = 128;

/// Batches read at once beyond the one being written: enough to keep the
/// cores busy while the walk goes on, few enough that memory holds only a
/// few batches of results.
const IN_FLIGHT: usize = 4;

/// How an audit ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Outcome {
    /// The counts.
    pub summary: Summary,
    /// Whether a finding reached the `fail-on` severity.
    pub failed: bool,
    /// What the walk left out (version-control folders, temp files, files
    /// the include/exclude globs dropped), for a run that audited nothing.
    pub skipped: crate::walk::Skipped,
    /// The isrckit temp files the walk met (see [`crate::walk::Walked`]).
    pub temp_files: Vec<std::path::PathBuf>,
}

impl Outcome {
    /// Whether no audio file was audited (an empty folder, globs that
    /// match nothing, only files that are not audio): a run that checked
    /// nothing, whatever its findings say.
    pub fn audited_nothing(&self) -> bool {
        self.summary.audio == 0
    }
}

/// Run an audit over `paths` with `settings`, sending results to `sink`.
/// `progress` is called after each file with (done, total).
pub fn run(
    paths: &[PathBuf],
    settings: &Settings,
    sink: &mut (dyn Sink + Send),
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> io::Result<Outcome> {
    run_with(&Local(paths), settings, sink, progress, None, None)
}

/// Run `audit --cd`: the disc and the masters are audited as [`run`]
/// audits files, and the disc is then checked against the masters (see
/// [`Disc`](super::Disc)). `masters` are files or folders; when empty, the files a
/// CUE or TOC sheet names are the masters (those that exist).
pub fn run_cd(
    disc: &super::Disc,
    masters: &[PathBuf],
    settings: &Settings,
    sink: &mut (dyn Sink + Send),
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> io::Result<Outcome> {
    let mut paths = vec![disc.path.clone()];
    if masters.is_empty() {
        paths.extend(disc.named_files());
    } else {
        paths.extend(masters.iter().cloned());
    }
    run_with(&Local(&paths), settings, sink, progress, None, Some(disc))
}

/// Where an audit's files come from and how each is read: folders on
/// disk ([`Local`]), objects in a store (`crate::remote::Remote`), or the
/// records of earlier runs (`--merge`, `records.rs`).
pub(crate) trait Inputs: Sync {
    /// Hand every file to `found`, in path order, as [`crate::walk::walk`] does.
    fn walk(
        &self,
        filter: &crate::walk::Filter,
        found: &mut dyn FnMut(PathBuf) -> io::Result<()>,
    ) -> io::Result<crate::walk::Walked>;

    /// Read a batch of the files walked, handing each report (and, when
    /// `hash`, the hash of its audio) to `then` on the thread that read
    /// it; the results in the batch's order.
    fn read_each<T: Send, F: Fn(FileReport, Option<[u8; 32]>) -> T + Sync>(
        &self,
        batch: &[PathBuf],
        hash: bool,
        then: &F,
    ) -> Vec<T>;
}

/// Files and folders on disk: the walk, and the reading threads.
pub(crate) struct Local<'p>(pub(crate) &'p [PathBuf]);

impl Inputs for Local<'_> {
    fn walk(
        &self,
        filter: &crate::walk::Filter,
        found: &mut dyn FnMut(PathBuf) -> io::Result<()>,
    ) -> io::Result<crate::walk::Walked> {
        crate::walk::walk(self.0, filter, found)
    }

    fn read_each<T: Send, F: Fn(FileReport, Option<[u8; 32]>) -> T + Sync>(
        &self,
        batch: &[PathBuf],
        hash: bool,
        then: &F,
    ) -> Vec<T> {
        batch
            .par_iter()
            .map(|p| {
                let report = engine::read_file(p);
                let hash = hash.then(|| audio_hash(p, &report)).flatten();
                then(report, hash)
            })
            .collect()
    }
}

/// [`run`] over any [`Inputs`]; with `records`, each file's record (a
/// JSON line, `records.rs`) is written there in path order, and the
/// walk's counts after them; with `disc`, the disc rules of `--cd`.
pub(crate) fn run_with<I: Inputs>(
    inputs: &I,
    settings: &Settings,
    sink: &mut (dyn Sink + Send),
    progress: &mut (dyn FnMut(u64, u64) + Send),
    records: Option<&mut (dyn io::Write + Send)>,
    disc: Option<&super::Disc>,
) -> io::Result<Outcome> {
    let render = sink.file_renderer();
    let mut audit = Audit::new(settings);
    let keep_records = records.is_some();
    let hash = settings.identity == Identity::Audio;
    // Everything that needs the report happens on the reading threads:
    // rendering, the per-file rules, the record. The thread that walks and
    // writes numbers releases and keeps records, in path order.
    let examine_one = |report: FileReport, hash: Option<[u8; 32]>| -> io::Result<Examined> {
        examine(settings, render, &report, hash, keep_records)
    };
    let mut out = Output {
        sink,
        audit: &mut audit,
        progress,
        records: records.map(|w| w as &mut (dyn io::Write + Send)),
        done: 0,
        total: 0,
    };
    // The whole run happens on the reading threads (this one waits): one
    // walks and writes, handing the files it finds to the others a batch
    // at a time, and reads batches itself whenever it is ahead (so no
    // thread spins for work beside one that has some). Results are written
    // in walk order, which is path order, as they complete.
    let walked = rayon::scope_fifo(|scope| -> io::Result<_> {
        let (tx, rx) = std::sync::mpsc::channel();
        let mut flow = Flow {
            batch: Vec::with_capacity(BATCH),
            sent: 0,
            next: 0,
            waiting: BTreeMap::new(),
            rx,
        };
        let spawn = |batch: Vec<PathBuf>, k: usize| {
            let tx = tx.clone();
            let examine_one = &examine_one;
            scope.spawn_fifo(move |_| {
                let results: Vec<_> = inputs.read_each(&batch, hash, examine_one);
                // The receiver is gone only when the output failed.
                let _ = tx.send((k, results));
            });
        };
        let filter = crate::walk::Filter {
            include: settings.include.as_ref(),
            exclude: settings.exclude.as_ref(),
        };
        let mut disc_seen = false;
        let walked = inputs.walk(&filter, &mut |path| {
            let path = match disc {
                Some(d) if path == d.path || d.is_another_name(&path) => {
                    // The disc, under whichever of its names the walk kept
                    // (it keeps one name per file): audited once, as the
                    // disc; reached again through the masters, skipped.
                    if std::mem::replace(&mut disc_seen, true) {
                        return Ok(());
                    }
                    d.path.clone()
                }
                _ => path,
            };
            out.total += 1;
            flow.batch.push(path);
            if flow.batch.len() == BATCH {
                spawn(std::mem::take(&mut flow.batch), flow.sent);
                flow.sent += 1;
                flow.drain(&mut out, IN_FLIGHT)?;
            }
            Ok(())
        })?;
        if !flow.batch.is_empty() {
            spawn(std::mem::take(&mut flow.batch), flow.sent);
            flow.sent += 1;
        }
        flow.drain(&mut out, 0)?;
        Ok(walked)
    })?;
    out.total += walked.errors.len() as u64;
    for (path, why) in walked.errors {
        let mut r = engine::read_bytes(&path, &[]);
        r.status = FileStatus::Unreadable;
        r.error = Some(why);
        out.take(examine(settings, render, &r, None, keep_records))?;
    }
    if let Some(w) = out.records.take() {
        super::records::write_walk(w, &walked.skipped)?;
    }
    if let Some(d) = disc {
        // The disc's barcode is checked against the masters' by the disc
        // rules; as a record in a folder of its own (DDP/) it is not a
        // second release carrying the masters' barcode.
        for r in audit.records.iter_mut().filter(|r| r.path == d.path) {
            r.barcodes.clear();
        }
    }
    audit.cross_file();
    if let Some(d) = disc {
        d.check(
            &audit.records,
            settings.cd_tolerance_ms,
            &mut audit.findings,
            &mut audit.summary,
        );
    }
    if let Some(ledger) = &settings.ledger {
        super::ledger_rules::check(ledger, settings, &audit.records, &mut audit.findings);
    }
    let Audit {
        findings,
        mut records,
        mut summary,
        ..
    } = audit;
    let mut findings = findings.list;
    findings.sort_by(|a, b| {
        crate::walk::path_order(&a.path, &b.path)
            .then_with(|| (a.rule, &a.message).cmp(&(b.rule, &b.message)))
    });
    // Records come in walk order already; walk errors (rare) were appended.
    if !records.is_sorted_by(|a, b| crate::walk::path_order(&a.path, &b.path).is_le()) {
        records.sort_by(|a, b| crate::walk::path_order(&a.path, &b.path));
    }
    for f in &findings {
        match f.severity {
            Severity::Error => summary.errors += 1,
            Severity::Warning => summary.warnings += 1,
            Severity::Info => summary.infos += 1,
        }
    }
    let failed = findings.iter().any(|f| f.severity >= settings.fail_on);
    summary.walk_skipped = walked.skipped;
    sink.finish(&records, &findings, &summary)?;
    Ok(Outcome {
        summary,
        failed,
        skipped: walked.skipped,
        temp_files: walked.temp_files,
    })
}

/// Where examined files go, in path order.
struct Output<'o, 'a> {
    sink: &'o mut (dyn Sink + Send),
    audit: &'o mut Audit<'a>,
    progress: &'o mut (dyn FnMut(u64, u64) + Send),
    /// Where each file's record line goes (`--records-out`).
    records: Option<&'o mut (dyn io::Write + Send)>,
    done: u64,
    total: u64,
}

impl Output<'_, '_> {
    fn take(&mut self, examined: io::Result<Examined>) -> io::Result<()> {
        let examined = examined?;
        self.sink.file(&examined.rendered)?;
        if let Some(w) = self.records.as_deref_mut() {
            w.write_all(&examined.record_line)?;
        }
        self.audit.take(examined);
        self.done += 1;
        (self.progress)(self.done, self.total);
        Ok(())
    }
}

/// Batches of files on their way through the reading threads.
struct Flow {
    /// Files walked and not yet sent.
    batch: Vec<PathBuf>,
    /// Batches sent.
    sent: usize,
    /// The batch to write next.
    next: usize,
    /// Batches read out of turn, waiting for their predecessors.
    waiting: BTreeMap<usize, Vec<io::Result<Examined>>>,
    rx: std::sync::mpsc::Receiver<(usize, Vec<io::Result<Examined>>)>,
}

impl Flow {
    /// The next batch to complete, reading others' pending work (a batch,
    /// or part of one) meanwhile; blocks only when nothing is left to do.
    fn wait(&self) -> Option<(usize, Vec<io::Result<Examined>>)> {
        loop {
            if let Ok(got) = self.rx.try_recv() {
                return Some(got);
            }
            if rayon::yield_now() != Some(rayon::Yield::Executed) {
                return self.rx.recv().ok();
            }
        }
    }

    /// Write every batch that is ready, in order; wait for more while over
    /// `max` batches are still out.
    fn drain(&mut self, out: &mut Output, max: usize) -> io::Result<()> {
        loop {
            while let Some(results) = self.waiting.remove(&self.next) {
                self.next += 1;
                for examined in results {
                    out.take(examined)?;
                }
            }
            let out_now = self.sent - self.next;
            let got = if out_now > max {
                match self.wait() {
                    Some(got) => got,
                    // Every sender lives in a spawned task that sends once.
                    None => return Ok(()),
                }
            } else {
                match self.rx.try_recv() {
                    Ok(got) => got,
                    Err(_) => return Ok(()),
                }
            };
            self.waiting.insert(got.0, got.1);
        }
    }
}

/// What the reading thread made of one file.
pub(super) struct Examined {
    /// The sink's rendering of the report (empty when it renders none).
    pub(super) rendered: Vec<u8>,
    /// The per-file rules' findings.
    pub(super) findings: Vec<Finding>,
    /// This file's counts (files, audio, skipped, LFS, unreadable).
    pub(super) summary: Summary,
    /// The small record; its `release` is numbered by [`Audit::take`].
    pub(super) record: Record,
    /// The file's line for `--records-out` (empty without it).
    pub(super) record_line: Vec<u8>,
}

/// Render one report and put it through the per-file rules.
fn examine(
    settings: &Settings,
    render: Option<FileRenderer>,
    report: &FileReport,
    audio_hash: Option<[u8; 32]>,
    keep_record: bool,
) -> io::Result<Examined> {
    let record_line = if keep_record {
        super::records::line(report, audio_hash)?
    } else {
        Vec::new()
    };
    let mut rendered = Vec::new();
    if let Some(render) = render {
        // A file's JSON is about a kilobyte: grown once, not doubled up to it.
        rendered.reserve(2048);
        render(report, &mut rendered)?;
    }
    let mut check = FileCheck::new(settings);
    let isrcs = report.distinct(CodeKind::Isrc);
    let barcodes = report.distinct(CodeKind::Barcode);
    check.file(report, &isrcs, &barcodes);
    let record = Record {
        path: report.path.clone(),
        container: report.container,
        isrcs: isrcs.iter().filter_map(|v| Isrc::parse(v).ok()).collect(),
        tracks: disc_tracks(report),
        barcodes: barcodes.iter().copied().map(Box::from).collect(),
        // A CUE sheet's title is its disc's: not a recording's, so it
        // tells no recordings apart (and says nothing of its release's).
        title: report
            .title
            .as_deref()
            .filter(|_| report.container.is_none_or(crate::formats::holds_recording))
            .map(Box::from),
        duration_ms: report.audio.as_ref().and_then(|a| a.duration_ms),
        release: 0,
        audio_hash,
    };
    Ok(Examined {
        rendered,
        findings: check.findings.list,
        summary: check.summary,
        record,
        record_line,
    })
}

/// BLAKE3 of the audio payload, read in 1 MiB pieces (only with
/// `--identity audio`: the one mode that reads audio).
pub(crate) fn audio_hash(path: &Path, r: &FileReport) -> Option<[u8; 32]> {
    let a = r.audio.as_ref()?;
    let (off, len) = (a.payload_offset?, a.payload_len?);
    let mut f = std::fs::File::open(path).ok()?;
    f.seek(SeekFrom::Start(off)).ok()?;
    let mut h = blake3::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = (left.min(buf.len() as u64)) as usize;
        f.read_exact(&mut buf[..n]).ok()?;
        h.update(&buf[..n]);
        left -= n as u64;
    }
    Some(*h.finalize().as_bytes())
}

/// A disc's tracks' distinct valid ISRCs (see [`Record::tracks`]).
fn disc_tracks(report: &FileReport) -> Vec<Isrc> {
    use crate::model::Container;
    if !matches!(report.container, Some(Container::Ddp | Container::Cue)) {
        return Vec::new();
    }
    let mut codes: Vec<Isrc> = report
        .codes
        .iter()
        .filter(|c| c.kind == CodeKind::Isrc && c.valid && c.location.track.is_some())
        .filter_map(|c| c.value.as_deref().and_then(|v| Isrc::parse(v).ok()))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}
