//! The counting behind a report: coverage, anomalies by entity, hour and direction, the score
//! histogram, confidence levels and the ranking of the top deviations.

use std::cmp::{Ordering, Reverse};
use std::collections::BTreeMap;

use model::baseline::{Baseline, BaselineStatus, Direction, ScaleBasis, ScoreStatus, ScoredEvent, SkipReason};

/// The histogram's lower edge, in robust z units.
pub(crate) const HISTOGRAM_MIN: f64 = -10.0;
/// The histogram's upper edge, in robust z units.
pub(crate) const HISTOGRAM_MAX: f64 = 10.0;
/// The histogram's bin width, in robust z units.
pub(crate) const BIN_WIDTH: f64 = 0.5;
/// `(HISTOGRAM_MAX - HISTOGRAM_MIN) / BIN_WIDTH`.
pub(crate) const N_BINS: usize = 40;
/// Hours in a day, the rows of the by-hour table and the bars of its figure.
pub(crate) const N_HOURS: usize = 24;

/// Everything a report counts, gathered in one pass over the score records.
///
/// Every count except [`Coverage`] is over scored events only: a skipped
/// record carries no score and cannot be an anomaly.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tally<'a> {
    pub(crate) coverage: Coverage,
    /// The distinct anomaly thresholds of the records, ascending.
    pub(crate) thresholds: Vec<f64>,
    pub(crate) anomalies: usize,
    /// Sorted by anomalies descending, then entity ascending.
    pub(crate) by_entity: Vec<EntityCount<'a>>,
    /// Indexed by hour of day, UTC.
    pub(crate) by_hour: [Count; N_HOURS],
    /// Scored events whose timestamp has no readable hour.
    pub(crate) hour_unreadable: Count,
    pub(crate) directions: Directions,
    pub(crate) histogram: Histogram,
    /// Scored events without a numeric score (constant baselines).
    pub(crate) without_score: usize,
    /// Anomalies among `without_score`.
    pub(crate) anomalies_without_score: usize,
    pub(crate) confidence: Confidence,
}

/// How many records there are and why some were not scored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Coverage {
    pub(crate) total: usize,
    pub(crate) scored: usize,
    pub(crate) skipped: usize,
    pub(crate) no_baseline: usize,
    pub(crate) insufficient_history: usize,
    /// Skipped records that carry no reason.
    pub(crate) reason_unrecorded: usize,
}

/// Scored events and anomalies in one group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Count {
    pub(crate) scored: usize,
    pub(crate) anomalies: usize,
}

/// One entity's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EntityCount<'a> {
    pub(crate) entity: &'a str,
    pub(crate) count: Count,
}

/// Anomalies by where the value lies from the median.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Directions {
    pub(crate) above: usize,
    pub(crate) below: usize,
    pub(crate) at_median: usize,
    pub(crate) unrecorded: usize,
}

/// Numeric scores in bins of [`BIN_WIDTH`] over `[HISTOGRAM_MIN, HISTOGRAM_MAX]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Histogram {
    /// Bin `i` holds scores in `[MIN + i·W, MIN + (i+1)·W)`; the last bin also holds `MAX`.
    pub(crate) bins: [usize; N_BINS],
    pub(crate) below: usize,
    pub(crate) above: usize,
    /// Scores that are NaN or infinite: counted so the totals add up, never plotted.
    pub(crate) not_finite: usize,
}

/// Scored events by the confidence of their baseline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Confidence {
    pub(crate) low: usize,
    pub(crate) medium: usize,
    pub(crate) high: usize,
    /// No confidence recorded, or one that is not a finite number.
    pub(crate) unrecorded: usize,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            bins: [0; N_BINS],
            below: 0,
            above: 0,
            not_finite: 0,
        }
    }
}

impl Histogram {
    /// The number of scores plotted, plus those outside the range or not finite.
    pub(crate) fn n_scores(&self) -> usize {
        self.bins.iter().sum::<usize>() + self.below + self.above + self.not_finite
    }

    fn add(&mut self, score: f64) {
        if !score.is_finite() {
            self.not_finite += 1;
        } else if score < HISTOGRAM_MIN {
            self.below += 1;
        } else if score > HISTOGRAM_MAX {
            self.above += 1;
        } else {
            // Both edges are exact in binary, so the bin of a score does not
            // depend on the platform; the closed upper edge joins the last bin.
            let index = ((score - HISTOGRAM_MIN) / BIN_WIDTH).floor() as usize;
            self.bins[index.min(N_BINS - 1)] += 1;
        }
    }
}

