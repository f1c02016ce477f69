//! The one table of where ISRCs and barcodes live, per tag format.
//!
//! Readers do not decide which fields are codes: they hand every text field
//! to the collector (`formats::Collector::field`), which looks the key up here.
//! The README's location table is checked against this table by a test.

use crate::model::{CodeKind, TagFormat};

/// How a key relates to the standards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Role {
    /// The standard place (the README's table); written by default.
    Standard,
    /// A place real tools write that is not the standard one; read and
    /// reported with a note naming the standard place.
    Alias,
    /// A field whose meaning is something else by its specification, but
    /// which tools use for the code (RIFF INFO `ISRC` is "Source").
    /// Reported as a code when its text has the code's shape, valid or
    /// not ([`codes::has_isrc_shape`]): a mistyped ISRC is reported as an
    /// invalid one, a name or a URL is not a code.
    ///
    /// [`codes::has_isrc_shape`]: crate::codes::has_isrc_shape
    Ambiguous,
    /// A field that holds a code only when its text is a valid code
    /// (`CATALOGNUMBER` is a label catalogue number unless it is a GTIN).
    IfValid,
    /// A free-text field in which a code is one `KEY:value` entry labelled
    /// with the code's name: the FADGI convention for identifiers in a BWF
    /// `bext` Description (`ISRC:USRC17607839; ISWC:T-034.524.680-1`).
    /// The reader hands the collector the value of each labelled entry
    /// (whatever it holds: the label says it is the code); the rest of the
    /// text, and a mention without the label, is not a code. Reported as
    /// non-standard.
    Labelled,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct KeySpec {
    /// The tag format.
    pub tag: TagFormat,
    /// The key as the standard spells it; matched without regard to case.
    pub key: &'static str,
    /// Which code it holds.
    pub kind: CodeKind,
    /// Its standing.
    pub role: Role,
}

use CodeKind::{Barcode, Isrc};
use Role::{Alias, Ambiguous, IfValid, Labelled, Standard};
use TagFormat as T;

#[rustfmt::skip]
/// Every key that may hold a code, by tag format.
pub const KEYS: &[KeySpec] = &[
    //        tag            key                                   kind     role
    KeySpec { tag: T::Id3v2, key: "TSRC",                          kind: Isrc,    role: Standard },
    KeySpec { tag: T::Id3v2, key: "TRC",                           kind: Isrc,    role: Standard },
    KeySpec { tag: T::Id3v2, key: "TXXX:ISRC",                     kind: Isrc,    role: Alias },
    KeySpec { tag: T::Id3v2, key: "TXX:ISRC",                      kind: Isrc,    role: Alias },
    KeySpec { tag: T::Id3v2, key: "TXXX:BARCODE",                  kind: Barcode, role: Standard },
    KeySpec { tag: T::Id3v2, key: "TXXX:UPC",                      kind: Barcode, role: Alias },
    KeySpec { tag: T::Id3v2, key: "TXXX:EAN",                      kind: Barcode, role: Alias },
    KeySpec { tag: T::Id3v2, key: "TXX:BARCODE",                   kind: Barcode, role: Standard },
    KeySpec { tag: T::Id3v2, key: "TXX:UPC",                       kind: Barcode, role: Alias },
    KeySpec { tag: T::Id3v2, key: "TXX:EAN",                       kind: Barcode, role: Alias },
    KeySpec { tag: T::Id3v2, key: "TXXX:CATALOGNUMBER",            kind: Barcode, role: IfValid },
    KeySpec { tag: T::Ape,   key: "ISRC",                          kind: Isrc,    role: Alias },
    KeySpec { tag: T::Ape,   key: "BARCODE",                       kind: Barcode, role: Alias },
    KeySpec { tag: T::Ape,   key: "UPC",                           kind: Barcode, role: Alias },
    KeySpec { tag: T::Ape,   key: "EAN",                           kind: Barcode, role: Alias },
    KeySpec { tag: T::Ape,   key: "CATALOGNUMBER",                 kind: Barcode, role: IfValid },
    KeySpec { tag: T::RiffInfo, key: "ISRC",                       kind: Isrc,    role: Ambiguous },
    KeySpec { tag: T::Bext,  key: "Description",                   kind: Isrc,    role: Labelled },
    KeySpec { tag: T::Ixml,  key: "ASWG/isrcId",                   kind: Isrc,    role: Standard },
    KeySpec { tag: T::Axml,  key: "ebucore:identifier[ISRC]",      kind: Isrc,    role: Standard },
    KeySpec { tag: T::Vorbis, key: "ISRC",                         kind: Isrc,    role: Standard },
    KeySpec { tag: T::Vorbis, key: "BARCODE",                      kind: Barcode, role: Standard },
    KeySpec { tag: T::Vorbis, key: "UPC",                          kind: Barcode, role: Alias },
    KeySpec { tag: T::Vorbis, key: "EAN",                          kind: Barcode, role: Alias },
    KeySpec { tag: T::Vorbis, key: "CATALOGNUMBER",                kind: Barcode, role: IfValid },
    KeySpec { tag: T::Cuesheet, key: "TRACK ISRC",                 kind: Isrc,    role: Standard },
    KeySpec { tag: T::Cuesheet, key: "MEDIA CATALOG NUMBER",       kind: Barcode, role: Standard },
    KeySpec { tag: T::Ilst,  key: "----:com.apple.iTunes:ISRC",    kind: Isrc,    role: Standard },
    KeySpec { tag: T::Ilst,  key: "----:com.apple.iTunes:BARCODE", kind: Barcode, role: Standard },
    KeySpec { tag: T::Ilst,  key: "----:com.apple.iTunes:UPC",     kind: Barcode, role: Alias },
    KeySpec { tag: T::Ilst,  key: "----:com.apple.iTunes:EAN",     kind: Barcode, role: Alias },
    KeySpec { tag: T::Ilst,  key: "----:com.apple.iTunes:CATALOGNUMBER", kind: Barcode, role: IfValid },
    KeySpec { tag: T::Xid,   key: "xid :isrc",                     kind: Isrc,    role: Standard },
    KeySpec { tag: T::Mdta,  key: "ISRC",                          kind: Isrc,    role: Alias },
    KeySpec { tag: T::Mdta,  key: "BARCODE",                       kind: Barcode, role: Alias },
    KeySpec { tag: T::Mdta,  key: "UPC",                           kind: Barcode, role: Alias },
    KeySpec { tag: T::Mdta,  key: "EAN",                           kind: Barcode, role: Alias },
    KeySpec { tag: T::Ddp,   key: "DDPID UPC/EAN",                 kind: Barcode, role: Standard },
    KeySpec { tag: T::Ddp,   key: "DDPMS ISRC",                    kind: Isrc,    role: Standard },
    KeySpec { tag: T::Ddp,   key: "PQ ISRC",                       kind: Isrc,    role: Standard },
    KeySpec { tag: T::Ddp,   key: "PQ UPC/EAN",                    kind: Barcode, role: Standard },
    KeySpec { tag: T::CdText, key: "ISRC",                         kind: Isrc,    role: Standard },
    KeySpec { tag: T::CdText, key: "UPC/EAN",                      kind: Barcode, role: Standard },
    KeySpec { tag: T::Cue,   key: "CATALOG",                       kind: Barcode, role: Standard },
    KeySpec { tag: T::Cue,   key: "ISRC",                          kind: Isrc,    role: Standard },
    KeySpec { tag: T::Cue,   key: "UPC_EAN",                       kind: Barcode, role: Alias },
    KeySpec { tag: T::Toc,   key: "CATALOG",                       kind: Barcode, role: Standard },
    KeySpec { tag: T::Toc,   key: "ISRC",                          kind: Isrc,    role: Standard },
    KeySpec { tag: T::Toc,   key: "CD_TEXT/UPC_EAN",               kind: Barcode, role: Alias },
    KeySpec { tag: T::Toc,   key: "CD_TEXT/ISRC",                  kind: Isrc,    role: Alias },
];

