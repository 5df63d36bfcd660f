//! Inclusion and consistency proofs.
//!
//! 1. Text: `Proof::from_json` on any input never panics; a parsed proof
//!    re-serializes to a text that parses to the same proof, and verifying it
//!    (against its own hashes) never panics.
//! 2. Structured: the bytes choose a log (1..=64 distinct records), a proof of
//!    inclusion or consistency made by `prove_inclusion`/`prove_consistency`
//!    from the stored-hash layout, and up to 6 mutations (bit flips, dropped,
//!    added or swapped hashes, other index/sizes, other leaf/roots). The
//!    honest proof must equal the RFC 9162 recursive definition and verify;
//!    after mutation, verification must succeed exactly when the claim is
//!    true and the proof is the honest proof for it (proofs are unique for
//!    collision-free SHA-256). Claims about sizes beyond the built log
//!    (2^62 and up) have no known root, so there only "no panic" is checked.
#![no_main]

use driftledger_fuzz::{Bytes, build_log, ref_consistency, ref_path, ref_root};
use libfuzzer_sys::fuzz_target;
use tlog::{
    Hash, MAX_TREE_SIZE, Proof, TreeBuilder, prove_consistency, prove_inclusion, tree_hash, verify_consistency,
    verify_inclusion,
};

/// Sizes past any built log; claims about them are only run, not judged.
const HUGE: [u64; 6] = [
    MAX_TREE_SIZE - 1,
    MAX_TREE_SIZE,
    MAX_TREE_SIZE + 1,
    1 << 63,
    u64::MAX - 1,
    u64::MAX,
];
/// Small sizes and indexes go up to this (the log is built that far if needed).
const SMALL_MAX: u64 = 128;

fn size_value(byte: u8, extra: u8) -> u64 {
    if byte >= 250 {
        HUGE[usize::from(extra) % HUGE.len()]
    } else {
        u64::from(byte) % (SMALL_MAX + 1)
    }
}

#[derive(Debug, Clone, Copy)]
enum Mutation {
    FlipBit {
        position: u8,
        bit: u8,
    },
    Drop {
        position: u8,
    },
    Duplicate {
        position: u8,
    },
    InsertRandom {
        position: u8,
        hash: Hash,
    },
    Swap {
        position: u8,
    },
    /// Inclusion: the index; consistency: the old size.
    SetFirst(u64),
    /// Inclusion: the tree size; consistency: the new size.
    SetSecond(u64),
    /// Inclusion: the leaf hash; consistency: the old root.
    FlipFirstHash {
        bit: u8,
    },
    /// Inclusion and consistency: the (new) root.
    FlipRoot {
        bit: u8,
    },
}

fn decode(bytes: &mut Bytes) -> Vec<Mutation> {
    let count = bytes.u8() % 7;
    (0..count)
        .map(|_| match bytes.u8() % 9 {
            0 => Mutation::FlipBit {
                position: bytes.u8(),
                bit: bytes.u8(),
            },
            1 => Mutation::Drop { position: bytes.u8() },
            2 => Mutation::Duplicate { position: bytes.u8() },
            3 => Mutation::InsertRandom {
                position: bytes.u8(),
                hash: bytes.hash(),
            },
            4 => Mutation::Swap { position: bytes.u8() },
            5 => Mutation::SetFirst(size_value(bytes.u8(), bytes.u8())),
            6 => Mutation::SetSecond(size_value(bytes.u8(), bytes.u8())),
            7 => Mutation::FlipFirstHash { bit: bytes.u8() },
            _ => Mutation::FlipRoot { bit: bytes.u8() },
        })
        .collect()
}

fn flip(hash: &mut Hash, bit: u8) {
    hash[usize::from(bit / 8)] ^= 1 << (bit % 8);
}

/// Applies the mutations that touch the hash list; returns false for the others.
fn mutate_hashes(proof: &mut Vec<Hash>, mutation: Mutation) -> bool {
    let at = |position: u8, len: usize| usize::from(position) % len.max(1);
    match mutation {
        Mutation::FlipBit { position, bit } if !proof.is_empty() => {
            let i = at(position, proof.len());
            flip(&mut proof[i], bit);
        }
        Mutation::Drop { position } if !proof.is_empty() => {
            proof.remove(at(position, proof.len()));
        }
        Mutation::Duplicate { position } if !proof.is_empty() => {
            let i = at(position, proof.len());
            proof.insert(i, proof[i]);
        }
        Mutation::InsertRandom { position, hash } => {
            proof.insert(at(position, proof.len() + 1), hash);
        }
        Mutation::Swap { position } if proof.len() >= 2 => {
            let i = at(position, proof.len() - 1);
            proof.swap(i, i + 1);
        }
        Mutation::FlipBit { .. } | Mutation::Drop { .. } | Mutation::Duplicate { .. } | Mutation::Swap { .. } => {}
        _ => return false,
    }
    true
}

fn small(size: u64, built: usize) -> Option<usize> {
    usize::try_from(size).ok().filter(|&s| s <= built)
}

fn text_mode(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(proof) = Proof::from_json(text) else { return };
    let json = proof.to_json();
    assert_eq!(
        Proof::from_json(&json).as_ref(),
        Ok(&proof),
        "to_json does not round trip"
    );
    match &proof {
        Proof::Inclusion(p) => {
            assert_eq!(tlog::InclusionProof::from_json(text).as_ref(), Ok(p));
            let _ = p.verify(&p.leaf_hash);
            if let Some(first) = p.hashes.first() {
                let _ = p.verify(first);
            }
        }
        Proof::Consistency(p) => {
            assert_eq!(tlog::ConsistencyProof::from_json(text).as_ref(), Ok(p));
            let _ = p.verify();
        }
    }
}

