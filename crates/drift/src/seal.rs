//! Sealing a drift record with its content id (see
//! `model::record::seal_with_content_id`).

use crate::error::DriftError;
use model::record::SealedRecord;
use serde::Serialize;

/// Seals `record` with an `id` of `kind` derived from its content, setting
/// the id with `set_id`.
pub fn seal_with_id<T: Serialize>(
    mut record: T,
    kind: &str,
    set_id: impl FnOnce(&mut T, String),
) -> Result<(T, SealedRecord), DriftError> {
    let (id, sealed) = model::record::seal_with_content_id(&record, kind)?;
    set_id(&mut record, id);
    Ok((record, sealed))
}
