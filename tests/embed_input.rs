//! `isrckit embed --manifest` on manifests as labels have them (issue 10):
//! Excel's "Unicode text" (UTF-16 with a BOM, TAB-separated), a
//! Windows-1252 CSV, file names in another Unicode normalisation than the
//! manifest's (macOS writes NFD), the column names distributors use, a
//! manifest on standard input, and manifest problems as JSON for a CI
//! script.

mod common;

use assert_cmd::Command;
use std::path::Path;

fn isrckit() -> Command {
    Command::cargo_bin("isrckit").expect("binary")
}

/// A fresh ROOT holding a copy of an untagged WAV at each relative path.
fn root_with(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    for f in files {
        let p = dir.path().join(f);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::copy(common::testdata().join("wav/no_tags.wav"), &p).expect("copy");
    }
    dir
}

/// The valid ISRCs and barcodes a file holds (sorted, distinct).
fn codes(path: &Path) -> (Vec<String>, Vec<String>) {
    let r = isrckit::read_file(path);
    let get = |k| r.distinct(k).into_iter().map(String::from).collect();
    (
        get(isrckit::CodeKind::Isrc),
        get(isrckit::CodeKind::Barcode),
    )
}

fn isrcs(path: &Path) -> Vec<String> {
    codes(path).0
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `text` as UTF-16 (little or big endian) with its byte order mark.
fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut out = if little {
        vec![0xff, 0xfe]
    } else {
        vec![0xfe, 0xff]
    };
    for u in text.encode_utf16() {
        out.extend(if little {
            u.to_le_bytes()
        } else {
            u.to_be_bytes()
        });
    }
    out
}

fn nfd(s: &str) -> String {
    // "é" is the only accented letter the tests use.
    s.replace('\u{e9}', "e\u{301}")
}

/// Excel's "Save as: Unicode text": UTF-16 LE with a BOM, TAB-separated,
/// CRLF, a `.txt` name; and the same in UTF-16 BE. Before: the bytes were
/// read as UTF-8 (lossily), the header was not recognised, exit 2.
#[test]
fn excel_unicode_text_utf16_tab_separated() {
    let dir = root_with(&["album/01 Café.wav", "album/02 Song.wav"]);
    let root = dir.path();
    let manifest = "path\tisrc\tbarcode\r\n\
                    album/01 Café.wav\tUSRC12600001\t5012345678900\r\n\
                    \"album/02 Song.wav\"\tUSRC12600002\t5012345678900\r\n";
    for (name, little, first) in [
        ("le.txt", true, "USRC12600001"),
        ("be.txt", false, "USRC12600011"),
    ] {
        let m = manifest.replace("USRC12600001", first);
        std::fs::write(root.join(name), utf16(&m, little)).expect("write");
        let out = isrckit()
            .args(["embed", "--manifest"])
            .arg(root.join(name))
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{name}: {out:?}");
        assert_eq!(
            codes(&root.join("album/01 Café.wav")),
            (vec![first.to_string()], vec!["5012345678900".to_string()]),
            "{name}"
        );
        assert_eq!(isrcs(&root.join("album/02 Song.wav")), ["USRC12600002"]);
    }
}

/// A CSV saved in Windows-1252 ("CSV (Comma delimited)" in Excel on
/// Windows) is read as Windows-1252, with a note that says so; bytes that
/// are not Windows-1252 either are refused, the encoding named. Before:
/// "Caf\u{fffd}.wav" was looked for, and not found.
#[test]
fn a_windows_1252_manifest_is_read_with_a_note() {
    let dir = root_with(&["01 Café.wav"]);
    let root = dir.path();
    let m = root.join("codes.csv");
    std::fs::write(&m, b"path;isrc\r\n01 Caf\xe9.wav;US-RC1-26-00001\r\n").expect("write");
    let out = isrckit()
        .args(["embed", "--manifest"])
        .arg(&m)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let err = text(&out.stderr);
    assert!(
        err.contains("is not UTF-8") && err.contains("Windows-1252"),
        "{err}"
    );
    assert_eq!(isrcs(&root.join("01 Café.wav")), ["USRC12600001"]);

    // 0x81 is not a Windows-1252 character: refused, nothing written.
    let before = std::fs::read(root.join("01 Café.wav")).expect("read");
    std::fs::write(&m, b"path;isrc\r\n01 Caf\xe9\x81.wav;USRC12600002\r\n").expect("write");
    let out = isrckit()
        .args(["embed", "--manifest"])
        .arg(&m)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = text(&out.stderr);
    assert!(
        err.contains("not UTF-8") && err.contains("save it as UTF-8"),
        "{err}"
    );
    assert!(err.contains("line 2"), "{err}");
    assert_eq!(
        std::fs::read(root.join("01 Café.wav")).expect("read"),
        before
    );
}

