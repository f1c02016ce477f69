//! Patching a finished DDP image through the binary: `set --track N
//! --isrc`, `set --barcode`, `embed` rows naming the image. Each test
//! copies an image into a temp folder (the generator's, or one built here
//! byte by byte), writes, and reads back: every site holds the new code,
//! the old code is in no file, the audio stream is byte-identical, and
//! `md5sum -c` accepts the checksum list.

mod common;

use common::testdata;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn isrckit(args: &[&str], dir: &Path) -> Output {
    Command::new(common::bin())
        .args(args)
        .arg(dir)
        .output()
        .expect("run isrckit")
}

fn isrckit_env(args: &[&str], dir: &Path, env: (&str, &str)) -> Output {
    Command::new(common::bin())
        .args(args)
        .arg(dir)
        .env(env.0, env.1)
        .output()
        .expect("run isrckit")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A copy of a generated image, with a `CHECKSUM.MD5` made by md5sum.
fn copy(image: &str, checksums: bool) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    for e in std::fs::read_dir(testdata().join("ddp").join(image)).expect("ls") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), tmp.path().join(e.file_name())).expect("copy");
    }
    if checksums {
        md5sum_all(tmp.path());
    }
    tmp
}

/// `md5sum` over every file of the folder, into CHECKSUM.MD5.
fn md5sum_all(dir: &Path) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let out = common::run(Command::new("md5sum").args(&names).current_dir(dir));
    std::fs::write(dir.join("CHECKSUM.MD5"), out).expect("write");
}

fn md5sum_check(dir: &Path) -> bool {
    Command::new("md5sum")
        .args(["-c", "--quiet", "CHECKSUM.MD5"])
        .current_dir(dir)
        .status()
        .expect("md5sum")
        .success()
}

/// Every file of a folder, by name.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("ls")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The image as `inspect --format json DIR` shows it: its one report.
fn inspect(dir: &Path) -> Value {
    let out = isrckit(&["inspect", "--format", "json"], dir);
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let files = v["files"].as_array().expect("files");
    assert_eq!(files.len(), 1, "one report for the image: {v}");
    files[0].clone()
}

/// (kind, file, field, raw, track) of every site.
fn sites(f: &Value) -> Vec<(String, String, String, String, Option<u64>)> {
    f["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| {
            let l = &c["location"];
            (
                c["kind"].as_str().unwrap_or("").into(),
                l["chunk"].as_str().unwrap_or("").into(),
                l["field"].as_str().unwrap_or("").into(),
                c["raw"].as_str().unwrap_or("").into(),
                l["track"].as_u64(),
            )
        })
        .collect()
}

