//! mp3 container.
mod read;
pub(crate) use read::read;
/// Whether `head` starts with a plausible MPEG audio frame header.
pub(crate) fn is_frame_header(head: &[u8]) -> bool {
    let _ = head;
    false
}
