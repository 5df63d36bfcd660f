//! The raw archive: every input file, byte for byte, under
//! `raw/sha256/<hex of its SHA-256>`, so that replay can re-parse exactly
//! what was ingested. Files are written whole (temporary file, fsync, link)
//! and left read-only; an identical file is stored once.

use crate::error::StoreError;
use sha2::{Digest, Sha256};
use std::fs::{self, OpenOptions};
use std::io::{Read, Write};
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

/// Copies `source` into the archive of the store at `root`, hashing it on
/// the way (one pass, constant memory).
pub fn archive(root: &Path, source: &mut dyn Read) -> Result<RawFile, StoreError> {
    let dir = root.join("raw").join("sha256");
    fs::create_dir_all(&dir).map_err(StoreError::io(&dir))?;
    let temporary = dir.join(format!(".incoming-{}", std::process::id()));
    let mut out = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o644)
        .open(&temporary)
        .map_err(StoreError::io(&temporary))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let read = source.read(&mut buffer).map_err(StoreError::io(&temporary))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        out.write_all(&buffer[..read]).map_err(StoreError::io(&temporary))?;
        bytes += read as u64;
    }
    out.sync_all().map_err(StoreError::io(&temporary))?;
    drop(out);
    let sha256 = hex::encode(hasher.finalize());
    let target: PathBuf = dir.join(&sha256);
    let newly_stored = match fs::hard_link(&temporary, &target) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
        Err(e) => {
            let _ = fs::remove_file(&temporary);
            return Err(StoreError::Io {
                path: target,
                source: e,
            });
        }
    };
    fs::remove_file(&temporary).map_err(StoreError::io(&temporary))?;
    if newly_stored {
        fs::set_permissions(&target, fs::Permissions::from_mode(0o444)).map_err(StoreError::io(&target))?;
        fs::File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(StoreError::io(&dir))?;
    }
    Ok(RawFile {
        relative_path: format!("raw/sha256/{sha256}"),
        sha256,
        bytes,
        newly_stored,
    })
}

#[cfg(test)]
mod tests {
    use super::archive;

    #[test]
    fn content_addressed_read_only_and_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let content = b"timestamp,entity,metric,value\n2026-11-21T10:00:00Z,web-1,cpu,0.5\n";
        let first = archive(dir.path(), &mut &content[..]).unwrap();
        assert_eq!(first.sha256, model::digest::sha256_hex(content));
        assert_eq!(first.bytes, content.len() as u64);
        assert!(first.newly_stored);
        let path = dir.path().join(&first.relative_path);
        assert_eq!(std::fs::read(&path).unwrap(), content);
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o444);
        let again = archive(dir.path(), &mut &content[..]).unwrap();
        assert!(!again.newly_stored);
        assert_eq!(again.sha256, first.sha256);
        let names: Vec<_> = std::fs::read_dir(dir.path().join("raw/sha256"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }
}
