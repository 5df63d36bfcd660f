//! Every tree size 1..=64, every index and every old size: proofs read from
//! stored hashes equal the naive RFC 9162 definitions, and the verifiers agree
//! with a naive recursive evaluation on tampered input.

use std::cell::RefCell;

use tlog::{
    Hash, HashReader, ProofError, TlogError, leaf_hash, prove_consistency, prove_inclusion, stored_hash_count,
    tree_hash, verify_consistency, verify_inclusion,
};

use crate::{build_store, reference};

const MAX_SIZE: u64 = 64;

fn leaves() -> Vec<Hash> {
    (0..MAX_SIZE)
        .map(|seq| leaf_hash(format!(r#"{{"seq":{seq}}}"#).as_bytes()))
        .collect()
}

/// The stored hashes of exactly `size` records, so that reading past them is an error.
fn store_of(stored: &[Hash], size: u64) -> &[Hash] {
    &stored[..stored_hash_count(size) as usize]
}

#[test]
fn proofs_equal_the_rfc_definitions() {
    let leaves = leaves();
    let stored = build_store(&leaves);
    for size in 1..=MAX_SIZE {
        let reader = store_of(&stored, size);
        let prefix = &leaves[..size as usize];
        let root = tree_hash(size, reader).unwrap();
        assert_eq!(root, reference::mth(prefix), "MTH of {size}");
        for index in 0..size {
            let proof = prove_inclusion(index, size, reader).unwrap();
            assert_eq!(proof, reference::path(index as usize, prefix), "PATH({index}, {size})");
            assert_eq!(
                verify_inclusion(index, size, &leaves[index as usize], &proof, &root),
                Ok(())
            );
        }
        for old_size in 1..=size {
            let proof = prove_consistency(old_size, size, reader).unwrap();
            assert_eq!(
                proof,
                reference::proof(old_size as usize, prefix),
                "PROOF({old_size}, {size})"
            );
            let old_root = reference::mth(&leaves[..old_size as usize]);
            assert_eq!(verify_consistency(old_size, size, &old_root, &root, &proof), Ok(()));
        }
    }
}

#[test]
fn inclusion_verifier_agrees_with_naive_evaluation_on_wrong_index_and_size() {
    let leaves = leaves();
    let stored = build_store(&leaves);
    let roots: Vec<Hash> = (0..=MAX_SIZE).map(|size| tree_hash(size, &stored).unwrap()).collect();
    let mut accepted_wrong_sizes = 0;
    for size in 1..=MAX_SIZE {
        for index in 0..size {
            let proof = prove_inclusion(index, size, &stored).unwrap();
            let leaf = &leaves[index as usize];
            let root = &roots[size as usize];
            for other_index in (0..size).filter(|&i| i != index) {
                assert!(
                    verify_inclusion(other_index, size, leaf, &proof, root).is_err(),
                    "PATH({index}, {size}) accepted for index {other_index}"
                );
            }
            for other_size in (1..=2 * MAX_SIZE).filter(|&s| s != size) {
                let ours = verify_inclusion(index, other_size, leaf, &proof, root).is_ok();
                let naive = reference::root_from_path(index, other_size, leaf, &proof)
                    .is_some_and(|computed| computed == *root);
                assert_eq!(ours, naive, "PATH({index}, {size}) checked as size {other_size}");
                accepted_wrong_sizes += usize::from(ours);
            }
        }
    }
    // RFC 9162 verification binds the size only through the root: e.g. PATH(0, 3)
    // also fits size 4, with leaf 2's hash in the place of subtree 2..4. This is
    // why a proof's tree_size must equal the size of the checkpoint giving the root.
    assert!(accepted_wrong_sizes > 0);
}

#[test]
fn consistency_verifier_agrees_with_naive_evaluation_on_wrong_sizes() {
    let leaves = leaves();
    let stored = build_store(&leaves);
    let roots: Vec<Hash> = (0..=MAX_SIZE).map(|size| tree_hash(size, &stored).unwrap()).collect();
    for size in 1..=MAX_SIZE {
        for old_size in 1..=size {
            let proof = prove_consistency(old_size, size, &stored).unwrap();
            let (old_root, new_root) = (&roots[old_size as usize], &roots[size as usize]);
            for other_old in 1..=MAX_SIZE {
                for other_new in [size, other_old.max(size) + 1, 2 * size] {
                    if (other_old, other_new) == (old_size, size) || other_old > other_new {
                        continue;
                    }
                    let ours = verify_consistency(other_old, other_new, old_root, new_root, &proof).is_ok();
                    let naive = reference::roots_from_proof(other_old, other_new, old_root, &proof)
                        == Some((*old_root, *new_root));
                    assert_eq!(
                        ours, naive,
                        "PROOF({old_size}, {size}) checked as ({other_old}, {other_new})"
                    );
                    // Unlike the new size, the old size is pinned by the proof:
                    // the old root is rebuilt from it.
                    assert!(
                        !(ours && other_new == size),
                        "PROOF({old_size}, {size}) accepted as old size {other_old}"
                    );
                }
            }
            if old_size < size {
                let wrong_old_root = &roots[old_size as usize + 1];
                assert!(
                    verify_consistency(old_size, size, wrong_old_root, new_root, &proof).is_err(),
                    "PROOF({old_size}, {size}) accepted the next tree's root as old root"
                );
            }
        }
    }
}

/// A reader that serves arbitrary hashes and records what it was asked, to
/// measure reads on trees far too large to build.
#[derive(Default)]
struct CountingReader {
    calls: RefCell<Vec<usize>>,
}

impl HashReader for CountingReader {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        self.calls.borrow_mut().push(indexes.len());
        Ok(indexes.iter().map(|&index| leaf_hash(&index.to_be_bytes())).collect())
    }
}

fn check_reads(what: &str, size: u64, run: impl Fn(&CountingReader)) {
    let reader = CountingReader::default();
    run(&reader);
    let calls = reader.calls.borrow();
    let log = u64::from(64 - size.leading_zeros()) as usize;
    assert!(calls.len() <= 1, "{what}: {} read_hashes calls", calls.len());
    let total: usize = calls.iter().sum();
    assert!(total <= log * log, "{what}: read {total} hashes, log2 bound {log}^2");
}

#[test]
fn proofs_read_a_polylogarithmic_number_of_hashes_in_one_call() {
    for size in [1u64, 2, 3, 1000, (1 << 40) - 1, (1 << 40) + 12345, (1 << 62) - 1] {
        check_reads(&format!("tree_hash({size})"), size, |reader| {
            tree_hash(size, reader).unwrap();
        });
        for index in [0, size / 3, size - 1] {
            check_reads(&format!("PATH({index}, {size})"), size, |reader| {
                prove_inclusion(index, size, reader).unwrap();
            });
        }
        for old_size in [1, size / 2 + 1, size - 1, size].into_iter().filter(|&m| m >= 1) {
            check_reads(&format!("PROOF({old_size}, {size})"), size, |reader| {
                prove_consistency(old_size, size, reader).unwrap();
            });
        }
    }
}

#[test]
fn generation_refuses_impossible_requests() {
    let stored = build_store(&leaves()[..5]);
    let check = |result: Result<Vec<Hash>, TlogError>, expect: &str| {
        assert_eq!(result.unwrap_err().to_string(), expect);
    };
    check(
        prove_inclusion(5, 5, &stored),
        "leaf index 5 is not in a tree of size 5",
    );
    check(
        prove_inclusion(0, 0, &stored),
        "leaf index 0 is not in a tree of size 0",
    );
    check(
        prove_inclusion(0, 6, &stored),
        "stored hash 9 requested, but only 8 hashes are stored",
    );
    check(
        prove_consistency(0, 5, &stored),
        "consistency proofs need an old size of at least 1",
    );
    check(prove_consistency(6, 5, &stored), "old size 6 exceeds new size 5");
    check(
        prove_consistency(1, 1 << 63, &stored),
        "tree size 9223372036854775808 exceeds the supported maximum 4611686018427387904",
    );
    assert!(matches!(
        verify_inclusion(0, 5, &[0; 32], &[], &[0; 32]),
        Err(ProofError::WrongLength { expected: 3, found: 0 })
    ));
}
