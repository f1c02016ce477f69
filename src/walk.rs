//! The one walk every command uses (`inspect`, `audit`, `set DIR`,
//! `embed`): from the paths a user gave to the files to read, in one
//! order, leaving out the same things everywhere.
//!
//! - **Files named** on the command line are taken as given: a user who
//!   names a file wants that file, whatever a glob or a skip rule says.
//! - **Folders** are walked recursively. Left out, and counted in
//!   [`Skipped`]: the tool's own temp files ([`TEMP_PREFIX`]), the folders
//!   of version control systems ([`VCS_FOLDERS`]: an asset repository's
//!   `.git/lfs/objects` holds old masters that are not the delivery),
//!   macOS AppleDouble files (`._name`) and `.DS_Store`, and files the
//!   include/exclude globs drop. Other hidden files are walked: an audit
//!   that skipped `.hidden.wav` would pass a folder it never read.
//! - **Only regular files** are handed on. A symlink to a file is taken
//!   (by the link's path); a symlink to a folder is not followed (no loops,
//!   no walking out of the tree). A dangling symlink (an un-fetched
//!   git-annex file), a symlink loop, a FIFO, a socket or a device, walked
//!   or named, is an error with its reason ([`regular_file`]): opening a
//!   FIFO would block for ever, and a link to nothing is a missing master.
//! - **Order**: the byte order of the paths ([`path_order`]). A single
//!   folder is handed on as it is walked (each folder's entries sorted
//!   with `entry_order` make the walk's own order the byte order);
//!   several paths are collected, sorted and deduplicated first.

use globset::{GlobSet, GlobSetBuilder};
use std::io;
use std::path::{Path, PathBuf};

/// Names of the temp files a write makes beside the file it replaces
/// start with this; walks skip them, so a write killed half-way never
/// shows up as a master (or as a file to write into).
pub const TEMP_PREFIX: &str = ".isrckit-tmp-";

/// Folders of version control systems: never walked into.
pub const VCS_FOLDERS: &[&str] = &[".git", ".hg", ".svn", ".bzr", "_darcs", ".jj", "CVS"];

/// The order of paths in every output: by their bytes. (Cheaper than
/// `Path`'s component order, and the order a sorted file listing shows.)
pub fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let (a, b) = (
        crate::platform::path_bytes(a),
        crate::platform::path_bytes(b),
    );
    if cfg!(windows) {
        // `\` sorts as `/` does, so a folder's files come before the
        // names that extend its name (`a\x` before `a0`), as the walk
        // hands them on, and the order is the same on every system.
        let slash = |c: &u8| if *c == b'\\' { b'/' } else { *c };
        return a.iter().map(slash).cmp(b.iter().map(slash));
    }
    a.cmp(b)
}

/// Include/exclude globs, matched against a path relative to the walked
/// folder; a pattern without `/` matches the file name at any depth (as in
/// `.gitignore`).
#[derive(Debug, Clone)]
pub struct Matcher {
    by_name: GlobSet,
    by_path: GlobSet,
}

impl Matcher {
    /// Globs from patterns; an error names the bad pattern.
    pub fn new(patterns: &[String]) -> Result<Matcher, String> {
        let (mut name, mut path) = (GlobSetBuilder::new(), GlobSetBuilder::new());
        for p in patterns {
            let glob = globset::GlobBuilder::new(p.trim_start_matches("./"))
                .literal_separator(true)
                .build()
                .map_err(|e| format!("bad glob {p:?}: {e}"))?;
            if p.contains('/') {
                path.add(glob);
            } else {
                name.add(glob);
            }
        }
        let build = |b: GlobSetBuilder| b.build().map_err(|e| e.to_string());
        Ok(Matcher {
            by_name: build(name)?,
            by_path: build(path)?,
        })
    }

    /// Whether `relative` (a path under the walked folder) matches.
    pub fn is_match(&self, relative: &Path) -> bool {
        relative
            .file_name()
            .is_some_and(|n| self.by_name.is_match(n))
            || self.by_path.is_match(relative)
    }
}

/// Which walked files are wanted, beyond the fixed skip rules.
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    /// Only files matching these (none: every file).
    pub include: Option<&'a Matcher>,
    /// Not files matching these.
    pub exclude: Option<&'a Matcher>,
}

impl Filter<'_> {
    fn keeps(&self, path: &Path, root: &Path) -> bool {
        if self.include.is_none() && self.exclude.is_none() {
            return true;
        }
        let rel = path.strip_prefix(root).unwrap_or(path);
        self.include.is_none_or(|m| m.is_match(rel))
            && !self.exclude.is_some_and(|m| m.is_match(rel))
    }
}

