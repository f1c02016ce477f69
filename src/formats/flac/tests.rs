//! FLAC reader tests: streams built byte by byte here, a sparse file on disk,
//! and (ignored by default) files made by ffmpeg, metaflac and id3v2.

use super::read::read;
use crate::formats::{Collector, FormatError};
use crate::model::{CodeKind, Container, TagFormat};
use crate::source::Source;

const STREAMINFO: u8 = 0;
const PADDING: u8 = 1;
const APPLICATION: u8 = 2;
const SEEKTABLE: u8 = 3;
const VORBIS: u8 = 4;
const CUESHEET: u8 = 5;
const PICTURE: u8 = 6;

/// Stand-in for the first audio frame: a frame sync code and some bytes.
const AUDIO: &[u8] = b"\xff\xf8\x69\x08not really audio";

/// A STREAMINFO body: 16-bit samples, `total` samples.
fn streaminfo(rate: u32, channels: u8, total: u64) -> Vec<u8> {
    let mut s = vec![0u8; 34];
    s[0..2].copy_from_slice(&4096u16.to_be_bytes());
    s[2..4].copy_from_slice(&4096u16.to_be_bytes());
    // rate (20 bits) | channels - 1 (3) | bits per sample - 1 (5) | total (36)
    let packed = (u64::from(rate) << 44) | (u64::from(channels - 1) << 41) | (15u64 << 36) | total;
    s[10..18].copy_from_slice(&packed.to_be_bytes());
    s
}

/// A block with a header declaring `declared` bytes.
fn block_declaring(ty: u8, last: bool, declared: u32, body: &[u8]) -> Vec<u8> {
    let len = declared.to_be_bytes();
    let mut b = vec![ty | if last { 0x80 } else { 0 }, len[1], len[2], len[3]];
    b.extend_from_slice(body);
    b
}

fn block(ty: u8, last: bool, body: &[u8]) -> Vec<u8> {
    block_declaring(ty, last, u32::try_from(body.len()).unwrap(), body)
}

/// A VORBIS_COMMENT body.
fn vorbis(vendor: &str, comments: &[&[u8]]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&u32::try_from(vendor.len()).unwrap().to_le_bytes());
    b.extend_from_slice(vendor.as_bytes());
    b.extend_from_slice(&u32::try_from(comments.len()).unwrap().to_le_bytes());
    for c in comments {
        b.extend_from_slice(&u32::try_from(c.len()).unwrap().to_le_bytes());
        b.extend_from_slice(c);
    }
    b
}

/// One CUESHEET track: number, ISRC bytes (at most 12), index point count.
struct Track<'a>(u8, &'a [u8], u8);

/// A CUESHEET body.
fn cuesheet(mcn: &[u8], cd_da: bool, tracks: &[Track]) -> Vec<u8> {
    let mut b = vec![0u8; 396];
    b[..mcn.len()].copy_from_slice(mcn);
    b[128..136].copy_from_slice(&88200u64.to_be_bytes());
    b[136] = if cd_da { 0x80 } else { 0 };
    b[395] = u8::try_from(tracks.len()).unwrap();
    for (i, Track(number, isrc, indices)) in tracks.iter().enumerate() {
        let mut t = vec![0u8; 36];
        t[0..8].copy_from_slice(&(u64::try_from(i).unwrap() * 44100).to_be_bytes());
        t[8] = *number;
        t[9..9 + isrc.len()].copy_from_slice(isrc);
        t[35] = *indices;
        b.extend_from_slice(&t);
        for k in 0..*indices {
            let mut p = vec![0u8; 12];
            p[0..8].copy_from_slice(&(u64::from(k) * 588).to_be_bytes());
            p[8] = k;
            b.extend_from_slice(&p);
        }
    }
    b
}

/// `fLaC`, STREAMINFO (44.1 kHz, stereo, 10 s), the given blocks, audio.
fn flac(blocks: &[Vec<u8>]) -> Vec<u8> {
    let mut f = b"fLaC".to_vec();
    f.extend(block(STREAMINFO, false, &streaminfo(44100, 2, 441_000)));
    for b in blocks {
        f.extend_from_slice(b);
    }
    f.extend_from_slice(AUDIO);
    f
}

struct Run {
    c: Collector,
    result: Result<(), FormatError>,
    bytes_read: u64,
}

