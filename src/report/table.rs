//! `--format table`: the human view. One block per file: a header line,
//! one line per code site, then the file's warnings; a summary at the end.
//! Text from files is escaped, and long values and messages cut, as
//! [`crate::sanitize`] says.

use crate::model::{CodeKind, FileReport};
use crate::sanitize::{message, terminal, value};
use std::io::{self, Write};

/// Terminal colours, decided once by the caller.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Whether to emit ANSI colours.
    pub color: bool,
}

impl Style {
    /// `s` in the ANSI colour `code` when colour is on.
    pub(crate) fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// Write the table for `reports`.
pub fn write(
    out: &mut dyn Write,
    reports: &[FileReport],
    skipped: &crate::walk::Skipped,
    style: Style,
) -> io::Result<()> {
    let (mut isrcs, mut barcodes, mut failed) = (0, 0, 0);
    for r in reports {
        let path = crate::platform::shown(&r.path);
        let kind = match (&r.container, &r.format) {
            (_, Some(f)) => f.clone(),
            (Some(c), None) => c.name().to_string(),
            (None, None) => "-".to_string(),
        };
        let duration = r
            .audio
            .as_ref()
            .and_then(|a| a.duration_ms)
            .map(|ms| format!(", {}:{:02}.{:03}", ms / 60_000, ms / 1000 % 60, ms % 1000))
            .unwrap_or_default();
        write!(
            out,
            "{}  [{kind}{duration}]",
            style.paint("1", &terminal(&path))
        )?;
        if let Some(t) = &r.title {
            write!(out, "  \"{}\"", value(t))?;
        }
        writeln!(out)?;
        if r.codes.is_empty() && r.container.is_some() {
            writeln!(out, "    (no ISRC or barcode found)")?;
        }
        for c in &r.codes {
            match c.kind {
                CodeKind::Isrc => isrcs += 1,
                CodeKind::Barcode => barcodes += 1,
            }
            let verdict = if c.valid {
                style.paint("32", "valid  ")
            } else {
                style.paint("31", "INVALID")
            };
            let shown = match &c.value {
                Some(v) if *v != c.raw => format!("{v} (stored \"{}\")", value(&c.raw)),
                Some(v) => v.clone(),
                None => format!("\"{}\"", value(&c.raw)),
            };
            writeln!(
                out,
                "    {:<7}  {}  {}  at {}",
                match c.kind {
                    CodeKind::Isrc => "ISRC",
                    CodeKind::Barcode => "BARCODE",
                },
                verdict,
                shown,
                message(&c.location.describe())
            )?;
            if let Some(p) = &c.problem {
                writeln!(out, "             {}", style.paint("31", &message(p)))?;
            }
            for n in &c.notes {
                writeln!(out, "             note: {}", message(n))?;
            }
        }
        for (kind, words) in [(CodeKind::Isrc, "ISRCs"), (CodeKind::Barcode, "barcodes")] {
            let d = r.distinct(kind);
            if d.len() > 1 {
                let msg = format!(
                    "! {} different {words} in this file: {}",
                    d.len(),
                    d.join(", ")
                );
                writeln!(out, "    {}", style.paint("33;1", &msg))?;
            }
        }
        for n in &r.notes {
            writeln!(out, "    note: {}", message(n))?;
        }
        if let Some(e) = &r.error {
            failed += 1;
            writeln!(out, "    {} {}", style.paint("31;1", "error:"), message(e))?;
        }
    }
    writeln!(
        out,
        "\n{} file{}: {} read, {} with errors; {} ISRC site{}, {} barcode site{}",
        reports.len(),
        if reports.len() == 1 { "" } else { "s" },
        reports.len() - failed,
        failed,
        isrcs,
        if isrcs == 1 { "" } else { "s" },
        barcodes,
        if barcodes == 1 { "" } else { "s" },
    )?;
    if let Some(line) = skipped_line(skipped) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// `skipped: 2 not audio, 1 isrckit temp files, …`: what a walk left out,
/// by reason; `None` when it left out nothing.
pub(crate) fn skipped_line(skipped: &crate::walk::Skipped) -> Option<String> {
    let parts: Vec<String> = [
        (skipped.not_audio, "not audio"),
        (skipped.temp_files, "isrckit temp files"),
        (skipped.system_files, "macOS system files"),
        (skipped.vcs_folders, "version-control folders"),
        (skipped.filtered, "left out by --include/--exclude"),
        (
            skipped.image_files,
            "files of DDP images (read through their DDPID)",
        ),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    (!parts.is_empty()).then(|| format!("skipped: {}", parts.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::audit::fixture;

    #[test]
    fn text_from_files_is_escaped_and_long_values_cut() {
        let mut reports = fixture::reports();
        reports.truncate(1);
        let r = &mut reports[0];
        r.path = "a\x1b[31m.wav".into();
        r.title = Some("\u{202e}evil\x07".into());
        r.codes[0].raw = format!("\x1b]0;t\x07{}", "Q".repeat(300));
        r.codes[0].value = None;
        r.codes[0].problem = Some("bad\nline".into());
        r.notes.push("note \u{2066}".into());
        r.error = Some("damaged \x1b[2J".into());
        let mut out = Vec::new();
        write(
            &mut out,
            &reports,
            &Default::default(),
            Style { color: false },
        )
        .expect("write");
        let out = String::from_utf8(out).expect("utf-8");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            "a\\u{1b}[31m.wav  [RIFF WAVE, 1:01.500]  \"\\u{202e}evil\\u{7}\""
        );
        // 200 characters of the raw value (6 of them before the Qs), then
        // what was left out: 106 Qs.
        assert_eq!(
            lines[1],
            format!(
                "    ISRC     valid    \"\\u{{1b}}]0;t\\u{{7}}{}…[106 bytes left out]\"  at chunk \"id3 \" › ID3v2.3 TSRC @12",
                "Q".repeat(194)
            )
        );
        assert_eq!(lines[2], "             bad\\u{a}line");
        assert_eq!(lines[4], "    note: note \\u{2066}");
        assert_eq!(lines[5], "    error: damaged \\u{1b}[2J");
    }
}
