//! RFC 9162 §2.1.3 inclusion and §2.1.4 consistency proofs: generation from stored hashes, and verification.

use std::ops::Range;

use crate::hash::{Hash, hash_to_base64, node_hash};
use crate::stored::{HashReader, TlogError, check_tree_size};
use crate::tree::{span_hashes, split_point};

/// Why a proof does not prove what it claims.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// The leaf index is at or beyond the tree size.
    #[error("leaf index {index} is not in a tree of size {size}")]
    IndexNotInTree {
        /// The claimed leaf index.
        index: u64,
        /// The claimed tree size.
        size: u64,
    },
    /// The proof has a different number of hashes than the sizes imply.
    #[error("proof has {found} hashes, the sizes imply {expected}")]
    WrongLength {
        /// Number of hashes the sizes (and index) require.
        expected: usize,
        /// Number of hashes in the proof.
        found: usize,
    },
    /// The inclusion proof leads to another root.
    #[error("proof leads to root {}, expected {}", hash_to_base64(.computed), hash_to_base64(.expected))]
    RootMismatch {
        /// The root the proof must reach.
        expected: Hash,
        /// The root it reaches.
        computed: Hash,
    },
    /// Consistency from the empty tree is not a proof (RFC 9162 needs `0 < m`).
    #[error("consistency proofs need an old size of at least 1")]
    OldSizeZero,
    /// The old tree is larger than the new one.
    #[error("old size {old_size} exceeds new size {new_size}")]
    OldSizeExceedsNewSize {
        /// The claimed old size.
        old_size: u64,
        /// The claimed new size.
        new_size: u64,
    },
    /// Equal sizes with different roots: two different trees of one size (a fork).
    #[error("trees of equal size {size} have different roots {} and {}", hash_to_base64(.old_root), hash_to_base64(.new_root))]
    SameSizeDifferentRoots {
        /// The common size.
        size: u64,
        /// The old root.
        old_root: Hash,
        /// The new root.
        new_root: Hash,
    },
    /// The consistency proof does not lead back to the old root.
    #[error("proof leads to old root {}, expected {}", hash_to_base64(.computed), hash_to_base64(.expected))]
    OldRootMismatch {
        /// The old root claimed.
        expected: Hash,
        /// The old root the proof reaches.
        computed: Hash,
    },
    /// The consistency proof does not lead to the new root.
    #[error("proof leads to new root {}, expected {}", hash_to_base64(.computed), hash_to_base64(.expected))]
    NewRootMismatch {
        /// The new root claimed.
        expected: Hash,
        /// The new root the proof reaches.
        computed: Hash,
    },
}

/// RFC 9162 §2.1.3.1 `PATH(index, D[0:size])`, leaf-to-root, read from the
/// stored-hash layout: O(log² size) stored hashes in one `read_hashes` call.
///
/// This is exactly Go's `tlog.ProveRecord(size, index, …)`.
pub fn prove_inclusion<R: HashReader + ?Sized>(index: u64, size: u64, reader: &R) -> Result<Vec<Hash>, TlogError> {
    check_tree_size(size)?;
    if index >= size {
        return Err(TlogError::IndexNotInTree { index, size });
    }
    span_hashes(&inclusion_spans(index, size), reader)
}

/// RFC 9162 §2.1.4.1 `PROOF(old_size, D[0:new_size])` in RFC order, read from
/// the stored-hash layout; the old root is never part of it (a verifier
/// prepends it when `old_size` is a power of two). Equal sizes give `[]`.
///
/// This is exactly Go's `tlog.ProveTree(new_size, old_size, …)`.
pub fn prove_consistency<R: HashReader + ?Sized>(
    old_size: u64,
    new_size: u64,
    reader: &R,
) -> Result<Vec<Hash>, TlogError> {
    check_tree_size(new_size)?;
    if old_size == 0 {
        return Err(TlogError::OldSizeZero);
    }
    if old_size > new_size {
        return Err(TlogError::OldSizeExceedsNewSize { old_size, new_size });
    }
    span_hashes(&consistency_spans(old_size, new_size), reader)
}

