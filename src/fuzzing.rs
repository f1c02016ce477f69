//! Entry points for the fuzz targets in `fuzz/` and for the replay of
//! their saved inputs, behind the `fuzzing` feature. Not a stable API.

use crate::formats::{Collector, format};
use crate::model::Container;
use crate::plan::{Codes, Piece, Targets};
use crate::source::Source;

/// Run one container's reader over bytes in memory, bypassing detection.
/// Returns the number of code sites found and the reader's final error.
pub fn read_as(container: Container, bytes: &[u8]) -> (usize, Option<String>) {
    let mut slice = bytes;
    let mut src = Source::new(&mut slice, bytes.len() as u64);
    let mut c = Collector::new(container);
    let err = format(container).read(&mut src, &mut c).err();
    (c.sites.len(), err.map(|e| e.to_string()))
}

/// What planning a write into arbitrary bytes gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Planned {
    /// A clean refusal (damaged or unsupported input), or nothing to do.
    Nothing,
    /// A plan whose every copied range lies inside the input.
    InBounds,
    /// A plan that would copy bytes from outside the input: a bug.
    OutOfBounds,
}

/// Plan a write of fixed codes into bytes in memory, bypassing detection
/// (planning parses the file again, as the writer sees it), and check the
/// bounds of the plan it gets.
pub fn plan_as(container: Container, bytes: &[u8]) -> Planned {
    let codes = Codes {
        isrc: crate::codes::Isrc::parse("USRC17607839").ok(),
        barcode: crate::codes::Gtin::parse("075678164125").ok(),
        ..Default::default()
    };
    let mut slice = bytes;
    let mut src = Source::new(&mut slice, bytes.len() as u64);
    let targets = Targets::parse(&["wav:all".to_string()]).unwrap_or_default();
    let Ok(Some(plan)) = format(container).plan(&mut src, &codes, &targets) else {
        return Planned::Nothing;
    };
    let inside = plan.pieces.iter().all(|p| match p {
        Piece::Copy { offset, len } => offset
            .checked_add(*len)
            .is_some_and(|e| e <= bytes.len() as u64),
        Piece::Bytes(_) => true,
    });
    if inside {
        Planned::InBounds
    } else {
        Planned::OutOfBounds
    }
}

/// Parse a manifest's text (CSV or JSON); returns whether it was accepted.
pub fn manifest(text: &str) -> bool {
    crate::embed::manifest::parse(text).is_ok()
}

/// Codes made from fuzz input: a valid ISRC and a valid barcode (UPC-A or
/// EAN-13, as the input picks), so that every write path is reached.
fn codes_from(seed: &[u8]) -> Codes {
    let byte = |i: usize| seed.get(i).copied().unwrap_or(0);
    let alnum = |b: u8| char::from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[usize::from(b) % 36]);
    let digit = |b: u8| char::from(b'0' + b % 10);
    // A country the ISRC agency allocates, so the code is valid.
    let isrc = format!(
        "{}{}{}{}{}{}{}{}{}{}",
        ["US", "GB", "FR", "DE", "JP", "AU"][usize::from(byte(0)) % 6],
        alnum(byte(1)),
        alnum(byte(2)),
        alnum(byte(3)),
        digit(byte(4)),
        digit(byte(5)),
        digit(byte(6)),
        digit(byte(7)),
        digit(byte(8)),
        (0..2).map(|i| digit(byte(9 + i))).collect::<String>(),
    );
    let len = if byte(11) % 2 == 0 { 11 } else { 12 };
    let body: String = (0..len).map(|i| digit(byte(12 + i))).collect();
    let barcode = crate::codes::Gtin::check_digit_for(&body)
        .and_then(|d| crate::codes::Gtin::parse(&format!("{body}{d}")).ok());
    Codes {
        isrc: crate::codes::Isrc::parse(&isrc).ok(),
        barcode: if byte(11) % 3 == 2 { None } else { barcode },
        ..Default::default()
    }
}

