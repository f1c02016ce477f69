//! The byte layout of a DDP image's records, in one place: the `DDPID`
//! fields, the 128-byte `VVVM` packets of the map (`DDPMS`) and the 64-byte
//! `VVVS` entries of the PQ descriptor stream, with the field helpers, the
//! caps on records read and the damage messages of a record. Pure
//! functions over byte slices, no I/O: the reader (`read.rs`, a record at
//! a time through its bounded `Source`), the patcher (`write.rs`) and the
//! CD layout (`src/cd/ddp.rs`, through the reader) all parse with these.
//! `docs/ddp.md` lists the bytes.

use std::ops::Range;

/// The size of `DDPID`, of a `DDPMS` map packet, of a PQ descriptor entry
/// and of a CD-TEXT pack.
pub(crate) const ID_LEN: u64 = 128;
pub(crate) const MAP_PACKET: u64 = 128;
pub(crate) const PQ_ENTRY: u64 = 64;
pub(crate) const PACK: u64 = 18;

/// Caps on records read: a real map has a few packets per track (99 tracks
/// at most), a PQ stream an entry per index (100 per track at most), a
/// CD-TEXT stream 8 blocks of at most 256 packs.
pub(crate) const MAX_PACKETS: u64 = 1000;
pub(crate) const MAX_PQ: u64 = 10_000;
pub(crate) const MAX_PACKS: u64 = 8 * 256;

/// `DDPID`: the disc's UPC/EAN.
pub(crate) const ID_UPC: Range<usize> = 8..21;

/// `DDPMS` packet fields.
const MAP_DST: Range<usize> = 4..6;
const MAP_SUB: Range<usize> = 30..38;
const MAP_CDM: Range<usize> = 38..40;
const MAP_TRK: Range<usize> = 55..57;
const MAP_IDX: Range<usize> = 57..59;
/// A map packet's ISRC field.
pub(crate) const MAP_ISRC: Range<usize> = 59..71;
const MAP_SIZ: Range<usize> = 71..74;
const MAP_DSI: Range<usize> = 74..91;

/// PQ entry fields.
const PQ_TRK: Range<usize> = 4..6;
const PQ_IDX: Range<usize> = 6..8;
const PQ_MIN: Range<usize> = 10..12;
const PQ_SEC: Range<usize> = 12..14;
const PQ_FRM: Range<usize> = 14..16;
/// A PQ entry's ISRC and UPC/EAN fields.
pub(crate) const PQ_ISRC: Range<usize> = 20..32;
pub(crate) const PQ_UPC: Range<usize> = 32..45;

/// CD frames (sectors) a second.
const FRAMES: u32 = 75;

/// The level a `DDPID` starts with (`DDP 2.00`, `DDP 1.01`), if it is one.
pub(crate) fn level(head: &[u8]) -> Option<&str> {
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
pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .trim_matches(|ch: char| ch == ' ' || ch == '\0')
        .to_string()
}

/// Whether a code field holds no code: blank, or all zeros.
pub(crate) fn no_code(raw: &str) -> bool {
    raw.chars().all(|ch| ch == '0')
}

/// A numeric field: `Ok(None)` when blank, `Err` when not all digits.
pub(crate) fn number(raw: &str) -> Result<Option<u32>, ()> {
    if raw.is_empty() {
        Ok(None)
    } else if raw.len() <= 9 && raw.bytes().all(|b| b.is_ascii_digit()) {
        raw.parse().map(Some).map_err(|_| ())
    } else {
        Err(())
    }
}

/// A numeric field that must hold a number: `None` when blank or not
/// digits.
pub(crate) fn digits(raw: &str) -> Option<u32> {
    number(raw).ok().flatten()
}

/// Whether a name from the map is a plain file name (no folder part).
pub(crate) fn plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', ':', '\0'])
}

