//! FLAC container: a metadata-block walker that finds the codes in the
//! VORBIS_COMMENT block (`ISRC`, `BARCODE` and aliases) and the CUESHEET
//! block (media catalog number, per-track ISRC), without reading audio.
pub(crate) mod blocks;
mod read;
pub(crate) use read::read;
pub(crate) mod write;

#[cfg(test)]
mod tests;