fn run(bytes: &[u8]) -> Run {
    let mut slice = bytes;
    let mut src = Source::new(&mut slice, bytes.len() as u64);
    let mut c = Collector::new(Container::Flac);
    let result = read(&mut src, &mut c);
    Run {
        c,
        result,
        bytes_read: src.bytes_read,
    }
}

type Row<'a> = (
    CodeKind,
    &'a str,
    &'a str,
    Option<&'a str>,
    TagFormat,
    u64,
    Option<u32>,
);

fn rows(c: &Collector) -> Vec<Row<'_>> {
    c.sites
        .iter()
        .map(|s| {
            let l = &s.location;
            (
                s.kind,
                s.raw.as_str(),
                l.field.as_str(),
                l.chunk.as_deref(),
                l.tag,
                l.offset,
                l.track,
            )
        })
        .collect()
}

/// Offset of the first occurrence of `needle` in `hay` (the oracle for
/// expected offsets, independent of the reader's arithmetic).
fn find(hay: &[u8], needle: &[u8]) -> u64 {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .expect("needle in test file") as u64
}

fn err_text(r: &Run) -> String {
    match &r.result {
        Ok(()) => panic!("expected an error, got Ok; notes: {:?}", r.c.notes),
        Err(e) => e.to_string(),
    }
}

use CodeKind::{Barcode, Isrc};
const VC: Option<&str> = Some("VORBIS_COMMENT");
const CS: Option<&str> = Some("CUESHEET");

#[test]
fn vorbis_isrc_barcode_lowercase_key_and_two_isrcs() {
    let body = vorbis(
        "reference libFLAC 1.4.2 20221022",
        &[
            b"TITLE=Song",
            b"ISRC=USRC17607839",
            b"BARCODE=012345678905",
            b"isrc=GBAYE0000351",
            b"ISRC=GBUM71029604",
        ],
    );
    let f = flac(&[
        block(VORBIS, false, &body),
        block(PADDING, true, &[0u8; 100]),
    ]);
    let r = run(&f);
    assert!(r.result.is_ok(), "{:?}", r.result);
    assert_eq!(
        rows(&r.c),
        vec![
            (
                Isrc,
                "USRC17607839",
                "ISRC",
                VC,
                TagFormat::Vorbis,
                find(&f, b"ISRC=USRC") - 4,
                None
            ),
            (
                Barcode,
                "012345678905",
                "BARCODE",
                VC,
                TagFormat::Vorbis,
                find(&f, b"BARCODE=") - 4,
                None
            ),
            (
                Isrc,
                "GBAYE0000351",
                "isrc",
                VC,
                TagFormat::Vorbis,
                find(&f, b"isrc=") - 4,
                None
            ),
            (
                Isrc,
                "GBUM71029604",
                "ISRC",
                VC,
                TagFormat::Vorbis,
                find(&f, b"ISRC=GBUM") - 4,
                None
            ),
        ]
    );
    assert_eq!(r.c.sites[0].value.as_deref(), Some("USRC17607839"));
    assert!(r.c.sites.iter().all(|s| s.location.standard));
    assert_eq!(r.c.format.as_deref(), Some("FLAC"));
    assert_eq!(r.c.audio.sample_rate, Some(44100));
    assert_eq!(r.c.audio.channels, Some(2));
    assert_eq!(r.c.audio.duration_ms, Some(10_000));
    assert_eq!(r.c.audio.payload_offset, Some(find(&f, AUDIO)));
    assert_eq!(r.c.audio.payload_len, Some(AUDIO.len() as u64));
    assert!(r.c.notes.is_empty(), "{:?}", r.c.notes);
    // The first 10 bytes, STREAMINFO, the comments and the padding's
    // header: not the padding, not the audio.
    assert_eq!(r.bytes_read, 10 + 4 + 34 + 4 + body.len() as u64 + 4);
}

#[test]
fn upc_and_ean_aliases_are_barcodes_outside_the_standard_place() {
    let f = flac(&[block(
        VORBIS,
        true,
        &vorbis("v", &[b"UPC=012345678905", b"Ean=4006381333931"]),
    )]);
    let r = run(&f);
    assert!(r.result.is_ok(), "{:?}", r.result);
    assert_eq!(
        rows(&r.c),
        vec![
            (
                Barcode,
                "012345678905",
                "UPC",
                VC,
                TagFormat::Vorbis,
                find(&f, b"UPC=") - 4,
                None
            ),
            (
                Barcode,
                "4006381333931",
                "Ean",
                VC,
                TagFormat::Vorbis,
                find(&f, b"Ean=") - 4,
                None
            ),
        ]
    );
    assert!(r.c.sites.iter().all(|s| !s.location.standard));
}

