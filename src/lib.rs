//! isrckit: read, write and audit the codes that identify released music:
//! the ISRC of each recording and the UPC/EAN barcode of each release.
//!
//! Reading is metadata only: each container's reader walks chunk, block,
//! atom or frame headers, reads the regions that can hold a code, and never
//! the audio. Every code comes back with its exact location.
//!
//! ```no_run
//! use isrckit::{read_file, CodeKind};
//!
//! let report = isrckit::read_file("masters/01 Intro.wav");
//! if let Some(err) = &report.error {
//!     eprintln!("{}: {err}", report.path.display());
//! }
//! for code in report.codes.iter().filter(|c| c.kind == CodeKind::Isrc) {
//!     println!(
//!         "{} ({}) at {}",
//!         code.value.as_deref().unwrap_or(&code.raw),
//!         if code.valid { "valid" } else { "invalid" },
//!         code.location.describe()
//!     );
//! }
//! ```
//!
//! The library's surface:
//! - the model ([`FileReport`], [`CodeSite`], [`Location`], …) and the
//!   codes ([`codes::Isrc`], [`codes::Gtin`]);
//! - reading: [`read_file`], [`read_bytes`], [`read_files`] (parallel) and
//!   [`walk`] (the folder walk every command uses);
//! - [`keys`]: where each container keeps its codes, as one table;
//! - [`audit`]: [`audit::run`] with [`audit::Settings`] and an output
//!   ([`audit::output`]);
//! - [`write`](mod@write): [`write::write_file`] (plan, write safely, verify) with
//!   the codes and targets of [`plan`];
//! - [`recording`]: whether two files are the same recording;
//! - [`ledger`]: the ISRC assignment ledger of `isrckit assign`;
//! - [`remote`]: masters in object storage (`s3://`, `gs://`, `az://`).
//!
//! The command-line glue, renderers and container internals are private;
//! the fuzz entry points are behind the `fuzzing` feature.
#![warn(missing_docs)]
// No unsafe code, except the Win32 calls of the Windows platform module
// (src/platform/windows.rs), for which no safe crate wraps the handle
// calls it needs: there `unsafe` is denied everywhere and allowed in that
// one module.
#![cfg_attr(not(windows), forbid(unsafe_code))]
#![cfg_attr(windows, deny(unsafe_code))]

pub mod audit;
mod cd;
mod cli;
pub mod codes;
mod embed;
mod engine;
mod formats;
pub mod ledger;
pub mod model;
pub mod plan;
mod platform;
pub mod recording;
pub mod remote;
mod report;
mod sanitize;
mod source;
pub mod walk;
pub mod write;

#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzzing;

pub use cli::main;
pub use engine::{read_bytes, read_file, read_file_counted, read_files};
pub use formats::keys;
pub use model::{
    AudioInfo, CodeKind, CodeSite, Container, FileReport, FileStatus, Location, TagFormat,
};
pub use source::WINDOW;
