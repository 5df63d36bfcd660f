//! `driftledger demo`: every capability that exists, end to end, on the
//! store, narrating each step and where its files are.

use crate::{Failure, Outcome, emit, exit};
use ledger::{EntryDraft, InitOptions, Ledger, VerifyOptions, WriterOptions};
use model::Action;
use serde_json::json;
use std::io::Write;
use std::path::Path;

pub(crate) fn run(store: &Path, out: &mut dyn Write) -> Outcome {
    emit(out, format_args!("driftledger demo on store {}", store.display()))?;
    let mut ledger = if ledger::StorePaths::new(store).ledger().exists() {
        emit(out, "1. the store exists: opening it and adding to its ledger")?;
        Ledger::open(store, WriterOptions::default())?
    } else {
        let ledger = Ledger::init(store, InitOptions::default())?;
        emit(
            out,
            format_args!(
                "1. init: created store {} with genesis key {}",
                ledger.store_id(),
                ledger.signer_name()
            ),
        )?;
        ledger
    };
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
            "2. appended entry {} and a batch of {} entries with one fsync (group commit)",
            first.seq,
            batch.len()
        ),
    )?;

    let old = ledger.sign_checkpoint()?;
    emit(
        out,
        format_args!(
            "3. signed checkpoint of tree size {} -> {}",
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
            "4. rotated keys: {new_signer} added at seq {}, {old_signer} retired at seq {}",
            added.seq, retired.seq
        ),
    )?;
    ledger.append(EntryDraft::new(Action::Note).params(json!({"text": "signed by the new key"})))?;
    let new = ledger.sign_checkpoint()?;
    emit(
        out,
        format_args!(
            "5. signed checkpoint of tree size {} -> {}",
            new.checkpoint.size,
            new.path.display()
        ),
    )?;
    let size = new.checkpoint.size;
    drop(ledger);

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
            "6. proofs: {} and {}",
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

    let options = VerifyOptions {
        trusted_vkeys: ledger::keys::read_verifier_keys(&pinned_vkey)?,
        ..VerifyOptions::default()
    };
    let report = ledger::verify_ledger(store, &options)?;
    emit(out, "7. verify (pinning the genesis verifier key):")?;
    crate::ledger_cmd::print_report(&report, out)?;
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
