//! Text from strangers' files through every output: tag values and file
//! names holding terminal escape sequences, a bidi override, a spreadsheet
//! formula and a 100 000-character value, and a manifest with the same and
//! a 1 MB field. The files are tagged by mutagen (a real tagging library);
//! everything runs through the real binary.
//!
//! The rules under test (README, "Untrusted text"): human text (tables,
//! stderr) shows control and bidi characters as `\u{..}` and cuts long
//! values with `…[N bytes left out]`; GitHub annotations, CSV and JUnit
//! escape them too (CSV also neutralises formulas with a `'`); JSON and
//! SARIF keep every value exact.

mod common;

use assert_cmd::Command;
use common::{require, run};
use std::path::Path;

/// ESC [31m: a colour change.
const SGR: &str = "\x1b[31m";
/// File A: an ESC sequence, a `,` and a `:` in its name.
const NAME_A: &str = "a\x1b[31m,b:c.mp3";
/// File C: an OSC title-setting sequence (ended by BEL), `,` and `:`.
const NAME_C: &str = "c\x1b]0;t\x07,x:y.mp3";
/// A's ISRC: a colour change, then a code.
const ISRC_A: &str = "\x1b[31mUSRC17607839";
/// A's barcode: a formula a spreadsheet would run.
const FORMULA: &str = "=HYPERLINK(\"http://x\",\"y\")";
/// A's title: a right-to-left override, an Arabic letter mark.
const TITLE_A: &str = "\u{202e}evil\u{61c}";
/// C's title: an OSC sequence setting the terminal's title.
const TITLE_C: &str = "One \x1b]0;title\x07";
/// The length of the long ISRC of `long.mp3`.
const LONG: usize = 100_000;

fn isrckit() -> Command {
    Command::cargo_bin("isrckit").expect("binary")
}

/// A temp folder holding `d/` with four tagged MP3s, or `None` (skipped,
/// or failed under CI) without Python's mutagen.
fn hostile_folder() -> Option<tempfile::TempDir> {
    if !require("/usr/bin/python3", &["-c", "import mutagen"]) {
        return None;
    }
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(dir.path().join("d")).expect("mkdir");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/mp3/no_tags.mp3");
    let spec = serde_json::json!({
        "src": src,
        "files": [
            {"path": format!("d/{NAME_A}"),
             "tags": {"TSRC": ISRC_A, "TXXX:BARCODE": FORMULA, "TIT2": TITLE_A}},
            {"path": format!("d/{NAME_C}"),
             "tags": {"TSRC": "USRC17607839", "TIT2": TITLE_C}},
            {"path": "d/d.mp3",
             "tags": {"TSRC": "USRC17607839", "TIT2": "Two\u{202e}"}},
            {"path": "d/long.mp3",
             "tags": {"TSRC": "Q".repeat(LONG)}},
        ]
    });
    let script = r#"
import json, shutil, sys
from mutagen.id3 import ID3, TSRC, TIT2, TXXX
spec = json.loads(sys.stdin.read())
for f in spec["files"]:
    shutil.copyfile(spec["src"], f["path"])
    tag = ID3()
    for key, value in f["tags"].items():
        if key == "TSRC":
            tag.add(TSRC(encoding=3, text=[value]))
        elif key == "TIT2":
            tag.add(TIT2(encoding=3, text=[value]))
        else:
            tag.add(TXXX(encoding=3, desc=key.split(":", 1)[1], text=[value]))
    tag.save(f["path"], v2_version=4)
"#;
    let mut child = std::process::Command::new("/usr/bin/python3")
        .args(["-c", script])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    std::io::Write::write_all(
        &mut child.stdin.take().expect("stdin"),
        spec.to_string().as_bytes(),
    )
    .expect("spec");
    assert!(child.wait().expect("wait").success(), "mutagen failed");
    Some(dir)
}

/// Run isrckit in `dir`; (stdout, stderr, exit code).
fn out(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let o = isrckit()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("isrckit");
    (
        String::from_utf8(o.stdout).expect("stdout is UTF-8"),
        String::from_utf8(o.stderr).expect("stderr is UTF-8"),
        o.status.code().expect("exit code"),
    )
}

