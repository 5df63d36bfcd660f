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
                    merkle_root: hex::encode(claim.merkle_root),
                })
        })
        .collect()
}

/// Reads the records on lines `first_line .. end_line` (1-based, end
/// exclusive) of `file` from `reader` (positioned at line 1), each without
/// its `hash`, and hands those `wanted` accepts (by their bytes) to `visit`
/// with their line number (`model::record::for_each_record`, its errors
/// naming `file`).
pub fn for_each_record<T, E>(
    reader: impl BufRead,
    file: &str,
    first_line: u64,
    end_line: u64,
    wanted: impl FnMut(&[u8]) -> bool,
    mut visit: impl FnMut(u64, T) -> Result<(), E>,
) -> Result<(), E>
where
    T: serde::de::DeserializeOwned,
    E: From<BaselineError>,
{
    let read = model::record::for_each_record(reader, first_line, end_line, wanted, |number, record, _hash| {
        visit(number, record).map_err(ReadOr::Visit)
    });
    match read {
        Ok(()) => Ok(()),
        Err(ReadOr::Read(error)) => Err(BaselineError::of_lines(file, error).into()),
        Err(ReadOr::Visit(error)) => Err(error),
    }
}

/// A reading error, or the visitor's own.
enum ReadOr<E> {
    Read(model::record::ReadLinesError),
    Visit(E),
}

impl<E> From<model::record::ReadLinesError> for ReadOr<E> {
    fn from(error: model::record::ReadLinesError) -> Self {
        ReadOr::Read(error)
    }
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
    for_each_record(
        reader,
        BASELINES_FILE,
        1,
        lines + 1,
        |_| true,
        |number, baseline: Baseline| {
            while span < training.len() && training[span].end_line <= number {
                span += 1;
            }
            let trained_at = training
                .get(span)
                .filter(|s| s.first_line <= number)
                .map(|s| s.time.clone())
                .unwrap_or_default();
            out.push(TrainedBaseline { baseline, trained_at });
            Ok::<_, BaselineError>(())
        },
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Numbered {
        n: u64,
    }

    fn read(text: &str, first: u64, end: u64) -> Result<Vec<(u64, u64)>, BaselineError> {
        let mut seen = Vec::new();
        for_each_record(
            text.as_bytes(),
            "f.jsonl",
            first,
            end,
            |line| !line.contains(&b'7'),
            |number, r: Numbered| {
                seen.push((number, r.n));
                Ok::<_, BaselineError>(())
            },
        )?;
        Ok(seen)
    }

    #[test]
    fn records_of_a_span_without_their_hash() {
        let text: String = (1..=9).map(|n| format!("{{\"hash\":\"h\",\"n\":{n}}}\n")).collect();
        assert_eq!(read(&text, 5, 9).unwrap(), vec![(5, 5), (6, 6), (8, 8)]);
        assert_eq!(read(&text, 1, 1).unwrap(), vec![]);
        match read(&text, 8, 12) {
            Err(BaselineError::MissingLines { expected, found, .. }) => assert_eq!((expected, found), (11, 9)),
            other => panic!("{other:?}"),
        }
        match read("{\"hash\":\"h\",\"n\":1}\n{\"hash\":\"h\",\"n\":\"two\"}\n", 1, 3) {
            Err(BaselineError::BadRecord { line, file, .. }) => assert_eq!((line, file.as_str()), (2, "f.jsonl")),
            other => panic!("{other:?}"),
        }
    }
}
