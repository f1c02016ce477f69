//! `isrckit cue` through the binary: the sheet it writes from the masters'
//! tags or from a manifest, read back by isrckit (inspect and `audit --cd`)
//! and by real tools (cuetools' cueconvert, cdrdao); what CUE cannot carry
//! refused with nothing written; `-o` never over a file without --force.

mod common;

use common::testdata;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn isrckit(dir: &Path, args: &[&str]) -> Output {
    Command::new(common::bin())
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run isrckit")
}

fn masters() -> std::path::PathBuf {
    testdata().join("cd").join("masters")
}

const FROM_TAGS: &str = "CATALOG 0724384960650
FILE \"01 One.wav\" WAVE
  TRACK 01 AUDIO
    TITLE \"One\"
    ISRC GBAYE2600001
    INDEX 01 00:00:00
FILE \"02 Two.wav\" WAVE
  TRACK 02 AUDIO
    TITLE \"Two\"
    ISRC GBAYE2600002
    INDEX 01 00:00:00
FILE \"03 Three.wav\" WAVE
  TRACK 03 AUDIO
    TITLE \"Three\"
    ISRC GBAYE2600003
    INDEX 01 00:00:00
";

/// The (track, value) of every code `inspect` reads in a sheet.
fn codes_read(sheet: &Path) -> Vec<(Option<u64>, String)> {
    let out = Command::new(common::bin())
        .args(["inspect", "--format", "json"])
        .arg(sheet)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    doc["files"][0]["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| {
            (
                c["location"]["track"].as_u64(),
                c["value"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn a_sheet_from_the_masters_tags_reads_back_with_the_same_codes() {
    let out = isrckit(&masters(), &["cue", "."]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), FROM_TAGS);
    // Beside the masters, as a user writes it: isrckit reads the codes
    // back, and audit --cd finds the sheet and its files in agreement.
    let dir = tempfile::tempdir().expect("temp dir");
    for f in ["01 One.wav", "02 Two.wav", "03 Three.wav"] {
        std::fs::copy(masters().join(f), dir.path().join(f)).expect("copy");
    }
    let out = isrckit(dir.path(), &["cue", ".", "-o", "album.cue"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "isrckit: wrote album.cue: 3 tracks, CATALOG 0724384960650\n"
    );
    assert_eq!(
        codes_read(&dir.path().join("album.cue")),
        [
            (None, "0724384960650".to_string()),
            (Some(1), "GBAYE2600001".to_string()),
            (Some(2), "GBAYE2600002".to_string()),
            (Some(3), "GBAYE2600003".to_string())
        ]
    );
    let out = isrckit(
        dir.path(),
        &[
            "audit",
            "--no-config",
            "--format",
            "json",
            "--cd",
            "album.cue",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["findings"], serde_json::json!([]));
    assert_eq!(doc["summary"]["audio"], 4);
    // No temp file is left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".isrckit-tmp"))
        .collect();
    assert_eq!(names, Vec::<String>::new());
}

#[test]
#[ignore = "needs cueconvert (cuetools)"]
fn cueconvert_reads_the_sheet() {
    if !common::require("cueconvert", &["-h"]) {
        return;
    }
    let out = isrckit(&masters(), &["cue", "."]);
    let dir = tempfile::tempdir().expect("temp dir");
    let sheet = dir.path().join("album.cue");
    std::fs::write(&sheet, &out.stdout).expect("write");
    let toc = common::run(
        Command::new("cueconvert")
            .args(["-i", "cue", "-o", "toc"])
            .arg(&sheet),
    );
    let lines: Vec<&str> = toc
        .lines()
        .filter(|l| l.starts_with("CATALOG") || l.starts_with("ISRC") || l.starts_with("FILE"))
        .collect();
    assert_eq!(
        lines,
        [
            "CATALOG \"0724384960650\"",
            "ISRC \"GBAYE2600001\"",
            "FILE \"01 One.wav\" 0",
            "ISRC \"GBAYE2600002\"",
            "FILE \"02 Two.wav\" 0",
            "ISRC \"GBAYE2600003\"",
            "FILE \"03 Three.wav\" 0"
        ],
        "{toc}"
    );
}

#[test]
#[ignore = "needs ffmpeg and cdrdao"]
fn cdrdao_accepts_a_sheet_from_a_manifest() {
    if !common::require("ffmpeg", &["-version"]) || !common::require("cdrdao", &["version"]) {
        return;
    }
    // cdrdao takes CD audio only (44.1 kHz, 2 channels, 16 bits) and warns
    // (read-test fails) on tracks shorter than 4 s.
    let dir = tempfile::tempdir().expect("temp dir");
    for (n, secs) in [(1, "4.0"), (2, "4.2"), (3, "4.4")] {
        common::run(
            Command::new("ffmpeg")
                .args(["-nostdin", "-v", "error", "-f", "lavfi", "-i"])
                .arg(format!(
                    "sine=frequency=440:sample_rate=44100:duration={secs}"
                ))
                .args(["-ac", "2", "-c:a", "pcm_s16le"])
                .arg(dir.path().join(format!("0{n} Song.wav"))),
        );
    }
    std::fs::write(
        dir.path().join("codes.csv"),
        "release,track,isrc,barcode\n.,1,GB-AYE-26-00011,075678164125\n.,2,GBAYE2600012,075678164125\n.,3,GBAYE2600013,075678164125\n",
    )
    .expect("write");
    let out = isrckit(
        dir.path(),
        &[
            "cue",
            "--manifest",
            "codes.csv",
            "--title",
            "Test Album",
            "--performer",
            "The Example",
            "-o",
            "album.cue",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let show = Command::new("cdrdao")
        .args(["show-toc", "album.cue"])
        .current_dir(dir.path())
        .output()
        .expect("cdrdao");
    assert!(show.status.success(), "{show:?}");
    let text = String::from_utf8_lossy(&show.stdout);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("CATALOG") || l.starts_with("ISRC"))
        .collect();
    assert_eq!(
        lines,
        [
            "CATALOG NUMBER: 0075678164125",
            "ISRC GB AYE 26 00011",
            "ISRC GB AYE 26 00012",
            "ISRC GB AYE 26 00013"
        ],
        "{text}"
    );
    let test = Command::new("cdrdao")
        .args(["read-test", "album.cue"])
        .current_dir(dir.path())
        .output()
        .expect("cdrdao");
    assert!(test.status.success(), "{test:?}");
    assert_eq!(
        codes_read(&dir.path().join("album.cue")),
        [
            (None, "0075678164125".to_string()),
            (Some(1), "GBAYE2600011".to_string()),
            (Some(2), "GBAYE2600012".to_string()),
            (Some(3), "GBAYE2600013".to_string())
        ]
    );
}

#[test]
fn what_cue_cannot_carry_is_refused_and_nothing_is_written() {
    let sample = testdata().join("wav").join("no_tags.wav");
    // A name with a double quote.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(&sample, dir.path().join("01 Say \"Hi\".wav")).expect("copy");
    let out = isrckit(dir.path(), &["cue", ".", "-o", "album.cue"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("track 01: the file name \"01 Say \\\"Hi\\\".wav\" holds a double quote"),
        "{err}"
    );
    assert!(!dir.path().join("album.cue").exists());
    // A hundred tracks.
    let dir = tempfile::tempdir().expect("temp dir");
    for n in 1..=100 {
        std::fs::copy(&sample, dir.path().join(format!("{n:03} Track.wav"))).expect("copy");
    }
    let out = isrckit(dir.path(), &["cue", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("100 audio files: a CD holds at most 99 tracks"),
        "{out:?}"
    );
    // Two files of one track number (two formats in one folder).
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(&sample, dir.path().join("01 A.wav")).expect("copy");
    std::fs::copy(&sample, dir.path().join("01 A copy.wav")).expect("copy");
    let out = isrckit(dir.path(), &["cue", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "2 files are track 1: ./01 A copy.wav, ./01 A.wav; a CUE sheet takes one file per track"
        ),
        "{out:?}"
    );
    // An invalid code in the manifest; a file carrying two ISRCs; two
    // barcodes among the masters.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(&sample, dir.path().join("01 A.wav")).expect("copy");
    std::fs::write(
        dir.path().join("codes.csv"),
        "path,isrc\n01 A.wav,GBAYE260001\n",
    )
    .expect("write");
    let out = isrckit(dir.path(), &["cue", "--manifest", "codes.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("has 11 characters; an ISRC has 12"),
        "{out:?}"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        testdata().join("wav/conflict_info_vs_id3.wav"),
        dir.path().join("01 A.wav"),
    )
    .expect("copy");
    let out = isrckit(dir.path(), &["cue", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("01 A.wav: carries 2 different ISRCs (DEA842400107, DEA842400108)"),
        "{out:?}"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        testdata().join("wav/mutagen_id3v23_utf16.wav"),
        dir.path().join("01 A.wav"),
    )
    .expect("copy");
    std::fs::copy(
        testdata().join("wav/mutagen_id3v24_latin1.wav"),
        dir.path().join("02 B.wav"),
    )
    .expect("copy");
    let out = isrckit(dir.path(), &["cue", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the masters carry 2 different barcodes"),
        "{out:?}"
    );
}

#[test]
fn an_existing_sheet_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().expect("temp dir");
    for f in ["01 One.wav", "02 Two.wav"] {
        std::fs::copy(masters().join(f), dir.path().join(f)).expect("copy");
    }
    let sheet = dir.path().join("album.cue");
    std::fs::write(&sheet, "hand-made\n").expect("write");
    let out = isrckit(dir.path(), &["cue", ".", "-o", "album.cue"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("album.cue is already there: give --force to replace it"),
        "{out:?}"
    );
    assert_eq!(
        std::fs::read_to_string(&sheet).expect("read"),
        "hand-made\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&sheet, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let out = isrckit(dir.path(), &["cue", ".", "-o", "album.cue", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&sheet)
            .expect("stat")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the replaced sheet keeps its mode");
    }
    let text = std::fs::read_to_string(&sheet).expect("read");
    assert!(
        text.starts_with("CATALOG 0724384960650\nFILE \"01 One.wav\" WAVE\n"),
        "{text}"
    );
    // Names relative to the sheet's folder, wherever it is written.
    std::fs::create_dir(dir.path().join("out")).expect("mkdir");
    let out = isrckit(dir.path(), &["cue", ".", "-o", "out/album.cue"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = std::fs::read_to_string(dir.path().join("out/album.cue")).expect("read");
    assert!(text.contains("FILE \"../02 Two.wav\" WAVE\n"), "{text}");
}