/// What must never reach a terminal or a log raw: control characters
/// (but the LF ending lines) and bidi controls.
fn hostile(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn assert_clean(what: &str, text: &str) {
    if let Some((i, c)) = text.char_indices().find(|&(_, c)| hostile(c)) {
        let from = text[..i].char_indices().rev().nth(40).map_or(0, |(j, _)| j);
        panic!(
            "{what}: raw {:?} at byte {i}, after {:?}",
            c,
            &text[from..i]
        );
    }
}

/// `s` as the human formats show it: `\u{..}` for each control or bidi character.
fn shown(s: &str) -> String {
    s.chars()
        .map(|c| {
            if hostile(c) || c == '\n' {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[test]
fn inspect_table_escapes_and_cuts_long_values() {
    let Some(dir) = hostile_folder() else { return };
    let (stdout, stderr, _) = out(dir.path(), &["inspect", "--color", "never", "d"]);
    assert_clean("inspect stdout", &stdout);
    assert_clean("inspect stderr", &stderr);
    assert!(
        stdout.contains(&format!("d/{}  [", shown(NAME_A))),
        "{stdout}"
    );
    assert!(stdout.contains("\"\\u{202e}evil\\u{61c}\""), "{stdout}");
    assert!(stdout.contains("\"\\u{1b}[31mUSRC17607839\""), "{stdout}");
    assert!(
        stdout.contains(&format!("\"{}\"", shown(TITLE_C))),
        "{stdout}"
    );
    // The long ISRC: its first 200 characters and what was left out.
    let cut = format!("\"{}…[{} bytes left out]\"", "Q".repeat(200), LONG - 200);
    assert!(stdout.contains(&cut), "{stdout:.2000}");
    assert!(stdout.len() < 8_000, "{} bytes", stdout.len());
}

#[test]
fn audit_table_escapes_and_cuts_long_messages() {
    let Some(dir) = hostile_folder() else { return };
    let (stdout, stderr, code) = out(
        dir.path(),
        &["audit", "--no-progress", "--color", "never", "d"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_clean("audit table stdout", &stdout);
    assert_clean("audit table stderr", &stderr);
    assert!(
        stdout.contains(&format!("\nd/{}\n", shown(NAME_C))),
        "{stdout}"
    );
    assert!(
        stdout.contains("ISRC \"\\u{1b}[31mUSRC17607839\" at "),
        "{stdout}"
    );
    // The long ISRC's message keeps its start and its end (what is wrong).
    let line = stdout
        .lines()
        .find(|l| l.contains("QQQ"))
        .expect("the long ISRC's finding");
    assert!(line.contains("bytes left out]"), "{line}");
    assert!(
        line.contains(&format!("is not valid: has {LONG} characters")),
        "{line}"
    );
    assert!(line.len() < 1_200, "{} bytes", line.len());
}

/// `%XX` of a workflow command back to text.
fn unescape(s: &str) -> String {
    s.replace("%2C", ",")
        .replace("%3A", ":")
        .replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%25", "%")
}

#[test]
fn github_annotations_are_one_escaped_line_each() {
    let Some(dir) = hostile_folder() else { return };
    let (json, _, _) = out(
        dir.path(),
        &["audit", "--no-progress", "--format", "json", "d"],
    );
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    let findings = json["findings"].as_array().expect("findings");
    let (stdout, stderr, _) = out(
        dir.path(),
        &["audit", "--no-progress", "--format", "github", "d"],
    );
    assert_clean("github stdout", &stdout);
    assert_clean("github stderr", &stderr);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), findings.len(), "{stdout}");
    for (line, f) in lines.iter().zip(findings) {
        let (command, rest) = line
            .strip_prefix("::")
            .and_then(|l| l.split_once(' '))
            .unwrap_or_else(|| panic!("not a command: {line}"));
        assert!(["error", "warning", "notice"].contains(&command), "{line}");
        let (props, message) = rest.split_once("::").expect("::MESSAGE");
        let props: Vec<(&str, &str)> = props
            .split(',')
            .map(|p| p.split_once('=').expect("KEY=VALUE"))
            .collect();
        assert_eq!(props.len(), 2, "{line}");
        for (_, v) in &props {
            assert!(!v.contains(':') && !v.contains(','), "{line}");
        }
        assert_eq!(props[0].0, "file");
        let path = f["path"].as_str().expect("path");
        assert_eq!(unescape(props[0].1), shown(path), "{line}");
        assert_eq!(
            unescape(props[1].1),
            format!("isrckit {}", f["rule"].as_str().expect("rule"))
        );
        let text = f["message"].as_str().expect("message");
        assert_eq!(unescape(message), shown(text), "{line}");
    }
    assert!(
        stdout.contains(
            "::error file=d/a\\u{1b}[31m%2Cb%3Ac.mp3,title=isrckit isrc-invalid::\
             ISRC \"\\u{1b}[31mUSRC17607839\" at "
        ),
        "{stdout}"
    );
}

/// RFC 4180 rows (quoted fields may hold `,`, `""` and line breaks).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    assert!(
        !quoted && cell.is_empty() && row.is_empty(),
        "unterminated: {text}"
    );
    rows
}

fn assert_no_formula(rows: &[Vec<String>]) {
    for cell in rows.iter().flatten() {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "a spreadsheet runs {cell:?}"
        );
    }
}

#[test]
fn audit_csv_neutralises_formulas_and_escapes_controls() {
    let Some(dir) = hostile_folder() else { return };
    let (stdout, _, _) = out(
        dir.path(),
        &["audit", "--no-progress", "--format", "csv", "d"],
    );
    assert_clean("audit csv", &stdout);
    let rows = csv_rows(&stdout);
    assert_eq!(
        rows[0].join(","),
        "rule,severity,path,message,code,location,related"
    );
    assert!(rows.iter().all(|r| r.len() == 7), "{rows:?}");
    assert_no_formula(&rows);
    let barcode = rows
        .iter()
        .find(|r| r[0] == "barcode-invalid")
        .expect("barcode-invalid row");
    assert_eq!(barcode[2], shown(&format!("d/{NAME_A}")));
    assert_eq!(barcode[4], format!("'{FORMULA}"));
    let isrc = rows
        .iter()
        .find(|r| r[0] == "isrc-invalid" && r[4].contains("USRC"))
        .expect("isrc-invalid row");
    assert_eq!(isrc[4], shown(ISRC_A));
    let duplicate = rows
        .iter()
        .find(|r| r[0] == "isrc-duplicate" && r[2] == "d/d.mp3")
        .expect("isrc-duplicate row");
    assert_eq!(duplicate[6], shown(&format!("d/{NAME_C}")));
    // Codes are not touched: a valid ISRC stays as it is.
    assert!(rows.iter().any(|r| r[4] == "USRC17607839"));
}

#[test]
fn junit_is_well_formed_xml_without_raw_controls() {
    use quick_xml::events::Event;
    let Some(dir) = hostile_folder() else { return };
    let (stdout, _, _) = out(
        dir.path(),
        &["audit", "--no-progress", "--format", "junit", "d"],
    );
    assert_clean("junit", &stdout);
    let mut reader = quick_xml::Reader::from_str(&stdout);
    let (mut suites, mut messages) = (Vec::new(), Vec::new());
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e) | Event::Empty(e)) => {
                for a in e.attributes() {
                    let a = a.expect("attribute");
                    let v = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .expect("value")
                        .into_owned();
                    match (e.name().as_ref(), a.key.as_ref()) {
                        ("testsuite", "name") => suites.push(v),
                        ("failure", "message") => messages.push(v),
                        _ => {}
                    }
                }
            }
            Ok(_) => {}
            Err(e) => panic!("not XML at {}: {e}", reader.buffer_position()),
        }
    }
    assert!(
        suites.contains(&shown(&format!("d/{NAME_A}"))),
        "{suites:?}"
    );
    assert!(
        suites.contains(&shown(&format!("d/{NAME_C}"))),
        "{suites:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("\"Two\\u{202e}\"")),
        "{messages:?}"
    );
}

