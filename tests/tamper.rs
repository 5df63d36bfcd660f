//! The tamper campaign: a ledger of 200+ entries with several checkpoints and
//! a key rotation, and well over 1000 seeded random mutations of its bytes
//! (byte flips, line deletions, duplications, swaps, truncations, forged
//! appended lines signed with a foreign key). Every one must be detected by
//! the line and checkpoint checks themselves (a mismatch of the derived
//! `ledger.tree` alone does not count), and the line-local ones must be
//! reported at the line they touched.

use base64::Engine;
use ed25519_dalek::Signer;
use ledger::{FindingKind, LedgerReport, VerifyOptions, verify_ledger};
use model::{Action, LedgerEntry, UnsignedEntry};
use std::fs;
use std::path::Path;
use tests::{SplitMix64, build_campaign_store, test_only_key};

const MUTATIONS_PER_KIND: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mutation {
    FlipByte,
    DeleteLine,
    DuplicateLine,
    SwapLines,
    Truncate,
    ForgedAppend,
}

const KINDS: [Mutation; 6] = [
    Mutation::FlipByte,
    Mutation::DeleteLine,
    Mutation::DuplicateLine,
    Mutation::SwapLines,
    Mutation::Truncate,
    Mutation::ForgedAppend,
];

fn split_lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes.split_inclusive(|b| *b == b'\n').map(<[u8]>::to_vec).collect()
}

/// Applies one mutation; returns the new bytes and the 1-based line that a
/// correct verifier must name (None where only detection is required).
fn mutate(pristine: &[u8], kind: Mutation, random: &mut SplitMix64) -> (Vec<u8>, Option<u64>) {
    let lines = split_lines(pristine);
    let n = lines.len() as u64;
    match kind {
        Mutation::FlipByte => {
            let position = random.below(pristine.len() as u64) as usize;
            let mut bytes = pristine.to_vec();
            bytes[position] ^= 1 + random.below(255) as u8;
            let line = pristine[..position].iter().filter(|b| **b == b'\n').count() as u64 + 1;
            (bytes, Some(line))
        }
        Mutation::DeleteLine => {
            let victim = random.below(n) as usize;
            let mut lines = lines;
            lines.remove(victim);
            (lines.concat(), Some(victim as u64 + 1))
        }
        Mutation::DuplicateLine => {
            let victim = random.below(n) as usize;
            let mut lines = lines;
            let copy = lines[victim].clone();
            let at = victim + 1 + random.below(n - victim as u64) as usize;
            lines.insert(at, copy);
            (lines.concat(), Some(at as u64 + 1))
        }
        Mutation::SwapLines => {
            let a = random.below(n) as usize;
            let mut b = random.below(n - 1) as usize;
            if b >= a {
                b += 1;
            }
            let mut lines = lines;
            lines.swap(a, b);
            (lines.concat(), Some(a.min(b) as u64 + 1))
        }
        Mutation::Truncate => {
            let cut = random.below(pristine.len() as u64) as usize;
            (pristine[..cut].to_vec(), None)
        }
        Mutation::ForgedAppend => {
            let last =
                LedgerEntry::parse_line(std::str::from_utf8(&lines[lines.len() - 1]).unwrap().trim_end()).unwrap();
            // The forger knows the format and the chain, but not our keys: it
            // signs with its own key, under a name of ours or a new one.
            let key_name = ["ledger-2", "ledger-1", "intruder"][random.below(3) as usize];
            let forger = test_only_key(&format!("forger {}", random.below(1000)));
            let unsigned = UnsignedEntry {
                v: 1,
                seq: last.seq + 1,
                time: last.time.clone(),
                action: Action::Note,
                params: tests::note(random.below(1000)).params,
                inputs: Default::default(),
                outputs: Default::default(),
                prev: last.hash.clone(),
                key: key_name.into(),
            };
            let message = unsigned.signing_bytes().unwrap();
            let hash = model::digest::sha256_hex(message.as_bytes());
            let sig = base64::engine::general_purpose::STANDARD.encode(forger.sign(message.as_bytes()).to_bytes());
            let line = unsigned.into_signed(hash, sig).to_line().unwrap();
            let mut bytes = pristine.to_vec();
            bytes.extend_from_slice(line.as_bytes());
            bytes.push(b'\n');
            (bytes, Some(n + 1))
        }
    }
}

fn detected_by_content(report: &LedgerReport) -> bool {
    report.findings.iter().any(|f| f.kind != FindingKind::TreeFileMismatch)
}

fn names_line(report: &LedgerReport, line: u64) -> bool {
    report
        .findings
        .iter()
        .any(|f| f.file == "ledger.jsonl" && f.line == Some(line))
}

