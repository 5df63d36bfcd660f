//! Ingesting one input file: the raw bytes archived, the events parsed and
//! appended to `events/<format>.jsonl` (identities to `identities.jsonl`),
//! and one EVENTS_INGESTED (IDENTITIES_REGISTERED) entry, all or nothing.
//!
//! A first pass parses and hashes the file without writing anything: by
//! default one bad line ends the ingest with an error and the store is left
//! byte-identical. With `quarantine`, bad lines are listed (line, field,
//! expected, found) in `quarantine/ingest-<raw hash>.jsonl`, whose hash the
//! entry records, and the good ones are ingested. The second pass reads the
//! archived copy, so what is parsed is exactly what was archived.

use crate::error::StoreError;
use crate::raw;
use crate::record_file::RecordFile;
use crate::writer::Store;
use ingest::{Format, InputFormat, LineError, ParseOptions};
use ledger::EntryDraft;
use model::Action;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

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

    // Pass 1: validate and hash, writing nothing.
    let source = File::open(&request.path).map_err(io(&request.path))?;
    let mut hashing = HashingReader {
        inner: source,
        hasher: Sha256::new(),
    };
    let mut rejected: Vec<LineError> = Vec::new();
    for parsed in ingest::parse_lines(
        request.format,
        input_format,
        BufReader::new(&mut hashing),
        &request.options,
    ) {
        if let Err(error) = parsed {
            if !request.quarantine {
                return Err(IngestError::BadLine {
                    file: file_label,
                    error,
                });
            }
            rejected.push(error);
        }
    }
    std::io::copy(&mut hashing, &mut std::io::sink()).map_err(io(&request.path))?;
    let sha256 = hex::encode(hashing.hasher.finalize());
    if !request.allow_duplicate
        && let Some(seq) = earlier_ingest(store, &sha256)?
    {
        return Err(IngestError::Duplicate {
            file: file_label,
            sha256,
            seq,
        });
    }

    // Pass 2: archive, then parse the archived copy into the event file.
    let mut source = File::open(&request.path).map_err(io(&request.path))?;
    let archived = raw::archive(store.root(), &mut source)?;
    if archived.sha256 != sha256 {
        return Err(IngestError::ChangedDuringIngest { file: file_label });
    }
    let quarantine = if rejected.is_empty() {
        None
    } else {
        Some(write_quarantine(store, &sha256, &rejected)?)
    };
    let raw_path = store.root().join(&archived.relative_path);
    let archived_file = File::open(&raw_path).map_err(io(&raw_path))?;
    let (events_file, action) = destination(request.format);
    let events_file = RecordFile::new(events_file).map_err(IngestError::Store)?;
    let mut stream = store.stream(events_file)?;
    // The lines refused here are exactly those pass 1 refused (same bytes,
    // same parser), already listed in the quarantine.
    let accepted = ingest::parse_lines(
        request.format,
        input_format,
        BufReader::new(archived_file),
        &request.options,
    );
    for event in accepted.flatten() {
        stream.push(event.record)?;
    }
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
            "rejected": rejected.len(),
            "quarantine": quarantine.as_ref().map(|(path, _)| path.clone()),
            "quarantine_sha256": quarantine.as_ref().map(|(_, hash)| hash.clone()),
        }));
    let recorded = stream.commit(draft)?;
    Ok(IngestedFile {
        seq: recorded.entry.seq,
        events,
        rejected: rejected.len() as u64,
        raw_sha256: sha256,
        quarantine: quarantine.map(|(path, _)| path),
    })
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

/// Writes the rejected lines' reasons as canonical JSON lines; returns the
/// path relative to the store and the file's SHA-256.
fn write_quarantine(store: &Store, sha256: &str, rejected: &[LineError]) -> Result<(String, String), StoreError> {
    let mut text = String::new();
    for error in rejected {
        let line = model::canonical::to_canonical_string(&json!({
            "line": error.line,
            "field": error.field,
            "expected": error.expected,
            "found": error.found,
        }))
        .map_err(|e| StoreError::Io {
            path: store.root().to_owned(),
            source: std::io::Error::other(e.to_string()),
        })?;
        text.push_str(&line);
        text.push('\n');
    }
    let relative = format!("quarantine/ingest-{}.jsonl", &sha256[..16]);
    let path = store.root().join(&relative);
    std::fs::create_dir_all(path.parent().unwrap_or(store.root())).map_err(StoreError::io(&path))?;
    std::fs::write(&path, text.as_bytes()).map_err(StoreError::io(&path))?;
    Ok((relative, model::digest::sha256_hex(text.as_bytes())))
}

struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.hasher.update(&buffer[..read]);
        Ok(read)
    }
}
