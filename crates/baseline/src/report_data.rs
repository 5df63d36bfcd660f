//! What a report on one scoring run is made of, read back from the store:
//! its score records, the baselines it picked from, and provenance lines
//! drawn from the ledger. The write path renders a report from it and the
//! validator renders it again, so both read the same things the same way.

use crate::error::BaselineError;
use crate::index::BaselineIndex;
use crate::score::ScoreParams;
use crate::stored::{BASELINES_FILE, SCORES_FILE, Span, for_each_record, read_baselines, spans};
use model::baseline::{Baseline, ScoredEvent};
use model::{Action, LedgerEntry};
use serde_json::Value;
use std::io::BufRead;

/// The records and provenance of a report on one scoring run.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportData {
    /// The SCORES_COMPUTED entry reported on.
    pub scores_seq: u64,
    /// Its score records, in stored order.
    pub scores: Vec<ScoredEvent>,
    /// The baselines it picked from (one per bucket), sorted.
    pub baselines: Vec<Baseline>,
    /// Where each part came from, one line each.
    pub provenance: Vec<String>,
}

/// Why the scoring run cannot be reported on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportDataError {
    /// No such scoring run.
    #[error("no SCORES_COMPUTED entry{}", .0.map(|seq| format!(" at seq {seq}")).unwrap_or_default())]
    NoScoringRun(Option<u64>),
    /// Its recorded parameters do not parse.
    #[error("SCORES_COMPUTED at seq {seq}: {reason}")]
    BadParams {
        /// The entry.
        seq: u64,
        /// Why.
        reason: String,
    },
    /// Reading the records failed.
    #[error(transparent)]
    Baseline(#[from] BaselineError),
}

/// The scoring run at `scores_seq` (by default the newest) and what it read.
pub fn report_data(
    entries: &[LedgerEntry],
    scores: impl BufRead,
    baselines: impl BufRead,
    scores_seq: Option<u64>,
) -> Result<ReportData, ReportDataError> {
    let scoring = spans(entries, Action::ScoresComputed, SCORES_FILE);
    let span: &Span = match scores_seq {
        Some(seq) => scoring.iter().find(|s| s.seq == seq),
        None => scoring.last(),
    }
    .ok_or(ReportDataError::NoScoringRun(scores_seq))?;
    let entry = entries
        .iter()
        .find(|e| e.seq == span.seq)
        .ok_or(ReportDataError::NoScoringRun(Some(span.seq)))?;
    let bad = |reason: String| ReportDataError::BadParams { seq: span.seq, reason };
    let params = ScoreParams::from_json(&entry.params).map_err(bad)?;
    let baseline_lines = entry
        .inputs
        .get("baselines")
        .and_then(|b| b.get("lines"))
        .and_then(Value::as_u64)
        .ok_or_else(|| bad("inputs.baselines.lines is not a count".into()))?;
    let training = spans(entries, Action::BaselineTrained, BASELINES_FILE);
    let index = BaselineIndex::new(read_baselines(baselines, baseline_lines, &training)?, &params.selection);
    let picked: Vec<Baseline> = index.picked().into_iter().cloned().collect();
    let scores = read_scores(scores, span)?;
    let provenance = vec![
        format!(
            "scores: SCORES_COMPUTED at seq {} ({}), {} records, {SCORES_FILE} lines {}..{}, Merkle root {}",
            span.seq,
            span.time,
            span.end_line - span.first_line,
            span.first_line,
            span.end_line - 1,
            span.merkle_root
        ),
        format!(
            "parameters: threshold {}, context {}, baselines {}",
            crate::explain::show(params.threshold),
            params.context,
            match &params.selection {
                crate::BaselineSelection::Latest => "newest version".to_owned(),
                other => other.describe().trim().to_owned(),
            }
        ),
        format!(
            "baselines: {} buckets picked from {BASELINES_FILE} lines 1..{baseline_lines}, trained by {}",
            picked.len(),
            training_runs(&training, baseline_lines)
        ),
    ];
    Ok(ReportData {
        scores_seq: span.seq,
        scores,
        baselines: picked,
        provenance,
    })
}

fn training_runs(training: &[Span], lines: u64) -> String {
    let runs: Vec<String> = training
        .iter()
        .filter(|s| s.first_line <= lines)
        .map(|s| format!("seq {}", s.seq))
        .collect();
    if runs.is_empty() {
        "no recorded run".to_owned()
    } else {
        format!("BASELINE_TRAINED {}", runs.join(", "))
    }
}

fn read_scores(reader: impl BufRead, span: &Span) -> Result<Vec<ScoredEvent>, BaselineError> {
    let mut scores = Vec::with_capacity((span.end_line - span.first_line) as usize);
    for_each_record(
        reader,
        SCORES_FILE,
        span.first_line,
        span.end_line,
        |_| true,
        |_, score| {
            scores.push(score);
            Ok::<_, BaselineError>(())
        },
    )?;
    Ok(scores)
}
