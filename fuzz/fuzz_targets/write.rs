#![no_main]
// Every writer's planner on arbitrary bytes: no panic, hang or huge
// allocation, and every range it would copy lies inside the file (a plan
// that copies from outside the input is a crash, not a "no plan").
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    use isrckit::Container::*;
    let Some((&which, bytes)) = data.split_first() else { return };
    let container = [Wav, Aiff, Flac, Mp3, Mp4][usize::from(which) % 5];
    if let Err(e) = isrckit::formats::plan_write_bytes_as(container, bytes) {
        panic!("{container:?}: {e}");
    }
});
