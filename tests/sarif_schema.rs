//! `isrckit audit --format sarif` on the bundled samples (which have
//! findings at every level, related locations, relative and absolute
//! paths) is a valid SARIF 2.1.0 log: validated against the SARIF schema
//! (`tests/schemas/sarif-2.1.0.json`, see the README there) by Python's
//! `jsonschema` (Debian's `python3-jsonschema`, with `python3-rfc3987` so
//! that `uri` and `uri-reference` formats are checked too). The validator
//! must also reject a broken copy of the same log, so a validator that
//! accepts anything fails this test.

mod common;

use assert_cmd::Command;
use common::{require, testdata};
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

/// Validates the JSON on standard input against the schema named by the
/// first argument; prints one line per error, exits 1 if there are any.
const VALIDATE: &str = r#"
import json, sys
import jsonschema, rfc3987
schema = json.load(open(sys.argv[1]))
V = jsonschema.Draft202012Validator
V.check_schema(schema)
checker = V.FORMAT_CHECKER
assert {"uri", "uri-reference"} <= set(checker.checkers), "uri formats are not checked"
doc = json.load(sys.stdin)
errors = sorted(V(schema, format_checker=checker).iter_errors(doc), key=lambda e: list(e.absolute_path))
for e in errors:
    print("/" + "/".join(map(str, e.absolute_path)), e.message)
sys.exit(1 if errors else 0)
"#;

fn schema() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-2.1.0.json")
}

/// The schema's errors for `doc` (empty when valid).
fn schema_errors(doc: &Value) -> Vec<String> {
    let mut child = std::process::Command::new("/usr/bin/python3")
        .args(["-c", VALIDATE])
        .arg(schema())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run python3");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&serde_json::to_vec(doc).expect("serialize"))
        .expect("write the log to the validator");
    let out = child.wait_with_output().expect("validator output");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    match out.status.code() {
        Some(0) => Vec::new(),
        Some(1) if !text.is_empty() => text.lines().map(String::from).collect(),
        _ => panic!(
            "the validator failed to run: {}{text}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// `audit --format sarif` of `dir`, run from `cwd`; info findings are
/// asked for too (`isrc-year` as info) so every level appears.
fn sarif(cwd: &Path, dir: &Path) -> Value {
    let out = Command::cargo_bin("isrckit")
        .expect("binary built")
        .current_dir(cwd)
        .args([
            "audit",
            "--format",
            "sarif",
            "--no-config",
            "--year",
            "2023",
        ])
        .args(["--severity", "isrc-year=info"])
        .arg(dir)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "testdata has error findings");
    serde_json::from_slice(&out.stdout).expect("SARIF is JSON")
}

fn check(doc: &Value) {
    let errors = schema_errors(doc);
    assert!(
        errors.is_empty(),
        "not valid SARIF 2.1.0:\n{}",
        errors.join("\n")
    );
    let results = doc["runs"][0]["results"].as_array().expect("results");
    let levels: std::collections::BTreeSet<&str> =
        results.iter().filter_map(|r| r["level"].as_str()).collect();
    assert_eq!(
        levels,
        ["error", "note", "warning"].into(),
        "findings at every level"
    );
    assert!(
        results.iter().any(|r| r["relatedLocations"]
            .as_array()
            .is_some_and(|a| !a.is_empty())),
        "some finding has related locations"
    );
}

#[test]
fn audit_sarif_log_is_valid_sarif_2_1_0() {
    if !require("/usr/bin/python3", &["-c", "import jsonschema, rfc3987"]) {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Relative paths (relative URIs), as a CI job runs it.
    let doc = sarif(root, Path::new("testdata"));
    let uri = &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert!(
        uri.as_str().is_some_and(|u| u.starts_with("testdata/")),
        "{uri}"
    );
    check(&doc);
    // Absolute paths (file:// URIs).
    let doc = sarif(root, &testdata());
    let uri = &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert!(
        uri.as_str().is_some_and(|u| u.starts_with("file:///")),
        "{uri}"
    );
    check(&doc);
}

#[test]
fn the_validator_rejects_a_broken_log() {
    if !require("/usr/bin/python3", &["-c", "import jsonschema, rfc3987"]) {
        return;
    }
    let doc = sarif(Path::new(env!("CARGO_MANIFEST_DIR")), Path::new("testdata"));
    type Break = (&'static str, fn(&mut Value));
    let breaks: [Break; 4] = [
        ("a level SARIF lacks", |r| r["level"] = "fatal".into()),
        ("a message without text", |r| {
            r["message"] = serde_json::json!({})
        }),
        ("a URI with a space", |r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b.wav".into()
        }),
        ("a key SARIF does not define", |r| r["path"] = "x".into()),
    ];
    for (what, break_it) in breaks {
        let mut bad = doc.clone();
        break_it(&mut bad["runs"][0]["results"][0]);
        assert!(!schema_errors(&bad).is_empty(), "{what}: accepted");
    }
}
