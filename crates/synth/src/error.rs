//! Why a generator stopped: its writer failed, or its config was refused before anything was written.

/// A generator's failure.
///
/// ```text
/// invalid config: field `incident_rate`: expected a probability from 0 to 1, found 1.5
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SynthError {
    /// The writer refused bytes.
    #[error("writing output: {0}")]
    Io(#[from] std::io::Error),
    /// The CSV writer failed (in practice, its underlying writer).
    #[error("writing csv: {0}")]
    Csv(#[from] csv::Error),
    /// A config value outside what the generator accepts; nothing was written.
    #[error("invalid config: field `{field}`: expected {expected}, found {found}")]
    InvalidConfig {
        /// The config field at fault.
        field: &'static str,
        /// What the field should have been.
        expected: String,
        /// What it was.
        found: String,
    },
}

impl SynthError {
    pub(crate) fn invalid(field: &'static str, expected: impl Into<String>, found: impl ToString) -> Self {
        SynthError::InvalidConfig {
            field,
            expected: expected.into(),
            found: found.to_string(),
        }
    }
}

impl From<serde_json::Error> for SynthError {
    /// Serializing the generators' plain structs cannot fail except by I/O.
    fn from(error: serde_json::Error) -> Self {
        SynthError::Io(error.into())
    }
}
