//! Shared pieces of the workspace-level tests: deterministic test keys and
//! clocks, a seeded random source, and builders for the stores the
//! campaigns mutate. Test-only: nothing here is used by the product.
#![deny(missing_docs)]

use ed25519_dalek::SigningKey;
use ledger::{Clock, EntryDraft, InitOptions, Ledger};
use model::{Action, Timestamp};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;

/// A fixed Ed25519 key for tests only: its seed is SHA-256 of
/// `"driftledger TEST-ONLY key <name>"`, so anyone can recompute it.
pub fn test_only_key(name: &str) -> SigningKey {
    SigningKey::from_bytes(&model::digest::sha256(
        format!("driftledger TEST-ONLY key {name}").as_bytes(),
    ))
}

/// A clock that starts at 2026-11-21T10:00:00Z and advances one second per reading.
pub fn stepping_clock() -> Clock {
    let mut millis = 1_795_255_200_000i64;
    Box::new(move || {
        millis += 1000;
        Timestamp::from_unix_millis(millis).expect("in range")
    })
}

/// SplitMix64: a tiny seeded generator, so campaigns are repeatable.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// A number in `0..bound` (`bound` > 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }
}

/// Creates a deterministic store: fixed store id, test-only keys, stepping clock.
pub fn init_test_store(root: &Path) -> Ledger {
    Ledger::init(
        root,
        InitOptions {
            key_name: "ledger-1".into(),
            signing_key: Some(test_only_key("ledger-1")),
            store_id: Some("00000000-0000-4000-8000-000000000001".parse().expect("uuid")),
            clock: stepping_clock(),
            ..Default::default()
        },
    )
    .expect("init test store")
}

/// A note entry with a little varied content (strings, numbers, nesting).
pub fn note(index: u64) -> EntryDraft {
    EntryDraft::new(Action::Note)
        .params(json!({"text": format!("note {index}: Zoë ✓"), "index": index, "ratio": index as f64 / 7.0}))
        .inputs(json!({"batch": format!("b{}", index / 10)}))
        .outputs(json!({"ok": true}))
}

/// Builds the store the tamper campaign mutates: at least `n_entries`
/// entries, a key rotation, several checkpoints, and a CHECKPOINT_SIGNED
/// entry as the very last line (so that removing any line is detectable
/// without an outside checkpoint).
pub fn build_campaign_store(root: &Path, n_entries: u64) -> Ledger {
    let mut ledger = init_test_store(root);
    let mut index = 0;
    while ledger.size() + 1 < n_entries {
        // Batches of 21 are signed in parallel (the writer parallelizes from 16 on).
        let batch: Vec<EntryDraft> = (0..21).map(|i| note(index + i)).collect();
        index += 21;
        ledger.append_batch(batch).expect("append");
        if index % 63 == 0 {
            ledger.sign_checkpoint().expect("checkpoint");
        }
        if index == 126 {
            ledger
                .add_existing_key("ledger-2", test_only_key("ledger-2"))
                .expect("add key");
            ledger.retire_key("ledger-1").expect("retire key");
        }
    }
    ledger.sign_checkpoint().expect("final checkpoint");
    ledger
}

/// Every file under `root` but those named in `skip` (matched on the file
/// name), by path relative to `root`, with its bytes.
pub fn snapshot_files(root: &Path, skip: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable dir") {
            let path = entry.expect("dir entry").path();
            if path.file_name().is_some_and(|n| skip.iter().any(|s| n == *s)) {
                continue;
            }
            let relative = path
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                // Directories count too: a failed action must not leave an empty one behind.
                files.insert(format!("{relative}/"), Vec::new());
                stack.push(path);
            } else {
                files.insert(relative, std::fs::read(&path).expect("readable file"));
            }
        }
    }
    files
}

/// What a command line printed and how it exited.
#[derive(Debug)]
pub struct CliRun {
    /// The exit code.
    pub code: u8,
    /// What went to standard output.
    pub stdout: String,
    /// What went to standard error.
    pub stderr: String,
}

/// Runs `driftledger --store STORE ARGS...` in-process.
pub fn run_cli(store: &Path, args: &[&str]) -> CliRun {
    let mut argv = vec![
        "driftledger".to_owned(),
        "--store".to_owned(),
        store.display().to_string(),
    ];
    argv.extend(args.iter().map(|a| (*a).to_owned()));
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = cli::run(argv, &mut stdout, &mut stderr);
    let code = (0..=3)
        .find(|c| code == std::process::ExitCode::from(*c))
        .expect("exit code in 0..=3");
    CliRun {
        code,
        stdout: String::from_utf8(stdout).expect("UTF-8 output"),
        stderr: String::from_utf8(stderr).expect("UTF-8 output"),
    }
}

/// The newest entry of the ledger at `root`.
pub fn last_entry(root: &Path) -> model::LedgerEntry {
    let mut lines = ledger::reader::read_lines(root, |_| true).expect("readable ledger");
    lines.pop().expect("a ledger entry").entry.expect("a parseable entry")
}

