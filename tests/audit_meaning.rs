//! Issue 10, "the audit must mean what it says", through the binary on real
//! files whose codes `isrckit set` wrote:
//!
//! - run as the pre-commit hook runs it (no path, in the folder), the audit
//!   never reads a version-control folder's old masters;
//! - a run that audits no audio file says so and exits 2 (`--allow-empty`
//!   makes it a success), while a file named on the command line is
//!   audited whatever a config `exclude` says;
//! - a reader of stdout that goes away (`| head -1`) stops the output, not
//!   the check: the findings still decide the exit status;
//! - a folder holding some of another release's recordings under its
//!   barcode (a partial re-delivery) is `barcode-subset`, a warning, not
//!   `barcode-shared`; different recordings under one barcode stay an error;
//! - a two-digit year of reference after this year's is of the previous
//!   century (the handbook's `US-RC1-76-07839` is 1976, not the future);
//!   `--year` outside the ISRC era is refused;
//! - an ISO 3166 code the International ISRC Agency has not allocated as a
//!   prefix (`HM`, `NF`, ...) still reads as an ISRC but is `isrc-prefix`.

mod common;

use assert_cmd::Command;
use common::{require, run, testdata};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn isrckit() -> Command {
    Command::cargo_bin("isrckit").expect("binary built")
}

/// Copy `sample` to `dir/rel` and give it `isrc` and `barcode` (either
/// may be empty: not set) with `isrckit set`.
fn master(dir: &Path, rel: &str, sample: &Path, isrc: &str, barcode: &str) -> PathBuf {
    let to = dir.join(rel);
    std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
    std::fs::copy(sample, &to).expect("copy sample");
    let mut set = isrckit();
    set.arg("set");
    if !isrc.is_empty() {
        set.args(["--isrc", isrc]);
    }
    if !barcode.is_empty() {
        set.args(["--barcode", barcode]);
    }
    let out = set.arg(&to).output().expect("runs");
    assert!(
        out.status.success(),
        "set {rel}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    to
}

/// The sample master every test copies: a WAV without tags.
fn wav() -> PathBuf {
    testdata().join("wav/no_tags.wav")
}

/// A finished run: exit status, stdout, stderr.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }
}

/// `isrckit audit ARGS` run in `cwd`.
fn audit_in(cwd: &Path, args: &[&str]) -> Run {
    let out = isrckit()
        .current_dir(cwd)
        .arg("audit")
        .args(args)
        .output()
        .expect("runs");
    Run {
        code: out.status.code().expect("exit status"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `audit --format json --no-config EXTRA DIR`, with `--year 2026` unless
/// `extra` gives a year.
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

fn rel(dir: &Path, p: &Value) -> String {
    let p = Path::new(p.as_str().expect("a path"));
    p.strip_prefix(dir)
        .unwrap_or(p)
        .to_string_lossy()
        .into_owned()
}

/// (rule, severity, path, sorted related paths) of every finding.
type Row = (String, String, String, Vec<String>);

fn findings(dir: &Path, doc: &Value) -> Vec<Row> {
    let mut v: Vec<Row> = doc["findings"]
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
                f["severity"].as_str().expect("severity").to_string(),
                rel(dir, &f["path"]),
                related,
            )
        })
        .collect();
    v.sort();
    v
}

fn want(list: &[(&str, &str, &str, &[&str])]) -> Vec<Row> {
    let mut v: Vec<Row> = list
        .iter()
        .map(|(r, s, p, rel)| {
            (
                r.to_string(),
                s.to_string(),
                p.to_string(),
                rel.iter().map(|s| s.to_string()).collect(),
            )
        })
        .collect();
    v.sort();
    v
}

const EAN: &str = "4006381333931";
const UPC: &str = "075678164125";

// ---------------------------------------------------------------------
// 1. Version-control folders, from the default path.

