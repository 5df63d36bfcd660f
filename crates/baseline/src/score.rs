//! Scoring: each stored event measured against the baseline of its bucket
//! in robust z units, with the explanation in words, written straight to
//! sealed `scores.jsonl` lines on every core.
//!
//! The scale is the baseline's scaled MAD. When the MAD is 0 (more than
//! half the samples equal the median) the mean absolute deviation × 1.2533
//! stands in, as Iglewicz and Hoaglin's modified z does; when that is 0 too
//! (every sample equal), there is no spread to measure in: a value equal to
//! the median scores 0, any other value has no score and is an anomaly. So
//! no score is ever a division by zero or infinite.

use crate::context::ContextKind;
use crate::error::BaselineError;
use crate::explain::{explain_score, show};
use crate::index::{BaselineIndex, BaselineSelection};
use crate::stats::MEAN_ABS_DEV_TO_SIGMA;
use model::baseline::{Baseline, Direction, SCORE_ID_KIND, ScaleBasis, ScoreStatus, ScoredEvent, SkipReason};
use model::event::StoredMetricEvent;
use model::record::RecordBuilder;
use rayon::prelude::*;
use std::fmt::Write as _;

/// The default anomaly threshold, in robust z units (Iglewicz and Hoaglin's
/// recommended cut-off for the modified z-score).
pub const DEFAULT_THRESHOLD: f64 = 3.5;

/// Events scored by one task.
const EVENTS_PER_TASK: usize = 2048;

/// The parameters of a scoring run, all recorded in its ledger entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreParams {
    /// `|score|` above this is an anomaly.
    pub threshold: f64,
    /// The context kind events are bucketed by.
    pub context: ContextKind,
    /// Which baseline version each bucket is scored against.
    pub selection: BaselineSelection,
}

/// How many events of a run ended how.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScoreTally {
    /// Events scored.
    pub scored: u64,
    /// Of them, anomalies.
    pub anomalies: u64,
    /// Events skipped for want of a baseline.
    pub no_baseline: u64,
    /// Events skipped because their baseline had too few samples.
    pub insufficient_history: u64,
}

impl ScoreTally {
    /// The two tallies summed.
    pub fn plus(mut self, other: &ScoreTally) -> ScoreTally {
        self.add(other);
        self
    }

    fn add(&mut self, other: &ScoreTally) {
        self.scored += other.scored;
        self.anomalies += other.anomalies;
        self.no_baseline += other.no_baseline;
        self.insufficient_history += other.insufficient_history;
    }

    fn count(&mut self, skip_reason: Option<SkipReason>, is_anomaly: bool) {
        match skip_reason {
            None => self.scored += 1,
            Some(SkipReason::NoBaseline) => self.no_baseline += 1,
            Some(SkipReason::InsufficientHistory) => self.insufficient_history += 1,
        }
        self.anomalies += u64::from(is_anomaly);
    }

    /// Events written.
    pub fn total(&self) -> u64 {
        self.scored + self.no_baseline + self.insufficient_history
    }
}

/// The score lines of one block of events, in parts scored side by side.
#[derive(Debug, Default)]
pub struct ScoredBlock {
    /// The parts, in input order.
    pub parts: Vec<ScoredPart>,
    /// How the block's events ended.
    pub tally: ScoreTally,
}

/// The score lines of consecutive events.
#[derive(Debug, Default)]
pub struct ScoredPart {
    /// The stored lines, each followed by `\n` (a buffer of the pool, to
    /// be given back once written).
    pub lines: Vec<u8>,
    /// Each line's Merkle leaf hash, in order.
    pub leaf_hashes: Vec<tlog::Hash>,
}

/// Output buffers used again and again: a block's lines run to megabytes,
/// and writing to freshly allocated memory costs a page fault per page.
#[derive(Debug, Default)]
pub struct BufferPool(std::sync::Mutex<Vec<Vec<u8>>>);

