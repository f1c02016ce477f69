use super::files::show;
use super::rows::parse_track;
use super::*;
use crate::codes::{Gtin, Isrc};
use crate::model::FileStatus;
use std::fmt;
use std::fs;
use std::path::Path;

fn isrc(s: &str) -> Isrc {
    Isrc::parse(s).unwrap()
}

fn gtin(s: &str) -> Gtin {
    Gtin::parse(s).unwrap()
}

/// The errors of a failed result, as (line, message).
fn errors_of<T: fmt::Debug>(r: Result<T, ManifestErrors>) -> Vec<(usize, String)> {
    r.expect_err("expected errors")
        .errors
        .into_iter()
        .map(|e| (e.line, e.message))
        .collect()
}

fn lines(errors: &[(usize, String)]) -> Vec<usize> {
    errors.iter().map(|e| e.0).collect()
}

/// The one error on `line`, which must contain every part.
fn assert_error(errors: &[(usize, String)], line: usize, parts: &[&str]) {
    let on_line: Vec<&String> = errors
        .iter()
        .filter(|e| e.0 == line)
        .map(|e| &e.1)
        .collect();
    assert_eq!(on_line.len(), 1, "one error on line {line}: {errors:#?}");
    for part in parts {
        assert!(
            on_line[0].contains(part),
            "line {line}: {:?} should contain {part:?}",
            on_line[0]
        );
    }
}

// -- parsing ------------------------------------------------------------

#[test]
fn csv_with_bom_semicolons_crlf_and_quotes() {
    let text = "\u{feff}Path ; ISRC;Barcode;Title\r\n\
                \"Album; Deluxe/01 Intro.wav\";USRC17607839;5012345678900;\"Say \"\"Hi\"\"\"\r\n\
                \r\n\
                \x20\"Album, Live/02.wav\" ;GBAYE2400301;;Two, three\r\n\
                Album/03.wav;QMDA72400311;;\"Line one\r\nline two\"\r\n\
                ;;;\r\n\
                Album/04.wav;JPPO02400406;;12\" Mix\r\n";
    let m = parse(text).unwrap();
    let got: Vec<(usize, Option<&str>, String, Option<&str>)> = m
        .rows
        .iter()
        .map(|r| {
            (
                r.line,
                r.path.as_deref(),
                r.isrc.unwrap().to_string(),
                r.title.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                2,
                Some("Album; Deluxe/01 Intro.wav"),
                "USRC17607839".into(),
                Some("Say \"Hi\"")
            ),
            (
                4,
                Some("Album, Live/02.wav"),
                "GBAYE2400301".into(),
                Some("Two, three")
            ),
            (
                5,
                Some("Album/03.wav"),
                "QMDA72400311".into(),
                Some("Line one\nline two")
            ),
            (
                8,
                Some("Album/04.wav"),
                "JPPO02400406".into(),
                Some("12\" Mix")
            ),
        ]
    );
    assert_eq!(m.rows[0].barcode, Some(gtin("5012345678900")));
    assert_eq!(m.rows[1].barcode, None);
}

#[test]
fn csv_with_commas_lf_cr_and_sep_hint() {
    let lf = "path,isrc,title\nA/01.wav,USRC17607839,\"One; two, three\"\n";
    let m = parse(lf).unwrap();
    assert_eq!(m.rows[0].title.as_deref(), Some("One; two, three"));

    // Classic Mac line ends (CR only).
    let cr = "path,isrc\rA/01.wav,USRC17607839\rA/02.wav,GBAYE2400301\r";
    let m = parse(cr).unwrap();
    assert_eq!(
        m.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        vec![2, 3]
    );

    // Excel's separator hint line; the header then has no separator.
    let hinted = "sep=;\npath\n\"a,b.wav\"\n";
    let e = errors_of(parse(hinted));
    assert_error(&e, 2, &["neither an isrc nor a barcode column"]);
    let hinted = "sep=;\npath;isrc\na,b.wav;USRC17607839\n";
    let m = parse(hinted).unwrap();
    assert_eq!(m.rows[0].path.as_deref(), Some("a,b.wav"));
    assert_eq!(m.rows[0].line, 3);
}

#[test]
fn display_form_codes_are_normalised() {
    let text = "path,isrc,barcode\n\
                a.wav,US-RC1-76-07839,5 012345 678900\n\
                b.wav,isrc usrc17607839,0-75678-16412-5\n\
                c.wav,ISRC GB-AYE-24-00301,\n\
                d.wav,,4006381333931\n";
    let m = parse(text).unwrap();
    let codes: Vec<(Option<Isrc>, Option<Gtin>)> =
        m.rows.iter().map(|r| (r.isrc, r.barcode)).collect();
    assert_eq!(
        codes,
        vec![
            (Some(isrc("USRC17607839")), Some(gtin("5012345678900"))),
            (Some(isrc("USRC17607839")), Some(gtin("075678164125"))),
            (Some(isrc("GBAYE2400301")), None),
            (None, Some(gtin("4006381333931"))),
        ]
    );
    assert_eq!(m.rows[0].isrc.unwrap().to_string(), "USRC17607839");
    // The barcode keeps the form given (UPC-A, 12 digits).
    assert_eq!(m.rows[1].barcode.unwrap().as_given(), "075678164125");
}

