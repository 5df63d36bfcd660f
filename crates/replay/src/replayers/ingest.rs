//! EVENTS_INGESTED and IDENTITIES_REGISTERED: the archived raw file is read
//! again, through the very pipeline ingest ran (`ingest::input`), with the
//! recorded parameters; every rebuilt record is compared with the stored
//! one, and the entry's counts, Merkle root, raw hash and quarantine list
//! with the rebuilt ones.

use super::inside;
use crate::error::ReplayError;
use crate::finding::{Finding, FindingKind};
use crate::registry::{ReplayContext, Replayer};
use ingest::input::{Decoded, InputError};
use ingest::{Format, InputFormat, ParseOptions};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufReader, Read};

/// Replays an ingest.
#[derive(Debug, Clone, Copy)]
pub struct IngestReplayer;

/// What the entry recorded about its input and how it was read.
struct Recorded {
    format: Format,
    input: InputFormat,
    compression: String,
    options: ParseOptions,
    quarantine: bool,
    raw: String,
    raw_sha256: String,
    raw_bytes: u64,
}

/// The record file a format's records go to (DESIGN's store layout).
fn record_file(format: Format) -> String {
    match format {
        Format::Identity => "identities.jsonl".to_owned(),
        other => format!("events/{other}.jsonl"),
    }
}

fn recorded(context: &ReplayContext<'_>) -> Result<Recorded, String> {
    let entry = context.entry();
    let text = |section: &serde_json::Map<String, Value>, name: &str, field: &str| {
        section
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("the entry lacks {field}, a string"))
    };
    let flag = |name: &str| {
        entry
            .params
            .get(name)
            .and_then(Value::as_bool)
            .ok_or_else(|| format!("the entry lacks params.{name}, a boolean"))
    };
    let format_name = text(&entry.params, "format", "params.format")?;
    let format: Format = format_name
        .parse()
        .map_err(|_| format!("params.format {format_name:?} is not an input format"))?;
    let input = match text(&entry.params, "input_format", "params.input_format")?.as_str() {
        "jsonl" => InputFormat::Jsonl,
        "csv" => InputFormat::Csv,
        other => return Err(format!("params.input_format {other:?} is neither jsonl nor csv")),
    };
    let raw_bytes = entry
        .inputs
        .get("raw_bytes")
        .and_then(Value::as_u64)
        .ok_or("the entry lacks inputs.raw_bytes, a count")?;
    Ok(Recorded {
        format,
        input,
        compression: text(&entry.params, "compression", "params.compression")?,
        options: ParseOptions {
            assume_utc: flag("assume_utc")?,
        },
        quarantine: flag("quarantine")?,
        raw: text(&entry.inputs, "raw", "inputs.raw")?,
        raw_sha256: text(&entry.inputs, "raw_sha256", "inputs.raw_sha256")?,
        raw_bytes,
    })
}

/// The raw bytes as they are read, hashed and counted.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.hasher.update(&buffer[..read]);
        self.bytes += read as u64;
        Ok(read)
    }
}

impl Replayer for IngestReplayer {
    fn replay(&self, context: &mut ReplayContext<'_>) -> Result<(), ReplayError> {
        let recorded = match recorded(context) {
            Ok(recorded) => recorded,
            Err(problem) => {
                context.entry_problem(FindingKind::ReplayMismatch, format!("cannot replay: {problem}"));
                return context.check_remaining_without_replay();
            }
        };
        let expected_raw = format!("raw/sha256/{}", recorded.raw_sha256);
        if recorded.raw != expected_raw || !inside(&recorded.raw, "raw/sha256") {
            context.check_field(
                "inputs.raw",
                Some(&Value::from(recorded.raw.clone())),
                &Value::from(expected_raw),
            );
            return context.check_remaining_without_replay();
        }
        let raw_path = context.root().join(&recorded.raw);
        let raw = match File::open(&raw_path) {
            Ok(raw) => raw,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                context.file_problem(Finding::new(
                    FindingKind::MissingRaw,
                    &recorded.raw,
                    None,
                    "the archived raw file this entry ingested is missing: its events cannot be replayed, only checked against their recorded hashes",
                ));
                return context.check_remaining_without_replay();
            }
            Err(source) => return Err(ReplayError::Io { path: raw_path, source }),
        };
        let identities = match recorded.format {
            Format::Behavior => Some(context.registered_identities()?),
            _ => None,
        };

