//! International Standard Recording Code (ISO 3901): `CC XXX YY NNNNN`.

use super::countries::{is_allocated_prefix, is_known_prefix};
use super::{Form, show_char, trim_padding};
use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// What every ISRC error message ends with: the shape of a good code.
const SHAPE: &str =
    "2-letter country, 3-character registrant, 2-digit year, 5-digit number, e.g. USRC17607839";

/// An International Standard Recording Code: 12 characters, uppercase
/// ASCII, `CC XXX YY NNNNN` (country: 2 letters; registrant: 3 letters or
/// digits; year of reference: 2 digits; designation: 5 digits). It has no
/// check digit.
///
/// An `Isrc` is always valid: its country prefix is one ISRCs are issued
/// under (see [`prefix_source`](super::prefix_source)) and it is not a
/// placeholder. [`Isrc::parse`] is lenient about form: hyphens, spaces,
/// lowercase, an `ISRC` prefix, surrounding whitespace and trailing NUL
/// bytes are accepted and normalised ([`Isrc::parse_detailed`] says which
/// were found).
///
/// A year of reference in the future is accepted here; whether it is
/// plausible is for the audit to judge ([`Isrc::reference_year`]).
/// Likewise a country prefix that is an ISO 3166 code the International
/// ISRC Agency has not allocated (`HM`, `NF`, ...) is accepted
/// ([`Isrc::prefix_allocated`] says whether it was).
///
/// # Placeholders
///
/// Codes that tools and templates write when they have no real code are
/// rejected with [`IsrcError::Placeholder`]. The rule, applied to the 12
/// normalised characters:
///
/// 1. all 12 are the same character (`000000000000`, `XXXXXXXXXXXX`);
///    checked before the shape, so these get the placeholder message rather
///    than "the country must be letters";
/// 2. registrant, year and designation are all zeros, whatever the country
///    (`US0000000000`, `XX0000000000`, `AA0000000000`): registrant `000`
///    with year `00` and number `00000` is an empty template, not an issued
///    code;
/// 3. the 5-character prefix is one letter repeated and year and
///    designation are all zeros (`XXXXX0000000`, `AAAAA0000000`);
/// 4. the literal template `CCXXXYYNNNNN` (`CC-XXX-YY-NNNNN`).
///
/// Rules 2 and 3 are checked before the country, so `XX0000000000` is
/// called a placeholder, not an unknown country. Nothing else is guessed
/// at: `ZZ` is a real worldwide prefix, and a real registrant's code with
/// year `00` and number `00000` is accepted.
///
/// # Example
///
/// ```
/// use isrckit::codes::{Form, Isrc};
///
/// let isrc: Isrc = "US-RC1-76-07839".parse()?;
/// assert_eq!(isrc.to_string(), "USRC17607839");
/// assert_eq!(isrc.display_form(), "US-RC1-76-07839");
/// assert_eq!(isrc.country(), "US");
/// assert_eq!(isrc.registrant(), "RC1");
/// assert_eq!(isrc.year(), 76);
/// assert_eq!(isrc.designation(), 7839);
/// assert_eq!(Isrc::parse("isrc usrc17607839")?, isrc);
///
/// let p = Isrc::parse_detailed("ISRC US-RC1-76-07839");
/// assert_eq!(p.forms, vec![Form::IsrcPrefix, Form::DisplayHyphens]);
///
/// let err = Isrc::parse("USRC1760783").unwrap_err();
/// assert!(err.to_string().starts_with("has 11 characters; an ISRC has 12"));
/// # Ok::<(), isrckit::codes::IsrcError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Isrc([u8; 12]);

