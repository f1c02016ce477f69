//! The records a read produces: code sites with their exact location, and one
//! report per file. These types are the library's public data model and are
//! serialised as-is into `inspect --format json` (see the README's schema).

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

/// Which kind of identifier a site holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum CodeKind {
    /// International Standard Recording Code: one recording.
    Isrc,
    /// UPC-A / EAN-13 (GTIN) or CD media catalog number: one release.
    Barcode,
}

impl fmt::Display for CodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CodeKind::Isrc => "isrc",
            CodeKind::Barcode => "barcode",
        })
    }
}

/// The container format of a file, decided from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Container {
    /// RIFF WAVE, RF64, BW64 (Broadcast Wave included).
    Wav,
    /// AIFF and AIFF-C.
    Aiff,
    /// Native FLAC.
    Flac,
    /// MPEG-1/2 audio (layer III and the others) with or without tags.
    Mp3,
    /// ISO base media (M4A, MP4, M4B).
    Mp4,
    /// A DDP image (CD master), read through its `DDPID` file.
    Ddp,
    /// A CD master's text: a CUE sheet or a cdrdao TOC file (no audio; the
    /// disc's catalog number and each track's ISRC).
    Cue,
}

impl Container {
    /// The lowercase name used in JSON and tables.
    pub fn name(self) -> &'static str {
        match self {
            Container::Wav => "wav",
            Container::Aiff => "aiff",
            Container::Flac => "flac",
            Container::Mp3 => "mp3",
            Container::Mp4 => "mp4",
            Container::Ddp => "ddp",
            Container::Cue => "cue",
        }
    }
}

impl fmt::Display for Container {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The tag format (metadata scheme) a code was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum TagFormat {
    /// ID3v2 (2.2, 2.3 or 2.4): in an MP3 head, a WAV/AIFF chunk, or in front of FLAC.
    Id3v2,
    /// ID3v1 at the end of an MP3 (has no ISRC field; noted only).
    Id3v1,
    /// APEv2 tag (usually at the end of an MP3).
    Ape,
    /// RIFF `LIST`/`INFO` sub-chunks.
    RiffInfo,
    /// BWF `bext` chunk.
    Bext,
    /// iXML chunk.
    Ixml,
    /// aXML chunk (EBUCore and other XML).
    Axml,
    /// FLAC Vorbis comment block.
    Vorbis,
    /// FLAC CUESHEET block.
    Cuesheet,
    /// MP4 `ilst` item (freeform `----` or otherwise).
    Ilst,
    /// MP4 `xid ` atom.
    Xid,
    /// MP4 `mdta` keyed metadata (ffmpeg's `use_metadata_tags`).
    Mdta,
    /// A DDP image's own fields: `DDPID`, `DDPMS` map packets, PQ descriptors.
    Ddp,
    /// CD-TEXT packs (pack type 0x8E: the disc's UPC/EAN and tracks' ISRCs).
    CdText,
    /// CUE sheet commands (`CATALOG`, a track's `ISRC`, CD-TEXT `UPC_EAN`).
    Cue,
    /// cdrdao TOC file statements (`CATALOG`, a track's `ISRC`, and the
    /// `ISRC` / `UPC_EAN` items of its `CD_TEXT` blocks).
    Toc,
}

impl TagFormat {
    /// The kebab-case name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            TagFormat::Id3v2 => "id3v2",
            TagFormat::Id3v1 => "id3v1",
            TagFormat::Ape => "ape",
            TagFormat::RiffInfo => "riff-info",
            TagFormat::Bext => "bext",
            TagFormat::Ixml => "ixml",
            TagFormat::Axml => "axml",
            TagFormat::Vorbis => "vorbis",
            TagFormat::Cuesheet => "cuesheet",
            TagFormat::Ilst => "ilst",
            TagFormat::Xid => "xid",
            TagFormat::Mdta => "mdta",
            TagFormat::Ddp => "ddp",
            TagFormat::CdText => "cd-text",
            TagFormat::Cue => "cue",
            TagFormat::Toc => "toc",
        }
    }
}

