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
//! Header names are compared trimmed and ignoring case:
//!
//! | column    | meaning |
//! | --------- | ------- |
//! | `path`    | the file, relative to ROOT (`/` or `\` between folders) |
//! | `isrc`    | the recording's ISRC |
//! | `barcode` | the release's UPC-A (12 digits) or EAN-13 (13 digits) |
//! | `track`   | a track number, matched within `release` (see below) |
//! | `release` | the release's folder, relative to ROOT |
//! | `title`   | matched against the file's title tag |
//!
//! A row names its file by `path`; or else by `release` and `track`; or
//! else by `title` (within `release` when given, else anywhere under
//! ROOT). Any other of these columns a row fills in must agree with the
//! file found (a `track` with the number its name starts with, a `title`
//! with its title tag, a `path` must lie in `release`); a file whose name
//! has no number, or that has no title tag, cannot disagree. A row gives
//! an ISRC, a barcode or both; one with neither is an error.
//!
//! Codes may be in display form (`US-RC1-76-07839`, `isrc usrc17607839`,
//! `5 012345 678900`, `5012-3456-78900`): they are normalised by
//! [`Isrc::parse`] and [`Gtin::parse`], whose sentences explain a bad one.
//!
//! # CSV
//!
//! UTF-8, with or without a byte order mark; lines end in LF, CRLF or CR.
//! The separator is `,` or `;`, whichever the header line has more of
//! outside quotes (Excel in many locales saves `;`); a first line
//! `sep=;` (as Excel writes) sets it explicitly. Fields may be in double
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
//! [`track_number`] gives the number a file's name starts with: its leading
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

use crate::codes::{Gtin, Isrc};
use crate::model::{FileReport, FileStatus};
use crate::plan::Codes;
use crate::recording::{Difference, Recording, Sameness};
use std::collections::{HashMap, HashSet};
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

fn err(line: usize, message: impl Into<String>) -> RowError {
    RowError {
        line,
        message: message.into(),
    }
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    Path,
    Isrc,
    Barcode,
    Track,
    Release,
    Title,
}

impl Col {
    const ALL: [Col; 6] = [
        Col::Path,
        Col::Isrc,
        Col::Barcode,
        Col::Track,
        Col::Release,
        Col::Title,
    ];

    fn name(self) -> &'static str {
        COLUMNS[self as usize]
    }

    /// The column of a trimmed, lowercased name.
    fn from_name(name: &str) -> Option<Col> {
        Col::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// A row's values as read: trimmed, only the non-empty ones.
struct RawRow {
    line: usize,
    values: [Option<String>; 6],
}

impl RawRow {
    fn new(line: usize) -> RawRow {
        RawRow {
            line,
            values: Default::default(),
        }
    }

    fn get(&self, c: Col) -> Option<&str> {
        self.values[c as usize].as_deref()
    }

    fn set(&mut self, c: Col, value: &str) {
        let v = value.trim();
        if !v.is_empty() {
            self.values[c as usize] = Some(v.to_string());
        }
    }
}

/// Which per-row checks still apply (the header may have reported the
/// problem once for all rows).
#[derive(Clone, Copy)]
struct RowChecks {
    need_code: bool,
    need_ident: bool,
}

/// Read a manifest (CSV or JSON, see the [module docs](self)) and check
/// every row on its own: codes, track numbers, paths, that the row names
/// a file and gives a code.
///
/// # Errors
///
/// Every problem found, each with its line: all bad rows at once.
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

/// The known column names, for messages: `path, isrc, barcode, ...`.
fn known_list() -> String {
    COLUMNS.join(", ")
}

/// The known column an unknown name was probably meant as.
fn hint(name: &str) -> Option<&'static str> {
    let squashed: String = name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if let Some(c) = Col::from_name(&squashed) {
        return Some(c.name());
    }
    Some(match squashed.as_str() {
        "upc" | "ean" | "gtin" | "upca" | "ean13" | "upcean" | "eanupc" | "barcodes" => "barcode",
        "isrcs" | "isrccode" => "isrc",
        "file" | "files" | "filename" | "filepath" | "paths" => "path",
        "tracknumber" | "trackno" | "tracknr" | "tracks" | "no" | "nr" | "number" => "track",
        "album" | "folder" | "releasefolder" | "albumfolder" | "directory" | "dir" => "release",
        "name" | "song" | "songtitle" | "tracktitle" | "titles" => "title",
        _ => return None,
    })
}

/// `"UPC" (did you mean "barcode"?)`.
fn describe_unknown(name: &str) -> String {
    match hint(name) {
        Some(h) => format!("\"{name}\" (did you mean \"{h}\"?)"),
        None => format!("\"{name}\""),
    }
}

/// The lines of a text, split as the CSV reader counts them (LF, CRLF or
/// CR each end one line).
fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&text[start..i]);
                start = i + 1;
            }
            b'\r' => {
                lines.push(&text[start..i]);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// The separator, from the header line: `,` or `;`, whichever occurs
/// more often outside quotes (`,` on a tie). A first line `sep=X` (Excel's
/// hint) sets it; its 1-based line is returned so it can be skipped.
fn separator(text: &str) -> (char, Option<usize>) {
    let lines = split_lines(text);
    let mut non_blank = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((i, first)) = non_blank.next() else {
        return (',', None);
    };
    let t = first.trim();
    // `get`: the first line may hold any text; slicing inside a
    // multi-byte character would panic (found by the manifest fuzz target).
    if let (Some(head), Some(tail)) = (t.get(..4), t.get(4..))
        && head.eq_ignore_ascii_case("sep=")
        && tail.chars().count() == 1
    {
        let c = tail.chars().next().unwrap_or(',');
        return (c, Some(i + 1));
    }
    let (mut commas, mut semis, mut quoted) = (0, 0, false);
    for c in first.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semis += 1,
            _ => {}
        }
    }
    (if semis > commas { ';' } else { ',' }, None)
}

/// One CSV record: its first line and its fields (untrimmed).
struct Record {
    line: usize,
    fields: Vec<String>,
}

impl Record {
    fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.trim().is_empty())
    }
}

/// Split CSV text into records (see the module docs for the rules). An
/// unterminated quoted field is reported, and its record dropped.
fn lex(text: &str, sep: char, errors: &mut Vec<RowError>) -> Vec<Record> {
    let mut records = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    let mut record_line = 1;
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut closed = false;
    let mut quote_line = 0;
    while let Some(c) = chars.next() {
        let newline = c == '\n' || c == '\r';
        if c == '\r' && chars.peek() == Some(&'\n') {
            chars.next();
        }
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    in_quotes = false;
                    closed = true;
                }
            } else if newline {
                field.push('\n');
                line += 1;
            } else {
                field.push(c);
            }
        } else if c == sep {
            fields.push(std::mem::take(&mut field));
            closed = false;
        } else if newline {
            fields.push(std::mem::take(&mut field));
            records.push(Record {
                line: record_line,
                fields: std::mem::take(&mut fields),
            });
            closed = false;
            line += 1;
            record_line = line;
        } else if c == '"' && !closed && field.trim().is_empty() {
            field.clear();
            in_quotes = true;
            quote_line = line;
        } else if closed && c.is_whitespace() {
            // Spaces after a closing quote.
        } else {
            field.push(c);
        }
    }
    if in_quotes {
        errors.push(err(
            quote_line,
            "has a value that opens a double quote (\") and never closes it; \
             close it, or write a quote inside a quoted value as \"\"",
        ));
    } else if !fields.is_empty() || !field.is_empty() || closed {
        fields.push(field);
        records.push(Record {
            line: record_line,
            fields,
        });
    }
    records
}

