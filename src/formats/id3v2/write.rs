//! Editing an ID3v2 tag in place of its bytes: only the frames that hold
//! codes are rewritten (in the frame's own text encoding, in the tag's own
//! version); every other frame is copied byte for byte, in order. The tag
//! keeps its size when the padding can absorb the change.
//!
//! Written here rather than with the `id3` crate because that crate
//! re-encodes every frame it writes (and, on read, keeps the text encoding
//! of TXXX and GEOB only), so a v2.3 UTF-16 tag could not be kept as it was.

use super::{decode_text, syncsafe};
use crate::model::CodeKind;
use crate::plan::{Change, Codes};

/// Padding given to a tag that has to grow.
const NEW_PADDING: usize = 2048;

/// Why a tag cannot be edited safely.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// Structure this editor will not touch.
    #[error("{0}")]
    Unsupported(String),
    /// Damaged tag.
    #[error("{0}")]
    Damaged(String),
}

impl From<EditError> for crate::plan::PlanError {
    fn from(e: EditError) -> Self {
        use crate::plan::PlanError;
        match e {
            EditError::Damaged(m) => PlanError::Damaged(m),
            EditError::Unsupported(m) => PlanError::Unsupported(m),
        }
    }
}

struct Frame {
    id: String,
    /// Status flags byte (v2.3/v2.4) kept; format flags cleared on rewrite.
    flags: [u8; 2],
    body: Vec<u8>,
}

/// The result of an edit: the new tag bytes and what changed.
pub(crate) struct Edited {
    /// The whole new tag (header, frames, padding, footer).
    pub bytes: Vec<u8>,
    /// What was changed.
    pub changes: Vec<Change>,
}

/// Which frames hold a kind of code, by version: the standard one first.
fn code_frame(major: u8, id: &str, body: &[u8]) -> Option<(CodeKind, bool)> {
    let (tsrc, txxx) = if major == 2 {
        ("TRC", "TXX")
    } else {
        ("TSRC", "TXXX")
    };
    if id == tsrc {
        return Some((CodeKind::Isrc, true));
    }
    if id == txxx {
        let (_, values) = decode_text(*body.first()?, body.get(1..)?);
        // The key table decides, as for reading: TXXX:CATALOGNUMBER counts
        // only when it holds a valid barcode.
        let spec = crate::formats::keys::lookup(
            crate::model::TagFormat::Id3v2,
            &format!("{id}:{}", values.first()?),
        )?;
        let conditional = spec.role == crate::formats::keys::Role::IfValid;
        if values.get(1).map_or(conditional, |v| !spec.holds_code(v)) {
            return None;
        }
        return Some((spec.kind, spec.role == crate::formats::keys::Role::Standard));
    }
    None
}

fn encode(enc: u8, text: &str) -> Vec<u8> {
    match enc {
        1 => {
            let mut v = vec![0xFF, 0xFE];
            for u in text.encode_utf16() {
                v.extend_from_slice(&u.to_le_bytes());
            }
            v
        }
        2 => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        3 => text.as_bytes().to_vec(),
        // Latin-1: codes are ASCII.
        _ => text
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
            .collect(),
    }
}

fn terminator(enc: u8) -> &'static [u8] {
    if enc == 1 || enc == 2 { &[0, 0] } else { &[0] }
}

