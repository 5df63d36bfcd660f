//! `driftledger keys generate|list|rotate`.

use crate::args::KeysCommand;
use crate::{Outcome, emit, exit};
use ledger::{Ledger, WriterOptions};
use serde_json::json;
use std::io::Write;
use std::path::Path;

pub(crate) fn run(store: &Path, command: &KeysCommand, as_json: bool, out: &mut dyn Write) -> Outcome {
    match command {
        KeysCommand::Generate { name } => {
            let mut ledger = Ledger::open(store, WriterOptions::default())?;
            let entry = ledger.add_key(name)?;
            let paths = ledger.paths();
            if as_json {
                emit(out, json!({"key": name, "seq": entry.seq, "hash": entry.hash}))?;
            } else {
                emit(
                    out,
                    format_args!(
                        "added key {name} (KEY_ADDED at seq {}); new entries are signed by it",
                        entry.seq
                    ),
                )?;
                emit(
                    out,
                    format_args!("  private key  {}", paths.private_key(name).display()),
                )?;
                emit(
                    out,
                    format_args!(
                        "  verifier key {}  (give this to auditors out of band)",
                        paths.verifier_key(name).display()
                    ),
                )?;
            }
        }
        KeysCommand::Rotate { name } => {
            let mut ledger = Ledger::open(store, WriterOptions::default())?;
            let old = ledger.signer_name().to_owned();
            let new = name.clone().unwrap_or_else(|| ledger::key_history::next_key_name(&old));
            let (added, retired) = ledger.rotate(&new)?;
            if as_json {
                emit(
                    out,
                    json!({"added": new, "added_seq": added.seq, "retired": old, "retired_seq": retired.seq}),
                )?;
            } else {
                emit(
                    out,
                    format_args!(
                        "rotated: {new} added at seq {} (signed by {old}), {old} retired at seq {} (signed by {new})",
                        added.seq, retired.seq
                    ),
                )?;
                emit(
                    out,
                    format_args!(
                        "  earlier entries still verify with {old}'s key; give {} to auditors",
                        ledger.paths().verifier_key(&new).display()
                    ),
                )?;
            }
        }
        KeysCommand::List => {
            let history = ledger::reader::key_history(store)?;
            let paths = ledger::StorePaths::new(store);
            let rows: Vec<_> = history
                .keys()
                .iter()
                .map(|(name, record)| {
                    json!({
                        "name": name,
                        "status": if record.retired_at.is_some() { "retired" } else { "active" },
                        "added_at": record.added_at,
                        "retired_at": record.retired_at,
                        "vkey": record.verifier.to_text(),
                        "private_key_present": paths.private_key(name).exists(),
                    })
                })
                .collect();
            if as_json {
                emit(out, serde_json::Value::Array(rows))?;
            } else {
                for row in rows {
                    emit(
                        out,
                        format_args!(
                            "{:<16} {:<8} added at seq {}{}  {}",
                            row["name"].as_str().unwrap_or_default(),
                            row["status"].as_str().unwrap_or_default(),
                            row["added_at"],
                            row["retired_at"]
                                .as_u64()
                                .map(|s| format!(", retired at seq {s}"))
                                .unwrap_or_default(),
                            row["vkey"].as_str().unwrap_or_default()
                        ),
                    )?;
                }
            }
        }
    }
    Ok(exit::OK)
}
