//! ID3v2 (2.2, 2.3, 2.4) frame reader on the tag's bytes.
//!
//! Written here rather than taken from the `id3` crate because a location
//! report needs what that crate does not keep on read: each frame's byte
//! offset and its declared text encoding (the crate keeps the encoding only
//! for TXXX and GEOB). Only the frames that may hold a code (TSRC/TRC,
//! TXXX/TXX) and the title are decoded; every other frame is stepped over
//! by its header.

use crate::formats::{Collector, FormatError};
use crate::model::TagFormat;
use crate::source::Source;

/// Total size of an ID3v2 tag (header + body + footer) from its 10-byte header.
pub(crate) fn total_size(head: &[u8]) -> Option<u64> {
    if head.len() < 10 || &head[0..3] != b"ID3" {
        return None;
    }
    let size = syncsafe(&head[6..10])?;
    let footer = if head[3] == 4 && head[5] & 0x10 != 0 {
        10
    } else {
        0
    };
    Some(10 + u64::from(size) + footer)
}

/// A 28-bit syncsafe integer; `None` when a byte has its high bit set.
fn syncsafe(b: &[u8]) -> Option<u32> {
    if b.len() != 4 || b.iter().any(|x| x & 0x80 != 0) {
        return None;
    }
    Some(
        (u32::from(b[0]) << 21)
            | (u32::from(b[1]) << 14)
            | (u32::from(b[2]) << 7)
            | u32::from(b[3]),
    )
}

/// Read the ID3v2 tag that starts at `offset` (its "ID3" header) and record
/// its code sites; `chunk` names the region holding it (`Some("id3 ")` for a
/// WAV chunk, `Some("head")` in front of an MP3/FLAC stream). Returns the
/// tag's total size in bytes (header, body, footer).
pub(crate) fn read_tag(
    src: &mut Source,
    offset: u64,
    chunk: Option<&str>,
    c: &mut Collector,
) -> Result<u64, FormatError> {
    let head: [u8; 10] = src.header("ID3v2 header", offset)?;
    if &head[0..3] != b"ID3" {
        return Err(FormatError::damaged(format!(
            "no ID3v2 header at byte {offset} (expected \"ID3\")"
        )));
    }
    let Some(total) = total_size(&head) else {
        return Err(FormatError::damaged(format!(
            "ID3v2 tag at byte {offset} has a malformed size field"
        )));
    };
    let major = head[3];
    if !(2..=4).contains(&major) {
        c.note(format!(
            "ID3v2.{major} tag at byte {offset} has an unknown version; not read"
        ));
        return Ok(total);
    }
    let body_len = total
        - 10
        - if total > 10 && major == 4 && head[5] & 0x10 != 0 {
            10
        } else {
            0
        };
    let body = src.read(format_args!("ID3v2.{major} tag"), offset + 10, body_len)?;
    let tag = Tag {
        major,
        flags: head[5],
        base: offset + 10,
        chunk,
    };
    tag.frames(&body, c)?;
    Ok(total)
}

struct Tag<'a> {
    major: u8,
    flags: u8,
    /// File offset of the first body byte.
    base: u64,
    chunk: Option<&'a str>,
}

