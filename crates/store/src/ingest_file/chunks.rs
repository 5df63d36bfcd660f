//! Reading an input file once: the raw bytes copied into the archive as they
//! are read, gzip decompressed, and the content handed out a chunk at a
//! time, JSON Lines cut at line ends for parsing on every core and CSV
//! parsed on the spot.

use crate::error::StoreError;
use crate::raw::Incoming;
use flate2::bufread::MultiGzDecoder;
use ingest::{Format, InputFormat, LineError, LineSpan, ParseOptions, ParsedBlock, ParsedEvent};
use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};

/// Bytes of JSON Lines handed to the cores at a time: large enough to keep
/// them busy, small enough that memory stays flat whatever the file size.
pub(super) const CHUNK_BYTES: usize = 1 << 20;
/// Bytes of JSON Lines per block within a chunk: one block is one task for
/// a core.
pub(super) const BLOCK_BYTES: usize = 64 << 10;
/// CSV records per chunk (CSV is parsed on one core: a quoted cell may span
/// lines, so the input cannot be cut at line ends blindly).
const CSV_RECORDS: usize = 8192;

/// The raw bytes as they are read, copied into the archive.
pub(super) struct Tee {
    inner: File,
    archive: Incoming,
    /// The archive's write error, kept whole (a `Read` can only return
    /// `std::io::Error`).
    error: Option<StoreError>,
}

impl Tee {
    pub fn new(inner: File, archive: Incoming) -> Self {
        Tee {
            inner,
            archive,
            error: None,
        }
    }

    /// The archive, or the error that stopped writing it.
    pub fn into_archive(self) -> Result<Incoming, StoreError> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.archive),
        }
    }
}

impl Read for Tee {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        if let Err(error) = self.archive.write(&buffer[..read]) {
            let message = error.to_string();
            self.error = Some(error);
            return Err(std::io::Error::other(message));
        }
        Ok(read)
    }
}

/// The input as the parser sees it.
pub(super) enum Decoded<'a, R: BufRead> {
    Plain(&'a mut R),
    Gzip(BufReader<MultiGzDecoder<&'a mut R>>),
}

impl<R: BufRead> Read for Decoded<'_, R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Decoded::Plain(reader) => reader.read(buffer),
            Decoded::Gzip(reader) => reader.read(buffer),
        }
    }
}

impl<R: BufRead> BufRead for Decoded<'_, R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        match self {
            Decoded::Plain(reader) => reader.fill_buf(),
            Decoded::Gzip(reader) => reader.fill_buf(),
        }
    }

    fn consume(&mut self, amount: usize) {
        match self {
            Decoded::Plain(reader) => reader.consume(amount),
            Decoded::Gzip(reader) => reader.consume(amount),
        }
    }
}

/// The next piece of input to parse.
pub(super) enum Chunk {
    /// Whole lines of JSON, cut into blocks.
    Jsonl { bytes: Vec<u8>, blocks: Vec<LineSpan> },
    /// CSV records already parsed (records without leaf hashes yet).
    Parsed(ParsedBlock),
}

/// The input, a chunk at a time.
pub(super) enum Chunks<'a, R: BufRead> {
    Jsonl {
        reader: R,
        carry: Vec<u8>,
        next_line: u64,
        done: bool,
        buffers: &'a super::Buffers,
    },
    Csv {
        rows: Box<dyn Iterator<Item = Result<ParsedEvent, LineError>> + Send + 'a>,
        format: Format,
        identities: Option<&'a HashSet<String>>,
    },
}

impl<'a, R: BufRead + Send + 'a> Chunks<'a, R> {
    pub fn new(
        format: Format,
        input: InputFormat,
        reader: R,
        options: &'a ParseOptions,
        identities: Option<&'a HashSet<String>>,
        buffers: &'a super::Buffers,
    ) -> Self {
        match input {
            InputFormat::Jsonl => Chunks::Jsonl {
                reader,
                carry: Vec::new(),
                next_line: 1,
                done: false,
                buffers,
            },
            InputFormat::Csv => Chunks::Csv {
                rows: Box::new(ingest::parse_lines(format, input, reader, options)),
                format,
                identities,
            },
        }
    }

    /// The next chunk, `None` at the end of the input.
    pub fn next_chunk(&mut self) -> std::io::Result<Option<Chunk>> {
        match self {
            Chunks::Csv {
                rows,
                format,
                identities,
            } => {
                let mut block = ParsedBlock::default();
                for parsed in rows.by_ref().take(CSV_RECORDS) {
                    block.push(parsed.and_then(|event| {
                        ingest::check_registered_identity(*format, *identities, event.line, &event.record)?;
                        Ok(event.sealed)
                    }));
                }
                let empty = block.hashes.is_empty() && block.rejected.is_empty();
                Ok((!empty).then_some(Chunk::Parsed(block)))
            }
            Chunks::Jsonl {
                reader,
                carry,
                next_line,
                done,
                buffers,
            } => {
                if *done {
                    return Ok(None);
                }
                let mut bytes = buffers.chunk();
                bytes.append(carry);
                // Read until the chunk is large enough and ends a line (a
                // line longer than a chunk is read whole), or the input ends.
                // Reads this large go straight into the chunk, past the
                // reader's buffer.
                loop {
                    let seen = bytes.len();
                    if (&mut *reader).take(CHUNK_BYTES as u64).read_to_end(&mut bytes)? == 0 {
                        *done = true;
                        break;
                    }
                    if bytes.len() >= CHUNK_BYTES && bytes[seen..].contains(&b'\n') {
                        break;
                    }
                }
                if !*done {
                    let end = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |at| at + 1);
                    carry.extend_from_slice(&bytes[end..]);
                    bytes.truncate(end);
                }
                if bytes.is_empty() {
                    return Ok(None);
                }
                let (blocks, lines) = ingest::split_jsonl_blocks(&bytes, *next_line, BLOCK_BYTES);
                *next_line += lines;
                Ok(Some(Chunk::Jsonl { bytes, blocks }))
            }
        }
    }
}
