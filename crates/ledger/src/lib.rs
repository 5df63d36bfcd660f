//! The signed, append-only audit ledger of a driftledger store, on disk.
//!
//! This crate owns the ledger's files (see [`layout`]): the signing keys,
//! the single-writer lock, crash-safe appends with group commit, recovery of
//! a torn final line, the stored RFC 6962 tree hashes, signed C2SP
//! checkpoints, proofs, and the verifier that reads it all back.
//!
//! Main types: [`Ledger`] (the only write path), [`EntryDraft`] (what a
//! caller records), [`verify_ledger`] returning a [`LedgerReport`] of
//! [`Finding`]s, [`prove_inclusion`] / [`prove_consistency`].
//!
//! It deliberately knows nothing of events, baselines or detectors: it
//! records what callers tell it (`params`, `inputs`, `outputs`) and proves
//! that nothing changed since. The verifier never calls the write path and
//! never writes.
//!
//! ```
//! use ledger::{EntryDraft, InitOptions, Ledger, VerifyOptions, verify_ledger};
//! use model::Action;
//! use serde_json::json;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let mut ledger = Ledger::init(dir.path(), InitOptions::default()).unwrap();
//! ledger.append(EntryDraft::new(Action::Note).params(json!({"text": "hello"}))).unwrap();
//! ledger.sign_checkpoint().unwrap();
//! drop(ledger);
//! let report = verify_ledger(dir.path(), &VerifyOptions::default()).unwrap();
//! assert!(report.is_ok(), "{:?}", report.findings);
//! assert_eq!(report.entries, 3);
//! ```
#![deny(missing_docs)]

mod durable;
pub mod error;
pub mod finding;
pub mod key_history;
pub mod keys;
pub mod layout;
pub mod lock;
pub mod proofs;
pub mod reader;
pub mod tree_file;
pub mod verify;
pub mod writer;

pub use error::LedgerError;
pub use finding::{Finding, FindingKind};
pub use layout::StorePaths;
pub use proofs::{prove_consistency, prove_inclusion};
pub use verify::{LedgerReport, Progress, SignatureCheck, VerifyOptions, verify_ledger};
pub use writer::{
    AppendedEntry, Clock, EntryDraft, InitOptions, Ledger, Recovery, WriterOptions, WrittenCheckpoint, system_clock,
};
