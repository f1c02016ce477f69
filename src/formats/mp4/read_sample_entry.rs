//! Audio properties from a track's first sample entry (`stsd`): channels
//! and sample rate, the channel count taken from the AAC decoder
//! configuration in `esds` when there is one.

use crate::formats::mp4::atoms::{be_u16, be_u32};

/// Channels and the integer part of the sample rate of an audio sample
/// entry (possibly cut short by [`STSD_CAP`](super::STSD_CAP)). The channel count comes
/// from the AAC decoder configuration in `esds` when there is one: in
/// ISO files the entry's own count is a template field (ffmpeg writes 2
/// for a mono AAC `.m4a`).
///
/// Layout: size and type (8), reserved (6), data reference index (2),
/// sound version (2), revision (2), vendor (4), channels (2), sample size
/// (2), compression id (2), packet size (2), sample rate 16.16 (4), then
/// 16 more bytes in QuickTime sound version 1, then child atoms.
pub(super) fn sound_entry(entry: &[u8]) -> Option<(u16, u16)> {
    let size = usize::try_from(be_u32(entry, 0)?).ok()?;
    if size < 36 {
        return None;
    }
    let entry = entry.get(..size.min(entry.len()))?;
    let version = be_u16(entry, 16)?;
    let channels = be_u16(entry, 24)?;
    let rate = be_u16(entry, 32)?;
    let children = match version {
        0 => 36,
        1 => 52,
        // Version 2 keeps its real values in fields of its own.
        _ => return None,
    };
    let aac = entry
        .get(children..)
        .and_then(|c| find_child(c, b"esds", 2))
        .and_then(esds_channels);
    Some((aac.unwrap_or(channels), rate))
}

/// The content of the first `kind` atom among `atoms` (a byte buffer),
/// looking into QuickTime `wave` atoms up to `depth` levels.
fn find_child<'b>(atoms: &'b [u8], kind: &[u8; 4], depth: u32) -> Option<&'b [u8]> {
    let mut at = 0usize;
    while let Some(size) = be_u32(atoms, at) {
        let size = usize::try_from(size).ok()?;
        let end = at.checked_add(size)?.min(atoms.len());
        if size < 8 {
            return None;
        }
        let body = atoms.get(at + 8..end)?;
        match atoms.get(at + 4..at + 8)? {
            k if k == kind => return Some(body),
            b"wave" if depth > 0 => {
                if let Some(found) = find_child(body, kind, depth - 1) {
                    return Some(found);
                }
            }
            _ => {}
        }
        at = end;
    }
    None
}

/// The channel count an `esds` (MPEG-4 elementary stream descriptor, after
/// its atom header) gives in its AudioSpecificConfig; `None` when it does
/// not say (channel configuration 0: defined in a program config element).
fn esds_channels(esds: &[u8]) -> Option<u16> {
    // Full box (4), then ES_Descriptor (tag 3): ES_ID (2), flags (1) and
    // the optional fields they announce.
    let mut at = descriptor(esds, 4, 3)?;
    let flags = *esds.get(at + 2)?;
    at += 3;
    if flags & 0x80 != 0 {
        at += 2;
    }
    if flags & 0x40 != 0 {
        at += 1 + usize::from(*esds.get(at)?);
    }
    if flags & 0x20 != 0 {
        at += 2;
    }
    // DecoderConfigDescriptor (tag 4): 13 fixed bytes, then the
    // DecoderSpecificInfo (tag 5) holding the AudioSpecificConfig.
    let at = descriptor(esds, at, 4)?;
    let at = descriptor(esds, at + 13, 5)?;
    let mut bits = Bits {
        bytes: esds.get(at..)?,
        pos: 0,
    };
    let object_type = bits.take(5)?;
    if object_type == 31 {
        bits.take(6)?;
    }
    if bits.take(4)? == 15 {
        bits.take(24)?;
    }
    match bits.take(4)? {
        c @ 1..=6 => u16::try_from(c).ok(),
        7 => Some(8),
        _ => None,
    }
}

/// Where the content of an MPEG-4 descriptor with `tag` at `at` starts
/// (tag, then a length of up to four 7-bit bytes).
fn descriptor(b: &[u8], at: usize, tag: u8) -> Option<usize> {
    if *b.get(at)? != tag {
        return None;
    }
    let mut at = at + 1;
    for _ in 0..4 {
        let byte = *b.get(at)?;
        at += 1;
        if byte & 0x80 == 0 {
            return Some(at);
        }
    }
    None
}

/// Reads bits, most significant first.
struct Bits<'b> {
    bytes: &'b [u8],
    pos: usize,
}

impl Bits<'_> {
    fn take(&mut self, n: usize) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let byte = *self.bytes.get(self.pos / 8)?;
            v = (v << 1) | u32::from((byte >> (7 - self.pos % 8)) & 1);
            self.pos += 1;
        }
        Some(v)
    }
}
