//! Wire timestamps: RFC 3339 in UTC with a `Z`, millisecond precision when written.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use std::fmt;

/// A UTC instant as written in ledger entries: `YYYY-MM-DDTHH:MM:SS.fffZ`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

/// A timestamp text that is not of the accepted form.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("expected a UTC time like 2026-11-21T10:00:00.123Z, found {found:?}")]
pub struct TimestampError {
    /// The text that was rejected.
    pub found: String,
}

impl Timestamp {
    /// Wraps an instant, truncated to whole milliseconds so that it survives
    /// a round trip through its text form.
    pub fn from_datetime(instant: DateTime<Utc>) -> Self {
        let millis = instant.timestamp_millis();
        Timestamp(DateTime::from_timestamp_millis(millis).unwrap_or(instant))
    }

    /// The instant `millis` milliseconds after the Unix epoch, if representable.
    pub fn from_unix_millis(millis: i64) -> Option<Self> {
        DateTime::from_timestamp_millis(millis).map(Timestamp)
    }

    /// Milliseconds since the Unix epoch.
    pub fn unix_millis(&self) -> i64 {
        self.0.timestamp_millis()
    }

    /// The wrapped instant.
    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }

    /// Parses a bound a user gives on the command line: RFC 3339 with any
    /// offset (`2026-01-12T09:00:00+01:00`) or a bare date (`2026-01-12`,
    /// midnight UTC); truncated to milliseconds, as stored times are.
    pub fn parse_bound(text: &str) -> Result<Self, TimestampError> {
        let error = || TimestampError { found: text.to_owned() };
        let instant = match DateTime::parse_from_rfc3339(text) {
            Ok(instant) => instant.with_timezone(&Utc),
            Err(_) => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| error())?
                .and_hms_opt(0, 0, 0)
                .ok_or_else(error)?
                .and_utc(),
        };
        Ok(Timestamp::from_datetime(instant))
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.f…]Z` (1 to 9 fraction digits, upper-case
    /// `T` and `Z`, no offset), the only form a ledger entry may carry.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        let error = || TimestampError { found: text.to_owned() };
        let body = text.strip_suffix('Z').ok_or_else(error)?;
        let (seconds_part, fraction) = match body.split_once('.') {
            Some((s, f)) => (s, Some(f)),
            None => (body, None),
        };
        if seconds_part.len() != 19 || seconds_part.as_bytes()[10] != b'T' {
            return Err(error());
        }
        if let Some(fraction) = fraction
            && (fraction.is_empty() || fraction.len() > 9 || !fraction.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(error());
        }
        let naive = NaiveDateTime::parse_from_str(body, "%Y-%m-%dT%H:%M:%S%.f").map_err(|_| error())?;
        Ok(Timestamp(naive.and_utc()))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}
