//! iXML and aXML chunks: XML documents scanned for code-bearing elements.
//!
//! - iXML: the `ASWG` block's `isrcId` (what sound-library tools read);
//!   any other element whose name mentions ISRC, or names a barcode, is
//!   reported as a non-standard site when its text is a valid code.
//! - aXML: EBUCore `identifier` elements marked as ISRCs, by `typeLabel`
//!   (what isrckit writes) or by `formatLabel`, `typeDefinition`,
//!   `formatDefinition` or a `typeLink`/`formatLink` (EBUCore lets either
//!   the identifier's type or its format say "ISRC"; archives use both),
//!   the value in the element or in a nested `dc:identifier`, stored as
//!   found (an `ISRC:` prefix is reported as a non-canonical form); other
//!   elements as for iXML.
//!
//! Free text (a description that mentions a code) is never a code site.

use crate::formats::{Collector, FormatError};
use crate::model::{CodeKind, TagFormat};
use quick_xml::Reader;
use quick_xml::events::Event;

const BARCODE_NAMES: &[&str] = &[
    "barcode", "upc", "ean", "gtin", "upc_ean", "upcean", "ean13",
];

/// Scan an XML chunk body; `chunk_offset` is the chunk header's file offset.
pub(crate) fn scan(body: &[u8], tag: TagFormat, chunk: &str, chunk_offset: u64, c: &mut Collector) {
    let body = body.split(|&b| b == 0).next().unwrap_or_default();
    let mut reader = Reader::from_reader(body);
    let mut path: Vec<String> = Vec::new();
    // Depth of an open EBUCore identifier element typed ISRC.
    let mut isrc_identifier: Option<usize> = None;
    let mut buf = Vec::new();
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(ev) => ev,
            Err(e) => {
                c.damage(FormatError::damaged(format!(
                    "{chunk} chunk at byte {chunk_offset} is not well-formed XML near byte {} of the document ({e}); codes before that point were read",
                    reader.buffer_position()
                )));
                return;
            }
        };
        match event {
            Event::Start(e) => {
                let name = e.local_name().into_inner().to_string();
                if name.eq_ignore_ascii_case("identifier") && isrc_identifier.is_none() {
                    let typed = e.attributes().flatten().any(|a| {
                        let key: &str = a.key.local_name().into_inner();
                        matches!(
                            key,
                            "typeLabel"
                                | "typeDefinition"
                                | "typeLink"
                                | "formatLabel"
                                | "formatDefinition"
                                | "formatLink"
                        ) && a.value.trim().eq_ignore_ascii_case("ISRC")
                    });
                    if typed {
                        isrc_identifier = Some(path.len());
                    }
                }
                path.push(name);
                if path.len() > 512 {
                    c.damage(FormatError::damaged(format!(
                        "{chunk} chunk at byte {chunk_offset} nests elements more than 512 deep; not read further"
                    )));
                    return;
                }
            }
            Event::End(_) => {
                path.pop();
                if isrc_identifier.is_some_and(|d| path.len() <= d) {
                    isrc_identifier = None;
                }
            }
            Event::Text(t) => element_text(
                t.trim(),
                &path,
                isrc_identifier.is_some(),
                tag,
                chunk,
                chunk_offset,
                c,
            ),
            Event::CData(t) => element_text(
                t.trim(),
                &path,
                isrc_identifier.is_some(),
                tag,
                chunk,
                chunk_offset,
                c,
            ),
            Event::Eof => return,
            _ => {}
        }
        buf.clear();
    }
}

/// Text inside an element (empty text is ignored).
fn element_text(
    text: &str,
    path: &[String],
    in_isrc_identifier: bool,
    tag: TagFormat,
    chunk: &str,
    offset: u64,
    c: &mut Collector,
) {
    if text.is_empty() {
        return;
    }
    let Some(name) = path.last() else { return };
    let parent = path.len().checked_sub(2).and_then(|i| path.get(i));
    let joined = path.join("/");
    if in_isrc_identifier {
        let loc = c.loc(Some(chunk), tag, "ebucore:identifier[ISRC]", offset);
        if !c.field(text, loc.clone()) {
            let mut loc = loc;
            loc.field = joined;
            c.found_in_text(
                CodeKind::Isrc,
                text,
                loc,
                "an EBUCore identifier typed ISRC outside an aXML chunk".into(),
            );
        }
        return;
    }
    if name.eq_ignore_ascii_case("isrcId") && parent.is_some_and(|p| p.eq_ignore_ascii_case("ASWG"))
    {
        let loc = c.loc(Some(chunk), tag, "ASWG/isrcId", offset);
        if !c.field(text, loc.clone()) {
            c.found_in_text(
                CodeKind::Isrc,
                text,
                loc,
                "the iXML ASWG isrcId element in an aXML chunk".into(),
            );
        }
        return;
    }
    let lower = name.to_ascii_lowercase();
    let kind = if lower.contains("isrc") {
        CodeKind::Isrc
    } else if BARCODE_NAMES.contains(&lower.as_str()) {
        CodeKind::Barcode
    } else {
        return;
    };
    let loc = c.loc(Some(chunk), tag, &joined, offset);
    c.found_in_text(
        kind,
        text,
        loc,
        format!("element <{joined}> is not a standard place for a code; tools may not see it"),
    );
}
