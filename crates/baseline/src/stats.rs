//! Median, MAD and the other robust statistics of one bucket, exact and
//! independent of the order the samples came in.
//!
//! Only `+ − × ÷` are used (no `exp`, `ln` or `pow`, whose last bit differs
//! between maths libraries), so a statistic has the same bits on every
//! machine. Sums run over the sorted samples, so the input order cannot
//! change a rounding.

use model::baseline::BaselineStats;

/// The factor that turns a MAD into an estimate of a normal standard
/// deviation: 1 / Φ⁻¹(3/4).
pub const MAD_TO_SIGMA: f64 = 1.4826;
/// The factor that turns a mean absolute deviation into an estimate of a
/// normal standard deviation: √(π/2).
pub const MEAN_ABS_DEV_TO_SIGMA: f64 = 1.2533;

/// The median of sorted samples: the middle one, or for an even count the
/// midpoint of the two middle ones ([`f64::midpoint`], which neither
/// overflows nor loses a subnormal). `None` for no samples.
pub fn median_of_sorted(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some(sorted[n / 2 - 1].midpoint(sorted[n / 2])),
    }
}

/// The median of `values`, reordering them (selection, not a full sort).
pub fn median_in_place(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (below, upper, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    let upper = *upper;
    if n % 2 == 1 {
        return Some(upper);
    }
    let lower = below
        .iter()
        .copied()
        .max_by(f64::total_cmp)
        .expect("n is even and at least 2");
    Some(lower.midpoint(upper))
}

/// The median absolute deviation of `values` from `median`.
pub fn mad(values: &[f64], median: f64) -> Option<f64> {
    let mut deviations: Vec<f64> = values.iter().map(|v| (v - median).abs()).collect();
    median_in_place(&mut deviations)
}

/// The quantile `p` of sorted samples, by linear interpolation between the
/// order statistics around rank `(n − 1)·p` (Hyndman and Fan's type 7, the
/// default of R and NumPy).
pub fn quantile_of_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = last as f64 * p;
    let lower = rank.floor() as usize;
    let fraction = rank - lower as f64;
    let below = sorted[lower.min(last)];
    let above = sorted[(lower + 1).min(last)];
    if fraction == 0.0 || below == above {
        return Some(below);
    }
    Some(below + fraction * (above - below))
}

/// A statistic could not be written as a finite number.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the samples span more than an IEEE double can measure: the {statistic} overflows")]
pub struct StatsOverflow {
    /// Which statistic overflowed.
    pub statistic: &'static str,
}

