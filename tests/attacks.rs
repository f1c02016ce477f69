//! Writes under attack, through the binary: another user who can write
//! the folder races the temp file, takes over a root-owned file, or
//! names one file several ways; root rewriting another user's file keeps
//! what makes it theirs. These run as root (CI does) and use `setpriv`
//! for the other user (nobody, 65534); elsewhere they are skipped with a
//! reason, and under CI they fail instead.
//!
//! `ISRCKIT_TEST_BIN` runs them against another build of the binary
//! (that is how they were seen to fail before the fix).

// Unix only: other users, owners, mode bits, ACLs, symlinks.
#![cfg(unix)]

mod common;

use common::{bin, hooks, require, testdata};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const NOBODY: u32 = 65534;

fn isrckit() -> Command {
    Command::new(bin())
}

/// Whether this runs as root; otherwise skipped (failed under CI).
fn root() -> bool {
    let ok = rustix::process::geteuid().is_root();
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs the tests as root"
        );
        eprintln!("SKIPPED: needs root (to chown files and act as another user)");
    }
    ok
}

/// A command run as nobody (`setpriv`), if it can be.
fn as_nobody(program: &Path) -> Command {
    let mut c = Command::new("setpriv");
    c.args([
        format!("--reuid={NOBODY}"),
        format!("--regid={NOBODY}"),
        "--clear-groups".into(),
    ])
    .arg(program);
    c
}

fn chown(path: &Path, uid: u32, gid: u32) {
    std::os::unix::fs::chown(path, Some(uid), Some(gid)).expect("chown");
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A folder others can reach (tempdir makes 0700 ones), holding `folder`
/// owned by nobody.
fn user_folder() -> (tempfile::TempDir, PathBuf) {
    let base = tempfile::tempdir().expect("tmp");
    chmod(base.path(), 0o755);
    let dir = base.path().join("folder");
    std::fs::create_dir(&dir).expect("mkdir");
    chown(&dir, NOBODY, NOBODY);
    (base, dir)
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn isrcs(path: &Path) -> Vec<String> {
    isrckit::read_file(path)
        .distinct(isrckit::CodeKind::Isrc)
        .into_iter()
        .map(String::from)
        .collect()
}

fn temps(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .expect("ls")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".isrckit-tmp-"))
        })
        .collect()
}

/// A WAV of `mb` MiB (real header, varied audio bytes).
fn big_wav(path: &Path, mb: usize) {
    let data_len = mb << 20;
    let mut v = Vec::with_capacity(data_len + 200);
    v.extend_from_slice(b"RIFF\0\0\0\0WAVEfmt ");
    v.extend_from_slice(&16u32.to_le_bytes());
    v.extend_from_slice(&[1, 0, 2, 0]);
    v.extend_from_slice(&44_100u32.to_le_bytes());
    v.extend_from_slice(&(44_100u32 * 4).to_le_bytes());
    v.extend_from_slice(&[4, 0, 16, 0]);
    v.extend_from_slice(b"data");
    v.extend_from_slice(&(data_len as u32).to_le_bytes());
    v.extend((0..data_len).map(|i| (i * 7 % 251) as u8));
    let total = (v.len() - 8) as u32;
    v[4..8].copy_from_slice(&total.to_le_bytes());
    std::fs::write(path, v).expect("write big wav");
}

