#![no_main]
// Every writer's planner on arbitrary bytes: no panic, hang or huge
// allocation, and every range it would copy lies inside the file (a plan
// that reaches outside is a crash).
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    use isrckit::Container::*;
    let Some((&which, bytes)) = data.split_first() else { return };
    let container = [Wav, Aiff, Flac, Mp3, Mp4][usize::from(which) % 5];
    let planned = isrckit::fuzzing::plan_as(container, bytes);
    assert_ne!(planned, isrckit::fuzzing::Planned::OutOfBounds, "a plan copies bytes from outside the file");
});
