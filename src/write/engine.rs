//! Writing one file: plan it, then under its lock check the plan still
//! holds (planning again if the file changed), write (one in-place page,
//! or a temp copy), verify, replace.

use super::hooks;
use super::master::Master;
use super::safe::{self, VerifyError, WriteError};
use crate::formats::{self, Part};
use crate::model::{CodeKind, FileReport, FileStatus};
use crate::plan::{Change, Codes, Piece, Plan, PlanError, SetPlan, Targets};
use crate::platform::{self, FileInfo};
use crate::source::{ReadAt, Source};
use serde::Serialize;
use std::fs::File;
use std::path::{Path, PathBuf};

/// What became of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Status {
    /// Rewritten and verified.
    Written,
    /// Already held the codes: not touched.
    Unchanged,
    /// A dry run: what would change.
    Planned,
    /// Not written; the original is as it was.
    Failed,
    /// Not a file codes go into (a file in a folder given to `set` that is
    /// not audio): left alone; `error` says what it is.
    Skipped,
    /// Another name of a file given earlier in the same run (a symlink to
    /// it, the same path spelt otherwise): the file was written (or
    /// planned) once, under that name (`same_as`), which shows the outcome.
    SameFile,
}

/// The result for one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FileResult {
    /// The file (as given).
    #[serde(serialize_with = "crate::model::path_text")]
    pub path: PathBuf,
    /// When the path given is a symlink: the file it leads to, which is
    /// the file written.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "optional_path"
    )]
    pub real_path: Option<PathBuf>,
    /// What happened.
    pub status: Status,
    /// For [`Status::SameFile`]: the name the file was written under.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "optional_path"
    )]
    pub same_as: Option<PathBuf>,
    /// The changes made (or planned).
    pub changes: Vec<Change>,
    /// Which common readers will not show a code where it was (or would
    /// be) written, one note per such site (`location: note`); present only
    /// when there are some.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Why it failed.
    pub error: Option<String>,
}

fn optional_path<S: serde::Serializer>(p: &Option<PathBuf>, s: S) -> Result<S::Ok, S::Error> {
    match p {
        Some(p) => crate::model::path_text(p, s),
        None => s.serialize_none(),
    }
}

impl FileResult {
    /// A result with no changes and no error.
    pub(crate) fn new(path: &Path, status: Status) -> FileResult {
        FileResult {
            path: path.to_path_buf(),
            real_path: None,
            status,
            same_as: None,
            changes: Vec::new(),
            notes: Vec::new(),
            error: None,
        }
    }

    /// A result with no changes, and why (a failure, or what a skipped
    /// file is).
    pub(crate) fn with_error(path: PathBuf, status: Status, error: String) -> FileResult {
        FileResult {
            error: Some(error),
            ..FileResult::new(&path, status)
        }
    }
}

/// What a run allows beyond the defaults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policy {
    /// Write a file that has other names (hard links) as a new file under
    /// the name given, leaving the other names with the old content.
    /// Without it such a file is refused: an in-place edit would change
    /// every name, a rewrite only one, and which happens must not depend
    /// on the length of a code.
    pub break_hard_links: bool,
}

/// A file's plan, ready to write.
pub struct Prepared {
    /// The file written (symlinks resolved).
    pub target: PathBuf,
    /// The plan; `None` when the file already holds the codes.
    pub plan: Option<Plan>,
    /// The file as read before writing.
    pub before: FileReport,
    /// The file when it was planned: the write plans again if it changed.
    pub(crate) info: FileInfo,
    /// Whether the path given is a symlink (to `target`).
    pub(crate) via_symlink: bool,
    /// Which readers will not show the codes where the plan puts them
    /// (and, for a set of files, what the user should know of the write).
    pub(crate) notes: Vec<String>,
    /// For a container of several files (a DDP image): the files to
    /// write; `plan` then only lists the changes.
    pub(crate) set: Option<SetPlan>,
    targets: Targets,
    policy: Policy,
}

/// A file as read through an open handle.
pub(crate) struct At<'a>(pub &'a File);

