//! The glue of `assign` and `ledger` (the ledger itself is [`crate::ledger`]).

use super::{
    AssignArgs, ColorChoice, ExitCode, LedgerArgs, LedgerCommand, WriteFormat, WriteOptions,
};
use crate::codes::Isrc;
use crate::ledger::table::{self, Table};
use crate::ledger::{self as lg, ContentType, Ledger, LedgerError, NewCode};
use crate::sanitize;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Print an error; exit status 2.
fn fail(msg: &str) -> io::Result<ExitCode> {
    eprintln!("isrckit: {}", sanitize::lines(msg));
    Ok(ExitCode::Error)
}

/// The ledger's path: the flag, else `[ledger] path` of the isrckit.toml
/// found from the current folder upward, else `isrckit-ledger.db` here.
fn ledger_path(flag: Option<&PathBuf>) -> Result<PathBuf, String> {
    if let Some(p) = flag {
        return Ok(p.clone());
    }
    if let Some(cfg) = crate::audit::config::find_config(Path::new("."))
        && let Some(p) = crate::audit::config::ledger_path(&cfg).map_err(|e| e.to_string())?
    {
        return Ok(p);
    }
    Ok(PathBuf::from(lg::DEFAULT_PATH))
}

/// The ledger as the audit needs it (`audit --ledger FILE`).
pub(super) fn snapshot(path: &Path) -> Result<lg::Snapshot, String> {
    Ledger::open(path, false)
        .and_then(|l| l.snapshot())
        .map_err(|e| format!("--ledger: {e}"))
}

fn refused(e: &LedgerError, what: &str) -> String {
    match e {
        LedgerError::Refused(list) if list.len() > 1 => format!(
            "{what}: {} problems; nothing was changed:\n  {}",
            list.len(),
            list.join("\n  ")
        ),
        LedgerError::Refused(list) => format!("{what}: {}; nothing was changed", list.join("")),
        e => e.to_string(),
    }
}

/// A year of reference: `YY` (20YY) or `YYYY`, in the ISRC era, not to come.
fn reference_year(raw: Option<&str>) -> Result<u16, String> {
    let this = lg::this_year();
    let Some(raw) = raw.map(str::trim) else {
        return Ok(this);
    };
    let year = match (raw.len(), raw.parse::<u16>()) {
        (2, Ok(y)) => 2000 + y,
        (4, Ok(y)) => y,
        _ => {
            return Err(format!(
                "--year {raw:?}: give the year of reference as YY or YYYY, e.g. 26 or 2026"
            ));
        }
    };
    if !Isrc::ERA.contains(&year) {
        return Err(format!(
            "--year {raw}: {year} is outside the ISRC era (1986 to 2099)"
        ));
    }
    if year > this {
        return Err(format!(
            "--year {raw}: {year} has not come yet; the year of reference is the year the code is assigned ({this})"
        ));
    }
    Ok(year)
}

/// Read a file's audio hash and duration, or say why not.
fn file_facts(path: &Path) -> Result<(Option<[u8; 32]>, Option<u64>), String> {
    let shown = crate::platform::path_text(path);
    if !path.is_file() {
        return Err(format!("{shown}: no such file"));
    }
    let report = crate::read_file(path);
    if report.container.is_none() {
        return Err(format!(
            "{shown}: not an audio file isrckit reads ({})",
            report.error.as_deref().unwrap_or("unknown type")
        ));
    }
    let hash = crate::audit::run::audio_hash(path, &report);
    if hash.is_none() {
        return Err(format!(
            "{shown}: its audio could not be read to hash it ({})",
            report.error.as_deref().unwrap_or("no audio payload found")
        ));
    }
    Ok((hash, report.audio.as_ref().and_then(|a| a.duration_ms)))
}

