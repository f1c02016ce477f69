//! Windows: the safe writer's calls through the Win32 API (`windows-sys`).
//!
//! - The folder is opened once and held without `FILE_SHARE_DELETE`, so it
//!   cannot be renamed, deleted or swapped for a junction while a write is
//!   under way; its final path (`GetFinalPathNameByHandleW`) must be the
//!   resolved path asked for, so a folder reached through a symbolic link,
//!   junction or other reparse point is refused (rule 7).
//! - Files are opened with `FILE_FLAG_OPEN_REPARSE_POINT`: a link is
//!   opened as itself, seen as a reparse point and refused, never followed.
//! - File identity is the volume serial number and the file index
//!   (`GetFileInformationByHandle`); the change time comes from
//!   `FILE_BASIC_INFO`.
//! - The lock between isrckit runs is a one-byte `LockFileEx` range far
//!   past any end of file, so it never blocks another program's reads.
//! - The temp file always has a name (Windows has no unnamed files); it is
//!   given the master's ACL ([`copy_security`]) and replaces the master by
//!   one atomic rename ([`Folder::rename`]), or fails, leaving the master
//!   as it was, when another program holds the master open: that failure
//!   is reported as such.
//! - Paths are passed to the system in their `\\?\` form, so long paths
//!   (past `MAX_PATH`) work whatever the system's long-path setting.

use super::{FileId, FileInfo};

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io;
use std::os::windows::ffi::{OsStrExt, OsStringExt};
use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle};
use std::path::{Path, PathBuf};
use windows_sys::Win32::Foundation::{
    self as wf, CloseHandle, GENERIC_READ, GENERIC_WRITE, HANDLE, INVALID_HANDLE_VALUE,
};
use windows_sys::Win32::Storage::FileSystem as fsys;

/// A path as the system wants it: absolute, in its `\\?\` (verbatim)
/// form, NUL-terminated UTF-16.
fn wide(path: &Path) -> io::Result<Vec<u16>> {
    let p = verbatim(path)?;
    let mut w: Vec<u16> = p.as_os_str().encode_wide().collect();
    if w.contains(&0) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a path holds a NUL character",
        ));
    }
    w.push(0);
    Ok(w)
}

/// `path` made absolute (`GetFullPathNameW`: `/` becomes `\`, `.` and
/// `..` are resolved) and given the `\\?\` prefix: `C:\x` becomes
/// `\\?\C:\x`, `\\server\share\x` becomes `\\?\UNC\server\share\x`.
pub(super) fn verbatim(path: &Path) -> io::Result<PathBuf> {
    let text: Vec<u16> = path.as_os_str().encode_wide().collect();
    let starts = |p: &str| {
        let p: Vec<u16> = p.encode_utf16().collect();
        text.starts_with(&p)
    };
    if starts(r"\\?\") {
        return Ok(path.to_path_buf());
    }
    let abs = std::path::absolute(path)?;
    let abs_w: Vec<u16> = abs.as_os_str().encode_wide().collect();
    let unc: Vec<u16> = r"\\".encode_utf16().collect();
    let dot: Vec<u16> = r"\\.\".encode_utf16().collect();
    let mut out: Vec<u16> = Vec::with_capacity(abs_w.len() + 8);
    if abs_w.starts_with(&dot) {
        // A device path: left as it is.
        return Ok(abs);
    } else if abs_w.starts_with(&unc) {
        out.extend(r"\\?\UNC\".encode_utf16());
        out.extend_from_slice(&abs_w[2..]);
    } else {
        out.extend(r"\\?\".encode_utf16());
        out.extend_from_slice(&abs_w);
    }
    Ok(PathBuf::from(OsString::from_wide(&out)))
}

fn last_error() -> io::Error {
    io::Error::last_os_error()
}

/// An open handle that closes itself.
struct Handle(HANDLE);

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle was opened by this module and is closed once.
        unsafe { CloseHandle(self.0) };
    }
}

fn create(
    path: &[u16],
    access: u32,
    share: u32,
    disposition: u32,
    flags: u32,
) -> io::Result<HANDLE> {
    // SAFETY: `path` is NUL-terminated; no security attributes, no template.
    let h = unsafe {
        fsys::CreateFileW(
            path.as_ptr(),
            access,
            share,
            std::ptr::null(),
            disposition,
            flags,
            std::ptr::null_mut(),
        )
    };
    if h == INVALID_HANDLE_VALUE {
        Err(last_error())
    } else {
        Ok(h)
    }
}

