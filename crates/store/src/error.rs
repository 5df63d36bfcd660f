//! Errors of the record write path.

use std::path::PathBuf;

/// Why records could not be written or the store could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The ledger refused or failed.
    #[error(transparent)]
    Ledger(#[from] ledger::LedgerError),
    /// A record file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A record file name is not one the store keeps.
    #[error("invalid record file name {name:?}: expected a relative path of [a-z0-9_-] segments ending in .jsonl")]
    InvalidFileName {
        /// The rejected name.
        name: String,
    },
    /// One action names the same record file twice.
    #[error("{name}: named twice in one action; put its records in one batch")]
    RepeatedFile {
        /// The file.
        name: String,
    },
    /// A record cannot be sealed.
    #[error("{file}: record {index}: {source}")]
    Record {
        /// The file it was meant for.
        file: String,
        /// Its position in the batch, from 0.
        index: usize,
        /// Why.
        source: model::record::RecordError,
    },
    /// A record file holds fewer lines than the ledger accounts for.
    #[error(
        "{file}: the ledger accounts for {expected} lines but the file has {found}: records were removed; run `driftledger verify`"
    )]
    MissingRecords {
        /// The file.
        file: String,
        /// Lines the ledger accounts for.
        expected: u64,
        /// Lines present.
        found: u64,
    },
}

impl StoreError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> StoreError {
        let path = path.into();
        move |source| StoreError::Io { path, source }
    }
}