/// Runs `program` with `args` for `run_for`, kills it with SIGKILL and
/// returns what it printed on stdout by then: the campaigns' crash step.
pub fn run_until_killed(program: &str, args: &[&str], run_for: std::time::Duration) -> String {
    use std::io::Read;
    let mut child = std::process::Command::new(program)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the child");
    std::thread::sleep(run_for);
    child.kill().expect("SIGKILL the child");
    child.wait().expect("reap the child");
    let mut output = String::new();
    child
        .stdout
        .take()
        .expect("piped stdout")
        .read_to_string(&mut output)
        .expect("read the child's stdout");
    output
}

/// A small store holding every artifact kind that exists, deterministic to
/// the byte: every input format ingested (metrics gzip-compressed, auth as
/// CSV, identities before the behaviour that names them, a CSV with a bad
/// line quarantined), notes, checkpoints before and after a key rotation,
/// and an inclusion and a consistency proof. The input files are written to
/// `data`. Returns the tree size of the first checkpoint.
pub fn build_replay_store(root: &Path, data: &Path) -> u64 {
    use store::ingest_file::{IngestRequest, ingest_file};
    use synth::OutputFormat;
    std::fs::create_dir_all(data).expect("data folder");
    let metric = data.join("metric.jsonl.gz");
    {
        let file = std::fs::File::create(&metric).expect("metric file");
        let mut gzip = flate2::GzBuilder::new().write(file, flate2::Compression::default());
        let config = synth::metric::MetricConfig {
            entities: 3,
            days: 2,
            ..Default::default()
        };
        synth::metric::generate(&config, OutputFormat::Jsonl, &mut gzip).expect("metrics");
        gzip.finish().expect("gzip");
    }
    let auth = data.join("auth.csv");
    let config = synth::auth::AuthConfig {
        n_users: 6,
        n_ips: 10,
        n_days: 2,
        ..Default::default()
    };
    let mut bytes = Vec::new();
    synth::auth::generate(&config, OutputFormat::Csv, &mut bytes).expect("auth");
    std::fs::write(&auth, bytes).expect("auth file");
    let proxy = data.join("proxy.jsonl");
    let config = synth::proxy::ProxyConfig {
        events: 150,
        scenario: synth::proxy::ProxyScenario::Mix,
        ..Default::default()
    };
    let mut bytes = Vec::new();
    synth::proxy::generate(&config, OutputFormat::Jsonl, &mut bytes).expect("proxy");
    std::fs::write(&proxy, bytes).expect("proxy file");
    let (behavior, identities) = (data.join("behavior.jsonl"), data.join("identities.jsonl"));
    let config = synth::behavior::BehaviorConfig {
        identities: 6,
        baseline_days: 4,
        window_days: 1,
        ..Default::default()
    };
    let (mut events, mut registry, mut planted) = (Vec::new(), Vec::new(), Vec::new());
    synth::behavior::generate(&config, OutputFormat::Jsonl, &mut events, &mut registry, &mut planted)
        .expect("behavior");
    std::fs::write(&behavior, events).expect("behavior file");
    std::fs::write(&identities, registry).expect("identities file");
    let sample = data.join("metrics-with-a-bad-line.csv");
    std::fs::write(
        &sample,
        "timestamp,entity,metric,value\n2026-11-20T09:00:00Z,web-1,cpu,41.5\n2026-11-20T10:00:00Z,web-1,cpu,oops\n2026-11-20T13:00:00+02:00,web-1,cpu,44.25\n",
    )
    .expect("sample file");

    let mut store = store::Store::init(
        root,
        InitOptions {
            key_name: "ledger-1".into(),
            signing_key: Some(test_only_key("ledger-1")),
            store_id: Some("00000000-0000-4000-8000-000000000002".parse().expect("uuid")),
            clock: stepping_clock(),
            ..Default::default()
        },
    )
    .expect("init");
    for (format, path, quarantine) in [
        (ingest::Format::Metric, &metric, false),
        (ingest::Format::Auth, &auth, false),
        (ingest::Format::Proxy, &proxy, false),
        (ingest::Format::Identity, &identities, false),
        (ingest::Format::Behavior, &behavior, false),
        (ingest::Format::Metric, &sample, true),
    ] {
        let request = IngestRequest {
            format,
            path: path.clone(),
            input_format: None,
            options: ingest::ParseOptions::default(),
            quarantine,
            allow_duplicate: false,
        };
        ingest_file(&mut store, &request).expect("ingest");
    }
    // Baselines without time context (48 samples a bucket, and two with
    // too few), by hour of day (two samples a bucket), the events scored,
    // and a report.
    let overall = baseline::TrainParams {
        context: baseline::ContextKind::None,
        ..Default::default()
    };
    engine::train_baselines(&mut store, &overall).expect("train");
    let hourly = baseline::TrainParams {
        min_samples: 2,
        ..Default::default()
    };
    engine::train_baselines(&mut store, &hourly).expect("train");
    let request = engine::ScoreRequest {
        threshold: 3.5,
        context: None,
        selection: baseline::BaselineSelection::Latest,
        events: baseline::run::EventSelection::default(),
        out: None,
    };
    engine::score_events(&mut store, &request).expect("score");
    let report = engine::ReportRequest {
        out: data.join("report.md"),
        scores_seq: None,
        top_k: 5,
        title: "replay store".into(),
    };
    engine::build_report(&mut store, &report).expect("report");
    // Profiles of the behaviour's baseline window, the deltas of its
    // observation window, a summary and an export.
    let baseline_window = drift::window::Span::parse("baseline", "2026-01-05", "2026-01-09").expect("window");
    let request = engine::DriftRequest {
        scope: engine::DriftScope::AllIdentities {
            baseline: baseline_window,
        },
        window: drift::window::Span::parse("window", "2026-01-09", "2026-01-10").expect("window"),
        thresholds: drift::thresholds::resolve(&Default::default()).expect("thresholds"),
    };
    let computed = engine::compute_drift(&mut store, &request).expect("drift");
    assert!(!computed.deltas.is_empty(), "the planted change");
    engine::summarize_drift(&mut store, None, None).expect("summary");
    engine::export_drift(&mut store, None, None, &data.join("deltas.jsonl")).expect("export");
    let ledger = store.ledger();
    ledger.append_batch((0..5).map(note).collect()).expect("notes");
    let first = ledger.sign_checkpoint().expect("checkpoint").checkpoint.size;
    ledger
        .add_existing_key("ledger-2", test_only_key("ledger-2"))
        .expect("add key");
    ledger.retire_key("ledger-1").expect("retire key");
    ledger.append(note(99)).expect("note");
    let second = ledger.sign_checkpoint().expect("checkpoint").checkpoint.size;
    drop(store);
    let inclusion = ledger::prove_inclusion(root, 3, second).expect("inclusion proof");
    ledger::proofs::write_proof(root, &format!("inclusion-3-{second}.json"), &inclusion.to_json()).expect("proof");
    let consistency = ledger::prove_consistency(root, first, second).expect("consistency proof");
    ledger::proofs::write_proof(
        root,
        &format!("consistency-{first}-{second}.json"),
        &consistency.to_json(),
    )
    .expect("proof");
    first
}

