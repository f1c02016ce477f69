//! The registrant's ledger: one SQLite file holding the registrant's
//! prefixes (with the part of the designation range the agency allowed)
//! and every ISRC handed out under them, with the reference metadata the
//! ISRC handbook asks registrants to keep.
//!
//! A code is never handed out twice: each assignment runs in a
//! `BEGIN IMMEDIATE` transaction (one writer at a time, others wait up to
//! [`BUSY_TIMEOUT`]), the next designation is read and written inside it,
//! and `UNIQUE` constraints on the code and on (prefix, year, designation)
//! stand behind that. A voided code stays in the ledger, marked void, and
//! counts as used. The schema is versioned ([`schema`]).

pub mod schema;
pub mod table;

pub use table::{ImportRow, parse_duration, show_duration};

use crate::codes::Isrc;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The ledger's file name when neither `--ledger` nor `isrckit.toml` names one.
pub const DEFAULT_PATH: &str = "isrckit-ledger.db";

/// How long a process waits for another that is assigning on the same ledger.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a ledger operation failed. Messages name the ledger and say what to do.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// No ledger at the path, and the operation does not create one.
    #[error(
        "{0}: no ledger there; create one with `isrckit ledger init --prefix CCXXX`, or name yours with --ledger FILE (or [ledger] path in isrckit.toml)"
    )]
    Missing(PathBuf),
    /// The file is not an isrckit ledger.
    #[error("{path}: not an isrckit ledger ({why}); it was not changed")]
    NotALedger {
        /// The file.
        path: PathBuf,
        /// What was found instead.
        why: String,
    },
    /// A ledger written by a newer isrckit.
    #[error(
        "{path}: this ledger was written by a newer isrckit (schema version {found}; this isrckit knows versions up to {known}); it was not changed: use that newer isrckit"
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// SQLite failed.
    #[error("{path}: {source}")]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// The operation was refused; nothing was changed. One problem per entry.
    #[error("{}", .0.join("\n"))]
    Refused(Vec<String>),
}

type Result<T> = std::result::Result<T, LedgerError>;

/// Audio or video: the content type the ISRC handbook asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContentType {
    /// A sound recording.
    Audio,
    /// A music video.
    Video,
}

impl ContentType {
    /// The name in the ledger and its exports.
    pub fn name(self) -> &'static str {
        match self {
            ContentType::Audio => "audio",
            ContentType::Video => "video",
        }
    }

    /// Parse `audio` or `video` (any case).
    pub fn from_name(s: &str) -> Option<ContentType> {
        match s.trim().to_ascii_lowercase().as_str() {
            "audio" | "" => Some(ContentType::Audio),
            "video" => Some(ContentType::Video),
            _ => None,
        }
    }
}

/// A code to hand out: its reference metadata.
#[derive(Debug, Clone)]
pub struct NewCode {
    /// Main artist.
    pub artist: String,
    /// Track title.
    pub title: String,
    /// Version (remix, live, remaster…), if any.
    pub version: Option<String>,
    /// Duration in milliseconds.
    pub duration_ms: Option<u64>,
    /// Audio or video.
    pub content_type: ContentType,
    /// Year of first publication.
    pub first_published: Option<u16>,
    /// The year of reference (4 digits): the year of assignment.
    pub year: u16,
    /// BLAKE3 of the audio payload of the file, when one is given.
    pub audio_hash: Option<[u8; 32]>,
    /// The file, as given.
    pub file: Option<String>,
    /// Where it came from, for messages (`line 4`), or empty.
    pub origin: String,
}

/// A code handed out, with what a person should look at.
#[derive(Debug, Clone)]
pub struct Assigned {
    /// The code.
    pub isrc: Isrc,
    /// Notes: an existing code with this title, another version.
    pub notes: Vec<String>,
}

