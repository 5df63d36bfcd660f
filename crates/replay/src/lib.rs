//! The global validator: reads a driftledger store as a stranger would,
//! re-runs every recorded action from its recorded inputs and parameters,
//! and proves that nothing was altered, dropped, added or reordered.
//!
//! [`verify_store`] checks, in one pass and without any private key:
//! - everything `ledger verify` checks (entries, chain, signatures, keys,
//!   checkpoints, proofs), through [`ledger::verify_ledger`];
//! - every record file: each line accounted for by exactly one entry, no
//!   line missing or extra, each record sound (canonical, its own `hash`);
//! - replay: every entry, in ledger order, through the [`Replayer`] its
//!   action has in the [`Registry`]. An ingest is replayed by reading the
//!   archived raw file again through the same parser ingest ran and
//!   comparing every rebuilt record with the stored one, byte for byte, and
//!   the entry's counts, Merkle roots, raw hash and quarantine list with the
//!   rebuilt ones. An action with no replayer is itself a finding
//!   (UNREPLAYABLE_ACTION).
//!
//! Each problem is a [`Finding`] naming the file, line and ledger seq, and
//! for a replay mismatch the field with its stored and rebuilt values; the
//! [`StoreReport`] also says what the run could not prove (freshness, the
//! entries a trusted checkpoint stood for).
//!
//! It never writes, never takes the writer lock and never calls a write
//! path: it works on a read-only copy of a store. It reuses the pure
//! computations (`ingest`'s parsers, `tlog`'s Merkle math) but has its own
//! reading of the store's files.
#![deny(missing_docs)]

mod compare;
pub mod error;
pub mod finding;
mod registry;
mod replayers;
pub mod report;
mod stored;
mod verify;

pub use error::ReplayError;
pub use finding::{Finding, FindingKind, RecordNoun};
pub use registry::{Registry, ReplayContext, Replayer};
pub use report::StoreReport;
pub use verify::{ReplayOptions, verify_store};
