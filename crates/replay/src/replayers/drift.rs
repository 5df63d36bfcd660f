//! PROFILE_BUILT, UBA_DELTA_COMPUTED, UBA_DELTA_SUMMARY_BUILT and
//! UBA_DELTA_EXPORTED: the action is done again by the very function the
//! writer ran (`drift::run`), from the records the ledger accounted for
//! before the entry and the entry's recorded parameters (never the
//! environment); every rebuilt record is compared with the stored one, and
//! the entry's fields with the rebuilt ones.

use super::rerun::{Before, cannot_replay, check_section, open};
use crate::error::ReplayError;
use crate::registry::{ReplayContext, Replayer};
use drift::DriftError;
use drift::events::BEHAVIOR_EVENTS_FILE;
use drift::profiling::ProfileLines;
use drift::run::{
    DELTAS_FILE, DriftInputs, EntryFields, IDENTITIES_FILE, PROFILES_FILE, SUMMARIES_FILE, delta_params, delta_run,
    export_run, profile_params, profile_run, summary_run,
};
use model::record::SealedRecord;
use serde_json::Value;
use std::path::Path;

/// Replays a PROFILE_BUILT entry.
#[derive(Debug, Clone, Copy)]
pub struct ProfileReplayer;

/// Replays a UBA_DELTA_COMPUTED entry.
#[derive(Debug, Clone, Copy)]
pub struct DeltaReplayer;

/// Replays a UBA_DELTA_SUMMARY_BUILT entry.
#[derive(Debug, Clone, Copy)]
pub struct SummaryReplayer;

/// Replays a UBA_DELTA_EXPORTED entry.
#[derive(Debug, Clone, Copy)]
pub struct ExportReplayer;

fn inputs<'b>(root: &Path, before: &'b Before) -> Result<DriftInputs<'b>, ReplayError> {
    let open = |file: &str| -> Result<_, ReplayError> { Ok((open(root, file)?, before.lines(file))) };
    Ok(DriftInputs {
        entries: &before.entries,
        events: open(BEHAVIOR_EVENTS_FILE)?,
        identities: open(IDENTITIES_FILE)?,
        profiles: open(PROFILES_FILE)?,
        deltas: open(DELTAS_FILE)?,
    })
}

/// Compares the records rebuilt for `file` and the entry's fields.
fn compare(
    context: &mut ReplayContext<'_>,
    file: &str,
    records: &[&SealedRecord],
    fields: &EntryFields,
) -> Result<(), ReplayError> {
    let leaves: Vec<tlog::Hash> = records.iter().map(|record| tlog::leaf_hash(&record.hash)).collect();
    let lines = records.iter().map(|record| record.line.as_bytes()).zip(&leaves);
    compare_lines(context, file, lines, fields)
}

/// Compares the records rebuilt for `file`, as lines with their leaf
/// hashes, and the entry's fields.
fn compare_lines<'r>(
    context: &mut ReplayContext<'_>,
    file: &str,
    records: impl Iterator<Item = (&'r [u8], &'r tlog::Hash)>,
    fields: &EntryFields,
) -> Result<(), ReplayError> {
    let (count, root) = {
        let mut rebuilt = context.rebuild_records(file)?;
        for (line, leaf) in records {
            rebuilt.push(line, *leaf)?;
        }
        rebuilt.finish()
    };
    context.check_rebuilt(file, count, root);
    let entry = context.entry().clone();
    check_section(context, "params", &entry.params, &fields.params);
    check_section(context, "inputs", &entry.inputs, &fields.inputs);
    check_section(context, "outputs", &entry.outputs, &fields.outputs);
    context.check_remaining_without_replay()
}

impl Replayer for ProfileReplayer {
    fn replay(&self, context: &mut ReplayContext<'_>) -> Result<(), ReplayError> {
        let (span, scope) = match profile_params(&context.entry().params) {
            Ok(parsed) => parsed,
            Err(problem) => return cannot_replay(context, problem),
        };
        let before = Before::read(context.root(), context.entry().seq)?;
        // Held until the run succeeds: a run that fails part way is
        // reported as not replayable, and nothing is compared.
        let mut rebuilt = ProfileLines::default();
        let handed = |records: &ProfileLines| -> Result<(), DriftError> {
            rebuilt.extend(records);
            Ok(())
        };
        let run = match profile_run(inputs(context.root(), &before)?, &span, &scope, handed) {
            Ok(run) => run,
            Err(error) => return cannot_replay(context, error),
        };
        compare_lines(context, PROFILES_FILE, rebuilt.records(), &run.entry)
    }
}

impl Replayer for DeltaReplayer {
    fn replay(&self, context: &mut ReplayContext<'_>) -> Result<(), ReplayError> {
        let (scope, span, thresholds) = match delta_params(&context.entry().params) {
            Ok(parsed) => parsed,
            Err(problem) => return cannot_replay(context, problem),
        };
        let before = Before::read(context.root(), context.entry().seq)?;
        let run = match delta_run(inputs(context.root(), &before)?, &scope, &span, &thresholds) {
            Ok(run) => run,
            Err(error) => return cannot_replay(context, error),
        };
        let records: Vec<&SealedRecord> = run.deltas.iter().map(|(_, r)| r).collect();
        compare(context, DELTAS_FILE, &records, &run.entry)
    }
}

/// The computation seq and identity an entry recorded.
fn selection(params: &serde_json::Map<String, Value>) -> Result<(u64, Option<String>), String> {
    let seq = params
        .get("computation")
        .and_then(Value::as_u64)
        .ok_or("params.computation is not a seq")?;
    let identity = match params.get("identity") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) => Some(id.clone()),
        Some(other) => return Err(format!("params.identity is not an id: {other}")),
    };
    Ok((seq, identity))
}

impl Replayer for SummaryReplayer {
    fn replay(&self, context: &mut ReplayContext<'_>) -> Result<(), ReplayError> {
        let (seq, identity) = match selection(&context.entry().params) {
            Ok(parsed) => parsed,
            Err(problem) => return cannot_replay(context, problem),
        };
        let before = Before::read(context.root(), context.entry().seq)?;
        let run = match summary_run(inputs(context.root(), &before)?, Some(seq), identity.as_deref()) {
            Ok(Some(run)) => run,
            Ok(None) => return cannot_replay(context, format!("no UBA_DELTA_COMPUTED entry at seq {seq} before it")),
            Err(error) => return cannot_replay(context, error),
        };
        let records: Vec<&SealedRecord> = run.summaries.iter().map(|(_, r)| r).collect();
        compare(context, SUMMARIES_FILE, &records, &run.entry)
    }
}

impl Replayer for ExportReplayer {
    fn replay(&self, context: &mut ReplayContext<'_>) -> Result<(), ReplayError> {
        let (seq, identity) = match selection(&context.entry().params) {
            Ok(parsed) => parsed,
            Err(problem) => return cannot_replay(context, problem),
        };
        let before = Before::read(context.root(), context.entry().seq)?;
        let run = match export_run(inputs(context.root(), &before)?, Some(seq), identity.as_deref()) {
            Ok(Some(run)) => run,
            Ok(None) => return cannot_replay(context, format!("no UBA_DELTA_COMPUTED entry at seq {seq} before it")),
            Err(error) => return cannot_replay(context, error),
        };
        compare(context, DELTAS_FILE, &[], &run.entry)
    }
}
