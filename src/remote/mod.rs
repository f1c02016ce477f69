//! Masters in object storage: `s3://`, `gs://` and `az://` URLs, listed
//! as folders are walked and read by range request through the same
//! readers as files on disk.
//!
//! - **Stores**: the `object_store` crate (the Arrow project's client:
//!   S3 and S3-compatible stores, Google Cloud Storage, Azure Blob), its
//!   credential chains, paging and retries with backoff. One store per
//!   bucket, built from the environment the way the cloud tools read it
//!   ([`store`]).
//! - **Listing** ([`Remote::walk`]): a prefix is listed (paginated, in key
//!   order, which is the byte order of the `s3://` paths) and each key goes
//!   through the walk's rules: version-control folders, isrckit temp files,
//!   AppleDouble files and the include/exclude globs leave it out and are
//!   counted as a walk counts them ([`crate::walk::Skipped`]).
//! - **Reading** ([`Remote::read_each`]): many objects in flight (`--jobs`,
//!   independent of the CPU count), each read on a worker thread of its own
//!   by the synchronous format readers, whose reads become range requests
//!   ([`reader`]) that the one tokio runtime carries out. A worker waits on
//!   the network, not on a core, so sixty-four of them hide the latency of
//!   each request behind the others.

pub mod reader;

use crate::model::{FileReport, FileStatus};
use crate::walk::{Filter, Skipped, TEMP_PREFIX, VCS_FOLDERS, Walked};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt};
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

/// Objects read at once unless `--jobs` says otherwise: a request to a
/// store takes tens of milliseconds, mostly waiting, so this many
/// workers keep a link busy whatever the machine's core count.
pub const DEFAULT_JOBS: usize = 64;

/// The stores isrckit reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    /// `s3://bucket/key`: AWS S3 and S3-compatible stores.
    S3,
    /// `gs://bucket/key`: Google Cloud Storage.
    Gcs,
    /// `az://container/key`: Azure Blob Storage.
    Azure,
}

impl Scheme {
    fn prefix(self) -> &'static str {
        match self {
            Scheme::S3 => "s3://",
            Scheme::Gcs => "gs://",
            Scheme::Azure => "az://",
        }
    }
}

/// An object URL: a bucket (an Azure container) and a key or prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectUrl {
    /// Which store.
    pub scheme: Scheme,
    /// The bucket.
    pub bucket: String,
    /// The key or prefix, without a leading `/` ("" for the whole bucket).
    pub key: String,
}

impl ObjectUrl {
    /// The URL of a key in the same bucket.
    fn path_of(&self, key: &str) -> PathBuf {
        PathBuf::from(format!("{}{}/{key}", self.scheme.prefix(), self.bucket))
    }

    /// The URL as the user would write it.
    pub fn text(&self) -> String {
        format!("{}{}/{}", self.scheme.prefix(), self.bucket, self.key)
    }
}

/// Whether a path given on the command line is an object URL (`s3://`,
/// `gs://`, `az://`; also `s3a://`, `gcs://`) rather than a local path.
pub fn is_url(p: &Path) -> bool {
    scheme_of(&crate::platform::path_text(p)).is_some()
}

fn scheme_of(text: &str) -> Option<(Scheme, &str)> {
    let (scheme, rest) = text.split_once("://")?;
    let s = match scheme.to_ascii_lowercase().as_str() {
        "s3" | "s3a" => Scheme::S3,
        "gs" | "gcs" => Scheme::Gcs,
        "az" | "azure" | "abfs" | "abfss" => Scheme::Azure,
        _ => return None,
    };
    Some((s, rest))
}

/// Parse an object URL; the error says what is wrong in words.
pub fn parse(p: &Path) -> Result<ObjectUrl, String> {
    let text = crate::platform::path_text(p);
    let (scheme, rest) = scheme_of(&text).ok_or_else(|| {
        format!("{text}: not an object URL (s3://bucket/prefix/, gs://bucket/…, az://container/…)")
    })?;
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(format!(
            "{text}: no bucket: write {}BUCKET/PREFIX/",
            scheme.prefix()
        ));
    }
    Ok(ObjectUrl {
        scheme,
        bucket: bucket.to_string(),
        key: key.trim_start_matches('/').to_string(),
    })
}

