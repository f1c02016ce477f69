//! Writing a container that is several files (a DDP image): every file the
//! plan changes is staged as a temp file beside it and checked, all of
//! them before any is put in place; then they replace the originals one
//! by one, in the plan's order (descriptors, then DDPID, checksum lists
//! last). Every file of the set is locked for the whole write (DDPID
//! first, so two writers of one image queue on it). A file the plan only
//! reads (the audio stream) is never opened for writing, and must be the
//! same file, unchanged, after the write. `docs/reliability.md` says what
//! a crash between two files leaves, and how a rerun finishes it.

use super::hooks;
use super::master::Master;
use super::safe::{self, VerifyError, WriteError};
use crate::plan::{Change, Codes, Piece, PlanError, SetPlan};
use crate::platform::{self, FileInfo, Folder};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;

/// The checks a write of each changed file depends on (made for each file
/// of the set, as `plan_open` makes them for a single file).
pub(crate) fn check_members(set: &SetPlan, policy: super::Policy) -> Result<(), PlanError> {
    let no = |m: String| PlanError::Unsupported(m);
    for e in &set.edits {
        let path = set.dir.join(&e.name);
        let m = Master::open(&path, false).map_err(|e| no(e.to_string()))?;
        let shown = e.name.to_string_lossy();
        if m.info.mode & 0o222 == 0 {
            return Err(no(format!(
                "{shown} is read-only; make the image's files writable (chmod u+w) if it should be changed"
            )));
        }
        if let Err(err) = m.folder.may_write(&m.name) {
            return Err(no(format!("cannot write {shown}: {err}")));
        }
        if m.info.nlink > 1 && !policy.break_hard_links {
            return Err(no(format!(
                "{shown} has other names (hard links): writing it would split them, so it is refused; --break-hard-links writes this name as a new file"
            )));
        }
        if let Err(err) = m.folder.may_write(".".as_ref()) {
            return Err(no(format!(
                "cannot create a file in the image's folder: {err} (each changed file goes through a temp file there)"
            )));
        }
        if !platform::may_give(m.info.uid, m.info.gid) {
            return Err(no(format!(
                "{shown} belongs to user {} group {}: rewriting it makes a new file, which only root could give back to them",
                m.info.uid, m.info.gid
            )));
        }
    }
    Ok(())
}

/// Read a small file whole through its handle (a file that has grown past
/// what a plan reads is not read: it reads as changed).
fn read_all(m: &Master) -> Result<Vec<u8>, WriteError> {
    let len = m.now()?.len;
    if len > 1 << 20 {
        return Ok(Vec::new());
    }
    let mut b = vec![0u8; usize::try_from(len).unwrap_or(0)];
    platform::read_exact_at(&m.file, &mut b, 0).map_err(WriteError::io("cannot read", &m.path))?;
    Ok(b)
}

/// What a write of a set did.
pub(crate) enum Outcome {
    Written(Vec<Change>),
    Unchanged,
}

