//! A cdrdao TOC file, read token by token as cdrdao does (statements may
//! share a line or span several): the header's `CATALOG "…"`, each
//! `TRACK`'s `ISRC "…"`, and the `ISRC` and `UPC_EAN` items of the
//! `CD_TEXT { LANGUAGE n { … } }` blocks (CD-TEXT's copies, reported as
//! non-standard). `//` starts a comment to the end of the line. The disc
//! title is the first language block's `TITLE` in the header's CD_TEXT.
//! Braces are nested at most [`MAX_DEPTH`] deep; a file that ends inside a
//! block or a string is reported as damaged, with what came before kept.

use super::sniff::{TOC_MODES, one_of};
use super::text::{self, Mcn, Remarks, decode, location, offer, shown};
use crate::formats::{Collector, FormatError};
use crate::model::TagFormat;

/// Deepest nesting of braces read (cdrdao's own is 3: CD_TEXT, LANGUAGE,
/// binary data).
const MAX_DEPTH: usize = 8;

/// One token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    /// A bare word (keyword, number, time part).
    Word(&'a [u8]),
    /// A string's inside; `closed` when its closing quote was there.
    Str {
        bytes: &'a [u8],
        closed: bool,
    },
    Open,
    Close,
    /// `:` or `,` (times, language maps, binary data).
    Punct,
}

/// A token with where it is.
#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    tok: Tok<'a>,
    /// Byte offset of its first byte (a string's: inside the quote).
    at: usize,
    /// Its line, from 1.
    line: usize,
}

/// The tokens of a TOC file, in order.
struct Tokens<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
    /// A token looked at and not yet taken.
    peeked: Option<Token<'a>>,
    /// The line of the first string with no closing quote, and whether
    /// it ran to the end of the file.
    unclosed: Option<(usize, bool)>,
}

impl<'a> Tokens<'a> {
    /// The next token, left in place.
    fn peek(&mut self) -> Option<Token<'a>> {
        if self.peeked.is_none() {
            self.peeked = self.scan();
        }
        self.peeked
    }

    /// The next token.
    fn next(&mut self) -> Option<Token<'a>> {
        self.peeked.take().or_else(|| self.scan())
    }

    fn scan(&mut self) -> Option<Token<'a>> {
        let text = self.text;
        loop {
            let b = *text.get(self.at)?;
            match b {
                b'\n' => {
                    self.line += 1;
                    self.at += 1;
                }
                b'\r' => {
                    // CRLF counts once (at its LF); a lone CR is a line end.
                    if text.get(self.at + 1) != Some(&b'\n') {
                        self.line += 1;
                    }
                    self.at += 1;
                }
                b' ' | b'\t' | b'\x0b' | b'\x0c' => self.at += 1,
                b'/' if text.get(self.at + 1) == Some(&b'/') => {
                    let rest = &text[self.at..];
                    self.at += rest
                        .iter()
                        .position(|&b| b == b'\n' || b == b'\r')
                        .unwrap_or(rest.len());
                }
                _ => break,
            }
        }
        let (at, line) = (self.at, self.line);
        let rest = &text[at..];
        let (tok, len) = match rest[0] {
            b'{' => (Tok::Open, 1),
            b'}' => (Tok::Close, 1),
            b':' | b',' => (Tok::Punct, 1),
            b'"' => {
                // To the next quote not escaped by a backslash; a string
                // does not run past its line.
                let mut i = 1;
                let mut closed = false;
                while let Some(&ch) = rest.get(i) {
                    match ch {
                        b'\\' if rest.get(i + 1).is_some_and(|&n| n != b'\n' && n != b'\r') => {
                            i += 2
                        }
                        b'"' => {
                            closed = true;
                            break;
                        }
                        b'\n' | b'\r' => break,
                        _ => i += 1,
                    }
                }
                let bytes = &rest[1..i.min(rest.len())];
                let len = if closed { i + 1 } else { i };
                if !closed && self.unclosed.is_none() {
                    self.unclosed = Some((line, at + len >= text.len()));
                }
                return {
                    self.at += len;
                    Some(Token {
                        tok: Tok::Str { bytes, closed },
                        at: at + 1,
                        line,
                    })
                };
            }
            _ => {
                let len = rest
                    .iter()
                    .position(|&b| b.is_ascii_whitespace() || b"{}:,\"".contains(&b))
                    .unwrap_or(rest.len());
                // "//" inside a word starts a comment too.
                let len = rest[..len]
                    .windows(2)
                    .position(|w| w == b"//")
                    .unwrap_or(len)
                    .max(1);
                (Tok::Word(&rest[..len]), len)
            }
        };
        self.at += len;
        Some(Token { tok, at, line })
    }
}