/// What a header cell is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    Known(Col),
    /// Unknown or repeated: reported once on the header, values skipped.
    Ignored,
    /// Empty header cell: rows must leave it empty.
    Unnamed,
}

fn csv_rows(text: &str, errors: &mut Vec<RowError>) -> (Vec<RawRow>, RowChecks) {
    let none = RowChecks {
        need_code: false,
        need_ident: false,
    };
    let (sep, hint_line) = separator(text);
    let errors_before = errors.len();
    let records = lex(text, sep, errors);
    let mut records = records
        .into_iter()
        .filter(|r| Some(r.line) != hint_line && !r.is_blank());
    let Some(header) = records.next() else {
        if errors.len() == errors_before {
            errors.push(err(
                1,
                format!(
                    "the manifest is empty; it needs a header line naming the columns ({}) and one row per track",
                    known_list()
                ),
            ));
        }
        return (Vec::new(), none);
    };
    let hl = header.line;
    let mut slots = Vec::new();
    let mut seen: HashMap<Col, usize> = HashMap::new();
    let mut unknown = Vec::new();
    for (i, cell) in header.fields.iter().enumerate() {
        let name = cell.trim();
        if name.is_empty() {
            slots.push(Slot::Unnamed);
            continue;
        }
        match Col::from_name(&name.to_lowercase()) {
            Some(c) => {
                if let Some(&j) = seen.get(&c) {
                    errors.push(err(
                        hl,
                        format!(
                            "column \"{}\" appears twice in the header (columns {} and {}); keep one",
                            c.name(),
                            j + 1,
                            i + 1
                        ),
                    ));
                    slots.push(Slot::Ignored);
                } else {
                    seen.insert(c, i);
                    slots.push(Slot::Known(c));
                }
            }
            None => {
                unknown.push(describe_unknown(name));
                slots.push(Slot::Ignored);
            }
        }
    }
    if seen.is_empty() {
        let shown: Vec<&str> = header.fields.iter().map(|f| f.trim()).collect();
        errors.push(err(
            hl,
            format!(
                "the first line must be a header naming the columns ({}), but it reads \"{}\"; add the header line",
                known_list(),
                shown.join(&sep.to_string())
            ),
        ));
        return (Vec::new(), none);
    }
    match unknown.len() {
        0 => {}
        1 => errors.push(err(
            hl,
            format!(
                "unknown column {}; the known columns are {}: rename it or remove it",
                unknown[0],
                known_list()
            ),
        )),
        _ => errors.push(err(
            hl,
            format!(
                "unknown columns {}; the known columns are {}: rename them or remove them",
                unknown.join(", "),
                known_list()
            ),
        )),
    }
    let has = |c: Col| seen.contains_key(&c);
    let mut checks = RowChecks {
        need_code: true,
        need_ident: true,
    };
    if !has(Col::Isrc) && !has(Col::Barcode) {
        errors.push(err(
            hl,
            "the header has neither an isrc nor a barcode column, so there is nothing to embed; add one",
        ));
        checks.need_code = false;
    }
    let findable = has(Col::Path) || has(Col::Title) || (has(Col::Release) && has(Col::Track));
    if !findable {
        errors.push(err(
            hl,
            "the header gives no way to find the files: add a path column, or release and track columns, or a title column",
        ));
        checks.need_ident = false;
    }
    let mut rows = Vec::new();
    for rec in records {
        if rec.fields.len() > slots.len()
            && rec.fields[slots.len()..]
                .iter()
                .any(|f| !f.trim().is_empty())
        {
            errors.push(err(
                rec.line,
                format!(
                    "has {} values but the header names {} columns; a value containing \"{sep}\" must be in double quotes",
                    rec.fields.len(),
                    slots.len()
                ),
            ));
            continue;
        }
        let mut raw = RawRow::new(rec.line);
        let mut bad = false;
        for (i, (value, slot)) in rec.fields.iter().zip(&slots).enumerate() {
            match slot {
                Slot::Known(c) => raw.set(*c, value),
                Slot::Ignored => {}
                Slot::Unnamed if value.trim().is_empty() => {}
                Slot::Unnamed => {
                    errors.push(err(
                        rec.line,
                        format!(
                            "has a value, \"{}\", in column {}, which has no name in the header; name the column or remove the value",
                            value.trim(),
                            i + 1
                        ),
                    ));
                    bad = true;
                }
            }
        }
        if !bad {
            rows.push(raw);
        }
    }
    if rows.is_empty() && errors.len() == errors_before {
        errors.push(err(
            hl,
            "the manifest has a header but no rows; add one row per track",
        ));
    }
    (rows, checks)
}

fn json_rows(text: &str, errors: &mut Vec<RowError>) -> Vec<RawRow> {
    use serde_json::Value;
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            errors.push(err(0, format!("the manifest is not valid JSON: {e}")));
            return Vec::new();
        }
    };
    let shape = "a JSON manifest is an array of entries, [{\"path\": \"...\", \"isrc\": \"...\"}, ...], or {\"tracks\": [...]}";
    let entries = match value {
        Value::Array(a) => a,
        Value::Object(o) => {
            let mut tracks = None;
            for (k, v) in o {
                if k.trim().eq_ignore_ascii_case("tracks") {
                    tracks = Some(v);
                } else {
                    errors.push(err(
                        0,
                        format!("the JSON object has a key \"{k}\" that is not read; {shape}"),
                    ));
                }
            }
            match tracks {
                Some(Value::Array(a)) => a,
                Some(_) => {
                    errors.push(err(0, format!("\"tracks\" is not an array; {shape}")));
                    return Vec::new();
                }
                None => {
                    errors.push(err(
                        0,
                        format!("the JSON object has no \"tracks\"; {shape}"),
                    ));
                    return Vec::new();
                }
            }
        }
        _ => {
            errors.push(err(0, shape));
            return Vec::new();
        }
    };
    if entries.is_empty() {
        errors.push(err(0, "the manifest has no entries; add one per track"));
    }
    let mut reported = HashSet::new();
    let mut rows = Vec::new();
    for (i, entry) in entries.into_iter().enumerate() {
        let line = i + 1;
        let Value::Object(map) = entry else {
            errors.push(err(
                line,
                "is not an object; an entry looks like {\"path\": \"...\", \"isrc\": \"...\"}",
            ));
            continue;
        };
        let mut raw = RawRow::new(line);
        let mut seen = HashSet::new();
        let mut bad = false;
        for (key, v) in map {
            let Some(c) = Col::from_name(&key.trim().to_lowercase()) else {
                if reported.insert(key.clone()) {
                    errors.push(err(
                        line,
                        format!(
                            "unknown key {}; the known keys are {}: rename it or remove it",
                            describe_unknown(key.trim()),
                            known_list()
                        ),
                    ));
                }
                continue;
            };
            if !seen.insert(c) {
                errors.push(err(
                    line,
                    format!("has the key \"{}\" twice; keep one", c.name()),
                ));
                bad = true;
                continue;
            }
            let text = match v {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Null => continue,
                other => {
                    let kind = match other {
                        Value::Bool(_) => "true or false",
                        Value::Array(_) => "an array",
                        _ => "an object",
                    };
                    errors.push(err(
                        line,
                        format!("\"{key}\" is {kind}; it must be text or a number"),
                    ));
                    bad = true;
                    continue;
                }
            };
            raw.set(c, &text);
        }
        if !bad {
            rows.push(raw);
        }
    }
    rows
}

