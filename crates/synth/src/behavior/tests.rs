//! Tests of the behaviour generator, with a test-only reimplementation of seed 003's five delta rules.

use super::*;
use crate::decode::{self, OrderedObject};
use std::collections::BTreeSet;

const FIELDS: [&str; 6] = [
    "event_id",
    "identity_id",
    "timestamp",
    "event_type",
    "host",
    "privilege",
];

struct Output {
    events: Vec<u8>,
    identities: Vec<u8>,
    planted: Vec<u8>,
    summary: BehaviorSummary,
}

fn run(config: &BehaviorConfig, format: OutputFormat) -> Output {
    let (mut events, mut identities, mut planted) = (Vec::new(), Vec::new(), Vec::new());
    let summary = generate(config, format, &mut events, &mut identities, &mut planted).unwrap();
    Output {
        events,
        identities,
        planted,
        summary,
    }
}

fn small() -> BehaviorConfig {
    BehaviorConfig {
        identities: 12,
        planted_rate: 0.5,
        ..BehaviorConfig::default()
    }
}

fn planted_document(bytes: &[u8]) -> OrderedObject {
    let text = std::str::from_utf8(bytes).unwrap();
    assert!(text.ends_with("}\n") && text.lines().count() == 1);
    serde_json::from_str(text).unwrap()
}

/// (identity_id, delta_type, value)
type Delta = (String, String, String);

/// Seed 003's delta rules, written again from its README: per identity, the
/// sets of the baseline window against those of the observation window
/// (a value seen only in the observation is new), and per event type of the
/// baseline, its count per window length (a FREQUENCY_SHIFT whenever the
/// per-day rates differ at all: UBA_DRIFT_FREQUENCY_THRESHOLD = 0).
fn deltas(events: &[OrderedObject], observation_start: &str, baseline_days: u64, window_days: u64) -> BTreeSet<Delta> {
    #[derive(Default)]
    struct Window {
        types: BTreeMap<String, u64>,
        hosts: BTreeSet<String>,
        hours: BTreeSet<String>,
        privileges: BTreeSet<String>,
    }
    let mut windows: BTreeMap<String, (Window, Window)> = BTreeMap::new();
    for event in events {
        let (baseline, observation) = windows.entry(event.str("identity_id").to_owned()).or_default();
        let timestamp = event.str("timestamp");
        let window = if timestamp < observation_start {
            baseline
        } else {
            observation
        };
        *window.types.entry(event.str("event_type").to_owned()).or_default() += 1;
        window.hosts.insert(event.str("host").to_owned());
        window.hours.insert(timestamp[11..13].to_owned());
        window.privileges.insert(event.str("privilege").to_owned());
    }
    let mut found = BTreeSet::new();
    for (identity, (baseline, observation)) in windows {
        let mut new = |delta_type: &str, base: BTreeSet<&String>, observed: BTreeSet<&String>| {
            for value in observed.difference(&base) {
                found.insert((identity.clone(), delta_type.to_owned(), (*value).clone()));
            }
        };
        new(
            "NEW_EVENT_TYPE",
            baseline.types.keys().collect(),
            observation.types.keys().collect(),
        );
        new(
            "NEW_HOST",
            baseline.hosts.iter().collect(),
            observation.hosts.iter().collect(),
        );
        new(
            "NEW_TIME_BUCKET",
            baseline.hours.iter().collect(),
            observation.hours.iter().collect(),
        );
        new(
            "NEW_PRIVILEGE",
            baseline.privileges.iter().collect(),
            observation.privileges.iter().collect(),
        );
        for (event_type, base_count) in &baseline.types {
            let observed = observation.types.get(event_type).copied().unwrap_or(0);
            // base × window_days / baseline_days ≠ observed, in integers.
            if base_count * window_days != observed * baseline_days {
                found.insert((identity.clone(), "FREQUENCY_SHIFT".to_owned(), event_type.clone()));
            }
        }
    }
    found
}

#[test]
fn same_config_same_bytes_other_seed_other_bytes() {
    for format in [OutputFormat::Jsonl, OutputFormat::Csv] {
        let first = run(&small(), format);
        let again = run(&small(), format);
        assert_eq!(first.events, again.events);
        assert_eq!(first.identities, again.identities);
        assert_eq!(first.planted, again.planted);
        let other = run(&BehaviorConfig { seed: 2, ..small() }, format);
        assert_ne!(first.events, other.events);
        assert_ne!(first.identities, other.identities);
        assert_ne!(first.planted, other.planted);
    }
}

#[test]
fn csv_and_jsonl_carry_the_same_rows() {
    let jsonl = run(&small(), OutputFormat::Jsonl);
    let csv = run(&small(), OutputFormat::Csv);
    decode::assert_same_rows(&jsonl.events, &csv.events, &FIELDS);
    // Identities and ground truth do not depend on the events' encoding.
    assert_eq!(jsonl.identities, csv.identities);
    assert_eq!(jsonl.planted, csv.planted);
}

