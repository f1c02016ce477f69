#![no_main]
// The flac reader on arbitrary bytes: no panic, hang or huge allocation.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = isrckit::fuzzing::read_as(isrckit::Container::Flac, data);
});