impl KeySpec {
    /// Whether `text`, stored under this key, is a code site: always for a
    /// standard, alias or labelled key; for a conditional one, as its role
    /// says. The reader and every writer decide with this one function, so
    /// a write updates exactly the sites a read reports.
    pub fn holds_code(&self, text: &str) -> bool {
        match self.role {
            Standard | Alias | Labelled => true,
            IfValid => crate::codes::assess(self.kind, text).valid,
            Ambiguous => match self.kind {
                Isrc => crate::codes::has_isrc_shape(text),
                Barcode => crate::codes::assess(Barcode, text).value.is_some(),
            },
        }
    }
}

/// Look a stored key up (case-insensitive). `None`: not a code field.
pub fn lookup(tag: TagFormat, key: &str) -> Option<&'static KeySpec> {
    KEYS.iter()
        .find(|k| k.tag == tag && k.key.eq_ignore_ascii_case(key))
}

/// The standard key for a kind in a tag format, for notes that say where a
/// code belongs.
pub fn standard_key(tag: TagFormat, kind: CodeKind) -> Option<&'static str> {
    KEYS.iter()
        .find(|k| k.tag == tag && k.kind == kind && k.role == Role::Standard)
        .map(|k| k.key)
}

/// The key table as Markdown, as the README shows it (a test keeps the
/// README's copy equal to this).
pub fn markdown_table() -> String {
    let mut s = String::from(
        "| tag format | key (any case) | code | standing |\n| --- | --- | --- | --- |\n",
    );
    for k in KEYS {
        let standing = match k.role {
            Role::Standard => "standard",
            Role::Alias => "alias: read, reported as non-standard",
            Role::Ambiguous => {
                "ambiguous: reported when the text has the shape of a code (valid or not)"
            }
            Role::IfValid => "only when the text is a valid code",
            Role::Labelled => {
                "an `ISRC:CODE` entry in the text (FADGI convention), reported as non-standard"
            }
        };
        s.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            k.tag.name(),
            k.key,
            k.kind,
            standing
        ));
    }
    s
}
