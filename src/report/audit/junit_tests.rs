//! Tests of the JUnit XML audit report (`junit.rs`).

use super::*;
use crate::audit::{Rule, Severity};
use crate::report::audit::fixture;
use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

fn render(empty: bool) -> String {
    let mut sink = JunitSink::new(Vec::new());
    fixture::drive(&mut sink, empty);
    String::from_utf8(sink.into_inner()).expect("utf-8")
}

/// Every element opened (start or empty), with its attributes, in order.
fn elements(xml: &str) -> Vec<(String, HashMap<String, String>)> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut depth = 0i32;
    let attrs = |e: &BytesStart| {
        e.attributes()
            .map(|a| {
                let a = a.expect("attribute");
                let key = a.key.as_ref().to_string();
                let value = a.normalized_value(XmlVersion::Implicit1_0).expect("value");
                (key, value.into_owned())
            })
            .collect()
    };
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                depth += 1;
                out.push((e.name().as_ref().to_string(), attrs(&e)));
            }
            Event::Empty(e) => {
                out.push((e.name().as_ref().to_string(), attrs(&e)));
            }
            Event::End(_) => depth -= 1,
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "balanced");
    out
}

fn count(els: &[(String, HashMap<String, String>)], name: &str) -> usize {
    els.iter().filter(|(n, _)| n == name).count()
}

#[test]
fn suites_cases_and_failures() {
    let xml = render(false);
    let els = elements(&xml);
    assert_eq!(count(&els, "testsuites"), 1);
    assert_eq!(count(&els, "testsuite"), 3);
    assert_eq!(count(&els, "testcase"), 5);
    assert_eq!(count(&els, "failure"), 4);
    let root = &els[0].1;
    assert_eq!(root["name"], "isrckit audit");
    assert_eq!(root["tests"], "5");
    assert_eq!(root["failures"], "4");

    let suites: Vec<&str> = els
        .iter()
        .filter(|(n, _)| n == "testsuite")
        .map(|(_, a)| a["name"].as_str())
        .collect();
    assert_eq!(suites, [fixture::INTRO, fixture::TRICKY, fixture::CLEAN]);

    // The clean file has one passing case.
    let last = els.last().expect("elements");
    assert_eq!(last.0, "testcase");
    assert_eq!(last.1["name"], "audit");
    assert_eq!(last.1["classname"], fixture::CLEAN);

    // The message attribute keeps its newline; the path its comma and %.
    let failures: Vec<&HashMap<String, String>> = els
        .iter()
        .filter(|(n, _)| n == "failure")
        .map(|(_, a)| a)
        .collect();
    assert_eq!(failures[3]["type"], "barcode-missing");
    assert_eq!(failures[3]["message"], fixture::NEWLINE_MESSAGE);
    assert_eq!(
        failures[0]["message"],
        "ISRC \"US-RC1-76-07839\" is stored with hyphens"
    );
    let cases: Vec<&HashMap<String, String>> = els
        .iter()
        .filter(|(n, _)| n == "testcase")
        .map(|(_, a)| a)
        .collect();
    assert_eq!(cases[2]["name"], "isrc-duplicate");
    assert_eq!(cases[2]["classname"], fixture::TRICKY);
    assert!(xml.contains(&format!(
        "related: masters/01 Intro.wav\nfix: {}</failure>",
        Rule::IsrcDuplicate.info().fix
    )));
}

#[test]
fn several_findings_of_one_rule_share_a_case() {
    let mut findings = fixture::findings();
    let mut second = findings[3].clone();
    second.message = "another".into();
    findings.push(second);
    let mut sink = JunitSink::new(Vec::new());
    sink.finish(&fixture::records(), &findings, &fixture::summary())
        .expect("finish");
    let xml = String::from_utf8(sink.into_inner()).expect("utf-8");
    let els = elements(&xml);
    assert_eq!(count(&els, "testcase"), 5);
    assert_eq!(count(&els, "failure"), 5);
    assert_eq!(els[0].1["failures"], "4");
    let tricky = els
        .iter()
        .find(|(n, a)| n == "testsuite" && a["name"] == fixture::TRICKY);
    assert_eq!(tricky.expect("suite").1["failures"], "2");
}

#[test]
fn forbidden_characters_are_replaced_and_markup_escaped() {
    let f = Finding {
        rule: Rule::IsrcInvalid,
        severity: Severity::Error,
        path: "a<&>'\".wav".into(),
        message: "bad \u{1}\u{1b} code\ttab\r\n]]>".into(),
        related: Vec::new(),
        code: Some("\u{FFFE}".into()),
        location: None,
    };
    let mut sink = JunitSink::new(Vec::new());
    sink.finish(&[], &[f], &Summary::default()).expect("finish");
    let xml = String::from_utf8(sink.into_inner()).expect("utf-8");
    assert!(!xml.contains('\u{1}') && !xml.contains('\u{1b}') && !xml.contains('\u{FFFE}'));
    let els = elements(&xml);
    assert_eq!(els[1].1["name"], "a<&>'\".wav");
    assert_eq!(els[3].1["message"], "bad \\u{1}\\u{1b} code\ttab\r\n]]>");
    assert!(xml.contains("code: \\u{fffe}\n"));
}

#[test]
fn empty_run_has_no_failures() {
    let xml = render(true);
    let els = elements(&xml);
    assert_eq!(els.len(), 1);
    assert_eq!(els[0].1["tests"], "0");
    assert_eq!(els[0].1["failures"], "0");
}

#[test]
fn clean_run_shows_passing_cases() {
    let mut sink = JunitSink::new(Vec::new());
    fixture::drive_clean(&mut sink);
    let xml = String::from_utf8(sink.into_inner()).expect("utf-8");
    let els = elements(&xml);
    assert_eq!(count(&els, "testcase"), 3);
    assert_eq!(count(&els, "failure"), 0);
    assert_eq!(els[0].1["tests"], "3");
    assert_eq!(els[0].1["failures"], "0");
}

#[test]
fn control_and_bidi_characters_xml_allows_are_escaped_too() {
    let mut sink = JunitSink::new(Vec::new());
    let mut f = fixture::hostile();
    f.message.push_str("\u{7f}\u{85}\u{2066}");
    sink.finish(&[], &[f], &Summary::default()).expect("finish");
    let xml = String::from_utf8(sink.into_inner()).expect("utf-8");
    for c in [
        '\u{1b}', '\u{7}', '\u{202e}', '\u{7f}', '\u{85}', '\u{2066}',
    ] {
        assert!(!xml.contains(c), "raw {c:?} in {xml}");
    }
    let els = elements(&xml);
    assert_eq!(els[1].1["name"], "=1+1\\u{1b}[2J\\u{202e}.wav");
    assert_eq!(
        els[3].1["message"],
        format!(
            "barcode \"{}\" is not valid\\u{{1b}}]0;pwn\\u{{7}}\\u{{7f}}\\u{{85}}\\u{{2066}}",
            fixture::FORMULA
        )
    );
    assert!(xml.contains("related: -rf\\u{1b}.wav\n"), "{xml}");
}
