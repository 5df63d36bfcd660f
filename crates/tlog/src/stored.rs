//! The stored-hash layout (the layout of Go's `sumdb/tlog` `StoredHashes`) and the reader trait over it.
//!
//! The layout is a flat sequence of 32-byte hashes. Appending record `n`
//! (0-based) appends its leaf hash, then the hash of every subtree that record
//! completes, lowest level first: `1 + trailing_ones(n)` hashes in all. A
//! store that keeps this sequence in a file can read any complete aligned
//! subtree with one positioned read, which is what makes proofs cheap.
//!
//! ```text
//! records:  0   1       2   3               4 ...
//! hashes:   L0  L1 N01  L2  L3 N23 N0123    L4 ...
//! index:    0   1  2    3   4  5   6        7
//! ```

use crate::hash::{Hash, node_hash};

/// Largest tree size the layout arithmetic handles without overflow.
///
/// The stored-hash index of the last record of a tree of `2^62` records still
/// fits in a `u64`; no real ledger comes near it.
pub const MAX_TREE_SIZE: u64 = 1 << 62;

/// Errors of reading stored hashes and of building trees and proofs from them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlogError {
    /// An in-memory reader was asked for a hash past its end.
    #[error("stored hash {index} requested, but only {stored} hashes are stored")]
    HashIndexOutOfRange {
        /// Index asked for.
        index: u64,
        /// Number of hashes held.
        stored: u64,
    },
    /// A [`HashReader`] returned a different number of hashes than asked for.
    #[error("hash reader returned {returned} hashes for {asked} indexes")]
    ReaderCountMismatch {
        /// Number of indexes passed.
        asked: usize,
        /// Number of hashes returned.
        returned: usize,
    },
    /// A [`HashReader`] backed by a file failed to read.
    #[error("reading stored hash {index}")]
    Read {
        /// First index of the failed read.
        index: u64,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// A leaf index at or beyond the tree size.
    #[error("leaf index {index} is not in a tree of size {size}")]
    IndexNotInTree {
        /// The leaf index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// Consistency from the empty tree is not a proof (RFC 9162 needs `0 < m`).
    #[error("consistency proofs need an old size of at least 1")]
    OldSizeZero,
    /// Consistency asked from a larger tree to a smaller one.
    #[error("old size {old_size} exceeds new size {new_size}")]
    OldSizeExceedsNewSize {
        /// The old tree size.
        old_size: u64,
        /// The new tree size.
        new_size: u64,
    },
    /// A tree size past [`MAX_TREE_SIZE`].
    #[error("tree size {size} exceeds the supported maximum {max}")]
    TreeTooLarge {
        /// The size asked for.
        size: u64,
        /// [`MAX_TREE_SIZE`].
        max: u64,
    },
}

/// Random access to stored hashes, by their position in the layout.
///
/// Implement it over a file with one positioned read of 32 bytes per index
/// (index `i` lives at byte offset `32 * i`). Callers batch their indexes, in
/// the order they need them; the result must be in that same order.
pub trait HashReader {
    /// Returns the hashes at `indexes`, in the order asked.
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError>;
}

impl HashReader for [Hash] {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        indexes
            .iter()
            .map(|&index| {
                usize::try_from(index)
                    .ok()
                    .and_then(|position| self.get(position))
                    .copied()
                    .ok_or(TlogError::HashIndexOutOfRange {
                        index,
                        stored: self.len() as u64,
                    })
            })
            .collect()
    }
}

impl HashReader for Vec<Hash> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        self.as_slice().read_hashes(indexes)
    }
}

/// Position in the layout of the hash of subtree number `n` at `level`, the
/// subtree covering records `n * 2^level .. (n + 1) * 2^level`.
///
/// Level 0 is the leaf hash of record `n`. Meaningful for subtrees that end
/// within [`MAX_TREE_SIZE`] records.
pub fn stored_hash_index(level: u32, n: u64) -> u64 {
    // The subtree is completed by its last record; that record's hashes start
    // right after everything stored for the records before it, leaf first,
    // then one per level.
    let last_record = ((n + 1) << level) - 1;
    stored_hash_count(last_record) + u64::from(level)
}

/// Number of hashes stored for the first `n_records` records: `2n - popcount(n)`.
pub fn stored_hash_count(n_records: u64) -> u64 {
    // Each record stores its leaf, and every interior node of the perfect
    // subtrees of the size decomposition is stored once: n - popcount(n) of them.
    2 * n_records - u64::from(n_records.count_ones())
}

