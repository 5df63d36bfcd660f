//! `baseline train`: one BASELINE_TRAINED entry per run.

use crate::error::EngineError;
use crate::store_view::StoreView;
use baseline::TrainParams;
use baseline::run::{RunInputs, train_run};
use baseline::stored::{BASELINES_FILE, METRIC_EVENTS_FILE};
use ledger::EntryDraft;
use model::Action;
use model::baseline::Baseline;
use store::{RecordFile, Store};

/// What a training run wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainedRun {
    /// The BASELINE_TRAINED entry.
    pub seq: u64,
    /// The baselines, in stored order.
    pub baselines: Vec<Baseline>,
    /// Samples trained on.
    pub samples: u64,
    /// The first line of the baselines in `baselines.jsonl`.
    pub first_line: u64,
}

/// Trains baselines from the store's metric events and records the run.
pub fn train_baselines(store: &mut Store, params: &TrainParams) -> Result<TrainedRun, EngineError> {
    let view = StoreView::read(store.root())?;
    let event_lines = view.accounted_lines(METRIC_EVENTS_FILE);
    if event_lines == 0 {
        return Err(EngineError::NoMetricEvents);
    }
    let run = train_run(
        RunInputs {
            entries: &view.entries,
            events: view.open(METRIC_EVENTS_FILE)?,
            event_lines,
            baselines: view.open(BASELINES_FILE)?,
            baseline_lines: view.accounted_lines(BASELINES_FILE),
        },
        params,
    )?;
    if run.trained.baselines.is_empty() {
        return Err(EngineError::EmptyWindow);
    }
    let file = RecordFile::new(BASELINES_FILE)?;
    let mut stream = store.stream(file)?;
    let mut lines = Vec::new();
    let mut leaves = Vec::with_capacity(run.trained.records.len());
    for record in &run.trained.records {
        lines.extend_from_slice(record.line.as_bytes());
        lines.push(b'\n');
        leaves.push(tlog::leaf_hash(&record.hash));
    }
    stream.push_lines(&lines, &leaves)?;
    let draft = EntryDraft::new(Action::BaselineTrained)
        .params(run.params)
        .inputs(run.inputs)
        .outputs(run.outputs);
    let recorded = stream.commit(draft)?;
    Ok(TrainedRun {
        seq: recorded.entry.seq,
        samples: run.trained.samples(),
        first_line: recorded.batches[0].first_line,
        baselines: run.trained.baselines,
    })
}
