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
        let listing = atoms::top_level(src, &mut atoms::Budget::default())?;
        Ok(listing
            .atoms
            .iter()
            // moov holds the tags (its size changes); free/skip/wide absorb
            // size changes.
            .filter(|a| !matches!(&a.kind, b"moov" | b"free" | b"skip" | b"wide"))
            .map(|a| Part {
                name: String::from_utf8_lossy(&a.kind).into_owned(),
                size: a.size,
                content: a.body()..a.offset.saturating_add(a.size),
            })
            .collect())
    }
}
