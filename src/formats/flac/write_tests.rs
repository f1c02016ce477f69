//! FLAC writer tests (`write.rs`): streams built block by block, written,
//! read back and compared with the original.

use super::*;
use crate::codes::{Gtin, Isrc};
use crate::formats::flac::blocks::{APPLICATION, MARKER, PICTURE, SEEKTABLE};
use crate::model::FileReport;
use std::path::Path;
use std::process::Command;

/// Stand-in for the audio frames: a frame sync code and some bytes.
const AUDIO: &[u8] = b"\xff\xf8\x69\x08 not really audio \x00\x01\x02\xfe";

fn codes(isrc: Option<&str>, barcode: Option<&str>) -> Codes {
    Codes {
        isrc: isrc.map(|i| Isrc::parse(i).expect("isrc")),
        barcode: barcode.map(|b| Gtin::parse(b).expect("barcode")),
        ..Default::default()
    }
}

fn both() -> Codes {
    codes(Some("USRC17607839"), Some("036000291452"))
}

/// A STREAMINFO body: 44.1 kHz, stereo, 16-bit, 10 s.
fn streaminfo() -> Vec<u8> {
    let mut s = vec![0u8; 34];
    s[0..2].copy_from_slice(&4096u16.to_be_bytes());
    s[2..4].copy_from_slice(&4096u16.to_be_bytes());
    let packed = (44100u64 << 44) | (1u64 << 41) | (15u64 << 36) | 441_000;
    s[10..18].copy_from_slice(&packed.to_be_bytes());
    s
}

fn vorbis(vendor: &str, comments: &[&str]) -> Vec<u8> {
    let mut b = (vendor.len() as u32).to_le_bytes().to_vec();
    b.extend_from_slice(vendor.as_bytes());
    b.extend_from_slice(&(comments.len() as u32).to_le_bytes());
    for c in comments {
        b.extend_from_slice(&(c.len() as u32).to_le_bytes());
        b.extend_from_slice(c.as_bytes());
    }
    b
}

/// A CUESHEET body: catalog number, one track with an ISRC, lead-out.
fn cuesheet() -> Vec<u8> {
    let mut b = vec![0u8; 396];
    b[..13].copy_from_slice(b"0000000000000");
    b[136] = 0x80;
    b[395] = 2;
    for (number, isrc) in [(1u8, &b"GBAYE0000351"[..]), (170, &b""[..])] {
        let mut t = vec![0u8; 36];
        t[8] = number;
        t[9..9 + isrc.len()].copy_from_slice(isrc);
        t[35] = u8::from(number == 1);
        b.extend_from_slice(&t);
        if number == 1 {
            b.extend_from_slice(&[0u8; 12]);
        }
    }
    b
}

/// `fLaC`, STREAMINFO, the given blocks (the last one flagged), audio.
fn flac(blocks: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut all = vec![(STREAMINFO, streaminfo())];
    all.extend_from_slice(blocks);
    let mut f = MARKER.to_vec();
    let n = all.len();
    for (i, (ty, body)) in all.iter().enumerate() {
        let len = (body.len() as u32).to_be_bytes();
        f.push(ty | if i + 1 == n { 0x80 } else { 0 });
        f.extend_from_slice(&len[1..]);
        f.extend_from_slice(body);
    }
    f.extend_from_slice(AUDIO);
    f
}

/// An ID3v2.3 tag: the given text frames (Latin-1), then `padding` zeros.
fn id3v23(frames: &[(&str, &str)], padding: usize) -> Vec<u8> {
    let mut body = Vec::new();
    for (id, text) in frames {
        body.extend_from_slice(id.as_bytes());
        body.extend_from_slice(&(text.len() as u32 + 1).to_be_bytes());
        body.extend_from_slice(&[0, 0, 0]);
        body.extend_from_slice(text.as_bytes());
    }
    body.resize(body.len() + padding, 0);
    let n = body.len();
    let mut t = b"ID3\x03\x00\x00".to_vec();
    t.extend([
        (n >> 21) as u8 & 0x7f,
        (n >> 14) as u8 & 0x7f,
        (n >> 7) as u8 & 0x7f,
        n as u8 & 0x7f,
    ]);
    t.extend(body);
    t
}