/// The attacker of the test below, run as nobody (this test binary run
/// again under `setpriv`, with `ISRCKIT_ATTACK_DIR` set; without it this
/// does nothing). It watches the folder for isrckit's temp names, moves
/// each file away to keep it, and puts a symlink to the secret in its
/// place; when `stop` appears it reports how many bytes of the kept
/// copies it could read.
#[test]
fn attacker() {
    let (Some(dir), Some(secret)) = (
        std::env::var_os("ISRCKIT_ATTACK_DIR"),
        std::env::var_os("ISRCKIT_ATTACK_SECRET"),
    ) else {
        return;
    };
    let dir = PathBuf::from(dir);
    std::fs::write(dir.join("ready"), b"").expect("ready");
    let (mut kept, mut swaps) = (Vec::new(), 0u32);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !dir.join("stop").exists() && std::time::Instant::now() < deadline {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let temp = e.file_name().to_string_lossy().starts_with(".isrckit-tmp-");
            if !temp || e.file_type().is_ok_and(|t| t.is_symlink()) {
                continue;
            }
            let to = dir.join(format!("kept-{}", kept.len()));
            if std::fs::rename(e.path(), &to).is_ok() {
                kept.push(to);
                if std::os::unix::fs::symlink(&secret, e.path()).is_ok() {
                    swaps += 1;
                }
            }
        }
    }
    let readable: u64 = kept
        .iter()
        .filter_map(|k| std::fs::read(k).ok())
        .map(|b| b.len() as u64)
        .sum();
    println!(
        "ATTACK kept={} swaps={swaps} readable={readable}",
        kept.len()
    );
}

