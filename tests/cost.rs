//! Reading reads metadata, not audio: a 10-minute file costs the same bytes
//! as a 30-second one in every container (a few of the windows, at most
//! 64 KiB each, small reads are served from), and a 10-minute WAV no more than a
//! 2-second one. A count of bytes read, not a timing: timings belong in
//! benchmarks (bench/compare.sh --long).

mod common;

use common::{require, run};
use std::path::Path;
use std::process::Command;

fn make(dir: &Path, name: &str, seconds: u32, extra: &[&str]) -> std::path::PathBuf {
    let path = dir.join(name);
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("sine=f=440:r=8000:d={seconds}"))
        .args(["-metadata", "ISRC=USRC17607839", "-metadata", "title=Cost"])
        .args(extra)
        .arg(&path);
    run(&mut cmd);
    path
}

#[test]
fn ten_minutes_cost_the_same_as_two_seconds() {
    if !require("ffmpeg", &["-version"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: &[(&str, &[&str])] = &[
        ("wav", &[]),
        ("aiff", &["-write_id3v2", "1"]),
        ("flac", &[]),
        ("mp3", &[]),
        ("m4a", &["-c:a", "aac", "-movflags", "use_metadata_tags"]),
    ];
    for (ext, extra) in cases {
        let short = make(dir.path(), &format!("short.{ext}"), 30, extra);
        let long = make(dir.path(), &format!("long.{ext}"), 600, extra);
        let (rs, bytes_short) = isrckit::read_file_counted(&short);
        let (rl, bytes_long) = isrckit::read_file_counted(&long);
        let long_len = std::fs::metadata(&long).expect("size").len();
        assert!(
            rs.error.is_none() && rl.error.is_none(),
            "{ext}: {:?} {:?}",
            rs.error,
            rl.error
        );
        assert_eq!(
            rs.distinct(isrckit::CodeKind::Isrc),
            ["USRC17607839"],
            "{ext}"
        );
        assert_eq!(
            rl.distinct(isrckit::CodeKind::Isrc),
            ["USRC17607839"],
            "{ext}"
        );
        let ms = rl
            .audio
            .as_ref()
            .and_then(|a| a.duration_ms)
            .expect("duration");
        assert!((599_000..=601_000).contains(&ms), "{ext}: duration {ms} ms");
        // A few windows (head, tail; for MP4 also the start of `moov` and
        // its `udta`), whatever the length: a constant bound.
        let window = isrckit::WINDOW;
        assert!(
            bytes_long <= 4 * window,
            "{ext}: read {bytes_long} bytes of a {long_len}-byte 10-minute file, {bytes_short} of the 30-second one"
        );
    }
    let two = make(dir.path(), "two.wav", 2, &[]);
    let ten = make(dir.path(), "ten.wav", 600, &[]);
    let (_, a) = isrckit::read_file_counted(&two);
    let (_, b) = isrckit::read_file_counted(&ten);
    // The 10-minute file costs no more than the 2-second one, or one
    // window at most.
    assert!(
        b <= a.max(isrckit::WINDOW),
        "WAV: 2 s read {a} bytes, 10 min read {b}"
    );
}
