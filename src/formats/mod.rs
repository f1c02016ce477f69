//! Container readers. Each container is a folder with the same shape
//! (`mod.rs` names the format, `read.rs` finds its code sites); shared
//! walkers and tag codecs sit beside them. See `docs/NEW_FORMAT.md`.

pub mod keys;
pub mod source;

pub(crate) mod ape;
pub(crate) mod id3v2;
pub(crate) mod riff;
pub(crate) mod xml;

pub(crate) mod aiff;
pub(crate) mod flac;
pub(crate) mod mp3;
pub(crate) mod mp4;
pub(crate) mod wav;

use crate::codes;
use crate::model::{AudioInfo, CodeKind, CodeSite, Container, FileStatus, Location, TagFormat};
use keys::Role;
use source::{Source, SourceError};

/// Why a container could not be read (fully).
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// A region could not be read.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The structure is damaged; the message says where and how.
    #[error("{0}")]
    Damaged(String),
}

impl FormatError {
    /// A damage message.
    pub fn damaged(msg: impl Into<String>) -> Self {
        FormatError::Damaged(msg.into())
    }
}

/// What a reader accumulates: code sites, notes, audio properties.
///
/// Readers push into it as they go, so whatever was read before damage
/// is kept when they return an error.
#[derive(Debug)]
pub struct Collector {
    /// The container being read.
    pub container: Container,
    /// The precise format, once known.
    pub format: Option<String>,
    /// Code sites in file order.
    pub sites: Vec<CodeSite>,
    /// File-level notes.
    pub notes: Vec<String>,
    /// Audio properties from headers.
    pub audio: AudioInfo,
    /// The first title found in a tag.
    pub title: Option<String>,
    /// Damage found in one region that did not stop the rest of the file
    /// from being read (a broken ID3 chunk among good chunks).
    pub errors: Vec<String>,
}

impl Collector {
    /// An empty collector for a container.
    pub fn new(container: Container) -> Self {
        Collector {
            container,
            format: None,
            sites: Vec::new(),
            notes: Vec::new(),
            audio: AudioInfo::default(),
            title: None,
            errors: Vec::new(),
        }
    }

    /// Whether a field of this name in this tag format is a code field
    /// (the key table's question, asked before a location is built for it:
    /// most fields of a tag are not).
    pub fn wants(&self, tag: TagFormat, field: &str) -> bool {
        keys::lookup(tag, field).is_some()
    }

    /// A location in this container with no version or encoding.
    pub fn loc(&self, chunk: Option<&str>, tag: TagFormat, field: &str, offset: u64) -> Location {
        Location {
            container: self.container,
            chunk: chunk.map(str::to_string),
            tag,
            field: field.to_string(),
            version: None,
            encoding: None,
            offset,
            track: None,
            standard: true,
        }
    }

    /// Offer a text field to the collector: if `location.field` names a
    /// code field in the key table, the text is assessed and recorded as a
    /// code site; otherwise it is ignored. Returns whether it was a code.
    pub fn field(&mut self, raw: &str, mut location: Location) -> bool {
        let Some(spec) = keys::lookup(location.tag, &location.field) else {
            return false;
        };
        let a = codes::assess(spec.kind, raw);
        let mut notes = a.notes;
        match spec.role {
            Role::Standard => {}
            Role::Alias => {
                location.standard = false;
                notes.push(match keys::standard_key(location.tag, spec.kind) {
                    Some(std) => format!(
                        "not the standard place: {} is where tools look for {}",
                        std,
                        kind_words(spec.kind)
                    ),
                    None => {
                        let tag = keys::default_tag(location.container);
                        match keys::standard_key(tag, spec.kind) {
                            Some(std) => format!(
                                "not the standard place: in {} files tools look for {} in {} {}",
                                location.container.name().to_uppercase(),
                                kind_words(spec.kind),
                                tag.name(),
                                std
                            ),
                            None => format!(
                                "not the standard place for {} in {}",
                                kind_words(spec.kind),
                                location.container
                            ),
                        }
                    }
                });
            }
            Role::Ambiguous => {
                if a.value.is_none() || !a.valid {
                    return false;
                }
                location.standard = false;
                notes.push(format!(
                    "ambiguous location: RIFF INFO {} means \"Source\" in the RIFF spec, but ffmpeg and others store {} here",
                    location.field,
                    kind_words(spec.kind)
                ));
            }
            Role::IfValid => {
                if !a.valid {
                    return false;
                }
                location.standard = false;
                notes.push(format!(
                    "{} usually holds a label catalogue number; this one is a valid barcode",
                    location.field
                ));
            }
        }
        if !self.is_standard_tag(location.tag) {
            location.standard = false;
        }
        self.sites.push(CodeSite {
            kind: spec.kind,
            value: a.value,
            raw: raw.to_string(),
            valid: a.valid,
            problem: a.problem,
            canonical: a.canonical,
            notes,
            location,
        });
        true
    }