fuzz_target!(|data: &[u8]| {
    text_mode(data);

    let mut bytes = Bytes(data);
    let consistency = bytes.u8() & 1 == 1;
    let n = 1 + u64::from(bytes.u8() % 64);
    let first = u64::from(bytes.u8());
    let salt_len = usize::from(bytes.u8() % 9);
    let salt = bytes.take(salt_len).to_vec();
    let mutations = decode(&mut bytes);

    // Build the log as far as any small size mentioned.
    let built = mutations
        .iter()
        .filter_map(|m| match m {
            Mutation::SetFirst(v) | Mutation::SetSecond(v) if *v <= SMALL_MAX => Some(*v),
            _ => None,
        })
        .chain([n])
        .max()
        .unwrap() as usize;
    let (leaves, stored) = build_log(built, &salt);
    // Roots of every prefix, three ways: stored layout, streaming, recursive definition.
    let mut builder = TreeBuilder::new();
    let mut roots = vec![tree_hash(0, &stored).unwrap()];
    assert_eq!(roots[0], builder.root());
    for (i, leaf) in leaves.iter().enumerate() {
        builder.push(*leaf);
        let root = tree_hash(i as u64 + 1, &stored).unwrap();
        assert_eq!(root, builder.root(), "tree_hash vs TreeBuilder at size {}", i + 1);
        roots.push(root);
    }
    let nu = n as usize;
    assert_eq!(roots[nu], ref_root(&leaves[..nu]), "tree_hash vs RFC MTH at size {n}");

    if !consistency {
        let index = first % n;
        let honest = prove_inclusion(index, n, &stored).unwrap();
        assert_eq!(honest, ref_path(index as usize, &leaves[..nu]), "PATH({index}, {n})");
        let leaf = leaves[index as usize];
        verify_inclusion(index, n, &leaf, &honest, &roots[nu])
            .unwrap_or_else(|e| panic!("honest inclusion proof ({index}, {n}) fails: {e}"));

        let (mut index2, mut size2, mut leaf2, mut root2, mut proof) = (index, n, leaf, roots[nu], honest);
        for mutation in &mutations {
            if mutate_hashes(&mut proof, *mutation) {
                continue;
            }
            match *mutation {
                Mutation::SetFirst(v) => index2 = v,
                Mutation::SetSecond(v) => {
                    size2 = v;
                    if let Some(s) = small(v, built) {
                        root2 = roots[s]; // the authenticated root of the claimed size
                    }
                }
                Mutation::FlipFirstHash { bit } => flip(&mut leaf2, bit),
                Mutation::FlipRoot { bit } => flip(&mut root2, bit),
                _ => unreachable!(),
            }
        }
        let result = verify_inclusion(index2, size2, &leaf2, &proof, &root2);
        if let (Some(i), Some(s)) = (small(index2, built), small(size2, built)) {
            let valid = if (i, s) == (0, 1) {
                // A one-record tree's root is its leaf hash: the proof is
                // empty and any leaf is "included" in the root equal to it
                // (e.g. leaf and root flipped alike).
                proof.is_empty() && leaf2 == root2
            } else {
                i < s && leaf2 == leaves[i] && root2 == roots[s] && proof == ref_path(i, &leaves[..s])
            };
            assert_eq!(
                result.is_ok(),
                valid,
                "verify_inclusion(index {index2}, size {size2}) = {result:?} for a claim that is {}; \
                 from honest ({index}, {n}) after {mutations:?}",
                if valid { "true" } else { "false" },
            );
        }
    } else {
        let old = 1 + first % n;
        let honest = prove_consistency(old, n, &stored).unwrap();
        assert_eq!(
            honest,
            ref_consistency(old as usize, &leaves[..nu]),
            "PROOF({old}, {n})"
        );
        let old_root = roots[old as usize];
        verify_consistency(old, n, &old_root, &roots[nu], &honest)
            .unwrap_or_else(|e| panic!("honest consistency proof ({old}, {n}) fails: {e}"));

        let (mut old2, mut new2, mut old_root2, mut new_root2, mut proof) = (old, n, old_root, roots[nu], honest);
        for mutation in &mutations {
            if mutate_hashes(&mut proof, *mutation) {
                continue;
            }
            match *mutation {
                Mutation::SetFirst(v) => {
                    old2 = v;
                    if let Some(s) = small(v, built) {
                        old_root2 = roots[s];
                    }
                }
                Mutation::SetSecond(v) => {
                    new2 = v;
                    if let Some(s) = small(v, built) {
                        new_root2 = roots[s];
                    }
                }
                Mutation::FlipFirstHash { bit } => flip(&mut old_root2, bit),
                Mutation::FlipRoot { bit } => flip(&mut new_root2, bit),
                _ => unreachable!(),
            }
        }
        let result = verify_consistency(old2, new2, &old_root2, &new_root2, &proof);
        if let (Some(m), Some(s)) = (small(old2, built), small(new2, built)) {
            let valid = 1 <= m
                && m <= s
                && proof == ref_consistency(m, &leaves[..s])
                && if m == s {
                    // Equal sizes: consistent exactly when the roots agree.
                    old_root2 == new_root2
                } else {
                    old_root2 == roots[m] && new_root2 == roots[s]
                };
            assert_eq!(
                result.is_ok(),
                valid,
                "verify_consistency(old {old2}, new {new2}) = {result:?} for a claim that is {}; \
                 from honest ({old}, {n}) after {mutations:?}",
                if valid { "true" } else { "false" },
            );
        }
    }
});
