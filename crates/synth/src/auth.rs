//! Authentication events with injected attacks (seed 001): the input of the count model and the supervised detectors.
//!
//! **Benign traffic.** Each user has an activity rate drawn from
//! log-normal(ln `events_per_user_day_mean`, 0.5) events per weekday
//! (weekends × 0.3), a primary IP (`ip_0042`, shared pools allowed), a primary
//! location and a primary device fingerprint (32 hex digits). Seed 001 draws
//! each event's hour as `floor(14·b + 7)` for b ~ Beta(2, 2); to stay
//! streaming we generate hour by hour instead, drawing for each user a
//! Poisson count of mean `rate × weekday factor × P(hour)` with
//!
//! ```text
//! P(hour = 7 + k) = F((k + 1)/14) − F(k/14),  F(x) = 3x² − 2x³ (the Beta(2, 2) CDF),  k = 0…13
//! ```
//!
//! which is exactly the distribution of `floor(14·b + 7)`; a sum of
//! independent Poisson counts per hour is the same as one Poisson count per
//! day spread over the hours by that distribution. So benign events fall in
//! hours 07–20 UTC, most around 13–14. Within its hour an event's second is
//! uniform. The IP is the primary one with probability 0.9 (else any of
//! `n_ips`), the location with 0.95 (else one of a fixed list of ordinary
//! locations), the device with 0.97 (else the user's second device); the
//! endpoint is uniform over a fixed list; the status is 200 (93%), 401 (4%),
//! 403 (2%) or 500 (1%); bytes are log-normal(6, 1), rounded.
//!
//! **Attacks** (seed 001's four injectors), each campaign from its own
//! `attack_ip_NNNN`:
//! - `brute_force`: one IP against one user, 50–200 attempts within one
//!   clock hour, all 401 except the last, which is 200; from TOR-Exit, VPN
//!   or Unknown.
//! - `credential_stuffing`: one IP against 10–30 users, 3–10 attempts each,
//!   spread over the whole day, each succeeding with probability 0.15.
//! - `geo_anomaly`: a real user's account, with the user's own device, used
//!   from North-Korea, Iran, TOR-Exit or Suspicious-Proxy: 5–20 successful
//!   requests within 1–3 hours, bytes log-normal(8, 1).
//! - `device_anomaly`: one user from 3–8 new device fingerprints within two
//!   hours, 2–5 requests each, from ordinary IPs and the user's location.
//!
//! **`attack_rate`** is the expected fraction of attack events among all
//! events. From it and the users' rates the generator computes the number of
//! campaigns, `round(r/(1 − r) × expected benign events / 71.6875)` (71.6875
//! is the mean size of a campaign, averaged over the four kinds), but at
//! least 4 when `r > 0`, so that every kind appears: with tiny data sets the
//! realized fraction is then higher than `r`. Campaigns take the kinds in
//! turn (from a random first kind) and are spread evenly over the days.
//!
//! Every row carries all ten fields of the `auth` format; `is_attack` is
//! true exactly when `attack_type` is not `none`:
//!
//! ```text
//! {"timestamp":"2026-01-05T07:12:09Z","user_id":"user_0042","ip_address":"ip_0117","endpoint":"/api/v1/orders","status_code":200,"location":"London","device_fingerprint":"3f0c…","bytes_transferred":412,"is_attack":false,"attack_type":"none"}
//! ```
//!
//! Memory: per-user state, one day's attack events (planned at the start of
//! the day), and one hour of events, sorted by (timestamp, user_id,
//! ip_address, generation order) before they are written.
//!
//! Streams of the key `auth`: 0 draws the users, 1 the benign events, 2 the
//! campaigns, so benign traffic does not change with `attack_rate`.

