//! ape
