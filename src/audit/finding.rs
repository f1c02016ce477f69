//! What an audit produces: findings under stable rule ids, and a summary.
//!
//! The vocabulary of the whole flow (walk → read → records → rules →
//! findings → render): the rule table ([`RULES`]), a [`Finding`], the run's
//! [`Summary`], and [`Findings`], the list the rules push into, which
//! applies the settings (rules turned off, severities).

use super::config::Settings;
use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a build unless `--fail-on info`.
    Info,
    /// Should be fixed before delivery.
    Warning,
    /// Will be rejected or cause harm downstream (a distributor, a plant).
    Error,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parse a lowercase name.
    pub fn from_name(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The audit rules. Their ids are public interface: JSON, CSV, JUnit,
/// GitHub, SARIF, `--select`/`--ignore` and `isrckit.toml` use them. Rules
/// are added over time, so the enum is non-exhaustive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Rule {
    /// An audio file with no ISRC anywhere.
    IsrcMissing,
    /// A stored ISRC that is not valid.
    IsrcInvalid,
    /// A valid ISRC stored with hyphens, spaces, lowercase or a prefix.
    IsrcNoncanonical,
    /// Two different ISRCs in one file.
    IsrcConflict,
    /// One ISRC on two different recordings.
    IsrcDuplicate,
    /// An ISRC whose registrant prefix is not one of the label's (`--registrant`).
    IsrcRegistrant,
    /// An ISRC whose year of reference is before ISRCs began (1986) or in
    /// the future.
    IsrcYear,
    /// An ISRC under an ISO 3166 country code the International ISRC
    /// Agency has not allocated as a prefix.
    IsrcPrefix,
    /// An audio file with no barcode anywhere.
    BarcodeMissing,
    /// A stored barcode that is not valid (length, check digit).
    BarcodeInvalid,
    /// Two different barcodes in one file.
    BarcodeConflict,
    /// Tracks of one release carry different barcodes.
    BarcodeInconsistent,
    /// Two different releases carry one barcode.
    BarcodeShared,
    /// A folder holds only recordings of another release carrying its
    /// barcode: a partial delivery of that release, or a single without a
    /// barcode of its own.
    BarcodeSubset,
    /// A file that could not be read.
    Unreadable,
    /// A Git LFS pointer where an audio file should be: not fetched.
    LfsPointer,
    /// An ISRC under one of the ledger's prefixes that the ledger does not hold (`--ledger`).
    LedgerUnknown,
    /// An ISRC the ledger holds as void (`--ledger`).
    LedgerVoid,
    /// A file whose title or duration disagrees with its code's entry in the ledger (`--ledger`).
    LedgerMismatch,
    /// A disc track's ISRC differs from its master's (`audit --cd`), or
    /// between the disc's own sites (PQ, DDPMS, CD-TEXT).
    CdIsrcMismatch,
    /// The disc's UPC/EAN differs between its own sites (DDPID, PQ,
    /// CD-TEXT, CATALOG) or from the masters' barcode (`audit --cd`).
    CdBarcodeMismatch,
    /// The disc's tracks and the masters differ in count, order or length
    /// (`audit --cd`).
    CdTrackMismatch,
}

/// Everything about a rule that the outputs and the docs show.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RuleInfo {
    /// The rule.
    pub rule: Rule,
    /// Its stable id, e.g. `isrc-duplicate`.
    pub id: &'static str,
    /// Severity unless configured otherwise.
    pub default_severity: Severity,
    /// One line: what it checks.
    pub summary: &'static str,
    /// How to fix a finding.
    pub fix: &'static str,
}