/// The whole write of arbitrary codes into an arbitrary file, in memory:
/// plan it as the writer does, build the new file from the plan, and read
/// it back. `Ok` when the writer refused cleanly (a damaged file, an
/// unsupported structure) or when the new file holds the codes, its audio
/// payload byte for byte and every other part unchanged; `Err` says what
/// a real write's verification would have caught (a bug in a writer).
pub fn write_roundtrip(container: Container, seed: &[u8], bytes: &[u8]) -> Result<(), String> {
    let codes = codes_from(seed);
    let before = crate::read_bytes("fuzz.bin", bytes);
    if before.container != Some(container) || before.error.is_some() {
        // The writer only writes files that read cleanly as what they are.
        return Ok(());
    }
    let format = format(container);
    let mut slice = bytes;
    let mut src = Source::new(&mut slice, bytes.len() as u64);
    let targets = Targets::parse(&["wav:all".to_string()]).unwrap_or_default();
    let plan = match format.plan(&mut src, &codes, &targets) {
        Ok(Some(plan)) => plan,
        Ok(None) | Err(_) => return Ok(()),
    };
    let mut new = Vec::new();
    for piece in &plan.pieces {
        match piece {
            Piece::Bytes(b) => new.extend_from_slice(b),
            Piece::Copy { offset, len } => {
                let range = usize::try_from(*offset)
                    .ok()
                    .zip(usize::try_from(offset.saturating_add(*len)).ok())
                    .and_then(|(s, e)| bytes.get(s..e))
                    .ok_or_else(|| {
                        format!("a plan copies {len} bytes at {offset}: outside the file")
                    })?;
                new.extend_from_slice(range);
            }
        }
    }
    check_written(container, &codes, bytes, &new)
}

/// What verification asks of a written file, in memory: `new` reads
/// cleanly with `codes` at every site of their kinds, the same audio
/// payload as `old`, and every other part unchanged.
fn check_written(
    container: Container,
    codes: &Codes,
    bytes: &[u8],
    new: &[u8],
) -> Result<(), String> {
    let format = format(container);
    let before = crate::read_bytes("fuzz.bin", bytes);
    let after = crate::read_bytes("fuzz.bin", new);
    crate::write::engine::check_codes(&before, &after, codes).map_err(|e| e.to_string())?;
    let payload = |r: &crate::model::FileReport, b: &[u8]| -> Option<Vec<u8>> {
        let a = r.audio.as_ref()?;
        let (off, len) = (
            usize::try_from(a.payload_offset?).ok()?,
            usize::try_from(a.payload_len?).ok()?,
        );
        b.get(off..off.checked_add(len)?).map(<[u8]>::to_vec)
    };
    if payload(&before, bytes) != payload(&after, new) {
        return Err("the audio payload changed".into());
    }
    // Every other part: the same names and sizes, and the same bytes
    // once the audio payload (compared above; it may have moved) is left
    // out of the part that holds it.
    let parts = |b: &[u8],
                 r: &crate::model::FileReport|
     -> Result<Vec<(String, u64, Vec<u8>)>, String> {
        let pay = r
            .audio
            .as_ref()
            .and_then(|a| Some(a.payload_offset?..a.payload_offset?.checked_add(a.payload_len?)?))
            .unwrap_or(0..0);
        let mut slice = b;
        let mut src = Source::new(&mut slice, b.len() as u64);
        let list = format.structure(&mut src).map_err(|e| e.to_string())?;
        let bytes_of = |s: u64, e: u64| -> Vec<u8> {
            usize::try_from(s)
                .ok()
                .zip(usize::try_from(e).ok())
                .and_then(|(s, e)| b.get(s..e.max(s)))
                .map(<[u8]>::to_vec)
                .unwrap_or_default()
        };
        Ok(list
            .into_iter()
            .map(|p| {
                let (s, e) = (p.content.start, p.content.end.max(p.content.start));
                let mut kept = bytes_of(s, e.min(pay.start).max(s));
                kept.extend(bytes_of(s.max(pay.end).min(e), e));
                (p.name, p.size, kept)
            })
            .collect())
    };
    if parts(bytes, &before)? != parts(new, &after)? {
        return Err("a part other than the tags changed".into());
    }
    Ok(())
}

/// A CD master's track layout from arbitrary bytes (`audit --cd`): read as
/// a CUE sheet or TOC file, as a DDP map and as a PQ descriptor stream.
/// Returns the number of tracks found.
pub fn cd_layout(bytes: &[u8]) -> usize {
    crate::cd::fuzz_layout(bytes)
}

/// A DDP image patched from arbitrary bytes: the input is split into the
/// image's files (`[track][len DDPID][len DDPMS][len PQ][len CD-TEXT]`,
/// each length 2 bytes big-endian, then the files' bytes, the rest being
/// `CHECKSUM.MD5`), written with `IMAGE.DAT` into a fresh folder, and a
/// patch of the track's ISRC (and, for an odd track byte, the barcode) is
/// planned. `Ok` when the planner refused cleanly, or when its plan leaves
/// the audio stream alone and, once applied, gives an image that holds
/// the codes (planning again changes nothing). The folder is removed.
pub fn ddp_write(data: &[u8]) -> Result<(), String> {
    ddp_patched(data).map(|_| ())
}