fn differs_notes(f: &Value) -> Vec<String> {
    f["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter_map(|n| n.as_str())
        .filter(|n| n.contains("differs"))
        .map(String::from)
        .collect()
}

const NEW: &str = "USRC17607839";

#[test]
fn a_track_isrc_is_patched_at_every_site_and_md5sum_accepts_the_image() {
    if !common::require("md5sum", &["--version"]) {
        return;
    }
    let tmp = copy("disagree", true);
    let dir = tmp.path();
    let before = files(dir);
    assert!(md5sum_check(dir));
    // Track 3 of `disagree`: GBAYE6800013 in PQ and CD-TEXT, USRC17607839
    // in its DDPMS packet; set to a third code.
    let code = "GBAYE2600003";
    let dry = isrckit(
        &[
            "set",
            "--track",
            "3",
            "--isrc",
            code,
            "--dry-run",
            "--format",
            "json",
        ],
        dir,
    );
    assert!(dry.status.success(), "{}", text(&dry));
    let v: Value = serde_json::from_slice(&dry.stdout).expect("json");
    let changes: Vec<String> = v["files"][0]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["location"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        changes,
        [
            "CDTEXT.BIN pack 7 (type 0x8E, block 0) @116 › CD-TEXT ISRC (track 03)",
            "PQDESCR entry 5 (track 03 index 01 at 00:02:02) › PQ ISRC @276",
            "DDPMS packet 3 (track 03 index 01) › DDPMS ISRC @315",
        ]
    );
    assert_eq!(files(dir), before, "a dry run writes nothing");
    assert_eq!(
        v["files"][0]["notes"][0],
        "files replaced, in this order: CDTEXT.BIN, PQDESCR, DDPMS, CHECKSUM.MD5; never written: IMAGE.DAT (audio)"
    );

    let out = isrckit(&["set", "--track", "3", "--isrc", code], dir);
    assert!(out.status.success(), "{}", text(&out));
    let f = inspect(dir);
    let track3: Vec<_> = sites(&f)
        .into_iter()
        .filter(|s| s.0 == "isrc" && s.4 == Some(3))
        .collect();
    assert_eq!(track3.len(), 3, "{track3:?}");
    assert!(track3.iter().all(|s| s.3 == code), "{track3:?}");
    // Every site names its track's index and time: the PQ entry's own, or
    // (DDPMS, CD-TEXT) the track's start in the PQ stream.
    for c in f["codes"].as_array().expect("codes") {
        if c["location"]["track"] == 3 {
            let notes = c["notes"].to_string();
            assert!(
                notes.contains("index 01 at 00:02:02")
                    || notes.contains("track 03 starts at 00:02:02 (index 01, PQDESCR entry 5)"),
                "{c}"
            );
        }
    }
    // The other tracks keep their codes (track 2's CD-TEXT disagreement
    // stays: it is not what was written).
    let notes = differs_notes(&f);
    assert!(notes.iter().all(|n| !n.contains("track 03")), "{notes:?}");
    let after = files(dir);
    for (name, bytes) in &after {
        assert!(
            !contains(bytes, b"GBAYE6800013") || name == "CHECKSUM.MD5",
            "{name} still holds the old code"
        );
    }
    assert_eq!(after["IMAGE.DAT"], before["IMAGE.DAT"], "audio untouched");
    assert_eq!(after["DDPID"], before["DDPID"]);
    assert!(md5sum_check(dir), "md5sum -c accepts the patched image");
    // The same write again changes nothing.
    let again = isrckit(&["set", "--track", "3", "--isrc", code], dir);
    assert!(text(&again).contains("unchanged"), "{}", text(&again));
    assert_eq!(files(dir), after);
}

#[test]
fn the_barcode_is_patched_in_ddpid_pq_and_cd_text() {
    if !common::require("md5sum", &["--version"]) {
        return;
    }
    let tmp = copy("clean", true);
    let dir = tmp.path();
    let audio = std::fs::read(dir.join("IMAGE.DAT")).expect("read");
    // A UPC-A: stored as the 13-digit EAN (every DDP field is 13 wide).
    let out = isrckit(&["set", "--barcode", "075678164125"], &dir.join("DDPID"));
    assert!(out.status.success(), "{}", text(&out));
    let f = inspect(dir);
    let barcodes: Vec<_> = sites(&f).into_iter().filter(|s| s.0 == "barcode").collect();
    assert_eq!(barcodes.len(), 3, "{barcodes:?}");
    assert!(
        barcodes.iter().all(|s| s.3 == "0075678164125"),
        "{barcodes:?}"
    );
    let id = std::fs::read(dir.join("DDPID")).expect("read");
    assert_eq!(&id[8..21], b"0075678164125");
    assert_eq!(std::fs::read(dir.join("IMAGE.DAT")).expect("read"), audio);
    assert!(differs_notes(&f).is_empty(), "{:?}", differs_notes(&f));
    assert!(md5sum_check(dir));
    for (name, bytes) in files(dir) {
        assert!(
            !contains(&bytes, b"0724384960650"),
            "{name} holds the old barcode"
        );
    }
}

#[test]
fn an_image_without_a_checksum_file_gets_none_and_is_told_so() {
    let tmp = copy("v101", false);
    let dir = tmp.path();
    let out = isrckit(&["set", "--track", "1", "--isrc", NEW], dir);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("no checksum file"), "{}", text(&out));
    assert!(text(&out).contains("no CD-TEXT"), "{}", text(&out));
    assert!(!dir.join("CHECKSUM.MD5").exists());
    assert_eq!(files(dir).len(), 4);
    let f = inspect(dir);
    assert!(sites(&f).iter().any(|s| s.4 == Some(1) && s.3 == NEW));
}

