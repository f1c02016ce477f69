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

#[derive(Serialize)]
struct FileView<'a> {
    #[serde(flatten)]
    report: &'a FileReport,
    distinct: Distinct<'a>,
}

#[derive(Serialize)]
struct Distinct<'a> {
    isrc: Vec<&'a str>,
    barcode: Vec<&'a str>,
}

/// Write the JSON document for `reports` (pretty-printed, newline-terminated).
pub fn write(out: &mut dyn Write, reports: &[FileReport]) -> io::Result<()> {
    let doc = Document {
        schema: SCHEMA,
        files: reports
            .iter()
            .map(|r| FileView {
                report: r,
                distinct: Distinct {
                    isrc: r.distinct(CodeKind::Isrc),
                    barcode: r.distinct(CodeKind::Barcode),
                },
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
