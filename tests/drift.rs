//! Behavioural drift as users, auditors and risk engines meet it: every
//! planted change found and nothing else, byte-identical whatever the input
//! order and thread count, windows' edges, the refusals, and no word of
//! judgment anywhere in what it writes.

use std::fs;
use std::path::{Path, PathBuf};
use tests::run_cli;

fn ok(store: &Path, args: &[&str]) -> String {
    let run = run_cli(store, args);
    assert_eq!(run.code, 0, "{args:?}: {}{}", run.stdout, run.stderr);
    run.stdout
}

fn json(store: &Path, args: &[&str]) -> serde_json::Value {
    let mut with_json = vec!["--json"];
    with_json.extend_from_slice(args);
    serde_json::from_str(&ok(store, &with_json)).unwrap()
}

fn lines(path: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Generated behaviour: 100 identities, 30 with one planted change (six of
/// each type), a 28-day baseline from 2026-01-05 and a 7-day window.
fn generated(dir: &Path) -> (PathBuf, PathBuf, serde_json::Value) {
    let config = synth::behavior::BehaviorConfig {
        identities: 100,
        planted_rate: 0.3,
        seed: 3,
        ..Default::default()
    };
    let (mut events, mut identities, mut planted) = (Vec::new(), Vec::new(), Vec::new());
    synth::behavior::generate(
        &config,
        synth::OutputFormat::Jsonl,
        &mut events,
        &mut identities,
        &mut planted,
    )
    .unwrap();
    let (events_path, identities_path) = (dir.join("behavior.jsonl"), dir.join("identities.jsonl"));
    fs::write(&events_path, events).unwrap();
    fs::write(&identities_path, identities).unwrap();
    (events_path, identities_path, serde_json::from_slice(&planted).unwrap())
}

fn store_of(dir: &Path, name: &str, events: &Path, identities: &Path) -> PathBuf {
    let store = dir.join(name);
    ok(&store, &["init"]);
    ok(&store, &["ingest", "identity", identities.to_str().unwrap()]);
    ok(&store, &["ingest", "behavior", events.to_str().unwrap()]);
    store
}

const ALL: &[&str] = &[
    "drift",
    "compute",
    "--all-identities",
    "--baseline-start",
    "2026-01-05",
    "--baseline-end",
    "2026-02-02",
    "--window-start",
    "2026-02-02",
    "--window-end",
    "2026-02-09",
];

#[test]
fn every_planted_change_is_found_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let (events, identities, planted) = generated(dir.path());
    let store = store_of(dir.path(), "store", &events, &identities);
    let computed = json(&store, ALL);
    assert_eq!(computed["profiles"]["new"], 100);
    let mut found: Vec<(String, String, String, Vec<String>)> = lines(&store.join("deltas.jsonl"))
        .iter()
        .map(|d| {
            let ids = d["event_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i.as_str().unwrap().to_owned())
                .collect();
            (
                d["identity_id"].as_str().unwrap().into(),
                d["delta_type"].as_str().unwrap().into(),
                d["value"].as_str().unwrap().into(),
                ids,
            )
        })
        .collect();
    let mut expected: Vec<(String, String, String, Vec<String>)> = planted["planted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let mut ids: Vec<String> = p["event_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i.as_str().unwrap().to_owned())
                .collect();
            ids.sort();
            (
                p["identity_id"].as_str().unwrap().into(),
                p["delta_type"].as_str().unwrap().into(),
                p["value"].as_str().unwrap().into(),
                ids,
            )
        })
        .collect();
    // Evidence is in (timestamp, event_id) order; compare as sets of ids.
    for f in &mut found {
        f.3.sort();
    }
    found.sort();
    expected.sort();
    assert_eq!(expected.len(), 30);
    assert_eq!(found, expected);
    // Frequency shifts carry the planted counts, scaled to the window.
    for p in planted["planted"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["delta_type"] == "FREQUENCY_SHIFT")
    {
        let delta = lines(&store.join("deltas.jsonl"))
            .into_iter()
            .find(|d| d["identity_id"] == p["identity_id"] && d["delta_type"] == "FREQUENCY_SHIFT")
            .unwrap();
        let scaled = p["baseline_count"].as_f64().unwrap() * 7.0 / 28.0;
        assert_eq!(delta["baseline_value"].as_f64(), Some(scaled));
        assert_eq!(delta["observed_value"], p["observed_count"]);
        assert_eq!(
            delta["magnitude"].as_f64(),
            Some(p["observed_count"].as_f64().unwrap() - scaled)
        );
    }
    assert_eq!(run_cli(&store, &["verify"]).code, 0);
}