impl Tag<'_> {
    fn frames(&self, body: &[u8], c: &mut Collector) -> Result<(), FormatError> {
        let version = format!("2.{}", self.major);
        // A whole-tag unsynchronised v2.2/v2.3 tag is undone first; offsets
        // are then approximate (within the tag) and a note says so.
        let owned;
        let body: &[u8] = if self.major < 4 && self.flags & 0x80 != 0 {
            owned = resync(body);
            c.note(format!(
                "ID3v{version} tag at byte {} is unsynchronised; frame offsets are approximate",
                self.base - 10
            ));
            &owned
        } else {
            body
        };
        if self.major == 2 && self.flags & 0x40 != 0 {
            c.note("ID3v2.2 tag uses whole-tag compression, which no tool defines; not read");
            return Ok(());
        }
        let mut pos = 0usize;
        if self.major >= 3 && self.flags & 0x40 != 0 {
            let ext = body
                .get(0..4)
                .ok_or_else(|| self.damage("extended header", 0, "truncated"))?;
            let skip = if self.major == 3 {
                u32::from_be_bytes([ext[0], ext[1], ext[2], ext[3]]) as usize + 4
            } else {
                syncsafe(ext).ok_or_else(|| self.damage("extended header", 0, "bad size"))? as usize
            };
            if skip > body.len() {
                return Err(self.damage("extended header", 0, "larger than the tag"));
            }
            pos = skip;
        }
        let (id_len, header_len) = if self.major == 2 { (3, 6) } else { (4, 10) };
        while pos + header_len <= body.len() {
            let h = &body[pos..pos + header_len];
            if h[0] == 0 {
                break; // padding
            }
            let id = &h[..id_len];
            if !id
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            {
                // Not a frame id: garbage or an unmarked footer. Stop, keep what was read.
                c.note(format!(
                    "ID3v{version} tag: unreadable bytes at byte {} where a frame should start; the rest of the tag was skipped",
                    self.base + pos as u64
                ));
                break;
            }
            let size = match self.major {
                2 => (usize::from(h[3]) << 16) | (usize::from(h[4]) << 8) | usize::from(h[5]),
                3 => u32::from_be_bytes([h[4], h[5], h[6], h[7]]) as usize,
                _ => self.v24_size(body, pos)?,
            };
            let start = pos + header_len;
            let Some(end) = start.checked_add(size).filter(|&e| e <= body.len()) else {
                return Err(self.damage(
                    &String::from_utf8_lossy(id),
                    pos,
                    &format!(
                        "frame claims {size} bytes but only {} remain in the tag",
                        body.len() - start
                    ),
                ));
            };
            let flags = if self.major == 2 { 0 } else { h[9] };
            let id = String::from_utf8_lossy(id);
            self.frame(&id, flags, &body[start..end], self.base + pos as u64, c);
            pos = end;
        }
        Ok(())
    }

    /// v2.4 sizes are syncsafe; some writers (old iTunes) wrote plain
    /// integers. Prefer syncsafe unless it is invalid, or the plain reading
    /// lands on the next frame and the syncsafe one does not.
    fn v24_size(&self, body: &[u8], pos: usize) -> Result<usize, FormatError> {
        let b = &body[pos + 4..pos + 8];
        let plain = u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
        let Some(safe) = syncsafe(b) else {
            return Ok(plain);
        };
        let safe = safe as usize;
        if safe == plain || plain < 0x80 {
            return Ok(safe);
        }
        let lands = |size: usize| {
            let next = pos + 10 + size;
            next == body.len()
                || body.get(next..next + 4).is_some_and(|n| {
                    n[0] == 0
                        || n.iter()
                            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                })
        };
        Ok(if !lands(safe) && lands(plain) {
            plain
        } else {
            safe
        })
    }

    fn damage(&self, what: &str, pos: usize, why: &str) -> FormatError {
        FormatError::damaged(format!(
            "ID3v2.{} {what} at byte {}: {why}",
            self.major,
            self.base + pos as u64
        ))
    }

    fn frame(&self, id: &str, flags: u8, data: &[u8], offset: u64, c: &mut Collector) {
        let is_code_frame = matches!(id, "TSRC" | "TRC" | "TXXX" | "TXX");
        let is_title = matches!(id, "TIT2" | "TT2");
        if !is_code_frame && !is_title {
            return;
        }
        let mut data = data;
        // Frame format flags (v2.3: compression 0x80, encryption 0x40,
        // grouping 0x20; v2.4: grouping 0x40, compression 0x08,
        // encryption 0x04, unsynchronisation 0x02, data length 0x01).
        let (compressed, encrypted, extra) = match self.major {
            3 => (
                flags & 0x80 != 0,
                flags & 0x40 != 0,
                4 * usize::from(flags & 0x80 != 0)
                    + usize::from(flags & 0x40 != 0)
                    + usize::from(flags & 0x20 != 0),
            ),
            4 => (
                flags & 0x08 != 0,
                flags & 0x04 != 0,
                usize::from(flags & 0x40 != 0)
                    + usize::from(flags & 0x04 != 0)
                    + 4 * usize::from(flags & 0x01 != 0),
            ),
            _ => (false, false, 0),
        };
        if compressed || encrypted {
            if is_code_frame {
                c.note(format!(
                    "ID3v2.{} {id} frame at byte {offset} is {}; its text was not read",
                    self.major,
                    if encrypted { "encrypted" } else { "compressed" }
                ));
            }
            return;
        }
        data = data.get(extra..).unwrap_or_default();
        let owned;
        if self.major == 4 && flags & 0x02 != 0 {
            owned = resync(data);
            data = &owned;
        }
        let Some((&enc, text)) = data.split_first() else {
            return;
        };
        let (encoding, values) = decode_text(enc, text);
        if is_title {
            if let Some(t) = values.first() {
                c.title(t);
            }
            return;
        }
        let mut values = values.into_iter();
        let field = if id.starts_with("TX") {
            // First value is the description, the rest the value(s).
            let desc = values.next().unwrap_or_default();
            format!("{id}:{desc}")
        } else {
            id.to_string()
        };
        if !c.wants(TagFormat::Id3v2, &field) {
            return;
        }
        let mut loc = c.loc(self.chunk, TagFormat::Id3v2, "", offset);
        loc.field = field;
        loc.version = Some(match self.major {
            2 => "2.2".into(),
            3 => "2.3".into(),
            4 => "2.4".into(),
            m => format!("2.{m}").into(),
        });
        loc.encoding = Some(encoding.into());
        // Most frames hold one value: the location is moved into the last.
        let mut values = values.filter(|v| !v.is_empty()).peekable();
        while let Some(v) = values.next() {
            if values.peek().is_some() {
                c.field(&v, loc.clone());
            } else {
                c.field(&v, loc);
                break;
            }
        }
    }
}

