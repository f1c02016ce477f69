//! APEv1/APEv2 tags, found by their footer (usually at the end of an MP3,
//! before an ID3v1 tag). Some taggers (foobar2000, mp3gain, Picard on
//! request) leave one there.

use crate::formats::source::Source;
use crate::formats::{Collector, FormatError};
use crate::model::TagFormat;

/// If an APE tag footer ends at `end`, read the tag and return the file
/// offset where the tag (with its header, if any) starts.
pub(crate) fn read_before(
    src: &mut Source,
    end: u64,
    c: &mut Collector,
) -> Result<Option<u64>, FormatError> {
    if end < 32 {
        return Ok(None);
    }
    let footer_at = end - 32;
    let f: [u8; 32] = src.header("APE tag footer", footer_at)?;
    if &f[0..8] != b"APETAGEX" {
        return Ok(None);
    }
    let le = |i: usize| u32::from_le_bytes([f[i], f[i + 1], f[i + 2], f[i + 3]]);
    let version = le(8);
    let size = u64::from(le(12));
    let count = le(16);
    let flags = le(20);
    if size < 32 || size > end {
        return Err(FormatError::damaged(format!(
            "APE tag footer at byte {footer_at} claims a {size}-byte tag, which does not fit before it"
        )));
    }
    let items_at = end - size;
    let has_header = flags & 0x8000_0000 != 0;
    let start = if has_header && items_at >= 32 {
        items_at - 32
    } else {
        items_at
    };
    let items = src.read("APE tag items", items_at, size - 32)?;
    let ver = if version >= 2000 { "2" } else { "1" };
    let mut pos = 0usize;
    for _ in 0..count {
        let Some(h) = items.get(pos..pos + 8) else {
            return Err(item_damage(items_at + pos as u64, "truncated item header"));
        };
        let vlen = u32::from_le_bytes([h[0], h[1], h[2], h[3]]) as usize;
        let iflags = u32::from_le_bytes([h[4], h[5], h[6], h[7]]);
        let key_at = pos + 8;
        let Some(nul) = items
            .get(key_at..)
            .and_then(|k| k.iter().position(|&b| b == 0))
        else {
            return Err(item_damage(
                items_at + pos as u64,
                "item key without its terminator",
            ));
        };
        let key = String::from_utf8_lossy(&items[key_at..key_at + nul]).into_owned();
        let val_at = key_at + nul + 1;
        let Some(value) = val_at.checked_add(vlen).and_then(|e| items.get(val_at..e)) else {
            return Err(item_damage(
                items_at + pos as u64,
                &format!("item \"{key}\" claims {vlen} bytes, more than the tag holds"),
            ));
        };
        // Item type bits 1-2: 0 = UTF-8 text.
        if (iflags >> 1) & 3 == 0 {
            let text = String::from_utf8_lossy(value);
            if key.eq_ignore_ascii_case("title") {
                c.title(&text);
            }
            for v in text.split('\0').filter(|v| !v.is_empty()) {
                let mut loc = c.loc(Some("tail"), TagFormat::Ape, &key, items_at + pos as u64);
                loc.version = Some(ver.to_string());
                loc.encoding = Some("UTF-8".to_string());
                c.field(v, loc);
            }
        }
        pos = val_at + vlen;
    }
    Ok(Some(start))
}

fn item_damage(at: u64, why: &str) -> FormatError {
    FormatError::damaged(format!("APE tag item at byte {at}: {why}"))
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
    codes: &crate::write::codes::Codes,
) -> Result<Option<(u64, u64, Vec<u8>, Vec<crate::write::codes::Change>)>, FormatError> {
    use crate::formats::keys::{self, Role};
    use crate::write::codes::Change;
    if end < 32 {
        return Ok(None);
    }
    let f: [u8; 32] = src.header("APE tag footer", end - 32)?;
    if &f[0..8] != b"APETAGEX" {
        return Ok(None);
    }
    let le = |b: &[u8], i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let size = u64::from(le(&f, 12));
    let count = le(&f, 16);
    let flags = le(&f, 20);
    if size < 32 || size > end {
        return Err(FormatError::damaged(
            "APE tag size does not fit before its footer",
        ));
    }
    let items_at = end - size;
    let has_header = flags & 0x8000_0000 != 0 && items_at >= 32;
    let start = if has_header { items_at - 32 } else { items_at };
    let items = src.read("APE tag items", items_at, size - 32)?;
    let mut out_items = Vec::with_capacity(items.len() + 32);
    let mut changes = Vec::new();
    let mut pos = 0usize;
    for _ in 0..count {
        let Some(h) = items.get(pos..pos + 8) else {
            return Err(item_damage(items_at + pos as u64, "truncated item header"));
        };
        let vlen = le(h, 0) as usize;
        let iflags = le(h, 4);
        let key_at = pos + 8;
        let Some(nul) = items
            .get(key_at..)
            .and_then(|k| k.iter().position(|&b| b == 0))
        else {
            return Err(item_damage(
                items_at + pos as u64,
                "item key without its terminator",
            ));
        };
        let key = String::from_utf8_lossy(&items[key_at..key_at + nul]).into_owned();
        let val_at = key_at + nul + 1;
        let Some(value) = val_at.checked_add(vlen).and_then(|e| items.get(val_at..e)) else {
            return Err(item_damage(items_at + pos as u64, "item runs past the tag"));
        };
        let text = String::from_utf8_lossy(value).into_owned();
        let new = keys::lookup(TagFormat::Ape, &key)
            .filter(|_| (iflags >> 1) & 3 == 0)
            .filter(|spec| {
                spec.role != Role::IfValid || crate::codes::assess(spec.kind, &text).valid
            })
            .and_then(|spec| codes.text(spec.kind).map(|t| (spec.kind, t)))
            .filter(|(_, t)| *t != text);
        match new {
            Some((kind, t)) => {
                out_items.extend_from_slice(&(t.len() as u32).to_le_bytes());
                out_items.extend_from_slice(&iflags.to_le_bytes());
                out_items.extend_from_slice(&items[key_at..val_at]);
                out_items.extend_from_slice(t.as_bytes());
                changes.push(Change {
                    kind,
                    location: format!("tail › APEv2 {key}"),
                    old: Some(text),
                    new: t,
                });
            }
            None => out_items.extend_from_slice(&items[pos..val_at + vlen]),
        }
        pos = val_at + vlen;
    }
    if changes.is_empty() {
        return Ok(None);
    }
    // Anything after the counted items (rare) is kept too.
    out_items.extend_from_slice(items.get(pos..).unwrap_or_default());
    let new_size = u32::try_from(out_items.len() + 32)
        .map_err(|_| FormatError::damaged("APE tag would exceed 4 GiB"))?;
    let mut out = Vec::with_capacity(out_items.len() + 64);
    if has_header {
        let mut h: [u8; 32] = src.header("APE tag header", start)?;
        h[12..16].copy_from_slice(&new_size.to_le_bytes());
        out.extend_from_slice(&h);
    }
    out.extend_from_slice(&out_items);
    let mut footer = f;
    footer[12..16].copy_from_slice(&new_size.to_le_bytes());
    out.extend_from_slice(&footer);
    Ok(Some((start, end, out, changes)))
}
