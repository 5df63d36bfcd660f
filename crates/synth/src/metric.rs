//! Metric samples with seasonality and labelled incidents (seed 000): the input of median/MAD baselines.
//!
//! One series per (entity, metric). Each series has its own level (log-normal
//! around the metric's typical value), a diurnal cycle that peaks in business
//! hours (UTC), lower weekends, multiplicative noise, and the metric's own
//! rounding: percentages to 2 decimals and at most 100, counts (`requests`,
//! `errors`) as Poisson integers that scale with the sampling interval, other
//! metrics to 3 decimals. Values are never negative.
//!
//! At each sample, a series that is not in an incident starts one with
//! probability `incident_rate`; its kind is uniform among:
//!
//! | kind          | samples | value ×     |
//! |---------------|---------|-------------|
//! | `spike`       | 1–3     | 3 to 8      |
//! | `drop`        | 1–3     | 0 to 0.2    |
//! | `level_shift` | 6–24    | 1.8 to 3    |
//!
//! and every sample carries `label`: `normal` or the kind of the incident it
//! is part of. Rows come in time order; within a time step, entity by entity
//! (`host-001`, `host-002`, …) and, for each, the metrics in config order:
//!
//! ```text
//! {"timestamp":"2026-01-05T09:00:00Z","entity":"host-001","metric":"cpu_pct","value":48.21,"label":"normal"}
//! ```
//!
//! Streams of the key `metric`: 0 draws the series' levels, 1 the samples.

