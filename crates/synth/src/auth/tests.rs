//! Tests of the auth generator: determinism, the benign shape, and each injector's shape.

use super::*;
use crate::decode::{self, OrderedObject};
use std::collections::BTreeSet;

const FIELDS: [&str; 10] = [
    "timestamp",
    "user_id",
    "ip_address",
    "endpoint",
    "status_code",
    "location",
    "device_fingerprint",
    "bytes_transferred",
    "is_attack",
    "attack_type",
];

fn run(config: &AuthConfig, format: OutputFormat) -> (Vec<u8>, AuthSummary) {
    let mut out = Vec::new();
    let summary = generate(config, format, &mut out).unwrap();
    (out, summary)
}

fn rows(config: &AuthConfig) -> (Vec<OrderedObject>, AuthSummary) {
    let (out, summary) = run(config, OutputFormat::Jsonl);
    (decode::jsonl(&out), summary)
}

fn small() -> AuthConfig {
    AuthConfig {
        n_users: 30,
        n_days: 3,
        attack_rate: 0.05,
        ..AuthConfig::default()
    }
}

/// Enough attacks for several campaigns of each kind.
fn attack_heavy() -> AuthConfig {
    AuthConfig {
        n_users: 120,
        n_days: 14,
        attack_rate: 0.1,
        seed: 7,
        ..AuthConfig::default()
    }
}

fn of_type<'a>(rows: &'a [OrderedObject], attack_type: &str) -> Vec<&'a OrderedObject> {
    rows.iter().filter(|r| r.str("attack_type") == attack_type).collect()
}

/// Attack rows grouped by campaign: each campaign has its own attack IP,
/// except device anomalies, which come from ordinary IPs and are grouped by user.
fn campaigns<'a>(rows: &[&'a OrderedObject], key: &str) -> BTreeMap<String, Vec<&'a OrderedObject>> {
    let mut groups: BTreeMap<String, Vec<&OrderedObject>> = BTreeMap::new();
    for row in rows {
        groups.entry(row.str(key).to_owned()).or_default().push(row);
    }
    groups
}

fn seconds(timestamp: &str) -> i64 {
    DateTime::parse_from_rfc3339(timestamp).unwrap().timestamp()
}

#[test]
fn same_config_same_bytes_other_seed_other_bytes() {
    for format in [OutputFormat::Jsonl, OutputFormat::Csv] {
        let (first, _) = run(&small(), format);
        assert_eq!(first, run(&small(), format).0);
        assert_ne!(first, run(&AuthConfig { seed: 2, ..small() }, format).0);
    }
}

#[test]
fn csv_and_jsonl_carry_the_same_rows() {
    let (jsonl, _) = run(&small(), OutputFormat::Jsonl);
    let (csv, _) = run(&small(), OutputFormat::Csv);
    decode::assert_same_rows(&jsonl, &csv, &FIELDS);
}

#[test]
fn labels_are_consistent_and_every_injector_appears() {
    let (rows, summary) = rows(&attack_heavy());
    assert_eq!(rows.len() as u64, summary.events);
    let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
    for row in &rows {
        assert_eq!(row.keys(), FIELDS);
        let is_attack = row.get("is_attack").as_bool().unwrap();
        let attack_type = row.str("attack_type");
        assert_eq!(is_attack, attack_type != "none", "{row:?}");
        *by_type.entry(attack_type.to_owned()).or_default() += 1;
    }
    assert_eq!(by_type.remove("none"), Some(summary.benign_events));
    assert_eq!(by_type, summary.attack_events_by_type);
    for kind in ["brute_force", "credential_stuffing", "geo_anomaly", "device_anomaly"] {
        assert!(summary.attack_events_by_type[kind] > 0, "{kind}");
        assert!(summary.campaigns[kind] >= 2, "{kind}: {:?}", summary.campaigns);
    }
    // Kinds are taken in turn.
    let counts: Vec<u64> = summary.campaigns.values().copied().collect();
    assert!(
        counts.iter().max().unwrap() - counts.iter().min().unwrap() <= 1,
        "{counts:?}"
    );
}

#[test]
fn rows_are_sorted_by_time_user_and_ip() {
    let (rows, _) = rows(&attack_heavy());
    let keys: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r.str("timestamp"), r.str("user_id"), r.str("ip_address")))
        .collect();
    assert!(keys.windows(2).all(|pair| pair[0] <= pair[1]));
}

