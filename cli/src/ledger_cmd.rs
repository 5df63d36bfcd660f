//! `driftledger init`, `verify` and `ledger …`.

use crate::args::{LedgerCommand, VerifyArgs};
use crate::{Failure, Outcome, emit, exit};
use ledger::{InitOptions, Ledger, LedgerReport, SignatureCheck, VerifyOptions, WriterOptions};
use serde_json::json;
use std::io::Write;
use std::path::Path;

pub(crate) fn init(store: &Path, key_name: &str, as_json: bool, out: &mut dyn Write) -> Outcome {
    let ledger = Ledger::init(
        store,
        InitOptions {
            key_name: key_name.to_owned(),
            ..InitOptions::default()
        },
    )?;
    let paths = ledger.paths();
    if as_json {
        emit(
            out,
            json!({
                "store": store.display().to_string(),
                "store_id": ledger.store_id(),
                "origin": ledger.origin(),
                "key": key_name,
                "vkey": paths.verifier_key(key_name).display().to_string(),
            }),
        )?;
    } else {
        emit(
            out,
            format_args!("created store {} (id {})", store.display(), ledger.store_id()),
        )?;
        emit(out, format_args!("  ledger        {}", paths.ledger().display()))?;
        emit(
            out,
            format_args!("  signing key   {} (mode 0600)", paths.private_key(key_name).display()),
        )?;
        emit(
            out,
            format_args!("  verifier key  {}", paths.verifier_key(key_name).display()),
        )?;
        emit(
            out,
            "keep a copy of the verifier key outside the store and verify with --trusted-vkey it",
        )?;
    }
    Ok(exit::OK)
}