/// Checks that `proof` places `leaf` at `index` in the tree of `size` records with root `root`
/// (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(index: u64, size: u64, leaf: &Hash, proof: &[Hash], root: &Hash) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexNotInTree { index, size });
    }
    let expected = inclusion_spans(index, size).len();
    if proof.len() != expected {
        return Err(ProofError::WrongLength {
            expected,
            found: proof.len(),
        });
    }
    // `position` walks up from the leaf, `last` from the tree's last leaf; a
    // node is a right child when its position is odd, or when it is the last
    // node of its level with no sibling to its right, in which case the levels
    // where it has no sibling are skipped.
    let (mut position, mut last) = (index, size - 1);
    let mut computed = *leaf;
    for sibling in proof {
        if position & 1 == 1 || position == last {
            computed = node_hash(sibling, &computed);
            while position & 1 == 0 && position != 0 {
                position >>= 1;
                last >>= 1;
            }
        } else {
            computed = node_hash(&computed, sibling);
        }
        position >>= 1;
        last >>= 1;
    }
    if last != 0 {
        // Unreachable after the length check; kept so the walk stands on its own.
        return Err(ProofError::WrongLength {
            expected,
            found: proof.len(),
        });
    }
    if computed != *root {
        return Err(ProofError::RootMismatch {
            expected: *root,
            computed,
        });
    }
    Ok(())
}

/// Checks that the tree of `old_size` records with `old_root` is a prefix of
/// the tree of `new_size` records with `new_root` (RFC 9162 §2.1.4.2).
///
/// Equal sizes need an empty proof and equal roots, as Go's `tlog.CheckTree`.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if old_size == 0 {
        return Err(ProofError::OldSizeZero);
    }
    if old_size > new_size {
        return Err(ProofError::OldSizeExceedsNewSize { old_size, new_size });
    }
    let expected = consistency_spans(old_size, new_size).len();
    if proof.len() != expected {
        return Err(ProofError::WrongLength {
            expected,
            found: proof.len(),
        });
    }
    if old_size == new_size {
        if old_root != new_root {
            return Err(ProofError::SameSizeDifferentRoots {
                size: old_size,
                old_root: *old_root,
                new_root: *new_root,
            });
        }
        return Ok(());
    }
    // When the old tree is a complete subtree of the new one, its root is the
    // starting node and the proof omits it.
    let (start, rest) = if old_size.is_power_of_two() {
        (*old_root, proof)
    } else {
        (proof[0], &proof[1..])
    };
    let (mut position, mut last) = (old_size - 1, new_size - 1);
    while position & 1 == 1 {
        position >>= 1;
        last >>= 1;
    }
    let (mut computed_old, mut computed_new) = (start, start);
    for sibling in rest {
        if last == 0 {
            return Err(ProofError::WrongLength {
                expected,
                found: proof.len(),
            });
        }
        if position & 1 == 1 || position == last {
            // A left sibling belongs to both trees.
            computed_old = node_hash(sibling, &computed_old);
            computed_new = node_hash(sibling, &computed_new);
            while position & 1 == 0 && position != 0 {
                position >>= 1;
                last >>= 1;
            }
        } else {
            // A right sibling was appended after the old tree.
            computed_new = node_hash(&computed_new, sibling);
        }
        position >>= 1;
        last >>= 1;
    }
    if last != 0 {
        return Err(ProofError::WrongLength {
            expected,
            found: proof.len(),
        });
    }
    if computed_old != *old_root {
        return Err(ProofError::OldRootMismatch {
            expected: *old_root,
            computed: computed_old,
        });
    }
    if computed_new != *new_root {
        return Err(ProofError::NewRootMismatch {
            expected: *new_root,
            computed: computed_new,
        });
    }
    Ok(())
}

/// The record spans whose hashes form `PATH(index, D[0:size])`, leaf-to-root.
///
/// Follows the RFC recursion downwards, taking the other half at each split;
/// the RFC appends after recursing, hence the final reversal.
fn inclusion_spans(index: u64, size: u64) -> Vec<Range<u64>> {
    let (mut start, mut end) = (0, size);
    let mut spans = Vec::new();
    while end - start > 1 {
        let middle = start + split_point(end - start);
        if index < middle {
            spans.push(middle..end);
            end = middle;
        } else {
            spans.push(start..middle);
            start = middle;
        }
    }
    spans.reverse();
    spans
}