#[test]
fn the_default_path_never_audits_a_vcs_folder() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    master(d, "album/01.wav", &wav(), "USRC12400001", EAN);
    // An old master in the LFS object store: no codes at all, so auditing
    // it would be two findings and exit 1. Named by its hash, as git does.
    let objects = d.join(".git/lfs/objects/4d/7a");
    std::fs::create_dir_all(&objects).expect("mkdir");
    std::fs::copy(
        wav(),
        objects.join("4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393"),
    )
    .expect("copy");
    // As the pre-commit hook runs it: in the folder, no path.
    let run = audit_in(
        d,
        &[
            "--format",
            "json",
            "--no-config",
            "--year",
            "2026",
            "--no-progress",
        ],
    );
    let doc = run.json();
    let files: Vec<String> = doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["path"].as_str().expect("path").to_string())
        .collect();
    assert_eq!(files, ["./album/01.wav"], "{}", run.stderr);
    assert_eq!(findings(d, &doc), want(&[]));
    assert_eq!(doc["summary"]["files"], 1);
    assert_eq!(run.code, 0);
}

// ---------------------------------------------------------------------
// 2. Nothing audited.

#[test]
fn an_empty_folder_is_not_a_clean_audit() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let base = ["--no-config", "--year", "2026", "--no-progress"];
    for format in ["json", "csv", "junit", "github", "sarif"] {
        let run = audit_in(d, &[&base[..], &["--format", format]].concat());
        assert_eq!(run.code, 2, "{format}: {}", run.stderr);
        assert!(
            run.stderr.contains("nothing audited") && run.stderr.contains("--allow-empty"),
            "{format}: {}",
            run.stderr
        );
        let run = audit_in(
            d,
            &[&base[..], &["--format", format, "--allow-empty"]].concat(),
        );
        assert_eq!(run.code, 0, "{format} --allow-empty: {}", run.stderr);
    }
    // The table says it in its summary, not "no findings".
    let run = audit_in(d, &[&base[..], &["--format", "table"]].concat());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stdout.contains("nothing audited") && !run.stdout.contains("no findings"),
        "{}",
        run.stdout
    );
    // Files that are not audio are not an audit either.
    std::fs::write(d.join("notes.txt"), "mastered 2026-03-02\n").expect("write");
    let run = audit_in(d, &[&base[..], &["--format", "json"]].concat());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.json()["summary"]["skipped"], 1);
}

#[test]
fn an_include_that_matches_nothing_is_not_a_clean_audit() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    master(d, "album/01.wav", &wav(), "USRC12400001", EAN);
    let (code, doc) = audit_json(d, &["--include", "*.flac"]);
    assert_eq!(code, 2);
    assert_eq!(doc["summary"]["files"], 0);
    let (code, _) = audit_json(d, &["--include", "*.flac", "--allow-empty"]);
    assert_eq!(code, 0);
    let (code, _) = audit_json(d, &["--include", "*.wav"]);
    assert_eq!(code, 0, "the include that matches audits the master");
}

