//! A DDP image's track times, from its PQ descriptor stream: each entry's
//! track (`01`-`99`, `AA` the lead-out), index and time (`docs/ddp.md`).
//!
//! The entries are the ones the container reader (`src/formats/ddp/`)
//! reads and parses, through its folder and its bounded sources, with the
//! one byte layout of `src/formats/ddp/layout.rs`: this only turns them
//! into tracks with starts and lengths.

use super::{Layout, Track};
use crate::formats::ddp::{PQ_ENTRY, PqTable, pq_table};
use std::path::Path;

/// The layout of the image whose `DDPID` is `ddpid`.
pub(super) fn layout(ddpid: &Path) -> Layout {
    let mut out = Layout::default();
    pq_layout(&pq_table(ddpid), &mut out);
    out
}

/// The tracks of a PQ descriptor stream as read into `out`: its tracks
/// as [`PqTable::tracks`] reads them (as the report's are), with their
/// lengths and what kept the stream from being read whole.
pub(super) fn pq_layout(pq: &PqTable, out: &mut Layout) {
    let Some(pq_name) = pq.name.as_deref() else {
        out.problems.push(pq.missing.clone().unwrap_or_else(|| {
            "DDPMS names no PQ descriptor stream: the track times are unknown".into()
        }));
        return;
    };
    if !pq.len.is_multiple_of(PQ_ENTRY) {
        out.problems.push(format!(
            "{pq_name} is cut short ({} bytes, not a whole number of 64-byte entries): the tracks after the cut are unknown",
            pq.len
        ));
    }
    let read = pq.tracks();
    out.problems.extend(read.problems);
    let lead_out = read.lead_out;
    if let Some((n, at)) = pq.stopped {
        out.problems.push(format!(
            "{pq_name} entry {n} @{at} does not start with \"VVVS\": the tracks after it are unknown"
        ));
    }
    if lead_out.is_none() && out.problems.is_empty() {
        // Read whole, but not pressable: a plant needs the lead-out. The
        // tracks before the last still have their lengths.
        out.unpressable = Some(format!(
            "{pq_name} has no lead-out entry (track AA): a plant needs it to press the disc, and the last track's length is unknown"
        ));
    }
    let tracks = read.tracks;
    for (k, t) in tracks.iter().enumerate() {
        let next = tracks.get(k + 1).map(|n| n.first).or(lead_out);
        let length = match (t.index1, next) {
            (Some(s), Some(e)) if e >= s => Some(e - s),
            _ => None,
        };
        out.tracks.push(Track {
            number: t.number,
            start: t.index1,
            length,
            file: None,
            at: t.at.clone(),
        });
    }
}