use crate::config::{self, Alignment};
use crate::dist::SeededRng;
use crate::output::{RowWriter, numbered, time_text};
use crate::{OutputFormat, SynthError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

/// What to generate (seed 001's `GeneratorConfig`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuthConfig {
    /// Seed of the random draws (recorded as a decimal string).
    #[serde(serialize_with = "config::decimal")]
    pub seed: u64,
    /// Midnight UTC of the first day; default 2026-01-05T00:00:00Z (a Monday).
    #[serde(serialize_with = "config::rfc3339")]
    pub start: DateTime<Utc>,
    /// Users, `user_0001` …; default 100.
    pub n_users: u64,
    /// Ordinary client IPs, `ip_0000` …; default 200.
    pub n_ips: u64,
    /// Days; default 14.
    pub n_days: u64,
    /// Expected fraction of attack events among all events, in [0, 1); default 0.02.
    pub attack_rate: f64,
    /// Median of the users' weekday event rates; default 10.
    pub events_per_user_day_mean: f64,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            seed: 1,
            start: config::default_start(),
            n_users: 100,
            n_ips: 200,
            n_days: 14,
            attack_rate: 0.02,
            events_per_user_day_mean: 10.0,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthSummary {
    /// Rows written.
    pub events: u64,
    /// Rows with `is_attack` false.
    pub benign_events: u64,
    /// Rows with `is_attack` true.
    pub attack_events: u64,
    /// Attack rows per `attack_type`.
    pub attack_events_by_type: BTreeMap<String, u64>,
    /// Campaigns per `attack_type`.
    pub campaigns: BTreeMap<String, u64>,
}

/// Writes the events of `config` to `out` in `format`.
pub fn generate(config: &AuthConfig, format: OutputFormat, out: &mut dyn Write) -> Result<AuthSummary, SynthError> {
    let start = check(config)?;
    let mut user_rng = SeededRng::new("auth", config.seed, 0);
    let mut benign_rng = SeededRng::new("auth", config.seed, 1);
    let mut attack_rng = SeededRng::new("auth", config.seed, 2);

    let users: Vec<User> = (0..config.n_users)
        .map(|n| User::draw(&mut user_rng, n, config))
        .collect();
    let hour_probability = beta_2_2_hour_probabilities();
    let day_factors: Vec<f64> = (0..config.n_days)
        .map(|day| {
            if is_weekend(start + day as i64 * 86_400) {
                WEEKEND_FACTOR
            } else {
                1.0
            }
        })
        .collect();
    let expected_benign = users.iter().map(|u| u.rate).sum::<f64>() * day_factors.iter().sum::<f64>();
    let n_campaigns = campaign_count(config.attack_rate, expected_benign);
    let first_kind = attack_rng.below(4);

    let mut writer = RowWriter::new(format, out);
    let mut summary = AuthSummary {
        events: 0,
        benign_events: 0,
        attack_events: 0,
        attack_events_by_type: AttackType::ALL.iter().map(|t| (t.name().to_owned(), 0)).collect(),
        campaigns: AttackType::ALL.iter().map(|t| (t.name().to_owned(), 0)).collect(),
    };
    let mut counter = 0u64;
    let mut next_campaign = 0u64;
    let mut hour_events: Vec<Event> = Vec::new();

    for (day, day_factor) in day_factors.iter().enumerate() {
        let day_start = start + day as i64 * 86_400;
        // The day's campaigns, planned up front: campaign i falls on day
        // floor((2i + 1)·n_days / 2N), the middle of its share of the days.
        let mut attacks: Vec<Event> = Vec::new();
        while next_campaign < n_campaigns && (2 * next_campaign + 1) * config.n_days / (2 * n_campaigns) == day as u64 {
            let kind = AttackType::ALL[((first_kind + next_campaign) % 4) as usize];
            let campaign = Campaign {
                kind,
                ip: numbered("attack_ip_", next_campaign + 1, n_campaigns, 4),
                day_start,
            };
            campaign.plan(&mut attack_rng, &users, config, &mut attacks, &mut counter);
            *summary.campaigns.entry(kind.name().to_owned()).or_default() += 1;
            next_campaign += 1;
        }
        attacks.sort_by_key(|event| event.time);
        let mut attacks = attacks.into_iter().peekable();

        for (hour, probability) in hour_probability.iter().enumerate() {
            let hour_start = day_start + hour as i64 * 3600;
            if *probability > 0.0 {
                for user in &users {
                    let n_events = benign_rng.poisson(user.rate * day_factor * probability);
                    for _ in 0..n_events {
                        hour_events.push(user.benign_event(&mut benign_rng, hour_start, config.n_ips, counter));
                        counter += 1;
                    }
                }
            }
            while let Some(event) = attacks.next_if(|event| event.time < hour_start + 3600) {
                hour_events.push(event);
            }
            // User names are zero-padded to one width, so index order is name order.
            hour_events.sort_by(|a, b| (a.time, a.user, &a.ip, a.counter).cmp(&(b.time, b.user, &b.ip, b.counter)));
            for event in hour_events.drain(..) {
                let user = &users[event.user as usize];
                let attack_type = event.attack.map_or("none", AttackType::name);
                writer.write(&AuthRow {
                    timestamp: &time_text(event.time),
                    user_id: &user.name,
                    ip_address: &event.ip,
                    endpoint: event.endpoint,
                    status_code: event.status,
                    location: event.location,
                    device_fingerprint: &event.device,
                    bytes_transferred: event.bytes,
                    is_attack: event.attack.is_some(),
                    attack_type,
                })?;
                summary.events += 1;
                match event.attack {
                    Some(kind) => {
                        summary.attack_events += 1;
                        *summary.attack_events_by_type.entry(kind.name().to_owned()).or_default() += 1;
                    }
                    None => summary.benign_events += 1,
                }
            }
        }
    }
    writer.finish()?;
    Ok(summary)
}

/// The ten fields of the `auth` input format, in order.
#[derive(Serialize)]
struct AuthRow<'a> {
    timestamp: &'a str,
    user_id: &'a str,
    ip_address: &'a str,
    endpoint: &'a str,
    status_code: u16,
    location: &'a str,
    device_fingerprint: &'a str,
    bytes_transferred: u64,
    is_attack: bool,
    attack_type: &'a str,
}

