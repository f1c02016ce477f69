//! Text from files and users, made safe to show: the one place that
//! decides how isrckit prints text it did not write.
//!
//! Tag values, file names and manifest cells come from strangers, and what
//! isrckit prints reaches terminals, CI logs and spreadsheets. A terminal
//! runs escape sequences (colours, window titles, hyperlinks, clearing
//! the screen); a bidi override makes one code look like another; a CSV
//! cell starting with `=` is a formula to a spreadsheet; a 50 MB field
//! floods a log. The rules (also in the README, "Untrusted text"):
//!
//! - **Escaped characters** ([`is_escaped`]): control characters (C0
//!   U+0000–U+001F, which includes TAB, LF, CR and ESC; DEL; C1
//!   U+0080–U+009F) and bidi controls (U+061C, U+200E, U+200F,
//!   U+202A–U+202E, U+2066–U+2069). Each is written `\u{X}`, X the code
//!   point in lowercase hex without leading zeros (`\u{1b}`, `\u{202e}`),
//!   as Rust writes it. A backslash is not escaped: `\u{1b}` in a table
//!   may also be those six characters; JSON has the exact text.
//! - **Human text** (tables, stderr): every escaped character is escaped
//!   ([`terminal`]). A value quoted in a message (a tag value, a manifest
//!   cell) is cut after [`VALUE_CAP`] characters ([`value`]); a message
//!   built elsewhere from such values is cut in its middle when longer
//!   than [`MESSAGE_CAP`] characters, so what it says is wrong (at its
//!   end) stays ([`message`]). The cut is marked `…[N bytes left out]`,
//!   N counting the UTF-8 bytes of the original text. Paths are escaped,
//!   never cut.
//! - **CSV** ([`csv_cell`]): every escaped character is escaped, then a
//!   cell a spreadsheet would run as a formula (starting with `=`, `+`,
//!   `-`, `@`, TAB or CR, as OWASP's CSV injection guidance lists) gets a
//!   `'` in front, unless it is a plain number (`-12`, `+3.5`).
//! - **GitHub annotations and JUnit XML** escape them as well, around
//!   their own escaping (see `report/audit/github.rs` and `junit.rs`).
//! - **JSON and SARIF** keep every value exact: serde escapes control
//!   characters as JSON requires.

use std::borrow::Cow;

/// How many characters of a value a message quotes before cutting it.
pub const VALUE_CAP: usize = 200;

/// How many characters of a message are shown before its middle is cut.
pub const MESSAGE_CAP: usize = 1000;

/// Whether `c` is shown as a `\u{..}` escape: a control character (C0,
/// DEL, C1) or a bidi control.
pub fn is_escaped(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `s` with every character for which `escape` holds written as `\u{..}`.
/// Borrowed when there is none.
pub fn escape_where(s: &str, escape: impl Fn(char) -> bool) -> Cow<'_, str> {
    let Some(first) = s.find(&escape) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(&s[..first]);
    for c in s[first..].chars() {
        if escape(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for a terminal or a log: every [escaped](is_escaped) character
/// as `\u{..}`; nothing cut.
pub fn terminal(s: &str) -> Cow<'_, str> {
    escape_where(s, is_escaped)
}

/// A value quoted in human text: cut after [`VALUE_CAP`] characters
/// (`…[N bytes left out]`), then escaped as [`terminal`] does.
pub fn value(s: &str) -> Cow<'_, str> {
    match s.char_indices().nth(VALUE_CAP) {
        None => terminal(s),
        Some((end, _)) => Cow::Owned(format!(
            "{}…[{}]",
            terminal(&s[..end]),
            left_out(s.len() - end)
        )),
    }
}

/// A message quoting values, for human text: when longer than
/// [`MESSAGE_CAP`] characters, its first and last `MESSAGE_CAP / 2` are
/// kept around `…[N bytes left out]…`; then escaped as [`terminal`] does.
pub fn message(s: &str) -> Cow<'_, str> {
    let half = MESSAGE_CAP / 2;
    let Some((head_end, _)) = s.char_indices().nth(MESSAGE_CAP) else {
        return terminal(s);
    };
    let head_end = s.char_indices().nth(half).map_or(head_end, |(i, _)| i);
    // More than MESSAGE_CAP characters: the last `half` start after the head.
    let tail_start = s
        .char_indices()
        .rev()
        .nth(half - 1)
        .map_or(head_end, |(i, _)| i);
    Cow::Owned(format!(
        "{}…[{}]…{}",
        terminal(&s[..head_end]),
        left_out(tail_start - head_end),
        terminal(&s[tail_start..])
    ))
}

/// `1 byte left out`, `12 bytes left out`: the marker's words.
fn left_out(bytes: usize) -> String {
    format!("{bytes} byte{} left out", if bytes == 1 { "" } else { "s" })
}

