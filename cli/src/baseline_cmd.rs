//! `baseline train|list|show|compare`, `score` and `explain`.

use crate::args::{BaselineCommand, BaselineFilter, CompareArgs, ReportArgs, ScoreArgs, ScoresArgs, TrainArgs};
use crate::{Failure, Outcome, emit, exit};
use baseline::explain::{render_derivation, show};
use baseline::run::EventSelection;
use baseline::{BaselineSelection, ContextKind, TimeWindow, TrainParams};
use engine::{BaselineQuery, EngineError, ScoreRequest};
use ledger::WriterOptions;
use serde_json::json;
use std::io::Write;
use std::path::Path;

pub(crate) fn run(store_dir: &Path, command: &BaselineCommand, as_json: bool, out: &mut dyn Write) -> Outcome {
    match command {
        BaselineCommand::Train(args) => train(store_dir, args, as_json, out),
        BaselineCommand::List(filter) => list(store_dir, filter, as_json, out),
        BaselineCommand::Show(filter) => show_one(store_dir, filter, as_json, out),
        BaselineCommand::Compare(args) => compare(store_dir, args, as_json, out),
    }
}

fn train(store_dir: &Path, args: &TrainArgs, as_json: bool, out: &mut dyn Write) -> Outcome {
    let params = TrainParams {
        context: ContextKind::parse(&args.context).expect("clap checked the value"),
        min_samples: args.min_samples,
        confidence_half_n: args.confidence_half_n,
        window: window(args.from.as_deref(), args.to.as_deref())?,
    };
    let mut store =
        store::Store::open(store_dir, WriterOptions::default()).map_err(crate::ingest_cmd::store_failure)?;
    let run = engine::train_baselines(&mut store, &params).map_err(failure)?;
    let ready = run.baselines.iter().filter(|b| b.stats.is_some()).count();
    let insufficient = run.baselines.len() - ready;
    if as_json {
        return emit(
            out,
            json!({"seq": run.seq, "baselines": run.baselines.len(), "ready": ready,
                   "insufficient_history": insufficient, "samples": run.samples,
                   "first_line": run.first_line}),
        )
        .map(|()| exit::OK);
    }
    emit(
        out,
        format_args!(
            "trained {} baselines ({ready} ready, {insufficient} with insufficient history, fewer than {} samples) from {} samples, context {}: BASELINE_TRAINED at seq {}, baselines.jsonl lines {}..{}",
            run.baselines.len(),
            params.min_samples,
            run.samples,
            params.context,
            run.seq,
            run.first_line,
            run.first_line + run.baselines.len() as u64 - 1
        ),
    )?;
    Ok(exit::OK)
}

fn query(filter: &BaselineFilter) -> Result<BaselineQuery, Failure> {
    Ok(BaselineQuery {
        id: filter.id.clone(),
        entity: filter.entity.clone(),
        metric: filter.metric.clone(),
        context: filter.context.clone(),
        version: filter.version,
        as_of: filter.as_of.as_deref().map(bound).transpose()?,
        latest_only: filter.latest,
    })
}

fn list(store_dir: &Path, filter: &BaselineFilter, as_json: bool, out: &mut dyn Write) -> Outcome {
    let listed = engine::list_baselines(store_dir, &query(filter)?).map_err(failure)?;
    if as_json {
        let rows: Vec<_> = listed
            .iter()
            .map(|s| json!({"baseline": s.baseline, "line": s.line, "seq": s.seq, "trained_at": s.trained_at}))
            .collect();
        return emit(out, serde_json::Value::Array(rows)).map(|()| exit::OK);
    }
    emit(
        out,
        format_args!(
            "{:<14} {:<12} {:<16} {:>3} {:<21} {:>6} {:>10} {:>10} {:>10}  seq",
            "entity", "metric", "context", "v", "status", "n", "median", "scaled_mad", "confidence"
        ),
    )?;
    for s in &listed {
        let b = &s.baseline;
        let (median, scaled) = b.stats.as_ref().map_or(("-".to_owned(), "-".to_owned()), |st| {
            (show(st.median), show(st.scaled_mad))
        });
        emit(
            out,
            format_args!(
                "{:<14} {:<12} {:<16} {:>3} {:<21} {:>6} {:>10} {:>10} {:>10}  {}",
                b.entity,
                b.metric,
                b.context,
                b.version,
                b.status.as_str(),
                b.n,
                median,
                scaled,
                format!("{:.3} {}", b.confidence, b.confidence_level.as_str()),
                s.seq
            ),
        )?;
    }
    emit(out, format_args!("{} baselines", listed.len()))?;
    Ok(exit::OK)
}

