//! Same inputs and parameters give byte-identical ledgers, whatever the
//! number of threads signing a batch.

use std::fs;

fn build(threads: usize) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| drop(tests::build_campaign_store(dir.path(), 120)));
    let mut bytes = fs::read(dir.path().join("ledger.jsonl")).unwrap();
    bytes.extend(fs::read(dir.path().join("ledger.tree")).unwrap());
    bytes.extend(fs::read(dir.path().join("checkpoint")).unwrap());
    bytes
}

#[test]
fn ledgers_are_byte_identical_across_runs_and_thread_counts() {
    let one = build(1);
    assert_eq!(one, build(1));
    assert_eq!(one, build(2));
    assert_eq!(one, build(4));
}

#[test]
fn verify_reports_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    drop(tests::build_campaign_store(dir.path(), 50));
    let path = dir.path().join("ledger.jsonl");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replacen("note 3", "note 4", 1)).unwrap();
    let report = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let report = pool.install(|| ledger::verify_ledger(dir.path(), &ledger::VerifyOptions::default()).unwrap());
        serde_json::to_string(&report).unwrap()
    };
    let first = report(1);
    assert!(first.contains("ALTERED_ENTRY"), "{first}");
    assert_eq!(first, report(1));
    assert_eq!(first, report(2));
}

#[test]
fn verify_reports_progress_at_the_interval_asked() {
    let dir = tempfile::tempdir().unwrap();
    drop(tests::build_campaign_store(dir.path(), 50));
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    let progress = ledger::Progress {
        every_lines: 10,
        report: std::sync::Arc::new(move |lines| sink.lock().unwrap().push(lines)),
    };
    let options = ledger::VerifyOptions {
        progress: Some(progress),
        ..Default::default()
    };
    let report = ledger::verify_ledger(dir.path(), &options).unwrap();
    let expected: Vec<u64> = (1..=report.entries / 10).map(|i| i * 10).collect();
    assert_eq!(*seen.lock().unwrap(), expected);
}
