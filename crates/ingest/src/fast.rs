//! The fast path for JSON Lines: a well-formed line scanned once into
//! borrowed fields ([`model::flat`]) and written once into its record by a
//! [`RecordBuilder`], with no [`serde_json::Value`] in between.
//!
//! It is an optimization and nothing else. Whenever a line is not plainly
//! good (a missing or repeated key, an unknown field, a value of another
//! type, a time not of the form `YYYY-MM-DDTHH:MM:SS[.f]Z`, an empty
//! required string, an unregistered identity…), it declines and the line
//! goes through the reference path ([`crate::jsonl`], [`crate::normalize`]),
//! which decides and explains. A line it accepts gets exactly the bytes the
//! reference path gives; property tests in this crate hold the two equal on
//! generated and mutated lines.

use crate::Format;
use model::flat::{self as scan, Token, scan_object};
use model::record::RecordBuilder;
use std::collections::HashSet;

/// What the fast path needs besides the line.
pub(crate) struct FastContext<'a> {
    /// For behaviour events: the identities a line may name.
    pub identities: Option<&'a HashSet<String>>,
}

/// Writes the stored line of `line` (no newline) to `out` and returns its
/// hash, or declines with `None`, leaving `out` as it was.
pub(crate) fn parse(
    format: Format,
    line: &[u8],
    context: &FastContext<'_>,
    builder: &mut RecordBuilder,
    out: &mut Vec<u8>,
) -> Option<[u8; 32]> {
    builder.reset();
    let id_kind = match format {
        Format::Metric => {
            metric(line, builder)?;
            Some("metric-event")
        }
        Format::Auth => {
            auth(line, builder)?;
            Some("auth-event")
        }
        Format::Proxy => {
            proxy(line, builder)?;
            Some("proxy-event")
        }
        Format::Behavior => {
            behavior(line, builder, context.identities)?;
            None
        }
        Format::Identity => return None,
    };
    Some(builder.seal(id_kind, out).hash)
}

fn metric(line: &[u8], b: &mut RecordBuilder) -> Option<()> {
    let mut v: [Option<Token>; 5] = Default::default();
    scan_object(line, Format::Metric.fields(), &mut v)?;
    let [timestamp, entity, metric, value, label] = v;
    let mut time = [0u8; 24];
    let timestamp = utc_timestamp(required(&timestamp)?, &mut time)?;
    b.string("entity", required(&entity)?);
    if let Some(label) = optional(&label)? {
        b.string("label", label);
    }
    b.string("metric", required(&metric)?);
    b.string("timestamp", timestamp);
    b.number_token("value", number(&value)?).ok()
}

fn auth(line: &[u8], b: &mut RecordBuilder) -> Option<()> {
    let mut v: [Option<Token>; 10] = Default::default();
    scan_object(line, Format::Auth.fields(), &mut v)?;
    let [
        timestamp,
        user_id,
        ip_address,
        endpoint,
        status_code,
        location,
        device_fingerprint,
        bytes_transferred,
        is_attack,
        attack_type,
    ] = v;
    let mut time = [0u8; 24];
    let timestamp = utc_timestamp(required(&timestamp)?, &mut time)?;
    if let Some(attack_type) = optional(&attack_type)? {
        b.string("attack_type", attack_type);
    }
    if let Some(bytes) = optional_unsigned(&bytes_transferred)? {
        b.unsigned("bytes_transferred", bytes).ok()?;
    }
    if let Some(device) = optional(&device_fingerprint)? {
        b.string("device_fingerprint", device);
    }
    b.string("endpoint", required(&endpoint)?);
    b.string("ip_address", required(&ip_address)?);
    if let Some(is_attack) = optional_bool(&is_attack)? {
        b.boolean("is_attack", is_attack);
    }
    if let Some(location) = optional(&location)? {
        b.string("location", location);
    }
    b.unsigned("status_code", code(&status_code)?).ok()?;
    b.string("timestamp", timestamp);
    b.string("user_id", required(&user_id)?);
    Some(())
}

