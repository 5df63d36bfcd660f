//! What the validator can find: ledger problems (from `ledger::verify`) and
//! problems with the records, raw files and replay, each located by file,
//! line and ledger seq.

use serde::{Serialize, Serializer};
use std::fmt;

/// What kind of record a record file holds, for naming its problems
/// (`ALTERED_EVENT`, `MISSING_IDENTITY`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordNoun {
    /// `events/<format>.jsonl`.
    Event,
    /// `identities.jsonl`.
    Identity,
    /// `baselines.jsonl`.
    Baseline,
    /// Any other record file.
    Record,
}

impl RecordNoun {
    /// The noun for a record file, by its name in the store.
    pub fn of_file(file: &str) -> RecordNoun {
        match file {
            "identities.jsonl" => RecordNoun::Identity,
            "baselines.jsonl" => RecordNoun::Baseline,
            f if f.starts_with("events/") => RecordNoun::Event,
            _ => RecordNoun::Record,
        }
    }

    fn code(self) -> &'static str {
        match self {
            RecordNoun::Event => "EVENT",
            RecordNoun::Identity => "IDENTITY",
            RecordNoun::Baseline => "BASELINE",
            RecordNoun::Record => "RECORD",
        }
    }
}

/// The kind of a problem, printed as an upper-case code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum FindingKind {
    /// A problem `ledger verify` found (entries, signatures, checkpoints, keys, proofs).
    Ledger(ledger::FindingKind),
    /// A stored record that is not canonical JSON, or whose `hash` does not
    /// match its content.
    Altered(RecordNoun),
    /// A record the ledger accounts for is not in its file.
    Missing(RecordNoun),
    /// A record line no ledger entry accounts for.
    ExtraRecord,
    /// Two records are stored in each other's place.
    ReorderedRecords,
    /// Records whose Merkle root differs from the one their entry recorded,
    /// found without replay (which would name the record).
    RecordsRootMismatch,
    /// Re-running an action gives something other than what is stored or
    /// recorded (a record, or a field of the entry's outputs).
    ReplayMismatch,
    /// An archived raw file is missing.
    MissingRaw,
    /// An archived raw file's bytes differ from the hash the ledger recorded.
    AlteredRaw,
    /// A quarantine list an entry recorded is missing.
    MissingQuarantine,
    /// A quarantine list differs from what its entry recorded or replay rebuilds.
    AlteredQuarantine,
    /// An entry whose action no replayer rebuilds.
    UnreplayableAction,
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FindingKind::Ledger(kind) => write!(f, "{kind}"),
            FindingKind::Altered(noun) => write!(f, "ALTERED_{}", noun.code()),
            FindingKind::Missing(noun) => write!(f, "MISSING_{}", noun.code()),
            FindingKind::ExtraRecord => f.write_str("EXTRA_RECORD"),
            FindingKind::ReorderedRecords => f.write_str("REORDERED_RECORDS"),
            FindingKind::RecordsRootMismatch => f.write_str("RECORDS_ROOT_MISMATCH"),
            FindingKind::ReplayMismatch => f.write_str("REPLAY_MISMATCH"),
            FindingKind::MissingRaw => f.write_str("MISSING_RAW"),
            FindingKind::AlteredRaw => f.write_str("ALTERED_RAW"),
            FindingKind::MissingQuarantine => f.write_str("MISSING_QUARANTINE"),
            FindingKind::AlteredQuarantine => f.write_str("ALTERED_QUARANTINE"),
            FindingKind::UnreplayableAction => f.write_str("UNREPLAYABLE_ACTION"),
        }
    }
}

impl Serialize for FindingKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One problem, located.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The kind of problem.
    pub kind: FindingKind,
    /// The file it is about, relative to the store (or as given, for a
    /// checkpoint kept outside it).
    pub file: String,
    /// The 1-based line in that file, when the problem is on a line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The ledger seq of the entry the problem concerns, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// The field that differs, for a replay mismatch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The stored value of that field (JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stored: Option<String>,
    /// The rebuilt value of that field (JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rebuilt: Option<String>,
    /// What was expected and what was found.
    pub message: String,
}

impl Finding {
    /// A finding about `file`, at `line` when given.
    pub fn new(kind: FindingKind, file: impl Into<String>, line: Option<u64>, message: impl Into<String>) -> Self {
        Finding {
            kind,
            file: file.into(),
            line,
            seq: None,
            field: None,
            stored: None,
            rebuilt: None,
            message: message.into(),
        }
    }

    /// The same finding, about the entry at `seq`.
    pub fn at_seq(mut self, seq: u64) -> Self {
        self.seq = Some(seq);
        self
    }

    /// The same finding, naming the field that differs and both values.
    pub fn with_difference(mut self, field: impl Into<String>, stored: String, rebuilt: String) -> Self {
        self.field = Some(field.into());
        self.stored = Some(stored);
        self.rebuilt = Some(rebuilt);
        self
    }
}

impl From<ledger::Finding> for Finding {
    fn from(found: ledger::Finding) -> Self {
        Finding {
            kind: FindingKind::Ledger(found.kind),
            file: found.file,
            line: found.line,
            seq: found.seq,
            field: None,
            stored: None,
            rebuilt: None,
            message: found.message,
        }
    }
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
        write!(f, ": {}", self.message)?;
        if let (Some(field), Some(stored), Some(rebuilt)) = (&self.field, &self.stored, &self.rebuilt) {
            write!(f, " [field `{field}`: stored {stored}, rebuilt {rebuilt}]")?;
        }
        Ok(())
    }
}
