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
        disc_tracks: Vec::new(),
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
            tracks: Vec::new(),
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

/// Text from strangers' files: a path that starts like a formula and holds
/// ESC and a bidi override, a message with an OSC sequence (ended by BEL),
/// a formula as the code, a related path starting with `-` and holding ESC.
pub const HOSTILE_PATH: &str = "=1+1\x1b[2J\u{202e}.wav";
pub const FORMULA: &str = "=HYPERLINK(\"http://x\",\"y\")";

pub fn hostile() -> Finding {
    Finding {
        rule: Rule::BarcodeInvalid,
        severity: Severity::Error,
        path: PathBuf::from(HOSTILE_PATH),
        message: format!("barcode \"{FORMULA}\" is not valid\x1b]0;pwn\x07"),
        related: vec![PathBuf::from("-rf\x1b.wav")],
        code: Some(FORMULA.to_string()),
        location: Some("ID3v2.4 TXXX:BARCODE".to_string()),
    }
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
