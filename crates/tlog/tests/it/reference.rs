//! Naive recursive RFC 6962 §2.1 / RFC 9162 §2.1 definitions, written from the RFC text for tests only.

use tlog::{Hash, empty_root, node_hash};

/// Largest power of two strictly less than `n` (`n > 1`), by counting up.
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// MTH(D[n]) over leaf hashes.
pub fn mth(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

/// PATH(m, D[n]), leaf-to-root.
pub fn path(m: usize, leaves: &[Hash]) -> Vec<Hash> {
    let n = leaves.len();
    if n <= 1 {
        return Vec::new();
    }
    let k = split(n);
    if m < k {
        let mut proof = path(m, &leaves[..k]);
        proof.push(mth(&leaves[k..]));
        proof
    } else {
        let mut proof = path(m - k, &leaves[k..]);
        proof.push(mth(&leaves[..k]));
        proof
    }
}

/// PROOF(m, D[n]) = SUBPROOF(m, D[n], true), for 0 < m <= n.
pub fn proof(m: usize, leaves: &[Hash]) -> Vec<Hash> {
    subproof(m, leaves, true)
}

fn subproof(m: usize, leaves: &[Hash], b: bool) -> Vec<Hash> {
    let n = leaves.len();
    if m == n {
        return if b { Vec::new() } else { vec![mth(leaves)] };
    }
    let k = split(n);
    if m <= k {
        let mut proof = subproof(m, &leaves[..k], b);
        proof.push(mth(&leaves[k..]));
        proof
    } else {
        let mut proof = subproof(m - k, &leaves[k..], false);
        proof.push(mth(&leaves[..k]));
        proof
    }
}

/// The root that `proof` gives for leaf `m` of a tree of `n` leaves, by
/// walking the PATH recursion backwards; `None` if the length does not fit.
pub fn root_from_path(m: u64, n: u64, leaf: &Hash, proof: &[Hash]) -> Option<Hash> {
    if m >= n {
        return None;
    }
    if n == 1 {
        return proof.is_empty().then_some(*leaf);
    }
    let (last, rest) = proof.split_last()?;
    let k = split(n as usize) as u64;
    if m < k {
        Some(node_hash(&root_from_path(m, k, leaf, rest)?, last))
    } else {
        Some(node_hash(last, &root_from_path(m - k, n - k, leaf, rest)?))
    }
}

/// The (old, new) roots that `proof` gives for sizes `m <= n`, by walking the
/// SUBPROOF recursion backwards; `None` if the length does not fit.
pub fn roots_from_proof(m: u64, n: u64, old_root: &Hash, proof: &[Hash]) -> Option<(Hash, Hash)> {
    fn walk(m: u64, n: u64, b: bool, old_root: &Hash, proof: &[Hash]) -> Option<(Hash, Hash)> {
        if m == n {
            return match (b, proof) {
                (true, []) => Some((*old_root, *old_root)),
                (false, [subtree]) => Some((*subtree, *subtree)),
                _ => None,
            };
        }
        let (last, rest) = proof.split_last()?;
        let k = split(n as usize) as u64;
        if m <= k {
            let (old, new) = walk(m, k, b, old_root, rest)?;
            Some((old, node_hash(&new, last)))
        } else {
            let (old, new) = walk(m - k, n - k, false, old_root, rest)?;
            Some((node_hash(last, &old), node_hash(last, &new)))
        }
    }
    if m == 0 || m > n {
        return None;
    }
    walk(m, n, true, old_root, proof)
}
