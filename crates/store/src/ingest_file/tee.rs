//! Reading an input file once: the raw bytes copied into the archive as
//! they are read, on their way to `ingest::input`.

use crate::error::StoreError;
use crate::raw::Incoming;
use std::fs::File;
use std::io::Read;

/// The raw bytes as they are read, copied into the archive.
pub(super) struct Tee {
    inner: File,
    archive: Incoming,
    /// The archive's write error, kept whole (a `Read` can only return
    /// `std::io::Error`).
    error: Option<StoreError>,
}

impl Tee {
    pub fn new(inner: File, archive: Incoming) -> Self {
        Tee {
            inner,
            archive,
            error: None,
        }
    }

    /// The archive, or the error that stopped writing it.
    pub fn into_archive(self) -> Result<Incoming, StoreError> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.archive),
        }
    }
}

impl Read for Tee {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        if let Err(error) = self.archive.write(&buffer[..read]) {
            let message = error.to_string();
            self.error = Some(error);
            return Err(std::io::Error::other(message));
        }
        Ok(read)
    }
}
