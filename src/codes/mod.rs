//! ISRC and GTIN (UPC-A, EAN-13, CD media catalog number): parse,
//! normalise, validate, display.

use crate::model::CodeKind;

/// The verdict on one stored text, as the readers record it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// Normalised value when the text can be brought to the code's shape.
    pub value: Option<String>,
    /// Whether it is a valid code.
    pub valid: bool,
    /// Why not, in plain words.
    pub problem: Option<String>,
    /// Non-canonical form remarks.
    pub notes: Vec<String>,
}

/// Assess stored text as a code of `kind`.
pub fn assess(kind: CodeKind, raw: &str) -> Assessment {
    // Provisional: shape only (replaced by the full validator).
    let t: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .collect::<String>()
        .to_ascii_uppercase();
    let ok = match kind {
        CodeKind::Isrc => t.len() == 12 && t.is_ascii(),
        CodeKind::Barcode => {
            (t.len() == 12 || t.len() == 13) && t.bytes().all(|b| b.is_ascii_digit())
        }
    };
    Assessment {
        value: ok.then_some(t),
        valid: ok,
        problem: (!ok).then(|| "provisional".to_string()),
        notes: Vec::new(),
    }
}
