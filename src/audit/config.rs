//! Audit settings: `isrckit.toml` (found upward from the audited folder, as
//! ruff finds its config), overridden by command-line flags.
//!
//! In the flow (walk → read → records → rules → findings → render) the
//! [`Settings`] made here steer the walk (include, exclude), the rules
//! (select, ignore, registrants, year, release-by, identity,
//! duration-tolerance), the findings (severity, fail-on) and what an empty
//! run means (allow-empty).
//!
//! ```toml
//! [audit]
//! registrants = ["USRC1", "QMDA7"]   # codes must carry one of these prefixes
//! fail-on = "warning"                # exit 1 at or above this severity
//! ignore = ["barcode-missing"]       # or select = ["isrc", "barcode-invalid"]
//! exclude = ["scratch/**", "*.mp3"]  # include = [...] likewise
//! release-by = "folder"              # or "parent-folder" (Album/CD1, Album/CD2)
//! identity = "tags"                  # or "audio"
//! duration-tolerance = 1.0           # seconds, for identity = "tags"
//! allow-empty = false                # true: a run that audits no audio file passes
//! cd-tolerance = 0.1                 # seconds a disc's track and its master may differ (audit --cd)
//!
//! [audit.severity]
//! isrc-noncanonical = "error"
//! ```

use super::{RULES, Rule, Severity};
use crate::walk::Matcher;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The name of the config file.
pub const CONFIG_NAME: &str = "isrckit.toml";

/// Why settings could not be made: a usage error (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The config file is not valid TOML or has unknown keys.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// A value is not one the setting takes.
    #[error("{0}")]
    Value(String),
}

/// The `[audit]` table of `isrckit.toml`, and the flags that mirror it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct AuditOptions {
    /// Registrant prefixes (`CCXXX`) the label's codes must carry.
    pub registrants: Option<Vec<String>>,
    /// The current year, for the plausibility of years of reference.
    pub year: Option<u16>,
    /// Exit 1 when a finding is at or above this severity.
    pub fail_on: Option<String>,
    /// Only these rules (ids, or the prefixes `isrc` / `barcode`).
    pub select: Option<Vec<String>>,
    /// Not these rules.
    pub ignore: Option<Vec<String>>,
    /// Only files matching these globs.
    pub include: Option<Vec<String>>,
    /// Not files matching these globs.
    pub exclude: Option<Vec<String>>,
    /// What a release is: `folder` or `parent-folder`.
    pub release_by: Option<String>,
    /// How recordings are told apart: `tags` or `audio`.
    pub identity: Option<String>,
    /// Seconds two durations may differ and still be one recording.
    pub duration_tolerance: Option<f64>,
    /// Severity per rule id.
    pub severity: Option<BTreeMap<String, String>>,
    /// Whether a run that audits no audio file passes (else it is an
    /// error: exit status 2).
    pub allow_empty: Option<bool>,
    /// Seconds a disc's track (PQ or INDEX times) and its master's duration
    /// may differ (`audit --cd`).
    pub cd_tolerance: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    audit: Option<AuditOptions>,
    ledger: Option<LedgerOptions>,
}

/// The `[ledger]` table of `isrckit.toml`: where the registrant's ledger is.
///
/// ```toml
/// [ledger]
/// path = "codes/isrckit-ledger.db"   # relative to the folder of isrckit.toml
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerOptions {
    /// The ledger file.
    pub path: Option<PathBuf>,
}

/// The ledger path a config file names (`[ledger] path`), relative paths
/// taken from the config file's folder.
pub fn ledger_path(config: &Path) -> Result<Option<PathBuf>, ConfigError> {
    let text = std::fs::read_to_string(config).map_err(|source| ConfigError::Read {
        path: config.to_path_buf(),
        source,
    })?;
    let cfg: FileConfig = toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: config.to_path_buf(),
        message: e.to_string(),
    })?;
    Ok(cfg.ledger.and_then(|l| l.path).map(|p| {
        config
            .parent()
            .map_or_else(|| p.clone(), |dir| dir.join(&p))
    }))
}

