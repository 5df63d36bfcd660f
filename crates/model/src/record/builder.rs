//! A record written member by member straight into its canonical bytes, then
//! sealed with its content id and hash.
//!
//! This is how ingest stores events: one canonical write per event, the `id`
//! and `hash` members spliced in afterwards, where going through a
//! [`serde_json::Value`] would build a map and write the object three times
//! (without `id`, without `hash`, whole). The bytes are exactly those of
//! [`super::seal_members`] for the same members, which the tests hold equal.

use crate::canonical::writer::{canonical_number_text, utf16_cmp, write_number, write_string, write_unsigned};
use crate::canonical::{CanonicalError, MAX_SAFE_INTEGER, is_written_as_unsafe_integer};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// What sealing a built record produced, besides its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealedParts {
    /// The record's hash: SHA-256 of its canonical bytes without `hash`.
    pub hash: [u8; 32],
    /// The content id, when one was asked for.
    pub id: Option<Uuid>,
}

/// Writes one record at a time; reusable, so that its buffers are allocated
/// once per thread rather than once per record.
///
/// Keys are printable ASCII without quotes or backslashes (the field names
/// of driftledger's formats), added in byte order (which for them is the
/// canonical UTF-16 order), each once; `id` and `hash` are added by
/// [`RecordBuilder::seal`]. Breaking these rules is a programming error and
/// panics.
///
/// ```
/// let mut builder = model::record::RecordBuilder::new();
/// builder.string("entity", "web-1");
/// builder.number("value", 0.5).unwrap();
/// let mut line = Vec::new();
/// let parts = builder.seal(None, &mut line);
/// let expected = model::record::seal(serde_json::json!({"entity": "web-1", "value": 0.5})).unwrap();
/// assert_eq!(line, expected.line.as_bytes());
/// assert_eq!(parts.hash, expected.hash);
/// ```
#[derive(Debug, Clone)]
pub struct RecordBuilder {
    /// `{` and the members so far, comma-separated; `}` is added when sealing.
    content: String,
    /// Each member's key and the offset of its first byte in `content`.
    members: Vec<(&'static str, usize)>,
}

impl Default for RecordBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl RecordBuilder {
    /// An empty record.
    pub fn new() -> Self {
        RecordBuilder {
            content: String::from("{"),
            members: Vec::with_capacity(16),
        }
    }

    /// Drops the members added so far (after an error, say).
    pub fn reset(&mut self) {
        self.content.truncate(1);
        self.members.clear();
    }

    fn key(&mut self, key: &'static str) {
        // Plain ASCII keys need no escaping, and their byte order is their
        // UTF-16 order, so they are written and compared as bytes.
        debug_assert!(
            key.bytes()
                .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\'),
            "keys are printable ASCII without quotes or backslashes: {key:?}"
        );
        assert!(
            key != "hash" && key != "id",
            "`{key}` is added by sealing, not as a member"
        );
        if let Some((last, _)) = self.members.last() {
            // Most neighbouring keys differ in their first byte; comparing
            // that first saves a call per member.
            let ordered = match (last.as_bytes().first(), key.as_bytes().first()) {
                (Some(a), Some(b)) if a != b => a < b,
                _ => last.as_bytes() < key.as_bytes(),
            };
            assert!(
                ordered,
                "members must come in canonical key order, each once: `{key}` after `{last}`"
            );
            self.content.push(',');
        }
        self.members.push((key, self.content.len()));
        self.content.push('"');
        self.content.push_str(key);
        self.content.push_str("\":");
    }

    /// Adds a string member.
    pub fn string(&mut self, key: &'static str, value: &str) {
        self.key(key);
        write_string(&mut self.content, value);
    }

    /// Adds a number member, refused (and not added) when it is not finite
    /// or would be written as an integer beyond 2^53 − 1 (see
    /// [`crate::canonical`]).
    pub fn number(&mut self, key: &'static str, value: f64) -> Result<(), CanonicalError> {
        check_number(value, || format!("/{key}"))?;
        self.key(key);
        write_number(&mut self.content, value).expect("checked finite above");
        Ok(())
    }

