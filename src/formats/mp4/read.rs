//! Finds the code sites of an MP4 / M4A file.
//!
//! Walks the atoms by their headers only: `mdat` (the audio) is skipped by
//! its size, never read; of `moov` only the movie header, the first audio
//! track's `mdhd`/`hdlr`/`stsd` and the metadata lists are read, so the cost
//! does not grow with the recording's length. Codes live in:
//! - iTunes `ilst` freeform items `----:com.apple.iTunes:ISRC` (and the
//!   barcode keys), and Apple's `xid ` item (`Provider:isrc:CODE`);
//! - QuickTime keyed metadata (`hdlr` type `mdta`, a `keys` list, an `ilst`
//!   whose items are 1-based key indexes), written by ffmpeg's
//!   `-movflags use_metadata_tags`.
//!
//! Every text value is offered to [`Collector::field`]; the key table
//! decides which are codes.

use super::atoms::{self, Atom, Budget, Parent, Step, Tail, be_u32, be_u64};
use crate::formats::{Collector, FormatError};
use crate::model::{Location, TagFormat};
use crate::source::Source;
use sample_entry::sound_entry;

#[path = "read_sample_entry.rs"]
mod sample_entry;

/// Text values longer than this are not read (no code is that long); the
/// writer uses the same limit.
pub(super) const TEXT_CAP: u64 = 64 * 1024;

/// How much of an `stsd` atom is read: its first sample entry and the
/// `esds` in it.
const STSD_CAP: u64 = 512;

/// A `keys` atom larger than this is not read (by the writer either).
pub(super) const KEYS_CAP: u64 = 1024 * 1024;

