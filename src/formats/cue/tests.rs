//! CUE sheet and TOC reader tests on byte fixtures checked by hand: every
//! offset below was counted on the bytes written here. The files made by
//! metaflac, cueconvert and toc2cue are checked in `tests/testdata.rs`.

use super::{Cue, MAX_SHEET, sniff};
use crate::formats::Format;
use crate::model::{CodeKind, CodeSite, Container, FileReport, FileStatus, TagFormat};
use crate::plan::{Codes, PlanError, Targets};
use crate::source::Source;

fn read(name: &str, bytes: &[u8]) -> FileReport {
    crate::read_bytes(name, bytes)
}

/// A site as compared: (kind, raw, tag, field, track, offset, valid).
type Site<'a> = (
    CodeKind,
    &'a str,
    TagFormat,
    &'a str,
    Option<u32>,
    u64,
    bool,
);

/// Every site of a report, in file order.
fn sites(r: &FileReport) -> Vec<Site<'_>> {
    r.codes
        .iter()
        .map(|c: &CodeSite| {
            (
                c.kind,
                c.raw.as_str(),
                c.location.tag,
                c.location.field.as_str(),
                c.location.track,
                c.location.offset,
                c.valid,
            )
        })
        .collect()
}

fn at(bytes: &[u8], needle: &str) -> u64 {
    bytes
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .unwrap_or_else(|| panic!("{needle:?} not in the fixture")) as u64
}

/// As `metaflac --export-cuesheet-to` writes it (LF, two-space indents,
/// REM lines after the tracks).
const METAFLAC: &str = "CATALOG 0724384960650\n\
FILE \"CD Master.flac\" FLAC\n\
\x20 TRACK 01 AUDIO\n\
\x20   ISRC DEA842400307\n\
\x20   INDEX 01 00:00:00\n\
\x20 TRACK 02 AUDIO\n\
\x20   ISRC DEA842400308\n\
\x20   INDEX 00 00:00:10\n\
\x20   INDEX 01 00:00:20\n\
REM FLAC__lead-in 88200\n\
REM FLAC__lead-out 170 23520\n";

#[test]
fn metaflac_sheet_every_site_with_its_track_and_offset() {
    let b = METAFLAC.as_bytes();
    let r = read("album.cue", b);
    assert_eq!(r.status, FileStatus::Ok, "{:?}", r.error);
    assert_eq!(r.container, Some(Container::Cue));
    assert_eq!(r.format.as_deref(), Some("CUE sheet"));
    // Counted by hand: "CATALOG " is 8 bytes; line 1 is 21 bytes + LF,
    // line 2 26 + LF, so line 3 starts at 22 + 27 = 49, line 4 at 49 + 17 =
    // 66, its code at 66 + 9 = 75.
    assert_eq!(at(b, "0724384960650"), 8);
    assert_eq!(at(b, "DEA842400307"), 75);
    use CodeKind::{Barcode, Isrc};
    use TagFormat::Cue as T;
    assert_eq!(
        sites(&r),
        vec![
            (Barcode, "0724384960650", T, "CATALOG", None, 8, true),
            (Isrc, "DEA842400307", T, "ISRC", Some(1), 75, true),
            (
                Isrc,
                "DEA842400308",
                T,
                "ISRC",
                Some(2),
                at(b, "DEA842400308"),
                true
            ),
        ]
    );
    let isrc = &r.codes[1];
    assert_eq!(isrc.location.chunk.as_deref(), Some("TRACK 01"));
    assert!(isrc.location.standard && isrc.canonical && isrc.notes.is_empty());
    assert_eq!(r.codes[0].location.chunk, None);
    assert_eq!(
        isrc.location.describe(),
        "TRACK 01 › CUE ISRC (track 01) @75"
    );
    // Per-track codes do not speak for the file; the disc's barcode does.
    assert!(r.distinct(Isrc).is_empty());
    assert_eq!(r.distinct(Barcode), ["0724384960650"]);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    assert_eq!(r.title, None);
}

