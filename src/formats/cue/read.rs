//! A CUE sheet, read line by line: `CATALOG` (the disc's media catalog
//! number), each `TRACK`'s `ISRC`, the CD-TEXT `UPC_EAN`, and the disc's
//! `TITLE`. Keywords are matched in any case, lines may end in LF, CRLF or
//! CR, a UTF-8 byte order mark is skipped. `REM` lines are comments: a
//! code mentioned in one is not a site. A line that is no CUE command is
//! noted and skipped; a file whose last line is cut off in the middle of a
//! command is reported as damaged, with everything before it kept.

use super::sniff::{CUE_MODES, one_of};
use super::text::{
    self, Line, Mcn, Remarks, decode, location, offer, shown, skip_blanks, value, word,
};
use crate::formats::{Collector, FormatError};
use crate::model::TagFormat;

/// Commands that hold nothing isrckit reads.
const IGNORED: &[&str] = &[
    "PERFORMER",
    "SONGWRITER",
    "COMPOSER",
    "ARRANGER",
    "MESSAGE",
    "DISC_ID",
    "GENRE",
    "TOC_INFO1",
    "TOC_INFO2",
    "SIZE_INFO",
    "FLAGS",
    "PREGAP",
    "POSTGAP",
    "CDTEXTFILE",
];

/// The reader's state.
struct Sheet {
    /// Each track's number and whether it has an ISRC, in order.
    tracks: Vec<(u32, bool)>,
    /// FILE lines seen.
    files: usize,
    /// Lines that are not CUE commands.
    garbage: Remarks,
    /// Other oddities (track numbers, index times, misplaced commands).
    odd: Remarks,
}

impl Sheet {
    /// The current track's number.
    fn track(&self) -> Option<u32> {
        self.tracks.last().map(|t| t.0)
    }
}

/// Read a CUE sheet's code sites into `c`.
pub(super) fn read(text: &[u8], c: &mut Collector) -> Result<(), FormatError> {
    let mut s = Sheet {
        tracks: Vec::new(),
        files: 0,
        garbage: Remarks::new(),
        odd: Remarks::new(),
    };
    let mut last: Option<(Line, bool)> = None;
    for line in text::lines(text, text::start(text)) {
        let complete = command(&mut s, c, line);
        last = Some((line, complete));
    }
    s.garbage
        .finish(c, "lines that are not CUE commands (ignored)");
    s.odd.finish(c, "remarks on this sheet");
    if s.tracks.is_empty() {
        c.note("the sheet has no TRACK line: it names no track");
    }
    text::tracks_without_isrc(c, &s.tracks, "ISRC");
    match last {
        Some((line, false)) if !line.ended => Err(FormatError::damaged(format!(
            "the sheet ends in the middle of line {} (\"{}\", with no line end): the file looks cut short",
            line.number,
            shown(line.bytes)
        ))),
        _ => Ok(()),
    }
}

/// Read one line; returns whether it was a whole, well-formed command (a
/// blank line and a comment are).
fn command(s: &mut Sheet, c: &mut Collector, line: Line) -> bool {
    let (lead, rest) = skip_blanks(line.bytes);
    if rest.is_empty() {
        return true;
    }
    let (kw, args) = word(rest);
    let args_at = line.at + lead + kw.len();
    let n = line.number;
    let is = |k: &str| kw.eq_ignore_ascii_case(k.as_bytes());
    if is("REM") {
        return true;
    }
    if is("CATALOG") || is("ISRC") || is("UPC_EAN") || is("TITLE") {
        let v = value(args, args_at);
        let raw = decode(v.bytes);
        if !v.closed {
            s.odd.note(c, || {
                format!(
                    "line {n}: the quoted value of {} has no closing quote",
                    decode(kw)
                )
            });
        }
        if raw.trim().is_empty() {
            if !is("TITLE") && !is("UPC_EAN") {
                s.odd
                    .note(c, || format!("line {n}: {} with no value", decode(kw)));
            }
            return is("TITLE") || is("UPC_EAN");
        }
        let track = s.track();
        let valid = if is("TITLE") {
            if track.is_none() {
                c.title(&raw);
            }
            true
        } else if is("CATALOG") {
            if let Some(t) = track {
                s.odd.note(c, || {
                    format!("line {n}: CATALOG inside TRACK {t:02}: it belongs before the first TRACK (read as the disc's)")
                });
            }
            match text::mcn(&raw) {
                Mcn::None => {
                    c.note(format!(
                        "line {n}: CATALOG {raw}: all zeros, the disc has no media catalog number"
                    ));
                    true
                }
                Mcn::Code(notes) => {
                    let loc = location(c, TagFormat::Cue, &decode(kw), None, v.at);
                    offer(c, &raw, loc, notes)
                }
            }
        } else if is("UPC_EAN") {
            // CD-TEXT's copy of the barcode: a disc-level item, often empty.
            if raw.trim().bytes().all(|b| b == b'0') {
                return true;
            }
            let loc = location(c, TagFormat::Cue, &decode(kw), None, v.at);
            offer(c, &raw, loc, Vec::new())
        } else {
            let mut notes = Vec::new();
            if v.quoted {
                notes.push(
                    "quoted: a track's ISRC is written bare (cuetools reads a quoted ISRC as CD-TEXT, not as the track's)"
                        .to_string(),
                );
            }
            match s.tracks.last_mut() {
                Some(t) if t.1 => notes.push(format!("a second ISRC line for TRACK {:02}", t.0)),
                Some(t) => t.1 = true,
                None => notes.push("before the first TRACK: it belongs to no track".to_string()),
            }
            let loc = location(c, TagFormat::Cue, &decode(kw), track, v.at);
            offer(c, &raw, loc, notes)
        };
        return valid && v.closed;
    }
    if is("FILE") {
        s.files += 1;
        let v = value(args, args_at);
        if v.bytes.is_empty() {
            s.odd
                .note(c, || format!("line {n}: FILE with no file name"));
            return false;
        }
        return v.closed;
    }
    if is("TRACK") {
        return track(s, c, n, args);
    }
    if is("INDEX") {
        return index(s, c, n, args);
    }
    if one_of(kw, IGNORED) {
        return true;
    }
    s.garbage.note(c, || {
        format!(
            "line {n}: \"{}\" is not a CUE command (ignored)",
            shown(rest)
        )
    });
    false
}

