//! The data model of driftledger: the wire format of every stored record, and
//! the rules that turn a record into bytes.
//!
//! This crate owns:
//! - [`canonical`]: RFC 8785 (JCS) canonical JSON, the only way a record or a
//!   ledger entry becomes bytes, with a guard against integers that an IEEE
//!   double cannot hold exactly;
//! - [`digest`]: SHA-256 content hashes, lowercase hex;
//! - [`id`]: deterministic UUIDv5 artifact ids derived from content;
//! - [`time`]: RFC 3339 UTC timestamps as they appear on the wire;
//! - [`entry`]: [`LedgerEntry`], one signed line of the audit ledger, and the
//!   [`Action`]s it can record;
//! - [`flat`]: a one-pass scanner for flat JSON objects, the fast way to
//!   read a line before falling back to `serde_json`;
//! - [`event`], [`baseline`], [`drift`]: the stored records (events,
//!   identities, baselines, scores, profiles, deltas, summaries), each with its frozen JSON Schema ([`schema`]).
//!
//! It deliberately does no I/O, reads no clock and draws no randomness: times,
//! keys and seeds are parameters, so every function here is a pure function of
//! its arguments. Signing and verification live in the `ledger` crate; this
//! crate only says which bytes are signed.
//!
//! ```
//! use serde_json::json;
//! let bytes = model::canonical::to_canonical_string(&json!({"b": 1.0, "a": "é"})).unwrap();
//! assert_eq!(bytes, r#"{"a":"é","b":1}"#);
//! assert_eq!(model::digest::sha256_hex(b"").len(), 64);
//! ```
#![deny(missing_docs)]

pub mod baseline;
pub mod canonical;
pub mod claims;
pub mod digest;
pub mod drift;
pub mod entry;
pub mod event;
pub mod flat;
pub mod id;
pub mod record;
pub mod schema;
pub mod time;

pub use canonical::CanonicalError;
pub use entry::{Action, EntryError, LedgerEntry, UnsignedEntry};
pub use time::Timestamp;