/// Write a set plan. `replan` plans again (under the locks) if a file
/// changed since `set` was made; `None` from it means the files hold the
/// codes already.
pub(crate) fn commit(
    ddpid: &Path,
    set: &SetPlan,
    replan: &dyn Fn() -> Result<Option<SetPlan>, PlanError>,
) -> Result<Outcome, WriteError> {
    let first = Master::open_locked(ddpid)?;
    hooks::pause("locked");
    let mut locked: BTreeMap<OsString, Master> = BTreeMap::new();
    let id_name = first.name.clone();
    locked.insert(id_name.clone(), first);
    let mut names: Vec<&OsString> = set.inputs.iter().map(|(n, _)| n).collect();
    names.sort();
    for n in names {
        if !locked.contains_key(n) {
            locked.insert(n.clone(), Master::open_locked(&set.dir.join(n))?);
        }
    }
    // Every file read to plan still holds what it held; else plan again.
    let mut same = true;
    for (n, bytes) in &set.inputs {
        if let Some(m) = locked.get(n) {
            same &= read_all(m)? == *bytes;
        }
    }
    let fresh;
    let set = if same {
        set
    } else {
        match replan().map_err(WriteError::Replanned)? {
            None => return Ok(Outcome::Unchanged),
            Some(s) => {
                fresh = s;
                for (n, bytes) in &fresh.inputs {
                    let m = locked.get(n).ok_or_else(|| WriteError::Changed {
                        path: set.dir.join(n),
                        what: "the image's files changed while isrckit planned the write; nothing was written: run it again",
                    })?;
                    if read_all(m)? != *bytes {
                        return Err(WriteError::Changed {
                            path: m.path.clone(),
                            what: "the image's files keep changing; nothing was written",
                        });
                    }
                }
                &fresh
            }
        }
    };
    // The files never written: as they are now, to compare after.
    let folder = Folder::open(&set.dir).map_err(WriteError::io("cannot open", &set.dir))?;
    let streams: Vec<(OsString, FileInfo)> = set
        .untouched
        .iter()
        .map(|n| {
            folder
                .stat(n)
                .map(|i| (n.clone(), i))
                .map_err(WriteError::io(
                    "cannot read the metadata of",
                    &set.dir.join(n),
                ))
        })
        .collect::<Result<_, _>>()?;
    // Stage every file and read each back before any is put in place.
    let mut staged = Vec::new();
    for e in &set.edits {
        let m = locked.get(&e.name).ok_or_else(|| WriteError::Changed {
            path: set.dir.join(&e.name),
            what: "a file of the image was not locked (a bug); nothing was written",
        })?;
        let s = safe::stage(m, &[Piece::Bytes(e.new.clone())])?;
        let mut back = vec![0u8; e.new.len()];
        let len = platform::file_info(s.file())
            .map_err(VerifyError::AudioUnreadable)?
            .len;
        platform::read_exact_at(s.file(), &mut back, 0).map_err(VerifyError::AudioUnreadable)?;
        if len != e.new.len() as u64 || back != e.new {
            return Err(VerifyError::Unreadable(format!(
                "the temp file for {} does not read back as written",
                e.name.to_string_lossy()
            ))
            .into());
        }
        staged.push((m, s, e.name.to_string_lossy().to_string()));
    }
    hooks::pause("set-staged");
    let all: Vec<String> = staged.iter().map(|(_, _, n)| n.clone()).collect();
    let mut done: Vec<String> = Vec::new();
    for (i, (m, s, name)) in staged.into_iter().enumerate() {
        let put = if i > 0 {
            hooks::fault("set-between")
                .map_err(WriteError::io("cannot replace", &m.path))
                .and_then(|()| s.put(m))
        } else {
            s.put(m)
        };
        if let Err(e) = put {
            if done.is_empty() {
                return Err(e);
            }
            let _ = folder.sync();
            return Err(WriteError::Partial {
                dir: set.dir.clone(),
                done: done.join(", "),
                left: all[done.len()..].join(", "),
                source: Box::new(e),
            });
        }
        done.push(name);
        if i == 0 {
            hooks::pause("set-first-replaced");
        }
    }
    let _ = folder.sync();
    for (n, before) in &streams {
        let now = folder.stat(n).map_err(WriteError::io(
            "cannot read the metadata of",
            &set.dir.join(n),
        ))?;
        if now != *before {
            return Err(WriteError::Changed {
                path: set.dir.join(n),
                what: "the audio stream changed during the write (not by isrckit, which never opens it for writing); check the image",
            });
        }
    }
    // Read back: the image now holds the codes, and its checksum lists
    // agree with it (a plan of the same codes changes nothing).
    let back = |why: String| WriteError::SetReadBack {
        dir: set.dir.clone(),
        why,
    };
    match replan() {
        Ok(None) => Ok(Outcome::Written(set.changes.clone())),
        Ok(Some(p)) => Err(back(format!(
            "it still differs from the codes at: {}",
            p.changes
                .iter()
                .map(|c| c.location.clone())
                .chain(p.edits.iter().map(|e| e.name.to_string_lossy().to_string()))
                .collect::<Vec<_>>()
                .join("; ")
        ))),
        Err(e) => Err(back(format!("it does not read cleanly: {e}"))),
    }
}

/// Whether the codes ask for tracks (only a disc image has them).
pub(crate) fn tracks_refused(codes: &Codes) -> Option<PlanError> {
    (!codes.tracks.is_empty()).then(|| {
        PlanError::Unsupported(
            "--track numbers the tracks of a disc image (a DDP image's folder or DDPID); this file is one recording: leave --track out".into(),
        )
    })
}
