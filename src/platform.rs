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
mod sys {
    use super::{FileId, FileInfo};
    use rustix::fs::{self as rfs, AtFlags, Mode, OFlags};
    use rustix::io::Errno;
    use std::ffi::{OsStr, OsString};
    use std::fs::File;
    use std::io;
    use std::os::fd::{AsRawFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    // The field types of `stat` differ between architectures: the
    // conversions are no-ops on some.
    #[allow(clippy::useless_conversion)]
    fn info(st: &rfs::Stat) -> FileInfo {
        FileInfo {
            id: FileId {
                dev: u64::from(st.st_dev),
                ino: u64::from(st.st_ino),
            },
            regular: rfs::FileType::from_raw_mode(st.st_mode) == rfs::FileType::RegularFile,
            len: u64::try_from(st.st_size).unwrap_or(0),
            nlink: u64::from(st.st_nlink),
            uid: st.st_uid,
            gid: st.st_gid,
            mode: st.st_mode & 0o7777,
            mtime: (i64::from(st.st_mtime), u64::from(st.st_mtime_nsec)),
            ctime: (i64::from(st.st_ctime), u64::from(st.st_ctime_nsec)),
        }
    }

    fn unsupported(e: Errno) -> bool {
        [
            Errno::NOSYS,
            Errno::OPNOTSUPP,
            Errno::INVAL,
            Errno::ISDIR,
            Errno::NOTSUP,
        ]
        .contains(&e)
    }

    /// A folder opened once; every name below is looked up in it.
    #[derive(Debug)]
    pub struct Folder {
        fd: OwnedFd,
    }

    impl Folder {
        /// Open the folder at `path`, which must be free of symlinks (a
        /// resolved path): where the kernel can say so (`openat2` with
        /// `RESOLVE_NO_SYMLINKS`), a symlink met on the way is refused, so
        /// a folder swapped for a link after the path was resolved is not
        /// entered; elsewhere at least the last component must not be one.
        pub fn open(path: &Path) -> io::Result<Folder> {
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOFOLLOW;
            #[cfg(any(target_os = "linux", target_os = "android"))]
            match rfs::openat2(
                rfs::CWD,
                path,
                flags,
                Mode::empty(),
                rfs::ResolveFlags::NO_SYMLINKS,
            ) {
                Ok(fd) => return Ok(Folder { fd }),
                // No openat2 (before Linux 5.6, or a seccomp filter).
                Err(Errno::NOSYS | Errno::PERM) => {}
                Err(e) => return Err(e.into()),
            }
            let fd = rfs::openat(rfs::CWD, path, flags, Mode::empty())?;
            Ok(Folder { fd })
        }

        /// Open the regular file `name` in this folder, never through a
        /// symlink (`O_NOFOLLOW`) and never blocking on a FIFO; for
        /// writing when `write` (the open is the kernel's permission check).
        pub fn open_file(&self, name: &OsStr, write: bool) -> io::Result<(File, FileInfo)> {
            let access = if write { OFlags::RDWR } else { OFlags::RDONLY };
            let fd = rfs::openat(
                &self.fd,
                name,
                access | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY,
                Mode::empty(),
            )
            .map_err(|e| match e {
                Errno::LOOP => io::Error::other("is a symlink (it was resolved, then changed)"),
                e => e.into(),
            })?;
            let st = rfs::fstat(&fd)?;
            let i = info(&st);
            if !i.regular {
                return Err(io::Error::other("is not a regular file"));
            }
            Ok((File::from(fd), i))
        }

        /// What `name` is now (a symlink itself, not followed).
        pub fn stat(&self, name: &OsStr) -> io::Result<FileInfo> {
            Ok(info(&rfs::statat(
                &self.fd,
                name,
                AtFlags::SYMLINK_NOFOLLOW,
            )?))
        }

        /// Whether this process may write `name` (or, for `.`, create and
        /// rename files in the folder), as the kernel decides with the
        /// effective ids: not from the mode bits.
        pub fn may_write(&self, name: &OsStr) -> io::Result<()> {
            let how = if name == "." {
                rfs::Access::WRITE_OK | rfs::Access::EXEC_OK
            } else {
                rfs::Access::WRITE_OK
            };
            Ok(rfs::accessat(&self.fd, name, how, AtFlags::EACCESS)?)
        }

        /// A new file without a name in this folder (`O_TMPFILE`), mode
        /// 0600; `None` where the file system cannot make one.
        pub fn create_unnamed(&self) -> io::Result<Option<File>> {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            match rfs::openat(
                &self.fd,
                ".",
                OFlags::RDWR | OFlags::TMPFILE | OFlags::CLOEXEC,
                Mode::from_raw_mode(0o600),
            ) {
                Ok(fd) => return Ok(Some(File::from(fd))),
                Err(e) if unsupported(e) => return Ok(None),
                Err(e) => return Err(e.into()),
            }
            #[allow(unreachable_code)]
            Ok(None)
        }

        /// A new file named `name`, mode 0600; fails if anything (a
        /// symlink included) has that name.
        pub fn create_new(&self, name: &OsStr) -> io::Result<File> {
            let fd = rfs::openat(
                &self.fd,
                name,
                OFlags::RDWR | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::from_raw_mode(0o600),
            )?;
            Ok(File::from(fd))
        }

        /// Give the unnamed file `file` the name `name` in this folder.
        pub fn link(&self, file: &File, name: &OsStr) -> io::Result<()> {
            match rfs::linkat(file, "", &self.fd, name, AtFlags::EMPTY_PATH) {
                Ok(()) => return Ok(()),
                // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH (before Linux
                // 6.10); the file's /proc link does not.
                Err(Errno::NOENT | Errno::PERM | Errno::INVAL) => {}
                Err(e) => return Err(e.into()),
            }
            let proc = format!("/proc/self/fd/{}", file.as_raw_fd());
            Ok(rfs::linkat(
                rfs::CWD,
                proc.as_str(),
                &self.fd,
                name,
                AtFlags::SYMLINK_FOLLOW,
            )?)
        }

        /// Swap the names `a` and `b` atomically (`RENAME_EXCHANGE`);
        /// `false` where the file system cannot.
        pub fn exchange(&self, a: &OsStr, b: &OsStr) -> io::Result<bool> {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            match rfs::renameat_with(&self.fd, a, &self.fd, b, rfs::RenameFlags::EXCHANGE) {
                Ok(()) => return Ok(true),
                Err(e) if unsupported(e) => return Ok(false),
                Err(e) => return Err(e.into()),
            }
            #[allow(unreachable_code)]
            {
                let _ = (a, b);
                Ok(false)
            }
        }

        /// Rename `from` over `to`, both in this folder.
        pub fn rename(&self, from: &OsStr, to: &OsStr) -> io::Result<()> {
            Ok(rfs::renameat(&self.fd, from, &self.fd, to)?)
        }

        /// Remove the name `name` (a file, not a folder).
        pub fn remove(&self, name: &OsStr) -> io::Result<()> {
            Ok(rfs::unlinkat(&self.fd, name, AtFlags::empty())?)
        }

        /// Make the folder's entries durable (after a rename).
        pub fn sync(&self) -> io::Result<()> {
            Ok(rfs::fsync(&self.fd)?)
        }

        /// The names in the folder.
        pub fn names(&self) -> io::Result<Vec<OsString>> {
            let mut out = Vec::new();
            for entry in rfs::Dir::read_from(&self.fd)? {
                let entry = entry?;
                let name = entry.file_name().to_bytes();
                if name != b"." && name != b".." {
                    out.push(OsStr::from_bytes(name).to_os_string());
                }
            }
            Ok(out)
        }
    }

    /// What an open file is now.
    pub fn file_info(file: &File) -> io::Result<FileInfo> {
        Ok(info(&rfs::fstat(file)?))
    }

    /// Take an exclusive advisory lock (`flock`) on an open file without
    /// waiting: `false` when another open file holds one. The lock goes
    /// with the handle: closing it (or the process ending) releases it.
    pub fn try_lock(file: &File) -> io::Result<bool> {
        match rfs::flock(file, rfs::FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(true),
            Err(Errno::WOULDBLOCK) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Which process holds a `flock` on the file `id`, and its command
    /// name, where the system says (`/proc/locks` on Linux).
    pub fn lock_holder(id: FileId) -> Option<(u32, String)> {
        let locks = std::fs::read_to_string("/proc/locks").ok()?;
        let dev = rustix::fs::Dev::from(id.dev);
        let want = format!("{:02x}:{:02x}:{}", rfs::major(dev), rfs::minor(dev), id.ino);
        locks.lines().find_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            // `1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF`; a waiter
            // has `->` after the number.
            if f.get(1) != Some(&"FLOCK") || f.get(5) != Some(&want.as_str()) {
                return None;
            }
            let pid: u32 = f.get(4)?.parse().ok()?;
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .map(|c| c.trim().to_string())
                .unwrap_or_default();
            Some((pid, comm))
        })
    }

    /// Set the permission bits of an open file.
    pub fn set_mode(file: &File, mode: u32) -> io::Result<()> {
        Ok(rfs::fchmod(file, Mode::from_raw_mode(mode & 0o7777))?)
    }

    /// Set the owner and group of an open file.
    pub fn set_owner(file: &File, uid: u32, gid: u32) -> io::Result<()> {
        Ok(rfs::fchown(
            file,
            Some(rfs::Uid::from_raw(uid)),
            Some(rfs::Gid::from_raw(gid)),
        )?)
    }

    /// Whether this process can give a file the owner `uid` and group
    /// `gid` (root can; another user only its own id and a group it is in).
    pub fn may_give(uid: u32, gid: u32) -> bool {
        use rustix::process;
        let euid = process::geteuid();
        if euid.is_root() {
            return true;
        }
        uid == euid.as_raw()
            && (gid == process::getegid().as_raw()
                || process::getgroups().is_ok_and(|g| g.iter().any(|x| x.as_raw() == gid)))
    }

    /// Whether this process runs as root.
    pub fn is_root() -> bool {
        rustix::process::geteuid().is_root()
    }

    /// This process's effective user id.
    pub fn euid() -> u32 {
        rustix::process::geteuid().as_raw()
    }

    /// The extended attributes of an open file (ACLs are the
    /// `system.posix_acl_*` ones), names and values.
    #[allow(clippy::type_complexity)]
    pub fn xattrs(file: &File) -> io::Result<Vec<(Vec<u8>, Vec<u8>)>> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            let names = grow(|buf| rfs::flistxattr(file, buf))?;
            let mut out = Vec::new();
            for name in names.split(|&b| b == 0).filter(|n| !n.is_empty()) {
                match grow(|buf| rfs::fgetxattr(file, name, buf)) {
                    Ok(v) => out.push((name.to_vec(), v)),
                    // Removed since it was listed.
                    Err(e) if e.raw_os_error() == Some(Errno::NODATA.raw_os_error()) => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(out)
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        {
            let _ = file;
            Ok(Vec::new())
        }
    }

    /// One extended attribute's value, if set.
    pub fn xattr(file: &File, name: &[u8]) -> io::Result<Option<Vec<u8>>> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        match grow(|buf| rfs::fgetxattr(file, name, buf)) {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.raw_os_error() == Some(Errno::NODATA.raw_os_error()) => Ok(None),
            Err(e) => Err(e),
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        {
            let _ = (file, name);
            Ok(None)
        }
    }

    /// Set an extended attribute on an open file.
    pub fn set_xattr(file: &File, name: &[u8], value: &[u8]) -> io::Result<()> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            Ok(rfs::fsetxattr(file, name, value, rfs::XattrFlags::empty())?)
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        {
            let _ = (file, name, value);
            Err(io::ErrorKind::Unsupported.into())
        }
    }

    /// Remove an extended attribute from an open file.
    pub fn remove_xattr(file: &File, name: &[u8]) -> io::Result<()> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            Ok(rfs::fremovexattr(file, name)?)
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        {
            let _ = (file, name);
            Err(io::ErrorKind::Unsupported.into())
        }
    }