fn plan_of(bytes: &[u8], codes: &Codes) -> Result<Option<Plan>, PlanError> {
    let mut slice = bytes;
    let mut src = Source::new(&mut slice, bytes.len() as u64);
    plan(&mut src, codes)
}

/// The new file: copied ranges taken from the original's bytes.
fn apply(orig: &[u8], plan: &Plan) -> Vec<u8> {
    let mut out = Vec::new();
    for piece in &plan.pieces {
        match piece {
            Piece::Copy { offset, len } => {
                let (o, l) = (*offset as usize, *len as usize);
                out.extend_from_slice(orig.get(o..o + l).expect("copy range inside the original"));
            }
            Piece::Bytes(b) => out.extend_from_slice(b),
        }
    }
    out
}

/// Blocks as (type, last flag, body), and the audio offset; an ID3v2
/// tag in front is stepped over. Written here, apart from the writer.
fn blocks_of(f: &[u8]) -> (Vec<(u8, bool, Vec<u8>)>, usize) {
    let mut pos = 0;
    if f.starts_with(b"ID3") {
        let s = &f[6..10];
        pos = 10
            + ((s[0] as usize) << 21
                | (s[1] as usize) << 14
                | (s[2] as usize) << 7
                | s[3] as usize);
    }
    assert_eq!(&f[pos..pos + 4], b"fLaC");
    pos += 4;
    let mut out = Vec::new();
    loop {
        let h = &f[pos..pos + 4];
        let len = u32::from_be_bytes([0, h[1], h[2], h[3]]) as usize;
        out.push((
            h[0] & 0x7f,
            h[0] & 0x80 != 0,
            f[pos + 4..pos + 4 + len].to_vec(),
        ));
        pos += 4 + len;
        if h[0] & 0x80 != 0 {
            return (out, pos);
        }
    }
}

/// The vendor string and comments of the (first) VORBIS_COMMENT block.
fn comments_of(f: &[u8]) -> (String, Vec<String>) {
    let (blocks, _) = blocks_of(f);
    let body = &blocks
        .iter()
        .find(|b| b.0 == VORBIS_COMMENT)
        .expect("VORBIS_COMMENT")
        .2;
    let u32le = |at: usize| u32::from_le_bytes(body[at..at + 4].try_into().unwrap()) as usize;
    let vlen = u32le(0);
    let vendor = String::from_utf8(body[4..4 + vlen].to_vec()).unwrap();
    let mut at = 4 + vlen;
    let count = u32le(at);
    at += 4;
    let mut list = Vec::new();
    for _ in 0..count {
        let n = u32le(at);
        list.push(String::from_utf8(body[at + 4..at + 4 + n].to_vec()).unwrap());
        at += 4 + n;
    }
    assert_eq!(at, body.len(), "no bytes after the last comment");
    (vendor, list)
}

fn types(f: &[u8]) -> Vec<u8> {
    blocks_of(f).0.iter().map(|b| b.0).collect()
}

/// The blocks other than VORBIS_COMMENT and PADDING, with their bodies.
/// Every block but the comments and padding, with a CUESHEET's media
/// catalog number (the one part a barcode write may change) blanked.
fn other_blocks(f: &[u8]) -> Vec<(u8, Vec<u8>)> {
    blocks_of(f)
        .0
        .into_iter()
        .filter(|b| b.0 != VORBIS_COMMENT && b.0 != PADDING)
        .map(|mut b| {
            if b.0 == CUESHEET
                && let Some(mcn) = b.2.get_mut(..128)
            {
                mcn.fill(0);
            }
            (b.0, b.2)
        })
        .collect()
}

/// Plan and apply a write that must change something; check what every
/// write must hold; return the new file and the changes.
fn write(orig: &[u8], codes: &Codes) -> (Vec<u8>, Vec<Change>) {
    let plan = plan_of(orig, codes)
        .expect("plans")
        .expect("changes something");
    let new = apply(orig, &plan);
    let expected_len: u64 = plan.pieces.iter().map(Piece::len).sum();
    assert_eq!(new.len() as u64, expected_len);
    check(orig, &new, codes);
    (new, plan.changes)
}

