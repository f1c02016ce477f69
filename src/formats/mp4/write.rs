//! Writing codes into an MP4 / M4A file.
//!
//! The new file is described as pieces: ranges of the original (`mdat`,
//! sample tables, cover art, every atom not on the edited path) and the few
//! atoms rebuilt in memory: the code items of each `ilst`, and the headers
//! of the atoms that enclose them (`ilst`, `meta`, `udta`, `trak`, `moov`),
//! whose sizes change.
//!
//! Every code site the reader finds is updated in place of its `data` atom,
//! keeping the data type (UTF-8 or UTF-16), the item's `mean`/`name` case,
//! an `xid ` item's provider, and the order of the items. When the main
//! iTunes list (`moov/udta/meta/ilst`) has no standard item for a kind,
//! `----:com.apple.iTunes:ISRC` (or `:BARCODE`) is added at its end, and
//! `udta`, `meta` (with an iTunes `mdir` handler) and `ilst` are created
//! when the file has none.
//!
//! When the metadata changes size, the audio stays where it is if it can:
//! 1. a `free` (or `skip`) atom right after (else right before) a changed
//!    atom takes up the difference, as long as it is left empty (removed)
//!    or with at least its 8-byte header;
//! 2. a `moov` that comes after the audio simply grows or shrinks;
//! 3. otherwise the audio moves: every `stco`/`co64` chunk offset is
//!    shifted by the distance it moves, and a 2 KiB `free` atom is left
//!    after the `ilst` so that the next edit fits without moving it again.
//!    Fragmented files (`moof`, whose offsets this writer does not
//!    rewrite), external data references and `saio` offsets are refused.

// Until `formats::plan_write` routes MP4 files here, only the tests call in.
#![cfg_attr(
    not(test),
    allow(
        dead_code,
        reason = "wired into formats::plan_write by a separate change"
    )
)]

use super::atoms::{self, Atom, Budget, Listing, Parent, be_u32, be_u64};
use crate::codes;
use crate::formats::keys::{self, Role};
use crate::model::{CodeKind, TagFormat};
use crate::plan::Piece;
use crate::plan::{Change, Codes};
use crate::plan::{Plan, PlanError};
use crate::source::Source;

/// Size of the `free` atom left after the `ilst` when the audio has to
/// move anyway, so the next edit fits without moving it again.
const PAD: u64 = 2048;

/// Text `data` longer than this is not a code site (as in the reader).
const TEXT_CAP: u64 = 64 * 1024;

/// A `keys` atom larger than this is not read (as in the reader).
const KEYS_CAP: u64 = 1024 * 1024;

/// The `mean` of the standard freeform items.
const ITUNES: &str = "com.apple.iTunes";

/// The kinds of code, in the order new items are added.
const KINDS: [CodeKind; 2] = [CodeKind::Isrc, CodeKind::Barcode];

/// Plan the write of `codes` into an MP4 file: `None` when every code site
/// already holds them and the standard items exist.
pub(crate) fn plan(src: &mut Source, codes: &Codes) -> Result<Option<Plan>, PlanError> {
    if KINDS.iter().all(|&k| codes.text(k).is_none()) {
        return Ok(None);
    }
    let shape = Shape::scan(src)?;
    let first = Pass::run(src, codes, &shape, false, None)?;
    if first.changes.is_empty() {
        return Ok(None);
    }
    if !first.moves() {
        return Ok(Some(first.into_plan()));
    }
    let delta = first.delta();
    if shape.fragmented {
        return Err(PlanError::Unsupported(format!(
            "this is a fragmented MP4 (movie fragments): its metadata would change by {delta} bytes \
             and no 'free' atom next to it can absorb that, so the fragments after it would move, \
             and isrckit does not rewrite fragment offsets; nothing was written"
        )));
    }
    let tables = ChunkTables::scan(src, &shape)?;
    if !tables.move_with(src, &first.layout)? {
        // Only atoms that no chunk offset points into move (the `moov`
        // after the audio grows or shrinks).
        return Ok(Some(first.into_plan()));
    }
    tables.check_shiftable()?;
    let padded = Pass::run(src, codes, &shape, true, None)?;
    let shifted = Pass::run(src, codes, &shape, true, Some(&padded.layout))?;
    if shifted.layout != padded.layout {
        return Err(PlanError::Unsupported(
            "rewriting the chunk offsets changed the layout of the file (an isrckit bug); nothing was written"
                .into(),
        ));
    }
    Ok(Some(shifted.into_plan()))
}

// ---- pieces ----------------------------------------------------------------

/// Part of the new file: pieces and their total length. Adjacent copies
/// of contiguous ranges, and adjacent new bytes, are merged.
#[derive(Debug, Default)]
struct Built {
    pieces: Vec<Piece>,
    len: u64,
}

impl Built {
    fn copy(&mut self, offset: u64, len: u64) {
        if len == 0 {
            return;
        }
        self.len = self.len.saturating_add(len);
        if let Some(Piece::Copy { offset: o, len: l }) = self.pieces.last_mut()
            && o.checked_add(*l) == Some(offset)
        {
            *l += len;
            return;
        }
        self.pieces.push(Piece::Copy { offset, len });
    }

    fn copy_atom(&mut self, a: &Atom) {
        self.copy(a.offset, a.size);
    }

    fn bytes(&mut self, b: &[u8]) {
        if b.is_empty() {
            return;
        }
        self.len = self.len.saturating_add(b.len() as u64);
        if let Some(Piece::Bytes(v)) = self.pieces.last_mut() {
            v.extend_from_slice(b);
            return;
        }
        self.pieces.push(Piece::Bytes(b.to_vec()));
    }

