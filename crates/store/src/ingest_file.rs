//! Ingesting one input file: the raw bytes archived, the events parsed and
//! appended to `events/<format>.jsonl` (identities to `identities.jsonl`),
//! and one EVENTS_INGESTED (IDENTITIES_REGISTERED) entry, all or nothing.
//!
//! The file is first only hashed, so that a duplicate is refused before any
//! work. Then one pass reads it once: the raw bytes are archived as they are
//! read (gzip input, recognised by its magic bytes, is archived compressed
//! and parsed decompressed), JSON Lines are cut into chunks of lines parsed
//! and sealed on every core, and the records are appended in input order.
//! By default one bad line stops the ingest with an error naming the line,
//! and everything written so far (records, archive copy, directories) is
//! removed, leaving the store byte-identical. With `quarantine`, bad lines
//! are listed (line, field, expected, found) in
//! `quarantine/ingest-<raw hash>.jsonl`, whose hash the entry records, and
//! the good ones are ingested. A behaviour event must name an identity
//! already registered in `identities.jsonl`.

use crate::error::StoreError;
use crate::raw::Incoming;
use crate::record_file::RecordFile;
use crate::writer::Store;
use flate2::bufread::MultiGzDecoder;
use ingest::{Format, InputFormat, LineError, ParseOptions, ParsedEvent};
use ledger::EntryDraft;
use model::Action;
use rayon::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

/// Bytes of JSON Lines handed to the cores at a time: large enough to keep
/// them busy, small enough that memory stays flat whatever the file size.
const CHUNK_BYTES: usize = 1 << 20;
/// CSV records per batch (CSV is parsed on one core: a quoted cell may span
/// lines, so the input cannot be cut at line ends blindly).
const CSV_BATCH: usize = 4096;

/// What to ingest and how.
#[derive(Debug, Clone)]
pub struct IngestRequest {
    /// The input format.
    pub format: Format,
    /// The file.
    pub path: PathBuf,
    /// JSONL or CSV; from the file name when `None`.
    pub input_format: Option<InputFormat>,
    /// Parsing options (recorded in the entry).
    pub options: ParseOptions,
    /// Ingest the good lines and quarantine the bad ones instead of refusing the file.
    pub quarantine: bool,
    /// Ingest a file whose exact bytes were ingested before.
    pub allow_duplicate: bool,
}

/// What an ingest wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestedFile {
    /// The EVENTS_INGESTED entry's seq.
    pub seq: u64,
    /// Events appended.
    pub events: u64,
    /// Lines rejected (only with quarantine).
    pub rejected: u64,
    /// SHA-256 of the raw file, hex.
    pub raw_sha256: String,
    /// The quarantine file, relative to the store, if lines were rejected.
    pub quarantine: Option<String>,
}

