//! What the validator established and what it found: one report, the same
//! bytes for the same store.

use crate::finding::Finding;
use ledger::verify::CheckpointSummary;
use model::Action;
use serde::Serialize;

/// The validator's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreReport {
    /// `VERIFIED` or `PROBLEMS_FOUND`.
    pub verdict: &'static str,
    /// What the ledger checks established.
    pub ledger: LedgerSummary,
    /// What replay established.
    pub replay: ReplaySummary,
    /// Every record file, as accounted for by the ledger.
    pub files: Vec<FileSummary>,
    /// Every problem found, in file and line order.
    pub findings: Vec<Finding>,
    /// What this verification could not prove.
    pub limits: Vec<String>,
}

impl StoreReport {
    /// Whether no problem was found.
    pub fn is_ok(&self) -> bool {
        self.findings.is_empty()
    }
}

/// The ledger's part of the report (see `ledger::LedgerReport`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerSummary {
    /// Complete entries read.
    pub entries: u64,
    /// RFC 6962 root of all of them, standard base64.
    pub root: String,
    /// Which keys the verdict rests on.
    pub trust: String,
    /// Entry signatures that verified.
    pub signatures_verified: u64,
    /// Checkpoints whose signature verified.
    pub checkpoints: Vec<CheckpointSummary>,
    /// Whether a writer held the store while it was read.
    pub writer_active: bool,
}

/// What replay did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplaySummary {
    /// Entries before this seq were trusted through a checkpoint and not
    /// replayed (0: everything was replayed).
    pub from_seq: u64,
    /// Entries replayed, by action.
    pub actions: Vec<ActionTally>,
    /// Records rebuilt by replay and compared byte for byte.
    pub records_rebuilt: u64,
    /// Records checked against their own hashes and recorded Merkle roots
    /// only (not replayed).
    pub records_checked_without_replay: u64,
    /// Raw files read again.
    pub raw_files: u64,
    /// Their bytes.
    pub raw_bytes: u64,
}

/// How the entries of one action were handled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionTally {
    /// The action.
    pub action: Action,
    /// Entries replayed.
    pub replayed: u64,
    /// Entries before `from_seq`, checked without replay.
    pub trusted: u64,
    /// Entries no replayer rebuilds.
    pub unreplayable: u64,
}

/// One record file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileSummary {
    /// The file, relative to the store.
    pub file: String,
    /// Lines the ledger accounts for.
    pub accounted_lines: u64,
    /// Entries that wrote to it.
    pub entries: u64,
}

impl StoreReport {
    /// The report as canonical JSON (RFC 8785): the same bytes for the same
    /// store, whatever the machine.
    pub fn to_canonical_json(&self) -> String {
        model::canonical::to_canonical_string(self).expect("a report is plain JSON with no floats")
    }

    /// The VALIDATION_RUN entry that records this verdict: what was
    /// verified (tree size and root), under which trust, and the hash of
    /// the canonical report, so that anyone holding the report can show it
    /// is the one recorded.
    pub fn validation_run(&self, trusted_keys: &[String]) -> ledger::EntryDraft {
        ledger::EntryDraft::new(Action::ValidationRun)
            .params(serde_json::json!({
                "from_seq": self.replay.from_seq,
                "trusted_keys": trusted_keys,
            }))
            .inputs(serde_json::json!({
                "tree_size": self.ledger.entries,
                "root": self.ledger.root,
            }))
            .outputs(serde_json::json!({
                "verdict": self.verdict,
                "findings": self.findings.len(),
                "records_rebuilt": self.replay.records_rebuilt,
                "report_sha256": model::digest::sha256_hex(self.to_canonical_json().as_bytes()),
            }))
    }
}
