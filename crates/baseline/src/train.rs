//! Training: stored metric events grouped into (entity, metric, context)
//! buckets, each described by its robust statistics and sealed as a new
//! version of its key.

use crate::confidence::confidence;
use crate::context::{Context, ContextKind};
use crate::error::BaselineError;
use crate::events::TimeWindow;
use crate::seal::seal_baseline;
use crate::stats::describe;
use model::baseline::{Baseline, BaselineStatus, TrainingWindow};
use model::event::StoredMetricEvent;
use model::record::SealedRecord;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// The parameters of a training run, all recorded in its ledger entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainParams {
    /// How samples are split in time.
    pub context: ContextKind,
    /// Fewer samples than this make a bucket `insufficient_history`.
    pub min_samples: u64,
    /// The sample count at which confidence is one half.
    pub confidence_half_n: u64,
    /// The samples trained on.
    pub window: TimeWindow,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            context: ContextKind::HourOfDay,
            min_samples: 10,
            confidence_half_n: crate::confidence::DEFAULT_HALF_N,
            window: TimeWindow::default(),
        }
    }
}

/// The latest version of every key already trained, read from the stored
/// baselines, so that a new run numbers its versions on from them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionBook {
    latest: BTreeMap<(String, String, String), u64>,
}

impl VersionBook {
    /// Notes a stored baseline.
    pub fn observe(&mut self, baseline: &Baseline) {
        let key = (
            baseline.entity.clone(),
            baseline.metric.clone(),
            baseline.context.clone(),
        );
        let latest = self.latest.entry(key).or_default();
        *latest = (*latest).max(baseline.version);
    }

    /// The version the next baseline of a key gets.
    pub fn next_version(&self, entity: &str, metric: &str, context: &str) -> u64 {
        self.latest
            .get(&(entity.to_owned(), metric.to_owned(), context.to_owned()))
            .map_or(1, |v| v + 1)
    }
}

/// Samples collected for a training run, a block of events at a time.
#[derive(Debug)]
pub struct Trainer {
    params: TrainParams,
    file: String,
    /// Each bucket's index, by entity, metric and context: looked up once
    /// per event, on one thread, so hashed with `foldhash` (seeded at
    /// random per process) rather than the standard library's SipHash,
    /// which took several times longer.
    bucket_of: foldhash::HashMap<String, foldhash::HashMap<String, foldhash::HashMap<Context, usize>>>,
    buckets: Vec<Bucket>,
    batch_ends: Vec<u64>,
    used_per_batch: Vec<u64>,
}

#[derive(Debug)]
struct Bucket {
    entity: String,
    metric: String,
    context: Context,
    values: Vec<f64>,
    first_event: String,
    last_event: String,
}

/// What a training run produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Trained {
    /// The new baselines, sorted by entity, metric and context.
    pub baselines: Vec<Baseline>,
    /// Their stored lines and hashes, in the same order.
    pub records: Vec<SealedRecord>,
    /// Samples used from each batch given to [`Trainer::new`].
    pub used_per_batch: Vec<u64>,
}

impl Trained {
    /// Samples used in all.
    pub fn samples(&self) -> u64 {
        self.used_per_batch.iter().sum()
    }
}

impl Trainer {
    /// A run reading `file`, whose events come in batches ending (exclusive)
    /// at the lines `batch_ends`, ascending.
    pub fn new(params: TrainParams, file: &str, batch_ends: Vec<u64>) -> Trainer {
        let used_per_batch = vec![0; batch_ends.len()];
        Trainer {
            params,
            file: file.to_owned(),
            bucket_of: foldhash::HashMap::default(),
            buckets: Vec::new(),
            batch_ends,
            used_per_batch,
        }
    }

