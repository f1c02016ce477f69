//! Writing codes into masters: plans, per-container writers, the safe
//! writer and the verification that audio was not touched.

pub mod codes;
pub mod engine;
pub mod run;
pub mod safe;

use safe::Piece;

/// How to turn a file into one that holds the new codes: the pieces of the
/// new file (ranges of the original and new bytes), and the changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The new file, in order.
    pub pieces: Vec<Piece>,
    /// What changes, for the report and `--dry-run`.
    pub changes: Vec<codes::Change>,
}

/// Why a file cannot be written (nothing is written).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// A region could not be read.
    #[error(transparent)]
    Source(#[from] crate::formats::source::SourceError),
    /// The file is damaged; writing it could make things worse.
    #[error("{0}")]
    Damaged(String),
    /// A structure isrckit will not rewrite (a compressed frame, a CRC).
    #[error("{0}")]
    Unsupported(String),
}

impl From<crate::formats::id3v2::write::EditError> for PlanError {
    fn from(e: crate::formats::id3v2::write::EditError) -> Self {
        use crate::formats::id3v2::write::EditError as E;
        match e {
            E::Damaged(m) => PlanError::Damaged(m),
            E::Unsupported(m) => PlanError::Unsupported(m),
        }
    }
}

impl From<crate::formats::FormatError> for PlanError {
    fn from(e: crate::formats::FormatError) -> Self {
        match e {
            crate::formats::FormatError::Source(s) => PlanError::Source(s),
            crate::formats::FormatError::Damaged(m) => PlanError::Damaged(m),
        }
    }
}

/// Where to write, beyond the sites a file already has (which are always
/// updated, so no stale code remains). Defaults: DESIGN.md's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Targets {
    /// WAV: the ID3v2 chunk (default).
    pub wav_id3: bool,
    /// WAV: LIST/INFO `ISRC` (read by some tools; "Source" by the RIFF spec).
    pub wav_info: bool,
    /// WAV: iXML `ASWG/isrcId` (read by sound-library tools).
    pub wav_ixml: bool,
    /// WAV: aXML EBUCore `identifier typeLabel="ISRC"`.
    pub wav_axml: bool,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            wav_id3: true,
            wav_info: false,
            wav_ixml: false,
            wav_axml: false,
        }
    }
}

impl Targets {
    /// The target names, for help and errors.
    pub const NAMES: &'static [&'static str] =
        &["wav:id3", "wav:info", "wav:ixml", "wav:axml", "wav:all"];

    /// Apply `--targets` items to the defaults: a name adds a location,
    /// `no-NAME` removes one (`no-wav:id3,wav:info` writes INFO only).
    pub fn parse(items: &[String]) -> Result<Targets, String> {
        let mut t = Targets::default();
        for item in items {
            let item = item.trim();
            let (on, name) = match item.strip_prefix("no-") {
                Some(n) => (false, n),
                None => (true, item),
            };
            match name {
                "wav:id3" => t.wav_id3 = on,
                "wav:info" => t.wav_info = on,
                "wav:ixml" => t.wav_ixml = on,
                "wav:axml" => t.wav_axml = on,
                "wav:all" => {
                    t = Targets {
                        wav_id3: on,
                        wav_info: on,
                        wav_ixml: on,
                        wav_axml: on,
                    }
                }
                _ => {
                    return Err(format!(
                        "unknown target {item:?}; the targets are {} (prefix no- to leave one out)",
                        Self::NAMES.join(", ")
                    ));
                }
            }
        }
        Ok(t)
    }
}
