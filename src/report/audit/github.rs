//! `audit --format github`: GitHub Actions workflow commands, which the
//! runner turns into annotations on the run and the pull request.
//!
//! One line per finding, `::error file=PATH,title=isrckit RULE-ID::MESSAGE`
//! (`::warning` for warnings, `::notice` for infos). No line number: the
//! files are audio. Escaped as the Actions toolkit escapes: `%`, CR and LF
//! in the message; also `:` and `,` in property values. An escaped newline
//! also means text from a tag can never start a command of its own. Other
//! control characters (ESC, BEL, ...) and bidi controls, which the toolkit
//! leaves alone, are written `\u{..}` ([`crate::sanitize`]) in the message
//! and the properties, so no escape sequence reaches the log. No summary.

use super::path_text;
use crate::audit::{Finding, Record, Severity, Sink, Summary};
use crate::sanitize::{escape_where, is_escaped};
use std::io::{self, Write};

/// Writes one workflow command per finding at the end of the run.
pub struct GithubSink<W> {
    out: W,
}

impl<W: Write> GithubSink<W> {
    /// A GitHub Actions renderer writing into `out`.
    pub fn new(out: W) -> Self {
        GithubSink { out }
    }

    /// The writer back (tests read what was rendered).
    #[cfg(test)]
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// Escape a command's message: control and bidi characters but CR and
/// LF as `\u{..}` ([`crate::sanitize`]), so none reaches the log raw;
/// then as the toolkit does, `%`, CR and LF (the runner turns `%0A` back
/// into a line break in the annotation).
pub fn escape_data(s: &str) -> String {
    escape_where(s, |c| is_escaped(c) && !matches!(c, '\r' | '\n'))
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a command's property value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

impl<W: Write> Sink for GithubSink<W> {
    fn finish(
        &mut self,
        _records: &[Record],
        findings: &[Finding],
        _summary: &Summary,
    ) -> io::Result<()> {
        for f in findings {
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            writeln!(
                self.out,
                "::{command} file={},title={}::{}",
                escape_property(&path_text(&f.path)),
                escape_property(&format!("isrckit {}", f.rule.id())),
                escape_data(&f.message)
            )?;
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::audit::fixture;

    fn render(empty: bool) -> String {
        let mut sink = GithubSink::new(Vec::new());
        fixture::drive(&mut sink, empty);
        String::from_utf8(sink.into_inner()).expect("utf-8")
    }

    #[test]
    fn one_escaped_command_per_finding() {
        assert_eq!(
            render(false),
            "::notice file=masters/01 Intro.wav,title=isrckit isrc-noncanonical::ISRC \"US-RC1-76-07839\" is stored with hyphens\n\
             ::error file=masters/01 Intro.wav,title=isrckit isrc-duplicate::USRC17607839 is also on another recording\n\
             ::error file=masters/a%2C b 100%25.flac,title=isrckit isrc-duplicate::USRC17607839 is also on another recording\n\
             ::warning file=masters/a%2C b 100%25.flac,title=isrckit barcode-missing::no barcode in any tag:%0Aadd one, 100%25 needed\n"
        );
    }

    #[test]
    fn escaping_follows_the_toolkit() {
        assert_eq!(escape_data("a%b\r\nc:d,e"), "a%25b%0D%0Ac:d,e");
        assert_eq!(escape_property("a%b\r\nc:d,e"), "a%25b%0D%0Ac%3Ad%2Ce");
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn control_and_bidi_characters_never_reach_the_log() {
        assert_eq!(
            escape_data("a\x1b[31m\u{202e}\x07\t%0A\r\n"),
            "a\\u{1b}[31m\\u{202e}\\u{7}\\u{9}%250A%0D%0A"
        );
        let mut sink = GithubSink::new(Vec::new());
        let f = fixture::hostile();
        sink.finish(&[], &[f], &Summary::default()).expect("finish");
        assert_eq!(
            String::from_utf8(sink.into_inner()).expect("utf-8"),
            "::error file==1+1\\u{1b}[2J\\u{202e}.wav,title=isrckit barcode-invalid::\
             barcode \"=HYPERLINK(\"http://x\",\"y\")\" is not valid\\u{1b}]0;pwn\\u{7}\n"
        );
    }

    #[test]
    fn empty_run_prints_nothing() {
        assert_eq!(render(true), "");
    }
}
