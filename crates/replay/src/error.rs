//! Why the validator could not run at all (every problem with a store's
//! content is a [`crate::Finding`] instead).

use std::path::PathBuf;

/// The store could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError {
    /// A file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// The ledger could not be read.
    #[error(transparent)]
    Ledger(#[from] ledger::LedgerError),
}