#[test]
fn a_comment_that_mentions_an_isrc_is_not_a_code_site() {
    let f = flac(&[block(
        VORBIS,
        true,
        &vorbis(
            "v",
            &[
                b"COMMENT=ISRC USRC17607839",
                b"DESCRIPTION=isrc: USRC17607839",
                b"TITLE=USRC17607839",
            ],
        ),
    )]);
    let r = run(&f);
    assert!(r.result.is_ok(), "{:?}", r.result);
    assert!(r.c.sites.is_empty(), "{:?}", r.c.sites);
}

#[test]
fn cuesheet_catalog_number_and_track_isrcs_lead_out_skipped() {
    let f = flac(&[block(
        CUESHEET,
        true,
        &cuesheet(
            b"0123456789012",
            true,
            &[
                Track(1, b"USRC17607839", 1),
                Track(2, b"GBAYE0000351", 2),
                Track(170, b"", 0),
            ],
        ),
    )]);
    let r = run(&f);
    assert!(r.result.is_ok(), "{:?}", r.result);
    assert_eq!(
        rows(&r.c),
        vec![
            (
                Barcode,
                "0123456789012",
                "MEDIA CATALOG NUMBER",
                CS,
                TagFormat::Cuesheet,
                find(&f, b"0123456789012"),
                None
            ),
            (
                Isrc,
                "USRC17607839",
                "TRACK ISRC",
                CS,
                TagFormat::Cuesheet,
                find(&f, b"USRC17607839"),
                Some(1)
            ),
            (
                Isrc,
                "GBAYE0000351",
                "TRACK ISRC",
                CS,
                TagFormat::Cuesheet,
                find(&f, b"GBAYE0000351"),
                Some(2)
            ),
        ]
    );
    assert_eq!(r.c.sites[1].value.as_deref(), Some("USRC17607839"));
    assert!(r.c.notes.is_empty(), "{:?}", r.c.notes);
    assert_eq!(r.c.audio.payload_offset, Some(find(&f, AUDIO)));
}

#[test]
fn cuesheet_lead_out_with_an_isrc_is_reported() {
    // Not CD-DA: the lead-out is 255; 170 is an ordinary track here.
    let f = flac(&[block(
        CUESHEET,
        true,
        &cuesheet(
            b"",
            false,
            &[
                Track(170, b"USRC17607839", 1),
                Track(255, b"GBAYE0000351", 0),
            ],
        ),
    )]);
    let r = run(&f);
    assert!(r.result.is_ok(), "{:?}", r.result);
    assert_eq!(
        rows(&r.c),
        vec![
            (
                Isrc,
                "USRC17607839",
                "TRACK ISRC",
                CS,
                TagFormat::Cuesheet,
                find(&f, b"USRC17607839"),
                Some(170)
            ),
            (
                Isrc,
                "GBAYE0000351",
                "TRACK ISRC",
                CS,
                TagFormat::Cuesheet,
                find(&f, b"GBAYE0000351"),
                Some(255)
            ),
        ]
    );
}

#[test]
fn all_zero_or_empty_catalog_number_and_empty_isrcs_are_no_sites() {
    for mcn in [&b"0000000000000"[..], b""] {
        let f = flac(&[block(
            CUESHEET,
            true,
            &cuesheet(mcn, true, &[Track(1, b"", 1), Track(170, b"", 0)]),
        )]);
        let r = run(&f);
        assert!(r.result.is_ok(), "{:?}", r.result);
        assert!(r.c.sites.is_empty(), "{:?}", r.c.sites);
    }
}

