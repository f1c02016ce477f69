//! Release barcodes: UPC-A (12 digits) and EAN-13 (13 digits), both GS1
//! GTINs, and the CD media catalog number (13 digits, all zeros = none).

use super::{Form, show_char, trim_padding};
use serde::{Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

/// What the length and check-digit messages end with.
const SHAPE: &str = "a barcode has 12 (UPC-A) or 13 (EAN-13)";

/// Which form a barcode was given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GtinForm {
    /// UPC-A, 12 digits (GTIN-12): the GTIN-13 with its leading 0 left off.
    UpcA,
    /// EAN-13, 13 digits (GTIN-13).
    Ean13,
}

/// A release barcode: a UPC-A or EAN-13 with a correct GS1 check digit,
/// that is not a placeholder (all zeros, or one digit repeated).
///
/// The digits are kept in the form given (so a tag written back keeps the
/// user's form), but barcodes compare, hash and order as GTIN-13: the UPC-A
/// `075678164125` equals the EAN-13 `0075678164125`.
///
/// ```
/// use isrckit::codes::{Gtin, GtinForm};
///
/// let upc = Gtin::parse("075678164125")?;
/// assert_eq!(upc.kind(), GtinForm::UpcA);
/// assert_eq!(upc.as_given(), "075678164125");
/// assert_eq!(upc.gtin13(), "0075678164125");
/// assert_eq!(upc, Gtin::parse("0075678164125")?);
///
/// let err = Gtin::parse("075678164124").unwrap_err();
/// assert_eq!(err.to_string(), "check digit is 4 but the other digits give 5: a typo?");
/// # Ok::<(), isrckit::codes::GtinError>(())
/// ```
#[derive(Clone, Copy)]
pub struct Gtin {
    /// The GTIN-13 digits (ASCII); a UPC-A has a leading `0` here.
    digits: [u8; 13],
    /// The form given.
    form: GtinForm,
}

/// Why a text is not a valid barcode. The `Display` text is a plain
/// sentence about the stored text that says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GtinError {
    /// Nothing but padding, hyphens and spaces (or nothing at all).
    #[error("is empty; {SHAPE} digits")]
    Empty,
    /// Neither 12 nor 13 digits (nor 8, see [`GtinError::Ean8`]).
    #[error("has {found} digit{}; {SHAPE}", plural(*.found))]
    Length {
        /// How many digits there are.
        found: usize,
    },
    /// 8 digits: an EAN-8, a short code for small packages.
    #[error(
        "has 8 digits, like an EAN-8 (a short code for small packages), which is not a release barcode; {SHAPE} digits"
    )]
    Ean8,
    /// A CD media catalog number that is not 13 digits.
    #[error("has {found} digit{}; a CD media catalog number has 13 (a UPC-A is written with a leading 0)", plural(*.found))]
    McnLength {
        /// How many digits there are.
        found: usize,
    },
    /// A character that is not a digit, a hyphen or a space.
    #[error("has {} at position {position}, which is not a digit; {SHAPE} digits", show_char(*.ch))]
    NotDigit {
        /// The character.
        ch: char,
        /// Where it is: 1-based, counted in characters of the text as
        /// stored (padding included).
        position: usize,
    },
    /// The last digit does not match the GS1 check digit of the others.
    #[error("check digit is {found} but the other digits give {expected}: a typo?")]
    CheckDigit {
        /// The last digit as stored.
        found: u8,
        /// The check digit the other digits call for.
        expected: u8,
    },
    /// All zeros (the usual way of saying "no barcode"), or one digit
    /// repeated.
    #[error("{}", placeholder_message(.digits))]
    Placeholder {
        /// The digits as given.
        digits: String,
    },
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn placeholder_message(digits: &str) -> String {
    if digits.bytes().all(|b| b == b'0') {
        format!("is all zeros ({digits}), which means \"no barcode\", not a release's barcode")
    } else {
        format!("is one digit repeated ({digits}), a placeholder, not a release's barcode")
    }
}

