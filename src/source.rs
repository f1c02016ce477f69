//! Bounded random access to a file's metadata regions.
//!
//! Every reader goes through [`Source`]: each read names its offset and
//! length, both are checked against the file's length and against a per-read
//! ceiling before any buffer is allocated, so a lying size in a header
//! becomes an error, never an allocation (one allocation guard for every reader).
//! Each read also names what it reads (`"fmt chunk"`, or `format_args!`
//! for a composed name), formatted only into the error when it fails.

use std::fmt::Display;
use std::fs::File;
use std::io;

/// The most a single metadata read may allocate. Tags larger than this
/// (a 64 MiB embedded picture, say) are skipped, never loaded: no code
/// lives in them.
pub const MAX_READ: u64 = 16 * 1024 * 1024;

/// Why a read of a region failed.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The region runs past the end of the file.
    #[error(
        "{what} at byte {offset} claims {len} bytes but the file ends at byte {file_len} (truncated or damaged)"
    )]
    PastEnd {
        /// What was being read.
        what: String,
        /// Where it starts.
        offset: u64,
        /// How long the header says it is.
        len: u64,
        /// The file's length.
        file_len: u64,
    },
    /// The region is larger than any metadata region should be.
    #[error(
        "{what} at byte {offset} claims {len} bytes, more than the {limit}-byte limit for metadata; not read"
    )]
    TooLarge {
        /// What was being read.
        what: String,
        /// Where it starts.
        offset: u64,
        /// How long the header says it is.
        len: u64,
        /// The limit.
        limit: u64,
    },
    /// The operating system refused the read.
    #[error("reading {what} at byte {offset}: {source}")]
    Io {
        /// What was being read.
        what: String,
        /// Where.
        offset: u64,
        /// The error.
        source: io::Error,
    },
}

/// Something readers can read from: a file, or bytes in memory (tests, fuzzing).
pub trait ReadAt {
    /// Fill `buf` from `offset`; fails if fewer bytes are available.
    fn read_exact_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()>;

    /// Whether each read costs a system call, so small reads are better
    /// served from a window read once.
    fn windowed(&self) -> bool {
        false
    }
}

impl ReadAt for File {
    fn read_exact_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        // One pread per read: no seek, and no file position to keep.
        crate::platform::read_exact_at(self, buf, offset)
    }

    fn windowed(&self) -> bool {
        true
    }
}

impl ReadAt for &[u8] {
    fn read_exact_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let start = usize::try_from(offset).map_err(|_| io::ErrorKind::UnexpectedEof)?;
        let end = start
            .checked_add(buf.len())
            .filter(|&e| e <= self.len())
            .ok_or(io::ErrorKind::UnexpectedEof)?;
        buf.copy_from_slice(&self[start..end]);
        Ok(())
    }
}

/// The largest window small reads are served from. A file's metadata is
/// mostly a few headers near its head and tail; windows turn a dozen small
/// reads there into one or two system calls.
pub const WINDOW: u64 = 64 * 1024;

/// The first window read at a place: one page. Most files need no more at
/// the head (RIFF/AIFF/FLAC headers, an ID3v2 tag without a picture) and at
/// the tail (an ID3 chunk, ID3v1, an APE footer), and reading a page costs
/// the kernel a third of what copying 64 KiB does (`bench/README.md`).
const FIRST: u64 = 4096;

/// The page size windows are aligned to.
const PAGE: u64 = 4096;

thread_local! {
    /// Window buffers kept between files: reading thousands of files then
    /// neither allocates nor zeroes a window per file.
    static POOL: std::cell::RefCell<Vec<Vec<u8>>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn pooled() -> Vec<u8> {
    POOL.with(|p| p.borrow_mut().pop())
        .unwrap_or_else(|| vec![0; WINDOW as usize])
}

impl Drop for Source<'_> {
    fn drop(&mut self) {
        for w in self.windows.iter_mut().filter_map(Option::take) {
            POOL.with(|p| {
                let mut p = p.borrow_mut();
                if p.len() < 4 {
                    p.push(w.data);
                }
            });
        }
    }
}

/// A window: `valid` bytes of the file from `start`, in a buffer of
/// [`WINDOW`] bytes; `size` is what was asked for (more than `valid` when
/// the file ended first), and sets the size of the next window if reading
/// runs on past this one.
struct Window {
    start: u64,
    data: Vec<u8>,
    valid: usize,
    size: u64,
}

impl Window {
    fn end(&self) -> u64 {
        self.start + self.valid as u64
    }
}

/// A file (or byte slice) of known length, read region by region.
pub struct Source<'a> {
    inner: &'a mut dyn ReadAt,
    len: u64,
    /// Bytes actually read, for the tests and benchmarks that prove a scan
    /// does not read audio.
    pub bytes_read: u64,
    /// Up to two windows of the file (typically its head and its tail).
    windows: [Option<Window>; 2],
    /// The window slot to replace next: the one used least recently.
    next: usize,
}