/// Where exactly a code sits in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Location {
    /// The file's container.
    pub container: Container,
    /// The container-level region holding the tag: a RIFF/AIFF chunk id
    /// (`"id3 "`, `"LIST/INFO"`, `"iXML"`), a FLAC block (`"VORBIS_COMMENT"`),
    /// an MP4 atom path (`"moov/udta/meta/ilst"`), `"head"`/`"tail"` for MP3
    /// tags. `None` when the tag is the whole container level.
    pub chunk: Option<String>,
    /// The tag format inside that region.
    pub tag: TagFormat,
    /// The field within the tag: an ID3 frame (`"TSRC"`, `"TXXX:BARCODE"`),
    /// a Vorbis or INFO key as stored (case kept), an MP4 item
    /// (`"----:com.apple.iTunes:ISRC"`), an XML path (`"ASWG/isrcId"`).
    pub field: String,
    /// Tag version where the format has one (`"2.3"` for ID3v2.3).
    pub version: Option<Cow<'static, str>>,
    /// Text encoding where the field declares one (`"ISO-8859-1"`,
    /// `"UTF-16"`, `"UTF-16BE"`, `"UTF-8"`).
    pub encoding: Option<Cow<'static, str>>,
    /// Byte offset in the file of the frame / field / atom / chunk holding the code.
    pub offset: u64,
    /// The track number, for per-track codes (FLAC CUESHEET, CUE sheet,
    /// cdrdao TOC, DDP).
    pub track: Option<u32>,
    /// Whether this is a standard place for this kind of code in this
    /// container (the README's table, `keys.rs`). Non-standard places are still codes,
    /// reported with a note.
    pub standard: bool,
}

impl Location {
    /// One-line human form, e.g. `chunk "id3 " @12 › ID3v2.3 TSRC (UTF-16)`.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        let tag_word = match self.tag {
            TagFormat::Id3v2 => "ID3v",
            TagFormat::Id3v1 => "ID3v1",
            TagFormat::Ape => "APEv",
            TagFormat::RiffInfo => "INFO",
            TagFormat::Bext => "bext",
            TagFormat::Ixml => "iXML",
            TagFormat::Axml => "aXML",
            TagFormat::Vorbis => "Vorbis",
            TagFormat::Cuesheet => "CUESHEET",
            TagFormat::Ilst => "ilst",
            TagFormat::Xid => "xid",
            TagFormat::Mdta => "mdta",
            TagFormat::Ddp => "DDP",
            TagFormat::CdText => "CD-TEXT",
            TagFormat::Cue => "CUE",
            TagFormat::Toc => "TOC",
        };
        if let Some(chunk) = self
            .chunk
            .as_ref()
            .filter(|c| !c.eq_ignore_ascii_case(tag_word))
        {
            if matches!(self.container, Container::Wav | Container::Aiff) {
                s.push_str(&format!("chunk \"{chunk}\" › "));
            } else {
                s.push_str(chunk);
                s.push_str(" › ");
            }
        }
        if !self.field.starts_with(tag_word) {
            s.push_str(tag_word);
            if let (TagFormat::Id3v2 | TagFormat::Ape, Some(v)) = (self.tag, &self.version) {
                s.push_str(v);
            }
            s.push(' ');
        }
        s.push_str(&self.field);
        if let Some(t) = self.track {
            s.push_str(&format!(" (track {t:02})"));
        }
        if let Some(enc) = &self.encoding {
            s.push_str(" (");
            s.push_str(enc);
            s.push(')');
        }
        s.push_str(&format!(" @{}", self.offset));
        s
    }
}

/// One code found in a file: what was stored, what it means, where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CodeSite {
    /// ISRC or barcode.
    pub kind: CodeKind,
    /// The normalised code when the text could be brought to the code's
    /// shape: an ISRC's 12 canonical characters (`"USRC17607839"`), a
    /// barcode's 13 GTIN-13 digits (a UPC-A gains a leading 0, so the two
    /// forms of one barcode compare equal); `None` when it could not. A normalised value can still
    /// be invalid (unknown country prefix, bad check digit): see `valid`.
    pub value: Option<String>,
    /// The text exactly as stored (decoded from the tag's encoding).
    pub raw: String,
    /// Whether the code is valid.
    pub valid: bool,
    /// Why it is not valid, in plain words; `None` when valid.
    pub problem: Option<String>,
    /// Whether the text is stored exactly in the canonical form (an ISRC's
    /// 12 uppercase characters alone; a barcode's digits alone).
    pub canonical: bool,
    /// Remarks that do not make the code invalid: non-canonical form
    /// (hyphens, spaces, lowercase, `ISRC` prefix), a non-standard or
    /// ambiguous location, a UPC-A compared as GTIN-13.
    pub notes: Vec<String>,
    /// Where the code is.
    pub location: Location,
}