#[test]
fn crlf_bom_lowercase_indents_quoted_names_and_rem_mentions() {
    let b: &[u8] = b"\xEF\xBB\xBFREM GENRE Rock\r\n\
REM COMMENT \"ISRC USRC17607839 pending; UPC 075678164125\"\r\n\
catalog 0075678164125\r\n\
\ttitle \"Live at the \xC3\x89toile\"\r\n\
PERFORMER \"The Band\"\r\n\
FILE \"My Album (2024) - Side A.wav\" WAVE\r\n\
\t\ttrack 01 audio\r\n\
\t\t\ttitle \"Opening\"\r\n\
\t\t\tisrc usrc17607839\r\n\
\t\t\tindex 01 00:00:00\r\n\
  Track 02 Audio\r\n\
    Isrc US-RC1-76-07840\r\n\
    pregap 00:02:00\r\n\
    Index 01 03:15:74\r\n";
    let r = read("weird name.CUE", b);
    assert_eq!(r.status, FileStatus::Ok, "{:?}", r.error);
    assert_eq!(r.format.as_deref(), Some("CUE sheet"));
    assert_eq!(r.title.as_deref(), Some("Live at the Étoile"));
    use CodeKind::{Barcode, Isrc};
    use TagFormat::Cue as T;
    // The REM line's mentions are not sites.
    assert_eq!(
        sites(&r),
        vec![
            (
                Barcode,
                "0075678164125",
                T,
                "catalog",
                None,
                at(b, "0075678164125"),
                true
            ),
            (
                Isrc,
                "usrc17607839",
                T,
                "isrc",
                Some(1),
                at(b, "usrc17607839"),
                true
            ),
            (
                Isrc,
                "US-RC1-76-07840",
                T,
                "Isrc",
                Some(2),
                at(b, "US-RC1-76-07840"),
                true
            ),
        ]
    );
    // The BOM is 3 bytes; "REM GENRE Rock\r\n" 16; the REM COMMENT line
    // 57 + 2; "catalog " 8: the catalog's digits are at 3 + 16 + 59 + 8.
    assert_eq!(r.codes[0].location.offset, 86);
    assert!(!r.codes[1].canonical && !r.codes[2].canonical);
    assert_eq!(r.codes[2].value.as_deref(), Some("USRC17607840"));
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn lone_cr_line_ends_are_lines_too() {
    let b = b"FILE \"a.wav\" WAVE\rTRACK 01 AUDIO\rISRC GBAYE2400001\rINDEX 01 00:00:00\r";
    let r = read("a.cue", b);
    assert_eq!(r.status, FileStatus::Ok, "{:?}", r.error);
    assert_eq!(r.codes.len(), 1);
    assert_eq!(r.codes[0].raw, "GBAYE2400001");
    assert_eq!(r.codes[0].location.track, Some(1));
}

#[test]
fn tracks_without_an_isrc_are_noted() {
    let b = b"FILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    ISRC GBAYE2400001\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    INDEX 01 00:10:00\n  TRACK 03 AUDIO\n    ISRC GBAYE2400003\n    INDEX 01 00:20:00\n";
    let r = read("a.cue", b);
    assert_eq!(r.status, FileStatus::Ok);
    assert_eq!(
        r.notes,
        ["missing ISRC: TRACK 02 has no ISRC line, while other tracks have one"]
    );
    let none = b"FILE \"a.wav\" WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nTRACK 02 AUDIO\nINDEX 01 00:10:00\n";
    let r = read("b.cue", none);
    assert!(r.codes.is_empty());
    assert_eq!(
        r.notes,
        [
            "missing ISRC: no track has an ISRC line (2 tracks): the disc would be burned without ISRCs"
        ]
    );
}

#[test]
fn catalog_all_zeros_is_no_site_and_twelve_digits_is_noted() {
    let b = b"CATALOG 0000000000000\nFILE \"a.wav\" WAVE\nTRACK 01 AUDIO\nISRC GBAYE2400001\n";
    let r = read("a.cue", b);
    assert_eq!(r.codes.len(), 1, "{:?}", r.codes);
    assert!(r.notes[0].contains("all zeros"), "{:?}", r.notes);
    let b = b"CATALOG 724384960650\nFILE \"a.wav\" WAVE\nTRACK 01 AUDIO\nISRC GBAYE2400001\n";
    let r = read("a.cue", b);
    let cat = &r.codes[0];
    assert_eq!(cat.kind, CodeKind::Barcode);
    assert!(cat.valid, "a valid UPC-A is a valid barcode");
    assert!(
        cat.notes
            .iter()
            .any(|n| n.contains("has 13 digits, this one 12")),
        "{:?}",
        cat.notes
    );
}

#[test]
fn an_isrc_out_of_place_or_twice_or_quoted_is_read_with_a_note() {
    let b = b"FILE \"a.wav\" WAVE\nISRC GBAYE2400000\nTRACK 01 AUDIO\nISRC \"GBAYE2400001\"\nISRC GBAYE2400002\n";
    let r = read("a.cue", b);
    assert_eq!(r.status, FileStatus::Ok, "{:?}", r.error);
    let notes: Vec<&Vec<String>> = r.codes.iter().map(|c| &c.notes).collect();
    assert_eq!(r.codes[0].location.track, None);
    assert!(notes[0][0].contains("before the first TRACK"), "{notes:?}");
    assert_eq!(r.codes[1].raw, "GBAYE2400001");
    assert_eq!(r.codes[1].location.offset, at(b, "GBAYE2400001"));
    assert!(notes[1][0].contains("quoted"), "{notes:?}");
    assert!(notes[2][0].contains("a second ISRC"), "{notes:?}");
}

#[test]
fn garbage_lines_are_notes_never_a_panic_and_bounded() {
    let mut b = b"FILE \"a.wav\" WAVE\nTRACK 01 AUDIO\nISRC GBAYE2400001\n".to_vec();
    for i in 0..5000 {
        b.extend_from_slice(format!("this is not a cue line {i}\n").as_bytes());
    }
    b.extend_from_slice(b"\xff\xfe\x01 binary-ish\nINDEX 01 99:99:99\nTRACK xx AUDIO\n");
    let r = read("a.cue", &b);
    assert_eq!(r.status, FileStatus::Ok, "{:?}", r.error);
    assert_eq!(r.codes.len(), 1);
    assert!(r.notes.len() < 20, "{}", r.notes.len());
    assert!(r.notes[0].starts_with("line 4: \"this is not a cue line 0\" is not a CUE command"));
    assert!(
        r.notes
            .iter()
            .any(|n| n == "… and 4991 more lines that are not CUE commands (ignored)"),
        "{:?}",
        r.notes
    );
    assert!(
        r.notes.iter().any(|n| n.contains("INDEX \"01 99:99:99\"")),
        "{:?}",
        r.notes
    );
    assert!(
        r.notes.iter().any(|n| n.contains("taken as TRACK 02")),
        "{:?}",
        r.notes
    );
}

#[test]
fn a_truncated_sheet_is_damaged_and_keeps_what_came_before() {
    let full = METAFLAC.as_bytes();
    let cut = &full[..at(full, "DEA842400308") as usize + 5];
    let r = read("cut.cue", cut);
    assert_eq!(r.status, FileStatus::Damaged);
    let e = r.error.as_deref().unwrap_or_default();
    assert!(e.contains("line 7") && e.contains("cut short"), "{e}");
    // The catalog and track 1 are kept; the cut ISRC is reported invalid.
    assert_eq!(r.codes.len(), 3);
    assert_eq!(r.codes[1].raw, "DEA842400307");
    assert!(!r.codes[2].valid && r.codes[2].raw == "DEA84");
    // Cut at a line end, or after a whole last line without one, is no damage.
    let at_line_end = &full[..at(full, "  TRACK 02") as usize];
    assert_eq!(read("a.cue", at_line_end).status, FileStatus::Ok);
    let whole_last_line = &full[..full.len() - 1];
    assert_eq!(read("a.cue", whole_last_line).status, FileStatus::Ok);
}

#[test]
fn a_two_mib_fake_is_not_a_cue_sheet() {
    let mut b = METAFLAC.as_bytes().to_vec();
    b.resize(2 << 20, b' ');
    let r = read("huge.cue", &b);
    assert_eq!(r.status, FileStatus::NotAudio);
    assert_eq!(r.container, None);
    // Read as a sheet anyway (a fuzz target bypasses detection): refused.
    let mut slice = &b[..];
    let mut src = Source::new(&mut slice, b.len() as u64);
    let mut c = crate::formats::Collector::new(Container::Cue);
    let err = Cue.read(&mut src, &mut c).expect_err("too large");
    assert!(c.sites.is_empty());
    assert!(
        err.to_string().contains("larger than any cue sheet"),
        "{err}"
    );
    // At the bound it is still a sheet.
    let mut b = METAFLAC.as_bytes().to_vec();
    b.resize(MAX_SHEET as usize, b'\n');
    assert_eq!(read("big.cue", &b).container, Some(Container::Cue));
}

#[test]
fn other_text_is_not_a_sheet() {
    for (name, text) in [
        (
            "README.md",
            &b"# Album\n\nTitle: Live\nFILE names below.\n"[..],
        ),
        ("notes.txt", b"File list for the master\nTRACK 1 is long\n"),
        (
            "manifest.csv",
            b"file,isrc,barcode\n01.wav,USRC17607839,075678164125\n",
        ),
        (
            "manifest.tsv",
            b"file\tisrc\tbarcode\n01.wav\tUSRC17607839\t075678164125\n",
        ),
        ("title.txt", b"TITLE of the album\nTRACK 01 opening theme\n"),
        ("rem.txt", b"REM\n"),
        ("binary.bin", b"FILE \"a.wav\" WAVE\nTRACK 01 AUDIO\n\0\0\0"),
        ("toc-in-cue-form.toc", b"CD_DA\nTRACK 01 AUDIO\n"),
    ] {
        let r = read(name, text);
        assert_eq!(r.container, None, "{name}");
        assert_eq!(r.status, FileStatus::NotAudio, "{name}");
    }
    // The message names the containers isrckit reads.
    let r = read("x.txt", b"hello");
    assert!(r.error.unwrap_or_default().contains("a CUE sheet"));
}

#[test]
fn audio_files_are_never_taken_for_sheets() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    for dir in ["wav", "aiff", "flac", "mp3", "mp4"] {
        for e in std::fs::read_dir(root.join(dir)).expect("testdata") {
            let p = e.expect("entry").path();
            let bytes = std::fs::read(&p).expect("read");
            let head = &bytes[..bytes.len().min(64)];
            let mut slice = &bytes[..];
            let mut src = Source::new(&mut slice, bytes.len() as u64);
            assert!(!Cue.detect(head, &mut src), "{}", p.display());
            assert!(sniff::classify(&bytes).is_none(), "{}", p.display());
        }
    }
}