impl ReadAt for At<'_> {
    fn read_exact_at(&mut self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        platform::read_exact_at(self.0, buf, offset)
    }

    fn windowed(&self) -> bool {
        true
    }
}

/// Read `path` and plan the write of `codes`. Nothing is written. The
/// path is resolved once (symlinks followed); the file is then opened in
/// its folder without following a link, and read and planned through
/// that handle.
pub fn prepare(
    path: &Path,
    codes: &Codes,
    targets: &Targets,
    policy: Policy,
) -> Result<Prepared, PlanError> {
    // Before anything opens it: a FIFO would block the open for ever.
    crate::walk::regular_file(path).map_err(PlanError::Unsupported)?;
    let target = safe::resolve(path).map_err(|e| PlanError::Unsupported(e.to_string()))?;
    let via_symlink = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let m = Master::open(&target, false).map_err(|e| PlanError::Unsupported(e.to_string()))?;
    let (before, plan, set) = plan_open(&m, codes, targets, policy)?;
    let notes = match (&set, &plan) {
        (Some(s), _) => s.notes.clone(),
        (None, Some(p)) => readers_notes(&m, p),
        (None, None) => Vec::new(),
    };
    Ok(Prepared {
        target,
        plan,
        before,
        info: m.info,
        via_symlink,
        notes,
        set,
        targets: *targets,
        policy,
    })
}

/// Which common readers will not show a code where `plan` writes it: the
/// planned file is read through the plan (new bytes, and the original's
/// ranges through the open handle), and the notes on the sites the plan
/// changes are kept (`location: note`).
fn readers_notes(m: &Master, plan: &Plan) -> Vec<String> {
    let mut planned = Planned {
        file: &m.file,
        pieces: &plan.pieces,
    };
    let len = plan.pieces.iter().map(Piece::len).sum();
    let after = crate::engine::read_reader(&m.path, &mut planned, len);
    let mut notes = Vec::new();
    for site in &after.codes {
        // A change names its place as the writer words it; the site it
        // made has the same kind, field and chunk.
        let chunk = site.location.chunk.as_deref().unwrap_or_default();
        let changed = plan.changes.iter().any(|c| {
            c.kind == site.kind
                && c.location.contains(site.location.field.as_str())
                && c.location.contains(chunk)
        });
        if !changed {
            continue;
        }
        let place = site.location.describe();
        for n in site
            .notes
            .iter()
            .filter(|n| crate::formats::is_readers_note(n))
        {
            let note = format!("{place}: {n}");
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
    }
    notes
}

/// A planned file, read without writing it: each read is served from the
/// plan's new bytes or from the original's ranges.
struct Planned<'a> {
    file: &'a File,
    pieces: &'a [Piece],
}

impl ReadAt for Planned<'_> {
    fn read_exact_at(&mut self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        let mut start = 0u64;
        let mut filled = 0usize;
        for piece in self.pieces {
            if filled == buf.len() {
                break;
            }
            let len = piece.len();
            let want = offset + filled as u64;
            if want >= start + len {
                start += len;
                continue;
            }
            let within = want - start;
            let n = ((len - within) as usize).min(buf.len() - filled);
            let out = &mut buf[filled..filled + n];
            match piece {
                Piece::Bytes(b) => out.copy_from_slice(&b[within as usize..within as usize + n]),
                Piece::Copy { offset: at, .. } => {
                    platform::read_exact_at(self.file, out, at + within)?
                }
            }
            filled += n;
            start += len;
        }
        if filled < buf.len() {
            return Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof));
        }
        Ok(())
    }
}

/// Why a file that is not audio is not written, without quoting its bytes
/// (it may be anything: a key, a password file a symlink led to).
fn not_audio(report: &FileReport) -> String {
    match (report.status, &report.error) {
        (FileStatus::NotAudio, _) | (_, None) => {
            "not an audio file isrckit writes (expected WAV, AIFF, FLAC, MP3 or MP4)".into()
        }
        (_, Some(e)) => e.clone(),
    }
}

