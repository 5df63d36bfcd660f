//! `score`: one SCORES_COMPUTED entry per run, its records streamed to
//! `scores.jsonl` (and, when asked, copied to a file of the user's).

use crate::error::EngineError;
use crate::store_view::StoreView;
use baseline::run::{EventSelection, RunInputs, score_run};
use baseline::score::{BufferPool, ScoredBlock};
use baseline::stored::{BASELINES_FILE, METRIC_EVENTS_FILE, SCORES_FILE};
use baseline::{BaselineSelection, ContextKind, ScoreParams, ScoreTally, TrainParams};
use ledger::EntryDraft;
use model::Action;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use store::{RecordFile, Store};

/// What to score and how.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRequest {
    /// `|score|` above this is an anomaly.
    pub threshold: f64,
    /// The context kind; by default that of the latest training run.
    pub context: Option<ContextKind>,
    /// Which baseline version each bucket is scored against.
    pub selection: BaselineSelection,
    /// Which events.
    pub events: EventSelection,
    /// Also write the score lines to this file.
    pub out: Option<PathBuf>,
}

/// What a scoring run wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredRun {
    /// The SCORES_COMPUTED entry.
    pub seq: u64,
    /// How the events ended.
    pub tally: ScoreTally,
    /// The parameters used (the context resolved).
    pub params: ScoreParams,
    /// The first line of the scores in `scores.jsonl`.
    pub first_line: u64,
}

/// Scores events against the stored baselines and records the run.
pub fn score_events(store: &mut Store, request: &ScoreRequest) -> Result<ScoredRun, EngineError> {
    let view = StoreView::read(store.root())?;
    let baseline_lines = view.accounted_lines(BASELINES_FILE);
    if baseline_lines == 0 {
        return Err(EngineError::NoBaselines);
    }
    let context = match request.context {
        Some(context) => context,
        None => latest_training_context(&view),
    };
    let params = ScoreParams {
        threshold: request.threshold,
        context,
        selection: request.selection.clone(),
    };
    let mut copy = match &request.out {
        Some(path) => Some(BufWriter::new(File::create(path).map_err(|source| {
            EngineError::Io {
                path: path.clone(),
                source,
            }
        })?)),
        None => None,
    };
    let mut stream = store.stream(RecordFile::new(SCORES_FILE)?)?;
    // Blocks are written by a thread of their own while the next one is
    // scored, in the order they were scored.
    let inputs = RunInputs {
        entries: &view.entries,
        events: view.open(METRIC_EVENTS_FILE)?,
        event_lines: view.accounted_lines(METRIC_EVENTS_FILE),
        baselines: view.open(BASELINES_FILE)?,
        baseline_lines,
    };
    let pool = BufferPool::default();
    let (blocks, written) = std::sync::mpsc::sync_channel::<ScoredBlock>(2);
    let (run, writing) = std::thread::scope(|scope| {
        let stream = &mut stream;
        let copy = &mut copy;
        let pool = &pool;
        let writer = scope.spawn(move || -> Result<(), EngineError> {
            for part in written.into_iter().flat_map(|block| block.parts) {
                stream.push_lines(&part.lines, &part.leaf_hashes)?;
                if let (Some(copy), Some(path)) = (copy.as_mut(), &request.out) {
                    copy.write_all(&part.lines).map_err(|source| EngineError::Io {
                        path: path.clone(),
                        source,
                    })?;
                }
                pool.give(part.lines);
            }
            Ok(())
        });
        let run = score_run(
            inputs,
            &params,
            &request.events,
            pool,
            // A closed channel means the writer stopped on an error, which
            // it returns below.
            |block| -> Result<(), EngineError> {
                let _ = blocks.send(block);
                Ok(())
            },
        );
        drop(blocks);
        let writing = writer.join().expect("the score writer does not panic");
        (run, writing)
    });
    writing?;
    let run = run?;
    if run.tally.total() == 0 {
        stream.abort()?;
        return Err(EngineError::NothingToScore);
    }
    if let (Some(copy), Some(path)) = (copy, &request.out) {
        copy.into_inner()
            .map_err(|e| e.into_error())
            .and_then(|file| file.sync_all())
            .map_err(|source| EngineError::Io {
                path: path.clone(),
                source,
            })?;
    }
    let draft = EntryDraft::new(Action::ScoresComputed)
        .params(run.params)
        .inputs(run.inputs)
        .outputs(run.outputs);
    let recorded = stream.commit(draft)?;
    Ok(ScoredRun {
        seq: recorded.entry.seq,
        tally: run.tally,
        params,
        first_line: recorded.batches[0].first_line,
    })
}

/// The context kind of the newest BASELINE_TRAINED entry (hour of day if
/// none can be read).
fn latest_training_context(view: &StoreView) -> ContextKind {
    view.entries
        .iter()
        .rev()
        .filter(|entry| entry.action == Action::BaselineTrained)
        .find_map(|entry| TrainParams::from_json(&entry.params).ok())
        .map_or(ContextKind::HourOfDay, |params| params.context)
}
