//! `isrckit set` on real files: the codes land where readers look, the
//! audio bytes and every other chunk stay identical and in order, the tag
//! keeps its version and encoding, a second run changes nothing, and
//! exiftool, ffprobe and mutagen read the result.

mod common;

use assert_cmd::Command;
use common::{require, testdata};
use std::path::Path;

fn isrckit() -> Command {
    Command::cargo_bin("isrckit").expect("binary built")
}

/// RIFF/IFF chunks (id, bytes including header) of a WAV or AIFF, parsed here
/// independently of isrckit.
fn chunks(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let big = &bytes[..4] == b"FORM";
    let mut out = Vec::new();
    let mut pos = 12;
    while pos + 8 <= bytes.len() {
        let id = String::from_utf8_lossy(&bytes[pos..pos + 4]).into_owned();
        let raw = [
            bytes[pos + 4],
            bytes[pos + 5],
            bytes[pos + 6],
            bytes[pos + 7],
        ];
        let mut size = if big {
            u32::from_be_bytes(raw)
        } else {
            u32::from_le_bytes(raw)
        } as usize;
        if size == u32::MAX as usize && id == "data" {
            // RF64: the real size is in ds64 (data size at ds64 body + 8).
            size = u64::from_le_bytes(bytes[28..36].try_into().expect("ds64")) as usize;
        }
        let end = (pos + 8 + size + (size & 1)).min(bytes.len());
        out.push((id, bytes[pos..end].to_vec()));
        pos = end;
    }
    out
}

fn is_tag_chunk(id: &str, body: &[u8]) -> bool {
    matches!(id, "id3 " | "ID3 " | "iXML" | "axml" | "aXML" | "ds64")
        || (id == "LIST" && body.get(8..12) == Some(b"INFO"))
}

