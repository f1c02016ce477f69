//! AIFF and AIFC (IFF chunks, big-endian): codes live in the ID3v2
//! chunk; `SSND` is the audio, never read.
mod read;
pub(crate) mod write;

use super::{Collector, Format, FormatError, Part, bytes_at};
use crate::model::{Container, TagFormat};
use crate::plan::{Codes, Plan, PlanError, Targets};
use crate::source::Source;

/// The Aiff container.
pub(crate) struct Aiff;

impl Format for Aiff {
    fn container(&self) -> Container {
        Container::Aiff
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["aif", "aiff", "aifc"]
    }

    fn detect(&self, head: &[u8], _src: &mut Source) -> bool {
        bytes_at(head, 0, b"FORM") && (bytes_at(head, 8, b"AIFF") || bytes_at(head, 8, b"AIFC"))
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
        super::riff::structure(src, true)
    }
}
