//! `audit --format junit`: JUnit XML, as Jenkins, GitLab and the GitHub
//! test-report actions read it.
//!
//! ```text
//! <testsuites name="isrckit audit" tests="N" failures="F" errors="0">
//!   <testsuite name="PATH" tests=".." failures=".." errors="0" skipped="0">
//!     <testcase name="RULE-ID" classname="PATH" file="PATH">
//!       <failure type="RULE-ID" message="MESSAGE">severity, message, code,
//!       location, related files, fix</failure>
//!     </testcase>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! One suite per file walked; one case per rule that fired on the file,
//! with one `<failure>` per finding; a file without findings gets one
//! passing case named `audit`, so a clean run still shows that the check
//! ran. `tests` counts cases and `failures` failing cases. Characters that
//! XML 1.0 forbids (C0 but TAB, LF, CR), and the other control and bidi
//! characters ([`crate::sanitize`]), are written as `\u{..}` text; TAB,
//! LF and CR are kept (as character references in attributes).

use super::path_text;
use crate::audit::{Finding, Record, Sink, Summary};
use crate::sanitize::is_escaped;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

/// Writes the JUnit document at the end of the run.
pub struct JunitSink<W> {
    out: W,
}

impl<W: Write> JunitSink<W> {
    /// A JUnit renderer writing into `out`.
    pub fn new(out: W) -> Self {
        JunitSink { out }
    }

    /// The writer back (tests read what was rendered).
    #[cfg(test)]
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// Whether XML 1.0 allows `c` in a document.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escape for an attribute value (in double quotes). Tab, LF and CR become
/// character references, which parsers keep (literal ones become spaces).
fn attr(s: &str) -> String {
    escape(s, true)
}

/// Escape for element text.
fn text(s: &str) -> String {
    escape(s, false)
}

fn escape(s: &str, in_attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' if in_attr => {
                let _ = write!(out, "&#{};", c as u32);
            }
            '\t' | '\n' => out.push(c),
            // What XML 1.0 forbids (the rest of C0) would make the file
            // unreadable; the other controls (DEL, C1) and bidi controls are
            // allowed but unsafe in a log or viewer.
            c if !allowed(c) || is_escaped(c) => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out
}

/// The failure's text: everything a reader needs without the tool.
fn failure_body(f: &Finding) -> String {
    let mut s = format!("{}: {}\n", f.severity.name(), f.message);
    if let Some(code) = &f.code {
        let _ = writeln!(s, "code: {code}");
    }
    if let Some(location) = &f.location {
        let _ = writeln!(s, "location: {location}");
    }
    for r in &f.related {
        let _ = writeln!(s, "related: {}", path_text(r));
    }
    let _ = write!(s, "fix: {}", f.rule.info().fix);
    s
}

/// One file's findings grouped by rule, in the order they came.
fn by_rule<'a>(findings: &[&'a Finding]) -> Vec<Vec<&'a Finding>> {
    let mut groups: Vec<Vec<&Finding>> = Vec::new();
    for f in findings {
        match groups.iter_mut().find(|g| g[0].rule == f.rule) {
            Some(g) => g.push(f),
            None => groups.push(vec![f]),
        }
    }
    groups
}

impl<W: Write> JunitSink<W> {
    fn suite(&mut self, path: &Path, findings: &[&Finding]) -> io::Result<()> {
        let p = attr(&path_text(path));
        let groups = by_rule(findings);
        let tests = groups.len().max(1);
        writeln!(
            self.out,
            "  <testsuite name=\"{p}\" tests=\"{tests}\" failures=\"{}\" errors=\"0\" skipped=\"0\">",
            groups.len()
        )?;
        if groups.is_empty() {
            writeln!(
                self.out,
                "    <testcase name=\"audit\" classname=\"{p}\" file=\"{p}\"/>"
            )?;
        }
        for g in groups {
            let id = g[0].rule.id();
            writeln!(
                self.out,
                "    <testcase name=\"{id}\" classname=\"{p}\" file=\"{p}\">"
            )?;
            for f in g {
                writeln!(
                    self.out,
                    "      <failure type=\"{id}\" message=\"{}\">{}</failure>",
                    attr(&f.message),
                    text(&failure_body(f))
                )?;
            }
            writeln!(self.out, "    </testcase>")?;
        }
        writeln!(self.out, "  </testsuite>")
    }
}

impl<W: Write> Sink for JunitSink<W> {
    fn finish(
        &mut self,
        records: &[Record],
        findings: &[Finding],
        _summary: &Summary,
    ) -> io::Result<()> {
        // Suites: every file walked, then (should a finding name a file
        // that was not walked) those files, in the order of the findings.
        let mut of_path: HashMap<&Path, Vec<&Finding>> = HashMap::new();
        let mut extra: Vec<&Path> = Vec::new();
        let walked: std::collections::HashSet<&Path> =
            records.iter().map(|r| r.path.as_path()).collect();
        for f in findings {
            let list = of_path.entry(f.path.as_path()).or_default();
            if list.is_empty() && !walked.contains(f.path.as_path()) {
                extra.push(&f.path);
            }
            list.push(f);
        }
        let suites: Vec<&Path> = records
            .iter()
            .map(|r| r.path.as_path())
            .chain(extra)
            .collect();
        let (mut tests, mut failures) = (0, 0);
        for p in &suites {
            let n = by_rule(of_path.get(p).map(Vec::as_slice).unwrap_or_default()).len();
            tests += n.max(1);
            failures += n;
        }
        writeln!(self.out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(
            self.out,
            "<testsuites name=\"isrckit audit\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
        )?;
        for p in suites {
            let list = of_path.remove(p).unwrap_or_default();
            self.suite(p, &list)?;
        }
        writeln!(self.out, "</testsuites>")?;
        self.out.flush()
    }
}

#[cfg(test)]
#[path = "junit_tests.rs"]
mod tests;