        let file = record_file(recorded.format);
        let mut hashing = BufReader::with_capacity(
            256 << 10,
            Hashing {
                inner: raw,
                hasher: Sha256::new(),
                bytes: 0,
            },
        );
        let mut quarantine_lines: Vec<String> = Vec::new();
        let mut refused: Option<ingest::LineError> = None;
        let mut gzip = false;
        let mut unreadable: Option<String> = None;
        let (count, root) = {
            let mut rebuilt = context.rebuild_records(&file)?;
            match Decoded::new(&mut hashing) {
                Err(e) => unreadable = Some(e.to_string()),
                Ok(mut decoded) => {
                    gzip = decoded.is_gzip();
                    let parsed = ingest::input::parse_input(
                        recorded.format,
                        recorded.input,
                        &mut decoded,
                        &recorded.options,
                        identities.as_ref(),
                        |chunk| -> Result<(), ReplayError> {
                            for (block, leaves) in &mut chunk.blocks {
                                for error in block.rejected.drain(..) {
                                    quarantine_lines.push(error.quarantine_line());
                                    refused.get_or_insert(error);
                                }
                                let records = block.records.split(|b| *b == b'\n');
                                for (record, leaf) in records.zip(leaves.iter()) {
                                    rebuilt.push(record, *leaf)?;
                                }
                            }
                            Ok(())
                        },
                    );
                    match parsed {
                        Ok(()) => {}
                        Err(InputError::Consumer(error)) => return Err(error),
                        Err(InputError::Read(error)) => unreadable = Some(error.to_string()),
                    }
                }
            }
            rebuilt.finish()
        };
        // Ingest hashed every byte of the file, including any after the
        // data the parser stopped at.
        std::io::copy(&mut hashing, &mut std::io::sink()).map_err(|source| ReplayError::Io {
            path: raw_path.clone(),
            source,
        })?;
        let hashing = hashing.into_inner();
        context.count_raw(hashing.bytes);
        let raw_sha256 = hex::encode(hashing.hasher.finalize());
        if raw_sha256 != recorded.raw_sha256 || hashing.bytes != recorded.raw_bytes {
            context.file_problem(Finding::new(
                FindingKind::AlteredRaw,
                &recorded.raw,
                None,
                format!(
                    "the archived raw file is {} bytes hashing to {raw_sha256}; the entry recorded {} bytes hashing to {}: it was changed after ingest, and the replay of this entry read it as it is now",
                    hashing.bytes, recorded.raw_bytes, recorded.raw_sha256
                ),
            ));
        }
        if let Some(problem) = unreadable {
            context.entry_problem(
                FindingKind::ReplayMismatch,
                format!("the raw file {} no longer reads to the end: {problem}", recorded.raw),
            );
        }
        let rebuilt_compression = if gzip { "gzip" } else { "none" };
        context.check_field(
            "params.compression",
            Some(&Value::from(recorded.compression.clone())),
            &Value::from(rebuilt_compression),
        );
        context.check_rebuilt(&file, count, root);
        let outputs = context.entry().outputs.clone();
        context.check_field("outputs.events", outputs.get("events"), &json!(count));
        if !recorded.quarantine
            && let Some(error) = refused
        {
            context.entry_problem(
                FindingKind::ReplayMismatch,
                format!(
                    "the entry ingested the file whole, but replay refuses {} of its lines, the first: {error}",
                    quarantine_lines.len()
                ),
            );
            return context.check_remaining_without_replay();
        }
        context.check_field(
            "outputs.rejected",
            outputs.get("rejected"),
            &json!(quarantine_lines.len()),
        );
        check_quarantine(context, &outputs, &quarantine_lines)?;
        context.check_remaining_without_replay()
    }
}

/// The quarantine list: the entry's path and hash, and the file's lines,
/// against the rejected lines replay rebuilt.
fn check_quarantine(
    context: &mut ReplayContext<'_>,
    outputs: &serde_json::Map<String, Value>,
    rebuilt: &[String],
) -> Result<(), ReplayError> {
    let rebuilt_sha256 = (!rebuilt.is_empty()).then(|| {
        let mut hasher = Sha256::new();
        for line in rebuilt {
            hasher.update(line.as_bytes());
        }
        hex::encode(hasher.finalize())
    });
    context.check_field(
        "outputs.quarantine_sha256",
        outputs.get("quarantine_sha256"),
        &json!(rebuilt_sha256),
    );
    let Some(path) = outputs.get("quarantine").and_then(Value::as_str) else {
        if !rebuilt.is_empty() {
            context.check_field("outputs.quarantine", outputs.get("quarantine"), &json!("quarantine/…"));
        }
        return Ok(());
    };
    if !inside(path, "quarantine") {
        context.entry_problem(
            FindingKind::ReplayMismatch,
            format!("outputs.quarantine {path:?} is not a file in quarantine/"),
        );
        return Ok(());
    }
    let full = context.root().join(path);
    let stored = match std::fs::read(&full) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            context.file_problem(Finding::new(
                FindingKind::MissingQuarantine,
                path,
                None,
                "the list of rejected lines this entry recorded is missing",
            ));
            return Ok(());
        }
        Err(source) => return Err(ReplayError::Io { path: full, source }),
    };
    let mut stored_lines = stored.split_inclusive(|b| *b == b'\n');
    for (index, expected) in rebuilt.iter().enumerate() {
        let line = index as u64 + 1;
        match stored_lines.next() {
            Some(found) if found == expected.as_bytes() => {}
            Some(found) => {
                context.file_problem(
                    Finding::new(
                        FindingKind::AlteredQuarantine,
                        path,
                        Some(line),
                        "this rejected line differs from the one replay rebuilds",
                    )
                    .with_difference(
                        "line",
                        String::from_utf8_lossy(found).trim_end().to_owned(),
                        expected.trim_end().to_owned(),
                    ),
                );
                return Ok(());
            }
            None => {
                context.file_problem(Finding::new(
                    FindingKind::AlteredQuarantine,
                    path,
                    Some(line),
                    format!("the list ends here; replay rejects {} lines", rebuilt.len()),
                ));
                return Ok(());
            }
        }
    }
    if stored_lines.next().is_some() {
        context.file_problem(Finding::new(
            FindingKind::AlteredQuarantine,
            path,
            Some(rebuilt.len() as u64 + 1),
            format!("a line beyond the {} that replay rejects", rebuilt.len()),
        ));
    }
    Ok(())
}