#[test]
fn every_mutation_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = build_campaign_store(dir.path(), 220);
    let n_entries = ledger.size();
    drop(ledger);
    assert!(n_entries >= 220);
    let checkpoints = fs::read_dir(dir.path().join("checkpoints")).unwrap().count();
    assert!(checkpoints >= 4, "{checkpoints} checkpoints");
    let ledger_path = dir.path().join("ledger.jsonl");
    let pristine = fs::read(&ledger_path).unwrap();
    let clean = verify_ledger(dir.path(), &VerifyOptions::default()).unwrap();
    assert!(clean.is_ok(), "{:?}", clean.findings);

    let mut random = SplitMix64::new(0x5eed_7a3b);
    let mut total = 0;
    let mut detected = 0;
    let mut missed = Vec::new();
    for kind in KINDS {
        for _ in 0..MUTATIONS_PER_KIND {
            let (bytes, line) = mutate(&pristine, kind, &mut random);
            if bytes == pristine {
                continue;
            }
            total += 1;
            fs::write(&ledger_path, &bytes).unwrap();
            let report = verify_ledger(dir.path(), &VerifyOptions::default()).unwrap();
            let located = line.is_none_or(|line| names_line(&report, line));
            if detected_by_content(&report) && located {
                detected += 1;
            } else {
                missed.push((kind, line, report.findings));
            }
        }
    }
    fs::write(&ledger_path, &pristine).unwrap();
    assert!(total >= 1000, "only {total} mutations");
    assert!(
        missed.is_empty(),
        "{} of {total} mutations missed or misplaced, first: {:?}",
        missed.len(),
        missed.first()
    );
    assert_eq!(detected, total);
}

#[test]
fn forged_checkpoint_and_tampered_files_are_detected() {
    let dir = tempfile::tempdir().unwrap();
    drop(build_campaign_store(dir.path(), 150));
    let root = dir.path();
    let check = |root: &Path, expect: FindingKind| {
        let report = verify_ledger(root, &VerifyOptions::default()).unwrap();
        assert!(
            report.findings.iter().any(|f| f.kind == expect),
            "expected {expect}: {:?}",
            report.findings
        );
    };
    let newest = fs::read_dir(root.join("checkpoints"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().parse::<u64>().unwrap())
        .max()
        .unwrap();
    let newest_path = root.join("checkpoints").join(newest.to_string());
    let original = fs::read_to_string(&newest_path).unwrap();

    // A checkpoint signed by a foreign key under our key's name.
    let body = original.split("\n\n").next().unwrap().to_owned() + "\n";
    let forged = tlog::sign_note(&body, "ledger-2", &test_only_key("forger")).unwrap();
    fs::write(&newest_path, &forged).unwrap();
    check(root, FindingKind::CheckpointInvalid);
    // A validly signed checkpoint whose root is not the ledger's.
    let mut checkpoint = tlog::Checkpoint::parse_body(&body).unwrap();
    checkpoint.root[0] ^= 1;
    fs::write(
        &newest_path,
        checkpoint.sign("ledger-2", &test_only_key("ledger-2")).unwrap(),
    )
    .unwrap();
    check(root, FindingKind::CheckpointMismatch);
    fs::write(&newest_path, &original).unwrap();
    // The latest checkpoint replaced by an older one.
    let oldest = fs::read_dir(root.join("checkpoints"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .min()
        .unwrap();
    let latest = fs::read(root.join("checkpoint")).unwrap();
    fs::copy(&oldest, root.join("checkpoint")).unwrap();
    check(root, FindingKind::StaleLatestCheckpoint);
    fs::write(root.join("checkpoint"), latest).unwrap();
    // A deleted checkpoint file.
    fs::rename(&newest_path, root.join("moved")).unwrap();
    check(root, FindingKind::CheckpointMissing);
    fs::rename(root.join("moved"), &newest_path).unwrap();
    // A replaced verifier key file.
    let vkey = root.join("keys/ledger-1.vkey");
    let other = tlog::VerifierKey::new("ledger-1", test_only_key("forger").verifying_key()).unwrap();
    let saved = fs::read(&vkey).unwrap();
    fs::write(&vkey, format!("{}\n", other.to_text())).unwrap();
    check(root, FindingKind::KeyFileMismatch);
    fs::write(&vkey, saved).unwrap();
    // A proof file that no longer proves what it claims.
    let proof = ledger::prove_consistency(root, 63, newest).unwrap().to_json();
    let proof_path = ledger::proofs::write_proof(root, "consistency-63-x.json", &proof).unwrap();
    let inclusion = ledger::prove_inclusion(root, 17, newest).unwrap().to_json();
    ledger::proofs::write_proof(root, "inclusion-17-x.json", &inclusion).unwrap();
    assert!(verify_ledger(root, &VerifyOptions::default()).unwrap().is_ok());
    let flipped = proof
        .replacen("\"hashes\":[\"", "\"hashes\":[\"A", 1)
        .replacen("=\"", "\"", 1);
    fs::write(&proof_path, format!("{flipped}\n")).unwrap();
    check(root, FindingKind::ProofInvalid);
    let other_leaf = ledger::prove_inclusion(root, 18, newest).unwrap();
    let relabelled = tlog::InclusionProof {
        leaf_index: 17,
        ..other_leaf
    }
    .to_json();
    fs::write(&proof_path, format!("{relabelled}\n")).unwrap();
    check(root, FindingKind::ProofInvalid);
    fs::remove_file(&proof_path).unwrap();
    // A non-canonical re-serialization keeps hash and signature valid.
    let ledger_path = root.join("ledger.jsonl");
    let pristine = fs::read_to_string(&ledger_path).unwrap();
    fs::write(
        &ledger_path,
        pristine.replacen(r#"{"action":"NOTE","#, r#"{"action": "NOTE","#, 1),
    )
    .unwrap();
    check(root, FindingKind::NonCanonical);
    fs::write(&ledger_path, &pristine).unwrap();
    let report = verify_ledger(root, &VerifyOptions::default()).unwrap();
    assert!(report.is_ok(), "{:?}", report.findings);
}