#[rustfmt::skip]
/// The rule table, in id order of presentation.
pub const RULES: &[RuleInfo] = &[
    RuleInfo { rule: Rule::IsrcMissing, id: "isrc-missing", default_severity: Severity::Error,
        summary: "an audio file carries no ISRC anywhere",
        fix: "embed the recording's ISRC: ID3 TSRC, Vorbis ISRC, MP4 ----:com.apple.iTunes:ISRC" },
    RuleInfo { rule: Rule::IsrcInvalid, id: "isrc-invalid", default_severity: Severity::Error,
        summary: "a stored ISRC is not a valid code",
        fix: "replace it with the code the registrant issued; the message says what is wrong" },
    RuleInfo { rule: Rule::IsrcNoncanonical, id: "isrc-noncanonical", default_severity: Severity::Warning,
        summary: "a valid ISRC is stored with hyphens, spaces, lowercase or an ISRC prefix",
        fix: "store the 12 characters alone, uppercase (USRC17607839); some distributors reject other forms" },
    RuleInfo { rule: Rule::IsrcConflict, id: "isrc-conflict", default_severity: Severity::Error,
        summary: "one file carries two different ISRCs",
        fix: "keep the right code and remove or correct the other location (the message names both)" },
    RuleInfo { rule: Rule::IsrcDuplicate, id: "isrc-duplicate", default_severity: Severity::Error,
        summary: "one ISRC is used for two different recordings",
        fix: "give each distinct recording (mix, edit, remaster) its own ISRC; the same recording in several formats may share one" },
    RuleInfo { rule: Rule::IsrcRegistrant, id: "isrc-registrant", default_severity: Severity::Warning,
        summary: "an ISRC was not issued under one of the label's registrant prefixes",
        fix: "check the code: it belongs to another registrant (or add the prefix to --registrant / registrants)" },
    RuleInfo { rule: Rule::IsrcYear, id: "isrc-year", default_severity: Severity::Info,
        summary: "an ISRC's year of reference is before ISRCs began (1986) or in the future",
        fix: "a code assigned since 2001 carries the year it was assigned (characters 6-7): check them; a code assigned before 2001 may carry its recording's year, and is right as it is" },
    RuleInfo { rule: Rule::IsrcPrefix, id: "isrc-prefix", default_severity: Severity::Warning,
        summary: "an ISRC starts with an ISO 3166 country code the ISRC agency has not allocated as a prefix",
        fix: "check the first two letters against the code the registrant issued (a typo?); if the agency has allocated the prefix since, ignore the rule" },
    RuleInfo { rule: Rule::BarcodeMissing, id: "barcode-missing", default_severity: Severity::Warning,
        summary: "an audio file carries no UPC/EAN barcode",
        fix: "embed the release barcode in every track: ID3 TXXX:BARCODE, Vorbis BARCODE, MP4 ----:com.apple.iTunes:BARCODE" },
    RuleInfo { rule: Rule::BarcodeInvalid, id: "barcode-invalid", default_severity: Severity::Error,
        summary: "a stored barcode is not valid (length or check digit)",
        fix: "copy the barcode again from the label's release sheet; the message says what is wrong" },
    RuleInfo { rule: Rule::BarcodeConflict, id: "barcode-conflict", default_severity: Severity::Error,
        summary: "one file carries two different barcodes",
        fix: "keep the release's barcode and remove or correct the other location" },
    RuleInfo { rule: Rule::BarcodeInconsistent, id: "barcode-inconsistent", default_severity: Severity::Error,
        summary: "tracks of one release carry different barcodes",
        fix: "every track of a release carries the release's one barcode" },
    RuleInfo { rule: Rule::BarcodeShared, id: "barcode-shared", default_severity: Severity::Error,
        summary: "two different releases carry one barcode",
        fix: "each release (a different set of recordings) needs its own barcode" },
    RuleInfo { rule: Rule::BarcodeSubset, id: "barcode-subset", default_severity: Severity::Warning,
        summary: "a folder holds only recordings of another release that carries its barcode",
        fix: "a partial delivery of that release is fine (ignore the rule); a single released on its own needs its own barcode" },
    RuleInfo { rule: Rule::Unreadable, id: "unreadable", default_severity: Severity::Error,
        summary: "a file could not be read (damaged, truncated, empty, not permitted, a dangling link)",
        fix: "the message says why: re-export or re-copy a damaged file; give read permission, or fix or fetch what a link points to" },
    RuleInfo { rule: Rule::LfsPointer, id: "lfs-pointer", default_severity: Severity::Error,
        summary: "a Git LFS pointer stands where an audio file should be",
        fix: "fetch the audio: git lfs pull (in CI: actions/checkout with lfs: true)" },
    RuleInfo { rule: Rule::LedgerUnknown, id: "ledger-unknown", default_severity: Severity::Error,
        summary: "an ISRC under one of the ledger's prefixes is not in the ledger (--ledger)",
        fix: "a code the ledger never handed out: correct it, or record it (isrckit ledger import) if it was assigned before the ledger" },
    RuleInfo { rule: Rule::LedgerVoid, id: "ledger-void", default_severity: Severity::Error,
        summary: "an ISRC is void in the ledger (--ledger)",
        fix: "a voided code is never used: assign a new one (isrckit assign --file FILE --embed)" },
    RuleInfo { rule: Rule::LedgerMismatch, id: "ledger-mismatch", default_severity: Severity::Warning,
        summary: "a file's title or duration disagrees with its code's entry in the ledger (--ledger)",
        fix: "check the file is the recording the code was assigned to; fix the tags, or the file carries the wrong code" },
    RuleInfo { rule: Rule::CdIsrcMismatch, id: "cd-isrc-mismatch", default_severity: Severity::Error,
        summary: "a CD track's ISRC differs from its master's (audit --cd), or between the disc's own sites (PQ, DDPMS, CD-TEXT)",
        fix: "find which is right (the label's code sheet), then patch the disc (isrckit set --track N --isrc CODE DDP/) or re-tag the master" },
    RuleInfo { rule: Rule::CdBarcodeMismatch, id: "cd-barcode-mismatch", default_severity: Severity::Error,
        summary: "a disc's UPC/EAN differs between its sites (DDPID, PQ, CD-TEXT, CATALOG) or from the masters' barcode (audit --cd)",
        fix: "one barcode for the release: correct the disc (every site) or the masters, whichever is wrong" },
    RuleInfo { rule: Rule::CdTrackMismatch, id: "cd-track-mismatch", default_severity: Severity::Error,
        summary: "a disc and its masters differ in track count, order or length (audit --cd)",
        fix: "re-author the disc from the final masters, or give audit --cd the masters the disc was made from" },
];

