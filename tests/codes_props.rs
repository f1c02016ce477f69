//! Property tests for `isrckit::codes`: ISRC and GTIN parsing round trips,
//! check digits, and that no input makes the parsers or `assess` panic.

use isrckit::codes::{Form, Gtin, GtinError, GtinForm, Isrc, IsrcError, assess, is_known_prefix};
use isrckit::model::CodeKind;
use proptest::prelude::*;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

/// Every two-letter prefix the library knows.
fn known_prefixes() -> Vec<String> {
    let mut v = Vec::new();
    for a in 'A'..='Z' {
        for b in 'A'..='Z' {
            let s = format!("{a}{b}");
            if is_known_prefix(&s) {
                v.push(s);
            }
        }
    }
    v
}

/// The placeholder rule documented on `Isrc`, restated for generated codes.
fn is_placeholder(code: &str) -> bool {
    let b = code.as_bytes();
    b.iter().all(|&c| c == b[0])
        || b[2..].iter().all(|&c| c == b'0')
        || (b[..5].iter().all(|&c| c == b[0]) && b[5..].iter().all(|&c| c == b'0'))
}

/// Canonical text of a valid ISRC: known prefix, any registrant, year and
/// number, not a placeholder.
fn valid_isrc() -> impl Strategy<Value = String> {
    (
        prop::sample::select(known_prefixes()),
        "[A-Z0-9]{3}",
        0u8..=99,
        0u32..=99_999,
    )
        .prop_map(|(cc, reg, year, num)| format!("{cc}{reg}{year:02}{num:05}"))
        .prop_filter("not a placeholder", |s| !is_placeholder(s))
}

fn hash_of<T: Hash>(t: &T) -> u64 {
    let mut h = DefaultHasher::new();
    t.hash(&mut h);
    h.finish()
}

/// `n` random digits, not all the same (that is a placeholder).
fn digits(n: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(0u8..=9, n)
        .prop_filter("not one digit repeated", |d| d.iter().any(|&x| x != d[0]))
        .prop_map(|d| d.iter().map(|x| char::from(b'0' + x)).collect())
}

/// Digits plus their check digit.
fn with_check_digit(body: &str) -> String {
    let c = Gtin::check_digit_for(body).expect("digits");
    format!("{body}{c}")
}