#[test]
fn truncated_file_inside_vorbis_comment_keeps_the_comments_before_the_cut() {
    let full = flac(&[block(
        VORBIS,
        true,
        &vorbis(
            "v",
            &[
                b"ISRC=USRC17607839",
                b"BARCODE=012345678905",
                b"ISRC=GBAYE0000351",
            ],
        ),
    )]);
    // Cut inside the third comment's value.
    let cut = find(&full, b"GBAYE") as usize + 2;
    let f = &full[..cut];
    let r = run(f);
    let e = err_text(&r);
    assert!(
        e.contains("VORBIS_COMMENT block at byte 42 declares"),
        "{e}"
    );
    assert!(e.contains(&format!("file ends at byte {cut}")), "{e}");
    assert_eq!(
        rows(&r.c),
        vec![
            (
                Isrc,
                "USRC17607839",
                "ISRC",
                VC,
                TagFormat::Vorbis,
                find(f, b"ISRC=USRC") - 4,
                None
            ),
            (
                Barcode,
                "012345678905",
                "BARCODE",
                VC,
                TagFormat::Vorbis,
                find(f, b"BARCODE=") - 4,
                None
            ),
        ]
    );
    assert_eq!(r.c.audio.payload_offset, None);
}

#[test]
fn comment_longer_than_its_block_fails_and_the_walk_goes_on() {
    let mut body = vorbis("v", &[b"ISRC=USRC17607839", b"BARCODE=012345678905"]);
    // Second comment's length says 1000; the block (and file) are intact.
    let second = find(&body, b"BARCODE=") as usize - 4;
    body[second..second + 4].copy_from_slice(&1000u32.to_le_bytes());
    let f = flac(&[
        block(VORBIS, false, &body),
        block(
            CUESHEET,
            true,
            &cuesheet(
                b"",
                true,
                &[Track(1, b"GBAYE0000351", 1), Track(170, b"", 0)],
            ),
        ),
    ]);
    let r = run(&f);
    let e = err_text(&r);
    let comment_at = find(&f, b"BARCODE=") - 4;
    assert!(e.contains("VORBIS_COMMENT block at byte 42"), "{e}");
    assert!(
        e.contains(&format!("comment 2 at byte {comment_at} claims 1000 bytes")),
        "{e}"
    );
    assert_eq!(
        rows(&r.c),
        vec![
            (
                Isrc,
                "USRC17607839",
                "ISRC",
                VC,
                TagFormat::Vorbis,
                find(&f, b"ISRC=") - 4,
                None
            ),
            (
                Isrc,
                "GBAYE0000351",
                "TRACK ISRC",
                CS,
                TagFormat::Cuesheet,
                find(&f, b"GBAYE0000351"),
                Some(1)
            ),
        ]
    );
    assert_eq!(r.c.audio.payload_offset, Some(find(&f, AUDIO)));
}

#[test]
fn huge_comment_count_in_a_small_block_fails_fast() {
    // 20 bytes: vendor length 0, count 4,294,967,295, one 8-byte comment.
    let mut body = Vec::new();
    body.extend_from_slice(&0u32.to_le_bytes());
    body.extend_from_slice(&u32::MAX.to_le_bytes());
    body.extend_from_slice(&8u32.to_le_bytes());
    body.extend_from_slice(b"ISRC=abc");
    assert_eq!(body.len(), 20);
    let f = flac(&[block(VORBIS, true, &body)]);
    let r = run(&f);
    let e = err_text(&r);
    assert!(
        e.contains("declares 4294967295 comments but ends after 1"),
        "{e}"
    );
    // The one comment that was there was offered (and is not a valid code).
    assert_eq!(r.c.sites.len(), 1);
    assert_eq!(r.c.sites[0].raw, "abc");
}

#[test]
fn huge_vendor_length_fails() {
    let mut body = Vec::new();
    body.extend_from_slice(&u32::MAX.to_le_bytes());
    body.extend_from_slice(&[0u8; 16]);
    let f = flac(&[block(VORBIS, true, &body)]);
    let r = run(&f);
    let e = err_text(&r);
    assert!(
        e.contains("vendor string at byte 46 claims 4294967295 bytes but only 16 remain"),
        "{e}"
    );
}

#[test]
fn block_length_past_the_end_of_the_file() {
    let mut f = b"fLaC".to_vec();
    f.extend(block(STREAMINFO, false, &streaminfo(48000, 1, 48000)));
    f.extend(block_declaring(SEEKTABLE, true, 1000, &[0u8; 18]));
    let r = run(&f);
    let e = err_text(&r);
    assert_eq!(
        e,
        format!(
            "SEEKTABLE block at byte 42 declares 1000 bytes but the file ends at byte {}, 18 bytes after its header (truncated or damaged)",
            f.len()
        )
    );
    // STREAMINFO before the damage is kept.
    assert_eq!(r.c.audio.sample_rate, Some(48000));
    assert_eq!(r.c.audio.channels, Some(1));
    assert_eq!(r.c.audio.duration_ms, Some(1000));
    assert_eq!(r.c.audio.payload_offset, None);
}