/// Read and plan an open master; every check a write depends on is made
/// here, so planning again under the lock makes them all again.
fn plan_open(
    m: &Master,
    codes: &Codes,
    targets: &Targets,
    policy: Policy,
) -> Result<(FileReport, Option<Plan>, Option<SetPlan>), PlanError> {
    let len = m.info.len;
    let before = crate::engine::read_reader(&m.path, &mut At(&m.file), len);
    let container = before
        .container
        .ok_or_else(|| PlanError::Unsupported(not_audio(&before)))?;
    if let Some(e) = &before.error {
        return Err(PlanError::Damaged(format!(
            "the file is damaged ({e}); isrckit does not write into damaged files"
        )));
    }
    // A container of several files: planned (and checked) file by file.
    if let Some(set) = formats::format(container).plan_set(&m.path, codes) {
        let set = set?;
        if let Some(s) = &set {
            super::image::check_members(s, policy)?;
        }
        let plan = set.as_ref().map(|s| Plan {
            pieces: Vec::new(),
            changes: s.changes.clone(),
        });
        return Ok((before, plan, set));
    }
    if let Some(e) = super::image::tracks_refused(codes) {
        return Err(e);
    }
    if m.info.mode & 0o222 == 0 {
        return Err(PlanError::Unsupported(
            "the file is read-only; make it writable (chmod u+w) if it should be changed".into(),
        ));
    }
    // The kernel decides, with this process's ids: not the mode bits.
    if let Err(e) = m.folder.may_write(&m.name) {
        return Err(PlanError::Unsupported(format!(
            "cannot write it: {e} (it belongs to user {} group {}, mode {:04o}; isrckit writes only what the user running it may write)",
            m.info.uid, m.info.gid, m.info.mode
        )));
    }
    if m.info.nlink > 1 && !policy.break_hard_links {
        let others = m.info.nlink - 1;
        return Err(PlanError::Unsupported(format!(
            "the file has {others} other name{} (hard link{}): writing it would either change every name or split them, so it is refused; --break-hard-links writes this name as a new file and leaves the other name{} with the old codes",
            if others == 1 { "" } else { "s" },
            if others == 1 { "" } else { "s" },
            if others == 1 { "" } else { "s" },
        )));
    }
    let mut at = At(&m.file);
    let mut src = Source::new(&mut at, len);
    let plan = formats::format(container).plan(&mut src, codes, targets)?;
    crate::plan::check_homes(codes, &before, plan.as_ref(), targets)?;
    if let Some(p) = &plan
        && in_place(m, &before, p).is_none()
    {
        // Through a temp file: a new file in the folder, renamed over
        // this one, which must end up with this one's owner.
        if let Err(e) = m.folder.may_write(".".as_ref()) {
            return Err(PlanError::Unsupported(format!(
                "cannot create a file in its folder: {e} (the change does not fit in place, so it goes through a temp file there)"
            )));
        }
        if !platform::may_give(m.info.uid, m.info.gid) {
            return Err(PlanError::Unsupported(format!(
                "it belongs to user {} group {}: rewriting it makes a new file, which only root could give back to them; refused rather than take the file over",
                m.info.uid, m.info.gid
            )));
        }
    }
    Ok((before, plan, None))
}

/// The outcome of a write that did not fail.
#[derive(Debug)]
pub(crate) enum Done {
    /// Written and verified, with these changes.
    Written(Vec<Change>),
    /// The file held the codes when its lock was taken.
    Unchanged,
}

/// A write that failed: what it would have changed, and why not.
#[derive(Debug)]
pub(crate) struct Failure {
    /// The changes planned.
    pub changes: Vec<Change>,
    /// Why.
    pub error: WriteError,
}

/// Write a prepared plan: in place, or temp copy, verify, replace.
#[cfg(test)]
pub fn commit(p: &Prepared, codes: &Codes) -> Result<(), WriteError> {
    commit_then(p, codes, true).map(|_| ()).map_err(|f| f.error)
}

