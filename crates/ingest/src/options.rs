//! Parameters of parsing. Each one changes the records produced, so the
//! caller records them in the ledger entry of the ingest.

/// How to read input times and other ambiguous values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Read times without a zone (`2026-11-21T10:00:00`) as UTC instead of
    /// refusing them (`--assume-utc`).
    pub assume_utc: bool,
}
