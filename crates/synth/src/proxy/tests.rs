//! Tests of the proxy generator (the sample files and seed 004's rules are checked in `tests/proxy_samples.rs`).

use super::*;
use crate::decode::{self, OrderedObject};
use std::collections::BTreeSet;

const FIELDS: [&str; 11] = [
    "time",
    "clientip",
    "user",
    "method",
    "url",
    "action",
    "responsecode",
    "requestsize",
    "responsesize",
    "useragent",
    "category",
];

fn run(config: &ProxyConfig, format: OutputFormat) -> (Vec<u8>, ProxySummary) {
    let mut out = Vec::new();
    let summary = generate(config, format, &mut out).unwrap();
    (out, summary)
}

fn rows(config: &ProxyConfig) -> (Vec<OrderedObject>, ProxySummary) {
    let (out, summary) = run(config, OutputFormat::Jsonl);
    (decode::jsonl(&out), summary)
}

fn mix(attackers: u64) -> ProxyConfig {
    ProxyConfig {
        events: 2000,
        scenario: ProxyScenario::Mix,
        attackers,
        seed: 11,
        ..ProxyConfig::default()
    }
}

fn with_label() -> Vec<&'static str> {
    FIELDS.iter().copied().chain(["label"]).collect()
}

#[test]
fn same_config_same_bytes_other_seed_other_bytes() {
    for scenario in ProxyScenario::ALL {
        for format in [OutputFormat::Jsonl, OutputFormat::Csv] {
            let config = ProxyConfig {
                events: 300,
                scenario,
                ..ProxyConfig::default()
            };
            let (first, _) = run(&config, format);
            assert_eq!(first, run(&config, format).0, "{scenario:?}");
            assert_ne!(first, run(&ProxyConfig { seed: 2, ..config }, format).0, "{scenario:?}");
        }
    }
}

#[test]
fn csv_and_jsonl_carry_the_same_rows() {
    let check = |config: &ProxyConfig, fields: &[&str]| {
        let (jsonl, _) = run(config, OutputFormat::Jsonl);
        let (csv, _) = run(config, OutputFormat::Csv);
        decode::assert_same_rows(&jsonl, &csv, fields);
    };
    check(&ProxyConfig::default(), &FIELDS);
    check(
        &ProxyConfig {
            scenario: ProxyScenario::Scanning,
            ..ProxyConfig::default()
        },
        &FIELDS,
    );
    check(&mix(3), &with_label());
}

#[test]
fn rows_have_the_seed_004_shape_and_are_sorted() {
    let (rows, summary) = rows(&ProxyConfig {
        events: 1500,
        scenario: ProxyScenario::Exfiltration,
        ..ProxyConfig::default()
    });
    assert_eq!(rows.len() as u64, summary.events);
    assert_eq!(summary.benign_events, 1500);
    assert_eq!(summary.days, 1);
    for row in &rows {
        assert_eq!(row.keys(), FIELDS);
        assert!(["ALLOW", "DENY"].contains(&row.str("action")));
        assert!(row.str("url").starts_with("https://") || row.str("url").starts_with("http://"));
        assert!(row.str("time").starts_with("2026-02-14T") && row.str("time").ends_with('Z'));
        row.u64("responsecode");
        row.u64("requestsize");
        row.u64("responsesize");
    }
    let keys: Vec<(&str, &str)> = rows.iter().map(|r| (r.str("time"), r.str("clientip"))).collect();
    assert!(keys.windows(2).all(|pair| pair[0] <= pair[1]));
}

#[test]
fn benign_clients_stay_in_their_networks() {
    let (rows, summary) = rows(&ProxyConfig {
        events: 30_000,
        ..ProxyConfig::default()
    });
    let clients: BTreeSet<&str> = rows.iter().map(|r| r.str("clientip")).collect();
    assert!(clients.len() as u64 <= summary.benign_clients);
    assert!(clients.len() > 400, "{}", clients.len());
    assert!(!clients.contains("192.168.1.150"));
    for ip in &clients {
        let last: u32 = ip.rsplit('.').next().unwrap().parse().unwrap();
        assert!(
            (ip.starts_with("192.168.1.") || ip.starts_with("10.0.0.")) && (1..=254).contains(&last),
            "{ip}"
        );
    }
    let users: BTreeSet<&str> = rows.iter().map(|r| r.str("user")).collect();
    assert!(users.iter().all(|u| u.ends_with("@company.com") && u.contains('.')));
    // 30,000 requests over 507 clients at 50 a day: two days.
    assert_eq!(summary.days, 2);
    assert!(rows.last().unwrap().str("time").starts_with("2026-02-15T"));
    let denied = rows.iter().filter(|r| r.str("action") == "DENY").count() as f64 / rows.len() as f64;
    assert!((0.01..0.08).contains(&denied), "{denied}");
}