impl Rule {
    /// This rule's row of [`RULES`].
    pub fn info(self) -> &'static RuleInfo {
        // Every variant has a row: checked by a unit test.
        RULES.iter().find(|r| r.rule == self).unwrap_or(&RULES[0])
    }

    /// The stable id.
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// Look a rule up by id.
    pub fn from_id(id: &str) -> Option<Rule> {
        RULES.iter().find(|r| r.id == id).map(|r| r.rule)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// The rule that found it.
    pub rule: Rule,
    /// Its severity (the rule's, after configuration).
    pub severity: Severity,
    /// The file it is about.
    #[serde(serialize_with = "crate::model::path_text")]
    pub path: PathBuf,
    /// What is wrong, in words a label manager understands, naming the code
    /// and where it sits.
    pub message: String,
    /// The other files involved (the rest of a duplicate group), sorted.
    #[serde(serialize_with = "paths_text")]
    pub related: Vec<PathBuf>,
    /// The code concerned, normalised where possible, else as stored.
    pub code: Option<String>,
    /// Where in the file (`Location::describe`), when one site is concerned.
    pub location: Option<String>,
}

fn paths_text<S: serde::Serializer>(paths: &[PathBuf], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(paths.len()))?;
    for p in paths {
        seq.serialize_element(&p.to_string_lossy())?;
    }
    seq.end()
}

/// Findings as the settings shape them: a rule turned off makes none, and
/// each gets the severity the settings give its rule. The per-file rules
/// ([`super::file_rules`]) and the cross-file rules ([`super::cross_file`])
/// each collect theirs in one.
pub(super) struct Findings<'a> {
    pub(super) settings: &'a Settings,
    pub(super) list: Vec<Finding>,
}

impl<'a> Findings<'a> {
    /// None yet.
    pub(super) fn new(settings: &'a Settings) -> Findings<'a> {
        Findings {
            settings,
            list: Vec::new(),
        }
    }

    /// A finding of `rule` about `path`, if the rule is on.
    pub(super) fn push(
        &mut self,
        rule: Rule,
        path: &Path,
        message: String,
        code: Option<String>,
        location: Option<String>,
    ) {
        let settings = self.settings;
        if !settings.enabled.contains(&rule) {
            return;
        }
        let severity = settings
            .severity
            .get(&rule)
            .copied()
            .unwrap_or(rule.info().default_severity);
        self.list.push(Finding {
            rule,
            severity,
            path: path.to_path_buf(),
            message,
            related: Vec::new(),
            code,
            location,
        });
    }
}

/// Counts for the end of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Summary {
    /// Files walked (after include/exclude).
    pub files: u64,
    /// Audio files read (with or without damage).
    pub audio: u64,
    /// Files that are not audio, skipped.
    pub skipped: u64,
    /// Git LFS pointer files.
    pub lfs_pointers: u64,
    /// Files that could not be read.
    pub unreadable: u64,
    /// Findings at each severity.
    pub errors: u64,
    /// See `errors`.
    pub warnings: u64,
    /// See `errors`.
    pub infos: u64,
    /// What the walk left out before reading (isrckit temp files, macOS
    /// AppleDouble and .DS_Store files, version-control folders, files the
    /// globs dropped), by reason.
    pub walk_skipped: crate::walk::Skipped,
}

impl Summary {
    /// Add another run's (or one file's) counts to these.
    pub(crate) fn add(&mut self, o: &Summary) {
        self.files += o.files;
        self.audio += o.audio;
        self.skipped += o.skipped;
        self.lfs_pointers += o.lfs_pointers;
        self.unreadable += o.unreadable;
        self.errors += o.errors;
        self.warnings += o.warnings;
        self.infos += o.infos;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_one_row_and_ids_round_trip() {
        let all = [
            Rule::IsrcMissing,
            Rule::IsrcInvalid,
            Rule::IsrcNoncanonical,
            Rule::IsrcConflict,
            Rule::IsrcDuplicate,
            Rule::IsrcRegistrant,
            Rule::IsrcYear,
            Rule::IsrcPrefix,
            Rule::BarcodeMissing,
            Rule::BarcodeInvalid,
            Rule::BarcodeConflict,
            Rule::BarcodeInconsistent,
            Rule::BarcodeShared,
            Rule::BarcodeSubset,
            Rule::Unreadable,
            Rule::LfsPointer,
            Rule::LedgerUnknown,
            Rule::LedgerVoid,
            Rule::LedgerMismatch,
            Rule::CdIsrcMismatch,
            Rule::CdBarcodeMismatch,
            Rule::CdTrackMismatch,
        ];
        assert_eq!(all.len(), RULES.len());
        for r in all {
            assert_eq!(RULES.iter().filter(|i| i.rule == r).count(), 1, "{r:?}");
            assert_eq!(Rule::from_id(r.id()), Some(r));
            let json = serde_json::to_string(&r).expect("serialise");
            assert_eq!(json, format!("\"{}\"", r.id()));
        }
    }
}