#[test]
fn brute_force_is_one_ip_one_user_within_an_hour_ending_in_success() {
    let (rows, summary) = rows(&attack_heavy());
    let groups = campaigns(&of_type(&rows, "brute_force"), "ip_address");
    assert_eq!(groups.len() as u64, summary.campaigns["brute_force"]);
    for (ip, events) in groups {
        assert!(ip.starts_with("attack_ip_"), "{ip}");
        assert!((50..=200).contains(&events.len()), "{}", events.len());
        let users: BTreeSet<&str> = events.iter().map(|r| r.str("user_id")).collect();
        assert_eq!(users.len(), 1);
        let hours: BTreeSet<&str> = events.iter().map(|r| &r.str("timestamp")[..13]).collect();
        assert_eq!(hours.len(), 1, "{hours:?}");
        let (last, failures) = events.split_last().unwrap();
        assert_eq!(last.u64("status_code"), 200);
        assert!(failures.iter().all(|r| r.u64("status_code") == 401));
        assert!(events.iter().all(|r| r.str("endpoint") == "/api/v1/login"));
        let locations: BTreeSet<&str> = events.iter().map(|r| r.str("location")).collect();
        assert_eq!(locations.len(), 1);
        assert!(BRUTE_FORCE_LOCATIONS.contains(locations.first().unwrap()));
    }
}

#[test]
fn credential_stuffing_is_one_ip_against_many_users_over_the_day() {
    let (rows, summary) = rows(&attack_heavy());
    let groups = campaigns(&of_type(&rows, "credential_stuffing"), "ip_address");
    assert_eq!(groups.len() as u64, summary.campaigns["credential_stuffing"]);
    let (mut attempts, mut successes) = (0, 0);
    for events in groups.values() {
        let per_user = campaigns(events, "user_id");
        assert!((10..=30).contains(&per_user.len()), "{}", per_user.len());
        assert!(per_user.values().all(|tries| (3..=10).contains(&tries.len())));
        let times: Vec<i64> = events.iter().map(|r| seconds(r.str("timestamp"))).collect();
        let span = times.iter().max().unwrap() - times.iter().min().unwrap();
        assert!(span > 6 * 3600, "spread over the day, not {span} s");
        assert!(span < 86_400);
        attempts += events.len();
        successes += events.iter().filter(|r| r.u64("status_code") == 200).count();
    }
    let success_rate = successes as f64 / attempts as f64;
    assert!((0.08..0.22).contains(&success_rate), "{success_rate}");
}

#[test]
fn geo_and_device_anomalies_have_their_shapes() {
    let config = attack_heavy();
    let (rows, summary) = rows(&config);
    let benign = of_type(&rows, "none");
    let devices_of = |user: &str| -> BTreeSet<&str> {
        benign
            .iter()
            .filter(|r| r.str("user_id") == user)
            .map(|r| r.str("device_fingerprint"))
            .collect()
    };

    let geo = of_type(&rows, "geo_anomaly");
    assert_eq!(
        campaigns(&geo, "ip_address").len() as u64,
        summary.campaigns["geo_anomaly"]
    );
    for row in &geo {
        assert!(GEO_ANOMALY_LOCATIONS.contains(&row.str("location")));
        assert_eq!(row.u64("status_code"), 200);
    }
    let geo_bytes = geo.iter().map(|r| r.u64("bytes_transferred") as f64).sum::<f64>() / geo.len() as f64;
    let benign_bytes = benign.iter().map(|r| r.u64("bytes_transferred") as f64).sum::<f64>() / benign.len() as f64;
    assert!(geo_bytes > 4.0 * benign_bytes, "{geo_bytes} vs {benign_bytes}");

    let device = of_type(&rows, "device_anomaly");
    let by_user = campaigns(&device, "user_id");
    assert_eq!(by_user.len() as u64, summary.campaigns["device_anomaly"]);
    for (user, events) in by_user {
        let new_devices: BTreeSet<&str> = events.iter().map(|r| r.str("device_fingerprint")).collect();
        assert!((3..=8).contains(&new_devices.len()), "{}", new_devices.len());
        assert!(new_devices.is_disjoint(&devices_of(&user)));
        let times: Vec<i64> = events.iter().map(|r| seconds(r.str("timestamp"))).collect();
        assert!(times.iter().max().unwrap() - times.iter().min().unwrap() < 7200);
    }
}

#[test]
fn benign_hours_follow_the_beta_2_2_mapping() {
    let config = AuthConfig {
        n_users: 200,
        n_days: 14,
        attack_rate: 0.0,
        ..AuthConfig::default()
    };
    let (rows, summary) = rows(&config);
    assert_eq!(summary.attack_events, 0);
    let mut histogram = [0u64; 24];
    for row in &rows {
        histogram[row.str("timestamp")[11..13].parse::<usize>().unwrap()] += 1;
    }
    let total = rows.len() as f64;
    assert!(total > 20_000.0);
    let expected = beta_2_2_hour_probabilities();
    for (hour, count) in histogram.iter().enumerate() {
        if !(7..=20).contains(&hour) {
            assert_eq!(*count, 0, "hour {hour}");
        }
        let share = *count as f64 / total;
        // Seed 001's sampler, floor(14·b + 7) for b = median of three
        // uniforms, simulated here as the outside reference.
        assert!(
            (share - expected[hour]).abs() < 0.01,
            "hour {hour}: {share} vs {}",
            expected[hour]
        );
    }
    let mut reference = SeededRng::new("reference", 1, 0);
    let mut simulated = [0f64; 24];
    for _ in 0..200_000 {
        simulated[(reference.beta_2_2() * 14.0 + 7.0) as usize % 24] += 1.0 / 200_000.0;
    }
    for hour in 0..24 {
        assert!((simulated[hour] - expected[hour]).abs() < 0.005, "hour {hour}");
    }
    // The shape: rising to the middle of the day and falling after.
    assert!(histogram[13] > histogram[9] && histogram[9] > histogram[7]);
    assert!(histogram[14] > histogram[18] && histogram[18] > histogram[20]);
}

