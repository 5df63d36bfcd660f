//! The replay framework: one [`Replayer`] per action kind, and the
//! [`ReplayContext`] through which a replayer compares what it rebuilds
//! with what the store holds and the entry recorded. Adding an action means
//! adding a replayer to [`Registry::standard`]; nothing else changes. An
//! action without one is reported (UNREPLAYABLE_ACTION), never skipped.

use crate::compare::{FileCheck, RebuiltRecords, check_without_replay};
use crate::error::ReplayError;
use crate::finding::{Finding, FindingKind};
use model::claims::RecordClaim;
use model::{Action, LedgerEntry};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::io::BufRead;
use std::path::Path;

/// Rebuilds what one kind of action produced and compares it.
pub trait Replayer: Send + Sync {
    /// Re-runs the entry's action from its recorded inputs and parameters,
    /// comparing everything it rebuilds through `context`.
    fn replay(&self, context: &mut ReplayContext<'_>) -> Result<(), ReplayError>;
}

/// The replayers, by action.
pub struct Registry {
    replayers: BTreeMap<Action, Box<dyn Replayer>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.replayers.keys()).finish()
    }
}

impl Registry {
    /// No replayers.
    pub fn empty() -> Self {
        Registry {
            replayers: BTreeMap::new(),
        }
    }

    /// Every replayer driftledger has.
    pub fn standard() -> Self {
        use crate::replayers::{
            DeltaReplayer, ExportReplayer, IngestReplayer, LedgerOnly, ProfileReplayer, RecordsRecoveredReplayer,
            ReportReplayer, ScoringReplayer, SummaryReplayer, TrainingReplayer,
        };
        let mut registry = Registry::empty();
        for action in [
            Action::LedgerInitialized,
            Action::KeyAdded,
            Action::KeyRetired,
            Action::LedgerRecovered,
            Action::CheckpointSigned,
            Action::ValidationRun,
            Action::Note,
        ] {
            registry.register(action, Box::new(LedgerOnly));
        }
        registry.register(Action::EventsIngested, Box::new(IngestReplayer));
        registry.register(Action::IdentitiesRegistered, Box::new(IngestReplayer));
        registry.register(Action::RecordsRecovered, Box::new(RecordsRecoveredReplayer));
        registry.register(Action::BaselineTrained, Box::new(TrainingReplayer));
        registry.register(Action::ScoresComputed, Box::new(ScoringReplayer));
        registry.register(Action::ReportBuilt, Box::new(ReportReplayer));
        registry.register(Action::ProfileBuilt, Box::new(ProfileReplayer));
        registry.register(Action::UbaDeltaComputed, Box::new(DeltaReplayer));
        registry.register(Action::UbaDeltaSummaryBuilt, Box::new(SummaryReplayer));
        registry.register(Action::UbaDeltaExported, Box::new(ExportReplayer));
        registry
    }

    /// Makes `replayer` the one for `action`.
    pub fn register(&mut self, action: Action, replayer: Box<dyn Replayer>) {
        self.replayers.insert(action, replayer);
    }

    /// Removes the replayer for `action`: its entries are then reported as
    /// unreplayable.
    pub fn unregister(&mut self, action: Action) {
        self.replayers.remove(&action);
    }

    /// The replayer for `action`, if there is one.
    pub fn get(&self, action: Action) -> Option<&dyn Replayer> {
        self.replayers.get(&action).map(Box::as_ref)
    }
}

/// Totals the report gives.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub records_rebuilt: u64,
    pub records_checked: u64,
    pub raw_files: u64,
    pub raw_bytes: u64,
}

/// What a replayer works with: the entry, the store, and the comparisons.
#[derive(Debug)]
pub struct ReplayContext<'r> {
    root: &'r Path,
    entry: &'r LedgerEntry,
    line: u64,
    claims: Vec<(RecordClaim, bool)>,
    files: &'r mut BTreeMap<String, FileCheck>,
    findings: &'r mut Vec<Finding>,
    tally: &'r mut Tally,
}

impl<'r> ReplayContext<'r> {
    pub(crate) fn new(
        root: &'r Path,
        entry: &'r LedgerEntry,
        line: u64,
        claims: Vec<RecordClaim>,
        files: &'r mut BTreeMap<String, FileCheck>,
        findings: &'r mut Vec<Finding>,
        tally: &'r mut Tally,
    ) -> Self {
        ReplayContext {
            root,
            entry,
            line,
            claims: claims.into_iter().map(|claim| (claim, false)).collect(),
            files,
            findings,
            tally,
        }
    }

    /// The store's folder.
    pub fn root(&self) -> &Path {
        self.root
    }

    /// The entry being replayed.
    pub fn entry(&self) -> &LedgerEntry {
        self.entry
    }

    /// Reports a problem with the entry itself, at its ledger line.
    pub fn entry_problem(&mut self, kind: FindingKind, message: impl Into<String>) {
        self.findings
            .push(Finding::new(kind, "ledger.jsonl", Some(self.line), message).at_seq(self.entry.seq));
    }

    /// Reports a problem with another file.
    pub fn file_problem(&mut self, finding: Finding) {
        self.findings.push(finding.at_seq(self.entry.seq));
    }

