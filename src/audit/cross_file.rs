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
//! - barcode-shared: one barcode on releases with different recordings;
//! - barcode-subset: one barcode on a release and a folder that holds only
//!   some of its recordings (a partial delivery, or a single).
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

    /// For releases `rels` that carry one barcode: `within[k][j]` when
    /// every recording of release `rels[k]` is one of release `rels[j]`'s.
    /// A file's recording is known by its ISRCs or, without one, by its
    /// title; it is one of another release's when a file there carries one
    /// of those ISRCs (or that title) and is the same recording
    /// ([`crate::recording`], as for isrc-duplicate and embed). Files
    /// known by neither say nothing either way; a release with no file
    /// known is within no other.
    ///
    /// Files are found through an index of the group's ISRCs and titles,
    /// not by comparing every file of one release with every file of the
    /// other.
    fn within(&self, rels: &[u32], by_release: &BTreeMap<u32, Vec<usize>>) -> Vec<Vec<bool>> {
        let n = rels.len();
        let members = |k: usize| {
            by_release
                .get(&rels[k])
                .map(Vec::as_slice)
                .unwrap_or_default()
        };
        let mut by_isrc: HashMap<Isrc, Vec<(usize, usize)>> = HashMap::new();
        let mut by_title: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for k in 0..n {
            for &i in members(k) {
                let r = &self.records[i];
                for c in r.isrcs.iter().chain(&r.tracks) {
                    by_isrc.entry(*c).or_default().push((k, i));
                }
                if let Some(t) = r.title.as_deref() {
                    by_title
                        .entry(crate::recording::fold_title(t))
                        .or_default()
                        .push((k, i));
                }
            }
        }
        let none = Vec::new();
        let mut within = vec![vec![false; n]; n];
        for (k, row) in within.iter_mut().enumerate() {
            // The releases that hold every recording of release k seen so far.
            let mut holding: Option<Vec<bool>> = None;
            for &i in members(k) {
                let a = &self.records[i];
                // A disc holds a recording per track; another file, one.
                let recordings: Vec<Vec<&(usize, usize)>> = if !a.tracks.is_empty() {
                    a.tracks
                        .iter()
                        .map(|c| by_isrc.get(c).unwrap_or(&none).iter().collect())
                        .collect()
                } else if !a.isrcs.is_empty() {
                    vec![
                        a.isrcs
                            .iter()
                            .flat_map(|c| by_isrc.get(c).unwrap_or(&none))
                            .collect(),
                    ]
                } else if let Some(t) = a.title.as_deref() {
                    vec![
                        by_title
                            .get(&crate::recording::fold_title(t))
                            .unwrap_or(&none)
                            .iter()
                            .collect(),
                    ]
                } else {
                    continue;
                };
                for candidates in recordings {
                    let mut holds = vec![false; n];
                    for &(j, b) in candidates {
                        if j != k && !holds[j] && self.same_recording(a, &self.records[b]) {
                            holds[j] = true;
                        }
                    }
                    holding = Some(match holding {
                        None => holds,
                        Some(mut so_far) => {
                            for (x, h) in so_far.iter_mut().zip(holds) {
                                *x &= h;
                            }
                            so_far
                        }
                    });
                }
            }
            if let Some(h) = holding {
                *row = h;
            }
        }
        within
    }

    /// barcode-inconsistent, barcode-shared and barcode-subset.
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
        // barcode-shared and barcode-subset
        let mut by_barcode: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
        for r in &self.records {
            for b in &r.barcodes {
                by_barcode.entry(b).or_default().insert(r.release);
            }
        }
        for (barcode, releases) in by_barcode.iter().filter(|(_, r)| r.len() > 1) {
            let rels: Vec<u32> = releases.iter().copied().collect();
            let within = self.within(&rels, &by_release);
            // One release in two folders (WAV/ and FLAC/): each holds the
            // other's recordings.
            let idx: Vec<usize> = (0..rels.len()).collect();
            let cluster = clusters(&idx, |a, b| within[a][b] && within[b][a]);
            if cluster.iter().collect::<BTreeSet<_>>().len() < 2 {
                continue;
            }
            let carriers = |r: u32| -> Vec<usize> {
                by_release
                    .get(&r)
                    .map(|m| {
                        m.iter()
                            .copied()
                            .filter(|&i| self.records[i].barcodes.iter().any(|b| &**b == *barcode))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let folders = |rs: &[u32]| -> String {
                rs.iter()
                    .filter_map(names)
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            for (k, rel) in rels.iter().enumerate() {
                let others = |keep: &dyn Fn(usize) -> bool| -> Vec<u32> {
                    (0..rels.len())
                        .filter(|&j| cluster[j] != cluster[k] && keep(j))
                        .map(|j| rels[j])
                        .collect()
                };
                // Neither holds only the other's recordings: different releases.
                let shared = others(&|j| !within[k][j] && !within[j][k]);
                // Every recording here is on the other release (which has
                // more): a partial delivery of it, or a single.
                let subset = others(&|j| within[k][j]);
                for (rule, with) in [(Rule::BarcodeShared, shared), (Rule::BarcodeSubset, subset)] {
                    if with.is_empty() {
                        continue;
                    }
                    let related: Vec<PathBuf> = with
                        .iter()
                        .flat_map(|&r| carriers(r))
                        .map(|i| self.records[i].path.clone())
                        .collect();
                    let message = if rule == Rule::BarcodeShared {
                        format!(
                            "barcode {barcode} is also on a different release ({}): each release needs its own barcode",
                            folders(&with)
                        )
                    } else {
                        format!(
                            "every recording in {} is also on the release in {} that carries barcode {barcode}: a partial delivery of that release? A single released on its own needs its own barcode",
                            names(rel)
                                .map(|p| p.display().to_string())
                                .unwrap_or_default(),
                            folders(&with)
                        )
                    };
                    for i in carriers(*rel) {
                        pending.push((
                            rule,
                            i,
                            related.clone(),
                            message.clone(),
                            Some(barcode.to_string()),
                        ));
                    }
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
