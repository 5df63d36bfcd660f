//! What verification can find: one [`Finding`] per problem, each with a
//! stable [`FindingKind`] code, the file and line it is about, and evidence.

use serde::Serialize;
use std::fmt;

/// The kind of a problem, printed as an upper-case code (e.g. `BAD_SIGNATURE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum FindingKind {
    /// A line that is not a well-formed ledger entry.
    Malformed,
    /// A line whose bytes are not the RFC 8785 form of its content.
    NonCanonical,
    /// `hash` does not match the entry's content.
    AlteredEntry,
    /// `sig` does not verify with the entry's key.
    BadSignature,
    /// The entry names a key that was never added.
    UnknownKey,
    /// The entry is signed by a key retired before it.
    RetiredKey,
    /// A key event that cannot apply (reused name, retiring an inactive key…).
    InvalidKeyEvent,
    /// `prev` is not the previous entry's `hash`.
    BrokenChain,
    /// `seq` skips ahead of the line's position.
    SeqGap,
    /// `seq` is behind the line's position (lines swapped or duplicated).
    Reordered,
    /// The file ends in bytes without a newline.
    TornTail,
    /// A checkpoint covers more entries than the ledger has.
    TruncatedBeforeCheckpoint,
    /// The ledger ends exactly at a checkpoint whose CHECKPOINT_SIGNED entry is gone.
    TruncatedAfterCheckpoint,
    /// A checkpoint's root differs from the root of the ledger prefix it covers.
    CheckpointMismatch,
    /// A checkpoint file that is not a valid, trusted signed checkpoint.
    CheckpointInvalid,
    /// A checkpoint file whose name is not its size.
    CheckpointMisnamed,
    /// A checkpoint without a matching CHECKPOINT_SIGNED entry.
    CheckpointUnrecorded,
    /// A CHECKPOINT_SIGNED entry whose checkpoint file is missing or different.
    CheckpointMissing,
    /// `checkpoint` is not the newest file of `checkpoints/`.
    StaleLatestCheckpoint,
    /// Two checkpoints are not consistent with each other.
    InconsistentCheckpoints,
    /// `ledger.tree` disagrees with the ledger lines.
    TreeFileMismatch,
    /// A file in `keys/` disagrees with the key recorded in the ledger.
    KeyFileMismatch,
    /// A proof file in `proofs/` that does not prove what it claims about this ledger.
    ProofInvalid,
    /// Bytes moved to quarantine by recovery are missing or changed.
    QuarantineMismatch,
    /// Nothing in the ledger is anchored to a pinned (trusted) key.
    UntrustedKey,
    /// The ledger file is missing or empty.
    EmptyLedger,
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(code)) => f.write_str(&code),
            _ => write!(f, "{self:?}"),
        }
    }
}

/// One problem, located.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The kind of problem.
    pub kind: FindingKind,
    /// The file it is about, relative to the store.
    pub file: String,
    /// The 1-based line in that file, when the problem is on a line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The ledger seq the problem concerns, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.kind)?;
        if let Some(seq) = self.seq {
            write!(f, " (seq {seq})")?;
        }
        write!(f, ": {}", self.message)
    }
}