/// [`commit`]; with `sync_folder` false the caller syncs the folder later
/// ([`safe::sync_dir`]), once for all the files written into it.
///
/// The file is opened in its folder (no symlink followed) and locked: a
/// second isrckit writing it waits (a bounded time) until this write has
/// ended. If the file changed since it was planned, it is planned again
/// under the lock, and the changes reported are the ones made.
///
/// When the new file has the old one's layout and the bytes that differ
/// lie in one 4 KiB page outside the audio (a code replaced by one of the
/// same length, the common re-delivery), those bytes are checked as if
/// written (the file is read through them: codes right, audio untouched)
/// and then written in place with one `pwrite` and synced: a kill lands
/// before or after that one write (the kernel stops a killed write only
/// between pages), and current disks write a 4 KiB block whole. Anything
/// else goes through a temp file ([`safe`]).
pub(crate) fn commit_then(p: &Prepared, codes: &Codes, sync_folder: bool) -> Result<Done, Failure> {
    let Some(planned) = &p.plan else {
        return Ok(Done::Unchanged);
    };
    let failure = |changes: &[Change]| {
        let changes = changes.to_vec();
        move |error| Failure { changes, error }
    };
    if let Some(set) = &p.set {
        let container = p.before.container;
        let replan = || match container
            .map(formats::format)
            .and_then(|f| f.plan_set(&p.target, codes))
        {
            Some(r) => r,
            None => Err(PlanError::Unsupported("no longer a set of files".into())),
        };
        return match super::image::commit(&p.target, set, &replan) {
            Ok(super::image::Outcome::Written(c)) => Ok(Done::Written(c)),
            Ok(super::image::Outcome::Unchanged) => Ok(Done::Unchanged),
            Err(e) => Err(failure(&planned.changes)(e)),
        };
    }
    let m = Master::open_locked(&p.target).map_err(failure(&planned.changes))?;
    hooks::pause("locked");
    let replanned;
    let (before, plan) = if m.info == p.info {
        (&p.before, planned)
    } else {
        replanned = plan_open(&m, codes, &p.targets, p.policy)
            .map_err(|e| failure(&planned.changes)(WriteError::Replanned(e)))?;
        if replanned.2.is_some() {
            return Err(failure(&planned.changes)(WriteError::Changed {
                path: m.path.clone(),
                what: "the file became part of a set of files while isrckit planned it; nothing was written",
            }));
        }
        match &replanned.1 {
            Some(plan) => (&replanned.0, plan),
            None => return Ok(Done::Unchanged),
        }
    };
    let written = match in_place(&m, before, plan) {
        Some((at, patch)) => write_in_place(&m, before, codes, at, &patch),
        None => safe::replace(
            &m,
            &plan.pieces,
            &mut |temp| verify(&m.file, temp, &m.path, before, codes),
            sync_folder,
        ),
    };
    written
        .map(|()| Done::Written(plan.changes.clone()))
        .map_err(failure(&plan.changes))
}

/// Prepare and commit one file, as a result line.
pub fn write_file(path: &Path, codes: &Codes, targets: &Targets, dry_run: bool) -> FileResult {
    let mut result = FileResult::new(path, Status::Failed);
    let prepared = match prepare(path, codes, targets, Policy::default()) {
        Ok(p) => p,
        Err(e) => {
            result.error = Some(e.to_string());
            return result;
        }
    };
    if prepared.via_symlink {
        result.real_path = Some(prepared.target.clone());
    }
    let Some(plan) = &prepared.plan else {
        result.status = Status::Unchanged;
        return result;
    };
    result.notes = prepared.notes.clone();
    if dry_run {
        result.status = Status::Planned;
        result.changes = plan.changes.clone();
        return result;
    }
    match commit_then(&prepared, codes, true) {
        Ok(Done::Written(changes)) => {
            result.status = Status::Written;
            result.changes = changes;
        }
        Ok(Done::Unchanged) => result.status = Status::Unchanged,
        Err(f) => {
            result.changes = f.changes;
            result.error = Some(f.error.to_string());
        }
    }
    result
}