fn proxy(line: &[u8], b: &mut RecordBuilder) -> Option<()> {
    let mut v: [Option<Token>; 12] = Default::default();
    scan_object(line, Format::Proxy.fields(), &mut v)?;
    let [
        time,
        clientip,
        action,
        url,
        user,
        method,
        responsecode,
        requestsize,
        responsesize,
        useragent,
        category,
        label,
    ] = v;
    let mut time_out = [0u8; 24];
    let time = utc_timestamp(required(&time)?, &mut time_out)?;
    let action = match required(&action)? {
        "ALLOW" => "ALLOW",
        "DENY" => "DENY",
        _ => return None,
    };
    b.string("action", action);
    if let Some(category) = optional(&category)? {
        b.string("category", category);
    }
    b.string("clientip", required(&clientip)?);
    if let Some(label) = optional(&label)? {
        b.string("label", label);
    }
    if let Some(method) = optional(&method)? {
        b.string("method", method);
    }
    if let Some(size) = optional_unsigned(&requestsize)? {
        b.unsigned("requestsize", size).ok()?;
    }
    if responsecode.as_ref().is_some_and(|t| *t != Token::Null) {
        b.unsigned("responsecode", code(&responsecode)?).ok()?;
    }
    if let Some(size) = optional_unsigned(&responsesize)? {
        b.unsigned("responsesize", size).ok()?;
    }
    b.string("time", time);
    b.string("url", required(&url)?);
    if let Some(user) = optional(&user)? {
        b.string("user", user);
    }
    if let Some(useragent) = optional(&useragent)? {
        b.string("useragent", useragent);
    }
    Some(())
}

fn behavior(line: &[u8], b: &mut RecordBuilder, identities: Option<&HashSet<String>>) -> Option<()> {
    let mut v: [Option<Token>; 6] = Default::default();
    scan_object(line, Format::Behavior.fields(), &mut v)?;
    let [event_id, identity_id, timestamp, event_type, host, privilege] = v;
    let mut time = [0u8; 24];
    let timestamp = utc_timestamp(required(&timestamp)?, &mut time)?;
    let mut event_id_text = [0u8; 36];
    let event_id = uuid::Uuid::parse_str(required(&event_id)?)
        .ok()?
        .hyphenated()
        .encode_lower(&mut event_id_text);
    let mut identity_id_text = [0u8; 36];
    let identity_id = uuid::Uuid::parse_str(required(&identity_id)?)
        .ok()?
        .hyphenated()
        .encode_lower(&mut identity_id_text);
    if identities.is_some_and(|known| !known.contains(&*identity_id)) {
        return None;
    }
    b.string("event_id", event_id);
    b.string("event_type", required(&event_type)?);
    if let Some(host) = optional(&host)? {
        b.string("host", host);
    }
    b.string("identity_id", identity_id);
    if let Some(privilege) = optional(&privilege)? {
        b.string("privilege", privilege);
    }
    b.string("timestamp", timestamp);
    Some(())
}

/// A required string: present and not empty.
fn required<'a>(value: &'a Option<Token<'_>>) -> Option<&'a str> {
    match value {
        Some(Token::Text(text)) if !text.is_empty() => Some(text),
        _ => None,
    }
}

/// An optional string (`null` and the empty string mean absent): `None`
/// declines, `Some(None)` is absent.
fn optional<'a>(value: &'a Option<Token<'_>>) -> Option<Option<&'a str>> {
    match value {
        None | Some(Token::Null) => Some(None),
        Some(Token::Text(text)) => Some((!text.is_empty()).then_some(&**text)),
        Some(_) => None,
    }
}

/// A required number token (its value is checked as it is written).
fn number<'a>(value: &Option<Token<'a>>) -> Option<&'a str> {
    match value {
        Some(Token::Number(token)) => Some(token),
        _ => None,
    }
}

/// A required status or response code.
fn code(value: &Option<Token<'_>>) -> Option<u64> {
    match value {
        Some(Token::Number(token)) => scan::to_u64(token).filter(|v| *v <= u64::from(u16::MAX)),
        _ => None,
    }
}

