//! APEv1/APEv2 tags, found by their footer (usually at the end of an MP3,
//! before an ID3v1 tag). Some taggers (foobar2000, mp3gain, Picard on
//! request) leave one there. The reader and the writer share one parse.

use crate::formats::keys;
use crate::formats::{Collector, FormatError};
use crate::model::TagFormat;
use crate::plan::{Change, Codes};
use crate::source::Source;

/// An APE tag found by its footer.
struct Tag {
    /// The 32-byte footer.
    footer: [u8; 32],
    /// File offset of the tag (its header, if it has one).
    start: u64,
    /// File offset of the first item.
    items_at: u64,
    /// Whether a 32-byte header precedes the items.
    has_header: bool,
    /// The item bytes.
    items: Vec<u8>,
}

/// One item, as ranges of [`Tag::items`].
struct Item {
    /// Where the item starts.
    at: usize,
    key: String,
    flags: u32,
    /// Where the key starts (after the 8-byte item header).
    key_at: usize,
    /// The value's range.
    value: std::ops::Range<usize>,
}

impl Item {
    /// Whether the value is text (item type bits 1-2: 0 = UTF-8).
    fn is_text(&self) -> bool {
        (self.flags >> 1) & 3 == 0
    }
}

fn le(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

/// The APE tag whose footer ends at `end`, if there is one.
fn locate(src: &mut Source, end: u64) -> Result<Option<Tag>, FormatError> {
    if end < 32 {
        return Ok(None);
    }
    let footer_at = end - 32;
    let footer: [u8; 32] = src.header("APE tag footer", footer_at)?;
    if &footer[0..8] != b"APETAGEX" {
        return Ok(None);
    }
    let size = u64::from(le(&footer, 12));
    if size < 32 || size > end {
        return Err(FormatError::damaged(format!(
            "APE tag footer at byte {footer_at} claims a {size}-byte tag, which does not fit before it"
        )));
    }
    let items_at = end - size;
    let has_header = le(&footer, 20) & 0x8000_0000 != 0 && items_at >= 32;
    let items = src.read("APE tag items", items_at, size - 32)?;
    Ok(Some(Tag {
        footer,
        start: if has_header { items_at - 32 } else { items_at },
        items_at,
        has_header,
        items,
    }))
}

impl Tag {
    /// The items the footer counts, up to any damage (which names the
    /// item's file offset): the reader keeps what came before it.
    fn parse(&self) -> (Vec<Item>, Option<FormatError>) {
        let damage = |at: usize, why: &str| {
            FormatError::damaged(format!(
                "APE tag item at byte {}: {why}",
                self.items_at + at as u64
            ))
        };
        let items = &self.items;
        let mut out = Vec::new();
        let mut pos = 0usize;
        for _ in 0..le(&self.footer, 16) {
            if items.len() < pos + 8 {
                return (out, Some(damage(pos, "truncated item header")));
            }
            let vlen = le(items, pos) as usize;
            let flags = le(items, pos + 4);
            let key_at = pos + 8;
            let Some(nul) = items
                .get(key_at..)
                .and_then(|k| k.iter().position(|&b| b == 0))
            else {
                return (out, Some(damage(pos, "item key without its terminator")));
            };
            let key = String::from_utf8_lossy(&items[key_at..key_at + nul]).into_owned();
            let val_at = key_at + nul + 1;
            let Some(val_end) = val_at.checked_add(vlen).filter(|&e| e <= items.len()) else {
                let why = format!("item \"{key}\" claims {vlen} bytes, more than the tag holds");
                return (out, Some(damage(pos, &why)));
            };
            out.push(Item {
                at: pos,
                key,
                flags,
                key_at,
                value: val_at..val_end,
            });
            pos = val_end;
        }
        (out, None)
    }
}

/// If an APE tag footer ends at `end`, read the tag and return the file
/// offset where the tag (with its header, if any) starts.
pub(crate) fn read_before(
    src: &mut Source,
    end: u64,
    c: &mut Collector,
) -> Result<Option<u64>, FormatError> {
    let Some(tag) = locate(src, end)? else {
        return Ok(None);
    };
    let ver = if le(&tag.footer, 8) >= 2000 { "2" } else { "1" };
    let (items, damage) = tag.parse();
    for item in items.iter().filter(|i| i.is_text()) {
        let text = String::from_utf8_lossy(&tag.items[item.value.clone()]);
        if item.key.eq_ignore_ascii_case("title") {
            c.title(&text);
        }
        if !c.wants(TagFormat::Ape, &item.key) {
            continue;
        }
        for v in text.split('\0').filter(|v| !v.is_empty()) {
            let at = tag.items_at + item.at as u64;
            let mut loc = c.loc(Some("tail"), TagFormat::Ape, &item.key, at);
            loc.version = Some(ver.into());
            loc.encoding = Some("UTF-8".into());
            c.field(v, loc);
        }
    }
    match damage {
        Some(e) => Err(e),
        None => Ok(Some(tag.start)),
    }
}

/// Rewrite the APE tag that ends at `end` so its code items hold `codes`
/// (item order, flags and every other item kept byte for byte; sizes in the
/// header and footer updated). Returns the tag's start and end in the file,
/// the new bytes and the changes; `None` when there is no APE tag there or
/// nothing to change.
#[allow(clippy::type_complexity)] // (start, end, bytes, changes): used once
pub(crate) fn edit_before(
    src: &mut Source,
    end: u64,
    codes: &Codes,
) -> Result<Option<(u64, u64, Vec<u8>, Vec<Change>)>, FormatError> {
    let Some(tag) = locate(src, end)? else {
        return Ok(None);
    };
    let items = &tag.items;
    let mut out_items = Vec::with_capacity(items.len() + 32);
    let mut changes = Vec::new();
    let mut pos = 0;
    let (parsed, damage) = tag.parse();
    if let Some(e) = damage {
        return Err(e);
    }
    for item in parsed {
        let text = String::from_utf8_lossy(&items[item.value.clone()]).into_owned();
        let new = keys::lookup(TagFormat::Ape, &item.key)
            .filter(|_| item.is_text())
            .filter(|spec| spec.holds_code(&text))
            .and_then(|spec| codes.text(spec.kind).map(|t| (spec.kind, t)))
            .filter(|(_, t)| *t != text);
        match new {
            Some((kind, t)) => {
                out_items.extend_from_slice(&(t.len() as u32).to_le_bytes());
                out_items.extend_from_slice(&item.flags.to_le_bytes());
                out_items.extend_from_slice(&items[item.key_at..item.value.start]);
                out_items.extend_from_slice(t.as_bytes());
                changes.push(Change {
                    kind,
                    location: format!("tail › APEv2 {}", item.key),
                    old: Some(text),
                    new: t,
                });
            }
            None => out_items.extend_from_slice(&items[item.at..item.value.end]),
        }
        pos = item.value.end;
    }
    if changes.is_empty() {
        return Ok(None);
    }
    // Anything after the counted items (rare) is kept too.
    out_items.extend_from_slice(items.get(pos..).unwrap_or_default());
    let new_size = u32::try_from(out_items.len() + 32)
        .map_err(|_| FormatError::damaged("APE tag would exceed 4 GiB"))?;
    let mut out = Vec::with_capacity(out_items.len() + 64);
    if tag.has_header {
        let mut h: [u8; 32] = src.header("APE tag header", tag.start)?;
        h[12..16].copy_from_slice(&new_size.to_le_bytes());
        out.extend_from_slice(&h);
    }
    out.extend_from_slice(&out_items);
    let mut footer = tag.footer;
    footer[12..16].copy_from_slice(&new_size.to_le_bytes());
    out.extend_from_slice(&footer);
    Ok(Some((tag.start, end, out, changes)))
}
