//! Writes that cannot complete leave the original as it was: a read-only
//! file, a read-only file system, a full disk, a process killed at random
//! points. (File-system cases mount a small tmpfs: root only; elsewhere they
//! are skipped with a reason, and under CI they fail instead.)

mod common;

use assert_cmd::Command;
use common::testdata;
use std::path::{Path, PathBuf};
use std::process::Command as Std;

fn isrckit() -> Command {
    Command::cargo_bin("isrckit").expect("binary built")
}

fn leftovers(dir: &Path) -> Vec<PathBuf> {
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

#[test]
fn read_only_file_is_refused_and_untouched() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("m.mp3");
    std::fs::copy(testdata().join("mp3/no_tags.mp3"), &f).expect("copy");
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let before = std::fs::read(&f).expect("read");
    let out = isrckit()
        .args(["set", "--isrc", "USRC17607839"])
        .arg(&f)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("read-only"));
    assert_eq!(std::fs::read(&f).expect("read"), before);
    assert!(leftovers(dir.path()).is_empty());
}

/// A tmpfs of `size` mounted on a fresh folder, unmounted on drop.
struct Mount(tempfile::TempDir);

impl Mount {
    fn new(size: &str) -> Option<Mount> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Std::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must be able to mount a tmpfs (runs as root)"
            );
            eprintln!("SKIPPED: cannot mount a tmpfs here (not root?)");
            return None;
        }
        Some(Mount(dir))
    }

    fn path(&self) -> &Path {
        self.0.path()
    }

    fn read_only(&self) {
        let ok = Std::new("mount")
            .args(["-o", "remount,ro"])
            .arg(self.path())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "remount read-only");
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Std::new("umount").arg(self.0.path()).status();
    }
}

#[test]
fn read_only_file_system_writes_nothing() {
    let Some(m) = Mount::new("4m") else { return };
    let f = m.path().join("m.wav");
    std::fs::copy(testdata().join("wav/no_tags.wav"), &f).expect("copy");
    let before = std::fs::read(&f).expect("read");
    m.read_only();
    let out = isrckit()
        .args(["set", "--isrc", "USRC17607839"])
        .arg(&f)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("NOT WRITTEN") && text.to_lowercase().contains("read-only"),
        "{text}"
    );
    assert_eq!(std::fs::read(&f).expect("read"), before);
}

#[test]
fn read_only_file_system_refuses_an_in_place_edit_too() {
    let Some(m) = Mount::new("4m") else { return };
    let f = m.path().join("m.mp3");
    std::fs::copy(testdata().join("mp3/kid3_v23.mp3"), &f).expect("copy");
    let before = std::fs::read(&f).expect("read");
    m.read_only();
    // A code of the same length: the in-place path.
    let out = isrckit()
        .args(["set", "--isrc", "GBAYE6800011"])
        .arg(&f)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .to_lowercase()
            .contains("read-only")
    );
    assert_eq!(std::fs::read(&f).expect("read"), before);
}

#[test]
fn full_disk_keeps_the_original_and_cleans_up() {
    // The sample fits; a grown copy of it (the temp file: a new ID3 chunk
    // with its padding) does not.
    let sample = testdata().join("wav/no_tags.wav");
    let Some(m) = Mount::new("8k") else { return };
    let f = m.path().join("m.wav");
    std::fs::copy(&sample, &f).expect("copy");
    let before = std::fs::read(&f).expect("read");
    let out = isrckit()
        .args(["set", "--isrc", "USRC17607839"])
        .arg(&f)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("No space left"), "{text}");
    assert_eq!(std::fs::read(&f).expect("read"), before);
    assert!(leftovers(m.path()).is_empty(), "temp file removed");
}

/// A WAV of `mb` MiB (real header, silent audio) with an ISRC in an id3 chunk.
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

/// Run `isrckit set --isrc code path` to the end; how long it took.
fn timed_set(path: &Path, code: &str) -> std::time::Duration {
    let started = std::time::Instant::now();
    let out = Std::new(assert_cmd::cargo::cargo_bin("isrckit"))
        .args(["set", "--isrc", code])
        .arg(path)
        .output()
        .expect("run isrckit set");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    started.elapsed()
}

/// Where two byte strings first differ (for a torn file's message).
fn first_difference(a: &[u8], b: &[u8]) -> usize {
    a.iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()))
}

/// What a killed run left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Left {
    Old,
    New,
}

