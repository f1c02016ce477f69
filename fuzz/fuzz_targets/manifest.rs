#![no_main]
// The manifest parser (CSV and JSON) on arbitrary text: no panic or hang.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = isrckit::fuzzing::manifest(&text);
});