/// The file name a map packet (128 bytes) names, `VVVM` or not: DSI cut
/// to SIZ (all of DSI when SIZ is blank or wrong); empty when `p` is
/// shorter than a packet.
pub(crate) fn packet_name(p: &[u8]) -> String {
    let (Some(siz), Some(dsi)) = (p.get(MAP_SIZ), p.get(MAP_DSI)) else {
        return String::new();
    };
    match number(&text(siz)) {
        Ok(Some(s)) if s as usize <= dsi.len() => text(&dsi[..s as usize]),
        _ => text(dsi),
    }
}

/// What a map packet's stream is, by its SUB and CDM fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stream {
    /// SUB starting with `PQ` (`PQ DESCR`).
    Pq,
    /// SUB `CDTEXT` or `CD TEXT`.
    CdText,
    /// CDM `DA`.
    Audio,
    /// Anything else.
    Data,
}

impl Stream {
    /// As the reader's notes name it.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Stream::Pq => "PQ descriptors",
            Stream::CdText => "CD-TEXT",
            Stream::Audio => "CD-DA audio",
            Stream::Data => "data",
        }
    }
}

/// One `DDPMS` packet, its fields as stored (without padding).
#[derive(Debug, Clone)]
pub(crate) struct MapPacket {
    /// DST: the stream's type (`D0`, `S0`).
    pub dst: String,
    /// SUB: the subcode stream (`PQ DESCR`, `CDTEXT`).
    pub sub: String,
    /// CDM: the CD mode (`DA`).
    pub cdm: String,
    /// TRK: the track number, as stored.
    pub trk: String,
    /// IDX: the index, as stored.
    pub idx: String,
    /// The ISRC field, as stored (at [`MAP_ISRC`]).
    pub isrc: String,
    /// SIZ: the size of the file name in DSI, as stored.
    pub siz: String,
    /// The file name: DSI cut to SIZ (all of DSI when SIZ is blank or
    /// wrong).
    pub name: String,
}

impl MapPacket {
    /// A packet's fields; `None` when it is shorter than a packet or does
    /// not start with `VVVM`.
    pub(crate) fn parse(p: &[u8]) -> Option<MapPacket> {
        if p.len() < MAP_PACKET as usize || &p[..4] != b"VVVM" {
            return None;
        }
        let siz = text(&p[MAP_SIZ]);
        let name = packet_name(p);
        Some(MapPacket {
            dst: text(&p[MAP_DST]),
            sub: text(&p[MAP_SUB]),
            cdm: text(&p[MAP_CDM]),
            trk: text(&p[MAP_TRK]),
            idx: text(&p[MAP_IDX]),
            isrc: text(&p[MAP_ISRC]),
            siz,
            name,
        })
    }

    /// The track number: `Ok(None)` when blank, `Err` when not digits.
    pub(crate) fn track(&self) -> Result<Option<u32>, ()> {
        number(&self.trk)
    }

    /// What its stream is.
    pub(crate) fn kind(&self) -> Stream {
        if self.sub.to_ascii_uppercase().starts_with("PQ") {
            Stream::Pq
        } else if self.sub.eq_ignore_ascii_case("CDTEXT")
            || self.sub.eq_ignore_ascii_case("CD TEXT")
        {
            Stream::CdText
        } else if self.cdm.eq_ignore_ascii_case("DA") {
            Stream::Audio
        } else {
            Stream::Data
        }
    }

    /// The damage of its fields, each a message starting with `what`
    /// (`DDPMS packet 2 @128`).
    pub(crate) fn damage(&self, what: &str) -> Vec<String> {
        let mut out = Vec::new();
        if self.track().is_err() {
            out.push(format!(
                "{what}: track number (bytes 55-56) \"{}\" is not digits",
                self.trk
            ));
        }
        if number(&self.idx).is_err() {
            out.push(format!(
                "{what}: index (bytes 57-58) \"{}\" is not digits",
                self.idx
            ));
        }
        let size_ok = match number(&self.siz) {
            Ok(Some(s)) => s as usize <= MAP_DSI.len(),
            Ok(None) => true,
            Err(()) => false,
        };
        if !size_ok {
            out.push(format!(
                "{what}: the file name's size (bytes 71-73) \"{}\" is not a number of at most 17",
                self.siz
            ));
        }
        out
    }
}

