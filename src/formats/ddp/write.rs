//! Patching a finished DDP image: the ISRC of a track, the disc's UPC/EAN,
//! at every site the image holds it (PQ descriptor entries, DDPMS map
//! packets, CD-TEXT 0x8E packs, DDPID), and the image's MD5 checksum
//! files. The plan is made from the image's small files read whole (the
//! audio stream is never opened), checked by reading the planned image
//! back through the reader, and handed to the writer as a
//! [`SetPlan`]: one edit per changed file, checksum files last.
//! `docs/ddp.md` says which bytes change and why.

use super::read::{self, Folder, Overlay, pack_crc};
use crate::codes::Isrc;
use crate::formats::Collector;
use crate::model::{CodeKind, Container};
use crate::plan::{Change, Codes, Edit, PlanError, SetPlan};
use crate::source::Source;
use md5::{Digest, Md5};
use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

/// The largest descriptor file read whole (a map of 1000 packets, a PQ
/// stream of 10 000 entries, 2048 CD-TEXT packs all fit), and the largest
/// checksum list.
const MAX_SMALL: u64 = 1 << 20;

fn damaged(msg: impl Into<String>) -> PlanError {
    PlanError::Damaged(msg.into())
}

fn refuse(msg: impl Into<String>) -> PlanError {
    PlanError::Unsupported(msg.into())
}

/// A fixed-width field's text without padding.
fn field(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .trim_matches(|c: char| c == ' ' || c == '\0')
        .to_string()
}

fn blank(raw: &str) -> bool {
    raw.chars().all(|c| c == '0')
}

/// The image as planned: each file's bytes by its name in the folder.
struct Files {
    dir: PathBuf,
    folder: Folder<'static>,
    /// Name in the folder (as found) -> bytes.
    bytes: BTreeMap<OsString, Vec<u8>>,
    /// The order files were read in.
    order: Vec<OsString>,
}

impl Files {
    /// Read a small file of the image whole, by the name the map gives.
    fn load(&mut self, name: &str) -> Result<OsString, PlanError> {
        let path = self
            .folder
            .find(name)
            .ok_or_else(|| damaged(format!("{name} is not in the image's folder")))?;
        let found = path
            .file_name()
            .map(OsStr::to_os_string)
            .ok_or_else(|| damaged(format!("{name}: not a file name")))?;
        if self.bytes.contains_key(&found) {
            return Ok(found);
        }
        let len = std::fs::metadata(&path)
            .map_err(|e| damaged(format!("cannot read {name}: {e}")))?
            .len();
        if len > MAX_SMALL {
            return Err(refuse(format!(
                "{name} is {len} bytes, more than isrckit reads whole for a write ({MAX_SMALL})"
            )));
        }
        let b = std::fs::read(&path).map_err(|e| damaged(format!("cannot read {name}: {e}")))?;
        self.bytes.insert(found.clone(), b);
        self.order.push(found.clone());
        Ok(found)
    }

    fn get(&self, name: &OsStr) -> &[u8] {
        self.bytes.get(name).map(Vec::as_slice).unwrap_or_default()
    }
}

/// What the map says, as the writer needs it.
struct MapInfo {
    /// The PQ stream's file.
    pq: OsString,
    /// The CD-TEXT stream's file, if any.
    cdtext: Option<OsString>,
    /// The other streams it names (audio), never written.
    streams: Vec<OsString>,
}

fn read_map(files: &mut Files, ddpms: &OsStr) -> Result<MapInfo, PlanError> {
    let map = files.get(ddpms).to_vec();
    let (mut pq, mut cdtext, mut streams) = (Vec::new(), Vec::new(), Vec::new());
    for p in map.chunks_exact(128) {
        let sub = field(&p[30..38]).to_ascii_uppercase();
        let siz = field(&p[71..74]);
        let dsi = &p[74..91];
        let name = match siz.parse::<usize>() {
            Ok(s) if s <= dsi.len() => field(&dsi[..s]),
            _ => field(dsi),
        };
        if name.is_empty() {
            continue;
        }
        if sub.starts_with("PQ") {
            pq.push(name);
        } else if sub == "CDTEXT" || sub == "CD TEXT" {
            cdtext.push(name);
        } else {
            streams.push(name);
        }
    }
    pq.dedup();
    cdtext.dedup();
    if pq.len() != 1 {
        return Err(refuse(format!(
            "DDPMS names {} PQ descriptor streams ({}); isrckit patches an image with exactly one",
            pq.len(),
            pq.join(", ")
        )));
    }
    if cdtext.len() > 1 {
        return Err(refuse(format!(
            "DDPMS names {} CD-TEXT streams ({}); isrckit patches an image with at most one",
            cdtext.len(),
            cdtext.join(", ")
        )));
    }
    // Each file has one role: a map naming the map, the DDPID, or one file
    // as two streams is not an image isrckit can account for.
    let mut roles: Vec<String> = vec!["DDPID".into(), "DDPMS".into(), pq[0].clone()];
    roles.extend(cdtext.iter().cloned());
    for (i, a) in roles.iter().enumerate() {
        let clash = roles[i + 1..].iter().any(|b| b.eq_ignore_ascii_case(a))
            || streams.iter().any(|s| s.eq_ignore_ascii_case(a));
        if clash {
            return Err(refuse(format!(
                "DDPMS names {a} for two purposes (the map, DDPID, the PQ or CD-TEXT stream, an audio stream); isrckit cannot account for such an image"
            )));
        }
    }
    let pq = files.load(&pq[0])?;
    let cdtext = match cdtext.first() {
        Some(n) => Some(files.load(n)?),
        None => None,
    };
    let mut found = Vec::new();
    for s in streams {
        let p = files
            .folder
            .find(&s)
            .ok_or_else(|| damaged(format!("DDPMS names {s}, which is not in the folder")))?;
        if let Some(n) = p.file_name().map(OsStr::to_os_string)
            && !found.contains(&n)
            && Some(&n) != cdtext.as_ref()
            && n != pq
        {
            found.push(n);
        }
    }
    Ok(MapInfo {
        pq,
        cdtext,
        streams: found,
    })
}