/// The in-place patch for a plan, when it applies: the bytes change in
/// one page outside the audio, and the file has no other names (with
/// `--break-hard-links` such a file is written as a new file, as any
/// other change to it would be: the outcome must not depend on the path).
fn in_place(m: &Master, before: &FileReport, plan: &Plan) -> Option<(u64, Vec<u8>)> {
    if m.info.nlink > 1 {
        return None;
    }
    let (at, patch) = in_place_patch(&m.file, m.info.len, &plan.pieces)?;
    // Only a patch wholly outside the audio: even an identical rewrite
    // of audio bytes is not done.
    let audio = before.audio.as_ref();
    let (off, len) = (
        audio.and_then(|a| a.payload_offset).unwrap_or(0),
        audio.and_then(|a| a.payload_len).unwrap_or(u64::MAX),
    );
    (at + patch.len() as u64 <= off || at >= off.saturating_add(len)).then_some((at, patch))
}

/// The bytes a plan changes (from the first changed byte to the last) and
/// where, when the plan keeps the file's layout (same length, every copied
/// range in place) and all the bytes it changes lie in one 4 KiB page.
fn in_place_patch(file: &File, len: u64, pieces: &[Piece]) -> Option<(u64, Vec<u8>)> {
    const PAGE: u64 = 4096;
    let mut at = 0u64;
    let (mut first, mut last) = (u64::MAX, 0u64);
    for piece in pieces {
        match piece {
            Piece::Copy { offset, len } => {
                if *offset != at {
                    return None;
                }
                at += len;
            }
            Piece::Bytes(new) => {
                let mut old = vec![0u8; new.len()];
                platform::read_exact_at(file, &mut old, at).ok()?;
                for (i, (a, b)) in old.iter().zip(new).enumerate() {
                    if a != b {
                        first = first.min(at + i as u64);
                        last = last.max(at + i as u64);
                    }
                }
                at += new.len() as u64;
            }
        }
    }
    // One page: a write within a page is done whole or not at all when
    // the process is killed (the kernel checks for a kill between pages).
    if at != len || first == u64::MAX || first / PAGE != last / PAGE {
        return None;
    }
    // The range from the first changed byte to the last: the original's
    // bytes with the plan's laid over them (copied ranges in between stay).
    let mut bytes = vec![0u8; (last - first + 1) as usize];
    platform::read_exact_at(file, &mut bytes, first).ok()?;
    let mut out_at = 0u64;
    for piece in pieces {
        let n = piece.len();
        if let Piece::Bytes(new) = piece {
            for (i, &b) in new.iter().enumerate() {
                let pos = out_at + i as u64;
                if (first..=last).contains(&pos) {
                    bytes[(pos - first) as usize] = b;
                }
            }
        }
        out_at += n;
    }
    Some((first, bytes))
}

/// A file with one pending patch laid over it, for reading before writing.
struct Patched<'a> {
    file: &'a File,
    at: u64,
    bytes: &'a [u8],
}

impl ReadAt for Patched<'_> {
    fn read_exact_at(&mut self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        platform::read_exact_at(self.file, buf, offset)?;
        let (start, end) = (self.at, self.at + self.bytes.len() as u64);
        for (i, b) in buf.iter_mut().enumerate() {
            let pos = offset + i as u64;
            if (start..end).contains(&pos) {
                *b = self.bytes[(pos - start) as usize];
            }
        }
        Ok(())
    }
}