#[test]
fn a_config_exclude_drops_walked_files_but_not_a_named_one() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    // No ISRC: one error finding when it is audited.
    master(d, "album/01.wav", &wav(), "", EAN);
    std::fs::write(d.join("isrckit.toml"), "[audit]\nexclude = [\"*.wav\"]\n").expect("toml");
    // The walk of `.` drops the only master (isrckit.toml is walked, and
    // skipped: not audio).
    let run = audit_in(d, &["--year", "2026", "--no-progress", "--color", "never"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("nothing audited"), "{}", run.stdout);
    assert!(
        run.stdout.contains(": 0 audio, 1 skipped (not audio)"),
        "the summary line is still there: {}",
        run.stdout
    );
    // Named, it is audited (and its missing ISRC found).
    let run = audit_in(d, &["--format", "json", "--year", "2026", "album/01.wav"]);
    let doc = run.json();
    assert_eq!(
        findings(d, &doc),
        want(&[("isrc-missing", "error", "album/01.wav", &[])])
    );
    assert_eq!(doc["summary"]["audio"], 1);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // The config may allow an empty run, as the flag does.
    std::fs::write(
        d.join("isrckit.toml"),
        "[audit]\nexclude = [\"*.wav\"]\nallow-empty = true\n",
    )
    .expect("toml");
    let run = audit_in(d, &["--format", "json", "--year", "2026"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

// ---------------------------------------------------------------------
// 3. A closed pipe.

/// Run `isrckit ARGS` with stdout to a pipe; read one line, close the
/// pipe, and return the exit status.
fn first_line_then_close(args: &[&str], dir: &Path) -> (i32, String) {
    use std::io::BufRead;
    use std::process::{Command as Std, Stdio};
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("isrckit"))
        .args(args)
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .expect("a first line");
    // The reader (and with it the pipe's read end) is dropped here.
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().expect("exit status"), line)
}

#[test]
fn a_closed_pipe_stops_the_output_not_the_check() {
    // 1500 masters without an ISRC: far more output than a pipe holds
    // (64 KiB) in every format, so the writer meets the closed pipe.
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    for i in 0..1500 {
        std::fs::copy(wav(), d.join(format!("{i:04}.wav"))).expect("copy");
    }
    let base = ["audit", "--no-config", "--year", "2026", "--no-progress"];
    for format in ["json", "table", "csv", "github"] {
        let args = [&base[..], &["--format", format]].concat();
        let whole = isrckit().args(&args).arg(d).output().expect("runs");
        assert_eq!(whole.status.code(), Some(1), "{format}: findings");
        assert!(
            whole.stdout.len() > 200_000,
            "{format}: {}",
            whole.stdout.len()
        );
        let (code, line) = first_line_then_close(&args, d);
        assert!(!line.is_empty(), "{format}");
        assert_eq!(code, 1, "{format}: the findings decide, pipe or not");
    }
    // --exit-zero still wins; and a clean folder read through `head` is 0.
    let (code, _) = first_line_then_close(&[&base[..], &["--exit-zero"]].concat(), d);
    assert_eq!(code, 0);
    // inspect, set and embed keep "a closed pipe is not an error".
    std::fs::copy(
        testdata().join("damaged/wav_cut_in_data_header.wav"),
        d.join("9999.wav"),
    )
    .expect("copy");
    let inspect = isrckit()
        .args(["inspect", "--format", "json"])
        .arg(d)
        .output()
        .expect("runs");
    assert_eq!(inspect.status.code(), Some(1), "a damaged file: 1");
    let (code, _) = first_line_then_close(&["inspect", "--format", "json"], d);
    assert_eq!(code, 0, "inspect | head is 0 as before");
}

// ---------------------------------------------------------------------
// 4. A partial delivery under the release's barcode.

/// A WAV of `seconds` of a sine (ffmpeg), no tags.
fn sine_wav(path: &Path, seconds: u32, hz: u32) {
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
            "sine=frequency={hz}:sample_rate=44100:duration={seconds}"
        ))
        .args(["-c:a", "pcm_s16le"])
        .arg(path));
}

/// The FLAC of a WAV (ffmpeg), no tags.
fn flac_of(wav: &Path, flac: &Path) {
    run(std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-i"])
        .arg(wav)
        .args(["-map_metadata", "-1", "-c:a", "flac"])
        .arg(flac));
}

const ALBUM_ISRCS: [&str; 3] = ["USRC12400001", "USRC12400002", "USRC12400003"];
const ALBUM: [&str; 3] = ["album/01.wav", "album/02.wav", "album/03.wav"];

/// An album of three recordings (10, 12 and 14 s) under `EAN`; returns the
/// folder the clips were made in.
fn album(d: &Path) -> tempfile::TempDir {
    let made = tempfile::tempdir().expect("tmp");
    for (i, rel) in ALBUM.iter().enumerate() {
        let clip = made.path().join(format!("{i}.wav"));
        sine_wav(&clip, 10 + 2 * i as u32, 440 + 110 * i as u32);
        master(d, rel, &clip, ALBUM_ISRCS[i], EAN);
    }
    made
}

