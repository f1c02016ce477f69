//! `audit --cd DISC MASTERS…`: a CD master (a DDP image, a CUE sheet or a
//! cdrdao TOC file) checked against the files it was made from.
//!
//! In the flow the disc and the masters are walked, read and put through
//! the per-file and cross-file rules like any files; then [`Disc::check`]
//! pairs the disc's tracks with the masters and compares them:
//!
//! - pairing: a CUE/TOC track with the master its `FILE` names (by file
//!   name); else by the track number a master's file name starts with
//!   (`03 Outro.wav`, as `embed` reads it); else by length (a master whose
//!   duration is within `cd-tolerance` of exactly one track's); else, when
//!   as many tracks as masters are left, in order (masters in path order);
//! - cd-track-mismatch: a track with no master, a master on no track,
//!   tracks in another order (a track that fits another master by ISRC and
//!   length, while neither fits its own), a length that differs by more
//!   than `cd-tolerance`;
//! - cd-isrc-mismatch: a track's ISRC is not its master's (a track whose
//!   own sites disagree is the per-file rule's, not compared again);
//! - isrc-missing on a DDP track with no ISRC site (the per-file rule's,
//!   from the PQ descriptors) is given its master's code and the patch;
//! - cd-barcode-mismatch: the disc's one UPC/EAN is not the masters' (a
//!   disc whose own sites disagree is the per-file rule's).
//!
//! Every finding is on the disc's file (`DDPID`, the sheet), with the
//! disc's location (file, field, offset, track; the PQ entry or sheet
//! line) and the master in `related`.

use super::finding::Findings;
use super::{Record, Rule};
use crate::cd::{self, Layout};
use crate::codes::Isrc;
use crate::model::{CodeKind, CodeSite, Container, FileReport, FileStatus};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A disc to check, as read before the audit.
#[derive(Debug, Clone)]
pub struct Disc {
    /// The file its codes are read from: a DDP image's `DDPID`, a CUE
    /// sheet, a TOC file.
    pub path: PathBuf,
    report: FileReport,
    layout: Layout,
}

/// Why a path given to `--cd` is not a disc.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NotADisc(String);

