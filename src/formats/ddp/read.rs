//! Reading a DDP image: `DDPID`, then the map (`DDPMS`) beside it, then the
//! PQ descriptor and CD-TEXT streams the map names. Every field read here
//! is fixed-width ASCII at a fixed offset (`docs/ddp.md` lists them); every
//! file goes through a bounded [`Source`] and is read a record at a time,
//! never the audio stream.

use super::super::{Collector, FormatError};
use crate::model::{CodeKind, Location, TagFormat};
use crate::source::Source;
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

/// The size of `DDPID`, of a `DDPMS` map packet, of a PQ descriptor entry
/// and of a CD-TEXT pack.
const ID_LEN: u64 = 128;
const MAP_PACKET: u64 = 128;
const PQ_ENTRY: u64 = 64;
const PACK: u64 = 18;

/// Caps on records read: a real map has a few packets per track (99 tracks
/// at most), a PQ stream an entry per index (100 per track at most), a
/// CD-TEXT stream 8 blocks of at most 256 packs.
const MAX_PACKETS: u64 = 1000;
const MAX_PQ: u64 = 10_000;
const MAX_PACKS: u64 = 8 * 256;

/// Folder entries looked through for a name in another case.
const MAX_DIR_ENTRIES: usize = 10_000;

/// The level a `DDPID` starts with (`DDP 2.00`, `DDP 1.01`), if it is one.
pub(super) fn level(head: &[u8]) -> Option<&str> {
    let l = head.get(..8)?;
    let ok = l.starts_with(b"DDP ")
        && matches!(l[4], b'1' | b'2')
        && l[5] == b'.'
        && l[6].is_ascii_digit()
        && l[7].is_ascii_digit();
    if ok {
        std::str::from_utf8(&l[4..]).ok()
    } else {
        None
    }
}

/// A fixed-width text field as stored, without its padding (spaces, NULs).
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .trim_matches(|ch: char| ch == ' ' || ch == '\0')
        .to_string()
}

/// Whether a code field holds no code: blank, or all zeros.
fn no_code(raw: &str) -> bool {
    raw.chars().all(|ch| ch == '0')
}

/// A numeric field: `Ok(None)` when blank, `Err` when not all digits.
fn number(raw: &str) -> Result<Option<u32>, ()> {
    if raw.is_empty() {
        Ok(None)
    } else if raw.len() <= 9 && raw.bytes().all(|b| b.is_ascii_digit()) {
        raw.parse().map(Some).map_err(|_| ())
    } else {
        Err(())
    }
}

/// A code found, kept for the cross-check of sites at the end.
struct Seen {
    /// Where: `DDPID`, `PQDESCR entry 3`, `CDTEXT.BIN`.
    place: String,
    track: Option<u32>,
    kind: CodeKind,
    value: String,
}

/// The reader's state over the files of one image.
struct Image<'c> {
    c: &'c mut Collector,
    seen: Vec<Seen>,
    /// Where each track starts, from the PQ stream (its index 01 entry,
    /// else its first): for the notes of the sites elsewhere.
    starts: BTreeMap<u32, String>,
}

impl Image<'_> {
    /// Offer a code field to the collector, with a note, and keep what it
    /// holds for the cross-check.
    fn site(&mut self, raw: &str, loc: Location, place: String, note: Option<String>) {
        let before = self.c.sites.len();
        let track = loc.track;
        if !self.c.field(raw, loc) || self.c.sites.len() == before {
            return;
        }
        if let Some(site) = self.c.sites.last_mut() {
            if let Some(n) = note {
                site.notes.push(n);
            }
            self.seen.push(Seen {
                place,
                track,
                kind: site.kind,
                value: site.value.clone().unwrap_or_else(|| raw.to_string()),
            });
        }
    }

    fn loc(&self, file: &str, tag: TagFormat, field: &str, offset: u64) -> Location {
        self.c.loc(Some(file), tag, field, offset)
    }

    fn damage(&mut self, msg: String) {
        self.c.damage(FormatError::damaged(msg));
    }
}

/// Read the image whose `DDPID` is `src` (at `path` on disk, when known).
pub(super) fn read(
    path: Option<&Path>,
    src: &mut Source,
    c: &mut Collector,
) -> Result<(), FormatError> {
    read_over(path, src, c, None)
}