/// As cueconvert 1.4.1 writes a TOC from a sheet with CD-TEXT, plus
/// cdrdao's `//` comments and a per-track CD-TEXT ISRC in the form
/// cdrdao's manual gives (CC-OOO-YY-SSSSS).
const TOC: &str = "// made for isrckit's tests\n\
CD_DA\n\
CATALOG \"0724384960650\" // the disc's barcode\n\
CD_TEXT {\n\
\tLANGUAGE_MAP { 0:9 }\n\
\tLANGUAGE 0 {\n\
\t\tTITLE \"Album Name\"\n\
\t\tPERFORMER \"The Band\"\n\
\t\tUPC_EAN \"0724384960650\"\n\
\t\tGENRE { 0, 10, 0 }\n\
\t}\n\
}\n\
\n\
TRACK AUDIO\n\
ISRC \"DEA842400307\"\n\
CD_TEXT {\n\
\tLANGUAGE 0 {\n\
\t\tTITLE \"One\"\n\
\t\tISRC \"DE-A84-24-00307\"\n\
\t}\n\
}\n\
FILE \"my album.wav\" 0 00:00:20\n\
\n\
TRACK AUDIO\n\
NO COPY\n\
FILE \"my album.wav\" 00:00:20\n\
START 00:00:10\n\
TRACK AUDIO ISRC \"DEA842400309\" FILE \"my album.wav\" 00:00:40\n";

