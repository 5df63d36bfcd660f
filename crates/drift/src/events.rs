//! Reading what drift reads besides events (registered identities, stored
//! records), and where stored behaviour events are (`events/behavior.jsonl`;
//! the tally reads them a block at a time).

use crate::error::DriftError;
use rayon::prelude::*;
use std::io::BufRead;

/// The behaviour events file, relative to the store.
pub const BEHAVIOR_EVENTS_FILE: &str = "events/behavior.jsonl";

/// Bytes of stored lines read at a time, events or identities: a block
/// is parsed on every core (events while the next block is read).
pub const EVENT_BLOCK_BYTES: usize = 2 << 20;

/// What the drift needs of a stored identity: its id (and, as of every
/// stored record, a `hash`).
#[derive(serde::Deserialize)]
struct RegisteredIdentity<'a> {
    #[serde(borrow)]
    identity_id: std::borrow::Cow<'a, str>,
    #[serde(borrow, rename = "hash")]
    _hash: std::borrow::Cow<'a, str>,
}

/// The ids of the identities on lines `1 ..= lines` of `identities.jsonl`,
/// in order, each once (read on every core).
pub fn read_identity_ids(
    reader: impl BufRead,
    file: &str,
    lines: u64,
) -> Result<std::collections::BTreeSet<String>, DriftError> {
    let mut blocks = model::record::LineBlocks::new(reader, 1, lines + 1, EVENT_BLOCK_BYTES);
    let mut ids = Vec::with_capacity(lines as usize);
    while let Some(block) = blocks
        .next_block()
        .map_err(|error| DriftError::of_lines(file, "identity", error))?
    {
        let parsed: Vec<String> = block
            .lines
            .par_iter()
            .enumerate()
            .map(|(index, line)| {
                serde_json::from_slice::<RegisteredIdentity<'_>>(line)
                    .map(|identity| identity.identity_id.into_owned())
                    .map_err(|e| DriftError::BadRecord {
                        file: file.to_owned(),
                        line: block.first_line + index as u64,
                        what: "identity",
                        reason: e.to_string(),
                    })
            })
            .collect::<Result<_, _>>()?;
        ids.extend(parsed);
    }
    ids.par_sort_unstable();
    ids.dedup();
    Ok(ids.into_iter().collect())
}

/// Reads the records on lines `1 ..= lines` of `file` (JSON objects with a
/// `hash`), each as `T` (read without its `hash`) with its `hash`.
pub fn read_records<T: serde::de::DeserializeOwned>(
    reader: impl BufRead,
    file: &str,
    what: &'static str,
    lines: u64,
) -> Result<Vec<(T, String)>, DriftError> {
    let mut out = Vec::with_capacity(lines as usize);
    model::record::for_each_record(
        reader,
        1,
        lines + 1,
        |_| true,
        |_, record, hash| {
            out.push((record, hash));
            Ok::<_, model::record::ReadLinesError>(())
        },
    )
    .map_err(|error| DriftError::of_lines(file, what, error))?;
    Ok(out)
}
