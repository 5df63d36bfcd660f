//! A whole input parsed on every core, a chunk at a time, handed to the
//! caller in input order: the one pipeline that both ingest (which writes
//! what it yields) and replay (which compares what it yields with what was
//! written) run, so that the two cannot drift apart.
//!
//! JSON Lines are read in chunks of about [`CHUNK_BYTES`], cut at line ends
//! into blocks of about [`BLOCK_BYTES`], and the blocks parsed and their
//! Merkle leaves hashed in parallel; while one chunk is parsed, the previous
//! one is handed to the caller and the next one is read. CSV is parsed on
//! one core (a quoted cell may span lines, so the input cannot be cut at
//! line ends blindly). Gzip input, recognised by its magic bytes, is
//! decompressed on the way ([`Decoded`]).
//!
//! Memory stays flat however long the input: a few chunks are in flight,
//! and their buffers are reused.

use crate::{Format, InputFormat, LineError, LineSpan, ParseOptions, ParsedBlock, ParsedEvent};
use flate2::bufread::MultiGzDecoder;
use rayon::prelude::*;
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::sync::Mutex;

/// Bytes of JSON Lines handed to the cores at a time: large enough to keep
/// them busy, small enough that memory stays flat whatever the file size.
pub const CHUNK_BYTES: usize = 1 << 20;
/// Bytes of JSON Lines per block within a chunk: one block is one task for
/// a core.
pub const BLOCK_BYTES: usize = 64 << 10;
/// CSV records per chunk.
const CSV_RECORDS: usize = 8192;

