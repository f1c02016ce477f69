//! `--format json`: the machine contract of `inspect`.
//!
//! The document is one object, `{"schema": "isrckit/inspect/1", "files": [...]}`;
//! each file is a [`FileReport`](crate::model::FileReport) plus `distinct`,
//! the distinct valid values of each kind. Keys are always present (`null`
//! when empty), order is the sorted path order. The schema is documented in
//! the README ("JSON output").

use crate::model::{CodeKind, FileReport};
use serde::Serialize;
use std::io::{self, Write};

/// The schema id written in every document; bumped only on a breaking change.
pub const SCHEMA: &str = "isrckit/inspect/1";

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    files: Vec<FileView<'a>>,
}

/// One file as the JSON outputs show it: the report's fields plus
/// `distinct`. `audit --format json` writes the same view. (Spelled out
/// rather than `#[serde(flatten)]`, which buffers every file into a map
/// first and doubled the cost of `audit --format json`.)
#[derive(Serialize)]
pub(crate) struct FileView<'a> {
    #[serde(serialize_with = "crate::model::path_text")]
    path: &'a std::path::Path,
    status: crate::model::FileStatus,
    container: Option<crate::model::Container>,
    format: &'a Option<String>,
    codes: &'a [crate::model::CodeSite],
    title: &'a Option<String>,
    error: &'a Option<String>,
    notes: &'a [String],
    audio: &'a Option<crate::model::AudioInfo>,
    distinct: Distinct<'a>,
}

#[derive(Serialize)]
struct Distinct<'a> {
    isrc: Vec<&'a str>,
    barcode: Vec<&'a str>,
}

impl<'a> FileView<'a> {
    /// The view of one report.
    pub(crate) fn new(report: &'a FileReport) -> Self {
        FileView {
            path: &report.path,
            status: report.status,
            container: report.container,
            format: &report.format,
            codes: &report.codes,
            title: &report.title,
            error: &report.error,
            notes: &report.notes,
            audio: &report.audio,
            distinct: Distinct {
                isrc: report.distinct(CodeKind::Isrc),
                barcode: report.distinct(CodeKind::Barcode),
            },
        }
    }
}

/// Write the JSON document for `reports` (pretty-printed, newline-terminated).
pub fn write(out: &mut dyn Write, reports: &[FileReport]) -> io::Result<()> {
    let doc = Document {
        schema: SCHEMA,
        files: reports.iter().map(FileView::new).collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
