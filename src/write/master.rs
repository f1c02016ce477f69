//! The file a write is about, opened once: its folder (a handle every
//! later name is looked up in), and the file itself, opened without
//! following a symlink. A write holds an exclusive `flock` on the file's
//! handle from the moment it re-checks its plan to the end of the write,
//! so two isrckit runs never write one file at the same time.

use super::hooks;
use super::safe::WriteError;
use crate::platform::{self, FileInfo, Folder};
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// An open master.
pub(crate) struct Master {
    /// Its folder.
    pub folder: Folder,
    /// Its name in the folder.
    pub name: OsString,
    /// The file.
    pub file: File,
    /// What it was when opened (or locked).
    pub info: FileInfo,
    /// Its real path (symlinks resolved), for messages.
    pub path: PathBuf,
}

/// A resolved path's folder and name.
pub(crate) fn split(real: &Path) -> Result<(&Path, &OsStr), WriteError> {
    let name = real.file_name().ok_or_else(|| WriteError::Io {
        action: "cannot write",
        path: real.to_path_buf(),
        source: std::io::Error::other("not a file name"),
    })?;
    Ok((super::safe::folder_of(real), name))
}

impl Master {
    /// Open `real` (a resolved path) for reading, or for writing when
    /// `write` (the open is then the kernel's own permission check).
    pub fn open(real: &Path, write: bool) -> Result<Master, WriteError> {
        let (dir, name) = split(real)?;
        let folder =
            Folder::open(dir).map_err(WriteError::io("cannot open the folder of", real))?;
        let (file, info) = folder
            .open_file(name, write)
            .map_err(WriteError::io("cannot open", real))?;
        Ok(Master {
            folder,
            name: name.to_os_string(),
            file,
            info,
            path: real.to_path_buf(),
        })
    }

    /// Open `real` for writing and lock it, waiting a bounded time while
    /// another isrckit writes it. The lock is on the file the name leads
    /// to when the lock is taken: if a writer renamed a new file over the
    /// name while this one waited, the new file is opened and locked.
    pub fn open_locked(real: &Path) -> Result<Master, WriteError> {
        let wait = hooks::lock_wait();
        let deadline = Instant::now() + wait;
        loop {
            let mut m = Master::open(real, true)?;
            let got = platform::try_lock(&m.file).map_err(WriteError::io("cannot lock", real))?;
            // The name may have moved on to a new file while this waited.
            if got && m.folder.stat(&m.name).is_ok_and(|now| now.id == m.info.id) {
                m.info = m.now()?;
                return Ok(m);
            }
            if Instant::now() >= deadline {
                return Err(if got {
                    WriteError::Changed {
                        path: real.to_path_buf(),
                        what: "the file kept being replaced while isrckit waited to write it",
                    }
                } else {
                    WriteError::Locked {
                        path: real.to_path_buf(),
                        holder: platform::lock_holder(m.info.id),
                        waited: wait.as_secs_f64(),
                    }
                });
            }
            drop(m);
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// What the open file is now.
    pub fn now(&self) -> Result<FileInfo, WriteError> {
        platform::file_info(&self.file)
            .map_err(WriteError::io("cannot read the metadata of", &self.path))
    }
}
