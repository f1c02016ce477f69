//! Object storage: `inspect` and `audit` of `s3://` URLs against a real
//! S3-compatible server on loopback (moto's server mode, from the virtual
//! environment `.ci/run` makes; `ISRCKIT_MOTO` names its `moto_server`),
//! compared with the local audit of the same files, finding for finding;
//! and `audit --records-out` / `--merge` (shards plus a merge equal one run).
//!
//! Without moto the store tests skip with a printed reason; under CI they
//! fail. The proxy of `bench/s3_proxy.py` sits between isrckit and moto
//! where a test counts requests or needs a 403 or a 503.

mod common;

use assert_cmd::Command;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

const BUCKET: &str = "masters";

/// A process killed when the test binary ends with it.
struct Server {
    child: Mutex<Child>,
    port: u16,
    /// Held open while the server should run (see [`store`]).
    _stdin: Option<std::process::ChildStdin>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let mut c = self.child.lock().unwrap_or_else(|e| e.into_inner());
        let _ = c.kill();
        let _ = c.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn wait_for(port: u16, what: &str) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{what} did not listen on 127.0.0.1:{port} within 60 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The moto server binary, or a skip (a failure under CI).
fn moto_binary() -> Option<PathBuf> {
    let found = std::env::var_os("ISRCKIT_MOTO")
        .map(PathBuf::from)
        .filter(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "ISRCKIT_MOTO must name moto_server under CI (.ci/run installs moto[server] in a venv)"
        );
        eprintln!(
            "SKIPPED: no moto server: set ISRCKIT_MOTO to the moto_server of a venv with moto[server] (.ci/run makes one)"
        );
    }
    found
}

/// The venv's Python (boto3 comes with moto), beside `moto_server`.
fn venv_python(moto: &Path) -> PathBuf {
    moto.with_file_name("python3")
}

/// moto on a loopback port, with `testdata/` and a generated corpus
/// uploaded: started once per test binary.
struct Store {
    moto: Server,
    python: PathBuf,
    /// The generated corpus on disk (kept for the binary's life).
    corpus: PathBuf,
    /// Long masters (two minutes each).
    long: PathBuf,
}

static STORE: OnceLock<Option<Store>> = OnceLock::new();

fn store() -> Option<&'static Store> {
    STORE
        .get_or_init(|| {
            let moto = moto_binary()?;
            if !common::require("ffmpeg", &["-version"]) {
                return None;
            }
            let port = free_port();
            // The corpora live as long as this process: a static is never
            // dropped, so the shell below removes them at its end.
            let corpus = tempfile::tempdir().expect("temp dir").keep();
            let long = tempfile::tempdir().expect("temp dir").keep();
            // Through a shell that stops moto (and removes the corpora)
            // when this process's end closes its standard input.
            let mut child = std::process::Command::new("sh")
                .arg("-c")
                .arg("\"$0\" -H 127.0.0.1 -p \"$1\" >/dev/null 2>&1 & pid=$!; read _; kill $pid; wait $pid; rm -rf \"$2\" \"$3\"")
                .arg(&moto)
                .arg(port.to_string())
                .arg(&corpus)
                .arg(&long)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start moto_server");
            let stdin = child.stdin.take();
            let server = Server {
                child: Mutex::new(child),
                port,
                _stdin: stdin,
            };
            wait_for(port, "moto_server");
            let python = venv_python(&moto);
            let make = |out: &Path, args: &[&str]| {
                common::run(
                    std::process::Command::new("/usr/bin/python3")
                        .arg(repo().join("bench/make_corpus.py"))
                        .arg(out)
                        .args(args)
                        .arg("--force"),
                );
            };
            make(
                &corpus.join("c"),
                &["--files", "240", "--problems", "--seed", "7"],
            );
            make(
                &long.join("l"),
                &["--files", "6", "--long-seconds", "120", "--seed", "2"],
            );
            let store = Store {
                moto: server,
                python,
                corpus,
                long,
            };
            store.upload(&common::testdata(), "testdata/");
            store.upload(&store.corpus.join("c"), "corpus/");
            store.upload(&store.long.join("l"), "long/");
            Some(store)
        })
        .as_ref()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl Store {
    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.moto.port)
    }

    fn upload(&self, dir: &Path, prefix: &str) {
        common::run(
            std::process::Command::new(&self.python)
                .arg(repo().join("bench/s3_upload.py"))
                .arg(self.endpoint())
                .arg(BUCKET)
                .arg(dir)
                .arg(prefix)
                .env("AWS_ACCESS_KEY_ID", "test")
                .env("AWS_SECRET_ACCESS_KEY", "test"),
        );
    }

    /// A proxy in front of moto (`bench/s3_proxy.py`) with these options.
    fn proxy(&self, opts: &[&str]) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let port_file = dir.path().join("port");
        let child = std::process::Command::new("python3")
            .arg(repo().join("bench/s3_proxy.py"))
            .args(["--upstream", &format!("127.0.0.1:{}", self.moto.port)])
            .args(["--port", "0", "--port-file"])
            .arg(&port_file)
            .args(opts)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start bench/s3_proxy.py");
        let start = Instant::now();
        let port = loop {
            if let Some(p) = std::fs::read_to_string(&port_file)
                .ok()
                .and_then(|t| t.trim().parse().ok())
            {
                break p;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the proxy did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        Server {
            child: Mutex::new(child),
            port,
            _stdin: None,
        }
    }
}

