#![no_main]
// Every writer's planner on arbitrary bytes: no panic, hang or huge
// allocation, and every range it would copy lies inside the file.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    use isrckit::Container::*;
    let Some((&which, bytes)) = data.split_first() else { return };
    let container = [Wav, Aiff, Flac, Mp3, Mp4][usize::from(which) % 5];
    let _ = isrckit::formats::plan_write_bytes_as(container, bytes);
});
