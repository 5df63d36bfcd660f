//! Where the ledger's files live inside a store directory.
//!
//! ```text
//! ledger.jsonl          one signed canonical entry per line
//! ledger.tree           RFC 6962 stored hashes, 32 bytes each, in Go sumdb/tlog order
//! checkpoint            the latest signed checkpoint
//! checkpoints/<size>    every signed checkpoint, named by tree size
//! proofs/               proofs written by `ledger prove --out`
//! keys/                 <name>.key.pem (0600), <name>.pub.pem, <name>.vkey
//! quarantine/           bytes moved aside by recovery
//! LOCK                  the single-writer lock, holding the writer's pid
//! ```

use std::path::{Path, PathBuf};

/// The paths of one store directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorePaths {
    root: PathBuf,
}

impl StorePaths {
    /// The paths of the store at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        StorePaths { root: root.into() }
    }
    /// The store directory.
    pub fn root(&self) -> &Path {
        &self.root
    }
    /// The ledger file.
    pub fn ledger(&self) -> PathBuf {
        self.root.join("ledger.jsonl")
    }
    /// The stored Merkle tree hashes.
    pub fn tree(&self) -> PathBuf {
        self.root.join("ledger.tree")
    }
    /// The latest checkpoint.
    pub fn latest_checkpoint(&self) -> PathBuf {
        self.root.join("checkpoint")
    }
    /// The folder of all checkpoints.
    pub fn checkpoints(&self) -> PathBuf {
        self.root.join("checkpoints")
    }
    /// The checkpoint of tree size `size`.
    pub fn checkpoint(&self, size: u64) -> PathBuf {
        self.checkpoints().join(size.to_string())
    }
    /// The folder of written proofs.
    pub fn proofs(&self) -> PathBuf {
        self.root.join("proofs")
    }
    /// The folder of keys.
    pub fn keys(&self) -> PathBuf {
        self.root.join("keys")
    }
    /// The PKCS#8 private key of `name`.
    pub fn private_key(&self, name: &str) -> PathBuf {
        self.keys().join(format!("{name}.key.pem"))
    }
    /// The SPKI public key of `name`.
    pub fn public_key(&self, name: &str) -> PathBuf {
        self.keys().join(format!("{name}.pub.pem"))
    }
    /// The C2SP verifier key of `name`.
    pub fn verifier_key(&self, name: &str) -> PathBuf {
        self.keys().join(format!("{name}.vkey"))
    }
    /// The quarantine folder.
    pub fn quarantine(&self) -> PathBuf {
        self.root.join("quarantine")
    }
    /// The writer lock.
    pub fn lock(&self) -> PathBuf {
        self.root.join("LOCK")
    }
}
