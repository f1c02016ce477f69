//! Label manifests: which ISRC and barcode go into which master.
//!
//! A label sends a table with a header row and one row per track, as CSV
//! or JSON. [`parse`] reads it and checks every row on its own;
//! [`resolve`] finds each row's file under a folder (ROOT) and checks the
//! rows against each other and against the files. Both report every
//! problem at once, each with its line and what to do. Nothing here
//! writes: the result is the plan, one [`Assignment`] per file.
//!
//! # Columns
//!
//! Header names (and JSON keys) are compared ignoring case, white space
//! and the separators `_ - . /`; each column also answers to the names
//! labels' and distributors' sheets use for it (`columns.rs`, `ALIASES`):
//!
//! | column    | also read as | meaning |
//! | --------- | ------------ | ------- |
//! | `path`    | File, Filename, File Name, File Path | the file, relative to ROOT (`/` or `\` between folders) |
//! | `isrc`    | ISRC Code, ISRC Number, Track ISRC | the recording's ISRC |
//! | `barcode` | UPC, EAN, GTIN, UPC/EAN, EAN/UPC, UPC Code, EAN Code, UPC-A, EAN-13 | the release's UPC-A (12 digits) or EAN-13 (13 digits) |
//! | `track`   | Track #, Track No, Track Nr, Track Number, No., Nr, # | a track number, matched within `release` (see below) |
//! | `release` | Album, Folder, Release Folder, Album Folder | the release's folder, relative to ROOT |
//! | `title`   | Track Title, Song Title, Track Name, Song Name | matched against the file's title tag |
//!
//! Two names for one column in one header are an error; any other name is
//! an unknown column, reported with the column it probably meant.
//!
//! A row names its file by `path`; or else by `release` and `track`; or
//! else by `title` (within `release` when given, else anywhere under
//! ROOT). Any other of these columns a row fills in must agree with the
//! file found (a `track` with the number its name starts with, a `title`
//! with its title tag, a `path` must lie in `release`); a file whose name
//! has no number, or that has no title tag, cannot disagree. A row gives
//! an ISRC, a barcode or both; one with neither is an error.
//!
//! Names of files and folders (`path`, `release`) and titles are compared
//! in Unicode NFC: a row saying `Café` (NFC, as typed on most systems)
//! finds a file named `Café` in NFD (as macOS writes names), and the other
//! way round. A name that exists exactly as given is taken as it is.
//!
//! # Format copies
//!
//! A `track` or `title` row that matches several files gives its codes to
//! all of them when they are one recording by the audit's test
//! ([`crate::recording::Sameness::default`]: no two of them have
//! different title tags or durations more than 1 s apart): a release
//! delivered as `WAV/`, `FLAC/`, `MP3/` and `M4A/` folders needs one row
//! per track. When they are not one recording the row is an error that
//! lists them and says which two differ, and how.
//!
//! # Only files inside ROOT
//!
//! A file whose real path (symlinks resolved) is not inside ROOT's real
//! path is never planned: a row that leads to one, through a symlinked
//! file or folder, is a problem naming the real path, found before
//! anything is written. So is a `release` that is a symlink to a folder
//! outside ROOT.
//!
//! # Encodings
//!
//! [`decode`] turns the manifest's bytes into text: UTF-8, with or
//! without a byte order mark; UTF-16 LE or BE with a byte order mark (what
//! Excel's "Unicode text" saves); and bytes that are not UTF-8 are read as
//! Windows-1252 (Latin-1; Excel's "CSV (Comma delimited)" on Western
//! Windows), with a note saying so, unless they hold one of the five bytes
//! Windows-1252 leaves undefined, when the manifest is refused with what
//! to do. Nothing is read lossily: a UTF-16 file cut short or with a lone
//! surrogate, a UTF-8 byte order mark followed by bytes that are not
//! UTF-8, and NUL bytes (UTF-16 without a byte order mark) are refused.
//!
//! Codes may be in display form (`US-RC1-76-07839`, `isrc usrc17607839`,
//! `5 012345 678900`, `5012-3456-78900`): they are normalised by
//! [`Isrc::parse`] and [`Gtin::parse`], whose sentences explain a bad one.
//!
//! # CSV
//!
//! Text (see Encodings); lines end in LF, CRLF or CR. The separator is
//! `,`, `;` or TAB, whichever the header line has most of outside quotes
//! (`,` before `;` before TAB on a tie; Excel in many locales saves `;`,
//! and TAB in "Unicode text"); a first line `sep=;` (as Excel writes)
//! sets it explicitly. Fields may be in double
//! quotes, with `""` for a quote and separators or line breaks inside;
//! spaces around a quoted field are ignored; a quote inside an unquoted
//! field is kept as it is (`12" Mix`). Every value is trimmed, and an
//! empty value is no value. Blank lines, and rows whose every field is
//! empty (`;;;`), are skipped. A row's line is the line it starts on.
//! Header cells left empty are allowed as long as the rows leave them
//! empty too (Excel adds trailing separators).
//!
//! # JSON
//!
//! A manifest whose first non-blank character is `[` or `{` is JSON: an
//! array of objects with the column names as keys, or an object
//! `{"tracks": [...]}` holding that array. Values are strings or numbers;
//! `null` is no value. A row's "line" is its entry's 1-based index.
//!
//! # Track numbers of files
//!
//! `files::track_number` gives the number a file's name starts with: its leading
//! digits (`01 Intro.wav`, `1. Intro.wav`, `07-Outro.mp3` give 1, 1, 7);
//! when those digits are followed by `-` and more digits, the name is
//! disc-track and the digits after the `-` are the track (`1-01
//! Intro.flac`, `2-07 Outro.flac` give 1, 7). A name that does not start
//! with a digit has no track number. Only audio files take part in
//! `track` and `title` matching (a `01 booklet.pdf` does not), and both
//! search the release folder and all folders under it.
//!
//! # Checks across rows (by [`resolve`])
//!
//! - Each file is matched by at most one row, unless the rows give it
//!   exactly the same codes (they are then merged).
//! - An ISRC goes to several files only when they are the same recording
//!   in other formats: they must not have different title tags (compared
//!   ignoring case and spacing) nor durations more than 1 s apart. A file
//!   without a title tag or a known duration is not held to differ by it.
//! - The files of one folder (a release) get at most one barcode.
//! - A file must be audio isrckit reads and not damaged (writing a
//!   damaged file is refused later anyway, after others were written).
//!
//! # How it is built
//!
//! The caller reads the manifest's bytes and turns them into text with
//! [`decode`] (`encoding.rs`); from there, each step has its own file in
//! this folder:
//!
//! 1. text to rows as read (`csv.rs`: separator, line ends, quoting, the
//!    header; or `json.rs`), in the column vocabulary of `columns.rs`;
//! 2. rows as read to checked [`Row`]s, each on its own (`rows.rs`:
//!    codes, track number, paths, a way to find the file, a code). Steps
//!    1 and 2 are [`parse`];
//! 3. each row's file found under ROOT and checked against the row
//!    (`files.rs`: by path, or by track or title among the audio files a
//!    walk found);
//! 4. the rules across rows (`cross.rs`: one file, one set of codes; one
//!    ISRC, one recording; one folder, one barcode). Steps 3 and 4 are
//!    [`resolve`], which returns one [`Assignment`] per file;
//! 5. the caller turns the assignments into write jobs.
//!
//! [`check`] runs [`parse`] and [`resolve`] and reports the problems of
//! both together. Every problem is a [`RowError`] at its line, and all of
//! them come at once, as [`ManifestErrors`]. The unit tests are in
//! `tests.rs`.
//!
//! A message quotes what the manifest and the files say as
//! [`crate::sanitize`] shows it: a value cut after 200 characters
//! (`…[N bytes left out]`), control and bidi characters as `\u{..}`, so a
//! message is one line, safe on a terminal, whatever the manifest holds.