/// Why a file was not ingested.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// A line is not a valid event of the format (nothing was written).
    #[error("{file}:{}: {}expected {}, found {}", error.line, error.field.as_ref().map(|f| format!("field `{f}`: ")).unwrap_or_default(), error.expected, error.found)]
    BadLine {
        /// The file as given.
        file: String,
        /// The line, field, expectation and finding.
        error: LineError,
    },
    /// The input format could not be told from the file name.
    #[error(
        "{file}: cannot tell JSONL from CSV by the file name; expected .jsonl, .ndjson, .json or .csv, or pass --input-format"
    )]
    UnknownInputFormat {
        /// The file as given.
        file: String,
    },
    /// These exact bytes were ingested before.
    #[error(
        "{file}: these exact bytes (sha256 {sha256}) were ingested before, at seq {seq}; pass --allow-duplicate to ingest them again"
    )]
    Duplicate {
        /// The file as given.
        file: String,
        /// Its hash.
        sha256: String,
        /// The earlier EVENTS_INGESTED entry.
        seq: u64,
    },
    /// The file starts like gzip but does not decompress.
    #[error("{file}: expected gzip-compressed data (the file starts with the gzip magic bytes), but {reason}")]
    BadGzip {
        /// The file as given.
        file: String,
        /// What the decompressor said.
        reason: String,
    },
    /// The file changed between the two passes.
    #[error("{file}: the file changed while it was being ingested")]
    ChangedDuringIngest {
        /// The file as given.
        file: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Ingests one file into the store.
pub fn ingest_file(store: &mut Store, request: &IngestRequest) -> Result<IngestedFile, IngestError> {
    let file_label = request.path.display().to_string();
    let input_format = match request.input_format {
        Some(input) => input,
        None => InputFormat::from_file_name(&file_label).ok_or_else(|| IngestError::UnknownInputFormat {
            file: file_label.clone(),
        })?,
    };
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| IngestError::Store(StoreError::Io { path, source })
    };

    let sha256 = hash_file(&request.path).map_err(io(&request.path))?;
    if !request.allow_duplicate
        && let Some(seq) = earlier_ingest(store, &sha256)?
    {
        return Err(IngestError::Duplicate {
            file: file_label,
            sha256,
            seq,
        });
    }
    let known_identities = match request.format {
        Format::Behavior => Some(registered_identities(store)?),
        _ => None,
    };

    let source = File::open(&request.path).map_err(io(&request.path))?;
    let mut tee = BufReader::with_capacity(
        CHUNK_BYTES,
        Tee {
            inner: source,
            archive: Incoming::create(store.root())?,
            error: None,
        },
    );
    let gzip = tee.fill_buf().map_err(io(&request.path))?.starts_with(&[0x1f, 0x8b]);
    let (events_file, action) = destination(request.format);
    let events_file = RecordFile::new(events_file).map_err(IngestError::Store)?;
    let mut quarantine = QuarantineList::new(store.root());
    let mut stream = store.stream(events_file)?;
    let mut decoded = if gzip {
        Decoded::Gzip(BufReader::with_capacity(CHUNK_BYTES, MultiGzDecoder::new(&mut tee)))
    } else {
        Decoded::Plain(&mut tee)
    };
    let mut batches = Batches::new(request.format, input_format, &mut decoded, &request.options);
    while let Some(batch) = batches.next_batch() {
        let batch = batch.map_err(|error| read_error(&file_label, gzip, error))?;
        for parsed in batch {
            let checked = parsed.and_then(|event| match &known_identities {
                Some(known) => check_identity(known, event),
                None => Ok(event),
            });
            match checked {
                Ok(event) => stream.push_sealed(event.sealed)?,
                Err(error) if request.quarantine => quarantine.push(error)?,
                Err(error) => {
                    return Err(IngestError::BadLine {
                        file: file_label,
                        error,
                    });
                }
            }
        }
    }
    drop(batches);
    drop(decoded);
    // The parser stops at the end of the data; the archive must hold every byte.
    std::io::copy(&mut tee, &mut std::io::sink()).map_err(io(&request.path))?;
    let Tee { archive, error, .. } = tee.into_inner();
    if let Some(error) = error {
        return Err(IngestError::Store(error));
    }
    if archive.sha256_so_far() != sha256 {
        return Err(IngestError::ChangedDuringIngest { file: file_label });
    }
    let archived = archive.finish()?;
    let quarantine = quarantine.finish(&sha256)?;
    let events = stream.count();
    let source_name = request
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let draft = EntryDraft::new(action)
        .params(json!({
            "format": request.format.to_string(),
            "input_format": match input_format { InputFormat::Jsonl => "jsonl", InputFormat::Csv => "csv" },
            "compression": if gzip { "gzip" } else { "none" },
            "assume_utc": request.options.assume_utc,
            "quarantine": request.quarantine,
        }))
        .inputs(json!({
            "source": source_name,
            "raw": archived.relative_path,
            "raw_sha256": sha256,
            "raw_bytes": archived.bytes,
        }))
        .outputs(json!({
            "events": events,
            "rejected": quarantine.as_ref().map_or(0, |q| q.lines),
            "quarantine": quarantine.as_ref().map(|q| q.path.clone()),
            "quarantine_sha256": quarantine.as_ref().map(|q| q.sha256.clone()),
        }));
    let recorded = stream.commit(draft)?;
    Ok(IngestedFile {
        seq: recorded.entry.seq,
        events,
        rejected: quarantine.as_ref().map_or(0, |q| q.lines),
        raw_sha256: sha256,
        quarantine: quarantine.map(|q| q.path),
    })
}

fn read_error(file: &str, gzip: bool, error: std::io::Error) -> IngestError {
    if gzip
        && matches!(
            error.kind(),
            std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput | std::io::ErrorKind::UnexpectedEof
        )
    {
        IngestError::BadGzip {
            file: file.to_owned(),
            reason: error.to_string(),
        }
    } else {
        IngestError::Store(StoreError::Io {
            path: PathBuf::from(file),
            source: error,
        })
    }
}

