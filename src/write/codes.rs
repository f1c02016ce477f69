//! What a write puts into a file, and what it changed.

use crate::codes::{Gtin, Isrc};
use serde::Serialize;

/// The codes to write into one file, already validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Codes {
    /// The recording's ISRC.
    pub isrc: Option<Isrc>,
    /// The release's barcode, written in the form given (12 or 13 digits).
    pub barcode: Option<Gtin>,
}

impl Codes {
    /// The text to store for a kind.
    pub fn text(&self, kind: crate::model::CodeKind) -> Option<String> {
        match kind {
            crate::model::CodeKind::Isrc => self.isrc.map(|i| i.to_string()),
            crate::model::CodeKind::Barcode => {
                self.barcode.as_ref().map(|g| g.as_given().to_string())
            }
        }
    }
}

/// One change a write makes (or would make, in a dry run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// `isrc` or `barcode`.
    pub kind: crate::model::CodeKind,
    /// Where, as `Location::describe` puts it (or the place a new field goes).
    pub location: String,
    /// The text there before; `None` when the field is new.
    pub old: Option<String>,
    /// The text written.
    pub new: String,
}
