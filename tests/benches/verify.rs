//! The global validator's time against the time it took to build the store
//! it verifies, in the same run.
//!
//! `cargo bench -p tests --bench verify -- 10000000` (default 1000000):
//! generates that many metric events (`synth`, seed 1; in a child process)
//! into a file, builds a store from it untimed once (this virtual machine
//! writes fresh pages about ten times slower the first time), then times
//! building a fresh store (`store::ingest_file::ingest_file`, every core)
//! and a full `replay::verify_store` of it (ledger checks, every record
//! accounted for, the ingest replayed from the archived raw file and
//! compared byte for byte; every core, batch signature verification), and
//! prints both times and their ratio.

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, events, path] = args.as_slice()
        && flag == "--generate"
    {
        return generate(events.parse().expect("event count"), std::path::Path::new(path));
    }
    let events: u64 = args.iter().find_map(|a| a.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temporary directory");
    let input = dir.path().join("metric.jsonl");
    let generated = std::process::Command::new(std::env::current_exe().expect("this benchmark"))
        .args(["--generate", &events.to_string(), input.to_str().expect("UTF-8 path")])
        .status()
        .expect("run the generator");
    assert!(generated.success());
    let bytes = std::fs::metadata(&input).expect("input").len();

    build(&dir.path().join("warm-up"), &input, events);
    std::fs::remove_dir_all(dir.path().join("warm-up")).expect("remove warm-up store");

    let store = dir.path().join("store");
    let build_seconds = build(&store, &input, events);
    let started = Instant::now();
    let report = replay::verify_store(&store, &replay::ReplayOptions::default()).expect("verify");
    let verify_seconds = started.elapsed().as_secs_f64();
    assert!(report.is_ok(), "{:?}", report.findings);
    assert_eq!(report.replay.records_rebuilt, events);

    println!(
        "{events} events, {:.1} MB, {} threads: build (ingest) {build_seconds:.2} s, full verify with replay {verify_seconds:.2} s, ratio verify/build {:.2}",
        bytes as f64 / 1e6,
        rayon::current_num_threads(),
        verify_seconds / build_seconds,
    );
}

/// Writes `events` generated metric events (seed 1, 200 entities) to `path`.
fn generate(events: u64, path: &std::path::Path) {
    let config = synth::metric::MetricConfig {
        entities: 200,
        limit: Some(events),
        ..Default::default()
    };
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("create input"));
    synth::metric::generate(&config, synth::OutputFormat::Jsonl, &mut file).expect("generate");
    std::io::Write::flush(&mut file).expect("write input");
}

/// Seconds to build a new store at `store_dir` by ingesting `input`.
fn build(store_dir: &std::path::Path, input: &std::path::Path, events: u64) -> f64 {
    let started = Instant::now();
    let mut store = store::Store::init(store_dir, ledger::InitOptions::default()).expect("init");
    let ingested = store::ingest_file::ingest_file(
        &mut store,
        &store::ingest_file::IngestRequest {
            format: ingest::Format::Metric,
            path: input.to_owned(),
            input_format: None,
            options: ingest::ParseOptions::default(),
            quarantine: false,
            allow_duplicate: false,
        },
    )
    .expect("ingest");
    assert_eq!(ingested.events, events);
    started.elapsed().as_secs_f64()
}
