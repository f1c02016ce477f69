#![no_main]
// A DDP image patched from arbitrary bytes (split into its files in a
// temp folder, see `isrckit::fuzzing::ddp_write`): no panic, hang or huge
// allocation; the audio stream never written; a patch applied holds the
// codes (planning again changes nothing).
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = isrckit::fuzzing::ddp_write(data) {
        panic!("{e}");
    }
});
