//! Shared test helpers.
#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};
use std::process::Command;

/// The testdata folder.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

/// Whether an external tool can be run. When it cannot: under CI
/// (`CI` set) the test fails; locally it is skipped with a printed reason.
pub fn require(tool: &str, probe: &[&str]) -> bool {
    let ok = Command::new(tool)
        .args(probe)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is required in CI but cannot be run; .ci/run installs it"
        );
        eprintln!("SKIPPED: {tool} is not installed (apt-get install it, or run .ci/run)");
    }
    ok
}

/// Run a command, panicking with its stderr when it fails.
pub fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One row of testdata/EXPECTED.tsv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub file: String,
    pub kind: String,
    pub raw: String,
    pub container: String,
    pub tag: String,
    pub field: String,
    pub version: String,
    pub encoding: String,
    pub tool: String,
    pub location: String,
    pub note: String,
}

/// Parse testdata/EXPECTED.tsv (header row; `#` lines are comments).
pub fn expected() -> Vec<Expected> {
    let text =
        std::fs::read_to_string(testdata().join("EXPECTED.tsv")).expect("testdata/EXPECTED.tsv");
    let mut lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            let get = |name: &str| {
                col(name)
                    .and_then(|i| cells.get(i))
                    .map(|s| s.to_string())
                    .unwrap_or_default()
            };
            Expected {
                file: get("file"),
                kind: get("kind"),
                raw: get("raw"),
                container: get("container"),
                tag: get("tag"),
                field: get("field"),
                version: get("version"),
                encoding: get("encoding"),
                tool: get("tool"),
                location: get("location"),
                note: get("note"),
            }
        })
        .collect()
}

/// The binary under test: `ISRCKIT_TEST_BIN` when set (to run a test
/// against another build, such as the one before a fix), else this build's.
pub fn bin() -> PathBuf {
    std::env::var_os("ISRCKIT_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| assert_cmd::cargo::cargo_bin("isrckit"))
}

/// Whether the binary has the test hooks (debug builds); otherwise the
/// test is skipped with a reason (`cargo test --release`).
pub fn hooks() -> bool {
    if !cfg!(debug_assertions) {
        eprintln!("SKIPPED: the test hooks exist in debug builds only");
    }
    cfg!(debug_assertions)
}
