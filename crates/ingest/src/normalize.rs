//! Normalization: from the fields of one line to the model's event type,
//! serialized, with its deterministic id.

use crate::fields::{self, Cell, Fields, LineError, Mismatch};
use crate::{Format, ParseOptions};
use model::CanonicalError;
use model::event::{AuthEvent, BehaviorEvent, Identity, MetricEvent, ProxyAction, ProxyEvent};
use model::record::{RecordError, SealedRecord};
use serde::Serialize;
use serde_json::{Map, Value};

/// A normalized event: its record and the stored line it seals into.
pub(crate) struct Normalized {
    pub record: Value,
    pub sealed: SealedRecord,
}

/// Builds the normalized event of `format` from the fields of one line.
pub(crate) fn normalize(format: Format, mut fields: Fields, options: &ParseOptions) -> Result<Normalized, LineError> {
    let line = fields.line();
    fields.refuse_unknown(format.fields(), format.name())?;
    let ts = |cell: Cell| fields::timestamp(cell, options.assume_utc);
    match format {
        Format::Metric => {
            let event = MetricEvent {
                id: String::new(),
                timestamp: fields.required("timestamp", ts)?,
                entity: fields.required("entity", fields::string)?,
                metric: fields.required("metric", fields::string)?,
                value: fields.required("value", fields::float)?,
                label: fields.optional("label", fields::string)?,
            };
            with_content_id(format, &event, line)
        }
        Format::Auth => {
            let event = AuthEvent {
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
            with_content_id(format, &event, line)
        }
        Format::Proxy => {
            let event = ProxyEvent {
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
                label: fields.optional("label", fields::string)?,
            };
            with_content_id(format, &event, line)
        }
        Format::Behavior => sealed(
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
        Format::Identity => sealed(
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

/// The event with its id, the UUIDv5 of `"<format>-event"` and the canonical
/// bytes of the event without `id`, sealed. `event.id` is a placeholder.
fn with_content_id<T: Serialize>(format: Format, event: &T, line: u64) -> Result<Normalized, LineError> {
    let mut members = object(event, line)?;
    members.remove("id");
    let content = model::canonical::object_with_members(&members, &[]).map_err(|e| canonical_error(line, e))?;
    let id = model::id::artifact_id(&format!("{}-event", format.name()), content.as_bytes()).to_string();
    let sealed = model::record::seal_members(&members, &[("id", &id)]).map_err(|e| record_error(line, e))?;
    members.insert("id".to_owned(), Value::String(id));
    Ok(Normalized {
        record: Value::Object(members),
        sealed,
    })
}

/// The event as stored, sealed.
fn sealed<T: Serialize>(event: &T, line: u64) -> Result<Normalized, LineError> {
    let members = object(event, line)?;
    let sealed = model::record::seal_members(&members, &[]).map_err(|e| record_error(line, e))?;
    Ok(Normalized {
        record: Value::Object(members),
        sealed,
    })
}

fn object<T: Serialize>(event: &T, line: u64) -> Result<Map<String, Value>, LineError> {
    match serde_json::to_value(event) {
        Ok(Value::Object(members)) => Ok(members),
        Ok(_) => Err(not_canonical(line, None, "a value that is not an object".to_owned())),
        Err(e) => Err(not_canonical(line, None, e.to_string())),
    }
}

fn record_error(line: u64, error: RecordError) -> LineError {
    match error {
        RecordError::Canonical(error) => canonical_error(line, error),
        other => not_canonical(line, None, other.to_string()),
    }
}

fn canonical_error(line: u64, error: CanonicalError) -> LineError {
    let field = match &error {
        CanonicalError::InexactInteger { path, .. } | CanonicalError::UnsafeInteger { path, .. } => {
            Some(path.trim_start_matches('/').replace('/', "."))
        }
        _ => None,
    };
    not_canonical(line, field.as_deref(), error.to_string())
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