/// Record a change of one site.
fn change(changes: &mut Vec<Change>, kind: CodeKind, location: String, old: &str, new: &str) {
    changes.push(Change {
        kind,
        location,
        old: (!blank(old)).then(|| old.to_string()),
        new: new.to_string(),
    });
}

/// What to write: each track's ISRC, and the barcode as GTIN-13 (every
/// DDP code field is 13 digits wide; a UPC-A gets its leading 0).
struct Want<'c> {
    tracks: &'c [(u32, Isrc)],
    barcode: Option<String>,
}

impl Want<'_> {
    fn isrc(&self, track: u32) -> Option<String> {
        self.tracks
            .iter()
            .find(|(t, _)| *t == track)
            .map(|(_, i)| i.to_string())
    }
}

/// PQ entries: each track written gets its ISRC on every entry of the
/// track that holds one, or on the track's first entry when none does;
/// the barcode goes to every entry with a UPC/EAN, or to the lead-in
/// entry (else the first) when none has one.
fn patch_pq(
    name: &str,
    pq: &mut [u8],
    want: &Want,
    changes: &mut Vec<Change>,
) -> Result<(), PlanError> {
    let entries = pq.len() / 64;
    let track_of = |e: &[u8]| field(&e[4..6]).parse::<u32>().ok();
    let tracks: Vec<u32> = pq
        .chunks_exact(64)
        .filter_map(track_of)
        .filter(|&t| t > 0)
        .collect();
    let describe = |n: usize, e: &[u8], what: &str, at: usize| {
        let trk = field(&e[4..6]);
        let whose = if trk.eq_ignore_ascii_case("AA") {
            "lead-out".to_string()
        } else {
            format!("track {trk}")
        };
        format!(
            "{name} entry {} ({whose} index {} at {}:{}:{}) › PQ {what} @{}",
            n + 1,
            field(&e[6..8]),
            field(&e[10..12]),
            field(&e[12..14]),
            field(&e[14..16]),
            n * 64 + at
        )
    };
    for (t, isrc) in want.tracks {
        if !tracks.contains(t) {
            let (lo, hi) = (
                tracks.iter().min().copied().unwrap_or(0),
                tracks.iter().max().copied().unwrap_or(0),
            );
            return Err(refuse(format!(
                "the image has no track {t}: its PQ descriptors ({name}) list tracks {lo:02} to {hi:02}"
            )));
        }
        let isrc = isrc.to_string();
        let mine: Vec<usize> = (0..entries)
            .filter(|&n| track_of(&pq[n * 64..n * 64 + 64]) == Some(*t))
            .collect();
        let holding: Vec<usize> = mine
            .iter()
            .copied()
            .filter(|&n| !blank(&field(&pq[n * 64 + 20..n * 64 + 32])))
            .collect();
        let sites = if holding.is_empty() {
            vec![mine[0]]
        } else {
            holding
        };
        for n in sites {
            let at = n * 64 + 20;
            let old = field(&pq[at..at + 12]);
            if old != isrc {
                change(
                    changes,
                    CodeKind::Isrc,
                    describe(n, &pq[n * 64..n * 64 + 64], "ISRC", 20),
                    &old,
                    &isrc,
                );
                pq[at..at + 12].copy_from_slice(isrc.as_bytes());
            }
        }
    }
    if let Some(upc) = &want.barcode {
        let holding: Vec<usize> = (0..entries)
            .filter(|&n| !blank(&field(&pq[n * 64 + 32..n * 64 + 45])))
            .collect();
        if entries == 0 {
            return Err(refuse(format!(
                "{name} holds no PQ entries: there is no place for the UPC/EAN"
            )));
        }
        let sites = if holding.is_empty() {
            let lead_in = (0..entries).find(|&n| track_of(&pq[n * 64..n * 64 + 64]) == Some(0));
            vec![lead_in.unwrap_or(0)]
        } else {
            holding
        };
        for n in sites {
            let at = n * 64 + 32;
            let old = field(&pq[at..at + 13]);
            if &old != upc {
                change(
                    changes,
                    CodeKind::Barcode,
                    describe(n, &pq[n * 64..n * 64 + 64], "UPC/EAN", 32),
                    &old,
                    upc,
                );
                pq[at..at + 13].copy_from_slice(upc.as_bytes());
            }
        }
    }
    Ok(())
}

