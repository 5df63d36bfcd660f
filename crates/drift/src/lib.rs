//! Behavioural drift (seed 003): per-identity behaviour profiles and the
//! typed, deterministic facts of how an observation window differs from
//! them. Deltas are facts, never judgments: this crate states what changed,
//! and nothing about what it means.
//!
//! This crate owns:
//! - [`window`]: half-open windows `[start, end)`: an event exactly at the
//!   start is inside, one exactly at the end is not;
//! - [`thresholds`]: flag, then `UBA_DRIFT_FREQUENCY_THRESHOLD` /
//!   `UBA_DRIFT_OBSERVATION_WINDOW_DAYS`, then 0.0 / 7 (the caller reads the
//!   environment; the values in effect are recorded everywhere);
//! - [`tally`]: the events of every identity in a baseline and an
//!   observation window, read on every core and grouped compactly;
//! - [`profile`]: counting an identity's event types, hosts, hours of day
//!   and privileges over a baseline window into a `BehaviorProfile`;
//! - [`profiling`]: every identity's profile built or reused, a batch at a
//!   time on every core, its record handed on as the next batch is built,
//!   and its deltas computed in the same pass;
//! - [`compare`]: the deltas NEW_EVENT_TYPE, NEW_HOST, NEW_TIME_BUCKET,
//!   NEW_PRIVILEGE (magnitude 1.0) and FREQUENCY_SHIFT (magnitude = count
//!   difference), each with the baseline and observed values, both windows,
//!   the thresholds in effect and the ids of the events that evidence it;
//! - [`summary`]: deltas counted by type, with their hashes;
//! - [`run`]: whole actions from a store's readers (profiles, deltas,
//!   summaries, exports), run by the writer and replayed by the validator.
//!
//! Two decisions, made on purpose:
//! - **Frequencies are compared per window length.** A baseline is usually
//!   weeks and an observation window days: comparing raw counts would
//!   report every type as shifted. FREQUENCY_SHIFT compares the observed
//!   count with the baseline count scaled to the observation window's
//!   length (`count × window length / baseline length`, lengths in whole
//!   milliseconds, one rounding), and its magnitude is the difference of
//!   those counts, stated when its absolute value exceeds the frequency
//!   threshold. Only types the profile has are compared: a type it lacks
//!   is a NEW_EVENT_TYPE, not a shift from zero.
//! - **NEW_TIME_BUCKET is the hour of day (UTC, two digits, `"22"`).**
//!   The two windows never overlap, so calendar hours (`2026-02-02T22:00`)
//!   would all be new; the hour of day is the bucket that can recur.
//!
//! It does no I/O beyond the readers it is handed, reads no clock and no
//! environment, and depends on no scoring or detection crate (a test holds
//! it to that). Its outputs carry no word of judgment (a test scans them).
//!
//! ```
//! use drift::window::Span;
//! let window = Span::parse("window", "2026-02-02", "2026-02-09").unwrap();
//! assert!(window.contains("2026-02-02T00:00:00.000Z"));
//! assert!(!window.contains("2026-02-09T00:00:00.000Z"));
//! let thresholds = drift::thresholds::resolve(&Default::default()).unwrap();
//! assert_eq!((thresholds.frequency_threshold, thresholds.observation_window_days), (0.0, 7.0));
//! ```
#![deny(missing_docs)]

pub mod compare;
mod error;
pub mod events;
pub mod profile;
pub mod profiling;
pub mod run;
mod seal;
pub mod summary;
pub mod tally;
pub mod thresholds;
pub mod window;

pub use error::DriftError;
