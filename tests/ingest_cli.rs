//! `driftledger ingest`: each file all or nothing, the raw bytes archived,
//! events appended with the entry that accounts for them, bad lines named
//! by file:line and field, quarantine on request, duplicates refused.

use std::fs;

use tests::{CliRun, last_entry, run_cli as run};

const GOOD_CSV: &str =
    "timestamp,entity,metric,value\n2026-11-21T10:00:00Z,web-1,cpu,0.5\n2026-11-21T12:01:00+02:00,web-1,cpu,0.7\n";
const GOOD_JSONL: &str = "{\"timestamp\":\"2026-11-21T10:00:00Z\",\"entity\":\"web-1\",\"metric\":\"cpu\",\"value\":0.5}\n{\"timestamp\":\"2026-11-21T12:01:00+02:00\",\"entity\":\"web-1\",\"metric\":\"cpu\",\"value\":0.7}\n";
const BAD_JSONL: &str = "{\"timestamp\":\"2026-11-21T10:00:00Z\",\"entity\":\"web-1\",\"metric\":\"cpu\",\"value\":0.5}\n{\"timestamp\":\"2026-11-21T10:00:00Z\",\"entity\":\"web-1\",\"metric\":\"cpu\",\"value\":\"abc\"}\n";

fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    assert_eq!(run(&store, &["init"]).code, 0);
    for (name, text) in [
        ("good.csv", GOOD_CSV),
        ("good.jsonl", GOOD_JSONL),
        ("bad.jsonl", BAD_JSONL),
    ] {
        fs::write(dir.path().join(name), text).unwrap();
    }
    (dir, store)
}

