//! DDP images (`testdata/ddp/`, written by `make_ddp.py`) read through
//! the binary: `isrckit inspect --format json DIR/DDPID` lists every code
//! site of the image with its file, field, byte offset and track.

mod common;

use common::testdata;
use serde_json::Value;

fn inspect(image: &str) -> Value {
    let out = std::process::Command::new(common::bin())
        .args(["inspect", "--format", "json"])
        .arg(testdata().join("ddp").join(image).join("DDPID"))
        .output()
        .expect("run isrckit");
    serde_json::from_slice::<Value>(&out.stdout).expect("json")["files"][0].clone()
}

/// A site as compared here: kind, file, field, raw, offset, track.
type Site = (String, String, String, String, u64, Option<u64>);

fn sites(file: &Value) -> Vec<Site> {
    file["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| {
            let l = &c["location"];
            assert_eq!(l["container"], "ddp");
            (
                c["kind"].as_str().unwrap_or("").to_string(),
                l["chunk"].as_str().unwrap_or("").to_string(),
                format!(
                    "{} {}",
                    l["tag"].as_str().unwrap_or(""),
                    l["field"].as_str().unwrap_or("")
                ),
                c["raw"].as_str().unwrap_or("").to_string(),
                l["offset"].as_u64().unwrap_or(u64::MAX),
                l["track"].as_u64(),
            )
        })
        .collect()
}

fn s(kind: &str, file: &str, field: &str, raw: &str, offset: u64, track: Option<u64>) -> Site {
    (
        kind.into(),
        file.into(),
        field.into(),
        raw.into(),
        offset,
        track,
    )
}

