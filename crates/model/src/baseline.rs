//! Baselines and the scores measured against them (seed 000): the records of
//! `baselines.jsonl` and `scores.jsonl`.
//!
//! A baseline describes one bucket, a (entity, metric, context) key, as it
//! stood over one training window; retraining the same key appends a new
//! `version`, never edits an old one. A bucket with fewer samples than the
//! run's `min_samples` is recorded as `insufficient_history`, with its `n`
//! and no statistics.
//!
//! ```text
//! {"confidence":0.318,"confidence_level":"low","context":"hour=09","entity":"host-001","first_event":"2026-01-05T09:00:00.000Z","hash":"<64 hex>","id":"<uuid>","last_event":"2026-01-18T09:00:00.000Z","metric":"cpu_pct","min_samples":10,"n":14,"stats":{"mad":3.1,"max":61.2,"mean_abs_dev":3.9,"median":48.2,"min":39.9,"p05":40.3,"p25":45.1,"p75":52,"p95":59.8,"scaled_mad":4.59606},"status":"ready","version":1,"window":{}}
//! ```
//!
//! A score is one event measured against the baseline of its bucket, in
//! robust z units `(value − median) / scale`, or the reason it was skipped:
//!
//! ```text
//! {"baseline_id":"<uuid>","baseline_version":1,"confidence":0.318,"context":"hour=09","deviation":13.8,"direction":"above","entity":"host-001","event_id":"<uuid>","explanation":"…","hash":"<64 hex>","id":"<uuid>","is_anomaly":true,"median":48.2,"metric":"cpu_pct","n":14,"scale":4.59606,"scale_basis":"scaled_mad","score":3.00257,"status":"scored","threshold":3.5,"timestamp":"2026-01-19T09:00:00.000Z","value":62}
//! ```
//!
//! Context labels: `all` (no time context), `hour=HH` (hour of day, UTC) or
//! `hour=HH,weekday` / `hour=HH,weekend` (Saturday and Sunday, UTC).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The artifact-id kind of a baseline ([`crate::id::artifact_id`]).
pub const BASELINE_ID_KIND: &str = "baseline";
/// The artifact-id kind of a score.
pub const SCORE_ID_KIND: &str = "score";

/// One versioned baseline of one (entity, metric, context) bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Deterministic UUIDv5 of the record's content.
    #[schemars(regex(pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"))]
    pub id: String,
    /// The entity measured.
    pub entity: String,
    /// The metric's name.
    pub metric: String,
    /// The time context: `all`, `hour=HH`, `hour=HH,weekday` or `hour=HH,weekend`.
    #[schemars(regex(pattern = r"^(all|hour=([01][0-9]|2[0-3])(,weekday|,weekend)?)$"))]
    pub context: String,
    /// 1 for the first baseline of this bucket, then one more per retraining.
    #[schemars(range(min = 1))]
    pub version: u64,
    /// Whether the bucket had enough samples to describe.
    pub status: BaselineStatus,
    /// Samples in the bucket.
    pub n: u64,
    /// The training run's minimum number of samples for a usable baseline.
    pub min_samples: u64,
    /// Confidence from sample size alone: `n / (n + confidence_half_n)`.
    pub confidence: f64,
    /// The confidence as a word: below 0.5 `low`, below 0.8 `medium`, else `high`.
    pub confidence_level: ConfidenceLevel,
    /// The training window that was asked for.
    pub window: TrainingWindow,
    /// The bucket's earliest sample time.
    pub first_event: String,
    /// The bucket's latest sample time.
    pub last_event: String,
    /// The bucket's statistics; absent when its history is insufficient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<BaselineStats>,
}

/// Whether a baseline can be scored against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BaselineStatus {
    /// At least `min_samples` samples: statistics recorded.
    Ready,
    /// Fewer than `min_samples` samples: only `n` recorded.
    InsufficientHistory,
}

impl BaselineStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            BaselineStatus::Ready => "ready",
            BaselineStatus::InsufficientHistory => "insufficient_history",
        }
    }
}