/// `TRACK nn MODE`: a new track. A number that is missing or not one is
/// taken as the one after the last, with a note.
fn track(s: &mut Sheet, c: &mut Collector, n: usize, args: &[u8]) -> bool {
    let (_, args) = skip_blanks(args);
    let (num, rest) = word(args);
    let (mode, _) = word(skip_blanks(rest).1);
    let next = s.track().map_or(1, |t| t.saturating_add(1));
    let parsed = std::str::from_utf8(num)
        .ok()
        .filter(|t| t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse::<u32>().ok());
    let number = match parsed {
        Some(k) => {
            if k != next {
                s.odd.note(c, || {
                    format!("line {n}: TRACK {k:02} where TRACK {next:02} was due (tracks are numbered 1, 2, 3, …)")
                });
            } else if k > 99 {
                s.odd.note(c, || {
                    format!("line {n}: TRACK {k}: a CD has at most 99 tracks")
                });
            }
            k
        }
        None => {
            s.odd.note(c, || {
                format!(
                    "line {n}: TRACK \"{}\" has no track number: taken as TRACK {next:02}",
                    shown(num)
                )
            });
            next
        }
    };
    if s.files == 0 && s.tracks.is_empty() {
        s.odd.note(c, || {
            format!("line {n}: TRACK before any FILE line: the sheet names no audio file for it")
        });
    }
    s.tracks.push((number, false));
    let known = one_of(mode, CUE_MODES);
    if !known {
        s.odd.note(c, || {
            format!(
                "line {n}: TRACK {number:02} has no known mode (\"{}\"; AUDIO for a CD-DA track)",
                shown(mode)
            )
        });
    }
    parsed.is_some() && known
}

/// `INDEX nn mm:ss:ff`: checked (seconds below 60, frames below 75).
fn index(s: &mut Sheet, c: &mut Collector, n: usize, args: &[u8]) -> bool {
    let (_, args) = skip_blanks(args);
    let (num, rest) = word(args);
    let (time, _) = word(skip_blanks(rest).1);
    let field = |b: &[u8]| -> Option<u32> {
        (!b.is_empty() && b.len() <= 3 && b.iter().all(u8::is_ascii_digit))
            .then(|| b.iter().fold(0u32, |a, &d| a * 10 + u32::from(d - b'0')))
    };
    let parts: Vec<&[u8]> = time.split(|&b| b == b':').collect();
    let msf = match parts.as_slice() {
        [m, s_, f] => field(m).zip(field(s_)).zip(field(f)),
        _ => None,
    };
    let ok = field(num).is_some_and(|k| k <= 99)
        && msf.is_some_and(|((_, sec), frame)| sec < 60 && frame < 75);
    if !ok {
        s.odd.note(c, || {
            format!(
                "line {n}: INDEX \"{}\" is not INDEX nn mm:ss:ff (seconds below 60, frames below 75)",
                shown(args)
            )
        });
    }
    if s.tracks.is_empty() {
        s.odd
            .note(c, || format!("line {n}: INDEX before the first TRACK"));
    }
    ok
}
