//! The chunk walker shared by WAV (RIFF, RF64, BW64: little-endian) and
//! AIFF/AIFC (IFF: big-endian).
//!
//! It reads chunk headers only, checks every size against the enclosing
//! form and the file's length, and hands each chunk to a visitor that
//! decides whether its body is worth reading.

use crate::formats::{Collector, FormatError, Part};
use crate::source::Source;

/// Byte order of the size fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endian {
    /// RIFF / RF64 / BW64.
    Little,
    /// IFF (AIFF, AIFC).
    Big,
}

/// One chunk header, as found.
#[derive(Debug, Clone)]
pub(crate) struct Chunk {
    /// The four-character id, as stored (case kept: `id3 ` vs `ID3 `).
    pub id: [u8; 4],
    /// File offset of the chunk header.
    pub offset: u64,
    /// Size of the chunk's body (after a ds64 override for RF64/BW64).
    pub size: u64,
}

impl Chunk {
    /// File offset of the chunk's body.
    pub fn body(&self) -> u64 {
        self.offset + 8
    }

    /// The id as text, for locations and messages.
    pub fn name(&self) -> String {
        self.id
            .iter()
            .map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    b as char
                } else {
                    '?'
                }
            })
            .collect()
    }
}

/// A size override meaning "to the end of the form": a WAV written as a
/// stream (`ffmpeg … -f wav -`) cannot go back to fill in its sizes, so
/// its RIFF and `data` sizes are 0xFFFFFFFF and the data runs to the end.
pub(crate) const TO_THE_END: u64 = u64::MAX;

/// Walk the chunks in `[start, end)`; `sizes` gives RF64/BW64 `ds64`
/// overrides for chunks whose 32-bit size is 0xFFFFFFFF ([`TO_THE_END`]:
/// the chunk runs to `end`, as a streamed WAV's `data` does). The visitor
/// returns `Ok(false)` to stop the walk.
pub(crate) fn walk(
    src: &mut Source,
    c: &mut Collector,
    start: u64,
    end: u64,
    endian: Endian,
    sizes: &mut dyn FnMut(&[u8; 4]) -> Option<u64>,
    visit: &mut dyn FnMut(&mut Source, &mut Collector, &Chunk) -> Result<bool, FormatError>,
) -> Result<(), FormatError> {
    let mut pos = start;
    let mut count = 0u32;
    while pos + 8 <= end {
        count += 1;
        if count > 100_000 {
            return Err(FormatError::damaged(format!(
                "more than 100000 chunks before byte {pos}: not a real file"
            )));
        }
        let h: [u8; 8] = src.header("chunk header", pos)?;
        let id = [h[0], h[1], h[2], h[3]];
        let raw = match endian {
            Endian::Little => u32::from_le_bytes([h[4], h[5], h[6], h[7]]),
            Endian::Big => u32::from_be_bytes([h[4], h[5], h[6], h[7]]),
        };
        let mut size = u64::from(raw);
        if raw == u32::MAX
            && let Some(big) = sizes(&id)
        {
            size = if big == TO_THE_END {
                end.saturating_sub(pos + 8)
            } else {
                big
            };
        }
        let chunk = Chunk {
            id,
            offset: pos,
            size,
        };
        if !id.iter().all(|b| (0x20..0x7f).contains(b)) {
            return Err(FormatError::damaged(format!(
                "bytes at {pos} are not a chunk header (id {:02X?}): the file is damaged after this point",
                id
            )));
        }
        let body_end = chunk.body().saturating_add(size);
        if body_end > end {
            // Keep walking what can be read: visit the chunk (a reader may
            // want the start of a truncated data chunk), then report.
            let _ = visit(src, c, &chunk);
            return Err(FormatError::damaged(format!(
                "chunk \"{}\" at byte {pos} claims {size} bytes, but the {} ends at byte {end} (truncated or a wrong size)",
                chunk.name(),
                if end == src.len() {
                    "file"
                } else {
                    "enclosing form"
                },
            )));
        }
        if !visit(src, c, &chunk)? {
            return Ok(());
        }
        // Chunks are padded to an even length.
        pos = body_end + (size & 1);
    }
    // A lone byte is a missing pad byte's place; more is a cut header.
    if pos + 1 < end {
        return Err(FormatError::damaged(format!(
            "the {} ends {} bytes into a chunk header at byte {pos} (truncated)",
            if end == src.len() {
                "file"
            } else {
                "enclosing form"
            },
            end - pos
        )));
    }
    Ok(())
}

/// Read a little- or big-endian u16/u32/u64 from a slice at `at`.
pub(crate) fn u16_at(b: &[u8], at: usize, e: Endian) -> Option<u16> {
    let s: [u8; 2] = b.get(at..at + 2)?.try_into().ok()?;
    Some(match e {
        Endian::Little => u16::from_le_bytes(s),
        Endian::Big => u16::from_be_bytes(s),
    })
}

/// See [`u16_at`].
pub(crate) fn u32_at(b: &[u8], at: usize, e: Endian) -> Option<u32> {
    let s: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
    Some(match e {
        Endian::Little => u32::from_le_bytes(s),
        Endian::Big => u32::from_be_bytes(s),
    })
}

