//! ISRC and GTIN (UPC-A, EAN-13, CD media catalog number): parse,
//! normalise, validate, display.
//!
//! Every code text a reader finds goes through [`assess`], which says what
//! the code is ([`Assessment::value`]), whether it is valid, why not, and
//! how the stored text differs from the canonical form. The types behind
//! it, [`Isrc`] and [`Gtin`], are for code that works with codes directly
//! (manifests, the assignment ledger, the audit).

mod countries;
mod gtin;
mod isrc;

pub use countries::{PrefixSource, is_known_prefix, prefix_source};
pub use gtin::{Gtin, GtinError, GtinForm, GtinParse};
pub use isrc::{Isrc, IsrcError, IsrcParse};

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
    /// Whether the text is stored exactly in the code's canonical form (no
    /// hyphens, spaces, lowercase, prefix or padding).
    pub canonical: bool,
}

/// A way stored text differs from the canonical form of its code while
/// still identifying it (so it is accepted and normalised, and reported).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Form {
    /// Whitespace (spaces, tabs, line breaks) before or after the code.
    SurroundingWhitespace,
    /// NUL bytes after the code, as fixed-size tag fields are padded.
    NulPadding,
    /// Preceded by `ISRC` (`ISRC USRC17607839`, `ISRC:USRC17607839`,
    /// `isrc usrc17607839`).
    IsrcPrefix,
    /// Hyphens exactly where the ISRC display form puts them:
    /// `US-RC1-76-07839`.
    DisplayHyphens,
    /// Hyphens anywhere else (for a barcode: any hyphens).
    Hyphens,
    /// Spaces between the characters.
    Spaces,
    /// Lowercase letters.
    Lowercase,
}

impl Form {
    /// The remark in a few words, e.g. "stored with hyphens (display form)".
    pub fn describe(self) -> &'static str {
        match self {
            Form::SurroundingWhitespace => "stored with whitespace around it",
            Form::NulPadding => "stored with trailing NUL bytes",
            Form::IsrcPrefix => "stored with an \"ISRC\" prefix",
            Form::DisplayHyphens => "stored with hyphens (display form)",
            Form::Hyphens => "stored with hyphens",
            Form::Spaces => "stored with spaces",
            Form::Lowercase => "stored in lowercase",
        }
    }
}

/// Assess stored text as a code of `kind`.
///
/// For an ISRC, `value` is the 12 uppercase letters and digits whenever the
/// text comes to exactly that after removing an `ISRC` prefix, hyphens,
/// spaces and surrounding padding, even when the code is then invalid (an
/// unknown country prefix, a placeholder); `valid` is whether
/// [`Isrc::parse`] accepts it.
///
/// For a barcode, `value` is the GTIN-13 form (13 digits; a UPC-A gets a
/// leading 0) whenever the text is 12 or 13 digits after removing hyphens,
/// spaces and padding, even when the check digit is wrong; `valid` is
/// whether [`Gtin::parse`] accepts it.
///
/// `problem` is the error in plain words; `notes` has one sentence per
/// non-canonical form (and, for a UPC-A, that it is compared as GTIN-13).
/// Never panics, whatever the text.
pub fn assess(kind: CodeKind, raw: &str) -> Assessment {
    match kind {
        CodeKind::Isrc => {
            let p = Isrc::parse_detailed(raw);
            let notes = form_notes(&p.forms, "the canonical form is", p.normalised.as_deref());
            Assessment {
                value: p.normalised,
                valid: p.result.is_ok(),
                problem: p.result.err().map(|e| e.to_string()),
                notes,
                canonical: p.forms.is_empty(),
            }
        }
        CodeKind::Barcode => {
            let p = Gtin::parse_detailed(raw);
            let mut notes = form_notes(&p.forms, "the digits are", p.normalised.as_deref());
            let canonical = p.forms.is_empty();
            let value = p.normalised.map(|digits| {
                if digits.len() == 12 {
                    let g13 = format!("0{digits}");
                    notes.push(format!("UPC-A (12 digits); compared as GTIN-13 {g13}"));
                    g13
                } else {
                    digits
                }
            });
            Assessment {
                value,
                valid: p.result.is_ok(),
                problem: p.result.err().map(|e| e.to_string()),
                notes,
                canonical,
            }
        }
    }
}

