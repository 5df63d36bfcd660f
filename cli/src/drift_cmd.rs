//! `drift compute|summary|export`.

use crate::args::{DriftCommand, DriftComputeArgs, DriftSelectArgs};
use crate::baseline_cmd::failure;
use crate::{Failure, Outcome, emit, exit};
use drift::thresholds::{FREQUENCY_THRESHOLD_VAR, OBSERVATION_WINDOW_DAYS_VAR, ThresholdTexts};
use drift::window::Span;
use engine::{DriftRequest, DriftScope};
use ledger::WriterOptions;
use serde_json::json;
use std::io::Write;
use std::path::Path;

pub(crate) fn run(store_dir: &Path, command: &DriftCommand, as_json: bool, out: &mut dyn Write) -> Outcome {
    match command {
        DriftCommand::Compute(args) => compute(store_dir, args, as_json, out),
        DriftCommand::Profiles { identity } => profiles(store_dir, identity.as_deref(), as_json, out),
        DriftCommand::Summary(select) => summary(store_dir, select, as_json, out),
        DriftCommand::Export { select, out: path } => export(store_dir, select, path, as_json, out),
    }
}

fn usage(error: drift::DriftError) -> Failure {
    Failure::usage(error)
}

fn compute(store_dir: &Path, args: &DriftComputeArgs, as_json: bool, out: &mut dyn Write) -> Outcome {
    let frequency_env = std::env::var(FREQUENCY_THRESHOLD_VAR).ok();
    let window_days_env = std::env::var(OBSERVATION_WINDOW_DAYS_VAR).ok();
    let thresholds = drift::thresholds::resolve(&ThresholdTexts {
        frequency_flag: args.frequency_threshold.as_deref(),
        frequency_env: frequency_env.as_deref(),
        window_days_flag: args.window_days.as_deref(),
        window_days_env: window_days_env.as_deref(),
    })
    .map_err(usage)?;
    let window = match &args.window_end {
        Some(end) => Span::parse("observation window", &args.window_start, end),
        None => Span::of_days(
            "observation window",
            &args.window_start,
            thresholds.observation_window_days,
        ),
    }
    .map_err(usage)?;
    let scope = match (&args.identity, &args.baseline) {
        (Some(identity_id), Some(baseline_id)) => DriftScope::Identity {
            identity_id: identity_id.clone(),
            baseline_id: baseline_id.clone(),
        },
        _ => {
            let (start, end) = (
                args.baseline_start.as_deref().unwrap_or_default(),
                args.baseline_end.as_deref().unwrap_or_default(),
            );
            DriftScope::AllIdentities {
                baseline: Span::parse("baseline window", start, end).map_err(usage)?,
            }
        }
    };
    let request = DriftRequest {
        scope,
        window,
        thresholds,
    };
    let mut store =
        store::Store::open(store_dir, WriterOptions::default()).map_err(crate::ingest_cmd::store_failure)?;
    let computed = engine::compute_drift(&mut store, &request).map_err(drift_failure)?;
    let mut by_type = std::collections::BTreeMap::new();
    for delta in &computed.deltas {
        *by_type.entry(delta.delta_type.as_str()).or_insert(0u64) += 1;
    }
    if as_json {
        return emit(
            out,
            json!({"seq": computed.seq, "profile_seq": computed.profile_seq,
                   "profiles": {"new": computed.profiles.0, "reused": computed.profiles.1},
                   "identities": computed.identities, "deltas": computed.deltas.len(), "by_type": by_type,
                   "thresholds": request.thresholds, "window": request.window.window}),
        )
        .map(|()| exit::OK);
    }
    if let Some(seq) = computed.profile_seq {
        emit(
            out,
            format_args!(
                "profiles: {} new (PROFILE_BUILT at seq {seq}), {} reused",
                computed.profiles.0, computed.profiles.1
            ),
        )?;
    }
    emit(
        out,
        format_args!(
            "{} deltas for {} identities over [{}, {}) (UBA_DELTA_COMPUTED at seq {}); frequency threshold {}, observation window {} days",
            computed.deltas.len(),
            computed.identities,
            request.window.window.start,
            request.window.window.end,
            computed.seq,
            request.thresholds.frequency_threshold,
            request.thresholds.observation_window_days
        ),
    )?;
    for (delta_type, count) in &by_type {
        emit(out, format_args!("  {delta_type:<16} {count}"))?;
    }
    Ok(exit::OK)
}

