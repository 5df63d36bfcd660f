//! Seed 004's six sample files: the committed copies in `fixtures/proxy/` are
//! exactly what `synth::proxy::sample_files()` generates, and seed 004's
//! per-IP rules find in each exactly what its README says.
//!
//! `UPDATE_FIXTURES=1 cargo test -p synth --test proxy_samples` rewrites the
//! committed files instead of comparing them (read the diff before committing).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use synth::OutputFormat;
use synth::proxy::{self, SampleFile};

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/proxy")
}

fn generate(sample: &SampleFile) -> String {
    let mut out = Vec::new();
    proxy::generate(&sample.config, OutputFormat::Jsonl, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn sample(name: &str) -> String {
    let sample = proxy::sample_files().into_iter().find(|s| s.name == name).unwrap();
    generate(&sample)
}

#[test]
fn committed_sample_files_are_current() {
    let update = std::env::var_os("UPDATE_FIXTURES").is_some_and(|v| v == "1");
    let dir = fixtures_dir();
    for sample in proxy::sample_files() {
        let path = dir.join(sample.name);
        let generated = generate(&sample);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &generated).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run UPDATE_FIXTURES=1 cargo test -p synth --test proxy_samples",
                path.display()
            )
        });
        assert!(
            committed == generated,
            "{} differs from what synth generates; if the change is intended, run \
             UPDATE_FIXTURES=1 cargo test -p synth --test proxy_samples and review the diff",
            path.display()
        );
    }
}

/// Seed 004's five per-IP features, computed here from the lines alone.
#[derive(Debug, Default)]
struct Features {
    requests: u64,
    /// Most requests in any 60-second window (sliding, so at least the peak of calendar minutes).
    requests_per_minute_peak: u64,
    deny_rate: f64,
    total_bytes_transferred: u64,
    unique_hosts_count: usize,
    off_hours_request_ratio: f64,
}

fn features(jsonl: &str) -> BTreeMap<String, Features> {
    struct Accumulator {
        times: Vec<i64>,
        denied: u64,
        bytes: u64,
        hosts: BTreeSet<String>,
        off_hours: u64,
    }
    let mut per_ip: BTreeMap<String, Accumulator> = BTreeMap::new();
    for line in jsonl.lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let time = row["time"].as_str().unwrap();
        let seconds = chrono::DateTime::parse_from_rfc3339(time).unwrap().timestamp();
        let url = row["url"].as_str().unwrap();
        let host = url.split_once("://").unwrap().1.split(['/', '?', ':']).next().unwrap();
        let hour: u32 = time[11..13].parse().unwrap();
        let ip = row["clientip"].as_str().unwrap().to_owned();
        let entry = per_ip.entry(ip).or_insert_with(|| Accumulator {
            times: Vec::new(),
            denied: 0,
            bytes: 0,
            hosts: BTreeSet::new(),
            off_hours: 0,
        });
        entry.times.push(seconds);
        entry.denied += u64::from(row["action"] == "DENY");
        entry.bytes += row["responsesize"].as_u64().unwrap();
        entry.hosts.insert(host.to_owned());
        entry.off_hours += u64::from(hour < 5);
    }
    per_ip
        .into_iter()
        .map(|(ip, mut acc)| {
            acc.times.sort();
            let mut peak = 0;
            let mut first = 0;
            for last in 0..acc.times.len() {
                while acc.times[last] - acc.times[first] >= 60 {
                    first += 1;
                }
                peak = peak.max(last - first + 1);
            }
            let requests = acc.times.len() as u64;
            let features = Features {
                requests,
                requests_per_minute_peak: peak as u64,
                deny_rate: acc.denied as f64 / requests as f64,
                total_bytes_transferred: acc.bytes,
                unique_hosts_count: acc.hosts.len(),
                off_hours_request_ratio: acc.off_hours as f64 / requests as f64,
            };
            (ip, features)
        })
        .collect()
}

