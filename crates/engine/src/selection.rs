//! `scores`: picking stored scores out for an investigation (seed 000's
//! "event selection helpers"): one scoring run, narrowed by entity, metric,
//! context, time, outcome and size, in time order or furthest first.

use crate::error::EngineError;
use crate::store_view::StoreView;
use baseline::TimeWindow;
use baseline::report_data::ReportDataError;
use baseline::stored::{SCORES_FILE, Span, for_each_record, spans};
use model::Action;
use model::baseline::ScoredEvent;
use std::cmp::{Ordering, Reverse};
use std::path::Path;

/// Which stored scores to pick; every field narrows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreQuery {
    /// The SCORES_COMPUTED entry (default: the newest).
    pub scores_seq: Option<u64>,
    /// Only this entity.
    pub entity: Option<String>,
    /// Only this metric.
    pub metric: Option<String>,
    /// Only this context label.
    pub context: Option<String>,
    /// Only events in this window.
    pub window: TimeWindow,
    /// Only anomalies.
    pub anomalies_only: bool,
    /// Only skipped events.
    pub skipped_only: bool,
    /// Only scores at least this far from the median (|score|).
    pub min_abs_score: Option<f64>,
    /// Furthest from the baseline first, instead of in stored (time) order.
    pub furthest_first: bool,
    /// At most this many.
    pub limit: usize,
}

impl ScoreQuery {
    fn matches(&self, score: &ScoredEvent) -> bool {
        self.entity.as_ref().is_none_or(|e| *e == score.entity)
            && self.metric.as_ref().is_none_or(|m| *m == score.metric)
            && self.context.as_ref().is_none_or(|c| *c == score.context)
            && self.window.contains(&score.timestamp)
            && (!self.anomalies_only || score.is_anomaly)
            && (!self.skipped_only || score.skip_reason.is_some())
            && self
                .min_abs_score
                .is_none_or(|min| score.score.is_some_and(|z| z.abs() >= min) || is_constant_departure(score))
    }
}

/// What a selection found.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectedScores {
    /// The SCORES_COMPUTED entry read.
    pub scores_seq: u64,
    /// How many of its scores matched (before the limit).
    pub matched: u64,
    /// The scores picked, at most `limit`.
    pub scores: Vec<ScoredEvent>,
}

/// Picks stored scores of one scoring run.
pub fn select_scores(root: &Path, query: &ScoreQuery) -> Result<SelectedScores, EngineError> {
    let view = StoreView::read(root)?;
    let runs = spans(&view.entries, Action::ScoresComputed, SCORES_FILE);
    let span: &Span = match query.scores_seq {
        Some(seq) => runs.iter().find(|s| s.seq == seq),
        None => runs.last(),
    }
    .ok_or(ReportDataError::NoScoringRun(query.scores_seq))?;
    let mut matched = 0u64;
    let mut picked: Vec<ScoredEvent> = Vec::new();
    let scores = view.open(SCORES_FILE)?;
    for_each_record(
        scores,
        SCORES_FILE,
        span.first_line,
        span.end_line,
        |_| true,
        |_, score: ScoredEvent| {
            if !query.matches(&score) {
                return Ok::<_, EngineError>(());
            }
            matched += 1;
            if query.furthest_first {
                picked.push(score);
                // Keep memory bounded on large runs: sort and cut now and then.
                if picked.len() >= query.limit.max(1024).saturating_mul(2) {
                    sort_furthest_first(&mut picked);
                    picked.truncate(query.limit);
                }
            } else if picked.len() < query.limit {
                picked.push(score);
            }
            Ok(())
        },
    )?;
    if query.furthest_first {
        sort_furthest_first(&mut picked);
        picked.truncate(query.limit);
    }
    Ok(SelectedScores {
        scores_seq: span.seq,
        matched,
        scores: picked,
    })
}

/// The `k` scored events of a scoring run (by default the newest) furthest
/// from their baselines.
pub fn top_scores(root: &Path, scores_seq: Option<u64>, k: usize) -> Result<Vec<ScoredEvent>, EngineError> {
    let query = ScoreQuery {
        scores_seq,
        furthest_first: true,
        limit: k,
        ..ScoreQuery::default()
    };
    let mut selected = select_scores(root, &query)?.scores;
    selected.retain(|s| s.skip_reason.is_none());
    Ok(selected)
}

fn is_constant_departure(score: &ScoredEvent) -> bool {
    score.score.is_none() && score.is_anomaly
}

/// Anomalies first; among them departures from constant baselines (no
/// numeric score) before any numeric score; then by |score|, scored before
/// skipped, then time and event id.
fn sort_furthest_first(scores: &mut [ScoredEvent]) {
    let rank = |s: &ScoredEvent| {
        (
            !s.is_anomaly,
            !is_constant_departure(s),
            s.skip_reason.is_some(),
            Reverse(AbsOrder(s.score.unwrap_or(0.0))),
        )
    };
    scores.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then_with(|| (&a.timestamp, &a.event_id).cmp(&(&b.timestamp, &b.event_id)))
    });
}

/// |x| ordered by `f64::total_cmp`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct AbsOrder(f64);

impl Eq for AbsOrder {}

impl PartialOrd for AbsOrder {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for AbsOrder {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.abs().total_cmp(&other.0.abs())
    }
}
