//! Renderers: they format what they are given and decide nothing.
//! Each writes into any `io::Write`, so tests render into a `Vec<u8>`.

pub mod audit;
pub mod json;
pub mod table;
pub mod write;

use std::borrow::Cow;

/// Make text from a file safe to print on a terminal: control characters
/// and bidirectional overrides (which can make a code look like another)
/// are shown as `\u{..}` escapes.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    let bad = |c: char| {
        c.is_control()
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if bad(c) {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}
