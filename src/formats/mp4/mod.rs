//! mp4 container.
mod atoms;
mod read;
pub(crate) mod write;
pub(crate) use read::read;

#[cfg(test)]
mod tests;
