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
    /// The baseline events it was built from, and their event types
    /// counted (each with its number in the run).
    Tallied {
        /// The events.
        events: IdentityEvents<'p>,
        /// Their event types, in byte order.
        event_types: &'p [(u32, &'p str, u64)],
    },
}

/// How an observed event is told to be of one of a profile's event types:
/// by name, or, for a profile built from the same run's tallies, by the
/// number the run gave the name.
#[derive(Debug, Clone, Copy)]
enum TypeOf<'p> {
    Named(&'p str),
    Numbered(u32),
}

impl<'p> Counted<'p> {
    /// Whether the profile counted the value numbered `number` (in
    /// `observed`'s run) as its `facet`. Both tallies of a run number their
    /// strings by the same names, so equal numbers are equal values.
    fn knows(&self, facet: Facet, observed: IdentityEvents<'_>, number: u32) -> bool {
        match self {
            Counted::Stored(profile) => {
                let value = observed.name(facet, number);
                match facet {
                    Facet::EventType => profile.event_types.contains_key(value),
                    Facet::Host => profile.hosts.contains_key(value),
                    Facet::Hour => profile.hours.contains_key(value),
                    Facet::Privilege => profile.privileges.contains_key(value),
                }
            }
            Counted::Tallied { events, .. } => events.has_number(facet, number),
        }
    }
}

impl<'p> TypeOf<'p> {
    /// The keys of the events of `observed` of this type, in event order.
    fn events<'o>(self, observed: IdentityEvents<'o>) -> impl Iterator<Item = EventKey> + use<'o, 'p> {
        observed
            .numbers(Facet::EventType)
            .filter(move |(number, _)| match self {
                TypeOf::Named(name) => observed.name(Facet::EventType, *number) == name,
                TypeOf::Numbered(wanted) => *number == wanted,
            })
            .map(|(_, key)| key)
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
        // Most values are known: only new ones are gathered, and nothing
        // is allocated for an identity without any.
        let mut new_values: BTreeMap<&str, Vec<EventKey>> = BTreeMap::new();
        for (number, key) in observed
            .numbers(facet)
            .filter(|(number, _)| !baseline.counted.knows(facet, observed, *number))
        {
            new_values.entry(observed.name(facet, number)).or_default().push(key);
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
    let mut shift = |event_type: &str, count: u64, type_of: TypeOf<'_>| {
        // The baseline's count at the observation window's length: both
        // lengths are whole milliseconds, so the product is exact and the
        // one division rounds once.
        let expected = (count as f64 * window.millis as f64) / baseline.window.millis as f64;
        let seen = type_of.events(observed).count() as f64;
        let magnitude = seen - expected;
        if magnitude.abs() > thresholds.frequency_threshold {
            let events: Vec<EventKey> = type_of.events(observed).collect();
            deltas.push(fact(
                DeltaType::FrequencyShift,
                event_type,
                magnitude,
                expected,
                seen,
                event_ids(&events),
            ));
        }
    };
    // By event type, in byte order.
    match baseline.counted {
        Counted::Stored(profile) => {
            for (event_type, count) in &profile.event_types {
                shift(event_type, *count, TypeOf::Named(event_type));
            }
        }
        Counted::Tallied { event_types, .. } => {
            for (number, event_type, count) in event_types {
                shift(event_type, *count, TypeOf::Numbered(*number));
            }
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