/// [`read`], with some of the image's files replaced by bytes in memory
/// (by file name in the folder): the writer reads the image it plans this
/// way before it writes a byte.
pub(super) fn read_over(
    path: Option<&Path>,
    src: &mut Source,
    c: &mut Collector,
    overlay: Option<&Overlay>,
) -> Result<(), FormatError> {
    let mut img = Image {
        c,
        seen: Vec::new(),
        starts: BTreeMap::new(),
    };
    let result = read_image(path, src, &mut img, overlay);
    // The sites outside the PQ stream (DDPMS, CD-TEXT) get their track's
    // start, so each site names its track's index and time.
    for site in &mut img.c.sites {
        if let Some(start) = site.location.track.and_then(|t| img.starts.get(&t))
            && !site.location.field.starts_with("PQ")
        {
            site.notes.push(start.clone());
        }
    }
    cross_check(&mut img);
    result
}

fn read_image(
    path: Option<&Path>,
    src: &mut Source,
    img: &mut Image,
    overlay: Option<&Overlay>,
) -> Result<(), FormatError> {
    let id = src.read_upto("DDPID", 0, ID_LEN)?;
    let lvl = level(&id).ok_or_else(|| {
        FormatError::damaged("DDPID does not start with a DDP level (\"DDP 2.00\")")
    })?;
    img.c.format = Some(format!("DDP {lvl}"));
    if id.len() < 21 {
        return Err(FormatError::damaged(format!(
            "DDPID is {} bytes, expected 128: its UPC/EAN field (bytes 8-20) is cut off",
            id.len()
        )));
    }
    if src.len() != ID_LEN {
        img.damage(format!("DDPID is {} bytes, expected 128", src.len()));
    }
    let upc = text(&id[8..21]);
    if !no_code(&upc) {
        if !upc.bytes().all(|b| b.is_ascii_digit()) {
            img.damage(format!(
                "DDPID UPC/EAN (bytes 8-20) \"{upc}\" is not digits"
            ));
        }
        let loc = img.loc("DDPID", TagFormat::Ddp, "DDPID UPC/EAN", 8);
        img.site(&upc, loc, "DDPID".into(), None);
    }

    let Some(dir) = path.map(|p| match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }) else {
        return Err(FormatError::damaged(
            "DDPMS not read: the DDPID was read from memory, not from its folder, so the map and streams beside it cannot be opened",
        ));
    };
    let mut dir = Folder::new(dir);
    dir.overlay = overlay;
    let map = read_map(&mut dir, img)?;
    if let Some(pq) = &map.pq {
        read_pq(&mut dir, pq, img)?;
    } else {
        img.damage("DDPMS names no PQ descriptor stream (a packet with SUB \"PQ DESCR\")".into());
    }
    if let Some(ct) = &map.cdtext {
        read_cdtext(&mut dir, ct, img)?;
    }
    Ok(())
}

/// What the map says about the streams the reader opens.
#[derive(Default)]
struct Map {
    pq: Option<String>,
    cdtext: Option<String>,
}

/// Files of an image held in memory, by their name in the folder.
pub(super) type Overlay = BTreeMap<std::ffi::OsString, Vec<u8>>;

/// An opened file of the image: on disk, or in the overlay.
pub(super) enum Opened<'o> {
    File(File),
    Bytes(&'o [u8]),
}

impl Opened<'_> {
    /// A bounded source over it, and its length.
    fn with<T>(&mut self, f: impl FnOnce(&mut Source) -> T) -> T {
        match self {
            Opened::File(file) => {
                let len = file.metadata().map(|m| m.len()).unwrap_or(0);
                f(&mut Source::new(file, len))
            }
            Opened::Bytes(b) => {
                let len = b.len() as u64;
                f(&mut Source::new(b, len))
            }
        }
    }
}

/// The DDPID's folder, where the other files of the image are looked up.
pub(super) struct Folder<'o> {
    dir: PathBuf,
    /// The folder's entry names, listed once, on the first name not found
    /// as given (at most [`MAX_DIR_ENTRIES`]).
    names: Option<Vec<std::ffi::OsString>>,
    /// Files read from memory instead of the disk.
    overlay: Option<&'o Overlay>,
}