/// A rewritten file reads cleanly with the new codes, keeps the audio
/// bytes and every other block, has exactly one last-block flag (on the
/// last block), and a second plan changes nothing.
fn check(orig: &[u8], new: &[u8], codes: &Codes) -> FileReport {
    let before = crate::read_bytes("before.flac", orig);
    let after = crate::read_bytes("after.flac", new);
    assert_eq!(after.error, None, "reads cleanly; notes: {:?}", after.notes);
    assert_eq!(after.container, Some(Container::Flac));
    let (a, b) = (before.audio.clone().unwrap(), after.audio.clone().unwrap());
    let (oa, ob, len) = (
        a.payload_offset.unwrap() as usize,
        b.payload_offset.unwrap() as usize,
        a.payload_len.unwrap() as usize,
    );
    assert_eq!(b.payload_len, a.payload_len);
    assert_eq!(&new[ob..ob + len], &orig[oa..oa + len], "audio bytes kept");
    assert_eq!(
        (a.sample_rate, a.channels, a.duration_ms),
        (b.sample_rate, b.channels, b.duration_ms)
    );
    assert_eq!(
        other_blocks(new),
        other_blocks(orig),
        "other blocks kept, in order"
    );
    let (blocks, audio_at) = blocks_of(new);
    assert_eq!(audio_at, ob);
    let flags: Vec<bool> = blocks.iter().map(|b| b.1).collect();
    let mut want = vec![false; flags.len()];
    *want.last_mut().unwrap() = true;
    assert_eq!(flags, want, "last-block flag on the last block only");
    for kind in [CodeKind::Isrc, CodeKind::Barcode] {
        let Some(text) = codes.text(kind) else {
            continue;
        };
        let sites: Vec<_> = after
            .codes
            .iter()
            .filter(|s| s.kind == kind && s.location.tag != TagFormat::Cuesheet)
            .collect();
        assert!(!sites.is_empty(), "a {kind} site");
        for s in sites {
            assert_eq!(s.raw, text, "{kind} at {}", s.location.describe());
        }
    }
    assert_eq!(
        plan_of(new, codes).expect("plans"),
        None,
        "a second run changes nothing"
    );
    after
}

/// Whether an external tool runs; under CI a missing tool fails the test.
fn tool(name: &str, probe: &[&str]) -> bool {
    let ok = Command::new(name)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} is required in CI but cannot be run"
        );
        eprintln!("SKIPPED: {name} is not installed");
    }
    ok
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn updates_codes_in_place_and_padding_takes_the_difference() {
    let orig = flac(&[
        (SEEKTABLE, vec![0xAB; 18]),
        (
            VORBIS_COMMENT,
            vorbis(
                "reference libFLAC 1.4.2",
                &[
                    "TITLE=Song",
                    "ISRC=GBAYE0000001",
                    "BARCODE=5099902987866",
                    "Artist=Band",
                ],
            ),
        ),
        (APPLICATION, b"abcdsome application data".to_vec()),
        (PICTURE, vec![7; 40]),
        (100, b"unknown type".to_vec()),
        (CUESHEET, cuesheet()),
        (PADDING, vec![0; 512]),
    ]);
    let (new, changes) = write(&orig, &both());
    assert_eq!(new.len(), orig.len(), "the padding absorbed the change");
    assert_eq!(
        blocks_of(&new).1,
        blocks_of(&orig).1,
        "the audio did not move"
    );
    assert_eq!(types(&new), types(&orig));
    // A 13-digit barcode became a 12-digit one: one byte more padding.
    assert_eq!(blocks_of(&new).0.last().unwrap().2.len(), 513);
    assert_eq!(
        comments_of(&new),
        (
            "reference libFLAC 1.4.2".to_string(),
            vec![
                "TITLE=Song".to_string(),
                "ISRC=USRC17607839".into(),
                "BARCODE=036000291452".into(),
                "Artist=Band".into()
            ]
        )
    );
    assert_eq!(
        changes,
        vec![
            Change {
                kind: CodeKind::Isrc,
                location: "VORBIS_COMMENT › Vorbis ISRC".into(),
                old: Some("GBAYE0000001".into()),
                new: "USRC17607839".into()
            },
            Change {
                kind: CodeKind::Barcode,
                location: "VORBIS_COMMENT › Vorbis BARCODE".into(),
                old: Some("5099902987866".into()),
                new: "036000291452".into()
            },
        ]
    );
    // The CUESHEET track ISRC is a disc image's code: left as it was.
    let after = crate::read_bytes("a.flac", &new);
    assert!(
        after
            .codes
            .iter()
            .any(|s| s.location.track == Some(1) && s.raw == "GBAYE0000351")
    );
}