/// Check a patch as if written, then write it in place through the locked
/// handle, sync, and read the file back through it. A failed sync or
/// read-back puts the old bytes back, but only if the bytes there are
/// still exactly the ones this run wrote: under the lock no other isrckit
/// writes the file, so they differ only if another program wrote them
/// since, and then its bytes stay.
fn write_in_place(
    m: &Master,
    before: &FileReport,
    codes: &Codes,
    at: u64,
    patch: &[u8],
) -> Result<(), WriteError> {
    let path = m.path.as_path();
    let len = m.info.len;
    let mut patched = Patched {
        file: &m.file,
        at,
        bytes: patch,
    };
    let after = crate::engine::read_reader(path, &mut patched, len);
    check_codes(before, &after, codes)?;
    // The audio is untouched when the patch lies outside it and the
    // payload has not moved.
    let (Some(a), Some(b)) = (&before.audio, &after.audio) else {
        return Err(VerifyError::NoAudioProperties.into());
    };
    let (off, plen) = (a.payload_offset.unwrap_or(0), a.payload_len.unwrap_or(0));
    let outside = at + patch.len() as u64 <= off || at >= off + plen;
    if !outside || (a.payload_offset, a.payload_len) != (b.payload_offset, b.payload_len) {
        return Err(VerifyError::TouchesAudio.into());
    }
    let mut old = vec![0u8; patch.len()];
    platform::read_exact_at(&m.file, &mut old, at).map_err(WriteError::io("cannot read", path))?;
    if m.now()? != m.info {
        return Err(WriteError::Changed {
            path: path.to_path_buf(),
            what: "another program changed the file while isrckit was writing it; its version was kept",
        });
    }
    platform::write_all_at(&m.file, patch, at).map_err(WriteError::io("cannot write", path))?;
    hooks::pause("in-place-written");
    if let Err(e) = hooks::fault("in-place-sync").and_then(|()| m.file.sync_data()) {
        let action = match restore(m, at, patch, &old) {
            Ok(true) => "cannot sync (the old bytes were put back)",
            Ok(false) => {
                "cannot sync (another program has written those bytes since; they were left as they are)"
            }
            Err(_) => "cannot sync, nor put the old bytes back into,",
        };
        return Err(WriteError::Io {
            action,
            path: path.to_path_buf(),
            source: e,
        });
    }
    // Read back what is on disk now, through the same handle.
    let now = crate::engine::read_reader(path, &mut At(&m.file), len);
    let check = match hooks::fault("in-place-readback") {
        Ok(()) => check_codes(before, &now, codes),
        Err(e) => Err(VerifyError::Unreadable(e.to_string())),
    };
    if let Err(e) = check {
        return Err(match restore(m, at, patch, &old) {
            Ok(true) => VerifyError::InPlace(Box::new(e)).into(),
            Ok(false) => VerifyError::InPlaceOverwritten(Box::new(e)).into(),
            Err(io) => WriteError::io("cannot put the old bytes back into", path)(io),
        });
    }
    Ok(())
}

/// Put `old` back at `at` if the bytes there are still `patch` (what this
/// run wrote); `false` when they are not (left as they are).
fn restore(m: &Master, at: u64, patch: &[u8], old: &[u8]) -> std::io::Result<bool> {
    let mut there = vec![0u8; patch.len()];
    platform::read_exact_at(&m.file, &mut there, at)?;
    if there != patch {
        return Ok(false);
    }
    platform::write_all_at(&m.file, old, at)?;
    m.file.sync_data()?;
    Ok(true)
}

/// The checks a temp file must pass before it replaces the original (both
/// read through their handles; `name` is the original's path, for the
/// reader's notes): it reads cleanly, every site of a kind written holds
/// the new code, the audio payload is byte-for-byte the original's, the
/// audio properties and the container's other structures are unchanged.
pub(crate) fn verify(
    original: &File,
    temp: &File,
    name: &Path,
    before: &FileReport,
    codes: &Codes,
) -> Result<(), VerifyError> {
    let len = platform::file_info(temp)
        .map_err(VerifyError::AudioUnreadable)?
        .len;
    let after = crate::engine::read_reader(name, &mut At(temp), len);
    check_codes(before, &after, codes)?;
    let (Some(a), Some(b)) = (&before.audio, &after.audio) else {
        return Err(VerifyError::NoAudioProperties);
    };
    let (Some(off_a), Some(off_b), Some(len)) = (a.payload_offset, b.payload_offset, a.payload_len)
    else {
        return Err(VerifyError::NoPayload);
    };
    same_bytes(original, off_a, temp, off_b, len)?;
    // Every other chunk, block or top-level atom kept, in order, with the
    // same bytes (the audio aside: compared above).
    let (old, new) = (layout(original, before)?, layout(temp, &after)?);
    let names = |parts: &[Part]| -> Vec<(String, u64)> {
        parts.iter().map(|p| (p.name.clone(), p.size)).collect()
    };
    if names(&old) != names(&new) {
        return Err(VerifyError::Structure {
            before: names(&old),
            after: names(&new),
        });
    }
    parts::same_content(original, temp, &old, &new, (off_a, off_b, len))?;
    Ok(())
}