#[test]
fn a_partial_redelivery_is_a_subset_not_a_shared_barcode() {
    if !require("ffmpeg", &["-version"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let made = album(d);
    // Tracks 1 and 2 again, as FLAC, with their ISRCs and the barcode.
    for (i, isrc) in ALBUM_ISRCS[..2].iter().enumerate() {
        let flac = made.path().join(format!("{i}.flac"));
        flac_of(&made.path().join(format!("{i}.wav")), &flac);
        master(
            d,
            &format!("flac-redelivery/0{}.flac", i + 1),
            &flac,
            isrc,
            EAN,
        );
    }
    let (code, doc) = audit_json(d, &[]);
    assert_eq!(
        findings(d, &doc),
        want(&[
            (
                "barcode-subset",
                "warning",
                "flac-redelivery/01.flac",
                &ALBUM
            ),
            (
                "barcode-subset",
                "warning",
                "flac-redelivery/02.flac",
                &ALBUM
            ),
        ])
    );
    assert_eq!(
        code, 0,
        "a warning: the run passes at the default --fail-on"
    );
    let msg = doc["findings"][0]["message"].as_str().expect("message");
    assert!(msg.contains("album") && msg.contains(EAN), "{msg}");
    let (code, _) = audit_json(d, &["--fail-on", "warning"]);
    assert_eq!(code, 1);
    let (_, doc) = audit_json(d, &["--ignore", "barcode-subset"]);
    assert_eq!(findings(d, &doc), want(&[]));
}

#[test]
fn different_recordings_under_one_barcode_stay_shared() {
    if !require("ffmpeg", &["-version"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let made = album(d);
    // A single: track 1 and a recording the album does not have.
    let other = made.path().join("other.wav");
    sine_wav(&other, 7, 300);
    master(
        d,
        "single/01.wav",
        &made.path().join("0.wav"),
        ALBUM_ISRCS[0],
        EAN,
    );
    master(d, "single/02.wav", &other, "USRC12400009", EAN);
    let single = ["single/01.wav", "single/02.wav"];
    let (code, doc) = audit_json(d, &[]);
    let mut expected = vec![
        ("barcode-shared", "error", single[0], &ALBUM[..]),
        ("barcode-shared", "error", single[1], &ALBUM[..]),
    ];
    for a in ALBUM {
        expected.push(("barcode-shared", "error", a, &single[..]));
    }
    assert_eq!(findings(d, &doc), want(&expected));
    assert_eq!(code, 1);
    // Track 1's ISRC on a recording of another length: not the album's
    // recording, so not a subset (and the ISRC is a duplicate).
    std::fs::remove_dir_all(d.join("single")).expect("rm");
    master(d, "single/01.wav", &other, ALBUM_ISRCS[0], EAN);
    let (code, doc) = audit_json(d, &[]);
    let rules: Vec<(String, String)> = findings(d, &doc)
        .into_iter()
        .map(|(r, _, p, _)| (r, p))
        .collect();
    assert!(
        rules.contains(&("barcode-shared".into(), "single/01.wav".into()))
            && rules.contains(&("isrc-duplicate".into(), "single/01.wav".into()))
            && !rules.iter().any(|(r, _)| r == "barcode-subset"),
        "{rules:?}"
    );
    assert_eq!(code, 1);
}

#[test]
fn a_release_and_its_full_redelivery_are_one_release() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    for (i, isrc) in ALBUM_ISRCS.iter().enumerate() {
        master(d, &format!("WAV/0{}.wav", i + 1), &wav(), isrc, UPC);
        master(d, &format!("again/0{}.wav", i + 1), &wav(), isrc, UPC);
    }
    let (code, doc) = audit_json(d, &[]);
    assert_eq!(findings(d, &doc), want(&[]));
    assert_eq!(code, 0);
}

// ---------------------------------------------------------------------
// 5. Years of reference.

#[test]
fn the_handbook_example_is_1976_not_the_future() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    master(d, "catalog/01.wav", &wav(), "US-RC1-76-07839", EAN);
    // A code of 2026, and of 1999, audited in 2026: nothing to say.
    master(d, "new/01.wav", &wav(), "USRC12600001", UPC);
    master(d, "old/01.wav", &wav(), "USRC19900001", "5901234123457");
    let (code, doc) = audit_json(d, &["--fail-on", "warning"]);
    let rows = findings(d, &doc);
    assert_eq!(
        rows,
        want(&[("isrc-year", "info", "catalog/01.wav", &[])]),
        "76 is 1976: before ISRCs began, so worth a note, but no warning"
    );
    let msg = doc["findings"][0]["message"].as_str().expect("message");
    assert!(
        msg.contains("1976") && !msg.contains("which is in the future"),
        "{msg}"
    );
    assert_eq!(code, 0, "an info does not fail --fail-on warning");
    // A year after --year's, within this century's reading: still 19xx.
    let (_, doc) = audit_json(d, &["--year", "2025"]);
    let isrc_year: Vec<String> = findings(d, &doc)
        .into_iter()
        .filter(|r| r.0 == "isrc-year")
        .map(|r| r.2)
        .collect();
    assert_eq!(isrc_year, ["catalog/01.wav", "new/01.wav"]);
    // Before 2000, a year after --year's is in the future whatever the century.
    let (_, doc) = audit_json(d, &["--year", "1998"]);
    let future: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "isrc-year")
        .filter_map(|f| f["message"].as_str())
        .filter(|m| m.contains("which is in the future"))
        .collect();
    assert_eq!(future.len(), 1, "USRC19900001 in 1998: {future:?}");
    assert!(future[0].contains("USRC19900001"), "{future:?}");
}

#[test]
fn years_outside_the_isrc_era_are_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    master(d, "album/01.wav", &wav(), "USRC12400001", EAN);
    for year in ["1900", "1985", "2100", "9999"] {
        let run = audit_in(d, &["--no-config", "--year", year, "."]);
        assert_eq!(run.code, 2, "--year {year}: {}", run.stderr);
        assert!(
            run.stderr.contains(year) && run.stderr.contains("1986"),
            "--year {year}: {}",
            run.stderr
        );
    }
    std::fs::write(d.join("isrckit.toml"), "[audit]\nyear = 1900\n").expect("toml");
    let run = audit_in(d, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("isrckit.toml"), "{}", run.stderr);
    for year in ["1986", "2099"] {
        let run = audit_in(d, &["--no-config", "--year", year, "."]);
        assert_eq!(run.code, 0, "--year {year}: {}", run.stderr);
    }
}