    /// Call `f` with a buffer big enough for what it returns.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn grow(mut f: impl FnMut(&mut [u8]) -> rustix::io::Result<usize>) -> io::Result<Vec<u8>> {
        let mut buf = vec![0u8; 256];
        loop {
            match f(&mut buf) {
                Ok(n) => {
                    buf.truncate(n);
                    return Ok(buf);
                }
                Err(Errno::RANGE) if buf.len() < 1 << 20 => {
                    let len = buf.len() * 4;
                    buf.resize(len, 0);
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Whether a process with this id is running (or exists at all).
    pub fn process_alive(pid: u32) -> bool {
        let Some(pid) = i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        else {
            return false;
        };
        !matches!(rustix::process::test_kill_process(pid), Err(Errno::SRCH))
    }

    /// Fill `buf` from `offset` of `file`.
    pub fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }

    /// Write all of `buf` at `offset` of `file`.
    pub fn write_all_at(file: &File, buf: &[u8], offset: u64) -> io::Result<()> {
        std::os::unix::fs::FileExt::write_all_at(file, buf, offset)
    }
}

#[cfg(not(unix))]
mod sys {
    //! Elsewhere: the same calls through paths, with what the standard
    //! library offers (no unnamed files, no ownership, no xattrs).
    use super::{FileId, FileInfo};
    use std::ffi::{OsStr, OsString};
    use std::fs::{self, File, OpenOptions};
    use std::io;
    use std::path::{Path, PathBuf};

    fn info(meta: &fs::Metadata) -> FileInfo {
        let time = |t: io::Result<std::time::SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or((0, 0), |d| {
                    (
                        i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                        u64::from(d.subsec_nanos()),
                    )
                })
        };
        FileInfo {
            id: FileId::UNKNOWN,
            regular: meta.is_file(),
            len: meta.len(),
            nlink: 1,
            uid: 0,
            gid: 0,
            mode: if meta.permissions().readonly() {
                0o444
            } else {
                0o644
            },
            mtime: time(meta.modified()),
            ctime: time(meta.created()),
        }
    }

    /// A folder, by path.
    #[derive(Debug)]
    pub struct Folder {
        path: PathBuf,
    }

    impl Folder {
        pub fn open(path: &Path) -> io::Result<Folder> {
            if !fs::metadata(path)?.is_dir() {
                return Err(io::Error::other("not a folder"));
            }
            Ok(Folder {
                path: path.to_path_buf(),
            })
        }
        pub fn open_file(&self, name: &OsStr, write: bool) -> io::Result<(File, FileInfo)> {
            let p = self.path.join(name);
            if fs::symlink_metadata(&p)?.file_type().is_symlink() {
                return Err(io::Error::other(
                    "is a symlink (it was resolved, then changed)",
                ));
            }
            let f = OpenOptions::new().read(true).write(write).open(&p)?;
            let i = info(&f.metadata()?);
            if !i.regular {
                return Err(io::Error::other("is not a regular file"));
            }
            Ok((f, i))
        }
        pub fn stat(&self, name: &OsStr) -> io::Result<FileInfo> {
            Ok(info(&fs::symlink_metadata(self.path.join(name))?))
        }
        pub fn may_write(&self, name: &OsStr) -> io::Result<()> {
            if fs::metadata(self.path.join(name))?.permissions().readonly() {
                return Err(io::ErrorKind::PermissionDenied.into());
            }
            Ok(())
        }
        pub fn create_unnamed(&self) -> io::Result<Option<File>> {
            Ok(None)
        }
        pub fn create_new(&self, name: &OsStr) -> io::Result<File> {
            OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(self.path.join(name))
        }
        pub fn link(&self, _file: &File, _name: &OsStr) -> io::Result<()> {
            Err(io::ErrorKind::Unsupported.into())
        }
        pub fn exchange(&self, _a: &OsStr, _b: &OsStr) -> io::Result<bool> {
            Ok(false)
        }
        pub fn rename(&self, from: &OsStr, to: &OsStr) -> io::Result<()> {
            fs::rename(self.path.join(from), self.path.join(to))
        }
        pub fn remove(&self, name: &OsStr) -> io::Result<()> {
            fs::remove_file(self.path.join(name))
        }
        pub fn sync(&self) -> io::Result<()> {
            Ok(())
        }
        pub fn names(&self) -> io::Result<Vec<OsString>> {
            fs::read_dir(&self.path)?
                .map(|e| e.map(|e| e.file_name()))
                .collect()
        }
    }

    pub fn file_info(file: &File) -> io::Result<FileInfo> {
        Ok(info(&file.metadata()?))
    }
    pub fn try_lock(file: &File) -> io::Result<bool> {
        match file.try_lock() {
            Ok(()) => Ok(true),
            Err(fs::TryLockError::WouldBlock) => Ok(false),
            Err(fs::TryLockError::Error(e)) => Err(e),
        }
    }
    pub fn lock_holder(_id: FileId) -> Option<(u32, String)> {
        None
    }
    pub fn set_mode(file: &File, mode: u32) -> io::Result<()> {
        let mut p = file.metadata()?.permissions();
        p.set_readonly(mode & 0o222 == 0);
        file.set_permissions(p)
    }
    pub fn set_owner(_file: &File, _uid: u32, _gid: u32) -> io::Result<()> {
        Ok(())
    }
    pub fn may_give(_uid: u32, _gid: u32) -> bool {
        true
    }
    pub fn is_root() -> bool {
        false
    }
    pub fn euid() -> u32 {
        0
    }
    #[allow(clippy::type_complexity)]
    pub fn xattrs(_file: &File) -> io::Result<Vec<(Vec<u8>, Vec<u8>)>> {
        Ok(Vec::new())
    }
    pub fn xattr(_file: &File, _name: &[u8]) -> io::Result<Option<Vec<u8>>> {
        Ok(None)
    }
    pub fn set_xattr(_file: &File, _name: &[u8], _value: &[u8]) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }
    pub fn remove_xattr(_file: &File, _name: &[u8]) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }
    /// Unknown here: taken as alive, so nothing is removed.
    pub fn process_alive(_pid: u32) -> bool {
        true
    }
    pub fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
        use std::io::{Read, Seek, SeekFrom};
        let mut f = file;
        f.seek(SeekFrom::Start(offset))?;
        f.read_exact(buf)
    }
    pub fn write_all_at(file: &File, buf: &[u8], offset: u64) -> io::Result<()> {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = file;
        f.seek(SeekFrom::Start(offset))?;
        f.write_all(buf)
    }
}

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
