//! JSON Lines input: one JSON object per line, read one line at a time.
//!
//! Lines are split on `\n`; a `\r` before it is dropped (CRLF files are
//! accepted). A UTF-8 byte order mark at the start of the first line is
//! stripped: Windows tools write it as an encoding marker, it is not part of
//! the content, and RFC 8259 §8.1 lets parsers ignore it. Blank lines (only
//! spaces, tabs or nothing) are skipped wherever they are, since they carry
//! no data; they still count for line numbers. Each object is parsed
//! strictly: a key repeated in one object is refused (serde_json would keep
//! the last silently), and so is a NUL byte anywhere in the line.

use crate::fields::{Cell, Fields, LineError, describe_json};
use crate::{Format, ParseOptions, ParsedEvent};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::io::BufRead;

/// Parsed events of a JSON Lines input, in line order.
#[derive(Debug)]
pub(crate) struct JsonlLines<R> {
    reader: R,
    format: Format,
    options: ParseOptions,
    n_lines: u64,
    buffer: Vec<u8>,
    done: bool,
}

impl<R: BufRead> JsonlLines<R> {
    pub fn new(format: Format, reader: R, options: ParseOptions) -> Self {
        JsonlLines {
            reader,
            format,
            options,
            n_lines: 0,
            buffer: Vec::new(),
            done: false,
        }
    }
}

impl<R: BufRead> Iterator for JsonlLines<R> {
    type Item = Result<ParsedEvent, LineError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.buffer.clear();
            let line = self.n_lines + 1;
            match self.reader.read_until(b'\n', &mut self.buffer) {
                Ok(0) => self.done = true,
                Err(error) => {
                    self.done = true;
                    return Some(Err(LineError::new(line, None, "readable input", error.to_string())));
                }
                Ok(_) => {
                    self.n_lines = line;
                    if let Some(result) = parse_jsonl_line(self.format, line, &self.buffer, &self.options) {
                        return Some(result);
                    }
                }
            }
        }
        None
    }
}

/// Parses line number `line` of a JSON Lines input (its bytes, with or
/// without the `\n`); `None` for a blank line. For callers that split the
/// input themselves, e.g. to parse chunks of lines on several cores; the
/// result is exactly what [`crate::parse_lines`] yields for that line.
pub fn parse_jsonl_line(
    format: Format,
    line: u64,
    bytes: &[u8],
    options: &ParseOptions,
) -> Option<Result<ParsedEvent, LineError>> {
    let bytes = line_content(line, bytes)?;
    let result = parse_line(format, line, bytes, options);
    Some(result.map(|n| ParsedEvent {
        line,
        record: n.record,
        sealed: n.sealed,
    }))
}

/// The content of line number `line`: without its `\n` or `\r\n`, and on
/// the first line without a byte order mark; `None` for a blank line.
pub(crate) fn line_content(line: u64, bytes: &[u8]) -> Option<&[u8]> {
    let mut bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    if line == 1 {
        bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    }
    (!bytes.iter().all(|b| matches!(b, b' ' | b'\t'))).then_some(bytes)
}

/// Parses the content of one non-blank line by the reference path.
pub(crate) fn parse_line(
    format: Format,
    line: u64,
    bytes: &[u8],
    options: &ParseOptions,
) -> Result<crate::normalize::Normalized, LineError> {
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return Err(LineError::new(
            line,
            None,
            "text without NUL bytes",
            format!("a NUL byte at column {}", at + 1),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| LineError::new(line, None, "UTF-8 text", "invalid UTF-8"))?;
    let members = match parse_strict(text) {
        Ok(Value::Object(members)) => members,
        Ok(other) => return Err(LineError::new(line, None, "a JSON object", describe_json(&other))),
        Err(problem) => {
            return Err(LineError::new(
                line,
                problem.field.as_deref(),
                problem.expected,
                problem.found,
            ));
        }
    };
    let cells: BTreeMap<String, Cell> = members.into_iter().map(|(k, v)| (k, Cell::Json(v))).collect();
    crate::normalize::normalize(format, Fields::new(line, cells), options)
}

/// Why a text is not a strictly valid JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonProblem {
    /// Dotted path of the key at fault, when there is one.
    pub field: Option<String>,
    pub expected: &'static str,
    pub found: String,
}

