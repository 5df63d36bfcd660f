//! Time contexts: which bucket of a key an event's time falls in.
//!
//! Hours and days are UTC. Labels sort in time order (`all`, then
//! `hour=00` … `hour=23`; weekday before weekend within an hour), and are
//! what baselines and scores record.

use chrono::{Datelike, NaiveDate, Weekday};
use std::fmt;

/// How a training run splits a key's samples in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum ContextKind {
    /// One bucket per (entity, metric).
    None,
    /// One bucket per hour of day (UTC).
    #[default]
    HourOfDay,
    /// One bucket per hour of day and weekday/weekend (UTC; Saturday and
    /// Sunday are the weekend).
    HourOfDayAndDayType,
}

impl ContextKind {
    /// Every kind, in the order `--help` lists them.
    pub const ALL: [ContextKind; 3] = [
        ContextKind::None,
        ContextKind::HourOfDay,
        ContextKind::HourOfDayAndDayType,
    ];

    /// The name used on the command line and in ledger parameters.
    pub fn as_str(self) -> &'static str {
        match self {
            ContextKind::None => "none",
            ContextKind::HourOfDay => "hour-of-day",
            ContextKind::HourOfDayAndDayType => "hour-of-day-and-day-type",
        }
    }

    /// The kind named `name`.
    pub fn parse(name: &str) -> Option<ContextKind> {
        ContextKind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// The context of an event at `timestamp` (`YYYY-MM-DDTHH:MM:SS…`),
    /// or `None` when the text does not start with a valid date and hour.
    pub fn context_of(self, timestamp: &str) -> Option<Context> {
        let bytes = timestamp.as_bytes();
        if bytes.len() < 13 || bytes[10] != b'T' {
            return None;
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            let text = timestamp.get(range)?;
            text.bytes().all(|b| b.is_ascii_digit()).then(|| text.parse().ok())?
        };
        let hour = digits(11..13).filter(|hour| *hour < 24)? as u8;
        match self {
            ContextKind::None => Some(Context::All),
            ContextKind::HourOfDay => Some(Context::Hour(hour)),
            ContextKind::HourOfDayAndDayType => {
                let date = NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)?;
                let day_type = match date.weekday() {
                    Weekday::Sat | Weekday::Sun => DayType::Weekend,
                    _ => DayType::Weekday,
                };
                Some(Context::HourAndDayType(hour, day_type))
            }
        }
    }
}

impl fmt::Display for ContextKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Monday to Friday, or Saturday and Sunday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DayType {
    /// Monday to Friday (UTC).
    Weekday,
    /// Saturday and Sunday (UTC).
    Weekend,
}

/// One time bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Context {
    /// No time context.
    All,
    /// An hour of day, 0 to 23.
    Hour(u8),
    /// An hour of day and the type of day.
    HourAndDayType(u8, DayType),
}

impl Context {
    /// The hour of day, if the context has one.
    pub fn hour(self) -> Option<u8> {
        match self {
            Context::All => None,
            Context::Hour(hour) | Context::HourAndDayType(hour, _) => Some(hour),
        }
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Context::All => f.write_str("all"),
            Context::Hour(hour) => write!(f, "hour={hour:02}"),
            Context::HourAndDayType(hour, DayType::Weekday) => write!(f, "hour={hour:02},weekday"),
            Context::HourAndDayType(hour, DayType::Weekend) => write!(f, "hour={hour:02},weekend"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(kind: ContextKind, timestamp: &str, expect: Option<&str>) {
        let label = kind.context_of(timestamp).map(|c| c.to_string());
        assert_eq!(label.as_deref(), expect, "{kind} of {timestamp}");
    }

    #[test]
    fn contexts_of_times() {
        // 2026-01-05 is a Monday, 2026-01-10 a Saturday, 2026-01-11 a Sunday.
        check(ContextKind::None, "2026-01-05T09:00:00.000Z", Some("all"));
        check(ContextKind::HourOfDay, "2026-01-05T09:59:59.999Z", Some("hour=09"));
        check(ContextKind::HourOfDay, "2026-01-05T00:00:00.000Z", Some("hour=00"));
        check(
            ContextKind::HourOfDayAndDayType,
            "2026-01-05T23:00:00.000Z",
            Some("hour=23,weekday"),
        );
        check(
            ContextKind::HourOfDayAndDayType,
            "2026-01-09T23:59:59.999Z",
            Some("hour=23,weekday"),
        );
        check(
            ContextKind::HourOfDayAndDayType,
            "2026-01-10T00:00:00.000Z",
            Some("hour=00,weekend"),
        );
        check(
            ContextKind::HourOfDayAndDayType,
            "2026-01-11T12:00:00.000Z",
            Some("hour=12,weekend"),
        );
        check(
            ContextKind::HourOfDayAndDayType,
            "2024-02-29T12:00:00.000Z",
            Some("hour=12,weekday"),
        );
        check(ContextKind::HourOfDay, "2026-01-05T24:00:00.000Z", None);
        check(ContextKind::HourOfDay, "2026-01-05 09:00:00Z", None);
        check(ContextKind::HourOfDayAndDayType, "2026-02-30T09:00:00.000Z", None);
    }

    #[test]
    fn labels_sort_in_time_order() {
        let mut contexts = [
            Context::HourAndDayType(10, DayType::Weekday),
            Context::HourAndDayType(9, DayType::Weekend),
            Context::HourAndDayType(9, DayType::Weekday),
        ];
        contexts.sort();
        let labels: Vec<String> = contexts.iter().map(ToString::to_string).collect();
        let mut sorted = labels.clone();
        sorted.sort();
        assert_eq!(labels, sorted);
        for kind in ContextKind::ALL {
            assert_eq!(ContextKind::parse(kind.as_str()), Some(kind));
        }
    }
}
