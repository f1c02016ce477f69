//! Reading a DDP image: `DDPID`, then the map (`DDPMS`) beside it, then the
//! PQ descriptor and CD-TEXT streams the map names. Every field read here
//! is fixed-width ASCII at a fixed offset (`docs/ddp.md` lists them); every
//! file goes through a bounded [`Source`] and is read a record at a time,
//! never the audio stream.

use super::super::{Collector, FormatError, Siblings};
use super::layout::{
    self, ID_LEN, ID_UPC, MAP_ISRC, MAP_PACKET, MAX_PACKETS, MAX_PACKS, MAX_PQ, MapPacket, PACK,
    PQ_ENTRY, PQ_ISRC, PQ_UPC, PqEntry, Stream, no_code, plain_name, text,
};
use crate::model::{CodeKind, Container, DiscTrack, Location, TagFormat};
use crate::source::{ReadAt, Source};
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

pub(super) use super::layout::level;

/// Folder entries looked through for a name in another case.
const MAX_DIR_ENTRIES: usize = 10_000;

/// The PQ descriptor stream as the reader read it: what the CD layout
/// (`src/cd/ddp.rs`) takes the track times from.
#[derive(Debug, Default)]
pub(crate) struct PqTable {
    /// The stream's name, when the map names one that is in the folder.
    pub name: Option<String>,
    /// Its length in bytes.
    pub len: u64,
    /// Its entries, in order, up to the first record that is not one (at
    /// most [`MAX_PQ`]).
    pub entries: Vec<PqEntry>,
    /// The record that is not an entry (no `VVVS`): its number and offset.
    pub stopped: Option<(u64, u64)>,
    /// Why the stream was not read, when it was not.
    pub missing: Option<String>,
}

/// One track of a PQ descriptor stream (`01`-`99`; not the lead-in or
/// the lead-out).
#[derive(Debug)]
pub(crate) struct PqTrack {
    /// Its number.
    pub number: u32,
    /// Its first entry's time, in frames from the start of the disc.
    pub first: u32,
    /// Its INDEX 01 entry's time, when it has one.
    pub index1: Option<u32>,
    /// Where it is said, for messages: `PQDESCR entry 5 @256: track 03
    /// index 01 at 00:05:45`, or `PQDESCR: track 03, no index 01 entry`.
    pub at: String,
}

/// The tracks of a PQ descriptor stream, in number order, its lead-out's
/// time, and the entries that could not be read as a track's.
#[derive(Debug, Default)]
pub(crate) struct PqTracks {
    /// The tracks, in number order.
    pub tracks: Vec<PqTrack>,
    /// The lead-out's (`AA`) first time, in frames.
    pub lead_out: Option<u32>,
    /// An entry whose time or track is not digits, each a message.
    pub problems: Vec<String>,
}