/// Everything [`Gtin::parse_detailed`] found out about a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GtinParse {
    /// The barcode, or why the text is not a valid one.
    pub result: Result<Gtin, GtinError>,
    /// The digits in the form given (12 or 13), when the text comes to
    /// exactly that after removing hyphens, spaces and padding, even when
    /// the check digit is wrong; `None` otherwise.
    pub normalised: Option<String>,
    /// How the text differs from bare digits, in the order [`Form`] lists
    /// them; empty for bare digits.
    pub forms: Vec<Form>,
}

impl Gtin {
    /// Parse a UPC-A (12 digits) or EAN-13 (13 digits), accepting hyphens,
    /// spaces, surrounding whitespace and trailing NUL bytes.
    ///
    /// # Errors
    ///
    /// A [`GtinError`] saying what is wrong when the text is not a valid
    /// barcode (length, a non-digit, placeholder, check digit).
    pub fn parse(raw: &str) -> Result<Gtin, GtinError> {
        Gtin::parse_detailed(raw).result
    }

    /// Parse a barcode and report the digits found and the non-canonical
    /// forms, whether or not the barcode is valid.
    pub fn parse_detailed(raw: &str) -> GtinParse {
        let scan = scan(raw);
        let normalised = match scan.count {
            12 | 13 if scan.bad.is_none() => Some(ascii_string(&scan.digits[..scan.count])),
            _ => None,
        };
        let result = match (scan.bad, scan.count) {
            (Some((ch, position)), _) => Err(GtinError::NotDigit { ch, position }),
            (None, 0) => Err(GtinError::Empty),
            (None, 8) => Err(GtinError::Ean8),
            (None, n @ (12 | 13)) => check(&scan.digits[..n]),
            (None, found) => Err(GtinError::Length { found }),
        };
        GtinParse {
            result,
            normalised,
            forms: scan.forms,
        }
    }

    /// Parse a CD media catalog number (CUE `CATALOG`, DDP, CD-TEXT): 13
    /// digits, where all zeros means the disc has none (`Ok(None)`).
    /// Padding, hyphens and spaces are accepted as by [`Gtin::parse`]; a
    /// blank field is [`GtinError::Empty`], for the caller to judge.
    ///
    /// # Errors
    ///
    /// A [`GtinError`] when the text is not 13 digits ([`GtinError::McnLength`]
    /// for other counts), has a non-digit, is a placeholder other than all
    /// zeros, or has a wrong check digit.
    pub fn parse_mcn(raw: &str) -> Result<Option<Gtin>, GtinError> {
        let scan = scan(raw);
        match (scan.bad, scan.count) {
            (Some((ch, position)), _) => Err(GtinError::NotDigit { ch, position }),
            (None, 0) => Err(GtinError::Empty),
            (None, 13) if scan.digits.iter().all(|&b| b == b'0') => Ok(None),
            (None, 13) => check(&scan.digits).map(Some),
            (None, found) => Err(GtinError::McnLength { found }),
        }
    }

    /// The GS1 check digit for `body`, the digits before the check digit
    /// (weights 3, 1, 3, ... from the right); `None` when `body` is empty
    /// or has anything but ASCII digits.
    ///
    /// ```
    /// use isrckit::codes::Gtin;
    /// assert_eq!(Gtin::check_digit_for("07567816412"), Some(5));
    /// assert_eq!(Gtin::check_digit_for("400638133393"), Some(1));
    /// ```
    pub fn check_digit_for(body: &str) -> Option<u8> {
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(check_digit(body.as_bytes()))
    }

    /// The digits as given: 12 for a UPC-A, 13 for an EAN-13.
    pub fn as_given(&self) -> &str {
        match self.form {
            GtinForm::UpcA => &self.gtin13()[1..],
            GtinForm::Ean13 => self.gtin13(),
        }
    }

    /// The GTIN-13 form: 13 digits (a UPC-A gets a leading 0).
    pub fn gtin13(&self) -> &str {
        // Only ever built from ASCII digits.
        std::str::from_utf8(&self.digits).expect("a Gtin holds ASCII digits")
    }

    /// Which form it was given in.
    pub fn kind(&self) -> GtinForm {
        self.form
    }

    /// The check digit (the last digit).
    pub fn check_digit(&self) -> u8 {
        self.digits[12] - b'0'
    }
}

