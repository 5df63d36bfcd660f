//! `driftledger verify`: the global validator's report, as text or JSON, and
//! its verdict recorded on request.

use crate::args::GlobalVerifyArgs;
use crate::{Failure, Outcome, emit, exit, ledger_cmd};
use ledger::{Ledger, WriterOptions};
use replay::{ReplayOptions, StoreReport};
use std::io::Write;
use std::path::Path;

pub(crate) fn run(store: &Path, args: &GlobalVerifyArgs, as_json: bool, out: &mut dyn Write) -> Outcome {
    let ledger_options = ledger_cmd::verify_options(&args.checks)?;
    let trusted_keys: Vec<String> = ledger_options
        .trusted_vkeys
        .iter()
        .map(|key| key.name().to_owned())
        .collect();
    let showing_progress = ledger_options.progress.is_some();
    let options = ReplayOptions {
        ledger: ledger_options,
        registry: None,
    };
    let report = replay::verify_store(store, &options).map_err(replay_failure)?;
    if showing_progress && report.ledger.entries >= 1 << 18 {
        eprint!("\r\x1b[K");
    }
    if as_json {
        emit(out, report.to_canonical_json())?;
    } else {
        print_report(&report, out)?;
    }
    if args.record {
        let mut ledger = Ledger::open(store, WriterOptions::default())?;
        let written = ledger.append(report.validation_run(&trusted_keys))?;
        if !as_json {
            emit(out, format_args!("recorded as VALIDATION_RUN at seq {}", written.seq))?;
        }
    }
    Ok(if report.is_ok() { exit::OK } else { exit::PROBLEM_FOUND })
}

fn replay_failure(error: replay::ReplayError) -> Failure {
    match error {
        replay::ReplayError::Ledger(error) => error.into(),
        other => Failure::io(other),
    }
}

pub(crate) fn print_report(report: &StoreReport, out: &mut dyn Write) -> Result<(), Failure> {
    let replay = &report.replay;
    let replayed: u64 = replay.actions.iter().map(|a| a.replayed).sum();
    if report.is_ok() {
        emit(
            out,
            format_args!(
                "VERIFIED: {} entries, root {}; {} entries replayed, {} records rebuilt byte for byte from {} raw files",
                report.ledger.entries, report.ledger.root, replayed, replay.records_rebuilt, replay.raw_files
            ),
        )?;
    } else {
        emit(
            out,
            format_args!(
                "PROBLEMS FOUND: {} in {} entries",
                report.findings.len(),
                report.ledger.entries
            ),
        )?;
        for finding in &report.findings {
            emit(out, format_args!("  {finding}"))?;
        }
    }
    emit(
        out,
        format_args!("  signatures verified: {}", report.ledger.signatures_verified),
    )?;
    for checkpoint in &report.ledger.checkpoints {
        emit(
            out,
            format_args!(
                "  checkpoint {:>6} root {} signed by {}",
                checkpoint.size,
                checkpoint.root,
                checkpoint.signed_by.join(", ")
            ),
        )?;
    }
    emit(out, format_args!("  trust: {}", report.ledger.trust))?;
    for tally in &replay.actions {
        let mut parts = vec![format!("{} replayed", tally.replayed)];
        if tally.trusted > 0 {
            parts.push(format!("{} trusted through a checkpoint", tally.trusted));
        }
        if tally.unreplayable > 0 {
            parts.push(format!("{} without a replayer", tally.unreplayable));
        }
        emit(
            out,
            format_args!("  replay {:<22} {}", tally.action.to_string(), parts.join(", ")),
        )?;
    }
    for file in &report.files {
        emit(
            out,
            format_args!(
                "  records {:<24} {} lines accounted for by {} entries",
                file.file, file.accounted_lines, file.entries
            ),
        )?;
    }
    if report.ledger.writer_active {
        emit(out, "  note: a writer held the store while it was read")?;
    }
    for limit in &report.limits {
        emit(out, format_args!("  not proved: {limit}"))?;
    }
    Ok(())
}
