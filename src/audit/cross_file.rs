//! The cross-file rules: what the files say about each other.
//!
//! In the flow (walk → read → records → rules → findings → render) the
//! pipeline (`run.rs`) hands each file's results, in path order, to
//! [`Audit::take`], which numbers the file's release (see `release-by`
//! in the config) and keeps its small [`Record`]. When the walk is over,
//! [`Audit::cross_file`] runs the rules that need every record:
//!
//! - isrc-duplicate: one ISRC on recordings that can be told apart
//!   ([`crate::recording`] says what is the same recording);
//! - barcode-inconsistent: tracks of one release with different barcodes;
//! - barcode-shared: one barcode on releases with different content.
//!
//! ISRC groups are found by sorting (code, file) pairs, not with a map per
//! code; releases are known by number ([`Record::release`]), not by path.

use super::finding::Findings;
use super::run::Examined;
use super::{Record, ReleaseBy, Rule, Settings, Summary};
use crate::codes::Isrc;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The run's state, kept as files are written: findings, one record per
/// file, the release table.
pub(super) struct Audit<'a> {
    settings: &'a Settings,
    /// Every finding: the per-file rules' as each file is taken, then the
    /// cross-file rules'.
    pub(super) findings: Findings<'a>,
    /// One per file, in the order taken (path order, but for walk errors,
    /// which come last).
    pub(super) records: Vec<Record>,
    /// The counts so far (findings are counted at the end).
    pub(super) summary: Summary,
    /// Release folder -> its number ([`Record::release`]).
    releases: HashMap<PathBuf, u32>,
    /// The last release folder seen and its number: files come in path
    /// order, so most files share their predecessor's release.
    last_release: Option<(PathBuf, u32)>,
}

