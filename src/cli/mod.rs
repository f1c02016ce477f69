//! Command-line definitions (clap derive) and the commands' glue.

use crate::audit::{self, AuditOptions, Settings};
use crate::engine;
use crate::model::FileReport;
use crate::report::{self, audit::AuditFormat, table::Style};
use crate::sanitize;
use crate::write::{FileResult, Status};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

mod cue;
mod ledger;
mod remote;

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
    /// A DDP image's folder is one report (its DDPID), every site of each
    /// code listed with its file, entry, byte offset, track, index and time.
    ///
    /// Exit status: 0 every file was read; 1 some could not be (the rest is
    /// still reported); 2 usage error, or nothing could be read.
    #[command(
        after_help = "Examples:\n  isrckit inspect master.wav\n  isrckit inspect --format json masters/ > codes.json"
    )]
    Inspect(InspectArgs),
    /// Check a folder of masters before upload, and in CI: every track has
    /// a valid ISRC, no code is used for two recordings, one valid barcode
    /// per release.
    ///
    /// Rules (ids are stable; select, ignore and re-grade them): isrc-missing,
    /// isrc-invalid, isrc-noncanonical, isrc-conflict, isrc-duplicate,
    /// isrc-registrant, isrc-year, isrc-prefix, barcode-missing,
    /// barcode-invalid, barcode-conflict, barcode-inconsistent,
    /// barcode-shared, barcode-subset, unreadable, lfs-pointer, with
    /// --ledger ledger-unknown, ledger-void, ledger-mismatch, and on CD
    /// masters cd-isrc-mismatch, cd-barcode-mismatch, cd-track-mismatch.
    /// The README explains each with an example and its fix.
    ///
    /// --cd DISC checks a CD master (a DDP image's folder or DDPID, a CUE
    /// sheet, a cdrdao TOC file) against the masters it was made from (the
    /// PATHs; for a sheet alone, the files it names): the same tracks in
    /// the same order and lengths (PQ or INDEX times, within
    /// --cd-tolerance), each track's ISRC its master's, the disc's UPC/EAN
    /// the masters'. Tracks are paired with masters by the sheet's FILE
    /// names, the track numbers the masters' names start with, or their
    /// lengths.
    ///
    /// Settings come from flags, then from isrckit.toml in the audited folder
    /// or the nearest folder above it ([audit] table, same names as the flags).
    /// Version-control folders (.git, ...) are never audited; a file named on
    /// the command line is audited whatever the globs say.
    ///
    /// Exit status: 0 no finding at or above --fail-on; 1 findings at or above
    /// it (decided by the findings even when the reader of the output goes
    /// away, as with `| head`); 2 usage, configuration or I/O error, or
    /// nothing audited (no audio file found; --allow-empty makes that 0), or
    /// with --cd nothing of the disc could be read.
    #[command(
        after_help = "Examples:\n  isrckit audit masters/\n  isrckit audit --registrant USRC1 --fail-on warning .\n  isrckit audit --format github .            # annotations in GitHub Actions\n  isrckit audit --format junit . > isrckit.xml\n  isrckit audit --cd DDP/ masters/           # a DDP image against its masters\n  isrckit audit --cd masters/album.cue       # a CUE sheet and the files it names"
    )]
    Audit(Box<AuditArgs>),
    /// Write an ISRC and/or a barcode into one file, or a barcode into every
    /// file of a release folder, without touching the audio.
    ///
    /// Every existing site of a kind written is updated too (an old RIFF INFO
    /// ISRC, a TXXX:ISRC, a second ID3 chunk), so no stale code remains. Each
    /// file is written to a temp copy, checked (codes read back, audio bytes
    /// and the file's other parts compared with the original's) and only then
    /// put in place; a code of the same length whose bytes fit in one page is
    /// checked the same way and then patched in place. A file that already
    /// holds the codes is not touched. Everything is checked before anything
    /// is written: one bad file writes nothing.
    ///
    /// A DDP image (its folder, or its DDPID) is patched as a whole: --track
    /// N --isrc CODE rewrites every site of track N's ISRC (PQ entries,
    /// DDPMS packets, CD-TEXT packs with their CRCs), --barcode every site
    /// of the disc's UPC/EAN (DDPID too), and the image's MD5 list (*.md5,
    /// CHECKSUM) gets the new hashes; the audio stream is never written; a
    /// damaged image is refused. docs/ddp.md has the bytes.
    ///
    /// Exit status: 0 every file written or already right; 1 some could not
    /// be written (the originals are as they were); 2 usage error.
    #[command(
        after_help = "Examples:\n  isrckit set --isrc US-RC1-76-07839 master.wav\n  isrckit set --barcode 075678164125 releases/album/\n  isrckit set --isrc USRC17607839 --targets wav:info --dry-run master.wav\n  isrckit set --track 3 --isrc GB-AYE-26-00003 --dry-run DDP/"
    )]
    Set(SetArgs),
    /// Embed a label's ISRCs and barcodes into delivered masters, from a
    /// manifest (CSV or JSON), without touching the audio.
    ///
    /// The manifest has a header row and a row per track: `path` (relative
    /// to ROOT, default the manifest's folder) and `isrc`, optionally
    /// `barcode`; or `release` + `track` (the number a file name starts
    /// with), or `title` (the title tag) instead of `path`; the names
    /// distributors use (UPC, EAN, ISRC Code, Track #, File Name, Album,
    /// Track Title, ...) are read too. Excel-saved CSV (BOM, `;`, CRLF),
    /// Excel's "Unicode text" (UTF-16, TAB-separated) and a JSON list of
    /// objects with the same keys work; a CSV that is not UTF-8 is read as
    /// Windows-1252, with a note. A row whose `track` or `title` matches the
    /// copies of one recording in several formats gives its codes to all.
    ///
    /// The whole manifest is checked before anything is written: one bad row
    /// (an invalid code, a missing file, a file matched twice, one ISRC on two
    /// different recordings, two barcodes in one release, an unknown column)
    /// writes nothing, and every bad row is listed with its line number (with
    /// `--format json`, also as a JSON document on stdout). Only files inside
    /// ROOT are written: a symlink leading out of it is a bad row. Each
    /// file is then written as `isrckit set` writes it, checked before it
    /// replaces the original; files that already hold their codes are left
    /// alone.
    ///
    /// Exit status: 0 every file written or already right; 1 some files not
    /// written (the originals are as they were); 2 a bad manifest or usage.
    #[command(
        after_help = "Examples:\n  isrckit embed --manifest codes.csv --dry-run\n  isrckit embed --manifest delivery/codes.csv delivery/\n  isrckit embed --manifest codes.json --targets wav:info masters/"
    )]
    Embed(EmbedArgs),
    /// Hand out the next free ISRC of your prefix to a recording, and record
    /// it with its reference metadata in the ledger.
    ///
    /// The code carries the year of reference: the year of assignment (this
    /// year unless --year says otherwise), not the year of recording. It is
    /// printed alone on standard output. A code is never handed out twice,
    /// even by several processes at once; a voided code is never handed out
    /// again. With --file, the file's audio is hashed (BLAKE3 of the audio
    /// payload): audio that already has a code is refused, naming it. A
    /// title that already has a code, by the same artist, is refused unless
    /// --version (or the audio, or the duration) tells the recordings apart,
    /// and then noted on stderr for a look.
    ///
    /// --from TRACKS assigns a code to each row of a CSV or JSON table
    /// (columns title, artist, version, duration, year, file, content_type,
    /// first_published), all or none, and writes a manifest for `isrckit
    /// embed` (path,isrc: the rows with a file). --embed writes each code
    /// into its file at once, checked as `isrckit set` writes.
    ///
    /// The ledger is --ledger FILE, else [ledger] path in isrckit.toml (found
    /// from the current folder upward), else isrckit-ledger.db here.
    ///
    /// Exit status: 0 codes assigned (and written, with --embed); 1 codes
    /// assigned but some files not written; 2 nothing assigned (a refusal,
    /// the range used up, a bad table, usage).
    #[command(
        disable_version_flag = true,
        after_help = "Examples:\n  isrckit assign --title 'Night Drive' --artist 'The Example' --duration 3:35\n  isrckit assign --title 'Night Drive' --artist 'The Example' --version 'Extended Mix' --file masters/night-drive-ext.wav --embed\n  isrckit assign --from tracks.csv --output codes.csv && isrckit embed --manifest codes.csv"
    )]
    Assign(Box<AssignArgs>),
    /// The registrant's ledger: its prefixes, voided codes, exports and
    /// imports.
    ///
    /// One SQLite file (--ledger FILE, else [ledger] path in isrckit.toml,
    /// else isrckit-ledger.db in the current folder) holding the prefixes
    /// and every code handed out, with the reference metadata the ISRC
    /// handbook asks registrants to keep. Its schema is versioned: a ledger
    /// written by a newer isrckit is refused, unchanged.
    ///
    /// Exit status: 0 done; 2 refused (every problem listed), or usage.
    #[command(
        after_help = "Examples:\n  isrckit ledger init --prefix AUXYZ --range 00000-49999\n  isrckit ledger void AUXYZ2600012 --reason 'assigned to the wrong mix'\n  isrckit ledger export --format csv > codes.csv\n  isrckit ledger import old-codes.csv"
    )]
    Ledger(LedgerArgs),
    /// Write a CUE sheet for a CD master from the masters' tags or from a
    /// manifest: CATALOG (the barcode), then per track FILE, TRACK, TITLE,
    /// ISRC and INDEX 01, one FILE per track, as DDP authoring tools and
    /// burners take it.
    ///
    /// Tracks are in the order of the numbers the file names start with
    /// (01 Intro.wav), else of the names. Each track's ISRC and the disc's
    /// barcode come from the files' tags (every site read, as `inspect`
    /// shows them) or, with --manifest, from the manifest `isrckit embed`
    /// reads; titles come from the tags. FILE names are relative to the
    /// sheet's folder: write it into the masters' folder (-o masters/album.cue).
    ///
    /// Refused, with nothing written: two barcodes among the masters, a
    /// file with two ISRCs or only an invalid one, more than 99 tracks, and
    /// a name or text CUE cannot carry (a double quote or a line break:
    /// CUE has no escapes). The sheet is read back by isrckit's CUE reader
    /// before it is written and must give the same codes. With -o, it is
    /// written through a temp file, and an existing file is replaced only
    /// with --force. Check the DDP made from it with `isrckit audit --cd`.
    ///
    /// Exit status: 0 written; 2 refused (every reason on stderr), or usage.
    #[command(after_help = "Examples:
  isrckit cue masters/ -o masters/album.cue
  isrckit cue --manifest codes.csv --title 'Album' --performer 'The Example' -o album/album.cue
  isrckit cue masters/ | cueconvert -i cue -o toc    # the same as a cdrdao TOC file")]
    Cue(cue::CueArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish,
    /// powershell) to standard output.
    #[command(
        after_help = "Examples:\n  isrckit completions bash > ~/.local/share/bash-completion/completions/isrckit\n  isrckit completions zsh > ~/.zfunc/_isrckit\n  isrckit completions fish > ~/.config/fish/completions/isrckit.fish"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print a manual page (roff, generated from this help) to standard
    /// output: isrckit(1), or a command's page, isrckit-audit(1) and so on.
    #[command(
        after_help = "Examples:\n  isrckit man > /usr/local/share/man/man1/isrckit.1\n  isrckit man audit > /usr/local/share/man/man1/isrckit-audit.1\n  isrckit man audit | man -l -"
    )]
    Man {
        /// The command whose page to print (none: the main page).
        command: Option<String>,
    },
}

