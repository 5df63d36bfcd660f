//! Typed field parsing shared by both encodings: the fields of one input line,
//! and conversions to strings, numbers, times, UUIDs and objects, each failing
//! with a [`LineError`] that names the line, the field, what was expected and
//! what was found.

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use model::Timestamp;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Why one input line was refused. The caller adds the file name.
///
/// ```text
/// line 3, field `value`: expected a finite number, found "abc"
/// line 7: expected a complete JSON object, found invalid JSON: EOF while parsing an object at column 12
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}{}: expected {expected}, found {found}", field_part(.field))]
pub struct LineError {
    /// 1-based line number (for CSV, the line where the record starts).
    pub line: u64,
    /// The field (JSONL key or CSV column) at fault, if one is.
    pub field: Option<String>,
    /// What the line or field should have been.
    pub expected: String,
    /// What it was.
    pub found: String,
}

fn field_part(field: &Option<String>) -> String {
    field
        .as_ref()
        .map(|name| format!(", field `{name}`"))
        .unwrap_or_default()
}

impl LineError {
    pub(crate) fn new(line: u64, field: Option<&str>, expected: impl Into<String>, found: impl Into<String>) -> Self {
        LineError {
            line,
            field: field.map(str::to_owned),
            expected: expected.into(),
            found: found.into(),
        }
    }

    /// The error as one line of a quarantine list: canonical JSON of `line`,
    /// `field`, `expected` and `found`, ending in `\n`. Ingest writes these
    /// lines and replay rebuilds them, so both take them from here.
    pub fn quarantine_line(&self) -> String {
        let mut line = model::canonical::to_canonical_string(&serde_json::json!({
            "line": self.line,
            "field": self.field,
            "expected": self.expected,
            "found": self.found,
        }))
        .expect("strings and a line number have a canonical form");
        line.push('\n');
        line
    }
}

/// One value of an input line: a JSON value (JSONL) or a cell's text (CSV).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Json(Value),
    Text(String),
}

/// A value that is not of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mismatch {
    pub expected: String,
    pub found: String,
}

fn mismatch(expected: impl Into<String>, found: impl Into<String>) -> Mismatch {
    Mismatch {
        expected: expected.into(),
        found: found.into(),
    }
}

/// The fields of one input line, taken out one by one as they are parsed.
#[derive(Debug)]
pub(crate) struct Fields {
    line: u64,
    cells: BTreeMap<String, Cell>,
}

impl Fields {
    pub fn new(line: u64, cells: BTreeMap<String, Cell>) -> Self {
        Fields { line, cells }
    }

    /// The line the fields come from.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Refuses the first field (in name order) that is not in `known`.
    pub fn refuse_unknown(&self, known: &[&str], format: &str) -> Result<(), LineError> {
        match self.cells.keys().find(|name| !known.contains(&name.as_str())) {
            Some(name) => Err(LineError::new(
                self.line,
                Some(name),
                format!("only fields of the {format} format ({})", known.join(", ")),
                "an unknown field",
            )),
            None => Ok(()),
        }
    }

    /// A field that must be present and non-empty.
    pub fn required<T>(&mut self, name: &str, parse: impl FnOnce(Cell) -> Result<T, Mismatch>) -> Result<T, LineError> {
        let line = self.line;
        match self.cells.remove(name) {
            None => Err(LineError::new(
                line,
                Some(name),
                "a value (the field is required)",
                "nothing",
            )),
            Some(cell) if is_empty(&cell) => Err(LineError::new(
                line,
                Some(name),
                "a value (the field is required)",
                describe(&cell),
            )),
            Some(cell) => parse(cell).map_err(|m| LineError::new(line, Some(name), m.expected, m.found)),
        }
    }

    /// A field that may be absent; `null` and empty strings (empty CSV cells)
    /// count as absent.
    pub fn optional<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(Cell) -> Result<T, Mismatch>,
    ) -> Result<Option<T>, LineError> {
        let line = self.line;
        match self.cells.remove(name) {
            None => Ok(None),
            Some(cell) if is_empty(&cell) => Ok(None),
            Some(cell) => parse(cell)
                .map(Some)
                .map_err(|m| LineError::new(line, Some(name), m.expected, m.found)),
        }
    }
}

