#![no_main]
// Detection plus whichever reader it picks, as `inspect` runs them.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = isrckit::read_bytes("fuzz.bin", data);
});
