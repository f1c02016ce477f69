//! Bounded random access to a file's metadata regions.
//!
//! Every reader goes through [`Source`]: each read names its offset and
//! length, both are checked against the file's length and against a per-read
//! ceiling before any buffer is allocated, so a lying size in a header
//! becomes an error, never an allocation (STYLE.md: one allocation guard).

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
        std::os::unix::fs::FileExt::read_exact_at(self, buf, offset)
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

/// The size of the windows small reads are served from: a file's metadata
/// is mostly a few headers near its head and tail, so two windows turn a
/// dozen small reads into one or two system calls (what `bench/headtail.c`
/// does, with the same 64 KiB).
pub const WINDOW: u64 = 64 * 1024;

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
        for (_, d, _) in self.windows.iter_mut().filter_map(Option::take) {
            POOL.with(|p| {
                let mut p = p.borrow_mut();
                if p.len() < 4 {
                    p.push(d);
                }
            });
        }
    }
}

/// A file (or byte slice) of known length, read region by region.
pub struct Source<'a> {
    inner: &'a mut dyn ReadAt,
    len: u64,
    /// Bytes actually read, for the tests and benchmarks that prove a scan
    /// does not read audio.
    pub bytes_read: u64,
    /// Up to two windows of the file: (start, buffer, bytes valid).
    windows: [Option<(u64, Vec<u8>, usize)>; 2],
    /// The window slot to replace next.
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
    fn serve_small(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<bool> {
        let len = buf.len() as u64;
        for (start, data, valid) in self.windows.iter().flatten() {
            if offset >= *start && offset + len <= start + *valid as u64 {
                let at = (offset - start) as usize;
                buf.copy_from_slice(&data[at..at + buf.len()]);
                return Ok(true);
            }
        }
        if !self.inner.windowed() || len > WINDOW / 2 {
            return Ok(false);
        }
        // The head window starts at 0; others at the page below the read.
        let start = if offset < WINDOW / 2 {
            0
        } else {
            offset & !4095
        };
        let end = (start + WINDOW).min(self.len);
        // A window buffer is always WINDOW long (zeroed once, when it is
        // first made) and reused across files: only `valid` bytes are read.
        let mut data = self.windows[self.next]
            .take()
            .map(|(_, d, _)| d)
            .unwrap_or_else(pooled);
        let valid = (end - start) as usize;
        self.inner.read_exact_at(start, &mut data[..valid])?;
        self.bytes_read += valid as u64;
        let at = (offset - start) as usize;
        buf.copy_from_slice(&data[at..at + buf.len()]);
        self.windows[self.next] = Some((start, data, valid));
        self.next = (self.next + 1) % 2;
        Ok(true)
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
    pub fn check(&self, what: &str, offset: u64, len: u64) -> Result<(), SourceError> {
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
    pub fn read(&mut self, what: &str, offset: u64, len: u64) -> Result<Vec<u8>, SourceError> {
        self.check(what, offset, len)?;
        if len > MAX_READ {
            return Err(SourceError::TooLarge {
                what: what.to_string(),
                offset,
                len,
                limit: MAX_READ,
            });
        }
        // Cannot truncate: len <= MAX_READ.
        let mut buf = vec![0u8; len as usize];
        self.fill(what, offset, &mut buf)?;
        Ok(buf)
    }

    /// Read up to `len` bytes at `offset`, fewer if the file ends first.
    pub fn read_upto(&mut self, what: &str, offset: u64, len: u64) -> Result<Vec<u8>, SourceError> {
        let avail = self.len.saturating_sub(offset).min(len);
        self.read(what, offset, avail)
    }

    /// Fill a fixed-size buffer (a header) at `offset`.
    pub fn fill(&mut self, what: &str, offset: u64, buf: &mut [u8]) -> Result<(), SourceError> {
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
        what: &str,
        offset: u64,
    ) -> Result<[u8; N], SourceError> {
        let mut buf = [0u8; N];
        self.fill(what, offset, &mut buf)?;
        Ok(buf)
    }
}
