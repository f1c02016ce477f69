//! The files under ROOT and finding each row's file among them: by
//! `path`, or by `track` or `title` among the audio files a walk found,
//! and checking that the file found agrees with the rest of the row.

use super::rows::relative;
use super::{Row, RowError, err};
use crate::model::{FileReport, FileStatus};
use crate::recording::Recording;
use crate::sanitize::{message, terminal, value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The track number a file name gives (see the [module docs](super)): the
/// leading digits, or for a disc-track name (`1-07 Title.flac`) the digits
/// after the `-`; `None` when the name does not start with a digit.
///
/// ```text
/// "01 Intro.wav"    → Some(1)
/// "2-07 Outro.flac" → Some(7)
/// "07-Outro.mp3"    → Some(7)
/// "Intro.wav"       → None
/// ```
pub fn track_number(file_name: &str) -> Option<u32> {
    let digits = |s: &str| -> usize { s.bytes().take_while(u8::is_ascii_digit).count() };
    let lead = digits(file_name);
    if lead == 0 {
        return None;
    }
    if let Some(after) = file_name[lead..].strip_prefix('-') {
        let n = digits(after);
        if n > 0 {
            return after[..n].parse().ok();
        }
    }
    file_name[..lead].parse().ok()
}

/// A path relative to ROOT as messages show it: `/` between parts, `.`
/// for ROOT itself, control and bidi characters escaped
/// ([`crate::sanitize::terminal`]).
pub(super) fn show(rel: &Path) -> String {
    let parts: Vec<String> = rel
        .components()
        .map(|c| terminal(&c.as_os_str().to_string_lossy()).into_owned())
        .collect();
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// A file found under ROOT.
pub(super) struct Found {
    /// ROOT joined with `rel`.
    pub(super) path: PathBuf,
    /// Relative to ROOT.
    pub(super) rel: PathBuf,
    report: FileReport,
}

impl Found {
    pub(super) fn shown(&self) -> String {
        show(&self.rel)
    }

    fn track(&self) -> Option<u32> {
        self.rel
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(track_number)
    }

    fn title_key(&self) -> Option<String> {
        self.report
            .title
            .as_deref()
            .map(crate::recording::fold_title)
    }

    fn duration(&self) -> Option<u64> {
        self.report.audio.as_ref().and_then(|a| a.duration_ms)
    }

    /// What is known of this file's recording.
    pub(super) fn recording(&self) -> Recording<'_> {
        Recording {
            title: self.report.title.as_deref(),
            duration_ms: self.duration(),
            container: self.report.container,
            audio_hash: None,
        }
    }
}

/// The files of one resolution: those walked, and those named by path.
pub(super) struct Files<'a> {
    root: &'a Path,
    pub(super) found: Vec<Found>,
    /// Canonical path to index in `found`.
    by_key: HashMap<PathBuf, usize>,
    /// The audio files the walk found (indexes in `found`) by track number
    /// and by folded title, for `track` and `title` rows: a row is
    /// matched through these, so a manifest of many rows against many
    /// files costs rows + files, not rows × files.
    by_track: HashMap<u32, Vec<usize>>,
    by_title: HashMap<String, Vec<usize>>,
}

/// How a file is known, whatever path reached it.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

