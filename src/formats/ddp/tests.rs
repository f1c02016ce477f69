//! The DDP reader on images built byte by byte here (independent of
//! `testdata/ddp/make_ddp.py`), written to a temporary folder.

use super::read::{level, pack_crc};
use crate::model::{CodeKind, Container, FileStatus, TagFormat};
use std::path::Path;

/// A fixed-width ASCII field: `s` padded with spaces to `n` bytes.
fn pad(s: &str, n: usize) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.resize(n, b' ');
    v
}

fn ddpid(level: &str, upc: &str) -> Vec<u8> {
    let mut v = pad(level, 8); // 0-7
    v.extend(pad(upc, 13)); // 8-20
    v.resize(128, b' ');
    v
}

/// A map packet: stream type, SUB, CD mode, track, ISRC, file name.
fn packet(dst: &str, sub: &str, cdm: &str, trk: &str, isrc: &str, name: &str) -> Vec<u8> {
    let mut v = b"VVVM".to_vec(); // 0-3
    v.extend(pad(dst, 2)); // 4-5
    v.extend(pad("", 24)); // 6-29: DSP, DSL, DSS
    v.extend(pad(sub, 8)); // 30-37
    v.extend(pad(cdm, 2)); // 38-39
    v.extend(pad("", 15)); // 40-54
    v.extend(pad(trk, 2)); // 55-56
    v.extend(pad("", 2)); // 57-58
    v.extend(pad(isrc, 12)); // 59-70
    v.extend(format!("{:03}", name.len()).as_bytes()); // 71-73
    v.extend(pad(name, 17)); // 74-90
    v.resize(128, b' ');
    v
}

/// A PQ entry: track, index, time, ISRC, UPC/EAN.
fn pq(trk: &str, idx: &str, msf: &str, isrc: &str, upc: &str) -> Vec<u8> {
    let mut v = b"VVVS".to_vec();
    v.extend(pad(trk, 2)); // 4-5
    v.extend(pad(idx, 2)); // 6-7
    v.extend(pad("", 2)); // 8-9 hours
    v.extend(pad(msf, 6)); // 10-15
    v.extend(pad("", 4)); // 16-19 control bytes
    v.extend(pad(isrc, 12)); // 20-31
    v.extend(pad(upc, 13)); // 32-44
    v.resize(64, b' ');
    v
}

/// A CD-TEXT pack with its CRC.
fn pack(ty: u8, track: u8, seq: u8, pos: u8, text: &[u8]) -> Vec<u8> {
    let mut v = vec![ty, track, seq, pos];
    let mut t = text.to_vec();
    t.resize(12, 0);
    v.extend(t);
    let crc = pack_crc(&v);
    v.extend(crc.to_be_bytes());
    v
}

/// ISRC packs (0x8E) for disc UPC + tracks' ISRCs, NUL-separated.
fn isrc_packs(strings: &[&str]) -> Vec<u8> {
    let mut text = Vec::new();
    for s in strings {
        text.extend(s.as_bytes());
        text.push(0);
    }
    let mut out = Vec::new();
    for (i, chunk) in text.chunks(12).enumerate() {
        // The track whose text the pack starts in.
        let before = i * 12;
        let track = text[..before].iter().filter(|&&b| b == 0).count() as u8;
        out.extend(pack(0x8E, track, i as u8, 0, chunk));
    }
    out
}

fn write(dir: &Path, files: &[(&str, Vec<u8>)]) {
    for (n, b) in files {
        std::fs::write(dir.join(n), b).expect("write");
    }
}

fn map(cdtext: bool) -> Vec<u8> {
    let mut m = packet("D0", "", "DA", "", "", "IMAGE.DAT");
    m.extend(packet("S0", "PQ DESCR", "", "", "", "PQDESCR"));
    if cdtext {
        m.extend(packet("S0", "CDTEXT", "", "", "", "CDTEXT.BIN"));
    }
    m
}

