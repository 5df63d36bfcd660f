//! The baseline commands as a user meets them: train, list, show, compare,
//! score (versions, times, batches), scores, explain and report, the MAD = 0
//! policy, and the errors that write nothing.

use std::fs;
use std::path::Path;
use tests::{CliRun, run_cli};

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

/// Twelve days at 09:00 of three series: `steady` (spread around 50),
/// `flat` (always 0) and `mostly` (0 but for three days), then a
/// thirteenth day with a departure in each.
fn metric_csv() -> String {
    let mut csv = String::from("timestamp,entity,metric,value\n");
    for day in 0..13 {
        let time = format!("2026-01-{:02}T09:00:00Z", day + 5);
        let last = day == 12;
        let steady = if last { 90.0 } else { 50.0 + f64::from(day % 5) };
        let flat = if last { 3.0 } else { 0.0 };
        let mostly = if last {
            9.0
        } else if day % 4 == 1 {
            2.0
        } else {
            0.0
        };
        csv.push_str(&format!(
            "{time},steady,cpu,{steady}\n{time},flat,errors,{flat}\n{time},mostly,errors,{mostly}\n"
        ));
    }
    csv
}

fn store_with_events(dir: &Path) -> std::path::PathBuf {
    let store = dir.join("store");
    ok(&store, &["init"]);
    let input = dir.join("metrics.csv");
    fs::write(&input, metric_csv()).unwrap();
    ok(&store, &["ingest", "metric", input.to_str().unwrap()]);
    store
}

fn scores_of(run: &serde_json::Value) -> Vec<serde_json::Value> {
    run["scores"].as_array().unwrap().clone()
}

fn score_of<'a>(scores: &'a [serde_json::Value], entity: &str) -> &'a serde_json::Value {
    scores
        .iter()
        .find(|s| s["entity"] == entity)
        .unwrap_or_else(|| panic!("no score of {entity}"))
}

#[test]
fn errors_write_nothing_and_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    ok(&store, &["init"]);
    let before = fs::read(store.join("ledger.jsonl")).unwrap();
    let check = |run: CliRun, needle: &str| {
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains(needle), "{}", run.stderr);
    };
    check(run_cli(&store, &["baseline", "train"]), "ingest some first");
    check(run_cli(&store, &["score"]), "train some first");
    check(run_cli(&store, &["report", "--out", "r.md"]), "score some events first");
    check(run_cli(&store, &["explain", "nope"]), "no score of event nope");
    check(
        run_cli(&store, &["baseline", "train", "--from", "yesterday"]),
        "expected an RFC 3339 time",
    );
    assert_eq!(fs::read(store.join("ledger.jsonl")).unwrap(), before);

    let other = dir.path().join("other");
    fs::create_dir_all(&other).unwrap();
    let store = store_with_events(&other);
    let before = fs::read(store.join("ledger.jsonl")).unwrap();
    check(
        run_cli(&store, &["baseline", "train", "--from", "2027-01-01"]),
        "no stored metric event lies in the training window",
    );
    assert_eq!(fs::read(store.join("ledger.jsonl")).unwrap(), before);
    assert!(!store.join("baselines.jsonl").exists());
}