impl<'a> Tally<'a> {
    /// Counts `scores`.
    pub(crate) fn from_scores(scores: &'a [ScoredEvent]) -> Tally<'a> {
        let mut tally = Tally::default();
        let mut by_entity: BTreeMap<&str, Count> = BTreeMap::new();
        for score in scores {
            tally.thresholds.push(score.threshold);
            tally.coverage.total += 1;
            let entity = by_entity.entry(score.entity.as_str()).or_default();
            if score.status == ScoreStatus::Skipped {
                tally.coverage.skipped += 1;
                match score.skip_reason {
                    Some(SkipReason::NoBaseline) => tally.coverage.no_baseline += 1,
                    Some(SkipReason::InsufficientHistory) => tally.coverage.insufficient_history += 1,
                    None => tally.coverage.reason_unrecorded += 1,
                }
                continue;
            }
            tally.coverage.scored += 1;
            let is_anomaly = usize::from(score.is_anomaly);
            let hour = match hour_of_day(&score.timestamp) {
                Some(hour) => &mut tally.by_hour[hour],
                None => &mut tally.hour_unreadable,
            };
            for count in [entity, hour] {
                count.scored += 1;
                count.anomalies += is_anomaly;
            }
            tally.confidence.add(score.confidence);
            match score.score {
                Some(value) => tally.histogram.add(value),
                None => {
                    tally.without_score += 1;
                    tally.anomalies_without_score += is_anomaly;
                }
            }
            if score.is_anomaly {
                tally.anomalies += 1;
                tally.directions.add(score.direction);
            }
        }
        tally.thresholds.sort_by(f64::total_cmp);
        tally.thresholds.dedup_by(|a, b| a.total_cmp(b) == Ordering::Equal);
        tally.by_entity = by_entity
            .into_iter()
            .map(|(entity, count)| EntityCount { entity, count })
            .collect();
        // The map gave entity order; a stable sort keeps it among equal anomaly counts.
        tally.by_entity.sort_by_key(|e| Reverse(e.count.anomalies));
        tally
    }
}

impl Directions {
    fn add(&mut self, direction: Option<Direction>) {
        match direction {
            Some(Direction::Above) => self.above += 1,
            Some(Direction::Below) => self.below += 1,
            Some(Direction::AtMedian) => self.at_median += 1,
            None => self.unrecorded += 1,
        }
    }
}

impl Confidence {
    /// Uses the bounds `ConfidenceLevel` documents: below 0.5 low, below 0.8 medium, else high.
    fn add(&mut self, confidence: Option<f64>) {
        match confidence {
            Some(c) if !c.is_finite() => self.unrecorded += 1,
            Some(c) if c < 0.5 => self.low += 1,
            Some(c) if c < 0.8 => self.medium += 1,
            Some(_) => self.high += 1,
            None => self.unrecorded += 1,
        }
    }
}

/// The hour of day of an RFC 3339 timestamp `YYYY-MM-DDTHH:…`, read from its
/// characters 11..13 rather than parsed: the records are already normalized UTC.
pub(crate) fn hour_of_day(timestamp: &str) -> Option<usize> {
    let digits = timestamp.get(11..13)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hour: usize = digits.parse().ok()?;
    (hour < N_HOURS).then_some(hour)
}

/// The `top_k` scored events with the largest deviations, largest first.
///
/// Anomalies against a constant baseline have no numeric score but depart
/// from a baseline with no spread at all, so they rank above every numeric
/// score, largest `|deviation|` first. Numeric scores follow by `|score|`.
/// Ties go to the earlier timestamp, then the smaller event id, then the
/// smaller record id, so the order never depends on the input order. Scores
/// that are not finite numbers are left out: they have no place on the scale.
pub(crate) fn top_deviations(scores: &[ScoredEvent], top_k: usize) -> Vec<&ScoredEvent> {
    let mut ranked: Vec<(Rank, &ScoredEvent)> = scores
        .iter()
        .filter_map(|score| Some((Rank::of(score)?, score)))
        .collect();
    ranked.sort_by(|(rank_a, a), (rank_b, b)| {
        rank_a
            .cmp(rank_b)
            .then_with(|| a.timestamp.cmp(&b.timestamp))
            .then_with(|| a.event_id.cmp(&b.event_id))
            .then_with(|| a.id.cmp(&b.id))
    });
    ranked.into_iter().take(top_k).map(|(_, score)| score).collect()
}

/// Baselines with status `insufficient_history`, by entity, metric, context and version.
pub(crate) fn insufficient_baselines(baselines: &[Baseline]) -> Vec<&Baseline> {
    let mut insufficient: Vec<&Baseline> = baselines
        .iter()
        .filter(|b| b.status == BaselineStatus::InsufficientHistory)
        .collect();
    insufficient.sort_by(|a, b| {
        (&a.entity, &a.metric, &a.context, a.version, a.n, a.min_samples, &a.id).cmp(&(
            &b.entity,
            &b.metric,
            &b.context,
            b.version,
            b.n,
            b.min_samples,
            &b.id,
        ))
    });
    insufficient
}

/// Where an event ranks among deviations; `Less` ranks first.
#[derive(Debug, Clone, Copy)]
enum Rank {
    /// A departure from a constant baseline, with its `|deviation|` if recorded.
    Constant(Option<f64>),
    /// A finite numeric score's magnitude.
    Numeric(f64),
}

impl Rank {
    fn of(score: &ScoredEvent) -> Option<Rank> {
        if score.status != ScoreStatus::Scored {
            return None;
        }
        match score.score {
            Some(value) if value.is_finite() => Some(Rank::Numeric(value.abs())),
            Some(_) => None,
            None if score.is_anomaly && score.scale_basis == Some(ScaleBasis::Constant) => {
                Some(Rank::Constant(score.deviation.filter(|d| d.is_finite()).map(f64::abs)))
            }
            None => None,
        }
    }

