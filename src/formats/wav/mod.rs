//! wav container.
mod read;
pub(crate) use read::read;
pub(crate) mod write;
