//! Renderers: they format what they are given and decide nothing.
//! Each writes into any `io::Write`, so tests render into a `Vec<u8>`.
//! Text from files and users is shown as [`crate::sanitize`] decides.

pub mod audit;
pub mod json;
pub mod table;
pub mod write;
