//! Behaviour profiles, drift deltas and delta summaries (seed 003): the
//! records of `profiles.jsonl`, `deltas.jsonl` and `summaries.jsonl`.
//!
//! A profile is what one identity did over a baseline window: its event
//! types with counts, hosts, hours of day and privileges. A delta is one
//! fact about how an observation window differs from a profile; a summary
//! counts the deltas of one computation by type and lists their hashes.
//! They are facts: no field or value judges what changed.
//!
//! ```text
//! {"event_count":84,"event_types":{"login":56,"logout":28},"events_sha256":"<64 hex>","hash":"<64 hex>","hosts":{"host-0004":40,"host-0005":44},"hours":{"08":20,"09":64},"id":"<uuid>","identity_id":"<uuid>","privileges":{"docker":84},"version":1,"window":{"end":"2026-02-02T00:00:00.000Z","start":"2026-01-05T00:00:00.000Z"}}
//! {"baseline_hash":"<64 hex>","baseline_id":"<uuid>","baseline_value":0,"baseline_window":{…},"delta_type":"NEW_HOST","event_ids":["<uuid>"],"hash":"<64 hex>","id":"<uuid>","identity_id":"<uuid>","magnitude":1,"observed_value":1,"thresholds":{"frequency_threshold":0,"observation_window_days":7},"value":"host-0020","window":{…}}
//! ```

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The artifact-id kind of a profile ([`crate::id::artifact_id`]).
pub const PROFILE_ID_KIND: &str = "behavior-profile";
/// The artifact-id kind of a delta.
pub const DELTA_ID_KIND: &str = "behavior-delta";
/// The artifact-id kind of a summary.
pub const SUMMARY_ID_KIND: &str = "delta-summary";

/// A half-open time window `[start, end)`, RFC 3339 UTC with milliseconds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// The first instant inside.
    #[schemars(regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$"))]
    pub start: String,
    /// The first instant after.
    #[schemars(regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$"))]
    pub end: String,
}

/// What one identity did over one baseline window; immutable, versioned per
/// identity. Its `id` is the baseline id deltas cite, its `hash` their
/// baseline hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BehaviorProfile {
    /// Deterministic UUIDv5 of the record's content.
    #[schemars(regex(pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"))]
    pub id: String,
    /// The identity.
    pub identity_id: String,
    /// 1 for the identity's first profile, then one more per new one.
    #[schemars(range(min = 1))]
    pub version: u64,
    /// The baseline window.
    pub window: Window,
    /// Events counted.
    pub event_count: u64,
    /// Events per event type.
    pub event_types: BTreeMap<String, u64>,
    /// Events per host (events without a host are not counted here).
    pub hosts: BTreeMap<String, u64>,
    /// Events per hour of day, UTC, two digits (`"09"`).
    pub hours: BTreeMap<String, u64>,
    /// Events per privilege (events without one are not counted here).
    pub privileges: BTreeMap<String, u64>,
    /// SHA-256, hex, of the counted events' `event_id`s (36 ASCII bytes
    /// each, nothing between them) in (timestamp, event_id) order: which
    /// events these are.
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    pub events_sha256: String,
}

/// The kinds of fact a delta states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeltaType {
    /// An event type the profile does not have was observed.
    NewEventType,
    /// A host the profile does not have was observed.
    NewHost,
    /// An hour of day the profile does not have was observed.
    NewTimeBucket,
    /// A privilege the profile does not have was observed.
    NewPrivilege,
    /// An event type of the profile was observed at another rate.
    FrequencyShift,
}

impl DeltaType {
    /// Every type, in wire order.
    pub const ALL: [DeltaType; 5] = [
        DeltaType::NewEventType,
        DeltaType::NewHost,
        DeltaType::NewTimeBucket,
        DeltaType::NewPrivilege,
        DeltaType::FrequencyShift,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeltaType::NewEventType => "NEW_EVENT_TYPE",
            DeltaType::NewHost => "NEW_HOST",
            DeltaType::NewTimeBucket => "NEW_TIME_BUCKET",
            DeltaType::NewPrivilege => "NEW_PRIVILEGE",
            DeltaType::FrequencyShift => "FREQUENCY_SHIFT",
        }
    }
}

/// The thresholds in effect when deltas were computed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DriftThresholds {
    /// A frequency shift is stated when |magnitude| exceeds this.
    pub frequency_threshold: f64,
    /// The observation window's length in days when its end is not given.
    pub observation_window_days: f64,
}

/// One fact about how an observation window differs from a profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DriftDelta {
    /// Deterministic UUIDv5 of the record's content.
    #[schemars(regex(pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"))]
    pub id: String,
    /// The identity.
    pub identity_id: String,
    /// The kind of fact.
    pub delta_type: DeltaType,
    /// What it is about: the event type, host, hour of day (`"22"`) or privilege.
    pub value: String,
    /// 1 for a presence; for a frequency shift, `observed_value − baseline_value`.
    pub magnitude: f64,
    /// In the profile: the count (for a frequency shift, scaled to the
    /// observation window's length: count × window length / baseline length).
    pub baseline_value: f64,
    /// In the observation window: the count.
    pub observed_value: f64,
    /// The profile compared against (its `id`).
    pub baseline_id: String,
    /// The profile's record hash.
    #[schemars(regex(pattern = "^[0-9a-f]{64}$"))]
    pub baseline_hash: String,
    /// The profile's window.
    pub baseline_window: Window,
    /// The observation window.
    pub window: Window,
    /// The thresholds in effect.
    pub thresholds: DriftThresholds,
    /// The observation events that evidence the fact, in (timestamp,
    /// event_id) order.
    pub event_ids: Vec<String>,
}

/// The deltas of one computation for one identity, counted by type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeltaSummary {
    /// Deterministic UUIDv5 of the record's content.
    #[schemars(regex(pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"))]
    pub id: String,
    /// The identity.
    pub identity_id: String,
    /// The profile compared against.
    pub baseline_id: String,
    /// The profile's record hash.
    #[schemars(regex(pattern = "^[0-9a-f]{64}$"))]
    pub baseline_hash: String,
    /// The observation window.
    pub window: Window,
    /// Deltas per type, every type listed (0 when none).
    pub counts: BTreeMap<DeltaType, u64>,
    /// The deltas' record hashes, in stored order.
    pub delta_hashes: Vec<String>,
}