pub(super) fn assign_command(args: AssignArgs) -> io::Result<ExitCode> {
    let path = match ledger_path(args.ledger.as_ref()) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    let year = match reference_year(args.year.as_deref()) {
        Ok(y) => y,
        Err(e) => return fail(&e),
    };
    let content_type = ContentType::from_name(&args.content_type).unwrap_or(ContentType::Audio);
    // (item, file path for --embed)
    let mut items: Vec<(NewCode, Option<PathBuf>)> = Vec::new();
    let tracks_dir;
    if let Some(from) = &args.from {
        tracks_dir = from
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        match tracks(from, &tracks_dir, year, content_type, args.first_published) {
            Ok(t) => items = t,
            Err(e) => return fail(&e),
        }
        if items.is_empty() {
            return fail(&format!("{}: no rows: nothing to assign", from.display()));
        }
        if args.embed && args.output.is_none() {
            return fail(
                "--from with --embed: give --output FILE for the manifest (standard output shows what was written)",
            );
        }
    } else {
        tracks_dir = PathBuf::from(".");
        let mut duration_ms = None;
        if let Some(d) = &args.duration {
            match table::parse_duration(d) {
                Some(ms) => duration_ms = Some(ms),
                None => {
                    return fail(&format!(
                        "--duration {d:?}: write seconds (215), M:SS (3:35) or H:MM:SS"
                    ));
                }
            }
        }
        let mut audio_hash = None;
        if let Some(f) = &args.file {
            match file_facts(f) {
                Ok((h, d)) => {
                    audio_hash = h;
                    duration_ms = duration_ms.or(d);
                }
                Err(e) => return fail(&format!("--file {e}")),
            }
        } else if args.embed {
            return fail("--embed writes the code into --file PATH: give the file");
        }
        items.push((
            NewCode {
                artist: args.artist.clone().unwrap_or_default(),
                title: args.title.clone().unwrap_or_default(),
                version: args.version.clone(),
                duration_ms,
                content_type,
                first_published: args.first_published,
                year,
                audio_hash,
                file: args
                    .file
                    .as_ref()
                    .map(|f| crate::platform::path_text(f).into_owned()),
                origin: String::new(),
            },
            args.file.clone(),
        ));
        for (what, v) in [
            ("--title", &items[0].0.title),
            ("--artist", &items[0].0.artist),
        ] {
            if v.trim().is_empty() {
                return fail(&format!(
                    "{what} is empty: the ledger keeps each code's title and main artist"
                ));
            }
        }
    }
    let mut ledger = match Ledger::open(&path, false) {
        Ok(l) => l,
        Err(e) => return fail(&e.to_string()),
    };
    let new: Vec<NewCode> = items.iter().map(|(n, _)| n.clone()).collect();
    let assigned = match ledger.assign(&new, &lg::today()) {
        Ok(a) => a,
        Err(e) => return fail(&refused(&e, &crate::platform::path_text(&path))),
    };
    for note in assigned.iter().flat_map(|a| &a.notes) {
        eprintln!("isrckit: {}", sanitize::lines(note));
    }
    let pairs: Vec<(Isrc, &NewCode, Option<&PathBuf>)> = assigned
        .iter()
        .zip(&items)
        .map(|(a, (n, f))| (a.isrc, n, f.as_ref()))
        .collect();
    if args.from.is_some() {
        let mut manifest = String::from("path,isrc\n");
        for (code, n, _) in &pairs {
            if let Some(f) = &n.file {
                manifest.push_str(&format!("{},{code}\n", table::csv_field(f)));
            }
        }
        match &args.output {
            Some(o) => {
                if let Err(e) = std::fs::write(o, &manifest) {
                    return fail(&format!(
                        "{}: {e}; the codes are assigned in {}: see them with isrckit ledger export",
                        o.display(),
                        path.display()
                    ));
                }
            }
            None => {
                let mut out = io::stdout().lock();
                out.write_all(manifest.as_bytes())?;
                out.flush()?;
            }
        }
        eprintln!(
            "isrckit: assigned {} code{} ({} to {}) in {}",
            pairs.len(),
            if pairs.len() == 1 { "" } else { "s" },
            pairs[0].0,
            pairs[pairs.len() - 1].0,
            path.display()
        );
    } else {
        let mut out = io::stdout().lock();
        writeln!(out, "{}", pairs[0].0)?;
        out.flush()?;
    }
    if !args.embed {
        return Ok(ExitCode::Success);
    }
    embed(&pairs, &tracks_dir)
}

/// Write the codes just assigned into their files, as `set` does.
fn embed(pairs: &[(Isrc, &NewCode, Option<&PathBuf>)], dir: &Path) -> io::Result<ExitCode> {
    use crate::plan::{Codes, Targets};
    use crate::write::run::Job;
    let jobs: Vec<Job> = pairs
        .iter()
        .filter_map(|(code, _, f)| {
            f.map(|f| Job {
                path: if f.is_absolute() || dir == Path::new(".") {
                    f.clone()
                } else {
                    dir.join(f)
                },
                codes: Codes {
                    isrc: Some(*code),
                    barcode: None,
                    ..Default::default()
                },
            })
        })
        .collect();
    if jobs.is_empty() {
        return Ok(ExitCode::Success);
    }
    let targets = match Targets::parse(&[]) {
        Ok(t) => t,
        Err(e) => return fail(&e),
    };
    let options = WriteOptions {
        targets: Vec::new(),
        dry_run: false,
        format: WriteFormat::Table,
        color: ColorChoice::Auto,
        break_hard_links: false,
        quiet: false,
    };
    let code = super::write_jobs(&jobs, Vec::new(), &targets, &options)?;
    if code != ExitCode::Success {
        eprintln!(
            "isrckit: the codes are assigned in the ledger; write those not written with isrckit set --isrc CODE FILE (or isrckit embed with the manifest)"
        );
    }
    Ok(code)
}

