//! Every input a fuzzer found to crash or hang a reader, replayed by name.
//! Files live in `tests/fuzz/<container>/NAME.bin` (the container is the
//! reader the fuzz target drove); each must read without a panic, quickly.

use isrckit::Container;
use std::time::{Duration, Instant};

fn replay(container: Container, dir: &str) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(dir);
    let Ok(entries) = std::fs::read_dir(&root) else {
        return;
    };
    for entry in entries.flatten() {
        let bytes = std::fs::read(entry.path()).expect("read crasher");
        let started = Instant::now();
        let (_, err) = isrckit::fuzzing::read_as(container, &bytes);
        // Generous: a hang shows up as seconds, a normal read as microseconds.
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{} took {:?}",
            entry.path().display(),
            started.elapsed()
        );
        let _ = err;
        // And through detection, as inspect runs it.
        let _ = isrckit::read_bytes(entry.path(), &bytes);
    }
}

#[test]
fn wav_crashers() {
    replay(Container::Wav, "wav");
}

#[test]
fn aiff_crashers() {
    replay(Container::Aiff, "aiff");
}

#[test]
fn flac_crashers() {
    replay(Container::Flac, "flac");
}

#[test]
fn mp3_crashers() {
    replay(Container::Mp3, "mp3");
}

#[test]
fn mp4_crashers() {
    replay(Container::Mp4, "mp4");
}

#[test]
fn manifest_crashers() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/manifest");
    for entry in std::fs::read_dir(&root)
        .expect("tests/fuzz/manifest")
        .flatten()
    {
        let bytes = std::fs::read(entry.path()).expect("read crasher");
        let started = Instant::now();
        let _ = isrckit::fuzzing::manifest(&String::from_utf8_lossy(&bytes));
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{}",
            entry.path().display()
        );
    }
}