impl<'o> Folder<'o> {
    pub(super) fn new(dir: PathBuf) -> Self {
        Folder {
            dir,
            names: None,
            overlay: None,
        }
    }

    /// Find a file of the image by name: the name as given, else the one
    /// entry of the folder with that name in another case.
    pub(super) fn find(&mut self, name: &str) -> Option<PathBuf> {
        let exact = self.dir.join(name);
        if exact.is_file() {
            return Some(exact);
        }
        let dir = &self.dir;
        let names = self.names.get_or_insert_with(|| {
            std::fs::read_dir(dir)
                .map(|rd| {
                    rd.take(MAX_DIR_ENTRIES)
                        .filter_map(Result::ok)
                        .map(|e| e.file_name())
                        .collect()
                })
                .unwrap_or_default()
        });
        names
            .iter()
            .find(|n| n.to_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
            .map(|n| dir.join(n))
            .filter(|p| p.is_file())
    }

    /// Open a file of the image; `Ok(None)` when it is not there.
    fn open(&mut self, name: &str) -> Result<Option<Opened<'o>>, FormatError> {
        let Some(p) = self.find(name) else {
            return Ok(None);
        };
        if let Some(bytes) = p
            .file_name()
            .and_then(|n| self.overlay.and_then(|o| o.get(n)))
        {
            return Ok(Some(Opened::Bytes(bytes)));
        }
        let file =
            File::open(&p).map_err(|e| FormatError::damaged(format!("cannot open {name}: {e}")))?;
        file.metadata()
            .map_err(|e| FormatError::damaged(format!("cannot read the size of {name}: {e}")))?;
        Ok(Some(Opened::File(file)))
    }
}

/// Whether a name from the map is a plain file name (no folder part).
fn plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', ':', '\0'])
}

fn read_map(dir: &mut Folder, img: &mut Image) -> Result<Map, FormatError> {
    let Some(mut opened) = dir.open("DDPMS")? else {
        return Err(FormatError::damaged(
            "DDPMS (the map of the image) is not in the DDPID's folder",
        ));
    };
    opened.with(|src| read_map_in(src, dir, img))
}

fn read_map_in(src: &mut Source, dir: &mut Folder, img: &mut Image) -> Result<Map, FormatError> {
    let len = src.len();
    let mut map = Map::default();
    if !len.is_multiple_of(MAP_PACKET) {
        img.damage(format!(
            "DDPMS is {len} bytes, not a whole number of 128-byte packets: the last {} bytes are not read",
            len % MAP_PACKET
        ));
    }
    let count = len / MAP_PACKET;
    if count > MAX_PACKETS {
        img.damage(format!(
            "DDPMS holds {count} packets, more than the {MAX_PACKETS} read"
        ));
    }
    let mut listed = Vec::new();
    for n in 0..count.min(MAX_PACKETS) {
        let at = n * MAP_PACKET;
        let p: [u8; MAP_PACKET as usize] =
            src.header(format_args!("DDPMS packet {}", n + 1), at)?;
        let what = format!("DDPMS packet {} @{at}", n + 1);
        if &p[..4] != b"VVVM" {
            return Err(FormatError::damaged(format!(
                "{what} does not start with \"VVVM\": the map is damaged from here"
            )));
        }
        let dst = text(&p[4..6]);
        let sub = text(&p[30..38]);
        let cdm = text(&p[38..40]);
        let trk = text(&p[55..57]);
        let track = match number(&trk) {
            Ok(t) => t,
            Err(()) => {
                img.damage(format!(
                    "{what}: track number (bytes 55-56) \"{trk}\" is not digits"
                ));
                None
            }
        };
        let idx = text(&p[57..59]);
        if number(&idx).is_err() {
            img.damage(format!(
                "{what}: index (bytes 57-58) \"{idx}\" is not digits"
            ));
        }
        let siz = text(&p[71..74]);
        let dsi = &p[74..91];
        let name = match number(&siz) {
            Ok(Some(s)) if s as usize <= dsi.len() => text(&dsi[..s as usize]),
            Ok(None) => text(dsi),
            Ok(Some(_)) | Err(()) => {
                img.damage(format!(
                    "{what}: the file name's size (bytes 71-73) \"{siz}\" is not a number of at most 17"
                ));
                text(dsi)
            }
        };
        let isrc = text(&p[59..71]);
        if !no_code(&isrc) {
            let mut loc = img.loc("DDPMS", TagFormat::Ddp, "DDPMS ISRC", at + 59);
            loc.track = track;
            img.site(
                &isrc,
                loc,
                "DDPMS".into(),
                Some(format!(
                    "DDPMS packet {}: track {} index {}",
                    n + 1,
                    if trk.is_empty() { "--" } else { &trk },
                    if idx.is_empty() { "--" } else { &idx }
                )),
            );
        }
        if name.is_empty() {
            continue;
        }
        let kind = if sub.to_ascii_uppercase().starts_with("PQ") {
            "PQ descriptors"
        } else if sub.eq_ignore_ascii_case("CDTEXT") || sub.eq_ignore_ascii_case("CD TEXT") {
            "CD-TEXT"
        } else if cdm.eq_ignore_ascii_case("DA") {
            "CD-DA audio"
        } else {
            "data"
        };
        img.c.note(format!(
            "DDPMS packet {}: {dst} stream {name} ({kind}{})",
            n + 1,
            track.map(|t| format!(", track {t:02}")).unwrap_or_default()
        ));
        if !plain_name(&name) {
            img.damage(format!(
                "{what} names \"{name}\", which is not a file name in the image's folder"
            ));
            continue;
        }
        if !listed.contains(&name) && dir.find(&name).is_none() {
            img.damage(format!(
                "{what} names {name}, which is not in the DDPID's folder"
            ));
        }
        listed.push(name.clone());
        match kind {
            "PQ descriptors" if map.pq.is_none() => map.pq = Some(name),
            "CD-TEXT" if map.cdtext.is_none() => map.cdtext = Some(name),
            _ => {}
        }
    }
    Ok(map)
}