    /// Adds a number member given as a JSON number token, refused as
    /// [`RecordBuilder::number`] refuses. A plain decimal such as `14.69` or
    /// `3.0` is copied (as `14.69`, `3`) without the round trip through a
    /// double, which gives the same bytes.
    pub fn number_token(&mut self, key: &'static str, token: &str) -> Result<(), CanonicalError> {
        let Some(canonical) = canonical_number_text(token) else {
            let value = token
                .parse()
                .map_err(|_| CanonicalError::NotJson(format!("a number token, found {token:?}")))?;
            return self.number(key, value);
        };
        self.key(key);
        self.content.push_str(canonical);
        Ok(())
    }

    /// Adds an integer member, refused (and not added) beyond 2^53 − 1.
    pub fn unsigned(&mut self, key: &'static str, value: u64) -> Result<(), CanonicalError> {
        if value > MAX_SAFE_INTEGER {
            return Err(CanonicalError::UnsafeInteger {
                value: value.to_string(),
                path: format!("/{key}"),
            });
        }
        self.key(key);
        write_unsigned(&mut self.content, value);
        Ok(())
    }

    /// Adds an object member of string keys and whole-number values (such
    /// as counts), in any order; refused (and not added) when a value is
    /// beyond 2^53 − 1.
    pub fn counts(&mut self, key: &'static str, members: &[(&str, u64)]) -> Result<(), CanonicalError> {
        if let Some((name, value)) = members.iter().find(|(_, value)| *value > MAX_SAFE_INTEGER) {
            return Err(CanonicalError::UnsafeInteger {
                value: value.to_string(),
                path: member_path(key, name),
            });
        }
        self.object(key, members, |out, value| write_unsigned(out, *value));
        Ok(())
    }

    /// Adds an object member of string keys and number values, in any
    /// order; refused (and not added) when a value is refused as
    /// [`RecordBuilder::number`] refuses it.
    pub fn numbers(&mut self, key: &'static str, members: &[(&str, f64)]) -> Result<(), CanonicalError> {
        for (name, value) in members {
            check_number(*value, || member_path(key, name))?;
        }
        self.object(key, members, |out, value| {
            write_number(out, *value).expect("checked finite above");
        });
        Ok(())
    }

    /// Adds an object member of string members, in any order.
    pub fn strings(&mut self, key: &'static str, members: &[(&str, &str)]) {
        self.object(key, members, |out, value| write_string(out, value));
    }

    /// Adds an object member of the given members, written in canonical
    /// (UTF-16) key order, each value by `write_value`. Members mostly come
    /// in that order already, and are then written without a copy.
    fn object<V: Clone>(&mut self, key: &'static str, members: &[(&str, V)], write_value: impl Fn(&mut String, &V)) {
        let mut members = std::borrow::Cow::Borrowed(members);
        if !members.is_sorted_by(|a, b| utf16_cmp(a.0, b.0).is_le()) {
            members.to_mut().sort_by(|a, b| utf16_cmp(a.0, b.0));
        }
        self.key(key);
        self.content.push('{');
        for (i, (name, value)) in members.iter().enumerate() {
            if i > 0 {
                self.content.push(',');
            }
            write_string(&mut self.content, name);
            self.content.push(':');
            write_value(&mut self.content, value);
        }
        self.content.push('}');
    }

    /// Adds a boolean member.
    pub fn boolean(&mut self, key: &'static str, value: bool) {
        self.key(key);
        self.content.push_str(if value { "true" } else { "false" });
    }