/// Arguments of `assign`.
#[derive(Debug, clap::Args)]
pub struct AssignArgs {
    /// The track title.
    #[arg(
        long,
        value_name = "TITLE",
        required_unless_present = "from",
        conflicts_with = "from"
    )]
    pub title: Option<String>,
    /// The main artist.
    #[arg(
        long,
        value_name = "ARTIST",
        required_unless_present = "from",
        conflicts_with = "from"
    )]
    pub artist: Option<String>,
    /// The version: remix, live, remaster, radio edit… (a different
    /// recording of a title needs its own code).
    #[arg(long, value_name = "VERSION", conflicts_with = "from")]
    pub version: Option<String>,
    /// The duration: seconds (215), M:SS (3:35) or H:MM:SS [default: the file's, with --file].
    #[arg(long, value_name = "S", conflicts_with = "from")]
    pub duration: Option<String>,
    /// The year of reference, YY or YYYY [default: this year, the year of
    /// assignment]; a year to come is refused.
    #[arg(long, value_name = "YY")]
    pub year: Option<String>,
    /// The recording's file: its audio is hashed, so the same audio is never
    /// given two codes; with --embed the code is written into it.
    #[arg(long, value_name = "PATH", conflicts_with = "from")]
    pub file: Option<PathBuf>,
    /// Audio or video (a music video has its own ISRC).
    #[arg(long, value_name = "TYPE", value_parser = ["audio", "video"], default_value = "audio")]
    pub content_type: String,
    /// The year of first publication, if published.
    #[arg(long, value_name = "YYYY")]
    pub first_published: Option<u16>,
    /// Assign a code to each row of this CSV or JSON table (file paths
    /// relative to its folder); all rows or none.
    #[arg(long, value_name = "TRACKS")]
    pub from: Option<PathBuf>,
    /// With --from: write the manifest for `isrckit embed` here [default:
    /// standard output]. Its paths are relative to the table's folder.
    #[arg(long, short, value_name = "FILE", requires = "from")]
    pub output: Option<PathBuf>,
    /// Write each code into its file at once (as `isrckit set` writes,
    /// checked before the original is replaced).
    #[arg(long)]
    pub embed: bool,
    /// The ledger file.
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
}