/// [`ddp_write`], saying whether a patch was planned and applied.
pub fn ddp_patched(data: &[u8]) -> Result<bool, String> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let Some((&t, rest)) = data.split_first() else {
        return Ok(false);
    };
    if rest.len() < 8 {
        return Ok(false);
    }
    let (lens, mut body) = rest.split_at(8);
    let dir = std::env::temp_dir().join(format!(
        "isrckit-fuzz-ddp-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let result = (|| {
        for (i, name) in ["DDPID", "DDPMS", "PQDESCR", "CDTEXT.BIN"]
            .iter()
            .enumerate()
        {
            let n = usize::from(u16::from_be_bytes([lens[2 * i], lens[2 * i + 1]])).min(body.len());
            std::fs::write(dir.join(name), &body[..n]).map_err(|e| e.to_string())?;
            body = &body[n..];
        }
        std::fs::write(dir.join("CHECKSUM.MD5"), body).map_err(|e| e.to_string())?;
        std::fs::write(dir.join("IMAGE.DAT"), [0u8; 2352]).map_err(|e| e.to_string())?;
        let codes = Codes {
            tracks: vec![(
                u32::from(t % 4) + 1,
                crate::codes::Isrc::parse("USRC17607839").map_err(|e| e.to_string())?,
            )],
            barcode: if t % 2 == 1 {
                crate::codes::Gtin::parse("075678164125").ok()
            } else {
                None
            },
            ..Default::default()
        };
        let id = dir.join("DDPID");
        let ddp = format(Container::Ddp);
        let Some(Ok(Some(plan))) = ddp.plan_set(&id, &codes) else {
            return Ok(false);
        };
        for e in &plan.edits {
            if plan.untouched.contains(&e.name) || e.name == "IMAGE.DAT" {
                return Err(format!("the plan writes the audio stream {:?}", e.name));
            }
            std::fs::write(dir.join(&e.name), &e.new).map_err(|e| e.to_string())?;
        }
        match ddp.plan_set(&id, &codes) {
            Some(Ok(None)) => Ok(true),
            Some(Ok(Some(again))) => Err(format!(
                "the patched image does not hold the codes: planning again changes {:?}",
                again.changes
            )),
            Some(Err(e)) => Err(format!("the patched image is refused: {e}")),
            None => Err("DDP is not a set of files".into()),
        }
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The round trip passes on every real test file, with codes of every
    /// shape: the fuzz target's check does not cry wolf.
    #[test]
    fn every_testdata_file_round_trips() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        let (files, _) = crate::walk::collect(&[root], &crate::walk::Filter::default());
        let mut written = 0;
        for f in files {
            let bytes = std::fs::read(&f).expect("read");
            let Some(container) = crate::read_bytes(&f, &bytes).container else {
                continue;
            };
            for seed in [
                &[0u8; 24][..],
                &[7; 24],
                &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
            ] {
                write_roundtrip(container, seed, &bytes)
                    .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
                written += 1;
            }
        }
        assert!(written > 150, "{written} round trips");
    }

    /// A written file with one audio byte, or one byte of another part,
    /// changed is caught: the check can fail.
    #[test]
    fn a_changed_audio_or_other_byte_is_caught() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        let bytes = std::fs::read(root.join("wav/bwf_bext_id3.wav")).expect("read");
        let codes = codes_from(&[0; 24]);
        let mut slice = &bytes[..];
        let mut src = Source::new(&mut slice, bytes.len() as u64);
        let plan = format(Container::Wav)
            .plan(&mut src, &codes, &Targets::default())
            .expect("plan")
            .expect("something to write");
        let mut new = Vec::new();
        for piece in &plan.pieces {
            match piece {
                Piece::Bytes(b) => new.extend_from_slice(b),
                Piece::Copy { offset, len } => {
                    new.extend_from_slice(&bytes[*offset as usize..(*offset + *len) as usize])
                }
            }
        }
        check_written(Container::Wav, &codes, &bytes, &new).expect("the real write passes");
        let after = crate::read_bytes("x", &new);
        let audio = after
            .audio
            .as_ref()
            .and_then(|a| a.payload_offset)
            .expect("payload") as usize;
        let mut bad = new.clone();
        bad[audio + 3] ^= 1;
        let e = check_written(Container::Wav, &codes, &bytes, &bad).expect_err("audio byte");
        assert!(e.contains("audio"), "{e}");
        let bext = new
            .windows(4)
            .position(|w| w == b"bext")
            .expect("bext chunk")
            + 20;
        let mut bad = new.clone();
        bad[bext] ^= 1;
        let e = check_written(Container::Wav, &codes, &bytes, &bad).expect_err("bext byte");
        assert!(e.contains("part"), "{e}");
    }

    #[test]
    fn the_codes_are_made_valid_from_any_seed() {
        for seed in [&[][..], &[255; 30], &[3, 9, 27]] {
            let c = codes_from(seed);
            assert!(c.isrc.is_some(), "{seed:?}");
        }
    }
}