/// Why a text is not a valid ISRC. The `Display` text is a plain sentence
/// about the stored text (it starts with a verb: "has 11 characters; ...")
/// that says what is wrong and what an ISRC looks like.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IsrcError {
    /// Nothing but padding, hyphens and spaces (or nothing at all).
    #[error("is empty; an ISRC has 12 characters ({SHAPE})")]
    Empty,
    /// Not 12 letters and digits once hyphens, spaces, an `ISRC` prefix and
    /// padding are removed.
    #[error("has {found} character{}; an ISRC has 12 ({SHAPE})", plural(*.found))]
    Length {
        /// How many letters and digits there are.
        found: usize,
    },
    /// A character that is not a letter A-Z, a digit, a hyphen or a space.
    #[error(
        "has {} at position {position}, which is not a letter or digit; an ISRC has 12 letters and digits ({SHAPE})",
        show_char(*.ch)
    )]
    BadChar {
        /// The character.
        ch: char,
        /// Where it is: 1-based, counted in characters of the text as
        /// stored (padding included).
        position: usize,
    },
    /// The first two characters are not both letters.
    #[error(
        "starts with \"{found}\", but the first two characters (the country code) must be letters; an ISRC has 12 characters ({SHAPE})"
    )]
    CountryNotLetters {
        /// The first two characters.
        found: String,
    },
    /// Characters 6-7 (the year of reference) are not both digits.
    #[error(
        "has \"{found}\" where the 2-digit year must be (characters 6-7); an ISRC has 12 characters ({SHAPE})"
    )]
    YearNotDigits {
        /// Characters 6-7.
        found: String,
    },
    /// Characters 8-12 (the designation code) are not all digits.
    #[error(
        "has \"{found}\" where the 5-digit number must be (characters 8-12); an ISRC has 12 characters ({SHAPE})"
    )]
    DesignationNotDigits {
        /// Characters 8-12.
        found: String,
    },
    /// A placeholder, not an issued code (see [`Isrc`] for the rule).
    #[error(
        "is a placeholder ({code}), not an issued ISRC; the recording's real code is needed here"
    )]
    Placeholder {
        /// The normalised 12 characters.
        code: String,
    },
    /// The country prefix is not one ISRCs are issued under.
    #[error(
        "starts with \"{prefix}\", which is not a country code ISRCs are issued under (ISO 3166 codes such as US or GB, or agency prefixes such as QM or ZZ); check the first two letters"
    )]
    UnknownCountry {
        /// The first two letters.
        prefix: String,
    },
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Everything [`Isrc::parse_detailed`] found out about a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IsrcParse {
    /// The code, or why the text is not a valid one.
    pub result: Result<Isrc, IsrcError>,
    /// The 12 uppercase letters and digits, when the text comes to exactly
    /// that after removing an `ISRC` prefix, hyphens, spaces and padding,
    /// even when the code is then invalid (unknown country, placeholder,
    /// letters where digits belong); `None` otherwise.
    pub normalised: Option<String>,
    /// How the text differs from the canonical form, in the order
    /// [`Form`] lists them; empty for a canonical text.
    pub forms: Vec<Form>,
}

impl Isrc {
    /// The years of the ISRC system, for a "this year" to judge years of
    /// reference by: from 1986, when ISO 3901 was published (no ISRC was
    /// assigned before), to 2099, the last year two digits of reference
    /// name without a third century to choose from.
    pub const ERA: std::ops::RangeInclusive<u16> = 1986..=2099;

    /// Parse an ISRC, accepting the non-canonical forms listed on [`Isrc`].
    ///
    /// # Errors
    ///
    /// An [`IsrcError`] saying what is wrong when the text is not a valid
    /// ISRC (shape, unknown country prefix, placeholder).
    pub fn parse(raw: &str) -> Result<Isrc, IsrcError> {
        Isrc::analyse(raw).0
    }

    /// Parse an ISRC and report the normalised text and the non-canonical
    /// forms found, whether or not the code is valid.
    pub fn parse_detailed(raw: &str) -> IsrcParse {
        let (result, code, forms) = Isrc::analyse(raw);
        IsrcParse {
            result,
            normalised: code.map(|c| ascii_string(&c)),
            forms,
        }
    }

    /// The parse, the 12 normalised characters when there are exactly
    /// 12, and the forms (no text is allocated for a plain parse).
    fn analyse(raw: &str) -> (Result<Isrc, IsrcError>, Option<[u8; 12]>, Vec<Form>) {
        let trimmed = trim_padding(raw);
        let mut forms = Vec::new();
        if trimmed.whitespace {
            forms.push(Form::SurroundingWhitespace);
        }
        if trimmed.nul {
            forms.push(Form::NulPadding);
        }
        let (body, body_start) = match strip_isrc_prefix(trimmed.text) {
            Some(skip) => {
                forms.push(Form::IsrcPrefix);
                (&trimmed.text[skip..], trimmed.start + skip)
            }
            None => (trimmed.text, trimmed.start),
        };
        // Character positions are counted in the raw text, padding and
        // prefix included, so they match what a user sees.
        let base = raw[..body_start].chars().count();
        let scan = scan(body, base);
        if scan.hyphens > 0 {
            forms.push(
                if scan.hyphens == 3 && scan.hyphen_after == DISPLAY_HYPHENS {
                    Form::DisplayHyphens
                } else {
                    Form::Hyphens
                },
            );
        }
        if scan.spaces {
            forms.push(Form::Spaces);
        }
        if scan.lowercase {
            forms.push(Form::Lowercase);
        }

        let code = (scan.bad.is_none() && scan.count == 12).then_some(scan.chars);
        let result = match (scan.bad, code) {
            (Some((ch, position)), _) => Err(IsrcError::BadChar { ch, position }),
            (None, None) if scan.count == 0 => Err(IsrcError::Empty),
            (None, None) => Err(IsrcError::Length { found: scan.count }),
            (None, Some(c)) => check(c),
        };
        (result, code, forms)
    }