/// One code as the ledger holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The ISRC, 12 characters.
    pub isrc: String,
    /// Main artist.
    pub artist: String,
    /// Track title.
    pub title: String,
    /// Version, if any.
    pub version: Option<String>,
    /// Duration in milliseconds.
    #[serde(skip)]
    pub duration_ms: Option<u64>,
    /// Duration as `M:SS` (`M:SS.mmm` when not whole seconds).
    #[serde(rename = "duration")]
    pub duration_text: Option<String>,
    /// `audio` or `video`.
    pub content_type: String,
    /// Year of first publication.
    pub first_published: Option<u16>,
    /// Date of assignment, `YYYY-MM-DD`.
    pub assigned: String,
    /// `active` or `void`.
    pub status: String,
    /// Why it was voided.
    pub void_reason: Option<String>,
    /// When it was voided, `YYYY-MM-DD`.
    pub voided: Option<String>,
    /// BLAKE3 of the audio payload, hex.
    pub audio_hash: Option<String>,
    /// The file it was assigned for, as given.
    pub file: Option<String>,
}

/// The columns of `ledger export --format csv`, in order (public interface).
pub const EXPORT_COLUMNS: &[&str] = &[
    "isrc",
    "artist",
    "title",
    "version",
    "duration",
    "content_type",
    "first_published",
    "assigned",
    "status",
    "void_reason",
    "voided",
    "audio_hash",
    "file",
];

/// A registrant prefix and its allowed designation range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prefix {
    /// `CCXXX`.
    pub prefix: String,
    /// First designation code allowed.
    pub first: u32,
    /// Last designation code allowed.
    pub last: u32,
}

/// What the audit needs of a ledger, read once.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// The ledger file.
    pub path: PathBuf,
    /// Its prefixes.
    pub prefixes: Vec<String>,
    /// Its codes.
    pub codes: HashMap<Isrc, Entry>,
}

/// An open ledger.
pub struct Ledger {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger").field("path", &self.path).finish()
    }
}

/// Parse `CCXXX` (hyphens, lowercase accepted).
pub fn parse_prefix(raw: &str) -> Option<String> {
    let up = raw.trim().replace('-', "").to_ascii_uppercase();
    let ok = up.len() == 5
        && up[..2].bytes().all(|b| b.is_ascii_uppercase())
        && up[2..].bytes().all(|b| b.is_ascii_alphanumeric());
    ok.then_some(up)
}

/// Parse `00000-49999`.
pub fn parse_range(raw: &str) -> Option<(u32, u32)> {
    let (a, b) = raw.trim().split_once('-')?;
    let (a, b): (u32, u32) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (a <= b && b <= 99_999).then_some((a, b))
}