#[test]
fn every_benign_request_is_accounted_for_at_any_size() {
    for events in [1, 7, 999, 25_351] {
        let (_, summary) = run(
            &ProxyConfig {
                events,
                ..ProxyConfig::default()
            },
            OutputFormat::Csv,
        );
        assert_eq!(summary.benign_events, events);
        assert_eq!(summary.events, events);
    }
}

#[test]
fn mix_labels_every_line_and_attackers_have_distinct_documentation_addresses() {
    let (rows, summary) = rows(&mix(12));
    assert_eq!(summary.attackers.len(), 12);
    let addresses: BTreeSet<&str> = summary.attackers.iter().map(|a| a.clientip.as_str()).collect();
    assert_eq!(addresses.len(), 12);
    for address in &addresses {
        assert!(
            ["192.0.2.", "198.51.100.", "203.0.113."]
                .iter()
                .any(|net| address.starts_with(net)),
            "{address}"
        );
    }
    let kinds: BTreeSet<&str> = summary.attackers.iter().map(|a| a.kind.as_str()).collect();
    assert_eq!(kinds.len(), 3, "12 attackers of random kinds: {kinds:?}");
    let mut per_label: BTreeMap<String, u64> = BTreeMap::new();
    for row in &rows {
        assert_eq!(row.keys(), with_label());
        let label = row.str("label");
        let attacker = summary.attackers.iter().find(|a| a.clientip == row.str("clientip"));
        match attacker {
            Some(attacker) => assert_eq!(label, attacker.kind),
            None => assert_eq!(label, "benign"),
        }
        *per_label.entry(label.to_owned()).or_default() += 1;
    }
    assert_eq!(per_label.remove("benign"), Some(summary.benign_events));
    assert_eq!(per_label, summary.attack_events_by_kind);
    for attacker in &summary.attackers {
        let expect = match attacker.kind.as_str() {
            "credential_stuffing" => 150..=150,
            "exfiltration" => 40..=80,
            "scanning" => 30..=30,
            other => panic!("unknown kind {other}"),
        };
        assert!(expect.contains(&attacker.events), "{attacker:?}");
    }
}

#[test]
fn scenarios_have_names() {
    for scenario in ProxyScenario::ALL {
        assert_eq!(scenario.name().parse::<ProxyScenario>(), Ok(scenario));
        assert_eq!(serde_json::to_value(scenario).unwrap(), scenario.name());
    }
    assert_eq!(
        "Mix".parse::<ProxyScenario>().unwrap_err().to_string(),
        "unknown proxy scenario \"Mix\": expected one of baseline, credential_stuffing, exfiltration, scanning, mix"
    );
}

#[test]
fn sample_files_are_seed_004s_six() {
    let names: Vec<&str> = sample_files().iter().map(|s| s.name).collect();
    assert_eq!(
        names,
        [
            "baseline_small.jsonl",
            "baseline_medium.jsonl",
            "baseline_large.jsonl",
            "anomalous_credential_stuffing.jsonl",
            "anomalous_exfiltration.jsonl",
            "anomalous_scanning.jsonl",
        ]
    );
    for sample in sample_files() {
        assert_ne!(sample.config.scenario, ProxyScenario::Mix, "samples carry no label");
        assert_eq!(sample.config.start, sample_start());
    }
}

#[test]
fn addresses() {
    assert_eq!(benign_address(0), "192.168.1.1");
    assert_eq!(benign_address(148), "192.168.1.149");
    assert_eq!(benign_address(149), "192.168.1.151");
    assert_eq!(benign_address(252), "192.168.1.254");
    assert_eq!(benign_address(253), "10.0.0.1");
    assert_eq!(benign_address(BENIGN_ADDRESSES - 1), "10.0.0.254");
    assert_eq!(documentation_address(0), "192.0.2.1");
    assert_eq!(documentation_address(254), "198.51.100.1");
    assert_eq!(documentation_address(DOCUMENTATION_ADDRESSES - 1), "203.0.113.254");
}

#[test]
fn refused_configs_say_which_field() {
    let check = |config: ProxyConfig, expect: &str| {
        let mut out = Vec::new();
        let error = generate(&config, OutputFormat::Jsonl, &mut out).unwrap_err();
        assert_eq!(error.to_string(), expect);
        assert!(out.is_empty());
    };
    check(
        ProxyConfig {
            events: 0,
            ..ProxyConfig::default()
        },
        "invalid config: field `events`: expected at least 1, found 0",
    );
    check(
        mix(0),
        "invalid config: field `attackers`: expected 1 to 762 attackers (one documentation-range address each), found 0",
    );
    check(
        mix(763),
        "invalid config: field `attackers`: expected 1 to 762 attackers (one documentation-range address each), found 763",
    );
    check(
        ProxyConfig {
            start: sample_start() + chrono::Duration::minutes(1),
            ..ProxyConfig::default()
        },
        "invalid config: field `start`: expected midnight UTC, like 2026-01-05T00:00:00Z, found 2026-02-14T00:01:00Z",
    );
}