/// Read an MP4 file's code sites, format and audio properties into `c`.
///
/// Damage does not stop the walk where the structure allows going on (a
/// broken `udta` does not hide `mvhd`); everything readable is collected,
/// and the first damage is returned afterwards (later ones become notes).
pub(crate) fn read(src: &mut Source, c: &mut Collector) -> Result<(), FormatError> {
    c.format = Some("MP4".to_string());
    let len = src.len();
    let mut r = Reader {
        src,
        c,
        budget: Budget::default(),
        damage: None,
        mdats: 0,
        moovs: 0,
        truncated: false,
        movie_timescale: None,
        track: Track::default(),
    };
    r.walk(&Parent::file(len), Reader::top);
    if r.mdats > 1 {
        let (off, plen) = (r.c.audio.payload_offset, r.c.audio.payload_len);
        r.c.note(format!(
            "{} mdat atoms; the audio payload recorded is the first (byte {}, {} bytes)",
            r.mdats,
            off.unwrap_or_default(),
            plen.unwrap_or_default()
        ));
    }
    if r.moovs == 0 && r.damage.is_none() {
        r.c.note("no 'moov' atom: the file has no movie header and no metadata (an unfinished recording?)");
    }
    match r.damage {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// What the walk learns about one track.
#[derive(Debug, Default)]
struct Track {
    handler: Option<[u8; 4]>,
    timescale: Option<u32>,
    /// Channels and the integer part of the 16.16 sample rate from the
    /// first sample entry.
    entry: Option<(u16, u16)>,
}

struct Reader<'r, 's> {
    src: &'r mut Source<'s>,
    c: &'r mut Collector,
    budget: Budget,
    /// The first damage met; returned at the end.
    damage: Option<FormatError>,
    mdats: u32,
    moovs: u32,
    /// Whether the file was found cut short.
    truncated: bool,
    /// The `mvhd` timescale, for `mehd`.
    movie_timescale: Option<u32>,
    track: Track,
}

type Visit<'r, 's> = fn(&mut Reader<'r, 's>, &Parent, &Atom);

impl<'r, 's> Reader<'r, 's> {
    /// Record that the file was cut short; only the outermost atom cut is
    /// reported (the atoms inside it are cut at the same byte).
    fn truncated(&mut self, e: FormatError) {
        if !self.truncated {
            self.truncated = true;
            self.damaged(e);
        }
    }

    /// Record damage: the first is returned at the end, later ones are notes.
    fn damaged(&mut self, e: FormatError) {
        if self.damage.is_none() {
            self.damage = Some(e);
        } else {
            self.c.note(format!("also damaged: {e}"));
        }
    }

    /// Note 1 to 7 bytes after the last atom of `parent`, unless they are
    /// zeros (QuickTime's list terminator).
    fn trailing(&mut self, parent: &Parent, at: u64, n: u64) {
        match self.src.read("bytes after the last atom", at, n) {
            Ok(b) if b.iter().all(|&x| x == 0) => {}
            Ok(_) => {
                let place = if parent.path.is_empty() {
                    "the file".to_string()
                } else {
                    format!("'{}'", parent.path)
                };
                self.c.note(format!(
                    "{n} stray bytes at byte {at} after the last atom of {place}: ignored"
                ));
            }
            Err(e) => self.damaged(e.into()),
        }
    }

    /// Visit each atom of `parent` as its header is read, in file order;
    /// damage ends the walk of `parent` (its size still bounds it, so the
    /// walk of its siblings goes on).
    fn walk(&mut self, parent: &Parent, visit: Visit<'r, 's>) {
        let mut cursor = parent.start;
        loop {
            match atoms::next(self.src, &mut self.budget, parent, &mut cursor) {
                Step::Atom(atom) => visit(self, parent, &atom),
                Step::Truncated(atom, e) => {
                    self.truncated(e);
                    // What the file holds of it may still hold codes; a
                    // cut `mdat` is not recorded as the payload.
                    if !atom.is(b"mdat") {
                        visit(self, parent, &atom);
                    }
                }
                Step::End => break,
                Step::Trailing(at, n) => self.trailing(parent, at, n),
                Step::Damage(e) => self.damaged(e),
            }
        }
    }

    /// The atoms of a small region (a `meta`, an item), for regions whose
    /// atoms must be seen together; the damage that ended the list early
    /// is returned for the caller to record after using the atoms before it.
    fn list(&mut self, parent: &Parent) -> (Vec<Atom>, Option<FormatError>) {
        let listing = atoms::list(self.src, &mut self.budget, parent);
        let damage = match listing.tail {
            Tail::End => None,
            Tail::Trailing(at, n) => {
                self.trailing(parent, at, n);
                None
            }
            Tail::Truncated(e) => {
                self.truncated(e);
                None
            }
            Tail::Damage(e) => Some(e),
        };
        (listing.atoms, damage)
    }

    /// Read up to `max` bytes of an atom's content, `skip` bytes in.
    fn body(&mut self, atom: &Atom, skip: u64, max: u64) -> Option<Vec<u8>> {
        let len = atom.body_len().saturating_sub(skip).min(max);
        let what = format_args!("'{}' atom content", atoms::Kind(&atom.kind));
        match self
            .src
            .read(what, atom.body() + skip.min(atom.body_len()), len)
        {
            Ok(b) => Some(b),
            Err(e) => {
                self.damaged(e.into());
                None
            }
        }
    }

    fn top(&mut self, parent: &Parent, atom: &Atom) {
        match &atom.kind {
            b"ftyp" => self.ftyp(atom),
            b"mdat" => {
                self.mdats += 1;
                if self.mdats == 1 {
                    self.c.audio.payload_offset = Some(atom.body());
                    self.c.audio.payload_len = Some(atom.body_len());
                }
            }
            b"moov" => {
                self.moovs += 1;
                self.walk(&parent.child(atom, 0), Reader::moov);
            }
            b"meta" => self.meta(parent, atom),
            _ => {}
        }
    }

    /// The major brand names the format: `MP4 (M4A)`.
    fn ftyp(&mut self, atom: &Atom) {
        let Some(b) = self.body(atom, 0, 4) else {
            return;
        };
        if let Ok(brand) = <[u8; 4]>::try_from(b.as_slice())
            && self.c.format.as_deref() == Some("MP4")
        {
            let name = atoms::fourcc(&brand);
            let name = name.trim_end();
            if !name.is_empty() {
                self.c.format = Some(format!("MP4 ({name})"));
            }
        }
    }

    fn moov(&mut self, parent: &Parent, atom: &Atom) {
        match &atom.kind {
            b"mvhd" => self.mvhd(atom),
            b"mvex" => self.walk(&parent.child(atom, 0), Reader::mvex),
            b"trak" => {
                self.track = Track::default();
                self.walk(&parent.child(atom, 0), Reader::trak);
                self.apply_track();
            }
            b"udta" => self.walk(&parent.child(atom, 0), Reader::udta),
            b"meta" => self.meta(parent, atom),
            _ => {}
        }
    }

    fn udta(&mut self, parent: &Parent, atom: &Atom) {
        if atom.is(b"meta") {
            self.meta(parent, atom);
        }
    }

    fn trak(&mut self, parent: &Parent, atom: &Atom) {
        match &atom.kind {
            b"mdia" => self.walk(&parent.child(atom, 0), Reader::mdia),
            b"udta" => self.walk(&parent.child(atom, 0), Reader::udta),
            _ => {}
        }
    }

    fn mdia(&mut self, parent: &Parent, atom: &Atom) {
        match &atom.kind {
            b"mdhd" => {
                if let Some((timescale, _)) = self.time_header(atom) {
                    self.track.timescale = Some(timescale);
                }
            }
            b"hdlr" => self.track.handler = self.handler(atom),
            b"minf" => self.walk(&parent.child(atom, 0), Reader::minf),
            _ => {}
        }
    }

    fn minf(&mut self, parent: &Parent, atom: &Atom) {
        if atom.is(b"stbl") {
            // Only `stsd` is read: the sample tables grow with the audio.
            self.walk(&parent.child(atom, 0), Reader::stbl);
        }
    }

    fn stbl(&mut self, _parent: &Parent, atom: &Atom) {
        if !atom.is(b"stsd") {
            return;
        }
        // Full box (4), entry count (4), then the sample entries.
        let Some(b) = self.body(atom, 0, STSD_CAP) else {
            return;
        };
        if be_u32(&b, 4).unwrap_or(0) > 0 {
            self.track.entry = b.get(8..).and_then(sound_entry);
        }
    }

    /// Take sample rate and channels from the first audio track.
    fn apply_track(&mut self) {
        let t = std::mem::take(&mut self.track);
        let audio = &self.c.audio;
        if t.handler != Some(*b"soun") || audio.sample_rate.is_some() || audio.channels.is_some() {
            return;
        }
        let entry_rate = t.entry.map(|(_, r)| u32::from(r)).filter(|&r| r > 0);
        let timescale = t.timescale.filter(|&t| t > 0);
        // The sample entry's rate is 16.16 fixed point, so rates above
        // 65535 Hz wrap; audio tracks usually use the rate as timescale
        // (not always: 600 and 1000 are seen too).
        self.c.audio.sample_rate = match (entry_rate, timescale) {
            (Some(r), Some(ts)) if ts & 0xFFFF == r => Some(ts),
            (Some(r), _) => Some(r),
            (None, ts) => ts.filter(|&ts| ts >= 8000),
        };
        self.c.audio.channels = t.entry.map(|(ch, _)| ch).filter(|&ch| ch > 0);
    }

    fn mvhd(&mut self, atom: &Atom) {
        let Some((timescale, duration)) = self.time_header(atom) else {
            return;
        };
        if timescale == 0 {
            self.c.note(format!(
                "movie header 'mvhd' at byte {} has a timescale of 0: duration unknown",
                atom.offset
            ));
            return;
        }
        self.movie_timescale = Some(timescale);
        // Fragmented files leave 0 here (the length is in `mehd`, if anywhere).
        self.set_duration(duration.filter(|&d| d > 0), timescale);
    }

    fn set_duration(&mut self, duration: Option<u64>, timescale: u32) {
        if let (Some(d), true) = (duration, timescale > 0) {
            let ms = (u128::from(d) * 1000 + u128::from(timescale) / 2) / u128::from(timescale);
            self.c.audio.duration_ms = u64::try_from(ms).ok();
        }
    }

    /// `mvex/mehd`: the whole length of a fragmented file.
    fn mvex(&mut self, _parent: &Parent, atom: &Atom) {
        if !atom.is(b"mehd") || self.c.audio.duration_ms.is_some() {
            return;
        }
        let (Some(timescale), Some(b)) = (self.movie_timescale, self.body(atom, 0, 12)) else {
            return;
        };
        let duration = match b.first() {
            Some(0) => be_u32(&b, 4).map(u64::from),
            Some(1) => be_u64(&b, 4),
            _ => None,
        };
        self.set_duration(duration.filter(|&d| d > 0), timescale);
    }

    /// Timescale and duration of an `mvhd` or `mdhd` (version 0 or 1);
    /// the duration is `None` when all ones (unknown).
    fn time_header(&mut self, atom: &Atom) -> Option<(u32, Option<u64>)> {
        let b = self.body(atom, 0, 32)?;
        let version = *b.first()?;
        let parsed = match version {
            0 => be_u32(&b, 12)
                .zip(be_u32(&b, 16))
                .map(|(ts, d)| (ts, (d != u32::MAX).then_some(u64::from(d)))),
            1 => be_u32(&b, 20)
                .zip(be_u64(&b, 24))
                .map(|(ts, d)| (ts, (d != u64::MAX).then_some(d))),
            _ => None,
        };
        if parsed.is_none() {
            self.damaged(FormatError::damaged(format!(
                "'{}' atom at byte {} is {} bytes, too short for (or unknown) version {version}",
                atom.name(),
                atom.offset,
                atom.size
            )));
        }
        parsed
    }

    /// The handler type of an `hdlr` atom.
    fn handler(&mut self, atom: &Atom) -> Option<[u8; 4]> {
        let b = self.body(atom, 0, 12)?;
        b.get(8..12)?.try_into().ok()
    }

    /// A `meta` atom: ISO full box (4 bytes of version and flags before
    /// the children, as under `udta`) or QuickTime's plain container
    /// (directly under `moov`). Told apart by whether its first bytes
    /// are a plausible child header.
    fn meta(&mut self, parent: &Parent, atom: &Atom) {
        let Some(peek) = self.body(atom, 0, 8) else {
            return;
        };
        let inner = parent.child(atom, atoms::meta_skip(&peek, atom));
        let (list, damage) = self.list(&inner);
        let mut handler = None;
        let mut keys = None;
        for a in &list {
            if a.is(b"hdlr") && handler.is_none() {
                handler = self.handler(a);
            } else if a.is(b"keys") && keys.is_none() {
                keys = Some(self.keys(a));
            }
        }
        let keyed = keyed(handler, keys.is_some());
        for a in &list {
            if a.is(b"ilst") {
                let ilst = inner.child(a, 0);
                if keyed {
                    self.keyed_ilst(&ilst, keys.as_deref().unwrap_or_default());
                } else {
                    self.walk(&ilst, Reader::item);
                }
            }
        }
        if let Some(e) = damage {
            self.damaged(e);
        }
    }

    /// The key names of a `keys` atom (full box, entry count, then
    /// entries of size, namespace and name), in order.
    fn keys(&mut self, atom: &Atom) -> Vec<String> {
        let mut out = Vec::new();
        if atom.body_len() > KEYS_CAP {
            self.c.note(format!(
                "'keys' atom at byte {} is {} bytes, more than {KEYS_CAP}: not read",
                atom.offset, atom.size
            ));
            return out;
        }
        let Some(b) = self.body(atom, 0, KEYS_CAP) else {
            return out;
        };
        let Some(count) = be_u32(&b, 4) else {
            self.damaged(FormatError::damaged(format!(
                "'keys' atom at byte {} is {} bytes, too short for its entry count",
                atom.offset, atom.size
            )));
            return out;
        };
        let room = b.len().saturating_sub(8) / 8;
        if count as usize > room {
            self.damaged(FormatError::damaged(format!(
                "'keys' atom at byte {} declares {count} entries but its {} bytes hold at most {room}",
                atom.offset, atom.size
            )));
        }
        let mut pos = 8usize;
        for i in 0..(count as usize).min(room) {
            let entry = be_u32(&b, pos)
                .map(|n| n as usize)
                .filter(|&n| n >= 8)
                .and_then(|n| Some((n, b.get(pos + 8..pos.checked_add(n)?)?)));
            let Some((n, name)) = entry else {
                self.damaged(FormatError::damaged(format!(
                    "'keys' atom at byte {}: entry {} at byte {} has a size that does not fit the atom",
                    atom.offset,
                    i + 1,
                    atom.body() + pos as u64
                )));
                break;
            };
            out.push(String::from_utf8_lossy(name).into_owned());
            pos += n;
        }
        out
    }

    /// An item of an iTunes-style `ilst`.
    fn item(&mut self, ilst: &Parent, item: &Atom) {
        match &item.kind {
            b"----" => self.freeform(ilst, item),
            b"xid " => self.xid(ilst, item),
            [0xA9, b'n', b'a', b'm'] => self.title(ilst, item),
            _ => {}
        }
    }

    /// The `©nam` item: the title, for telling recordings apart.
    fn title(&mut self, ilst: &Parent, item: &Atom) {
        let inner = ilst.child(item, 0);
        let (list, _) = self.list(&inner);
        if let Some((text, _)) = list
            .iter()
            .filter(|a| a.is(b"data"))
            .find_map(|d| self.data_text(d))
        {
            self.c.title(&text);
        }
    }

    /// Apple's `xid ` item: text `Provider:isrc:CODE` in `data` atoms.
    fn xid(&mut self, ilst: &Parent, item: &Atom) {
        let inner = ilst.child(item, 0);
        let (list, damage) = self.list(&inner);
        for d in list.iter().filter(|a| a.is(b"data")) {
            let Some((text, encoding)) = self.data_text(d) else {
                continue;
            };
            let mut parts = text.splitn(3, ':');
            let (_provider, scheme, code) = (parts.next(), parts.next(), parts.next());
            if let (Some(scheme), Some(code)) = (scheme, code)
                && scheme.eq_ignore_ascii_case("isrc")
            {
                let loc = self.c.loc(
                    Some(ilst.path.as_str()),
                    TagFormat::Xid,
                    "xid :isrc",
                    item.offset,
                );
                self.text_field(code, encoding, loc);
            }
        }
        if let Some(e) = damage {
            self.damaged(e);
        }
    }

    /// A freeform `----` item: `mean` and `name` (full boxes holding
    /// text) and one or more `data` atoms.
    fn freeform(&mut self, ilst: &Parent, item: &Atom) {
        let inner = ilst.child(item, 0);
        let (list, damage) = self.list(&inner);
        let mut mean = None;
        let mut name = None;
        for a in &list {
            if a.is(b"mean") && mean.is_none() {
                mean = self.name_text(a);
            } else if a.is(b"name") && name.is_none() {
                name = self.name_text(a);
            }
        }
        if let (Some(mean), Some(name)) = (mean, name) {
            let field = format!("----:{mean}:{name}");
            // Only a code field's values are read.
            let wanted = self.c.wants(TagFormat::Ilst, &field);
            for d in list.iter().filter(|a| wanted && a.is(b"data")) {
                if let Some((text, encoding)) = self.data_text(d) {
                    let loc = self.c.loc(
                        Some(ilst.path.as_str()),
                        TagFormat::Ilst,
                        &field,
                        item.offset,
                    );
                    self.text_field(&text, encoding, loc);
                }
            }
        } else if damage.is_none() && !item.cut {
            self.c.note(format!(
                "freeform item '----' at byte {} in '{}' has no 'mean' or no 'name': skipped",
                item.offset, ilst.path
            ));
        }
        if let Some(e) = damage {
            self.damaged(e);
        }
    }

    /// The text of a `mean` or `name` atom (after 4 bytes of version and flags).
    fn name_text(&mut self, atom: &Atom) -> Option<String> {
        if atom.cut {
            return None;
        }
        if atom.body_len() < 4 || atom.body_len() - 4 > TEXT_CAP {
            self.c.note(format!(
                "'{}' atom at byte {} is {} bytes: not a usable name, item skipped",
                atom.name(),
                atom.offset,
                atom.size
            ));
            return None;
        }
        let b = self.body(atom, 4, TEXT_CAP)?;
        Some(String::from_utf8_lossy(&b).into_owned())
    }

    /// Offer the text of a `data` atom to the collector, with its encoding;
    /// a value of implicit type gets a note saying so.
    fn text_field(&mut self, text: &str, encoding: TextEncoding, mut loc: Location) {
        loc.encoding = encoding.name().map(Into::into);
        let before = self.c.sites.len();
        self.c.field(text, loc);
        if encoding == TextEncoding::Implicit
            && self.c.sites.len() > before
            && let Some(site) = self.c.sites.last_mut()
        {
            site.notes.push(IMPLICIT_NOTE.to_string());
        }
    }

    /// The text of a `data` atom with its encoding, or `None` when the
    /// value is not text (binary, integer, image) or too long.
    ///
    /// Layout: type indicator (4: a zero type-set byte and a 24-bit
    /// well-known type), locale (4), value.
    fn data_text(&mut self, atom: &Atom) -> Option<(String, TextEncoding)> {
        if atom.cut {
            // A value cut short by the file's end would pass for another.
            return None;
        }
        if atom.body_len() < 8 {
            self.damaged(FormatError::damaged(format!(
                "'data' atom at byte {} is {} bytes, too short for its type and locale",
                atom.offset, atom.size
            )));
            return None;
        }
        let head = self.body(atom, 0, 8)?;
        let encoding = TextEncoding::of(be_u32(&head, 0)?)?;
        let len = atom.body_len() - 8;
        if len > TEXT_CAP {
            self.c.note(format!(
                "text 'data' atom at byte {} is {} bytes, more than {TEXT_CAP}: not read",
                atom.offset, atom.size
            ));
            return None;
        }
        let b = self.body(atom, 8, len)?;
        if !encoding.holds_text(&b) {
            return None;
        }
        let (text, _) = encoding.decode(&b);
        Some((text, encoding))
    }

    /// An `ilst` of QuickTime keyed metadata: each item's type is a 1-based
    /// index into `keys`.
    fn keyed_ilst(&mut self, ilst: &Parent, keys: &[String]) {
        let (list, damage) = self.list(ilst);
        for item in &list {
            let index = u32::from_be_bytes(item.kind);
            let key = index
                .checked_sub(1)
                .and_then(|i| keys.get(usize::try_from(i).ok()?));
            let Some(key) = key else {
                self.c.note(format!(
                    "item at byte {} in '{}' refers to key {index}, but 'keys' has {} entries: skipped",
                    item.offset,
                    ilst.path,
                    keys.len()
                ));
                continue;
            };
            let inner = ilst.child(item, 0);
            let (data, item_damage) = self.list(&inner);
            for d in data.iter().filter(|a| a.is(b"data")) {
                if let Some((text, encoding)) = self.data_text(d) {
                    let loc =
                        self.c
                            .loc(Some(ilst.path.as_str()), TagFormat::Mdta, key, item.offset);
                    self.text_field(&text, encoding, loc);
                }
            }
            if let Some(e) = item_damage {
                self.damaged(e);
            }
        }
        if let Some(e) = damage {
            self.damaged(e);
        }
    }
}

/// Whether the `ilst` of a `meta` is QuickTime keyed metadata (items
/// named by 1-based indexes into `keys`) rather than an iTunes list: its
/// handler is `mdta`, or it has no handler but a `keys` atom. The writer
/// decides with the same function.
pub(super) fn keyed(handler: Option<[u8; 4]>, has_keys: bool) -> bool {
    handler == Some(*b"mdta") || (handler.is_none() && has_keys)
}

/// The note on a code read from a `data` atom of implicit type.
const IMPLICIT_NOTE: &str = "the 'data' atom has type 0 (implicit: no type given) instead of 1 (UTF-8 text); read as UTF-8. Some readers (kid3 / TagLib) show such a value as empty; isrckit writes type 1 when it updates the value";

/// The encoding of a text `data` atom. The writer decodes with the same
/// functions, so it finds the sites the reader reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TextEncoding {
    Utf8,
    Utf16Be,
    /// Type 0, "implicit": the value's type is not given. Tools write it
    /// for freeform text (mutagen's `AtomDataType.IMPLICIT`); read as UTF-8.
    Implicit,
}

impl TextEncoding {
    /// The encoding a `data` atom's type indicator (a zero type-set byte
    /// and a 24-bit well-known type) names: UTF-8 for types 1 and 4,
    /// UTF-16BE for 2 and 5, implicit (read as UTF-8) for 0; `None` when
    /// the value is not text.
    pub(super) fn of(indicator: u32) -> Option<TextEncoding> {
        match indicator {
            1 | 4 => Some(TextEncoding::Utf8),
            2 | 5 => Some(TextEncoding::Utf16Be),
            0 => Some(TextEncoding::Implicit),
            _ => None,
        }
    }

    /// The name shown in a site's location; `None` for an implicit type,
    /// which declares no encoding.
    pub(super) fn name(self) -> Option<&'static str> {
        match self {
            TextEncoding::Utf8 => Some("UTF-8"),
            TextEncoding::Utf16Be => Some("UTF-16BE"),
            TextEncoding::Implicit => None,
        }
    }

    /// Whether a value of this type is text: always for the text types; for
    /// the implicit type, when the bytes are UTF-8 with no control
    /// characters (NUL padding at the end aside), so a binary value of
    /// implicit type is still not taken for a code.
    pub(super) fn holds_text(self, b: &[u8]) -> bool {
        if self != TextEncoding::Implicit {
            return true;
        }
        let end = b.len() - b.iter().rev().take_while(|&&c| c == 0).count();
        std::str::from_utf8(&b[..end]).is_ok_and(|s| {
            !s.chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        })
    }

    /// The text of a value, as the reader reports it, and whether a
    /// byte-order mark led it (dropped from the text). UTF-8 is decoded
    /// lossily.
    pub(super) fn decode(self, b: &[u8]) -> (String, bool) {
        match self {
            TextEncoding::Utf16Be => utf16be(b),
            TextEncoding::Utf8 | TextEncoding::Implicit => match b.strip_prefix(b"\xEF\xBB\xBF") {
                Some(rest) => (String::from_utf8_lossy(rest).into_owned(), true),
                None => (String::from_utf8_lossy(b).into_owned(), false),
            },
        }
    }
}

/// UTF-16BE to text; a leading byte-order mark is dropped (the flag says
/// whether one led), unpaired surrogates and an odd last byte become U+FFFD.
fn utf16be(b: &[u8]) -> (String, bool) {
    let units = b
        .chunks_exact(2)
        .map(|p| p.try_into().map_or(0xFFFD, u16::from_be_bytes));
    let mut s: String = char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if b.len() % 2 == 1 {
        s.push(char::REPLACEMENT_CHARACTER);
    }
    match s.strip_prefix('\u{FEFF}') {
        Some(rest) => (rest.to_string(), true),
        None => (s, false),
    }
}
