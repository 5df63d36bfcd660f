//! Stored records against what the ledger says of them: against the records
//! replay rebuilds, line by line ([`RebuiltRecords`]), or, for an entry that
//! is not replayed, against their own hashes and the Merkle root the entry
//! recorded ([`check_without_replay`]).
//!
//! One stream per file runs across all the entries that wrote to it, so a
//! line dropped early shifts nothing for the entries after it: the
//! comparison resynchronises with one line of look-ahead on each side and
//! names the one line that is missing, extra or swapped.

use crate::error::ReplayError;
use crate::finding::{Finding, FindingKind, RecordNoun};
use crate::stored::{StoredLine, StoredStream};
use model::claims::RecordClaim;
use model::record::RecordError;
use rayon::prelude::*;
use serde_json::Value;
use tlog::{Hash, TreeBuilder};

/// Findings about one file given in detail; past this, they are counted.
const DETAILED_PER_FILE: usize = 50;
/// Lines checked together on every core when not replaying.
const CHECK_BATCH: usize = 8192;

/// The findings about one record file: runs of missing or extra lines
/// become one finding each, and past [`DETAILED_PER_FILE`] they are counted
/// rather than listed.
#[derive(Debug)]
pub struct FileFindings {
    file: String,
    noun: RecordNoun,
    detailed: Vec<Finding>,
    run: Option<Run>,
    more: u64,
    first_more: Option<u64>,
}

/// Consecutive missing (or extra) lines, reported as one finding.
#[derive(Debug)]
struct Run {
    kind: FindingKind,
    line: u64,
    seq: Option<u64>,
    count: u64,
}

impl FileFindings {
    /// No findings yet about `file`.
    pub fn new(file: &str) -> Self {
        FileFindings {
            file: file.to_owned(),
            noun: RecordNoun::of_file(file),
            detailed: Vec::new(),
            run: None,
            more: 0,
            first_more: None,
        }
    }

    /// The file's name.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The kind of record the file holds.
    pub fn noun(&self) -> RecordNoun {
        self.noun
    }

    /// Number of findings so far (runs count once).
    pub fn count(&self) -> u64 {
        self.detailed.len() as u64 + u64::from(self.run.is_some()) + self.more
    }

    /// Records one missing record, expected at `line` of the stored file.
    pub fn missing(&mut self, line: u64, seq: Option<u64>) {
        self.extend_run(FindingKind::Missing(self.noun), line, seq, 0);
    }

    /// Records one extra line at `line`.
    pub fn extra(&mut self, line: u64, seq: Option<u64>) {
        self.extend_run(FindingKind::ExtraRecord, line, seq, 1);
    }

    /// A run continues when the kind and entry are the same and the line is
    /// where the run says the next one is (`step` lines on per item).
    fn extend_run(&mut self, kind: FindingKind, line: u64, seq: Option<u64>, step: u64) {
        if let Some(run) = &mut self.run
            && run.kind == kind
            && run.seq == seq
            && run.line + run.count * step == line
        {
            run.count += 1;
            return;
        }
        self.close_run();
        self.run = Some(Run {
            kind,
            line,
            seq,
            count: 1,
        });
    }

    fn close_run(&mut self) {
        let Some(run) = self.run.take() else { return };
        let noun = self.noun_text();
        let message = match (run.kind, run.count) {
            (FindingKind::ExtraRecord, 1) => "a line no ledger entry accounts for".to_owned(),
            (FindingKind::ExtraRecord, n) => format!("{n} lines from here on that no ledger entry accounts for"),
            (_, 1) => format!("the {noun} the ledger accounts for here is not in the file"),
            (_, n) => format!("{n} {noun}s the ledger accounts for from here on are not in the file"),
        };
        let mut finding = Finding::new(run.kind, &self.file, Some(run.line), message);
        finding.seq = run.seq;
        self.push(finding);
    }

    /// Records a finding.
    pub fn push(&mut self, finding: Finding) {
        if self.run.is_some() {
            self.close_run();
        }
        if self.detailed.len() < DETAILED_PER_FILE {
            self.detailed.push(finding);
        } else {
            self.first_more.get_or_insert(finding.line.unwrap_or(0));
            self.more += 1;
        }
    }

