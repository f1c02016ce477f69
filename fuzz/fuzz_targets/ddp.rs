#![no_main]
// The DDP reader on arbitrary DDPID bytes (no folder: the map and streams
// beside it are not opened): no panic, hang or huge allocation.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = isrckit::fuzzing::read_as(isrckit::Container::Ddp, data);
});
