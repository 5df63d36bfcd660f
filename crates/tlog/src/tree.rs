//! Tree hashes: from the stored-hash layout, and streaming over leaves with [`TreeBuilder`].

use std::ops::Range;

use crate::hash::{Hash, empty_root, node_hash};
use crate::stored::{HashReader, TlogError, check_tree_size, read_exact, stored_hash_index};

/// RFC 6962 Merkle tree hash of the first `size` records, read from the
/// stored-hash layout (`size` 0 gives [`empty_root`]).
///
/// Reads one stored hash per set bit of `size`, in one `read_hashes` call.
pub fn tree_hash<R: HashReader + ?Sized>(size: u64, reader: &R) -> Result<Hash, TlogError> {
    check_tree_size(size)?;
    if size == 0 {
        return Ok(empty_root());
    }
    let whole_tree = 0..size;
    Ok(span_hashes(std::slice::from_ref(&whole_tree), reader)?[0])
}

/// Streaming RFC 6962 root over leaf hashes pushed in order.
///
/// Keeps only the roots of the complete subtrees of the size decomposition (a
/// compact range), so memory is O(log n): a verifier can read a ledger line by
/// line without keeping it.
#[derive(Debug, Clone, Default)]
pub struct TreeBuilder {
    /// Roots of the perfect subtrees covering `0..size`, largest (leftmost) first.
    subtree_roots: Vec<Hash>,
    size: u64,
}

impl TreeBuilder {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the next leaf hash (see [`crate::leaf_hash`]).
    pub fn push(&mut self, leaf: Hash) {
        self.push_with_stored(leaf, |_| {});
    }

    /// Appends the next leaf hash, handing `stored` each hash the Go
    /// `sumdb/tlog` layout stores for this record, in order: the leaf, then
    /// every subtree root it completes (see [`crate::stored_hashes_for_record`]).
    pub fn push_with_stored(&mut self, leaf: Hash, mut stored: impl FnMut(&Hash)) {
        stored(&leaf);
        let mut subtree = leaf;
        // Each trailing one bit of the old size is a same-sized subtree on the
        // left that the new leaf completes.
        for _ in 0..self.size.trailing_ones() {
            let left = self
                .subtree_roots
                .pop()
                .expect("one stored subtree per set bit of the size");
            subtree = node_hash(&left, &subtree);
            stored(&subtree);
        }
        self.subtree_roots.push(subtree);
        self.size += 1;
    }

    /// Number of leaves pushed.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// RFC 6962 root of the leaves pushed so far ([`empty_root`] when none).
    pub fn root(&self) -> Hash {
        fold_subtrees(&self.subtree_roots).unwrap_or_else(empty_root)
    }
}

/// Largest power of two strictly below `n` (`n >= 2`): RFC 6962's split point `k`.
pub(crate) fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// Hashes of several record spans, with a single read for all of them.
///
/// Every span the RFC recursions produce starts at a multiple of a power of two
/// at least as large as the span, so it splits into complete aligned subtrees
/// (one per set bit of its length, largest first) that are stored as is.
pub(crate) fn span_hashes<R: HashReader + ?Sized>(spans: &[Range<u64>], reader: &R) -> Result<Vec<Hash>, TlogError> {
    let mut indexes = Vec::new();
    for span in spans {
        indexes.extend(span_subtrees(span).map(|(level, n)| stored_hash_index(level, n)));
    }
    let stored = read_exact(reader, &indexes)?;
    let mut remaining = stored.as_slice();
    let mut hashes = Vec::with_capacity(spans.len());
    for span in spans {
        let n_subtrees = (span.end - span.start).count_ones() as usize;
        let (subtrees, rest) = remaining.split_at(n_subtrees);
        remaining = rest;
        hashes.push(fold_subtrees(subtrees).expect("spans are never empty"));
    }
    Ok(hashes)
}

/// `(level, number)` of the complete subtrees making up `span`, left to right.
fn span_subtrees(span: &Range<u64>) -> impl Iterator<Item = (u32, u64)> {
    let length = span.end - span.start;
    let mut start = span.start;
    (0..u64::BITS)
        .rev()
        .filter(move |level| (length >> level) & 1 == 1)
        .map(move |level| {
            let subtree = (level, start >> level);
            start += 1 << level;
            subtree
        })
}

/// Combines perfect subtrees, largest first, into the RFC 6962 hash of their
/// concatenation: the right edge of a tree folds from the right.
fn fold_subtrees(subtrees: &[Hash]) -> Option<Hash> {
    let (last, rest) = subtrees.split_last()?;
    Some(rest.iter().rev().fold(*last, |right, left| node_hash(left, &right)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_split(n: u64, expect: u64) {
        assert_eq!(split_point(n), expect, "split of {n}");
    }

    #[test]
    fn split_is_largest_power_of_two_below() {
        check_split(2, 1);
        check_split(3, 2);
        check_split(4, 2);
        check_split(5, 4);
        check_split(8, 4);
        check_split(9, 8);
        check_split(1 << 62, 1 << 61);
        check_split((1 << 62) + 1, 1 << 62);
    }

    fn check_subtrees(span: Range<u64>, expect: &[(u32, u64)]) {
        assert_eq!(span_subtrees(&span).collect::<Vec<_>>(), expect, "span {span:?}");
    }

    #[test]
    fn spans_split_into_aligned_subtrees() {
        check_subtrees(0..1, &[(0, 0)]);
        check_subtrees(0..8, &[(3, 0)]);
        check_subtrees(0..7, &[(2, 0), (1, 2), (0, 6)]);
        check_subtrees(8..14, &[(2, 2), (1, 6)]);
        check_subtrees(16..21, &[(2, 4), (0, 20)]);
    }

    #[test]
    fn builder_starts_empty() {
        let builder = TreeBuilder::new();
        assert_eq!(builder.size(), 0);
        assert_eq!(builder.root(), empty_root());
    }
}
