//! The raw archive: every input file, byte for byte, under
//! `raw/sha256/<hex of its SHA-256>`, so that replay can re-parse exactly
//! what was ingested. Files are written whole (temporary file, fsync, link)
//! and left read-only; an identical file is stored once.

use crate::error::StoreError;
use crate::writeback::EarlyWriteback;
use sha2::{Digest, Sha256};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// An archived raw file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFile {
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// `raw/sha256/<sha256>`, relative to the store.
    pub relative_path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Whether this call stored it (false: the same content was already archived).
    pub newly_stored: bool,
}

/// A raw file being archived while it is read: written to a temporary file
/// beside the archive, then [`Incoming::finish`]ed under its hash or
/// [`Incoming::discard`]ed (also on drop), leaving the store as it was.
#[derive(Debug)]
pub struct Incoming {
    dir: PathBuf,
    temporary: PathBuf,
    out: Option<File>,
    writeback: Option<EarlyWriteback>,
    hasher: Sha256,
    bytes: u64,
    /// Directories this archive created, deepest first, removed on discard.
    created_dirs: Vec<PathBuf>,
}

impl Incoming {
    /// Starts archiving into the store at `root`.
    pub fn create(root: &Path) -> Result<Incoming, StoreError> {
        let raw = root.join("raw");
        let dir = raw.join("sha256");
        let created_dirs: Vec<PathBuf> = [&dir, &raw].into_iter().filter(|d| !d.exists()).cloned().collect();
        fs::create_dir_all(&dir).map_err(StoreError::io(&dir))?;
        let temporary = dir.join(format!(".incoming-{}", std::process::id()));
        let out = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o644)
            .open(&temporary)
            .map_err(StoreError::io(&temporary))?;
        let writeback = EarlyWriteback::new(&out).map_err(StoreError::io(&temporary))?;
        Ok(Incoming {
            dir,
            temporary,
            out: Some(out),
            writeback: Some(writeback),
            hasher: Sha256::new(),
            bytes: 0,
            created_dirs,
        })
    }

    /// Appends the next bytes of the raw file.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), StoreError> {
        self.hasher.update(bytes);
        self.bytes += bytes.len() as u64;
        let out = self.out.as_mut().expect("open until finished or discarded");
        out.write_all(bytes).map_err(StoreError::io(&self.temporary))?;
        if let Some(writeback) = &mut self.writeback {
            writeback.wrote(bytes.len());
        }
        Ok(())
    }

    /// SHA-256 of the bytes written so far, hex.
    pub fn sha256_so_far(&self) -> String {
        hex::encode(self.hasher.clone().finalize())
    }

    /// Syncs the copy and links it under its hash (read-only); an identical
    /// file already archived is kept as it is.
    pub fn finish(mut self) -> Result<RawFile, StoreError> {
        let out = self.out.take().expect("open until finished or discarded");
        if let Some(writeback) = self.writeback.take() {
            writeback.finish().map_err(StoreError::io(&self.temporary))?;
        }
        out.sync_all().map_err(StoreError::io(&self.temporary))?;
        drop(out);
        let sha256 = hex::encode(self.hasher.clone().finalize());
        let target: PathBuf = self.dir.join(&sha256);
        let newly_stored = match fs::hard_link(&self.temporary, &target) {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
            Err(e) => {
                return Err(StoreError::Io {
                    path: target,
                    source: e,
                });
            }
        };
        fs::remove_file(&self.temporary).map_err(StoreError::io(&self.temporary))?;
        self.created_dirs.clear();
        if newly_stored {
            fs::set_permissions(&target, fs::Permissions::from_mode(0o444)).map_err(StoreError::io(&target))?;
            File::open(&self.dir)
                .and_then(|d| d.sync_all())
                .map_err(StoreError::io(&self.dir))?;
        }
        Ok(RawFile {
            relative_path: format!("raw/sha256/{sha256}"),
            sha256,
            bytes: self.bytes,
            newly_stored,
        })
    }

    /// Removes the temporary copy and the directories this archive created.
    pub fn discard(mut self) {
        self.remove_leftovers();
    }

    fn remove_leftovers(&mut self) {
        self.writeback.take();
        self.out.take();
        let _ = fs::remove_file(&self.temporary);
        for dir in self.created_dirs.drain(..) {
            let _ = fs::remove_dir(dir);
        }
    }
}

impl Drop for Incoming {
    fn drop(&mut self) {
        if self.out.is_some() || self.temporary.exists() {
            self.remove_leftovers();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Incoming, RawFile};
    use std::path::Path;

    fn archive(root: &Path, content: &[u8]) -> RawFile {
        let mut incoming = Incoming::create(root).unwrap();
        incoming.write(content).unwrap();
        incoming.finish().unwrap()
    }

    #[test]
    fn content_addressed_read_only_and_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let content = b"timestamp,entity,metric,value\n2026-11-21T10:00:00Z,web-1,cpu,0.5\n";
        let first = archive(dir.path(), content);
        assert_eq!(first.sha256, model::digest::sha256_hex(content));
        assert_eq!(first.bytes, content.len() as u64);
        assert!(first.newly_stored);
        let path = dir.path().join(&first.relative_path);
        assert_eq!(std::fs::read(&path).unwrap(), content);
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o444);
        let again = archive(dir.path(), content);
        assert!(!again.newly_stored);
        assert_eq!(again.sha256, first.sha256);
        let names: Vec<_> = std::fs::read_dir(dir.path().join("raw/sha256"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }
}
