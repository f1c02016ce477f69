//! `--release-by` and `--duration-tolerance` through the binary, on real
//! files tagged by `isrckit set`: what a release is decides the barcode
//! rules (a two-disc album, `Album/CD1` and `Album/CD2`), and the duration
//! tolerance decides whether two files with one ISRC are one recording.
//! Exact rule ids and paths from `audit --format json`.

mod common;

use assert_cmd::Command;
use common::{require, run, testdata};
use serde_json::Value;
use std::path::Path;

fn isrckit() -> Command {
    Command::cargo_bin("isrckit").expect("binary built")
}

/// Copy `sample` to `dir/rel` and set its codes with `isrckit set`.
fn master(dir: &Path, rel: &str, sample: &Path, isrc: &str, barcode: &str) {
    let to = dir.join(rel);
    std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
    std::fs::copy(sample, &to).expect("copy sample");
    let out = isrckit()
        .args(["set", "--isrc", isrc, "--barcode", barcode])
        .arg(&to)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "set {rel}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// `audit --format json` of `dir` with `extra` flags: (exit status, doc).
fn audit(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let out = isrckit()
        .args(["audit", "--format", "json", "--no-config", "--year", "2026"])
        .args(extra)
        .arg(dir)
        .output()
        .expect("runs");
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON: {e}\n{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().expect("exit status"), doc)
}

fn rel(dir: &Path, p: &Value) -> String {
    let p = Path::new(p.as_str().expect("a path"));
    p.strip_prefix(dir)
        .unwrap_or(p)
        .to_string_lossy()
        .into_owned()
}

/// (rule, path, related paths) of every finding, paths relative to `dir`.
fn findings(dir: &Path, doc: &Value) -> Vec<(String, String, Vec<String>)> {
    let mut v: Vec<_> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let mut related: Vec<String> = f["related"]
                .as_array()
                .expect("related")
                .iter()
                .map(|p| rel(dir, p))
                .collect();
            related.sort();
            (
                f["rule"].as_str().expect("rule").to_string(),
                rel(dir, &f["path"]),
                related,
            )
        })
        .collect();
    v.sort();
    v
}

fn want(list: &[(&str, &str, &[&str])]) -> Vec<(String, String, Vec<String>)> {
    let mut v: Vec<_> = list
        .iter()
        .map(|(r, p, rel)| {
            (
                r.to_string(),
                p.to_string(),
                rel.iter().map(|s| s.to_string()).collect(),
            )
        })
        .collect();
    v.sort();
    v
}

const CD1: [&str; 2] = ["Album/CD1/01.wav", "Album/CD1/02.wav"];
const CD2: [&str; 2] = ["Album/CD2/01.wav", "Album/CD2/02.wav"];
// Years of reference 24 and 25: none in the future of --year 2026.
const ISRCS: [&str; 4] = [
    "USRC12400001",
    "GBAYE2500002",
    "FRZ032400416",
    "DEA842400107",
];
const EAN: &str = "4006381333931";
const UPC: &str = "075678164125";

/// A two-disc album, four recordings; disc 1 carries `b1`, disc 2 `b2`.
fn album(dir: &Path, b1: &str, b2: &str) {
    let sample = testdata().join("wav/no_tags.wav");
    for (i, rel) in CD1.iter().chain(&CD2).enumerate() {
        let barcode = if i < 2 { b1 } else { b2 };
        master(dir, rel, &sample, ISRCS[i], barcode);
    }
}

#[test]
fn one_barcode_on_both_discs_is_shared_by_folder_and_fine_by_parent_folder() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    album(d, EAN, EAN);
    // Each disc folder a release: two releases of different recordings
    // carry one barcode.
    let (code, doc) = audit(d, &["--release-by", "folder"]);
    assert_eq!(
        findings(d, &doc),
        want(&[
            ("barcode-shared", CD1[0], &CD2),
            ("barcode-shared", CD1[1], &CD2),
            ("barcode-shared", CD2[0], &CD1),
            ("barcode-shared", CD2[1], &CD1),
        ])
    );
    assert_eq!(code, 1);
    // The folder above: one release, one barcode. The default is folder.
    let (code, doc) = audit(d, &["--release-by", "parent-folder"]);
    assert_eq!(findings(d, &doc), want(&[]));
    assert_eq!(code, 0);
    let (_, default) = audit(d, &[]);
    assert_eq!(findings(d, &default).len(), 4, "the default is folder");
}

#[test]
fn one_barcode_per_disc_is_fine_by_folder_and_inconsistent_by_parent_folder() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    album(d, EAN, UPC);
    let (code, doc) = audit(d, &["--release-by", "folder"]);
    assert_eq!(findings(d, &doc), want(&[]));
    assert_eq!(code, 0);
    // One release (Album) whose tracks carry two barcodes.
    let (code, doc) = audit(d, &["--release-by", "parent-folder"]);
    assert_eq!(
        findings(d, &doc),
        want(&[
            ("barcode-inconsistent", CD1[0], &CD2),
            ("barcode-inconsistent", CD1[1], &CD2),
            ("barcode-inconsistent", CD2[0], &CD1),
            ("barcode-inconsistent", CD2[1], &CD1),
        ])
    );
    assert_eq!(code, 1);
    let msg = doc["findings"][0]["message"].as_str().expect("message");
    assert!(
        msg.contains("Album") && msg.contains("0075678164125") && msg.contains(EAN),
        "{msg}"
    );
}

/// A WAV of `seconds` of a sine made by ffmpeg, no tags.
fn wav_of(path: &Path, seconds: &str) {
    run(std::process::Command::new("ffmpeg")
        .args([
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
        ])
        .arg(format!(
            "sine=frequency=440:sample_rate=44100:duration={seconds}"
        ))
        .args(["-c:a", "pcm_s16le"])
        .arg(path));
}

#[test]
fn duration_tolerance_decides_whether_one_isrc_is_two_recordings() {
    if !require("ffmpeg", &["-version"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let made = tempfile::tempdir().expect("tmp");
    let (short, long) = (made.path().join("short.wav"), made.path().join("long.wav"));
    wav_of(&short, "10");
    wav_of(&long, "11.5");
    // One release, one barcode, one ISRC on both; no titles.
    master(d, "rel/a.wav", &short, ISRCS[0], EAN);
    master(d, "rel/b.wav", &long, ISRCS[0], EAN);
    let (_, doc) = audit(d, &[]);
    let durations: Vec<u64> = doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["audio"]["duration_ms"].as_u64().expect("duration"))
        .collect();
    assert_eq!(durations, [10_000, 11_500]);
    let dup = want(&[
        ("isrc-duplicate", "rel/a.wav", &["rel/b.wav"]),
        ("isrc-duplicate", "rel/b.wav", &["rel/a.wav"]),
    ]);
    // 1.5 s apart: two recordings within 1 s (or 1.49 s), one within 2 s
    // (or exactly 1.5 s: the tolerance is inclusive).
    for (tolerance, expected) in [
        ("1", dup.clone()),
        ("1.49", dup.clone()),
        ("1.5", want(&[])),
        ("2", want(&[])),
    ] {
        let (code, doc) = audit(d, &["--duration-tolerance", tolerance]);
        assert_eq!(
            findings(d, &doc),
            expected,
            "--duration-tolerance {tolerance}"
        );
        assert_eq!(code, i32::from(!expected.is_empty()), "{tolerance}");
    }
    // The default tolerance is 1 s.
    let (_, doc) = audit(d, &[]);
    assert_eq!(findings(d, &doc), dup);
}