#[test]
fn unknown_columns_are_reported_once_on_the_header() {
    let text = "path,ISRC,Barcodes,Notes\n\
                a.wav,USRC17607839,5012345678900,first\n\
                b.wav,GBAYE2400301,5012345678900,second\n";
    let e = errors_of(parse(text));
    assert_eq!(
        e,
        vec![(
            1,
            "unknown columns \"Barcodes\" (did you mean \"barcode\"?), \"Notes\"; the known columns are \
             path, isrc, barcode, track, release, title: rename them or remove them"
                .to_string()
        )]
    );
    let e = errors_of(parse("path,isrc,Track (Position)\na.wav,USRC17607839,1\n"));
    assert_eq!(
        e,
        vec![(
            1,
            "unknown column \"Track (Position)\" (did you mean \"track\"?); the known columns are \
             path, isrc, barcode, track, release, title: rename it or remove it"
                .to_string()
        )]
    );
}

#[test]
fn column_aliases() {
    let m = parse(
        "File Name;ISRC Code;UPC/EAN;Track #;Album;Song Title\n\
         a.wav;US-RC1-76-07839;5012345678900;3;rel;Intro\n",
    )
    .unwrap();
    let r = &m.rows[0];
    assert_eq!(r.path.as_deref(), Some("a.wav"));
    assert_eq!(r.isrc, Some(isrc("USRC17607839")));
    assert_eq!(r.barcode, Some(gtin("5012345678900")));
    assert_eq!(r.track, Some(3));
    assert_eq!(r.release.as_deref(), Some("rel"));
    assert_eq!(r.title.as_deref(), Some("Intro"));
    for (header, col) in [
        ("isrc_code", "isrc"),
        ("  ISRC-code ", "isrc"),
        ("EAN", "barcode"),
        ("gtin", "barcode"),
        ("Barcode", "barcode"),
        ("Track No.", "track"),
        ("track_number", "track"),
        ("No.", "track"),
        ("#", "track"),
        ("Filename", "path"),
        ("FILE", "path"),
        ("Release Folder", "release"),
        ("Folder", "release"),
        ("Track Title", "title"),
        ("TITLE", "title"),
    ] {
        assert_eq!(
            columns::Col::from_name(header).map(columns::Col::name),
            Some(col),
            "{header}"
        );
    }
    for other in ["Artist", "Notes", "Release Date", "Song", "Name", ""] {
        assert_eq!(columns::Col::from_name(other), None, "{other}");
    }
    // Two names of one column.
    let e = errors_of(parse(
        "isrc,UPC,EAN,path\nUSRC17607839,5012345678900,5012345678900,a.wav\n",
    ));
    assert_eq!(
        e,
        vec![(
            1,
            "\"UPC\" (column 2) and \"EAN\" (column 3) both name the barcode column; keep one"
                .to_string()
        )]
    );
    let e = errors_of(parse(
        r#"[{"path": "a.wav", "File": "b.wav", "isrc": "USRC17607839"}]"#,
    ));
    assert_eq!(
        e,
        vec![(
            1,
            "has the keys \"File\" and \"path\", which both name the path column; keep one"
                .to_string()
        )]
    );
}

#[test]
fn tab_separated_text() {
    let m = parse("path\tisrc\r\n\"a, b.wav\"\tUSRC17607839\r\nc;d.wav\tGBAYE2400301\r\n").unwrap();
    let paths: Vec<_> = m.rows.iter().map(|r| r.path.as_deref().unwrap()).collect();
    assert_eq!(paths, ["a, b.wav", "c;d.wav"]);
    // A row with more values than the header names.
    let e = errors_of(parse("path\tisrc\na.wav\tUSRC17607839\tx\n"));
    assert_eq!(
        e,
        vec![(
            2,
            "has 3 values but the header names 2 columns; a value containing a TAB must be in double quotes"
                .to_string()
        )]
    );
}

#[test]
fn decoding_bytes() {
    let ok = |b: &[u8]| decode(b).unwrap();
    assert_eq!(
        ok(b"path,isrc\n"),
        encoding::Decoded {
            text: "path,isrc\n".into(),
            note: None
        }
    );
    assert_eq!(ok(b"\xef\xbb\xbfa\xc3\xa9").text, "a\u{e9}");
    let mut le = vec![0xff, 0xfe];
    let mut be = vec![0xfe, 0xff];
    for u in "a\u{e9}\u{1f3b5}\r\n".encode_utf16() {
        le.extend(u.to_le_bytes());
        be.extend(u.to_be_bytes());
    }
    assert_eq!(ok(&le).text, "a\u{e9}\u{1f3b5}\r\n");
    assert_eq!(ok(&be).text, "a\u{e9}\u{1f3b5}\r\n");
    let d = ok(b"path\r\n\x80 Caf\xe9 \x9f.wav\r\n");
    assert_eq!(d.text, "path\r\n\u{20ac} Caf\u{e9} \u{178}.wav\r\n");
    assert!(
        d.note.as_deref().unwrap().starts_with(
            "the manifest is not UTF-8 (line 2 has the byte 0x80); it was read as Windows-1252 (Latin-1)"
        ),
        "{d:?}"
    );
    let bad = |b: &[u8]| decode(b).unwrap_err();
    let e = bad(b"path\nCaf\xe9\r\nx\x81\n");
    assert_eq!(e.line, 3);
    assert!(
        e.message.starts_with(
            "the manifest is not UTF-8, nor Windows-1252 (Latin-1) (it has the byte 0x81)"
        ),
        "{e:?}"
    );
    let e = bad(b"\xef\xbb\xbfpath\n\xe9\n");
    assert_eq!(e.line, 2);
    assert!(e.message.contains("UTF-8 byte order mark"), "{e:?}");
    let e = bad(b"p\0a\0t\0h\0");
    assert!(e.message.contains("NUL bytes"), "{e:?}");
    let e = bad(&le[..le.len() - 1]);
    assert!(
        e.message.contains("UTF-16 LE") && e.message.contains("cut short"),
        "{e:?}"
    );
    let e = bad(&[0xff, 0xfe, b'a', 0, b'\n', 0, 0x00, 0xdc]);
    assert_eq!(e.line, 2);
    assert!(e.message.contains("lone surrogate"), "{e:?}");
}

