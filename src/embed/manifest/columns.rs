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
    const ALL: [Col; 6] = [
        Col::Path,
        Col::Isrc,
        Col::Barcode,
        Col::Track,
        Col::Release,
        Col::Title,
    ];

    pub(super) fn name(self) -> &'static str {
        COLUMNS[self as usize]
    }

    /// The column of a trimmed, lowercased name.
    pub(super) fn from_name(name: &str) -> Option<Col> {
        Col::ALL.into_iter().find(|c| c.name() == name)
    }
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
pub(super) fn describe_unknown(name: &str) -> String {
    let shown = crate::sanitize::value(name);
    match hint(name) {
        Some(h) => format!("\"{shown}\" (did you mean \"{h}\"?)"),
        None => format!("\"{shown}\""),
    }
}
