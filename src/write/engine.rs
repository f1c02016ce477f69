//! Writing one file: plan, write a temp copy, verify it, replace.

use super::safe::{self, VerifyError, WriteError};
use crate::formats::{self, Part};
use crate::model::{CodeKind, FileReport};
use crate::plan::{Change, Codes, Piece, Plan, PlanError, Targets};
use crate::source::Source;
use serde::Serialize;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
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
}

/// The result for one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FileResult {
    /// The file (as given).
    #[serde(serialize_with = "crate::model::path_text")]
    pub path: PathBuf,
    /// What happened.
    pub status: Status,
    /// The changes made (or planned).
    pub changes: Vec<Change>,
    /// Why it failed.
    pub error: Option<String>,
}

impl FileResult {
    /// A result with no changes.
    pub(crate) fn new(path: PathBuf, status: Status, error: Option<String>) -> FileResult {
        FileResult {
            path,
            status,
            changes: Vec::new(),
            error,
        }
    }
}

/// A file's plan, ready to write.
pub struct Prepared {
    /// The file written (symlinks resolved).
    pub target: PathBuf,
    /// The plan; `None` when the file already holds the codes.
    pub plan: Option<Plan>,
    /// The file as read before writing.
    pub before: FileReport,
}

/// Read `path` and plan the write of `codes`. Nothing is written.
pub fn prepare(path: &Path, codes: &Codes, targets: &Targets) -> Result<Prepared, PlanError> {
    // Before anything opens it: a FIFO would block the open for ever.
    crate::walk::regular_file(path).map_err(PlanError::Unsupported)?;
    let target = safe::resolve(path).map_err(|e| PlanError::Unsupported(e.to_string()))?;
    let before = crate::read_file(&target);
    let container = before.container.ok_or_else(|| {
        PlanError::Unsupported(
            before
                .error
                .clone()
                .unwrap_or_else(|| "not an audio file".into()),
        )
    })?;
    if let Some(e) = &before.error {
        return Err(PlanError::Damaged(format!(
            "the file is damaged ({e}); isrckit does not write into damaged files"
        )));
    }
    let mut file =
        File::open(&target).map_err(|e| PlanError::Unsupported(format!("cannot open: {e}")))?;
    let meta = file
        .metadata()
        .map_err(|e| PlanError::Unsupported(format!("cannot read its size: {e}")))?;
    if meta.permissions().readonly() {
        return Err(PlanError::Unsupported(
            "the file is read-only; make it writable (chmod u+w) if it should be changed".into(),
        ));
    }
    let len = meta.len();
    let mut src = Source::new(&mut file, len);
    let plan = formats::format(container).plan(&mut src, codes, targets)?;
    crate::plan::check_homes(codes, &before, plan.as_ref(), targets)?;
    Ok(Prepared {
        target,
        plan,
        before,
    })
}

/// Write a prepared plan: temp copy, verify, replace.
pub fn commit(p: &Prepared, codes: &Codes) -> Result<(), WriteError> {
    commit_then(p, codes, true)
}

/// [`commit`]; with `sync_folder` false the caller syncs the folder later
/// ([`safe::sync_dir`]), once for all the files written into it.
///
/// When the new file has the old one's layout and the bytes that differ
/// lie in one 4 KiB page outside the audio (a code replaced by one of the
/// same length, the common re-delivery), those bytes are checked as if
/// written (the file is read through them: codes right, audio untouched)
/// and then written in place with one `pwrite` and synced: a kill lands
/// before or after that one write (the kernel stops a killed write only
/// between pages), and current disks write a 4 KiB block whole. Anything
/// else goes through a temp file.
pub fn commit_then(p: &Prepared, codes: &Codes, sync_folder: bool) -> Result<(), WriteError> {
    let Some(plan) = &p.plan else { return Ok(()) };
    if let Some((at, patch)) = in_place_patch(&p.target, &plan.pieces) {
        // Only a patch wholly outside the audio: even an identical rewrite
        // of audio bytes is not done.
        let audio = p.before.audio.as_ref();
        let (off, len) = (
            audio.and_then(|a| a.payload_offset).unwrap_or(0),
            audio.and_then(|a| a.payload_len).unwrap_or(u64::MAX),
        );
        if at + patch.len() as u64 <= off || at >= off.saturating_add(len) {
            return write_in_place(p, codes, at, &patch);
        }
    }
    safe::replace_then(
        &p.target,
        &plan.pieces,
        &mut |temp| verify(&p.target, temp, &p.before, codes),
        sync_folder,
    )
}

/// Prepare and commit one file, as a result line.
pub fn write_file(path: &Path, codes: &Codes, targets: &Targets, dry_run: bool) -> FileResult {
    let result = |status, changes, error| FileResult {
        path: path.to_path_buf(),
        status,
        changes,
        error,
    };
    let prepared = match prepare(path, codes, targets) {
        Ok(p) => p,
        Err(e) => return result(Status::Failed, Vec::new(), Some(e.to_string())),
    };
    let Some(plan) = &prepared.plan else {
        return result(Status::Unchanged, Vec::new(), None);
    };
    if dry_run {
        return result(Status::Planned, plan.changes.clone(), None);
    }
    match commit(&prepared, codes) {
        Ok(()) => result(Status::Written, plan.changes.clone(), None),
        Err(e) => result(Status::Failed, plan.changes.clone(), Some(e.to_string())),
    }
}