impl Ledger {
    /// Open the ledger at `path`, bringing its schema up to date. With
    /// `create`, a missing file becomes a new, empty ledger.
    pub fn open(path: &Path, create: bool) -> Result<Ledger> {
        if !create && !path.exists() {
            return Err(LedgerError::Missing(path.to_path_buf()));
        }
        let db = |source| LedgerError::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(db)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db)?;
        let mut ledger = Ledger {
            conn,
            path: path.to_path_buf(),
        };
        ledger.migrate()?;
        Ok(ledger)
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn db(&self) -> impl Fn(rusqlite::Error) -> LedgerError + '_ {
        move |source| LedgerError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Check what the file is, then apply the migrations it lacks.
    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let not_ledger = |why: String| LedgerError::NotALedger {
            path: path.clone(),
            why,
        };
        let version: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| not_ledger(e.to_string()))?;
        if version > schema::CURRENT {
            return Err(LedgerError::TooNew {
                path: self.path.clone(),
                found: version,
                known: schema::CURRENT,
            });
        }
        if version == schema::CURRENT {
            return self.check_id(version);
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| not_ledger(e.to_string()))?;
        // Another process may have migrated meanwhile: read again under the lock.
        let version: i64 = tx
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| not_ledger(e.to_string()))?;
        if version > schema::CURRENT {
            return Err(LedgerError::TooNew {
                path: self.path.clone(),
                found: version,
                known: schema::CURRENT,
            });
        }
        if version == 0 {
            let tables: i64 = tx
                .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
                .map_err(|e| not_ledger(e.to_string()))?;
            if tables > 0 {
                return Err(not_ledger(
                    "an SQLite database with other tables".to_string(),
                ));
            }
            tx.pragma_update(None, "application_id", schema::APPLICATION_ID)
                .map_err(|e| not_ledger(e.to_string()))?;
        } else {
            let id: i64 = tx
                .pragma_query_value(None, "application_id", |r| r.get(0))
                .map_err(|e| not_ledger(e.to_string()))?;
            if id != schema::APPLICATION_ID {
                return Err(not_ledger(format!("application id {id:#x}")));
            }
        }
        for (n, sql) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(sql)
                .map_err(|source| LedgerError::Sqlite {
                    path: self.path.clone(),
                    source,
                })?;
            tx.pragma_update(None, "user_version", n as i64 + 1)
                .map_err(|source| LedgerError::Sqlite {
                    path: self.path.clone(),
                    source,
                })?;
        }
        tx.commit().map_err(|source| LedgerError::Sqlite {
            path: self.path.clone(),
            source,
        })
    }

    fn check_id(&self, version: i64) -> Result<()> {
        let id: i64 = self
            .conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(self.db())?;
        if version > 0 && id != schema::APPLICATION_ID {
            return Err(LedgerError::NotALedger {
                path: self.path.clone(),
                why: format!("application id {id:#x}"),
            });
        }
        Ok(())
    }

    /// The schema version of the open ledger.
    pub fn version(&self) -> Result<i64> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(self.db())
    }

    /// The prefixes, in the order they were added.
    pub fn prefixes(&self) -> Result<Vec<Prefix>> {
        let mut st = self
            .conn
            .prepare("SELECT prefix, first, last FROM prefixes ORDER BY rowid")
            .map_err(self.db())?;
        let rows = st
            .query_map([], |r| {
                Ok(Prefix {
                    prefix: r.get(0)?,
                    first: r.get(1)?,
                    last: r.get(2)?,
                })
            })
            .map_err(self.db())?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(self.db())
    }

    /// Add a prefix with its range (`init`). A prefix already there with
    /// the same range is fine; with another range it is refused.
    pub fn add_prefix(&mut self, prefix: &str, range: (u32, u32), today: &str) -> Result<bool> {
        let path = self.path.clone();
        let db = move |source| LedgerError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&db)?;
        let had: Option<(u32, u32)> = tx
            .query_row(
                "SELECT first, last FROM prefixes WHERE prefix = ?1",
                [prefix],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(&db)?;
        match had {
            Some(r) if r == range => Ok(false),
            Some((a, b)) => Err(LedgerError::Refused(vec![format!(
                "{prefix} is already in the ledger with the range {a:05}-{b:05}; a prefix's range is not changed"
            )])),
            None => {
                tx.execute(
                    "INSERT INTO prefixes (prefix, first, last, added) VALUES (?1, ?2, ?3, ?4)",
                    params![prefix, range.0, range.1, today],
                )
                .map_err(&db)?;
                tx.commit().map_err(&db)?;
                Ok(true)
            }
        }
    }

    /// Hand out a code to each of `items`, all or none, in one transaction.
    /// Every refusal (the same audio, the same recording, the range used
    /// up) is collected; any refusal assigns nothing.
    pub fn assign(&mut self, items: &[NewCode], today: &str) -> Result<Vec<Assigned>> {
        let path = self.path.clone();
        let db = move |source| LedgerError::Sqlite {
            path: path.clone(),
            source,
        };
        let prefixes = self.prefixes()?;
        if prefixes.is_empty() {
            return Err(LedgerError::Refused(vec![format!(
                "the ledger has no prefix yet; add yours with `isrckit ledger init --prefix CCXXX`"
            )]));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&db)?;
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for item in items {
            let at = if item.origin.is_empty() {
                String::new()
            } else {
                format!("{}: ", item.origin)
            };
            let hash = item.audio_hash.map(|h| hex(&h));
            if let Some(h) = &hash {
                let same: Option<(String, String, String)> = tx
                    .query_row(
                        "SELECT isrc, title, artist FROM codes WHERE audio_hash = ?1 AND status = 'active' LIMIT 1",
                        [h],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .optional()
                    .map_err(&db)?;
                if let Some((code, title, artist)) = same {
                    problems.push(format!(
                        "{at}this audio already has {code} (\"{title}\" by {artist}): a recording keeps its one ISRC; use that code"
                    ));
                    continue;
                }
            }
            let mut notes = Vec::new();
            let mut st = tx
                .prepare_cached(
                    "SELECT isrc, version, duration_ms, audio_hash FROM codes
                     WHERE title = ?1 COLLATE NOCASE AND artist = ?2 COLLATE NOCASE AND status = 'active'",
                )
                .map_err(&db)?;
            type Same = (String, Option<String>, Option<i64>, Option<String>);
            let same_title: Vec<Same> = st
                .query_map(params![item.title.trim(), item.artist.trim()], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .map_err(&db)?
                .collect::<std::result::Result<_, _>>()
                .map_err(&db)?;
            drop(st);
            let mut refused = false;
            for (code, version, duration, their_hash) in same_title {
                let fold = |v: &Option<String>| {
                    crate::recording::fold_title(v.as_deref().unwrap_or("").trim())
                };
                let same_version = fold(&version) == fold(&item.version);
                let told_apart_by_audio =
                    matches!((&hash, &their_hash), (Some(a), Some(b)) if a != b);
                let told_apart_by_length = matches!(
                    (item.duration_ms, duration),
                    (Some(a), Some(b)) if a.abs_diff(b.max(0) as u64) > 1000
                );
                if same_version && !told_apart_by_audio && !told_apart_by_length {
                    problems.push(format!(
                        "{at}\"{}\" by {}{} already has {code}: the same recording keeps its ISRC; if this is a different recording, say how with --version (remix, live, remaster…)",
                        item.title.trim(),
                        item.artist.trim(),
                        version.as_deref().map(|v| format!(" ({v})")).unwrap_or_default()
                    ));
                    refused = true;
                    break;
                }
                notes.push(format!(
                    "{at}look: \"{}\" by {} already has {code}{}; this one was given a code of its own as a different recording",
                    item.title.trim(),
                    item.artist.trim(),
                    version
                        .as_deref()
                        .map(|v| format!(" (version: {v})"))
                        .unwrap_or_default()
                ));
            }
            if refused {
                continue;
            }
            let yy = item.year % 100;
            let mut chosen = None;
            for p in &prefixes {
                let max: Option<u32> = tx
                    .query_row(
                        "SELECT MAX(designation) FROM codes WHERE prefix = ?1 AND year = ?2 AND designation BETWEEN ?3 AND ?4",
                        params![p.prefix, yy, p.first, p.last],
                        |r| r.get(0),
                    )
                    .map_err(&db)?;
                let next = max.map_or(p.first, |m| m + 1);
                if next <= p.last {
                    chosen = Some((p, next));
                    break;
                }
            }
            let Some((p, next)) = chosen else {
                let mut used = Vec::new();
                for p in &prefixes {
                    let (all, void): (i64, i64) = tx
                        .query_row(
                            "SELECT count(*), count(*) FILTER (WHERE status = 'void') FROM codes WHERE prefix = ?1 AND year = ?2 AND designation BETWEEN ?3 AND ?4",
                            params![p.prefix, yy, p.first, p.last],
                            |r| Ok((r.get(0)?, r.get(1)?)),
                        )
                        .map_err(&db)?;
                    used.push(format!(
                        "{} {:05}-{:05}: {all} of {} codes used ({void} of them void)",
                        p.prefix,
                        p.first,
                        p.last,
                        p.last - p.first + 1
                    ));
                }
                problems.push(format!(
                    "{at}no code left for {}: {}; ask your ISRC agency for more (a new range or prefix: isrckit ledger init --prefix CCXXX --range …)",
                    item.year,
                    used.join("; ")
                ));
                // Later items would find no room either.
                break;
            };
            let code = format!("{}{:02}{:05}", p.prefix, yy, next);
            let isrc = Isrc::parse(&code).map_err(|e| {
                LedgerError::Refused(vec![format!(
                    "{at}{code}: {e} (a bad prefix in the ledger?)"
                )])
            })?;
            tx.execute(
                "INSERT INTO codes (isrc, prefix, year, designation, artist, title, version, duration_ms, content_type, first_published, assigned, audio_hash, file)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    isrc.as_str(),
                    p.prefix,
                    yy,
                    next,
                    item.artist.trim(),
                    item.title.trim(),
                    item.version.as_deref().map(str::trim).filter(|v| !v.is_empty()),
                    item.duration_ms.and_then(|d| i64::try_from(d).ok()),
                    item.content_type.name(),
                    item.first_published,
                    today,
                    hash,
                    item.file,
                ],
            )
            .map_err(&db)?;
            out.push(Assigned { isrc, notes });
        }
        if !problems.is_empty() {
            // Dropping the transaction rolls it back: nothing assigned.
            return Err(LedgerError::Refused(problems));
        }
        tx.commit().map_err(&db)?;
        Ok(out)
    }

    /// Void a code: it stays in the ledger, marked void, never handed out again.
    pub fn void(&mut self, code: &Isrc, reason: &str, today: &str) -> Result<()> {
        let path = self.path.clone();
        let db = move |source| LedgerError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&db)?;
        let status: Option<String> = tx
            .query_row(
                "SELECT status FROM codes WHERE isrc = ?1",
                [code.as_str()],
                |r| r.get(0),
            )
            .optional()
            .map_err(&db)?;
        match status.as_deref() {
            None => Err(LedgerError::Refused(vec![format!(
                "{code} is not in the ledger; only a code the ledger holds can be voided (add an old one with isrckit ledger import)"
            )])),
            Some("void") => Err(LedgerError::Refused(vec![format!(
                "{code} is already void"
            )])),
            _ => {
                tx.execute(
                    "UPDATE codes SET status = 'void', void_reason = ?2, voided = ?3 WHERE isrc = ?1",
                    params![code.as_str(), reason, today],
                )
                .map_err(&db)?;
                tx.commit().map_err(&db)
            }
        }
    }

    /// Every code, in code order.
    pub fn entries(&self) -> Result<Vec<Entry>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT isrc, artist, title, version, duration_ms, content_type, first_published,
                        assigned, status, void_reason, voided, audio_hash, file
                 FROM codes ORDER BY isrc",
            )
            .map_err(self.db())?;
        let rows = st
            .query_map([], |r| {
                let duration_ms: Option<u64> = r.get::<_, Option<i64>>(4)?.map(|d| d.max(0) as u64);
                Ok(Entry {
                    isrc: r.get(0)?,
                    artist: r.get(1)?,
                    title: r.get(2)?,
                    version: r.get(3)?,
                    duration_ms,
                    duration_text: duration_ms.map(show_duration),
                    content_type: r.get(5)?,
                    first_published: r.get(6)?,
                    assigned: r.get(7)?,
                    status: r.get(8)?,
                    void_reason: r.get(9)?,
                    voided: r.get(10)?,
                    audio_hash: r.get(11)?,
                    file: r.get(12)?,
                })
            })
            .map_err(self.db())?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(self.db())
    }

    /// What the audit needs: prefixes and codes.
    pub fn snapshot(&self) -> Result<Snapshot> {
        let mut codes = HashMap::new();
        for e in self.entries()? {
            if let Ok(code) = Isrc::parse(&e.isrc) {
                codes.insert(code, e);
            }
        }
        Ok(Snapshot {
            path: self.path.clone(),
            prefixes: self.prefixes()?.into_iter().map(|p| p.prefix).collect(),
            codes,
        })
    }

    /// Import codes already handed out: all of them or, at the first
    /// problem, none; every problem is listed with its line.
    pub fn import(&mut self, rows: &[ImportRow], today: &str) -> Result<usize> {
        let path = self.path.clone();
        let db = move |source| LedgerError::Sqlite {
            path: path.clone(),
            source,
        };
        let prefixes: HashSet<String> = self.prefixes()?.into_iter().map(|p| p.prefix).collect();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&db)?;
        let mut problems = Vec::new();
        let mut seen: HashMap<Isrc, usize> = HashMap::new();
        let mut good = Vec::new();
        for row in rows {
            let at = format!("line {}", row.line);
            let mut bad = |why: String| problems.push(format!("{at}: {why}"));
            let code = match Isrc::parse(&row.isrc) {
                Ok(c) => c,
                Err(e) => {
                    bad(format!("{:?} is not a valid ISRC: {e}", row.isrc));
                    continue;
                }
            };
            let mut ok = true;
            if let Some(first) = seen.insert(code, row.line) {
                bad(format!(
                    "{code} is also on line {first}: a code is in the ledger once"
                ));
                ok = false;
            }
            if !prefixes.contains(code.prefix_code()) {
                let mut known: Vec<&str> = prefixes.iter().map(String::as_str).collect();
                known.sort_unstable();
                bad(format!(
                    "{code} is not under the ledger's prefixes ({}); add its prefix first with isrckit ledger init --prefix {}",
                    if known.is_empty() {
                        "none yet".to_string()
                    } else {
                        known.join(", ")
                    },
                    code.prefix_code()
                ));
                ok = false;
            }
            let there: bool = tx
                .query_row(
                    "SELECT 1 FROM codes WHERE isrc = ?1",
                    [code.as_str()],
                    |_| Ok(true),
                )
                .optional()
                .map_err(&db)?
                .unwrap_or(false);
            if there {
                bad(format!("{code} is already in the ledger"));
                ok = false;
            }
            for why in &row.problems {
                bad(why.clone());
                ok = false;
            }
            if ok {
                good.push((code, row));
            }
        }
        if !problems.is_empty() {
            return Err(LedgerError::Refused(problems));
        }
        for (code, row) in &good {
            let s = code.as_str();
            tx.execute(
                "INSERT INTO codes (isrc, prefix, year, designation, artist, title, version, duration_ms, content_type, first_published, assigned, audio_hash, file, status, void_reason, voided)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                params![
                    s,
                    code.prefix_code(),
                    code.year(),
                    code.designation(),
                    row.artist,
                    row.title,
                    row.version,
                    row.duration_ms.and_then(|d| i64::try_from(d).ok()),
                    row.content_type.name(),
                    row.first_published,
                    row.assigned.as_deref().unwrap_or(today),
                    row.audio_hash,
                    row.file,
                    if row.void { "void" } else { "active" },
                    row.void_reason,
                    row.voided,
                ],
            )
            .map_err(&db)?;
        }
        tx.commit().map_err(&db)?;
        Ok(good.len())
    }
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Today's date, `YYYY-MM-DD` (UTC). Debug builds take
/// `ISRCKIT_TEST_TODAY` instead, for the tests.
pub fn today() -> String {
    #[cfg(debug_assertions)]
    if let Ok(d) = std::env::var("ISRCKIT_TEST_TODAY") {
        return d;
    }
    let (year, month, day) = crate::audit::config::today_utc();
    format!("{year:04}-{month:02}-{day:02}")
}

/// The year of `today()`.
pub fn this_year() -> u16 {
    today()
        .get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or_else(crate::audit::config::this_year)
}