/// The bytes of the drift records of a store built from `events`.
fn drift_bytes(dir: &Path, name: &str, events: &Path, identities: &Path, threads: usize) -> Vec<Vec<u8>> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    let store = pool.install(|| {
        let store = store_of(dir, name, events, identities);
        ok(&store, ALL);
        ok(&store, &["drift", "summary"]);
        store
    });
    ["profiles.jsonl", "deltas.jsonl", "summaries.jsonl"]
        .iter()
        .map(|f| fs::read(store.join(f)).unwrap())
        .collect()
}

#[test]
fn deltas_are_byte_identical_for_any_input_order_and_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let (events, identities, _) = generated(dir.path());
    let reference = drift_bytes(dir.path(), "one", &events, &identities, 1);
    assert!(!reference[1].is_empty());
    let mut shuffled: Vec<String> = fs::read_to_string(&events)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let mut random = tests::SplitMix64::new(11);
    for i in (1..shuffled.len()).rev() {
        shuffled.swap(i, (random.next_u64() % (i as u64 + 1)) as usize);
    }
    let shuffled_path = dir.path().join("shuffled.jsonl");
    fs::write(&shuffled_path, shuffled.join("\n") + "\n").unwrap();
    for (name, input, threads) in [
        ("two", &events, 2),
        ("four", &events, 4),
        ("shuffled", &shuffled_path, 2),
    ] {
        assert!(
            drift_bytes(dir.path(), name, input, &identities, threads) == reference,
            "{name}"
        );
    }
}

/// A hand-written store: identity A active 09:00 on weekdays of the week
/// of 2026-01-05 on host h1 with privilege user; B registered with no
/// events; then events at the observation window's very edges.
fn small_store(dir: &Path) -> PathBuf {
    let (a, b) = (
        "00000000-0000-4000-8000-00000000000a",
        "00000000-0000-4000-8000-00000000000b",
    );
    let identities =
        format!("{{\"identity_id\":\"{a}\",\"name\":\"a\"}}\n{{\"identity_id\":\"{b}\",\"name\":\"b\"}}\n");
    let mut events = String::new();
    let mut n = 0;
    let mut event = |time: &str, event_type: &str, host: &str| {
        n += 1;
        events.push_str(&format!(
            "{{\"event_id\":\"00000000-0000-4000-9000-{n:012}\",\"identity_id\":\"{a}\",\"timestamp\":\"{time}\",\"event_type\":\"{event_type}\",\"host\":\"{host}\",\"privilege\":\"user\"}}\n"
        ));
    };
    for day in 5..10 {
        event(&format!("2026-01-{day:02}T09:00:00Z"), "login", "h1");
    }
    // Exactly at the baseline's end: outside the baseline, inside a window starting there.
    event("2026-01-12T00:00:00Z", "login", "at-window-start");
    // Exactly at the window's end: outside it.
    event("2026-01-19T00:00:00Z", "login", "at-window-end");
    let (events_path, identities_path) = (dir.join("small.jsonl"), dir.join("small-identities.jsonl"));
    fs::write(&events_path, events).unwrap();
    fs::write(&identities_path, identities).unwrap();
    store_of(dir, "small", &events_path, &identities_path)
}

fn compute_small(store: &Path, window: (&str, &str)) -> serde_json::Value {
    json(
        store,
        &[
            "drift",
            "compute",
            "--all-identities",
            "--baseline-start",
            "2026-01-05",
            "--baseline-end",
            "2026-01-12",
            "--window-start",
            window.0,
            "--window-end",
            window.1,
        ],
    )
}

