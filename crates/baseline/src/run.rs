//! Whole training and scoring runs, from a store's readers and ledger
//! entries to the records and the entry's `params`, `inputs` and `outputs`.
//! The write path appends what a run returns; the validator runs the same
//! function from the recorded parameters and compares, so the two cannot
//! drift apart.
//!
//! ```text
//! BASELINE_TRAINED "params":{"confidence_half_n":30,"context":"hour-of-day","min_samples":10,"window":{}}
//!                  "inputs":{"baselines":{"file":"baselines.jsonl","lines":0},"events":{"batches":[{"count":33600,"first_line":1,"merkle_root":"…","raw_sha256":"…","seq":1,"used":33600}],"file":"events/metric.jsonl","lines":33604}}
//!                  "outputs":{"baselines":2400,"insufficient_history":0,"ready":2400,"samples":33604,"records":[…]}
//! SCORES_COMPUTED  "params":{"baseline":{"latest":true},"context":"hour-of-day","events":{"window":{}},"threshold":3.5}
//! ```

use crate::context::ContextKind;
use crate::error::BaselineError;
use crate::events::{LineRange, TimeWindow, for_each_block};
use crate::index::{BaselineIndex, BaselineSelection};
use crate::score::{BufferPool, ScoreParams, ScoreTally, ScoredBlock, score_block};
use crate::stored::{BASELINES_FILE, METRIC_EVENTS_FILE, Span, read_baselines, spans};
use crate::train::{TrainParams, Trained, Trainer, VersionBook};
use model::baseline::BaselineStatus;
use model::{Action, LedgerEntry};
use serde_json::{Value, json};
use std::io::BufRead;

/// One EVENTS_INGESTED batch of metric events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricBatch {
    /// Its lines and entry.
    pub span: Span,
    /// The raw input file's SHA-256.
    pub raw_sha256: String,
}

