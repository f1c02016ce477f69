//! The `isrckit` binary: the allocator, and the library's command line
//! ([`isrckit::main`]), which parses arguments, runs and maps the outcome
//! to an exit status.

use std::process::ExitCode;

/// mimalloc, as ruff does: an audit builds and frees tens of small strings
/// per file on two threads, and glibc's allocator spent a seventh of the
/// user time on it (bench/README.md, "Allocator"). Built without
/// transparent huge pages: a short run that touches a few MB paid for
/// zeroing whole 2 MiB pages (a tenth of its CPU) and tripled its peak RSS.
/// Only on Linux, where it was measured; elsewhere the system allocator
/// (docs/platforms.md).
#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    isrckit::main()
}
