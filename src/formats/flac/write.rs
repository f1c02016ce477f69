//! Writing codes into a FLAC stream: the VORBIS_COMMENT block is rebuilt
//! with every code comment updated (vendor string, order and key case kept;
//! the standard `ISRC` / `BARCODE` comment appended when missing), a
//! leading ID3v2 tag (not standard FLAC, but real files have one) has its
//! code frames updated, and a PADDING block absorbs the change in size so
//! the audio frames stay where they are. Every other block is copied byte
//! for byte and in order (only its last-block flag may change), and the
//! audio frames are copied from the original as one range, never loaded.
//!
//! In a CUESHEET block only the media catalog number (the disc's barcode)
//! is updated, when it holds one; its track ISRCs are per-track codes of a
//! disc image, not this recording's code, and stay as they are.

use crate::codes::assess;
use crate::formats::keys::{self, Role};
use crate::formats::{Collector, id3v2};
use crate::model::{CodeKind, Container, TagFormat};
use crate::plan::Piece;
use crate::plan::{Change, Codes};
use crate::plan::{Plan, PlanError};
use crate::source::Source;

/// The stream marker every native FLAC stream starts with.
const MARKER: &[u8; 4] = b"fLaC";

/// Block types (RFC 9639, table 3) this writer acts on.
const STREAMINFO: u8 = 0;
const PADDING: u8 = 1;
const VORBIS_COMMENT: u8 = 4;
const CUESHEET: u8 = 5;

/// A metadata block's length is a 24-bit field.
const MAX_BLOCK_LEN: u64 = (1 << 24) - 1;
/// More metadata blocks than any real stream has (as the reader).
const MAX_BLOCKS: usize = 4096;
/// Padding given to a file whose metadata had to grow past its padding, so
/// that the next edit fits without moving the audio again.
const NEW_PADDING: u64 = 8192;
/// Vendor string of a VORBIS_COMMENT block this writer creates.
const VENDOR: &str = "isrckit";
/// Where changes are said to be (`Location::describe`'s chunk part).
const PLACE: &str = "VORBIS_COMMENT";

/// One metadata block of the original stream.
#[derive(Debug, Clone, Copy)]
struct Block {
    ty: u8,
    /// File offset of its 4-byte header.
    at: u64,
    /// Body length.
    len: u64,
    last: bool,
}

impl Block {
    fn body(&self) -> u64 {
        // Cannot overflow: `at + 4 + len` was checked against the file length.
        self.at + 4
    }
}

/// One metadata block of the new stream.
enum Item {
    /// An original block, copied (its last-block flag set anew).
    Keep(Block),
    /// A block with new contents.
    New { ty: u8, body: Vec<u8> },
    /// A PADDING block of `len` bytes; the first bytes come from `from`
    /// (an original PADDING block) as far as it reaches, the rest are zeros.
    Pad { from: Option<Block>, len: u64 },
}

impl Item {
    fn body_len(&self) -> u64 {
        match self {
            Item::Keep(b) => b.len,
            Item::New { body, .. } => body.len() as u64,
            Item::Pad { len, .. } => *len,
        }
    }
}

/// Plan the write of `codes` into the FLAC stream `src`: `None` when every
/// code comment (and every code frame of a leading ID3v2 tag) already holds
/// them and the standard comments are there.
// Reached through `formats::plan_write` once the FLAC arm is added there.
pub(crate) fn plan(src: &mut Source, codes: &Codes) -> Result<Option<Plan>, PlanError> {
    let file_len = src.len();
    let mut changes = Vec::new();

    // A leading ID3v2 tag: its code frames are updated, nothing is added.
    let head = src.read_upto("file header", 0, 10)?;
    let (start, id3) = if head.starts_with(b"ID3") {
        let total = id3v2::total_size(&head).ok_or_else(|| {
            PlanError::Damaged(
                "the ID3v2 tag in front of the FLAC stream has a malformed size field".into(),
            )
        })?;
        (total, head_tag(src, total, codes)?)
    } else {
        (0, None)
    };
    let mut marker = [0u8; 4];
    if src.fill("FLAC stream marker", start, &mut marker).is_err() || &marker != MARKER {
        return Err(PlanError::Damaged(format!(
            "no \"fLaC\" stream marker at byte {start} (file is {file_len} bytes)"
        )));
    }
    let id3_len = match &id3 {
        Some(e) => {
            changes.extend(e.changes.iter().cloned());
            e.bytes.len() as u64
        }
        None => start,
    };

    let (blocks, audio_at) = walk(src, start + 4)?;

    // Rebuild the VORBIS_COMMENT block(s); a second one (not allowed, but
    // read) is updated too, so no stale code remains anywhere.
    let mut items = Vec::with_capacity(blocks.len() + 2);
    let mut have = [false; 2];
    // The first VORBIS_COMMENT block: its place, contents, whether changed.
    let mut first: Option<(usize, Comments, bool)> = None;
    for b in &blocks {
        if b.ty == CUESHEET {
            items.push(cuesheet_catalog(src, b, codes, &mut changes)?);
            continue;
        }
        if b.ty != VORBIS_COMMENT {
            items.push(Item::Keep(*b));
            continue;
        }
        let data = src.read("VORBIS_COMMENT block", b.body(), b.len)?;
        let mut comments = Comments::parse(&data, b.at)?;
        let before = changes.len();
        comments.update(codes, &mut have, &mut changes);
        let changed = changes.len() > before;
        if first.is_none() {
            // Rebuilt below, once the missing comments are appended.
            first = Some((items.len(), comments, changed));
            items.push(Item::Keep(*b));
        } else if changed {
            items.push(Item::New {
                ty: VORBIS_COMMENT,
                body: comments.to_bytes()?,
            });
        } else {
            items.push(Item::Keep(*b));
        }
    }
    let created = first.is_none();
    let (index, mut comments, mut changed) = first.unwrap_or_else(|| {
        let after_streaminfo = blocks
            .iter()
            .position(|b| b.ty == STREAMINFO)
            .map_or(items.len(), |i| i + 1);
        (after_streaminfo, Comments::new(), false)
    });
    let before = changes.len();
    comments.append_missing(codes, have, &mut changes);
    changed |= changes.len() > before;
    if changes.is_empty() {
        return Ok(None);
    }
    if changed {
        let item = Item::New {
            ty: VORBIS_COMMENT,
            body: comments.to_bytes()?,
        };
        if created {
            items.insert(index.min(items.len()), item);
        } else if let Some(slot) = items.get_mut(index) {
            *slot = item;
        }
    }

    // Everything before the audio: ID3v2 tag, marker, block headers, bodies.
    let new_len = items.iter().fold(u128::from(id3_len) + 4, |n, item| {
        n + 4 + u128::from(item.body_len())
    });
    fit_padding(&mut items, new_len, u128::from(audio_at));

    let mut out = Pieces::default();
    match id3 {
        Some(e) => out.bytes(e.bytes),
        None => out.copy(0, start),
    }
    out.copy(start, 4);
    let count = items.len();
    for (i, item) in items.into_iter().enumerate() {
        let last = i + 1 == count;
        item_pieces(&mut out, item, last)?;
    }
    out.copy(audio_at, file_len - audio_at);
    Ok(Some(Plan {
        pieces: out.0,
        changes,
    }))
}

