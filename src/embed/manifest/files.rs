//! The files under ROOT and finding each row's file among them: by
//! `path`, or by `track` or `title` among the audio files a walk found,
//! and checking that the file found agrees with the rest of the row.

use super::rows::relative;
use super::{Row, RowError, err};
use crate::model::{FileReport, FileStatus};
use crate::recording::Recording;
use crate::sanitize::{message, terminal, value};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

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

/// A title as rows and tags are matched: in NFC, then folded (case and
/// runs of white space, [`crate::recording::fold_title`]).
fn title_key(t: &str) -> String {
    crate::recording::fold_title(&t.nfc().collect::<String>())
}

/// Whether two names (of a file or folder) are one name: equal, or equal
/// once both are in NFC (macOS writes names in NFD, most other systems
/// and spreadsheets in NFC).
fn same_name(a: &OsStr, b: &OsStr) -> bool {
    a == b
        || match (a.to_str(), b.to_str()) {
            (Some(x), Some(y)) => x.nfc().eq(y.nfc()),
            _ => false,
        }
}

/// Whether `path` lies in `folder` (both relative to ROOT), names
/// compared by [`same_name`].
fn within(path: &Path, folder: &Path) -> bool {
    let mut parts = path.components();
    folder.components().all(|f| {
        parts
            .next()
            .is_some_and(|p| same_name(p.as_os_str(), f.as_os_str()))
    })
}

/// A file found under ROOT.
pub(super) struct Found {
    /// ROOT joined with `rel`.
    pub(super) path: PathBuf,
    /// Relative to ROOT, as the names are on disk.
    pub(super) rel: PathBuf,
    /// Where `path` really is (symlinks resolved), when that is known.
    real: Option<PathBuf>,
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
        self.report.title.as_deref().map(title_key)
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
    /// Where ROOT really is (symlinks resolved): no file outside it is
    /// planned.
    real_root: Option<PathBuf>,
    pub(super) found: Vec<Found>,
    /// Canonical path to index in `found`. The walk may find one file at
    /// several paths, through symlinks: the path that is not a symlink is
    /// kept, else the first found.
    by_key: HashMap<PathBuf, usize>,
    /// The audio files the walk found (indexes in `found`) by track number
    /// and by folded title, for `track` and `title` rows: a row is
    /// matched through these, so a manifest of many rows against many
    /// files costs rows + files, not rows × files.
    by_track: HashMap<u32, Vec<usize>>,
    by_title: HashMap<String, Vec<usize>>,
    /// The entries of each folder (relative to ROOT) listed so far for
    /// [`Files::on_disk`], by their names in NFC: listed once each.
    by_nfc: HashMap<PathBuf, HashMap<String, Vec<OsString>>>,
}

impl<'a> Files<'a> {
    pub(super) fn new(root: &'a Path) -> Files<'a> {
        Files {
            root,
            real_root: crate::platform::canonicalize(root).ok(),
            found: Vec::new(),
            by_key: HashMap::new(),
            by_track: HashMap::new(),
            by_title: HashMap::new(),
            by_nfc: HashMap::new(),
        }
    }

    fn add(&mut self, path: PathBuf, rel: PathBuf, report: FileReport) -> usize {
        let i = self.found.len();
        let real = crate::platform::canonicalize(&path).ok();
        match self
            .by_key
            .entry(real.clone().unwrap_or_else(|| path.clone()))
        {
            Entry::Vacant(e) => {
                e.insert(i);
            }
            Entry::Occupied(mut e) => {
                let link =
                    std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
                if !link {
                    e.insert(i);
                }
            }
        }
        self.found.push(Found {
            path,
            rel,
            real,
            report,
        });
        i
    }

    /// The path a relative path names on disk: each name as given when
    /// there is an entry of that name, else the one entry of its folder
    /// that is the same name in another Unicode normalisation. `None` when
    /// some name has no entry.
    ///
    /// # Errors
    ///
    /// A name that matches several entries (names that differ only in
    /// their normalisation), as a sentence.
    fn on_disk(&mut self, rel: &Path) -> Result<Option<PathBuf>, String> {
        let mut found = PathBuf::new();
        for part in rel.components() {
            let name = part.as_os_str();
            let folder = self.root.join(&found);
            if std::fs::symlink_metadata(folder.join(name)).is_ok() {
                // Where names ignore case (Windows, macOS), `01 intro.wav`
                // opens `01 Intro.wav`: the file is shown by its own name.
                let real = if cfg!(any(windows, target_os = "macos")) {
                    self.case_of(&found, &folder, name)
                } else {
                    None
                };
                found.push(real.as_deref().unwrap_or(name));
                continue;
            }
            let Some(key) = name.to_str().map(|n| n.nfc().collect::<String>()) else {
                return Ok(None);
            };
            let names = self.listing(&found, &folder);
            let hits = names.get(&key).map_or(&[][..], Vec::as_slice);
            match hits {
                [] => return Ok(None),
                [one] => found.push(one),
                _ => {
                    let names: Vec<String> = hits
                        .iter()
                        .map(|n| format!("\"{}\"", show(&found.join(n))))
                        .collect();
                    return Err(format!(
                        "\"{}\" could be any of {}, names that differ only in their Unicode normalisation; rename all but one",
                        show(rel),
                        names.join(", ")
                    ));
                }
            }
        }
        Ok(Some(found))
    }

    /// The entries of `folder` (`rel` below ROOT) by their names in NFC:
    /// each folder is listed once, however many rows look in it.
    fn listing(&mut self, rel: &Path, folder: &Path) -> &HashMap<String, Vec<OsString>> {
        self.by_nfc.entry(rel.to_path_buf()).or_insert_with(|| {
            let mut names: HashMap<String, Vec<OsString>> = HashMap::new();
            for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
                let n = entry.file_name();
                if let Some(k) = n.to_str().map(|s| s.nfc().collect::<String>()) {
                    names.entry(k).or_default().push(n);
                }
            }
            for v in names.values_mut() {
                v.sort();
            }
            names
        })
    }

