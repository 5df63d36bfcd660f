//! Normalized input events: one type per input format, as the `ingest` crate
//! produces them and the store keeps them.
//!
//! Times are RFC 3339 UTC strings with a `Z` and millisecond precision.
//! Metric, auth and proxy events carry a deterministic `id`, the UUIDv5
//! [`crate::id::artifact_id`] of `"<format>-event"` and the canonical bytes
//! of the event without `id`; behaviour events and identities keep the UUIDs
//! they were given, in lowercase hyphenated form. Absent optional fields are
//! omitted, never `null`.
//!
//! ```text
//! {"entity":"web-1","id":"<uuid>","metric":"cpu","timestamp":"2026-11-21T10:00:00.000Z","value":0.5}
//! {"action":"DENY","clientip":"10.0.0.1","id":"<uuid>","time":"2026-11-21T10:00:00.000Z","url":"http://a.example/"}
//! ```

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One sample of a numeric metric of an entity (format `metric`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricEvent {
    /// Deterministic UUIDv5 of the event's content.
    #[schemars(regex(pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"))]
    pub id: String,
    /// When the sample was taken, RFC 3339 UTC.
    #[schemars(regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$"))]
    pub timestamp: String,
    /// The entity measured (host, service, user…).
    pub entity: String,
    /// The metric's name.
    pub metric: String,
    /// The measured value, finite.
    pub value: f64,
    /// Ground truth, for evaluation only: `normal` or the kind of incident.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// A stored metric event read without copying its strings: what baselines
/// and scores need of a line of `events/metric.jsonl`. Strings are borrowed
/// from the line unless they contain escapes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StoredMetricEvent<'a> {
    /// The event's id.
    #[serde(borrow)]
    pub id: std::borrow::Cow<'a, str>,
    /// When the sample was taken, RFC 3339 UTC with milliseconds.
    #[serde(borrow)]
    pub timestamp: std::borrow::Cow<'a, str>,
    /// The entity measured.
    #[serde(borrow)]
    pub entity: std::borrow::Cow<'a, str>,
    /// The metric's name.
    #[serde(borrow)]
    pub metric: std::borrow::Cow<'a, str>,
    /// The measured value.
    pub value: f64,
}

impl<'a> StoredMetricEvent<'a> {
    /// Reads a stored line: by the store's exact layout, or scanned in one
    /// pass when it is a flat object of the stored fields, otherwise read
    /// by `serde_json`, whose result and errors are the reference; tests
    /// hold the three equal.
    pub fn from_line(line: &'a [u8]) -> Result<StoredMetricEvent<'a>, serde_json::Error> {
        fast_or_serde(line, Self::read_stored(line).or_else(|| Self::scan(line)))
    }

    /// Reads a line in the exact layout the store writes: its members in
    /// canonical order, `label` a string or left out.
    fn read_stored(line: &'a [u8]) -> Option<StoredMetricEvent<'a>> {
        let mut layout = crate::flat::Layout::start(line)?;
        let entity = layout.text(br#"{"entity":""#)?;
        layout.text(br#","hash":""#)?;
        let id = layout.text(br#","id":""#)?;
        layout.optional_text(br#","label":"#)?;
        let metric = layout.text(br#","metric":""#)?;
        let timestamp = layout.text(br#","timestamp":""#)?;
        let value = layout.number(br#","value":"#)?;
        layout.end(b"}")?;
        Some(StoredMetricEvent {
            id: id.into(),
            timestamp: timestamp.into(),
            entity: entity.into(),
            metric: metric.into(),
            value: finite(value)?,
        })
    }

    fn scan(line: &'a [u8]) -> Option<StoredMetricEvent<'a>> {
        use crate::flat::{Token, scan_object};
        const FIELDS: [&str; 7] = ["entity", "hash", "id", "label", "metric", "timestamp", "value"];
        let mut values: [Option<Token<'a>>; 7] = Default::default();
        scan_object(line, &FIELDS, &mut values)?;
        // `hash` and `label` are not read, so any value of theirs is taken,
        // as `serde` ignores them.
        let [entity, _, id, _, metric, timestamp, value] = values;
        let required = required_text;
        let value = match value {
            Some(Token::Number(token)) => finite(token)?,
            _ => return None,
        };
        Some(StoredMetricEvent {
            id: required(id)?,
            timestamp: required(timestamp)?,
            entity: required(entity)?,
            metric: required(metric)?,
            value,
        })
    }
}

/// What a fast reader read, or, when it declined, what `serde_json` reads.
fn fast_or_serde<'a, T: Deserialize<'a>>(line: &'a [u8], fast: Option<T>) -> Result<T, serde_json::Error> {
    match fast {
        Some(event) => Ok(event),
        None => serde_json::from_slice(line),
    }
}

/// A scanned member's string, if it was one.
fn required_text(token: Option<crate::flat::Token<'_>>) -> Option<std::borrow::Cow<'_, str>> {
    match token {
        Some(crate::flat::Token::Text(text)) => Some(text),
        _ => None,
    }
}

/// The double a number token stands for, when it is finite; a token beyond
/// the doubles is left to `serde_json`, which refuses it.
fn finite(token: &str) -> Option<f64> {
    crate::flat::to_f64(token).filter(|value| value.is_finite())
}

/// A stored behaviour event read without copying its strings: what
/// profiles and drift need of a line of `events/behavior.jsonl`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StoredBehaviorEvent<'a> {
    /// The event's own UUID.
    #[serde(borrow)]
    pub event_id: std::borrow::Cow<'a, str>,
    /// The acting identity's UUID.
    #[serde(borrow)]
    pub identity_id: std::borrow::Cow<'a, str>,
    /// When it happened, RFC 3339 UTC with milliseconds.
    #[serde(borrow)]
    pub timestamp: std::borrow::Cow<'a, str>,
    /// What kind of action it was.
    #[serde(borrow)]
    pub event_type: std::borrow::Cow<'a, str>,
    /// The host, if recorded.
    #[serde(default, borrow)]
    pub host: Option<std::borrow::Cow<'a, str>>,
    /// The privilege, if recorded.
    #[serde(default, borrow)]
    pub privilege: Option<std::borrow::Cow<'a, str>>,
}

impl<'a> StoredBehaviorEvent<'a> {
    /// Reads a stored line: by the store's exact layout, or scanned in one
    /// pass when it is a flat object of the stored fields, otherwise read
    /// by `serde_json`, whose result and errors are the reference; tests
    /// hold the three equal.
    pub fn from_line(line: &'a [u8]) -> Result<StoredBehaviorEvent<'a>, serde_json::Error> {
        fast_or_serde(line, Self::read_stored(line).or_else(|| Self::scan(line)))
    }

    /// Reads a line in the exact layout the store writes: its members in
    /// canonical order, the optional ones `null` or left out.
    fn read_stored(line: &'a [u8]) -> Option<StoredBehaviorEvent<'a>> {
        let mut layout = crate::flat::Layout::start(line)?;
        let event_id = layout.text(br#"{"event_id":""#)?;
        let event_type = layout.text(br#","event_type":""#)?;
        layout.text(br#","hash":""#)?;
        let host = layout.optional_text(br#","host":"#)?;
        let identity_id = layout.text(br#","identity_id":""#)?;
        let privilege = layout.optional_text(br#","privilege":"#)?;
        let timestamp = layout.text(br#","timestamp":""#)?;
        layout.end(b"}")?;
        Some(StoredBehaviorEvent {
            event_id: event_id.into(),
            identity_id: identity_id.into(),
            timestamp: timestamp.into(),
            event_type: event_type.into(),
            host: host.map(Into::into),
            privilege: privilege.map(Into::into),
        })
    }

    fn scan(line: &'a [u8]) -> Option<StoredBehaviorEvent<'a>> {
        use crate::flat::{Token, scan_object};
        const FIELDS: [&str; 7] = [
            "event_id",
            "event_type",
            "hash",
            "host",
            "identity_id",
            "privilege",
            "timestamp",
        ];
        let mut values: [Option<Token<'a>>; 7] = Default::default();
        scan_object(line, &FIELDS, &mut values)?;
        let [event_id, event_type, _, host, identity_id, privilege, timestamp] = values;
        let required = required_text;
        // `serde` reads a `null` or absent optional field as `None`.
        let optional = |token: Option<Token<'a>>| match token {
            Some(Token::Text(text)) => Some(Some(text)),
            Some(Token::Null) | None => Some(None),
            _ => None,
        };
        Some(StoredBehaviorEvent {
            event_id: required(event_id)?,
            identity_id: required(identity_id)?,
            timestamp: required(timestamp)?,
            event_type: required(event_type)?,
            host: optional(host)?,
            privilege: optional(privilege)?,
        })
    }
}

/// One authentication or API request (format `auth`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthEvent {
    /// Deterministic UUIDv5 of the event's content.
    #[schemars(regex(pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"))]
    pub id: String,
    /// When the request happened, RFC 3339 UTC.
    #[schemars(regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$"))]
    pub timestamp: String,
    /// Who made the request.
    pub user_id: String,
    /// Where the request came from.
    pub ip_address: String,
    /// What was requested.
    pub endpoint: String,
    /// The response status code.
    pub status_code: u16,
    /// Geographic location, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Client device fingerprint, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_fingerprint: Option<String>,
    /// Bytes transferred, at most 2^53 − 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 9007199254740991u64))]
    pub bytes_transferred: Option<u64>,
    /// Ground truth, for evaluation only: whether this was an attack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_attack: Option<bool>,
    /// Ground truth, for evaluation only: the kind of attack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attack_type: Option<String>,
}

/// What a web proxy did with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ProxyAction {
    /// The request was let through.
    #[serde(rename = "ALLOW")]
    Allow,
    /// The request was blocked.
    #[serde(rename = "DENY")]
    Deny,
}

/// One web proxy log line (format `proxy`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProxyEvent {
    /// Deterministic UUIDv5 of the event's content.
    #[schemars(regex(pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"))]
    pub id: String,
    /// When the request happened, RFC 3339 UTC.
    #[schemars(regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$"))]
    pub time: String,
    /// The client's IP address.
    pub clientip: String,
    /// Whether the proxy allowed or denied the request.
    pub action: ProxyAction,
    /// The requested URL.
    pub url: String,
    /// The authenticated user, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The HTTP method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The HTTP response code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsecode: Option<u16>,
    /// Request size in bytes, at most 2^53 − 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 9007199254740991u64))]
    pub requestsize: Option<u64>,
    /// Response size in bytes, at most 2^53 − 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 9007199254740991u64))]
    pub responsesize: Option<u64>,
    /// The client's user agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub useragent: Option<String>,
    /// The URL category assigned by the proxy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Ground truth, for evaluation only: `benign` or the kind of attack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// One action of an identity (format `behavior`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BehaviorEvent {
    /// The event's own UUID, lowercase hyphenated.
    #[schemars(regex(pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"))]
    pub event_id: String,
    /// The acting identity's UUID, lowercase hyphenated.
    #[schemars(regex(pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"))]
    pub identity_id: String,
    /// When it happened, RFC 3339 UTC.
    #[schemars(regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$"))]
    pub timestamp: String,
    /// What kind of action it was.
    pub event_type: String,
    /// The host it happened on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The privilege level used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privilege: Option<String>,
}

/// A user, service account or machine (format `identity`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// The identity's UUID, lowercase hyphenated.
    #[schemars(regex(pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"))]
    pub identity_id: String,
    /// Its display name.
    pub name: String,
    /// What kind of identity it is (user, service…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Free-form attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<serde_json::Map<String, serde_json::Value>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn optional_fields_are_omitted_and_unknown_fields_refused() {
        let identity = Identity {
            identity_id: "00000000-0000-0000-0000-000000000001".into(),
            name: "alice".into(),
            kind: None,
            attributes: None,
        };
        let value = serde_json::to_value(&identity).unwrap();
        assert_eq!(
            value,
            json!({"identity_id": "00000000-0000-0000-0000-000000000001", "name": "alice"})
        );
        let extra = json!({"identity_id": "x", "name": "a", "age": 3});
        assert!(serde_json::from_value::<Identity>(extra).is_err());
        assert_eq!(serde_json::to_value(ProxyAction::Deny).unwrap(), json!("DENY"));
    }

    /// `line` with the byte at `flip`'s place, if any, set to its value.
    fn flipped(mut line: Vec<u8>, flip: Option<(proptest::sample::Index, u8)>) -> Vec<u8> {
        if let Some((at, byte)) = flip {
            let at = at.index(line.len());
            line[at] = byte;
        }
        line
    }

    mod metric_lines {
        use super::*;
        use proptest::prelude::*;

        /// A JSON number token, in and out of the doubles' range.
        fn number_token() -> impl Strategy<Value = String> {
            prop_oneof![
                any::<f64>()
                    .prop_filter("finite", |v| v.is_finite())
                    .prop_map(|v| ryu_js::Buffer::new().format_finite(v).to_owned()),
                "-?(0|[1-9][0-9]{0,20})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?",
                Just("1e400".to_owned()),
                Just("-0".to_owned()),
            ]
        }

        /// A member of a metric line, as written: a known key or a stray
        /// one, with a value of any JSON kind.
        fn member() -> impl Strategy<Value = (String, String)> {
            let key = prop_oneof![
                Just("entity".to_owned()),
                Just("hash".to_owned()),
                Just("id".to_owned()),
                Just("label".to_owned()),
                Just("metric".to_owned()),
                Just("timestamp".to_owned()),
                Just("value".to_owned()),
                "[a-z_]{1,10}",
            ];
            let value = prop_oneof![
                4 => any::<String>().prop_map(|s| json!(s).to_string()),
                2 => number_token(),
                1 => "[a-z\\\\\"/]{0,6}".prop_map(|s| json!(s).to_string()),
                1 => Just("null".to_owned()),
                1 => any::<bool>().prop_map(|b| b.to_string()),
                1 => Just("[\"x\"]".to_owned()),
            ];
            (key, value)
        }

        fn line_of(members: &[(String, String)]) -> Vec<u8> {
            let body: Vec<String> = members
                .iter()
                .map(|(key, value)| format!("{}:{value}", json!(key)))
                .collect();
            format!("{{{}}}", body.join(",")).into_bytes()
        }

        /// The fast readers give what `serde_json` gives: the same event
        /// (the value the same double, bit for bit), or an error.
        fn reads_as_serde_json_reads_it(line: &[u8]) -> Result<(), TestCaseError> {
            let reference = serde_json::from_slice::<StoredMetricEvent<'_>>(line);
            match StoredMetricEvent::from_line(line) {
                Ok(event) => {
                    let reference = reference.expect("serde_json reads it too");
                    prop_assert_eq!(event.value.to_bits(), reference.value.to_bits());
                    prop_assert_eq!(event, reference);
                }
                Err(_) => prop_assert!(reference.is_err()),
            }
            Ok(())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]
            /// Whatever the line, it is read as `serde_json` reads it.
            #[test]
            fn reads_as_serde_json_reads(
                members in proptest::collection::vec(member(), 0..9),
                flip in proptest::option::of((any::<prop::sample::Index>(), any::<u8>())),
            ) {
                reads_as_serde_json_reads_it(&flipped(line_of(&members), flip))?;
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]
            /// Lines in the store's layout, with any strings and numbers and
            /// any byte changed: read as `serde_json` reads them, and read by
            /// the layout reader exactly when no string needs an escape and
            /// the value is a double.
            #[test]
            fn stored_layout_lines_read_as_serde_json_reads(
                texts in proptest::collection::vec(prop_oneof![any::<String>(), "[a-z0-9:.-]{0,40}"], 5),
                label in proptest::option::of(prop_oneof![any::<String>(), "[a-z_]{0,12}"]),
                value in number_token(),
                flip in proptest::option::of((any::<prop::sample::Index>(), any::<u8>())),
            ) {
                let text = |s: &String| json!(s).to_string();
                let mut members = vec![
                    ("entity".to_owned(), text(&texts[0])),
                    ("hash".to_owned(), text(&texts[1])),
                    ("id".to_owned(), text(&texts[2])),
                ];
                members.extend(label.as_ref().map(|label| ("label".to_owned(), text(label))));
                members.push(("metric".to_owned(), text(&texts[3])));
                members.push(("timestamp".to_owned(), text(&texts[4])));
                members.push(("value".to_owned(), value.clone()));
                let line = line_of(&members);
                let escaped = texts.iter().chain(&label).any(|s| text(s).len() != s.len() + 2);
                let finite = value.parse::<f64>().unwrap().is_finite();
                if flip.is_none() {
                    prop_assert_eq!(StoredMetricEvent::read_stored(&line).is_some(), !escaped && finite);
                }
                let line = flipped(line, flip);
                reads_as_serde_json_reads_it(&line)?;
                if let Some(event) = StoredMetricEvent::read_stored(&line) {
                    prop_assert_eq!(Some(event), serde_json::from_slice::<StoredMetricEvent<'_>>(&line).ok());
                }
            }
        }

        #[test]
        fn stored_lines_take_the_layout_reader() {
            let line = br#"{"entity":"host-001","hash":"ab","id":"i","label":"normal","metric":"cpu_pct","timestamp":"t","value":14.69}"#;
            let event = StoredMetricEvent::read_stored(line).expect("the store's layout");
            assert_eq!(event, serde_json::from_slice(line).unwrap());
            assert_eq!((event.entity.as_ref(), event.value), ("host-001", 14.69));
            let unlabelled = br#"{"entity":"e","hash":"ab","id":"i","metric":"m","timestamp":"t","value":-0}"#;
            let event = StoredMetricEvent::read_stored(unlabelled).expect("label left out");
            assert!(event.value == 0.0 && event.value.is_sign_negative());
            for declined in [
                &br#"{"entity":"e","hash":"ab","id":"i","metric":"m","timestamp":"t","value":1} "#[..],
                br#"{"hash":"ab","entity":"e","id":"i","metric":"m","timestamp":"t","value":1}"#,
                br#"{"entity":"e\u0041","hash":"ab","id":"i","metric":"m","timestamp":"t","value":1}"#,
                br#"{"entity":"e","hash":"ab","id":"i","label":3,"metric":"m","timestamp":"t","value":1}"#,
                br#"{"entity":"e","hash":"ab","id":"i","metric":"m","timestamp":"t","value":"1"}"#,
                br#"{"entity":"e","hash":"ab","id":"i","metric":"m","timestamp":"t","value":01}"#,
                br#"{"entity":"e","hash":"ab","id":"i","metric":"m","timestamp":"t","value":1e400}"#,
                br#"{"entity":"e","hash":"ab","id":"i","metric":"m","timestamp":"t","value":1,"x":1}"#,
            ] {
                assert_eq!(
                    StoredMetricEvent::read_stored(declined),
                    None,
                    "{}",
                    String::from_utf8_lossy(declined)
                );
            }
        }

        #[test]
        fn other_flat_lines_take_the_scan_and_the_rest_serde_json() {
            let reordered = br#"{"value":2.5,"metric":"m","label":null,"id":"i","entity":"e\u0041","timestamp":"t"}"#;
            let event = StoredMetricEvent::scan(reordered).expect("a flat line of the stored fields");
            assert_eq!(event, serde_json::from_slice(reordered).unwrap());
            assert_eq!((event.entity.as_ref(), event.value), ("eA", 2.5));
            let beyond = br#"{"entity":"e","id":"i","metric":"m","timestamp":"t","value":1e400}"#;
            assert_eq!(StoredMetricEvent::scan(beyond), None);
            assert!(StoredMetricEvent::from_line(beyond).is_err());
            let nested = br#"{"entity":"e","id":"i","label":{"k":1},"metric":"m","timestamp":"t","value":1}"#;
            assert_eq!(StoredMetricEvent::scan(nested), None);
            assert_eq!(StoredMetricEvent::from_line(nested).unwrap().value, 1.0);
        }
    }

    mod behaviour_lines {
        use super::*;
        use proptest::prelude::*;

        /// A member of a behaviour line: a known key or a stray one, with a
        /// value of any JSON kind.
        fn member() -> impl Strategy<Value = (String, serde_json::Value)> {
            let key = prop_oneof![
                Just("event_id".to_owned()),
                Just("event_type".to_owned()),
                Just("hash".to_owned()),
                Just("host".to_owned()),
                Just("identity_id".to_owned()),
                Just("privilege".to_owned()),
                Just("timestamp".to_owned()),
                "[a-z_]{1,10}",
            ];
            let value = prop_oneof![
                4 => any::<String>().prop_map(serde_json::Value::from),
                1 => "[a-z\\\\\"/]{0,6}".prop_map(serde_json::Value::from),
                1 => Just(serde_json::Value::Null),
                1 => any::<i32>().prop_map(serde_json::Value::from),
                1 => any::<bool>().prop_map(serde_json::Value::from),
                1 => Just(json!(["x"])),
            ];
            (key, value)
        }

        /// The fast reader gives what `serde_json` gives: the same event,
        /// or an error.
        fn reads_as_serde_json_reads_it(line: &[u8]) -> Result<(), TestCaseError> {
            let reference = serde_json::from_slice::<StoredBehaviorEvent<'_>>(line);
            match StoredBehaviorEvent::from_line(line) {
                Ok(event) => prop_assert_eq!(Some(event), reference.ok()),
                Err(_) => prop_assert!(reference.is_err()),
            }
            Ok(())
        }

        fn line_of(members: &[(String, serde_json::Value)]) -> String {
            let body: Vec<String> = members
                .iter()
                .map(|(key, value)| format!("{}:{value}", serde_json::Value::from(key.as_str())))
                .collect();
            format!("{{{}}}", body.join(","))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]
            /// Whatever the line, the fast reader gives what `serde_json`
            /// gives: the same event, or an error.
            #[test]
            fn reads_as_serde_json_reads(
                members in proptest::collection::vec(member(), 0..9),
                flip in proptest::option::of((any::<prop::sample::Index>(), any::<u8>())),
            ) {
                reads_as_serde_json_reads_it(&flipped(line_of(&members).into_bytes(), flip))?;
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]
            /// Lines of every stored field in any order, with any strings:
            /// read, and read as `serde_json` reads them.
            #[test]
            fn events_in_any_order_read_as_serde_json_reads(
                texts in proptest::collection::vec(any::<String>(), 5),
                host in proptest::option::of(proptest::option::of(any::<String>())),
                order in Just((0..7).collect::<Vec<usize>>()).prop_shuffle(),
            ) {
                let mut members = vec![
                    ("event_id".to_owned(), json!(texts[0])),
                    ("event_type".to_owned(), json!(texts[1])),
                    ("hash".to_owned(), json!(texts[2])),
                    ("identity_id".to_owned(), json!(texts[3])),
                    ("timestamp".to_owned(), json!(texts[4])),
                    ("privilege".to_owned(), serde_json::Value::Null),
                ];
                if let Some(host) = host {
                    members.push(("host".to_owned(), json!(host)));
                }
                let shuffled: Vec<_> = order.iter().filter_map(|i| members.get(*i).cloned()).collect();
                let line = line_of(&shuffled).into_bytes();
                let event = StoredBehaviorEvent::from_line(&line).expect("every field present");
                prop_assert_eq!(&event, &serde_json::from_slice::<StoredBehaviorEvent<'_>>(&line).unwrap());
                prop_assert_eq!(event.event_id, texts[0].as_str());
            }
        }

        /// An optional member as a stored line may have it: a string,
        /// `null`, or left out (`None`).
        fn optional_member() -> impl Strategy<Value = Option<serde_json::Value>> {
            prop_oneof![
                Just(None),
                Just(Some(serde_json::Value::Null)),
                any::<String>().prop_map(|s| Some(json!(s))),
                "[a-z0-9-]{0,12}".prop_map(|s| Some(json!(s))),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]
            /// Lines in the store's layout, with any strings and any byte
            /// changed: read as `serde_json` reads them, and read by the
            /// layout reader exactly when no string needs an escape.
            #[test]
            fn stored_layout_lines_read_as_serde_json_reads(
                texts in proptest::collection::vec(prop_oneof![any::<String>(), "[a-z0-9:.-]{0,40}"], 5),
                host in optional_member(),
                privilege in optional_member(),
                flip in proptest::option::of((any::<prop::sample::Index>(), any::<u8>())),
            ) {
                let mut members = vec![
                    ("event_id".to_owned(), json!(texts[0])),
                    ("event_type".to_owned(), json!(texts[1])),
                    ("hash".to_owned(), json!(texts[2])),
                ];
                members.extend(host.map(|value| ("host".to_owned(), value)));
                members.push(("identity_id".to_owned(), json!(texts[3])));
                members.extend(privilege.map(|value| ("privilege".to_owned(), value)));
                members.push(("timestamp".to_owned(), json!(texts[4])));
                let line = line_of(&members).into_bytes();
                let escaped = members.iter().any(|(_, value)| value.as_str().is_some_and(|s| json!(s).to_string().len() != s.len() + 2));
                if flip.is_none() {
                    prop_assert_eq!(StoredBehaviorEvent::read_stored(&line).is_some(), !escaped);
                }
                let line = flipped(line, flip);
                reads_as_serde_json_reads_it(&line)?;
                if let Some(event) = StoredBehaviorEvent::read_stored(&line) {
                    prop_assert_eq!(Some(event), serde_json::from_slice::<StoredBehaviorEvent<'_>>(&line).ok());
                }
            }
        }

        #[test]
        fn stored_lines_take_the_layout_reader() {
            let line = br#"{"event_id":"e","event_type":"login","hash":"ab","host":null,"identity_id":"i","privilege":"root","timestamp":"t"}"#;
            let event = StoredBehaviorEvent::read_stored(line).expect("the store's layout");
            assert_eq!(event, serde_json::from_slice(line).unwrap());
            assert_eq!((event.host, event.privilege.as_deref()), (None, Some("root")));
            for declined in [
                &br#"{"event_id":"e","event_type":"login","hash":"ab","identity_id":"i","timestamp":"t"} "#[..],
                br#"{"event_type":"login","event_id":"e","hash":"ab","identity_id":"i","timestamp":"t"}"#,
                br#"{"event_id":"e\u0041","event_type":"login","hash":"ab","identity_id":"i","timestamp":"t"}"#,
                br#"{"event_id":"e","event_type":"login","hash":"ab","host":1,"identity_id":"i","timestamp":"t"}"#,
                br#"{"event_id":"e","event_type":"login","hash":"ab","identity_id":"i","timestamp":"t","x":1}"#,
            ] {
                assert_eq!(
                    StoredBehaviorEvent::read_stored(declined),
                    None,
                    "{}",
                    String::from_utf8_lossy(declined)
                );
            }
        }

        #[test]
        fn stored_lines_take_the_scan() {
            let line =
                br#"{"event_id":"e","event_type":"login","hash":"ab","host":null,"identity_id":"i","timestamp":"t"}"#;
            let event = StoredBehaviorEvent::scan(line).expect("a flat stored line is scanned");
            assert_eq!(event, serde_json::from_slice(line).unwrap());
            assert_eq!(event.host, None);
            let escaped = br#"{"event_id":"e\u0041","event_type":"login","identity_id":"i","timestamp":"t"}"#;
            assert_eq!(StoredBehaviorEvent::scan(escaped).unwrap().event_id, "eA");
        }
    }
}
