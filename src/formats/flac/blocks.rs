//! The FLAC metadata-block walker (RFC 9639 section 8), shared by the
//! reader, the writer and the structure listing: where the stream starts
//! (after an optional ID3v2 tag), then each block header in turn (type,
//! last-block flag, 24-bit length), every length checked against the file
//! before it is used. Block bodies are never read here.
//!
//! The walker only says what it found; the reader and the writer word the
//! damage each in their own way (the reader keeps what it collected before
//! it, the writer refuses the file).

use crate::formats::id3v2;
use crate::source::Source;

/// The stream marker every native FLAC stream starts with.
pub(crate) const MARKER: &[u8; 4] = b"fLaC";

/// Block types (RFC 9639, table 3).
pub(crate) const STREAMINFO: u8 = 0;
pub(crate) const PADDING: u8 = 1;
pub(crate) const APPLICATION: u8 = 2;
pub(crate) const SEEKTABLE: u8 = 3;
pub(crate) const VORBIS_COMMENT: u8 = 4;
pub(crate) const CUESHEET: u8 = 5;
pub(crate) const PICTURE: u8 = 6;
/// Forbidden: it would be confused with a frame sync code.
pub(crate) const FORBIDDEN: u8 = 127;

/// A metadata block's length is a 24-bit field.
pub(crate) const MAX_BLOCK_LEN: u64 = (1 << 24) - 1;

/// More metadata blocks than any real stream has: past this the headers are
/// taken for damage rather than read one by one to the end of a long file.
pub(crate) const MAX_BLOCKS: u32 = 4096;

/// The name RFC 9639 gives a block type.
pub(crate) fn block_name(ty: u8) -> String {
    match ty {
        STREAMINFO => "STREAMINFO".into(),
        PADDING => "PADDING".into(),
        APPLICATION => "APPLICATION".into(),
        SEEKTABLE => "SEEKTABLE".into(),
        VORBIS_COMMENT => "VORBIS_COMMENT".into(),
        CUESHEET => "CUESHEET".into(),
        PICTURE => "PICTURE".into(),
        other => format!("type-{other}"),
    }
}

/// What comes before the `fLaC` marker, judged from the file's first ten
/// bytes. An ID3v2 tag there is not standard FLAC, but real files have one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lead {
    /// The file does not start with `ID3`: the marker should be at byte 0.
    Bare,
    /// An ID3v2 tag of this many bytes (header and footer included): the
    /// marker should follow it.
    Id3(u64),
    /// The file starts with `ID3` but the tag's size field is malformed (or
    /// the file is shorter than a tag header): where the stream starts
    /// cannot be told.
    BadId3,
}

impl Lead {
    /// Judge `head`, the file's first (up to) ten bytes.
    pub(crate) fn of(head: &[u8]) -> Lead {
        if !head.starts_with(b"ID3") {
            return Lead::Bare;
        }
        match id3v2::total_size(head) {
            Some(total) => Lead::Id3(total),
            None => Lead::BadId3,
        }
    }

    /// Where the `fLaC` marker should be; `None` for [`Lead::BadId3`].
    /// The first block header is 4 bytes later.
    pub(crate) fn stream_start(self) -> Option<u64> {
        match self {
            Lead::Bare => Some(0),
            Lead::Id3(total) => Some(total),
            Lead::BadId3 => None,
        }
    }
}

/// Whether the `fLaC` marker is at `at` (false when the file ends first).
pub(crate) fn marker_at(src: &mut Source, at: u64) -> bool {
    let mut marker = [0u8; 4];
    src.fill("FLAC stream marker", at, &mut marker).is_ok() && &marker == MARKER
}

/// One metadata block header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Block {
    /// The block type (0 to 127).
    pub ty: u8,
    /// File offset of its 4-byte header.
    pub at: u64,
    /// Body length, as declared.
    pub len: u64,
    /// Whether the header has the last-block flag.
    pub last: bool,
}

