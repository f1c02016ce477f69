//! What the writer reads before rebuilding: a region's atoms (damage is an
//! error), a `meta`'s handler and keys, and the [`Shape`] of the file:
//! where the standard items go and whether the file is fragmented.

use crate::formats::mp4::atoms::{self, Atom, Budget, Listing, Parent, be_u32};
use crate::formats::mp4::read::KEYS_CAP;
use crate::plan::PlanError;
use crate::source::Source;

/// List the atoms of `parent`; damage is an error (nothing is written into
/// a file whose structure is not sound). The 1 to 7 bytes after the last
/// atom, if any, are kept.
pub(super) fn list(
    src: &mut Source,
    budget: &mut Budget,
    parent: &Parent,
) -> Result<Listing, PlanError> {
    Ok(atoms::list(src, budget, parent).sound()?)
}

/// How many bytes of a full box's version and flags precede the children
/// of a `meta` (see [`atoms::meta_skip`]).
pub(super) fn meta_skip(src: &mut Source, meta: &Atom) -> Result<u64, PlanError> {
    let peek = src.read("'meta' atom content", meta.body(), meta.body_len().min(8))?;
    Ok(atoms::meta_skip(&peek, meta))
}

/// The handler type of an `hdlr` atom.
pub(super) fn handler(src: &mut Source, a: &Atom) -> Result<Option<[u8; 4]>, PlanError> {
    let b = src.read("'hdlr' atom content", a.body(), a.body_len().min(12))?;
    Ok(b.get(8..12).and_then(|s| s.try_into().ok()))
}

/// The key names of a `keys` atom, in order.
pub(super) fn key_names(src: &mut Source, a: &Atom) -> Result<Vec<String>, PlanError> {
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

/// Where the standard items go: the main `ilst`, or the atom in which the
/// missing part of `moov/udta/meta/ilst` is created (by offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Home {
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
pub(super) struct Shape {
    pub(super) home: Home,
    pub(super) moov: Atom,
    pub(super) fragmented: bool,
}

impl Shape {
    pub(super) fn scan(src: &mut Source) -> Result<Shape, PlanError> {
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
