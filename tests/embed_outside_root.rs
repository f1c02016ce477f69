//! `isrckit embed` never writes a file whose real path is outside ROOT
//! (issue 9, item 2): a symlinked file or folder inside ROOT that leads
//! out is a manifest problem, found before anything is written.
#![cfg(unix)]

mod common;

use assert_cmd::Command;
use std::os::unix::fs::symlink;
use std::path::Path;

fn isrckit() -> Command {
    Command::cargo_bin("isrckit").expect("binary")
}

fn wav(path: &Path) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::copy(common::testdata().join("wav/no_tags.wav"), path).expect("copy");
}

fn isrcs(path: &Path) -> Vec<String> {
    isrckit::read_file(path)
        .distinct(isrckit::CodeKind::Isrc)
        .into_iter()
        .map(String::from)
        .collect()
}

/// ROOT holds `link.wav` (a symlink to a file outside), `linked/` (a
/// symlink to a folder outside) and `album/01 Link.wav` (a symlinked file
/// the walk finds); each row leading out is reported, with the real path,
/// and nothing is written, not even the file inside ROOT. Before: exit 0,
/// and the files outside were rewritten.
#[test]
fn symlinks_out_of_root_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let (root, outside) = (dir.path().join("root"), dir.path().join("outside"));
    wav(&root.join("inside.wav"));
    wav(&outside.join("secret.wav"));
    wav(&outside.join("folder/02 Other.wav"));
    std::fs::create_dir_all(root.join("album")).expect("mkdir");
    symlink(outside.join("secret.wav"), root.join("link.wav")).expect("symlink");
    symlink(outside.join("folder"), root.join("linked")).expect("symlink");
    symlink(outside.join("secret.wav"), root.join("album/01 Link.wav")).expect("symlink");
    let read = |p: &Path| std::fs::read(p).expect("read");
    let before = [
        read(&root.join("inside.wav")),
        read(&outside.join("secret.wav")),
        read(&outside.join("folder/02 Other.wav")),
    ];
    std::fs::write(
        dir.path().join("codes.csv"),
        "path,release,track,isrc\n\
         inside.wav,,,USRC12600001\n\
         link.wav,,,USRC12600002\n\
         linked/02 Other.wav,,,USRC12600003\n\
         ,album,1,USRC12600004\n",
    )
    .expect("write");
    let out = isrckit()
        .args(["embed", "--manifest"])
        .arg(dir.path().join("codes.csv"))
        .arg(&root)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    let real = |p: &Path| {
        std::fs::canonicalize(p)
            .expect("canonical")
            .display()
            .to_string()
    };
    for (line, shown, what, target) in [
        (
            3,
            "link.wav",
            "is a symlink to a file outside ROOT",
            outside.join("secret.wav"),
        ),
        (
            4,
            "linked/02 Other.wav",
            "is reached through a symlinked folder and lies outside ROOT",
            outside.join("folder/02 Other.wav"),
        ),
        (
            5,
            "album/01 Link.wav",
            "is a symlink to a file outside ROOT",
            outside.join("secret.wav"),
        ),
    ] {
        let want = format!(
            "line {line}: file \"{shown}\" {what} (\"{}\")",
            real(&target)
        );
        assert!(err.contains(&want), "{want}\n{err}");
    }
    assert!(err.contains("the manifest has 3 problems"), "{err}");
    let after = [
        read(&root.join("inside.wav")),
        read(&outside.join("secret.wav")),
        read(&outside.join("folder/02 Other.wav")),
    ];
    assert!(before == after, "a file was written");
}

/// A ROOT reached through a symlink (as `/tmp` is on macOS) is still
/// ROOT: its files are written.
#[test]
fn a_root_given_through_a_symlink_is_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("root");
    wav(&root.join("album/01 A.wav"));
    symlink(&root, dir.path().join("alias")).expect("symlink");
    std::fs::write(
        dir.path().join("codes.csv"),
        "release,track,isrc\nalbum,1,USRC12600001\n",
    )
    .expect("write");
    let out = isrckit()
        .args(["embed", "--manifest"])
        .arg(dir.path().join("codes.csv"))
        .arg(dir.path().join("alias"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(isrcs(&root.join("album/01 A.wav")), ["USRC12600001"]);
}