/// The record spans whose hashes form `PROOF(old_size, D[0:new_size])`
/// (`0 < old_size <= new_size`), in RFC order.
fn consistency_spans(old_size: u64, new_size: u64) -> Vec<Range<u64>> {
    let (mut start, mut end) = (0, new_size);
    // SUBPROOF's flag b: still inside the subtree that is the whole old tree,
    // whose root the verifier already has.
    let mut old_tree_is_known = true;
    let mut siblings = Vec::new();
    while old_size != end {
        let middle = start + split_point(end - start);
        if old_size <= middle {
            siblings.push(middle..end);
            end = middle;
        } else {
            siblings.push(start..middle);
            start = middle;
            old_tree_is_known = false;
        }
    }
    let mut spans = Vec::with_capacity(siblings.len() + 1);
    if !old_tree_is_known {
        spans.push(start..end);
    }
    spans.extend(siblings.into_iter().rev());
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(spans: Vec<Range<u64>>) -> Vec<(u64, u64)> {
        spans.into_iter().map(|span| (span.start, span.end)).collect()
    }

    fn check_inclusion_spans(index: u64, size: u64, expect: &[(u64, u64)]) {
        assert_eq!(pairs(inclusion_spans(index, size)), expect, "PATH({index}, {size})");
    }

    fn check_consistency_spans(old_size: u64, new_size: u64, expect: &[(u64, u64)]) {
        assert_eq!(
            pairs(consistency_spans(old_size, new_size)),
            expect,
            "PROOF({old_size}, {new_size})"
        );
    }

    #[test]
    fn inclusion_spans_follow_rfc_9162() {
        check_inclusion_spans(0, 1, &[]);
        check_inclusion_spans(0, 2, &[(1, 2)]);
        check_inclusion_spans(2, 3, &[(0, 2)]);
        check_inclusion_spans(0, 8, &[(1, 2), (2, 4), (4, 8)]);
        check_inclusion_spans(5, 8, &[(4, 5), (6, 8), (0, 4)]);
        check_inclusion_spans(1, 5, &[(0, 1), (2, 4), (4, 5)]);
        check_inclusion_spans(20, 21, &[(16, 20), (0, 16)]);
        check_inclusion_spans(16, 17, &[(0, 16)]);
        check_inclusion_spans(5, 21, &[(4, 5), (6, 8), (0, 4), (8, 16), (16, 21)]);
    }

    #[test]
    fn consistency_spans_follow_rfc_9162() {
        check_consistency_spans(1, 1, &[]);
        check_consistency_spans(8, 8, &[]);
        check_consistency_spans(1, 8, &[(1, 2), (2, 4), (4, 8)]);
        check_consistency_spans(6, 8, &[(4, 6), (6, 8), (0, 4)]);
        check_consistency_spans(2, 5, &[(2, 4), (4, 5)]);
        check_consistency_spans(8, 14, &[(8, 14)]);
        check_consistency_spans(3, 7, &[(2, 3), (3, 4), (0, 2), (4, 7)]);
    }

    #[test]
    fn verification_rejects_impossible_sizes() {
        let hash = [7u8; 32];
        assert_eq!(
            verify_inclusion(3, 3, &hash, &[], &hash),
            Err(ProofError::IndexNotInTree { index: 3, size: 3 })
        );
        assert_eq!(
            verify_consistency(0, 3, &hash, &hash, &[]),
            Err(ProofError::OldSizeZero)
        );
        assert_eq!(
            verify_consistency(4, 3, &hash, &hash, &[]),
            Err(ProofError::OldSizeExceedsNewSize {
                old_size: 4,
                new_size: 3
            })
        );
        let other = [8u8; 32];
        assert!(matches!(
            verify_consistency(3, 3, &hash, &other, &[]),
            Err(ProofError::SameSizeDifferentRoots { size: 3, .. })
        ));
        assert_eq!(verify_consistency(3, 3, &hash, &hash, &[]), Ok(()));
        assert_eq!(
            verify_consistency(3, 3, &hash, &hash, &[hash]),
            Err(ProofError::WrongLength { expected: 0, found: 1 })
        );
    }
}