/// Confidence in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConfidenceLevel {
    /// Confidence below 0.5.
    Low,
    /// Confidence from 0.5 to below 0.8.
    Medium,
    /// Confidence 0.8 or more.
    High,
}

impl ConfidenceLevel {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConfidenceLevel::Low => "low",
            ConfidenceLevel::Medium => "medium",
            ConfidenceLevel::High => "high",
        }
    }
}

/// The half-open training window `[from, to)` a run was asked for; an
/// absent end is open.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainingWindow {
    /// Samples at or after this time, RFC 3339 UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Samples before this time, RFC 3339 UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// The robust statistics of one bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BaselineStats {
    /// The median; for an even count, the midpoint of the two middle samples.
    pub median: f64,
    /// The median absolute deviation from the median.
    pub mad: f64,
    /// `mad × 1.4826`, the MAD scaled to estimate a normal standard deviation.
    pub scaled_mad: f64,
    /// The mean absolute deviation from the median, the scale used when `mad` is 0.
    pub mean_abs_dev: f64,
    /// The smallest sample.
    pub min: f64,
    /// The largest sample.
    pub max: f64,
    /// 5th percentile (linear interpolation between order statistics).
    pub p05: f64,
    /// 25th percentile.
    pub p25: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// One event measured against its baseline, or the reason it was not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoredEvent {
    /// Deterministic UUIDv5 of the record's content.
    #[schemars(regex(pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"))]
    pub id: String,
    /// The scored event's id.
    pub event_id: String,
    /// The event's time.
    pub timestamp: String,
    /// The event's entity.
    pub entity: String,
    /// The event's metric.
    pub metric: String,
    /// The event's value.
    pub value: f64,
    /// The event's time context (the bucket looked up).
    pub context: String,
    /// Whether the event was scored.
    pub status: ScoreStatus,
    /// Why the event was not scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_reason: Option<SkipReason>,
    /// The baseline used (or found insufficient).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_id: Option<String>,
    /// Its version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_version: Option<u64>,
    /// Its sample count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<u64>,
    /// Its confidence from sample size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// Its median.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median: Option<f64>,
    /// `value − median`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deviation: Option<f64>,
    /// The divisor of the score; absent for a constant baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    /// Which spread the scale is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_basis: Option<ScaleBasis>,
    /// `deviation / scale`, signed; absent when skipped or the baseline is constant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Where the value lies from the median.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// `|score| > threshold`, or any departure from a constant baseline.
    pub is_anomaly: bool,
    /// The run's anomaly threshold, in robust z units.
    pub threshold: f64,
    /// The score in words, tying the value to its baseline.
    pub explanation: String,
}

/// Whether an event was scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScoreStatus {
    /// Measured against a baseline.
    Scored,
    /// Not measured; `skip_reason` says why.
    Skipped,
}

impl ScoreStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ScoreStatus::Scored => "scored",
            ScoreStatus::Skipped => "skipped",
        }
    }
}

/// Why an event was not scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// No baseline of the event's bucket (at the version or time asked for).
    NoBaseline,
    /// The bucket's baseline had fewer samples than its `min_samples`.
    InsufficientHistory,
}

impl SkipReason {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::NoBaseline => "no_baseline",
            SkipReason::InsufficientHistory => "insufficient_history",
        }
    }
}

/// Which spread a score is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScaleBasis {
    /// `mad × 1.4826`.
    ScaledMad,
    /// `mean_abs_dev × 1.2533`, used when the MAD is 0 (more than half the
    /// samples equal the median) but the samples are not all equal.
    MeanAbsDev,
    /// Every sample equal: no spread to measure in, so no score; any other
    /// value is an anomaly.
    Constant,
}

impl ScaleBasis {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ScaleBasis::ScaledMad => "scaled_mad",
            ScaleBasis::MeanAbsDev => "mean_abs_dev",
            ScaleBasis::Constant => "constant",
        }
    }
}

/// Where a value lies from its baseline's median.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Above the median.
    Above,
    /// Below the median.
    Below,
    /// Equal to the median.
    AtMedian,
}

impl Direction {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Above => "above",
            Direction::Below => "below",
            Direction::AtMedian => "at_median",
        }
    }
}
