//! The two-letter prefixes an ISRC may start with (its "country code").
//!
//! The list is data, in `isrc_countries.tsv` beside this file: every
//! officially assigned ISO 3166-1 alpha-2 code plus the extra prefixes the
//! ISRC agencies allocate (QM, QZ, QT for the US; GX, UK for the UK; CP, DG,
//! QN, VV, ZZ worldwide; XK for Kosovo; ...). Every one of them makes a
//! valid ISRC. The ISO codes the International ISRC Agency's list of
//! prefixes does not hold (`HM`, `NF`, `PM`, `SJ`, `TK`, ...: no ISRC has
//! been issued under them) are marked, for the audit's `isrc-prefix` rule
//! ([`is_allocated_prefix`]). The file's header says where each part comes
//! from and when it was compiled.
//!
//! The file is read at compile time into three 26 × 26 bit tables, so a
//! lookup is two array indexes and a bit test: no allocation, no search. A
//! malformed line or a duplicate code in the data file stops the build.

/// The data file, one prefix a line (see its header for the format).
const DATA: &str = include_str!("isrc_countries.tsv");

/// Where an ISRC prefix comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrefixSource {
    /// An officially assigned ISO 3166-1 alpha-2 country code (`US`, `GB`,
    /// `TC`, ...).
    Iso3166,
    /// A prefix the ISRC agencies allocate that is not an officially
    /// assigned ISO code (`QM`, `QZ`, `GX`, `UK`, `ZZ`, `XK`, ...).
    IsrcAgency,
}

/// The prefixes as bit tables: row = first letter, bit = second letter.
struct Table {
    /// ISO 3166 codes (allocated by the agency or not).
    iso: [u32; 26],
    /// Prefixes the agencies allocate that are not ISO codes.
    agency: [u32; 26],
    /// ISO 3166 codes the International ISRC Agency's list does not hold.
    unallocated: [u32; 26],
}

const TABLE: Table = build(DATA.as_bytes());