    fn append(&mut self, other: Built) {
        for p in other.pieces {
            match p {
                Piece::Copy { offset, len } => self.copy(offset, len),
                Piece::Bytes(b) => self.bytes(&b),
            }
        }
    }
}

/// `body` under an atom header of type `kind`: a 64-bit size when `wide`
/// (the original had one) or when the size does not fit 32 bits.
fn wrap(kind: &[u8; 4], wide: bool, body: Built) -> Result<Built, PlanError> {
    let mut out = Built::default();
    let small = body.len.checked_add(8).and_then(|n| u32::try_from(n).ok());
    match (wide, small) {
        (false, Some(n)) => {
            out.bytes(&n.to_be_bytes());
            out.bytes(kind);
        }
        _ => {
            let n = body.len.checked_add(16).ok_or_else(|| {
                PlanError::Unsupported(format!("atom '{}' would be too large", atoms::fourcc(kind)))
            })?;
            out.bytes(&1u32.to_be_bytes());
            out.bytes(kind);
            out.bytes(&n.to_be_bytes());
        }
    }
    out.append(body);
    Ok(out)
}

/// A small atom built from bytes (an 8-byte header).
fn atom_bytes(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let size = u32::try_from(body.len() + 8).unwrap_or(u32::MAX);
    let mut v = Vec::with_capacity(body.len() + 8);
    v.extend_from_slice(&size.to_be_bytes());
    v.extend_from_slice(kind);
    v.extend_from_slice(body);
    v
}

/// A full box (version 0, flags 0) built from bytes.
fn full_bytes(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut b = vec![0u8; 4];
    b.extend_from_slice(body);
    atom_bytes(kind, &b)
}

/// A new UTF-8 freeform item `----:com.apple.iTunes:NAME` holding `text`.
fn freeform_item(name: &str, text: &str) -> Vec<u8> {
    let mut data = 1u32.to_be_bytes().to_vec();
    data.extend_from_slice(&[0; 4]);
    data.extend_from_slice(text.as_bytes());
    let body = [
        full_bytes(b"mean", ITUNES.as_bytes()),
        full_bytes(b"name", name.as_bytes()),
        atom_bytes(b"data", &data),
    ]
    .concat();
    atom_bytes(b"----", &body)
}

/// The handler of an iTunes metadata `meta`, as iTunes writes it:
/// pre-defined 0, type `mdir`, reserved `appl` and zeros, an empty name.
fn mdir_handler() -> Vec<u8> {
    let mut body = vec![0u8; 4];
    body.extend_from_slice(b"mdir");
    body.extend_from_slice(b"appl");
    body.extend_from_slice(&[0; 8]);
    body.extend_from_slice(&[0; 2]);
    full_bytes(b"hdlr", &body)
}

/// Whether an atom is padding.
fn is_free(a: &Atom) -> bool {
    a.is(b"free") || a.is(b"skip")
}

// ---- listing ---------------------------------------------------------------

/// List the atoms of `parent`; damage is an error (nothing is written into
/// a file whose structure is not sound). The 1 to 7 bytes after the last
/// atom, if any, are kept.
fn list(src: &mut Source, budget: &mut Budget, parent: &Parent) -> Result<Listing, PlanError> {
    Ok(atoms::list(src, budget, parent).sound()?)
}

/// How many bytes of a full box's version and flags precede the children
/// of a `meta`: 4 for an ISO full box (under `udta`), 0 for QuickTime's
/// plain container, told apart as the reader does, by whether the first
/// bytes are a plausible child header.
fn meta_skip(src: &mut Source, meta: &Atom) -> Result<u64, PlanError> {
    let peek = src.read("'meta' atom content", meta.body(), meta.body_len().min(8))?;
    let plain = peek.len() == 8
        && be_u32(&peek, 0).is_some_and(|n| n >= 8 && u64::from(n) <= meta.body_len())
        && peek.get(4..8).is_some_and(atoms::plausible_kind);
    Ok(if plain { 0 } else { 4 })
}

/// The handler type of an `hdlr` atom.
fn handler(src: &mut Source, a: &Atom) -> Result<Option<[u8; 4]>, PlanError> {
    let b = src.read("'hdlr' atom content", a.body(), a.body_len().min(12))?;
    Ok(b.get(8..12).and_then(|s| s.try_into().ok()))
}

/// The key names of a `keys` atom, in order.
fn key_names(src: &mut Source, a: &Atom) -> Result<Vec<String>, PlanError> {
    if a.body_len() > KEYS_CAP {
        return Ok(Vec::new());
    }
    let b = src.read("'keys' atom content", a.body(), a.body_len())?;
    let damaged = |what: &str| {
        PlanError::Damaged(format!(
            "'keys' atom at byte {} ({} bytes): {what}",
            a.offset, a.size
        ))
    };
    let count = be_u32(&b, 4).ok_or_else(|| damaged("too short for its entry count"))?;
    let mut out = Vec::new();
    let mut pos = 8usize;
    for i in 0..count {
        let entry = be_u32(&b, pos)
            .and_then(|n| usize::try_from(n).ok())
            .filter(|&n| n >= 8)
            .and_then(|n| Some((n, b.get(pos.checked_add(8)?..pos.checked_add(n)?)?)));
        let Some((n, name)) = entry else {
            return Err(damaged(&format!(
                "entry {} of {count} does not fit the atom",
                i + 1
            )));
        };
        out.push(String::from_utf8_lossy(name).into_owned());
        pos += n;
    }
    Ok(out)
}

// ---- the shape of the file -------------------------------------------------

