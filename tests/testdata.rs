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
    // A CUE sheet's or TOC file's site names its track (`TRACK 01`) or,
    // at disc level, none.
    let track = |loc: &str| {
        loc.strip_prefix("TRACK ")
            .and_then(|n| n.parse::<u32>().ok())
    };
    site.kind.to_string() == e.kind
        && site.raw == e.raw
        && site.location.container.name() == e.container
        && site.location.tag.name() == e.tag
        && site.location.field == e.field
        && site.location.version.as_deref() == opt(&e.version)
        && site.location.encoding.as_deref() == opt(&e.encoding)
        && (e.container != "cue"
            || (site.location.chunk.as_deref() == opt(&e.location)
                && site.location.track == track(&e.location)))
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
        let is_sample = ["wav/", "aiff/", "flac/", "mp3/", "mp4/", "cue/", "damaged/"]
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
        if !rel.contains('/')
            || rel.starts_with("ddp/")
            || rel.starts_with("cd/ddp/")
            || rel.starts_with("cd/make_cd.")
        {
            // The scripts and docs beside the samples; the DDP images
            // (folders of several files) are checked by tests/ddp.rs and
            // tests/cd_audit.rs.
            continue;
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

/// The sites other tools put in non-standard places (issue 10) are
/// reported with their verdict and a note saying what is special.
#[test]
fn sites_in_other_tools_places_carry_their_verdict_and_notes() {
    let read = |file: &str| isrckit::read_file(testdata().join(file));
    let only = |r: &FileReport, kind: isrckit::CodeKind| -> CodeSite {
        let sites: Vec<&CodeSite> = r.codes.iter().filter(|c| c.kind == kind).collect();
        assert_eq!(sites.len(), 1, "{:?}", r.codes);
        sites[0].clone()
    };
    let noted = |s: &CodeSite, words: &str| {
        assert!(
            s.notes.iter().any(|n| n.contains(words)),
            "{:?}: no note with {words:?} in {:?}",
            s.raw,
            s.notes
        );
    };
    use isrckit::CodeKind::{Barcode, Isrc};

    // RIFF INFO ISRC with a letter in the year: an invalid ISRC, not nothing.
    let s = only(&read("wav/ffmpeg_info_isrc_invalid_year.wav"), Isrc);
    assert!(!s.valid && !s.location.standard);
    let problem = s.problem.as_deref().unwrap_or_default();
    assert!(problem.contains("year"), "{problem}");
    noted(&s, "ambiguous location");
    // ... but a name in the same field is not a code.
    assert!(
        read("wav/ffmpeg_info_isrc_holds_a_name.wav")
            .codes
            .is_empty()
    );

    // bext Description ISRC: entries (FADGI), however they are separated.
    for file in [
        "wav/bwf_bext_fadgi_isrc_semicolons.wav",
        "wav/bwf_bext_fadgi_isrc_lines.wav",
    ] {
        let s = only(&read(file), Isrc);
        assert!(s.valid && s.canonical && !s.location.standard, "{file}");
        assert_eq!(s.location.chunk.as_deref(), Some("bext"), "{file}");
        noted(&s, "FADGI");
    }

    // aXML identifier typed by formatLabel, stored with an ISRC: prefix.
    let s = only(&read("wav/axml_ebucore_formatlabel_isrc_prefix.wav"), Isrc);
    assert!(s.valid && !s.canonical);
    assert_eq!(s.value.as_deref(), Some("JPPO02400120"));
    noted(&s, "\"ISRC\" prefix");

    // MP4 freeform data of implicit type 0, lowercase.
    let r = read("mp4/mutagen_freeform_implicit_lowercase.m4a");
    let s = only(&r, Isrc);
    assert!(s.valid && !s.canonical);
    assert_eq!(s.value.as_deref(), Some("QMDA72400507"));
    assert_eq!(s.location.encoding, None);
    noted(&s, "type 0 (implicit");
    let b = only(&r, Barcode);
    assert!(b.valid);
    noted(&b, "type 0 (implicit");
}

/// `isrckit set` reaches those sites too (every site of a kind written must
/// hold the new code, or the write is refused), and keeps what is around
/// them.
#[test]
fn set_updates_the_sites_in_other_tools_places() {
    let dir = tempfile::tempdir().expect("tmp");
    let new = "GBAYE2400999";
    // (file, bytes the written file must hold)
    let cases: [(&str, &[&str]); 6] = [
        (
            "wav/ffmpeg_info_isrc_invalid_year.wav",
            &["ISRC\x0d\x00\x00\x00GBAYE2400999\0"],
        ),
        ("wav/ffmpeg_info_isrc_holds_a_name.wav", &["John Smith Ltd"]),
        (
            "wav/bwf_bext_fadgi_isrc_semicolons.wav",
            &["bext", "ISRC:GBAYE2400999; ISWC:T-034.524.680-1\0"],
        ),
        (
            "wav/bwf_bext_fadgi_isrc_lines.wav",
            &["ID:isrckit-0119\r\nISRC:GBAYE2400999\r\nISWC:T-034.524.680-1\0"],
        ),
        (
            "wav/axml_ebucore_formatlabel_isrc_prefix.wav",
            &[
                "formatLabel=\"ISRC\">\n<dc:identifier>GBAYE2400999</dc:identifier>",
                "urn:uuid:6f1c2a3e-0b4d-4e5f-8a9b-0c1d2e3f4a5b",
            ],
        ),
        (
            "mp4/mutagen_freeform_implicit_lowercase.m4a",
            &[
                "\0\0\0\x01\0\0\0\0GBAYE2400999",
                "\0\0\0\x01\0\0\0\x004006381333931",
            ],
        ),
    ];
    for (file, holds) in cases {
        let path = dir.path().join(file.replace('/', "_"));
        std::fs::copy(testdata().join(file), &path).expect("copy");
        let out = assert_cmd::Command::cargo_bin("isrckit")
            .expect("binary")
            .args(["set", "--isrc", new, "--barcode", "4006381333931"])
            .arg(&path)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let r = isrckit::read_file(&path);
        assert!(r.error.is_none(), "{file}: {:?}", r.error);
        let isrcs: Vec<&str> = r
            .codes
            .iter()
            .filter(|c| c.kind == isrckit::CodeKind::Isrc)
            .map(|c| c.raw.as_str())
            .collect();
        assert!(
            !isrcs.is_empty() && isrcs.iter().all(|c| *c == new),
            "{file}: {isrcs:?}"
        );
        let bytes = std::fs::read(&path).expect("read");
        for want in holds {
            assert!(
                bytes.windows(want.len()).any(|w| w == want.as_bytes()),
                "{file}: {want:?} not in the written file"
            );
        }
    }
}

/// CUE sheets and TOC files beside the masters they name: `set` on the
/// folder writes the audio and passes over the sheet (isrckit does not
/// write sheets yet), `set` on the sheet itself is refused with that
/// reason, `embed` never matches a sheet by its (disc) title, and the audit
/// judges a sheet track by track: `isrc-missing` for the one track without
/// an ISRC line, nothing for a sheet whose tracks all have one.
#[test]
fn cue_sheets_beside_masters_set_embed_and_audit() {
    let dir = tempfile::tempdir().expect("tmp");
    let album = dir.path().join("album");
    let image = dir.path().join("image");
    std::fs::create_dir_all(&album).expect("mkdir");
    std::fs::create_dir_all(&image).expect("mkdir");
    for n in ["01.wav", "02.wav"] {
        std::fs::copy(testdata().join("wav/no_tags.wav"), album.join(n)).expect("copy");
    }
    let sheet = album.join("album.cue");
    std::fs::copy(testdata().join("cue/cueconvert_from_toc.cue"), &sheet).expect("copy");
    std::fs::copy(
        testdata().join("cue/metaflac_export.cue"),
        image.join("CD Master.cue"),
    )
    .expect("copy");
    let before = std::fs::read(&sheet).expect("read");
    let isrckit = || assert_cmd::Command::cargo_bin("isrckit").expect("binary");

    let out = isrckit()
        .args(["set", "--barcode", "4006381333931"])
        .arg(&album)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("skipped") && l.ends_with("album.cue")),
        "{text}"
    );
    assert!(
        text.contains("a CUE sheet: isrckit does not write these yet"),
        "{text}"
    );
    assert_eq!(std::fs::read(&sheet).expect("read"), before);
    let wav = isrckit::read_file(album.join("01.wav"));
    assert_eq!(wav.distinct(isrckit::CodeKind::Barcode), ["4006381333931"]);

    let out = isrckit()
        .args(["set", "--isrc", "GBAYE2400703"])
        .arg(&sheet)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("CUE sheets and TOC files are not written yet"),
        "{text}"
    );
    assert_eq!(std::fs::read(&sheet).expect("read"), before);

    // The sheet's TITLE is the disc's, "Album Name": no row matches it.
    let manifest = dir.path().join("m.csv");
    std::fs::write(&manifest, "title,isrc\nAlbum Name,GBAYE2400703\n").expect("write");
    let out = isrckit()
        .args(["embed", "--manifest"])
        .arg(&manifest)
        .arg(dir.path())
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("no audio file under ROOT has the title"),
        "{err}"
    );
    assert_eq!(std::fs::read(&sheet).expect("read"), before);

    let out = isrckit()
        .args(["audit", "--format", "json", "--no-config", "--year", "2026"])
        .arg(dir.path())
        .output()
        .expect("runs");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let of = |name: &str| -> Vec<(String, String)> {
        doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["path"].as_str().is_some_and(|p| p.ends_with(name)))
            .map(|f| {
                (
                    f["rule"].as_str().unwrap_or_default().to_string(),
                    f["message"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        of("album.cue"),
        [(
            "isrc-missing".to_string(),
            "TRACK 03 has no ISRC line, while other tracks have one".to_string()
        )]
    );
    assert_eq!(of("CD Master.cue"), []);
    // The WAVs have no ISRC: the file-level rule still speaks for them.
    assert!(of("01.wav").iter().any(|(r, _)| r == "isrc-missing"));
}

/// A CUE sheet in one of two format folders of a release (FLAC/ with its
/// sheet, WAV/ without) leaves them one release: the sheet's disc title
/// names no recording, so it does not make FLAC/ look like a release with
/// a recording WAV/ lacks (a false `barcode-subset` on WAV/ before). The
/// sheet's barcode still counts: a different CATALOG is inconsistent.
#[test]
fn a_cue_sheet_is_no_recording_of_its_release() {
    let dir = tempfile::tempdir().expect("tmp");
    let (wav, flac) = (dir.path().join("WAV"), dir.path().join("FLAC"));
    std::fs::create_dir_all(&wav).expect("mkdir");
    std::fs::create_dir_all(&flac).expect("mkdir");
    // GBAYE2400301 and 0886443927087, written by metaflac.
    std::fs::copy(
        testdata().join("flac/metaflac_isrc_barcode.flac"),
        flac.join("01.flac"),
    )
    .expect("copy");
    std::fs::copy(testdata().join("wav/no_tags.wav"), wav.join("01.wav")).expect("copy");
    let out = assert_cmd::Command::cargo_bin("isrckit")
        .expect("binary")
        .args([
            "set",
            "--isrc",
            "GBAYE2400301",
            "--barcode",
            "0886443927087",
        ])
        .arg(wav.join("01.wav"))
        .output()
        .expect("runs");
    assert!(out.status.success(), "{out:?}");
    let sheet = |catalog: &str| {
        format!(
            "CATALOG {catalog}\nTITLE \"Album\"\nFILE \"01.flac\" WAVE\n  TRACK 01 AUDIO\n    ISRC GBAYE2400301\n    INDEX 01 00:00:00\n"
        )
    };
    let rules = || -> Vec<(String, String)> {
        let out = assert_cmd::Command::cargo_bin("isrckit")
            .expect("binary")
            .args(["audit", "--format", "json", "--no-config", "--year", "2026"])
            .arg(dir.path())
            .output()
            .expect("runs");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                let p = f["path"].as_str().unwrap_or_default();
                let name = p.rsplit('/').next().unwrap_or_default();
                (
                    f["rule"].as_str().unwrap_or_default().to_string(),
                    name.to_string(),
                )
            })
            .collect()
    };
    std::fs::write(flac.join("album.cue"), sheet("0886443927087")).expect("write");
    assert_eq!(rules(), []);
    std::fs::write(flac.join("album.cue"), sheet("4006381333931")).expect("write");
    let found = rules();
    assert!(
        found.contains(&("barcode-inconsistent".to_string(), "album.cue".to_string())),
        "{found:?}"
    );
}