impl<'a> Audit<'a> {
    /// Nothing taken yet.
    pub(super) fn new(settings: &'a Settings) -> Audit<'a> {
        Audit {
            settings,
            findings: Findings::new(settings),
            records: Vec::new(),
            summary: Summary::default(),
            releases: HashMap::new(),
            last_release: None,
        }
    }

    /// Keep what the reading thread made of a file, numbering its release.
    pub(super) fn take(&mut self, e: Examined) {
        let path = e.record.path.as_path();
        let dir = match self.settings.release_by {
            ReleaseBy::Folder => path.parent(),
            ReleaseBy::ParentFolder => path.parent().and_then(Path::parent),
        }
        .unwrap_or(Path::new(""));
        let release = match &self.last_release {
            Some((last, n)) if last.as_os_str() == dir.as_os_str() => *n,
            _ => {
                let next = self.releases.len() as u32;
                let n = *self.releases.entry(dir.to_path_buf()).or_insert(next);
                self.last_release = Some((dir.to_path_buf(), n));
                n
            }
        };
        self.records.push(Record {
            release,
            ..e.record
        });
        self.findings.list.extend(e.findings);
        self.summary.add(&e.summary);
    }

    /// The cross-file rules, once every file is taken.
    pub(super) fn cross_file(&mut self) {
        self.duplicates();
        self.release_barcodes();
    }

    /// Two records are the same recording unless they can be told apart.
    fn same_recording(&self, a: &Record, b: &Record) -> bool {
        self.settings
            .sameness()
            .same(&a.recording(), &b.recording())
    }

    /// isrc-duplicate.
    fn duplicates(&mut self) {
        // (code, record) pairs sorted: each code's records in path order.
        let mut pairs: Vec<(Isrc, usize)> = self
            .records
            .iter()
            .enumerate()
            .flat_map(|(i, r)| r.isrcs.iter().map(move |c| (*c, i)))
            .collect();
        pairs.sort_unstable();
        let mut out = Vec::new();
        for group in pairs.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
            let code = group[0].0;
            let members: Vec<usize> = group.iter().map(|&(_, i)| i).collect();
            let cluster = clusters(&members, |a, b| {
                self.same_recording(&self.records[a], &self.records[b])
            });
            if cluster.iter().all(|&c| c == cluster[0]) {
                continue;
            }
            for (k, &i) in members.iter().enumerate() {
                let others: Vec<usize> = members
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| cluster[j] != cluster[k])
                    .map(|(_, &m)| m)
                    .collect();
                let names: Vec<String> = others
                    .iter()
                    .map(|&o| describe_recording(&self.records[o]))
                    .collect();
                out.push((
                    i,
                    code,
                    others.iter().map(|&o| self.records[o].path.clone()).collect::<Vec<_>>(),
                    format!(
                        "ISRC {code} ({}) is also on {} other recording{}: {}; a different recording needs its own ISRC",
                        describe_recording(&self.records[i]),
                        others.len(),
                        if others.len() == 1 { "" } else { "s" },
                        names.join("; ")
                    ),
                ));
            }
        }
        for (i, code, mut related, message) in out {
            related.sort_by(|a, b| crate::walk::path_order(a, b));
            let path = self.records[i].path.clone();
            self.findings.push(
                Rule::IsrcDuplicate,
                &path,
                message,
                Some(code.to_string()),
                None,
            );
            if let Some(f) = self
                .findings
                .list
                .last_mut()
                .filter(|f| f.rule == Rule::IsrcDuplicate && f.path == path)
            {
                f.related = related;
            }
        }
    }

    /// barcode-inconsistent and barcode-shared.
    fn release_barcodes(&mut self) {
        // release -> records
        let mut by_release: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (i, r) in self.records.iter().enumerate() {
            if r.container.is_some() {
                by_release.entry(r.release).or_default().push(i);
            }
        }
        let mut names: Vec<&Path> = vec![Path::new(""); self.releases.len()];
        for (p, &i) in &self.releases {
            names[i as usize] = p;
        }
        let names = |rel: &u32| names.get(*rel as usize).copied();
        let mut pending = Vec::new();
        // barcode-inconsistent
        for (rel, members) in &by_release {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for &i in members {
                for b in &self.records[i].barcodes {
                    *counts.entry(b).or_default() += 1;
                }
            }
            // Consistent when every track carries the same set (a set of two
            // is each file's own barcode-conflict, not an inconsistency).
            let sets: BTreeSet<&[Box<str>]> = members
                .iter()
                .map(|&i| self.records[i].barcodes.as_slice())
                .filter(|b| !b.is_empty())
                .collect();
            if counts.len() < 2 || sets.len() < 2 {
                continue;
            }
            let summary: Vec<String> = counts
                .iter()
                .map(|(b, n)| format!("{b} ({n} file{})", if *n == 1 { "" } else { "s" }))
                .collect();
            for &i in members {
                let mine = &self.records[i].barcodes;
                if mine.is_empty() {
                    continue;
                }
                let related: Vec<PathBuf> = members
                    .iter()
                    .filter(|&&j| {
                        j != i && self.records[j].barcodes.iter().any(|b| !mine.contains(b))
                    })
                    .map(|&j| self.records[j].path.clone())
                    .collect();
                pending.push((
                    Rule::BarcodeInconsistent,
                    i,
                    related,
                    format!(
                        "tracks of the release in {} carry different barcodes: {}; a release has one barcode",
                        names(rel).map(|p| p.display().to_string()).unwrap_or_default(),
                        summary.join(", ")
                    ),
                    Some(mine.join(", ")),
                ));
            }
        }
        // barcode-shared
        let mut by_barcode: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
        for r in &self.records {
            for b in &r.barcodes {
                by_barcode.entry(b).or_default().insert(r.release);
            }
        }
        for (barcode, releases) in by_barcode.iter().filter(|(_, r)| r.len() > 1) {
            let rels: Vec<u32> = releases.iter().copied().collect();
            let content = |rel: u32| release_content(&by_release, rel, &self.records);
            let contents: Vec<_> = rels.iter().map(|&r| content(r)).collect();
            let idx: Vec<usize> = (0..rels.len()).collect();
            let cluster = clusters(&idx, |a, b| {
                contents[a] == contents[b] && !contents[a].is_empty()
            });
            if cluster.iter().collect::<BTreeSet<_>>().len() < 2 {
                continue;
            }
            for (k, rel) in rels.iter().enumerate() {
                let other_rels: Vec<u32> = rels
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| cluster[j] != cluster[k])
                    .map(|(_, &r)| r)
                    .collect();
                let carriers = |r: u32| -> Vec<usize> {
                    by_release
                        .get(&r)
                        .map(|m| {
                            m.iter()
                                .copied()
                                .filter(|&i| {
                                    self.records[i].barcodes.iter().any(|b| &**b == *barcode)
                                })
                                .collect()
                        })
                        .unwrap_or_default()
                };
                let related: Vec<PathBuf> = other_rels
                    .iter()
                    .flat_map(|&r| carriers(r))
                    .map(|i| self.records[i].path.clone())
                    .collect();
                let folders: Vec<String> = other_rels
                    .iter()
                    .filter_map(names)
                    .map(|p| p.display().to_string())
                    .collect();
                for i in carriers(*rel) {
                    pending.push((
                        Rule::BarcodeShared,
                        i,
                        related.clone(),
                        format!(
                            "barcode {barcode} is also on a different release ({}): each release needs its own barcode",
                            folders.join(", ")
                        ),
                        Some(barcode.to_string()),
                    ));
                }
            }
        }
        for (rule, i, mut related, message, code) in pending {
            related.sort_by(|a, b| crate::walk::path_order(a, b));
            let path = self.records[i].path.clone();
            let before = self.findings.list.len();
            self.findings.push(rule, &path, message, code, None);
            if self.findings.list.len() > before
                && let Some(f) = self.findings.list.last_mut()
            {
                f.related = related;
            }
        }
    }
}