/// Every statistic of one bucket, from its samples (sorted in place).
/// `None` for no samples.
pub fn describe(values: &mut [f64]) -> Result<Option<BaselineStats>, StatsOverflow> {
    values.sort_unstable_by(f64::total_cmp);
    let sorted = &*values;
    let Some(median) = median_of_sorted(sorted) else {
        return Ok(None);
    };
    let mad = mad(sorted, median).expect("not empty");
    let total_deviation: f64 = sorted.iter().map(|v| (v - median).abs()).sum();
    let quantile = |p| quantile_of_sorted(sorted, p).expect("not empty");
    let stats = BaselineStats {
        median,
        mad,
        scaled_mad: mad * MAD_TO_SIGMA,
        mean_abs_dev: total_deviation / sorted.len() as f64,
        min: sorted[0],
        max: sorted[sorted.len() - 1],
        p05: quantile(0.05),
        p25: quantile(0.25),
        p75: quantile(0.75),
        p95: quantile(0.95),
    };
    let named = [
        ("MAD", stats.mad),
        ("scaled MAD", stats.scaled_mad),
        ("mean absolute deviation", stats.mean_abs_dev),
        ("5th percentile", stats.p05),
        ("25th percentile", stats.p25),
        ("75th percentile", stats.p75),
        ("95th percentile", stats.p95),
    ];
    if let Some((statistic, _)) = named.iter().find(|(_, value)| !value.is_finite()) {
        return Err(StatsOverflow { statistic });
    }
    Ok(Some(stats))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The textbook definitions, written the slow obvious way: sort a copy,
    /// take the middle, and the same again for the absolute deviations.
    fn reference_median(values: &[f64]) -> f64 {
        let mut sorted = values.to_vec();
        sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let n = sorted.len();
        if n % 2 == 1 {
            sorted[n / 2]
        } else {
            let (a, b) = (sorted[n / 2 - 1], sorted[n / 2]);
            // The exact midpoint, halving first where the sum would overflow
            // and last where halving first would lose a subnormal bit.
            if (a + b).is_finite() {
                (a + b) / 2.0
            } else {
                a / 2.0 + b / 2.0
            }
        }
    }

    fn reference_mad(values: &[f64]) -> f64 {
        let median = reference_median(values);
        let deviations: Vec<f64> = values.iter().map(|v| (v - median).abs()).collect();
        reference_median(&deviations)
    }

    fn check(values: &[f64]) {
        let mut copy = values.to_vec();
        let median = median_in_place(&mut copy).unwrap();
        assert_eq!(
            median.to_bits(),
            reference_median(values).to_bits(),
            "median of {values:?}"
        );
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        assert_eq!(median_of_sorted(&sorted).unwrap().to_bits(), median.to_bits());
        assert_eq!(
            mad(values, median).unwrap().to_bits(),
            reference_mad(values).to_bits(),
            "MAD of {values:?}"
        );
    }

    #[test]
    fn known_cases() {
        check(&[1.0]);
        check(&[1.0, 2.0]);
        check(&[3.0, 1.0, 2.0]);
        check(&[1.0, 1.0, 1.0, 5.0]);
        check(&[-3.0, -1.0, -2.0, 10.0]);
        check(&[f64::MAX, f64::MAX]);
        check(&[5e-324, 5e-324, 0.0, 1e-320]);
        check(&[1e300, -1e300, 2e300, 3e300]);
        let mut values = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let stats = describe(&mut values).unwrap().unwrap();
        assert_eq!((stats.median, stats.mad, stats.min, stats.max), (4.5, 0.5, 2.0, 9.0));
        assert_eq!(stats.mean_abs_dev, (2.5 + 0.5 * 3.0 + 0.5 * 2.0 + 2.5 + 4.5) / 8.0);
        assert_eq!(stats.scaled_mad, 0.5 * MAD_TO_SIGMA);
        // Type 7: rank (8 − 1)·0.25 = 1.75 → 4 + 0.75·(4 − 4).
        assert_eq!(stats.p25, 4.0);
        // Rank 7·0.95 = 6.65 (6.6499… in doubles) → 7 + 0.6499…·(9 − 7).
        let rank = 7.0 * 0.95;
        assert_eq!(stats.p95, 7.0 + (rank - 6.0) * 2.0);
        assert!((stats.p95 - 8.3).abs() < 1e-12);
        assert!(describe(&mut []).unwrap().is_none());
    }

    #[test]
    fn a_deviation_beyond_the_double_range_is_an_error_not_infinity() {
        let mut values = [-f64::MAX, f64::MAX, f64::MAX];
        assert_eq!(
            describe(&mut values),
            Err(StatsOverflow {
                statistic: "mean absolute deviation"
            })
        );
    }

    fn magnitude() -> impl Strategy<Value = f64> {
        prop_oneof![
            -1000.0..1000.0f64,
            (-5i32..5).prop_map(f64::from),
            -1e300..1e300f64,
            -1e-300..1e-300f64,
            // Any double up to an eighth of the range: deviations between
            // doubles near the top overflow, which describe() refuses
            // (tested above).
            prop::num::f64::NORMAL.prop_map(|v| v / 8.0),
            prop::num::f64::SUBNORMAL | prop::num::f64::ZERO,
        ]
    }

    proptest! {
        #[test]
        fn median_and_mad_match_the_reference_bit_for_bit(values in prop::collection::vec(magnitude(), 1..60)) {
            check(&values);
        }

        #[test]
        fn statistics_do_not_depend_on_the_input_order(mut values in prop::collection::vec(-1e6..1e6f64, 1..80), seed in any::<u64>()) {
            let first = describe(&mut values.clone()).unwrap();
            // A deterministic shuffle from the seed.
            let mut state = seed;
            for i in (1..values.len()).rev() {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                values.swap(i, (state >> 33) as usize % (i + 1));
            }
            let second = describe(&mut values).unwrap();
            prop_assert_eq!(format!("{first:?}"), format!("{second:?}"));
        }

        #[test]
        fn quantiles_are_ordered_and_within_the_range(mut values in prop::collection::vec(-1e6..1e6f64, 1..80)) {
            let s = describe(&mut values).unwrap().unwrap();
            prop_assert!(s.min <= s.p05 && s.p05 <= s.p25 && s.p25 <= s.median);
            prop_assert!(s.median <= s.p75 && s.p75 <= s.p95 && s.p95 <= s.max);
            prop_assert!(s.mad >= 0.0 && s.mean_abs_dev >= 0.0);
        }
    }
}