#[test]
fn windows_include_their_start_and_exclude_their_end() {
    let dir = tempfile::tempdir().unwrap();
    let store = small_store(dir.path());
    let computed = compute_small(&store, ("2026-01-12", "2026-01-19"));
    // A's profile; B has no events in the baseline window, so no profile.
    assert_eq!(
        (computed["profiles"]["new"].as_u64(), computed["identities"].as_u64()),
        (Some(1), Some(1))
    );
    let profile = &lines(&store.join("profiles.jsonl"))[0];
    assert_eq!(profile["event_count"], 5);
    assert_eq!(profile["hours"], serde_json::json!({"09": 5}));
    let deltas = lines(&store.join("deltas.jsonl"));
    let facts: Vec<(&str, &str)> = deltas
        .iter()
        .map(|d| (d["delta_type"].as_str().unwrap(), d["value"].as_str().unwrap()))
        .collect();
    // The event at the window's start is in; the one at its end is not.
    assert_eq!(
        facts,
        vec![
            ("NEW_HOST", "at-window-start"),
            ("NEW_TIME_BUCKET", "00"),
            ("FREQUENCY_SHIFT", "login")
        ]
    );
    let shift = &deltas[2];
    assert_eq!(
        (
            shift["baseline_value"].as_f64(),
            shift["observed_value"].as_f64(),
            shift["magnitude"].as_f64()
        ),
        (Some(5.0), Some(1.0), Some(-4.0))
    );
    assert_eq!(
        shift["thresholds"],
        serde_json::json!({"frequency_threshold": 0, "observation_window_days": 7})
    );
    assert_eq!(
        shift["window"],
        serde_json::json!({"start": "2026-01-12T00:00:00.000Z", "end": "2026-01-19T00:00:00.000Z"})
    );

    // An empty observation window: no presence is new; every type's count fell to 0.
    compute_small(&store, ("2026-03-01", "2026-03-08"));
    let computed = json(
        &store,
        &[
            "drift",
            "export",
            "--out",
            dir.path().join("empty.jsonl").to_str().unwrap(),
        ],
    );
    assert_eq!(computed["deltas"], 1);
    let empty = lines(&dir.path().join("empty.jsonl"));
    assert_eq!(
        (empty[0]["delta_type"].as_str(), empty[0]["observed_value"].as_f64()),
        (Some("FREQUENCY_SHIFT"), Some(0.0))
    );
    assert_eq!(empty[0]["event_ids"], serde_json::json!([]));
    assert_eq!(run_cli(&store, &["verify"]).code, 0);
}

#[test]
fn refusals_name_the_problem_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = small_store(dir.path());
    compute_small(&store, ("2026-01-12", "2026-01-19"));
    // The profile ids `--baseline` takes are listed by `drift profiles`.
    let listed = json(
        &store,
        &[
            "drift",
            "profiles",
            "--identity",
            "00000000-0000-4000-8000-00000000000a",
        ],
    );
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let profile_id = listed[0]["profile"]["id"].as_str().unwrap().to_owned();
    assert_eq!(listed[0]["hash"].as_str().unwrap().len(), 64);
    let none = json(
        &store,
        &[
            "drift",
            "profiles",
            "--identity",
            "00000000-0000-4000-8000-00000000000b",
        ],
    );
    assert_eq!(none, serde_json::json!([]));
    let before = fs::read(store.join("ledger.jsonl")).unwrap();
    let refused = |args: &[&str], needle: &str| {
        let run = run_cli(&store, args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
    };
    let (a, b, nobody) = (
        "00000000-0000-4000-8000-00000000000a",
        "00000000-0000-4000-8000-00000000000b",
        "00000000-0000-4000-8000-0000000000ff",
    );
    let one = |identity: &'static str, baseline: String, start: &'static str, end: &'static str| {
        vec![
            "drift".to_owned(),
            "compute".into(),
            "--identity".into(),
            identity.into(),
            "--baseline".into(),
            baseline,
            "--window-start".into(),
            start.into(),
            "--window-end".into(),
            end.into(),
        ]
    };
    let args = one(nobody, profile_id.clone(), "2026-01-12", "2026-01-19");
    refused(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        "is not registered",
    );
    let args = one(b, profile_id.clone(), "2026-01-12", "2026-01-19");
    refused(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        &format!("no profile {profile_id} of identity {b}"),
    );
    let args = one(a, profile_id.clone(), "2026-01-19", "2026-01-12");
    refused(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        "is not after the start",
    );
    let args = one(a, profile_id.clone(), "2026-01-12", "later");
    refused(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        "expected an RFC 3339 time",
    );
    refused(
        &[
            "drift",
            "compute",
            "--identity",
            a,
            "--baseline",
            &profile_id,
            "--window-start",
            "2026-01-12",
            "--frequency-threshold",
            "-1",
        ],
        "--frequency-threshold: expected a finite number of at least 0",
    );
    refused(
        &[
            "drift",
            "compute",
            "--identity",
            a,
            "--baseline",
            &profile_id,
            "--window-start",
            "2026-01-12",
            "--window-days",
            "NaN",
        ],
        "--window-days: expected a finite number above 0",
    );
    assert_eq!(fs::read(store.join("ledger.jsonl")).unwrap(), before);

    // The one identity against its own profile works, with the window's days.
    let computed = json(
        &store,
        &[
            "drift",
            "compute",
            "--identity",
            a,
            "--baseline",
            &profile_id,
            "--window-start",
            "2026-01-12",
            "--window-days",
            "7",
        ],
    );
    assert_eq!(computed["deltas"], 3);
}

