//! Golden fixture stores under `fixtures/ledger/`, generated, never
//! hand-edited: `golden/` is a small deterministic store (test-only keys,
//! fixed clock and store id; private keys are not committed), and each
//! folder of `tampered/` is the golden store with one documented change and
//! an `EXPECTED` file listing the findings `verify` must report.
//!
//! Regenerate with `UPDATE_FIXTURES=1 cargo test -p tests --test main fixtures`.

use ledger::{VerifyOptions, verify_ledger};
use std::fs;
use std::path::{Path, PathBuf};
use tests::test_only_key;

/// A store's files: relative path and bytes, sorted by path.
type Files = Vec<(String, Vec<u8>)>;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/ledger")
}

fn build_golden(root: &Path) {
    let mut ledger = tests::init_test_store(root);
    ledger.append_batch((0..10).map(tests::note).collect()).unwrap();
    ledger.sign_checkpoint().unwrap();
    ledger.add_existing_key("ledger-2", test_only_key("ledger-2")).unwrap();
    ledger.retire_key("ledger-1").unwrap();
    ledger.append_batch((10..20).map(tests::note).collect()).unwrap();
    ledger.sign_checkpoint().unwrap();
    drop(ledger);
    for name in ["ledger-1", "ledger-2"] {
        fs::remove_file(root.join(format!("keys/{name}.key.pem"))).unwrap();
    }
    fs::remove_file(root.join("LOCK")).unwrap();
    for dir in ["proofs", "quarantine"] {
        fs::remove_dir(root.join(dir)).unwrap();
    }
}

/// Every file under `root`, relative path → bytes, sorted.
fn snapshot(root: &Path) -> Files {
    tests::snapshot_files(root, &[]).into_iter().collect()
}

fn write_snapshot(root: &Path, files: &[(String, Vec<u8>)]) {
    let _ = fs::remove_dir_all(root);
    for (relative, bytes) in files {
        let path = root.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
}

fn edit_ledger(files: &mut [(String, Vec<u8>)], edit: impl FnOnce(Vec<String>) -> String) {
    let (_, bytes) = files.iter_mut().find(|(name, _)| name == "ledger.jsonl").unwrap();
    let lines: Vec<String> = String::from_utf8(bytes.clone())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    *bytes = edit(lines).into_bytes();
}

fn joined(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// The tampered variants: name, what was done, the change.
fn variants(golden: &[(String, Vec<u8>)]) -> Vec<(&'static str, Files)> {
    let mut out = Vec::new();
    let mut flip = golden.to_vec();
    edit_ledger(&mut flip, |mut lines| {
        let edited = lines[7].replacen("note 6", "note 7", 1);
        assert_ne!(edited, lines[7]);
        lines[7] = edited;
        joined(&lines)
    });
    out.push(("flip-byte-entry-7", flip));
    let mut swap = golden.to_vec();
    edit_ledger(&mut swap, |mut lines| {
        lines.swap(3, 4);
        joined(&lines)
    });
    out.push(("swap-entries-3-4", swap));
    let mut truncate = golden.to_vec();
    edit_ledger(&mut truncate, |lines| joined(&lines[..lines.len() - 2]));
    out.push(("truncate-tail", truncate));
    let mut torn = golden.to_vec();
    edit_ledger(&mut torn, |lines| joined(&lines) + &lines[5][..40]);
    out.push(("torn-tail", torn));
    let mut spaced = golden.to_vec();
    edit_ledger(&mut spaced, |mut lines| {
        lines[5] = lines[5].replacen("\":", "\": ", 1);
        joined(&lines)
    });
    out.push(("non-canonical-entry-5", spaced));
    let mut forged = golden.to_vec();
    let (_, note) = forged.iter_mut().find(|(name, _)| name == "checkpoint").unwrap();
    let text = String::from_utf8(note.clone()).unwrap();
    let body = text.split("\n\n").next().unwrap().to_owned() + "\n";
    *note = tlog::sign_note(&body, "ledger-2", &test_only_key("forger"))
        .unwrap()
        .into_bytes();
    out.push(("forged-checkpoint-sig", forged));
    out
}

fn verdict(root: &Path) -> String {
    let report = verify_ledger(root, &VerifyOptions::default()).unwrap();
    let mut text: String = report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {}{}\n",
                f.kind,
                f.file,
                f.line.map(|l| format!(":{l}")).unwrap_or_default()
            )
        })
        .collect();
    if text.is_empty() {
        text = "OK\n".into();
    }
    text
}

#[test]
fn fixtures_are_current_and_verdicts_hold() {
    let scratch = tempfile::tempdir().unwrap();
    build_golden(&scratch.path().join("golden"));
    let golden = snapshot(&scratch.path().join("golden"));
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let dir = fixtures_dir();
    if update {
        write_snapshot(&dir.join("golden"), &golden);
    }
    assert!(
        snapshot(&dir.join("golden")) == golden,
        "fixtures/ledger/golden is stale: see this file's doc comment"
    );
    assert_eq!(verdict(&dir.join("golden")), "OK\n");
    for (name, files) in variants(&golden) {
        let root = dir.join("tampered").join(name);
        if update {
            write_snapshot(&root, &files);
            let mut files = files.clone();
            let expected = verdict(&root);
            files.push(("EXPECTED".into(), expected.into_bytes()));
            write_snapshot(&root, &files);
        }
        let committed = snapshot(&root);
        let (expected, store): (Vec<_>, Vec<_>) = committed.into_iter().partition(|(n, _)| n == "EXPECTED");
        assert!(store == files, "fixtures/ledger/tampered/{name} is stale");
        assert_ne!(files, golden, "{name} changes nothing");
        let expected = String::from_utf8(expected[0].1.clone()).unwrap();
        assert_ne!(expected, "OK\n", "{name} must be detected");
        assert_eq!(verdict(&root), expected, "{name}");
    }
}