/// A track number as a manifest gives it: digits (`3`, `03`), optionally
/// followed by `/total` (`3/12`).
fn parse_track(v: &str) -> Option<u32> {
    let n = match v.split_once('/') {
        Some((n, total))
            if !total.trim().is_empty() && total.trim().bytes().all(|b| b.is_ascii_digit()) =>
        {
            n.trim()
        }
        Some(_) => return None,
        None => v,
    };
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// Why a path given relative to ROOT is not acceptable.
fn relative_problem(v: &str) -> Option<&'static str> {
    let b = v.as_bytes();
    let drive = b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':';
    if v.starts_with('/') || v.starts_with('\\') || drive {
        return Some("is absolute; give it relative to ROOT (e.g. \"Album/01 Intro.wav\")");
    }
    if v.split(['/', '\\']).any(|part| part == "..") {
        return Some("leads out of ROOT with \"..\"; give it relative to ROOT, inside it");
    }
    None
}

/// A path given relative to ROOT, as a relative `PathBuf`: `/` and `\`
/// separate folders; empty and `.` parts are dropped.
fn relative(v: &str) -> PathBuf {
    v.split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect()
}

fn build_row(raw: &RawRow, checks: RowChecks, errors: &mut Vec<RowError>) -> Option<Row> {
    let line = raw.line;
    let before = errors.len();
    let isrc = raw.get(Col::Isrc).and_then(|v| match Isrc::parse(v) {
        Ok(i) => Some(i),
        Err(e) => {
            errors.push(err(
                line,
                format!("ISRC \"{v}\" {e}; fix the row or remove it"),
            ));
            None
        }
    });
    let barcode = raw.get(Col::Barcode).and_then(|v| match Gtin::parse(v) {
        Ok(g) => Some(g),
        Err(e) => {
            errors.push(err(
                line,
                format!("barcode \"{v}\" {e}; fix the row or remove it"),
            ));
            None
        }
    });
    let track = raw.get(Col::Track).and_then(|v| {
        let t = parse_track(v);
        if t.is_none() {
            errors.push(err(
                line,
                format!(
                    "track \"{v}\" is not a track number; give the number alone (e.g. 3 or 03)"
                ),
            ));
        }
        t
    });
    for c in [Col::Path, Col::Release] {
        if let Some(v) = raw.get(c) {
            if let Some(why) = relative_problem(v) {
                errors.push(err(line, format!("{} \"{v}\" {why}", c.name())));
            } else if c == Col::Path && relative(v).as_os_str().is_empty() {
                errors.push(err(
                    line,
                    format!("path \"{v}\" names no file; give the file's path relative to ROOT"),
                ));
            }
        }
    }
    let path = raw.get(Col::Path);
    let release = raw.get(Col::Release);
    let title = raw.get(Col::Title);
    if checks.need_ident && path.is_none() && title.is_none() {
        match (raw.get(Col::Track), release) {
            (Some(t), None) => errors.push(err(
                line,
                format!(
                    "gives track {t} but no release; a track number is matched within a release folder, so give release (the folder, relative to ROOT) too, or give path"
                ),
            )),
            (Some(_), Some(_)) => {}
            (None, _) => errors.push(err(
                line,
                "names no file; give path (relative to ROOT), or release and track, or title",
            )),
        }
    }
    if checks.need_code && raw.get(Col::Isrc).is_none() && raw.get(Col::Barcode).is_none() {
        errors.push(err(
            line,
            "has neither an ISRC nor a barcode; give one, or remove the row",
        ));
    }
    (errors.len() == before).then(|| Row {
        line,
        path: path.map(str::to_string),
        release: release.map(str::to_string),
        track,
        title: title.map(str::to_string),
        isrc,
        barcode,
    })
}

// ---------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------

/// The track number a file name gives (see the [module docs](self)): the
/// leading digits, or for a disc-track name (`1-07 Title.flac`) the digits
/// after the `-`; `None` when the name does not start with a digit.
///
/// ```
/// use isrckit::embed::manifest::track_number;
/// assert_eq!(track_number("01 Intro.wav"), Some(1));
/// assert_eq!(track_number("2-07 Outro.flac"), Some(7));
/// assert_eq!(track_number("07-Outro.mp3"), Some(7));
/// assert_eq!(track_number("Intro.wav"), None);
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

/// A title as compared: whitespace runs folded to one space, trimmed,
/// lowercase.
/// A duration tolerance as messages show it: `1 s`, `1.5 s`.
fn show_tolerance(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{} s", ms as f64 / 1000.0)
    }
}

/// A path relative to ROOT as messages show it: `/` between parts, `.`
/// for ROOT itself.
fn show(rel: &Path) -> String {
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// `0:02.500`.
fn show_ms(ms: u64) -> String {
    format!("{}:{:02}.{:03}", ms / 60_000, (ms / 1000) % 60, ms % 1000)
}

/// A file found under ROOT.
struct Found {
    /// ROOT joined with `rel`.
    path: PathBuf,
    /// Relative to ROOT.
    rel: PathBuf,
    report: FileReport,
}

impl Found {
    fn shown(&self) -> String {
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
    fn recording(&self) -> Recording<'_> {
        Recording {
            title: self.report.title.as_deref(),
            duration_ms: self.duration(),
            container: self.report.container,
            audio_hash: None,
        }
    }

    /// Why two files with one ISRC are different recordings, if they are
    /// (the audit's test, [`crate::recording`]).
    fn differs_from(&self, other: &Found, same: &Sameness) -> Option<String> {
        match same.differs(&other.recording(), &self.recording())? {
            Difference::Titles(a, b) => Some(format!("their titles differ: \"{a}\" and \"{b}\"")),
            Difference::Durations(a, b) => Some(format!(
                "their durations differ by more than {}: {} and {}",
                show_tolerance(same.tolerance_ms),
                show_ms(a),
                show_ms(b)
            )),
            Difference::Audio => Some("their audio differs".into()),
        }
    }
}

/// The files of one resolution: those walked, and those named by path.
struct Files<'a> {
    root: &'a Path,
    found: Vec<Found>,
    /// Canonical path to index in `found`.
    by_key: HashMap<PathBuf, usize>,
    /// Audio files found by the walk (indexes in `found`), for `track`
    /// and `title` rows.
    walked: Vec<usize>,
}

/// How a file is known, whatever path reached it.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

