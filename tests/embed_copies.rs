//! One manifest row per recording applies to every format copy of it: a
//! release delivered as WAV/, FLAC/, MP3/ and M4A/ folders needs one row
//! per track, not one per file (issue 10). Copies that are different
//! recordings (another length) stay an error that lists them.

mod common;

use assert_cmd::Command;
use std::path::Path;

fn isrckit() -> Command {
    Command::cargo_bin("isrckit").expect("binary")
}

/// A sine of `seconds` with a title tag, in the container `path` names.
fn make(path: &Path, title: &str, seconds: f32) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    common::run(
        std::process::Command::new("ffmpeg")
            .args(["-v", "error", "-f", "lavfi", "-i"])
            .arg(format!("sine=duration={seconds}"))
            .args(["-metadata", &format!("title={title}")])
            .arg(path),
    );
}

fn codes(path: &Path) -> (Vec<String>, Vec<String>) {
    let r = isrckit::read_file(path);
    assert!(r.container.is_some(), "{}: {r:?}", path.display());
    let get = |k| r.distinct(k).into_iter().map(String::from).collect();
    (
        get(isrckit::CodeKind::Isrc),
        get(isrckit::CodeKind::Barcode),
    )
}

const FORMATS: [(&str, &str); 4] = [
    ("WAV", "wav"),
    ("FLAC", "flac"),
    ("MP3", "mp3"),
    ("M4A", "m4a"),
];

/// `release` + `track` (release the parent of the format folders) and
/// `title` rows each give their codes to all four copies. Before: "track 1
/// matches 4 files", exit 2.
#[test]
fn a_row_applies_to_every_format_copy_of_its_recording() {
    if !common::require("ffmpeg", &["-version"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    for (folder, ext) in FORMATS {
        make(
            &root.join(format!("Album/{folder}/01 Intro.{ext}")),
            "Intro",
            1.0,
        );
        make(
            &root.join(format!("Album/{folder}/02 Outro.{ext}")),
            "Outro",
            2.0,
        );
    }
    std::fs::write(
        root.join("codes.csv"),
        "release,track,title,isrc,barcode\n\
         Album,1,,USRC12600001,5012345678900\n\
         ,,outro,USRC12600002,5012345678900\n",
    )
    .expect("write");
    let out = isrckit()
        .args(["embed", "--format", "json", "--manifest"])
        .arg(root.join("codes.csv"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["summary"]["written"], 8, "{doc}");
    for (folder, ext) in FORMATS {
        for (name, isrc) in [("01 Intro", "USRC12600001"), ("02 Outro", "USRC12600002")] {
            assert_eq!(
                codes(&root.join(format!("Album/{folder}/{name}.{ext}"))),
                (vec![isrc.to_string()], vec!["5012345678900".to_string()]),
                "{folder}/{name}"
            );
        }
    }
}

/// Files a row matches that are different recordings (the MP3 is an
/// edit of another length) are listed, with why, and nothing is written.
#[test]
fn copies_that_are_different_recordings_stay_an_error() {
    if !common::require("ffmpeg", &["-version"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    make(&root.join("Album/WAV/01 Intro.wav"), "Intro", 1.0);
    make(&root.join("Album/FLAC/01 Intro.flac"), "Intro", 1.0);
    make(&root.join("Album/MP3/01 Intro.mp3"), "Intro", 4.0);
    let before = std::fs::read(root.join("Album/WAV/01 Intro.wav")).expect("read");
    std::fs::write(
        root.join("codes.csv"),
        "release,track,isrc\nAlbum,1,USRC12600001\n",
    )
    .expect("write");
    std::fs::write(root.join("titles.csv"), "title,isrc\nIntro,USRC12600001\n").expect("write");
    for (m, what) in [
        ("codes.csv", "track 1 matches 3 files in release \"Album\""),
        ("titles.csv", "title \"Intro\" matches 3 files under ROOT"),
    ] {
        let out = isrckit()
            .args(["embed", "--manifest"])
            .arg(root.join(m))
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!(
                "line 2: {what}: \"Album/FLAC/01 Intro.flac\", \"Album/MP3/01 Intro.mp3\", \"Album/WAV/01 Intro.wav\", which are not one recording"
            )) && err.contains("their durations differ by more than 1 s"),
            "{err}"
        );
    }
    assert_eq!(
        std::fs::read(root.join("Album/WAV/01 Intro.wav")).expect("read"),
        before
    );
}