#[test]
fn appends_missing_comments_at_the_end() {
    let orig = flac(&[
        (
            VORBIS_COMMENT,
            vorbis("v", &["TITLE=Song", "COMMENT=ISRC GBAYE0000001 pending"]),
        ),
        (PADDING, vec![0; 100]),
    ]);
    let (new, changes) = write(&orig, &both());
    assert_eq!(new.len(), orig.len());
    assert_eq!(
        comments_of(&new).1,
        [
            "TITLE=Song",
            "COMMENT=ISRC GBAYE0000001 pending",
            "ISRC=USRC17607839",
            "BARCODE=036000291452"
        ]
    );
    // Two comments of 4 + 17 and 4 + 20 bytes came out of the padding.
    assert_eq!(blocks_of(&new).0.last().unwrap().2.len(), 100 - 45);
    let olds: Vec<_> = changes
        .iter()
        .map(|c| (c.location.as_str(), c.old.clone()))
        .collect();
    assert_eq!(
        olds,
        [
            ("VORBIS_COMMENT › Vorbis ISRC", None),
            ("VORBIS_COMMENT › Vorbis BARCODE", None)
        ]
    );
    // Only the ISRC asked for: only the ISRC written.
    let (new, changes) = write(&orig, &codes(Some("USRC17607839"), None));
    assert_eq!(comments_of(&new).1.last().unwrap(), "ISRC=USRC17607839");
    assert_eq!(changes.len(), 1);
}

#[test]
fn keeps_key_case_updates_every_code_comment_and_leaves_catalogue_numbers() {
    let orig = flac(&[
        (
            VORBIS_COMMENT,
            vorbis(
                "v",
                &[
                    "isrc=GBAYE0000001",
                    "TITLE=Song",
                    "ISRC=GBAYE0000002",
                    "Upc=075678164125",
                    "ean=5099902987866",
                    "CATALOGNUMBER=ABC-123",
                    "catalogNumber=4006381333931",
                ],
            ),
        ),
        (PADDING, vec![0; 64]),
    ]);
    let (new, changes) = write(&orig, &both());
    assert_eq!(
        comments_of(&new).1,
        [
            "isrc=USRC17607839",
            "TITLE=Song",
            "ISRC=USRC17607839",
            "Upc=036000291452",
            "ean=036000291452",
            "CATALOGNUMBER=ABC-123",
            "catalogNumber=036000291452",
            // No BARCODE comment: the standard one is added.
            "BARCODE=036000291452",
        ]
    );
    let locations: Vec<_> = changes.iter().map(|c| c.location.as_str()).collect();
    assert_eq!(
        locations,
        [
            "VORBIS_COMMENT › Vorbis isrc",
            "VORBIS_COMMENT › Vorbis ISRC",
            "VORBIS_COMMENT › Vorbis Upc",
            "VORBIS_COMMENT › Vorbis ean",
            "VORBIS_COMMENT › Vorbis catalogNumber",
            "VORBIS_COMMENT › Vorbis BARCODE",
        ]
    );
    assert_eq!(new.len(), orig.len());
}

#[test]
fn a_stream_without_comments_gets_a_block_after_streaminfo() {
    let orig = flac(&[(SEEKTABLE, vec![1; 18]), (PADDING, vec![0; 200])]);
    let (new, changes) = write(&orig, &both());
    assert_eq!(
        types(&new),
        [STREAMINFO, VORBIS_COMMENT, SEEKTABLE, PADDING]
    );
    assert_eq!(
        comments_of(&new),
        (
            "isrckit".to_string(),
            vec![
                "ISRC=USRC17607839".to_string(),
                "BARCODE=036000291452".into()
            ]
        )
    );
    assert_eq!(new.len(), orig.len(), "the padding made room");
    assert!(changes.iter().all(|c| c.old.is_none()));

    // Only STREAMINFO, marked last: its flag moves to the new padding.
    let orig = flac(&[]);
    let (new, _) = write(&orig, &both());
    assert_eq!(types(&new), [STREAMINFO, VORBIS_COMMENT, PADDING]);
    assert_eq!(blocks_of(&new).0[2].2, vec![0; 8192]);
}