/// The proxy's counters.
fn proxy_stats(proxy: &Server) -> serde_json::Value {
    let mut s = TcpStream::connect(("127.0.0.1", proxy.port)).expect("connect to proxy");
    s.write_all(b"GET /__proxy/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .expect("ask");
    let mut text = String::new();
    s.read_to_string(&mut text).expect("read");
    let body = text.split("\r\n\r\n").nth(1).expect("a body");
    serde_json::from_str(body).expect("stats JSON")
}

/// isrckit with credentials for moto at `endpoint`, and nothing of this
/// machine's AWS set-up (no profile, never the instance role).
fn isrckit(endpoint: &str, home: &Path) -> Command {
    let mut c = Command::cargo_bin("isrckit").expect("binary");
    for v in [
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL_S3",
        "AWS_ENDPOINT",
        "AWS_DEFAULT_REGION",
    ] {
        c.env_remove(v);
    }
    c.env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("HOME", home);
    c
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(mut c: Command) -> Run {
    let out = c.output().expect("run isrckit");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const AUDIT: &[&str] = &["audit", "--format", "json", "--no-config", "--year", "2026"];

/// The local audit of `dir` and the store's audit of `url` (the same
/// files), with the store's URLs written as the local paths.
fn both(store: &Store, dir: &Path, url: &str, extra: &[&str]) -> (Run, Run) {
    let home = tempfile::tempdir().expect("temp dir");
    let mut local = isrckit(&store.endpoint(), home.path());
    local.args(AUDIT).args(extra).arg(dir);
    let local = run(local);
    let mut remote = isrckit(&store.endpoint(), home.path());
    remote.args(AUDIT).args(extra).arg(url);
    let mut remote = run(remote);
    let shown = format!("{}/", dir.display());
    remote.stdout = remote.stdout.replace(url, &shown);
    (local, remote)
}

fn assert_same(local: &Run, remote: &Run) {
    assert_eq!(local.code, remote.code, "exit: {}", remote.stderr);
    let l: serde_json::Value = serde_json::from_str(&local.stdout).expect("local JSON");
    let r: serde_json::Value = serde_json::from_str(&remote.stdout).expect("remote JSON");
    assert_eq!(l["summary"], r["summary"], "{}", remote.stderr);
    let (lf, rf) = (
        l["findings"].as_array().expect("findings"),
        r["findings"].as_array().expect("findings"),
    );
    assert_eq!(lf.len(), rf.len());
    for (a, b) in lf.iter().zip(rf) {
        assert_eq!(a, b);
    }
    let (lfiles, rfiles) = (
        l["files"].as_array().expect("files"),
        r["files"].as_array().expect("files"),
    );
    assert_eq!(lfiles.len(), rfiles.len());
    for (a, b) in lfiles.iter().zip(rfiles) {
        assert_eq!(a, b);
    }
}

#[test]
fn the_store_audit_of_testdata_equals_the_local_audit() {
    let Some(s) = store() else { return };
    let (local, remote) = both(
        s,
        &common::testdata(),
        &format!("s3://{BUCKET}/testdata/"),
        &[],
    );
    assert_same(&local, &remote);
    assert!(local.stdout.contains("\"rule\""));
    // DDP images were read with their map and streams beside them, and a
    // track without an ISRC is found from the image's PQ stream as read
    // from the store.
    assert!(remote.stdout.contains("PQDESCR entry"), "{}", remote.stdout);
    assert!(
        remote.stdout.contains(
            "TRACK 03 has no ISRC in the image (no PQ, DDPMS or CD-TEXT site), while other tracks have one"
        ),
        "{}",
        remote.stdout
    );
}

#[test]
fn the_store_audit_of_a_generated_corpus_equals_the_local_audit() {
    let Some(s) = store() else { return };
    let dir = s.corpus.join("c");
    let (local, remote) = both(s, &dir, &format!("s3://{BUCKET}/corpus/"), &[]);
    assert_same(&local, &remote);
    let v: serde_json::Value = serde_json::from_str(&remote.stdout).expect("JSON");
    assert!(v["summary"]["audio"].as_u64().expect("audio") >= 240);
    // The planted duplicates and shared barcodes are found across files.
    for rule in ["isrc-duplicate", "barcode-shared"] {
        assert!(remote.stdout.contains(rule), "no {rule}");
    }
    // And with fewer objects in flight, and release by parent folder.
    let (local, remote) = both(
        s,
        &dir,
        &format!("s3://{BUCKET}/corpus/"),
        &["--release-by", "parent-folder", "--jobs", "3"],
    );
    assert_same(&local, &remote);
}

#[test]
fn globs_and_skip_rules_apply_to_keys_as_to_a_walk() {
    let Some(s) = store() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("tree");
    let src = common::testdata();
    for (from, to) in [
        ("wav/ffmpeg_info_isrc.wav", "a/x.wav"),
        ("wav/ffmpeg_info_isrc.wav", "a/.hidden.wav"),
        ("wav/ffmpeg_info_isrc.wav", "a/.git/lfs/objects/old.wav"),
        ("wav/ffmpeg_info_isrc.wav", "b/.hg/y.wav"),
        ("wav/ffmpeg_info_isrc.wav", "a/._x.wav"),
        ("wav/ffmpeg_info_isrc.wav", "a/.DS_Store"),
        ("wav/ffmpeg_info_isrc.wav", "a/.isrckit-tmp-1-x.wav"),
        ("flac/kid3.flac", "b/y.flac"),
        ("flac/kid3.flac", "b/c/z.flac"),
        ("flac/kid3.flac", "b/c/z.mp3"),
    ] {
        let to = root.join(to);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(src.join(from), to).expect("copy");
    }
    s.upload(&root, "globs/");
    let url = format!("s3://{BUCKET}/globs/");
    let (local, remote) = both(s, &root, &url, &["--exclude", "*.mp3"]);
    assert_same(&local, &remote);
    let v: serde_json::Value = serde_json::from_str(&remote.stdout).expect("JSON");
    let skipped = &v["summary"]["walk_skipped"];
    assert_eq!(skipped["vcs_folders"], 2, "{v}");
    assert_eq!(skipped["system_files"], 2);
    assert_eq!(skipped["temp_files"], 1);
    assert_eq!(skipped["filtered"], 1);
    let (local, remote) = both(s, &root, &url, &["--include", "b/**"]);
    assert_same(&local, &remote);
}

#[test]
fn inspect_of_the_store_equals_local_inspect() {
    let Some(s) = store() else { return };
    let home = tempfile::tempdir().expect("temp dir");
    let dir = common::testdata().join("mp4");
    let url = format!("s3://{BUCKET}/testdata/mp4/");
    let mut l = isrckit(&s.endpoint(), home.path());
    l.args(["inspect", "--format", "json"]).arg(&dir);
    let l = run(l);
    let mut r = isrckit(&s.endpoint(), home.path());
    r.args(["inspect", "--format", "json", &url]);
    let r = run(r);
    assert_eq!(l.code, r.code, "{}", r.stderr);
    assert_eq!(
        l.stdout,
        r.stdout.replace(&url, &format!("{}/", dir.display()))
    );
    // One object named by its URL.
    let mut one = isrckit(&s.endpoint(), home.path());
    one.args(["inspect", &format!("s3://{BUCKET}/testdata/flac/kid3.flac")]);
    let one = run(one);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(one.stdout.contains("s3://masters/testdata/flac/kid3.flac"));
}

#[test]
fn a_long_master_costs_its_head_and_tail_not_its_audio() {
    let Some(s) = store() else { return };
    let proxy = s.proxy(&[]);
    let home = tempfile::tempdir().expect("temp dir");
    let mut c = isrckit(&format!("http://127.0.0.1:{}", proxy.port), home.path());
    c.args(AUDIT).arg(format!("s3://{BUCKET}/long/"));
    let r = run(c);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let files = v["summary"]["audio"].as_u64().expect("audio");
    assert!(files >= 6, "{v}");
    let stats = proxy_stats(&proxy);
    let gets = stats["gets"].as_u64().expect("gets");
    let bytes = stats["body_bytes"].as_u64().expect("bytes");
    // Two minutes of audio per file (about 2 MB as WAV or AIFF); at most
    // three range requests of 64 KiB each, never the whole object.
    let sizes: u64 = walk_sizes(&s.long.join("l"));
    assert!(sizes / files > 500_000, "the long corpus is long");
    assert!(gets <= 3 * files, "{gets} GETs for {files} files: {stats}");
    assert!(
        bytes <= files * 3 * 65_536 + 1_000_000,
        "{bytes} bytes for {files} files: {stats}"
    );
}

fn walk_sizes(dir: &Path) -> u64 {
    let mut total = 0;
    for e in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let m = e.metadata().expect("metadata");
        total += if m.is_dir() {
            walk_sizes(&e.path())
        } else if e.path().extension().is_some_and(|x| x != "json") {
            m.len()
        } else {
            0
        };
    }
    total
}

#[test]
fn a_denied_object_is_reported_and_the_others_are_read() {
    let Some(s) = store() else { return };
    let proxy = s.proxy(&["--deny", "kid3.flac"]);
    let home = tempfile::tempdir().expect("temp dir");
    let mut c = isrckit(&format!("http://127.0.0.1:{}", proxy.port), home.path());
    c.args(AUDIT).arg(format!("s3://{BUCKET}/testdata/flac/"));
    let r = run(c);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let files = v["files"].as_array().expect("files");
    let denied: Vec<_> = files
        .iter()
        .filter(|f| f["path"].as_str().is_some_and(|p| p.ends_with("kid3.flac")))
        .collect();
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0]["status"], "unreadable");
    let err = denied[0]["error"].as_str().expect("error");
    assert!(
        err.contains("access denied (HTTP 403)") && err.contains("s3:GetObject"),
        "{err}"
    );
    assert!(files.iter().filter(|f| f["status"] == "ok").count() >= 3);
    assert!(
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["rule"] == "unreadable" && f["path"] == denied[0]["path"])
    );
}