/// The input as the parser sees it: gzip decompressed when it starts with
/// the gzip magic bytes, as is otherwise.
#[derive(Debug)]
pub enum Decoded<'a, R: BufRead> {
    /// Not compressed.
    Plain(&'a mut R),
    /// Gzip, decompressed as it is read.
    Gzip(BufReader<MultiGzDecoder<&'a mut R>>),
}

impl<'a, R: BufRead> Decoded<'a, R> {
    /// Looks at the first bytes of `reader` to tell gzip from plain input.
    pub fn new(reader: &'a mut R) -> std::io::Result<Self> {
        let gzip = reader.fill_buf()?.starts_with(&[0x1f, 0x8b]);
        Ok(if gzip {
            Decoded::Gzip(BufReader::with_capacity(CHUNK_BYTES, MultiGzDecoder::new(reader)))
        } else {
            Decoded::Plain(reader)
        })
    }

    /// Whether the input is gzip.
    pub fn is_gzip(&self) -> bool {
        matches!(self, Decoded::Gzip(_))
    }
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

/// One block's outcome and the Merkle leaf hash of each accepted record
/// (SHA-256(0x00 ‖ record hash), RFC 6962).
pub type BlockOutput = (ParsedBlock, Vec<tlog::Hash>);

/// A chunk of the input, parsed: its blocks in input order.
#[derive(Debug, Default)]
pub struct ParsedChunk {
    /// The blocks, in input order.
    pub blocks: Vec<BlockOutput>,
}

/// Why [`parse_input`] stopped.
#[derive(Debug, thiserror::Error)]
pub enum InputError<E> {
    /// The input could not be read (or decompressed).
    #[error("reading the input: {0}")]
    Read(#[source] std::io::Error),
    /// The caller's consumer refused a chunk.
    #[error(transparent)]
    Consumer(E),
}

/// Parses all of `reader` as `input`-encoded events of `format` and hands
/// each parsed chunk, in input order, to `consume`. With `identities`, a
/// behaviour event naming an identity outside the set is refused. The result
/// is the same, byte for byte, as [`crate::parse_lines`] line by line,
/// whatever the number of cores.
pub fn parse_input<R, E>(
    format: Format,
    input: InputFormat,
    reader: R,
    options: &ParseOptions,
    identities: Option<&HashSet<String>>,
    mut consume: impl FnMut(&mut ParsedChunk) -> Result<(), E> + Send,
) -> Result<(), InputError<E>>
where
    R: BufRead + Send,
    E: Send,
{
    let buffers = Buffers::default();
    let mut chunks = Chunks::new(format, input, reader, options, identities, &buffers);
    let mut next = chunks.next_chunk().map_err(InputError::Read)?;
    let mut parsed_before: Option<ParsedChunk> = None;
    loop {
        let current = next.take();
        let (parsed, step) = rayon::join(
            || current.map(|chunk| parse_chunk(format, chunk, options, identities, &buffers)),
            || -> Result<Option<Chunk>, InputError<E>> {
                if let Some(mut before) = parsed_before.take() {
                    consume(&mut before).map_err(InputError::Consumer)?;
                    buffers.give_blocks(before);
                }
                chunks.next_chunk().map_err(InputError::Read)
            },
        );
        next = step?;
        match parsed {
            Some(parsed) => parsed_before = Some(parsed),
            None => return Ok(()),
        }
    }
}

/// Buffers handed back once consumed and reused for the next chunks:
/// allocating afresh for every chunk on several threads lets the allocator's
/// retained memory creep up.
#[derive(Default)]
struct Buffers {
    chunks: Mutex<Vec<Vec<u8>>>,
    blocks: Mutex<Vec<BlockOutput>>,
}

impl Buffers {
    fn chunk(&self) -> Vec<u8> {
        let reused = self.chunks.lock().expect("buffer pool").pop();
        reused.unwrap_or_else(|| Vec::with_capacity(CHUNK_BYTES + BLOCK_BYTES))
    }

    fn give_chunk(&self, mut bytes: Vec<u8>) {
        bytes.clear();
        self.chunks.lock().expect("buffer pool").push(bytes);
    }

    fn block(&self) -> BlockOutput {
        self.blocks.lock().expect("buffer pool").pop().unwrap_or_default()
    }

    fn give_blocks(&self, chunk: ParsedChunk) {
        self.blocks.lock().expect("buffer pool").extend(chunk.blocks);
    }
}

/// The next piece of input to parse.
enum Chunk {
    /// Whole lines of JSON, cut into blocks.
    Jsonl { bytes: Vec<u8>, blocks: Vec<LineSpan> },
    /// CSV records already parsed (without leaf hashes yet).
    Parsed(ParsedBlock),
}

/// The input, a chunk at a time.
enum Chunks<'a, R: BufRead> {
    Jsonl {
        reader: R,
        carry: Vec<u8>,
        next_line: u64,
        done: bool,
        buffers: &'a Buffers,
    },
    Csv {
        rows: Box<dyn Iterator<Item = Result<ParsedEvent, LineError>> + Send + 'a>,
        format: Format,
        identities: Option<&'a HashSet<String>>,
    },
}

impl<'a, R: BufRead + Send + 'a> Chunks<'a, R> {
    fn new(
        format: Format,
        input: InputFormat,
        reader: R,
        options: &'a ParseOptions,
        identities: Option<&'a HashSet<String>>,
        buffers: &'a Buffers,
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
                rows: Box::new(crate::parse_lines(format, input, reader, options)),
                format,
                identities,
            },
        }
    }

    /// The next chunk, `None` at the end of the input.
    fn next_chunk(&mut self) -> std::io::Result<Option<Chunk>> {
        match self {
            Chunks::Csv {
                rows,
                format,
                identities,
            } => {
                let mut block = ParsedBlock::default();
                for parsed in rows.by_ref().take(CSV_RECORDS) {
                    block.push(parsed.and_then(|event| {
                        crate::check_registered_identity(*format, *identities, event.line, &event.record)?;
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
                let (blocks, lines) = crate::split_jsonl_blocks(&bytes, *next_line, BLOCK_BYTES);
                *next_line += lines;
                Ok(Some(Chunk::Jsonl { bytes, blocks }))
            }
        }
    }
}

/// Parses a chunk's blocks, and hashes their leaves, on every core.
fn parse_chunk(
    format: Format,
    chunk: Chunk,
    options: &ParseOptions,
    identities: Option<&HashSet<String>>,
    buffers: &Buffers,
) -> ParsedChunk {
    let hash_leaves = |(block, mut leaves): BlockOutput| {
        leaves.clear();
        leaves.extend(block.hashes.iter().map(|hash| tlog::leaf_hash(hash)));
        (block, leaves)
    };
    let blocks = match chunk {
        Chunk::Jsonl { bytes, blocks } => {
            let parsed = blocks
                .into_par_iter()
                .map(|span| {
                    let (mut block, leaves) = buffers.block();
                    let lines = &bytes[span.range];
                    crate::parse_jsonl_block_into(format, span.first_line, lines, options, identities, &mut block);
                    hash_leaves((block, leaves))
                })
                .collect();
            buffers.give_chunk(bytes);
            parsed
        }
        Chunk::Parsed(block) => vec![hash_leaves((block, Vec::new()))],
    };
    ParsedChunk { blocks }
}
