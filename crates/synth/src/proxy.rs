//! Web proxy logs with per-IP attack scenarios, and the six sample files of seed 004.
//!
//! Lines have seed 004's fields, in its order:
//!
//! ```text
//! {"time":"2026-02-14T10:02:15Z","clientip":"192.168.1.100","user":"maria.garcia@company.com","method":"GET","url":"https://github.com/","action":"ALLOW","responsecode":200,"requestsize":512,"responsesize":2048,"useragent":"Mozilla/5.0 …","category":"Technology"}
//! ```
//!
//! **Benign traffic**: `events` requests from a pool of clients (one per 50
//! events, 8 to 507) in 192.168.1.0/24 (never .150, the exfiltration
//! attacker's address) and 10.0.0.0/24, each with its own user
//! (`firstname.lastname@company.com`), browser, activity weight (0.5–2) and
//! 6–12 hosts out of a fixed list of well-known-looking ones. Requests are
//! apportioned to the hours of the span by a fixed business-hours profile
//! (00:00–05:00 UTC carries about 1% of them), then to clients by weight.
//! The span is one day, or more when there are more than 507 × 50 events, so
//! that a client makes about 50 requests a day. About 3% are denied (more
//! for social and streaming sites); response sizes are log-normal, capped at
//! 1.5 MB. So in a day no benign client comes near seed 004's thresholds:
//! 100 requests in a minute, 60% denied, 50 MB, 20 hosts, 70% off-hours.
//!
//! **Attackers** (exactly seed 004's, each meant to trip exactly two rules):
//!
//! | scenario | client | what it does | rules |
//! |---|---|---|---|
//! | credential stuffing | 203.0.113.45 | 150 POSTs to login URLs within one minute (business hours), 135 of them (90%) denied | High Burst, High Deny Rate |
//! | exfiltration | 192.168.1.150 | 40–80 downloads between 00:00 and 05:00 UTC whose `responsesize` totals exactly 75 × 1024 × 1024 = 78,643,200 bytes (above 50 MB whether a MB is 10⁶ or 2²⁰ bytes), none denied | Extreme Data Transfer, High Off-Hours |
//! | scanning | 198.51.100.89 | one request to each of 30 internal hosts within ten minutes (business hours), 20 of the 30 (66.7%) denied | High Unique Hosts, High Deny Rate |
//!
//! [`ProxyScenario::Mix`] adds `attackers` attackers of random kinds, each
//! with its own address from the documentation ranges (192.0.2.0/24,
//! 198.51.100.0/24, 203.0.113.0/24) and on a random day of the span, and
//! gives every line a `label`: `benign` or the attacker's kind. The other
//! scenarios carry no label, so that they match seed 004's log format exactly.
//!
//! Rows are sorted by time, then client IP (as text), then generation order.
//! Memory: per-client state, the attackers' events (at most 150 each), and
//! one hour of benign events.
//!
//! Streams of the key `proxy`: 0 draws the clients, 1 the benign requests,
//! 2 the attackers.

use crate::config::{self, Alignment};
use crate::dist::SeededRng;
use crate::output::{RowWriter, time_text};
use crate::{OutputFormat, SynthError};
use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

/// What the generated file holds besides benign traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProxyScenario {
    /// Benign traffic only.
    Baseline,
    /// Benign traffic and seed 004's credential stuffing attacker, 203.0.113.45.
    CredentialStuffing,
    /// Benign traffic and seed 004's exfiltration attacker, 192.168.1.150.
    Exfiltration,
    /// Benign traffic and seed 004's scanning attacker, 198.51.100.89.
    Scanning,
    /// Benign traffic and `attackers` attackers of random kinds, every line labelled.
    Mix,
}

impl ProxyScenario {
    /// Every scenario, in a fixed order.
    pub const ALL: [ProxyScenario; 5] = [
        ProxyScenario::Baseline,
        ProxyScenario::CredentialStuffing,
        ProxyScenario::Exfiltration,
        ProxyScenario::Scanning,
        ProxyScenario::Mix,
    ];

