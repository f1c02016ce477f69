//! DDP images (Disc Description Protocol, 2.00 and 1.01): the folder a CD
//! master goes to the plant in. The image is read through its `DDPID`
//! file, which detection recognises by its level (`DDP 2.00`); the reader
//! then opens the map (`DDPMS`) and the streams it names (the PQ
//! descriptors, CD-TEXT) beside it, never the audio stream. The layout as
//! read, and where it was learnt, is in `docs/ddp.md`. A write patches
//! every site of a code in the image's small files and its checksum lists
//! (`write.rs`), never the audio stream.
mod layout;
mod read;
mod write;

pub(crate) use layout::PQ_ENTRY;
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) use layout::{MapPacket, Stream};
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) use read::pq_table_of;
pub(crate) use read::{MAP_BYTES, PqTable, is_member, member_names, members, pq_table};
pub(crate) use write::verify_checksums;

use super::{Collector, Format, FormatError, Part, ReadContext};
use crate::model::{Container, TagFormat};
use crate::plan::{Codes, Plan, PlanError, SetPlan, Targets};
use crate::source::Source;

/// The Ddp container.
pub(crate) struct Ddp;

impl Format for Ddp {
    fn container(&self) -> Container {
        Container::Ddp
    }

    fn extensions(&self) -> &'static [&'static str] {
        &[]
    }

    fn detect(&self, head: &[u8], _src: &mut Source) -> bool {
        read::level(head).is_some()
    }

    fn default_tag(&self) -> TagFormat {
        TagFormat::Ddp
    }

    fn standard_tags(&self) -> &'static [TagFormat] {
        &[TagFormat::Ddp, TagFormat::CdText]
    }

    fn read(&self, src: &mut Source, c: &mut Collector) -> Result<(), FormatError> {
        read::read(None, None, src, c)
    }

    fn read_in(
        &self,
        ctx: &ReadContext<'_>,
        src: &mut Source,
        c: &mut Collector,
    ) -> Result<(), FormatError> {
        read::read(ctx.path, ctx.siblings, src, c)
    }

    fn plan(
        &self,
        _src: &mut Source,
        _codes: &Codes,
        _targets: &Targets,
    ) -> Result<Option<Plan>, PlanError> {
        // An image is several files: written through `plan_set`.
        Err(PlanError::Unsupported(
            "a DDP image is written as a whole, through its folder".into(),
        ))
    }

    fn plan_set(
        &self,
        path: &std::path::Path,
        codes: &Codes,
    ) -> Option<Result<Option<SetPlan>, PlanError>> {
        Some(write::plan(path, codes))
    }

    fn structure(&self, _src: &mut Source) -> Result<Vec<Part>, FormatError> {
        Ok(Vec::new())
    }
}

#[cfg(test)]
mod tests;