#[test]
fn every_bad_row_is_reported_with_its_line() {
    let text = "path;isrc;barcode;track;release\n\
                a.wav;US-RC1-76-0783;;;\n\
                \n\
                b.wav;USRC17607839;075678164124;;\n\
                ;;;;\n\
                ;USRC17607839;;3;\n\
                c.wav;;;;\n\
                ;GBAYE2400301;;x;Album\n\
                d;e.wav;USRC17607839;;;extra\n\
                /abs/f.wav;USRC17607839;;;\n\
                ../g.wav;USRC17607839\n\
                Album/h.wav;XX0000000000;0000000000000;;\n\
                \"open;USRC17607839\n\
                more;GBAYE2400301\n";
    let result = parse(text);
    let shown = result.as_ref().unwrap_err().to_string();
    let e = errors_of(result);
    assert_eq!(
        lines(&e),
        vec![2, 4, 6, 7, 8, 9, 10, 11, 12, 12, 13],
        "{e:#?}"
    );
    assert_eq!(
        e[0].1,
        "ISRC \"US-RC1-76-0783\" has 11 characters; an ISRC has 12 (2-letter country, \
         3-character registrant, 2-digit year, 5-digit number, e.g. USRC17607839); \
         fix the row or remove it"
    );
    assert_error(
        &e,
        4,
        &["barcode \"075678164124\" check digit is 4 but the other digits give 5"],
    );
    assert_error(&e, 6, &["gives track 3 but no release"]);
    assert_error(&e, 7, &["has neither an ISRC nor a barcode"]);
    assert_error(&e, 8, &["track \"x\" is not a track number"]);
    assert_error(
        &e,
        9,
        &[
            "has 6 values but the header names 5 columns",
            "double quotes",
        ],
    );
    assert_error(&e, 10, &["path \"/abs/f.wav\" is absolute"]);
    assert_error(&e, 11, &["path \"../g.wav\" leads out of ROOT"]);
    assert!(e[8].1.starts_with("ISRC \"XX0000000000\" is a placeholder"));
    assert!(e[9].1.starts_with("barcode \"0000000000000\" is all zeros"));
    assert_error(&e, 13, &["never closes it"]);
    // Display: one line per error, in line order.
    let first_lines: Vec<&str> = shown
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        first_lines,
        vec![
            "line 2", "line 4", "line 6", "line 7", "line 8", "line 9", "line 10", "line 11",
            "line 12", "line 12", "line 13"
        ]
    );
    assert!(shown.starts_with("line 2: ISRC \"US-RC1-76-0783\" has 11 characters"));
}

#[test]
fn header_problems() {
    let e = errors_of(parse("a.wav,USRC17607839\nb.wav,GBAYE2400301\n"));
    assert_error(
        &e,
        1,
        &["the first line must be a header naming the columns"],
    );
    assert_eq!(e.len(), 1);

    let e = errors_of(parse("title,release\nIntro,Album\n"));
    assert_error(&e, 1, &["neither an isrc nor a barcode column"]);
    assert_eq!(e.len(), 1, "rows are not blamed again: {e:#?}");

    let e = errors_of(parse("isrc,track\nUSRC17607839,1\n"));
    assert_error(&e, 1, &["no way to find the files"]);
    assert_eq!(e.len(), 1);

    let e = errors_of(parse("path,isrc,isrc\na.wav,USRC17607839,\n"));
    assert_error(
        &e,
        1,
        &["column \"isrc\" appears twice in the header (columns 2 and 3)"],
    );

    let e = errors_of(parse("path,isrc\n"));
    assert_error(&e, 1, &["a header but no rows"]);

    let e = errors_of(parse("\u{feff}\r\n  \r\n"));
    assert_error(&e, 1, &["the manifest is empty"]);

    // Empty header cells (Excel's trailing separators) are fine while
    // the rows leave them empty.
    let m = parse("path;isrc;;\na.wav;USRC17607839;;\n").unwrap();
    assert_eq!(m.rows.len(), 1);
    let e = errors_of(parse("path;isrc;\na.wav;USRC17607839;oops\n"));
    assert_error(&e, 2, &["\"oops\", in column 3, which has no name"]);
}