#[test]
fn without_room_the_file_gets_8_kib_of_padding() {
    // No PADDING block at all: one is added last.
    let orig = flac(&[
        (VORBIS_COMMENT, vorbis("v", &["TITLE=Song"])),
        (SEEKTABLE, vec![2; 18]),
    ]);
    let (new, _) = write(&orig, &both());
    assert_eq!(
        types(&new),
        [STREAMINFO, VORBIS_COMMENT, SEEKTABLE, PADDING]
    );
    assert_eq!(blocks_of(&new).0[3].2.len(), 8192);
    assert!(
        blocks_of(&new).1 > blocks_of(&orig).1,
        "the audio moved, copied as it was"
    );

    // A PADDING block too small: it becomes 8 KiB, in its place.
    let orig = flac(&[
        (VORBIS_COMMENT, vorbis("v", &["TITLE=Song"])),
        (PADDING, vec![0; 10]),
        (SEEKTABLE, vec![2; 18]),
    ]);
    let (new, _) = write(&orig, &both());
    assert_eq!(
        types(&new),
        [STREAMINFO, VORBIS_COMMENT, PADDING, SEEKTABLE]
    );
    assert_eq!(blocks_of(&new).0[2].2.len(), 8192);
}

#[test]
fn a_shrinking_block_gives_its_bytes_to_padding() {
    // A long non-canonical ISRC becomes 12 characters.
    let old = "ISRC=ISRC US-RC1-76-07839 (remaster)";
    let orig = flac(&[(VORBIS_COMMENT, vorbis("v", &[old])), (PADDING, vec![0; 8])]);
    let (new, _) = write(&orig, &codes(Some("USRC17607839"), None));
    assert_eq!(new.len(), orig.len());
    assert_eq!(blocks_of(&new).0[2].2.len(), 8 + old.len() - 17);

    // No PADDING block: a new one fills the gap exactly.
    let orig = flac(&[(VORBIS_COMMENT, vorbis("v", &[old]))]);
    let (new, _) = write(&orig, &codes(Some("USRC17607839"), None));
    assert_eq!(new.len(), orig.len());
    assert_eq!(types(&new), [STREAMINFO, VORBIS_COMMENT, PADDING]);
    assert_eq!(blocks_of(&new).0[2].2.len(), old.len() - 17 - 4);

    // Too small a gap for a block header: 8 KiB of padding instead.
    let orig = flac(&[(VORBIS_COMMENT, vorbis("v", &["ISRC=US-RC1-76-07839"]))]);
    let (new, _) = write(&orig, &codes(Some("USRC17607839"), None));
    assert_eq!(blocks_of(&new).0[2].2.len(), 8192);
}

#[test]
fn nothing_to_do_plans_nothing() {
    let orig = flac(&[
        (
            VORBIS_COMMENT,
            vorbis(
                "v",
                &[
                    "isrc=USRC17607839",
                    "BARCODE=036000291452",
                    "CATALOGNUMBER=XYZ 1",
                ],
            ),
        ),
        (PADDING, vec![0; 8]),
    ]);
    assert_eq!(plan_of(&orig, &both()).unwrap(), None);
    assert_eq!(plan_of(&orig, &Codes::default()).unwrap(), None);
    assert_eq!(plan_of(&flac(&[]), &Codes::default()).unwrap(), None);
    // A barcode in a UPC comment alone: the standard BARCODE is still added.
    let orig = flac(&[(
        VORBIS_COMMENT,
        vorbis("v", &["ISRC=USRC17607839", "UPC=036000291452"]),
    )]);
    let (new, changes) = write(&orig, &both());
    assert_eq!(changes.len(), 1);
    assert_eq!(
        comments_of(&new).1,
        [
            "ISRC=USRC17607839",
            "UPC=036000291452",
            "BARCODE=036000291452"
        ]
    );
}