/// Writes `events` generated metric events (seed 1, 200 entities) to
/// `path` as JSON Lines: the benchmarks' input.
pub fn write_metric_events(events: u64, path: &Path) {
    let config = synth::metric::MetricConfig {
        entities: 200,
        limit: Some(events),
        ..Default::default()
    };
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("create input"));
    synth::metric::generate(&config, synth::OutputFormat::Jsonl, &mut file).expect("generate");
    std::io::Write::flush(&mut file).expect("write input");
}

/// Creates a store at `store_dir` and ingests the metric events of
/// `input` (which must hold `events` of them); returns the seconds the
/// ingest took.
pub fn ingest_metric_file(store_dir: &Path, input: &Path, events: u64) -> f64 {
    let mut store = store::Store::init(store_dir, InitOptions::default()).expect("init");
    let started = std::time::Instant::now();
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
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(ingested.events, events);
    seconds
}

/// The benchmarks' input: as many metric events as the command line asks
/// (default 1,000,000), generated into `dir` by a child process (this same
/// executable run with `--generate N PATH`), so that the generator's memory
/// is not the benchmark's. In that child it generates and returns `None`.
pub fn benchmark_input(dir: &Path) -> Option<(u64, std::path::PathBuf)> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, events, path] = args.as_slice()
        && flag == "--generate"
    {
        write_metric_events(events.parse().expect("event count"), Path::new(path));
        return None;
    }
    let events: u64 = args.iter().find_map(|a| a.parse().ok()).unwrap_or(1_000_000);
    let input = dir.join("metric.jsonl");
    let generated = std::process::Command::new(std::env::current_exe().expect("this benchmark"))
        .args(["--generate", &events.to_string(), input.to_str().expect("UTF-8 path")])
        .status()
        .expect("run the generator");
    assert!(generated.success());
    Some((events, input))
}

/// Seconds to write `bytes` to a new file at `path` and make them durable,
/// 16 MiB at a time (written, then synced), nothing else running: how fast
/// this disk takes that much, whatever writes it.
pub fn durable_write(path: &Path, bytes: u64) -> f64 {
    let block = vec![b'x'; 16 << 20];
    let started = std::time::Instant::now();
    let mut file = std::fs::File::create(path).expect("create");
    let mut left = bytes;
    while left > 0 {
        let now = left.min(block.len() as u64) as usize;
        std::io::Write::write_all(&mut file, &block[..now]).expect("write");
        file.sync_data().expect("sync");
        left -= now as u64;
    }
    file.sync_all().expect("sync");
    let seconds = started.elapsed().as_secs_f64();
    std::fs::remove_file(path).expect("remove");
    seconds
}

/// The process's peak resident set size (VmHWM), in KiB: the benchmarks'
/// memory figure.
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .unwrap_or(0)
}
