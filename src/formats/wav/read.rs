//! WAV / BWF / RF64 / BW64: RIFF chunks, reading `id3 `/`ID3 `,
//! `LIST`/`INFO`, `iXML`, `axml`, the `bext` Description; `fmt `, `ds64`
//! and `data` headers for the audio properties. `data` is never read.

use super::bext;
use crate::formats::riff::{self, Chunk, Endian, u16_at, u32_at, u64_at};
use crate::formats::{Collector, FormatError, id3v2, xml};
use crate::model::TagFormat;
use crate::source::Source;

#[derive(Default)]
struct State {
    byte_rate: u32,
    /// ds64 sizes: data size and the table of other large chunks.
    ds64_data: Option<u64>,
    ds64_table: Vec<([u8; 4], u64)>,
    data: Option<(u64, u64)>,
    /// A LIST/INFO or bext chunk: ffprobe then drops the ID3 chunk.
    info_or_bext: bool,
}

pub(crate) fn read(src: &mut Source, c: &mut Collector) -> Result<(), FormatError> {
    let h: [u8; 12] = src.header("RIFF header", 0)?;
    let magic = [h[0], h[1], h[2], h[3]];
    let large = &magic != b"RIFF";
    c.format = Some(
        match &magic {
            b"RF64" => "RF64 WAVE",
            b"BW64" => "BW64 WAVE",
            _ => "RIFF WAVE",
        }
        .to_string(),
    );
    let mut st = State::default();
    let mut form_len = u64::from(u32::from_le_bytes([h[4], h[5], h[6], h[7]])) + 8;
    let mut start = 12;
    if large {
        let ds: [u8; 8] = src.header("ds64 chunk header", 12)?;
        if &ds[0..4] != b"ds64" {
            return Err(FormatError::damaged(
                "RF64/BW64 file without a ds64 chunk right after the header: sizes cannot be known",
            ));
        }
        let size = u64::from(u32::from_le_bytes([ds[4], ds[5], ds[6], ds[7]]));
        let body = src.read("ds64 chunk", 20, size)?;
        let e = Endian::Little;
        if let (Some(riff), Some(data)) = (u64_at(&body, 0, e), u64_at(&body, 8, e)) {
            // In RF64/BW64 the ds64 sizes rule; the 32-bit field should be -1.
            form_len = riff.saturating_add(8);
            if h[4..8] != [0xFF; 4] {
                // A tool that does not know RF64 edited the file (seen: kid3
                // 3.9 / TagLib inserting an ID3 chunk): neither size can be
                // trusted, so the chunks are walked to the end of the file.
                c.note(format!(
                    "the {} header's 32-bit size is {} instead of 0xFFFFFFFF, and ds64 says {riff}: a tool that does not know RF64 has edited this file; players may stop early or refuse it",
                    String::from_utf8_lossy(&magic),
                    u32::from_le_bytes([h[4], h[5], h[6], h[7]]),
                ));
                form_len = src.len();
            }
            st.ds64_data = Some(data);
        }
        let n = u32_at(&body, 24, e).unwrap_or(0) as usize;
        for i in 0..n.min(body.len() / 12) {
            let at = 28 + i * 12;
            if let (Some(id), Some(sz)) = (body.get(at..at + 4), u64_at(&body, at + 4, e)) {
                st.ds64_table.push(([id[0], id[1], id[2], id[3]], sz));
            }
        }
        start = 20 + size + (size & 1);
    }
    let file_len = src.len();
    // A WAV written as a stream (ffmpeg -f wav -) could not go back to set
    // its sizes: RIFF and data say 0xFFFFFFFF, and the data runs to the
    // end of the file. Not damage; players read it the same way.
    let streamed = !large && h[4..8] == [0xFF; 4];
    if streamed {
        c.note(
            "written as a stream (ffmpeg -f wav -): the RIFF and data sizes are 0xFFFFFFFF, so the data is taken to run to the end of the file; re-wrap it (ffmpeg -i IN -c copy OUT.wav) to give it real sizes before writing codes",
        );
        form_len = file_len;
        st.ds64_data = Some(riff::TO_THE_END);
    }
    // One byte short is a missing final pad byte, which readers forgive.
    if form_len > file_len + 1 {
        c.damage(FormatError::damaged(format!(
            "the RIFF header says the file is {form_len} bytes, but it is {file_len} bytes: truncated, or written by a tool that did not finish"
        )));
    }
    let end = form_len.min(file_len);
    let ds64_data = st.ds64_data;
    let table = st.ds64_table.clone();
    let mut sizes = |id: &[u8; 4]| {
        if id == b"data" {
            ds64_data
        } else {
            table.iter().find(|(t, _)| t == id).map(|&(_, s)| s)
        }
    };
    let result = riff::walk(
        src,
        c,
        start,
        end,
        Endian::Little,
        &mut sizes,
        &mut |src, c, ch| visit(src, c, ch, &mut st),
    );
    if let Some((off, len)) = st.data {
        c.audio.payload_offset = Some(off);
        c.audio.payload_len = Some(len);
        if st.byte_rate > 0 {
            c.audio.duration_ms = Some(len.saturating_mul(1000) / u64::from(st.byte_rate));
        }
    }
    readers_notes(c, st.info_or_bext);
    // Some taggers append an ID3v2 tag after the RIFF form.
    if result.is_ok() && form_len + (form_len & 1) < file_len {
        let at = form_len + (form_len & 1);
        let mut magic = [0u8; 3];
        if src
            .fill("bytes after the RIFF form", at, &mut magic)
            .is_ok()
            && &magic == b"ID3"
        {
            c.note(format!(
                "an ID3v2 tag is appended after the RIFF form at byte {at}; tools that read WAV look for an \"id3 \" chunk instead"
            ));
            if let Err(e) = id3v2::read_tag(src, at, Some("after RIFF"), c) {
                c.damage(e);
            }
        } else {
            c.note(format!(
                "{} bytes after the end of the RIFF form (byte {form_len}) are not part of the WAV",
                file_len - form_len
            ));
        }
    }
    result
}

