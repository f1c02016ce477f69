//! The same files read by isrckit, exiftool and mutagen: where a tool can
//! read a location, it and isrckit must see the same codes there, both ways.
//! (ffprobe reads too little of these locations to compare: it drops ID3
//! when INFO exists and shows one value of a multi-value frame.)

mod common;

use common::{require, run, testdata};
use isrckit::{CodeSite, Container, FileReport, TagFormat};
use std::collections::BTreeMap;
use std::process::Command;

/// The sample files that are not deliberately damaged, relative to testdata/.
fn samples() -> Vec<String> {
    let (files, _) = isrckit::walk::collect(&[testdata()], &isrckit::walk::Filter::default());
    files
        .iter()
        .filter_map(|f| f.strip_prefix(testdata()).ok())
        .map(|f| f.to_string_lossy().into_owned())
        .filter(|f| {
            ["wav/", "aiff/", "flac/", "mp3/", "mp4/"]
                .iter()
                .any(|d| f.starts_with(d))
        })
        .collect()
}

fn ours(file: &str) -> FileReport {
    isrckit::read_file(testdata().join(file))
}

/// RF64 and BW64 are opened by neither mutagen nor (BW64) exiftool.
fn is_large_wav(r: &FileReport) -> bool {
    r.format
        .as_deref()
        .is_some_and(|f| f.starts_with("RF64") || f.starts_with("BW64"))
}

/// The code text as compared: an `xid ` item's `Provider:isrc:CODE` is its CODE.
fn code_part(v: &str) -> &str {
    v.rsplit_once(":isrc:").map_or(v, |(_, c)| c)
}