    /// Adds the events of one block whose first line is `first_line`;
    /// those outside the window are passed over.
    pub fn push_block(&mut self, first_line: u64, events: &[StoredMetricEvent<'_>]) -> Result<(), BaselineError> {
        let mut batch = 0;
        for (i, event) in events.iter().enumerate() {
            if !self.params.window.contains(&event.timestamp) {
                continue;
            }
            let line = first_line + i as u64;
            let context =
                self.params
                    .context
                    .context_of(&event.timestamp)
                    .ok_or_else(|| BaselineError::BadTimestamp {
                        file: self.file.clone(),
                        line,
                        found: event.timestamp.to_string(),
                    })?;
            while batch < self.batch_ends.len() && self.batch_ends[batch] <= line {
                batch += 1;
            }
            if let Some(used) = self.used_per_batch.get_mut(batch) {
                *used += 1;
            }
            let index = self.bucket_index(&event.entity, &event.metric, context, &event.timestamp);
            let bucket = &mut self.buckets[index];
            bucket.values.push(event.value);
            // Events mostly come in time order, so the last time changes
            // with nearly every one: it is overwritten in place.
            if *event.timestamp < *bucket.first_event {
                bucket.first_event.clear();
                bucket.first_event.push_str(&event.timestamp);
            }
            if *event.timestamp > *bucket.last_event {
                bucket.last_event.clear();
                bucket.last_event.push_str(&event.timestamp);
            }
        }
        Ok(())
    }

    fn bucket_index(&mut self, entity: &str, metric: &str, context: Context, timestamp: &str) -> usize {
        if let Some(index) = self
            .bucket_of
            .get(entity)
            .and_then(|metrics| metrics.get(metric))
            .and_then(|contexts| contexts.get(&context))
        {
            return *index;
        }
        let index = self.buckets.len();
        self.buckets.push(Bucket {
            entity: entity.to_owned(),
            metric: metric.to_owned(),
            context,
            values: Vec::new(),
            first_event: timestamp.to_owned(),
            last_event: timestamp.to_owned(),
        });
        self.bucket_of
            .entry(entity.to_owned())
            .or_default()
            .entry(metric.to_owned())
            .or_default()
            .insert(context, index);
        index
    }

    /// Describes every bucket (on every core) and seals the baselines,
    /// numbering versions on from `versions`.
    pub fn finish(self, versions: &VersionBook) -> Result<Trained, BaselineError> {
        let params = self.params;
        let mut buckets = self.buckets;
        buckets.sort_unstable_by(|a, b| (&a.entity, &a.metric, a.context).cmp(&(&b.entity, &b.metric, b.context)));
        let window = TrainingWindow {
            from: params.window.from.clone(),
            to: params.window.to.clone(),
        };
        let sealed: Vec<(Baseline, SealedRecord)> = buckets
            .into_par_iter()
            .map(|mut bucket| {
                let context = bucket.context.to_string();
                let n = bucket.values.len() as u64;
                let stats = if n >= params.min_samples {
                    describe(&mut bucket.values).map_err(|source| BaselineError::Overflow {
                        entity: bucket.entity.clone(),
                        metric: bucket.metric.clone(),
                        context: context.clone(),
                        source,
                    })?
                } else {
                    None
                };
                let (confidence, confidence_level) = confidence(n, params.confidence_half_n);
                let baseline = Baseline {
                    id: String::new(),
                    version: versions.next_version(&bucket.entity, &bucket.metric, &context),
                    status: if stats.is_some() {
                        BaselineStatus::Ready
                    } else {
                        BaselineStatus::InsufficientHistory
                    },
                    entity: bucket.entity,
                    metric: bucket.metric,
                    context,
                    n,
                    min_samples: params.min_samples,
                    confidence,
                    confidence_level,
                    window: window.clone(),
                    first_event: bucket.first_event,
                    last_event: bucket.last_event,
                    stats,
                };
                seal_baseline(baseline)
            })
            .collect::<Result<_, _>>()?;
        let (baselines, records) = sealed.into_iter().unzip();
        Ok(Trained {
            baselines,
            records,
            used_per_batch: self.used_per_batch,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn event<'a>(entity: &'a str, timestamp: &'a str, value: f64) -> StoredMetricEvent<'a> {
        StoredMetricEvent {
            id: Cow::Borrowed("x"),
            timestamp: Cow::Borrowed(timestamp),
            entity: Cow::Borrowed(entity),
            metric: Cow::Borrowed("cpu"),
            value,
        }
    }

    #[test]
    fn buckets_by_key_and_context_with_versions_and_insufficient_history() {
        let mut events = Vec::new();
        let times: Vec<String> = (0..12).map(|d| format!("2026-01-{:02}T09:15:00.000Z", d + 5)).collect();
        for (i, time) in times.iter().enumerate() {
            events.push(event("a", time, i as f64));
        }
        events.push(event("a", "2026-01-05T10:00:00.000Z", 1.0));
        events.push(event("b", "2026-01-05T09:00:00.000Z", 1.0));
        let params = TrainParams {
            min_samples: 10,
            ..TrainParams::default()
        };
        let mut trainer = Trainer::new(params.clone(), "events/metric.jsonl", vec![6, 100]);
        trainer.push_block(1, &events).unwrap();
        let mut book = VersionBook::default();
        let first = trainer.finish(&book).unwrap();
        let summary: Vec<(&str, &str, u64, u64, BaselineStatus)> = first
            .baselines
            .iter()
            .map(|b| (b.entity.as_str(), b.context.as_str(), b.n, b.version, b.status))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("a", "hour=09", 12, 1, BaselineStatus::Ready),
                ("a", "hour=10", 1, 1, BaselineStatus::InsufficientHistory),
                ("b", "hour=09", 1, 1, BaselineStatus::InsufficientHistory),
            ]
        );
        assert_eq!(first.used_per_batch, vec![5, 9]);
        let ready = &first.baselines[0];
        assert_eq!(ready.stats.as_ref().unwrap().median, 5.5);
        assert_eq!(
            (ready.first_event.as_str(), ready.last_event.as_str()),
            (times[0].as_str(), times[11].as_str())
        );
        assert!(first.baselines[1].stats.is_none());
        for (baseline, record) in first.baselines.iter().zip(&first.records) {
            assert_eq!(model::record::check_line(&record.line).unwrap(), record.hash);
            let back: Baseline = serde_json::from_str(
                &record
                    .line
                    .replace(&format!(",\"hash\":\"{}\"", hex::encode(record.hash)), ""),
            )
            .unwrap();
            assert_eq!(&back, baseline);
            book.observe(baseline);
        }
        let mut again = Trainer::new(params, "events/metric.jsonl", vec![100]);
        again.push_block(1, &events).unwrap();
        let second = again.finish(&book).unwrap();
        assert!(second.baselines.iter().all(|b| b.version == 2));
        assert_ne!(
            first.baselines[0].id, second.baselines[0].id,
            "the version is part of the content"
        );
    }

    #[test]
    fn the_window_selects_samples() {
        let events = [
            event("a", "2026-01-05T09:00:00.000Z", 1.0),
            event("a", "2026-01-06T09:00:00.000Z", 2.0),
            event("a", "2026-01-07T09:00:00.000Z", 3.0),
        ];
        let params = TrainParams {
            min_samples: 1,
            context: ContextKind::None,
            window: TimeWindow {
                from: Some("2026-01-06T00:00:00.000Z".into()),
                to: Some("2026-01-07T09:00:00.000Z".into()),
            },
            ..TrainParams::default()
        };
        let mut trainer = Trainer::new(params, "f", vec![4]);
        trainer.push_block(1, &events).unwrap();
        let trained = trainer.finish(&VersionBook::default()).unwrap();
        assert_eq!(trained.baselines.len(), 1);
        assert_eq!(
            (trained.baselines[0].n, trained.baselines[0].context.as_str()),
            (1, "all")
        );
        assert_eq!(
            trained.baselines[0].window.from.as_deref(),
            Some("2026-01-06T00:00:00.000Z")
        );
    }
}