#[test]
fn a_second_vorbis_comment_block_is_updated_too() {
    let orig = flac(&[
        (VORBIS_COMMENT, vorbis("v", &["TITLE=Song"])),
        (VORBIS_COMMENT, vorbis("w", &["ISRC=GBAYE0000001"])),
        (PADDING, vec![0; 64]),
    ]);
    let (new, _) = write(&orig, &codes(Some("USRC17607839"), None));
    let (blocks, _) = blocks_of(&new);
    // The second block holds the standard key, so none is appended.
    assert_eq!(blocks[1].2, vorbis("v", &["TITLE=Song"]));
    assert_eq!(blocks[2].2, vorbis("w", &["ISRC=USRC17607839"]));
}

#[test]
fn leading_id3v2_code_frames_are_updated_and_the_stream_follows() {
    let stream = flac(&[
        (VORBIS_COMMENT, vorbis("v", &["ISRC=GBAYE0000001"])),
        (PADDING, vec![0; 64]),
    ]);
    let mut orig = id3v23(&[("TIT2", "Song"), ("TSRC", "GBAYE0000001")], 64);
    let tag_len = orig.len();
    orig.extend_from_slice(&stream);
    let (new, changes) = write(&orig, &both());
    assert_eq!(
        new.len(),
        orig.len(),
        "the tag's padding and the PADDING block absorbed it"
    );
    assert_eq!(&new[..3], b"ID3");
    assert_eq!(
        &new[tag_len..tag_len + 4],
        b"fLaC",
        "the tag keeps its size"
    );
    assert_eq!(changes[0].location, "head › ID3v2.3 TSRC");
    assert_eq!(changes[0].old.as_deref(), Some("GBAYE0000001"));
    let after = crate::read_bytes("a.flac", &new);
    let head: Vec<_> = after
        .codes
        .iter()
        .filter(|s| s.location.chunk.as_deref() == Some("head"))
        .map(|s| (s.location.field.as_str(), s.raw.as_str()))
        .collect();
    // Update only: no TXXX:BARCODE added to a tag that is not standard FLAC.
    assert_eq!(head, [("TSRC", "USRC17607839")]);

    // A tag without code frames is copied byte for byte.
    let tag = id3v23(&[("TIT2", "Song")], 0);
    let mut orig = tag.clone();
    orig.extend_from_slice(&stream);
    let (new, changes) = write(&orig, &both());
    assert_eq!(&new[..tag.len()], &tag[..]);
    assert_eq!(&new[tag.len()..tag.len() + 4], b"fLaC");
    assert!(
        changes
            .iter()
            .all(|c| c.location.starts_with("VORBIS_COMMENT"))
    );
}

#[test]
fn a_leading_tag_the_editor_refuses_is_copied_unless_it_holds_codes() {
    let stream = flac(&[(VORBIS_COMMENT, vorbis("v", &[])), (PADDING, vec![0; 64])]);
    // Unsynchronised (flag 0x80): the ID3v2 editor does not rewrite it.
    let mut tag = id3v23(&[("TIT2", "Song")], 8);
    tag[5] = 0x80;
    let mut orig = tag.clone();
    orig.extend_from_slice(&stream);
    let (new, _) = write(&orig, &both());
    assert_eq!(&new[..tag.len()], &tag[..]);

    let mut tag = id3v23(&[("TSRC", "GBAYE0000001")], 8);
    tag[5] = 0x80;
    let mut orig = tag.clone();
    orig.extend_from_slice(&stream);
    assert!(matches!(
        plan_of(&orig, &both()),
        Err(PlanError::Unsupported(m)) if m.contains("unsynchronised")
    ));
    // Writing only a barcode: its TSRC is not in the way.
    let only_barcode = codes(None, Some("036000291452"));
    let plan = plan_of(&orig, &only_barcode).unwrap().unwrap();
    assert_eq!(&apply(&orig, &plan)[..tag.len()], &tag[..]);
}

