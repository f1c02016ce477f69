//! Tests of the code assessment shared by both kinds (`mod.rs`).

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
fn has_isrc_shape_tells_mistyped_codes_from_other_text() {
    // Shaped: valid codes in any accepted form, and mistyped or unissued ones.
    for text in [
        "USRC17607839",
        "ISRC: GB-AYE-68-00011",
        "usrc17607839",
        "USRC1A607839", // a letter in the year
        "USRC176O7839", // the letter O for a zero in the number
        "XX1234567890", // no such country
        "US0000000000", // a placeholder
        "ISRC:USRC1A607839",
    ] {
        assert!(has_isrc_shape(text), "{text:?}");
    }
    // Not shaped: names, URLs, numbers, other lengths.
    for text in [
        "John Smith Ltd", // 12 letters once the spaces go
        "JOHNSMITHLTD",
        "https://example.org/tape/17",
        "Vinyl",
        "075678164125", // a barcode: no country letters
        "000000000000",
        "USRC1760783",  // 11 characters
        "USRC1AB0C839", // three letters among the last seven
        "",
    ] {
        assert!(!has_isrc_shape(text), "{text:?}");
    }
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