/// One attack: root writes a 48 MiB master (mode 0640, so nobody may not
/// read it) in a folder nobody owns, while nobody runs [`attacker`].
/// `env` drives the writer's test hooks. Returns the attacker's report.
fn attack(env: &[(&str, &str)]) -> String {
    const CODE: &str = "FRZ032400416";
    const SECRET: &[u8] = b"TOPSECRET: the key to everything";
    let (base, dir) = user_folder();
    let secret = base.path().join("secret");
    std::fs::write(&secret, SECRET).expect("secret");
    chmod(&secret, 0o600);
    let master = dir.join("master.wav");
    big_wav(&master, 48);
    chmod(&master, 0o640);
    let old = std::fs::read(&master).expect("read");

    let me = std::env::current_exe().expect("test binary");
    let attacker = as_nobody(&me)
        .args(["attacker", "--exact", "--nocapture", "--test-threads=1"])
        .env("ISRCKIT_ATTACK_DIR", &dir)
        .env("ISRCKIT_ATTACK_SECRET", &secret)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run the attacker");
    let started = std::time::Instant::now();
    while !dir.join("ready").exists() {
        assert!(
            started.elapsed().as_secs() < 20,
            "the attacker did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let mut cmd = isrckit();
    cmd.args(["set", "--isrc", CODE]).arg(&master);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run isrckit");
    std::fs::write(dir.join("stop"), b"").expect("stop");
    let report = attacker.wait_with_output().expect("attacker ends");
    let report = String::from_utf8_lossy(&report.stdout)
        .lines()
        .find_map(|l| l.find("ATTACK ").map(|i| l[i..].to_string()))
        .unwrap_or_else(|| "ATTACK (no report)".into());
    let said = text(&out);
    let case = format!("{env:?}: {report}\n{said}");

    // The secret: the same bytes, still 0600, never quoted.
    assert_eq!(std::fs::read(&secret).expect("secret"), SECRET, "{case}");
    let meta = std::fs::metadata(&secret).expect("secret");
    assert_eq!(
        meta.mode() & 0o7777,
        0o600,
        "secret chmod-ed through the link: {case}"
    );
    assert!(!said.contains("TOPS"), "the secret is quoted: {case}");
    // The attacker could read no byte of any copy it kept.
    assert!(report.contains("readable=0"), "{case}");
    // The master: a root-owned 0640 regular file, old or new, and the
    // report says which.
    let m = std::fs::symlink_metadata(&master).expect("master");
    if !m.file_type().is_file() {
        // The attacker owns the folder and may rename anything in it: in a
        // rare interleaving it moves the master itself away while the
        // names are exchanged. isrckit must then fail and say so (not
        // claim the names were put back), and the master's bytes must be
        // whole under another name, unread by the attacker (above).
        assert!(!out.status.success(), "{case}");
        assert!(said.contains("moved this file away"), "{case}");
        let whole = std::fs::read_dir(&dir)
            .expect("folder")
            .flatten()
            .any(|e| std::fs::read(e.path()).is_ok_and(|b| b == old));
        assert!(whole, "the master's bytes are gone: {case}");
        return format!("{report}; isrckit: {}", said.trim());
    }
    assert_eq!((m.uid(), m.mode() & 0o7777), (0, 0o640), "{case}");
    let now = std::fs::read(&master).expect("read");
    if out.status.success() {
        assert_eq!(isrcs(&master), [CODE], "{case}");
        let r = isrckit::read_file(&master);
        let a = r.audio.expect("audio");
        let (o, l) = (
            a.payload_offset.expect("offset") as usize,
            a.payload_len.expect("len") as usize,
        );
        assert!(now[o..o + l] == old[44..44 + l], "audio changed: {case}");
    } else {
        assert!(now == old, "a failed write changed the master: {case}");
    }
    let outcome: Vec<&str> = said
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.contains("test pause"))
        .map(str::trim)
        .collect();
    format!("{report}; isrckit: {}", outcome.join(" / "))
}

/// Issue 9, item 1. Before: the temp file had a name from the start and
/// was made 0644 (umask), then chmod-ed and read through its path, so
/// the attacker kept a readable copy of a 0640 master, the secret the
/// symlink led to was chmod-ed to 0640, and verification read it (its
/// first bytes in the error). Now: the temp file has no name until it is
/// verified (or is 0600 with a name), is chmod-ed and read only through
/// its handle, and is swapped in only while its name still leads to it.
#[test]
fn a_user_swapping_the_temp_file_for_a_symlink_gets_nothing() {
    if !hooks() || !root() || !require("setpriv", &["--version"]) {
        return;
    }
    let seen = [
        // The usual path: an unnamed temp file, linked just before the swap.
        attack(&[]),
        // The same, paused between the link and the swap: the attacker
        // has time to replace the linked name.
        attack(&[("ISRCKIT_TEST_PAUSE", "before-rename:400")]),
        // The fallback of file systems without O_TMPFILE: a named 0600
        // temp file, paused once it exists.
        attack(&[
            ("ISRCKIT_TEST_FAULT", "no-tmpfile"),
            ("ISRCKIT_TEST_PAUSE", "temp-created:400"),
        ]),
    ];
    eprintln!("{}", seen.join("\n"));
    // The paused runs gave the attacker the temp file's name to swap.
    assert!(
        seen[1..].iter().all(|r| !r.contains("swaps=0")),
        "the attacker never got a temp name: {seen:?}"
    );
}

/// Issue 9, item 4. Before: only the mode bits were looked at, so nobody
/// rewrote root's 0644 file through a temp file in nobody's folder and
/// the result belonged to nobody. Now the kernel is asked (faccessat with
/// the effective ids) and the file is refused, on both paths.
#[test]
fn a_user_cannot_take_over_a_root_owned_file_in_a_folder_they_own() {
    if !root() || !require("setpriv", &["--version"]) {
        return;
    }
    let (_base, dir) = user_folder();
    for (sample, code) in [
        // A new ID3 chunk: the temp-file path.
        ("wav/no_tags.wav", "USRC17607839"),
        // A code of the same length: the in-place path.
        ("mp3/kid3_v23.mp3", "GBAYE6800011"),
    ] {
        let f = dir.join(sample.replace('/', "_"));
        std::fs::copy(testdata().join(sample), &f).expect("copy");
        chmod(&f, 0o644);
        let (before, ino) = (
            std::fs::read(&f).expect("read"),
            std::fs::metadata(&f).expect("meta").ino(),
        );
        let out = as_nobody(&bin())
            .args(["set", "--isrc", code])
            .arg(&f)
            .output()
            .expect("run as nobody");
        let said = text(&out);
        assert_eq!(out.status.code(), Some(1), "{sample}: {said}");
        assert!(said.contains("cannot write it"), "{sample}: {said}");
        let meta = std::fs::metadata(&f).expect("meta");
        assert_eq!(
            (meta.uid(), meta.gid(), meta.ino()),
            (0, 0, ino),
            "{sample}"
        );
        assert!(std::fs::read(&f).expect("read") == before, "{sample}");
        assert!(temps(&dir).is_empty(), "{sample}");
    }
}

/// A POSIX access ACL as the kernel stores it (`system.posix_acl_access`):
/// owner rw, user `uid` r, group r, mask r, others nothing (mode 0640).
fn acl_for(uid: u32) -> Vec<u8> {
    let mut v = 2u32.to_le_bytes().to_vec();
    for (tag, perm, id) in [
        (0x01u16, 6u16, u32::MAX),
        (0x02, 4, uid),
        (0x04, 4, u32::MAX),
        (0x10, 4, u32::MAX),
        (0x20, 0, u32::MAX),
    ] {
        v.extend_from_slice(&tag.to_le_bytes());
        v.extend_from_slice(&perm.to_le_bytes());
        v.extend_from_slice(&id.to_le_bytes());
    }
    v
}

fn xattr(path: &Path, name: &str) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; 4096];
    let n = rustix::fs::getxattr(path, name, &mut buf[..]).ok()?;
    buf.truncate(n);
    Some(buf)
}

