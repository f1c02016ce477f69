//! Walks a FLAC stream's metadata blocks (RFC 9639 section 8) and records
//! the code sites of its VORBIS_COMMENT and CUESHEET blocks.
//!
//! Only block headers, STREAMINFO and the two code-bearing blocks are read;
//! every other block (PADDING, APPLICATION, SEEKTABLE, PICTURE, reserved
//! types) is skipped by its header, and the audio frames are never touched,
//! so the cost of a read does not depend on the length of the recording.
//!
//! Damage is contained where the structure allows: a block whose inside is
//! inconsistent (a comment that claims more bytes than its block holds) is
//! reported, and the walk goes on to the next block because the block's own
//! length still fits the file. A block header whose length runs past the end
//! of the file stops the walk. Either way everything recorded before stays
//! in the collector and the first damage is returned at the end.

use super::blocks::{
    self, APPLICATION, Block, Blocks, CUESHEET, FORBIDDEN, Lead, MARKER, MAX_BLOCKS, PICTURE,
    SEEKTABLE, STREAMINFO, VORBIS_COMMENT, WalkError,
};
use crate::formats::{Collector, FormatError, id3v2};
use crate::model::TagFormat;
use crate::source::Source;

/// STREAMINFO's fixed length.
const STREAMINFO_LEN: u64 = 34;
/// CUESHEET: catalog number (128), lead-in (8), flags and reserved (259),
/// track count (1).
const CUESHEET_HEAD: usize = 396;
/// CUESHEET track: offset (8), number (1), ISRC (12), flags and reserved
/// (14), index point count (1).
const CUE_TRACK: usize = 36;
/// CUESHEET track index point: offset (8), number (1), reserved (3).
const CUE_INDEX: usize = 12;

/// Read a FLAC stream's metadata into `c`.
pub(crate) fn read(src: &mut Source, c: &mut Collector) -> Result<(), FormatError> {
    let file_len = src.len();
    let head = src.read_upto("file header", 0, 10)?;
    let lead = Lead::of(&head);
    let start = if lead == Lead::Bare {
        0
    } else {
        c.note(
            "an ID3v2 tag precedes the FLAC stream: this is not standard FLAC (its tags belong in the \
             VORBIS_COMMENT block) and some players and tools skip or reject such files",
        );
        match id3v2::read_tag(src, 0, Some("head"), c) {
            Ok(size) => size,
            Err(e) => {
                c.note(format!(
                    "the ID3v2 tag in front of the FLAC stream could not be read: {e}"
                ));
                lead.stream_start().ok_or_else(|| {
                    FormatError::damaged(
                        "the file starts with \"ID3\" but its ID3v2 header is invalid, so the FLAC stream after it cannot be found",
                    )
                })?
            }
        }
    };

    let found = if start == 0 {
        head.starts_with(MARKER)
    } else {
        blocks::marker_at(src, start)
    };
    if !found {
        return Err(FormatError::damaged(format!(
            "no \"fLaC\" stream marker at byte {start} (file is {file_len} bytes): not a FLAC stream, or damaged"
        )));
    }
    c.format = Some("FLAC".into());

    let mut walk = Walk {
        damage: None,
        streaminfo_seen: false,
        vorbis_seen: false,
    };
    let first = start.checked_add(4).ok_or_else(|| overflow(start))?;
    let mut blocks = Blocks::new(first);
    let mut count: u32 = 0;
    while let Some(step) = blocks.next(src) {
        count += 1;
        let block = match step {
            Ok(block) => block,
            Err(WalkError::Overflow { block }) => return Err(overflow(block.body())),
            Err(e) => {
                if let WalkError::PastEnd { block, avail } = e {
                    salvage(src, c, &block, avail);
                }
                walk.fail(c, walk_damage(e, file_len));
                return walk.finish();
            }
        };
        let (pos, ty, len, last) = (block.at, block.ty, block.len, block.last);
        let (body, end) = (block.body(), block.end());
        let name = block.name();

        match ty {
            STREAMINFO => {
                if let Err(e) = walk.streaminfo(src, c, pos, body, len) {
                    walk.fail(c, e);
                    return walk.finish();
                }
            }
            VORBIS_COMMENT | CUESHEET => {
                // Cannot exceed MAX_READ: a block length is 24 bits.
                let data = match src.read(&name, body, len) {
                    Ok(data) => data,
                    Err(e) => {
                        walk.fail(c, e.into());
                        return walk.finish();
                    }
                };
                if ty == VORBIS_COMMENT {
                    if walk.vorbis_seen {
                        c.note(format!(
                            "a second VORBIS_COMMENT block at byte {pos}: a FLAC stream may have only one (its fields are read too)"
                        ));
                    }
                    walk.vorbis_seen = true;
                }
                if let Err(e) = code_block(c, ty, pos, body, &data) {
                    walk.fail(c, e);
                }
            }
            APPLICATION if len < 4 => c.note(format!(
                "APPLICATION block at byte {pos} is {len} bytes, too short for its 4-byte application id (skipped)"
            )),
            PICTURE if len < 32 => c.note(format!(
                "PICTURE block at byte {pos} is {len} bytes, too short for a picture header (skipped)"
            )),
            SEEKTABLE if len % 18 != 0 => c.note(format!(
                "SEEKTABLE block at byte {pos} is {len} bytes, not a whole number of 18-byte seek points (skipped)"
            )),
            FORBIDDEN => c.note(format!(
                "block at byte {pos} has the forbidden type 127 (a frame sync code where a block header belongs): \
                 the stream is probably damaged here (skipped by its length, {len} bytes)"
            )),
            _ => {}
        }
        if count == 1 && ty != STREAMINFO {
            c.note(format!(
                "the first metadata block (byte {pos}) is {name}, not STREAMINFO as FLAC requires"
            ));
        }

        if last {
            c.audio.payload_offset = Some(end);
            c.audio.payload_len = Some(file_len.saturating_sub(end));
            id3v1_tail(src, c, end);
            if end == file_len {
                c.note(format!("no audio frames follow the metadata (it ends at the end of the file, byte {end})"));
            }
            return walk.finish();
        }
    }
    // Not reached: the walk ends with the block marked last or damage,
    // both handled above.
    walk.finish()
}