#[test]
fn toc_every_site_with_its_track_and_offset() {
    let b = TOC.as_bytes();
    let r = read("album.toc", b);
    assert_eq!(r.status, FileStatus::Ok, "{:?}", r.error);
    assert_eq!(r.format.as_deref(), Some("cdrdao TOC"));
    assert_eq!(r.title.as_deref(), Some("Album Name"));
    use CodeKind::{Barcode, Isrc};
    use TagFormat::Toc as T;
    // "// made for isrckit's tests\n" is 28 bytes, "CD_DA\n" 6,
    // "CATALOG \"" 9: the catalog's digits are at 43.
    assert_eq!(at(b, "0724384960650"), 43);
    let upc = b
        .windows(13)
        .enumerate()
        .filter(|(_, w)| *w == b"0724384960650")
        .nth(1)
        .map(|(i, _)| i as u64)
        .expect("second");
    assert_eq!(
        sites(&r),
        vec![
            (Barcode, "0724384960650", T, "CATALOG", None, 43, true),
            (
                Barcode,
                "0724384960650",
                T,
                "CD_TEXT/UPC_EAN",
                None,
                upc,
                true
            ),
            (
                Isrc,
                "DEA842400307",
                T,
                "ISRC",
                Some(1),
                at(b, "DEA842400307"),
                true
            ),
            (
                Isrc,
                "DE-A84-24-00307",
                T,
                "CD_TEXT/ISRC",
                Some(1),
                at(b, "DE-A84"),
                true
            ),
            (
                Isrc,
                "DEA842400309",
                T,
                "ISRC",
                Some(3),
                at(b, "DEA842400309"),
                true
            ),
        ]
    );
    // CD-TEXT's copies are not the standard place.
    assert!(!r.codes[1].location.standard && !r.codes[3].location.standard);
    assert!(
        r.codes[1]
            .notes
            .iter()
            .any(|n| n.contains("CATALOG is where")),
        "{:?}",
        r.codes[1].notes
    );
    assert_eq!(r.codes[3].location.chunk.as_deref(), Some("TRACK 01"));
    assert_eq!(
        r.notes,
        ["missing ISRC: TRACK 02 has no ISRC line, while other tracks have one"]
    );
}