impl AuditOptions {
    /// Fill what `self` leaves unset from `other` (flags over file).
    pub fn or(self, other: AuditOptions) -> AuditOptions {
        AuditOptions {
            registrants: self.registrants.or(other.registrants),
            year: self.year.or(other.year),
            fail_on: self.fail_on.or(other.fail_on),
            select: self.select.or(other.select),
            ignore: self.ignore.or(other.ignore),
            include: self.include.or(other.include),
            exclude: self.exclude.or(other.exclude),
            release_by: self.release_by.or(other.release_by),
            identity: self.identity.or(other.identity),
            duration_tolerance: self.duration_tolerance.or(other.duration_tolerance),
            severity: match (self.severity, other.severity) {
                (Some(mut a), Some(b)) => {
                    for (k, v) in b {
                        a.entry(k).or_insert(v);
                    }
                    Some(a)
                }
                (a, b) => a.or(b),
            },
            allow_empty: self.allow_empty.or(other.allow_empty),
            cd_tolerance: self.cd_tolerance.or(other.cd_tolerance),
        }
    }
}

/// Find `isrckit.toml` in `start` or the nearest folder above it.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    let start = crate::platform::canonicalize(start).ok()?;
    let dir = if start.is_dir() {
        start.as_path()
    } else {
        start.parent()?
    };
    dir.ancestors()
        .map(|d| d.join(CONFIG_NAME))
        .find(|p| p.is_file())
}

/// Read the `[audit]` table of a config file.
pub fn load(path: &Path) -> Result<AuditOptions, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let cfg: FileConfig = toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    Ok(cfg.audit.unwrap_or_default())
}

/// What a release is, for the barcode rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseBy {
    /// The folder holding the tracks.
    Folder,
    /// The folder above it (multi-disc releases: `Album/CD1`, `Album/CD2`).
    ParentFolder,
}

/// How recordings are told apart, for `isrc-duplicate`, `barcode-shared` and
/// `barcode-subset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// Title and duration (within a tolerance) from the tags and headers.
    Tags,
    /// The bytes of the audio payload (hashed); files of different
    /// containers fall back to `Tags`.
    Audio,
}

/// Settings, checked and ready.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Upper-case `CCXXX` prefixes; empty: `isrc-registrant` is off.
    pub registrants: Vec<String>,
    /// The current year.
    pub year: u16,
    /// The exit threshold.
    pub fail_on: Severity,
    /// Rules that run.
    pub enabled: BTreeSet<Rule>,
    /// Severity of each rule.
    pub severity: BTreeMap<Rule, Severity>,
    /// Include globs (none: everything).
    pub include: Option<Matcher>,
    /// Exclude globs.
    pub exclude: Option<Matcher>,
    /// What a release is.
    pub release_by: ReleaseBy,
    /// How recordings are told apart.
    pub identity: Identity,
    /// Duration tolerance in milliseconds.
    pub duration_tolerance_ms: u64,
    /// Whether a run that audits no audio file passes.
    pub allow_empty: bool,
    /// How far, in milliseconds, a disc's track and its master's duration
    /// may differ (`audit --cd`; default 100).
    pub cd_tolerance_ms: u64,
    /// The registrant's ledger, for the ledger rules (`--ledger`); `None`:
    /// they are off.
    pub ledger: Option<std::sync::Arc<crate::ledger::Snapshot>>,
}

impl Settings {
    /// How the cross-file rules tell recordings apart.
    pub fn sameness(&self) -> crate::recording::Sameness {
        crate::recording::Sameness {
            tolerance_ms: self.duration_tolerance_ms,
            by_audio: self.identity == Identity::Audio,
        }
    }