#[test]
fn throttling_is_retried_with_backoff() {
    let Some(s) = store() else { return };
    let home = tempfile::tempdir().expect("temp dir");
    let url = format!("s3://{BUCKET}/testdata/mp3/");
    let mut plain = isrckit(&s.endpoint(), home.path());
    plain.args(AUDIT).arg(&url);
    let plain = run(plain);
    let proxy = s.proxy(&["--fail-first", "6"]);
    let mut c = isrckit(&format!("http://127.0.0.1:{}", proxy.port), home.path());
    c.args(AUDIT).args(["--jobs", "2"]).arg(&url);
    let throttled = run(c);
    assert_eq!(plain.code, throttled.code, "{}", throttled.stderr);
    assert_eq!(plain.stdout, throttled.stdout);
    // The six 503s were answered, and retried.
    let v: serde_json::Value = serde_json::from_str(&plain.stdout).expect("JSON");
    let files = v["summary"]["files"].as_u64().expect("files");
    let gets = proxy_stats(&proxy)["gets"].as_u64().expect("gets");
    assert!(gets >= files + 6, "{gets} GETs for {files} files");
}

#[test]
fn a_missing_bucket_or_prefix_is_a_usage_error_that_says_so() {
    let Some(s) = store() else { return };
    let home = tempfile::tempdir().expect("temp dir");
    let mut c = isrckit(&s.endpoint(), home.path());
    c.args(["audit", "s3://no-such-bucket/x/"]);
    let r = run(c);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("HTTP 404"), "{}", r.stderr);
    let mut c = isrckit(&s.endpoint(), home.path());
    c.args(["audit", &format!("s3://{BUCKET}/no/such/prefix/")]);
    let r = run(c);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no object at this URL"), "{}", r.stderr);
}

