//! A DDP image's track times, from its PQ descriptor stream: each entry's
//! track (`01`-`99`, `AA` the lead-out), index and time (`docs/ddp.md`).
//!
//! The entries are the ones the container reader (`src/formats/ddp/`)
//! reads and parses, through its folder and its bounded sources, with the
//! one byte layout of `src/formats/ddp/layout.rs`: this only turns them
//! into tracks with starts and lengths.

use super::{Layout, Track};
use crate::formats::ddp::{PQ_ENTRY, PqTable, digits, pq_table};
use std::collections::BTreeMap;
use std::path::Path;

/// The layout of the image whose `DDPID` is `ddpid`.
pub(super) fn layout(ddpid: &Path) -> Layout {
    let mut out = Layout::default();
    pq_layout(&pq_table(ddpid), &mut out);
    out
}

/// The tracks of a PQ descriptor stream as read into `out`.
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
    // track -> (first time, INDEX 01 time, where).
    struct Seen {
        first: u32,
        index1: Option<u32>,
        at: String,
    }
    let mut tracks: BTreeMap<u32, Seen> = BTreeMap::new();
    let mut lead_out: Option<u32> = None;
    for e in &pq.entries {
        let where_ = format!("{pq_name} entry {} @{}", e.number, e.at);
        let Some(time) = e.frames() else {
            out.problems
                .push(format!("{where_}: time \"{}\" is not mm:ss:ff", e.time()));
            continue;
        };
        if e.lead_out() {
            lead_out.get_or_insert(time);
            continue;
        }
        let (Ok(Some(t)), Some(i)) = (e.track(), digits(&e.idx)) else {
            out.problems.push(format!(
                "{where_}: track \"{}\" or index \"{}\" is not digits",
                e.trk, e.idx
            ));
            continue;
        };
        if t == 0 {
            continue; // the lead-in
        }
        let seen = tracks.entry(t).or_insert(Seen {
            first: time,
            index1: None,
            at: String::new(),
        });
        seen.first = seen.first.min(time);
        if i == 1 && seen.index1.is_none() {
            seen.index1 = Some(time);
            seen.at = format!("{where_}: track {} index 01 at {}", e.trk, e.time());
        }
    }
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
    let numbers: Vec<u32> = tracks.keys().copied().collect();
    for (k, &n) in numbers.iter().enumerate() {
        let seen = &tracks[&n];
        let next = numbers.get(k + 1).map(|m| tracks[m].first).or(lead_out);
        let length = match (seen.index1, next) {
            (Some(s), Some(e)) if e >= s => Some(e - s),
            _ => None,
        };
        out.tracks.push(Track {
            number: n,
            start: seen.index1,
            length,
            file: None,
            at: if seen.at.is_empty() {
                format!("{pq_name}: track {n:02}, no index 01 entry")
            } else {
                seen.at.clone()
            },
        });
    }
}
