#![no_main]
// The CUE sheet / TOC reader, and the track layout `audit --cd` reads
// (sheet, DDP map, PQ stream), on arbitrary bytes: no panic, hang or huge
// allocation.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = isrckit::fuzzing::read_as(isrckit::Container::Cue, data);
    let _ = isrckit::fuzzing::cd_layout(data);
});