/// The rows of `assign --from`.
fn tracks(
    from: &Path,
    dir: &Path,
    year: u16,
    content_type: ContentType,
    first_published: Option<u16>,
) -> Result<Vec<(NewCode, Option<PathBuf>)>, String> {
    let shown = from.display();
    let bytes = std::fs::read(from).map_err(|e| format!("{shown}: {e}"))?;
    let text = crate::embed::manifest::decode(&bytes)
        .map_err(|e| format!("{shown}: {e}"))?
        .text;
    let t: Table = table::read_rows(&text).map_err(|e| format!("{shown}: {e}"))?;
    let mut problems = Vec::new();
    for (what, names) in [
        ("title", table::TITLE_NAMES),
        ("artist", table::ARTIST_NAMES),
    ] {
        if !t.has(names) {
            problems.push(format!(
                "line 1: no {what} column (the header has: {})",
                t.columns.join(", ")
            ));
        }
    }
    let mut out = Vec::new();
    for (line, r) in &t.rows {
        let mut bad = |why: String| problems.push(format!("line {line}: {why}"));
        let title = t.get(r, table::TITLE_NAMES).unwrap_or_default();
        let artist = t.get(r, table::ARTIST_NAMES).unwrap_or_default();
        if title.is_empty() {
            bad("no title".into());
        }
        if artist.is_empty() {
            bad("no artist".into());
        }
        let mut duration_ms = None;
        if let Some(d) = t.get(r, table::DURATION_NAMES) {
            duration_ms = table::parse_duration(d);
            if duration_ms.is_none() {
                bad(format!(
                    "duration {d:?}: write seconds (215), M:SS (3:35) or H:MM:SS"
                ));
            }
        }
        let row_year = match t.get(r, &["year"]) {
            None => year,
            Some(y) => match reference_year(Some(y)) {
                Ok(y) => y,
                Err(e) => {
                    bad(e.replace("--year ", "year "));
                    year
                }
            },
        };
        let ct = match t.get(r, table::TYPE_NAMES) {
            None => content_type,
            Some(v) => ContentType::from_name(v).unwrap_or_else(|| {
                bad(format!("content type {v:?}: write audio or video"));
                content_type
            }),
        };
        let published = match t.get(r, table::PUBLISHED_NAMES) {
            None => first_published,
            Some(y) => match y.parse::<u16>() {
                Ok(n) => Some(n),
                Err(_) => {
                    bad(format!("first published {y:?}: write a year, e.g. 2026"));
                    None
                }
            },
        };
        let file = t.get(r, &["file", "path", "filename"]).map(str::to_string);
        let mut audio_hash = None;
        let full = file.as_ref().map(|f| {
            let p = PathBuf::from(f);
            if p.is_absolute() { p } else { dir.join(p) }
        });
        if let Some(full) = &full {
            match file_facts(full) {
                Ok((h, d)) => {
                    audio_hash = h;
                    duration_ms = duration_ms.or(d);
                }
                Err(e) => bad(e),
            }
        }
        out.push((
            NewCode {
                artist: artist.to_string(),
                title: title.to_string(),
                version: t.get(r, table::VERSION_NAMES).map(str::to_string),
                duration_ms,
                content_type: ct,
                first_published: published,
                year: row_year,
                audio_hash,
                file: file.clone(),
                origin: format!("{shown}: line {line}"),
            },
            file.map(PathBuf::from),
        ));
    }
    if !problems.is_empty() {
        return Err(format!(
            "{shown}: {} problem{}; nothing was assigned:\n  {}",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" },
            problems.join("\n  ")
        ));
    }
    Ok(out)
}

