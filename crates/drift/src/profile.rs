//! Behaviour profiles: what each identity did over a baseline window,
//! counted, and sealed as immutable versioned records.

use crate::error::DriftError;
use crate::tally::{Facet, FacetCounts, IdentityEvents};
use crate::window::Span;
use model::drift::{BehaviorProfile, PROFILE_ID_KIND, Window};
use model::event::StoredBehaviorEvent;
use model::record::RecordBuilder;
use sha2::{Digest, Sha256};

/// An event as a tally keeps it: its stored time (always
/// `YYYY-MM-DDTHH:MM:SS.fffZ`) as the number its 17 digits spell, and its
/// UUID's 16 bytes. Fixed-width digits order as their number does, so
/// sorting keys sorts by (timestamp, event id), as the texts would; and the
/// hour of day is two of those digits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventKey {
    time: u64,
    id: [u8; 16],
}

/// Where the digits of a stored timestamp are, and what separates them.
const TIME_LAYOUT: &[u8; 24] = b"dddd-dd-ddTdd:dd:dd.dddZ";

/// Two-digit hours of day (and, for a stored time that is not a real one,
/// the other two-digit numbers), `"00"` to `"99"`.
const TWO_DIGITS: &str = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

impl EventKey {
    /// The key of a stored event, or why its time or id is not in the
    /// stored form.
    pub fn of(event: &StoredBehaviorEvent<'_>) -> Result<EventKey, String> {
        EventKey::timed(time_digits(&event.timestamp), event)
    }

    /// [`EventKey::of`] for an event whose time's digits were read already
    /// (`None` if its time is not in the stored form).
    pub(crate) fn timed(time: Option<u64>, event: &StoredBehaviorEvent<'_>) -> Result<EventKey, String> {
        let time = time.ok_or_else(|| format!("timestamp {:?} is not YYYY-MM-DDTHH:MM:SS.fffZ", event.timestamp))?;
        let id = parse_uuid(&event.event_id)
            .ok_or_else(|| format!("event_id {:?} is not a lowercase UUID", event.event_id))?;
        Ok(EventKey { time, id })
    }

    /// The event's stored timestamp.
    pub fn timestamp(&self) -> String {
        let mut digits = self.time;
        let mut text = *TIME_LAYOUT;
        for at in (0..text.len()).rev().filter(|at| TIME_LAYOUT[*at] == b'd') {
            text[at] = b'0' + (digits % 10) as u8;
            digits /= 10;
        }
        String::from_utf8(text.to_vec()).expect("digits and separators are ASCII")
    }

    /// The hour of day as a number (`0..100`, as a stored time that is not
    /// a real one may spell more than 23).
    pub(crate) fn hour_number(&self) -> u32 {
        (self.time / 10_000_000 % 100) as u32
    }

    /// The event id, lowercase hyphenated.
    pub fn event_id(&self) -> String {
        String::from_utf8(self.event_id_bytes().to_vec()).expect("hex digits and hyphens are ASCII")
    }

    /// The event id's text, without allocating.
    pub fn event_id_bytes(&self) -> [u8; 36] {
        let mut out = [0u8; 36];
        uuid::Uuid::from_bytes(self.id).hyphenated().encode_lower(&mut out);
        out
    }
}

/// `number` (below 100) as two digits.
pub(crate) fn two_digits(number: u32) -> &'static str {
    let at = 2 * number as usize;
    &TWO_DIGITS[at..at + 2]
}

/// A lowercase hyphenated UUID's 16 bytes. Millions of these are read per
/// run, so eight digits are decoded at a time, as the bytes of a `u64`.
pub(crate) fn parse_uuid(text: &str) -> Option<[u8; 16]> {
    let bytes: &[u8; 36] = text.as_bytes().try_into().ok()?;
    if [8, 13, 18, 23].iter().any(|at| bytes[*at] != b'-') {
        return None;
    }
    let mut digits = [0u8; 32];
    for (from, to) in [(0..8, 0), (9..13, 8), (14..18, 12), (19..23, 16), (24..36, 20)] {
        digits[to..to + from.len()].copy_from_slice(&bytes[from]);
    }
    let mut id = [0u8; 16];
    for (eight, four) in digits.chunks_exact(8).zip(id.chunks_exact_mut(4)) {
        let eight: [u8; 8] = eight.try_into().expect("chunks of eight");
        four.copy_from_slice(&hex_digits_value(u64::from_le_bytes(eight))?.to_be_bytes());
    }
    Some(id)
}

