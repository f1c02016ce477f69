//! The ledger rules (`audit --ledger FILE`): the files' codes against the
//! registrant's ledger. They run once the walk is over, on the records,
//! so an audit without `--ledger` does nothing more per file.
//!
//! - ledger-unknown: a code under one of the ledger's prefixes that the
//!   ledger does not hold (codes under other prefixes are other
//!   registrants': `isrc-registrant` is their rule);
//! - ledger-void: a code the ledger holds as void;
//! - ledger-mismatch: the file's title or duration disagrees with the
//!   code's entry (the title with or without its version; the duration
//!   within `duration-tolerance`).

use super::finding::Findings;
use super::{Record, Rule, Settings};
use crate::ledger::Snapshot;
use crate::recording::same_title;

/// Push the ledger rules' findings for every record.
pub(super) fn check(
    ledger: &Snapshot,
    settings: &Settings,
    records: &[Record],
    findings: &mut Findings,
) {
    let name = ledger.path.display();
    for r in records {
        for code in &r.isrcs {
            let Some(e) = ledger.codes.get(code) else {
                if ledger.prefixes.iter().any(|p| p == code.prefix_code()) {
                    findings.push(
                        Rule::LedgerUnknown,
                        &r.path,
                        format!(
                            "ISRC {code} is under the prefix {} but not in the ledger {name}: it was never assigned there",
                            code.prefix_code()
                        ),
                        Some(code.to_string()),
                        None,
                    );
                }
                continue;
            };
            if e.status == "void" {
                findings.push(
                    Rule::LedgerVoid,
                    &r.path,
                    format!(
                        "ISRC {code} is void in the ledger {name}{}: it must not be used",
                        e.void_reason
                            .as_deref()
                            .map(|w| format!(" ({w})"))
                            .unwrap_or_default()
                    ),
                    Some(code.to_string()),
                    None,
                );
                continue;
            }
            let mut why = Vec::new();
            if let Some(t) = r.title.as_deref() {
                let with_version = e.version.as_deref().map(|v| format!("{} ({v})", e.title));
                let agrees = same_title(t, &e.title)
                    || with_version.as_deref().is_some_and(|w| same_title(t, w));
                if !agrees {
                    why.push(format!(
                        "the title is \"{t}\", the ledger's \"{}\"",
                        e.title
                    ));
                }
            }
            if let (Some(a), Some(b)) = (r.duration_ms, e.duration_ms)
                && a.abs_diff(b) > settings.duration_tolerance_ms
            {
                why.push(format!(
                    "the duration is {}, the ledger's {}",
                    crate::ledger::show_duration(a),
                    crate::ledger::show_duration(b)
                ));
            }
            if !why.is_empty() {
                findings.push(
                    Rule::LedgerMismatch,
                    &r.path,
                    format!(
                        "ISRC {code} was assigned to \"{}\" by {} in the ledger {name}, but {}",
                        e.title,
                        e.artist,
                        why.join(" and ")
                    ),
                    Some(code.to_string()),
                    None,
                );
            }
        }
    }
}
