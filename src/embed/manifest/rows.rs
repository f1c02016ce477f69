//! Checking each row on its own, as read: its codes, track number and
//! paths, and that it names a file and gives a code. What the rows say
//! together, and about the files, is checked later, by
//! [`resolve`](super::resolve).

use super::columns::{Col, RawRow};
use super::{Row, RowError, err};
use crate::codes::{Gtin, Isrc};
use crate::sanitize::value;
use std::path::PathBuf;

/// Which per-row checks still apply (the header may have reported the
/// problem once for all rows).
#[derive(Clone, Copy)]
pub(super) struct RowChecks {
    pub(super) need_code: bool,
    pub(super) need_ident: bool,
}

/// A track number as a manifest gives it: digits (`3`, `03`), optionally
/// followed by `/total` (`3/12`).
pub(super) fn parse_track(v: &str) -> Option<u32> {
    let n = match v.split_once('/') {
        Some((n, total))
            if !total.trim().is_empty() && total.trim().bytes().all(|b| b.is_ascii_digit()) =>
        {
            n.trim()
        }
        Some(_) => return None,
        None => v,
    };
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// Why a path given relative to ROOT is not acceptable.
fn relative_problem(v: &str) -> Option<&'static str> {
    let b = v.as_bytes();
    let drive = b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':';
    if v.starts_with('/') || v.starts_with('\\') || drive {
        return Some("is absolute; give it relative to ROOT (e.g. \"Album/01 Intro.wav\")");
    }
    if v.split(['/', '\\']).any(|part| part == "..") {
        return Some("leads out of ROOT with \"..\"; give it relative to ROOT, inside it");
    }
    None
}

/// A path given relative to ROOT, as a relative `PathBuf`: `/` and `\`
/// separate folders; empty and `.` parts are dropped.
pub(super) fn relative(v: &str) -> PathBuf {
    v.split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect()
}

/// The checked row, or `None` when the row has problems: they go to
/// `errors`, all of them, each at the row's line.
pub(super) fn build_row(
    raw: &RawRow,
    checks: RowChecks,
    errors: &mut Vec<RowError>,
) -> Option<Row> {
    let line = raw.line;
    let before = errors.len();
    let isrc = raw.get(Col::Isrc).and_then(|v| match Isrc::parse(v) {
        Ok(i) => Some(i),
        Err(e) => {
            let v = value(v);
            errors.push(err(
                line,
                format!("ISRC \"{v}\" {e}; fix the row or remove it"),
            ));
            None
        }
    });
    let barcode = raw.get(Col::Barcode).and_then(|v| match Gtin::parse(v) {
        Ok(g) => Some(g),
        Err(e) => {
            let v = value(v);
            errors.push(err(
                line,
                format!("barcode \"{v}\" {e}; fix the row or remove it"),
            ));
            None
        }
    });
    let track = raw.get(Col::Track).and_then(|v| {
        let t = parse_track(v);
        if t.is_none() {
            let v = value(v);
            errors.push(err(
                line,
                format!(
                    "track \"{v}\" is not a track number; give the number alone (e.g. 3 or 03)"
                ),
            ));
        }
        t
    });
    for c in [Col::Path, Col::Release] {
        if let Some(raw_v) = raw.get(c) {
            let v = value(raw_v);
            if let Some(why) = relative_problem(raw_v) {
                errors.push(err(line, format!("{} \"{v}\" {why}", c.name())));
            } else if c == Col::Path && relative(raw_v).as_os_str().is_empty() {
                errors.push(err(
                    line,
                    format!("path \"{v}\" names no file; give the file's path relative to ROOT"),
                ));
            }
        }
    }
    let path = raw.get(Col::Path);
    let release = raw.get(Col::Release);
    let title = raw.get(Col::Title);
    if checks.need_ident && path.is_none() && title.is_none() {
        match (raw.get(Col::Track), release) {
            (Some(t), None) => errors.push(err(
                line,
                format!(
                    "gives track {} but no release; a track number is matched within a release folder, so give release (the folder, relative to ROOT) too, or give path",
                    value(t)
                ),
            )),
            (Some(_), Some(_)) => {}
            (None, _) => errors.push(err(
                line,
                "names no file; give path (relative to ROOT), or release and track, or title",
            )),
        }
    }
    if checks.need_code && raw.get(Col::Isrc).is_none() && raw.get(Col::Barcode).is_none() {
        errors.push(err(
            line,
            "has neither an ISRC nor a barcode; give one, or remove the row",
        ));
    }
    (errors.len() == before).then(|| Row {
        line,
        path: path.map(str::to_string),
        release: release.map(str::to_string),
        track,
        title: title.map(str::to_string),
        isrc,
        barcode,
    })
}
