//! `verify`, the check a temp copy must pass before it replaces the
//! original: on real sample masters, a correct copy made by the normal
//! planning path passes, and the same copy with one byte changed in the
//! audio, or in a part of the file other than the tags, is refused. Then
//! the same through `commit`: a plan that would write such a file is
//! refused and leaves the original byte for byte and no temp file.

use super::{Policy, Prepared, commit, prepare, verify};
use crate::codes::{Gtin, Isrc};
use crate::plan::{Codes, Piece, Targets};
use crate::write::master::Master;
use crate::write::safe::{self, VerifyError};
use std::fs::File;
use std::path::{Path, PathBuf};

/// Codes every sample below lacks, so each write has something to do.
fn codes() -> Codes {
    Codes {
        isrc: Some(Isrc::parse("FRZ032400416").expect("valid ISRC")),
        barcode: Some(Gtin::parse("4006381333931").expect("valid EAN-13")),
        ..Default::default()
    }
}

/// A copy of a testdata sample in a fresh folder, planned.
fn prepared(sample: &str) -> (tempfile::TempDir, Prepared) {
    let dir = tempfile::tempdir().expect("temp dir");
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(sample);
    let name = from.file_name().expect("sample name");
    let path = dir.path().join(name);
    std::fs::copy(&from, &path).expect("copy sample");
    let p =
        prepare(&path, &codes(), &Targets::default(), Policy::default()).expect("plan the write");
    assert!(p.plan.is_some(), "{sample}: nothing to write");
    (dir, p)
}

/// The temp file the safe writer assembles from the plan, kept aside
/// (the writer's own check is told to refuse it, so the original stays).
fn temp_copy(p: &Prepared, dir: &Path) -> PathBuf {
    use std::io::{Seek, SeekFrom};
    let copy = dir.join("assembled.copy");
    let plan = p.plan.as_ref().expect("plan");
    let m = Master::open_locked(&p.target).expect("open the master");
    let e = safe::replace(
        &m,
        &plan.pieces,
        &mut |temp| {
            let fail = |e: std::io::Error| VerifyError::Layout(e.to_string());
            let mut temp = temp;
            temp.seek(SeekFrom::Start(0)).map_err(fail)?;
            let mut out = File::create(&copy).map_err(fail)?;
            std::io::copy(&mut temp, &mut out).map_err(fail)?;
            Err(VerifyError::Layout("kept aside".into()))
        },
        true,
    )
    .expect_err("the stand-in check refuses");
    assert!(e.to_string().contains("kept aside"), "{e}");
    copy
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .unwrap_or_else(|| panic!("{:?} not found", String::from_utf8_lossy(needle)))
}

fn flip(path: &Path, at: usize) {
    let mut b = std::fs::read(path).expect("read copy");
    b[at] ^= 0x5a;
    std::fs::write(path, b).expect("write copy");
}

/// `verify` of two files named by path.
fn check(p: &Prepared, copy: &Path) -> Result<(), VerifyError> {
    let original = File::open(&p.target).expect("open the original");
    let copy = File::open(copy).expect("open the copy");
    verify(&original, &copy, &p.target, &p.before, &codes())
}

/// The middle byte of a file's audio payload.
fn audio_byte(path: &Path) -> usize {
    let r = crate::read_file(path);
    let a = r.audio.expect("audio properties");
    let (off, len) = (
        a.payload_offset.expect("payload offset"),
        a.payload_len.expect("payload length"),
    );
    (off + len / 2) as usize
}

/// A byte inside a part of the file that holds no tag, for each sample:
/// the BWF `bext` description, the FLAC STREAMINFO MD5 signature, a FLAC
/// CUESHEET's track ISRC, the MP4 `ftyp` minor version. (An MP3 has no such part: its frames are the
/// audio.)
fn other_part_byte(sample: &str, bytes: &[u8]) -> usize {
    match sample {
        "wav/bwf_bext_id3.wav" => find(bytes, b"bext") + 8 + 10,
        "flac/kid3.flac" => find(bytes, b"fLaC") + 4 + 4 + 18 + 5,
        // A track's ISRC in a CUESHEET: the write changes the catalog
        // number of that block (the barcode), never the tracks.
        "flac/cuesheet_cdda.flac" => find(bytes, b"DEA842400308") + 3,
        "mp4/mutagen_freeform_isrc_barcode.m4a" => find(bytes, b"ftyp") + 4 + 4 + 3,
        _ => panic!("no other part chosen for {sample}"),
    }
}

