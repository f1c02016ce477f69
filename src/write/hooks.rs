//! Test hooks, in debug builds only (release builds compile them to
//! nothing): the tests drive the writer through its failure and race
//! windows deterministically.
//!
//! - `ISRCKIT_TEST_FAULT=step[,step…]`: that step fails with an injected
//!   error (`temp-sync`, `link`, `rename`, `in-place-sync`,
//!   `in-place-readback`; `set-between`: each replacement after the first
//!   of a write of several files, a DDP image), or behaves as on a file
//!   system without it (`no-tmpfile`: the named temp file fallback).
//! - `ISRCKIT_TEST_PAUSE=step:ms[,step:ms…]`: sleep there, after printing
//!   `isrckit: test pause at STEP` on stderr (so a test knows the step was
//!   reached). Steps: `temp-created`, `copied`, `locked`,
//!   `before-rename`, `in-place-written`, and for a write of several files
//!   `set-staged` (every temp file written and checked) and
//!   `set-first-replaced`.
//! - `ISRCKIT_TEST_LOCK_WAIT_MS=n`: how long a write waits for another
//!   writer's lock (default [`LOCK_WAIT`]).

use std::io;
use std::time::Duration;

/// How long a write waits for another isrckit writing the same file.
pub(crate) const LOCK_WAIT: Duration = Duration::from_secs(10);

#[cfg(debug_assertions)]
fn listed(var: &str, step: &str) -> Option<String> {
    let v = std::env::var(var).ok()?;
    v.split(',')
        .map(str::trim)
        .find(|item| item.split(':').next() == Some(step))
        .map(str::to_string)
}

/// An injected failure at `step`, if the tests asked for one.
pub(crate) fn fault(step: &str) -> io::Result<()> {
    #[cfg(debug_assertions)]
    if listed("ISRCKIT_TEST_FAULT", step).is_some() {
        return Err(io::Error::other(format!(
            "injected fault at {step} (ISRCKIT_TEST_FAULT)"
        )));
    }
    let _ = step;
    Ok(())
}

/// Whether the tests asked to leave out a capability (`no-tmpfile`).
pub(crate) fn without(what: &str) -> bool {
    #[cfg(debug_assertions)]
    if listed("ISRCKIT_TEST_FAULT", what).is_some() {
        return true;
    }
    let _ = what;
    false
}

/// Pause at `step` if the tests asked for it.
pub(crate) fn pause(step: &str) {
    #[cfg(debug_assertions)]
    if let Some(item) = listed("ISRCKIT_TEST_PAUSE", step) {
        let ms = item
            .split(':')
            .nth(1)
            .and_then(|m| m.parse().ok())
            .unwrap_or(0u64);
        eprintln!("isrckit: test pause at {step}");
        std::thread::sleep(Duration::from_millis(ms));
    }
    let _ = step;
}

/// How long to wait for another writer's lock.
pub(crate) fn lock_wait() -> Duration {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("ISRCKIT_TEST_LOCK_WAIT_MS")
        .ok()
        .and_then(|m| m.parse().ok())
    {
        return Duration::from_millis(ms);
    }
    LOCK_WAIT
}