#[test]
fn a_good_file_is_archived_ingested_and_recorded() {
    let (dir, store) = setup();
    let csv = dir.path().join("good.csv");
    let CliRun { code, stdout, stderr } = run(&store, &["--json", "ingest", "metric", csv.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report[0]["events"], 2);
    let sha256 = model::digest::sha256_hex(GOOD_CSV.as_bytes());
    assert_eq!(report[0]["raw_sha256"], sha256);
    assert_eq!(
        fs::read_to_string(store.join("raw/sha256").join(&sha256)).unwrap(),
        GOOD_CSV
    );

    let events = fs::read_to_string(store.join("events/metric.jsonl")).unwrap();
    let lines: Vec<&str> = events.lines().collect();
    assert_eq!(lines.len(), 2);
    for line in &lines {
        model::record::check_line(line).unwrap();
    }
    let second: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(
        second["timestamp"], "2026-11-21T10:01:00.000Z",
        "offsets are normalized to UTC"
    );

    let entry = last_entry(&store);
    assert_eq!(entry.action, model::Action::EventsIngested);
    assert_eq!(entry.inputs["raw_sha256"], sha256);
    assert_eq!(entry.inputs["source"], "good.csv");
    assert_eq!(entry.params["format"], "metric");
    assert_eq!(entry.outputs["events"], 2);
    assert_eq!(entry.outputs["records"][0]["count"], 2);
    assert_eq!(run(&store, &["ledger", "verify"]).code, 0);

    // The same events as JSONL give the same records (other raw bytes, so not a duplicate).
    let jsonl = dir.path().join("good.jsonl");
    assert_eq!(run(&store, &["ingest", "metric", jsonl.to_str().unwrap()]).code, 0);
    let events = fs::read_to_string(store.join("events/metric.jsonl")).unwrap();
    let lines: Vec<&str> = events.lines().collect();
    assert_eq!(lines[0..2], lines[2..4]);
}

#[test]
fn a_bad_line_names_file_line_and_field_and_writes_nothing() {
    let (dir, store) = setup();
    // LOCK holds the last writer's pid: a lock, not store content.
    let before = tests::snapshot_files(&store, &["LOCK"]);
    let bad = dir.path().join("bad.jsonl");
    let CliRun { code, stderr, .. } = run(&store, &["ingest", "metric", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr.trim(),
        format!(
            "error: {}:2: field `value`: expected a finite number within the range of a 64-bit float, found \"abc\"",
            bad.display()
        )
    );
    assert_eq!(tests::snapshot_files(&store, &["LOCK"]), before);
}

#[test]
fn quarantine_ingests_the_good_lines_and_records_the_bad() {
    let (dir, store) = setup();
    let bad = dir.path().join("bad.jsonl");
    let CliRun { code, stdout, stderr } = run(
        &store,
        &["--json", "ingest", "metric", "--quarantine", bad.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (report[0]["events"].as_u64(), report[0]["rejected"].as_u64()),
        (Some(1), Some(1))
    );
    let quarantine = store.join(report[0]["quarantine"].as_str().unwrap());
    let reasons = fs::read_to_string(&quarantine).unwrap();
    let reason: serde_json::Value = serde_json::from_str(reasons.lines().next().unwrap()).unwrap();
    assert_eq!(
        (reason["line"].as_u64(), reason["field"].as_str()),
        (Some(2), Some("value"))
    );
    let entry = last_entry(&store);
    assert_eq!(
        entry.outputs["quarantine_sha256"],
        model::digest::sha256_hex(reasons.as_bytes())
    );
    assert_eq!(entry.outputs["rejected"], 1);
    assert_eq!(entry.params["quarantine"], true);
}

#[test]
fn the_same_bytes_are_refused_unless_allowed() {
    let (dir, store) = setup();
    let csv = dir.path().join("good.csv");
    assert_eq!(run(&store, &["ingest", "metric", csv.to_str().unwrap()]).code, 0);
    let before = tests::snapshot_files(&store, &["LOCK"]);
    let CliRun { code, stderr, .. } = run(&store, &["ingest", "metric", csv.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("were ingested before, at seq 1; pass --allow-duplicate"),
        "{stderr}"
    );
    assert_eq!(tests::snapshot_files(&store, &["LOCK"]), before);
    assert_eq!(
        run(
            &store,
            &["ingest", "metric", "--allow-duplicate", csv.to_str().unwrap()]
        )
        .code,
        0
    );
    assert_eq!(
        fs::read_to_string(store.join("events/metric.jsonl"))
            .unwrap()
            .lines()
            .count(),
        4
    );
}

#[test]
fn identities_go_to_their_own_registry() {
    let (dir, store) = setup();
    let identities = dir.path().join("identities.jsonl");
    fs::write(
        &identities,
        "{\"identity_id\":\"6F1C2A52-58E4-4D43-9C0E-0C2D4A1E7B10\",\"name\":\"alice\",\"kind\":\"human\"}\n",
    )
    .unwrap();
    assert_eq!(
        run(&store, &["ingest", "identity", identities.to_str().unwrap()]).code,
        0
    );
    let registry = fs::read_to_string(store.join("identities.jsonl")).unwrap();
    let identity: serde_json::Value = serde_json::from_str(registry.trim()).unwrap();
    assert_eq!(
        identity["identity_id"], "6f1c2a52-58e4-4d43-9c0e-0c2d4a1e7b10",
        "UUIDs are kept, lower-cased"
    );
    let entry = last_entry(&store);
    assert_eq!(entry.action, model::Action::IdentitiesRegistered);
    assert_eq!(entry.outputs["records"][0]["file"], "identities.jsonl");
}

#[test]
fn the_input_format_comes_from_the_name_or_the_flag() {
    let (dir, store) = setup();
    let export = dir.path().join("export.txt");
    fs::write(&export, GOOD_CSV).unwrap();
    let CliRun { code, stderr, .. } = run(&store, &["ingest", "metric", export.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot tell JSONL from CSV by the file name"),
        "{stderr}"
    );
    let CliRun { code, stderr, .. } = run(
        &store,
        &["ingest", "metric", "--input-format", "csv", export.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stderr}");
    let entry = last_entry(&store);
    assert_eq!(entry.params["input_format"], "csv");
    assert_eq!(entry.outputs["events"], 2);
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn gzip_input_is_archived_as_given_and_parsed_decompressed() {
    let (dir, store) = setup();
    let compressed = gzip(GOOD_JSONL.as_bytes());
    let file = dir.path().join("good.jsonl.gz");
    fs::write(&file, &compressed).unwrap();
    let CliRun { code, stderr, .. } = run(&store, &["ingest", "metric", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let entry = last_entry(&store);
    assert_eq!(entry.params["compression"], "gzip");
    assert_eq!(entry.params["input_format"], "jsonl");
    let sha256 = model::digest::sha256_hex(&compressed);
    assert_eq!(entry.inputs["raw_sha256"], sha256);
    assert_eq!(fs::read(store.join("raw/sha256").join(&sha256)).unwrap(), compressed);

    // The same events uncompressed give the same records.
    let plain = dir.path().join("good.jsonl");
    assert_eq!(run(&store, &["ingest", "metric", plain.to_str().unwrap()]).code, 0);
    assert_eq!(last_entry(&store).params["compression"], "none");
    let events = fs::read_to_string(store.join("events/metric.jsonl")).unwrap();
    let lines: Vec<&str> = events.lines().collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0..2], lines[2..4]);

    // A bad line inside gzip is named by its decompressed line number.
    let before = tests::snapshot_files(&store, &["LOCK"]);
    let bad = dir.path().join("bad.jsonl.gz");
    fs::write(&bad, gzip(BAD_JSONL.as_bytes())).unwrap();
    let CliRun { code, stderr, .. } = run(&store, &["ingest", "metric", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("{}:2: field `value`", bad.display())),
        "{stderr}"
    );
    assert_eq!(tests::snapshot_files(&store, &["LOCK"]), before);
}

#[test]
fn a_bad_last_line_of_a_large_file_leaves_a_fresh_store_as_it_was() {
    let (dir, store) = setup();
    // Several parse chunks of good lines, on every core, then one bad line.
    let good = GOOD_JSONL.lines().next().unwrap();
    let mut text = format!("{good}\n").repeat(30_000);
    text.push_str("{\"timestamp\":\"2026-11-21T10:00:00Z\",\"entity\":\"web-1\",\"metric\":\"cpu\"}\n");
    let file = dir.path().join("large.jsonl");
    fs::write(&file, &text).unwrap();
    let before = tests::snapshot_files(&store, &["LOCK"]);
    assert!(!before.contains_key("events/"), "{:?}", before.keys());
    let CliRun { code, stderr, .. } = run(&store, &["ingest", "metric", file.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("{}:30001: field `value`: expected a value", file.display())),
        "{stderr}"
    );
    assert_eq!(
        tests::snapshot_files(&store, &["LOCK"]),
        before,
        "no record file, archive copy or directory is left behind"
    );
    // With quarantine the 30,000 good lines go in, in input order.
    let CliRun { code, stdout, stderr } = run(
        &store,
        &["--json", "ingest", "metric", "--quarantine", file.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (report[0]["events"].as_u64(), report[0]["rejected"].as_u64()),
        (Some(30_000), Some(1))
    );
    assert_eq!(run(&store, &["ledger", "verify"]).code, 0);
}

#[test]
fn behaviour_events_need_a_registered_identity() {
    let (dir, store) = setup();
    let alice = "6f1c2a52-58e4-4d43-9c0e-0c2d4a1e7b10";
    let stranger = "0b7e4a3e-1f7c-4c1a-9d55-3c9a7b1e2f00";
    let event = |event_id: &str, identity: &str| {
        format!(
            "{{\"event_id\":\"{event_id}\",\"identity_id\":\"{identity}\",\"timestamp\":\"2026-11-21T10:00:00Z\",\"event_type\":\"login\",\"host\":\"h1\"}}\n"
        )
    };
    let events = dir.path().join("behavior.jsonl");
    fs::write(
        &events,
        event("11111111-1111-4111-8111-111111111111", alice) + &event("22222222-2222-4222-8222-222222222222", stranger),
    )
    .unwrap();
    let CliRun { code, stderr, .. } = run(&store, &["ingest", "behavior", events.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr.trim(),
        format!(
            "error: {}:1: field `identity_id`: expected an identity registered in identities.jsonl (ingest the identities first), found \"{alice}\"",
            events.display()
        )
    );
    let identities = dir.path().join("identities.jsonl");
    fs::write(
        &identities,
        format!("{{\"identity_id\":\"{alice}\",\"name\":\"alice\"}}\n"),
    )
    .unwrap();
    assert_eq!(
        run(&store, &["ingest", "identity", identities.to_str().unwrap()]).code,
        0
    );
    let CliRun { code, stderr, .. } = run(&store, &["ingest", "behavior", events.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains(":2: field `identity_id`"), "{stderr}");
    let CliRun { code, stdout, stderr } = run(
        &store,
        &["--json", "ingest", "behavior", "--quarantine", events.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (report[0]["events"].as_u64(), report[0]["rejected"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn generate_is_deterministic_by_seed_and_reproduces_the_proxy_samples() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let path = |name: &str| dir.path().join(name).display().to_string();
    for (generator, extra) in [
        ("metric", vec!["--days", "1"]),
        ("auth", vec!["--n-days", "2", "--n-users", "10"]),
        ("proxy", vec!["--events", "200"]),
        ("behavior", vec!["--identities", "5"]),
    ] {
        let mut outputs = Vec::new();
        for (seed, name) in [("3", "a"), ("3", "b"), ("4", "c")] {
            let file = path(&format!("{generator}-{name}.jsonl.gz"));
            let mut args = vec!["generate", generator, "--seed", seed, "--out", &file];
            args.extend(extra.iter().copied());
            let run = run(&store, &args);
            assert_eq!(run.code, 0, "{}", run.stderr);
            outputs.push(fs::read(&file).unwrap());
        }
        assert_eq!(outputs[0], outputs[1], "{generator}: same seed, same bytes");
        assert_ne!(outputs[0], outputs[2], "{generator}: another seed, other data");
    }
    let samples = dir.path().join("samples");
    let run_samples = run(&store, &["generate", "proxy", "--samples", samples.to_str().unwrap()]);
    assert_eq!(run_samples.code, 0, "{}", run_samples.stderr);
    let committed = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/proxy");
    for name in [
        "baseline_small.jsonl",
        "baseline_medium.jsonl",
        "baseline_large.jsonl",
        "anomalous_credential_stuffing.jsonl",
        "anomalous_exfiltration.jsonl",
        "anomalous_scanning.jsonl",
    ] {
        assert_eq!(
            fs::read(samples.join(name)).unwrap(),
            fs::read(format!("{committed}/{name}")).unwrap(),
            "{name}"
        );
    }
    let CliRun { code, stderr, .. } = run(&store, &["generate", "metric"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--out PATH is required"), "{stderr}");
    let CliRun { code, stderr, .. } = run(
        &store,
        &["generate", "metric", "--out", &path("x.jsonl"), "--start", "yesterday"],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("--start: expected an RFC 3339 time"), "{stderr}");
    assert!(!dir.path().join("x.jsonl").exists());
}