#[test]
fn mutagen_and_isrckit_agree() {
    if !require("/usr/bin/python3", &["-c", "import mutagen"]) {
        return;
    }
    let files = samples();
    let out = run(Command::new("/usr/bin/python3")
        .current_dir(testdata())
        .arg("mutagen_sites.py")
        .args(&files));
    // path -> [(tag, field, version, encoding, raw)]
    let mut seen: BTreeMap<String, Vec<[String; 5]>> = BTreeMap::new();
    for line in out.lines() {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 6 || c[1] == "error" {
            continue;
        }
        seen.entry(c[0].to_string())
            .or_default()
            .push([c[1], c[2], c[3], c[4], c[5]].map(str::to_string));
    }
    let mut failures = Vec::new();
    for file in &files {
        let report = ours(file);
        let theirs = seen.get(file).cloned().unwrap_or_default();
        let same = |s: &CodeSite, m: &[String; 5]| {
            let field = if m[0] == "ilst" && m[1] == "xid " {
                "xid :isrc"
            } else {
                m[1].as_str()
            };
            let tag = if m[1] == "xid " { "xid" } else { m[0].as_str() };
            s.location.tag.name() == tag
                && s.location.field == field
                && s.location.version.as_deref().unwrap_or("") == m[2]
                && s.location.encoding.as_deref().unwrap_or("") == m[3]
                && s.raw == code_part(&m[4])
        };
        // mutagen -> isrckit: every code field mutagen shows, isrckit shows.
        for m in &theirs {
            let tag = match m[0].as_str() {
                "id3v2" => TagFormat::Id3v2,
                "vorbis" => TagFormat::Vorbis,
                "cuesheet" => TagFormat::Cuesheet,
                "ape" => TagFormat::Ape,
                "ilst" if m[1] == "xid " => TagFormat::Xid,
                "ilst" => TagFormat::Ilst,
                _ => continue,
            };
            let key = if tag == TagFormat::Xid {
                "xid :isrc"
            } else {
                m[1].as_str()
            };
            let Some(spec) = isrckit::keys::lookup(tag, key) else {
                continue; // not a code field (a title, a comment)
            };
            if !spec.holds_code(&m[4]) {
                continue;
            }
            if !report.codes.iter().any(|s| same(s, m)) {
                failures.push(format!("{file}: mutagen shows {m:?}; isrckit does not"));
            }
        }
        // isrckit -> mutagen: every site in a place mutagen reads, mutagen shows.
        if is_large_wav(&report) {
            continue;
        }
        for s in &report.codes {
            let mutagen_reads = matches!(
                s.location.tag,
                TagFormat::Id3v2
                    | TagFormat::Vorbis
                    | TagFormat::Cuesheet
                    | TagFormat::Ape
                    | TagFormat::Ilst
                    | TagFormat::Xid
            );
            if mutagen_reads && !theirs.iter().any(|m| same(s, m)) {
                failures.push(format!(
                    "{file}: isrckit shows {} {:?} at {}; mutagen does not",
                    s.kind,
                    s.raw,
                    s.location.describe()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The values of the `ISRC:` entries in a bext Description as exiftool
/// prints it (line breaks shown as '.'): an entry starts the text or follows
/// a ';' or a line break, and its value runs to the next ';', space, or
/// line break before another `KEY:`.
fn bext_entries(description: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lower = description.to_ascii_lowercase();
    for (at, _) in lower.match_indices("isrc:") {
        let before = description[..at].trim_end_matches([' ', '\t']);
        if !(before.is_empty() || before.ends_with([';', '.'])) {
            continue;
        }
        let value: String = description[at + 5..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if !value.is_empty() {
            out.push(value);
        }
    }
    out
}

/// Code-like values exiftool prints, per file, from its text output
/// (`-a -G1 -s`: one line per tag, duplicates kept, which its JSON cannot do).
fn exiftool_codes(text: &str) -> BTreeMap<String, Vec<String>> {
    const NAMES: &[&str] = &[
        "isrc",
        "isrcnumber",
        "barcode",
        "upc",
        "ean",
        "source",
        "unknown_xid",
        "bwfxmlaswgisrcid",
        "ebucoremaincoremetadataidentifieridentifier",
    ];
    // Fields that hold an ISRC only sometimes (INFO ISRC is "Source" by the
    // RIFF spec; an aXML document holds other identifiers): a value counts
    // when it has an ISRC's shape, as isrckit decides.
    const SOMETIMES: &[&str] = &["source", "ebucoremaincoremetadataidentifieridentifier"];
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut file = String::new();
    for line in text.lines() {
        if let Some(f) = line.strip_prefix("======== ") {
            file = f.trim().to_string();
            continue;
        }
        // "[Group]         TagName                         : value"
        let Some((_, rest)) = line.split_once(']') else {
            continue;
        };
        let Some((name, value)) = rest.split_once(':') else {
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        let value = value.strip_prefix(' ').unwrap_or(value);
        let codes = out.entry(file.clone()).or_default();
        if name == "userdefinedtext" {
            // "(DESCRIPTION) value"
            if let Some((desc, v)) = value.strip_prefix('(').and_then(|t| t.split_once(") ")) {
                let d = desc.to_ascii_uppercase();
                if ["ISRC", "BARCODE", "UPC", "EAN"].contains(&d.as_str()) {
                    codes.push(v.to_string());
                }
            }
        } else if name == "description" && line.starts_with("[RIFF]") {
            codes.extend(bext_entries(value));
        } else if SOMETIMES.contains(&name.as_str()) && !isrckit::codes::has_isrc_shape(value) {
            continue;
        } else if NAMES.contains(&name.as_str()) {
            // ID3v2.4 multi-value frames come joined with '/'.
            codes.extend(value.split('/').map(|v| code_part(v).to_string()));
        }
    }
    out
}

#[test]
fn exiftool_and_isrckit_agree() {
    if !require("exiftool", &["-ver"]) {
        return;
    }
    let files = samples();
    // exiftool exits 1 when it cannot read a file (it does not know BW64);
    // it still prints the others.
    let out = Command::new("exiftool")
        .current_dir(testdata())
        .args(["-a", "-G1", "-s", "-u"])
        .args(&files)
        .output()
        .expect("run exiftool");
    let seen = exiftool_codes(&String::from_utf8_lossy(&out.stdout));
    let mut failures = Vec::new();
    for file in &files {
        let report = ours(file);
        let Some(theirs) = seen.get(file) else {
            assert!(is_large_wav(&report), "exiftool printed nothing for {file}");
            continue;
        };
        // exiftool -> isrckit
        for v in theirs {
            if !report.codes.iter().any(|s| &s.raw == v) {
                failures.push(format!("{file}: exiftool shows {v:?}; isrckit does not"));
            }
        }
        // isrckit -> exiftool, where exiftool reads the place: not 'ID3 '
        // (uppercase) WAV chunks, not BW64, not CUESHEET (binary to it).
        for s in &report.codes {
            let exif_reads = match s.location.tag {
                TagFormat::Id3v2 => {
                    s.location.container != Container::Wav
                        || (s.location.chunk.as_deref() == Some("id3 ") && !is_large_wav(&report))
                }
                TagFormat::Cuesheet => false,
                _ => !report
                    .format
                    .as_deref()
                    .is_some_and(|f| f.starts_with("BW64")),
            };
            if exif_reads && !theirs.contains(&s.raw) {
                failures.push(format!(
                    "{file}: isrckit shows {} {:?} at {}; exiftool does not",
                    s.kind,
                    s.raw,
                    s.location.describe()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every WAV location `isrckit set` writes is one exiftool reads: the
/// `id3 ` chunk (not `ID3 `), LIST/INFO `ISRC` (as Source), iXML, and the
/// aXML chunk, which exiftool 12.57 reads only when spelled `aXML`.
#[test]
fn exiftool_reads_every_wav_location_set_writes() {
    if !require("exiftool", &["-ver"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("all.wav");
    std::fs::copy(testdata().join("wav/no_tags.wav"), &path).expect("copy");
    let out = assert_cmd::Command::cargo_bin("isrckit")
        .expect("binary")
        .args(["set", "--isrc", "USRC17607839", "--barcode", "075678164125"])
        .args(["--targets", "wav:all"])
        .arg(&path)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{out:?}");
    let text = run(Command::new("exiftool")
        .args(["-a", "-G1", "-s", "-u"])
        .arg(&path));
    for (group, name, value) in [
        ("[ID3v2_3]", "ISRC", "USRC17607839"),
        ("[ID3v2_3]", "UserDefinedText", "(BARCODE) 075678164125"),
        ("[RIFF]", "Source", "USRC17607839"),
        ("[XML]", "BwfxmlAswgIsrcId", "USRC17607839"),
        (
            "[XML-ebucore]",
            "EbuCoreMainCoreMetadataIdentifierIdentifier",
            "USRC17607839",
        ),
    ] {
        assert!(
            text.lines().any(|l| l.starts_with(group)
                && l.contains(name)
                && l.trim_end().ends_with(&format!(": {value}"))),
            "exiftool does not show {group} {name} {value}:\n{text}"
        );
    }
    assert!(
        !text.contains("Unknown_"),
        "a chunk exiftool skips:\n{text}"
    );
}

/// CUE sheets and TOC files: cuetools' parser (`cueconvert -o cue` prints
/// the sheet it read) and isrckit see the same codes in the same tracks,
/// both ways: CATALOG and UPC_EAN at disc level, ISRC per track (a TOC's
/// CD-TEXT `UPC_EAN` is printed as the sheet's `UPC_EAN`).
#[test]
fn cuetools_and_isrckit_agree_on_sheets() {
    if !require("cueconvert", &["-h"]) {
        return;
    }
    let dir = testdata().join("cue");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("testdata/cue")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= 4, "{files:?}");
    let mut compared = 0;
    for path in files {
        let from = if path.extension().is_some_and(|e| e == "toc") {
            "toc"
        } else {
            "cue"
        };
        let text = run(Command::new("cueconvert")
            .args(["-i", from, "-o", "cue"])
            .arg(&path));
        // (track, keyword, value) as cuetools read them.
        let mut theirs = Vec::new();
        let mut track = None;
        for line in text.lines() {
            let mut words = line.split_whitespace();
            let (Some(kw), Some(v)) = (words.next(), words.next()) else {
                continue;
            };
            let v = v.trim_matches('"').to_string();
            match kw {
                "TRACK" => track = v.parse::<u32>().ok(),
                "ISRC" => theirs.push((track, "ISRC".to_string(), v)),
                "CATALOG" | "UPC_EAN" => theirs.push((None, kw.to_string(), v)),
                _ => {}
            }
        }
        let report = isrckit::read_file(&path);
        assert_eq!(report.container, Some(Container::Cue), "{}", path.display());
        let mut ours: Vec<(Option<u32>, String, String)> = report
            .codes
            .iter()
            .map(|s| {
                let key = s.location.field.rsplit('/').next().unwrap_or_default();
                (s.location.track, key.to_ascii_uppercase(), s.raw.clone())
            })
            .collect();
        theirs.sort();
        ours.sort();
        assert_eq!(ours, theirs, "{}", path.display());
        compared += ours.len();
    }
    assert!(compared >= 11, "{compared} sites compared");
}