/// The bytes a plan changes (from the first changed byte to the last) and
/// where, when the plan keeps the file's layout (same length, every copied
/// range in place) and all the bytes it changes lie in one 4 KiB page.
fn in_place_patch(target: &Path, pieces: &[Piece]) -> Option<(u64, Vec<u8>)> {
    use std::os::unix::fs::FileExt;
    const PAGE: u64 = 4096;
    let file = File::open(target).ok()?;
    let len = file.metadata().ok()?.len();
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
                file.read_exact_at(&mut old, at).ok()?;
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
    file.read_exact_at(&mut bytes, first).ok()?;
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
struct Patched {
    file: File,
    at: u64,
    bytes: Vec<u8>,
}

impl crate::source::ReadAt for Patched {
    fn read_exact_at(&mut self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(&self.file, buf, offset)?;
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

/// Check a patch as if written, then write it in place.
fn write_in_place(p: &Prepared, codes: &Codes, at: u64, patch: &[u8]) -> Result<(), WriteError> {
    use std::os::unix::fs::FileExt;
    let io = |action: &'static str| {
        let path = p.target.clone();
        move |source| WriteError::Io {
            action,
            path,
            source,
        }
    };
    let file = File::open(&p.target).map_err(io("cannot open"))?;
    let len = file
        .metadata()
        .map_err(io("cannot read the size of"))?
        .len();
    let mut patched = Patched {
        file,
        at,
        bytes: patch.to_vec(),
    };
    let after = crate::engine::read_reader(&p.target, &mut patched, len);
    check_codes(&p.before, &after, codes)?;
    // The audio is untouched when the patch lies outside it and the
    // payload has not moved.
    let (Some(a), Some(b)) = (&p.before.audio, &after.audio) else {
        return Err(VerifyError::NoAudioProperties.into());
    };
    let (off, plen) = (a.payload_offset.unwrap_or(0), a.payload_len.unwrap_or(0));
    let outside = at + patch.len() as u64 <= off || at >= off + plen;
    if !outside || (a.payload_offset, a.payload_len) != (b.payload_offset, b.payload_len) {
        return Err(VerifyError::TouchesAudio.into());
    }
    let mut old = vec![0u8; patch.len()];
    patched
        .file
        .read_exact_at(&mut old, at)
        .map_err(io("cannot read"))?;
    let out = std::fs::OpenOptions::new()
        .write(true)
        .open(&p.target)
        .map_err(io("cannot open for writing"))?;
    out.write_all_at(patch, at).map_err(io("cannot write"))?;
    out.sync_data().map_err(io("cannot sync"))?;
    // Read back what is on disk now; a mismatch puts the old bytes back.
    let now = crate::read_file(&p.target);
    if let Err(e) = check_codes(&p.before, &now, codes) {
        out.write_all_at(&old, at).map_err(io("cannot restore"))?;
        out.sync_data().map_err(io("cannot sync"))?;
        return Err(VerifyError::InPlace(Box::new(e)).into());
    }
    Ok(())
}

/// The checks a temp file must pass before it replaces the original:
/// it reads cleanly, every site of a kind written holds the new code, the
/// audio payload is byte-for-byte the original's, the audio properties
/// and the container's other structures are unchanged.
fn verify(
    original: &Path,
    temp: &Path,
    before: &FileReport,
    codes: &Codes,
) -> Result<(), VerifyError> {
    let after = crate::read_file(temp);
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
fn layout(path: &Path, report: &FileReport) -> Result<Vec<Part>, VerifyError> {
    let Some(container) = report.container else {
        return Err(VerifyError::Layout("not audio".into()));
    };
    let layout_err = |e: &dyn std::fmt::Display| VerifyError::Layout(e.to_string());
    let mut f = File::open(path).map_err(|e| layout_err(&e))?;
    let len = f.metadata().map_err(|e| layout_err(&e))?.len();
    let mut src = Source::new(&mut f, len);
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
fn same_bytes(a: &Path, off_a: u64, b: &Path, off_b: u64, len: u64) -> Result<(), VerifyError> {
    let open = |p: &Path, off: u64| -> Result<File, VerifyError> {
        let mut f = File::open(p).map_err(VerifyError::AudioUnreadable)?;
        f.seek(SeekFrom::Start(off))
            .map_err(VerifyError::AudioUnreadable)?;
        Ok(f)
    };
    let (mut fa, mut fb) = (open(a, off_a)?, open(b, off_b)?);
    let (mut ba, mut bb) = (vec![0u8; 1 << 20], vec![0u8; 1 << 20]);
    let mut left = len;
    let mut at = 0u64;
    while left > 0 {
        let n = left.min(ba.len() as u64) as usize;
        fa.read_exact(&mut ba[..n])
            .map_err(VerifyError::AudioUnreadable)?;
        fb.read_exact(&mut bb[..n])
            .map_err(VerifyError::AudioUnreadable)?;
        if ba[..n] != bb[..n] {
            let i = ba[..n]
                .iter()
                .zip(&bb[..n])
                .position(|(x, y)| x != y)
                .unwrap_or(0);
            return Err(VerifyError::AudioDiffers(at + i as u64));
        }
        left -= n as u64;
        at += n as u64;
    }
    Ok(())
}

#[path = "parts.rs"]
mod parts;

#[cfg(test)]
#[path = "verify_tests.rs"]
mod verify_tests;