/// A CUESHEET's media catalog number is the disc's barcode: when it holds
/// one and a barcode is written, it gets the new one (as GTIN-13, the form
/// a catalog number takes), so no stale barcode remains. Track ISRCs, the
/// codes of a disc image's tracks, are left as they are.
fn cuesheet_catalog(
    src: &mut Source,
    b: &Block,
    codes: &Codes,
    changes: &mut Vec<Change>,
) -> Result<Item, PlanError> {
    let Some(gtin) = &codes.barcode else {
        return Ok(Item::Keep(*b));
    };
    let mut body = src.read("CUESHEET block", b.body(), b.len)?;
    let Some(field) = body.get_mut(..128) else {
        return Ok(Item::Keep(*b));
    };
    let old: String = field
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| char::from(c))
        .collect();
    if old.is_empty() || old.bytes().all(|c| c == b'0') || old == gtin.gtin13() {
        return Ok(Item::Keep(*b));
    }
    field.fill(0);
    field[..13].copy_from_slice(gtin.gtin13().as_bytes());
    changes.push(Change {
        kind: CodeKind::Barcode,
        location: "CUESHEET MEDIA CATALOG NUMBER".into(),
        old: Some(old),
        new: gtin.gtin13().to_string(),
    });
    Ok(Item::New { ty: CUESHEET, body })
}

/// The leading ID3v2 tag of `total` bytes, edited when it holds code frames
/// that differ from `codes`; `None` when it is copied as it is.
fn head_tag(
    src: &mut Source,
    total: u64,
    codes: &Codes,
) -> Result<Option<id3v2::write::Edited>, PlanError> {
    let bytes = src.read("ID3v2 tag in front of the FLAC stream", 0, total)?;
    match id3v2::write::edit(&bytes, codes, "head", false) {
        Ok(edited) => Ok(edited),
        Err(e) => {
            // A tag the editor will not rewrite (unsynchronised, CRC) can
            // still be copied when it holds no code of a kind written.
            let mut c = Collector::new(Container::Flac);
            let holds_codes = match id3v2::read_tag(src, 0, Some("head"), &mut c) {
                Ok(_) => c.sites.iter().any(|s| codes.text(s.kind).is_some()),
                Err(_) => true,
            };
            if holds_codes {
                Err(PlanError::from(e))
            } else {
                Ok(None)
            }
        }
    }
}

/// Walk the metadata blocks from `pos` (just after the marker) to the one
/// marked last; returns them and the offset of the first audio frame.
fn walk(src: &mut Source, mut pos: u64) -> Result<(Vec<Block>, u64), PlanError> {
    let file_len = src.len();
    let mut blocks = Vec::new();
    loop {
        if blocks.len() >= MAX_BLOCKS {
            return Err(PlanError::Damaged(format!(
                "more than {MAX_BLOCKS} FLAC metadata blocks before byte {pos} without a last-block flag"
            )));
        }
        let header: [u8; 4] = src.header("FLAC metadata block header", pos).map_err(|_| {
            PlanError::Damaged(format!(
                "the FLAC metadata ends at byte {file_len} before a block marked last \
                 (no room for a block header at byte {pos})"
            ))
        })?;
        let block = Block {
            ty: header[0] & 0x7f,
            at: pos,
            len: u64::from(u32::from_be_bytes([0, header[1], header[2], header[3]])),
            last: header[0] & 0x80 != 0,
        };
        let end = pos
            .checked_add(4)
            .and_then(|b| b.checked_add(block.len))
            .filter(|&e| e <= file_len)
            .ok_or_else(|| {
                PlanError::Damaged(format!(
                    "FLAC metadata block at byte {pos} declares {} bytes but the file ends at byte {file_len}",
                    block.len
                ))
            })?;
        blocks.push(block);
        if block.last {
            return Ok((blocks, end));
        }
        pos = end;
    }
}

/// Make the new metadata end where the old one did (`old_len`, the offset
/// of the first audio frame), when a PADDING block can take up the
/// difference; otherwise give the file 8 KiB of padding (the audio then
/// moves, copied as it is).
fn fit_padding(items: &mut Vec<Item>, new_len: u128, old_len: u128) {
    if new_len == old_len {
        return;
    }
    let padding = |item: &Item| match item {
        Item::Keep(b) if b.ty == PADDING => Some(*b),
        _ => None,
    };
    // The first PADDING block that can take the difference, and its new length.
    let fit = items.iter().enumerate().find_map(|(i, item)| {
        let b = padding(item)?;
        let len = if new_len > old_len {
            u128::from(b.len).checked_sub(new_len - old_len)?
        } else {
            u128::from(b.len) + (old_len - new_len)
        };
        let len = u64::try_from(len).ok().filter(|&l| l <= MAX_BLOCK_LEN)?;
        Some((i, b, len))
    });
    if let Some((i, b, len)) = fit
        && let Some(slot) = items.get_mut(i)
    {
        *slot = Item::Pad { from: Some(b), len };
        return;
    }
    if new_len < old_len {
        // A new PADDING block, header included, fills a gap of 4 bytes or more.
        if let Some(len) = (old_len - new_len)
            .checked_sub(4)
            .and_then(|l| u64::try_from(l).ok())
            .filter(|&l| l <= MAX_BLOCK_LEN)
        {
            items.push(Item::Pad { from: None, len });
            return;
        }
    }
    // No room: the first PADDING block (or a new last one) becomes 8 KiB.
    let first = items
        .iter()
        .enumerate()
        .find_map(|(i, item)| padding(item).map(|b| (i, b)));
    match first {
        Some((i, b)) => {
            if let Some(slot) = items.get_mut(i) {
                *slot = Item::Pad {
                    from: Some(b),
                    len: NEW_PADDING,
                };
            }
        }
        None => items.push(Item::Pad {
            from: None,
            len: NEW_PADDING,
        }),
    }
}

/// A block header: type, last-block flag, 24-bit length.
fn header(ty: u8, last: bool, len: u64) -> Result<[u8; 4], PlanError> {
    let len = u32::try_from(len)
        .ok()
        .filter(|&l| u64::from(l) <= MAX_BLOCK_LEN)
        .ok_or_else(|| {
            PlanError::Unsupported(format!(
                "the new metadata block would be {len} bytes, more than FLAC's 16 MiB block limit"
            ))
        })?;
    let l = len.to_be_bytes();
    Ok([(ty & 0x7f) | if last { 0x80 } else { 0 }, l[1], l[2], l[3]])
}