    /// Record a code found in a place the key table cannot name (free text
    /// in an XML document that parses as an ISRC, say): only text that is a
    /// valid code is recorded, with the given note.
    pub fn found_in_text(
        &mut self,
        kind: CodeKind,
        raw: &str,
        mut location: Location,
        note: String,
    ) {
        let a = codes::assess(kind, raw);
        if !a.valid {
            return;
        }
        location.standard = false;
        let mut notes = a.notes;
        notes.push(note);
        self.sites.push(CodeSite {
            kind,
            value: a.value,
            raw: raw.to_string(),
            valid: a.valid,
            problem: a.problem,
            canonical: a.canonical,
            notes,
            location,
        });
    }

    /// Whether a tag format is a standard home for codes in this container.
    fn is_standard_tag(&self, tag: TagFormat) -> bool {
        use Container as C;
        use TagFormat as T;
        matches!(
            (self.container, tag),
            (C::Wav, T::Id3v2 | T::Ixml | T::Axml | T::RiffInfo)
                | (C::Aiff, T::Id3v2)
                | (C::Flac, T::Vorbis | T::Cuesheet)
                | (C::Mp3, T::Id3v2)
                | (C::Mp4, T::Ilst | T::Xid | T::Mdta)
        )
    }

    /// Offer a title; the first non-empty one wins.
    pub fn title(&mut self, title: &str) {
        let t = title.trim_matches(|ch: char| ch == '\0' || ch.is_whitespace());
        if self.title.is_none() && !t.is_empty() {
            self.title = Some(t.to_string());
        }
    }

    /// Record damage in one region and carry on with the rest of the file.
    pub fn damage(&mut self, err: FormatError) {
        self.errors.push(err.to_string());
    }

    /// Add a file-level note.
    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }
}

fn kind_words(kind: CodeKind) -> &'static str {
    match kind {
        CodeKind::Isrc => "the ISRC",
        CodeKind::Barcode => "the barcode",
    }
}

/// Why a file is not read as audio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NotAudio {
    /// Empty, LFS pointer or other.
    pub status: FileStatus,
    /// A sentence saying what the file is.
    pub message: String,
}

/// Decide the container from the first bytes of a file.
pub(crate) fn detect(src: &mut Source) -> Result<Container, NotAudio> {
    let not_audio = |status, message: String| NotAudio { status, message };
    if src.is_empty() {
        return Err(not_audio(
            FileStatus::Empty,
            "empty file (0 bytes): not audio".into(),
        ));
    }
    let head = src
        .read_upto("file header", 0, 64)
        .map_err(|e| not_audio(FileStatus::Unreadable, e.to_string()))?;
    let at = |i: usize, s: &[u8]| head.get(i..i + s.len()) == Some(s);
    if (at(0, b"RIFF") || at(0, b"RF64") || at(0, b"BW64")) && at(8, b"WAVE") {
        return Ok(Container::Wav);
    }
    if at(0, b"FORM") && (at(8, b"AIFF") || at(8, b"AIFC")) {
        return Ok(Container::Aiff);
    }
    if at(0, b"fLaC") {
        return Ok(Container::Flac);
    }
    if at(4, b"ftyp") {
        return Ok(Container::Mp4);
    }
    if at(0, b"ID3") {
        // A FLAC stream with an ID3v2 tag in front is still FLAC.
        if let Some(size) = id3v2::total_size(&head) {
            let mut magic = [0u8; 4];
            if src.fill("stream after ID3v2 tag", size, &mut magic).is_ok() && &magic == b"fLaC" {
                return Ok(Container::Flac);
            }
        }
        return Ok(Container::Mp3);
    }
    if mp3::is_frame_header(&head) {
        return Ok(Container::Mp3);
    }
    if at(0, b"version https://git-lfs.github.com/spec/") {
        return Err(not_audio(
            FileStatus::LfsPointer,
            "Git LFS pointer file: the audio was not fetched (run `git lfs pull`)".into(),
        ));
    }
    let shown: String = head
        .iter()
        .take(4)
        .map(|&b| if b.is_ascii_graphic() { b as char } else { '.' })
        .collect();
    Err(not_audio(
        FileStatus::NotAudio,
        format!(
            "not an audio file isrckit reads (starts with \"{shown}\"; expected WAV, AIFF, FLAC, MP3 or MP4)"
        ),
    ))
}

