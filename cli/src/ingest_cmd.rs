//! `driftledger ingest <format> FILE...`.

use crate::args::IngestArgs;
use crate::{Failure, Outcome, emit, exit};
use ingest::{InputFormat, ParseOptions};
use ledger::WriterOptions;
use serde_json::json;
use std::io::Write;
use std::path::Path;
use store::ingest_file::{IngestError, IngestRequest, ingest_file};

pub(crate) fn run(store_dir: &Path, args: &IngestArgs, as_json: bool, out: &mut dyn Write) -> Outcome {
    let mut store = store::Store::open(store_dir, WriterOptions::default()).map_err(store_failure)?;
    report_recovery(store.recovery());
    let input_format = args.input_format.as_deref().map(|name| match name {
        "csv" => InputFormat::Csv,
        _ => InputFormat::Jsonl,
    });
    let mut results = Vec::new();
    for path in &args.files {
        let request = IngestRequest {
            format: args.format,
            path: path.clone(),
            input_format,
            options: ParseOptions {
                assume_utc: args.assume_utc,
            },
            quarantine: args.quarantine,
            allow_duplicate: args.allow_duplicate,
        };
        let ingested = ingest_file(&mut store, &request).map_err(|error| match error {
            IngestError::Store(error) => store_failure(error),
            other => Failure::usage(other),
        })?;
        if !as_json {
            emit(
                out,
                format_args!(
                    "{}: {} events ingested{} (EVENTS_INGESTED at seq {}, raw sha256 {})",
                    path.display(),
                    ingested.events,
                    match &ingested.quarantine {
                        Some(file) => format!(", {} lines rejected -> {file}", ingested.rejected),
                        None => String::new(),
                    },
                    ingested.seq,
                    ingested.raw_sha256
                ),
            )?;
        }
        results.push(json!({
            "file": path.display().to_string(),
            "seq": ingested.seq,
            "events": ingested.events,
            "rejected": ingested.rejected,
            "quarantine": ingested.quarantine,
            "raw_sha256": ingested.raw_sha256,
        }));
    }
    if as_json {
        emit(out, serde_json::Value::Array(results))?;
    }
    Ok(exit::OK)
}

pub(crate) fn store_failure(error: store::StoreError) -> Failure {
    match error {
        store::StoreError::Ledger(error) => error.into(),
        store::StoreError::Io { .. } => Failure::io(error),
        other => Failure::problem(other),
    }
}

/// Says on stderr what opening the store had to repair after an earlier
/// writer was stopped.
fn report_recovery(recovery: &store::StoreRecovery) {
    for (file, quarantine, bytes) in &recovery.quarantined {
        eprintln!(
            "recovered: {bytes} bytes of {file} that no ledger entry accounted for were moved to {} (RECORDS_RECOVERED)",
            quarantine.display()
        );
    }
    for temporary in &recovery.removed_temporaries {
        eprintln!("recovered: removed {}, left by a stopped ingest", temporary.display());
    }
}
