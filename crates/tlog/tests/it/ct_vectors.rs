//! RFC 6962 known answers from the Certificate Transparency reference test data.
//!
//! Source: the certificate-transparency reference implementation's Merkle tree
//! test data (8 leaves, roots of every prefix, audit and consistency paths), as
//! transcribed in /work/shared/extverify/go/extverify_test.go (`ctLeaves`,
//! `ctRoots`, `ctInclusion`) and in Chromium's
//! net/cert/ct_log_verifier_unittest.cc (`kConsistencyProofs`, `kAuditProofs`).

use tlog::{
    Hash, TreeBuilder, empty_root, leaf_hash, prove_consistency, prove_inclusion, tree_hash, verify_consistency,
    verify_inclusion,
};

use crate::{build_store, hash_hex};

const LEAVES: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

/// Root of the first `i + 1` leaves.
const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// (leaf index, tree size, audit path).
const INCLUSION: [(u64, u64, &[&str]); 5] = [
    (0, 1, &[]),
    (
        0,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        3,
        &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    ),
    (
        1,
        5,
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
];

/// (old size, new size, consistency path).
const CONSISTENCY: [(u64, u64, &[&str]); 4] = [
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
];

fn leaf_hashes() -> Vec<Hash> {
    LEAVES
        .iter()
        .map(|data| leaf_hash(&hex::decode(data).unwrap()))
        .collect()
}

fn root(size: u64) -> Hash {
    if size == 0 {
        empty_root()
    } else {
        hash_hex(ROOTS[size as usize - 1])
    }
}

fn hashes(path: &[&str]) -> Vec<Hash> {
    path.iter().map(|h| hash_hex(h)).collect()
}

#[test]
fn empty_tree_root_is_sha256_of_nothing() {
    assert_eq!(
        hex::encode(tree_hash(0, &Vec::<Hash>::new()).unwrap()),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn roots_of_every_prefix() {
    let leaves = leaf_hashes();
    let stored = build_store(&leaves);
    let mut builder = TreeBuilder::new();
    assert_eq!(builder.root(), root(0));
    for size in 1..=8u64 {
        builder.push(leaves[size as usize - 1]);
        assert_eq!(tree_hash(size, &stored).unwrap(), root(size), "stored, size {size}");
        assert_eq!(builder.root(), root(size), "builder, size {size}");
    }
}

#[test]
fn audit_paths() {
    let leaves = leaf_hashes();
    let stored = build_store(&leaves);
    for (index, size, path) in INCLUSION {
        let expect = hashes(path);
        assert_eq!(
            prove_inclusion(index, size, &stored).unwrap(),
            expect,
            "PATH({index}, {size})"
        );
        verify_inclusion(index, size, &leaves[index as usize], &expect, &root(size))
            .unwrap_or_else(|e| panic!("PATH({index}, {size}): {e}"));
    }
}

#[test]
fn consistency_paths() {
    let stored = build_store(&leaf_hashes());
    for (old_size, new_size, path) in CONSISTENCY {
        let expect = hashes(path);
        assert_eq!(
            prove_consistency(old_size, new_size, &stored).unwrap(),
            expect,
            "PROOF({old_size}, {new_size})"
        );
        verify_consistency(old_size, new_size, &root(old_size), &root(new_size), &expect)
            .unwrap_or_else(|e| panic!("PROOF({old_size}, {new_size}): {e}"));
    }
}