pub(super) fn ledger_command(args: LedgerArgs) -> io::Result<ExitCode> {
    let path = match ledger_path(args.ledger.as_ref()) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    let shown = crate::platform::path_text(&path).into_owned();
    let today = lg::today();
    match args.command {
        LedgerCommand::Init { prefix, range } => {
            let Some(p) = lg::parse_prefix(&prefix) else {
                return fail(&format!(
                    "--prefix {prefix:?}: a registrant prefix is 2 letters of country and 3 characters of registrant, e.g. AUXYZ"
                ));
            };
            let range = match range.as_deref().map(lg::parse_range) {
                None => (0, 99_999),
                Some(Some(r)) => r,
                Some(None) => {
                    return fail(&format!(
                        "--range {:?}: give the first and last designation codes, e.g. 00000-49999",
                        range.unwrap_or_default()
                    ));
                }
            };
            let mut ledger = match Ledger::open(&path, true) {
                Ok(l) => l,
                Err(e) => return fail(&e.to_string()),
            };
            match ledger.add_prefix(&p, range, &today) {
                Ok(added) => {
                    println!(
                        "{shown}: prefix {p}, designation codes {:05}-{:05}{}",
                        range.0,
                        range.1,
                        if added { "" } else { " (already there)" }
                    );
                    Ok(ExitCode::Success)
                }
                Err(e) => fail(&refused(&e, &shown)),
            }
        }
        LedgerCommand::Void { code, reason } => {
            let c = match Isrc::parse(&code) {
                Ok(c) => c,
                Err(e) => return fail(&format!("{code:?}: {e}")),
            };
            if reason.trim().is_empty() {
                return fail("--reason is empty: the ledger keeps why a code was voided");
            }
            let mut ledger = match Ledger::open(&path, false) {
                Ok(l) => l,
                Err(e) => return fail(&e.to_string()),
            };
            match ledger.void(&c, reason.trim(), &today) {
                Ok(()) => {
                    println!("{c}: void ({})", reason.trim());
                    Ok(ExitCode::Success)
                }
                Err(e) => fail(&refused(&e, &shown)),
            }
        }
        LedgerCommand::Export { format, output } => {
            let ledger = match Ledger::open(&path, false) {
                Ok(l) => l,
                Err(e) => return fail(&e.to_string()),
            };
            let (entries, prefixes) =
                match ledger.entries().and_then(|e| Ok((e, ledger.prefixes()?))) {
                    Ok(x) => x,
                    Err(e) => return fail(&e.to_string()),
                };
            let mut text = String::new();
            if format == "json" {
                /// The JSON export, keys in this order.
                #[derive(serde::Serialize)]
                struct Export<'a> {
                    schema: &'static str,
                    prefixes: &'a [lg::Prefix],
                    codes: &'a [lg::Entry],
                }
                let doc = Export {
                    schema: "isrckit/ledger/1",
                    prefixes: &prefixes,
                    codes: &entries,
                };
                text = serde_json::to_string_pretty(&doc).map_err(io::Error::other)?;
                text.push('\n');
            } else {
                text.push_str(&lg::EXPORT_COLUMNS.join(","));
                text.push('\n');
                for e in &entries {
                    let n = |v: Option<u16>| v.map(|y| y.to_string());
                    let cells = [
                        Some(e.isrc.clone()),
                        Some(e.artist.clone()),
                        Some(e.title.clone()),
                        e.version.clone(),
                        e.duration_text.clone(),
                        Some(e.content_type.clone()),
                        n(e.first_published),
                        Some(e.assigned.clone()),
                        Some(e.status.clone()),
                        e.void_reason.clone(),
                        e.voided.clone(),
                        e.audio_hash.clone(),
                        e.file.clone(),
                    ];
                    let row: Vec<String> = cells
                        .iter()
                        .map(|c| table::csv_field(c.as_deref().unwrap_or("")))
                        .collect();
                    text.push_str(&row.join(","));
                    text.push('\n');
                }
            }
            match output {
                Some(o) => {
                    if let Err(e) = std::fs::write(&o, text) {
                        return fail(&format!("{}: {e}", o.display()));
                    }
                }
                None => {
                    let mut out = io::stdout().lock();
                    out.write_all(text.as_bytes())?;
                    out.flush()?;
                }
            }
            Ok(ExitCode::Success)
        }
        LedgerCommand::Import { file } => {
            let fshown = file.display().to_string();
            let bytes = match std::fs::read(&file) {
                Ok(b) => b,
                Err(e) => return fail(&format!("{fshown}: {e}")),
            };
            let text = match crate::embed::manifest::decode(&bytes) {
                Ok(d) => d.text,
                Err(e) => return fail(&format!("{fshown}: {e}")),
            };
            let rows = match table::read_rows(&text).and_then(|t| lg::ImportRow::all(&t)) {
                Ok(r) => r,
                Err(e) => return fail(&format!("{fshown}: {e}; nothing was imported")),
            };
            let mut ledger = match Ledger::open(&path, false) {
                Ok(l) => l,
                Err(e) => return fail(&e.to_string()),
            };
            match ledger.import(&rows, &today) {
                Ok(n) => {
                    println!(
                        "{shown}: imported {n} code{} from {fshown}",
                        if n == 1 { "" } else { "s" }
                    );
                    Ok(ExitCode::Success)
                }
                Err(LedgerError::Refused(list)) => fail(&format!(
                    "{fshown}: {} problem{}; nothing was imported into {shown}:\n  {}",
                    list.len(),
                    if list.len() == 1 { "" } else { "s" },
                    list.join("\n  ")
                )),
                Err(e) => fail(&e.to_string()),
            }
        }
    }
}