#[test]
fn mad_zero_has_a_documented_scale_and_never_an_infinite_score() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_events(dir.path());
    // Train on the first twelve days, score all thirteen.
    let trained = json(&store, &["baseline", "train", "--to", "2026-01-17"]);
    assert_eq!(
        (trained["baselines"].as_u64(), trained["ready"].as_u64()),
        (Some(3), Some(3))
    );
    ok(&store, &["score"]);
    let run = json(&store, &["scores", "--from", "2026-01-17", "--limit", "10"]);
    let scores = scores_of(&run);
    assert_eq!(scores.len(), 3);

    // Spread around 50: the scaled MAD.
    let steady = score_of(&scores, "steady");
    assert_eq!(steady["scale_basis"], "scaled_mad");
    // 50, 51, 52, 53, 54 repeating over 12 days: median 51.5, and the
    // deviations 0.5 (×5), 1.5 (×5), 2.5 (×2) have the median 1.5.
    assert_eq!(steady["median"], 51.5);
    assert_eq!(steady["scale"].as_f64().unwrap(), 1.5 * 1.4826);
    assert_eq!(steady["score"].as_f64().unwrap(), (90.0 - 51.5) / (1.5 * 1.4826));
    assert_eq!(steady["is_anomaly"], true);

    // More than half zeros: MAD 0, the mean absolute deviation stands in.
    let mostly = score_of(&scores, "mostly");
    assert_eq!(mostly["scale_basis"], "mean_abs_dev");
    let mean_abs_dev = 3.0 * 2.0 / 12.0;
    assert_eq!(mostly["scale"].as_f64().unwrap(), mean_abs_dev * 1.2533);
    assert!(
        mostly["explanation"]
            .as_str()
            .unwrap()
            .contains("because more than half the samples equal the median (MAD 0)")
    );

    // Always 0: no spread, no score, and any other value is an anomaly.
    let flat = score_of(&scores, "flat");
    assert_eq!(flat["scale_basis"], "constant");
    assert!(flat.get("score").is_none() && flat.get("scale").is_none());
    assert_eq!(flat["is_anomaly"], true);
    assert_eq!(flat["deviation"], 3.0);
    assert!(
        flat["explanation"].as_str().unwrap().starts_with(
            "value 3 differs from the constant baseline v1 of flat errors at hour=09: all 12 samples were 0"
        ),
        "{flat}"
    );
    // An equal value scores 0.
    let earlier = json(&store, &["scores", "--entity", "flat", "--to", "2026-01-06"]);
    assert_eq!(scores_of(&earlier)[0]["score"], 0.0);
    assert_eq!(scores_of(&earlier)[0]["is_anomaly"], false);
    // The departures from the constant baseline rank first.
    let furthest = json(&store, &["scores", "--furthest", "--limit", "1"]);
    assert_eq!(scores_of(&furthest)[0]["entity"], "flat");
    assert_eq!(run_cli(&store, &["verify"]).code, 0);
}

#[test]
fn versions_times_batches_and_insufficient_history() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_events(dir.path());
    let first = json(
        &store,
        &["baseline", "train", "--to", "2026-01-12", "--min-samples", "5"],
    );
    let second = json(&store, &["baseline", "train", "--min-samples", "13"]);
    assert_eq!(first["ready"], 3);
    // 13 samples a bucket: enough for 13, and the two runs are versions 1 and 2.
    assert_eq!(second["ready"], 3);
    let third = json(&store, &["baseline", "train", "--min-samples", "14"]);
    assert_eq!(
        (third["ready"].as_u64(), third["insufficient_history"].as_u64()),
        (Some(0), Some(3))
    );

    let listed = json(&store, &["baseline", "list", "--entity", "steady"]);
    let versions: Vec<u64> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["baseline"]["version"].as_u64().unwrap())
        .collect();
    assert_eq!(versions, vec![1, 2, 3]);
    let latest = json(&store, &["baseline", "list", "--latest"]);
    assert!(latest.as_array().unwrap().iter().all(|b| b["baseline"]["version"] == 3));
    let shown = json(
        &store,
        &[
            "baseline",
            "show",
            "--entity",
            "steady",
            "--metric",
            "cpu",
            "--context",
            "hour=09",
            "--version",
            "1",
        ],
    );
    assert_eq!(shown["baseline"]["n"], 7);
    assert_eq!(shown["baseline"]["window"]["to"], "2026-01-12T00:00:00.000Z");
    assert_eq!(shown["baseline"]["confidence"], 7.0 / 37.0);
    assert_eq!(shown["baseline"]["confidence_level"], "low");

    // The newest version has too few samples: every event is skipped, with the reason.
    let skipped = json(&store, &["score"]);
    assert_eq!(
        (
            skipped["scored"].as_u64(),
            skipped["skipped"]["insufficient_history"].as_u64()
        ),
        (Some(0), Some(39))
    );
    // Pinned to version 1.
    let pinned = json(&store, &["score", "--version", "1"]);
    assert_eq!(pinned["scored"], 39);
    let run = json(&store, &["scores", "--run", &pinned["seq"].to_string(), "--limit", "1"]);
    assert_eq!(scores_of(&run)[0]["baseline_version"], 1);
    // As of the second run's time: version 2.
    let second_time = ledger_time(&store, second["seq"].as_u64().unwrap());
    let as_of = json(&store, &["score", "--as-of", &second_time]);
    let run = json(&store, &["scores", "--run", &as_of["seq"].to_string(), "--limit", "1"]);
    assert_eq!(scores_of(&run)[0]["baseline_version"], 2);
    // One batch only; a seq that is not one is refused.
    let batch = json(
        &store,
        &["score", "--version", "2", "--batch", "1", "--from", "2026-01-16"],
    );
    assert_eq!(batch["scored"], 6);
    let refused = run_cli(&store, &["score", "--batch", "2"]);
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .stderr
            .contains("seq 2 is not an EVENTS_INGESTED entry of metric events"),
        "{}",
        refused.stderr
    );

    // Compare as facts, by version and by time.
    let compared = json(
        &store,
        &[
            "baseline",
            "compare",
            "--entity",
            "steady",
            "--metric",
            "cpu",
            "--context",
            "hour=09",
            "--versions",
            "1",
            "2",
        ],
    );
    let n = compared["shifts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["statistic"] == "n")
        .unwrap();
    assert_eq!(
        (n["from"].as_f64(), n["to"].as_f64(), n["change"].as_f64()),
        (Some(7.0), Some(13.0), Some(6.0))
    );
    let text = ok(
        &store,
        &[
            "baseline",
            "compare",
            "--entity",
            "steady",
            "--metric",
            "cpu",
            "--context",
            "hour=09",
            "--as-of",
            &second_time,
            &second_time,
        ],
    );
    assert!(text.contains("v2 ("), "{text}");
    assert_eq!(run_cli(&store, &["verify"]).code, 0);
}

