//! `isrckit audit` through the binary on small trees made from the sample
//! masters: rules, settings, config discovery, exit statuses.

mod common;

use assert_cmd::Command;
use common::{require, testdata};
use serde_json::Value;
use std::path::Path;

fn isrckit() -> Command {
    Command::cargo_bin("isrckit").expect("binary built")
}

fn put(dir: &Path, rel: &str, sample: &str) {
    let to = dir.join(rel);
    std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
    std::fs::copy(testdata().join(sample), to).expect("copy sample");
}

/// Run `audit --format json` and return (exit status, document).
fn audit_json(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let year: &[&str] = if extra.contains(&"--year") {
        &[]
    } else {
        &["--year", "2026"]
    };
    let out = isrckit()
        .args(["audit", "--format", "json", "--no-config"])
        .args(year)
        .args(extra)
        .arg(dir)
        .output()
        .expect("runs");
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON: {e}\n{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().expect("exit status"), doc)
}

/// (rule, path relative to dir) of every finding.
fn findings(dir: &Path, doc: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let p = f["path"].as_str().expect("path");
            let rel = Path::new(p).strip_prefix(dir).unwrap_or(Path::new(p));
            (
                f["rule"].as_str().expect("rule").to_string(),
                rel.to_string_lossy().into_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    v.sort();
    v
}

#[test]
fn clean_release_has_no_findings_and_exits_0() {
    let dir = tempfile::tempdir().expect("tmp");
    // One release: ISRC + barcode in every track (kid3 and mid3v2 files share no barcode, so one track each).
    put(dir.path(), "rel/01.mp3", "mp3/kid3_v23.mp3");
    let (code, doc) = audit_json(dir.path(), &[]);
    assert_eq!(findings(dir.path(), &doc), pairs(&[]));
    assert_eq!(code, 0);
    assert_eq!(doc["schema"], "isrckit/audit/1");
    assert_eq!(doc["summary"]["files"], 1);
    assert_eq!(doc["summary"]["audio"], 1);
    assert_eq!(doc["files"].as_array().expect("files").len(), 1);
}

#[test]
fn per_file_rules_on_real_files() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    put(d, "a/conflict.wav", "wav/conflict_info_vs_id3.wav");
    put(d, "b/hyphen.mp3", "mp3/isrc_hyphenated.mp3");
    put(d, "c/badcountry.mp3", "mp3/isrc_invalid_country.mp3");
    put(d, "d/badcheck.mp3", "mp3/barcode_bad_check_digit.mp3");
    put(d, "e/none.mp3", "mp3/comm_mentions_isrc.mp3");
    put(d, "f/pointer.wav", "damaged/lfs_pointer.wav");
    put(d, "f/notes.txt", "README.md");
    put(d, "g/cut.wav", "damaged/wav_cut_in_data_header.wav");
    let (code, doc) = audit_json(d, &[]);
    assert_eq!(
        findings(d, &doc),
        pairs(&[
            ("isrc-conflict", "a/conflict.wav"),
            ("barcode-missing", "a/conflict.wav"),
            ("isrc-noncanonical", "b/hyphen.mp3"),
            ("barcode-missing", "b/hyphen.mp3"),
            ("isrc-invalid", "c/badcountry.mp3"),
            ("barcode-missing", "c/badcountry.mp3"),
            ("barcode-invalid", "d/badcheck.mp3"),
            ("isrc-missing", "e/none.mp3"),
            ("barcode-missing", "e/none.mp3"),
            ("lfs-pointer", "f/pointer.wav"),
            ("unreadable", "g/cut.wav"),
            ("barcode-missing", "g/cut.wav"),
        ])
    );
    assert_eq!(code, 1);
    let s = &doc["summary"];
    assert_eq!(
        (s["files"].as_u64(), s["audio"].as_u64()),
        (Some(8), Some(6))
    );
    assert_eq!(
        (s["skipped"].as_u64(), s["lfs_pointers"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(s["unreadable"], 1);
    let conflict = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "isrc-conflict")
        .expect("conflict");
    let msg = conflict["message"].as_str().expect("message");
    assert!(
        msg.contains("DEA842400107") && msg.contains("DEA842400108") && msg.contains("INFO"),
        "{msg}"
    );
}

#[test]
fn registrant_and_year_rules() {
    let dir = tempfile::tempdir().expect("tmp");
    put(dir.path(), "r/01.mp3", "mp3/kid3_v23.mp3"); // ZZ0AB2400409
    let (_, doc) = audit_json(dir.path(), &["--registrant", "USRC1,GBAYE"]);
    assert_eq!(
        findings(dir.path(), &doc),
        pairs(&[("isrc-registrant", "r/01.mp3")])
    );
    let (_, doc) = audit_json(dir.path(), &["--registrant", "ZZ0AB", "--year", "2023"]);
    assert_eq!(
        findings(dir.path(), &doc),
        pairs(&[("isrc-year", "r/01.mp3")])
    );
    // 24 in 2023 is 1924 (before ISRCs began) or 2024 (to come): an info,
    // which fails the run only when asked.
    assert_eq!(doc["findings"][0]["severity"], "info");
    let (code, _) = audit_json(dir.path(), &["--year", "2023"]);
    assert_eq!(code, 0);
    let (code, _) = audit_json(dir.path(), &["--year", "2023", "--fail-on", "warning"]);
    assert_eq!(code, 0);
    let (code, _) = audit_json(dir.path(), &["--year", "2023", "--fail-on", "info"]);
    assert_eq!(code, 1);
    let (code, _) = audit_json(
        dir.path(),
        &["--year", "2023", "--fail-on", "info", "--exit-zero"],
    );
    assert_eq!(code, 0);
    let (code, doc) = audit_json(
        dir.path(),
        &["--year", "2023", "--severity", "isrc-year=error"],
    );
    assert_eq!(code, 1);
    assert_eq!(doc["findings"][0]["severity"], "error");
}

/// Retitle an MP3 with mutagen (a real tagger), keeping its audio.
fn retitle(path: &Path, title: &str) {
    common::run(
        std::process::Command::new("/usr/bin/python3")
            .args([
                "-c",
                "import sys; from mutagen.id3 import ID3, TIT2; t = ID3(sys.argv[1]); t.setall('TIT2', [TIT2(encoding=3, text=[sys.argv[2]])]); t.save(v2_version=3)",
            ])
            .arg(path)
            .arg(title),
    );
}

#[test]
fn duplicate_isrc_needs_different_recordings() {
    if !require("/usr/bin/python3", &["-c", "import mutagen"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    // The same recording in two releases: one ISRC is right.
    put(d, "album/01.mp3", "mp3/kid3_v23.mp3");
    put(d, "compilation/07.mp3", "mp3/kid3_v23.mp3");
    retitle(&d.join("album/01.mp3"), "Song");
    retitle(&d.join("compilation/07.mp3"), "Song");
    let ignore = ["--ignore", "barcode-shared"];
    let (_, doc) = audit_json(d, &ignore);
    assert_eq!(findings(d, &doc), pairs(&[]));
    // Another title: another recording with the same code.
    retitle(&d.join("compilation/07.mp3"), "Song (Radio Edit)");
    let (code, doc) = audit_json(d, &ignore);
    assert_eq!(
        findings(d, &doc),
        pairs(&[
            ("isrc-duplicate", "album/01.mp3"),
            ("isrc-duplicate", "compilation/07.mp3")
        ])
    );
    assert_eq!(code, 1);
    let f = &doc["findings"][0];
    assert_eq!(f["related"].as_array().expect("related").len(), 1);
    assert!(f["message"].as_str().expect("msg").contains("Radio Edit"));
    // By audio identity they are one recording (same audio bytes).
    let (_, doc) = audit_json(d, &["--identity", "audio", "--ignore", "barcode-shared"]);
    assert_eq!(findings(d, &doc), pairs(&[]));
}

#[test]
fn config_file_is_found_upward_and_flags_win() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    put(d, "masters/rel/01.mp3", "mp3/isrc_hyphenated.mp3");
    std::fs::write(
        d.join("isrckit.toml"),
        "[audit]\nignore = [\"barcode-missing\"]\nfail-on = \"warning\"\n",
    )
    .expect("toml");
    let out = isrckit()
        .args(["audit", "--format", "json", "--year", "2026"])
        .arg(d.join("masters"))
        .output()
        .expect("runs");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        findings(&d.join("masters"), &doc),
        pairs(&[("isrc-noncanonical", "rel/01.mp3")])
    );
    assert_eq!(out.status.code(), Some(1), "fail-on warning from the file");
    let out = isrckit()
        .args([
            "audit",
            "--format",
            "json",
            "--year",
            "2026",
            "--fail-on",
            "error",
        ])
        .arg(d.join("masters"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "the flag wins");
    // A broken config is a usage error that names the file.
    std::fs::write(d.join("isrckit.toml"), "[audit]\nfail_on = \"warning\"\n").expect("toml");
    let out = isrckit()
        .args(["audit"])
        .arg(d.join("masters"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("isrckit.toml") && err.contains("fail_on"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().expect("tmp");
    for args in [
        vec!["audit", "--select", "isrc-mising"],
        vec!["audit", "--registrant", "US"],
        vec!["audit", "--severity", "isrc-year"],
        vec!["audit", "--fail-on", "fatal"],
    ] {
        let out = isrckit()
            .args(&args)
            .arg(dir.path())
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?} explains itself");
    }
    isrckit()
        .args(["audit", "/no/such/folder"])
        .assert()
        .code(2);
}

#[test]
fn include_exclude_and_temp_files() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    put(d, "r/01.mp3", "mp3/comm_mentions_isrc.mp3");
    put(d, "r/02.flac", "flac/comment_mentions_isrc.flac");
    put(d, "r/.isrckit-tmp-03.wav", "wav/no_tags.wav");
    let (_, doc) = audit_json(d, &["--select", "isrc-missing"]);
    assert_eq!(
        findings(d, &doc),
        pairs(&[("isrc-missing", "r/01.mp3"), ("isrc-missing", "r/02.flac")]),
        "the temp file is never audited"
    );
    let (_, doc) = audit_json(d, &["--select", "isrc-missing", "--exclude", "*.mp3"]);
    assert_eq!(findings(d, &doc), pairs(&[("isrc-missing", "r/02.flac")]));
    let (_, doc) = audit_json(d, &["--select", "isrc-missing", "--include", "r/*.mp3"]);
    assert_eq!(findings(d, &doc), pairs(&[("isrc-missing", "r/01.mp3")]));
}