#[test]
fn killed_at_random_points_leaves_old_or_new_never_torn() {
    const CODE: &str = "FRZ032400416";
    const MB: usize = 48;
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("master.wav");
    big_wav(&f, MB);
    let old = std::fs::read(&f).expect("read");

    // The new file, written whole (twice: the write is deterministic, so
    // "new" is one exact byte string), and how long a write takes here
    // (the shorter of the two: the first may read a cold cache).
    // The master has no ID3 chunk: the write adds one, the file grows, so
    // it cannot be done in place and goes through a temp copy
    // (engine::commit_then).
    let refs = tempfile::tempdir().expect("tmp");
    let reference = refs.path().join("new.wav");
    let mut span = std::time::Duration::MAX;
    let mut new = Vec::new();
    for _ in 0..2 {
        std::fs::write(&reference, &old).expect("reset reference");
        span = span.min(timed_set(&reference, CODE));
        let written = std::fs::read(&reference).expect("read");
        assert!(
            new.is_empty() || new == written,
            "the write is not deterministic"
        );
        new = written;
    }
    assert!(
        new.len() > old.len(),
        "the write must grow the file ({} -> {}), so that it goes through the temp copy",
        old.len(),
        new.len()
    );
    let r = isrckit::read_file(&reference);
    let a = r.audio.as_ref().expect("audio");
    let (o, l) = (
        a.payload_offset.expect("offset") as usize,
        a.payload_len.expect("len") as usize,
    );
    assert_eq!(l, MB << 20);
    assert!(new[o..o + l] == old[44..44 + l], "audio moved or changed");
    assert_eq!(r.distinct(isrckit::CodeKind::Isrc), [CODE]);

    let bin = assert_cmd::cargo::cargo_bin("isrckit");
    // One temp file a kill left is kept, to show a scan skips it.
    let mut kept: Option<PathBuf> = None;
    let fresh_temps = |kept: &Option<PathBuf>| -> Vec<PathBuf> {
        leftovers(dir.path())
            .into_iter()
            .filter(|p| Some(p) != kept.as_ref())
            .collect()
    };
    // One run: reset the master, start a write, kill it when `kill_when`
    // says so, and check what is on disk. Returns what was left and
    // whether the kill caught a temp copy under way.
    let run = |kept: &mut Option<PathBuf>,
               label: &str,
               kill_when: &dyn Fn(&std::time::Instant) -> bool|
     -> (Left, bool) {
        std::fs::write(&f, &old).expect("reset master");
        let mut child = Std::new(&bin)
            .args(["set", "--isrc", CODE])
            .arg(&f)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        let started = std::time::Instant::now();
        while !kill_when(&started) {
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read(&f).expect("read master");
        let left = if now == old {
            Left::Old
        } else if now == new {
            Left::New
        } else {
            panic!(
                "{label}: torn file: {} bytes, differs from the old file at byte {} and from the new at byte {}",
                now.len(),
                first_difference(&now, &old),
                first_difference(&now, &new)
            );
        };
        // Read back as isrckit reads it: the codes of old or of new.
        let r = isrckit::read_file(&f);
        assert!(r.error.is_none(), "{label}: {:?}", r.error);
        let want: &[&str] = if left == Left::New { &[CODE] } else { &[] };
        assert_eq!(r.distinct(isrckit::CodeKind::Isrc), want, "{label}");
        let temps = fresh_temps(kept);
        let mid_copy = !temps.is_empty();
        for t in temps {
            if kept.is_none() {
                *kept = Some(t);
            } else {
                std::fs::remove_file(&t).expect("remove temp");
            }
        }
        (left, mid_copy)
    };

    // Kills spread over 0 .. 1.2 times a whole write: before the copy,
    // during it, during the check, after the rename.
    let mut seen: Vec<(String, Left, bool)> = Vec::new();
    const RUNS: u32 = 16;
    for i in 0..RUNS {
        let at = span.mul_f64(1.2 * f64::from(i) / f64::from(RUNS - 1));
        let label = format!("kill at {at:?}");
        let (left, mid) = run(&mut kept, &label, &|t| t.elapsed() >= at);
        seen.push((label, left, mid));
    }
    // On a loaded machine the spread can miss an outcome: then aim at it.
    // A kill as soon as the temp copy exists interrupts a real copy and
    // leaves the old file; a kill well after the measured span leaves the
    // new one.
    let count = |seen: &[(String, Left, bool)], pred: &dyn Fn(Left, bool) -> bool| {
        seen.iter().filter(|(_, l, m)| pred(*l, *m)).count()
    };
    for extra in 0..8u32 {
        let (olds, news, mids) = (
            count(&seen, &|l, _| l == Left::Old),
            count(&seen, &|l, _| l == Left::New),
            count(&seen, &|_, m| m),
        );
        if olds > 0 && news > 0 && mids > 0 {
            break;
        }
        if news == 0 {
            let at = span.mul_f64(2.0 + f64::from(extra));
            let label = format!("extra kill at {at:?}");
            let (left, mid) = run(&mut kept, &label, &|t| t.elapsed() >= at);
            seen.push((label, left, mid));
        } else {
            let label = "extra kill once the temp copy exists".to_string();
            let kept_now = kept.clone();
            let limit = span.mul_f64(3.0);
            let (left, mid) = run(&mut kept, &label, &|t| {
                !fresh_temps(&kept_now).is_empty() || t.elapsed() > limit
            });
            seen.push((label, left, mid));
        }
    }
    let summary: Vec<String> = seen
        .iter()
        .map(|(label, l, m)| {
            format!(
                "{label}: {l:?}{}",
                if *m { " (temp copy under way)" } else { "" }
            )
        })
        .collect();
    eprintln!("a whole write took {span:?}\n{}", summary.join("\n"));
    assert!(
        count(&seen, &|l, _| l == Left::Old) > 0 && count(&seen, &|l, _| l == Left::New) > 0,
        "both outcomes must occur:\n{}",
        summary.join("\n")
    );
    assert!(
        count(&seen, &|_, m| m) > 0,
        "no kill interrupted a temp copy:\n{}",
        summary.join("\n")
    );

    // A temp file left by a kill is never taken for a master by a scan.
    let kept = kept.expect("a kill mid-copy leaves its temp file");
    assert!(kept.exists());
    let out = isrckit()
        .args(["audit", "--format", "json", "--no-config"])
        .arg(dir.path())
        .output()
        .expect("runs");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        doc["summary"]["files"],
        1,
        "temp files: {:?}",
        leftovers(dir.path())
    );
    let files = doc["files"].as_array().expect("files");
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["path"], f.to_string_lossy().as_ref());
}
