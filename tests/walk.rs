//! The one walk, through every command that walks a folder: `inspect`,
//! `audit`, `set DIR` and `embed` leave out the same things (the tool's
//! own temp files, version-control folders, macOS AppleDouble files) and
//! take the same files.
//!
//! Regression: before the walk was shared, only the audit skipped
//! `.isrckit-tmp-*` files. `isrckit set --barcode … --dry-run ALBUM` beside
//! a leftover temp file refused the whole folder, a complete leftover was
//! written into, and `embed` found two files for one title.

// The helpers of the Unix-only tests (symlinks, FIFOs, /proc) are unused
// elsewhere.
#![cfg_attr(not(unix), allow(dead_code, unused_imports))]

mod common;

use assert_cmd::Command;
use common::testdata;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn isrckit() -> Command {
    Command::cargo_bin("isrckit").expect("binary built")
}

/// An album folder with one real master (`01 Intro.mp3`, an MP3 from
/// testdata with its title and codes) and, beside it, the things a walk
/// must leave out: a complete leftover temp copy of the master (what a
/// write killed just before its rename leaves), the same master under
/// `.git/lfs/objects/`, and an AppleDouble `._01 Intro.mp3`.
struct Album {
    _dir: tempfile::TempDir,
    root: PathBuf,
    master: PathBuf,
    leftover: PathBuf,
    in_git: PathBuf,
}

fn album() -> Album {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("album");
    std::fs::create_dir_all(root.join(".git/lfs/objects/ab")).expect("mkdir");
    let source = testdata().join("mp3/id3v2_tool_v23_with_v1.mp3");
    let master = root.join("01 Intro.mp3");
    std::fs::copy(&source, &master).expect("copy master");
    // Named for a writer still at work (this process): `set` and `embed`
    // remove leftovers whose writer is gone (docs/reliability.md), but
    // never this one, and never write into it.
    let leftover = root.join(format!(
        ".isrckit-tmp-{}-01 Intro.mp3-0",
        std::process::id()
    ));
    std::fs::copy(&source, &leftover).expect("copy leftover");
    let in_git = root.join(".git/lfs/objects/ab/abcdef");
    std::fs::copy(&source, &in_git).expect("copy into .git");
    std::fs::write(root.join("._01 Intro.mp3"), b"\x00\x05\x16\x07AppleDouble").expect("write");
    Album {
        _dir: dir,
        root,
        master,
        leftover,
        in_git,
    }
}