fn clean(dir: &Path) {
    let mut p = pq("00", "00", "000000", "", "0724384960650");
    p.extend(pq("01", "01", "000200", "GBAYE6800011", ""));
    p.extend(pq("02", "00", "030000", "", ""));
    p.extend(pq("02", "01", "030200", "GBAYE6800012", ""));
    p.extend(pq("AA", "01", "060000", "", ""));
    write(
        dir,
        &[
            ("DDPID", ddpid("DDP 2.00", "0724384960650")),
            ("DDPMS", map(true)),
            ("IMAGE.DAT", vec![0; 2352]),
            ("PQDESCR", p),
            (
                "CDTEXT.BIN",
                isrc_packs(&["0724384960650", "GBAYE6800011", "GBAYE6800012"]),
            ),
        ],
    );
}

#[test]
fn the_level_is_the_first_eight_bytes() {
    assert_eq!(level(b"DDP 2.00xyz"), Some("2.00"));
    assert_eq!(level(b"DDP 1.01"), Some("1.01"));
    assert_eq!(level(b"DDP 3.00"), None);
    assert_eq!(level(b"DDP 2.0"), None);
    assert_eq!(level(b"RIFF\0\0\0\0WAVE"), None);
}

#[test]
fn the_pack_crc_is_crc16_ccitt_inverted() {
    // CRC-16/XMODEM of "123456789" is 0x31C3 (the CRC catalogue's check
    // value); CD-TEXT stores it inverted (CRC-16/GSM, check 0xCE3C).
    assert_eq!(pack_crc(b"123456789"), 0xCE3C);
}

/// A site as the tests compare it: tag, field, file, raw, offset, track.
type Row<'a> = (
    TagFormat,
    &'a str,
    Option<&'a str>,
    &'a str,
    u64,
    Option<u32>,
);

#[test]
fn a_clean_image_lists_every_site() {
    let dir = tempfile::tempdir().expect("tmp");
    clean(dir.path());
    let r = crate::read_file(dir.path().join("DDPID"));
    assert_eq!(r.container, Some(Container::Ddp));
    assert_eq!(r.status, FileStatus::Ok, "{:?}", r.error);
    assert_eq!(r.format.as_deref(), Some("DDP 2.00"));
    let got: Vec<Row> = r
        .codes
        .iter()
        .map(|s| {
            (
                s.location.tag,
                s.location.field.as_str(),
                s.location.chunk.as_deref(),
                s.raw.as_str(),
                s.location.offset,
                s.location.track,
            )
        })
        .collect();
    use TagFormat::{CdText, Ddp};
    assert_eq!(
        got,
        vec![
            (
                Ddp,
                "DDPID UPC/EAN",
                Some("DDPID"),
                "0724384960650",
                8,
                None
            ),
            (
                Ddp,
                "PQ UPC/EAN",
                Some("PQDESCR"),
                "0724384960650",
                32,
                None
            ),
            (
                Ddp,
                "PQ ISRC",
                Some("PQDESCR"),
                "GBAYE6800011",
                64 + 20,
                Some(1)
            ),
            (
                Ddp,
                "PQ ISRC",
                Some("PQDESCR"),
                "GBAYE6800012",
                192 + 20,
                Some(2)
            ),
            (
                CdText,
                "UPC/EAN",
                Some("CDTEXT.BIN"),
                "0724384960650",
                4,
                None
            ),
            // "0724384960650\0" is 14 bytes: the ISRC starts in pack 2 at byte 2.
            (
                CdText,
                "ISRC",
                Some("CDTEXT.BIN"),
                "GBAYE6800011",
                18 + 4 + 2,
                Some(1)
            ),
            (
                CdText,
                "ISRC",
                Some("CDTEXT.BIN"),
                "GBAYE6800012",
                36 + 4 + 3,
                Some(2)
            ),
        ]
    );
    assert!(r.codes.iter().all(|s| s.valid && s.location.standard));
    assert!(
        r.codes[2]
            .notes
            .iter()
            .any(|n| n == "PQDESCR entry 2: track 01 index 01 at 00:02:00")
    );
    assert!(r.codes.iter().filter(|s| s.kind == CodeKind::Isrc).count() == 4);
    assert!(
        r.notes
            .iter()
            .any(|n| n == "DDPMS packet 1: D0 stream IMAGE.DAT (CD-DA audio)")
    );
    assert!(
        !r.notes.iter().any(|n| n.contains("differs")),
        "{:?}",
        r.notes
    );
}