impl<'a> Files<'a> {
    pub(super) fn new(root: &'a Path) -> Files<'a> {
        Files {
            root,
            found: Vec::new(),
            by_key: HashMap::new(),
            by_track: HashMap::new(),
            by_title: HashMap::new(),
        }
    }

    fn add(&mut self, path: PathBuf, rel: PathBuf, report: FileReport) -> usize {
        let i = self.found.len();
        self.by_key.insert(identity(&path), i);
        self.found.push(Found { path, rel, report });
        i
    }

    /// Read every audio file under ROOT; returns the folders that could
    /// not be read.
    pub(super) fn walk(&mut self) -> Vec<(PathBuf, String)> {
        let (paths, walked) =
            crate::walk::collect(&[self.root.to_path_buf()], &crate::walk::Filter::default());
        let reports = crate::engine::read_files(&paths);
        for (path, report) in paths.into_iter().zip(reports) {
            if report.container.is_none() {
                continue;
            }
            let rel = path.strip_prefix(self.root).unwrap_or(&path).to_path_buf();
            let i = self.add(path, rel, report);
            if let Some(n) = self.found[i].track() {
                self.by_track.entry(n).or_default().push(i);
            }
            if let Some(t) = self.found[i].title_key() {
                self.by_title.entry(t).or_default().push(i);
            }
        }
        walked.errors
    }

    /// Find each row's file, in line order: the rows grouped by the file
    /// they name (its index in `found`), files in the order first named.
    /// A row whose file is not found, or does not agree with the row, is
    /// reported instead. Also whether a row without a `path` found no file
    /// (the folders the walk could not read then matter).
    pub(super) fn group_rows<'m>(
        &mut self,
        rows: &'m [Row],
        errors: &mut Vec<RowError>,
    ) -> (Vec<(usize, Vec<&'m Row>)>, bool) {
        let mut rows: Vec<&Row> = rows.iter().collect();
        rows.sort_by_key(|r| r.line);
        let mut missed = false;
        let mut groups: Vec<(usize, Vec<&Row>)> = Vec::new();
        let mut group_of: HashMap<usize, usize> = HashMap::new();
        for row in rows {
            if row.isrc.is_none() && row.barcode.is_none() {
                errors.push(err(
                    row.line,
                    "has neither an ISRC nor a barcode; give one, or remove the row",
                ));
                continue;
            }
            let found = self.locate(row);
            if found.is_err() && row.path.is_none() {
                missed = true;
            }
            match found.and_then(|i| self.check(row, i).map(|()| i)) {
                Ok(i) => {
                    let g = *group_of.entry(i).or_insert_with(|| {
                        groups.push((i, Vec::new()));
                        groups.len() - 1
                    });
                    groups[g].1.push(row);
                }
                Err(message) => errors.push(err(row.line, message)),
            }
        }
        (groups, missed)
    }

    /// The file a row names, or why none.
    fn locate(&mut self, row: &Row) -> Result<usize, String> {
        if let Some(p) = &row.path {
            return self.by_path(p);
        }
        let release = match &row.release {
            Some(r) => {
                let rel = relative(r);
                let r = value(r);
                let full = self.root.join(&rel);
                match std::fs::metadata(&full) {
                    Ok(m) if m.is_dir() => {}
                    Ok(_) => {
                        return Err(format!(
                            "release \"{r}\" is a file, not a folder; give the release's folder, relative to ROOT"
                        ));
                    }
                    Err(_) => {
                        return Err(format!(
                            "release folder \"{r}\" does not exist under ROOT; check its name (it is relative to ROOT)"
                        ));
                    }
                }
                Some((r, rel))
            }
            None => None,
        };
        let in_release = |f: &Found| {
            release
                .as_ref()
                .is_none_or(|(_, rel)| f.rel.starts_with(rel))
        };
        let scope = match &release {
            Some((r, _)) => format!("in release \"{r}\""),
            None => "under ROOT".to_string(),
        };
        if let (Some(n), Some((r, _))) = (row.track, &release) {
            let hits: Vec<usize> = self
                .by_track
                .get(&n)
                .into_iter()
                .flatten()
                .copied()
                .filter(|&i| in_release(&self.found[i]))
                .collect();
            return match hits.as_slice() {
                [] => Err(format!(
                    "no audio file in release \"{r}\" has track number {n} (the number its name starts with, e.g. \"{n:02} Title.wav\" or \"1-{n:02} Title.flac\"); check the track, or give path"
                )),
                [i] => Ok(*i),
                _ => Err(format!(
                    "track {n} matches {} files in release \"{r}\": {}; give the subfolder as release, or give path",
                    hits.len(),
                    self.list(&hits)
                )),
            };
        }
        if let Some(t) = &row.title {
            let key = crate::recording::fold_title(t);
            let t = value(t);
            let hits: Vec<usize> = self
                .by_title
                .get(&key)
                .into_iter()
                .flatten()
                .copied()
                .filter(|&i| in_release(&self.found[i]))
                .collect();
            return match hits.as_slice() {
                [] => Err(format!(
                    "no audio file {scope} has the title \"{t}\" in its tags (compared ignoring case and spacing); check the title, or give path"
                )),
                [i] => Ok(*i),
                _ => Err(format!(
                    "title \"{t}\" matches {} files {scope}: {}; give release or path to tell them apart",
                    hits.len(),
                    self.list(&hits)
                )),
            };
        }
        Err("names no file; give path (relative to ROOT), or release and track, or title".into())
    }

    /// The file at a row's `path`, read now unless the walk read it.
    fn by_path(&mut self, p: &str) -> Result<usize, String> {
        let rel = relative(p);
        let p = value(p);
        let full = self.root.join(&rel);
        match std::fs::metadata(&full) {
            Err(_) => Err(format!(
                "file \"{p}\" does not exist under ROOT; check the path (it is relative to ROOT) or remove the row"
            )),
            Ok(m) if m.is_dir() => Err(format!(
                "path \"{p}\" is a folder; give one audio file in it (e.g. \"{}/01 Intro.wav\")",
                show(&rel)
            )),
            Ok(m) if !m.is_file() => {
                let why = crate::walk::regular_file(&full)
                    .err()
                    .unwrap_or_else(|| "not a regular file".into());
                Err(format!(
                    "file \"{p}\" cannot take codes: {why}; give an audio file or remove the row"
                ))
            }
            Ok(_) => {
                if let Some(&i) = self.by_key.get(&identity(&full)) {
                    return Ok(i);
                }
                let report = crate::engine::read_file(&full);
                if report.container.is_none() {
                    let why = report
                        .error
                        .unwrap_or_else(|| "not an audio file isrckit reads".into());
                    let why = message(&why);
                    return Err(format!(
                        "file \"{p}\" cannot take codes: {why}; give an audio file or remove the row"
                    ));
                }
                Ok(self.add(full, rel, report))
            }
        }
    }

    /// Whether the file found can be planned, and agrees with every
    /// identifying value the row gives.
    fn check(&self, row: &Row, i: usize) -> Result<(), String> {
        let f = &self.found[i];
        let shown = f.shown();
        if f.report.status == FileStatus::Damaged {
            let why = message(f.report.error.as_deref().unwrap_or("damaged"));
            return Err(format!(
                "file \"{shown}\" is damaged ({why}); repair or re-export it before embedding codes, or remove the row"
            ));
        }
        if let Some(r) = &row.release
            && !f.rel.starts_with(relative(r))
        {
            let r = value(r);
            return Err(format!(
                "file \"{shown}\" is not in release \"{r}\"; fix the path or the release, or leave release empty"
            ));
        }
        if let (Some(n), Some(named)) = (row.track, f.track())
            && n != named
        {
            return Err(format!(
                "file \"{shown}\" is track {named} by its name, but the row says track {n}; fix one of them, or leave track empty"
            ));
        }
        if let (Some(t), Some(tag)) = (&row.title, &f.report.title)
            && crate::recording::fold_title(t) != crate::recording::fold_title(tag)
        {
            let (t, tag) = (value(t), value(tag));
            return Err(format!(
                "file \"{shown}\" has the title \"{tag}\" in its tags, but the row says \"{t}\"; fix one of them, or leave title empty"
            ));
        }
        Ok(())
    }

    /// `"a.wav", "b.wav"`: the files a track or title matched.
    fn list(&self, hits: &[usize]) -> String {
        /// Names listed in one message; the rest are counted.
        const SHOWN: usize = 10;
        let mut shown: Vec<String> = hits
            .iter()
            .take(SHOWN)
            .map(|&i| format!("\"{}\"", self.found[i].shown()))
            .collect();
        if hits.len() > SHOWN {
            shown.push(format!("and {} more", hits.len() - SHOWN));
        }
        shown.join(", ")
    }
}
