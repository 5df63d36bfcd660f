//! The analysis actions on a store, each one call for the CLI and the
//! server: train baselines, score events, explain a score, list, show and
//! compare baselines, select scores, build a report; build behaviour
//! profiles and drift deltas, summarize and export them (with seed 003's
//! `DriftApi`).
//!
//! This crate owns the glue between a store's files and the pure crates:
//! it opens the record files, hands their readers to `baseline::run` and
//! `drift::run` (the same runs the validator replays), appends what comes back through
//! `store` (records first, then the one ledger entry that accounts for
//! them) and writes report files. It decides nothing about statistics or
//! wording: those live in `baseline`, `drift` and `report`. Read-only actions
//! (`list`, `show`, `compare`, `explain`) never take the writer lock.
//!
//! ```
//! use ledger::InitOptions;
//! let dir = tempfile::tempdir().unwrap();
//! let mut store = store::Store::init(dir.path(), InitOptions::default()).unwrap();
//! // No metric events yet: training says so and writes nothing.
//! let refused = engine::train_baselines(&mut store, &baseline::TrainParams::default());
//! assert!(matches!(refused, Err(engine::EngineError::NoMetricEvents)));
//! ```
#![deny(missing_docs)]

mod drifting;
mod error;
mod inspect;
mod reporting;
mod scoring;
mod selection;
mod store_view;
mod training;

pub use drifting::{
    DriftApi, DriftComputed, DriftExported, DriftRequest, DriftScope, DriftSummarized, compute_drift, export_drift,
    summarize_drift,
};
pub use error::EngineError;
pub use inspect::{BaselineQuery, StoredBaseline, compare_baselines, explain_event, find_baseline, list_baselines};
pub use reporting::{BuiltReport, DEFAULT_TOP_K, ReportFile, ReportRequest, build_report};
pub use scoring::{ScoreRequest, ScoredRun, score_events};
pub use selection::{ScoreQuery, SelectedScores, select_scores, top_scores};
pub use training::{TrainedRun, train_baselines};
