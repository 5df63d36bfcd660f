//! Real-process smoke tests of the `driftledger` binary: the environment
//! variable for the store, exit codes as the shell sees them, help that teaches.

use std::process::Command;

fn driftledger() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_driftledger"));
    command.env_remove("DRIFTLEDGER_STORE");
    command
}

#[test]
fn store_from_environment_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s");
    let init = driftledger()
        .arg("init")
        .env("DRIFTLEDGER_STORE", &store)
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    assert!(store.join("ledger.jsonl").exists());

    let verify = driftledger()
        .args(["--json", "ledger", "verify"])
        .env("DRIFTLEDGER_STORE", &store)
        .output()
        .unwrap();
    assert_eq!(verify.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&verify.stdout).unwrap();
    assert_eq!(report["entries"], 1);

    std::fs::write(store.join("ledger.jsonl"), b"{}\n").unwrap();
    let broken = driftledger()
        .args(["--store", store.to_str().unwrap(), "ledger", "verify"])
        .output()
        .unwrap();
    assert_eq!(broken.status.code(), Some(1));

    let usage = driftledger().arg("no-such-command").output().unwrap();
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn help_names_every_command_and_the_exit_codes() {
    let help = driftledger().arg("--help").output().unwrap();
    assert!(help.status.success());
    let text = String::from_utf8(help.stdout).unwrap();
    for command in ["init", "keys", "ledger", "verify", "demo"] {
        assert!(text.contains(command), "{command} missing from --help");
    }
    assert!(text.contains("Exit codes"), "{text}");
    let prove = driftledger().args(["ledger", "prove", "--help"]).output().unwrap();
    let text = String::from_utf8(prove.stdout).unwrap();
    assert!(text.contains(r#"{"leaf_index":I,"tree_size":N"#), "{text}");
}