/// DDPMS packets: a packet of a track written that carries an ISRC gets
/// the new one; a blank ISRC field stays blank (the map's ISRC field is
/// optional, and the PQ entry is the one a plant reads).
fn patch_map(map: &mut [u8], want: &Want, changes: &mut Vec<Change>) {
    for (n, p) in map.chunks_exact_mut(128).enumerate() {
        let Some(t) = field(&p[55..57]).parse::<u32>().ok() else {
            continue;
        };
        let Some(isrc) = want.isrc(t) else { continue };
        let old = field(&p[59..71]);
        if blank(&old) || old == isrc {
            continue;
        }
        change(
            changes,
            CodeKind::Isrc,
            format!(
                "DDPMS packet {} (track {:02} index {}) › DDPMS ISRC @{}",
                n + 1,
                t,
                field(&p[57..59]),
                n * 128 + 59
            ),
            &old,
            &isrc,
        );
        p[59..71].copy_from_slice(isrc.as_bytes());
    }
}

/// One CD-TEXT pack as laid out in the file.
#[derive(Clone)]
struct Pack([u8; 18]);

impl Pack {
    fn block(&self) -> u8 {
        (self.0[3] >> 4) & 7
    }

    fn seal(&mut self) {
        let crc = pack_crc(&self.0[..16]);
        self.0[16..18].copy_from_slice(&crc.to_be_bytes());
    }
}

/// The 0x8E strings of one block: the first belongs to `first` (0: the
/// disc), each next one to the next track. `None` for a TAB (the same as
/// the track before).
fn strings(text: &[u8]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = text.split(|&b| b == 0).map(<[u8]>::to_vec).collect();
    // The text after the last NUL is padding.
    out.pop();
    out
}

