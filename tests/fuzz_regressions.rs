//! Every input a fuzzer found to crash or hang (and a seed or two that
//! reaches deep), replayed by name. Files live in `tests/fuzz/<target>/`,
//! one folder per fuzz target of `fuzz/fuzz_targets/` (`wav`, `aiff`,
//! `flac`, `mp3`, `mp4`, `ddp`, `cue`, `any`, `write`, `manifest`, `ddp_write`); each input goes
//! through exactly what its target does, separately, and must come back
//! without a panic, quickly, and (for `write`) with a plan whose copied
//! ranges lie inside the input. A failure names the file. A target without
//! its folder, or with an empty one, fails: every crasher found is kept
//! there (see `tests/fuzz/README.md`).

use isrckit::Container;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A target's body: `Err` for an outcome the target asserts against (a
/// panic is caught by the caller).
type Body = fn(&[u8]) -> Result<(), String>;

/// What each fuzz target does with its input, as its `fuzz_targets/*.rs`
/// body does it.
const TARGETS: &[(&str, Body)] = &[
    ("wav", |b| read_as(Container::Wav, b)),
    ("aiff", |b| read_as(Container::Aiff, b)),
    ("flac", |b| read_as(Container::Flac, b)),
    ("mp3", |b| read_as(Container::Mp3, b)),
    ("mp4", |b| read_as(Container::Mp4, b)),
    ("ddp", |b| read_as(Container::Ddp, b)),
    ("cue", |b| {
        let _ = isrckit::fuzzing::cd_layout(b);
        read_as(Container::Cue, b)
    }),
    ("any", |b| {
        let _ = isrckit::read_bytes("fuzz.bin", b);
        Ok(())
    }),
    ("write", |data| {
        use isrckit::Container::*;
        let Some((&which, bytes)) = data.split_first() else {
            return Ok(());
        };
        let container = [Wav, Aiff, Flac, Mp3, Mp4][usize::from(which) % 5];
        if isrckit::fuzzing::plan_as(container, bytes) == isrckit::fuzzing::Planned::OutOfBounds {
            return Err(format!(
                "{container:?}: a plan copies bytes from outside the input"
            ));
        }
        // As the target splits it: 24 bytes of codes, then the file.
        let (seed, file) = bytes.split_at(bytes.len().min(24));
        isrckit::fuzzing::write_roundtrip(container, seed, file)
            .map_err(|e| format!("{container:?}: {e}"))
    }),
    ("manifest", |b| {
        let _ = isrckit::fuzzing::manifest(&String::from_utf8_lossy(b));
        Ok(())
    }),
    ("ddp_write", isrckit::fuzzing::ddp_write),
];

/// A container's reader on the bytes (the per-container targets), and
/// detection on them too, as `inspect` runs it.
fn read_as(container: Container, bytes: &[u8]) -> Result<(), String> {
    let _ = isrckit::fuzzing::read_as(container, bytes);
    let _ = isrckit::read_bytes(Path::new("fuzz.bin"), bytes);
    Ok(())
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz")
}

/// The saved inputs of one target, sorted (a README is not an input).
fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = root().join(target);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; every fuzz target needs its regression folder with at least one input",
            dir.display()
        )
    });
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("list the regression folder").path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "{}: no saved input; put at least a seed there",
        dir.display()
    );
    files
}

/// Run every saved input of `target`, each on its own (a panic in one is
/// caught and reported with its file name), then fail naming every input
/// that failed.
fn replay(target: &str) {
    let run = TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, f)| *f)
        .unwrap_or_else(|| panic!("no replay for fuzz target {target}"));
    let mut failed = Vec::new();
    for path in inputs(target) {
        let name = path.display().to_string();
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{name}: cannot read: {e}"));
        let started = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| run(&bytes)));
        // Generous: a hang shows up as seconds, a normal read as microseconds.
        let took = started.elapsed();
        match outcome {
            Err(panic) => {
                let why = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("(not text)");
                failed.push(format!("{name}: panicked: {why}"))
            }
            Ok(Err(e)) => failed.push(format!("{name}: {e}")),
            Ok(Ok(())) if took > Duration::from_secs(5) => {
                failed.push(format!("{name}: took {took:?}"))
            }
            Ok(Ok(())) => {}
        }
    }
    assert!(
        failed.is_empty(),
        "fuzz target {target}:\n{}",
        failed.join("\n")
    );
}

/// The fuzz targets, from `fuzz/fuzz_targets/*.rs`.
fn fuzz_targets() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fuzz_targets");
    let mut v: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("list fuzz targets").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    v.sort();
    v
}

#[test]
fn every_fuzz_target_is_replayed_and_every_folder_is_a_target() {
    let targets = fuzz_targets();
    let mut replayed: Vec<String> = TARGETS.iter().map(|(n, _)| n.to_string()).collect();
    replayed.sort();
    assert_eq!(
        targets, replayed,
        "fuzz/fuzz_targets/ and the replays here must name the same targets"
    );
    let mut folders: Vec<String> = std::fs::read_dir(root())
        .expect("tests/fuzz")
        .map(|e| e.expect("list tests/fuzz").path())
        .filter(|p| p.is_dir())
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    folders.sort();
    assert_eq!(
        folders, targets,
        "tests/fuzz/ holds one folder per fuzz target, no more, no fewer"
    );
    for t in &targets {
        assert!(!inputs(t).is_empty(), "{t}");
    }
}

#[test]
fn wav() {
    replay("wav");
}

#[test]
fn aiff() {
    replay("aiff");
}

#[test]
fn flac() {
    replay("flac");
}

#[test]
fn mp3() {
    replay("mp3");
}

#[test]
fn mp4() {
    replay("mp4");
}

#[test]
fn ddp() {
    replay("ddp");
}

#[test]
fn ddp_write() {
    replay("ddp_write");
}

#[test]
fn cue() {
    replay("cue");
}

#[test]
fn any() {
    replay("any");
}

#[test]
fn write() {
    replay("write");
}

#[test]
fn manifest() {
    replay("manifest");
}

/// The `ddp_write` seeds reach the patch: the clean images are patched
/// (and read back holding the codes), the damaged one is refused.
#[test]
fn ddp_write_seeds_patch_the_clean_images() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/ddp_write");
    for (name, patched) in [
        ("seed-clean-track2-and-barcode.bin", true),
        ("seed-disagree-track3-ddpms.bin", true),
        ("seed-v101-no-cdtext-no-md5.bin", true),
        ("seed-truncated-pq.bin", false),
    ] {
        let b = std::fs::read(dir.join(name)).expect("seed");
        assert_eq!(isrckit::fuzzing::ddp_patched(&b), Ok(patched), "{name}");
    }
}