fn show_one(store_dir: &Path, filter: &BaselineFilter, as_json: bool, out: &mut dyn Write) -> Outcome {
    let found = engine::find_baseline(store_dir, &query(filter)?).map_err(failure)?;
    if as_json {
        return emit(
            out,
            json!({"baseline": found.baseline, "line": found.line, "seq": found.seq, "trained_at": found.trained_at}),
        )
        .map(|()| exit::OK);
    }
    let b = &found.baseline;
    emit(
        out,
        format_args!(
            "baseline {} v{} of {} {} at {}",
            b.id, b.version, b.entity, b.metric, b.context
        ),
    )?;
    emit(
        out,
        format_args!(
            "  status {}, n {} (min samples {}), confidence {} ({})",
            b.status.as_str(),
            b.n,
            b.min_samples,
            show(b.confidence),
            b.confidence_level.as_str()
        ),
    )?;
    if let Some(st) = &b.stats {
        emit(
            out,
            format_args!(
                "  median {}  MAD {}  scaled MAD {}  mean abs dev {}",
                show(st.median),
                show(st.mad),
                show(st.scaled_mad),
                show(st.mean_abs_dev)
            ),
        )?;
        emit(
            out,
            format_args!(
                "  min {}  p05 {}  p25 {}  p75 {}  p95 {}  max {}",
                show(st.min),
                show(st.p05),
                show(st.p25),
                show(st.p75),
                show(st.p95),
                show(st.max)
            ),
        )?;
    }
    emit(
        out,
        format_args!(
            "  samples from {} to {}; window from {} to {}",
            b.first_event,
            b.last_event,
            b.window.from.as_deref().unwrap_or("(open)"),
            b.window.to.as_deref().unwrap_or("(open)")
        ),
    )?;
    emit(
        out,
        format_args!(
            "  trained by BASELINE_TRAINED at seq {} ({}); baselines.jsonl line {}",
            found.seq, found.trained_at, found.line
        ),
    )?;
    Ok(exit::OK)
}

fn compare(store_dir: &Path, args: &CompareArgs, as_json: bool, out: &mut dyn Write) -> Outcome {
    let bucket = BaselineQuery {
        entity: Some(args.entity.clone()),
        metric: Some(args.metric.clone()),
        context: Some(args.context.clone()),
        ..BaselineQuery::default()
    };
    let (from, to) = match (&args.versions, &args.as_of) {
        (Some(versions), _) => (
            BaselineQuery {
                version: Some(versions[0]),
                ..bucket.clone()
            },
            BaselineQuery {
                version: Some(versions[1]),
                ..bucket
            },
        ),
        (None, Some(times)) => (
            BaselineQuery {
                as_of: Some(bound(&times[0])?),
                ..bucket.clone()
            },
            BaselineQuery {
                as_of: Some(bound(&times[1])?),
                ..bucket
            },
        ),
        (None, None) => return Err(Failure::usage(anyhow::anyhow!("give --versions A B or --as-of T1 T2"))),
    };
    let comparison = engine::compare_baselines(store_dir, &from, &to).map_err(failure)?;
    if as_json {
        return emit(out, comparison.to_json()).map(|()| exit::OK);
    }
    let (a, b) = (&comparison.from, &comparison.to);
    emit(
        out,
        format_args!(
            "{} {} at {}: v{} ({} .. {}) -> v{} ({} .. {})",
            b.entity,
            b.metric,
            b.context,
            a.version,
            a.first_event,
            a.last_event,
            b.version,
            b.first_event,
            b.last_event
        ),
    )?;
    for shift in &comparison.shifts {
        let relative = shift
            .relative_change()
            .map_or(String::new(), |r| format!(" ({:+.1}%)", r * 100.0));
        emit(
            out,
            format_args!(
                "  {:<10} {:>12} -> {:>12}  change {:>12}{relative}",
                shift.name,
                show(shift.from),
                show(shift.to),
                show(shift.change())
            ),
        )?;
    }
    Ok(exit::OK)
}

