//! Actions whose whole effect is their ledger entry (keys, checkpoints,
//! notes, validation runs, recovery of a torn ledger line), and recovery of
//! record lines, which moved bytes to quarantine.

use super::inside;
use crate::error::ReplayError;
use crate::finding::{Finding, FindingKind};
use crate::registry::{ReplayContext, Replayer};
use serde_json::Value;

/// An action that writes no records: `ledger verify` checks everything it
/// did (signatures, keys, checkpoints). Its replay is that it claims no
/// records.
#[derive(Debug, Clone, Copy)]
pub struct LedgerOnly;

impl Replayer for LedgerOnly {
    fn replay(&self, context: &mut ReplayContext<'_>) -> Result<(), ReplayError> {
        if context.entry().outputs.get("records").is_some() {
            let action = context.entry().action;
            context.entry_problem(
                FindingKind::ReplayMismatch,
                format!("a {action} entry writes no records, but this one lists outputs.records"),
            );
        }
        Ok(())
    }
}

/// RECORDS_RECOVERED: record lines no entry accounted for were moved to
/// `outputs.quarantine`, whose bytes must still hash to `outputs.sha256`.
#[derive(Debug, Clone, Copy)]
pub struct RecordsRecoveredReplayer;

impl Replayer for RecordsRecoveredReplayer {
    fn replay(&self, context: &mut ReplayContext<'_>) -> Result<(), ReplayError> {
        let outputs = &context.entry().outputs;
        let path = outputs.get("quarantine").and_then(Value::as_str).map(str::to_owned);
        let sha256 = outputs.get("sha256").and_then(Value::as_str).map(str::to_owned);
        let (Some(path), Some(sha256)) = (path, sha256) else {
            context.entry_problem(
                FindingKind::ReplayMismatch,
                "a RECORDS_RECOVERED entry must record outputs.quarantine and outputs.sha256",
            );
            return Ok(());
        };
        if !inside(&path, "quarantine") {
            context.entry_problem(
                FindingKind::ReplayMismatch,
                format!("outputs.quarantine {path:?} is not a file in quarantine/"),
            );
            return Ok(());
        }
        match std::fs::read(context.root().join(&path)) {
            Ok(bytes) => {
                let found = model::digest::sha256_hex(&bytes);
                if found != sha256 {
                    context.file_problem(Finding::new(
                        FindingKind::AlteredQuarantine,
                        &path,
                        None,
                        format!("the recovered lines hash to {found}, the entry recorded {sha256}"),
                    ));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => context.file_problem(Finding::new(
                FindingKind::MissingQuarantine,
                &path,
                None,
                "the recovered lines the entry recorded are not there",
            )),
            Err(source) => {
                return Err(ReplayError::Io {
                    path: context.root().join(&path),
                    source,
                });
            }
        }
        Ok(())
    }
}
