//! Per-file records and their merge: `audit --records-out FILE` and
//! `audit --merge FILES…`.
//!
//! A catalogue too large for one run is audited in shards (a prefix or a
//! folder each, on as many machines as the label likes). Each shard
//! writes a record per file, one JSON line: everything read from the file
//! (its report, as `inspect --format json` shows a file) and, with
//! `--identity audio`, the hash of its audio. A last line holds the walk's
//! counts (what was left out). The merge reads every shard's lines and
//! runs the whole audit on them as if the files had just been read: the
//! per-file rules, then the cross-file rules (`isrc-duplicate`,
//! `barcode-shared`, …) over all of them, with the merge's own settings.
//! So shards plus a merge give the findings of one run over everything.
//!
//! Line shapes (`schema` is `isrckit/record/1` on each):
//! `{"schema", "record": "file", "report": {…}, "audio_hash": "hex" | null}`
//! and `{"schema", "record": "walk", "skipped": {…}}`.

use super::run::Inputs;
use crate::model::FileReport;
use crate::walk::{Filter, Skipped, Walked};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The schema of every record line.
pub const SCHEMA: &str = "isrckit/record/1";

#[derive(serde::Serialize)]
struct FileLine<'a> {
    schema: &'static str,
    record: &'static str,
    report: &'a FileReport,
    audio_hash: Option<String>,
}

#[derive(serde::Serialize)]
struct WalkLine<'a> {
    schema: &'static str,
    record: &'static str,
    skipped: &'a Skipped,
}

#[derive(serde::Deserialize)]
struct LineIn {
    schema: String,
    record: String,
    report: Option<FileReport>,
    audio_hash: Option<String>,
    skipped: Option<Skipped>,
}

/// One file's record line (with its newline).
pub(super) fn line(report: &FileReport, audio_hash: Option<[u8; 32]>) -> io::Result<Vec<u8>> {
    let mut out = serde_json::to_vec(&FileLine {
        schema: SCHEMA,
        record: "file",
        report,
        audio_hash: audio_hash.map(|h| h.iter().map(|b| format!("{b:02x}")).collect()),
    })?;
    out.push(b'\n');
    Ok(out)
}

/// The walk's line, after the files'.
pub(super) fn write_walk(w: &mut (dyn Write + Send), skipped: &Skipped) -> io::Result<()> {
    serde_json::to_writer(
        &mut *w,
        &WalkLine {
            schema: SCHEMA,
            record: "walk",
            skipped,
        },
    )?;
    w.write_all(b"\n")?;
    w.flush()
}

fn hash_of(hex: &str) -> Option<[u8; 32]> {
    let mut h = [0u8; 32];
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    for (i, b) in h.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(h)
}

fn add(to: &mut Skipped, s: &Skipped) {
    to.not_audio += s.not_audio;
    to.temp_files += s.temp_files;
    to.vcs_folders += s.vcs_folders;
    to.system_files += s.system_files;
    to.filtered += s.filtered;
}

/// A file's report and audio hash, as a record holds them.
type Stored = (FileReport, Option<[u8; 32]>);

/// The records of earlier runs, as the audit's input.
pub(crate) struct Merged {
    order: Vec<PathBuf>,
    reports: Mutex<HashMap<PathBuf, Stored>>,
    skipped: Skipped,
}