/// One PQ descriptor entry, its fields as stored (without padding).
#[derive(Debug, Clone)]
pub(crate) struct PqEntry {
    /// Its number in the stream, from 1.
    pub number: u64,
    /// Its offset in the stream.
    pub at: u64,
    /// TRK as stored: `00` the lead-in, `01`-`99`, `AA` the lead-out.
    pub trk: String,
    /// The index, as stored.
    pub idx: String,
    /// The time, minutes, seconds and frames, as stored.
    pub min: String,
    pub sec: String,
    pub frm: String,
    /// The ISRC field, as stored (at `at` + [`PQ_ISRC`]).
    pub isrc: String,
    /// The UPC/EAN field, as stored (at `at` + [`PQ_UPC`]).
    pub upc: String,
}

impl PqEntry {
    /// Entry `number` (from 1) of a stream, whose bytes `e` are at `at`;
    /// `None` when shorter than an entry or not starting with `VVVS`.
    pub(crate) fn parse(number: u64, at: u64, e: &[u8]) -> Option<PqEntry> {
        if e.len() < PQ_ENTRY as usize || &e[..4] != b"VVVS" {
            return None;
        }
        Some(PqEntry {
            number,
            at,
            trk: text(&e[PQ_TRK]),
            idx: text(&e[PQ_IDX]),
            min: text(&e[PQ_MIN]),
            sec: text(&e[PQ_SEC]),
            frm: text(&e[PQ_FRM]),
            isrc: text(&e[PQ_ISRC]),
            upc: text(&e[PQ_UPC]),
        })
    }

    /// Whether it is the lead-out's (`AA`).
    pub(crate) fn lead_out(&self) -> bool {
        self.trk.eq_ignore_ascii_case("AA")
    }

    /// The track number (0 the lead-in): `Ok(None)` when blank or the
    /// lead-out, `Err` when not digits.
    pub(crate) fn track(&self) -> Result<Option<u32>, ()> {
        if self.lead_out() {
            Ok(None)
        } else {
            number(&self.trk)
        }
    }

    /// Its time in frames from the start of the disc, when it is
    /// `mm:ss:ff` (seconds below 60, frames below 75).
    pub(crate) fn frames(&self) -> Option<u32> {
        match (digits(&self.min), digits(&self.sec), digits(&self.frm)) {
            (Some(m), Some(s), Some(f)) if s < 60 && f < FRAMES => m
                .checked_mul(60)?
                .checked_add(s)?
                .checked_mul(FRAMES)?
                .checked_add(f),
            _ => None,
        }
    }

    /// `mm:ss:ff` as stored.
    pub(crate) fn time(&self) -> String {
        format!("{}:{}:{}", self.min, self.sec, self.frm)
    }

    /// `track 03` or `lead-out`.
    pub(crate) fn whose(&self) -> String {
        if self.lead_out() {
            "lead-out".to_string()
        } else {
            format!("track {}", self.trk)
        }
    }

    /// The damage of its fields, each a message starting with `what`
    /// (`PQDESCR entry 2 @64`).
    pub(crate) fn damage(&self, what: &str) -> Vec<String> {
        let mut out = Vec::new();
        if self.track().is_err() {
            out.push(format!(
                "{what}: track number (bytes 4-5) \"{}\" is not digits",
                self.trk
            ));
        }
        for (label, v) in [
            ("index", &self.idx),
            ("minutes", &self.min),
            ("seconds", &self.sec),
            ("frames", &self.frm),
        ] {
            if number(v).is_err() {
                out.push(format!("{what}: {label} \"{v}\" is not digits"));
            }
        }
        out
    }
}

/// How a record is named in messages: `DDPMS packet 2 @128`.
pub(crate) fn record(file: &str, kind: &str, number: u64, at: u64) -> String {
    format!("{file} {kind} {number} @{at}")
}