/// SHA-256 of a file, hex.
fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; CHUNK_BYTES];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            return Ok(hex::encode(hasher.finalize()));
        }
        hasher.update(&buffer[..read]);
    }
}

/// The raw bytes as they are read, copied into the archive.
struct Tee {
    inner: File,
    archive: Incoming,
    /// The archive's write error, kept whole (a `Read` can only return
    /// `std::io::Error`).
    error: Option<StoreError>,
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
enum Decoded<'a, R: BufRead> {
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

type ParseResult = Result<ParsedEvent, LineError>;

/// Parsed lines in input order, a batch at a time.
enum Batches<'a, R: BufRead> {
    /// JSON Lines: chunks cut at line ends, each parsed on every core.
    Jsonl {
        reader: R,
        format: Format,
        options: &'a ParseOptions,
        carry: Vec<u8>,
        next_line: u64,
        done: bool,
    },
    /// CSV: parsed on one core.
    Csv(Box<dyn Iterator<Item = ParseResult> + 'a>),
}

impl<'a, R: BufRead + 'a> Batches<'a, R> {
    fn new(format: Format, input: InputFormat, reader: R, options: &'a ParseOptions) -> Self {
        match input {
            InputFormat::Jsonl => Batches::Jsonl {
                reader,
                format,
                options,
                carry: Vec::new(),
                next_line: 1,
                done: false,
            },
            InputFormat::Csv => Batches::Csv(Box::new(ingest::parse_lines(format, input, reader, options))),
        }
    }

    fn next_batch(&mut self) -> Option<std::io::Result<Vec<ParseResult>>> {
        match self {
            Batches::Csv(rows) => {
                let batch: Vec<ParseResult> = rows.by_ref().take(CSV_BATCH).collect();
                (!batch.is_empty()).then_some(Ok(batch))
            }
            Batches::Jsonl {
                reader,
                format,
                options,
                carry,
                next_line,
                done,
            } => {
                if *done {
                    return None;
                }
                let mut chunk = std::mem::take(carry);
                // Read until the chunk is large enough and ends a line (a
                // line longer than a chunk is read whole), or the input ends.
                loop {
                    let available = match reader.fill_buf() {
                        Ok(available) => available,
                        Err(error) => return Some(Err(error)),
                    };
                    if available.is_empty() {
                        *done = true;
                        break;
                    }
                    let taken = available.len();
                    chunk.extend_from_slice(available);
                    reader.consume(taken);
                    if chunk.len() >= CHUNK_BYTES && chunk.contains(&b'\n') {
                        break;
                    }
                }
                if !*done {
                    let end = chunk.iter().rposition(|b| *b == b'\n').map_or(0, |at| at + 1);
                    *carry = chunk.split_off(end);
                }
                let first_line = *next_line;
                let lines: Vec<&[u8]> = chunk.split_inclusive(|b| *b == b'\n').collect();
                *next_line += lines.len() as u64;
                let (format, options) = (*format, *options);
                let parsed = lines
                    .par_iter()
                    .enumerate()
                    .filter_map(|(i, bytes)| ingest::parse_jsonl_line(format, first_line + i as u64, bytes, options))
                    .collect();
                Some(Ok(parsed))
            }
        }
    }
}

/// Every identity id in `identities.jsonl`.
fn registered_identities(store: &Store) -> Result<HashSet<String>, StoreError> {
    let path = store.root().join("identities.jsonl");
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashSet::new()),
        Err(e) => return Err(StoreError::Io { path, source: e }),
    };
    let mut known = HashSet::new();
    for line in BufReader::new(file).lines() {
        let line = line.map_err(StoreError::io(&path))?;
        let id = serde_json::from_str::<Value>(&line)
            .ok()
            .and_then(|record| record.get("identity_id").and_then(Value::as_str).map(str::to_owned));
        known.extend(id);
    }
    Ok(known)
}

fn check_identity(known: &HashSet<String>, event: ParsedEvent) -> Result<ParsedEvent, LineError> {
    let id = event
        .record
        .get("identity_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if known.contains(id) {
        return Ok(event);
    }
    Err(LineError {
        line: event.line,
        field: Some("identity_id".to_owned()),
        expected: "an identity registered in identities.jsonl (ingest the identities first)".to_owned(),
        found: format!("{id:?}"),
    })
}