/// An open brace: what it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    /// `CD_TEXT {`.
    CdText,
    /// `LANGUAGE n {`, inside a CD_TEXT block.
    Language(u32),
    /// Anything else (`LANGUAGE_MAP {`, binary data `{ 0, 10 }`).
    Other,
}

/// Statements that hold nothing isrckit reads, or start a track's data.
const KNOWN: &[&str] = &[
    "CD_DA",
    "CD_ROM",
    "CD_ROM_XA",
    "NO",
    "COPY",
    "PRE_EMPHASIS",
    "TWO_CHANNEL_AUDIO",
    "FOUR_CHANNEL_AUDIO",
    "SILENCE",
    "ZERO",
    "FILE",
    "AUDIOFILE",
    "DATAFILE",
    "FIFO",
    "START",
    "PREGAP",
    "INDEX",
    "RW",
    "RW_RAW",
    "SWAP",
];

/// Read a TOC file's code sites into `c`.
pub(super) fn read(text: &[u8], c: &mut Collector) -> Result<(), FormatError> {
    let mut toks = Tokens {
        text,
        at: text::start(text),
        line: 1,
        peeked: None,
        unclosed: None,
    };
    let mut stack: Vec<(Block, usize)> = Vec::new();
    // Each track's number and whether it has an ISRC.
    let mut tracks: Vec<(u32, bool)> = Vec::new();
    let mut garbage = Remarks::new();
    let mut odd = Remarks::new();
    let mut title_seen = false;
    while let Some(t) = toks.next() {
        let n = t.line;
        let track = tracks.last().map(|t| t.0);
        match (t.tok, stack.last().map(|b| b.0)) {
            (Tok::Open, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(FormatError::damaged(format!(
                        "line {n}: braces nested more than {MAX_DEPTH} deep: not a TOC file cdrdao reads (read up to here)"
                    )));
                }
                stack.push((Block::Other, n));
            }
            (Tok::Close, None) => {
                odd.note(c, || format!("line {n}: a '}}' that closes no block"));
            }
            (Tok::Close, Some(_)) => {
                stack.pop();
            }
            (Tok::Word(w), None) if w.eq_ignore_ascii_case(b"CATALOG") => {
                let Some(v) = string_after(&mut toks) else {
                    odd.note(c, || format!("line {n}: CATALOG with no number"));
                    continue;
                };
                if let Some(tr) = track {
                    odd.note(c, || {
                        format!("line {n}: CATALOG inside track {tr}: it belongs in the header (read as the disc's)")
                    });
                }
                let raw = decode(v.1);
                match text::mcn(&raw) {
                    Mcn::None => c.note(format!(
                        "line {n}: CATALOG \"{raw}\": all zeros, the disc has no media catalog number"
                    )),
                    Mcn::Code(notes) => {
                        let loc = location(c, TagFormat::Toc, &decode(w), None, v.0);
                        offer(c, &raw, loc, notes);
                    }
                }
            }
            (Tok::Word(w), None) if w.eq_ignore_ascii_case(b"TRACK") => {
                let number = track.map_or(1, |t| t.saturating_add(1));
                tracks.push((number, false));
                match toks.peek().map(|t| t.tok) {
                    Some(Tok::Word(m)) if one_of(m, TOC_MODES) => {
                        toks.next();
                    }
                    other => {
                        let mode = match other {
                            Some(Tok::Word(m)) => shown(m),
                            _ => String::new(),
                        };
                        odd.note(c, || {
                            format!("line {n}: TRACK (track {number}) has no known mode (\"{mode}\"; AUDIO for a CD-DA track)")
                        });
                    }
                }
            }
            (Tok::Word(w), None) if w.eq_ignore_ascii_case(b"ISRC") => {
                let Some(v) = string_after(&mut toks) else {
                    odd.note(c, || format!("line {n}: ISRC with no code"));
                    continue;
                };
                let mut notes = Vec::new();
                match tracks.last_mut() {
                    Some(t) if t.1 => notes.push(format!("a second ISRC for track {}", t.0)),
                    Some(t) => t.1 = true,
                    None => notes.push("before the first TRACK: it belongs to no track".into()),
                }
                let raw = decode(v.1);
                let loc = location(c, TagFormat::Toc, &decode(w), track, v.0);
                offer(c, &raw, loc, notes);
            }
            (Tok::Word(w), None) if w.eq_ignore_ascii_case(b"CD_TEXT") => {
                if toks.peek().map(|t| t.tok) == Some(Tok::Open) {
                    toks.next();
                    stack.push((Block::CdText, n));
                } else {
                    odd.note(c, || format!("line {n}: CD_TEXT with no '{{'"));
                }
            }
            (Tok::Word(w), Some(Block::CdText)) if w.eq_ignore_ascii_case(b"LANGUAGE") => {
                let lang = match toks.peek().map(|t| t.tok) {
                    Some(Tok::Word(d)) if d.iter().all(u8::is_ascii_digit) => {
                        toks.next();
                        decode(d).parse::<u32>().unwrap_or(u32::MAX)
                    }
                    _ => u32::MAX,
                };
                if toks.peek().map(|t| t.tok) == Some(Tok::Open) {
                    toks.next();
                    stack.push((Block::Language(lang), n));
                }
            }
            (Tok::Word(w), Some(Block::Language(_))) => {
                let item = w.to_ascii_uppercase();
                let Some(Token {
                    tok: Tok::Str { bytes, closed },
                    at,
                    ..
                }) = toks.peek()
                else {
                    continue; // binary data `{ … }` follows, or nothing
                };
                toks.next();
                if !closed {
                    continue; // noted at the end
                }
                let raw = decode(bytes);
                match item.as_slice() {
                    b"TITLE" if track.is_none() && !title_seen => {
                        title_seen = true;
                        c.title(&raw);
                    }
                    b"ISRC" | b"UPC_EAN" if !raw.trim().is_empty() => {
                        if item == b"UPC_EAN" && raw.trim().bytes().all(|b| b == b'0') {
                            continue;
                        }
                        let field = format!("CD_TEXT/{}", decode(w));
                        let loc = location(c, TagFormat::Toc, &field, track, at);
                        offer(c, &raw, loc, Vec::new());
                    }
                    _ => {}
                }
            }
            (Tok::Word(w), None) => {
                let bare = w.iter().all(|b| b.is_ascii_digit());
                if !bare && !one_of(w, KNOWN) && !one_of(w, TOC_MODES) {
                    garbage.note(c, || {
                        format!(
                            "line {n}: \"{}\" is not a TOC statement (ignored)",
                            shown(w)
                        )
                    });
                }
            }
            _ => {}
        }
    }
    garbage.finish(c, "words that are not TOC statements (ignored)");
    odd.finish(c, "remarks on this TOC file");
    if tracks.is_empty() {
        c.note("the TOC file has no TRACK statement: it names no track");
    }
    text::tracks_without_isrc(c, &tracks, "ISRC");
    if let Some((block, line)) = stack.last() {
        let what = match block {
            Block::CdText => "a CD_TEXT block",
            Block::Language(_) => "a CD_TEXT LANGUAGE block",
            Block::Other => "a '{' block",
        };
        return Err(FormatError::damaged(format!(
            "the TOC file ends inside {what} opened on line {line}: the file looks cut short"
        )));
    }
    match toks.unclosed {
        Some((line, true)) => Err(FormatError::damaged(format!(
            "the TOC file ends inside a quoted string begun on line {line}: the file looks cut short"
        ))),
        Some((line, false)) => {
            c.note(format!(
                "line {line}: a quoted string has no closing quote (read to the end of its line)"
            ));
            Ok(())
        }
        None => Ok(()),
    }
}

/// The string after a keyword (or a bare word, as a hand-written file may
/// have it), with the byte offset of its first byte; `None` when another
/// kind of token follows.
fn string_after<'a>(toks: &mut Tokens<'a>) -> Option<(usize, &'a [u8])> {
    let t = toks.peek()?;
    let bytes = match t.tok {
        Tok::Str { bytes, .. } => bytes,
        Tok::Word(w) if !one_of(w, TOC_MODES) && !one_of(w, KNOWN) => w,
        _ => return None,
    };
    toks.next();
    Some((t.at, bytes))
}