impl BufferPool {
    /// A buffer, empty.
    pub fn take(&self) -> Vec<u8> {
        self.0
            .lock()
            .map(|mut free| free.pop())
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    /// Gives a buffer back.
    pub fn give(&self, mut buffer: Vec<u8>) {
        buffer.clear();
        if let Ok(mut free) = self.0.lock()
            && free.len() < 64
        {
            free.push(buffer);
        }
    }
}

/// Scores the events of a block (those `include` accepts) on every core and
/// returns their lines in input order, in buffers taken from `pool`.
/// `file` and `first_line` name lines in errors.
pub fn score_block(
    events: &[StoredMetricEvent<'_>],
    include: impl Fn(&StoredMetricEvent<'_>) -> bool + Sync,
    index: &BaselineIndex,
    params: &ScoreParams,
    pool: &BufferPool,
    file: &str,
    first_line: u64,
) -> Result<ScoredBlock, BaselineError> {
    let threshold_words = show(params.threshold);
    let parts: Vec<(ScoredPart, ScoreTally)> = events
        .par_chunks(EVENTS_PER_TASK)
        .enumerate()
        .map_init(
            || (RecordBuilder::new(), String::new(), String::new()),
            |(builder, context, explanation), (task, chunk)| {
                let mut part = ScoredPart {
                    lines: pool.take(),
                    leaf_hashes: Vec::with_capacity(chunk.len()),
                };
                let mut tally = ScoreTally::default();
                for (i, event) in chunk.iter().enumerate() {
                    if !include(event) {
                        continue;
                    }
                    let line = first_line + (task * EVENTS_PER_TASK + i) as u64;
                    let score =
                        measure_event(event, index, params, context, explanation, &threshold_words, file, line)?;
                    tally.count(score.skip_reason, score.is_anomaly);
                    let hash = write_line(&score, builder, &mut part.lines)?;
                    part.lines.push(b'\n');
                    part.leaf_hashes.push(tlog::leaf_hash(&hash));
                }
                Ok((part, tally))
            },
        )
        .collect::<Result<_, BaselineError>>()?;
    let mut block = ScoredBlock::default();
    for (part, tally) in parts {
        block.tally.add(&tally);
        block.parts.push(part);
    }
    Ok(block)
}

/// Measures one event against the baseline of its bucket.
pub fn score_event(
    event: &StoredMetricEvent<'_>,
    index: &BaselineIndex,
    params: &ScoreParams,
    file: &str,
    line: u64,
) -> Result<ScoredEvent, BaselineError> {
    let (mut context, mut explanation) = (String::new(), String::new());
    let threshold_words = show(params.threshold);
    let score = measure_event(
        event,
        index,
        params,
        &mut context,
        &mut explanation,
        &threshold_words,
        file,
        line,
    )?;
    Ok(score.to_owned_record())
}

/// A score record before it is sealed, borrowing its strings from the
/// event, the index and the caller's buffers (the hot path allocates
/// nothing per event).
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreLine<'a> {
    /// The event's id.
    pub event_id: &'a str,
    /// The event's time.
    pub timestamp: &'a str,
    /// The event's entity.
    pub entity: &'a str,
    /// The event's metric.
    pub metric: &'a str,
    /// The event's value.
    pub value: f64,
    /// The context label.
    pub context: &'a str,
    /// Whether it was scored.
    pub status: ScoreStatus,
    /// Why not.
    pub skip_reason: Option<SkipReason>,
    /// The baseline measured against (or found insufficient).
    pub baseline_id: Option<&'a str>,
    /// Its version.
    pub baseline_version: Option<u64>,
    /// Its sample count.
    pub n: Option<u64>,
    /// Its confidence.
    pub confidence: Option<f64>,
    /// Its median.
    pub median: Option<f64>,
    /// `value − median`.
    pub deviation: Option<f64>,
    /// The divisor.
    pub scale: Option<f64>,
    /// Which spread the divisor is.
    pub scale_basis: Option<ScaleBasis>,
    /// The robust z score.
    pub score: Option<f64>,
    /// Where the value lies from the median.
    pub direction: Option<Direction>,
    /// The flag.
    pub is_anomaly: bool,
    /// The run's threshold.
    pub threshold: f64,
    /// The words.
    pub explanation: &'a str,
}

impl ScoreLine<'_> {
    /// The record with owned strings (its `id` left empty: sealing derives it).
    pub fn to_owned_record(&self) -> ScoredEvent {
        ScoredEvent {
            id: String::new(),
            event_id: self.event_id.to_owned(),
            timestamp: self.timestamp.to_owned(),
            entity: self.entity.to_owned(),
            metric: self.metric.to_owned(),
            value: self.value,
            context: self.context.to_owned(),
            status: self.status,
            skip_reason: self.skip_reason,
            baseline_id: self.baseline_id.map(str::to_owned),
            baseline_version: self.baseline_version,
            n: self.n,
            confidence: self.confidence,
            median: self.median,
            deviation: self.deviation,
            scale: self.scale,
            scale_basis: self.scale_basis,
            score: self.score,
            direction: self.direction,
            is_anomaly: self.is_anomaly,
            threshold: self.threshold,
            explanation: self.explanation.to_owned(),
        }
    }
}

/// Measures `event` and words the result into `explanation`, using
/// `context` as the buffer of its context label.
#[allow(clippy::too_many_arguments)]
fn measure_event<'a>(
    event: &'a StoredMetricEvent<'_>,
    index: &'a BaselineIndex,
    params: &ScoreParams,
    context: &'a mut String,
    explanation: &'a mut String,
    threshold_words: &str,
    file: &str,
    line: u64,
) -> Result<ScoreLine<'a>, BaselineError> {
    let bucket = params
        .context
        .context_of(&event.timestamp)
        .ok_or_else(|| BaselineError::BadTimestamp {
            file: file.to_owned(),
            line,
            found: event.timestamp.to_string(),
        })?;
    context.clear();
    let _ = write!(context, "{bucket}");
    let picked = index.get_with_words(&event.entity, &event.metric, bucket);
    let mut score = ScoreLine {
        event_id: &event.id,
        timestamp: &event.timestamp,
        entity: &event.entity,
        metric: &event.metric,
        value: event.value,
        context,
        status: ScoreStatus::Skipped,
        skip_reason: Some(SkipReason::NoBaseline),
        baseline_id: picked.map(|(baseline, _)| baseline.id.as_str()),
        baseline_version: picked.map(|(baseline, _)| baseline.version),
        n: picked.map(|(baseline, _)| baseline.n),
        confidence: picked.map(|(baseline, _)| baseline.confidence),
        median: None,
        deviation: None,
        scale: None,
        scale_basis: None,
        score: None,
        direction: None,
        is_anomaly: false,
        threshold: params.threshold,
        explanation: "",
    };
    if let Some((baseline, _)) = picked {
        measure(&mut score, baseline, params.threshold).map_err(|(median, scale)| BaselineError::ScoreOverflow {
            file: file.to_owned(),
            line,
            value: event.value,
            median,
            scale,
        })?;
    }
    explanation.clear();
    explain_score(
        explanation,
        &score,
        picked.map(|(_, words)| words),
        &params.selection,
        threshold_words,
    );
    score.explanation = explanation;
    Ok(score)
}