fn read_pq(dir: &mut Folder, name: &str, img: &mut Image) -> Result<(), FormatError> {
    let Some(mut opened) = dir.open(name)? else {
        return Ok(()); // reported with the map packet that names it
    };
    opened.with(|src| read_pq_in(src, name, img))
}

fn read_pq_in(src: &mut Source, name: &str, img: &mut Image) -> Result<(), FormatError> {
    let len = src.len();
    if !len.is_multiple_of(PQ_ENTRY) {
        img.damage(format!(
            "{name} is {len} bytes, not a whole number of 64-byte PQ entries: truncated, the last {} bytes are not read",
            len % PQ_ENTRY
        ));
    }
    let count = len / PQ_ENTRY;
    if count > MAX_PQ {
        img.damage(format!(
            "{name} holds {count} PQ entries, more than the {MAX_PQ} read"
        ));
    }
    for n in 0..count.min(MAX_PQ) {
        let at = n * PQ_ENTRY;
        let e: [u8; PQ_ENTRY as usize] = src.header(format_args!("{name} entry {}", n + 1), at)?;
        let what = format!("{name} entry {} @{at}", n + 1);
        if &e[..4] != b"VVVS" {
            return Err(FormatError::damaged(format!(
                "{what} does not start with \"VVVS\": the PQ stream is damaged from here"
            )));
        }
        let trk = text(&e[4..6]);
        let track = if trk.eq_ignore_ascii_case("AA") {
            None
        } else {
            match number(&trk) {
                Ok(t) => t,
                Err(()) => {
                    img.damage(format!(
                        "{what}: track number (bytes 4-5) \"{trk}\" is not digits"
                    ));
                    None
                }
            }
        };
        let field = |r: std::ops::Range<usize>| text(&e[r]);
        let (idx, min, sec, frm) = (field(6..8), field(10..12), field(12..14), field(14..16));
        for (label, v) in [
            ("index", &idx),
            ("minutes", &min),
            ("seconds", &sec),
            ("frames", &frm),
        ] {
            if number(v).is_err() {
                img.damage(format!("{what}: {label} \"{v}\" is not digits"));
            }
        }
        let track_word = if trk.eq_ignore_ascii_case("AA") {
            "lead-out".to_string()
        } else {
            format!("track {trk}")
        };
        let note = format!(
            "{name} entry {}: {track_word} index {idx} at {min}:{sec}:{frm}",
            n + 1
        );
        if let Some(t) = track.filter(|&t| t > 0)
            && (idx == "01" || !img.starts.contains_key(&t))
        {
            img.starts.insert(
                t,
                format!(
                    "track {t:02} starts at {min}:{sec}:{frm} (index {idx}, {name} entry {})",
                    n + 1
                ),
            );
        }
        let isrc = field(20..32);
        if !no_code(&isrc) {
            let mut loc = img.loc(name, TagFormat::Ddp, "PQ ISRC", at + 20);
            loc.track = track;
            img.site(&isrc, loc, name.to_string(), Some(note.clone()));
        }
        let upc = field(32..45);
        if !no_code(&upc) {
            let loc = img.loc(name, TagFormat::Ddp, "PQ UPC/EAN", at + 32);
            img.site(&upc, loc, name.to_string(), Some(note));
        }
    }
    Ok(())
}