/// Seed 004's deterministic rules. 50 MB is read as 50,000,000 bytes, the
/// stricter reading for benign clients; the exfiltration attacker's 75 MiB
/// exceeds 50 MiB as well.
fn rules(features: &Features) -> BTreeSet<&'static str> {
    let mut triggered = BTreeSet::new();
    if features.requests_per_minute_peak >= 100 {
        triggered.insert("High Burst");
    }
    if features.deny_rate >= 0.6 {
        triggered.insert("High Deny Rate");
    }
    if features.total_bytes_transferred >= 50_000_000 {
        triggered.insert("Extreme Data Transfer");
    }
    if features.unique_hosts_count >= 20 {
        triggered.insert("High Unique Hosts");
    }
    if features.off_hours_request_ratio >= 0.7 {
        triggered.insert("High Off-Hours Activity");
    }
    triggered
}

/// Benign clients stay well away from every threshold, not just under it.
fn assert_benign(ip: &str, features: &Features) {
    assert!(
        rules(features).is_empty(),
        "{ip} trips {:?}: {features:?}",
        rules(features)
    );
    assert!(features.requests_per_minute_peak < 20, "{ip}: {features:?}");
    assert!(features.deny_rate < 0.4, "{ip}: {features:?}");
    assert!(features.total_bytes_transferred < 10_000_000, "{ip}: {features:?}");
    assert!(features.unique_hosts_count <= 12, "{ip}: {features:?}");
    assert!(features.off_hours_request_ratio < 0.4, "{ip}: {features:?}");
}

#[test]
fn baselines_trip_no_rule() {
    for (name, events) in [
        ("baseline_small.jsonl", 1000),
        ("baseline_medium.jsonl", 3000),
        ("baseline_large.jsonl", 5000),
    ] {
        let text = sample(name);
        assert_eq!(text.lines().count(), events, "{name}");
        let per_ip = features(&text);
        assert!(per_ip.len() >= 15, "{name}: {} clients", per_ip.len());
        for (ip, features) in &per_ip {
            assert_benign(ip, features);
        }
        let requests: u64 = per_ip.values().map(|f| f.requests).sum();
        let off_hours: f64 = per_ip
            .values()
            .map(|f| f.off_hours_request_ratio * f.requests as f64)
            .sum();
        assert!(
            off_hours / (requests as f64) < 0.05,
            "{name}: off-hours share of the file"
        );
    }
}

#[test]
fn each_attack_file_has_one_attacker_tripping_exactly_its_two_rules() {
    let cases = [
        (
            "anomalous_credential_stuffing.jsonl",
            "203.0.113.45",
            ["High Burst", "High Deny Rate"],
        ),
        (
            "anomalous_exfiltration.jsonl",
            "192.168.1.150",
            ["Extreme Data Transfer", "High Off-Hours Activity"],
        ),
        (
            "anomalous_scanning.jsonl",
            "198.51.100.89",
            ["High Deny Rate", "High Unique Hosts"],
        ),
    ];
    for (name, attacker, expected_rules) in cases {
        let per_ip = features(&sample(name));
        let attack = &per_ip[attacker];
        assert_eq!(rules(attack), BTreeSet::from(expected_rules), "{name}: {attack:?}");
        for (ip, features) in per_ip.iter().filter(|(ip, _)| *ip != attacker) {
            assert_benign(ip, features);
        }
        match attacker {
            "203.0.113.45" => {
                assert_eq!(attack.requests, 150);
                assert_eq!(attack.requests_per_minute_peak, 150);
                assert_eq!(attack.deny_rate, 0.9);
            }
            "192.168.1.150" => {
                assert_eq!(attack.total_bytes_transferred, 75 * 1024 * 1024);
                assert_eq!(attack.off_hours_request_ratio, 1.0);
                assert_eq!(attack.deny_rate, 0.0);
            }
            _ => {
                assert_eq!(attack.requests, 30);
                assert_eq!(attack.unique_hosts_count, 30);
                assert_eq!(attack.deny_rate, 20.0 / 30.0);
            }
        }
    }
}
