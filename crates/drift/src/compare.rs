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

/// What deltas are stated against: a profile's identity, id, hash and
/// window, and what it counted, from its record or, for a profile built in
/// the same run, straight from the tallied events it was sealed from.
#[derive(Debug, Clone, Copy)]
pub struct Against<'p> {
    /// The identity.
    pub identity_id: &'p str,
    /// The profile's id (the deltas' `baseline_id`).
    pub id: &'p str,
    /// Its record hash (the deltas' `baseline_hash`).
    pub hash: &'p str,
    /// Its window, parsed.
    pub window: &'p Span,
    /// What it counted.
    pub counted: Counted<'p>,
}

/// What a profile counted.
#[derive(Debug, Clone, Copy)]
pub enum Counted<'p> {
    /// A stored record's maps.
    Stored(&'p BehaviorProfile),
    /// The baseline events it was built from.
    Tallied(IdentityEvents<'p>),
}

impl Counted<'_> {
    fn knows(&self, facet: Facet, value: &str) -> bool {
        match self {
            Counted::Stored(profile) => match facet {
                Facet::EventType => profile.event_types.contains_key(value),
                Facet::Host => profile.hosts.contains_key(value),
                Facet::Hour => profile.hours.contains_key(value),
                Facet::Privilege => profile.privileges.contains_key(value),
            },
            Counted::Tallied(events) => events.has(facet, value),
        }
    }

    /// Its event types and their counts, in byte order.
    fn event_types(&self) -> Vec<(&str, u64)> {
        match self {
            Counted::Stored(profile) => profile.event_types.iter().map(|(k, v)| (k.as_str(), *v)).collect(),
            Counted::Tallied(events) => events.counts(Facet::EventType),
        }
    }
}

impl<'p> Against<'p> {
    /// A stored profile, whose window is `window`.
    pub fn stored(stored: &'p StoredProfile, window: &'p Span) -> Against<'p> {
        debug_assert_eq!(window.window, stored.profile.window);
        Against {
            identity_id: &stored.profile.identity_id,
            id: &stored.profile.id,
            hash: &stored.hash,
            window,
            counted: Counted::Stored(&stored.profile),
        }
    }
}

/// The deltas of one identity, sealed, in order: new event types, hosts,
/// time buckets and privileges (each by value), then frequency shifts (by
/// event type).
pub fn deltas_of(
    baseline: &Against<'_>,
    observed: IdentityEvents<'_>,
    window: &Span,
    thresholds: &DriftThresholds,
) -> Result<Vec<(DriftDelta, SealedRecord)>, DriftError> {
    let fact = |delta_type, value: &str, magnitude, baseline_value, observed_value, event_ids| DriftDelta {
        id: String::new(),
        identity_id: baseline.identity_id.to_owned(),
        delta_type,
        value: value.to_owned(),
        magnitude,
        baseline_value,
        observed_value,
        baseline_id: baseline.id.to_owned(),
        baseline_hash: baseline.hash.to_owned(),
        baseline_window: baseline.window.window.clone(),
        window: window.window.clone(),
        thresholds: *thresholds,
        event_ids,
    };
    let mut deltas = Vec::new();
    for (delta_type, facet) in [
        (DeltaType::NewEventType, Facet::EventType),
        (DeltaType::NewHost, Facet::Host),
        (DeltaType::NewTimeBucket, Facet::Hour),
        (DeltaType::NewPrivilege, Facet::Privilege),
    ] {
        // Most values are known: only new ones are gathered.
        let mut new_values: BTreeMap<&str, Vec<EventKey>> = BTreeMap::new();
        for (value, key) in observed
            .values(facet)
            .filter(|(value, _)| !baseline.counted.knows(facet, value))
        {
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
    for (event_type, count) in baseline.counted.event_types() {
        // The baseline's count at the observation window's length: both
        // lengths are whole milliseconds, so the product is exact and the
        // one division rounds once.
        let expected = (count as f64 * window.millis as f64) / baseline.window.millis as f64;
        let events: Vec<EventKey> = observed
            .values(Facet::EventType)
            .filter(|(value, _)| *value == event_type)
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