#[test]
fn json_array_and_tracks_object() {
    let array = r#"[
        {"path": "A/01.wav", "isrc": "US-RC1-76-07839", "barcode": "5012345678900"},
        {"Release": "A", "Track": 2, "ISRC": "GBAYE2400301", "barcode": null},
        {"title": "Intro", "barcode": "0-75678-16412-5"}
    ]"#;
    let m = parse(array).unwrap();
    assert_eq!(
        m.rows,
        vec![
            Row {
                line: 1,
                path: Some("A/01.wav".into()),
                isrc: Some(isrc("USRC17607839")),
                barcode: Some(gtin("5012345678900")),
                ..Row::default()
            },
            Row {
                line: 2,
                release: Some("A".into()),
                track: Some(2),
                isrc: Some(isrc("GBAYE2400301")),
                ..Row::default()
            },
            Row {
                line: 3,
                title: Some("Intro".into()),
                barcode: Some(gtin("075678164125")),
                ..Row::default()
            },
        ]
    );
    let object = format!("\u{feff}  {{\"tracks\": {array}}}");
    assert_eq!(parse(&object).unwrap(), m);
}

#[test]
fn json_errors_name_the_entry() {
    let text = r#"{"tracks": [
        {"path": "a.wav", "isrc": "USRC17607839", "upcs": "5012345678900"},
        {"path": "b.wav", "isrc": "USRC1760783"},
        "c.wav",
        {"path": "d.wav", "isrc": ["USRC17607839"]},
        {"path": "e.wav", "upcs": "5012345678900"}
    ]}"#;
    let e = errors_of(parse(text));
    assert_eq!(lines(&e), vec![1, 2, 3, 4, 5], "{e:#?}");
    assert_error(
        &e,
        1,
        &[
            "unknown key \"upcs\" (did you mean \"barcode\"?)",
            "path, isrc, barcode",
        ],
    );
    assert_error(&e, 2, &["ISRC \"USRC1760783\" has 11 characters"]);
    assert_error(&e, 3, &["is not an object"]);
    assert_error(
        &e,
        4,
        &["\"isrc\" is an array; it must be text or a number"],
    );
    // The unknown key is reported once; entry 5 then has no code.
    assert_error(&e, 5, &["has neither an ISRC nor a barcode"]);

    let e = errors_of(parse("[{\"path\": \"a.wav\",}]"));
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].0, 0);
    assert!(e[0].1.starts_with("the manifest is not valid JSON"));
    let shown = parse("{\"files\": []}").unwrap_err().to_string();
    assert!(shown.starts_with("the JSON object has a key \"files\" that is not read"));
}

#[test]
fn track_values_and_file_names() {
    assert_eq!(parse_track("3"), Some(3));
    assert_eq!(parse_track("03"), Some(3));
    assert_eq!(parse_track("3/12"), Some(3));
    assert_eq!(parse_track("3/"), None);
    assert_eq!(parse_track("A3"), None);
    assert_eq!(parse_track("-3"), None);
    assert_eq!(track_number("01 Intro.wav"), Some(1));
    assert_eq!(track_number("1-01 Intro.flac"), Some(1));
    assert_eq!(track_number("2-14 Outro.flac"), Some(14));
    assert_eq!(track_number("07-Outro.mp3"), Some(7));
    assert_eq!(track_number("12. Song.mp3"), Some(12));
    assert_eq!(track_number("Intro.wav"), None);
    assert_eq!(track_number("A1 Side.wav"), None);
}

// -- resolution ---------------------------------------------------------

/// A RIFF WAVE file: 8 kHz mono 8-bit PCM of `ms` milliseconds, with a
/// LIST/INFO title when given.
fn wav(title: Option<&str>, ms: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, id: &[u8; 4], body: &[u8]) {
        out.extend_from_slice(id);
        out.extend_from_slice(&u32::try_from(body.len()).unwrap().to_le_bytes());
        out.extend_from_slice(body);
        if body.len() % 2 == 1 {
            out.push(0);
        }
    }
    let mut fmt = Vec::new();
    fmt.extend_from_slice(&1u16.to_le_bytes()); // PCM
    fmt.extend_from_slice(&1u16.to_le_bytes()); // mono
    fmt.extend_from_slice(&8000u32.to_le_bytes()); // sample rate
    fmt.extend_from_slice(&8000u32.to_le_bytes()); // byte rate
    fmt.extend_from_slice(&1u16.to_le_bytes()); // block align
    fmt.extend_from_slice(&8u16.to_le_bytes()); // bits
    let mut body = b"WAVE".to_vec();
    chunk(&mut body, b"fmt ", &fmt);
    if let Some(t) = title {
        let mut info = b"INFO".to_vec();
        let mut text = t.as_bytes().to_vec();
        text.push(0);
        chunk(&mut info, b"INAM", &text);
        chunk(&mut body, b"LIST", &info);
    }
    chunk(&mut body, b"data", &vec![0x80; (8 * ms) as usize]);
    let mut out = Vec::new();
    chunk(&mut out, b"RIFF", &body);
    out
}

