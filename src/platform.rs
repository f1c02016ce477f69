//! What differs between operating systems lives here, so the rest of the
//! code never names `std::os::unix` or `std::os::windows`.

use std::fs::Metadata;
use std::path::Path;

/// A path's bytes as the platform encodes them (UTF-8-ish on Unix, WTF-8
/// on Windows): for ordering and name checks, never for display.
pub fn path_bytes(path: &Path) -> &[u8] {
    path.as_os_str().as_encoded_bytes()
}

/// What kind of file a non-regular, non-folder file is, in words.
pub fn special_kind(meta: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
    }
    let _ = meta;
    "not a regular file"
}

/// Whether an error is "too many levels of symbolic links" (ELOOP).
pub fn is_symlink_loop(e: &std::io::Error) -> bool {
    let eloop = if cfg!(any(target_os = "linux", target_os = "android")) {
        40
    } else if cfg!(unix) {
        62
    } else {
        -1
    };
    e.raw_os_error() == Some(eloop)
}

/// A path as text for every output: as it is when it is valid UTF-8 (all
/// but a few paths); otherwise each byte that is not part of valid UTF-8
/// is written `\xNN` (two upper-case hex digits) and each backslash
/// `\\`, so the text names the exact bytes (never U+FFFD): a consumer
/// that finds `\x` in a path knows it is of this kind.
pub fn path_text(path: &Path) -> std::borrow::Cow<'_, str> {
    if let Some(s) = path.to_str() {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::new();
    for chunk in path_bytes(path).utf8_chunks() {
        for ch in chunk.valid().chars() {
            if ch == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(ch);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether a byte of [`path_bytes`] separates path components.
pub fn is_separator(b: u8) -> bool {
    b == b'/' || (cfg!(windows) && b == b'\\')
}
