//! Unix (Linux, macOS and the BSDs): the safe writer's system calls
//! through `rustix`, relative to a folder handle.

use super::{FileId, FileInfo};

use rustix::fs::{self as rfs, AtFlags, Mode, OFlags};
use rustix::io::Errno;
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io;
#[cfg(any(target_os = "linux", target_os = "android"))]
use std::os::fd::AsRawFd;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

// The field types of `stat` differ between systems and architectures
// (macOS: a signed `st_dev`, a 16-bit `st_mode`, signed nanoseconds): the
// conversions are no-ops on some. A device number is an identity, so its
// bits are kept as they are.
#[allow(
    clippy::useless_conversion,
    clippy::unnecessary_cast,
    clippy::unnecessary_fallible_conversions
)]
fn info(st: &rfs::Stat) -> FileInfo {
    FileInfo {
        id: FileId {
            dev: st.st_dev as u64,
            ino: u64::from(st.st_ino),
        },
        regular: rfs::FileType::from_raw_mode(st.st_mode) == rfs::FileType::RegularFile,
        len: u64::try_from(st.st_size).unwrap_or(0),
        nlink: u64::from(st.st_nlink),
        uid: st.st_uid,
        gid: st.st_gid,
        mode: u32::from(st.st_mode) & 0o7777,
        mtime: (
            i64::from(st.st_mtime),
            u64::try_from(st.st_mtime_nsec).unwrap_or(0),
        ),
        ctime: (
            i64::from(st.st_ctime),
            u64::try_from(st.st_ctime_nsec).unwrap_or(0),
        ),
    }
}

/// Whether an error says the extended attribute is not set (`ENODATA` on
/// Linux, `ENOATTR` on macOS).
fn no_attr(e: &io::Error) -> bool {
    #[cfg(any(target_os = "macos", target_os = "ios"))]
    if e.raw_os_error() == Some(Errno::NOATTR.raw_os_error()) {
        return true;
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if e.raw_os_error() == Some(Errno::NODATA.raw_os_error()) {
        return true;
    }
    let _ = e;
    false
}

#[cfg(any(target_os = "linux", target_os = "android"))]
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

    /// Give the unnamed file `file` the name `name` in this folder (only
    /// Linux makes unnamed files: see [`Folder::create_unnamed`]).
    pub fn link(&self, file: &File, name: &OsStr) -> io::Result<()> {
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        {
            let _ = (file, name);
            Err(io::ErrorKind::Unsupported.into())
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
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
/// name, where the system says (`/proc/locks` on Linux; elsewhere `None`).
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub fn lock_holder(_id: FileId) -> Option<(u32, String)> {
    None
}

/// Which process holds a `flock` on the file `id`, and its command
/// name, where the system says (`/proc/locks` on Linux).
#[cfg(any(target_os = "linux", target_os = "android"))]
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
    // `RawMode` is 16 bits on macOS; the bits kept fit.
    let mode = (mode & 0o7777) as rustix::fs::RawMode;
    Ok(rfs::fchmod(file, Mode::from_raw_mode(mode))?)
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

pub use xattrs::{remove_xattr, set_xattr, xattr, xattrs};

/// Extended attributes, where the system has them (Linux, macOS): one
/// gate for the four calls, instead of one in each.
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios"
))]
mod xattrs {
    use super::{Errno, File, io, no_attr, rfs};

    /// The extended attributes of an open file, names and values: on
    /// Linux ACLs are the `system.posix_acl_*` ones; on macOS the
    /// Finder's `com.apple.*` ones (`com.apple.FinderInfo`,
    /// `com.apple.ResourceFork`: the resource fork is an attribute there)
    /// are among them.
    #[allow(clippy::type_complexity)]
    pub fn xattrs(file: &File) -> io::Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let names = grow(|buf| rfs::flistxattr(file, buf))?;
        let mut out = Vec::new();
        for name in names.split(|&b| b == 0).filter(|n| !n.is_empty()) {
            match grow(|buf| rfs::fgetxattr(file, name, buf)) {
                Ok(v) => out.push((name.to_vec(), v)),
                // Removed since it was listed.
                Err(e) if no_attr(&e) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// One extended attribute's value, if set.
    pub fn xattr(file: &File, name: &[u8]) -> io::Result<Option<Vec<u8>>> {
        match grow(|buf| rfs::fgetxattr(file, name, buf)) {
            Ok(v) => Ok(Some(v)),
            Err(e) if no_attr(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Set an extended attribute on an open file.
    pub fn set_xattr(file: &File, name: &[u8], value: &[u8]) -> io::Result<()> {
        Ok(rfs::fsetxattr(file, name, value, rfs::XattrFlags::empty())?)
    }

    /// Remove an extended attribute from an open file.
    pub fn remove_xattr(file: &File, name: &[u8]) -> io::Result<()> {
        Ok(rfs::fremovexattr(file, name)?)
    }

    /// Call `f` with a buffer big enough for what it returns (up to 64
    /// MiB: a macOS resource fork can be large; a bigger one is an error,
    /// and the write that wanted to keep it is refused).
    fn grow(mut f: impl FnMut(&mut [u8]) -> rustix::io::Result<usize>) -> io::Result<Vec<u8>> {
        let mut buf = vec![0u8; 256];
        loop {
            match f(&mut buf) {
                Ok(n) => {
                    buf.truncate(n);
                    return Ok(buf);
                }
                Err(Errno::RANGE) if buf.len() < 64 << 20 => {
                    let len = buf.len() * 4;
                    buf.resize(len, 0);
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// Elsewhere: no attributes to keep, and none can be set.
#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios"
)))]
mod xattrs {
    use super::{File, io};

    /// No attributes.
    #[allow(clippy::type_complexity)]
    pub fn xattrs(_: &File) -> io::Result<Vec<(Vec<u8>, Vec<u8>)>> {
        Ok(Vec::new())
    }

    /// Never set.
    pub fn xattr(_: &File, _: &[u8]) -> io::Result<Option<Vec<u8>>> {
        Ok(None)
    }

    /// Not supported.
    pub fn set_xattr(_: &File, _: &[u8], _: &[u8]) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }

    /// Not supported.
    pub fn remove_xattr(_: &File, _: &[u8]) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
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

/// Terminals take ANSI colour sequences as they are: always `true`.
pub fn console_colours() -> bool {
    true
}

/// Nothing to do on Unix: the mode bits, owner and ACLs (extended
/// attributes) are copied one by one (`crate::write`'s keep step).
pub fn copy_security(_from: &File, _to: &File) -> io::Result<()> {
    Ok(())
}