/// One note per form: "stored with spaces; the canonical form is X".
fn form_notes(forms: &[Form], lead: &str, normalised: Option<&str>) -> Vec<String> {
    forms
        .iter()
        .map(|f| match normalised {
            Some(v) => format!("{}; {lead} {v}", f.describe()),
            None => f.describe().to_string(),
        })
        .collect()
}

/// Whether `text` is an ISRC that [`Isrc::parse`] accepts (any accepted
/// form: hyphens, spaces, lowercase, `ISRC` prefix, padding). For readers
/// that scan free text for codes. Despite the name, an invalid code is not
/// "like" an ISRC here; [`has_isrc_shape`] says whether text is shaped
/// like one, valid or not.
pub fn looks_like_isrc(text: &str) -> bool {
    Isrc::parse(text).is_ok()
}

/// Whether `text` has the shape of an ISRC, valid or not: once the forms
/// [`Isrc::parse`] accepts are taken away (hyphens, spaces, lowercase, an
/// `ISRC` prefix, padding) it is 12 letters and digits, the first two are
/// letters, and at least 5 of the last 7 (the year and the number, all
/// digits in a valid code) are digits.
///
/// For a field whose text is a code only sometimes (RIFF INFO `ISRC`, which
/// the RIFF spec calls "Source"): `USRC1A607839` (a letter typed into the
/// year) and `XX1234567890` (no such country) are mistyped ISRCs, worth
/// reporting as invalid ones; `John Smith Ltd` (12 letters once the spaces
/// go) or a URL are not ISRCs at all.
///
/// ```
/// use isrckit::codes::has_isrc_shape;
///
/// assert!(has_isrc_shape("USRC1A607839"));
/// assert!(has_isrc_shape("us-rc1-76-07839"));
/// assert!(!has_isrc_shape("John Smith Ltd"));
/// assert!(!has_isrc_shape("https://example.org/tape/17"));
/// ```
pub fn has_isrc_shape(text: &str) -> bool {
    let Some(code) = Isrc::parse_detailed(text).normalised else {
        return false;
    };
    let b = code.as_bytes();
    b.len() == 12
        && b[..2].iter().all(u8::is_ascii_alphabetic)
        && b[5..].iter().filter(|c| c.is_ascii_digit()).count() >= 5
}

/// Stored text with its surrounding padding removed.
struct Trimmed<'a> {
    /// The text between the padding.
    text: &'a str,
    /// Byte offset of `text` in the raw string.
    start: usize,
    /// Whitespace was removed at either end.
    whitespace: bool,
    /// NUL bytes were removed at the end.
    nul: bool,
}

/// Remove whitespace at both ends and NUL bytes at the end (tags pad
/// fixed-size fields with them). A NUL at the start or inside is kept: it
/// is a sign of a wrongly decoded text and is reported as a bad character.
fn trim_padding(raw: &str) -> Trimmed<'_> {
    let end_trimmed = raw.trim_end_matches(|c: char| c == '\0' || c.is_whitespace());
    let tail = &raw[end_trimmed.len()..];
    let text = end_trimmed.trim_start_matches(char::is_whitespace);
    let start = end_trimmed.len() - text.len();
    Trimmed {
        text,
        start,
        whitespace: start > 0 || tail.chars().any(char::is_whitespace),
        nul: tail.contains('\0'),
    }
}

/// How a character is shown in a message: `'/'`, or escaped with its code
/// point when it is not a visible ASCII character (`'\0' (U+0000)`).
fn show_char(c: char) -> String {
    if c.is_ascii_graphic() {
        format!("'{c}'")
    } else {
        format!("{c:?} (U+{:04X})", u32::from(c))
    }
}

#[cfg(test)]
mod tests;
