//! Writing codes into masters: executing a [`Plan`] safely (temp file or
//! in-place patch), verifying the result, and batches of files. Plans are
//! made by the containers (`formats`), in the vocabulary of [`crate::plan`].

pub mod engine;
pub mod run;
pub mod safe;