/// Which container a file name's extension promises, if any.
pub(crate) fn container_for_extension(ext: &str) -> Option<Container> {
    const NAMES: [(&str, Container); 18] = [
        ("wav", Container::Wav),
        ("wave", Container::Wav),
        ("bwf", Container::Wav),
        ("rf64", Container::Wav),
        ("bw64", Container::Wav),
        ("aif", Container::Aiff),
        ("aiff", Container::Aiff),
        ("aifc", Container::Aiff),
        ("flac", Container::Flac),
        ("mp3", Container::Mp3),
        ("mp2", Container::Mp3),
        ("mpga", Container::Mp3),
        ("m4a", Container::Mp4),
        ("mp4", Container::Mp4),
        ("m4b", Container::Mp4),
        ("m4p", Container::Mp4),
        ("m4v", Container::Mp4),
        ("mov", Container::Mp4),
    ];
    NAMES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(ext))
        .map(|&(_, c)| c)
}

/// Run the reader for `container` over `src`.
pub(crate) fn read(
    container: Container,
    src: &mut Source,
    c: &mut Collector,
) -> Result<(), FormatError> {
    match container {
        Container::Wav => wav::read(src, c),
        Container::Aiff => aiff::read(src, c),
        Container::Flac => flac::read(src, c),
        Container::Mp3 => mp3::read(src, c),
        Container::Mp4 => mp4::read(src, c),
    }
}

/// Run one container's reader over bytes in memory, bypassing detection:
/// the entry point of the fuzz targets. Returns the collector and the
/// reader's final error, if any.
pub fn read_bytes_as(container: Container, bytes: &[u8]) -> (Collector, Option<FormatError>) {
    let mut slice = bytes;
    let mut src = Source::new(&mut slice, bytes.len() as u64);
    let mut c = Collector::new(container);
    let err = read(container, &mut src, &mut c).err();
    (c, err)
}

/// Plan the write of `codes` into a file of `container`: `None` when it
/// already holds them.
pub(crate) fn plan_write(
    container: Container,
    src: &mut Source,
    codes: &crate::write::codes::Codes,
    targets: &crate::write::Targets,
) -> Result<Option<crate::write::Plan>, crate::write::PlanError> {
    match container {
        Container::Wav => wav::write::plan(src, codes, targets),
        Container::Aiff => aiff::write::plan(src, codes),
        Container::Mp3 => mp3::write::plan(src, codes),
        Container::Flac => flac::write::plan(src, codes),
        Container::Mp4 => mp4::write::plan(src, codes),
    }
}

/// Plan a write of fixed codes into bytes in memory, bypassing detection:
/// the entry point of the writer fuzz target (planning parses the file
/// again, as the writer sees it). `Ok(true)` when a plan was made,
/// `Ok(false)` when none was (the bytes hold the codes, or cannot be
/// written), `Err` naming the first copied range that lies outside the
/// input: a plan the writer must never make.
pub fn plan_write_bytes_as(container: Container, bytes: &[u8]) -> Result<bool, String> {
    let codes = crate::write::codes::Codes {
        isrc: crate::codes::Isrc::parse("USRC17607839").ok(),
        barcode: crate::codes::Gtin::parse("075678164125").ok(),
    };
    let mut slice = bytes;
    let mut src = Source::new(&mut slice, bytes.len() as u64);
    let targets = crate::write::Targets::parse(&["wav:all".to_string()]).unwrap_or_default();
    let Ok(Some(plan)) = plan_write(container, &mut src, &codes, &targets) else {
        return Ok(false);
    };
    // Every copied range must lie inside the file.
    for p in &plan.pieces {
        if let crate::write::safe::Piece::Copy { offset, len } = p
            && offset
                .checked_add(*len)
                .is_none_or(|e| e > bytes.len() as u64)
        {
            return Err(format!(
                "the plan copies {len} bytes from {offset}, outside the {} input bytes",
                bytes.len()
            ));
        }
    }
    Ok(true)
}

