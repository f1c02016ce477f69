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
//! and `{"schema", "record": "walk", "skipped": {…}}`. A disc image's
//! line also has `"disc_tracks": [{"number", "at"}, …]`, its tracks as
//! its reader read them (the per-track rules need them; the report's JSON
//! does not show them).

use super::run::Inputs;
use crate::model::{DiscTrack, FileReport};
use crate::walk::{Filter, Skipped, Walked};
use rayon::prelude::*;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

/// The schema of every record line.
pub const SCHEMA: &str = "isrckit/record/1";

#[derive(serde::Serialize)]
struct FileLine<'a> {
    schema: &'static str,
    record: &'static str,
    report: &'a FileReport,
    audio_hash: Option<String>,
    #[serde(skip_serializing_if = "<[DiscTrack]>::is_empty")]
    disc_tracks: &'a [DiscTrack],
}

#[derive(serde::Serialize)]
struct WalkLine<'a> {
    schema: &'static str,
    record: &'static str,
    skipped: &'a Skipped,
}

/// A file's line, read in full when its turn comes.
#[derive(serde::Deserialize)]
struct LineIn {
    schema: String,
    report: Option<FileReport>,
    audio_hash: Option<String>,
    #[serde(default)]
    disc_tracks: Vec<DiscTrack>,
}