/// The metric event batches the entries account for, in ledger order.
pub fn metric_batches(entries: &[LedgerEntry]) -> Vec<MetricBatch> {
    spans(entries, Action::EventsIngested, METRIC_EVENTS_FILE)
        .into_iter()
        .map(|span| {
            let raw_sha256 = entries
                .iter()
                .find(|e| e.seq == span.seq)
                .and_then(|e| e.inputs.get("raw_sha256"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            MetricBatch { span, raw_sha256 }
        })
        .collect()
}

/// What a run reads from the store: its readers positioned at line 1 and
/// the lines of each file the ledger accounted for when it ran.
#[derive(Debug)]
pub struct RunInputs<'e, E, B> {
    /// The ledger entries before the run.
    pub entries: &'e [LedgerEntry],
    /// `events/metric.jsonl`.
    pub events: E,
    /// Its accounted lines.
    pub event_lines: u64,
    /// `baselines.jsonl`.
    pub baselines: B,
    /// Its accounted lines.
    pub baseline_lines: u64,
}

/// A training run's records and the entry that records it.
#[derive(Debug)]
pub struct TrainingRun {
    /// The baselines, sealed.
    pub trained: Trained,
    /// The entry's `params`.
    pub params: Value,
    /// The entry's `inputs`.
    pub inputs: Value,
    /// The entry's `outputs` (without `records`, which the writer adds).
    pub outputs: Value,
}

impl TrainParams {
    /// How the ledger entry records the parameters.
    pub fn to_json(&self) -> Value {
        json!({
            "context": self.context.as_str(),
            "min_samples": self.min_samples,
            "confidence_half_n": self.confidence_half_n,
            "window": window_json(&self.window),
        })
    }

    /// The parameters a ledger entry recorded.
    pub fn from_json(params: &serde_json::Map<String, Value>) -> Result<TrainParams, String> {
        let context = params.get("context").and_then(Value::as_str).unwrap_or_default();
        Ok(TrainParams {
            context: ContextKind::parse(context)
                .ok_or_else(|| format!("params.context {context:?} is not a context kind"))?,
            min_samples: unsigned(params, "min_samples")?,
            confidence_half_n: unsigned(params, "confidence_half_n")?,
            window: window_from_json(params.get("window"))?,
        })
    }
}

impl ScoreParams {
    /// How the ledger entry records the parameters.
    pub fn to_json(&self) -> Value {
        json!({
            "threshold": self.threshold,
            "context": self.context.as_str(),
            "baseline": self.selection.to_json(),
        })
    }

    /// The parameters a ledger entry recorded.
    pub fn from_json(params: &serde_json::Map<String, Value>) -> Result<ScoreParams, String> {
        let context = params.get("context").and_then(Value::as_str).unwrap_or_default();
        let selection = params.get("baseline").unwrap_or(&Value::Null);
        let selection = if selection.get("latest") == Some(&Value::Bool(true)) {
            BaselineSelection::Latest
        } else if let Some(version) = selection.get("version").and_then(Value::as_u64) {
            BaselineSelection::Version(version)
        } else if let Some(time) = selection.get("as_of").and_then(Value::as_str) {
            BaselineSelection::AsOf(time.to_owned())
        } else {
            return Err(format!("params.baseline {selection} is not latest, version or as_of"));
        };
        Ok(ScoreParams {
            threshold: params
                .get("threshold")
                .and_then(Value::as_f64)
                .ok_or("params.threshold is not a number")?,
            context: ContextKind::parse(context)
                .ok_or_else(|| format!("params.context {context:?} is not a context kind"))?,
            selection,
        })
    }
}

fn unsigned(params: &serde_json::Map<String, Value>, name: &str) -> Result<u64, String> {
    params
        .get(name)
        .and_then(Value::as_u64)
        .ok_or_else(|| format!("params.{name} is not a whole number"))
}

fn window_json(window: &TimeWindow) -> Value {
    let mut members = serde_json::Map::new();
    if let Some(from) = &window.from {
        members.insert("from".into(), json!(from));
    }
    if let Some(to) = &window.to {
        members.insert("to".into(), json!(to));
    }
    Value::Object(members)
}

fn window_from_json(window: Option<&Value>) -> Result<TimeWindow, String> {
    let text = |name| {
        window
            .and_then(|w| w.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    match window {
        Some(Value::Object(_)) => Ok(TimeWindow {
            from: text("from"),
            to: text("to"),
        }),
        _ => Err("params.window is not an object".into()),
    }
}

/// Trains baselines from the accounted metric events.
pub fn train_run<E: BufRead + Send, B: BufRead>(
    inputs: RunInputs<'_, E, B>,
    params: &TrainParams,
) -> Result<TrainingRun, BaselineError> {
    let batches = metric_batches(inputs.entries);
    let training_spans = spans(inputs.entries, Action::BaselineTrained, BASELINES_FILE);
    let mut versions = VersionBook::default();
    for stored in read_baselines(inputs.baselines, inputs.baseline_lines, &training_spans)? {
        versions.observe(&stored.baseline);
    }
    let range = LineRange {
        file: METRIC_EVENTS_FILE.to_owned(),
        first_line: 1,
        end_line: inputs.event_lines + 1,
    };
    let mut trainer = Trainer::new(
        params.clone(),
        METRIC_EVENTS_FILE,
        batches.iter().map(|b| b.span.end_line).collect(),
    );
    for_each_block(inputs.events, &range, |first_line, events| {
        trainer.push_block(first_line, events)
    })?;
    let trained = trainer.finish(&versions)?;
    let used_batches: Vec<Value> = batches
        .iter()
        .zip(&trained.used_per_batch)
        .filter(|(_, used)| **used > 0)
        .map(|(batch, used)| {
            json!({
                "seq": batch.span.seq,
                "raw_sha256": batch.raw_sha256,
                "first_line": batch.span.first_line,
                "count": batch.span.end_line - batch.span.first_line,
                "merkle_root": batch.span.merkle_root,
                "used": used,
            })
        })
        .collect();
    let ready = trained
        .baselines
        .iter()
        .filter(|b| b.status == BaselineStatus::Ready)
        .count();
    Ok(TrainingRun {
        params: params.to_json(),
        inputs: json!({
            "events": {"file": METRIC_EVENTS_FILE, "lines": inputs.event_lines, "batches": used_batches},
            "baselines": {"file": BASELINES_FILE, "lines": inputs.baseline_lines},
        }),
        outputs: json!({
            "baselines": trained.baselines.len(),
            "ready": ready,
            "insufficient_history": trained.baselines.len() - ready,
            "samples": trained.samples(),
        }),
        trained,
    })
}

/// Which events a scoring run measures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventSelection {
    /// Only the events of this EVENTS_INGESTED entry.
    pub batch: Option<u64>,
    /// Only the events in this window.
    pub window: TimeWindow,
}

impl EventSelection {
    /// How the ledger entry records it.
    pub fn to_json(&self) -> Value {
        let mut members = serde_json::Map::new();
        if let Some(seq) = self.batch {
            members.insert("batch".into(), json!(seq));
        }
        members.insert("window".into(), window_json(&self.window));
        Value::Object(members)
    }

    /// The selection a ledger entry recorded (`params.events`).
    pub fn from_json(events: &Value) -> Result<EventSelection, String> {
        Ok(EventSelection {
            batch: match events.get("batch") {
                None => None,
                Some(seq) => Some(seq.as_u64().ok_or("params.events.batch is not a seq")?),
            },
            window: window_from_json(events.get("window"))?,
        })
    }
}

/// A scoring run's entry; its records went to the sink.
#[derive(Debug)]
pub struct ScoringRun {
    /// How the events ended.
    pub tally: ScoreTally,
    /// The entry's `params`.
    pub params: Value,
    /// The entry's `inputs`.
    pub inputs: Value,
    /// The entry's `outputs` (without `records`).
    pub outputs: Value,
}

/// Why a run could not start, besides reading errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RunRefused {
    /// The batch asked for is not a metric EVENTS_INGESTED entry.
    #[error("seq {0} is not an EVENTS_INGESTED entry of metric events")]
    NotAMetricBatch(u64),
}

/// Scores the selected events against the stored baselines, handing each
/// block of sealed score lines to `sink` in order (whose buffers come from
/// `pool`, and may be given back to it once written).
pub fn score_run<E: BufRead + Send, B: BufRead, X>(
    inputs: RunInputs<'_, E, B>,
    params: &ScoreParams,
    selection: &EventSelection,
    pool: &BufferPool,
    mut sink: impl FnMut(ScoredBlock) -> Result<(), X> + Send,
) -> Result<ScoringRun, X>
where
    X: From<BaselineError> + From<RunRefused> + Send,
{
    let batches = metric_batches(inputs.entries);
    let range = match selection.batch {
        None => LineRange {
            file: METRIC_EVENTS_FILE.to_owned(),
            first_line: 1,
            end_line: inputs.event_lines + 1,
        },
        Some(seq) => {
            let batch = batches
                .iter()
                .find(|b| b.span.seq == seq)
                .ok_or(RunRefused::NotAMetricBatch(seq))?;
            LineRange {
                file: METRIC_EVENTS_FILE.to_owned(),
                first_line: batch.span.first_line,
                end_line: batch.span.end_line.min(inputs.event_lines + 1),
            }
        }
    };
    let training_spans = spans(inputs.entries, Action::BaselineTrained, BASELINES_FILE);
    let stored = read_baselines(inputs.baselines, inputs.baseline_lines, &training_spans)?;
    let index = BaselineIndex::new(stored, &params.selection);
    let mut tally = ScoreTally::default();
    let window = &selection.window;
    for_each_block(inputs.events, &range, |first_line, events| -> Result<(), X> {
        let block = score_block(
            events,
            |e| window.contains(&e.timestamp),
            &index,
            params,
            pool,
            METRIC_EVENTS_FILE,
            first_line,
        )?;
        tally = tally.plus(&block.tally);
        sink(block)
    })?;
    let mut params_json = params.to_json();
    params_json["events"] = selection.to_json();
    Ok(ScoringRun {
        tally,
        params: params_json,
        inputs: json!({
            "events": {"file": METRIC_EVENTS_FILE, "lines": inputs.event_lines, "first_line": range.first_line, "end_line": range.end_line},
            "baselines": {"file": BASELINES_FILE, "lines": inputs.baseline_lines},
        }),
        outputs: json!({
            "scored": tally.scored,
            "anomalies": tally.anomalies,
            "skipped": {"no_baseline": tally.no_baseline, "insufficient_history": tally.insufficient_history},
        }),
    })
}
