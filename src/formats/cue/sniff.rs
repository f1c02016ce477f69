//! Telling a CUE sheet or a cdrdao TOC file from any other text, by its
//! content: the first keyword (after a UTF-8 byte order mark, blank lines,
//! `REM` or `//` comments) must be one a sheet starts with, and a `TRACK`
//! line must have the sheet's shape (`TRACK 01 AUDIO` in a CUE sheet,
//! `TRACK AUDIO` in a TOC file). A README, a CSV or TSV manifest (even one
//! whose first column is `file`) or a binary file has no such line.

use super::text::{self, lines, skip_blanks, word};

/// Which kind of sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sheet {
    /// A CUE sheet (CDRWIN's format, as rippers and burners write it).
    Cue,
    /// A cdrdao TOC file.
    Toc,
}

/// Keywords a CUE sheet may start with (`REM` lines are skipped first).
const CUE_FIRST: &[&str] = &[
    "CATALOG",
    "CDTEXTFILE",
    "FILE",
    "TITLE",
    "PERFORMER",
    "SONGWRITER",
    "COMPOSER",
    "ARRANGER",
    "MESSAGE",
    "DISC_ID",
    "GENRE",
    "UPC_EAN",
];

/// Keywords a TOC file may start with (`//` comments are skipped first).
const TOC_FIRST: &[&str] = &[
    "CD_DA",
    "CD_ROM",
    "CD_ROM_XA",
    "CATALOG",
    "CD_TEXT",
    "TRACK",
];

/// A CUE sheet's track modes (`TRACK 01 AUDIO`).
pub(super) const CUE_MODES: &[&str] = &[
    "AUDIO",
    "CDG",
    "MODE1/2048",
    "MODE1/2352",
    "MODE2/2048",
    "MODE2/2324",
    "MODE2/2336",
    "MODE2/2352",
    "CDI/2336",
    "CDI/2352",
];

/// A TOC file's track modes (`TRACK AUDIO`).
pub(super) const TOC_MODES: &[&str] = &[
    "AUDIO",
    "MODE0",
    "MODE1",
    "MODE1_RAW",
    "MODE2",
    "MODE2_FORM1",
    "MODE2_FORM2",
    "MODE2_FORM_MIX",
    "MODE2_RAW",
];

/// Whether `w` is one of `list`, in any case.
pub(super) fn one_of(w: &[u8], list: &[&str]) -> bool {
    list.iter().any(|k| k.as_bytes().eq_ignore_ascii_case(w))
}

/// From the first bytes alone: whether the text may be a sheet (it starts,
/// after a byte order mark and blank space, with a keyword a sheet starts
/// with, `REM` or a `//` comment). Only such files are read further.
pub(crate) fn may_be(head: &[u8]) -> bool {
    let rest = &head[text::start(head)..];
    let n = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let rest = &rest[n..];
    if rest.is_empty() {
        // Blank up to the end of the head: only a longer file may be one.
        return head.len() >= 64;
    }
    if rest.starts_with(b"//") {
        return true;
    }
    let (w, after) = word(rest);
    let w = w
        .split(|&b| b == b'\r' || b == b'\n')
        .next()
        .unwrap_or_default();
    // A keyword cut by the end of the head: compare what is there.
    let cut = after.is_empty() && w.len() == rest.len() && head.len() >= 64;
    let known = |list: &[&str]| {
        list.iter().any(|k| {
            let k = k.as_bytes();
            k.eq_ignore_ascii_case(w)
                || (cut && k.len() > w.len() && k[..w.len()].eq_ignore_ascii_case(w))
        })
    };
    known(&["REM"]) || known(CUE_FIRST) || known(TOC_FIRST)
}

/// Which sheet `text` (the whole file) is, if it is one.
pub(crate) fn classify(text: &[u8]) -> Option<Sheet> {
    if text.contains(&0) {
        return None; // binary
    }
    let mut first: Option<&[u8]> = None;
    for line in lines(text, text::start(text)) {
        let (_, rest) = skip_blanks(line.bytes);
        if rest.is_empty() || rest.starts_with(b"//") {
            continue;
        }
        let (kw, args) = word(rest);
        if first.is_none() {
            if kw.eq_ignore_ascii_case(b"REM") {
                continue;
            }
            if !one_of(kw, CUE_FIRST) && !one_of(kw, TOC_FIRST) {
                return None;
            }
            first = Some(kw);
        }
        if !kw.eq_ignore_ascii_case(b"TRACK") {
            continue;
        }
        let (_, args) = skip_blanks(args);
        let (a, more) = word(args);
        let (b, _) = word(skip_blanks(more).1);
        let first = first.unwrap_or_default();
        if !a.is_empty() && a.len() <= 3 && a.iter().all(u8::is_ascii_digit) && one_of(b, CUE_MODES)
        {
            return (!one_of(first, &["CD_DA", "CD_ROM", "CD_ROM_XA", "CD_TEXT", "TRACK"]))
                .then_some(Sheet::Cue);
        }
        if one_of(a, TOC_MODES) {
            return one_of(first, TOC_FIRST).then_some(Sheet::Toc);
        }
    }
    None
}