/// Where the standard items go: the main `ilst`, or the atom in which the
/// missing part of `moov/udta/meta/ilst` is created (by offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Home {
    /// `moov/udta/meta/ilst` exists: items are added at its end.
    Ilst(u64),
    /// An iTunes `meta` without an `ilst`: one is added.
    Meta(u64),
    /// A `udta` without an iTunes `meta`: one is added, before its first
    /// `meta` if it has one (the keyed list ffmpeg writes): readers such as
    /// mutagen look in the first `meta` only.
    Udta(u64, Option<u64>),
    /// A `moov` without `udta`: one is added.
    Moov(u64),
}

/// What is known before rebuilding: where the standard items go, and
/// whether the file is fragmented.
struct Shape {
    home: Home,
    moov: Atom,
    fragmented: bool,
}

impl Shape {
    fn scan(src: &mut Source) -> Result<Shape, PlanError> {
        let mut budget = Budget::default();
        let file = Parent::file(src.len());
        let top = atoms::top_level(src, &mut budget)?;
        let mut moovs = top.atoms.iter().filter(|a| a.is(b"moov"));
        let moov = *moovs.next().ok_or_else(|| {
            PlanError::Unsupported(
                "the file has no 'moov' atom (an unfinished recording?), so there is no place for metadata; nothing was written"
                    .into(),
            )
        })?;
        if moovs.next().is_some() {
            return Err(PlanError::Unsupported(
                "the file has more than one 'moov' atom; isrckit does not write into such files"
                    .into(),
            ));
        }
        let mut fragmented = top
            .atoms
            .iter()
            .any(|a| a.is(b"moof") || a.is(b"mfra") || a.is(b"sidx"));
        let moov_region = file.child(&moov, 0);
        let children = list(src, &mut budget, &moov_region)?;
        fragmented |= children.atoms.iter().any(|a| a.is(b"mvex"));
        let home = match children.atoms.iter().find(|a| a.is(b"udta")) {
            None => Home::Moov(moov.offset),
            Some(udta) => Self::udta_home(src, &mut budget, &moov_region, udta)?,
        };
        Ok(Shape {
            home,
            moov,
            fragmented,
        })
    }

    /// The home inside the first `udta`: the first `meta` with the iTunes
    /// handler (or no handler, no `keys` and an `ilst`), and its first `ilst`.
    fn udta_home(
        src: &mut Source,
        budget: &mut Budget,
        moov: &Parent,
        udta: &Atom,
    ) -> Result<Home, PlanError> {
        let region = moov.child(udta, 0);
        let metas: Vec<Atom> = list(src, budget, &region)?
            .atoms
            .into_iter()
            .filter(|a| a.is(b"meta"))
            .collect();
        for meta in &metas {
            let skip = meta_skip(src, meta)?;
            let inner = region.child(meta, skip);
            let atoms = list(src, budget, &inner)?.atoms;
            let hdlr = match atoms.iter().find(|a| a.is(b"hdlr")) {
                Some(h) => handler(src, h)?,
                None => None,
            };
            let ilst = atoms.iter().find(|a| a.is(b"ilst"));
            let has_keys = atoms.iter().any(|a| a.is(b"keys"));
            let itunes = match hdlr {
                Some(h) => &h == b"mdir",
                None => !has_keys && ilst.is_some(),
            };
            if itunes {
                return Ok(match ilst {
                    Some(i) => Home::Ilst(i.offset),
                    None => Home::Meta(meta.offset),
                });
            }
        }
        Ok(Home::Udta(udta.offset, metas.first().map(|m| m.offset)))
    }
}

// ---- text values -----------------------------------------------------------

/// A text `data` atom: its type and locale, encoding, and text.
struct Text {
    /// Type indicator and locale, kept as they are.
    head: [u8; 8],
    utf16: bool,
    /// Whether the value starts with a byte-order mark (kept).
    bom: bool,
    /// The text as the reader reports it (without the mark).
    text: String,
}

impl Text {
    /// A `data` atom like this one holding `new`.
    fn with(&self, new: &str) -> Vec<u8> {
        let mut body = self.head.to_vec();
        if self.utf16 {
            if self.bom {
                body.extend_from_slice(&[0xFE, 0xFF]);
            }
            body.extend(new.encode_utf16().flat_map(u16::to_be_bytes));
        } else {
            if self.bom {
                body.extend_from_slice(b"\xEF\xBB\xBF");
            }
            body.extend_from_slice(new.as_bytes());
        }
        atom_bytes(b"data", &body)
    }
}

/// Whether a value of `kind` read from a key with `role` is a code site
/// (as the collector decides).
fn is_site(role: Role, kind: CodeKind, text: &str) -> bool {
    match role {
        Role::Standard | Role::Alias => true,
        Role::IfValid | Role::Ambiguous => codes::assess(kind, text).valid,
    }
}

// ---- a pass over the file --------------------------------------------------

/// Where a top-level atom lands in the new file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    /// Offset in the original.
    old: u64,
    /// Its size in the original.
    len: u64,
    /// Offset in the new file.
    new: u64,
    /// Copied whole (its content is where `new` says), not rebuilt.
    copied: bool,
}

/// Where an offset into a copied top-level atom lands in the new file;
/// `None` when it points into no copied atom.
fn map_offset(layout: &[Entry], off: u64) -> Option<u64> {
    let i = layout.partition_point(|e| e.old <= off).checked_sub(1)?;
    let e = layout.get(i)?;
    let inside = off - e.old;
    (e.copied && inside < e.len)
        .then(|| e.new.checked_add(inside))
        .flatten()
}

