//! `isrckit cue`: a CUE sheet from a manifest or from the masters' tags.

use super::ExitCode;
use crate::cd::write::{MAX_TRACKS, Sheet, SheetTrack};
use crate::codes::{Gtin, Isrc};
use crate::model::{CodeKind, Container, FileReport};
use crate::sanitize;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// Arguments of `cue`.
#[derive(Debug, clap::Args)]
pub struct CueArgs {
    /// The masters' folder (its audio files, not its subfolders), or with
    /// --manifest the folder the manifest's paths are relative to
    /// [default: the manifest's folder, else the current folder].
    #[arg(value_name = "FOLDER")]
    pub folder: Option<PathBuf>,
    /// Take each track's file and ISRC, and the barcode, from this manifest
    /// (the one `isrckit embed` reads: path or release + track or title,
    /// isrc, barcode) instead of the files' tags.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// The disc's CD-TEXT title (TITLE).
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// The disc's CD-TEXT performer (PERFORMER).
    #[arg(long, value_name = "TEXT")]
    pub performer: Option<String>,
    /// A comment line (REM TEXT) at the top; repeatable.
    #[arg(long, value_name = "TEXT")]
    pub rem: Vec<String>,
    /// Write the sheet to this file (its FILE names are relative to its
    /// folder) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// With --output: replace a file that is already there.
    #[arg(long, requires = "output")]
    pub force: bool,
}

/// One master as the sheet sees it.
struct Master {
    path: PathBuf,
    report: FileReport,
    isrc: Option<Isrc>,
    barcode: Option<Gtin>,
}

fn fail(problems: &[String]) -> io::Result<ExitCode> {
    for p in problems {
        eprintln!("isrckit: {}", sanitize::lines(p));
    }
    eprintln!("isrckit: no CUE sheet was written");
    Ok(ExitCode::Error)
}

fn shown(p: &Path) -> String {
    sanitize::terminal(&crate::platform::path_text(p)).into_owned()
}

