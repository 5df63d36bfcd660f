//! What every generator config shares: how seeds and times are recorded, and the checks on them.

use crate::SynthError;
use chrono::{DateTime, TimeZone, Utc};
use serde::Serializer;

/// 2026-01-05T00:00:00Z, a Monday: the default `start` of the metric, auth and behaviour generators.
pub(crate) fn default_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).single().unwrap_or_default()
}

/// Seeds (and other counts that may exceed 2^53 − 1) are recorded as
/// decimal strings, because canonical JSON numbers are doubles (DESIGN.md).
pub(crate) fn decimal<S: Serializer>(value: &u64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// [`decimal`] for an optional value; `None` is `null`.
pub(crate) fn optional_decimal<S: Serializer>(value: &Option<u64>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serializer.collect_str(value),
        None => serializer.serialize_none(),
    }
}

/// Times are recorded like the generated events spell them: RFC 3339 UTC with `Z`.
pub(crate) fn rfc3339<S: Serializer>(time: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
}

/// The last second a generated time may fall on: 9999-12-31T23:59:59Z, the
/// last one ingest accepts.
const LAST_SECOND: i64 = 253_402_300_799;
/// 0000-01-01T00:00:00Z, the first second ingest accepts.
const FIRST_SECOND: i64 = -62_167_219_200;

/// How finely a generator needs its `start` aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Alignment {
    /// Any whole second.
    Second,
    /// 00:00:00 UTC, for generators whose structure is days and hours of day.
    Midnight,
}

/// The start as Unix seconds, after checking its alignment and that
/// `span_seconds` after it is still a time the input formats accept.
pub(crate) fn check_start(start: &DateTime<Utc>, alignment: Alignment, span_seconds: u64) -> Result<i64, SynthError> {
    let found = start.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    let seconds = start.timestamp();
    if start.timestamp_subsec_nanos() != 0 {
        return Err(SynthError::invalid("start", "a whole second", found));
    }
    if alignment == Alignment::Midnight && seconds.rem_euclid(86_400) != 0 {
        return Err(SynthError::invalid(
            "start",
            "midnight UTC, like 2026-01-05T00:00:00Z",
            found,
        ));
    }
    let end = i64::try_from(span_seconds)
        .ok()
        .and_then(|span| seconds.checked_add(span));
    if seconds < FIRST_SECOND || end.is_none_or(|end| end > LAST_SECOND + 1) {
        return Err(SynthError::invalid(
            "start",
            "a start whose generated span stays within years 0000 to 9999",
            found,
        ));
    }
    Ok(seconds)
}

/// A probability: a finite number from 0 to 1.
pub(crate) fn check_probability(field: &'static str, value: f64) -> Result<(), SynthError> {
    if !(0.0..=1.0).contains(&value) {
        return Err(SynthError::invalid(field, "a probability from 0 to 1", value));
    }
    Ok(())
}

/// A count that must be at least `min`.
pub(crate) fn check_at_least(field: &'static str, value: u64, min: u64) -> Result<(), SynthError> {
    if value < min {
        return Err(SynthError::invalid(field, format!("at least {min}"), value));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn refusal(result: Result<i64, SynthError>) -> String {
        result.unwrap_err().to_string()
    }

    #[test]
    fn starts() {
        assert_eq!(default_start().timestamp(), 1_767_571_200);
        assert_eq!(
            check_start(&default_start(), Alignment::Midnight, 86_400).unwrap(),
            1_767_571_200
        );
        assert_eq!(
            refusal(check_start(&time("2026-01-05T10:00:00Z"), Alignment::Midnight, 0)),
            "invalid config: field `start`: expected midnight UTC, like 2026-01-05T00:00:00Z, found 2026-01-05T10:00:00Z"
        );
        assert!(check_start(&time("2026-01-05T10:00:01Z"), Alignment::Second, 0).is_ok());
        assert_eq!(
            refusal(check_start(&time("2026-01-05T10:00:00.5Z"), Alignment::Second, 0)),
            "invalid config: field `start`: expected a whole second, found 2026-01-05T10:00:00.500Z"
        );
        assert!(check_start(&time("9999-12-31T00:00:00Z"), Alignment::Midnight, 86_400).is_ok());
        assert!(check_start(&time("9999-12-31T00:00:00Z"), Alignment::Midnight, 86_401).is_err());
        assert!(check_start(&default_start(), Alignment::Second, u64::MAX).is_err());
    }

    #[test]
    fn probabilities_and_counts() {
        assert!(check_probability("p", 0.0).is_ok());
        assert!(check_probability("p", 1.0).is_ok());
        for bad in [-0.1, 1.5, f64::NAN, f64::INFINITY] {
            assert!(check_probability("p", bad).is_err(), "{bad}");
        }
        assert_eq!(
            check_probability("incident_rate", 1.5).unwrap_err().to_string(),
            "invalid config: field `incident_rate`: expected a probability from 0 to 1, found 1.5"
        );
        assert_eq!(
            check_at_least("entities", 0, 1).unwrap_err().to_string(),
            "invalid config: field `entities`: expected at least 1, found 0"
        );
    }
}