/// Undo ID3 unsynchronisation: every `FF 00` becomes `FF`.
fn resync(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut prev = 0u8;
    for &b in data {
        if !(prev == 0xFF && b == 0x00) {
            out.push(b);
        }
        prev = b;
    }
    out
}

/// Decode a text frame body (after the encoding byte) into its
/// NUL-separated values. Returns the encoding's name.
pub(crate) fn decode_text(enc: u8, text: &[u8]) -> (&'static str, Vec<String>) {
    match enc {
        0 => (
            "ISO-8859-1",
            split8(text)
                .map(|s| s.iter().map(|&b| char::from(b)).collect())
                .collect(),
        ),
        3 => (
            "UTF-8",
            split8(text)
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect(),
        ),
        1 => (
            "UTF-16",
            split16(text).into_iter().map(|s| utf16(s, None)).collect(),
        ),
        2 => (
            "UTF-16BE",
            split16(text)
                .into_iter()
                .map(|s| utf16(s, Some(true)))
                .collect(),
        ),
        _ => (
            "unknown",
            split8(text)
                .map(|s| s.iter().map(|&b| char::from(b)).collect())
                .collect(),
        ),
    }
}

fn split8(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let text = text.strip_suffix(&[0]).unwrap_or(text);
    text.split(|&b| b == 0)
}

fn split16(text: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i + 1 < text.len() {
        if text[i] == 0 && text[i + 1] == 0 {
            parts.push(&text[start..i]);
            start = i + 2;
        }
        i += 2;
    }
    if start < text.len() {
        parts.push(&text[start..]);
    }
    parts
}

