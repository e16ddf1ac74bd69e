//! How an index spends its file budget: whether it is tiered, how many of
//! its files go to each kind, and which consecutive items (terms, result
//! units, records) share a file.

/// Sites whose raw postings exceed this get head shards, deep records and
/// metadata records (the Rust book, ~224 pages, has ~1 MB; 10,000 pages
/// ~30 MB).
const TIER_MIN_POSTINGS_BYTES: usize = 6 << 20;

/// Whether an index with `postings_bytes` of raw postings gets head shards
/// and metadata bundles; `force` decides instead when given (tests).
pub(super) fn tiered(postings_bytes: usize, force: Option<bool>) -> bool {
    force.unwrap_or(postings_bytes > TIER_MIN_POSTINGS_BYTES)
}

/// Result bundles a plain index's first screen reads (see [`allocate`]).
pub(super) const RESULTS_READ: f64 = 5.0;

/// How many of the `MAX_FILES - 1` non-entry files go to term shards and how
/// many to result bundles. A one-word query reads about `SHARDS_READ` shards
/// and, for its first screen, `results_read` bundles (the search box loads
/// the result data of the top 5 first), so the expected bytes read,
/// `SHARDS_READ·S/ns + results_read·R/nr`, are least with
/// `ns/nr = sqrt(SHARDS_READ·S / (results_read·R))`. (A tiered index has
/// no shards: its result files take what the other kinds leave.)
pub(super) fn allocate(
    shard_bytes: usize,
    result_bytes: usize,
    budget: usize,
    results_read: f64,
) -> (usize, usize) {
    const SHARDS_READ: f64 = 1.5;
    if shard_bytes == 0 || result_bytes == 0 {
        return (budget / 2, budget - budget / 2);
    }
    let r = (SHARDS_READ * shard_bytes as f64 / (results_read * result_bytes as f64)).sqrt();
    let ns = ((budget as f64 * r / (1.0 + r)).round() as usize).clamp(1, budget - 1);
    (ns, budget - ns)
}

/// [`group_starts`] as index ranges, one per file (none for no items).
pub(super) fn group_ranges(
    sizes: &[usize],
    target: usize,
    max_groups: usize,
) -> Vec<std::ops::Range<usize>> {
    if sizes.is_empty() {
        return Vec::new();
    }
    let starts = group_starts(sizes, target, max_groups);
    let ends = starts.iter().skip(1).copied().chain([sizes.len()]);
    starts.iter().zip(ends).map(|(&s, e)| s..e).collect()
}

/// Groups consecutive items into at most `max_groups` groups of roughly
/// `target` bytes; when that would need too many groups, the smallest
/// larger target that fits is used (so the tail is never lumped into one
/// oversized group). Returns the start index of every group.
pub(super) fn group_starts(sizes: &[usize], target: usize, max_groups: usize) -> Vec<usize> {
    let greedy = |target: usize| {
        let mut starts = vec![0];
        let mut acc = 0;
        for (i, &s) in sizes.iter().enumerate() {
            if acc > 0 && acc + s > target {
                starts.push(i);
                acc = 0;
            }
            acc += s;
        }
        starts
    };
    let max_groups = max_groups.max(1);
    let total: usize = sizes.iter().sum();
    let (mut lo, mut hi) = (target.max(total.div_ceil(max_groups)), total.max(1));
    if greedy(lo).len() <= max_groups {
        return greedy(lo);
    }
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if greedy(mid).len() <= max_groups {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    greedy(lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_capped() {
        let sizes = vec![100; 1000];
        assert!(group_starts(&sizes, 10, 7).len() <= 7);
        assert_eq!(group_starts(&sizes, 1000, 100).len(), 100);
    }
}
