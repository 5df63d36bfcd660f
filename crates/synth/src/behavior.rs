//! Identity behaviour with planted drift (seed 003): the input of behaviour profiles and drift deltas.
//!
//! Each identity (a user, or a service account one time in five) has usual
//! sets: 2–4 event types, 1–3 hosts, a contiguous range of 4–8 hours of day
//! (UTC) and 1–2 privileges. Counts are exact so that drift is clean: each
//! of its event types has a per-day count k (1–4), and the baseline window
//! `[start, start + baseline_days)` holds exactly k × `baseline_days` events
//! of that type, the observation window `[start + baseline_days, … +
//! window_days)` exactly k × `window_days` (windows include their start and
//! exclude their end). Every value of every usual set appears in the
//! baseline (the first events take them in turn), and observation events use
//! only values of the usual sets. So, unplanted, the two windows have the
//! same sets and the same per-day rates.
//!
//! A fraction `planted_rate` of the identities (exactly
//! `round(planted_rate × identities)`, chosen at random) get one planted
//! change. Its type is uniform among seed 003's five: the planted identities,
//! in order, take the types in turn from a random first one, so that each
//! type is equally likely for any identity and all five appear as soon as
//! five identities are planted (the default plants two of each).
//!
//! | delta type | what changes in the observation window | `value` |
//! |---|---|---|
//! | `NEW_EVENT_TYPE` | 1–3 added events of a type the identity never had, with usual host, hour and privilege | the event type |
//! | `NEW_HOST` | the host of 1–3 existing events becomes one outside the usual set | the host |
//! | `NEW_TIME_BUCKET` | 1–3 existing events move, within their day, to one hour outside the usual range | the hour of day, two digits (`"22"`) |
//! | `NEW_PRIVILEGE` | the privilege of 1–3 existing events becomes one outside the usual set | the privilege |
//! | `FREQUENCY_SHIFT` | one type's count is multiplied by 0, 2 or 3 | the event type |
//!
//! Changes to existing events change no count; added events are of a type
//! that has no baseline, so it is reported as new rather than as a
//! frequency shift. The ground truth goes to its own writer as one JSON
//! document (identities in order):
//!
//! ```text
//! {"generator":"behavior","seed":"1","baseline_window":{"start":"2026-01-05T00:00:00Z","end":"2026-02-02T00:00:00Z"},
//!  "observation_window":{"start":"2026-02-02T00:00:00Z","end":"2026-02-09T00:00:00Z"},
//!  "frequency_comparison":"per-day rate: baseline count × window_days / baseline_days against the observed count",
//!  "planted":[{"identity_id":"…","delta_type":"FREQUENCY_SHIFT","value":"login","baseline_count":56,"observed_count":42,"event_ids":["…"]},…]}
//! ```
//!
//! (on one line). `baseline_count` and `observed_count` are given for
//! frequency shifts; `event_ids` are the observation events that carry the
//! change (for a frequency shift, every observation event of the type).
//!
//! Events are written identity by identity, each identity's in time order:
//! memory then holds one identity's events, not the file's, and a consumer
//! that wants the whole file in time order sorts it (by timestamp, then
//! `event_id`), as it must anyway for input from elsewhere. Identities go to
//! their own writer, always as JSON Lines (their `attributes` are an object).
//!
//! Streams of the key `behavior`: 0 draws the identities, 1 the events,
//! 2 which identities get a change, and the changes.