/// What a walk left out, by reason (and, for the commands that read
/// first, what they then set aside as not audio).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Skipped {
    /// Walked files that are not audio and do not claim to be (a cover
    /// image, a PDF, a CSV): counted by the command that read them. A file
    /// named like audio (`.wav`) that is not audio is reported, not skipped.
    pub not_audio: u64,
    /// Temp files of isrckit's writes (a write in progress, or one killed).
    pub temp_files: u64,
    /// Version-control folders not walked into.
    pub vcs_folders: u64,
    /// macOS AppleDouble files (`._name`) and `.DS_Store`.
    pub system_files: u64,
    /// Files the include/exclude globs dropped.
    pub filtered: u64,
    /// The files of DDP images other than their DDPID (the map, the PQ
    /// and CD-TEXT streams, the audio stream, checksum lists): each image
    /// is read, and reported, as one, through its DDPID.
    pub image_files: u64,
}

impl Skipped {
    /// Add another walk's counts to these (shards merged into one run).
    pub(crate) fn add(&mut self, s: &Skipped) {
        self.not_audio += s.not_audio;
        self.temp_files += s.temp_files;
        self.vcs_folders += s.vcs_folders;
        self.system_files += s.system_files;
        self.filtered += s.filtered;
        self.image_files += s.image_files;
    }
}

/// The end of a walk: what could not be walked, and what was left out.
#[derive(Debug, Default)]
pub struct Walked {
    /// Paths that could not be read, with why.
    pub errors: Vec<(PathBuf, String)>,
    /// What was skipped.
    pub skipped: Skipped,
    /// The isrckit temp files met on the way (a write at work, or one that
    /// was killed): the commands report those whose writer is gone.
    pub temp_files: Vec<PathBuf>,
}

/// Whether a file's name promises audio (`.wav`, `.flac`, `.m4a`, …): a
/// file so named that is not audio is a problem to report, while a cover
/// image or a CSV beside the masters is skipped.
pub fn named_as_audio(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .and_then(crate::formats::container_for_extension)
        .is_some()
}

/// The DDPID of the DDP image `path` names: the folder holding the image,
/// or the DDPID itself. `None` when `path` is neither.
pub fn ddp_image(path: &Path) -> Option<PathBuf> {
    if path.is_dir() {
        return crate::formats::ddp::members(path).map(|(id, _)| id);
    }
    regular_file(path).ok()?;
    let dir = crate::write::safe::folder_of(path);
    let (id, _) = crate::formats::ddp::members(dir)?;
    let same = |a: &Path, b: &Path| {
        std::fs::canonicalize(a)
            .ok()
            .is_some_and(|a| std::fs::canonicalize(b).ok() == Some(a))
    };
    same(&id, path).then(|| path.to_path_buf())
}

/// Whether `path` (symlinks followed) is a regular file; otherwise why not,
/// in words for a report. Opening a FIFO blocks until a writer comes, so
/// every command asks this before it opens a file it was named.
pub fn regular_file(path: &Path) -> Result<std::fs::Metadata, String> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(m),
        Ok(m) if m.is_dir() => Err("is a folder, not a file".into()),
        Ok(m) => Err(format!(
            "{}: isrckit reads only regular files",
            crate::platform::special_kind(&m)
        )),
        Err(e) => {
            let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
            Err(match (link, e.kind()) {
                (true, std::io::ErrorKind::NotFound) => {
                    let to = std::fs::read_link(path)
                        .map(|t| format!(" (to {})", t.display()))
                        .unwrap_or_default();
                    format!(
                        "dangling symlink{to}: the file it names is not there (an un-fetched git-annex file? run `git annex get`)"
                    )
                }
                (true, _) if crate::platform::is_symlink_loop(&e) => {
                    "symlink loop: the link leads back to itself".into()
                }
                (_, std::io::ErrorKind::PermissionDenied) => {
                    format!("cannot read: {e} (a folder on the way is not readable)")
                }
                _ => format!("cannot read: {e}"),
            })
        }
    }
}

/// Walk `paths`, handing each file to `found` in [`path_order`]. An error
/// from `found` stops the walk and is returned.
pub fn walk(
    paths: &[PathBuf],
    filter: &Filter,
    found: &mut dyn FnMut(PathBuf) -> io::Result<()>,
) -> io::Result<Walked> {
    let mut done = Walked::default();
    let mut all = Vec::new();
    let stream = paths.len() == 1;
    let mut hand = |p: PathBuf| -> io::Result<()> {
        if stream {
            found(p)
        } else {
            all.push(p);
            Ok(())
        }
    };
    for root in paths {
        match regular_file(root) {
            Ok(_) => hand(root.clone())?,
            Err(_) if root.is_dir() => walk_folder(root, filter, &mut done, &mut hand)?,
            Err(why) => done.errors.push((root.clone(), why)),
        }
    }
    if !stream {
        all.sort_unstable_by(|a, b| path_order(a, b));
        all.dedup();
        for p in one_name_each(all) {
            found(p)?;
        }
    }
    Ok(done)
}

