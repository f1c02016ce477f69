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
#[path = "gtin_tests.rs"]
mod tests;