use crate::config::{self, Alignment};
use crate::dist::SeededRng;
use crate::output::{RowWriter, numbered, time_text};
use crate::{OutputFormat, SynthError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BehaviorConfig {
    /// Seed of the random draws (recorded as a decimal string).
    #[serde(serialize_with = "config::decimal")]
    pub seed: u64,
    /// Midnight UTC, the start of the baseline window; default 2026-01-05T00:00:00Z.
    #[serde(serialize_with = "config::rfc3339")]
    pub start: DateTime<Utc>,
    /// Number of identities; default 50.
    pub identities: u64,
    /// Days of the baseline window, at least 4; default 28.
    pub baseline_days: u64,
    /// Days of the observation window that follows it; default 7.
    pub window_days: u64,
    /// Fraction of identities with one planted change; default 0.2.
    pub planted_rate: f64,
}

impl Default for BehaviorConfig {
    fn default() -> Self {
        BehaviorConfig {
            seed: 1,
            start: config::default_start(),
            identities: 50,
            baseline_days: 28,
            window_days: 7,
            planted_rate: 0.2,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BehaviorSummary {
    /// Identities written.
    pub identities: u64,
    /// Event rows written.
    pub events: u64,
    /// Events in the baseline window.
    pub baseline_events: u64,
    /// Events in the observation window.
    pub observation_events: u64,
    /// Planted changes per delta type.
    pub planted: BTreeMap<String, u64>,
}

/// Writes the events of `config` to `events` in `format`, the identities
/// to `identities` as JSON Lines, and the planted changes to `planted` as
/// one JSON document.
pub fn generate(
    config: &BehaviorConfig,
    format: OutputFormat,
    events: &mut dyn Write,
    identities: &mut dyn Write,
    planted: &mut dyn Write,
) -> Result<BehaviorSummary, SynthError> {
    let start = check(config)?;
    let mut identity_rng = SeededRng::new("behavior", config.seed, 0);
    let mut event_rng = SeededRng::new("behavior", config.seed, 1);
    let mut plant_rng = SeededRng::new("behavior", config.seed, 2);

    let n_planted = (config.planted_rate * config.identities as f64).round() as u64;
    let mut is_planted = vec![false; config.identities as usize];
    for index in plant_rng.distinct(config.identities, n_planted.min(config.identities)) {
        is_planted[index as usize] = true;
    }
    let first_delta_type = plant_rng.below(5);
    let mut n_planted_so_far = 0u64;

    let observation_start = start + config.baseline_days as i64 * 86_400;
    let observation_end = observation_start + config.window_days as i64 * 86_400;
    let mut planted_writer = PlantedWriter::start(planted, config, start, observation_start, observation_end)?;
    let mut event_writer = RowWriter::new(format, events);
    let mut identity_writer = RowWriter::new(OutputFormat::Jsonl, identities);
    let mut summary = BehaviorSummary {
        identities: 0,
        events: 0,
        baseline_events: 0,
        observation_events: 0,
        planted: DeltaType::ALL.iter().map(|t| (t.name().to_owned(), 0)).collect(),
    };

    for (index, planted) in is_planted.into_iter().enumerate() {
        let identity = Identity::draw(&mut identity_rng, index as u64, config.identities);
        identity_writer.write(&IdentityRow {
            identity_id: &identity.id,
            name: &identity.name,
            kind: identity.kind,
            attributes: &identity.attributes,
        })?;
        summary.identities += 1;

        let change = planted.then(|| {
            let delta_type = DeltaType::ALL[((first_delta_type + n_planted_so_far) % 5) as usize];
            n_planted_so_far += 1;
            Change::plan(&mut plant_rng, &identity, delta_type)
        });
        let mut rows = identity.events(&mut event_rng, config, start, change.as_ref());
        let planted_event = match &change {
            Some(change) => change.apply(&mut plant_rng, &identity, &mut rows, &mut event_rng, config, start),
            None => None,
        };
        rows.sort_by_key(|row| (row.time, row.counter));
        for row in &rows {
            event_writer.write(&BehaviorRow {
                event_id: &row.event_id,
                identity_id: &identity.id,
                timestamp: &time_text(row.time),
                event_type: row.event_type,
                host: &row.host,
                privilege: row.privilege,
            })?;
            summary.events += 1;
            if row.time < observation_start {
                summary.baseline_events += 1;
            } else {
                summary.observation_events += 1;
            }
        }
        if let Some(mut planted) = planted_event {
            planted.event_ids = rows.iter().filter(|r| r.changed).map(|r| r.event_id.clone()).collect();
            planted.identity_id = identity.id.clone();
            *summary.planted.entry(planted.delta_type.to_owned()).or_default() += 1;
            planted_writer.write(&planted)?;
        }
    }
    event_writer.finish()?;
    identity_writer.finish()?;
    planted_writer.finish()?;
    Ok(summary)
}

/// The fields of the `behavior` input format, in order.
#[derive(Serialize)]
struct BehaviorRow<'a> {
    event_id: &'a str,
    identity_id: &'a str,
    timestamp: &'a str,
    event_type: &'a str,
    host: &'a str,
    privilege: &'a str,
}

/// The fields of the `identity` input format, in order.
#[derive(Serialize)]
struct IdentityRow<'a> {
    identity_id: &'a str,
    name: &'a str,
    kind: &'a str,
    attributes: &'a BTreeMap<&'static str, &'static str>,
}

/// One planted change, as the planted file lists it.
#[derive(Serialize)]
struct PlantedChange {
    identity_id: String,
    delta_type: &'static str,
    value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    observed_count: Option<u64>,
    event_ids: Vec<String>,
}

fn check(config: &BehaviorConfig) -> Result<i64, SynthError> {
    config::check_at_least("identities", config.identities, 1)?;
    // Every value of every usual set (up to 8 hours) must appear in the
    // baseline, and an identity has at least 2 events a day.
    config::check_at_least("baseline_days", config.baseline_days, 4)?;
    config::check_at_least("window_days", config.window_days, 1)?;
    config::check_probability("planted_rate", config.planted_rate)?;
    let days = config.baseline_days.saturating_add(config.window_days);
    config::check_start(&config.start, Alignment::Midnight, days.saturating_mul(86_400))
}

const FREQUENCY_COMPARISON: &str =
    "per-day rate: baseline count × window_days / baseline_days against the observed count";

/// Streams the planted document: its header first, then each change as it is
/// made, so that memory does not grow with the number of identities.
struct PlantedWriter<'w> {
    out: std::io::BufWriter<&'w mut dyn Write>,
    n_written: u64,
}

impl<'w> PlantedWriter<'w> {
    fn start(
        out: &'w mut dyn Write,
        config: &BehaviorConfig,
        start: i64,
        observation_start: i64,
        observation_end: i64,
    ) -> Result<Self, SynthError> {
        #[derive(Serialize)]
        struct Window {
            start: String,
            end: String,
        }
        #[derive(Serialize)]
        struct Header {
            generator: &'static str,
            #[serde(serialize_with = "config::decimal")]
            seed: u64,
            baseline_window: Window,
            observation_window: Window,
            frequency_comparison: &'static str,
        }
        let header = serde_json::to_string(&Header {
            generator: "behavior",
            seed: config.seed,
            baseline_window: Window {
                start: time_text(start),
                end: time_text(observation_start),
            },
            observation_window: Window {
                start: time_text(observation_start),
                end: time_text(observation_end),
            },
            frequency_comparison: FREQUENCY_COMPARISON,
        })?;
        // A serialized struct ends with its closing brace; the planted list goes before it.
        let open = header.strip_suffix('}').unwrap_or(&header);
        let mut out = std::io::BufWriter::new(out);
        out.write_all(open.as_bytes())?;
        out.write_all(b",\"planted\":[")?;
        Ok(PlantedWriter { out, n_written: 0 })
    }

    fn write(&mut self, change: &PlantedChange) -> Result<(), SynthError> {
        if self.n_written > 0 {
            self.out.write_all(b",")?;
        }
        serde_json::to_writer(&mut self.out, change)?;
        self.n_written += 1;
        Ok(())
    }

    fn finish(mut self) -> Result<(), SynthError> {
        self.out.write_all(b"]}\n")?;
        self.out.flush()?;
        Ok(())
    }
}

const EVENT_TYPES: [&str; 8] = [
    "login",
    "logout",
    "file_access",
    "process_start",
    "network_access",
    "email_send",
    "db_query",
    "vpn_connect",
];
/// Hosts `host-0001` to `host-0020`.
const N_HOSTS: u64 = 20;
/// Privileges of usual sets; `root` is only ever a planted new privilege.
const PRIVILEGES: [&str; 5] = ["user", "sudo", "docker", "admin", "root"];
const USUAL_PRIVILEGES: u64 = 4;
const DEPARTMENTS: [&str; 6] = ["engineering", "finance", "sales", "support", "legal", "operations"];
const TEAMS: [&str; 4] = ["platform", "data", "payments", "identity"];

fn host_name(index: u64) -> String {
    numbered("host-", index + 1, N_HOSTS, 4)
}

/// The five delta types of seed 003.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DeltaType {
    NewEventType,
    NewHost,
    NewTimeBucket,
    NewPrivilege,
    FrequencyShift,
}