/// The number that eight lowercase hex digits spell, the first digit in the
/// lowest byte of `digits`; `None` if any byte is not such a digit.
fn hex_digits_value(digits: u64) -> Option<u32> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Per byte: a digit's low four bits are its value, and a letter's
    // (`a` is 0x61) are its value less nine; letters have bit 0x40 set.
    // Any byte gives a value below 0x19 here, so no byte carries into the
    // next below.
    let values = (digits & (0x0f * ONES)) + ((digits >> 6) & ONES) * 9;
    // Every value must be below 16 (`g` would give 16), and writing them
    // back as lowercase digits must give the input: a value of ten or more
    // (bit 4 of it plus six) is a letter, 0x27 past where a digit would be.
    let letters = ((values + 6 * ONES) >> 4) & ONES;
    if values & (0x10 * ONES) != 0 || values + 0x30 * ONES + letters * 0x27 != digits {
        return None;
    }
    // Pairs of values into bytes, then those bytes together, first digit
    // most significant.
    let pairs = ((values << 4) | (values >> 8)) & 0x00ff_00ff_00ff_00ff;
    let quads = (pairs | (pairs >> 8)) & 0x0000_ffff_0000_ffff;
    let bytes = (quads | (quads >> 16)) as u32;
    Some(u32::from_be_bytes(bytes.to_le_bytes()))
}

/// Per eight bytes of a stored time: where its digits go (`0xff` bytes) and
/// its separators, in place.
const TIME_WORDS: [(u64, u64); 3] = time_words();

const fn time_words() -> [(u64, u64); 3] {
    let mut words = [(0u64, 0u64); 3];
    let mut at = 0;
    while at < TIME_LAYOUT.len() {
        let shift = 8 * (at % 8);
        if TIME_LAYOUT[at] == b'd' {
            words[at / 8].0 |= 0xff << shift;
        } else {
            words[at / 8].1 |= (TIME_LAYOUT[at] as u64) << shift;
        }
        at += 1;
    }
    words
}

/// The number the digits of a stored timestamp spell, if it has the
/// stored form.
pub(crate) fn time_digits(timestamp: &str) -> Option<u64> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let bytes: &[u8; 24] = timestamp.as_bytes().try_into().ok()?;
    // Eight bytes are checked at once: a digit is a byte 0x30 to 0x39,
    // that is, its high half is 3 and stays 3 when six is added to it.
    for (word, (digits, separators)) in bytes.chunks_exact(8).zip(TIME_WORDS) {
        let word = u64::from_le_bytes(word.try_into().expect("chunks of eight"));
        let highs = (0xf0 * ONES) & digits;
        let threes = (0x30 * ONES) & digits;
        let places = word & digits;
        if word & !digits != separators
            || places & highs != threes
            || (places + ((0x06 * ONES) & digits)) & highs != threes
        {
            return None;
        }
    }
    // The fields are read apart and summed, rather than as one chain of
    // seventeen multiplications.
    let digit = |at: usize| u64::from(bytes[at] - b'0');
    let two = |at: usize| digit(at) * 10 + digit(at + 1);
    Some(
        (two(0) * 100 + two(2)) * 10_000_000_000_000
            + two(5) * 100_000_000_000
            + two(8) * 1_000_000_000
            + two(11) * 10_000_000
            + two(14) * 100_000
            + two(17) * 1_000
            + digit(20) * 100
            + two(21),
    )
}

/// SHA-256 of the ids of `events`, in their order, each its 36 ASCII
/// bytes. Every id has that length, so the bytes name the events exactly;
/// and anyone can check them with `sha256sum`, given the ids.
fn events_sha256(events: IdentityEvents<'_>) -> [u8; 32] {
    // Sixteen ids (nine blocks) are handed to the hasher at a time rather
    // than one by one.
    const IDS_AT_ONCE: usize = 16;
    let mut hasher = Sha256::new();
    let mut ids = [0u8; 36 * IDS_AT_ONCE];
    let mut filled = 0;
    for key in events.keys() {
        ids[filled..filled + 36].copy_from_slice(&key.event_id_bytes());
        filled += 36;
        if filled == ids.len() {
            hasher.update(ids);
            filled = 0;
        }
    }
    hasher.update(&ids[..filled]);
    hasher.finalize().into()
}