impl<'a> Source<'a> {
    /// Wrap a reader whose total length is `len`.
    pub fn new(inner: &'a mut dyn ReadAt, len: u64) -> Self {
        Source {
            inner,
            len,
            bytes_read: 0,
            windows: [None, None],
            next: 0,
        }
    }

    /// Serve `buf` from a window, loading one when the read is small.
    /// Returns false when the read should go straight to the file.
    ///
    /// A window starts as one page ([`FIRST`]); a read that runs on past a
    /// window (walking a run of atom or block headers) replaces it with one
    /// twice as large, up to [`WINDOW`], like the kernel's readahead. So a
    /// small file costs two page-sized reads, and a long run of headers a
    /// few reads, never one per header.
    fn serve_small(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<bool> {
        Ok(match self.window_for(offset, buf.len())? {
            Some(bytes) => {
                buf.copy_from_slice(bytes);
                true
            }
            None => false,
        })
    }

    /// The `len` bytes at `offset` in a window, loading one when the read
    /// is small (see [`Source::serve_small`]); `None` when the read should
    /// go straight to the file.
    fn window_for(&mut self, offset: u64, n: usize) -> io::Result<Option<&[u8]>> {
        let len = n as u64;
        let hit = self.windows.iter().position(|w| {
            w.as_ref()
                .is_some_and(|w| offset >= w.start && offset + len <= w.end())
        });
        if let Some(i) = hit {
            self.next = 1 - i;
            return Ok(self.windows[i].as_ref().map(|w| {
                let at = (offset - w.start) as usize;
                &w.data[at..at + n]
            }));
        }
        if !self.inner.windowed() || len > WINDOW / 2 {
            return Ok(None);
        }
        // Reading on from a window (inside it, or within a page past its
        // end) grows it; anything else starts a page-sized window, at 0
        // when the read is in the first page.
        let run_on = self.windows.iter().position(|w| {
            w.as_ref()
                .is_some_and(|w| offset >= w.start && offset <= w.end() + PAGE)
        });
        let (slot, size) = match run_on {
            Some(i) => {
                let grown = self.windows[i].as_ref().map_or(FIRST, |w| w.size * 2);
                (i, grown.min(WINDOW))
            }
            None => (self.next, FIRST),
        };
        let start = if offset < FIRST {
            0
        } else {
            offset & !(PAGE - 1)
        };
        // At least the read itself; a window that would end within a page
        // of the file's end takes the rest of the file.
        let mut end = (start + size).max((offset + len).next_multiple_of(PAGE));
        if end + PAGE >= self.len {
            end = self.len;
        }
        let end = end.min(self.len).min(start + WINDOW);
        let mut data = self.windows[slot]
            .take()
            .map(|w| w.data)
            .unwrap_or_else(pooled);
        let valid = (end - start) as usize;
        self.inner.read_exact_at(start, &mut data[..valid])?;
        self.bytes_read += valid as u64;
        self.next = 1 - slot;
        let at = (offset - start) as usize;
        let w = self.windows[slot].insert(Window {
            start,
            data,
            valid,
            size,
        });
        Ok(Some(&w.data[at..at + n]))
    }

    /// The length of the whole file.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Check that `len` bytes at `offset` lie inside the file.
    pub fn check(
        &self,
        what: impl Display + Copy,
        offset: u64,
        len: u64,
    ) -> Result<(), SourceError> {
        match offset.checked_add(len) {
            Some(end) if end <= self.len => Ok(()),
            _ => Err(SourceError::PastEnd {
                what: what.to_string(),
                offset,
                len,
                file_len: self.len,
            }),
        }
    }

    /// Read `len` bytes at `offset`, checked against the file's end and [`MAX_READ`].
    pub fn read(
        &mut self,
        what: impl Display + Copy,
        offset: u64,
        len: u64,
    ) -> Result<Vec<u8>, SourceError> {
        self.check(what, offset, len)?;
        if len > MAX_READ {
            return Err(SourceError::TooLarge {
                what: what.to_string(),
                offset,
                len,
                limit: MAX_READ,
            });
        }
        let io_err = |source| SourceError::Io {
            what: what.to_string(),
            offset,
            source,
        };
        // Cannot truncate: len <= MAX_READ. Copied out of a window when it
        // is in one (no zeroed buffer first), else read straight.
        if let Some(bytes) = self.window_for(offset, len as usize).map_err(io_err)? {
            return Ok(bytes.to_vec());
        }
        let mut buf = vec![0u8; len as usize];
        self.inner.read_exact_at(offset, &mut buf).map_err(io_err)?;
        self.bytes_read += len;
        Ok(buf)
    }

    /// Read up to `len` bytes at `offset`, fewer if the file ends first.
    pub fn read_upto(
        &mut self,
        what: impl Display + Copy,
        offset: u64,
        len: u64,
    ) -> Result<Vec<u8>, SourceError> {
        let avail = self.len.saturating_sub(offset).min(len);
        self.read(what, offset, avail)
    }

    /// Fill a fixed-size buffer (a header) at `offset`.
    pub fn fill(
        &mut self,
        what: impl Display + Copy,
        offset: u64,
        buf: &mut [u8],
    ) -> Result<(), SourceError> {
        self.check(what, offset, buf.len() as u64)?;
        let io_err = |source| SourceError::Io {
            what: what.to_string(),
            offset,
            source,
        };
        if self.serve_small(offset, buf).map_err(io_err)? {
            return Ok(());
        }
        self.inner.read_exact_at(offset, buf).map_err(io_err)?;
        self.bytes_read += buf.len() as u64;
        Ok(())
    }

    /// Read a fixed-size header at `offset`.
    pub fn header<const N: usize>(
        &mut self,
        what: impl Display + Copy,
        offset: u64,
    ) -> Result<[u8; N], SourceError> {
        let mut buf = [0u8; N];
        self.fill(what, offset, &mut buf)?;
        Ok(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Bytes in memory that say they cost a system call per read, so the
    /// windows are used as they are for a file; counts the reads.
    struct Windowed<'a> {
        bytes: &'a [u8],
        reads: usize,
    }

    impl ReadAt for Windowed<'_> {
        fn read_exact_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
            self.reads += 1;
            let mut slice = self.bytes;
            slice.read_exact_at(offset, buf)
        }

        fn windowed(&self) -> bool {
            true
        }
    }