/// Issue 9, item 6. Before: the temp-file path made a new file owned by
/// root with the umask's mode, no extended attributes and no ACL. Now
/// owner, group, mode, xattrs and the ACL are given to it through its
/// handle before it replaces the original; the in-place path keeps them
/// by keeping the file.
#[test]
fn root_rewriting_a_users_file_keeps_its_owner_group_mode_xattrs_and_acl() {
    if !root() {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("m.wav");
    std::fs::copy(testdata().join("wav/no_tags.wav"), &f).expect("copy");
    chown(&f, NOBODY, NOBODY);
    chmod(&f, 0o640);
    rustix::fs::setxattr(
        &f,
        "user.isrckit-test",
        b"kept",
        rustix::fs::XattrFlags::empty(),
    )
    .expect("a user xattr (ext4 and tmpfs have them)");
    let acl = match rustix::fs::setxattr(
        &f,
        "system.posix_acl_access",
        &acl_for(4242),
        rustix::fs::XattrFlags::empty(),
    ) {
        Ok(()) => xattr(&f, "system.posix_acl_access"),
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI's /tmp must take ACLs: {e}"
            );
            eprintln!("SKIPPED (ACL part): this file system has no ACLs: {e}");
            None
        }
    };
    let keep = |label: &str| {
        let m = std::fs::metadata(&f).expect("meta");
        assert_eq!(
            (m.uid(), m.gid(), m.mode() & 0o7777),
            (NOBODY, NOBODY, 0o640),
            "{label}"
        );
        assert_eq!(
            xattr(&f, "user.isrckit-test").as_deref(),
            Some(&b"kept"[..]),
            "{label}"
        );
        if let Some(acl) = &acl {
            assert_eq!(
                xattr(&f, "system.posix_acl_access").as_ref(),
                Some(acl),
                "{label}"
            );
        }
    };
    keep("before");
    let ino = std::fs::metadata(&f).expect("meta").ino();
    for (code, path) in [("USRC17607839", "temp file"), ("USRC17607840", "in place")] {
        let out = isrckit()
            .args(["set", "--isrc", code])
            .arg(&f)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{path}: {}", text(&out));
        assert_eq!(isrcs(&f), [code], "{path}");
        keep(path);
    }
    assert_ne!(std::fs::metadata(&f).expect("meta").ino(), ino);
}

/// Issue 9, item 2. A symlink named to `set` is resolved once: the real
/// file is written through its folder (the link stays a link) and
/// reported as `real_path`. Before: no `real_path`; the file was opened
/// by path several times over.
#[test]
fn a_symlink_is_resolved_once_and_the_real_file_is_written_and_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    let real = dir.path().join("real.wav");
    std::fs::copy(testdata().join("wav/no_tags.wav"), &real).expect("copy");
    let link = dir.path().join("link.wav");
    std::os::unix::fs::symlink("real.wav", &link).expect("symlink");
    let out = isrckit()
        .args(["set", "--isrc", "USRC17607839", "--format", "json"])
        .arg(&link)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", text(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let f = &doc["files"][0];
    assert_eq!(f["status"], "written");
    assert_eq!(f["path"], link.to_string_lossy().as_ref());
    let want = std::fs::canonicalize(&real).expect("canonical");
    assert_eq!(f["real_path"], want.to_string_lossy().as_ref(), "{doc}");
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert_eq!(isrcs(&real), ["USRC17607839"]);
}

