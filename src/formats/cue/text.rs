//! Text helpers shared by the CUE and TOC readers: lines with their byte
//! offsets, values (quoted or bare), decoding, and bounded remarks.

use crate::codes::Gtin;
use crate::formats::Collector;
use crate::model::{Location, TagFormat};

/// A UTF-8 byte order mark, which Windows tools put in front of a sheet.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Where the text starts: after a UTF-8 byte order mark, if there is one.
pub(super) fn start(text: &[u8]) -> usize {
    if text.starts_with(BOM) { BOM.len() } else { 0 }
}

/// One line: its number (from 1), the byte offset of its first byte, its
/// bytes without the line end, and whether a line end followed it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Line<'a> {
    pub number: usize,
    pub at: usize,
    pub bytes: &'a [u8],
    pub ended: bool,
}

/// The lines of `text` from `from`: a line ends at LF, CRLF or a lone CR
/// (classic Mac OS), so CRLF files number their lines as editors do.
pub(super) fn lines(text: &[u8], from: usize) -> impl Iterator<Item = Line<'_>> {
    let mut at = from;
    let mut number = 0;
    std::iter::from_fn(move || {
        if at >= text.len() {
            return None;
        }
        let rest = text.get(at..)?;
        let end = rest
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .unwrap_or(rest.len());
        let line = Line {
            number: number + 1,
            at,
            bytes: &rest[..end],
            ended: end < rest.len(),
        };
        number += 1;
        at += end;
        match rest.get(end..end + 2) {
            Some(b"\r\n") => at += 2,
            _ if end < rest.len() => at += 1,
            _ => {}
        }
        Some(line)
    })
}

/// Whether a byte is blank space inside a line.
pub(super) fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `bytes` less its leading blanks, and how many were skipped.
pub(super) fn skip_blanks(bytes: &[u8]) -> (usize, &[u8]) {
    let n = bytes.iter().take_while(|&&b| is_blank(b)).count();
    (n, &bytes[n..])
}

/// The first word of `bytes` (up to a blank) and what follows it.
pub(super) fn word(bytes: &[u8]) -> (&[u8], &[u8]) {
    let n = bytes.iter().take_while(|&&b| !is_blank(b)).count();
    bytes.split_at(n)
}

/// A command's value.
#[derive(Debug, Clone, Copy)]
pub(super) struct Value<'a> {
    /// Byte offset of its first byte in the file (inside the quotes).
    pub at: usize,
    /// Its bytes, quotes left out.
    pub bytes: &'a [u8],
    /// It was in double quotes.
    pub quoted: bool,
    /// A quoted value had its closing quote.
    pub closed: bool,
}

/// The value of a CUE command: `rest` is the line after the keyword, at
/// file offset `at`. A quoted value runs to the next quote (CUE has no
/// escapes); a bare one is the rest of the line less trailing blanks, so
/// `ISRC US-RC1-76-07839` and `CATALOG 0 75678 16412 5` keep all of their
/// text, to be judged as codes.
pub(super) fn value(rest: &[u8], at: usize) -> Value<'_> {
    let (skipped, rest) = skip_blanks(rest);
    let at = at + skipped;
    if let Some(inner) = rest.strip_prefix(b"\"") {
        let (bytes, closed) = match inner.iter().position(|&b| b == b'"') {
            Some(end) => (&inner[..end], true),
            None => (inner, false),
        };
        return Value {
            at: at + 1,
            bytes,
            quoted: true,
            closed,
        };
    }
    let len = rest.len() - rest.iter().rev().take_while(|&&b| is_blank(b)).count();
    Value {
        at,
        bytes: &rest[..len],
        quoted: false,
        closed: true,
    }
}

/// Text as a sheet stores it: UTF-8, or else one byte a character
/// (Windows-1252 and Latin-1 sheets from older rippers).
pub(super) fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// A line as a note shows it: at most 40 characters, escaped.
pub(super) fn shown(bytes: &[u8]) -> String {
    let text = decode(bytes);
    let mut s: String = text.chars().take(40).flat_map(char::escape_debug).collect();
    if text.chars().count() > 40 {
        s.push('…');
    }
    s
}

/// Remarks of one kind, at most [`Remarks::SHOWN`] a file: a hostile
/// sheet of a million garbage lines costs ten notes and a count.
pub(super) struct Remarks {
    shown: usize,
    more: usize,
}