/// An optional non-negative integer (`null` means absent).
fn optional_unsigned(value: &Option<Token<'_>>) -> Option<Option<u64>> {
    match value {
        None | Some(Token::Null) => Some(None),
        Some(Token::Number(token)) => scan::to_u64(token).map(Some),
        Some(_) => None,
    }
}

/// An optional boolean (`null` means absent).
fn optional_bool(value: &Option<Token<'_>>) -> Option<Option<bool>> {
    match value {
        None | Some(Token::Null) => Some(None),
        Some(Token::Bool(b)) => Some(Some(*b)),
        Some(_) => None,
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.f…]Z` (1 to 9 fraction digits) naming a real
/// instant, written to `out` in the stored form `YYYY-MM-DDTHH:MM:SS.mmmZ`
/// (fraction truncated to milliseconds). Anything else, offsets included,
/// is left to the reference path.
fn utc_timestamp<'o>(text: &str, out: &'o mut [u8; 24]) -> Option<&'o str> {
    let t = text.as_bytes();
    if t.len() < 20 || t[4] != b'-' || t[7] != b'-' || t[10] != b'T' || t[13] != b':' || t[16] != b':' {
        return None;
    }
    let number = |at: usize, digits: usize| -> Option<u32> {
        t[at..at + digits]
            .iter()
            .try_fold(0u32, |n, d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    let year = number(0, 4)?;
    let month = number(5, 2)?;
    let day = number(8, 2)?;
    let (hour, minute, second) = (number(11, 2)?, number(14, 2)?, number(17, 2)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day == 0 || day > month_days || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let fraction = match &t[19..] {
        b"Z" => &[][..],
        [b'.', digits @ .., b'Z'] if (1..=9).contains(&digits.len()) && digits.iter().all(u8::is_ascii_digit) => digits,
        _ => return None,
    };
    out[..19].copy_from_slice(&t[..19]);
    out[19] = b'.';
    for (i, slot) in out[20..23].iter_mut().enumerate() {
        *slot = fraction.get(i).copied().unwrap_or(b'0');
    }
    out[23] = b'Z';
    std::str::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::{Cell, timestamp};

    #[test]
    fn timestamps_of_the_plain_utc_form() {
        let fast = |text: &str| {
            let mut out = [0u8; 24];
            utc_timestamp(text, &mut out).map(str::to_owned)
        };
        assert_eq!(
            fast("2026-11-21T10:00:00Z").as_deref(),
            Some("2026-11-21T10:00:00.000Z")
        );
        assert_eq!(
            fast("2024-02-29T23:59:59.123456789Z").as_deref(),
            Some("2024-02-29T23:59:59.123Z")
        );
        assert_eq!(
            fast("0000-02-29T00:00:00.5Z").as_deref(),
            Some("0000-02-29T00:00:00.500Z")
        );
        for declined in [
            "2026-11-21T10:00:00+00:00",
            "2026-11-21T10:00:00",
            "2026-11-21T10:00:00.Z",
            "2026-11-21T10:00:00.1234567890Z",
            "2026-11-21t10:00:00Z",
            "2026-11-21 10:00:00Z",
            "2026-11-21T10:00:60Z",
            "2026-11-21T24:00:00Z",
            "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-00-01T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "10000-01-01T00:00:00Z",
            "2026-11-21T10:00:00z",
            "+026-11-21T10:00:00Z",
        ] {
            assert_eq!(fast(declined), None, "{declined}");
        }
    }

    proptest::proptest! {
        /// Every time the fast path accepts, the reference path accepts and
        /// normalizes the same way.
        #[test]
        fn fast_timestamps_agree_with_the_reference(
            year in 0u32..10000, month in 0u32..14, day in 0u32..33,
            hour in 0u32..26, minute in 0u32..62, second in 0u32..62,
            fraction in "(\\.[0-9]{0,11})?", zone in "(Z|z|\\+00:00|)",
        ) {
            let text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}{zone}");
            let mut out = [0u8; 24];
            if let Some(fast) = utc_timestamp(&text, &mut out) {
                let reference = timestamp(Cell::Text(text.clone()), false);
                proptest::prop_assert_eq!(Ok(fast.to_owned()), reference, "{}", text);
            }
        }
    }
}
