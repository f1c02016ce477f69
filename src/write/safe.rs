//! The safe writer's temp-file path. The new version of a file is
//! assembled in a temp file in the master's folder (opened once, every
//! name looked up in that handle), made as a file without a name
//! (`O_TMPFILE`) where the file system allows, mode 0600 from the start;
//! it is given the original's owner and group, extended attributes (ACLs
//! among them) and permission bits through its handle, synced, verified
//! through its handle, and only then linked into the folder and swapped
//! with the original (`RENAME_EXCHANGE`, or a rename where the file system
//! has none), once the original is checked to be the very file that was
//! planned; then the folder is synced. A crash, a full disk or a kill at
//! any moment leaves the old file or the new one: an unnamed temp file
//! vanishes with the process; a named one (the fallback, or the instant
//! between the link and the rename) has a name walks skip
//! ([`crate::walk::TEMP_PREFIX`]) and a later run removes
//! ([`super::leftovers`]).

use super::hooks;
use super::master::Master;
use crate::model::CodeKind;
use crate::plan::Piece;
use crate::platform::{self, FileId, Folder};
use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Why a safe write did not happen. The original is untouched in every case.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The file system refused (permissions, full disk, ...).
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// On which path.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// The new file did not pass its check; it was thrown away.
    #[error("the rewritten file failed its check, so the original was kept: {0}")]
    Verify(#[from] VerifyError),
    /// Another writer held the file's lock for the whole wait.
    #[error("{path}: {}; waited {waited:.0} s: try again when it is done", holder_text(.holder))]
    Locked {
        /// The file.
        path: PathBuf,
        /// The process holding the lock and its command name, where known.
        holder: Option<(u32, String)>,
        /// Seconds waited.
        waited: f64,
    },
    /// The file (or the folder) changed under the write; nothing of the
    /// other writer's was replaced.
    #[error("{path}: {what}")]
    Changed {
        /// The file.
        path: PathBuf,
        /// What happened, and what was done about it.
        what: &'static str,
    },
    /// The file changed since it was planned, and planning it again
    /// (under the lock) failed.
    #[error("the file changed since it was read, and now: {0}")]
    Replanned(crate::plan::PlanError),
    /// A write of several files (a DDP image) stopped after replacing
    /// some of them: the others are as they were.
    #[error(
        "the image in {dir} is partly written: {done} replaced, {left} not ({source}); run the same command again to finish it (it picks up where this one stopped)"
    )]
    Partial {
        /// The image's folder.
        dir: PathBuf,
        /// The files replaced, by name.
        done: String,
        /// The files not replaced.
        left: String,
        /// Why it stopped.
        source: Box<WriteError>,
    },
    /// A write of several files replaced them all, but reading the result
    /// back found it wrong (a bug, or another program at work).
    #[error(
        "the image in {dir} was written, but reading it back found: {why}; check it (isrckit inspect --verify-checksums) before it is used"
    )]
    SetReadBack {
        /// The image's folder.
        dir: PathBuf,
        /// What was found.
        why: String,
    },
    /// The new file could not be given something the original has.
    #[error("cannot keep {what} of {path}, so the original was kept: {source}")]
    Keep {
        /// The owner, the mode or an extended attribute, in words.
        what: String,
        /// The file.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
}

fn holder_text(holder: &Option<(u32, String)>) -> String {
    // A command name is whatever the process set: printable ASCII only.
    let holder = holder.as_ref().map(|(pid, comm)| {
        let comm: String = comm
            .chars()
            .filter(|c| c.is_ascii_graphic() || *c == ' ')
            .collect();
        (*pid, comm)
    });
    match &holder {
        Some((pid, comm)) if comm == "isrckit" => {
            format!("locked by another isrckit (pid {pid}) writing it")
        }
        Some((pid, comm)) if !comm.is_empty() => {
            format!("locked by another program ({comm}, pid {pid})")
        }
        Some((pid, _)) => format!("locked by another program (pid {pid})"),
        None => "locked by another isrckit or program writing it".into(),
    }
}

