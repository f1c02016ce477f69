//! One answer to "are these two files the same recording?", shared by the
//! audit's cross-file rules (`isrc-duplicate`, `barcode-shared`) and by
//! `embed`'s manifest checks (one ISRC for two files), so that a delivery
//! `embed` accepts is one the audit passes.
//!
//! The same recording legitimately carries one ISRC in every format it is
//! delivered in (WAV master, FLAC, MP3 preview); a different mix, edit or
//! length needs its own. Without audio hashes, two files are the same
//! recording unless their titles differ (compared without case and with
//! runs of white space folded) or their durations differ by more than the
//! tolerance. A missing title or duration is no evidence either way.

use crate::model::Container;

/// Durations within this many milliseconds may be one recording (encoders
/// pad and trim: an MP3 of a WAV is some tens of milliseconds longer).
pub const DEFAULT_TOLERANCE_MS: u64 = 1000;

/// What is known of one file's recording.
#[derive(Debug, Clone, Copy, Default)]
pub struct Recording<'a> {
    /// The title tag.
    pub title: Option<&'a str>,
    /// The duration from the audio headers.
    pub duration_ms: Option<u64>,
    /// The container (audio hashes compare only within one).
    pub container: Option<Container>,
    /// A hash of the audio payload, when it was read.
    pub audio_hash: Option<[u8; 32]>,
}

/// How two recordings are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sameness {
    /// Durations may differ by this much.
    pub tolerance_ms: u64,
    /// Compare audio hashes when both files have one in the same container.
    pub by_audio: bool,
}

impl Default for Sameness {
    fn default() -> Self {
        Sameness {
            tolerance_ms: DEFAULT_TOLERANCE_MS,
            by_audio: false,
        }
    }
}

/// Why two files are different recordings.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Difference<'a> {
    /// Their audio payloads differ (same container, hashes compared).
    Audio,
    /// Their titles differ.
    Titles(&'a str, &'a str),
    /// Their durations differ by more than the tolerance (ms).
    Durations(u64, u64),
}

impl Sameness {
    /// Why `a` and `b` are different recordings; `None` when they may be
    /// the same one.
    pub fn differs<'a>(&self, a: &Recording<'a>, b: &Recording<'a>) -> Option<Difference<'a>> {
        if self.by_audio
            && a.container.is_some()
            && a.container == b.container
            && let (Some(x), Some(y)) = (a.audio_hash, b.audio_hash)
        {
            return (x != y).then_some(Difference::Audio);
        }
        if let (Some(x), Some(y)) = (a.title, b.title)
            && !same_title(x, y)
        {
            return Some(Difference::Titles(x, y));
        }
        if let (Some(x), Some(y)) = (a.duration_ms, b.duration_ms)
            && x.abs_diff(y) > self.tolerance_ms
        {
            return Some(Difference::Durations(x, y));
        }
        None
    }

    /// Whether `a` and `b` may be the same recording.
    pub fn same(&self, a: &Recording, b: &Recording) -> bool {
        self.differs(a, b).is_none()
    }
}

/// Whether two titles name the same recording: equal once case and runs
/// of white space are folded.
pub fn same_title(a: &str, b: &str) -> bool {
    a == b || fold_title(a) == fold_title(b)
}

/// A title folded for comparison: lower case, white space runs as one
/// space, in Unicode NFC (a macOS tagger may store `Café` decomposed).
pub fn fold_title(t: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let folded = t
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    if folded.is_ascii() {
        folded
    } else {
        folded.nfc().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(title: Option<&str>, ms: Option<u64>) -> Recording<'_> {
        Recording {
            title,
            duration_ms: ms,
            ..Recording::default()
        }
    }

    #[test]
    fn titles_compare_in_nfc() {
        let s = Sameness::default();
        let nfd = "Cafe\u{301} Noir";
        assert!(s.same(&rec(Some(nfd), None), &rec(Some("café noir"), None)));
    }

    #[test]
    fn titles_fold_case_and_space() {
        let s = Sameness::default();
        assert!(s.same(
            &rec(Some("Glass  Horizon"), None),
            &rec(Some("glass horizon"), None)
        ));
        assert_eq!(
            s.differs(&rec(Some("Intro"), None), &rec(Some("Outro"), None)),
            Some(Difference::Titles("Intro", "Outro"))
        );
    }

    #[test]
    fn durations_within_the_tolerance_are_one_recording() {
        let s = Sameness::default();
        assert!(s.same(&rec(None, Some(10_000)), &rec(None, Some(11_000))));
        assert_eq!(
            s.differs(&rec(None, Some(10_000)), &rec(None, Some(11_001))),
            Some(Difference::Durations(10_000, 11_001))
        );
        let wide = Sameness {
            tolerance_ms: 2000,
            ..s
        };
        assert!(wide.same(&rec(None, Some(10_000)), &rec(None, Some(11_500))));
    }

    #[test]
    fn audio_hashes_decide_within_one_container() {
        let s = Sameness {
            by_audio: true,
            ..Sameness::default()
        };
        let a = Recording {
            container: Some(Container::Wav),
            audio_hash: Some([1; 32]),
            title: Some("A"),
            ..Recording::default()
        };
        let b = Recording {
            audio_hash: Some([2; 32]),
            title: Some("A"),
            ..a
        };
        assert_eq!(s.differs(&a, &b), Some(Difference::Audio));
        // Other containers: the hashes say nothing; titles decide.
        let c = Recording {
            container: Some(Container::Flac),
            ..b
        };
        assert!(s.same(&a, &c));
    }
}
