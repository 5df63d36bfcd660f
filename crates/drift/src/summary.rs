//! Delta summaries: the deltas of one computation for one identity,
//! counted by type (every type listed), with their hashes.

use crate::compare::StoredProfile;
use crate::error::DriftError;
use model::drift::{DeltaSummary, DeltaType, DriftDelta, SUMMARY_ID_KIND, Window};
use model::record::SealedRecord;

/// The summary of `deltas` (with their record hashes, in stored order) of
/// one identity against `baseline` over `window`, sealed.
pub fn summarize(
    baseline: &StoredProfile,
    window: &Window,
    deltas: &[(DriftDelta, String)],
) -> Result<(DeltaSummary, SealedRecord), DriftError> {
    let mut counts = DeltaType::ALL
        .iter()
        .map(|t| (*t, 0u64))
        .collect::<std::collections::BTreeMap<_, _>>();
    for (delta, _) in deltas {
        *counts.entry(delta.delta_type).or_default() += 1;
    }
    let summary = DeltaSummary {
        id: String::new(),
        identity_id: baseline.profile.identity_id.clone(),
        baseline_id: baseline.profile.id.clone(),
        baseline_hash: baseline.hash.clone(),
        window: window.clone(),
        counts,
        delta_hashes: deltas.iter().map(|(_, hash)| hash.clone()).collect(),
    };
    crate::seal::seal_with_id(summary, SUMMARY_ID_KIND, |s, id| s.id = id)
}
