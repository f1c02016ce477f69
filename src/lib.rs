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
#![warn(missing_docs)]

pub mod audit;
pub mod cli;
pub mod codes;
pub mod embed;
pub mod engine;
pub mod formats;
pub mod model;
pub mod plan;
pub(crate) mod platform;
pub mod recording;
pub mod report;
pub mod source;
pub mod walk;
pub mod write;

pub use engine::{read_bytes, read_file, read_file_counted, read_files};
pub use model::{
    AudioInfo, CodeKind, CodeSite, Container, FileReport, FileStatus, Location, TagFormat,
};
