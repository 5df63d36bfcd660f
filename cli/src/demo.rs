//! `driftledger demo`: every capability that exists, end to end, on the
//! store, narrating each step and where its files are.

use crate::{Failure, Outcome, emit, exit, generate_cmd};
use ledger::{EntryDraft, InitOptions, VerifyOptions, WriterOptions};
use model::Action;
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use store::Store;
use store::ingest_file::{IngestError, IngestRequest, ingest_file};

pub(crate) fn run(store: &Path, out: &mut dyn Write) -> Outcome {
    emit(out, format_args!("driftledger demo on store {}", store.display()))?;
    let mut opened = if ledger::StorePaths::new(store).ledger().exists() {
        emit(out, "1. the store exists: opening it and adding to it")?;
        Store::open(store, WriterOptions::default()).map_err(Failure::problem)?
    } else {
        let mut created = Store::init(store, InitOptions::default()).map_err(Failure::problem)?;
        let ledger = created.ledger();
        emit(
            out,
            format_args!(
                "1. init: created store {} with genesis key {}",
                ledger.store_id(),
                ledger.signer_name()
            ),
        )?;
        created
    };
    let data = generate_and_ingest(&mut opened, store, out)?;
    baselines_scores_and_report(&mut opened, store, &data, out)?;
    behaviour_drift(&mut opened, &data, out)?;
    let ledger = opened.ledger();
    let paths = ledger.paths().clone();
    let genesis_key = first_key_name(store)?;
    let pinned_vkey = paths.verifier_key(&genesis_key);

    let first = ledger.append(EntryDraft::new(Action::Note).params(json!({"text": "demo started"})))?;
    let drafts = (0..25)
        .map(|i| EntryDraft::new(Action::Note).params(json!({"text": "demo batch entry", "index": i})))
        .collect();
    let batch = ledger.append_batch(drafts)?;
    emit(
        out,
        format_args!(
            "4. appended entry {} and a batch of {} entries with one fsync (group commit)",
            first.seq,
            batch.len()
        ),
    )?;

    let old = ledger.sign_checkpoint()?;
    emit(
        out,
        format_args!(
            "5. signed checkpoint of tree size {} -> {}",
            old.checkpoint.size,
            old.path.display()
        ),
    )?;

    let old_signer = ledger.signer_name().to_owned();
    let new_signer = ledger::key_history::next_key_name(&old_signer);
    let (added, retired) = ledger.rotate(&new_signer)?;
    emit(
        out,
        format_args!(
            "6. rotated keys: {new_signer} added at seq {}, {old_signer} retired at seq {}",
            added.seq, retired.seq
        ),
    )?;
    ledger.append(EntryDraft::new(Action::Note).params(json!({"text": "signed by the new key"})))?;
    let new = ledger.sign_checkpoint()?;
    emit(
        out,
        format_args!(
            "7. signed checkpoint of tree size {} -> {}",
            new.checkpoint.size,
            new.path.display()
        ),
    )?;
    let size = new.checkpoint.size;
    drop(opened);

    let inclusion = ledger::prove_inclusion(store, first.seq, size)?;
    let inclusion_text = inclusion.to_json();
    let inclusion_path =
        ledger::proofs::write_proof(store, &format!("inclusion-{}-{size}.json", first.seq), &inclusion_text)?;
    let consistency = ledger::prove_consistency(store, old.checkpoint.size, size)?;
    let consistency_text = consistency.to_json();
    let consistency_path = ledger::proofs::write_proof(
        store,
        &format!("consistency-{}-{size}.json", old.checkpoint.size),
        &consistency_text,
    )?;
    emit(
        out,
        format_args!(
            "8. proofs: {} and {}",
            inclusion_path.display(),
            consistency_path.display()
        ),
    )?;

    let checkpoints = vec![
        (old.path.display().to_string(), old.note.clone()),
        (new.path.display().to_string(), new.note.clone()),
    ];
    let vkeys = ledger::reader::key_history(store)?.all_verifiers();
    for text in [&inclusion_text, &consistency_text] {
        let proved = ledger::proofs::check_proof_offline(text, &checkpoints, &vkeys, None).map_err(Failure::problem)?;
        emit(out, format_args!("   checked offline: {proved}"))?;
    }

    let options = replay::ReplayOptions {
        ledger: VerifyOptions {
            trusted_vkeys: ledger::keys::read_verifier_keys(&pinned_vkey)?,
            ..VerifyOptions::default()
        },
        registry: None,
    };
    let report = replay::verify_store(store, &options).map_err(Failure::problem)?;
    emit(
        out,
        "9. verify, the global validator (pinning the genesis verifier key): every signature, checkpoint and proof, every record accounted for, and every action replayed from its raw input:",
    )?;
    crate::verify_cmd::print_report(&report, out)?;
    emit(out, "files:")?;
    for (what, path) in [
        ("ledger", paths.ledger()),
        ("tree hashes", paths.tree()),
        ("latest checkpoint", paths.latest_checkpoint()),
        ("all checkpoints", paths.checkpoints()),
        ("proofs", paths.proofs()),
        ("keys", paths.keys()),
    ] {
        emit(out, format_args!("  {what:<18} {}", path.display()))?;
    }
    emit(
        out,
        format_args!(
            "check a proof offline: driftledger ledger check-proof {} --checkpoint {} --vkey {}",
            inclusion_path.display(),
            new.path.display(),
            paths.verifier_key(&new_signer).display()
        ),
    )?;
    emit(
        out,
        format_args!(
            "verify again at any time (read-only; add --json for machines): driftledger --store {} verify --trusted-vkey {} --from-checkpoint {}",
            store.display(),
            pinned_vkey.display(),
            new.path.display()
        ),
    )?;
    emit(
        out,
        "signatures: openssl pkeyutl -verify -rawin with keys/*.pub.pem; checkpoints: any C2SP signed-note verifier (e.g. Go sumdb/note)",
    )?;
    Ok(if report.is_ok() { exit::OK } else { exit::PROBLEM_FOUND })
}