fn notes(file: &Value) -> Vec<String> {
    file["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .map(|n| n.as_str().unwrap_or("").to_string())
        .collect()
}

const UPC: &str = "0724384960650";

/// The PQ sites every image but the damaged ones has: the barcode on the
/// lead-in entry, each track's ISRC on its first entry (track 2 starts
/// with an index 00 entry, so track 3 is the fifth entry).
fn pq_sites() -> Vec<Site> {
    vec![
        s("barcode", "PQDESCR", "ddp PQ UPC/EAN", UPC, 32, None),
        s(
            "isrc",
            "PQDESCR",
            "ddp PQ ISRC",
            "GBAYE6800011",
            64 + 20,
            Some(1),
        ),
        s(
            "isrc",
            "PQDESCR",
            "ddp PQ ISRC",
            "GBAYE6800012",
            128 + 20,
            Some(2),
        ),
        s(
            "isrc",
            "PQDESCR",
            "ddp PQ ISRC",
            "GBAYE6800013",
            256 + 20,
            Some(3),
        ),
    ]
}

/// The CD-TEXT ISRC packs follow 3 title packs (54 bytes: "Test
/// Album\0One\0Two\0Three\0" is 25); their text is
/// "0724384960650\0GBAYE6800011\0…" from byte 4 of the first, 12 a pack.
fn cdtext_sites(track2: &str) -> Vec<Site> {
    vec![
        s(
            "barcode",
            "CDTEXT.BIN",
            "cd-text UPC/EAN",
            UPC,
            54 + 4,
            None,
        ),
        s(
            "isrc",
            "CDTEXT.BIN",
            "cd-text ISRC",
            "GBAYE6800011",
            54 + 18 + 4 + 2,
            Some(1),
        ),
        s(
            "isrc",
            "CDTEXT.BIN",
            "cd-text ISRC",
            track2,
            54 + 36 + 4 + 3,
            Some(2),
        ),
        s(
            "isrc",
            "CDTEXT.BIN",
            "cd-text ISRC",
            "GBAYE6800013",
            54 + 54 + 4 + 4,
            Some(3),
        ),
    ]
}

#[test]
fn a_clean_image_lists_every_site() {
    let f = inspect("clean");
    assert_eq!(f["status"], "ok", "{f}");
    assert_eq!(f["container"], "ddp");
    assert_eq!(f["format"], "DDP 2.00");
    let mut want = vec![s("barcode", "DDPID", "ddp DDPID UPC/EAN", UPC, 8, None)];
    want.extend(pq_sites());
    want.extend(cdtext_sites("GBAYE6800012"));
    assert_eq!(sites(&f), want);
    let codes = f["codes"].as_array().expect("codes");
    assert!(
        codes
            .iter()
            .all(|c| c["valid"] == true && c["location"]["standard"] == true)
    );
    assert_eq!(
        codes[4]["notes"][0],
        "PQDESCR entry 5: track 03 index 01 at 00:02:02"
    );
    assert_eq!(
        codes[8]["notes"][0],
        "CDTEXT.BIN pack 7 (type 0x8E, block 0)"
    );
    assert_eq!(
        notes(&f),
        [
            "DDPMS packet 1: D0 stream IMAGE.DAT (CD-DA audio)",
            "DDPMS packet 2: S0 stream PQDESCR (PQ descriptors)",
            "DDPMS packet 3: S0 stream CDTEXT.BIN (CD-TEXT)",
        ]
    );
}

#[test]
fn disagreeing_sites_are_each_listed_and_noted() {
    let f = inspect("disagree");
    assert_eq!(f["status"], "ok", "{f}");
    let mut want = vec![
        s(
            "barcode",
            "DDPID",
            "ddp DDPID UPC/EAN",
            "0075678164125",
            8,
            None,
        ),
        s(
            "isrc",
            "DDPMS",
            "ddp DDPMS ISRC",
            "GBAYE6800011",
            59,
            Some(1),
        ),
        s(
            "isrc",
            "DDPMS",
            "ddp DDPMS ISRC",
            "GBAYE6800012",
            128 + 59,
            Some(2),
        ),
        s(
            "isrc",
            "DDPMS",
            "ddp DDPMS ISRC",
            "USRC17607839",
            256 + 59,
            Some(3),
        ),
    ];
    want.extend(pq_sites());
    want.extend(cdtext_sites("GBAYE6800099"));
    assert_eq!(sites(&f), want);
    assert_eq!(
        f["codes"][3]["notes"][0],
        "DDPMS packet 3: track 03 index 01"
    );
    let n = notes(&f);
    for note in [
        "track 02's ISRC differs between the image's sites: DDPMS GBAYE6800012, PQDESCR GBAYE6800012, CDTEXT.BIN GBAYE6800099",
        "track 03's ISRC differs between the image's sites: DDPMS USRC17607839, PQDESCR GBAYE6800013, CDTEXT.BIN GBAYE6800013",
        "the disc's UPC/EAN differs between the image's sites: DDPID 0075678164125, PQDESCR 0724384960650, CDTEXT.BIN 0724384960650",
    ] {
        assert!(n.iter().any(|x| x == note), "{note}\n{n:#?}");
    }
    assert!(!n.iter().any(|x| x.starts_with("track 01")), "{n:#?}");
}

#[test]
fn a_level_1_01_image_reads_the_same_fields() {
    let f = inspect("v101");
    assert_eq!(f["status"], "ok", "{f}");
    assert_eq!(f["format"], "DDP 1.01");
    let mut want = vec![s("barcode", "DDPID", "ddp DDPID UPC/EAN", UPC, 8, None)];
    want.extend(pq_sites());
    assert_eq!(sites(&f), want);
}

#[test]
fn a_truncated_pq_stream_is_damage_and_keeps_what_came_before() {
    let f = inspect("truncated_pq");
    assert_eq!(f["status"], "damaged");
    assert_eq!(
        f["error"],
        "PQDESCR is 158 bytes, not a whole number of 64-byte PQ entries: truncated, the last 30 bytes are not read"
    );
    let mut want = vec![s("barcode", "DDPID", "ddp DDPID UPC/EAN", UPC, 8, None)];
    want.extend(pq_sites().into_iter().take(2));
    want.extend(cdtext_sites("GBAYE6800012"));
    assert_eq!(sites(&f), want);
}

#[test]
fn a_map_naming_a_missing_file_is_damage() {
    let f = inspect("missing_file");
    assert_eq!(f["status"], "damaged");
    assert_eq!(
        f["error"],
        "DDPMS packet 3 @256 names CDTEXT.BIN, which is not in the DDPID's folder"
    );
    let mut want = vec![s("barcode", "DDPID", "ddp DDPID UPC/EAN", UPC, 8, None)];
    want.extend(pq_sites());
    assert_eq!(sites(&f), want);
}

#[test]
fn letters_in_numeric_fields_are_damage() {
    let f = inspect("non_digits");
    assert_eq!(f["status"], "damaged");
    assert_eq!(
        f["error"],
        "DDPID UPC/EAN (bytes 8-20) \"07243849606X0\" is not digits; PQDESCR entry 2 @64: track number (bytes 4-5) \"0A\" is not digits"
    );
    let got = sites(&f);
    assert_eq!(
        got[0],
        s(
            "barcode",
            "DDPID",
            "ddp DDPID UPC/EAN",
            "07243849606X0",
            8,
            None
        )
    );
    assert_eq!(f["codes"][0]["valid"], false);
    // The ISRC of the entry with the bad track number is kept, with no track.
    assert_eq!(
        got[2],
        s("isrc", "PQDESCR", "ddp PQ ISRC", "GBAYE6800011", 84, None)
    );
    assert_eq!(got.len(), 9);
}

#[test]
fn the_other_files_of_an_image_are_not_audio() {
    let out = std::process::Command::new(common::bin())
        .args(["inspect", "--format", "json"])
        .arg(testdata().join("ddp").join("clean"))
        .output()
        .expect("run isrckit");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let files = v["files"].as_array().expect("files");
    let ddp: Vec<&str> = files
        .iter()
        .filter(|f| f["container"] == "ddp")
        .map(|f| f["path"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ddp.len(), 1, "{v}");
    assert!(ddp[0].ends_with("DDPID"));
}
