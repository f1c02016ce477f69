//! `inspect` reports exactly the code sites that the tools put into
//! `testdata/` (the truth is `testdata/EXPECTED.tsv`, written by
//! `testdata/make.sh` beside the files), with the right location, and
//! nothing that is not a code.

mod common;

use common::{Expected, expected, testdata};
use isrckit::{CodeSite, FileReport};
use std::collections::BTreeMap;

fn matches(site: &CodeSite, e: &Expected) -> bool {
    fn opt(s: &str) -> Option<&str> {
        (!s.is_empty()).then_some(s)
    }
    site.kind.to_string() == e.kind
        && site.raw == e.raw
        && site.location.container.name() == e.container
        && site.location.tag.name() == e.tag
        && site.location.field == e.field
        && site.location.version.as_deref() == opt(&e.version)
        && site.location.encoding.as_deref() == opt(&e.encoding)
}

fn show(r: &FileReport) -> String {
    r.codes
        .iter()
        .map(|c| {
            format!(
                "  {} {:?} {} {} {:?} {:?}\n",
                c.kind,
                c.raw,
                c.location.tag.name(),
                c.location.field,
                c.location.version,
                c.location.encoding
            )
        })
        .collect()
}

#[test]
fn every_expected_site_and_nothing_else() {
    let rows = expected();
    assert!(
        rows.len() > 50,
        "EXPECTED.tsv looks truncated: {} rows",
        rows.len()
    );
    let mut by_file: BTreeMap<&str, Vec<&Expected>> = BTreeMap::new();
    for r in &rows {
        by_file.entry(r.file.as_str()).or_default().push(r);
    }
    let mut failures = Vec::new();
    for (file, want) in &by_file {
        let report = isrckit::read_file(testdata().join(file));
        let mut left: Vec<&CodeSite> = report.codes.iter().collect();
        for e in want.iter().filter(|e| e.kind != "none") {
            match left.iter().position(|s| matches(s, e)) {
                Some(i) => {
                    left.remove(i);
                }
                None => failures.push(format!(
                    "{file}: expected {} {:?} at {} {} v{} {} — not found; read:\n{}",
                    e.kind,
                    e.raw,
                    e.tag,
                    e.field,
                    e.version,
                    e.encoding,
                    show(&report)
                )),
            }
        }
        for s in left {
            failures.push(format!(
                "{file}: reported {} {:?} at {}, which the tools did not put there",
                s.kind,
                s.raw,
                s.location.describe()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_sample_file_is_in_the_truth_file() {
    let rows = expected();
    let (files, errors) = isrckit::walk::collect(&[testdata()], &isrckit::walk::Filter::default());
    assert!(errors.errors.is_empty(), "{errors:?}");
    let mut missing = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(testdata())
            .expect("under testdata")
            .to_string_lossy()
            .into_owned();
        let is_sample = ["wav/", "aiff/", "flac/", "mp3/", "mp4/", "damaged/"]
            .iter()
            .any(|d| rel.starts_with(d));
        if is_sample && !rows.iter().any(|r| r.file == rel) {
            missing.push(rel);
        }
    }
    assert!(
        missing.is_empty(),
        "sample files with no row in EXPECTED.tsv: {missing:?}"
    );
}

#[test]
fn good_files_read_cleanly_and_damaged_ones_say_why() {
    let (files, _) = isrckit::walk::collect(&[testdata()], &isrckit::walk::Filter::default());
    for f in files {
        let rel = f
            .strip_prefix(testdata())
            .expect("under testdata")
            .to_string_lossy()
            .into_owned();
        if !rel.contains('/') {
            continue; // the scripts and docs beside the samples
        }
        let r = isrckit::read_file(&f);
        if rel.starts_with("damaged/") {
            // Odd but legal: a WAV named .mp3 reads, with a note; a
            // zero-size chunk is allowed by RIFF and must not stop the walk.
            if rel == "damaged/wav_named.mp3" {
                assert!(r.error.is_none(), "{rel}: {:?}", r.error);
                assert!(
                    r.notes.iter().any(|n| n.contains("named .mp3")),
                    "{rel}: {:?}",
                    r.notes
                );
            } else if rel == "damaged/wav_zero_size_chunk.wav" {
                assert!(r.error.is_none(), "{rel}: {:?}", r.error);
                assert_eq!(
                    r.distinct(isrckit::CodeKind::Isrc),
                    ["DEA842400604"],
                    "{rel}"
                );
            } else {
                let e = r
                    .error
                    .as_deref()
                    .unwrap_or_else(|| panic!("{rel}: damaged but no error"));
                assert!(e.len() > 15, "{rel}: error too terse: {e}");
            }
        } else {
            assert!(r.error.is_none(), "{rel}: {:?}", r.error);
            assert!(r.container.is_some(), "{rel}");
        }
    }
}
