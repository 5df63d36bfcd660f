//! Baselines as a store holds them: the records of `baselines.jsonl`, each
//! with the BASELINE_TRAINED entry that accounts for its line, so that
//! scoring can pick versions by time and `explain` can name the run.

use crate::error::BaselineError;
use crate::index::TrainedBaseline;
use model::baseline::Baseline;
use model::claims::record_claims;
use model::{Action, LedgerEntry};
use std::io::BufRead;

/// The baselines file, relative to the store.
pub const BASELINES_FILE: &str = "baselines.jsonl";
/// The metric events file, relative to the store.
pub const METRIC_EVENTS_FILE: &str = "events/metric.jsonl";
/// The scores file, relative to the store.
pub const SCORES_FILE: &str = "scores.jsonl";

/// The lines of one record file one entry accounts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The entry.
    pub seq: u64,
    /// The entry's `time`.
    pub time: String,
    /// The first line.
    pub first_line: u64,
    /// The line after the last.
    pub end_line: u64,
    /// The records' Merkle root, hex.
    pub merkle_root: String,
}

/// The spans of `file` accounted for by the entries of `action`, in ledger
/// order (entries whose claims do not parse are passed over: verify reports
/// them).
pub fn spans(entries: &[LedgerEntry], action: Action, file: &str) -> Vec<Span> {
    entries
        .iter()
        .filter(|entry| entry.action == action)
        .flat_map(|entry| {
            record_claims(entry)
                .unwrap_or_default()
                .into_iter()
                .filter(|claim| claim.file == file)
                .map(|claim| Span {
                    seq: entry.seq,
                    time: entry.time.clone(),
                    first_line: claim.first_line,
                    end_line: claim.end_line(),
                    merkle_root: hex_of(&claim.merkle_root),
                })
        })
        .collect()
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads the first `lines` baselines of `reader` (`baselines.jsonl`), each
/// with the time of the training entry whose span holds it (`spans` from
/// [`spans`] over BASELINE_TRAINED).
pub fn read_baselines(
    reader: impl BufRead,
    lines: u64,
    training: &[Span],
) -> Result<Vec<TrainedBaseline>, BaselineError> {
    let mut out = Vec::with_capacity(lines as usize);
    let mut span = 0;
    for (index, line) in reader.split(b'\n').take(lines as usize).enumerate() {
        let line_number = index as u64 + 1;
        let line = line.map_err(|source| BaselineError::Io {
            file: BASELINES_FILE.to_owned(),
            source,
        })?;
        let bad = |reason: String| BaselineError::BadRecord {
            file: BASELINES_FILE.to_owned(),
            line: line_number,
            reason,
        };
        let mut value: serde_json::Value = serde_json::from_slice(&line).map_err(|e| bad(e.to_string()))?;
        if let Some(members) = value.as_object_mut() {
            members.remove("hash");
        }
        let baseline: Baseline = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
        while span < training.len() && training[span].end_line <= line_number {
            span += 1;
        }
        let trained_at = training
            .get(span)
            .filter(|s| s.first_line <= line_number)
            .map(|s| s.time.clone())
            .unwrap_or_default();
        out.push(TrainedBaseline { baseline, trained_at });
    }
    if (out.len() as u64) < lines {
        return Err(BaselineError::MissingLines {
            file: BASELINES_FILE.to_owned(),
            expected: lines,
            found: out.len() as u64,
        });
    }
    Ok(out)
}
