//! The audit pipeline: the walk hands files in path order to the reading
//! threads a batch at a time; each file is read, rendered and put through
//! the per-file rules where it was read; results are written in path order
//! as batches complete; the cross-file rules run at the end.

use super::config::{Identity, ReleaseBy, Settings};
use super::{FileRenderer, Finding, Record, Rule, Severity, Sink, Summary};
use crate::codes::Isrc;
use crate::engine;
use crate::formats;
use crate::model::{CodeKind, FileReport, FileStatus};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Files read per batch: enough to keep the cores busy, few enough that
/// a batch of results is small.
const BATCH: usize = 128;

/// How an audit ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Outcome {
    /// The counts.
    pub summary: Summary,
    /// Whether a finding reached the `fail-on` severity.
    pub failed: bool,
}

/// Run an audit over `paths` with `settings`, sending results to `sink`.
/// `progress` is called after each file with (done, total).
pub fn run(
    paths: &[PathBuf],
    settings: &Settings,
    sink: &mut (dyn Sink + Send),
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> io::Result<Outcome> {
    let render = sink.file_renderer();
    let mut audit = Audit {
        settings,
        findings: Findings {
            settings,
            list: Vec::new(),
        },
        records: Vec::new(),
        summary: Summary::default(),
        releases: HashMap::new(),
        last_release: None,
    };
    // Everything that needs the report happens on the reading threads:
    // rendering, the per-file rules, the record. The main thread walks,
    // writes, numbers releases and keeps records, in path order.
    let read_one = |p: &PathBuf| -> io::Result<Examined> {
        let report = engine::read_file(p);
        let hash = (settings.identity == Identity::Audio)
            .then(|| audio_hash(p, &report))
            .flatten();
        examine(settings, render, &report, hash)
    };
    let mut out = Output {
        sink,
        audit: &mut audit,
        progress,
        done: 0,
        total: 0,
    };
    // The whole run happens on the reading threads (this one waits): one
    // walks and writes, handing the files it finds to the others a batch
    // at a time, and reads batches itself whenever it is ahead (so no
    // thread spins for work beside one that has some). Results are written
    // in walk order, which is path order, as they complete.
    let walk_errors = rayon::scope_fifo(|scope| -> io::Result<_> {
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
            let read_one = &read_one;
            scope.spawn_fifo(move |_| {
                let results: Vec<_> = batch.par_iter().map(read_one).collect();
                // The receiver is gone only when the output failed.
                let _ = tx.send((k, results));
            });
        };
        let filter = crate::walk::Filter {
            include: settings.include.as_ref(),
            exclude: settings.exclude.as_ref(),
        };
        let walked = crate::walk::walk(paths, &filter, &mut |path| {
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
        Ok(walked.errors)
    })?;
    out.total += walk_errors.len() as u64;
    for (path, why) in walk_errors {
        let mut r = engine::read_bytes(&path, &[]);
        r.status = FileStatus::Unreadable;
        r.error = Some(why);
        out.take(examine(settings, render, &r, None))?;
    }
    audit.cross_file();
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
    sink.finish(&records, &findings, &summary)?;
    Ok(Outcome { summary, failed })
}

/// Batches read at once beyond the one being written: enough to keep the
/// cores busy while the walk goes on, few enough that memory holds only a
/// few batches of results.
const IN_FLIGHT: usize = 4;

/// Where examined files go, in path order.
struct Output<'o, 'a> {
    sink: &'o mut (dyn Sink + Send),
    audit: &'o mut Audit<'a>,
    progress: &'o mut (dyn FnMut(u64, u64) + Send),
    done: u64,
    total: u64,
}

impl Output<'_, '_> {
    fn take(&mut self, examined: io::Result<Examined>) -> io::Result<()> {
        let examined = examined?;
        self.sink.file(&examined.rendered)?;
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
struct Examined {
    /// The sink's rendering of the report (empty when it renders none).
    rendered: Vec<u8>,
    /// The per-file rules' findings.
    findings: Vec<Finding>,
    /// This file's counts (files, audio, skipped, LFS, unreadable).
    summary: Summary,
    /// The small record; its `release` is numbered by the main thread.
    record: Record,
}

/// Render one report and put it through the per-file rules.
fn examine(
    settings: &Settings,
    render: Option<FileRenderer>,
    report: &FileReport,
    audio_hash: Option<[u8; 32]>,
) -> io::Result<Examined> {
    let mut rendered = Vec::new();
    if let Some(render) = render {
        // A file's JSON is about a kilobyte: grown once, not doubled up to it.
        rendered.reserve(2048);
        render(report, &mut rendered)?;
    }
    let mut check = FileCheck {
        findings: Findings {
            settings,
            list: Vec::new(),
        },
        summary: Summary::default(),
    };
    let isrcs = report.distinct(CodeKind::Isrc);
    let barcodes = report.distinct(CodeKind::Barcode);
    check.file(report, &isrcs, &barcodes);
    let record = Record {
        path: report.path.clone(),
        container: report.container,
        isrcs: isrcs.iter().filter_map(|v| Isrc::parse(v).ok()).collect(),
        barcodes: barcodes.iter().copied().map(Box::from).collect(),
        title: report.title.as_deref().map(Box::from),
        duration_ms: report.audio.as_ref().and_then(|a| a.duration_ms),
        release: 0,
        audio_hash,
    };
    Ok(Examined {
        rendered,
        findings: check.findings.list,
        summary: check.summary,
        record,
    })
}

/// BLAKE3 of the audio payload, read in 1 MiB pieces (only with
/// `--identity audio`: the one mode that reads audio).
fn audio_hash(path: &Path, r: &FileReport) -> Option<[u8; 32]> {
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

/// Findings as the settings shape them: a rule turned off makes none, and
/// each gets the severity the settings give its rule.
struct Findings<'a> {
    settings: &'a Settings,
    list: Vec<Finding>,
}

impl Findings<'_> {
    fn push(
        &mut self,
        rule: Rule,
        path: &Path,
        message: String,
        code: Option<String>,
        location: Option<String>,
    ) {
        let settings = self.settings;
        if !settings.enabled.contains(&rule) {
            return;
        }
        let severity = settings
            .severity
            .get(&rule)
            .copied()
            .unwrap_or(rule.info().default_severity);
        self.list.push(Finding {
            rule,
            severity,
            path: path.to_path_buf(),
            message,
            related: Vec::new(),
            code,
            location,
        });
    }
}

/// The per-file rules, run on the reading thread.
struct FileCheck<'a> {
    findings: Findings<'a>,
    summary: Summary,
}

impl FileCheck<'_> {
    /// The per-file rules; `isrcs` and `barcodes` are the report's
    /// distinct valid values ([`FileReport::distinct`]).
    fn file(&mut self, r: &FileReport, isrcs: &[&str], barcodes: &[&str]) {
        self.summary.files += 1;
        let path = r.path.as_path();
        let named_audio = path
            .extension()
            .and_then(|e| e.to_str())
            .and_then(formats::container_for_extension)
            .is_some();
        let error = r.error.clone().unwrap_or_default();
        match r.status {
            FileStatus::LfsPointer => {
                self.summary.lfs_pointers += 1;
                self.findings.push(
                    Rule::LfsPointer,
                    path,
                    "is a Git LFS pointer, not the audio: the file was not fetched (run `git lfs pull`; in CI check out with LFS enabled)".into(),
                    None,
                    None,
                );
            }
            FileStatus::NotAudio | FileStatus::Empty if !named_audio => self.summary.skipped += 1,
            FileStatus::NotAudio | FileStatus::Empty | FileStatus::Unreadable => {
                self.summary.unreadable += 1;
                self.findings.push(
                    Rule::Unreadable,
                    path,
                    format!("could not be read as audio: {error}"),
                    None,
                    None,
                );
            }
            FileStatus::Damaged => {
                self.summary.unreadable += 1;
                self.summary.audio += 1;
                self.findings.push(
                    Rule::Unreadable,
                    path,
                    format!("is damaged: {error} (codes read before the damage are audited)"),
                    None,
                    None,
                );
            }
            FileStatus::Ok => self.summary.audio += 1,
        }
        if r.container.is_some() {
            self.codes(r, isrcs, barcodes);
        }
    }

    fn codes(&mut self, r: &FileReport, isrcs: &[&str], barcodes: &[&str]) {
        let path = r.path.as_path();
        let (mut isrc_sites, mut barcode_sites) = (0, 0);
        let mut flagged: BTreeSet<(Rule, String)> = BTreeSet::new();
        for c in &r.codes {
            // Only a finding needs these texts: most sites make none.
            let at = || c.location.describe();
            let shown = || c.value.clone().unwrap_or_else(|| c.raw.clone());
            match c.kind {
                CodeKind::Isrc => {
                    isrc_sites += 1;
                    if !c.valid {
                        let at = at();
                        self.findings.push(
                            Rule::IsrcInvalid,
                            path,
                            format!(
                                "ISRC \"{}\" at {at} is not valid: {}",
                                c.raw,
                                c.problem.as_deref().unwrap_or("")
                            ),
                            Some(c.raw.clone()),
                            Some(at),
                        );
                        continue;
                    }
                    if !c.canonical {
                        let (at, shown) = (at(), shown());
                        self.findings.push(
                            Rule::IsrcNoncanonical,
                            path,
                            format!("ISRC stored as \"{}\" at {at}; store it as {shown}", c.raw),
                            Some(shown),
                            Some(at),
                        );
                    }
                    let Ok(code) = Isrc::parse(&c.raw) else {
                        continue;
                    };
                    let s = self.findings.settings;
                    if !s.registrants.is_empty()
                        && !s.registrants.iter().any(|p| p == code.prefix_code())
                        && flagged.insert((Rule::IsrcRegistrant, shown()))
                    {
                        let shown = shown();
                        self.findings.push(
                            Rule::IsrcRegistrant,
                            path,
                            format!(
                                "ISRC {shown} was issued under {}, not under the label's prefix{} {}",
                                code.prefix_code(),
                                if s.registrants.len() == 1 { "" } else { "es" },
                                s.registrants.join(", ")
                            ),
                            Some(shown),
                            Some(at()),
                        );
                    }
                    let yy = u16::from(code.year());
                    let this_yy = s.year % 100;
                    // Years of reference run from 1986 (86) to this year.
                    if yy > this_yy && yy < 86 && flagged.insert((Rule::IsrcYear, shown())) {
                        let shown = shown();
                        self.findings.push(
                            Rule::IsrcYear,
                            path,
                            format!(
                                "ISRC {shown} has year of reference {yy:02}, which is in the future ({})",
                                s.year
                            ),
                            Some(shown),
                            Some(at()),
                        );
                    }
                }
                CodeKind::Barcode => {
                    barcode_sites += 1;
                    if !c.valid {
                        let at = at();
                        self.findings.push(
                            Rule::BarcodeInvalid,
                            path,
                            format!(
                                "barcode \"{}\" at {at} is not valid: {}",
                                c.raw,
                                c.problem.as_deref().unwrap_or("")
                            ),
                            Some(c.raw.clone()),
                            Some(at),
                        );
                    }
                }
            }
        }
        if isrc_sites == 0 {
            self.findings.push(
                Rule::IsrcMissing,
                path,
                "has no ISRC anywhere (ID3 TSRC, Vorbis ISRC, MP4 ISRC, RIFF INFO, iXML, aXML)"
                    .into(),
                None,
                None,
            );
        }
        if barcode_sites == 0 {
            self.findings.push(
                Rule::BarcodeMissing,
                path,
                "has no UPC/EAN barcode".into(),
                None,
                None,
            );
        }
        for (distinct, kind, rule, words) in [
            (isrcs, CodeKind::Isrc, Rule::IsrcConflict, "ISRCs"),
            (
                barcodes,
                CodeKind::Barcode,
                Rule::BarcodeConflict,
                "barcodes",
            ),
        ] {
            if distinct.len() > 1 {
                let parts: Vec<String> = distinct
                    .iter()
                    .map(|v| {
                        let places: Vec<String> = r
                            .codes
                            .iter()
                            .filter(|c| c.kind == kind && c.valid && c.value.as_deref() == Some(v))
                            .map(|c| c.location.describe())
                            .collect();
                        format!("{v} at {}", places.join(" and "))
                    })
                    .collect();
                self.findings.push(
                    rule,
                    path,
                    format!(
                        "carries {} different {words}: {}",
                        distinct.len(),
                        parts.join("; ")
                    ),
                    Some(distinct.join(", ")),
                    None,
                );
            }
        }
    }
}

/// The run's state on the main thread: findings, one record per file, the
/// release table.
struct Audit<'a> {
    settings: &'a Settings,
    findings: Findings<'a>,
    records: Vec<Record>,
    summary: Summary,
    releases: HashMap<PathBuf, u32>,
    /// The last release folder seen and its number: files come in path
    /// order, so most files share their predecessor's release.
    last_release: Option<(PathBuf, u32)>,
}