impl fmt::Display for JsonProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{} at key `{field}`", self.found),
            None => f.write_str(&self.found),
        }
    }
}

/// Parses one JSON value, refusing repeated keys in any object.
pub(crate) fn parse_strict(text: &str) -> Result<Value, JsonProblem> {
    let tracker = Tracker::default();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let result = StrictSeed(&tracker)
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    result.map_err(|error| {
        if let Some(path) = tracker.duplicate.borrow_mut().take() {
            return JsonProblem {
                field: Some(path),
                expected: "each key at most once in an object",
                found: "a repeated key".to_owned(),
            };
        }
        let message = error.to_string();
        let message = message
            .strip_suffix(&format!(" at line {} column {}", error.line(), error.column()))
            .unwrap_or(&message);
        if message == "number out of range" {
            return JsonProblem {
                field: Some(tracker.path.borrow().join(".")).filter(|p| !p.is_empty()),
                expected: "a finite number within the range of a 64-bit float",
                found: format!("a number out of range at column {}", error.column()),
            };
        }
        JsonProblem {
            field: None,
            expected: "a complete JSON object",
            found: format!("invalid JSON: {message} at column {}", error.column()),
        }
    })
}

#[derive(Debug, Default)]
struct Tracker {
    /// Keys and indexes leading to the value being parsed.
    path: RefCell<Vec<String>>,
    /// Dotted path of the first repeated key.
    duplicate: RefCell<Option<String>>,
}

struct StrictSeed<'t>(&'t Tracker);

impl<'de> DeserializeSeed<'de> for StrictSeed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(StrictVisitor(self.0))
    }
}

struct StrictVisitor<'t>(&'t Tracker);

impl<'de> Visitor<'de> for StrictVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            self.0.path.borrow_mut().push(items.len().to_string());
            match seq.next_element_seed(StrictSeed(self.0))? {
                Some(item) => items.push(item),
                None => break,
            }
            self.0.path.borrow_mut().pop();
        }
        self.0.path.borrow_mut().pop();
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            self.0.path.borrow_mut().push(key.clone());
            if members.contains_key(&key) {
                *self.0.duplicate.borrow_mut() = Some(self.0.path.borrow().join("."));
                return Err(de::Error::custom("repeated key"));
            }
            let value = map.next_value_seed(StrictSeed(self.0))?;
            self.0.path.borrow_mut().pop();
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(text: &str, expect: Result<Value, (Option<&str>, &'static str, &str)>) {
        let expect = expect.map_err(|(field, expected, found)| JsonProblem {
            field: field.map(str::to_owned),
            expected,
            found: found.to_owned(),
        });
        assert_eq!(parse_strict(text), expect, "{text}");
    }

    #[test]
    fn strict_json() {
        check(r#"{"a": [1, {"b": null}]}"#, Ok(json!({"a": [1, {"b": null}]})));
        let repeated = "each key at most once in an object";
        check(r#"{"a": 1, "a": 2}"#, Err((Some("a"), repeated, "a repeated key")));
        check(
            r#"{"a": {"b": 1, "b": 1}}"#,
            Err((Some("a.b"), repeated, "a repeated key")),
        );
        check(
            r#"[{"x": 1}, {"b": 1, "b": 1}]"#,
            Err((Some("1.b"), repeated, "a repeated key")),
        );
        let range = "a finite number within the range of a 64-bit float";
        check(
            r#"{"value": 1e400}"#,
            Err((Some("value"), range, "a number out of range at column 15")),
        );
        let complete = "a complete JSON object";
        check(
            r#"{"value": NaN}"#,
            Err((None, complete, "invalid JSON: expected value at column 11")),
        );
        check(
            r#"{"value": 1"#,
            Err((None, complete, "invalid JSON: EOF while parsing an object at column 11")),
        );
        check(
            r#"{"a": 1} x"#,
            Err((None, complete, "invalid JSON: trailing characters at column 10")),
        );
    }
}
