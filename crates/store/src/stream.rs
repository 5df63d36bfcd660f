//! Streaming appends to one record file, for actions whose records do not
//! fit in memory (ingesting a large file): records are sealed and written as
//! they come, and count only once [`RecordStream::commit`] has appended the
//! entry that accounts for them. [`RecordStream::abort`], or dropping the
//! stream, cuts the file back to where it was.

use crate::error::StoreError;
use crate::record_file::RecordFile;
use crate::writeback::EarlyWriteback;
use crate::writer::{RecordedAction, RecordedBatch, Store};
use ledger::EntryDraft;
use serde_json::Value;
use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// The buffer for records pushed one at a time. Callers that push many
/// lines at once (ingest hands over blocks of about 100 KiB) write straight
/// to the file past it, saving a copy.
const WRITE_BUFFER: usize = 64 << 10;

/// Records being appended to one file, not yet accounted for.
#[derive(Debug)]
pub struct RecordStream<'a> {
    store: &'a mut Store,
    file: RecordFile,
    path: PathBuf,
    writer: Option<BufWriter<File>>,
    writeback: Option<EarlyWriteback>,
    start_len: u64,
    first_line: u64,
    count: u64,
    tree: tlog::TreeBuilder,
    created: bool,
    /// Directories this stream created, deepest first, removed on abort.
    created_dirs: Vec<PathBuf>,
    finished: bool,
}

impl Store {
    /// Starts appending records to `file`.
    pub fn stream(&mut self, file: RecordFile) -> Result<RecordStream<'_>, StoreError> {
        self.refuse_if_poisoned()?;
        let path = file.path(self.root());
        let dir = path.parent().unwrap_or(self.root()).to_owned();
        let created_dirs: Vec<PathBuf> = dir
            .ancestors()
            .take_while(|d| *d != self.root() && !d.exists())
            .map(PathBuf::from)
            .collect();
        fs::create_dir_all(&dir).map_err(StoreError::io(&dir))?;
        let created = !path.exists();
        let handle = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(StoreError::io(&path))?;
        let start_len = handle.metadata().map_err(StoreError::io(&path))?.len();
        let writeback = EarlyWriteback::new(&handle).map_err(StoreError::io(&path))?;
        let first_line = self.line_count(&file) + 1;
        Ok(RecordStream {
            store: self,
            file,
            path,
            writer: Some(BufWriter::with_capacity(WRITE_BUFFER, handle)),
            writeback: Some(writeback),
            start_len,
            first_line,
            count: 0,
            tree: tlog::TreeBuilder::new(),
            created,
            created_dirs,
            finished: false,
        })
    }
}

impl RecordStream<'_> {
    /// Seals and writes one record.
    pub fn push(&mut self, record: Value) -> Result<(), StoreError> {
        let sealed = model::record::seal(record).map_err(|source| StoreError::Record {
            file: self.file.to_string(),
            index: self.count as usize,
            source,
        })?;
        let mut line = sealed.line.into_bytes();
        line.push(b'\n');
        self.push_lines(&line, &[tlog::leaf_hash(&sealed.hash)])
    }

    /// Writes records sealed by the caller, many at a time: `lines` holds
    /// their stored lines, each followed by `\n`, and `leaf_hashes` their
    /// Merkle leaf hashes ([`tlog::leaf_hash`] of each record's hash), in the
    /// same order. Computing the leaf hashes is left to the caller so that
    /// it can spread them over the cores.
    pub fn push_lines(&mut self, lines: &[u8], leaf_hashes: &[tlog::Hash]) -> Result<(), StoreError> {
        debug_assert_eq!(
            lines.iter().filter(|b| **b == b'\n').count(),
            leaf_hashes.len(),
            "one leaf hash per line"
        );
        let writer = self.writer.as_mut().expect("open until commit or abort");
        writer.write_all(lines).map_err(StoreError::io(&self.path))?;
        if let Some(writeback) = &mut self.writeback {
            writeback.wrote(lines.len());
        }
        for leaf in leaf_hashes {
            self.tree.push(*leaf);
        }
        self.count += leaf_hashes.len() as u64;
        Ok(())
    }

    /// Records written so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Flushes and fsyncs the records, then appends `draft` with
    /// `outputs.records` describing them.
    pub fn commit(mut self, draft: EntryDraft) -> Result<RecordedAction, StoreError> {
        let writer = self.writer.take().expect("open until commit or abort");
        let early = self.writeback.take().map_or(Ok(()), EarlyWriteback::finish);
        let synced = early
            .and_then(|()| writer.into_inner().map_err(|e| e.into_error()))
            .and_then(|handle| handle.sync_data())
            .and_then(|()| match (self.created, self.path.parent()) {
                (true, Some(dir)) => File::open(dir).and_then(|d| d.sync_all()),
                _ => Ok(()),
            });
        if let Err(source) = synced {
            self.store.poison();
            return Err(StoreError::Io {
                path: self.path.clone(),
                source,
            });
        }
        let batch = RecordedBatch {
            file: self.file.clone(),
            first_line: self.first_line,
            count: self.count,
            merkle_root: self.tree.root(),
        };
        self.finished = true;
        self.store.commit_entry(draft, vec![batch])
    }

    /// Cuts the file back to its length before this stream (removing it,
    /// and the directories, if this stream created them).
    pub fn abort(mut self) -> Result<(), StoreError> {
        self.truncate()
    }

    fn truncate(&mut self) -> Result<(), StoreError> {
        if self.finished {
            return Ok(());
        }
        self.writeback.take();
        self.writer.take();
        if self.created {
            fs::remove_file(&self.path).map_err(StoreError::io(&self.path))?;
            for dir in self.created_dirs.drain(..) {
                fs::remove_dir(&dir).map_err(StoreError::io(&dir))?;
            }
            self.finished = true;
            return Ok(());
        }
        let handle = OpenOptions::new()
            .write(true)
            .open(&self.path)
            .map_err(StoreError::io(&self.path))?;
        handle.set_len(self.start_len).map_err(StoreError::io(&self.path))?;
        handle.sync_all().map_err(StoreError::io(&self.path))?;
        self.finished = true;
        Ok(())
    }
}

impl Drop for RecordStream<'_> {
    fn drop(&mut self) {
        // Best effort: if this fails, the next writer to open the store
        // quarantines the unaccounted lines and records it.
        if self.truncate().is_err() {
            self.store.poison();
        }
    }
}