#[test]
fn store_shards_merged_equal_one_local_run() {
    let Some(s) = store() else { return };
    let home = tempfile::tempdir().expect("temp dir");
    let dir = s.corpus.join("c");
    let out = tempfile::tempdir().expect("temp dir");
    // One shard per label folder of the corpus, read from the store.
    let mut labels: Vec<String> = std::fs::read_dir(&dir)
        .expect("read_dir")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    labels.sort();
    assert!(labels.len() >= 2, "{labels:?}");
    let mut records = Vec::new();
    for (i, label) in labels.iter().enumerate() {
        let rec = out.path().join(format!("shard{i}.jsonl"));
        let mut c = isrckit(&s.endpoint(), home.path());
        c.args(["audit", "--quiet", "--exit-zero", "--records-out"])
            .arg(&rec)
            .arg(format!("s3://{BUCKET}/corpus/{label}/"));
        let r = run(c);
        assert_eq!(r.code, 0, "{}", r.stderr);
        records.push(rec);
    }
    let mut merge = isrckit(&s.endpoint(), home.path());
    merge.args(AUDIT).arg("--merge").args(&records);
    let mut merged = run(merge);
    merged.stdout = merged.stdout.replace(
        &format!("s3://{BUCKET}/corpus/"),
        &format!("{}/", dir.display()),
    );
    let mut one = isrckit(&s.endpoint(), home.path());
    one.args(AUDIT).args(labels.iter().map(|l| dir.join(l)));
    let one = run(one);
    assert_same(&one, &merged);
    assert!(merged.stdout.contains("isrc-duplicate") || merged.stdout.contains("barcode-shared"));
}