    /// The scenario's name, as on the command line: `baseline`, `credential_stuffing`, …
    pub fn name(self) -> &'static str {
        match self {
            ProxyScenario::Baseline => "baseline",
            ProxyScenario::CredentialStuffing => "credential_stuffing",
            ProxyScenario::Exfiltration => "exfiltration",
            ProxyScenario::Scanning => "scanning",
            ProxyScenario::Mix => "mix",
        }
    }
}

/// A scenario name that is not one of [`ProxyScenario::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown proxy scenario {found:?}: expected one of baseline, credential_stuffing, exfiltration, scanning, mix")]
pub struct UnknownScenario {
    /// The name that was given.
    pub found: String,
}

impl std::str::FromStr for ProxyScenario {
    type Err = UnknownScenario;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        ProxyScenario::ALL
            .into_iter()
            .find(|scenario| scenario.name() == name)
            .ok_or_else(|| UnknownScenario { found: name.to_owned() })
    }
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProxyConfig {
    /// Seed of the random draws (recorded as a decimal string).
    #[serde(serialize_with = "config::decimal")]
    pub seed: u64,
    /// Midnight UTC of the first day; default 2026-02-14T00:00:00Z, as in seed 004.
    #[serde(serialize_with = "config::rfc3339")]
    pub start: DateTime<Utc>,
    /// Benign requests, at least 1; default 1000. Attack requests come on top.
    pub events: u64,
    /// Which attackers to add; default [`ProxyScenario::Baseline`].
    pub scenario: ProxyScenario,
    /// Attackers in [`ProxyScenario::Mix`], 1 to 762 (ignored otherwise); default 3.
    pub attackers: u64,
}

