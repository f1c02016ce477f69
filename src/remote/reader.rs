//! One object, read as the readers read a file: each read the format
//! readers make through `Source` (`src/source.rs`) is served from a small
//! cache of ranges fetched by range request.
//!
//! The readers read a file as a few small headers near its head and its
//! tail (and, in between, only where a header points). Over object
//! storage a request costs a round trip whatever its size up to tens of
//! kilobytes, so each miss fetches a whole [`CHUNK`] around the read, and
//! the last few fetched ranges are kept ([`KEPT`]). A small object (up to
//! [`SMALL`]) is fetched in one request; a master's head and tail cost a
//! request each (a 2 GB WAV with its ID3 chunk at the end: two or three);
//! the audio in between is never fetched.

use crate::source::ReadAt;
use std::io;
use std::ops::Range;

/// What one fetch asks for at least: a round trip costs the same for one
/// byte or 64 KiB, and 64 KiB holds the head of nearly every master
/// (RIFF/AIFF/FLAC headers, an ID3v2 tag without a large picture) and its
/// tail (an ID3 chunk, ID3v1, an APE footer, a small `moov`).
pub const CHUNK: u64 = 64 * 1024;

/// Objects up to this size are fetched whole, in one range request: two
/// chunks would cost two round trips for as many bytes.
pub const SMALL: u64 = 2 * CHUNK;

/// Fetched ranges kept per object (the head, the tail, and a region a
/// header pointed to).
pub const KEPT: usize = 4;

/// Fetches a byte range of one object: a range request, or, in the
/// tests, a slice.
pub type Fetch<'a> = dyn FnMut(Range<u64>) -> io::Result<Vec<u8>> + 'a;

/// An object of known length read through a cache of fetched ranges.
pub struct RangeReader<'a> {
    fetch: Box<Fetch<'a>>,
    len: u64,
    /// Fetched ranges, the most recently used last.
    kept: Vec<(u64, Vec<u8>)>,
    /// Range requests made.
    pub requests: u64,
    /// Bytes fetched.
    pub fetched: u64,
}

impl<'a> RangeReader<'a> {
    /// An object of `len` bytes whose ranges `fetch` gets.
    pub fn new(len: u64, fetch: Box<Fetch<'a>>) -> Self {
        RangeReader {
            fetch,
            len,
            kept: Vec::with_capacity(KEPT),
            requests: 0,
            fetched: 0,
        }
    }

    /// The range fetched to serve a read of `want`: at least a chunk,
    /// from the object's start when the read is in its first chunk, up
    /// to its end when the read is in its last, the whole object when it
    /// is small.
    pub fn plan(&self, want: Range<u64>) -> Range<u64> {
        if self.len <= SMALL {
            return 0..self.len;
        }
        let start = if want.start < CHUNK {
            0
        } else if self.len - want.start <= CHUNK {
            // In the last chunk: the whole tail, so the walk back from
            // the end (ID3v1, APE footer, an ID3 chunk) is one request.
            (self.len - CHUNK).min(want.start)
        } else {
            // Aligned to 4 KiB below the read: a header read just before
            // (walking back to a chunk's start) is served too.
            want.start & !4095
        };
        let end = want.end.max(start + CHUNK).min(self.len);
        start..end
    }

    fn cached(&mut self, offset: u64, buf: &mut [u8]) -> bool {
        let end = offset + buf.len() as u64;
        let hit = self
            .kept
            .iter()
            .rposition(|(s, d)| offset >= *s && end <= *s + d.len() as u64);
        let Some(i) = hit else {
            return false;
        };
        let (s, d) = &self.kept[i];
        let at = (offset - s) as usize;
        buf.copy_from_slice(&d[at..at + buf.len()]);
        if i + 1 != self.kept.len() {
            let used = self.kept.remove(i);
            self.kept.push(used);
        }
        true
    }
}