    fn file(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
    }

    #[test]
    fn a_small_file_costs_a_page_at_each_end() {
        let bytes = file(40_000);
        let mut r = Windowed {
            bytes: &bytes,
            reads: 0,
        };
        let mut src = Source::new(&mut r, bytes.len() as u64);
        // A RIFF-like walk: headers at the head, then at the tail.
        for at in [0u64, 12, 36, 44, 3000] {
            let h: [u8; 8] = src.header("head", at).expect("head");
            assert_eq!(&h[..], &bytes[at as usize..at as usize + 8]);
        }
        for at in [38_000u64, 38_010, 39_990] {
            let h: [u8; 8] = src.header("tail", at).expect("tail");
            assert_eq!(&h[..], &bytes[at as usize..at as usize + 8]);
        }
        let body = src.read("tail body", 38_100, 1_500).expect("body");
        assert_eq!(body, &bytes[38_100..39_600]);
        drop(src);
        assert_eq!(r.reads, 2, "one page-sized read at each end");
    }

    #[test]
    fn a_run_of_headers_grows_its_window() {
        let bytes = file(300_000);
        let mut r = Windowed {
            bytes: &bytes,
            reads: 0,
        };
        let mut src = Source::new(&mut r, bytes.len() as u64);
        // 100 KiB of 8-byte headers read one after another (an MP4 moov).
        let mut at = 0u64;
        while at < 100 * 1024 {
            let h: [u8; 8] = src.header("atom", at).expect("atom");
            assert_eq!(&h[..], &bytes[at as usize..at as usize + 8]);
            at += 8;
        }
        drop(src);
        // 4 + 8 + 16 + 32 + 64 + 64 KiB: six reads, not one per page.
        assert!(r.reads <= 7, "{} reads", r.reads);
    }

    proptest! {
        /// Whatever the reads, what comes back is the file's bytes, and a
        /// read past the end is an error, never a short or wrong buffer.
        #[test]
        fn windows_return_the_bytes_of_the_file(
            len in 0usize..200_000,
            reads in proptest::collection::vec((0u64..210_000, 0u64..40_000, 0u8..3), 1..40),
        ) {
            let bytes = file(len);
            let mut r = Windowed { bytes: &bytes, reads: 0 };
            let mut src = Source::new(&mut r, len as u64);
            for (offset, n, how) in reads {
                let want = offset
                    .checked_add(n)
                    .filter(|&end| end <= len as u64)
                    .map(|end| &bytes[offset as usize..end as usize]);
                match how {
                    0 => {
                        let n = n.min(64) as usize;
                        let mut buf = vec![0u8; n];
                        let got = src.fill("fill", offset, &mut buf);
                        let want = (offset as usize + n <= len).then(|| &bytes[offset as usize..offset as usize + n]);
                        match want {
                            Some(w) => { prop_assert!(got.is_ok()); prop_assert_eq!(&buf[..], w); }
                            None => prop_assert!(got.is_err()),
                        }
                    }
                    1 => match (src.read("read", offset, n), want) {
                        (Ok(got), Some(w)) => prop_assert_eq!(&got[..], w),
                        (Err(_), None) => {}
                        (got, want) => prop_assert!(false, "read {offset}+{n}: {:?} vs {:?}", got.map(|g| g.len()), want.map(<[u8]>::len)),
                    },
                    _ => {
                        // Up to n bytes; a start past the end is an error.
                        let got = src.read_upto("upto", offset, n);
                        if offset > len as u64 {
                            prop_assert!(got.is_err());
                        } else {
                            let end = offset.saturating_add(n).min(len as u64);
                            prop_assert_eq!(got.expect("read_upto"), &bytes[offset as usize..end as usize]);
                        }
                    }
                }
            }
        }
    }
}