/// Why a store or an object could not be read, in words that say what
/// to do: a 403 names the permission, a 404 the object.
pub fn describe(e: &object_store::Error, url: &str, listing: bool) -> String {
    use object_store::Error as E;
    // Some requests (a listing) report a status only in their text.
    let text = flatten(e);
    let status = |code: &str| text.contains(&format!("status code: {code}"));
    let not_found = matches!(e, E::NotFound { .. }) || status("404");
    let denied = matches!(e, E::PermissionDenied { .. }) || status("403");
    match e {
        _ if not_found && listing => format!(
            "{url}: not found (HTTP 404): no such bucket, or the endpoint is not the store that holds it"
        ),
        _ if not_found => format!(
            "{url}: not found (HTTP 404): the object is gone (deleted or renamed since it was listed?)"
        ),
        _ if denied && listing => format!(
            "{url}: access denied (HTTP 403): the credentials may not list this bucket (s3:ListBucket; README: \"Object storage\")"
        ),
        _ if denied => format!(
            "{url}: access denied (HTTP 403): the credentials may not read this object (s3:GetObject; README: \"Object storage\")"
        ),
        E::Unauthenticated { .. } => format!(
            "{url}: not authenticated (HTTP 401): the credentials were refused; check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or the role"
        ),
        _ => format!("{url}: {text}"),
    }
}

/// An error and its sources on one line.
fn flatten(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let t = inner.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = inner.source();
    }
    s
}

/// Build the store for a bucket from the environment, the way the cloud
/// tools do.
///
/// S3: `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`,
/// else the static keys of the profile `AWS_PROFILE` (default `default`)
/// in `~/.aws/credentials` (`AWS_SHARED_CREDENTIALS_FILE`), else a web
/// identity token, the container's or the instance's role. The region
/// from `AWS_REGION`/`AWS_DEFAULT_REGION`, else the profile's in
/// `~/.aws/config` (`AWS_CONFIG_FILE`), else `us-east-1`. The endpoint
/// from `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL` (MinIO, Ceph, R2, B2,
/// a local test server); plain HTTP only when that endpoint the user
/// named is `http://`.
#[cfg(any(feature = "s3", feature = "gcs", feature = "azure"))]
pub fn store(url: &ObjectUrl) -> Result<Arc<dyn ObjectStore>, String> {
    let retry = object_store::RetryConfig::default();
    match url.scheme {
        Scheme::S3 => s3(url, retry),
        Scheme::Gcs => gcs(url, retry),
        Scheme::Azure => azure(url, retry),
    }
}

/// Without any store's feature (a build for checking the rest of the
/// program where the stores' TLS library cannot be compiled, e.g.
/// `cargo check --target x86_64-apple-darwin --no-default-features`
/// without a macOS SDK): every URL is refused with how to get it.
#[cfg(not(any(feature = "s3", feature = "gcs", feature = "azure")))]
pub fn store(url: &ObjectUrl) -> Result<Arc<dyn ObjectStore>, String> {
    Err(format!(
        "{}: this isrckit was built without object storage (build with the default features, or `--features s3`)",
        url.text()
    ))
}

#[cfg(feature = "s3")]
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

#[cfg(all(not(feature = "s3"), any(feature = "gcs", feature = "azure")))]
fn s3(url: &ObjectUrl, _: object_store::RetryConfig) -> Result<Arc<dyn ObjectStore>, String> {
    Err(format!(
        "{}: this isrckit was built without S3 (build with `--features s3`)",
        url.text()
    ))
}

