//! Reading stored behaviour events (`events/behavior.jsonl`): a range of
//! lines, parsed on every core a block at a time, handed on in file order.

use crate::error::DriftError;
use model::event::StoredBehaviorEvent;
use rayon::prelude::*;
use std::io::BufRead;

/// The behaviour events file, relative to the store.
pub const BEHAVIOR_EVENTS_FILE: &str = "events/behavior.jsonl";

/// Bytes read and parsed at a time.
const BLOCK_BYTES: usize = 4 << 20;
/// Lines parsed by one task.
const LINES_PER_TASK: usize = 4096;

/// Reads the first `lines` lines of the behaviour events file from
/// `reader` and calls `visit` with each block of parsed events, in file
/// order, with the line number of the block's first event.
pub fn for_each_block<E>(
    reader: impl BufRead,
    lines: u64,
    mut visit: impl FnMut(u64, &[StoredBehaviorEvent<'_>]) -> Result<(), E>,
) -> Result<(), E>
where
    E: From<DriftError>,
{
    let mut blocks = model::record::LineBlocks::new(reader, 1, lines + 1, BLOCK_BYTES);
    loop {
        let block = blocks
            .next_block()
            .map_err(|error| DriftError::of_lines(BEHAVIOR_EVENTS_FILE, "behaviour event", error))?;
        let Some(model::record::LineBlock {
            first_line: block_first,
            lines: line_slices,
        }) = block
        else {
            break;
        };
        let parsed: Vec<Vec<StoredBehaviorEvent<'_>>> = line_slices
            .par_chunks(LINES_PER_TASK)
            .enumerate()
            .map(|(task, chunk)| {
                chunk
                    .iter()
                    .enumerate()
                    .map(|(i, line)| {
                        serde_json::from_slice::<StoredBehaviorEvent<'_>>(line).map_err(|e| DriftError::BadRecord {
                            file: BEHAVIOR_EVENTS_FILE.to_owned(),
                            line: block_first + (task * LINES_PER_TASK + i) as u64,
                            what: "behaviour event",
                            reason: e.to_string(),
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<_, _>>()?;
        let events: Vec<StoredBehaviorEvent<'_>> = parsed.into_iter().flatten().collect();
        visit(block_first, &events)?;
    }
    Ok(())
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
