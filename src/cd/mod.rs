//! A CD master's track layout, for `audit --cd` and `isrckit cue`: the
//! tracks of a disc in order, each with where it starts and how long it
//! is (in CD frames, 1/75 s), and, for a CUE sheet, the file it names.
//!
//! The code sites (ISRCs, the barcode) of a disc are read by the container
//! readers (`src/formats/ddp/`, `src/formats/cue/`); this module reads only
//! the times and file names, which the readers keep in notes: a DDP image's
//! PQ descriptor entries (`ddp.rs`), a CUE sheet's `FILE`, `TRACK` and
//! `INDEX` lines and a cdrdao TOC file's `TRACK` and `FILE` statements
//! (`sheet.rs`). Every read is bounded (a sheet at most 1 MiB, a PQ stream
//! at most 10 000 entries) and never opens the audio stream.
//!
//! `write.rs` writes CUE sheets (`isrckit cue`).

mod ddp;
mod sheet;
pub(crate) mod write;

use crate::model::Container;
use std::path::Path;

/// How a per-track isrc-missing finding on a DDP image starts (then the
/// track number): `audit --cd` finds it by this to name the master's code.
pub(crate) const MISSING_TRACK: &str = "TRACK ";

/// CD frames (sectors) a second.
pub(crate) const FRAMES: u32 = 75;

/// One track of a disc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Track {
    /// Its number on the disc (1-99).
    pub number: u32,
    /// Where its INDEX 01 is, in frames: from the start of the disc (DDP),
    /// or of the file it is in (CUE, TOC).
    pub start: Option<u32>,
    /// Its length in frames, from its INDEX 01 to the next track's first
    /// index (its pregap, if it has one) or the lead-out; `None` when the
    /// layout does not say (the last track of a file in a CUE sheet).
    pub length: Option<u32>,
    /// The file the sheet names for it (CUE `FILE`, TOC `FILE`/`AUDIOFILE`).
    pub file: Option<String>,
    /// Where it is said, for messages: `PQDESCR entry 4 @192 (track 03 index
    /// 01 at 00:05:45)`, `line 12 (TRACK 03)`.
    pub at: String,
}

/// A disc's tracks, in order, and what kept them from being read whole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Layout {
    /// The tracks, in disc order.
    pub tracks: Vec<Track>,
    /// Why the layout may be incomplete (a cut PQ stream, a map without
    /// one); empty when it was read whole.
    pub problems: Vec<String>,
}

/// The layout of the disc whose code sites were read from `path` (a
/// `DDPID`, a CUE sheet or a TOC file).
pub(crate) fn layout(path: &Path, container: Container) -> Layout {
    match container {
        Container::Ddp => ddp::layout(path),
        Container::Cue => sheet::layout(path),
        _ => Layout::default(),
    }
}

/// The layout of arbitrary bytes read as a sheet, a DDP map and a PQ
/// stream (the fuzz target's body): the number of tracks found.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn fuzz_layout(bytes: &[u8]) -> usize {
    let sheet = sheet::parse(bytes).tracks.len();
    let _ = ddp::pq_stream_name(bytes);
    let mut pq = Layout::default();
    ddp::pq_layout("PQDESCR", bytes, &mut pq);
    sheet + pq.tracks.len()
}

/// `mm:ss:ff` for a count of frames.
pub(crate) fn msf(frames: u32) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        frames / (60 * FRAMES),
        frames / FRAMES % 60,
        frames % FRAMES
    )
}

/// `m:ss.cc` for a count of frames (as durations are shown in messages).
pub(crate) fn seconds(frames: u32) -> String {
    let ms = u64::from(frames) * 1000 / u64::from(FRAMES);
    millis(ms)
}

/// `m:ss.cc` for milliseconds.
pub(crate) fn millis(ms: u64) -> String {
    format!(
        "{}:{:02}.{:02}",
        ms / 60_000,
        ms / 1000 % 60,
        ms % 1000 / 10
    )
}

/// `mm:ss:ff` read as frames (seconds below 60, frames below 75).
pub(crate) fn parse_msf(text: &str) -> Option<u32> {
    let mut parts = text.split(':');
    let (m, s, f) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let num = |t: &str| -> Option<u32> {
        (!t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let (m, s, f) = (num(m)?, num(s)?, num(f)?);
    (s < 60 && f < FRAMES).then_some((m * 60 + s) * FRAMES + f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_and_shown() {
        assert_eq!(parse_msf("00:02:00"), Some(150));
        assert_eq!(parse_msf("01:00:74"), Some(60 * 75 + 74));
        assert_eq!(parse_msf("00:60:00"), None);
        assert_eq!(parse_msf("00:00:75"), None);
        assert_eq!(parse_msf("0:2"), None);
        assert_eq!(parse_msf("a:00:00"), None);
        assert_eq!(msf(4545), "01:00:45");
        assert_eq!(seconds(120), "0:01.60");
        // Hostile text: huge numbers, many FILE lengths, cut lines.
        let mut toc = b"CD_DA\nTRACK AUDIO\n".to_vec();
        for _ in 0..20_000 {
            toc.extend_from_slice(b"FILE \"a\" 0 999:59:74\n");
        }
        assert_eq!(fuzz_layout(&toc), 1);
        assert!(
            fuzz_layout(b"TRACK 4294967295 AUDIO\nTRACK x AUDIO\nINDEX 01 99:99:99\nFILE \"") <= 2
        );
        assert_eq!(fuzz_layout(b"VVVS01010000000001"), 0);
    }
}