#[test]
fn toc_cut_or_nested_or_garbage_is_reported_not_a_panic() {
    let b = TOC.as_bytes();
    // Cut inside the first track's CD_TEXT block.
    let cut = &b[..at(b, "\t\tTITLE \"One\"") as usize];
    let r = read("cut.toc", cut);
    assert_eq!(r.status, FileStatus::Damaged);
    let e = r.error.unwrap_or_default();
    assert!(
        e.contains("inside a CD_TEXT LANGUAGE block opened on line 17"),
        "{e}"
    );
    assert_eq!(r.codes.len(), 3, "read before the cut: {:?}", r.codes);
    // Cut inside a string.
    let cut = &b[..at(b, "DEA842400307") as usize + 4];
    let r = read("cut.toc", cut);
    assert_eq!(r.status, FileStatus::Damaged);
    assert!(r.error.unwrap_or_default().contains("quoted string"));
    // Braces nested past the bound: damage, what came before kept.
    let mut deep = b"CD_DA\nCATALOG \"0724384960650\"\nTRACK AUDIO\n".to_vec();
    deep.extend(std::iter::repeat_n(b'{', 100_000));
    let r = read("deep.toc", &deep);
    assert_eq!(r.status, FileStatus::Damaged);
    assert_eq!(r.codes.len(), 1);
    // Garbage words: noted, bounded.
    let mut g = b"CD_DA\nTRACK AUDIO\nISRC \"DEA842400307\"\n".to_vec();
    for i in 0..3000 {
        g.extend_from_slice(format!("nonsense{i} }} \n").as_bytes());
    }
    let r = read("g.toc", &g);
    assert_eq!(r.codes.len(), 1);
    assert!(r.notes.len() < 30, "{:?}", r.notes.len());
}

#[test]
fn writing_is_refused_and_nothing_is_a_part() {
    let b = METAFLAC.as_bytes();
    let mut slice = b;
    let mut src = Source::new(&mut slice, b.len() as u64);
    let codes = Codes {
        isrc: crate::codes::Isrc::parse("USRC17607839").ok(),
        barcode: None,
        ..Default::default()
    };
    match Cue.plan(&mut src, &codes, &Targets::default()) {
        Err(PlanError::Unsupported(m)) => {
            assert!(
                m.starts_with("CUE sheets and TOC files are not written yet: "),
                "{m}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(Cue.structure(&mut src).expect("structure"), vec![]);
    assert_eq!(Cue.extensions(), ["cue"]);
    assert!(!Cue.writes() && !crate::formats::written(Container::Cue));
    assert!(!crate::formats::holds_recording(Container::Cue));
    assert!(crate::formats::written(Container::Flac));
}
