//! The content check of `verify`: the parts of a file that are not tags
//! (`formats::structure` names them) must hold the same bytes after a
//! write, not only the same ids and sizes. This finds where each part
//! lies: every chunk (WAV, AIFF), metadata block (FLAC) or top-level atom
//! (MP4) in file order, named as `structure` names it; `structure`'s list
//! is then matched against it in order. The audio payload inside a part
//! is left out (it is compared on its own), and so is a FLAC CUESHEET's
//! media catalog number (the disc's barcode, which a write may change).

use crate::formats::source::Source;
use crate::model::Container;
use std::fs::File;
use std::path::Path;

/// One part: its name and size as `structure` gives them, and the byte
/// range of its content.
struct Part {
    name: String,
    size: u64,
    start: u64,
    end: u64,
}

/// Every part of the file at `path`, in file order.
fn all_parts(container: Container, path: &Path) -> Result<Vec<Part>, String> {
    let mut f = File::open(path).map_err(|e| e.to_string())?;
    let len = f.metadata().map_err(|e| e.to_string())?.len();
    let mut src = Source::new(&mut f, len);
    let src = &mut src;
    let named = |id: &[u8]| String::from_utf8_lossy(id).into_owned();
    let mut out = Vec::new();
    match container {
        Container::Wav | Container::Aiff => {
            use crate::formats::riff::{self, Endian};
            let h: [u8; 12] = src.header("file header", 0).map_err(|e| e.to_string())?;
            let big = container == Container::Aiff;
            let (start, data_size) = if &h[0..4] == b"RIFF" || big {
                (12, None)
            } else {
                let d: [u8; 8] = src
                    .header("ds64 chunk header", 12)
                    .map_err(|e| e.to_string())?;
                let n = u64::from(u32::from_le_bytes([d[4], d[5], d[6], d[7]]));
                let sizes: [u8; 16] = src.header("ds64 sizes", 20).map_err(|e| e.to_string())?;
                (20 + n + (n & 1), riff::u64_at(&sizes, 8, Endian::Little))
            };
            let endian = if big { Endian::Big } else { Endian::Little };
            let chunks = riff::list(src, start, len, endian, &mut |id| {
                if id == b"data" { data_size } else { None }
            })
            .map_err(|e| e.to_string())?;
            for ch in chunks {
                out.push(Part {
                    name: named(&ch.id),
                    size: ch.size,
                    start: ch.body(),
                    end: ch.body().saturating_add(ch.size).min(len),
                });
            }
        }
        Container::Flac => {
            let head = src
                .read_upto("file header", 0, 10)
                .map_err(|e| e.to_string())?;
            let mut pos = crate::formats::id3v2::total_size(&head).unwrap_or(0) + 4;
            for _ in 0..4096 {
                let h: [u8; 4] = src
                    .header("FLAC block header", pos)
                    .map_err(|e| e.to_string())?;
                let (ty, size) = (
                    h[0] & 0x7f,
                    u64::from(u32::from_be_bytes([0, h[1], h[2], h[3]])),
                );
                let start = pos + 4;
                out.push(Part {
                    name: format!("block {ty}"),
                    size,
                    // A CUESHEET's first 128 bytes are its media catalog number.
                    start: if ty == 5 {
                        start + size.min(128)
                    } else {
                        start
                    },
                    end: (start + size).min(len),
                });
                pos = start + size;
                if h[0] & 0x80 != 0 {
                    break;
                }
            }
        }
        Container::Mp4 => {
            let mut pos = 0u64;
            while pos + 8 <= len {
                let h: [u8; 8] = src.header("atom header", pos).map_err(|e| e.to_string())?;
                let mut size = u64::from(u32::from_be_bytes([h[0], h[1], h[2], h[3]]));
                let mut header = 8;
                if size == 1 {
                    let big: [u8; 8] = src
                        .header("atom size", pos + 8)
                        .map_err(|e| e.to_string())?;
                    size = u64::from_be_bytes(big);
                    header = 16;
                } else if size == 0 {
                    size = len - pos;
                }
                if size < 8 {
                    break;
                }
                out.push(Part {
                    name: named(&h[4..8]),
                    size,
                    start: pos + header.min(size),
                    end: pos.saturating_add(size).min(len),
                });
                pos = pos.saturating_add(size);
            }
        }
        // MP3: no parts besides the tags and the frames (the payload).
        Container::Mp3 => {}
    }
    Ok(out)
}

/// The parts of `path` that `layout` (from `structure`) lists, in order:
/// each is the next part of the whole list with that name and size.
fn kept_parts(
    container: Container,
    path: &Path,
    layout: &[(String, u64)],
) -> Result<Vec<Part>, String> {
    let mut all = all_parts(container, path)?.into_iter();
    layout
        .iter()
        .map(|(name, size)| {
            all.find(|p| &p.name == name && p.size == *size)
                .ok_or_else(|| format!("part {name} ({size} bytes) not found"))
        })
        .collect()
}

/// The content of `range` less the payload `[pay, pay + pay_len)`: the
/// ranges before and after it.
fn around(start: u64, end: u64, pay: u64, pay_len: u64) -> [(u64, u64); 2] {
    let pay_end = pay.saturating_add(pay_len);
    [
        (start, end.min(pay).max(start)),
        (start.max(pay_end).min(end), end),
    ]
}

/// Every part `layout` lists holds the same bytes in `temp` as in
/// `original` (payloads at `pay_a` and `pay_b`, `pay_len` long, left out).
pub(super) fn same_content(
    container: Container,
    original: &Path,
    temp: &Path,
    layout: &[(String, u64)],
    (pay_a, pay_b, pay_len): (u64, u64, u64),
) -> Result<(), String> {
    let old = kept_parts(container, original, layout)?;
    let new = kept_parts(container, temp, layout)?;
    for (a, b) in old.iter().zip(&new) {
        let ra = around(a.start, a.end, pay_a, pay_len);
        let rb = around(b.start, b.end, pay_b, pay_len);
        for (&(sa, ea), &(sb, eb)) in ra.iter().zip(&rb) {
            if ea - sa != eb - sb {
                return Err(format!("{} moved against the audio", a.name));
            }
            super::same_bytes(original, sa, temp, sb, ea - sa)
                .map_err(|e| format!("{} changed: {}", a.name, e.replace("audio ", "")))?;
        }
    }
    Ok(())
}
