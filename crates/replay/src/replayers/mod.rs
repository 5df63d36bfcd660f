//! One replayer per action kind (see [`crate::Registry::standard`]).

mod baseline;
mod drift;
mod ingest;
mod ledger_only;
mod rerun;

pub use baseline::{ReportReplayer, ScoringReplayer, TrainingReplayer};
pub use drift::{DeltaReplayer, ExportReplayer, ProfileReplayer, SummaryReplayer};
pub use ingest::IngestReplayer;
pub use ledger_only::{LedgerOnly, RecordsRecoveredReplayer};

/// Whether `path` is a plain relative path inside `folder/` of the store
/// (no `..`, no absolute path): the validator opens only files inside the
/// store, whatever an entry says.
fn inside(path: &str, folder: &str) -> bool {
    path.strip_prefix(folder)
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|name| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
                && !name.starts_with('.')
        })
}