/// `isrckit audit --format json` on `path` (a fixed year: reproducible).
fn audit_json(path: &Path) -> std::process::Output {
    isrckit()
        .args([
            "audit",
            "--format",
            "json",
            "--no-progress",
            "--year",
            "2026",
        ])
        .arg(path)
        .output()
        .expect("runs")
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn paths(files: &Value) -> Vec<String> {
    files
        .as_array()
        .expect("files array")
        .iter()
        .map(|f| f["path"].as_str().expect("path").to_string())
        .collect()
}

fn name(p: &Path) -> String {
    p.file_name().expect("name").to_string_lossy().into_owned()
}

#[test]
fn inspect_walks_past_temp_files_vcs_folders_and_appledouble() {
    let a = album();
    let out = isrckit()
        .args(["inspect", "--format", "json"])
        .arg(&a.root)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let doc = json(&out);
    assert_eq!(paths(&doc["files"]), [a.master.display().to_string()]);
}

#[test]
fn audit_walks_past_temp_files_vcs_folders_and_appledouble() {
    let a = album();
    let out = audit_json(&a.root);
    let doc = json(&out);
    assert_eq!(paths(&doc["files"]), [a.master.display().to_string()]);
    assert_eq!(doc["summary"]["files"], 1, "{}", doc["summary"]);
}

#[test]
fn set_on_a_folder_writes_the_master_and_leaves_the_leftover_alone() {
    let a = album();
    let leftover_before = std::fs::read(&a.leftover).expect("read");
    let in_git_before = std::fs::read(&a.in_git).expect("read");
    // The dry run plans the master alone (it used to refuse the folder).
    let out = isrckit()
        .args([
            "set",
            "--barcode",
            "075678164125",
            "--dry-run",
            "--format",
            "json",
        ])
        .arg(&a.root)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let doc = json(&out);
    let planned = paths(&doc["files"]);
    assert_eq!(planned.len(), 1, "{planned:?}");
    assert!(planned[0].ends_with(&name(&a.master)), "{planned:?}");
    // The real write changes the master and nothing else.
    let out = isrckit()
        .args(["set", "--barcode", "075678164125"])
        .arg(&a.root)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let master = isrckit::read_file(&a.master);
    assert!(
        master
            .codes
            .iter()
            .any(|c| c.value.as_deref() == Some("0075678164125") || c.raw == "075678164125"),
        "{:?}",
        master.codes
    );
    assert_eq!(std::fs::read(&a.leftover).expect("read"), leftover_before);
    assert_eq!(std::fs::read(&a.in_git).expect("read"), in_git_before);
}

#[test]
fn embed_by_title_finds_one_file_not_the_leftover_too() {
    let a = album();
    let title = isrckit::read_file(&a.master)
        .title
        .expect("the testdata master has a title");
    let manifest = a.root.parent().expect("parent").join("codes.csv");
    std::fs::write(&manifest, format!("title,isrc\n{title},USRC12600001\n")).expect("write");
    let leftover_before = std::fs::read(&a.leftover).expect("read");
    let out = isrckit()
        .args(["embed", "--format", "json", "--manifest"])
        .arg(&manifest)
        .arg(&a.root)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let doc = json(&out);
    let written = paths(&doc["files"]);
    assert_eq!(written.len(), 1, "{written:?}");
    assert!(written[0].ends_with(&name(&a.master)), "{written:?}");
    assert_eq!(doc["files"][0]["status"], "written");
    let isrcs: Vec<_> = isrckit::read_file(&a.master)
        .codes
        .into_iter()
        .filter(|c| c.kind == isrckit::CodeKind::Isrc)
        .filter_map(|c| c.value)
        .collect();
    assert!(isrcs.iter().any(|v| v == "USRC12600001"), "{isrcs:?}");
    assert_eq!(std::fs::read(&a.leftover).expect("read"), leftover_before);
}

#[test]
fn a_file_named_on_the_command_line_is_taken_as_given() {
    // Naming a file is a choice: the walk's skip rules are for folders.
    let a = album();
    let out = isrckit()
        .args(["inspect", "--format", "json"])
        .arg(&a.leftover)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        paths(&json(&out)["files"]),
        [a.leftover.display().to_string()]
    );
}

/// A FIFO, a dangling symlink (an un-fetched git-annex file) and a symlink
/// loop beside a master: every command finishes (opening a FIFO would block
/// for ever), and each odd file is reported with its real reason.
#[cfg(unix)]
fn odd_files() -> Album {
    let a = album();
    let fifo = a.root.join("02 Pipe.wav");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    std::os::unix::fs::symlink(
        "../.git/annex/objects/xx/SHA256E-s1--0.wav",
        a.root.join("03 Annexed.wav"),
    )
    .expect("symlink");
    std::os::unix::fs::symlink("04 Loop.wav", a.root.join("04 Loop.wav")).expect("symlink");
    a
}

/// Run with a time limit: a hang is a failure, not a stuck test run.
fn bounded(cmd: &mut Command) -> std::process::Output {
    cmd.timeout(std::time::Duration::from_secs(20))
        .output()
        .expect("runs")
}

