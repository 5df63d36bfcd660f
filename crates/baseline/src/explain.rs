//! Scores and baselines in words: the explanation each score carries, the
//! text histogram of a bucket, and the full derivation `explain` prints.
//! Every text is a pure function of records, so it is byte-identical on
//! replay.

use crate::index::BaselineSelection;
use crate::score::ScoreLine;
use model::baseline::{Baseline, Direction, ScaleBasis, ScoredEvent};
use std::fmt::Write;

/// A number for people: rounded to 6 significant digits, then written in
/// the shortest form that reads back as that rounded double ("4.59606",
/// "62", "0.000123").
pub fn show(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    // Most values need no rounding: their shortest form already has at
    // most 6 significant digits, and rounding would give the same double.
    let shortest = value.to_string();
    let significant = shortest
        .bytes()
        .filter(u8::is_ascii_digit)
        .skip_while(|b| *b == b'0')
        .count();
    let trailing_zeros = if shortest.contains('.') {
        0
    } else {
        shortest.bytes().rev().take_while(|b| *b == b'0').count()
    };
    if significant - trailing_zeros.min(significant) <= 6 {
        return if shortest == "-0" { "0".to_owned() } else { shortest };
    }
    let rounded: f64 = format!("{value:.5e}").parse().unwrap_or(value);
    let text = rounded.to_string();
    if text == "-0" { "0".to_owned() } else { text }
}

/// The words of a baseline that every score against it repeats, written
/// once per scoring run rather than once per event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselineWords {
    /// `<entity> <metric> at <context>`.
    bucket: String,
    /// `v<version>`.
    version: String,
    /// The sample count.
    n: u64,
    /// The median, shown.
    median: String,
    /// The confidence, shown.
    confidence: String,
    /// How the scale is made, shown; `None` for a constant baseline or one
    /// without statistics.
    scale: Option<String>,
}

impl BaselineWords {
    /// The words of `baseline`.
    pub fn of(baseline: &Baseline) -> BaselineWords {
        let scale = crate::score::scale_of(baseline).and_then(|(basis, scale)| {
            let stats = baseline.stats.as_ref()?;
            let scale = show(scale?);
            Some(match basis {
                ScaleBasis::ScaledMad => format!("scale {scale} = MAD {} × 1.4826", show(stats.mad)),
                _ => format!(
                    "scale {scale} = mean absolute deviation {} × 1.2533, because more than half the samples equal the median (MAD 0)",
                    show(stats.mean_abs_dev)
                ),
            })
        });
        BaselineWords {
            bucket: format!("{} {} at {}", baseline.entity, baseline.metric, baseline.context),
            version: format!("v{}", baseline.version),
            n: baseline.n,
            median: baseline.stats.as_ref().map(|s| show(s.median)).unwrap_or_default(),
            confidence: show(baseline.confidence),
            scale,
        }
    }
}

/// Writes the explanation of `score` into `out`: `words` are those of its
/// baseline, `threshold` the run's threshold shown.
pub fn explain_score(
    out: &mut String,
    score: &ScoreLine<'_>,
    words: Option<&BaselineWords>,
    selection: &BaselineSelection,
    threshold: &str,
) {
    let value = show(score.value);
    let Some(w) = words else {
        let _ = write!(
            out,
            "not scored: no baseline of {} {} at {}{}",
            score.entity,
            score.metric,
            score.context,
            selection.describe()
        );
        return;
    };
    let (bucket, version, n, median, confidence) = (&w.bucket, &w.version, w.n, &w.median, &w.confidence);
    let verdict = if score.is_anomaly { "anomaly" } else { "not an anomaly" };
    let _ = match (score.skip_reason, score.scale_basis, score.score, &w.scale) {
        (Some(_), _, _, _) => write!(
            out,
            "not scored: baseline {version} of {bucket} has only {n} samples, fewer than its training run required"
        ),
        (None, Some(ScaleBasis::Constant), _, _) if score.is_anomaly => write!(
            out,
            "value {value} differs from the constant baseline {version} of {bucket}: all {n} samples were {median}, so there is no spread to measure the difference in (confidence {confidence}); {verdict}"
        ),
        (None, Some(ScaleBasis::Constant), _, _) => write!(
            out,
            "value {value} equals the constant baseline {version} of {bucket}: all {n} samples were {median} (confidence {confidence}); score 0, {verdict}"
        ),
        (None, _, Some(z), Some(scale_words)) => {
            let direction = match score.direction {
                Some(Direction::Above) => "above",
                Some(Direction::Below) => "below",
                _ => "at",
            };
            let relation = if score.is_anomaly { "beyond" } else { "within" };
            write!(
                out,
                "value {value} is {} robust z {direction} the median {median} of {bucket} (baseline {version}: n {n}, {scale_words}, confidence {confidence}); {relation} the threshold {threshold}: {verdict}",
                show(z.abs())
            )
        }
        _ => write!(out, "value {value} of {bucket}: {verdict}"),
    };
}