pub(super) fn cue_command(args: CueArgs) -> io::Result<ExitCode> {
    let mut problems = Vec::new();
    let masters = match &args.manifest {
        Some(m) => from_manifest(m, args.folder.as_deref(), &mut problems),
        None => from_tags(
            args.folder.as_deref().unwrap_or(Path::new(".")),
            &mut problems,
        ),
    };
    if !problems.is_empty() {
        return fail(&problems);
    }
    if masters.is_empty() {
        return fail(&["no audio files to put in a CUE sheet".into()]);
    }
    if masters.len() > MAX_TRACKS {
        return fail(&[format!(
            "{} audio files: a CD holds at most {MAX_TRACKS} tracks",
            masters.len()
        )]);
    }
    // One barcode for the disc.
    let mut barcodes: Vec<(&Gtin, &Path)> = Vec::new();
    for m in &masters {
        if let Some(b) = &m.barcode
            && !barcodes.iter().any(|(x, _)| *x == b)
        {
            barcodes.push((b, &m.path));
        }
    }
    if barcodes.len() > 1 {
        let list: Vec<String> = barcodes
            .iter()
            .map(|(b, p)| format!("{} ({})", b.gtin13(), shown(p)))
            .collect();
        return fail(&[format!(
            "the masters carry {} different barcodes: {}; a disc has one CATALOG: correct the masters (isrckit audit shows which)",
            barcodes.len(),
            list.join(", ")
        )]);
    }
    // FILE names are relative to the sheet's folder.
    let base = match &args.output {
        Some(o) => o
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        None => match (&args.manifest, &args.folder) {
            (_, Some(f)) => f.clone(),
            (Some(m), None) => m
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            (None, None) => PathBuf::from("."),
        },
    };
    let mut tracks = Vec::new();
    for m in &masters {
        let Some(name) = relative(&m.path, &base) else {
            problems.push(format!(
                "{}: its path cannot be written relative to {} (another drive?): write the sheet into the masters' folder",
                shown(&m.path),
                shown(&base)
            ));
            continue;
        };
        if m.isrc.is_none() {
            eprintln!(
                "isrckit: note: {} has no ISRC: its TRACK gets no ISRC line",
                shown(&m.path)
            );
        }
        tracks.push(SheetTrack {
            file: name,
            container: m.report.container,
            isrc: m.isrc,
            title: m.report.title.clone(),
            performer: None,
        });
    }
    if !problems.is_empty() {
        return fail(&problems);
    }
    let sheet = Sheet {
        catalog: barcodes.first().map(|(b, _)| **b),
        title: args.title.clone(),
        performer: args.performer.clone(),
        remarks: args.rem.clone(),
        tracks,
    };
    if sheet.catalog.is_none() {
        eprintln!("isrckit: note: no master carries a barcode: the sheet has no CATALOG");
    }
    let text = match crate::cd::write::render(&sheet) {
        Ok(t) => t,
        Err(p) => return fail(&p),
    };
    // What isrckit's own reader makes of it: the same codes, or nothing
    // is written.
    let back = crate::read_bytes("isrckit.cue", text.as_bytes());
    let read_back: Vec<(Option<u32>, Option<String>)> = back
        .codes
        .iter()
        .map(|c| (c.location.track, c.value.clone()))
        .collect();
    let mut want: Vec<(Option<u32>, Option<String>)> = Vec::new();
    if let Some(c) = &sheet.catalog {
        want.push((None, Some(c.gtin13().to_string())));
    }
    for (i, t) in sheet.tracks.iter().enumerate() {
        if let Some(c) = &t.isrc {
            want.push((Some(i as u32 + 1), Some(c.to_string())));
        }
    }
    if read_back != want || back.error.is_some() {
        return fail(&[format!(
            "the sheet did not read back with the same codes (a bug: please report it): {read_back:?}"
        )]);
    }
    match &args.output {
        None => {
            let mut out = io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
        Some(o) => {
            if let Err(e) = write_new(o, text.as_bytes(), args.force) {
                return fail(&[e]);
            }
            eprintln!(
                "isrckit: wrote {}: {} track{}{}",
                shown(o),
                sheet.tracks.len(),
                if sheet.tracks.len() == 1 { "" } else { "s" },
                sheet
                    .catalog
                    .as_ref()
                    .map(|c| format!(", CATALOG {}", c.gtin13()))
                    .unwrap_or_default()
            );
        }
    }
    Ok(ExitCode::Success)
}

/// The masters of a folder (its own files, not its subfolders'), read
/// for their codes and titles, in track order.
fn from_tags(folder: &Path, problems: &mut Vec<String>) -> Vec<Master> {
    if !folder.is_dir() {
        problems.push(format!("{}: not a folder", shown(folder)));
        return Vec::new();
    }
    let (files, walked) =
        crate::walk::collect(&[folder.to_path_buf()], &crate::walk::Filter::default());
    for (p, why) in walked.errors {
        problems.push(format!("{}: {why}", shown(&p)));
    }
    let files: Vec<PathBuf> = files
        .into_iter()
        .filter(|f| f.parent() == Some(folder))
        .collect();
    let mut masters = Vec::new();
    for report in crate::engine::read_files(&files) {
        let Some(c) = report.container else { continue };
        if matches!(c, Container::Ddp | Container::Cue) {
            continue;
        }
        if let Some(e) = &report.error {
            problems.push(format!(
                "{}: damaged: {e}; fix or re-export it first",
                shown(&report.path)
            ));
            continue;
        }
        let isrc = one_code(&report, CodeKind::Isrc, problems).and_then(|v| Isrc::parse(&v).ok());
        let barcode =
            one_code(&report, CodeKind::Barcode, problems).and_then(|v| Gtin::parse(&v).ok());
        masters.push(Master {
            path: report.path.clone(),
            report,
            isrc,
            barcode,
        });
    }
    order(&mut masters, problems);
    masters
}

/// The one valid code of a kind a file carries; two different, or an
/// invalid one only, is a problem.
fn one_code(r: &FileReport, kind: CodeKind, problems: &mut Vec<String>) -> Option<String> {
    let distinct = r.distinct(kind);
    let word = if kind == CodeKind::Isrc {
        "ISRC"
    } else {
        "barcode"
    };
    match distinct.as_slice() {
        [one] => Some((*one).to_string()),
        [] => {
            if let Some(bad) = r.codes.iter().find(|c| c.kind == kind && !c.valid) {
                problems.push(format!(
                    "{}: its {word} \"{}\" is not valid ({}): a CUE sheet carries only valid codes; correct it first",
                    shown(&r.path),
                    bad.raw,
                    bad.problem.as_deref().unwrap_or("")
                ));
            }
            None
        }
        many => {
            problems.push(format!(
                "{}: carries {} different {word}s ({}): keep the right one first (isrckit audit shows where each is)",
                shown(&r.path),
                many.len(),
                many.join(", ")
            ));
            None
        }
    }
}

/// The masters a manifest names, with its codes, in track order.
fn from_manifest(
    manifest: &Path,
    folder: Option<&Path>,
    problems: &mut Vec<String>,
) -> Vec<Master> {
    use crate::embed::manifest;
    let bytes = match std::fs::read(manifest) {
        Ok(b) => b,
        Err(e) => {
            problems.push(format!("{}: {e}", shown(manifest)));
            return Vec::new();
        }
    };
    let root = folder.map_or_else(
        || {
            manifest
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        },
        Path::to_path_buf,
    );
    let decoded = match manifest::decode(&bytes) {
        Ok(d) => d,
        Err(e) => {
            problems.push(format!("{}: {e}", shown(manifest)));
            return Vec::new();
        }
    };
    if let Some(note) = &decoded.note {
        eprintln!("isrckit: note: {}: {note}", shown(manifest));
    }
    let assignments = match manifest::check(&decoded.text, &root) {
        Ok(a) => a,
        Err(errors) => {
            problems.push(format!(
                "{}: the manifest has {} problem{}:\n{errors}",
                shown(manifest),
                errors.errors.len(),
                if errors.errors.len() == 1 { "" } else { "s" }
            ));
            return Vec::new();
        }
    };
    let mut masters: Vec<Master> = assignments
        .into_iter()
        .map(|a| {
            let path = a
                .path
                .strip_prefix(".")
                .map(PathBuf::from)
                .unwrap_or(a.path);
            Master {
                report: crate::read_file(&path),
                path,
                isrc: a.codes.isrc,
                barcode: a.codes.barcode,
            }
        })
        .collect();
    order(&mut masters, problems);
    masters
}

/// Track order: the number each file name starts with (`01 Intro.wav`,
/// as `embed` reads them) when every file has its own; else path order.
/// Two files with one number (`01 Intro.wav` and `01 Intro.flac`) are a
/// problem: a sheet takes one file per track.
fn order(masters: &mut [Master], problems: &mut Vec<String>) {
    let number = |m: &Master| {
        m.path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(crate::embed::manifest::track_number)
    };
    let mut by_number: std::collections::BTreeMap<u32, Vec<&Path>> = Default::default();
    for m in masters.iter() {
        if let Some(n) = number(m) {
            by_number.entry(n).or_default().push(&m.path);
        }
    }
    for (n, paths) in by_number.iter().filter(|(_, p)| p.len() > 1) {
        let names: Vec<String> = paths.iter().map(|p| shown(p)).collect();
        problems.push(format!(
            "{} files are track {n}: {}; a CUE sheet takes one file per track: give the folder of one format",
            paths.len(),
            names.join(", ")
        ));
    }
    let numbers: std::collections::BTreeSet<u32> = masters.iter().filter_map(number).collect();
    if numbers.len() == masters.len() {
        masters.sort_by_key(|m| number(m));
    } else {
        masters.sort_by(|a, b| crate::walk::path_order(&a.path, &b.path));
        if masters.len() > 1 {
            eprintln!(
                "isrckit: note: the file names do not all start with a track number of their own: tracks are in the order of the names"
            );
        }
    }
}

/// `path` relative to `base`, with `/` between parts (`../masters/01.wav`
/// when it is not under it); `None` when there is no such path.
fn relative(path: &Path, base: &Path) -> Option<String> {
    let abs = |p: &Path| std::path::absolute(p).ok();
    let (p, b) = (abs(path)?, abs(base)?);
    let clean = |p: &Path| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in p.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir => {
                    out.pop();
                }
                other => out.push(other.as_os_str().to_string_lossy().into_owned()),
            }
        }
        out
    };
    let (p, b) = (clean(&p), clean(&b));
    if p.first() != b.first() {
        return None;
    }
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<&str> = vec![".."; b.len() - common];
    parts.extend(p[common..].iter().map(String::as_str));
    Some(parts.join("/"))
}