    fn cmp(&self, other: &Rank) -> Ordering {
        match (self, other) {
            (Rank::Constant(_), Rank::Numeric(_)) => Ordering::Less,
            (Rank::Numeric(_), Rank::Constant(_)) => Ordering::Greater,
            (Rank::Numeric(a), Rank::Numeric(b)) => b.total_cmp(a),
            (Rank::Constant(a), Rank::Constant(b)) => match (a, b) {
                (Some(a), Some(b)) => b.total_cmp(a),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_hour(timestamp: &str, expect: Option<usize>) {
        assert_eq!(hour_of_day(timestamp), expect, "{timestamp:?}");
    }

    #[test]
    fn hour_comes_from_characters_11_to_13() {
        check_hour("2026-01-19T09:00:00.000Z", Some(9));
        check_hour("2026-01-19T00:59:59Z", Some(0));
        check_hour("2026-01-19T23:00:00Z", Some(23));
        check_hour("2026-01-19T24:00:00Z", None);
        check_hour("2026-01-19T+9:00:00Z", None);
        check_hour("2026-01-19", None);
        check_hour("2026-01-19T0é:00", None);
        check_hour("", None);
    }

    fn check_bins(scores: &[f64], expect_bins: &[(usize, usize)], expect_below: usize, expect_above: usize) {
        let mut histogram = Histogram::default();
        for &score in scores {
            histogram.add(score);
        }
        let nonzero: Vec<(usize, usize)> = histogram
            .bins
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, count)| count > 0)
            .collect();
        assert_eq!(nonzero, expect_bins, "{scores:?}");
        assert_eq!((histogram.below, histogram.above), (expect_below, expect_above));
    }

    #[test]
    fn histogram_bins_are_half_open_except_the_last() {
        check_bins(&[-10.0], &[(0, 1)], 0, 0);
        check_bins(&[-10.000001], &[], 1, 0);
        check_bins(&[-9.5, -9.50001], &[(0, 1), (1, 1)], 0, 0);
        check_bins(&[0.0, -0.0, 0.49], &[(20, 3)], 0, 0);
        check_bins(&[-0.01], &[(19, 1)], 0, 0);
        check_bins(&[9.99, 10.0], &[(39, 2)], 0, 0);
        check_bins(&[10.000001, 55.0], &[], 0, 2);
    }

    #[test]
    fn histogram_counts_but_never_bins_non_finite_scores() {
        let mut histogram = Histogram::default();
        for score in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1.0] {
            histogram.add(score);
        }
        assert_eq!(histogram.not_finite, 3);
        assert_eq!(histogram.n_scores(), 4);
    }

    #[test]
    fn confidence_levels_use_the_documented_bounds() {
        let mut confidence = Confidence::default();
        for c in [
            Some(0.0),
            Some(0.4999),
            Some(0.5),
            Some(0.7999),
            Some(0.8),
            Some(1.0),
            None,
            Some(f64::NAN),
        ] {
            confidence.add(c);
        }
        assert_eq!(
            confidence,
            Confidence {
                low: 2,
                medium: 2,
                high: 2,
                unrecorded: 2
            }
        );
    }
}
