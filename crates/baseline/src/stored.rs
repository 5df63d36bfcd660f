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

/// Reads the records on lines `first_line .. end_line` (1-based, end
/// exclusive) of `file` from `reader` (positioned at line 1), each without
/// its `hash`, and hands those `wanted` accepts (by their bytes) to `visit`
/// with their line number. A missing line or one that is not a record of
/// type `T` is an error naming it.
pub fn for_each_record<T, E>(
    reader: impl BufRead,
    file: &str,
    first_line: u64,
    end_line: u64,
    mut wanted: impl FnMut(&[u8]) -> bool,
    mut visit: impl FnMut(u64, T) -> Result<(), E>,
) -> Result<(), E>
where
    T: serde::de::DeserializeOwned,
    E: From<BaselineError>,
{
    let mut read = 0u64;
    for (index, line) in reader.split(b'\n').enumerate() {
        let number = index as u64 + 1;
        if number >= end_line {
            break;
        }
        read = number;
        if number < first_line {
            continue;
        }
        let line = line.map_err(|source| BaselineError::Io {
            file: file.to_owned(),
            source,
        })?;
        if !wanted(&line) {
            continue;
        }
        let bad = |reason: String| BaselineError::BadRecord {
            file: file.to_owned(),
            line: number,
            reason,
        };
        let mut value: serde_json::Value = serde_json::from_slice(&line).map_err(|e| bad(e.to_string()))?;
        if let Some(members) = value.as_object_mut() {
            members.remove("hash");
        }
        visit(number, serde_json::from_value(value).map_err(|e| bad(e.to_string()))?)?;
    }
    if read + 1 < end_line {
        return Err(BaselineError::MissingLines {
            file: file.to_owned(),
            expected: end_line - 1,
            found: read,
        }
        .into());
    }
    Ok(())
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
        match read("{\"n\":1}\n{\"n\":\"two\"}\n", 1, 3) {
            Err(BaselineError::BadRecord { line, file, .. }) => assert_eq!((line, file.as_str()), (2, "f.jsonl")),
            other => panic!("{other:?}"),
        }
    }
}