impl DeltaType {
    const ALL: [DeltaType; 5] = [
        DeltaType::NewEventType,
        DeltaType::NewHost,
        DeltaType::NewTimeBucket,
        DeltaType::NewPrivilege,
        DeltaType::FrequencyShift,
    ];

    fn name(self) -> &'static str {
        match self {
            DeltaType::NewEventType => "NEW_EVENT_TYPE",
            DeltaType::NewHost => "NEW_HOST",
            DeltaType::NewTimeBucket => "NEW_TIME_BUCKET",
            DeltaType::NewPrivilege => "NEW_PRIVILEGE",
            DeltaType::FrequencyShift => "FREQUENCY_SHIFT",
        }
    }
}

struct Identity {
    id: String,
    name: String,
    kind: &'static str,
    attributes: BTreeMap<&'static str, &'static str>,
    /// Usual event types (indices into [`EVENT_TYPES`]) with their per-day counts.
    types: Vec<(usize, u64)>,
    /// Usual hosts (indices).
    hosts: Vec<u64>,
    /// First usual hour of day and how many follow it (contiguous).
    first_hour: u64,
    n_hours: u64,
    /// Usual privileges (indices into [`PRIVILEGES`]).
    privileges: Vec<u64>,
}

impl Identity {
    fn draw(rng: &mut SeededRng, index: u64, n_identities: u64) -> Identity {
        let id = rng.uuid_v4();
        let service = rng.bernoulli(0.2);
        let (kind, prefix, attributes) = if service {
            ("service", "svc-", BTreeMap::from([("owner", rng.pick(&TEAMS))]))
        } else {
            (
                "user",
                "user-",
                BTreeMap::from([("department", rng.pick(&DEPARTMENTS))]),
            )
        };
        let n_types = rng.between(2, 4);
        let types = rng
            .distinct(EVENT_TYPES.len() as u64, n_types)
            .into_iter()
            .map(|t| (t as usize, rng.between(1, 4)))
            .collect();
        let n_hosts = rng.between(1, 3);
        let hosts = rng.distinct(N_HOSTS, n_hosts);
        let n_hours = rng.between(4, 8);
        let first_hour = rng.between(0, 24 - n_hours);
        let n_privileges = rng.between(1, 2);
        let privileges = rng.distinct(USUAL_PRIVILEGES, n_privileges);
        Identity {
            id,
            name: numbered(prefix, index + 1, n_identities, 4),
            kind,
            attributes,
            types,
            hosts,
            first_hour,
            n_hours,
            privileges,
        }
    }