/// What became of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FileStatus {
    /// Audio, read completely.
    Ok,
    /// Audio, but damaged: read up to the damage (see `error`).
    Damaged,
    /// Not audio this tool reads.
    NotAudio,
    /// Zero bytes.
    Empty,
    /// A Git LFS pointer file: the audio was not fetched.
    LfsPointer,
    /// Could not be opened or read at all (permissions, I/O).
    Unreadable,
}

impl FileStatus {
    /// The kebab-case name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            FileStatus::Ok => "ok",
            FileStatus::Damaged => "damaged",
            FileStatus::NotAudio => "not-audio",
            FileStatus::Empty => "empty",
            FileStatus::LfsPointer => "lfs-pointer",
            FileStatus::Unreadable => "unreadable",
        }
    }
}

impl CodeKind {
    /// The lowercase name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            CodeKind::Isrc => "isrc",
            CodeKind::Barcode => "barcode",
        }
    }
}

/// Everything read from one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FileReport {
    /// The path as given or walked (serialised as text; bytes that are not
    /// UTF-8 are replaced by U+FFFD).
    #[serde(serialize_with = "path_text")]
    pub path: PathBuf,
    /// What became of the file.
    pub status: FileStatus,
    /// The container decided from the bytes; `None` when the file is not
    /// audio this tool reads, is empty or could not be opened.
    pub container: Option<Container>,
    /// The precise format (`"RIFF WAVE"`, `"RF64"`, `"BW64"`, `"AIFF-C"`,
    /// `"FLAC"`, `"MPEG-1 Layer III"`, `"MP4 (M4A )"`), when known.
    pub format: Option<String>,
    /// Every code site found, in file order.
    pub codes: Vec<CodeSite>,
    /// The recording's title from the first tag that has one, for telling
    /// recordings apart (audit); `None` when no tag names it.
    pub title: Option<String>,
    /// Why the file could not be read, or where it is damaged; codes read
    /// before the damage are still in `codes`.
    pub error: Option<String>,
    /// Remarks about the file as a whole (extension does not match the
    /// content, an ID3v1 tail, an unknown tag version).
    pub notes: Vec<String>,
    /// Audio properties read from headers (never from the audio itself).
    pub audio: Option<AudioInfo>,
    /// A disc image's tracks as its reader read them (a DDP image's, from
    /// its PQ descriptors): the audit's per-track rules take them from
    /// here, so an image in a store is audited as one on disk. Not in the
    /// JSON outputs; `audit --records-out` writes them beside the report.
    #[serde(skip)]
    pub(crate) disc_tracks: Vec<DiscTrack>,
}

/// One track of a disc image, as its reader read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DiscTrack {
    /// Its number on the disc (1-99).
    pub number: u32,
    /// Where it is said, for messages: `PQDESCR entry 5 @256: track 03
    /// index 01 at 00:05:45`.
    pub at: String,
}

impl FileReport {
    /// Distinct normalised values of the valid codes of one kind that speak
    /// for the whole file, sorted. Per-track codes (a FLAC CUESHEET's track
    /// ISRCs) are left out: a disc image rightly holds one per track.
    pub fn distinct(&self, kind: CodeKind) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .codes
            .iter()
            .filter(|c| c.kind == kind && c.valid && c.location.track.is_none())
            .filter_map(|c| c.value.as_deref())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// Audio properties read from headers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AudioInfo {
    /// Duration in milliseconds, when the headers give it.
    pub duration_ms: Option<u64>,
    /// Sample rate in Hz.
    pub sample_rate: Option<u32>,
    /// Channel count.
    pub channels: Option<u16>,
    /// Byte offset of the audio payload (WAV `data`, FLAC first frame,
    /// MP3 first frame, MP4 `mdat` content).
    pub payload_offset: Option<u64>,
    /// Length of the audio payload in bytes.
    pub payload_len: Option<u64>,
}

pub(crate) fn path_text<S: serde::Serializer>(
    p: &std::path::Path,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::platform::path_text(p))
}