#[test]
fn weekends_have_about_a_third_of_weekday_volume() {
    let config = AuthConfig {
        n_users: 200,
        n_days: 14,
        attack_rate: 0.0,
        ..AuthConfig::default()
    };
    let (rows, _) = rows(&config);
    let mut per_day: BTreeMap<&str, f64> = BTreeMap::new();
    for row in &rows {
        *per_day.entry(&row.str("timestamp")[..10]).or_default() += 1.0;
    }
    assert_eq!(per_day.len(), 14);
    // 2026-01-05 is a Monday: the 10th, 11th, 17th and 18th are weekend days.
    let weekend_days = ["2026-01-10", "2026-01-11", "2026-01-17", "2026-01-18"];
    let (weekend, weekday): (Vec<(&&str, &f64)>, Vec<_>) =
        per_day.iter().partition(|(day, _)| weekend_days.contains(day));
    let mean = |days: &[(&&str, &f64)]| days.iter().map(|(_, n)| **n).sum::<f64>() / days.len() as f64;
    let ratio = mean(&weekend) / mean(&weekday);
    assert!((0.25..0.35).contains(&ratio), "{ratio}");
}

#[test]
fn attack_rate_is_the_expected_fraction_of_attack_events() {
    for (attack_rate, seed) in [(0.05, 1), (0.02, 2)] {
        let config = AuthConfig {
            n_users: 500,
            n_days: 14,
            attack_rate,
            seed,
            ..AuthConfig::default()
        };
        let (_, summary) = run(&config, OutputFormat::Jsonl);
        let fraction = summary.attack_events as f64 / summary.events as f64;
        assert!(
            (fraction - attack_rate).abs() < 0.25 * attack_rate,
            "{fraction} for {attack_rate}"
        );
    }
    let none = AuthConfig {
        attack_rate: 0.0,
        ..small()
    };
    let (_, summary) = run(&none, OutputFormat::Jsonl);
    assert_eq!(summary.attack_events, 0);
    assert!(summary.campaigns.values().all(|n| *n == 0));
}

#[test]
fn benign_traffic_does_not_depend_on_the_attack_rate() {
    let benign_lines = |attack_rate: f64| -> Vec<String> {
        let (out, _) = run(&AuthConfig { attack_rate, ..small() }, OutputFormat::Jsonl);
        String::from_utf8(out)
            .unwrap()
            .lines()
            .filter(|line| line.ends_with(r#""is_attack":false,"attack_type":"none"}"#))
            .map(str::to_owned)
            .collect()
    };
    let without = benign_lines(0.0);
    assert!(!without.is_empty());
    assert_eq!(without, benign_lines(0.2));
}

#[test]
fn refused_configs_say_which_field() {
    let check = |config: AuthConfig, expect: &str| {
        let mut out = Vec::new();
        let error = generate(&config, OutputFormat::Jsonl, &mut out).unwrap_err();
        assert_eq!(error.to_string(), expect);
        assert!(out.is_empty());
    };
    check(
        AuthConfig { n_users: 0, ..small() },
        "invalid config: field `n_users`: expected at least 1, found 0",
    );
    check(
        AuthConfig { n_ips: 0, ..small() },
        "invalid config: field `n_ips`: expected at least 1, found 0",
    );
    check(
        AuthConfig { n_days: 0, ..small() },
        "invalid config: field `n_days`: expected at least 1, found 0",
    );
    check(
        AuthConfig {
            attack_rate: 1.0,
            ..small()
        },
        "invalid config: field `attack_rate`: expected a fraction from 0 up to (not including) 1, found 1",
    );
    check(
        AuthConfig {
            events_per_user_day_mean: f64::NAN,
            ..small()
        },
        "invalid config: field `events_per_user_day_mean`: expected a number of events above 0 and at most 1000000, found NaN",
    );
    check(
        AuthConfig {
            start: config::default_start() + chrono::Duration::hours(3),
            ..small()
        },
        "invalid config: field `start`: expected midnight UTC, like 2026-01-05T00:00:00Z, found 2026-01-05T03:00:00Z",
    );
}
