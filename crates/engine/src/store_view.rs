//! A store read as its ledger describes it: the entries, and how many lines
//! of each record file they account for.

use crate::error::EngineError;
use model::LedgerEntry;
use model::claims::AccountedLines;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// The ledger's entries and the record lines they account for.
#[derive(Debug)]
pub struct StoreView {
    root: PathBuf,
    /// Every entry, in ledger order.
    pub entries: Vec<LedgerEntry>,
    accounted: AccountedLines,
}

impl StoreView {
    /// Reads the ledger of the store at `root`.
    pub fn read(root: &Path) -> Result<StoreView, EngineError> {
        let mut entries = Vec::new();
        let mut accounted = AccountedLines::default();
        for read in ledger::reader::read_lines(root, |_| true)? {
            let line = read.line;
            let bad = |reason| EngineError::BadEntry { line, reason };
            let entry = read.entry.map_err(bad)?;
            accounted.add(&entry).map_err(bad)?;
            entries.push(entry);
        }
        Ok(StoreView {
            root: root.to_owned(),
            entries,
            accounted,
        })
    }

    /// Lines of `file` the entries account for.
    pub fn accounted_lines(&self, file: &str) -> u64 {
        self.accounted.lines(file)
    }

    /// A reader of `file` from its first line; an absent file reads empty.
    pub fn open(&self, file: &str) -> Result<Box<dyn BufRead + Send>, EngineError> {
        let path = self.root.join(file);
        match File::open(&path) {
            Ok(handle) => Ok(Box::new(BufReader::with_capacity(1 << 20, handle))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Box::new(std::io::empty())),
            Err(source) => Err(EngineError::Io { path, source }),
        }
    }
}