/// Issue 9, item 6 (hard links). Before: the in-place path changed every
/// name of the file, the temp-file path only the one given (the other
/// kept the old code), and which happened depended on the code's length.
/// Now both refuse, naming the other links; with --break-hard-links both
/// make the name given a new file and leave the other name as it was.
#[test]
fn hard_links_are_refused_on_both_paths_unless_broken_on_purpose() {
    for (sample, code, path) in [
        ("mp3/kid3_v23.mp3", "GBAYE6800011", "in place"),
        ("wav/no_tags.wav", "USRC17607839", "temp file"),
    ] {
        let dir = tempfile::tempdir().expect("tmp");
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        std::fs::copy(testdata().join(sample), &a).expect("copy");
        std::fs::hard_link(&a, &b).expect("link");
        let (old, old_isrcs) = (std::fs::read(&a).expect("read"), isrcs(&a));
        let out = isrckit()
            .args(["set", "--isrc", code])
            .arg(&a)
            .output()
            .expect("runs");
        let said = text(&out);
        assert_eq!(out.status.code(), Some(1), "{path}: {said}");
        assert!(
            said.contains("1 other name (hard link)") && said.contains("--break-hard-links"),
            "{path}: {said}"
        );
        assert!(std::fs::read(&a).expect("read") == old, "{path}");
        assert_eq!(std::fs::metadata(&a).expect("meta").nlink(), 2, "{path}");

        let out = isrckit()
            .args(["set", "--break-hard-links", "--isrc", code])
            .arg(&a)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{path}: {}", text(&out));
        assert_eq!(isrcs(&a), [code], "{path}");
        assert_eq!(isrcs(&b), old_isrcs, "{path}: the other name changed");
        assert!(std::fs::read(&b).expect("read") == old, "{path}");
        let (ma, mb) = (
            std::fs::metadata(&a).expect("meta"),
            std::fs::metadata(&b).expect("meta"),
        );
        assert_ne!(ma.ino(), mb.ino(), "{path}");
        assert_eq!((ma.nlink(), mb.nlink()), (1, 1), "{path}");
    }
}