/// Arguments of `ledger`.
#[derive(Debug, clap::Args)]
pub struct LedgerArgs {
    /// The ledger file [default: [ledger] path in isrckit.toml, else isrckit-ledger.db].
    #[arg(long, value_name = "FILE", global = true)]
    pub ledger: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: LedgerCommand,
}

/// The `ledger` commands.
#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Create the ledger (or open it) and add your registrant prefix, with the
    /// part of the designation range your agency gave you.
    #[command(
        after_help = "Examples:\n  isrckit ledger init --prefix AUXYZ\n  isrckit ledger init --prefix AU-XYZ --range 00000-49999"
    )]
    Init {
        /// The registrant prefix: country code and registrant code, CCXXX.
        #[arg(long, value_name = "CCXXX")]
        prefix: String,
        /// The designation codes you may hand out each year [default: 00000-99999].
        #[arg(long, value_name = "FIRST-LAST")]
        range: Option<String>,
    },
    /// Void a code: it stays in the ledger, marked void with its reason, and
    /// is never handed out again.
    #[command(
        after_help = "Example:\n  isrckit ledger void AUXYZ2600012 --reason 'assigned twice by mistake'"
    )]
    Void {
        /// The code.
        #[arg(value_name = "CODE")]
        code: String,
        /// Why (kept in the ledger).
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// Print every code with its reference metadata, the columns an agency's
    /// registration form asks for: isrc, artist, title, version, duration
    /// (M:SS), content_type (audio or video), first_published, assigned
    /// (YYYY-MM-DD), status (active or void), void_reason, voided,
    /// audio_hash, file (README: "`isrckit assign` and the ledger").
    #[command(
        after_help = "Examples:\n  isrckit ledger export > codes.csv\n  isrckit ledger export --format json > ledger.json"
    )]
    Export {
        /// csv: a header row and a row per code; json: {"schema": "isrckit/ledger/1", "prefixes": […], "codes": […]}.
        #[arg(long, value_name = "FORMAT", value_parser = ["csv", "json"], default_value = "csv")]
        format: String,
        /// Write to this file instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Record codes handed out before the ledger, from a spreadsheet (CSV or
    /// JSON; an export of a ledger too). The whole file is checked first: an
    /// invalid code, a code twice, a code already in the ledger or outside
    /// its prefixes refuses the whole import, every problem listed by line.
    #[command(after_help = "Example:\n  isrckit ledger import old-codes.csv")]
    Import {
        /// The spreadsheet: columns isrc, artist, title, and optionally
        /// version, duration, content_type, first_published, assigned,
        /// status, void_reason, voided, audio_hash, file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

/// Arguments of `embed`.
#[derive(Debug, clap::Args)]
pub struct EmbedArgs {
    /// The manifest: CSV (`,`, `;` or TAB) or JSON; `-` reads it from standard
    /// input.
    #[arg(long, value_name = "FILE")]
    pub manifest: PathBuf,
    /// The folder the manifest's paths are relative to [default: the manifest's
    /// folder; the current folder when the manifest is read from standard input].
    #[arg(value_name = "ROOT")]
    pub root: Option<PathBuf>,
    /// Where, how and what to show.
    #[command(flatten)]
    pub write: WriteOptions,
}

/// The options `set` and `embed` share.
#[derive(Debug, clap::Args)]
pub struct WriteOptions {
    /// Where to write beyond the defaults: wav:info, wav:ixml, wav:axml, wav:all;
    /// no-wav:id3 leaves the default ID3 chunk out (comma-separated). By
    /// default a WAV's ISRC also goes into LIST/INFO when the file has a
    /// LIST/INFO or bext chunk, where ffprobe ignores the ID3 chunk;
    /// no-wav:info leaves INFO out.
    #[arg(long, value_delimiter = ',', value_name = "TARGET")]
    pub targets: Vec<String>,
    /// Show what would change (file, location, old → new); write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = WriteFormat::Table)]
    pub format: WriteFormat,
    /// When to colour the table.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Write a file that has other names (hard links) as a new file under
    /// the name given; the other names keep the old codes. Without it such
    /// a file is refused.
    #[arg(long)]
    pub break_hard_links: bool,
    /// Print nothing on standard output: the exit status says it all
    /// (errors still go to stderr).
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `set`.
#[derive(Debug, clap::Args)]
pub struct SetArgs {
    /// The ISRC to write (display form and lowercase accepted). Only with files, not folders (a DDP image's folder with --track).
    #[arg(long, value_name = "CODE")]
    pub isrc: Option<String>,
    /// The UPC/EAN barcode to write, in the form given (12 or 13 digits).
    #[arg(long, value_name = "CODE")]
    pub barcode: Option<String>,
    /// The track of a DDP image whose ISRC --isrc is (1-99): the image's
    /// folder (or its DDPID) is the PATH; every site of the track's ISRC
    /// is rewritten, and the image's checksum files updated.
    #[arg(long, value_name = "N", requires = "isrc", value_parser = clap::value_parser!(u32).range(1..=99))]
    pub track: Option<u32>,
    /// Files, a DDP image's folder, or with --barcode alone, release
    /// folders (every audio file in them).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Where, how and what to show.
    #[command(flatten)]
    pub write: WriteOptions,
}

/// Arguments of `audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// Files or folders to audit [default: .], or object URLs
    /// (s3://bucket/prefix/, gs://…, az://…: listed and read by range,
    /// never downloaded); with --cd, the masters the disc was made from
    /// [default: the files a CUE or TOC sheet names].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Check a CD master against its masters: a DDP image (its folder or
    /// its DDPID file), a CUE sheet or a cdrdao TOC file. Same tracks in
    /// the same order and length, each track's ISRC its master's, the
    /// disc's UPC/EAN the masters' (cd-isrc-mismatch, cd-barcode-mismatch,
    /// cd-track-mismatch), plus every rule on the disc and the masters.
    #[arg(long, value_name = "DISC")]
    pub cd: Option<PathBuf>,
    /// With --cd: seconds a disc's track (PQ or INDEX times) and its
    /// master's duration may differ [default: 0.1; a CD frame is 1/75 s].
    #[arg(long, value_name = "SECONDS")]
    pub cd_tolerance: Option<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Table)]
    pub format: AuditFormat,
    /// Exit 1 when a finding is at or above this severity [default: error].
    #[arg(long, value_name = "SEVERITY", value_parser = ["info", "warning", "error"])]
    pub fail_on: Option<String>,
    /// Exit 0 whatever is found (findings are still reported).
    #[arg(long)]
    pub exit_zero: bool,
    /// Pass a run that audits no audio file (an empty folder, globs that match nothing) instead of exiting 2.
    #[arg(long)]
    pub allow_empty: bool,
    /// Run only these rules: ids, or the prefixes isrc / barcode (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Option<Vec<String>>,
    /// Do not run these rules (comma-separated ids or prefixes).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Option<Vec<String>>,
    /// The label's registrant prefixes (CCXXX, e.g. USRC1); codes under other prefixes are reported (isrc-registrant).
    #[arg(long = "registrant", value_delimiter = ',', value_name = "PREFIX")]
    pub registrants: Option<Vec<String>>,
    /// The current year for isrc-year, 1986 to 2099 (default: today's), for reproducible runs.
    #[arg(long, value_name = "YYYY")]
    pub year: Option<u16>,
    /// How to tell recordings apart for isrc-duplicate: tags (title and duration) or audio (payload bytes; reads the audio).
    #[arg(long, value_parser = ["tags", "audio"])]
    pub identity: Option<String>,
    /// Seconds two durations may differ and still be one recording [default: 1].
    #[arg(long, value_name = "SECONDS")]
    pub duration_tolerance: Option<f64>,
    /// What a release is, for the barcode rules: the track's folder, or the folder above (Album/CD1, Album/CD2).
    #[arg(long, value_parser = ["folder", "parent-folder"])]
    pub release_by: Option<String>,
    /// Audit only files matching this glob (repeatable; no '/' matches the file name at any depth).
    #[arg(long, value_name = "GLOB")]
    pub include: Option<Vec<String>>,
    /// Skip files matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Option<Vec<String>>,
    /// Change a rule's severity: RULE=info|warning|error (repeatable).
    #[arg(long, value_name = "RULE=LEVEL")]
    pub severity: Vec<String>,
    /// Check the files' codes against the registrant's ledger (ledger-unknown, ledger-void, ledger-mismatch).
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
    /// Read settings from this file instead of looking for isrckit.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any isrckit.toml.
    #[arg(long)]
    pub no_config: bool,
    /// When to colour the table.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// No progress bar (it shows only on a terminal, on stderr, for runs
    /// that take over half a second, and is cleared before results).
    #[arg(long)]
    pub no_progress: bool,
    /// Print nothing on standard output: the exit status says it all
    /// (errors still go to stderr).
    #[arg(long, short)]
    pub quiet: bool,
    /// Objects read at once from object storage (independent of the CPU
    /// count: a request mostly waits on the network).
    #[arg(long, value_name = "N", default_value_t = crate::remote::DEFAULT_JOBS as u16, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub jobs: u16,
    /// Also write a record per file (JSON lines: what was read, for
    /// `--merge`) to FILE: one shard of a catalogue audited in parts.
    #[arg(long, value_name = "FILE")]
    pub records_out: Option<PathBuf>,
    /// Audit the records that runs with --records-out wrote (shards of a
    /// catalogue) as one run: every rule, the cross-file ones over all of
    /// them, with this run's settings. Reads no masters.
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with = "paths")]
    pub merge: Vec<PathBuf>,
}