impl<'a> Files<'a> {
    fn new(root: &'a Path) -> Files<'a> {
        Files {
            root,
            found: Vec::new(),
            by_key: HashMap::new(),
            walked: Vec::new(),
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
    fn walk(&mut self) -> Vec<(PathBuf, String)> {
        let (paths, walked) =
            crate::walk::collect(&[self.root.to_path_buf()], &crate::walk::Filter::default());
        let reports = crate::engine::read_files(&paths);
        for (path, report) in paths.into_iter().zip(reports) {
            if report.container.is_none() {
                continue;
            }
            let rel = path.strip_prefix(self.root).unwrap_or(&path).to_path_buf();
            let i = self.add(path, rel, report);
            self.walked.push(i);
        }
        walked.errors
    }

    /// The file a row names, or why none.
    fn locate(&mut self, row: &Row) -> Result<usize, String> {
        if let Some(p) = &row.path {
            return self.by_path(p);
        }
        let release = match &row.release {
            Some(r) => {
                let rel = relative(r);
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
                Some((r.as_str(), rel))
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
                .walked
                .iter()
                .copied()
                .filter(|&i| in_release(&self.found[i]) && self.found[i].track() == Some(n))
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
            let hits: Vec<usize> = self
                .walked
                .iter()
                .copied()
                .filter(|&i| {
                    in_release(&self.found[i]) && self.found[i].title_key().as_ref() == Some(&key)
                })
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

    fn by_path(&mut self, p: &str) -> Result<usize, String> {
        let rel = relative(p);
        let full = self.root.join(&rel);
        match std::fs::metadata(&full) {
            Err(_) => Err(format!(
                "file \"{p}\" does not exist under ROOT; check the path (it is relative to ROOT) or remove the row"
            )),
            Ok(m) if m.is_dir() => Err(format!(
                "path \"{p}\" is a folder; give one audio file in it (e.g. \"{}/01 Intro.wav\")",
                show(&rel)
            )),
            Ok(_) => {
                if let Some(&i) = self.by_key.get(&identity(&full)) {
                    return Ok(i);
                }
                let report = crate::engine::read_file(&full);
                if report.container.is_none() {
                    let why = report
                        .error
                        .unwrap_or_else(|| "not an audio file isrckit reads".into());
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
            let why = f.report.error.as_deref().unwrap_or("damaged");
            return Err(format!(
                "file \"{shown}\" is damaged ({why}); repair or re-export it before embedding codes, or remove the row"
            ));
        }
        if let Some(r) = &row.release
            && !f.rel.starts_with(relative(r))
        {
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
            return Err(format!(
                "file \"{shown}\" has the title \"{tag}\" in its tags, but the row says \"{t}\"; fix one of them, or leave title empty"
            ));
        }
        Ok(())
    }

    fn list(&self, hits: &[usize]) -> String {
        let shown: Vec<String> = hits
            .iter()
            .map(|&i| format!("\"{}\"", self.found[i].shown()))
            .collect();
        shown.join(", ")
    }
}

fn codes_of(row: &Row) -> Codes {
    Codes {
        isrc: row.isrc,
        barcode: row.barcode,
    }
}

/// `ISRC X, barcode Y` / `ISRC X, no barcode` / `no ISRC, barcode Y`.
fn describe(codes: &Codes) -> String {
    let isrc = codes
        .isrc
        .map_or_else(|| "no ISRC".to_string(), |i| format!("ISRC {i}"));
    let barcode = codes
        .barcode
        .map_or_else(|| "no barcode".to_string(), |b| format!("barcode {b}"));
    format!("{isrc}, {barcode}")
}

/// A file and the rows that name it.
struct Planned {
    found: usize,
    codes: Codes,
    lines: Vec<usize>,
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
                root.display()
            ),
        )]));
    }
    let mut errors = Vec::new();
    let mut files = Files::new(root);
    let walk_errors = if manifest.rows.iter().any(|r| r.path.is_none()) {
        files.walk()
    } else {
        Vec::new()
    };

    let mut rows: Vec<&Row> = manifest.rows.iter().collect();
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
        let found = files.locate(row);
        if found.is_err() && row.path.is_none() {
            missed = true;
        }
        match found.and_then(|i| files.check(row, i).map(|()| i)) {
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

    // One plan per file; rows naming the same file must agree.
    let mut planned = Vec::new();
    for (i, group) in groups {
        let first = group[0];
        let codes = codes_of(first);
        let mut lines = vec![first.line];
        for row in &group[1..] {
            let other = codes_of(row);
            if other == codes {
                lines.push(row.line);
            } else {
                errors.push(err(
                    row.line,
                    format!(
                        "names the same file as line {}, \"{}\", with other codes (line {}: {}; this row: {}); keep one row for the file, or give both the same codes",
                        first.line,
                        files.found[i].shown(),
                        first.line,
                        describe(&codes),
                        describe(&other)
                    ),
                ));
            }
        }
        planned.push(Planned {
            found: i,
            codes,
            lines,
        });
    }

    // An ISRC may go to several files only for the same recording.
    let mut by_isrc: HashMap<Isrc, Vec<usize>> = HashMap::new();
    for (pi, p) in planned.iter().enumerate() {
        let Some(isrc) = p.codes.isrc else { continue };
        let earlier = by_isrc.entry(isrc).or_default();
        let this = &files.found[p.found];
        let clash = earlier.iter().find_map(|&o| {
            let other = &files.found[planned[o].found];
            this.differs_from(other, &Sameness::default())
                .map(|why| (o, why))
        });
        if let Some((o, why)) = clash {
            errors.push(err(
                p.lines[0],
                format!(
                    "ISRC {isrc} is also given on line {} to \"{}\", a different recording from \"{}\" ({why}); each recording needs its own ISRC: fix one of the two rows",
                    planned[o].lines[0],
                    files.found[planned[o].found].shown(),
                    this.shown()
                ),
            ));
        }
        earlier.push(pi);
    }

    // One barcode per release folder.
    let mut by_folder: HashMap<PathBuf, usize> = HashMap::new();
    for (pi, p) in planned.iter().enumerate() {
        let Some(barcode) = p.codes.barcode else {
            continue;
        };
        let this = &files.found[p.found];
        let folder = this.rel.parent().map(Path::to_path_buf).unwrap_or_default();
        match by_folder.get(&folder) {
            None => {
                by_folder.insert(folder, pi);
            }
            Some(&o) => {
                let other = &planned[o];
                let first = other
                    .codes
                    .barcode
                    .expect("only files with a barcode are kept");
                if first != barcode {
                    errors.push(err(
                        p.lines[0],
                        format!(
                            "barcode {barcode} for \"{}\" differs from barcode {first} given on line {} for \"{}\" in the same release folder \"{}\"; a release has one barcode: fix one of the rows",
                            this.shown(),
                            other.lines[0],
                            files.found[other.found].shown(),
                            show(&folder)
                        ),
                    ));
                }
            }
        }
    }

    if missed {
        for (path, why) in walk_errors {
            errors.push(err(
                0,
                format!(
                    "\"{}\" could not be read ({why}), so files in it were not searched",
                    path.display()
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
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn isrc(s: &str) -> Isrc {
        Isrc::parse(s).unwrap()
    }

    fn gtin(s: &str) -> Gtin {
        Gtin::parse(s).unwrap()
    }

    /// The errors of a failed result, as (line, message).
    fn errors_of<T: fmt::Debug>(r: Result<T, ManifestErrors>) -> Vec<(usize, String)> {
        r.expect_err("expected errors")
            .errors
            .into_iter()
            .map(|e| (e.line, e.message))
            .collect()
    }

    fn lines(errors: &[(usize, String)]) -> Vec<usize> {
        errors.iter().map(|e| e.0).collect()
    }

    /// The one error on `line`, which must contain every part.
    fn assert_error(errors: &[(usize, String)], line: usize, parts: &[&str]) {
        let on_line: Vec<&String> = errors
            .iter()
            .filter(|e| e.0 == line)
            .map(|e| &e.1)
            .collect();
        assert_eq!(on_line.len(), 1, "one error on line {line}: {errors:#?}");
        for part in parts {
            assert!(
                on_line[0].contains(part),
                "line {line}: {:?} should contain {part:?}",
                on_line[0]
            );
        }
    }

    // -- parsing ------------------------------------------------------------

    #[test]
    fn csv_with_bom_semicolons_crlf_and_quotes() {
        let text = "\u{feff}Path ; ISRC;Barcode;Title\r\n\
                    \"Album; Deluxe/01 Intro.wav\";USRC17607839;5012345678900;\"Say \"\"Hi\"\"\"\r\n\
                    \r\n\
                    \x20\"Album, Live/02.wav\" ;GBAYE2400301;;Two, three\r\n\
                    Album/03.wav;QMDA72400311;;\"Line one\r\nline two\"\r\n\
                    ;;;\r\n\
                    Album/04.wav;JPPO02400406;;12\" Mix\r\n";
        let m = parse(text).unwrap();
        let got: Vec<(usize, Option<&str>, String, Option<&str>)> = m
            .rows
            .iter()
            .map(|r| {
                (
                    r.line,
                    r.path.as_deref(),
                    r.isrc.unwrap().to_string(),
                    r.title.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    2,
                    Some("Album; Deluxe/01 Intro.wav"),
                    "USRC17607839".into(),
                    Some("Say \"Hi\"")
                ),
                (
                    4,
                    Some("Album, Live/02.wav"),
                    "GBAYE2400301".into(),
                    Some("Two, three")
                ),
                (
                    5,
                    Some("Album/03.wav"),
                    "QMDA72400311".into(),
                    Some("Line one\nline two")
                ),
                (
                    8,
                    Some("Album/04.wav"),
                    "JPPO02400406".into(),
                    Some("12\" Mix")
                ),
            ]
        );
        assert_eq!(m.rows[0].barcode, Some(gtin("5012345678900")));
        assert_eq!(m.rows[1].barcode, None);
    }

    #[test]
    fn csv_with_commas_lf_cr_and_sep_hint() {
        let lf = "path,isrc,title\nA/01.wav,USRC17607839,\"One; two, three\"\n";
        let m = parse(lf).unwrap();
        assert_eq!(m.rows[0].title.as_deref(), Some("One; two, three"));

        // Classic Mac line ends (CR only).
        let cr = "path,isrc\rA/01.wav,USRC17607839\rA/02.wav,GBAYE2400301\r";
        let m = parse(cr).unwrap();
        assert_eq!(
            m.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![2, 3]
        );

        // Excel's separator hint line; the header then has no separator.
        let hinted = "sep=;\npath\n\"a,b.wav\"\n";
        let e = errors_of(parse(hinted));
        assert_error(&e, 2, &["neither an isrc nor a barcode column"]);
        let hinted = "sep=;\npath;isrc\na,b.wav;USRC17607839\n";
        let m = parse(hinted).unwrap();
        assert_eq!(m.rows[0].path.as_deref(), Some("a,b.wav"));
        assert_eq!(m.rows[0].line, 3);
    }

    #[test]
    fn display_form_codes_are_normalised() {
        let text = "path,isrc,barcode\n\
                    a.wav,US-RC1-76-07839,5 012345 678900\n\
                    b.wav,isrc usrc17607839,0-75678-16412-5\n\
                    c.wav,ISRC GB-AYE-24-00301,\n\
                    d.wav,,4006381333931\n";
        let m = parse(text).unwrap();
        let codes: Vec<(Option<Isrc>, Option<Gtin>)> =
            m.rows.iter().map(|r| (r.isrc, r.barcode)).collect();
        assert_eq!(
            codes,
            vec![
                (Some(isrc("USRC17607839")), Some(gtin("5012345678900"))),
                (Some(isrc("USRC17607839")), Some(gtin("075678164125"))),
                (Some(isrc("GBAYE2400301")), None),
                (None, Some(gtin("4006381333931"))),
            ]
        );
        assert_eq!(m.rows[0].isrc.unwrap().to_string(), "USRC17607839");
        // The barcode keeps the form given (UPC-A, 12 digits).
        assert_eq!(m.rows[1].barcode.unwrap().as_given(), "075678164125");
    }

    #[test]
    fn unknown_columns_are_reported_once_on_the_header() {
        let text = "path,ISRC,UPC,Notes\n\
                    a.wav,USRC17607839,5012345678900,first\n\
                    b.wav,GBAYE2400301,5012345678900,second\n";
        let e = errors_of(parse(text));
        assert_eq!(
            e,
            vec![(
                1,
                "unknown columns \"UPC\" (did you mean \"barcode\"?), \"Notes\"; the known columns are \
                 path, isrc, barcode, track, release, title: rename them or remove them"
                    .to_string()
            )]
        );
        let e = errors_of(parse("path,isrc,Track Number\na.wav,USRC17607839,1\n"));
        assert_eq!(
            e,
            vec![(
                1,
                "unknown column \"Track Number\" (did you mean \"track\"?); the known columns are \
                 path, isrc, barcode, track, release, title: rename it or remove it"
                    .to_string()
            )]
        );
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let text = "path;isrc;barcode;track;release\n\
                    a.wav;US-RC1-76-0783;;;\n\
                    \n\
                    b.wav;USRC17607839;075678164124;;\n\
                    ;;;;\n\
                    ;USRC17607839;;3;\n\
                    c.wav;;;;\n\
                    ;GBAYE2400301;;x;Album\n\
                    d;e.wav;USRC17607839;;;extra\n\
                    /abs/f.wav;USRC17607839;;;\n\
                    ../g.wav;USRC17607839\n\
                    Album/h.wav;XX0000000000;0000000000000;;\n\
                    \"open;USRC17607839\n\
                    more;GBAYE2400301\n";
        let result = parse(text);
        let shown = result.as_ref().unwrap_err().to_string();
        let e = errors_of(result);
        assert_eq!(
            lines(&e),
            vec![2, 4, 6, 7, 8, 9, 10, 11, 12, 12, 13],
            "{e:#?}"
        );
        assert_eq!(
            e[0].1,
            "ISRC \"US-RC1-76-0783\" has 11 characters; an ISRC has 12 (2-letter country, \
             3-character registrant, 2-digit year, 5-digit number, e.g. USRC17607839); \
             fix the row or remove it"
        );
        assert_error(
            &e,
            4,
            &["barcode \"075678164124\" check digit is 4 but the other digits give 5"],
        );
        assert_error(&e, 6, &["gives track 3 but no release"]);
        assert_error(&e, 7, &["has neither an ISRC nor a barcode"]);
        assert_error(&e, 8, &["track \"x\" is not a track number"]);
        assert_error(
            &e,
            9,
            &[
                "has 6 values but the header names 5 columns",
                "double quotes",
            ],
        );
        assert_error(&e, 10, &["path \"/abs/f.wav\" is absolute"]);
        assert_error(&e, 11, &["path \"../g.wav\" leads out of ROOT"]);
        assert!(e[8].1.starts_with("ISRC \"XX0000000000\" is a placeholder"));
        assert!(e[9].1.starts_with("barcode \"0000000000000\" is all zeros"));
        assert_error(&e, 13, &["never closes it"]);
        // Display: one line per error, in line order.
        let first_lines: Vec<&str> = shown
            .lines()
            .map(|l| l.split(':').next().unwrap())
            .collect();
        assert_eq!(
            first_lines,
            vec![
                "line 2", "line 4", "line 6", "line 7", "line 8", "line 9", "line 10", "line 11",
                "line 12", "line 12", "line 13"
            ]
        );
        assert!(shown.starts_with("line 2: ISRC \"US-RC1-76-0783\" has 11 characters"));
    }

    #[test]
    fn header_problems() {
        let e = errors_of(parse("a.wav,USRC17607839\nb.wav,GBAYE2400301\n"));
        assert_error(
            &e,
            1,
            &["the first line must be a header naming the columns"],
        );
        assert_eq!(e.len(), 1);

        let e = errors_of(parse("title,release\nIntro,Album\n"));
        assert_error(&e, 1, &["neither an isrc nor a barcode column"]);
        assert_eq!(e.len(), 1, "rows are not blamed again: {e:#?}");

        let e = errors_of(parse("isrc,track\nUSRC17607839,1\n"));
        assert_error(&e, 1, &["no way to find the files"]);
        assert_eq!(e.len(), 1);

        let e = errors_of(parse("path,isrc,isrc\na.wav,USRC17607839,\n"));
        assert_error(
            &e,
            1,
            &["column \"isrc\" appears twice in the header (columns 2 and 3)"],
        );

        let e = errors_of(parse("path,isrc\n"));
        assert_error(&e, 1, &["a header but no rows"]);

        let e = errors_of(parse("\u{feff}\r\n  \r\n"));
        assert_error(&e, 1, &["the manifest is empty"]);

        // Empty header cells (Excel's trailing separators) are fine while
        // the rows leave them empty.
        let m = parse("path;isrc;;\na.wav;USRC17607839;;\n").unwrap();
        assert_eq!(m.rows.len(), 1);
        let e = errors_of(parse("path;isrc;\na.wav;USRC17607839;oops\n"));
        assert_error(&e, 2, &["\"oops\", in column 3, which has no name"]);
    }

    #[test]
    fn json_array_and_tracks_object() {
        let array = r#"[
            {"path": "A/01.wav", "isrc": "US-RC1-76-07839", "barcode": "5012345678900"},
            {"Release": "A", "Track": 2, "ISRC": "GBAYE2400301", "barcode": null},
            {"title": "Intro", "barcode": "0-75678-16412-5"}
        ]"#;
        let m = parse(array).unwrap();
        assert_eq!(
            m.rows,
            vec![
                Row {
                    line: 1,
                    path: Some("A/01.wav".into()),
                    isrc: Some(isrc("USRC17607839")),
                    barcode: Some(gtin("5012345678900")),
                    ..Row::default()
                },
                Row {
                    line: 2,
                    release: Some("A".into()),
                    track: Some(2),
                    isrc: Some(isrc("GBAYE2400301")),
                    ..Row::default()
                },
                Row {
                    line: 3,
                    title: Some("Intro".into()),
                    barcode: Some(gtin("075678164125")),
                    ..Row::default()
                },
            ]
        );
        let object = format!("\u{feff}  {{\"tracks\": {array}}}");
        assert_eq!(parse(&object).unwrap(), m);
    }

    #[test]
    fn json_errors_name_the_entry() {
        let text = r#"{"tracks": [
            {"path": "a.wav", "isrc": "USRC17607839", "upc": "5012345678900"},
            {"path": "b.wav", "isrc": "USRC1760783"},
            "c.wav",
            {"path": "d.wav", "isrc": ["USRC17607839"]},
            {"path": "e.wav", "upc": "5012345678900"}
        ]}"#;
        let e = errors_of(parse(text));
        assert_eq!(lines(&e), vec![1, 2, 3, 4, 5], "{e:#?}");
        assert_error(
            &e,
            1,
            &[
                "unknown key \"upc\" (did you mean \"barcode\"?)",
                "path, isrc, barcode",
            ],
        );
        assert_error(&e, 2, &["ISRC \"USRC1760783\" has 11 characters"]);
        assert_error(&e, 3, &["is not an object"]);
        assert_error(
            &e,
            4,
            &["\"isrc\" is an array; it must be text or a number"],
        );
        // The unknown key is reported once; entry 5 then has no code.
        assert_error(&e, 5, &["has neither an ISRC nor a barcode"]);

        let e = errors_of(parse("[{\"path\": \"a.wav\",}]"));
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].0, 0);
        assert!(e[0].1.starts_with("the manifest is not valid JSON"));
        let shown = parse("{\"files\": []}").unwrap_err().to_string();
        assert!(shown.starts_with("the JSON object has a key \"files\" that is not read"));
    }

    #[test]
    fn track_values_and_file_names() {
        assert_eq!(parse_track("3"), Some(3));
        assert_eq!(parse_track("03"), Some(3));
        assert_eq!(parse_track("3/12"), Some(3));
        assert_eq!(parse_track("3/"), None);
        assert_eq!(parse_track("A3"), None);
        assert_eq!(parse_track("-3"), None);
        assert_eq!(track_number("01 Intro.wav"), Some(1));
        assert_eq!(track_number("1-01 Intro.flac"), Some(1));
        assert_eq!(track_number("2-14 Outro.flac"), Some(14));
        assert_eq!(track_number("07-Outro.mp3"), Some(7));
        assert_eq!(track_number("12. Song.mp3"), Some(12));
        assert_eq!(track_number("Intro.wav"), None);
        assert_eq!(track_number("A1 Side.wav"), None);
    }

    // -- resolution ---------------------------------------------------------

    /// A RIFF WAVE file: 8 kHz mono 8-bit PCM of `ms` milliseconds, with a
    /// LIST/INFO title when given.
    fn wav(title: Option<&str>, ms: u32) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, id: &[u8; 4], body: &[u8]) {
            out.extend_from_slice(id);
            out.extend_from_slice(&u32::try_from(body.len()).unwrap().to_le_bytes());
            out.extend_from_slice(body);
            if body.len() % 2 == 1 {
                out.push(0);
            }
        }
        let mut fmt = Vec::new();
        fmt.extend_from_slice(&1u16.to_le_bytes()); // PCM
        fmt.extend_from_slice(&1u16.to_le_bytes()); // mono
        fmt.extend_from_slice(&8000u32.to_le_bytes()); // sample rate
        fmt.extend_from_slice(&8000u32.to_le_bytes()); // byte rate
        fmt.extend_from_slice(&1u16.to_le_bytes()); // block align
        fmt.extend_from_slice(&8u16.to_le_bytes()); // bits
        let mut body = b"WAVE".to_vec();
        chunk(&mut body, b"fmt ", &fmt);
        if let Some(t) = title {
            let mut info = b"INFO".to_vec();
            let mut text = t.as_bytes().to_vec();
            text.push(0);
            chunk(&mut info, b"INAM", &text);
            chunk(&mut body, b"LIST", &info);
        }
        chunk(&mut body, b"data", &vec![0x80; (8 * ms) as usize]);
        let mut out = Vec::new();
        chunk(&mut out, b"RIFF", &body);
        out
    }

    /// A ROOT with small real files:
    ///
    /// - `rel/01 A.mp3` (0.432 s), `rel/02 B.wav` (0.25 s),
    ///   `rel/1-03 C.flac` (0.25 s), `rel/notes.txt`; no titles
    /// - `other/Tagged.mp3`: title "isrckit test"
    /// - `masters/WAV/01.wav`, `masters/FLAC/01.flac`: one recording, two
    ///   formats (0.25 s, no titles)
    /// - `titled/01 Intro.wav` ("Intro"), `titled/02 Outro.wav`
    ///   ("Outro  Theme"), `dupes/Intro.wav` ("INTRO")
    /// - `long/01 Long.wav`: 2.5 s, no title
    /// - `damaged/01 Cut.wav`: a WAV whose header claims more than it has
    fn fixture() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let put = |to: &str, bytes: &[u8]| {
            let dst = dir.path().join(to);
            fs::create_dir_all(dst.parent().unwrap()).unwrap();
            fs::write(dst, bytes).unwrap();
        };
        let testdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        let copy = |from: &str, to: &str| put(to, &fs::read(testdata.join(from)).unwrap());
        copy("mp3/kid3_v23.mp3", "rel/01 A.mp3");
        copy("wav/mutagen_id3v23_utf16.wav", "rel/02 B.wav");
        copy("flac/metaflac_isrc_barcode.flac", "rel/1-03 C.flac");
        put("rel/notes.txt", b"hello, label\n");
        copy("mp3/id3v2_tool_v23_with_v1.mp3", "other/Tagged.mp3");
        copy("wav/mutagen_id3v23_utf16.wav", "masters/WAV/01.wav");
        copy("flac/metaflac_isrc_barcode.flac", "masters/FLAC/01.flac");
        copy("damaged/wav_riff_size_huge.wav", "damaged/01 Cut.wav");
        put("titled/01 Intro.wav", &wav(Some("Intro"), 250));
        put("titled/02 Outro.wav", &wav(Some("Outro  Theme"), 250));
        put("dupes/Intro.wav", &wav(Some("INTRO"), 250));
        put("long/01 Long.wav", &wav(None, 2500));
        dir
    }