/// The damage that stopped the walk, as the reader words it.
fn walk_damage(e: WalkError, file_len: u64) -> FormatError {
    match e {
        WalkError::TooMany { at } => FormatError::damaged(format!(
            "more than {MAX_BLOCKS} FLAC metadata blocks before byte {at} without a last-block flag: the block headers are damaged"
        )),
        WalkError::NoHeader { at } => FormatError::damaged(format!(
            "the FLAC metadata ends at byte {file_len} before a block marked last: \
             no room for a 4-byte block header at byte {at} (truncated or damaged)"
        )),
        WalkError::PastEnd { block, avail } => FormatError::damaged(format!(
            "{} block at byte {} declares {} bytes but the file ends at byte {file_len}, \
             {avail} bytes after its header (truncated or damaged)",
            block.name(),
            block.at,
            block.len
        )),
        WalkError::Overflow { block } => overflow(block.body()),
    }
}

/// Salvage the codes in the part of a cut VORBIS_COMMENT or CUESHEET block
/// that is there (`avail` bytes); the part is at most one block (< 16 MiB),
/// never the declared length.
fn salvage(src: &mut Source, c: &mut Collector, block: &Block, avail: u64) {
    if matches!(block.ty, VORBIS_COMMENT | CUESHEET)
        && avail > 0
        && let Ok(data) = src.read(&block.name(), block.body(), avail)
    {
        // Its own complaint is about the cut; the walk's damage says so.
        let _ = code_block(c, block.ty, block.at, block.body(), &data);
    }
}

/// Note an ID3v1 tag at the end of the file (some taggers add one to any
/// file). It has no ISRC field; its 128 bytes stay inside the payload
/// length, since a chance "TAG" in the last frame must not shrink the
/// region that writes keep intact.
fn id3v1_tail(src: &mut Source, c: &mut Collector, audio_at: u64) {
    let Some(tail_at) = src.len().checked_sub(128).filter(|&t| t >= audio_at) else {
        return;
    };
    if let Ok(tag) = src.header::<3>("ID3v1 tag", tail_at)
        && &tag == b"TAG"
    {
        c.note(format!(
            "an ID3v1 tag ends the file (byte {tail_at}): not a FLAC tag, it holds no codes; \
             it is counted in the audio payload's length"
        ));
    }
}

/// Parse a code-bearing block's bytes (`data` starts at file offset `body`).
fn code_block(
    c: &mut Collector,
    ty: u8,
    pos: u64,
    body: u64,
    data: &[u8],
) -> Result<(), FormatError> {
    let f = Fields {
        data,
        pos: 0,
        base: body,
    };
    if ty == VORBIS_COMMENT {
        vorbis_comment(c, pos, f)
    } else {
        cuesheet(c, pos, f)
    }
}

fn overflow(at: u64) -> FormatError {
    FormatError::damaged(format!("FLAC metadata offset overflows after byte {at}"))
}

