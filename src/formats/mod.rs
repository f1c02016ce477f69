//! Containers. Each is a folder with the same shape: `mod.rs` implements
//! [`Format`] (detect, read, plan a write, list the parts a write must
//! keep), `read.rs` finds the code sites, `write.rs` plans writes. Shared
//! walkers (`riff`) and tag codecs (`id3v2`, `ape`, `xml`) sit beside them.
//! A container is registered by one line in [`FORMATS`]; see
//! `docs/NEW_FORMAT.md`.

pub mod keys;

pub(crate) mod ape;
pub(crate) mod id3v2;
pub(crate) mod riff;
pub(crate) mod xml;

pub(crate) mod aiff;
pub(crate) mod cue;
pub(crate) mod ddp;
pub(crate) mod flac;
pub(crate) mod mp3;
pub(crate) mod mp4;
pub(crate) mod wav;

use crate::codes;
use crate::model::{AudioInfo, CodeKind, CodeSite, Container, FileStatus, Location, TagFormat};
use crate::plan::{Codes, Plan, PlanError, Targets};
use crate::source::{Source, SourceError};
use keys::Role;

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

impl From<FormatError> for crate::plan::PlanError {
    fn from(e: FormatError) -> Self {
        use crate::plan::PlanError;
        match e {
            FormatError::Source(s) => PlanError::Source(s),
            FormatError::Damaged(m) => PlanError::Damaged(m),
        }
    }
}

/// One container format: everything the rest of isrckit asks of it. Each
/// container's `mod.rs` implements it for a unit struct, registered in
/// [`FORMATS`]; nothing outside `formats/` matches on [`Container`].
pub(crate) trait Format: Sync {
    /// The container, as the model and the JSON output name it.
    fn container(&self) -> Container;

    /// File name extensions that promise this container (lower case):
    /// a file whose bytes say otherwise gets a note.
    fn extensions(&self) -> &'static [&'static str];

    /// Whether a file is this container, from its first bytes (`head`, up
    /// to 64) and, where the head is not enough, a look further in `src`.
    fn detect(&self, head: &[u8], src: &mut Source) -> bool;

    /// The tag format the container's codes are written into by default.
    fn default_tag(&self) -> TagFormat;

    /// The tag formats that are a standard home for codes here (a code in
    /// any other is reported as "not the standard place").
    fn standard_tags(&self) -> &'static [TagFormat];

    /// Find every code site (metadata regions only, never the audio),
    /// pushing into `c` as it goes so that damage keeps what came before.
    fn read(&self, src: &mut Source, c: &mut Collector) -> Result<(), FormatError>;

    /// [`Format::read`] with what is known about where the bytes came from:
    /// a container spread over several files (a DDP image) opens its
    /// siblings through `ctx.path`. Others need only the bytes.
    fn read_in(
        &self,
        ctx: &ReadContext<'_>,
        src: &mut Source,
        c: &mut Collector,
    ) -> Result<(), FormatError> {
        let _ = ctx;
        self.read(src, c)
    }

    /// Plan the write of `codes`: update every existing site, add the
    /// standard one where missing (and the `targets` asked for), copy
    /// everything else; `None` when the file already holds the codes.
    fn plan(
        &self,
        src: &mut Source,
        codes: &Codes,
        targets: &Targets,
    ) -> Result<Option<Plan>, PlanError>;

    /// A container spread over several files (a DDP image, read through
    /// one of them at `path`): plan the write of every file it changes.
    /// `None` for a container that is one file (its [`Format::plan`]
    /// plans the write); `Ok(None)` when the files hold the codes already.
    fn plan_set(
        &self,
        path: &std::path::Path,
        codes: &Codes,
    ) -> Option<Result<Option<crate::plan::SetPlan>, PlanError>> {
        let _ = (path, codes);
        None
    }

    /// Whether `set` and `embed` write this container (a container read
    /// before its writer exists says no; its `plan` refuses).
    fn writes(&self) -> bool {
        true
    }

    /// Whether a file of this container is a recording (audio): a CUE
    /// sheet names a disc's tracks instead, so its (disc) title does not
    /// tell recordings apart.
    fn holds_recording(&self) -> bool {
        true
    }

    /// The parts a code write must leave as they were (chunks, blocks or
    /// top-level atoms other than the tags), in order: the writer compares
    /// their names and sizes, then their content byte for byte.
    fn structure(&self, src: &mut Source) -> Result<Vec<Part>, FormatError>;
}

/// Where the bytes a reader gets came from.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ReadContext<'a> {
    /// The file on disk, when the bytes are a file's (not bytes in memory).
    pub path: Option<&'a std::path::Path>,
    /// The files beside it when they are not on disk (an object's
    /// neighbours under its prefix in a store, `crate::remote`).
    pub siblings: Option<&'a dyn Siblings>,
}

/// The files beside the one being read, where they are not files on
/// disk: a container spread over several files (a DDP image) opens them
/// by name.
pub(crate) trait Siblings: std::fmt::Debug {
    /// The names of the files beside (for a name given in another case).
    fn names(&self) -> Vec<String>;
    /// A reader over the file `name` beside, with its length; `None`
    /// when there is no such file.
    fn open(&self, name: &str) -> std::io::Result<Option<SiblingFile<'_>>>;
}

