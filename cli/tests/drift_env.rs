//! The drift thresholds as the shell gives them: flag, then
//! `UBA_DRIFT_FREQUENCY_THRESHOLD` / `UBA_DRIFT_OBSERVATION_WINDOW_DAYS`,
//! then the defaults; invalid values are exit 2; the values in effect are
//! recorded, and verify never reads the environment.

use std::path::Path;
use std::process::{Command, Output};

fn driftledger(store: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_driftledger"));
    command
        .env_remove("DRIFTLEDGER_STORE")
        .env_remove("UBA_DRIFT_FREQUENCY_THRESHOLD")
        .env_remove("UBA_DRIFT_OBSERVATION_WINDOW_DAYS")
        .arg("--store")
        .arg(store);
    command
}

fn run(command: &mut Command) -> Output {
    command.output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn thresholds_come_from_the_flag_then_the_environment_and_are_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s");
    let a = "00000000-0000-4000-8000-00000000000a";
    std::fs::write(
        dir.path().join("ids.jsonl"),
        format!("{{\"identity_id\":\"{a}\",\"name\":\"a\"}}\n"),
    )
    .unwrap();
    // Two logins a day in the baseline week, three a day in the next.
    let mut events = String::new();
    for (n, (day, hour)) in (5..12)
        .flat_map(|d| [(d, 9), (d, 10)])
        .chain((12..19).flat_map(|d| [(d, 9), (d, 10), (d, 11)]))
        .enumerate()
    {
        events.push_str(&format!(
            "{{\"event_id\":\"00000000-0000-4000-9000-{n:012}\",\"identity_id\":\"{a}\",\"timestamp\":\"2026-01-{day:02}T{hour:02}:00:00Z\",\"event_type\":\"login\"}}\n"
        ));
    }
    std::fs::write(dir.path().join("events.jsonl"), events).unwrap();
    for args in [
        vec!["init".to_owned()],
        vec![
            "ingest".into(),
            "identity".into(),
            dir.path().join("ids.jsonl").display().to_string(),
        ],
        vec![
            "ingest".into(),
            "behavior".into(),
            dir.path().join("events.jsonl").display().to_string(),
        ],
    ] {
        let output = run(driftledger(&store).args(&args));
        assert!(output.status.success(), "{}", text(&output));
    }
    let compute = |store: &Path| {
        let mut command = driftledger(store);
        command.args([
            "--json",
            "drift",
            "compute",
            "--all-identities",
            "--baseline-start",
            "2026-01-05",
            "--baseline-end",
            "2026-01-12",
            "--window-start",
            "2026-01-12",
        ]);
        command
    };

    for (variable, value) in [
        ("UBA_DRIFT_FREQUENCY_THRESHOLD", "lots"),
        ("UBA_DRIFT_FREQUENCY_THRESHOLD", "-3"),
        ("UBA_DRIFT_FREQUENCY_THRESHOLD", "NaN"),
        ("UBA_DRIFT_OBSERVATION_WINDOW_DAYS", "0"),
    ] {
        let output = run(compute(&store).env(variable, value));
        assert_eq!(output.status.code(), Some(2), "{variable}={value}: {}", text(&output));
        assert!(
            text(&output).contains(&format!("{variable}: expected")),
            "{}",
            text(&output)
        );
    }

    // The environment: 7 more logins than the scaled baseline (21 vs 14),
    // above a threshold of 6.5, over a 7-day window.
    let output = run(compute(&store)
        .env("UBA_DRIFT_FREQUENCY_THRESHOLD", "6.5")
        .env("UBA_DRIFT_OBSERVATION_WINDOW_DAYS", "7"));
    assert!(output.status.success(), "{}", text(&output));
    let computed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        computed["thresholds"],
        serde_json::json!({"frequency_threshold": 6.5, "observation_window_days": 7.0})
    );
    assert_eq!(computed["by_type"]["FREQUENCY_SHIFT"], 1);
    let deltas = std::fs::read_to_string(store.join("deltas.jsonl")).unwrap();
    assert!(
        deltas.contains("\"thresholds\":{\"frequency_threshold\":6.5,\"observation_window_days\":7}"),
        "{deltas}"
    );

    // The flag wins over the environment: 7 is not above 7, and only the
    // new hour (11) is left.
    let output = run(compute(&store)
        .env("UBA_DRIFT_FREQUENCY_THRESHOLD", "1")
        .args(["--frequency-threshold", "7"]));
    let computed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(computed["thresholds"]["frequency_threshold"].as_f64(), Some(7.0));
    assert_eq!(computed["by_type"], serde_json::json!({"NEW_TIME_BUCKET": 1}));

    // A window of 2 days from the environment: 6 observed against 4.
    let output = run(compute(&store).env("UBA_DRIFT_OBSERVATION_WINDOW_DAYS", "2"));
    let computed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(computed["window"]["end"], "2026-01-14T00:00:00.000Z");

    // Replay reads the recorded values, whatever the environment says now.
    let output = run(driftledger(&store)
        .arg("verify")
        .env("UBA_DRIFT_FREQUENCY_THRESHOLD", "1000")
        .env("UBA_DRIFT_OBSERVATION_WINDOW_DAYS", "1"));
    assert!(output.status.success(), "{}", text(&output));
}
