//! The record files of a driftledger store, written only together with the
//! ledger entry that accounts for them.
//!
//! This crate owns every `*.jsonl` record file of a store except the ledger
//! itself (`events/<format>.jsonl`, `baselines.jsonl`, …). [`Store::record`]
//! seals records ([`model::record`]), appends them, fsyncs, and then appends
//! one ledger entry whose `outputs.records` names, for each file, the first
//! line, the count and the RFC 6962 Merkle root of the records appended
//! (leaf data = the 32 raw bytes of each record's hash):
//!
//! ```text
//! "outputs":{"records":[{"count":3,"file":"events/metric.jsonl","first_line":1,"merkle_root":"<64 hex>"}]}
//! ```
//!
//! Input files are archived byte for byte, content-addressed, by [`raw`].
//!
//! A crash between the records and their entry leaves lines no entry
//! accounts for; [`Store::open`] moves them to `quarantine/` and records the
//! repair (RECORDS_RECOVERED). It deliberately knows nothing of what records
//! mean: ingest, baselines and detectors build them; this crate only keeps
//! them append-only and accounted for.
//!
//! ```
//! use ledger::{EntryDraft, InitOptions, WriterOptions};
//! use model::Action;
//! use serde_json::json;
//! use store::{RecordBatch, RecordFile, Store};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let mut store = Store::init(dir.path(), InitOptions::default()).unwrap();
//! let file = RecordFile::new("events/metric.jsonl").unwrap();
//! let batch = RecordBatch { file: file.clone(), records: vec![json!({"value": 1}), json!({"value": 2})] };
//! let written = store.record(EntryDraft::new(Action::EventsIngested), vec![batch]).unwrap();
//! assert_eq!(written.batches[0].count, 2);
//! drop(store);
//! let store = Store::open(dir.path(), WriterOptions::default()).unwrap();
//! assert!(store.recovery().is_empty());
//! assert_eq!(store.line_count(&file), 2);
//! ```
#![deny(missing_docs)]

mod error;
pub mod ingest_file;
pub mod raw;
mod record_file;
mod recovery;
mod stream;
mod writeback;
mod writer;

pub use error::StoreError;
pub use record_file::RecordFile;
pub use recovery::StoreRecovery;
pub use stream::RecordStream;
pub use writer::{RecordBatch, RecordedAction, RecordedBatch, Store};
