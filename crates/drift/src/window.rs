//! Time windows: half-open, `[start, end)`: an event at the start is
//! inside, one at the end is not, so consecutive windows never share an
//! event.

use crate::error::DriftError;
use model::drift::Window;

/// A window whose bounds are stored timestamps (`YYYY-MM-DDTHH:MM:SS.fffZ`,
/// which sort as text in time order), with its length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The window as records write it.
    pub window: Window,
    /// Its length in milliseconds, above 0.
    pub millis: i64,
}

impl Span {
    /// A window from its bounds as given (RFC 3339 with any offset, or a
    /// date for midnight UTC); `what` names it in errors.
    pub fn parse(what: &'static str, start: &str, end: &str) -> Result<Span, DriftError> {
        let (start, start_millis) = bound(what, start)?;
        let (end, end_millis) = bound(what, end)?;
        if end_millis <= start_millis {
            return Err(DriftError::EmptyWindow { what, start, end });
        }
        Ok(Span {
            window: Window { start, end },
            millis: end_millis - start_millis,
        })
    }

    /// The window of `days` days from `start`.
    pub fn of_days(what: &'static str, start: &str, days: f64) -> Result<Span, DriftError> {
        let (start, start_millis) = bound(what, start)?;
        // Days are whole milliseconds: 7 days is 604,800,000 ms exactly.
        let end_millis = start_millis + (days * 86_400_000.0).round() as i64;
        let end = model::Timestamp::from_unix_millis(end_millis)
            .ok_or(DriftError::BadTime {
                what,
                found: format!("{start} + {days} days"),
            })?
            .to_string();
        Span::parse(what, &start, &end)
    }

    /// A window as a record wrote it.
    pub fn from_window(what: &'static str, window: &Window) -> Result<Span, DriftError> {
        Span::parse(what, &window.start, &window.end)
    }

    /// Whether `timestamp` (as stored) lies in the window.
    pub fn contains(&self, timestamp: &str) -> bool {
        timestamp >= self.window.start.as_str() && timestamp < self.window.end.as_str()
    }
}

/// A bound as stored and in milliseconds since the epoch.
fn bound(what: &'static str, text: &str) -> Result<(String, i64), DriftError> {
    let stamp = model::Timestamp::parse_bound(text).map_err(|_| DriftError::BadTime {
        what,
        found: text.to_owned(),
    })?;
    Ok((stamp.to_string(), stamp.unix_millis()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_include_their_start_and_exclude_their_end() {
        let span = Span::parse("window", "2026-02-02", "2026-02-09T00:00:00+00:00").unwrap();
        assert_eq!(span.window.start, "2026-02-02T00:00:00.000Z");
        assert_eq!(span.millis, 7 * 86_400_000);
        assert!(span.contains("2026-02-02T00:00:00.000Z"));
        assert!(span.contains("2026-02-08T23:59:59.999Z"));
        assert!(!span.contains("2026-02-09T00:00:00.000Z"));
        assert!(!span.contains("2026-02-01T23:59:59.999Z"));
        assert_eq!(Span::of_days("window", "2026-02-02", 7.0).unwrap(), span);
    }

    #[test]
    fn bad_windows_are_refused() {
        assert!(matches!(
            Span::parse("window", "2026-02-09", "2026-02-02"),
            Err(DriftError::EmptyWindow { .. })
        ));
        assert!(matches!(
            Span::parse("window", "2026-02-02", "2026-02-02"),
            Err(DriftError::EmptyWindow { .. })
        ));
        assert!(matches!(
            Span::parse("window", "soon", "2026-02-02"),
            Err(DriftError::BadTime { .. })
        ));
    }
}
