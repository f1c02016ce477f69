//! CD masters as text: CUE sheets and cdrdao TOC files. Neither holds
//! audio; both hold what a CD burner writes into the disc's subcode, the
//! media catalog number (`CATALOG`, the disc's UPC/EAN) and each track's
//! ISRC, and may hold CD-TEXT copies of both (`UPC_EAN`, a TOC's CD-TEXT
//! `ISRC`).
//!
//! `sniff.rs` tells a sheet from any other text by its first keyword and
//! its `TRACK` lines (never by the file name), `text.rs` splits lines and
//! values, `read.rs` reads a CUE sheet line by line and `toc.rs` a TOC file
//! token by token. A file over [`MAX_SHEET`] is not taken for a sheet.
//! Editing them is not supported yet: [`Format::plan`] refuses (`isrckit
//! cue` writes new sheets: `src/cd/write.rs`).
mod read;
mod sniff;
mod text;
mod toc;

use super::{Collector, Format, FormatError, Part};
use crate::model::{Container, TagFormat};
use crate::plan::{Codes, Plan, PlanError, Targets};
use crate::source::Source;

/// The CUE sheet / cdrdao TOC container.
pub(crate) struct Cue;

/// The largest file taken for a cue sheet or TOC file. Real ones are a few
/// kilobytes (99 tracks with CD-TEXT stay under 30 KB); a larger "sheet"
/// is some other text, and is never read whole.
pub(crate) const MAX_SHEET: u64 = 1024 * 1024;

impl Format for Cue {
    fn container(&self) -> Container {
        Container::Cue
    }

    fn extensions(&self) -> &'static [&'static str] {
        // Not `toc`: LaTeX and other tools leave `.toc` files beside
        // masters, and a name that promises a container makes a file that
        // is not one "unreadable" in the audit. A cdrdao TOC is still
        // recognised by its content.
        &["cue"]
    }

    fn detect(&self, head: &[u8], src: &mut Source) -> bool {
        // The head rules out all but text that starts like a sheet, so
        // only those are read whole (at most MAX_SHEET bytes).
        sniff::may_be(head)
            && src.len() <= MAX_SHEET
            && src
                .read("cue sheet", 0, src.len())
                .is_ok_and(|text| sniff::classify(&text).is_some())
    }

    fn default_tag(&self) -> TagFormat {
        TagFormat::Cue
    }

    fn standard_tags(&self) -> &'static [TagFormat] {
        &[TagFormat::Cue, TagFormat::Toc]
    }

    fn read(&self, src: &mut Source, c: &mut Collector) -> Result<(), FormatError> {
        let len = src.len();
        if len > MAX_SHEET {
            return Err(FormatError::damaged(format!(
                "{len} bytes: larger than any cue sheet or TOC file (at most {MAX_SHEET} bytes are read)"
            )));
        }
        let text = src.read("cue sheet", 0, len)?;
        match sniff::classify(&text) {
            Some(sniff::Sheet::Toc) => {
                c.format = Some("cdrdao TOC".into());
                toc::read(&text, c)
            }
            Some(sniff::Sheet::Cue) => {
                c.format = Some("CUE sheet".into());
                read::read(&text, c)
            }
            None => {
                // Only reached without detection (a fuzz target, a caller
                // that names the container): read it as a CUE sheet.
                c.format = Some("CUE sheet".into());
                c.note("the text does not start like a CUE sheet or TOC file; read as a CUE sheet");
                read::read(&text, c)
            }
        }
    }

    fn writes(&self) -> bool {
        false
    }

    fn holds_recording(&self) -> bool {
        false
    }

    fn plan(
        &self,
        _src: &mut Source,
        _codes: &Codes,
        _targets: &Targets,
    ) -> Result<Option<Plan>, PlanError> {
        Err(PlanError::Unsupported(
            "CUE sheets and TOC files are not written yet: isrckit reads their CATALOG and per-track ISRC lines; \
             edit the sheet by hand, or write the codes into the audio files it names"
                .into(),
        ))
    }

    fn structure(&self, _src: &mut Source) -> Result<Vec<Part>, FormatError> {
        // Nothing is written, so nothing must be kept.
        Ok(Vec::new())
    }
}

#[cfg(test)]
mod tests;
