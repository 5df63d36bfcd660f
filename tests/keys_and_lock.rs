//! Keys: rotation, the key-validity rules, pinned trust, private-key
//! permissions; and the single-writer lock between two processes.

use base64::Engine;
use ed25519_dalek::Signer;
use ledger::{FindingKind, Ledger, LedgerError, VerifyOptions, WriterOptions, verify_ledger};
use model::{Action, LedgerEntry, UnsignedEntry};
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use tests::{build_campaign_store, test_only_key};

fn kinds(root: &Path, options: &VerifyOptions) -> Vec<FindingKind> {
    verify_ledger(root, options)
        .unwrap()
        .findings
        .iter()
        .map(|f| f.kind)
        .collect()
}

fn pinned(keys: &[(&str, &str)]) -> VerifyOptions {
    VerifyOptions {
        trusted_vkeys: keys
            .iter()
            .map(|(name, seed)| tlog::VerifierKey::new(name, test_only_key(seed).verifying_key()).unwrap())
            .collect(),
        ..VerifyOptions::default()
    }
}

#[test]
fn rotation_keeps_old_entries_verifiable_and_signs_new_ones_with_the_new_key() {
    let dir = tempfile::tempdir().unwrap();
    drop(build_campaign_store(dir.path(), 150));
    let lines = ledger::reader::read_lines(dir.path(), |_| true).unwrap();
    let entries: Vec<LedgerEntry> = lines.into_iter().map(|l| l.entry.unwrap()).collect();
    let added = entries.iter().find(|e| e.action == Action::KeyAdded).unwrap();
    let retired = entries.iter().find(|e| e.action == Action::KeyRetired).unwrap();
    assert_eq!(added.params["key"], "ledger-2");
    assert_eq!(added.key, "ledger-1", "KEY_ADDED is signed by the key already active");
    assert_eq!(retired.params["key"], "ledger-1");
    assert_eq!(retired.key, "ledger-2");
    assert!(entries.iter().all(|e| (e.seq <= added.seq) == (e.key == "ledger-1")));
    // Each signature checks with the key named in it, one by one, with the
    // public keys from the key files.
    for entry in &entries {
        let public = ledger::keys::load_public_key(&dir.path().join(format!("keys/{}.pub.pem", entry.key))).unwrap();
        let signature = base64::engine::general_purpose::STANDARD.decode(&entry.sig).unwrap();
        let signature = ed25519_dalek::Signature::from_slice(&signature).unwrap();
        public
            .verify_strict(entry.unsigned().signing_bytes().unwrap().as_bytes(), &signature)
            .unwrap();
    }
    assert_eq!(kinds(dir.path(), &VerifyOptions::default()), vec![]);
    assert_eq!(kinds(dir.path(), &pinned(&[("ledger-1", "ledger-1")])), vec![]);
    assert_eq!(kinds(dir.path(), &pinned(&[("ledger-2", "ledger-2")])), vec![]);
    // Pinning a key that never signed anything anchors nothing: the verdict
    // says so, and no checkpoint is trusted.
    let found = kinds(dir.path(), &pinned(&[("someone", "someone")]));
    assert_eq!(found[0], FindingKind::UntrustedKey);
    assert!(
        found[1..].iter().all(|k| *k == FindingKind::CheckpointInvalid),
        "{found:?}"
    );
    assert_eq!(
        found.len(),
        1 + fs::read_dir(dir.path().join("checkpoints")).unwrap().count()
    );
}

