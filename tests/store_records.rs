//! Record files: every record is written together with the ledger entry
//! that accounts for it; what a crash leaves unaccounted is quarantined and
//! the repair recorded; SIGKILL campaigns (record batches, streaming ingests)
//! lose nothing reported as written and leave no temporaries behind.

use ledger::{EntryDraft, VerifyOptions, WriterOptions, verify_ledger};
use model::Action;
use serde_json::json;
use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::time::Duration;
use store::{RecordBatch, RecordFile, Store, StoreError};

fn metric() -> RecordFile {
    RecordFile::new("events/metric.jsonl").unwrap()
}

fn batch(n: u64) -> RecordBatch {
    RecordBatch {
        file: metric(),
        records: (0..n).map(|i| json!({"entity": "web-1", "value": i})).collect(),
    }
}

fn init(root: &Path) -> Store {
    drop(tests::init_test_store(root));
    Store::open(root, WriterOptions::default()).unwrap()
}

use tests::last_entry;

#[test]
fn records_and_their_entry_are_written_together() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = init(dir.path());
    let first = store
        .record(EntryDraft::new(Action::EventsIngested), vec![batch(3)])
        .unwrap();
    let second = store
        .record(EntryDraft::new(Action::EventsIngested), vec![batch(2)])
        .unwrap();
    assert_eq!((second.batches[0].first_line, second.batches[0].count), (4, 2));
    drop(store);

    let entry = last_entry(dir.path());
    assert_eq!(entry.seq, second.entry.seq);
    let described = &entry.outputs["records"][0];
    assert_eq!(described["file"], "events/metric.jsonl");
    assert_eq!(described["first_line"], 4);
    assert_eq!(described["count"], 2);
    // The Merkle root is recomputed here from the file, independently of the writer.
    let text = fs::read_to_string(dir.path().join("events/metric.jsonl")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5);
    let mut tree = tlog::TreeBuilder::new();
    for line in &lines[3..] {
        tree.push(tlog::leaf_hash(&model::record::check_line(line).unwrap()));
    }
    assert_eq!(
        described["merkle_root"],
        tlog::TreeBuilder::root(&tree)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    assert_ne!(first.batches[0].merkle_root, second.batches[0].merkle_root);
    assert!(verify_ledger(dir.path(), &VerifyOptions::default()).unwrap().is_ok());
}

#[test]
fn a_bad_record_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = init(dir.path());
    store
        .record(EntryDraft::new(Action::EventsIngested), vec![batch(2)])
        .unwrap();
    let before = tests::snapshot_files(dir.path(), &[]);
    let bad = RecordBatch {
        file: RecordFile::new("baselines.jsonl").unwrap(),
        records: vec![json!({"ok": 1}), json!([1, 2])],
    };
    let error = store
        .record(EntryDraft::new(Action::EventsIngested), vec![batch(1), bad])
        .unwrap_err();
    assert!(matches!(error, StoreError::Record { index: 1, .. }), "{error}");
    assert_eq!(
        error.to_string(),
        "baselines.jsonl: record 1: a record must be a JSON object, found an array"
    );
    // One action may not name a file twice (each batch's first line would clash).
    let error = store
        .record(EntryDraft::new(Action::EventsIngested), vec![batch(1), batch(2)])
        .unwrap_err();
    assert!(matches!(error, StoreError::RepeatedFile { .. }), "{error}");
    // A stream dropped before its commit leaves nothing behind.
    let mut stream = store.stream(metric()).unwrap();
    stream.push(json!({"value": 1})).unwrap();
    drop(stream);
    drop(store);
    assert_eq!(tests::snapshot_files(dir.path(), &[]), before);
}

