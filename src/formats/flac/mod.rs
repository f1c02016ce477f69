//! FLAC container: a metadata-block walker that finds the codes in the
//! VORBIS_COMMENT block (`ISRC`, `BARCODE` and aliases) and the CUESHEET
//! block (media catalog number, per-track ISRC), without reading audio.
pub(crate) mod blocks;
mod read;
pub(crate) mod write;

use super::id3v2;
use super::{Collector, Format, FormatError, bytes_at};
use crate::model::{Container, TagFormat};
use crate::plan::{Codes, Plan, PlanError, Targets};
use crate::source::Source;

/// The Flac container.
pub(crate) struct Flac;

impl Format for Flac {
    fn container(&self) -> Container {
        Container::Flac
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["flac"]
    }

    fn detect(&self, head: &[u8], src: &mut Source) -> bool {
        if bytes_at(head, 0, b"fLaC") {
            return true;
        }
        // A FLAC stream with an ID3v2 tag in front is still FLAC.
        let mut magic = [0u8; 4];
        bytes_at(head, 0, b"ID3")
            && id3v2::total_size(head).is_some_and(|size| {
                src.fill("stream after ID3v2 tag", size, &mut magic).is_ok() && &magic == b"fLaC"
            })
    }

    fn default_tag(&self) -> TagFormat {
        TagFormat::Vorbis
    }

    fn standard_tags(&self) -> &'static [TagFormat] {
        &[TagFormat::Vorbis, TagFormat::Cuesheet]
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

    fn structure(&self, src: &mut Source) -> Result<Vec<(String, u64)>, FormatError> {
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
}

#[cfg(test)]
mod tests;