const SHARE_ALL: u32 = fsys::FILE_SHARE_READ | fsys::FILE_SHARE_WRITE | fsys::FILE_SHARE_DELETE;

/// Windows file times (100 ns since 1601) as (seconds, nanoseconds).
fn time(t: i64) -> (i64, u64) {
    (
        t.div_euclid(10_000_000),
        (t.rem_euclid(10_000_000) as u64) * 100,
    )
}

fn info_of(h: HANDLE) -> io::Result<FileInfo> {
    // SAFETY: zeroed plain data, filled by the call.
    let mut bh: fsys::BY_HANDLE_FILE_INFORMATION = unsafe { std::mem::zeroed() };
    // SAFETY: `h` is an open handle; `bh` is a valid out pointer.
    if unsafe { fsys::GetFileInformationByHandle(h, &mut bh) } == 0 {
        return Err(last_error());
    }
    // SAFETY: as above, for FILE_BASIC_INFO.
    let mut basic: fsys::FILE_BASIC_INFO = unsafe { std::mem::zeroed() };
    // SAFETY: `basic` is a valid buffer of the size given.
    let ok = unsafe {
        fsys::GetFileInformationByHandleEx(
            h,
            fsys::FileBasicInfo,
            (&mut basic as *mut fsys::FILE_BASIC_INFO).cast(),
            std::mem::size_of::<fsys::FILE_BASIC_INFO>() as u32,
        )
    };
    let attrs = bh.dwFileAttributes;
    let special = fsys::FILE_ATTRIBUTE_DIRECTORY | fsys::FILE_ATTRIBUTE_REPARSE_POINT;
    let ft = |f: wf::FILETIME| i64::from(f.dwHighDateTime) << 32 | i64::from(f.dwLowDateTime);
    let (mtime, ctime) = if ok != 0 {
        (time(basic.LastWriteTime), time(basic.ChangeTime))
    } else {
        (time(ft(bh.ftLastWriteTime)), time(ft(bh.ftLastWriteTime)))
    };
    Ok(FileInfo {
        id: FileId {
            dev: u64::from(bh.dwVolumeSerialNumber),
            ino: u64::from(bh.nFileIndexHigh) << 32 | u64::from(bh.nFileIndexLow),
        },
        regular: attrs & special == 0,
        len: u64::from(bh.nFileSizeHigh) << 32 | u64::from(bh.nFileSizeLow),
        nlink: u64::from(bh.nNumberOfLinks),
        uid: 0,
        gid: 0,
        // Windows has no mode bits: the read-only attribute stands for
        // the write bits; the ACL is copied by `copy_security`.
        mode: if attrs & fsys::FILE_ATTRIBUTE_READONLY != 0 {
            0o444
        } else {
            0o644
        },
        mtime,
        ctime,
    })
}

fn is_reparse(h: HANDLE) -> io::Result<bool> {
    // SAFETY: zeroed plain data, filled by the call.
    let mut bh: fsys::BY_HANDLE_FILE_INFORMATION = unsafe { std::mem::zeroed() };
    // SAFETY: `h` is an open handle; `bh` is a valid out pointer.
    if unsafe { fsys::GetFileInformationByHandle(h, &mut bh) } == 0 {
        return Err(last_error());
    }
    Ok(bh.dwFileAttributes & fsys::FILE_ATTRIBUTE_REPARSE_POINT != 0)
}

/// The path the system gives for an open handle (`\\?\C:\…`).
fn final_path(h: HANDLE) -> io::Result<Vec<u16>> {
    let mut buf = vec![0u16; 512];
    loop {
        // SAFETY: `buf` is valid for `buf.len()` characters.
        let n = unsafe { fsys::GetFinalPathNameByHandleW(h, buf.as_mut_ptr(), buf.len() as u32, 0) }
            as usize;
        if n == 0 {
            return Err(last_error());
        }
        if n < buf.len() {
            buf.truncate(n);
            return Ok(buf);
        }
        buf.resize(n + 1, 0);
    }
}

/// Two paths equal as NTFS compares names (case-insensitively).
fn same_path(a: &[u16], b: &[u16]) -> bool {
    let fold = |w: &[u16]| -> String {
        String::from_utf16_lossy(w)
            .trim_end_matches('\\')
            .chars()
            .flat_map(char::to_uppercase)
            .collect()
    };
    fold(a) == fold(b)
}

