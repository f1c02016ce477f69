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

use super::atoms::{self, Atom, Budget, Parent, Step, be_u32, be_u64};
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

/// The atoms of a region, and the 1 to 7 bytes after the last one (kept).
struct Listing {
    atoms: Vec<Atom>,
    trailing: Option<(u64, u64)>,
}

/// List the atoms of `parent`; damage is an error (nothing is written into
/// a file whose structure is not sound).
fn list(src: &mut Source, budget: &mut Budget, parent: &Parent) -> Result<Listing, PlanError> {
    let mut cursor = parent.start;
    let mut out = Listing {
        atoms: Vec::new(),
        trailing: None,
    };
    loop {
        match atoms::next(src, budget, parent, &mut cursor) {
            Step::Atom(a) => out.atoms.push(a),
            Step::End => return Ok(out),
            Step::Trailing(at, n) => out.trailing = Some((at, n)),
            Step::Damage(e) | Step::Truncated(_, e) => return Err(e.into()),
        }
    }
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
        let top = list(src, &mut budget, &file)?;
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
        let listing = list(pass.src, &mut pass.budget, &file)?;
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
        if let Some((at, n)) = listing.trailing {
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
        if let Some((at, n)) = listing.trailing {
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
mod tests {
    use super::*;
    use crate::codes::{Gtin, Isrc};
    use crate::model::FileReport;
    use crate::source::ReadAt;

    // ---- building files ----------------------------------------------------

    fn atom(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        atom_bytes(kind, body)
    }

    fn atom64(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let size = body.len() as u64 + 16;
        [&1u32.to_be_bytes()[..], kind, &size.to_be_bytes(), body].concat()
    }

    fn full(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        full_bytes(kind, body)
    }

    fn data(kind: u32, value: &[u8]) -> Vec<u8> {
        atom(b"data", &[&kind.to_be_bytes()[..], &[0; 4], value].concat())
    }

    fn ff(mean: &str, name: &str, datas: &[Vec<u8>]) -> Vec<u8> {
        let body = [
            full(b"mean", mean.as_bytes()),
            full(b"name", name.as_bytes()),
            datas.concat(),
        ]
        .concat();
        atom(b"----", &body)
    }

    fn itunes(name: &str, value: &str) -> Vec<u8> {
        ff(ITUNES, name, &[data(1, value.as_bytes())])
    }

    fn free(size: usize) -> Vec<u8> {
        atom(b"free", &vec![0x55; size - 8])
    }

    fn hdlr(handler: &[u8; 4]) -> Vec<u8> {
        full(b"hdlr", &[&[0; 4][..], handler, &[0; 12], b"\0"].concat())
    }

    /// `udta/meta` (full box, iTunes handler) with an `ilst` of `items`,
    /// and a free atom of `pad` bytes after the `ilst` when `pad > 0`.
    fn udta_meta(items: &[Vec<u8>], pad: usize) -> Vec<u8> {
        let mut body = [hdlr(b"mdir"), atom(b"ilst", &items.concat())].concat();
        if pad > 0 {
            body.extend(free(pad));
        }
        atom(b"udta", &full(b"meta", &body))
    }

    fn keys(names: &[&str]) -> Vec<u8> {
        let mut body = (names.len() as u32).to_be_bytes().to_vec();
        for n in names {
            body.extend((n.len() as u32 + 8).to_be_bytes());
            body.extend(b"mdta");
            body.extend(n.as_bytes());
        }
        full(b"keys", &body)
    }

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_be_bytes).collect()
    }

    fn stco(offsets: &[u64]) -> Vec<u8> {
        let mut body = (offsets.len() as u32).to_be_bytes().to_vec();
        for &o in offsets {
            body.extend(u32::try_from(o).expect("32-bit offset").to_be_bytes());
        }
        full(b"stco", &body)
    }

    fn co64(offsets: &[u64]) -> Vec<u8> {
        let mut body = (offsets.len() as u32).to_be_bytes().to_vec();
        for &o in offsets {
            body.extend(o.to_be_bytes());
        }
        full(b"co64", &body)
    }

    /// A track whose chunks are the given table; its data reference says
    /// "in this file" unless `external`.
    fn trak(table: Vec<u8>, external: bool) -> Vec<u8> {
        let flags: &[u8] = if external {
            &[0, 0, 0, 0]
        } else {
            &[0, 0, 0, 1]
        };
        let url = atom(b"url ", flags);
        let dref = full(b"dref", &[&1u32.to_be_bytes()[..], &url].concat());
        let minf = atom(
            b"minf",
            &[atom(b"dinf", &dref), atom(b"stbl", &table)].concat(),
        );
        let mdia = atom(b"mdia", &[full(b"mdhd", &[0; 20]), minf].concat());
        atom(b"trak", &mdia)
    }

    fn mvhd() -> Vec<u8> {
        let mut body = [&[0; 8][..], &1000u32.to_be_bytes(), &5000u32.to_be_bytes()].concat();
        body.resize(96, 0);
        full(b"mvhd", &body)
    }

    fn payload() -> Vec<u8> {
        (0..600u32).map(|i| (i * 7919 % 251) as u8).collect()
    }

    /// How a test file is laid out.
    #[derive(Default)]
    struct Spec {
        /// `moov` after `mdat` (no faststart).
        moov_last: bool,
        /// A top-level free atom of this size right after `moov`.
        free_after_moov: usize,
        /// A top-level free atom of this size right before `moov`.
        free_before_moov: usize,
        /// The `udta` atom (or nothing) at the end of `moov`.
        udta: Vec<u8>,
        /// `moov` with a 64-bit size.
        moov64: bool,
        /// A fragmented file: `mvex` in `moov`, a `moof` after `mdat`.
        fragments: bool,
        /// The first track's data lives in another file.
        external: bool,
        /// More atoms at the end of `moov` (before `udta`).
        more: Vec<u8>,
    }

    /// A file of two tracks (one `stco`, one `co64`) whose chunk offsets
    /// point into the `mdat`.
    fn build(spec: &Spec) -> Vec<u8> {
        let ftyp = atom(b"ftyp", b"M4A \0\0\x02\0M4A isom");
        let free_or_none = |n: usize| if n > 0 { free(n) } else { Vec::new() };
        let moov = |base: u64| {
            let mut body = mvhd();
            body.extend(trak(stco(&[base, base + 100, base + 250]), spec.external));
            body.extend(trak(co64(&[base + 50, base + 400]), false));
            if spec.fragments {
                body.extend(atom(b"mvex", &full(b"trex", &[0; 20])));
            }
            body.extend_from_slice(&spec.more);
            body.extend_from_slice(&spec.udta);
            if spec.moov64 {
                atom64(b"moov", &body)
            } else {
                atom(b"moov", &body)
            }
        };
        let mdat = atom(b"mdat", &payload());
        let tail = if spec.fragments {
            atom(b"moof", &full(b"mfhd", &[0, 0, 0, 1]))
        } else {
            Vec::new()
        };
        let (before, after) = (
            free_or_none(spec.free_before_moov),
            free_or_none(spec.free_after_moov),
        );
        if spec.moov_last {
            let base = (ftyp.len() + 8) as u64;
            [ftyp, mdat, tail, before, moov(base), after].concat()
        } else {
            let len = moov(0).len();
            let base = (ftyp.len() + before.len() + len + after.len() + 8) as u64;
            [ftyp, before, moov(base), after, mdat, tail].concat()
        }
    }

    fn codes(isrc: Option<&str>, barcode: Option<&str>) -> Codes {
        Codes {
            isrc: isrc.map(|s| Isrc::parse(s).expect("valid ISRC")),
            barcode: barcode.map(|s| Gtin::parse(s).expect("valid barcode")),
        }
    }

    const OLD: &str = "USRC17607839";
    const NEW: &str = "GBAYE0601498";
    const UPC: &str = "075678164125";
    const EAN: &str = "4006381333931";

    // ---- running and checking ----------------------------------------------

    fn plan_bytes(file: &[u8], codes: &Codes) -> Result<Option<Plan>, PlanError> {
        let mut s = file;
        let mut src = Source::new(&mut s, file.len() as u64);
        plan(&mut src, codes)
    }

    /// The new file a plan describes.
    fn apply(file: &[u8], plan: &Plan) -> Vec<u8> {
        let mut out = Vec::new();
        for p in &plan.pieces {
            match p {
                Piece::Copy { offset, len } => {
                    let (o, l) = (*offset as usize, *len as usize);
                    out.extend_from_slice(file.get(o..o + l).expect("copy inside the original"));
                }
                Piece::Bytes(b) => out.extend_from_slice(b),
            }
        }
        out
    }

    /// Plan, apply, and check what every write must keep: the new file
    /// reads cleanly, holds the codes at every site, the same `mdat` bytes
    /// and movie header, the same atoms (apart from the edited lists and
    /// free atoms) with the same bytes, and the old items in order; the
    /// new file plans to nothing.
    fn write(file: &[u8], codes: &Codes) -> (Vec<u8>, Vec<Change>) {
        let plan = plan_bytes(file, codes)
            .expect("plans")
            .expect("something to change");
        let out = apply(file, &plan);
        // The audio is one copied range, never loaded.
        let mdat = node(file, "mdat");
        assert!(
            plan.pieces
                .iter()
                .any(|p| matches!(p, Piece::Copy { offset, len }
                if *offset <= mdat.offset && offset + len >= mdat.offset + mdat.size)),
            "mdat copied whole: {:?}",
            plan.pieces
        );
        let report = read(&out);
        for kind in KINDS {
            let Some(want) = codes.text(kind) else {
                continue;
            };
            let sites: Vec<_> = report.codes.iter().filter(|c| c.kind == kind).collect();
            assert!(!sites.is_empty(), "no {kind} site: {:?}", report.codes);
            for s in sites {
                assert_eq!(s.raw, want, "{}", s.location.describe());
            }
        }
        assert_eq!(payload_of(file), payload_of(&out), "mdat content kept");
        assert_eq!(bytes_at(file, "moov/mvhd"), bytes_at(&out, "moov/mvhd"));
        assert_eq!(
            read(file).audio.and_then(|a| a.duration_ms),
            report.audio.and_then(|a| a.duration_ms)
        );
        assert_kept(file, &out);
        assert!(
            plan_bytes(&out, codes).expect("plans again").is_none(),
            "a second write changes nothing"
        );
        (out, plan.changes)
    }

    fn read(file: &[u8]) -> FileReport {
        let r = crate::read_bytes("test.m4a", file);
        assert_eq!(r.error, None, "reads cleanly");
        r
    }

    /// One atom of a tree.
    #[derive(Debug, Clone)]
    struct Node {
        path: String,
        offset: u64,
        size: u64,
    }

    fn tree(file: &[u8]) -> Vec<Node> {
        fn walk(src: &mut Source, budget: &mut Budget, parent: &Parent, out: &mut Vec<Node>) {
            let listing = list(src, budget, parent).expect("sound tree");
            for a in listing.atoms {
                out.push(Node {
                    path: parent.join(&a),
                    offset: a.offset,
                    size: a.size,
                });
                let container = matches!(
                    &a.kind,
                    b"moov" | b"trak" | b"mdia" | b"minf" | b"stbl" | b"udta" | b"dinf" | b"ilst"
                ) || parent.path.ends_with("ilst");
                if a.is(b"meta") {
                    let skip = meta_skip(src, &a).expect("meta");
                    walk(src, budget, &parent.child(&a, skip), out);
                } else if container {
                    walk(src, budget, &parent.child(&a, 0), out);
                }
            }
        }
        let mut s = file;
        let mut src = Source::new(&mut s, file.len() as u64);
        let mut out = Vec::new();
        walk(
            &mut src,
            &mut Budget::default(),
            &Parent::file(file.len() as u64),
            &mut out,
        );
        out
    }

    fn nodes(file: &[u8], path: &str) -> Vec<Node> {
        tree(file).into_iter().filter(|n| n.path == path).collect()
    }

    fn node(file: &[u8], path: &str) -> Node {
        nodes(file, path)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no {path}"))
    }

    fn bytes_at<'f>(file: &'f [u8], path: &str) -> &'f [u8] {
        let n = node(file, path);
        &file[n.offset as usize..(n.offset + n.size) as usize]
    }

    fn payload_of(file: &[u8]) -> &[u8] {
        &bytes_at(file, "mdat")[8..]
    }

    fn mdat_at(file: &[u8]) -> u64 {
        node(file, "mdat").offset
    }

    /// Every chunk offset, in file order.
    fn chunk_offsets(file: &[u8]) -> Vec<u64> {
        let mut out = Vec::new();
        for n in tree(file) {
            let wide = n.path.ends_with("co64");
            if !(wide || n.path.ends_with("stco")) {
                continue;
            }
            let b = &file[n.offset as usize + 8..(n.offset + n.size) as usize];
            let count = be_u32(b, 4).expect("count") as usize;
            for i in 0..count {
                out.push(if wide {
                    be_u64(b, 8 + 8 * i).expect("entry")
                } else {
                    u64::from(be_u32(b, 8 + 4 * i).expect("entry"))
                });
            }
        }
        out
    }

    /// The items of the lists at `path`, as `kind` or `----:mean:name`.
    fn items(file: &[u8], path: &str) -> Vec<String> {
        let t = tree(file);
        let mut out = Vec::new();
        for n in t.iter().filter(|n| {
            n.path.starts_with(path)
                && n.path.len() > path.len() + 1
                && !n.path[path.len() + 1..].contains('/')
        }) {
            let name = &n.path[path.len() + 1..];
            if name == "----" {
                let inner = |k: &str| {
                    let m = t
                        .iter()
                        .find(|c| {
                            c.path == format!("{}/{k}", n.path)
                                && c.offset > n.offset
                                && c.offset < n.offset + n.size
                        })
                        .expect("mean and name");
                    String::from_utf8_lossy(
                        &file[m.offset as usize + 12..(m.offset + m.size) as usize],
                    )
                    .into_owned()
                };
                out.push(format!("----:{}:{}", inner("mean"), inner("name")));
            } else {
                out.push(name.to_string());
            }
        }
        out
    }

    /// The atom trees of `a` and `b` are the same apart from free atoms,
    /// the contents of the lists, the atoms `b` adds on the path to a new
    /// list, chunk offset tables and the sizes of the atoms that enclose
    /// those; every other atom is byte for byte the same.
    fn assert_kept(a: &[u8], b: &[u8]) {
        let added = [
            "moov/udta",
            "moov/udta/meta",
            "moov/udta/meta/hdlr",
            "moov/udta/meta/ilst",
        ];
        let keep = |n: &Node| {
            let last = n.path.rsplit('/').next().unwrap_or_default();
            !(last == "free" || last == "skip" || n.path.contains("ilst/"))
        };
        let ta: Vec<Node> = tree(a).into_iter().filter(keep).collect();
        let mut tb: Vec<Node> = tree(b).into_iter().filter(keep).collect();
        if ta.len() != tb.len() {
            // Drop what the write added, first occurrences not in `a`.
            for p in added {
                let in_a = ta.iter().filter(|n| n.path == p).count();
                let in_b = tb.iter().filter(|n| n.path == p).count();
                if in_b > in_a
                    && let Some(i) = tb.iter().position(|n| n.path == p && !is_in(a, &ta, n, b))
                {
                    tb.remove(i);
                }
            }
        }
        let pa: Vec<&str> = ta.iter().map(|n| n.path.as_str()).collect();
        let pb: Vec<&str> = tb.iter().map(|n| n.path.as_str()).collect();
        assert_eq!(pa, pb, "same atoms in the same order");
        for (x, y) in ta.iter().zip(&tb) {
            let last = x.path.rsplit('/').next().unwrap_or_default();
            let enclosing = matches!(
                last,
                "moov"
                    | "trak"
                    | "mdia"
                    | "minf"
                    | "stbl"
                    | "udta"
                    | "meta"
                    | "ilst"
                    | "stco"
                    | "co64"
            );
            if !enclosing {
                assert_eq!(
                    &a[x.offset as usize..(x.offset + x.size) as usize],
                    &b[y.offset as usize..(y.offset + y.size) as usize],
                    "{} kept byte for byte",
                    x.path
                );
            }
        }
    }

    /// Whether node `n` of `b` has a twin in `a` (same path and bytes).
    fn is_in(a: &[u8], ta: &[Node], n: &Node, b: &[u8]) -> bool {
        let nb = &b[n.offset as usize..(n.offset + n.size) as usize];
        ta.iter()
            .any(|m| m.path == n.path && &a[m.offset as usize..(m.offset + m.size) as usize] == nb)
    }

    fn site_encoding(file: &[u8], field: &str) -> Vec<String> {
        read(file)
            .codes
            .iter()
            .filter(|c| c.location.field == field)
            .filter_map(|c| c.location.encoding.as_deref().map(str::to_string))
            .collect()
    }

    // ---- layouts ------------------------------------------------------------

    #[test]
    fn moov_before_mdat_without_room_moves_the_audio_and_shifts_every_chunk_offset() {
        let file = build(&Spec {
            udta: udta_meta(
                &[atom(b"\xA9nam", &data(1, b"Song")), itunes("ISRC", OLD)],
                0,
            ),
            ..Spec::default()
        });
        let (out, changes) = write(&file, &codes(Some(NEW), Some(UPC)));
        let delta = out.len() as u64 - file.len() as u64;
        // The new item, and the 2 KiB of padding left for the next edit.
        assert_eq!(delta, freeform_item("BARCODE", UPC).len() as u64 + PAD);
        assert_eq!(mdat_at(&out), mdat_at(&file) + delta);
        let before = chunk_offsets(&file);
        assert_eq!(before.len(), 5);
        let shifted: Vec<u64> = before.iter().map(|o| o + delta).collect();
        assert_eq!(chunk_offsets(&out), shifted);
        // Each offset still points at the same audio byte.
        for (o, n) in before.iter().zip(&shifted) {
            assert_eq!(file[*o as usize], out[*n as usize]);
        }
        assert_eq!(node(&out, "moov/udta/meta/free").size, PAD);
        assert_eq!(
            items(&out, "moov/udta/meta/ilst"),
            [
                "\u{a9}nam",
                "----:com.apple.iTunes:ISRC",
                "----:com.apple.iTunes:BARCODE"
            ]
        );
        assert_eq!(
            changes,
            [
                Change {
                    kind: CodeKind::Isrc,
                    location: "moov/udta/meta/ilst › ilst ----:com.apple.iTunes:ISRC".into(),
                    old: Some(OLD.into()),
                    new: NEW.into(),
                },
                Change {
                    kind: CodeKind::Barcode,
                    location: "moov/udta/meta/ilst › ilst ----:com.apple.iTunes:BARCODE".into(),
                    old: None,
                    new: UPC.into(),
                },
            ]
        );

        // The next edit (a 13-digit barcode: one byte more) fits the padding.
        let (again, _) = write(&out, &codes(Some(NEW), Some(EAN)));
        assert_eq!(again.len(), out.len());
        assert_eq!(mdat_at(&again), mdat_at(&out));
        assert_eq!(chunk_offsets(&again), shifted);
        assert_eq!(node(&again, "moov/udta/meta/free").size, PAD - 1);
    }

    #[test]
    fn free_atom_after_ilst_absorbs_the_growth() {
        let file = build(&Spec {
            udta: udta_meta(&[itunes("ISRC", OLD)], 300),
            ..Spec::default()
        });
        let (out, _) = write(&file, &codes(Some(NEW), Some(UPC)));
        assert_eq!(out.len(), file.len());
        assert_eq!(mdat_at(&out), mdat_at(&file));
        assert_eq!(chunk_offsets(&out), chunk_offsets(&file));
        let grown = freeform_item("BARCODE", UPC).len() as u64;
        assert_eq!(node(&out, "moov/udta/meta/free").size, 300 - grown);
    }

    #[test]
    fn free_atom_after_moov_absorbs_the_growth_unless_1_to_7_bytes_would_be_left() {
        let grown = freeform_item("BARCODE", UPC).len();
        let spec = |free_after_moov| Spec {
            udta: udta_meta(&[itunes("ISRC", NEW)], 0),
            free_after_moov,
            ..Spec::default()
        };
        let c = codes(None, Some(UPC));
        // Used up exactly: the free atom goes.
        let file = build(&spec(grown));
        let (out, _) = write(&file, &c);
        assert_eq!((out.len(), mdat_at(&out)), (file.len(), mdat_at(&file)));
        assert!(nodes(&out, "free").is_empty());
        // Eight bytes left: an empty free atom stays.
        let file = build(&spec(grown + 8));
        let (out, _) = write(&file, &c);
        assert_eq!((out.len(), mdat_at(&out)), (file.len(), mdat_at(&file)));
        assert_eq!(node(&out, "free").size, 8);
        // Four bytes left cannot be a free atom: the audio moves instead.
        let file = build(&spec(grown + 4));
        let (out, _) = write(&file, &c);
        let delta = out.len() as u64 - file.len() as u64;
        assert_eq!(delta, grown as u64 + PAD);
        assert_eq!(mdat_at(&out), mdat_at(&file) + delta);
        let shifted: Vec<u64> = chunk_offsets(&file).iter().map(|o| o + delta).collect();
        assert_eq!(chunk_offsets(&out), shifted);
        assert_eq!(node(&out, "free").size, grown as u64 + 4, "kept as it was");
    }

    #[test]
    fn free_atom_before_moov_absorbs_the_growth() {
        let file = build(&Spec {
            udta: udta_meta(&[itunes("ISRC", OLD)], 0),
            free_before_moov: 500,
            ..Spec::default()
        });
        let (out, _) = write(&file, &codes(Some(NEW), Some(UPC)));
        assert_eq!((out.len(), mdat_at(&out)), (file.len(), mdat_at(&file)));
        assert_eq!(chunk_offsets(&out), chunk_offsets(&file));
    }

    #[test]
    fn moov_after_mdat_grows_without_touching_the_chunk_offsets() {
        let file = build(&Spec {
            moov_last: true,
            udta: udta_meta(&[itunes("ISRC", OLD)], 0),
            ..Spec::default()
        });
        let (out, _) = write(&file, &codes(Some(NEW), Some(UPC)));
        let grown = freeform_item("BARCODE", UPC).len() as u64;
        assert_eq!(out.len() as u64, file.len() as u64 + grown, "no padding");
        assert_eq!(mdat_at(&out), mdat_at(&file));
        assert_eq!(bytes_at(&out, "mdat"), bytes_at(&file, "mdat"));
        assert_eq!(chunk_offsets(&out), chunk_offsets(&file));
        assert_eq!(node(&out, "moov").size, node(&file, "moov").size + grown);
    }

    #[test]
    fn a_shorter_list_leaves_its_room_as_padding_or_moves_the_audio() {
        // Seventeen bytes shorter: a free atom takes their place.
        let long = format!("{OLD} (2006 remaster)x");
        let file = build(&Spec {
            udta: udta_meta(&[itunes("ISRC", &long)], 0),
            ..Spec::default()
        });
        let (out, changes) = write(&file, &codes(Some(NEW), None));
        assert_eq!(changes[0].old.as_deref(), Some(long.as_str()));
        assert_eq!((out.len(), mdat_at(&out)), (file.len(), mdat_at(&file)));
        assert_eq!(
            node(&out, "moov/udta/meta/free").size,
            (long.len() - NEW.len()) as u64
        );
        // Two bytes shorter cannot be a free atom: the audio moves.
        let file = build(&Spec {
            udta: udta_meta(&[itunes("ISRC", "US-RC1-76-07839")], 0),
            ..Spec::default()
        });
        let (out, _) = write(&file, &codes(Some(NEW), None));
        let delta = out.len() as i64 - file.len() as i64;
        assert_eq!(delta, PAD as i64 - 3);
        let shifted: Vec<u64> = chunk_offsets(&file)
            .iter()
            .map(|&o| o.checked_add_signed(delta).expect("offset"))
            .collect();
        assert_eq!(chunk_offsets(&out), shifted);
    }

    #[test]
    fn wide_moov_header_stays_wide() {
        for moov_last in [false, true] {
            let file = build(&Spec {
                moov64: true,
                moov_last,
                udta: udta_meta(&[itunes("ISRC", OLD)], 0),
                ..Spec::default()
            });
            let (out, _) = write(&file, &codes(Some(NEW), Some(UPC)));
            let moov = bytes_at(&out, "moov");
            assert_eq!(be_u32(moov, 0), Some(1));
            assert_eq!(be_u64(moov, 8), Some(moov.len() as u64));
        }
    }

    #[test]
    fn fragmented_file_is_written_only_when_free_space_absorbs_the_change() {
        let spec = |pad| Spec {
            fragments: true,
            udta: udta_meta(&[itunes("ISRC", OLD)], pad),
            ..Spec::default()
        };
        let c = codes(Some(NEW), Some(UPC));
        match plan_bytes(&build(&spec(0)), &c) {
            Err(PlanError::Unsupported(m)) => assert!(m.contains("fragmented"), "{m}"),
            other => panic!("expected Unsupported, got {other:?}"),
        }
        let file = build(&spec(400));
        let (out, _) = write(&file, &c);
        assert_eq!(out.len(), file.len());
        // Same-length edits need no room at all.
        let (same, _) = write(&build(&spec(0)), &codes(Some(NEW), None));
        assert_eq!(same.len(), build(&spec(0)).len());
    }

    #[test]
    fn data_in_another_file_is_not_shifted() {
        let file = build(&Spec {
            external: true,
            udta: udta_meta(&[itunes("ISRC", OLD)], 0),
            ..Spec::default()
        });
        match plan_bytes(&file, &codes(Some(NEW), Some(UPC))) {
            Err(PlanError::Unsupported(m)) => assert!(m.contains("another file"), "{m}"),
            other => panic!("expected Unsupported, got {other:?}"),
        }
    }

    /// A file of `len` bytes of which only the first are stored; the rest
    /// (the audio) reads as zeros.
    struct Sparse(Vec<u8>);

    impl ReadAt for Sparse {
        fn read_exact_at(&mut self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
            for (i, b) in buf.iter_mut().enumerate() {
                *b = usize::try_from(offset + i as u64)
                    .ok()
                    .and_then(|at| self.0.get(at))
                    .copied()
                    .unwrap_or(0);
            }
            Ok(())
        }
    }

    #[test]
    fn stco_offset_that_would_pass_4_gib_is_refused() {
        let len: u64 = (1 << 32) + 4096;
        let ftyp = atom(b"ftyp", b"M4A \0\0\x02\0M4A isom");
        let moov = |base: u64| {
            atom(
                b"moov",
                &[
                    mvhd(),
                    trak(stco(&[base, u64::from(u32::MAX) - 10]), false),
                    udta_meta(&[itunes("ISRC", OLD)], 0),
                ]
                .concat(),
            )
        };
        let at = (ftyp.len() + moov(0).len()) as u64;
        let mut head = [ftyp, moov(at + 16)].concat();
        head.extend(1u32.to_be_bytes());
        head.extend(b"mdat");
        head.extend((len - at).to_be_bytes());
        let mut sparse = Sparse(head);
        let mut src = Source::new(&mut sparse, len);
        match plan(&mut src, &codes(Some(NEW), Some(UPC))) {
            Err(PlanError::Unsupported(m)) => assert!(m.contains("4 GiB"), "{m}"),
            other => panic!("expected Unsupported, got {other:?}"),
        }
        assert!(src.bytes_read < 64 * 1024, "the audio was not read");
        drop(src);
        // A same-length edit moves nothing, and reads no audio either.
        let mut src = Source::new(&mut sparse, len);
        let p = plan(&mut src, &codes(Some(NEW), None))
            .expect("plans")
            .expect("changes");
        assert!(
            p.pieces
                .iter()
                .any(|p| matches!(p, Piece::Copy { len: l, .. } if *l > 1 << 32))
        );
        assert!(src.bytes_read < 64 * 1024);
    }

    // ---- sites ----------------------------------------------------------------

    #[test]
    fn utf16_data_stays_utf16_and_mean_name_keep_their_case() {
        let item = ff("com.apple.itunes", "isrc", &[data(2, &utf16(OLD))]);
        let bom = ff(
            "com.apple.iTunes",
            "UPC",
            &[data(2, &[&[0xFE, 0xFF][..], &utf16(UPC)].concat())],
        );
        let file = build(&Spec {
            moov_last: true,
            udta: udta_meta(&[item, bom], 0),
            ..Spec::default()
        });
        let (out, changes) = write(&file, &codes(Some(NEW), Some(EAN)));
        assert_eq!(
            items(&out, "moov/udta/meta/ilst"),
            [
                "----:com.apple.itunes:isrc",
                "----:com.apple.iTunes:UPC",
                "----:com.apple.iTunes:BARCODE"
            ]
        );
        assert_eq!(
            site_encoding(&out, "----:com.apple.itunes:isrc"),
            ["UTF-16BE"]
        );
        assert_eq!(
            site_encoding(&out, "----:com.apple.iTunes:UPC"),
            ["UTF-16BE"]
        );
        assert_eq!(
            site_encoding(&out, "----:com.apple.iTunes:BARCODE"),
            ["UTF-8"]
        );
        let datas = nodes(&out, "moov/udta/meta/ilst/----/data");
        let value = |n: &Node| &out[n.offset as usize + 16..(n.offset + n.size) as usize];
        assert_eq!(be_u32(&out, datas[0].offset as usize + 8), Some(2));
        assert_eq!(value(&datas[0]), utf16(NEW));
        assert_eq!(
            value(&datas[1]),
            [&[0xFE, 0xFF][..], &utf16(EAN)].concat(),
            "mark kept"
        );
        assert_eq!(
            changes[0].location,
            "moov/udta/meta/ilst › ilst ----:com.apple.itunes:isrc"
        );
        assert_eq!(changes[1].old.as_deref(), Some(UPC));
    }

    #[test]
    fn xid_keeps_its_provider_and_the_standard_item_is_added() {
        let file = build(&Spec {
            udta: udta_meta(
                &[
                    atom(
                        b"xid ",
                        &data(1, format!("Acme Records:isrc:{OLD}").as_bytes()),
                    ),
                    atom(b"\xA9ART", &data(1, b"Artist")),
                ],
                0,
            ),
            ..Spec::default()
        });
        let (out, changes) = write(&file, &codes(Some(NEW), None));
        let xid = bytes_at(&out, "moov/udta/meta/ilst/xid ");
        assert!(xid.ends_with(format!("Acme Records:isrc:{NEW}").as_bytes()));
        assert_eq!(
            items(&out, "moov/udta/meta/ilst"),
            ["xid ", "\u{a9}ART", "----:com.apple.iTunes:ISRC"]
        );
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].location, "moov/udta/meta/ilst › xid :isrc");
        assert_eq!(changes[0].old.as_deref(), Some(OLD));
        assert_eq!(changes[1].old, None);
    }

    #[test]
    fn mdta_items_are_updated_and_an_itunes_meta_goes_before_them() {
        let keyed = |i: u32, v: &[u8]| atom(&i.to_be_bytes(), &data(1, v));
        let mdta = full(
            b"meta",
            &[
                hdlr(b"mdta"),
                keys(&["ISRC", "encoder", "UPC"]),
                atom(
                    b"ilst",
                    &[
                        keyed(1, OLD.as_bytes()),
                        keyed(2, b"Lavf59"),
                        keyed(3, UPC.as_bytes()),
                    ]
                    .concat(),
                ),
            ]
            .concat(),
        );
        let file = build(&Spec {
            moov_last: true,
            udta: atom(b"udta", &mdta),
            ..Spec::default()
        });
        let (out, changes) = write(&file, &codes(Some(NEW), Some(EAN)));
        let metas = nodes(&out, "moov/udta/meta");
        assert_eq!(metas.len(), 2);
        let first = bytes_at(&out, "moov/udta/meta/hdlr");
        assert_eq!(&first[16..24], b"mdirappl", "the iTunes list comes first");
        let fields: Vec<_> = read(&out)
            .codes
            .iter()
            .map(|c| (c.location.field.clone(), c.raw.clone()))
            .collect();
        assert_eq!(
            fields,
            [
                ("----:com.apple.iTunes:ISRC".to_string(), NEW.to_string()),
                ("----:com.apple.iTunes:BARCODE".to_string(), EAN.to_string()),
                ("ISRC".to_string(), NEW.to_string()),
                ("UPC".to_string(), EAN.to_string()),
            ]
        );
        let locations: Vec<_> = changes.iter().map(|c| c.location.as_str()).collect();
        assert_eq!(
            locations,
            [
                "moov/udta/meta/ilst › ilst ----:com.apple.iTunes:ISRC",
                "moov/udta/meta/ilst › ilst ----:com.apple.iTunes:BARCODE",
                "moov/udta/meta/ilst › mdta ISRC",
                "moov/udta/meta/ilst › mdta UPC",
            ]
        );
        // The keyed list keeps its encoder item.
        assert!(out.windows(6).any(|w| w == b"Lavf59"));
    }

    #[test]
    fn aliases_and_catalogue_numbers_that_are_barcodes_are_updated() {
        let file = build(&Spec {
            moov_last: true,
            udta: udta_meta(
                &[
                    itunes("CATALOGNUMBER", "ABC-123"),
                    itunes("CATALOGNUMBER", UPC),
                    itunes("EAN", UPC),
                    ff(
                        ITUNES,
                        "BARCODE",
                        &[data(0, b"\x01\x02"), data(1, UPC.as_bytes())],
                    ),
                ],
                0,
            ),
            ..Spec::default()
        });
        let (out, changes) = write(&file, &codes(None, Some(EAN)));
        assert!(
            out.windows(7).any(|w| w == b"ABC-123"),
            "a catalogue number is kept"
        );
        assert_eq!(changes.len(), 3, "{changes:?}");
        assert!(changes.iter().all(|c| c.old.as_deref() == Some(UPC)));
        // No second BARCODE item: the one with a binary value first is the site.
        assert_eq!(items(&out, "moov/udta/meta/ilst").len(), 4);
        let datas = nodes(&out, "moov/udta/meta/ilst/----/data");
        assert_eq!(bytes_at(&out, "moov/udta/meta/ilst/----/data").len(), 23);
        assert_eq!(
            &out[datas[3].offset as usize + 16..][..2],
            b"\x01\x02",
            "binary data kept"
        );
    }

    #[test]
    fn track_level_lists_are_updated_too() {
        let file = build(&Spec {
            moov_last: true,
            more: atom(b"trak", &udta_meta(&[itunes("ISRC", OLD)], 0)),
            ..Spec::default()
        });
        let (out, changes) = write(&file, &codes(Some(NEW), None));
        let locations: Vec<_> = changes.iter().map(|c| c.location.as_str()).collect();
        assert_eq!(
            locations,
            [
                "moov/trak/udta/meta/ilst › ilst ----:com.apple.iTunes:ISRC",
                "moov/udta/meta/ilst › ilst ----:com.apple.iTunes:ISRC",
            ]
        );
        assert_eq!(
            items(&out, "moov/udta/meta/ilst"),
            ["----:com.apple.iTunes:ISRC"]
        );
    }

    // ---- creating the list ---------------------------------------------------

    #[test]
    fn udta_meta_and_ilst_are_created_when_missing() {
        let mdir = |out: &[u8]| {
            let h = bytes_at(out, "moov/udta/meta/hdlr").to_vec();
            assert_eq!(h.len(), 34);
            assert_eq!(&h[16..24], b"mdirappl");
        };
        // No udta.
        for moov_last in [true, false] {
            let file = build(&Spec {
                moov_last,
                ..Spec::default()
            });
            let (out, changes) = write(&file, &codes(Some(NEW), Some(UPC)));
            mdir(&out);
            assert_eq!(
                items(&out, "moov/udta/meta/ilst"),
                [
                    "----:com.apple.iTunes:ISRC",
                    "----:com.apple.iTunes:BARCODE"
                ]
            );
            assert_eq!(changes.len(), 2);
            assert_eq!(
                nodes(&out, "moov/udta/meta/free").len(),
                usize::from(!moov_last)
            );
        }
        // A udta with other atoms and QuickTime's four zero bytes at its end.
        let file = build(&Spec {
            moov_last: true,
            udta: atom(
                b"udta",
                &[atom(b"\xA9xyz", b"\0\x11\0\0+40.0+010.0/"), vec![0; 4]].concat(),
            ),
            ..Spec::default()
        });
        let (out, _) = write(&file, &codes(Some(NEW), None));
        mdir(&out);
        assert!(
            bytes_at(&out, "moov/udta").ends_with(&[0; 4]),
            "terminator stays last"
        );
        assert_eq!(
            tree(&out)
                .iter()
                .filter(|n| n.path.starts_with("moov/udta/"))
                .count(),
            8
        );
        // A meta without an ilst.
        let file = build(&Spec {
            moov_last: true,
            udta: atom(b"udta", &full(b"meta", &hdlr(b"mdir"))),
            ..Spec::default()
        });
        let (out, _) = write(&file, &codes(Some(NEW), None));
        assert_eq!(
            items(&out, "moov/udta/meta/ilst"),
            ["----:com.apple.iTunes:ISRC"]
        );
    }

    // ---- nothing to do, damage ---------------------------------------------------

    #[test]
    fn nothing_to_write_gives_none() {
        let file = build(&Spec {
            udta: udta_meta(&[itunes("ISRC", NEW), itunes("BARCODE", UPC)], 0),
            ..Spec::default()
        });
        assert!(
            plan_bytes(&file, &codes(Some(NEW), Some(UPC)))
                .expect("ok")
                .is_none()
        );
        assert!(
            plan_bytes(&file, &codes(Some(NEW), None))
                .expect("ok")
                .is_none()
        );
        assert!(plan_bytes(&file, &Codes::default()).expect("ok").is_none());
    }

    #[test]
    fn lying_sizes_are_damage() {
        let good = build(&Spec {
            udta: udta_meta(&[itunes("ISRC", OLD)], 0),
            ..Spec::default()
        });
        // The ISRC item claims more than its list holds.
        let at = node(&good, "moov/udta/meta/ilst/----").offset as usize;
        let mut bad = good.clone();
        bad[at..at + 4].copy_from_slice(&4000u32.to_be_bytes());
        assert!(matches!(
            plan_bytes(&bad, &codes(Some(NEW), None)),
            Err(PlanError::Damaged(_))
        ));
        // The moov claims more than the file holds.
        let mut bad = good.clone();
        let at = node(&good, "moov").offset as usize;
        bad[at..at + 4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(
            plan_bytes(&bad, &codes(Some(NEW), None)),
            Err(PlanError::Damaged(_))
        ));
        // A data atom too short for its type.
        let file = build(&Spec {
            udta: udta_meta(&[ff(ITUNES, "ISRC", &[atom(b"data", &[0, 0, 0, 1])])], 0),
            ..Spec::default()
        });
        assert!(matches!(
            plan_bytes(&file, &codes(Some(NEW), None)),
            Err(PlanError::Damaged(_))
        ));
        // An stco that declares more entries than it holds.
        let mut bad = good.clone();
        let at = node(&good, "moov/trak/mdia/minf/stbl/stco").offset as usize;
        bad[at + 12..at + 16].copy_from_slice(&1000u32.to_be_bytes());
        assert!(matches!(
            plan_bytes(&bad, &codes(Some(NEW), Some(UPC))),
            Err(PlanError::Damaged(_))
        ));
    }

    #[test]
    fn damaged_files_never_panic_and_plans_stay_inside_the_file() {
        let good = build(&Spec {
            udta: udta_meta(
                &[
                    itunes("ISRC", OLD),
                    atom(b"xid ", &data(1, format!("A:isrc:{OLD}").as_bytes())),
                ],
                0,
            ),
            free_after_moov: 24,
            ..Spec::default()
        });
        let c = codes(Some(NEW), Some(UPC));
        let mut planned = 0;
        for at in 0..good.len() {
            for value in [0u8, 1, 0x7F, 0xFF, good[at].wrapping_add(1)] {
                let mut bad = good.clone();
                bad[at] = value;
                if let Ok(Some(p)) = plan_bytes(&bad, &c) {
                    planned += 1;
                    for piece in &p.pieces {
                        if let Piece::Copy { offset, len } = piece {
                            assert!(offset + len <= bad.len() as u64);
                        }
                    }
                }
            }
        }
        for cut in 0..good.len() {
            let _ = plan_bytes(&good[..cut], &c);
        }
        assert!(planned > 0);
    }

    // ---- files made by real tools --------------------------------------------

    /// Files made and checked by ffmpeg, ffprobe, mutagen and AtomicParsley
    /// in a temp folder. A missing tool skips the test with a reason, unless
    /// `CI` is set: then it fails.
    mod tools {
        use super::*;
        use std::path::{Path, PathBuf};
        use std::process::Command;

        const PY: &str = "/usr/bin/python3";

        fn have(tool: &str, probe: &[&str]) -> bool {
            let ok = Command::new(tool)
                .args(probe)
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false);
            if !ok {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "{tool} is required in CI but cannot be run"
                );
                eprintln!(
                    "SKIPPED: {tool} {} cannot be run (install it)",
                    probe.join(" ")
                );
            }
            ok
        }

        fn have_all() -> bool {
            [
                have("ffmpeg", &["-version"]),
                have("ffprobe", &["-version"]),
                have(PY, &["-c", "import mutagen"]),
            ]
            .iter()
            .all(|&ok| ok)
        }

        /// Run a command; its stdout, or a panic with its stderr.
        fn run(cmd: &mut Command) -> String {
            let out = cmd
                .output()
                .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
            assert!(
                out.status.success(),
                "{cmd:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout).into_owned()
        }

        /// Two seconds of AAC in an .m4a made by ffmpeg, with `args`.
        fn sine(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
            let p = dir.join(name);
            run(Command::new("ffmpeg")
                .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
                .arg("sine=frequency=440:duration=2")
                .args(["-c:a", "aac"])
                .args(args)
                .arg(&p));
            p
        }

        /// Run a mutagen script with `f` the file opened as MP4.
        fn mutagen(path: &Path, script: &str) -> String {
            let code = format!(
                "import sys\nfrom mutagen.mp4 import MP4, MP4FreeForm, AtomDataType\nf = MP4(sys.argv[1])\n{script}\n"
            );
            run(Command::new(PY).arg("-c").arg(code).arg(path))
                .trim()
                .to_string()
        }

        /// Plan and apply the write of `codes` into `path` (checked as every
        /// write is), and store the result as `out.m4a` beside it.
        fn write_copy(path: &Path, codes: &Codes) -> (Vec<u8>, Vec<u8>, PathBuf) {
            let before = std::fs::read(path).expect("read");
            let (after, _) = write(&before, codes);
            let out = path.with_file_name("out.m4a");
            std::fs::write(&out, &after).expect("write");
            (before, after, out)
        }

        /// ffmpeg decodes the file without an error; ffprobe and mutagen
        /// see the ISRC (and the barcode).
        fn tools_agree(path: &Path, isrc: &str, barcode: Option<&str>) {
            let out = Command::new("ffmpeg")
                .args(["-v", "error", "-i"])
                .arg(path)
                .args(["-f", "null", "-"])
                .output()
                .expect("ffmpeg");
            assert!(out.status.success());
            assert_eq!(String::from_utf8_lossy(&out.stderr), "", "decodes cleanly");
            let tag = |key: &str| {
                run(Command::new("ffprobe")
                    .args(["-v", "error", "-show_entries"])
                    .arg(format!("format_tags={key}"))
                    .args(["-of", "default=nw=1:nk=1"])
                    .arg(path))
                .trim()
                .to_string()
            };
            assert_eq!(tag("ISRC"), isrc);
            let item = |name: &str| {
                mutagen(
                    path,
                    &format!("print(bytes(f['----:com.apple.iTunes:{name}'][0]).decode())"),
                )
            };
            assert_eq!(item("ISRC"), isrc);
            if let Some(b) = barcode {
                assert_eq!(tag("BARCODE"), b);
                assert_eq!(item("BARCODE"), b);
            }
        }

        #[test]
        fn faststart_file_without_room_moves_its_audio_and_the_next_edit_fits() {
            if !have_all() {
                return;
            }
            let dir = tempfile::tempdir().expect("tmp");
            let p = sine(dir.path(), "a.m4a", &["-movflags", "+faststart"]);
            let (before, after, out) = write_copy(&p, &codes(Some(NEW), Some(UPC)));
            assert!(mdat_at(&before) > node(&before, "moov").offset, "faststart");
            let delta = (after.len() - before.len()) as u64;
            assert!(delta > PAD);
            assert_eq!(mdat_at(&after), mdat_at(&before) + delta);
            let offsets = chunk_offsets(&before);
            assert!(!offsets.is_empty());
            let shifted: Vec<u64> = offsets.iter().map(|o| o + delta).collect();
            assert_eq!(chunk_offsets(&after), shifted);
            tools_agree(&out, NEW, Some(UPC));

            // The padding takes the next edit: nothing moves.
            let (again_before, again, again_out) = write_copy(&out, &codes(Some(OLD), Some(EAN)));
            assert_eq!(again.len(), again_before.len());
            assert_eq!(mdat_at(&again), mdat_at(&after));
            assert_eq!(chunk_offsets(&again), shifted);
            tools_agree(&again_out, OLD, Some(EAN));
        }

        #[test]
        fn faststart_file_tagged_by_mutagen_keeps_its_size() {
            if !have_all() {
                return;
            }
            let dir = tempfile::tempdir().expect("tmp");
            let p = sine(dir.path(), "a.m4a", &["-movflags", "+faststart"]);
            mutagen(
                &p,
                &format!(
                    "f['\\xa9nam'] = ['Song']\nf['----:com.apple.iTunes:ISRC'] = [MP4FreeForm(b'{OLD}')]\nf.save()"
                ),
            );
            let (before, after, out) = write_copy(&p, &codes(Some(NEW), Some(UPC)));
            assert_eq!(
                after.len(),
                before.len(),
                "mutagen's padding absorbs the change"
            );
            assert_eq!(mdat_at(&after), mdat_at(&before));
            assert_eq!(chunk_offsets(&after), chunk_offsets(&before));
            // mutagen's own order, kept; the new item at the end.
            let mut order = items(&before, "moov/udta/meta/ilst");
            assert_eq!(order.len(), 3);
            order.push("----:com.apple.iTunes:BARCODE".into());
            assert_eq!(items(&after, "moov/udta/meta/ilst"), order);
            tools_agree(&out, NEW, Some(UPC));
            assert_eq!(mutagen(&out, "print(f['\\xa9nam'][0])"), "Song");
        }

        #[test]
        fn moov_after_mdat_grows_in_place() {
            if !have_all() {
                return;
            }
            let dir = tempfile::tempdir().expect("tmp");
            let p = sine(dir.path(), "a.m4a", &[]);
            let (before, after, out) = write_copy(&p, &codes(Some(NEW), Some(UPC)));
            assert!(node(&before, "moov").offset > mdat_at(&before), "moov last");
            assert_eq!(mdat_at(&after), mdat_at(&before));
            assert_eq!(chunk_offsets(&after), chunk_offsets(&before));
            assert!(after.len() > before.len());
            tools_agree(&out, NEW, Some(UPC));
        }

        #[test]
        fn atomicparsley_xid_keeps_its_provider() {
            if !have_all() || !have("AtomicParsley", &["--version"]) {
                return;
            }
            let dir = tempfile::tempdir().expect("tmp");
            let p = sine(dir.path(), "a.m4a", &["-movflags", "+faststart"]);
            run(Command::new("AtomicParsley")
                .arg(&p)
                .arg("--xID")
                .arg(format!("Acme Records:isrc:{OLD}"))
                .arg("--overWrite"));
            let (before, after, out) = write_copy(&p, &codes(Some(NEW), None));
            // AtomicParsley leaves its padding before the list: it absorbs the new item.
            assert_eq!(after.len(), before.len());
            assert_eq!(mdat_at(&after), mdat_at(&before));
            assert!(
                items(&after, "moov/udta/meta/ilst")
                    .ends_with(&["xid ".to_string(), "----:com.apple.iTunes:ISRC".to_string()])
            );
            tools_agree(&out, NEW, None);
            let listed = run(Command::new("AtomicParsley").arg(&out).arg("-t"));
            assert!(
                listed.contains(&format!("Atom \"xid \" contains: Acme Records:isrc:{NEW}")),
                "{listed}"
            );
        }

        #[test]
        fn ffmpeg_metadata_keys_are_updated() {
            if !have_all() {
                return;
            }
            let dir = tempfile::tempdir().expect("tmp");
            let p = sine(
                dir.path(),
                "a.m4a",
                &[
                    "-movflags",
                    "+faststart+use_metadata_tags",
                    "-metadata",
                    &format!("ISRC={OLD}"),
                ],
            );
            let (_, after, out) = write_copy(&p, &codes(Some(NEW), None));
            let fields: Vec<_> = read(&after)
                .codes
                .iter()
                .map(|c| (c.location.tag, c.raw.clone()))
                .collect();
            assert_eq!(
                fields,
                [
                    (TagFormat::Ilst, NEW.to_string()),
                    (TagFormat::Mdta, NEW.to_string())
                ]
            );
            tools_agree(&out, NEW, None);
        }

        #[test]
        fn mutagen_utf16_value_stays_utf16() {
            if !have_all() {
                return;
            }
            let dir = tempfile::tempdir().expect("tmp");
            let p = sine(dir.path(), "a.m4a", &[]);
            mutagen(
                &p,
                &format!(
                    "f['----:com.apple.iTunes:ISRC'] = [MP4FreeForm('{OLD}'.encode('utf-16-be'), dataformat=AtomDataType.UTF16)]\nf.save()"
                ),
            );
            let (_, after, out) = write_copy(&p, &codes(Some(NEW), None));
            assert_eq!(
                site_encoding(&after, "----:com.apple.iTunes:ISRC"),
                ["UTF-16BE"]
            );
            let seen = mutagen(
                &out,
                "v = f['----:com.apple.iTunes:ISRC'][0]\nprint(int(v.dataformat), bytes(v).decode('utf-16-be'))",
            );
            assert_eq!(seen, format!("2 {NEW}"));
        }
    }
}