impl Default for ProxyConfig {
    fn default() -> Self {
        ProxyConfig {
            seed: 1,
            start: sample_start(),
            events: 1000,
            scenario: ProxyScenario::Baseline,
            attackers: 3,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProxySummary {
    /// Rows written.
    pub events: u64,
    /// Benign rows.
    pub benign_events: u64,
    /// Attackers' rows.
    pub attack_events: u64,
    /// Benign client IPs in the pool.
    pub benign_clients: u64,
    /// Days the benign traffic spans.
    pub days: u64,
    /// Attackers, in order of address.
    pub attackers: Vec<ProxyAttacker>,
    /// Attack rows per kind.
    pub attack_events_by_kind: BTreeMap<String, u64>,
}

/// One attacker of a generated file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProxyAttacker {
    /// The attacker's client IP.
    pub clientip: String,
    /// `credential_stuffing`, `exfiltration` or `scanning`.
    pub kind: String,
    /// Rows from this attacker.
    pub events: u64,
}

/// One of seed 004's six sample files: its file name and the config that generates it.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleFile {
    /// File name, like `baseline_small.jsonl`.
    pub name: &'static str,
    /// Generate it with this config, as JSON Lines.
    pub config: ProxyConfig,
}

/// Seed 004's six sample files (committed under `fixtures/proxy/`), all
/// starting 2026-02-14T00:00:00Z, with fixed seeds 4001–4006: three baselines
/// of 1000, 3000 and 5000 requests, and 1000 benign requests plus one
/// attacker for each attack scenario.
pub fn sample_files() -> Vec<SampleFile> {
    let sample = |name, seed, events, scenario| SampleFile {
        name,
        config: ProxyConfig {
            seed,
            start: sample_start(),
            events,
            scenario,
            attackers: 3,
        },
    };
    vec![
        sample("baseline_small.jsonl", 4001, 1000, ProxyScenario::Baseline),
        sample("baseline_medium.jsonl", 4002, 3000, ProxyScenario::Baseline),
        sample("baseline_large.jsonl", 4003, 5000, ProxyScenario::Baseline),
        sample(
            "anomalous_credential_stuffing.jsonl",
            4004,
            1000,
            ProxyScenario::CredentialStuffing,
        ),
        sample("anomalous_exfiltration.jsonl", 4005, 1000, ProxyScenario::Exfiltration),
        sample("anomalous_scanning.jsonl", 4006, 1000, ProxyScenario::Scanning),
    ]
}

/// Writes the proxy log of `config` to `out` in `format`.
pub fn generate(config: &ProxyConfig, format: OutputFormat, out: &mut dyn Write) -> Result<ProxySummary, SynthError> {
    let n_clients = (config.events / EVENTS_PER_CLIENT_DAY).clamp(8, BENIGN_ADDRESSES);
    let n_days = config.events.div_ceil(n_clients * EVENTS_PER_CLIENT_DAY).max(1);
    let start = check(config, n_days)?;
    let mut client_rng = SeededRng::new("proxy", config.seed, 0);
    let mut benign_rng = SeededRng::new("proxy", config.seed, 1);
    let mut attack_rng = SeededRng::new("proxy", config.seed, 2);

    let clients: Vec<Client> = client_rng
        .distinct(BENIGN_ADDRESSES, n_clients)
        .into_iter()
        .map(|address| Client::draw(&mut client_rng, benign_address(address)))
        .collect();
    let mut cumulative_weight = Vec::with_capacity(clients.len());
    let mut total_weight = 0.0;
    for client in &clients {
        total_weight += client.weight;
        cumulative_weight.push(total_weight);
    }

    let attackers = plan_attackers(config, start, n_days, &mut attack_rng);
    let mut attack_events: Vec<Event> = Vec::new();
    let mut counter = 0;
    for attacker in &attackers {
        attacker.generate(&mut attack_rng, &mut attack_events, &mut counter);
    }
    attack_events.sort_by_key(|event| event.time);
    let mut attack_events = attack_events.into_iter().peekable();

    let labelled = config.scenario == ProxyScenario::Mix;
    let mut summary = ProxySummary {
        events: 0,
        benign_events: 0,
        attack_events: 0,
        benign_clients: n_clients,
        days: n_days,
        attackers: Vec::new(),
        attack_events_by_kind: BTreeMap::new(),
    };
    let mut per_attacker: BTreeMap<(String, &'static str), u64> = attackers
        .iter()
        .map(|attacker| ((attacker.ip.clone(), attacker.kind.name()), 0))
        .collect();

    let mut writer = RowWriter::new(format, out);
    let day_weight: u128 = HOUR_WEIGHTS.iter().map(|w| u128::from(*w)).sum();
    let total_weight_all = day_weight * u128::from(n_days);
    // Benign requests up to the end of hour j: round(events × W(j) / W), with
    // W(j) the weight of hours 0..=j; exact in integers, and exactly `events` at the end.
    let requests_through = |cumulative: u128| {
        ((u128::from(config.events) * cumulative * 2 + total_weight_all) / (2 * total_weight_all)) as u64
    };
    let mut cumulative: u128 = 0;
    let mut written_benign = 0u64;
    let mut hour_events: Vec<Event> = Vec::new();
    for hour_index in 0..n_days * 24 {
        let hour_start = start + hour_index as i64 * 3600;
        cumulative += u128::from(HOUR_WEIGHTS[(hour_index % 24) as usize]);
        let through = requests_through(cumulative);
        for _ in written_benign..through {
            let client = &clients[benign_rng.weighted_index(&cumulative_weight)];
            hour_events.push(client.request(&mut benign_rng, hour_start, counter));
            counter += 1;
        }
        written_benign = through;
        while let Some(event) = attack_events.next_if(|event| event.time < hour_start + 3600) {
            hour_events.push(event);
        }
        hour_events.sort_by(|a, b| (a.time, &a.clientip, a.counter).cmp(&(b.time, &b.clientip, b.counter)));
        for event in hour_events.drain(..) {
            let label = event.kind.map_or("benign", AttackKind::name);
            writer.write(&ProxyRow {
                time: &time_text(event.time),
                clientip: &event.clientip,
                user: &event.user,
                method: event.method,
                url: &event.url,
                action: if event.denied { "DENY" } else { "ALLOW" },
                responsecode: event.responsecode,
                requestsize: event.requestsize,
                responsesize: event.responsesize,
                useragent: event.useragent,
                category: event.category,
                label: labelled.then_some(label),
            })?;
            summary.events += 1;
            match event.kind {
                Some(kind) => {
                    summary.attack_events += 1;
                    *summary.attack_events_by_kind.entry(kind.name().to_owned()).or_default() += 1;
                    *per_attacker.entry((event.clientip, kind.name())).or_default() += 1;
                }
                None => summary.benign_events += 1,
            }
        }
    }
    writer.finish()?;
    summary.attackers = per_attacker
        .into_iter()
        .map(|((clientip, kind), events)| ProxyAttacker {
            clientip,
            kind: kind.to_owned(),
            events,
        })
        .collect();
    Ok(summary)
}

/// Seed 004's fields in its order, plus `label` in [`ProxyScenario::Mix`].
#[derive(Serialize)]
struct ProxyRow<'a> {
    time: &'a str,
    clientip: &'a str,
    user: &'a str,
    method: &'a str,
    url: &'a str,
    action: &'a str,
    responsecode: u16,
    requestsize: u64,
    responsesize: u64,
    useragent: &'a str,
    category: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
}

fn sample_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 14, 0, 0, 0).single().unwrap_or_default()
}