/// CD-TEXT: re-pack each block's 0x8E strings with the new codes. A track
/// written gets its code spelt out (also where it was a TAB); a track
/// after it that was a TAB ("the same as the track before") gets the old
/// value spelt out, so it keeps the code it had. Every changed pack's CRC
/// is computed again; when the number of 0x8E packs changes, the later
/// packs of the block are renumbered and the block's size information
/// (0x8F) updated.
fn patch_cdtext(
    name: &str,
    bytes: &[u8],
    want: &Want,
    changes: &mut Vec<Change>,
    notes: &mut Vec<String>,
) -> Result<Option<Vec<u8>>, PlanError> {
    let start = if bytes.len() % 18 == 4 { 4 } else { 0 };
    let mut packs: Vec<Pack> = bytes[start..]
        .chunks_exact(18)
        .map(|c| {
            let mut p = [0u8; 18];
            p.copy_from_slice(c);
            Pack(p)
        })
        .collect();
    if !packs.iter().any(|p| p.0[0] == 0x8E) {
        if !want.tracks.is_empty() || want.barcode.is_some() {
            notes.push(format!(
                "{name} holds no ISRC/UPC packs (0x8E): its CD-TEXT carries no codes, and none are added"
            ));
        }
        return Ok(None);
    }
    let blocks: Vec<u8> = {
        let mut b: Vec<u8> = packs
            .iter()
            .filter(|p| p.0[0] == 0x8E)
            .map(Pack::block)
            .collect();
        b.sort_unstable();
        b.dedup();
        b
    };
    let mut changed = false;
    for b in blocks {
        let idx: Vec<usize> = (0..packs.len())
            .filter(|&i| packs[i].0[0] == 0x8E && packs[i].block() == b)
            .collect();
        let (first_i, last_i) = (idx[0], idx[idx.len() - 1]);
        if last_i - first_i + 1 != idx.len() {
            return Err(refuse(format!(
                "{name}: the ISRC packs (0x8E) of block {b} are not together; isrckit does not re-pack such a stream"
            )));
        }
        let first = u32::from(packs[first_i].0[1] & 0x7F);
        if first != 0 && want.barcode.is_some() {
            return Err(refuse(format!(
                "{name}: the ISRC packs (0x8E) of block {b} start at track {first}, so they hold no disc UPC/EAN to change"
            )));
        }
        if packs[first_i].0[3] & 0x80 != 0 {
            return Err(refuse(format!(
                "{name}: the ISRC packs (0x8E) of block {b} are marked double-byte; isrckit does not re-pack them"
            )));
        }
        let text: Vec<u8> = idx
            .iter()
            .flat_map(|&i| packs[i].0[4..16].to_vec())
            .collect();
        let mut strs = strings(&text);
        // The value each string stands for (a TAB resolved).
        let mut values: Vec<Vec<u8>> = Vec::new();
        for s in &strs {
            let v = if s.as_slice() == b"\t" {
                values.last().cloned().unwrap_or_default()
            } else {
                s.clone()
            };
            values.push(v);
        }
        let offsets: Vec<usize> = {
            let mut o = Vec::new();
            let mut at = 0;
            for s in &strs {
                o.push(at);
                at += s.len() + 1;
            }
            o
        };
        let site_at = |k: usize| -> String {
            let pos = offsets.get(k).copied().unwrap_or(text.len());
            let pack = first_i + pos / 12;
            format!(
                "{name} pack {} (type 0x8E, block {b}) @{}",
                pack + 1,
                start + first_i * 18 + (pos / 12) * 18 + 4 + pos % 12
            )
        };
        let mut set = |k: usize, new: &str, kind: CodeKind, label: String| {
            while strs.len() <= k {
                strs.push(Vec::new());
                values.push(Vec::new());
            }
            let old = String::from_utf8_lossy(&values[k]).to_string();
            if strs[k] == new.as_bytes() {
                return;
            }
            // The next track, if a TAB for this one, keeps its value.
            if strs.get(k + 1).is_some_and(|s| s.as_slice() == b"\t") {
                strs[k + 1] = values[k].clone();
            }
            if old != new {
                change(changes, kind, label, &old, new);
            }
            strs[k] = new.as_bytes().to_vec();
            values[k] = strs[k].clone();
        };
        if let Some(upc) = &want.barcode
            && first == 0
        {
            let label = format!("{} › CD-TEXT UPC/EAN", site_at(0));
            set(0, upc, CodeKind::Barcode, label);
        }
        for (t, isrc) in want.tracks {
            if *t < first {
                continue;
            }
            let k = (t - first) as usize;
            let label = format!("{} › CD-TEXT ISRC (track {t:02})", site_at(k));
            set(k, &isrc.to_string(), CodeKind::Isrc, label);
        }
        // Re-pack: the strings, NUL-terminated, 12 bytes a pack.
        let mut text2 = Vec::new();
        let mut starts = Vec::new();
        for s in &strs {
            starts.push(text2.len());
            text2.extend_from_slice(s);
            text2.push(0);
        }
        if text2 == text[..text2.len().min(text.len())] && text2.len().div_ceil(12) == idx.len() {
            continue;
        }
        changed = true;
        let count = text2.len().div_ceil(12);
        let template = packs[first_i].clone();
        let first_seq = template.0[2];
        let mut new_packs = Vec::new();
        for n in 0..count {
            let pos = n * 12;
            let k = starts.iter().rposition(|&s| s <= pos).unwrap_or(0);
            let mut p = template.clone();
            p.0[1] = (first as usize + k) as u8;
            p.0[2] = first_seq.wrapping_add(n as u8);
            p.0[3] = (template.0[3] & 0xF0) | ((pos - starts[k]).min(15) as u8);
            p.0[4..16].fill(0);
            let end = (pos + 12).min(text2.len());
            p.0[4..4 + end - pos].copy_from_slice(&text2[pos..end]);
            p.seal();
            new_packs.push(p);
        }
        let delta = count as i64 - idx.len() as i64;
        if delta != 0 {
            let last_seq = packs
                .iter()
                .filter(|p| p.block() == b)
                .map(|p| i64::from(p.0[2]))
                .max()
                .unwrap_or(0);
            if last_seq + delta > 255 {
                return Err(refuse(format!(
                    "{name}: block {b} would need more than 256 packs"
                )));
            }
            // Later packs of the block: renumbered.
            for p in packs[last_i + 1..].iter_mut().filter(|p| p.block() == b) {
                p.0[2] = (i64::from(p.0[2]) + delta) as u8;
                p.seal();
            }
            // Size information (0x8F, in every block): this block's 0x8E
            // pack count and last sequence number.
            for p in packs
                .iter_mut()
                .filter(|p| p.0[0] == 0x8F && p.block() == b)
            {
                match p.0[1] {
                    1 => {
                        p.0[4 + 6] = (i64::from(p.0[4 + 6]) + delta) as u8;
                        if b < 4 {
                            let i = 4 + 8 + usize::from(b);
                            p.0[i] = (i64::from(p.0[i]) + delta) as u8;
                        }
                    }
                    2 if b >= 4 => {
                        let i = 4 + usize::from(b) - 4;
                        p.0[i] = (i64::from(p.0[i]) + delta) as u8;
                    }
                    _ => continue,
                }
                p.seal();
            }
        }
        packs.splice(first_i..=last_i, new_packs);
    }
    if !changed {
        return Ok(None);
    }
    let mut out = bytes[..start].to_vec();
    let body = packs.len() * 18;
    if start == 4 {
        // The READ TOC header: the length of what follows its first 2 bytes.
        let len = u16::try_from(body + 2).map_err(|_| refuse(format!("{name}: too many packs")))?;
        out[..2].copy_from_slice(&len.to_be_bytes());
    }
    for p in &packs {
        out.extend_from_slice(&p.0);
    }
    Ok(Some(out))
}

