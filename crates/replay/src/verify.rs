//! The validator's run: the ledger checks, then every entry in ledger order
//! through its replayer, then whatever no entry accounts for.

use crate::compare::FileCheck;
use crate::error::ReplayError;
use crate::finding::{Finding, FindingKind};
use crate::registry::{Registry, ReplayContext, Tally};
use crate::report::{ActionTally, FileSummary, LedgerSummary, ReplaySummary, StoreReport};
use crate::stored::record_files_on_disk;
use ledger::{LedgerReport, VerifyOptions};
use model::Action;
use model::claims::{RecordClaim, record_claims};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What the validator trusts and how it works.
#[derive(Debug, Default)]
pub struct ReplayOptions {
    /// The ledger checks' options: trusted verifier keys, checkpoints kept
    /// outside the store, signature checking, progress.
    pub ledger: VerifyOptions,
    /// The replayers; [`Registry::standard`] when `None`.
    pub registry: Option<Registry>,
}

/// Verifies the store at `root`: the ledger, every record file, and the
/// replay of every entry. An `Err` means the store could not be read at all;
/// every problem with its content is a [`Finding`] in the report.
pub fn verify_store(root: &Path, options: &ReplayOptions) -> Result<StoreReport, ReplayError> {
    let ledger_report = ledger::verify_ledger(root, &options.ledger)?;
    let standard;
    let registry = match &options.registry {
        Some(registry) => registry,
        None => {
            standard = Registry::standard();
            &standard
        }
    };
    let from_seq = trusted_prefix(&ledger_report, &options.ledger);
    let lines = match ledger::reader::read_lines(root, |_| true) {
        Ok(lines) => lines,
        Err(ledger::LedgerError::NotAStore { .. }) => Vec::new(),
        Err(e) => return Err(e.into()),
    };

    let mut files: BTreeMap<String, FileCheck> = BTreeMap::new();
    let mut findings: Vec<Finding> = Vec::new();
    let mut tally = Tally::default();
    let mut actions: BTreeMap<Action, ActionTally> = BTreeMap::new();
    let mut referenced: BTreeSet<String> = BTreeSet::new();
    for read in &lines {
        // A line that does not parse is a ledger finding already.
        let Ok(entry) = &read.entry else { continue };
        referenced.extend(referenced_files(entry));
        let claims = claims_of(entry, read.line, &mut findings);
        let counts = actions.entry(entry.action).or_insert(ActionTally {
            action: entry.action,
            replayed: 0,
            trusted: 0,
            unreplayable: 0,
        });
        let mut context = ReplayContext::new(root, entry, read.line, claims, &mut files, &mut findings, &mut tally);
        if entry.seq < from_seq {
            counts.trusted += 1;
        } else if let Some(replayer) = registry.get(entry.action) {
            counts.replayed += 1;
            replayer.replay(&mut context)?;
        } else {
            counts.unreplayable += 1;
            context.entry_problem(
                FindingKind::UnreplayableAction,
                format!(
                    "no replayer rebuilds {} entries: what it recorded was checked against its hashes and Merkle roots only",
                    entry.action
                ),
            );
        }
        context.check_remaining_without_replay()?;
    }

    let mut summaries = Vec::new();
    for file in record_files_on_disk(root) {
        if let std::collections::btree_map::Entry::Vacant(vacant) = files.entry(file) {
            let check = FileCheck::open(root, vacant.key())?;
            vacant.insert(check);
        }
    }
    for (file, mut state) in files {
        state.settle_held()?;
        while state.stream.peek(0)?.is_some() {
            let at = state.stream.position();
            state.stream.advance()?;
            state.findings.extra(at, None);
        }
        findings.extend(state.findings.finish());
        summaries.push(FileSummary {
            file,
            accounted_lines: state.accounted_to - 1,
            entries: state.entries,
        });
    }

    findings.extend(ledger_report.findings.iter().cloned().map(Finding::from));
    findings.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    let mut limits = ledger_report.limits.clone();
    if from_seq > 0 {
        limits.push(format!(
            "entries 0 to {} were not replayed: the trusted checkpoint of size {from_seq} stands for them; their records were checked against their own hashes and recorded Merkle roots, and their raw files were not read again",
            from_seq - 1
        ));
    }
    limits.extend(unreferenced_files(root, &referenced));
    let verdict = if findings.is_empty() {
        "VERIFIED"
    } else {
        "PROBLEMS_FOUND"
    };
    Ok(StoreReport {
        verdict,
        ledger: LedgerSummary {
            entries: ledger_report.entries,
            root: ledger_report.root.clone(),
            trust: ledger_report.trust.clone(),
            signatures_verified: ledger_report.signatures_verified,
            checkpoints: ledger_report.checkpoints.clone(),
            writer_active: ledger_report.writer_active,
        },
        replay: ReplaySummary {
            from_seq,
            actions: actions.into_values().collect(),
            records_rebuilt: tally.records_rebuilt,
            records_checked_without_replay: tally.records_checked,
            raw_files: tally.raw_files,
            raw_bytes: tally.raw_bytes,
        },
        files: summaries,
        findings,
        limits,
    })
}

