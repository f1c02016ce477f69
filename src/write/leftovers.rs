//! Temp files a write left behind. A write's temp file has no name where
//! the file system allows (`O_TMPFILE`), so a killed write leaves nothing;
//! elsewhere (and for the instant between linking the verified file into
//! the folder and renaming it over the master) it is named
//! `.isrckit-tmp-<pid>-<n>` ([`crate::walk::TEMP_PREFIX`]), mode 0600 or the
//! master's own, and locked by its writer. Such a file whose writer is
//! gone (the process is not running and nobody holds its lock) is a
//! leftover: `set` and `embed` remove the ones in the folders they write
//! to, and say so; [`leftover_temps`] lists them for a report.

use crate::platform::{self, FileInfo, Folder};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

/// A temp file a write left in a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Leftover {
    /// Where it is.
    pub path: PathBuf,
    /// Its size in bytes (a full copy of a master, or part of one).
    pub size: u64,
    /// The process that made it (from its name).
    pub pid: u32,
    /// Whether its writer may still be at work: that process is running,
    /// or someone holds the file's lock.
    pub owner_alive: bool,
}

/// The pid in a temp file's name: `.isrckit-tmp-<pid>-…` (this version's
/// `<pid>-<n>`, and earlier versions' `<pid>-<name>-<n>`).
fn pid_of(name: &OsStr) -> Option<u32> {
    let rest = name
        .as_encoded_bytes()
        .strip_prefix(crate::walk::TEMP_PREFIX.as_bytes())?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || rest.get(digits) != Some(&b'-') {
        return None;
    }
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}

/// Whether someone holds the lock on `name` (a writer at work). `None`
/// when the file cannot be opened to ask.
fn locked(folder: &Folder, name: &OsStr) -> Option<bool> {
    let (file, _) = folder.open_file(name, false).ok()?;
    platform::try_lock(&file).ok().map(|got| !got)
}

struct Found {
    name: OsString,
    info: FileInfo,
    pid: u32,
    alive: bool,
    lock_known: bool,
}

fn scan(folder: &Folder) -> Vec<Found> {
    let mut out = Vec::new();
    for name in folder.names().unwrap_or_default() {
        let Some(pid) = pid_of(&name) else { continue };
        let Ok(info) = folder.stat(&name) else {
            continue;
        };
        if !info.regular {
            continue;
        }
        let lock = locked(folder, &name);
        let alive = platform::process_alive(pid) || lock == Some(true);
        out.push(Found {
            name,
            info,
            pid,
            alive,
            lock_known: lock.is_some(),
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The temp files in the folder `dir` (not below it), with their sizes
/// and whether their writer may still be at work: for `audit` and
/// `inspect` to show what a killed write left.
pub fn leftover_temps(dir: &Path) -> Vec<Leftover> {
    let Ok(folder) = Folder::open(dir) else {
        return Vec::new();
    };
    scan(&folder)
        .into_iter()
        .map(|f| Leftover {
            path: dir.join(&f.name),
            size: f.info.len,
            pid: f.pid,
            owner_alive: f.alive,
        })
        .collect()
}

/// Remove the leftovers in the folder `dir` whose writer is gone, and
/// that this user made (root: any); a message for each found, for stderr.
/// With `dry_run` nothing is removed.
pub(crate) fn clean(dir: &Path, dry_run: bool) -> Vec<String> {
    let Ok(folder) = Folder::open(dir) else {
        return Vec::new();
    };
    let mut said = Vec::new();
    for f in scan(&folder) {
        if f.alive {
            continue;
        }
        let path = dir.join(&f.name);
        let what = format!(
            "{} ({}), a temp file left by an isrckit write that did not finish (pid {} is not running)",
            path.display(),
            size_text(f.info.len),
            f.pid
        );
        let ours = platform::is_root() || f.info.uid == platform::euid();
        if dry_run {
            said.push(format!("found {what}; a write would remove it"));
        } else if !ours {
            said.push(format!(
                "found {what}; not removed: it belongs to user {}",
                f.info.uid
            ));
        } else if !f.lock_known {
            said.push(format!(
                "found {what}; not removed: it cannot be opened to check that no writer holds it"
            ));
        } else {
            // Only if the name still leads to the file looked at.
            let same = folder.stat(&f.name).is_ok_and(|i| i.id == f.info.id);
            match same.then(|| folder.remove(&f.name)) {
                Some(Ok(())) => said.push(format!("removed {what}")),
                Some(Err(e)) => said.push(format!("found {what}; cannot remove it: {e}")),
                None => {}
            }
        }
    }
    said
}

fn size_text(n: u64) -> String {
    const MIB: u64 = 1 << 20;
    if n >= MIB {
        format!("{:.1} MiB", n as f64 / MIB as f64)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pid_is_read_from_this_and_earlier_temp_names() {
        let pid = |n: &str| pid_of(OsStr::new(n));
        assert_eq!(pid(".isrckit-tmp-123-4"), Some(123));
        assert_eq!(pid(".isrckit-tmp-77-master.wav-0"), Some(77));
        assert_eq!(pid(".isrckit-tmp--4"), None);
        assert_eq!(pid(".isrckit-tmp-12"), None);
        assert_eq!(pid("a.wav"), None);
    }

    #[test]
    fn a_dead_writers_temp_is_listed_and_removed_a_live_ones_kept() {
        let dir = tempfile::tempdir().expect("tmp");
        // No process has pid 2^22+1 (above the default pid_max) ...
        let dead = dir.path().join(".isrckit-tmp-4194305-0");
        std::fs::write(&dead, b"copy").expect("write");
        // ... and this one is running.
        let live = dir
            .path()
            .join(format!(".isrckit-tmp-{}-0", std::process::id()));
        std::fs::write(&live, b"copy").expect("write");
        std::fs::write(dir.path().join("a.wav"), b"x").expect("write");
        let found = leftover_temps(dir.path());
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found
                .iter()
                .any(|l| l.path == dead && !l.owner_alive && l.size == 4)
        );
        assert!(found.iter().any(|l| l.path == live && l.owner_alive));
        let said = clean(dir.path(), false);
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].starts_with("removed "), "{said:?}");
        assert!(!dead.exists() && live.exists());
    }
}
