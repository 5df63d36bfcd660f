//! Drift deltas for many identities against ingesting the same events, in
//! the same run.
//!
//! `cargo bench -p tests --bench drift -- 100000 1000000`: writes that many
//! identities and behaviour events (each identity eight events over an
//! 8-day baseline and two in the day after, one identity in fifty with a
//! new host) in a child process, registers the identities, untimed; then
//! times ingesting the events into the store (`ingest_file`, every core)
//! and `engine::compute_drift` for every identity (profiles built, deltas
//! computed with a frequency threshold of 1, both recorded), and prints
//! both times and their ratio.

use std::io::Write;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, identities, events, dir] = args.as_slice()
        && flag == "--generate"
    {
        generate(
            identities.parse().unwrap(),
            events.parse().unwrap(),
            std::path::Path::new(dir),
        );
        return;
    }
    let numbers: Vec<u64> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let (identities, events) = match numbers.as_slice() {
        [identities, events, ..] => (*identities, *events),
        _ => (100_000, 1_000_000),
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    let generated = std::process::Command::new(std::env::current_exe().expect("this benchmark"))
        .args([
            "--generate",
            &identities.to_string(),
            &events.to_string(),
            dir.path().to_str().unwrap(),
        ])
        .status()
        .expect("run the generator");
    assert!(generated.success());

    let store_dir = dir.path().join("store");
    let mut store = store::Store::init(&store_dir, ledger::InitOptions::default()).expect("init");
    let ingest = |store: &mut store::Store, format, file: &str| {
        store::ingest_file::ingest_file(
            store,
            &store::ingest_file::IngestRequest {
                format,
                path: dir.path().join(file),
                input_format: None,
                options: ingest::ParseOptions::default(),
                quarantine: false,
                allow_duplicate: false,
            },
        )
        .expect("ingest")
    };
    ingest(&mut store, ingest::Format::Identity, "identities.jsonl");
    let started = Instant::now();
    let ingested = ingest(&mut store, ingest::Format::Behavior, "behavior.jsonl");
    let ingest_seconds = started.elapsed().as_secs_f64();
    assert_eq!(ingested.events, events);

    let request = engine::DriftRequest {
        scope: engine::DriftScope::AllIdentities {
            baseline: drift::window::Span::parse("baseline", "2026-01-05", "2026-01-13").unwrap(),
        },
        window: drift::window::Span::parse("window", "2026-01-13", "2026-01-14").unwrap(),
        // Eight events over eight days against two in one: rates that differ
        // by less than one event a window are not stated.
        thresholds: drift::thresholds::resolve(&drift::thresholds::ThresholdTexts {
            frequency_flag: Some("1"),
            ..Default::default()
        })
        .unwrap(),
    };
    let started = Instant::now();
    let computed = engine::compute_drift(&mut store, &request).expect("drift");
    let drift_seconds = started.elapsed().as_secs_f64();
    println!(
        "{identities} identities, {events} events, {} threads: ingest {ingest_seconds:.2} s, drift compute {drift_seconds:.2} s ({} profiles, {} deltas), ratio {:.2}",
        rayon::current_num_threads(),
        computed.profiles.0,
        computed.deltas.len(),
        drift_seconds / ingest_seconds,
    );
}

/// Identity `i` logs in, reads files and logs out on its own host at its
/// own hours; every fiftieth uses a new host in the observation day.
fn generate(identities: u64, events: u64, dir: &std::path::Path) {
    let per_identity = events / identities;
    assert!(
        per_identity >= 2 && events.is_multiple_of(identities),
        "events must be a multiple of identities, at least twice"
    );
    let mut ids = std::io::BufWriter::new(std::fs::File::create(dir.join("identities.jsonl")).unwrap());
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join("behavior.jsonl")).unwrap());
    let types = ["login", "file_read", "logout"];
    let mut n = 0u64;
    for i in 0..identities {
        let identity = format!("00000000-0000-4000-8000-{i:012x}");
        writeln!(ids, "{{\"identity_id\":\"{identity}\",\"name\":\"user-{i}\"}}").unwrap();
        let baseline_events = per_identity - 2;
        for k in 0..per_identity {
            let (day, host) = if k < baseline_events {
                (5 + k * 8 / baseline_events, format!("host-{}", i % 997))
            } else if i % 50 == 0 {
                (13, format!("host-new-{}", i % 7))
            } else {
                (13, format!("host-{}", i % 997))
            };
            n += 1;
            writeln!(
                out,
                "{{\"event_id\":\"00000000-0000-4000-9000-{n:012x}\",\"identity_id\":\"{identity}\",\"timestamp\":\"2026-01-{day:02}T{:02}:{:02}:00Z\",\"event_type\":\"{}\",\"host\":\"{host}\",\"privilege\":\"user\"}}",
                8 + (i % 8),
                k % 60,
                types[(k % 3) as usize]
            )
            .unwrap();
        }
    }
}
