//! Behaviour profiles: what each identity did over a baseline window,
//! counted, and sealed as immutable versioned records.

use crate::error::DriftError;
use crate::tally::{Facet, IdentityEvents};
use crate::window::Span;
use model::drift::{BehaviorProfile, PROFILE_ID_KIND};
use model::event::StoredBehaviorEvent;
use model::record::{RecordBuilder, SealedRecord};
use std::collections::BTreeMap;

/// An event as a tally keeps it: its stored time (always 24 bytes,
/// `YYYY-MM-DDTHH:MM:SS.fffZ`) and its UUID's 16 bytes; both order as
/// their text does, so sorting them sorts by (timestamp, event_id).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventKey {
    time: [u8; 24],
    id: [u8; 16],
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

    /// The event's stored timestamp.
    pub fn timestamp(&self) -> &str {
        std::str::from_utf8(&self.time).expect("the whole of a timestamp string")
    }

    /// The event id, lowercase hyphenated.
    pub fn event_id(&self) -> String {
        String::from_utf8(self.event_id_bytes().to_vec()).expect("hex digits and hyphens are ASCII")
    }

    /// The event id's text, without allocating.
    pub fn event_id_bytes(&self) -> [u8; 36] {
        let mut out = [b'-'; 36];
        let mut digits = [0u8; 32];
        hex::encode_to_slice(self.id, &mut digits).expect("32 hex digits for 16 bytes");
        for (from, to) in [(0..8, 0), (8..12, 9), (12..16, 14), (16..20, 19), (20..32, 24)] {
            out[to..to + from.len()].copy_from_slice(&digits[from]);
        }
        out
    }
}

fn parse_uuid(text: &str) -> Option<[u8; 16]> {
    let bytes = text.as_bytes();
    if bytes.len() != 36 || [8, 13, 18, 23].iter().any(|at| bytes[*at] != b'-') {
        return None;
    }
    let mut digits = [0u8; 32];
    let mut next = 0;
    for (at, byte) in bytes.iter().enumerate() {
        if matches!(at, 8 | 13 | 18 | 23) {
            continue;
        }
        // Stored ids are lowercase; `hex` alone would take uppercase too.
        if !matches!(byte, b'0'..=b'9' | b'a'..=b'f') {
            return None;
        }
        digits[next] = *byte;
        next += 1;
    }
    let mut id = [0u8; 16];
    hex::decode_to_slice(digits, &mut id).ok()?;
    Some(id)
}

/// The hour of day of a stored timestamp, two digits.
pub fn hour_of(timestamp: &str) -> &str {
    timestamp.get(11..13).unwrap_or("")
}

/// The profile of one identity's events in its baseline window (its `id`
/// empty until sealed).
pub fn profile_of(identity_id: &str, window: &Span, events: IdentityEvents<'_>, version: u64) -> BehaviorProfile {
    // The ids themselves are the leaves: a counted event is proved with an
    // RFC 6962 inclusion proof of its id.
    let mut tree = tlog::TreeBuilder::new();
    for key in events.keys() {
        tree.push(tlog::leaf_hash(&key.event_id_bytes()));
    }
    BehaviorProfile {
        id: String::new(),
        identity_id: identity_id.to_owned(),
        version,
        window: window.window.clone(),
        event_count: events.len() as u64,
        event_types: events.counts(Facet::EventType),
        hosts: events.counts(Facet::Host),
        hours: events.counts(Facet::Hour),
        privileges: events.counts(Facet::Privilege),
        events_root: model::digest::hash_hex(&tree.root()),
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
    let mut id = [0u8; 36];
    profile.id = parts
        .id
        .expect("sealed with an id")
        .hyphenated()
        .encode_lower(&mut id)
        .to_owned();
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
    fn events_root_is_the_merkle_tree_hash_of_the_ids_in_time_order() {
        let ids = [
            "00000000-0000-4000-8000-00000000000c",
            "00000000-0000-4000-8000-00000000000a",
            "00000000-0000-4000-8000-00000000000b",
        ];
        let lines: Vec<String> = ids
            .iter()
            .zip(["09", "08", "10"])
            .map(|(id, hour)| {
                format!(
                    "{{\"event_id\":\"{id}\",\"event_type\":\"login\",\"identity_id\":\"i\",\"timestamp\":\"2026-01-05T{hour}:00:00.000Z\"}}"
                )
            })
            .collect();
        let window = Span::parse("baseline", "2026-01-05", "2026-01-06").unwrap();
        let mut builder = crate::tally::TallyBuilder::new(&["i"], Some(&window), None, lines.len());
        let block: Vec<&[u8]> = lines.iter().map(|l| l.as_bytes()).collect();
        builder.add_lines(&block).unwrap();
        let tallies = builder.finish();
        let profile = profile_of("i", &window, tallies.baseline(0), 1);
        // RFC 6962 §2.1 for three leaves, in time order (08, 09, 10 o'clock):
        // MTH = node(node(leaf(a), leaf(c)), leaf(b)).
        let leaf = |id: &str| tlog::leaf_hash(id.as_bytes());
        let expected = tlog::node_hash(&tlog::node_hash(&leaf(ids[1]), &leaf(ids[0])), &leaf(ids[2]));
        assert_eq!(profile.events_root, hex::encode(expected));
        assert_eq!(profile.event_count, 3);
        assert_eq!(profile.hours.keys().collect::<Vec<_>>(), ["08", "09", "10"]);
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
