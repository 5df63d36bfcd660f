//! Behaviour profiles: what each identity did over a baseline window,
//! counted, and sealed as immutable versioned records.

use crate::error::DriftError;
use crate::window::Span;
use model::drift::{BehaviorProfile, PROFILE_ID_KIND};
use model::event::StoredBehaviorEvent;
use model::record::{RecordBuilder, SealedRecord};
use std::collections::{BTreeMap, HashMap};

/// An event as a tally keeps it: its stored time (always 24 bytes,
/// `YYYY-MM-DDTHH:MM:SS.fffZ`) and its UUID as a number; both order as
/// their text does, so sorting them sorts by (timestamp, event_id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventKey {
    time: [u8; 24],
    id: u128,
}

impl EventKey {
    /// The key of a stored event, or why its time or id is not in the
    /// stored form.
    pub fn of(event: &StoredBehaviorEvent<'_>) -> Result<EventKey, String> {
        let time: [u8; 24] = event
            .timestamp
            .as_bytes()
            .try_into()
            .map_err(|_| format!("timestamp {:?} is not YYYY-MM-DDTHH:MM:SS.fffZ", event.timestamp))?;
        let id = parse_uuid(&event.event_id)
            .ok_or_else(|| format!("event_id {:?} is not a lowercase UUID", event.event_id))?;
        Ok(EventKey { time, id })
    }

    /// The event id, lowercase hyphenated.
    pub fn event_id(&self) -> String {
        String::from_utf8(self.event_id_bytes().to_vec()).expect("hex digits and hyphens are ASCII")
    }

    /// The event id's text, without allocating.
    pub fn event_id_bytes(&self) -> [u8; 36] {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [b'-'; 36];
        let mut nibble = 0;
        for (slot, byte) in out.iter_mut().enumerate() {
            if matches!(slot, 8 | 13 | 18 | 23) {
                continue;
            }
            *byte = HEX[((self.id >> (124 - 4 * nibble)) & 0xf) as usize];
            nibble += 1;
        }
        out
    }
}

fn parse_uuid(text: &str) -> Option<u128> {
    let bytes = text.as_bytes();
    if bytes.len() != 36 || [8, 13, 18, 23].iter().any(|at| bytes[*at] != b'-') {
        return None;
    }
    let mut value = 0u128;
    for (at, byte) in bytes.iter().enumerate() {
        if matches!(at, 8 | 13 | 18 | 23) {
            continue;
        }
        let digit = match byte {
            b'0'..=b'9' => byte - b'0',
            b'a'..=b'f' => byte - b'a' + 10,
            _ => return None,
        };
        value = value << 4 | u128::from(digit);
    }
    Some(value)
}

/// The events of one identity in one window, indexed by what they carry
/// (for the profile's counts and `events_root`, and for evidence).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Every event counted.
    pub events: Vec<EventKey>,
    /// Per event type, the indexes of its events in `events`.
    pub event_types: BTreeMap<String, Vec<u32>>,
    /// Per host.
    pub hosts: BTreeMap<String, Vec<u32>>,
    /// Per hour of day, two digits.
    pub hours: BTreeMap<String, Vec<u32>>,
    /// Per privilege.
    pub privileges: BTreeMap<String, Vec<u32>>,
}

