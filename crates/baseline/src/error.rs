//! Why training or scoring could not finish.

/// Why training or scoring could not finish.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BaselineError {
    /// A stored line is not a metric event.
    #[error("{file}:{line}: expected a stored metric event (entity, id, metric, timestamp, value), found {reason}")]
    BadEvent {
        /// The events file, relative to the store.
        file: String,
        /// The 1-based line.
        line: u64,
        /// What the parser said.
        reason: String,
    },
    /// A stored time has no hour or date.
    #[error("{file}:{line}: field `timestamp`: expected YYYY-MM-DDTHH:MM:SS.fffZ, found {found:?}")]
    BadTimestamp {
        /// The events file.
        file: String,
        /// The 1-based line.
        line: u64,
        /// The text found.
        found: String,
    },
    /// The file ends before the lines the ledger accounts for.
    #[error("{file}: expected {expected} complete lines (as the ledger accounts for), found {found}")]
    MissingLines {
        /// The file.
        file: String,
        /// Lines expected.
        expected: u64,
        /// Complete lines found.
        found: u64,
    },
    /// A stored baseline or score does not parse.
    #[error("{file}:{line}: expected a stored record of this file, found {reason}")]
    BadRecord {
        /// The baselines file.
        file: String,
        /// The 1-based line.
        line: u64,
        /// What the parser said.
        reason: String,
    },
    /// A bucket's statistics overflow.
    #[error("baseline {entity} {metric} {context}: {source}")]
    Overflow {
        /// The entity.
        entity: String,
        /// The metric.
        metric: String,
        /// The context label.
        context: String,
        /// Which statistic.
        source: crate::stats::StatsOverflow,
    },
    /// A score overflows.
    #[error(
        "{file}:{line}: the score of value {value} against median {median} and scale {scale} is not a finite number"
    )]
    ScoreOverflow {
        /// The events file.
        file: String,
        /// The event's line.
        line: u64,
        /// The value.
        value: f64,
        /// The median.
        median: f64,
        /// The scale.
        scale: f64,
    },
    /// A record cannot be written as canonical JSON.
    #[error("cannot write the record: {0}")]
    Record(#[from] model::record::RecordError),
    /// Reading failed.
    #[error("{file}: {source}")]
    Io {
        /// The file being read.
        file: String,
        /// The error.
        source: std::io::Error,
    },
}

impl BaselineError {
    /// The error of reading `file`'s lines.
    pub fn of_lines(file: &str, error: model::record::ReadLinesError) -> BaselineError {
        use model::record::ReadLinesError as E;
        match error {
            E::BadRecord { line, reason } => BaselineError::BadRecord {
                file: file.to_owned(),
                line,
                reason,
            },
            E::MissingLines { expected, found } => BaselineError::MissingLines {
                file: file.to_owned(),
                expected,
                found,
            },
            E::Io(source) => BaselineError::Io {
                file: file.to_owned(),
                source,
            },
            other => BaselineError::Io {
                file: file.to_owned(),
                source: std::io::Error::other(other.to_string()),
            },
        }
    }
}