#[cfg(feature = "s3")]
fn s3(url: &ObjectUrl, retry: object_store::RetryConfig) -> Result<Arc<dyn ObjectStore>, String> {
    use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey as K};
    let mut b = AmazonS3Builder::from_env().with_bucket_name(&url.bucket);
    let endpoint = env("AWS_ENDPOINT_URL_S3")
        .or_else(|| env("AWS_ENDPOINT_URL"))
        .or_else(|| env("AWS_ENDPOINT"));
    if let Some(e) = &endpoint {
        b = b.with_endpoint(e);
    }
    // Plain HTTP only to an endpoint the user named: credentials and
    // masters never cross the internet unencrypted by default.
    let http = endpoint
        .as_deref()
        .is_some_and(|e| e.to_ascii_lowercase().starts_with("http://"));
    let options = object_store::ClientOptions::new()
        .with_allow_http(http)
        .with_connect_timeout(std::time::Duration::from_secs(10))
        .with_timeout(std::time::Duration::from_secs(60));
    b = b.with_client_options(options).with_retry(retry);
    let profile = profile::Profile::load();
    let has_keys = b.get_config_value(&K::AccessKeyId).is_some();
    let has_role = b.get_config_value(&K::WebIdentityTokenFile).is_some()
        || b.get_config_value(&K::ContainerCredentialsRelativeUri)
            .is_some()
        || b.get_config_value(&K::ContainerCredentialsFullUri)
            .is_some();
    if !has_keys && !has_role {
        match &profile {
            Some(p) if p.access_key_id.is_some() => {
                if let (Some(id), Some(secret)) = (&p.access_key_id, &p.secret_access_key) {
                    b = b.with_access_key_id(id).with_secret_access_key(secret);
                }
                if let Some(t) = &p.session_token {
                    b = b.with_token(t);
                }
            }
            _ if env("AWS_EC2_METADATA_DISABLED")
                .is_some_and(|v| v.eq_ignore_ascii_case("true")) =>
            {
                return Err(format!(
                    "{}: no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (static keys in ~/.aws/credentials); AWS_EC2_METADATA_DISABLED rules out the instance role",
                    url.text()
                ));
            }
            _ => {}
        }
    }
    if b.get_config_value(&K::Region).is_none()
        && b.get_config_value(&K::DefaultRegion).is_none()
        && let Some(region) = profile.as_ref().and_then(|p| p.region.clone())
    {
        b = b.with_region(region);
    }
    b.build()
        .map(|s| Arc::new(s) as Arc<dyn ObjectStore>)
        .map_err(|e| format!("{}: {}", url.text(), flatten(&e)))
}

#[cfg(feature = "gcs")]
fn gcs(url: &ObjectUrl, retry: object_store::RetryConfig) -> Result<Arc<dyn ObjectStore>, String> {
    object_store::gcp::GoogleCloudStorageBuilder::from_env()
        .with_bucket_name(&url.bucket)
        .with_retry(retry)
        .build()
        .map(|s| Arc::new(s) as Arc<dyn ObjectStore>)
        .map_err(|e| format!("{}: {}", url.text(), flatten(&e)))
}

#[cfg(all(not(feature = "gcs"), any(feature = "s3", feature = "azure")))]
fn gcs(url: &ObjectUrl, _: object_store::RetryConfig) -> Result<Arc<dyn ObjectStore>, String> {
    Err(format!(
        "{}: this isrckit was built without Google Cloud Storage (build with `--features gcs`)",
        url.text()
    ))
}

#[cfg(feature = "azure")]
fn azure(
    url: &ObjectUrl,
    retry: object_store::RetryConfig,
) -> Result<Arc<dyn ObjectStore>, String> {
    object_store::azure::MicrosoftAzureBuilder::from_env()
        .with_container_name(&url.bucket)
        .with_retry(retry)
        .build()
        .map(|s| Arc::new(s) as Arc<dyn ObjectStore>)
        .map_err(|e| format!("{}: {}", url.text(), flatten(&e)))
}

#[cfg(all(not(feature = "azure"), any(feature = "s3", feature = "gcs")))]
fn azure(url: &ObjectUrl, _: object_store::RetryConfig) -> Result<Arc<dyn ObjectStore>, String> {
    Err(format!(
        "{}: this isrckit was built without Azure Blob Storage (build with `--features azure`)",
        url.text()
    ))
}

#[cfg(feature = "s3")]
mod profile;

/// A listed object waiting to be read.
struct Listed {
    store: Arc<dyn ObjectStore>,
    location: ObjectPath,
    size: u64,
}

/// A counting semaphore: at most `jobs` objects read at once, however
/// many batches the pipeline has out.
struct Slots {
    free: Mutex<usize>,
    freed: Condvar,
}

impl Slots {
    fn take(&self) -> SlotGuard<'_> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        SlotGuard(self)
    }
}

struct SlotGuard<'a>(&'a Slots);

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.0.freed.notify_one();
    }
}