#[test]
fn an_entry_validly_signed_by_a_retired_key_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    drop(build_campaign_store(dir.path(), 150));
    let path = dir.path().join("ledger.jsonl");
    let text = fs::read_to_string(&path).unwrap();
    let last = LedgerEntry::parse_line(text.lines().last().unwrap()).unwrap();
    let unsigned = UnsignedEntry {
        v: 1,
        seq: last.seq + 1,
        time: last.time.clone(),
        action: Action::Note,
        params: Default::default(),
        inputs: Default::default(),
        outputs: Default::default(),
        prev: last.hash.clone(),
        key: "ledger-1".into(),
    };
    let message = unsigned.signing_bytes().unwrap();
    let hash = model::digest::sha256_hex(message.as_bytes());
    let sig =
        base64::engine::general_purpose::STANDARD.encode(test_only_key("ledger-1").sign(message.as_bytes()).to_bytes());
    let line = unsigned.into_signed(hash, sig).to_line().unwrap();
    fs::write(&path, format!("{text}{line}\n")).unwrap();
    let report = verify_ledger(dir.path(), &VerifyOptions::default()).unwrap();
    let finding = report
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::RetiredKey)
        .expect("retired key finding");
    assert_eq!(finding.line, Some(last.seq + 2));
}

#[test]
fn a_store_rewritten_with_the_attackers_own_keys_fails_against_pinned_keys() {
    let genuine = tempfile::tempdir().unwrap();
    drop(build_campaign_store(genuine.path(), 60));
    let forged = tempfile::tempdir().unwrap();
    let mut ledger = Ledger::init(
        forged.path(),
        ledger::InitOptions {
            key_name: "ledger-1".into(),
            signing_key: Some(test_only_key("attacker")),
            store_id: Some("00000000-0000-4000-8000-000000000001".parse().unwrap()),
            clock: tests::stepping_clock(),
            ..Default::default()
        },
    )
    .unwrap();
    ledger.append_batch((0..60).map(tests::note).collect()).unwrap();
    ledger.sign_checkpoint().unwrap();
    drop(ledger);
    // Self-consistent, so it passes when nothing is pinned...
    assert_eq!(kinds(forged.path(), &VerifyOptions::default()), vec![]);
    // ...and fails once the genuine genesis key is pinned.
    let found = kinds(forged.path(), &pinned(&[("ledger-1", "ledger-1")]));
    assert!(found.contains(&FindingKind::UntrustedKey), "{found:?}");
}

#[test]
fn a_private_key_readable_by_others_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(tests::init_test_store(dir.path()));
    let key = dir.path().join("keys/ledger-1.key.pem");
    assert_eq!(fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    for mode in [0o640, 0o604, 0o644] {
        fs::set_permissions(&key, fs::Permissions::from_mode(mode)).unwrap();
        let error = Ledger::open(dir.path(), WriterOptions::default()).unwrap_err();
        assert!(
            matches!(error, LedgerError::KeyFileTooOpen { mode: m, .. } if m == mode),
            "{error}"
        );
        assert!(error.to_string().contains("chmod 600"), "{error}");
    }
    fs::set_permissions(&key, fs::Permissions::from_mode(0o600)).unwrap();
    Ledger::open(dir.path(), WriterOptions::default()).unwrap();
}

#[test]
fn a_second_writer_is_told_which_pid_holds_the_store() {
    let dir = tempfile::tempdir().unwrap();
    drop(tests::init_test_store(dir.path()));
    let mut holder = Command::new(env!("CARGO_BIN_EXE_ledger-appender"))
        .args(["hold", dir.path().to_str().unwrap()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(holder.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), format!("locked {}", holder.id()));

    let error = Ledger::open(dir.path(), WriterOptions::default()).unwrap_err();
    assert!(
        matches!(error, LedgerError::Locked { pid, .. } if pid == holder.id()),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .starts_with(&format!("store is locked by pid {}", holder.id())),
        "{error}"
    );
    // The holder's ledger is unchanged by the refused writer.
    let before = fs::read(dir.path().join("ledger.jsonl")).unwrap();
    holder.kill().unwrap();
    holder.wait().unwrap();
    assert_eq!(fs::read(dir.path().join("ledger.jsonl")).unwrap(), before);
    // The kernel released the lock with the process: no stale lock.
    let mut ledger = Ledger::open(dir.path(), WriterOptions::default()).unwrap();
    ledger.append(tests::note(1)).unwrap();
    std::io::stdout().flush().unwrap();
}
