//! Confidence from sample size (seed 000's roadmap): how much a baseline's
//! statistics can be leaned on, from its number of samples alone.
//!
//! `confidence = n / (n + half_n)`, where `half_n` (recorded in the
//! training entry, default 30) is the sample count at which confidence is
//! one half. It rises steeply at first and then slowly, as the precision of
//! a median does (its standard error shrinks as 1/√n): with the default,
//! 10 samples give 0.25, 30 give 0.5, 120 give 0.8 and 1000 give 0.97.
//! Words: below 0.5 `low`, below 0.8 `medium`, otherwise `high`. One
//! division, so the same bits everywhere.

use model::baseline::ConfidenceLevel;

/// The default sample count at which confidence is one half.
pub const DEFAULT_HALF_N: u64 = 30;

/// A baseline's confidence from its sample count.
pub fn confidence(n: u64, half_n: u64) -> (f64, ConfidenceLevel) {
    let value = if n == 0 {
        0.0
    } else {
        n as f64 / (n as f64 + half_n as f64)
    };
    let level = if value < 0.5 {
        ConfidenceLevel::Low
    } else if value < 0.8 {
        ConfidenceLevel::Medium
    } else {
        ConfidenceLevel::High
    };
    (value, level)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_values() {
        assert_eq!(confidence(10, 30), (0.25, ConfidenceLevel::Low));
        assert_eq!(confidence(30, 30), (0.5, ConfidenceLevel::Medium));
        assert_eq!(confidence(120, 30), (0.8, ConfidenceLevel::High));
        assert_eq!(confidence(0, 30).0, 0.0);
        assert_eq!(confidence(5, 0), (1.0, ConfidenceLevel::High));
        let mut last = 0.0;
        for n in 1..2000 {
            let (value, _) = confidence(n, DEFAULT_HALF_N);
            assert!(value > last && value < 1.0);
            last = value;
        }
    }
}
