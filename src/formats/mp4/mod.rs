//! mp4 container.
pub(crate) mod atoms;
mod read;
pub(crate) mod write;
pub(crate) use read::read;

#[cfg(test)]
mod tests;
