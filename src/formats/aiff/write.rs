//! Writing codes into AIFF / AIFF-C: the `ID3 ` (or `id3 `) chunk is edited,
//! or an `ID3 ` chunk is added at the end so the sound data does not move;
//! every other chunk is copied in order; the FORM size is set to the new total.

use crate::formats::id3v2::write::{edit, new_tag};
use crate::formats::riff::{self, Endian, chunk_bytes};
use crate::plan::Codes;
use crate::plan::Piece;
use crate::plan::{Plan, PlanError};
use crate::source::Source;

pub(crate) fn plan(src: &mut Source, codes: &Codes) -> Result<Option<Plan>, PlanError> {
    let h: [u8; 12] = src.header("FORM header", 0)?;
    let form_end = u64::from(u32::from_be_bytes([h[4], h[5], h[6], h[7]])) + 8;
    let chunks = riff::list(src, 12, form_end.min(src.len()), Endian::Big, &mut |_| None)?;
    let mut pieces = Vec::new();
    let mut changes = Vec::new();
    let mut seen = false;
    for ch in &chunks {
        if matches!(&ch.id, b"ID3 " | b"id3 ") {
            let body = src.read("ID3 chunk", ch.body(), ch.size)?;
            let place = format!("chunk \"{}\"", ch.name());
            if let Some(e) = edit(&body, codes, &place, !seen)? {
                changes.extend(e.changes);
                pieces.push(Piece::Bytes(chunk_bytes(&ch.id, &e.bytes, Endian::Big)));
                seen = true;
                continue;
            }
            seen = true;
        }
        pieces.push(crate::formats::wav::write::copy_chunk(ch, src.len()));
    }
    if !seen {
        let e = new_tag(codes, "chunk \"ID3 \"");
        changes.extend(e.changes);
        pieces.push(Piece::Bytes(chunk_bytes(b"ID3 ", &e.bytes, Endian::Big)));
    }
    if changes.is_empty() {
        return Ok(None);
    }
    let total: u64 = pieces.iter().map(Piece::len).sum::<u64>() + 12;
    let form = u32::try_from(total - 8)
        .map_err(|_| PlanError::Unsupported("the file would pass the 4 GiB AIFF limit".into()))?;
    let mut header = h.to_vec();
    header[4..8].copy_from_slice(&form.to_be_bytes());
    pieces.insert(0, Piece::Bytes(header));
    Ok(Some(Plan { pieces, changes }))
}
