//! The errors of the ledger's write and read paths (verification findings are
//! not errors: they are collected in a [`crate::LedgerReport`]).

use std::path::PathBuf;

/// Why a ledger operation could not be carried out.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// Another process holds the writer lock.
    #[error("store is locked by pid {pid} ({path}); wait for it to finish or stop it")]
    Locked {
        /// The pid written in the lock file, or 0 if it could not be read.
        pid: u32,
        /// The lock file.
        path: PathBuf,
    },
    /// `init` was asked to create a store where one exists.
    #[error("{path}: a store already exists here (ledger.jsonl is present); use another --store")]
    StoreExists {
        /// The store directory.
        path: PathBuf,
    },
    /// The directory is not a store.
    #[error("{path}: not a driftledger store (no ledger.jsonl); run `driftledger init` first")]
    NotAStore {
        /// The directory.
        path: PathBuf,
    },
    /// A private key file may be read by other users.
    #[error(
        "{path}: private key is readable by group or others (mode {mode:04o}); refusing to use it, as ssh does: run `chmod 600 {path}`"
    )]
    KeyFileTooOpen {
        /// The key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// A key file is not of the expected form.
    #[error("{path}: {reason}")]
    KeyFile {
        /// The key file.
        path: PathBuf,
        /// What was expected and what was found.
        reason: String,
    },
    /// A key name does not match `[A-Za-z0-9][A-Za-z0-9._-]*`.
    #[error("invalid key name {name:?}: expected [A-Za-z0-9][A-Za-z0-9._-]*")]
    InvalidKeyName {
        /// The rejected name.
        name: String,
    },
    /// A key operation names a key in the wrong state.
    #[error("key {name:?}: {reason}")]
    KeyState {
        /// The key's name.
        name: String,
        /// Why the operation is not allowed.
        reason: String,
    },
    /// No active key has its private key in keys/.
    #[error("no active signing key has a private key in {dir}; active keys: {active}")]
    NoSigningKey {
        /// The keys directory.
        dir: PathBuf,
        /// The names of the active keys.
        active: String,
    },
    /// An action that only the ledger itself may write was passed to `append`.
    #[error("{action} entries are written only by the ledger's own methods, not by append")]
    ReservedAction {
        /// The action's wire name.
        action: String,
    },
    /// The ledger on disk is not in a state the writer can append to.
    #[error("{path}:{line}: {reason}; run `driftledger ledger verify` for a full report")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// A request names entries the ledger does not have.
    #[error("{what}: the ledger has {size} entries")]
    OutOfRange {
        /// What was asked for.
        what: String,
        /// The ledger's size.
        size: u64,
    },
    /// An operation needs a checkpoint and the store has none.
    #[error("{path}: the store has no checkpoint yet; run `driftledger ledger checkpoint`, or give a tree size")]
    NoCheckpoint {
        /// The latest-checkpoint file that is missing.
        path: PathBuf,
    },
    /// A value has no canonical JSON form.
    #[error(transparent)]
    Canonical(#[from] model::CanonicalError),
    /// A transparency-log computation failed.
    #[error(transparent)]
    Tlog(#[from] tlog::TlogError),
}

impl LedgerError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> LedgerError {
        let path = path.into();
        move |source| LedgerError::Io { path, source }
    }
}