/// The file's parts other than its tags (`Format::structure`).
fn layout(file: &File, report: &FileReport) -> Result<Vec<Part>, VerifyError> {
    let Some(container) = report.container else {
        return Err(VerifyError::Layout("not audio".into()));
    };
    let layout_err = |e: &dyn std::fmt::Display| VerifyError::Layout(e.to_string());
    let len = platform::file_info(file).map_err(|e| layout_err(&e))?.len;
    let mut at = At(file);
    let mut src = Source::new(&mut at, len);
    formats::format(container)
        .structure(&mut src)
        .map_err(|e| layout_err(&e))
}

/// The new file reads cleanly, as the same container, with every site of a
/// kind written holding the new code, and the same audio properties.
pub(crate) fn check_codes(
    before: &FileReport,
    after: &FileReport,
    codes: &Codes,
) -> Result<(), VerifyError> {
    if let Some(e) = &after.error {
        return Err(VerifyError::Unreadable(e.clone()));
    }
    if after.container != before.container {
        return Err(VerifyError::Container);
    }
    for kind in [CodeKind::Isrc, CodeKind::Barcode] {
        let Some(want) = codes.text(kind) else {
            continue;
        };
        let sites: Vec<_> = after
            .codes
            .iter()
            .filter(|c| c.kind == kind && c.location.track.is_none())
            .collect();
        if sites.is_empty() {
            return Err(VerifyError::NoSite(kind));
        }
        // An ISRC is stored as written; a barcode may be stored as GTIN-13
        // where the format says so (a CD media catalog number).
        let holds = |c: &&crate::model::CodeSite| match kind {
            CodeKind::Isrc => c.raw == want,
            CodeKind::Barcode => {
                c.valid && c.value.as_deref() == codes.barcode.as_ref().map(|g| g.gtin13())
            }
        };
        if let Some(bad) = sites.iter().find(|c| !holds(c)) {
            return Err(VerifyError::WrongCode {
                kind,
                location: bad.location.describe(),
                found: bad.raw.clone(),
                want,
            });
        }
    }
    let (Some(a), Some(b)) = (&before.audio, &after.audio) else {
        return Err(VerifyError::NoAudioProperties);
    };
    if (a.duration_ms, a.sample_rate, a.channels, a.payload_len)
        != (b.duration_ms, b.sample_rate, b.channels, b.payload_len)
    {
        return Err(VerifyError::AudioProperties {
            before: format!("{a:?}"),
            after: format!("{b:?}"),
        });
    }
    Ok(())
}

/// Compare `len` bytes of two files, streaming.
fn same_bytes(a: &File, off_a: u64, b: &File, off_b: u64, len: u64) -> Result<(), VerifyError> {
    let (mut ba, mut bb) = (vec![0u8; 1 << 20], vec![0u8; 1 << 20]);
    let mut at = 0u64;
    while at < len {
        let n = (len - at).min(ba.len() as u64) as usize;
        platform::read_exact_at(a, &mut ba[..n], off_a + at)
            .map_err(VerifyError::AudioUnreadable)?;
        platform::read_exact_at(b, &mut bb[..n], off_b + at)
            .map_err(VerifyError::AudioUnreadable)?;
        if ba[..n] != bb[..n] {
            let i = ba[..n]
                .iter()
                .zip(&bb[..n])
                .position(|(x, y)| x != y)
                .unwrap_or(0);
            return Err(VerifyError::AudioDiffers(at + i as u64));
        }
        at += n as u64;
    }
    Ok(())
}

#[path = "parts.rs"]
mod parts;

#[cfg(test)]
#[path = "verify_tests.rs"]
mod verify_tests;