impl Block {
    /// File offset of the body. Cannot overflow: the 4-byte header at `at`
    /// was read, so `at + 4` is at most the file's length.
    pub(crate) fn body(&self) -> u64 {
        self.at.saturating_add(4)
    }

    /// The byte just past the body. For a block [`Blocks::next`] returned
    /// as sound this is at most the file's length.
    pub(crate) fn end(&self) -> u64 {
        self.body().saturating_add(self.len)
    }

    /// The type's name, for messages.
    pub(crate) fn name(&self) -> String {
        block_name(self.ty)
    }
}

/// Why the walk stopped before a block marked last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WalkError {
    /// [`MAX_BLOCKS`] blocks were read without a last-block flag; `at` is
    /// where the next header would be.
    TooMany { at: u64 },
    /// The file ends (or cannot be read) where the block header at `at`
    /// should be.
    NoHeader { at: u64 },
    /// The block's declared length runs past the end of the file; `avail`
    /// bytes of its body are there.
    PastEnd { block: Block, avail: u64 },
    /// The block's end does not fit a 64-bit offset (only possible with a
    /// declared file length within 16 MiB of `u64::MAX`).
    Overflow { block: Block },
}

/// A walk over the metadata blocks, one header per [`Blocks::next`]: the
/// reader handles each block before the next header is read, so what it
/// collects before damage stays, and the file is read in order.
///
/// The walk ends after the block marked last, or at the first
/// [`WalkError`]; at most [`MAX_BLOCKS`] headers are read.
#[derive(Debug)]
pub(crate) struct Blocks {
    /// Where the next header is.
    pos: u64,
    /// Headers read so far.
    count: u32,
    done: bool,
}

impl Blocks {
    /// A walk whose first header is at `first` (4 bytes after the marker).
    pub(crate) fn new(first: u64) -> Blocks {
        Blocks {
            pos: first,
            count: 0,
            done: false,
        }
    }

    /// The next block, or why there is none; `None` once the block marked
    /// last, or an error, has been returned.
    pub(crate) fn next(&mut self, src: &mut Source) -> Option<Result<Block, WalkError>> {
        if self.done {
            return None;
        }
        let step = self.step(src);
        self.done = step.as_ref().map_or(true, |block| block.last);
        Some(step)
    }

    /// Read the header at the cursor and move past its block.
    fn step(&mut self, src: &mut Source) -> Result<Block, WalkError> {
        let pos = self.pos;
        if self.count >= MAX_BLOCKS {
            return Err(WalkError::TooMany { at: pos });
        }
        self.count += 1;
        let header: [u8; 4] = src
            .header("FLAC metadata block header", pos)
            .map_err(|_| WalkError::NoHeader { at: pos })?;
        let block = Block {
            ty: header[0] & 0x7f,
            at: pos,
            len: u64::from(u32::from_be_bytes([0, header[1], header[2], header[3]])),
            last: header[0] & 0x80 != 0,
        };
        let Some(end) = block.body().checked_add(block.len) else {
            return Err(WalkError::Overflow { block });
        };
        let file_len = src.len();
        if end > file_len {
            let avail = file_len.saturating_sub(block.body());
            return Err(WalkError::PastEnd { block, avail });
        }
        self.pos = end;
        Ok(block)
    }
}

/// Walk every block header from `first` (4 bytes after the marker) to the
/// block marked last. Returns the blocks read, in file order, and either
/// the offset of the first audio frame (just past the last block) or the
/// damage that stopped the walk (the blocks before it are still returned;
/// a block that runs past the file's end is not among them).
pub(crate) fn walk(src: &mut Source, first: u64) -> (Vec<Block>, Result<u64, WalkError>) {
    let mut walk = Blocks::new(first);
    let mut blocks = Vec::new();
    loop {
        match walk.step(src) {
            Ok(block) => {
                blocks.push(block);
                if block.last {
                    return (blocks, Ok(block.end()));
                }
            }
            Err(e) => return (blocks, Err(e)),
        }
    }
}
