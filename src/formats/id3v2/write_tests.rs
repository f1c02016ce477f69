//! Tests of the ID3v2 tag editor (`write.rs`).

use super::*;
use crate::codes::{Gtin, Isrc};
use crate::formats::{Collector, id3v2::read_tag};
use crate::model::Container;
use crate::source::Source;

fn codes(isrc: &str, barcode: &str) -> Codes {
    Codes {
        isrc: Some(Isrc::parse(isrc).expect("isrc")),
        barcode: Some(Gtin::parse(barcode).expect("gtin")),
        ..Default::default()
    }
}

fn read(bytes: &[u8]) -> Collector {
    let mut s = bytes;
    let mut src = Source::new(&mut s, bytes.len() as u64);
    let mut c = Collector::new(Container::Mp3);
    read_tag(&mut src, 0, Some("head"), &mut c).expect("reads");
    c
}

fn v23_utf16_tag() -> Vec<u8> {
    let mut frames = Vec::new();
    let mut tsrc = vec![1u8, 0xFF, 0xFE];
    for u in "GBAYE6800011".encode_utf16() {
        tsrc.extend_from_slice(&u.to_le_bytes());
    }
    let title = b"\x01\xFF\xFES\x00o\x00n\x00g\x00".to_vec();
    for (id, body) in [
        ("TIT2", title),
        ("TSRC", tsrc),
        ("PRIV", b"owner\x00\x01\x02".to_vec()),
    ] {
        frames.extend_from_slice(id.as_bytes());
        frames.extend_from_slice(&(body.len() as u32).to_be_bytes());
        frames.extend_from_slice(&[0, 0]);
        frames.extend_from_slice(&body);
    }
    let size = frames.len() + 200;
    let mut t = b"ID3\x03\x00\x00".to_vec();
    t.extend_from_slice(&to_syncsafe(size).expect("size"));
    t.extend_from_slice(&frames);
    t.resize(10 + size, 0);
    t
}

#[test]
fn keeps_version_encoding_other_frames_and_size() {
    let tag = v23_utf16_tag();
    let e = edit(&tag, &codes("USRC17607839", "075678164125"), "head", true)
        .expect("ok")
        .expect("changed");
    assert_eq!(e.bytes.len(), tag.len(), "padding absorbed the new frame");
    let c = read(&e.bytes);
    let isrc = c
        .sites
        .iter()
        .find(|s| s.location.field == "TSRC")
        .expect("TSRC");
    assert_eq!(isrc.raw, "USRC17607839");
    assert_eq!(isrc.location.version.as_deref(), Some("2.3"));
    assert_eq!(isrc.location.encoding.as_deref(), Some("UTF-16"));
    let bc = c
        .sites
        .iter()
        .find(|s| s.location.field == "TXXX:BARCODE")
        .expect("barcode");
    assert_eq!(bc.raw, "075678164125");
    assert_eq!(
        bc.location.encoding.as_deref(),
        Some("UTF-16"),
        "the tag's usual encoding"
    );
    assert_eq!(c.title.as_deref(), Some("Song"));
    // The PRIV frame survives byte for byte.
    let priv_frame = b"PRIV\x00\x00\x00\x08\x00\x00owner\x00\x01\x02";
    assert!(e.bytes.windows(priv_frame.len()).any(|w| w == priv_frame));
    assert_eq!(e.changes.len(), 2);
    assert_eq!(e.changes[0].old.as_deref(), Some("GBAYE6800011"));
    // Idempotent.
    assert!(
        edit(
            &e.bytes,
            &codes("USRC17607839", "075678164125"),
            "head",
            true
        )
        .expect("ok")
        .is_none()
    );
}

#[test]
fn grows_with_padding_when_needed() {
    let tag = b"ID3\x04\x00\x00\x00\x00\x00\x00".to_vec();
    let e = edit(&tag, &codes("USRC17607839", "4006381333931"), "head", true)
        .expect("ok")
        .expect("changed");
    assert!(e.bytes.len() > tag.len() + NEW_PADDING);
    let c = read(&e.bytes);
    assert_eq!(c.sites.len(), 2);
    assert_eq!(c.sites[0].location.version.as_deref(), Some("2.4"));
}

#[test]
fn v22_uses_three_letter_frames() {
    let e = edit(
        b"ID3\x02\x00\x00\x00\x00\x00\x00",
        &codes("USRC17607839", "4006381333931"),
        "head",
        true,
    )
    .expect("ok")
    .expect("changed");
    let c = read(&e.bytes);
    let fields: Vec<&str> = c.sites.iter().map(|s| s.location.field.as_str()).collect();
    assert_eq!(fields, ["TRC", "TXX:BARCODE"]);
}

#[test]
fn alias_frames_are_updated_too() {
    let mut t = b"ID3\x03\x00\x00".to_vec();
    let body = b"\x00ISRC\x00GBAYE6800011";
    let mut frames = b"TXXX".to_vec();
    frames.extend_from_slice(&(body.len() as u32).to_be_bytes());
    frames.extend_from_slice(&[0, 0]);
    frames.extend_from_slice(body);
    t.extend_from_slice(&to_syncsafe(frames.len()).expect("size"));
    t.extend_from_slice(&frames);
    let e = edit(&t, &codes("USRC17607839", "4006381333931"), "head", true)
        .expect("ok")
        .expect("changed");
    let c = read(&e.bytes);
    let raws: Vec<(&str, &str)> = c
        .sites
        .iter()
        .map(|s| (s.location.field.as_str(), s.raw.as_str()))
        .collect();
    assert_eq!(
        raws,
        [
            ("TXXX:ISRC", "USRC17607839"),
            ("TSRC", "USRC17607839"),
            ("TXXX:BARCODE", "4006381333931")
        ]
    );
}