use crate::config::{self, Alignment};
use crate::dist::SeededRng;
use crate::output::{RowWriter, numbered, time_text};
use crate::{OutputFormat, SynthError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricConfig {
    /// Seed of the random draws (recorded as a decimal string).
    #[serde(serialize_with = "config::decimal")]
    pub seed: u64,
    /// Time of the first sample; a whole second. Default 2026-01-05T00:00:00Z (a Monday).
    #[serde(serialize_with = "config::rfc3339")]
    pub start: DateTime<Utc>,
    /// Number of entities, named `host-001`, `host-002`, …; default 20.
    pub entities: u64,
    /// Metric names; default `cpu_pct`, `mem_pct`, `requests`, `errors`, `latency_ms`.
    /// Other names get a generic shape (typical value 100, 3 decimals).
    pub metrics: Vec<String>,
    /// Days of samples (ignored when `limit` is set); default 14.
    pub days: u64,
    /// Minutes between samples, 1 to 1440; default 60.
    pub interval_minutes: u64,
    /// Probability that a series not in an incident starts one at a sample; default 0.002.
    pub incident_rate: f64,
    /// When set, exactly this many events are written, however many days
    /// that takes, and `days` is ignored (for 1M/10M-event benchmarks).
    #[serde(serialize_with = "config::optional_decimal")]
    pub limit: Option<u64>,
}

impl Default for MetricConfig {
    fn default() -> Self {
        MetricConfig {
            seed: 1,
            start: config::default_start(),
            entities: 20,
            metrics: ["cpu_pct", "mem_pct", "requests", "errors", "latency_ms"]
                .map(str::to_owned)
                .to_vec(),
            days: 14,
            interval_minutes: 60,
            incident_rate: 0.002,
            limit: None,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetricSummary {
    /// Rows written.
    pub events: u64,
    /// Number of (entity, metric) series.
    pub series: u64,
    /// Distinct timestamps written.
    pub time_steps: u64,
    /// The first and last timestamps written (absent when nothing was).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_timestamp: Option<String>,
    /// See `first_timestamp`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_timestamp: Option<String>,
    /// Rows per label: `normal`, `spike`, `drop`, `level_shift`.
    pub labels: BTreeMap<String, u64>,
    /// Incidents started, per kind.
    pub incidents: BTreeMap<String, u64>,
}

/// Writes the samples of `config` to `out` in `format`.
pub fn generate(config: &MetricConfig, format: OutputFormat, out: &mut dyn Write) -> Result<MetricSummary, SynthError> {
    let plan = Plan::new(config)?;
    let mut levels = SeededRng::new("metric", config.seed, 0);
    let mut rng = SeededRng::new("metric", config.seed, 1);

    let entity_names: Vec<String> = (1..=config.entities)
        .map(|n| numbered("host-", n, config.entities, 3))
        .collect();
    let shapes: Vec<Shape> = config.metrics.iter().map(|name| Shape::of(name)).collect();
    let mut series: Vec<Series> = Vec::with_capacity(plan.n_series as usize);
    for _ in 0..config.entities {
        for shape in &shapes {
            let level = shape.typical * levels.log_normal(0.0, 0.4);
            let level = if shape.rounding == Rounding::Percent {
                level.min(90.0)
            } else {
                level
            };
            series.push(Series { level, incident: None });
        }
    }

    let count_scale = config.interval_minutes as f64 / 60.0;
    let mut writer = RowWriter::new(format, out);
    let mut summary = MetricSummary {
        events: 0,
        series: plan.n_series,
        time_steps: 0,
        first_timestamp: None,
        last_timestamp: None,
        labels: IncidentKind::ALL
            .iter()
            .map(|kind| (kind.name().to_owned(), 0))
            .chain([("normal".to_owned(), 0)])
            .collect(),
        incidents: IncidentKind::ALL
            .iter()
            .map(|kind| (kind.name().to_owned(), 0))
            .collect(),
    };

    'steps: for step in 0..plan.n_steps {
        let time = plan.start + (step * config.interval_minutes * 60) as i64;
        let timestamp = time_text(time);
        let hour = time.rem_euclid(86_400) / 3600;
        // 1970-01-01 was a Thursday: day 0 is weekday 3 when Monday is 0.
        let weekend = (time.div_euclid(86_400) + 3).rem_euclid(7) >= 5;
        for (entity_index, entity) in entity_names.iter().enumerate() {
            for (metric_index, shape) in shapes.iter().enumerate() {
                if summary.events == plan.n_events {
                    break 'steps;
                }
                let state = &mut series[entity_index * shapes.len() + metric_index];
                if state.incident.is_none() && rng.bernoulli(config.incident_rate) {
                    let incident = Incident::start(&mut rng);
                    *summary.incidents.entry(incident.kind.name().to_owned()).or_default() += 1;
                    state.incident = Some(incident);
                }
                let (label, incident_factor) = match &mut state.incident {
                    Some(incident) => {
                        let current = (incident.kind.name(), incident.factor);
                        incident.remaining -= 1;
                        if incident.remaining == 0 {
                            state.incident = None;
                        }
                        current
                    }
                    None => ("normal", 1.0),
                };
                let seasonal = 1.0 + shape.diurnal * (DIURNAL[hour as usize] - 1.0);
                let weekly = if weekend { shape.weekend } else { 1.0 };
                let mean = state.level * seasonal * weekly * incident_factor * rng.log_normal(0.0, shape.noise);
                let value = match shape.rounding {
                    Rounding::Percent => ((mean * 100.0).round() / 100.0).min(100.0),
                    Rounding::Count => rng.poisson(mean * count_scale) as f64,
                    Rounding::Thousandths => (mean * 1000.0).round() / 1000.0,
                };
                writer.write(&MetricRow {
                    timestamp: &timestamp,
                    entity,
                    metric: &config.metrics[metric_index],
                    value,
                    label,
                })?;
                summary.events += 1;
                *summary.labels.entry(label.to_owned()).or_default() += 1;
                if summary.last_timestamp.as_deref() != Some(timestamp.as_str()) {
                    summary.time_steps += 1;
                    summary.first_timestamp.get_or_insert_with(|| timestamp.clone());
                    summary.last_timestamp = Some(timestamp.clone());
                }
            }
        }
    }
    writer.finish()?;
    Ok(summary)
}

/// The fields of the `metric` input format, plus `label`, in order.
#[derive(Serialize)]
struct MetricRow<'a> {
    timestamp: &'a str,
    entity: &'a str,
    metric: &'a str,
    value: f64,
    label: &'a str,
}

/// The checked config, in the numbers the loop needs.
struct Plan {
    start: i64,
    n_series: u64,
    n_steps: u64,
    n_events: u64,
}

impl Plan {
    fn new(config: &MetricConfig) -> Result<Plan, SynthError> {
        config::check_at_least("entities", config.entities, 1)?;
        if config.metrics.is_empty() {
            return Err(SynthError::invalid("metrics", "at least one metric name", "none"));
        }
        for (index, name) in config.metrics.iter().enumerate() {
            if name.is_empty() || config.metrics[..index].contains(name) {
                return Err(SynthError::invalid(
                    "metrics",
                    "distinct, non-empty names",
                    format!("{name:?}"),
                ));
            }
        }
        if !(1..=1440).contains(&config.interval_minutes) {
            return Err(SynthError::invalid(
                "interval_minutes",
                "1 to 1440 minutes",
                config.interval_minutes,
            ));
        }
        config::check_probability("incident_rate", config.incident_rate)?;
        let n_series = config
            .entities
            .checked_mul(config.metrics.len() as u64)
            .ok_or_else(|| SynthError::invalid("entities", "fewer entities", config.entities))?;
        let interval_seconds = config.interval_minutes * 60;
        let (n_steps, n_events) = match config.limit {
            Some(limit) => (limit.div_ceil(n_series), limit),
            None => {
                config::check_at_least("days", config.days, 1)?;
                let span = config
                    .days
                    .checked_mul(86_400)
                    .ok_or_else(|| SynthError::invalid("days", "fewer days", config.days))?;
                let n_steps = span.div_ceil(interval_seconds);
                let n_events = n_steps
                    .checked_mul(n_series)
                    .ok_or_else(|| SynthError::invalid("days", "fewer days", config.days))?;
                (n_steps, n_events)
            }
        };
        let span = n_steps.saturating_mul(interval_seconds);
        let start = config::check_start(&config.start, Alignment::Second, span)?;
        Ok(Plan {
            start,
            n_series,
            n_steps,
            n_events,
        })
    }
}

/// Relative activity by hour of day (UTC): quiet nights, a business-hours plateau.
const DIURNAL: [f64; 24] = [
    0.35, 0.30, 0.28, 0.28, 0.30, 0.40, 0.60, 0.85, 1.20, 1.50, 1.60, 1.60, //
    1.50, 1.55, 1.60, 1.55, 1.45, 1.25, 1.00, 0.85, 0.70, 0.60, 0.50, 0.40,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rounding {
    /// 2 decimals, at most 100.
    Percent,
    /// A Poisson count around the value.
    Count,
    /// 3 decimals.
    Thousandths,
}

/// How a metric behaves.
struct Shape {
    /// Typical level (per hour, for counts).
    typical: f64,
    /// Strength of the diurnal cycle, 0 (flat) to 1.
    diurnal: f64,
    /// Weekend level as a fraction of weekdays'.
    weekend: f64,
    /// σ of the multiplicative log-normal noise.
    noise: f64,
    rounding: Rounding,
}

impl Shape {
    fn of(metric: &str) -> Shape {
        let shape = |typical, diurnal, weekend, noise, rounding| Shape {
            typical,
            diurnal,
            weekend,
            noise,
            rounding,
        };
        match metric {
            "cpu_pct" => shape(35.0, 0.6, 0.6, 0.10, Rounding::Percent),
            "mem_pct" => shape(55.0, 0.15, 0.9, 0.05, Rounding::Percent),
            "requests" => shape(400.0, 0.8, 0.4, 0.10, Rounding::Count),
            "errors" => shape(4.0, 0.5, 0.5, 0.20, Rounding::Count),
            "latency_ms" => shape(120.0, 0.25, 0.9, 0.15, Rounding::Thousandths),
            _ => shape(100.0, 0.3, 0.8, 0.10, Rounding::Thousandths),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IncidentKind {
    Spike,
    Drop,
    LevelShift,
}

impl IncidentKind {
    const ALL: [IncidentKind; 3] = [IncidentKind::Spike, IncidentKind::Drop, IncidentKind::LevelShift];

    fn name(self) -> &'static str {
        match self {
            IncidentKind::Spike => "spike",
            IncidentKind::Drop => "drop",
            IncidentKind::LevelShift => "level_shift",
        }
    }
}

struct Incident {
    kind: IncidentKind,
    /// Samples left, including the current one.
    remaining: u64,
    factor: f64,
}

impl Incident {
    fn start(rng: &mut SeededRng) -> Incident {
        let kind = rng.pick(&IncidentKind::ALL);
        let (remaining, factor) = match kind {
            IncidentKind::Spike => (rng.between(1, 3), rng.uniform_between(3.0, 8.0)),
            IncidentKind::Drop => (rng.between(1, 3), rng.uniform_between(0.0, 0.2)),
            IncidentKind::LevelShift => (rng.between(6, 24), rng.uniform_between(1.8, 3.0)),
        };
        Incident {
            kind,
            remaining,
            factor,
        }
    }
}

struct Series {
    level: f64,
    incident: Option<Incident>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode;

    const FIELDS: [&str; 5] = ["timestamp", "entity", "metric", "value", "label"];

    fn small() -> MetricConfig {
        MetricConfig {
            entities: 4,
            days: 3,
            incident_rate: 0.02,
            ..MetricConfig::default()
        }
    }

    fn run(config: &MetricConfig, format: OutputFormat) -> (Vec<u8>, MetricSummary) {
        let mut out = Vec::new();
        let summary = generate(config, format, &mut out).unwrap();
        (out, summary)
    }

    #[test]
    fn same_config_same_bytes_other_seed_other_bytes() {
        for format in [OutputFormat::Jsonl, OutputFormat::Csv] {
            let (first, _) = run(&small(), format);
            let (again, _) = run(&small(), format);
            assert_eq!(first, again);
            let other = MetricConfig { seed: 2, ..small() };
            assert_ne!(first, run(&other, format).0);
        }
    }

    #[test]
    fn csv_and_jsonl_carry_the_same_rows() {
        let (jsonl, _) = run(&small(), OutputFormat::Jsonl);
        let (csv, _) = run(&small(), OutputFormat::Csv);
        decode::assert_same_rows(&jsonl, &csv, &FIELDS);
    }

    #[test]
    fn rows_match_the_summary_and_the_format() {
        let config = small();
        let (jsonl, summary) = run(&config, OutputFormat::Jsonl);
        let rows = decode::jsonl(&jsonl);
        assert_eq!(rows.len() as u64, summary.events);
        assert_eq!(summary.events, 4 * 5 * 3 * 24);
        assert_eq!(summary.time_steps, 3 * 24);
        assert_eq!(summary.first_timestamp.as_deref(), Some("2026-01-05T00:00:00Z"));
        assert_eq!(summary.last_timestamp.as_deref(), Some("2026-01-07T23:00:00Z"));
        let mut labels: BTreeMap<String, u64> = BTreeMap::new();
        let mut previous = String::new();
        for row in &rows {
            assert_eq!(row.keys(), FIELDS);
            let value = row.f64("value");
            assert!(value.is_finite() && value >= 0.0, "{value}");
            let timestamp = row.str("timestamp");
            assert!(timestamp >= previous.as_str(), "{timestamp} after {previous}");
            assert_eq!(timestamp.len(), "2026-01-05T07:13:42Z".len());
            previous = timestamp.to_owned();
            if row.str("metric").ends_with("_pct") {
                assert!(value <= 100.0);
            }
            if ["requests", "errors"].contains(&row.str("metric")) {
                assert_eq!(value.fract(), 0.0);
            }
            *labels.entry(row.str("label").to_owned()).or_default() += 1;
        }
        assert!(labels.keys().all(|label| summary.labels.contains_key(label)));
        for (label, count) in &summary.labels {
            assert_eq!(labels.get(label).copied().unwrap_or(0), *count, "{label}");
        }
        // 0.02 per sample over 1440 series-samples: incidents of every kind.
        assert!(summary.incidents.values().all(|n| *n > 0), "{:?}", summary.incidents);
        // Series are in (entity, metric) order within a time step.
        let first_step: Vec<(&str, &str)> = rows[..20].iter().map(|r| (r.str("entity"), r.str("metric"))).collect();
        assert_eq!(first_step[0], ("host-001", "cpu_pct"));
        assert_eq!(first_step[5], ("host-002", "cpu_pct"));
        assert_eq!(first_step[19], ("host-004", "latency_ms"));
    }

    #[test]
    fn incidents_move_values_the_way_their_kind_says() {
        let config = MetricConfig {
            entities: 10,
            metrics: vec!["latency_ms".to_owned()],
            days: 14,
            incident_rate: 0.01,
            ..MetricConfig::default()
        };
        let (jsonl, _) = run(&config, OutputFormat::Jsonl);
        let rows = decode::jsonl(&jsonl);
        // Compare each labelled sample with the same entity's normal samples at the same hour.
        let mut normal: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
        for row in rows.iter().filter(|r| r.str("label") == "normal") {
            let key = (row.str("entity").to_owned(), row.str("timestamp")[11..13].to_owned());
            normal.entry(key).or_default().push(row.f64("value"));
        }
        let median = |values: &Vec<f64>| {
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            sorted[sorted.len() / 2]
        };
        let mut checked = 0;
        for row in rows.iter().filter(|r| r.str("label") != "normal") {
            let key = (row.str("entity").to_owned(), row.str("timestamp")[11..13].to_owned());
            let typical = median(&normal[&key]);
            let ratio = row.f64("value") / typical;
            match row.str("label") {
                "spike" => assert!(ratio > 1.5, "spike ratio {ratio}"),
                "drop" => assert!(ratio < 0.4, "drop ratio {ratio}"),
                "level_shift" => assert!(ratio > 1.1, "level shift ratio {ratio}"),
                other => panic!("unknown label {other}"),
            }
            checked += 1;
        }
        assert!(checked > 20);
    }

    #[test]
    fn weekends_and_nights_are_quieter() {
        let config = MetricConfig {
            entities: 5,
            metrics: vec!["requests".to_owned()],
            days: 7,
            incident_rate: 0.0,
            ..MetricConfig::default()
        };
        let (jsonl, summary) = run(&config, OutputFormat::Jsonl);
        assert_eq!(summary.labels["normal"], summary.events);
        let rows = decode::jsonl(&jsonl);
        let total = |keep: &dyn Fn(&str) -> bool| -> f64 {
            rows.iter()
                .filter(|r| keep(r.str("timestamp")))
                .map(|r| r.f64("value"))
                .sum()
        };
        // 2026-01-05 is a Monday; the 10th and 11th are the weekend.
        let weekdays = total(&|t| t < "2026-01-10") / 5.0;
        let weekend = total(&|t| t >= "2026-01-10") / 2.0;
        assert!(weekend < 0.6 * weekdays, "{weekend} vs {weekdays}");
        let business = total(&|t| ("10".."16").contains(&&t[11..13]));
        let night = total(&|t| ("01".."07").contains(&&t[11..13]));
        assert!(night < 0.5 * business, "{night} vs {business}");
    }

    #[test]
    fn limit_gives_exactly_that_many_events() {
        for limit in [0, 1, 7, 101, 2500] {
            let config = MetricConfig {
                entities: 3,
                days: 1,
                limit: Some(limit),
                ..MetricConfig::default()
            };
            let (jsonl, summary) = run(&config, OutputFormat::Jsonl);
            assert_eq!(summary.events, limit);
            assert_eq!(decode::jsonl(&jsonl).len() as u64, limit);
        }
    }

    /// Counts bytes and drops them, as a stand-in for a large file.
    struct CountingWriter {
        bytes: u64,
        lines: u64,
    }

    impl Write for CountingWriter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.bytes += buf.len() as u64;
            self.lines += buf.iter().filter(|b| **b == b'\n').count() as u64;
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_million_events_stream_through_any_writer() {
        let config = MetricConfig {
            limit: Some(1_000_000),
            ..MetricConfig::default()
        };
        let mut sink = CountingWriter { bytes: 0, lines: 0 };
        let summary = generate(&config, OutputFormat::Jsonl, &mut sink).unwrap();
        assert_eq!(summary.events, 1_000_000);
        assert_eq!(sink.lines, 1_000_000);
        assert!(sink.bytes > 80 * 1_000_000);
        // 1M events over 100 series: 10,000 hourly steps.
        assert_eq!(summary.time_steps, 10_000);
    }

    #[test]
    fn refused_configs_say_which_field() {
        let check = |config: MetricConfig, expect: &str| {
            let mut out = Vec::new();
            let error = generate(&config, OutputFormat::Jsonl, &mut out).unwrap_err();
            assert_eq!(error.to_string(), expect);
            assert!(out.is_empty());
        };
        check(
            MetricConfig { entities: 0, ..small() },
            "invalid config: field `entities`: expected at least 1, found 0",
        );
        check(
            MetricConfig {
                incident_rate: -0.5,
                ..small()
            },
            "invalid config: field `incident_rate`: expected a probability from 0 to 1, found -0.5",
        );
        check(
            MetricConfig {
                metrics: vec![],
                ..small()
            },
            "invalid config: field `metrics`: expected at least one metric name, found none",
        );
        check(
            MetricConfig {
                metrics: vec!["a".into(), "a".into()],
                ..small()
            },
            "invalid config: field `metrics`: expected distinct, non-empty names, found \"a\"",
        );
        check(
            MetricConfig {
                interval_minutes: 0,
                ..small()
            },
            "invalid config: field `interval_minutes`: expected 1 to 1440 minutes, found 0",
        );
        check(
            MetricConfig { days: 0, ..small() },
            "invalid config: field `days`: expected at least 1, found 0",
        );
        check(
            MetricConfig {
                limit: Some(u64::MAX),
                ..small()
            },
            "invalid config: field `start`: expected a start whose generated span stays within years 0000 to 9999, found 2026-01-05T00:00:00Z",
        );
    }

    #[test]
    fn config_records_as_json() {
        let json = serde_json::to_string(&MetricConfig::default()).unwrap();
        assert_eq!(
            json,
            r#"{"seed":"1","start":"2026-01-05T00:00:00Z","entities":20,"metrics":["cpu_pct","mem_pct","requests","errors","latency_ms"],"days":14,"interval_minutes":60,"incident_rate":0.002,"limit":null}"#
        );
    }
}