/// A ROOT with small real files:
///
/// - `rel/01 A.mp3` (0.432 s), `rel/02 B.wav` (0.25 s),
///   `rel/1-03 C.flac` (0.25 s), `rel/notes.txt`; no titles
/// - `other/Tagged.mp3`: title "isrckit test"
/// - `masters/WAV/01.wav`, `masters/FLAC/01.flac`: one recording, two
///   formats (0.25 s, no titles)
/// - `titled/01 Intro.wav` ("Intro"), `titled/02 Outro.wav`
///   ("Outro  Theme"), `dupes/Intro.wav` ("INTRO")
/// - `long/01 Long.wav`: 2.5 s, no title
/// - `damaged/01 Cut.wav`: a WAV whose header claims more than it has
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let put = |to: &str, bytes: &[u8]| {
        let dst = dir.path().join(to);
        fs::create_dir_all(dst.parent().unwrap()).unwrap();
        fs::write(dst, bytes).unwrap();
    };
    let testdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let copy = |from: &str, to: &str| put(to, &fs::read(testdata.join(from)).unwrap());
    copy("mp3/kid3_v23.mp3", "rel/01 A.mp3");
    copy("wav/mutagen_id3v23_utf16.wav", "rel/02 B.wav");
    copy("flac/metaflac_isrc_barcode.flac", "rel/1-03 C.flac");
    put("rel/notes.txt", b"hello, label\n");
    copy("mp3/id3v2_tool_v23_with_v1.mp3", "other/Tagged.mp3");
    copy("wav/mutagen_id3v23_utf16.wav", "masters/WAV/01.wav");
    copy("flac/metaflac_isrc_barcode.flac", "masters/FLAC/01.flac");
    copy("damaged/wav_riff_size_huge.wav", "damaged/01 Cut.wav");
    put("titled/01 Intro.wav", &wav(Some("Intro"), 250));
    put("titled/02 Outro.wav", &wav(Some("Outro  Theme"), 250));
    put("dupes/Intro.wav", &wav(Some("INTRO"), 250));
    put("long/01 Long.wav", &wav(None, 2500));
    dir
}

fn run(root: &Path, text: &str) -> Result<Vec<Assignment>, ManifestErrors> {
    resolve(&parse(text).expect("manifest parses"), root)
}

/// (path under ROOT, ISRC, barcode as given, lines) per assignment.
fn summary(root: &Path, plan: &[Assignment]) -> Vec<(String, String, String, Vec<usize>)> {
    plan.iter()
        .map(|a| {
            (
                show(a.path.strip_prefix(root).unwrap()),
                a.codes.isrc.map(|i| i.to_string()).unwrap_or_default(),
                a.codes
                    .barcode
                    .map(|b| b.as_given().to_string())
                    .unwrap_or_default(),
                a.lines.clone(),
            )
        })
        .collect()
}

fn entry(
    path: &str,
    isrc: &str,
    barcode: &str,
    lines: &[usize],
) -> (String, String, String, Vec<usize>) {
    (path.into(), isrc.into(), barcode.into(), lines.to_vec())
}

#[test]
fn fixture_files_are_what_the_tests_assume() {
    let dir = fixture();
    let r = |p: &str| crate::read_file(dir.path().join(p));
    assert_eq!(r("rel/01 A.mp3").title, None);
    assert_eq!(r("other/Tagged.mp3").title.as_deref(), Some("isrckit test"));
    assert_eq!(
        r("titled/02 Outro.wav").title.as_deref(),
        Some("Outro  Theme")
    );
    let ms = |p: &str| r(p).audio.unwrap().duration_ms.unwrap();
    assert_eq!(ms("rel/01 A.mp3"), 432);
    assert_eq!(ms("rel/02 B.wav"), 250);
    assert_eq!(ms("long/01 Long.wav"), 2500);
    assert_eq!(r("damaged/01 Cut.wav").status, FileStatus::Damaged);
}

#[test]
fn path_rows_resolve_and_identical_rows_merge() {
    let dir = fixture();
    let root = dir.path();
    let text = "path,isrc,barcode\n\
                rel/01 A.mp3,USRC17607839,5012345678900\n\
                rel\\02 B.wav,GBAYE2400301,5012345678900\n\
                ./rel/01 A.mp3,US-RC1-76-07839,5012345678900\n\
                rel/1-03 C.flac,,5012345678900\n";
    let plan = run(root, text).unwrap();
    assert_eq!(
        summary(root, &plan),
        vec![
            entry("rel/01 A.mp3", "USRC17607839", "5012345678900", &[2, 4]),
            entry("rel/02 B.wav", "GBAYE2400301", "5012345678900", &[3]),
            entry("rel/1-03 C.flac", "", "5012345678900", &[5]),
        ]
    );
    assert_eq!(plan[0].path, root.join("rel").join("01 A.mp3"));
    assert_eq!(plan[2].codes.isrc, None);
}

#[test]
fn release_and_track_rows() {
    let dir = fixture();
    let root = dir.path();
    let text = "release;track;isrc\n\
                rel;1;USRC17607839\n\
                rel/;03;GBAYE2400301\n\
                masters/WAV;1;QMDA72400311\n\
                titled;2/2;JPPO02400406\n";
    let plan = run(root, text).unwrap();
    assert_eq!(
        summary(root, &plan),
        vec![
            entry("masters/WAV/01.wav", "QMDA72400311", "", &[4]),
            entry("rel/01 A.mp3", "USRC17607839", "", &[2]),
            entry("rel/1-03 C.flac", "GBAYE2400301", "", &[3]),
            entry("titled/02 Outro.wav", "JPPO02400406", "", &[5]),
        ]
    );
}

#[test]
fn title_rows() {
    let dir = fixture();
    let root = dir.path();
    let text = "title,release,isrc\n\
                \"  INTRO \",titled,USRC17607839\n\
                outro theme,,GBAYE2400301\n\
                Isrckit Test,,QMDA72400311\n";
    let plan = run(root, text).unwrap();
    assert_eq!(
        summary(root, &plan),
        vec![
            entry("other/Tagged.mp3", "QMDA72400311", "", &[4]),
            entry("titled/01 Intro.wav", "USRC17607839", "", &[2]),
            entry("titled/02 Outro.wav", "GBAYE2400301", "", &[3]),
        ]
    );
}

