//! `isrckit audit --cd DISC MASTERS…` through the binary, on the discs of
//! `testdata/cd/` (made by `make_cd.sh`): a clean DDP image and a clean
//! CUE sheet give no finding; each planted mismatch gives exactly its
//! findings, nothing else; damaged images are `unreadable`, with exit 2
//! when nothing of the disc could be read; every output format carries
//! the findings with the disc's location.

mod common;

use common::testdata;
use serde_json::Value;
use std::path::Path;
use std::process::Output;

fn cd() -> std::path::PathBuf {
    testdata().join("cd")
}

fn audit_in(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(common::bin())
        .current_dir(dir)
        .args(["audit", "--no-config", "--year", "2026"])
        .args(args)
        .output()
        .expect("run isrckit")
}

/// (rule, path, code) of every finding of a JSON audit run in `testdata/cd`.
fn findings(args: &[&str]) -> (Vec<(String, String, String)>, Value, Option<i32>) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = audit_in(&cd(), &all);
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    let list = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["path"].as_str().unwrap_or("").to_string(),
                f["code"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    (list, doc, out.status.code())
}

fn f(rule: &str, path: &str, code: &str) -> (String, String, String) {
    (rule.into(), path.into(), code.into())
}

#[test]
fn a_clean_disc_and_its_masters_give_no_finding() {
    // The masters' folder holds album.cue too: a disc, never a master.
    for (disc, read) in [
        ("ddp/clean", 5),
        ("ddp/clean/DDPID", 5),
        ("masters/album.cue", 4),
    ] {
        let (list, doc, status) = findings(&["--cd", disc, "masters"]);
        assert_eq!(list, [], "{disc}");
        assert_eq!(status, Some(0), "{disc}");
        // The disc, the three masters (and album.cue), each read once.
        assert_eq!(doc["summary"]["audio"], read, "{disc}");
    }
}

#[test]
fn a_cue_sheet_alone_audits_the_files_it_names() {
    let (list, doc, status) = findings(&["--cd", "masters/album.cue"]);
    assert_eq!(list, []);
    assert_eq!(status, Some(0));
    let paths: Vec<&str> = doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "masters/01 One.wav",
            "masters/02 Two.wav",
            "masters/03 Three.wav",
            "masters/album.cue"
        ]
    );
}

#[test]
fn every_planted_ddp_mismatch_is_found_and_nothing_else() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        ("isrc_mismatch", &[("cd-isrc-mismatch", "GBAYE2600099")]),
        (
            "barcode_mismatch",
            &[("cd-barcode-mismatch", "0075678164125")],
        ),
        (
            "barcode_disagree",
            &[("cd-barcode-mismatch", "0075678164125, 0724384960650")],
        ),
        ("track_count", &[("cd-track-mismatch", "GBAYE2600003")]),
        ("track_order", &[("cd-track-mismatch", "")]),
        ("track_length", &[("cd-track-mismatch", "")]),
        (
            "isrc_duplicate",
            &[
                ("isrc-duplicate", "GBAYE2600002"),
                ("cd-isrc-mismatch", "GBAYE2600002"),
            ],
        ),
        ("late_code", &[("isrc-missing", "GBAYE2600003")]),
    ];
    for (image, want) in cases {
        let disc = format!("ddp/{image}");
        let (mut list, _, status) = findings(&["--cd", &disc, "masters"]);
        let mut want: Vec<_> = want
            .iter()
            .map(|(r, c)| f(r, &format!("ddp/{image}/DDPID"), c))
            .collect();
        list.sort();
        want.sort();
        assert_eq!(list, want, "{image}");
        assert_eq!(status, Some(1), "{image}");
    }
}