/// A text histogram of a bucket's samples in `bins` equal bins from its
/// minimum to its maximum, with the bin of `marked` flagged (`<- this
/// event`, or a line above or below when it lies outside).
pub fn histogram(samples: &[f64], bins: usize, marked: Option<f64>) -> String {
    let mut out = String::new();
    let Some(min) = samples.iter().copied().min_by(f64::total_cmp) else {
        out.push_str("(no samples)\n");
        return out;
    };
    let max = samples.iter().copied().max_by(f64::total_cmp).unwrap_or(min);
    let bins = bins.max(1);
    let width = (max - min) / bins as f64;
    let bin_of = |value: f64| -> usize {
        if width <= 0.0 || !width.is_finite() {
            return 0;
        }
        (((value - min) / width).floor() as usize).min(bins - 1)
    };
    let mut counts = vec![0u64; if width > 0.0 { bins } else { 1 }];
    for value in samples {
        counts[bin_of(*value)] += 1;
    }
    let tallest = counts.iter().copied().max().unwrap_or(1).max(1);
    if let Some(marked) = marked.filter(|m| *m > max) {
        let _ = writeln!(out, "{:>27}  <- this event ({}), above every sample", "", show(marked));
    }
    for (bin, count) in counts.iter().enumerate().rev() {
        let low = min + width * bin as f64;
        let high = if bin + 1 == counts.len() {
            max
        } else {
            min + width * (bin + 1) as f64
        };
        let bar = "#".repeat(((count * 40).div_ceil(tallest)) as usize);
        let mark = match marked {
            Some(m) if m >= min && m <= max && bin_of(m) == bin => "  <- this event",
            _ => "",
        };
        let _ = writeln!(out, "{:>12} .. {:>12} {:>6} {bar}{mark}", show(low), show(high), count);
    }
    if let Some(marked) = marked.filter(|m| *m < min) {
        let _ = writeln!(out, "{:>27}  <- this event ({}), below every sample", "", show(marked));
    }
    out
}

/// One batch of events that fed a baseline's training run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedingBatch {
    /// The EVENTS_INGESTED entry.
    pub seq: u64,
    /// The raw input file's SHA-256.
    pub raw_sha256: String,
    /// The Merkle root of the batch's event records.
    pub merkle_root: String,
    /// Events of the batch the run used.
    pub used: u64,
}

/// Everything that went into one score, for `explain`.
#[derive(Debug, Clone, PartialEq)]
pub struct Derivation {
    /// The score record.
    pub score: ScoredEvent,
    /// The SCORES_COMPUTED entry that wrote it, and its time.
    pub scored_by: (u64, String),
    /// The baseline it was measured against, if any.
    pub baseline: Option<Baseline>,
    /// The BASELINE_TRAINED entry that trained it, and its time.
    pub trained_by: Option<(u64, String)>,
    /// The training run's context kind and minimum samples.
    pub training_params: String,
    /// The batches that fed the training run.
    pub batches: Vec<FeedingBatch>,
    /// The bucket's samples, re-read from the stored events.
    pub samples: Vec<f64>,
}