#[test]
fn rows_that_find_no_file_or_too_many() {
    let dir = fixture();
    let root = dir.path();
    // Another track 1 in "masters", and another "Intro": 2.5 s long, so
    // not the recording the others are.
    fs::create_dir_all(root.join("masters/LONG")).unwrap();
    fs::copy(
        root.join("long/01 Long.wav"),
        root.join("masters/LONG/01.wav"),
    )
    .unwrap();
    fs::create_dir_all(root.join("extended")).unwrap();
    fs::write(root.join("extended/Intro.wav"), wav(Some("Intro"), 2500)).unwrap();
    let text = "path,release,track,title,isrc\n\
                rel/09 Z.wav,,,,USRC17607839\n\
                rel/notes.txt,,,,USRC17607839\n\
                rel,,,,USRC17607839\n\
                ,rel,9,,USRC17607839\n\
                ,nope,1,,USRC17607839\n\
                ,masters,1,,USRC17607839\n\
                ,,,Intro,USRC17607839\n\
                ,,,No Such Song,USRC17607839\n\
                damaged/01 Cut.wav,,,,USRC17607839\n\
                ,rel,2,,GBAYE2400301\n";
    let e = errors_of(run(root, text));
    assert_eq!(lines(&e), (2..=10).collect::<Vec<_>>(), "{e:#?}");
    assert_error(&e, 2, &["file \"rel/09 Z.wav\" does not exist under ROOT"]);
    assert_error(
        &e,
        3,
        &["file \"rel/notes.txt\" cannot take codes: not an audio file isrckit reads"],
    );
    assert_error(&e, 4, &["path \"rel\" is a folder"]);
    assert_error(
        &e,
        5,
        &["no audio file in release \"rel\" has track number 9"],
    );
    assert_error(
        &e,
        6,
        &["release folder \"nope\" does not exist under ROOT"],
    );
    assert_error(
        &e,
        7,
        &[
            "track 1 matches 3 files in release \"masters\": \"masters/FLAC/01.flac\", \
             \"masters/LONG/01.wav\", \"masters/WAV/01.wav\", which are not one recording \
             (\"masters/FLAC/01.flac\" and \"masters/LONG/01.wav\": their durations differ by \
             more than 1 s: 0:00.250 and 0:02.500); give the subfolder as release",
        ],
    );
    assert_error(
        &e,
        8,
        &[
            "title \"Intro\" matches 3 files under ROOT: \"dupes/Intro.wav\", \
             \"extended/Intro.wav\", \"titled/01 Intro.wav\", which are not one recording \
             (\"dupes/Intro.wav\" and \"extended/Intro.wav\": their durations differ by more \
             than 1 s: 0:00.250 and 0:02.500); give release or path",
        ],
    );
    assert_error(
        &e,
        9,
        &["no audio file under ROOT has the title \"No Such Song\""],
    );
    assert_error(
        &e,
        10,
        &["file \"damaged/01 Cut.wav\" is damaged (the RIFF header says"],
    );
}

#[test]
fn identifying_values_must_agree_with_the_file() {
    let dir = fixture();
    let root = dir.path();
    let text = "path,release,track,title,isrc\n\
                rel/01 A.mp3,,2,,USRC17607839\n\
                titled/02 Outro.wav,,,Intro,GBAYE2400301\n\
                rel/02 B.wav,other,,,QMDA72400311\n\
                ,titled,1,Outro Theme,JPPO02400406\n\
                rel/1-03 C.flac,rel,3,Anything,FRZ032400306\n";
    let e = errors_of(run(root, text));
    assert_eq!(lines(&e), vec![2, 3, 4, 5], "{e:#?}");
    assert_error(
        &e,
        2,
        &["\"rel/01 A.mp3\" is track 1 by its name, but the row says track 2"],
    );
    assert_error(
        &e,
        3,
        &["has the title \"Outro  Theme\" in its tags, but the row says \"Intro\""],
    );
    assert_error(&e, 4, &["\"rel/02 B.wav\" is not in release \"other\""]);
    assert_error(
        &e,
        5,
        &[
            "\"titled/01 Intro.wav\" has the title \"Intro\" in its tags, but the row says \"Outro Theme\"",
        ],
    );
}

#[test]
fn one_file_named_by_two_rows_with_other_codes() {
    let dir = fixture();
    let root = dir.path();
    let text = "path,release,track,isrc,barcode\n\
                rel/01 A.mp3,,,USRC17607839,\n\
                rel/02 B.wav,,,GBAYE2400301,\n\
                ,rel,1,QMDA72400311,\n\
                ,rel,2,GBAYE2400301,5012345678900\n";
    let e = errors_of(run(root, text));
    assert_eq!(
        e,
        vec![
            (
                4,
                "names the same file as line 2, \"rel/01 A.mp3\", with other codes \
                 (line 2: ISRC USRC17607839, no barcode; this row: ISRC QMDA72400311, no barcode); \
                 keep one row for the file, or give both the same codes"
                    .to_string()
            ),
            (
                5,
                "names the same file as line 3, \"rel/02 B.wav\", with other codes \
                 (line 3: ISRC GBAYE2400301, no barcode; this row: ISRC GBAYE2400301, barcode 5012345678900); \
                 keep one row for the file, or give both the same codes"
                    .to_string()
            ),
        ]
    );
}