    /// The name an entry of `folder` really has when `name` opened it
    /// without being its name (a file system that ignores case): the one
    /// entry equal to `name` but for case and normalisation; `None` when
    /// `name` is an entry's own name, or no single entry matches.
    fn case_of(&mut self, rel: &Path, folder: &Path, name: &OsStr) -> Option<OsString> {
        let want = name.to_str()?.nfc().collect::<String>();
        let names = self.listing(rel, folder);
        if names
            .get(&want)
            .is_some_and(|v| v.iter().any(|n| n == name))
        {
            return None;
        }
        let fold = want.to_lowercase();
        let mut hits = names
            .iter()
            .filter(|(k, _)| k.to_lowercase() == fold)
            .flat_map(|(_, v)| v.iter());
        match (hits.next(), hits.next()) {
            (Some(one), None) => Some(one.clone()),
            _ => None,
        }
    }

    /// The path file `i` is planned at, when it was found at several
    /// (see `by_key`).
    fn the_path_of(&self, i: usize) -> usize {
        let f = &self.found[i];
        self.by_key
            .get(f.real.as_ref().unwrap_or(&f.path))
            .copied()
            .unwrap_or(i)
    }

    /// Why file `i` cannot be written: its real path is outside ROOT's.
    fn outside_root(&self, i: usize) -> Option<String> {
        let f = &self.found[i];
        self.leads_out(&f.shown(), &f.path, f.real.as_deref())
    }

