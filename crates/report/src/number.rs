//! Deterministic number formatting: fixed decimals, no locale, never `NaN` or `inf`.

/// What a number that cannot be shown prints as. Chosen so that no output ever
/// carries a platform's spelling of NaN or infinity.
pub(crate) const NOT_SHOWN: &str = "n/a";

/// What a percentage of nothing prints as: a rate over zero events has no value,
/// and printing `0.0%` would claim one.
pub(crate) const NO_RATE: &str = "–";

/// `value` with exactly `decimals` decimals; [`NOT_SHOWN`] when it is not finite.
pub(crate) fn fixed(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return NOT_SHOWN.to_owned();
    }
    let text = format!("{value:.decimals$}");
    // A tiny negative value rounds to "-0.00", which reads as a sign error.
    match text.strip_prefix('-') {
        Some(magnitude) if magnitude.bytes().all(|b| b == b'0' || b == b'.') => magnitude.to_owned(),
        _ => text,
    }
}

/// `count / total` as a percentage with `decimals` decimals and a `%` sign;
/// [`NO_RATE`] when `total` is 0.
pub(crate) fn percent(count: usize, total: usize, decimals: usize) -> String {
    if total == 0 {
        return NO_RATE.to_owned();
    }
    format!("{}%", fixed(count as f64 * 100.0 / total as f64, decimals))
}

/// An optional number, or [`NO_RATE`] when absent.
pub(crate) fn fixed_or_dash(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| NO_RATE.to_owned(), |v| fixed(v, decimals))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_fixed(value: f64, decimals: usize, expect: &str) {
        assert_eq!(fixed(value, decimals), expect, "fixed({value:?}, {decimals})");
    }

    #[test]
    fn fixed_rounds_and_never_prints_nan_or_inf() {
        check_fixed(3.5, 2, "3.50");
        check_fixed(-2.125, 1, "-2.1");
        check_fixed(48.2, 3, "48.200");
        check_fixed(-0.0, 2, "0.00");
        check_fixed(-0.001, 2, "0.00");
        check_fixed(-0.006, 2, "-0.01");
        check_fixed(f64::NAN, 2, "n/a");
        check_fixed(f64::INFINITY, 2, "n/a");
        check_fixed(f64::NEG_INFINITY, 0, "n/a");
    }

    #[test]
    fn percent_of_nothing_is_a_dash() {
        assert_eq!(percent(0, 0, 1), "–");
        assert_eq!(percent(1, 3, 1), "33.3%");
        assert_eq!(percent(2, 3, 2), "66.67%");
        assert_eq!(percent(5, 5, 1), "100.0%");
    }

    #[test]
    fn absent_numbers_are_a_dash() {
        assert_eq!(fixed_or_dash(None, 2), "–");
        assert_eq!(fixed_or_dash(Some(1.0), 2), "1.00");
    }
}