#[test]
fn one_isrc_on_two_different_recordings() {
    let dir = fixture();
    let root = dir.path();
    let text = "path,isrc\n\
                titled/01 Intro.wav,USRC17607839\n\
                titled/02 Outro.wav,USRC17607839\n\
                long/01 Long.wav,GBAYE2400301\n\
                rel/02 B.wav,GB-AYE-24-00301\n";
    let e = errors_of(run(root, text));
    assert_eq!(
        e,
        vec![
            (
                3,
                "ISRC USRC17607839 is also given on line 2 to \"titled/01 Intro.wav\", a different \
                 recording from \"titled/02 Outro.wav\" (their titles differ: \"Intro\" and \
                 \"Outro  Theme\"); each recording needs its own ISRC: fix one of the two rows"
                    .to_string()
            ),
            (
                5,
                "ISRC GBAYE2400301 is also given on line 4 to \"long/01 Long.wav\", a different \
                 recording from \"rel/02 B.wav\" (their durations differ by more than 1 s: \
                 0:02.500 and 0:00.250); each recording needs its own ISRC: fix one of the two rows"
                    .to_string()
            ),
        ]
    );
}

#[test]
fn one_recording_in_two_formats_shares_its_isrc() {
    let dir = fixture();
    let root = dir.path();
    // Same (absent) title, same duration: one recording. The same holds
    // for untitled files within 1 s of each other (0.432 s, 0.25 s), and
    // for files whose titles differ only in case and spacing.
    let text = "path,isrc,barcode\n\
                masters/WAV/01.wav,USRC17607839,5012345678900\n\
                masters/FLAC/01.flac,USRC17607839,0886443927087\n\
                rel/01 A.mp3,GBAYE2400301,\n\
                rel/02 B.wav,GBAYE2400301,\n\
                titled/01 Intro.wav,QMDA72400311,\n\
                dupes/Intro.wav,QMDA72400311,\n";
    let plan = run(root, text).unwrap();
    assert_eq!(plan.len(), 6);
    assert_eq!(
        plan.iter()
            .filter(|a| a.codes.isrc == Some(isrc("USRC17607839")))
            .count(),
        2
    );
}

#[test]
fn a_row_applies_to_every_copy_of_one_recording() {
    let dir = fixture();
    let root = dir.path();
    // masters/WAV/01.wav and masters/FLAC/01.flac: one recording; so are
    // titled/01 Intro.wav and dupes/Intro.wav ("Intro", "INTRO", 0.25 s).
    let text = "release,track,title,isrc,barcode\n\
                masters,1,,USRC17607839,5012345678900\n\
                ,,intro,GBAYE2400301,\n\
                titled,,intro,GBAYE2400301,\n";
    let plan = run(root, text).unwrap();
    assert_eq!(
        summary(root, &plan),
        vec![
            entry("dupes/Intro.wav", "GBAYE2400301", "", &[3]),
            entry(
                "masters/FLAC/01.flac",
                "USRC17607839",
                "5012345678900",
                &[2]
            ),
            entry("masters/WAV/01.wav", "USRC17607839", "5012345678900", &[2]),
            entry("titled/01 Intro.wav", "GBAYE2400301", "", &[3, 4]),
        ]
    );
    // A copy also named by another row with other codes is a conflict.
    let text = "release,track,path,isrc\n\
                masters,1,,USRC17607839\n\
                ,,masters/FLAC/01.flac,GBAYE2400301\n";
    let e = errors_of(run(root, text));
    assert_error(
        &e,
        3,
        &["names the same file as line 2, \"masters/FLAC/01.flac\", with other codes"],
    );
}

#[test]
fn names_are_compared_in_nfc() {
    let dir = fixture();
    let root = dir.path();
    let nfd = "Cafe\u{301}";
    fs::create_dir_all(root.join(nfd)).unwrap();
    fs::write(
        root.join(format!("{nfd}/01 {nfd}.wav")),
        wav(Some(nfd), 250),
    )
    .unwrap();
    let text = "path,release,title,isrc\n\
                Caf\u{e9}/01 Caf\u{e9}.wav,,,USRC17607839\n\
                ,Caf\u{e9},CAF\u{c9},USRC17607839\n\
                Caf\u{e9}/01 Caf\u{e9}.wav,Caf\u{e9},caf\u{e9},USRC17607839\n";
    let plan = run(root, text).unwrap();
    assert_eq!(
        summary(root, &plan),
        vec![entry(
            &format!("{nfd}/01 {nfd}.wav"),
            "USRC17607839",
            "",
            &[2, 3, 4]
        )]
    );
    // Two names that differ only in normalisation (the same marks in
    // another order), neither as the row gives it: not guessed. A name as
    // the row gives it is taken as it is.
    fs::create_dir_all(root.join("twins")).unwrap();
    fs::write(root.join("twins/a\u{323}\u{302}.wav"), wav(None, 250)).unwrap();
    fs::write(root.join("twins/a\u{302}\u{323}.wav"), wav(None, 250)).unwrap();
    let e = errors_of(run(
        root,
        "path,isrc\ntwins/a\u{302}\u{323}.wav,USRC17607839\ntwins/\u{1ead}.wav,USRC17607839\n",
    ));
    assert_eq!(
        e,
        [(
            3,
            "\"twins/\u{1ead}.wav\" could be any of \"twins/a\u{302}\u{323}.wav\", \
             \"twins/a\u{323}\u{302}.wav\", names that differ only in their Unicode \
             normalisation; rename all but one"
                .to_string()
        )]
    );
    let e = errors_of(run(root, "path,isrc\ntwins/\u{1ead}x.wav,USRC17607839\n"));
    assert_error(&e, 2, &["does not exist under ROOT"]);
}