    fn usual_hours(&self) -> std::ops::Range<u64> {
        self.first_hour..self.first_hour + self.n_hours
    }

    /// All the identity's events of both windows, with counts as planned
    /// (a frequency shift's factor applied), before any other change.
    fn events(&self, rng: &mut SeededRng, config: &BehaviorConfig, start: i64, change: Option<&Change>) -> Vec<Event> {
        let mut events = Vec::new();
        let mut counter = 0u64;
        let hours: Vec<u64> = self.usual_hours().collect();
        // Baseline: the first events take each usual value in turn, so that
        // every one appears; later ones draw them at random.
        for day in 0..config.baseline_days {
            for &(event_type, per_day) in &self.types {
                for _ in 0..per_day {
                    let nth = counter;
                    let pick = |rng: &mut SeededRng, values: &[u64]| -> u64 {
                        match values.get(nth as usize) {
                            Some(value) => *value,
                            None => rng.pick(values),
                        }
                    };
                    let hour = pick(rng, &hours);
                    let host = pick(rng, &self.hosts);
                    let privilege = pick(rng, &self.privileges);
                    let hour_start = start + (day * 86_400 + hour * 3600) as i64;
                    events.push(Event::new(rng, hour_start, event_type, host, privilege, counter));
                    counter += 1;
                }
            }
        }
        let factor_of = |event_type: usize| match change {
            Some(Change::FrequencyShift {
                event_type: shifted,
                factor,
            }) if *shifted == event_type => *factor,
            _ => 1,
        };
        for day in config.baseline_days..config.baseline_days + config.window_days {
            for &(event_type, per_day) in &self.types {
                for _ in 0..per_day * factor_of(event_type) {
                    let mut event = self.usual_event(rng, start, day, event_type, counter);
                    event.changed = factor_of(event_type) != 1;
                    events.push(event);
                    counter += 1;
                }
            }
        }
        events
    }

    /// An event on `day` with a usual hour, host and privilege, drawn at random.
    fn usual_event(&self, rng: &mut SeededRng, start: i64, day: u64, event_type: usize, counter: u64) -> Event {
        let hour = self.first_hour + rng.below(self.n_hours);
        let host = rng.pick(&self.hosts);
        let privilege = rng.pick(&self.privileges);
        let hour_start = start + (day * 86_400 + hour * 3600) as i64;
        Event::new(rng, hour_start, event_type, host, privilege, counter)
    }
}

/// One generated event before it is spelled out.
struct Event {
    event_id: String,
    time: i64,
    event_type: &'static str,
    host: String,
    privilege: &'static str,
    /// Generation order, the tie-breaker of the sort.
    counter: u64,
    /// Whether the planted change added or altered this event.
    changed: bool,
}

impl Event {
    /// An event at a uniform second of the hour starting at `hour_start`.
    fn new(rng: &mut SeededRng, hour_start: i64, event_type: usize, host: u64, privilege: u64, counter: u64) -> Event {
        let time = hour_start + rng.below(3600) as i64;
        Event {
            event_id: rng.uuid_v4(),
            time,
            event_type: EVENT_TYPES[event_type],
            host: host_name(host),
            privilege: PRIVILEGES[privilege as usize],
            counter,
            changed: false,
        }
    }
}