    fn noun_text(&self) -> &'static str {
        match self.noun {
            RecordNoun::Event => "event",
            RecordNoun::Identity => "identity",
            RecordNoun::Baseline => "baseline",
            RecordNoun::Record => "record",
        }
    }

    /// All findings, the counted ones summed up in a last finding.
    pub fn finish(mut self) -> Vec<Finding> {
        self.close_run();
        if self.more > 0 {
            self.detailed.push(Finding::new(
                FindingKind::ReplayMismatch,
                &self.file,
                self.first_more,
                format!(
                    "{} more differences in this file from here on (only the first {DETAILED_PER_FILE} are detailed)",
                    self.more
                ),
            ));
        }
        self.detailed
    }
}

/// Whether a stored line is exactly a rebuilt record.
fn same(stored: Option<&StoredLine>, rebuilt: &[u8]) -> bool {
    stored.is_some_and(|line| !line.torn && line.bytes == rebuilt)
}

/// One record file as the walk through the ledger has reached it.
#[derive(Debug)]
pub struct FileCheck {
    /// The stored lines, read forward.
    pub stream: StoredStream,
    /// What was found so far.
    pub findings: FileFindings,
    /// The line the next entry should start at, by the ledger's accounts.
    pub accounted_to: u64,
    /// Entries that wrote to it.
    pub entries: u64,
    /// A rebuilt record that differs from the next stored line, held until
    /// the record after it (perhaps the next entry's first) shows whether a
    /// line is missing, extra or swapped.
    held: Option<Held>,
}

#[derive(Debug)]
struct Held {
    record: Vec<u8>,
    seq: u64,
}

impl FileCheck {
    /// Starts checking `file` of the store at `root`.
    pub fn open(root: &std::path::Path, file: &str) -> Result<FileCheck, ReplayError> {
        Ok(FileCheck {
            stream: StoredStream::open(root, file)?,
            findings: FileFindings::new(file),
            accounted_to: 1,
            entries: 0,
            held: None,
        })
    }

    /// Compares the next rebuilt record of the entry at `seq` with the stored lines.
    fn push(&mut self, record: &[u8], seq: u64) -> Result<(), ReplayError> {
        if let Some(held) = self.held.take() {
            let first_is_this = same(self.stream.peek(0)?, record);
            let second_is_held = same(self.stream.peek(1)?, &held.record);
            let at = self.stream.position();
            if first_is_this && second_is_held {
                self.findings.push(
                    Finding::new(
                        FindingKind::ReorderedRecords,
                        self.findings.file(),
                        Some(at),
                        format!("lines {at} and {} are stored in each other's place", at + 1),
                    )
                    .at_seq(held.seq),
                );
                self.stream.advance()?;
                self.stream.advance()?;
                return Ok(());
            }
            if first_is_this {
                self.findings.missing(at, Some(held.seq));
                self.stream.advance()?;
                return Ok(());
            }
            self.settle(held)?;
        }
        match self.stream.peek(0)? {
            None => self.findings.missing(self.stream.position(), Some(seq)),
            Some(line) if !line.torn && line.bytes == record => {
                self.stream.advance()?;
            }
            Some(_) => {
                self.held = Some(Held {
                    record: record.to_vec(),
                    seq,
                })
            }
        }
        Ok(())
    }

    /// Settles a held record with what follows it in the file alone (the
    /// next entry does not rebuild, or there is none).
    pub fn settle_held(&mut self) -> Result<(), ReplayError> {
        match self.held.take() {
            Some(held) => self.settle(held),
            None => Ok(()),
        }
    }

