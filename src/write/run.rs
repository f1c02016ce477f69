//! Writing many files: validate and plan every file first, write nothing
//! if any cannot be written, then write in parallel, each file atomically
//! and under its own lock. One real file is written once however many
//! names reach it (a symlink, `./a.wav` and `a.wav`): the other names are
//! reported as [`Status::SameFile`]; one file given different codes under
//! two names is refused before anything is written.

use super::engine::{self, Done, FileResult, Policy, Prepared, Status};
use crate::plan::{Codes, Targets};
use crate::platform::FileId;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What to write where.
#[derive(Debug, Clone)]
pub struct Job {
    /// The file.
    pub path: PathBuf,
    /// Its codes.
    pub codes: Codes,
}

/// The codes, in words, for a message.
fn codes_text(c: &Codes) -> String {
    let mut parts = Vec::new();
    if let Some(i) = c.isrc {
        parts.push(format!("ISRC {i}"));
    }
    if let Some(b) = &c.barcode {
        parts.push(format!("barcode {}", b.as_given()));
    }
    parts.join(", ")
}

/// One file, and the names it was given under: the first name of each
/// real path is written; the other names share its result.
struct Unit {
    /// Job indices written, one per real path (more than one only for
    /// hard links with `--break-hard-links`), in the order given.
    writes: Vec<usize>,
    /// Other names: (job, the job written for it).
    same: Vec<(usize, usize)>,
}

/// Group planned jobs by the file they reach (device and inode; the real
/// path where the platform has no inode). Different codes for one file
/// are failures.
fn group(jobs: &[Job], prepared: &[Prepared]) -> Result<Vec<Unit>, Vec<FileResult>> {
    let mut by_file: BTreeMap<(FileId, Option<&Path>), Vec<usize>> = BTreeMap::new();
    for (i, p) in prepared.iter().enumerate() {
        let key = if p.info.id == FileId::UNKNOWN {
            (p.info.id, Some(p.target.as_path()))
        } else {
            (p.info.id, None)
        };
        by_file.entry(key).or_default().push(i);
    }
    let mut units = Vec::new();
    let mut failures = Vec::new();
    for names in by_file.into_values() {
        let first = names[0];
        if let Some(&other) = names.iter().find(|&&i| jobs[i].codes != jobs[first].codes) {
            for &i in &names {
                let mut r = FileResult::new(&jobs[i].path, Status::Failed);
                r.error = Some(format!(
                    "{} and {} are one file, given different codes ({} and {}); nothing was written",
                    jobs[first].path.display(),
                    jobs[other].path.display(),
                    codes_text(&jobs[first].codes),
                    codes_text(&jobs[other].codes),
                ));
                failures.push(r);
            }
            continue;
        }
        let mut unit = Unit {
            writes: Vec::new(),
            same: Vec::new(),
        };
        for &i in &names {
            match unit
                .writes
                .iter()
                .find(|&&w| prepared[w].target == prepared[i].target)
            {
                Some(&w) => unit.same.push((i, w)),
                None => unit.writes.push(i),
            }
        }
        units.push(unit);
    }
    if failures.is_empty() {
        Ok(units)
    } else {
        failures.sort_by(|a, b| crate::walk::path_order(&a.path, &b.path));
        Err(failures)
    }
}