impl Disc {
    /// Read the disc at `path`: a DDP image's folder or its `DDPID`, a CUE
    /// sheet, a cdrdao TOC file. A file that is no disc at all (audio, a
    /// folder without a `DDPID`) is an error; a damaged disc is read as
    /// far as it goes (the audit reports it `unreadable`).
    pub fn open(path: &Path) -> Result<Disc, NotADisc> {
        let shown = crate::platform::path_text(path);
        let file = if path.is_dir() {
            let found = std::fs::read_dir(path)
                .map_err(|e| NotADisc(format!("{shown}: {e}")))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.eq_ignore_ascii_case("DDPID"))
                });
            match found {
                Some(f) => f,
                None => {
                    return Err(NotADisc(format!(
                        "{shown}: a folder without a DDPID file: --cd takes a DDP image (its folder or its DDPID), a .cue or a .toc file"
                    )));
                }
            }
        } else {
            path.to_path_buf()
        };
        let report = crate::engine::read_file(&file);
        match report.container {
            Some(c @ (Container::Ddp | Container::Cue)) => {
                let layout = cd::layout(&file, c);
                Ok(Disc {
                    path: file,
                    report,
                    layout,
                })
            }
            Some(c) => Err(NotADisc(format!(
                "{shown}: a {} file, not a CD master: --cd takes a DDP image (its folder or its DDPID), a .cue or a .toc file; give the audio files as MASTERS",
                report.format.as_deref().unwrap_or(c.name())
            ))),
            None if report.status == FileStatus::Unreadable
                || report.status == FileStatus::Empty
                || matches!(
                    file.extension().and_then(|e| e.to_str()),
                    Some(e) if e.eq_ignore_ascii_case("cue") || e.eq_ignore_ascii_case("toc")
                )
                || file
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.eq_ignore_ascii_case("DDPID")) =>
            {
                // Named like a disc but nothing could be read: audited
                // (an unreadable finding) and the run exits 2.
                Ok(Disc {
                    path: file,
                    report,
                    layout: Layout::default(),
                })
            }
            None => Err(NotADisc(format!(
                "{shown}: not a DDP image, CUE sheet or TOC file ({})",
                report.error.as_deref().unwrap_or("not read")
            ))),
        }
    }

    /// The audio files the disc's sheet names (CUE `FILE`, TOC
    /// `FILE`/`AUDIOFILE`), relative to the sheet's folder, that exist:
    /// the masters of `audit --cd album.cue` when none are given.
    pub fn named_files(&self) -> Vec<PathBuf> {
        let dir = self.path.parent().unwrap_or(Path::new(""));
        let mut seen = BTreeSet::new();
        self.layout
            .tracks
            .iter()
            .filter_map(|t| t.file.as_deref())
            .filter(|f| seen.insert(f.to_string()))
            .map(|f| dir.join(f))
            .filter(|p| p.is_file())
            .collect()
    }

    /// Whether the disc's sheet names files (CUE `FILE`, TOC `FILE`).
    pub fn names_files(&self) -> bool {
        self.layout.tracks.iter().any(|t| t.file.is_some())
    }

    /// Whether nothing could be read of the disc: no code site and no
    /// track (the run then exits 2).
    pub fn nothing_read(&self) -> bool {
        self.report.container.is_none()
            || (self.report.codes.is_empty() && self.layout.tracks.is_empty())
    }

    /// The tracks as the layout gives them, and any track the code sites
    /// name that the layout does not (a layout cut short).
    fn tracks(&self) -> Vec<cd::Track> {
        let mut tracks = self.layout.tracks.clone();
        let mut extra: BTreeSet<u32> = BTreeSet::new();
        for c in &self.report.codes {
            if let Some(t) = c.location.track
                && !tracks.iter().any(|x| x.number == t)
            {
                extra.insert(t);
            }
        }
        for t in extra {
            tracks.push(cd::Track {
                number: t,
                start: None,
                length: None,
                file: None,
                at: format!("track {t:02}"),
            });
        }
        tracks
    }

    /// The valid ISRC sites of track `n`.
    fn isrc_sites(&self, n: u32) -> Vec<&CodeSite> {
        self.report
            .codes
            .iter()
            .filter(|c| c.kind == CodeKind::Isrc && c.valid && c.location.track == Some(n))
            .collect()
    }

    /// Where a site is, with the entry or line its note names.
    fn at(site: &CodeSite) -> String {
        let entry = site.notes.iter().find(|n| {
            site.location
                .chunk
                .as_deref()
                .is_some_and(|c| n.starts_with(c))
        });
        match entry {
            Some(e) => format!("{} ({e})", site.location.describe()),
            None => site.location.describe(),
        }
    }

    /// The rules that compare the disc with its masters: every record but
    /// the disc's own and other discs' is a master.
    pub(super) fn check(&self, records: &[Record], tolerance_ms: u64, findings: &mut Findings) {
        let path = self.path.as_path();
        let all_masters: Vec<&Record> = records
            .iter()
            .filter(|r| r.path != self.path)
            .filter(|r| {
                r.container
                    .is_some_and(|c| c != Container::Ddp && c != Container::Cue)
            })
            .collect();
        let masters = without_copies(all_masters.clone(), tolerance_ms);
        let damaged = self.report.status != FileStatus::Ok || !self.layout.problems.is_empty();
        if self.report.status == FileStatus::Ok && !self.layout.problems.is_empty() {
            findings.push(
                Rule::Unreadable,
                path,
                format!(
                    "the disc's track layout could not be read whole: {} (the track checks are skipped)",
                    self.layout.problems.join("; ")
                ),
                None,
                None,
            );
        }
        if self.report.container.is_none()
            && !findings
                .list
                .iter()
                .any(|f| f.rule == Rule::Unreadable && f.path == self.path)
        {
            // A DDPID that is no DDPID (a file without a name a walk
            // takes for audio): the per-file rules counted it as skipped.
            findings.push(
                Rule::Unreadable,
                path,
                format!(
                    "could not be read as a CD master: {}",
                    self.report
                        .error
                        .as_deref()
                        .unwrap_or("not a DDP image, CUE sheet or TOC file")
                ),
                None,
                None,
            );
        }
        self.barcode(&all_masters, findings);
        if self.nothing_read() {
            return;
        }
        let tracks = self.tracks();
        let pairs = pair(&tracks, &masters, tolerance_ms, self);
        let show = |m: &Record| crate::platform::path_text(&m.path).into_owned();
        // A DDP track without an ISRC site is the per-file rule's
        // isrc-missing; with its master known, the finding names the
        // master's code and how to patch it in.
        if self.report.container == Some(Container::Ddp) {
            let folder = crate::platform::path_text(
                self.path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new(".")),
            )
            .into_owned();
            for (k, t) in tracks.iter().enumerate() {
                let Some(m) = pairs.track_master[k].map(|j| masters[j]) else {
                    continue;
                };
                let Some(c) = m.isrcs.first() else { continue };
                let head = format!("{}{:02} has no ISRC", cd::MISSING_TRACK, t.number);
                if let Some(f) = findings.list.iter_mut().find(|f| {
                    f.rule == Rule::IsrcMissing
                        && f.path == self.path
                        && f.message.starts_with(&head)
                }) {
                    f.message = format!(
                        "{head} in the image (no PQ, DDPMS or CD-TEXT site), but its master {} carries {c}: patch it in (isrckit set --track {} --isrc {c} {folder}/)",
                        show(m),
                        t.number
                    );
                    f.code = Some(c.to_string());
                    f.related = vec![m.path.clone()];
                }
            }
        }
        if masters.is_empty() && tracks.iter().all(|t| t.file.is_none()) {
            // A disc audited alone.
            return;
        }
        // Count: a track without a master, a master on no track. A disc
        // cut short says so as unreadable; its missing tracks are not
        // counted against it.
        if !damaged {
            // file -> its tracks, for the files a sheet names that are
            // not there: one finding a file.
            let mut missing: Vec<(&str, Vec<&cd::Track>)> = Vec::new();
            let dir = self.path.parent().unwrap_or(Path::new(""));
            for (k, t) in tracks.iter().enumerate() {
                if pairs.track_master[k].is_some() {
                    continue;
                }
                if let Some(f) = t.file.as_deref()
                    && !dir.join(f).is_file()
                {
                    match missing.iter_mut().find(|(x, _)| *x == f) {
                        Some((_, v)) => v.push(t),
                        None => missing.push((f, vec![t])),
                    }
                    continue;
                }
                findings.push(
                    Rule::CdTrackMismatch,
                    path,
                    format!(
                        "TRACK {:02} of the disc ({}){} has no master among the {} files given: the disc has {} tracks, the masters {}",
                        t.number,
                        t.at,
                        t.length
                            .map(|l| format!(", {}", cd::seconds(l)))
                            .unwrap_or_default(),
                        masters.len(),
                        tracks.len(),
                        masters.len()
                    ),
                    None,
                    Some(t.at.clone()),
                );
            }
            for (f, ts) in missing {
                let which = if ts.len() == 1 {
                    format!("TRACK {:02} ({})", ts[0].number, ts[0].at)
                } else {
                    let numbers: Vec<String> =
                        ts.iter().map(|t| format!("{:02}", t.number)).collect();
                    format!("tracks {} ({})", numbers.join(", "), ts[0].at)
                };
                findings.push(
                    Rule::CdTrackMismatch,
                    path,
                    format!(
                        "{which}: FILE \"{f}\" is not in the sheet's folder, and no master given is that file: {} no master",
                        if ts.len() == 1 { "the track has" } else { "these tracks have" }
                    ),
                    None,
                    Some(ts[0].at.clone()),
                );
            }
        }
        for (j, m) in masters.iter().enumerate() {
            if !pairs.track_master.contains(&Some(j)) && !damaged {
                let before = findings.list.len();
                findings.push(
                    Rule::CdTrackMismatch,
                    path,
                    format!(
                        "{} is on no track of the disc: the disc has {} tracks, the masters {}",
                        show(m),
                        tracks.len(),
                        masters.len()
                    ),
                    m.isrcs.first().map(|c| c.to_string()),
                    None,
                );
                relate(findings, before, vec![m.path.clone()]);
            }
        }
        // Order.
        if !pairs.out_of_order.is_empty() {
            let list: Vec<String> = pairs
                .out_of_order
                .iter()
                .map(|&(k, j)| format!("TRACK {:02} is {}", tracks[k].number, show(masters[j])))
                .collect();
            let before = findings.list.len();
            findings.push(
                Rule::CdTrackMismatch,
                path,
                format!(
                    "the disc's tracks are in another order than the masters': {} (by ISRC and length)",
                    list.join(", ")
                ),
                None,
                Some(tracks[pairs.out_of_order[0].0].at.clone()),
            );
            relate(
                findings,
                before,
                pairs
                    .out_of_order
                    .iter()
                    .map(|&(_, j)| masters[j].path.clone())
                    .collect(),
            );
        }
        // Each pair: ISRC and length.
        for (k, t) in tracks.iter().enumerate() {
            let Some(j) = pairs.track_master[k] else {
                continue;
            };
            if pairs.out_of_order.iter().any(|&(x, _)| x == k) || pairs.shared[j] {
                continue;
            }
            let m = masters[j];
            let sites = self.isrc_sites(t.number);
            let mut values: Vec<&str> = sites.iter().filter_map(|c| c.value.as_deref()).collect();
            values.sort_unstable();
            values.dedup();
            if let [disc_code] = values.as_slice()
                && !m.isrcs.is_empty()
                && !m.isrcs.iter().any(|c| c.as_str() == *disc_code)
            {
                let theirs: Vec<String> = m.isrcs.iter().map(Isrc::to_string).collect();
                let before = findings.list.len();
                findings.push(
                    Rule::CdIsrcMismatch,
                    path,
                    format!(
                        "TRACK {:02} carries ISRC {disc_code} on the disc (at {}), but its master {} carries {}: the disc and the file must carry the same code",
                        t.number,
                        sites[0].location.describe(),
                        show(m),
                        theirs.join(", ")
                    ),
                    Some((*disc_code).to_string()),
                    Some(Self::at(sites[0])),
                );
                relate(findings, before, vec![m.path.clone()]);
            }
            if let (Some(len), Some(ms), false) = (t.length, m.duration_ms, damaged) {
                let disc_ms = u64::from(len) * 1000 / u64::from(cd::FRAMES);
                if disc_ms.abs_diff(ms) > tolerance_ms {
                    let before = findings.list.len();
                    findings.push(
                        Rule::CdTrackMismatch,
                        path,
                        format!(
                            "TRACK {:02} is {} long on the disc ({} frames, {}), but its master {} is {}: more than the {} s tolerance apart (a different edit, or the wrong file?)",
                            t.number,
                            cd::seconds(len),
                            len,
                            t.at,
                            show(m),
                            cd::millis(ms),
                            tolerance_ms as f64 / 1000.0
                        ),
                        None,
                        Some(t.at.clone()),
                    );
                    relate(findings, before, vec![m.path.clone()]);
                }
            }
        }
    }

    /// cd-barcode-mismatch between the disc's one UPC/EAN and the masters'.
    fn barcode(&self, masters: &[&Record], findings: &mut Findings) {
        let disc = self.report.distinct(CodeKind::Barcode);
        let [code] = disc.as_slice() else {
            // None: barcode-missing; several: the per-file rule's.
            return;
        };
        let mut others: Vec<(&str, Vec<&Record>)> = Vec::new();
        for m in masters {
            for b in m.barcodes.iter().filter(|b| &***b != *code) {
                match others.iter_mut().find(|(x, _)| *x == &**b) {
                    Some((_, v)) => v.push(m),
                    None => others.push((b, vec![m])),
                }
            }
        }
        if others.is_empty() {
            return;
        }
        let site =
            self.report.codes.iter().find(|c| {
                c.kind == CodeKind::Barcode && c.valid && c.value.as_deref() == Some(code)
            });
        let list: Vec<String> = others
            .iter()
            .map(|(b, ms)| {
                let names: Vec<String> = ms
                    .iter()
                    .take(3)
                    .map(|m| crate::platform::path_text(&m.path).into_owned())
                    .collect();
                format!(
                    "{b} ({} file{}: {}{})",
                    ms.len(),
                    if ms.len() == 1 { "" } else { "s" },
                    names.join(", "),
                    if ms.len() > 3 { ", …" } else { "" }
                )
            })
            .collect();
        let before = findings.list.len();
        findings.push(
            Rule::CdBarcodeMismatch,
            &self.path,
            format!(
                "the disc's UPC/EAN is {code}{}, but the masters carry {}: a release has one barcode",
                site.map(|s| format!(" (at {})", s.location.describe()))
                    .unwrap_or_default(),
                list.join("; ")
            ),
            Some((*code).to_string()),
            site.map(Self::at),
        );
        relate(
            findings,
            before,
            others
                .iter()
                .flat_map(|(_, ms)| ms.iter().map(|m| m.path.clone()))
                .collect(),
        );
    }
}