impl PqTable {
    /// Its entries as tracks: the one reading of the tracks, for the CD
    /// layout's times (`src/cd/ddp.rs`) and the report's tracks (the
    /// audit's per-track rules). Empty when no stream was read.
    pub(crate) fn tracks(&self) -> PqTracks {
        let mut out = PqTracks::default();
        let Some(pq_name) = self.name.as_deref() else {
            return out;
        };
        let mut tracks: BTreeMap<u32, PqTrack> = BTreeMap::new();
        for e in &self.entries {
            let where_ = format!("{pq_name} entry {} @{}", e.number, e.at);
            let Some(time) = e.frames() else {
                out.problems
                    .push(format!("{where_}: time \"{}\" is not mm:ss:ff", e.time()));
                continue;
            };
            if e.lead_out() {
                out.lead_out.get_or_insert(time);
                continue;
            }
            let (Ok(Some(t)), Some(i)) = (e.track(), layout::digits(&e.idx)) else {
                out.problems.push(format!(
                    "{where_}: track \"{}\" or index \"{}\" is not digits",
                    e.trk, e.idx
                ));
                continue;
            };
            if t == 0 {
                continue; // the lead-in
            }
            let seen = tracks.entry(t).or_insert(PqTrack {
                number: t,
                first: time,
                index1: None,
                at: String::new(),
            });
            seen.first = seen.first.min(time);
            if i == 1 && seen.index1.is_none() {
                seen.index1 = Some(time);
                seen.at = format!("{where_}: track {} index 01 at {}", e.trk, e.time());
            }
        }
        out.tracks = tracks
            .into_values()
            .map(|mut t| {
                if t.at.is_empty() {
                    t.at = format!("{pq_name}: track {:02}, no index 01 entry", t.number);
                }
                t
            })
            .collect();
        out
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
    /// The PQ stream's entries as read.
    pq: PqTable,
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
/// Its other files are the files beside `path`, or `siblings` (objects
/// beside it in a store) when it has no path.
pub(super) fn read(
    path: Option<&Path>,
    siblings: Option<&dyn Siblings>,
    src: &mut Source,
    c: &mut Collector,
) -> Result<(), FormatError> {
    read_all(path, siblings, src, c, None).0
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
    read_all(path, None, src, c, overlay).0
}

/// The PQ descriptor stream of the image whose `DDPID` is at `ddpid`, as
/// [`read`] reads it (the image's small files again, never the audio
/// stream): the CD layout's track times come from this one reading.
pub(crate) fn pq_table(ddpid: &Path) -> PqTable {
    let mut file = match File::open(ddpid) {
        Ok(f) => f,
        Err(e) => {
            return PqTable {
                missing: Some(format!("cannot open the DDPID: {e}")),
                ..PqTable::default()
            };
        }
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut c = Collector::new(Container::Ddp);
    let (result, mut table) = read_all(
        Some(ddpid),
        None,
        &mut Source::new(&mut file, len),
        &mut c,
        None,
    );
    if let Err(e) = result
        && table.name.is_none()
        && table.missing.is_none()
    {
        table.missing = Some(e.to_string());
    }
    table
}

/// The PQ stream `name` of these bytes as [`read`] reads it (the fuzz
/// target's body).
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn pq_table_of(name: &str, bytes: &[u8]) -> PqTable {
    let mut c = Collector::new(Container::Ddp);
    let mut img = Image {
        c: &mut c,
        seen: Vec::new(),
        starts: BTreeMap::new(),
        pq: PqTable::default(),
    };
    img.pq.name = Some(name.to_string());
    let mut b = bytes;
    let _ = read_pq_in(&mut Source::new(&mut b, bytes.len() as u64), name, &mut img);
    img.pq
}

/// [`read_over`], and the PQ stream as read.
fn read_all(
    path: Option<&Path>,
    siblings: Option<&dyn Siblings>,
    src: &mut Source,
    c: &mut Collector,
    overlay: Option<&Overlay>,
) -> (Result<(), FormatError>, PqTable) {
    let mut img = Image {
        c,
        seen: Vec::new(),
        starts: BTreeMap::new(),
        pq: PqTable::default(),
    };
    let result = read_image(path, siblings, src, &mut img, overlay);
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
    // The disc's tracks, for the report: the audit's per-track rules use
    // them, whether the image was read from disk or from a store.
    img.c.disc_tracks = img
        .pq
        .tracks()
        .tracks
        .into_iter()
        .map(|t| DiscTrack {
            number: t.number,
            at: t.at,
        })
        .collect();
    (result, img.pq)
}

fn read_image(
    path: Option<&Path>,
    siblings: Option<&dyn Siblings>,
    src: &mut Source,
    img: &mut Image,
    overlay: Option<&Overlay>,
) -> Result<(), FormatError> {
    let id = src.read_upto("DDPID", 0, ID_LEN)?;
    let lvl = level(&id).ok_or_else(|| {
        FormatError::damaged("DDPID does not start with a DDP level (\"DDP 2.00\")")
    })?;
    img.c.format = Some(format!("DDP {lvl}"));
    if id.len() < ID_UPC.end {
        return Err(FormatError::damaged(format!(
            "DDPID is {} bytes, expected 128: its UPC/EAN field (bytes 8-20) is cut off",
            id.len()
        )));
    }
    if src.len() != ID_LEN {
        img.damage(format!("DDPID is {} bytes, expected 128", src.len()));
    }
    let upc = text(&id[ID_UPC]);
    if !no_code(&upc) {
        if !upc.bytes().all(|b| b.is_ascii_digit()) {
            img.damage(format!(
                "DDPID UPC/EAN (bytes 8-20) \"{upc}\" is not digits"
            ));
        }
        let loc = img.loc("DDPID", TagFormat::Ddp, "DDPID UPC/EAN", 8);
        img.site(&upc, loc, "DDPID".into(), None);
    }

    let dir = path.map(|p| match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    });
    let mut dir = match (dir, siblings) {
        (Some(dir), _) => Folder::new(dir),
        (None, Some(s)) => {
            let mut f = Folder::new(PathBuf::new());
            f.siblings = Some(s);
            f
        }
        (None, None) => {
            return Err(FormatError::damaged(
                "DDPMS not read: the DDPID was read from memory, not from its folder, so the map and streams beside it cannot be opened",
            ));
        }
    };
    dir.overlay = overlay;
    let map = read_map(&mut dir, img)?;
    if let Some(pq) = &map.pq {
        read_pq(&mut dir, pq, img)?;
    } else {
        img.pq.missing =
            Some("DDPMS names no PQ descriptor stream: the track times are unknown".into());
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

/// An opened file of the image: on disk, in the overlay, or an object
/// beside the DDPID in a store (with its length).
pub(super) enum Opened<'o> {
    File(File),
    Bytes(&'o [u8]),
    Other(Box<dyn ReadAt + 'o>, u64),
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
            Opened::Other(r, len) => f(&mut Source::new(r.as_mut(), *len)),
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
    /// The files beside the DDPID when they are not on disk (objects).
    siblings: Option<&'o dyn Siblings>,
}

impl<'o> Folder<'o> {
    pub(super) fn new(dir: PathBuf) -> Self {
        Folder {
            dir,
            names: None,
            overlay: None,
            siblings: None,
        }
    }

    /// Whether the image has a file of this name (in any case).
    fn has(&mut self, name: &str) -> bool {
        match self.siblings {
            Some(s) => s.names().iter().any(|n| n.eq_ignore_ascii_case(name)),
            None => self.find(name).is_some(),
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
        if let Some(s) = self.siblings {
            let found = match s.open(name) {
                Ok(None) => s
                    .names()
                    .into_iter()
                    .take(MAX_DIR_ENTRIES)
                    .find(|n| n.eq_ignore_ascii_case(name))
                    .map(|n| s.open(&n))
                    .transpose()
                    .map(Option::flatten),
                r => r,
            };
            return found
                .map(|o| o.map(|(r, len)| Opened::Other(r, len)))
                .map_err(|e| FormatError::damaged(format!("cannot open {name}: {e}")));
        }
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

fn read_map(dir: &mut Folder, img: &mut Image) -> Result<Map, FormatError> {
    let Some(mut opened) = dir.open("DDPMS")? else {
        img.pq.missing = Some("DDPMS (the map) is not in the image's folder".into());
        return Err(FormatError::damaged(
            "DDPMS (the map of the image) is not in the DDPID's folder",
        ));
    };
    opened.with(|src| read_map_in(src, dir, img))
}

fn read_map_in(src: &mut Source, dir: &mut Folder, img: &mut Image) -> Result<Map, FormatError> {
    let len = src.len();
    let mut map = Map::default();
    for d in layout::map_size_damage(len) {
        img.damage(d);
    }
    let count = len / MAP_PACKET;
    let mut listed = Vec::new();
    for n in 0..count.min(MAX_PACKETS) {
        let at = n * MAP_PACKET;
        let bytes: [u8; MAP_PACKET as usize] =
            src.header(format_args!("DDPMS packet {}", n + 1), at)?;
        let what = layout::record("DDPMS", "packet", n + 1, at);
        let Some(p) = MapPacket::parse(&bytes) else {
            return Err(FormatError::damaged(layout::map_not_vvvm(&what)));
        };
        for d in p.damage(&what) {
            img.damage(d);
        }
        let track = p.track().ok().flatten();
        if !no_code(&p.isrc) {
            let mut loc = img.loc(
                "DDPMS",
                TagFormat::Ddp,
                "DDPMS ISRC",
                at + MAP_ISRC.start as u64,
            );
            loc.track = track;
            img.site(
                &p.isrc,
                loc,
                "DDPMS".into(),
                Some(format!(
                    "DDPMS packet {}: track {} index {}",
                    n + 1,
                    if p.trk.is_empty() { "--" } else { &p.trk },
                    if p.idx.is_empty() { "--" } else { &p.idx }
                )),
            );
        }
        let kind = p.kind();
        let name = p.name;
        if name.is_empty() {
            continue;
        }
        img.c.note(format!(
            "DDPMS packet {}: {} stream {name} ({}{})",
            n + 1,
            p.dst,
            kind.label(),
            track.map(|t| format!(", track {t:02}")).unwrap_or_default()
        ));
        if !plain_name(&name) {
            img.damage(format!(
                "{what} names \"{name}\", which is not a file name in the image's folder"
            ));
            continue;
        }
        if !listed.contains(&name) && !dir.has(&name) {
            img.damage(format!(
                "{what} names {name}, which is not in the DDPID's folder"
            ));
        }
        listed.push(name.clone());
        match kind {
            Stream::Pq if map.pq.is_none() => map.pq = Some(name),
            Stream::CdText if map.cdtext.is_none() => map.cdtext = Some(name),
            _ => {}
        }
    }
    Ok(map)
}

fn read_pq(dir: &mut Folder, name: &str, img: &mut Image) -> Result<(), FormatError> {
    let Some(mut opened) = dir.open(name)? else {
        img.pq.missing = Some(format!(
            "{name} (the PQ stream the map names) is not in the image's folder: the track times are unknown"
        ));
        return Ok(()); // reported with the map packet that names it
    };
    img.pq.name = Some(name.to_string());
    opened.with(|src| read_pq_in(src, name, img))
}

fn read_pq_in(src: &mut Source, name: &str, img: &mut Image) -> Result<(), FormatError> {
    let len = src.len();
    img.pq.len = len;
    for d in layout::pq_size_damage(name, len) {
        img.damage(d);
    }
    let count = len / PQ_ENTRY;
    for n in 0..count.min(MAX_PQ) {
        let at = n * PQ_ENTRY;
        let bytes: [u8; PQ_ENTRY as usize] =
            src.header(format_args!("{name} entry {}", n + 1), at)?;
        let what = layout::record(name, "entry", n + 1, at);
        let Some(e) = PqEntry::parse(n + 1, at, &bytes) else {
            img.pq.stopped = Some((n + 1, at));
            return Err(FormatError::damaged(layout::pq_not_vvvs(&what)));
        };
        for d in e.damage(&what) {
            img.damage(d);
        }
        let track = e.track().ok().flatten();
        let (idx, time) = (&e.idx, e.time());
        let note = format!(
            "{name} entry {}: {} index {idx} at {time}",
            n + 1,
            e.whose()
        );
        if let Some(t) = track.filter(|&t| t > 0)
            && (idx == "01" || !img.starts.contains_key(&t))
        {
            img.starts.insert(
                t,
                format!(
                    "track {t:02} starts at {time} (index {idx}, {name} entry {})",
                    n + 1
                ),
            );
        }
        if !no_code(&e.isrc) {
            let mut loc = img.loc(name, TagFormat::Ddp, "PQ ISRC", at + PQ_ISRC.start as u64);
            loc.track = track;
            img.site(&e.isrc, loc, name.to_string(), Some(note.clone()));
        }
        if !no_code(&e.upc) {
            let loc = img.loc(name, TagFormat::Ddp, "PQ UPC/EAN", at + PQ_UPC.start as u64);
            img.site(&e.upc, loc, name.to_string(), Some(note));
        }
        img.pq.entries.push(e);
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
    let mut folder = Folder::new(dir.to_path_buf());
    let mut map = Vec::new();
    if let Some(ms) = folder.find("DDPMS")
        && let Ok(f) = File::open(&ms)
    {
        let _ = f.take(MAX_PACKETS * MAP_PACKET).read_to_end(&mut map);
    }
    Some((id, member_names(&head, &map)?))
}

/// [`members`] from the bytes read: the DDPID's first 8 bytes (`None`
/// unless they start with a DDP level) and the map's first
/// [`MAP_BYTES`] (empty when there is none).
pub(crate) fn member_names(head: &[u8], map: &[u8]) -> Option<Vec<String>> {
    layout::level(head)?;
    let mut names = vec!["DDPMS".to_string()];
    for p in map
        .chunks_exact(MAP_PACKET as usize)
        .take(MAX_PACKETS as usize)
    {
        let name = layout::packet_name(p);
        if plain_name(&name) && !names.contains(&name) {
            names.push(name);
        }
    }
    Some(names)
}

/// How much of a map [`member_names`] reads.
pub(crate) const MAP_BYTES: u64 = MAX_PACKETS * MAP_PACKET;

/// Whether `name` (a file in the folder of an image with these
/// `members`) belongs to the image, the DDPID aside.
pub(crate) fn is_member(members: &[String], name: &str) -> bool {
    super::write::is_checksum_name(name) || members.iter().any(|m| m.eq_ignore_ascii_case(name))
}