mod columns;
mod cross;
mod csv;
mod encoding;
mod files;
mod json;
mod rows;
#[cfg(test)]
mod tests;

pub use encoding::decode;

pub(crate) use files::track_number;

use crate::codes::{Gtin, Isrc};
use crate::plan::Codes;
use csv::csv_rows;
use files::Files;
use json::json_rows;
use rows::{RowChecks, build_row};
use std::fmt;
use std::path::{Path, PathBuf};

/// The column names of a manifest, in the order messages list them.
pub const COLUMNS: [&str; 6] = ["path", "isrc", "barcode", "track", "release", "title"];

/// A manifest: its rows in file order, each checked on its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// One per track row, blank lines left out.
    pub rows: Vec<Row>,
}

/// One row of a manifest: how to find a file, and the codes it gets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    /// 1-based line of the file the row starts on (JSON: 1-based entry
    /// index).
    pub line: usize,
    /// The file, relative to ROOT, as given (trimmed).
    pub path: Option<String>,
    /// The release's folder, relative to ROOT, as given (trimmed).
    pub release: Option<String>,
    /// The track number, matched against file names within `release`.
    pub track: Option<u32>,
    /// The title, matched against title tags.
    pub title: Option<String>,
    /// The ISRC to embed.
    pub isrc: Option<Isrc>,
    /// The barcode to embed.
    pub barcode: Option<Gtin>,
}

