//! Tests of the `inspect` JSON report (`json.rs`).

use super::*;
use crate::model::{FileStatus, Location, TagFormat};

fn serde(report: &FileReport) -> String {
    String::from_utf8(serde_json::to_vec(&FileView::new(report)).expect("serde")).expect("utf-8")
}

fn by_hand(report: &FileReport) -> String {
    let mut out = Vec::new();
    write_file(report, &mut out);
    String::from_utf8(out).expect("utf-8")
}

/// Every text a tag can hold, every status, and numbers at their edges.
fn odd_reports() -> Vec<FileReport> {
    let texts = [
        "",
        "plain",
        "quote \" backslash \\ slash /",
        "\u{0}\u{1}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{1f}\u{7f}",
        "Ünïcödé – 日本語 – 🎵",
        "\u{fffd}\u{2028}\u{2029}",
    ];
    let mut out = Vec::new();
    for (i, status) in [
        FileStatus::Ok,
        FileStatus::Damaged,
        FileStatus::NotAudio,
        FileStatus::Empty,
        FileStatus::LfsPointer,
        FileStatus::Unreadable,
    ]
    .into_iter()
    .enumerate()
    {
        let text = texts[i % texts.len()];
        let mut location = Location {
            container: crate::model::Container::Mp4,
            chunk: Some(text.to_string()),
            tag: TagFormat::Ilst,
            field: text.to_string(),
            version: (i % 2 == 0).then(|| "2.4".into()),
            encoding: None,
            offset: u64::MAX >> i,
            track: (i % 2 == 1).then_some(u32::MAX),
            standard: i % 2 == 0,
        };
        if i == 3 {
            location.chunk = None;
        }
        let site = crate::model::CodeSite {
            kind: if i % 2 == 0 {
                CodeKind::Isrc
            } else {
                CodeKind::Barcode
            },
            value: (i != 2).then(|| "USRC17607839".to_string()),
            raw: texts[(i + 1) % texts.len()].to_string(),
            valid: i % 3 == 0,
            problem: (i % 3 != 0).then(|| text.to_string()),
            canonical: i == 0,
            notes: texts.iter().take(i).map(|t| t.to_string()).collect(),
            location,
        };
        out.push(FileReport {
            path: std::path::PathBuf::from(format!("dir/{text}.m4a")),
            status,
            container: (i < 3).then_some(crate::model::Container::Wav),
            format: (i < 2).then(|| text.to_string()),
            codes: vec![site.clone(), site],
            title: (i % 2 == 0).then(|| text.to_string()),
            error: (i % 2 == 1).then(|| text.to_string()),
            notes: texts.iter().map(|t| t.to_string()).collect(),
            audio: (i != 4).then(|| crate::model::AudioInfo {
                duration_ms: Some(0),
                sample_rate: (i > 0).then_some(44_100),
                channels: Some(u16::MAX),
                payload_offset: None,
                payload_len: Some(u64::MAX),
            }),
            disc_tracks: vec![crate::model::DiscTrack {
                number: 1,
                at: text.to_string(),
            }],
        });
    }
    out
}

#[test]
fn every_byte_at_every_place_is_escaped_as_serde_does() {
    let mut text = String::new();
    for c in (0u8..0x80).map(char::from).chain(['é', '€', '🎵']) {
        for at in 0..20 {
            text.clear();
            text.extend(std::iter::repeat_n('a', at));
            text.push(c);
            text.extend(std::iter::repeat_n('b', 19 - at));
            let mut out = Vec::new();
            Compact { out: &mut out }.string(&text);
            let want = serde_json::to_string(&text).expect("serde");
            assert_eq!(
                String::from_utf8(out).expect("utf-8"),
                want,
                "{c:?} at {at}"
            );
        }
    }
}

#[test]
fn the_hand_writer_is_byte_for_byte_serde() {
    let mut reports = odd_reports();
    reports.extend(crate::report::audit::fixture::reports());
    let testdata = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata"));
    let (files, _) = crate::walk::collect(&[testdata], &crate::walk::Filter::default());
    reports.extend(files.iter().map(crate::read_file));
    assert!(reports.len() > 80, "{} reports", reports.len());
    for r in &reports {
        assert_eq!(by_hand(r), serde(r), "{}", r.path.display());
    }
}
