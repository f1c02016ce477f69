//! Writing codes into an MP3: the ID3v2 tag(s) at the head are edited
//! (padding absorbs the change where it can; otherwise the tag grows and
//! the audio is copied after it unchanged); an APE tag at the tail has its
//! code items updated; everything else (frames, ID3v1, Lyrics3) is copied
//! as it is.

use crate::formats::id3v2::{self, write::edit, write::new_tag};
use crate::plan::Codes;
use crate::plan::Piece;
use crate::plan::{Plan, PlanError};
use crate::source::Source;

pub(crate) fn plan(src: &mut Source, codes: &Codes) -> Result<Option<Plan>, PlanError> {
    let mut pieces = Vec::new();
    let mut changes = Vec::new();
    let mut pos = 0u64;
    let mut tags = 0;
    loop {
        let mut head = [0u8; 10];
        if src.fill("ID3v2 header", pos, &mut head).is_err() || &head[..3] != b"ID3" {
            break;
        }
        let total = id3v2::total_size(&head).ok_or_else(|| {
            PlanError::Damaged(format!("ID3v2 tag at byte {pos} has a malformed size"))
        })?;
        let bytes = src.read("ID3v2 tag", pos, total)?;
        match edit(&bytes, codes, "head", tags == 0)? {
            Some(e) => {
                pieces.push(Piece::Bytes(e.bytes));
                changes.extend(e.changes);
            }
            None => pieces.push(Piece::Copy {
                offset: pos,
                len: total,
            }),
        }
        pos += total;
        tags += 1;
    }
    if tags == 0 {
        let e = new_tag(codes, "head");
        pieces.push(Piece::Bytes(e.bytes));
        changes.extend(e.changes);
    }
    // An APE tag at the tail (before an ID3v1 tag and a Lyrics3 tag, as
    // the reader finds it) has its code items updated too.
    let mut tail_end = src.len();
    let mut t = [0u8; 3];
    if tail_end >= pos + 128
        && src.fill("ID3v1 tag", tail_end - 128, &mut t).is_ok()
        && &t == b"TAG"
    {
        tail_end -= 128;
    }
    if let Some(n) = super::read::lyrics3_len(src, pos, tail_end)? {
        tail_end -= n;
    }
    let ape = if tail_end >= pos + 32 {
        crate::formats::ape::edit_before(src, tail_end, codes)?
    } else {
        None
    };
    if changes.is_empty() && ape.is_none() {
        return Ok(None);
    }
    match ape {
        Some((start, end, bytes, ape_changes)) => {
            pieces.push(Piece::Copy {
                offset: pos,
                len: start - pos,
            });
            pieces.push(Piece::Bytes(bytes));
            pieces.push(Piece::Copy {
                offset: end,
                len: src.len() - end,
            });
            changes.extend(ape_changes);
        }
        None => pieces.push(Piece::Copy {
            offset: pos,
            len: src.len() - pos,
        }),
    }
    Ok(Some(Plan { pieces, changes }))
}