/// Fills in the measurement of `score` against `baseline`; on overflow,
/// the median and scale.
fn measure(score: &mut ScoreLine<'_>, baseline: &Baseline, threshold: f64) -> Result<(), (f64, f64)> {
    let Some(stats) = &baseline.stats else {
        score.skip_reason = Some(SkipReason::InsufficientHistory);
        return Ok(());
    };
    score.status = ScoreStatus::Scored;
    score.skip_reason = None;
    score.median = Some(stats.median);
    let deviation = score.value - stats.median;
    score.deviation = Some(deviation);
    score.direction = Some(if deviation > 0.0 {
        Direction::Above
    } else if deviation < 0.0 {
        Direction::Below
    } else {
        Direction::AtMedian
    });
    let (basis, scale) = scale_of(baseline).expect("a baseline with statistics has a scale basis");
    score.scale_basis = Some(basis);
    score.scale = scale;
    match scale {
        Some(scale) => {
            let z = deviation / scale;
            if !z.is_finite() {
                return Err((stats.median, scale));
            }
            score.score = Some(z);
            score.is_anomaly = z.abs() > threshold;
        }
        None if deviation == 0.0 => score.score = Some(0.0),
        None => score.is_anomaly = true,
    }
    if !deviation.is_finite() {
        return Err((stats.median, scale.unwrap_or(0.0)));
    }
    Ok(())
}

/// The spread scores against `baseline` are measured in, and its size
/// (none for a constant baseline); `None` without statistics.
pub fn scale_of(baseline: &Baseline) -> Option<(ScaleBasis, Option<f64>)> {
    let stats = baseline.stats.as_ref()?;
    Some(if stats.scaled_mad > 0.0 {
        (ScaleBasis::ScaledMad, Some(stats.scaled_mad))
    } else if stats.mean_abs_dev > 0.0 {
        (ScaleBasis::MeanAbsDev, Some(stats.mean_abs_dev * MEAN_ABS_DEV_TO_SIGMA))
    } else {
        (ScaleBasis::Constant, None)
    })
}

