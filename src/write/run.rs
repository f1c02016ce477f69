//! Writing many files: validate and plan every file first, write nothing
//! if any cannot be written, then write in parallel, each file atomically.

use super::engine::{self, FileResult, Prepared, Status};
use crate::plan::{Codes, Targets};
use rayon::prelude::*;
use std::path::PathBuf;

/// What to write where.
#[derive(Debug, Clone)]
pub struct Job {
    /// The file.
    pub path: PathBuf,
    /// Its codes.
    pub codes: Codes,
}

/// Plan every job; if any cannot be planned, return the failures and write
/// nothing. Otherwise write (unless `dry_run`) and return every result.
pub fn run(
    jobs: &[Job],
    targets: &Targets,
    dry_run: bool,
) -> Result<Vec<FileResult>, Vec<FileResult>> {
    let prepared: Vec<(usize, Result<Prepared, String>)> = jobs
        .par_iter()
        .enumerate()
        .map(|(i, j)| {
            (
                i,
                engine::prepare(&j.path, &j.codes, targets).map_err(|e| e.to_string()),
            )
        })
        .collect();
    let failures: Vec<FileResult> = prepared
        .iter()
        .filter_map(|(i, r)| {
            r.as_ref().err().map(|e| FileResult {
                path: jobs[*i].path.clone(),
                status: Status::Failed,
                changes: Vec::new(),
                error: Some(e.clone()),
            })
        })
        .collect();
    if !failures.is_empty() {
        return Err(failures);
    }
    let results = prepared
        .into_par_iter()
        .filter_map(|(i, r)| r.ok().map(|p| (i, p)))
        .map(|(i, p)| {
            let job = &jobs[i];
            let base = FileResult {
                path: job.path.clone(),
                status: Status::Unchanged,
                changes: Vec::new(),
                error: None,
            };
            let Some(plan) = &p.plan else { return base };
            let changes = plan.changes.clone();
            if dry_run {
                return FileResult {
                    status: Status::Planned,
                    changes,
                    ..base
                };
            }
            match engine::commit_then(&p, &job.codes, false) {
                Ok(()) => FileResult {
                    status: Status::Written,
                    changes,
                    ..base
                },
                Err(e) => FileResult {
                    status: Status::Failed,
                    changes,
                    error: Some(e.to_string()),
                    ..base
                },
            }
        })
        .collect::<Vec<FileResult>>();
    // Each folder synced once, after all its files were renamed: the
    // renames are durable from here on.
    let folders: std::collections::BTreeSet<PathBuf> = results
        .iter()
        .filter(|r| r.status == Status::Written)
        .filter_map(|r| super::safe::resolve(&r.path).ok())
        .map(|p| super::safe::folder_of(&p).to_path_buf())
        .collect();
    for f in &folders {
        super::safe::sync_dir(f);
    }
    Ok(results)
}