#[test]
fn unaccounted_lines_are_quarantined_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = init(dir.path());
    store
        .record(EntryDraft::new(Action::EventsIngested), vec![batch(3)])
        .unwrap();
    drop(store);
    // A crash after the records were written but before their entry:
    // two whole lines and a torn one, plus a file no entry mentions.
    let path = dir.path().join("events/metric.jsonl");
    let accounted = fs::read(&path).unwrap();
    let extra = b"{\"entity\":\"web-1\",\"hash\":\"00\"}\n{\"x\":1}\n{\"torn";
    OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(extra)
        .unwrap();
    fs::write(dir.path().join("baselines.jsonl"), b"{\"orphan\":true}\n").unwrap();

    let store = Store::open(dir.path(), WriterOptions::default()).unwrap();
    assert_eq!(store.recovery().quarantined.len(), 2);
    assert_eq!(store.line_count(&metric()), 3);
    drop(store);
    assert_eq!(fs::read(&path).unwrap(), accounted);
    assert_eq!(fs::read(dir.path().join("baselines.jsonl")).unwrap(), b"");
    let entry = last_entry(dir.path());
    assert_eq!(entry.action, Action::RecordsRecovered);
    let recovered: Vec<model::LedgerEntry> = ledger::reader::read_lines(dir.path(), |_| true)
        .unwrap()
        .into_iter()
        .filter_map(|l| l.entry.ok())
        .filter(|e| e.action == Action::RecordsRecovered)
        .collect();
    let metric_entry = recovered
        .iter()
        .find(|e| e.params["file"] == "events/metric.jsonl")
        .unwrap();
    assert_eq!(metric_entry.params["from_line"], 4);
    let quarantined = dir.path().join(metric_entry.outputs["quarantine"].as_str().unwrap());
    assert_eq!(fs::read(&quarantined).unwrap(), extra);
    assert_eq!(metric_entry.outputs["sha256"], model::digest::sha256_hex(extra));
    // Recorded once: nothing left to repair.
    assert!(
        Store::open(dir.path(), WriterOptions::default())
            .unwrap()
            .recovery()
            .is_empty()
    );
}

#[test]
fn missing_records_are_refused_not_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = init(dir.path());
    store
        .record(EntryDraft::new(Action::EventsIngested), vec![batch(3)])
        .unwrap();
    drop(store);
    let path = dir.path().join("events/metric.jsonl");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        text.lines().take(2).map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
    let error = Store::open(dir.path(), WriterOptions::default()).unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::MissingRecords {
                expected: 3,
                found: 2,
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn sigkill_during_record_writes_loses_nothing_reported() {
    let dir = tempfile::tempdir().unwrap();
    drop(tests::init_test_store(dir.path()));
    let mut reported = Vec::new();
    let mut random = tests::SplitMix64::new(7);
    let mut quarantines = 0;
    for round in 0..100 {
        let output = tests::run_until_killed(
            env!("CARGO_BIN_EXE_ledger-appender"),
            &["records", dir.path().to_str().unwrap(), &round.to_string()],
            Duration::from_micros(2_000 + random.below(30_000)),
        );
        for line in output.lines() {
            let parts: Vec<&str> = line.splitn(3, ' ').collect();
            if parts.len() == 3 && parts[1].len() == 64 {
                reported.push((
                    parts[0].parse::<u64>().unwrap(),
                    parts[1].to_owned(),
                    parts[2].to_owned(),
                ));
            }
        }
        let store = Store::open(dir.path(), WriterOptions::default())
            .unwrap_or_else(|e| panic!("round {round}: recovery failed: {e}"));
        quarantines += store.recovery().quarantined.len();
        drop(store);
    }
    assert!(reported.len() > 100, "only {} actions reported", reported.len());
    assert!(verify_ledger(dir.path(), &VerifyOptions::default()).unwrap().is_ok());
    let entries = ledger::reader::read_lines(dir.path(), |_| true).unwrap();
    let files: BTreeMap<&str, Vec<String>> = ["events/metric.jsonl", "baselines.jsonl"]
        .into_iter()
        .map(|f| {
            (
                f,
                fs::read_to_string(dir.path().join(f))
                    .unwrap_or_default()
                    .lines()
                    .map(str::to_owned)
                    .collect(),
            )
        })
        .collect();
    for (seq, hash, batches) in &reported {
        assert_eq!(
            &entries[*seq as usize].entry.as_ref().unwrap().hash,
            hash,
            "entry {seq}"
        );
        for described in batches.split(',').filter(|b| !b.is_empty()) {
            let fields: Vec<&str> = described.split(':').collect();
            let (first, count): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
            let mut tree = tlog::TreeBuilder::new();
            for line in &files[fields[0]][first - 1..first - 1 + count] {
                tree.push(tlog::leaf_hash(&model::record::check_line(line).unwrap()));
            }
            let root: String = tree.root().iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(root, fields[3], "entry {seq}: {described}");
        }
    }
    // After the last repair every line of every file is accounted for.
    let store = Store::open(dir.path(), WriterOptions::default()).unwrap();
    for (name, lines) in &files {
        assert_eq!(
            store.line_count(&RecordFile::new(name).unwrap()),
            lines.len() as u64,
            "{name}"
        );
    }
    eprintln!("{quarantines} unaccounted tails were quarantined over 100 kills");
}

/// Temporaries (`.incoming-*`) left in `raw/sha256/` and `quarantine/`.
fn incoming_leftovers(root: &Path) -> Vec<String> {
    ["raw/sha256", "quarantine"]
        .iter()
        .flat_map(|dir| fs::read_dir(root.join(dir)).into_iter().flatten())
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".incoming-"))
        .collect()
}