/// One file's record line (with its newline).
pub(super) fn line(report: &FileReport, audio_hash: Option<[u8; 32]>) -> io::Result<Vec<u8>> {
    let mut out = serde_json::to_vec(&FileLine {
        schema: SCHEMA,
        record: "file",
        report,
        audio_hash: audio_hash.map(|h| h.iter().map(|b| format!("{b:02x}")).collect()),
        disc_tracks: &report.disc_tracks,
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

/// Where one file's record is: its path, and its line (which record
/// file, at which byte, how long).
struct Entry {
    path: PathBuf,
    file: u32,
    offset: u64,
    len: u32,
}

/// What the merge reads of a line at first: its kind and its path, the
/// rest skipped (parsed in full only when the file's turn comes).
#[derive(serde::Deserialize)]
struct Head {
    schema: String,
    record: String,
    report: Option<PathOnly>,
    skipped: Option<Skipped>,
}

#[derive(serde::Deserialize)]
struct PathOnly {
    path: PathBuf,
}

/// The records of earlier runs, as the audit's input: an index of every
/// record (path and place, sorted by path), the lines read again when
/// their turn comes. Memory holds the index, not the reports.
pub(crate) struct Merged {
    files: Vec<std::fs::File>,
    names: Vec<PathBuf>,
    index: Vec<Entry>,
    skipped: Skipped,
}

impl Merged {
    /// Index record files; an error names the file and line, and a file
    /// that two shards both audited (overlapping shards) is refused.
    pub(crate) fn load(paths: &[PathBuf]) -> Result<Merged, String> {
        let mut files = Vec::new();
        let mut index = Vec::new();
        let mut skipped = Skipped::default();
        for (i, f) in paths.iter().enumerate() {
            let shown = crate::platform::path_text(f);
            let file = std::fs::File::open(f).map_err(|e| format!("{shown}: {e}"))?;
            let mut reader = io::BufReader::with_capacity(1 << 16, &file);
            let mut walk_lines = 0;
            let mut offset = 0u64;
            let mut line = Vec::new();
            for n in 1.. {
                line.clear();
                let got = reader
                    .read_until(b'\n', &mut line)
                    .map_err(|e| format!("{shown}: {e}"))?;
                if got == 0 {
                    break;
                }
                let at = offset;
                offset += got as u64;
                let at_line = |why: String| format!("{shown}:{n}: {why}");
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let h: Head = serde_json::from_slice(&line).map_err(|e| {
                    at_line(format!(
                        "not a record line ({e}); merge takes the files `audit --records-out` writes"
                    ))
                })?;
                if h.schema != SCHEMA {
                    return Err(at_line(format!(
                        "schema {:?}: this isrckit reads {SCHEMA} (written by another version?)",
                        h.schema
                    )));
                }
                match (h.record.as_str(), h.report, h.skipped) {
                    ("file", Some(r), _) => index.push(Entry {
                        path: r.path,
                        file: i as u32,
                        offset: at,
                        len: u32::try_from(got)
                            .map_err(|_| at_line("a record line over 4 GB".into()))?,
                    }),
                    ("walk", _, Some(s)) => {
                        walk_lines += 1;
                        skipped.add(&s);
                    }
                    (other, _, _) => {
                        return Err(at_line(format!("a {other:?} record without its fields")));
                    }
                }
            }
            if walk_lines == 0 {
                return Err(format!(
                    "{shown}: no walk line at its end: the run that wrote it did not finish (rerun that shard)"
                ));
            }
            files.push(file);
        }
        index.sort_unstable_by(|a, b| crate::walk::path_order(&a.path, &b.path));
        if let Some(w) = index.windows(2).find(|w| w[0].path == w[1].path) {
            let name = |e: &Entry| crate::platform::path_text(&paths[e.file as usize]).into_owned();
            return Err(format!(
                "{} is in {} and in {}: the shards overlap (each file must be in one shard)",
                crate::platform::path_text(&w[0].path),
                name(&w[0]),
                name(&w[1])
            ));
        }
        Ok(Merged {
            files,
            names: paths.to_vec(),
            index,
            skipped,
        })
    }

    /// A file's report and hash, read again from its line.
    fn report(&self, path: &Path) -> Result<(FileReport, Option<[u8; 32]>), String> {
        let i = self
            .index
            .binary_search_by(|e| crate::walk::path_order(&e.path, path))
            .map_err(|_| "not in the records".to_string())?;
        let e = &self.index[i];
        let shown = crate::platform::path_text(&self.names[e.file as usize]);
        let mut buf = vec![0u8; e.len as usize];
        crate::platform::read_exact_at(&self.files[e.file as usize], &mut buf, e.offset)
            .map_err(|err| format!("{shown}: {err}"))?;
        let l: LineIn = serde_json::from_slice(&buf)
            .map_err(|err| format!("{shown}: its record is damaged: {err}"))?;
        let hash = match l.audio_hash.as_deref() {
            None => None,
            Some(h) => Some(hash_of(h).ok_or_else(|| format!("{shown}: bad audio_hash {h:?}"))?),
        };
        match (l.schema.as_str(), l.report) {
            (SCHEMA, Some(mut r)) => {
                r.disc_tracks = l.disc_tracks;
                Ok((r, hash))
            }
            _ => Err(format!("{shown}: its record changed since the merge began")),
        }
    }
}

impl Inputs for Merged {
    fn walk(
        &self,
        _filter: &Filter,
        found: &mut dyn FnMut(PathBuf) -> io::Result<()>,
    ) -> io::Result<Walked> {
        // The shards applied their globs when they walked.
        for e in &self.index {
            found(e.path.clone())?;
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
        batch
            .par_iter()
            .map(|p| match self.report(p) {
                Ok((report, hash)) => then(report, hash),
                Err(why) => {
                    let mut r = crate::engine::read_bytes(p, &[]);
                    r.status = crate::model::FileStatus::Unreadable;
                    r.container = None;
                    r.error = Some(why);
                    then(r, None)
                }
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
        let order: Vec<PathBuf> = m.index.iter().map(|e| e.path.clone()).collect();
        assert_eq!(order, std::slice::from_ref(&wav));
        assert_eq!(m.skipped.filtered, 3);
        let got = m.read_each(&order, false, &|r, h| (r, h));
        assert_eq!(got, [(report, Some(hash))]);
        // The same file in two shards is refused.
        let err = Merged::load(&[rec.clone(), rec]).err().expect("overlap");
        assert!(err.contains("overlap"), "{err}");
    }

    #[test]
    fn a_ddp_images_record_keeps_its_tracks() {
        // The merge audits the image's tracks as read, never the image.
        let dir = tempfile::tempdir().expect("temp dir");
        let ddpid = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/cd/ddp/late_code/DDPID");
        let report = crate::engine::read_file(&ddpid);
        let numbers: Vec<u32> = report.disc_tracks.iter().map(|t| t.number).collect();
        assert_eq!(numbers, [1, 2, 3]);
        assert_eq!(
            report.disc_tracks[2].at,
            "PQDESCR entry 5 @256: track 03 index 01 at 00:05:45"
        );
        let mut bytes = line(&report, None).expect("line");
        assert!(String::from_utf8_lossy(&bytes).contains("\"disc_tracks\":[{\"number\":1,"));
        let mut w: Vec<u8> = Vec::new();
        write_walk(&mut w, &Skipped::default()).expect("walk line");
        bytes.extend(w);
        let rec = dir.path().join("shard.jsonl");
        std::fs::write(&rec, &bytes).expect("write");
        let m = Merged::load(std::slice::from_ref(&rec)).expect("load");
        let got = m.read_each(std::slice::from_ref(&ddpid), false, &|r, _| r);
        assert_eq!(got, [report]);
    }
}
