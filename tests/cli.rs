//! `isrckit inspect` through the binary: the JSON contract, the table, exit
//! statuses, and a closed pipe.

mod common;

use assert_cmd::Command;
use common::testdata;
use serde_json::Value;

fn isrckit() -> Command {
    Command::cargo_bin("isrckit").expect("binary built")
}

#[test]
fn json_document_has_the_documented_shape_for_every_file() {
    let out = isrckit()
        .args(["inspect", "--format", "json"])
        .arg(testdata())
        .output()
        .expect("runs");
    // testdata/damaged holds unreadable files: status 1, the rest reported.
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(doc["schema"], "isrckit/inspect/1");
    let files = doc["files"].as_array().expect("files array");
    // Every walked file appears, but the ones that are not audio and not
    // named like audio (README.md, make.sh, …): those are counted.
    let (walked, _) = isrckit::walk::collect(&[testdata()], &isrckit::walk::Filter::default());
    let skipped: Vec<_> = walked
        .iter()
        .filter(|p| {
            isrckit::read_file(p).status == isrckit::FileStatus::NotAudio
                && !isrckit::walk::named_as_audio(p)
        })
        .collect();
    assert!(
        skipped.iter().any(|p| p.ends_with("README.md")),
        "{skipped:?}"
    );
    assert_eq!(files.len() + skipped.len(), walked.len());
    assert_eq!(doc["skipped"]["not_audio"], skipped.len());
    for key in ["temp_files", "system_files", "vcs_folders", "filtered"] {
        assert_eq!(doc["skipped"][key], 0, "{key}");
    }
    // A file named like audio that is not audio is reported, not skipped.
    assert!(files.iter().any(|f| {
        f["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("damaged/random_garbage.m4a"))
            && f["status"] == "not-audio"
    }));
    let paths: Vec<&str> = files
        .iter()
        .map(|f| f["path"].as_str().expect("path"))
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "sorted by path");
    for f in files {
        for key in [
            "path",
            "container",
            "format",
            "codes",
            "title",
            "error",
            "notes",
            "audio",
            "distinct",
        ] {
            assert!(f.get(key).is_some(), "{} lacks {key}", f["path"]);
        }
        if f["container"].is_null() {
            assert!(
                f["error"].is_string(),
                "{}: no container and no error",
                f["path"]
            );
        }
        for c in f["codes"].as_array().expect("codes") {
            assert!(matches!(c["kind"].as_str(), Some("isrc" | "barcode")));
            for key in [
                "value",
                "raw",
                "valid",
                "problem",
                "canonical",
                "notes",
                "location",
            ] {
                assert!(c.get(key).is_some(), "code lacks {key}");
            }
            let loc = &c["location"];
            for key in [
                "container",
                "chunk",
                "tag",
                "field",
                "version",
                "encoding",
                "offset",
                "track",
                "standard",
            ] {
                assert!(loc.get(key).is_some(), "location lacks {key}");
            }
        }
    }
    // One file in detail: mutagen's UTF-16 ID3v2.3 tag in a WAV `id3 ` chunk.
    let wav = files
        .iter()
        .find(|f| {
            f["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("wav/mutagen_id3v23_utf16.wav"))
        })
        .expect("sample present");
    let isrc = &wav["codes"][0];
    assert_eq!(isrc["kind"], "isrc");
    assert_eq!(isrc["value"], "GBAYE2400103");
    assert_eq!(isrc["valid"], true);
    assert_eq!(isrc["location"]["chunk"], "id3 ");
    assert_eq!(isrc["location"]["tag"], "id3v2");
    assert_eq!(isrc["location"]["field"], "TSRC");
    assert_eq!(isrc["location"]["version"], "2.3");
    assert_eq!(isrc["location"]["encoding"], "UTF-16");
    assert_eq!(wav["container"], "wav");
    assert!(wav["error"].is_null());
}

#[test]
fn table_shows_codes_conflicts_and_errors() {
    let out = isrckit()
        .args(["inspect", "--color", "never"])
        .arg(testdata().join("wav/conflict_info_vs_id3.wav"))
        .arg(testdata().join("mp3/isrc_invalid_country.mp3"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        text.contains("! 2 different ISRCs in this file: DEA842400107, DEA842400108"),
        "{text}"
    );
    assert!(text.contains("INVALID  XX1234567890"), "{text}");
    assert!(text.contains("\"XX\""), "{text}");
    assert!(text.contains("2 files: 2 read, 0 with errors"), "{text}");
    assert!(!text.contains('\x1b'), "no colour when told never");
}

#[test]
fn exit_status_follows_what_could_be_read() {
    // Every file read: 0.
    isrckit()
        .arg("inspect")
        .arg(testdata().join("wav/no_tags.wav"))
        .assert()
        .code(0);
    // Some unreadable: 1, and the readable one is still reported.
    let out = isrckit()
        .arg("inspect")
        .arg(testdata().join("wav/ffmpeg_info_isrc.wav"))
        .arg(testdata().join("damaged/empty.wav"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("USRC12400101") && text.contains("empty file"),
        "{text}"
    );
    // Nothing readable: 2.
    isrckit()
        .arg("inspect")
        .arg(testdata().join("damaged/empty.wav"))
        .assert()
        .code(2);
    isrckit()
        .arg("inspect")
        .arg(testdata().join("no/such/file.wav"))
        .assert()
        .code(2);
    // Usage errors: 2.
    isrckit().arg("inspect").assert().code(2);
    isrckit()
        .args(["inspect", "--format", "xml", "x"])
        .assert()
        .code(2);
}

#[test]
fn closed_pipe_is_not_an_error() {
    use std::io::Read;
    use std::process::{Command as Std, Stdio};
    // Far more output than a pipe buffers, so the writer meets the closed pipe.
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..400 {
        std::fs::copy(
            testdata().join("wav/conflict_info_vs_id3.wav"),
            dir.path().join(format!("{i:03}.wav")),
        )
        .expect("copy");
    }
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("isrckit"))
        .args(["inspect", "--format", "json"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout);
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0), "{:?}", out.status);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn help_teaches() {
    let out = isrckit()
        .args(["inspect", "--help"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Exit status") && text.contains("--format"),
        "{text}"
    );
}