/// The level of the tree a region belongs to: which of its children are
/// rebuilt.
#[derive(Debug, Clone)]
enum Level {
    Top,
    Moov,
    Trak,
    Mdia,
    Minf,
    Stbl,
    Udta,
    Meta {
        keyed: bool,
        keys: Vec<String>,
    },
    Ilst {
        keyed: bool,
        keys: Vec<String>,
        main: bool,
    },
}

/// One rebuild of the file.
struct Pass<'p, 's> {
    src: &'p mut Source<'s>,
    codes: &'p Codes,
    home: Home,
    /// Leave [`PAD`] bytes of `free` after the main `ilst`.
    pad: bool,
    /// The layout the chunk offsets are shifted to (`None`: not shifted).
    shift: Option<&'p [Entry]>,
    budget: Budget,
    changes: Vec<Change>,
    /// Whether the main `ilst` has a standard item per kind (ISRC, barcode).
    standard: [bool; 2],
    /// The top-level atoms, in order.
    layout: Vec<Entry>,
}

/// What a pass produced.
struct Outcome {
    built: Built,
    changes: Vec<Change>,
    layout: Vec<Entry>,
    old_len: u64,
}

impl Outcome {
    /// Whether an atom copied whole lands somewhere else.
    fn moves(&self) -> bool {
        self.layout.iter().any(|e| e.copied && e.new != e.old)
    }

    /// By how much the file changes length.
    fn delta(&self) -> i128 {
        i128::from(self.built.len) - i128::from(self.old_len)
    }

    fn into_plan(self) -> Plan {
        Plan {
            pieces: self.built.pieces,
            changes: self.changes,
        }
    }
}

impl<'p, 's> Pass<'p, 's> {
    fn run(
        src: &'p mut Source<'s>,
        codes: &'p Codes,
        shape: &Shape,
        pad: bool,
        shift: Option<&'p [Entry]>,
    ) -> Result<Outcome, PlanError> {
        let old_len = src.len();
        let mut pass = Pass {
            src,
            codes,
            home: shape.home,
            pad,
            shift,
            budget: Budget::default(),
            changes: Vec::new(),
            standard: [false; 2],
            layout: Vec::new(),
        };
        let file = Parent::file(old_len);
        let listing = atoms::top_level(pass.src, &mut pass.budget)?;
        let (built, _) = pass.region(&file, listing, &Level::Top, None)?;
        Ok(Outcome {
            built,
            changes: pass.changes,
            layout: pass.layout,
            old_len,
        })
    }

    fn list(&mut self, parent: &Parent) -> Result<Listing, PlanError> {
        list(self.src, &mut self.budget, parent)
    }

    /// A container atom whose children start `skip` bytes into its
    /// content, rebuilt when something in it changes (`None`: unchanged).
    fn container(
        &mut self,
        region: &Parent,
        a: &Atom,
        skip: u64,
        level: Level,
    ) -> Result<Option<Built>, PlanError> {
        let inner = region.child(a, skip);
        let listing = self.list(&inner)?;
        self.rebuild(&inner, listing, &level, a)
    }

    fn rebuild(
        &mut self,
        inner: &Parent,
        listing: Listing,
        level: &Level,
        a: &Atom,
    ) -> Result<Option<Built>, PlanError> {
        let (body, changed) = self.region(inner, listing, level, Some(a))?;
        if !changed {
            return Ok(None);
        }
        let mut out = Built::default();
        out.copy(a.body(), inner.start - a.body());
        out.append(body);
        wrap(&a.kind, a.header_len == 16, out).map(Some)
    }

    /// The children of a region, each copied or rebuilt, and whether
    /// anything changed.
    fn region(
        &mut self,
        inner: &Parent,
        listing: Listing,
        level: &Level,
        owner: Option<&Atom>,
    ) -> Result<(Built, bool), PlanError> {
        let mut out = Built::default();
        let mut changed = false;
        let atoms = &listing.atoms;
        // A free atom not yet written: it may absorb the next atom's change.
        let mut pending: Option<Atom> = None;
        // Where a new `meta` goes when it goes before an existing one.
        let before = match (level, owner, self.home) {
            (Level::Udta, Some(o), Home::Udta(u, Some(at))) if o.offset == u => Some(at),
            _ => None,
        };
        let mut i = 0;
        while let Some(&a) = atoms.get(i) {
            i += 1;
            if is_free(&a) {
                if let Some(p) = pending.replace(a) {
                    self.put(&mut out, level, &p, None);
                }
                continue;
            }
            if before == Some(a.offset) {
                if let Some(p) = pending.take() {
                    self.put(&mut out, level, &p, None);
                }
                if let Some(extra) = self.extra(inner, level, owner)? {
                    out.append(extra);
                    changed = true;
                }
            }
            let rebuilt = self.child(inner, level, &a)?;
            let main = matches!(level, Level::Meta { .. }) && self.home == Home::Ilst(a.offset);
            let delta = rebuilt
                .as_ref()
                .map_or(0, |b| i128::from(b.len) - i128::from(a.size));
            changed |= rebuilt.is_some();
            let next = atoms.get(i).filter(|n| is_free(n)).copied();
            if main && self.pad {
                // Leave room for the next edit after the main list.
                if let Some(p) = pending.take() {
                    self.put(&mut out, level, &p, None);
                }
                self.put(&mut out, level, &a, rebuilt);
                let size = match next.and_then(|n| absorbed(&n, delta)) {
                    Some(left) if left >= PAD => left,
                    _ => PAD,
                };
                if next.is_some() {
                    i += 1;
                }
                self.put_free(&mut out, level, next.as_ref(), b"free", size)?;
                changed = true;
                continue;
            }
            if delta == 0 {
                if let Some(p) = pending.take() {
                    self.put(&mut out, level, &p, None);
                }
                self.put(&mut out, level, &a, rebuilt);
                continue;
            }
            // The change is absorbed by the free atom after, else before.
            if let Some((n, left)) = next.and_then(|n| Some((n, absorbed(&n, delta)?))) {
                if let Some(p) = pending.take() {
                    self.put(&mut out, level, &p, None);
                }
                self.put(&mut out, level, &a, rebuilt);
                self.put_free(&mut out, level, Some(&n), &n.kind, left)?;
                i += 1;
            } else if let Some((p, left)) = pending.and_then(|p| Some((p, absorbed(&p, delta)?))) {
                pending = None;
                self.put_free(&mut out, level, Some(&p), &p.kind, left)?;
                self.put(&mut out, level, &a, rebuilt);
            } else {
                if let Some(p) = pending.take() {
                    self.put(&mut out, level, &p, None);
                }
                self.put(&mut out, level, &a, rebuilt);
                if a.is(b"ilst") && delta <= -8 {
                    // A list that shrank leaves its room as padding.
                    let room = u64::try_from(delta.unsigned_abs()).unwrap_or(0);
                    self.put_free(&mut out, level, None, b"free", room)?;
                }
            }
        }
        if let Some(p) = pending.take() {
            self.put(&mut out, level, &p, None);
        }
        if before.is_none()
            && let Some(extra) = self.extra(inner, level, owner)?
        {
            out.append(extra);
            changed = true;
        }
        if let Some((at, n)) = listing.trailing() {
            out.copy(at, n);
        }
        Ok((out, changed))
    }

