//! The per-file rules: what one file's report says about itself.
//!
//! In the flow (walk → read → records → rules → findings → render) these
//! run on the reading thread, right after the file is read
//! (`run::examine`), while its [`FileReport`] is still there: first the
//! file's status (unreadable, lfs-pointer; files that are not audio are
//! counted as skipped), then the codes of an audio file (isrc-missing,
//! for a CUE sheet or TOC file one per track without an ISRC, isrc-invalid, isrc-noncanonical, isrc-registrant, isrc-prefix,
//! isrc-year, isrc-conflict, barcode-missing, barcode-invalid,
//! barcode-conflict). The rules that compare files with each other are in
//! `cross_file.rs`.

use super::finding::Findings;
use super::{Rule, Settings, Summary};
use crate::codes::Isrc;
use crate::formats;
use crate::model::{CodeKind, Container, FileReport, FileStatus};
use std::collections::BTreeMap;
use std::collections::BTreeSet;

/// One file's check, run on the thread that read it.
pub(super) struct FileCheck<'a> {
    /// What the rules found.
    pub(super) findings: Findings<'a>,
    /// The file's counts (files, audio, skipped, LFS, unreadable).
    pub(super) summary: Summary,
}

impl<'a> FileCheck<'a> {
    /// Nothing checked yet.
    pub(super) fn new(settings: &'a Settings) -> FileCheck<'a> {
        FileCheck {
            findings: Findings::new(settings),
            summary: Summary::default(),
        }
    }

    /// The per-file rules; `isrcs` and `barcodes` are the report's
    /// distinct valid values ([`FileReport::distinct`]).
    pub(super) fn file(&mut self, r: &FileReport, isrcs: &[&str], barcodes: &[&str]) {
        self.summary.files += 1;
        let path = r.path.as_path();
        let named_audio = path
            .extension()
            .and_then(|e| e.to_str())
            .and_then(formats::container_for_extension)
            .is_some();
        let error = r.error.clone().unwrap_or_default();
        match r.status {
            FileStatus::LfsPointer => {
                self.summary.lfs_pointers += 1;
                self.findings.push(
                    Rule::LfsPointer,
                    path,
                    "is a Git LFS pointer, not the audio: the file was not fetched (run `git lfs pull`; in CI check out with LFS enabled)".into(),
                    None,
                    None,
                );
            }
            FileStatus::NotAudio | FileStatus::Empty if !named_audio => self.summary.skipped += 1,
            FileStatus::NotAudio | FileStatus::Empty | FileStatus::Unreadable => {
                self.summary.unreadable += 1;
                self.findings.push(
                    Rule::Unreadable,
                    path,
                    format!("could not be read as audio: {error}"),
                    None,
                    None,
                );
            }
            FileStatus::Damaged => {
                self.summary.unreadable += 1;
                self.summary.audio += 1;
                self.findings.push(
                    Rule::Unreadable,
                    path,
                    format!("is damaged: {error} (codes read before the damage are audited)"),
                    None,
                    None,
                );
            }
            FileStatus::Ok => self.summary.audio += 1,
        }
        if r.container.is_some() {
            self.codes(r, isrcs, barcodes);
        }
    }

    /// The rules on the codes of an audio file.
    fn codes(&mut self, r: &FileReport, isrcs: &[&str], barcodes: &[&str]) {
        let path = r.path.as_path();
        let (mut isrc_sites, mut barcode_sites) = (0, 0);
        let mut flagged: BTreeSet<(Rule, String)> = BTreeSet::new();
        for c in &r.codes {
            // Only a finding needs these texts: most sites make none.
            let at = || c.location.describe();
            let shown = || c.value.clone().unwrap_or_else(|| c.raw.clone());
            match c.kind {
                CodeKind::Isrc => {
                    isrc_sites += 1;
                    if !c.valid {
                        let at = at();
                        self.findings.push(
                            Rule::IsrcInvalid,
                            path,
                            format!(
                                "ISRC \"{}\" at {at} is not valid: {}",
                                c.raw,
                                c.problem.as_deref().unwrap_or("")
                            ),
                            Some(c.raw.clone()),
                            Some(at),
                        );
                        continue;
                    }
                    if !c.canonical {
                        let (at, shown) = (at(), shown());
                        self.findings.push(
                            Rule::IsrcNoncanonical,
                            path,
                            format!("ISRC stored as \"{}\" at {at}; store it as {shown}", c.raw),
                            Some(shown),
                            Some(at),
                        );
                    }
                    let Ok(code) = Isrc::parse(&c.raw) else {
                        continue;
                    };
                    let s = self.findings.settings;
                    if !s.registrants.is_empty()
                        && !s.registrants.iter().any(|p| p == code.prefix_code())
                        && flagged.insert((Rule::IsrcRegistrant, shown()))
                    {
                        let shown = shown();
                        self.findings.push(
                            Rule::IsrcRegistrant,
                            path,
                            format!(
                                "ISRC {shown} was issued under {}, not under the label's prefix{} {}",
                                code.prefix_code(),
                                if s.registrants.len() == 1 { "" } else { "es" },
                                s.registrants.join(", ")
                            ),
                            Some(shown),
                            Some(at()),
                        );
                    }
                    if !code.prefix_allocated() && flagged.insert((Rule::IsrcPrefix, shown())) {
                        let shown = shown();
                        self.findings.push(
                            Rule::IsrcPrefix,
                            path,
                            format!(
                                "ISRC {shown} starts with {}, an ISO 3166 country code the International ISRC Agency has not allocated as an ISRC prefix: a typo?",
                                code.country()
                            ),
                            Some(shown),
                            Some(at()),
                        );
                    }
                    // Two digits name a year of two centuries: the year of
                    // reference is read as the latest year ending in them
                    // that is not after this one (`Isrc::reference_year`
                    // explains why: a code assigned since ISO 3901:2001
                    // carries the year it was assigned, never a future one;
                    // a code assigned under ISO 3901:1986 may carry its
                    // recording's year, so 76 is 1976, as on the handbook's
                    // own example). Nothing is assigned before 1986, so a
                    // year before it is only right on a code assigned before
                    // 2001: worth a note (an info), not a warning.
                    let reference = code.reference_year(s.year);
                    if reference.is_none_or(|y| y < *Isrc::ERA.start())
                        && flagged.insert((Rule::IsrcYear, shown()))
                    {
                        let shown = shown();
                        let yy = code.year();
                        let (early, late) = (1900 + u16::from(yy), 2000 + u16::from(yy));
                        let message = match reference {
                            None => format!(
                                "ISRC {shown} has year of reference {yy:02}, which is in the future: {early} and {late} are both after {}",
                                s.year
                            ),
                            Some(_) => format!(
                                "ISRC {shown} has year of reference {yy:02}: {early}, before ISRCs began in 1986, or {late}, after this year ({}); only a code assigned before 2001, when the year of recording was used, carries a year before 1986",
                                s.year
                            ),
                        };
                        self.findings
                            .push(Rule::IsrcYear, path, message, Some(shown), Some(at()));
                    }
                }
                CodeKind::Barcode => {
                    barcode_sites += 1;
                    if !c.valid {
                        let at = at();
                        self.findings.push(
                            Rule::BarcodeInvalid,
                            path,
                            format!(
                                "barcode \"{}\" at {at} is not valid: {}",
                                c.raw,
                                c.problem.as_deref().unwrap_or("")
                            ),
                            Some(c.raw.clone()),
                            Some(at),
                        );
                    }
                }
            }
        }
        // A CUE sheet's or TOC file's ISRCs are per track: its reader notes
        // each track that has none (`formats::MISSING_ISRC`), and each such
        // track is an isrc-missing finding, whatever the other tracks hold.
        let mut tracks_missing = false;
        for note in &r.notes {
            if let Some(what) = note.strip_prefix(formats::MISSING_ISRC) {
                tracks_missing = true;
                self.findings
                    .push(Rule::IsrcMissing, path, what.to_string(), None, None);
            }
        }
        // A DDP image's tracks, from its PQ descriptors as its reader read
        // them (from disk or from a store): each without an ISRC site is
        // an isrc-missing finding.
        if r.container == Some(Container::Ddp) && r.status != FileStatus::Unreadable {
            let missing: Vec<&crate::model::DiscTrack> = r
                .disc_tracks
                .iter()
                .filter(|t| {
                    !r.codes
                        .iter()
                        .any(|c| c.kind == CodeKind::Isrc && c.location.track == Some(t.number))
                })
                .collect();
            if !missing.is_empty() && missing.len() == r.disc_tracks.len() {
                tracks_missing = true;
                self.findings.push(
                    Rule::IsrcMissing,
                    path,
                    format!(
                        "no track of the image has an ISRC ({} track{}; no PQ, DDPMS or CD-TEXT site): the disc would be pressed without ISRCs",
                        missing.len(),
                        if missing.len() == 1 { "" } else { "s" }
                    ),
                    None,
                    None,
                );
            } else {
                for t in missing {
                    tracks_missing = true;
                    self.findings.push(
                        Rule::IsrcMissing,
                        path,
                        format!(
                            "{}{:02} has no ISRC in the image (no PQ, DDPMS or CD-TEXT site), while other tracks have one",
                            crate::cd::MISSING_TRACK,
                            t.number
                        ),
                        None,
                        Some(t.at.clone()),
                    );
                }
            }
        }
        if isrc_sites == 0 && !tracks_missing {
            self.findings.push(
                Rule::IsrcMissing,
                path,
                "has no ISRC anywhere (ID3 TSRC, Vorbis ISRC, MP4 ISRC, RIFF INFO, iXML, aXML)"
                    .into(),
                None,
                None,
            );
        }
        if barcode_sites == 0 {
            self.findings.push(
                Rule::BarcodeMissing,
                path,
                "has no UPC/EAN barcode".into(),
                None,
                None,
            );
        }
        // A disc (DDP image, CUE sheet, TOC file) holds its barcode in
        // several sites (DDPID, PQ, CD-TEXT; CATALOG and UPC_EAN) and an
        // ISRC per track: sites that disagree are cd-*-mismatch findings,
        // and one ISRC on two tracks is isrc-duplicate.
        let disc = matches!(r.container, Some(Container::Ddp | Container::Cue));
        if disc {
            self.disc_tracks(r);
        }
        for (distinct, kind, rule, words) in [
            (isrcs, CodeKind::Isrc, Rule::IsrcConflict, "ISRCs"),
            (
                barcodes,
                CodeKind::Barcode,
                if disc {
                    Rule::CdBarcodeMismatch
                } else {
                    Rule::BarcodeConflict
                },
                if disc {
                    "UPC/EANs between the disc's sites"
                } else {
                    "barcodes"
                },
            ),
        ] {
            if distinct.len() > 1 {
                // One pass over the sites (a file may hold thousands), and
                // a message of bounded length: the first values, each with
                // its first places, the rest counted.
                const VALUES: usize = 10;
                const PLACES: usize = 3;
                let mut places: Vec<(usize, Vec<String>)> =
                    vec![(0, Vec::new()); distinct.len().min(VALUES)];
                for c in r.codes.iter().filter(|c| c.kind == kind && c.valid) {
                    let Some(v) = c.value.as_deref() else {
                        continue;
                    };
                    if let Ok(i) = distinct.binary_search(&v)
                        && let Some((n, shown)) = places.get_mut(i)
                    {
                        *n += 1;
                        if shown.len() < PLACES {
                            shown.push(c.location.describe());
                        }
                    }
                }
                let mut parts: Vec<String> = distinct
                    .iter()
                    .zip(&places)
                    .map(|(v, (n, shown))| {
                        let more = if *n > shown.len() {
                            format!(" and {} more places", n - shown.len())
                        } else {
                            String::new()
                        };
                        format!("{v} at {}{more}", shown.join(" and "))
                    })
                    .collect();
                if distinct.len() > VALUES {
                    parts.push(format!("and {} more values", distinct.len() - VALUES));
                }
                self.findings.push(
                    rule,
                    path,
                    format!(
                        "carries {} different {words}: {}",
                        distinct.len(),
                        parts.join("; ")
                    ),
                    Some(if distinct.len() > VALUES {
                        format!("{}, …", distinct[..VALUES].join(", "))
                    } else {
                        distinct.join(", ")
                    }),
                    None,
                );
            }
        }
    }

    /// The rules on a disc's tracks alone: a track whose ISRC differs
    /// between the disc's sites (cd-isrc-mismatch), one ISRC on two tracks
    /// (isrc-duplicate).
    fn disc_tracks(&mut self, r: &FileReport) {
        let path = r.path.as_path();
        // track -> its valid ISRC values, each with its first site.
        let mut by_track: BTreeMap<u32, Vec<(&str, &crate::model::CodeSite)>> = BTreeMap::new();
        for c in &r.codes {
            let (CodeKind::Isrc, true, Some(t), Some(v)) =
                (c.kind, c.valid, c.location.track, c.value.as_deref())
            else {
                continue;
            };
            let values = by_track.entry(t).or_default();
            if !values.iter().any(|(x, _)| *x == v) {
                values.push((v, c));
            }
        }
        for (t, values) in &by_track {
            if values.len() < 2 {
                continue;
            }
            let mut places: Vec<String> = Vec::new();
            for c in r
                .codes
                .iter()
                .filter(|c| c.kind == CodeKind::Isrc && c.valid && c.location.track == Some(*t))
            {
                places.push(format!(
                    "{} at {}",
                    c.value.as_deref().unwrap_or(&c.raw),
                    c.location.describe()
                ));
            }
            let codes: Vec<&str> = values.iter().map(|(v, _)| *v).collect();
            self.findings.push(
                Rule::CdIsrcMismatch,
                path,
                format!(
                    "TRACK {t:02}'s ISRC differs between the disc's sites: {}; a track has one ISRC",
                    places.join("; ")
                ),
                Some(codes.join(", ")),
                Some(values[0].1.location.describe()),
            );
        }
        // code -> tracks carrying it (each track's values, once).
        let mut by_code: BTreeMap<&str, Vec<(u32, &crate::model::CodeSite)>> = BTreeMap::new();
        for (t, values) in &by_track {
            for (v, c) in values {
                by_code.entry(v).or_default().push((*t, c));
            }
        }
        for (code, tracks) in by_code.iter().filter(|(_, t)| t.len() > 1) {
            let list: Vec<String> = tracks
                .iter()
                .map(|(t, c)| format!("TRACK {t:02} ({})", c.location.describe()))
                .collect();
            self.findings.push(
                Rule::IsrcDuplicate,
                path,
                format!(
                    "ISRC {code} is on {} tracks of this disc: {}; each track is a different recording and needs its own ISRC",
                    tracks.len(),
                    list.join(", ")
                ),
                Some(code.to_string()),
                Some(tracks[0].1.location.describe()),
            );
        }
    }
}