/// Words of judgment: deltas state facts (seed 003).
const JUDGMENT: &[&str] = &[
    "suspicious",
    "malicious",
    "abnormal",
    "anomalous",
    "risk",
    "threat",
    "alert",
    "attack",
    "score",
];

fn judged(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    JUDGMENT.iter().copied().filter(|word| lower.contains(word)).collect()
}

#[test]
fn no_delta_summary_export_or_drift_message_carries_a_word_of_judgment() {
    let dir = tempfile::tempdir().unwrap();
    let (events, identities, _) = generated(dir.path());
    let store = store_of(dir.path(), "store", &events, &identities);
    ok(&store, ALL);
    ok(&store, &["drift", "summary"]);
    let export = dir.path().join("export.jsonl");
    ok(&store, &["drift", "export", "--out", export.to_str().unwrap()]);
    for file in [
        store.join("profiles.jsonl"),
        store.join("deltas.jsonl"),
        store.join("summaries.jsonl"),
        export,
    ] {
        let text = fs::read_to_string(&file).unwrap();
        assert!(!text.is_empty(), "{}", file.display());
        assert_eq!(judged(&text), Vec::<&str>::new(), "{}", file.display());
    }
    // The drift entries' fields too.
    for line in fs::read_to_string(store.join("ledger.jsonl")).unwrap().lines() {
        if line.contains("\"PROFILE_BUILT\"") || line.contains("\"UBA_DELTA_") {
            assert_eq!(judged(line), Vec::<&str>::new(), "{line}");
        }
    }
    // Every string the drift crate can write (its literals, not its comments).
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/drift/src");
    let mut literals = 0;
    for entry in fs::read_dir(src).unwrap() {
        let code = fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for literal in line.split('"').skip(1).step_by(2) {
                literals += 1;
                assert_eq!(judged(literal), Vec::<&str>::new(), "{literal:?} in {line}");
            }
        }
    }
    assert!(literals > 50, "{literals} literals scanned");
}

#[test]
fn exports_and_summaries_validate_against_their_frozen_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let store = small_store(dir.path());
    compute_small(&store, ("2026-01-12", "2026-01-19"));
    ok(&store, &["drift", "summary"]);
    let export = dir.path().join("export.jsonl");
    ok(&store, &["drift", "export", "--out", export.to_str().unwrap()]);
    let validator = |file: &str| {
        let path = format!("{}/../schema/{file}", env!("CARGO_MANIFEST_DIR"));
        let schema: serde_json::Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
        jsonschema::validator_for(&schema).unwrap()
    };
    for (file, schema) in [
        (export.clone(), "behavior-delta.schema.json"),
        (store.join("deltas.jsonl"), "behavior-delta.schema.json"),
        (store.join("summaries.jsonl"), "delta-summary.schema.json"),
        (store.join("profiles.jsonl"), "behavior-profile.v1.schema.json"),
    ] {
        let validator = validator(schema);
        let records = lines(&file);
        assert!(!records.is_empty());
        for record in &records {
            assert!(
                validator.is_valid(record),
                "{}: {:?}",
                file.display(),
                validator.validate(record).err()
            );
        }
        let mut broken = records[0].clone();
        broken["verdict"] = "x".into();
        assert!(!validator.is_valid(&broken), "{schema} accepts a stray field");
    }
    // The library API of seed 003 reads what the commands wrote.
    let api = engine::DriftApi::new(&store);
    let a = "00000000-0000-4000-8000-00000000000a";
    let deltas = api.get_behavior_deltas(a).unwrap();
    assert_eq!(deltas.len(), 3);
    let window = drift::window::Span::parse("window", "2026-01-12", "2026-01-19").unwrap();
    let summary = api
        .get_delta_summary(a, &deltas[0].baseline_hash, &window)
        .unwrap()
        .expect("a summary");
    assert_eq!(summary.delta_hashes.len(), 3);
    assert_eq!(summary.counts[&model::drift::DeltaType::NewHost], 1);
    let thresholds = drift::thresholds::resolve(&Default::default()).unwrap();
    let again = api
        .compute_behavior_deltas(a, &deltas[0].baseline_id, window, thresholds)
        .unwrap();
    assert_eq!(again, deltas, "the same facts, computed again through the API");
    assert_eq!(api.get_behavior_deltas(a).unwrap().len(), 6);
    assert_eq!(run_cli(&store, &["verify"]).code, 0);
}