/// Object URLs to audit or inspect: one runtime, the stores, the objects
/// listed and not yet read.
pub struct Remote {
    urls: Vec<ObjectUrl>,
    stores: Vec<Arc<dyn ObjectStore>>,
    rt: tokio::runtime::Runtime,
    jobs: usize,
    slots: Slots,
    listed: Mutex<HashMap<PathBuf, Listed>>,
    /// Range requests made (for the statistics line).
    pub requests: AtomicU64,
    /// Bytes fetched.
    pub fetched: AtomicU64,
    /// Objects read.
    pub objects: AtomicU64,
}

impl Remote {
    /// Set up the stores for `paths` (all object URLs), reading at most
    /// `jobs` objects at once. Fails on a URL that does not parse or a
    /// store that cannot be configured (no credentials, a scheme compiled
    /// out), before any request.
    pub fn new(paths: &[PathBuf], jobs: usize) -> Result<Remote, String> {
        let urls = paths
            .iter()
            .map(|p| parse(p))
            .collect::<Result<Vec<_>, _>>()?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("isrckit-io")
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the network runtime: {e}"))?;
        let mut by_bucket: HashMap<(Scheme, String), Arc<dyn ObjectStore>> = HashMap::new();
        let mut stores = Vec::new();
        for u in &urls {
            let k = (u.scheme, u.bucket.clone());
            let s = match by_bucket.get(&k) {
                Some(s) => s.clone(),
                None => {
                    // Building a store reads no network, but some
                    // builders want a runtime about.
                    let _guard = rt.enter();
                    let s = store(u)?;
                    by_bucket.insert(k, s.clone());
                    s
                }
            };
            stores.push(s);
        }
        let jobs = jobs.max(1);
        Ok(Remote {
            urls,
            stores,
            rt,
            jobs,
            slots: Slots {
                free: Mutex::new(jobs),
                freed: Condvar::new(),
            },
            listed: Mutex::new(HashMap::new()),
            requests: AtomicU64::new(0),
            fetched: AtomicU64::new(0),
            objects: AtomicU64::new(0),
        })
    }

    /// Check that each URL names something: an object, or a prefix with
    /// objects under it (one request each). The error says which does not
    /// and why (a 403, a 404, no object under the prefix).
    pub fn check(&self) -> Result<(), String> {
        use futures_util::StreamExt;
        for (u, s) in self.urls.iter().zip(&self.stores) {
            let text = u.text();
            if self.object_key(u, s)?.is_some() {
                continue;
            }
            let prefix = folder_prefix(&u.key);
            let first = self.rt.block_on(async {
                let mut stream = s.list(prefix.as_ref());
                stream.next().await
            });
            match first {
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(describe(&e, &text, true)),
                None => {
                    return Err(format!(
                        "{text}: no object at this URL or under it (an empty or misspelt prefix?)"
                    ));
                }
            }
        }
        Ok(())
    }

