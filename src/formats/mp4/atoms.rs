//! The MP4 atom (ISO BMFF box) walker: headers only, every size checked
//! against its parent's end before it is used.
//!
//! An atom starts with a 32-bit big-endian size and a four-byte type. Size 1
//! means a 64-bit size follows the type; size 0 means the atom runs to the
//! end of its parent (the end of the file at the top level).
//!
//! [`next`] is the walker: one header per call. The reader visits each atom
//! as its header is read (its children before its next sibling); [`list`]
//! collects a region's atoms for the writer and the reader's small regions;
//! [`top_level`] lists the file's top-level atoms.

use crate::formats::FormatError;
use crate::source::Source;

/// The most atoms one file may make the walker visit. Real files have a few
/// hundred; a crafted file with millions of empty atoms stops here.
pub(super) const MAX_ATOMS: u32 = 100_000;

/// The deepest nesting the walker follows.
pub(super) const MAX_DEPTH: u32 = 16;

/// One atom's header: where it is and how long it says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Atom {
    /// The four-byte type (`moov`, `©nam`, or a key index in an `mdta` list).
    pub kind: [u8; 4],
    /// Byte offset of the atom's header in the file.
    pub offset: u64,
    /// 8, or 16 with a 64-bit size.
    pub header_len: u64,
    /// Total size, header included; checked against the parent's end.
    pub size: u64,
    /// Whether the file ends inside the atom: `size` is then what the file
    /// holds, less than the header declared.
    pub cut: bool,
}

impl Atom {
    /// Where the atom's content starts.
    pub fn body(&self) -> u64 {
        self.offset + self.header_len
    }

    /// How many bytes of content it has.
    pub fn body_len(&self) -> u64 {
        self.size - self.header_len
    }

    /// The byte just past the atom.
    pub fn end(&self) -> u64 {
        self.offset + self.size
    }

    /// The type as text, for paths and messages.
    pub fn name(&self) -> String {
        fourcc(&self.kind)
    }

    /// Whether the atom is of type `kind`.
    pub fn is(&self, kind: &[u8; 4]) -> bool {
        &self.kind == kind
    }
}

/// A four-byte type as text: printable ASCII and Latin-1 (`©` is 0xA9)
/// as they are, anything else as `\xNN`.
pub(super) fn fourcc(kind: &[u8; 4]) -> String {
    let mut s = String::new();
    for &b in kind {
        if b == b' ' || b.is_ascii_graphic() || b >= 0xA0 {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("\\x{b:02x}"));
        }
    }
    s
}

/// An atom type shown as [`fourcc`] shows it, formatted only when used.
pub(super) struct Kind<'a>(pub &'a [u8; 4]);

impl std::fmt::Display for Kind<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&fourcc(self.0))
    }
}

/// Whether four bytes look like an atom type a writer would use: letters,
/// digits, space and a few marks, or `©`.
pub(super) fn plausible_kind(kind: &[u8]) -> bool {
    kind.len() == 4
        && kind
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'-' | b'_' | b'.' | 0xA9))
}

/// How many bytes of a full box's version and flags precede the children
/// of a `meta` atom: 4 for an ISO full box (under `udta`), 0 for
/// QuickTime's plain container (directly under `moov`). Told apart by
/// whether `peek`, the first (up to) 8 bytes of its content, is a
/// plausible child header. The reader and the writer both decide here.
pub(super) fn meta_skip(peek: &[u8], meta: &Atom) -> u64 {
    let plain = peek.len() == 8
        && be_u32(peek, 0).is_some_and(|n| n >= 8 && u64::from(n) <= meta.body_len())
        && peek.get(4..8).is_some_and(plausible_kind);
    if plain { 0 } else { 4 }
}

/// A big-endian u32 at `at`, if the bytes are there.
pub(super) fn be_u32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes(s.try_into().ok()?))
}

/// A big-endian u64 at `at`, if the bytes are there.
pub(super) fn be_u64(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(8)?)?;
    Some(u64::from_be_bytes(s.try_into().ok()?))
}

/// A big-endian u16 at `at`, if the bytes are there.
pub(super) fn be_u16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes(s.try_into().ok()?))
}

/// The region an atom list lives in: the file, or an atom's content.
#[derive(Debug, Clone)]
pub(super) struct Parent {
    /// Path for messages and locations (`"moov/udta"`; empty at the top).
    pub path: String,
    /// Where the children start.
    pub start: u64,
    /// Where the parent ends (the file's length at the top level).
    pub end: u64,
    /// Nesting depth of the children (0 at the top level).
    pub depth: u32,
}

