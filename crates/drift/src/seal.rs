//! Sealing a record type with its content id: the UUIDv5 of its canonical
//! bytes without `id`, then its `hash` over the record with `id`.

use crate::error::DriftError;
use model::record::{RecordError, SealedRecord};
use serde::Serialize;

/// Seals `record` with an `id` of `kind` derived from its content (its own
/// `id` ignored), setting the id with `set_id`.
pub fn seal_with_id<T: Serialize>(
    mut record: T,
    kind: &str,
    set_id: impl FnOnce(&mut T, String),
) -> Result<(T, SealedRecord), DriftError> {
    let mut value = serde_json::to_value(&record)
        .map_err(|e| RecordError::Canonical(model::CanonicalError::InvalidJson(e.to_string())))?;
    let members = value
        .as_object_mut()
        .ok_or(RecordError::NotAnObject { found: "a non-object" })?;
    members.remove("id");
    let content = model::canonical::canonicalize_value(&value).map_err(RecordError::from)?;
    let id = model::id::artifact_id(kind, content.as_bytes()).to_string();
    let members = value.as_object().expect("an object");
    let sealed = model::record::seal_members(members, &[("id", &id)])?;
    set_id(&mut record, id);
    Ok((record, sealed))
}
