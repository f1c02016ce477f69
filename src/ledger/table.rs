//! Tables in and out of the ledger: CSV (`,`, `;` or TAB; quoted fields)
//! or a JSON list of objects, read by column name; durations in words.

use super::ContentType;

/// A table as read: lower-case, squashed column names, and rows with
/// their line numbers (the header is line 1).
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Column names, squashed (lower case, letters and digits only).
    pub columns: Vec<String>,
    /// `(line, values)`; values align with `columns` (missing ones empty).
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// The value of the first of `names` that is a column, trimmed; `None` when empty.
    pub fn get<'a>(&self, row: &'a [String], names: &[&str]) -> Option<&'a str> {
        names
            .iter()
            .find_map(|n| self.columns.iter().position(|c| c == n))
            .and_then(|i| row.get(i))
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// Whether one of `names` is a column.
    pub fn has(&self, names: &[&str]) -> bool {
        names.iter().any(|n| self.columns.iter().any(|c| c == n))
    }
}

/// Lower case, letters and digits only: `Track Title` → `tracktitle`.
pub fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric() || *c == '#')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Read a CSV or JSON table from text (already decoded).
pub fn read_rows(text: &str) -> Result<Table, String> {
    let t = text.trim_start_matches('\u{feff}');
    if t.trim_start().starts_with('[') || t.trim_start().starts_with('{') {
        return json_table(t);
    }
    let first = t.lines().next().unwrap_or("");
    let sep = [',', ';', '\t']
        .into_iter()
        .max_by_key(|s| first.matches(*s).count())
        .unwrap_or(',');
    let records = csv_records(t, sep)?;
    let mut it = records.into_iter();
    let Some((_, header)) = it.next() else {
        return Err("empty: give a header row and a row per code".into());
    };
    let columns: Vec<String> = header.iter().map(|h| squash(h)).collect();
    let rows = it
        .filter(|(_, r)| r.iter().any(|v| !v.trim().is_empty()))
        .map(|(line, r)| {
            let mut r: Vec<String> = r.into_iter().map(unguard).collect();
            r.resize(columns.len(), String::new());
            (line, r)
        })
        .collect();
    Ok(Table { columns, rows })
}

/// CSV records with the line each starts on (quoted fields may span lines).
fn csv_records(text: &str, sep: char) -> Result<Vec<(usize, Vec<String>)>, String> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut start = 1;
    let mut field = String::new();
    let mut record = Vec::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            c if c == sep => record.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                out.push((start, std::mem::take(&mut record)));
                line += 1;
                start = line;
                any = false;
            }
            c => field.push(c),
        }
    }
    if quoted {
        return Err(format!("line {start}: a quoted field is not closed"));
    }
    if any {
        record.push(field);
        out.push((start, record));
    }
    Ok(out)
}

fn json_table(text: &str) -> Result<Table, String> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    // A `ledger export --format json` document, or a plain list.
    let list = match &v {
        serde_json::Value::Array(a) => a.clone(),
        serde_json::Value::Object(o) => match o.get("codes") {
            Some(serde_json::Value::Array(a)) => a.clone(),
            _ => return Err("a JSON object without a \"codes\" list".into()),
        },
        _ => return Err("give a JSON list of objects".into()),
    };
    let mut columns: Vec<String> = Vec::new();
    let mut objects = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let serde_json::Value::Object(o) = item else {
            return Err(format!("item {}: not an object", i + 1));
        };
        let mut row = Vec::new();
        for (k, val) in o {
            let k = squash(k);
            let pos = match columns.iter().position(|c| *c == k) {
                Some(p) => p,
                None => {
                    columns.push(k);
                    columns.len() - 1
                }
            };
            let text = match val {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            row.push((pos, text));
        }
        objects.push(row);
    }
    let rows = objects
        .into_iter()
        .enumerate()
        .map(|(i, vals)| {
            let mut r = vec![String::new(); columns.len()];
            for (p, t) in vals {
                r[p] = t;
            }
            // Items are numbered as lines are: the first is "line 2".
            (i + 2, r)
        })
        .collect();
    Ok(Table { columns, rows })
}