/// Decode UTF-16; a BOM decides the byte order, else `big` (default little,
/// as most BOM-less writers are Windows tools).
fn utf16(bytes: &[u8], big: Option<bool>) -> String {
    let (big, body) = match bytes {
        [0xFE, 0xFF, rest @ ..] => (true, rest),
        [0xFF, 0xFE, rest @ ..] => (false, rest),
        _ => (big.unwrap_or(false), bytes),
    };
    let units = body.chunks_exact(2).map(|p| {
        if big {
            u16::from_be_bytes([p[0], p[1]])
        } else {
            u16::from_le_bytes([p[0], p[1]])
        }
    });
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CodeKind, Container};
    use crate::source::Source;

    fn frame23(id: &str, body: &[u8]) -> Vec<u8> {
        let mut f = id.as_bytes().to_vec();
        f.extend_from_slice(&(body.len() as u32).to_be_bytes());
        f.extend_from_slice(&[0, 0]);
        f.extend_from_slice(body);
        f
    }

    fn tag(major: u8, frames: &[u8], padding: usize) -> Vec<u8> {
        let size = frames.len() + padding;
        let mut t = b"ID3".to_vec();
        t.extend_from_slice(&[major, 0, 0]);
        t.extend_from_slice(&[
            ((size >> 21) & 0x7f) as u8,
            ((size >> 14) & 0x7f) as u8,
            ((size >> 7) & 0x7f) as u8,
            (size & 0x7f) as u8,
        ]);
        t.extend_from_slice(frames);
        t.resize(t.len() + padding, 0);
        t
    }

    fn read(bytes: &[u8]) -> (Collector, Result<u64, FormatError>) {
        let mut slice = bytes;
        let len = slice.len() as u64;
        let mut src = Source::new(&mut slice, len);
        let mut c = Collector::new(Container::Mp3);
        let r = read_tag(&mut src, 0, Some("head"), &mut c);
        (c, r)
    }

    #[test]
    fn v23_tsrc_latin1_and_txxx_barcode_utf16() {
        let mut frames = frame23("TIT2", b"\x00Song\x00");
        frames.extend(frame23("TSRC", b"\x00USRC17607839"));
        let mut txxx = vec![1u8, 0xFF, 0xFE];
        for ch in "BARCODE".encode_utf16() {
            txxx.extend_from_slice(&ch.to_le_bytes());
        }
        txxx.extend_from_slice(&[0, 0, 0xFF, 0xFE]);
        for ch in "075678164125".encode_utf16() {
            txxx.extend_from_slice(&ch.to_le_bytes());
        }
        frames.extend(frame23("TXXX", &txxx));
        let t = tag(3, &frames, 20);
        let (c, r) = read(&t);
        assert_eq!(r.unwrap(), t.len() as u64);
        assert_eq!(c.title.as_deref(), Some("Song"));
        assert_eq!(c.sites.len(), 2);
        let s = &c.sites[0];
        assert_eq!((s.kind, s.raw.as_str()), (CodeKind::Isrc, "USRC17607839"));
        assert_eq!(s.location.field, "TSRC");
        assert_eq!(s.location.version.as_deref(), Some("2.3"));
        assert_eq!(s.location.encoding.as_deref(), Some("ISO-8859-1"));
        assert_eq!(s.location.offset, 10 + 16);
        let b = &c.sites[1];
        assert_eq!(
            (b.kind, b.raw.as_str()),
            (CodeKind::Barcode, "075678164125")
        );
        assert_eq!(b.location.field, "TXXX:BARCODE");
        assert_eq!(b.location.encoding.as_deref(), Some("UTF-16"));
    }

    #[test]
    fn v24_two_values_syncsafe_size() {
        let body = b"\x03USRC17607839\x00GBAYE6800011";
        let mut f = b"TSRC".to_vec();
        f.extend_from_slice(&[0, 0, 0, body.len() as u8, 0, 0]);
        f.extend_from_slice(body);
        let (c, _) = read(&tag(4, &f, 0));
        let raws: Vec<_> = c.sites.iter().map(|s| s.raw.as_str()).collect();
        assert_eq!(raws, ["USRC17607839", "GBAYE6800011"]);
        assert_eq!(c.sites[0].location.encoding.as_deref(), Some("UTF-8"));
    }

    #[test]
    fn v22_trc() {
        let mut f = b"TRC".to_vec();
        f.extend_from_slice(&[0, 0, 13]);
        f.extend_from_slice(b"\x00USRC17607839");
        let (c, _) = read(&tag(2, &f, 4));
        assert_eq!(c.sites[0].location.field, "TRC");
        assert_eq!(c.sites[0].location.version.as_deref(), Some("2.2"));
    }

    #[test]
    fn frame_past_tag_end_is_damage_but_earlier_codes_kept() {
        let mut frames = frame23("TSRC", b"\x00USRC17607839");
        let mut bad = frame23("TXXX", b"\x00BARCODE\x00075678164125");
        bad[4..8].copy_from_slice(&1000u32.to_be_bytes());
        frames.extend(bad);
        let (c, r) = read(&tag(3, &frames, 0));
        assert_eq!(c.sites.len(), 1);
        let msg = r.unwrap_err().to_string();
        assert!(msg.contains("TXXX") && msg.contains("1000"), "{msg}");
    }

    #[test]
    fn huge_tag_size_is_error_not_allocation() {
        let mut t = b"ID3\x03\x00\x00\x7f\x7f\x7f\x7f".to_vec();
        t.extend_from_slice(&[0; 100]);
        let (_, r) = read(&t);
        assert!(r.unwrap_err().to_string().contains("file ends"));
    }

    #[test]
    fn comment_mentioning_isrc_is_not_a_site() {
        let f = frame23("COMM", b"\x00engISRC USRC17607839\x00");
        let (c, _) = read(&tag(3, &f, 0));
        assert!(c.sites.is_empty());
    }
}

pub(crate) mod write;