/// Write `bytes` to `path` through a temp file in its folder, synced; an
/// existing file is replaced only with `force` (else refused, and the
/// check and the link are one step: a file made meanwhile is not lost).
fn write_new(path: &Path, bytes: &[u8], force: bool) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let old = std::fs::symlink_metadata(path).ok();
    if let Some(m) = &old {
        if !force {
            return Err(format!(
                "{} is already there: give --force to replace it, or another --output",
                shown(path)
            ));
        }
        if !m.is_file() {
            return Err(format!(
                "{} is not a plain file (a symlink, a folder): --force replaces only a file; give its real path",
                shown(path)
            ));
        }
    }
    let tmp = dir.join(format!(".isrckit-tmp-{}-cue", std::process::id()));
    let result = (|| -> io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        // A sheet replaced keeps its permissions (never wider ones).
        if let Some(m) = &old {
            f.set_permissions(m.permissions())?;
        }
        f.sync_all()?;
        drop(f);
        if force {
            std::fs::rename(&tmp, path)?;
        } else {
            // A hard link never replaces a file: it fails if one appeared.
            std::fs::hard_link(&tmp, path)?;
            std::fs::remove_file(&tmp)?;
        }
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{}: {e}", shown(path))
    })
}

#[cfg(test)]
mod tests {
    use super::relative;
    use std::path::Path;

    #[test]
    fn names_relative_to_the_sheet() {
        assert_eq!(
            relative(Path::new("/a/m/01 x.wav"), Path::new("/a/m")).as_deref(),
            Some("01 x.wav")
        );
        assert_eq!(
            relative(Path::new("/a/m/01.wav"), Path::new("/a/out")).as_deref(),
            Some("../m/01.wav")
        );
        assert_eq!(
            relative(Path::new("/a/./m/../m/01.wav"), Path::new("/a/m/")).as_deref(),
            Some("01.wav")
        );
    }
}