    /// The object a URL names, if it names one (not a prefix): a HEAD
    /// request, only for a URL that does not end in `/`.
    fn object_key(
        &self,
        u: &ObjectUrl,
        s: &Arc<dyn ObjectStore>,
    ) -> Result<Option<object_store::ObjectMeta>, String> {
        if u.key.is_empty() || u.key.ends_with('/') {
            return Ok(None);
        }
        match self.rt.block_on(s.head(&ObjectPath::from(u.key.as_str()))) {
            Ok(m) => Ok(Some(m)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(describe(&e, &u.text(), false)),
        }
    }

    /// List the URLs as [`crate::walk::walk`] walks folders: each object
    /// handed to `found` by its URL, in path order, with the same rules
    /// (and counts) for what is left out.
    pub fn walk(
        &self,
        filter: &Filter,
        found: &mut dyn FnMut(PathBuf) -> io::Result<()>,
    ) -> io::Result<Walked> {
        use futures_util::StreamExt;
        let mut done = Walked::default();
        let stream_out = self.urls.len() == 1;
        let mut all = Vec::new();
        for (u, s) in self.urls.iter().zip(&self.stores) {
            let mut hand = |p: PathBuf, l: Listed| -> io::Result<()> {
                self.lock_listed().insert(p.clone(), l);
                if stream_out {
                    found(p)
                } else {
                    all.push(p);
                    Ok(())
                }
            };
            match self.object_key(u, s) {
                Ok(Some(meta)) => {
                    // A named object is taken whatever the globs say.
                    let l = Listed {
                        store: s.clone(),
                        location: meta.location,
                        size: meta.size,
                    };
                    hand(u.path_of(&u.key), l)?;
                    continue;
                }
                Ok(None) => {}
                Err(why) => {
                    done.errors.push((u.path_of(&u.key), why));
                    continue;
                }
            }
            let prefix = folder_prefix(&u.key);
            let root_key = prefix.as_ref().map(|p| p.as_ref().to_string());
            let root = u.path_of(root_key.as_deref().unwrap_or(""));
            let root = PathBuf::from(crate::platform::path_text(&root).trim_end_matches('/'));
            let mut vcs = BTreeSet::new();
            let mut stream = s.list(prefix.as_ref());
            // Keys wait here until their folder is known to hold a DDP
            // image or not (its DDPID sorts after some of its files).
            let mut images = Images::default();
            let mut pending: VecDeque<object_store::ObjectMeta> = VecDeque::new();
            loop {
                let item = self.rt.block_on(stream.next());
                let at = match item {
                    None => None,
                    Some(Err(e)) => {
                        done.errors
                            .push((root.clone(), describe(&e, &u.text(), true)));
                        None
                    }
                    Some(Ok(meta)) => {
                        let key = meta.location.as_ref().to_string();
                        images.saw(&key);
                        let rel = match &root_key {
                            Some(r) => key.strip_prefix(r.as_str()).unwrap_or(&key),
                            None => &key,
                        }
                        .trim_start_matches('/');
                        if let Judged::Take = judge(rel, filter, &mut done.skipped, &mut vcs) {
                            pending.push_back(meta);
                        }
                        Some(key)
                    }
                };
                while let Some(front) = pending.front() {
                    let (folder, name) = split_key(front.location.as_ref());
                    let folder = folder.to_string();
                    let passed = at.as_deref().is_none_or(|k| images.passed(&folder, k));
                    if !images.known(&folder) {
                        if !passed && pending.len() < MAX_PENDING {
                            break;
                        }
                        // Past its DDPID's place, or too many keys held:
                        // settle the folder (a listing of it if needed).
                        let members = self.image_members(s, &folder, &mut images, passed);
                        images.settle(&folder, members);
                    }
                    let member = images.member(&folder, name);
                    let Some(meta) = pending.pop_front() else {
                        break;
                    };
                    if member {
                        done.skipped.image_files += 1;
                        continue;
                    }
                    let path = u.path_of(meta.location.as_ref());
                    let l = Listed {
                        store: s.clone(),
                        location: meta.location,
                        size: meta.size,
                    };
                    hand(path, l)?;
                }
                if at.is_none() {
                    break;
                }
            }
            done.skipped.vcs_folders += vcs.len() as u64;
        }
        if !stream_out {
            all.sort_unstable_by(|a, b| crate::walk::path_order(a, b));
            all.dedup();
            for p in all {
                found(p)?;
            }
        }
        Ok(done)
    }

    fn lock_listed(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Listed>> {
        self.listed.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Read a batch of listed objects, up to `--jobs` at once across all
    /// batches, handing each report to `then` on the thread that read it;
    /// the results come back in the batch's order.
    pub fn read_each<T: Send, F: Fn(FileReport) -> T + Sync>(
        &self,
        batch: &[PathBuf],
        then: &F,
    ) -> Vec<T> {
        let next = AtomicUsize::new(0);
        let results: Vec<Mutex<Option<T>>> = batch.iter().map(|_| Mutex::new(None)).collect();
        let workers = self.jobs.min(batch.len());
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(path) = batch.get(i) else {
                            break;
                        };
                        let report = {
                            let _slot = self.slots.take();
                            self.read(path)
                        };
                        let r = then(report);
                        *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
                    }
                });
            }
        });
        results
            .into_iter()
            .filter_map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
            .collect()
    }

    /// Read one listed object: its report, as for a file on disk.
    pub fn read(&self, path: &Path) -> FileReport {
        let listed = self.lock_listed().remove(path);
        let Some(l) = listed else {
            let mut r = crate::engine::read_bytes(path, &[]);
            r.status = FileStatus::Unreadable;
            r.error = Some("not listed: isrckit reads only objects it listed".into());
            r.container = None;
            return r;
        };
        let handle = self.rt.handle().clone();
        let url = crate::platform::path_text(path).into_owned();
        let fetch = |range: std::ops::Range<u64>| -> io::Result<Vec<u8>> {
            handle
                .block_on(l.store.get_range(&l.location, range))
                .map(|b| b.to_vec())
                .map_err(|e| io::Error::other(describe(&e, &url, false)))
        };
        let mut reader = reader::RangeReader::new(l.size, Box::new(fetch));
        let parts: Vec<_> = l.location.parts().collect();
        let beside = Beside {
            store: &l.store,
            dir: parts[..parts.len().saturating_sub(1)]
                .iter()
                .cloned()
                .collect(),
            handle: &handle,
            url: &url,
            listed: Mutex::new(None),
            requests: AtomicU64::new(0),
            fetched: AtomicU64::new(0),
        };
        let report = crate::engine::read_object(path, &mut reader, l.size, &beside);
        self.requests.fetch_add(
            reader.requests + beside.requests.load(Ordering::Relaxed),
            Ordering::Relaxed,
        );
        self.fetched.fetch_add(
            reader.fetched + beside.fetched.load(Ordering::Relaxed),
            Ordering::Relaxed,
        );
        self.objects.fetch_add(1, Ordering::Relaxed);
        report
    }

    /// Every listed object read, in path order (`inspect`).
    pub fn read_all(&self, files: &[PathBuf]) -> Vec<FileReport> {
        self.read_each(files, &|r| r)
    }
}