/// Rejected lines with their reasons, streamed to a temporary file that
/// becomes the quarantine file when the ingest succeeds and is removed
/// otherwise (also on drop), so memory does not grow with bad lines.
struct QuarantineList {
    root: PathBuf,
    incoming: Option<(File, PathBuf)>,
    created_dir: bool,
    hasher: Sha256,
    lines: u64,
}

/// The quarantine file written for an ingest.
struct QuarantineFile {
    path: String,
    sha256: String,
    lines: u64,
}

impl QuarantineList {
    fn new(root: &Path) -> Self {
        QuarantineList {
            root: root.to_owned(),
            incoming: None,
            created_dir: false,
            hasher: Sha256::new(),
            lines: 0,
        }
    }

    fn push(&mut self, error: LineError) -> Result<(), StoreError> {
        let mut line = model::canonical::to_canonical_string(&json!({
            "line": error.line,
            "field": error.field,
            "expected": error.expected,
            "found": error.found,
        }))
        .expect("strings and a line number have a canonical form");
        line.push('\n');
        if self.incoming.is_none() {
            let dir = self.root.join("quarantine");
            self.created_dir = !dir.exists();
            fs::create_dir_all(&dir).map_err(StoreError::io(&dir))?;
            let path = dir.join(format!(".incoming-ingest-{}", std::process::id()));
            let file = File::create(&path).map_err(StoreError::io(&path))?;
            self.incoming = Some((file, path));
        }
        let (file, path) = self.incoming.as_mut().expect("created above");
        file.write_all(line.as_bytes()).map_err(StoreError::io(&*path))?;
        self.hasher.update(line.as_bytes());
        self.lines += 1;
        Ok(())
    }

    /// Gives the list a name no earlier ingest used; `None` when empty.
    fn finish(mut self, sha256: &str) -> Result<Option<QuarantineFile>, StoreError> {
        let Some((file, incoming)) = self.incoming.take() else {
            return Ok(None);
        };
        file.sync_all().map_err(StoreError::io(&incoming))?;
        drop(file);
        let stem = format!("ingest-{}", &sha256[..16]);
        let relative = (1..)
            .map(|n| match n {
                1 => format!("quarantine/{stem}.jsonl"),
                n => format!("quarantine/{stem}-{n}.jsonl"),
            })
            .find(|relative| !self.root.join(relative).exists())
            .expect("some name is free");
        let path = self.root.join(&relative);
        // A link, not a rename: it never replaces a file of the same name.
        fs::hard_link(&incoming, &path).map_err(StoreError::io(&path))?;
        fs::remove_file(&incoming).map_err(StoreError::io(&incoming))?;
        self.created_dir = false;
        Ok(Some(QuarantineFile {
            path: relative,
            sha256: hex::encode(self.hasher.clone().finalize()),
            lines: self.lines,
        }))
    }
}

impl Drop for QuarantineList {
    fn drop(&mut self) {
        if let Some((file, path)) = self.incoming.take() {
            drop(file);
            let _ = fs::remove_file(path);
        }
        if self.created_dir {
            let _ = fs::remove_dir(self.root.join("quarantine"));
        }
    }
}

/// Where a format's records go, and the action that records them:
/// identities are a registry of their own (DESIGN: `identities.jsonl`,
/// IDENTITIES_REGISTERED), every other format is events.
fn destination(format: Format) -> (&'static str, Action) {
    match format {
        Format::Metric => ("events/metric.jsonl", Action::EventsIngested),
        Format::Auth => ("events/auth.jsonl", Action::EventsIngested),
        Format::Proxy => ("events/proxy.jsonl", Action::EventsIngested),
        Format::Behavior => ("events/behavior.jsonl", Action::EventsIngested),
        Format::Identity => ("identities.jsonl", Action::IdentitiesRegistered),
    }
}

/// The seq of an earlier ingest of the same raw bytes.
fn earlier_ingest(store: &Store, sha256: &str) -> Result<Option<u64>, StoreError> {
    for read in ledger::reader::read_lines(store.root(), |_| true)? {
        let Ok(entry) = read.entry else { continue };
        if matches!(entry.action, Action::EventsIngested | Action::IdentitiesRegistered)
            && entry.inputs.get("raw_sha256").and_then(Value::as_str) == Some(sha256)
        {
            return Ok(Some(entry.seq));
        }
    }
    Ok(None)
}