    /// Check options and make settings; `this_year` is today's year.
    pub fn from_options(o: AuditOptions, this_year: u16) -> Result<Settings, ConfigError> {
        let mut registrants = Vec::new();
        for r in o.registrants.unwrap_or_default() {
            let up = r.trim().replace('-', "").to_ascii_uppercase();
            let ok = up.len() == 5
                && up[..2].bytes().all(|b| b.is_ascii_uppercase())
                && up[2..].bytes().all(|b| b.is_ascii_alphanumeric());
            if !ok {
                return Err(ConfigError::Value(format!(
                    "registrant {r:?} is not a registrant prefix: 2 letters of country and 3 characters of registrant, e.g. USRC1"
                )));
            }
            registrants.push(up);
        }
        let fail_on = match o.fail_on.as_deref() {
            None => Severity::Error,
            Some(s) => Severity::from_name(s).ok_or_else(|| {
                ConfigError::Value(format!("fail-on {s:?}: use info, warning or error"))
            })?,
        };
        let all: BTreeSet<Rule> = RULES.iter().map(|r| r.rule).collect();
        let mut enabled = match &o.select {
            None => all.clone(),
            Some(list) => rules_matching(list)?,
        };
        if let Some(list) = &o.ignore {
            for r in rules_matching(list)? {
                enabled.remove(&r);
            }
        }
        if registrants.is_empty() {
            enabled.remove(&Rule::IsrcRegistrant);
        }
        let mut severity: BTreeMap<Rule, Severity> =
            RULES.iter().map(|r| (r.rule, r.default_severity)).collect();
        for (id, level) in o.severity.unwrap_or_default() {
            let rule = Rule::from_id(&id).ok_or_else(|| unknown_rule(&id))?;
            let s = Severity::from_name(&level).ok_or_else(|| {
                ConfigError::Value(format!(
                    "severity {level:?} for {id}: use info, warning or error"
                ))
            })?;
            severity.insert(rule, s);
        }
        let release_by = match o.release_by.as_deref() {
            None | Some("folder") => ReleaseBy::Folder,
            Some("parent-folder") => ReleaseBy::ParentFolder,
            Some(s) => {
                return Err(ConfigError::Value(format!(
                    "release-by {s:?}: use folder or parent-folder"
                )));
            }
        };
        let identity = match o.identity.as_deref() {
            None | Some("tags") => Identity::Tags,
            Some("audio") => Identity::Audio,
            Some(s) => {
                return Err(ConfigError::Value(format!(
                    "identity {s:?}: use tags or audio"
                )));
            }
        };
        let tolerance = o.duration_tolerance.unwrap_or(1.0);
        if !(0.0..=3600.0).contains(&tolerance) {
            return Err(ConfigError::Value(format!(
                "duration-tolerance {tolerance}: give seconds between 0 and 3600"
            )));
        }
        let cd_tolerance = o.cd_tolerance.unwrap_or(0.1);
        if !(0.0..=60.0).contains(&cd_tolerance) {
            return Err(ConfigError::Value(format!(
                "cd-tolerance {cd_tolerance}: give seconds between 0 and 60 (a CD frame is 1/75 s, about 0.013)"
            )));
        }
        if let Some(year) = o.year
            && !crate::codes::Isrc::ERA.contains(&year)
        {
            return Err(ConfigError::Value(format!(
                "year {year} is outside the ISRC era: ISRCs were first assigned in 1986 (ISO 3901) and two digits of reference name years up to 2099; give a year from 1986 to 2099"
            )));
        }
        let globs = |g: Option<Vec<String>>| {
            g.filter(|v| !v.is_empty())
                .map(|v| Matcher::new(&v).map_err(ConfigError::Value))
                .transpose()
        };
        Ok(Settings {
            registrants,
            year: o.year.unwrap_or(this_year),
            fail_on,
            enabled,
            severity,
            include: globs(o.include)?,
            exclude: globs(o.exclude)?,
            release_by,
            identity,
            duration_tolerance_ms: (tolerance * 1000.0).round() as u64,
            allow_empty: o.allow_empty.unwrap_or(false),
            cd_tolerance_ms: (cd_tolerance * 1000.0).round() as u64,
            ledger: None,
        })
    }
}

fn unknown_rule(id: &str) -> ConfigError {
    let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    ConfigError::Value(format!(
        "unknown rule {id:?}; the rules are: {}",
        ids.join(", ")
    ))
}