impl WriteError {
    /// A closure making an [`WriteError::Io`] for `action` on `path`.
    pub(crate) fn io<'a>(
        action: &'static str,
        path: &'a Path,
    ) -> impl FnOnce(io::Error) -> WriteError + 'a {
        move |source| WriteError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Why a rewritten file failed its check (the original is kept).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The new file does not read without errors.
    #[error("the new file does not read cleanly: {0}")]
    Unreadable(String),
    /// The new file is another container.
    #[error("the new file is not the same container")]
    Container,
    /// A code written has no site in the new file.
    #[error("the new file has no {0} site")]
    NoSite(CodeKind),
    /// A site holds another code than the one written.
    #[error("{kind} at {location} reads {found:?}, not {want:?}")]
    WrongCode {
        /// ISRC or barcode.
        kind: CodeKind,
        /// Where, as `Location::describe` puts it.
        location: String,
        /// What the site holds.
        found: String,
        /// What was written.
        want: String,
    },
    /// The audio properties could not be read before or after.
    #[error("audio properties missing")]
    NoAudioProperties,
    /// The audio payload could not be located.
    #[error("audio payload not located")]
    NoPayload,
    /// Duration, rate, channels or payload length changed.
    #[error("audio properties changed: {before} became {after}")]
    AudioProperties {
        /// Before, as debug text.
        before: String,
        /// After, as debug text.
        after: String,
    },
    /// A byte of the audio payload differs.
    #[error("audio payload check: audio byte {0} differs")]
    AudioDiffers(u64),
    /// An in-place edit would touch the audio payload.
    #[error("the edit would touch the audio payload")]
    TouchesAudio,
    /// The payloads could not be read for the comparison.
    #[error("audio payload check: {0}")]
    AudioUnreadable(io::Error),
    /// The chunks, blocks or atoms other than the tags changed.
    #[error("the file's other parts changed: {before:?} became {after:?}")]
    Structure {
        /// The parts before, by id and size.
        before: Vec<(String, u64)>,
        /// The parts after.
        after: Vec<(String, u64)>,
    },
    /// A part other than the tags moved against the audio payload.
    #[error("{0} moved against the audio")]
    PartMoved(String),
    /// A byte of a part other than the tags and the audio changed.
    #[error("{part} changed: byte {at} differs")]
    PartChanged {
        /// The part (a chunk or atom id, `block N`).
        part: String,
        /// The offset of the first byte that differs, in the original.
        at: u64,
    },
    /// The file's parts could not be listed.
    #[error("{0}")]
    Layout(String),
    /// The temp file handle was lost (a bug).
    #[error("temp file lost")]
    TempLost,
    /// The original ended before a range the plan copies.
    #[error("the original ended early: {copied} of {len} bytes at {offset}")]
    ShortOriginal {
        /// Bytes copied.
        copied: u64,
        /// Bytes asked for.
        len: u64,
        /// Where in the original.
        offset: u64,
    },
    /// An in-place edit read back wrong; the old bytes were put back.
    #[error("after writing in place (the old bytes were put back): {0}")]
    InPlace(Box<VerifyError>),
    /// An in-place edit read back wrong, and the bytes there were no
    /// longer the ones this run wrote (another program wrote them), so
    /// they were left as they are.
    #[error(
        "after writing in place: {0}; the bytes there had been changed again by another program, so they were left as they are"
    )]
    InPlaceOverwritten(Box<VerifyError>),
}

/// The file a path finally names (symlinks followed), so a link is never
/// replaced by a file.
pub fn resolve(path: &Path) -> Result<PathBuf, WriteError> {
    platform::canonicalize(path).map_err(WriteError::io("cannot resolve", path))
}

/// Temp names made by this process: `.isrckit-tmp-<pid>-<n>`.
static COUNTER: AtomicU64 = AtomicU64::new(0);

fn fresh_name() -> OsString {
    platform::temp_name(COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A temp file in the master's folder. While it has a name there, the
/// name is removed on drop (if it still leads to this file).
struct Temp<'a> {
    folder: &'a Folder,
    file: File,
    id: FileId,
    name: Option<OsString>,
}

impl Drop for Temp<'_> {
    fn drop(&mut self) {
        if let Some(name) = self.name.take()
            && self.folder.stat(&name).is_ok_and(|i| i.id == self.id)
        {
            let _ = self.folder.remove(&name);
        }
    }
}