/// An MD5 list found in the image's folder.
struct Checksums {
    name: OsString,
    /// Its lines, each with its ending, and where the hash and the file
    /// it names sit.
    lines: Vec<Line>,
}

struct Line {
    text: Vec<u8>,
    /// The hash's byte range in `text`, and the file's name, when the line
    /// is an entry (not a comment or a blank line).
    entry: Option<(std::ops::Range<usize>, String)>,
}

/// Whether a folder entry's name is one of the checksum lists isrckit
/// keeps: `*.md5` (`CHECKSUM.MD5`, `image.md5`), `CHECKSUM`, `CHECKSUMS`,
/// `MD5SUM`, `MD5SUMS`.
pub(crate) fn is_checksum_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with(".md5") || ["checksum", "checksums", "md5sum", "md5sums"].contains(&n.as_str())
}

/// Parse an MD5 list: GNU lines (`HASH  NAME`, `HASH *NAME`) or BSD
/// lines (`MD5 (NAME) = HASH`); `#` and `;` comments and blank lines are
/// kept as they are. A name may start with `./`.
fn parse_checksums(name: &OsStr, bytes: &[u8]) -> Result<Checksums, PlanError> {
    let shown = name.to_string_lossy();
    let mut lines = Vec::new();
    let mut rest = bytes;
    let mut n = 0;
    while !rest.is_empty() {
        n += 1;
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |p| p + 1);
        let text = rest[..end].to_vec();
        rest = &rest[end..];
        let body = text
            .strip_suffix(b"\n")
            .map(|t| t.strip_suffix(b"\r").unwrap_or(t))
            .unwrap_or(&text);
        let s = std::str::from_utf8(body).map_err(|_| {
            refuse(format!(
                "{shown} line {n} is not text; isrckit cannot update it"
            ))
        })?;
        let trimmed = s.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            lines.push(Line { text, entry: None });
            continue;
        }
        let hex = |h: &str| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit());
        let entry = if let Some(r) = s.strip_prefix("MD5 (") {
            r.rsplit_once(") = ").filter(|(_, h)| hex(h)).map(|(f, h)| {
                let at = s.len() - h.len();
                (at..at + 32, f.to_string())
            })
        } else {
            let lead = s.len() - s.trim_start_matches('\\').len();
            let h = s.get(lead..lead + 32).filter(|h| hex(h));
            let sep = s.get(lead + 32..lead + 34);
            match (h, sep) {
                (Some(_), Some("  " | " *")) => Some((lead..lead + 32, s[lead + 34..].to_string())),
                _ => None,
            }
        };
        let Some((range, file)) = entry else {
            return Err(refuse(format!(
                "{shown} line {n} is not an MD5 line (\"HASH  NAME\", \"HASH *NAME\" or \"MD5 (NAME) = HASH\"); isrckit cannot update this checksum file"
            )));
        };
        let file = file.strip_prefix("./").unwrap_or(&file).to_string();
        lines.push(Line {
            text,
            entry: Some((range, file)),
        });
    }
    Ok(Checksums {
        name: name.to_os_string(),
        lines,
    })
}

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Plan the patch of the image whose DDPID is `ddpid`: `Ok(None)` when
/// it already holds the codes (and its checksum lists agree with it).
pub(super) fn plan(ddpid: &Path, codes: &Codes) -> Result<Option<SetPlan>, PlanError> {
    if codes.isrc.is_some() {
        return Err(refuse(
            "a DDP image holds one ISRC per track: name the track (set --track N --isrc CODE, or a manifest row with a track)",
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (t, _) in &codes.tracks {
        if !(1..=99).contains(t) {
            return Err(refuse(format!(
                "track {t}: a CD's tracks are numbered 1 to 99"
            )));
        }
        if !seen.insert(*t) {
            return Err(refuse(format!("track {t} is given two ISRCs")));
        }
    }
    let want = Want {
        tracks: &codes.tracks,
        barcode: codes.barcode.as_ref().map(|g| g.gtin13().to_string()),
    };
    // The image must read cleanly: damage of any kind refuses the write.
    let before = read_image(ddpid, None)?;
    if !before.errors.is_empty() {
        return Err(damaged(format!(
            "the image is damaged ({}); isrckit does not patch a damaged image",
            before.errors.join("; ")
        )));
    }
    let dir = crate::write::safe::folder_of(ddpid).to_path_buf();
    let mut files = Files {
        dir: dir.clone(),
        folder: Folder::new(dir.clone()),
        bytes: BTreeMap::new(),
        order: Vec::new(),
    };
    let id_name = ddpid
        .file_name()
        .map(OsStr::to_os_string)
        .ok_or_else(|| refuse("the DDPID has no file name"))?;
    let id_text = id_name.to_string_lossy().to_string();
    files.load(&id_text)?;
    let ms = files.load("DDPMS")?;
    let map = read_map(&mut files, &ms)?;
    let mut changes = Vec::new();
    let mut notes = Vec::new();
    let mut new: BTreeMap<OsString, Vec<u8>> = BTreeMap::new();

    // CD-TEXT, PQ, map, DDPID: the order the files are replaced in.
    if let Some(ct) = &map.cdtext {
        let shown = ct.to_string_lossy().to_string();
        if let Some(b) = patch_cdtext(&shown, files.get(ct), &want, &mut changes, &mut notes)? {
            new.insert(ct.clone(), b);
        }
    } else if !want.tracks.is_empty() || want.barcode.is_some() {
        notes.push(
            "the image has no CD-TEXT: the PQ descriptors, the map and DDPID hold its codes".into(),
        );
    }
    let mut pq = files.get(&map.pq).to_vec();
    patch_pq(&map.pq.to_string_lossy(), &mut pq, &want, &mut changes)?;
    new.insert(map.pq.clone(), pq);
    let mut mp = files.get(&ms).to_vec();
    patch_map(&mut mp, &want, &mut changes);
    new.insert(ms.clone(), mp);
    let mut id = files.get(&id_name).to_vec();
    if id.len() != 128 {
        return Err(damaged(format!(
            "DDPID is {} bytes, expected 128",
            id.len()
        )));
    }
    if let Some(upc) = &want.barcode {
        let old = field(&id[8..21]);
        if &old != upc {
            change(
                &mut changes,
                CodeKind::Barcode,
                format!("{id_text} › DDPID UPC/EAN @8"),
                &old,
                upc,
            );
            id[8..21].copy_from_slice(upc.as_bytes());
        }
    }
    new.insert(id_name.clone(), id);
    new.retain(|n, b| b.as_slice() != files.get(n));

    // The checksum lists in the folder.
    let mut lists = Vec::new();
    let names = std::fs::read_dir(&dir)
        .map_err(|e| refuse(format!("cannot list the image's folder: {e}")))?
        .take(10_000)
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .filter(|n| n.to_str().is_some_and(is_checksum_name))
        .collect::<Vec<_>>();
    for n in names {
        let found = files.load(&n.to_string_lossy())?;
        lists.push(parse_checksums(&found, files.get(&found))?);
    }
    let list_names: Vec<OsString> = lists.iter().map(|l| l.name.clone()).collect();
    // The planned image, read back: it must read cleanly, and hold the new
    // codes at every site of what is written, the other sites as before.
    let overlay: Overlay = new.clone();
    let after = read_image(ddpid, Some(&overlay))?;
    check_after(&before, &after, &want)?;
    for list in &mut lists {
        let mut text = Vec::new();
        for line in &list.lines {
            let Some((range, file)) = &line.entry else {
                text.extend_from_slice(&line.text);
                continue;
            };
            let member = files
                .folder
                .find(file)
                .and_then(|p| p.file_name().map(OsStr::to_os_string));
            let Some(member) = member else {
                return Err(refuse(format!(
                    "{} lists {file}, which is not in the image's folder; isrckit cannot keep that checksum file right",
                    list.name.to_string_lossy()
                )));
            };
            if list_names.contains(&member) {
                return Err(refuse(format!(
                    "{} lists the checksum file {file}; isrckit does not update a checksum of a checksum file",
                    list.name.to_string_lossy()
                )));
            }
            let recorded = String::from_utf8_lossy(&line.text[range.clone()]).to_string();
            let mut line_text = line.text.clone();
            if map.streams.contains(&member) {
                // The audio stream: never read for a write, never changed.
                text.extend_from_slice(&line_text);
                continue;
            }
            if !files.bytes.contains_key(&member) {
                files.load(file)?;
            }
            let now = md5_hex(files.get(&member));
            let written = new.get(&member);
            if !recorded.eq_ignore_ascii_case(&now) {
                // A file whose bytes are not the ones the list vouches for:
                // refused, unless it already holds the codes this write
                // puts there (an earlier write of them was cut off between
                // files), and is then listed with its hash.
                let holds_new =
                    written.is_none() && holds_what_is_written(&member, &held(&before), &want);
                if !holds_new {
                    return Err(damaged(format!(
                        "{} says {file} has MD5 {recorded}, but its MD5 is {now}: the image changed after its checksums were made; check it (isrckit inspect --verify-checksums) before patching it",
                        list.name.to_string_lossy()
                    )));
                }
                notes.push(format!(
                    "{}: the line for {file} did not match it; {file} already holds the codes being written (an earlier write cut off?), so its line is updated",
                    list.name.to_string_lossy()
                ));
            }
            let hash = md5_hex(written.map_or(files.get(&member), Vec::as_slice));
            let hash = if recorded.bytes().any(|b| b.is_ascii_uppercase()) {
                hash.to_ascii_uppercase()
            } else {
                hash
            };
            line_text[range.clone()].copy_from_slice(hash.as_bytes());
            text.extend_from_slice(&line_text);
        }
        if text != files.get(&list.name) {
            new.insert(list.name.clone(), text);
        }
    }
    if lists.is_empty() {
        notes.push(
            "the image has no checksum file (*.md5, CHECKSUM) in its folder: none is made (a list elsewhere, in the folder above, is not updated)"
                .into(),
        );
    } else {
        for l in &lists {
            for n in new.keys() {
                let listed = l.lines.iter().any(|line| {
                    line.entry.as_ref().is_some_and(|(_, f)| {
                        files
                            .folder
                            .find(f)
                            .and_then(|p| p.file_name().map(OsStr::to_os_string))
                            .as_ref()
                            == Some(n)
                    })
                });
                if !listed && !list_names.contains(n) {
                    notes.push(format!(
                        "{} does not list {}: left as it is",
                        l.name.to_string_lossy(),
                        n.to_string_lossy()
                    ));
                }
            }
        }
    }
    if new.is_empty() {
        return Ok(None);
    }
    let mut order: Vec<OsString> = Vec::new();
    for n in [
        map.cdtext.clone(),
        Some(map.pq.clone()),
        Some(ms.clone()),
        Some(id_name.clone()),
    ]
    .into_iter()
    .flatten()
    .chain(list_names.iter().cloned())
    {
        if new.contains_key(&n) && !order.contains(&n) {
            order.push(n);
        }
    }
    let shown = |v: &[OsString]| {
        v.iter()
            .map(|n| n.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    notes.push(format!(
        "files replaced, in this order: {}; never written: {}",
        shown(&order),
        if map.streams.is_empty() {
            "no audio stream named".to_string()
        } else {
            format!("{} (audio)", shown(&map.streams))
        }
    ));
    let edits = order
        .iter()
        .map(|n| Edit {
            name: n.clone(),
            old: files.get(n).to_vec(),
            new: new.get(n).cloned().unwrap_or_default(),
        })
        .collect();
    let inputs = files
        .order
        .iter()
        .map(|n| (n.clone(), files.get(n).to_vec()))
        .collect();
    Ok(Some(SetPlan {
        dir: files.dir.clone(),
        edits,
        inputs,
        untouched: map.streams,
        changes,
        notes,
    }))
}

/// A site as the crash check needs it: file, kind, track, value.
type Held = (String, CodeKind, Option<u32>, String);

fn held(c: &Collector) -> Vec<Held> {
    c.sites
        .iter()
        .map(|s| {
            (
                s.location.chunk.clone().unwrap_or_default(),
                s.kind,
                s.location.track,
                s.value.clone().unwrap_or_else(|| s.raw.clone()),
            )
        })
        .collect()
}

/// Whether a descriptor file already holds what this write puts there:
/// it holds a site of a code written, and every such site of it holds the
/// new code (the image as it is, `sites`).
fn holds_what_is_written(member: &OsStr, sites: &[Held], want: &Want) -> bool {
    let member = member.to_string_lossy();
    let relevant: Vec<&Held> = sites
        .iter()
        .filter(|(chunk, kind, track, _)| {
            chunk.as_str() == member
                && match kind {
                    CodeKind::Barcode => want.barcode.is_some(),
                    CodeKind::Isrc => track.is_some_and(|t| want.isrc(t).is_some()),
                }
        })
        .collect();
    !relevant.is_empty()
        && relevant.iter().all(|(_, kind, track, value)| match kind {
            CodeKind::Barcode => want.barcode.as_deref() == Some(value.as_str()),
            CodeKind::Isrc => track.and_then(|t| want.isrc(t)).as_deref() == Some(value),
        })
}

/// Read the image (through `overlay` where given) with the reader.
fn read_image(ddpid: &Path, overlay: Option<&Overlay>) -> Result<Collector, PlanError> {
    let mut c = Collector::new(Container::Ddp);
    let name = ddpid.file_name().map(OsStr::to_os_string);
    let id_bytes = match name.as_ref().and_then(|n| overlay.and_then(|o| o.get(n))) {
        Some(b) => b.clone(),
        None => {
            let len = std::fs::metadata(ddpid)
                .map_err(|e| damaged(format!("cannot read the DDPID: {e}")))?
                .len();
            if len > 4096 {
                return Err(damaged(format!("DDPID is {len} bytes, expected 128")));
            }
            std::fs::read(ddpid).map_err(|e| damaged(format!("cannot read the DDPID: {e}")))?
        }
    };
    let mut slice = id_bytes.as_slice();
    let len = id_bytes.len() as u64;
    let mut src = Source::new(&mut slice, len);
    if let Err(e) = read::read_over(Some(ddpid), &mut src, &mut c, overlay) {
        c.errors.push(e.to_string());
    }
    Ok(c)
}

/// The planned image reads cleanly; every site of a code written holds
/// the new code (the track's PQ entry at least); every other site holds
/// what it held.
fn check_after(before: &Collector, after: &Collector, want: &Want) -> Result<(), PlanError> {
    let bug = |m: String| {
        refuse(format!(
            "isrckit's DDP patch failed its own check, nothing was written (a bug: please report it): {m}"
        ))
    };
    if !after.errors.is_empty() {
        return Err(bug(format!(
            "the patched image would not read: {}",
            after.errors.join("; ")
        )));
    }
    let written = |kind: CodeKind, track: Option<u32>| -> Option<String> {
        match kind {
            CodeKind::Barcode => want.barcode.clone(),
            CodeKind::Isrc => track.and_then(|t| want.isrc(t)),
        }
    };
    let value = |s: &crate::model::CodeSite| s.value.clone().unwrap_or_else(|| s.raw.clone());
    for s in &after.sites {
        if let Some(w) = written(s.kind, s.location.track)
            && value(s) != w
        {
            return Err(bug(format!(
                "{} would hold {}, not {w}",
                s.location.describe(),
                s.raw
            )));
        }
    }
    for (t, isrc) in want.tracks {
        let isrc = isrc.to_string();
        if !after
            .sites
            .iter()
            .any(|s| s.kind == CodeKind::Isrc && s.location.track == Some(*t) && s.raw == isrc)
        {
            return Err(bug(format!("no site would hold track {t}'s ISRC {isrc}")));
        }
    }
    let others = |c: &Collector| -> Vec<(String, CodeKind, Option<u32>, String)> {
        let mut v: Vec<_> = c
            .sites
            .iter()
            .filter(|s| written(s.kind, s.location.track).is_none())
            .map(|s| (s.location.field.clone(), s.kind, s.location.track, value(s)))
            .collect();
        v.sort();
        v
    };
    if others(before) != others(after) {
        return Err(bug("a site of a code not written would change".into()));
    }
    Ok(())
}

/// Check every file an image's checksum lists name against its MD5 (the
/// audio stream included: this reads it whole, so only on request).
/// Returns the notes (what was checked) and the mismatches, each naming
/// the file.
pub(crate) fn verify_checksums(ddpid: &Path) -> (Vec<String>, Vec<String>) {
    let dir = crate::write::safe::folder_of(ddpid).to_path_buf();
    let (mut notes, mut errors) = (Vec::new(), Vec::new());
    let names: Vec<OsString> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .take(10_000)
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .filter(|n| n.to_str().is_some_and(is_checksum_name))
            .collect(),
        Err(e) => {
            errors.push(format!("cannot list the image's folder: {e}"));
            return (notes, errors);
        }
    };
    if names.is_empty() {
        notes.push("checksums: the image has no checksum file (*.md5, CHECKSUM) to verify".into());
        return (notes, errors);
    }
    let mut folder = Folder::new(dir.clone());
    for n in names {
        let shown = n.to_string_lossy().to_string();
        let bytes = match std::fs::metadata(dir.join(&n)) {
            Ok(m) if m.len() <= MAX_SMALL => std::fs::read(dir.join(&n)).unwrap_or_default(),
            _ => {
                errors.push(format!(
                    "checksum file {shown} cannot be read (or is over 1 MiB)"
                ));
                continue;
            }
        };
        let list = match parse_checksums(&n, &bytes) {
            Ok(l) => l,
            Err(e) => {
                errors.push(format!("checksum file {e}"));
                continue;
            }
        };
        let (mut ok, mut total) = (0, 0);
        for line in &list.lines {
            let Some((range, file)) = &line.entry else {
                continue;
            };
            total += 1;
            let recorded = String::from_utf8_lossy(&line.text[range.clone()]).to_ascii_lowercase();
            let Some(p) = folder.find(file) else {
                errors.push(format!(
                    "checksum mismatch: {shown} lists {file}, which is not in the image's folder"
                ));
                continue;
            };
            match md5_file(&p) {
                Ok(h) if h == recorded => ok += 1,
                Ok(h) => errors.push(format!(
                    "checksum mismatch: {shown} says {file} has MD5 {recorded}, but its MD5 is {h}"
                )),
                Err(e) => errors.push(format!("checksum: cannot read {file}: {e}")),
            }
        }
        notes.push(format!(
            "checksums: {ok} of {total} files listed in {shown} match their MD5"
        ));
    }
    (notes, errors)
}

/// The MD5 of a file, streamed.
fn md5_file(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut h = Md5::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}