fn errors_by_name(files: &Value) -> Vec<(String, String)> {
    files
        .as_array()
        .expect("files")
        .iter()
        .filter(|f| !f["error"].is_null())
        .map(|f| {
            let p = f["path"].as_str().expect("path");
            let name = p.rsplit('/').next().expect("name").to_string();
            (name, f["error"].as_str().expect("error").to_string())
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn fifos_dangling_links_and_loops_are_reported_not_opened() {
    let a = odd_files();
    for args in [
        vec!["inspect", "--format", "json"],
        vec![
            "audit",
            "--format",
            "json",
            "--no-progress",
            "--year",
            "2026",
        ],
    ] {
        let out = bounded(isrckit().args(&args).arg(&a.root));
        let doc = json(&out);
        let errors = errors_by_name(&doc["files"]);
        let reason = |name: &str| {
            errors
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, e)| e.clone())
                .unwrap_or_else(|| panic!("{args:?}: {name} not reported: {errors:?}"))
        };
        assert!(reason("02 Pipe.wav").contains("FIFO"), "{errors:?}");
        assert!(
            reason("03 Annexed.wav").contains("dangling symlink"),
            "{errors:?}"
        );
        assert!(reason("04 Loop.wav").contains("symlink loop"), "{errors:?}");
    }
    // Named on the command line, the FIFO is refused, not opened.
    let fifo = a.root.join("02 Pipe.wav");
    let out = bounded(isrckit().args(["inspect", "--format", "json"]).arg(&fifo));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(errors_by_name(&json(&out)["files"])[0].1.contains("FIFO"));
    let out = bounded(isrckit().args(["set", "--isrc", "USRC12600001"]).arg(&fifo));
    assert_ne!(out.status.code(), Some(0), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("FIFO")
            || String::from_utf8_lossy(&out.stderr).contains("FIFO"),
        "{out:?}"
    );
    // And through a manifest row.
    let manifest = a.root.parent().expect("parent").join("pipe.csv");
    std::fs::write(&manifest, "path,isrc\n02 Pipe.wav,USRC12600001\n").expect("write");
    let out = bounded(
        isrckit()
            .args(["embed", "--manifest"])
            .arg(&manifest)
            .arg(&a.root),
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("FIFO"),
        "{out:?}"
    );
}

/// Files beside the masters that are not audio (a cover, the manifest):
/// `inspect` and `set DIR` skip and count them; named, they are reported.
#[test]
fn non_audio_files_in_a_folder_are_skipped_and_counted_named_ones_reported() {
    let a = album();
    std::fs::write(a.root.join("cover.jpg"), b"\xff\xd8\xff\xe0 JFIF").expect("write");
    std::fs::write(a.root.join("codes.csv"), b"path,isrc\n").expect("write");
    let out = isrckit()
        .args(["inspect", "--format", "json"])
        .arg(&a.root)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let doc = json(&out);
    assert_eq!(paths(&doc["files"]), [a.master.display().to_string()]);
    assert_eq!(doc["skipped"]["not_audio"], 2);
    assert_eq!(doc["skipped"]["temp_files"], 1);
    assert_eq!(doc["skipped"]["system_files"], 1);
    assert_eq!(doc["skipped"]["vcs_folders"], 1);
    let table = isrckit()
        .arg("inspect")
        .arg(&a.root)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("skipped: 2 not audio, 1 isrckit temp files"),
        "{text}"
    );
    // Named, a non-audio file is reported (and nothing could be read: 2).
    let out = isrckit()
        .args(["inspect", "--format", "json"])
        .arg(a.root.join("cover.jpg"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(json(&out)["files"][0]["status"], "not-audio");
    // set on the folder shows every file with its status.
    let out = isrckit()
        .args([
            "set",
            "--barcode",
            "075678164125",
            "--dry-run",
            "--format",
            "json",
        ])
        .arg(&a.root)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let doc = json(&out);
    let statuses: Vec<(String, String)> = doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            let p = f["path"].as_str().expect("path");
            (
                p.rsplit(['/', '\\']).next().expect("name").to_string(),
                f["status"].as_str().expect("status").to_string(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("01 Intro.mp3".to_string(), "planned".to_string()),
            ("codes.csv".to_string(), "skipped".to_string()),
            ("cover.jpg".to_string(), "skipped".to_string()),
        ]
    );
    assert_eq!(doc["summary"]["skipped"], 2);
}

/// A path that does not exist is the same usage error in every command.
#[test]
fn a_missing_path_is_exit_2_in_every_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    let nope = dir.path().join("nope.wav");
    let manifest = dir.path().join("m.csv");
    std::fs::write(&manifest, "path,isrc\nx.wav,USRC12600001\n").expect("write");
    for args in [
        vec!["inspect"],
        vec!["audit", "--no-progress"],
        vec!["set", "--isrc", "USRC12600001"],
    ] {
        let out = isrckit().args(&args).arg(&nope).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("nope.wav"), "{args:?}: {err}");
    }
    let out = isrckit()
        .args(["embed", "--manifest"])
        .arg(&manifest)
        .arg(&nope)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

/// A WAV that ffmpeg streamed to a pipe (`-f wav -`) has RIFF and data
/// sizes of 0xFFFFFFFF: it is read, with a note, not called damaged; a
/// write is refused with what to do.
#[test]
fn a_streamed_wav_is_read_with_a_note_and_not_written() {
    if !common::require("ffmpeg", &["-version"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let wav = dir.path().join("streamed.wav");
    let out = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i", "sine=duration=1"])
        .args(["-ar", "8000", "-ac", "1", "-metadata", "ISRC=USRC17607839"])
        .args(["-f", "wav", "-"])
        .output()
        .expect("ffmpeg runs");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(&out.stdout[4..8], &[0xFF; 4], "ffmpeg streamed it");
    std::fs::write(&wav, &out.stdout).expect("write");
    let r = isrckit::read_file(&wav);
    assert_eq!(r.error, None);
    assert_eq!(r.status, isrckit::FileStatus::Ok);
    assert!(
        r.notes.iter().any(|n| n.contains("written as a stream")),
        "{:?}",
        r.notes
    );
    assert_eq!(r.audio.as_ref().and_then(|a| a.duration_ms), Some(1000));
    assert!(
        r.codes
            .iter()
            .any(|c| c.value.as_deref() == Some("USRC17607839"))
    );
    let before = std::fs::read(&wav).expect("read");
    let out = isrckit()
        .args(["set", "--isrc", "USRC12600001"])
        .arg(&wav)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("re-wrap it first"),
        "{out:?}"
    );
    assert_eq!(std::fs::read(&wav).expect("read"), before);
}

/// A file name that is not UTF-8 (Latin-1 `café` from an old archive) is
/// shown with its odd byte as `\xE9`, never as U+FFFD, in the table and in
/// JSON, where the text names the exact bytes.
#[cfg(unix)]
#[test]
fn a_non_utf8_name_is_shown_escaped_and_exact() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9 \\ 01.wav");
    std::fs::copy(testdata().join("wav/no_tags.wav"), dir.path().join(name)).expect("copy");
    let table = isrckit()
        .arg("inspect")
        .arg(dir.path())
        .output()
        .expect("runs");
    let text = String::from_utf8(table.stdout).expect("the table is UTF-8");
    assert!(text.contains("caf\\xE9 \\\\ 01.wav"), "{text}");
    assert!(!text.contains('\u{fffd}'), "{text}");
    let out = isrckit()
        .args(["inspect", "--format", "json"])
        .arg(dir.path())
        .output()
        .expect("runs");
    let doc = json(&out);
    let path = doc["files"][0]["path"].as_str().expect("path");
    assert!(path.ends_with("caf\\xE9 \\\\ 01.wav"), "{path}");
    let out = isrckit()
        .args([
            "audit",
            "--format",
            "csv",
            "--no-progress",
            "--year",
            "2026",
        ])
        .arg(dir.path())
        .output()
        .expect("runs");
    let csv = String::from_utf8(out.stdout).expect("utf-8");
    assert!(csv.contains("caf\\xE9"), "{csv}");
}

/// `set --barcode … ALBUM` never writes through a symlink in ALBUM to a
/// file outside it: the run is refused, naming the link and its target.
#[cfg(unix)]
#[test]
fn set_on_a_folder_never_writes_outside_it_through_a_symlink() {
    let a = album();
    let outside = a.root.parent().expect("parent").join("outside.mp3");
    std::fs::copy(&a.master, &outside).expect("copy");
    std::os::unix::fs::symlink(&outside, a.root.join("02 Link.mp3")).expect("symlink");
    let before = std::fs::read(&outside).expect("read");
    let out = isrckit()
        .args(["set", "--barcode", "075678164125", "--format", "json"])
        .arg(&a.root)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let doc = json(&out);
    let link = doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| {
            f["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("02 Link.mp3"))
        })
        .expect("the link is reported");
    assert_eq!(link["status"], "failed");
    assert!(
        link["error"]
            .as_str()
            .is_some_and(|e| e.contains("outside")),
        "{link}"
    );
    assert_eq!(
        std::fs::read(&outside).expect("read"),
        before,
        "not written"
    );
}

/// A temp file left by a killed write (its process is gone) is reported
/// on stderr by `inspect` and `audit`, with its size, instead of being
/// skipped without a word; one whose writer is alive is not.
#[test]
fn leftover_temp_files_of_dead_writers_are_reported_with_their_size() {
    let a = album();
    // A pid that is not running: a child that has exited.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("isrckit"))
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let dead = child.id();
    child.wait().expect("wait");
    let leftover = a.root.join(format!(".isrckit-tmp-{dead}-7"));
    std::fs::write(&leftover, vec![0u8; 12345]).expect("write");
    for args in [
        vec!["inspect", "--format", "json"],
        vec![
            "audit",
            "--format",
            "json",
            "--no-progress",
            "--year",
            "2026",
        ],
    ] {
        let out = isrckit().args(&args).arg(&a.root).output().expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!(".isrckit-tmp-{dead}-7")) && err.contains("12345 bytes"),
            "{args:?}: {err}"
        );
        // The fixture's own leftover belongs to this (living) process.
        assert!(!err.contains(&name(&a.leftover)), "{args:?}: {err}");
        assert_eq!(
            paths(&json(&out)["files"]),
            [a.master.display().to_string()]
        );
    }
}