impl<'a> Temp<'a> {
    /// An unnamed file where the file system can make one, else a new
    /// name; mode 0600 either way, locked (a later run sees it in use).
    fn create(folder: &'a Folder, path: &Path) -> Result<Temp<'a>, WriteError> {
        const ACTION: &str = "cannot create a temp file in the folder of";
        let unnamed = if hooks::without("no-tmpfile") {
            None
        } else {
            folder
                .create_unnamed()
                .map_err(WriteError::io(ACTION, path))?
        };
        let (file, name) = match unnamed {
            Some(f) => (f, None),
            None => named(path, |name| folder.create_new(name))?,
        };
        let _ = platform::try_lock(&file);
        let id = platform::file_id(&file).map_err(WriteError::io(ACTION, path))?;
        Ok(Temp {
            folder,
            file,
            id,
            name,
        })
    }

    /// Give an unnamed temp file a name in the folder.
    fn link(&mut self, path: &Path) -> Result<OsString, WriteError> {
        if let Some(name) = &self.name {
            return Ok(name.clone());
        }
        let (_, name) = named(path, |name| {
            hooks::fault("link")?;
            self.folder.link(&self.file, name)
        })?;
        self.name = name.clone();
        name.ok_or(WriteError::Verify(VerifyError::TempLost))
    }
}

/// Try `make` with fresh temp names until one is free.
fn named<T>(
    path: &Path,
    mut make: impl FnMut(&std::ffi::OsStr) -> io::Result<T>,
) -> Result<(T, Option<OsString>), WriteError> {
    for _ in 0..100 {
        let name = fresh_name();
        match make(&name) {
            Ok(t) => return Ok((t, Some(name))),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(WriteError::io(
                    "cannot create a temp file in the folder of",
                    path,
                )(e));
            }
        }
    }
    Err(WriteError::Io {
        action: "cannot find a free temp file name beside",
        path: path.to_path_buf(),
        source: io::Error::from(io::ErrorKind::AlreadyExists),
    })
}

/// Write `pieces` as the new content of the master `m` (open and locked),
/// check the result with `verify` (given the temp file's handle), and only
/// then put it in the master's place. Memory stays small whatever the file
/// size: copied ranges stream through the kernel. The folder is synced
/// afterwards only when `sync_folder`: a caller writing many files in one
/// folder syncs it once with [`sync_dir`].
pub(crate) fn replace(
    m: &Master,
    pieces: &[Piece],
    verify: &mut dyn FnMut(&File) -> Result<(), VerifyError>,
    sync_folder: bool,
) -> Result<(), WriteError> {
    let staged = stage(m, pieces)?;
    verify(staged.file())?;
    staged.put(m)?;
    if sync_folder {
        let _ = m.folder.sync();
    }
    Ok(())
}

/// A temp file in a master's folder holding the master's new content,
/// with the master's owner, attributes and permissions, synced: ready to
/// be checked (through [`Staged::file`]) and put in the master's place.
/// Dropped before that, it leaves nothing behind.
pub(crate) struct Staged<'a> {
    temp: Temp<'a>,
}

impl Staged<'_> {
    /// The temp file, to read it back.
    pub(crate) fn file(&self) -> &File {
        &self.temp.file
    }

    /// Put it in the master's place (see [`put_in_place`]).
    pub(crate) fn put(mut self, m: &Master) -> Result<(), WriteError> {
        put_in_place(m, &mut self.temp)
    }
}

/// Write `pieces` into a new temp file beside the master `m` (open and
/// locked), give it the master's attributes and sync it. Memory stays
/// small whatever the file size: copied ranges stream through the kernel.
pub(crate) fn stage<'a>(m: &'a Master, pieces: &[Piece]) -> Result<Staged<'a>, WriteError> {
    let target = m.path.as_path();
    let temp = Temp::create(&m.folder, target)?;
    hooks::pause("temp-created");
    let write_err = || WriteError::io("cannot write the temp file for", target);
    {
        let mut w = io::BufWriter::with_capacity(1 << 20, &temp.file);
        let mut original = &m.file;
        for piece in pieces {
            match piece {
                Piece::Bytes(b) => w.write_all(b).map_err(write_err())?,
                Piece::Copy { offset, len } => {
                    w.flush().map_err(write_err())?;
                    original
                        .seek(SeekFrom::Start(*offset))
                        .map_err(WriteError::io("cannot read", target))?;
                    let copied = io::copy(&mut original.take(*len), w.get_mut())
                        .map_err(WriteError::io("cannot copy into the temp file for", target))?;
                    if copied != *len {
                        return Err(WriteError::Verify(VerifyError::ShortOriginal {
                            copied,
                            len: *len,
                            offset: *offset,
                        }));
                    }
                }
            }
        }
        w.flush().map_err(write_err())?;
    }
    hooks::pause("copied");
    keep_attributes(m, &temp.file)?;
    hooks::fault("temp-sync")
        .and_then(|()| temp.file.sync_all())
        .map_err(WriteError::io("cannot sync the temp file for", target))?;
    Ok(Staged { temp })
}