/// The codes planned for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The file: ROOT joined with its path under ROOT.
    pub path: PathBuf,
    /// The codes to embed.
    pub codes: Codes,
    /// The manifest lines that name this file (several when rows giving
    /// the same codes were merged), ascending.
    pub lines: Vec<usize>,
}

/// One problem, at the line of the row it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line (JSON: entry index); 0 for the manifest or ROOT as a
    /// whole (invalid JSON, a ROOT that is not a folder).
    pub line: usize,
    /// What is wrong and what to do, as a sentence without the line.
    pub message: String,
}

/// Every problem found, to be shown together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManifestErrors {
    /// The problems, sorted by line (stable: in the order found within a
    /// line).
    pub errors: Vec<RowError>,
}

/// `line 7: ...`; an error about the whole manifest (line 0) is the
/// message alone.
impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

impl std::error::Error for RowError {}

/// One line per error, sorted by line.
impl fmt::Display for ManifestErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sorted: Vec<&RowError> = self.errors.iter().collect();
        sorted.sort_by_key(|e| e.line);
        for (i, e) in sorted.into_iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ManifestErrors {}

impl ManifestErrors {
    fn new(mut errors: Vec<RowError>) -> ManifestErrors {
        errors.sort_by_key(|e| e.line);
        ManifestErrors { errors }
    }
}

/// The `schema` of [`problems_json`]'s document.
pub const PROBLEMS_SCHEMA: &str = "isrckit/embed-problems/1";

