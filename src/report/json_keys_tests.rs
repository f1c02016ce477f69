//! The hand-written per-file JSON writer (`write_file`) writes every key
//! of the model: the keys it writes, recursively (`codes[].location.track`,
//! `audio.payload_len`), are exactly those of `serde_json::to_value` of
//! the same `FileReport` (plus `distinct`), on a record where every
//! `Option` is `Some` and every `Vec` is non-empty somewhere. A field
//! added to the model and not to the hand writer fails here, whatever
//! its value.

use super::{FileView, write_file};
use crate::model::{
    AudioInfo, CodeKind, CodeSite, Container, DiscTrack, FileReport, FileStatus, Location,
    TagFormat,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Every key path of `v` (`a.b`, `a[].b`), with whether some occurrence
/// holds a value that is not `null`, `[]` or `{}`.
fn key_paths(v: &Value, prefix: &str, out: &mut BTreeMap<String, bool>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                let filled = match x {
                    Value::Null => false,
                    Value::Array(a) => !a.is_empty(),
                    Value::Object(o) => !o.is_empty(),
                    _ => true,
                };
                *out.entry(path.clone()).or_insert(false) |= filled;
                key_paths(x, &path, out);
            }
        }
        Value::Array(a) => {
            for x in a {
                key_paths(x, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

fn keys(v: &Value) -> BTreeMap<String, bool> {
    let mut out = BTreeMap::new();
    key_paths(v, "", &mut out);
    out
}

fn site(kind: CodeKind, value: &str, track: Option<u32>) -> CodeSite {
    CodeSite {
        kind,
        value: Some(value.into()),
        raw: value.into(),
        valid: true,
        problem: Some("a problem".into()),
        canonical: true,
        notes: vec!["a note".into()],
        location: Location {
            container: Container::Flac,
            chunk: Some("VORBIS_COMMENT".into()),
            tag: TagFormat::Vorbis,
            field: "ISRC".into(),
            version: Some("1".into()),
            encoding: Some("UTF-8".into()),
            offset: 42,
            track,
            standard: true,
        },
    }
}

/// A report with every `Option` `Some` and every `Vec` non-empty (a
/// per-track site fills `track`; whole-file sites fill `distinct`).
fn full() -> FileReport {
    FileReport {
        path: "album/01.flac".into(),
        status: FileStatus::Ok,
        container: Some(Container::Flac),
        format: Some("FLAC".into()),
        codes: vec![
            site(CodeKind::Isrc, "USRC17607839", Some(1)),
            site(CodeKind::Isrc, "USRC17607839", None),
            site(CodeKind::Barcode, "0075678164125", None),
        ],
        title: Some("Intro".into()),
        error: Some("an error".into()),
        notes: vec!["a file note".into()],
        audio: Some(AudioInfo {
            duration_ms: Some(1),
            sample_rate: Some(44_100),
            channels: Some(2),
            payload_offset: Some(8_192),
            payload_len: Some(1_000),
        }),
        // Filled, and still no key: the outputs do not show a disc's
        // tracks (the audit's rules read them).
        disc_tracks: vec![DiscTrack {
            number: 1,
            at: "PQDESCR entry 3 @128: track 01 index 01 at 00:02:00".into(),
        }],
    }
}

#[test]
fn the_full_record_fills_every_key() {
    let model = serde_json::to_value(full()).expect("serialize the model");
    let empty: Vec<_> = keys(&model)
        .into_iter()
        .filter(|(_, filled)| !filled)
        .map(|(k, _)| k)
        .collect();
    assert!(
        empty.is_empty(),
        "full() must set every Option and fill every Vec (a new field too): {empty:?}"
    );
}

#[test]
fn the_hand_writer_writes_every_key_of_the_model() {
    let report = full();
    let model: BTreeSet<String> = keys(&serde_json::to_value(&report).expect("serialize"))
        .into_keys()
        .collect();
    let mut want = model.clone();
    want.extend(["distinct", "distinct.isrc", "distinct.barcode"].map(String::from));
    let view: BTreeSet<String> = keys(&serde_json::to_value(FileView::new(&report)).expect("view"))
        .into_keys()
        .collect();
    assert_eq!(view, want, "FileView: the model's keys plus distinct");
    let mut out = Vec::new();
    write_file(&report, &mut out);
    let hand: Value = serde_json::from_slice(&out).expect("the hand writer writes JSON");
    let hand: BTreeSet<String> = keys(&hand).into_keys().collect();
    let missing: Vec<_> = want.difference(&hand).collect();
    let extra: Vec<_> = hand.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "report::json::write_file: missing keys {missing:?}, keys the model lacks {extra:?}"
    );
    // The values too (byte for byte is the other test's job, on many
    // records; this one is the record with everything set).
    assert_eq!(
        serde_json::from_slice::<Value>(&out).expect("json"),
        serde_json::to_value(FileView::new(&report)).expect("view")
    );
}