    fn run(root: &Path, text: &str) -> Result<Vec<Assignment>, ManifestErrors> {
        resolve(&parse(text).expect("manifest parses"), root)
    }

    /// (path under ROOT, ISRC, barcode as given, lines) per assignment.
    fn summary(root: &Path, plan: &[Assignment]) -> Vec<(String, String, String, Vec<usize>)> {
        plan.iter()
            .map(|a| {
                (
                    show(a.path.strip_prefix(root).unwrap()),
                    a.codes.isrc.map(|i| i.to_string()).unwrap_or_default(),
                    a.codes
                        .barcode
                        .map(|b| b.as_given().to_string())
                        .unwrap_or_default(),
                    a.lines.clone(),
                )
            })
            .collect()
    }

    fn entry(
        path: &str,
        isrc: &str,
        barcode: &str,
        lines: &[usize],
    ) -> (String, String, String, Vec<usize>) {
        (path.into(), isrc.into(), barcode.into(), lines.to_vec())
    }

    #[test]
    fn fixture_files_are_what_the_tests_assume() {
        let dir = fixture();
        let r = |p: &str| crate::read_file(dir.path().join(p));
        assert_eq!(r("rel/01 A.mp3").title, None);
        assert_eq!(r("other/Tagged.mp3").title.as_deref(), Some("isrckit test"));
        assert_eq!(
            r("titled/02 Outro.wav").title.as_deref(),
            Some("Outro  Theme")
        );
        let ms = |p: &str| r(p).audio.unwrap().duration_ms.unwrap();
        assert_eq!(ms("rel/01 A.mp3"), 432);
        assert_eq!(ms("rel/02 B.wav"), 250);
        assert_eq!(ms("long/01 Long.wav"), 2500);
        assert_eq!(r("damaged/01 Cut.wav").status, FileStatus::Damaged);
    }