/// A file opened beside another: its reader and its length.
pub(crate) type SiblingFile<'a> = (Box<dyn crate::source::ReadAt + 'a>, u64);

/// One part of a file that a code write must keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    /// Its name (a chunk or atom id, `block N`), as verification reports it.
    pub name: String,
    /// Its size as declared.
    pub size: u64,
    /// The bytes that must not change: its content, less what a code write
    /// may change in it (a FLAC CUESHEET's media catalog number). The audio
    /// payload inside it is compared on its own.
    pub content: std::ops::Range<u64>,
}

/// Every container isrckit reads, in the order detection tries them
/// (FLAC before MP3: a FLAC stream may start with an ID3v2 tag; CUE sheets
/// and TOC files, which are text, after every audio container).
pub(crate) static FORMATS: &[&dyn Format] = &[
    &wav::Wav,
    &aiff::Aiff,
    &flac::Flac,
    &mp4::Mp4,
    &mp3::Mp3,
    &ddp::Ddp,
    &cue::Cue,
];

/// Whether a site's note says which common readers will not show it (a
/// container's reader phrases such notes "not shown by …" or "shown only
/// by …"): `set` and `embed` repeat these for the sites they write.
pub(crate) fn is_readers_note(note: &str) -> bool {
    note.starts_with("not shown by ") || note.starts_with("shown only by ")
}

/// How a reader's note about a track that lacks its ISRC starts (a CUE
/// sheet or TOC file, where each track carries its own): the audit judges
/// such a file track by track, an `isrc-missing` finding for each.
pub(crate) const MISSING_ISRC: &str = "missing ISRC: ";

/// Whether a container's files are written by `set` and `embed` (CUE
/// sheets and TOC files are read only, for now): walks that gather files
/// to write pass over the others, and a file named to be written is
/// refused by its container's [`Format::plan`].
pub(crate) fn written(container: Container) -> bool {
    format(container).writes()
}

/// Whether a container's files are recordings (see
/// [`Format::holds_recording`]): the audit tells recordings apart by the
/// titles of these only.
pub(crate) fn holds_recording(container: Container) -> bool {
    format(container).holds_recording()
}

/// Whether `head` holds `magic` at `at`.
pub(crate) fn bytes_at(head: &[u8], at: usize, magic: &[u8]) -> bool {
    head.get(at..at + magic.len()) == Some(magic)
}

/// The [`Format`] of a container.
pub(crate) fn format(container: Container) -> &'static dyn Format {
    FORMATS
        .iter()
        .copied()
        .find(|f| f.container() == container)
        .unwrap_or_else(|| unreachable!("every Container is registered in FORMATS"))
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
    /// A disc image's tracks (a DDP image's PQ descriptors), for the
    /// report.
    pub(crate) disc_tracks: Vec<crate::model::DiscTrack>,
    /// Whether [`MAX_SITES`] was reached.
    capped: bool,
}

/// Code sites kept for one file. Real masters carry a handful; past this
/// the file is reported as damaged and the rest are not kept.
pub const MAX_SITES: usize = 1000;

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
            disc_tracks: Vec::new(),
            capped: false,
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
        if !self.room() {
            return true;
        }
        let a = codes::assess(spec.kind, raw);
        let mut notes = a.notes;
        match spec.role {
            Role::Standard => {}
            Role::Alias | Role::Labelled => {
                location.standard = false;
                notes.push(match keys::standard_key(location.tag, spec.kind) {
                    Some(std) => format!(
                        "not the standard place: {} is where tools look for {}",
                        std,
                        kind_words(spec.kind)
                    ),
                    None => {
                        let tag = format(location.container).default_tag();
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
                if !spec.holds_code(raw) {
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
        if !a.valid || !self.room() {
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

    /// Whether another code site may be kept: at most [`MAX_SITES`] a file,
    /// so a file with a hundred thousand ISRC frames costs bounded memory
    /// and output. The first site over the cap is recorded as damage.
    fn room(&mut self) -> bool {
        if self.sites.len() < MAX_SITES {
            return true;
        }
        if !self.capped {
            self.capped = true;
            self.errors.push(format!(
                "more than {MAX_SITES} code sites: only the first {MAX_SITES} are kept (a tag this full is damaged or hostile)"
            ));
        }
        false
    }

    /// Whether a tag format is a standard home for codes in this container.
    fn is_standard_tag(&self, tag: TagFormat) -> bool {
        format(self.container).standard_tags().contains(&tag)
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
pub(crate) fn detect(src: &mut Source) -> Result<&'static dyn Format, NotAudio> {
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
    if let Some(f) = FORMATS.iter().find(|f| f.detect(&head, src)) {
        return Ok(*f);
    }
    if head.starts_with(b"version https://git-lfs.github.com/spec/") {
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
            "not an audio file isrckit reads (starts with \"{shown}\"; expected WAV, AIFF, FLAC, MP3, MP4, a CUE sheet or a cdrdao TOC file)"
        ),
    ))
}

/// Which container a file name's extension promises, if any.
pub(crate) fn container_for_extension(ext: &str) -> Option<Container> {
    FORMATS
        .iter()
        .find(|f| f.extensions().iter().any(|e| e.eq_ignore_ascii_case(ext)))
        .map(|f| f.container())
}