impl crate::audit::run::Inputs for Remote {
    fn walk(
        &self,
        filter: &Filter,
        found: &mut dyn FnMut(PathBuf) -> io::Result<()>,
    ) -> io::Result<Walked> {
        Remote::walk(self, filter, found)
    }

    fn read_each<T: Send, F: Fn(FileReport, Option<[u8; 32]>) -> T + Sync>(
        &self,
        batch: &[PathBuf],
        _hash: bool,
        then: &F,
    ) -> Vec<T> {
        // `--identity audio` is refused for object URLs (it reads the audio).
        Remote::read_each(self, batch, &|r| then(r, None))
    }
}

/// The objects beside one object, under the same prefix: the other files
/// of a DDP image. Listed once (one request), on the first look.
#[derive(Debug)]
struct Beside<'r> {
    store: &'r Arc<dyn ObjectStore>,
    dir: ObjectPath,
    handle: &'r tokio::runtime::Handle,
    url: &'r str,
    listed: Mutex<Option<Vec<(String, ObjectPath, u64)>>>,
    requests: AtomicU64,
    fetched: AtomicU64,
}

impl Beside<'_> {
    fn list(&self) -> io::Result<Vec<(String, ObjectPath, u64)>> {
        let mut listed = self.listed.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(l) = listed.as_ref() {
            return Ok(l.clone());
        }
        let dir = (!self.dir.as_ref().is_empty()).then_some(&self.dir);
        let got = self
            .handle
            .block_on(self.store.list_with_delimiter(dir))
            .map_err(|e| io::Error::other(describe(&e, self.url, true)))?;
        self.requests.fetch_add(1, Ordering::Relaxed);
        let l: Vec<_> = got
            .objects
            .into_iter()
            .filter_map(|m| {
                let name = m.location.filename()?.to_string();
                Some((name, m.location, m.size))
            })
            .collect();
        *listed = Some(l.clone());
        Ok(l)
    }
}

impl crate::formats::Siblings for Beside<'_> {
    fn names(&self) -> Vec<String> {
        self.list()
            .map(|l| l.into_iter().map(|(n, _, _)| n).collect())
            .unwrap_or_default()
    }

    fn open(&self, name: &str) -> io::Result<Option<crate::formats::SiblingFile<'_>>> {
        let Some((_, location, size)) = self.list()?.into_iter().find(|(n, _, _)| n == name) else {
            return Ok(None);
        };
        let fetch = move |range: std::ops::Range<u64>| -> io::Result<Vec<u8>> {
            self.requests.fetch_add(1, Ordering::Relaxed);
            self.fetched
                .fetch_add(range.end - range.start, Ordering::Relaxed);
            self.handle
                .block_on(self.store.get_range(&location, range))
                .map(|b| b.to_vec())
                .map_err(|e| io::Error::other(describe(&e, self.url, false)))
        };
        Ok(Some((
            Box::new(reader::RangeReader::new(size, Box::new(fetch))),
            size,
        )))
    }
}