fn is_empty(cell: &Cell) -> bool {
    match cell {
        Cell::Json(Value::Null) => true,
        Cell::Json(Value::String(text)) | Cell::Text(text) => text.is_empty(),
        Cell::Json(_) => false,
    }
}

const MAX_FOUND_CHARS: usize = 60;

/// A short description of a value for an error message.
pub(crate) fn describe(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) | Cell::Json(Value::String(text)) => quote(text),
        Cell::Json(value) => describe_json(value),
    }
}

/// A short description of a JSON value for an error message.
pub(crate) fn describe_json(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(text) => quote(text),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

fn quote(text: &str) -> String {
    if text.is_empty() {
        return "an empty string".to_owned();
    }
    if text.chars().count() > MAX_FOUND_CHARS {
        let head: String = text.chars().take(MAX_FOUND_CHARS).collect();
        return format!("{head:?}…");
    }
    format!("{text:?}")
}

/// A string (any JSON string, any CSV cell).
pub(crate) fn string(cell: Cell) -> Result<String, Mismatch> {
    match cell {
        Cell::Json(Value::String(text)) | Cell::Text(text) => Ok(text),
        Cell::Json(other) => Err(mismatch("a string", describe_json(&other))),
    }
}

/// A JSON number, or a CSV cell spelled as one; finite by construction.
fn number(cell: &Cell, expected: &str) -> Result<serde_json::Number, Mismatch> {
    match cell {
        Cell::Json(Value::Number(n)) => Ok(n.clone()),
        Cell::Text(text) => {
            // The JSON number grammar, so that a CSV cell means what the same
            // JSONL value means: no NaN, inf, hex, leading `+` or spaces.
            let parsed = (text.trim() == text)
                .then(|| serde_json::from_str::<Value>(text).ok())
                .flatten();
            match parsed {
                Some(Value::Number(n)) => Ok(n),
                _ => Err(mismatch(expected, quote(text))),
            }
        }
        Cell::Json(other) => Err(mismatch(expected, describe_json(other))),
    }
}

/// A finite double.
pub(crate) fn float(cell: Cell) -> Result<f64, Mismatch> {
    let expected = "a finite number within the range of a 64-bit float";
    let n = number(&cell, expected)?;
    n.as_f64()
        .filter(|v| v.is_finite())
        .ok_or_else(|| mismatch(expected, describe(&cell)))
}

/// An integer from 0 to `max`.
pub(crate) fn unsigned(cell: Cell, max: u64) -> Result<u64, Mismatch> {
    let expected = format!("an integer from 0 to {max}");
    let n = number(&cell, &expected)?;
    n.as_u64()
        .filter(|v| *v <= max)
        .ok_or_else(|| mismatch(expected, describe(&cell)))
}

/// A byte count: an integer from 0 to 2^53 − 1, so that it stays exact in
/// canonical JSON.
pub(crate) fn byte_count(cell: Cell) -> Result<u64, Mismatch> {
    unsigned(cell, model::canonical::MAX_SAFE_INTEGER)
}

/// A status or response code.
pub(crate) fn code(cell: Cell) -> Result<u16, Mismatch> {
    unsigned(cell, u64::from(u16::MAX)).map(|v| v as u16)
}

/// `true` or `false`.
pub(crate) fn boolean(cell: Cell) -> Result<bool, Mismatch> {
    match &cell {
        Cell::Json(Value::Bool(b)) => Ok(*b),
        Cell::Text(text) if text == "true" => Ok(true),
        Cell::Text(text) if text == "false" => Ok(false),
        _ => Err(mismatch("true or false", describe(&cell))),
    }
}

/// A UUID in any form the `uuid` crate reads (hyphenated, simple, braced,
/// URN), written back lowercase hyphenated.
pub(crate) fn uuid(cell: Cell) -> Result<String, Mismatch> {
    let text = string(cell)?;
    uuid::Uuid::parse_str(&text)
        .map(|id| id.hyphenated().to_string())
        .map_err(|_| mismatch("a UUID like 67e55044-10b1-426f-9247-bb680e5fe0c8", quote(&text)))
}

/// A JSON object; in CSV, a cell holding the JSON text of one.
pub(crate) fn object(cell: Cell) -> Result<Map<String, Value>, Mismatch> {
    let expected = "a JSON object";
    match cell {
        Cell::Json(Value::Object(members)) => Ok(members),
        Cell::Text(text) => match crate::jsonl::parse_strict(&text) {
            Ok(Value::Object(members)) => Ok(members),
            Ok(other) => Err(mismatch(expected, describe_json(&other))),
            Err(problem) => Err(mismatch(expected, problem.to_string())),
        },
        Cell::Json(other) => Err(mismatch(expected, describe_json(&other))),
    }
}

/// An RFC 3339 time, normalized to UTC with a `Z` and millisecond precision
/// (finer digits are truncated). A time without a zone is read as UTC only
/// when `assume_utc`. Years outside 0000–9999 are refused, also when the
/// offset would carry the time across that edge.
pub(crate) fn timestamp(cell: Cell, assume_utc: bool) -> Result<String, Mismatch> {
    let text = string(cell)?;
    let expected = "an RFC 3339 time like 2026-11-21T10:00:00Z or 2026-11-21T12:00:00+02:00";
    let year_out_of_range = || mismatch("a year from 0000 to 9999", quote(&text));
    let year_digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if year_digits > 4 || text.starts_with(['+', '-']) {
        return Err(year_out_of_range());
    }
    let instant: DateTime<Utc> = if let Ok(with_zone) = DateTime::parse_from_rfc3339(&text) {
        with_zone.with_timezone(&Utc)
    } else if let Ok(naive) = NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S%.f") {
        if !assume_utc {
            return Err(mismatch(
                "a time with a zone (Z or ±HH:MM); times without one are read as UTC only with assume-utc",
                quote(&text),
            ));
        }
        naive.and_utc()
    } else {
        return Err(mismatch(expected, quote(&text)));
    };
    if !(0..=9999).contains(&instant.year()) {
        return Err(year_out_of_range());
    }
    Ok(Timestamp::from_datetime(instant).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(t: &str) -> Cell {
        Cell::Text(t.to_owned())
    }

    fn json(v: Value) -> Cell {
        Cell::Json(v)
    }

    fn check<T: std::fmt::Debug + PartialEq>(actual: Result<T, Mismatch>, expect: Result<T, (&str, &str)>) {
        let expect = expect.map_err(|(e, f)| mismatch(e, f));
        assert_eq!(actual, expect);
    }

    const FLOAT: &str = "a finite number within the range of a 64-bit float";

    #[test]
    fn floats() {
        check(float(text("0.5")), Ok(0.5));
        check(float(text("-1e3")), Ok(-1000.0));
        check(float(json(json!(2))), Ok(2.0));
        check(float(text("NaN")), Err((FLOAT, "\"NaN\"")));
        check(float(text("inf")), Err((FLOAT, "\"inf\"")));
        check(float(text("-Infinity")), Err((FLOAT, "\"-Infinity\"")));
        check(float(text("1e400")), Err((FLOAT, "\"1e400\"")));
        check(float(text(" 1")), Err((FLOAT, "\" 1\"")));
        check(float(text("+1")), Err((FLOAT, "\"+1\"")));
        check(float(text("0x10")), Err((FLOAT, "\"0x10\"")));
        check(float(json(json!("abc"))), Err((FLOAT, "\"abc\"")));
        check(float(json(json!(true))), Err((FLOAT, "true")));
    }

    #[test]
    fn unsigned_integers() {
        let bytes = "an integer from 0 to 9007199254740991";
        check(byte_count(text("42")), Ok(42));
        check(byte_count(json(json!(9007199254740991u64))), Ok(9007199254740991));
        check(
            byte_count(json(json!(9007199254740992u64))),
            Err((bytes, "9007199254740992")),
        );
        check(byte_count(text("-5")), Err((bytes, "\"-5\"")));
        check(byte_count(json(json!(-5))), Err((bytes, "-5")));
        check(byte_count(json(json!(5.5))), Err((bytes, "5.5")));
        check(code(text("404")), Ok(404));
        check(code(text("70000")), Err(("an integer from 0 to 65535", "\"70000\"")));
    }

    #[test]
    fn booleans_and_uuids() {
        check(boolean(text("true")), Ok(true));
        check(boolean(json(json!(false))), Ok(false));
        check(boolean(text("True")), Err(("true or false", "\"True\"")));
        check(boolean(json(json!(1))), Err(("true or false", "1")));
        let id = "67e55044-10b1-426f-9247-bb680e5fe0c8";
        check(uuid(text("67E55044-10B1-426F-9247-BB680E5FE0C8")), Ok(id.to_owned()));
        check(uuid(text("67e5504410b1426f9247bb680e5fe0c8")), Ok(id.to_owned()));
        check(
            uuid(text("user-42")),
            Err(("a UUID like 67e55044-10b1-426f-9247-bb680e5fe0c8", "\"user-42\"")),
        );
    }

    #[test]
    fn timestamps() {
        let ts = |t: &str, assume_utc| timestamp(text(t), assume_utc);
        let no_zone = "a time with a zone (Z or ±HH:MM); times without one are read as UTC only with assume-utc";
        let bad = "an RFC 3339 time like 2026-11-21T10:00:00Z or 2026-11-21T12:00:00+02:00";
        let year = "a year from 0000 to 9999";
        check(ts("2026-11-21T10:00:00Z", false), Ok("2026-11-21T10:00:00.000Z".into()));
        check(
            ts("2026-11-21T12:30:00.5+02:00", false),
            Ok("2026-11-21T10:30:00.500Z".into()),
        );
        check(
            ts("2026-11-21T00:30:00-01:00", false),
            Ok("2026-11-21T01:30:00.000Z".into()),
        );
        check(
            ts("2026-11-21T10:00:00.123456Z", false),
            Ok("2026-11-21T10:00:00.123Z".into()),
        );
        check(
            ts("2026-11-21T10:00:00", false),
            Err((no_zone, "\"2026-11-21T10:00:00\"")),
        );
        check(ts("2026-11-21T10:00:00", true), Ok("2026-11-21T10:00:00.000Z".into()));
        check(
            ts("10000-01-01T00:00:00Z", false),
            Err((year, "\"10000-01-01T00:00:00Z\"")),
        );
        check(
            ts("9999-12-31T23:00:00-02:00", false),
            Err((year, "\"9999-12-31T23:00:00-02:00\"")),
        );
        check(
            ts("-0001-01-01T00:00:00Z", false),
            Err((year, "\"-0001-01-01T00:00:00Z\"")),
        );
        check(
            ts("2026-02-30T00:00:00Z", false),
            Err((bad, "\"2026-02-30T00:00:00Z\"")),
        );
        check(ts("yesterday", true), Err((bad, "\"yesterday\"")));
        check(
            timestamp(json(json!(1700000000)), false),
            Err(("a string", "1700000000")),
        );
    }

    #[test]
    fn absent_empty_and_unknown_fields() {
        let cells = BTreeMap::from([
            ("a".to_owned(), json(Value::Null)),
            ("b".to_owned(), text("")),
            ("c".to_owned(), text("x")),
        ]);
        let mut fields = Fields::new(4, cells);
        assert_eq!(
            fields.refuse_unknown(&["a", "b"], "metric"),
            Err(LineError::new(
                4,
                Some("c"),
                "only fields of the metric format (a, b)",
                "an unknown field"
            ))
        );
        assert_eq!(fields.optional("a", string), Ok(None));
        assert_eq!(
            fields.required("b", string),
            Err(LineError::new(
                4,
                Some("b"),
                "a value (the field is required)",
                "an empty string"
            ))
        );
        assert_eq!(
            fields.required("d", string),
            Err(LineError::new(
                4,
                Some("d"),
                "a value (the field is required)",
                "nothing"
            ))
        );
    }

    #[test]
    fn line_error_display() {
        let with_field = LineError::new(3, Some("value"), "a number", "\"abc\"");
        assert_eq!(
            with_field.to_string(),
            "line 3, field `value`: expected a number, found \"abc\""
        );
        let without = LineError::new(1, None, "UTF-8 text", "invalid UTF-8");
        assert_eq!(without.to_string(), "line 1: expected UTF-8 text, found invalid UTF-8");
    }
}