/// Arguments of `inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// Files or folders to read, or object URLs (s3://bucket/prefix/,
    /// gs://…, az://…).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format: a table for people, JSON for programs (schema in the README).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// When to colour the table: auto (a terminal, and NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// DDP images: check every file their checksum lists (*.md5, CHECKSUM)
    /// name against its MD5; a mismatch is an error naming the file. This
    /// reads the audio stream whole, so it is asked for, never done by default.
    #[arg(long)]
    pub verify_checksums: bool,
    /// Print nothing on standard output: the exit status says it all
    /// (errors still go to stderr).
    #[arg(long, short)]
    pub quiet: bool,
    /// Objects read at once from object storage.
    #[arg(long, value_name = "N", default_value_t = crate::remote::DEFAULT_JOBS as u16, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub jobs: u16,
}

/// Output formats of `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable blocks, one per file.
    Table,
    /// The JSON document described in the README.
    Json,
}

/// Output formats of `set` and `embed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WriteFormat {
    /// One block per file: status, then `location: old → new` per change.
    Table,
    /// `{"schema": "isrckit/embed/1", "dry_run", "files", "summary"}` (README).
    Json,
    /// `path,status,kind,location,old,new,error`, a row per change.
    Csv,
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

/// Run the command line of this process: parse the arguments, run the
/// command, print an error once, and map the outcome to the exit status
/// (0 clean, 1 problems or findings, 2 usage or I/O error). A closed pipe
/// (`isrckit inspect … | head`) is not an error. The audit is the
/// exception: its findings decide its status whether or not anyone reads
/// them (`audit | head -1` exits 1 when the run would), so a closed pipe
/// only ends its output (`UntilClosed`) and is never taken for success.
pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let audit = matches!(cli.command, Command::Audit(_));
    match run(cli) {
        Ok(code) => std::process::ExitCode::from(code.code() as u8),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe && !audit => {
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("isrckit: {}", sanitize::lines(&e.to_string()));
            std::process::ExitCode::from(2)
        }
    }
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> io::Result<ExitCode> {
    match cli.command {
        Command::Inspect(args) => inspect(args),
        Command::Audit(args) => audit_command(*args),
        Command::Set(args) => set_command(args),
        Command::Embed(args) => embed_command(args),
        Command::Assign(args) => ledger::assign_command(*args),
        Command::Cue(args) => cue::cue_command(args),
        Command::Ledger(args) => ledger::ledger_command(args),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut cmd = Cli::command();
            let mut out = io::stdout().lock();
            clap_complete::generate(shell, &mut cmd, "isrckit", &mut out);
            out.flush()?;
            Ok(ExitCode::Success)
        }
        Command::Man { command } => {
            use clap::CommandFactory;
            let cli = Cli::command();
            let page = match &command {
                None => cli,
                Some(name) => match cli.find_subcommand(name) {
                    Some(sub) => sub
                        .clone()
                        .name(format!("isrckit-{name}"))
                        .version(env!("CARGO_PKG_VERSION")),
                    None => {
                        let names: Vec<String> = cli
                            .get_subcommands()
                            .map(|c| c.get_name().to_string())
                            .collect();
                        eprintln!(
                            "isrckit: no command {:?}; the commands are {}",
                            sanitize::terminal(name),
                            names.join(", ")
                        );
                        return Ok(ExitCode::Error);
                    }
                },
            };
            let mut out = io::stdout().lock();
            clap_mangen::Man::new(page).render(&mut out)?;
            out.flush()?;
            Ok(ExitCode::Success)
        }
    }
}