/// The damage of a map of `len` bytes: not whole packets, too many.
pub(crate) fn map_size_damage(len: u64) -> Vec<String> {
    let mut out = Vec::new();
    if !len.is_multiple_of(MAP_PACKET) {
        out.push(format!(
            "DDPMS is {len} bytes, not a whole number of 128-byte packets: the last {} bytes are not read",
            len % MAP_PACKET
        ));
    }
    let count = len / MAP_PACKET;
    if count > MAX_PACKETS {
        out.push(format!(
            "DDPMS holds {count} packets, more than the {MAX_PACKETS} read"
        ));
    }
    out
}

/// The damage of a PQ stream `name` of `len` bytes: not whole entries,
/// too many.
pub(crate) fn pq_size_damage(name: &str, len: u64) -> Vec<String> {
    let mut out = Vec::new();
    if !len.is_multiple_of(PQ_ENTRY) {
        out.push(format!(
            "{name} is {len} bytes, not a whole number of 64-byte PQ entries: truncated, the last {} bytes are not read",
            len % PQ_ENTRY
        ));
    }
    let count = len / PQ_ENTRY;
    if count > MAX_PQ {
        out.push(format!(
            "{name} holds {count} PQ entries, more than the {MAX_PQ} read"
        ));
    }
    out
}

/// A map packet that is not one: the map is read no further.
pub(crate) fn map_not_vvvm(what: &str) -> String {
    format!("{what} does not start with \"VVVM\": the map is damaged from here")
}

/// A PQ entry that is not one: the stream is read no further.
pub(crate) fn pq_not_vvvs(what: &str) -> String {
    format!("{what} does not start with \"VVVS\": the PQ stream is damaged from here")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(sub: &str, trk: &str, siz: &str, name: &str) -> Vec<u8> {
        let mut p = vec![b' '; 128];
        p[..4].copy_from_slice(b"VVVM");
        p[30..30 + sub.len()].copy_from_slice(sub.as_bytes());
        p[55..55 + trk.len()].copy_from_slice(trk.as_bytes());
        p[71..71 + siz.len()].copy_from_slice(siz.as_bytes());
        p[74..74 + name.len()].copy_from_slice(name.as_bytes());
        p
    }

    #[test]
    fn map_packets() {
        let p = MapPacket::parse(&packet("PQ DESCR", "  ", "007", "PQDESCRXX")).expect("packet");
        assert_eq!(p.name, "PQDESCR");
        assert_eq!(p.kind(), Stream::Pq);
        assert_eq!(p.track(), Ok(None));
        assert!(p.damage("p").is_empty());
        let p = MapPacket::parse(&packet("CD TEXT", "x1", "99", "CDTEXT.BIN")).expect("packet");
        assert_eq!(p.kind(), Stream::CdText);
        assert_eq!(p.name, "CDTEXT.BIN");
        assert_eq!(
            p.damage("p"),
            [
                "p: track number (bytes 55-56) \"x1\" is not digits",
                "p: the file name's size (bytes 71-73) \"99\" is not a number of at most 17"
            ]
        );
        assert!(MapPacket::parse(&[b'V'; 127]).is_none());
        assert!(MapPacket::parse(&[0; 128]).is_none());
    }

    #[test]
    fn pq_entries() {
        let mut e = vec![0u8; 64];
        e[..16].copy_from_slice(b"VVVSAA0100010274");
        let p = PqEntry::parse(5, 256, &e).expect("entry");
        assert!(p.lead_out());
        assert_eq!(p.track(), Ok(None));
        assert_eq!(p.frames(), Some((60 + 2) * 75 + 74));
        assert_eq!(p.whose(), "lead-out");
        e[4..6].copy_from_slice(b"03");
        e[12..14].copy_from_slice(b"60");
        let p = PqEntry::parse(1, 0, &e).expect("entry");
        assert_eq!(p.track(), Ok(Some(3)));
        assert_eq!(p.frames(), None);
        e[10..12].copy_from_slice(b"9x");
        let p = PqEntry::parse(1, 0, &e).expect("entry");
        assert_eq!(p.damage("e"), ["e: minutes \"9x\" is not digits"]);
        assert!(PqEntry::parse(1, 0, &e[..63]).is_none());
        assert!(map_size_damage(128 * 1001 + 3).len() == 2);
        assert!(pq_size_damage("PQ", 64).is_empty());
    }
}
