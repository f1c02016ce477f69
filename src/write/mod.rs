//! Writing codes into masters: executing a [`Plan`](crate::plan::Plan) safely (temp file or
//! in-place patch), verifying the result, and batches of files. Plans are
//! made by the containers (`formats`), in the vocabulary of [`crate::plan`].
//!
//! The library's writing API is [`write_file`]: read the file, plan the
//! write, write it safely (a temp file renamed into place, or one
//! in-place page patch), verify that the codes read back and that the
//! audio and every other part are unchanged, and report what happened.
//! `docs/reliability.md` lists what a write promises and how each promise
//! is kept and tested.

pub(crate) mod engine;
mod hooks;
mod image;
mod leftovers;
mod master;
pub(crate) mod run;
pub(crate) mod safe;

pub(crate) use engine::Policy;
pub use engine::{FileResult, Status, write_file};
pub use leftovers::{Leftover, leftover_temps};
pub use safe::{VerifyError, WriteError};