fn visit(
    src: &mut Source,
    c: &mut Collector,
    ch: &Chunk,
    st: &mut State,
) -> Result<bool, FormatError> {
    match &ch.id {
        b"fmt " => {
            let b = src.read_upto("fmt chunk", ch.body(), ch.size.min(40))?;
            let e = Endian::Little;
            c.audio.channels = u16_at(&b, 2, e);
            c.audio.sample_rate = u32_at(&b, 4, e);
            st.byte_rate = u32_at(&b, 8, e).unwrap_or(0);
        }
        b"data" => {
            let avail = src.len().saturating_sub(ch.body()).min(ch.size);
            st.data = Some((ch.body(), avail));
        }
        b"id3 " | b"ID3 " => {
            if let Err(e) = id3v2::read_tag(src, ch.body(), Some(&ch.name()), c) {
                c.damage(e);
            }
        }
        b"LIST" => {
            let mut kind = [0u8; 4];
            if ch.size >= 4 {
                src.fill("LIST chunk type", ch.body(), &mut kind)?;
            }
            if &kind == b"INFO" {
                st.info_or_bext = true;
                let body = src.read("LIST/INFO chunk", ch.body() + 4, ch.size.saturating_sub(4))?;
                info(&body, ch.body() + 4, c);
            }
        }
        b"bext" => {
            st.info_or_bext = true;
            let len = ch.size.min(bext::DESCRIPTION_LEN);
            let field = src.read("bext Description", ch.body(), len)?;
            description(&field, ch.body(), c);
        }
        // The specs spell them `iXML` and `axml`; writers vary the case.
        id if id.eq_ignore_ascii_case(b"iXML") => {
            let body = src.read("iXML chunk", ch.body(), ch.size)?;
            xml::scan(&body, TagFormat::Ixml, &ch.name(), ch.offset, c);
        }
        id if id.eq_ignore_ascii_case(b"axml") => {
            let body = src.read("axml chunk", ch.body(), ch.size)?;
            xml::scan(&body, TagFormat::Axml, &ch.name(), ch.offset, c);
        }
        _ => {}
    }
    Ok(true)
}

