//! The vocabulary of a write, shared by the containers that make plans
//! (`formats`) and the writer that carries them out (`write`): the codes to
//! write, where to write them, the pieces of the new file, and the changes.
//! A leaf: it depends on the codes and the model, never on a container or
//! on the writer.

use crate::codes::{Gtin, Isrc};
use serde::Serialize;

/// The codes to write into one file, already validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Codes {
    /// The recording's ISRC.
    pub isrc: Option<Isrc>,
    /// The release's barcode, written in the form given (12 or 13 digits).
    pub barcode: Option<Gtin>,
    /// ISRCs of the tracks of a disc image (a DDP image: `set --track N
    /// --isrc CODE`, manifest rows with a `track`), by track number, in
    /// order, each track once. Empty for every other file; a file that is
    /// not a disc image refuses them.
    pub tracks: Vec<(u32, Isrc)>,
}

impl Codes {
    /// The text to store for a kind.
    pub fn text(&self, kind: crate::model::CodeKind) -> Option<String> {
        match kind {
            crate::model::CodeKind::Isrc => self.isrc.map(|i| i.to_string()),
            crate::model::CodeKind::Barcode => {
                self.barcode.as_ref().map(|g| g.as_given().to_string())
            }
        }
    }
}

/// One change a write makes (or would make, in a dry run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Change {
    /// `isrc` or `barcode`.
    pub kind: crate::model::CodeKind,
    /// Where, as `Location::describe` puts it (or the place a new field goes).
    pub location: String,
    /// The text there before; `None` when the field is new.
    pub old: Option<String>,
    /// The text written.
    pub new: String,
}

/// One piece of the new file: bytes of the original, or new bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// `len` bytes of the original from `offset`.
    Copy {
        /// Where in the original.
        offset: u64,
        /// How many bytes.
        len: u64,
    },
    /// New bytes.
    Bytes(Vec<u8>),
}

impl Piece {
    /// Its length in the new file.
    pub fn len(&self) -> u64 {
        match self {
            Piece::Copy { len, .. } => *len,
            Piece::Bytes(b) => b.len() as u64,
        }
    }

    /// Whether it adds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// How to turn a file into one that holds the new codes: the pieces of the
/// new file (ranges of the original and new bytes), and the changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The new file, in order.
    pub pieces: Vec<Piece>,
    /// What changes, for the report and `--dry-run`.
    pub changes: Vec<Change>,
}

/// Why a file cannot be written (nothing is written).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// A region could not be read.
    #[error(transparent)]
    Source(#[from] crate::source::SourceError),
    /// The file is damaged; writing it could make things worse.
    #[error("{0}")]
    Damaged(String),
    /// A structure isrckit will not rewrite (a compressed frame, a CRC).
    #[error("{0}")]
    Unsupported(String),
    /// A code has no place to go: the file holds no site of its kind and
    /// the targets add none. Nothing is written.
    #[error(
        "the {kind} {value} has nowhere to go: the file holds no {kind} site and the targets ({targets}) add none; add a target that holds it (wav:id3 holds both codes), or leave the code out"
    )]
    NoHome {
        /// `ISRC` or `barcode`.
        kind: &'static str,
        /// The code that would have been written.
        value: String,
        /// The targets in force, as `--targets` names them.
        targets: String,
    },
}