fn first_key_name(store: &Path) -> Result<String, Failure> {
    let lines = ledger::reader::read_lines(store, |i| i == 0)?;
    lines
        .into_iter()
        .next()
        .and_then(|l| l.entry.ok())
        .map(|e| e.key)
        .ok_or_else(|| {
            Failure::problem(anyhow::anyhow!(
                "the ledger has no readable genesis entry; run `driftledger ledger verify`"
            ))
        })
}

/// A few metric samples, one with a time zone offset and one bad line, as a
/// user's export might look.
const SAMPLE_METRICS: &str = "timestamp,entity,metric,value
2026-11-20T09:00:00Z,web-1,cpu_percent,41.5
2026-11-20T10:00:00Z,web-1,cpu_percent,43.0
2026-11-20T13:00:00+02:00,web-1,cpu_percent,44.2
2026-11-20T12:00:00Z,web-1,cpu_percent,not-a-number
2026-11-20T12:00:00Z,db-1,cpu_percent,12.25
";

/// Generates one file of each input format beside the store (the same bytes
/// on every run) and ingests them: identities before the behaviour that
/// names them, the metrics gzip-compressed, and a hand-written CSV with one
/// bad line, quarantined.
fn generate_and_ingest(store: &mut Store, store_dir: &Path, out: &mut dyn Write) -> Result<PathBuf, Failure> {
    let name = store_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let data = store_dir.with_file_name(format!("{}-demo-data", name.trim_start_matches('.')));
    std::fs::create_dir_all(&data).map_err(|e| Failure::io(anyhow::anyhow!("{}: {e}", data.display())))?;
    emit(out, format_args!("2. generate (seed 1) into {}:", data.display()))?;

    let metric = data.join("metric.jsonl.gz");
    let summary = generate_cmd::write_output(&metric, |format, writer| {
        synth::metric::generate(&synth::metric::MetricConfig::default(), format, writer)
    })?;
    emit(
        out,
        format_args!(
            "   metric: {} samples, incidents {:?}",
            summary.events, summary.incidents
        ),
    )?;
    let auth = data.join("auth.csv");
    let summary = generate_cmd::write_output(&auth, |format, writer| {
        synth::auth::generate(&synth::auth::AuthConfig::default(), format, writer)
    })?;
    emit(
        out,
        format_args!(
            "   auth: {} events, attack events by type {:?}",
            summary.events, summary.attack_events_by_type
        ),
    )?;
    let proxy = data.join("proxy.jsonl");
    let proxy_config = synth::proxy::ProxyConfig {
        scenario: synth::proxy::ProxyScenario::Mix,
        ..Default::default()
    };
    let summary = generate_cmd::write_output(&proxy, |format, writer| {
        synth::proxy::generate(&proxy_config, format, writer)
    })?;
    emit(
        out,
        format_args!(
            "   proxy: {} log lines, a mix of benign traffic and attackers",
            summary.events
        ),
    )?;
    let behavior = data.join("behavior.jsonl");
    let identities = data.join("behavior.identities.jsonl");
    let planted = data.join("behavior.planted.json");
    let summary = generate_cmd::write_behavior(
        &synth::behavior::BehaviorConfig::default(),
        &behavior,
        &identities,
        &planted,
    )?;
    emit(
        out,
        format_args!(
            "   behavior: {} identities, {} events, planted changes listed in {}",
            summary.identities,
            summary.events,
            planted.display()
        ),
    )?;

    emit(
        out,
        "3. ingest (each file archived under raw/sha256/, one signed entry per file):",
    )?;
    let sample = data.join("hand-written-metrics.csv");
    std::fs::write(&sample, SAMPLE_METRICS).map_err(Failure::io)?;
    for (format, path, quarantine) in [
        (ingest::Format::Metric, &metric, false),
        (ingest::Format::Auth, &auth, false),
        (ingest::Format::Proxy, &proxy, false),
        (ingest::Format::Identity, &identities, false),
        (ingest::Format::Behavior, &behavior, false),
        (ingest::Format::Metric, &sample, true),
    ] {
        let request = IngestRequest {
            format,
            path: path.clone(),
            input_format: None,
            options: ingest::ParseOptions::default(),
            quarantine,
            allow_duplicate: false,
        };
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match ingest_file(store, &request) {
            Ok(ingested) => emit(
                out,
                format_args!(
                    "   {file}: {} records (seq {}){}",
                    ingested.events,
                    ingested.seq,
                    match &ingested.quarantine {
                        Some(q) => format!(
                            ", {} bad line quarantined -> {}",
                            ingested.rejected,
                            store_dir.join(q).display()
                        ),
                        None => String::new(),
                    }
                ),
            )?,
            Err(IngestError::Duplicate { seq, .. }) => emit(
                out,
                format_args!("   {file}: these exact bytes were ingested before (seq {seq}); duplicates are refused"),
            )?,
            Err(error) => return Err(Failure::problem(error)),
        }
    }
    emit(out, format_args!("   events: {}", store_dir.join("events").display()))?;
    Ok(data)
}