/// Parse a duration: seconds (`215`, `215.5`), `M:SS`, `H:MM:SS`, with an
/// optional fraction; milliseconds.
pub fn parse_duration(raw: &str) -> Option<u64> {
    let raw = raw.trim();
    let (whole, frac) = match raw.split_once('.') {
        Some((w, f)) => (w, f),
        None => (raw, ""),
    };
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ms_frac: u64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<3}").parse().ok()?
    };
    let parts: Vec<&str> = whole.split(':').collect();
    if parts.len() > 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let mut secs: u64 = 0;
    for (i, p) in parts.iter().enumerate() {
        let n: u64 = p.parse().ok()?;
        if i > 0 && n >= 60 {
            return None;
        }
        secs = secs.checked_mul(60)?.checked_add(n)?;
    }
    secs.checked_mul(1000)?.checked_add(ms_frac)
}

/// `M:SS`, or `M:SS.mmm` when not whole seconds (minutes may pass 59).
pub fn show_duration(ms: u64) -> String {
    let (s, frac) = (ms / 1000, ms % 1000);
    if frac == 0 {
        format!("{}:{:02}", s / 60, s % 60)
    } else {
        format!("{}:{:02}.{frac:03}", s / 60, s % 60)
    }
}

/// Quote a CSV field when it needs it; text a spreadsheet would run as a
/// formula (`=…`, `+…`, `-…`, `@…`) gets a `'` in front, which
/// [`read_rows`] takes off again.
pub fn csv_field(v: &str) -> String {
    let v = if runs_as_formula(v) {
        format!("'{v}")
    } else {
        v.to_string()
    };
    if v.contains([',', '"', '\n', '\r', ';', '\t']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

fn runs_as_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err()
}

/// A cell as written by [`csv_field`]: the formula guard taken off.
fn unguard(s: String) -> String {
    match s.strip_prefix('\'') {
        Some(rest) if runs_as_formula(rest) => rest.to_string(),
        _ => s,
    }
}

/// Column names `ledger import` reads, by field (squashed).
pub const ISRC_NAMES: &[&str] = &["isrc", "isrccode", "code"];
/// See [`ISRC_NAMES`].
pub const ARTIST_NAMES: &[&str] = &["artist", "mainartist", "artistname", "displayartist"];
/// See [`ISRC_NAMES`].
pub const TITLE_NAMES: &[&str] = &["title", "tracktitle", "recordingtitle"];
/// See [`ISRC_NAMES`].
pub const VERSION_NAMES: &[&str] = &["version", "versiontitle", "mix"];
/// See [`ISRC_NAMES`].
pub const DURATION_NAMES: &[&str] = &["duration", "length", "time", "playingtime"];
/// See [`ISRC_NAMES`].
pub const TYPE_NAMES: &[&str] = &["contenttype", "type"];
/// See [`ISRC_NAMES`].
pub const PUBLISHED_NAMES: &[&str] = &[
    "firstpublished",
    "yearoffirstpublication",
    "releaseyear",
    "published",
];

/// One row of an import, read and checked on its own.
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// Its line in the file.
    pub line: usize,
    /// The code as written.
    pub isrc: String,
    /// Main artist.
    pub artist: String,
    /// Track title.
    pub title: String,
    /// Version.
    pub version: Option<String>,
    /// Duration.
    pub duration_ms: Option<u64>,
    /// Audio or video.
    pub content_type: ContentType,
    /// Year of first publication.
    pub first_published: Option<u16>,
    /// Date of assignment (`YYYY-MM-DD`), when the sheet has it.
    pub assigned: Option<String>,
    /// Whether the code is void.
    pub void: bool,
    /// Why it was voided.
    pub void_reason: Option<String>,
    /// When it was voided.
    pub voided: Option<String>,
    /// Audio hash, hex.
    pub audio_hash: Option<String>,
    /// The file.
    pub file: Option<String>,
    /// What is wrong with the row on its own.
    pub problems: Vec<String>,
}