pub(crate) fn score(store_dir: &Path, args: &ScoreArgs, as_json: bool, out: &mut dyn Write) -> Outcome {
    let selection = match (args.version, &args.as_of) {
        (Some(version), _) => BaselineSelection::Version(version),
        (None, Some(time)) => BaselineSelection::AsOf(bound(time)?),
        (None, None) => BaselineSelection::Latest,
    };
    if !(args.threshold.is_finite() && args.threshold >= 0.0) {
        return Err(Failure::usage(anyhow::anyhow!(
            "--threshold: expected a finite number >= 0, found {}",
            args.threshold
        )));
    }
    let request = ScoreRequest {
        threshold: args.threshold,
        context: args.context.as_deref().and_then(ContextKind::parse),
        selection,
        events: EventSelection {
            batch: args.batch,
            window: window(args.from.as_deref(), args.to.as_deref())?,
        },
        out: args.out.clone(),
    };
    let mut store =
        store::Store::open(store_dir, WriterOptions::default()).map_err(crate::ingest_cmd::store_failure)?;
    let run = engine::score_events(&mut store, &request).map_err(failure)?;
    let t = run.tally;
    if as_json {
        return emit(
            out,
            json!({"seq": run.seq, "scored": t.scored, "anomalies": t.anomalies,
                   "skipped": {"no_baseline": t.no_baseline, "insufficient_history": t.insufficient_history},
                   "first_line": run.first_line, "params": run.params.to_json()}),
        )
        .map(|()| exit::OK);
    }
    emit(
        out,
        format_args!(
            "scored {} events ({} anomalies at |score| > {}), skipped {} (no baseline {}, insufficient history {}); context {}: SCORES_COMPUTED at seq {}, scores.jsonl lines {}..{}",
            t.scored,
            t.anomalies,
            show(run.params.threshold),
            t.no_baseline + t.insufficient_history,
            t.no_baseline,
            t.insufficient_history,
            run.params.context,
            run.seq,
            run.first_line,
            run.first_line + t.total() - 1
        ),
    )?;
    if let Some(path) = &args.out {
        emit(out, format_args!("score lines also written to {}", path.display()))?;
    }
    Ok(exit::OK)
}

pub(crate) fn scores(store_dir: &Path, args: &ScoresArgs, as_json: bool, out: &mut dyn Write) -> Outcome {
    let query = engine::ScoreQuery {
        scores_seq: args.run,
        entity: args.entity.clone(),
        metric: args.metric.clone(),
        context: args.context.clone(),
        window: window(args.from.as_deref(), args.to.as_deref())?,
        anomalies_only: args.anomalies,
        skipped_only: args.skipped,
        min_abs_score: args.min_score,
        furthest_first: args.furthest,
        limit: args.limit,
    };
    let selected = engine::select_scores(store_dir, &query).map_err(failure)?;
    if as_json {
        return emit(
            out,
            json!({"scores_seq": selected.scores_seq, "matched": selected.matched, "scores": selected.scores}),
        )
        .map(|()| exit::OK);
    }
    emit(
        out,
        format_args!(
            "{:<24} {:<10} {:<12} {:<16} {:>10} {:>10} {:>9}  outcome",
            "timestamp", "entity", "metric", "context", "value", "median", "score"
        ),
    )?;
    for s in &selected.scores {
        let outcome = match (s.skip_reason, s.is_anomaly) {
            (Some(reason), _) => format!("skipped: {}", reason.as_str()),
            (None, true) => "ANOMALY".to_owned(),
            (None, false) => "-".to_owned(),
        };
        emit(
            out,
            format_args!(
                "{:<24} {:<10} {:<12} {:<16} {:>10} {:>10} {:>9}  {outcome}  {}",
                s.timestamp,
                s.entity,
                s.metric,
                s.context,
                show(s.value),
                s.median.map(show).unwrap_or_else(|| "-".into()),
                s.score.map(|z| format!("{z:.2}")).unwrap_or_else(|| "-".into()),
                s.event_id
            ),
        )?;
    }
    emit(
        out,
        format_args!(
            "{} of {} matching scores of SCORES_COMPUTED at seq {}; driftledger explain EVENT_ID shows how one was derived",
            selected.scores.len(),
            selected.matched,
            selected.scores_seq
        ),
    )?;
    Ok(exit::OK)
}

