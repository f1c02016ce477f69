//! Writing codes into an MP3: the ID3v2 tag(s) at the head are edited
//! (padding absorbs the change where it can; otherwise the tag grows and
//! the audio is copied after it unchanged); everything after the head tags
//! (frames, APE, ID3v1) is copied as it is.

use crate::formats::id3v2::{self, write::edit, write::new_tag};
use crate::formats::source::Source;
use crate::write::codes::Codes;
use crate::write::safe::Piece;
use crate::write::{Plan, PlanError};

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
    if changes.is_empty() {
        return Ok(None);
    }
    pieces.push(Piece::Copy {
        offset: pos,
        len: src.len() - pos,
    });
    Ok(Some(Plan { pieces, changes }))
}
