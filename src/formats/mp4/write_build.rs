//! The bytes of the new file: [`Built`], the pieces a region is made of
//! (ranges of the original and new bytes), [`wrap`] to put them under an
//! atom header, and the few atoms the writer creates from scratch.

use super::ITUNES;
use crate::formats::mp4::atoms::{self, Atom};
use crate::plan::Piece;
use crate::plan::PlanError;

/// Part of the new file: pieces and their total length. Adjacent copies
/// of contiguous ranges, and adjacent new bytes, are merged.
#[derive(Debug, Default)]
pub(super) struct Built {
    pub(super) pieces: Vec<Piece>,
    pub(super) len: u64,
}

impl Built {
    pub(super) fn copy(&mut self, offset: u64, len: u64) {
        if len == 0 {
            return;
        }
        self.len = self.len.saturating_add(len);
        if let Some(Piece::Copy { offset: o, len: l }) = self.pieces.last_mut()
            && o.checked_add(*l) == Some(offset)
        {
            *l += len;
            return;
        }
        self.pieces.push(Piece::Copy { offset, len });
    }

    pub(super) fn copy_atom(&mut self, a: &Atom) {
        self.copy(a.offset, a.size);
    }

    pub(super) fn bytes(&mut self, b: &[u8]) {
        if b.is_empty() {
            return;
        }
        self.len = self.len.saturating_add(b.len() as u64);
        if let Some(Piece::Bytes(v)) = self.pieces.last_mut() {
            v.extend_from_slice(b);
            return;
        }
        self.pieces.push(Piece::Bytes(b.to_vec()));
    }

    pub(super) fn append(&mut self, other: Built) {
        for p in other.pieces {
            match p {
                Piece::Copy { offset, len } => self.copy(offset, len),
                Piece::Bytes(b) => self.bytes(&b),
            }
        }
    }
}

/// `body` under an atom header of type `kind`: a 64-bit size when `wide`
/// (the original had one) or when the size does not fit 32 bits.
pub(super) fn wrap(kind: &[u8; 4], wide: bool, body: Built) -> Result<Built, PlanError> {
    let mut out = Built::default();
    let small = body.len.checked_add(8).and_then(|n| u32::try_from(n).ok());
    match (wide, small) {
        (false, Some(n)) => {
            out.bytes(&n.to_be_bytes());
            out.bytes(kind);
        }
        _ => {
            let n = body.len.checked_add(16).ok_or_else(|| {
                PlanError::Unsupported(format!("atom '{}' would be too large", atoms::fourcc(kind)))
            })?;
            out.bytes(&1u32.to_be_bytes());
            out.bytes(kind);
            out.bytes(&n.to_be_bytes());
        }
    }
    out.append(body);
    Ok(out)
}

/// A small atom built from bytes (an 8-byte header).
pub(super) fn atom_bytes(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let size = u32::try_from(body.len() + 8).unwrap_or(u32::MAX);
    let mut v = Vec::with_capacity(body.len() + 8);
    v.extend_from_slice(&size.to_be_bytes());
    v.extend_from_slice(kind);
    v.extend_from_slice(body);
    v
}

/// A full box (version 0, flags 0) built from bytes.
pub(super) fn full_bytes(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut b = vec![0u8; 4];
    b.extend_from_slice(body);
    atom_bytes(kind, &b)
}

/// A new UTF-8 freeform item `----:com.apple.iTunes:NAME` holding `text`.
pub(super) fn freeform_item(name: &str, text: &str) -> Vec<u8> {
    let mut data = 1u32.to_be_bytes().to_vec();
    data.extend_from_slice(&[0; 4]);
    data.extend_from_slice(text.as_bytes());
    let body = [
        full_bytes(b"mean", ITUNES.as_bytes()),
        full_bytes(b"name", name.as_bytes()),
        atom_bytes(b"data", &data),
    ]
    .concat();
    atom_bytes(b"----", &body)
}

/// The handler of an iTunes metadata `meta`, as iTunes writes it:
/// pre-defined 0, type `mdir`, reserved `appl` and zeros, an empty name.
pub(super) fn mdir_handler() -> Vec<u8> {
    let mut body = vec![0u8; 4];
    body.extend_from_slice(b"mdir");
    body.extend_from_slice(b"appl");
    body.extend_from_slice(&[0; 8]);
    body.extend_from_slice(&[0; 2]);
    full_bytes(b"hdlr", &body)
}