fn embed_command(args: EmbedArgs) -> io::Result<ExitCode> {
    use crate::embed::manifest;
    use crate::plan::Targets;
    use crate::write::run::Job;
    let fail = |msg: String| {
        eprintln!("isrckit: {}", sanitize::lines(&msg));
        Ok(ExitCode::Error)
    };
    let targets = match Targets::parse(&args.write.targets) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let named: Vec<PathBuf> = args.root.iter().chain([&args.manifest]).cloned().collect();
    if let Some(msg) = remote::refuse_writes(&named) {
        return fail(msg);
    }
    let stdin = args.manifest.as_os_str() == "-";
    let bytes = if stdin {
        let mut b = Vec::new();
        match io::Read::read_to_end(&mut io::stdin().lock(), &mut b) {
            Ok(_) => b,
            Err(e) => return fail(format!("standard input: {e}")),
        }
    } else {
        match std::fs::read(&args.manifest) {
            Ok(b) => b,
            Err(e) => return fail(format!("{}: {e}", args.manifest.display())),
        }
    };
    let root = args.root.clone().unwrap_or_else(|| {
        Some(&args.manifest)
            .filter(|_| !stdin)
            .and_then(|m| m.parent())
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), PathBuf::from)
    });
    let m = if stdin {
        "standard input".to_string()
    } else {
        args.manifest.display().to_string()
    };
    let (decoded, note) = match manifest::decode(&bytes) {
        Ok(d) => (Ok(d.text), d.note),
        Err(e) => (Err(manifest::ManifestErrors { errors: vec![e] }), None),
    };
    if let Some(note) = &note {
        eprintln!("isrckit: note: {}: {}", sanitize::terminal(&m), note);
    }
    let checked = decoded.and_then(|text| manifest::check(&text, &root));
    let assignments = match checked {
        Ok(a) => a,
        Err(errors) => {
            if args.write.format == WriteFormat::Json {
                let stdout = io::stdout();
                let mut out = io::BufWriter::new(stdout.lock());
                manifest::problems_json(&mut out, &args.manifest, &errors, note.as_deref())?;
                out.flush()?;
            }
            return fail(format!(
                "{m}: the manifest has {} problem{}; nothing was written:\n{errors}",
                errors.errors.len(),
                if errors.errors.len() == 1 { "" } else { "s" }
            ));
        }
    };
    let jobs: Vec<Job> = assignments
        .into_iter()
        .map(|a| Job {
            // `./album/01.wav` reads better as `album/01.wav`.
            path: a
                .path
                .strip_prefix(".")
                .map(PathBuf::from)
                .unwrap_or(a.path),
            codes: a.codes,
        })
        .collect();
    write_jobs(&jobs, Vec::new(), &targets, &args.write)
}

/// Run write jobs and render their results; the exit status of `set` and `embed`.
/// Plan and write `jobs` (nothing is written unless every one can be),
/// and show every file: the jobs, and `extra` (files walked that were not
/// jobs: skipped, or failed before planning), in path order.
fn write_jobs(
    jobs: &[crate::write::run::Job],
    extra: Vec<FileResult>,
    targets: &crate::plan::Targets,
    options: &WriteOptions,
) -> io::Result<ExitCode> {
    let (dry_run, format, color) = (options.dry_run, options.format, options.color);
    let policy = crate::write::Policy {
        break_hard_links: options.break_hard_links,
    };
    let blocked = extra.iter().any(|r| r.status == Status::Failed);
    let (mut results, validation_failed) = if blocked {
        // A walked file that could not be read: nothing is written.
        (Vec::new(), true)
    } else {
        match crate::write::run::run(jobs, targets, dry_run, policy) {
            Ok(r) => (r, false),
            Err(r) => (r, true),
        }
    };
    if validation_failed {
        // Every job still appears: those that could be written were held
        // back, because nothing is written until every file can be.
        let shown: std::collections::HashSet<PathBuf> =
            results.iter().map(|r| r.path.clone()).collect();
        for j in jobs.iter().filter(|j| !shown.contains(&j.path)) {
            results.push(FileResult::with_error(
                j.path.clone(),
                Status::Failed,
                "not written: nothing is written until every file can be".into(),
            ));
        }
    }
    if extra.is_empty() {
        // The jobs' order (a manifest's, or the command line's).
        let order: std::collections::HashMap<&PathBuf, usize> =
            jobs.iter().enumerate().map(|(i, j)| (&j.path, i)).collect();
        results.sort_by_key(|r| order.get(&r.path).copied().unwrap_or(usize::MAX));
    } else {
        // A folder given to `set`: its files in path order, as walked.
        results.extend(extra);
        results.sort_by(|a, b| crate::walk::path_order(&a.path, &b.path));
    }
    let mut out: Box<dyn Write> = if options.quiet {
        Box::new(io::sink())
    } else {
        Box::new(io::BufWriter::new(io::stdout().lock()))
    };
    match format {
        WriteFormat::Json => report::write::json(&mut out, &results, dry_run)?,
        WriteFormat::Csv => report::write::csv(&mut out, &results)?,
        WriteFormat::Table => report::write::table(
            &mut out,
            &results,
            dry_run,
            Style {
                color: color_wanted(color),
            },
        )?,
    }
    out.flush()?;
    if validation_failed {
        eprintln!("isrckit: nothing was written: fix the files above first");
        return Ok(ExitCode::Problems);
    }
    let failed = results.iter().any(|r| r.status == Status::Failed);
    Ok(if failed {
        ExitCode::Problems
    } else {
        ExitCode::Success
    })
}