/// Check that every code asked for ends up in the file: the plan changes a
/// site of its kind, or the file already holds it (and so needs no change).
/// A write that would silently leave a code out (`--targets no-wav:id3` on
/// a WAV without other sites) is refused before anything is written.
pub(crate) fn check_homes(
    codes: &Codes,
    before: &crate::model::FileReport,
    plan: Option<&Plan>,
    targets: &Targets,
) -> Result<(), PlanError> {
    use crate::model::CodeKind;
    for kind in [CodeKind::Isrc, CodeKind::Barcode] {
        let Some(value) = codes.text(kind) else {
            continue;
        };
        let changed = plan.is_some_and(|p| p.changes.iter().any(|c| c.kind == kind));
        let held = before.codes.iter().any(|c| {
            c.kind == kind
                && c.location.track.is_none()
                && match kind {
                    CodeKind::Isrc => c.raw == value,
                    _ => {
                        c.valid && c.value.as_deref() == codes.barcode.as_ref().map(|g| g.gtin13())
                    }
                }
        });
        if !changed && !held {
            return Err(PlanError::NoHome {
                kind: match kind {
                    CodeKind::Isrc => "ISRC",
                    _ => "barcode",
                },
                value,
                targets: targets.describe(),
            });
        }
    }
    Ok(())
}

/// Where to write, beyond the sites a file already has (which are always
/// updated, so no stale code remains). Defaults: the README's "Where codes live".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Targets {
    /// WAV: the ID3v2 chunk (default).
    pub wav_id3: bool,
    /// WAV: LIST/INFO `ISRC` (read by some tools; "Source" by the RIFF spec),
    /// always.
    pub wav_info: bool,
    /// WAV: LIST/INFO `ISRC` where ffprobe needs it (default): a file with
    /// a LIST/INFO or `bext` chunk, where ffprobe and every libavformat
    /// tool drop the ID3 chunk (docs/readers.md).
    pub wav_info_for_ffprobe: bool,
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
            wav_info_for_ffprobe: true,
            wav_ixml: false,
            wav_axml: false,
        }
    }
}

impl Targets {
    /// The target names, for help and errors.
    pub const NAMES: &'static [&'static str] =
        &["wav:id3", "wav:info", "wav:ixml", "wav:axml", "wav:all"];

    /// The targets in force, as `--targets` names them (`wav:id3`, or
    /// `none` when every optional place is left out).
    pub fn describe(&self) -> String {
        let on: Vec<&str> = [
            (self.wav_id3, "wav:id3"),
            (self.wav_info, "wav:info"),
            (
                self.wav_info_for_ffprobe && !self.wav_info,
                "wav:info where ffprobe needs it",
            ),
            (self.wav_ixml, "wav:ixml"),
            (self.wav_axml, "wav:axml"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|&(_, name)| name)
        .collect();
        if on.is_empty() {
            "none".into()
        } else {
            on.join(",")
        }
    }

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
                "wav:info" => {
                    t.wav_info = on;
                    t.wav_info_for_ffprobe = on;
                }
                "wav:ixml" => t.wav_ixml = on,
                "wav:axml" => t.wav_axml = on,
                "wav:all" => {
                    t = Targets {
                        wav_id3: on,
                        wav_info: on,
                        wav_info_for_ffprobe: on,
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

/// A write that changes several files of one container (a DDP image is a
/// folder of files): each changed file's old and new bytes, in the order
/// they are to replace the originals (checksum files last), what was read
/// to plan it (all of it must be unchanged when the write starts), and the
/// files it never writes (the audio stream).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetPlan {
    /// The folder holding the files.
    pub dir: std::path::PathBuf,
    /// The files to replace, in order.
    pub edits: Vec<Edit>,
    /// Every file read to make the plan, with its bytes then (the edited
    /// ones among them).
    pub inputs: Vec<(std::ffi::OsString, Vec<u8>)>,
    /// Files of the set that are never written (the audio stream), by name.
    pub untouched: Vec<std::ffi::OsString>,
    /// What changes, for the report and `--dry-run`.
    pub changes: Vec<Change>,
    /// What the user should know (no checksum file, a site left blank).
    pub notes: Vec<String>,
}

/// One file of a [`SetPlan`]: its name in the folder, its bytes now and
/// its new bytes. Only small files (descriptors, checksum lists) are
/// edited, so both are held in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The name in the folder.
    pub name: std::ffi::OsString,
    /// The bytes now.
    pub old: Vec<u8>,
    /// The bytes to write.
    pub new: Vec<u8>,
}
