//! What differs between operating systems lives here, so the rest of the
//! code never names `std::os::unix` or `std::os::windows`.

use std::fs::Metadata;
use std::path::Path;

/// A path's bytes as the platform encodes them (UTF-8-ish on Unix, WTF-8
/// on Windows): for ordering and name checks, never for display.
pub fn path_bytes(path: &Path) -> &[u8] {
    path.as_os_str().as_encoded_bytes()
}

/// What kind of file a non-regular, non-folder file is, in words.
pub fn special_kind(meta: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
    }
    let _ = meta;
    "not a regular file"
}

/// Whether an error is "too many levels of symbolic links" (ELOOP).
pub fn is_symlink_loop(e: &std::io::Error) -> bool {
    let eloop = if cfg!(any(target_os = "linux", target_os = "android")) {
        40
    } else if cfg!(unix) {
        62
    } else {
        -1
    };
    e.raw_os_error() == Some(eloop)
}

/// A path as text for every output: as it is when it is valid UTF-8 (all
/// but a few paths); otherwise each byte that is not part of valid UTF-8
/// is written `\xNN` (two upper-case hex digits) and each backslash
/// `\\`, so the text names the exact bytes (never U+FFFD): a consumer
/// that finds `\x` in a path knows it is of this kind.
pub fn path_text(path: &Path) -> std::borrow::Cow<'_, str> {
    if let Some(s) = path.to_str() {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::new();
    for chunk in path_bytes(path).utf8_chunks() {
        for ch in chunk.valid().chars() {
            if ch == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(ch);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether a byte of [`path_bytes`] separates path components.
pub fn is_separator(b: u8) -> bool {
    b == b'/' || (cfg!(windows) && b == b'\\')
}

// ---------------------------------------------------------------------
// Files a write opens. The safe writer (`crate::write`) works relative to
// a folder opened once ([`Folder`]): the master is opened without
// following a symlink, the temp file is made in that folder (unnamed where
// the file system allows), linked and renamed by name within it. Nothing
// here decides policy; it only wraps the system calls.
// ---------------------------------------------------------------------

use std::ffi::OsString;

/// Which file a handle or a name leads to: device and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId {
    /// The device.
    pub dev: u64,
    /// The inode on it.
    pub ino: u64,
}

impl FileId {
    /// Where the platform cannot tell files apart (then names are compared).
    pub const UNKNOWN: FileId = FileId { dev: 0, ino: 0 };
}

/// What the writer needs to know about a file, and what tells it whether
/// the file changed: two equal `FileInfo`s of one file mean no write,
/// rename, chmod, chown or link happened in between (the change time moves
/// with each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileInfo {
    /// Device and inode.
    pub id: FileId,
    /// A regular file (not a folder, link, FIFO, socket or device).
    pub regular: bool,
    /// Its length in bytes.
    pub len: u64,
    /// How many names (hard links) it has.
    pub nlink: u64,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Permission bits, with set-user-id, set-group-id and sticky (`0o7777`).
    pub mode: u32,
    /// Modification time (seconds, nanoseconds).
    pub mtime: (i64, u64),
    /// Status change time (seconds, nanoseconds).
    pub ctime: (i64, u64),
}

/// Which file an open handle is.
pub fn file_id(file: &std::fs::File) -> std::io::Result<FileId> {
    Ok(file_info(file)?.id)
}

/// The name temp files get: the pid of the writing process and a counter,
/// short and bounded whatever the master's name (a 255-byte name still
/// has room), so a walk skips it and a later run can tell whether its
/// writer is still alive ([`crate::walk::TEMP_PREFIX`]).
pub fn temp_name(counter: u64) -> OsString {
    OsString::from(format!(
        "{}{}-{counter}",
        crate::walk::TEMP_PREFIX,
        std::process::id()
    ))
}

#[cfg(unix)]
mod unix;
#[cfg(unix)]
use unix as sys;
#[cfg(windows)]
#[allow(unsafe_code)] // Win32 calls; each `unsafe` block says why it is sound.
mod windows;
#[cfg(windows)]
use windows as sys;

pub use sys::{
    Folder, euid, file_info, is_root, lock_holder, may_give, process_alive, read_exact_at,
    remove_xattr, set_mode, set_owner, set_xattr, try_lock, write_all_at, xattr, xattrs,
};

/// Open `dir` as a [`Folder`] and sync it (ignoring failure: a batch syncs
/// each folder it wrote into once, at the end).
pub fn sync_folder(dir: &std::path::Path) {
    if let Ok(f) = Folder::open(dir) {
        let _ = f.sync();
    }
}
