//! The record files as stored, read front to back a line at a time with a
//! short look-ahead, so that a comparison can tell a missing line from an
//! extra one without holding a file in memory.

use crate::error::ReplayError;
use std::collections::VecDeque;
use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// One stored line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLine {
    /// 1-based line number in its file.
    pub number: u64,
    /// The line's bytes, without the newline.
    pub bytes: Vec<u8>,
    /// Whether the file ended before the line's newline.
    pub torn: bool,
}

/// A record file, read forward.
#[derive(Debug)]
pub struct StoredStream {
    path: PathBuf,
    reader: Option<BufReader<File>>,
    ahead: VecDeque<StoredLine>,
    spare: Vec<Vec<u8>>,
    next_number: u64,
}

impl StoredStream {
    /// Opens `file` (relative to `root`); a missing file reads as empty.
    pub fn open(root: &Path, file: &str) -> Result<StoredStream, ReplayError> {
        let path = root.join(file);
        let reader = match File::open(&path) {
            Ok(handle) => Some(BufReader::with_capacity(1 << 20, handle)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(ReplayError::Io { path, source: e }),
        };
        Ok(StoredStream {
            path,
            reader,
            ahead: VecDeque::with_capacity(4),
            spare: Vec::new(),
            next_number: 1,
        })
    }

    /// The line `k` places ahead (0: the next one), `None` past the end.
    pub fn peek(&mut self, k: usize) -> Result<Option<&StoredLine>, ReplayError> {
        while self.ahead.len() <= k {
            if !self.read_one()? {
                return Ok(None);
            }
        }
        Ok(self.ahead.get(k))
    }

    /// The number the next line has (or would have, past the end).
    pub fn position(&self) -> u64 {
        self.ahead.front().map_or(self.next_number, |line| line.number)
    }

    /// Moves past the next line; `false` at the end.
    pub fn advance(&mut self) -> Result<bool, ReplayError> {
        if self.ahead.is_empty() && !self.read_one()? {
            return Ok(false);
        }
        if let Some(line) = self.ahead.pop_front() {
            self.spare.push(line.bytes);
        }
        Ok(true)
    }

    fn read_one(&mut self) -> Result<bool, ReplayError> {
        let Some(reader) = self.reader.as_mut() else {
            return Ok(false);
        };
        let mut bytes = self.spare.pop().unwrap_or_default();
        bytes.clear();
        let read = reader.read_until(b'\n', &mut bytes).map_err(|source| ReplayError::Io {
            path: self.path.clone(),
            source,
        })?;
        if read == 0 {
            self.spare.push(bytes);
            return Ok(false);
        }
        let torn = bytes.last() != Some(&b'\n');
        if !torn {
            bytes.pop();
        }
        self.ahead.push_back(StoredLine {
            number: self.next_number,
            bytes,
            torn,
        });
        self.next_number += 1;
        Ok(true)
    }
}

/// Every record file on disk, relative to `root`, sorted: `*.jsonl` in the
/// store folder (but the ledger) and one folder down, outside the folders
/// that hold no records.
pub fn record_files_on_disk(root: &Path) -> Vec<String> {
    const NOT_RECORDS: [&str; 5] = ["quarantine", "proofs", "keys", "checkpoints", "raw"];
    let mut files = Vec::new();
    let mut visit = |dir: &Path, prefix: &str| -> Vec<String> {
        let Ok(listing) = fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut folders = Vec::new();
        for entry in listing.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                folders.push(name);
            } else if name.ends_with(".jsonl") && !(prefix.is_empty() && name == "ledger.jsonl") {
                files.push(format!("{prefix}{name}"));
            }
        }
        folders
    };
    for folder in visit(root, "") {
        if !NOT_RECORDS.contains(&folder.as_str()) {
            visit(&root.join(&folder), &format!("{folder}/"));
        }
    }
    files.sort();
    files
}