#[test]
fn json_and_sarif_keep_every_value_exact() {
    let Some(dir) = hostile_folder() else { return };
    let (json, _, _) = out(
        dir.path(),
        &["audit", "--no-progress", "--format", "json", "d"],
    );
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    let files = json["files"].as_array().expect("files");
    let a = files
        .iter()
        .find(|f| f["path"] == format!("d/{NAME_A}"))
        .expect("file A by its exact name");
    assert_eq!(a["title"], TITLE_A);
    assert_eq!(a["codes"][0]["raw"], ISRC_A);
    assert_eq!(a["codes"][1]["raw"], FORMULA);
    let c = files
        .iter()
        .find(|f| f["path"] == format!("d/{NAME_C}"))
        .expect("file C by its exact name");
    assert_eq!(c["title"], TITLE_C);
    let long = files
        .iter()
        .find(|f| f["path"] == "d/long.mp3")
        .expect("long.mp3");
    assert_eq!(long["codes"][0]["raw"], "Q".repeat(LONG));
    let findings = json["findings"].as_array().expect("findings");
    assert!(findings.iter().any(|f| f["code"] == ISRC_A));
    assert!(findings.iter().any(|f| f["code"] == FORMULA));

    let (sarif, _, _) = out(
        dir.path(),
        &["audit", "--no-progress", "--format", "sarif", "d"],
    );
    let sarif: serde_json::Value = serde_json::from_str(&sarif).expect("sarif");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let invalid = results
        .iter()
        .find(|r| r["properties"]["code"] == ISRC_A)
        .expect("the ISRC with ESC, exact");
    let text = invalid["message"]["text"].as_str().expect("text");
    assert!(
        text.starts_with(&format!("ISRC \"{SGR}USRC17607839\" at ")),
        "{text}"
    );
    assert!(
        results.iter().any(|r| r["message"]["text"]
            .as_str()
            .is_some_and(|t| t.contains(TITLE_C))),
        "C's title, exact"
    );
}

