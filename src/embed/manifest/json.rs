//! Reading a JSON manifest into raw rows: an array of objects, or
//! `{"tracks": [...]}` holding one (see the [module docs](super)).

use super::columns::{Col, RawRow, describe_unknown, known_list};
use super::{RowError, err};
use crate::sanitize::value as quoted;
use std::collections::{HashMap, HashSet};

/// The entries of a JSON manifest as raw rows; the problems of the
/// document and of entries that cannot be read go to `errors`.
pub(super) fn json_rows(text: &str, errors: &mut Vec<RowError>) -> Vec<RawRow> {
    use serde_json::Value;
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            errors.push(err(0, format!("the manifest is not valid JSON: {e}")));
            return Vec::new();
        }
    };
    let shape = "a JSON manifest is an array of entries, [{\"path\": \"...\", \"isrc\": \"...\"}, ...], or {\"tracks\": [...]}";
    let entries = match value {
        Value::Array(a) => a,
        Value::Object(o) => {
            let mut tracks = None;
            for (k, v) in o {
                if k.trim().eq_ignore_ascii_case("tracks") {
                    tracks = Some(v);
                } else {
                    errors.push(err(
                        0,
                        format!(
                            "the JSON object has a key \"{}\" that is not read; {shape}",
                            quoted(&k)
                        ),
                    ));
                }
            }
            match tracks {
                Some(Value::Array(a)) => a,
                Some(_) => {
                    errors.push(err(0, format!("\"tracks\" is not an array; {shape}")));
                    return Vec::new();
                }
                None => {
                    errors.push(err(
                        0,
                        format!("the JSON object has no \"tracks\"; {shape}"),
                    ));
                    return Vec::new();
                }
            }
        }
        _ => {
            errors.push(err(0, shape));
            return Vec::new();
        }
    };
    if entries.is_empty() {
        errors.push(err(0, "the manifest has no entries; add one per track"));
    }
    let mut reported = HashSet::new();
    let mut rows = Vec::new();
    for (i, entry) in entries.into_iter().enumerate() {
        let line = i + 1;
        let Value::Object(map) = entry else {
            errors.push(err(
                line,
                "is not an object; an entry looks like {\"path\": \"...\", \"isrc\": \"...\"}",
            ));
            continue;
        };
        let mut raw = RawRow::new(line);
        let mut seen: HashMap<Col, String> = HashMap::new();
        let mut bad = false;
        for (key, v) in map {
            let Some(c) = Col::from_name(key.trim()) else {
                if reported.insert(key.clone()) {
                    errors.push(err(
                        line,
                        format!(
                            "unknown key {}; the known keys are {}: rename it or remove it",
                            describe_unknown(key.trim()),
                            known_list()
                        ),
                    ));
                }
                continue;
            };
            if let Some(first) = seen.get(&c) {
                let message = if first.trim().eq_ignore_ascii_case(key.trim()) {
                    format!("has the key \"{}\" twice; keep one", c.name())
                } else {
                    format!(
                        "has the keys \"{}\" and \"{}\", which both name the {} column; keep one",
                        quoted(first.trim()),
                        quoted(key.trim()),
                        c.name()
                    )
                };
                errors.push(err(line, message));
                bad = true;
                continue;
            }
            seen.insert(c, key.clone());
            let text = match v {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Null => continue,
                other => {
                    let kind = match other {
                        Value::Bool(_) => "true or false",
                        Value::Array(_) => "an array",
                        _ => "an object",
                    };
                    errors.push(err(
                        line,
                        format!(
                            "\"{}\" is {kind}; it must be text or a number",
                            quoted(&key)
                        ),
                    ));
                    bad = true;
                    continue;
                }
            };
            raw.set(c, &text);
        }
        if !bad {
            rows.push(raw);
        }
    }
    rows
}