#[test]
fn refusals_write_nothing() {
    if !common::require("md5sum", &["--version"]) {
        return;
    }
    let cases: &[(&str, &[&str], &str)] = &[
        ("truncated_pq", &["--track", "1", "--isrc", NEW], "damaged"),
        ("missing_file", &["--track", "1", "--isrc", NEW], "damaged"),
        ("non_digits", &["--barcode", "075678164125"], "damaged"),
        ("clean", &["--track", "9", "--isrc", NEW], "no track 9"),
        ("clean", &["--isrc", NEW], "name the track"),
    ];
    for (image, args, why) in cases {
        let tmp = copy(image, true);
        let before = files(tmp.path());
        let mut a = vec!["set"];
        a.extend_from_slice(args);
        let out = isrckit(&a, tmp.path());
        assert!(!out.status.success(), "{image} {args:?}: {}", text(&out));
        assert!(text(&out).contains(why), "{image} {args:?}: {}", text(&out));
        assert_eq!(
            files(tmp.path()),
            before,
            "{image} {args:?}: nothing written"
        );
    }
}

#[test]
fn a_bad_crc_or_a_stale_checksum_refuses_the_patch() {
    if !common::require("md5sum", &["--version"]) {
        return;
    }
    // A CD-TEXT ISRC pack whose CRC no longer matches (a text byte changed).
    let tmp = copy("clean", false);
    let ct = tmp.path().join("CDTEXT.BIN");
    let mut b = std::fs::read(&ct).expect("read");
    b[4 * 18 + 5] ^= 1;
    std::fs::write(&ct, b).expect("write");
    md5sum_all(tmp.path());
    let before = files(tmp.path());
    let out = isrckit(&["set", "--track", "1", "--isrc", NEW], tmp.path());
    assert!(!out.status.success());
    assert!(text(&out).contains("CRC"), "{}", text(&out));
    assert_eq!(files(tmp.path()), before);

    // A checksum list that does not vouch for the map.
    let tmp = copy("clean", true);
    let list = tmp.path().join("CHECKSUM.MD5");
    let t = std::fs::read_to_string(&list).expect("read");
    let t = t
        .lines()
        .map(|l| {
            if l.ends_with("PQDESCR") {
                format!("{}{}", "0".repeat(32), &l[32..])
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    std::fs::write(&list, t).expect("write");
    let before = files(tmp.path());
    let out = isrckit(&["set", "--track", "1", "--isrc", NEW], tmp.path());
    assert!(!out.status.success());
    assert!(
        text(&out).contains("changed after its checksums were made"),
        "{}",
        text(&out)
    );
    assert_eq!(files(tmp.path()), before);
}

#[test]
fn the_checksum_list_keeps_its_format_crlf_binary_marks_and_upper_case() {
    if !common::require("md5sum", &["--version"]) {
        return;
    }
    let tmp = copy("clean", true);
    let dir = tmp.path();
    let list = dir.join("CHECKSUM.MD5");
    // As a Windows tool writes it: CRLF, `*NAME`, upper-case hex, a comment.
    let t = std::fs::read_to_string(&list).expect("read");
    let t: String = std::iter::once("; written by a DDP tool\r\n".to_string())
        .chain(t.lines().map(|l| {
            let (h, n) = l.split_at(32);
            format!("{} *{}\r\n", h.to_ascii_uppercase(), &n[2..])
        }))
        .collect();
    std::fs::write(&list, &t).expect("write");
    let out = isrckit(&["set", "--track", "2", "--isrc", NEW], dir);
    assert!(out.status.success(), "{}", text(&out));
    let after = std::fs::read_to_string(&list).expect("read");
    let (a, b): (Vec<&str>, Vec<&str>) = (t.split("\r\n").collect(), after.split("\r\n").collect());
    assert_eq!(a.len(), b.len());
    for (old, new) in a.iter().zip(&b) {
        assert_eq!(old.get(32..), new.get(32..), "names, marks, endings kept");
        let changed = old != new;
        let touched = old.ends_with("PQDESCR") || old.ends_with("CDTEXT.BIN");
        assert_eq!(changed, touched, "{old} / {new}");
        assert!(
            !new.get(..32)
                .unwrap_or("")
                .chars()
                .any(|c| c.is_ascii_lowercase())
        );
    }
    // md5sum -c reads CRLF lists; strip for older coreutils all the same.
    std::fs::write(
        &list,
        after
            .replace("\r\n", "\n")
            .replacen("; written by a DDP tool\n", "", 1),
    )
    .expect("write");
    assert!(md5sum_check(dir));
}

#[test]
fn a_write_cut_off_between_files_is_finished_by_a_rerun() {
    if !common::hooks() || !common::require("md5sum", &["--version"]) {
        return;
    }
    let tmp = copy("clean", true);
    let dir = tmp.path();
    let before = files(dir);
    let out = isrckit_env(
        &["set", "--track", "2", "--isrc", NEW],
        dir,
        ("ISRCKIT_TEST_FAULT", "set-between"),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("partly written"), "{}", text(&out));
    let mid = files(dir);
    // CD-TEXT went first; the PQ stream and the checksum list did not.
    assert_ne!(mid["CDTEXT.BIN"], before["CDTEXT.BIN"]);
    assert_eq!(mid["PQDESCR"], before["PQDESCR"]);
    assert_eq!(mid["CHECKSUM.MD5"], before["CHECKSUM.MD5"]);
    assert!(
        !md5sum_check(dir),
        "the cut-off image fails md5sum until finished"
    );
    assert_eq!(mid.len(), before.len(), "no temp file left");
    // The rerun finishes it.
    let out = isrckit(&["set", "--track", "2", "--isrc", NEW], dir);
    assert!(out.status.success(), "{}", text(&out));
    assert!(md5sum_check(dir));
    let f = inspect(dir);
    let t2: Vec<_> = sites(&f).into_iter().filter(|s| s.4 == Some(2)).collect();
    assert_eq!(t2.len(), 2);
    assert!(t2.iter().all(|s| s.3 == NEW), "{t2:?}");
    assert_eq!(files(dir)["IMAGE.DAT"], before["IMAGE.DAT"]);
}

#[test]
fn inspect_shows_the_folder_as_one_image() {
    let out = Command::new(common::bin())
        .args(["inspect", "--format", "json"])
        .arg(testdata().join("ddp").join("clean"))
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["files"].as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(v["skipped"]["image_files"], 4, "{v}");
    assert_eq!(v["skipped"]["not_audio"], 0, "{v}");
}

// ---- An image built here byte by byte (not by the generator) ----------

fn crc(bytes: &[u8]) -> u16 {
    let mut c: u16 = 0;
    for &b in bytes {
        c ^= u16::from(b) << 8;
        for _ in 0..8 {
            c = if c & 0x8000 != 0 {
                (c << 1) ^ 0x1021
            } else {
                c << 1
            };
        }
    }
    !c
}

fn pad(s: &str, n: usize) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.resize(n, b' ');
    v
}

fn pack(ty: u8, track: u8, seq: u8, pos: u8, text: &[u8]) -> Vec<u8> {
    let mut p = vec![ty, track, seq, pos];
    p.extend_from_slice(text);
    p.resize(16, 0);
    let c = crc(&p);
    p.extend_from_slice(&c.to_be_bytes());
    p
}

/// Two tracks; CD-TEXT: one title pack, the 0x8E packs
/// `0724384960650\0GBAYE6800011\0\t\0` (track 2 = TAB, "the same as
/// track 1"), and three size-information packs (0x8F).
fn tab_image(dir: &Path) -> PathBuf {
    let mut id = pad("DDP 2.000724384960650", 128);
    id[86] = b' ';
    std::fs::write(dir.join("DDPID"), &id).expect("write");
    let packet = |dst: &str, sub: &str, cdm: &str, name: &str| {
        let mut p = b"VVVM".to_vec();
        p.extend(pad(dst, 2));
        p.extend(pad("", 24));
        p.extend(pad(sub, 8));
        p.extend(pad(cdm, 2));
        p.extend(pad("", 15));
        p.extend(pad("", 2)); // TRK 55-56
        p.extend(pad("", 2)); // IDX
        p.extend(pad("", 12)); // ISRC 59-70
        p.extend(format!("{:03}", name.len()).as_bytes());
        p.extend(pad(name, 17));
        p.resize(128, b' ');
        assert_eq!(&p[74..74 + name.len()], name.as_bytes());
        p
    };
    let mut ms = packet("D0", "", "DA", "AUDIO.IMG");
    ms.extend(packet("S0", "PQ DESCR", "", "PQ.DAT"));
    ms.extend(packet("S0", "CDTEXT", "", "TEXT.BIN"));
    std::fs::write(dir.join("DDPMS"), ms).expect("write");
    let entry = |trk: &str, idx: &str, frm: &str, isrc: &str| {
        let mut e = b"VVVS".to_vec();
        e.extend(pad(trk, 2));
        e.extend(pad(idx, 2));
        e.extend(pad("", 2));
        e.extend(b"0002");
        e.extend(pad(frm, 2));
        e.extend(pad("01", 4));
        e.extend(pad(isrc, 12));
        e.resize(64, b' ');
        e
    };
    let mut pq = entry("00", "00", "00", "");
    pq.extend(entry("01", "01", "00", "GBAYE6800011"));
    pq.extend(entry("02", "01", "01", "GBAYE6800011"));
    pq.extend(entry("AA", "01", "02", ""));
    std::fs::write(dir.join("PQ.DAT"), pq).expect("write");
    std::fs::write(dir.join("AUDIO.IMG"), vec![7u8; 2 * 2352]).expect("write");
    let mut ct = pack(0x80, 0, 0, 0, b"Album\0One\0Two\0");
    // "0724384960650\0" (14) "GBAYE6800011\0" (13) "\t\0" (2): 29 bytes.
    ct.extend(pack(0x8E, 0, 1, 0, b"072438496065"));
    ct.extend(pack(0x8E, 0, 2, 12, b"0\0GBAYE68000"));
    ct.extend(pack(0x8E, 1, 3, 10, b"11\0\t\0"));
    // Size information: 1 title pack, 3 ISRC packs, 3 size packs; last
    // sequence number of block 0: 6; language 0x09 (English).
    let mut info = [0u8; 36];
    info[0] = 0x00;
    info[1] = 1;
    info[2] = 2;
    info[4] = 1; // 0x80 packs
    info[4 + 14] = 3; // 0x8E packs
    info[4 + 15] = 3; // 0x8F packs
    info[20] = 6; // last sequence number, block 0
    info[28] = 0x09;
    for k in 0..3 {
        ct.extend(pack(
            0x8F,
            k as u8,
            4 + k as u8,
            0,
            &info[k * 12..k * 12 + 12],
        ));
    }
    std::fs::write(dir.join("TEXT.BIN"), ct).expect("write");
    dir.join("DDPID")
}

#[test]
fn a_track_that_a_tab_refers_to_keeps_the_tab_track_its_old_code() {
    let tmp = tempfile::tempdir().expect("tmp");
    let id = tab_image(tmp.path());
    let f = inspect(tmp.path());
    let ct: Vec<_> = sites(&f)
        .into_iter()
        .filter(|s| s.1 == "TEXT.BIN")
        .collect();
    assert_eq!(ct.len(), 3, "{f}");
    assert_eq!(ct[2].3, "GBAYE6800011", "track 2 is the TAB: {ct:?}");
    let audio = std::fs::read(tmp.path().join("AUDIO.IMG")).expect("read");

    let out = isrckit(&["set", "--track", "1", "--isrc", NEW], &id);
    assert!(out.status.success(), "{}", text(&out));
    let f = inspect(tmp.path());
    let got: Vec<_> = sites(&f)
        .into_iter()
        .filter(|s| s.0 == "isrc")
        .map(|s| (s.1, s.3, s.4))
        .collect();
    assert_eq!(
        got,
        [
            ("PQ.DAT".into(), NEW.into(), Some(1)),
            ("PQ.DAT".into(), "GBAYE6800011".into(), Some(2)),
            ("TEXT.BIN".into(), NEW.into(), Some(1)),
            ("TEXT.BIN".into(), "GBAYE6800011".into(), Some(2)),
        ]
    );
    assert!(f["error"].is_null(), "{f}");
    // The bytes, checked by hand: the 0x8E text is now
    // "0724384960650\0USRC17607839\0GBAYE6800011\0" (40 bytes, 4 packs),
    // so the size packs move one on and count 4 ISRC packs, last seq 7.
    let ct = std::fs::read(tmp.path().join("TEXT.BIN")).expect("read");
    assert_eq!(ct.len(), 18 * 8);
    let want = [
        pack(0x8E, 0, 1, 0, b"072438496065"),
        pack(0x8E, 0, 2, 12, b"0\0USRC176078"),
        pack(0x8E, 1, 3, 10, b"39\0GBAYE6800"),
        pack(0x8E, 2, 4, 9, b"011\0"),
    ];
    for (i, p) in want.iter().enumerate() {
        assert_eq!(
            &ct[18 * (1 + i)..18 * (2 + i)],
            p.as_slice(),
            "pack {}",
            i + 2
        );
    }
    for (k, p) in ct[18 * 5..].chunks(18).enumerate() {
        assert_eq!(p[0], 0x8F);
        assert_eq!(p[2], 5 + k as u8, "renumbered");
        assert_eq!(crc(&p[..16]).to_be_bytes(), [p[16], p[17]]);
    }
    assert_eq!(ct[18 * 6 + 4 + 6], 4, "0x8E pack count");
    assert_eq!(ct[18 * 6 + 4 + 8], 7, "last sequence number of block 0");
    assert_eq!(
        std::fs::read(tmp.path().join("AUDIO.IMG")).expect("read"),
        audio
    );
}

#[test]
fn verify_checksums_names_the_file_that_does_not_match() {
    if !common::require("md5sum", &["--version"]) {
        return;
    }
    let tmp = copy("clean", true);
    let dir = tmp.path();
    let ok = isrckit(&["inspect", "--verify-checksums"], dir);
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(
        text(&ok).contains("5 of 5 files listed in CHECKSUM.MD5 match"),
        "{}",
        text(&ok)
    );
    // Without the flag the audio stream is not read, and nothing is said.
    assert!(!text(&isrckit(&["inspect"], dir)).contains("checksums"));
    let mut audio = std::fs::read(dir.join("IMAGE.DAT")).expect("read");
    audio[100] ^= 0xFF;
    std::fs::write(dir.join("IMAGE.DAT"), audio).expect("write");
    let bad = isrckit(&["inspect", "--verify-checksums", "--format", "json"], dir);
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    let v: Value = serde_json::from_slice(&bad.stdout).expect("json");
    let e = v["files"][0]["error"].as_str().unwrap_or("");
    assert!(
        e.contains("checksum mismatch: CHECKSUM.MD5 says IMAGE.DAT has MD5"),
        "{e}"
    );
    assert!(!e.contains("PQDESCR"), "{e}");
}

#[test]
fn embed_rows_naming_the_image_as_release_patch_their_tracks() {
    if !common::require("md5sum", &["--version"]) {
        return;
    }
    let root = tempfile::tempdir().expect("tmp");
    let img = copy("clean", true);
    let disc = root.path().join("disc");
    std::fs::create_dir(&disc).expect("mkdir");
    for (name, bytes) in files(img.path()) {
        std::fs::write(disc.join(name), bytes).expect("write");
    }
    let audio = std::fs::read(disc.join("IMAGE.DAT")).expect("read");
    let manifest = root.path().join("codes.csv");
    std::fs::write(
        &manifest,
        "release,track,isrc,barcode\r\ndisc,1,USRC17607839,075678164125\r\ndisc,3,GB-AYE-26-00003,075678164125\r\n",
    )
    .expect("write");
    let out = Command::new(common::bin())
        .args(["embed", "--manifest"])
        .arg(&manifest)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", text(&out));
    let f = inspect(&disc);
    for s in sites(&f) {
        match (s.0.as_str(), s.4) {
            ("barcode", _) => assert_eq!(s.3, "0075678164125", "{s:?}"),
            (_, Some(1)) => assert_eq!(s.3, "USRC17607839", "{s:?}"),
            (_, Some(2)) => assert_eq!(s.3, "GBAYE6800012", "{s:?}"),
            (_, Some(3)) => assert_eq!(s.3, "GBAYE2600003", "{s:?}"),
            _ => panic!("{s:?}"),
        }
    }
    assert_eq!(std::fs::read(disc.join("IMAGE.DAT")).expect("read"), audio);
    assert!(md5sum_check(&disc));

    // One track given two ISRCs: the manifest is refused, nothing written.
    let before = files(&disc);
    std::fs::write(
        &manifest,
        "release,track,isrc\ndisc,2,USRC17607839\ndisc,2,GBAYE2600009\n",
    )
    .expect("write");
    let out = Command::new(common::bin())
        .args(["embed", "--manifest"])
        .arg(&manifest)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("given two ISRCs"), "{}", text(&out));
    assert_eq!(files(&disc), before);
}

#[cfg(unix)]
#[test]
fn a_read_only_or_hard_linked_file_of_the_image_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = copy("clean", false);
    let dir = tmp.path();
    let pq = dir.join("PQDESCR");
    std::fs::set_permissions(&pq, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let before = files(dir);
    let out = isrckit(&["set", "--track", "1", "--isrc", NEW], dir);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("PQDESCR is read-only"),
        "{}",
        text(&out)
    );
    assert_eq!(files(dir), before);

    // Permissions are kept: a 0640 stream stays 0640.
    std::fs::set_permissions(&pq, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let other = tempfile::tempdir().expect("tmp");
    let link = other.path().join("CDTEXT-link.BIN");
    std::fs::hard_link(dir.join("CDTEXT.BIN"), &link).expect("link");
    let out = isrckit(&["set", "--track", "1", "--isrc", NEW], dir);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("CDTEXT.BIN has other names"),
        "{}",
        text(&out)
    );
    assert_eq!(files(dir), before);
    let out = isrckit(
        &["set", "--track", "1", "--isrc", NEW, "--break-hard-links"],
        dir,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read(&link).expect("read"),
        before["CDTEXT.BIN"],
        "the other name keeps the old bytes"
    );
    assert_ne!(
        std::fs::read(dir.join("CDTEXT.BIN")).expect("read"),
        before["CDTEXT.BIN"]
    );
    let mode = std::fs::metadata(&pq).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn two_writers_of_one_image_queue_and_the_second_plans_again() {
    if !common::hooks() || !common::require("md5sum", &["--version"]) {
        return;
    }
    let tmp = copy("clean", true);
    let dir = tmp.path().to_path_buf();
    // The first writer holds the image's locks with its temp files staged.
    let mut first = Command::new(common::bin())
        .args(["set", "--track", "2", "--isrc", "GBAYE2600001"])
        .arg(&dir)
        .env("ISRCKIT_TEST_PAUSE", "set-staged:1500")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut err = first.stderr.take().expect("stderr");
    let mut seen = Vec::new();
    while !String::from_utf8_lossy(&seen).contains("test pause at set-staged") {
        let mut b = [0u8; 256];
        let n = std::io::Read::read(&mut err, &mut b).expect("read");
        assert!(n > 0, "the first writer ended before its pause");
        seen.extend_from_slice(&b[..n]);
    }
    // The second one waits for them, then finds the image changed.
    let second = isrckit(&["set", "--track", "2", "--isrc", "GBAYE2600002"], &dir);
    assert!(first.wait().expect("wait").success());
    assert!(second.status.success(), "{}", text(&second));
    assert!(
        text(&second).contains("GBAYE2600001\" → GBAYE2600002"),
        "{}",
        text(&second)
    );
    let f = inspect(&dir);
    let t2: Vec<_> = sites(&f).into_iter().filter(|s| s.4 == Some(2)).collect();
    assert!(t2.iter().all(|s| s.3 == "GBAYE2600002"), "{t2:?}");
    assert!(md5sum_check(&dir));
}

#[test]
fn track_is_for_a_ddp_image_only() {
    let wav = testdata().join("wav").join("no_tags.wav");
    let out = isrckit(&["set", "--track", "1", "--isrc", NEW, "--dry-run"], &wav);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("--track numbers the tracks of a DDP image"),
        "{}",
        text(&out)
    );
    let out = isrckit(
        &["set", "--track", "100", "--isrc", NEW, "--dry-run"],
        &testdata().join("ddp/clean"),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn a_failure_before_the_first_replacement_leaves_the_image_as_it_was() {
    if !common::hooks() || !common::require("md5sum", &["--version"]) {
        return;
    }
    for fault in [
        "temp-sync",
        "link",
        "rename",
        "no-tmpfile,temp-sync",
        "no-tmpfile,rename",
    ] {
        let tmp = copy("clean", true);
        let dir = tmp.path();
        let before = files(dir);
        let out = isrckit_env(
            &[
                "set",
                "--track",
                "2",
                "--barcode",
                "4006381333931",
                "--isrc",
                NEW,
            ],
            dir,
            ("ISRCKIT_TEST_FAULT", fault),
        );
        assert_eq!(out.status.code(), Some(1), "{fault}: {}", text(&out));
        assert!(
            text(&out).contains("injected fault"),
            "{fault}: {}",
            text(&out)
        );
        assert!(
            !text(&out).contains("partly written"),
            "{fault}: {}",
            text(&out)
        );
        assert_eq!(
            files(dir),
            before,
            "{fault}: every file as it was, no temp file"
        );
        assert!(md5sum_check(dir));
    }
}