fn check(config: &AuthConfig) -> Result<i64, SynthError> {
    config::check_at_least("n_users", config.n_users, 1)?;
    config::check_at_least("n_ips", config.n_ips, 1)?;
    config::check_at_least("n_days", config.n_days, 1)?;
    if !(0.0..1.0).contains(&config.attack_rate) {
        return Err(SynthError::invalid(
            "attack_rate",
            "a fraction from 0 up to (not including) 1",
            config.attack_rate,
        ));
    }
    let mean = config.events_per_user_day_mean;
    if !(mean > 0.0 && mean <= 1e6) {
        return Err(SynthError::invalid(
            "events_per_user_day_mean",
            "a number of events above 0 and at most 1000000",
            mean,
        ));
    }
    config::check_start(&config.start, Alignment::Midnight, config.n_days.saturating_mul(86_400))
}

const WEEKEND_FACTOR: f64 = 0.3;

/// Mean events of one campaign of each kind, from the ranges in [`Campaign::plan`]:
/// brute force (50+200)/2, credential stuffing 20 users × 6.5 attempts,
/// geo anomaly (5+20)/2, device anomaly 5.5 devices × 3.5 requests.
const MEAN_CAMPAIGN_EVENTS: f64 = (125.0 + 130.0 + 12.5 + 19.25) / 4.0;

fn campaign_count(attack_rate: f64, expected_benign: f64) -> u64 {
    if attack_rate <= 0.0 {
        return 0;
    }
    let expected_attacks = attack_rate / (1.0 - attack_rate) * expected_benign;
    ((expected_attacks / MEAN_CAMPAIGN_EVENTS).round() as u64).max(AttackType::ALL.len() as u64)
}

/// P(hour) for hours 0–23: F((k+1)/14) − F(k/14) at hour 7 + k, 0 elsewhere.
fn beta_2_2_hour_probabilities() -> [f64; 24] {
    let cdf = |x: f64| 3.0 * x * x - 2.0 * x * x * x;
    let mut probabilities = [0.0; 24];
    for k in 0..14 {
        probabilities[7 + k] = cdf((k + 1) as f64 / 14.0) - cdf(k as f64 / 14.0);
    }
    probabilities
}

