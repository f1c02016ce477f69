//! What differs between operating systems lives here, so the rest of the
//! code never names `std::os::unix` or `std::os::windows`.

use std::path::Path;

/// A path's bytes as the platform encodes them (UTF-8-ish on Unix, WTF-8
/// on Windows): for ordering and name checks, never for display.
pub fn path_bytes(path: &Path) -> &[u8] {
    path.as_os_str().as_encoded_bytes()
}

/// Whether a byte of [`path_bytes`] separates path components.
pub fn is_separator(b: u8) -> bool {
    b == b'/' || (cfg!(windows) && b == b'\\')
}