fn profiles(store_dir: &Path, identity: Option<&str>, as_json: bool, out: &mut dyn Write) -> Outcome {
    let profiles = engine::DriftApi::new(store_dir)
        .get_profiles(identity)
        .map_err(drift_failure)?;
    if as_json {
        let rows: Vec<_> = profiles
            .iter()
            .map(|(profile, hash)| json!({"profile": profile, "hash": hash}))
            .collect();
        return emit(out, serde_json::Value::Array(rows)).map(|()| exit::OK);
    }
    emit(
        out,
        format_args!(
            "{:<36}  {:<36}  {:>3}  {:<49}  {:>6}",
            "profile (baseline id)", "identity", "v", "baseline window", "events"
        ),
    )?;
    for (profile, _) in &profiles {
        emit(
            out,
            format_args!(
                "{:<36}  {:<36}  {:>3}  [{}, {})  {:>6}",
                profile.id,
                profile.identity_id,
                profile.version,
                profile.window.start,
                profile.window.end,
                profile.event_count
            ),
        )?;
    }
    emit(out, format_args!("{} profiles", profiles.len()))?;
    Ok(exit::OK)
}

fn summary(store_dir: &Path, select: &DriftSelectArgs, as_json: bool, out: &mut dyn Write) -> Outcome {
    let mut store =
        store::Store::open(store_dir, WriterOptions::default()).map_err(crate::ingest_cmd::store_failure)?;
    let built =
        engine::summarize_drift(&mut store, select.computation, select.identity.as_deref()).map_err(drift_failure)?;
    if as_json {
        let summaries: Vec<_> = built
            .summaries
            .iter()
            .map(|(summary, hash)| json!({"summary": summary, "hash": hash}))
            .collect();
        return emit(
            out,
            json!({"seq": built.seq, "computation": built.computation, "summaries": summaries}),
        )
        .map(|()| exit::OK);
    }
    emit(
        out,
        format_args!(
            "{} summaries of UBA_DELTA_COMPUTED at seq {} (UBA_DELTA_SUMMARY_BUILT at seq {}):",
            built.summaries.len(),
            built.computation,
            built.seq
        ),
    )?;
    for (summary, hash) in &built.summaries {
        let counts: Vec<String> = summary
            .counts
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(t, n)| format!("{} {n}", t.as_str()))
            .collect();
        emit(
            out,
            format_args!(
                "  {}: {} deltas{}{} (summary hash {hash})",
                summary.identity_id,
                summary.delta_hashes.len(),
                if counts.is_empty() { "" } else { ": " },
                counts.join(", ")
            ),
        )?;
    }
    Ok(exit::OK)
}

fn export(store_dir: &Path, select: &DriftSelectArgs, path: &Path, as_json: bool, out: &mut dyn Write) -> Outcome {
    let mut store =
        store::Store::open(store_dir, WriterOptions::default()).map_err(crate::ingest_cmd::store_failure)?;
    let exported = engine::export_drift(&mut store, select.computation, select.identity.as_deref(), path)
        .map_err(drift_failure)?;
    if as_json {
        return emit(
            out,
            json!({"seq": exported.seq, "path": exported.path.display().to_string(), "deltas": exported.deltas, "sha256": exported.sha256}),
        )
        .map(|()| exit::OK);
    }
    emit(
        out,
        format_args!(
            "{} deltas exported to {} (sha256 {}; UBA_DELTA_EXPORTED at seq {})",
            exported.deltas,
            exported.path.display(),
            exported.sha256,
            exported.seq
        ),
    )?;
    Ok(exit::OK)
}

fn drift_failure(error: engine::EngineError) -> Failure {
    match error {
        engine::EngineError::Drift(drift::DriftError::Io { .. }) => Failure::io(error),
        engine::EngineError::Drift(drift::DriftError::BadRecord { .. } | drift::DriftError::MissingLines { .. }) => {
            Failure::problem(error)
        }
        engine::EngineError::Drift(_) | engine::EngineError::NoDeltas(_) => Failure::usage(error),
        other => failure(other),
    }
}
