//! Read-only access to ledger entries for display (`ledger tail|show`).
//! Display trusts nothing it reads: lines that do not parse are returned as
//! errors with their line number, and `ledger verify` is the judge.

use crate::error::LedgerError;
use crate::layout::StorePaths;
use model::LedgerEntry;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// One line of the ledger as read.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadLine {
    /// 1-based line number.
    pub line: u64,
    /// The parsed entry, or why it did not parse.
    pub entry: Result<LedgerEntry, String>,
}

/// Reads every complete line of the ledger, keeping those `keep` accepts
/// (by 0-based line index), in order.
pub fn read_lines(root: &Path, mut keep: impl FnMut(u64) -> bool) -> Result<Vec<ReadLine>, LedgerError> {
    let path = StorePaths::new(root).ledger();
    let file = File::open(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LedgerError::NotAStore { path: root.to_owned() },
        _ => LedgerError::Io {
            path: path.clone(),
            source: e,
        },
    })?;
    let mut reader = BufReader::new(file);
    let mut out = Vec::new();
    let mut buffer = Vec::new();
    let mut index = 0u64;
    loop {
        buffer.clear();
        if reader.read_until(b'\n', &mut buffer).map_err(LedgerError::io(&path))? == 0 || buffer.last() != Some(&b'\n')
        {
            break;
        }
        if keep(index) {
            buffer.pop();
            let entry = std::str::from_utf8(&buffer)
                .map_err(|e| e.to_string())
                .and_then(|text| LedgerEntry::parse_line(text).map_err(|e| e.to_string()));
            out.push(ReadLine { line: index + 1, entry });
        }
        index += 1;
    }
    Ok(out)
}

/// Number of complete lines in the ledger.
pub fn count_lines(root: &Path) -> Result<u64, LedgerError> {
    let mut count = 0;
    read_lines(root, |_| {
        count += 1;
        false
    })?;
    Ok(count)
}

/// The key history replayed from the ledger's entries (for `keys list`).
pub fn key_history(root: &Path) -> Result<crate::key_history::KeyHistory, LedgerError> {
    let path = StorePaths::new(root).ledger();
    let mut history = crate::key_history::KeyHistory::default();
    for read in read_lines(root, |_| true)? {
        let entry = read.entry.map_err(|reason| LedgerError::Corrupt {
            path: path.clone(),
            line: read.line,
            reason,
        })?;
        history.apply(&entry).map_err(|e| LedgerError::Corrupt {
            path: path.clone(),
            line: read.line,
            reason: e.0,
        })?;
    }
    Ok(history)
}