#[test]
fn set_output_escapes_neutralises_and_cuts() {
    let Some(dir) = hostile_folder() else { return };
    let a = format!("d/{NAME_A}");
    let (stdout, stderr, code) = out(
        dir.path(),
        &[
            "set",
            "--barcode",
            "075678164125",
            "--dry-run",
            "--format",
            "csv",
            &a,
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_clean("set csv", &stdout);
    let rows = csv_rows(&stdout);
    assert_eq!(rows[0].join(","), "path,status,kind,location,old,new,error");
    assert_no_formula(&rows);
    assert_eq!(rows[1][0], shown(&a));
    assert_eq!(rows[1][4], format!("'{FORMULA}"));
    assert_eq!(rows[1][5], "075678164125");

    let (stdout, stderr, code) = out(
        dir.path(),
        &[
            "set",
            "--isrc",
            "USRC17607839",
            "--dry-run",
            "--color",
            "never",
            "d/long.mp3",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_clean("set table", &stdout);
    let cut = format!(
        "\"{}…[{} bytes left out]\" → USRC17607839",
        "Q".repeat(200),
        LONG - 200
    );
    assert!(stdout.contains(&cut), "{stdout:.2000}");
    assert!(stdout.len() < 4_000, "{} bytes", stdout.len());
}

#[test]
fn manifest_errors_escape_and_cut_what_they_quote() {
    let Some(dir) = hostile_folder() else { return };
    let big = "X".repeat(1 << 20);
    let csv = format!(
        "path,isrc\n\"a{SGR}.mp3\",USRC17607839\nd/d.mp3,{big}\n\"d/d\u{202e}.mp3\",\x1b]0;t\x07\n{big},USRC17607840\n"
    );
    let json = serde_json::json!([
        {"path": format!("a{SGR}.mp3"), "isrc": "USRC17607839"},
        {"path": "d/d.mp3", "isrc": big},
        {"title": TITLE_A, "isrc": "USRC17607840"},
        {"\x1b[2Jkey": "x", "path": "d/d.mp3", "isrc": "USRC17607841"},
    ])
    .to_string();
    // A CSV row's line is its line in the file; a JSON entry's, its index.
    for (name, text, first) in [("m.csv", csv, 2), ("m.json", json, 1)] {
        std::fs::write(dir.path().join(name), text).expect("manifest");
        let (stdout, stderr, code) = out(dir.path(), &["embed", "--manifest", name, "--dry-run"]);
        assert_eq!(code, 2, "{name}: {stderr:.2000}");
        assert_eq!(stdout, "");
        assert_clean(name, &stderr);
        assert!(
            stderr.len() < 4_000,
            "{name}: {} bytes of stderr",
            stderr.len()
        );
        let cut = format!(
            "line {}: ISRC \"{}…[{} bytes left out]\" has {} characters",
            first + 1,
            "X".repeat(200),
            (1 << 20) - 200,
            1 << 20
        );
        assert!(stderr.contains(&cut), "{name}: {stderr}");
        let missing =
            format!("line {first}: file \"a\\u{{1b}}[31m.mp3\" does not exist under ROOT");
        assert!(stderr.contains(&missing), "{name}: {stderr}");
    }
}

/// The files are what the tests say they are (mutagen wrote the tags).
#[test]
fn the_hostile_folder_holds_the_hostile_text() {
    let Some(dir) = hostile_folder() else { return };
    let a = isrckit::read_file(dir.path().join("d").join(NAME_A));
    assert_eq!(a.title.as_deref(), Some(TITLE_A));
    let raws: Vec<&str> = a.codes.iter().map(|c| c.raw.as_str()).collect();
    assert_eq!(raws, [ISRC_A, FORMULA]);
    let listing = run(std::process::Command::new("ls").arg(dir.path().join("d")));
    assert!(listing.contains('\x1b'), "{listing}");
}

/// Paths given on the command line are echoed escaped in error messages
/// (a CI script may pass names it found in a stranger's folder).
#[test]
fn error_messages_escape_the_paths_they_echo() {
    let dir = tempfile::tempdir().expect("tmp");
    for (args, shown) in [
        (
            vec!["audit", "--no-progress", "nope\x1b[31m"],
            "isrckit: nope\\u{1b}[31m: no such file or folder\n",
        ),
        (
            vec!["embed", "--manifest", "m\x1b]0;t\x07.csv"],
            "isrckit: m\\u{1b}]0;t\\u{7}.csv: No such file or directory (os error 2)\n",
        ),
        (
            vec!["set", "--isrc", "USRC17607839", "a\u{202e}.wav"],
            "isrckit: a\\u{202e}.wav: No such file or directory (os error 2)\n",
        ),
    ] {
        let (stdout, stderr, code) = out(dir.path(), &args);
        assert_eq!(
            (stdout.as_str(), stderr.as_str(), code),
            ("", shown, 2),
            "{args:?}"
        );
    }
}