/// Give the temp file what the original has beyond its bytes: owner and
/// group (root can give any; another user only its own, else the write is
/// refused rather than hand the file to that user), extended attributes
/// (ACLs are `system.posix_acl_access`; ones the temp file got from the
/// folder but the original lacks are removed), then the permission bits
/// (after the owner: a chown clears set-user-id). Until then the file is
/// 0600: never wider than the original.
fn keep_attributes(m: &Master, temp: &File) -> Result<(), WriteError> {
    let keep = |what: String| {
        let path = m.path.clone();
        move |source| WriteError::Keep { what, path, source }
    };
    let o = &m.info;
    // Windows: the ACL, whole (Unix: nothing; the steps below do it).
    platform::copy_security(&m.file, temp).map_err(keep("the access-control list".into()))?;
    let now = platform::file_info(temp).map_err(keep("the metadata".into()))?;
    if (now.uid, now.gid) != (o.uid, o.gid) {
        platform::set_owner(temp, o.uid, o.gid)
            .map_err(keep(format!("the owner and group ({}:{})", o.uid, o.gid)))?;
    }
    let wanted = platform::xattrs(&m.file).map_err(keep("the extended attributes".into()))?;
    let present = platform::xattrs(temp).map_err(keep("the extended attributes".into()))?;
    let text = |n: &[u8]| String::from_utf8_lossy(n).into_owned();
    for (name, _) in &present {
        if !wanted.iter().any(|(n, _)| n == name) {
            platform::remove_xattr(temp, name).map_err(keep(format!(
                "the absence of the extended attribute {}",
                text(name)
            )))?;
        }
    }
    for (name, value) in &wanted {
        if platform::xattr(temp, name).ok().flatten().as_ref() != Some(value) {
            platform::set_xattr(temp, name, value)
                .map_err(keep(format!("the extended attribute {}", text(name))))?;
        }
    }
    platform::set_mode(temp, o.mode).map_err(keep(format!("the permissions ({:04o})", o.mode)))
}

/// Link the verified temp file into the folder and swap it with the
/// master, only if the master is still the file that was planned and
/// verified against (under the lock only another program can have
/// changed it) and the temp name still leads to the temp file.
fn put_in_place(m: &Master, temp: &mut Temp) -> Result<(), WriteError> {
    let target = m.path.as_path();
    let changed = |what| WriteError::Changed {
        path: target.to_path_buf(),
        what,
    };
    let tname = temp.link(target)?;
    hooks::pause("before-rename");
    if m.now()? != m.info {
        return Err(changed(
            "another program changed the file while isrckit was writing it; its version was kept",
        ));
    }
    if !m.folder.stat(&tname).is_ok_and(|i| i.id == temp.id) {
        // Not ours any more: not removed either.
        temp.name = None;
        return Err(changed(
            "the temp file was replaced by someone else writing in this folder; nothing was replaced",
        ));
    }
    if !m.folder.stat(&m.name).is_ok_and(|i| i.id == m.info.id) {
        return Err(changed(
            "another program replaced the file while isrckit was writing it; its version was kept",
        ));
    }
    let cannot = || WriteError::io("cannot replace", target);
    hooks::fault("rename").map_err(cannot())?;
    if m.folder.exchange(&tname, &m.name).map_err(cannot())? {
        let placed = m.folder.stat(&m.name).is_ok_and(|i| i.id == temp.id);
        let old_out = m.folder.stat(&tname).is_ok_and(|i| i.id == m.info.id);
        if placed && old_out {
            // The temp name now holds the old file: removed.
            temp.name = None;
            let _ = m.folder.remove(&tname);
            return Ok(());
        }
        // Another program renamed in between: the names are swapped back.
        let _ = m.folder.exchange(&tname, &m.name);
        // The temp name is removed later only if it leads to the temp file
        // again: it may now hold the master, or that program's file.
        if !m.folder.stat(&tname).is_ok_and(|i| i.id == temp.id) {
            temp.name = None;
        }
        if m.folder.stat(&m.name).is_ok_and(|i| i.id == m.info.id) {
            return Err(changed(
                "another program renamed files in the folder during the write; the names were put back as they were",
            ));
        }
        // Said as it is: that program (which may rename anything in a
        // folder it can write) moved the master away, and isrckit did not
        // put its own version in its place.
        return Err(changed(
            "another program renamed files in the folder during the write and moved this file away; isrckit's version was not put in its place: look for the file under another name in the folder",
        ));
    }
    m.folder.rename(&tname, &m.name).map_err(cannot())?;
    temp.name = None;
    if !m.folder.stat(&m.name).is_ok_and(|i| i.id == temp.id) {
        return Err(changed(
            "another program replaced the file just after isrckit wrote it; the file now holds that program's version",
        ));
    }
    Ok(())
}

