//! Read-only actions: `baseline list|show|compare` and `explain`. They read
//! the store as its ledger describes it and never take the writer lock.

use crate::error::EngineError;
use crate::store_view::StoreView;
use baseline::compare::{Comparison, compare};
use baseline::events::{LineRange, for_each_block};
use baseline::explain::{Derivation, FeedingBatch};
use baseline::index::parse_context;
use baseline::stored::{BASELINES_FILE, METRIC_EVENTS_FILE, SCORES_FILE, Span, for_each_record, read_baselines, spans};
use baseline::{TimeWindow, TrainParams};
use model::Action;
use model::baseline::{Baseline, ScoredEvent};
use serde_json::Value;
use std::path::Path;

/// A stored baseline and the run that trained it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredBaseline {
    /// The record.
    pub baseline: Baseline,
    /// Its line in `baselines.jsonl`.
    pub line: u64,
    /// The BASELINE_TRAINED entry.
    pub seq: u64,
    /// That entry's time.
    pub trained_at: String,
}

/// Which baselines to list or pick; every field narrows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BaselineQuery {
    /// By id.
    pub id: Option<String>,
    /// By entity.
    pub entity: Option<String>,
    /// By metric.
    pub metric: Option<String>,
    /// By context label.
    pub context: Option<String>,
    /// Exactly this version.
    pub version: Option<u64>,
    /// The versions trained at or before this time.
    pub as_of: Option<String>,
    /// Only the highest version of each key (after the other filters).
    pub latest_only: bool,
}

impl BaselineQuery {
    fn matches(&self, stored: &StoredBaseline) -> bool {
        let b = &stored.baseline;
        self.id.as_ref().is_none_or(|id| *id == b.id)
            && self.entity.as_ref().is_none_or(|e| *e == b.entity)
            && self.metric.as_ref().is_none_or(|m| *m == b.metric)
            && self.context.as_ref().is_none_or(|c| *c == b.context)
            && self.version.is_none_or(|v| v == b.version)
            && self
                .as_of
                .as_ref()
                .is_none_or(|t| stored.trained_at.as_str() <= t.as_str())
    }

    fn describe(&self) -> String {
        serde_json::json!({"id": self.id, "entity": self.entity, "metric": self.metric, "context": self.context,
            "version": self.version, "as_of": self.as_of})
        .to_string()
    }
}

/// The stored baselines `query` selects, in stored order (with
/// `latest_only`, sorted by entity, metric and context).
pub fn list_baselines(root: &Path, query: &BaselineQuery) -> Result<Vec<StoredBaseline>, EngineError> {
    let view = StoreView::read(root)?;
    let mut listed: Vec<StoredBaseline> = stored_baselines(&view)?
        .into_iter()
        .filter(|s| query.matches(s))
        .collect();
    if query.latest_only {
        listed.sort_by(|a, b| {
            let key = |s: &StoredBaseline| {
                (
                    s.baseline.entity.clone(),
                    s.baseline.metric.clone(),
                    s.baseline.context.clone(),
                )
            };
            key(a).cmp(&key(b)).then(b.baseline.version.cmp(&a.baseline.version))
        });
        listed.dedup_by(|later, kept| {
            (&later.baseline.entity, &later.baseline.metric, &later.baseline.context)
                == (&kept.baseline.entity, &kept.baseline.metric, &kept.baseline.context)
        });
    }
    Ok(listed)
}

fn stored_baselines(view: &StoreView) -> Result<Vec<StoredBaseline>, EngineError> {
    let training = spans(&view.entries, Action::BaselineTrained, BASELINES_FILE);
    let read = read_baselines(
        view.open(BASELINES_FILE)?,
        view.accounted_lines(BASELINES_FILE),
        &training,
    )?;
    Ok(read
        .into_iter()
        .enumerate()
        .map(|(index, trained)| {
            let line = index as u64 + 1;
            let seq = span_of(&training, line).map_or(0, |span| span.seq);
            StoredBaseline {
                baseline: trained.baseline,
                line,
                seq,
                trained_at: trained.trained_at,
            }
        })
        .collect())
}

fn span_of(spans: &[Span], line: u64) -> Option<&Span> {
    spans
        .iter()
        .find(|span| span.first_line <= line && line < span.end_line)
}

/// The one baseline `query` selects: the highest version among its matches.
pub fn find_baseline(root: &Path, query: &BaselineQuery) -> Result<StoredBaseline, EngineError> {
    list_baselines(root, query)?
        .into_iter()
        .max_by_key(|s| (s.baseline.version, s.line))
        .ok_or_else(|| EngineError::UnknownBaseline(query.describe()))
}

