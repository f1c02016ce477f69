//! The safe writer: a new version of a file is assembled in a sibling temp
//! file (same folder, so the rename is atomic), given the original's
//! permissions, synced, verified, renamed over the original, and the folder
//! synced. A crash, a full disk or a kill at any moment leaves either the
//! old file or the new one, and at worst a temp file whose name
//! ([`crate::walk::TEMP_PREFIX`]) every walk skips.

use crate::model::CodeKind;
use crate::plan::Piece;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Why a safe write did not happen. The original is untouched in every case.
#[derive(Debug, thiserror::Error)]
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
}

fn io_err<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> WriteError + 'a {
    move |source| WriteError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// The file a path finally names (symlinks followed), so a link is never
/// replaced by a file.
pub fn resolve(path: &Path) -> Result<PathBuf, WriteError> {
    fs::canonicalize(path).map_err(io_err("cannot resolve", path))
}

/// A temp file beside `target`, removed on drop unless persisted.
struct Temp {
    path: PathBuf,
    file: Option<File>,
    keep: bool,
}

impl Drop for Temp {
    fn drop(&mut self) {
        drop(self.file.take());
        if !self.keep {
            let _ = fs::remove_file(&self.path);
        }
    }
}

fn temp_beside(target: &Path) -> Result<Temp, WriteError> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for attempt in 0..100u32 {
        let path = dir.join(format!(
            "{}{}-{}-{attempt}",
            crate::walk::TEMP_PREFIX,
            std::process::id(),
            name
        ));
        match OpenOptions::new()
            .write(true)
            .read(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => {
                return Ok(Temp {
                    path,
                    file: Some(file),
                    keep: false,
                });
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_err("cannot create a temp file in the folder of", target)(e)),
        }
    }
    Err(WriteError::Io {
        action: "cannot find a free temp file name beside",
        path: target.to_path_buf(),
        source: io::Error::from(io::ErrorKind::AlreadyExists),
    })
}

/// Write `pieces` as the new content of `target` (already resolved), check
/// the result with `verify` (given the temp file's path), and only then
/// replace the original. Memory stays small whatever the file size: copied
/// ranges stream through the kernel. The folder is synced afterwards only
/// when `sync_folder`: a caller writing many files in one folder syncs it
/// once with [`sync_dir`].
pub fn replace_then(
    target: &Path,
    pieces: &[Piece],
    verify: &mut dyn FnMut(&Path) -> Result<(), VerifyError>,
    sync_folder: bool,
) -> Result<(), WriteError> {
    let mut original = File::open(target).map_err(io_err("cannot open", target))?;
    let meta = original
        .metadata()
        .map_err(io_err("cannot read the metadata of", target))?;
    let mut temp = temp_beside(target)?;
    {
        let out = temp
            .file
            .as_mut()
            .ok_or(WriteError::Verify(VerifyError::TempLost))?;
        let mut w = io::BufWriter::with_capacity(1 << 20, &mut *out);
        for piece in pieces {
            match piece {
                Piece::Bytes(b) => w
                    .write_all(b)
                    .map_err(io_err("cannot write the temp file for", target))?,
                Piece::Copy { offset, len } => {
                    w.flush()
                        .map_err(io_err("cannot write the temp file for", target))?;
                    original
                        .seek(SeekFrom::Start(*offset))
                        .map_err(io_err("cannot read", target))?;
                    let copied = io::copy(&mut (&mut original).take(*len), w.get_mut())
                        .map_err(io_err("cannot copy into the temp file for", target))?;
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
        w.flush()
            .map_err(io_err("cannot write the temp file for", target))?;
    }
    let file = temp
        .file
        .as_mut()
        .ok_or(WriteError::Verify(VerifyError::TempLost))?;
    fs::set_permissions(&temp.path, meta.permissions()).map_err(io_err(
        "cannot set permissions on the temp file for",
        target,
    ))?;
    file.sync_all()
        .map_err(io_err("cannot sync the temp file for", target))?;
    verify(&temp.path)?;
    drop(temp.file.take());
    fs::rename(&temp.path, target).map_err(io_err("cannot replace", target))?;
    temp.keep = true;
    if sync_folder {
        sync_dir(folder_of(target));
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
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        replace_then(&p, &pieces, &mut |_| Ok(()), true).expect("replace");
        assert_eq!(fs::read(&p).expect("read"), b"012abc789");
        assert_eq!(
            fs::metadata(&p).expect("meta").permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(fs::read_dir(dir.path()).expect("ls").count(), 1);
    }

    #[test]
    fn failed_check_keeps_the_original_and_removes_the_temp() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("a.bin");
        fs::write(&p, b"original").expect("write");
        let e = replace_then(
            &p,
            &[Piece::Bytes(b"new".to_vec())],
            &mut |_| Err(VerifyError::AudioDiffers(7)),
            true,
        )
        .expect_err("must fail");
        assert!(e.to_string().contains("audio byte 7 differs"), "{e}");
        assert_eq!(fs::read(&p).expect("read"), b"original");
        assert_eq!(fs::read_dir(dir.path()).expect("ls").count(), 1);
    }

    #[test]
    fn symlink_target_is_replaced_not_the_link() {
        let dir = tempfile::tempdir().expect("tmp");
        let real = dir.path().join("real.bin");
        let link = dir.path().join("link.bin");
        fs::write(&real, b"old").expect("write");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        let target = resolve(&link).expect("resolve");
        replace_then(
            &target,
            &[Piece::Bytes(b"new".to_vec())],
            &mut |_| Ok(()),
            true,
        )
        .expect("replace");
        assert!(
            fs::symlink_metadata(&link)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&link).expect("read"), b"new");
    }
}
