//! What a ledger entry says it wrote: for each record file, the first line,
//! the number of records and their RFC 6962 Merkle root
//! (`outputs.records`).

use crate::LedgerEntry;
use serde_json::Value;

/// One entry's claim about one record file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordClaim {
    /// The record file, relative to the store.
    pub file: String,
    /// The 1-based line of its first record.
    pub first_line: u64,
    /// How many records.
    pub count: u64,
    /// RFC 6962 root over the records' hashes.
    pub merkle_root: [u8; 32],
    /// Where the claim sits in the entry, for naming a field that differs.
    pub field: String,
}

impl RecordClaim {
    /// The line after its last record.
    pub fn end_line(&self) -> u64 {
        self.first_line + self.count
    }
}

/// The entry's record claims, in the order it lists them, or what is wrong
/// with its `outputs.records`.
pub fn record_claims(entry: &LedgerEntry) -> Result<Vec<RecordClaim>, String> {
    let Some(records) = entry.outputs.get("records") else {
        return Ok(Vec::new());
    };
    let Value::Array(batches) = records else {
        return Err("outputs.records is not an array".into());
    };
    let mut claims = Vec::with_capacity(batches.len());
    for (i, batch) in batches.iter().enumerate() {
        let field = format!("outputs.records[{i}]");
        let text = |name: &str| batch.get(name).and_then(Value::as_str);
        let number = |name: &str| batch.get(name).and_then(Value::as_u64);
        let (Some(file), Some(first_line), Some(count), Some(root)) =
            (text("file"), number("first_line"), number("count"), text("merkle_root"))
        else {
            return Err(format!("{field} lacks file, first_line, count or merkle_root"));
        };
        let mut merkle_root = [0u8; 32];
        hex::decode_to_slice(root, &mut merkle_root)
            .map_err(|_| format!("{field}.merkle_root is not 64 hex digits: {root:?}"))?;
        if first_line == 0 {
            return Err(format!("{field}.first_line is 0; lines are numbered from 1"));
        }
        claims.push(RecordClaim {
            file: file.to_owned(),
            first_line,
            count,
            merkle_root,
            field,
        });
    }
    Ok(claims)
}

/// How many lines of each record file a sequence of entries accounts for:
/// the end of the furthest claim on each file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountedLines(std::collections::BTreeMap<String, u64>);

impl AccountedLines {
    /// Counts the claims of `entry`; when its `outputs.records` does not
    /// parse, it counts nothing and says why.
    pub fn add(&mut self, entry: &LedgerEntry) -> Result<(), String> {
        for claim in record_claims(entry)? {
            let end = self.0.entry(claim.file.clone()).or_default();
            *end = (*end).max(claim.end_line() - 1);
        }
        Ok(())
    }

    /// Lines of `file` accounted for.
    pub fn lines(&self, file: &str) -> u64 {
        self.0.get(file).copied().unwrap_or(0)
    }
}
