//! Inclusion and consistency proofs served from `ledger.tree`, without
//! reading or rehashing the ledger (O(log² n) stored hashes per proof).

use crate::error::LedgerError;
use crate::layout::StorePaths;
use crate::tree_file::TreeFile;
use std::path::{Path, PathBuf};
use tlog::{ConsistencyProof, HashReader, InclusionProof};

/// Proves that entry `index` is in the tree of size `size`.
pub fn prove_inclusion(root: &Path, index: u64, size: u64) -> Result<InclusionProof, LedgerError> {
    let tree = open_tree(root, size)?;
    if index >= size {
        return Err(LedgerError::OutOfRange {
            what: format!("entry {index} in a tree of size {size}"),
            size,
        });
    }
    let leaf_hash = tree.read_hashes(&[tlog::stored_hash_index(0, index)])?[0];
    let hashes = tlog::prove_inclusion(index, size, &tree)?;
    Ok(InclusionProof {
        leaf_index: index,
        tree_size: size,
        leaf_hash,
        hashes,
    })
}

/// Proves that the tree of size `old_size` is a prefix of the tree of size `new_size`.
pub fn prove_consistency(root: &Path, old_size: u64, new_size: u64) -> Result<ConsistencyProof, LedgerError> {
    let tree = open_tree(root, new_size)?;
    if old_size == 0 || old_size > new_size {
        return Err(LedgerError::OutOfRange {
            what: format!("consistency from size {old_size} to {new_size} (needs 1 <= old <= new)"),
            size: tree.records(),
        });
    }
    Ok(ConsistencyProof {
        old_size,
        new_size,
        old_root: tree.root(old_size)?,
        new_root: tree.root(new_size)?,
        hashes: tlog::prove_consistency(old_size, new_size, &tree)?,
    })
}

/// The tree size of the store's latest checkpoint (the default tree for an
/// inclusion proof, so that the proof can be checked against it).
pub fn latest_checkpoint_size(root: &Path) -> Result<u64, LedgerError> {
    let path = StorePaths::new(root).latest_checkpoint();
    let text = std::fs::read_to_string(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LedgerError::NoCheckpoint { path: path.clone() },
        _ => LedgerError::Io {
            path: path.clone(),
            source: e,
        },
    })?;
    tlog::Checkpoint::peek_unverified(&text)
        .map(|c| c.size)
        .ok_or_else(|| LedgerError::Corrupt {
            path,
            line: 1,
            reason: "not a checkpoint note".into(),
        })
}

/// Writes a proof's JSON (and a newline) under `proofs/`, returning its path.
pub fn write_proof(root: &Path, file_name: &str, json: &str) -> Result<PathBuf, LedgerError> {
    let dir = StorePaths::new(root).proofs();
    std::fs::create_dir_all(&dir).map_err(LedgerError::io(&dir))?;
    let path = dir.join(file_name);
    crate::durable::replace_file(&path, format!("{json}\n").as_bytes())?;
    Ok(path)
}

/// The usual file name of a proof: `inclusion-<index>-<size>.json` or
/// `consistency-<old>-<new>.json`.
pub fn proof_file_name(proof: &tlog::Proof) -> String {
    match proof {
        tlog::Proof::Inclusion(p) => format!("inclusion-{}-{}.json", p.leaf_index, p.tree_size),
        tlog::Proof::Consistency(p) => format!("consistency-{}-{}.json", p.old_size, p.new_size),
    }
}

fn open_tree(root: &Path, size: u64) -> Result<TreeFile, LedgerError> {
    let paths = StorePaths::new(root);
    if !paths.ledger().exists() {
        return Err(LedgerError::NotAStore { path: root.to_owned() });
    }
    let tree = TreeFile::open_read_only(&paths.tree())?;
    if size == 0 || size > tree.records() {
        return Err(LedgerError::OutOfRange {
            what: format!("a tree of size {size}"),
            size: tree.records(),
        });
    }
    Ok(tree)
}

/// Why a proof did not check out offline.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProofCheckError {
    /// The proof file is not a proof.
    #[error("proof: {0}")]
    Format(#[from] tlog::ProofFormatError),
    /// A checkpoint does not verify with the given keys.
    #[error("{label}: {reason}")]
    Checkpoint {
        /// Which checkpoint.
        label: String,
        /// Why it was rejected.
        reason: String,
    },
    /// No given checkpoint has the size the proof needs.
    #[error("no checkpoint of tree size {size} was given; the proof is about that tree")]
    NoCheckpointOfSize {
        /// The size needed.
        size: u64,
    },
    /// A root in the proof differs from the signed root of that size.
    #[error("the proof's root for tree size {size} differs from the signed checkpoint's root")]
    RootMismatch {
        /// The tree size.
        size: u64,
    },
    /// The leaf hash differs from the hash of the given line.
    #[error("leaf_hash is not SHA-256(0x00 || line) of the given ledger line")]
    LeafMismatch,
    /// The proof's hashes do not lead to the root.
    #[error("the proof does not verify: {0}")]
    Invalid(#[from] tlog::ProofError),
}

/// Checks a proof against signed checkpoints only, as an auditor without the
/// store would. `checkpoints` are (label, note text) pairs; `line` is the
/// ledger line an inclusion proof is about, without its newline. Returns
/// what was proved.
pub fn check_proof_offline(
    proof_text: &str,
    checkpoints: &[(String, String)],
    vkeys: &[tlog::VerifierKey],
    line: Option<&[u8]>,
) -> Result<String, ProofCheckError> {
    let proof = tlog::Proof::from_json(proof_text)?;
    let mut roots = std::collections::BTreeMap::new();
    for (label, text) in checkpoints {
        let verified = tlog::verify_checkpoint(text, vkeys).map_err(|e| ProofCheckError::Checkpoint {
            label: label.clone(),
            reason: e.to_string(),
        })?;
        let checkpoint = verified.checkpoint();
        roots.insert(checkpoint.size, (checkpoint.root, verified.signed_by().join(", ")));
    }
    match proof {
        tlog::Proof::Inclusion(p) => {
            let (root, signers) = roots
                .get(&p.tree_size)
                .ok_or(ProofCheckError::NoCheckpointOfSize { size: p.tree_size })?;
            if let Some(line) = line
                && tlog::leaf_hash(line) != p.leaf_hash
            {
                return Err(ProofCheckError::LeafMismatch);
            }
            p.verify(root)?;
            let leaf = if line.is_some() {
                "the given line"
            } else {
                "the proof's leaf hash"
            };
            Ok(format!(
                "entry {} ({leaf}) is included in the tree of size {} signed by {signers}",
                p.leaf_index, p.tree_size
            ))
        }
        tlog::Proof::Consistency(p) => {
            let (new_root, signers) = roots
                .get(&p.new_size)
                .ok_or(ProofCheckError::NoCheckpointOfSize { size: p.new_size })?;
            if *new_root != p.new_root {
                return Err(ProofCheckError::RootMismatch { size: p.new_size });
            }
            let old_authenticated = match roots.get(&p.old_size) {
                Some((old_root, _)) if *old_root != p.old_root => {
                    return Err(ProofCheckError::RootMismatch { size: p.old_size });
                }
                Some(_) => true,
                None => false,
            };
            p.verify()?;
            Ok(format!(
                "the tree of size {} is a prefix of the tree of size {} signed by {signers}{}",
                p.old_size,
                p.new_size,
                if old_authenticated {
                    "; both roots are signed"
                } else {
                    "; the old root is the proof's own (give its checkpoint to authenticate it)"
                }
            ))
        }
    }
}
