//! JSON Lines parsed a block at a time straight into stored records: the
//! shape a caller needs to cut a large input into blocks, parse them on
//! several cores and append the results in order.
//!
//! Each line goes through the fast path ([`crate::fast`]) and, when that
//! declines, through the reference path, which decides and explains; a line
//! yields exactly what [`crate::parse_jsonl_line`] (followed by the identity
//! check) yields for it.

use crate::fast::{self, FastContext};
use crate::jsonl::{line_content, parse_line};
use crate::{Format, LineError, ParseOptions};
use model::record::{RecordBuilder, SealedRecord};
use std::collections::HashSet;
use std::ops::Range;

/// The outcome of parsing one block of lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedBlock {
    /// The stored lines of the accepted events, each followed by `\n`, in
    /// input order.
    pub records: Vec<u8>,
    /// Each accepted event's record hash, in the same order.
    pub hashes: Vec<[u8; 32]>,
    /// The refused lines, in input order.
    pub rejected: Vec<LineError>,
}

/// Where a block of whole lines lies in a piece of JSON Lines input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineSpan {
    /// Number of the block's first line (1-based).
    pub first_line: u64,
    /// The block's bytes: lines each ending in `\n`, except perhaps the
    /// input's last.
    pub range: Range<usize>,
}

/// Cuts `bytes` (whole lines, the first numbered `first_line`) into blocks
/// of about `target` bytes, each ending at a line end; a line longer than
/// `target` is a block of its own size. Also returns the number of line
/// ends in `bytes`, so that the caller can number what follows.
pub fn split_jsonl_blocks(bytes: &[u8], first_line: u64, target: usize) -> (Vec<LineSpan>, u64) {
    let mut blocks = Vec::with_capacity(bytes.len() / target.max(1) + 1);
    let (mut start, mut line) = (0, first_line);
    while start < bytes.len() {
        let wanted = (start + target.max(1)).min(bytes.len());
        let end = memchr::memchr(b'\n', &bytes[wanted - 1..]).map_or(bytes.len(), |at| wanted + at);
        blocks.push(LineSpan {
            first_line: line,
            range: start..end,
        });
        line += memchr::memchr_iter(b'\n', &bytes[start..end]).count() as u64;
        start = end;
    }
    (blocks, line - first_line)
}

/// Parses a block of `format` lines, the first numbered `first_line`. With `identities`, a behaviour event
/// naming an identity not in the set is refused (other formats ignore it).
pub fn parse_jsonl_block(
    format: Format,
    first_line: u64,
    bytes: &[u8],
    options: &ParseOptions,
    identities: Option<&HashSet<String>>,
) -> ParsedBlock {
    let mut parsed = ParsedBlock::default();
    parse_jsonl_block_into(format, first_line, bytes, options, identities, &mut parsed);
    parsed
}

/// [`parse_jsonl_block`] into `parsed`, which is cleared first: a caller
/// parsing many blocks reuses their buffers, so that memory stays flat.
pub fn parse_jsonl_block_into(
    format: Format,
    first_line: u64,
    bytes: &[u8],
    options: &ParseOptions,
    identities: Option<&HashSet<String>>,
    parsed: &mut ParsedBlock,
) {
    parsed.records.clear();
    parsed.hashes.clear();
    parsed.rejected.clear();
    parsed.records.reserve(bytes.len() * 3);
    let context = FastContext { identities };
    let mut builder = RecordBuilder::new();
    let mut start = 0;
    let line_ends = memchr::memchr_iter(b'\n', bytes).map(|at| at + 1);
    let last_line_end = bytes.last().is_some_and(|b| *b != b'\n').then_some(bytes.len());
    for (i, end) in line_ends.chain(last_line_end).enumerate() {
        let line_bytes = &bytes[start..end];
        start = end;
        let line = first_line + i as u64;
        let Some(content) = line_content(line, line_bytes) else {
            continue;
        };
        if let Some(hash) = fast::parse(format, content, &context, &mut builder, &mut parsed.records) {
            parsed.records.push(b'\n');
            parsed.hashes.push(hash);
            continue;
        }
        let checked = parse_line(format, line, content, options).and_then(|normalized| {
            check_registered_identity(format, identities, line, &normalized.record)?;
            Ok(normalized.sealed)
        });
        parsed.push(checked);
    }
}

impl ParsedBlock {
    /// Adds one line's outcome: its sealed record, or why it was refused.
    pub fn push(&mut self, outcome: Result<SealedRecord, LineError>) {
        match outcome {
            Ok(sealed) => {
                self.records.extend_from_slice(sealed.line.as_bytes());
                self.records.push(b'\n');
                self.hashes.push(sealed.hash);
            }
            Err(error) => self.rejected.push(error),
        }
    }
}

/// With `identities`, refuses a behaviour event whose `identity_id` is not
/// among them; other formats, and no set, pass.
pub fn check_registered_identity(
    format: Format,
    identities: Option<&HashSet<String>>,
    line: u64,
    record: &serde_json::Value,
) -> Result<(), LineError> {
    let (Format::Behavior, Some(known)) = (format, identities) else {
        return Ok(());
    };
    let id = record
        .get("identity_id")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    if known.contains(id) {
        return Ok(());
    }
    Err(LineError::new(
        line,
        Some("identity_id"),
        "an identity registered in identities.jsonl (ingest the identities first)",
        format!("{id:?}"),
    ))
}