/// ffmpeg decodes the file without a word on stderr.
fn decodes_cleanly(path: &Path, case: &str) {
    let out = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-f", "null", "-"])
        .output()
        .expect("ffmpeg");
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{case}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn set(path: &Path, args: &[&str]) -> String {
    let out = isrckit()
        .arg("set")
        .args(args)
        .arg(path)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

const CASES: &[&str] = &[
    "wav/mutagen_id3v23_utf16.wav",
    "wav/mutagen_id3v24_latin1.wav",
    "wav/kid3_default_ID3_chunk.wav",
    "wav/ffmpeg_info_isrc.wav",
    "wav/conflict_info_vs_id3.wav",
    "wav/bwf_bext_odd_info_isrc.wav",
    "wav/ixml_aswg_isrc.wav",
    "wav/axml_ebucore_isrc.wav",
    "wav/rf64_ffmpeg_info.wav",
    "wav/no_tags.wav",
    "aiff/mutagen_id3v23_utf16.aifc",
    "aiff/kid3_id3.aiff",
    "aiff/no_tags.aiff",
    "mp3/mutagen_utf16_v23.mp3",
    "mp3/mutagen_utf16be_v24.mp3",
    "mp3/ffmpeg_default_v24.mp3",
    "mp3/id3v2_tool_v23_with_v1.mp3",
    "mp3/no_tags.mp3",
    "mp3/apev2_only.mp3",
    "flac/metaflac_isrc_barcode.flac",
    "flac/metaflac_lowercase_keys.flac",
    "flac/metaflac_two_isrc_conflict.flac",
    "flac/metaflac_upc_alias.flac",
    "flac/cuesheet_cdda.flac",
    "flac/id3v2_before_flac.flac",
    "flac/ffmpeg_isrc_barcode.flac",
    "mp4/mutagen_freeform_isrc_barcode.m4a",
    "mp4/mutagen_freeform_upc.m4a",
    "mp4/kid3_freeform.m4a",
    "mp4/ffmpeg_mdta_keys.m4a",
    "mp4/atomicparsley_xid.m4a",
    "mp4/ffmpeg_plain_isrc_dropped.m4a",
];

#[test]
fn set_writes_codes_and_keeps_everything_else() {
    let dir = tempfile::tempdir().expect("tmp");
    for case in CASES {
        let path = dir.path().join(case.replace('/', "_"));
        std::fs::copy(testdata().join(case), &path).expect("copy");
        let before_bytes = std::fs::read(&path).expect("read");
        let before = isrckit::read_file(&path);
        set(
            &path,
            &["--isrc", "us-rc1-76-07839", "--barcode", "075678164125"],
        );
        let after_bytes = std::fs::read(&path).expect("read");
        let after = isrckit::read_file(&path);
        assert!(after.error.is_none(), "{case}: {:?}", after.error);
        // Every ISRC and barcode site holds the new code: none stale.
        assert_eq!(
            after.distinct(isrckit::CodeKind::Isrc),
            ["USRC17607839"],
            "{case}"
        );
        assert_eq!(
            after.distinct(isrckit::CodeKind::Barcode),
            ["0075678164125"],
            "{case}"
        );
        assert!(after.codes.iter().all(|c| c.valid), "{case}");
        let stale: Vec<_> = after
            .codes
            .iter()
            .filter(|c| c.location.track.is_none())
            .filter(|c| !matches!(c.value.as_deref(), Some("USRC17607839" | "0075678164125")))
            .collect();
        assert!(stale.is_empty(), "{case}: stale {stale:?}");
        // The audio payload is byte for byte the same.
        let (a, b) = (
            before.audio.as_ref().expect("audio"),
            after.audio.as_ref().expect("audio"),
        );
        let slice = |bytes: &[u8], off: Option<u64>, len: Option<u64>| {
            let (o, l) = (off.expect("offset") as usize, len.expect("len") as usize);
            bytes[o..o + l].to_vec()
        };
        assert_eq!(
            slice(&before_bytes, a.payload_offset, a.payload_len),
            slice(&after_bytes, b.payload_offset, b.payload_len),
            "{case}: audio changed"
        );
        // Tag version and text encoding of an existing TSRC are kept.
        for old in before.codes.iter().filter(|c| c.location.field == "TSRC") {
            let new = after
                .codes
                .iter()
                .find(|c| c.location.field == "TSRC" && c.location.chunk == old.location.chunk)
                .expect("TSRC kept");
            assert_eq!(new.location.version, old.location.version, "{case}");
            assert_eq!(new.location.encoding, old.location.encoding, "{case}");
        }
        // Every other chunk is identical and in the same order.
        if case.starts_with("wav/") || case.starts_with("aiff/") {
            let keep = |c: &[(String, Vec<u8>)]| -> Vec<(String, Vec<u8>)> {
                c.iter()
                    .filter(|(id, b)| !is_tag_chunk(id, b))
                    .cloned()
                    .collect()
            };
            assert_eq!(
                keep(&chunks(&before_bytes)),
                keep(&chunks(&after_bytes)),
                "{case}: other chunks"
            );
        } else {
            // MP3, FLAC: everything from the first audio frame on is kept;
            // MP4: the mdat content (the payload) was compared above.
            // (An APE tail tag holds codes too, so it changes as well.)
            let ape = before
                .codes
                .iter()
                .any(|c| c.location.tag == isrckit::TagFormat::Ape);
            if !case.starts_with("mp4/") && !ape {
                let tail = |bytes: &[u8], off: Option<u64>| {
                    bytes[off.expect("offset") as usize..].to_vec()
                };
                assert_eq!(
                    tail(&before_bytes, a.payload_offset),
                    tail(&after_bytes, b.payload_offset),
                    "{case}"
                );
            }
        }
        // Idempotent: a second run leaves every byte.
        let text = set(
            &path,
            &["--isrc", "USRC17607839", "--barcode", "075678164125"],
        );
        assert!(text.contains("unchanged"), "{case}: {text}");
        assert_eq!(
            std::fs::read(&path).expect("read"),
            after_bytes,
            "{case}: second run changed bytes"
        );
    }
    // No temp file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("ls")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".isrckit-tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn tools_read_what_set_wrote() {
    if !require("ffprobe", &["-version"])
        || !require("exiftool", &["-ver"])
        || !require("/usr/bin/python3", &["-c", "import mutagen"])
    {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    for case in [
        "wav/no_tags.wav",
        "wav/mutagen_id3v23_utf16.wav",
        "aiff/no_tags.aiff",
        "mp3/no_tags.mp3",
        "mp3/mutagen_utf16_v23.mp3",
    ] {
        let path = dir.path().join(case.replace('/', "_"));
        std::fs::copy(testdata().join(case), &path).expect("copy");
        set(
            &path,
            &["--isrc", "USRC17607839", "--barcode", "075678164125"],
        );
        // ffmpeg decodes it without a complaint.
        decodes_cleanly(&path, case);
        // exiftool sees TSRC and TXXX:BARCODE.
        let exif = common::run(
            std::process::Command::new("exiftool")
                .args(["-s", "-ISRC", "-UserDefinedText"])
                .arg(&path),
        );
        assert!(
            exif.contains("USRC17607839") && exif.contains("(BARCODE) 075678164125"),
            "{case}: {exif}"
        );
        // mutagen sees them.
        let py = "import sys, mutagen; f = mutagen.File(sys.argv[1]); print(f.tags['TSRC'], f.tags['TXXX:BARCODE'])";
        let mu = common::run(
            std::process::Command::new("/usr/bin/python3")
                .args(["-c", py])
                .arg(&path),
        );
        assert_eq!(mu.trim(), "USRC17607839 075678164125", "{case}");
        // ffprobe sees the ISRC (it reads ID3 in WAV, AIFF and MP3).
        let probe = common::run(
            std::process::Command::new("ffprobe")
                .args(["-v", "error", "-show_format"])
                .arg(&path),
        );
        assert!(probe.contains("USRC17607839"), "{case}: {probe}");
    }
}

#[test]
fn flac_tools_read_what_set_wrote() {
    if !require("flac", &["--version"]) || !require("metaflac", &["--version"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    for case in [
        "flac/metaflac_lowercase_keys.flac",
        "flac/cuesheet_cdda.flac",
        "flac/id3v2_before_flac.flac",
    ] {
        let path = dir.path().join(case.replace('/', "_"));
        std::fs::copy(testdata().join(case), &path).expect("copy");
        set(
            &path,
            &["--isrc", "USRC17607839", "--barcode", "075678164125"],
        );
        // The decoder checks every frame and the stream's MD5.
        common::run(
            std::process::Command::new("flac")
                .args(["-s", "-t"])
                .arg(&path),
        );
        let tags = common::run(
            std::process::Command::new("metaflac")
                .arg("--export-tags-to=-")
                .arg(&path),
        );
        let isrcs: Vec<&str> = tags
            .lines()
            .filter(|l| l.to_ascii_uppercase().starts_with("ISRC="))
            .collect();
        assert!(
            !isrcs.is_empty() && isrcs.iter().all(|l| l.ends_with("=USRC17607839")),
            "{case}: {tags}"
        );
    }
}

#[test]
fn mp4_tools_read_what_set_wrote() {
    if !require("ffprobe", &["-version"]) || !require("/usr/bin/python3", &["-c", "import mutagen"])
    {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    for case in [
        "mp4/ffmpeg_plain_isrc_dropped.m4a",
        "mp4/mutagen_freeform_upc.m4a",
        "mp4/ffmpeg_mdta_keys.m4a",
    ] {
        let path = dir.path().join(case.replace('/', "_"));
        std::fs::copy(testdata().join(case), &path).expect("copy");
        set(
            &path,
            &["--isrc", "USRC17607839", "--barcode", "075678164125"],
        );
        decodes_cleanly(&path, case);
        let py = "import sys, mutagen; f = mutagen.File(sys.argv[1]); print(bytes(f.tags['----:com.apple.iTunes:ISRC'][0]).decode(), bytes(f.tags['----:com.apple.iTunes:BARCODE'][0]).decode())";
        let mu = common::run(
            std::process::Command::new("/usr/bin/python3")
                .args(["-c", py])
                .arg(&path),
        );
        assert_eq!(mu.trim(), "USRC17607839 075678164125", "{case}");
        let probe = common::run(
            std::process::Command::new("ffprobe")
                .args(["-v", "error", "-show_format"])
                .arg(&path),
        );
        assert!(probe.contains("USRC17607839"), "{case}: {probe}");
    }
}

#[test]
fn targets_add_info_ixml_axml() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("m.wav");
    std::fs::copy(testdata().join("wav/no_tags.wav"), &path).expect("copy");
    set(&path, &["--isrc", "USRC17607839", "--targets", "wav:all"]);
    let r = isrckit::read_file(&path);
    let mut places: Vec<String> = r
        .codes
        .iter()
        .map(|c| format!("{} {}", c.location.tag.name(), c.location.field))
        .collect();
    places.sort();
    assert_eq!(
        places,
        [
            "axml ebucore:identifier[ISRC]",
            "id3v2 TSRC",
            "ixml ASWG/isrcId",
            "riff-info ISRC"
        ]
    );
    assert!(r.codes.iter().all(|c| c.raw == "USRC17607839"));
}

#[test]
fn bad_input_writes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let good = dir.path().join("good.mp3");
    let bad = dir.path().join("bad.wav");
    std::fs::copy(testdata().join("mp3/no_tags.mp3"), &good).expect("copy");
    std::fs::copy(testdata().join("damaged/wav_cut_in_data_header.wav"), &bad).expect("copy");
    let before = std::fs::read(&good).expect("read");
    // One damaged file: nothing is written, the reason is named.
    let out = isrckit()
        .args(["set", "--isrc", "USRC17607839"])
        .arg(&good)
        .arg(&bad)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("bad.wav") && text.contains("damaged"),
        "{text}"
    );
    assert_eq!(
        std::fs::read(&good).expect("read"),
        before,
        "nothing written"
    );
    // Invalid codes and folders with --isrc are usage errors.
    isrckit()
        .args(["set", "--isrc", "XX1234567890"])
        .arg(&good)
        .assert()
        .code(2);
    isrckit()
        .args(["set", "--barcode", "075678164124"])
        .arg(&good)
        .assert()
        .code(2);
    isrckit()
        .args(["set", "--isrc", "USRC17607839"])
        .arg(dir.path())
        .assert()
        .code(2);
    isrckit()
        .args(["set", "--isrc", "USRC17607839", "--targets", "wav:bext"])
        .arg(&good)
        .assert()
        .code(2);
    assert_eq!(std::fs::read(&good).expect("read"), before);
}

#[test]
fn barcode_for_a_whole_release_folder() {
    let dir = tempfile::tempdir().expect("tmp");
    let rel = dir.path().join("album");
    std::fs::create_dir(&rel).expect("mkdir");
    for (i, s) in [
        "mp3/kid3_v23.mp3",
        "wav/mutagen_id3v24_latin1.wav",
        "aiff/kid3_id3.aiff",
    ]
    .iter()
    .enumerate()
    {
        std::fs::copy(
            testdata().join(s),
            rel.join(format!("0{i}-{}", s.replace('/', "_"))),
        )
        .expect("copy");
    }
    std::fs::write(rel.join("notes.txt"), "liner notes").expect("write");
    set(&rel, &["--barcode", "4006381333931"]);
    for f in std::fs::read_dir(&rel).expect("ls").flatten() {
        let r = isrckit::read_file(f.path());
        if r.container.is_some() {
            assert_eq!(
                r.distinct(isrckit::CodeKind::Barcode),
                ["4006381333931"],
                "{:?}",
                f.path()
            );
        }
    }
    assert_eq!(
        std::fs::read_to_string(rel.join("notes.txt")).expect("read"),
        "liner notes"
    );
}

#[cfg(unix)]
#[test]
fn a_code_of_the_same_length_is_written_in_place() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().expect("tmp");
    for case in [
        "wav/kid3_default_ID3_chunk.wav",
        "aiff/kid3_id3.aiff",
        "mp3/mutagen_utf16_v23.mp3",
        "mp3/kid3_v23.mp3",
        "flac/metaflac_isrc_barcode.flac",
        "mp4/mutagen_freeform_isrc_barcode.m4a",
    ] {
        let path = dir.path().join(case.replace('/', "_"));
        std::fs::copy(testdata().join(case), &path).expect("copy");
        let before = std::fs::read(&path).expect("read");
        let inode = std::fs::metadata(&path).expect("meta").ino();
        set(&path, &["--isrc", "GBAYE6800011"]);
        let after = std::fs::read(&path).expect("read");
        // The same file (no temp file renamed over it), the same length,
        // and the bytes that differ all lie in one 4 KiB page.
        assert_eq!(
            std::fs::metadata(&path).expect("meta").ino(),
            inode,
            "{case}: not in place"
        );
        assert_eq!(after.len(), before.len(), "{case}");
        let diff: Vec<usize> = before
            .iter()
            .zip(&after)
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(i, _)| i)
            .collect();
        assert!(
            !diff.is_empty() && diff[diff.len() - 1] / 4096 == diff[0] / 4096,
            "{case}: {diff:?}"
        );
        let r = isrckit::read_file(&path);
        assert!(r.error.is_none(), "{case}");
        assert_eq!(
            r.distinct(isrckit::CodeKind::Isrc),
            ["GBAYE6800011"],
            "{case}"
        );
    }
}

#[cfg(unix)]
#[test]
fn an_edit_across_a_page_boundary_goes_through_a_temp_file() {
    use std::os::unix::fs::MetadataExt;
    // mutagen's tag puts this TSRC text across byte 4096.
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("m.wav");
    std::fs::copy(testdata().join("wav/mutagen_id3v23_utf16.wav"), &path).expect("copy");
    let inode = std::fs::metadata(&path).expect("meta").ino();
    set(&path, &["--isrc", "GBAYE6800011"]);
    assert_ne!(
        std::fs::metadata(&path).expect("meta").ino(),
        inode,
        "replaced, not patched"
    );
    let r = isrckit::read_file(&path);
    assert_eq!(r.distinct(isrckit::CodeKind::Isrc), ["GBAYE6800011"]);
}

#[test]
fn set_reports_as_csv_and_json() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("a, b.mp3");
    std::fs::copy(testdata().join("mp3/kid3_v23.mp3"), &path).expect("copy");
    let csv = set(
        &path,
        &["--isrc", "GBAYE6800011", "--dry-run", "--format", "csv"],
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "path,status,kind,location,old,new,error");
    assert_eq!(
        lines[1],
        format!(
            "\"{}\",planned,isrc,head › ID3v2.3 TSRC,ZZ0AB2400409,GBAYE6800011,",
            path.display()
        )
    );
    let json = set(&path, &["--isrc", "GBAYE6800011", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(doc["schema"], "isrckit/embed/1");
    assert_eq!(doc["files"][0]["status"], "written");
    assert_eq!(doc["files"][0]["changes"][0]["old"], "ZZ0AB2400409");
    assert_eq!(doc["summary"]["written"], 1);
}