    /// A held record that is not simply missing: either the stored line
    /// before it is extra, or the stored line is a different record.
    fn settle(&mut self, held: Held) -> Result<(), ReplayError> {
        let at = self.stream.position();
        if self.stream.peek(0)?.is_none() {
            self.findings.missing(at, Some(held.seq));
            return Ok(());
        }
        if same(self.stream.peek(1)?, &held.record) {
            self.findings.extra(at, Some(held.seq));
            self.stream.advance()?;
            self.stream.advance()?;
            return Ok(());
        }
        let stored = self.stream.peek(0)?.expect("peeked above").clone();
        let finding = differing_record(self.findings.noun(), self.findings.file(), &stored, &held.record);
        self.findings.push(finding.at_seq(held.seq));
        self.stream.advance()?;
        Ok(())
    }
}

/// The records an entry's replay rebuilds, compared one by one with the
/// stored file as they come.
#[derive(Debug)]
pub struct RebuiltRecords<'a> {
    /// `None` when the entry accounts for no records in the file: they
    /// are then only counted and hashed.
    check: Option<&'a mut FileCheck>,
    seq: u64,
    tree: TreeBuilder,
}

impl<'a> RebuiltRecords<'a> {
    /// Starts comparing the records of the entry at `seq` from the file's
    /// current line.
    pub fn new(check: &'a mut FileCheck, seq: u64) -> Self {
        RebuiltRecords {
            check: Some(check),
            seq,
            tree: TreeBuilder::new(),
        }
    }

    /// Records compared with nothing: only counted and hashed.
    pub fn detached() -> Self {
        RebuiltRecords {
            check: None,
            seq: 0,
            tree: TreeBuilder::new(),
        }
    }

    /// The next rebuilt record (its line without the newline) and its Merkle leaf hash.
    pub fn push(&mut self, record: &[u8], leaf: Hash) -> Result<(), ReplayError> {
        self.tree.push(leaf);
        match &mut self.check {
            Some(check) => check.push(record, self.seq),
            None => Ok(()),
        }
    }

    /// Ends the entry's records; returns how many were rebuilt and their
    /// Merkle root.
    pub fn finish(self) -> (u64, Hash) {
        (self.tree.size(), self.tree.root())
    }
}

/// What is wrong with a stored line that is not the rebuilt record: first
/// whether it is sound on its own, then which field differs.
fn differing_record(noun: RecordNoun, file: &str, stored: &StoredLine, rebuilt: &[u8]) -> Finding {
    let own = own_problem(stored);
    let (kind, mut message) = match &own {
        Some(problem) => (FindingKind::Altered(noun), problem.clone()),
        None => (
            FindingKind::ReplayMismatch,
            "the stored record is sound on its own but differs from the one replay rebuilds".to_owned(),
        ),
    };
    let finding = Finding::new(kind, file, Some(stored.number), String::new());
    let stored_value = serde_json::from_slice::<Value>(&stored.bytes).ok();
    let rebuilt_value = serde_json::from_slice::<Value>(rebuilt).ok();
    let finding = match (stored_value, rebuilt_value) {
        (Some(Value::Object(stored)), Some(Value::Object(rebuilt))) => {
            let differing = differing_fields(&stored, &rebuilt);
            if differing.len() > 1 {
                let names: Vec<&str> = differing.iter().map(|(name, _, _)| name.as_str()).collect();
                message.push_str(&format!("; fields that differ: {}", names.join(", ")));
            }
            match differing.into_iter().next() {
                Some((field, stored, rebuilt)) => {
                    let show = |value: Option<&Value>| value.map_or_else(|| "(absent)".to_owned(), Value::to_string);
                    finding.with_difference(field, show(stored), show(rebuilt))
                }
                None => finding,
            }
        }
        _ => finding,
    };
    Finding { message, ..finding }
}

/// A field that differs: its path (`stats.median` inside an object) and
/// its stored and rebuilt values.
type Difference<'a> = (String, Option<&'a Value>, Option<&'a Value>);

/// Fields whose values differ, down to the member of a nested object,
/// content fields first: `id` and `hash` are derived from the others, so
/// they differ whenever the content does.
fn differing_fields<'a>(
    stored: &'a serde_json::Map<String, Value>,
    rebuilt: &'a serde_json::Map<String, Value>,
) -> Vec<Difference<'a>> {
    let mut differing = Vec::new();
    differing_members("", stored, rebuilt, &mut differing);
    let (derived, content): (Vec<Difference<'a>>, Vec<Difference<'a>>) = differing
        .into_iter()
        .partition(|(path, _, _)| matches!(path.as_str(), "id" | "hash"));
    content.into_iter().chain(derived).collect()
}

