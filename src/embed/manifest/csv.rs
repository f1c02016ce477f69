//! Reading a CSV manifest into raw rows: the separator, line ends,
//! quoting, then the header naming the columns (the rules are in the
//! [module docs](super)).

use super::columns::{Col, RawRow, describe_unknown, known_list};
use super::rows::RowChecks;
use super::{RowError, err};
use crate::sanitize::{terminal, value};
use std::collections::HashMap;

/// The lines of a text, split as the CSV reader counts them (LF, CRLF or
/// CR each end one line).
fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&text[start..i]);
                start = i + 1;
            }
            b'\r' => {
                lines.push(&text[start..i]);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// The separator, from the header line: `,`, `;` or TAB, whichever occurs
/// most often outside quotes (on a tie `,` before `;` before TAB). A first
/// line `sep=X` (Excel's hint) sets it; its 1-based line is returned so it
/// can be skipped.
fn separator(text: &str) -> (char, Option<usize>) {
    let lines = split_lines(text);
    let mut non_blank = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((i, first)) = non_blank.next() else {
        return (',', None);
    };
    let t = first.trim();
    // `get`: the first line may hold any text; slicing inside a
    // multi-byte character would panic (found by the manifest fuzz target).
    if let (Some(head), Some(tail)) = (t.get(..4), t.get(4..))
        && head.eq_ignore_ascii_case("sep=")
        && tail.chars().count() == 1
    {
        let c = tail.chars().next().unwrap_or(',');
        return (c, Some(i + 1));
    }
    let (mut commas, mut semis, mut tabs, mut quoted) = (0, 0, 0, false);
    for c in first.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semis += 1,
            '\t' if !quoted => tabs += 1,
            _ => {}
        }
    }
    let sep = if tabs > commas && tabs > semis {
        '\t'
    } else if semis > commas {
        ';'
    } else {
        ','
    };
    (sep, None)
}

/// One CSV record: its first line and its fields (untrimmed).
struct Record {
    line: usize,
    fields: Vec<String>,
}

impl Record {
    fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.trim().is_empty())
    }
}

/// Split CSV text into records (see the [module docs](super) for the rules). An
/// unterminated quoted field is reported, and its record dropped.
fn lex(text: &str, sep: char, errors: &mut Vec<RowError>) -> Vec<Record> {
    let mut records = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    let mut record_line = 1;
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut closed = false;
    let mut quote_line = 0;
    while let Some(c) = chars.next() {
        let newline = c == '\n' || c == '\r';
        if c == '\r' && chars.peek() == Some(&'\n') {
            chars.next();
        }
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    in_quotes = false;
                    closed = true;
                }
            } else if newline {
                field.push('\n');
                line += 1;
            } else {
                field.push(c);
            }
        } else if c == sep {
            fields.push(std::mem::take(&mut field));
            closed = false;
        } else if newline {
            fields.push(std::mem::take(&mut field));
            records.push(Record {
                line: record_line,
                fields: std::mem::take(&mut fields),
            });
            closed = false;
            line += 1;
            record_line = line;
        } else if c == '"' && !closed && field.trim().is_empty() {
            field.clear();
            in_quotes = true;
            quote_line = line;
        } else if closed && c.is_whitespace() {
            // Spaces after a closing quote.
        } else {
            field.push(c);
        }
    }
    if in_quotes {
        errors.push(err(
            quote_line,
            "has a value that opens a double quote (\") and never closes it; \
             close it, or write a quote inside a quoted value as \"\"",
        ));
    } else if !fields.is_empty() || !field.is_empty() || closed {
        fields.push(field);
        records.push(Record {
            line: record_line,
            fields,
        });
    }
    records
}

/// What a header cell is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    Known(Col),
    /// Unknown or repeated: reported once on the header, values skipped.
    Ignored,
    /// Empty header cell: rows must leave it empty.
    Unnamed,
}