/// The masters less the copies of one recording in other formats (a
/// `WAV/` and a `FLAC/` folder): a master with the track number, the
/// ISRCs (or none, or the other has none) and, within `tolerance_ms`, the
/// duration of one before it (in path order) is that one's copy. A copy's
/// own problems (no ISRC) are the per-file rules'; its barcode is checked
/// with the rest's.
fn without_copies(masters: Vec<&Record>, tolerance_ms: u64) -> Vec<&Record> {
    let number = |m: &Record| {
        m.path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(crate::embed::manifest::track_number)
    };
    let mut kept: Vec<&Record> = Vec::new();
    for m in masters {
        let copy = kept.iter_mut().find(|k| {
            number(k).is_some()
                && number(k) == number(m)
                && (k.isrcs == m.isrcs || k.isrcs.is_empty() || m.isrcs.is_empty())
                && match (k.duration_ms, m.duration_ms) {
                    (Some(a), Some(b)) => a.abs_diff(b) <= tolerance_ms,
                    _ => true,
                }
        });
        match copy {
            // The copy that carries ISRCs speaks for the recording.
            Some(k) if k.isrcs.is_empty() && !m.isrcs.is_empty() => *k = m,
            Some(_) => {}
            None => kept.push(m),
        }
    }
    kept
}

