//! Writing codes into WAV / BWF / RF64 / BW64.
//!
//! Every chunk is carried across in order; only the chunks that hold codes
//! are rebuilt: the ID3v2 chunk(s) (`id3 ` or `ID3 `, as found), LIST/INFO
//! `ISRC` when it holds a code (or with `--targets wav:info`), iXML and
//! aXML elements that hold a code (or with `wav:ixml` / `wav:axml`), the
//! `ISRC:` entries of a `bext` Description. A file without an ID3 chunk
//! gets an `id3 ` chunk at the end, after `data`, so the audio does not
//! move. The RIFF (or ds64) size is set to the new total.

use super::bext;
use crate::formats::id3v2::write::{edit, new_tag};
use crate::formats::keys;
use crate::formats::riff::{self, Chunk, Endian, chunk_bytes, u32_at, u64_at};
use crate::model::{CodeKind, TagFormat};
use crate::plan::Piece;
use crate::plan::{Change, Codes};
use crate::plan::{Plan, PlanError, Targets};
use crate::source::Source;

pub(crate) fn plan(
    src: &mut Source,
    codes: &Codes,
    targets: &Targets,
) -> Result<Option<Plan>, PlanError> {
    let h: [u8; 12] = src.header("RIFF header", 0)?;
    let large = &h[0..4] != b"RIFF";
    if !large && h[4..8] == [0xFF; 4] {
        return Err(PlanError::Unsupported(
            "a WAV written as a stream (its RIFF and data sizes are 0xFFFFFFFF): re-wrap it first so its sizes are real (ffmpeg -i IN.wav -c copy OUT.wav), then write the codes".into(),
        ));
    }
    let mut start = 12;
    let mut ds64: Option<(u64, Vec<u8>)> = None; // (body offset, body)
    let mut form_end = u64::from(u32::from_le_bytes([h[4], h[5], h[6], h[7]])) + 8;
    let mut data_size = None;
    let mut table: Vec<([u8; 4], u64)> = Vec::new();
    if large {
        let dh: [u8; 8] = src.header("ds64 chunk header", 12)?;
        if &dh[0..4] != b"ds64" {
            return Err(PlanError::Damaged(
                "RF64/BW64 file without a ds64 chunk".into(),
            ));
        }
        let size = u64::from(u32::from_le_bytes([dh[4], dh[5], dh[6], dh[7]]));
        let body = src.read("ds64 chunk", 20, size)?;
        let e = Endian::Little;
        form_end = u64_at(&body, 0, e).map_or(src.len(), |r| r.saturating_add(8));
        if h[4..8] != [0xFF; 4] {
            form_end = src.len();
        }
        data_size = u64_at(&body, 8, e);
        let n = u32_at(&body, 24, e).unwrap_or(0) as usize;
        for i in 0..n.min(body.len() / 12) {
            let at = 28 + i * 12;
            if let (Some(id), Some(sz)) = (body.get(at..at + 4), u64_at(&body, at + 4, e)) {
                table.push(([id[0], id[1], id[2], id[3]], sz));
            }
        }
        start = 20 + size + (size & 1);
        ds64 = Some((20, body));
    }
    let end = form_end.min(src.len());
    let chunks = riff::list(src, start, end, Endian::Little, &mut |id| {
        if id == b"data" {
            data_size
        } else {
            table.iter().find(|(t, _)| t == id).map(|&(_, s)| s)
        }
    })?;

    // ffprobe (libavformat) drops a WAV's ID3 chunk when the file has a
    // LIST/INFO or bext chunk (docs/readers.md): there the ISRC also goes
    // into INFO, unless the targets say otherwise.
    let mut has_info = false;
    for c in chunks.iter().filter(|c| &c.id == b"LIST" && c.size >= 4) {
        let mut kind = [0u8; 4];
        src.fill("LIST type", c.body(), &mut kind)?;
        has_info |= &kind == b"INFO";
    }
    let has_bext = chunks.iter().any(|c| &c.id == b"bext");
    let add_info = targets.wav_info || (targets.wav_info_for_ffprobe && (has_info || has_bext));
    let mut body_pieces: Vec<Piece> = Vec::new();
    let mut changes = Vec::new();
    let mut seen_id3 = false;
    let mut seen_info = false;
    let mut seen_ixml = false;
    let mut seen_axml = false;
    for ch in &chunks {
        let name = ch.name();
        let place = format!("chunk \"{name}\"");
        let rebuilt: Option<Vec<u8>> = match &ch.id {
            b"id3 " | b"ID3 " => {
                let body = src.read("ID3 chunk", ch.body(), ch.size)?;
                let e = edit(&body, codes, &place, !seen_id3)?;
                seen_id3 = true;
                e.map(|e| {
                    changes.extend(e.changes);
                    chunk_bytes(&ch.id, &e.bytes, Endian::Little)
                })
            }
            b"LIST" => {
                let mut kind = [0u8; 4];
                if ch.size >= 4 {
                    src.fill("LIST type", ch.body(), &mut kind)?;
                }
                if &kind == b"INFO" {
                    seen_info = true;
                    let body = src.read("LIST/INFO chunk", ch.body(), ch.size)?;
                    info_edit(&body, codes, add_info, &mut changes)
                        .map(|b| chunk_bytes(b"LIST", &b, Endian::Little))
                } else {
                    None
                }
            }
            b"bext" => bext_edit(src, ch, codes, &mut changes)?,
            id if id.eq_ignore_ascii_case(b"iXML") => {
                seen_ixml = true;
                let body = src.read("iXML chunk", ch.body(), ch.size)?;
                xml_edit(
                    &body,
                    codes,
                    XmlKind::Ixml,
                    targets.wav_ixml,
                    &place,
                    &mut changes,
                )
                .map(|b| chunk_bytes(&ch.id, &b, Endian::Little))
            }
            id if id.eq_ignore_ascii_case(b"axml") => {
                seen_axml = true;
                let body = src.read("axml chunk", ch.body(), ch.size)?;
                xml_edit(
                    &body,
                    codes,
                    XmlKind::Axml,
                    targets.wav_axml,
                    &place,
                    &mut changes,
                )
                .map(|b| chunk_bytes(&ch.id, &b, Endian::Little))
            }
            _ => None,
        };
        match rebuilt {
            Some(bytes) => body_pieces.push(Piece::Bytes(bytes)),
            None => body_pieces.push(copy_chunk(ch, src.len())),
        }
    }
    // New chunks go at the end, after `data`: the audio does not move.
    if !seen_id3 && targets.wav_id3 {
        let e = new_tag(codes, "chunk \"id3 \"");
        changes.extend(e.changes);
        body_pieces.push(Piece::Bytes(chunk_bytes(b"id3 ", &e.bytes, Endian::Little)));
    }
    if !seen_info
        && add_info
        && let Some(body) = info_edit(b"INFO", codes, true, &mut changes)
    {
        body_pieces.push(Piece::Bytes(chunk_bytes(b"LIST", &body, Endian::Little)));
    }
    if !seen_ixml && targets.wav_ixml {
        let doc = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BWFXML>\n</BWFXML>\n";
        if let Some(b) = xml_edit(
            doc,
            codes,
            XmlKind::Ixml,
            true,
            "chunk \"iXML\"",
            &mut changes,
        ) {
            body_pieces.push(Piece::Bytes(chunk_bytes(b"iXML", &b, Endian::Little)));
        }
    }
    // A new aXML chunk is spelled `aXML`, not `axml` as EBU Tech 3285
    // supplement 5 has it: exiftool (12.57) reads only `aXML`, BWF MetaEdit
    // reads both (and writes `axml` since it fixed the case), MediaInfo
    // shows neither's EBUCore identifier, ffprobe reads neither (see
    // docs/readers.md). An existing chunk keeps the id it has.
    if !seen_axml && targets.wav_axml {
        let doc = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ebucore:ebuCoreMain xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:ebucore=\"urn:ebu:metadata-schema:ebucore\">\n<ebucore:coreMetadata>\n</ebucore:coreMetadata>\n</ebucore:ebuCoreMain>\n";
        if let Some(b) = xml_edit(
            doc,
            codes,
            XmlKind::Axml,
            true,
            "chunk \"aXML\"",
            &mut changes,
        ) {
            body_pieces.push(Piece::Bytes(chunk_bytes(b"aXML", &b, Endian::Little)));
        }
    }
    if changes.is_empty() {
        return Ok(None);
    }
    let body_len: u64 = body_pieces.iter().map(Piece::len).sum::<u64>() + (start - 12);
    let total = body_len + 12;
    let mut header = h[..12].to_vec();
    let mut pieces = Vec::new();
    match ds64 {
        None => {
            let riff = u32::try_from(total - 8).map_err(|_| {
                PlanError::Unsupported(
                    "the file would pass 4 GiB, the RIFF limit; convert it to RF64 first".into(),
                )
            })?;
            header[4..8].copy_from_slice(&riff.to_le_bytes());
            pieces.push(Piece::Bytes(header));
        }
        Some((at, mut body)) => {
            header[4..8].copy_from_slice(&[0xFF; 4]);
            pieces.push(Piece::Bytes(header));
            if let Some(riff) = body.get_mut(0..8) {
                riff.copy_from_slice(&(total - 8).to_le_bytes());
            }
            let mut ds = chunk_bytes(b"ds64", &body, Endian::Little);
            ds.truncate((start - 12) as usize);
            let _ = at;
            pieces.push(Piece::Bytes(ds));
        }
    }
    pieces.extend(body_pieces);
    Ok(Some(Plan { pieces, changes }))
}