    /// Seals the record and appends its stored line (no newline) to `out`,
    /// then resets the builder.
    ///
    /// With `id_kind`, the record first gets an `id` member: the
    /// [`crate::id::artifact_id`] of that kind over the canonical bytes of
    /// the members. The hash covers the record with its `id`.
    pub fn seal(&mut self, id_kind: Option<&str>, out: &mut Vec<u8>) -> SealedParts {
        self.content.push('}');
        let Some(kind) = id_kind else {
            let hash: [u8; 32] = Sha256::digest(self.content.as_bytes()).into();
            let mut hash_hex = [0u8; 64];
            crate::digest::write_hash_hex(&hash, &mut hash_hex);
            let hash_hex = std::str::from_utf8(&hash_hex).expect("hex digits are ASCII");
            splice(&self.content, &self.members, &[("hash", hash_hex)], out);
            self.reset();
            return SealedParts { hash, id: None };
        };
        let id = crate::id::artifact_id(kind, self.content.as_bytes());
        let mut id_text = [0u8; 36];
        let id_text: &str = id.hyphenated().encode_lower(&mut id_text);
        // The line is written once, with a placeholder for the hash; the
        // record the hash covers is that line without the hash member, so
        // it is hashed in the two pieces around it rather than copied.
        let line_start = out.len();
        let hash_at = splice(
            &self.content,
            &self.members,
            &[("hash", HASH_PLACEHOLDER), ("id", id_text)],
            out,
        );
        // `"hash":"…"` and one comma next to it: the comma after it, as
        // `id` always follows it.
        let hash_member = hash_at - "\"hash\":\"".len()..hash_at + HASH_PLACEHOLDER.len() + "\",".len();
        debug_assert_eq!(out[hash_member.end - 1], b',');
        let mut hasher = Sha256::new();
        hasher.update(&out[line_start..hash_member.start]);
        hasher.update(&out[hash_member.end..]);
        let hash: [u8; 32] = hasher.finalize().into();
        let digits: &mut [u8; 64] = (&mut out[hash_at..hash_at + HASH_PLACEHOLDER.len()])
            .try_into()
            .expect("the placeholder is 64 bytes");
        crate::digest::write_hash_hex(&hash, digits);
        self.reset();
        SealedParts { hash, id: Some(id) }
    }
}

/// Refuses a number that is not finite or would be written as an integer
/// beyond 2^53 − 1; `path` names it.
fn check_number(value: f64, path: impl FnOnce() -> String) -> Result<(), CanonicalError> {
    if !value.is_finite() {
        return Err(CanonicalError::NotJson("a number that is not finite".to_owned()));
    }
    if is_written_as_unsafe_integer(value.abs()) {
        return Err(CanonicalError::UnsafeInteger {
            value: ryu_js::Buffer::new().format_finite(value).to_owned(),
            path: path(),
        });
    }
    Ok(())
}

/// The JSON pointer (RFC 6901) to member `name` of object member `key`.
fn member_path(key: &str, name: &str) -> String {
    format!("/{key}/{}", name.replace('~', "~0").replace('/', "~1"))
}

/// Stands for the hash in a line written before the hash is known.
const HASH_PLACEHOLDER: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Appends the closed object `content` (whose members start at the offsets
/// in `members`) with the string members `extra` (sorted, at least one,
/// keys not in `members`, keys and values plain ASCII needing no escapes)
/// merged in key order. Returns where the first extra member's value
/// starts in `out`.
fn splice(content: &str, members: &[(&str, usize)], extra: &[(&str, &str)], out: &mut Vec<u8>) -> usize {
    let closing = content.len() - 1;
    let mut copied = 0;
    let mut anything_before = !members.is_empty();
    let mut first_value_at = None;
    for (key, value) in extra {
        let at = members
            .iter()
            .find(|(member, _)| member.as_bytes() > key.as_bytes())
            .map(|(_, offset)| *offset);
        let offset = at.unwrap_or(closing);
        out.extend_from_slice(&content.as_bytes()[copied..offset]);
        copied = offset;
        if at.is_none() && anything_before {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\":\"");
        first_value_at.get_or_insert(out.len());
        out.extend_from_slice(value.as_bytes());
        out.push(b'"');
        if at.is_some() {
            out.push(b',');
        }
        anything_before = true;
    }
    out.extend_from_slice(&content.as_bytes()[copied..]);
    first_value_at.expect("at least one extra member")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::seal_members;
    use proptest::prelude::*;
    use serde_json::{Map, Value};

    /// Keys around `hash` and `id` in byte order, so that every splice
    /// position (first, between, last, empty object) occurs.
    const KEYS: [&str; 8] = ["a", "entity", "h", "hat", "ice", "idx", "label", "zz"];

    #[derive(Debug, Clone)]
    enum Member {
        Text(String),
        Number(f64),
        Unsigned(u64),
        Flag(bool),
        Counts(Vec<(String, u64)>),
        Numbers(Vec<(String, f64)>),
        Strings(Vec<(String, String)>),
    }

    fn member() -> impl Strategy<Value = Member> {
        prop_oneof![
            any::<String>().prop_map(Member::Text),
            any::<f64>().prop_map(Member::Number),
            (0..=MAX_SAFE_INTEGER + 2).prop_map(Member::Unsigned),
            any::<bool>().prop_map(Member::Flag),
            // Keys from anywhere in Unicode, so that UTF-16 order (not
            // byte order) is exercised; unique keys, as in a map, given in
            // any order.
            proptest::collection::btree_map(any::<String>(), 0..=MAX_SAFE_INTEGER + 2, 0..4)
                .prop_flat_map(|m| Just(m.into_iter().collect::<Vec<_>>()).prop_shuffle())
                .prop_map(Member::Counts),
            proptest::collection::btree_map(any::<String>(), any::<String>(), 0..4)
                .prop_flat_map(|m| Just(m.into_iter().collect::<Vec<_>>()).prop_shuffle())
                .prop_map(Member::Strings),
            proptest::collection::btree_map(
                any::<String>(),
                prop_oneof![any::<f64>(), Just(1e16), Just(-0.0), Just(2.5)],
                0..4,
            )
            .prop_flat_map(|m| Just(m.into_iter().collect::<Vec<_>>()).prop_shuffle())
            .prop_map(Member::Numbers),
            Just(Member::Number(1e16)),
            Just(Member::Number(-0.0)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn equals_sealing_a_value(
            present in proptest::collection::vec(proptest::option::of(member()), KEYS.len()),
            with_id in any::<bool>(),
        ) {
            let mut builder = RecordBuilder::new();
            let mut members = Map::new();
            for (key, item) in KEYS.iter().zip(&present) {
                let Some(item) = item else { continue };
                let (added, value) = match item {
                    Member::Text(text) => { builder.string(key, text); (Ok(()), Value::from(text.clone())) }
                    Member::Number(v) => (builder.number(key, *v), serde_json::Number::from_f64(*v).map_or(Value::Null, Value::Number)),
                    Member::Unsigned(v) => (builder.unsigned(key, *v), Value::from(*v)),
                    Member::Flag(b) => { builder.boolean(key, *b); (Ok(()), Value::Bool(*b)) }
                    Member::Counts(counts) => (
                        builder.counts(key, &counts.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>()),
                        Value::Object(counts.iter().map(|(k, v)| (k.clone(), Value::from(*v))).collect()),
                    ),
                    Member::Numbers(numbers) => (
                        builder.numbers(key, &numbers.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>()),
                        numbers
                            .iter()
                            .map(|(k, v)| serde_json::Number::from_f64(*v).map(|n| (k.clone(), Value::Number(n))))
                            .collect::<Option<Map<_, _>>>()
                            .map_or(Value::Null, Value::Object),
                    ),
                    Member::Strings(strings) => {
                        builder.strings(key, &strings.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<Vec<_>>());
                        (Ok(()), Value::Object(strings.iter().map(|(k, v)| (k.clone(), Value::from(v.clone()))).collect()))
                    }
                };
                let reference = crate::canonical::object_with_members(
                    &Map::from_iter([(key.to_string(), value.clone())]), &[]);
                prop_assert_eq!(added.is_ok(), reference.is_ok() && !value.is_null(), "{} {:?}", key, item);
                // A refused member is not added, and the record goes on without it.
                if added.is_ok() {
                    members.insert(key.to_string(), value);
                }
            }
            let mut line = b"prefix ".to_vec();
            let kind = "test-event";
            let parts = builder.seal(with_id.then_some(kind), &mut line);
            let expected = if with_id {
                let content = crate::canonical::object_with_members(&members, &[]).unwrap();
                let id = crate::id::artifact_id(kind, content.as_bytes()).to_string();
                prop_assert_eq!(parts.id.map(|id| id.to_string()), Some(id.clone()));
                seal_members(&members, &[("id", &id)]).unwrap()
            } else {
                prop_assert_eq!(parts.id, None);
                seal_members(&members, &[]).unwrap()
            };
            prop_assert_eq!(std::str::from_utf8(&line).unwrap(), format!("prefix {}", expected.line));
            prop_assert_eq!(parts.hash, expected.hash);
            // The builder is ready for the next record.
            let mut again = Vec::new();
            builder.seal(None, &mut again);
            prop_assert_eq!(again, seal_members(&Map::new(), &[]).unwrap().line.into_bytes());
        }
    }

    proptest! {
        /// A number token adds exactly what its double adds, whether it is
        /// copied (plain decimals) or parsed and written (everything else).
        #[test]
        fn number_tokens_add_what_their_doubles_add(
            token in prop_oneof![
                "-?(0|[1-9][0-9]{0,17})(\\.[0-9]{1,18})?([eE][-+]?[0-9]{1,3})?",
                any::<f64>().prop_map(|v| v.to_string()),
                "-?0\\.0{0,8}[1-9][0-9]{0,16}",
            ],
        ) {
            let value: f64 = token.parse().unwrap();
            let (mut from_token, mut from_value) = (RecordBuilder::new(), RecordBuilder::new());
            let added = from_token.number_token("value", &token);
            prop_assert_eq!(&added, &from_value.number("value", value), "{}", token);
            let (mut a, mut b) = (Vec::new(), Vec::new());
            from_token.seal(None, &mut a);
            from_value.seal(None, &mut b);
            prop_assert_eq!(String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap(), "{}", token);
        }
    }

    #[test]
    #[should_panic(expected = "canonical key order")]
    fn keys_out_of_order_panic() {
        let mut builder = RecordBuilder::new();
        builder.string("metric", "cpu");
        builder.string("entity", "web-1");
    }

    #[test]
    fn refused_numbers_are_not_added() {
        let mut builder = RecordBuilder::new();
        assert!(builder.number("value", f64::NAN).is_err());
        assert_eq!(
            builder.number("value", 1e16),
            Err(CanonicalError::UnsafeInteger {
                value: "10000000000000000".to_owned(),
                path: "/value".to_owned()
            })
        );
        assert!(builder.unsigned("bytes", MAX_SAFE_INTEGER + 1).is_err());
        assert_eq!(
            builder.numbers("stats", &[("median", 2.5), ("p/95", -1e16)]),
            Err(CanonicalError::UnsafeInteger {
                value: "-10000000000000000".to_owned(),
                path: "/stats/p~195".to_owned()
            })
        );
        assert!(builder.numbers("stats", &[("median", f64::INFINITY)]).is_err());
        assert_eq!(
            builder.counts("hours", &[("~a", 1), ("b", MAX_SAFE_INTEGER + 1)]),
            Err(CanonicalError::UnsafeInteger {
                value: (MAX_SAFE_INTEGER + 1).to_string(),
                path: "/hours/b".to_owned()
            })
        );
        assert_eq!(
            builder.counts("hours", &[("~a", MAX_SAFE_INTEGER + 1)]),
            Err(CanonicalError::UnsafeInteger {
                value: (MAX_SAFE_INTEGER + 1).to_string(),
                path: "/hours/~0a".to_owned()
            })
        );
        builder.number("value", 1e21).unwrap();
        let mut line = Vec::new();
        builder.seal(None, &mut line);
        let line = String::from_utf8(line).unwrap();
        assert!(line.ends_with(r#","value":1e+21}"#), "{line}");
    }
}