/// The profile of one identity's events in its baseline window (its `id`
/// empty until sealed).
pub fn profile_of(identity_id: &str, window: &Span, events: IdentityEvents<'_>, version: u64) -> BehaviorProfile {
    let mut counts = FacetCounts::default();
    counts.count(events);
    let owned = |facet| {
        counts
            .listed(facet)
            .iter()
            .map(|(name, count)| ((*name).to_owned(), *count))
            .collect()
    };
    BehaviorProfile {
        id: String::new(),
        identity_id: identity_id.to_owned(),
        version,
        window: window.window.clone(),
        event_count: events.len() as u64,
        event_types: owned(Facet::EventType),
        hosts: owned(Facet::Host),
        hours: owned(Facet::Hour),
        privileges: owned(Facet::Privilege),
        events_sha256: model::digest::hash_hex(&events_sha256(events)),
    }
}

/// Whether two profiles describe the same events the same way, whatever
/// their versions and ids.
pub fn same_content(a: &BehaviorProfile, b: &BehaviorProfile) -> bool {
    a.identity_id == b.identity_id
        && a.window == b.window
        && a.event_count == b.event_count
        && a.events_sha256 == b.events_sha256
        && a.event_types == b.event_types
        && a.hosts == b.hosts
        && a.hours == b.hours
        && a.privileges == b.privileges
}

/// A profile's content, borrowed from wherever it is kept: a record's
/// maps, or an identity's tallied events.
struct ProfileContent<'a> {
    identity_id: &'a str,
    version: u64,
    window: &'a Window,
    event_count: u64,
    /// Per [`Facet`], the counts.
    counts: [&'a [(&'a str, u64)]; 4],
    events_sha256: &'a str,
}

/// A profile sealed: its id and hash (its line went to the caller's
/// buffer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealedProfile {
    /// The content id, hyphenated.
    pub id: [u8; 36],
    /// The record hash, hex.
    pub hash_hex: [u8; 64],
    /// The record hash.
    pub hash: [u8; 32],
}

impl SealedProfile {
    /// The content id.
    pub fn id(&self) -> &str {
        std::str::from_utf8(&self.id).expect("a hyphenated UUID is ASCII")
    }

    /// The record hash, hex.
    pub fn hash(&self) -> &str {
        std::str::from_utf8(&self.hash_hex).expect("hex digits are ASCII")
    }
}

/// Writes a profile's canonical bytes directly (the same bytes as sealing
/// its serde form, which a test holds equal), with its content id, and
/// appends its stored line (no newline) to `line`.
fn seal_content(
    content: &ProfileContent<'_>,
    builder: &mut RecordBuilder,
    line: &mut Vec<u8>,
) -> Result<SealedProfile, DriftError> {
    let canonical = |e| DriftError::Record(model::record::RecordError::Canonical(e));
    let [event_types, hosts, hours, privileges] = &content.counts;
    builder.reset();
    builder
        .unsigned("event_count", content.event_count)
        .map_err(canonical)?;
    builder.counts("event_types", event_types).map_err(canonical)?;
    builder.string("events_sha256", content.events_sha256);
    builder.counts("hosts", hosts).map_err(canonical)?;
    builder.counts("hours", hours).map_err(canonical)?;
    builder.string("identity_id", content.identity_id);
    builder.counts("privileges", privileges).map_err(canonical)?;
    builder.unsigned("version", content.version).map_err(canonical)?;
    builder.strings(
        "window",
        &[
            ("end", content.window.end.as_str()),
            ("start", content.window.start.as_str()),
        ],
    );
    let parts = builder.seal(Some(PROFILE_ID_KIND), line);
    let mut id = [0u8; 36];
    parts.id.expect("sealed with an id").hyphenated().encode_lower(&mut id);
    let mut hash_hex = [0u8; 64];
    model::digest::write_hash_hex(&parts.hash, &mut hash_hex);
    Ok(SealedProfile {
        id,
        hash_hex,
        hash: parts.hash,
    })
}

