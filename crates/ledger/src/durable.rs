//! Small durable-write steps shared by every writer of the store: files are
//! replaced by write-to-temporary, fsync, rename, fsync of the directory, so a
//! crash leaves either the old or the new file, never a half-written one.

use crate::error::LedgerError;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Syncs a directory so that file creations and renames in it survive a crash.
pub fn sync_dir(dir: &Path) -> Result<(), LedgerError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(LedgerError::io(dir))
}

/// Atomically replaces (or creates) `path` with `bytes`.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), LedgerError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temporary = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&temporary)
        .map_err(LedgerError::io(&temporary))?;
    file.write_all(bytes).map_err(LedgerError::io(&temporary))?;
    file.sync_all().map_err(LedgerError::io(&temporary))?;
    fs::rename(&temporary, path).map_err(LedgerError::io(path))?;
    sync_dir(dir)
}

/// Creates `path` with `bytes` and permission bits `mode`; fails if it
/// exists. The content is written to a temporary file first and then
/// hard-linked into place, so a crash never leaves a partial file under the
/// final name (and, unlike a rename, the link never replaces an existing
/// file). Dot-named leftovers of a crash are ignored by every reader.
pub fn create_file(path: &Path, bytes: &[u8], mode: u32) -> Result<(), LedgerError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temporary = dir.join(format!(".{name}.new-{}", std::process::id()));
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(&temporary)
        .map_err(LedgerError::io(&temporary))?;
    file.write_all(bytes).map_err(LedgerError::io(&temporary))?;
    file.sync_all().map_err(LedgerError::io(&temporary))?;
    let linked = fs::hard_link(&temporary, path).map_err(LedgerError::io(path));
    fs::remove_file(&temporary).map_err(LedgerError::io(&temporary))?;
    linked?;
    sync_dir(dir)
}
