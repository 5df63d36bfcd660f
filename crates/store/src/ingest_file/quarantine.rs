//! Rejected lines with their reasons (only with `--quarantine`).

use crate::error::StoreError;
use ingest::LineError;
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Rejected lines with their reasons, streamed to a temporary file that
/// becomes the quarantine file when the ingest succeeds and is removed
/// otherwise (also on drop), so memory does not grow with bad lines.
pub(super) struct QuarantineList {
    root: PathBuf,
    incoming: Option<(File, PathBuf)>,
    created_dir: bool,
    hasher: Sha256,
    lines: u64,
}

/// The quarantine file written for an ingest.
pub(super) struct QuarantineFile {
    pub path: String,
    pub sha256: String,
    pub lines: u64,
}

impl QuarantineList {
    pub(super) fn new(root: &Path) -> Self {
        QuarantineList {
            root: root.to_owned(),
            incoming: None,
            created_dir: false,
            hasher: Sha256::new(),
            lines: 0,
        }
    }

    pub(super) fn push(&mut self, error: &LineError) -> Result<(), StoreError> {
        let line = error.quarantine_line();
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
    pub(super) fn finish(mut self, sha256: &str) -> Result<Option<QuarantineFile>, StoreError> {
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
