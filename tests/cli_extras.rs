//! Shell completions, manual pages and the colour decision, through the
//! binary.

mod common;

use assert_cmd::Command;
use common::testdata;

fn isrckit() -> Command {
    Command::cargo_bin("isrckit").expect("binary built")
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn completions_for_every_shell_name_every_command() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let text = stdout(isrckit().args(["completions", shell]));
        for cmd in ["inspect", "audit", "set", "embed", "cue"] {
            assert!(text.contains(cmd), "{shell}: no {cmd}");
        }
        assert!(text.contains("cd-tolerance"), "{shell}: no --cd-tolerance");
        assert!(text.contains("manifest"), "{shell}: no --manifest");
    }
    // bash can load the script.
    if common::require("bash", &["--version"]) {
        let script = stdout(isrckit().args(["completions", "bash"]));
        let ok = std::process::Command::new("bash")
            .args(["-c", &format!("{script}\ncomplete -p isrckit")])
            .output()
            .expect("bash runs");
        assert!(ok.status.success(), "{ok:?}");
    }
}

#[test]
fn man_pages_are_roff_from_the_help() {
    let main = stdout(isrckit().arg("man"));
    assert!(main.contains(".TH isrckit 1"), "{main}");
    assert!(main.contains("embed"), "{main}");
    let audit = stdout(isrckit().args(["man", "audit"]));
    assert!(audit.contains(".TH isrckit-audit 1"), "{audit}");
    assert!(
        audit.contains("fail\\-on"),
        "the audit page lists its flags"
    );
    assert!(audit.contains("cd\\-tolerance"), "the audit page has --cd");
    let cue = stdout(isrckit().args(["man", "cue"]));
    assert!(cue.contains(".TH isrckit-cue 1"), "{cue}");
    assert!(cue.contains("CATALOG"), "the cue page teaches: {cue}");
    let out = isrckit().args(["man", "nope"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    // man(1) renders it (man-db: installed by .ci/run).
    if common::require("man", &["--version"]) {
        let dir = tempfile::tempdir().expect("temp dir");
        let page = dir.path().join("isrckit-audit.1");
        std::fs::write(&page, &audit).expect("write");
        let out = std::process::Command::new("man")
            .arg("-l")
            .arg(&page)
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .output()
            .expect("man runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("isrckit-audit"), "{out:?}");
    }
}

#[test]
fn colour_follows_no_color_clicolor_force_and_term() {
    let file = testdata().join("wav/no_tags.wav");
    let run = |env: &[(&str, &str)], extra: &[&str]| {
        let mut cmd = isrckit();
        cmd.arg("inspect").args(extra).arg(&file);
        for k in ["NO_COLOR", "CLICOLOR_FORCE", "CLICOLOR", "TERM"] {
            cmd.env_remove(k);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        stdout(&mut cmd).contains('\u{1b}')
    };
    // Into a pipe: no colour unless forced.
    assert!(!run(&[], &[]));
    assert!(run(&[("CLICOLOR_FORCE", "1")], &[]));
    assert!(!run(&[("CLICOLOR_FORCE", "0")], &[]));
    assert!(run(&[("CLICOLOR_FORCE", "1"), ("TERM", "dumb")], &[]));
    // NO_COLOR wins over the force, --color over both.
    assert!(!run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], &[]));
    assert!(run(&[("NO_COLOR", "1")], &["--color", "always"]));
    assert!(!run(&[("CLICOLOR_FORCE", "1")], &["--color", "never"]));
}

/// The audit under a terminal (`script` gives it one): a quick run draws
/// no progress bar at all; a run past the bar's delay (set to 0 through a
/// debug-build hook) draws it on stderr and clears it before the first
/// result, so no result line starts with bar text.
#[test]
fn the_progress_bar_shows_only_when_slow_and_is_cleared_before_results() {
    if !common::require("script", &["--version"]) {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_isrckit");
    let run = |delay: Option<&str>| -> String {
        let mut cmd = std::process::Command::new("script");
        cmd.args(["-qec"])
            .arg(format!(
                "{bin} audit --year 2026 --color never {}",
                testdata().join("flac").display()
            ))
            .arg("/dev/null");
        cmd.env_remove("ISRCKIT_TEST_PROGRESS_AFTER_MS")
            .env("TERM", "xterm");
        if let Some(ms) = delay {
            cmd.env("ISRCKIT_TEST_PROGRESS_AFTER_MS", ms);
        }
        let out = cmd.output().expect("script runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let is_bar = |seg: &str| {
        let words: Vec<&str> = seg.split_whitespace().collect();
        words.windows(2).any(|w| {
            w[1] == "files"
                && w[0].split('/').count() == 2
                && w[0].chars().all(|c| c.is_ascii_digit() || c == '/')
        })
    };
    let segments = |text: &str| -> Vec<String> {
        text.split(['\r', '\n'])
            .map(|s| {
                // Drop ANSI sequences (ESC [ … letter).
                let mut out = String::new();
                let mut chars = s.chars().peekable();
                while let Some(c) = chars.next() {
                    if c == '\u{1b}' {
                        for d in chars.by_ref() {
                            if d.is_ascii_alphabetic() {
                                break;
                            }
                        }
                    } else {
                        out.push(c);
                    }
                }
                out
            })
            .collect()
    };
    let quick = run(None);
    assert!(quick.contains("isrc-missing"), "{quick}");
    assert!(!segments(&quick).iter().any(|s| is_bar(s)), "{quick:?}");
    let slow = run(Some("0"));
    let segs = segments(&slow);
    assert!(
        segs.iter().any(|s| is_bar(s)),
        "the bar was drawn: {slow:?}"
    );
    for s in segs
        .iter()
        .filter(|s| s.contains("testdata/") || s.contains("error"))
    {
        assert!(!is_bar(s), "a result line mixed with the bar: {s:?}");
    }
    assert!(slow.contains("isrc-missing"), "{slow}");
}

#[test]
fn quiet_prints_nothing_and_keeps_the_exit_status() {
    let flac = testdata().join("flac");
    for args in [
        vec!["audit", "-q", "--year", "2026"],
        vec!["inspect", "--quiet"],
        vec!["set", "--quiet", "--dry-run", "--barcode", "075678164125"],
    ] {
        let out = isrckit().args(&args).arg(&flac).output().expect("runs");
        assert!(out.stdout.is_empty(), "{args:?}: {out:?}");
        let code = out.status.code();
        let loud = isrckit()
            .args(args.iter().filter(|a| !["-q", "--quiet"].contains(a)))
            .arg(&flac)
            .output()
            .expect("runs");
        assert!(!loud.stdout.is_empty(), "{args:?}");
        assert_eq!(code, loud.status.code(), "{args:?}");
    }
}