    #[test]
    fn path_rows_resolve_and_identical_rows_merge() {
        let dir = fixture();
        let root = dir.path();
        let text = "path,isrc,barcode\n\
                    rel/01 A.mp3,USRC17607839,5012345678900\n\
                    rel\\02 B.wav,GBAYE2400301,5012345678900\n\
                    ./rel/01 A.mp3,US-RC1-76-07839,5012345678900\n\
                    rel/1-03 C.flac,,5012345678900\n";
        let plan = run(root, text).unwrap();
        assert_eq!(
            summary(root, &plan),
            vec![
                entry("rel/01 A.mp3", "USRC17607839", "5012345678900", &[2, 4]),
                entry("rel/02 B.wav", "GBAYE2400301", "5012345678900", &[3]),
                entry("rel/1-03 C.flac", "", "5012345678900", &[5]),
            ]
        );
        assert_eq!(plan[0].path, root.join("rel").join("01 A.mp3"));
        assert_eq!(plan[2].codes.isrc, None);
    }

    #[test]
    fn release_and_track_rows() {
        let dir = fixture();
        let root = dir.path();
        let text = "release;track;isrc\n\
                    rel;1;USRC17607839\n\
                    rel/;03;GBAYE2400301\n\
                    masters/WAV;1;QMDA72400311\n\
                    titled;2/2;JPPO02400406\n";
        let plan = run(root, text).unwrap();
        assert_eq!(
            summary(root, &plan),
            vec![
                entry("masters/WAV/01.wav", "QMDA72400311", "", &[4]),
                entry("rel/01 A.mp3", "USRC17607839", "", &[2]),
                entry("rel/1-03 C.flac", "GBAYE2400301", "", &[3]),
                entry("titled/02 Outro.wav", "JPPO02400406", "", &[5]),
            ]
        );
    }

