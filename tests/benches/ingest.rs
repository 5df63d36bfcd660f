//! Ingest throughput against a parse-only pass over the same file, in the
//! same run, and the process's peak RSS.
//!
//! `cargo bench -p tests --bench ingest -- 1000000` (and `-- 10000000`):
//! generates that many metric events (`synth`, seed 1) into a temporary
//! file (in a child process), runs each pass once untimed, then times a single-threaded pass that
//! only parses each line with serde_json into a struct of the input's
//! fields, then `store::ingest_file::ingest_file` (every core) into a fresh
//! store, and prints both rates, their ratio and the peak RSS (VmHWM) of
//! this process during the ingest (the peak is reset just before it), and
//! two floors: the time the required hashing alone takes on one core, and
//! the time this disk takes to write as many bytes as the ingest must make
//! durable (the records and the raw copy) and fsync them.

use std::io::{BufRead, BufReader};
use std::time::Instant;

/// The fields of a metric input line, as a plain serde struct.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct MetricLine {
    timestamp: String,
    entity: String,
    metric: String,
    value: f64,
    label: Option<String>,
}

fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let Some((events, input)) = tests::benchmark_input(dir.path()) else {
        return;
    };
    let bytes = std::fs::metadata(&input).expect("input").len();

    // One untimed round of each first: this virtual machine is about ten
    // times slower the first time a page of its memory is written (a fresh
    // page cache page costs a hypervisor fault), which would otherwise be
    // charged to whichever pass writes first.
    parse_only(&input, events);
    tests::ingest_metric_file(&dir.path().join("warm-up"), &input, events);
    let durable_bytes = bytes
        + std::fs::metadata(dir.path().join("warm-up/events/metric.jsonl"))
            .expect("records")
            .len();
    std::fs::remove_dir_all(dir.path().join("warm-up")).expect("remove warm-up store");
    let writing_seconds = tests::durable_write(&dir.path().join("durable-write"), durable_bytes);

    let parse_seconds = parse_only(&input, events);
    let before_kib = tests::peak_rss_kib();
    // Resets the peak (Linux ≥ 4.0), so that what follows is the ingest's own.
    std::fs::write("/proc/self/clear_refs", "5").expect("reset the peak RSS");
    let ingest_seconds = tests::ingest_metric_file(&dir.path().join("store"), &input, events);
    let peak_kib = tests::peak_rss_kib();
    let hashing_seconds = required_hashing(&dir.path().join("store"), &input, events);

    println!(
        "{events} events, {:.1} MB, {} threads: parse-only {:.0} events/s ({parse_seconds:.2} s), ingest {:.0} events/s ({ingest_seconds:.2} s), ratio {:.2}, peak RSS during ingest {:.1} MiB (before: {:.1} MiB); the required hashing alone on one core takes {:.2} x the parse-only time ({hashing_seconds:.2} s); writing and syncing the {:.0} MB it must make durable alone takes {:.2} x ({writing_seconds:.2} s)",
        bytes as f64 / 1e6,
        rayon::current_num_threads(),
        events as f64 / parse_seconds,
        events as f64 / ingest_seconds,
        parse_seconds / ingest_seconds,
        peak_kib as f64 / 1024.0,
        before_kib as f64 / 1024.0,
        hashing_seconds / parse_seconds,
        durable_bytes as f64 / 1e6,
        writing_seconds / parse_seconds,
    );
}

/// Seconds for a single-threaded pass that only parses each line.
fn parse_only(input: &std::path::Path, events: u64) -> f64 {
    let started = Instant::now();
    let mut parsed = 0u64;
    for line in BufReader::new(std::fs::File::open(input).expect("open")).lines() {
        let line = line.expect("read");
        let event: MetricLine = serde_json::from_str(&line).expect("parse");
        std::hint::black_box(&event);
        parsed += 1;
    }
    assert_eq!(parsed, events);
    started.elapsed().as_secs_f64()
}

/// Seconds, on one core, for the hashing the stored format requires of an
/// ingest, and nothing else: SHA-256 of the raw file, and per event the
/// UUIDv5 (SHA-1) of its content, the SHA-256 of its record and its Merkle
/// leaf and nodes. The bytes hashed are cut out of the stored records
/// beforehand, a batch at a time and untimed, so this is a floor no ingest
/// can go below.
fn required_hashing(store_dir: &std::path::Path, input: &std::path::Path, events: u64) -> f64 {
    let mut seconds = 0.0;
    let mut raw = std::fs::File::open(input).expect("open input");
    let mut raw_hash = <sha2::Sha256 as sha2::Digest>::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let read = std::io::Read::read(&mut raw, &mut buffer).expect("read input");
        if read == 0 {
            break;
        }
        let started = Instant::now();
        sha2::Digest::update(&mut raw_hash, &buffer[..read]);
        seconds += started.elapsed().as_secs_f64();
    }
    std::hint::black_box(sha2::Digest::finalize(raw_hash));

    let records = std::fs::File::open(store_dir.join("events/metric.jsonl")).expect("open records");
    let mut lines = BufReader::new(records).lines();
    let mut tree = tlog::TreeBuilder::new();
    loop {
        let batch: Vec<(String, String)> = lines
            .by_ref()
            .take(100_000)
            .map(|line| {
                let line = line.expect("read records");
                let record: serde_json::Value = serde_json::from_str(&line).expect("record");
                let hash_member = format!("\"hash\":\"{}\",", record["hash"].as_str().expect("hash"));
                let id_member = format!("\"id\":\"{}\",", record["id"].as_str().expect("id"));
                let with_id = line.replacen(&hash_member, "", 1);
                (with_id.replacen(&id_member, "", 1), with_id)
            })
            .collect();
        if batch.is_empty() {
            break;
        }
        let started = Instant::now();
        for (content, with_id) in &batch {
            std::hint::black_box(model::id::artifact_id("metric-event", content.as_bytes()));
            tree.push(tlog::leaf_hash(&model::digest::sha256(with_id.as_bytes())));
        }
        seconds += started.elapsed().as_secs_f64();
    }
    assert_eq!(tree.size(), events);
    std::hint::black_box(tree.root());
    seconds
}