/// Plan every job; if any cannot be planned, return the failures and write
/// nothing. Otherwise write (unless `dry_run`) and return every result, in
/// the order of the jobs.
pub fn run(
    jobs: &[Job],
    targets: &Targets,
    dry_run: bool,
    policy: Policy,
) -> Result<Vec<FileResult>, Vec<FileResult>> {
    let planned: Vec<Result<Prepared, String>> = jobs
        .par_iter()
        .map(|j| engine::prepare(&j.path, &j.codes, targets, policy).map_err(|e| e.to_string()))
        .collect();
    let failures: Vec<FileResult> = planned
        .iter()
        .zip(jobs)
        .filter_map(|(r, job)| {
            r.as_ref().err().map(|e| {
                let mut f = FileResult::new(&job.path, Status::Failed);
                f.error = Some(e.clone());
                f
            })
        })
        .collect();
    if !failures.is_empty() {
        return Err(failures);
    }
    let prepared: Vec<Prepared> = planned.into_iter().flatten().collect();
    let units = group(jobs, &prepared)?;
    // Temp files earlier writes left in these folders: removed, and said.
    let folders: std::collections::BTreeSet<&Path> = prepared
        .iter()
        .map(|p| super::safe::folder_of(&p.target))
        .collect();
    for f in &folders {
        for line in super::leftovers::clean(f, dry_run) {
            eprintln!("isrckit: {line}");
        }
    }
    let write = |i: usize| -> FileResult {
        let (job, p) = (&jobs[i], &prepared[i]);
        let mut r = FileResult::new(&job.path, Status::Unchanged);
        if p.via_symlink {
            r.real_path = Some(p.target.clone());
        }
        let Some(plan) = &p.plan else { return r };
        r.notes = p.notes.clone();
        if dry_run {
            r.status = Status::Planned;
            r.changes = plan.changes.clone();
            return r;
        }
        match engine::commit_then(p, &job.codes, false) {
            Ok(Done::Written(changes)) => {
                r.status = Status::Written;
                r.changes = changes;
            }
            Ok(Done::Unchanged) => {}
            Err(f) => {
                r.status = Status::Failed;
                r.changes = f.changes;
                r.error = Some(f.error.to_string());
            }
        }
        r
    };
    // The names of one file are written one after the other (only hard
    // links with --break-hard-links have more than one); files in parallel.
    let done: Vec<Vec<(usize, FileResult)>> = units
        .par_iter()
        .map(|u| u.writes.iter().map(|&i| (i, write(i))).collect())
        .collect();
    let mut results: Vec<Option<FileResult>> = vec![None; jobs.len()];
    for (i, r) in done.into_iter().flatten() {
        results[i] = Some(r);
    }
    for u in &units {
        for &(i, w) in &u.same {
            let mut r = FileResult::new(&jobs[i].path, Status::SameFile);
            r.same_as = Some(jobs[w].path.clone());
            if prepared[i].via_symlink {
                r.real_path = Some(prepared[i].target.clone());
            }
            results[i] = Some(r);
        }
    }
    let results: Vec<FileResult> = results.into_iter().flatten().collect();
    // Each folder synced once, after all its files were renamed: the
    // renames are durable from here on.
    let written: std::collections::BTreeSet<&Path> = results
        .iter()
        .zip(&prepared)
        .filter(|(r, _)| r.status == Status::Written)
        .map(|(_, p)| super::safe::folder_of(&p.target))
        .collect();
    for f in &written {
        super::safe::sync_dir(f);
    }
    Ok(results)
}

// Unix only: the two names of one file are a symlink and its target.
#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::codes::Isrc;

    fn job(path: &Path, isrc: &str) -> Job {
        Job {
            path: path.to_path_buf(),
            codes: Codes {
                isrc: Some(Isrc::parse(isrc).expect("valid ISRC")),
                barcode: None,
                ..Default::default()
            },
        }
    }

    fn sample(dir: &Path) -> (PathBuf, PathBuf) {
        let a = dir.join("a.wav");
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/wav/no_tags.wav"),
            &a,
        )
        .expect("copy");
        let link = dir.join("link.wav");
        std::os::unix::fs::symlink("a.wav", &link).expect("symlink");
        (a, link)
    }

    #[test]
    fn one_file_under_two_names_with_different_codes_is_refused_before_writing() {
        let dir = tempfile::tempdir().expect("tmp");
        let (a, link) = sample(dir.path());
        let before = std::fs::read(&a).expect("read");
        let jobs = [job(&a, "USRC12600001"), job(&link, "USRC12600002")];
        let failed =
            run(&jobs, &Targets::default(), false, Policy::default()).expect_err("refused");
        assert_eq!(failed.len(), 2);
        for f in &failed {
            assert_eq!(f.status, Status::Failed);
            let e = f.error.as_deref().unwrap_or_default();
            assert!(e.contains("are one file, given different codes"), "{e}");
        }
        assert_eq!(std::fs::read(&a).expect("read"), before);
    }

    #[test]
    fn one_file_under_two_names_with_the_same_codes_is_written_once() {
        let dir = tempfile::tempdir().expect("tmp");
        let (a, link) = sample(dir.path());
        let jobs = [job(&link, "USRC12600001"), job(&a, "USRC12600001")];
        let done = run(&jobs, &Targets::default(), false, Policy::default()).expect("written");
        assert_eq!(done[0].status, Status::Written);
        assert_eq!(
            done[0].real_path.as_deref(),
            Some(a.canonicalize().expect("real").as_path())
        );
        assert_eq!(done[1].status, Status::SameFile);
        assert_eq!(done[1].same_as.as_deref(), Some(link.as_path()));
        assert!(done[1].changes.is_empty());
    }
}
