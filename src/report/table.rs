//! `--format table`: the human view. One block per file: a header line,
//! one line per code site, then the file's warnings; a summary at the end.

use super::sanitize;
use crate::model::{CodeKind, FileReport};
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
pub fn write(out: &mut dyn Write, reports: &[FileReport], style: Style) -> io::Result<()> {
    let (mut isrcs, mut barcodes, mut failed) = (0, 0, 0);
    for r in reports {
        let path = r.path.to_string_lossy();
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
            style.paint("1", &sanitize(&path))
        )?;
        if let Some(t) = &r.title {
            write!(out, "  \"{}\"", sanitize(t))?;
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
                Some(v) if *v != c.raw => format!("{v} (stored \"{}\")", sanitize(&c.raw)),
                Some(v) => v.clone(),
                None => format!("\"{}\"", sanitize(&c.raw)),
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
                sanitize(&c.location.describe())
            )?;
            if let Some(p) = &c.problem {
                writeln!(out, "             {}", style.paint("31", &sanitize(p)))?;
            }
            for n in &c.notes {
                writeln!(out, "             note: {}", sanitize(n))?;
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
            writeln!(out, "    note: {}", sanitize(n))?;
        }
        if let Some(e) = &r.error {
            failed += 1;
            writeln!(out, "    {} {}", style.paint("31;1", "error:"), sanitize(e))?;
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
    )
}