/// State of one walk over the metadata blocks.
struct Walk {
    /// The first damage met; later ones become notes.
    damage: Option<FormatError>,
    streaminfo_seen: bool,
    vorbis_seen: bool,
}

impl Walk {
    /// Record damage: the first is returned at the end, later ones are notes.
    fn fail(&mut self, c: &mut Collector, e: FormatError) {
        if self.damage.is_none() {
            self.damage = Some(e);
        } else {
            c.note(format!("further damage: {e}"));
        }
    }

    fn finish(self) -> Result<(), FormatError> {
        match self.damage {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// STREAMINFO: sample rate, channels, total samples.
    fn streaminfo(
        &mut self,
        src: &mut Source,
        c: &mut Collector,
        pos: u64,
        body: u64,
        len: u64,
    ) -> Result<(), FormatError> {
        if self.streaminfo_seen {
            c.note(format!(
                "a second STREAMINFO block at byte {pos}: a FLAC stream has exactly one (ignored)"
            ));
            return Ok(());
        }
        self.streaminfo_seen = true;
        if len < STREAMINFO_LEN {
            c.note(format!(
                "STREAMINFO block at byte {pos} is {len} bytes, not {STREAMINFO_LEN}: audio properties unknown"
            ));
            return Ok(());
        }
        if len != STREAMINFO_LEN {
            c.note(format!(
                "STREAMINFO block at byte {pos} is {len} bytes, not {STREAMINFO_LEN} (its first {STREAMINFO_LEN} bytes are read)"
            ));
        }
        let s: [u8; 34] = src.header("STREAMINFO block", body)?;
        // Bytes 10..18: sample rate (20 bits), channels - 1 (3), bits per
        // sample - 1 (5), total samples (36).
        let rate = (u32::from(s[10]) << 12) | (u32::from(s[11]) << 4) | (u32::from(s[12]) >> 4);
        let channels = u16::from((s[12] >> 1) & 0x07) + 1;
        let total = (u64::from(s[13] & 0x0f) << 32)
            | (u64::from(s[14]) << 24)
            | (u64::from(s[15]) << 16)
            | (u64::from(s[16]) << 8)
            | u64::from(s[17]);
        c.audio.channels = Some(channels);
        if rate == 0 {
            c.note(format!(
                "STREAMINFO at byte {pos} gives a sample rate of 0 (invalid for audio): duration unknown"
            ));
        } else {
            c.audio.sample_rate = Some(rate);
            if total > 0 {
                // total < 2^36, so total * 1000 < 2^46: no overflow.
                c.audio.duration_ms = Some(total * 1000 / u64::from(rate));
            }
        }
        Ok(())
    }
}

/// One block's bytes, read field by field; every length is checked against
/// the block's end before it is used.
struct Fields<'a> {
    data: &'a [u8],
    pos: usize,
    /// File offset of `data[0]`.
    base: u64,
}

impl<'a> Fields<'a> {
    /// File offset of the next field.
    fn offset(&self) -> u64 {
        self.base.saturating_add(self.pos as u64)
    }

    fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.data.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    fn u32_le(&mut self) -> Option<u32> {
        let b: [u8; 4] = self.take(4)?.try_into().ok()?;
        Some(u32::from_le_bytes(b))
    }
}

/// VORBIS_COMMENT: vendor string, then `KEY=value` comments, lengths and
/// count little-endian. Every comment is offered to the collector.
fn vorbis_comment(c: &mut Collector, pos: u64, mut f: Fields) -> Result<(), FormatError> {
    let block_len = f.data.len();
    let damaged = |what: String| {
        FormatError::damaged(format!(
            "VORBIS_COMMENT block at byte {pos} ({block_len} bytes): {what}"
        ))
    };
    let at = f.offset();
    let vendor_len = f
        .u32_le()
        .ok_or_else(|| damaged(format!("no room for the vendor string length at byte {at}")))?;
    if usize::try_from(vendor_len)
        .ok()
        .and_then(|n| f.take(n))
        .is_none()
    {
        return Err(damaged(format!(
            "the vendor string at byte {at} claims {vendor_len} bytes but only {} remain in the block",
            f.remaining()
        )));
    }
    let at = f.offset();
    let count = f
        .u32_le()
        .ok_or_else(|| damaged(format!("no room for the comment count at byte {at}")))?;
    // Each comment takes at least its 4-byte length, so the loop ends when
    // the bytes do, whatever the count claims.
    for i in 0..count {
        let at = f.offset();
        let remaining = f.remaining();
        let Some(len) = f.u32_le() else {
            return Err(damaged(format!(
                "declares {count} comments but ends after {i}: no room for comment {n}'s length at byte {at}",
                n = u64::from(i) + 1
            )));
        };
        let Some(bytes) = usize::try_from(len).ok().and_then(|n| f.take(n)) else {
            return Err(damaged(format!(
                "comment {n} at byte {at} claims {len} bytes but only {} remain in the block",
                remaining.saturating_sub(4),
                n = u64::from(i) + 1
            )));
        };
        let text = String::from_utf8_lossy(bytes);
        if std::str::from_utf8(bytes).is_err() {
            c.note(format!(
                "VORBIS_COMMENT comment at byte {at} is not valid UTF-8 (read with replacement characters)"
            ));
        }
        match text.split_once('=') {
            Some((key, value)) => {
                if key.eq_ignore_ascii_case("TITLE") {
                    c.title(value);
                }
                if c.wants(TagFormat::Vorbis, key) {
                    let loc = c.loc(Some("VORBIS_COMMENT"), TagFormat::Vorbis, key, at);
                    c.field(value, loc);
                }
            }
            None => c.note(format!(
                "VORBIS_COMMENT comment at byte {at} has no '=' between key and value (ignored)"
            )),
        }
    }
    if f.remaining() > 0 {
        c.note(format!(
            "VORBIS_COMMENT block at byte {pos}: {} bytes after its last comment (ignored)",
            f.remaining()
        ));
    }
    Ok(())
}

/// Whether a CUESHEET text field holds nothing (all NUL, or all zero digits
/// for the catalog number).
fn is_empty_field(b: &[u8]) -> bool {
    b.iter().all(|&x| x == 0 || x == b'0')
}

/// ASCII text up to the first NUL, decoded lossily.
fn nul_text(b: &[u8]) -> String {
    let text = b.split(|&x| x == 0).next().unwrap_or_default();
    String::from_utf8_lossy(text).into_owned()
}

/// CUESHEET: the media catalog number and each track's ISRC.
fn cuesheet(c: &mut Collector, pos: u64, mut f: Fields) -> Result<(), FormatError> {
    let block_len = f.data.len();
    let damaged = |what: String| {
        FormatError::damaged(format!(
            "CUESHEET block at byte {pos} ({block_len} bytes): {what}"
        ))
    };
    let mcn_at = f.offset();
    let Some(head) = f.take(CUESHEET_HEAD) else {
        return Err(damaged(format!(
            "too short for its {CUESHEET_HEAD}-byte header"
        )));
    };
    let (Some(mcn), Some(&flags), Some(&tracks)) = (head.get(..128), head.get(136), head.get(395))
    else {
        return Err(damaged(format!(
            "too short for its {CUESHEET_HEAD}-byte header"
        )));
    };
    if !is_empty_field(mcn) {
        let raw = nul_text(mcn);
        let loc = c.loc(
            Some("CUESHEET"),
            TagFormat::Cuesheet,
            "MEDIA CATALOG NUMBER",
            mcn_at,
        );
        c.field(&raw, loc);
    }
    let cd_da = flags & 0x80 != 0;
    let lead_out: u8 = if cd_da { 170 } else { 255 };
    if tracks == 0 {
        c.note(format!(
            "CUESHEET block at byte {pos} has no tracks (at least the lead-out track is required)"
        ));
    }
    for i in 0..tracks {
        let at = f.offset();
        let Some(t) = f.take(CUE_TRACK) else {
            return Err(damaged(format!(
                "declares {tracks} tracks but ends inside track {n} at byte {at}",
                n = u16::from(i) + 1
            )));
        };
        let (Some(&number), Some(isrc), Some(&indices)) = (t.get(8), t.get(9..21), t.get(35))
        else {
            return Err(damaged(format!("track at byte {at} is cut short")));
        };
        let index_bytes = usize::from(indices) * CUE_INDEX;
        if f.take(index_bytes).is_none() {
            return Err(damaged(format!(
                "track {number} at byte {at} declares {indices} index points ({index_bytes} bytes) but only {} bytes remain",
                f.remaining()
            )));
        }
        let has_isrc = isrc.iter().any(|&b| b != 0);
        if number == lead_out && !has_isrc {
            continue;
        }
        if has_isrc {
            let raw = nul_text(isrc);
            let isrc_at = at.saturating_add(9);
            let mut loc = c.loc(Some("CUESHEET"), TagFormat::Cuesheet, "TRACK ISRC", isrc_at);
            loc.track = Some(u32::from(number));
            c.field(&raw, loc);
        }
    }
    if f.remaining() > 0 {
        c.note(format!(
            "CUESHEET block at byte {pos}: {} bytes after its last track (ignored)",
            f.remaining()
        ));
    }
    Ok(())
}