    /// Write a child: copied whole, or rebuilt; top-level atoms are
    /// recorded in the layout.
    fn put(&mut self, out: &mut Built, level: &Level, a: &Atom, rebuilt: Option<Built>) {
        let new = out.len;
        let copied = rebuilt.is_none();
        match rebuilt {
            None => out.copy_atom(a),
            Some(b) => out.append(b),
        }
        if matches!(level, Level::Top) {
            self.layout.push(Entry {
                old: a.offset,
                len: a.size,
                new,
                copied,
            });
        }
    }

    /// Write a free atom of `size` bytes (none when 0) in place of `old`
    /// (if any): the old content as far as it goes, then zeros.
    fn put_free(
        &mut self,
        out: &mut Built,
        level: &Level,
        old: Option<&Atom>,
        kind: &[u8; 4],
        size: u64,
    ) -> Result<(), PlanError> {
        if let (Level::Top, Some(o)) = (level, old) {
            self.layout.push(Entry {
                old: o.offset,
                len: o.size,
                new: out.len,
                copied: false,
            });
        }
        if size < 8 {
            return Ok(());
        }
        let wide = u32::try_from(size).is_err();
        let body_len = size - if wide { 16 } else { 8 };
        let kept = old.map_or(0, |o| o.body_len().min(body_len));
        let zeros = usize::try_from(body_len - kept).map_err(|_| {
            PlanError::Unsupported(format!("a free atom of {size} bytes is too large"))
        })?;
        let mut body = Built::default();
        if let Some(o) = old {
            body.copy(o.body(), kept);
        }
        body.bytes(&vec![0; zeros]);
        out.append(wrap(kind, wide, body)?);
        Ok(())
    }

    /// The rebuilt child `a` of a region at `level`, or `None` to copy it.
    fn child(
        &mut self,
        region: &Parent,
        level: &Level,
        a: &Atom,
    ) -> Result<Option<Built>, PlanError> {
        let shifting = self.shift.is_some();
        match (level, &a.kind) {
            (Level::Top, b"moov") => self.container(region, a, 0, Level::Moov),
            (Level::Top | Level::Moov | Level::Udta, b"meta") => self.meta(region, a),
            (Level::Moov | Level::Trak, b"udta") => self.container(region, a, 0, Level::Udta),
            (Level::Moov, b"trak") => self.container(region, a, 0, Level::Trak),
            (Level::Trak, b"mdia") if shifting => self.container(region, a, 0, Level::Mdia),
            (Level::Mdia, b"minf") if shifting => self.container(region, a, 0, Level::Minf),
            (Level::Minf, b"stbl") if shifting => self.container(region, a, 0, Level::Stbl),
            (Level::Stbl, b"stco") if shifting => self.chunk_table(a, false),
            (Level::Stbl, b"co64") if shifting => self.chunk_table(a, true),
            (Level::Meta { keyed, keys }, b"ilst") => {
                let main = self.home == Home::Ilst(a.offset);
                let level = Level::Ilst {
                    keyed: *keyed,
                    keys: keys.clone(),
                    main,
                };
                self.container(region, a, 0, level)
            }
            (
                Level::Ilst {
                    keyed: true, keys, ..
                },
                _,
            ) => self.keyed_item(region, a, keys),
            (Level::Ilst { main, .. }, b"----") => self.freeform(region, a, *main),
            (Level::Ilst { .. }, b"xid ") => self.xid(region, a),
            _ => Ok(None),
        }
    }