    #[test]
    fn title_rows() {
        let dir = fixture();
        let root = dir.path();
        let text = "title,release,isrc\n\
                    \"  INTRO \",titled,USRC17607839\n\
                    outro theme,,GBAYE2400301\n\
                    Isrckit Test,,QMDA72400311\n";
        let plan = run(root, text).unwrap();
        assert_eq!(
            summary(root, &plan),
            vec![
                entry("other/Tagged.mp3", "QMDA72400311", "", &[4]),
                entry("titled/01 Intro.wav", "USRC17607839", "", &[2]),
                entry("titled/02 Outro.wav", "GBAYE2400301", "", &[3]),
            ]
        );
    }

    #[test]
    fn rows_that_find_no_file_or_too_many() {
        let dir = fixture();
        let root = dir.path();
        let text = "path,release,track,title,isrc\n\
                    rel/09 Z.wav,,,,USRC17607839\n\
                    rel/notes.txt,,,,USRC17607839\n\
                    rel,,,,USRC17607839\n\
                    ,rel,9,,USRC17607839\n\
                    ,nope,1,,USRC17607839\n\
                    ,masters,1,,USRC17607839\n\
                    ,,,Intro,USRC17607839\n\
                    ,,,No Such Song,USRC17607839\n\
                    damaged/01 Cut.wav,,,,USRC17607839\n\
                    ,rel,2,,GBAYE2400301\n";
        let e = errors_of(run(root, text));
        assert_eq!(lines(&e), (2..=10).collect::<Vec<_>>(), "{e:#?}");
        assert_error(&e, 2, &["file \"rel/09 Z.wav\" does not exist under ROOT"]);
        assert_error(
            &e,
            3,
            &["file \"rel/notes.txt\" cannot take codes: not an audio file isrckit reads"],
        );
        assert_error(&e, 4, &["path \"rel\" is a folder"]);
        assert_error(
            &e,
            5,
            &["no audio file in release \"rel\" has track number 9"],
        );
        assert_error(
            &e,
            6,
            &["release folder \"nope\" does not exist under ROOT"],
        );
        assert_error(
            &e,
            7,
            &[
                "track 1 matches 2 files in release \"masters\"",
                "\"masters/FLAC/01.flac\", \"masters/WAV/01.wav\"",
                "give the subfolder as release",
            ],
        );
        assert_error(
            &e,
            8,
            &[
                "title \"Intro\" matches 2 files under ROOT",
                "\"dupes/Intro.wav\", \"titled/01 Intro.wav\"",
            ],
        );
        assert_error(
            &e,
            9,
            &["no audio file under ROOT has the title \"No Such Song\""],
        );
        assert_error(
            &e,
            10,
            &["file \"damaged/01 Cut.wav\" is damaged (the RIFF header says"],
        );
    }

