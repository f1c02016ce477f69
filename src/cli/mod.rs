//! Command-line definitions (clap derive) and the commands' glue.

use crate::engine;
use crate::model::FileReport;
use crate::report::{self, table::Style};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

/// Read, write and audit the ISRC and UPC/EAN codes of music masters.
#[derive(Debug, Parser)]
#[command(name = "isrckit", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show every ISRC and barcode in files or folders, where each sits, and
    /// whether it is valid.
    ///
    /// Reads WAV/BWF (RIFF, RF64, BW64), AIFF/AIFC, FLAC, MP3 and MP4/M4A,
    /// deciding the type from the bytes, never the name. Only metadata is
    /// read, never the audio. Folders are walked recursively; every file
    /// appears in the output, with an error if it is not audio or is damaged.
    ///
    /// Exit status: 0 every file was read; 1 some could not be (the rest is
    /// still reported); 2 usage error, or nothing could be read.
    #[command(
        after_help = "Examples:\n  isrckit inspect master.wav\n  isrckit inspect --format json masters/ > codes.json"
    )]
    Inspect(InspectArgs),
}

/// Arguments of `inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// Files or folders to read.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format: a table for people, JSON for programs (schema in the README).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// When to colour the table: auto (a terminal, and NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Output formats of `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable blocks, one per file.
    Table,
    /// The JSON document described in the README.
    Json,
}

/// Colour choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// How a run ended; `main` turns it into the process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// 0: everything read (or, later, no findings at the threshold).
    Success,
    /// 1: some files could not be read (or findings at the threshold).
    Problems,
    /// 2: usage error, I/O error, or nothing could be read.
    Error,
}

impl ExitCode {
    /// The numeric status.
    pub fn code(self) -> i32 {
        match self {
            ExitCode::Success => 0,
            ExitCode::Problems => 1,
            ExitCode::Error => 2,
        }
    }
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> io::Result<ExitCode> {
    match cli.command {
        Command::Inspect(args) => inspect(args),
    }
}

fn inspect(args: InspectArgs) -> io::Result<ExitCode> {
    let (files, walk_errors) = engine::collect_files(&args.paths);
    let mut reports = engine::read_files(&files);
    for (path, why) in walk_errors {
        let mut r = engine::read_bytes(&path, &[]);
        r.error = Some(why);
        r.status = crate::model::FileStatus::Unreadable;
        reports.push(r);
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match args.format {
        Format::Json => report::json::write(&mut out, &reports)?,
        Format::Table => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            report::table::write(&mut out, &reports, Style { color })?;
        }
    }
    out.flush()?;
    Ok(outcome(&reports))
}

/// 0 when every file was read, 1 when some could not be, 2 when none could.
fn outcome(reports: &[FileReport]) -> ExitCode {
    if reports.is_empty() || reports.iter().all(|r| r.container.is_none()) {
        ExitCode::Error
    } else if reports.iter().any(|r| r.error.is_some()) {
        ExitCode::Problems
    } else {
        ExitCode::Success
    }
}
