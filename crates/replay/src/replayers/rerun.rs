//! What re-running an action from the store needs, whatever the action:
//! the entries before it and the record lines they account for (what the
//! action saw), readers of the record files, and the comparison of the
//! entry's own fields with the rebuilt ones.

use crate::error::ReplayError;
use crate::finding::FindingKind;
use crate::registry::ReplayContext;
use model::LedgerEntry;
use model::claims::AccountedLines;
use serde_json::{Map, Value};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// The entries before the one replayed, and the record lines they account
/// for: what the action saw when it ran.
pub(crate) struct Before {
    pub(crate) entries: Vec<LedgerEntry>,
    accounted: AccountedLines,
}

impl Before {
    pub(crate) fn read(root: &Path, seq: u64) -> Result<Before, ReplayError> {
        let mut entries = Vec::new();
        let mut accounted = AccountedLines::default();
        // Lines or claims that do not parse are findings of the ledger and
        // record checks; here they account for nothing.
        for read in ledger::reader::read_lines(root, |index| index < seq)? {
            let Ok(entry) = read.entry else { continue };
            let _ = accounted.add(&entry);
            entries.push(entry);
        }
        Ok(Before { entries, accounted })
    }

    pub(crate) fn lines(&self, file: &str) -> u64 {
        self.accounted.lines(file)
    }
}

pub(crate) fn open(root: &Path, file: &str) -> Result<Box<dyn BufRead + Send>, ReplayError> {
    let path = root.join(file);
    match File::open(&path) {
        Ok(handle) => Ok(Box::new(BufReader::with_capacity(1 << 20, handle))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Box::new(std::io::empty())),
        Err(source) => Err(ReplayError::Io { path, source }),
    }
}

/// Reports that the entry cannot be replayed, and checks its records
/// against their own hashes instead.
pub(crate) fn cannot_replay(
    context: &mut ReplayContext<'_>,
    problem: impl std::fmt::Display,
) -> Result<(), ReplayError> {
    context.entry_problem(FindingKind::ReplayMismatch, format!("cannot replay: {problem}"));
    context.check_remaining_without_replay()
}

/// Compares each member of a section the run rebuilt with the entry's.
pub(crate) fn check_section(
    context: &mut ReplayContext<'_>,
    name: &str,
    recorded: &Map<String, Value>,
    rebuilt: &Value,
) {
    let Value::Object(rebuilt) = rebuilt else { return };
    for (key, value) in rebuilt {
        context.check_field(&format!("{name}.{key}"), recorded.get(key), value);
    }
    for key in recorded.keys() {
        // `outputs.records` is the writer's, checked against the rebuilt records.
        let writers_own = name == "outputs" && key == "records";
        if !(rebuilt.contains_key(key) || writers_own) {
            context.check_field(&format!("{name}.{key}"), recorded.get(key), &Value::Null);
        }
    }
}