    /// A `meta` atom (full box or QuickTime's plain container): its
    /// handler and keys say how its `ilst` is keyed.
    fn meta(&mut self, region: &Parent, a: &Atom) -> Result<Option<Built>, PlanError> {
        let skip = meta_skip(self.src, a)?;
        let inner = region.child(a, skip);
        let listing = self.list(&inner)?;
        let mut hdlr = None;
        let mut keys = None;
        for c in &listing.atoms {
            if c.is(b"hdlr") && hdlr.is_none() {
                hdlr = Some(handler(self.src, c)?);
            } else if c.is(b"keys") && keys.is_none() {
                keys = Some(key_names(self.src, c)?);
            }
        }
        let hdlr = hdlr.flatten();
        let keyed = hdlr == Some(*b"mdta") || (hdlr.is_none() && keys.is_some());
        let level = Level::Meta {
            keyed,
            keys: keys.unwrap_or_default(),
        };
        self.rebuild(&inner, listing, &level, a)
    }

    /// New children at the end of a region: the missing standard items at
    /// the end of the main `ilst`, or the missing `ilst`, `meta`, `udta`.
    fn extra(
        &mut self,
        inner: &Parent,
        level: &Level,
        owner: Option<&Atom>,
    ) -> Result<Option<Built>, PlanError> {
        let Some(owner) = owner else {
            return Ok(None);
        };
        let (path, wrap_in) = match level {
            Level::Ilst { main: true, .. } => (inner.path.clone(), 0),
            Level::Meta { .. } if self.home == Home::Meta(owner.offset) => {
                (format!("{}/ilst", inner.path), 1)
            }
            Level::Udta if matches!(self.home, Home::Udta(u, _) if u == owner.offset) => {
                (format!("{}/meta/ilst", inner.path), 2)
            }
            Level::Moov if self.home == Home::Moov(owner.offset) => {
                (format!("{}/udta/meta/ilst", inner.path), 3)
            }
            _ => return Ok(None),
        };
        let mut items = Vec::new();
        for (i, kind) in KINDS.into_iter().enumerate() {
            let Some(new) = self.codes.text(kind) else {
                continue;
            };
            if self.standard.get(i).copied().unwrap_or(false) {
                continue;
            }
            let name = match kind {
                CodeKind::Isrc => "ISRC",
                CodeKind::Barcode => "BARCODE",
            };
            items.extend(freeform_item(name, &new));
            self.changes.push(Change {
                kind,
                location: format!("{path} › ilst ----:{ITUNES}:{name}"),
                old: None,
                new,
            });
        }
        if items.is_empty() {
            return Ok(None);
        }
        if wrap_in == 0 {
            let mut out = Built::default();
            out.bytes(&items);
            return Ok(Some(out));
        }
        let mut bytes = atom_bytes(b"ilst", &items);
        if self.pad {
            let body_len = usize::try_from(PAD - 8).unwrap_or(0);
            bytes.extend(atom_bytes(b"free", &vec![0; body_len]));
        }
        if wrap_in >= 2 {
            bytes = full_bytes(b"meta", &[mdir_handler(), bytes].concat());
        }
        if wrap_in >= 3 {
            bytes = atom_bytes(b"udta", &bytes);
        }
        let mut out = Built::default();
        out.bytes(&bytes);
        Ok(Some(out))
    }

    /// An item's atoms with some `data` atoms replaced (by index); `None`
    /// when there is nothing to replace.
    fn replace_data(
        &mut self,
        item: &Atom,
        listing: &Listing,
        edits: Vec<(usize, Vec<u8>)>,
    ) -> Result<Option<Built>, PlanError> {
        if edits.is_empty() {
            return Ok(None);
        }
        let mut body = Built::default();
        let mut edits = edits.into_iter().peekable();
        for (i, c) in listing.atoms.iter().enumerate() {
            match edits.next_if(|(j, _)| *j == i) {
                Some((_, bytes)) => body.bytes(&bytes),
                None => body.copy_atom(c),
            }
        }
        if let Some((at, n)) = listing.trailing() {
            body.copy(at, n);
        }
        wrap(&item.kind, item.header_len == 16, body).map(Some)
    }

    /// A freeform `----` item: when its `mean:name` is a code key, each
    /// text `data` that is a site gets the new code.
    fn freeform(
        &mut self,
        ilst: &Parent,
        item: &Atom,
        main: bool,
    ) -> Result<Option<Built>, PlanError> {
        let inner = ilst.child(item, 0);
        let listing = self.list(&inner)?;
        let mut mean = None;
        let mut name = None;
        for a in &listing.atoms {
            if a.is(b"mean") && mean.is_none() {
                mean = Some(self.name_text(a)?);
            } else if a.is(b"name") && name.is_none() {
                name = Some(self.name_text(a)?);
            }
        }
        let (Some(Some(mean)), Some(Some(name))) = (mean, name) else {
            return Ok(None);
        };
        let field = format!("----:{mean}:{name}");
        let Some(spec) = keys::lookup(TagFormat::Ilst, &field) else {
            return Ok(None);
        };
        let Some(new) = self.codes.text(spec.kind) else {
            return Ok(None);
        };
        let location = format!("{} › ilst {field}", ilst.path);
        let mut edits = Vec::new();
        for (i, d) in listing.atoms.iter().enumerate() {
            if !d.is(b"data") {
                continue;
            }
            let Some(t) = self.text_data(d)? else {
                continue;
            };
            if !is_site(spec.role, spec.kind, &t.text) {
                continue;
            }
            if main && spec.role == Role::Standard {
                self.standard[usize::from(spec.kind == CodeKind::Barcode)] = true;
            }
            if t.text != new {
                self.changes.push(Change {
                    kind: spec.kind,
                    location: location.clone(),
                    old: Some(t.text.clone()),
                    new: new.clone(),
                });
                edits.push((i, t.with(&new)));
            }
        }
        self.replace_data(item, &listing, edits)
    }