#[test]
fn identities_have_the_identity_format() {
    let output = run(&small(), OutputFormat::Jsonl);
    let identities = decode::jsonl(&output.identities);
    assert_eq!(identities.len(), 12);
    assert_eq!(output.summary.identities, 12);
    let mut ids = BTreeSet::new();
    for (index, identity) in identities.iter().enumerate() {
        assert_eq!(identity.keys(), ["identity_id", "name", "kind", "attributes"]);
        let id = identity.str("identity_id");
        let parsed = uuid::Uuid::parse_str(id).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
        assert_eq!(parsed.hyphenated().to_string(), id);
        assert!(ids.insert(id.to_owned()));
        let (prefix, attribute) = match identity.str("kind") {
            "user" => ("user-", "department"),
            "service" => ("svc-", "owner"),
            other => panic!("unknown kind {other}"),
        };
        assert_eq!(identity.str("name"), format!("{prefix}{:04}", index + 1));
        let attributes = identity.get("attributes").as_object().unwrap();
        assert_eq!(attributes.keys().collect::<Vec<_>>(), [attribute]);
    }
}

#[test]
fn events_are_identity_major_and_in_time_order_within_each_identity() {
    let config = small();
    let output = run(&config, OutputFormat::Jsonl);
    let events = decode::jsonl(&output.events);
    let identity_order: Vec<String> = decode::jsonl(&output.identities)
        .iter()
        .map(|i| i.str("identity_id").to_owned())
        .collect();
    let mut seen_order: Vec<String> = Vec::new();
    let mut event_ids = BTreeSet::new();
    for pair in events.windows(2) {
        if pair[0].str("identity_id") == pair[1].str("identity_id") {
            assert!(pair[0].str("timestamp") <= pair[1].str("timestamp"));
        }
    }
    for event in &events {
        assert_eq!(event.keys(), FIELDS);
        assert!(
            event_ids.insert(event.str("event_id").to_owned()),
            "event ids are unique"
        );
        assert_eq!(
            uuid::Uuid::parse_str(event.str("event_id")).unwrap().get_version_num(),
            4
        );
        if seen_order.last().map(String::as_str) != Some(event.str("identity_id")) {
            seen_order.push(event.str("identity_id").to_owned());
        }
        let timestamp = event.str("timestamp");
        assert!(
            ("2026-01-05T00:00:00Z".."2026-02-09T00:00:00Z").contains(&timestamp),
            "{timestamp}"
        );
    }
    assert_eq!(seen_order, identity_order);
    assert_eq!(events.len() as u64, output.summary.events);
    let baseline = events.iter().filter(|e| e.str("timestamp") < "2026-02-02").count() as u64;
    assert_eq!(baseline, output.summary.baseline_events);
    assert_eq!(events.len() as u64 - baseline, output.summary.observation_events);
}

#[test]
fn the_deltas_found_are_exactly_the_planted_ones() {
    // Short baselines too, where only taking the usual values in turn shows them all.
    for (seed, baseline_days, window_days) in [(1, 4, 1), (2, 5, 2), (3, 7, 7), (4, 14, 3), (5, 21, 5), (6, 28, 7)] {
        let config = BehaviorConfig {
            seed,
            identities: 40,
            planted_rate: 0.4,
            baseline_days,
            window_days,
            ..BehaviorConfig::default()
        };
        let output = run(&config, OutputFormat::Jsonl);
        let events = decode::jsonl(&output.events);
        let document = planted_document(&output.planted);
        let observation_start = document.get("observation_window")["start"].as_str().unwrap().to_owned();
        let found = deltas(&events, &observation_start, config.baseline_days, config.window_days);

        let planted = document.get("planted").as_array().unwrap();
        assert_eq!(planted.len(), 16, "round(0.4 × 40) identities get a change");
        let expected: BTreeSet<Delta> = planted
            .iter()
            .map(|p| {
                let text = |key: &str| p[key].as_str().unwrap().to_owned();
                (text("identity_id"), text("delta_type"), text("value"))
            })
            .collect();
        assert_eq!(found, expected, "seed {seed}");

        // Each planted record points at observation events of its identity that carry the change.
        for record in planted {
            let identity = record["identity_id"].as_str().unwrap();
            let delta_type = record["delta_type"].as_str().unwrap();
            let value = record["value"].as_str().unwrap();
            let ids: Vec<&str> = record["event_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            for id in &ids {
                let event = events.iter().find(|e| e.str("event_id") == *id).unwrap();
                assert_eq!(event.str("identity_id"), identity);
                assert!(event.str("timestamp") >= observation_start.as_str());
                let carried = match delta_type {
                    "NEW_EVENT_TYPE" | "FREQUENCY_SHIFT" => event.str("event_type"),
                    "NEW_HOST" => event.str("host"),
                    "NEW_TIME_BUCKET" => &event.str("timestamp")[11..13],
                    "NEW_PRIVILEGE" => event.str("privilege"),
                    other => panic!("unknown delta type {other}"),
                };
                assert_eq!(carried, value);
            }
            if delta_type == "FREQUENCY_SHIFT" {
                let count = |in_observation: bool| {
                    events
                        .iter()
                        .filter(|e| e.str("identity_id") == identity && e.str("event_type") == value)
                        .filter(|e| (e.str("timestamp") >= observation_start.as_str()) == in_observation)
                        .count() as u64
                };
                assert_eq!(record["baseline_count"].as_u64(), Some(count(false)));
                assert_eq!(record["observed_count"].as_u64(), Some(count(true)));
                assert_eq!(ids.len() as u64, count(true));
            } else {
                assert!((1..=3).contains(&ids.len()), "{record}");
                assert!(record.get("baseline_count").is_none());
            }
        }
    }
}

