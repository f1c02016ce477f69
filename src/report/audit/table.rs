//! `audit --format table`: the human view.
//!
//! Findings grouped by file: the path, then one line per finding
//! (`  error    isrc-duplicate  message`), the other files of a duplicate
//! group under it, and the rule's fix as a hint the first time the rule
//! appears in the run. Then a summary line, after `no findings` when there
//! are none, or `nothing audited` when no audio file was read. Text from
//! files is escaped, and long messages cut in the middle
//! ([`crate::sanitize`]); colour only when the caller says.

use crate::audit::{Finding, Record, Rule, Severity, Sink, Summary};
use crate::report::table::Style;
use crate::sanitize::{message, terminal};
use std::io::{self, Write};
use std::path::Path;

/// Width of the severity column (`warning`).
const SEVERITY_WIDTH: usize = 7;

/// Renders the table at the end of the run; files themselves are not shown.
pub struct TableSink<W> {
    out: W,
    style: Style,
}

impl<W: Write> TableSink<W> {
    /// A table renderer writing into `out`.
    pub fn new(out: W, style: Style) -> Self {
        TableSink { out, style }
    }

    /// The writer back (tests read what was rendered).
    #[cfg(test)]
    pub fn into_inner(self) -> W {
        self.out
    }

    fn paint(&self, code: &str, s: &str) -> String {
        self.style.paint(code, s)
    }

    fn finding(&mut self, f: &Finding, id_width: usize, hinted: &mut Vec<Rule>) -> io::Result<()> {
        let colour = match f.severity {
            Severity::Error => "31",
            Severity::Warning => "33",
            Severity::Info => "34",
        };
        let severity = self.paint(colour, &format!("{:<SEVERITY_WIDTH$}", f.severity.name()));
        writeln!(
            self.out,
            "  {severity}  {:<id_width$}  {}",
            f.rule.id(),
            message(&f.message)
        )?;
        let indent = " ".repeat(2 + SEVERITY_WIDTH + 2);
        for r in &f.related {
            writeln!(
                self.out,
                "{indent}related: {}",
                terminal(&crate::platform::shown(r))
            )?;
        }
        if !hinted.contains(&f.rule) {
            hinted.push(f.rule);
            let hint = self.paint("36", "hint:");
            writeln!(self.out, "{indent}{hint} {}", f.rule.info().fix)?;
        }
        Ok(())
    }
}

/// `1 file`, `2 files`.
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The summary line, e.g. `3 files: 2 audio, 1 skipped (not audio), 0 LFS
/// pointers, 0 unreadable; 1 error, 0 warnings, 0 infos`.
pub fn summary_line(s: &Summary) -> String {
    format!(
        "{}: {} audio, {} skipped (not audio), {}, {} unreadable; {}, {}, {}",
        count(s.files, "file", "files"),
        s.audio,
        s.skipped,
        count(s.lfs_pointers, "LFS pointer", "LFS pointers"),
        s.unreadable,
        count(s.errors, "error", "errors"),
        count(s.warnings, "warning", "warnings"),
        count(s.infos, "info", "infos"),
    )
}

