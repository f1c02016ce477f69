//! Writing codes into masters: plans, per-container writers, the safe
//! writer and the verification that audio was not touched.

pub mod codes;
pub mod engine;
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