#[cfg(unix)]
#[test]
fn files_outside_root_are_not_planned() {
    use std::os::unix::fs::symlink;
    let outer = tempfile::tempdir().unwrap();
    let root = outer.path().join("root");
    fs::create_dir_all(root.join("in")).unwrap();
    fs::create_dir_all(outer.path().join("out")).unwrap();
    fs::write(outer.path().join("out/01 X.wav"), wav(Some("X"), 250)).unwrap();
    fs::write(root.join("in/01 Y.wav"), wav(Some("Y"), 250)).unwrap();
    symlink(outer.path().join("out"), root.join("away")).unwrap();
    symlink(outer.path().join("out/01 X.wav"), root.join("in/02 X.wav")).unwrap();
    // A symlink that stays inside ROOT is fine.
    symlink(root.join("in/01 Y.wav"), root.join("in/03 Y.wav")).unwrap();
    let real = fs::canonicalize(outer.path().join("out")).unwrap();
    let text = "path,release,track,title,isrc\n\
                away/01 X.wav,,,,USRC17607839\n\
                ,away,1,,USRC17607839\n\
                ,in,2,,USRC17607839\n\
                ,,,x,USRC17607839\n\
                in/03 Y.wav,,,,GBAYE2400301\n";
    let e = errors_of(run(&root, text));
    assert_eq!(lines(&e), [2, 3, 4, 5], "{e:#?}");
    let x = real.join("01 X.wav").display().to_string();
    assert_error(
        &e,
        2,
        &[&format!(
            "file \"away/01 X.wav\" is reached through a symlinked folder and lies outside ROOT (\"{x}\")"
        )],
    );
    assert_error(
        &e,
        3,
        &[&format!(
            "release \"away\" leads through a symlink to a folder outside ROOT (\"{}\")",
            real.display()
        )],
    );
    assert_error(
        &e,
        4,
        &[&format!(
            "file \"in/02 X.wav\" is a symlink to a file outside ROOT (\"{x}\")"
        )],
    );
    assert_error(
        &e,
        5,
        &[&format!(
            "file \"in/02 X.wav\" is a symlink to a file outside ROOT (\"{x}\")"
        )],
    );
    let plan = run(&root, "path,isrc\nin/03 Y.wav,GBAYE2400301\n").unwrap();
    assert_eq!(
        summary(&root, &plan),
        vec![entry("in/03 Y.wav", "GBAYE2400301", "", &[2])]
    );
}

/// A file the walk finds at two paths (one a symlink to the other) is one
/// file: rows naming it by either path merge or conflict, and it is
/// planned once, at the path that is not a symlink.
#[cfg(unix)]
#[test]
fn one_file_at_two_paths_is_one_file() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("album")).unwrap();
    fs::write(root.join("in.wav"), wav(None, 250)).unwrap();
    symlink("../in.wav", root.join("album/01 A.wav")).unwrap();
    let text = "path,release,track,isrc\n\
                in.wav,,,USRC17607839\n\
                ,album,1,GBAYE2400301\n";
    let e = errors_of(run(root, text));
    assert_error(
        &e,
        3,
        &["names the same file as line 2, \"in.wav\", with other codes"],
    );
    let text = "path,release,track,isrc\n\
                ,album,1,USRC17607839\n\
                in.wav,,,USRC17607839\n";
    let plan = run(root, text).unwrap();
    assert_eq!(
        summary(root, &plan),
        vec![entry("in.wav", "USRC17607839", "", &[2, 3])]
    );
}

#[test]
fn two_barcodes_in_one_release_folder() {
    let dir = fixture();
    let root = dir.path();
    let text = "path,isrc,barcode\n\
                rel/01 A.mp3,USRC17607839,5012345678900\n\
                rel/02 B.wav,GBAYE2400301,0886443927087\n\
                rel/1-03 C.flac,QMDA72400311,5012345678900\n\
                titled/01 Intro.wav,JPPO02400406,075678164125\n\
                titled/02 Outro.wav,FRZ032400306,0075678164125\n";
    let e = errors_of(run(root, text));
    assert_eq!(
        e,
        vec![(
            3,
            "barcode 0886443927087 for \"rel/02 B.wav\" differs from barcode 5012345678900 given \
             on line 2 for \"rel/01 A.mp3\" in the same release folder \"rel\"; a release has \
             one barcode: fix one of the rows"
                .to_string()
        )]
    );
}

#[test]
fn root_must_be_a_folder() {
    let dir = fixture();
    let m = parse("path,isrc\na.wav,USRC17607839\n").unwrap();
    let e = resolve(&m, &dir.path().join("rel/01 A.mp3")).unwrap_err();
    assert_eq!(e.errors[0].line, 0);
    let shown = e.to_string();
    assert!(shown.starts_with("ROOT \""), "{shown}");
    assert!(
        shown.ends_with("is not a folder; give the folder the manifest's paths are relative to")
    );
}