/// `paths` (sorted) without the later names of a file already named by
/// an earlier one spelled differently: `masters` and `./masters/a.wav`,
/// or, on a file system that ignores case or Unicode normalisation
/// (macOS, Windows), `01 Intro.wav` and `01 intro.wav`. Only paths whose
/// spelling folds to the same text are compared, and they are dropped
/// only when both resolve to the same real path and neither is a symlink
/// (a link is reported by its own name, as everywhere), so hard links
/// and names that are different files stay.
fn one_name_each(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    use std::collections::HashMap;
    use unicode_normalization::UnicodeNormalization;
    let fold = |p: &Path| -> String {
        let parts: Vec<String> = p
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .nfc()
                    .collect::<String>()
                    .to_lowercase()
            })
            .collect();
        parts.join("/")
    };
    let mut by_fold: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in paths.iter().enumerate() {
        by_fold.entry(fold(p)).or_default().push(i);
    }
    let mut drop = vec![false; paths.len()];
    for group in by_fold.values().filter(|g| g.len() > 1) {
        let real: Vec<Option<PathBuf>> = group
            .iter()
            .map(|&i| {
                let link =
                    std::fs::symlink_metadata(&paths[i]).is_ok_and(|m| m.file_type().is_symlink());
                (!link)
                    .then(|| crate::platform::canonicalize(&paths[i]).ok())
                    .flatten()
            })
            .collect();
        for (k, &i) in group.iter().enumerate() {
            if real[k].is_some() && real[..k].contains(&real[k]) {
                drop[i] = true;
            }
        }
    }
    paths
        .into_iter()
        .zip(drop)
        .filter_map(|(p, d)| (!d).then_some(p))
        .collect()
}

/// [`walk`], collecting the files.
pub fn collect(paths: &[PathBuf], filter: &Filter) -> (Vec<PathBuf>, Walked) {
    let mut files = Vec::new();
    let walked = walk(paths, filter, &mut |p| {
        files.push(p);
        Ok(())
    });
    // Only `found` can fail, and this one does not.
    (files, walked.unwrap_or_default())
}

fn walk_folder(
    root: &Path,
    filter: &Filter,
    done: &mut Walked,
    hand: &mut dyn FnMut(PathBuf) -> io::Result<()>,
) -> io::Result<()> {
    let mut vcs = 0u64;
    // Folders holding a DDP image: the image's other files, by name.
    let mut images: std::collections::HashMap<PathBuf, Option<Vec<String>>> =
        std::collections::HashMap::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by(entry_order)
        .into_iter()
        .filter_entry(|e| {
            let skip = e.depth() > 0
                && e.file_type().is_dir()
                && VCS_FOLDERS
                    .iter()
                    .any(|v| last_name(e.path()) == v.as_bytes());
            vcs += u64::from(skip);
            !skip
        });
    for entry in walker {
        match entry {
            Ok(e) => {
                let t = e.file_type();
                if t.is_dir() {
                    continue;
                }
                let name = last_name(e.path());
                if name.starts_with(TEMP_PREFIX.as_bytes()) {
                    done.skipped.temp_files += 1;
                    done.temp_files.push(e.into_path());
                    continue;
                }
                if name.starts_with(b"._") || name == b".DS_Store" {
                    done.skipped.system_files += 1;
                    continue;
                }
                if !filter.keeps(e.path(), root) {
                    done.skipped.filtered += 1;
                    continue;
                }
                if let Some(dir) = e.path().parent() {
                    let members = images.entry(dir.to_path_buf()).or_insert_with(|| {
                        crate::formats::ddp::members(dir).map(|(_, names)| names)
                    });
                    if let Some(m) = members
                        && e.file_name().to_str().is_some_and(|n| {
                            !n.eq_ignore_ascii_case("DDPID") && crate::formats::ddp::is_member(m, n)
                        })
                    {
                        done.skipped.image_files += 1;
                        continue;
                    }
                }
                if !t.is_file() {
                    // A symlink or a special file: only a link to a regular
                    // file is taken; a link to a folder is not followed.
                    match regular_file(e.path()) {
                        Ok(_) => {}
                        Err(_) if t.is_symlink() && e.path().is_dir() => continue,
                        Err(why) => {
                            done.errors.push((e.into_path(), why));
                            continue;
                        }
                    }
                }
                hand(e.into_path())?;
            }
            Err(e) => {
                let path = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.to_path_buf());
                done.errors.push((path, format!("cannot read: {e}")));
            }
        }
    }
    done.skipped.vcs_folders += vcs;
    Ok(())
}

