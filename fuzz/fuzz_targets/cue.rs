#![no_main]
// The CUE sheet / TOC reader on arbitrary bytes: no panic, hang or huge allocation.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = isrckit::fuzzing::read_as(isrckit::Container::Cue, data);
});
