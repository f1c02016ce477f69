//! The BWF `bext` Description (EBU Tech 3285: the chunk's first 256 bytes,
//! ASCII, NUL-padded) and the `KEY:value` identifiers archives keep in it.
//!
//! `bext` has no ISRC field. The FADGI guidelines for embedding metadata in
//! BWF files (followed by BWF MetaEdit users and archives) put identifiers
//! into the Description as labelled entries, `ISRC:USRC17607839`, separated
//! by `;` or line breaks and mixed with others (`ISWC:T-034.524.680-1`).
//! Only an entry labelled `ISRC:` is a code site; a Description that merely
//! mentions a code in prose (`ISRC USRC17607839 pending`) is not.
//!
//! The reader, the writer and the structure listing all find the entries
//! with [`isrc_entries`], so a write updates exactly what a read reports and
//! verification compares everything else in the chunk.

use std::ops::Range;

/// The length of the Description field at the start of a `bext` body.
pub(crate) const DESCRIPTION_LEN: u64 = 256;

/// The note every site in a `bext` Description carries.
pub(crate) const NOTE: &str = "an \"ISRC:\" entry in the BWF bext Description: the FADGI convention for identifiers in bext, not a tag field; other tools show it as description text, not as an ISRC";

/// The text of the Description: up to its first NUL, each byte as itself
/// when the field is UTF-8 (ASCII by the spec), else as Latin-1.
pub(crate) fn text(field: &[u8]) -> &[u8] {
    field.split(|&b| b == 0).next().unwrap_or_default()
}

/// Decode bytes of the Description as the reader reports them.
pub(crate) fn decode(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => b.iter().map(|&c| char::from(c)).collect(),
    }
}

/// The byte ranges of the values of the `ISRC:` entries in a Description
/// field (the label matched without regard to case; spaces around the
/// value left out), in order. Entries are separated by `;`, CR or LF; an
/// entry labelled `ISRC:` with nothing after it is a blank in a template,
/// not a site.
pub(crate) fn isrc_entries(field: &[u8]) -> Vec<Range<usize>> {
    let text = text(field);
    let mut out = Vec::new();
    let mut start = 0;
    for entry in text.split(|&b| matches!(b, b';' | b'\r' | b'\n')) {
        let lead = entry.iter().take_while(|&&b| is_space(b)).count();
        let body = &entry[lead..];
        if body.len() > 5 && body[..5].eq_ignore_ascii_case(b"ISRC:") {
            let value = &body[5..];
            let skip = value.iter().take_while(|&&b| is_space(b)).count();
            let keep = value.len() - value.iter().rev().take_while(|&&b| is_space(b)).count();
            if keep > skip {
                let at = start + lead + 5;
                out.push(at + skip..at + keep);
            }
        }
        start += entry.len() + 1;
    }
    out
}

fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The Description field with every `ISRC:` entry holding `new`, the same
/// length as `field` (NUL padding taken or given at its end); `None` when
/// nothing changes, `Err` when the new text does not fit.
pub(crate) fn rewrite(field: &[u8], new: &str) -> Result<Option<Vec<u8>>, String> {
    let entries = isrc_entries(field);
    if entries.iter().all(|r| &field[r.clone()] == new.as_bytes()) {
        return Ok(None);
    }
    let mut out = Vec::with_capacity(field.len() + new.len());
    let mut at = 0;
    for r in &entries {
        out.extend_from_slice(&field[at..r.start]);
        out.extend_from_slice(new.as_bytes());
        at = r.end;
    }
    out.extend_from_slice(&field[at..]);
    while out.len() > field.len() && out.last() == Some(&0) {
        out.pop();
    }
    if out.len() > field.len() {
        return Err(format!(
            "the bext Description would be {} bytes with the new ISRC; the field holds {}",
            text(&out).len(),
            field.len()
        ));
    }
    out.resize(field.len(), 0);
    Ok(Some(out))
}

/// The parts of the Description a code write keeps: the text before,
/// between and after the `ISRC:` values, as ranges of the field.
pub(crate) fn kept_text(field: &[u8]) -> Vec<Range<usize>> {
    let entries = isrc_entries(field);
    let end = text(field).len();
    let mut out = Vec::with_capacity(entries.len() + 1);
    let mut at = 0;
    for r in entries {
        out.push(at..r.start);
        at = r.end;
    }
    out.push(at..end);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(field: &[u8]) -> Vec<&str> {
        isrc_entries(field)
            .into_iter()
            .map(|r| std::str::from_utf8(&field[r]).expect("ASCII"))
            .collect()
    }

    #[test]
    fn entries_are_found_by_their_label() {
        assert_eq!(
            values(b"ISRC:USRC17607839; ISWC:T-034.524.680-1\0\0\0"),
            ["USRC17607839"]
        );
        assert_eq!(
            values(b"ID:tape-17\r\nisrc: GBAYE2400119 \nISWC:T-034.524.680-1"),
            ["GBAYE2400119"]
        );
        assert_eq!(values(b"ISRC:A1;ISRC:B2"), ["A1", "B2"]);
        // A mention in prose, a label elsewhere in an entry, a blank label,
        // text after the first NUL: none of them is an entry.
        assert!(values(b"ISRC USRC17607839").is_empty());
        assert!(values(b"Remastered, ISRC:USRC17607839 pending").is_empty());
        assert!(values(b"ISRC:; ISWC:T-034.524.680-1").is_empty());
        assert!(values(b"master\0ISRC:USRC17607839").is_empty());
        assert!(values(b"").is_empty());
    }

    #[test]
    fn rewrite_keeps_the_rest_and_the_length() {
        let mut field = b"ISRC:USRC17607839; ISWC:T-034.524.680-1".to_vec();
        field.resize(256, 0);
        let new = rewrite(&field, "GBAYE2400118")
            .expect("fits")
            .expect("changed");
        assert_eq!(new.len(), 256);
        assert_eq!(text(&new), b"ISRC:GBAYE2400118; ISWC:T-034.524.680-1");
        assert_eq!(rewrite(&new, "GBAYE2400118"), Ok(None));
        // A shorter old value: the text grows into the padding.
        let new = rewrite(b"ISRC:bad;X\0\0\0\0\0\0\0\0\0\0\0\0", "GBAYE2400118")
            .expect("fits")
            .expect("changed");
        assert_eq!(new, b"ISRC:GBAYE2400118;X\0\0\0");
        // No room: an error, not a cut.
        assert!(rewrite(b"ISRC:bad;X", "GBAYE2400118").is_err());
    }

    #[test]
    fn kept_text_is_everything_but_the_values() {
        let field = b"A:1; ISRC:USRC17607839; B:2\0\0";
        let kept: Vec<&[u8]> = kept_text(field).into_iter().map(|r| &field[r]).collect();
        assert_eq!(kept, [&b"A:1; ISRC:"[..], b"; B:2"]);
        assert_eq!(
            kept_text(b"plain\0"),
            vec![std::ops::Range { start: 0, end: 5 }]
        );
    }
}