/// A message of several lines for stderr: each line as [`message`]
/// shows it, the line breaks (LF) kept.
pub fn lines(s: &str) -> Cow<'_, str> {
    if !s.contains('\n') {
        return message(s);
    }
    Cow::Owned(s.split('\n').map(message).collect::<Vec<_>>().join("\n"))
}

/// A CSV cell's text (before RFC 4180 quoting): every [escaped](is_escaped)
/// character as `\u{..}`, and a `'` in front of text a spreadsheet would
/// run as a formula.
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    let escaped = terminal(s);
    if runs_as_formula(&escaped) {
        Cow::Owned(format!("'{escaped}"))
    } else {
        escaped
    }
}

/// Whether a spreadsheet would take the cell as a formula: it starts with
/// `=`, `+`, `-`, `@`, TAB or CR and is not a plain number.
fn runs_as_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !plain_number(s)
}

/// `12`, `-12`, `+3.5`: an optional sign, digits, optionally `.` and digits.
fn plain_number(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (int, frac) = s.split_once('.').unwrap_or((s, "1"));
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    digits(int) && digits(frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_escaped_the_rust_way() {
        assert_eq!(terminal("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(terminal("\x1b]0;t\x07"), "\\u{1b}]0;t\\u{7}");
        assert_eq!(
            terminal("\t\n\r\x7f\u{85}\u{9f}"),
            "\\u{9}\\u{a}\\u{d}\\u{7f}\\u{85}\\u{9f}"
        );
        assert_eq!(
            terminal("\u{61c}\u{200e}\u{200f}\u{202a}\u{202e}\u{2066}\u{2069}"),
            "\\u{61c}\\u{200e}\\u{200f}\\u{202a}\\u{202e}\\u{2066}\\u{2069}"
        );
        // Not controls: kept, and borrowed.
        for s in [
            "US-RC1-76-07839",
            "Café › ID3 → ü \\u{1b}",
            "\u{a0}\u{2028}\u{200b}",
        ] {
            assert!(matches!(terminal(s), Cow::Borrowed(t) if t == s), "{s}");
        }
    }

    #[test]
    fn every_escaped_character_is_in_the_documented_set() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let documented = matches!(c as u32, 0..=0x1F | 0x7F..=0x9F | 0x61C | 0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069);
            assert_eq!(is_escaped(c), documented, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn values_are_cut_after_the_cap_with_the_bytes_left_out() {
        let fits = "x".repeat(VALUE_CAP);
        assert_eq!(value(&fits), fits);
        let long = format!("{fits}éé\x1b");
        assert_eq!(value(&long), format!("{fits}…[5 bytes left out]"));
        // The cap counts characters, and escapes come after the cut.
        let ctl = "\x1b".repeat(VALUE_CAP + 1);
        assert_eq!(
            value(&ctl),
            format!("{}…[1 byte left out]", "\\u{1b}".repeat(VALUE_CAP))
        );
    }

    #[test]
    fn messages_keep_their_start_and_end() {
        let fits = "m".repeat(MESSAGE_CAP);
        assert_eq!(message(&fits), fits);
        let long = format!("ISRC \"{}\" is not valid: too long", "Q".repeat(5000));
        let shown = message(&long);
        let half = MESSAGE_CAP / 2;
        let left_out = long.len() - 2 * half;
        assert!(shown.starts_with("ISRC \"QQ"), "{shown}");
        assert!(shown.ends_with("QQ\" is not valid: too long"), "{shown}");
        assert!(shown.contains(&format!("Q…[{left_out} bytes left out]…Q")));
        assert_eq!(
            shown.chars().count(),
            2 * half + format!("…[{left_out} bytes left out]…").chars().count()
        );
        // One character over: one character's bytes left out.
        let over = format!("{}é", "m".repeat(MESSAGE_CAP));
        assert_eq!(
            message(&over),
            format!(
                "{}…[1 byte left out]…{}é",
                "m".repeat(half),
                "m".repeat(half - 1)
            )
        );
    }

    #[test]
    fn lines_keep_line_breaks_and_escape_the_rest() {
        assert_eq!(lines("a\x1b\nb\rc"), "a\\u{1b}\nb\\u{d}c");
        assert_eq!(lines("plain"), "plain");
        let long = format!("first\n{}", "z".repeat(MESSAGE_CAP + 10));
        assert!(lines(&long).starts_with("first\nzz"));
        assert!(lines(&long).contains("…[10 bytes left out]…"));
    }

    #[test]
    fn csv_cells_that_would_run_get_a_quote() {
        for (cell, shown) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-", "'-"),
            ("\tx", "\\u{9}x"),
            ("\r=1", "\\u{d}=1"),
            ("a\x1bb", "a\\u{1b}b"),
            // Left alone: plain numbers, codes, text with `=` inside.
            ("-12", "-12"),
            ("+3.5", "+3.5"),
            ("USRC17607839", "USRC17607839"),
            ("075678164125", "075678164125"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(csv_cell(cell), shown, "{cell:?}");
        }
    }
}
