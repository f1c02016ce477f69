//! A manifest's bytes as text: UTF-8 (with or without a byte order mark),
//! UTF-16 with a byte order mark (Excel's "Unicode text"), or, for bytes
//! that are not UTF-8, Windows-1252 with a note saying so (see the
//! [module docs](super), "Encodings").

use super::{RowError, err};

/// A manifest's text, and a note when its encoding was guessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without a byte order mark.
    pub text: String,
    /// Set when the text was read as Windows-1252: what was guessed, and
    /// from what, as a sentence for the user.
    pub note: Option<String>,
}

/// The bytes Windows-1252 leaves undefined: a text holding one is not
/// Windows-1252.
const UNDEFINED_1252: [u8; 5] = [0x81, 0x8d, 0x8f, 0x90, 0x9d];

/// Windows-1252's characters for 0x80..=0x9F (where it differs from
/// ISO 8859-1); `'\0'` where it has none.
const HIGH_1252: [char; 32] = [
    '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0', //
    '\0', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ',
];

/// The 1-based line of byte `at`, counted as the CSV reader counts lines
/// (LF, CRLF or CR each end one).
fn line_at(bytes: &[u8], at: usize) -> usize {
    let mut line = 1;
    let mut i = 0;
    while i < at.min(bytes.len()) {
        match bytes[i] {
            b'\n' => line += 1,
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => line += 1,
            _ => {}
        }
        i += 1;
    }
    line
}

/// Decode a manifest's bytes (see the [module docs](super)).
///
/// # Errors
///
/// A text that is none of the encodings read, or is damaged (UTF-16 cut
/// short or with a lone surrogate, UTF-8 with a byte order mark and then
/// bytes that are not UTF-8, NUL bytes), as a problem at the line where
/// it shows.
pub fn decode(bytes: &[u8]) -> Result<Decoded, RowError> {
    let save = "save it as UTF-8 CSV (in Excel: \"CSV UTF-8\") and try again";
    let plain = |text: String| Decoded { text, note: None };
    if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        return utf16(rest, u16::from_le_bytes, "UTF-16 LE").map(plain);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        return utf16(rest, u16::from_be_bytes, "UTF-16 BE").map(plain);
    }
    let (bom, body) = match bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    if let Some(nul) = body.iter().position(|&b| b == 0) {
        return Err(err(
            line_at(bytes, nul + usize::from(bom) * 3),
            format!(
                "the manifest holds NUL bytes, so it is not text isrckit reads (it looks like UTF-16 without a byte order mark); {save}"
            ),
        ));
    }
    let bad = match std::str::from_utf8(body) {
        Ok(text) => return Ok(plain(text.to_string())),
        Err(e) => e.valid_up_to(),
    };
    let at = bad + usize::from(bom) * 3;
    let line = line_at(bytes, at);
    if bom {
        return Err(err(
            line,
            format!(
                "the manifest starts as UTF-8 (it has a UTF-8 byte order mark) but has bytes that are not UTF-8 (0x{:02X}); {save}",
                bytes[at]
            ),
        ));
    }
    if let Some(i) = body.iter().position(|b| UNDEFINED_1252.contains(b)) {
        return Err(err(
            line_at(bytes, i),
            format!(
                "the manifest is not UTF-8, nor Windows-1252 (Latin-1) (it has the byte 0x{:02X}), so its encoding is not known; {save}",
                body[i]
            ),
        ));
    }
    let text: String = body
        .iter()
        .map(|&b| match b {
            0x80..=0x9f => HIGH_1252[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect();
    Ok(Decoded {
        text,
        note: Some(format!(
            "the manifest is not UTF-8 (line {line} has the byte 0x{:02X}); it was read as Windows-1252 (Latin-1), as Excel on Windows saves \"CSV (Comma delimited)\"; if a name in it looks wrong, {save}",
            bytes[at]
        )),
    })
}

/// UTF-16 code units after the byte order mark, as text; a lone
/// surrogate or an odd byte is a problem.
fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16, name: &str) -> Result<String, RowError> {
    let units = bytes.chunks_exact(2).map(|p| unit([p[0], p[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut line = 1;
    let mut after_cr = false;
    for c in char::decode_utf16(units) {
        let Ok(c) = c else {
            return Err(err(
                line,
                format!(
                    "the manifest is {name} (it starts with that byte order mark) but has a lone surrogate, so it is damaged; save it again, or as UTF-8 CSV"
                ),
            ));
        };
        if c == '\r' || (c == '\n' && !after_cr) {
            line += 1;
        }
        after_cr = c == '\r';
        text.push(c);
    }
    if bytes.len() % 2 == 1 {
        return Err(err(
            line,
            format!(
                "the manifest is {name} (it starts with that byte order mark) but ends in half a character, so it was cut short; save it again"
            ),
        ));
    }
    Ok(text)
}
