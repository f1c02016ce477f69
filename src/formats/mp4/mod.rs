//! mp4 container.
mod read;
pub(crate) use read::read;
