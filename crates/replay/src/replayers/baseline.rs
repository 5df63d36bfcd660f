//! BASELINE_TRAINED, SCORES_COMPUTED and REPORT_BUILT: the run is done
//! again by the very function the writer ran (`baseline::run`,
//! `baseline::report_data` with `report`), from the stored events and
//! baselines the ledger accounted for before the entry and the entry's
//! recorded parameters; every rebuilt record is compared with the stored
//! one, and the entry's `params`, `inputs` and `outputs` with the rebuilt
//! ones.

use super::rerun::{Before, cannot_replay, check_section, open};
use crate::error::ReplayError;
use crate::registry::{ReplayContext, Replayer};
use baseline::run::{EventSelection, RunInputs, score_run, train_run};
use baseline::score::BufferPool;
use baseline::stored::{BASELINES_FILE, METRIC_EVENTS_FILE, SCORES_FILE};
use baseline::{BaselineError, ScoreParams, TrainParams};
use serde_json::{Value, json};
use std::io::BufRead;
use std::path::Path;

/// Replays a training run.
#[derive(Debug, Clone, Copy)]
pub struct TrainingReplayer;

/// Replays a scoring run.
#[derive(Debug, Clone, Copy)]
pub struct ScoringReplayer;

/// Replays a report.
#[derive(Debug, Clone, Copy)]
pub struct ReportReplayer;

/// A run's inputs read from the store's files.
type StoreInputs<'e> = RunInputs<'e, Box<dyn BufRead + Send>, Box<dyn BufRead>>;

fn run_inputs<'e>(root: &Path, before: &'e Before) -> Result<StoreInputs<'e>, ReplayError> {
    Ok(RunInputs {
        entries: &before.entries,
        events: open(root, METRIC_EVENTS_FILE)?,
        event_lines: before.lines(METRIC_EVENTS_FILE),
        baselines: open(root, BASELINES_FILE)?,
        baseline_lines: before.lines(BASELINES_FILE),
    })
}

impl Replayer for TrainingReplayer {
    fn replay(&self, context: &mut ReplayContext<'_>) -> Result<(), ReplayError> {
        let entry = context.entry().clone();
        let params = match TrainParams::from_json(&entry.params) {
            Ok(params) => params,
            Err(problem) => return cannot_replay(context, problem),
        };
        let before = Before::read(context.root(), entry.seq)?;
        let run = match train_run(run_inputs(context.root(), &before)?, &params) {
            Ok(run) => run,
            Err(error) => return cannot_replay(context, error),
        };
        let (count, root) = {
            let mut rebuilt = context.rebuild_records(BASELINES_FILE)?;
            for record in &run.trained.records {
                rebuilt.push(record.line.as_bytes(), tlog::leaf_hash(&record.hash))?;
            }
            rebuilt.finish()
        };
        context.check_rebuilt(BASELINES_FILE, count, root);
        check_section(context, "params", &entry.params, &run.params);
        check_section(context, "inputs", &entry.inputs, &run.inputs);
        check_section(context, "outputs", &entry.outputs, &run.outputs);
        context.check_remaining_without_replay()
    }
}

/// A scoring run's failure: reading or refusing, or the comparison's own.
enum ScoringFailure {
    Run(String),
    Replay(ReplayError),
}

impl From<BaselineError> for ScoringFailure {
    fn from(error: BaselineError) -> Self {
        ScoringFailure::Run(error.to_string())
    }
}

impl From<baseline::run::RunRefused> for ScoringFailure {
    fn from(error: baseline::run::RunRefused) -> Self {
        ScoringFailure::Run(error.to_string())
    }
}

impl Replayer for ScoringReplayer {
    fn replay(&self, context: &mut ReplayContext<'_>) -> Result<(), ReplayError> {
        let entry = context.entry().clone();
        let parsed = ScoreParams::from_json(&entry.params).and_then(|params| {
            let events = entry.params.get("events").unwrap_or(&Value::Null);
            Ok((params, EventSelection::from_json(events)?))
        });
        let (params, selection) = match parsed {
            Ok(parsed) => parsed,
            Err(problem) => return cannot_replay(context, problem),
        };
        let before = Before::read(context.root(), entry.seq)?;
        let inputs = run_inputs(context.root(), &before)?;
        let (run, count, root) = {
            let mut rebuilt = context.rebuild_records(SCORES_FILE)?;
            let pool = BufferPool::default();
            let run = score_run(
                inputs,
                &params,
                &selection,
                &pool,
                |block| -> Result<(), ScoringFailure> {
                    for part in block.parts {
                        for (line, leaf) in part.lines.split(|b| *b == b'\n').zip(&part.leaf_hashes) {
                            rebuilt.push(line, *leaf).map_err(ScoringFailure::Replay)?;
                        }
                        pool.give(part.lines);
                    }
                    Ok(())
                },
            );
            let (count, root) = rebuilt.finish();
            (run, count, root)
        };
        let run = match run {
            Ok(run) => run,
            Err(ScoringFailure::Replay(error)) => return Err(error),
            Err(ScoringFailure::Run(problem)) => return cannot_replay(context, problem),
        };
        context.check_rebuilt(SCORES_FILE, count, root);
        check_section(context, "params", &entry.params, &run.params);
        check_section(context, "inputs", &entry.inputs, &run.inputs);
        check_section(context, "outputs", &entry.outputs, &run.outputs);
        context.check_remaining_without_replay()
    }
}

impl Replayer for ReportReplayer {
    fn replay(&self, context: &mut ReplayContext<'_>) -> Result<(), ReplayError> {
        let entry = context.entry().clone();
        let text = |name: &str| entry.params.get(name).and_then(Value::as_str).map(str::to_owned);
        let number = |name: &str| entry.params.get(name).and_then(Value::as_u64);
        let (Some(scores_seq), Some(top_k), Some(title), Some(stem)) = (
            number("scores_seq"),
            number("top_k"),
            text("title"),
            text("figure_stem"),
        ) else {
            return cannot_replay(context, "params lacks scores_seq, top_k, title or figure_stem");
        };
        let before = Before::read(context.root(), entry.seq)?;
        let data = match baseline::report_data::report_data(
            &before.entries,
            open(context.root(), SCORES_FILE)?,
            open(context.root(), BASELINES_FILE)?,
            Some(scores_seq),
        ) {
            Ok(data) => data,
            Err(error) => return cannot_replay(context, error),
        };
        let rendered = report::build_report(&report::ReportInput {
            title: &title,
            provenance: &data.provenance,
            scores: &data.scores,
            baselines: &data.baselines,
            top_k: top_k as usize,
            figure_stem: &stem,
        });
        let files = rendered.into_files(&stem);
        let listed: Vec<Value> = files
            .iter()
            .map(|file| {
                let bytes = file.svg.as_bytes();
                json!({"name": file.file_name, "sha256": model::digest::sha256_hex(bytes), "bytes": bytes.len()})
            })
            .collect();
        let rebuilt = json!({"report_sha256": model::digest::sha256_hex(files[0].svg.as_bytes()), "files": listed});
        check_section(
            context,
            "inputs",
            &entry.inputs,
            &json!({"scores": {"seq": scores_seq}}),
        );
        check_section(context, "outputs", &entry.outputs, &rebuilt);
        context.check_remaining_without_replay()
    }
}
