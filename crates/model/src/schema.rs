//! The JSON Schemas of the input formats and the stored record types,
//! generated from the types themselves. The committed copies under
//! `schema/` are frozen: a test fails when the code's schema differs, and a
//! published version is never edited in place (a changed shape is a new
//! file with a new version).
//!
//! Input schemas describe one JSON Lines object of each input format (a CSV
//! row has the same column names, every cell a string). They are derived
//! from the stored event types: no `id` (it is derived from the content), a
//! time may carry any UTC offset, a UUID any case, and an optional field may
//! be `null`. Stored record schemas are the event types plus the record's own
//! `hash`.

use crate::baseline::{Baseline, ScoredEvent};
use crate::drift::{BehaviorProfile, DeltaSummary, DriftDelta};
use crate::event::{AuthEvent, BehaviorEvent, Identity, MetricEvent, ProxyEvent};
use schemars::{JsonSchema, Schema};
use serde_json::{Value, json};

/// An RFC 3339 time with a zone (`Z` or an offset), as inputs may write it.
const INPUT_TIME: &str =
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$";
/// A UUID in either case, as inputs may write it.
const INPUT_UUID: &str = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// Every frozen schema: its file name under `schema/` and its current content.
pub fn frozen_schemas() -> Vec<(&'static str, Schema)> {
    vec![
        ("ledger-entry.v1.schema.json", schemars::schema_for!(crate::LedgerEntry)),
        ("metric-input.v1.schema.json", input::<MetricEvent>("metric")),
        ("auth-input.v1.schema.json", input::<AuthEvent>("auth")),
        ("proxy-input.v1.schema.json", input::<ProxyEvent>("proxy")),
        ("behavior-input.v1.schema.json", input::<BehaviorEvent>("behavior")),
        ("identity-input.v1.schema.json", input::<Identity>("identity")),
        (
            "metric-event.v1.schema.json",
            stored::<MetricEvent>("events/metric.jsonl"),
        ),
        ("auth-event.v1.schema.json", stored::<AuthEvent>("events/auth.jsonl")),
        ("proxy-event.v1.schema.json", stored::<ProxyEvent>("events/proxy.jsonl")),
        (
            "behavior-event.v1.schema.json",
            stored::<BehaviorEvent>("events/behavior.jsonl"),
        ),
        ("identity.v1.schema.json", stored::<Identity>("identities.jsonl")),
        ("baseline.v1.schema.json", stored::<Baseline>("baselines.jsonl")),
        ("score.v1.schema.json", stored::<ScoredEvent>("scores.jsonl")),
        (
            "behavior-profile.v1.schema.json",
            stored::<BehaviorProfile>("profiles.jsonl"),
        ),
        ("behavior-delta.schema.json", stored::<DriftDelta>("deltas.jsonl")),
        ("delta-summary.schema.json", stored::<DeltaSummary>("summaries.jsonl")),
    ]
}

/// The schema file of the input format `format`.
pub fn input_schema_file(format: &str) -> String {
    format!("{format}-input.v1.schema.json")
}

/// The exact bytes of a schema file: pretty JSON and a final newline.
pub fn schema_file_bytes(schema: &Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

/// A stored record of type `T` in `file`: the type's members plus `hash`.
fn stored<T: JsonSchema>(file: &str) -> Schema {
    let mut schema = schemars::schema_for!(T);
    let object = schema.ensure_object();
    object.insert(
        "title".to_owned(),
        json!(format!("driftledger record in {file}, version 1")),
    );
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        properties.insert(
            "hash".to_owned(),
            json!({
                "description": "SHA-256 hex of the record's canonical JSON without `hash`.",
                "type": "string",
                "pattern": "^[0-9a-f]{64}$",
            }),
        );
    }
    push_required(object, "hash");
    schema
}

/// One input line of `format`, derived from its stored type `T`.
fn input<T: JsonSchema>(format: &str) -> Schema {
    let mut schema = schemars::schema_for!(T);
    let object = schema.ensure_object();
    object.insert(
        "title".to_owned(),
        json!(format!("driftledger {format} input line, version 1")),
    );
    object.insert(
        "description".to_owned(),
        json!(
            "One JSON Lines object (a CSV row has the same column names). Optional fields may be absent, null or empty."
        ),
    );
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        properties.remove("id");
        for property in properties.values_mut() {
            let Value::Object(property) = property else { continue };
            match property.get("pattern").and_then(Value::as_str) {
                Some(pattern) if pattern.ends_with("Z$") => {
                    property.insert("pattern".to_owned(), json!(INPUT_TIME));
                    if let Some(Value::String(description)) = property.get_mut("description") {
                        *description =
                            description.replace("RFC 3339 UTC", "RFC 3339 with `Z` or an offset (stored in UTC)");
                    }
                }
                Some(pattern) if pattern.contains("{12}") => {
                    property.insert("pattern".to_owned(), json!(INPUT_UUID));
                }
                _ => {}
            }
        }
    }
    if let Some(Value::Array(required)) = object.get_mut("required") {
        required.retain(|name| name != "id");
    }
    schema
}

fn push_required(object: &mut serde_json::Map<String, Value>, name: &str) {
    match object.get_mut("required") {
        Some(Value::Array(required)) => required.push(json!(name)),
        _ => {
            object.insert("required".to_owned(), json!([name]));
        }
    }
}