    /// The 12 canonical characters, e.g. `USRC17607839`.
    pub fn as_str(&self) -> &str {
        // Only ever built from 12 ASCII letters and digits.
        std::str::from_utf8(&self.0).expect("an Isrc holds ASCII")
    }

    /// The country prefix (element 1), e.g. `US`.
    pub fn country(&self) -> &str {
        &self.as_str()[0..2]
    }

    /// The registrant code (element 2), e.g. `RC1`.
    pub fn registrant(&self) -> &str {
        &self.as_str()[2..5]
    }

    /// The 5-character prefix code of ISO 3901:2019 (country and
    /// registrant), e.g. `USRC1`: what an agency allocates to a registrant.
    pub fn prefix_code(&self) -> &str {
        &self.as_str()[0..5]
    }

    /// The 2-digit year of reference, e.g. `76` (the year the code was
    /// assigned, not necessarily the year of recording).
    pub fn year(&self) -> u8 {
        (self.0[5] - b'0') * 10 + (self.0[6] - b'0')
    }

    /// The year of reference as a full year, read in `this_year`: the
    /// latest year ending in its two digits that is not after `this_year`
    /// (`76` is 1976 in 2026, `24` is 2024); `None` when both 19YY and
    /// 20YY are after `this_year` (only possible for a `this_year` before
    /// 2000). Meant for `this_year` in [`Isrc::ERA`]; a code carries no
    /// century, so nothing here says which reading is right.
    ///
    /// Why the latest year not after `this_year`, and not "1986 or later":
    /// under ISO 3901:2001 and since, the year of reference is the year the
    /// code was assigned, so it cannot be in the future. Codes assigned
    /// under the first edition (ISO 3901:1986) often carried the year of
    /// recording instead (the International ISRC Agency's bulletin of
    /// 2006-08-08 says so); those codes are permanent and remain valid, and
    /// their years can be before 1986: the ISRC handbook's own example,
    /// `US-RC1-76-07839`, is one (1976). So two digits after this year's
    /// are of the previous century, and a year before 1986 is possible but
    /// only on a code assigned before 2001.
    ///
    /// ```
    /// use isrckit::codes::Isrc;
    /// let handbook = Isrc::parse("US-RC1-76-07839")?;
    /// assert_eq!(handbook.reference_year(2026), Some(1976));
    /// assert_eq!(Isrc::parse("USRC12400001")?.reference_year(2026), Some(2024));
    /// assert_eq!(Isrc::parse("USRC12400001")?.reference_year(2023), Some(1924));
    /// assert_eq!(Isrc::parse("USRC19900001")?.reference_year(1998), None);
    /// # Ok::<(), isrckit::codes::IsrcError>(())
    /// ```
    pub fn reference_year(&self, this_year: u16) -> Option<u16> {
        let yy = u16::from(self.year());
        [2000 + yy, 1900 + yy].into_iter().find(|&y| y <= this_year)
    }

    /// Whether the International ISRC Agency's list of prefixes holds this
    /// code's country prefix. `false` only for the ISO 3166 codes no ISRC
    /// has been issued under (`HM`, `NF`, `PM`, `SJ`, `TK`, ...): the code
    /// is valid, but more likely a typo (the audit's `isrc-prefix`).
    ///
    /// ```
    /// use isrckit::codes::Isrc;
    /// assert!(Isrc::parse("USRC17607839")?.prefix_allocated());
    /// assert!(!Isrc::parse("HMRC17607839")?.prefix_allocated());
    /// # Ok::<(), isrckit::codes::IsrcError>(())
    /// ```
    pub fn prefix_allocated(&self) -> bool {
        is_allocated_prefix(self.country())
    }

    /// The designation code as a number, e.g. `7839` for `07839`.
    pub fn designation(&self) -> u32 {
        self.0[7..]
            .iter()
            .fold(0, |n, &d| n * 10 + u32::from(d - b'0'))
    }

    /// The display form with hyphens between the elements, e.g.
    /// `US-RC1-76-07839` (print it after the word `ISRC`).
    pub fn display_form(&self) -> String {
        let s = self.as_str();
        format!("{}-{}-{}-{}", &s[0..2], &s[2..5], &s[5..7], &s[7..12])
    }
}

/// The canonical form, e.g. `USRC17607839`.
impl fmt::Display for Isrc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Isrc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Isrc({})", self.as_str())
    }
}

/// Same as [`Isrc::parse`].
impl FromStr for Isrc {
    type Err = IsrcError;