/// The `ISRC:` entries of a `bext` Description (the FADGI convention), each
/// a site in field `Description` with a note saying so.
fn description(field: &[u8], offset: u64, c: &mut Collector) {
    for r in bext::isrc_entries(field) {
        let raw = bext::decode(&field[r]);
        let loc = c.loc(Some("bext"), TagFormat::Bext, "Description", offset);
        let before = c.sites.len();
        c.field(&raw, loc);
        if c.sites.len() > before
            && let Some(site) = c.sites.last_mut()
        {
            site.notes.push(bext::NOTE.to_string());
        }
    }
}

/// The sub-chunks of a `LIST`/`INFO` chunk: id, size, NUL-terminated text.
fn info(body: &[u8], base: u64, c: &mut Collector) {
    let mut pos = 0usize;
    while pos + 8 <= body.len() {
        let id = &body[pos..pos + 4];
        let Some(size) = u32_at(body, pos + 4, Endian::Little) else {
            break;
        };
        let start = pos + 8;
        let Some(end) = start
            .checked_add(size as usize)
            .filter(|&e| e <= body.len())
        else {
            c.damage(FormatError::damaged(format!(
                "LIST/INFO entry \"{}\" at byte {} claims {size} bytes, more than its chunk holds",
                String::from_utf8_lossy(id),
                base + pos as u64
            )));
            return;
        };
        let raw = &body[start..end];
        let raw = raw.split(|&b| b == 0).next().unwrap_or_default();
        let text = match std::str::from_utf8(raw) {
            Ok(s) => s.to_string(),
            Err(_) => raw.iter().map(|&b| char::from(b)).collect(),
        };
        let key = String::from_utf8_lossy(id);
        if key == "INAM" {
            c.title(&text);
        }
        if c.wants(TagFormat::RiffInfo, &key) {
            let loc = c.loc(
                Some("LIST/INFO"),
                TagFormat::RiffInfo,
                &key,
                base + pos as u64,
            );
            c.field(&text, loc);
        }
        pos = end + (size as usize & 1);
    }
}

/// Notes on the codes that common readers will not show where they sit
/// (what was found with exiftool, ffprobe, mutagen, kid3-cli and
/// MediaInfo: docs/readers.md), so a code that isrckit sees is not taken
/// for one every tool sees.
fn readers_notes(c: &mut Collector, info_or_bext: bool) {
    use crate::model::{CodeKind, TagFormat};
    let info_isrcs: Vec<String> = c
        .sites
        .iter()
        .filter(|s| s.location.tag == TagFormat::RiffInfo && s.valid)
        .filter_map(|s| s.value.clone())
        .collect();
    for site in &mut c.sites {
        let chunk = site.location.chunk.as_deref().unwrap_or_default();
        match site.location.tag {
            TagFormat::Id3v2 => {
                if chunk == "ID3 " {
                    site.notes.push(
                        "not shown by exiftool, which reads an \"id3 \" chunk but not \"ID3 \" (ffprobe, mutagen, kid3 and MediaInfo show it)".into(),
                    );
                }
                let in_info = site.kind == CodeKind::Isrc
                    && site.value.as_ref().is_some_and(|v| info_isrcs.contains(v));
                if info_or_bext && (chunk == "id3 " || chunk == "ID3 ") && !in_info {
                    site.notes.push(
                        "not shown by ffprobe (or any tool built on libavformat): it ignores the ID3 chunk of a WAV that has a LIST/INFO or bext chunk".into(),
                    );
                }
            }
            TagFormat::Ixml => site
                .notes
                .push("shown only by exiftool: ffprobe, mutagen, kid3 and MediaInfo do not read iXML".into()),
            TagFormat::Axml if chunk == "axml" => site.notes.push(
                "not shown by any of exiftool, ffprobe, mutagen, kid3 and MediaInfo: exiftool reads this chunk only when it is spelled \"aXML\"".into(),
            ),
            TagFormat::Axml => site
                .notes
                .push("shown only by exiftool: ffprobe, mutagen, kid3 and MediaInfo do not read aXML".into()),
            _ => {}
        }
    }
}
