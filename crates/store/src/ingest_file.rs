//! Ingesting one input file: the raw bytes archived, the events parsed and
//! appended to `events/<format>.jsonl` (identities to `identities.jsonl`),
//! and one EVENTS_INGESTED (IDENTITIES_REGISTERED) entry, all or nothing.
//!
//! One pass reads the file once: the raw bytes are hashed and archived as
//! they are read (gzip input, recognised by its magic bytes, is archived
//! compressed and parsed decompressed), JSON Lines are cut into chunks of
//! lines parsed and sealed on every core, and the records are appended in
//! input order, the next chunk being parsed while the last one is written.
//! A duplicate is refused up front when an earlier ingest had a file of the
//! same size (the file is then hashed first), otherwise once the pass has
//! hashed it.
//! By default one bad line stops the ingest with an error naming the line,
//! and everything written so far (records, archive copy, directories) is
//! removed, leaving the store byte-identical. With `quarantine`, bad lines
//! are listed (line, field, expected, found) in
//! `quarantine/ingest-<raw hash>.jsonl`, whose hash the entry records, and
//! the good ones are ingested. A behaviour event must name an identity
//! already registered in `identities.jsonl`.

mod quarantine;
mod tee;

use crate::error::StoreError;
use crate::raw::Incoming;
use crate::record_file::RecordFile;
use crate::stream::RecordStream;
use crate::writer::Store;
use ingest::input::{CHUNK_BYTES, Decoded, InputError, ParsedChunk};
use ingest::{Format, InputFormat, LineError, ParseOptions};
use ledger::EntryDraft;
use model::Action;
use quarantine::QuarantineList;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use tee::Tee;

/// The raw file reader's buffer.
const READ_BUFFER: usize = 256 << 10;

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

    let source = File::open(&request.path).map_err(io(&request.path))?;
    let size = source.metadata().map_err(io(&request.path))?.len();
    let earlier = if request.allow_duplicate {
        Vec::new()
    } else {
        earlier_ingests(store)?
    };
    let duplicate_of = |sha256: &str| earlier.iter().find(|e| e.sha256 == sha256).map(|e| e.seq);
    // Only a file of the same size as an earlier one can be a duplicate;
    // hashing it first then saves parsing it in vain.
    let hashed_first = if earlier.iter().any(|e| e.bytes == size) {
        Some(hash_file(&request.path).map_err(io(&request.path))?)
    } else {
        None
    };
    if let Some(sha256) = &hashed_first
        && let Some(seq) = duplicate_of(sha256)
    {
        return Err(IngestError::Duplicate {
            file: file_label,
            sha256: sha256.clone(),
            seq,
        });
    }
    let identities = match request.format {
        Format::Behavior => Some(registered_identities(store)?),
        _ => None,
    };

    // A small buffer: large reads of JSON Lines bypass it (see
    // `ingest::input`); it serves the gzip check and the decompressor.
    let mut tee = BufReader::with_capacity(READ_BUFFER, Tee::new(source, Incoming::create(store.root())?));
    let (events_file, action) = destination(request.format);
    let events_file = RecordFile::new(events_file).map_err(IngestError::Store)?;
    let mut quarantine = QuarantineList::new(store.root());
    let mut stream = store.stream(events_file)?;
    let mut decoded = Decoded::new(&mut tee).map_err(io(&request.path))?;
    let gzip = decoded.is_gzip();
    let mut sink = Sink {
        stream: &mut stream,
        quarantine: request.quarantine.then_some(&mut quarantine),
        file: &file_label,
    };
    let parsed = ingest::input::parse_input(
        request.format,
        input_format,
        &mut decoded,
        &request.options,
        identities.as_ref(),
        |chunk| sink.append(chunk),
    );
    match parsed {
        Ok(()) => {}
        Err(InputError::Consumer(error)) => return Err(error),
        Err(InputError::Read(error)) => return Err(read_error(&file_label, gzip, error)),
    }
    drop(decoded);
    // The parser stops at the end of the data; the archive must hold every byte.
    std::io::copy(&mut tee, &mut std::io::sink()).map_err(io(&request.path))?;
    let archive = tee.into_inner().into_archive()?;
    let sha256 = archive.sha256_so_far();
    if hashed_first.as_ref().is_some_and(|first| *first != sha256) {
        return Err(IngestError::ChangedDuringIngest { file: file_label });
    }
    if let Some(seq) = duplicate_of(&sha256) {
        return Err(IngestError::Duplicate {
            file: file_label,
            sha256,
            seq,
        });
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

/// Where parsed chunks go, in input order.
struct Sink<'s, 'store> {
    stream: &'s mut RecordStream<'store>,
    /// `None`: the first bad line fails the ingest.
    quarantine: Option<&'s mut QuarantineList>,
    file: &'s str,
}

impl Sink<'_, '_> {
    fn append(&mut self, parsed: &mut ParsedChunk) -> Result<(), IngestError> {
        for (block, leaves) in &mut parsed.blocks {
            for error in block.rejected.drain(..) {
                match self.quarantine.as_deref_mut() {
                    Some(quarantine) => quarantine.push(&error)?,
                    None => {
                        return Err(IngestError::BadLine {
                            file: self.file.to_owned(),
                            error,
                        });
                    }
                }
            }
            self.stream.push_lines(&block.records, leaves)?;
        }
        Ok(())
    }
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

/// A raw file an earlier entry ingested.
struct EarlierIngest {
    seq: u64,
    sha256: String,
    bytes: u64,
}

/// The raw files of every earlier ingest, in ledger order.
fn earlier_ingests(store: &Store) -> Result<Vec<EarlierIngest>, StoreError> {
    let mut earlier = Vec::new();
    for read in ledger::reader::read_lines(store.root(), |_| true)? {
        let Ok(entry) = read.entry else { continue };
        if !matches!(entry.action, Action::EventsIngested | Action::IdentitiesRegistered) {
            continue;
        }
        let sha256 = entry.inputs.get("raw_sha256").and_then(Value::as_str);
        let bytes = entry.inputs.get("raw_bytes").and_then(Value::as_u64);
        if let (Some(sha256), Some(bytes)) = (sha256, bytes) {
            earlier.push(EarlierIngest {
                seq: entry.seq,
                sha256: sha256.to_owned(),
                bytes,
            });
        }
    }
    Ok(earlier)
}
