//! `audit --format csv`: one row per finding, for spreadsheets and scripts.
//!
//! Header `rule,severity,path,message,code,location,related`; `related` is
//! the other files joined with `;`; an absent code or location is an empty
//! field. A field holding `,`, `"`, CR or LF is quoted, quotes doubled
//! (RFC 4180); rows end in LF. No summary.
//!
//! Text from files is made safe for spreadsheets and logs
//! ([`crate::sanitize::csv_cell`]): control and bidi characters are
//! written `\u{..}` (so every row is one line), and a cell a spreadsheet
//! would run as a formula (`=`, `+`, `-`, `@` first, not a plain number)
//! starts with a `'`.

use super::path_text;
use crate::audit::{Finding, Record, Sink, Summary};
use crate::sanitize::csv_cell;
use std::borrow::Cow;
use std::io::{self, Write};

/// The header row.
pub const HEADER: &str = "rule,severity,path,message,code,location,related";

/// Writes the findings as CSV at the end of the run.
pub struct CsvSink<W> {
    out: W,
}

impl<W: Write> CsvSink<W> {
    /// A CSV renderer writing into `out`.
    pub fn new(out: W) -> Self {
        CsvSink { out }
    }

    /// The writer back (tests read what was rendered).
    #[cfg(test)]
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// One field of text from files or users: made safe for a spreadsheet
/// ([`csv_cell`]: control and bidi characters as `\u{..}`, a `'` before
/// a formula), then quoted when it must be.
pub(crate) fn field(s: &str) -> Cow<'_, str> {
    match csv_cell(s) {
        Cow::Borrowed(s) => quote(s),
        Cow::Owned(s) => Cow::Owned(quote(&s).into_owned()),
    }
}

/// RFC 4180: a field holding `,`, `"`, CR or LF in quotes, quotes doubled.
fn quote(s: &str) -> Cow<'_, str> {
    if s.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(s)
    }
}

impl<W: Write> Sink for CsvSink<W> {
    fn finish(
        &mut self,
        _records: &[Record],
        findings: &[Finding],
        _summary: &Summary,
    ) -> io::Result<()> {
        writeln!(self.out, "{HEADER}")?;
        for f in findings {
            let related = f
                .related
                .iter()
                .map(|p| path_text(p))
                .collect::<Vec<_>>()
                .join(";");
            writeln!(
                self.out,
                "{},{},{},{},{},{},{}",
                f.rule.id(),
                f.severity.name(),
                field(&path_text(&f.path)),
                field(&f.message),
                field(f.code.as_deref().unwrap_or_default()),
                field(f.location.as_deref().unwrap_or_default()),
                field(&related),
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
        let mut sink = CsvSink::new(Vec::new());
        fixture::drive(&mut sink, empty);
        String::from_utf8(sink.into_inner()).expect("utf-8")
    }

    #[test]
    fn rows_are_quoted_exactly() {
        assert_eq!(
            render(false),
            "rule,severity,path,message,code,location,related\n\
             isrc-noncanonical,info,masters/01 Intro.wav,\"ISRC \"\"US-RC1-76-07839\"\" is stored with hyphens\",USRC17607839,\"chunk \"\"id3 \"\" › ID3v2.3 TSRC @12\",\n\
             isrc-duplicate,error,masters/01 Intro.wav,USRC17607839 is also on another recording,USRC17607839,,\"masters/a, b 100%.flac\"\n\
             isrc-duplicate,error,\"masters/a, b 100%.flac\",USRC17607839 is also on another recording,USRC17607839,,masters/01 Intro.wav\n\
             barcode-missing,warning,\"masters/a, b 100%.flac\",\"no barcode in any tag:\\u{a}add one, 100% needed\",,,\n"
        );
    }

    #[test]
    fn hostile_text_is_escaped_and_formulas_neutralised() {
        let mut sink = CsvSink::new(Vec::new());
        let f = fixture::hostile();
        sink.finish(&[], &[f], &Summary::default()).expect("finish");
        let out = String::from_utf8(sink.into_inner()).expect("utf-8");
        assert_eq!(
            out.lines().nth(1),
            Some(
                "barcode-invalid,error,'=1+1\\u{1b}[2J\\u{202e}.wav,\
                 \"barcode \"\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\" is not valid\\u{1b}]0;pwn\\u{7}\",\
                 \"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",ID3v2.4 TXXX:BARCODE,'-rf\\u{1b}.wav"
            )
        );
    }

    #[test]
    fn related_paths_are_joined_with_semicolons() {
        let mut f = fixture::findings().remove(1);
        f.related.push("masters/x.wav".into());
        let mut sink = CsvSink::new(Vec::new());
        sink.finish(&[], &[f], &Summary::default()).expect("finish");
        let out = String::from_utf8(sink.into_inner()).expect("utf-8");
        assert!(
            out.ends_with(",\"masters/a, b 100%.flac;masters/x.wav\"\n"),
            "{out}"
        );
    }

    #[test]
    fn empty_run_is_the_header_alone() {
        assert_eq!(render(true), format!("{HEADER}\n"));
    }
}
