//! Writing a CUE sheet (`isrckit cue`): one `FILE` per track, as DDP
//! authoring tools and burners take them.
//!
//! ```text
//! CATALOG 0724384960650
//! PERFORMER "The Example"
//! TITLE "Album"
//! FILE "01 One.wav" WAVE
//!   TRACK 01 AUDIO
//!     TITLE "One"
//!     ISRC GBAYE2600001
//!     INDEX 01 00:00:00
//! ```
//!
//! CUE has no escapes: a quoted value runs to the next `"`. So a name or
//! text holding a `"`, a line break or another control character cannot
//! be written, and is refused, as are more than 99 tracks (a CD's limit)
//! and an ISRC or barcode that is not valid (the types only hold valid
//! ones). A barcode is written as the 13 digits of a media catalog
//! number (a UPC-A gains a leading 0).

use crate::codes::{Gtin, Isrc};
use crate::model::Container;

/// The most tracks a CD holds.
pub(crate) const MAX_TRACKS: usize = 99;

/// One track of the sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SheetTrack {
    /// The file, as the sheet names it (relative to the sheet's folder).
    pub file: String,
    /// The file's container, for the FILE type.
    pub container: Option<Container>,
    /// The track's ISRC.
    pub isrc: Option<Isrc>,
    /// Its CD-TEXT title.
    pub title: Option<String>,
    /// Its CD-TEXT performer.
    pub performer: Option<String>,
}

/// A whole sheet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Sheet {
    /// The disc's UPC/EAN (CATALOG).
    pub catalog: Option<Gtin>,
    /// The disc's CD-TEXT title.
    pub title: Option<String>,
    /// The disc's CD-TEXT performer.
    pub performer: Option<String>,
    /// `REM` lines (comments), as given.
    pub remarks: Vec<String>,
    /// The tracks, in disc order.
    pub tracks: Vec<SheetTrack>,
}

/// The FILE type a container is written as: `WAVE` for WAV and for the
/// formats burners decode themselves (FLAC, M4A), `AIFF`, `MP3`.
fn file_type(c: Option<Container>) -> &'static str {
    match c {
        Some(Container::Aiff) => "AIFF",
        Some(Container::Mp3) => "MP3",
        _ => "WAVE",
    }
}

/// Why `text` cannot be a quoted CUE value, if it cannot.
fn unquotable(text: &str) -> Option<&'static str> {
    if text.contains('"') {
        Some("a double quote (\"), which CUE cannot quote: it has no escapes")
    } else if text.chars().any(char::is_control) {
        Some("a line break or another control character, which a CUE line cannot hold")
    } else {
        None
    }
}

/// The sheet as text (LF line ends, UTF-8), or every reason it cannot
/// be written.
pub(crate) fn render(sheet: &Sheet) -> Result<String, Vec<String>> {
    let mut problems = Vec::new();
    if sheet.tracks.is_empty() {
        problems.push("no tracks: a CUE sheet needs at least one".to_string());
    }
    if sheet.tracks.len() > MAX_TRACKS {
        problems.push(format!(
            "{} tracks: a CD holds at most {MAX_TRACKS}",
            sheet.tracks.len()
        ));
    }
    let mut check = |what: String, text: &str| {
        if let Some(why) = unquotable(text) {
            problems.push(format!("{what} {text:?} holds {why}"));
        }
    };
    for (label, v) in [
        ("the disc's title", &sheet.title),
        ("the disc's performer", &sheet.performer),
    ] {
        if let Some(v) = v {
            check(label.to_string(), v);
        }
    }
    for r in &sheet.remarks {
        if r.chars().any(char::is_control) {
            check("the remark".into(), r);
        }
    }
    for (i, t) in sheet.tracks.iter().enumerate() {
        let n = i + 1;
        check(format!("track {n:02}: the file name"), &t.file);
        if let Some(v) = &t.title {
            check(format!("track {n:02}: the title"), v);
        }
        if let Some(v) = &t.performer {
            check(format!("track {n:02}: the performer"), v);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut out = String::new();
    for r in &sheet.remarks {
        out.push_str(&format!("REM {r}\n"));
    }
    if let Some(c) = &sheet.catalog {
        out.push_str(&format!("CATALOG {}\n", c.gtin13()));
    }
    if let Some(p) = &sheet.performer {
        out.push_str(&format!("PERFORMER \"{p}\"\n"));
    }
    if let Some(t) = &sheet.title {
        out.push_str(&format!("TITLE \"{t}\"\n"));
    }
    for (i, t) in sheet.tracks.iter().enumerate() {
        out.push_str(&format!(
            "FILE \"{}\" {}\n  TRACK {:02} AUDIO\n",
            t.file,
            file_type(t.container),
            i + 1
        ));
        if let Some(v) = &t.title {
            out.push_str(&format!("    TITLE \"{v}\"\n"));
        }
        if let Some(v) = &t.performer {
            out.push_str(&format!("    PERFORMER \"{v}\"\n"));
        }
        if let Some(c) = &t.isrc {
            out.push_str(&format!("    ISRC {c}\n"));
        }
        out.push_str("    INDEX 01 00:00:00\n");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn track(file: &str, isrc: &str) -> SheetTrack {
        SheetTrack {
            file: file.into(),
            container: Some(Container::Wav),
            isrc: Isrc::parse(isrc).ok(),
            title: None,
            performer: None,
        }
    }

    #[test]
    fn a_sheet_reads_back_through_isrckit() {
        let sheet = Sheet {
            catalog: Gtin::parse("075678164125").ok(),
            title: Some("Album".into()),
            tracks: vec![
                track("01 One.wav", "GBAYE2600001"),
                track("02 Two.wav", "GBAYE2600002"),
            ],
            ..Sheet::default()
        };
        let text = render(&sheet).expect("renders");
        assert!(text.contains("CATALOG 0075678164125\n"), "{text}");
        let r = crate::read_bytes("x.cue", text.as_bytes());
        let codes: Vec<(Option<u32>, String)> = r
            .codes
            .iter()
            .map(|c| (c.location.track, c.value.clone().unwrap_or_default()))
            .collect();
        assert_eq!(
            codes,
            [
                (None, "0075678164125".to_string()),
                (Some(1), "GBAYE2600001".to_string()),
                (Some(2), "GBAYE2600002".to_string())
            ]
        );
        let l = super::super::sheet::parse(text.as_bytes());
        assert_eq!(l.tracks.len(), 2);
        assert_eq!(l.tracks[1].file.as_deref(), Some("02 Two.wav"));
    }

    #[test]
    fn what_cue_cannot_carry_is_refused() {
        let mut sheet = Sheet {
            tracks: vec![track("say \"hi\".wav", "GBAYE2600001")],
            title: Some("a\nb".into()),
            ..Sheet::default()
        };
        let e = render(&sheet).expect_err("refused");
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].contains("the disc's title"), "{e:?}");
        assert!(e[1].contains("double quote"), "{e:?}");
        sheet.title = None;
        sheet.tracks = (0..100)
            .map(|i| track(&format!("{i}.wav"), "GBAYE2600001"))
            .collect();
        let e = render(&sheet).expect_err("100 tracks");
        assert!(e[0].contains("at most 99"), "{e:?}");
    }
}
