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

use super::blocks::{self, Block, CUESHEET, Lead, MAX_BLOCK_LEN, MAX_BLOCKS, PADDING, STREAMINFO};
use super::blocks::{VORBIS_COMMENT, WalkError};
use crate::formats::keys::{self, Role};
use crate::formats::{Collector, id3v2};
use crate::model::{CodeKind, Container, TagFormat};
use crate::plan::Piece;
use crate::plan::{Change, Codes};
use crate::plan::{Plan, PlanError};
use crate::source::Source;

/// Padding given to a file whose metadata had to grow past its padding, so
/// that the next edit fits without moving the audio again.
const NEW_PADDING: u64 = 8192;
/// Vendor string of a VORBIS_COMMENT block this writer creates.
const VENDOR: &str = "isrckit";
/// Where changes are said to be (`Location::describe`'s chunk part).
const PLACE: &str = "VORBIS_COMMENT";

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
pub(crate) fn plan(src: &mut Source, codes: &Codes) -> Result<Option<Plan>, PlanError> {
    let file_len = src.len();
    let mut changes = Vec::new();

    // A leading ID3v2 tag: its code frames are updated, nothing is added.
    let head = src.read_upto("file header", 0, 10)?;
    let (start, id3) = match Lead::of(&head) {
        Lead::Bare => (0, None),
        Lead::Id3(total) => (total, head_tag(src, total, codes)?),
        Lead::BadId3 => {
            return Err(PlanError::Damaged(
                "the ID3v2 tag in front of the FLAC stream has a malformed size field".into(),
            ));
        }
    };
    if !blocks::marker_at(src, start) {
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

    let (blocks, audio_at) = blocks::walk(src, start + 4);
    let audio_at = audio_at.map_err(|e| walk_error(e, file_len))?;

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

/// The damage that stopped the walk over the metadata blocks, as the
/// writer words it.
fn walk_error(e: WalkError, file_len: u64) -> PlanError {
    PlanError::Damaged(match e {
        WalkError::TooMany { at } => format!(
            "more than {MAX_BLOCKS} FLAC metadata blocks before byte {at} without a last-block flag"
        ),
        WalkError::NoHeader { at } => format!(
            "the FLAC metadata ends at byte {file_len} before a block marked last \
             (no room for a block header at byte {at})"
        ),
        WalkError::PastEnd { block, .. } | WalkError::Overflow { block } => format!(
            "FLAC metadata block at byte {} declares {} bytes but the file ends at byte {file_len}",
            block.at, block.len
        ),
    })
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
            // A catalogue number that is not a barcode is not a code.
            if !spec.holds_code(&old) {
                continue;
            }
            if spec.role == Role::Standard {
                have[slot(spec.kind)] = true;
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
#[path = "write_tests.rs"]
mod tests;