/// The folder holding `file` (`.` for a bare name).
pub fn folder_of(file: &Path) -> &Path {
    match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Sync a folder, which makes the renames in it durable. (A batch syncs
/// each folder once, after all its files are renamed.)
pub fn sync_dir(dir: &Path) {
    platform::sync_folder(dir);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn replace_path(
        p: &Path,
        pieces: &[Piece],
        verify: &mut dyn FnMut(&File) -> Result<(), VerifyError>,
    ) -> Result<(), WriteError> {
        let m = Master::open_locked(&resolve(p)?)?;
        replace(&m, pieces, verify, true)
    }

    #[cfg(unix)]
    #[test]
    fn assembles_pieces_keeps_permissions_and_leaves_no_temp() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("a.bin");
        fs::write(&p, b"0123456789").expect("write");
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).expect("chmod");
        let pieces = [
            Piece::Copy { offset: 0, len: 3 },
            Piece::Bytes(b"abc".to_vec()),
            Piece::Copy { offset: 7, len: 3 },
        ];
        replace_path(&p, &pieces, &mut |_| Ok(())).expect("replace");
        assert_eq!(fs::read(&p).expect("read"), b"012abc789");
        assert_eq!(
            fs::metadata(&p).expect("meta").permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(fs::read_dir(dir.path()).expect("ls").count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn the_temp_file_is_verified_through_its_handle_and_has_no_name_until_then() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("a.bin");
        fs::write(&p, b"old").expect("write");
        fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).expect("chmod");
        let mut seen = None;
        replace_path(&p, &[Piece::Bytes(b"new".to_vec())], &mut |f| {
            let mut b = Vec::new();
            let mut f = f;
            f.seek(SeekFrom::Start(0))
                .map_err(VerifyError::AudioUnreadable)?;
            f.read_to_end(&mut b)
                .map_err(VerifyError::AudioUnreadable)?;
            seen = Some(b);
            // An unnamed file (O_TMPFILE here): only the original is listed.
            assert_eq!(fs::read_dir(dir.path()).expect("ls").count(), 1);
            Ok(())
        })
        .expect("replace");
        assert_eq!(seen.as_deref(), Some(&b"new"[..]));
        assert_eq!(fs::read(&p).expect("read"), b"new");
    }

    #[test]
    fn failed_check_keeps_the_original_and_removes_the_temp() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("a.bin");
        fs::write(&p, b"original").expect("write");
        let e = replace_path(&p, &[Piece::Bytes(b"new".to_vec())], &mut |_| {
            Err(VerifyError::AudioDiffers(7))
        })
        .expect_err("must fail");
        assert!(e.to_string().contains("audio byte 7 differs"), "{e}");
        assert_eq!(fs::read(&p).expect("read"), b"original");
        assert_eq!(fs::read_dir(dir.path()).expect("ls").count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_target_is_replaced_not_the_link() {
        let dir = tempfile::tempdir().expect("tmp");
        let real = dir.path().join("real.bin");
        let link = dir.path().join("link.bin");
        fs::write(&real, b"old").expect("write");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        replace_path(&link, &[Piece::Bytes(b"new".to_vec())], &mut |_| Ok(())).expect("replace");
        assert!(
            fs::symlink_metadata(&link)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&link).expect("read"), b"new");
    }

    #[cfg(unix)]
    #[test]
    fn a_master_opened_by_a_link_name_is_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        let real = dir.path().join("real.bin");
        let link = dir.path().join("link.bin");
        fs::write(&real, b"old").expect("write");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        // A resolved path is expected: a link there (swapped in after the
        // path was resolved) is not followed.
        let e = Master::open(&link, true).err().expect("refused");
        assert!(e.to_string().contains("symlink"), "{e}");
    }
}