#[test]
fn disagreements_are_notes_on_the_file() {
    let dir = tempfile::tempdir().expect("tmp");
    clean(dir.path());
    write(
        dir.path(),
        &[
            ("DDPID", ddpid("DDP 2.00", "0075678164125")),
            (
                "CDTEXT.BIN",
                isrc_packs(&["0724384960650", "GBAYE6800011", "USRC17607839"]),
            ),
        ],
    );
    let r = crate::read_file(dir.path().join("DDPID"));
    assert_eq!(r.status, FileStatus::Ok, "{:?}", r.error);
    assert!(r.notes.contains(&"the disc's UPC/EAN differs between the image's sites: DDPID 0075678164125, PQDESCR 0724384960650, CDTEXT.BIN 0724384960650".to_string()), "{:?}", r.notes);
    assert!(r.notes.contains(&"track 02's ISRC differs between the image's sites: PQDESCR GBAYE6800012, CDTEXT.BIN USRC17607839".to_string()), "{:?}", r.notes);
    assert!(!r.notes.iter().any(|n| n.starts_with("track 01")));
}

#[test]
fn a_ddpms_isrc_is_a_site_of_its_track() {
    let dir = tempfile::tempdir().expect("tmp");
    clean(dir.path());
    let mut m = packet("D0", "", "DA", "01", "GBAYE6800011", "IMAGE.DAT");
    m.extend(packet("S0", "PQ DESCR", "", "", "", "PQDESCR"));
    write(dir.path(), &[("DDPMS", m)]);
    let r = crate::read_file(dir.path().join("DDPID"));
    let s = &r.codes[1];
    assert_eq!(
        (
            s.location.field.as_str(),
            s.raw.as_str(),
            s.location.offset,
            s.location.track
        ),
        ("DDPMS ISRC", "GBAYE6800011", 59, Some(1))
    );
}

#[test]
fn damage_keeps_what_came_before() {
    let dir = tempfile::tempdir().expect("tmp");
    clean(dir.path());
    // Truncated PQ: the third entry is cut in half.
    let p = std::fs::read(dir.path().join("PQDESCR")).expect("pq");
    write(dir.path(), &[("PQDESCR", p[..64 * 2 + 32].to_vec())]);
    std::fs::remove_file(dir.path().join("IMAGE.DAT")).expect("rm");
    let r = crate::read_file(dir.path().join("DDPID"));
    assert_eq!(r.status, FileStatus::Damaged);
    let e = r.error.as_deref().unwrap_or("");
    assert!(
        e.contains("PQDESCR is 160 bytes, not a whole number of 64-byte PQ entries"),
        "{e}"
    );
    assert!(
        e.contains("DDPMS packet 1 @0 names IMAGE.DAT, which is not in the DDPID's folder"),
        "{e}"
    );
    let raws: Vec<&str> = r.codes.iter().map(|s| s.raw.as_str()).collect();
    assert_eq!(
        raws[..3],
        ["0724384960650", "0724384960650", "GBAYE6800011"]
    );
}

#[test]
fn non_digits_and_bad_crcs_are_damage() {
    let dir = tempfile::tempdir().expect("tmp");
    clean(dir.path());
    let mut ct = isrc_packs(&["0724384960650", "GBAYE6800011", "GBAYE6800012"]);
    ct[17] ^= 0xFF;
    write(
        dir.path(),
        &[
            ("DDPID", ddpid("DDP 2.00", "07243849606X0")),
            ("PQDESCR", pq("0x", "01", "000200", "GBAYE6800011", "")),
            ("CDTEXT.BIN", ct),
        ],
    );
    let r = crate::read_file(dir.path().join("DDPID"));
    let e = r.error.as_deref().unwrap_or("");
    assert!(
        e.contains("DDPID UPC/EAN (bytes 8-20) \"07243849606X0\" is not digits"),
        "{e}"
    );
    assert!(
        e.contains("PQDESCR entry 1 @0: track number (bytes 4-5) \"0x\" is not digits"),
        "{e}"
    );
    assert!(
        e.contains("CDTEXT.BIN pack 1 @0 (ISRC pack 0x8E): CRC"),
        "{e}"
    );
    assert!(!r.codes[0].valid);
    assert_eq!(r.codes[1].location.track, None);
}