#[test]
fn picture_claiming_10_mb_on_a_small_file_is_an_error_not_an_allocation() {
    let f = flac(&[
        block(VORBIS, false, &vorbis("v", &[b"ISRC=USRC17607839"])),
        block_declaring(PICTURE, true, 10 * 1024 * 1024, &[0u8; 40]),
    ]);
    let r = run(&f);
    let e = err_text(&r);
    let at = find(&f, b"\x86\xa0\x00\x00");
    assert!(
        e.starts_with(&format!(
            "PICTURE block at byte {at} declares 10485760 bytes but the file ends at byte {}",
            f.len()
        )),
        "{e}"
    );
    assert_eq!(r.c.sites.len(), 1);
    assert!(r.bytes_read < 200, "{}", r.bytes_read);
}

#[test]
fn zero_length_blocks_are_walked() {
    let f = flac(&[
        block(PADDING, false, b""),
        block(APPLICATION, false, b""),
        block(SEEKTABLE, false, b""),
        block(PICTURE, false, b""),
        block(9, false, b""),
        block(VORBIS, false, &vorbis("v", &[b"ISRC=USRC17607839"])),
        block(PADDING, true, b""),
    ]);
    let r = run(&f);
    assert!(r.result.is_ok(), "{:?}", r.result);
    assert_eq!(
        rows(&r.c),
        vec![(
            Isrc,
            "USRC17607839",
            "ISRC",
            VC,
            TagFormat::Vorbis,
            find(&f, b"ISRC=") - 4,
            None
        )]
    );
    assert_eq!(r.c.audio.payload_offset, Some(find(&f, AUDIO)));
    assert_eq!(r.c.notes.len(), 2, "{:?}", r.c.notes);
    assert!(
        r.c.notes[0].starts_with("APPLICATION block at byte 46 is 0 bytes"),
        "{:?}",
        r.c.notes
    );
    assert!(
        r.c.notes[1].starts_with("PICTURE block at byte 54 is 0 bytes"),
        "{:?}",
        r.c.notes
    );
}

#[test]
fn zero_length_vorbis_comment_is_damage_and_the_cuesheet_after_it_is_read() {
    let f = flac(&[
        block(VORBIS, false, b""),
        block(
            CUESHEET,
            true,
            &cuesheet(b"0123456789012", true, &[Track(170, b"", 0)]),
        ),
    ]);
    let r = run(&f);
    let e = err_text(&r);
    assert_eq!(
        e,
        "VORBIS_COMMENT block at byte 42 (0 bytes): no room for the vendor string length at byte 46"
    );
    assert_eq!(
        rows(&r.c),
        vec![(
            Barcode,
            "0123456789012",
            "MEDIA CATALOG NUMBER",
            CS,
            TagFormat::Cuesheet,
            50,
            None
        )]
    );
    assert_eq!(r.c.audio.payload_offset, Some(find(&f, AUDIO)));
}

#[test]
fn cuesheet_counts_are_bounded_by_the_block() {
    // 3 tracks declared, 1 present.
    let mut body = cuesheet(b"", true, &[Track(1, b"USRC17607839", 0)]);
    body[395] = 3;
    let r = run(&flac(&[block(CUESHEET, true, &body)]));
    let e = err_text(&r);
    assert!(
        e.contains("declares 3 tracks but ends inside track 2"),
        "{e}"
    );
    assert_eq!(r.c.sites.len(), 1);

    // 255 index points declared, none present.
    let mut body = cuesheet(b"", true, &[Track(1, b"USRC17607839", 0)]);
    let last = body.len() - 1;
    body[last] = 255;
    let r = run(&flac(&[block(CUESHEET, true, &body)]));
    let e = err_text(&r);
    assert!(e.contains("track 1 at byte 442"), "{e}");
    assert!(
        e.contains("declares 255 index points (3060 bytes) but only 0 bytes remain"),
        "{e}"
    );
    assert!(r.c.sites.is_empty());

    // Shorter than the fixed header.
    let r = run(&flac(&[block(CUESHEET, true, &[0u8; 395])]));
    assert!(err_text(&r).contains("CUESHEET block at byte 42 (395 bytes): too short"));
}

