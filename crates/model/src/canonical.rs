//! RFC 8785 canonical JSON: the single place where values become stored bytes.
//!
//! The writer is `writer`'s, checked against the RFC's published vectors in
//! this crate's tests and against `serde_json_canonicalizer` by property
//! tests. RFC 8785 reads every number as an IEEE double, so two rules come on
//! top:
//!
//! - always: an integer a double cannot hold exactly is refused, never
//!   silently rounded ([`canonicalize_value`], [`canonicalize_text`]);
//! - for everything we store ([`to_canonical_string`], ledger entries): no
//!   number may be *written* as an integer beyond 2^53 − 1, even one a
//!   double holds exactly (`1e16` is written `10000000000000000`), because
//!   other JSON stacks read such a literal back as an integer and then
//!   refuse it (Python's `rfc8785`) or round it (JavaScript). Values that
//!   large (seeds, nanosecond times, byte totals) are stored as decimal
//!   strings instead.

pub(crate) mod writer;

use serde::Serialize;
use serde_json::{Map, Value};

/// The largest integer magnitude every IEEE double consumer reads back exactly.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Why a value has no canonical form, or a line is not canonical.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum CanonicalError {
    /// The value could not be turned into JSON at all.
    #[error("value is not representable as JSON: {0}")]
    NotJson(String),
    /// An integer literal that reading as an IEEE double would change.
    #[error(
        "integer {value} at {path} does not survive reading as an IEEE double (it reads back as {reads_as}); store it as a decimal string"
    )]
    InexactInteger {
        /// The integer as written.
        value: String,
        /// JSON pointer to the number.
        path: String,
        /// The canonical spelling of the double it reads as.
        reads_as: String,
    },
    /// A number whose canonical spelling is an integer beyond 2^53-1, which
    /// other JSON implementations refuse or round.
    #[error(
        "number {value} at {path} would be written as an integer beyond 2^53-1, which other JSON implementations refuse or round; store it as a decimal string"
    )]
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

/// Which numbers a canonical text may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumberRule {
    /// RFC 8785 alone: any number a double holds exactly.
    ExactDouble,
    /// What we store: also no integer literal beyond 2^53-1.
    Interoperable,
}

/// The canonical bytes of a value to be stored: RFC 8785, under the
/// interoperability rule of this module's documentation.
pub fn to_canonical_string<T: Serialize + ?Sized>(value: &T) -> Result<String, CanonicalError> {
    let value = serde_json::to_value(value).map_err(|e| CanonicalError::NotJson(e.to_string()))?;
    check_numbers(&value, NumberRule::Interoperable)?;
    serialize(&value)
}

/// The canonical bytes of the stored object `members` with the string
/// members `extra` added (their keys must not already be in `members`),
/// under the same rule as [`to_canonical_string`]; for records, which are
/// written with and without their `id` and `hash`.
pub fn object_with_members(members: &Map<String, Value>, extra: &[(&str, &str)]) -> Result<String, CanonicalError> {
    members
        .iter()
        .try_for_each(|(key, item)| check_numbers_below(item, NumberRule::Interoperable).map_err(|e| e.under(key)))?;
    let mut out = String::with_capacity(256);
    writer::write_object(&mut out, members, extra).ok_or_else(not_finite)?;
    Ok(out)
}

/// Canonical RFC 8785 bytes of a JSON value.
pub fn canonicalize_value(value: &Value) -> Result<String, CanonicalError> {
    check_numbers(value, NumberRule::ExactDouble)?;
    serialize(value)
}

fn serialize(value: &Value) -> Result<String, CanonicalError> {
    let mut out = String::with_capacity(256);
    writer::write_value(&mut out, value).ok_or_else(not_finite)?;
    Ok(out)
}

