//! The audit on generated corpora (bench/make_corpus.py: real files tagged
//! by mutagen, problems planted, a truth file): it finds exactly the planted
//! problems, nothing else; and all six output formats render the same run.

mod common;

use assert_cmd::Command;
use common::{require, run};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn make_corpus(out: &Path, files: u32, seed: u32) -> Value {
    run(std::process::Command::new("/usr/bin/python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/make_corpus.py"))
        .arg(out)
        .args([
            "--files",
            &files.to_string(),
            "--seed",
            &seed.to_string(),
            "--problems",
        ]));
    serde_json::from_str(&std::fs::read_to_string(out.join("truth.json")).expect("truth.json"))
        .expect("truth JSON")
}

fn audit(dir: &Path, format: &str) -> (i32, Vec<u8>) {
    let out = Command::cargo_bin("isrckit")
        .expect("binary")
        .args([
            "audit",
            "--no-config",
            "--no-progress",
            "--year",
            "2026",
            "--format",
            format,
        ])
        .arg(dir)
        .output()
        .expect("runs");
    (out.status.code().expect("status"), out.stdout)
}

fn pairs(list: &Value, root: &Path) -> BTreeSet<(String, String)> {
    list.as_array()
        .expect("array")
        .iter()
        .map(|f| {
            let p = Path::new(f["path"].as_str().expect("path"));
            let rel = p
                .strip_prefix(root)
                .unwrap_or(p)
                .to_string_lossy()
                .into_owned();
            (f["rule"].as_str().expect("rule").to_string(), rel)
        })
        .collect()
}

#[test]
fn finds_exactly_the_planted_problems() {
    if !require("/usr/bin/python3", &["-c", "import mutagen"]) || !require("ffmpeg", &["-version"])
    {
        return;
    }
    for seed in [1, 7, 42] {
        let dir = tempfile::tempdir().expect("tmp");
        let truth = make_corpus(dir.path(), 150, seed);
        let (code, out) = audit(dir.path(), "json");
        let doc: Value = serde_json::from_slice(&out).expect("json");
        let want = pairs(&truth["findings"], Path::new(""));
        let got = pairs(&doc["findings"], dir.path());
        let missing: Vec<_> = want.difference(&got).collect();
        let extra: Vec<_> = got.difference(&want).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "seed {seed}: missing {missing:?}, extra {extra:?}"
        );
        assert!(!want.is_empty(), "seed {seed}: problems were planted");
        assert_eq!(code, 1, "seed {seed}: errors fail the run");
        for key in ["files", "audio", "skipped"] {
            assert_eq!(
                doc["summary"][key], truth[key],
                "seed {seed}: summary {key}"
            );
        }
    }
}

#[test]
fn every_format_renders_the_same_run() {
    if !require("/usr/bin/python3", &["-c", "import mutagen"]) || !require("ffmpeg", &["-version"])
    {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let truth = make_corpus(dir.path(), 60, 3);
    let n = truth["findings"].as_array().expect("findings").len();
    let files = truth["files"].as_u64().expect("files") as usize;
    assert!(n > 0);

    let (code, json) = audit(dir.path(), "json");
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_slice(&json).expect("json");
    assert_eq!(doc["schema"], "isrckit/audit/1");
    assert_eq!(doc["findings"].as_array().expect("findings").len(), n);
    assert_eq!(doc["files"].as_array().expect("files").len(), files);

    let (_, csv) = audit(dir.path(), "csv");
    let csv = String::from_utf8(csv).expect("utf-8");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("rule,severity,path,message,code,location,related")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(
        rows.len(),
        n,
        "one CSV row per finding (no field holds a newline here)"
    );

    let (_, gh) = audit(dir.path(), "github");
    let gh = String::from_utf8(gh).expect("utf-8");
    assert_eq!(gh.lines().count(), n);
    assert!(
        gh.lines()
            .all(|l| l.starts_with("::error file=") || l.starts_with("::warning file=")),
        "{gh}"
    );

    let (_, sarif) = audit(dir.path(), "sarif");
    let sarif: Value = serde_json::from_slice(&sarif).expect("sarif json");
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(
        sarif["runs"][0]["results"]
            .as_array()
            .expect("results")
            .len(),
        n
    );
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .expect("rules")
            .len(),
        isrckit::audit::RULES.len()
    );

    let (_, junit) = audit(dir.path(), "junit");
    let junit = String::from_utf8(junit).expect("utf-8");
    assert_eq!(
        junit.matches("<testsuite ").count(),
        files,
        "a suite per file"
    );
    assert_eq!(
        junit.matches("<failure ").count(),
        n,
        "a failure per finding"
    );

    let (_, table) = audit(dir.path(), "table");
    let table = String::from_utf8(table).expect("utf-8");
    assert!(table.contains(&format!("{files} files: ")), "{table}");
    assert!(!table.contains('\x1b'), "no colour when not a terminal");
}