impl Audit<'_> {
    /// Keep what the reading thread made of a file, numbering its release.
    fn take(&mut self, e: Examined) {
        let path = e.record.path.as_path();
        let dir = match self.settings.release_by {
            ReleaseBy::Folder => path.parent(),
            ReleaseBy::ParentFolder => path.parent().and_then(Path::parent),
        }
        .unwrap_or(Path::new(""));
        let release = match &self.last_release {
            Some((last, n)) if last.as_os_str() == dir.as_os_str() => *n,
            _ => {
                let next = self.releases.len() as u32;
                let n = *self.releases.entry(dir.to_path_buf()).or_insert(next);
                self.last_release = Some((dir.to_path_buf(), n));
                n
            }
        };
        self.records.push(Record {
            release,
            ..e.record
        });
        self.findings.list.extend(e.findings);
        self.summary.add(&e.summary);
    }

    fn cross_file(&mut self) {
        self.duplicates();
        self.release_barcodes();
    }

    /// Two records are the same recording unless they can be told apart.
    fn same_recording(&self, a: &Record, b: &Record) -> bool {
        self.settings
            .sameness()
            .same(&a.recording(), &b.recording())
    }

    fn duplicates(&mut self) {
        // (code, record) pairs sorted: each code's records in path order.
        let mut pairs: Vec<(Isrc, usize)> = self
            .records
            .iter()
            .enumerate()
            .flat_map(|(i, r)| r.isrcs.iter().map(move |c| (*c, i)))
            .collect();
        pairs.sort_unstable();
        let mut out = Vec::new();
        for group in pairs.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
            let code = group[0].0;
            let members: Vec<usize> = group.iter().map(|&(_, i)| i).collect();
            let cluster = clusters(&members, |a, b| {
                self.same_recording(&self.records[a], &self.records[b])
            });
            if cluster.iter().all(|&c| c == cluster[0]) {
                continue;
            }
            for (k, &i) in members.iter().enumerate() {
                let others: Vec<usize> = members
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| cluster[j] != cluster[k])
                    .map(|(_, &m)| m)
                    .collect();
                let names: Vec<String> = others
                    .iter()
                    .map(|&o| describe_recording(&self.records[o]))
                    .collect();
                out.push((
                    i,
                    code,
                    others.iter().map(|&o| self.records[o].path.clone()).collect::<Vec<_>>(),
                    format!(
                        "ISRC {code} ({}) is also on {} other recording{}: {}; a different recording needs its own ISRC",
                        describe_recording(&self.records[i]),
                        others.len(),
                        if others.len() == 1 { "" } else { "s" },
                        names.join("; ")
                    ),
                ));
            }
        }
        for (i, code, mut related, message) in out {
            related.sort_by(|a, b| crate::walk::path_order(a, b));
            let path = self.records[i].path.clone();
            self.findings.push(
                Rule::IsrcDuplicate,
                &path,
                message,
                Some(code.to_string()),
                None,
            );
            if let Some(f) = self
                .findings
                .list
                .last_mut()
                .filter(|f| f.rule == Rule::IsrcDuplicate && f.path == path)
            {
                f.related = related;
            }
        }
    }

    fn release_barcodes(&mut self) {
        // release -> records
        let mut by_release: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (i, r) in self.records.iter().enumerate() {
            if r.container.is_some() {
                by_release.entry(r.release).or_default().push(i);
            }
        }
        let mut names: Vec<&Path> = vec![Path::new(""); self.releases.len()];
        for (p, &i) in &self.releases {
            names[i as usize] = p;
        }
        let names = |rel: &u32| names.get(*rel as usize).copied();
        let mut pending = Vec::new();
        // barcode-inconsistent
        for (rel, members) in &by_release {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for &i in members {
                for b in &self.records[i].barcodes {
                    *counts.entry(b).or_default() += 1;
                }
            }
            // Consistent when every track carries the same set (a set of two
            // is each file's own barcode-conflict, not an inconsistency).
            let sets: BTreeSet<&[Box<str>]> = members
                .iter()
                .map(|&i| self.records[i].barcodes.as_slice())
                .filter(|b| !b.is_empty())
                .collect();
            if counts.len() < 2 || sets.len() < 2 {
                continue;
            }
            let summary: Vec<String> = counts
                .iter()
                .map(|(b, n)| format!("{b} ({n} file{})", if *n == 1 { "" } else { "s" }))
                .collect();
            for &i in members {
                let mine = &self.records[i].barcodes;
                if mine.is_empty() {
                    continue;
                }
                let related: Vec<PathBuf> = members
                    .iter()
                    .filter(|&&j| {
                        j != i && self.records[j].barcodes.iter().any(|b| !mine.contains(b))
                    })
                    .map(|&j| self.records[j].path.clone())
                    .collect();
                pending.push((
                    Rule::BarcodeInconsistent,
                    i,
                    related,
                    format!(
                        "tracks of the release in {} carry different barcodes: {}; a release has one barcode",
                        names(rel).map(|p| p.display().to_string()).unwrap_or_default(),
                        summary.join(", ")
                    ),
                    Some(mine.join(", ")),
                ));
            }
        }
        // barcode-shared
        let mut by_barcode: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
        for r in &self.records {
            for b in &r.barcodes {
                by_barcode.entry(b).or_default().insert(r.release);
            }
        }
        for (barcode, releases) in by_barcode.iter().filter(|(_, r)| r.len() > 1) {
            let rels: Vec<u32> = releases.iter().copied().collect();
            let content = |rel: u32| release_content(&by_release, rel, &self.records);
            let contents: Vec<_> = rels.iter().map(|&r| content(r)).collect();
            let idx: Vec<usize> = (0..rels.len()).collect();
            let cluster = clusters(&idx, |a, b| {
                contents[a] == contents[b] && !contents[a].is_empty()
            });
            if cluster.iter().collect::<BTreeSet<_>>().len() < 2 {
                continue;
            }
            for (k, rel) in rels.iter().enumerate() {
                let other_rels: Vec<u32> = rels
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| cluster[j] != cluster[k])
                    .map(|(_, &r)| r)
                    .collect();
                let carriers = |r: u32| -> Vec<usize> {
                    by_release
                        .get(&r)
                        .map(|m| {
                            m.iter()
                                .copied()
                                .filter(|&i| {
                                    self.records[i].barcodes.iter().any(|b| &**b == *barcode)
                                })
                                .collect()
                        })
                        .unwrap_or_default()
                };
                let related: Vec<PathBuf> = other_rels
                    .iter()
                    .flat_map(|&r| carriers(r))
                    .map(|i| self.records[i].path.clone())
                    .collect();
                let folders: Vec<String> = other_rels
                    .iter()
                    .filter_map(names)
                    .map(|p| p.display().to_string())
                    .collect();
                for i in carriers(*rel) {
                    pending.push((
                        Rule::BarcodeShared,
                        i,
                        related.clone(),
                        format!(
                            "barcode {barcode} is also on a different release ({}): each release needs its own barcode",
                            folders.join(", ")
                        ),
                        Some(barcode.to_string()),
                    ));
                }
            }
        }
        for (rule, i, mut related, message, code) in pending {
            related.sort_by(|a, b| crate::walk::path_order(a, b));
            let path = self.records[i].path.clone();
            let before = self.findings.list.len();
            self.findings.push(rule, &path, message, code, None);
            if self.findings.list.len() > before
                && let Some(f) = self.findings.list.last_mut()
            {
                f.related = related;
            }
        }
    }
}