fn differing_members<'a>(
    prefix: &str,
    stored: &'a serde_json::Map<String, Value>,
    rebuilt: &'a serde_json::Map<String, Value>,
    out: &mut Vec<Difference<'a>>,
) {
    let mut keys: Vec<&String> = stored.keys().chain(rebuilt.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let (a, b) = (stored.get(key), rebuilt.get(key));
        if a == b {
            continue;
        }
        let path = format!("{prefix}{key}");
        match (a, b) {
            (Some(Value::Object(a)), Some(Value::Object(b))) => differing_members(&format!("{path}."), a, b, out),
            _ => out.push((path, a, b)),
        }
    }
}

/// A stored line's hash if it is a sound record on its own, or why it is not.
fn check_stored(stored: &StoredLine) -> Result<[u8; 32], String> {
    if stored.torn {
        return Err("the line has no newline at its end (the file was cut)".into());
    }
    let text = std::str::from_utf8(&stored.bytes).map_err(|_| "the line is not UTF-8".to_owned())?;
    model::record::check_line(text).map_err(|e| describe(&e))
}

/// Why a stored line is not a sound record on its own, if it is not.
fn own_problem(stored: &StoredLine) -> Option<String> {
    check_stored(stored).err()
}

fn describe(error: &RecordError) -> String {
    match error {
        RecordError::HashMismatch { stored, computed } => {
            format!("its `hash` is {stored} but its content hashes to {computed}")
        }
        other => other.to_string(),
    }
}

/// Checks an entry's records without replaying it: each line sound on its
/// own, the count, and the Merkle root the entry recorded.
pub fn check_without_replay(check: &mut FileCheck, claim: &RecordClaim, seq: u64) -> Result<(), ReplayError> {
    check.settle_held()?;
    let FileCheck { stream, findings, .. } = check;
    let before = findings.count();
    let mut tree = TreeBuilder::new();
    let mut remaining = claim.count;
    let mut batch: Vec<StoredLine> = Vec::with_capacity(CHECK_BATCH);
    while remaining > 0 {
        batch.clear();
        while (batch.len() as u64) < remaining.min(CHECK_BATCH as u64) {
            match stream.peek(0)? {
                Some(line) => batch.push(line.clone()),
                None => break,
            }
            stream.advance()?;
        }
        if batch.is_empty() {
            for _ in 0..remaining {
                findings.missing(stream.position(), Some(seq));
            }
            break;
        }
        remaining -= batch.len() as u64;
        let checked: Vec<(Hash, Option<String>)> = batch
            .par_iter()
            .map(|line| match check_stored(line) {
                Ok(hash) => (tlog::leaf_hash(&hash), None),
                Err(problem) => (tlog::leaf_hash(&model::digest::sha256(&line.bytes)), Some(problem)),
            })
            .collect();
        for (line, (leaf, problem)) in batch.iter().zip(checked) {
            tree.push(leaf);
            if let Some(problem) = problem {
                findings.push(
                    Finding::new(
                        FindingKind::Altered(findings.noun()),
                        findings.file(),
                        Some(line.number),
                        problem,
                    )
                    .at_seq(seq),
                );
            }
        }
    }
    // A root mismatch is news only when no line was found wrong.
    if findings.count() == before && tree.root() != claim.merkle_root {
        findings.push(
            Finding::new(
                FindingKind::RecordsRootMismatch,
                findings.file(),
                Some(claim.first_line),
                format!(
                    "the {} records from line {} are each sound but their Merkle root is not the one the entry recorded: a record was changed together with its own hash, or records were dropped or reordered (replay names which)",
                    claim.count, claim.first_line
                ),
            )
            .at_seq(seq),
        );
    }
    Ok(())
}