impl ImportRow {
    /// Every row of a table; a missing isrc/title/artist column is one
    /// problem for the whole table.
    pub fn all(t: &Table) -> Result<Vec<ImportRow>, String> {
        let mut missing = Vec::new();
        for (what, names) in [
            ("isrc", ISRC_NAMES),
            ("artist", ARTIST_NAMES),
            ("title", TITLE_NAMES),
        ] {
            if !t.has(names) {
                missing.push(what);
            }
        }
        if !missing.is_empty() {
            return Err(format!(
                "line 1: no {} column (the header has: {}); name the columns as `ledger export` does",
                missing.join(", no "),
                t.columns.join(", ")
            ));
        }
        Ok(t.rows
            .iter()
            .map(|(line, r)| ImportRow::read(t, *line, r))
            .collect())
    }

    fn read(t: &Table, line: usize, r: &[String]) -> ImportRow {
        let mut problems = Vec::new();
        let text = |names: &[&str]| t.get(r, names).map(str::to_string);
        let artist = text(ARTIST_NAMES).unwrap_or_default();
        let title = text(TITLE_NAMES).unwrap_or_default();
        if artist.is_empty() {
            problems.push("no artist: the ledger keeps each code's main artist".into());
        }
        if title.is_empty() {
            problems.push("no title: the ledger keeps each code's track title".into());
        }
        let duration_ms = t.get(r, DURATION_NAMES).and_then(|d| {
            let ms = parse_duration(d);
            if ms.is_none() {
                problems.push(format!(
                    "duration {d:?}: write seconds (215), M:SS (3:35) or H:MM:SS"
                ));
            }
            ms
        });
        let content_type = match t.get(r, TYPE_NAMES) {
            None => ContentType::Audio,
            Some(v) => ContentType::from_name(v).unwrap_or_else(|| {
                problems.push(format!("content type {v:?}: write audio or video"));
                ContentType::Audio
            }),
        };
        let first_published = t
            .get(r, PUBLISHED_NAMES)
            .and_then(|y| match y.parse::<u16>() {
                Ok(n) if (1000..=2999).contains(&n) => Some(n),
                _ => {
                    problems.push(format!("first published {y:?}: write a year, e.g. 2026"));
                    None
                }
            });
        let assigned = t
            .get(r, &["assigned", "dateofassignment", "assignedon"])
            .map(str::to_string);
        if let Some(a) = &assigned
            && !is_date(a)
        {
            problems.push(format!("assigned {a:?}: write a date, YYYY-MM-DD"));
        }
        let void = match t.get(r, &["status"]) {
            None => false,
            Some(s) if s.eq_ignore_ascii_case("active") => false,
            Some(s) if s.eq_ignore_ascii_case("void") => true,
            Some(s) => {
                problems.push(format!("status {s:?}: write active or void"));
                false
            }
        };
        ImportRow {
            line,
            isrc: text(ISRC_NAMES).unwrap_or_default(),
            artist,
            title,
            version: text(VERSION_NAMES),
            duration_ms,
            content_type,
            first_published,
            assigned,
            void,
            void_reason: text(&["voidreason", "reason"]),
            voided: text(&["voided"]),
            audio_hash: text(&["audiohash"]),
            file: text(&["file", "path"]),
            problems,
        }
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_round_trip() {
        for (text, ms) in [
            ("215", 215_000),
            ("3:35", 215_000),
            ("1:00:00", 3_600_000),
            ("3:35.5", 215_500),
        ] {
            assert_eq!(parse_duration(text), Some(ms), "{text}");
            assert_eq!(parse_duration(&show_duration(ms)), Some(ms));
        }
        for bad in ["", "3:60", "x", "1.2345", "-3"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn csv_quotes_and_lines() {
        let t = read_rows("ISRC;Track Title;Artist\nAUXYZ2600001;\"A; b\";\"Say \"\"hi\"\"\"\n\n")
            .expect("csv");
        assert_eq!(t.columns, ["isrc", "tracktitle", "artist"]);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].0, 2);
        assert_eq!(t.rows[0].1, ["AUXYZ2600001", "A; b", "Say \"hi\""]);
    }
}
