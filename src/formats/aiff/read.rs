//! AIFF / AIFF-C: IFF chunks (big-endian), reading `ID3 `/`id3 ` chunks,
//! `NAME`, and `COMM`/`SSND` headers for the audio properties. Sound data
//! is never read.

use crate::formats::riff::{self, Endian, u16_at, u32_at};
use crate::formats::{Collector, FormatError, id3v2};
use crate::source::Source;

pub(crate) fn read(src: &mut Source, c: &mut Collector) -> Result<(), FormatError> {
    let h: [u8; 12] = src.header("FORM header", 0)?;
    c.format = Some(
        if &h[8..12] == b"AIFC" {
            "AIFF-C"
        } else {
            "AIFF"
        }
        .to_string(),
    );
    let form_len = u64::from(u32::from_be_bytes([h[4], h[5], h[6], h[7]])) + 8;
    let file_len = src.len();
    if form_len > file_len + 1 {
        c.damage(FormatError::damaged(format!(
            "the FORM header says the file is {form_len} bytes, but it is {file_len} bytes: truncated, or written by a tool that did not finish"
        )));
    }
    let end = form_len.min(file_len);
    let mut frames = None;
    let result = riff::walk(
        src,
        c,
        12,
        end,
        Endian::Big,
        &mut |_| None,
        &mut |src, c, ch| {
            match &ch.id {
                b"COMM" => {
                    let b = src.read_upto("COMM chunk", ch.body(), ch.size.min(18))?;
                    c.audio.channels = u16_at(&b, 0, Endian::Big);
                    frames = u32_at(&b, 2, Endian::Big);
                    if let Some(ext) = b.get(8..18) {
                        c.audio.sample_rate = extended_to_u32(ext);
                    }
                }
                b"SSND" => {
                    let off = ch.body() + 8;
                    let avail = src.len().saturating_sub(off).min(ch.size.saturating_sub(8));
                    c.audio.payload_offset = Some(off);
                    c.audio.payload_len = Some(avail);
                }
                b"ID3 " | b"id3 " => {
                    if let Err(e) = id3v2::read_tag(src, ch.body(), Some(&ch.name()), c) {
                        c.damage(e);
                    }
                }
                b"NAME" => {
                    let b = src.read_upto("NAME chunk", ch.body(), ch.size.min(1024))?;
                    c.title(&String::from_utf8_lossy(&b));
                }
                _ => {}
            }
            Ok(true)
        },
    );
    if let (Some(n), Some(rate)) = (frames, c.audio.sample_rate)
        && rate > 0
    {
        c.audio.duration_ms = Some(u64::from(n) * 1000 / u64::from(rate));
    }
    result
}

/// The 80-bit IEEE extended sample rate of a `COMM` chunk, as whole Hz.
fn extended_to_u32(b: &[u8]) -> Option<u32> {
    let exp = i32::from(u16::from_be_bytes([b.first()? & 0x7f, *b.get(1)?])) - 16383;
    let mant = u64::from_be_bytes(b.get(2..10)?.try_into().ok()?);
    if b[0] & 0x80 != 0 || !(0..=31).contains(&exp) {
        return None;
    }
    u32::try_from(mant >> (63 - exp)).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn extended_rates() {
        assert_eq!(
            super::extended_to_u32(&[0x40, 0x0E, 0xAC, 0x44, 0, 0, 0, 0, 0, 0]),
            Some(44100)
        );
        assert_eq!(
            super::extended_to_u32(&[0x40, 0x0B, 0xFA, 0, 0, 0, 0, 0, 0, 0]),
            Some(8000)
        );
    }
}
