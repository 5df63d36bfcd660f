//! Training and scoring throughput against a parse-only pass over the same
//! stored events, in the same run, and the process's peak RSS.
//!
//! `cargo bench -p tests --bench baseline -- 1000000` (and `-- 10000000`):
//! generates that many metric events (`synth`, seed 1, 200 hosts × 5
//! metrics, hourly) in a child process and ingests them, untimed; then
//! times a single-threaded pass that only parses each line of
//! `events/metric.jsonl` with serde_json into a struct of its fields, then
//! `engine::train_baselines` (hour of day) and `engine::score_events` (every
//! event against the newest baselines), both on every core, and prints the
//! rates, the ratio of the parse-only time to train + score, each step's
//! own ratio, and the peak RSS (VmHWM) during train + score (the peak is
//! reset just before). Last, as a reference, it times writing and syncing
//! as many bytes as the scores took, alone (`tests::durable_write`): no
//! scoring that writes its records durably can take less on this disk.

use std::io::{BufRead, BufReader};
use std::time::Instant;

/// The fields of a stored metric event, as a plain serde struct.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct StoredLine {
    id: String,
    timestamp: String,
    entity: String,
    metric: String,
    value: f64,
    label: Option<String>,
    hash: String,
}

fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let Some((events, input)) = tests::benchmark_input(dir.path()) else {
        return;
    };
    let store_dir = dir.path().join("store");
    tests::ingest_metric_file(&store_dir, &input, events);
    std::fs::remove_file(&input).expect("remove the input");
    let stored = store_dir.join("events/metric.jsonl");
    let bytes = std::fs::metadata(&stored).expect("stored events").len();

    // Untimed first (see the ingest benchmark: first writes to fresh pages
    // are slow on this kind of virtual machine, and reads fill the cache).
    parse_only(&stored, events);
    let parse_seconds = parse_only(&stored, events);

    std::fs::write("/proc/self/clear_refs", "5").expect("reset the peak RSS");
    let mut store = store::Store::open(&store_dir, ledger::WriterOptions::default()).expect("open the store");
    let started = Instant::now();
    let trained = engine::train_baselines(&mut store, &baseline::TrainParams::default()).expect("train");
    let train_seconds = started.elapsed().as_secs_f64();
    let request = engine::ScoreRequest {
        threshold: baseline::score::DEFAULT_THRESHOLD,
        context: None,
        selection: baseline::BaselineSelection::Latest,
        events: baseline::run::EventSelection::default(),
        out: None,
    };
    let started = Instant::now();
    let scored = engine::score_events(&mut store, &request).expect("score");
    let score_seconds = started.elapsed().as_secs_f64();
    let peak_kib = tests::peak_rss_kib();
    assert_eq!(trained.samples, events);
    assert_eq!(scored.tally.total(), events);
    let scores_bytes = std::fs::metadata(store_dir.join("scores.jsonl")).expect("scores").len();
    drop(store);
    let writing_seconds = tests::durable_write(&dir.path().join("durable-write"), scores_bytes);

    println!(
        "{events} events, {:.1} MB stored, {} threads: parse-only {:.0} events/s ({parse_seconds:.2} s); train {:.0} events/s ({train_seconds:.2} s, {} baselines, ratio {:.2}); score {:.0} events/s ({score_seconds:.2} s, {:.1} MB of scores, ratio {:.2}); train + score ratio {:.2}; peak RSS during train + score {:.1} MiB; writing and syncing as many bytes as the scores alone takes {:.2} x the parse-only time ({writing_seconds:.2} s), so train + that write alone have a ratio of {:.2}",
        bytes as f64 / 1e6,
        rayon::current_num_threads(),
        events as f64 / parse_seconds,
        events as f64 / train_seconds,
        trained.baselines.len(),
        parse_seconds / train_seconds,
        events as f64 / score_seconds,
        scores_bytes as f64 / 1e6,
        parse_seconds / score_seconds,
        parse_seconds / (train_seconds + score_seconds),
        peak_kib as f64 / 1024.0,
        writing_seconds / parse_seconds,
        parse_seconds / (train_seconds + writing_seconds),
    );
}

/// Seconds for a single-threaded pass that only parses each line.
fn parse_only(path: &std::path::Path, events: u64) -> f64 {
    let started = Instant::now();
    let mut parsed = 0u64;
    for line in BufReader::new(std::fs::File::open(path).expect("open")).lines() {
        let line = line.expect("read");
        let event: StoredLine = serde_json::from_str(&line).expect("parse");
        std::hint::black_box(&event);
        parsed += 1;
    }
    assert_eq!(parsed, events);
    started.elapsed().as_secs_f64()
}