fn ledger_time(store: &Path, seq: u64) -> String {
    let entry = ledger::reader::read_lines(store, |i| i == seq)
        .unwrap()
        .remove(0)
        .entry
        .unwrap();
    entry.time
}

#[test]
fn explain_and_report_tie_a_score_to_its_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_events(dir.path());
    ok(&store, &["baseline", "train", "--to", "2026-01-17"]);
    ok(&store, &["score"]);
    let steady = json(&store, &["scores", "--entity", "steady", "--anomalies"]);
    let event_id = scores_of(&steady)[0]["event_id"].as_str().unwrap().to_owned();
    let explained = ok(&store, &["explain", &event_id]);
    let ingest = ledger::reader::read_lines(&store, |i| i == 1)
        .unwrap()
        .remove(0)
        .entry
        .unwrap();
    for needle in [
        "value 90 is 17.3119 robust z above the median 51.5 of steady cpu at hour=09",
        "(baseline v1: n 12, scale 2.2239 = MAD 1.5 × 1.4826, confidence 0.285714)",
        "score = (value − median) / scale = (90 − 51.5) / 2.2239 = 17.3119",
        "training window [the first event, 2026-01-17T00:00:00.000Z)",
        "trained by BASELINE_TRAINED at seq 2",
        &format!(
            "EVENTS_INGESTED seq 1: 36 events used, raw sha256 {}",
            ingest.inputs["raw_sha256"].as_str().unwrap()
        ),
        "samples of the bucket (12):",
        "<- this event (90), above every sample",
    ] {
        assert!(explained.contains(needle), "{needle:?} not in\n{explained}");
    }

    let out = dir.path().join("out/inv.md");
    fs::create_dir_all(out.parent().unwrap()).unwrap();
    ok(&store, &["report", "--out", out.to_str().unwrap(), "--top", "3"]);
    let entry = tests::last_entry(&store);
    assert_eq!(entry.action, model::Action::ReportBuilt);
    let markdown = fs::read(&out).unwrap();
    assert_eq!(entry.outputs["report_sha256"], model::digest::sha256_hex(&markdown));
    for file in entry.outputs["files"].as_array().unwrap() {
        let bytes = fs::read(dir.path().join("out").join(file["name"].as_str().unwrap())).unwrap();
        assert_eq!(file["sha256"], model::digest::sha256_hex(&bytes));
    }
    let markdown = String::from_utf8(markdown).unwrap();
    assert!(
        markdown.contains("![Score distribution](inv-score-distribution.svg)"),
        "{markdown}"
    );
    assert_eq!(run_cli(&store, &["verify"]).code, 0);
}
