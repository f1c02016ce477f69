//! The column vocabulary shared by the CSV and JSON readers: which
//! columns there are, a row's values as read, and the hint for a column
//! name that is not known.

use super::COLUMNS;

/// A known column; its name is [`COLUMNS`] at its index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Col {
    Path,
    Isrc,
    Barcode,
    Track,
    Release,
    Title,
}

impl Col {
    pub(super) fn name(self) -> &'static str {
        COLUMNS[self as usize]
    }

    /// The column a header name (or JSON key) names: its own name or one
    /// of its [`ALIASES`], compared by [`squash`].
    pub(super) fn from_name(name: &str) -> Option<Col> {
        let key = squash(name);
        ALIASES
            .iter()
            .find(|(_, names)| names.contains(&key.as_str()))
            .map(|(c, _)| *c)
    }
}

/// The names each column is known by, as [`squash`] leaves them: its own
/// name first, then the names labels' and distributors' sheets use. The
/// README's embed section lists them; keep the two the same.
pub(super) const ALIASES: [(Col, &[&str]); 6] = [
    (Col::Path, &["path", "file", "filename", "filepath"]),
    (Col::Isrc, &["isrc", "isrccode", "isrcnumber", "trackisrc"]),
    (
        Col::Barcode,
        &[
            "barcode", "upc", "ean", "gtin", "upcean", "eanupc", "upccode", "eancode", "upca",
            "ean13",
        ],
    ),
    (
        Col::Track,
        &[
            "track",
            "track#",
            "trackno",
            "tracknr",
            "tracknumber",
            "no",
            "nr",
            "#",
        ],
    ),
    (
        Col::Release,
        &["release", "album", "folder", "releasefolder", "albumfolder"],
    ),
    (
        Col::Title,
        &["title", "tracktitle", "songtitle", "trackname", "songname"],
    ),
];

/// A header name as compared: lower case, without white space and the
/// separators `_ - . /` (`Track No.` and `track_no` are `trackno`).
pub(super) fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '.' | '/'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A row's values as read: trimmed, only the non-empty ones.
pub(super) struct RawRow {
    pub(super) line: usize,
    values: [Option<String>; 6],
}

impl RawRow {
    pub(super) fn new(line: usize) -> RawRow {
        RawRow {
            line,
            values: Default::default(),
        }
    }

    pub(super) fn get(&self, c: Col) -> Option<&str> {
        self.values[c as usize].as_deref()
    }

    pub(super) fn set(&mut self, c: Col, value: &str) {
        let v = value.trim();
        if !v.is_empty() {
            self.values[c as usize] = Some(v.to_string());
        }
    }
}

/// The known column names, for messages: `path, isrc, barcode, ...`.
pub(super) fn known_list() -> String {
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
        "barcodes" | "upcs" | "eans" | "gtin13" | "gtin12" | "upcnumber" | "eannumber" => "barcode",
        "isrcs" | "isrcno" => "isrc",
        "files" | "paths" | "filenames" => "path",
        "tracks" | "number" | "position" | "trackposition" => "track",
        "directory" | "dir" | "releases" | "albums" => "release",
        "name" | "song" | "titles" => "title",
        _ => return None,
    })
}

/// `"UPC" (did you mean "barcode"?)`.
pub(super) fn describe_unknown(name: &str) -> String {
    let shown = crate::sanitize::value(name);
    match hint(name) {
        Some(h) => format!("\"{shown}\" (did you mean \"{h}\"?)"),
        None => format!("\"{shown}\""),
    }
}
