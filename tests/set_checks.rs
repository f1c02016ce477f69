//! `set` refuses what it cannot do honestly, before anything is written:
//! a code with nowhere to go (the targets leave out every place), and one
//! ISRC for two different recordings.

mod common;

use assert_cmd::Command;
use common::testdata;
use std::path::Path;
use std::process::Command as Std;

fn isrckit() -> Command {
    Command::cargo_bin("isrckit").expect("binary built")
}

fn ffmpeg_tone(out: &Path, seconds: &str) {
    common::require("ffmpeg", &["-version"]);
    let ok = Std::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("sine=frequency=440:duration={seconds}"))
        .args(["-ar", "8000", "-ac", "1"])
        .arg(out)
        .status()
        .expect("ffmpeg runs");
    assert!(ok.success(), "ffmpeg made {}", out.display());
}

#[test]
fn a_code_with_nowhere_to_go_is_refused_naming_code_file_and_targets() {
    let dir = tempfile::tempdir().expect("temp dir");
    let wav = dir.path().join("a.wav");
    std::fs::copy(testdata().join("wav/no_tags.wav"), &wav).expect("copy");
    let before = std::fs::read(&wav).expect("read");
    for (args, kind) in [
        (
            vec!["--isrc", "USRC12600001", "--targets", "no-wav:id3"],
            "ISRC USRC12600001",
        ),
        (
            vec![
                "--barcode",
                "075678164125",
                "--targets",
                "no-wav:id3,wav:ixml",
            ],
            "barcode 075678164125",
        ),
        (
            vec![
                "--barcode",
                "075678164125",
                "--targets",
                "no-wav:id3,wav:info",
            ],
            "barcode 075678164125",
        ),
    ] {
        for dry in [true, false] {
            let mut cmd = isrckit();
            cmd.arg("set").args(&args);
            if dry {
                cmd.arg("--dry-run");
            }
            let out = cmd.arg(&wav).output().expect("runs");
            let text = String::from_utf8_lossy(&out.stdout);
            assert_eq!(out.status.code(), Some(1), "{args:?}: {out:?}");
            assert!(text.contains("NOT WRITTEN"), "{args:?}: {text}");
            assert!(text.contains("a.wav"), "{args:?}: {text}");
            assert!(text.contains(kind), "{args:?}: {text}");
            assert!(text.contains("has nowhere to go"), "{args:?}: {text}");
            assert!(text.contains("the targets ("), "{args:?}: {text}");
            assert!(
                !text.lines().any(|l| l.starts_with("unchanged")),
                "{args:?}: {text}"
            );
        }
    }
    assert_eq!(
        std::fs::read(&wav).expect("read"),
        before,
        "nothing written"
    );
    // With a target that holds it, the same write goes through.
    let out = isrckit()
        .args([
            "set",
            "--isrc",
            "USRC12600001",
            "--targets",
            "no-wav:id3,wav:info",
        ])
        .arg(&wav)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let isrcs: Vec<String> = isrckit::read_file(&wav)
        .codes
        .into_iter()
        .filter_map(|c| c.value)
        .collect();
    assert_eq!(isrcs, ["USRC12600001"]);
}

#[test]
fn one_isrc_for_two_different_recordings_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b, c) = (
        dir.path().join("a.wav"),
        dir.path().join("b.wav"),
        dir.path().join("a.flac"),
    );
    ffmpeg_tone(&a, "2");
    ffmpeg_tone(&b, "4");
    ffmpeg_tone(&c, "2");
    let before = std::fs::read(&a).expect("read");
    let out = isrckit()
        .args(["set", "--isrc", "USRC12600001"])
        .arg(&a)
        .arg(&b)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("different recordings"), "{err}");
    assert!(err.contains("durations differ"), "{err}");
    assert_eq!(std::fs::read(&a).expect("read"), before, "nothing written");
    // The same recording in two formats may share its ISRC.
    let out = isrckit()
        .args(["set", "--isrc", "USRC12600001"])
        .arg(&a)
        .arg(&c)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    for f in [&a, &c] {
        assert!(
            isrckit::read_file(f)
                .codes
                .iter()
                .any(|s| s.value.as_deref() == Some("USRC12600001")),
            "{}",
            f.display()
        );
    }
}

/// After a default write, ffprobe shows the ISRC of a WAV that has a
/// LIST/INFO chunk (as ffmpeg makes them) or a bext chunk (every BWF):
/// ffprobe ignores the ID3 chunk in such files, so the ISRC also goes to
/// INFO. `no-wav:info` leaves it out, and then ffprobe shows none.
#[test]
fn ffprobe_sees_the_isrc_after_a_default_write() {
    if !common::require("ffprobe", &["-version"]) {
        return;
    }
    let ffprobe_isrc = |f: &Path| -> String {
        let out = Std::new("ffprobe")
            .args(["-v", "error", "-show_entries", "format_tags", "-of", "flat"])
            .arg(f)
            .output()
            .expect("ffprobe runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, extra) in [
        ("info.wav", vec!["-metadata", "title=Intro"]),
        (
            "bwf.wav",
            vec!["-write_bext", "1", "-metadata", "description=master"],
        ),
    ] {
        let f = dir.path().join(name);
        common::require("ffmpeg", &["-version"]);
        let ok = Std::new("ffmpeg")
            .args(["-v", "error", "-y", "-f", "lavfi", "-i", "sine=duration=1"])
            .args(["-ar", "8000", "-ac", "1"])
            .args(&extra)
            .arg(&f)
            .status()
            .expect("ffmpeg runs");
        assert!(ok.success());
        let bare = dir.path().join(format!("bare-{name}"));
        std::fs::copy(&f, &bare).expect("copy");
        let out = isrckit()
            .args(["set", "--isrc", "USRC12600001"])
            .arg(&f)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert!(
            ffprobe_isrc(&f).contains("USRC12600001"),
            "{name}: {}",
            ffprobe_isrc(&f)
        );
        let out = isrckit()
            .args(["set", "--isrc", "USRC12600001", "--targets", "no-wav:info"])
            .arg(&bare)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert!(!ffprobe_isrc(&bare).contains("USRC12600001"), "{name}");
    }
}

/// `set --dry-run` (and `embed --dry-run`, through the same writer) says
/// which common readers will not show a code where it would be written.
#[test]
fn a_dry_run_says_which_readers_will_not_see_a_code() {
    let dir = tempfile::tempdir().expect("temp dir");
    let wav = dir.path().join("bwf.wav");
    std::fs::copy(testdata().join("wav/bwf_bext_id3.wav"), &wav).expect("copy");
    let run = |targets: &[&str]| -> serde_json::Value {
        let out = isrckit()
            .args([
                "set",
                "--isrc",
                "USRC12600001",
                "--dry-run",
                "--format",
                "json",
            ])
            .args(targets)
            .arg(&wav)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        serde_json::from_slice(&out.stdout).expect("JSON")
    };
    let doc = run(&["--targets", "no-wav:info,wav:ixml"]);
    let notes: Vec<&str> = doc["files"][0]["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("TSRC") && n.contains("not shown by ffprobe")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("iXML") && n.contains("shown only by exiftool")),
        "{notes:?}"
    );
    // By default the ISRC also goes to INFO, which ffprobe shows: no note.
    let doc = run(&[]);
    assert!(
        doc["files"][0].get("notes").is_none(),
        "{}",
        doc["files"][0]
    );
}
