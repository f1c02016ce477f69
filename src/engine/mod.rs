//! The batch engine: walk the paths given, read each file (in parallel),
//! one [`FileReport`] per file, in a deterministic order.

use crate::formats::{self, Collector};
use crate::model::{FileReport, FileStatus};
use crate::source::{ReadAt, Source};
use rayon::prelude::*;
use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Read one file's codes. Never panics and never fails: a file that cannot
/// be opened or read gets a report with `error` set.
///
/// ```no_run
/// let report = isrckit::read_file("master.wav");
/// for code in &report.codes {
///     println!("{} {} at {}", code.kind, code.raw, code.location.describe());
/// }
/// ```
pub fn read_file(path: impl AsRef<Path>) -> FileReport {
    read_file_counted(path).0
}

/// [`read_file`], also returning how many bytes of the file were read:
/// the measure behind "a scan reads metadata, not audio".
pub fn read_file_counted(path: impl AsRef<Path>) -> (FileReport, u64) {
    let path = path.as_ref();
    let mut report = empty_report(path);
    let folder = |mut report: FileReport| {
        report.error = Some("is a folder, not a file".into());
        report.status = FileStatus::NotAudio;
        report.container = None;
        report.notes.clear();
        report
    };
    let mut file = match File::open(path) {
        Ok(f) => f,
        // Windows does not open a folder as a file at all.
        Err(_) if cfg!(windows) && path.is_dir() => return (folder(report), 0),
        Err(e) => {
            report.error = Some(format!("cannot open: {e}"));
            report.status = FileStatus::Unreadable;
            return (report, 0);
        }
    };
    // The length by seeking to the end: a third of the cost of a stat,
    // which is only made when the file could not be read (to tell a
    // folder from damage).
    let is_dir = |file: &File| file.metadata().is_ok_and(|m| m.is_dir());
    let len = match (&file).seek(SeekFrom::End(0)) {
        Ok(len) => len,
        Err(_) if is_dir(&file) => return (folder(report), 0),
        Err(e) => {
            report.error = Some(format!("cannot read its size: {e}"));
            report.status = FileStatus::Unreadable;
            return (report, 0);
        }
    };
    let n = read_into(&mut report, &mut file, len, true);
    if report.error.is_some() && is_dir(&file) {
        return (folder(report), n);
    }
    (report, n)
}

/// Read codes from bytes in memory (for tests, fuzzing and callers that
/// already hold the file). `path` is only used in the report.
pub fn read_bytes(path: impl AsRef<Path>, bytes: &[u8]) -> FileReport {
    let mut report = empty_report(path.as_ref());
    let mut slice = bytes;
    read_into(&mut report, &mut slice, bytes.len() as u64, false);
    report
}

fn empty_report(path: &Path) -> FileReport {
    FileReport {
        path: path.to_path_buf(),
        status: FileStatus::Ok,
        container: None,
        format: None,
        codes: Vec::new(),
        title: None,
        error: None,
        notes: Vec::new(),
        audio: None,
        disc_tracks: Vec::new(),
    }
}

/// Read codes through any [`ReadAt`] (the writer reads a file with a
/// pending patch laid over it this way, before writing the patch).
pub(crate) fn read_reader(path: &Path, reader: &mut dyn ReadAt, len: u64) -> FileReport {
    let mut report = empty_report(path);
    read_into(&mut report, reader, len, true);
    report
}

/// Read codes through any [`ReadAt`] whose bytes are not a file on disk
/// (an object in a store, `crate::remote`): a DDP image's siblings are
/// then not opened.
pub(crate) fn read_object(
    path: &Path,
    reader: &mut dyn ReadAt,
    len: u64,
    siblings: &dyn formats::Siblings,
) -> FileReport {
    let mut report = empty_report(path);
    read_in(&mut report, reader, len, false, Some(siblings));
    report
}

/// Detect, read, fill the report; returns the bytes read. `on_disk`: the
/// bytes are the file at `report.path` (a DDP reader opens its siblings).
fn read_into(report: &mut FileReport, reader: &mut dyn ReadAt, len: u64, on_disk: bool) -> u64 {
    read_in(report, reader, len, on_disk, None)
}

/// [`read_into`], with the files beside when they are not on disk.
fn read_in(
    report: &mut FileReport,
    reader: &mut dyn ReadAt,
    len: u64,
    on_disk: bool,
    siblings: Option<&dyn formats::Siblings>,
) -> u64 {
    let mut src = Source::new(reader, len);
    let format = match formats::detect(&mut src) {
        Ok(f) => f,
        Err(why) => {
            report.error = Some(why.message);
            report.status = why.status;
            return src.bytes_read;
        }
    };
    let container = format.container();
    report.container = Some(container);
    let mut c = Collector::new(container);
    if let Some(ext) = report.path.extension().and_then(|e| e.to_str())
        && let Some(promised) = formats::container_for_extension(ext)
        && promised != container
    {
        c.note(format!(
            "named .{ext} but the content is {}: the type comes from the bytes",
            container.name().to_uppercase()
        ));
    }
    let ctx = formats::ReadContext {
        path: on_disk.then_some(report.path.as_path()),
        siblings,
    };
    let result = format.read_in(&ctx, &mut src, &mut c);
    if let Err(e) = result {
        c.errors.push(e.to_string());
    }
    report.format = c.format;
    report.codes = c.sites;
    report.title = c.title;
    report.notes = c.notes;
    report.audio = Some(c.audio);
    report.disc_tracks = c.disc_tracks;
    if !c.errors.is_empty() {
        report.error = Some(c.errors.join("; "));
        report.status = FileStatus::Damaged;
    }
    src.bytes_read
}

/// Read many files in parallel; the reports come back in the order given.
pub fn read_files(files: &[PathBuf]) -> Vec<FileReport> {
    files.par_iter().map(read_file).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_reported_as_one_not_as_damage() {
        let dir = tempfile::tempdir().expect("temp dir");
        let r = read_file(dir.path());
        assert_eq!(r.status, FileStatus::NotAudio);
        assert_eq!(r.error.as_deref(), Some("is a folder, not a file"));
        assert_eq!(r.container, None);
    }

    #[test]
    fn a_file_is_read_to_its_length() {
        let dir = tempfile::tempdir().expect("temp dir");
        let p = dir.path().join("x.wav");
        // 12 bytes of RIFF header and nothing else: truncated, named by length.
        std::fs::write(&p, b"RIFF\x24\x00\x00\x00WAVE").expect("write");
        let r = read_file(&p);
        assert_eq!(r.container, Some(crate::model::Container::Wav));
        assert_eq!(r.status, FileStatus::Damaged, "{:?}", r.error);
    }
}
