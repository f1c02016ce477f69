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
/// that scan free text for codes.
pub fn looks_like_isrc(text: &str) -> bool {
    Isrc::parse(text).is_ok()
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
mod tests {
    use super::*;

    #[test]
    fn assess_canonical_isrc() {
        let a = assess(CodeKind::Isrc, "USRC17607839");
        assert_eq!(
            a,
            Assessment {
                value: Some("USRC17607839".into()),
                valid: true,
                problem: None,
                notes: vec![],
                canonical: true,
            }
        );
    }

    #[test]
    fn assess_display_form_isrc() {
        let a = assess(CodeKind::Isrc, "US-RC1-76-07839");
        assert_eq!(a.value.as_deref(), Some("USRC17607839"));
        assert!(a.valid);
        assert_eq!(
            a.notes,
            vec!["stored with hyphens (display form); the canonical form is USRC17607839"]
        );
    }

    #[test]
    fn assess_prefixed_lowercase_padded_isrc() {
        let a = assess(CodeKind::Isrc, " isrc usrc17607839\0\0");
        assert_eq!(a.value.as_deref(), Some("USRC17607839"));
        assert!(a.valid);
        assert_eq!(
            a.notes,
            vec![
                "stored with whitespace around it; the canonical form is USRC17607839",
                "stored with trailing NUL bytes; the canonical form is USRC17607839",
                "stored with an \"ISRC\" prefix; the canonical form is USRC17607839",
                "stored in lowercase; the canonical form is USRC17607839",
            ]
        );
    }

    #[test]
    fn assess_unknown_country_keeps_value() {
        let a = assess(CodeKind::Isrc, "XQRC17607839");
        assert_eq!(a.value.as_deref(), Some("XQRC17607839"));
        assert!(!a.valid);
        assert!(a.problem.unwrap().contains("\"XQ\""));
    }

    #[test]
    fn assess_placeholder_isrc() {
        let a = assess(CodeKind::Isrc, "000000000000");
        assert_eq!(a.value.as_deref(), Some("000000000000"));
        assert!(!a.valid);
        assert_eq!(
            a.problem.as_deref(),
            Some(
                "is a placeholder (000000000000), not an issued ISRC; \
                 the recording's real code is needed here"
            )
        );
    }

    #[test]
    fn assess_short_isrc_has_no_value() {
        let a = assess(CodeKind::Isrc, "US-RC1-76-0783");
        assert_eq!(a.value, None);
        assert!(!a.valid);
        assert_eq!(
            a.problem.as_deref(),
            Some(
                "has 11 characters; an ISRC has 12 (2-letter country, 3-character registrant, \
                 2-digit year, 5-digit number, e.g. USRC17607839)"
            )
        );
        // Form notes are still given, without a canonical form.
        assert_eq!(a.notes, vec!["stored with hyphens (display form)"]);
    }

    #[test]
    fn assess_bad_char_isrc() {
        let a = assess(CodeKind::Isrc, "USRC1/607839");
        assert_eq!(a.value, None);
        assert!(a.problem.unwrap().starts_with("has '/' at position 6"));
    }

    #[test]
    fn assess_upc_a() {
        let a = assess(CodeKind::Barcode, "075678164125");
        assert_eq!(
            a,
            Assessment {
                value: Some("0075678164125".into()),
                valid: true,
                problem: None,
                notes: vec!["UPC-A (12 digits); compared as GTIN-13 0075678164125".into()],
                canonical: true,
            }
        );
    }

    #[test]
    fn assess_ean13_with_spaces() {
        let a = assess(CodeKind::Barcode, "4 006381 333931");
        assert_eq!(a.value.as_deref(), Some("4006381333931"));
        assert!(!a.canonical);
        assert!(a.valid);
        assert_eq!(
            a.notes,
            vec!["stored with spaces; the digits are 4006381333931"]
        );
    }

    #[test]
    fn assess_bad_check_digit_keeps_value() {
        let a = assess(CodeKind::Barcode, "075678164124");
        assert_eq!(a.value.as_deref(), Some("0075678164124"));
        assert!(!a.valid);
        assert_eq!(
            a.problem.as_deref(),
            Some("check digit is 4 but the other digits give 5: a typo?")
        );
    }

    #[test]
    fn assess_short_barcode_has_no_value() {
        let a = assess(CodeKind::Barcode, "07567816412");
        assert_eq!(a.value, None);
        assert_eq!(
            a.problem.as_deref(),
            Some("has 11 digits; a barcode has 12 (UPC-A) or 13 (EAN-13)")
        );
    }

    #[test]
    fn assess_odd_input_does_not_panic() {
        for raw in [
            "",
            "\0",
            "ISRC",
            "isrc:",
            "-",
            "   ",
            "é",
            "\u{feff}USRC17607839",
            "ISRC\u{0}",
        ] {
            for kind in [CodeKind::Isrc, CodeKind::Barcode] {
                let a = assess(kind, raw);
                assert!(!a.valid, "{raw:?}");
                assert!(a.problem.is_some());
            }
        }
    }

    #[test]
    fn looks_like_isrc_answers() {
        assert!(looks_like_isrc("USRC17607839"));
        assert!(looks_like_isrc("ISRC: GB-AYE-68-00011"));
        assert!(!looks_like_isrc("Recorded at Abbey Road"));
        assert!(!looks_like_isrc("XXXXX0000000"));
        assert!(!looks_like_isrc("075678164125"));
    }

    #[test]
    fn trim_padding_reports_what_it_removed() {
        let t = trim_padding("  AB \0\0");
        assert_eq!(
            (t.text, t.start, t.whitespace, t.nul),
            ("AB", 2, true, true)
        );
        let t = trim_padding("AB\0");
        assert_eq!(
            (t.text, t.start, t.whitespace, t.nul),
            ("AB", 0, false, true)
        );
        let t = trim_padding("\0AB");
        assert_eq!(
            (t.text, t.start, t.whitespace, t.nul),
            ("\0AB", 0, false, false)
        );
        let t = trim_padding("\u{a0}AB\t");
        assert_eq!(
            (t.text, t.start, t.whitespace, t.nul),
            ("AB", 2, true, false)
        );
    }

    #[test]
    fn show_char_escapes_invisible_characters() {
        assert_eq!(show_char('/'), "'/'");
        assert_eq!(show_char('\0'), "'\\0' (U+0000)");
        assert_eq!(show_char('é'), "'é' (U+00E9)");
        assert_eq!(show_char('\t'), "'\\t' (U+0009)");
    }
}
