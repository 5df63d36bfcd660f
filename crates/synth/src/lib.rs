//! Deterministic generators of realistic, labelled input data for driftledger:
//! metric samples with incidents ([`metric`], seed 000), authentication
//! events with four kinds of injected attack ([`auth`], seed 001), web proxy
//! logs with the per-IP attack scenarios and the six sample files of seed 004
//! ([`proxy`]), and identity behaviour with planted drift ([`behavior`],
//! seed 003).
//!
//! Every generator is a function of a config struct (which includes a `seed`
//! and a `start` time) that writes one of the input formats of DESIGN.md, as
//! JSON Lines or CSV ([`OutputFormat`]), to the writer it is given, and
//! returns a summary of what it wrote: `metric::generate(&MetricConfig, …)
//! -> MetricSummary`, and likewise for `auth`, `proxy` and `behavior`.
//! Configs serialize (seeds as decimal strings, times as RFC 3339) so that
//! callers can record them as parameters; bad values are refused with
//! [`SynthError::InvalidConfig`] before anything is written. Each line carries
//! its ground truth (`label`, or `is_attack` / `attack_type`; for behaviour, a
//! separate planted-changes document), which scoring never reads.
//!
//! Guarantees:
//! - **Same config, same bytes, on any machine.** Randomness comes only from
//!   a ChaCha20 stream seeded with SHA-256 of
//!   `"driftledger-synth/<generator>/v1/<seed>"` (see [`dist`]); the
//!   distributions and the floating-point `exp`/`ln` they need are written
//!   here with IEEE-exact operations only, so neither a `rand` release nor
//!   the platform's libm can change a committed fixture.
//! - **Constant memory.** Output is streamed: state is kept per entity, user,
//!   client or identity, and at most one hour of events (auth, proxy; plus
//!   the day's planned attack events, or the attackers' few hundred) or one
//!   identity's events (behaviour) is buffered, so ten million events need
//!   no more memory than ten thousand.
//!
//! It deliberately does no I/O beyond the writers it is handed: no files, no
//! clock, no ambient randomness, no threads. Compressing, naming and
//! recording the output (and its parameters) is the caller's business.
//!
//! ```
//! use synth::{OutputFormat, metric};
//! let config = metric::MetricConfig { entities: 2, days: 1, ..metric::MetricConfig::default() };
//! let mut out = Vec::new();
//! let summary = metric::generate(&config, OutputFormat::Jsonl, &mut out).unwrap();
//! let text = String::from_utf8(out).unwrap();
//! assert_eq!(summary.events, 2 * 5 * 24);
//! assert_eq!(text.lines().count() as u64, summary.events);
//! assert!(text.starts_with(r#"{"timestamp":"2026-01-05T00:00:00Z","entity":"host-001","metric":"cpu_pct","value":"#));
//!
//! // The same config always gives the same bytes.
//! let mut again = Vec::new();
//! metric::generate(&config, OutputFormat::Jsonl, &mut again).unwrap();
//! assert_eq!(text.as_bytes(), again.as_slice());
//! ```
#![deny(missing_docs)]

pub mod auth;
pub mod behavior;
mod config;
#[cfg(test)]
mod decode;
pub mod dist;
mod error;
pub mod metric;
mod output;
pub mod proxy;

pub use error::SynthError;
pub use output::OutputFormat;