#[test]
fn lying_sizes_are_damage_not_panics() {
    let good = flac(&[
        (VORBIS_COMMENT, vorbis("v", &["ISRC=GBAYE0000001"])),
        (PADDING, vec![0; 16]),
    ]);
    let damaged = |f: &[u8]| match plan_of(f, &both()) {
        Err(PlanError::Damaged(m)) => m,
        other => panic!("expected damage, got {other:?}"),
    };
    // A block length past the end of the file.
    let mut f = good.clone();
    f[4 + 4 + 34 + 1] = 0xff;
    assert!(damaged(&f).contains("declares"), "{}", damaged(&f));
    // No block marked last before the end.
    let mut f = good.clone();
    let last = f.len() - AUDIO.len() - 16 - 4;
    f[last] &= 0x7f;
    f.truncate(last + 4 + 16);
    assert!(damaged(&f).contains("before a block marked last"));
    // A comment count larger than the comments.
    let vc = 4 + 4 + 34 + 4;
    let mut f = good.clone();
    f[vc + 4 + 1] = 9;
    assert!(damaged(&f).contains("comment 2 is cut"), "{}", damaged(&f));
    // A vendor length past the block.
    let mut f = good.clone();
    f[vc + 3] = 0x7f;
    assert!(damaged(&f).contains("vendor string"));
    // No stream marker; an ID3v2 tag that claims more than the file.
    assert!(damaged(b"fLaX\x80\x00\x00\x00").contains("marker"));
    let mut f = id3v23(&[], 0);
    f[9] = 0x7f;
    assert!(plan_of(&f, &both()).is_err());
    assert!(plan_of(b"", &both()).is_err());
    assert!(plan_of(b"ID3", &both()).is_err());
}

#[test]
fn any_damaged_byte_gives_a_plan_or_an_error_never_a_panic() {
    let mut good = id3v23(&[("TSRC", "GBAYE0000001")], 4);
    good.extend(flac(&[
        (
            VORBIS_COMMENT,
            vorbis("v", &["ISRC=GBAYE0000001", "UPC=075678164125"]),
        ),
        (CUESHEET, cuesheet()),
        (PADDING, vec![0; 16]),
    ]));
    for at in 0..good.len() {
        for byte in [0x00, 0xff, good[at] ^ 0x80, good[at].wrapping_add(1)] {
            let mut f = good.clone();
            f[at] = byte;
            if let Ok(Some(p)) = plan_of(&f, &both()) {
                // Every copied range lies inside the file.
                let _ = apply(&f, &p);
            }
            for cut in [at, at + 1] {
                if let Ok(Some(p)) = plan_of(&good[..cut.min(good.len())], &both()) {
                    let _ = apply(&good[..cut.min(good.len())], &p);
                }
            }
        }
    }
}

#[test]
fn the_audio_is_one_copied_range() {
    let orig = flac(&[
        (VORBIS_COMMENT, vorbis("v", &["TITLE=x"])),
        (PADDING, vec![0; 100]),
    ]);
    let plan = plan_of(&orig, &both()).unwrap().unwrap();
    let audio_at = (orig.len() - AUDIO.len()) as u64;
    let Some(Piece::Copy { offset, len }) = plan.pieces.last() else {
        panic!("ends with a copy: {:?}", plan.pieces);
    };
    assert!(*offset <= audio_at && offset + len == orig.len() as u64);
}

#[test]
fn every_testdata_flac_file_is_rewritten_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/flac");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("testdata/flac") {
        let path = entry.expect("entry").path();
        let orig = std::fs::read(&path).expect("read");
        if orig.starts_with(b"version https://git-lfs") {
            continue;
        }
        let (new, changes) = write(&orig, &both());
        assert!(!changes.is_empty(), "{}", path.display());
        let (_, old_comments) = comments_of(&orig);
        let (_, new_comments) = comments_of(&new);
        let keys = |list: &[String]| -> Vec<String> {
            list.iter()
                .map(|c| c.split('=').next().unwrap_or_default().to_string())
                .collect()
        };
        // Same keys, same case, same order; at most the standard ones added.
        assert_eq!(
            keys(&new_comments)[..old_comments.len()],
            keys(&old_comments)[..],
            "{}",
            path.display()
        );
        n += 1;
    }
    assert!(n >= 5, "testdata/flac holds real files ({n} read)");
}

