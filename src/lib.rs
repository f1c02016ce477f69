//! isrckit: read, write and audit the codes that identify released music.
#![warn(missing_docs)]

pub mod codes;
pub mod formats;
pub mod model;