// ---------------------------------------------------------------------
// 6. Prefixes the ISRC agency has not allocated.

#[test]
fn an_iso_code_the_agency_never_allocated_is_isrc_prefix() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let odd = ["HM", "NF", "PM", "SJ", "TK"];
    for cc in odd {
        master(
            d,
            &format!("odd/{cc}.wav"),
            &wav(),
            &format!("{cc}AB12400001"),
            EAN,
        );
    }
    // Allocated: ISO codes with an agency, the agency's own prefixes
    // (TC: TuneCore; VV: the agency's newest worldwide prefix).
    for cc in ["US", "GB", "TC", "QM", "ZZ", "XK", "VV"] {
        master(
            d,
            &format!("fine/{cc}.wav"),
            &wav(),
            &format!("{cc}AB12400001"),
            UPC,
        );
    }
    let (code, doc) = audit_json(d, &[]);
    let expected: Vec<Row> = odd
        .iter()
        .map(|cc| {
            let path = format!("odd/{cc}.wav");
            ("isrc-prefix".into(), "warning".into(), path, Vec::new())
        })
        .collect();
    assert_eq!(findings(d, &doc), expected);
    assert_eq!(code, 0, "a warning");
    let msg = doc["findings"][0]["message"].as_str().expect("message");
    assert!(msg.contains("HMAB12400001") && msg.contains("HM"), "{msg}");
    let (code, _) = audit_json(d, &["--fail-on", "warning"]);
    assert_eq!(code, 1);
    // Still a valid ISRC when read.
    let out = isrckit()
        .args(["inspect", "--format", "json"])
        .arg(d.join("odd/HM.wav"))
        .output()
        .expect("runs");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    let isrc = doc["files"][0]["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .find(|c| c["kind"] == "isrc")
        .expect("an ISRC")
        .clone();
    assert_eq!(isrc["valid"], true, "{isrc}");
    assert_eq!(isrc["value"], "HMAB12400001", "{isrc}");
}

#[test]
fn every_rule_is_in_help_and_in_every_machine_format() {
    let help = isrckit().args(["audit", "--help"]).output().expect("runs");
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    for rule in isrckit::audit::RULES {
        assert!(help.contains(rule.id), "audit --help lacks {}", rule.id);
    }
    assert!(help.contains("--allow-empty"), "{help}");
    // SARIF describes every rule of the table, the new ones included.
    let dir = tempfile::tempdir().expect("tmp");
    master(dir.path(), "odd/01.wav", &wav(), "HMAB12400001", EAN);
    let out = isrckit()
        .args([
            "audit",
            "--format",
            "sarif",
            "--no-config",
            "--year",
            "2026",
        ])
        .arg(dir.path())
        .output()
        .expect("runs");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    let ids: Vec<&str> = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    for id in ["isrc-prefix", "barcode-subset"] {
        assert!(ids.contains(&id), "{ids:?}");
    }
    let result = &doc["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "isrc-prefix");
    assert_eq!(result["level"], "warning");
    for format in ["github", "junit", "csv"] {
        let out = isrckit()
            .args(["audit", "--no-config", "--year", "2026", "--format", format])
            .arg(dir.path())
            .output()
            .expect("runs");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("isrc-prefix"),
            "{format}"
        );
    }
}