    /// Compares a field of the entry (`outputs.events`, …) with the value
    /// replay rebuilt for it.
    pub fn check_field(&mut self, field: &str, recorded: Option<&Value>, rebuilt: &Value) {
        // Compared as the canonical bytes they are signed as: 7 read back
        // from the ledger is the 7.0 replay computes.
        let canonical = |value: &Value| model::canonical::canonicalize_value(value).ok();
        let same = match recorded {
            Some(recorded) => {
                recorded == rebuilt || (canonical(recorded).is_some() && canonical(recorded) == canonical(rebuilt))
            }
            None => false,
        };
        if same {
            return;
        }
        let stored = recorded.map_or_else(|| "(absent)".to_owned(), Value::to_string);
        let finding = Finding::new(
            FindingKind::ReplayMismatch,
            "ledger.jsonl",
            Some(self.line),
            format!("the entry records {stored} for {field} but replay gives {rebuilt}"),
        )
        .at_seq(self.entry.seq)
        .with_difference(field, stored, rebuilt.to_string());
        self.findings.push(finding);
    }

    /// Starts comparing the records replay rebuilds for `file` with the
    /// stored ones the entry accounts for.
    pub fn rebuild_records(&mut self, file: &str) -> Result<RebuiltRecords<'_>, ReplayError> {
        let seq = self.entry.seq;
        let Some(index) = self.claims.iter().position(|(claim, _)| claim.file == file) else {
            return Ok(RebuiltRecords::detached());
        };
        self.claims[index].1 = true;
        let claim = self.claims[index].0.clone();
        let state = self.file_state(&claim)?;
        Ok(RebuiltRecords::new(state, seq))
    }

    /// Compares the count and Merkle root of the records replay rebuilt for
    /// `file` with the ones the entry recorded.
    pub fn check_rebuilt(&mut self, file: &str, count: u64, root: [u8; 32]) {
        self.tally.records_rebuilt += count;
        let claim = self
            .claims
            .iter()
            .find(|(claim, _)| claim.file == file)
            .map(|(c, _)| c.clone());
        match claim {
            None if count == 0 => {}
            None => self.entry_problem(
                FindingKind::ReplayMismatch,
                format!("replay writes {count} records to {file} but the entry records none there"),
            ),
            Some(claim) => {
                self.check_field(
                    &format!("{}.count", claim.field),
                    Some(&Value::from(claim.count)),
                    &Value::from(count),
                );
                self.check_field(
                    &format!("{}.merkle_root", claim.field),
                    Some(&Value::from(hex::encode(claim.merkle_root))),
                    &Value::from(hex::encode(root)),
                );
            }
        }
    }

    /// Checks every record claim the replayer did not rebuild against the
    /// records' own hashes and the recorded Merkle root.
    pub fn check_remaining_without_replay(&mut self) -> Result<(), ReplayError> {
        let seq = self.entry.seq;
        for index in 0..self.claims.len() {
            if self.claims[index].1 {
                continue;
            }
            self.claims[index].1 = true;
            let claim = self.claims[index].0.clone();
            self.tally.records_checked += claim.count;
            let state = self.file_state(&claim)?;
            check_without_replay(state, &claim, seq)?;
        }
        Ok(())
    }

    /// Counts a raw file read for replay.
    pub fn count_raw(&mut self, bytes: u64) {
        self.tally.raw_files += 1;
        self.tally.raw_bytes += bytes;
    }

    /// The `identity_id`s of the identities registered before this entry:
    /// the lines of `identities.jsonl` the ledger accounts for so far.
    pub fn registered_identities(&self) -> Result<HashSet<String>, ReplayError> {
        let accounted = self
            .files
            .get("identities.jsonl")
            .map_or(0, |state| state.accounted_to - 1);
        let path = self.root.join("identities.jsonl");
        let file = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashSet::new()),
            Err(source) => return Err(ReplayError::Io { path, source }),
        };
        let mut known = HashSet::new();
        // A damaged line is a finding of the record checks; here it only
        // registers nothing.
        for line in std::io::BufReader::new(file).split(b'\n').take(accounted as usize) {
            let line = line.map_err(|source| ReplayError::Io {
                path: path.clone(),
                source,
            })?;
            if let Some(id) = serde_json::from_slice::<Value>(&line)
                .ok()
                .and_then(|record| record.get("identity_id").and_then(Value::as_str).map(str::to_owned))
            {
                known.insert(id);
            }
        }
        Ok(known)
    }

    /// The file's state, its stream brought to where `claim` starts: lines
    /// between the ledger's accounts and the claim are extra; a claim that
    /// overlaps earlier ones is a problem of the entry.
    fn file_state(&mut self, claim: &RecordClaim) -> Result<&mut FileCheck, ReplayError> {
        if !self.files.contains_key(&claim.file) {
            self.files
                .insert(claim.file.clone(), FileCheck::open(self.root, &claim.file)?);
        }
        let (line, seq) = (self.line, self.entry.seq);
        let state = self.files.get_mut(&claim.file).expect("inserted above");
        state.entries += 1;
        if claim.first_line > state.accounted_to {
            // Lines no readable entry accounts for (an entry that does not
            // parse, or lines slipped in between two entries).
            state.settle_held()?;
            for _ in state.accounted_to..claim.first_line {
                let at = state.stream.position();
                if state.stream.advance()? {
                    state.findings.extra(at, None);
                }
            }
        } else if claim.first_line < state.accounted_to {
            self.findings.push(
                Finding::new(
                    FindingKind::ReplayMismatch,
                    "ledger.jsonl",
                    Some(line),
                    format!(
                        "{}.first_line is {} but earlier entries already account for {} up to line {}",
                        claim.field,
                        claim.first_line,
                        claim.file,
                        state.accounted_to - 1
                    ),
                )
                .at_seq(seq),
            );
        }
        state.accounted_to = state.accounted_to.max(claim.end_line());
        Ok(state)
    }
}