/// The order a folder's entries are walked in: by name, a folder's name
/// taken with a `/` after it. That is the byte order of the paths below
/// ([`path_order`]): `a.x` (`.` is 0x2E) comes before everything in the
/// folder `a` (`a/`, 0x2F), and `a0` after it.
fn entry_order(a: &walkdir::DirEntry, b: &walkdir::DirEntry) -> std::cmp::Ordering {
    fn key(e: &walkdir::DirEntry) -> impl Iterator<Item = &u8> {
        let slash: &[u8] = if e.file_type().is_dir() { b"/" } else { b"" };
        last_name(e.path()).iter().chain(slash)
    }
    key(a).cmp(key(b))
}

/// The last name of a path the walk made (a folder's path joined with an
/// entry's name: it never ends in a separator), found without `Path`'s
/// component parsing, which the walk's sort would otherwise repeat for
/// every comparison.
fn last_name(path: &Path) -> &[u8] {
    let bytes = crate::platform::path_bytes(path);
    match bytes
        .iter()
        .rposition(|&b| crate::platform::is_separator(b))
    {
        Some(i) => &bytes[i + 1..],
        None => bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk's own order is the byte order of the paths, for names
    /// that sort around `/` (0x2F): space, `-`, `.` before it, `0` after.
    #[test]
    fn walk_order_is_the_byte_order_of_paths() {
        let dir = tempfile::tempdir().expect("temp dir");
        let names = [
            "a/x.wav",
            "a/b/y.wav",
            "a b/x.wav",
            "a-b/x.wav",
            "a.x",
            "a0",
            "a/b.wav",
            "a/b c/z.wav",
            "A/x.wav",
            "_/x.wav",
            "a/.hidden.wav",
        ];
        for n in names {
            let p = dir.path().join(n);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, b"not audio").expect("write");
        }
        let walked = |roots: &[PathBuf]| {
            let (files, walked) = collect(roots, &Filter::default());
            (files, walked.errors)
        };
        let (files, errors) = walked(&[dir.path().to_path_buf()]);
        assert!(errors.is_empty(), "{errors:?}");
        // Where the file system ignores case (Windows, macOS), `A/x.wav`
        // is `a/x.wav`.
        let one = dir.path().join("A").join("b.wav").exists();
        assert_eq!(files.len(), names.len() - usize::from(one));
        let mut sorted = files.clone();
        sorted.sort_by(|a, b| path_order(a, b));
        assert_eq!(files, sorted);
        // And several roots are merged into the same order, once each.
        let (twice, _) = walked(&[dir.path().join("a"), dir.path().to_path_buf()]);
        assert_eq!(twice, sorted);
    }

    #[test]
    fn temp_files_vcs_folders_and_appledouble_are_skipped_and_counted() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git/lfs/objects")).expect("mkdir");
        std::fs::write(root.join(".git/lfs/objects/old.wav"), b"x").expect("write");
        std::fs::write(root.join(format!("{TEMP_PREFIX}1-a.wav")), b"x").expect("write");
        std::fs::write(root.join("._a.wav"), b"x").expect("write");
        std::fs::write(root.join(".DS_Store"), b"x").expect("write");
        std::fs::write(root.join(".hidden.wav"), b"x").expect("write");
        std::fs::write(root.join("a.wav"), b"x").expect("write");
        let (files, walked) = collect(&[root.to_path_buf()], &Filter::default());
        let names: Vec<_> = files
            .iter()
            .map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        assert_eq!(
            names,
            [Some(".hidden.wav".to_string()), Some("a.wav".to_string())]
        );
        assert_eq!(
            walked.skipped,
            Skipped {
                temp_files: 1,
                vcs_folders: 1,
                system_files: 2,
                filtered: 0,
                not_audio: 0,
                image_files: 0
            }
        );
    }

    #[test]
    fn a_named_file_is_taken_whatever_the_filter() {
        let dir = tempfile::tempdir().expect("temp dir");
        let f = dir.path().join("a.mp3");
        std::fs::write(&f, b"x").expect("write");
        let exclude = Matcher::new(&["*.mp3".to_string()]).expect("glob");
        let filter = Filter {
            include: None,
            exclude: Some(&exclude),
        };
        let (files, _) = collect(std::slice::from_ref(&f), &filter);
        assert_eq!(files, std::slice::from_ref(&f));
        let (files, walked) = collect(&[dir.path().to_path_buf()], &filter);
        assert!(files.is_empty());
        assert_eq!(walked.skipped.filtered, 1);
    }
}
