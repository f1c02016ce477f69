//! The rules across rows, once each row's file is known: rows naming
//! one file must give it the same codes (they are then merged into one
//! plan for the file), an ISRC goes to several files only when they are
//! the same recording ([`crate::recording`]), and the files of one folder
//! get at most one barcode.

use super::files::{Files, Found, show};
use super::{Row, RowError, err};
use crate::codes::Isrc;
use crate::plan::Codes;
use crate::recording::{Difference, Sameness};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A file and the rows that name it.
pub(super) struct Planned {
    /// The file: its index in [`Files::found`].
    pub(super) found: usize,
    pub(super) codes: Codes,
    /// The lines of the rows that name it.
    pub(super) lines: Vec<usize>,
}

/// One plan per file, from the rows grouped by the file they name
/// ([`Files::group_rows`]); rows naming the same file must agree, and a
/// row that does not is reported.
pub(super) fn merge(
    groups: Vec<(usize, Vec<&Row>)>,
    files: &Files,
    errors: &mut Vec<RowError>,
) -> Vec<Planned> {
    let mut planned = Vec::new();
    for (i, group) in groups {
        let first = group[0];
        let codes = codes_of(first);
        let mut lines = vec![first.line];
        for row in &group[1..] {
            let other = codes_of(row);
            if other == codes {
                lines.push(row.line);
            } else {
                errors.push(err(
                    row.line,
                    format!(
                        "names the same file as line {}, \"{}\", with other codes (line {}: {}; this row: {}); keep one row for the file, or give both the same codes",
                        first.line,
                        files.found[i].shown(),
                        first.line,
                        describe(&codes),
                        describe(&other)
                    ),
                ));
            }
        }
        planned.push(Planned {
            found: i,
            codes,
            lines,
        });
    }
    planned
}

/// An ISRC may go to several files only for the same recording.
pub(super) fn one_recording_per_isrc(
    planned: &[Planned],
    files: &Files,
    errors: &mut Vec<RowError>,
) {
    let mut by_isrc: HashMap<Isrc, Vec<usize>> = HashMap::new();
    for (pi, p) in planned.iter().enumerate() {
        let Some(isrc) = p.codes.isrc else { continue };
        let earlier = by_isrc.entry(isrc).or_default();
        let this = &files.found[p.found];
        let clash = earlier.iter().find_map(|&o| {
            let other = &files.found[planned[o].found];
            different_recordings(this, other, &Sameness::default()).map(|why| (o, why))
        });
        if let Some((o, why)) = clash {
            errors.push(err(
                p.lines[0],
                format!(
                    "ISRC {isrc} is also given on line {} to \"{}\", a different recording from \"{}\" ({why}); each recording needs its own ISRC: fix one of the two rows",
                    planned[o].lines[0],
                    files.found[planned[o].found].shown(),
                    this.shown()
                ),
            ));
        }
        earlier.push(pi);
    }
}

/// One barcode per release folder.
pub(super) fn one_barcode_per_folder(
    planned: &[Planned],
    files: &Files,
    errors: &mut Vec<RowError>,
) {
    let mut by_folder: HashMap<PathBuf, usize> = HashMap::new();
    for (pi, p) in planned.iter().enumerate() {
        let Some(barcode) = p.codes.barcode else {
            continue;
        };
        let this = &files.found[p.found];
        let folder = this.rel.parent().map(Path::to_path_buf).unwrap_or_default();
        match by_folder.get(&folder) {
            None => {
                by_folder.insert(folder, pi);
            }
            Some(&o) => {
                let other = &planned[o];
                let first = other
                    .codes
                    .barcode
                    .expect("only files with a barcode are kept");
                if first != barcode {
                    errors.push(err(
                        p.lines[0],
                        format!(
                            "barcode {barcode} for \"{}\" differs from barcode {first} given on line {} for \"{}\" in the same release folder \"{}\"; a release has one barcode: fix one of the rows",
                            this.shown(),
                            other.lines[0],
                            files.found[other.found].shown(),
                            show(&folder)
                        ),
                    ));
                }
            }
        }
    }
}

/// Why two files with one ISRC are different recordings, if they are
/// (the audit's test, [`crate::recording`]).
pub(super) fn different_recordings(this: &Found, other: &Found, same: &Sameness) -> Option<String> {
    match same.differs(&other.recording(), &this.recording())? {
        Difference::Titles(a, b) => Some(format!(
            "their titles differ: \"{}\" and \"{}\"",
            crate::sanitize::value(a),
            crate::sanitize::value(b)
        )),
        Difference::Durations(a, b) => Some(format!(
            "their durations differ by more than {}: {} and {}",
            show_tolerance(same.tolerance_ms),
            show_ms(a),
            show_ms(b)
        )),
        Difference::Audio => Some("their audio differs".into()),
    }
}

/// A duration tolerance as messages show it: `1 s`, `1.5 s`.
fn show_tolerance(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{} s", ms as f64 / 1000.0)
    }
}

/// `0:02.500`.
fn show_ms(ms: u64) -> String {
    format!("{}:{:02}.{:03}", ms / 60_000, (ms / 1000) % 60, ms % 1000)
}

fn codes_of(row: &Row) -> Codes {
    Codes {
        isrc: row.isrc,
        barcode: row.barcode,
        ..Default::default()
    }
}

/// `ISRC X, barcode Y` / `ISRC X, no barcode` / `no ISRC, barcode Y`.
fn describe(codes: &Codes) -> String {
    let isrc = codes
        .isrc
        .map_or_else(|| "no ISRC".to_string(), |i| format!("ISRC {i}"));
    let barcode = codes
        .barcode
        .map_or_else(|| "no barcode".to_string(), |b| format!("barcode {b}"));
    format!("{isrc}, {barcode}")
}
