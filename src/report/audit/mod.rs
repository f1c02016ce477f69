//! `isrckit audit` output: one renderer per format, each a [`Sink`].
//!
//! The audit's rules decide what is wrong; these renderers only format it.
//! Each writes into any `io::Write` given at construction (tests render into
//! a `Vec<u8>`). The human format ([`table`]) prints headers, hints and a
//! summary; the machine formats ([`json`], [`csv`], [`junit`], [`github`],
//! [`sarif`]) print no summary line and no decoration, and their shapes are
//! public interface.

pub mod csv;
pub mod github;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod table;

use crate::audit::Sink;
use crate::report::table::Style;
use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

/// Output formats of `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    /// Findings grouped by file, with a fix hint per rule and a summary (for people).
    Table,
    /// One JSON document: every file as `inspect` shows it, the findings, the counts.
    Json,
    /// One row per finding: rule,severity,path,message,code,location,related.
    Csv,
    /// JUnit XML for CI test reports: a suite per file, a case per rule that fired.
    Junit,
    /// GitHub Actions annotations (workflow commands), one line per finding.
    Github,
    /// SARIF 2.1.0, for code scanning and other SARIF viewers.
    Sarif,
}

/// The renderer for `format`, writing into `out`. `style` matters only to
/// the table; the caller decides colour once (`--color`, `NO_COLOR`, terminal).
pub fn sink(format: AuditFormat, out: Box<dyn Write + Send>, style: Style) -> Box<dyn Sink + Send> {
    match format {
        AuditFormat::Table => Box::new(table::TableSink::new(out, style)),
        AuditFormat::Json => Box::new(json::JsonSink::new(out)),
        AuditFormat::Csv => Box::new(csv::CsvSink::new(out)),
        AuditFormat::Junit => Box::new(junit::JunitSink::new(out)),
        AuditFormat::Github => Box::new(github::GithubSink::new(out)),
        AuditFormat::Sarif => Box::new(sarif::SarifSink::new(out)),
    }
}

/// A path as text, the way every format shows it (bytes that are not UTF-8
/// become U+FFFD, as in the JSON of `inspect`).
fn path_text(p: &Path) -> Cow<'_, str> {
    p.to_string_lossy()
}

#[cfg(test)]
pub(crate) mod fixture {
    //! A small fixed run shared by the renderers' tests: three files (one
    //! clean), four findings (every severity, a duplicate pair with related
    //! paths, a path with a space, a comma and a `%`, a message with a
    //! newline).

    use crate::audit::{Finding, Record, Rule, Severity, Sink, Summary};
    use crate::model::{AudioInfo, CodeKind, CodeSite, Container, FileReport, Location, TagFormat};
    use std::path::PathBuf;

    pub const INTRO: &str = "masters/01 Intro.wav";
    pub const TRICKY: &str = "masters/a, b 100%.flac";
    pub const CLEAN: &str = "masters/clean.wav";
    /// The message with a newline (and a `:`, a `,` and a `%`).
    pub const NEWLINE_MESSAGE: &str = "no barcode in any tag:\nadd one, 100% needed";

    fn site(container: Container, tag: TagFormat, field: &str, raw: &str, value: &str) -> CodeSite {
        CodeSite {
            kind: CodeKind::Isrc,
            value: Some(value.to_string()),
            raw: raw.to_string(),
            valid: true,
            problem: None,
            canonical: raw == value,
            notes: Vec::new(),
            location: Location {
                container,
                chunk: None,
                tag,
                field: field.to_string(),
                version: None,
                encoding: None,
                offset: 12,
                track: None,
                standard: true,
            },
        }
    }

    fn report(path: &str, container: Container, format: &str, codes: Vec<CodeSite>) -> FileReport {
        FileReport {
            path: PathBuf::from(path),
            status: crate::model::FileStatus::Ok,
            container: Some(container),
            format: Some(format.to_string()),
            codes,
            title: Some("Intro".to_string()),
            error: None,
            notes: Vec::new(),
            audio: Some(AudioInfo {
                duration_ms: Some(61_500),
                sample_rate: Some(44_100),
                channels: Some(2),
                payload_offset: Some(44),
                payload_len: Some(1000),
            }),
        }
    }