#[test]
fn missing_marker_and_missing_last_block() {
    for bytes in [&b"OggS\0\x02"[..], b"", b"fLa"] {
        let r = run(bytes);
        assert!(
            err_text(&r).starts_with("no \"fLaC\" stream marker at byte 0"),
            "{}",
            err_text(&r)
        );
        assert_eq!(r.c.format, None);
    }
    let mut f = b"fLaC".to_vec();
    f.extend(block(STREAMINFO, false, &streaminfo(44100, 2, 0)));
    let r = run(&f);
    assert_eq!(
        err_text(&r),
        "the FLAC metadata ends at byte 42 before a block marked last: no room for a 4-byte block header at byte 42 (truncated or damaged)"
    );
    assert_eq!(r.c.format.as_deref(), Some("FLAC"));
}

#[test]
fn id3v2_tag_in_front_shifts_every_offset() {
    // An ID3v2.3 tag holding 10 bytes of padding only.
    let mut f = b"ID3\x03\x00\x00\x00\x00\x00\x0a".to_vec();
    f.extend_from_slice(&[0u8; 10]);
    f.extend(flac(&[block(
        VORBIS,
        true,
        &vorbis("v", &[b"ISRC=USRC17607839"]),
    )]));
    let r = run(&f);
    assert!(r.result.is_ok(), "{:?}", r.result);
    assert_eq!(
        rows(&r.c),
        vec![(
            Isrc,
            "USRC17607839",
            "ISRC",
            VC,
            TagFormat::Vorbis,
            find(&f, b"ISRC=") - 4,
            None
        )]
    );
    assert_eq!(find(&f, b"ISRC=") - 4, 20 + 46 + 4 + 1 + 4);
    assert!(
        r.c.notes[0].starts_with("an ID3v2 tag precedes the FLAC stream"),
        "{:?}",
        r.c.notes
    );
    assert_eq!(r.c.audio.payload_offset, Some(find(&f, AUDIO)));

    // A broken ID3v2 size: the stream cannot be found.
    let mut bad = b"ID3\x03\x00\x00\x80\x00\x00\x0a".to_vec();
    bad.extend(flac(&[]));
    assert!(err_text(&run(&bad)).contains("ID3v2 header is invalid"));
}

#[test]
fn odd_blocks_are_noted() {
    let mut f = b"fLaC".to_vec();
    f.extend(block(
        VORBIS,
        false,
        &vorbis("v", &[b"NOEQUALS", b"ISRC=\xffUSRC17607839"]),
    ));
    f.extend(block(STREAMINFO, false, &streaminfo(0, 2, 1000)));
    f.extend(block(127, false, &[0u8; 4]));
    f.extend(block(VORBIS, true, &vorbis("v", &[b"ISRC=GBAYE0000351"])));
    f.extend_from_slice(AUDIO);
    let r = run(&f);
    assert!(r.result.is_ok(), "{:?}", r.result);
    let notes = r.c.notes.join("\n");
    for want in [
        "comment at byte 17 has no '='",
        "is not valid UTF-8",
        "the first metadata block (byte 4) is VORBIS_COMMENT, not STREAMINFO",
        "sample rate of 0",
        "forbidden type 127",
        "a second VORBIS_COMMENT block",
    ] {
        assert!(notes.contains(want), "missing {want:?} in:\n{notes}");
    }
    assert_eq!(r.c.sites.len(), 2);
    assert_eq!(r.c.sites[0].raw, "\u{fffd}USRC17607839");
    assert_eq!(r.c.sites[1].raw, "GBAYE0000351");
    assert_eq!(r.c.audio.sample_rate, None);
    assert_eq!(r.c.audio.duration_ms, None);
    assert_eq!(r.c.audio.channels, Some(2));
}

