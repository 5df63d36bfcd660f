//! Crash leftovers are repaired when a writer opens the store, and every
//! repair is itself a signed entry.

use ledger::{FindingKind, Ledger, VerifyOptions, WriterOptions, verify_ledger};
use model::Action;
use std::fs::{self, OpenOptions};
use std::io::Write;

use tests::last_entry;

#[test]
fn torn_tail_is_quarantined_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = tests::init_test_store(dir.path());
    ledger.append(tests::note(1)).unwrap();
    drop(ledger);
    let torn = br#"{"action":"NOTE","hash":"ab"#;
    OpenOptions::new()
        .append(true)
        .open(dir.path().join("ledger.jsonl"))
        .unwrap()
        .write_all(torn)
        .unwrap();

    let report = verify_ledger(dir.path(), &VerifyOptions::default()).unwrap();
    assert_eq!(
        report.findings.iter().map(|f| (f.kind, f.line)).collect::<Vec<_>>(),
        vec![(FindingKind::TornTail, Some(3))]
    );

    let ledger = Ledger::open(dir.path(), WriterOptions::default()).unwrap();
    let quarantined = ledger.recovery().torn_tail.clone().expect("torn tail recovered");
    drop(ledger);
    assert_eq!(fs::read(&quarantined).unwrap(), torn);
    let entry = last_entry(dir.path());
    assert_eq!(entry.action, Action::LedgerRecovered);
    assert_eq!(entry.params["torn_bytes"], torn.len());
    assert_eq!(entry.outputs["torn_sha256"], model::digest::sha256_hex(torn));
    let report = verify_ledger(dir.path(), &VerifyOptions::default()).unwrap();
    assert!(report.is_ok(), "{:?}", report.findings);
    fs::write(&quarantined, b"something else").unwrap();
    let report = verify_ledger(dir.path(), &VerifyOptions::default()).unwrap();
    assert_eq!(
        report.findings.iter().map(|f| (f.kind, f.line)).collect::<Vec<_>>(),
        vec![(FindingKind::QuarantineMismatch, Some(3))]
    );
}

/// A crash after the torn tail was moved aside but before LEDGER_RECOVERED
/// was written: the next open still records the repair.
#[test]
fn an_unrecorded_quarantine_is_recorded_on_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    drop(tests::init_test_store(dir.path()));
    let ledger_path = dir.path().join("ledger.jsonl");
    let length = fs::metadata(&ledger_path).unwrap().len();
    let quarantined = dir
        .path()
        .join(format!("quarantine/ledger-torn-at-{length}-0123456789abcdef.bin"));
    fs::write(&quarantined, b"{\"torn").unwrap();
    let ledger = Ledger::open(dir.path(), WriterOptions::default()).unwrap();
    assert_eq!(ledger.recovery().torn_tail.as_ref(), Some(&quarantined));
    drop(ledger);
    let entry = last_entry(dir.path());
    assert_eq!(entry.action, Action::LedgerRecovered);
    assert_eq!(entry.params["torn_offset"], length);
    // Recorded once: opening again finds nothing to do.
    let ledger = Ledger::open(dir.path(), WriterOptions::default()).unwrap();
    assert!(ledger.recovery().is_empty(), "{:?}", ledger.recovery());
    drop(ledger);
    assert!(verify_ledger(dir.path(), &VerifyOptions::default()).unwrap().is_ok());
}

/// A store that cannot be opened for writing (here: an exposed private key)
/// is not repaired at all, so no repair goes unrecorded.
#[test]
fn a_refused_open_repairs_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    drop(tests::init_test_store(dir.path()));
    let ledger_path = dir.path().join("ledger.jsonl");
    OpenOptions::new()
        .append(true)
        .open(&ledger_path)
        .unwrap()
        .write_all(b"{\"tor")
        .unwrap();
    let before = fs::read(&ledger_path).unwrap();
    let key = dir.path().join("keys/ledger-1.key.pem");
    fs::set_permissions(&key, fs::Permissions::from_mode(0o644)).unwrap();
    assert!(Ledger::open(dir.path(), WriterOptions::default()).is_err());
    assert_eq!(fs::read(&ledger_path).unwrap(), before);
    assert_eq!(fs::read_dir(dir.path().join("quarantine")).unwrap().count(), 0);
}