#[test]
fn from_memory_only_the_ddpid_is_read() {
    let r = crate::read_bytes("DDPID", &ddpid("DDP 1.01", "0724384960650"));
    assert_eq!(r.container, Some(Container::Ddp));
    assert_eq!(r.format.as_deref(), Some("DDP 1.01"));
    assert_eq!(r.codes.len(), 1);
    assert_eq!(r.codes[0].raw, "0724384960650");
    assert!(r.error.as_deref().unwrap_or("").contains("DDPMS not read"));
}

#[test]
fn a_blank_or_zero_barcode_is_no_site() {
    for upc in ["", "0000000000000"] {
        let r = crate::read_bytes("DDPID", &ddpid("DDP 2.00", upc));
        assert!(r.codes.is_empty(), "{upc:?}");
    }
}

#[test]
fn a_short_ddpid_is_damage_not_a_panic() {
    for n in 8..128 {
        let r = crate::read_bytes("DDPID", &ddpid("DDP 2.00", "0724384960650")[..n]);
        assert_eq!(r.status, FileStatus::Damaged, "{n}");
    }
}

#[test]
fn a_map_name_with_a_folder_part_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    clean(dir.path());
    let mut m = map(false);
    m.extend(packet("S0", "CDTEXT", "", "", "", "../DDPID"));
    write(dir.path(), &[("DDPMS", m)]);
    let r = crate::read_file(dir.path().join("DDPID"));
    let e = r.error.as_deref().unwrap_or("");
    assert!(
        e.contains(
            "DDPMS packet 3 @256 names \"../DDPID\", which is not a file name in the image's folder"
        ),
        "{e}"
    );
    assert!(!r.codes.iter().any(|s| s.location.tag == TagFormat::CdText));
}

#[test]
fn a_tab_repeats_the_track_before() {
    let dir = tempfile::tempdir().expect("tmp");
    clean(dir.path());
    write(
        dir.path(),
        &[("CDTEXT.BIN", isrc_packs(&["", "GBAYE6800011", "\t"]))],
    );
    let r = crate::read_file(dir.path().join("DDPID"));
    let ct: Vec<_> = r
        .codes
        .iter()
        .filter(|s| s.location.tag == TagFormat::CdText)
        .collect();
    assert_eq!(ct.len(), 2, "{ct:?}");
    assert_eq!(
        (
            ct[0].raw.as_str(),
            ct[0].location.track,
            ct[0].location.offset
        ),
        ("GBAYE6800011", Some(1), 5)
    );
    assert_eq!(
        (
            ct[1].raw.as_str(),
            ct[1].location.track,
            ct[1].location.offset
        ),
        ("GBAYE6800011", Some(2), 24)
    );
    assert!(
        ct[1]
            .notes
            .iter()
            .any(|n| n.ends_with("stored as a TAB, the same as the track before"))
    );
    // Track 2's ISRC in PQ differs from the TAB's: noted.
    assert!(
        r.notes
            .iter()
            .any(|n| n.starts_with("track 02's ISRC differs")),
        "{:?}",
        r.notes
    );
}

#[test]
fn a_lying_name_size_is_damage() {
    let dir = tempfile::tempdir().expect("tmp");
    clean(dir.path());
    let mut m = map(false);
    m[71..74].copy_from_slice(b"099");
    write(dir.path(), &[("DDPMS", m)]);
    let r = crate::read_file(dir.path().join("DDPID"));
    let e = r.error.as_deref().unwrap_or("");
    assert!(e.contains("DDPMS packet 1 @0: the file name's size (bytes 71-73) \"099\" is not a number of at most 17"), "{e}");
    assert_eq!(r.codes.len(), 4, "the PQ stream is still read");
}