#[test]
fn id3v1_tail_is_noted_and_left_in_the_payload() {
    let mut f = flac(&[block(PADDING, true, &[0u8; 8])]);
    f.extend_from_slice(&[0x55; 300]);
    let tail_at = f.len();
    f.extend_from_slice(b"TAG");
    f.extend_from_slice(&[0u8; 125]);
    let r = run(&f);
    assert!(r.result.is_ok(), "{:?}", r.result);
    assert_eq!(
        r.c.notes,
        vec![format!(
            "an ID3v1 tag ends the file (byte {tail_at}): not a FLAC tag, it holds no codes; \
             it is counted in the audio payload's length"
        )]
    );
    let audio_at = find(&f, AUDIO);
    assert_eq!(r.c.audio.payload_offset, Some(audio_at));
    assert_eq!(r.c.audio.payload_len, Some(f.len() as u64 - audio_at));

    // The last 128 bytes overlapping the metadata are not looked at.
    let mut pad = [0u8; 200];
    let f = flac(&[block(PADDING, true, &pad)]);
    let tail_at = f.len() - 128;
    assert!(tail_at > 46 && tail_at < find(&f, AUDIO) as usize);
    pad[tail_at - 46..tail_at - 46 + 3].copy_from_slice(b"TAG");
    let f = flac(&[block(PADDING, true, &pad)]);
    assert_eq!(&f[tail_at..tail_at + 3], b"TAG");
    let r = run(&f);
    assert!(r.c.notes.is_empty(), "{:?}", r.c.notes);
}

#[test]
fn unknown_total_samples_means_unknown_duration() {
    let mut f = b"fLaC".to_vec();
    f.extend(block(STREAMINFO, true, &streaminfo(96000, 6, 0)));
    f.extend_from_slice(AUDIO);
    let r = run(&f);
    assert!(r.result.is_ok(), "{:?}", r.result);
    assert_eq!(r.c.audio.sample_rate, Some(96000));
    assert_eq!(r.c.audio.channels, Some(6));
    assert_eq!(r.c.audio.duration_ms, None);
    assert_eq!(r.c.audio.payload_offset, Some(42));
}

#[test]
fn endless_chain_of_blocks_is_cut_off() {
    let mut f = b"fLaC".to_vec();
    for _ in 0..5000 {
        f.extend(block(PADDING, false, b""));
    }
    let r = run(&f);
    assert!(err_text(&r).starts_with("more than 4096 FLAC metadata blocks"));
    assert!(r.bytes_read <= 4 + 4096 * 4 + 10, "{}", r.bytes_read);
}

#[test]
fn sparse_50_mb_file_reads_only_the_metadata() {
    use std::io::Write;
    let head = flac(&[
        block(SEEKTABLE, false, &[0u8; 18 * 4]),
        block(
            VORBIS,
            false,
            &vorbis("v", &[b"ISRC=USRC17607839", b"BARCODE=012345678905"]),
        ),
        block(
            CUESHEET,
            false,
            &cuesheet(
                b"0123456789012",
                true,
                &[Track(1, b"GBAYE0000351", 1), Track(170, b"", 0)],
            ),
        ),
        block(PICTURE, false, &vec![0u8; 20_000]),
        block(PADDING, true, &[0u8; 8192]),
    ]);
    let mut tmp = tempfile::tempfile().unwrap();
    tmp.write_all(&head).unwrap();
    let total: u64 = 50 * 1024 * 1024;
    tmp.set_len(total).unwrap();
    let mut src = Source::new(&mut tmp, total);
    let mut c = Collector::new(Container::Flac);
    read(&mut src, &mut c).unwrap();
    assert_eq!(c.sites.len(), 4);
    let audio_at = find(&head, AUDIO);
    assert_eq!(c.audio.payload_offset, Some(audio_at));
    assert_eq!(c.audio.payload_len, Some(total - audio_at));
    // At most the two windows small reads are served from: the picture
    // and the padding are not read beyond what a window holds.
    assert!(
        src.bytes_read <= 2 * crate::source::WINDOW,
        "{}",
        src.bytes_read
    );
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// Any bytes after the marker: an answer, never a panic.
        #[test]
        fn arbitrary_metadata_never_panics(tail in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let mut f = b"fLaC".to_vec();
            f.extend_from_slice(&tail);
            let r = run(&f);
            prop_assert!(r.bytes_read <= f.len() as u64 * 2);
        }

        /// Any byte of a well-formed stream changed: no panic.
        #[test]
        fn mutated_stream_never_panics(at in 0usize..700, byte in any::<u8>()) {
            let mut f = flac(&[
                block(VORBIS, false, &vorbis("v", &[b"ISRC=USRC17607839"])),
                block(CUESHEET, true, &cuesheet(b"0123456789012", true, &[Track(1, b"GBAYE0000351", 2), Track(170, b"", 0)])),
            ]);
            let i = at % f.len();
            f[i] = byte;
            let _ = run(&f);
        }
    }
}