impl Parent {
    /// The whole file.
    pub fn file(len: u64) -> Self {
        Parent {
            path: String::new(),
            start: 0,
            end: len,
            depth: 0,
        }
    }

    /// The content of `atom`, which sits in `self`, starting `skip` bytes
    /// into it (4 for a full box's version and flags).
    pub fn child(&self, atom: &Atom, skip: u64) -> Self {
        Parent {
            path: self.join(atom),
            start: atom.body().saturating_add(skip).min(atom.end()),
            end: atom.end(),
            depth: self.depth + 1,
        }
    }

    /// The path of a child atom of this region.
    pub fn join(&self, atom: &Atom) -> String {
        if self.path.is_empty() {
            atom.name()
        } else {
            format!("{}/{}", self.path, atom.name())
        }
    }

    fn describe(&self) -> String {
        if self.path.is_empty() {
            "the file".to_string()
        } else {
            format!("its parent '{}'", self.path)
        }
    }
}

/// Counts the atoms visited so a crafted file cannot make the walk hang.
/// One budget serves a whole walk of a file: every region listed with it
/// counts against [`MAX_ATOMS`].
#[derive(Debug, Default)]
pub(crate) struct Budget {
    /// Atoms visited so far.
    pub visited: u32,
    /// Whether running out has been reported (it is reported once).
    pub reported: bool,
}

/// One step of a walk through a region's atoms.
#[derive(Debug)]
pub(super) enum Step {
    /// The next atom, its size checked.
    Atom(Atom),
    /// The region ends here.
    End,
    /// 1 to 7 bytes, too few for a header, follow the last atom: offset and
    /// count. QuickTime ends some `udta` lists with four zero bytes.
    Trailing(u64, u64),
    /// The header at the cursor is damaged (or a limit was reached): the
    /// rest of the region cannot be walked.
    Damage(FormatError),
    /// The atom runs past the end of the file, and so does its parent: the
    /// file was cut short. The atom is cut to what the file holds, so what
    /// survives can still be read; the damage says how it was cut.
    Truncated(Atom, FormatError),
}

/// Read the header at `*cursor` (which starts at `parent.start`) and move
/// the cursor past the atom. Content is never read.
pub(super) fn next(
    src: &mut Source,
    budget: &mut Budget,
    parent: &Parent,
    cursor: &mut u64,
) -> Step {
    let offset = *cursor;
    if offset >= parent.end {
        return Step::End;
    }
    if parent.depth > MAX_DEPTH {
        *cursor = parent.end;
        return Step::Damage(FormatError::damaged(format!(
            "atoms nested more than {MAX_DEPTH} levels deep at '{}' (byte {}): not followed",
            parent.path, parent.start
        )));
    }
    let left = parent.end - offset;
    if left < 8 {
        *cursor = parent.end;
        return Step::Trailing(offset, left);
    }
    if budget.visited >= MAX_ATOMS {
        *cursor = parent.end;
        if budget.reported {
            return Step::End;
        }
        budget.reported = true;
        return Step::Damage(FormatError::damaged(format!(
            "more than {MAX_ATOMS} atoms: stopped at byte {offset} (crafted or damaged file)"
        )));
    }
    budget.visited += 1;
    match header(src, parent, offset) {
        Ok(atom) => {
            *cursor = atom.end();
            Step::Atom(atom)
        }
        Err(Bad::Truncated(e, cut)) => {
            *cursor = parent.end;
            Step::Truncated(cut, e)
        }
        Err(Bad::Damage(e)) => {
            *cursor = parent.end;
            Step::Damage(e)
        }
    }
}

/// How a region's list of atoms ends.
#[derive(Debug)]
pub(crate) enum Tail {
    /// The last atom ends where the region does (or the region is empty, or
    /// the budget ran out and was already reported).
    End,
    /// 1 to 7 bytes, too few for a header, follow the last atom: offset and
    /// count (kept by the writer; QuickTime ends some `udta` lists with four
    /// zero bytes).
    Trailing(u64, u64),
    /// A damaged header (or a limit reached): the rest of the region cannot
    /// be walked; the atoms before it are listed.
    Damage(FormatError),
    /// The last atom listed runs past the end of the file, and so does the
    /// region: the file was cut short. That atom is cut to what the file
    /// holds (its `cut` is set).
    Truncated(FormatError),
}

/// The atoms of a region, in file order, and how the list ends.
#[derive(Debug)]
pub(crate) struct Listing {
    pub atoms: Vec<Atom>,
    pub tail: Tail,
}

impl Listing {
    /// The 1 to 7 bytes after the last atom, if any: offset and count.
    pub(crate) fn trailing(&self) -> Option<(u64, u64)> {
        match self.tail {
            Tail::Trailing(at, n) => Some((at, n)),
            _ => None,
        }
    }