/// The size of the largest checkpoint kept outside the store that verified
/// (0 when none): the entries it covers are trusted, not replayed.
fn trusted_prefix(report: &LedgerReport, options: &VerifyOptions) -> u64 {
    options
        .outside_checkpoints
        .iter()
        .filter(|(label, _)| !report.findings.iter().any(|f| &f.file == label))
        .filter_map(|(_, text)| tlog::Checkpoint::peek_unverified(text).map(|c| c.size))
        .filter(|size| *size <= report.entries)
        .max()
        .unwrap_or(0)
}

/// The entry's record claims with sound file names; problems with them are
/// findings on the entry.
fn claims_of(entry: &model::LedgerEntry, line: u64, findings: &mut Vec<Finding>) -> Vec<RecordClaim> {
    let problem = |message: String| {
        Finding::new(FindingKind::ReplayMismatch, "ledger.jsonl", Some(line), message).at_seq(entry.seq)
    };
    match record_claims(entry) {
        Ok(claims) => claims
            .into_iter()
            .filter(|claim| {
                let sound = is_record_file_name(&claim.file);
                if !sound {
                    findings.push(problem(format!(
                        "{}.file {:?} is not a record file of the store",
                        claim.field, claim.file
                    )));
                }
                sound
            })
            .collect(),
        Err(message) => {
            findings.push(problem(message));
            Vec::new()
        }
    }
}

/// `/`-separated segments of `[a-z0-9_-]`, ending in `.jsonl`, not the ledger.
fn is_record_file_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".jsonl") else {
        return false;
    };
    name != "ledger.jsonl"
        && stem.split('/').all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        })
}

/// The raw and quarantine files an entry names.
fn referenced_files(entry: &model::LedgerEntry) -> Vec<String> {
    let named = |section: &serde_json::Map<String, Value>, key: &str| {
        section.get(key).and_then(Value::as_str).map(str::to_owned)
    };
    [named(&entry.inputs, "raw"), named(&entry.outputs, "quarantine")]
        .into_iter()
        .flatten()
        .collect()
}

/// Files in `raw/sha256/` and `quarantine/` that no readable entry names:
/// an ingest stopped between archiving its file and recording its entry
/// leaves one; nothing relies on them.
fn unreferenced_files(root: &Path, referenced: &BTreeSet<String>) -> Vec<String> {
    let mut notes = Vec::new();
    for folder in ["raw/sha256", "quarantine"] {
        let Ok(listing) = std::fs::read_dir(root.join(folder)) else {
            continue;
        };
        let mut names: Vec<String> = listing
            .filter_map(Result::ok)
            .map(|entry| format!("{folder}/{}", entry.file_name().to_string_lossy()))
            .filter(|name| !referenced.contains(name))
            .collect();
        names.sort();
        for name in names {
            notes.push(format!(
                "{name} is named by no entry, so nothing vouches for it and nothing relies on it (an ingest or recovery stopped before its entry leaves such a file)"
            ));
        }
    }
    notes
}
