//! Normalization: from the fields of one line to the model's event type,
//! serialized, with its deterministic id.

use crate::fields::{self, Cell, Fields, LineError, Mismatch};
use crate::{Format, ParseOptions};
use model::CanonicalError;
use model::event::{AuthEvent, BehaviorEvent, Identity, MetricEvent, ProxyAction, ProxyEvent};
use serde::Serialize;
use serde_json::Value;

/// Builds the normalized event of `format` from the fields of one line.
pub(crate) fn normalize(format: Format, mut fields: Fields, options: &ParseOptions) -> Result<Value, LineError> {
    let line = fields.line();
    fields.refuse_unknown(format.fields(), format.name())?;
    let ts = |cell: Cell| fields::timestamp(cell, options.assume_utc);
    match format {
        Format::Metric => {
            let mut event = MetricEvent {
                id: String::new(),
                timestamp: fields.required("timestamp", ts)?,
                entity: fields.required("entity", fields::string)?,
                metric: fields.required("metric", fields::string)?,
                value: fields.required("value", fields::float)?,
            };
            event.id = content_id(format, &event, line)?;
            to_record(&event, line)
        }
        Format::Auth => {
            let mut event = AuthEvent {
                id: String::new(),
                timestamp: fields.required("timestamp", ts)?,
                user_id: fields.required("user_id", fields::string)?,
                ip_address: fields.required("ip_address", fields::string)?,
                endpoint: fields.required("endpoint", fields::string)?,
                status_code: fields.required("status_code", fields::code)?,
                location: fields.optional("location", fields::string)?,
                device_fingerprint: fields.optional("device_fingerprint", fields::string)?,
                bytes_transferred: fields.optional("bytes_transferred", fields::byte_count)?,
                is_attack: fields.optional("is_attack", fields::boolean)?,
                attack_type: fields.optional("attack_type", fields::string)?,
            };
            event.id = content_id(format, &event, line)?;
            to_record(&event, line)
        }
        Format::Proxy => {
            let mut event = ProxyEvent {
                id: String::new(),
                time: fields.required("time", ts)?,
                clientip: fields.required("clientip", fields::string)?,
                action: fields.required("action", proxy_action)?,
                url: fields.required("url", fields::string)?,
                user: fields.optional("user", fields::string)?,
                method: fields.optional("method", fields::string)?,
                responsecode: fields.optional("responsecode", fields::code)?,
                requestsize: fields.optional("requestsize", fields::byte_count)?,
                responsesize: fields.optional("responsesize", fields::byte_count)?,
                useragent: fields.optional("useragent", fields::string)?,
                category: fields.optional("category", fields::string)?,
            };
            event.id = content_id(format, &event, line)?;
            to_record(&event, line)
        }
        Format::Behavior => to_record(
            &BehaviorEvent {
                event_id: fields.required("event_id", fields::uuid)?,
                identity_id: fields.required("identity_id", fields::uuid)?,
                timestamp: fields.required("timestamp", ts)?,
                event_type: fields.required("event_type", fields::string)?,
                host: fields.optional("host", fields::string)?,
                privilege: fields.optional("privilege", fields::string)?,
            },
            line,
        ),
        Format::Identity => to_record(
            &Identity {
                identity_id: fields.required("identity_id", fields::uuid)?,
                name: fields.required("name", fields::string)?,
                kind: fields.optional("kind", fields::string)?,
                attributes: fields.optional("attributes", fields::object)?,
            },
            line,
        ),
    }
}

/// The event's id: UUIDv5 of `"<format>-event"` and the canonical bytes of
/// the event without `id`.
fn content_id<T: Serialize>(format: Format, event: &T, line: u64) -> Result<String, LineError> {
    let mut value = serde_json::to_value(event).map_err(|e| not_canonical(line, None, e.to_string()))?;
    if let Value::Object(members) = &mut value {
        members.remove("id");
    }
    let bytes = canonical_bytes(&value, line)?;
    Ok(model::id::artifact_id(&format!("{}-event", format.name()), bytes.as_bytes()).to_string())
}

/// The record as stored: the model type, serialized, with a canonical form.
fn to_record<T: Serialize>(event: &T, line: u64) -> Result<Value, LineError> {
    let value = serde_json::to_value(event).map_err(|e| not_canonical(line, None, e.to_string()))?;
    canonical_bytes(&value, line)?;
    Ok(value)
}

fn canonical_bytes(value: &Value, line: u64) -> Result<String, LineError> {
    model::canonical::to_canonical_string(value).map_err(|error| {
        let field = match &error {
            CanonicalError::InexactInteger { path, .. } | CanonicalError::UnsafeInteger { path, .. } => {
                Some(path.trim_start_matches('/').replace('/', "."))
            }
            _ => None,
        };
        not_canonical(line, field.as_deref(), error.to_string())
    })
}

fn not_canonical(line: u64, field: Option<&str>, found: String) -> LineError {
    LineError::new(line, field, "a value with an exact canonical JSON form", found)
}

fn proxy_action(cell: Cell) -> Result<ProxyAction, Mismatch> {
    let text = fields::string(cell)?;
    match text.as_str() {
        "ALLOW" => Ok(ProxyAction::Allow),
        "DENY" => Ok(ProxyAction::Deny),
        _ => Err(Mismatch {
            expected: "ALLOW or DENY".to_owned(),
            found: format!("{text:?}"),
        }),
    }
}