/// The pieces of one block of the new stream.
fn item_pieces(out: &mut Pieces, item: Item, last: bool) -> Result<(), PlanError> {
    match item {
        Item::Keep(b) if b.last == last => out.copy(b.at, 4 + b.len),
        Item::Keep(b) => {
            out.bytes(header(b.ty, last, b.len)?.to_vec());
            out.copy(b.body(), b.len);
        }
        Item::New { ty, body } => {
            out.bytes(header(ty, last, body.len() as u64)?.to_vec());
            out.bytes(body);
        }
        Item::Pad { from, len } => {
            out.bytes(header(PADDING, last, len)?.to_vec());
            let kept = from.map_or(0, |b| b.len.min(len));
            if let Some(b) = from {
                out.copy(b.body(), kept);
            }
            // At most MAX_BLOCK_LEN (checked by `header`).
            out.bytes(vec![0; usize::try_from(len - kept).unwrap_or(0)]);
        }
    }
    Ok(())
}

/// The pieces of the new file, adjacent ranges merged.
#[derive(Default)]
struct Pieces(Vec<Piece>);

impl Pieces {
    fn copy(&mut self, offset: u64, len: u64) {
        if len == 0 {
            return;
        }
        if let Some(Piece::Copy { offset: o, len: l }) = self.0.last_mut()
            && o.checked_add(*l) == Some(offset)
        {
            *l += len;
            return;
        }
        self.0.push(Piece::Copy { offset, len });
    }

    fn bytes(&mut self, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        if let Some(Piece::Bytes(b)) = self.0.last_mut() {
            b.extend_from_slice(&bytes);
            return;
        }
        self.0.push(Piece::Bytes(bytes));
    }
}

/// A VORBIS_COMMENT block's contents, kept as bytes so that every comment
/// this writer does not change goes back exactly as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Comments {
    vendor: Vec<u8>,
    list: Vec<Vec<u8>>,
    /// Bytes after the last comment (ignored by readers; kept).
    tail: Vec<u8>,
}

impl Comments {
    /// The contents of a new block.
    fn new() -> Self {
        Comments {
            vendor: VENDOR.as_bytes().to_vec(),
            list: Vec::new(),
            tail: Vec::new(),
        }
    }

    /// Parse a block's body; every length is checked against what remains.
    fn parse(data: &[u8], at: u64) -> Result<Self, PlanError> {
        let damaged = |what: &str| {
            PlanError::Damaged(format!(
                "VORBIS_COMMENT block at byte {at} ({} bytes): {what}",
                data.len()
            ))
        };
        let mut rest = data;
        let vendor = take_field(&mut rest).ok_or_else(|| damaged("the vendor string is cut"))?;
        let count = take_u32(&mut rest).ok_or_else(|| damaged("no room for the comment count"))?;
        let mut list = Vec::new();
        // Each comment needs at least 4 bytes, so the loop ends with the
        // bytes, whatever the count says.
        for i in 0..count {
            let comment = take_field(&mut rest).ok_or_else(|| {
                damaged(&format!(
                    "declares {count} comments but comment {} is cut",
                    u64::from(i) + 1
                ))
            })?;
            list.push(comment.to_vec());
        }
        Ok(Comments {
            vendor: vendor.to_vec(),
            list,
            tail: rest.to_vec(),
        })
    }

    fn to_bytes(&self) -> Result<Vec<u8>, PlanError> {
        let too_long = || {
            PlanError::Unsupported(
                "the VORBIS_COMMENT block would exceed FLAC's 16 MiB block limit".into(),
            )
        };
        let mut out = Vec::new();
        let mut put = |b: &[u8]| -> Result<(), PlanError> {
            let n = u32::try_from(b.len()).map_err(|_| too_long())?;
            out.extend_from_slice(&n.to_le_bytes());
            out.extend_from_slice(b);
            Ok(())
        };
        put(&self.vendor)?;
        let count = u32::try_from(self.list.len()).map_err(|_| too_long())?;
        out.extend_from_slice(&count.to_le_bytes());
        for c in &self.list {
            let n = u32::try_from(c.len()).map_err(|_| too_long())?;
            out.extend_from_slice(&n.to_le_bytes());
            out.extend_from_slice(c);
        }
        out.extend_from_slice(&self.tail);
        if out.len() as u64 > MAX_BLOCK_LEN {
            return Err(too_long());
        }
        Ok(out)
    }

    /// Give every code comment of a kind in `codes` the new value, keeping
    /// its key as stored. `have` records, per kind, whether the standard
    /// key is present.
    fn update(&mut self, codes: &Codes, have: &mut [bool; 2], changes: &mut Vec<Change>) {
        for comment in &mut self.list {
            let Some(eq) = comment.iter().position(|&b| b == b'=') else {
                continue;
            };
            let (key_bytes, value_bytes) = comment.split_at(eq);
            let value_bytes = value_bytes.get(1..).unwrap_or_default();
            let key = String::from_utf8_lossy(key_bytes).into_owned();
            let Some(spec) = keys::lookup(TagFormat::Vorbis, &key) else {
                continue;
            };
            let Some(new) = codes.text(spec.kind) else {
                continue;
            };
            let old = String::from_utf8_lossy(value_bytes).into_owned();
            match spec.role {
                Role::Standard => have[slot(spec.kind)] = true,
                Role::Alias => {}
                // A catalogue number that is not a barcode is not a code.
                Role::IfValid | Role::Ambiguous => {
                    if !assess(spec.kind, &old).valid {
                        continue;
                    }
                }
            }
            if value_bytes == new.as_bytes() {
                continue;
            }
            let mut rewritten = key_bytes.to_vec();
            rewritten.push(b'=');
            rewritten.extend_from_slice(new.as_bytes());
            *comment = rewritten;
            changes.push(Change {
                kind: spec.kind,
                location: format!("{PLACE} › Vorbis {key}"),
                old: Some(old),
                new,
            });
        }
    }

    /// Append the standard comment of each kind in `codes` that has none.
    fn append_missing(&mut self, codes: &Codes, have: [bool; 2], changes: &mut Vec<Change>) {
        for kind in [CodeKind::Isrc, CodeKind::Barcode] {
            let Some(new) = codes.text(kind) else {
                continue;
            };
            if have[slot(kind)] {
                continue;
            }
            let key = keys::standard_key(TagFormat::Vorbis, kind).unwrap_or(match kind {
                CodeKind::Isrc => "ISRC",
                CodeKind::Barcode => "BARCODE",
            });
            self.list.push(format!("{key}={new}").into_bytes());
            changes.push(Change {
                kind,
                location: format!("{PLACE} › Vorbis {key}"),
                old: None,
                new,
            });
        }
    }
}

fn slot(kind: CodeKind) -> usize {
    match kind {
        CodeKind::Isrc => 0,
        CodeKind::Barcode => 1,
    }
}

fn take_u32(rest: &mut &[u8]) -> Option<u32> {
    let (n, tail) = rest.split_first_chunk::<4>()?;
    *rest = tail;
    Some(u32::from_le_bytes(*n))
}

