//! MPEG audio (MP3): ID3v2 tags at the head, APE and ID3v1 tags at the
//! tail; the first frame header (and a Xing/Info/VBRI header) for the
//! audio properties. Frames are never read beyond the first.
mod read;
pub(crate) mod write;

use super::{Collector, Format, FormatError, Part, bytes_at};
use crate::model::{Container, TagFormat};
use crate::plan::{Codes, Plan, PlanError, Targets};
use crate::source::Source;

/// A parsed MPEG audio frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FrameHeader {
    /// 1 = MPEG-1, 2 = MPEG-2, 25 = MPEG-2.5.
    pub version: u8,
    /// 1, 2 or 3.
    pub layer: u8,
    /// kbit/s.
    pub bitrate: u32,
    /// Hz.
    pub sample_rate: u32,
    /// Frame length in bytes.
    pub len: u32,
    /// Samples per frame.
    pub samples: u32,
    /// Single channel.
    pub mono: bool,
}

const BR_V1: [[u16; 14]; 3] = [
    [
        32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448,
    ],
    [
        32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384,
    ],
    [
        32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
    ],
];
const BR_V2: [[u16; 14]; 2] = [
    [
        32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256,
    ],
    [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
];

/// Parse a frame header; `None` when the bytes are not one (free-format
/// and reserved values are refused).
pub(crate) fn parse_header(b: &[u8]) -> Option<FrameHeader> {
    let b: [u8; 4] = b.get(..4)?.try_into().ok()?;
    if b[0] != 0xFF || b[1] & 0xE0 != 0xE0 {
        return None;
    }
    let version = match (b[1] >> 3) & 3 {
        0 => 25,
        2 => 2,
        3 => 1,
        _ => return None,
    };
    let layer = match (b[1] >> 1) & 3 {
        1 => 3,
        2 => 2,
        3 => 1,
        _ => return None,
    };
    let bi = usize::from(b[2] >> 4);
    if bi == 0 || bi == 15 {
        return None;
    }
    let bitrate = u32::from(if version == 1 {
        BR_V1[usize::from(layer - 1)][bi - 1]
    } else {
        BR_V2[usize::from(layer != 1)][bi - 1]
    });
    let sri = usize::from((b[2] >> 2) & 3);
    let base = [44100u32, 48000, 32000].get(sri)?;
    let sample_rate = match version {
        1 => *base,
        2 => base / 2,
        _ => base / 4,
    };
    let pad = u32::from((b[2] >> 1) & 1);
    let (len, samples) = match (layer, version) {
        (1, _) => ((12 * bitrate * 1000 / sample_rate + pad) * 4, 384),
        (2, _) | (3, 1) => (144 * bitrate * 1000 / sample_rate + pad, 1152),
        _ => (72 * bitrate * 1000 / sample_rate + pad, 576),
    };
    Some(FrameHeader {
        version,
        layer,
        bitrate,
        sample_rate,
        len,
        samples,
        mono: b[3] >> 6 == 3,
    })
}

/// Whether `head` starts with a plausible MPEG audio frame header.
pub(crate) fn is_frame_header(head: &[u8]) -> bool {
    parse_header(head).is_some()
}

/// The Mp3 container.
pub(crate) struct Mp3;

impl Format for Mp3 {
    fn container(&self) -> Container {
        Container::Mp3
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["mp3", "mp2", "mpga"]
    }

    fn detect(&self, head: &[u8], _src: &mut Source) -> bool {
        bytes_at(head, 0, b"ID3") || is_frame_header(head)
    }

    fn default_tag(&self) -> TagFormat {
        TagFormat::Id3v2
    }

    fn standard_tags(&self) -> &'static [TagFormat] {
        &[TagFormat::Id3v2]
    }

    fn read(&self, src: &mut Source, c: &mut Collector) -> Result<(), FormatError> {
        read::read(src, c)
    }

    fn plan(
        &self,
        src: &mut Source,
        codes: &Codes,
        _targets: &Targets,
    ) -> Result<Option<Plan>, PlanError> {
        write::plan(src, codes)
    }

    fn structure(&self, src: &mut Source) -> Result<Vec<Part>, FormatError> {
        // The frames are the payload (compared byte for byte); the tags
        // around them are what a write changes.
        let _ = src;
        Ok(Vec::new())
    }
}