/// The files beside the DDPID are not fuzzed by the `ddp` target (it has
/// no folder): damage each file of a clean image here, byte by byte or by
/// a cut, and read it from disk. No panic, and the DDPID's barcode, read
/// first, is always kept.
mod damaged_siblings {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_damage_reads_without_panic(
            which in 0usize..3,
            flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
            cut in proptest::option::of(any::<prop::sample::Index>()),
        ) {
            let dir = tempfile::tempdir().expect("tmp");
            clean(dir.path());
            let name = ["DDPMS", "PQDESCR", "CDTEXT.BIN"][which];
            let mut b = std::fs::read(dir.path().join(name)).expect("read");
            for (i, v) in flips {
                let i = i.index(b.len());
                b[i] = v;
            }
            if let Some(c) = cut {
                b.truncate(c.index(b.len()));
            }
            write(dir.path(), &[(name, b)]);
            let r = crate::read_file(dir.path().join("DDPID"));
            prop_assert_eq!(r.container, Some(Container::Ddp));
            prop_assert_eq!(r.codes.first().map(|s| s.raw.as_str()), Some("0724384960650"));
        }
    }
}

#[test]
fn a_cdtext_file_with_a_read_toc_header_and_names_in_another_case() {
    let dir = tempfile::tempdir().expect("tmp");
    clean(dir.path());
    let packs = isrc_packs(&["0724384960650", "GBAYE6800011", "GBAYE6800012"]);
    let mut ct = ((packs.len() + 2) as u16).to_be_bytes().to_vec();
    ct.extend([0, 0]);
    ct.extend(packs);
    std::fs::remove_file(dir.path().join("CDTEXT.BIN")).expect("rm");
    std::fs::rename(dir.path().join("PQDESCR"), dir.path().join("pqdescr")).expect("mv");
    write(dir.path(), &[("cdtext.bin", ct)]);
    let r = crate::read_file(dir.path().join("DDPID"));
    assert_eq!(r.status, FileStatus::Ok, "{:?}", r.error);
    let ct: Vec<(&str, u64)> = r
        .codes
        .iter()
        .filter(|s| s.location.tag == TagFormat::CdText)
        .map(|s| (s.raw.as_str(), s.location.offset))
        .collect();
    assert_eq!(
        ct,
        [
            ("0724384960650", 8),
            ("GBAYE6800011", 4 + 18 + 4 + 2),
            ("GBAYE6800012", 4 + 36 + 4 + 3)
        ]
    );
    assert_eq!(r.codes.len(), 7);
}

/// The patch planner (`write.rs`) on images built here.
mod patch {
    use super::*;
    use crate::codes::{Gtin, Isrc};
    use crate::plan::{Codes, PlanError};

    fn track(t: u32, code: &str) -> Codes {
        Codes {
            tracks: vec![(t, Isrc::parse(code).expect("isrc"))],
            ..Default::default()
        }
    }

    fn plan(dir: &Path, codes: &Codes) -> Result<Option<crate::plan::SetPlan>, PlanError> {
        super::super::write::plan(&dir.join("DDPID"), codes)
    }

