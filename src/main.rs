//! The `isrckit` binary: parse arguments, run, map the outcome to an exit
//! status. A closed pipe (`isrckit inspect … | head`) is not an error.

use clap::Parser;
use isrckit::cli::{self, Cli};
use std::io;
use std::process::ExitCode;

/// mimalloc, as ruff does: an audit builds and frees tens of small strings
/// per file on two threads, and glibc's allocator spent a seventh of the
/// user time on it (bench/README.md, "Allocator"). Built without
/// transparent huge pages: a short run that touches a few MB paid for
/// zeroing whole 2 MiB pages (a tenth of its CPU) and tripled its peak RSS.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli::run(cli) {
        Ok(code) => ExitCode::from(code.code() as u8),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("isrckit: {e}");
            ExitCode::from(2)
        }
    }
}
