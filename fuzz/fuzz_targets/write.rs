#![no_main]
// Every writer on arbitrary bytes with arbitrary codes: no panic, hang or
// huge allocation; every range a plan copies lies inside the file; and a
// write that is planned gives a file that holds the codes, the same audio
// payload and every other part unchanged (or the writer refuses cleanly).
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    use isrckit::Container::*;
    let Some((&which, rest)) = data.split_first() else { return };
    let container = [Wav, Aiff, Flac, Mp3, Mp4][usize::from(which) % 5];
    let (seed, bytes) = rest.split_at(rest.len().min(24));
    let planned = isrckit::fuzzing::plan_as(container, bytes);
    assert_ne!(planned, isrckit::fuzzing::Planned::OutOfBounds, "a plan copies bytes from outside the file");
    if let Err(e) = isrckit::fuzzing::write_roundtrip(container, seed, bytes) {
        panic!("{container:?}: {e}");
    }
});
