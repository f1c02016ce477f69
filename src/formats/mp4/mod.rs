//! MP4 / M4A (ISO base media, QuickTime): codes live in `moov/udta/meta/
//! ilst` (freeform `----` items), `mdta` keys and the `xid ` atom; `mdat`
//! is the audio, never read.
mod atoms;
mod read;
pub(crate) mod write;

#[cfg(test)]
mod tests;

use super::{Collector, Format, FormatError, Part, bytes_at};
use crate::model::{Container, TagFormat};
use crate::plan::{Codes, Plan, PlanError, Targets};
use crate::source::Source;

/// The Mp4 container.
pub(crate) struct Mp4;

impl Format for Mp4 {
    fn container(&self) -> Container {
        Container::Mp4
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["m4a", "mp4", "m4b", "m4p", "m4v", "mov"]
    }

    fn detect(&self, head: &[u8], _src: &mut Source) -> bool {
        bytes_at(head, 4, b"ftyp")
    }

    fn default_tag(&self) -> TagFormat {
        TagFormat::Ilst
    }

    fn standard_tags(&self) -> &'static [TagFormat] {
        &[TagFormat::Ilst, TagFormat::Xid, TagFormat::Mdta]
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
        let named = |id: &[u8]| String::from_utf8_lossy(id).into_owned();
        let mut pos = 0u64;
        let mut out = Vec::new();
        while pos + 8 <= src.len() {
            let h: [u8; 8] = src.header("atom header", pos)?;
            let mut size = u64::from(u32::from_be_bytes([h[0], h[1], h[2], h[3]]));
            let mut header = 8;
            if size == 1 {
                let big: [u8; 8] = src.header("atom size", pos + 8)?;
                size = u64::from_be_bytes(big);
                header = 16;
            } else if size == 0 {
                size = src.len() - pos;
            }
            if size < 8 {
                break;
            }
            let id = [h[4], h[5], h[6], h[7]];
            // moov holds the tags (its size changes); free/skip absorb changes.
            if !matches!(&id, b"moov" | b"free" | b"skip" | b"wide") {
                out.push(Part {
                    name: named(&id),
                    size,
                    content: pos + header.min(size)..pos.saturating_add(size).min(src.len()),
                });
            }
            pos = pos.saturating_add(size);
        }
        Ok(out)
    }
}