#[test]
fn real_files_from_flac_metaflac_ffmpeg_and_id3v2() {
    if !(tool("ffmpeg", &["-version"])
        && tool("flac", &["--version"])
        && tool("metaflac", &["--version"])
        && tool("ffprobe", &["-version"]))
    {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let p = |name: &str| dir.path().join(name);
    let ff = |args: &[&str], out: &Path| {
        run(Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "error", "-y"])
            .args(args)
            .arg(out));
    };
    ff(
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=44100:duration=2",
            "-ac",
            "2",
        ],
        &p("src.wav"),
    );
    ff(
        &["-f", "lavfi", "-i", "color=c=red:s=16x16", "-frames:v", "1"],
        &p("cover.png"),
    );

    // flac with 8 KiB padding; metaflac adds tags of every shape and a picture.
    run(Command::new("flac")
        .args(["-s", "-f", "--padding=8192", "-o"])
        .arg(p("padded.flac"))
        .arg(p("src.wav")));
    run(Command::new("metaflac")
        .args([
            "--set-tag=TITLE=Song",
            "--set-tag=isrc=GBAYE0000001",
            "--set-tag=ISRC=GBAYE0000002",
        ])
        .args([
            "--set-tag=Upc=075678164125",
            "--set-tag=CATALOGNUMBER=ABC-123",
        ])
        .arg(format!(
            "--import-picture-from={}",
            p("cover.png").display()
        ))
        .arg(p("padded.flac")));
    // flac without padding.
    run(Command::new("flac")
        .args(["-s", "-f", "--no-padding", "-o"])
        .arg(p("tight.flac"))
        .arg(p("src.wav")));
    run(Command::new("metaflac")
        .arg("--set-tag=ISRC=GBAYE0000003")
        .arg(p("tight.flac")));
    // ffmpeg's own muxer.
    ff(
        &[
            "-i",
            &p("src.wav").to_string_lossy(),
            "-c:a",
            "flac",
            "-metadata",
            "ISRC=QMDA72400310",
            "-metadata",
            "BARCODE=4006381333931",
        ],
        &p("ffmpeg.flac"),
    );
    let mut cases = vec!["padded.flac", "tight.flac", "ffmpeg.flac"];
    // id3v2 (the tool) puts an ID3v2.3 tag with TSRC in front.
    if tool("id3v2", &["--version"]) {
        std::fs::copy(p("padded.flac"), p("id3.flac")).expect("copy");
        run(Command::new("id3v2")
            .args(["-2", "--TSRC", "GBAYE0000004"])
            .arg(p("id3.flac")));
        cases.push("id3.flac");
    }

    let want = both();
    for name in cases {
        let orig = std::fs::read(p(name)).expect("read");
        let (new, changes) = write(&orig, &want);
        let out = p(&format!("new-{name}"));
        std::fs::write(&out, &new).expect("write");
        match name {
            "padded.flac" | "id3.flac" => {
                assert_eq!(new.len(), orig.len(), "{name}: the padding absorbed it");
                let (_, comments) = comments_of(&new);
                assert_eq!(
                    comments,
                    [
                        "TITLE=Song",
                        "isrc=USRC17607839",
                        "ISRC=USRC17607839",
                        "Upc=036000291452",
                        "CATALOGNUMBER=ABC-123",
                        "BARCODE=036000291452"
                    ]
                );
            }
            "tight.flac" => {
                assert_eq!(types(&new).last(), Some(&PADDING));
                assert_eq!(blocks_of(&new).0.last().unwrap().2.len(), 8192);
            }
            _ => {}
        }
        if name == "id3.flac" {
            assert!(
                changes.iter().any(|c| c.location == "head › ID3v2.3 TSRC"),
                "{changes:?}"
            );
            assert!(new.starts_with(b"ID3"));
        }
        // flac decodes every frame and checks the stored MD5 of the audio.
        run(Command::new("flac").args(["-t", "-s"]).arg(&out));
        let listing = run(Command::new("metaflac").arg("--list").arg(&out));
        assert!(listing.contains("ISRC=USRC17607839"), "{name}: {listing}");
        assert!(!listing.contains("GBAYE000000"), "{name}: no stale ISRC");
        assert!(
            listing.contains("BARCODE=036000291452"),
            "{name}: {listing}"
        );
        let probe = run(Command::new("ffprobe")
            .args(["-v", "error", "-show_entries", "format_tags", "-of", "json"])
            .arg(&out));
        // ffprobe joins repeated keys with ';'.
        assert!(probe.contains("USRC17607839"), "{name}: {probe}");
        assert!(
            !probe.contains("GBAYE000000"),
            "{name}: no stale ISRC: {probe}"
        );
    }
}