/// Compares the baselines two queries select.
pub fn compare_baselines(root: &Path, from: &BaselineQuery, to: &BaselineQuery) -> Result<Comparison, EngineError> {
    let a = find_baseline(root, from)?;
    let b = find_baseline(root, to)?;
    Ok(compare(&a.baseline, &b.baseline))
}

/// The derivation of the newest score of `event_id`.
pub fn explain_event(root: &Path, event_id: &str) -> Result<Derivation, EngineError> {
    let view = StoreView::read(root)?;
    let (line, score) = newest_score(&view, event_id)?.ok_or_else(|| EngineError::UnknownEvent(event_id.to_owned()))?;
    let scoring = spans(&view.entries, Action::ScoresComputed, SCORES_FILE);
    let scored_by = span_of(&scoring, line).map_or((0, String::new()), |s| (s.seq, s.time.clone()));
    let mut derivation = Derivation {
        score,
        scored_by,
        baseline: None,
        trained_by: None,
        training_params: String::new(),
        batches: Vec::new(),
        samples: Vec::new(),
    };
    let Some(baseline_id) = derivation.score.baseline_id.clone() else {
        return Ok(derivation);
    };
    let stored = stored_baselines(&view)?
        .into_iter()
        .find(|s| s.baseline.id == baseline_id)
        .ok_or_else(|| EngineError::UnknownBaseline(baseline_id.clone()))?;
    let training = view.entries.iter().find(|e| e.seq == stored.seq);
    if let Some(entry) = training {
        derivation.trained_by = Some((entry.seq, entry.time.clone()));
        if let Ok(params) = TrainParams::from_json(&entry.params) {
            derivation.training_params = format!(
                "context {}, min samples {}, confidence half n {}",
                params.context, params.min_samples, params.confidence_half_n
            );
            let event_lines = entry
                .inputs
                .get("events")
                .and_then(|e| e.get("lines"))
                .and_then(Value::as_u64)
                .unwrap_or(0);
            derivation.samples = bucket_samples(&view, &stored.baseline, &params, event_lines)?;
        }
        derivation.batches = feeding_batches(&entry.inputs);
    }
    derivation.baseline = Some(stored.baseline);
    Ok(derivation)
}

fn newest_score(view: &StoreView, event_id: &str) -> Result<Option<(u64, ScoredEvent)>, EngineError> {
    let needle = format!("\"event_id\":{}", Value::from(event_id));
    let mut found = None;
    let lines = view.accounted_lines(SCORES_FILE);
    let mentions = |line: &[u8]| line.windows(needle.len()).any(|w| w == needle.as_bytes());
    for_each_record(
        view.open(SCORES_FILE)?,
        SCORES_FILE,
        1,
        lines + 1,
        mentions,
        |number, score: ScoredEvent| {
            if score.event_id == event_id {
                found = Some((number, score));
            }
            Ok::<_, EngineError>(())
        },
    )?;
    Ok(found)
}

fn bucket_samples(
    view: &StoreView,
    baseline: &Baseline,
    params: &TrainParams,
    event_lines: u64,
) -> Result<Vec<f64>, EngineError> {
    let Some(context) = parse_context(&baseline.context) else {
        return Ok(Vec::new());
    };
    let window = TimeWindow {
        from: baseline.window.from.clone(),
        to: baseline.window.to.clone(),
    };
    let range = LineRange {
        file: METRIC_EVENTS_FILE.to_owned(),
        first_line: 1,
        end_line: event_lines + 1,
    };
    let mut samples = Vec::new();
    for_each_block(
        view.open(METRIC_EVENTS_FILE)?,
        &range,
        |_, events| -> Result<(), EngineError> {
            samples.extend(
                events
                    .iter()
                    .filter(|e| {
                        e.entity == baseline.entity && e.metric == baseline.metric && window.contains(&e.timestamp)
                    })
                    .filter(|e| params.context.context_of(&e.timestamp) == Some(context))
                    .map(|e| e.value),
            );
            Ok(())
        },
    )?;
    Ok(samples)
}

fn feeding_batches(inputs: &serde_json::Map<String, Value>) -> Vec<FeedingBatch> {
    let Some(Value::Array(batches)) = inputs.get("events").and_then(|e| e.get("batches")) else {
        return Vec::new();
    };
    batches
        .iter()
        .map(|batch| FeedingBatch {
            seq: batch.get("seq").and_then(Value::as_u64).unwrap_or(0),
            raw_sha256: batch
                .get("raw_sha256")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            merkle_root: batch
                .get("merkle_root")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            used: batch.get("used").and_then(Value::as_u64).unwrap_or(0),
        })
        .collect()
}
