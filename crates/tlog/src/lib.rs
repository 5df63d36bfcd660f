//! Transparency-log math and formats for driftledger: RFC 6962 / RFC 9162
//! Merkle trees and proofs, C2SP signed notes, checkpoints and verifier keys.
//!
//! The crate is pure: no files, no clock, no randomness. Keys are parameters,
//! and stored hashes come through the [`HashReader`] trait, which the ledger
//! implements over its hash file.
//!
//! - [`leaf_hash`], [`node_hash`], [`empty_root`]: RFC 6962 §2.1 hashing.
//! - The stored-hash layout of Go's `sumdb/tlog` ([`stored_hash_index`],
//!   [`stored_hashes_for_record`]), from which [`tree_hash`],
//!   [`prove_inclusion`] and [`prove_consistency`] read O(log² n) hashes and
//!   never rehash leaves.
//! - [`TreeBuilder`]: streaming root over leaves, O(log n) memory.
//! - [`verify_inclusion`], [`verify_consistency`]: RFC 9162 §2.1.3.2 / §2.1.4.2.
//! - [`InclusionProof`], [`ConsistencyProof`], [`Proof`]: the proof files.
//! - [`VerifierKey`], [`sign_note`], [`open_note`]: C2SP signed notes.
//! - [`Checkpoint`], [`verify_checkpoint`] → [`VerifiedCheckpoint`]: C2SP tlog-checkpoints.
//!
//! What it deliberately does not do: read or write files, choose keys or
//! origins, decide which checkpoints to trust, or know what a ledger line is
//! (a leaf is any byte string).
//!
//! Every output is byte-compatible with Go's `golang.org/x/mod/sumdb/note` and
//! `sumdb/tlog`: a checkpoint and the proofs look like this
//!
//! ```text
//! driftledger.example/sample-store
//! 8
//! UOvjHGSGqCevj1fQifO9x+5Lf1d8nNc16/hX51QOiDg=
//!
//! — alpha vxqgXR63oHqUYGJCZhnvxaQSR4UaSjMq+h+SW+uzpu0oqOMpCkOH6P+vOh7CcG4FBa5YjcD8zJ7YjjhstwirqthYlAI=
//! ```
//!
//! ```text
//! {"leaf_index":5,"tree_size":21,"leaf_hash":"<b64>","hashes":["<b64>",...]}
//! {"old_size":8,"new_size":14,"old_root":"<b64>","new_root":"<b64>","hashes":["<b64>",...]}
//! ```
//!
//! # Example
//!
//! ```
//! use ed25519_dalek::SigningKey;
//! use tlog::{
//!     Checkpoint, Hash, InclusionProof, VerifierKey, leaf_hash, prove_inclusion,
//!     stored_hashes_for_record, tree_hash, verify_checkpoint,
//! };
//!
//! // Append three records to the stored-hash layout (a file, in the ledger).
//! let mut stored: Vec<Hash> = Vec::new();
//! for (n, record) in [b"first", b"secnd", b"third"].iter().enumerate() {
//!     let hashes = stored_hashes_for_record(n as u64, leaf_hash(*record), &stored)?;
//!     stored.extend(hashes);
//! }
//! let root = tree_hash(3, &stored)?;
//!
//! // Sign a checkpoint, then verify it as a stranger holding only the verifier key.
//! let key = SigningKey::from_bytes(&[7; 32]);
//! let checkpoint = Checkpoint { origin: "example.org/log".into(), size: 3, root, extensions: vec![] };
//! let note = checkpoint.sign("example", &key)?;
//! let trusted = VerifierKey::parse(&VerifierKey::new("example", key.verifying_key())?.to_text())?;
//! let verified = verify_checkpoint(&note, &[trusted])?;
//! assert_eq!(verified.signed_by(), ["example"]);
//!
//! // Prove that record 1 is in that tree, through the proof file.
//! let proof = InclusionProof {
//!     leaf_index: 1,
//!     tree_size: 3,
//!     leaf_hash: leaf_hash(b"secnd"),
//!     hashes: prove_inclusion(1, 3, &stored)?,
//! };
//! let read_back = InclusionProof::from_json(&proof.to_json())?;
//! read_back.verify(&verified.checkpoint().root)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod checkpoint;
mod hash;
mod note;
mod proof;
mod proof_json;
mod stored;
mod tree;
mod vkey;

pub use checkpoint::{Checkpoint, CheckpointError, VerifiedCheckpoint, verify_checkpoint};
pub use hash::{Hash, HashTextError, empty_root, leaf_hash, node_hash};
pub use note::{MAX_SIGNATURES, NoteError, OpenedNote, open_note, sign_note};
pub use proof::{ProofError, prove_consistency, prove_inclusion, verify_consistency, verify_inclusion};
pub use proof_json::{ConsistencyProof, InclusionProof, Proof, ProofFormatError};
pub use stored::{
    HashReader, MAX_TREE_SIZE, TlogError, stored_hash_count, stored_hash_index, stored_hashes_for_record,
};
pub use tree::{TreeBuilder, tree_hash};
pub use vkey::{VerifierKey, is_valid_key_name, key_id};
