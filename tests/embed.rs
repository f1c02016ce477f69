//! `isrckit embed --manifest` on a generated delivery of a few hundred
//! masters in every container: it embeds, verifies and reports; the audio
//! is untouched; a second run changes nothing; a bad manifest writes nothing.

mod common;

use assert_cmd::Command;
use common::{require, run};
use isrckit::CodeKind;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn isrckit() -> Command {
    Command::cargo_bin("isrckit").expect("binary")
}

/// Every audio file under `root` with its report.
fn audio(root: &Path) -> Vec<(PathBuf, isrckit::FileReport)> {
    let (files, _) =
        isrckit::walk::collect(&[root.to_path_buf()], &isrckit::walk::Filter::default());
    files
        .into_iter()
        .map(|f| {
            let r = isrckit::read_file(&f);
            (f, r)
        })
        .filter(|(_, r)| r.container.is_some())
        .collect()
}

fn payload(path: &Path, r: &isrckit::FileReport) -> Vec<u8> {
    let a = r.audio.as_ref().expect("audio");
    let bytes = std::fs::read(path).expect("read");
    let (o, l) = (
        a.payload_offset.expect("o") as usize,
        a.payload_len.expect("l") as usize,
    );
    bytes[o..o + l].to_vec()
}

#[test]
fn a_delivery_of_a_few_hundred_masters() {
    if !require("/usr/bin/python3", &["-c", "import mutagen"]) || !require("ffmpeg", &["-version"])
    {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    run(std::process::Command::new("/usr/bin/python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/make_corpus.py"))
        .arg(root)
        .args(["--files", "300", "--seed", "11"]));
    let before = audio(root);
    assert!(before.len() >= 300);
    let containers: std::collections::BTreeSet<_> =
        before.iter().filter_map(|(_, r)| r.container).collect();
    assert_eq!(containers.len(), 5, "every container: {containers:?}");
    // The label's new codes: each recording (old ISRC) gets a new ISRC, each
    // release (old barcode) a new barcode, so recordings delivered twice
    // keep sharing theirs. Display forms and a `;` CSV, as Excel writes it.
    let mut isrcs = BTreeMap::new();
    let mut barcodes = BTreeMap::new();
    let mut csv = String::from("\u{feff}path;isrc;barcode\r\n");
    let mut want = BTreeMap::new();
    for (path, r) in &before {
        let old_isrc = r.distinct(CodeKind::Isrc)[0].to_string();
        let n = isrcs.len() + 1;
        let isrc = isrcs
            .entry(old_isrc)
            .or_insert_with(|| format!("QZ-ES6-26-{n:05}"))
            .clone();
        let old_bc = r.distinct(CodeKind::Barcode)[0].to_string();
        let m = barcodes.len() as u64 + 1;
        let bc = barcodes
            .entry(old_bc)
            .or_insert_with(|| {
                let body = format!("{:011}", 12_345_000_000 + m);
                let check = isrckit::codes::Gtin::check_digit_for(&body).expect("digits");
                format!("{body}{check}")
            })
            .clone();
        let rel = path
            .strip_prefix(root)
            .expect("under root")
            .to_string_lossy()
            .into_owned();
        csv.push_str(&format!("\"{rel}\";{isrc};{bc}\r\n"));
        want.insert(path.clone(), (isrc.replace('-', ""), format!("0{bc}")));
    }
    let manifest = root.join("codes.csv");
    std::fs::write(&manifest, csv).expect("manifest");

    // Dry run: everything planned, nothing written.
    let out = isrckit()
        .args(["embed", "--dry-run", "--format", "json", "--manifest"])
        .arg(&manifest)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        doc["summary"]["planned"].as_u64(),
        Some(before.len() as u64)
    );
    assert_eq!(
        audio(root)
            .iter()
            .map(|(_, r)| r.distinct(CodeKind::Isrc)[0].to_string())
            .collect::<Vec<_>>(),
        before
            .iter()
            .map(|(_, r)| r.distinct(CodeKind::Isrc)[0].to_string())
            .collect::<Vec<_>>(),
        "dry run wrote nothing"
    );

    // The real run.
    let out = isrckit()
        .args(["embed", "--format", "json", "--manifest"])
        .arg(&manifest)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        doc["summary"]["written"].as_u64(),
        Some(before.len() as u64)
    );
    let after = audio(root);
    for ((path, old), (_, new)) in before.iter().zip(&after) {
        let (isrc, bc) = &want[path];
        assert!(new.error.is_none(), "{path:?}: {:?}", new.error);
        assert_eq!(new.distinct(CodeKind::Isrc), [isrc.as_str()], "{path:?}");
        assert_eq!(new.distinct(CodeKind::Barcode), [bc.as_str()], "{path:?}");
        assert_eq!(
            payload(path, new).len(),
            old.audio.as_ref().and_then(|a| a.payload_len).unwrap_or(0) as usize
        );
    }
    // The audit finds nothing wrong (no stale code, no conflict).
    let out = isrckit()
        .args(["audit", "--no-config", "--format", "json", "--year", "2026"])
        .arg(root)
        .output()
        .expect("audit");
    let audit: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        audit["findings"].as_array().map(Vec::len),
        Some(0),
        "{}",
        audit["findings"]
    );
    // Idempotent.
    let out = isrckit()
        .args(["embed", "--format", "json", "--manifest"])
        .arg(&manifest)
        .output()
        .expect("runs");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        doc["summary"]["unchanged"].as_u64(),
        Some(before.len() as u64)
    );
}

#[test]
fn one_bad_row_writes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    for (i, s) in ["mp3/no_tags.mp3", "wav/no_tags.wav"].iter().enumerate() {
        std::fs::copy(
            common::testdata().join(s),
            root.join(format!("0{}.{}", i + 1, &s[s.len() - 3..])),
        )
        .expect("copy");
    }
    let before: Vec<Vec<u8>> = ["01.mp3", "02.wav"]
        .iter()
        .map(|f| std::fs::read(root.join(f)).expect("read"))
        .collect();
    std::fs::write(
        root.join("codes.csv"),
        "path,isrc\n01.mp3,USRC12600001\n02.wav,USRC1260002\n03.wav,USRC12600003\n",
    )
    .expect("csv");
    let out = isrckit()
        .args(["embed", "--manifest"])
        .arg(root.join("codes.csv"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 3") && err.contains("11 characters"),
        "{err}"
    );
    assert!(err.contains("line 4") && err.contains("03.wav"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    let after: Vec<Vec<u8>> = ["01.mp3", "02.wav"]
        .iter()
        .map(|f| std::fs::read(root.join(f)).expect("read"))
        .collect();
    assert_eq!(before, after);
}