#[test]
fn the_messages_name_the_track_the_master_and_the_disc_location() {
    let (_, doc, _) = findings(&["--cd", "ddp/isrc_mismatch", "masters"]);
    let f = &doc["findings"][0];
    assert_eq!(
        f["message"],
        "TRACK 02 carries ISRC GBAYE2600099 on the disc (at PQDESCR › DDP PQ ISRC (track 02) @148), but its master masters/02 Two.wav carries GBAYE2600002: the disc and the file must carry the same code"
    );
    assert_eq!(
        f["location"],
        "PQDESCR › DDP PQ ISRC (track 02) @148 (PQDESCR entry 3: track 02 index 00 at 00:03:00)"
    );
    assert_eq!(f["related"], serde_json::json!(["masters/02 Two.wav"]));
    let (_, doc, _) = findings(&["--cd", "ddp/track_length", "masters"]);
    let msg = doc["findings"][0]["message"].as_str().expect("message");
    assert!(
        msg.starts_with("TRACK 03 is 0:01.49 long on the disc (112 frames, PQDESCR entry 5 @256: track 03 index 01 at 00:05:45), but its master masters/03 Three.wav is 0:02.00"),
        "{msg}"
    );
    let (_, doc, _) = findings(&["--cd", "ddp/track_order", "masters"]);
    assert_eq!(
        doc["findings"][0]["message"],
        "the disc's tracks are in another order than the masters': TRACK 02 is masters/03 Three.wav, TRACK 03 is masters/02 Two.wav (by ISRC and length)"
    );
}