impl Remarks {
    /// How many are noted one by one.
    pub(super) const SHOWN: usize = 10;

    pub(super) fn new() -> Self {
        Remarks { shown: 0, more: 0 }
    }

    /// Note one, or count it once ten are noted.
    pub(super) fn note(&mut self, c: &mut Collector, note: impl FnOnce() -> String) {
        if self.shown < Self::SHOWN {
            self.shown += 1;
            c.note(note());
        } else {
            self.more += 1;
        }
    }

    /// Note how many more there were, in `what` words ("lines that are
    /// not CUE commands").
    pub(super) fn finish(self, c: &mut Collector, what: &str) {
        if self.more > 0 {
            c.note(format!("… and {} more {what}", self.more));
        }
    }

    /// As [`Remarks::finish`], the note starting with `prefix`.
    pub(super) fn finish_with(self, c: &mut Collector, prefix: &str, what: &str) {
        if self.more > 0 {
            c.note(format!("{prefix}… and {} more {what}", self.more));
        }
    }
}

/// Where a site is: at disc level (no chunk, no track) or in a track
/// (chunk `TRACK 03`, track 3).
pub(super) fn location(
    c: &Collector,
    tag: TagFormat,
    field: &str,
    track: Option<u32>,
    at: usize,
) -> Location {
    let chunk = track.map(|n| format!("TRACK {n:02}"));
    let mut loc = c.loc(chunk.as_deref(), tag, field, at as u64);
    loc.track = track;
    loc
}

/// Offer a code to the collector (the key table decides what it is), and
/// add `extra` to the site's notes when one was recorded. Returns whether
/// the code is valid (false when no site was kept).
pub(super) fn offer(c: &mut Collector, raw: &str, loc: Location, extra: Vec<String>) -> bool {
    let before = c.sites.len();
    c.field(raw, loc);
    if c.sites.len() == before {
        return false;
    }
    let Some(site) = c.sites.last_mut() else {
        return false;
    };
    site.notes.extend(extra);
    site.valid
}

/// What a media catalog number's text is: all zeros (the disc has none),
/// or a code to report, with a note when it is not 13 digits (a CD holds
/// 13; cdrdao refuses a sheet whose CATALOG has another count).
pub(super) enum Mcn {
    /// All zeros: no catalog number.
    None,
    /// A code, with these extra notes.
    Code(Vec<String>),
}

/// Judge a CATALOG value as a CD media catalog number.
pub(super) fn mcn(raw: &str) -> Mcn {
    match Gtin::parse_mcn(raw) {
        Ok(None) => Mcn::None,
        Err(crate::codes::GtinError::McnLength { found }) => Mcn::Code(vec![format!(
            "a CD media catalog number has 13 digits, this one {found}: burners refuse it (a UPC-A is written with a leading 0)"
        )]),
        _ => Mcn::Code(Vec::new()),
    }
}

/// Notes on tracks without an ISRC: one line when none has one, else one
/// per track that lacks it (ten at most, then a count). `tracks` holds
/// each track's number and whether it has an ISRC. Each note starts with
/// [`MISSING_ISRC`], by which the audit judges a sheet track by track.
///
/// [`MISSING_ISRC`]: crate::formats::MISSING_ISRC
pub(super) fn tracks_without_isrc(c: &mut Collector, tracks: &[(u32, bool)], keyword: &str) {
    use crate::formats::MISSING_ISRC;
    let missing: Vec<u32> = tracks.iter().filter(|t| !t.1).map(|t| t.0).collect();
    if missing.is_empty() {
        return;
    }
    if missing.len() == tracks.len() {
        c.note(format!(
            "{MISSING_ISRC}no track has an {keyword} line ({} track{}): the disc would be burned without ISRCs",
            tracks.len(),
            if tracks.len() == 1 { "" } else { "s" }
        ));
        return;
    }
    let mut remarks = Remarks::new();
    for n in missing {
        remarks.note(c, || {
            format!("{MISSING_ISRC}TRACK {n:02} has no {keyword} line, while other tracks have one")
        });
    }
    remarks.finish_with(
        c,
        MISSING_ISRC,
        &format!("tracks without an {keyword} line"),
    );
}