fn check(config: &ProxyConfig, n_days: u64) -> Result<i64, SynthError> {
    config::check_at_least("events", config.events, 1)?;
    if config.scenario == ProxyScenario::Mix && !(1..=DOCUMENTATION_ADDRESSES).contains(&config.attackers) {
        return Err(SynthError::invalid(
            "attackers",
            format!("1 to {DOCUMENTATION_ADDRESSES} attackers (one documentation-range address each)"),
            config.attackers,
        ));
    }
    config::check_start(&config.start, Alignment::Midnight, n_days.saturating_mul(86_400))
}

/// Requests a benign client makes in a day, on average.
const EVENTS_PER_CLIENT_DAY: u64 = 50;

/// Relative share of benign requests by hour of day (UTC).
const HOUR_WEIGHTS: [u64; 24] = [
    2, 2, 2, 2, 2, 5, 10, 40, 90, 100, 100, 100, //
    95, 100, 100, 100, 95, 70, 40, 25, 15, 10, 5, 3,
];

/// 192.168.1.1–254 without .150, then 10.0.0.1–254.
const BENIGN_ADDRESSES: u64 = 253 + 254;

fn benign_address(index: u64) -> String {
    if index < 253 {
        let host = if index + 1 >= 150 { index + 2 } else { index + 1 };
        format!("192.168.1.{host}")
    } else {
        format!("10.0.0.{}", index - 253 + 1)
    }
}

/// 192.0.2.1–254, 198.51.100.1–254 and 203.0.113.1–254 (RFC 5737).
const DOCUMENTATION_ADDRESSES: u64 = 3 * 254;

fn documentation_address(index: u64) -> String {
    let network = ["192.0.2", "198.51.100", "203.0.113"][(index / 254) as usize];
    format!("{network}.{}", index % 254 + 1)
}

/// Hosts benign clients visit, with the category a proxy would give them.
const HOSTS: [(&str, &str); 32] = [
    ("www.google.com", "Search Engines"),
    ("mail.google.com", "Web-based Email"),
    ("docs.google.com", "Online Productivity"),
    ("drive.google.com", "Cloud Storage"),
    ("outlook.office365.com", "Web-based Email"),
    ("teams.microsoft.com", "Collaboration"),
    ("login.microsoftonline.com", "Business"),
    ("update.microsoft.com", "Software Updates"),
    ("github.com", "Technology"),
    ("api.github.com", "Technology"),
    ("stackoverflow.com", "Technology"),
    ("slack.com", "Collaboration"),
    ("zoom.us", "Collaboration"),
    ("company.atlassian.net", "Business"),
    ("www.salesforce.com", "Business"),
    ("www.zendesk.com", "Business"),
    ("intranet.company.com", "Business"),
    ("hr.company.com", "Business"),
    ("www.dropbox.com", "Cloud Storage"),
    ("aws.amazon.com", "Technology"),
    ("portal.azure.com", "Technology"),
    ("cdn.jsdelivr.net", "Content Delivery"),
    ("fonts.googleapis.com", "Content Delivery"),
    ("en.wikipedia.org", "Reference"),
    ("www.bbc.co.uk", "News"),
    ("www.reuters.com", "News"),
    ("news.ycombinator.com", "News"),
    ("www.linkedin.com", "Social Networking"),
    ("www.reddit.com", "Social Networking"),
    ("www.youtube.com", "Streaming Media"),
    ("open.spotify.com", "Streaming Media"),
    ("www.amazon.com", "Shopping"),
];

