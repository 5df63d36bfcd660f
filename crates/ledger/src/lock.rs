//! The single-writer lock: an exclusive advisory lock on `LOCK`, which holds
//! the writer's pid so that a second writer can say who is in the way.

use crate::error::LedgerError;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, Instant};

/// Held while a process may write to the store; released on drop (and by the
/// kernel when the process dies, so a crash never leaves a stale lock).
#[derive(Debug)]
pub struct WriterLock {
    _file: File,
}

impl WriterLock {
    /// Takes the lock, waiting at most `wait` for a holder to let go, then
    /// fails with the holder's pid. A short wait matters even with no real
    /// contention: a child process forked by this process holds a copy of
    /// every open lock until it calls exec.
    pub fn acquire(path: &Path, wait: Duration) -> Result<WriterLock, LedgerError> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(LedgerError::io(path))?;
        let deadline = Instant::now() + wait;
        let mut pause = Duration::from_millis(1);
        let outcome = loop {
            match file.try_lock() {
                Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                outcome => break outcome,
            }
        };
        match outcome {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let pid = text.trim().parse().unwrap_or(0);
                return Err(LedgerError::Locked {
                    pid,
                    path: path.to_owned(),
                });
            }
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(LedgerError::Io {
                    path: path.to_owned(),
                    source,
                });
            }
        }
        let write_pid = |file: &mut File| -> std::io::Result<()> {
            file.set_len(0)?;
            file.seek(SeekFrom::Start(0))?;
            writeln!(file, "{}", std::process::id())
        };
        write_pid(&mut file).map_err(LedgerError::io(path))?;
        Ok(WriterLock { _file: file })
    }
}

/// A shared lock taken by readers that want a stable view. It never waits:
/// when a writer holds the store, the reader goes on without the lock and
/// says so ([`ReaderLock::writer_active`]), because an entry in flight may
/// then look like a torn tail. Missing or unopenable lock files (a read-only
/// copy of a store) give no lock and no error: such a store has no writer.
#[derive(Debug)]
pub struct ReaderLock {
    _file: Option<File>,
    writer_active: bool,
}

impl ReaderLock {
    /// Takes a shared lock if no writer holds the store.
    pub fn acquire(path: &Path) -> ReaderLock {
        let Ok(file) = File::open(path) else {
            return ReaderLock {
                _file: None,
                writer_active: false,
            };
        };
        match file.try_lock_shared() {
            Ok(()) => ReaderLock {
                _file: Some(file),
                writer_active: false,
            },
            Err(std::fs::TryLockError::WouldBlock) => ReaderLock {
                _file: None,
                writer_active: true,
            },
            Err(std::fs::TryLockError::Error(_)) => ReaderLock {
                _file: None,
                writer_active: false,
            },
        }
    }

    /// Whether a writer held the store when the reader started.
    pub fn writer_active(&self) -> bool {
        self.writer_active
    }
}