/// Copy a chunk as it is (header, body and pad byte where the file has it).
pub(crate) fn copy_chunk(ch: &Chunk, file_len: u64) -> Piece {
    let want = 8 + ch.size + (ch.size & 1);
    Piece::Copy {
        offset: ch.offset,
        len: want.min(file_len.saturating_sub(ch.offset)),
    }
}

/// Rebuild a LIST/INFO body (starting with "INFO") with its `ISRC` entry
/// holding the new ISRC: an entry that holds a valid ISRC is updated (one
/// that holds something else, a real "Source", is left); with `add`, an
/// entry is added when there is none. `None` when nothing changes.
fn info_edit(body: &[u8], codes: &Codes, add: bool, changes: &mut Vec<Change>) -> Option<Vec<u8>> {
    let new = codes.text(CodeKind::Isrc)?;
    let mut out = body.get(..4)?.to_vec();
    let mut pos = 4usize;
    let mut found = false;
    let mut changed = false;
    while pos + 8 <= body.len() {
        let id = &body[pos..pos + 4];
        let size = u32_at(body, pos + 4, Endian::Little)? as usize;
        let data = body.get(pos + 8..pos + 8 + size)?;
        let text = String::from_utf8_lossy(data.split(|&b| b == 0).next().unwrap_or_default())
            .into_owned();
        if id == b"ISRC" && info_isrc_is_site(&text) {
            found = true;
            if text != new {
                changed = true;
                changes.push(Change {
                    kind: CodeKind::Isrc,
                    location: "chunk \"LIST/INFO\" › INFO ISRC".into(),
                    old: Some(text),
                    new: new.clone(),
                });
                out.extend(info_entry(b"ISRC", &new));
            } else {
                out.extend_from_slice(&body[pos..(pos + 8 + size + (size & 1)).min(body.len())]);
            }
        } else {
            found |= id == b"ISRC" && add;
            out.extend_from_slice(&body[pos..(pos + 8 + size + (size & 1)).min(body.len())]);
        }
        pos += 8 + size + (size & 1);
    }
    if !found && add {
        changed = true;
        changes.push(Change {
            kind: CodeKind::Isrc,
            location: "chunk \"LIST/INFO\" › INFO ISRC".into(),
            old: None,
            new: new.clone(),
        });
        out.extend(info_entry(b"ISRC", &new));
    }
    changed.then_some(out)
}