const PATHS: [&str; 12] = [
    "/",
    "/index.html",
    "/search?q=quarterly+report",
    "/api/v1/messages",
    "/static/js/app.js",
    "/static/css/main.css",
    "/images/logo.png",
    "/favicon.ico",
    "/dashboard",
    "/api/v2/items?page=2",
    "/docs/getting-started",
    "/settings/profile",
];

const FIRST_NAMES: [&str; 16] = [
    "maria", "james", "wei", "fatima", "john", "aisha", "carlos", "emma", "raj", "olga", "david", "yuki", "ahmed",
    "sofia", "liam", "nina",
];
const LAST_NAMES: [&str; 16] = [
    "garcia", "smith", "chen", "khan", "johnson", "okafor", "silva", "brown", "patel", "ivanova", "miller", "tanaka",
    "hassan", "rossi", "murphy", "novak",
];

const USER_AGENTS: [&str; 6] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36 Edg/121.0.0.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:122.0) Gecko/20100101 Firefox/122.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36",
];

fn employee(rng: &mut SeededRng) -> String {
    format!("{}.{}@company.com", rng.choose(&FIRST_NAMES), rng.choose(&LAST_NAMES))
}

struct Client {
    ip: String,
    user: String,
    useragent: &'static str,
    /// Relative activity, 0.5 to 2.
    weight: f64,
    /// Indices into [`HOSTS`], 6 to 12 of them.
    hosts: Vec<u64>,
}

impl Client {
    fn draw(rng: &mut SeededRng, ip: String) -> Client {
        let n_hosts = rng.between(6, 12);
        Client {
            ip,
            user: employee(rng),
            useragent: rng.pick(&USER_AGENTS),
            weight: rng.log_normal(0.0, 0.5).clamp(0.5, 2.0),
            hosts: rng.distinct(HOSTS.len() as u64, n_hosts),
        }
    }

    fn request(&self, rng: &mut SeededRng, hour_start: i64, counter: u64) -> Event {
        let time = hour_start + rng.below(3600) as i64;
        let (host, category) = HOSTS[rng.pick(&self.hosts) as usize];
        let url = format!("https://{host}{}", rng.choose(&PATHS));
        let method = match rng.uniform() {
            u if u < 0.80 => "GET",
            u if u < 0.97 => "POST",
            _ => "PUT",
        };
        let deny_probability = match category {
            "Social Networking" | "Streaming Media" => 0.15,
            _ => 0.02,
        };
        let denied = rng.bernoulli(deny_probability);
        let requestsize = if method == "GET" {
            rng.log_normal(crate::dist::ln(450.0), 0.4)
        } else {
            rng.log_normal(crate::dist::ln(2000.0), 0.8).min(200_000.0)
        }
        .round() as u64;
        let (responsecode, responsesize) = if denied {
            (403, rng.between(200, 800))
        } else {
            match rng.uniform() {
                u if u < 0.92 => (
                    200,
                    rng.log_normal(crate::dist::ln(12_000.0), 1.0).min(1_500_000.0).round() as u64,
                ),
                u if u < 0.97 => (304, rng.between(150, 400)),
                _ => (404, rng.between(300, 2000)),
            }
        };
        Event {
            time,
            clientip: self.ip.clone(),
            user: self.user.clone(),
            method,
            url,
            denied,
            responsecode,
            requestsize,
            responsesize,
            useragent: self.useragent,
            category,
            kind: None,
            counter,
        }
    }
}

/// One generated row before it is spelled out.
#[derive(Clone)]
struct Event {
    time: i64,
    clientip: String,
    user: String,
    method: &'static str,
    url: String,
    denied: bool,
    responsecode: u16,
    requestsize: u64,
    responsesize: u64,
    useragent: &'static str,
    category: &'static str,
    /// `None` for benign requests.
    kind: Option<AttackKind>,
    /// Generation order, the last tie-breaker of the sort.
    counter: u64,
}

