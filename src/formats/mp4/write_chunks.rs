//! The chunk offsets (`stco`, `co64`): where each track's audio chunks
//! are. When the audio moves, every offset is shifted by the distance its
//! byte moves; a track whose data is in another file, or sample auxiliary
//! information offsets (`saio`), make that unsafe and are refused.

use super::build::Built;
use super::pass::{Entry, Pass};
use super::shape::{Shape, list};
use crate::formats::mp4::atoms::{Atom, Budget, Parent, be_u32, be_u64};
use crate::plan::PlanError;
use crate::source::Source;

/// The chunk offset tables of every track, and what would make shifting
/// them wrong.
pub(super) struct ChunkTables {
    tables: Vec<(Atom, bool)>,
    /// A track whose data lives in another file.
    external: Option<u64>,
    /// A `saio` (sample auxiliary information offsets) atom.
    saio: Option<u64>,
}

impl ChunkTables {
    pub(super) fn scan(src: &mut Source, shape: &Shape) -> Result<ChunkTables, PlanError> {
        let mut budget = Budget::default();
        let mut out = ChunkTables {
            tables: Vec::new(),
            external: None,
            saio: None,
        };
        let moov = Parent::file(src.len()).child(&shape.moov, 0);
        let mut stack = vec![moov];
        while let Some(region) = stack.pop() {
            for a in list(src, &mut budget, &region)?.atoms {
                match &a.kind {
                    b"trak" | b"mdia" | b"minf" | b"stbl" | b"dinf" => {
                        stack.push(region.child(&a, 0));
                    }
                    b"stco" => out.tables.push((a, false)),
                    b"co64" => out.tables.push((a, true)),
                    b"saio" => out.saio = out.saio.or(Some(a.offset)),
                    b"dref"
                        if out.external.is_none()
                            && !self_contained(src, &mut budget, &region, &a)? =>
                    {
                        out.external = Some(a.offset);
                    }
                    _ => {}
                }
            }
        }
        Ok(out)
    }

    /// Whether any chunk offset points into an atom that moves in `layout`.
    pub(super) fn move_with(&self, src: &mut Source, layout: &[Entry]) -> Result<bool, PlanError> {
        for (a, wide) in &self.tables {
            let bytes = src.read("chunk offset table", a.body(), a.body_len())?;
            let moved = for_each_offset(a, &bytes, *wide, |_, off| {
                let new = map_offset(layout, off).ok_or_else(|| unmappable(a, off))?;
                Ok((new != off).then_some(()))
            })?;
            if !moved.is_empty() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    pub(super) fn check_shiftable(&self) -> Result<(), PlanError> {
        if let Some(at) = self.external {
            return Err(PlanError::Unsupported(format!(
                "a track's data reference ('dref' at byte {at}) points to another file, so its chunk offsets \
                 must not move with this file's audio; isrckit does not write into such files"
            )));
        }
        if let Some(at) = self.saio {
            return Err(PlanError::Unsupported(format!(
                "the file has sample auxiliary information offsets ('saio' at byte {at}, encryption data) \
                 that would have to move with the audio; isrckit does not rewrite them, so nothing was written"
            )));
        }
        Ok(())
    }
}

/// Whether every entry of a `dref` says the data is in this file (flag 1
/// of a `url `/`urn ` entry, or `alis` in QuickTime files).
fn self_contained(
    src: &mut Source,
    budget: &mut Budget,
    region: &Parent,
    dref: &Atom,
) -> Result<bool, PlanError> {
    // Full box (4) and entry count (4), then the entries.
    let inner = region.child(dref, 8);
    for e in list(src, budget, &inner)?.atoms {
        if e.body_len() < 4 {
            return Err(PlanError::Damaged(format!(
                "data reference entry '{}' at byte {} is {} bytes, too short for its flags",
                e.name(),
                e.offset,
                e.size
            )));
        }
        let flags: [u8; 4] = src.header("data reference entry flags", e.body())?;
        if flags[3] & 1 == 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Where an offset into a copied top-level atom lands in the new file;
/// `None` when it points into no copied atom.
fn map_offset(layout: &[Entry], off: u64) -> Option<u64> {
    let i = layout.partition_point(|e| e.old <= off).checked_sub(1)?;
    let e = layout.get(i)?;
    let inside = off - e.old;
    (e.copied && inside < e.len)
        .then(|| e.new.checked_add(inside))
        .flatten()
}

fn unmappable(a: &Atom, off: u64) -> PlanError {
    PlanError::Unsupported(format!(
        "the chunk offset table at byte {} points at byte {off}, outside the media data that would move; \
         isrckit cannot tell where it should point, so nothing was written",
        a.offset
    ))
}

/// Call `f` with the index and value of each offset of an `stco` (`wide`:
/// `co64`) content, collecting what it returns.
fn for_each_offset<T>(
    a: &Atom,
    body: &[u8],
    wide: bool,
    mut f: impl FnMut(usize, u64) -> Result<Option<T>, PlanError>,
) -> Result<Vec<T>, PlanError> {
    let damaged = || {
        PlanError::Damaged(format!(
            "chunk offset table '{}' at byte {} ({} bytes) declares more entries than it holds",
            a.name(),
            a.offset,
            a.size
        ))
    };
    let count = be_u32(body, 4).ok_or_else(damaged)?;
    let count = usize::try_from(count).map_err(|_| damaged())?;
    let width = if wide { 8 } else { 4 };
    let room = body.len().saturating_sub(8) / width;
    if count > room {
        return Err(damaged());
    }
    let mut out = Vec::new();
    for i in 0..count {
        let at = 8 + i * width;
        let off = if wide {
            be_u64(body, at)
        } else {
            be_u32(body, at).map(u64::from)
        }
        .ok_or_else(damaged)?;
        if let Some(t) = f(i, off)? {
            out.push(t);
        }
    }
    Ok(out)
}

impl Pass<'_, '_> {
    /// An `stco` or `co64` table with every offset moved where its byte
    /// lands in the new file.
    pub(super) fn chunk_table(&mut self, a: &Atom, wide: bool) -> Result<Option<Built>, PlanError> {
        let Some(layout) = self.shift else {
            return Ok(None);
        };
        let mut bytes = self.src.read("chunk offset table", a.offset, a.size)?;
        let header = usize::try_from(a.header_len).unwrap_or(16);
        let body = bytes.get(header..).unwrap_or_default();
        let changed = for_each_offset(a, body, wide, |i, off| {
            let new = map_offset(layout, off).ok_or_else(|| unmappable(a, off))?;
            Ok((new != off).then_some((i, new)))
        })?;
        if changed.is_empty() {
            return Ok(None);
        }
        let width = if wide { 8 } else { 4 };
        for (i, new) in changed {
            let at = header + 8 + i * width;
            let slot = bytes
                .get_mut(at..at + width)
                .ok_or_else(|| PlanError::Damaged("chunk offset table cut short".into()))?;
            if wide {
                slot.copy_from_slice(&new.to_be_bytes());
            } else {
                let n = u32::try_from(new).map_err(|_| {
                    PlanError::Unsupported(format!(
                        "the audio would move past 4 GiB, beyond what the 32-bit chunk offsets ('stco' at byte {}) can hold; nothing was written",
                        a.offset
                    ))
                })?;
                slot.copy_from_slice(&n.to_be_bytes());
            }
        }
        let mut out = Built::default();
        out.bytes(&bytes);
        Ok(Some(out))
    }
}