fn set_command(args: SetArgs) -> io::Result<ExitCode> {
    use crate::codes::{Gtin, Isrc};
    use crate::plan::{Codes, Targets};
    use crate::write::run::Job;
    let usage = |msg: String| {
        eprintln!("isrckit: {}", sanitize::lines(&msg));
        Ok(ExitCode::Error)
    };
    let isrc = match args.isrc.as_deref().map(Isrc::parse).transpose() {
        Ok(i) => i,
        Err(e) => return usage(format!("--isrc {:?}: {e}", args.isrc.unwrap_or_default())),
    };
    let barcode = match args.barcode.as_deref().map(Gtin::parse).transpose() {
        Ok(b) => b,
        Err(e) => {
            return usage(format!(
                "--barcode {:?}: {e}",
                args.barcode.unwrap_or_default()
            ));
        }
    };
    if isrc.is_none() && barcode.is_none() {
        return usage("give --isrc CODE, --barcode CODE or both".into());
    }
    if let Some(msg) = remote::refuse_writes(&args.paths) {
        return usage(msg);
    }
    let targets = match Targets::parse(&args.write.targets) {
        Ok(t) => t,
        Err(e) => return usage(e),
    };
    let mut files = Vec::new();
    let mut extra = Vec::new();
    for p in &args.paths {
        if let Some(id) = crate::walk::ddp_image(p) {
            // A DDP image's folder: the image is written as one, through
            // its DDPID.
            files.push(id);
            continue;
        }
        if args.track.is_some() {
            return usage(format!(
                "{}: --track numbers the tracks of a DDP image; give the image's folder or its DDPID (this is not one)",
                p.display()
            ));
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                if isrc.is_some() {
                    return usage(format!(
                        "{}: an ISRC identifies one recording, so --isrc takes files, not folders",
                        p.display()
                    ));
                }
                let (found, walked) =
                    crate::walk::collect(std::slice::from_ref(p), &crate::walk::Filter::default());
                let root = crate::platform::canonicalize(p).unwrap_or_else(|_| p.clone());
                for f in found {
                    // A symlink in the folder to a file outside it: never
                    // written (the folder is what the user asked for).
                    if let Ok(real) = crate::platform::canonicalize(&f)
                        && !real.starts_with(&root)
                    {
                        let why = format!(
                            "a symlink to a file outside {} ({}): isrckit writes only files inside the folder it is given; name the real file to write it",
                            crate::platform::shown(p),
                            crate::platform::shown(&real)
                        );
                        extra.push(FileResult::with_error(f, Status::Failed, why));
                        continue;
                    }
                    let r = crate::read_file(&f);
                    if let Some(c) = r.container.filter(|&c| !crate::formats::written(c)) {
                        // A CUE sheet beside the audio: read, not written.
                        let why = format!(
                            "a {}: isrckit does not write these yet (inspect and audit read its codes)",
                            r.format.as_deref().unwrap_or(c.name())
                        );
                        extra.push(FileResult::with_error(f, Status::Skipped, why));
                    } else if r.container.is_some() {
                        files.push(f);
                    } else {
                        // Not audio (a cover, a PDF): shown, left alone.
                        let why = r.error.unwrap_or_else(|| "not audio".into());
                        extra.push(FileResult::with_error(f, Status::Skipped, why));
                    }
                }
                for (f, why) in walked.errors {
                    extra.push(FileResult::with_error(f, Status::Failed, why));
                }
            }
            Ok(_) => match crate::walk::regular_file(p) {
                Ok(_) => files.push(p.clone()),
                // A FIFO, a device: never opened; shown with its reason.
                Err(why) => extra.push(FileResult::with_error(p.clone(), Status::Failed, why)),
            },
            Err(e) => return usage(format!("{}: {e}", p.display())),
        }
    }
    if files.is_empty() && extra.iter().all(|r| r.status != Status::Failed) {
        return usage("no audio files to write".into());
    }
    if let Some(code) = isrc
        && args.track.is_none()
        && let Err(why) = one_recording(&files)
    {
        return usage(format!(
            "an ISRC identifies one recording, and {why}: give {code} to one of them (the same recording in several formats may share it)"
        ));
    }
    let codes = match (args.track, isrc) {
        (Some(t), Some(i)) => Codes {
            barcode,
            tracks: vec![(t, i)],
            ..Default::default()
        },
        _ => Codes {
            isrc,
            barcode,
            ..Default::default()
        },
    };
    let jobs: Vec<Job> = files
        .into_iter()
        .map(|path| Job {
            path,
            codes: codes.clone(),
        })
        .collect();
    write_jobs(&jobs, extra, &targets, &args.write)
}

/// Whether the files are one recording (by the test the audit and `embed`
/// use, [`crate::recording`]); otherwise the first pair that differs, in
/// words.
fn one_recording(files: &[PathBuf]) -> Result<(), String> {
    use crate::recording::{Difference, Sameness};
    if files.len() < 2 {
        return Ok(());
    }
    let reports: Vec<FileReport> = engine::read_files(files);
    let same = Sameness::default();
    for (i, a) in reports.iter().enumerate() {
        for b in &reports[i + 1..] {
            let (ra, rb) = (record_of(a), record_of(b));
            let Some(d) = same.differs(&ra, &rb) else {
                continue;
            };
            let why = match d {
                Difference::Titles(x, y) => format!("their titles differ (\"{x}\", \"{y}\")"),
                Difference::Durations(x, y) => format!(
                    "their durations differ by more than 1 s ({:.3} s, {:.3} s)",
                    x as f64 / 1000.0,
                    y as f64 / 1000.0
                ),
                Difference::Audio => "their audio differs".into(),
            };
            return Err(format!(
                "{} and {} are different recordings: {why}",
                a.path.display(),
                b.path.display()
            ));
        }
    }
    Ok(())
}

fn record_of(r: &FileReport) -> crate::recording::Recording<'_> {
    crate::recording::Recording {
        title: r.title.as_deref(),
        duration_ms: r.audio.as_ref().and_then(|a| a.duration_ms),
        container: r.container,
        audio_hash: None,
    }
}

/// Colour, decided once per run as other Rust command-line tools decide
/// it (the order anstream uses): `--color always`/`never` win; otherwise
/// `NO_COLOR` (set, not empty) turns it off, `CLICOLOR_FORCE` (set, not
/// `0`) turns it on even into a pipe, `CLICOLOR=0` and `TERM=dumb` turn it
/// off, and else colour goes to a terminal only.
fn color_wanted(choice: ColorChoice) -> bool {
    // On Windows the console is told to read the colour sequences; an
    // old console that cannot gets none.
    color_asked(choice) && crate::platform::console_colours()
}

fn color_asked(choice: ColorChoice) -> bool {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if var("NO_COLOR").is_some() {
                return false;
            }
            if var("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                return true;
            }
            if var("CLICOLOR").is_some_and(|v| v == "0") {
                return false;
            }
            if var("TERM").is_some_and(|v| v == "dumb") {
                return false;
            }
            io::stdout().is_terminal()
        }
    }
}

