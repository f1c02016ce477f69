//! A DDP image's track times, from its PQ descriptor stream: each entry's
//! track (`01`-`99`, `AA` the lead-out), index and time (bytes 4-15 of a
//! 64-byte `VVVS` entry; `docs/ddp.md`). The stream is the one the map
//! (`DDPMS`, 128-byte `VVVM` packets) names with a SUB of `PQ DESCR`.
//!
//! The code sites of the image are read by `src/formats/ddp/`; this reads
//! the same two files again for the times alone (a few kilobytes), so that
//! the container reader keeps its one job.

use super::{FRAMES, Layout, Track};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const MAP_PACKET: usize = 128;
const PQ_ENTRY: usize = 64;
/// As the container reader: at most this many packets and entries.
const MAX_PACKETS: usize = 1000;
const MAX_PQ: usize = 10_000;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .trim_matches(|c: char| c == ' ' || c == '\0')
        .to_string()
}

fn digits(s: &str) -> Option<u32> {
    (!s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// A file of the image by name: as given, else in another case.
fn find(dir: &Path, name: &str) -> Option<PathBuf> {
    let exact = dir.join(name);
    if exact.is_file() {
        return Some(exact);
    }
    std::fs::read_dir(dir)
        .ok()?
        .take(10_000)
        .filter_map(Result::ok)
        .find(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
        .map(|e| e.path())
        .filter(|p| p.is_file())
}

/// Read at most `max` bytes of a file (the whole of a small one).
fn read_small(path: &Path, max: usize) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    f.take(max as u64)
        .read_to_end(&mut buf)
        .map_err(|e| e.to_string())?;
    Ok(buf)
}

/// The layout of the image whose `DDPID` is `ddpid`.
pub(super) fn layout(ddpid: &Path) -> Layout {
    let mut out = Layout::default();
    let dir = match ddpid.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Some(map_path) = find(&dir, "DDPMS") else {
        out.problems
            .push("DDPMS (the map) is not in the image's folder".into());
        return out;
    };
    let map = match read_small(&map_path, MAP_PACKET * MAX_PACKETS) {
        Ok(m) => m,
        Err(e) => {
            out.problems.push(format!("DDPMS: {e}"));
            return out;
        }
    };
    let pq_name = pq_stream_name(&map);
    let Some(pq_name) = pq_name else {
        out.problems
            .push("DDPMS names no PQ descriptor stream: the track times are unknown".into());
        return out;
    };
    if pq_name.contains(['/', '\\', ':']) || pq_name == ".." {
        out.problems.push(format!(
            "DDPMS names \"{pq_name}\" for the PQ stream, which is not a file name"
        ));
        return out;
    }
    let Some(pq_path) = find(&dir, &pq_name) else {
        out.problems.push(format!(
            "{pq_name} (the PQ stream the map names) is not in the image's folder: the track times are unknown"
        ));
        return out;
    };
    let pq = match read_small(&pq_path, PQ_ENTRY * MAX_PQ + PQ_ENTRY) {
        Ok(b) => b,
        Err(e) => {
            out.problems.push(format!("{pq_name}: {e}"));
            return out;
        }
    };
    pq_layout(&pq_name, &pq, &mut out);
    out
}

/// The name of the PQ descriptor stream a map (`DDPMS` bytes) names: the
/// first packet whose SUB starts with `PQ`.
pub(super) fn pq_stream_name(map: &[u8]) -> Option<String> {
    for p in map.chunks_exact(MAP_PACKET).take(MAX_PACKETS) {
        if &p[..4] != b"VVVM" {
            break;
        }
        if !text(&p[30..38]).to_ascii_uppercase().starts_with("PQ") {
            continue;
        }
        let dsi = &p[74..91];
        let name = match digits(&text(&p[71..74])) {
            Some(n) if (n as usize) <= dsi.len() => text(&dsi[..n as usize]),
            _ => text(dsi),
        };
        if !name.is_empty() {
            return Some(name);
        }
    }
    None
}

/// The tracks of a PQ descriptor stream (`pq_name`'s bytes) into `out`.
pub(super) fn pq_layout(pq_name: &str, pq: &[u8], out: &mut Layout) {
    if !pq.len().is_multiple_of(PQ_ENTRY) {
        out.problems.push(format!(
            "{pq_name} is cut short ({} bytes, not a whole number of 64-byte entries): the tracks after the cut are unknown",
            pq.len()
        ));
    }
    // track -> (first time, INDEX 01 time, where); `None` key: lead-out.
    struct Seen {
        first: u32,
        index1: Option<u32>,
        at: String,
    }
    let mut tracks: BTreeMap<u32, Seen> = BTreeMap::new();
    let mut lead_out: Option<u32> = None;
    for (n, e) in pq.chunks_exact(PQ_ENTRY).take(MAX_PQ).enumerate() {
        let where_ = format!("{pq_name} entry {} @{}", n + 1, n * PQ_ENTRY);
        if &e[..4] != b"VVVS" {
            out.problems.push(format!(
                "{where_} does not start with \"VVVS\": the tracks after it are unknown"
            ));
            break;
        }
        let trk = text(&e[4..6]);
        let idx = text(&e[6..8]);
        let (m, s, f) = (text(&e[10..12]), text(&e[12..14]), text(&e[14..16]));
        let time = match (digits(&m), digits(&s), digits(&f)) {
            (Some(m), Some(s), Some(f)) if s < 60 && f < FRAMES => (m * 60 + s) * FRAMES + f,
            _ => {
                out.problems
                    .push(format!("{where_}: time \"{m}:{s}:{f}\" is not mm:ss:ff"));
                continue;
            }
        };
        if trk.eq_ignore_ascii_case("AA") {
            lead_out.get_or_insert(time);
            continue;
        }
        let (Some(t), Some(i)) = (digits(&trk), digits(&idx)) else {
            out.problems.push(format!(
                "{where_}: track \"{trk}\" or index \"{idx}\" is not digits"
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
            seen.at = format!("{where_}: track {trk} index 01 at {m}:{s}:{f}");
        }
    }
    if lead_out.is_none() && out.problems.is_empty() {
        out.problems.push(format!(
            "{pq_name} has no lead-out entry (track AA): the last track's length is unknown"
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