impl Merged {
    /// Read record files; an error names the file and line, and a file
    /// that two shards both audited (overlapping shards) is refused.
    pub(crate) fn load(files: &[PathBuf]) -> Result<Merged, String> {
        let mut reports: HashMap<PathBuf, Stored> = HashMap::new();
        let mut from: HashMap<PathBuf, &Path> = HashMap::new();
        let mut skipped = Skipped::default();
        for f in files {
            let shown = crate::platform::path_text(f);
            let file = std::fs::File::open(f).map_err(|e| format!("{shown}: {e}"))?;
            let mut walk_lines = 0;
            for (n, line) in io::BufReader::new(file).lines().enumerate() {
                let at = |why: String| format!("{shown}:{}: {why}", n + 1);
                let line = line.map_err(|e| at(e.to_string()))?;
                if line.trim().is_empty() {
                    continue;
                }
                let l: LineIn = serde_json::from_str(&line).map_err(|e| {
                    at(format!(
                        "not a record line ({e}); merge takes the files `audit --records-out` writes"
                    ))
                })?;
                if l.schema != SCHEMA {
                    return Err(at(format!(
                        "schema {:?}: this isrckit reads {SCHEMA} (written by another version?)",
                        l.schema
                    )));
                }
                match (l.record.as_str(), l.report, l.skipped) {
                    ("file", Some(report), _) => {
                        let hash = match l.audio_hash.as_deref() {
                            None => None,
                            Some(h) => Some(
                                hash_of(h).ok_or_else(|| at(format!("bad audio_hash {h:?}")))?,
                            ),
                        };
                        let path = report.path.clone();
                        if let Some(other) = from.insert(path.clone(), f) {
                            return Err(at(format!(
                                "{} is also in {}: the shards overlap (each file must be in one shard)",
                                crate::platform::path_text(&path),
                                crate::platform::path_text(other)
                            )));
                        }
                        reports.insert(path, (report, hash));
                    }
                    ("walk", _, Some(s)) => {
                        walk_lines += 1;
                        add(&mut skipped, &s);
                    }
                    (other, _, _) => {
                        return Err(at(format!("a {other:?} record without its fields")));
                    }
                }
            }
            if walk_lines == 0 {
                return Err(format!(
                    "{shown}: no walk line at its end: the run that wrote it did not finish (rerun that shard)"
                ));
            }
        }
        let mut order: Vec<PathBuf> = reports.keys().cloned().collect();
        order.sort_unstable_by(|a, b| crate::walk::path_order(a, b));
        Ok(Merged {
            order,
            reports: Mutex::new(reports),
            skipped,
        })
    }
}

impl Inputs for Merged {
    fn walk(
        &self,
        _filter: &Filter,
        found: &mut dyn FnMut(PathBuf) -> io::Result<()>,
    ) -> io::Result<Walked> {
        // The shards applied their globs when they walked.
        for p in &self.order {
            found(p.clone())?;
        }
        Ok(Walked {
            skipped: self.skipped,
            ..Walked::default()
        })
    }

    fn read_each<T: Send, F: Fn(FileReport, Option<[u8; 32]>) -> T + Sync>(
        &self,
        batch: &[PathBuf],
        _hash: bool,
        then: &F,
    ) -> Vec<T> {
        let taken: Vec<_> = {
            let mut map = self.reports.lock().unwrap_or_else(|e| e.into_inner());
            batch.iter().map(|p| (p, map.remove(p))).collect()
        };
        taken
            .into_par_iter()
            .map(|(p, r)| match r {
                Some((report, hash)) => then(report, hash),
                // Walked from the map's own keys: always there.
                None => then(crate::engine::read_bytes(p, &[]), None),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_line_reads_back_as_the_same_report() {
        let dir = tempfile::tempdir().expect("temp dir");
        let wav = dir.path().join("a.wav");
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/wav/ffmpeg_info_isrc.wav"),
            &wav,
        )
        .expect("copy");
        let report = crate::engine::read_file(&wav);
        assert!(!report.codes.is_empty());
        let hash = [7u8; 32];
        let mut bytes = line(&report, Some(hash)).expect("line");
        let mut w: Vec<u8> = Vec::new();
        write_walk(
            &mut w,
            &Skipped {
                filtered: 3,
                ..Skipped::default()
            },
        )
        .expect("walk line");
        bytes.extend(w);
        let rec = dir.path().join("shard.jsonl");
        std::fs::write(&rec, &bytes).expect("write");
        let m = Merged::load(std::slice::from_ref(&rec)).expect("load");
        assert_eq!(m.order, std::slice::from_ref(&wav));
        assert_eq!(m.skipped.filtered, 3);
        let got = m.read_each(&m.order, false, &|r, h| (r, h));
        assert_eq!(got, [(report, Some(hash))]);
        // The same file in two shards is refused.
        let err = Merged::load(&[rec.clone(), rec]).err().expect("overlap");
        assert!(err.contains("overlap"), "{err}");
    }
}