fn is_weekend(unix_seconds: i64) -> bool {
    // 1970-01-01 was a Thursday: day 0 is weekday 3 when Monday is 0.
    (unix_seconds.div_euclid(86_400) + 3).rem_euclid(7) >= 5
}

const ENDPOINTS: [&str; 8] = [
    "/api/v1/login",
    "/api/v1/logout",
    "/api/v1/users",
    "/api/v1/orders",
    "/api/v1/reports",
    "/api/v1/search",
    "/api/v1/files",
    "/api/v1/settings",
];
const DATA_ENDPOINTS: [&str; 3] = ["/api/v1/files", "/api/v1/reports", "/api/v1/users"];
const LOGIN: &str = "/api/v1/login";
const NORMAL_LOCATIONS: [&str; 10] = [
    "New-York",
    "San-Francisco",
    "Chicago",
    "Toronto",
    "London",
    "Berlin",
    "Paris",
    "Amsterdam",
    "Singapore",
    "Sydney",
];
const BRUTE_FORCE_LOCATIONS: [&str; 3] = ["TOR-Exit", "VPN", "Unknown"];
const GEO_ANOMALY_LOCATIONS: [&str; 4] = ["North-Korea", "Iran", "TOR-Exit", "Suspicious-Proxy"];

/// The kinds of attack, as `attack_type` spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AttackType {
    BruteForce,
    CredentialStuffing,
    GeoAnomaly,
    DeviceAnomaly,
}

impl AttackType {
    const ALL: [AttackType; 4] = [
        AttackType::BruteForce,
        AttackType::CredentialStuffing,
        AttackType::GeoAnomaly,
        AttackType::DeviceAnomaly,
    ];

    fn name(self) -> &'static str {
        match self {
            AttackType::BruteForce => "brute_force",
            AttackType::CredentialStuffing => "credential_stuffing",
            AttackType::GeoAnomaly => "geo_anomaly",
            AttackType::DeviceAnomaly => "device_anomaly",
        }
    }
}

struct User {
    /// Position in the user table; the name is `user_` and index + 1.
    index: u64,
    name: String,
    /// Weekday events per day.
    rate: f64,
    primary_ip: String,
    primary_location: &'static str,
    primary_device: String,
    second_device: String,
}

impl User {
    fn draw(rng: &mut SeededRng, index: u64, config: &AuthConfig) -> User {
        User {
            index,
            name: numbered("user_", index + 1, config.n_users, 4),
            rate: rng.log_normal(crate::dist::ln(config.events_per_user_day_mean), 0.5),
            primary_ip: ip_name(rng.below(config.n_ips), config.n_ips),
            primary_location: rng.pick(&NORMAL_LOCATIONS),
            primary_device: rng.hex_128(),
            second_device: rng.hex_128(),
        }
    }

    fn benign_event(&self, rng: &mut SeededRng, hour_start: i64, n_ips: u64, counter: u64) -> Event {
        let time = hour_start + rng.below(3600) as i64;
        let ip = if rng.bernoulli(0.9) {
            self.primary_ip.clone()
        } else {
            ip_name(rng.below(n_ips), n_ips)
        };
        let location = if rng.bernoulli(0.95) {
            self.primary_location
        } else {
            rng.pick(&NORMAL_LOCATIONS)
        };
        let device = if rng.bernoulli(0.97) {
            &self.primary_device
        } else {
            &self.second_device
        };
        let endpoint = rng.pick(&ENDPOINTS);
        let status = match rng.uniform() {
            u if u < 0.93 => 200,
            u if u < 0.97 => 401,
            u if u < 0.99 => 403,
            _ => 500,
        };
        Event {
            time,
            user: self.index,
            ip,
            endpoint,
            status,
            location,
            device: device.clone(),
            bytes: rng.log_normal(6.0, 1.0).round() as u64,
            attack: None,
            counter,
        }
    }
}

/// `ip_0042`: ordinary client IPs are numbered from 0.
fn ip_name(index: u64, n_ips: u64) -> String {
    numbered("ip_", index, n_ips.saturating_sub(1), 4)
}