/// Seed 000 end to end: baselines over the metric events, every event
/// scored, the furthest one explained, a report, and a second training
/// window compared with the first.
fn baselines_scores_and_report(
    store: &mut Store,
    store_dir: &Path,
    data: &Path,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    use crate::baseline_cmd::failure;
    let params = baseline::TrainParams::default();
    let trained = engine::train_baselines(store, &params).map_err(failure)?;
    let ready = trained.baselines.iter().filter(|b| b.stats.is_some()).count();
    emit(
        out,
        format_args!(
            "3a. baseline train (context {}, min {} samples): {} baselines from {} samples, {ready} ready and {} with insufficient history, each a new version (BASELINE_TRAINED at seq {}) -> {}",
            params.context,
            params.min_samples,
            trained.baselines.len(),
            trained.samples,
            trained.baselines.len() - ready,
            trained.seq,
            store_dir.join(baseline::stored::BASELINES_FILE).display()
        ),
    )?;
    let request = engine::ScoreRequest {
        threshold: baseline::score::DEFAULT_THRESHOLD,
        context: None,
        selection: baseline::BaselineSelection::Latest,
        events: baseline::run::EventSelection::default(),
        out: None,
    };
    let scored = engine::score_events(store, &request).map_err(failure)?;
    let t = scored.tally;
    emit(
        out,
        format_args!(
            "3b. score: {} events scored in robust z units, {} anomalies at |score| > {}, {} skipped (no baseline {}, insufficient history {}) (SCORES_COMPUTED at seq {}) -> {}",
            t.scored,
            t.anomalies,
            request.threshold,
            t.no_baseline + t.insufficient_history,
            t.no_baseline,
            t.insufficient_history,
            scored.seq,
            store_dir.join(baseline::stored::SCORES_FILE).display()
        ),
    )?;
    let query = engine::ScoreQuery {
        scores_seq: Some(scored.seq),
        entity: Some("host-001".to_owned()),
        anomalies_only: true,
        furthest_first: true,
        limit: 3,
        ..engine::ScoreQuery::default()
    };
    let selected = engine::select_scores(store_dir, &query).map_err(failure)?;
    emit(
        out,
        format_args!(
            "    select: {} anomalies of host-001, the furthest first (driftledger scores --entity host-001 --anomalies --furthest):",
            selected.matched
        ),
    )?;
    for s in &selected.scores {
        emit(
            out,
            format_args!(
                "      {} {} {} = {}: score {}",
                s.timestamp,
                s.metric,
                s.context,
                baseline::explain::show(s.value),
                s.score
                    .map_or_else(|| "none (constant baseline)".to_owned(), |z| format!("{z:.2}"))
            ),
        )?;
    }
    if let Some(top) = engine::top_scores(store_dir, Some(scored.seq), 1)
        .map_err(failure)?
        .first()
    {
        emit(
            out,
            format_args!("3c. explain {} (the furthest from its baseline):", top.event_id),
        )?;
        let derivation = engine::explain_event(store_dir, &top.event_id).map_err(failure)?;
        for line in baseline::explain::render_derivation(&derivation).lines() {
            emit(out, format_args!("    {line}"))?;
        }
    }
    let report_path = data.join("report.md");
    let built = engine::build_report(
        store,
        &engine::ReportRequest {
            out: report_path,
            scores_seq: Some(scored.seq),
            top_k: engine::DEFAULT_TOP_K,
            title: "driftledger demo: metric baselines".to_owned(),
        },
    )
    .map_err(failure)?;
    emit(
        out,
        format_args!(
            "3d. report (REPORT_BUILT at seq {}, every file's SHA-256 recorded):",
            built.seq
        ),
    )?;
    for file in &built.files {
        emit(out, format_args!("    {}", file.path.display()))?;
    }
    let second_week = baseline::TrainParams {
        context: baseline::ContextKind::None,
        window: baseline::TimeWindow {
            from: Some("2026-01-12T00:00:00.000Z".to_owned()),
            to: None,
        },
        ..params
    };
    let first_week = baseline::TrainParams {
        window: baseline::TimeWindow {
            from: None,
            to: Some("2026-01-12T00:00:00.000Z".to_owned()),
        },
        ..second_week.clone()
    };
    let early = engine::train_baselines(store, &first_week).map_err(failure)?;
    let late = engine::train_baselines(store, &second_week).map_err(failure)?;
    let bucket = |b: &&model::baseline::Baseline| b.entity == "host-001" && b.metric == "cpu_pct";
    let (Some(a), Some(b)) = (early.baselines.iter().find(bucket), late.baselines.iter().find(bucket)) else {
        return Ok(());
    };
    let comparison = baseline::compare::compare(a, b);
    emit(
        out,
        format_args!(
            "3e. baseline compare {} {} (context all): week 1 (v{}, seq {}) vs week 2 (v{}, seq {}):",
            b.entity, b.metric, a.version, early.seq, b.version, late.seq
        ),
    )?;
    for shift in &comparison.shifts {
        emit(
            out,
            format_args!(
                "    {:<10} {:>10} -> {:>10}",
                shift.name,
                baseline::explain::show(shift.from),
                baseline::explain::show(shift.to)
            ),
        )?;
    }
    Ok(())
}

