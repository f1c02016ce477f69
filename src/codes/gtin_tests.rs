//! Tests of GTIN (UPC/EAN barcode) parsing and checking (`gtin.rs`).

use super::*;

fn ok(raw: &str) -> Gtin {
    Gtin::parse(raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"))
}

fn err(raw: &str) -> GtinError {
    Gtin::parse(raw).expect_err(raw)
}

#[test]
fn upc_a() {
    let g = ok("075678164125");
    assert_eq!(g.kind(), GtinForm::UpcA);
    assert_eq!(g.as_given(), "075678164125");
    assert_eq!(g.gtin13(), "0075678164125");
    assert_eq!(g.check_digit(), 5);
    assert_eq!(g.to_string(), "075678164125");
    assert_eq!(format!("{g:?}"), "Gtin(UpcA 075678164125)");
    let p = Gtin::parse_detailed("075678164125");
    assert_eq!(p.normalised.as_deref(), Some("075678164125"));
    assert!(p.forms.is_empty());
}

#[test]
fn ean13() {
    let g = ok("4006381333931");
    assert_eq!(g.kind(), GtinForm::Ean13);
    assert_eq!(g.as_given(), "4006381333931");
    assert_eq!(g.gtin13(), "4006381333931");
    assert_eq!(g.check_digit(), 1);
    ok("5099902894126");
    ok("9780201379624");
}

#[test]
fn upc_a_equals_its_ean13_form() {
    let upc = ok("075678164125");
    let ean = ok("0075678164125");
    assert_eq!(upc, ean);
    assert_eq!(upc.cmp(&ean), Ordering::Equal);
    let set: std::collections::HashSet<Gtin> = [upc, ean].into_iter().collect();
    assert_eq!(set.len(), 1);
    // ... but each keeps the form it was given in.
    assert_eq!(ean.kind(), GtinForm::Ean13);
    assert_eq!(ean.as_given(), "0075678164125");
    assert_ne!(upc, ok("4006381333931"));
}

#[test]
fn forms() {
    let cases: [(&str, &[Form]); 5] = [
        ("0 75678 16412 5", &[Form::Spaces]),
        ("0-75678-16412-5", &[Form::Hyphens]),
        (" 075678164125\n", &[Form::SurroundingWhitespace]),
        ("075678164125\0\0", &[Form::NulPadding]),
        (
            "\t0-75678 16412-5 \0",
            &[
                Form::SurroundingWhitespace,
                Form::NulPadding,
                Form::Hyphens,
                Form::Spaces,
            ],
        ),
    ];
    for (raw, forms) in cases {
        let p = Gtin::parse_detailed(raw);
        assert_eq!(p.result, Ok(ok("075678164125")), "{raw:?}");
        assert_eq!(p.normalised.as_deref(), Some("075678164125"), "{raw:?}");
        assert_eq!(p.forms, forms, "{raw:?}");
    }
}

#[test]
fn wrong_check_digit() {
    assert_eq!(
        err("075678164124"),
        GtinError::CheckDigit {
            found: 4,
            expected: 5
        }
    );
    assert_eq!(
        err("075678164124").to_string(),
        "check digit is 4 but the other digits give 5: a typo?"
    );
    assert_eq!(
        err("4006381333932"),
        GtinError::CheckDigit {
            found: 2,
            expected: 1
        }
    );
    // The digits are still given.
    let p = Gtin::parse_detailed("075678164124");
    assert_eq!(p.normalised.as_deref(), Some("075678164124"));
}

#[test]
fn wrong_length() {
    assert_eq!(err("07567816412"), GtinError::Length { found: 11 });
    assert_eq!(
        err("07567816412").to_string(),
        "has 11 digits; a barcode has 12 (UPC-A) or 13 (EAN-13)"
    );
    assert_eq!(
        err("1").to_string(),
        "has 1 digit; a barcode has 12 (UPC-A) or 13 (EAN-13)"
    );
    assert_eq!(err("00075678164125"), GtinError::Length { found: 14 });
    assert_eq!(Gtin::parse_detailed("07567816412").normalised, None);
}

#[test]
fn ean8_is_not_a_release_barcode() {
    assert_eq!(err("96385074"), GtinError::Ean8);
    assert_eq!(
        err("9638-5074").to_string(),
        "has 8 digits, like an EAN-8 (a short code for small packages), which is not a \
         release barcode; a barcode has 12 (UPC-A) or 13 (EAN-13) digits"
    );
}

#[test]
fn not_a_digit() {
    assert_eq!(
        err("07567816412X"),
        GtinError::NotDigit {
            ch: 'X',
            position: 12
        }
    );
    assert_eq!(
        err("UPC 075678164125").to_string(),
        "has 'U' at position 1, which is not a digit; a barcode has 12 (UPC-A) or 13 (EAN-13) digits"
    );
    assert_eq!(
        err("  0756/78164125"),
        GtinError::NotDigit {
            ch: '/',
            position: 7
        }
    );
    assert_eq!(
        err("０75678164125"),
        GtinError::NotDigit {
            ch: '０',
            position: 1
        }
    );
    assert_eq!(Gtin::parse_detailed("07567816412X").normalised, None);
}

#[test]
fn empty() {
    for raw in ["", " ", "\0\0", "- -"] {
        assert_eq!(err(raw), GtinError::Empty, "{raw:?}");
    }
    assert_eq!(
        GtinError::Empty.to_string(),
        "is empty; a barcode has 12 (UPC-A) or 13 (EAN-13) digits"
    );
}

#[test]
fn placeholders() {
    assert_eq!(
        err("0000000000000"),
        GtinError::Placeholder {
            digits: "0000000000000".into()
        }
    );
    assert_eq!(
        err("000000000000").to_string(),
        "is all zeros (000000000000), which means \"no barcode\", not a release's barcode"
    );
    // These have a correct check digit, yet are plainly not barcodes.
    assert_eq!(
        err("2222222222222").to_string(),
        "is one digit repeated (2222222222222), a placeholder, not a release's barcode"
    );
    assert!(matches!(err("555555555555"), GtinError::Placeholder { .. }));
}

#[test]
fn media_catalog_number() {
    assert_eq!(Gtin::parse_mcn("0000000000000"), Ok(None));
    assert_eq!(
        Gtin::parse_mcn("0075678164125"),
        Ok(Some(ok("075678164125")))
    );
    assert_eq!(
        Gtin::parse_mcn("0075678164125").map(|g| g.map(|g| g.kind())),
        Ok(Some(GtinForm::Ean13))
    );
    assert_eq!(
        Gtin::parse_mcn("4006381333931 \0"),
        Ok(Some(ok("4006381333931")))
    );
    assert_eq!(
        Gtin::parse_mcn("075678164125"),
        Err(GtinError::McnLength { found: 12 })
    );
    assert_eq!(
        Gtin::parse_mcn("075678164125").unwrap_err().to_string(),
        "has 12 digits; a CD media catalog number has 13 (a UPC-A is written with a leading 0)"
    );
    assert_eq!(
        Gtin::parse_mcn("0075678164124"),
        Err(GtinError::CheckDigit {
            found: 4,
            expected: 5
        })
    );
    assert_eq!(Gtin::parse_mcn(""), Err(GtinError::Empty));
    assert_eq!(
        Gtin::parse_mcn("000000000000A"),
        Err(GtinError::NotDigit {
            ch: 'A',
            position: 13
        })
    );
    assert!(matches!(
        Gtin::parse_mcn("1111111111111"),
        Err(GtinError::Placeholder { .. })
    ));
}

#[test]
fn check_digit_for() {
    assert_eq!(Gtin::check_digit_for("07567816412"), Some(5));
    assert_eq!(Gtin::check_digit_for("400638133393"), Some(1));
    assert_eq!(Gtin::check_digit_for("000000000000"), Some(0));
    // EAN-8 and GTIN-14 use the same rule.
    assert_eq!(Gtin::check_digit_for("9638507"), Some(4));
    assert_eq!(Gtin::check_digit_for(""), None);
    assert_eq!(Gtin::check_digit_for("12a"), None);
}

#[test]
fn from_str_and_serialize() {
    let g: Gtin = "075678164125".parse().unwrap();
    assert_eq!(serde_json::to_string(&g).unwrap(), "\"075678164125\"");
    assert_eq!(serde_json::to_string(&GtinForm::UpcA).unwrap(), "\"upc-a\"");
    assert_eq!(
        "x".parse::<Gtin>(),
        Err(GtinError::NotDigit {
            ch: 'x',
            position: 1
        })
    );
}
