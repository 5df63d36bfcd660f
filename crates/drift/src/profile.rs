//! Behaviour profiles: what each identity did over a baseline window,
//! counted, and sealed as immutable versioned records.

use crate::error::DriftError;
use crate::window::Span;
use model::drift::{BehaviorProfile, PROFILE_ID_KIND};
use model::event::StoredBehaviorEvent;
use model::record::SealedRecord;
use std::collections::{BTreeMap, HashMap};

/// The events of one identity in one window, indexed by what they carry
/// (for the profile's counts and `events_root`, and for evidence).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// (timestamp, event_id) of every event counted.
    pub events: Vec<(String, String)>,
    /// Per event type, the indexes of its events in `events`.
    pub event_types: BTreeMap<String, Vec<usize>>,
    /// Per host.
    pub hosts: BTreeMap<String, Vec<usize>>,
    /// Per hour of day, two digits.
    pub hours: BTreeMap<String, Vec<usize>>,
    /// Per privilege.
    pub privileges: BTreeMap<String, Vec<usize>>,
}

impl Tally {
    /// Counts one event.
    pub fn add(&mut self, event: &StoredBehaviorEvent<'_>) {
        let at = self.events.len();
        self.events
            .push((event.timestamp.to_string(), event.event_id.to_string()));
        push(&mut self.event_types, &event.event_type, at);
        if let Some(host) = &event.host {
            push(&mut self.hosts, host, at);
        }
        push(&mut self.hours, hour_of(&event.timestamp), at);
        if let Some(privilege) = &event.privilege {
            push(&mut self.privileges, privilege, at);
        }
    }

    /// The event ids of `indexes`, in (timestamp, event_id) order.
    pub fn event_ids(&self, indexes: &[usize]) -> Vec<String> {
        let mut picked: Vec<&(String, String)> = indexes.iter().map(|i| &self.events[*i]).collect();
        picked.sort();
        picked.into_iter().map(|(_, id)| id.clone()).collect()
    }
}

fn push(map: &mut BTreeMap<String, Vec<usize>>, key: &str, at: usize) {
    match map.get_mut(key) {
        Some(list) => list.push(at),
        None => {
            map.insert(key.to_owned(), vec![at]);
        }
    }
}

/// The hour of day of a stored timestamp, two digits.
pub fn hour_of(timestamp: &str) -> &str {
    timestamp.get(11..13).unwrap_or("")
}

/// Per identity, the tallies of its events in a baseline and an
/// observation window, filled a block of events at a time, in any order.
#[derive(Debug, Default)]
pub struct WindowTallies {
    /// Per identity, its events in the baseline window.
    pub baseline: HashMap<String, Tally>,
    /// Per identity, its events in the observation window.
    pub observed: HashMap<String, Tally>,
}

impl WindowTallies {
    /// Counts the events of `events` that fall in either window, of the
    /// identities `wanted` accepts.
    pub fn add_block(
        &mut self,
        events: &[StoredBehaviorEvent<'_>],
        baseline: Option<&Span>,
        observed: Option<&Span>,
        wanted: impl Fn(&str) -> bool,
    ) {
        for event in events {
            if !wanted(&event.identity_id) {
                continue;
            }
            if baseline.is_some_and(|span| span.contains(&event.timestamp)) {
                tally_of(&mut self.baseline, &event.identity_id).add(event);
            }
            if observed.is_some_and(|span| span.contains(&event.timestamp)) {
                tally_of(&mut self.observed, &event.identity_id).add(event);
            }
        }
    }
}

fn tally_of<'m>(map: &'m mut HashMap<String, Tally>, identity: &str) -> &'m mut Tally {
    if !map.contains_key(identity) {
        map.insert(identity.to_owned(), Tally::default());
    }
    map.get_mut(identity).expect("inserted above")
}

/// The profile of one identity's baseline tally (its `id` empty until
/// sealed).
pub fn profile_of(identity_id: &str, window: &Span, tally: &Tally, version: u64) -> BehaviorProfile {
    let counts = |map: &BTreeMap<String, Vec<usize>>| map.iter().map(|(k, v)| (k.clone(), v.len() as u64)).collect();
    let mut ordered: Vec<&(String, String)> = tally.events.iter().collect();
    ordered.sort();
    let mut tree = tlog::TreeBuilder::new();
    for (_, event_id) in ordered {
        tree.push(tlog::leaf_hash(&model::digest::sha256(event_id.as_bytes())));
    }
    BehaviorProfile {
        id: String::new(),
        identity_id: identity_id.to_owned(),
        version,
        window: window.window.clone(),
        event_count: tally.events.len() as u64,
        event_types: counts(&tally.event_types),
        hosts: counts(&tally.hosts),
        hours: counts(&tally.hours),
        privileges: counts(&tally.privileges),
        events_root: tree.root().iter().map(|b| format!("{b:02x}")).collect(),
    }
}

/// Whether two profiles describe the same events the same way, whatever
/// their versions and ids.
pub fn same_content(a: &BehaviorProfile, b: &BehaviorProfile) -> bool {
    let strip = |p: &BehaviorProfile| BehaviorProfile {
        id: String::new(),
        version: 0,
        ..p.clone()
    };
    strip(a) == strip(b)
}

/// Gives a profile its content id and seals it.
pub fn seal_profile(profile: BehaviorProfile) -> Result<(BehaviorProfile, SealedRecord), DriftError> {
    crate::seal::seal_with_id(profile, PROFILE_ID_KIND, |p, id| p.id = id)
}