impl ReadAt for RangeReader<'_> {
    fn read_exact_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let end = offset
            .checked_add(buf.len() as u64)
            .filter(|&e| e <= self.len)
            .ok_or(io::ErrorKind::UnexpectedEof)?;
        if buf.is_empty() || self.cached(offset, buf) {
            return Ok(());
        }
        let range = self.plan(offset..end);
        let data = (self.fetch)(range.clone())?;
        self.requests += 1;
        self.fetched += data.len() as u64;
        if data.len() as u64 != range.end - range.start {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "the store sent {} bytes for a range of {} (the object changed while it was read?)",
                    data.len(),
                    range.end - range.start
                ),
            ));
        }
        let at = (offset - range.start) as usize;
        buf.copy_from_slice(&data[at..at + buf.len()]);
        if self.kept.len() == KEPT {
            self.kept.remove(0);
        }
        self.kept.push((range.start, data));
        Ok(())
    }

    // Every read comes here; the cache above is the window (no second
    // copy through `Source`'s page windows, which are sized for a disk).
    fn windowed(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;
    use std::cell::RefCell;

    fn object(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 13 + i / 509) as u8).collect()
    }

    /// A reader over bytes in memory that records each range fetched.
    fn reader<'a>(bytes: &'a [u8], log: &'a RefCell<Vec<Range<u64>>>) -> RangeReader<'a> {
        RangeReader::new(
            bytes.len() as u64,
            Box::new(move |r: Range<u64>| {
                log.borrow_mut().push(r.clone());
                Ok(bytes[r.start as usize..r.end as usize].to_vec())
            }),
        )
    }

    #[test]
    fn a_small_object_costs_one_request() {
        let bytes = object(100_000);
        let log = RefCell::new(Vec::new());
        let mut r = reader(&bytes, &log);
        let mut src = Source::new(&mut r, bytes.len() as u64);
        for at in [0u64, 12, 36, 5000, 99_000] {
            let h: [u8; 8] = src.header("h", at).expect("read");
            assert_eq!(&h[..], &bytes[at as usize..at as usize + 8]);
        }
        drop(src);
        assert_eq!(log.borrow().len(), 1);
        assert_eq!(log.borrow()[0], 0..100_000);
    }

    #[test]
    fn a_long_wav_costs_its_head_and_its_tail() {
        // A 2 GB WAV with its ID3 chunk at the end, walked as the RIFF
        // walker walks it: headers at the head, a jump over `data`, the
        // tag at the tail. Only its head and its tail are fetched.
        let len: u64 = 2_000_000_000;
        let log = RefCell::new(Vec::new());
        let mut r = RangeReader::new(
            len,
            Box::new(|r: Range<u64>| {
                log.borrow_mut().push(r.clone());
                Ok(vec![0; (r.end - r.start) as usize])
            }),
        );
        let mut src = Source::new(&mut r, len);
        for at in [0u64, 12, 36, 44] {
            let _: [u8; 8] = src.header("head", at).expect("head");
        }
        let tag = len - 3000;
        let _: [u8; 8] = src.header("id3 chunk", tag).expect("tail");
        let _ = src.read("id3 body", tag + 8, 2900).expect("body");
        drop(src);
        assert_eq!(r.requests, 2, "{:?}", log.borrow());
        assert_eq!(r.fetched, 2 * CHUNK);
    }

    #[test]
    fn a_read_past_the_end_is_an_error_without_a_request() {
        let bytes = object(300_000);
        let log = RefCell::new(Vec::new());
        let mut r = reader(&bytes, &log);
        let mut buf = [0u8; 8];
        assert!(r.read_exact_at(299_995, &mut buf).is_err());
        assert!(log.borrow().is_empty());
    }

    #[test]
    fn reads_anywhere_return_the_objects_bytes() {
        let bytes = object(1_000_000);
        let log = RefCell::new(Vec::new());
        let mut r = reader(&bytes, &log);
        // Reads all over, large and small, some repeated.
        let reads = [
            (0u64, 64usize),
            (70_000, 8),
            (999_990, 10),
            (500_000, 200_000),
            (70_004, 4),
            (0, 12),
            (934_464, 1000),
        ];
        for (at, n) in reads {
            let mut buf = vec![0u8; n];
            r.read_exact_at(at, &mut buf).expect("read");
            assert_eq!(&buf[..], &bytes[at as usize..at as usize + n], "at {at}");
        }
        // The repeated reads were served from the kept ranges.
        assert!(r.requests <= 5, "{:?}", log.borrow());
    }
}