/// Flags and config file made into settings; a usage error is printed.
fn audit_settings(args: &AuditArgs) -> Result<Settings, String> {
    let mut severity = std::collections::BTreeMap::new();
    for s in &args.severity {
        let (rule, level) = s.split_once('=').ok_or_else(|| {
            format!("--severity {s:?}: write RULE=LEVEL, e.g. barcode-missing=info")
        })?;
        severity.insert(rule.trim().to_string(), level.trim().to_string());
    }
    let flags = AuditOptions {
        registrants: args.registrants.clone(),
        year: args.year,
        fail_on: args.fail_on.clone(),
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        include: args.include.clone(),
        exclude: args.exclude.clone(),
        release_by: args.release_by.clone(),
        identity: args.identity.clone(),
        duration_tolerance: args.duration_tolerance,
        severity: (!severity.is_empty()).then_some(severity),
        allow_empty: args.allow_empty.then_some(true),
        cd_tolerance: args.cd_tolerance,
    };
    let file = if args.no_config {
        None
    } else if let Some(p) = &args.config {
        Some(p.clone())
    } else {
        args.cd
            .as_ref()
            .or(args.paths.first())
            .and_then(|p| audit::config::find_config(p))
            .or_else(|| audit::config::find_config(Path::new(".")))
    };
    let options = match &file {
        Some(p) => flags.or(audit::config::load(p).map_err(|e| e.to_string())?),
        None => flags,
    };
    let mut settings =
        Settings::from_options(options, audit::config::this_year()).map_err(|e| match &file {
            Some(p) => format!("{e} (settings from flags and {})", p.display()),
            None => e.to_string(),
        })?;
    if let Some(p) = &args.ledger {
        settings.ledger = Some(std::sync::Arc::new(ledger::snapshot(p)?));
    }
    Ok(settings)
}

fn audit_command(mut args: AuditArgs) -> io::Result<ExitCode> {
    if args.paths.is_empty() && args.cd.is_none() {
        args.paths.push(PathBuf::from("."));
    }
    if args.cd.is_none() && args.cd_tolerance.is_some() {
        eprintln!(
            "isrckit: --cd-tolerance needs --cd DISC (it is the tolerance of the disc's track lengths)"
        );
        return Ok(ExitCode::Error);
    }
    let settings = match audit_settings(&args) {
        Ok(s) => s,
        Err(msg) => {
            eprintln!("isrckit: {}", sanitize::lines(&msg));
            return Ok(ExitCode::Error);
        }
    };
    let disc = match &args.cd {
        None => None,
        Some(p) => {
            if crate::remote::is_url(p)
                || args.paths.iter().any(|m| crate::remote::is_url(m))
                || args.records_out.is_some()
                || !args.merge.is_empty()
            {
                eprintln!(
                    "isrckit: --cd checks a disc against masters on disk: not with object URLs, --records-out or --merge"
                );
                return Ok(ExitCode::Error);
            }
            if let Some(code) = missing_paths(&args.paths) {
                return Ok(code);
            }
            if let Some(code) = missing_paths(std::slice::from_ref(p)) {
                return Ok(code);
            }
            match audit::Disc::open(p) {
                Ok(d) => Some(d),
                Err(e) => {
                    eprintln!("isrckit: {}", sanitize::lines(&e.to_string()));
                    return Ok(ExitCode::Error);
                }
            }
        }
    };
    if let Some(d) = &disc
        && args.paths.is_empty()
        && !d.names_files()
        && !args.quiet
    {
        eprintln!(
            "isrckit: note: no masters given and the disc names none: {} is audited alone (give the masters it was made from to check it against them)",
            sanitize::terminal(&crate::platform::path_text(&d.path))
        );
    }
    let inputs = if disc.is_some() {
        remote::Inputs::Local
    } else {
        match remote::audit_inputs(&args, &settings) {
            Ok(i) => i,
            Err(code) => return Ok(code),
        }
    };
    let style = Style {
        color: color_wanted(args.color),
    };
    // Large writes: a JSON report of thousands of files is megabytes. A
    // reader that goes away (`| head`) ends the output, not the audit.
    let out: Box<dyn Write + Send> = if args.quiet {
        Box::new(io::sink())
    } else {
        Box::new(io::BufWriter::with_capacity(
            1 << 16,
            UntilClosed::new(io::stdout()),
        ))
    };
    let what = if matches!(inputs, remote::Inputs::Remote(_)) {
        "objects (read/listed)"
    } else {
        "files"
    };
    let bar = progress_bar(args.no_progress || args.quiet, what);
    let mut sink = ClearFirst {
        inner: report::audit::sink(args.format, out, style),
        bar: bar.clone(),
    };
    let started = std::time::Instant::now();
    let mut progress = |done: u64, total: u64| {
        if let Some(b) = &bar {
            b.set_length(total);
            b.set_position(done);
            // Shown only once the run takes noticeable time.
            if b.is_hidden() && started.elapsed() > progress_delay() {
                b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
        }
    };
    let outcome = match &disc {
        Some(d) => audit::run_cd(d, &args.paths, &settings, &mut sink, &mut progress)?,
        None => match remote::run(&inputs, &args, &settings, &mut sink, &mut progress)? {
            Ok(o) => o,
            Err(msg) => {
                if let Some(b) = bar {
                    b.finish_and_clear();
                }
                eprintln!("isrckit: {}", sanitize::lines(&msg));
                return Ok(ExitCode::Error);
            }
        },
    };
    report_leftovers(&outcome.temp_files);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    drop(sink);
    let empty = outcome.audited_nothing() && !settings.allow_empty;
    if empty && args.format != AuditFormat::Table {
        // The table says so in its summary; machine formats keep stdout
        // to their shape.
        eprintln!("isrckit: {}", nothing_audited(&args.paths, &outcome));
    }
    if let Some(d) = &disc
        && d.nothing_read()
    {
        // The disc is the subject of the run: nothing of it could be read.
        eprintln!(
            "isrckit: {}: nothing of the disc could be read (see the unreadable finding)",
            sanitize::terminal(&crate::platform::path_text(&d.path))
        );
        return Ok(ExitCode::Error);
    }
    // Findings decide first (an LFS pointer or an unreadable file is
    // itself the reason nothing was audited); a run that checked nothing
    // has not passed, whatever --exit-zero says about findings.
    Ok(if outcome.failed && !args.exit_zero {
        ExitCode::Problems
    } else if empty {
        ExitCode::Error
    } else {
        ExitCode::Success
    })
}

/// The audit's progress bar: on stderr, only when stderr is a terminal
/// that can draw one (not `TERM=dumb`), hidden until the run has taken
/// half a second, and cleared before any result is printed.
fn progress_bar(off: bool, what: &str) -> Option<indicatif::ProgressBar> {
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    if off || dumb || !io::stderr().is_terminal() {
        return None;
    }
    let b = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
    b.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{bar:30}} {{pos}}/{{len}} {what} {{elapsed}}"
        ))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(b)
}

/// How long a run goes before its progress bar shows: half a second
/// (debug builds: `ISRCKIT_TEST_PROGRESS_AFTER_MS`, for the tests).
fn progress_delay() -> std::time::Duration {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("ISRCKIT_TEST_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return std::time::Duration::from_millis(ms);
    }
    std::time::Duration::from_millis(500)
}