/// A manifest's problems as the JSON document `embed --format json`
/// writes on stdout (README, "isrckit embed"): `{"schema":
/// "isrckit/embed-problems/1", "manifest", "problems": [{"line",
/// "message"}], "notes"}`. `line` is `null` for a problem of the whole
/// manifest or ROOT; `manifest` is the path as given (`-` for standard
/// input); `notes` holds the note of [`decode`], if any.
///
/// # Errors
///
/// Those of writing to `out`.
pub fn problems_json(
    out: &mut dyn std::io::Write,
    manifest: &Path,
    errors: &ManifestErrors,
    note: Option<&str>,
) -> std::io::Result<()> {
    #[derive(serde::Serialize)]
    struct Problem<'a> {
        line: Option<usize>,
        message: &'a str,
    }
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        schema: &'static str,
        manifest: std::borrow::Cow<'a, str>,
        problems: Vec<Problem<'a>>,
        notes: Vec<&'a str>,
    }
    let mut sorted: Vec<&RowError> = errors.errors.iter().collect();
    sorted.sort_by_key(|e| e.line);
    let doc = Doc {
        schema: PROBLEMS_SCHEMA,
        manifest: manifest.to_string_lossy(),
        problems: sorted
            .into_iter()
            .map(|e| Problem {
                line: (e.line > 0).then_some(e.line),
                message: &e.message,
            })
            .collect(),
        notes: note.into_iter().collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn err(line: usize, message: impl Into<String>) -> RowError {
    RowError {
        line,
        message: message.into(),
    }
}

/// Read a manifest (CSV or JSON, see the [module docs](self)) and check
/// every row on its own: codes, track numbers, paths, that the row names
/// a file and gives a code.
///
/// # Errors
///
/// Every problem found, each with its line: all bad rows at once.
#[cfg(any(test, feature = "fuzzing"))]
pub fn parse(text: &str) -> Result<Manifest, ManifestErrors> {
    let (manifest, errors) = parse_partial(text);
    if errors.is_empty() {
        Ok(manifest)
    } else {
        Err(ManifestErrors::new(errors))
    }
}

/// Parse, then resolve the rows that parsed against `root`: every problem
/// of both steps at once (a bad code on one line and a missing file on
/// another are reported together), or one assignment per file.
pub fn check(text: &str, root: &Path) -> Result<Vec<Assignment>, ManifestErrors> {
    let (manifest, mut errors) = parse_partial(text);
    match resolve(&manifest, root) {
        Ok(a) if errors.is_empty() => Ok(a),
        Ok(_) => Err(ManifestErrors::new(errors)),
        Err(e) => {
            errors.extend(e.errors);
            Err(ManifestErrors::new(errors))
        }
    }
}

/// The rows that parse, and the problems of those that do not.
fn parse_partial(text: &str) -> (Manifest, Vec<RowError>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut errors = Vec::new();
    let first = text.trim_start().chars().next();
    let (raws, checks) = if matches!(first, Some('[' | '{')) {
        let checks = RowChecks {
            need_code: true,
            need_ident: true,
        };
        (json_rows(text, &mut errors), checks)
    } else {
        csv_rows(text, &mut errors)
    };
    let rows: Vec<Row> = raws
        .iter()
        .filter_map(|r| build_row(r, checks, &mut errors))
        .collect();
    (Manifest { rows }, errors)
}

/// Find every row's file under `root` and plan the codes each file gets,
/// checking the whole plan first (see the [module docs](self)): files
/// exist and are audio, `track` and `title` match exactly one file, no
/// file is named twice with different codes, no ISRC goes to two
/// different recordings, no folder gets two barcodes. Nothing is written.
///
/// Files are read (metadata only) for their title tag, duration and
/// container; when some row names its file by `track` or `title`, every
/// file under `root` is read.
///
/// # Errors
///
/// Every problem found, each with the line of the row it is about (and,
/// for a conflict, the other row's line in the message).
pub fn resolve(manifest: &Manifest, root: &Path) -> Result<Vec<Assignment>, ManifestErrors> {
    if !root.is_dir() {
        return Err(ManifestErrors::new(vec![err(
            0,
            format!(
                "ROOT \"{}\" is not a folder; give the folder the manifest's paths are relative to",
                crate::sanitize::terminal(&root.to_string_lossy())
            ),
        )]));
    }
    let mut errors = Vec::new();
    // Rows whose release is a DDP image's folder: the image is written as
    // one, its tracks by number (see `ddp_rows`).
    let (images, others): (Vec<Row>, Vec<Row>) = manifest.rows.iter().cloned().partition(|r| {
        r.path.is_none()
            && r.release
                .as_deref()
                .is_some_and(|rel| ddp_of(root, rel).is_some())
    });
    let ddp = ddp_rows(&images, root, &mut errors);
    let manifest = &Manifest { rows: others };
    let mut files = Files::new(root);
    let walk_errors = if manifest.rows.iter().any(|r| r.path.is_none()) {
        files.walk()
    } else {
        Vec::new()
    };
    let (groups, missed) = files.group_rows(&manifest.rows, &mut errors);
    let planned = cross::merge(groups, &files, &mut errors);
    cross::one_recording_per_isrc(&planned, &files, &mut errors);
    cross::one_barcode_per_folder(&planned, &files, &mut errors);

    if missed {
        for (path, why) in walk_errors {
            errors.push(err(
                0,
                format!(
                    "\"{}\" could not be read ({}), so files in it were not searched",
                    crate::sanitize::terminal(&path.to_string_lossy()),
                    crate::sanitize::message(&why)
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ManifestErrors::new(errors));
    }
    let mut out: Vec<Assignment> = planned
        .into_iter()
        .map(|mut p| {
            p.lines.sort_unstable();
            Assignment {
                path: files.found[p.found].path.clone(),
                codes: p.codes,
                lines: p.lines,
            }
        })
        .collect();
    out.extend(ddp);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The DDPID of the image in `release` (relative to `root`), if it is one.
fn ddp_of(root: &Path, release: &str) -> Option<PathBuf> {
    let rel = release.trim().trim_start_matches("./");
    crate::walk::ddp_image(&root.join(rel)).filter(|_| root.join(rel).is_dir())
}

/// The rows naming DDP images (by `release`), one assignment per image:
/// every row gives a `track` with its `isrc` (or only a `barcode`); a
/// track twice with different ISRCs, or two barcodes for one image, is an
/// error at each row's line. The image must lie inside ROOT.
fn ddp_rows(rows: &[Row], root: &Path, errors: &mut Vec<RowError>) -> Vec<Assignment> {
    let real_root = std::fs::canonicalize(root).ok();
    let mut by_image: std::collections::BTreeMap<PathBuf, Assignment> = Default::default();
    for row in rows {
        let release = row.release.as_deref().unwrap_or_default();
        let Some(id) = ddp_of(root, release) else {
            continue;
        };
        let shown = crate::sanitize::terminal(release).into_owned();
        if let (Ok(real), Some(r)) = (std::fs::canonicalize(&id), &real_root)
            && !real.starts_with(r)
        {
            errors.push(err(row.line, format!("release \"{shown}\" (a DDP image) leads outside ROOT; isrckit embed writes only files inside ROOT")));
            continue;
        }
        let a = by_image.entry(id.clone()).or_insert_with(|| Assignment {
            path: id.clone(),
            codes: Codes::default(),
            lines: Vec::new(),
        });
        a.lines.push(row.line);
        match (row.track, row.isrc) {
            (Some(t), Some(isrc)) if (1..=99).contains(&t) => {
                match a.codes.tracks.iter().find(|(n, _)| *n == t) {
                    Some((_, other)) if *other != isrc => errors.push(err(
                        row.line,
                        format!("track {t} of the DDP image \"{shown}\" is given two ISRCs ({other} and {isrc}); give it one"),
                    )),
                    Some(_) => {}
                    None => a.codes.tracks.push((t, isrc)),
                }
            }
            (Some(t), Some(_)) => errors.push(err(
                row.line,
                format!("track {t}: a CD's tracks are numbered 1 to 99"),
            )),
            (None, Some(_)) => errors.push(err(
                row.line,
                format!("release \"{shown}\" is a DDP image, which holds one ISRC per track: give the row a track number"),
            )),
            _ => {}
        }
        if let Some(b) = &row.barcode {
            match &a.codes.barcode {
                Some(other) if other.gtin13() != b.gtin13() => errors.push(err(
                    row.line,
                    format!("the DDP image \"{shown}\" is given two barcodes ({} and {}); a disc has one", other.as_given(), b.as_given()),
                )),
                Some(_) => {}
                None => a.codes.barcode = Some(*b),
            }
        }
    }
    by_image
        .into_values()
        .map(|mut a| {
            a.codes.tracks.sort_by_key(|(t, _)| *t);
            a.lines.sort_unstable();
            a
        })
        .collect()
}