fn not_finite() -> CanonicalError {
    CanonicalError::NotJson("a number that is not finite".to_owned())
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

/// Checks the members of an object named `name` under the rule for stored
/// values, so that a type can refuse bad members when it is built, with the
/// member's path, rather than when it is first written.
pub(crate) fn check_object(name: &str, members: &Map<String, Value>) -> Result<(), CanonicalError> {
    members.iter().try_for_each(|(key, item)| {
        check_numbers_below(item, NumberRule::Interoperable).map_err(|e| e.under(key).under(name))
    })
}

/// Canonical bytes of a value whose numbers the caller has already checked
/// with [`check_object`] (and whose own integer fields are in range): the
/// same bytes as [`to_canonical_string`], without checking twice.
pub(crate) fn to_canonical_string_prechecked<T: Serialize>(value: &T) -> Result<String, CanonicalError> {
    serialize(&serde_json::to_value(value).map_err(|e| CanonicalError::NotJson(e.to_string()))?)
}

/// How an integer literal reads back as an IEEE double, when that differs
/// from the literal. Up to 2^53 every integer reads back as itself; beyond,
/// `9007199254740993` reads back as `9007199254740992` (silent rounding),
/// while `88888888888888900` reads back as itself although its double is
/// exactly 88888888888888896: RFC 8785 prints the shortest digits that
/// round-trip, so only literals that are such a spelling are accepted.
fn reads_back_differently(integer: i128) -> Option<String> {
    if integer.unsigned_abs() <= 1 << 53 {
        return None;
    }
    let spelled = serde_json::Number::from_f64(integer as f64).and_then(|n| serialize(&Value::Number(n)).ok())?;
    (spelled != integer.to_string()).then_some(spelled)
}

/// Checks every number of `value` under `rule`; a failure's path is a JSON
/// pointer (`/` for the value itself).
fn check_numbers(value: &Value, rule: NumberRule) -> Result<(), CanonicalError> {
    check_numbers_below(value, rule).map_err(|mut error| {
        if let CanonicalError::InexactInteger { path, .. } | CanonicalError::UnsafeInteger { path, .. } = &mut error
            && path.is_empty()
        {
            path.push('/');
        }
        error
    })
}

fn check_numbers_below(value: &Value, rule: NumberRule) -> Result<(), CanonicalError> {
    match value {
        Value::Number(number) => {
            let integer = number
                .as_u64()
                .map(i128::from)
                .or_else(|| number.as_i64().map(i128::from));
            if let Some(reads_as) = integer.and_then(reads_back_differently) {
                return Err(CanonicalError::InexactInteger {
                    value: number.to_string(),
                    path: String::new(),
                    reads_as,
                });
            }
            let magnitude = integer.map_or_else(
                || number.as_f64().unwrap_or_default().abs(),
                |i| i.unsigned_abs() as f64,
            );
            let unsafe_integer = match integer {
                Some(_) => magnitude > MAX_SAFE_INTEGER as f64,
                None => is_written_as_unsafe_integer(magnitude),
            };
            if rule == NumberRule::Interoperable && unsafe_integer {
                return Err(CanonicalError::UnsafeInteger {
                    value: number.to_string(),
                    path: String::new(),
                });
            }
            Ok(())
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| check_numbers_below(item, rule).map_err(|e| e.under(&i.to_string()))),
        Value::Object(members) => members
            .iter()
            .try_for_each(|(key, item)| check_numbers_below(item, rule).map_err(|e| e.under(key))),
        Value::Null | Value::Bool(_) | Value::String(_) => Ok(()),
    }
}

/// Whether a double of this magnitude is written as an integer literal (ECMAScript
/// spells integral values below 1e21 without an exponent) beyond 2^53 − 1.
pub(crate) fn is_written_as_unsafe_integer(magnitude: f64) -> bool {
    magnitude.fract() == 0.0 && magnitude < 1e21 && magnitude > MAX_SAFE_INTEGER as f64
}

impl CanonicalError {
    /// The same error one level down: its JSON pointer gets `segment` in
    /// front. Paths are built only on the way out of a failure, so that
    /// checking a sound value allocates nothing.
    fn under(mut self, segment: &str) -> Self {
        if let CanonicalError::InexactInteger { path, .. } | CanonicalError::UnsafeInteger { path, .. } = &mut self {
            *path = format!("/{}{path}", segment.replace('~', "~0").replace('/', "~1"));
        }
        self
    }
}
