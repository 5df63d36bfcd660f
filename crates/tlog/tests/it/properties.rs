//! Property tests over random trees of 1..300 records with random contents.

use proptest::prelude::*;
use tlog::{
    Hash, TreeBuilder, leaf_hash, prove_consistency, prove_inclusion, tree_hash, verify_consistency, verify_inclusion,
};

use crate::{build_store, reference};

/// Random leaves, each prefixed with its index so that no two are equal (two
/// equal leaves would make swapping them a legitimate proof).
fn tree() -> impl Strategy<Value = Vec<Hash>> {
    prop::collection::vec(prop::collection::vec(any::<u8>(), 0..24), 1..300).prop_map(|records| {
        records
            .iter()
            .enumerate()
            .map(|(index, record)| {
                let mut data = (index as u64).to_be_bytes().to_vec();
                data.extend_from_slice(record);
                leaf_hash(&data)
            })
            .collect()
    })
}

fn flip_bit(hash: &Hash, bit: usize) -> Hash {
    let mut flipped = *hash;
    flipped[bit / 8 % 32] ^= 1 << (bit % 8);
    flipped
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn stored_layout_and_builder_give_the_rfc_root(leaves in tree()) {
        let stored = build_store(&leaves);
        let mut builder = TreeBuilder::new();
        for (position, leaf) in leaves.iter().enumerate() {
            builder.push(*leaf);
            let size = position as u64 + 1;
            prop_assert_eq!(builder.size(), size);
            prop_assert_eq!(builder.root(), tree_hash(size, &stored).unwrap());
        }
        prop_assert_eq!(builder.root(), reference::mth(&leaves));
    }

    #[test]
    fn the_builder_hands_out_exactly_the_stored_layout(leaves in tree()) {
        let stored = build_store(&leaves);
        let mut builder = TreeBuilder::new();
        let mut handed = Vec::new();
        for leaf in &leaves {
            builder.push_with_stored(*leaf, |hash| handed.push(*hash));
        }
        prop_assert_eq!(handed, stored);
    }

    #[test]
    fn inclusion_proofs_verify_and_tampering_fails(leaves in tree(), bit in 0usize..256) {
        let stored = build_store(&leaves);
        let size = leaves.len() as u64;
        let root = tree_hash(size, &stored).unwrap();
        for index in 0..size {
            let leaf = &leaves[index as usize];
            let proof = prove_inclusion(index, size, &stored).unwrap();
            prop_assert_eq!(verify_inclusion(index, size, leaf, &proof, &root), Ok(()));
            for position in 0..proof.len() {
                let mut tampered = proof.clone();
                tampered[position] = flip_bit(&tampered[position], bit + position);
                prop_assert!(verify_inclusion(index, size, leaf, &tampered, &root).is_err());
            }
            if let Some((_, shorter)) = proof.split_last() {
                prop_assert!(verify_inclusion(index, size, leaf, shorter, &root).is_err());
            }
            let mut longer = proof.clone();
            longer.push(root);
            prop_assert!(verify_inclusion(index, size, leaf, &longer, &root).is_err());
            prop_assert!(verify_inclusion(index, size, &flip_bit(leaf, bit), &proof, &root).is_err());
            prop_assert!(verify_inclusion(index, size, leaf, &proof, &flip_bit(&root, bit)).is_err());
            if index + 1 < size {
                prop_assert!(verify_inclusion(index + 1, size, leaf, &proof, &root).is_err());
            }
            if index > 0 {
                prop_assert!(verify_inclusion(index - 1, size, leaf, &proof, &root).is_err());
            }
            // Doubling or halving the size changes the path's shape (CT's own
            // wrong-size cases); see the exhaustive tests for every other size.
            prop_assert!(verify_inclusion(index, size * 2, leaf, &proof, &root).is_err());
            if size > 1 {
                prop_assert!(verify_inclusion(index, size / 2, leaf, &proof, &root).is_err());
            }
        }
    }

    #[test]
    fn consistency_proofs_verify_and_tampering_fails(leaves in tree(), bit in 0usize..256) {
        let stored = build_store(&leaves);
        let size = leaves.len() as u64;
        let root = tree_hash(size, &stored).unwrap();
        for old_size in 1..=size {
            let old_root = tree_hash(old_size, &stored).unwrap();
            let proof = prove_consistency(old_size, size, &stored).unwrap();
            prop_assert_eq!(verify_consistency(old_size, size, &old_root, &root, &proof), Ok(()));
            for position in 0..proof.len() {
                let mut tampered = proof.clone();
                tampered[position] = flip_bit(&tampered[position], bit + position);
                prop_assert!(verify_consistency(old_size, size, &old_root, &root, &tampered).is_err());
            }
            if let Some((_, shorter)) = proof.split_last() {
                prop_assert!(verify_consistency(old_size, size, &old_root, &root, shorter).is_err());
            }
            let mut longer = proof.clone();
            longer.push(root);
            prop_assert!(verify_consistency(old_size, size, &old_root, &root, &longer).is_err());
            let mut with_old_root = vec![old_root];
            with_old_root.extend_from_slice(&proof);
            prop_assert!(verify_consistency(old_size, size, &old_root, &root, &with_old_root).is_err());
            prop_assert!(verify_consistency(old_size, size, &flip_bit(&old_root, bit), &root, &proof).is_err());
            prop_assert!(verify_consistency(old_size, size, &old_root, &flip_bit(&root, bit), &proof).is_err());
            if old_size < size {
                prop_assert!(verify_consistency(old_size, size, &root, &old_root, &proof).is_err());
                prop_assert!(verify_consistency(old_size + 1, size, &old_root, &root, &proof).is_err());
                // The new size is bound only through the new root (PROOF(2, 3)
                // also fits (2, 4)): a wrong one must fail exactly when the
                // naive recursion says the proof does not fit.
                for other_size in [size + 1, 2 * size] {
                    let ours = verify_consistency(old_size, other_size, &old_root, &root, &proof).is_ok();
                    let naive = reference::roots_from_proof(old_size, other_size, &old_root, &proof)
                        == Some((old_root, root));
                    prop_assert_eq!(ours, naive);
                }
                if proof.len() > 1 {
                    let reversed: Vec<Hash> = proof.iter().rev().copied().collect();
                    prop_assert!(verify_consistency(old_size, size, &old_root, &root, &reversed).is_err());
                }
            }
            if old_size > 1 {
                prop_assert!(verify_consistency(old_size - 1, size, &old_root, &root, &proof).is_err());
            }
        }
    }
}