proptest! {
    #[test]
    fn isrc_canonical_round_trips(code in valid_isrc()) {
        let p = Isrc::parse_detailed(&code);
        let isrc = p.result.clone().expect("valid");
        prop_assert_eq!(isrc.as_str(), code.as_str());
        prop_assert_eq!(isrc.to_string(), code.clone());
        prop_assert_eq!(p.normalised.as_deref(), Some(code.as_str()));
        prop_assert!(p.forms.is_empty());
        prop_assert_eq!(
            format!("{}{}{:02}{:05}", isrc.country(), isrc.registrant(), isrc.year(), isrc.designation()),
            code
        );
    }

    #[test]
    fn isrc_display_form_round_trips(code in valid_isrc()) {
        let isrc = Isrc::parse(&code).expect("valid");
        let shown = isrc.display_form();
        let p = Isrc::parse_detailed(&shown);
        prop_assert_eq!(p.result, Ok(isrc));
        prop_assert_eq!(p.forms, vec![Form::DisplayHyphens]);
    }

    #[test]
    fn isrc_variants_parse_to_the_same_code(code in valid_isrc(), pad in 0usize..3) {
        let isrc = Isrc::parse(&code).expect("valid");
        let display = isrc.display_form();
        let spaced = display.replace('-', " ");
        let variants = [
            (code.to_lowercase(), vec![Form::Lowercase]),
            (spaced.clone(), vec![Form::Spaces]),
            (display.to_lowercase(), vec![Form::DisplayHyphens, Form::Lowercase]),
            (format!("ISRC {code}"), vec![Form::IsrcPrefix]),
            (format!("ISRC:{display}"), vec![Form::IsrcPrefix, Form::DisplayHyphens]),
            (format!("isrc {}", spaced.to_lowercase()), vec![Form::IsrcPrefix, Form::Spaces, Form::Lowercase]),
            (format!("{code}{}", "\0".repeat(pad + 1)), vec![Form::NulPadding]),
            (format!("{}{code}\n", " ".repeat(pad + 1)), vec![Form::SurroundingWhitespace]),
        ];
        for (text, forms) in variants {
            let p = Isrc::parse_detailed(&text);
            prop_assert_eq!(p.result, Ok(isrc), "{:?}", text);
            prop_assert_eq!(p.normalised.as_deref(), Some(code.as_str()), "{:?}", text);
            prop_assert_eq!(p.forms, forms, "{:?}", text);
        }
    }

    #[test]
    fn isrc_order_is_the_order_of_the_text(a in valid_isrc(), b in valid_isrc()) {
        let (x, y) = (Isrc::parse(&a).expect("valid"), Isrc::parse(&b).expect("valid"));
        prop_assert_eq!(x.cmp(&y), a.cmp(&b));
        prop_assert_eq!(x == y, a == b);
    }

    #[test]
    fn isrc_bad_character_is_found_where_it_is(
        code in valid_isrc(),
        at in 0usize..=12,
        bad in prop::char::any().prop_filter("not a letter, digit or separator", |c| {
            !c.is_ascii_alphanumeric() && *c != '-' && *c != ' ' && !c.is_whitespace()
        }),
    ) {
        // Not at the end when it is a NUL: trailing NULs are padding.
        prop_assume!(!(bad == '\0' && at == 12));
        // "ISRC:" before the rest would be read as a prefix.
        prop_assume!(!(bad == ':' && at == 4 && code.starts_with("ISRC")));
        let mut text = code.clone();
        text.insert(at, bad);
        prop_assert_eq!(Isrc::parse(&text), Err(IsrcError::BadChar { ch: bad, position: at + 1 }));
        prop_assert_eq!(Isrc::parse_detailed(&text).normalised, None);
    }

    #[test]
    fn isrc_one_character_short_or_long_is_a_length_error(code in valid_isrc(), extra in "[0-9]") {
        let short = &code[..11];
        prop_assert_eq!(Isrc::parse(short), Err(IsrcError::Length { found: 11 }));
        let long = format!("{code}{extra}");
        prop_assert_eq!(Isrc::parse(&long), Err(IsrcError::Length { found: 13 }));
    }

    #[test]
    fn isrc_parse_never_panics(text in any::<String>()) {
        let p = Isrc::parse_detailed(&text);
        if let Some(n) = &p.normalised {
            prop_assert_eq!(n.len(), 12);
            prop_assert!(n.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
        }
        if let Ok(isrc) = &p.result {
            prop_assert_eq!(Some(isrc.as_str()), p.normalised.as_deref());
        }
    }

    #[test]
    fn isrc_parse_never_panics_on_near_codes(text in "[ -~\\x00-\\x1f\u{a0}\u{feff}é]{0,40}") {
        let _ = Isrc::parse_detailed(&text);
        let _ = Isrc::parse(&format!("ISRC{text}"));
        let _ = Isrc::parse(&format!("isrc:{text}\0"));
    }

    #[test]
    fn isrc_parse_never_panics_on_long_text(c in any::<char>(), n in 0usize..20_000) {
        let text: String = std::iter::repeat_n(c, n).collect();
        let _ = Isrc::parse_detailed(&text);
        let _ = Gtin::parse_detailed(&text);
        let _ = Gtin::parse_mcn(&text);
    }

    #[test]
    fn gtin_with_computed_check_digit_is_valid(body in prop_oneof![digits(11), digits(12)]) {
        let code = with_check_digit(&body);
        let g = Gtin::parse(&code);
        prop_assert!(g.is_ok(), "{}: {:?}", code, g);
        let g = g.expect("valid");
        prop_assert_eq!(g.as_given(), code.as_str());
        prop_assert_eq!(g.gtin13().len(), 13);
        prop_assert_eq!(g.kind(), if code.len() == 12 { GtinForm::UpcA } else { GtinForm::Ean13 });
        prop_assert_eq!(g.check_digit(), code.as_bytes()[code.len() - 1] - b'0');
    }

    #[test]
    fn gtin_any_single_digit_change_is_invalid(
        body in prop_oneof![digits(11), digits(12)],
        at in 0usize..13,
        delta in 1u8..=9,
    ) {
        let code = with_check_digit(&body);
        let at = at % code.len();
        let mut bytes = code.clone().into_bytes();
        bytes[at] = b'0' + (bytes[at] - b'0' + delta) % 10;
        let changed = String::from_utf8(bytes).expect("ascii");
        let r = Gtin::parse(&changed);
        prop_assert!(r.is_err(), "{} -> {} accepted", code, changed);
        // Still 12 or 13 digits, so assess gives the GTIN-13 all the same.
        let a = assess(CodeKind::Barcode, &changed);
        prop_assert!(!a.valid);
        prop_assert_eq!(a.value.map(|v| v.len()), Some(13));
        if !matches!(r, Err(GtinError::Placeholder { .. })) {
            prop_assert!(matches!(r, Err(GtinError::CheckDigit { .. })), "{:?}", r);
        }
    }

    #[test]
    fn upc_a_equals_its_ean13_form(body in digits(11)) {
        let upc_text = with_check_digit(&body);
        let ean_text = format!("0{upc_text}");
        let upc = Gtin::parse(&upc_text).expect("valid UPC-A");
        let ean = Gtin::parse(&ean_text).expect("valid EAN-13");
        prop_assert_eq!(upc, ean);
        prop_assert_eq!(hash_of(&upc), hash_of(&ean));
        prop_assert_eq!(upc.gtin13(), ean_text.as_str());
        prop_assert_eq!(upc.kind(), GtinForm::UpcA);
        prop_assert_eq!(ean.kind(), GtinForm::Ean13);
        prop_assert_eq!(Gtin::parse_mcn(&ean_text), Ok(Some(upc)));
        prop_assert_eq!(
            assess(CodeKind::Barcode, &upc_text).value,
            assess(CodeKind::Barcode, &ean_text).value
        );
    }

    #[test]
    fn gtin_separators_do_not_change_the_code(body in digits(12), cuts in prop::collection::vec((0usize..13, prop::bool::ANY), 0..4)) {
        let code = with_check_digit(&body);
        let mut text = code.clone();
        for (at, hyphen) in cuts.iter().rev() {
            let at = (*at).min(text.len());
            text.insert(at, if *hyphen { '-' } else { ' ' });
        }
        prop_assert_eq!(Gtin::parse(&text), Gtin::parse(&code));
        prop_assert_eq!(Gtin::parse_detailed(&text).normalised, Some(code));
    }

    #[test]
    fn assess_never_panics(text in any::<String>()) {
        for kind in [CodeKind::Isrc, CodeKind::Barcode] {
            let a = assess(kind, &text);
            prop_assert_eq!(a.valid, a.problem.is_none());
            if a.valid {
                prop_assert!(a.value.is_some());
            }
            if let Some(v) = &a.value {
                match kind {
                    CodeKind::Isrc => prop_assert_eq!(v.len(), 12),
                    CodeKind::Barcode => {
                        prop_assert_eq!(v.len(), 13);
                        prop_assert!(v.bytes().all(|b| b.is_ascii_digit()));
                    }
                    other => panic!("a kind this test does not know: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn assess_agrees_with_parse(code in valid_isrc()) {
        let a = assess(CodeKind::Isrc, &code);
        prop_assert!(a.valid);
        prop_assert_eq!(a.value.as_deref(), Some(code.as_str()));
        prop_assert!(a.notes.is_empty());
        prop_assert!(isrckit::codes::looks_like_isrc(&code));
    }
}
