//! Why an analysis action did not happen.

use std::path::PathBuf;

/// Why an analysis action did not happen (nothing was written).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// There are no metric events to train on.
    #[error("no metric events in the store: ingest some first (driftledger ingest metric FILE)")]
    NoMetricEvents,
    /// The window holds no metric events.
    #[error("no stored metric event lies in the training window; widen --from/--to")]
    EmptyWindow,
    /// There are no baselines to score against.
    #[error("no baselines in the store: train some first (driftledger baseline train)")]
    NoBaselines,
    /// The selection holds no events.
    #[error("no stored metric event matches the selection (--batch, --from, --to)")]
    NothingToScore,
    /// No stored score is of this event.
    #[error("no score of event {0} in scores.jsonl: score its batch first (driftledger score)")]
    UnknownEvent(String),
    /// No stored baseline matches.
    #[error("no stored baseline matches {0}")]
    UnknownBaseline(String),
    /// No scoring run to report on.
    #[error("{0}: score some events first (driftledger score), or name a SCORES_COMPUTED seq")]
    NoScores(#[from] baseline::report_data::ReportDataError),
    /// No drift computation to summarize or export.
    #[error("no UBA_DELTA_COMPUTED entry{}: compute deltas first (driftledger drift compute)", .0.map(|seq| format!(" at seq {seq}")).unwrap_or_default())]
    NoDeltas(Option<u64>),
    /// Drift could not be computed.
    #[error(transparent)]
    Drift(#[from] drift::DriftError),
    /// A stored file could not be read or a report file not written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A ledger line does not parse.
    #[error("ledger.jsonl:{line}: {reason}; run driftledger verify")]
    BadEntry {
        /// The 1-based line.
        line: u64,
        /// Why.
        reason: String,
    },
    /// A run could not start.
    #[error(transparent)]
    Refused(#[from] baseline::run::RunRefused),
    /// Training or scoring failed.
    #[error(transparent)]
    Baseline(#[from] baseline::BaselineError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// The ledger failed.
    #[error(transparent)]
    Ledger(#[from] ledger::LedgerError),
}
