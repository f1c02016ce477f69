//! The content check of `verify`: the parts of a file that are not tags
//! (each container's `Format::structure` lists them, with the range of
//! bytes that must not change) hold the same bytes after a write, not only
//! the same names and sizes. The audio payload inside a part is left out:
//! it is compared on its own.

use super::safe::VerifyError;
use crate::formats::Part;
use std::fs::File;
use std::ops::Range;

/// `range` less the payload `pay` (which may lie inside it): the ranges
/// before and after the payload.
fn around(range: &Range<u64>, pay: &Range<u64>) -> [Range<u64>; 2] {
    let (start, end) = (range.start, range.end.max(range.start));
    [
        start..end.min(pay.start).max(start),
        start.max(pay.end).min(end)..end,
    ]
}

/// Every part of `old` (the original's, at `original`) holds the same
/// bytes as its counterpart in `new` (the temp file's), payloads at
/// `pay_a` and `pay_b` left out. The two lists have the same names and
/// sizes already.
pub(super) fn same_content(
    original: &File,
    temp: &File,
    old: &[Part],
    new: &[Part],
    (pay_a, pay_b, pay_len): (u64, u64, u64),
) -> Result<(), VerifyError> {
    let (pay_a, pay_b) = (
        pay_a..pay_a.saturating_add(pay_len),
        pay_b..pay_b.saturating_add(pay_len),
    );
    for (a, b) in old.iter().zip(new) {
        for (ra, rb) in around(&a.content, &pay_a)
            .iter()
            .zip(&around(&b.content, &pay_b))
        {
            if ra.end - ra.start != rb.end - rb.start {
                return Err(VerifyError::PartMoved(a.name.clone()));
            }
            super::same_bytes(original, ra.start, temp, rb.start, ra.end - ra.start).map_err(
                |e| match e {
                    VerifyError::AudioDiffers(at) => VerifyError::PartChanged {
                        part: a.name.clone(),
                        at: ra.start + at,
                    },
                    other => other,
                },
            )?;
        }
    }
    Ok(())
}