/// What a release holds: its recordings' ISRCs, or, when none of its files
/// has one, its titles.
#[derive(PartialEq)]
enum Content {
    Isrcs(BTreeSet<Isrc>),
    Titles(BTreeSet<String>),
}

impl Content {
    fn is_empty(&self) -> bool {
        match self {
            Content::Isrcs(s) => s.is_empty(),
            Content::Titles(s) => s.is_empty(),
        }
    }
}

/// What release `rel` holds.
fn release_content(
    by_release: &BTreeMap<u32, Vec<usize>>,
    rel: u32,
    records: &[Record],
) -> Content {
    let members = by_release.get(&rel).map(Vec::as_slice).unwrap_or_default();
    let isrcs: BTreeSet<Isrc> = members
        .iter()
        .flat_map(|&i| records[i].isrcs.iter().copied())
        .collect();
    if !isrcs.is_empty() {
        return Content::Isrcs(isrcs);
    }
    Content::Titles(
        members
            .iter()
            .filter_map(|&i| {
                records[i]
                    .title
                    .as_deref()
                    .map(crate::recording::fold_title)
            })
            .collect(),
    )
}

/// Union-find clusters of `items` under `same`; returns a cluster id per item.
fn clusters(items: &[usize], same: impl Fn(usize, usize) -> bool) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..items.len()).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for a in 0..items.len() {
        for b in a + 1..items.len() {
            if same(items[a], items[b]) {
                let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
                parent[ra] = rb;
            }
        }
    }
    (0..items.len()).map(|i| root(&mut parent, i)).collect()
}

/// A recording in a message: its path, title and duration.
fn describe_recording(r: &Record) -> String {
    let mut s = r.path.display().to_string();
    let title = r.title.as_deref().map(|t| format!("\"{t}\""));
    let dur = r
        .duration_ms
        .map(|ms| format!("{}:{:02}", ms / 60_000, ms / 1000 % 60));
    match (title, dur) {
        (Some(t), Some(d)) => s.push_str(&format!(", {t}, {d}")),
        (Some(t), None) => s.push_str(&format!(", {t}")),
        (None, Some(d)) => s.push_str(&format!(", {d}")),
        (None, None) => {}
    }
    s
}