/// CRC-16 of a CD-TEXT pack's first 16 bytes: CCITT polynomial 0x1021,
/// initial value 0, not reflected; stored inverted, high byte first.
pub(super) fn pack_crc(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for &b in bytes {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    !crc
}

/// The text of one block's ISRC packs (type 0x8E), byte by byte with each
/// byte's offset in the file, and the track number of its first pack.
#[derive(Default)]
struct Block {
    first_track: Option<u8>,
    bytes: Vec<(u8, u64)>,
}

fn read_cdtext(dir: &mut Folder, name: &str, img: &mut Image) -> Result<(), FormatError> {
    let Some(mut opened) = dir.open(name)? else {
        return Ok(());
    };
    opened.with(|src| read_cdtext_in(src, name, img))
}

fn read_cdtext_in(src: &mut Source, name: &str, img: &mut Image) -> Result<(), FormatError> {
    let len = src.len();
    // Some tools store the packs after the 4-byte header of the READ TOC
    // format 5 response: a big-endian length of what follows it (the
    // packs and 2 reserved bytes), then 2 reserved bytes.
    let start = if len % PACK == 4
        && src
            .header::<2>("CD-TEXT header", 0)
            .is_ok_and(|h| u64::from(u16::from_be_bytes(h)) == len - 2)
    {
        4
    } else {
        0
    };
    if !(len - start).is_multiple_of(PACK) {
        img.damage(format!(
            "{name} is {len} bytes, not a whole number of 18-byte CD-TEXT packs: the last {} bytes are not read",
            (len - start) % PACK
        ));
    }
    let count = (len - start) / PACK;
    if count > MAX_PACKS {
        img.damage(format!(
            "{name} holds {count} CD-TEXT packs, more than the {MAX_PACKS} read"
        ));
    }
    let mut blocks: BTreeMap<u8, Block> = BTreeMap::new();
    for n in 0..count.min(MAX_PACKS) {
        let at = start + n * PACK;
        let p: [u8; PACK as usize] = src.header(format_args!("{name} pack {}", n + 1), at)?;
        if p[0] != 0x8E {
            continue;
        }
        let stored = u16::from_be_bytes([p[16], p[17]]);
        if pack_crc(&p[..16]) != stored {
            img.damage(format!(
                "{name} pack {} @{at} (ISRC pack 0x8E): CRC {stored:04X} does not match its bytes ({:04X}); its text is not read",
                n + 1,
                pack_crc(&p[..16])
            ));
            continue;
        }
        let block = blocks.entry((p[3] >> 4) & 7).or_default();
        block.first_track.get_or_insert(p[1] & 0x7F);
        block
            .bytes
            .extend(p[4..16].iter().zip(at + 4..).map(|(&b, o)| (b, o)));
    }
    for (b, block) in blocks {
        let Some(first) = block.first_track else {
            continue;
        };
        let mut track = u32::from(first);
        let mut prev: Option<String> = None;
        let mut i = 0;
        while i < block.bytes.len() {
            let end = block.bytes[i..]
                .iter()
                .position(|&(byte, _)| byte == 0)
                .map_or(block.bytes.len(), |p| i + p);
            let raw: Vec<u8> = block.bytes[i..end].iter().map(|&(byte, _)| byte).collect();
            let offset = block.bytes[i].1;
            i = end + 1;
            if end == block.bytes.len() && raw.is_empty() {
                break;
            }
            let mut s = text(&raw);
            let mut note = Some(format!(
                "{name} pack {} (type 0x8E, block {b})",
                (offset - start) / PACK + 1
            ));
            if s == "\t" {
                // A TAB stands for the previous track's text.
                if let Some(p) = &prev {
                    s = p.clone();
                    note = Some(format!(
                        "{name} pack {} (type 0x8E, block {b}): stored as a TAB, the same as the track before",
                        (offset - start) / PACK + 1
                    ));
                }
            }
            if !no_code(&s) {
                let (field, t) = if track == 0 {
                    ("UPC/EAN", None)
                } else {
                    ("ISRC", Some(track))
                };
                let mut loc = img.loc(name, TagFormat::CdText, field, offset);
                loc.track = t;
                img.site(&s, loc, name.to_string(), note);
            }
            prev = Some(s);
            track += 1;
            if track > 99 {
                break;
            }
        }
    }
    Ok(())
}

/// Notes on the file where its sites disagree: the disc's barcode in
/// DDPID, PQ and CD-TEXT; a track's ISRC in DDPMS, PQ and CD-TEXT.
fn cross_check(img: &mut Image) {
    let mut groups: BTreeMap<(CodeKind, Option<u32>), Vec<&Seen>> = BTreeMap::new();
    for s in &img.seen {
        let track = match s.kind {
            CodeKind::Barcode => None,
            CodeKind::Isrc => match s.track {
                Some(t) => Some(t),
                None => continue,
            },
        };
        groups.entry((s.kind, track)).or_default().push(s);
    }
    let mut notes = Vec::new();
    for ((kind, track), sites) in groups {
        let mut values: Vec<&str> = sites.iter().map(|s| s.value.as_str()).collect();
        values.sort_unstable();
        values.dedup();
        if values.len() < 2 {
            continue;
        }
        let mut list: Vec<String> = Vec::new();
        for s in &sites {
            let item = format!("{} {}", s.place, s.value);
            if !list.contains(&item) {
                list.push(item);
            }
        }
        let whose = match (kind, track) {
            (CodeKind::Isrc, Some(t)) => format!("track {t:02}'s ISRC"),
            _ => "the disc's UPC/EAN".to_string(),
        };
        notes.push(format!(
            "{whose} differs between the image's sites: {}",
            list.join(", ")
        ));
    }
    for n in notes {
        img.c.note(n);
    }
}

/// The image in a folder, if it holds one: its DDPID (named `DDPID`, in
/// any case, starting with a DDP level), and the names of the image's
/// other files: the map, the streams it names, and its checksum lists
/// (`*.md5`, `CHECKSUM`...). Reads the DDPID's first bytes and the map
/// (at most [`MAX_PACKETS`] packets), never a stream.
pub(crate) fn members(dir: &Path) -> Option<(PathBuf, Vec<String>)> {
    use std::io::Read;
    let id = ["DDPID", "ddpid", "Ddpid"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()))?;
    let mut head = [0u8; 8];
    File::open(&id).ok()?.read_exact(&mut head).ok()?;
    level(&head)?;
    let mut names = vec!["DDPMS".to_string()];
    let mut folder = Folder::new(dir.to_path_buf());
    if let Some(ms) = folder.find("DDPMS")
        && let Ok(f) = File::open(&ms)
    {
        let mut map = Vec::new();
        let _ = f.take(MAX_PACKETS * MAP_PACKET).read_to_end(&mut map);
        for p in map.chunks_exact(MAP_PACKET as usize) {
            let siz = text(&p[71..74]);
            let dsi = &p[74..91];
            let name = match siz.parse::<usize>() {
                Ok(s) if s <= dsi.len() => text(&dsi[..s]),
                _ => text(dsi),
            };
            if plain_name(&name) && !names.contains(&name) {
                names.push(name);
            }
        }
    }
    Some((id, names))
}

/// Whether `name` (a file in the folder of an image with these
/// `members`) belongs to the image, the DDPID aside.
pub(crate) fn is_member(members: &[String], name: &str) -> bool {
    super::write::is_checksum_name(name) || members.iter().any(|m| m.eq_ignore_ascii_case(name))
}
