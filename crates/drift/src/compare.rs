//! Deltas: each way an identity's observation window differs from its
//! profile, stated as a fact with the events that evidence it.

use crate::error::DriftError;
use crate::profile::Tally;
use crate::window::Span;
use model::drift::{BehaviorProfile, DELTA_ID_KIND, DeltaType, DriftDelta, DriftThresholds};
use model::record::SealedRecord;
use std::collections::BTreeMap;

/// The profile a computation compares against: the record and its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProfile {
    /// The record.
    pub profile: BehaviorProfile,
    /// Its record hash (the deltas' `baseline_hash`).
    pub hash: String,
}

/// The deltas of one identity, sealed, in order: new event types, hosts,
/// time buckets and privileges (each by value), then frequency shifts (by
/// event type).
pub fn deltas_of(
    baseline: &StoredProfile,
    observed: &Tally,
    window: &Span,
    thresholds: &DriftThresholds,
) -> Result<Vec<(DriftDelta, SealedRecord)>, DriftError> {
    let profile = &baseline.profile;
    let baseline_span = Span::from_window("baseline window", &profile.window)?;
    let fact = |delta_type, value: &str, magnitude, baseline_value, observed_value, event_ids| DriftDelta {
        id: String::new(),
        identity_id: profile.identity_id.clone(),
        delta_type,
        value: value.to_owned(),
        magnitude,
        baseline_value,
        observed_value,
        baseline_id: profile.id.clone(),
        baseline_hash: baseline.hash.clone(),
        baseline_window: profile.window.clone(),
        window: window.window.clone(),
        thresholds: *thresholds,
        event_ids,
    };
    let mut deltas = Vec::new();
    for (delta_type, seen, known) in [
        (DeltaType::NewEventType, &observed.event_types, &profile.event_types),
        (DeltaType::NewHost, &observed.hosts, &profile.hosts),
        (DeltaType::NewTimeBucket, &observed.hours, &profile.hours),
        (DeltaType::NewPrivilege, &observed.privileges, &profile.privileges),
    ] {
        for (value, events) in new_values(seen, known) {
            deltas.push(fact(
                delta_type,
                value,
                1.0,
                0.0,
                events.len() as f64,
                observed.event_ids(events),
            ));
        }
    }
    for (event_type, count) in &profile.event_types {
        // The baseline's count at the observation window's length: both
        // lengths are whole milliseconds, so the product is exact and the
        // one division rounds once.
        let expected = (*count as f64 * window.millis as f64) / baseline_span.millis as f64;
        let events = observed.event_types.get(event_type).map_or(&[][..], Vec::as_slice);
        let seen = events.len() as f64;
        let magnitude = seen - expected;
        if magnitude.abs() > thresholds.frequency_threshold {
            deltas.push(fact(
                DeltaType::FrequencyShift,
                event_type,
                magnitude,
                expected,
                seen,
                observed.event_ids(events),
            ));
        }
    }
    deltas
        .into_iter()
        .map(|delta| crate::seal::seal_with_id(delta, DELTA_ID_KIND, |d, id| d.id = id))
        .collect()
}

fn new_values<'a>(
    seen: &'a BTreeMap<String, Vec<u32>>,
    known: &'a BTreeMap<String, u64>,
) -> impl Iterator<Item = (&'a str, &'a [u32])> {
    seen.iter()
        .filter(|(value, _)| !known.contains_key(*value))
        .map(|(value, events)| (value.as_str(), events.as_slice()))
}
