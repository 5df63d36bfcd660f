//! CSV input: a header row naming the same fields as the JSONL keys, then one
//! event per record, read one record at a time with the `csv` crate.
//!
//! Empty cells are absent optional fields. The header is checked once: an
//! unknown, repeated or missing required column is reported on line 1 and
//! ends the input, since no row could then be read as intended. A UTF-8 byte
//! order mark before the header is stripped (as in JSONL); CRLF line endings
//! and quoted fields spanning lines are accepted, and a record's line is the
//! line it starts on. Blank lines are skipped, as in JSONL.

use crate::fields::{Cell, Fields, LineError};
use crate::{Format, ParseOptions, ParsedEvent};
use std::collections::{BTreeMap, VecDeque};
use std::io::{self, Read};

/// Parsed events of a CSV input, in record order.
#[derive(Debug)]
pub(crate) struct CsvRows<R> {
    reader: csv::Reader<LineCounter<R>>,
    format: Format,
    options: ParseOptions,
    header: Option<Vec<String>>,
    record: csv::ByteRecord,
    done: bool,
}

impl<R: Read> CsvRows<R> {
    pub fn new(format: Format, reader: R, options: ParseOptions) -> Self {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(LineCounter {
                inner: reader,
                n_bytes: 0,
                newlines: VecDeque::new(),
                n_lines_before: 0,
            });
        CsvRows {
            reader,
            format,
            options,
            header: None,
            record: csv::ByteRecord::new(),
            done: false,
        }
    }

    fn read_header(&mut self, line: u64) -> Result<Vec<String>, LineError> {
        let mut names = Vec::with_capacity(self.record.len());
        for (index, bytes) in self.record.iter().enumerate() {
            let bytes = if index == 0 {
                bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
            } else {
                bytes
            };
            let name = cell_text(line, None, bytes)?;
            let known = self.format.fields();
            if !known.contains(&name.as_str()) {
                let expected = format!("only columns of the {} format ({})", self.format, known.join(", "));
                return Err(LineError::new(line, Some(&name), expected, "an unknown column"));
            }
            if names.contains(&name) {
                return Err(LineError::new(
                    line,
                    Some(&name),
                    "each column once",
                    "a repeated column",
                ));
            }
            names.push(name);
        }
        if let Some(missing) = self
            .format
            .required_fields()
            .iter()
            .find(|f| !names.iter().any(|n| n == *f))
        {
            return Err(LineError::new(
                line,
                Some(missing),
                "a column for this required field",
                "no such column",
            ));
        }
        Ok(names)
    }

    fn read_row(&self, header: &[String], line: u64) -> Result<crate::normalize::Normalized, LineError> {
        if self.record.len() != header.len() {
            return Err(LineError::new(
                line,
                None,
                format!("{} fields, as in the header", header.len()),
                format!("{} fields", self.record.len()),
            ));
        }
        let mut cells = BTreeMap::new();
        for (name, bytes) in header.iter().zip(self.record.iter()) {
            let text = cell_text(line, Some(name), bytes)?;
            cells.insert(name.clone(), Cell::Text(text));
        }
        crate::normalize::normalize(self.format, Fields::new(line, cells), &self.options)
    }
}

fn cell_text(line: u64, field: Option<&str>, bytes: &[u8]) -> Result<String, LineError> {
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return Err(LineError::new(
            line,
            field,
            "text without NUL bytes",
            format!("a NUL byte at byte {} of the cell", at + 1),
        ));
    }
    String::from_utf8(bytes.to_vec()).map_err(|_| LineError::new(line, field, "UTF-8 text", "invalid UTF-8"))
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = Result<ParsedEvent, LineError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let before = self.reader.get_ref().n_lines_before + 1;
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => self.done = true,
                Err(error) => {
                    self.done = true;
                    let line = error
                        .position()
                        .map_or(before, |p| self.reader.get_mut().line_before(p.byte() + 1));
                    return Some(Err(LineError::new(line, None, "readable CSV", error.to_string())));
                }
                Ok(true) => {
                    // The csv crate miscounts lines after CRLF endings and
                    // blank lines, so the line is counted here: the line of
                    // the record's end, less the line breaks inside its cells.
                    let end = self.reader.position().byte();
                    let n_inner_newlines = self.record.as_slice().iter().filter(|b| **b == b'\n').count() as u64;
                    let line = self.reader.get_mut().line_before(end) - n_inner_newlines;
                    let blank = self.record.len() == 1 && self.record[0].iter().all(|b| matches!(b, b' ' | b'\t'));
                    if blank {
                        continue;
                    }
                    let Some(header) = self.header.take() else {
                        match self.read_header(line) {
                            Ok(names) => self.header = Some(names),
                            Err(error) => {
                                self.done = true;
                                return Some(Err(error));
                            }
                        }
                        continue;
                    };
                    let result = self.read_row(&header, line);
                    self.header = Some(header);
                    return Some(result.map(|n| ParsedEvent {
                        line,
                        record: n.record,
                        sealed: n.sealed,
                    }));
                }
            }
        }
        None
    }
}

/// A reader that remembers where the `\n`s it passed on are, until the
/// records after them are read: memory bounded by the csv crate's buffer.
#[derive(Debug)]
struct LineCounter<R> {
    inner: R,
    n_bytes: u64,
    /// Offsets of `\n`s read ahead of the last record's end.
    newlines: VecDeque<u64>,
    /// Number of `\n`s before the last record's end.
    n_lines_before: u64,
}

impl<R> LineCounter<R> {
    /// The 1-based line holding the byte just before `end`; `end` must not
    /// decrease between calls.
    fn line_before(&mut self, end: u64) -> u64 {
        let last = end.saturating_sub(1);
        while self.newlines.front().is_some_and(|at| *at < last) {
            self.newlines.pop_front();
            self.n_lines_before += 1;
        }
        self.n_lines_before + 1
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n_read = self.inner.read(buf)?;
        let start = self.n_bytes;
        self.newlines.extend(
            buf[..n_read]
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| start + i as u64),
        );
        self.n_bytes += n_read as u64;
        Ok(n_read)
    }
}
