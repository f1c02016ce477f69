//! The track layout of a CUE sheet (`FILE`, `TRACK`, `INDEX` lines) or a
//! cdrdao TOC file (`TRACK`, `FILE`/`AUDIOFILE`, `SILENCE`, `START`).
//!
//! A CUE track's length is known when its file holds the INDEX 01 of
//! several tracks (a single-file sheet): from its INDEX 01 to the next
//! track's first index in that file. With one FILE per track the file is
//! the track, and the sheet says nothing of its length. A TOC track's
//! length is the sum of its `FILE`/`AUDIOFILE`/`SILENCE`/`ZERO` lengths,
//! less its `START` (pregap), when every one of them gives its length.

use super::{Layout, Track, parse_msf};
use std::path::Path;

/// The largest sheet read (as the reader: `formats::cue::MAX_SHEET`).
const MAX_SHEET: u64 = 1024 * 1024;

pub(super) fn layout(path: &Path) -> Layout {
    let bytes = match std::fs::metadata(path) {
        Ok(m) if m.len() <= MAX_SHEET => match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                return Layout {
                    tracks: Vec::new(),
                    problems: vec![e.to_string()],
                };
            }
        },
        Ok(_) => {
            return Layout {
                tracks: Vec::new(),
                problems: vec!["larger than any CUE sheet or TOC file".into()],
            };
        }
        Err(e) => {
            return Layout {
                tracks: Vec::new(),
                problems: vec![e.to_string()],
            };
        }
    };
    parse(&bytes)
}

/// The layout of a sheet's text (CUE or TOC, told apart by its first
/// `TRACK` line: `TRACK 01 AUDIO` or `TRACK AUDIO`).
pub(crate) fn parse(bytes: &[u8]) -> Layout {
    let text = decode(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let toc = text.lines().map(str::trim_start).any(|l| {
        let mut w = l.split_whitespace();
        w.next().is_some_and(|k| k.eq_ignore_ascii_case("TRACK"))
            && w.next()
                .is_some_and(|m| !m.bytes().all(|b| b.is_ascii_digit()))
    });
    if toc {
        toc_layout(text)
    } else {
        cue_layout(text)
    }
}

fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// A CUE `FILE` line's name: quoted (up to the next quote), or the words
/// before the last (the type).
fn file_name(args: &str) -> String {
    let args = args.trim();
    if let Some(inner) = args.strip_prefix('"') {
        return inner.split('"').next().unwrap_or("").to_string();
    }
    match args.rsplit_once(char::is_whitespace) {
        Some((name, _)) => name.trim().to_string(),
        None => args.to_string(),
    }
}

fn cue_layout(text: &str) -> Layout {
    struct T {
        number: u32,
        file: Option<usize>,
        index1: Option<(usize, u32)>,
        first: Option<(usize, u32)>,
        line: usize,
    }
    let mut files: Vec<String> = Vec::new();
    let mut tracks: Vec<T> = Vec::new();
    let mut problems = Vec::new();
    for (n, line) in text.split(['\n', '\r']).enumerate() {
        let line = line.trim();
        let (kw, args) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        if kw.eq_ignore_ascii_case("FILE") {
            files.push(file_name(args));
        } else if kw.eq_ignore_ascii_case("TRACK") {
            let num = args.split_whitespace().next().unwrap_or("");
            let number = num
                .parse()
                .unwrap_or_else(|_| tracks.last().map_or(1, |t| t.number.saturating_add(1)));
            tracks.push(T {
                number,
                file: files.len().checked_sub(1),
                index1: None,
                first: None,
                line: n + 1,
            });
        } else if kw.eq_ignore_ascii_case("INDEX") {
            let mut w = args.split_whitespace();
            let (idx, time) = (w.next().unwrap_or(""), w.next().unwrap_or(""));
            let Some(t) = tracks.last_mut() else { continue };
            let Some(file) = files.len().checked_sub(1) else {
                continue;
            };
            let Some(at) = parse_msf(time) else {
                problems.push(format!(
                    "line {}: INDEX {idx} \"{time}\" is not mm:ss:ff",
                    n + 1
                ));
                continue;
            };
            t.first.get_or_insert((file, at));
            if idx.parse::<u32>() == Ok(1) && t.index1.is_none() {
                t.index1 = Some((file, at));
                t.file = Some(file);
            }
        }
    }
    let mut per_file = vec![0usize; files.len()];
    for t in &tracks {
        if let Some((f, _)) = t.index1 {
            per_file[f] += 1;
        }
    }
    let mut out = Layout {
        tracks: Vec::new(),
        problems,
    };
    for (k, t) in tracks.iter().enumerate() {
        let length = match (t.index1, tracks.get(k + 1).and_then(|n| n.first)) {
            (Some((f, s)), Some((g, e))) if f == g && per_file[f] > 1 && e >= s => Some(e - s),
            _ => None,
        };
        out.tracks.push(Track {
            number: t.number,
            start: t.index1.map(|(_, s)| s),
            length,
            file: t.file.and_then(|f| files.get(f).cloned()),
            at: match t.index1 {
                Some((_, s)) => format!(
                    "line {}: TRACK {:02} INDEX 01 {}",
                    t.line,
                    t.number,
                    super::msf(s)
                ),
                None => format!("line {}: TRACK {:02}", t.line, t.number),
            },
        });
    }
    out
}

/// A TOC file's tokens: words, and strings (with `\"` escapes) as
/// `Str`; `//` comments left out. Each with its line.
#[derive(Debug, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
}

