//! riff