/// A planted change, chosen before the identity's events are drawn.
enum Change {
    NewEventType,
    NewHost,
    NewTimeBucket,
    NewPrivilege,
    FrequencyShift { event_type: usize, factor: u64 },
}

impl Change {
    fn plan(rng: &mut SeededRng, identity: &Identity, delta_type: DeltaType) -> Change {
        match delta_type {
            DeltaType::NewEventType => Change::NewEventType,
            DeltaType::NewHost => Change::NewHost,
            DeltaType::NewTimeBucket => Change::NewTimeBucket,
            DeltaType::NewPrivilege => Change::NewPrivilege,
            DeltaType::FrequencyShift => Change::FrequencyShift {
                event_type: rng.choose(&identity.types).0,
                factor: rng.pick(&[0, 2, 3]),
            },
        }
    }

    /// Makes the change in `events` (already holding both windows) and
    /// returns its record, without identity and event ids (filled in once
    /// the events are in their final order).
    fn apply(
        &self,
        rng: &mut SeededRng,
        identity: &Identity,
        events: &mut Vec<Event>,
        event_rng: &mut SeededRng,
        config: &BehaviorConfig,
        start: i64,
    ) -> Option<PlantedChange> {
        let record = |delta_type: DeltaType, value: String| PlantedChange {
            identity_id: String::new(),
            delta_type: delta_type.name(),
            value,
            baseline_count: None,
            observed_count: None,
            event_ids: Vec::new(),
        };
        let first_observation = events
            .iter()
            .position(|e| e.time >= start + config.baseline_days as i64 * 86_400);
        let observation = first_observation.unwrap_or(events.len())..events.len();
        // Up to 3 distinct observation events to alter.
        let altered = |rng: &mut SeededRng, events: &mut Vec<Event>| -> Vec<usize> {
            let n = rng.between(1, 3).min(observation.len() as u64);
            rng.distinct(observation.len() as u64, n)
                .into_iter()
                .map(|offset| {
                    let index = observation.start + offset as usize;
                    events[index].changed = true;
                    index
                })
                .collect()
        };
        match self {
            Change::NewEventType => {
                let unused: Vec<usize> = (0..EVENT_TYPES.len())
                    .filter(|t| identity.types.iter().all(|(usual, _)| usual != t))
                    .collect();
                let new_type = rng.pick(&unused);
                for _ in 0..rng.between(1, 3) {
                    let day = config.baseline_days + rng.below(config.window_days);
                    // Counters so far are 0..len, so the next one is len.
                    let counter = events.len() as u64;
                    let mut event = identity.usual_event(event_rng, start, day, new_type, counter);
                    event.changed = true;
                    events.push(event);
                }
                Some(record(DeltaType::NewEventType, EVENT_TYPES[new_type].to_owned()))
            }
            Change::NewHost => {
                let unused: Vec<u64> = (0..N_HOSTS).filter(|h| !identity.hosts.contains(h)).collect();
                let host = host_name(rng.pick(&unused));
                for index in altered(rng, events) {
                    events[index].host = host.clone();
                }
                Some(record(DeltaType::NewHost, host))
            }
            Change::NewTimeBucket => {
                let unused: Vec<u64> = (0..24).filter(|h| !identity.usual_hours().contains(h)).collect();
                let hour = rng.pick(&unused);
                for index in altered(rng, events) {
                    let event = &mut events[index];
                    let day_start = event.time - event.time.rem_euclid(86_400);
                    event.time = day_start + (hour * 3600) as i64 + event.time.rem_euclid(3600);
                }
                Some(record(DeltaType::NewTimeBucket, format!("{hour:02}")))
            }
            Change::NewPrivilege => {
                let unused: Vec<u64> = (0..PRIVILEGES.len() as u64)
                    .filter(|p| !identity.privileges.contains(p))
                    .collect();
                let privilege = PRIVILEGES[rng.pick(&unused) as usize];
                for index in altered(rng, events) {
                    events[index].privilege = privilege;
                }
                Some(record(DeltaType::NewPrivilege, privilege.to_owned()))
            }
            Change::FrequencyShift { event_type, factor } => {
                let per_day = identity
                    .types
                    .iter()
                    .find(|(t, _)| t == event_type)
                    .map_or(0, |(_, k)| *k);
                Some(PlantedChange {
                    baseline_count: Some(per_day * config.baseline_days),
                    observed_count: Some(per_day * config.window_days * factor),
                    ..record(DeltaType::FrequencyShift, EVENT_TYPES[*event_type].to_owned())
                })
            }
        }
    }
}

#[cfg(test)]
mod tests;