/// Does `b[at..end]` start with `word`?
const fn starts_with(b: &[u8], at: usize, end: usize, word: &[u8]) -> bool {
    if at + word.len() > end {
        return false;
    }
    let mut i = 0;
    while i < word.len() {
        if b[at + i] != word[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Parse the data file at compile time (a panic here is a build error).
const fn build(b: &[u8]) -> Table {
    let mut t = Table {
        iso: [0; 26],
        agency: [0; 26],
        unallocated: [0; 26],
    };
    let mut i = 0;
    while i < b.len() {
        let start = i;
        while i < b.len() && b[i] != b'\n' {
            i += 1;
        }
        let mut end = i;
        i += 1;
        if end > start && b[end - 1] == b'\r' {
            end -= 1;
        }
        if end == start || b[start] == b'#' {
            continue;
        }
        if end - start < 3 {
            panic!("isrc_countries.tsv: a line is too short for CODE<TAB>SOURCE");
        }
        let (a, c) = (b[start], b[start + 1]);
        if !a.is_ascii_uppercase() || !c.is_ascii_uppercase() || b[start + 2] != b'\t' {
            panic!("isrc_countries.tsv: a line does not start with two letters A-Z and a tab");
        }
        // (agency prefix, allocated by the agency)
        let (agency, allocated) = if starts_with(b, start + 3, end, b"iso\t") {
            (false, true)
        } else if starts_with(b, start + 3, end, b"iso-unallocated\t") {
            (false, false)
        } else if starts_with(b, start + 3, end, b"isrc\t") {
            (true, true)
        } else {
            panic!(
                "isrc_countries.tsv: the source column must be `iso`, `iso-unallocated` or `isrc`"
            );
        };
        let row = (a - b'A') as usize;
        let bit = 1u32 << (c - b'A');
        if (t.iso[row] | t.agency[row]) & bit != 0 {
            panic!("isrc_countries.tsv: a code is listed twice");
        }
        if agency {
            t.agency[row] |= bit;
        } else {
            t.iso[row] |= bit;
        }
        if !allocated {
            t.unallocated[row] |= bit;
        }
    }
    t
}

/// Where the two-letter ISRC prefix `prefix` comes from, or `None` when no
/// ISRC is issued under it. `prefix` must be two uppercase letters A-Z;
/// anything else (lowercase, other lengths) gives `None`.
///
/// ```
/// use isrckit::codes::{prefix_source, PrefixSource};
/// assert_eq!(prefix_source("US"), Some(PrefixSource::Iso3166));
/// assert_eq!(prefix_source("QM"), Some(PrefixSource::IsrcAgency));
/// assert_eq!(prefix_source("XQ"), None);
/// ```
pub fn prefix_source(prefix: &str) -> Option<PrefixSource> {
    let &[a, c] = prefix.as_bytes() else {
        return None;
    };
    if !a.is_ascii_uppercase() || !c.is_ascii_uppercase() {
        return None;
    }
    let row = usize::from(a - b'A');
    let bit = 1u32 << (c - b'A');
    if TABLE.iso[row] & bit != 0 {
        Some(PrefixSource::Iso3166)
    } else if TABLE.agency[row] & bit != 0 {
        Some(PrefixSource::IsrcAgency)
    } else {
        None
    }
}

/// Whether ISRCs are issued under the two-letter prefix `prefix` (two
/// uppercase letters; see [`prefix_source`]).
pub fn is_known_prefix(prefix: &str) -> bool {
    prefix_source(prefix).is_some()
}

/// Whether the International ISRC Agency's list of prefixes holds
/// `prefix`: a known prefix ([`is_known_prefix`]) other than the ISO 3166
/// codes no ISRC has been issued under (`HM`, `NF`, `PM`, `SJ`, `TK`, ...).
/// A code under such an ISO code is still valid (the agency may allocate
/// it at any time) but is more likely a typo. `false` for unknown or
/// malformed prefixes.
pub(crate) fn is_allocated_prefix(prefix: &str) -> bool {
    let &[a, c] = prefix.as_bytes() else {
        return false;
    };
    if !a.is_ascii_uppercase() || !c.is_ascii_uppercase() {
        return false;
    }
    let row = usize::from(a - b'A');
    let bit = 1u32 << (c - b'A');
    (TABLE.iso[row] | TABLE.agency[row]) & !TABLE.unallocated[row] & bit != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data_lines() -> impl Iterator<Item = &'static str> {
        DATA.lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
    }

    fn source_count(source: &str) -> usize {
        data_lines()
            .filter(|l| l.split('\t').nth(1) == Some(source))
            .count()
    }

    #[test]
    fn data_file_has_the_expected_codes() {
        // 249 officially assigned ISO 3166-1 codes, 47 of them not on the
        // agency's list; and 21 agency prefixes.
        assert_eq!(source_count("iso") + source_count("iso-unallocated"), 249);
        assert_eq!(source_count("iso-unallocated"), 47);
        assert_eq!(source_count("isrc"), 21);
        // The agency's list: 223 prefixes.
        let allocated = data_lines()
            .filter(|l| is_allocated_prefix(&l[..2]))
            .count();
        assert_eq!(allocated, 223);
    }

    #[test]
    fn agrees_with_the_data_file_line_by_line() {
        for line in data_lines() {
            let mut cols = line.split('\t');
            let code = cols.next().unwrap();
            let (want, allocated) = match cols.next().unwrap() {
                "iso" => (PrefixSource::Iso3166, true),
                "iso-unallocated" => (PrefixSource::Iso3166, false),
                "isrc" => (PrefixSource::IsrcAgency, true),
                other => panic!("bad source {other}"),
            };
            assert_eq!(prefix_source(code), Some(want), "{code}");
            assert_eq!(is_allocated_prefix(code), allocated, "{code}");
        }
    }

    #[test]
    fn iso_codes() {
        for cc in [
            "US", "GB", "DE", "FR", "JP", "BR", "TC", "PR", "AQ", "SS", "ZW", "AD",
        ] {
            assert_eq!(prefix_source(cc), Some(PrefixSource::Iso3166), "{cc}");
        }
    }

    #[test]
    fn agency_prefixes() {
        for cc in [
            "QM", "QZ", "QT", "GX", "UK", "CP", "DG", "ZZ", "QN", "FX", "XK", "BC", "BK", "BP",
            "BX", "CB", "KS", "ZB", "YU", "CS", "VV",
        ] {
            assert_eq!(prefix_source(cc), Some(PrefixSource::IsrcAgency), "{cc}");
            assert!(is_allocated_prefix(cc), "{cc}");
        }
    }

    #[test]
    fn iso_codes_the_agency_has_not_allocated() {
        for cc in [
            "HM", "NF", "PM", "SJ", "TK", "AQ", "BV", "UM", "VA", "VI", "LY",
        ] {
            assert_eq!(prefix_source(cc), Some(PrefixSource::Iso3166), "{cc}");
            assert!(!is_allocated_prefix(cc), "{cc}");
        }
        // TC (Turks and Caicos; TuneCore's prefix), PR (now under US, its
        // codes stay valid), IM, and the 2024-25 additions are allocated.
        for cc in ["US", "GB", "TC", "PR", "IM", "AF", "BT", "CR", "FO", "GL"] {
            assert!(is_allocated_prefix(cc), "{cc}");
        }
        for cc in ["XX", "us", "U", ""] {
            assert!(!is_allocated_prefix(cc), "{cc:?}");
        }
    }

    #[test]
    fn unallocated_and_malformed() {
        for cc in [
            "XX", "AA", "QO", "XA", "EU", "OO", "ZY", "us", "Us", "U", "USA", "", "1A", "U1", "ÜS",
        ] {
            assert_eq!(prefix_source(cc), None, "{cc:?}");
            assert!(!is_known_prefix(cc), "{cc:?}");
        }
    }

    #[test]
    fn every_two_letter_combination_answers() {
        let mut known = 0;
        for a in b'A'..=b'Z' {
            for c in b'A'..=b'Z' {
                let s = [a, c];
                let s = std::str::from_utf8(&s).unwrap();
                if is_known_prefix(s) {
                    known += 1;
                }
            }
        }
        // Nothing is known that the data file does not list.
        assert_eq!(known, data_lines().count());
    }
}