/// Keys held back at most while a folder's DDP image is not settled; past
/// this the folder is listed to settle it.
const MAX_PENDING: usize = 1000;

/// The names a DDPID goes by, in the order the folder walk looks for them.
const DDPID_NAMES: [&str; 3] = ["DDPID", "ddpid", "Ddpid"];

/// A key's folder (without its `/`) and name.
fn split_key(key: &str) -> (&str, &str) {
    key.rsplit_once('/').unwrap_or(("", key))
}

/// Which listed folders hold a DDP image, and its other files.
#[derive(Default)]
struct Images {
    /// DDPID keys seen, by folder.
    ddpids: HashMap<String, Vec<String>>,
    /// Settled folders: the image's other files, or `None`.
    settled: HashMap<String, Option<Vec<String>>>,
}

impl Images {
    fn saw(&mut self, key: &str) {
        let (folder, name) = split_key(key);
        if DDPID_NAMES.contains(&name) {
            self.ddpids
                .entry(folder.to_string())
                .or_default()
                .push(name.to_string());
        }
    }

    /// Whether the listing, now at `key`, is past every place a DDPID of
    /// `folder` could sort.
    fn passed(&self, folder: &str, key: &str) -> bool {
        let last = if folder.is_empty() {
            "ddpid".to_string()
        } else {
            format!("{folder}/ddpid")
        };
        key > last.as_str()
    }

    fn known(&self, folder: &str) -> bool {
        self.settled.contains_key(folder)
    }

    fn settle(&mut self, folder: &str, members: Option<Vec<String>>) {
        self.settled.insert(folder.to_string(), members);
    }

    /// Whether `name` in `folder` is one of its image's files (not its DDPID).
    fn member(&self, folder: &str, name: &str) -> bool {
        match self.settled.get(folder) {
            Some(Some(m)) => {
                !name.eq_ignore_ascii_case("DDPID") && crate::formats::ddp::is_member(m, name)
            }
            _ => false,
        }
    }
}

