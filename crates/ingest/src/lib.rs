//! Pure parsers of driftledger's input formats: JSON Lines or CSV files of
//! metric, auth, proxy, behaviour or identity events, turned line by line into
//! the normalized event records of [`model::event`], or into a [`LineError`]
//! that says which line and field is wrong, what was expected and what was
//! found.
//!
//! Main items: [`parse_lines`] (a streaming iterator of [`ParsedEvent`]s,
//! memory bounded by the longest line, not the input), [`parse_jsonl_block`]
//! (a block of JSON Lines straight to stored record bytes, for parsing a
//! large input on several cores), [`Format`], [`InputFormat`],
//! [`ParseOptions`], [`LineError`].
//!
//! Two paths, one result. The reference path reads a line into a JSON value,
//! checks each field and builds the model's event type: it is the
//! definition, and it writes every error message. JSON Lines also have a
//! fast path that deserializes a plainly good line into borrowed typed
//! fields and writes its record once; it declines anything unusual, which
//! then takes the reference path. Property tests hold the two byte-equal.
//!
//! Normalization: times become RFC 3339 UTC with `Z` and milliseconds (an
//! offset is applied; a time without a zone is refused unless
//! [`ParseOptions::assume_utc`]); UUIDs become lowercase hyphenated; metric,
//! auth and proxy events get a deterministic UUIDv5 `id` of their content.
//! Every record has an exact canonical JSON form (RFC 8785), checked here.
//!
//! Strictness, so that nothing is silently lost: a field or column the format
//! does not know is refused (dropping it would lose input); a key repeated in
//! one JSON object is refused (a JSON parser would keep one silently); NUL
//! bytes, invalid UTF-8, NaN/Infinity, numbers beyond a double, negative or
//! non-integral counts and years beyond 9999 are refused. Tolerated, because
//! they carry no data: a UTF-8 byte order mark at the start of the input,
//! CRLF line endings, blank lines anywhere (they still count for line
//! numbers), and `null` / empty strings / empty CSV cells, which mean an
//! absent optional field.
//!
//! [`input::parse_input`] runs a whole input (gzip or not) through the
//! parser on every core, a chunk at a time, in input order: ingest writes
//! what it yields and replay compares it with what was written.
//!
//! It deliberately does no I/O beyond the reader it is given and reads no
//! clock; which file a line came from, atomicity and quarantine are the
//! caller's business.
//!
//! ```
//! use ingest::{Format, InputFormat, ParseOptions, parse_lines};
//! let input = "timestamp,entity,metric,value\n2026-11-21T12:00:00+02:00,web-1,cpu,0.5\n";
//! let options = ParseOptions::default();
//! let events: Vec<_> = parse_lines(Format::Metric, InputFormat::Csv, input.as_bytes(), &options).collect();
//! let event = events[0].as_ref().unwrap();
//! assert_eq!(event.line, 2);
//! assert_eq!(event.record["timestamp"], "2026-11-21T10:00:00.000Z");
//!
//! let bad = "{\"timestamp\":\"2026-11-21T10:00:00Z\",\"entity\":\"web-1\",\"metric\":\"cpu\",\"value\":\"abc\"}";
//! let error = parse_lines(Format::Metric, InputFormat::Jsonl, bad.as_bytes(), &options).next().unwrap().unwrap_err();
//! assert_eq!(
//!     error.to_string(),
//!     "line 1, field `value`: expected a finite number within the range of a 64-bit float, found \"abc\""
//! );
//! ```
#![deny(missing_docs)]

mod block;
mod csv_input;
mod fast;
mod fields;
mod format;
pub mod input;
mod jsonl;
mod normalize;
mod options;

pub use block::{
    LineSpan, ParsedBlock, check_registered_identity, parse_jsonl_block, parse_jsonl_block_into, split_jsonl_blocks,
};
pub use fields::LineError;
pub use format::{Format, InputFormat, UnknownFormat};
pub use jsonl::parse_jsonl_line;
pub use options::ParseOptions;

use std::io::BufRead;

/// One accepted input line.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedEvent {
    /// 1-based line number (for CSV, the line where the record starts).
    pub line: u64,
    /// The normalized event, serialized from its [`model::event`] type.
    pub record: serde_json::Value,
    /// The record as stored: its canonical line with `hash`, and the hash.
    pub sealed: model::record::SealedRecord,
}

/// Parses `reader` as `input`-encoded events of `format`, one result per
/// non-blank line (JSONL) or record (CSV), in input order. A read error or a
/// bad CSV header ends the iteration after its error.
pub fn parse_lines<R: BufRead>(
    format: Format,
    input: InputFormat,
    reader: R,
    options: &ParseOptions,
) -> impl Iterator<Item = Result<ParsedEvent, LineError>> {
    match input {
        InputFormat::Jsonl => Lines::Jsonl(jsonl::JsonlLines::new(format, reader, *options)),
        InputFormat::Csv => Lines::Csv(csv_input::CsvRows::new(format, reader, *options)),
    }
}

#[derive(Debug)]
enum Lines<R> {
    Jsonl(jsonl::JsonlLines<R>),
    Csv(csv_input::CsvRows<R>),
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = Result<ParsedEvent, LineError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Lines::Jsonl(lines) => lines.next(),
            Lines::Csv(rows) => rows.next(),
        }
    }
}

#[cfg(test)]
mod paths_agree;
#[cfg(test)]
mod tests;