pub(crate) fn explain(store_dir: &Path, event_id: &str, as_json: bool, out: &mut dyn Write) -> Outcome {
    let derivation = engine::explain_event(store_dir, event_id).map_err(failure)?;
    if as_json {
        let batches: Vec<_> = derivation
            .batches
            .iter()
            .map(|b| json!({"seq": b.seq, "raw_sha256": b.raw_sha256, "merkle_root": b.merkle_root, "used": b.used}))
            .collect();
        return emit(
            out,
            json!({"score": derivation.score, "scored_by": {"seq": derivation.scored_by.0, "time": derivation.scored_by.1},
                   "baseline": derivation.baseline,
                   "trained_by": derivation.trained_by.as_ref().map(|(seq, time)| json!({"seq": seq, "time": time})),
                   "training": derivation.training_params, "batches": batches, "samples": derivation.samples}),
        )
        .map(|()| exit::OK);
    }
    write!(out, "{}", render_derivation(&derivation)).map_err(Failure::io)?;
    Ok(exit::OK)
}

pub(crate) fn report(store_dir: &Path, args: &ReportArgs, as_json: bool, out: &mut dyn Write) -> Outcome {
    let request = engine::ReportRequest {
        out: args.out.clone(),
        scores_seq: args.scores,
        top_k: args.top,
        title: args.title.clone(),
    };
    let mut store =
        store::Store::open(store_dir, WriterOptions::default()).map_err(crate::ingest_cmd::store_failure)?;
    let built = engine::build_report(&mut store, &request).map_err(failure)?;
    if as_json {
        let files: Vec<_> = built
            .files
            .iter()
            .map(|f| json!({"path": f.path.display().to_string(), "sha256": f.sha256, "bytes": f.bytes}))
            .collect();
        return emit(
            out,
            json!({"seq": built.seq, "scores_seq": built.scores_seq, "files": files}),
        )
        .map(|()| exit::OK);
    }
    emit(
        out,
        format_args!(
            "report on SCORES_COMPUTED at seq {}: REPORT_BUILT at seq {}",
            built.scores_seq, built.seq
        ),
    )?;
    for file in &built.files {
        emit(
            out,
            format_args!(
                "  {} ({} bytes, sha256 {})",
                file.path.display(),
                file.bytes,
                file.sha256
            ),
        )?;
    }
    Ok(exit::OK)
}

fn bound(text: &str) -> Result<String, Failure> {
    TimeWindow::bound(text).map_err(|e| Failure::usage(anyhow::anyhow!(e)))
}

fn window(from: Option<&str>, to: Option<&str>) -> Result<TimeWindow, Failure> {
    Ok(TimeWindow {
        from: from.map(bound).transpose()?,
        to: to.map(bound).transpose()?,
    })
}

pub(crate) fn failure(error: EngineError) -> Failure {
    match error {
        EngineError::Store(error) => crate::ingest_cmd::store_failure(error),
        EngineError::Ledger(error) => error.into(),
        EngineError::Io { .. } => Failure::io(error),
        EngineError::Baseline(baseline::BaselineError::Io { .. }) => Failure::io(error),
        EngineError::BadEntry { .. } | EngineError::Baseline(_) => Failure::problem(error),
        _ => Failure::usage(error),
    }
}