    /// Why the file at `path` (shown as `shown`, really at `real`) cannot
    /// be written: its real path is not inside ROOT's, or is not known.
    fn leads_out(&self, shown: &str, path: &Path, real: Option<&Path>) -> Option<String> {
        let real = match (real, &self.real_root) {
            (Some(real), Some(root)) if real.starts_with(root) => return None,
            (Some(real), _) => real,
            (None, _) => {
                return Some(format!(
                    "file \"{shown}\": where it really is (symlinks resolved) cannot be found, so it is not written; give a file that is inside ROOT"
                ));
            }
        };
        let what = match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => "is a symlink to a file outside ROOT",
            _ => "is reached through a symlinked folder and lies outside ROOT",
        };
        Some(format!(
            "file \"{shown}\" {what} (\"{}\"); isrckit embed writes only files inside ROOT: copy the file in, or give a ROOT that holds its real path",
            terminal(&real.to_string_lossy())
        ))
    }

    /// Read every audio file under ROOT; returns the folders that could
    /// not be read.
    pub(super) fn walk(&mut self) -> Vec<(PathBuf, String)> {
        let (paths, walked) =
            crate::walk::collect(&[self.root.to_path_buf()], &crate::walk::Filter::default());
        let reports = crate::engine::read_files(&paths);
        for (path, report) in paths.into_iter().zip(reports) {
            // Not audio, or a container isrckit does not write (a CUE
            // sheet beside the masters): never matched by track or title.
            if !report.container.is_some_and(crate::formats::written) {
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

    /// Find each row's files, in line order: the rows grouped by the file
    /// they name (its index in `found`), files in the order first named.
    /// A row names one file, or several that are one recording (its
    /// copies in other formats). A row whose file is not found, or does
    /// not agree with the row, is reported instead. Also whether a row
    /// without a `path` found no file (the folders the walk could not read
    /// then matter).
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
            let checked = found.and_then(|hits| {
                hits.iter()
                    .try_for_each(|&i| self.check(row, i))
                    .map(|()| hits)
            });
            match checked {
                Ok(hits) => {
                    // One file reached at several paths is one file: rows
                    // naming it are merged, or conflict, as for one path.
                    let mut files: Vec<usize> = hits.iter().map(|&i| self.the_path_of(i)).collect();
                    files.sort_unstable();
                    files.dedup();
                    for i in files {
                        let g = *group_of.entry(i).or_insert_with(|| {
                            groups.push((i, Vec::new()));
                            groups.len() - 1
                        });
                        groups[g].1.push(row);
                    }
                }
                Err(message) => errors.push(err(row.line, message)),
            }
        }
        (groups, missed)
    }

    /// The files a row names (one, or the copies of one recording in
    /// several formats), or why none.
    fn locate(&mut self, row: &Row) -> Result<Vec<usize>, String> {
        if let Some(p) = &row.path {
            return self.by_path(p).map(|i| vec![i]);
        }
        let release = match &row.release {
            Some(r) => {
                let given = relative(r);
                let rel = self.on_disk(&given)?.unwrap_or(given);
                let r = value(r);
                let full = self.root.join(&rel);
                match std::fs::metadata(&full) {
                    Ok(m) if m.is_dir() => {
                        if let (Ok(real), Some(root)) =
                            (crate::platform::canonicalize(&full), &self.real_root)
                            && !real.starts_with(root)
                        {
                            return Err(format!(
                                "release \"{r}\" leads through a symlink to a folder outside ROOT (\"{}\"); isrckit embed writes only files inside ROOT: copy the folder in, or give a ROOT that holds its real path",
                                terminal(&real.to_string_lossy())
                            ));
                        }
                    }
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
        let in_release = |f: &Found| release.as_ref().is_none_or(|(_, rel)| within(&f.rel, rel));
        let scope = match &release {
            Some((r, _)) => format!("in release \"{r}\""),
            None => "under ROOT".to_string(),
        };
        if let (Some(n), Some((r, _))) = (row.track, &release) {
            let hits = self.hits(&self.by_track, &n, &in_release);
            return match hits.as_slice() {
                [] => Err(format!(
                    "no audio file in release \"{r}\" has track number {n} (the number its name starts with, e.g. \"{n:02} Title.wav\" or \"1-{n:02} Title.flac\"); check the track, or give path"
                )),
                _ => match self.not_one_recording(&hits) {
                    None => Ok(hits),
                    Some(why) => Err(format!(
                        "track {n} matches {} files in release \"{r}\": {}, which are not one recording ({why}); give the subfolder as release, or give path",
                        hits.len(),
                        self.list(&hits)
                    )),
                },
            };
        }
        if let Some(t) = &row.title {
            let key = title_key(t);
            let t = value(t);
            let hits = self.hits(&self.by_title, &key, &in_release);
            return match hits.as_slice() {
                [] => Err(format!(
                    "no audio file {scope} has the title \"{t}\" in its tags (compared ignoring case and spacing); check the title, or give path"
                )),
                _ => match self.not_one_recording(&hits) {
                    None => Ok(hits),
                    Some(why) => Err(format!(
                        "title \"{t}\" matches {} files {scope}: {}, which are not one recording ({why}); give release or path to tell them apart",
                        hits.len(),
                        self.list(&hits)
                    )),
                },
            };
        }
        Err("names no file; give path (relative to ROOT), or release and track, or title".into())
    }

    /// Why files a `track` or `title` matched are not one recording (the
    /// audit's test, [`crate::recording::Sameness::default`], for every
    /// pair): the first pair that differs, and how.
    fn not_one_recording(&self, hits: &[usize]) -> Option<String> {
        let same = crate::recording::Sameness::default();
        hits.iter().enumerate().find_map(|(k, &a)| {
            hits[k + 1..].iter().find_map(|&b| {
                let (fa, fb) = (&self.found[a], &self.found[b]);
                super::cross::different_recordings(fb, fa, &same)
                    .map(|why| format!("\"{}\" and \"{}\": {why}", fa.shown(), fb.shown()))
            })
        })
    }

    /// The file at a row's `path`, read now unless the walk read it.
    fn by_path(&mut self, p: &str) -> Result<usize, String> {
        let given = relative(p);
        let rel = self.on_disk(&given)?.unwrap_or(given);
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
                let real = crate::platform::canonicalize(&full).ok();
                if let Some(why) = self.leads_out(&show(&rel), &full, real.as_deref()) {
                    return Err(why);
                }
                if let Some(&i) = self.by_key.get(real.as_ref().unwrap_or(&full)) {
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
        if let Some(why) = self.outside_root(i) {
            return Err(why);
        }
        let f = &self.found[i];
        let shown = f.shown();
        if f.report.status == FileStatus::Damaged {
            let why = message(f.report.error.as_deref().unwrap_or("damaged"));
            return Err(format!(
                "file \"{shown}\" is damaged ({why}); repair or re-export it before embedding codes, or remove the row"
            ));
        }
        if let Some(r) = &row.release
            && !within(&f.rel, &relative(r))
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
            && title_key(t) != title_key(tag)
        {
            let (t, tag) = (value(t), value(tag));
            return Err(format!(
                "file \"{shown}\" has the title \"{tag}\" in its tags, but the row says \"{t}\"; fix one of them, or leave title empty"
            ));
        }
        Ok(())
    }

    /// `"a.wav", "b.wav"`: the files a track or title matched.
    /// The walked files an index holds under `key` that lie in the row's
    /// release.
    fn hits<K: std::hash::Hash + Eq>(
        &self,
        index: &HashMap<K, Vec<usize>>,
        key: &K,
        in_release: &dyn Fn(&Found) -> bool,
    ) -> Vec<usize> {
        index
            .get(key)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| in_release(&self.found[i]))
            .collect()
    }

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