    #[test]
    fn identifying_values_must_agree_with_the_file() {
        let dir = fixture();
        let root = dir.path();
        let text = "path,release,track,title,isrc\n\
                    rel/01 A.mp3,,2,,USRC17607839\n\
                    titled/02 Outro.wav,,,Intro,GBAYE2400301\n\
                    rel/02 B.wav,other,,,QMDA72400311\n\
                    ,titled,1,Outro Theme,JPPO02400406\n\
                    rel/1-03 C.flac,rel,3,Anything,FRZ032400306\n";
        let e = errors_of(run(root, text));
        assert_eq!(lines(&e), vec![2, 3, 4, 5], "{e:#?}");
        assert_error(
            &e,
            2,
            &["\"rel/01 A.mp3\" is track 1 by its name, but the row says track 2"],
        );
        assert_error(
            &e,
            3,
            &["has the title \"Outro  Theme\" in its tags, but the row says \"Intro\""],
        );
        assert_error(&e, 4, &["\"rel/02 B.wav\" is not in release \"other\""]);
        assert_error(
            &e,
            5,
            &[
                "\"titled/01 Intro.wav\" has the title \"Intro\" in its tags, but the row says \"Outro Theme\"",
            ],
        );
    }

    #[test]
    fn one_file_named_by_two_rows_with_other_codes() {
        let dir = fixture();
        let root = dir.path();
        let text = "path,release,track,isrc,barcode\n\
                    rel/01 A.mp3,,,USRC17607839,\n\
                    rel/02 B.wav,,,GBAYE2400301,\n\
                    ,rel,1,QMDA72400311,\n\
                    ,rel,2,GBAYE2400301,5012345678900\n";
        let e = errors_of(run(root, text));
        assert_eq!(
            e,
            vec![
                (
                    4,
                    "names the same file as line 2, \"rel/01 A.mp3\", with other codes \
                     (line 2: ISRC USRC17607839, no barcode; this row: ISRC QMDA72400311, no barcode); \
                     keep one row for the file, or give both the same codes"
                        .to_string()
                ),
                (
                    5,
                    "names the same file as line 3, \"rel/02 B.wav\", with other codes \
                     (line 3: ISRC GBAYE2400301, no barcode; this row: ISRC GBAYE2400301, barcode 5012345678900); \
                     keep one row for the file, or give both the same codes"
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn one_isrc_on_two_different_recordings() {
        let dir = fixture();
        let root = dir.path();
        let text = "path,isrc\n\
                    titled/01 Intro.wav,USRC17607839\n\
                    titled/02 Outro.wav,USRC17607839\n\
                    long/01 Long.wav,GBAYE2400301\n\
                    rel/02 B.wav,GB-AYE-24-00301\n";
        let e = errors_of(run(root, text));
        assert_eq!(
            e,
            vec![
                (
                    3,
                    "ISRC USRC17607839 is also given on line 2 to \"titled/01 Intro.wav\", a different \
                     recording from \"titled/02 Outro.wav\" (their titles differ: \"Intro\" and \
                     \"Outro  Theme\"); each recording needs its own ISRC: fix one of the two rows"
                        .to_string()
                ),
                (
                    5,
                    "ISRC GBAYE2400301 is also given on line 4 to \"long/01 Long.wav\", a different \
                     recording from \"rel/02 B.wav\" (their durations differ by more than 1 s: \
                     0:02.500 and 0:00.250); each recording needs its own ISRC: fix one of the two rows"
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn one_recording_in_two_formats_shares_its_isrc() {
        let dir = fixture();
        let root = dir.path();
        // Same (absent) title, same duration: one recording. The same holds
        // for untitled files within 1 s of each other (0.432 s, 0.25 s), and
        // for files whose titles differ only in case and spacing.
        let text = "path,isrc,barcode\n\
                    masters/WAV/01.wav,USRC17607839,5012345678900\n\
                    masters/FLAC/01.flac,USRC17607839,0886443927087\n\
                    rel/01 A.mp3,GBAYE2400301,\n\
                    rel/02 B.wav,GBAYE2400301,\n\
                    titled/01 Intro.wav,QMDA72400311,\n\
                    dupes/Intro.wav,QMDA72400311,\n";
        let plan = run(root, text).unwrap();
        assert_eq!(plan.len(), 6);
        assert_eq!(
            plan.iter()
                .filter(|a| a.codes.isrc == Some(isrc("USRC17607839")))
                .count(),
            2
        );
    }

    #[test]
    fn two_barcodes_in_one_release_folder() {
        let dir = fixture();
        let root = dir.path();
        let text = "path,isrc,barcode\n\
                    rel/01 A.mp3,USRC17607839,5012345678900\n\
                    rel/02 B.wav,GBAYE2400301,0886443927087\n\
                    rel/1-03 C.flac,QMDA72400311,5012345678900\n\
                    titled/01 Intro.wav,JPPO02400406,075678164125\n\
                    titled/02 Outro.wav,FRZ032400306,0075678164125\n";
        let e = errors_of(run(root, text));
        assert_eq!(
            e,
            vec![(
                3,
                "barcode 0886443927087 for \"rel/02 B.wav\" differs from barcode 5012345678900 given \
                 on line 2 for \"rel/01 A.mp3\" in the same release folder \"rel\"; a release has \
                 one barcode: fix one of the rows"
                    .to_string()
            )]
        );
    }

    #[test]
    fn root_must_be_a_folder() {
        let dir = fixture();
        let m = parse("path,isrc\na.wav,USRC17607839\n").unwrap();
        let e = resolve(&m, &dir.path().join("rel/01 A.mp3")).unwrap_err();
        assert_eq!(e.errors[0].line, 0);
        let shown = e.to_string();
        assert!(shown.starts_with("ROOT \""), "{shown}");
        assert!(
            shown
                .ends_with("is not a folder; give the folder the manifest's paths are relative to")
        );
    }
}
