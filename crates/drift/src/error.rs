//! Why a drift computation could not happen.

/// Why a drift computation could not happen (nothing is written).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DriftError {
    /// A time is not RFC 3339.
    #[error("{what}: expected an RFC 3339 time (2026-02-02T00:00:00Z) or a date (2026-02-02), found {found:?}")]
    BadTime {
        /// Which bound.
        what: &'static str,
        /// The text.
        found: String,
    },
    /// A window ends before it starts.
    #[error("{what}: the end {end} is not after the start {start}")]
    EmptyWindow {
        /// Which window.
        what: &'static str,
        /// Its start.
        start: String,
        /// Its end.
        end: String,
    },
    /// A threshold is not a finite number of at least 0 (or above 0).
    #[error("{source_name}: expected {expected}, found {found:?}")]
    BadThreshold {
        /// Where the value came from (`--frequency-threshold`, `UBA_DRIFT_FREQUENCY_THRESHOLD`).
        source_name: String,
        /// What it must be.
        expected: &'static str,
        /// The text.
        found: String,
    },
    /// A stored line is not a record of its file.
    #[error("{file}:{line}: expected a stored {what}, found {reason}")]
    BadRecord {
        /// The file.
        file: String,
        /// The 1-based line.
        line: u64,
        /// What was expected.
        what: &'static str,
        /// What the parser said.
        reason: String,
    },
    /// The file ends before the lines the ledger accounts for.
    #[error("{file}: expected {expected} complete lines (as the ledger accounts for), found {found}")]
    MissingLines {
        /// The file.
        file: String,
        /// Lines expected.
        expected: u64,
        /// Lines found.
        found: u64,
    },
    /// The identity is not registered.
    #[error("identity {0} is not registered in identities.jsonl")]
    UnknownIdentity(String),
    /// No profile has this id, or it is not the identity's.
    #[error(
        "no profile {baseline_id} of identity {identity_id} in profiles.jsonl: build one with drift compute --all-identities or drift profile"
    )]
    NoProfile {
        /// The identity.
        identity_id: String,
        /// The profile id asked for.
        baseline_id: String,
    },
    /// A record cannot be written as canonical JSON.
    #[error("cannot write the record: {0}")]
    Record(#[from] model::record::RecordError),
    /// Reading failed.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// The error.
        source: std::io::Error,
    },
}

impl DriftError {
    /// The error of reading `file`'s lines (of records of `what`).
    pub fn of_lines(file: &str, what: &'static str, error: model::record::ReadLinesError) -> DriftError {
        use model::record::ReadLinesError as E;
        match error {
            E::BadRecord { line, reason } => DriftError::BadRecord {
                file: file.to_owned(),
                line,
                what,
                reason,
            },
            E::MissingLines { expected, found } => DriftError::MissingLines {
                file: file.to_owned(),
                expected,
                found,
            },
            E::Io(source) => DriftError::Io {
                file: file.to_owned(),
                source,
            },
            other => DriftError::Io {
                file: file.to_owned(),
                source: std::io::Error::other(other.to_string()),
            },
        }
    }
}