/// The hashes to append to the layout for record `n`, given its leaf hash:
/// the leaf hash itself, then one hash per subtree the record completes.
///
/// `reader` holds the hashes of records `0..n`; the left siblings needed are
/// read in one call.
pub fn stored_hashes_for_record<R: HashReader + ?Sized>(
    n: u64,
    leaf: Hash,
    reader: &R,
) -> Result<Vec<Hash>, TlogError> {
    check_tree_size(n.saturating_add(1))?;
    let completed_levels = n.trailing_ones();
    // At each level the new subtree's left sibling is the subtree just before it.
    let sibling_indexes: Vec<u64> = (0..completed_levels)
        .map(|level| stored_hash_index(level, (n >> level) - 1))
        .collect();
    let siblings = read_exact(reader, &sibling_indexes)?;
    let mut hashes = Vec::with_capacity(siblings.len() + 1);
    let mut subtree = leaf;
    hashes.push(subtree);
    for sibling in &siblings {
        subtree = node_hash(sibling, &subtree);
        hashes.push(subtree);
    }
    Ok(hashes)
}

/// Rejects sizes whose layout positions would overflow.
pub(crate) fn check_tree_size(size: u64) -> Result<(), TlogError> {
    if size > MAX_TREE_SIZE {
        return Err(TlogError::TreeTooLarge {
            size,
            max: MAX_TREE_SIZE,
        });
    }
    Ok(())
}

/// Calls the reader and holds it to its contract, so that a short answer from a
/// caller's file reader cannot turn into an index panic here.
pub(crate) fn read_exact<R: HashReader + ?Sized>(reader: &R, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
    if indexes.is_empty() {
        return Ok(Vec::new());
    }
    let hashes = reader.read_hashes(indexes)?;
    if hashes.len() != indexes.len() {
        return Err(TlogError::ReaderCountMismatch {
            asked: indexes.len(),
            returned: hashes.len(),
        });
    }
    Ok(hashes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::leaf_hash;

    fn check_index(level: u32, n: u64, expect: u64) {
        assert_eq!(stored_hash_index(level, n), expect, "level {level} n {n}");
    }

    #[test]
    fn index_matches_the_documented_layout() {
        check_index(0, 0, 0);
        check_index(0, 1, 1);
        check_index(1, 0, 2);
        check_index(0, 2, 3);
        check_index(0, 3, 4);
        check_index(1, 1, 5);
        check_index(2, 0, 6);
        check_index(0, 4, 7);
        check_index(3, 0, 14);
        check_index(0, 8, 15);
    }

    #[test]
    fn count_is_two_n_minus_popcount() {
        for (n_records, expect) in [(0, 0), (1, 1), (2, 3), (3, 4), (4, 7), (5, 8), (8, 15)] {
            assert_eq!(stored_hash_count(n_records), expect, "{n_records} records");
        }
    }

    #[test]
    fn every_stored_hash_has_exactly_one_index() {
        // Walking the records in order must hit every position once, in order.
        let mut next = 0;
        for n in 0..200u64 {
            for level in 0..=n.trailing_ones() {
                assert_eq!(stored_hash_index(level, n >> level), next);
                next += 1;
            }
            assert_eq!(stored_hash_count(n + 1), next);
        }
    }

    #[test]
    fn appending_builds_the_layout() {
        let mut stored: Vec<Hash> = Vec::new();
        for n in 0..4u64 {
            let hashes = stored_hashes_for_record(n, leaf_hash(&[n as u8]), &stored).unwrap();
            assert_eq!(hashes.len() as u32, 1 + n.trailing_ones());
            stored.extend(hashes);
        }
        let leaves: Vec<Hash> = (0..4u8).map(|i| leaf_hash(&[i])).collect();
        let n01 = node_hash(&leaves[0], &leaves[1]);
        let n23 = node_hash(&leaves[2], &leaves[3]);
        let expect = vec![
            leaves[0],
            leaves[1],
            n01,
            leaves[2],
            leaves[3],
            n23,
            node_hash(&n01, &n23),
        ];
        assert_eq!(stored, expect);
    }

    #[test]
    fn slice_reader_reports_out_of_range() {
        let stored = vec![[0u8; 32]; 3];
        let err = stored.read_hashes(&[1, 3]).unwrap_err();
        assert!(matches!(err, TlogError::HashIndexOutOfRange { index: 3, stored: 3 }));
        assert_eq!(err.to_string(), "stored hash 3 requested, but only 3 hashes are stored");
    }

    #[test]
    fn short_reader_answer_is_an_error() {
        struct Short;
        impl HashReader for Short {
            fn read_hashes(&self, _: &[u64]) -> Result<Vec<Hash>, TlogError> {
                Ok(Vec::new())
            }
        }
        let err = stored_hashes_for_record(1, [0; 32], &Short).unwrap_err();
        assert!(matches!(err, TlogError::ReaderCountMismatch { asked: 1, returned: 0 }));
    }
}
