//! Deltas: each way an identity's observation window differs from its
//! profile, stated as a fact with the events that evidence it.

use crate::error::DriftError;
use crate::profile::EventKey;
use crate::tally::{Facet, IdentityEvents};
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
/// event type). `baseline_span` is the profile's window, which callers
/// comparing many profiles of one window parse once.
pub fn deltas_of(
    baseline: &StoredProfile,
    baseline_span: &Span,
    observed: IdentityEvents<'_>,
    window: &Span,
    thresholds: &DriftThresholds,
) -> Result<Vec<(DriftDelta, SealedRecord)>, DriftError> {
    let profile = &baseline.profile;
    debug_assert_eq!(baseline_span.window, profile.window);
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
    for (delta_type, facet, known) in [
        (DeltaType::NewEventType, Facet::EventType, &profile.event_types),
        (DeltaType::NewHost, Facet::Host, &profile.hosts),
        (DeltaType::NewTimeBucket, Facet::Hour, &profile.hours),
        (DeltaType::NewPrivilege, Facet::Privilege, &profile.privileges),
    ] {
        // Most values are known: only new ones are gathered.
        let mut new_values: BTreeMap<&str, Vec<EventKey>> = BTreeMap::new();
        for (value, key) in observed.values(facet).filter(|(value, _)| !known.contains_key(*value)) {
            new_values.entry(value).or_default().push(key);
        }
        for (value, events) in &new_values {
            deltas.push(fact(
                delta_type,
                value,
                1.0,
                0.0,
                events.len() as f64,
                event_ids(events),
            ));
        }
    }
    for (event_type, count) in &profile.event_types {
        // The baseline's count at the observation window's length: both
        // lengths are whole milliseconds, so the product is exact and the
        // one division rounds once.
        let expected = (*count as f64 * window.millis as f64) / baseline_span.millis as f64;
        let events: Vec<EventKey> = observed
            .values(Facet::EventType)
            .filter(|(value, _)| value == event_type)
            .map(|(_, key)| key)
            .collect();
        let seen = events.len() as f64;
        let magnitude = seen - expected;
        if magnitude.abs() > thresholds.frequency_threshold {
            deltas.push(fact(
                DeltaType::FrequencyShift,
                event_type,
                magnitude,
                expected,
                seen,
                event_ids(&events),
            ));
        }
    }
    deltas
        .into_iter()
        .map(|delta| crate::seal::seal_with_id(delta, DELTA_ID_KIND, |d, id| d.id = id))
        .collect()
}

/// The ids of events already in (timestamp, event id) order.
fn event_ids(events: &[EventKey]) -> Vec<String> {
    events.iter().map(EventKey::event_id).collect()
}
