//! Entry points for the fuzz targets in `fuzz/` and for the replay of
//! their saved inputs, behind the `fuzzing` feature. Not a stable API.

use crate::formats::{Collector, format};
use crate::model::Container;
use crate::plan::{Codes, Piece, Targets};
use crate::source::Source;

/// Run one container's reader over bytes in memory, bypassing detection.
/// Returns the number of code sites found and the reader's final error.
pub fn read_as(container: Container, bytes: &[u8]) -> (usize, Option<String>) {
    let mut slice = bytes;
    let mut src = Source::new(&mut slice, bytes.len() as u64);
    let mut c = Collector::new(container);
    let err = format(container).read(&mut src, &mut c).err();
    (c.sites.len(), err.map(|e| e.to_string()))
}

/// What planning a write into arbitrary bytes gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Planned {
    /// A clean refusal (damaged or unsupported input), or nothing to do.
    Nothing,
    /// A plan whose every copied range lies inside the input.
    InBounds,
    /// A plan that would copy bytes from outside the input: a bug.
    OutOfBounds,
}

/// Plan a write of fixed codes into bytes in memory, bypassing detection
/// (planning parses the file again, as the writer sees it), and check the
/// bounds of the plan it gets.
pub fn plan_as(container: Container, bytes: &[u8]) -> Planned {
    let codes = Codes {
        isrc: crate::codes::Isrc::parse("USRC17607839").ok(),
        barcode: crate::codes::Gtin::parse("075678164125").ok(),
    };
    let mut slice = bytes;
    let mut src = Source::new(&mut slice, bytes.len() as u64);
    let targets = Targets::parse(&["wav:all".to_string()]).unwrap_or_default();
    let Ok(Some(plan)) = format(container).plan(&mut src, &codes, &targets) else {
        return Planned::Nothing;
    };
    let inside = plan.pieces.iter().all(|p| match p {
        Piece::Copy { offset, len } => offset
            .checked_add(*len)
            .is_some_and(|e| e <= bytes.len() as u64),
        Piece::Bytes(_) => true,
    });
    if inside {
        Planned::InBounds
    } else {
        Planned::OutOfBounds
    }
}

/// Parse a manifest's text (CSV or JSON); returns whether it was accepted.
pub fn manifest(text: &str) -> bool {
    crate::embed::manifest::parse(text).is_ok()
}