/// Rule ids, or the prefixes `isrc` and `barcode`, or `all`.
fn rules_matching(list: &[String]) -> Result<BTreeSet<Rule>, ConfigError> {
    let mut out = BTreeSet::new();
    for item in list {
        let item = item.trim();
        let hits: Vec<Rule> = RULES
            .iter()
            .filter(|r| item == "all" || r.id == item || r.id.starts_with(&format!("{item}-")))
            .map(|r| r.rule)
            .collect();
        if hits.is_empty() {
            return Err(unknown_rule(item));
        }
        out.extend(hits);
    }
    Ok(out)
}

/// This year, from the system clock (UTC).
pub fn this_year() -> u16 {
    let (year, _, _) = today_utc();
    u16::try_from(year).unwrap_or(2026)
}

/// Today's date (year, month, day) from the system clock, in UTC: the
/// civil-from-days algorithm of Howard Hinnant, so no date crate is needed.
pub(crate) fn today_utc() -> (i64, i64, i64) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let s = Settings::from_options(AuditOptions::default(), 2026).expect("defaults");
        assert_eq!(s.fail_on, Severity::Error);
        assert!(!s.enabled.contains(&Rule::IsrcRegistrant));
        assert!(s.enabled.contains(&Rule::IsrcDuplicate));
        assert_eq!(s.duration_tolerance_ms, 1000);
        assert_eq!(s.year, 2026);
    }

    #[test]
    fn select_ignore_prefixes_and_unknown_ids() {
        let o = AuditOptions {
            select: Some(vec!["isrc".into()]),
            ignore: Some(vec!["isrc-year".into()]),
            registrants: Some(vec!["us-rc1".into()]),
            ..Default::default()
        };
        let s = Settings::from_options(o, 2026).expect("ok");
        assert!(s.enabled.contains(&Rule::IsrcRegistrant));
        assert!(!s.enabled.contains(&Rule::IsrcYear));
        assert!(!s.enabled.contains(&Rule::BarcodeMissing));
        assert_eq!(s.registrants, ["USRC1"]);
        let bad = AuditOptions {
            ignore: Some(vec!["isrc-mising".into()]),
            ..Default::default()
        };
        let e = Settings::from_options(bad, 2026)
            .expect_err("typo")
            .to_string();
        assert!(
            e.contains("isrc-mising") && e.contains("isrc-missing"),
            "{e}"
        );
    }

    #[test]
    fn globs_by_name_and_by_path() {
        let m = Matcher::new(&["*.mp3".into(), "scratch/**".into()]).expect("globs");
        assert!(m.is_match(Path::new("a/b/x.mp3")));
        assert!(m.is_match(Path::new("scratch/x.wav")));
        assert!(!m.is_match(Path::new("a/scratch/x.wav")));
        assert!(!m.is_match(Path::new("a/x.wav")));
    }

    #[test]
    fn toml_file_with_unknown_key_is_an_error() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join(CONFIG_NAME);
        std::fs::write(
            &p,
            "[audit]\nfail-on = \"warning\"\nregistrant = [\"USRC1\"]\n",
        )
        .expect("write");
        let e = load(&p).expect_err("unknown key").to_string();
        assert!(e.contains("registrant"), "{e}");
        std::fs::write(
            &p,
            "[audit]\nfail-on = \"warning\"\n[audit.severity]\nbarcode-missing = \"info\"\n",
        )
        .expect("write");
        let o = load(&p).expect("valid");
        assert_eq!(o.fail_on.as_deref(), Some("warning"));
        let sub = dir.path().join("a/b");
        std::fs::create_dir_all(&sub).expect("mkdir");
        assert_eq!(
            find_config(&sub),
            Some(crate::platform::canonicalize(&p).expect("canon"))
        );
    }

    #[test]
    fn years_outside_the_isrc_era_are_refused() {
        for (year, ok) in [
            (1900, false),
            (1985, false),
            (1986, true),
            (2099, true),
            (2100, false),
        ] {
            let o = AuditOptions {
                year: Some(year),
                ..Default::default()
            };
            match Settings::from_options(o, 2026) {
                Ok(s) => assert!(ok && s.year == year, "{year}"),
                Err(e) => assert!(!ok && e.to_string().contains("1986"), "{year}: {e}"),
            }
        }
    }

    #[test]
    fn year_from_clock_is_plausible() {
        let y = this_year();
        assert!((2024..2200).contains(&y), "{y}");
    }
}
