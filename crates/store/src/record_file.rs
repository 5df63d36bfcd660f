//! The names of record files: relative paths inside the store.

use crate::error::StoreError;
use std::fmt;
use std::path::{Path, PathBuf};

/// A record file, as a path relative to the store (e.g. `events/metric.jsonl`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordFile(String);

impl RecordFile {
    /// Validates a name: `/`-separated segments of `[a-z0-9_-]`, the last
    /// ending in `.jsonl`, and not the ledger itself.
    pub fn new(name: &str) -> Result<RecordFile, StoreError> {
        let invalid = || StoreError::InvalidFileName { name: name.to_owned() };
        let stem = name.strip_suffix(".jsonl").ok_or_else(invalid)?;
        let valid_segment = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        };
        if name == "ledger.jsonl" || !stem.split('/').all(valid_segment) {
            return Err(invalid());
        }
        Ok(RecordFile(name.to_owned()))
    }

    /// The name as written in ledger entries.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The file's path inside the store at `root`.
    pub fn path(&self, root: &Path) -> PathBuf {
        root.join(&self.0)
    }
}

impl fmt::Display for RecordFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::RecordFile;

    #[test]
    fn names() {
        for good in ["baselines.jsonl", "events/metric.jsonl", "a-b_c/d1.jsonl"] {
            assert!(RecordFile::new(good).is_ok(), "{good}");
        }
        for bad in [
            "ledger.jsonl",
            "../x.jsonl",
            "/abs.jsonl",
            "events/.jsonl",
            "Events/x.jsonl",
            "x.json",
            "a//b.jsonl",
            "a/./b.jsonl",
        ] {
            assert!(RecordFile::new(bad).is_err(), "{bad}");
        }
    }
}