pub(crate) fn run(
    store: &Path,
    command: &LedgerCommand,
    as_json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Outcome {
    match command {
        LedgerCommand::Verify(args) => verify(store, args, as_json, out),
        LedgerCommand::Checkpoint => checkpoint(store, as_json, out),
        LedgerCommand::Prove {
            inclusion,
            size,
            consistency,
            out: write,
        } => {
            let proof = match (inclusion, consistency.as_deref()) {
                (Some(index), _) => {
                    let size = match size {
                        Some(size) => *size,
                        None => ledger::proofs::latest_checkpoint_size(store)?,
                    };
                    tlog::Proof::Inclusion(ledger::prove_inclusion(store, *index, size)?)
                }
                (None, Some([old, new])) => tlog::Proof::Consistency(ledger::prove_consistency(store, *old, *new)?),
                _ => {
                    return Err(Failure::usage(anyhow::anyhow!(
                        "give --inclusion I [--size N] or --consistency M N"
                    )));
                }
            };
            let text = proof.to_json();
            emit(out, &text)?;
            if *write {
                let path = ledger::proofs::write_proof(store, &ledger::proofs::proof_file_name(&proof), &text)?;
                let _ = writeln!(err, "wrote {}", path.display());
            }
            Ok(exit::OK)
        }
        LedgerCommand::CheckProof {
            proof,
            checkpoint,
            vkey,
            line,
        } => {
            let read = |path: &Path| {
                std::fs::read(path).map_err(|e| Failure::usage(anyhow::anyhow!("{}: {e}", path.display())))
            };
            let proof_text = String::from_utf8_lossy(&read(proof)?).into_owned();
            let mut checkpoints = Vec::new();
            for path in checkpoint {
                checkpoints.push((
                    path.display().to_string(),
                    String::from_utf8_lossy(&read(path)?).into_owned(),
                ));
            }
            let mut vkeys = Vec::new();
            for path in vkey {
                vkeys.extend(ledger::keys::read_verifier_keys(path).map_err(Failure::usage)?);
            }
            let line_bytes = match line {
                Some(path) => {
                    let mut bytes = read(path)?;
                    if bytes.last() == Some(&b'\n') {
                        bytes.pop();
                    }
                    Some(bytes)
                }
                None => None,
            };
            match ledger::proofs::check_proof_offline(&proof_text, &checkpoints, &vkeys, line_bytes.as_deref()) {
                Ok(proved) => {
                    if as_json {
                        emit(out, json!({"ok": true, "proved": proved}))?;
                    } else {
                        emit(out, format_args!("OK: {proved}"))?;
                    }
                    Ok(exit::OK)
                }
                Err(e) => {
                    if as_json {
                        emit(out, json!({"ok": false, "error": e.to_string()}))?;
                    }
                    Err(Failure::problem(e))
                }
            }
        }
        LedgerCommand::Tail { count } => {
            let total = ledger::reader::count_lines(store)?;
            let first = total.saturating_sub(*count);
            print_lines(ledger::reader::read_lines(store, |i| i >= first)?, as_json, out)
        }
        LedgerCommand::Show { seq } => {
            let lines = ledger::reader::read_lines(store, |i| i == *seq)?;
            if lines.is_empty() {
                return Err(Failure::usage(anyhow::anyhow!("no entry with seq {seq}")));
            }
            print_lines(lines, as_json, out)
        }
    }
}

fn print_lines(lines: Vec<ledger::reader::ReadLine>, as_json: bool, out: &mut dyn Write) -> Outcome {
    for read in lines {
        match read.entry {
            Ok(entry) if as_json => emit(out, entry.to_line().map_err(Failure::io)?)?,
            Ok(entry) => emit(
                out,
                format_args!(
                    "{:>6}  {}  {:<22} key={}  params={}  outputs={}",
                    entry.seq,
                    entry.time,
                    entry.action.to_string(),
                    entry.key,
                    serde_json::Value::Object(entry.params),
                    serde_json::Value::Object(entry.outputs)
                ),
            )?,
            Err(reason) => emit(out, format_args!("line {}: unreadable entry: {reason}", read.line))?,
        }
    }
    Ok(exit::OK)
}

fn checkpoint(store: &Path, as_json: bool, out: &mut dyn Write) -> Outcome {
    let mut ledger = Ledger::open(store, WriterOptions::default())?;
    let written = ledger.sign_checkpoint()?;
    if as_json {
        emit(
            out,
            json!({
                "size": written.checkpoint.size,
                "root": written.checkpoint.body().lines().nth(2).unwrap_or_default(),
                "file": written.path.display().to_string(),
                "entry_seq": written.entry.seq,
            }),
        )?;
    } else {
        emit(
            out,
            format_args!(
                "signed checkpoint of tree size {} -> {}",
                written.checkpoint.size,
                written.path.display()
            ),
        )?;
        emit(
            out,
            format_args!("recorded as CHECKPOINT_SIGNED at seq {}", written.entry.seq),
        )?;
        write!(out, "{}", written.note).map_err(Failure::io)?;
    }
    Ok(exit::OK)
}

pub(crate) fn verify(store: &Path, args: &VerifyArgs, as_json: bool, out: &mut dyn Write) -> Outcome {
    let options = verify_options(args)?;
    let report = ledger::verify_ledger(store, &options)?;
    if options.progress.is_some() && report.entries >= 1 << 18 {
        eprint!("\r\x1b[K");
    }
    if as_json {
        emit(out, serde_json::to_string(&report).map_err(Failure::io)?)?;
    } else {
        print_report(&report, out)?;
    }
    Ok(if report.is_ok() { exit::OK } else { exit::PROBLEM_FOUND })
}

/// The trust and checks the verifying commands' options ask for.
pub(crate) fn verify_options(args: &VerifyArgs) -> Result<VerifyOptions, Failure> {
    let mut trusted = Vec::new();
    for path in &args.trusted_vkey {
        trusted.extend(ledger::keys::read_verifier_keys(path).map_err(Failure::usage)?);
    }
    let mut outside_checkpoints = Vec::new();
    for path in &args.from_checkpoint {
        let text =
            std::fs::read_to_string(path).map_err(|e| Failure::usage(anyhow::anyhow!("{}: {e}", path.display())))?;
        outside_checkpoints.push((path.display().to_string(), text));
    }
    Ok(VerifyOptions {
        trusted_vkeys: trusted,
        outside_checkpoints,
        progress: terminal_progress(),
        signature_check: if args.one_by_one {
            SignatureCheck::OneByOne
        } else {
            SignatureCheck::Batch
        },
    })
}

/// Progress on stderr while a long verification runs, only when a person is
/// watching (stderr is a terminal); pipes and logs stay clean.
fn terminal_progress() -> Option<ledger::Progress> {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal().then(|| ledger::Progress {
        every_lines: 1 << 18,
        report: std::sync::Arc::new(|lines| eprint!("\rverifying: {lines} entries read…")),
    })
}

pub(crate) fn print_report(report: &LedgerReport, out: &mut dyn Write) -> Result<(), Failure> {
    if report.is_ok() {
        emit(
            out,
            format_args!("VERIFIED: {} entries, root {}", report.entries, report.root),
        )?;
    } else {
        emit(
            out,
            format_args!(
                "PROBLEMS FOUND: {} in {} entries",
                report.findings.len(),
                report.entries
            ),
        )?;
        for finding in &report.findings {
            emit(out, format_args!("  {finding}"))?;
        }
    }
    emit(
        out,
        format_args!("  signatures verified: {}", report.signatures_verified),
    )?;
    for checkpoint in &report.checkpoints {
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
    emit(out, format_args!("  trust: {}", report.trust))?;
    if report.writer_active {
        emit(out, "  note: a writer held the store while it was read")?;
    }
    for limit in &report.limits {
        emit(out, format_args!("  not proved: {limit}"))?;
    }
    Ok(())
}