    /// Apple's `xid ` item (`Provider:isrc:CODE`): the code is replaced,
    /// the provider and scheme kept.
    fn xid(&mut self, ilst: &Parent, item: &Atom) -> Result<Option<Built>, PlanError> {
        let Some(new) = self.codes.text(CodeKind::Isrc) else {
            return Ok(None);
        };
        let inner = ilst.child(item, 0);
        let listing = self.list(&inner)?;
        let mut edits = Vec::new();
        for (i, d) in listing.atoms.iter().enumerate() {
            if !d.is(b"data") {
                continue;
            }
            let Some(t) = self.text_data(d)? else {
                continue;
            };
            let mut parts = t.text.splitn(3, ':');
            let (Some(provider), Some(scheme), Some(code)) =
                (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if !scheme.eq_ignore_ascii_case("isrc") || code == new {
                continue;
            }
            self.changes.push(Change {
                kind: CodeKind::Isrc,
                location: format!("{} › xid :isrc", ilst.path),
                old: Some(code.to_string()),
                new: new.clone(),
            });
            edits.push((i, t.with(&format!("{provider}:{scheme}:{new}"))));
        }
        self.replace_data(item, &listing, edits)
    }

    /// An item of a keyed (`mdta`) list: its type is a 1-based index into
    /// the `keys`.
    fn keyed_item(
        &mut self,
        ilst: &Parent,
        item: &Atom,
        keys: &[String],
    ) -> Result<Option<Built>, PlanError> {
        let index = u32::from_be_bytes(item.kind);
        let Some(key) = index
            .checked_sub(1)
            .and_then(|i| keys.get(usize::try_from(i).ok()?))
        else {
            return Ok(None);
        };
        let Some(spec) = keys::lookup(TagFormat::Mdta, key) else {
            return Ok(None);
        };
        let Some(new) = self.codes.text(spec.kind) else {
            return Ok(None);
        };
        let inner = ilst.child(item, 0);
        let listing = self.list(&inner)?;
        let mut edits = Vec::new();
        for (i, d) in listing.atoms.iter().enumerate() {
            if !d.is(b"data") {
                continue;
            }
            let Some(t) = self.text_data(d)? else {
                continue;
            };
            if !is_site(spec.role, spec.kind, &t.text) || t.text == new {
                continue;
            }
            self.changes.push(Change {
                kind: spec.kind,
                location: format!("{} › mdta {key}", ilst.path),
                old: Some(t.text.clone()),
                new: new.clone(),
            });
            edits.push((i, t.with(&new)));
        }
        self.replace_data(item, &listing, edits)
    }

    /// The text of a `mean` or `name` atom; `None` when not usable (as the
    /// reader decides).
    fn name_text(&mut self, a: &Atom) -> Result<Option<String>, PlanError> {
        if a.body_len() < 4 || a.body_len() - 4 > TEXT_CAP {
            return Ok(None);
        }
        let b = self
            .src
            .read("'mean'/'name' text", a.body() + 4, a.body_len() - 4)?;
        Ok(Some(String::from_utf8_lossy(&b).into_owned()))
    }

    /// A text `data` atom, or `None` when its value is not text (or too
    /// long to be a code), as the reader decides.
    fn text_data(&mut self, d: &Atom) -> Result<Option<Text>, PlanError> {
        if d.body_len() < 8 {
            return Err(PlanError::Damaged(format!(
                "'data' atom at byte {} is {} bytes, too short for its type and locale",
                d.offset, d.size
            )));
        }
        let head: [u8; 8] = self.src.header("'data' type and locale", d.body())?;
        let utf16 = match u32::from_be_bytes([head[0], head[1], head[2], head[3]]) {
            1 | 4 => false,
            2 | 5 => true,
            _ => return Ok(None),
        };
        let len = d.body_len() - 8;
        if len > TEXT_CAP {
            return Ok(None);
        }
        let b = self.src.read("'data' text", d.body() + 8, len)?;
        let (text, bom) = if utf16 {
            super::read::utf16be(&b)
        } else {
            match b.strip_prefix(b"\xEF\xBB\xBF") {
                Some(rest) => (String::from_utf8_lossy(rest).into_owned(), true),
                None => (String::from_utf8_lossy(&b).into_owned(), false),
            }
        };
        Ok(Some(Text {
            head,
            utf16,
            bom,
            text,
        }))
    }

    /// An `stco` or `co64` table with every offset moved where its byte
    /// lands in the new file.
    fn chunk_table(&mut self, a: &Atom, wide: bool) -> Result<Option<Built>, PlanError> {
        let Some(layout) = self.shift else {
            return Ok(None);
        };
        let mut bytes = self.src.read("chunk offset table", a.offset, a.size)?;
        let header = usize::try_from(a.header_len).unwrap_or(16);
        let body = bytes.get(header..).unwrap_or_default();
        let changed = for_each_offset(a, body, wide, |i, off| {
            let new = map_offset(layout, off).ok_or_else(|| unmappable(a, off))?;
            Ok((new != off).then_some((i, new)))
        })?;
        if changed.is_empty() {
            return Ok(None);
        }
        let width = if wide { 8 } else { 4 };
        for (i, new) in changed {
            let at = header + 8 + i * width;
            let slot = bytes
                .get_mut(at..at + width)
                .ok_or_else(|| PlanError::Damaged("chunk offset table cut short".into()))?;
            if wide {
                slot.copy_from_slice(&new.to_be_bytes());
            } else {
                let n = u32::try_from(new).map_err(|_| {
                    PlanError::Unsupported(format!(
                        "the audio would move past 4 GiB, beyond what the 32-bit chunk offsets ('stco' at byte {}) can hold; nothing was written",
                        a.offset
                    ))
                })?;
                slot.copy_from_slice(&n.to_be_bytes());
            }
        }
        let mut out = Built::default();
        out.bytes(&bytes);
        Ok(Some(out))
    }
}

/// How big a free atom `f` becomes when it takes up a change of `delta`
/// bytes next to it: `None` when it cannot (it would be left with 1 to 7
/// bytes, or less than nothing).
fn absorbed(f: &Atom, delta: i128) -> Option<u64> {
    let left = i128::from(f.size).checked_sub(delta)?;
    let left = u64::try_from(left).ok()?;
    (left == 0 || left >= 8).then_some(left)
}

fn unmappable(a: &Atom, off: u64) -> PlanError {
    PlanError::Unsupported(format!(
        "the chunk offset table at byte {} points at byte {off}, outside the media data that would move; \
         isrckit cannot tell where it should point, so nothing was written",
        a.offset
    ))
}

/// Call `f` with the index and value of each offset of an `stco` (`wide`:
/// `co64`) content, collecting what it returns.
fn for_each_offset<T>(
    a: &Atom,
    body: &[u8],
    wide: bool,
    mut f: impl FnMut(usize, u64) -> Result<Option<T>, PlanError>,
) -> Result<Vec<T>, PlanError> {
    let damaged = || {
        PlanError::Damaged(format!(
            "chunk offset table '{}' at byte {} ({} bytes) declares more entries than it holds",
            a.name(),
            a.offset,
            a.size
        ))
    };
    let count = be_u32(body, 4).ok_or_else(damaged)?;
    let count = usize::try_from(count).map_err(|_| damaged())?;
    let width = if wide { 8 } else { 4 };
    let room = body.len().saturating_sub(8) / width;
    if count > room {
        return Err(damaged());
    }
    let mut out = Vec::new();
    for i in 0..count {
        let at = 8 + i * width;
        let off = if wide {
            be_u64(body, at)
        } else {
            be_u32(body, at).map(u64::from)
        }
        .ok_or_else(damaged)?;
        if let Some(t) = f(i, off)? {
            out.push(t);
        }
    }
    Ok(out)
}

// ---- chunk offsets ---------------------------------------------------------

/// The chunk offset tables of every track, and what would make shifting
/// them wrong.
struct ChunkTables {
    tables: Vec<(Atom, bool)>,
    /// A track whose data lives in another file.
    external: Option<u64>,
    /// A `saio` (sample auxiliary information offsets) atom.
    saio: Option<u64>,
}

impl ChunkTables {
    fn scan(src: &mut Source, shape: &Shape) -> Result<ChunkTables, PlanError> {
        let mut budget = Budget::default();
        let mut out = ChunkTables {
            tables: Vec::new(),
            external: None,
            saio: None,
        };
        let moov = Parent::file(src.len()).child(&shape.moov, 0);
        let mut stack = vec![moov];
        while let Some(region) = stack.pop() {
            for a in list(src, &mut budget, &region)?.atoms {
                match &a.kind {
                    b"trak" | b"mdia" | b"minf" | b"stbl" | b"dinf" => {
                        stack.push(region.child(&a, 0));
                    }
                    b"stco" => out.tables.push((a, false)),
                    b"co64" => out.tables.push((a, true)),
                    b"saio" => out.saio = out.saio.or(Some(a.offset)),
                    b"dref"
                        if out.external.is_none()
                            && !self_contained(src, &mut budget, &region, &a)? =>
                    {
                        out.external = Some(a.offset);
                    }
                    _ => {}
                }
            }
        }
        Ok(out)
    }

