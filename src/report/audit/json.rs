//! `audit --format json`: the machine contract of `audit`.
//!
//! One JSON object, written as the run goes so that memory does not grow
//! with the number of files:
//!
//! ```text
//! {"schema":"isrckit/audit/1","files":[
//! {...one file per line...},
//! {...}
//! ],"findings":[
//! {...one finding per line...}
//! ],"summary":{...}}
//! ```
//!
//! - `schema`: [`SCHEMA`]; bumped only on a breaking change.
//! - `files`: every file walked, in sorted path order, each exactly as
//!   `inspect --format json` shows it (a `FileReport` plus `distinct`,
//!   `{"isrc": [...], "barcode": [...]}`).
//! - `findings`: sorted by path, then rule; each `{"rule", "severity",
//!   "path", "message", "related", "code", "location"}`, `rule` being the
//!   stable kebab-case id and `severity` one of `error`, `warning`, `info`.
//! - `summary`: `{"files", "audio", "skipped", "lfs_pointers",
//!   "unreadable", "errors", "warnings", "infos", "walk_skipped"}`,
//!   `walk_skipped` being `{"not_audio", "temp_files", "system_files",
//!   "vcs_folders", "filtered", "image_files"}` (what the walk left out
//!   before reading; `image_files`: the files of DDP images other than
//!   their DDPID, each image being read as one).
//!
//! Every key is always present (`null` or `[]` when empty). Paths are text,
//! exact: a path that is not UTF-8 has its odd bytes written `\xNN`.

use crate::audit::{FileRenderer, Finding, Record, Sink, Summary};
use crate::model::FileReport;
use std::io::{self, Write};

/// The schema id written in every document.
pub const SCHEMA: &str = "isrckit/audit/1";

/// One file's entry in `files`: its view, on one line.
fn render_file(report: &FileReport, out: &mut Vec<u8>) -> io::Result<()> {
    crate::report::json::write_file(report, out);
    Ok(())
}

/// Streams the JSON document: files as they arrive, the rest at the end.
pub struct JsonSink<W> {
    out: W,
    started: bool,
    files: u64,
}

impl<W: Write> JsonSink<W> {
    /// A JSON renderer writing into `out`.
    pub fn new(out: W) -> Self {
        JsonSink {
            out,
            started: false,
            files: 0,
        }
    }

    /// The writer back (tests read what was rendered).
    #[cfg(test)]
    pub fn into_inner(self) -> W {
        self.out
    }

    fn start(&mut self) -> io::Result<()> {
        if !self.started {
            self.started = true;
            write!(self.out, "{{\"schema\":")?;
            serde_json::to_writer(&mut self.out, SCHEMA)?;
            write!(self.out, ",\"files\":[")?;
        }
        Ok(())
    }
}

impl<W: Write> Sink for JsonSink<W> {
    fn file_renderer(&self) -> Option<FileRenderer> {
        Some(render_file)
    }

    fn file(&mut self, rendered: &[u8]) -> io::Result<()> {
        self.start()?;
        self.out
            .write_all(if self.files == 0 { b"\n" } else { b",\n" })?;
        self.files += 1;
        self.out.write_all(rendered)
    }

    fn finish(
        &mut self,
        _records: &[Record],
        findings: &[Finding],
        summary: &Summary,
    ) -> io::Result<()> {
        self.start()?;
        write!(self.out, "\n],\"findings\":[")?;
        for (i, f) in findings.iter().enumerate() {
            self.out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
            serde_json::to_writer(&mut self.out, f)?;
        }
        write!(self.out, "\n],\"summary\":")?;
        serde_json::to_writer(&mut self.out, summary)?;
        writeln!(self.out, "}}")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::audit::fixture;
    use serde_json::{Value, json};

    fn render(empty: bool) -> String {
        let mut sink = JsonSink::new(Vec::new());
        fixture::drive(&mut sink, empty);
        String::from_utf8(sink.into_inner()).expect("utf-8")
    }

    #[test]
    fn document_has_files_findings_and_summary() {
        let text = render(false);
        let doc: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(doc["schema"], SCHEMA);
        let files = doc["files"].as_array().expect("files");
        assert_eq!(files.len(), 3);
        assert_eq!(files[1]["path"], fixture::TRICKY);
        assert_eq!(
            files[1]["distinct"],
            json!({"isrc": ["USRC17607839"], "barcode": []})
        );
        assert_eq!(files[2]["title"], Value::Null);

        let findings = doc["findings"].as_array().expect("findings");
        assert_eq!(findings.len(), 4);
        assert_eq!(
            findings[1],
            json!({
                "rule": "isrc-duplicate",
                "severity": "error",
                "path": fixture::INTRO,
                "message": "USRC17607839 is also on another recording",
                "related": [fixture::TRICKY],
                "code": "USRC17607839",
                "location": null,
            })
        );
        assert_eq!(findings[3]["message"], fixture::NEWLINE_MESSAGE);
        assert_eq!(findings[3]["code"], Value::Null);
        assert_eq!(
            doc["summary"],
            json!({"files": 3, "audio": 3, "skipped": 0, "lfs_pointers": 0,
                   "unreadable": 0, "errors": 2, "warnings": 1, "infos": 1,
                   "walk_skipped": {"not_audio": 0, "temp_files": 0, "vcs_folders": 0,
                                    "system_files": 0, "filtered": 0, "image_files": 0}})
        );
    }

    #[test]
    fn one_file_or_finding_per_line() {
        let text = render(false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "{\"schema\":\"isrckit/audit/1\",\"files\":[");
        assert!(lines[1].starts_with("{\"path\":\"masters/01 Intro.wav\""));
        assert!(lines[3].starts_with("{\"path\":\"masters/clean.wav\""));
        assert_eq!(lines[4], "],\"findings\":[");
        assert!(lines[5].starts_with("{\"rule\":\"isrc-noncanonical\""));
        assert!(lines[9].starts_with("],\"summary\":{\"files\":3,"));
        assert_eq!(lines.len(), 10);
        assert!(text.ends_with("}}\n"));
    }

    #[test]
    fn files_are_shown_exactly_as_inspect_shows_them() {
        let doc: Value = serde_json::from_str(&render(false)).expect("valid JSON");
        let mut inspect = Vec::new();
        crate::report::json::write(&mut inspect, &fixture::reports(), &Default::default())
            .expect("inspect");
        let inspect: Value = serde_json::from_slice(&inspect).expect("inspect JSON");
        assert_eq!(doc["files"], inspect["files"]);
    }

    #[test]
    fn empty_run_is_a_valid_document() {
        let text = render(true);
        let doc: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(doc["files"], json!([]));
        assert_eq!(doc["findings"], json!([]));
        assert_eq!(doc["summary"]["files"], 0);
    }
}