/// One generated row before it is spelled out.
#[derive(Clone)]
struct Event {
    time: i64,
    /// Index into the user table.
    user: u64,
    ip: String,
    endpoint: &'static str,
    status: u16,
    location: &'static str,
    device: String,
    bytes: u64,
    attack: Option<AttackType>,
    /// Generation order, the last tie-breaker of the sort.
    counter: u64,
}

struct Campaign {
    kind: AttackType,
    ip: String,
    day_start: i64,
}

impl Campaign {
    /// Appends the campaign's events (all within its day) to `events`.
    fn plan(
        &self,
        rng: &mut SeededRng,
        users: &[User],
        config: &AuthConfig,
        events: &mut Vec<Event>,
        counter: &mut u64,
    ) {
        let n_users = users.len() as u64;
        let mut next_counter = || {
            *counter += 1;
            *counter - 1
        };
        let attempt = |user: u64, location: &'static str, device: String| Event {
            time: self.day_start,
            user,
            ip: self.ip.clone(),
            endpoint: LOGIN,
            status: 401,
            location,
            device,
            bytes: 0,
            attack: Some(self.kind),
            counter: 0,
        };
        match self.kind {
            AttackType::BruteForce => {
                let hour_start = self.day_start + rng.below(24) as i64 * 3600;
                let n_attempts = rng.between(50, 200);
                let user = rng.below(n_users);
                let template = attempt(user, rng.pick(&BRUTE_FORCE_LOCATIONS), rng.hex_128());
                let mut offsets: Vec<i64> = (0..n_attempts).map(|_| rng.below(3600) as i64).collect();
                offsets.sort();
                for (i, offset) in offsets.into_iter().enumerate() {
                    // Generated in time order, so the final success also sorts last on a tied second.
                    let status = if i as u64 == n_attempts - 1 { 200 } else { 401 };
                    events.push(Event {
                        time: hour_start + offset,
                        status,
                        bytes: rng.log_normal(5.0, 0.5).round() as u64,
                        counter: next_counter(),
                        ..template.clone()
                    });
                }
            }
            AttackType::CredentialStuffing => {
                let n_targets = rng.between(10, 30).min(n_users);
                let location = rng.pick(&BRUTE_FORCE_LOCATIONS);
                let device = rng.hex_128();
                for user in rng.distinct(n_users, n_targets) {
                    let template = attempt(user, location, device.clone());
                    for _ in 0..rng.between(3, 10) {
                        events.push(Event {
                            time: self.day_start + rng.below(86_400) as i64,
                            status: if rng.bernoulli(0.15) { 200 } else { 401 },
                            bytes: rng.log_normal(5.0, 0.5).round() as u64,
                            counter: next_counter(),
                            ..template.clone()
                        });
                    }
                }
            }
            AttackType::GeoAnomaly => {
                let user = &users[rng.below(n_users) as usize];
                let template = attempt(
                    user.index,
                    rng.pick(&GEO_ANOMALY_LOCATIONS),
                    user.primary_device.clone(),
                );
                let window_start = self.day_start + rng.below(22) as i64 * 3600;
                let window = rng.between(1, 3) * 3600;
                for _ in 0..rng.between(5, 20) {
                    events.push(Event {
                        time: window_start + rng.below(window) as i64,
                        endpoint: rng.pick(&DATA_ENDPOINTS),
                        status: 200,
                        bytes: rng.log_normal(8.0, 1.0).round() as u64,
                        counter: next_counter(),
                        ..template.clone()
                    });
                }
            }
            AttackType::DeviceAnomaly => {
                let user = &users[rng.below(n_users) as usize];
                let window_start = self.day_start + rng.below(23) as i64 * 3600;
                for _ in 0..rng.between(3, 8) {
                    let template = Event {
                        ip: ip_name(rng.below(config.n_ips), config.n_ips),
                        ..attempt(user.index, user.primary_location, rng.hex_128())
                    };
                    for _ in 0..rng.between(2, 5) {
                        events.push(Event {
                            time: window_start + rng.below(7200) as i64,
                            endpoint: rng.pick(&ENDPOINTS),
                            status: 200,
                            bytes: rng.log_normal(6.0, 1.0).round() as u64,
                            counter: next_counter(),
                            ..template.clone()
                        });
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
