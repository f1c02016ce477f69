//! One rebuild of the file: each region's children copied or rebuilt, from
//! the top level down the path to each `ilst` (and, when the audio moves,
//! to each chunk offset table), with `free` atoms taking up the changes in
//! size where they can. The items themselves are edited in
//! `write_items.rs`, the chunk offsets in `write_chunks.rs`.

use super::build::{Built, atom_bytes, freeform_item, full_bytes, mdir_handler, wrap};
use super::shape::{Home, Shape, handler, key_names, list, meta_skip};
use super::{ITUNES, KINDS, PAD};
use crate::formats::mp4::atoms::{self, Atom, Budget, Listing, Parent};
use crate::formats::mp4::read::keyed;
use crate::model::CodeKind;
use crate::plan::{Change, Codes};
use crate::plan::{Plan, PlanError};
use crate::source::Source;

/// Where a top-level atom lands in the new file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Entry {
    /// Offset in the original.
    pub(super) old: u64,
    /// Its size in the original.
    pub(super) len: u64,
    /// Offset in the new file.
    pub(super) new: u64,
    /// Copied whole (its content is where `new` says), not rebuilt.
    pub(super) copied: bool,
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
pub(super) struct Pass<'p, 's> {
    pub(super) src: &'p mut Source<'s>,
    pub(super) codes: &'p Codes,
    home: Home,
    /// Leave [`PAD`] bytes of `free` after the main `ilst`.
    pad: bool,
    /// The layout the chunk offsets are shifted to (`None`: not shifted).
    pub(super) shift: Option<&'p [Entry]>,
    budget: Budget,
    pub(super) changes: Vec<Change>,
    /// Whether the main `ilst` has a standard item per kind (ISRC, barcode).
    pub(super) standard: [bool; 2],
    /// The top-level atoms, in order.
    layout: Vec<Entry>,
}

/// What a pass produced.
pub(super) struct Outcome {
    built: Built,
    pub(super) changes: Vec<Change>,
    pub(super) layout: Vec<Entry>,
    old_len: u64,
}

impl Outcome {
    /// Whether an atom copied whole lands somewhere else.
    pub(super) fn moves(&self) -> bool {
        self.layout.iter().any(|e| e.copied && e.new != e.old)
    }

    /// By how much the file changes length.
    pub(super) fn delta(&self) -> i128 {
        i128::from(self.built.len) - i128::from(self.old_len)
    }

    pub(super) fn into_plan(self) -> Plan {
        Plan {
            pieces: self.built.pieces,
            changes: self.changes,
        }
    }
}

impl<'p, 's> Pass<'p, 's> {
    pub(super) fn run(
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

    pub(super) fn list(&mut self, parent: &Parent) -> Result<Listing, PlanError> {
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
        let keyed = keyed(hdlr, keys.is_some());
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
}

/// Whether an atom is padding.
fn is_free(a: &Atom) -> bool {
    a.is(b"free") || a.is(b"skip")
}

/// How big a free atom `f` becomes when it takes up a change of `delta`
/// bytes next to it: `None` when it cannot (it would be left with 1 to 7
/// bytes, or less than nothing).
fn absorbed(f: &Atom, delta: i128) -> Option<u64> {
    let left = i128::from(f.size).checked_sub(delta)?;
    let left = u64::try_from(left).ok()?;
    (left == 0 || left >= 8).then_some(left)
}
