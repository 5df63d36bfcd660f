//! The dependency direction of ARCHITECTURE.md, checked with `cargo metadata`:
//! a crate may depend only on the workspace crates below it.

use std::collections::BTreeMap;
use std::process::Command;

/// Each workspace crate and the workspace crates it may depend on.
const ALLOWED: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("tlog", &[]),
    ("ingest", &["model", "tlog"]),
    ("synth", &["model"]),
    ("baseline", &["model", "tlog"]),
    ("report", &["model"]),
    ("drift", &["model", "tlog"]),
    (
        "engine",
        &["model", "tlog", "ledger", "store", "baseline", "report", "drift"],
    ),
    ("ledger", &["model", "tlog"]),
    ("store", &["model", "tlog", "ledger", "ingest"]),
    (
        "replay",
        &["model", "tlog", "ledger", "ingest", "baseline", "report", "drift"],
    ),
    (
        "cli",
        &[
            "model", "tlog", "ledger", "store", "ingest", "synth", "replay", "baseline", "report", "drift", "engine",
        ],
    ),
    (
        "tests",
        &[
            "model", "tlog", "ledger", "store", "ingest", "synth", "replay", "baseline", "report", "drift", "engine",
            "cli",
        ],
    ),
];

#[test]
fn dependencies_point_one_way() {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let members: BTreeMap<String, Vec<String>> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["path"].is_string());
            (
                p["name"].as_str().unwrap().to_owned(),
                deps.map(|d| d["name"].as_str().unwrap().to_owned()).collect(),
            )
        })
        .collect();
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    for (name, deps) in &members {
        let permitted = allowed
            .get(name.as_str())
            .unwrap_or_else(|| panic!("crate {name} is not in the tidy table"));
        for dep in deps {
            assert!(
                permitted.contains(&dep.as_str()),
                "{name} depends on {dep}, which it must not"
            );
        }
    }
    assert_eq!(members.len(), ALLOWED.len(), "workspace members: {:?}", members.keys());
}

#[test]
fn computation_crates_depend_on_no_io_or_clock_crates() {
    let manifest = |name: &str| {
        std::fs::read_to_string(format!("{}/../crates/{name}/Cargo.toml", env!("CARGO_MANIFEST_DIR"))).unwrap()
    };
    for name in ["model", "tlog", "ingest", "synth", "baseline", "report", "drift"] {
        let text = manifest(name);
        let dependencies = text
            .split("[dependencies]")
            .nth(1)
            .unwrap()
            .split("\n[")
            .next()
            .unwrap();
        for forbidden in ["getrandom", "tempfile", "ledger"] {
            assert!(
                !dependencies.contains(forbidden),
                "{name} must not depend on {forbidden}"
            );
        }
    }
}

/// Drift states facts and must not be able to reach a score: it depends on
/// no crate that scores, detects or models (seed 003: no scoring, no ML).
#[test]
fn drift_depends_on_no_scoring_or_detection_crate() {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // Every package drift reaches, through any number of dependencies.
    let nodes = metadata["resolve"]["nodes"].as_array().unwrap();
    let name_of = |id: &str| id.split(['#', '@']).rev().find(|p| !p.is_empty()).map(str::to_owned);
    let drift_id = nodes
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .find(|id| id.contains("crates/drift"))
        .unwrap()
        .to_owned();
    let mut reached = std::collections::BTreeSet::new();
    let mut stack = vec![drift_id];
    while let Some(id) = stack.pop() {
        let node = nodes.iter().find(|n| n["id"] == id.as_str()).unwrap();
        for dep in node["dependencies"].as_array().unwrap() {
            let dep = dep.as_str().unwrap().to_owned();
            if reached.insert(dep.clone()) {
                stack.push(dep);
            }
        }
    }
    let reached_names: Vec<String> = reached.iter().filter_map(|id| name_of(id)).collect();
    assert!(
        reached.iter().any(|id| id.contains("crates/model")),
        "{reached_names:?}"
    );
    for forbidden in ["baseline", "report", "engine", "detect", "replay", "store", "ledger"] {
        assert!(
            !reached.iter().any(|id| id.contains(&format!("crates/{forbidden}"))),
            "drift reaches {forbidden}: {reached_names:?}"
        );
    }
}
