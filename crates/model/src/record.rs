//! Stored records: one canonical JSON object per line, carrying its own
//! `hash` (SHA-256 hex of the record's canonical bytes without `hash`).
//!
//! ```text
//! {"entity":"web-1","hash":"<64 hex>","metric":"cpu","timestamp":"2026-11-21T10:00:00Z","value":0.5}
//! ```
//!
//! A ledger entry refers to the records an action appended by file, count
//! and Merkle root: RFC 6962 over the records in file order, each leaf's
//! data being the 32 raw bytes of the record's `hash`.

mod builder;
mod lines;

pub use builder::{RecordBuilder, SealedParts};
pub use lines::{LineBlock, LineBlocks, OwnedLineBlock, ReadLinesError, for_each_record};

use crate::canonical::{self, CanonicalError};
use serde_json::{Map, Value};

/// A record ready to append: its line (without newline) and its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedRecord {
    /// The canonical line, `hash` included.
    pub line: String,
    /// The record's hash, 32 raw bytes.
    pub hash: [u8; 32],
}

/// Why a value cannot be a record, or a line is not a sound one.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum RecordError {
    /// Records are JSON objects.
    #[error("a record must be a JSON object, found {found}")]
    NotAnObject {
        /// The JSON type found.
        found: &'static str,
    },
    /// The value already has a `hash` member; sealing adds it.
    #[error("a record to seal must not have a `hash` member yet")]
    AlreadySealed,
    /// The line is not JSON or has no canonical form.
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
    /// The line is not the canonical form of its content.
    #[error("the line is not the RFC 8785 canonical form of its content")]
    NonCanonical,
    /// `hash` is missing or not 64 lowercase hex digits.
    #[error("`hash` is missing or not 64 lowercase hex digits")]
    MissingHash,
    /// `hash` does not match the content.
    #[error("`hash` is {stored} but the content hashes to {computed}")]
    HashMismatch {
        /// The `hash` member.
        stored: String,
        /// SHA-256 of the content without `hash`.
        computed: String,
    },
}

/// Adds `hash` to a record and returns its stored line.
pub fn seal(record: Value) -> Result<SealedRecord, RecordError> {
    let Value::Object(members) = record else {
        return Err(RecordError::NotAnObject {
            found: json_type(&record),
        });
    };
    seal_members(&members, &[])
}

/// Seals a record whose `id` is derived from its content: the
/// [`crate::id::artifact_id`] of `kind` over the canonical bytes of
/// `record` without `id` (any `id` it has is replaced). Returns the id and
/// the sealed record.
pub fn seal_with_content_id<T: serde::Serialize>(
    record: &T,
    kind: &str,
) -> Result<(String, SealedRecord), RecordError> {
    let mut value = serde_json::to_value(record).map_err(|e| CanonicalError::InvalidJson(e.to_string()))?;
    let Value::Object(members) = &mut value else {
        return Err(RecordError::NotAnObject {
            found: json_type(&value),
        });
    };
    members.remove("id");
    let content = canonical::object_with_members(members, &[])?;
    let id = crate::id::artifact_id(kind, content.as_bytes()).to_string();
    let sealed = seal_members(members, &[("id", &id)])?;
    Ok((id, sealed))
}

/// Seals the record made of `members` plus the string members `extra`
/// (such as a content-derived `id`), without building the merged object.
pub fn seal_members(members: &Map<String, Value>, extra: &[(&str, &str)]) -> Result<SealedRecord, RecordError> {
    if members.contains_key("hash") || extra.iter().any(|(key, _)| *key == "hash") {
        return Err(RecordError::AlreadySealed);
    }
    let hash = crate::digest::sha256(canonical::object_with_members(members, extra)?.as_bytes());
    let hash_hex = hex::encode(hash);
    let mut with_hash = Vec::with_capacity(extra.len() + 1);
    with_hash.extend_from_slice(extra);
    with_hash.push(("hash", hash_hex.as_str()));
    let line = canonical::object_with_members(members, &with_hash)?;
    Ok(SealedRecord { line, hash })
}

/// Checks a stored line: canonical, with a `hash` that matches its content.
/// Returns the hash.
pub fn check_line(line: &str) -> Result<[u8; 32], RecordError> {
    let value: Value = serde_json::from_str(line).map_err(|e| CanonicalError::InvalidJson(e.to_string()))?;
    if canonical::to_canonical_string(&value)? != line {
        return Err(RecordError::NonCanonical);
    }
    let Value::Object(mut members) = value else {
        return Err(RecordError::NotAnObject {
            found: json_type(&value),
        });
    };
    let stored = match members.remove("hash") {
        Some(Value::String(hash)) if crate::digest::is_hash_hex(&hash) => hash,
        _ => return Err(RecordError::MissingHash),
    };
    let computed = crate::digest::sha256_hex(canonical::to_canonical_string(&Value::Object(members))?.as_bytes());
    if computed != stored {
        return Err(RecordError::HashMismatch { stored, computed });
    }
    let mut hash = [0u8; 32];
    hex::decode_to_slice(&stored, &mut hash).map_err(|_| RecordError::MissingHash)?;
    Ok(hash)
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sealed_lines_check_and_any_change_is_caught() {
        let sealed = seal(json!({"metric": "cpu", "value": 0.5, "entity": "web-1"})).unwrap();
        assert!(
            sealed.line.starts_with(r#"{"entity":"web-1","hash":""#),
            "{}",
            sealed.line
        );
        assert_eq!(check_line(&sealed.line).unwrap(), sealed.hash);
        let expected = crate::digest::sha256(br#"{"entity":"web-1","metric":"cpu","value":0.5}"#);
        assert_eq!(sealed.hash, expected);
        let altered = sealed.line.replace("0.5", "0.25");
        assert!(matches!(check_line(&altered), Err(RecordError::HashMismatch { .. })));
        let respelled = sealed.line.replace("0.5", "5e-1");
        assert_eq!(check_line(&respelled), Err(RecordError::NonCanonical));
        let without_hash = r#"{"entity":"web-1"}"#;
        assert_eq!(check_line(without_hash), Err(RecordError::MissingHash));
    }

    #[test]
    fn only_unsealed_objects_can_be_sealed() {
        assert_eq!(seal(json!([1])), Err(RecordError::NotAnObject { found: "an array" }));
        assert_eq!(seal(json!({"hash": "x"})), Err(RecordError::AlreadySealed));
    }
}
