//! Median/MAD baselines (seed 000): what normal looks like per (entity,
//! metric, time context), and how far an event is from it.
//!
//! This crate owns:
//! - [`stats`]: median, MAD, mean absolute deviation and quantiles, exact
//!   and independent of input order;
//! - [`context`]: the time buckets (`all`, `hour=HH`,
//!   `hour=HH,weekday|weekend`);
//! - [`confidence`]: confidence from sample size;
//! - [`train`]: [`Trainer`] turns stored metric events into versioned
//!   [`model::baseline::Baseline`] records, insufficient history included;
//! - [`index`] and [`score`]: the baseline each bucket is scored against,
//!   and [`score::score_block`], which writes sealed
//!   [`model::baseline::ScoredEvent`] lines in robust z units;
//! - [`explain`]: every score and baseline in words, text histograms and
//!   the derivation `explain` prints; [`compare`]: two baselines as facts;
//! - [`events`]: reading stored metric events from a reader, on every core,
//!   in file order.
//!
//! It does no I/O beyond the readers it is handed, reads no clock and draws
//! no randomness; it uses several cores but puts every result together in
//! input order, so its bytes do not depend on the thread count. It never
//! decides what to alert on: a score is a measurement with a flag at a
//! recorded threshold.
//!
//! ```
//! use baseline::{BaselineIndex, BaselineSelection, ScoreParams, TrainParams, Trainer, VersionBook};
//! use baseline::index::TrainedBaseline;
//! use model::event::StoredMetricEvent;
//! use std::borrow::Cow::Borrowed;
//!
//! let times: Vec<String> = (5..17).map(|d| format!("2026-01-{d:02}T09:00:00.000Z")).collect();
//! let events: Vec<StoredMetricEvent> = times.iter().enumerate().map(|(i, t)| StoredMetricEvent {
//!     id: Borrowed("e"), timestamp: Borrowed(t), entity: Borrowed("web-1"), metric: Borrowed("cpu"),
//!     value: 50.0 + (i % 3) as f64,
//! }).collect();
//! let mut trainer = Trainer::new(TrainParams::default(), "events/metric.jsonl", vec![13]);
//! trainer.push_block(1, &events).unwrap();
//! let trained = trainer.finish(&VersionBook::default()).unwrap();
//! assert_eq!(trained.baselines[0].stats.as_ref().unwrap().median, 51.0);
//!
//! let stored = trained.baselines.into_iter().map(|baseline| TrainedBaseline { baseline, trained_at: String::new() });
//! let index = BaselineIndex::new(stored, &BaselineSelection::Latest);
//! let params = ScoreParams { threshold: 3.5, context: Default::default(), selection: BaselineSelection::Latest };
//! let spike = StoredMetricEvent { value: 60.0, ..events[0].clone() };
//! let score = baseline::score::score_event(&spike, &index, &params, "events/metric.jsonl", 1).unwrap();
//! assert!(score.is_anomaly);
//! assert_eq!(
//!     score.explanation,
//!     "value 60 is 6.07042 robust z above the median 51 of web-1 cpu at hour=09 (baseline v1: n 12, \
//!      scale 1.4826 = MAD 1 × 1.4826, confidence 0.285714); beyond the threshold 3.5: anomaly"
//! );
//! ```
#![deny(missing_docs)]

pub mod compare;
pub mod confidence;
pub mod context;
mod error;
pub mod events;
pub mod explain;
pub mod index;
pub mod report_data;
pub mod run;
pub mod score;
mod seal;
pub mod stats;
pub mod stored;
pub mod train;

pub use context::{Context, ContextKind};
pub use error::BaselineError;
pub use events::{LineRange, TimeWindow};
pub use index::{BaselineIndex, BaselineSelection};
pub use score::{ScoreParams, ScoreTally};
pub use train::{TrainParams, Trained, Trainer, VersionBook};