impl<W: Write> Sink for TableSink<W> {
    fn finish(
        &mut self,
        _records: &[Record],
        findings: &[Finding],
        summary: &Summary,
    ) -> io::Result<()> {
        let id_width = findings
            .iter()
            .map(|f| f.rule.id().len())
            .max()
            .unwrap_or(0);
        let mut hinted = Vec::new();
        let mut current: Option<&Path> = None;
        for f in findings {
            if current != Some(f.path.as_path()) {
                if current.is_some() {
                    writeln!(self.out)?;
                }
                let header = self.paint("1", &terminal(&crate::platform::shown(&f.path)));
                writeln!(self.out, "{header}")?;
                current = Some(&f.path);
            }
            self.finding(f, id_width, &mut hinted)?;
        }
        if !findings.is_empty() {
            writeln!(self.out)?;
        }
        if summary.audio == 0 {
            // No audio file: "no findings" would claim a check that never ran.
            writeln!(
                self.out,
                "nothing audited: no audio file was found (--allow-empty if that is expected)"
            )?;
        } else if findings.is_empty() {
            writeln!(self.out, "no findings")?;
        }
        writeln!(self.out, "{}", summary_line(summary))?;
        if let Some(line) = crate::report::table::skipped_line(&summary.walk_skipped) {
            writeln!(self.out, "{line}")?;
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::audit::fixture;

    fn render(empty: bool, color: bool) -> String {
        let mut sink = TableSink::new(Vec::new(), Style { color });
        fixture::drive(&mut sink, empty);
        String::from_utf8(sink.into_inner()).expect("utf-8")
    }

    #[test]
    fn findings_grouped_by_file_with_hints_once_and_summary() {
        let fix_dup = Rule::IsrcDuplicate.info().fix;
        let fix_nc = Rule::IsrcNoncanonical.info().fix;
        let fix_bm = Rule::BarcodeMissing.info().fix;
        let expected = format!(
            "masters/01 Intro.wav\n\
             \x20 info     isrc-noncanonical  ISRC \"US-RC1-76-07839\" is stored with hyphens\n\
             \x20          hint: {fix_nc}\n\
             \x20 error    isrc-duplicate     USRC17607839 is also on another recording\n\
             \x20          related: masters/a, b 100%.flac\n\
             \x20          hint: {fix_dup}\n\
             \n\
             masters/a, b 100%.flac\n\
             \x20 error    isrc-duplicate     USRC17607839 is also on another recording\n\
             \x20          related: masters/01 Intro.wav\n\
             \x20 warning  barcode-missing    no barcode in any tag:\\u{{a}}add one, 100% needed\n\
             \x20          hint: {fix_bm}\n\
             \n\
             3 files: 3 audio, 0 skipped (not audio), 0 LFS pointers, 0 unreadable; 2 errors, 1 warning, 1 info\n"
        );
        // Windows users read `\\` (crate::platform::shown).
        let expected = if cfg!(windows) {
            expected.replace("masters/", "masters\\")
        } else {
            expected
        };
        assert_eq!(render(false, false), expected);
    }

    #[test]
    fn colour_only_when_asked() {
        assert!(!render(false, false).contains('\x1b'));
        let coloured = render(false, true);
        assert!(coloured.contains("\x1b[31merror  \x1b[0m"));
        assert!(coloured.contains("\x1b[33mwarning\x1b[0m"));
        assert!(coloured.contains("\x1b[34minfo   \x1b[0m"));
    }

    #[test]
    fn hostile_text_is_escaped_and_long_messages_cut() {
        let mut long = fixture::hostile();
        long.message = format!("ISRC \"{}\" is not valid: too long", "Q".repeat(5000));
        long.related.clear();
        let mut sink = TableSink::new(Vec::new(), Style { color: false });
        let findings = [fixture::hostile(), long];
        sink.finish(&[], &findings, &Summary::default())
            .expect("finish");
        let out = String::from_utf8(sink.into_inner()).expect("utf-8");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "=1+1\\u{1b}[2J\\u{202e}.wav");
        assert_eq!(
            lines[1],
            format!(
                "  error    barcode-invalid  barcode \"{}\" is not valid\\u{{1b}}]0;pwn\\u{{7}}",
                fixture::FORMULA
            )
        );
        assert_eq!(lines[2], "           related: -rf\\u{1b}.wav");
        let cut = lines[4]
            .strip_prefix("  error    barcode-invalid  ")
            .expect("the long message");
        let left_out = findings[1].message.len() - crate::sanitize::MESSAGE_CAP;
        assert_eq!(
            cut,
            format!(
                "ISRC \"{}…[{left_out} bytes left out]…{}\" is not valid: too long",
                "Q".repeat(494),
                "Q".repeat(476)
            )
        );
    }

    #[test]
    fn no_files_nothing_audited() {
        assert_eq!(
            render(true, false),
            "nothing audited: no audio file was found (--allow-empty if that is expected)\n0 files: 0 audio, 0 skipped (not audio), 0 LFS pointers, 0 unreadable; 0 errors, 0 warnings, 0 infos\n"
        );
    }

    #[test]
    fn clean_run_says_no_findings() {
        let mut sink = TableSink::new(Vec::new(), Style { color: false });
        fixture::drive_clean(&mut sink);
        let out = String::from_utf8(sink.into_inner()).expect("utf-8");
        assert!(out.starts_with("no findings\n3 files: 3 audio,"), "{out}");
    }
}