/// The rows of a CSV manifest as read, and which per-row checks still
/// apply after the header's problems were reported. Problems of the
/// header, of rows that do not fit it, and of quoting go to `errors`.
pub(super) fn csv_rows(text: &str, errors: &mut Vec<RowError>) -> (Vec<RawRow>, RowChecks) {
    let none = RowChecks {
        need_code: false,
        need_ident: false,
    };
    let (sep, hint_line) = separator(text);
    let errors_before = errors.len();
    let records = lex(text, sep, errors);
    let mut records = records
        .into_iter()
        .filter(|r| Some(r.line) != hint_line && !r.is_blank());
    let Some(header) = records.next() else {
        if errors.len() == errors_before {
            errors.push(err(
                1,
                format!(
                    "the manifest is empty; it needs a header line naming the columns ({}) and one row per track",
                    known_list()
                ),
            ));
        }
        return (Vec::new(), none);
    };
    let hl = header.line;
    let mut slots = Vec::new();
    let mut seen: HashMap<Col, usize> = HashMap::new();
    let mut unknown = Vec::new();
    for (i, cell) in header.fields.iter().enumerate() {
        let name = cell.trim();
        if name.is_empty() {
            slots.push(Slot::Unnamed);
            continue;
        }
        match Col::from_name(name) {
            Some(c) => {
                if let Some(&j) = seen.get(&c) {
                    let first = header.fields[j].trim();
                    let message = if first.eq_ignore_ascii_case(name) {
                        format!(
                            "column \"{}\" appears twice in the header (columns {} and {}); keep one",
                            c.name(),
                            j + 1,
                            i + 1
                        )
                    } else {
                        format!(
                            "\"{}\" (column {}) and \"{}\" (column {}) both name the {} column; keep one",
                            value(first),
                            j + 1,
                            value(name),
                            i + 1,
                            c.name()
                        )
                    };
                    errors.push(err(hl, message));
                    slots.push(Slot::Ignored);
                } else {
                    seen.insert(c, i);
                    slots.push(Slot::Known(c));
                }
            }
            None => {
                unknown.push(describe_unknown(name));
                slots.push(Slot::Ignored);
            }
        }
    }
    if seen.is_empty() {
        let shown: Vec<&str> = header.fields.iter().map(|f| f.trim()).collect();
        errors.push(err(
            hl,
            format!(
                "the first line must be a header naming the columns ({}), but it reads \"{}\"; add the header line",
                known_list(),
                value(&shown.join(&sep.to_string()))
            ),
        ));
        return (Vec::new(), none);
    }
    match unknown.len() {
        0 => {}
        1 => errors.push(err(
            hl,
            format!(
                "unknown column {}; the known columns are {}: rename it or remove it",
                unknown[0],
                known_list()
            ),
        )),
        _ => errors.push(err(
            hl,
            format!(
                "unknown columns {}; the known columns are {}: rename them or remove them",
                unknown.join(", "),
                known_list()
            ),
        )),
    }
    let has = |c: Col| seen.contains_key(&c);
    let mut checks = RowChecks {
        need_code: true,
        need_ident: true,
    };
    if !has(Col::Isrc) && !has(Col::Barcode) {
        errors.push(err(
            hl,
            "the header has neither an isrc nor a barcode column, so there is nothing to embed; add one",
        ));
        checks.need_code = false;
    }
    let findable = has(Col::Path) || has(Col::Title) || (has(Col::Release) && has(Col::Track));
    if !findable {
        errors.push(err(
            hl,
            "the header gives no way to find the files: add a path column, or release and track columns, or a title column",
        ));
        checks.need_ident = false;
    }
    let mut rows = Vec::new();
    for rec in records {
        if rec.fields.len() > slots.len()
            && rec.fields[slots.len()..]
                .iter()
                .any(|f| !f.trim().is_empty())
        {
            errors.push(err(
                rec.line,
                format!(
                    "has {} values but the header names {} columns; a value containing {} must be in double quotes",
                    rec.fields.len(),
                    slots.len(),
                    if sep == '\t' {
                        "a TAB".to_string()
                    } else {
                        format!("\"{}\"", terminal(&sep.to_string()))
                    }
                ),
            ));
            continue;
        }
        let mut raw = RawRow::new(rec.line);
        let mut bad = false;
        for (i, (value, slot)) in rec.fields.iter().zip(&slots).enumerate() {
            match slot {
                Slot::Known(c) => raw.set(*c, value),
                Slot::Ignored => {}
                Slot::Unnamed if value.trim().is_empty() => {}
                Slot::Unnamed => {
                    errors.push(err(
                        rec.line,
                        format!(
                            "has a value, \"{}\", in column {}, which has no name in the header; name the column or remove the value",
                            crate::sanitize::value(value.trim()),
                            i + 1
                        ),
                    ));
                    bad = true;
                }
            }
        }
        if !bad {
            rows.push(raw);
        }
    }
    if rows.is_empty() && errors.len() == errors_before {
        errors.push(err(
            hl,
            "the manifest has a header but no rows; add one row per track",
        ));
    }
    (rows, checks)
}