/// Give the finding pushed after `before` (if the rule is on) its
/// related files, sorted.
fn relate(findings: &mut Findings, before: usize, mut related: Vec<PathBuf>) {
    if findings.list.len() > before
        && let Some(f) = findings.list.last_mut()
    {
        related.sort_by(|a, b| crate::walk::path_order(a, b));
        related.dedup();
        f.related = related;
    }
}

/// Which master each track is paired with, and the tracks found in
/// another master's place.
struct Pairs {
    /// Per track (disc order): the index of its master.
    track_master: Vec<Option<usize>>,
    /// (track, master) pairs where the track is a master that the
    /// numbering puts elsewhere.
    out_of_order: Vec<(usize, usize)>,
    /// Per master: it is the one file of several tracks (a single-file
    /// sheet's image), so its length and codes are not one track's.
    shared: Vec<bool>,
}

/// Pair tracks with masters (see the module docs).
fn pair(tracks: &[cd::Track], masters: &[&Record], tolerance_ms: u64, disc: &Disc) -> Pairs {
    let mut track_master: Vec<Option<usize>> = vec![None; tracks.len()];
    let mut taken = vec![false; masters.len()];
    let mut shared = vec![false; masters.len()];
    let name = |m: &Record| {
        m.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    // 1. The sheet's FILE names.
    for (k, t) in tracks.iter().enumerate() {
        let Some(f) = t.file.as_deref() else { continue };
        let want = Path::new(f)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        // A file may hold several tracks (a single-file sheet's image).
        if let Some(j) = (0..masters.len()).find(|&j| Some(name(masters[j])) == want) {
            if taken[j] {
                shared[j] = true;
            }
            track_master[k] = Some(j);
            taken[j] = true;
        }
    }
    // 2. Track numbers from the masters' file names, when every master
    // left has one of its own.
    let numbers: Vec<Option<u32>> = masters
        .iter()
        .map(|m| crate::embed::manifest::track_number(&name(m)))
        .collect();
    let left: Vec<usize> = (0..masters.len()).filter(|&j| !taken[j]).collect();
    let unique: BTreeSet<u32> = left.iter().filter_map(|&j| numbers[j]).collect();
    let by_number = !left.is_empty()
        && left.iter().all(|&j| numbers[j].is_some())
        && unique.len() == left.len();
    let mut numbered: Vec<usize> = Vec::new();
    if by_number {
        for (k, t) in tracks.iter().enumerate() {
            if track_master[k].is_some() {
                continue;
            }
            if let Some(&j) = left.iter().find(|&&j| numbers[j] == Some(t.number)) {
                track_master[k] = Some(j);
                taken[j] = true;
                numbered.push(k);
            }
        }
    }
    // Does track k fit master j? (Some(true): ISRC or length agrees and
    // nothing disagrees; Some(false): something disagrees; None: nothing
    // to tell.)
    let fits = |k: usize, j: usize| -> Option<bool> {
        let t = &tracks[k];
        let m = masters[j];
        let mut evidence = None;
        let codes: BTreeSet<&str> = disc
            .isrc_sites(t.number)
            .iter()
            .filter_map(|c| c.value.as_deref())
            .collect();
        if !codes.is_empty() && !m.isrcs.is_empty() {
            let agree = m.isrcs.iter().any(|c| codes.contains(c.as_str()));
            evidence = Some(agree);
        }
        if let (Some(len), Some(ms)) = (t.length, m.duration_ms) {
            let disc_ms = u64::from(len) * 1000 / u64::from(cd::FRAMES);
            let agree = disc_ms.abs_diff(ms) <= tolerance_ms;
            evidence = Some(evidence.unwrap_or(true) && agree);
        }
        evidence
    };
    // A numbered pair that does not fit, whose track fits a master left
    // over, is that master (a track missing before it).
    for &k in &numbered {
        let Some(j) = track_master[k] else { continue };
        if fits(k, j) != Some(false) {
            continue;
        }
        if let Some(o) = (0..masters.len()).find(|&o| !taken[o] && fits(k, o) == Some(true)) {
            taken[j] = false;
            taken[o] = true;
            track_master[k] = Some(o);
        }
    }
    // Tracks in another order: a numbered pair that does not fit, whose
    // track fits the master of another numbered pair that does not fit.
    let misfits: Vec<usize> = numbered
        .iter()
        .copied()
        .filter(|&k| track_master[k].is_some_and(|j| fits(k, j) == Some(false)))
        .collect();
    let mut out_of_order = Vec::new();
    for &k in &misfits {
        for &o in &misfits {
            if let Some(j) = track_master[o]
                && o != k
                && fits(k, j) == Some(true)
            {
                out_of_order.push((k, j));
                break;
            }
        }
    }
    // 3. By length: a track whose length fits exactly one master left.
    for (k, t) in tracks.iter().enumerate() {
        if track_master[k].is_some() || t.length.is_none() {
            continue;
        }
        let hits: Vec<usize> = (0..masters.len())
            .filter(|&j| !taken[j] && fits(k, j) == Some(true))
            .collect();
        if let [j] = hits.as_slice() {
            track_master[k] = Some(*j);
            taken[*j] = true;
        }
    }
    // 4. In order, when as many tracks as masters are left.
    let tracks_left: Vec<usize> = (0..tracks.len())
        .filter(|&k| track_master[k].is_none())
        .collect();
    let masters_left: Vec<usize> = (0..masters.len()).filter(|&j| !taken[j]).collect();
    if tracks_left.len() == masters_left.len() {
        for (k, j) in tracks_left.into_iter().zip(masters_left) {
            track_master[k] = Some(j);
        }
    }
    Pairs {
        track_master,
        out_of_order,
        shared,
    }
}