/// A folder opened once, held so that it cannot be renamed or removed
/// while open; names below are looked up under its path.
#[derive(Debug)]
pub struct Folder {
    /// The folder's `\\?\` path.
    path: PathBuf,
    /// The open folder (kept open: the hold is the point).
    _handle: OwnedHandle,
}

impl Folder {
    /// Open the folder at `path`, a resolved path: refused when the folder
    /// is a reparse point or is reached through one (its final path is
    /// not the path asked for).
    pub fn open(path: &Path) -> io::Result<Folder> {
        let vpath = verbatim(path)?;
        let w = wide(&vpath)?;
        let h = create(
            &w,
            fsys::FILE_LIST_DIRECTORY | fsys::FILE_READ_ATTRIBUTES | fsys::SYNCHRONIZE,
            // No FILE_SHARE_DELETE: nobody renames or removes it meanwhile.
            fsys::FILE_SHARE_READ | fsys::FILE_SHARE_WRITE,
            fsys::OPEN_EXISTING,
            fsys::FILE_FLAG_BACKUP_SEMANTICS | fsys::FILE_FLAG_OPEN_REPARSE_POINT,
        )?;
        // SAFETY: `h` was just opened and is owned from here on.
        let handle = unsafe { OwnedHandle::from_raw_handle(h) };
        let st = info_of(h)?;
        if is_reparse(h)? {
            return Err(io::Error::other(
                "the folder is a symbolic link or junction (it was resolved, then changed)",
            ));
        }
        if st.regular {
            return Err(io::Error::other("not a folder"));
        }
        let asked = &w[..w.len() - 1];
        if let Ok(fin) = final_path(h)
            && !same_path(&fin, asked)
        {
            return Err(io::Error::other(
                "the folder is reached through a symbolic link or junction (it was resolved, then changed)",
            ));
        }
        Ok(Folder {
            path: vpath,
            _handle: handle,
        })
    }

    fn name_w(&self, name: &OsStr) -> io::Result<Vec<u16>> {
        wide(&self.path.join(name))
    }

    /// Open the regular file `name` in this folder, never through a link
    /// (`FILE_FLAG_OPEN_REPARSE_POINT`), for writing when `write`. Other
    /// programs may still read, write and delete it (the share mode of
    /// Rust's standard library), so that a rename can replace it
    /// while this handle is open.
    pub fn open_file(&self, name: &OsStr, write: bool) -> io::Result<(File, FileInfo)> {
        let access = if write {
            GENERIC_READ | GENERIC_WRITE
        } else {
            GENERIC_READ
        };
        let h = create(
            &self.name_w(name)?,
            access,
            SHARE_ALL,
            fsys::OPEN_EXISTING,
            fsys::FILE_FLAG_OPEN_REPARSE_POINT | fsys::FILE_FLAG_BACKUP_SEMANTICS,
        )
        .map_err(sharing("open"))?;
        // SAFETY: `h` was just opened and is owned from here on.
        let file = File::from(unsafe { OwnedHandle::from_raw_handle(h) });
        if is_reparse(h)? {
            return Err(io::Error::other(
                "is a symbolic link or junction (it was resolved, then changed)",
            ));
        }
        let i = info_of(h)?;
        if !i.regular {
            return Err(io::Error::other("is not a regular file"));
        }
        Ok((file, i))
    }

    /// What `name` is now (a link itself, not followed).
    pub fn stat(&self, name: &OsStr) -> io::Result<FileInfo> {
        let h = create(
            &self.name_w(name)?,
            fsys::FILE_READ_ATTRIBUTES,
            SHARE_ALL,
            fsys::OPEN_EXISTING,
            fsys::FILE_FLAG_OPEN_REPARSE_POINT | fsys::FILE_FLAG_BACKUP_SEMANTICS,
        )?;
        let h = Handle(h);
        info_of(h.0)
    }

    /// Whether this process may write `name` (or, for `.`, add files to
    /// the folder), as the system decides: by opening it so.
    pub fn may_write(&self, name: &OsStr) -> io::Result<()> {
        let (w, access, flags) = if name == "." {
            (
                wide(&self.path)?,
                fsys::FILE_ADD_FILE,
                fsys::FILE_FLAG_BACKUP_SEMANTICS,
            )
        } else {
            (
                self.name_w(name)?,
                GENERIC_WRITE,
                fsys::FILE_FLAG_OPEN_REPARSE_POINT,
            )
        };
        let h =
            create(&w, access, SHARE_ALL, fsys::OPEN_EXISTING, flags).map_err(sharing("write"))?;
        drop(Handle(h));
        Ok(())
    }