    /// Whether any chunk offset points into an atom that moves in `layout`.
    fn move_with(&self, src: &mut Source, layout: &[Entry]) -> Result<bool, PlanError> {
        for (a, wide) in &self.tables {
            let bytes = src.read("chunk offset table", a.body(), a.body_len())?;
            let moved = for_each_offset(a, &bytes, *wide, |_, off| {
                let new = map_offset(layout, off).ok_or_else(|| unmappable(a, off))?;
                Ok((new != off).then_some(()))
            })?;
            if !moved.is_empty() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn check_shiftable(&self) -> Result<(), PlanError> {
        if let Some(at) = self.external {
            return Err(PlanError::Unsupported(format!(
                "a track's data reference ('dref' at byte {at}) points to another file, so its chunk offsets \
                 must not move with this file's audio; isrckit does not write into such files"
            )));
        }
        if let Some(at) = self.saio {
            return Err(PlanError::Unsupported(format!(
                "the file has sample auxiliary information offsets ('saio' at byte {at}, encryption data) \
                 that would have to move with the audio; isrckit does not rewrite them, so nothing was written"
            )));
        }
        Ok(())
    }
}

/// Whether every entry of a `dref` says the data is in this file (flag 1
/// of a `url `/`urn ` entry, or `alis` in QuickTime files).
fn self_contained(
    src: &mut Source,
    budget: &mut Budget,
    region: &Parent,
    dref: &Atom,
) -> Result<bool, PlanError> {
    // Full box (4) and entry count (4), then the entries.
    let inner = region.child(dref, 8);
    for e in list(src, budget, &inner)?.atoms {
        if e.body_len() < 4 {
            return Err(PlanError::Damaged(format!(
                "data reference entry '{}' at byte {} is {} bytes, too short for its flags",
                e.name(),
                e.offset,
                e.size
            )));
        }
        let flags: [u8; 4] = src.header("data reference entry flags", e.body())?;
        if flags[3] & 1 == 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
#[path = "write_tests.rs"]
mod tests;