/// The audit counts what its walk left out: the table's `skipped:` line
/// and `walk_skipped` in the JSON summary.
#[test]
fn the_audit_counts_what_the_walk_left_out() {
    let a = album();
    let out = audit_json(&a.root);
    let doc = json(&out);
    let w = &doc["summary"]["walk_skipped"];
    assert_eq!(
        (w["temp_files"].as_u64(), w["system_files"].as_u64()),
        (Some(1), Some(1)),
        "{w}"
    );
    assert_eq!(w["vcs_folders"], 1, "{w}");
    let out = isrckit()
        .args(["audit", "--no-progress", "--year", "2026"])
        .arg(&a.root)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "skipped: 1 isrckit temp files, 1 macOS system files, 1 version-control folders"
        ),
        "{text}"
    );
}

/// A LaTeX `.toc` (a booklet's table of contents) beside the masters is
/// not audio and not taken for one; a cdrdao TOC file is still read by its
/// content, whatever its name.
#[test]
fn a_latex_toc_is_skipped_and_a_cdrdao_toc_is_read() {
    let a = album();
    std::fs::write(
        a.root.join("booklet.toc"),
        "\\contentsline {section}{\\numberline {1}Intro}{1}\n",
    )
    .expect("write");
    let toc = std::fs::read_dir(testdata().join("cue"))
        .expect("testdata/cue")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "toc"))
        .expect("a TOC sample");
    std::fs::copy(&toc, a.root.join("disc.txt")).expect("copy");
    let out = audit_json(&a.root);
    let doc = json(&out);
    let booklet = doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| {
            f["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("booklet.toc"))
        })
        .expect("listed as the audit lists every file");
    assert_eq!(booklet["status"], "not-audio", "{booklet}");
    let findings = doc["findings"].as_array().expect("findings");
    assert!(
        !findings.iter().any(|f| f["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("booklet.toc"))),
        "{findings:?}"
    );
    let disc = doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["path"].as_str().is_some_and(|p| p.ends_with("disc.txt")))
        .expect("the TOC is read");
    assert_eq!(disc["container"], "cue");
}