/// The derivation as text.
pub fn render_derivation(d: &Derivation) -> String {
    let s = &d.score;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "event {} ({} {} = {} at {}, context {})",
        s.event_id,
        s.entity,
        s.metric,
        show(s.value),
        s.timestamp,
        s.context
    );
    let _ = writeln!(
        out,
        "score record {} written by SCORES_COMPUTED at seq {} ({})",
        s.id, d.scored_by.0, d.scored_by.1
    );
    let _ = writeln!(out, "  {}", s.explanation);
    if let Some(z) = s.score {
        let _ = writeln!(
            out,
            "  score = (value − median) / scale = ({} − {}) / {} = {}",
            show(s.value),
            show(s.median.unwrap_or_default()),
            s.scale.map(show).unwrap_or_else(|| "–".into()),
            show(z)
        );
    }
    let Some(baseline) = &d.baseline else {
        let _ = writeln!(out, "no baseline of this bucket was used");
        return out;
    };
    let _ = writeln!(
        out,
        "baseline {} v{} of {} {} at {}: status {}, n {}, confidence {} ({})",
        baseline.id,
        baseline.version,
        baseline.entity,
        baseline.metric,
        baseline.context,
        baseline.status.as_str(),
        baseline.n,
        show(baseline.confidence),
        baseline.confidence_level.as_str()
    );
    if let Some(stats) = &baseline.stats {
        let _ = writeln!(
            out,
            "  median {}, MAD {} (scaled {}), mean absolute deviation {}, min {}, p05 {}, p25 {}, p75 {}, p95 {}, max {}",
            show(stats.median),
            show(stats.mad),
            show(stats.scaled_mad),
            show(stats.mean_abs_dev),
            show(stats.min),
            show(stats.p05),
            show(stats.p25),
            show(stats.p75),
            show(stats.p95),
            show(stats.max)
        );
    }
    let window = match (&baseline.window.from, &baseline.window.to) {
        (None, None) => "all stored events".to_owned(),
        (from, to) => format!(
            "[{}, {})",
            from.as_deref().unwrap_or("the first event"),
            to.as_deref().unwrap_or("the last event")
        ),
    };
    let _ = writeln!(
        out,
        "  training window {window}; this bucket's samples span {} .. {}",
        baseline.first_event, baseline.last_event
    );
    if let Some((seq, time)) = &d.trained_by {
        let _ = writeln!(
            out,
            "trained by BASELINE_TRAINED at seq {seq} ({time}), {}",
            d.training_params
        );
    }
    let total: u64 = d.batches.iter().map(|b| b.used).sum();
    let _ = writeln!(out, "  {total} events from {} batches fed the run:", d.batches.len());
    for batch in &d.batches {
        let _ = writeln!(
            out,
            "    EVENTS_INGESTED seq {}: {} events used, raw sha256 {}, events merkle root {}",
            batch.seq, batch.used, batch.raw_sha256, batch.merkle_root
        );
    }
    let _ = writeln!(out, "samples of the bucket ({}):", d.samples.len());
    out.push_str(&histogram(&d.samples, 10, Some(s.value)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well_and_exactly() {
        for (value, text) in [
            (62.0, "62"),
            (4.596060000000001, "4.59606"),
            (0.000123456789, "0.000123457"),
            (-0.0, "0"),
            (1e21, "1000000000000000000000"),
            (-4.12345678, "-4.12346"),
            (1234567.0, "1234570"),
            (1200000.0, "1200000"),
            (0.1 + 0.2, "0.3"),
        ] {
            assert_eq!(show(value), text);
        }
    }

    proptest::proptest! {
        #[test]
        fn the_shortcut_writes_what_rounding_writes(value in proptest::num::f64::NORMAL | proptest::num::f64::ZERO, digits in 0usize..8) {
            // Also values with few digits, which take the shortcut.
            let short: f64 = format!("{value:.*e}", digits).parse().unwrap();
            for v in [value, short] {
                let rounded: f64 = format!("{v:.5e}").parse().unwrap();
                let slow = if rounded == 0.0 { "0".to_owned() } else { rounded.to_string() };
                proptest::prop_assert_eq!(show(v), slow);
            }
        }
    }

    #[test]
    fn histogram_marks_the_event() {
        let samples: Vec<f64> = (0..10).map(f64::from).collect();
        let text = histogram(&samples, 5, Some(4.5));
        assert_eq!(text.lines().count(), 5);
        let marked: Vec<&str> = text.lines().filter(|l| l.contains("<- this event")).collect();
        assert_eq!(marked.len(), 1);
        assert!(marked[0].trim_start().starts_with("3.6 .."), "{text}");
        let above = histogram(&samples, 5, Some(100.0));
        assert!(above.lines().next().unwrap().contains("above every sample"));
        let constant = histogram(&[2.0, 2.0], 5, Some(2.0));
        assert_eq!(constant.lines().count(), 1);
        assert!(constant.contains("     2 ") && constant.contains("<- this event"));
        assert_eq!(histogram(&[], 5, None), "(no samples)\n");
    }
}
