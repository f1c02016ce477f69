//! Embedding codes from a label's manifest: reading the manifest and
//! planning which codes go into which file, checked as a whole before
//! anything is written.

pub mod manifest;
