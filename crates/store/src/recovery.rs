//! Record lines the ledger does not account for: found when a writer opens
//! the store, moved to `quarantine/`, and recorded.

use crate::error::StoreError;
use crate::record_file::RecordFile;
use ledger::{EntryDraft, Ledger};
use model::Action;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// What opening the store repaired in its record files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreRecovery {
    /// Per file: where its unaccounted lines went and how many bytes they were.
    pub quarantined: Vec<(RecordFile, PathBuf, u64)>,
    /// Temporary files of an ingest that was stopped (its raw copy or its
    /// list of rejected lines), removed.
    pub removed_temporaries: Vec<PathBuf>,
}

impl StoreRecovery {
    /// Whether nothing had to be repaired.
    pub fn is_empty(&self) -> bool {
        self.quarantined.is_empty() && self.removed_temporaries.is_empty()
    }
}

/// Removes the temporaries (`.incoming-*`) an ingest leaves in
/// `raw/sha256/` and `quarantine/` when it is killed. Only a writer, holding
/// the store's lock, creates them, so a writer that holds the lock finds
/// only dead ones. Nothing the ledger accounts for is in them (an ingest
/// links them under their final names only just before its entry), so their
/// removal needs no entry.
pub(crate) fn remove_temporaries(root: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let mut removed = Vec::new();
    for dir in [root.join("raw").join("sha256"), root.join("quarantine")] {
        let listing = match fs::read_dir(&dir) {
            Ok(listing) => listing,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(StoreError::Io { path: dir, source: e }),
        };
        let mut temporaries: Vec<PathBuf> = listing
            .filter_map(Result::ok)
            .filter(|entry| entry.file_name().to_string_lossy().starts_with(".incoming-"))
            .map(|entry| entry.path())
            .collect();
        temporaries.sort();
        for path in temporaries {
            fs::remove_file(&path).map_err(StoreError::io(&path))?;
            removed.push(path);
        }
    }
    Ok(removed)
}

/// Lines per record file that the ledger's entries account for.
pub(crate) fn accounted_lines(root: &Path) -> Result<BTreeMap<RecordFile, u64>, StoreError> {
    let mut accounted = BTreeMap::new();
    for read in ledger::reader::read_lines(root, |_| true)? {
        let Ok(entry) = read.entry else { continue };
        let Some(Value::Array(batches)) = entry.outputs.get("records") else {
            continue;
        };
        for batch in batches {
            let file = batch
                .get("file")
                .and_then(Value::as_str)
                .and_then(|f| RecordFile::new(f).ok());
            let first = batch.get("first_line").and_then(Value::as_u64);
            let count = batch.get("count").and_then(Value::as_u64);
            if let (Some(file), Some(first), Some(count)) = (file, first, count) {
                let end = first.saturating_sub(1) + count;
                let known = accounted.entry(file).or_insert(0);
                *known = end.max(*known);
            }
        }
    }
    Ok(accounted)
}

/// Moves every unaccounted tail to quarantine and records each move.
pub(crate) fn repair(
    root: &Path,
    ledger: &mut Ledger,
    accounted: &BTreeMap<RecordFile, u64>,
) -> Result<StoreRecovery, StoreError> {
    let mut recovery = StoreRecovery::default();
    for file in record_files_on_disk(root) {
        let expected = accounted.get(&file).copied().unwrap_or(0);
        let path = file.path(root);
        let (lines, keep_bytes) = count_lines(&path, expected)?;
        let length = fs::metadata(&path).map_err(StoreError::io(&path))?.len();
        if lines < expected {
            return Err(StoreError::MissingRecords {
                file: file.to_string(),
                expected,
                found: lines,
            });
        }
        if length == keep_bytes {
            continue;
        }
        let tail = read_from(&path, keep_bytes)?;
        let digest = model::digest::sha256_hex(&tail);
        let flat = file.as_str().trim_end_matches(".jsonl").replace('/', "-");
        let quarantine_dir = ledger.paths().quarantine();
        fs::create_dir_all(&quarantine_dir).map_err(StoreError::io(&quarantine_dir))?;
        let target = quarantine_dir.join(format!(
            "records-{flat}-from-line-{}-{}.jsonl",
            expected + 1,
            &digest[..16]
        ));
        if !target.exists() {
            let mut out = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&target)
                .map_err(StoreError::io(&target))?;
            out.write_all(&tail).map_err(StoreError::io(&target))?;
            out.sync_all().map_err(StoreError::io(&target))?;
        }
        let handle = OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(StoreError::io(&path))?;
        handle.set_len(keep_bytes).map_err(StoreError::io(&path))?;
        handle.sync_all().map_err(StoreError::io(&path))?;
        let relative = target
            .strip_prefix(root)
            .unwrap_or(&target)
            .to_string_lossy()
            .into_owned();
        ledger.append(
            EntryDraft::new(Action::RecordsRecovered)
                .params(json!({
                    "reason": "record lines without a ledger entry",
                    "file": file.as_str(),
                    "from_line": expected + 1,
                    "bytes": tail.len(),
                }))
                .outputs(json!({"quarantine": relative, "sha256": digest})),
        )?;
        recovery.quarantined.push((file, target, tail.len() as u64));
    }
    Ok(recovery)
}

/// Complete lines in the file, and the byte length of its first `keep` lines.
fn count_lines(path: &Path, keep: u64) -> Result<(u64, u64), StoreError> {
    let file = fs::File::open(path).map_err(StoreError::io(path))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let (mut lines, mut offset, mut keep_bytes) = (0u64, 0u64, 0u64);
    let mut buffer = Vec::new();
    loop {
        buffer.clear();
        let read = reader.read_until(b'\n', &mut buffer).map_err(StoreError::io(path))?;
        if read == 0 || buffer.last() != Some(&b'\n') {
            break;
        }
        lines += 1;
        offset += read as u64;
        if lines == keep {
            keep_bytes = offset;
        }
    }
    Ok((lines, if keep == 0 { 0 } else { keep_bytes }))
}

fn read_from(path: &Path, offset: u64) -> Result<Vec<u8>, StoreError> {
    let bytes = fs::read(path).map_err(StoreError::io(path))?;
    Ok(bytes[offset as usize..].to_vec())
}

/// Every `*.jsonl` record file: in the store root (but the ledger) and one
/// folder down, outside the folders that hold no records.
fn record_files_on_disk(root: &Path) -> Vec<RecordFile> {
    let mut files = Vec::new();
    let mut visit = |dir: &Path, prefix: &str| {
        let Ok(listing) = fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut subdirs = Vec::new();
        for entry in listing.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir {
                subdirs.push(name);
            } else if let Ok(file) = RecordFile::new(&format!("{prefix}{name}")) {
                files.push(file);
            }
        }
        subdirs
    };
    for subdir in visit(root, "") {
        if !matches!(
            subdir.as_str(),
            "quarantine" | "proofs" | "keys" | "checkpoints" | "raw"
        ) {
            visit(&root.join(&subdir), &format!("{subdir}/"));
        }
    }
    files.sort();
    files
}