    fn from_str(s: &str) -> Result<Isrc, IsrcError> {
        Isrc::parse(s)
    }
}

/// Serialised as its canonical string, e.g. `"USRC17607839"`.
impl Serialize for Isrc {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Hyphens after the 2nd, 5th and 7th character: bits 2, 5 and 7.
const DISPLAY_HYPHENS: u16 = (1 << 2) | (1 << 5) | (1 << 7);

/// What one pass over the code's text found.
struct Scan {
    /// The first 12 letters and digits, uppercased.
    chars: [u8; 12],
    /// How many letters and digits there are in all.
    count: usize,
    /// The first character that does not belong, with its 1-based position.
    bad: Option<(char, usize)>,
    /// How many hyphens.
    hyphens: usize,
    /// Bit n set: a hyphen came after n letters and digits (n < 16).
    hyphen_after: u16,
    /// Any spaces between the characters.
    spaces: bool,
    /// Any lowercase letters.
    lowercase: bool,
}

/// One pass over `body`, whose first character is at 0-based position
/// `base` of the raw text. Allocates nothing, whatever the length.
fn scan(body: &str, base: usize) -> Scan {
    let mut s = Scan {
        chars: [0; 12],
        count: 0,
        bad: None,
        hyphens: 0,
        hyphen_after: 0,
        spaces: false,
        lowercase: false,
    };
    for (i, c) in body.chars().enumerate() {
        match c {
            '-' => {
                s.hyphens += 1;
                if s.count < 16 {
                    s.hyphen_after |= 1 << s.count;
                }
            }
            ' ' => s.spaces = true,
            c if c.is_ascii_alphanumeric() => {
                s.lowercase |= c.is_ascii_lowercase();
                if let Some(slot) = s.chars.get_mut(s.count) {
                    // An ASCII char fits in a byte.
                    *slot = c.to_ascii_uppercase() as u8;
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
    s
}

/// If `text` starts with an `ISRC` prefix (any case, then optionally
/// spaces, hyphens or a colon), the byte length of the prefix; else `None`.
///
/// `ISRC` is only taken as a prefix when the rest could not be read as a
/// code that starts with those letters: `ISRC17607839` is the Icelandic
/// code `IS-RC1-76-07839`, not a prefix and 8 characters. So it is a prefix
/// when a colon follows it, or when what follows is anything but 8 letters
/// and digits (and not nothing).
fn strip_isrc_prefix(text: &str) -> Option<usize> {
    let head = text.as_bytes().get(..4)?;
    if !head.eq_ignore_ascii_case(b"ISRC") {
        return None;
    }
    // The first 4 bytes are ASCII, so byte 4 is a char boundary.
    let rest = &text[4..];
    let body = rest.trim_start_matches([' ', '-', ':']);
    let sep = &rest[..rest.len() - body.len()];
    let remaining = body.chars().filter(|&c| c != '-' && c != ' ').count();
    let is_prefix = remaining > 0 && (sep.contains(':') || remaining != 8);
    is_prefix.then_some(4 + sep.len())
}

/// Check 12 letters and digits: placeholder, shape, placeholder, country.
fn check(c: [u8; 12]) -> Result<Isrc, IsrcError> {
    let text = |r: std::ops::Range<usize>| ascii_string(&c[r]);
    if c.iter().all(|&b| b == c[0]) || &c == b"CCXXXYYNNNNN" {
        return Err(IsrcError::Placeholder { code: text(0..12) });
    }
    if !c[..2].iter().all(u8::is_ascii_uppercase) {
        return Err(IsrcError::CountryNotLetters { found: text(0..2) });
    }
    if !c[5..7].iter().all(u8::is_ascii_digit) {
        return Err(IsrcError::YearNotDigits { found: text(5..7) });
    }
    if !c[7..].iter().all(u8::is_ascii_digit) {
        return Err(IsrcError::DesignationNotDigits { found: text(7..12) });
    }
    let zeros_after = |i: usize| c[i..].iter().all(|&b| b == b'0');
    let one_letter_prefix = c[..5].iter().all(|&b| b == c[0]);
    if zeros_after(2) || (one_letter_prefix && zeros_after(5)) {
        return Err(IsrcError::Placeholder { code: text(0..12) });
    }
    if !is_known_prefix(&text(0..2)) {
        return Err(IsrcError::UnknownCountry { prefix: text(0..2) });
    }
    Ok(Isrc(c))
}

/// ASCII bytes (letters and digits from [`scan`]) as a `String`.
fn ascii_string(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    s.extend(bytes.iter().map(|&b| char::from(b)));
    s
}

#[cfg(test)]
#[path = "isrc_tests.rs"]
mod tests;