/// One file named several ways on one command line is audited once:
/// `album` and `album/./01 Intro.mp3` (everywhere), and `album/01
/// intro.mp3` where the file system ignores case (macOS, Windows: under
/// Wine this branch runs). Two files whose names differ only in case,
/// where the file system tells them apart (Linux), stay two.
#[test]
fn one_file_named_several_ways_is_audited_once() {
    let a = album();
    let dotted = a.root.join(".").join("01 Intro.mp3");
    let lower = a.root.join("01 intro.mp3");
    let ignores_case = lower.exists();
    let mut cmd = isrckit();
    cmd.args([
        "audit",
        "--format",
        "json",
        "--no-progress",
        "--year",
        "2026",
    ])
    .arg(&a.root)
    .arg(&dotted);
    if ignores_case {
        cmd.arg(&lower);
    }
    let out = cmd.output().expect("runs");
    let files = paths(&json(&out)["files"]);
    let masters: Vec<&String> = files.iter().filter(|p| p.ends_with("ntro.mp3")).collect();
    assert_eq!(masters.len(), 1, "{files:?}\n{out:?}");
    if !ignores_case {
        std::fs::copy(&a.master, &lower).expect("copy");
        let out = isrckit()
            .args([
                "audit",
                "--format",
                "json",
                "--no-progress",
                "--year",
                "2026",
            ])
            .arg(&a.master)
            .arg(&lower)
            .output()
            .expect("runs");
        let files = paths(&json(&out)["files"]);
        assert_eq!(files.len(), 2, "{files:?}");
    }
}

