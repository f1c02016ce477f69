//! `audit --format sarif`: SARIF 2.1.0, for GitHub code scanning and other
//! SARIF viewers.
//!
//! One run. `tool.driver.rules` is the whole rule table (id, summary as
//! `shortDescription`, fix as `help`, default level); each finding is a
//! result with `ruleId`, `ruleIndex`, `level` (`error`, `warning`, `note`),
//! `message.text`, one location (the file as a relative URI reference,
//! percent-encoded, `/`-separated; an absolute path becomes a `file://`
//! URI), `relatedLocations` for the other files of a group, and
//! `partialFingerprints` stable for one (rule, path, code). The finding's
//! code and location text are in the result's `properties`. No `region`:
//! the files are audio and have no lines.

use crate::audit::{Finding, RULES, Record, Severity, Sink, Summary};
use serde_json::{Value, json};
use std::io::{self, Write};
use std::path::Path;

/// The `$schema` written in every document.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The key of our entry in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "isrckit/v1";

/// Writes the SARIF log at the end of the run.
pub struct SarifSink<W> {
    out: W,
}

impl<W: Write> SarifSink<W> {
    /// A SARIF renderer writing into `out`.
    pub fn new(out: W) -> Self {
        SarifSink { out }
    }

    /// The writer back (tests read what was rendered).
    #[cfg(test)]
    pub fn into_inner(self) -> W {
        self.out
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The path's bytes, `/`-separated: as stored on Unix (lossless), WTF-8
/// with `\\` made `/` on Windows ([`crate::platform::path_bytes`]).
fn path_bytes(path: &Path) -> Vec<u8> {
    crate::platform::path_bytes(path)
        .iter()
        .map(|&b| {
            if crate::platform::is_separator(b) {
                b'/'
            } else {
                b
            }
        })
        .collect()
}

/// The path as a URI: a relative reference for a relative path, a `file`
/// URI for an absolute one. Every byte but the unreserved characters and
/// `/` is percent-encoded (`:` too, so that a first segment is never read
/// as a scheme), except a drive letter's colon in an absolute path.
pub fn uri(path: &Path) -> String {
    let bytes = path_bytes(path);
    let absolute = path.is_absolute();
    let mut s = String::with_capacity(bytes.len() + 8);
    if absolute {
        s.push_str(if bytes.first() == Some(&b'/') {
            "file://"
        } else {
            "file:///"
        });
    }
    for (i, &b) in bytes.iter().enumerate() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
            || (absolute && b == b':' && i == 1);
        if keep {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// 64-bit FNV-1a: small, and stable across builds and platforms (unlike
/// the standard library's hasher).
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // A separator that text cannot hold, so ("ab", "c") != ("a", "bc").
        h ^= 0xff;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The fingerprint of a finding: its rule, file and code.
pub fn fingerprint(f: &Finding) -> String {
    let code: &[u8] = match &f.code {
        Some(c) => c.as_bytes(),
        None => b"\xfe",
    };
    format!(
        "{:016x}",
        fnv1a(&[f.rule.id().as_bytes(), uri(&f.path).as_bytes(), code])
    )
}

fn location(path: &Path) -> Value {
    json!({"physicalLocation": {"artifactLocation": {"uri": uri(path)}}})
}

fn result(f: &Finding) -> Value {
    let rule_index = RULES.iter().position(|r| r.rule == f.rule);
    let related: Vec<Value> = f
        .related
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut l = location(p);
            l["id"] = json!(i + 1);
            l
        })
        .collect();
    json!({
        "ruleId": f.rule.id(),
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": {"text": f.message},
        "locations": [location(&f.path)],
        "relatedLocations": related,
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(f)},
        "properties": {"code": f.code, "location": f.location},
    })
}

impl<W: Write> Sink for SarifSink<W> {
    fn finish(
        &mut self,
        _records: &[Record],
        findings: &[Finding],
        _summary: &Summary,
    ) -> io::Result<()> {
        let rules: Vec<Value> = RULES
            .iter()
            .map(|r| {
                json!({
                    "id": r.id,
                    "shortDescription": {"text": r.summary},
                    "help": {"text": r.fix},
                    "defaultConfiguration": {"level": level(r.default_severity)},
                })
            })
            .collect();
        let log = json!({
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "isrckit",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }},
                "results": findings.iter().map(result).collect::<Vec<_>>(),
            }],
        });
        serde_json::to_writer_pretty(&mut self.out, &log)?;
        writeln!(self.out)?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::audit::fixture;

    fn render(empty: bool) -> Value {
        let mut sink = SarifSink::new(Vec::new());
        fixture::drive(&mut sink, empty);
        serde_json::from_slice(&sink.into_inner()).expect("valid JSON")
    }

    #[test]
    fn log_has_tool_rules_and_results() {
        let log = render(false);
        assert_eq!(log["$schema"], SCHEMA_URI);
        assert_eq!(log["version"], "2.1.0");
        let runs = log["runs"].as_array().expect("runs");
        assert_eq!(runs.len(), 1);
        let driver = &runs[0]["tool"]["driver"];
        assert_eq!(driver["name"], "isrckit");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        let rules = driver["rules"].as_array().expect("rules");
        assert_eq!(rules.len(), RULES.len());
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(rules[i]["id"], r.id);
            assert_eq!(rules[i]["shortDescription"]["text"], r.summary);
            assert_eq!(rules[i]["help"]["text"], r.fix);
        }
        assert_eq!(rules[0]["defaultConfiguration"]["level"], "error");
        assert_eq!(rules[2]["defaultConfiguration"]["level"], "warning");

        let results = runs[0]["results"].as_array().expect("results");
        assert_eq!(results.len(), 4);
        for r in results {
            let index = r["ruleIndex"].as_u64().expect("index") as usize;
            assert_eq!(rules[index]["id"], r["ruleId"]);
        }
        assert_eq!(results[0]["level"], "note");
        assert_eq!(results[0]["properties"]["code"], "USRC17607839");
        assert_eq!(
            results[0]["properties"]["location"],
            "chunk \"id3 \" › ID3v2.3 TSRC @12"
        );
        assert_eq!(results[0]["relatedLocations"], json!([]));

        let dup = &results[1];
        assert_eq!(dup["ruleId"], "isrc-duplicate");
        assert_eq!(dup["level"], "error");
        assert_eq!(
            dup["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "masters/01%20Intro.wav"
        );
        assert_eq!(
            dup["relatedLocations"],
            json!([{"id": 1, "physicalLocation": {"artifactLocation": {"uri": "masters/a%2C%20b%20100%25.flac"}}}])
        );

        let warning = &results[3];
        assert_eq!(warning["level"], "warning");
        assert_eq!(warning["message"]["text"], fixture::NEWLINE_MESSAGE);
        assert_eq!(warning["properties"]["code"], Value::Null);
    }

    #[test]
    fn fingerprints_are_stable_per_rule_path_and_code() {
        let log = render(false);
        let fp =
            |i: usize| log["runs"][0]["results"][i]["partialFingerprints"][FINGERPRINT_KEY].clone();
        // Same rule and code, different file; different rule, same file.
        assert_ne!(fp(1), fp(2));
        assert_ne!(fp(0), fp(1));
        // Stable: a message change does not move it; the value is fixed.
        let mut f = fixture::findings().remove(1);
        let before = fingerprint(&f);
        f.message = "reworded".into();
        f.severity = Severity::Warning;
        assert_eq!(fingerprint(&f), before);
        assert_eq!(fp(1), before.as_str());
        assert_eq!(before.len(), 16);
        f.code = None;
        assert_ne!(fingerprint(&f), before);
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri(Path::new("a b/c,d%e.wav")), "a%20b/c%2Cd%25e.wav");
        assert_eq!(uri(Path::new("x:y/é.flac")), "x%3Ay/%C3%A9.flac");
        assert_eq!(uri(Path::new("./m/#1?.mp3")), "./m/%231%3F.mp3");
        #[cfg(unix)]
        assert_eq!(
            uri(Path::new("/srv/masters/a b.wav")),
            "file:///srv/masters/a%20b.wav"
        );
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_paths_stay_lossless() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        assert_eq!(
            uri(Path::new(OsStr::from_bytes(b"m/\xff.wav"))),
            "m/%FF.wav"
        );
    }

    #[test]
    fn empty_run_is_a_valid_log() {
        let log = render(true);
        assert_eq!(log["runs"][0]["results"], json!([]));
        assert_eq!(
            log["runs"][0]["tool"]["driver"]["rules"]
                .as_array()
                .map(Vec::len),
            Some(RULES.len())
        );
    }
}