/// The kinds of attacker of seed 004.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AttackKind {
    CredentialStuffing,
    Exfiltration,
    Scanning,
}

impl AttackKind {
    const ALL: [AttackKind; 3] = [
        AttackKind::CredentialStuffing,
        AttackKind::Exfiltration,
        AttackKind::Scanning,
    ];

    fn name(self) -> &'static str {
        match self {
            AttackKind::CredentialStuffing => "credential_stuffing",
            AttackKind::Exfiltration => "exfiltration",
            AttackKind::Scanning => "scanning",
        }
    }
}

/// Requests of the credential stuffing attacker, and how many of them are denied.
const STUFFING_REQUESTS: u64 = 150;
const STUFFING_DENIED: u64 = 135;
/// Bytes the exfiltration attacker downloads: 75 MiB.
const EXFILTRATION_BYTES: u64 = 75 * 1024 * 1024;
/// Hosts the scanning attacker probes (one request each), and how many of those requests are denied.
const SCANNED_HOSTS: [&str; 30] = [
    "jenkins",
    "gitlab",
    "grafana",
    "kibana",
    "elastic",
    "prometheus",
    "vault",
    "consul",
    "nexus",
    "sonarqube",
    "jira",
    "confluence",
    "backup",
    "nas01",
    "db01",
    "db02",
    "mail",
    "vpn",
    "dc01",
    "dc02",
    "files",
    "printer01",
    "camera01",
    "hr-portal",
    "payroll",
    "crm",
    "erp",
    "wiki",
    "dev",
    "staging",
];
const SCANNING_DENIED: u64 = 20;

const LOGIN_URLS: [(&str, &str); 4] = [
    ("https://login.microsoftonline.com/common/oauth2/v2.0/token", "Business"),
    ("https://accounts.google.com/v3/signin/identifier", "Search Engines"),
    ("https://portal.company.com/login", "Business"),
    ("https://vpn.company.com/remote/login", "Business"),
];
const EXFILTRATION_HOSTS: [&str; 4] = ["mega.nz", "transfer.sh", "storage.googleapis.com", "www.dropbox.com"];
const PROBE_PATHS: [&str; 6] = ["/", "/admin", "/login", "/.env", "/.git/config", "/server-status"];

struct Attacker {
    kind: AttackKind,
    ip: String,
    /// Midnight of the day the attack happens.
    day_start: i64,
}

fn plan_attackers(config: &ProxyConfig, start: i64, n_days: u64, rng: &mut SeededRng) -> Vec<Attacker> {
    let seed_004 = |kind, ip: &str| {
        vec![Attacker {
            kind,
            ip: ip.to_owned(),
            day_start: start,
        }]
    };
    match config.scenario {
        ProxyScenario::Baseline => Vec::new(),
        ProxyScenario::CredentialStuffing => seed_004(AttackKind::CredentialStuffing, "203.0.113.45"),
        ProxyScenario::Exfiltration => seed_004(AttackKind::Exfiltration, "192.168.1.150"),
        ProxyScenario::Scanning => seed_004(AttackKind::Scanning, "198.51.100.89"),
        ProxyScenario::Mix => rng
            .distinct(DOCUMENTATION_ADDRESSES, config.attackers)
            .into_iter()
            .map(|address| Attacker {
                kind: rng.pick(&AttackKind::ALL),
                ip: documentation_address(address),
                day_start: start + rng.below(n_days) as i64 * 86_400,
            })
            .collect(),
    }
}

