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
    let dir = tempfile::tempdir().expect("temporary directory");
    let Some((events, input)) = tests::benchmark_input(dir.path()) else {
        return;
    };
    let bytes = std::fs::metadata(&input).expect("input").len();

    tests::ingest_metric_file(&dir.path().join("warm-up"), &input, events);
    std::fs::remove_dir_all(dir.path().join("warm-up")).expect("remove warm-up store");

    let store = dir.path().join("store");
    let build_seconds = tests::ingest_metric_file(&store, &input, events);
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
