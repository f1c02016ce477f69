//! aiff container.
mod read;
pub(crate) use read::read;