/// The parts of a file a code write must leave as they were: its chunks,
/// blocks or top-level atoms other than the ones that hold tags, by id and
/// size, in order. The writer compares this list before and after.
pub(crate) fn structure(
    container: Container,
    src: &mut Source,
) -> Result<Vec<(String, u64)>, FormatError> {
    let named = |id: &[u8]| String::from_utf8_lossy(id).into_owned();
    match container {
        Container::Wav | Container::Aiff => {
            let h: [u8; 12] = src.header("file header", 0)?;
            let big = container == Container::Aiff;
            let (start, data_size) = if &h[0..4] == b"RIFF" || big {
                (12, None)
            } else {
                // RF64/BW64: the chunks start after ds64, which holds the
                // data chunk's 64-bit size.
                let d: [u8; 8] = src.header("ds64 chunk header", 12)?;
                let n = u64::from(u32::from_le_bytes([d[4], d[5], d[6], d[7]]));
                let sizes: [u8; 16] = src.header("ds64 sizes", 20)?;
                let data = riff::u64_at(&sizes, 8, riff::Endian::Little);
                (20 + n + (n & 1), data)
            };
            let endian = if big {
                riff::Endian::Big
            } else {
                riff::Endian::Little
            };
            let chunks = riff::list(src, start, src.len(), endian, &mut |id| {
                if id == b"data" { data_size } else { None }
            })?;
            let mut out = Vec::new();
            for ch in chunks {
                let tag = matches!(&ch.id, b"id3 " | b"ID3 ")
                    || ch.id.eq_ignore_ascii_case(b"iXML")
                    || ch.id.eq_ignore_ascii_case(b"axml");
                let info = &ch.id == b"LIST" && {
                    let mut kind = [0u8; 4];
                    ch.size >= 4
                        && src.fill("LIST type", ch.body(), &mut kind).is_ok()
                        && &kind == b"INFO"
                };
                if !tag && !info {
                    out.push((named(&ch.id), ch.size));
                }
            }
            Ok(out)
        }
        Container::Flac => {
            let head = src.read_upto("file header", 0, 10)?;
            let mut pos = if head.starts_with(b"ID3") {
                id3v2::total_size(&head).unwrap_or(0)
            } else {
                0
            } + 4;
            let mut out = Vec::new();
            for _ in 0..4096 {
                let h: [u8; 4] = src.header("FLAC block header", pos)?;
                let (ty, len) = (
                    h[0] & 0x7f,
                    u64::from(u32::from_be_bytes([0, h[1], h[2], h[3]])),
                );
                if ty != 1 && ty != 4 {
                    out.push((format!("block {ty}"), len));
                }
                pos += 4 + len;
                if h[0] & 0x80 != 0 {
                    break;
                }
            }
            Ok(out)
        }
        Container::Mp4 => {
            let mut pos = 0u64;
            let mut out = Vec::new();
            while pos + 8 <= src.len() {
                let h: [u8; 8] = src.header("atom header", pos)?;
                let mut size = u64::from(u32::from_be_bytes([h[0], h[1], h[2], h[3]]));
                if size == 1 {
                    let big: [u8; 8] = src.header("atom size", pos + 8)?;
                    size = u64::from_be_bytes(big);
                } else if size == 0 {
                    size = src.len() - pos;
                }
                if size < 8 {
                    break;
                }
                let id = [h[4], h[5], h[6], h[7]];
                // moov holds the tags (its size changes); free/skip absorb changes.
                if !matches!(&id, b"moov" | b"free" | b"skip" | b"wide") {
                    out.push((named(&id), size));
                }
                pos = pos.saturating_add(size);
            }
            Ok(out)
        }
        // MP3: the frames are the payload (compared byte for byte); the
        // tags around them are what a write changes.
        Container::Mp3 => Ok(Vec::new()),
    }
}
