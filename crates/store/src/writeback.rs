//! Putting a large file's bytes on disk while more are still being written.
//!
//! Records and raw copies are made durable by one fsync before the ledger
//! entry that accounts for them. Left to the end, that fsync finds hundreds
//! of megabytes in the page cache after a large ingest and the caller waits
//! for all of them. Instead, every [`WRITEBACK_BYTES`] written, a thread of
//! its own syncs what has been written so far, while the caller goes on
//! parsing and writing; the final fsync then has only the tail left.
//!
//! Durability still rests on that final fsync alone; this only moves the
//! waiting earlier. An error met by the early syncs is not lost: it is
//! returned by [`EarlyWriteback::finish`], before the final fsync, because
//! a file description reports a write-back error to one fsync only.

use std::fs::File;
use std::io;
use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;

/// Bytes written between two early syncs: large enough that the syncs are
/// few, small enough that the last one leaves little for the final fsync.
pub(crate) const WRITEBACK_BYTES: u64 = 16 << 20;

/// Syncs a file in the background as it grows.
#[derive(Debug)]
pub(crate) struct EarlyWriteback {
    requests: Option<SyncSender<()>>,
    worker: Option<JoinHandle<io::Result<()>>>,
    unsynced: u64,
}

impl EarlyWriteback {
    /// Starts the syncing thread for `file` (it syncs through its own handle
    /// on the same open file).
    pub(crate) fn new(file: &File) -> io::Result<Self> {
        let handle = file.try_clone()?;
        // One pending request at most: a request made while the thread is
        // still syncing is covered by the one it runs next.
        let (requests, pending) = sync_channel::<()>(1);
        let worker = std::thread::Builder::new()
            .name("early-writeback".to_owned())
            .spawn(move || {
                while pending.recv().is_ok() {
                    handle.sync_data()?;
                }
                Ok(())
            })?;
        Ok(EarlyWriteback {
            requests: Some(requests),
            worker: Some(worker),
            unsynced: 0,
        })
    }

    /// Notes that `bytes` more were handed to the file; every
    /// [`WRITEBACK_BYTES`] a sync of what the file holds so far is started.
    pub(crate) fn wrote(&mut self, bytes: usize) {
        self.unsynced += bytes as u64;
        if self.unsynced < WRITEBACK_BYTES {
            return;
        }
        self.unsynced = 0;
        if let Some(requests) = &self.requests {
            match requests.try_send(()) {
                // Full: a sync is already waiting to run. Disconnected: the
                // thread stopped on an error, which `finish` returns.
                Ok(()) | Err(TrySendError::Full(())) | Err(TrySendError::Disconnected(())) => {}
            }
        }
    }

    /// Waits for the syncing thread and returns the first error it met.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.stop()
    }

    fn stop(&mut self) -> io::Result<()> {
        self.requests.take();
        match self.worker.take() {
            Some(worker) => worker
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the early write-back thread panicked"))),
            None => Ok(()),
        }
    }
}

impl Drop for EarlyWriteback {
    fn drop(&mut self) {
        // Abandoned (the write is being undone): its outcome does not matter.
        let _ = self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn syncs_while_writing_and_finishes_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let mut file = File::create(dir.path().join("f")).unwrap();
        let mut writeback = EarlyWriteback::new(&file).unwrap();
        let block = vec![b'x'; 1 << 20];
        for _ in 0..3 * (WRITEBACK_BYTES >> 20) {
            file.write_all(&block).unwrap();
            writeback.wrote(block.len());
        }
        writeback.finish().unwrap();
        assert_eq!(file.metadata().unwrap().len(), 3 * WRITEBACK_BYTES);
    }

    #[test]
    fn an_error_of_an_early_sync_is_returned_by_finish() {
        // A pipe cannot be synced (EINVAL): it stands for a failing device.
        let (_reader, writer) = io::pipe().unwrap();
        let unsyncable = File::from(std::os::fd::OwnedFd::from(writer));
        let mut writeback = EarlyWriteback::new(&unsyncable).unwrap();
        writeback.wrote(WRITEBACK_BYTES as usize);
        let error = writeback.finish().unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{error}");
    }

    #[test]
    fn nothing_is_synced_early_below_the_threshold() {
        let (_reader, writer) = io::pipe().unwrap();
        let unsyncable = File::from(std::os::fd::OwnedFd::from(writer));
        let mut writeback = EarlyWriteback::new(&unsyncable).unwrap();
        writeback.wrote(WRITEBACK_BYTES as usize - 1);
        writeback.finish().unwrap();
    }
}