impl Attacker {
    fn generate(&self, rng: &mut SeededRng, events: &mut Vec<Event>, counter: &mut u64) {
        let mut next_counter = || {
            *counter += 1;
            *counter - 1
        };
        let template = Event {
            time: self.day_start,
            clientip: self.ip.clone(),
            user: String::new(),
            method: "GET",
            url: String::new(),
            denied: false,
            responsecode: 200,
            requestsize: 0,
            responsesize: 0,
            useragent: "",
            category: "",
            kind: Some(self.kind),
            counter: 0,
        };
        match self.kind {
            AttackKind::CredentialStuffing => {
                let minute_start = self.day_start + rng.between(9 * 60, 17 * 60 - 1) as i64 * 60;
                let mut denied: Vec<bool> = (0..STUFFING_REQUESTS).map(|i| i < STUFFING_DENIED).collect();
                rng.shuffle(&mut denied);
                let mut seconds: Vec<i64> = (0..STUFFING_REQUESTS).map(|_| rng.below(60) as i64).collect();
                seconds.sort();
                for (denied, second) in denied.into_iter().zip(seconds) {
                    let (url, category) = rng.choose(&LOGIN_URLS);
                    events.push(Event {
                        time: minute_start + second,
                        user: employee(rng),
                        method: "POST",
                        url: (*url).to_owned(),
                        denied,
                        responsecode: if denied { 403 } else { 200 },
                        requestsize: rng.between(300, 700),
                        responsesize: if denied {
                            rng.between(200, 600)
                        } else {
                            rng.between(1000, 4000)
                        },
                        useragent: "python-requests/2.31.0",
                        category,
                        counter: next_counter(),
                        ..template.clone()
                    });
                }
            }
            AttackKind::Exfiltration => {
                let n_requests = rng.between(40, 80);
                let user = employee(rng);
                let hosts = rng.distinct(EXFILTRATION_HOSTS.len() as u64, 2);
                let weights: Vec<u64> = (0..n_requests)
                    .map(|_| (rng.log_normal(0.0, 0.5) * 1000.0).round() as u64 + 1)
                    .collect();
                let total_weight: u64 = weights.iter().sum();
                let mut seconds: Vec<i64> = (0..n_requests).map(|_| rng.below(5 * 3600) as i64).collect();
                seconds.sort();
                // Sizes proportional to the weights and summing exactly to the total.
                let mut weight_so_far = 0u64;
                let mut bytes_so_far = 0u64;
                for (weight, second) in weights.into_iter().zip(seconds) {
                    weight_so_far += weight;
                    let bytes_through =
                        (u128::from(EXFILTRATION_BYTES) * u128::from(weight_so_far) / u128::from(total_weight)) as u64;
                    let host = EXFILTRATION_HOSTS[rng.pick(&hosts) as usize];
                    events.push(Event {
                        time: self.day_start + second,
                        user: user.clone(),
                        url: format!("https://{host}/file/{}", &rng.hex_128()[..12]),
                        requestsize: rng.between(400, 900),
                        responsesize: bytes_through - bytes_so_far,
                        useragent: "rclone/v1.65.0",
                        category: "Cloud Storage",
                        counter: next_counter(),
                        ..template.clone()
                    });
                    bytes_so_far = bytes_through;
                }
            }
            AttackKind::Scanning => {
                let window_start = self.day_start + rng.between(9 * 60, 16 * 60) as i64 * 60;
                let mut denied: Vec<bool> = (0..SCANNED_HOSTS.len() as u64).map(|i| i < SCANNING_DENIED).collect();
                rng.shuffle(&mut denied);
                let mut order: Vec<usize> = (0..SCANNED_HOSTS.len()).collect();
                rng.shuffle(&mut order);
                let mut seconds: Vec<i64> = (0..SCANNED_HOSTS.len()).map(|_| rng.below(600) as i64).collect();
                seconds.sort();
                for ((host, denied), second) in order.into_iter().zip(denied).zip(seconds) {
                    events.push(Event {
                        time: window_start + second,
                        user: "unknown".to_owned(),
                        url: format!(
                            "http://{}.company.internal{}",
                            SCANNED_HOSTS[host],
                            rng.choose(&PROBE_PATHS)
                        ),
                        denied,
                        responsecode: if denied { 403 } else { 404 },
                        requestsize: rng.between(150, 400),
                        responsesize: if denied {
                            rng.between(200, 600)
                        } else {
                            rng.between(300, 1500)
                        },
                        useragent: "Mozilla/5.0 zgrab/0.x",
                        category: "Internal",
                        counter: next_counter(),
                        ..template.clone()
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
