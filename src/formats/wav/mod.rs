//! WAV, BWF, RF64 and BW64 (RIFF chunks, little-endian): the ID3v2 chunk
//! (`id3 `/`ID3 `), LIST/INFO, iXML, aXML and bext hold codes; `data` is
//! the audio, never read.
pub(crate) mod bext;
mod read;
pub(crate) mod write;

use super::{Collector, Format, FormatError, Part, bytes_at};
use crate::model::{Container, TagFormat};
use crate::plan::{Codes, Plan, PlanError, Targets};
use crate::source::Source;

/// The Wav container.
pub(crate) struct Wav;

impl Format for Wav {
    fn container(&self) -> Container {
        Container::Wav
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["wav", "wave", "bwf", "rf64", "bw64"]
    }

    fn detect(&self, head: &[u8], _src: &mut Source) -> bool {
        (bytes_at(head, 0, b"RIFF") || bytes_at(head, 0, b"RF64") || bytes_at(head, 0, b"BW64"))
            && bytes_at(head, 8, b"WAVE")
    }

    fn default_tag(&self) -> TagFormat {
        TagFormat::Id3v2
    }

    fn standard_tags(&self) -> &'static [TagFormat] {
        &[
            TagFormat::Id3v2,
            TagFormat::Ixml,
            TagFormat::Axml,
            TagFormat::RiffInfo,
        ]
    }

    fn read(&self, src: &mut Source, c: &mut Collector) -> Result<(), FormatError> {
        read::read(src, c)
    }

    fn plan(
        &self,
        src: &mut Source,
        codes: &Codes,
        targets: &Targets,
    ) -> Result<Option<Plan>, PlanError> {
        write::plan(src, codes, targets)
    }

    fn structure(&self, src: &mut Source) -> Result<Vec<Part>, FormatError> {
        super::riff::structure(src, false)
    }
}