/// Whether the text of an INFO `ISRC` entry is a code site, as the reader
/// decides (the key table's ambiguous role: an ISRC's shape, valid or not).
fn info_isrc_is_site(text: &str) -> bool {
    keys::lookup(TagFormat::RiffInfo, "ISRC").is_some_and(|spec| spec.holds_code(text))
}

/// The `bext` chunk with the `ISRC:` entries of its Description holding the
/// new ISRC (the FADGI convention the reader reports); `None` when it has
/// none or they already hold it. The rest of the chunk is kept as it is.
fn bext_edit(
    src: &mut Source,
    ch: &Chunk,
    codes: &Codes,
    changes: &mut Vec<Change>,
) -> Result<Option<Vec<u8>>, PlanError> {
    let Some(new) = codes.text(CodeKind::Isrc) else {
        return Ok(None);
    };
    let len = ch.size.min(bext::DESCRIPTION_LEN);
    let field = src.read("bext Description", ch.body(), len)?;
    let Some(rewritten) = bext::rewrite(&field, &new).map_err(PlanError::Unsupported)? else {
        return Ok(None);
    };
    for r in bext::isrc_entries(&field) {
        let old = bext::decode(&field[r]);
        if old != new {
            changes.push(Change {
                kind: CodeKind::Isrc,
                location: "chunk \"bext\" › Description ISRC: entry".into(),
                old: Some(old),
                new: new.clone(),
            });
        }
    }
    let mut body = rewritten;
    body.extend(src.read("bext chunk", ch.body() + len, ch.size - len)?);
    Ok(Some(chunk_bytes(b"bext", &body, Endian::Little)))
}

