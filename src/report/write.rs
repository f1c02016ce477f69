//! Renderers for `embed` and `set`: what was (or would be) written where.

use super::table::Style;
use crate::model::CodeKind;
use crate::sanitize::{message, terminal, value};
use crate::write::{FileResult, Status};
use serde::Serialize;
use std::io::{self, Write};

/// The schema id of the JSON document.
pub const SCHEMA: &str = "isrckit/embed/1";

/// Counts of a write run.
#[derive(Debug, Default, Serialize)]
pub struct WriteSummary {
    /// Files rewritten and verified.
    pub written: u64,
    /// Files that already held the codes.
    pub unchanged: u64,
    /// Files a dry run would rewrite.
    pub planned: u64,
    /// Files not written.
    pub failed: u64,
    /// Files left alone: not audio (present only when there are some).
    #[serde(skip_serializing_if = "is_zero")]
    pub skipped: u64,
    /// Names of a file already listed under another name (written once):
    /// present only when there are some.
    #[serde(skip_serializing_if = "is_zero")]
    pub same_file: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl WriteSummary {
    /// Count results.
    pub fn of(results: &[FileResult]) -> Self {
        let mut s = WriteSummary::default();
        for r in results {
            match r.status {
                Status::Written => s.written += 1,
                Status::Unchanged => s.unchanged += 1,
                Status::Planned => s.planned += 1,
                Status::Failed => s.failed += 1,
                Status::Skipped => s.skipped += 1,
                _ => s.same_file += 1,
            }
        }
        s
    }
}

/// `{"schema", "dry_run", "files": [...], "summary": {...}}`.
pub fn json(out: &mut dyn Write, results: &[FileResult], dry_run: bool) -> io::Result<()> {
    #[derive(Serialize)]
    struct Doc<'a> {
        schema: &'static str,
        dry_run: bool,
        files: &'a [FileResult],
        summary: WriteSummary,
    }
    serde_json::to_writer_pretty(
        &mut *out,
        &Doc {
            schema: SCHEMA,
            dry_run,
            files: results,
            summary: WriteSummary::of(results),
        },
    )?;
    writeln!(out)
}

/// One block per file: status, then `location: old → new` per change.
pub fn table(
    out: &mut dyn Write,
    results: &[FileResult],
    dry_run: bool,
    style: Style,
) -> io::Result<()> {
    for r in results {
        let (word, colour) = match r.status {
            Status::Written => ("written", "32"),
            Status::Unchanged => ("unchanged", "2"),
            Status::Planned => ("would write", "36"),
            Status::Failed => ("NOT WRITTEN", "31;1"),
            Status::Skipped => ("skipped", "2"),
            _ => ("same file", "2"),
        };
        let real = r.real_path.as_ref().map_or(String::new(), |p| {
            format!(" → {}", terminal(&crate::platform::shown(p)))
        });
        writeln!(
            out,
            "{:<12} {}{real}",
            style.paint(colour, word),
            terminal(&crate::platform::shown(&r.path))
        )?;
        if let Some(same) = &r.same_as {
            writeln!(
                out,
                "             the file of {}, written once under that name",
                terminal(&crate::platform::shown(same))
            )?;
        }
        for c in &r.changes {
            let kind = match c.kind {
                CodeKind::Isrc => "ISRC",
                CodeKind::Barcode => "barcode",
            };
            writeln!(
                out,
                "             {kind} at {}: {} → {}",
                message(&c.location),
                c.old
                    .as_deref()
                    .map_or("(new)".to_string(), |o| format!("\"{}\"", value(o))),
                c.new
            )?;
        }
        for n in &r.notes {
            writeln!(out, "             note: {}", terminal(n))?;
        }
        if let Some(e) = &r.error {
            writeln!(out, "             {}", style.paint("31", &message(e)))?;
        }
    }
    let s = WriteSummary::of(results);
    let skipped = if s.skipped > 0 {
        format!(", {} skipped (not audio)", s.skipped)
    } else {
        String::new()
    };
    let same = match s.same_file {
        0 => String::new(),
        1 => "; 1 name was another name of a file above".into(),
        n => format!("; {n} names were other names of files above"),
    };
    if dry_run {
        writeln!(
            out,
            "\ndry run: {} file{} would be written, {} already hold the codes, {} cannot be written{skipped}{same}; nothing was written",
            s.planned,
            if s.planned == 1 { "" } else { "s" },
            s.unchanged,
            s.failed
        )
    } else {
        writeln!(
            out,
            "\n{} written and verified, {} unchanged (already held the codes), {} not written{skipped}{same}",
            s.written, s.unchanged, s.failed
        )
    }
}

/// `path,status,kind,location,old,new,error`: one row per change, and one
/// row for a file with none (unchanged or failed), RFC 4180 quoting.
pub fn csv(out: &mut dyn Write, results: &[FileResult]) -> io::Result<()> {
    use super::audit::csv::field;
    writeln!(out, "path,status,kind,location,old,new,error")?;
    for r in results {
        let path = crate::platform::path_text(&r.path);
        let status = match r.status {
            Status::Written => "written",
            Status::Unchanged => "unchanged",
            Status::Planned => "planned",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
            _ => "same-file",
        };
        // A same-file row names the file's other name where a failed
        // row says why.
        let note = r
            .same_as
            .as_ref()
            .map(|p| format!("same file as {}", p.to_string_lossy()));
        let error = r.error.as_deref().or(note.as_deref()).unwrap_or_default();
        if r.changes.is_empty() {
            writeln!(out, "{},{status},,,,,{}", field(&path), field(error))?;
        }
        for c in &r.changes {
            writeln!(
                out,
                "{},{status},{},{},{},{},{}",
                field(&path),
                c.kind,
                field(&c.location),
                field(c.old.as_deref().unwrap_or_default()),
                field(&c.new),
                field(error)
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Change;

    fn hostile() -> Vec<FileResult> {
        vec![FileResult {
            path: "=1+1\x1b[2J.wav".into(),
            real_path: None,
            same_as: None,
            notes: Vec::new(),
            status: Status::Planned,
            changes: vec![Change {
                kind: CodeKind::Barcode,
                location: "ID3v2.4 TXXX:BARCODE".into(),
                old: Some(format!("=HYPERLINK(\"x\")\u{202e}{}", "9".repeat(300))),
                new: "075678164125".into(),
            }],
            error: Some("@bad \x07".into()),
        }]
    }

    #[test]
    fn csv_escapes_and_neutralises() {
        let mut out = Vec::new();
        csv(&mut out, &hostile()).expect("csv");
        let out = String::from_utf8(out).expect("utf-8");
        assert_eq!(
            out.lines().nth(1),
            Some(
                format!(
                    "'=1+1\\u{{1b}}[2J.wav,planned,barcode,ID3v2.4 TXXX:BARCODE,\"'=HYPERLINK(\"\"x\"\")\\u{{202e}}{}\",075678164125,'@bad \\u{{7}}",
                    "9".repeat(300)
                )
                .as_str()
            )
        );
    }

    #[test]
    fn table_escapes_and_cuts() {
        let mut out = Vec::new();
        table(&mut out, &hostile(), true, Style { color: false }).expect("table");
        let out = String::from_utf8(out).expect("utf-8");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "would write  =1+1\\u{1b}[2J.wav");
        assert_eq!(
            lines[1],
            format!(
                "             barcode at ID3v2.4 TXXX:BARCODE: \"=HYPERLINK(\"x\")\\u{{202e}}{}…[116 bytes left out]\" → 075678164125",
                "9".repeat(184)
            )
        );
        assert_eq!(lines[2], "             @bad \\u{7}");
    }
}
