//! `isrckit audit` output: one renderer per format, each a [`Sink`].
//!
//! The audit's rules decide what is wrong; these renderers only format it.
//! Each writes into any `io::Write` given at construction (tests render into
//! a `Vec<u8>`). The human format ([`table`]) prints headers, hints and a
//! summary; the machine formats ([`json`], [`csv`], [`junit`], [`github`],
//! [`sarif`]) print no summary line and no decoration, and their shapes are
//! public interface.

pub mod csv;
pub mod github;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod table;

use crate::audit::Sink;
use crate::report::table::Style;
use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

/// Output formats of `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    /// Findings grouped by file, with a fix hint per rule and a summary (for people).
    Table,
    /// One JSON document: every file as `inspect` shows it, the findings, the counts.
    Json,
    /// One row per finding: rule,severity,path,message,code,location,related.
    Csv,
    /// JUnit XML for CI test reports: a suite per file, a case per rule that fired.
    Junit,
    /// GitHub Actions annotations (workflow commands), one line per finding.
    Github,
    /// SARIF 2.1.0, for code scanning and other SARIF viewers.
    Sarif,
}

/// The renderer for `format`, writing into `out`. `style` matters only to
/// the table; the caller decides colour once (`--color`, `NO_COLOR`, terminal).
pub fn sink(format: AuditFormat, out: Box<dyn Write + Send>, style: Style) -> Box<dyn Sink + Send> {
    match format {
        AuditFormat::Table => Box::new(table::TableSink::new(out, style)),
        AuditFormat::Json => Box::new(json::JsonSink::new(out)),
        AuditFormat::Csv => Box::new(csv::CsvSink::new(out)),
        AuditFormat::Junit => Box::new(junit::JunitSink::new(out)),
        AuditFormat::Github => Box::new(github::GithubSink::new(out)),
        AuditFormat::Sarif => Box::new(sarif::SarifSink::new(out)),
    }
}

/// A path as text, the way every format shows it
/// ([`crate::platform::path_text`]: exact, `\xNN` for bytes that are not
/// UTF-8).
fn path_text(p: &Path) -> Cow<'_, str> {
    crate::platform::path_text(p)
}

#[cfg(test)]
pub(crate) mod fixture;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_renders_through_the_boxed_sink() {
        use clap::ValueEnum;
        for format in AuditFormat::value_variants() {
            let mut s = sink(*format, Box::new(std::io::sink()), Style { color: false });
            fixture::drive(s.as_mut(), false);
        }
    }
}