#[test]
fn all_five_delta_types_get_planted() {
    let config = BehaviorConfig {
        identities: 200,
        planted_rate: 0.5,
        baseline_days: 7,
        window_days: 2,
        ..BehaviorConfig::default()
    };
    let output = run(&config, OutputFormat::Jsonl);
    assert_eq!(output.summary.planted.values().sum::<u64>(), 100);
    // Planted identities take the types in turn.
    for delta_type in DeltaType::ALL {
        assert_eq!(
            output.summary.planted[delta_type.name()],
            20,
            "{:?}",
            output.summary.planted
        );
    }
    let default = run(&BehaviorConfig::default(), OutputFormat::Jsonl);
    assert!(
        default.summary.planted.values().all(|n| *n == 2),
        "{:?}",
        default.summary.planted
    );
    let events = decode::jsonl(&output.events);
    let found = deltas(&events, "2026-01-12T00:00:00Z", 7, 2);
    let mut per_type: BTreeMap<String, u64> = BTreeMap::new();
    for (_, delta_type, _) in &found {
        *per_type.entry(delta_type.clone()).or_default() += 1;
    }
    assert_eq!(per_type, output.summary.planted);
}

#[test]
fn the_planted_document_has_its_documented_shape() {
    let output = run(&BehaviorConfig { seed: 9, ..small() }, OutputFormat::Jsonl);
    let document = planted_document(&output.planted);
    assert_eq!(
        document.keys(),
        [
            "generator",
            "seed",
            "baseline_window",
            "observation_window",
            "frequency_comparison",
            "planted"
        ]
    );
    assert_eq!(document.str("generator"), "behavior");
    assert_eq!(document.str("seed"), "9");
    assert_eq!(
        document.get("baseline_window"),
        &serde_json::json!({"start": "2026-01-05T00:00:00Z", "end": "2026-02-02T00:00:00Z"})
    );
    assert_eq!(
        document.get("observation_window"),
        &serde_json::json!({"start": "2026-02-02T00:00:00Z", "end": "2026-02-09T00:00:00Z"})
    );
    assert_eq!(document.str("frequency_comparison"), FREQUENCY_COMPARISON);
    let identities: Vec<String> = decode::jsonl(&output.identities)
        .iter()
        .map(|i| i.str("identity_id").to_owned())
        .collect();
    let planted = document.get("planted").as_array().unwrap();
    assert_eq!(planted.len(), 6);
    let positions: Vec<usize> = planted
        .iter()
        .map(|p| {
            identities
                .iter()
                .position(|id| id == p["identity_id"].as_str().unwrap())
                .unwrap()
        })
        .collect();
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "in identity order");

    let none = run(
        &BehaviorConfig {
            planted_rate: 0.0,
            ..small()
        },
        OutputFormat::Jsonl,
    );
    assert!(
        planted_document(&none.planted)
            .get("planted")
            .as_array()
            .unwrap()
            .is_empty()
    );
    let events = decode::jsonl(&none.events);
    assert!(deltas(&events, "2026-02-02T00:00:00Z", 28, 7).is_empty());
    let all = run(
        &BehaviorConfig {
            planted_rate: 1.0,
            ..small()
        },
        OutputFormat::Jsonl,
    );
    assert_eq!(
        planted_document(&all.planted).get("planted").as_array().unwrap().len(),
        12
    );
}

#[test]
fn refused_configs_say_which_field() {
    let check = |config: BehaviorConfig, expect: &str| {
        let (mut events, mut identities, mut planted) = (Vec::new(), Vec::new(), Vec::new());
        let error = generate(&config, OutputFormat::Jsonl, &mut events, &mut identities, &mut planted).unwrap_err();
        assert_eq!(error.to_string(), expect);
        assert!(events.is_empty() && identities.is_empty() && planted.is_empty());
    };
    check(
        BehaviorConfig {
            identities: 0,
            ..small()
        },
        "invalid config: field `identities`: expected at least 1, found 0",
    );
    check(
        BehaviorConfig {
            baseline_days: 3,
            ..small()
        },
        "invalid config: field `baseline_days`: expected at least 4, found 3",
    );
    check(
        BehaviorConfig {
            window_days: 0,
            ..small()
        },
        "invalid config: field `window_days`: expected at least 1, found 0",
    );
    check(
        BehaviorConfig {
            planted_rate: 2.0,
            ..small()
        },
        "invalid config: field `planted_rate`: expected a probability from 0 to 1, found 2",
    );
}