/// Shards of a local folder audited apart, merged: the findings of one
/// run, cross-file rules included. Needs no store.
#[test]
fn local_shards_merged_equal_one_run() {
    let data = common::testdata();
    let out = tempfile::tempdir().expect("temp dir");
    let mut shards: Vec<PathBuf> = std::fs::read_dir(&data)
        .expect("read_dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    shards.sort();
    let mut records = Vec::new();
    for (i, chunk) in shards.chunks(3).enumerate() {
        let rec = out.path().join(format!("{i}.jsonl"));
        let mut c = Command::cargo_bin("isrckit").expect("binary");
        c.args([
            "audit",
            "--quiet",
            "--exit-zero",
            "--allow-empty",
            "--records-out",
        ])
        .arg(&rec)
        .args(chunk);
        let r = run(c);
        assert_eq!(r.code, 0, "{}", r.stderr);
        records.push(rec);
    }
    assert!(records.len() >= 3);
    for format in ["json", "csv", "table"] {
        let args = ["audit", "--no-config", "--year", "2026", "--format", format];
        let mut one = Command::cargo_bin("isrckit").expect("binary");
        one.args(args).arg(&data);
        let one = run(one);
        let mut merge = Command::cargo_bin("isrckit").expect("binary");
        merge.args(args).arg("--merge").args(&records);
        let merged = run(merge);
        assert_eq!(one.code, merged.code, "{}", merged.stderr);
        assert_eq!(one.stdout, merged.stdout, "--format {format}");
    }
    // A merge of a merge is the same again.
    let all = out.path().join("all.jsonl");
    let mut m = Command::cargo_bin("isrckit").expect("binary");
    m.args(["audit", "--quiet", "--exit-zero", "--records-out"])
        .arg(&all)
        .arg("--merge")
        .args(&records);
    assert_eq!(run(m).code, 0);
    let mut again = Command::cargo_bin("isrckit").expect("binary");
    again.args(AUDIT).arg("--merge").arg(&all);
    let mut one = Command::cargo_bin("isrckit").expect("binary");
    one.args(AUDIT).arg(&data);
    assert_eq!(run(again).stdout, run(one).stdout);
    // A shard cut short (no walk line) is refused, naming it.
    let cut = out.path().join("cut.jsonl");
    let text = std::fs::read_to_string(&records[0]).expect("read");
    let body: Vec<&str> = text.lines().filter(|l| !l.contains("\"walk\"")).collect();
    std::fs::write(&cut, body.join("\n")).expect("write");
    let mut m = Command::cargo_bin("isrckit").expect("binary");
    m.args(["audit", "--merge"]).arg(&cut);
    let r = run(m);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("did not finish"), "{}", r.stderr);
}

#[test]
fn writes_to_a_store_and_mixed_inputs_are_refused() {
    let mut c = Command::cargo_bin("isrckit").expect("binary");
    c.args(["set", "--isrc", "USRC17607839", "s3://masters/a.wav"]);
    let r = run(c);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("writes local files only"), "{}", r.stderr);
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = dir.path().join("codes.csv");
    std::fs::write(&manifest, "path,isrc\na.wav,USRC17607839\n").expect("write");
    let mut c = Command::cargo_bin("isrckit").expect("binary");
    c.args(["embed", "--manifest"])
        .arg(&manifest)
        .arg("s3://masters/release/");
    let r = run(c);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("writes local files only"), "{}", r.stderr);
    let mut c = Command::cargo_bin("isrckit").expect("binary");
    c.args(["audit", "s3://masters/x/"]).arg(common::testdata());
    let r = run(c);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not both"), "{}", r.stderr);
    let mut c = Command::cargo_bin("isrckit").expect("binary");
    c.args(["inspect", "--verify-checksums", "s3://masters/ddp/"]);
    let r = run(c);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not for object URLs"), "{}", r.stderr);
    let mut c = Command::cargo_bin("isrckit").expect("binary");
    c.args(["audit", "--identity", "audio", "s3://masters/x/"]);
    let r = run(c);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--identity tags"), "{}", r.stderr);
}