#[test]
fn the_length_tolerance_is_a_setting() {
    // Track 3 is 0.51 s short: found at 0.1 s, passed at 0.6 s.
    let (list, _, _) = findings(&[
        "--cd",
        "ddp/track_length",
        "--cd-tolerance",
        "0.6",
        "masters",
    ]);
    assert_eq!(list, []);
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("isrckit.toml"),
        "[audit]\ncd-tolerance = 0.6\n",
    )
    .expect("write");
    let out = std::process::Command::new(common::bin())
        .args(["audit", "--format", "json", "--config"])
        .arg(dir.path().join("isrckit.toml"))
        .arg("--cd")
        .arg(cd().join("ddp/track_length"))
        .arg(cd().join("masters"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = audit_in(&cd(), &["--cd-tolerance", "0.5", "masters"]);
    assert_eq!(out.status.code(), Some(2), "--cd-tolerance without --cd");
}

#[test]
fn every_planted_cue_mismatch_is_found_and_nothing_else() {
    let cases: &[(&str, &str, &str)] = &[
        ("isrc_mismatch", "cd-isrc-mismatch", "GBAYE2600099"),
        ("barcode_mismatch", "cd-barcode-mismatch", "0075678164125"),
        ("isrc_missing", "isrc-missing", ""),
        ("isrc_invalid", "isrc-invalid", "GBAYE260000X"),
        ("barcode_invalid", "barcode-invalid", "0724384960651"),
    ];
    for (sheet, rule, code) in cases {
        let disc = format!("cue/{sheet}.cue");
        let (list, _, status) = findings(&["--cd", &disc, "masters"]);
        assert_eq!(list, [f(rule, &disc, code)], "{sheet}");
        assert_eq!(status, Some(1), "{sheet}");
    }
    let (mut list, _, _) = findings(&["--cd", "cue/isrc_duplicate.cue", "masters"]);
    list.sort();
    assert_eq!(
        list,
        [
            f("cd-isrc-mismatch", "cue/isrc_duplicate.cue", "GBAYE2600002"),
            f("isrc-duplicate", "cue/isrc_duplicate.cue", "GBAYE2600002")
        ]
    );
}

#[test]
fn a_disc_whose_sites_disagree_is_one_finding_per_disagreement_in_a_plain_audit() {
    // testdata/ddp/disagree: the DDPID's barcode differs from PQ's and
    // CD-TEXT's; track 2's ISRC differs in CD-TEXT, track 3's in DDPMS.
    // barcode-conflict is not reported besides cd-barcode-mismatch.
    let out = std::process::Command::new(common::bin())
        .args([
            "audit",
            "--no-config",
            "--format",
            "json",
            "--ignore",
            "isrc-year",
        ])
        .arg(testdata().join("ddp/disagree"))
        .output()
        .expect("runs");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut rules: Vec<(String, String)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["code"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    rules.sort();
    assert_eq!(
        rules,
        [
            (
                "cd-barcode-mismatch".to_string(),
                "0075678164125, 0724384960650".to_string()
            ),
            (
                "cd-isrc-mismatch".to_string(),
                "GBAYE6800012, GBAYE6800099".to_string()
            ),
            (
                "cd-isrc-mismatch".to_string(),
                "USRC17607839, GBAYE6800013".to_string()
            ),
        ]
    );
}

#[test]
fn a_sheet_naming_a_missing_file_is_a_track_without_master() {
    let dir = tempfile::tempdir().expect("temp dir");
    for f in ["album.cue", "01 One.wav", "03 Three.wav"] {
        std::fs::copy(cd().join("masters").join(f), dir.path().join(f)).expect("copy");
    }
    let out = audit_in(dir.path(), &["--format", "json", "--cd", "album.cue"]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    let found = doc["findings"].as_array().expect("findings");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["rule"], "cd-track-mismatch");
    assert_eq!(
        found[0]["message"],
        "TRACK 02 (line 7: TRACK 02 INDEX 01 00:00:00): FILE \"02 Two.wav\" is not in the sheet's folder, and no master given is that file: the track has no master"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn damaged_images_are_unreadable_and_a_disc_read_not_at_all_exits_2() {
    // Damaged: what was read is still checked (here: every code differs
    // from the masters', which are another disc's), and the damage is
    // unreadable with its reason; the track count is not judged on a
    // layout cut short.
    for (image, why) in [
        (
            "truncated_pq",
            "PQDESCR is 158 bytes, not a whole number of 64-byte PQ entries",
        ),
        (
            "missing_file",
            "DDPMS packet 3 @256 names CDTEXT.BIN, which is not in the DDPID's folder",
        ),
        ("non_digits", "\"07243849606X0\" is not digits"),
    ] {
        let out = audit_in(
            &testdata(),
            &[
                "--format",
                "json",
                "--cd",
                &format!("ddp/{image}"),
                "cd/masters",
            ],
        );
        let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
        let found = doc["findings"].as_array().expect("findings");
        let unreadable: Vec<&str> = found
            .iter()
            .filter(|f| f["rule"] == "unreadable")
            .filter_map(|f| f["message"].as_str())
            .collect();
        assert_eq!(unreadable.len(), 1, "{image}: {unreadable:?}");
        assert!(unreadable[0].contains(why), "{image}: {unreadable:?}");
        assert!(
            !found.iter().any(|f| f["rule"] == "cd-track-mismatch"),
            "{image}: {found:?}"
        );
        assert_eq!(out.status.code(), Some(1), "{image}");
    }
    // Nothing readable: a DDPID that is not one.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("DDPID"), b"not a DDP image at all").expect("write");
    let out = audit_in(dir.path(), &["--format", "json", "--cd", "."]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["findings"][0]["rule"], "unreadable");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("nothing of the disc could be read"),
        "{out:?}"
    );
    // Not a disc at all: a usage error, nothing audited.
    let out = audit_in(&cd(), &["--cd", "masters/01 One.wav", "masters"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a CD master"),
        "{out:?}"
    );
    let out = audit_in(&cd(), &["--cd", "masters", "masters"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("a folder without a DDPID file"),
        "{out:?}"
    );
}

#[test]
fn every_output_format_carries_the_disc_findings() {
    let args = ["--cd", "ddp/isrc_mismatch", "masters"];
    let text = |format: &str| {
        let mut all = vec!["--format", format];
        all.extend_from_slice(&args);
        let out = audit_in(&cd(), &all);
        assert_eq!(out.status.code(), Some(1), "{format}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let table = text("table");
    assert!(
        table.contains("ddp/isrc_mismatch/DDPID\n  error    cd-isrc-mismatch"),
        "{table}"
    );
    let csv = text("csv");
    assert!(
        csv.contains("cd-isrc-mismatch,error,ddp/isrc_mismatch/DDPID,")
            && csv.contains("PQDESCR › DDP PQ ISRC (track 02) @148"),
        "{csv}"
    );
    let github = text("github");
    assert!(
        github.starts_with(
            "::error file=ddp/isrc_mismatch/DDPID,title=isrckit cd-isrc-mismatch::TRACK 02"
        ),
        "{github}"
    );
    let junit = text("junit");
    assert!(junit.contains("cd-isrc-mismatch"), "{junit}");
    let sarif: Value = serde_json::from_str(&text("sarif")).expect("sarif");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "cd-isrc-mismatch");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    for id in [
        "cd-isrc-mismatch",
        "cd-barcode-mismatch",
        "cd-track-mismatch",
    ] {
        assert!(rules.iter().any(|r| r["id"] == id), "{id}");
    }
}

#[test]
fn a_ddp_folder_beside_its_masters_is_one_release_in_a_plain_audit() {
    // The disc's tracks are its recordings: DDP/ and the WAV folder hold
    // the same ones under one barcode, as WAV/ and FLAC/ do. Before, the
    // image was a second release carrying the masters' barcode
    // (barcode-shared on every file).
    let (list, _, status) = findings(&["ddp/clean", "masters"]);
    assert_eq!(list, []);
    assert_eq!(status, Some(0));
    // A disc with only some of the recordings is a partial delivery.
    let (list, _, _) = findings(&["ddp/track_count", "masters"]);
    assert_eq!(
        list,
        [f(
            "barcode-subset",
            "ddp/track_count/DDPID",
            "0724384960650"
        )]
    );
}

#[test]
fn copies_of_the_masters_in_a_second_folder_are_one_master_each() {
    // A delivery with WAV/ and a second copy (here: the same files in
    // COPY/): one recording per track number, not six masters for three
    // tracks; a planted mismatch is still found, once.
    let dir = tempfile::tempdir().expect("temp dir");
    for sub in ["WAV", "COPY"] {
        std::fs::create_dir(dir.path().join(sub)).expect("mkdir");
        for f in ["01 One.wav", "02 Two.wav", "03 Three.wav"] {
            std::fs::copy(cd().join("masters").join(f), dir.path().join(sub).join(f))
                .expect("copy");
        }
    }
    let disc = |image: &str| cd().join("ddp").join(image).to_string_lossy().into_owned();
    let run = |image: &str| -> Vec<String> {
        let out = audit_in(
            dir.path(),
            &["--format", "json", "--cd", &disc(image), "WAV", "COPY"],
        );
        let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
        doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["rule"].as_str().unwrap_or(""),
                    f["code"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    assert_eq!(run("clean"), Vec::<String>::new());
    assert_eq!(run("isrc_mismatch"), ["cd-isrc-mismatch GBAYE2600099"]);
}

#[test]
fn a_single_file_sheet_beside_its_image_is_checked_as_one_file() {
    // metaflac's sheet names one FLAC for both tracks: the image is their
    // one master (its length is the disc's, not a track's).
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        testdata().join("flac/cuesheet_cdda.flac"),
        dir.path().join("CD Master.flac"),
    )
    .expect("copy");
    std::fs::copy(
        testdata().join("cue/metaflac_export.cue"),
        dir.path().join("album.cue"),
    )
    .expect("copy");
    let out = audit_in(dir.path(), &["--format", "json", "--cd", "album.cue"]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["findings"], serde_json::json!([]), "{out:?}");
    assert_eq!(out.status.code(), Some(0));
    // Without the image: one finding for the file, naming both tracks.
    std::fs::remove_file(dir.path().join("CD Master.flac")).expect("rm");
    let out = audit_in(dir.path(), &["--format", "json", "--cd", "album.cue"]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    let found = doc["findings"].as_array().expect("findings");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0]["message"],
        "tracks 01, 02 (line 3: TRACK 01 INDEX 01 00:00:00): FILE \"CD Master.flac\" is not in the sheet's folder, and no master given is that file: these tracks have no master"
    );
}

#[test]
fn a_ddp_track_without_an_isrc_is_isrc_missing_in_any_audit() {
    // Alone: the track, from the PQ descriptors; with --cd, the finding
    // names the master's code and how to patch it in.
    let (_, doc, status) = findings(&["ddp/late_code"]);
    assert_eq!(status, Some(1));
    let f = &doc["findings"][0];
    assert_eq!(doc["findings"].as_array().map(Vec::len), Some(1));
    assert_eq!(f["rule"], "isrc-missing");
    assert_eq!(
        f["message"],
        "TRACK 03 has no ISRC in the image (no PQ, DDPMS or CD-TEXT site), while other tracks have one"
    );
    assert_eq!(
        f["location"],
        "PQDESCR entry 5 @256: track 03 index 01 at 00:05:45"
    );
    let (_, doc, _) = findings(&["--cd", "ddp/late_code", "masters"]);
    let f = &doc["findings"][0];
    assert_eq!(doc["findings"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        f["message"],
        "TRACK 03 has no ISRC in the image (no PQ, DDPMS or CD-TEXT site), but its master masters/03 Three.wav carries GBAYE2600003: patch it in (isrckit set --track 3 --isrc GBAYE2600003 ddp/late_code/)"
    );
    assert_eq!(f["related"], serde_json::json!(["masters/03 Three.wav"]));
}

#[test]
fn masters_without_track_numbers_are_paired_by_isrc_and_length() {
    // Names that sort in another order than the disc's (One, Three, Two):
    // each track finds its master by ISRC and length; a planted ISRC
    // mismatch is still found, on the track whose length is that master's.
    let dir = tempfile::tempdir().expect("temp dir");
    for (from, to) in [
        ("01 One.wav", "One.wav"),
        ("02 Two.wav", "Two.wav"),
        ("03 Three.wav", "Three.wav"),
    ] {
        std::fs::copy(cd().join("masters").join(from), dir.path().join(to)).expect("copy");
    }
    let run = |image: &str| -> Vec<String> {
        let disc = cd().join("ddp").join(image);
        let out = audit_in(
            dir.path(),
            &["--format", "json", "--cd", &disc.to_string_lossy(), "."],
        );
        let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
        doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["message"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(run("clean"), Vec::<String>::new());
    let found = run("isrc_mismatch");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("TRACK 02 carries ISRC GBAYE2600099 on the disc")
            && found[0].contains("but its master ./Two.wav carries GBAYE2600002"),
        "{found:?}"
    );
    let found = run("track_length");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("but its master ./Three.wav is 0:02.00"),
        "{found:?}"
    );
}

/// A copy of `testdata/cd/ddp/<image>` in a temporary folder.
fn image_copy(image: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for e in std::fs::read_dir(cd().join("ddp").join(image)).expect("image") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), dir.path().join(e.file_name())).expect("copy");
    }
    dir
}

fn summary(out: &Output) -> (Value, Value) {
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (doc["summary"].clone(), doc["findings"].clone())
}

#[test]
fn a_disc_that_audit_cd_finds_unreadable_is_counted_unreadable() {
    // A DDPID that is not one: read as a file, it is not audio (skipped);
    // as the disc, unreadable, and counted so.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("DDPID"), b"not a DDP image at all").expect("write");
    let out = audit_in(dir.path(), &["--format", "json", "--cd", "."]);
    let (s, _) = summary(&out);
    assert_eq!(
        (s["unreadable"].as_u64(), s["skipped"].as_u64()),
        (Some(1), Some(0)),
        "{s}"
    );
    // A layout that cannot be read whole (a time with 75 seconds), in an
    // image that reads cleanly as a file.
    let img = image_copy("clean");
    let pq = img.path().join("PQDESCR");
    let mut b = std::fs::read(&pq).expect("read");
    b[128 + 12..128 + 14].copy_from_slice(b"75");
    std::fs::write(&pq, b).expect("write");
    let disc = img.path().to_string_lossy().to_string();
    let out = audit_in(&cd(), &["--format", "json", "--cd", &disc, "masters"]);
    let (s, found) = summary(&out);
    assert_eq!(found[0]["rule"], "unreadable", "{found}");
    assert!(
        found[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("PQDESCR entry 3 @128: time \"00:75:00\" is not mm:ss:ff")),
        "{found}"
    );
    assert_eq!(s["unreadable"].as_u64(), Some(1), "{s}");
}

#[test]
fn a_disc_reached_again_through_the_masters_is_audited_once() {
    // The disc and the four files of masters/ (three WAVs and the sheet):
    // each file once, whichever of its names are given.
    for (args, files) in [
        (["ddp/clean/DDPID", "./ddp/clean", "masters"], 5),
        (["ddp/clean", "./ddp/clean/DDPID", "masters"], 5),
        (["masters/album.cue", "./masters", "masters/01 One.wav"], 4),
    ] {
        let mut all = vec!["--format", "json", "--cd"];
        all.extend_from_slice(&args);
        let out = audit_in(&cd(), &all);
        let (s, found) = summary(&out);
        let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
        let paths: Vec<&str> = doc["files"]
            .as_array()
            .expect("files")
            .iter()
            .filter_map(|f| f["path"].as_str())
            .collect();
        assert_eq!(s["files"].as_u64(), Some(files), "{args:?}: {paths:?}");
        assert_eq!(found.as_array().map(Vec::len), Some(0), "{args:?}: {found}");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
    }
}

#[test]
fn a_pq_stream_without_a_lead_out_is_a_track_finding_and_the_other_tracks_are_checked() {
    let img = image_copy("clean");
    let pq = img.path().join("PQDESCR");
    let mut b = std::fs::read(&pq).expect("read");
    assert_eq!(&b[b.len() - 64..b.len() - 58], b"VVVSAA");
    b.truncate(b.len() - 64);
    std::fs::write(&pq, &b).expect("write");
    let disc = img.path().to_string_lossy().to_string();
    let out = audit_in(&cd(), &["--format", "json", "--cd", &disc, "masters"]);
    let (s, found) = summary(&out);
    let list = found.as_array().expect("findings");
    assert_eq!(list.len(), 1, "{found}");
    assert_eq!(list[0]["rule"], "cd-track-mismatch");
    assert_eq!(
        list[0]["message"],
        "the disc's track layout is incomplete: PQDESCR has no lead-out entry (track AA): a plant needs it to press the disc, and the last track's length is unknown (the other tracks are checked)"
    );
    assert_eq!(s["unreadable"].as_u64(), Some(0), "{s}");
    assert_eq!(out.status.code(), Some(1));
    // The tracks before the last keep their lengths: track 02's pregap
    // (index 00) moved a minute later, track 02 starts at its index 01
    // (00:04:00), making track 01 2 s long, against its 1 s master.
    b[128 + 10..128 + 12].copy_from_slice(b"01");
    std::fs::write(&pq, &b).expect("write");
    let out = audit_in(&cd(), &["--format", "json", "--cd", &disc, "masters"]);
    let (_, found) = summary(&out);
    let messages: Vec<&str> = found
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("TRACK 01 is 0:02.00 long on the disc")),
        "{messages:?}"
    );
}
