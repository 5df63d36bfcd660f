//! Tests of `build_report` through its public API only.

// Builders of score and baseline records, and readers of the rendered Markdown.
mod fixtures;

// A small hand-built store: every section's numbers, orders and tie-breaks.
mod sections;
// Same input, same bytes: repeated calls and permuted inputs.
mod determinism;
// No scores and no baselines: every section still renders, with no NaN or infinity.
mod empty;
// Both figures parsed as XML: namespace, title, one bar per nonzero bin.
mod figures;
// Cell text that would break a Markdown table row.
mod escaping;
// Random score records: no NaN or infinity in any output, coverage adds up.
mod properties;