/// A length-prefixed field (little-endian 32-bit length).
fn take_field<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let mut r = *rest;
    let n = usize::try_from(take_u32(&mut r)?).ok()?;
    let field = r.get(..n)?;
    *rest = r.get(n..)?;
    Some(field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{Gtin, Isrc};
    use crate::model::FileReport;
    use std::path::Path;
    use std::process::Command;

    const APPLICATION: u8 = 2;
    const SEEKTABLE: u8 = 3;
    const CUESHEET: u8 = 5;
    const PICTURE: u8 = 6;

    /// Stand-in for the audio frames: a frame sync code and some bytes.
    const AUDIO: &[u8] = b"\xff\xf8\x69\x08 not really audio \x00\x01\x02\xfe";

    fn codes(isrc: Option<&str>, barcode: Option<&str>) -> Codes {
        Codes {
            isrc: isrc.map(|i| Isrc::parse(i).expect("isrc")),
            barcode: barcode.map(|b| Gtin::parse(b).expect("barcode")),
        }
    }

    fn both() -> Codes {
        codes(Some("USRC17607839"), Some("036000291452"))
    }

    /// A STREAMINFO body: 44.1 kHz, stereo, 16-bit, 10 s.
    fn streaminfo() -> Vec<u8> {
        let mut s = vec![0u8; 34];
        s[0..2].copy_from_slice(&4096u16.to_be_bytes());
        s[2..4].copy_from_slice(&4096u16.to_be_bytes());
        let packed = (44100u64 << 44) | (1u64 << 41) | (15u64 << 36) | 441_000;
        s[10..18].copy_from_slice(&packed.to_be_bytes());
        s
    }

    fn vorbis(vendor: &str, comments: &[&str]) -> Vec<u8> {
        let mut b = (vendor.len() as u32).to_le_bytes().to_vec();
        b.extend_from_slice(vendor.as_bytes());
        b.extend_from_slice(&(comments.len() as u32).to_le_bytes());
        for c in comments {
            b.extend_from_slice(&(c.len() as u32).to_le_bytes());
            b.extend_from_slice(c.as_bytes());
        }
        b
    }

    /// A CUESHEET body: catalog number, one track with an ISRC, lead-out.
    fn cuesheet() -> Vec<u8> {
        let mut b = vec![0u8; 396];
        b[..13].copy_from_slice(b"0000000000000");
        b[136] = 0x80;
        b[395] = 2;
        for (number, isrc) in [(1u8, &b"GBAYE0000351"[..]), (170, &b""[..])] {
            let mut t = vec![0u8; 36];
            t[8] = number;
            t[9..9 + isrc.len()].copy_from_slice(isrc);
            t[35] = u8::from(number == 1);
            b.extend_from_slice(&t);
            if number == 1 {
                b.extend_from_slice(&[0u8; 12]);
            }
        }
        b
    }

    /// `fLaC`, STREAMINFO, the given blocks (the last one flagged), audio.
    fn flac(blocks: &[(u8, Vec<u8>)]) -> Vec<u8> {
        let mut all = vec![(STREAMINFO, streaminfo())];
        all.extend_from_slice(blocks);
        let mut f = MARKER.to_vec();
        let n = all.len();
        for (i, (ty, body)) in all.iter().enumerate() {
            let len = (body.len() as u32).to_be_bytes();
            f.push(ty | if i + 1 == n { 0x80 } else { 0 });
            f.extend_from_slice(&len[1..]);
            f.extend_from_slice(body);
        }
        f.extend_from_slice(AUDIO);
        f
    }

    /// An ID3v2.3 tag: the given text frames (Latin-1), then `padding` zeros.
    fn id3v23(frames: &[(&str, &str)], padding: usize) -> Vec<u8> {
        let mut body = Vec::new();
        for (id, text) in frames {
            body.extend_from_slice(id.as_bytes());
            body.extend_from_slice(&(text.len() as u32 + 1).to_be_bytes());
            body.extend_from_slice(&[0, 0, 0]);
            body.extend_from_slice(text.as_bytes());
        }
        body.resize(body.len() + padding, 0);
        let n = body.len();
        let mut t = b"ID3\x03\x00\x00".to_vec();
        t.extend([
            (n >> 21) as u8 & 0x7f,
            (n >> 14) as u8 & 0x7f,
            (n >> 7) as u8 & 0x7f,
            n as u8 & 0x7f,
        ]);
        t.extend(body);
        t
    }

    fn plan_of(bytes: &[u8], codes: &Codes) -> Result<Option<Plan>, PlanError> {
        let mut slice = bytes;
        let mut src = Source::new(&mut slice, bytes.len() as u64);
        plan(&mut src, codes)
    }

    /// The new file: copied ranges taken from the original's bytes.
    fn apply(orig: &[u8], plan: &Plan) -> Vec<u8> {
        let mut out = Vec::new();
        for piece in &plan.pieces {
            match piece {
                Piece::Copy { offset, len } => {
                    let (o, l) = (*offset as usize, *len as usize);
                    out.extend_from_slice(
                        orig.get(o..o + l).expect("copy range inside the original"),
                    );
                }
                Piece::Bytes(b) => out.extend_from_slice(b),
            }
        }
        out
    }

    /// Blocks as (type, last flag, body), and the audio offset; an ID3v2
    /// tag in front is stepped over. Written here, apart from the writer.
    fn blocks_of(f: &[u8]) -> (Vec<(u8, bool, Vec<u8>)>, usize) {
        let mut pos = 0;
        if f.starts_with(b"ID3") {
            let s = &f[6..10];
            pos = 10
                + ((s[0] as usize) << 21
                    | (s[1] as usize) << 14
                    | (s[2] as usize) << 7
                    | s[3] as usize);
        }
        assert_eq!(&f[pos..pos + 4], b"fLaC");
        pos += 4;
        let mut out = Vec::new();
        loop {
            let h = &f[pos..pos + 4];
            let len = u32::from_be_bytes([0, h[1], h[2], h[3]]) as usize;
            out.push((
                h[0] & 0x7f,
                h[0] & 0x80 != 0,
                f[pos + 4..pos + 4 + len].to_vec(),
            ));
            pos += 4 + len;
            if h[0] & 0x80 != 0 {
                return (out, pos);
            }
        }
    }

    /// The vendor string and comments of the (first) VORBIS_COMMENT block.
    fn comments_of(f: &[u8]) -> (String, Vec<String>) {
        let (blocks, _) = blocks_of(f);
        let body = &blocks
            .iter()
            .find(|b| b.0 == VORBIS_COMMENT)
            .expect("VORBIS_COMMENT")
            .2;
        let u32le = |at: usize| u32::from_le_bytes(body[at..at + 4].try_into().unwrap()) as usize;
        let vlen = u32le(0);
        let vendor = String::from_utf8(body[4..4 + vlen].to_vec()).unwrap();
        let mut at = 4 + vlen;
        let count = u32le(at);
        at += 4;
        let mut list = Vec::new();
        for _ in 0..count {
            let n = u32le(at);
            list.push(String::from_utf8(body[at + 4..at + 4 + n].to_vec()).unwrap());
            at += 4 + n;
        }
        assert_eq!(at, body.len(), "no bytes after the last comment");
        (vendor, list)
    }

    fn types(f: &[u8]) -> Vec<u8> {
        blocks_of(f).0.iter().map(|b| b.0).collect()
    }

    /// The blocks other than VORBIS_COMMENT and PADDING, with their bodies.
    /// Every block but the comments and padding, with a CUESHEET's media
    /// catalog number (the one part a barcode write may change) blanked.
    fn other_blocks(f: &[u8]) -> Vec<(u8, Vec<u8>)> {
        blocks_of(f)
            .0
            .into_iter()
            .filter(|b| b.0 != VORBIS_COMMENT && b.0 != PADDING)
            .map(|mut b| {
                if b.0 == CUESHEET
                    && let Some(mcn) = b.2.get_mut(..128)
                {
                    mcn.fill(0);
                }
                (b.0, b.2)
            })
            .collect()
    }

    /// Plan and apply a write that must change something; check what every
    /// write must hold; return the new file and the changes.
    fn write(orig: &[u8], codes: &Codes) -> (Vec<u8>, Vec<Change>) {
        let plan = plan_of(orig, codes)
            .expect("plans")
            .expect("changes something");
        let new = apply(orig, &plan);
        let expected_len: u64 = plan.pieces.iter().map(Piece::len).sum();
        assert_eq!(new.len() as u64, expected_len);
        check(orig, &new, codes);
        (new, plan.changes)
    }

    /// A rewritten file reads cleanly with the new codes, keeps the audio
    /// bytes and every other block, has exactly one last-block flag (on the
    /// last block), and a second plan changes nothing.
    fn check(orig: &[u8], new: &[u8], codes: &Codes) -> FileReport {
        let before = crate::read_bytes("before.flac", orig);
        let after = crate::read_bytes("after.flac", new);
        assert_eq!(after.error, None, "reads cleanly; notes: {:?}", after.notes);
        assert_eq!(after.container, Some(Container::Flac));
        let (a, b) = (before.audio.clone().unwrap(), after.audio.clone().unwrap());
        let (oa, ob, len) = (
            a.payload_offset.unwrap() as usize,
            b.payload_offset.unwrap() as usize,
            a.payload_len.unwrap() as usize,
        );
        assert_eq!(b.payload_len, a.payload_len);
        assert_eq!(&new[ob..ob + len], &orig[oa..oa + len], "audio bytes kept");
        assert_eq!(
            (a.sample_rate, a.channels, a.duration_ms),
            (b.sample_rate, b.channels, b.duration_ms)
        );
        assert_eq!(
            other_blocks(new),
            other_blocks(orig),
            "other blocks kept, in order"
        );
        let (blocks, audio_at) = blocks_of(new);
        assert_eq!(audio_at, ob);
        let flags: Vec<bool> = blocks.iter().map(|b| b.1).collect();
        let mut want = vec![false; flags.len()];
        *want.last_mut().unwrap() = true;
        assert_eq!(flags, want, "last-block flag on the last block only");
        for kind in [CodeKind::Isrc, CodeKind::Barcode] {
            let Some(text) = codes.text(kind) else {
                continue;
            };
            let sites: Vec<_> = after
                .codes
                .iter()
                .filter(|s| s.kind == kind && s.location.tag != TagFormat::Cuesheet)
                .collect();
            assert!(!sites.is_empty(), "a {kind} site");
            for s in sites {
                assert_eq!(s.raw, text, "{kind} at {}", s.location.describe());
            }
        }
        assert_eq!(
            plan_of(new, codes).expect("plans"),
            None,
            "a second run changes nothing"
        );
        after
    }

    /// Whether an external tool runs; under CI a missing tool fails the test.
    fn tool(name: &str, probe: &[&str]) -> bool {
        let ok = Command::new(name)
            .args(probe)
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            assert!(
                std::env::var_os("CI").is_none(),
                "{name} is required in CI but cannot be run"
            );
            eprintln!("SKIPPED: {name} is not installed");
        }
        ok
    }

    fn run(cmd: &mut Command) -> String {
        let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
        assert!(
            out.status.success(),
            "{cmd:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    #[test]
    fn updates_codes_in_place_and_padding_takes_the_difference() {
        let orig = flac(&[
            (SEEKTABLE, vec![0xAB; 18]),
            (
                VORBIS_COMMENT,
                vorbis(
                    "reference libFLAC 1.4.2",
                    &[
                        "TITLE=Song",
                        "ISRC=GBAYE0000001",
                        "BARCODE=5099902987866",
                        "Artist=Band",
                    ],
                ),
            ),
            (APPLICATION, b"abcdsome application data".to_vec()),
            (PICTURE, vec![7; 40]),
            (100, b"unknown type".to_vec()),
            (CUESHEET, cuesheet()),
            (PADDING, vec![0; 512]),
        ]);
        let (new, changes) = write(&orig, &both());
        assert_eq!(new.len(), orig.len(), "the padding absorbed the change");
        assert_eq!(
            blocks_of(&new).1,
            blocks_of(&orig).1,
            "the audio did not move"
        );
        assert_eq!(types(&new), types(&orig));
        // A 13-digit barcode became a 12-digit one: one byte more padding.
        assert_eq!(blocks_of(&new).0.last().unwrap().2.len(), 513);
        assert_eq!(
            comments_of(&new),
            (
                "reference libFLAC 1.4.2".to_string(),
                vec![
                    "TITLE=Song".to_string(),
                    "ISRC=USRC17607839".into(),
                    "BARCODE=036000291452".into(),
                    "Artist=Band".into()
                ]
            )
        );
        assert_eq!(
            changes,
            vec![
                Change {
                    kind: CodeKind::Isrc,
                    location: "VORBIS_COMMENT › Vorbis ISRC".into(),
                    old: Some("GBAYE0000001".into()),
                    new: "USRC17607839".into()
                },
                Change {
                    kind: CodeKind::Barcode,
                    location: "VORBIS_COMMENT › Vorbis BARCODE".into(),
                    old: Some("5099902987866".into()),
                    new: "036000291452".into()
                },
            ]
        );
        // The CUESHEET track ISRC is a disc image's code: left as it was.
        let after = crate::read_bytes("a.flac", &new);
        assert!(
            after
                .codes
                .iter()
                .any(|s| s.location.track == Some(1) && s.raw == "GBAYE0000351")
        );
    }

    #[test]
    fn appends_missing_comments_at_the_end() {
        let orig = flac(&[
            (
                VORBIS_COMMENT,
                vorbis("v", &["TITLE=Song", "COMMENT=ISRC GBAYE0000001 pending"]),
            ),
            (PADDING, vec![0; 100]),
        ]);
        let (new, changes) = write(&orig, &both());
        assert_eq!(new.len(), orig.len());
        assert_eq!(
            comments_of(&new).1,
            [
                "TITLE=Song",
                "COMMENT=ISRC GBAYE0000001 pending",
                "ISRC=USRC17607839",
                "BARCODE=036000291452"
            ]
        );
        // Two comments of 4 + 17 and 4 + 20 bytes came out of the padding.
        assert_eq!(blocks_of(&new).0.last().unwrap().2.len(), 100 - 45);
        let olds: Vec<_> = changes
            .iter()
            .map(|c| (c.location.as_str(), c.old.clone()))
            .collect();
        assert_eq!(
            olds,
            [
                ("VORBIS_COMMENT › Vorbis ISRC", None),
                ("VORBIS_COMMENT › Vorbis BARCODE", None)
            ]
        );
        // Only the ISRC asked for: only the ISRC written.
        let (new, changes) = write(&orig, &codes(Some("USRC17607839"), None));
        assert_eq!(comments_of(&new).1.last().unwrap(), "ISRC=USRC17607839");
        assert_eq!(changes.len(), 1);
    }

    #[test]
    fn keeps_key_case_updates_every_code_comment_and_leaves_catalogue_numbers() {
        let orig = flac(&[
            (
                VORBIS_COMMENT,
                vorbis(
                    "v",
                    &[
                        "isrc=GBAYE0000001",
                        "TITLE=Song",
                        "ISRC=GBAYE0000002",
                        "Upc=075678164125",
                        "ean=5099902987866",
                        "CATALOGNUMBER=ABC-123",
                        "catalogNumber=4006381333931",
                    ],
                ),
            ),
            (PADDING, vec![0; 64]),
        ]);
        let (new, changes) = write(&orig, &both());
        assert_eq!(
            comments_of(&new).1,
            [
                "isrc=USRC17607839",
                "TITLE=Song",
                "ISRC=USRC17607839",
                "Upc=036000291452",
                "ean=036000291452",
                "CATALOGNUMBER=ABC-123",
                "catalogNumber=036000291452",
                // No BARCODE comment: the standard one is added.
                "BARCODE=036000291452",
            ]
        );
        let locations: Vec<_> = changes.iter().map(|c| c.location.as_str()).collect();
        assert_eq!(
            locations,
            [
                "VORBIS_COMMENT › Vorbis isrc",
                "VORBIS_COMMENT › Vorbis ISRC",
                "VORBIS_COMMENT › Vorbis Upc",
                "VORBIS_COMMENT › Vorbis ean",
                "VORBIS_COMMENT › Vorbis catalogNumber",
                "VORBIS_COMMENT › Vorbis BARCODE",
            ]
        );
        assert_eq!(new.len(), orig.len());
    }

    #[test]
    fn a_stream_without_comments_gets_a_block_after_streaminfo() {
        let orig = flac(&[(SEEKTABLE, vec![1; 18]), (PADDING, vec![0; 200])]);
        let (new, changes) = write(&orig, &both());
        assert_eq!(
            types(&new),
            [STREAMINFO, VORBIS_COMMENT, SEEKTABLE, PADDING]
        );
        assert_eq!(
            comments_of(&new),
            (
                "isrckit".to_string(),
                vec![
                    "ISRC=USRC17607839".to_string(),
                    "BARCODE=036000291452".into()
                ]
            )
        );
        assert_eq!(new.len(), orig.len(), "the padding made room");
        assert!(changes.iter().all(|c| c.old.is_none()));

        // Only STREAMINFO, marked last: its flag moves to the new padding.
        let orig = flac(&[]);
        let (new, _) = write(&orig, &both());
        assert_eq!(types(&new), [STREAMINFO, VORBIS_COMMENT, PADDING]);
        assert_eq!(blocks_of(&new).0[2].2, vec![0; 8192]);
    }

    #[test]
    fn without_room_the_file_gets_8_kib_of_padding() {
        // No PADDING block at all: one is added last.
        let orig = flac(&[
            (VORBIS_COMMENT, vorbis("v", &["TITLE=Song"])),
            (SEEKTABLE, vec![2; 18]),
        ]);
        let (new, _) = write(&orig, &both());
        assert_eq!(
            types(&new),
            [STREAMINFO, VORBIS_COMMENT, SEEKTABLE, PADDING]
        );
        assert_eq!(blocks_of(&new).0[3].2.len(), 8192);
        assert!(
            blocks_of(&new).1 > blocks_of(&orig).1,
            "the audio moved, copied as it was"
        );

        // A PADDING block too small: it becomes 8 KiB, in its place.
        let orig = flac(&[
            (VORBIS_COMMENT, vorbis("v", &["TITLE=Song"])),
            (PADDING, vec![0; 10]),
            (SEEKTABLE, vec![2; 18]),
        ]);
        let (new, _) = write(&orig, &both());
        assert_eq!(
            types(&new),
            [STREAMINFO, VORBIS_COMMENT, PADDING, SEEKTABLE]
        );
        assert_eq!(blocks_of(&new).0[2].2.len(), 8192);
    }

    #[test]
    fn a_shrinking_block_gives_its_bytes_to_padding() {
        // A long non-canonical ISRC becomes 12 characters.
        let old = "ISRC=ISRC US-RC1-76-07839 (remaster)";
        let orig = flac(&[(VORBIS_COMMENT, vorbis("v", &[old])), (PADDING, vec![0; 8])]);
        let (new, _) = write(&orig, &codes(Some("USRC17607839"), None));
        assert_eq!(new.len(), orig.len());
        assert_eq!(blocks_of(&new).0[2].2.len(), 8 + old.len() - 17);

        // No PADDING block: a new one fills the gap exactly.
        let orig = flac(&[(VORBIS_COMMENT, vorbis("v", &[old]))]);
        let (new, _) = write(&orig, &codes(Some("USRC17607839"), None));
        assert_eq!(new.len(), orig.len());
        assert_eq!(types(&new), [STREAMINFO, VORBIS_COMMENT, PADDING]);
        assert_eq!(blocks_of(&new).0[2].2.len(), old.len() - 17 - 4);

        // Too small a gap for a block header: 8 KiB of padding instead.
        let orig = flac(&[(VORBIS_COMMENT, vorbis("v", &["ISRC=US-RC1-76-07839"]))]);
        let (new, _) = write(&orig, &codes(Some("USRC17607839"), None));
        assert_eq!(blocks_of(&new).0[2].2.len(), 8192);
    }

    #[test]
    fn nothing_to_do_plans_nothing() {
        let orig = flac(&[
            (
                VORBIS_COMMENT,
                vorbis(
                    "v",
                    &[
                        "isrc=USRC17607839",
                        "BARCODE=036000291452",
                        "CATALOGNUMBER=XYZ 1",
                    ],
                ),
            ),
            (PADDING, vec![0; 8]),
        ]);
        assert_eq!(plan_of(&orig, &both()).unwrap(), None);
        assert_eq!(plan_of(&orig, &Codes::default()).unwrap(), None);
        assert_eq!(plan_of(&flac(&[]), &Codes::default()).unwrap(), None);
        // A barcode in a UPC comment alone: the standard BARCODE is still added.
        let orig = flac(&[(
            VORBIS_COMMENT,
            vorbis("v", &["ISRC=USRC17607839", "UPC=036000291452"]),
        )]);
        let (new, changes) = write(&orig, &both());
        assert_eq!(changes.len(), 1);
        assert_eq!(
            comments_of(&new).1,
            [
                "ISRC=USRC17607839",
                "UPC=036000291452",
                "BARCODE=036000291452"
            ]
        );
    }

    #[test]
    fn a_second_vorbis_comment_block_is_updated_too() {
        let orig = flac(&[
            (VORBIS_COMMENT, vorbis("v", &["TITLE=Song"])),
            (VORBIS_COMMENT, vorbis("w", &["ISRC=GBAYE0000001"])),
            (PADDING, vec![0; 64]),
        ]);
        let (new, _) = write(&orig, &codes(Some("USRC17607839"), None));
        let (blocks, _) = blocks_of(&new);
        // The second block holds the standard key, so none is appended.
        assert_eq!(blocks[1].2, vorbis("v", &["TITLE=Song"]));
        assert_eq!(blocks[2].2, vorbis("w", &["ISRC=USRC17607839"]));
    }

    #[test]
    fn leading_id3v2_code_frames_are_updated_and_the_stream_follows() {
        let stream = flac(&[
            (VORBIS_COMMENT, vorbis("v", &["ISRC=GBAYE0000001"])),
            (PADDING, vec![0; 64]),
        ]);
        let mut orig = id3v23(&[("TIT2", "Song"), ("TSRC", "GBAYE0000001")], 64);
        let tag_len = orig.len();
        orig.extend_from_slice(&stream);
        let (new, changes) = write(&orig, &both());
        assert_eq!(
            new.len(),
            orig.len(),
            "the tag's padding and the PADDING block absorbed it"
        );
        assert_eq!(&new[..3], b"ID3");
        assert_eq!(
            &new[tag_len..tag_len + 4],
            b"fLaC",
            "the tag keeps its size"
        );
        assert_eq!(changes[0].location, "head › ID3v2.3 TSRC");
        assert_eq!(changes[0].old.as_deref(), Some("GBAYE0000001"));
        let after = crate::read_bytes("a.flac", &new);
        let head: Vec<_> = after
            .codes
            .iter()
            .filter(|s| s.location.chunk.as_deref() == Some("head"))
            .map(|s| (s.location.field.as_str(), s.raw.as_str()))
            .collect();
        // Update only: no TXXX:BARCODE added to a tag that is not standard FLAC.
        assert_eq!(head, [("TSRC", "USRC17607839")]);

        // A tag without code frames is copied byte for byte.
        let tag = id3v23(&[("TIT2", "Song")], 0);
        let mut orig = tag.clone();
        orig.extend_from_slice(&stream);
        let (new, changes) = write(&orig, &both());
        assert_eq!(&new[..tag.len()], &tag[..]);
        assert_eq!(&new[tag.len()..tag.len() + 4], b"fLaC");
        assert!(
            changes
                .iter()
                .all(|c| c.location.starts_with("VORBIS_COMMENT"))
        );
    }

    #[test]
    fn a_leading_tag_the_editor_refuses_is_copied_unless_it_holds_codes() {
        let stream = flac(&[(VORBIS_COMMENT, vorbis("v", &[])), (PADDING, vec![0; 64])]);
        // Unsynchronised (flag 0x80): the ID3v2 editor does not rewrite it.
        let mut tag = id3v23(&[("TIT2", "Song")], 8);
        tag[5] = 0x80;
        let mut orig = tag.clone();
        orig.extend_from_slice(&stream);
        let (new, _) = write(&orig, &both());
        assert_eq!(&new[..tag.len()], &tag[..]);

        let mut tag = id3v23(&[("TSRC", "GBAYE0000001")], 8);
        tag[5] = 0x80;
        let mut orig = tag.clone();
        orig.extend_from_slice(&stream);
        assert!(matches!(
            plan_of(&orig, &both()),
            Err(PlanError::Unsupported(m)) if m.contains("unsynchronised")
        ));
        // Writing only a barcode: its TSRC is not in the way.
        let only_barcode = codes(None, Some("036000291452"));
        let plan = plan_of(&orig, &only_barcode).unwrap().unwrap();
        assert_eq!(&apply(&orig, &plan)[..tag.len()], &tag[..]);
    }

    #[test]
    fn lying_sizes_are_damage_not_panics() {
        let good = flac(&[
            (VORBIS_COMMENT, vorbis("v", &["ISRC=GBAYE0000001"])),
            (PADDING, vec![0; 16]),
        ]);
        let damaged = |f: &[u8]| match plan_of(f, &both()) {
            Err(PlanError::Damaged(m)) => m,
            other => panic!("expected damage, got {other:?}"),
        };
        // A block length past the end of the file.
        let mut f = good.clone();
        f[4 + 4 + 34 + 1] = 0xff;
        assert!(damaged(&f).contains("declares"), "{}", damaged(&f));
        // No block marked last before the end.
        let mut f = good.clone();
        let last = f.len() - AUDIO.len() - 16 - 4;
        f[last] &= 0x7f;
        f.truncate(last + 4 + 16);
        assert!(damaged(&f).contains("before a block marked last"));
        // A comment count larger than the comments.
        let vc = 4 + 4 + 34 + 4;
        let mut f = good.clone();
        f[vc + 4 + 1] = 9;
        assert!(damaged(&f).contains("comment 2 is cut"), "{}", damaged(&f));
        // A vendor length past the block.
        let mut f = good.clone();
        f[vc + 3] = 0x7f;
        assert!(damaged(&f).contains("vendor string"));
        // No stream marker; an ID3v2 tag that claims more than the file.
        assert!(damaged(b"fLaX\x80\x00\x00\x00").contains("marker"));
        let mut f = id3v23(&[], 0);
        f[9] = 0x7f;
        assert!(plan_of(&f, &both()).is_err());
        assert!(plan_of(b"", &both()).is_err());
        assert!(plan_of(b"ID3", &both()).is_err());
    }

    #[test]
    fn any_damaged_byte_gives_a_plan_or_an_error_never_a_panic() {
        let mut good = id3v23(&[("TSRC", "GBAYE0000001")], 4);
        good.extend(flac(&[
            (
                VORBIS_COMMENT,
                vorbis("v", &["ISRC=GBAYE0000001", "UPC=075678164125"]),
            ),
            (CUESHEET, cuesheet()),
            (PADDING, vec![0; 16]),
        ]));
        for at in 0..good.len() {
            for byte in [0x00, 0xff, good[at] ^ 0x80, good[at].wrapping_add(1)] {
                let mut f = good.clone();
                f[at] = byte;
                if let Ok(Some(p)) = plan_of(&f, &both()) {
                    // Every copied range lies inside the file.
                    let _ = apply(&f, &p);
                }
                for cut in [at, at + 1] {
                    if let Ok(Some(p)) = plan_of(&good[..cut.min(good.len())], &both()) {
                        let _ = apply(&good[..cut.min(good.len())], &p);
                    }
                }
            }
        }
    }

    #[test]
    fn the_audio_is_one_copied_range() {
        let orig = flac(&[
            (VORBIS_COMMENT, vorbis("v", &["TITLE=x"])),
            (PADDING, vec![0; 100]),
        ]);
        let plan = plan_of(&orig, &both()).unwrap().unwrap();
        let audio_at = (orig.len() - AUDIO.len()) as u64;
        let Some(Piece::Copy { offset, len }) = plan.pieces.last() else {
            panic!("ends with a copy: {:?}", plan.pieces);
        };
        assert!(*offset <= audio_at && offset + len == orig.len() as u64);
    }

    #[test]
    fn every_testdata_flac_file_is_rewritten_cleanly() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/flac");
        let mut n = 0;
        for entry in std::fs::read_dir(&dir).expect("testdata/flac") {
            let path = entry.expect("entry").path();
            let orig = std::fs::read(&path).expect("read");
            if orig.starts_with(b"version https://git-lfs") {
                continue;
            }
            let (new, changes) = write(&orig, &both());
            assert!(!changes.is_empty(), "{}", path.display());
            let (_, old_comments) = comments_of(&orig);
            let (_, new_comments) = comments_of(&new);
            let keys = |list: &[String]| -> Vec<String> {
                list.iter()
                    .map(|c| c.split('=').next().unwrap_or_default().to_string())
                    .collect()
            };
            // Same keys, same case, same order; at most the standard ones added.
            assert_eq!(
                keys(&new_comments)[..old_comments.len()],
                keys(&old_comments)[..],
                "{}",
                path.display()
            );
            n += 1;
        }
        assert!(n >= 5, "testdata/flac holds real files ({n} read)");
    }

    #[test]
    fn real_files_from_flac_metaflac_ffmpeg_and_id3v2() {
        if !(tool("ffmpeg", &["-version"])
            && tool("flac", &["--version"])
            && tool("metaflac", &["--version"])
            && tool("ffprobe", &["-version"]))
        {
            return;
        }
        let dir = tempfile::tempdir().expect("tmp");
        let p = |name: &str| dir.path().join(name);
        let ff = |args: &[&str], out: &Path| {
            run(Command::new("ffmpeg")
                .args(["-hide_banner", "-loglevel", "error", "-y"])
                .args(args)
                .arg(out));
        };
        ff(
            &[
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:sample_rate=44100:duration=2",
                "-ac",
                "2",
            ],
            &p("src.wav"),
        );
        ff(
            &["-f", "lavfi", "-i", "color=c=red:s=16x16", "-frames:v", "1"],
            &p("cover.png"),
        );

        // flac with 8 KiB padding; metaflac adds tags of every shape and a picture.
        run(Command::new("flac")
            .args(["-s", "-f", "--padding=8192", "-o"])
            .arg(p("padded.flac"))
            .arg(p("src.wav")));
        run(Command::new("metaflac")
            .args([
                "--set-tag=TITLE=Song",
                "--set-tag=isrc=GBAYE0000001",
                "--set-tag=ISRC=GBAYE0000002",
            ])
            .args([
                "--set-tag=Upc=075678164125",
                "--set-tag=CATALOGNUMBER=ABC-123",
            ])
            .arg(format!(
                "--import-picture-from={}",
                p("cover.png").display()
            ))
            .arg(p("padded.flac")));
        // flac without padding.
        run(Command::new("flac")
            .args(["-s", "-f", "--no-padding", "-o"])
            .arg(p("tight.flac"))
            .arg(p("src.wav")));
        run(Command::new("metaflac")
            .arg("--set-tag=ISRC=GBAYE0000003")
            .arg(p("tight.flac")));
        // ffmpeg's own muxer.
        ff(
            &[
                "-i",
                &p("src.wav").to_string_lossy(),
                "-c:a",
                "flac",
                "-metadata",
                "ISRC=QMDA72400310",
                "-metadata",
                "BARCODE=4006381333931",
            ],
            &p("ffmpeg.flac"),
        );
        let mut cases = vec!["padded.flac", "tight.flac", "ffmpeg.flac"];
        // id3v2 (the tool) puts an ID3v2.3 tag with TSRC in front.
        if tool("id3v2", &["--version"]) {
            std::fs::copy(p("padded.flac"), p("id3.flac")).expect("copy");
            run(Command::new("id3v2")
                .args(["-2", "--TSRC", "GBAYE0000004"])
                .arg(p("id3.flac")));
            cases.push("id3.flac");
        }

        let want = both();
        for name in cases {
            let orig = std::fs::read(p(name)).expect("read");
            let (new, changes) = write(&orig, &want);
            let out = p(&format!("new-{name}"));
            std::fs::write(&out, &new).expect("write");
            match name {
                "padded.flac" | "id3.flac" => {
                    assert_eq!(new.len(), orig.len(), "{name}: the padding absorbed it");
                    let (_, comments) = comments_of(&new);
                    assert_eq!(
                        comments,
                        [
                            "TITLE=Song",
                            "isrc=USRC17607839",
                            "ISRC=USRC17607839",
                            "Upc=036000291452",
                            "CATALOGNUMBER=ABC-123",
                            "BARCODE=036000291452"
                        ]
                    );
                }
                "tight.flac" => {
                    assert_eq!(types(&new).last(), Some(&PADDING));
                    assert_eq!(blocks_of(&new).0.last().unwrap().2.len(), 8192);
                }
                _ => {}
            }
            if name == "id3.flac" {
                assert!(
                    changes.iter().any(|c| c.location == "head › ID3v2.3 TSRC"),
                    "{changes:?}"
                );
                assert!(new.starts_with(b"ID3"));
            }
            // flac decodes every frame and checks the stored MD5 of the audio.
            run(Command::new("flac").args(["-t", "-s"]).arg(&out));
            let listing = run(Command::new("metaflac").arg("--list").arg(&out));
            assert!(listing.contains("ISRC=USRC17607839"), "{name}: {listing}");
            assert!(!listing.contains("GBAYE000000"), "{name}: no stale ISRC");
            assert!(
                listing.contains("BARCODE=036000291452"),
                "{name}: {listing}"
            );
            let probe = run(Command::new("ffprobe")
                .args(["-v", "error", "-show_entries", "format_tags", "-of", "json"])
                .arg(&out));
            // ffprobe joins repeated keys with ';'.
            assert!(probe.contains("USRC17607839"), "{name}: {probe}");
            assert!(
                !probe.contains("GBAYE000000"),
                "{name}: no stale ISRC: {probe}"
            );
        }
    }
}
