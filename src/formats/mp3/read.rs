use super::{FrameHeader, parse_header};
use crate::formats::{Collector, FormatError, ape, id3v2};
use crate::source::{Source, SourceError};

/// How far past the tags to look for the first frame.
const SYNC_WINDOW: u64 = 8192;

/// The length of a Lyrics3v2 tag (its 15-byte footer included) that ends
/// at `end` and lies after `pos`, where the audio starts; `None` when there
/// is none. The writer finds it the same way.
pub(super) fn lyrics3_len(
    src: &mut Source,
    pos: u64,
    end: u64,
) -> Result<Option<u64>, SourceError> {
    if end < pos + 15 {
        return Ok(None);
    }
    let l: [u8; 15] = src.header("Lyrics3 footer", end - 15)?;
    if &l[6..15] != b"LYRICS200" {
        return Ok(None);
    }
    let size: u64 = std::str::from_utf8(&l[0..6])
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok((size + 15 <= end - pos).then_some(size + 15))
}

pub(crate) fn read(src: &mut Source, c: &mut Collector) -> Result<(), FormatError> {
    // ID3v2 tags at the head (some files carry more than one).
    let mut pos = 0u64;
    let mut tags = 0;
    loop {
        let mut magic = [0u8; 3];
        if src.fill("ID3v2 header", pos, &mut magic).is_err() || &magic != b"ID3" || tags == 8 {
            break;
        }
        tags += 1;
        match id3v2::read_tag(src, pos, Some("head"), c) {
            Ok(size) => pos += size,
            Err(e) => {
                // Damage inside the tag: its header still says where the
                // audio starts, if that lies inside the file.
                let head: [u8; 10] = src.header("ID3v2 header", pos)?;
                match id3v2::total_size(&head).map(|s| pos + s) {
                    Some(next) if next <= src.len() => {
                        c.damage(e);
                        pos = next;
                    }
                    _ => return Err(e),
                }
            }
        }
    }
    if tags > 1 {
        c.note(format!(
            "{tags} ID3v2 tags in a row at the head of the file"
        ));
    }

    // Tail: ID3v1 (128 bytes, "TAG"), Lyrics3v2, APE.
    let mut end = src.len();
    if end >= pos + 128 {
        let mut t = [0u8; 3];
        src.fill("ID3v1 tag", end - 128, &mut t)?;
        if &t == b"TAG" {
            c.note("an ID3v1 tag at the end of the file (ID3v1 has no ISRC or barcode field)");
            end -= 128;
        }
    }
    if let Some(n) = lyrics3_len(src, pos, end)? {
        end -= n;
        c.note("a Lyrics3v2 tag before the ID3v1 tag");
    }
    if end >= pos + 32 {
        match ape::read_before(src, end, c) {
            Ok(Some(start)) => {
                c.note(
                    "an APE tag at the end of the file (MP3 players and most tools read only ID3)",
                );
                end = start;
            }
            Ok(None) => {}
            Err(e) => c.damage(e),
        }
    }

    // The first frame.
    let window = src.read_upto(
        "audio frames",
        pos,
        SYNC_WINDOW.min(end.saturating_sub(pos)),
    )?;
    let Some((skip, h)) = first_frame(&window) else {
        c.format = Some("MPEG audio".into());
        if end > pos {
            c.note(format!(
                "no MPEG audio frame found in the {} bytes after the tags",
                window.len()
            ));
        }
        return Ok(());
    };
    let start = pos + skip as u64;
    if skip > 0 {
        c.note(format!(
            "{skip} bytes of junk between the tags and the first audio frame"
        ));
    }
    c.format = Some(format!(
        "MPEG-{} Layer {}",
        if h.version == 25 {
            "2.5".to_string()
        } else {
            h.version.to_string()
        },
        ["I", "II", "III"][usize::from(h.layer - 1)]
    ));
    c.audio.sample_rate = Some(h.sample_rate);
    c.audio.channels = Some(if h.mono { 1 } else { 2 });
    c.audio.payload_offset = Some(start);
    c.audio.payload_len = Some(end - start);
    let frames = vbr_frames(&window[skip..], &h);
    c.audio.duration_ms = Some(match frames {
        Some(n) => u64::from(n) * u64::from(h.samples) * 1000 / u64::from(h.sample_rate),
        None => (end - start) * 8 / u64::from(h.bitrate),
    });
    Ok(())
}

/// The first offset in `w` where a frame header is followed by another
/// (or by the window's end), so stray `FF Ex` bytes are not taken for audio.
fn first_frame(w: &[u8]) -> Option<(usize, FrameHeader)> {
    (0..w.len().saturating_sub(3)).find_map(|i| {
        let h = parse_header(&w[i..])?;
        let next = i + h.len as usize;
        let confirmed = next + 4 > w.len()
            || parse_header(&w[next..]).is_some_and(|n| n.sample_rate == h.sample_rate);
        confirmed.then_some((i, h))
    })
}

/// Frame count from a Xing/Info or VBRI header in the first frame.
fn vbr_frames(frame: &[u8], h: &FrameHeader) -> Option<u32> {
    let side = match (h.version == 1, h.mono) {
        (true, false) => 32,
        (true, true) => 17,
        (false, false) => 17,
        (false, true) => 9,
    };
    let x = 4 + side;
    let be = |at: usize| {
        frame
            .get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    if matches!(frame.get(x..x + 4), Some(b"Xing" | b"Info")) {
        let flags = be(x + 4)?;
        return (flags & 1 != 0)
            .then(|| be(x + 8))
            .flatten()
            .filter(|&n| n > 0);
    }
    if frame.get(36..40) == Some(b"VBRI") {
        return be(36 + 14).filter(|&n| n > 0);
    }
    None
}
