//! The command line as a user meets it: exit codes (0 ok, 1 problem found,
//! 2 usage or input error, 3 I/O), the init → checkpoint → prove →
//! check-proof → verify flow, JSON outputs decoded with test-owned
//! expectations, and clear errors.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use tests::run_cli as run;

fn ok(store: &Path, args: &[&str]) -> String {
    let result = run(store, args);
    assert_eq!(result.code, 0, "{args:?}: {}", result.stderr);
    result.stdout
}

#[test]
fn init_checkpoint_prove_check_verify() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    ok(&store, &["init"]);
    let again = run(&store, &["init"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("a store already exists"), "{}", again.stderr);

    ok(&store, &["keys", "rotate"]);
    let checkpoint: serde_json::Value = serde_json::from_str(&ok(&store, &["--json", "ledger", "checkpoint"])).unwrap();
    assert_eq!(checkpoint["size"], 3);

    let proof_text = ok(&store, &["ledger", "prove", "--inclusion", "1", "--out"]);
    let proof: serde_json::Value = serde_json::from_str(&proof_text).unwrap();
    let members: Vec<&str> = proof_text
        .trim()
        .trim_start_matches('{')
        .split(',')
        .filter_map(|m| m.split(':').next())
        .filter(|m| m.starts_with('"'))
        .collect();
    assert_eq!(&members[..3], ["\"leaf_index\"", "\"tree_size\"", "\"leaf_hash\""]);
    assert_eq!(proof["leaf_index"], 1);
    assert_eq!(proof["tree_size"], 3);
    let written = store.join("proofs/inclusion-1-3.json");
    assert_eq!(fs::read_to_string(&written).unwrap(), proof_text);

    let line = fs::read_to_string(store.join("ledger.jsonl"))
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_owned();
    let line_file = dir.path().join("line-1");
    fs::write(&line_file, format!("{line}\n")).unwrap();
    let checked = ok(
        &store,
        &[
            "ledger",
            "check-proof",
            written.to_str().unwrap(),
            "--checkpoint",
            store.join("checkpoint").to_str().unwrap(),
            "--vkey",
            store.join("keys/ledger-2.vkey").to_str().unwrap(),
            "--line",
            line_file.to_str().unwrap(),
        ],
    );
    assert!(
        checked.starts_with("OK: entry 1 (the given line) is included in the tree of size 3"),
        "{checked}"
    );
    // The wrong line, or a key that did not sign: problem found (exit 1).
    fs::write(&line_file, "{}\n").unwrap();
    let wrong = run(
        &store,
        &[
            "ledger",
            "check-proof",
            written.to_str().unwrap(),
            "--checkpoint",
            store.join("checkpoint").to_str().unwrap(),
            "--vkey",
            store.join("keys/ledger-2.vkey").to_str().unwrap(),
            "--line",
            line_file.to_str().unwrap(),
        ],
    );
    assert_eq!(wrong.code, 1, "{}", wrong.stderr);
    let untrusted = run(
        &store,
        &[
            "ledger",
            "check-proof",
            written.to_str().unwrap(),
            "--checkpoint",
            store.join("checkpoint").to_str().unwrap(),
            "--vkey",
            store.join("keys/ledger-1.vkey").to_str().unwrap(),
        ],
    );
    assert_eq!(untrusted.code, 1);

    ok(&store, &["ledger", "checkpoint"]);
    let consistency: serde_json::Value =
        serde_json::from_str(&ok(&store, &["ledger", "prove", "--consistency", "3", "5"])).unwrap();
    assert_eq!(
        (consistency["old_size"].as_u64(), consistency["new_size"].as_u64()),
        (Some(3), Some(5))
    );

    let report: serde_json::Value = serde_json::from_str(&ok(
        &store,
        &[
            "--json",
            "verify",
            "--trusted-vkey",
            store.join("keys/ledger-1.vkey").to_str().unwrap(),
        ],
    ))
    .unwrap();
    assert_eq!(report["verdict"], "VERIFIED");
    assert_eq!(report["ledger"]["entries"], 5);
    assert_eq!(report["findings"], serde_json::json!([]));
    assert!(
        report["ledger"]["trust"]
            .as_str()
            .unwrap()
            .starts_with("pinned verifier keys: ledger-1")
    );

    let tail = ok(&store, &["--json", "ledger", "tail", "-n", "2"]);
    let seqs: Vec<u64> = tail
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["seq"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(seqs, [3, 4]);
    let shown = ok(&store, &["ledger", "show", "0"]);
    assert!(shown.contains("LEDGER_INITIALIZED"), "{shown}");
    let keys: serde_json::Value = serde_json::from_str(&ok(&store, &["--json", "keys", "list"])).unwrap();
    assert_eq!(keys[0]["status"], "retired");
    assert_eq!(keys[1]["status"], "active");

    // Tampering: exit 1 with the finding located.
    let ledger_path = store.join("ledger.jsonl");
    let text = fs::read_to_string(&ledger_path).unwrap();
    fs::write(&ledger_path, text.replacen("\"seq\":2", "\"seq\":7", 1)).unwrap();
    let failed = run(&store, &["ledger", "verify"]);
    assert_eq!(failed.code, 1);
    assert!(
        failed.stdout.contains("ledger.jsonl:3: ALTERED_ENTRY (seq 7)"),
        "{}",
        failed.stdout
    );
}

#[test]
fn usage_and_input_errors_exit_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("none");
    let missing = run(&store, &["ledger", "checkpoint"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("not a driftledger store"), "{}", missing.stderr);
    let bad_flag = run(&store, &["ledger", "prove"]);
    assert_eq!(bad_flag.code, 2);
    ok(&store, &["init", "--key-name", "k1"]);
    let bad_name = run(&store, &["keys", "generate", "bad name"]);
    assert_eq!(bad_name.code, 2);
    assert!(bad_name.stderr.contains("invalid key name"), "{}", bad_name.stderr);
    let no_vkey = run(&store, &["verify", "--trusted-vkey", "/nonexistent.vkey"]);
    assert_eq!(no_vkey.code, 2, "{}", no_vkey.stderr);
    assert!(no_vkey.stderr.contains("/nonexistent.vkey"), "{}", no_vkey.stderr);
    let no_checkpoint = run(&store, &["ledger", "prove", "--inclusion", "0"]);
    assert_eq!(no_checkpoint.code, 2);
    assert!(
        no_checkpoint.stderr.contains("the store has no checkpoint yet"),
        "{}",
        no_checkpoint.stderr
    );
    let out_of_range = run(&store, &["ledger", "prove", "--inclusion", "5", "--size", "1"]);
    assert_eq!(out_of_range.code, 2);

    let key = store.join("keys/k1.key.pem");
    fs::set_permissions(&key, fs::Permissions::from_mode(0o644)).unwrap();
    let refused = run(&store, &["ledger", "checkpoint"]);
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("readable by group or others (mode 0644)"),
        "{}",
        refused.stderr
    );
}