/// Files made by the real tools (ffmpeg, metaflac, id3v2) in a temp folder.
/// Needs those tools, so it runs only on request:
/// `cargo test flac::tests::real_tools -- --ignored`. It fails, never skips,
/// when a tool is missing.
#[test]
#[ignore = "needs ffmpeg, metaflac and id3v2 on PATH"]
fn real_tools() {
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.flac");
    let cue = dir.path().join("t.cue");
    let sh = |cmd: &mut Command| {
        let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
        assert!(
            out.status.success(),
            "{cmd:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    sh(Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i"])
        .arg("sine=frequency=440:sample_rate=44100:duration=3")
        .args([
            "-ac",
            "2",
            "-c:a",
            "flac",
            "-metadata",
            "ISRC=USRC17607839",
            "-metadata",
            "BARCODE=012345678905",
        ])
        .arg(&path));
    let read_file = |p: &std::path::Path| {
        let mut file = std::fs::File::open(p).unwrap();
        let len = file.metadata().unwrap().len();
        let mut src = Source::new(&mut file, len);
        let mut c = Collector::new(Container::Flac);
        let result = read(&mut src, &mut c);
        (c, result, len)
    };
    let (c, result, len) = read_file(&path);
    result.unwrap();
    let got: Vec<_> = c
        .sites
        .iter()
        .map(|s| (s.kind, s.raw.as_str(), s.location.field.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Isrc, "USRC17607839", "ISRC"),
            (Barcode, "012345678905", "BARCODE")
        ]
    );
    assert_eq!(c.audio.duration_ms, Some(3000));
    assert!(c.audio.payload_offset.unwrap() > 8192 && c.audio.payload_len.unwrap() < len);

    std::fs::write(
        &cue,
        "CATALOG 0123456789012\nFILE \"t.flac\" WAVE\n  TRACK 01 AUDIO\n    ISRC USRC17607839\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    ISRC GBAYE0000351\n    INDEX 00 00:01:00\n    INDEX 01 00:01:30\n",
    )
    .unwrap();
    sh(Command::new("metaflac")
        .args([
            "--remove-all-tags",
            "--set-tag=ISRC=USRC17607839",
            "--set-tag=isrc=GBAYE0000351",
        ])
        .args([
            "--set-tag=UPC=012345678905",
            "--set-tag=COMMENT=ISRC USRC17607839",
        ])
        .arg(format!("--import-cuesheet-from={}", cue.display()))
        .arg(&path));
    let (c, result, _) = read_file(&path);
    result.unwrap();
    let got: Vec<_> = c
        .sites
        .iter()
        .map(|s| (s.raw.as_str(), s.location.field.as_str(), s.location.track))
        .collect();
    assert_eq!(
        got,
        vec![
            ("USRC17607839", "ISRC", None),
            ("GBAYE0000351", "isrc", None),
            ("012345678905", "UPC", None),
            ("0123456789012", "MEDIA CATALOG NUMBER", None),
            ("USRC17607839", "TRACK ISRC", Some(1)),
            ("GBAYE0000351", "TRACK ISRC", Some(2)),
        ]
    );

    // id3v2 (the command-line tool) puts an ID3v2.3 tag in front.
    sh(Command::new("id3v2")
        .args(["--TSRC", "GBUM71029604"])
        .arg(&path));
    let (c, result, _) = read_file(&path);
    result.unwrap();
    assert!(
        c.notes
            .iter()
            .any(|n| n.starts_with("an ID3v2 tag precedes")),
        "{:?}",
        c.notes
    );
    let vorbis: Vec<_> = c
        .sites
        .iter()
        .filter(|s| s.location.tag == TagFormat::Vorbis)
        .collect();
    assert_eq!(vorbis.len(), 3);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(vorbis[0].location.offset, find(&bytes, b"ISRC=USRC") - 4);
    // It also appends an ID3v1 tag, which stays inside the payload length.
    assert!(
        c.notes
            .iter()
            .any(|n| n.starts_with("an ID3v1 tag ends the file")),
        "{:?}",
        c.notes
    );
    assert_eq!(
        c.audio.payload_offset.unwrap() + c.audio.payload_len.unwrap(),
        bytes.len() as u64
    );
}
