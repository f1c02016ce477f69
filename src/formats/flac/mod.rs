//! FLAC container: a metadata-block walker that finds the codes in the
//! VORBIS_COMMENT block (`ISRC`, `BARCODE` and aliases) and the CUESHEET
//! block (media catalog number, per-track ISRC), without reading audio.
pub(crate) mod blocks;
mod read;
pub(crate) mod write;

use super::id3v2;
use super::{Collector, Format, FormatError, Part, bytes_at};
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

    fn structure(&self, src: &mut Source) -> Result<Vec<Part>, FormatError> {
        let head = src.read_upto("file header", 0, 10)?;
        let start = blocks::Lead::of(&head).stream_start().ok_or_else(|| {
            FormatError::damaged("the ID3v2 tag before the FLAC stream is malformed")
        })?;
        let mut walk = blocks::Blocks::new(start + 4);
        let mut out = Vec::new();
        while let Some(block) = walk.next(src) {
            let block = block.map_err(|e| FormatError::damaged(format!("FLAC metadata: {e:?}")))?;
            // PADDING and VORBIS_COMMENT are what a write changes.
            if block.ty == blocks::PADDING || block.ty == blocks::VORBIS_COMMENT {
                continue;
            }
            // A CUESHEET's first 128 bytes are its media catalog number,
            // the disc's barcode, which a write may change.
            let skip = if block.ty == blocks::CUESHEET {
                block.len.min(128)
            } else {
                0
            };
            out.push(Part {
                name: format!("block {}", block.ty),
                size: block.len,
                content: block.body() + skip..block.end(),
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
