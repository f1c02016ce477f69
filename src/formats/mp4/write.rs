//! Writing codes into an MP4 / M4A file.
//!
//! The new file is described as pieces: ranges of the original (`mdat`,
//! sample tables, cover art, every atom not on the edited path) and the few
//! atoms rebuilt in memory: the code items of each `ilst`, and the headers
//! of the atoms that enclose them (`ilst`, `meta`, `udta`, `trak`, `moov`),
//! whose sizes change.
//!
//! Every code site the reader finds is updated in place of its `data` atom,
//! keeping the data type (UTF-8 or UTF-16), the item's `mean`/`name` case,
//! an `xid ` item's provider, and the order of the items. When the main
//! iTunes list (`moov/udta/meta/ilst`) has no standard item for a kind,
//! `----:com.apple.iTunes:ISRC` (or `:BARCODE`) is added at its end, and
//! `udta`, `meta` (with an iTunes `mdir` handler) and `ilst` are created
//! when the file has none.
//!
//! When the metadata changes size, the audio stays where it is if it can:
//! 1. a `free` (or `skip`) atom right after (else right before) a changed
//!    atom takes up the difference, as long as it is left empty (removed)
//!    or with at least its 8-byte header;
//! 2. a `moov` that comes after the audio simply grows or shrinks;
//! 3. otherwise the audio moves: every `stco`/`co64` chunk offset is
//!    shifted by the distance it moves, and a 2 KiB `free` atom is left
//!    after the `ilst` so that the next edit fits without moving it again.
//!    Fragmented files (`moof`, whose offsets this writer does not
//!    rewrite), external data references and `saio` offsets are refused.
//!
//! The writer's parts, each in a file beside this one:
//! - `write_shape.rs`: the tree before rebuilding: where the standard items
//!   go ([`Home`](shape::Home)) and whether the file is fragmented;
//! - `write_pass.rs`: one rebuild of the file, region by region, and the
//!   `free` atoms that take up changes in size;
//! - `write_items.rs`: the code items of an `ilst` (freeform, `xid `, keyed
//!   `mdta`) and their text `data` atoms;
//! - `write_chunks.rs`: the `stco`/`co64` chunk offsets, shifted when the
//!   audio moves, and what forbids moving it;
//! - `write_build.rs`: the pieces of the new file and the atoms the writer
//!   creates.

use crate::model::CodeKind;
use crate::plan::Codes;
use crate::plan::{Plan, PlanError};
use crate::source::Source;

#[path = "write_build.rs"]
mod build;
#[path = "write_chunks.rs"]
mod chunks;
#[path = "write_items.rs"]
mod items;
#[path = "write_pass.rs"]
mod pass;
#[path = "write_shape.rs"]
mod shape;

use chunks::ChunkTables;
use pass::Pass;
use shape::Shape;

/// Size of the `free` atom left after the `ilst` when the audio has to
/// move anyway, so the next edit fits without moving it again.
const PAD: u64 = 2048;

/// The `mean` of the standard freeform items.
const ITUNES: &str = "com.apple.iTunes";

/// The kinds of code, in the order new items are added.
const KINDS: [CodeKind; 2] = [CodeKind::Isrc, CodeKind::Barcode];

/// Plan the write of `codes` into an MP4 file: `None` when every code site
/// already holds them and the standard items exist.
pub(crate) fn plan(src: &mut Source, codes: &Codes) -> Result<Option<Plan>, PlanError> {
    if KINDS.iter().all(|&k| codes.text(k).is_none()) {
        return Ok(None);
    }
    let shape = Shape::scan(src)?;
    let first = Pass::run(src, codes, &shape, false, None)?;
    if first.changes.is_empty() {
        return Ok(None);
    }
    if !first.moves() {
        return Ok(Some(first.into_plan()));
    }
    let delta = first.delta();
    if shape.fragmented {
        return Err(PlanError::Unsupported(format!(
            "this is a fragmented MP4 (movie fragments): its metadata would change by {delta} bytes \
             and no 'free' atom next to it can absorb that, so the fragments after it would move, \
             and isrckit does not rewrite fragment offsets; nothing was written"
        )));
    }
    let tables = ChunkTables::scan(src, &shape)?;
    if !tables.move_with(src, &first.layout)? {
        // Only atoms that no chunk offset points into move (the `moov`
        // after the audio grows or shrinks).
        return Ok(Some(first.into_plan()));
    }
    tables.check_shiftable()?;
    let padded = Pass::run(src, codes, &shape, true, None)?;
    let shifted = Pass::run(src, codes, &shape, true, Some(&padded.layout))?;
    if shifted.layout != padded.layout {
        return Err(PlanError::Unsupported(
            "rewriting the chunk offsets changed the layout of the file (an isrckit bug); nothing was written"
                .into(),
        ));
    }
    Ok(Some(shifted.into_plan()))
}

#[cfg(test)]
#[path = "write_tests.rs"]
mod tests;