/// Appends the stored line of `score` to `out` (its `id` derived from its
/// content); returns its hash.
pub fn write_line(
    score: &ScoreLine<'_>,
    builder: &mut RecordBuilder,
    out: &mut Vec<u8>,
) -> Result<[u8; 32], BaselineError> {
    let canonical = |e| BaselineError::Record(model::record::RecordError::Canonical(e));
    builder.reset();
    if let Some(id) = score.baseline_id {
        builder.string("baseline_id", id);
    }
    if let Some(version) = score.baseline_version {
        builder.unsigned("baseline_version", version).map_err(canonical)?;
    }
    if let Some(confidence) = score.confidence {
        builder.number("confidence", confidence).map_err(canonical)?;
    }
    builder.string("context", score.context);
    if let Some(deviation) = score.deviation {
        builder.number("deviation", deviation).map_err(canonical)?;
    }
    if let Some(direction) = score.direction {
        builder.string("direction", direction.as_str());
    }
    builder.string("entity", score.entity);
    builder.string("event_id", score.event_id);
    builder.string("explanation", score.explanation);
    builder.boolean("is_anomaly", score.is_anomaly);
    if let Some(median) = score.median {
        builder.number("median", median).map_err(canonical)?;
    }
    builder.string("metric", score.metric);
    if let Some(n) = score.n {
        builder.unsigned("n", n).map_err(canonical)?;
    }
    if let Some(scale) = score.scale {
        builder.number("scale", scale).map_err(canonical)?;
    }
    if let Some(basis) = score.scale_basis {
        builder.string("scale_basis", basis.as_str());
    }
    if let Some(value) = score.score {
        builder.number("score", value).map_err(canonical)?;
    }
    if let Some(reason) = score.skip_reason {
        builder.string("skip_reason", reason.as_str());
    }
    builder.string("status", score.status.as_str());
    builder.number("threshold", score.threshold).map_err(canonical)?;
    builder.string("timestamp", score.timestamp);
    builder.number("value", score.value).map_err(canonical)?;
    Ok(builder.seal(Some(SCORE_ID_KIND), out).hash)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::TrainedBaseline;
    use crate::train::{TrainParams, Trainer, VersionBook};
    use std::borrow::Cow::Borrowed;

    /// Four buckets, one per way a score can end: spread around 10
    /// (scaled MAD), mostly 0 (mean absolute deviation), all 5 (constant),
    /// and too few samples; plus an event with no bucket at all.
    #[test]
    fn written_lines_are_the_canonical_records_of_their_scores() {
        let times: Vec<String> = (5..17).map(|d| format!("2026-01-{d:02}T09:00:00.000Z")).collect();
        let mut events = Vec::new();
        for (i, time) in times.iter().enumerate() {
            let spread = 10.0 + (i % 4) as f64;
            let mostly = if i % 5 == 0 { 3.0 } else { 0.0 };
            for (entity, value) in [("spread", spread), ("mostly", mostly), ("flat", 5.0)] {
                events.push(StoredMetricEvent {
                    id: Borrowed("e"),
                    timestamp: Borrowed(time),
                    entity: Borrowed(entity),
                    metric: Borrowed("m"),
                    value,
                });
            }
        }
        events.push(StoredMetricEvent {
            id: Borrowed("e"),
            timestamp: Borrowed(&times[0]),
            entity: Borrowed("few"),
            metric: Borrowed("m"),
            value: 1.0,
        });
        let mut trainer = Trainer::new(TrainParams::default(), "f", vec![100]);
        trainer.push_block(1, &events).unwrap();
        let trained = trainer.finish(&VersionBook::default()).unwrap();
        let stored = trained.baselines.into_iter().map(|baseline| TrainedBaseline {
            baseline,
            trained_at: String::new(),
        });
        let index = BaselineIndex::new(stored, &BaselineSelection::Latest);
        let params = ScoreParams {
            threshold: 3.5,
            context: ContextKind::HourOfDay,
            selection: BaselineSelection::Latest,
        };
        let probe = |entity: &'static str, value: f64| StoredMetricEvent {
            id: Borrowed("00000000-0000-4000-8000-000000000001"),
            timestamp: Borrowed("2026-01-20T09:30:00.000Z"),
            entity: Borrowed(entity),
            metric: Borrowed("m"),
            value,
        };
        let mut bases = Vec::new();
        for event in [
            probe("spread", 30.0),
            probe("mostly", 7.0),
            probe("flat", 6.0),
            probe("flat", 5.0),
            probe("few", 1.0),
            probe("nobody", 1.0),
        ] {
            let (mut context, mut explanation) = (String::new(), String::new());
            let line = measure_event(&event, &index, &params, &mut context, &mut explanation, "3.5", "f", 1).unwrap();
            let mut written = Vec::new();
            let hash = write_line(&line, &mut RecordBuilder::new(), &mut written).unwrap();
            let (id, expected) = model::record::seal_with_content_id(&line.to_owned_record(), SCORE_ID_KIND).unwrap();
            assert_eq!(String::from_utf8(written).unwrap(), expected.line);
            assert_eq!(hash, expected.hash);
            assert!(expected.line.contains(&id));
            bases.push((
                line.scale_basis.map(ScaleBasis::as_str),
                line.skip_reason.map(SkipReason::as_str),
            ));
        }
        assert_eq!(
            bases,
            vec![
                (Some("scaled_mad"), None),
                (Some("mean_abs_dev"), None),
                (Some("constant"), None),
                (Some("constant"), None),
                (None, Some("insufficient_history")),
                (None, Some("no_baseline")),
            ]
        );
    }
}