    fn edit<'p>(p: &'p crate::plan::SetPlan, name: &str) -> &'p [u8] {
        p.edits
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.new.as_slice())
            .unwrap_or_else(|| panic!("no edit of {name}"))
    }

    #[test]
    fn a_blank_pq_isrc_goes_on_the_tracks_first_entry() {
        let dir = tempfile::tempdir().expect("tmp");
        clean(dir.path());
        let mut p = pq("00", "00", "000000", "", "0724384960650");
        p.extend(pq("01", "01", "000200", "GBAYE6800011", ""));
        p.extend(pq("02", "00", "030000", "", ""));
        p.extend(pq("02", "01", "030200", "", ""));
        p.extend(pq("AA", "01", "060000", "", ""));
        write(dir.path(), &[("PQDESCR", p.clone())]);
        let got = plan(dir.path(), &track(2, "USRC17607839"))
            .expect("planned")
            .expect("a change");
        let new = edit(&got, "PQDESCR");
        // Entry 3 (track 02 index 00) at 128: its ISRC field, 148-159.
        assert_eq!(&new[148..160], b"USRC17607839");
        assert_eq!(&new[..148], &p[..148]);
        assert_eq!(&new[160..], &p[160..]);
        assert!(
            got.changes.iter().any(|c| c.location
                == "PQDESCR entry 3 (track 02 index 00 at 03:00:00) › PQ ISRC @148"
                && c.old.is_none()),
            "{:?}",
            got.changes
        );
        assert_eq!(got.untouched, ["IMAGE.DAT"]);
        assert!(got.edits.iter().all(|e| e.name != "IMAGE.DAT"));
    }

    #[test]
    fn the_read_toc_header_follows_a_cdtext_stream_that_grows() {
        let dir = tempfile::tempdir().expect("tmp");
        clean(dir.path());
        // Track 2 stored as a TAB ("the same as track 1").
        let packs = isrc_packs(&["0724384960650", "GBAYE6800011", "\t"]);
        let mut ct = ((packs.len() + 2) as u16).to_be_bytes().to_vec();
        ct.extend([0, 0]);
        ct.extend(&packs);
        write(dir.path(), &[("CDTEXT.BIN", ct)]);
        let mut p = std::fs::read(dir.path().join("PQDESCR")).expect("read");
        p[3 * 64 + 20..3 * 64 + 32].copy_from_slice(b"GBAYE6800011");
        write(dir.path(), &[("PQDESCR", p)]);
        let got = plan(dir.path(), &track(1, "USRC17607839"))
            .expect("planned")
            .expect("a change");
        let new = edit(&got, "CDTEXT.BIN");
        // "0724384960650\0USRC17607839\0GBAYE6800011\0": 40 bytes, 4 packs.
        assert_eq!(new.len(), 4 + 4 * 18);
        assert_eq!(u16::from_be_bytes([new[0], new[1]]), 4 * 18 + 2);
        for p in new[4..].chunks(18) {
            assert_eq!(pack_crc(&p[..16]).to_be_bytes(), [p[16], p[17]]);
        }
        assert_eq!(&new[4 + 54 + 4..4 + 54 + 8], b"011\0");
    }

    #[test]
    fn cd_text_without_isrc_packs_gets_none_and_a_note() {
        let dir = tempfile::tempdir().expect("tmp");
        clean(dir.path());
        write(
            dir.path(),
            &[("CDTEXT.BIN", pack(0x80, 0, 0, 0, b"Album\0"))],
        );
        let got = plan(
            dir.path(),
            &Codes {
                barcode: Some(Gtin::parse("4006381333931").expect("ean")),
                ..Default::default()
            },
        )
        .expect("planned")
        .expect("a change");
        assert!(got.edits.iter().all(|e| e.name != "CDTEXT.BIN"));
        assert!(
            got.notes.iter().any(|n| n.contains("carries no codes")),
            "{:?}",
            got.notes
        );
        assert_eq!(&edit(&got, "DDPID")[8..21], b"4006381333931");
        assert_eq!(&edit(&got, "PQDESCR")[32..45], b"4006381333931");
    }

    #[test]
    fn an_image_that_holds_the_codes_needs_no_write() {
        let dir = tempfile::tempdir().expect("tmp");
        clean(dir.path());
        assert!(
            plan(dir.path(), &track(2, "GBAYE6800012"))
                .expect("planned")
                .is_none()
        );
    }

    #[test]
    fn a_checksum_list_naming_a_file_not_there_is_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        clean(dir.path());
        write(
            dir.path(),
            &[(
                "image.md5",
                format!("{}  GONE.DAT\n", "0".repeat(32)).into_bytes(),
            )],
        );
        let e = plan(dir.path(), &track(2, "USRC17607839")).expect_err("refused");
        assert!(e.to_string().contains("GONE.DAT"), "{e}");
    }

    #[test]
    fn a_map_naming_one_file_for_two_roles_is_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        clean(dir.path());
        // The "audio stream" is the DDPID itself: writing DDPID would
        // write what the plan must never touch.
        let mut m = packet("D0", "", "DA", "", "", "DDPID");
        m.extend(packet("S0", "PQ DESCR", "", "", "", "PQDESCR"));
        write(dir.path(), &[("DDPMS", m)]);
        let e = plan(
            dir.path(),
            &Codes {
                barcode: Some(Gtin::parse("4006381333931").expect("ean")),
                ..Default::default()
            },
        )
        .expect_err("refused");
        assert!(e.to_string().contains("two purposes"), "{e}");
    }

    #[test]
    fn bsd_and_gnu_checksum_lines_keep_their_shape() {
        use md5::{Digest, Md5};
        let hex =
            |b: &[u8]| -> String { Md5::digest(b).iter().map(|x| format!("{x:02x}")).collect() };
        let dir = tempfile::tempdir().expect("tmp");
        clean(dir.path());
        let read = |n: &str| std::fs::read(dir.path().join(n)).expect("read");
        let list = format!(
            "# made by hand\nMD5 (PQDESCR) = {}\n{} *./CDTEXT.BIN\n\n{}  IMAGE.DAT\n",
            hex(&read("PQDESCR")),
            hex(&read("CDTEXT.BIN")).to_uppercase(),
            hex(&read("IMAGE.DAT")),
        );
        write(dir.path(), &[("image.md5", list.clone().into_bytes())]);
        let got = plan(dir.path(), &track(2, "USRC17607839"))
            .expect("planned")
            .expect("a change");
        assert_eq!(
            got.edits
                .last()
                .map(|e| e.name.to_string_lossy().into_owned()),
            Some("image.md5".into()),
            "the checksum list last"
        );
        let new = String::from_utf8(edit(&got, "image.md5").to_vec()).expect("text");
        let want = format!(
            "# made by hand\nMD5 (PQDESCR) = {}\n{} *./CDTEXT.BIN\n\n{}  IMAGE.DAT\n",
            hex(edit(&got, "PQDESCR")),
            hex(edit(&got, "CDTEXT.BIN")).to_uppercase(),
            hex(&read("IMAGE.DAT")),
        );
        assert_eq!(new, want);
        assert_ne!(new, list);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Damage any file of the image (or its checksum list): planning
        /// never panics, and a plan that is made passed its own read-back
        /// check and never writes the audio stream.
        #[test]
        fn any_damage_plans_without_panic(
            which in 0usize..5,
            flips in proptest::collection::vec((proptest::prelude::any::<proptest::sample::Index>(), proptest::prelude::any::<u8>()), 0..6),
            cut in proptest::option::of(proptest::prelude::any::<proptest::sample::Index>()),
            t in 1u32..4,
        ) {
            let dir = tempfile::tempdir().expect("tmp");
            clean(dir.path());
            write(dir.path(), &[("CHECKSUM.MD5", b"d41d8cd98f00b204e9800998ecf8427e  IMAGE.DAT\n".to_vec())]);
            let name = ["DDPID", "DDPMS", "PQDESCR", "CDTEXT.BIN", "CHECKSUM.MD5"][which];
            let mut b = std::fs::read(dir.path().join(name)).expect("read");
            for (i, v) in flips {
                if !b.is_empty() {
                    let i = i.index(b.len());
                    b[i] = v;
                }
            }
            if let Some(c) = cut {
                b.truncate(c.index(b.len() + 1));
            }
            write(dir.path(), &[(name, b)]);
            if let Ok(Some(p)) = plan(dir.path(), &track(t, "USRC17607839")) {
                proptest::prop_assert!(p.edits.iter().all(|e| e.name != "IMAGE.DAT"));
                proptest::prop_assert!(!p.edits.is_empty());
            }
        }
    }
}