/// Seed 003 end to end: a profile of every identity over the generated
/// baseline window, the deltas of the observation window against them
/// (the planted changes, and nothing else), a summary and an export.
fn behaviour_drift(store: &mut Store, data: &Path, out: &mut dyn Write) -> Result<(), Failure> {
    use crate::baseline_cmd::failure;
    let config = synth::behavior::BehaviorConfig::default();
    let day = chrono::Duration::days(1);
    let baseline_end = config.start + day * config.baseline_days as i32;
    let window_end = baseline_end + day * config.window_days as i32;
    let span = |what, start: chrono::DateTime<chrono::Utc>, end: chrono::DateTime<chrono::Utc>| {
        drift::window::Span::parse(what, &start.to_rfc3339(), &end.to_rfc3339())
            .map_err(|e| Failure::problem(anyhow::anyhow!(e)))
    };
    let baseline = span("baseline window", config.start, baseline_end)?;
    let request = engine::DriftRequest {
        scope: engine::DriftScope::AllIdentities {
            baseline: baseline.clone(),
        },
        window: span("observation window", baseline_end, window_end)?,
        thresholds: drift::thresholds::resolve(&drift::thresholds::ThresholdTexts::default())
            .map_err(|e| Failure::problem(anyhow::anyhow!(e)))?,
    };
    let computed = engine::compute_drift(store, &request).map_err(failure)?;
    emit(
        out,
        format_args!(
            "3f. drift compute --all-identities (baseline [{}, {}), window [{}, {}), frequency threshold 0, per window length):",
            baseline.window.start, baseline.window.end, request.window.window.start, request.window.window.end
        ),
    )?;
    emit(
        out,
        format_args!(
            "    profiles: {} new{}, {} reused; {} deltas for {} identities (UBA_DELTA_COMPUTED at seq {}), facts only:",
            computed.profiles.0,
            computed
                .profile_seq
                .map(|seq| format!(" (PROFILE_BUILT at seq {seq})"))
                .unwrap_or_default(),
            computed.profiles.1,
            computed.deltas.len(),
            computed.identities,
            computed.seq
        ),
    )?;
    for delta in &computed.deltas {
        emit(
            out,
            format_args!(
                "      {} {:<16} {:<16} baseline {} observed {} magnitude {} ({} evidence events)",
                delta.identity_id,
                delta.delta_type.as_str(),
                delta.value,
                delta.baseline_value,
                delta.observed_value,
                delta.magnitude,
                delta.event_ids.len()
            ),
        )?;
    }
    emit(
        out,
        format_args!(
            "    planted changes to compare with: {}",
            data.join("behavior.planted.json").display()
        ),
    )?;
    let summarized = engine::summarize_drift(store, Some(computed.seq), None).map_err(failure)?;
    let with_deltas = summarized
        .summaries
        .iter()
        .filter(|(s, _)| !s.delta_hashes.is_empty())
        .count();
    emit(
        out,
        format_args!(
            "3g. drift summary: {} summaries, {with_deltas} with deltas (UBA_DELTA_SUMMARY_BUILT at seq {})",
            summarized.summaries.len(),
            summarized.seq
        ),
    )?;
    let export_path = data.join("deltas.jsonl");
    let exported = engine::export_drift(store, Some(computed.seq), None, &export_path).map_err(failure)?;
    emit(
        out,
        format_args!(
            "3h. drift export: {} deltas -> {} (sha256 {}, UBA_DELTA_EXPORTED at seq {})",
            exported.deltas,
            exported.path.display(),
            exported.sha256,
            exported.seq
        ),
    )
}