fn info_entry(id: &[u8; 4], text: &str) -> Vec<u8> {
    let mut body = text.as_bytes().to_vec();
    body.push(0);
    chunk_bytes(id, &body, Endian::Little)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum XmlKind {
    Ixml,
    Axml,
}

/// Update the code text in an iXML / aXML document: every element that
/// holds a code of a kind being written (as the reader finds them) gets
/// the new text; with `add`, the standard element is added when absent.
/// The rest of the document is kept byte for byte.
fn xml_edit(
    body: &[u8],
    codes: &Codes,
    kind: XmlKind,
    add: bool,
    place: &str,
    changes: &mut Vec<Change>,
) -> Option<Vec<u8>> {
    let text =
        String::from_utf8_lossy(body.split(|&b| b == 0).next().unwrap_or_default()).into_owned();
    // What the reader sees in this document, by kind.
    let mut c = crate::formats::Collector::new(crate::model::Container::Wav);
    let tag = match kind {
        XmlKind::Ixml => crate::model::TagFormat::Ixml,
        XmlKind::Axml => crate::model::TagFormat::Axml,
    };
    crate::formats::xml::scan(text.as_bytes(), tag, "x", 0, &mut c);
    let mut doc = text.clone();
    let mut changed = false;
    let mut has_standard = false;
    for site in &c.sites {
        let Some(new) = codes.text(site.kind) else {
            continue;
        };
        has_standard |= site.location.standard
            || site.kind == CodeKind::Isrc && site.location.field.ends_with("isrcId");
        if site.raw == new {
            continue;
        }
        let (from, to) = (format!(">{}<", site.raw), format!(">{new}<"));
        if doc.contains(&from) {
            doc = doc.replacen(&from, &to, 1);
            changed = true;
            changes.push(Change {
                kind: site.kind,
                location: format!("{place} › {}", site.location.field),
                old: Some(site.raw.clone()),
                new,
            });
        }
    }
    let isrc = codes.text(CodeKind::Isrc);
    if add
        && !has_standard
        && let Some(new) = isrc
    {
        let (element, close, field) = match kind {
            XmlKind::Ixml => (
                format!("<ASWG>\n<isrcId>{new}</isrcId>\n</ASWG>\n"),
                "</BWFXML>",
                "ASWG/isrcId",
            ),
            XmlKind::Axml => (
                format!(
                    "<ebucore:identifier typeLabel=\"ISRC\">\n<dc:identifier>{new}</dc:identifier>\n</ebucore:identifier>\n"
                ),
                "</ebucore:coreMetadata>",
                "ebucore:identifier[ISRC]",
            ),
        };
        if kind == XmlKind::Ixml && doc.contains("<ASWG>") {
            doc = doc.replacen("<ASWG>", &format!("<ASWG>\n<isrcId>{new}</isrcId>"), 1);
        } else if let Some(at) = doc.rfind(close) {
            doc.insert_str(at, &element);
        } else {
            return changed.then(|| doc.into_bytes());
        }
        changed = true;
        changes.push(Change {
            kind: CodeKind::Isrc,
            location: format!("{place} › {field}"),
            old: None,
            new,
        });
    }
    changed.then(|| doc.into_bytes())
}
