//! The MP4 atom (ISO BMFF box) walker: headers only, every size checked
//! against its parent's end before it is used.
//!
//! An atom starts with a 32-bit big-endian size and a four-byte type. Size 1
//! means a 64-bit size follows the type; size 0 means the atom runs to the
//! end of its parent (the end of the file at the top level).

use crate::formats::FormatError;
use crate::source::Source;

/// The most atoms one file may make the walker visit. Real files have a few
/// hundred; a crafted file with millions of empty atoms stops here.
pub(super) const MAX_ATOMS: u32 = 100_000;

/// The deepest nesting the walker follows.
pub(super) const MAX_DEPTH: u32 = 16;

/// One atom's header: where it is and how long it says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Atom {
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
#[derive(Debug, Default)]
pub(super) struct Budget {
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