/// Edit the ID3v2 tag `tag` (its whole bytes, header included) so it holds
/// `codes`: every frame that holds a code of a kind given is updated, and,
/// with `add_missing`, the standard frame is added where the tag has none.
/// `place` describes the tag's region for the change list (`chunk "id3 "`,
/// `head`). Returns `None` when nothing needs to change.
pub(crate) fn edit(
    tag: &[u8],
    codes: &Codes,
    place: &str,
    add_missing: bool,
) -> Result<Option<Edited>, EditError> {
    let head = tag
        .get(..10)
        .ok_or_else(|| EditError::Damaged("ID3v2 tag shorter than its header".into()))?;
    let major = head[3];
    let flags = head[5];
    if !(2..=4).contains(&major) {
        return Err(EditError::Unsupported(format!(
            "ID3v2.{major} tag: unknown version, not edited"
        )));
    }
    if flags & 0x80 != 0 {
        return Err(EditError::Unsupported(
            "the ID3v2 tag is unsynchronised; isrckit does not rewrite such tags yet".into(),
        ));
    }
    let size = syncsafe(&head[6..10])
        .ok_or_else(|| EditError::Damaged("ID3v2 size field is malformed".into()))?
        as usize;
    let body = tag
        .get(10..10 + size)
        .ok_or_else(|| EditError::Damaged("ID3v2 tag runs past its region".into()))?;
    let mut pos = 0;
    if major >= 3 && flags & 0x40 != 0 {
        // Keep the extended header as it is, unless it carries a CRC of the frames.
        let ext = body
            .get(..6)
            .ok_or_else(|| EditError::Damaged("truncated extended header".into()))?;
        let (len, crc) = if major == 3 {
            (
                u32::from_be_bytes([ext[0], ext[1], ext[2], ext[3]]) as usize + 4,
                ext[4] & 0x80 != 0,
            )
        } else {
            (
                syncsafe(&ext[..4])
                    .ok_or_else(|| EditError::Damaged("bad extended header".into()))?
                    as usize,
                ext.get(5).is_some_and(|f| f & 0x20 != 0),
            )
        };
        if crc {
            return Err(EditError::Unsupported(
                "the ID3v2 tag carries a CRC; not edited".into(),
            ));
        }
        pos = len;
    }
    let ext_header = body
        .get(..pos)
        .ok_or_else(|| EditError::Damaged("extended header past the tag".into()))?;
    let (id_len, hdr_len) = if major == 2 { (3, 6) } else { (4, 10) };
    let mut frames = Vec::new();
    while pos + hdr_len <= body.len() && body[pos] != 0 {
        let h = &body[pos..pos + hdr_len];
        let id = String::from_utf8_lossy(&h[..id_len]).into_owned();
        let len = match major {
            2 => (usize::from(h[3]) << 16) | (usize::from(h[4]) << 8) | usize::from(h[5]),
            3 => u32::from_be_bytes([h[4], h[5], h[6], h[7]]) as usize,
            _ => syncsafe(&h[4..8])
                .ok_or_else(|| EditError::Damaged(format!("frame {id} has a bad size")))?
                as usize,
        };
        let b = body
            .get(pos + hdr_len..pos + hdr_len + len)
            .ok_or_else(|| EditError::Damaged(format!("frame {id} runs past the tag")))?;
        let fl = if major == 2 { [0, 0] } else { [h[8], h[9]] };
        frames.push(Frame {
            id,
            flags: fl,
            body: b.to_vec(),
        });
        pos += hdr_len + len;
    }
    let old_frames_len = pos - ext_header.len();
    let _ = old_frames_len;

    // Text encoding for new frames: the one most text frames already use.
    let mut counts = [0usize; 4];
    for f in frames.iter().filter(|f| f.id.starts_with('T')) {
        if let Some(&e) = f.body.first().filter(|&&e| e < 4) {
            counts[usize::from(e)] += 1;
        }
    }
    let usual = (0..4u8)
        .max_by_key(|&e| (counts[usize::from(e)], e == 0))
        .unwrap_or(0);
    let usual = if major < 4 && usual > 1 { 0 } else { usual };

    let mut changes = Vec::new();
    let mut have = [false, false]; // a standard frame per kind
    let ver = format!("ID3v2.{major}");
    for f in &mut frames {
        let Some((kind, standard)) = code_frame(major, &f.id, &f.body) else {
            continue;
        };
        let Some(new) = codes.text(kind) else {
            continue;
        };
        let format_flags = f.flags[1];
        let locked = if major == 3 {
            format_flags & 0xC0 != 0
        } else {
            format_flags & 0x0C != 0
        };
        if locked {
            return Err(EditError::Unsupported(format!(
                "{} frame is compressed or encrypted; not edited",
                f.id
            )));
        }
        let enc = f.body.first().copied().filter(|&e| e < 4).unwrap_or(0);
        let (_, values) = decode_text(enc, f.body.get(1..).unwrap_or_default());
        let is_txxx = f.id.starts_with("TX");
        let (desc, old) = if is_txxx {
            (
                values.first().cloned(),
                values.get(1..).map(|v| v.join("\0")).unwrap_or_default(),
            )
        } else {
            (None, values.join("\0"))
        };
        have[usize::from(kind == CodeKind::Barcode)] |= standard;
        if old == new {
            continue;
        }
        // Keep the frame's habit of ending its text with a terminator
        // (mutagen and ffmpeg write one, eyeD3 and id3lib do not), so a
        // code of the same length leaves the frame the same size.
        let ended = f.body.ends_with(terminator(enc)) && f.body.len() > 1 + terminator(enc).len();
        let mut body = vec![enc];
        if let Some(d) = &desc {
            body.extend(encode(enc, d));
            body.extend_from_slice(terminator(enc));
        }
        body.extend(encode(enc, &new));
        if ended {
            body.extend_from_slice(terminator(enc));
        }
        f.body = body;
        f.flags[1] = 0;
        let field = match &desc {
            Some(d) => format!("{}:{d}", f.id),
            None => f.id.clone(),
        };
        changes.push(Change {
            kind,
            location: format!("{place} › {ver} {field}"),
            old: Some(old),
            new,
        });
    }
    for (i, kind) in [CodeKind::Isrc, CodeKind::Barcode].into_iter().enumerate() {
        let Some(new) = codes.text(kind) else {
            continue;
        };
        if have[i] || !add_missing {
            continue;
        }
        let (id, desc) = match (kind, major) {
            (CodeKind::Isrc, 2) => ("TRC", None),
            (CodeKind::Isrc, _) => ("TSRC", None),
            (CodeKind::Barcode, 2) => ("TXX", Some("BARCODE")),
            (CodeKind::Barcode, _) => ("TXXX", Some("BARCODE")),
        };
        let mut body = vec![usual];
        if let Some(d) = desc {
            body.extend(encode(usual, d));
            body.extend_from_slice(terminator(usual));
        }
        body.extend(encode(usual, &new));
        changes.push(Change {
            kind,
            location: format!(
                "{place} › {ver} {}",
                desc.map_or(id.to_string(), |d| format!("{id}:{d}"))
            ),
            old: None,
            new,
        });
        frames.push(Frame {
            id: id.to_string(),
            flags: [0, 0],
            body,
        });
    }
    if changes.is_empty() {
        return Ok(None);
    }
    let mut out_body = ext_header.to_vec();
    for f in &frames {
        out_body.extend_from_slice(f.id.as_bytes());
        let n = f.body.len();
        match major {
            2 => out_body.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]),
            3 => out_body.extend_from_slice(&(n as u32).to_be_bytes()),
            _ => out_body.extend_from_slice(&to_syncsafe(n)?),
        }
        if major > 2 {
            out_body.extend_from_slice(&f.flags);
        }
        out_body.extend_from_slice(&f.body);
    }
    // Keep the tag's size when the padding absorbs the change.
    let new_size = if out_body.len() <= size {
        size
    } else {
        out_body.len() + NEW_PADDING
    };
    out_body.resize(new_size, 0);
    let mut out = Vec::with_capacity(10 + new_size + 10);
    out.extend_from_slice(&head[..6]);
    out.extend_from_slice(&to_syncsafe(new_size)?);
    out.extend_from_slice(&out_body);
    if major == 4 && flags & 0x10 != 0 {
        out.extend_from_slice(b"3DI");
        out.extend_from_slice(&head[3..6]);
        out.extend_from_slice(&to_syncsafe(new_size)?);
    }
    Ok(Some(Edited {
        bytes: out,
        changes,
    }))
}

fn to_syncsafe(n: usize) -> Result<[u8; 4], EditError> {
    if n >= 1 << 28 {
        return Err(EditError::Unsupported(
            "ID3v2 tag would exceed 256 MiB".into(),
        ));
    }
    Ok([
        (n >> 21) as u8 & 0x7f,
        (n >> 14) as u8 & 0x7f,
        (n >> 7) as u8 & 0x7f,
        n as u8 & 0x7f,
    ])
}

/// A new ID3v2.3 tag holding `codes` (for a file that has none), with padding.
pub(crate) fn new_tag(codes: &Codes, place: &str) -> Edited {
    let empty = [b'I', b'D', b'3', 3, 0, 0, 0, 0, 0, 0];
    match edit(&empty, codes, place, true) {
        Ok(Some(e)) => e,
        // Unreachable for a well-formed empty header; an empty tag is harmless.
        _ => Edited {
            bytes: empty.to_vec(),
            changes: Vec::new(),
        },
    }
}

#[cfg(test)]
#[path = "write_tests.rs"]
mod tests;