#[test]
fn lagging_tree_hashes_are_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = tests::init_test_store(dir.path());
    ledger.append_batch((0..20).map(tests::note).collect()).unwrap();
    drop(ledger);
    let tree = dir.path().join("ledger.tree");
    let full = fs::read(&tree).unwrap();
    // Cut mid-hash, as a crash between the ledger fsync and the tree write would.
    fs::write(&tree, &full[..full.len() - 100]).unwrap();
    let report = verify_ledger(dir.path(), &VerifyOptions::default()).unwrap();
    assert!(report.findings.iter().any(|f| f.kind == FindingKind::TreeFileMismatch));
    let ledger = Ledger::open(dir.path(), WriterOptions::default()).unwrap();
    assert!(ledger.recovery().tree_lines_rebuilt > 0);
    drop(ledger);
    assert_eq!(fs::read(&tree).unwrap(), full);
}

/// A store with one checkpoint whose entry was then taken off the ledger,
/// as a crash between the checkpoint's files and its entry leaves it, with
/// `tail` of the entry's line written after the lines kept.
fn checkpoint_without_its_entry(dir: &std::path::Path, tail: impl Fn(&str) -> String) -> ledger::WrittenCheckpoint {
    let mut ledger = tests::init_test_store(dir);
    ledger.append(tests::note(1)).unwrap();
    let written = ledger.sign_checkpoint().unwrap();
    drop(ledger);
    let ledger_path = dir.join("ledger.jsonl");
    let text = fs::read_to_string(&ledger_path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let size = written.checkpoint.size as usize;
    let mut kept: String = lines[..size].iter().map(|l| format!("{l}\n")).collect();
    kept.push_str(&tail(lines[size]));
    fs::write(&ledger_path, kept).unwrap();
    fs::remove_file(dir.join("ledger.tree")).unwrap();
    written
}

#[test]
fn checkpoint_written_without_its_entry_is_recorded_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let written = checkpoint_without_its_entry(dir.path(), |_| String::new());
    opening_records_the_checkpoint(dir.path(), &written, FindingKind::TruncatedAfterCheckpoint);
}

/// `verify` reports `finding`; opening the store records the checkpoint,
/// as the last entry, and then the ledger verifies.
fn opening_records_the_checkpoint(dir: &std::path::Path, written: &ledger::WrittenCheckpoint, finding: FindingKind) {
    let report = verify_ledger(dir, &VerifyOptions::default()).unwrap();
    assert!(
        report.findings.iter().any(|f| f.kind == finding),
        "{:?}",
        report.findings
    );
    let ledger = Ledger::open(dir, WriterOptions::default()).unwrap();
    assert_eq!(ledger.recovery().checkpoint_recorded, Some(written.checkpoint.size));
    drop(ledger);
    assert_eq!(last_entry(dir).action, Action::CheckpointSigned);
    let report = verify_ledger(dir, &VerifyOptions::default()).unwrap();
    assert!(report.is_ok(), "{:?}", report.findings);
}