/// Issue 9, item 9. Before: `set a.wav ./a.wav link.wav …` wrote the one
/// file once per name, in parallel, and reported "5 written". Now it is
/// written once (one lock taken: the `locked` test pause is reached once)
/// and every name is reported: the first written, the others `same-file`
/// with the name they share.
#[test]
fn one_file_under_five_names_is_written_once_and_every_name_is_reported() {
    if !hooks() {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    let a = dir.path().join("a.wav");
    std::fs::copy(testdata().join("wav/no_tags.wav"), &a).expect("copy");
    std::os::unix::fs::symlink("a.wav", dir.path().join("link.wav")).expect("symlink");
    let abs = std::fs::canonicalize(&a).expect("canonical");
    let names = [
        "a.wav".to_string(),
        "./a.wav".to_string(),
        "link.wav".to_string(),
        abs.to_string_lossy().into_owned(),
        "sub/../a.wav".to_string(),
    ];
    let out = isrckit()
        .current_dir(dir.path())
        .args(["set", "--isrc", "USRC17607839", "--format", "json"])
        .args(&names)
        .env("ISRCKIT_TEST_PAUSE", "locked:0")
        .output()
        .expect("runs");
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let files = doc["files"].as_array().expect("files");
    assert_eq!(files.len(), 5, "{doc}");
    for (f, name) in files.iter().zip(&names) {
        assert_eq!(f["path"], name.as_str(), "{doc}");
    }
    assert_eq!(files[0]["status"], "written", "{doc}");
    for f in &files[1..] {
        assert_eq!(f["status"], "same-file", "{doc}");
        assert_eq!(f["same_as"], "a.wav", "{doc}");
    }
    assert_eq!(doc["summary"]["written"], 1, "{doc}");
    assert_eq!(doc["summary"]["same_file"], 4, "{doc}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr)
            .matches("test pause at locked")
            .count(),
        1,
        "{said}"
    );
    assert_eq!(isrcs(&a), ["USRC17607839"]);

    // One file given two codes under two names: refused before anything
    // is written.
    std::fs::write(
        dir.path().join("codes.csv"),
        "path,isrc\na.wav,USRC12600001\nlink.wav,USRC12600002\n",
    )
    .expect("manifest");
    let before = std::fs::read(&a).expect("read");
    let out = isrckit()
        .current_dir(dir.path())
        .args(["embed", "--manifest", "codes.csv"])
        .output()
        .expect("runs");
    let said = text(&out);
    assert_ne!(out.status.code(), Some(0), "{said}");
    assert!(
        said.contains("one file") || said.contains("same file"),
        "{said}"
    );
    assert!(std::fs::read(&a).expect("read") == before);
}

/// Issue 9, item 9. Before: the temp file was named after the master
/// (`.isrckit-tmp-<pid>-<name>-<n>`), so a 244-byte name made a 270-byte
/// temp name and the write failed (ENAMETOOLONG) after validation had
/// passed. Now temp names are `.isrckit-tmp-<pid>-<n>`.
#[test]
fn a_file_with_a_244_byte_name_is_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let name = format!("{}.wav", "x".repeat(240));
    assert_eq!(name.len(), 244);
    let f = dir.path().join(&name);
    std::fs::copy(testdata().join("wav/no_tags.wav"), &f).expect("copy");
    let out = isrckit()
        .args(["set", "--isrc", "USRC17607839"])
        .arg(&f)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(isrcs(&f), ["USRC17607839"]);
    assert!(temps(dir.path()).is_empty());
}

/// Permission errors get their true reason, not "no such file" or
/// "damaged: re-export": run as nobody, a master it may not read and a
/// folder it may not open are reported as such, in `inspect` and `audit`.
#[test]
fn permission_errors_are_reported_as_permission_errors() {
    if !root() || !require("setpriv", &["--version"]) {
        return;
    }
    let base = tempfile::tempdir().expect("tmp");
    chmod(base.path(), 0o755);
    let album = base.path().join("album");
    std::fs::create_dir(&album).expect("mkdir");
    chmod(&album, 0o755);
    let secret = album.join("01 Secret.wav");
    std::fs::copy(testdata().join("wav/no_tags.wav"), &secret).expect("copy");
    chmod(&secret, 0o600);
    let closed = album.join("closed");
    std::fs::create_dir(&closed).expect("mkdir");
    std::fs::copy(testdata().join("wav/no_tags.wav"), closed.join("x.wav")).expect("copy");
    chmod(&closed, 0o700);
    for args in [
        vec!["inspect", "--format", "json"],
        vec![
            "audit",
            "--format",
            "json",
            "--no-progress",
            "--year",
            "2026",
        ],
    ] {
        let out = as_nobody(&bin())
            .args(&args)
            .arg(&album)
            .output()
            .expect("runs");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {out:?}"));
        let error_of = |name: &str| -> String {
            doc["files"]
                .as_array()
                .expect("files")
                .iter()
                .find(|f| f["path"].as_str().is_some_and(|p| p.ends_with(name)))
                .and_then(|f| f["error"].as_str())
                .unwrap_or_else(|| panic!("{args:?}: {name} not reported: {doc}"))
                .to_string()
        };
        for name in ["01 Secret.wav", "closed"] {
            let e = error_of(name);
            assert!(e.contains("Permission denied"), "{args:?} {name}: {e}");
            assert!(!e.contains("damaged") && !e.contains("No such file"), "{e}");
        }
    }
}