fn tokens(text: &str) -> Vec<(Tok, usize)> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            c if c.is_whitespace() => {}
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        line += 1;
                        break;
                    }
                }
            }
            '"' => {
                let mut s = String::new();
                let at = line;
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(n) = chars.next() {
                                s.push(n);
                            }
                        }
                        '"' => break,
                        '\n' => {
                            line += 1;
                            s.push(c);
                        }
                        c => s.push(c),
                    }
                }
                out.push((Tok::Str(s), at));
            }
            '{' | '}' | ',' => out.push((Tok::Word(c.to_string()), line)),
            c => {
                let mut w = String::from(c);
                while let Some(&n) = chars.peek() {
                    if n.is_whitespace() || matches!(n, '"' | '{' | '}' | ',') {
                        break;
                    }
                    w.push(n);
                    chars.next();
                }
                out.push((Tok::Word(w), line));
            }
        }
    }
    out
}

fn toc_layout(text: &str) -> Layout {
    struct T {
        line: usize,
        file: Option<String>,
        total: Option<u32>,
        start: u32,
    }
    let toks = tokens(text);
    let mut tracks: Vec<T> = Vec::new();
    let mut depth = 0usize;
    let word = |i: usize| match toks.get(i) {
        Some((Tok::Word(w), _)) => Some(w.as_str()),
        _ => None,
    };
    let mut i = 0;
    while i < toks.len() {
        let (tok, line) = &toks[i];
        i += 1;
        let Tok::Word(w) = tok else { continue };
        match w.as_str() {
            "{" => depth += 1,
            "}" => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            "TRACK" => tracks.push(T {
                line: *line,
                file: None,
                total: Some(0),
                start: 0,
            }),
            "FILE" | "AUDIOFILE" => {
                let Some(t) = tracks.last_mut() else { continue };
                let name = match toks.get(i) {
                    Some((Tok::Str(s), _)) => s.clone(),
                    _ => continue,
                };
                i += 1;
                // start: #bytes, a sample count or mm:ss:ff; then an
                // optional length (mm:ss:ff or a sample count).
                i += usize::from(word(i).is_some());
                let len = word(i).and_then(|w| {
                    parse_msf(w)
                        .or_else(|| w.parse::<u64>().ok().map(|samples| (samples / 588) as u32))
                });
                if len.is_some() {
                    i += 1;
                }
                t.file.get_or_insert(name);
                t.total = t.total.zip(len).map(|(a, b)| a.saturating_add(b));
            }
            "SILENCE" | "ZERO" => {
                if let Some(t) = tracks.last_mut() {
                    // ZERO takes an optional data mode first.
                    let mut j = i;
                    if w == "ZERO" && word(j).is_some_and(|m| parse_msf(m).is_none()) {
                        j += 1;
                    }
                    let len = word(j).and_then(parse_msf);
                    t.total = t.total.zip(len).map(|(a, b)| a.saturating_add(b));
                }
            }
            "START" => {
                if let Some(t) = tracks.last_mut()
                    && let Some(s) = word(i).and_then(parse_msf)
                {
                    t.start = s;
                }
            }
            _ => {}
        }
    }
    Layout {
        tracks: tracks
            .into_iter()
            .enumerate()
            .map(|(k, t)| Track {
                number: k as u32 + 1,
                start: Some(t.start),
                length: t.total.and_then(|n| n.checked_sub(t.start)),
                file: t.file,
                at: format!("line {}: TRACK {:02}", t.line, k + 1),
            })
            .collect(),
        problems: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cue_sheet_with_a_file_per_track() {
        let l = parse(
            b"\xEF\xBB\xBFCATALOG 0724384960650\r\nFILE \"01 One.wav\" WAVE\r\n  TRACK 01 AUDIO\r\n    INDEX 01 00:00:00\r\nFILE \"02 Two.wav\" WAVE\r\n  TRACK 02 AUDIO\r\n    INDEX 01 00:00:00\r\n",
        );
        assert_eq!(l.tracks.len(), 2);
        assert_eq!(l.tracks[1].file.as_deref(), Some("02 Two.wav"));
        assert_eq!(l.tracks[0].length, None);
        assert!(l.problems.is_empty());
    }

    #[test]
    fn a_single_file_sheet_gives_lengths_to_the_next_first_index() {
        let l = parse(
            b"FILE image.wav WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nTRACK 02 AUDIO\nINDEX 00 00:01:00\nINDEX 01 00:02:00\nTRACK 03 AUDIO\nINDEX 01 00:04:00\n",
        );
        let lens: Vec<Option<u32>> = l.tracks.iter().map(|t| t.length).collect();
        assert_eq!(lens, [Some(75), Some(150), None]);
        assert_eq!(l.tracks[0].file.as_deref(), Some("image.wav"));
    }

    #[test]
    fn a_toc_file() {
        let l = parse(
            b"CD_DA\nCATALOG \"0724384960650\"\nCD_TEXT { LANGUAGE_MAP { 0 : EN } LANGUAGE 0 { TITLE \"TRACK x\" } }\n// TRACK comment\nTRACK AUDIO\nISRC \"GBAYE2600001\"\nFILE \"01 One.wav\" 0 00:01:00\nTRACK AUDIO\nSILENCE 00:01:00\nFILE \"02 Two.wav\" 0\nSTART 00:01:00\n",
        );
        assert_eq!(l.tracks.len(), 2, "{l:?}");
        assert_eq!(l.tracks[0].length, Some(75));
        assert_eq!(l.tracks[0].file.as_deref(), Some("01 One.wav"));
        assert_eq!(l.tracks[1].length, None);
    }
}
