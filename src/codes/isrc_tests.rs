//! Tests of ISRC parsing and checking (`isrc.rs`).

use super::*;

const SHAPE_TAIL: &str =
    "(2-letter country, 3-character registrant, 2-digit year, 5-digit number, e.g. USRC17607839)";

fn ok(raw: &str) -> Isrc {
    Isrc::parse(raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"))
}

fn err(raw: &str) -> IsrcError {
    Isrc::parse(raw).expect_err(raw)
}

#[test]
fn canonical_codes_parse_with_no_forms() {
    for raw in [
        "USRC17607839",
        "GBAYE6800011",
        "USS1Z9900001",
        "ZZAAA2400001",
        "QMDA71418090",
    ] {
        let p = Isrc::parse_detailed(raw);
        assert_eq!(p.result.as_ref().map(Isrc::as_str), Ok(raw));
        assert_eq!(p.normalised.as_deref(), Some(raw));
        assert!(p.forms.is_empty(), "{raw}: {:?}", p.forms);
    }
}

#[test]
fn elements() {
    let i = ok("GBAYE6800011");
    assert_eq!(i.country(), "GB");
    assert_eq!(i.registrant(), "AYE");
    assert_eq!(i.prefix_code(), "GBAYE");
    assert_eq!(i.year(), 68);
    assert_eq!(i.designation(), 11);
    assert_eq!(i.to_string(), "GBAYE6800011");
    assert_eq!(i.display_form(), "GB-AYE-68-00011");
    assert_eq!(format!("{i:?}"), "Isrc(GBAYE6800011)");
    let i = ok("USS1Z9999999");
    assert_eq!((i.year(), i.designation()), (99, 99999));
    let i = ok("USS1Z0000000");
    assert_eq!((i.year(), i.designation()), (0, 0));
}

#[test]
fn display_form_hyphens() {
    let p = Isrc::parse_detailed("US-S1Z-99-00001");
    assert_eq!(p.result, Ok(ok("USS1Z9900001")));
    assert_eq!(p.normalised.as_deref(), Some("USS1Z9900001"));
    assert_eq!(p.forms, vec![Form::DisplayHyphens]);
}

#[test]
fn other_hyphens() {
    for raw in [
        "USS1Z-99-00001",
        "US--S1Z-99-00001",
        "US-S1Z-9900-001",
        "-USS1Z9900001",
        "USS1Z9900001-",
    ] {
        let p = Isrc::parse_detailed(raw);
        assert_eq!(p.result, Ok(ok("USS1Z9900001")), "{raw}");
        assert_eq!(p.forms, vec![Form::Hyphens], "{raw}");
    }
}

#[test]
fn spaces() {
    let p = Isrc::parse_detailed("US RC1 76 07839");
    assert_eq!(p.result, Ok(ok("USRC17607839")));
    assert_eq!(p.forms, vec![Form::Spaces]);
}

#[test]
fn lowercase() {
    let p = Isrc::parse_detailed("usrc17607839");
    assert_eq!(p.result, Ok(ok("USRC17607839")));
    assert_eq!(p.normalised.as_deref(), Some("USRC17607839"));
    assert_eq!(p.forms, vec![Form::Lowercase]);
    let p = Isrc::parse_detailed("GBaye6800011");
    assert_eq!(p.forms, vec![Form::Lowercase]);
}

#[test]
fn isrc_prefix_forms() {
    let cases: [(&str, &[Form]); 8] = [
        ("ISRC USRC17607839", &[Form::IsrcPrefix]),
        ("ISRC:USRC17607839", &[Form::IsrcPrefix]),
        ("ISRC: USRC17607839", &[Form::IsrcPrefix]),
        ("ISRCUSRC17607839", &[Form::IsrcPrefix]),
        ("isrc usrc17607839", &[Form::IsrcPrefix, Form::Lowercase]),
        ("isrc USRC17607839", &[Form::IsrcPrefix]),
        (
            "ISRC US-RC1-76-07839",
            &[Form::IsrcPrefix, Form::DisplayHyphens],
        ),
        ("ISRC-USRC17607839", &[Form::IsrcPrefix]),
    ];
    for (raw, forms) in cases {
        let p = Isrc::parse_detailed(raw);
        assert_eq!(p.result, Ok(ok("USRC17607839")), "{raw}");
        assert_eq!(p.forms, forms, "{raw}");
    }
}

#[test]
fn isrc_letters_that_are_the_code_are_not_a_prefix() {
    // IS (Iceland) + registrant RC1: a code, not "ISRC" + 8 characters.
    let p = Isrc::parse_detailed("ISRC17607839");
    assert_eq!(p.result.map(|i| i.to_string()), Ok("ISRC17607839".into()));
    assert!(p.forms.is_empty());
    let p = Isrc::parse_detailed("IS-RC1-76-07839");
    assert_eq!(p.forms, vec![Form::DisplayHyphens]);
    // With a colon it is a prefix, and 8 characters are too few.
    assert_eq!(err("ISRC:17607839"), IsrcError::Length { found: 8 });
    // "ISRC" alone is too short, not an empty code.
    assert_eq!(err("ISRC"), IsrcError::Length { found: 4 });
    assert_eq!(
        err("ISRC:"),
        IsrcError::BadChar {
            ch: ':',
            position: 5
        }
    );
}

#[test]
fn padding() {
    let p = Isrc::parse_detailed("USRC17607839\0\0\0\0");
    assert_eq!(p.result, Ok(ok("USRC17607839")));
    assert_eq!(p.forms, vec![Form::NulPadding]);
    let p = Isrc::parse_detailed("  USRC17607839\r\n");
    assert_eq!(p.forms, vec![Form::SurroundingWhitespace]);
    let p = Isrc::parse_detailed("\tusrc17607839 \0");
    assert_eq!(
        p.forms,
        vec![
            Form::SurroundingWhitespace,
            Form::NulPadding,
            Form::Lowercase
        ]
    );
}

#[test]
fn empty() {
    for raw in ["", "   ", "\0\0\0", "---", " - - "] {
        let p = Isrc::parse_detailed(raw);
        assert_eq!(p.result, Err(IsrcError::Empty), "{raw:?}");
        assert_eq!(p.normalised, None);
    }
    assert_eq!(
        IsrcError::Empty.to_string(),
        format!("is empty; an ISRC has 12 characters {SHAPE_TAIL}")
    );
}

#[test]
fn wrong_length() {
    assert_eq!(err("USRC1760783"), IsrcError::Length { found: 11 });
    assert_eq!(err("USRC176078390"), IsrcError::Length { found: 13 });
    assert_eq!(err("U"), IsrcError::Length { found: 1 });
    assert_eq!(err("US-RC1-76-078391"), IsrcError::Length { found: 13 });
    assert_eq!(
        err("USRC1760783").to_string(),
        format!("has 11 characters; an ISRC has 12 {SHAPE_TAIL}")
    );
    assert_eq!(
        err("U").to_string(),
        format!("has 1 character; an ISRC has 12 {SHAPE_TAIL}")
    );
    assert_eq!(Isrc::parse_detailed("USRC1760783").normalised, None);
}

#[test]
fn bad_characters() {
    assert_eq!(
        err("USRC1/607839"),
        IsrcError::BadChar {
            ch: '/',
            position: 6
        }
    );
    assert_eq!(
        err("USRC1/607839").to_string(),
        format!(
            "has '/' at position 6, which is not a letter or digit; \
             an ISRC has 12 letters and digits {SHAPE_TAIL}"
        )
    );
    // Positions count the raw text, padding and prefix included.
    assert_eq!(
        err("  USRC1/607839"),
        IsrcError::BadChar {
            ch: '/',
            position: 8
        }
    );
    assert_eq!(
        err("ISRC USRC1/607839"),
        IsrcError::BadChar {
            ch: '/',
            position: 11
        }
    );
    assert_eq!(
        err("ÜSRC17607839"),
        IsrcError::BadChar {
            ch: 'Ü',
            position: 1
        }
    );
    assert_eq!(
        err("USRC1760783_"),
        IsrcError::BadChar {
            ch: '_',
            position: 12
        }
    );
    // UTF-16 text decoded as single bytes: NULs between the letters.
    assert_eq!(
        err("U\0S\0R\0C\0"),
        IsrcError::BadChar {
            ch: '\0',
            position: 2
        }
    );
    // A byte-order mark left at the start.
    assert_eq!(
        err("\u{feff}USRC17607839"),
        IsrcError::BadChar {
            ch: '\u{feff}',
            position: 1
        }
    );
    assert!(
        err("USRC1\t7607839")
            .to_string()
            .starts_with("has '\\t' (U+0009) at position 6")
    );
    // A bad character is reported before the length.
    assert_eq!(
        err("US/RC"),
        IsrcError::BadChar {
            ch: '/',
            position: 3
        }
    );
    assert_eq!(Isrc::parse_detailed("USRC1/607839").normalised, None);
}

#[test]
fn country_must_be_letters() {
    assert_eq!(
        err("1SRC17607839"),
        IsrcError::CountryNotLetters { found: "1S".into() }
    );
    assert_eq!(
        err("U5RC17607839"),
        IsrcError::CountryNotLetters { found: "U5".into() }
    );
    assert_eq!(
        err("12RC17607839").to_string(),
        format!(
            "starts with \"12\", but the first two characters (the country code) must be \
             letters; an ISRC has 12 characters {SHAPE_TAIL}"
        )
    );
    // The normalised text is still given.
    assert_eq!(
        Isrc::parse_detailed("12rc17607839").normalised.as_deref(),
        Some("12RC17607839")
    );
}

#[test]
fn year_must_be_digits() {
    assert_eq!(
        err("USRC1A607839"),
        IsrcError::YearNotDigits { found: "A6".into() }
    );
    assert_eq!(
        err("USRC1AB07839").to_string(),
        format!(
            "has \"AB\" where the 2-digit year must be (characters 6-7); \
             an ISRC has 12 characters {SHAPE_TAIL}"
        )
    );
}

#[test]
fn designation_must_be_digits() {
    assert_eq!(
        err("USRC17607B39"),
        IsrcError::DesignationNotDigits {
            found: "07B39".into()
        }
    );
    assert_eq!(
        err("USRC1760783O").to_string(),
        format!(
            "has \"0783O\" where the 5-digit number must be (characters 8-12); \
             an ISRC has 12 characters {SHAPE_TAIL}"
        )
    );
}

#[test]
fn placeholders() {
    for raw in [
        "000000000000",
        "XXXXXXXXXXXX",
        "999999999999",
        "XX0000000000",
        "AA0000000000",
        "US0000000000",
        "ZZ0000000000",
        "XXXXX0000000",
        "AAAAA0000000",
        "CC-XXX-YY-NNNNN",
        "00-000-00-00000",
    ] {
        let p = Isrc::parse_detailed(raw);
        let code = p.normalised.clone().expect(raw);
        assert_eq!(p.result, Err(IsrcError::Placeholder { code }), "{raw}");
    }
    assert_eq!(
        err("000000000000").to_string(),
        "is a placeholder (000000000000), not an issued ISRC; the recording's real code is needed here"
    );
    // Real registrants with year 00 and number 00000 are codes.
    ok("USRC10000000");
    ok("ZZZZZ0000001");
    ok("ZZAAA0000000");
    // A repeated-letter prefix with a real year is a code too.
    ok("ZZZZZ2400001");
}

#[test]
fn unknown_country() {
    assert_eq!(
        err("XQRC17607839"),
        IsrcError::UnknownCountry {
            prefix: "XQ".into()
        }
    );
    assert_eq!(
        err("aaRC17607839"),
        IsrcError::UnknownCountry {
            prefix: "AA".into()
        }
    );
    assert_eq!(
        err("EURC17607839").to_string(),
        "starts with \"EU\", which is not a country code ISRCs are issued under \
         (ISO 3166 codes such as US or GB, or agency prefixes such as QM or ZZ); \
         check the first two letters"
    );
}

#[test]
fn agency_prefixes_are_valid() {
    for raw in [
        "QMDA71418090",
        "QZES71800001",
        "QTAB12300001",
        "GXABC1200001",
        "UKABC1200001",
        "CPABC1200001",
        "DGABC1200001",
        "TCABC1200001",
        "ZZABC1200001",
        "XKABC1200001",
        "FXABC1200001",
    ] {
        ok(raw);
    }
}

#[test]
fn future_year_is_not_invalid_here() {
    ok("USRC19900001");
    ok("USRC14500001");
}

#[test]
fn from_str_ord_hash_serialize() {
    let a: Isrc = "GBAYE6800011".parse().unwrap();
    let b: Isrc = "USRC17607839".parse().unwrap();
    assert!(a < b);
    assert_eq!("gb-aye-68-00011".parse::<Isrc>(), Ok(a));
    let set: std::collections::HashSet<Isrc> = ["GBAYE6800011", "GB-AYE-68-00011", "gbaye6800011"]
        .iter()
        .map(|s| ok(s))
        .collect();
    assert_eq!(set.len(), 1);
    assert_eq!(serde_json::to_string(&a).unwrap(), "\"GBAYE6800011\"");
    assert_eq!("".parse::<Isrc>(), Err(IsrcError::Empty));
}
