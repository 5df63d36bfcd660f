//! [`Store`]: appends records and the ledger entry that accounts for them.

use crate::error::StoreError;
use crate::record_file::RecordFile;
use crate::recovery::{self, StoreRecovery};
use ledger::{AppendedEntry, EntryDraft, InitOptions, Ledger, WriterOptions};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Records to append to one file.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordBatch {
    /// The file.
    pub file: RecordFile,
    /// The records, JSON objects without a `hash` member (sealing adds it).
    pub records: Vec<Value>,
}

/// What was appended to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedBatch {
    /// The file.
    pub file: RecordFile,
    /// The 1-based line of the first record appended.
    pub first_line: u64,
    /// How many records were appended.
    pub count: u64,
    /// RFC 6962 root over the appended records' hashes.
    pub merkle_root: [u8; 32],
}

/// What [`Store::record`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedAction {
    /// The ledger entry.
    pub entry: AppendedEntry,
    /// The record batches it accounts for.
    pub batches: Vec<RecordedBatch>,
}

/// A store open for writing: the ledger and the record files.
#[derive(Debug)]
pub struct Store {
    root: PathBuf,
    ledger: Ledger,
    line_counts: BTreeMap<RecordFile, u64>,
    recovery: StoreRecovery,
    poisoned: bool,
}

impl Store {
    /// Creates a store (see [`Ledger::init`]).
    pub fn init(root: &Path, options: InitOptions) -> Result<Store, StoreError> {
        let ledger = Ledger::init(root, options)?;
        Ok(Store {
            root: root.to_owned(),
            ledger,
            line_counts: BTreeMap::new(),
            recovery: StoreRecovery::default(),
            poisoned: false,
        })
    }

    /// Opens a store for writing: the ledger's own recovery first, then
    /// record lines that no ledger entry accounts for go to quarantine, each
    /// move recorded as RECORDS_RECOVERED, and the temporaries of a stopped
    /// ingest are removed.
    pub fn open(root: &Path, options: WriterOptions) -> Result<Store, StoreError> {
        let mut ledger = Ledger::open(root, options)?;
        let line_counts = recovery::accounted_lines(root)?;
        let mut recovery = recovery::repair(root, &mut ledger, &line_counts)?;
        recovery.removed_temporaries = recovery::remove_temporaries(root)?;
        Ok(Store {
            root: root.to_owned(),
            ledger,
            line_counts,
            recovery,
            poisoned: false,
        })
    }

    /// The ledger, for actions that write no records.
    pub fn ledger(&mut self) -> &mut Ledger {
        &mut self.ledger
    }

    /// What opening had to repair in the record files.
    pub fn recovery(&self) -> &StoreRecovery {
        &self.recovery
    }

    /// Lines of `file` accounted for by the ledger.
    pub fn line_count(&self, file: &RecordFile) -> u64 {
        self.line_counts.get(file).copied().unwrap_or(0)
    }

    /// Seals the records, appends them (one write and one fsync per file),
    /// then appends `draft` with `outputs.records` describing them. Nothing
    /// is written if any record cannot be sealed; if writing fails midway,
    /// the store refuses further writes until it is reopened (and repaired).
    pub fn record(&mut self, draft: EntryDraft, batches: Vec<RecordBatch>) -> Result<RecordedAction, StoreError> {
        self.refuse_if_poisoned()?;
        let mut seen = std::collections::BTreeSet::new();
        if let Some(repeated) = batches.iter().find(|b| !seen.insert(&b.file)) {
            return Err(StoreError::RepeatedFile {
                name: repeated.file.to_string(),
            });
        }
        let mut sealed = Vec::with_capacity(batches.len());
        for batch in batches {
            let file_name = batch.file.to_string();
            let records = batch
                .records
                .into_iter()
                .enumerate()
                .map(|(index, record)| {
                    model::record::seal(record).map_err(|source| StoreError::Record {
                        file: file_name.clone(),
                        index,
                        source,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            sealed.push((batch.file, records));
        }
        let mut recorded = Vec::with_capacity(sealed.len());
        for (file, records) in sealed {
            let first_line = self.line_count(&file) + 1;
            if let Err(error) = append_lines(&self.root, &file, &records) {
                self.poisoned = true;
                return Err(error);
            }
            let mut tree = tlog::TreeBuilder::new();
            for record in &records {
                tree.push(tlog::leaf_hash(&record.hash));
            }
            recorded.push(RecordedBatch {
                file,
                first_line,
                count: records.len() as u64,
                merkle_root: tree.root(),
            });
        }
        self.commit_entry(draft, recorded)
    }

    /// Appends `draft` with `outputs.records` describing `recorded`: the
    /// step that makes appended records count.
    pub(crate) fn commit_entry(
        &mut self,
        mut draft: EntryDraft,
        recorded: Vec<RecordedBatch>,
    ) -> Result<RecordedAction, StoreError> {
        let descriptions: Vec<Value> = recorded
            .iter()
            .map(|batch| {
                json!({
                    "file": batch.file.as_str(),
                    "first_line": batch.first_line,
                    "count": batch.count,
                    "merkle_root": hex::encode(batch.merkle_root),
                })
            })
            .collect();
        draft.outputs.insert("records".to_owned(), Value::Array(descriptions));
        let entry = match self.ledger.append(draft) {
            Ok(entry) => entry,
            Err(error) => {
                self.poisoned = true;
                return Err(error.into());
            }
        };
        for batch in &recorded {
            self.line_counts
                .insert(batch.file.clone(), batch.first_line - 1 + batch.count);
        }
        Ok(RecordedAction {
            entry,
            batches: recorded,
        })
    }

    pub(crate) fn refuse_if_poisoned(&self) -> Result<(), StoreError> {
        if self.poisoned {
            return Err(StoreError::Io {
                path: self.root.clone(),
                source: std::io::Error::other("an earlier write failed; reopen the store so that recovery can run"),
            });
        }
        Ok(())
    }

    pub(crate) fn poison(&mut self) {
        self.poisoned = true;
    }

    /// The store's folder.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

fn append_lines(root: &Path, file: &RecordFile, records: &[model::record::SealedRecord]) -> Result<(), StoreError> {
    let path = file.path(root);
    let dir = path.parent().unwrap_or(root).to_owned();
    fs::create_dir_all(&dir).map_err(StoreError::io(&dir))?;
    let created = !path.exists();
    let mut buffer = Vec::with_capacity(records.iter().map(|r| r.line.len() + 1).sum());
    for record in records {
        buffer.extend_from_slice(record.line.as_bytes());
        buffer.push(b'\n');
    }
    let mut handle = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(StoreError::io(&path))?;
    handle.write_all(&buffer).map_err(StoreError::io(&path))?;
    handle.sync_data().map_err(StoreError::io(&path))?;
    if created {
        fs::File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(StoreError::io(&dir))?;
    }
    Ok(())
}