#[test]
fn sigkill_during_streaming_ingests_loses_nothing_reported() {
    let dir = tempfile::tempdir().unwrap();
    let store_dir = dir.path().join("store");
    drop(tests::init_test_store(&store_dir));
    let mut reported = Vec::new();
    let mut random = tests::SplitMix64::new(11);
    let (mut repaired_tails, mut removed_temporaries) = (0, 0);
    for round in 0..40 {
        let work = dir.path().join(format!("inputs-{round}"));
        let output = tests::run_until_killed(
            env!("CARGO_BIN_EXE_ledger-appender"),
            &[
                "ingest",
                store_dir.to_str().unwrap(),
                &round.to_string(),
                work.to_str().unwrap(),
            ],
            Duration::from_micros(5_000 + random.below(150_000)),
        );
        for line in output.lines() {
            let parts: Vec<&str> = line.split(' ').collect();
            if parts.len() == 4 && parts[3].len() == 64 {
                reported.push((
                    parts[0].parse::<u64>().unwrap(),
                    parts[1].to_owned(),
                    parts[2].parse::<u64>().unwrap(),
                    parts[3].to_owned(),
                ));
            }
        }
        let store = Store::open(&store_dir, WriterOptions::default())
            .unwrap_or_else(|e| panic!("round {round}: recovery failed: {e}"));
        repaired_tails += store.recovery().quarantined.len();
        removed_temporaries += store.recovery().removed_temporaries.len();
        assert_eq!(incoming_leftovers(&store_dir), Vec::<String>::new(), "round {round}");
        drop(store);
    }
    assert!(reported.len() >= 10, "only {} ingests reported", reported.len());
    assert!(verify_ledger(&store_dir, &VerifyOptions::default()).unwrap().is_ok());
    // And the global validator replays every ingest that survived.
    let full = replay::verify_store(&store_dir, &replay::ReplayOptions::default()).unwrap();
    assert!(full.is_ok(), "{:#?}", full.findings);

    let entries = ledger::reader::read_lines(&store_dir, |_| true).unwrap();
    let records: Vec<String> = fs::read_to_string(store_dir.join("events/metric.jsonl"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    for (seq, hash, events, raw_sha256) in &reported {
        let entry = entries[*seq as usize].entry.as_ref().unwrap();
        assert_eq!(&entry.hash, hash, "entry {seq}");
        assert_eq!(entry.inputs["raw_sha256"], raw_sha256.as_str());
        let raw = fs::read(store_dir.join(entry.inputs["raw"].as_str().unwrap())).unwrap();
        assert_eq!(
            &model::digest::sha256_hex(&raw),
            raw_sha256,
            "raw archive of entry {seq}"
        );
        let batch = &entry.outputs["records"][0];
        assert_eq!(batch["count"].as_u64(), Some(*events));
        let first = batch["first_line"].as_u64().unwrap() as usize;
        let mut tree = tlog::TreeBuilder::new();
        for line in &records[first - 1..first - 1 + *events as usize] {
            tree.push(tlog::leaf_hash(&model::record::check_line(line).unwrap()));
        }
        let root: String = tree.root().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(batch["merkle_root"].as_str(), Some(root.as_str()), "entry {seq}");
    }
    // After the last repair every record line is accounted for.
    let store = Store::open(&store_dir, WriterOptions::default()).unwrap();
    assert_eq!(
        store.line_count(&RecordFile::new("events/metric.jsonl").unwrap()),
        records.len() as u64
    );
    eprintln!(
        "{} ingests reported; {repaired_tails} record tails quarantined and {removed_temporaries} temporaries removed over 40 kills",
        reported.len()
    );
}
