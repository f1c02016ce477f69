//! The ledger's schema and its migrations, versioned by `PRAGMA
//! user_version` from the first release.
//!
//! Each entry of [`MIGRATIONS`] takes a ledger from the version before it
//! to its own (entry 0 makes version 1). They are applied in order, in
//! one `BEGIN IMMEDIATE` transaction, when a ledger is opened; entries are
//! never edited once released, only added. A ledger whose version is above
//! [`CURRENT`] was written by a newer isrckit and is refused unchanged.

/// `PRAGMA application_id` of an isrckit ledger: "ISRC" in ASCII.
pub const APPLICATION_ID: i64 = 0x4953_5243;

/// The migrations, in order: entry `n` makes schema version `n + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: the registrant's prefixes (with the range the agency allowed) and
    // the codes with the reference metadata the ISRC handbook asks for.
    "CREATE TABLE prefixes (
        prefix TEXT PRIMARY KEY NOT NULL,
        first INTEGER NOT NULL,
        last INTEGER NOT NULL,
        added TEXT NOT NULL,
        CHECK (first BETWEEN 0 AND 99999 AND last BETWEEN first AND 99999)
    ) STRICT;
    CREATE TABLE codes (
        isrc TEXT PRIMARY KEY NOT NULL,
        prefix TEXT NOT NULL,
        year INTEGER NOT NULL,
        designation INTEGER NOT NULL,
        artist TEXT NOT NULL,
        title TEXT NOT NULL,
        version TEXT,
        duration_ms INTEGER,
        content_type TEXT NOT NULL DEFAULT 'audio' CHECK (content_type IN ('audio', 'video')),
        first_published INTEGER,
        assigned TEXT NOT NULL,
        audio_hash TEXT,
        file TEXT,
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'void')),
        void_reason TEXT,
        voided TEXT,
        UNIQUE (prefix, year, designation)
    ) STRICT;",
    // 2: the look-ups `assign` makes before handing out a code (the same
    // audio, the same title).
    "CREATE INDEX codes_by_audio ON codes (audio_hash) WHERE audio_hash IS NOT NULL;
    CREATE INDEX codes_by_title ON codes (title COLLATE NOCASE);",
];

/// The schema version this isrckit writes.
pub const CURRENT: i64 = MIGRATIONS.len() as i64;