    /// The listing of a sound region: damage, or an atom cut by the file's
    /// end, is an error.
    pub(crate) fn sound(self) -> Result<Listing, FormatError> {
        match self.tail {
            Tail::Damage(e) | Tail::Truncated(e) => Err(e),
            Tail::End | Tail::Trailing(..) => Ok(self),
        }
    }
}

/// List the atoms of `parent` with [`next`], up to the end of the region or
/// the first damage (every step other than an atom ends the list).
pub(super) fn list(src: &mut Source, budget: &mut Budget, parent: &Parent) -> Listing {
    let mut cursor = parent.start;
    let mut atoms = Vec::new();
    let tail = loop {
        match next(src, budget, parent, &mut cursor) {
            Step::Atom(a) => atoms.push(a),
            Step::End => break Tail::End,
            Step::Trailing(at, n) => {
                // The cursor is at the region's end: the next step is `End`.
                break Tail::Trailing(at, n);
            }
            Step::Damage(e) => break Tail::Damage(e),
            Step::Truncated(a, e) => {
                atoms.push(a);
                break Tail::Truncated(e);
            }
        }
    };
    Listing { atoms, tail }
}

/// The file's top-level atoms, for the writer and the structure listing;
/// `budget` is the one the rest of the walk goes on with
/// (`Budget::default()` for a listing of its own).
///
/// Each header's size is checked against the file's length before it is
/// used: size 0 means the atom runs to the end of the file; size 1 means a
/// 64-bit size follows the type (the header is then 16 bytes). 1 to 7
/// bytes after the last atom are no atom: they are in the listing's
/// [`Listing::trailing`]. A header that declares less than its own length,
/// or more than [`MAX_ATOMS`] headers, is an error; so is an atom that
/// runs past the end of the file (a truncated tail): nothing is returned
/// for a file that is not sound.
pub(crate) fn top_level(src: &mut Source, budget: &mut Budget) -> Result<Listing, FormatError> {
    let file = Parent::file(src.len());
    list(src, budget, &file).sound()
}

/// Why a header could not be used.
enum Bad {
    Damage(FormatError),
    /// Runs past the end of the file: the damage and the atom cut short.
    Truncated(FormatError, Atom),
}

impl From<crate::source::SourceError> for Bad {
    fn from(e: crate::source::SourceError) -> Self {
        Bad::Damage(e.into())
    }
}

/// Read and check one header at `offset` inside `parent`. A header whose
/// size runs past the end of a parent that ends with the file comes back
/// with the damage and the atom cut to the file's end.
fn header(src: &mut Source, parent: &Parent, offset: u64) -> Result<Atom, Bad> {
    let left = parent.end - offset;
    let head: [u8; 8] = src.header("atom header", offset)?;
    let size32 = u64::from(u32::from_be_bytes([head[0], head[1], head[2], head[3]]));
    let kind = [head[4], head[5], head[6], head[7]];
    // Named only in the errors: most headers make none.
    let name = Kind(&kind);
    let (size, header_len) = match size32 {
        0 => (left, 8),
        1 => {
            if left < 16 {
                return Err(Bad::Damage(FormatError::damaged(format!(
                    "atom '{name}' at byte {offset} declares a 64-bit size, but {} ends {left} bytes later, before the size field",
                    parent.describe()
                ))));
            }
            let large: [u8; 8] = src.header("atom 64-bit size", offset + 8)?;
            (u64::from_be_bytes(large), 16)
        }
        n => (n, 8),
    };
    if size < header_len {
        return Err(Bad::Damage(FormatError::damaged(format!(
            "atom '{name}' at byte {offset} declares a size of {size} bytes, less than its {header_len}-byte header"
        ))));
    }
    if size > left {
        let place = if parent.path.is_empty() {
            format!("the file ends at byte {} ({left} bytes later)", parent.end)
        } else {
            format!(
                "its parent '{}' ends at byte {} ({left} bytes later; the file is {} bytes)",
                parent.path,
                parent.end,
                src.len()
            )
        };
        let damage = FormatError::damaged(format!(
            "atom '{name}' at byte {offset} declares {size} bytes, but {place}: truncated or damaged"
        ));
        if parent.end == src.len() {
            let cut = Atom {
                kind,
                offset,
                header_len,
                size: left,
                cut: true,
            };
            return Err(Bad::Truncated(damage, cut));
        }
        return Err(Bad::Damage(damage));
    }
    Ok(Atom {
        kind,
        offset,
        header_len,
        size,
        cut: false,
    })
}