/// What a release holds: its recordings' ISRCs, or, when none of its files
/// has one, its titles.
#[derive(PartialEq)]
enum Content {
    Isrcs(BTreeSet<Isrc>),
    Titles(BTreeSet<String>),
}

impl Content {
    fn is_empty(&self) -> bool {
        match self {
            Content::Isrcs(s) => s.is_empty(),
            Content::Titles(s) => s.is_empty(),
        }
    }
}

fn release_content(
    by_release: &BTreeMap<u32, Vec<usize>>,
    rel: u32,
    records: &[Record],
) -> Content {
    let members = by_release.get(&rel).map(Vec::as_slice).unwrap_or_default();
    let isrcs: BTreeSet<Isrc> = members
        .iter()
        .flat_map(|&i| records[i].isrcs.iter().copied())
        .collect();
    if !isrcs.is_empty() {
        return Content::Isrcs(isrcs);
    }
    Content::Titles(
        members
            .iter()
            .filter_map(|&i| {
                records[i]
                    .title
                    .as_deref()
                    .map(crate::recording::fold_title)
            })
            .collect(),
    )
}

/// Union-find clusters of `items` under `same`; returns a cluster id per item.
fn clusters(items: &[usize], same: impl Fn(usize, usize) -> bool) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..items.len()).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for a in 0..items.len() {
        for b in a + 1..items.len() {
            if same(items[a], items[b]) {
                let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
                parent[ra] = rb;
            }
        }
    }
    (0..items.len()).map(|i| root(&mut parent, i)).collect()
}

fn describe_recording(r: &Record) -> String {
    let mut s = r.path.display().to_string();
    let title = r.title.as_deref().map(|t| format!("\"{t}\""));
    let dur = r
        .duration_ms
        .map(|ms| format!("{}:{:02}", ms / 60_000, ms / 1000 % 60));
    match (title, dur) {
        (Some(t), Some(d)) => s.push_str(&format!(", {t}, {d}")),
        (Some(t), None) => s.push_str(&format!(", {t}")),
        (None, Some(d)) => s.push_str(&format!(", {d}")),
        (None, None) => {}
    }
    s
}