impl Tally {
    /// Counts one event.
    pub fn add(&mut self, event: &StoredBehaviorEvent<'_>, key: EventKey) {
        let at = self.events.len() as u32;
        self.events.push(key);
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
    pub fn event_ids(&self, indexes: &[u32]) -> Vec<String> {
        let mut picked: Vec<EventKey> = indexes.iter().map(|i| self.events[*i as usize]).collect();
        picked.sort_unstable();
        picked.iter().map(EventKey::event_id).collect()
    }
}

fn push(map: &mut BTreeMap<String, Vec<u32>>, key: &str, at: u32) {
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
    /// identities `wanted` accepts; an event not in the stored form is
    /// refused with its index in `events`.
    pub fn add_block(
        &mut self,
        events: &[StoredBehaviorEvent<'_>],
        baseline: Option<&Span>,
        observed: Option<&Span>,
        wanted: impl Fn(&str) -> bool,
    ) -> Result<(), (usize, String)> {
        for (index, event) in events.iter().enumerate() {
            let in_baseline = baseline.is_some_and(|span| span.contains(&event.timestamp));
            let in_observed = observed.is_some_and(|span| span.contains(&event.timestamp));
            if !(in_baseline || in_observed) || !wanted(&event.identity_id) {
                continue;
            }
            let key = EventKey::of(event).map_err(|reason| (index, reason))?;
            if in_baseline {
                tally_of(&mut self.baseline, &event.identity_id).add(event, key);
            }
            if in_observed {
                tally_of(&mut self.observed, &event.identity_id).add(event, key);
            }
        }
        Ok(())
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
    let counts = |map: &BTreeMap<String, Vec<u32>>| map.iter().map(|(k, v)| (k.clone(), v.len() as u64)).collect();
    let mut ordered = tally.events.clone();
    ordered.sort_unstable();
    let mut tree = tlog::TreeBuilder::new();
    for key in &ordered {
        tree.push(tlog::leaf_hash(&model::digest::sha256(&key.event_id_bytes())));
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
        events_root: hex::encode(tree.root()),
    }
}

/// Whether two profiles describe the same events the same way, whatever
/// their versions and ids.
pub fn same_content(a: &BehaviorProfile, b: &BehaviorProfile) -> bool {
    a.identity_id == b.identity_id
        && a.window == b.window
        && a.event_count == b.event_count
        && a.events_root == b.events_root
        && a.event_types == b.event_types
        && a.hosts == b.hosts
        && a.hours == b.hours
        && a.privileges == b.privileges
}

fn counts(map: &BTreeMap<String, u64>) -> impl Iterator<Item = (&str, u64)> {
    map.iter().map(|(k, v)| (k.as_str(), *v))
}

/// Gives a profile its content id and seals it, writing its canonical
/// bytes directly (the same bytes as sealing its serde form, which a test
/// holds equal).
pub fn seal_profile(
    mut profile: BehaviorProfile,
    builder: &mut RecordBuilder,
) -> Result<(BehaviorProfile, SealedRecord), DriftError> {
    let canonical = |e| DriftError::Record(model::record::RecordError::Canonical(e));
    builder.reset();
    builder
        .unsigned("event_count", profile.event_count)
        .map_err(canonical)?;
    builder
        .counts("event_types", counts(&profile.event_types))
        .map_err(canonical)?;
    builder.string("events_root", &profile.events_root);
    builder.counts("hosts", counts(&profile.hosts)).map_err(canonical)?;
    builder.counts("hours", counts(&profile.hours)).map_err(canonical)?;
    builder.string("identity_id", &profile.identity_id);
    builder
        .counts("privileges", counts(&profile.privileges))
        .map_err(canonical)?;
    builder.unsigned("version", profile.version).map_err(canonical)?;
    builder.strings(
        "window",
        [
            ("end", profile.window.end.as_str()),
            ("start", profile.window.start.as_str()),
        ],
    );
    let mut line = Vec::new();
    let parts = builder.seal(Some(PROFILE_ID_KIND), &mut line);
    profile.id = parts.id.expect("sealed with an id").to_string();
    let line = String::from_utf8(line).expect("canonical JSON is UTF-8");
    Ok((profile, SealedRecord { line, hash: parts.hash }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn map() -> impl Strategy<Value = BTreeMap<String, u64>> {
        proptest::collection::btree_map(any::<String>(), 0..1000u64, 0..4)
    }

    proptest! {
        #[test]
        fn the_direct_writer_seals_what_serde_seals(
            event_types in map(), hosts in map(), hours in map(), privileges in map(),
            identity in any::<String>(), version in 1..100u64, count in 0..1000u64,
        ) {
            let profile = BehaviorProfile {
                id: String::new(),
                identity_id: identity,
                version,
                window: model::drift::Window { start: "2026-01-05T00:00:00.000Z".into(), end: "2026-02-02T00:00:00.000Z".into() },
                event_count: count,
                event_types, hosts, hours, privileges,
                events_root: "ab".repeat(32),
            };
            let direct = seal_profile(profile.clone(), &mut RecordBuilder::new()).unwrap();
            let reference = crate::seal::seal_with_id(profile, PROFILE_ID_KIND, |p, id| p.id = id).unwrap();
            prop_assert_eq!(direct, reference);
        }
    }

    #[test]
    fn event_keys_sort_and_print_as_their_text() {
        let event = |time: &'static str, id: &'static str| StoredBehaviorEvent {
            event_id: id.into(),
            identity_id: "i".into(),
            timestamp: time.into(),
            event_type: "login".into(),
            host: None,
            privilege: None,
        };
        let a = EventKey::of(&event(
            "2026-01-05T09:00:00.000Z",
            "ffffffff-0000-4000-8000-000000000000",
        ))
        .unwrap();
        let b = EventKey::of(&event(
            "2026-01-05T09:00:00.000Z",
            "0fffffff-0000-4000-8000-00000000000a",
        ))
        .unwrap();
        let c = EventKey::of(&event(
            "2026-01-05T09:00:00.001Z",
            "00000000-0000-4000-8000-000000000000",
        ))
        .unwrap();
        let mut keys = [c, a, b];
        keys.sort();
        assert_eq!(keys, [b, a, c]);
        assert_eq!(a.event_id(), "ffffffff-0000-4000-8000-000000000000");
        assert!(EventKey::of(&event("2026-01-05T09:00:00Z", "ffffffff-0000-4000-8000-000000000000")).is_err());
        assert!(
            EventKey::of(&event(
                "2026-01-05T09:00:00.000Z",
                "FFFFFFFF-0000-4000-8000-000000000000"
            ))
            .is_err()
        );
    }
}