/// Where the file system ignores case (macOS, Windows; under Wine this
/// runs), a manifest row `01 intro.mp3` finds `01 Intro.mp3`, writes it
/// under its own name, and reports it by that name. Where names are
/// case-sensitive (Linux) there is no such file, and the row says so.
#[test]
fn a_manifest_row_in_another_case_finds_the_file_where_names_ignore_case() {
    let a = album();
    let manifest = a.root.join("codes.csv");
    std::fs::write(&manifest, "file,isrc\n01 intro.mp3,GBAYE2600001\n").expect("manifest");
    let ignores_case = a.root.join("01 intro.mp3").exists();
    let out = isrckit()
        .args(["embed", "--format", "json", "--manifest"])
        .arg(&manifest)
        .arg(&a.root)
        .output()
        .expect("runs");
    if !ignores_case {
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        return;
    }
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let doc = json(&out);
    let files = paths(&doc["files"]);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].ends_with("01 Intro.mp3"), "{files:?}");
    assert_eq!(doc["files"][0]["status"], "written");
    let names: Vec<String> = std::fs::read_dir(&a.root)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".mp3") && !n.starts_with('.'))
        .collect();
    assert_eq!(names, ["01 Intro.mp3"]);
}

/// Windows paths (this runs under Wine in CI): a manifest row written with
/// `\`, ROOT given with its drive letter, a file named in its `\\?\` form,
/// and a master whose path is longer than 260 characters (MAX_PATH) are
/// all written and read back.
#[cfg(windows)]
#[test]
fn windows_paths_backslashes_drive_letters_and_long_paths_work() {
    let a = album();
    let root = std::path::absolute(&a.root).expect("absolute");
    assert!(root.to_string_lossy().as_bytes()[1] == b':', "{root:?}");
    std::fs::create_dir_all(root.join("disc 1")).expect("mkdir");
    std::fs::copy(&a.master, root.join("disc 1").join("02 Two.mp3")).expect("copy");
    let manifest = root.join("codes.csv");
    std::fs::write(
        &manifest,
        "file,isrc\r\ndisc 1\\02 Two.mp3,GBAYE2600003\r\n",
    )
    .expect("csv");
    let out = isrckit()
        .args(["embed", "--format", "json", "--manifest"])
        .arg(&manifest)
        .arg(&root)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let verbatim = format!(r"\\?\{}\disc 1\02 Two.mp3", root.display());
    let out = isrckit()
        .args(["inspect", "--format", "json"])
        .arg(&verbatim)
        .output()
        .expect("runs");
    let doc = json(&out);
    assert_eq!(
        doc["files"][0]["distinct"]["isrc"][0], "GBAYE2600003",
        "{doc}"
    );

    let mut deep = root.clone();
    while deep.as_os_str().len() < 300 {
        deep.push("a folder with a long name to pass MAX_PATH");
    }
    std::fs::create_dir_all(&deep).expect("mkdir deep");
    let long = deep.join("03 Deep.mp3");
    std::fs::copy(&a.master, &long).expect("copy deep");
    let out = isrckit()
        .args(["set", "--isrc", "GBAYE2600004"])
        .arg(&long)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = isrckit()
        .args(["inspect", "--format", "json"])
        .arg(&long)
        .output()
        .expect("runs");
    assert_eq!(
        json(&out)["files"][0]["distinct"]["isrc"][0],
        "GBAYE2600004"
    );
}