/// A sink that clears the progress bar before the results are written
/// (the table and the summary come at the end) and keeps it out of the
/// way of files streamed to the same terminal.
struct ClearFirst {
    inner: Box<dyn audit::Sink + Send>,
    bar: Option<indicatif::ProgressBar>,
}

impl audit::Sink for ClearFirst {
    fn file_renderer(&self) -> Option<audit::FileRenderer> {
        self.inner.file_renderer()
    }

    fn file(&mut self, rendered: &[u8]) -> io::Result<()> {
        match &self.bar {
            Some(b) if !b.is_hidden() => b.suspend(|| self.inner.file(rendered)),
            _ => self.inner.file(rendered),
        }
    }

    fn finish(
        &mut self,
        records: &[audit::Record],
        findings: &[audit::Finding],
        summary: &audit::Summary,
    ) -> io::Result<()> {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
        self.inner.finish(records, findings, summary)
    }
}

/// Tell, on standard error, of the temp files a killed write left (their
/// writer is gone), with their sizes: walks skip them, and they can hold a
/// whole copy of a master. The next `set` or `embed` in the folder removes
/// them.
fn report_leftovers(temp_files: &[PathBuf]) {
    let folders: std::collections::BTreeSet<&Path> =
        temp_files.iter().filter_map(|p| p.parent()).collect();
    for folder in folders {
        for l in crate::write::leftover_temps(folder) {
            if l.owner_alive || !temp_files.contains(&l.path) {
                continue;
            }
            eprintln!(
                "isrckit: {}: a temp file left by an interrupted isrckit write ({} bytes); not audited; the next set or embed in this folder removes it, or delete it",
                sanitize::terminal(&crate::platform::shown(&l.path)),
                l.size
            );
        }
    }
}

/// Paths named on the command line that do not exist: the same usage
/// error (exit 2, before anything is read or written) in every command.
/// A path that exists but is odd (a dangling symlink, a FIFO) is left to
/// the walk, which reports it with its reason.
fn missing_paths(paths: &[PathBuf]) -> Option<ExitCode> {
    let mut missing = false;
    for p in paths {
        if std::fs::symlink_metadata(p).is_err() {
            let p = sanitize::terminal(&crate::platform::shown(p)).into_owned();
            eprintln!("isrckit: {p}: no such file or folder");
            missing = true;
        }
    }
    missing.then_some(ExitCode::Error)
}

/// Why an audit audited no audio file, and how to allow that.
fn nothing_audited(paths: &[PathBuf], outcome: &audit::Outcome) -> String {
    let (s, skipped) = (&outcome.summary, &outcome.skipped);
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut why = Vec::new();
    if skipped.filtered > 0 {
        why.push(format!(
            "the include/exclude globs of the flags or isrckit.toml left out {}",
            plural(skipped.filtered, "file", "files")
        ));
    }
    if s.skipped > 0 {
        why.push(format!(
            "{} not audio",
            plural(s.skipped, "file is", "files are")
        ));
    }
    if s.lfs_pointers > 0 {
        why.push(plural(
            s.lfs_pointers,
            "Git LFS pointer",
            "Git LFS pointers",
        ));
    }
    if s.unreadable > 0 {
        why.push(format!(
            "{} unreadable",
            plural(s.unreadable, "file", "files")
        ));
    }
    if skipped.vcs_folders > 0 {
        why.push(format!(
            "{} never audited",
            plural(
                skipped.vcs_folders,
                "version-control folder is",
                "version-control folders are"
            )
        ));
    }
    if why.is_empty() {
        why.push("no file was found".into());
    }
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    format!(
        "nothing audited: no audio file in {}: {}; pass --allow-empty (or allow-empty = true in isrckit.toml) if an empty run is expected",
        shown.join(", "),
        why.join("; ")
    )
}

/// The audit's stdout: once its reader has gone (a closed pipe, as in
/// `isrckit audit | head -1`), what is written is dropped instead of
/// failing, so the audit runs to its end and its findings still decide
/// the exit status. Any other error is returned as it comes.
struct UntilClosed<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> UntilClosed<W> {
    fn new(inner: W) -> Self {
        UntilClosed {
            inner,
            closed: false,
        }
    }

    fn closed<T>(&mut self, result: io::Result<T>, dropped: T) -> io::Result<T> {
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(dropped)
            }
            r => r,
        }
    }
}

impl<W: Write> Write for UntilClosed<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let r = self.inner.write(buf);
        self.closed(r, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let r = self.inner.flush();
        self.closed(r, ())
    }
}

fn inspect(args: InspectArgs) -> io::Result<ExitCode> {
    let (mut reports, mut walked) = match remote::inspect_reports(&args) {
        Some(Ok(got)) => got,
        Some(Err(msg)) => {
            eprintln!("isrckit: {}", sanitize::lines(&msg));
            return Ok(ExitCode::Error);
        }
        None => {
            if let Some(code) = missing_paths(&args.paths) {
                return Ok(code);
            }
            let (files, walked) =
                crate::walk::collect(&args.paths, &crate::walk::Filter::default());
            report_leftovers(&walked.temp_files);
            (engine::read_files(&files), walked)
        }
    };
    // Walked files that are not audio and not named like audio (a cover,
    // the manifest) are counted, not reported; a file named on the command
    // line is always reported.
    reports.retain(|r| {
        let skip = r.status == crate::model::FileStatus::NotAudio
            && !args.paths.contains(&r.path)
            && !crate::walk::named_as_audio(&r.path);
        walked.skipped.not_audio += u64::from(skip);
        !skip
    });
    for (path, why) in walked.errors {
        let mut r = engine::read_bytes(&path, &[]);
        r.error = Some(why);
        r.status = crate::model::FileStatus::Unreadable;
        reports.push(r);
    }
    reports.sort_by(|a, b| crate::walk::path_order(&a.path, &b.path));
    if args.verify_checksums {
        for r in reports
            .iter_mut()
            .filter(|r| r.container == Some(crate::model::Container::Ddp))
        {
            let (notes, errors) = crate::formats::ddp::verify_checksums(&r.path);
            r.notes.extend(notes);
            if !errors.is_empty() {
                let mut all: Vec<String> = r.error.take().into_iter().collect();
                all.extend(errors);
                r.error = Some(all.join("; "));
                r.status = crate::model::FileStatus::Damaged;
            }
        }
    }
    let mut out: Box<dyn Write> = if args.quiet {
        Box::new(io::sink())
    } else {
        Box::new(io::BufWriter::new(io::stdout().lock()))
    };
    match args.format {
        Format::Json => report::json::write(&mut out, &reports, &walked.skipped)?,
        Format::Table => {
            let color = color_wanted(args.color);
            report::table::write(&mut out, &reports, &walked.skipped, Style { color })?;
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
