//! RFC 8785 canonical JSON: the single place where values become stored bytes.
//!
//! Serialization is delegated to `serde_json_canonicalizer`, whose output is
//! checked against the RFC's published vectors in this crate's tests. On top
//! of it we add one rule the RFC leaves to applications: an integer whose
//! magnitude exceeds 2^53 − 1 is refused, because RFC 8785 writes every
//! number as an IEEE double and such an integer would be silently rounded.
//! Values that large (seeds, nanosecond times, byte totals) are stored as
//! decimal strings instead.

use serde::Serialize;
use serde_json::Value;

/// The largest integer magnitude every IEEE double consumer reads back exactly.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Why a value has no canonical form, or a line is not canonical.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum CanonicalError {
    /// The value could not be turned into JSON at all.
    #[error("value is not representable as JSON: {0}")]
    NotJson(String),
    /// An integer would lose precision as an IEEE double.
    #[error("integer {value} at {path} exceeds 2^53-1 and would be rounded; store it as a decimal string")]
    UnsafeInteger {
        /// The integer as written.
        value: String,
        /// JSON pointer to the number.
        path: String,
    },
    /// The text is not a single JSON value.
    #[error("not valid JSON: {0}")]
    InvalidJson(String),
}

/// Canonical RFC 8785 bytes of any serializable value.
pub fn to_canonical_string<T: Serialize + ?Sized>(value: &T) -> Result<String, CanonicalError> {
    let value = serde_json::to_value(value).map_err(|e| CanonicalError::NotJson(e.to_string()))?;
    canonicalize_value(&value)
}

/// Canonical RFC 8785 bytes of a JSON value.
pub fn canonicalize_value(value: &Value) -> Result<String, CanonicalError> {
    check_safe_integers(value, &mut String::new())?;
    serde_json_canonicalizer::to_string(value).map_err(|e| CanonicalError::NotJson(e.to_string()))
}

/// Parses `text` as JSON and returns its canonical form. A text is canonical
/// exactly when the result equals it byte for byte.
pub fn canonicalize_text(text: &str) -> Result<String, CanonicalError> {
    let value: Value = serde_json::from_str(text).map_err(|e| CanonicalError::InvalidJson(e.to_string()))?;
    canonicalize_value(&value)
}

/// Whether `text` is already in canonical form.
pub fn is_canonical(text: &str) -> bool {
    canonicalize_text(text).is_ok_and(|canonical| canonical == text)
}

/// Checks the members of an object named `name` for integers a double
/// cannot hold; used by types that serialize themselves without first
/// building a [`Value`] (which would copy every member).
pub(crate) fn check_object(name: &str, members: &serde_json::Map<String, Value>) -> Result<(), CanonicalError> {
    let mut path = format!("/{name}");
    members.iter().try_for_each(|(key, item)| {
        let len = path.len();
        path.push('/');
        path.push_str(&key.replace('~', "~0").replace('/', "~1"));
        let result = check_safe_integers(item, &mut path);
        path.truncate(len);
        result
    })
}

/// Canonical bytes of a value whose numbers the caller has already checked
/// with [`check_object`] (and whose own integer fields are in range).
pub(crate) fn to_canonical_string_prechecked<T: Serialize>(value: &T) -> Result<String, CanonicalError> {
    serde_json_canonicalizer::to_string(value).map_err(|e| CanonicalError::NotJson(e.to_string()))
}

fn check_safe_integers(value: &Value, path: &mut String) -> Result<(), CanonicalError> {
    match value {
        Value::Number(number) => {
            let unsafe_integer = match (number.as_u64(), number.as_i64()) {
                (Some(u), _) => u > MAX_SAFE_INTEGER,
                (None, Some(i)) => i.unsigned_abs() > MAX_SAFE_INTEGER,
                (None, None) => false,
            };
            if unsafe_integer {
                return Err(CanonicalError::UnsafeInteger {
                    value: number.to_string(),
                    path: if path.is_empty() { "/".into() } else { path.clone() },
                });
            }
            Ok(())
        }
        Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| {
            let len = path.len();
            path.push('/');
            path.push_str(&i.to_string());
            let result = check_safe_integers(item, path);
            path.truncate(len);
            result
        }),
        Value::Object(members) => members.iter().try_for_each(|(key, item)| {
            let len = path.len();
            path.push('/');
            path.push_str(&key.replace('~', "~0").replace('/', "~1"));
            let result = check_safe_integers(item, path);
            path.truncate(len);
            result
        }),
        Value::Null | Value::Bool(_) | Value::String(_) => Ok(()),
    }
}
