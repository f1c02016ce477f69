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
        for cmd in ["inspect", "audit", "set", "embed"] {
            assert!(text.contains(cmd), "{shell}: no {cmd}");
        }
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