impl Remote {
    /// The other files of the DDP image in `folder`, if it holds one (as
    /// `crate::formats::ddp::members` finds them on disk): its DDPID's
    /// first bytes and its map are fetched. `listed_all`: the listing has
    /// gone past the folder's DDPID, so `images` knows whether it has one;
    /// otherwise the folder is listed.
    fn image_members(
        &self,
        s: &Arc<dyn ObjectStore>,
        folder: &str,
        images: &mut Images,
        listed_all: bool,
    ) -> Option<Vec<String>> {
        let dir = (!folder.is_empty()).then(|| ObjectPath::from(folder));
        let mut entries: Option<Vec<object_store::ObjectMeta>> = None;
        let mut list = |this: &Self| -> Vec<object_store::ObjectMeta> {
            entries
                .get_or_insert_with(|| {
                    this.rt
                        .block_on(s.list_with_delimiter(dir.as_ref()))
                        .map(|r| r.objects)
                        .unwrap_or_default()
                })
                .clone()
        };
        let seen: Vec<String> = if listed_all {
            images.ddpids.get(folder).cloned().unwrap_or_default()
        } else {
            list(self)
                .iter()
                .filter_map(|m| m.location.filename().map(str::to_string))
                .filter(|n| DDPID_NAMES.contains(&n.as_str()))
                .collect()
        };
        let id = DDPID_NAMES.iter().find(|n| seen.iter().any(|s| s == *n))?;
        let key = |name: &str| {
            if folder.is_empty() {
                ObjectPath::from(name)
            } else {
                ObjectPath::from(format!("{folder}/{name}"))
            }
        };
        let head = self.rt.block_on(s.get_range(&key(id), 0..8)).ok()?;
        let objects = list(self);
        let name_of = |m: &object_store::ObjectMeta| m.location.filename().map(str::to_string);
        let ms = objects
            .iter()
            .find(|m| name_of(m).as_deref() == Some("DDPMS"))
            .or_else(|| {
                objects
                    .iter()
                    .find(|m| name_of(m).is_some_and(|n| n.eq_ignore_ascii_case("DDPMS")))
            });
        let map = match ms {
            Some(m) if m.size > 0 => self
                .rt
                .block_on(s.get_range(&m.location, 0..m.size.min(crate::formats::ddp::MAP_BYTES)))
                .map(|b| b.to_vec())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        crate::formats::ddp::member_names(&head, &map)
    }
}

/// The prefix a folder URL lists: the key with a `/` after it (`None`
/// for the whole bucket).
fn folder_prefix(key: &str) -> Option<ObjectPath> {
    let k = key.trim_end_matches('/');
    (!k.is_empty()).then(|| ObjectPath::from(k))
}

enum Judged {
    Take,
    Leave,
}

/// The walk's rules for one key, relative to the listed prefix: what a
/// folder walk leaves out is left out here, and counted the same way.
fn judge(rel: &str, filter: &Filter, skipped: &mut Skipped, vcs: &mut BTreeSet<String>) -> Judged {
    let parts: Vec<&str> = rel.split('/').collect();
    let Some((&name, dirs)) = parts.split_last() else {
        return Judged::Leave;
    };
    if name.is_empty() {
        // A folder marker (`prefix/`, 0 bytes) some tools make.
        return Judged::Leave;
    }
    if let Some(i) = dirs.iter().position(|d| VCS_FOLDERS.contains(d)) {
        vcs.insert(dirs[..=i].join("/"));
        return Judged::Leave;
    }
    if name.starts_with(TEMP_PREFIX) {
        skipped.temp_files += 1;
        return Judged::Leave;
    }
    if name.starts_with("._") || name == ".DS_Store" {
        skipped.system_files += 1;
        return Judged::Leave;
    }
    let rel = Path::new(rel);
    let keep = filter.include.is_none_or(|m| m.is_match(rel))
        && !filter.exclude.is_some_and(|m| m.is_match(rel));
    if !keep {
        skipped.filtered += 1;
        return Judged::Leave;
    }
    Judged::Take
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_into_bucket_and_key() {
        let u = parse(Path::new("s3://masters/label/2024/")).expect("url");
        assert_eq!(
            (u.scheme, u.bucket.as_str(), u.key.as_str()),
            (Scheme::S3, "masters", "label/2024/")
        );
        let u = parse(Path::new("gs://b")).expect("url");
        assert_eq!((u.scheme, u.key.as_str()), (Scheme::Gcs, ""));
        let u = parse(Path::new("az://container/x.wav")).expect("url");
        assert_eq!(u.scheme, Scheme::Azure);
        assert!(parse(Path::new("s3:///x")).is_err());
        assert!(!is_url(Path::new("masters/s3:/x")));
        assert!(is_url(Path::new("S3://b/")));
        assert!(!is_url(Path::new("http://example/x")));
    }

    #[test]
    fn keys_are_judged_by_the_walks_rules() {
        let exclude = crate::walk::Matcher::new(&["*.mp3".to_string()]).expect("glob");
        let filter = Filter {
            include: None,
            exclude: Some(&exclude),
        };
        let mut skipped = Skipped::default();
        let mut vcs = BTreeSet::new();
        let mut taken = Vec::new();
        for k in [
            "a/.git/lfs/objects/x.wav",
            "a/.git/HEAD",
            "b/.hg/y.wav",
            "a/._x.wav",
            "a/.DS_Store",
            "a/.isrckit-tmp-1-x.wav",
            "a/x.mp3",
            "a/",
            "a/.hidden.wav",
            "a/x.wav",
        ] {
            if let Judged::Take = judge(k, &filter, &mut skipped, &mut vcs) {
                taken.push(k);
            }
        }
        assert_eq!(taken, ["a/.hidden.wav", "a/x.wav"]);
        assert_eq!(vcs.len(), 2);
        assert_eq!(
            skipped,
            Skipped {
                not_audio: 0,
                temp_files: 1,
                vcs_folders: 0,
                system_files: 2,
                filtered: 1,
                image_files: 0,
            }
        );
    }
}