#[test]
fn demo_runs_end_to_end_and_twice() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("demo");
    let first = ok(&store, &["demo"]);
    // genesis, 6 ingests, a training run, a scoring run, a report, two
    // more training runs, profiles, deltas, a summary, an export, 1 + 25
    // notes, a checkpoint, a rotation (2), a note, a checkpoint
    assert!(first.contains("VERIFIED: 47 entries"), "{first}");
    for line in [
        "metric.jsonl.gz: 33600 records (seq 1)",
        "behavior.identities.jsonl: 50 records (seq 4)",
        "hand-written-metrics.csv: 4 records (seq 6), 1 bad line quarantined",
        "3a. baseline train (context hour-of-day, min 10 samples): 2404 baselines from 33604 samples, 2400 ready and 4 with insufficient history",
        "3b. score: 33600 events scored in robust z units",
        "insufficient history 4) (SCORES_COMPUTED at seq 8)",
        "3d. report (REPORT_BUILT at seq 9",
        "3e. baseline compare host-001 cpu_pct (context all): week 1 (v1, seq 10) vs week 2 (v2, seq 11)",
        "profiles: 50 new (PROFILE_BUILT at seq 12), 0 reused; 10 deltas for 50 identities (UBA_DELTA_COMPUTED at seq 13)",
        "3g. drift summary: 50 summaries, 10 with deltas (UBA_DELTA_SUMMARY_BUILT at seq 14)",
        "3h. drift export: 10 deltas",
        "checked offline: entry 16",
        "replay UBA_DELTA_COMPUTED     1 replayed",
        "replay BASELINE_TRAINED       3 replayed",
        "replay SCORES_COMPUTED        1 replayed",
        "replay REPORT_BUILT           1 replayed",
    ] {
        assert!(first.contains(line), "{line:?} missing from\n{first}");
    }
    let data = dir.path().join("demo-demo-data");
    for file in [
        "metric.jsonl.gz",
        "auth.csv",
        "proxy.jsonl",
        "behavior.jsonl",
        "behavior.planted.json",
        "report.md",
        "report-score-distribution.svg",
        "report-anomalies-by-hour.svg",
        "deltas.jsonl",
    ] {
        assert!(data.join(file).exists(), "{file}");
    }
    let metric_lines = fs::read_to_string(store.join("events/metric.jsonl"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(metric_lines, 33_600 + 4);

    // The second run generates the same bytes, so every ingest is refused as a duplicate.
    let second = ok(&store, &["demo"]);
    assert!(second.contains("the store exists"), "{second}");
    assert_eq!(second.matches("were ingested before").count(), 6, "{second}");
    // Baselines are retrained as new versions, never overwritten.
    assert!(second.contains("(v3, seq 50) vs week 2 (v4, seq 51)"), "{second}");
    // Profiles of identical content are reused, not appended again.
    assert!(second.contains("profiles: 0 new, 50 reused"), "{second}");
    assert!(second.contains("VERIFIED: 86 entries"), "{second}");
}