/// Compared as GTIN-13: a UPC-A equals its EAN-13 form.
impl PartialEq for Gtin {
    fn eq(&self, other: &Gtin) -> bool {
        self.digits == other.digits
    }
}

impl Eq for Gtin {}

/// Hashed as GTIN-13, like [`PartialEq`].
impl Hash for Gtin {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.digits.hash(state);
    }
}

/// Ordered as GTIN-13.
impl Ord for Gtin {
    fn cmp(&self, other: &Gtin) -> Ordering {
        self.digits.cmp(&other.digits)
    }
}

impl PartialOrd for Gtin {
    fn partial_cmp(&self, other: &Gtin) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The digits as given, e.g. `075678164125`.
impl fmt::Display for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_given())
    }
}

impl fmt::Debug for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Gtin({:?} {})", self.form, self.as_given())
    }
}

/// Same as [`Gtin::parse`].
impl FromStr for Gtin {
    type Err = GtinError;

    fn from_str(s: &str) -> Result<Gtin, GtinError> {
        Gtin::parse(s)
    }
}

/// Serialised as the digits as given, e.g. `"075678164125"`.
impl Serialize for Gtin {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_given())
    }
}

/// What one pass over a barcode's text found.
struct Scan {
    /// The first 13 digits (ASCII).
    digits: [u8; 13],
    /// How many digits in all.
    count: usize,
    /// The first character that does not belong, with its 1-based position.
    bad: Option<(char, usize)>,
    /// Non-canonical forms.
    forms: Vec<Form>,
}

/// Trim the padding and read the digits. Allocates nothing that grows with
/// the text.
fn scan(raw: &str) -> Scan {
    let trimmed = trim_padding(raw);
    let base = raw[..trimmed.start].chars().count();
    let mut s = Scan {
        digits: [0; 13],
        count: 0,
        bad: None,
        forms: Vec::new(),
    };
    let (mut hyphens, mut spaces) = (false, false);
    for (i, c) in trimmed.text.chars().enumerate() {
        match c {
            '-' => hyphens = true,
            ' ' => spaces = true,
            '0'..='9' => {
                if let Some(slot) = s.digits.get_mut(s.count) {
                    // An ASCII digit fits in a byte.
                    *slot = c as u8;
                }
                s.count += 1;
            }
            c => {
                if s.bad.is_none() {
                    s.bad = Some((c, base + i + 1));
                }
            }
        }
    }
    for (found, form) in [
        (trimmed.whitespace, Form::SurroundingWhitespace),
        (trimmed.nul, Form::NulPadding),
        (hyphens, Form::Hyphens),
        (spaces, Form::Spaces),
    ] {
        if found {
            s.forms.push(form);
        }
    }
    s
}

/// The GS1 mod-10 check digit of ASCII digits `body`: from the right,
/// weights 3, 1, 3, ...; the check digit brings the sum to a multiple of 10.
fn check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    // Less than 10, so it fits.
    ((10 - sum % 10) % 10) as u8
}

/// Check 12 or 13 ASCII digits: placeholder, then check digit.
fn check(digits: &[u8]) -> Result<Gtin, GtinError> {
    let (form, pad) = match digits.len() {
        12 => (GtinForm::UpcA, 1),
        _ => (GtinForm::Ean13, 0),
    };
    if let Some((&first, rest)) = digits.split_first()
        && rest.iter().all(|&b| b == first)
    {
        return Err(GtinError::Placeholder {
            digits: ascii_string(digits),
        });
    }
    let Some((&last, body)) = digits.split_last() else {
        return Err(GtinError::Empty);
    };
    let expected = check_digit(body);
    let found = last - b'0';
    if found != expected {
        return Err(GtinError::CheckDigit { found, expected });
    }
    let mut g13 = [b'0'; 13];
    g13[pad..].copy_from_slice(digits);
    Ok(Gtin { digits: g13, form })
}

/// ASCII digits as a `String`.
fn ascii_string(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    s.extend(bytes.iter().map(|&b| char::from(b)));
    s
}

#[cfg(test)]
mod tests {
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
}