/// A crash that tears the checkpoint's own entry line: the torn tail is
/// recorded first, where the checkpoint's entry would have been, and the
/// checkpoint after it.
#[test]
fn checkpoint_whose_entry_was_torn_is_recorded_after_the_tail() {
    let dir = tempfile::tempdir().unwrap();
    let written = checkpoint_without_its_entry(dir.path(), |entry| entry[..40].to_owned());
    let size = written.checkpoint.size as usize;

    let ledger = Ledger::open(dir.path(), WriterOptions::default()).unwrap();
    assert!(ledger.recovery().torn_tail.is_some());
    assert_eq!(ledger.recovery().checkpoint_recorded, Some(written.checkpoint.size));
    drop(ledger);
    let entries = ledger::reader::read_lines(dir.path(), |_| true).unwrap();
    let actions: Vec<Action> = entries[size..]
        .iter()
        .map(|l| l.entry.as_ref().unwrap().action)
        .collect();
    assert_eq!(actions, vec![Action::LedgerRecovered, Action::CheckpointSigned]);
    let report = verify_ledger(dir.path(), &VerifyOptions::default()).unwrap();
    assert!(report.is_ok(), "{:?}", report.findings);
}

/// A crash after the torn tail's entry but before the checkpoint's: the
/// ledger has grown past the checkpoint, whose file no entry records yet;
/// the next open records it.
#[test]
fn newest_checkpoint_without_an_entry_is_recorded_though_the_ledger_grew() {
    let dir = tempfile::tempdir().unwrap();
    let written = checkpoint_without_its_entry(dir.path(), |_| String::new());
    let pointer = dir.path().join("checkpoint");
    let kept_pointer = fs::read(&pointer).unwrap();
    fs::remove_file(&written.path).unwrap();
    let mut ledger = Ledger::open(dir.path(), WriterOptions::default()).unwrap();
    ledger.append(tests::note(2)).unwrap();
    drop(ledger);
    fs::write(&written.path, &written.note).unwrap();
    fs::write(&pointer, kept_pointer).unwrap();
    opening_records_the_checkpoint(dir.path(), &written, FindingKind::CheckpointUnrecorded);
    // Recorded once: opening again adds nothing.
    let lines = ledger::reader::read_lines(dir.path(), |_| true).unwrap().len();
    drop(Ledger::open(dir.path(), WriterOptions::default()).unwrap());
    assert_eq!(ledger::reader::read_lines(dir.path(), |_| true).unwrap().len(), lines);
}

/// The rollback attacker removes the newest entries together with the
/// checkpoints that cover them: the store alone cannot show it, and the
/// report says so; a checkpoint kept outside the store catches it.
#[test]
fn rollback_is_caught_only_with_a_checkpoint_kept_outside() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = tests::init_test_store(dir.path());
    ledger.append_batch((0..10).map(tests::note).collect()).unwrap();
    let early = ledger.sign_checkpoint().unwrap();
    ledger.append_batch((10..20).map(tests::note).collect()).unwrap();
    let late = ledger.sign_checkpoint().unwrap();
    drop(ledger);
    let kept_outside = (String::from("saved-checkpoint"), late.note.clone());

    let ledger_path = dir.path().join("ledger.jsonl");
    let text = fs::read_to_string(&ledger_path).unwrap();
    let kept: String = text
        .lines()
        .take(early.entry.seq as usize + 1)
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&ledger_path, kept).unwrap();
    fs::remove_file(&late.path).unwrap();
    fs::copy(&early.path, dir.path().join("checkpoint")).unwrap();
    fs::remove_file(dir.path().join("ledger.tree")).unwrap();
    drop(Ledger::open(dir.path(), WriterOptions::default()).unwrap());
    let report = verify_ledger(dir.path(), &VerifyOptions::default()).unwrap();
    // The open above appended nothing: the store is consistent as it stands.
    assert!(report.is_ok(), "{:?}", report.findings);
    assert!(
        report
            .limits
            .iter()
            .any(|l| l.starts_with("freshness:") && l.contains("--from-checkpoint"))
    );

    let options = VerifyOptions {
        outside_checkpoints: vec![kept_outside],
        ..VerifyOptions::default()
    };
    let report = verify_ledger(dir.path(), &options).unwrap();
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    assert_eq!(report.findings[0].kind, FindingKind::TruncatedBeforeCheckpoint);
    assert_eq!(report.findings[0].file, "saved-checkpoint");
}
