//! `ledger.tree`: the RFC 6962 tree over the ledger lines, kept as a flat,
//! append-only file of 32-byte stored hashes in the order of Go's
//! `sumdb/tlog` (`StoredHashes`). Proofs and roots read O(log² n) hashes
//! from it and never rehash the ledger.
//!
//! The file is derived data: it is written after the ledger lines it covers,
//! so after a crash it can only lag behind the ledger; [`crate::Ledger::open`] completes it
//! from the lines it is missing.

use crate::error::LedgerError;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use tlog::{Hash, HashReader, TlogError};

/// The stored-hash file, with hashes appended but not yet flushed kept in memory.
#[derive(Debug)]
pub struct TreeFile {
    path: PathBuf,
    file: File,
    hashes_on_disk: u64,
    pending: Vec<Hash>,
    records: u64,
}

impl TreeFile {
    /// Opens the file read-only and checks that it holds a whole number of
    /// records; `records` is then the number of ledger lines it covers.
    pub fn open_read_only(path: &Path) -> Result<TreeFile, LedgerError> {
        let file = File::open(path).map_err(LedgerError::io(path))?;
        Self::from_file(path, file)
    }

    /// Opens (creating if needed) for appending. Trailing bytes that do not
    /// form a whole record (a crash mid-write) are cut off.
    pub fn open_for_append(path: &Path) -> Result<TreeFile, LedgerError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(LedgerError::io(path))?;
        let tree = Self::from_file(path, file)?;
        let whole = tlog::stored_hash_count(tree.records) * 32;
        let len = tree.file.metadata().map_err(LedgerError::io(path))?.len();
        if len != whole {
            tree.file.set_len(whole).map_err(LedgerError::io(path))?;
            tree.file.sync_all().map_err(LedgerError::io(path))?;
        }
        Ok(tree)
    }

    fn from_file(path: &Path, file: File) -> Result<TreeFile, LedgerError> {
        let len = file.metadata().map_err(LedgerError::io(path))?.len();
        let records = records_covered(len / 32);
        Ok(TreeFile {
            path: path.to_owned(),
            file,
            hashes_on_disk: tlog::stored_hash_count(records),
            pending: Vec::new(),
            records,
        })
    }

    /// How many records (ledger lines) the tree covers, flushed or not.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Adds the next record's leaf hash and the subtree hashes it completes.
    pub fn push(&mut self, leaf: Hash) -> Result<(), LedgerError> {
        let hashes = tlog::stored_hashes_for_record(self.records, leaf, self)?;
        self.pending.extend(hashes);
        self.records += 1;
        Ok(())
    }

    /// Writes pending hashes and syncs them.
    pub fn flush(&mut self) -> Result<(), LedgerError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let bytes: Vec<u8> = self.pending.iter().flatten().copied().collect();
        let offset = self.hashes_on_disk * 32;
        self.file
            .write_all_at(&bytes, offset)
            .map_err(LedgerError::io(&self.path))?;
        self.file.sync_data().map_err(LedgerError::io(&self.path))?;
        self.hashes_on_disk += self.pending.len() as u64;
        self.pending.clear();
        Ok(())
    }

    /// Cuts the tree back to `records` records (used only to drop hashes of
    /// lines that recovery moved out of the ledger).
    pub fn truncate(&mut self, records: u64) -> Result<(), LedgerError> {
        self.flush()?;
        let hashes = tlog::stored_hash_count(records);
        self.file.set_len(hashes * 32).map_err(LedgerError::io(&self.path))?;
        self.file.sync_all().map_err(LedgerError::io(&self.path))?;
        self.hashes_on_disk = hashes;
        self.records = records;
        Ok(())
    }

    /// The RFC 6962 root of the first `size` records.
    pub fn root(&self, size: u64) -> Result<Hash, LedgerError> {
        Ok(tlog::tree_hash(size, self)?)
    }
}

impl HashReader for TreeFile {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        let mut out = Vec::with_capacity(indexes.len());
        for &index in indexes {
            if index >= self.hashes_on_disk {
                let pending = (index - self.hashes_on_disk) as usize;
                match self.pending.get(pending) {
                    Some(hash) => out.push(*hash),
                    None => {
                        return Err(TlogError::HashIndexOutOfRange {
                            index,
                            stored: self.hashes_on_disk + self.pending.len() as u64,
                        });
                    }
                }
                continue;
            }
            let mut hash = [0u8; 32];
            self.file
                .read_exact_at(&mut hash, index * 32)
                .map_err(|source| TlogError::Read { index, source })?;
            out.push(hash);
        }
        Ok(out)
    }
}

/// The largest record count whose stored hashes fit in `hashes` hashes.
fn records_covered(hashes: u64) -> u64 {
    // stored_hash_count(n) = 2n - popcount(n) lies in [n, 2n], so the answer
    // is within [hashes/2, hashes]; binary search it.
    let (mut low, mut high) = (hashes / 2, hashes);
    while low < high {
        let middle = low + (high - low).div_ceil(2);
        if tlog::stored_hash_count(middle) <= hashes {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    low
}

#[cfg(test)]
mod tests {
    use super::records_covered;

    #[test]
    fn records_covered_inverts_stored_hash_count() {
        for n in 0..2000u64 {
            let count = tlog::stored_hash_count(n);
            assert_eq!(records_covered(count), n);
            if n > 0 {
                assert_eq!(records_covered(count - 1), n - 1, "n={n}");
            }
        }
    }
}