/// Seals the profile of one identity's tallied events straight from the
/// tally, appending its line (no newline) to `line`: the record of
/// [`profile_of`]'s profile, without building its maps (tests hold it to
/// the record of that profile's serde form). The events are counted into
/// `counts`, which holds their counts afterwards.
pub fn seal_tallied<'t>(
    identity_id: &str,
    window: &Span,
    events: IdentityEvents<'t>,
    version: u64,
    counts: &mut FacetCounts<'t>,
    builder: &mut RecordBuilder,
    line: &mut Vec<u8>,
) -> Result<SealedProfile, DriftError> {
    counts.count(events);
    let mut events_hex = [0u8; 64];
    model::digest::write_hash_hex(&events_sha256(events), &mut events_hex);
    seal_content(
        &ProfileContent {
            identity_id,
            version,
            window: &window.window,
            event_count: events.len() as u64,
            counts: Facet::ALL.map(|facet| counts.listed(facet)),
            events_sha256: std::str::from_utf8(&events_hex).expect("hex digits are ASCII"),
        },
        builder,
        line,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::record::SealedRecord;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn listed(map: &BTreeMap<String, u64>) -> Vec<(&str, u64)> {
        map.iter().map(|(k, v)| (k.as_str(), *v)).collect()
    }

    /// Gives a profile its content id and seals it through the same writer,
    /// from its maps.
    fn seal_profile(
        mut profile: BehaviorProfile,
        builder: &mut RecordBuilder,
    ) -> Result<(BehaviorProfile, SealedRecord), DriftError> {
        let mut line = Vec::new();
        let sealed = seal_content(
            &ProfileContent {
                identity_id: &profile.identity_id,
                version: profile.version,
                window: &profile.window,
                event_count: profile.event_count,
                counts: [
                    &listed(&profile.event_types),
                    &listed(&profile.hosts),
                    &listed(&profile.hours),
                    &listed(&profile.privileges),
                ],
                events_sha256: &profile.events_sha256,
            },
            builder,
            &mut line,
        )?;
        profile.id = sealed.id().to_owned();
        let line = String::from_utf8(line).expect("canonical JSON is UTF-8");
        Ok((
            profile,
            SealedRecord {
                line,
                hash: sealed.hash,
            },
        ))
    }

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
                events_sha256: "ab".repeat(32),
            };
            let direct = seal_profile(profile.clone(), &mut RecordBuilder::new()).unwrap();
            let reference = crate::seal::seal_with_id(profile, PROFILE_ID_KIND, |p, id| p.id = id).unwrap();
            prop_assert_eq!(direct, reference);
        }
    }

    /// The events of identity `i` on 2026-01-05, tallied.
    fn tallied_day(lines: &[String]) -> (Span, crate::tally::WindowTallies) {
        let window = Span::parse("baseline", "2026-01-05", "2026-01-06").unwrap();
        let mut builder = crate::tally::TallyBuilder::new(&["i"], Some(&window), None, lines.len());
        let block: Vec<&[u8]> = lines.iter().map(|l| l.as_bytes()).collect();
        builder.add_lines(&block).unwrap();
        let tallies = builder.finish();
        (window, tallies)
    }

    proptest! {
        /// A profile sealed straight from its tally is the record of the
        /// profile built from it, sealed.
        #[test]
        fn sealing_from_the_tally_seals_what_the_profile_seals(
            events in proptest::collection::vec(
                (0..4usize, proptest::option::of(0..4usize), proptest::option::of(0..4usize), 0..24u32),
                1..20,
            ),
            version in 1..5u64,
        ) {
            // Names whose UTF-16 and byte orders differ, and one to escape.
            let names = ["a", "\u{fb01}", "\u{1f600}", "q\"uote"];
            let lines: Vec<String> = events
                .iter()
                .enumerate()
                .map(|(n, (kind, host, privilege, hour))| {
                    let mut event = serde_json::json!({
                        "event_id": format!("00000000-0000-4000-8000-{n:012x}"),
                        "event_type": names[*kind],
                        "identity_id": "i",
                        "timestamp": format!("2026-01-05T{hour:02}:00:00.000Z"),
                    });
                    if let Some(host) = host {
                        event["host"] = names[*host].into();
                    }
                    if let Some(privilege) = privilege {
                        event["privilege"] = names[*privilege].into();
                    }
                    event.to_string()
                })
                .collect();
            let (window, tallies) = tallied_day(&lines);
            let events = tallies.baseline(0);
            // Appended after what the buffer already holds.
            let mut line = b"before".to_vec();
            let direct = seal_tallied("i", &window, events, version, &mut FacetCounts::default(), &mut RecordBuilder::new(), &mut line).unwrap();
            let (profile, record) =
                seal_profile(profile_of("i", &window, events, version), &mut RecordBuilder::new()).unwrap();
            prop_assert_eq!(&line[..6], b"before");
            prop_assert_eq!(&line[6..], record.line.as_bytes());
            prop_assert_eq!(direct.hash, record.hash);
            prop_assert_eq!(direct.id(), profile.id.as_str());
            prop_assert_eq!(direct.hash(), hex::encode(record.hash));
        }
    }

    /// Identity `i`'s profile of logins on 2026-01-05, each an event id and
    /// its `HH:MM`.
    fn profile_of_logins(logins: &[(&str, String)]) -> BehaviorProfile {
        let lines: Vec<String> = logins
            .iter()
            .map(|(id, time)| {
                format!(
                    "{{\"event_id\":\"{id}\",\"event_type\":\"login\",\"identity_id\":\"i\",\"timestamp\":\"2026-01-05T{time}:00.000Z\"}}"
                )
            })
            .collect();
        let (window, tallies) = tallied_day(&lines);
        profile_of("i", &window, tallies.baseline(0), 1)
    }

    #[test]
    fn events_sha256_covers_every_id_however_many() {
        for count in [0, 1, 15, 16, 17, 32, 40] {
            let ids: Vec<String> = (0..count)
                .map(|n| format!("00000000-0000-4000-8000-{n:012x}"))
                .collect();
            let logins: Vec<(&str, String)> = ids
                .iter()
                .enumerate()
                .map(|(n, id)| (id.as_str(), format!("09:{n:02}")))
                .collect();
            assert_eq!(
                profile_of_logins(&logins).events_sha256,
                model::digest::sha256_hex(ids.concat().as_bytes()),
                "{count}"
            );
        }
    }

    #[test]
    fn events_sha256_is_the_hash_of_the_ids_in_time_order() {
        let ids = [
            "00000000-0000-4000-8000-00000000000c",
            "00000000-0000-4000-8000-00000000000a",
            "00000000-0000-4000-8000-00000000000b",
        ];
        let logins: Vec<(&str, String)> = ids
            .iter()
            .zip(["09:00", "08:00", "10:00"])
            .map(|(id, time)| (*id, time.to_owned()))
            .collect();
        let profile = profile_of_logins(&logins);
        // In time order (08, 09, 10 o'clock): `printf '%s' <…0a> <…0c> <…0b>
        // | sha256sum` gives this.
        assert_eq!(
            profile.events_sha256,
            "f9f0e5361ed0f2fda5171bc397f34b139ae1b8f496c123f832f0a290a9ec7397"
        );
        assert_eq!(profile.event_count, 3);
        assert_eq!(profile.hours.keys().collect::<Vec<_>>(), ["08", "09", "10"]);
    }

    /// What eight bytes spell as lowercase hex digits, one at a time.
    fn hex_reference(bytes: [u8; 8]) -> Option<u32> {
        bytes.iter().try_fold(0u32, |value, byte| {
            let digit = match byte {
                b'0'..=b'9' => byte - b'0',
                b'a'..=b'f' => byte - b'a' + 10,
                _ => return None,
            };
            Some(value << 4 | u32::from(digit))
        })
    }

    #[test]
    fn every_byte_in_every_place_reads_as_one_at_a_time() {
        for place in 0..8 {
            for byte in 0..=255u8 {
                let mut bytes = *b"0f9a5c3e";
                bytes[place] = byte;
                assert_eq!(
                    hex_digits_value(u64::from_le_bytes(bytes)),
                    hex_reference(bytes),
                    "{bytes:?}"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn any_eight_bytes_read_as_one_at_a_time(bytes in any::<[u8; 8]>(), digits in "[0-9a-f]{8}") {
            prop_assert_eq!(hex_digits_value(u64::from_le_bytes(bytes)), hex_reference(bytes));
            let digits: [u8; 8] = digits.as_bytes().try_into().unwrap();
            prop_assert_eq!(hex_digits_value(u64::from_le_bytes(digits)), hex_reference(digits));
        }

        #[test]
        fn uuids_read_as_the_uuid_crate_reads_them(id in any::<u128>(), flip in 0..36usize, to in any::<u8>()) {
            let text = uuid::Uuid::from_u128(id).hyphenated().to_string();
            prop_assert_eq!(parse_uuid(&text), Some(id.to_be_bytes()));
            let mut changed = text.into_bytes();
            changed[flip] = to;
            let expected = std::str::from_utf8(&changed)
                .ok()
                .filter(|t| t.bytes().all(|b| !b.is_ascii_uppercase()))
                .and_then(|t| uuid::Uuid::try_parse(t).ok())
                .filter(|u| u.hyphenated().to_string().as_bytes() == changed.as_slice())
                .map(|u| u.as_u128().to_be_bytes());
            prop_assert_eq!(std::str::from_utf8(&changed).ok().and_then(parse_uuid), expected);
        }
    }

    /// A stored time's number digit by digit, checking each byte.
    fn time_reference(bytes: &[u8]) -> Option<u64> {
        if bytes.len() != TIME_LAYOUT.len() {
            return None;
        }
        bytes
            .iter()
            .zip(TIME_LAYOUT)
            .try_fold(0u64, |time, (byte, expected)| match expected {
                b'd' if byte.is_ascii_digit() => Some(time * 10 + u64::from(byte - b'0')),
                b'd' => None,
                separator if byte == separator => Some(time),
                _ => None,
            })
    }

    #[test]
    fn every_byte_in_every_place_of_a_time_reads_as_one_at_a_time() {
        for place in 0..TIME_LAYOUT.len() {
            for byte in 0..=255u8 {
                let mut bytes = *b"2026-11-21T09:58:37.406Z";
                bytes[place] = byte;
                let Ok(text) = std::str::from_utf8(&bytes) else {
                    continue;
                };
                assert_eq!(time_digits(text), time_reference(&bytes), "{text:?}");
            }
        }
        assert_eq!(time_digits("9999-99-99T99:99:99.999Z"), Some(99_999_999_999_999_999));
        assert_eq!(time_digits("0000-00-00T00:00:00.000Z"), Some(0));
        assert_eq!(time_digits("2026-11-21T09:58:37.406"), None);
    }

    proptest! {
        #[test]
        fn any_text_reads_as_one_digit_at_a_time(text in "[0-9:.TZ-]{23,25}", digits in "[0-9]{17}") {
            prop_assert_eq!(time_digits(&text), time_reference(text.as_bytes()));
            let time = format!(
                "{}-{}-{}T{}:{}:{}.{}Z",
                &digits[0..4], &digits[4..6], &digits[6..8], &digits[8..10], &digits[10..12], &digits[12..14], &digits[14..17]
            );
            prop_assert_eq!(time_digits(&time), Some(digits.parse::<u64>().unwrap()));
        }
    }

    #[test]
    fn two_digits_spell_every_number_below_a_hundred() {
        for n in 0..100 {
            assert_eq!(&TWO_DIGITS[2 * n..2 * n + 2], format!("{n:02}"));
        }
    }

    proptest! {
        /// A stored time's key gives it back, orders as the text does and
        /// names its hour; any other text is refused.
        #[test]
        fn times_read_back_order_and_give_their_hour(
            a in "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z",
            b in "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z",
            flip in 0..24usize,
            to in proptest::char::any(),
        ) {
            let key = |time: &str| time_digits(time).map(|time| EventKey { time, id: [0; 16] });
            let (ka, kb) = (key(&a).unwrap(), key(&b).unwrap());
            prop_assert_eq!(ka.timestamp(), a.clone());
            prop_assert_eq!(ka.cmp(&kb), a.cmp(&b));
            prop_assert_eq!(two_digits(ka.hour_number()), &a[11..13]);
            let mut changed: Vec<char> = a.chars().collect();
            changed[flip] = to;
            let changed: String = changed.into_iter().collect();
            let same_shape = changed.len() == 24
                && changed.bytes().zip(TIME_LAYOUT).all(|(c, l)| if *l == b'd' { c.is_ascii_digit() } else { c == *l });
            prop_assert_eq!(key(&changed).is_some(), same_shape);
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
