//! The code items of an `ilst`: freeform `----` items whose `mean:name`
//! is a code key, Apple's `xid ` item, and the items of a keyed (`mdta`)
//! list. Each text `data` atom that is a code site gets the new code,
//! keeping its type (UTF-8 or UTF-16), byte-order mark and locale; a value
//! of implicit type (0) is written as UTF-8 text (type 1), which every
//! reader shows (kid3 / TagLib shows an implicit one as empty).

use super::build::{Built, atom_bytes, wrap};
use super::pass::Pass;
use crate::formats::keys::{self, Role};
use crate::formats::mp4::atoms::{Atom, Listing, Parent};
use crate::formats::mp4::read::{TEXT_CAP, TextEncoding};
use crate::model::{CodeKind, TagFormat};
use crate::plan::{Change, PlanError};

/// A text `data` atom: its type and locale, encoding, and text.
struct Text {
    /// Type indicator and locale, kept as they are.
    head: [u8; 8],
    encoding: TextEncoding,
    /// Whether the value starts with a byte-order mark (kept).
    bom: bool,
    /// The text as the reader reports it (without the mark).
    text: String,
}

impl Text {
    /// A `data` atom like this one holding `new`.
    fn with(&self, new: &str) -> Vec<u8> {
        let mut body = self.head.to_vec();
        if self.encoding == TextEncoding::Implicit {
            body[..4].copy_from_slice(&1u32.to_be_bytes());
        }
        if self.encoding == TextEncoding::Utf16Be {
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

impl Pass<'_, '_> {
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

    /// The text `data` atoms among an item's atoms, with their index.
    fn texts(&mut self, listing: &Listing) -> Result<Vec<(usize, Text)>, PlanError> {
        let mut out = Vec::new();
        for (i, d) in listing.atoms.iter().enumerate() {
            if d.is(b"data")
                && let Some(t) = self.text_data(d)?
            {
                out.push((i, t));
            }
        }
        Ok(out)
    }

    /// A freeform `----` item: when its `mean:name` is a code key, each
    /// text `data` that is a site gets the new code.
    pub(super) fn freeform(
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
        for (i, t) in self.texts(&listing)? {
            if !spec.holds_code(&t.text) {
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
    pub(super) fn xid(&mut self, ilst: &Parent, item: &Atom) -> Result<Option<Built>, PlanError> {
        let Some(new) = self.codes.text(CodeKind::Isrc) else {
            return Ok(None);
        };
        let inner = ilst.child(item, 0);
        let listing = self.list(&inner)?;
        let mut edits = Vec::new();
        for (i, t) in self.texts(&listing)? {
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
    pub(super) fn keyed_item(
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
        for (i, t) in self.texts(&listing)? {
            if !spec.holds_code(&t.text) || t.text == new {
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
        let Some(encoding) =
            TextEncoding::of(u32::from_be_bytes([head[0], head[1], head[2], head[3]]))
        else {
            return Ok(None);
        };
        let len = d.body_len() - 8;
        if len > TEXT_CAP {
            return Ok(None);
        }
        let b = self.src.read("'data' text", d.body() + 8, len)?;
        if !encoding.holds_text(&b) {
            return Ok(None);
        }
        let (text, bom) = encoding.decode(&b);
        Ok(Some(Text {
            head,
            encoding,
            bom,
            text,
        }))
    }
}