    pub fn reports() -> Vec<FileReport> {
        let mut intro_site = site(
            Container::Wav,
            TagFormat::Id3v2,
            "TSRC",
            "US-RC1-76-07839",
            "USRC17607839",
        );
        intro_site.location.chunk = Some("id3 ".to_string());
        intro_site.location.version = Some("2.3".into());
        intro_site.notes.push("stored with hyphens".to_string());
        let mut clean = report(
            CLEAN,
            Container::Wav,
            "RIFF WAVE",
            vec![site(
                Container::Wav,
                TagFormat::Id3v2,
                "TSRC",
                "GBAYE0000351",
                "GBAYE0000351",
            )],
        );
        clean.title = None;
        vec![
            report(INTRO, Container::Wav, "RIFF WAVE", vec![intro_site]),
            report(
                TRICKY,
                Container::Flac,
                "FLAC",
                vec![site(
                    Container::Flac,
                    TagFormat::Vorbis,
                    "ISRC",
                    "USRC17607839",
                    "USRC17607839",
                )],
            ),
            clean,
        ]
    }

    pub fn records() -> Vec<Record> {
        reports()
            .into_iter()
            .map(|r| Record {
                path: r.path,
                container: r.container,
                isrcs: Vec::new(),
                barcodes: Vec::new(),
                title: None,
                duration_ms: None,
                release: 0,
                audio_hash: None,
            })
            .collect()
    }

    pub fn findings() -> Vec<Finding> {
        let f = |rule,
                 severity,
                 path: &str,
                 message: &str,
                 related: &[&str],
                 code: Option<&str>,
                 location: Option<&str>| Finding {
            rule,
            severity,
            path: PathBuf::from(path),
            message: message.to_string(),
            related: related.iter().map(PathBuf::from).collect(),
            code: code.map(str::to_string),
            location: location.map(str::to_string),
        };
        vec![
            f(
                Rule::IsrcNoncanonical,
                Severity::Info,
                INTRO,
                "ISRC \"US-RC1-76-07839\" is stored with hyphens",
                &[],
                Some("USRC17607839"),
                Some("chunk \"id3 \" › ID3v2.3 TSRC @12"),
            ),
            f(
                Rule::IsrcDuplicate,
                Severity::Error,
                INTRO,
                "USRC17607839 is also on another recording",
                &[TRICKY],
                Some("USRC17607839"),
                None,
            ),
            f(
                Rule::IsrcDuplicate,
                Severity::Error,
                TRICKY,
                "USRC17607839 is also on another recording",
                &[INTRO],
                Some("USRC17607839"),
                None,
            ),
            f(
                Rule::BarcodeMissing,
                Severity::Warning,
                TRICKY,
                NEWLINE_MESSAGE,
                &[],
                None,
                None,
            ),
        ]
    }

    pub fn summary() -> Summary {
        Summary {
            files: 3,
            audio: 3,
            errors: 2,
            warnings: 1,
            infos: 1,
            ..Summary::default()
        }
    }

    /// Feed the fixed run (or, with `empty`, a run over no files) to `sink`.
    /// Hand one report to a sink as the audit does: rendered with the
    /// sink's file renderer, if it has one.
    pub fn feed(sink: &mut dyn Sink, report: &FileReport) {
        let mut rendered = Vec::new();
        if let Some(render) = sink.file_renderer() {
            render(report, &mut rendered).expect("render");
        }
        sink.file(&rendered).expect("file");
    }

    pub fn drive(sink: &mut dyn Sink, empty: bool) {
        if empty {
            sink.finish(&[], &[], &Summary::default()).expect("finish");
            return;
        }
        for r in reports() {
            feed(sink, &r);
        }
        sink.finish(&records(), &findings(), &summary())
            .expect("finish");
    }

    /// Feed a run whose files are all clean.
    pub fn drive_clean(sink: &mut dyn Sink) {
        for r in reports() {
            feed(sink, &r);
        }
        let summary = crate::audit::Summary {
            files: 3,
            audio: 3,
            ..Default::default()
        };
        sink.finish(&records(), &[], &summary).expect("finish");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_renders_through_the_boxed_sink() {
        use clap::ValueEnum;
        for format in AuditFormat::value_variants() {
            let mut s = sink(*format, Box::new(std::io::sink()), Style { color: false });
            fixture::drive(s.as_mut(), false);
        }
    }
}