const SAMPLES: &[&str] = &[
    "wav/bwf_bext_id3.wav",
    "flac/kid3.flac",
    "flac/cuesheet_cdda.flac",
    "mp4/mutagen_freeform_isrc_barcode.m4a",
];

#[test]
fn a_correct_copy_passes() {
    for sample in SAMPLES
        .iter()
        .chain(&["mp3/no_tags.mp3", "aiff/no_tags.aiff"])
    {
        let (dir, p) = prepared(sample);
        let copy = temp_copy(&p, dir.path());
        check(&p, &copy).unwrap_or_else(|e| panic!("{sample}: a correct copy is refused: {e}"));
    }
}

#[test]
fn one_changed_audio_byte_is_refused() {
    for sample in SAMPLES
        .iter()
        .chain(&["mp3/no_tags.mp3", "aiff/no_tags.aiff"])
    {
        let (dir, p) = prepared(sample);
        let copy = temp_copy(&p, dir.path());
        flip(&copy, audio_byte(&copy));
        let e =
            check(&p, &copy).expect_err(&format!("{sample}: a changed audio byte must be refused"));
        assert!(matches!(e, VerifyError::AudioDiffers(_)), "{sample}: {e}");
    }
}

#[test]
fn one_changed_byte_of_another_part_is_refused() {
    for sample in SAMPLES {
        let (dir, p) = prepared(sample);
        let copy = temp_copy(&p, dir.path());
        let bytes = std::fs::read(&copy).expect("read copy");
        let at = other_part_byte(sample, &bytes);
        flip(&copy, at);
        // Still a clean read with the new codes: only the check of the
        // other parts can catch it.
        let r = crate::read_file(&copy);
        assert!(r.error.is_none(), "{sample}: {:?}", r.error);
        check(&p, &copy).expect_err(&format!(
            "{sample}: a changed byte at {at}, outside tags and audio, must be refused"
        ));
    }
}

/// The plan with one byte of the new file changed at `at`: the piece that
/// puts that byte is split around it, so the layout stays the same.
fn corrupt_plan(p: &mut Prepared, at: u64, original: &[u8]) {
    let plan = p.plan.as_mut().expect("plan");
    let mut out = Vec::new();
    let mut pos = 0u64;
    for piece in plan.pieces.drain(..) {
        let len = piece.len();
        if !(pos..pos + len).contains(&at) {
            out.push(piece);
            pos += len;
            continue;
        }
        let k = at - pos;
        match piece {
            Piece::Copy { offset, len } => {
                let old = original[(offset + k) as usize];
                out.push(Piece::Copy { offset, len: k });
                out.push(Piece::Bytes(vec![old ^ 0x5a]));
                out.push(Piece::Copy {
                    offset: offset + k + 1,
                    len: len - k - 1,
                });
            }
            Piece::Bytes(mut b) => {
                b[k as usize] ^= 0x5a;
                out.push(Piece::Bytes(b));
            }
        }
        pos += len;
    }
    plan.pieces = out;
}

#[test]
fn commit_refuses_a_bad_plan_and_leaves_the_original_and_no_temp() {
    for sample in SAMPLES {
        for what in ["audio", "other part"] {
            let (dir, mut p) = prepared(sample);
            let copy = temp_copy(&p, dir.path());
            let assembled = std::fs::read(&copy).expect("read copy");
            std::fs::remove_file(&copy).expect("remove copy");
            let at = match what {
                "audio" => audio_byte_of(&assembled),
                _ => other_part_byte(sample, &assembled),
            };
            let original = std::fs::read(&p.target).expect("read original");
            corrupt_plan(&mut p, at as u64, &original);
            let e = commit(&p, &codes()).expect_err(&format!(
                "{sample}: a plan changing a byte of the {what} must fail"
            ));
            assert!(
                matches!(e, safe::WriteError::Verify(_)),
                "{sample}, {what}: {e}"
            );
            assert!(
                std::fs::read(&p.target).expect("read original") == original,
                "{sample}, {what}: the original changed"
            );
            let left: Vec<_> = std::fs::read_dir(dir.path())
                .expect("list folder")
                .map(|e| e.expect("entry").file_name())
                .collect();
            assert_eq!(
                left,
                [p.target.file_name().expect("name")],
                "{sample}, {what}: only the original is left"
            );
        }
    }
}

/// [`audio_byte`] of bytes in memory.
fn audio_byte_of(bytes: &[u8]) -> usize {
    let r = crate::read_bytes("x", bytes);
    let a = r.audio.expect("audio properties");
    (a.payload_offset.expect("offset") + a.payload_len.expect("len") / 2) as usize
}