/// A file or folder named in NFD (as macOS writes names) matches a row in
/// NFC, and the other way round, for `path`, `release` and `title`.
/// Before: "does not exist under ROOT".
#[test]
fn names_match_whatever_their_unicode_normalisation() {
    let (nfc_dir, nfd_dir) = ("Café", nfd("Café"));
    let dir = root_with(&[
        &format!("{nfd_dir}/01 {nfd_dir}.wav"),
        &format!("{nfd_dir}/02 Song.wav"),
        "plain/01 Café.wav",
    ]);
    let root = dir.path();
    // On a file system that normalises names (macOS), both are one name.
    assert!(root.join(format!("{nfd_dir}/01 {nfd_dir}.wav")).exists());
    std::fs::write(
        root.join("codes.csv"),
        format!(
            "path,release,track,isrc\n\
             {nfc_dir}/01 {nfc_dir}.wav,,,USRC12600001\n\
             ,{nfc_dir},2,USRC12600002\n\
             {},plain,,USRC12600003\n",
            nfd("plain/01 Café.wav")
        ),
    )
    .expect("write");
    let out = isrckit()
        .args(["embed", "--manifest"])
        .arg(root.join("codes.csv"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        isrcs(&root.join(format!("{nfd_dir}/01 {nfd_dir}.wav"))),
        ["USRC12600001"]
    );
    assert_eq!(
        isrcs(&root.join(format!("{nfd_dir}/02 Song.wav"))),
        ["USRC12600002"]
    );
    assert_eq!(isrcs(&root.join("plain/01 Café.wav")), ["USRC12600003"]);
    // The report names the file as it is on disk.
    let stdout = text(&out.stdout);
    assert!(stdout.contains(&format!("01 {nfd_dir}.wav")), "{stdout}");
}

/// A title tag written in NFD matches a row's title in NFC.
#[test]
fn titles_match_whatever_their_unicode_normalisation() {
    if !common::require("ffmpeg", &["-version"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    let f = root.join("01 Track.wav");
    common::run(
        std::process::Command::new("ffmpeg")
            .args(["-v", "error", "-f", "lavfi", "-i", "sine=duration=0.5"])
            .args(["-metadata", &format!("title={}", nfd("Café au lait"))])
            .arg(&f),
    );
    assert_eq!(
        isrckit::read_file(&f).title.as_deref(),
        Some(nfd("Café au lait").as_str())
    );
    std::fs::write(
        root.join("codes.csv"),
        "title,isrc\ncafé AU lait,USRC12600001\n",
    )
    .expect("write");
    let out = isrckit()
        .args(["embed", "--manifest"])
        .arg(root.join("codes.csv"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(isrcs(&f), ["USRC12600001"]);
}

/// The column names labels and distributors use are read as the columns
/// they mean, in CSV and JSON; a name that is none of them is still
/// refused with a hint. Before: "unknown column" for every alias.
#[test]
fn column_aliases_distributors_use() {
    let dir = root_with(&["album/01 A.wav", "album/02 B.wav", "album/03 C.wav"]);
    let root = dir.path();
    for (name, manifest, a, b) in [
        (
            "file.csv",
            "File Name,ISRC Code,UPC\n\
             album/01 A.wav,USRC12600001,5012345678900\n\
             album/02 B.wav,USRC12600002,5012345678900\n",
            "USRC12600001",
            "USRC12600002",
        ),
        (
            "album.csv",
            "Album;Track #;isrc_code;EAN\n\
             album;1;USRC12600011;5012345678900\n\
             album;2;USRC12600012;5012345678900\n",
            "USRC12600011",
            "USRC12600012",
        ),
        (
            "aliases.json",
            r#"[{"Filename": "album/01 A.wav", "ISRC code": "USRC12600021", "GTIN": "5012345678900"},
                {"Folder": "album", "Track No": 2, "isrc": "USRC12600022", "Barcode": "5012345678900"}]"#,
            "USRC12600021",
            "USRC12600022",
        ),
    ] {
        std::fs::write(root.join(name), manifest).expect("write");
        let out = isrckit()
            .args(["embed", "--manifest"])
            .arg(root.join(name))
            .arg(root)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{name}: {out:?}");
        assert_eq!(
            codes(&root.join("album/01 A.wav")),
            (vec![a.to_string()], vec!["5012345678900".to_string()]),
            "{name}"
        );
        assert_eq!(isrcs(&root.join("album/02 B.wav")), [b], "{name}");
    }
    // Track Number, No. and Track Title / Song Title.
    std::fs::write(
        root.join("more.csv"),
        "Release Folder,No.,Track Title,isrc\nalbum,3,,USRC12600033\n",
    )
    .expect("write");
    let out = isrckit()
        .args(["embed", "--manifest"])
        .arg(root.join("more.csv"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(isrcs(&root.join("album/03 C.wav")), ["USRC12600033"]);
    // Not an alias: refused, with the hint; nothing written.
    let before = std::fs::read(root.join("album/03 C.wav")).expect("read");
    std::fs::write(
        root.join("bad.csv"),
        "path,isrc,Barcodes,Notes\nalbum/03 C.wav,USRC12600034,5012345678900,x\n",
    )
    .expect("write");
    let out = isrckit()
        .args(["embed", "--manifest"])
        .arg(root.join("bad.csv"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = text(&out.stderr);
    assert!(
        err.contains("line 1: unknown columns \"Barcodes\" (did you mean \"barcode\"?), \"Notes\""),
        "{err}"
    );
    // Two names for one column.
    std::fs::write(
        root.join("twice.csv"),
        "path,File,isrc\nalbum/03 C.wav,album/03 C.wav,USRC12600034\n",
    )
    .expect("write");
    let out = isrckit()
        .args(["embed", "--manifest"])
        .arg(root.join("twice.csv"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = text(&out.stderr);
    assert!(
        err.contains("\"path\" (column 1) and \"File\" (column 2) both name the path column"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(root.join("album/03 C.wav")).expect("read"),
        before
    );
}

/// `--manifest -` reads standard input; ROOT is then the current folder
/// unless given. Before: "-: No such file or directory".
#[test]
fn a_manifest_on_standard_input() {
    let dir = root_with(&["album/01 A.wav", "elsewhere/album/01 A.wav"]);
    let root = dir.path();
    let out = isrckit()
        .args(["embed", "--manifest", "-"])
        .current_dir(root)
        .write_stdin("path,isrc\nalbum/01 A.wav,USRC12600001\n")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(isrcs(&root.join("album/01 A.wav")), ["USRC12600001"]);
    assert!(isrcs(&root.join("elsewhere/album/01 A.wav")).is_empty());
    // With a ROOT, in UTF-16 as Excel saves it.
    let out = isrckit()
        .args(["embed", "--manifest", "-", "elsewhere"])
        .current_dir(root)
        .write_stdin(utf16(
            "path\tisrc\r\nalbum/01 A.wav\tUSRC12600002\r\n",
            true,
        ))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        isrcs(&root.join("elsewhere/album/01 A.wav")),
        ["USRC12600002"]
    );
    // Problems name standard input.
    let out = isrckit()
        .args(["embed", "--manifest", "-"])
        .current_dir(root)
        .write_stdin("path,isrc\nnope.wav,USRC12600003\n")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = text(&out.stderr);
    assert!(
        err.contains("standard input: the manifest has 1 problem")
            && err.contains("line 2: file \"nope.wav\" does not exist under ROOT"),
        "{err}"
    );
    let help = isrckit().args(["embed", "--help"]).output().expect("runs");
    let help = text(&help.stdout);
    assert!(
        help.contains("standard input") && help.contains("current folder"),
        "{help}"
    );
}

/// With `--format json`, a bad manifest is a JSON document on stdout (and
/// the same text as ever on stderr), exit 2, nothing written. Before:
/// stdout was empty.
#[test]
fn manifest_problems_as_json() {
    let dir = root_with(&["01 A.wav", "02 B.wav"]);
    let root = dir.path();
    let before = std::fs::read(root.join("01 A.wav")).expect("read");
    let m = root.join("codes.csv");
    std::fs::write(
        &m,
        "path,isrc\n01 A.wav,USRC12600001\n02 B.wav,USRC1260002\n03 C.wav,USRC12600003\n",
    )
    .expect("write");
    let out = isrckit()
        .args(["embed", "--format", "json", "--manifest"])
        .arg(&m)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(doc["schema"], "isrckit/embed-problems/1");
    assert_eq!(doc["manifest"], m.display().to_string());
    let problems: Vec<(u64, String)> = doc["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["line"].as_u64().expect("line"),
                p["message"].as_str().expect("message").to_string(),
            )
        })
        .collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(problems[0].0, 3);
    assert!(
        problems[0]
            .1
            .starts_with("ISRC \"USRC1260002\" has 11 characters"),
        "{problems:?}"
    );
    assert_eq!(
        problems[1],
        (
            4,
            "file \"03 C.wav\" does not exist under ROOT; check the path (it is relative to ROOT) or remove the row".to_string()
        )
    );
    assert!(text(&out.stderr).contains("line 3: ISRC"), "{out:?}");
    assert_eq!(std::fs::read(root.join("01 A.wav")).expect("read"), before);
    // A problem of the whole manifest has no line: null.
    std::fs::write(&m, b"[{\"path\": ").expect("write");
    let out = isrckit()
        .args(["embed", "--format", "json", "--manifest"])
        .arg(&m)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert!(doc["problems"][0]["line"].is_null(), "{doc}");
    assert!(
        doc["problems"][0]["message"]
            .as_str()
            .expect("message")
            .starts_with("the manifest is not valid JSON"),
        "{doc}"
    );
}