/// See [`u16_at`].
pub(crate) fn u64_at(b: &[u8], at: usize, e: Endian) -> Option<u64> {
    let s: [u8; 8] = b.get(at..at + 8)?.try_into().ok()?;
    Some(match e {
        Endian::Little => u64::from_le_bytes(s),
        Endian::Big => u64::from_be_bytes(s),
    })
}

/// The chunks in `[start, end)`, headers only (for writers).
pub(crate) fn list(
    src: &mut Source,
    start: u64,
    end: u64,
    endian: Endian,
    sizes: &mut dyn FnMut(&[u8; 4]) -> Option<u64>,
) -> Result<Vec<Chunk>, FormatError> {
    let mut chunks = Vec::new();
    let mut scratch = Collector::new(crate::model::Container::Wav);
    walk(
        src,
        &mut scratch,
        start,
        end,
        endian,
        sizes,
        &mut |_, _, ch| {
            chunks.push(ch.clone());
            Ok(true)
        },
    )?;
    Ok(chunks)
}

/// The parts of a `bext` chunk whose Description holds `ISRC:` entries:
/// the chunk after the Description, then the Description's text around
/// the entries; `false` (nothing pushed) when it holds none.
fn bext_parts(src: &mut Source, ch: &Chunk, out: &mut Vec<Part>) -> Result<bool, FormatError> {
    use crate::formats::wav::bext;
    let len = ch.size.min(bext::DESCRIPTION_LEN);
    let field = src.read("bext Description", ch.body(), len)?;
    if bext::isrc_entries(&field).is_empty() {
        return Ok(false);
    }
    let end = ch.body().saturating_add(ch.size).min(src.len());
    out.push(Part {
        name: "bext (after its Description)".into(),
        size: ch.size,
        content: (ch.body() + len).min(end)..end,
    });
    for (i, r) in bext::kept_text(&field).into_iter().enumerate() {
        out.push(Part {
            name: format!(
                "bext Description text {} (outside the ISRC: entries)",
                i + 1
            ),
            size: r.len() as u64,
            content: ch.body() + r.start as u64..ch.body() + r.end as u64,
        });
    }
    Ok(true)
}

/// A chunk's bytes: id, size in `endian`, body, and the pad byte when odd.
pub(crate) fn chunk_bytes(id: &[u8; 4], body: &[u8], endian: Endian) -> Vec<u8> {
    let n = u32::try_from(body.len()).unwrap_or(u32::MAX);
    let mut v = Vec::with_capacity(body.len() + 9);
    v.extend_from_slice(id);
    v.extend_from_slice(&match endian {
        Endian::Little => n.to_le_bytes(),
        Endian::Big => n.to_be_bytes(),
    });
    v.extend_from_slice(body);
    if body.len() % 2 == 1 {
        v.push(0);
    }
    v
}

/// The chunks of a WAV (RIFF/RF64/BW64) or AIFF file that a code write
/// must keep (every chunk but the tag chunks: `id3 `/`ID3 `, iXML, aXML and
/// LIST/INFO), by id and size, in order: the [`Format::structure`] of both.
///
/// A WAV `bext` chunk whose Description holds `ISRC:` entries (which a
/// write updates) is kept less its Description, and the Description's
/// text around those entries is listed as parts of its own.
///
/// [`Format::structure`]: crate::formats::Format::structure
pub(crate) fn structure(src: &mut Source, big: bool) -> Result<Vec<Part>, FormatError> {
    let named = |id: &[u8]| String::from_utf8_lossy(id).into_owned();
    let h: [u8; 12] = src.header("file header", 0)?;
    let (start, data_size) = if &h[0..4] == b"RIFF" || big {
        (12, None)
    } else {
        // RF64/BW64: the chunks start after ds64, which holds the
        // data chunk's 64-bit size.
        let d: [u8; 8] = src.header("ds64 chunk header", 12)?;
        let n = u64::from(u32::from_le_bytes([d[4], d[5], d[6], d[7]]));
        let sizes: [u8; 16] = src.header("ds64 sizes", 20)?;
        let data = u64_at(&sizes, 8, Endian::Little);
        (20 + n + (n & 1), data)
    };
    let endian = if big { Endian::Big } else { Endian::Little };
    let chunks = list(src, start, src.len(), endian, &mut |id| {
        if id == b"data" { data_size } else { None }
    })?;
    let mut out = Vec::new();
    for ch in chunks {
        let tag = matches!(&ch.id, b"id3 " | b"ID3 ")
            || ch.id.eq_ignore_ascii_case(b"iXML")
            || ch.id.eq_ignore_ascii_case(b"axml");
        let info = &ch.id == b"LIST" && {
            let mut kind = [0u8; 4];
            ch.size >= 4 && src.fill("LIST type", ch.body(), &mut kind).is_ok() && &kind == b"INFO"
        };
        if !big && &ch.id == b"bext" && bext_parts(src, &ch, &mut out)? {
            continue;
        }
        if !tag && !info {
            out.push(Part {
                name: named(&ch.id),
                size: ch.size,
                content: ch.body()..ch.body().saturating_add(ch.size).min(src.len()),
            });
        }
    }
    Ok(out)
}