    /// Windows makes no unnamed files: always `None`.
    pub fn create_unnamed(&self) -> io::Result<Option<File>> {
        Ok(None)
    }

    /// A new file named `name`; fails if anything has that name.
    pub fn create_new(&self, name: &OsStr) -> io::Result<File> {
        let h = create(
            &self.name_w(name)?,
            GENERIC_READ | GENERIC_WRITE | fsys::DELETE | fsys::WRITE_DAC,
            SHARE_ALL,
            fsys::CREATE_NEW,
            fsys::FILE_ATTRIBUTE_NORMAL | fsys::FILE_FLAG_OPEN_REPARSE_POINT,
        )?;
        // SAFETY: `h` was just opened and is owned from here on.
        Ok(File::from(unsafe { OwnedHandle::from_raw_handle(h) }))
    }

    /// Not on Windows (no unnamed files to link).
    pub fn link(&self, _file: &File, _name: &OsStr) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }

    /// Not on Windows: `false`, and the caller renames.
    pub fn exchange(&self, _a: &OsStr, _b: &OsStr) -> io::Result<bool> {
        Ok(false)
    }

    /// Put `from` in the place of `to`, both in this folder: one atomic
    /// rename where the system allows it (the standard library's: on
    /// Windows 10 1709 and later `SetFileInformationByHandle` with
    /// `FILE_RENAME_FLAG_REPLACE_IF_EXISTS | FILE_RENAME_FLAG_POSIX_SEMANTICS`,
    /// which replaces a file that is open with delete sharing, as isrckit's
    /// own handle on the master is), so a reader sees the old file or the
    /// new one. Where that rename is refused because `to` is open (older
    /// Windows, FAT and some network file systems, Wine), `to` is moved
    /// aside, `from` moved in, and the old file removed ([`Folder::swap`]):
    /// for that instant the name is missing, as with `ReplaceFileW` (which
    /// is not used: it does the same, and its documented failures can leave
    /// the old file under another name). The new file was given the old
    /// one's ACL beforehand ([`copy_security`]). A file held open for a
    /// moment (another isrckit trying its lock, a virus scanner, the search
    /// indexer) is waited for, briefly; a program that keeps it open
    /// without letting it be replaced is reported.
    pub fn rename(&self, from: &OsStr, to: &OsStr) -> io::Result<()> {
        let (pf, pt) = (self.path.join(from), self.path.join(to));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
        let busy = |e: &io::Error| {
            [
                wf::ERROR_SHARING_VIOLATION,
                wf::ERROR_LOCK_VIOLATION,
                wf::ERROR_ACCESS_DENIED,
            ]
            .map(|c| Some(c as i32))
            .contains(&e.raw_os_error())
        };
        loop {
            let e = match std::fs::rename(&pf, &pt) {
                Ok(()) => return Ok(()),
                Err(e) if busy(&e) => match self.swap(from, to) {
                    Ok(()) => return Ok(()),
                    Err(e) => e,
                },
                Err(e) => e,
            };
            if !busy(&e) || std::time::Instant::now() >= deadline {
                return Err(replace_error(e));
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// Move `to` aside, `from` to `to`, and remove the old file; if `from`
    /// cannot be moved in, `to` is moved back. The aside name is
    /// `.isrckit-old-<pid>-<n>-<name>`, not a temp name: a write killed in
    /// that instant leaves the master there, where the walk shows it and
    /// no later write takes it for a dead writer's temp file and removes
    /// it (docs/platforms.md).
    fn swap(&self, from: &OsStr, to: &OsStr) -> io::Result<()> {
        static ASIDE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let mut name = OsString::from(format!(
            ".isrckit-old-{}-{}-",
            std::process::id(),
            ASIDE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        name.push(to);
        let aside = self.path.join(name);
        let (pf, pt) = (self.path.join(from), self.path.join(to));
        std::fs::rename(&pt, &aside)?;
        if let Err(e) = std::fs::rename(&pf, &pt) {
            let _ = std::fs::rename(&aside, &pt);
            return Err(e);
        }
        let _ = std::fs::remove_file(&aside);
        Ok(())
    }

    /// Remove the name `name` (a file, not a folder).
    pub fn remove(&self, name: &OsStr) -> io::Result<()> {
        let w = self.name_w(name)?;
        // SAFETY: `w` is NUL-terminated.
        if unsafe { fsys::DeleteFileW(w.as_ptr()) } == 0 {
            return Err(last_error());
        }
        Ok(())
    }

    /// Nothing to do: NTFS journals the folder's entries itself.
    pub fn sync(&self) -> io::Result<()> {
        Ok(())
    }

    /// The names in the folder.
    pub fn names(&self) -> io::Result<Vec<OsString>> {
        std::fs::read_dir(&self.path)?
            .map(|e| e.map(|e| e.file_name()))
            .collect()
    }
}

/// The message for a file another program holds open.
const HELD_OPEN: &str = "another program has the file open, and Windows does not let a file \
     that is open elsewhere be replaced or written: close it in that program (a DAW, editor \
     or player) and run isrckit again";

/// A sharing violation, in words, for `what` ("open", "write").
fn sharing(what: &'static str) -> impl Fn(io::Error) -> io::Error {
    move |e| {
        if e.raw_os_error() == Some(wf::ERROR_SHARING_VIOLATION as i32)
            || e.raw_os_error() == Some(wf::ERROR_LOCK_VIOLATION as i32)
        {
            io::Error::new(
                io::ErrorKind::ResourceBusy,
                format!("cannot {what} it: {HELD_OPEN} ({e})"),
            )
        } else {
            e
        }
    }
}

/// A replace's failures, in words. In each case the original keeps its
/// name and bytes.
fn replace_error(e: io::Error) -> io::Error {
    let code = e.raw_os_error().unwrap_or(0) as u32;
    match code {
        wf::ERROR_SHARING_VIOLATION | wf::ERROR_LOCK_VIOLATION | wf::ERROR_USER_MAPPED_FILE => {
            io::Error::new(io::ErrorKind::ResourceBusy, format!("{HELD_OPEN} ({e})"))
        }
        wf::ERROR_ACCESS_DENIED => io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "access denied: the file is read-only, not yours to replace, or {HELD_OPEN}; the original is unchanged ({e})"
            ),
        ),
        _ => e,
    }
}

/// Give `to` the access-control list (DACL) of `from`, so the new file is
/// protected exactly as the one it replaces: never wider.
pub fn copy_security(from: &File, to: &File) -> io::Result<()> {
    use windows_sys::Win32::Security as sec;
    let what = sec::DACL_SECURITY_INFORMATION;
    let mut need = 0u32;
    // SAFETY: a size query: no buffer, `need` is a valid out pointer.
    unsafe {
        sec::GetKernelObjectSecurity(
            from.as_raw_handle(),
            what,
            std::ptr::null_mut(),
            0,
            &mut need,
        )
    };
    if need == 0 {
        return Err(last_error());
    }
    let mut sd = vec![0u8; need as usize];
    // SAFETY: `sd` is valid for `need` bytes.
    if unsafe {
        sec::GetKernelObjectSecurity(
            from.as_raw_handle(),
            what,
            sd.as_mut_ptr().cast(),
            need,
            &mut need,
        )
    } == 0
    {
        return Err(last_error());
    }
    // SAFETY: `sd` holds the self-relative descriptor just read.
    if unsafe { sec::SetKernelObjectSecurity(to.as_raw_handle(), what, sd.as_mut_ptr().cast()) }
        == 0
    {
        return Err(last_error());
    }
    Ok(())
}

/// What an open file is now.
pub fn file_info(file: &File) -> io::Result<FileInfo> {
    info_of(file.as_raw_handle())
}

/// Where the lock between isrckit runs sits: one byte far past any end of
/// file, so it never blocks another program's reads or writes of the data.
const LOCK_AT: u64 = (1 << 62) - 1;

/// Take the isrckit lock on an open file without waiting: `false` when
/// another handle holds it. Closing the handle releases it.
pub fn try_lock(file: &File) -> io::Result<bool> {
    use windows_sys::Win32::System::IO::OVERLAPPED;
    // SAFETY: zeroed plain data.
    let mut ov: OVERLAPPED = unsafe { std::mem::zeroed() };
    ov.Anonymous.Anonymous.Offset = LOCK_AT as u32;
    ov.Anonymous.Anonymous.OffsetHigh = (LOCK_AT >> 32) as u32;
    // SAFETY: the handle is open; `ov` lives through the (synchronous) call.
    let ok = unsafe {
        fsys::LockFileEx(
            file.as_raw_handle(),
            fsys::LOCKFILE_EXCLUSIVE_LOCK | fsys::LOCKFILE_FAIL_IMMEDIATELY,
            0,
            1,
            0,
            &mut ov,
        )
    };
    if ok != 0 {
        return Ok(true);
    }
    let e = last_error();
    if e.raw_os_error() == Some(wf::ERROR_LOCK_VIOLATION as i32)
        || e.raw_os_error() == Some(wf::ERROR_IO_PENDING as i32)
    {
        return Ok(false);
    }
    Err(e)
}

/// Not known on Windows (the Restart Manager could say; not asked).
pub fn lock_holder(_id: FileId) -> Option<(u32, String)> {
    None
}

/// Set the read-only attribute from the write bits (the rest of a file's
/// protection is its ACL, which [`copy_security`] copies).
pub fn set_mode(file: &File, mode: u32) -> io::Result<()> {
    let mut p = file.metadata()?.permissions();
    p.set_readonly(mode & 0o222 == 0);
    file.set_permissions(p)
}

/// Nothing to do: the new file's owner is the writer, as for any new
/// file on Windows; its ACL is the master's ([`copy_security`]).
pub fn set_owner(_file: &File, _uid: u32, _gid: u32) -> io::Result<()> {
    Ok(())
}

/// Always: isrckit gives no owner on Windows.
pub fn may_give(_uid: u32, _gid: u32) -> bool {
    true
}

/// Not a Windows notion here: `false`.
pub fn is_root() -> bool {
    false
}

/// No numeric user id on Windows: 0.
pub fn euid() -> u32 {
    0
}

/// None listed: named streams (alternate data streams) of a master are not
/// carried over on Windows (docs/platforms.md says why).
#[allow(clippy::type_complexity)]
pub fn xattrs(_file: &File) -> io::Result<Vec<(Vec<u8>, Vec<u8>)>> {
    Ok(Vec::new())
}

/// None (see [`xattrs`]).
pub fn xattr(_file: &File, _name: &[u8]) -> io::Result<Option<Vec<u8>>> {
    Ok(None)
}

/// Not used on Windows.
pub fn set_xattr(_file: &File, _name: &[u8], _value: &[u8]) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Not used on Windows.
pub fn remove_xattr(_file: &File, _name: &[u8]) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Whether a process with this id is running.
pub fn process_alive(pid: u32) -> bool {
    use windows_sys::Win32::System::Threading as th;
    // SAFETY: plain call; the handle is closed below.
    let h = unsafe { th::OpenProcess(th::PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) };
    if h.is_null() {
        // No such process, or one this user may not query (then alive).
        return std::io::Error::last_os_error().raw_os_error()
            != Some(wf::ERROR_INVALID_PARAMETER as i32);
    }
    let h = Handle(h);
    let mut code = 0u32;
    // SAFETY: `h` is open; `code` is a valid out pointer.
    let ok = unsafe { th::GetExitCodeProcess(h.0, &mut code) };
    ok == 0 || code == wf::STILL_ACTIVE as u32
}

/// Fill `buf` from `offset` of `file` (moves the file's cursor: callers
/// seek before sequential reads).
pub fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // Windows reports a read at or past the end this way.
            Err(e) if e.raw_os_error() == Some(wf::ERROR_HANDLE_EOF as i32) => {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Write all of `buf` at `offset` of `file`.
pub fn write_all_at(file: &File, mut buf: &[u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_write(buf, offset) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                buf = &buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Turn on the console's handling of ANSI colour sequences for standard
/// output (Windows 10 and later); `false` where the console cannot (an
/// old console: then no colour is written), `true` when standard output
/// is not a console (a pipe or file takes the sequences as they are).
pub fn console_colours() -> bool {
    use windows_sys::Win32::System::Console as con;
    // SAFETY: plain calls on this process's own standard output handle.
    unsafe {
        let h = con::GetStdHandle(con::STD_OUTPUT_HANDLE);
        let mut mode = 0;
        if h.is_null() || h == INVALID_HANDLE_VALUE || con::GetConsoleMode(h, &mut mode) == 0 {
            return true;
        }
        mode & con::ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0
            || con::SetConsoleMode(h, mode | con::ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0
    }
}
