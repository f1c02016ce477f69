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

/// The file a path finally names, every link resolved: as
/// `fs::canonicalize` gives it, written as users write paths. On Windows
/// that drops the `\\?\` prefix the system puts on every resolved path
/// (`\\?\C:\Masters\a.wav` becomes `C:\Masters\a.wav`, `\\?\UNC\srv\x`
/// becomes `\\srv\x`) wherever the plain form names the same file (see
/// [`plain_windows_path`]); long paths still work, as the standard library
/// and this module add the prefix back when they call the system.
pub fn canonicalize(path: &Path) -> std::io::Result<std::path::PathBuf> {
    let real = match std::fs::canonicalize(path) {
        Ok(real) => real,
        // Wine's GetFinalPathNameByHandleW fails past MAX_PATH with
        // ERROR_MORE_DATA (234) whatever the buffer: there a path with no
        // link on the way is its own resolved path; one with a link is
        // refused rather than followed by hand.
        Err(e) if cfg!(windows) && e.raw_os_error() == Some(234) => {
            let abs = std::path::absolute(path)?;
            let mut p = abs.clone();
            loop {
                if std::fs::symlink_metadata(&p)?.file_type().is_symlink() {
                    return Err(e);
                }
                if !p.pop() {
                    break;
                }
            }
            abs
        }
        Err(e) => return Err(e),
    };
    #[cfg(windows)]
    if let Some(plain) = real.to_str().and_then(plain_windows_path) {
        return Ok(std::path::PathBuf::from(plain));
    }
    Ok(real)
}

/// A Windows `\\?\` path in its plain form, when the plain form names the
/// same file: a drive or UNC path whose components have no trailing dot
/// or space, no `/`, and are no reserved device name (`CON`, `NUL`,
/// `COM1`, …), which the system would read differently without the
/// prefix. `None` when it must keep its prefix (or has none).
#[cfg_attr(not(windows), allow(dead_code))] // Used on Windows; tested everywhere.
pub fn plain_windows_path(p: &str) -> Option<String> {
    let (prefix, rest) = if let Some(r) = p.strip_prefix(r"\\?\UNC\") {
        (r"\\", r)
    } else if let Some(r) = p.strip_prefix(r"\\?\") {
        let b = r.as_bytes();
        if b.len() < 3 || !b[0].is_ascii_alphabetic() || b[1] != b':' || b[2] != b'\\' {
            return None;
        }
        ("", r)
    } else {
        return None;
    };
    const RESERVED: [&str; 4] = ["CON", "PRN", "AUX", "NUL"];
    let ok = rest.split('\\').enumerate().all(|(i, c)| {
        if i == 0 && prefix.is_empty() {
            return true; // `C:`
        }
        let stem = c
            .split('.')
            .next()
            .unwrap_or("")
            .trim_end()
            .to_ascii_uppercase();
        let device = RESERVED.contains(&stem.as_str())
            || ((stem.starts_with("COM") || stem.starts_with("LPT"))
                && stem.len() == 4
                && stem.as_bytes()[3].is_ascii_digit());
        !c.is_empty() && !c.ends_with('.') && !c.ends_with(' ') && !c.contains('/') && !device
    });
    // A trailing `\` (a drive's root) leaves one empty last component.
    let root = prefix.is_empty() && rest.len() == 3;
    (ok || root).then(|| format!("{prefix}{rest}"))
}

/// A path as people read it in human output (tables, messages): as
/// [`path_text`], with `/` written `\\` on Windows, the way Windows users
/// write paths (`album/01.wav` given on the command line shows as
/// `album\\01.wav`). Machine output (JSON, CSV, SARIF, JUnit, GitHub)
/// keeps [`path_text`]: the path exactly as given.
pub fn shown(path: &Path) -> std::borrow::Cow<'_, str> {
    let text = path_text(path);
    if cfg!(windows) && text.contains('/') {
        return std::borrow::Cow::Owned(text.replace('/', "\\"));
    }
    text
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
    Folder, console_colours, copy_security, euid, file_info, is_root, lock_holder, may_give,
    process_alive, read_exact_at, remove_xattr, set_mode, set_owner, set_xattr, try_lock,
    write_all_at, xattr, xattrs,
};

/// Open `dir` as a [`Folder`] and sync it (ignoring failure: a batch syncs
/// each folder it wrote into once, at the end).
pub fn sync_folder(dir: &std::path::Path) {
    if let Ok(f) = Folder::open(dir) {
        let _ = f.sync();
    }
}

#[cfg(test)]
mod tests {
    use super::plain_windows_path as plain;

    #[test]
    fn windows_verbatim_paths_are_shown_plain_where_that_names_the_same_file() {
        assert_eq!(
            plain(r"\\?\C:\Masters\01 Intro.wav").as_deref(),
            Some(r"C:\Masters\01 Intro.wav")
        );
        assert_eq!(plain(r"\\?\C:\").as_deref(), Some(r"C:\"));
        assert_eq!(
            plain(r"\\?\UNC\studio\masters\a.wav").as_deref(),
            Some(r"\\studio\masters\a.wav")
        );
        // Read differently without the prefix: kept as they are.
        assert_eq!(plain(r"\\?\C:\Masters\CON.wav"), None);
        assert_eq!(plain(r"\\?\C:\Masters\com1"), None);
        assert_eq!(plain(r"\\?\C:\Masters\trailing. "), None);
        assert_eq!(plain(r"\\?\C:\Masters\dot."), None);
        assert_eq!(plain(r"\\?\Volume{0b1c}\x"), None);
        assert_eq!(plain(r"C:\Masters"), None);
        // Names that only look like devices are fine.
        assert_eq!(
            plain(r"\\?\C:\CONSOLE\COM10.wav").as_deref(),
            Some(r"C:\CONSOLE\COM10.wav")
        );
    }
}
