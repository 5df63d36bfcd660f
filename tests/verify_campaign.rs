//! The global validator against a store holding every artifact kind that
//! exists: random mutations of every file, and the attackers of the threat
//! model (consistent, raw-archive, rollback), each caught and named; a
//! read-only copy verified; the same report bytes twice.

use replay::{FindingKind, RecordNoun, ReplayOptions, StoreReport, verify_store};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tests::{SplitMix64, build_replay_store, snapshot_files};

/// The pristine store, built once, and the size of its first checkpoint.
fn pristine() -> &'static (tempfile::TempDir, u64) {
    static STORE: OnceLock<(tempfile::TempDir, u64)> = OnceLock::new();
    STORE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let first = build_replay_store(&dir.path().join("store"), &dir.path().join("data"));
        (dir, first)
    })
}

/// A fresh copy of the pristine store, permissions kept.
fn copy_of_store() -> (tempfile::TempDir, PathBuf) {
    let target = tempfile::tempdir().unwrap();
    let root = target.path().join("store");
    copy_tree(&pristine().0.path().join("store"), &root);
    (target, root)
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn verify(root: &Path) -> StoreReport {
    verify_store(root, &ReplayOptions::default()).unwrap()
}

/// Every regular file of the store, relative to it, but the lock (which
/// holds only the last writer's pid).
fn store_files(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                if relative != "LOCK" {
                    files.push(relative);
                }
            }
        }
    }
    files.sort();
    files
}

#[test]
fn the_pristine_store_verifies_with_everything_replayed_and_the_report_is_byte_identical() {
    let (_dir, root) = copy_of_store();
    let report = verify(&root);
    assert!(report.is_ok(), "{:#?}", report.findings);
    assert_eq!(report.verdict, "VERIFIED");
    let ingests: u64 = report
        .replay
        .actions
        .iter()
        .filter(|a| {
            matches!(
                a.action,
                model::Action::EventsIngested | model::Action::IdentitiesRegistered
            )
        })
        .map(|a| a.replayed)
        .sum();
    assert_eq!(ingests, 6);
    assert_eq!(report.replay.raw_files, 6);
    let accounted: u64 = report.files.iter().map(|f| f.accounted_lines).sum();
    assert!(accounted > 500, "{accounted} records");
    assert_eq!(report.replay.records_rebuilt, accounted, "every record rebuilt");
    assert!(
        report
            .replay
            .actions
            .iter()
            .all(|a| a.unreplayable == 0 && a.trusted == 0)
    );
    let again = verify(&root);
    assert_eq!(report.to_canonical_json(), again.to_canonical_json());
    // The same with one thread: nothing in the report depends on the cores.
    let one_thread = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let single = one_thread.install(|| verify(&root));
    assert_eq!(report.to_canonical_json(), single.to_canonical_json());
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mutation {
    FlipByte,
    DeleteLine,
    DuplicateLine,
    SwapLines,
    Truncate,
}

const KINDS: [Mutation; 5] = [
    Mutation::FlipByte,
    Mutation::DeleteLine,
    Mutation::DuplicateLine,
    Mutation::SwapLines,
    Mutation::Truncate,
];

/// Applies one mutation; returns the new bytes and the 1-based lines a
/// correct validator may name for it (the first line whose bytes changed;
/// for a flip that makes or unmakes a line end, also the line after).
fn mutate(pristine: &[u8], kind: Mutation, random: &mut SplitMix64) -> (Vec<u8>, Vec<u64>) {
    let lines: Vec<Vec<u8>> = pristine.split_inclusive(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
    let n = lines.len() as u64;
    let line_of = |offset: usize| pristine[..offset].iter().filter(|b| **b == b'\n').count() as u64 + 1;
    match kind {
        Mutation::FlipByte => {
            let position = random.below(pristine.len() as u64) as usize;
            let mut bytes = pristine.to_vec();
            bytes[position] ^= 1 + random.below(255) as u8;
            let line = line_of(position);
            (bytes, vec![line, line + 1])
        }
        Mutation::DeleteLine => {
            let victim = random.below(n) as usize;
            let mut lines = lines;
            lines.remove(victim);
            (lines.concat(), vec![victim as u64 + 1])
        }
        Mutation::DuplicateLine => {
            let victim = random.below(n) as usize;
            let mut lines = lines;
            let copy = lines[victim].clone();
            let at = victim + 1 + random.below(n - victim as u64) as usize;
            lines.insert(at, copy);
            (lines.concat(), vec![at as u64 + 1])
        }
        Mutation::SwapLines => {
            if n < 2 {
                return (pristine.to_vec(), Vec::new());
            }
            let a = random.below(n) as usize;
            let mut b = random.below(n - 1) as usize;
            if b >= a {
                b += 1;
            }
            let mut lines = lines;
            lines.swap(a, b);
            (lines.concat(), vec![a.min(b) as u64 + 1])
        }
        Mutation::Truncate => {
            let cut = random.below(pristine.len() as u64) as usize;
            (pristine[..cut].to_vec(), vec![line_of(cut)])
        }
    }
}

/// Files whose findings name lines: the ledger, the record files and the
/// quarantine lists. Raw files are opaque inputs (gzip among them), and
/// checkpoints, proofs, keys and the tree file are checked whole.
fn is_line_file(file: &str) -> bool {
    file.ends_with(".jsonl") && !file.starts_with("raw/")
}

fn with_write_permission(path: &Path, write: impl FnOnce()) {
    let mode = fs::metadata(path).unwrap().permissions().mode();
    fs::set_permissions(path, fs::Permissions::from_mode(mode | 0o200)).unwrap();
    write();
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn every_random_mutation_of_every_file_is_detected_at_its_file_and_line() {
    let (_dir, root) = copy_of_store();
    let files = store_files(&root);
    for expected in ["ledger.jsonl", "ledger.tree", "checkpoint", "identities.jsonl"] {
        assert!(files.iter().any(|f| f == expected), "{expected} in {files:?}");
    }
    for prefix in [
        "events/",
        "raw/sha256/",
        "quarantine/",
        "checkpoints/",
        "proofs/",
        "keys/",
    ] {
        assert!(files.iter().any(|f| f.starts_with(prefix)), "{prefix} in {files:?}");
    }
    let mut random = SplitMix64::new(0x7e71_fa11);
    let (mut total, mut missed) = (0, Vec::new());
    let mut per_file = std::collections::BTreeMap::<&str, u64>::new();
    let mut round = 0usize;
    while total < 2100 {
        let file = &files[round % files.len()];
        let kind = KINDS[(round / files.len()) % KINDS.len()];
        round += 1;
        let path = root.join(file);
        let original = fs::read(&path).unwrap();
        if original.is_empty() {
            continue;
        }
        let (bytes, lines) = mutate(&original, kind, &mut random);
        if bytes == original {
            continue;
        }
        total += 1;
        *per_file.entry(file.as_str()).or_default() += 1;
        with_write_permission(&path, || fs::write(&path, &bytes).unwrap());
        let report = verify(&root);
        let located = report
            .findings
            .iter()
            .any(|f| &f.file == file && (!is_line_file(file) || f.line.is_some_and(|line| lines.contains(&line))));
        if !located {
            missed.push((file.clone(), kind, lines, report.findings));
        }
        with_write_permission(&path, || fs::write(&path, &original).unwrap());
    }
    assert!(verify(&root).is_ok(), "the store is restored after the campaign");
    assert!(per_file.len() == files.len(), "every file mutated: {per_file:?}");
    let summary: Vec<String> = missed
        .iter()
        .map(|(file, kind, lines, findings)| {
            let found: Vec<String> = findings.iter().take(3).map(ToString::to_string).collect();
            format!("{file} {kind:?} at {lines:?}: {found:?}")
        })
        .collect();
    assert!(
        missed.is_empty(),
        "{} of {total} mutations missed or misplaced:\n{}",
        missed.len(),
        summary.join("\n")
    );
}

/// The stored lines of a file, without their newlines.
fn read_lines(path: &Path) -> Vec<String> {
    fs::read_to_string(path).unwrap().lines().map(str::to_owned).collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    with_write_permission(path, || fs::write(path, text).unwrap());
}

/// The RFC 6962 root over the records' own hashes, as an entry records it.
fn merkle_root_hex(lines: &[String]) -> String {
    let mut tree = tlog::TreeBuilder::new();
    for line in lines {
        tree.push(tlog::leaf_hash(&model::record::check_line(line).unwrap()));
    }
    hex::encode(tree.root())
}

/// The attacker's rewrite of the ledger: `edit` changes entries, then every
/// `hash` and `prev` is recomputed so the chain holds; only the signatures,
/// which need our keys, stay as they were.
fn rewrite_ledger(root: &Path, mut edit: impl FnMut(&mut model::LedgerEntry)) {
    let path = root.join("ledger.jsonl");
    let mut prev = "0".repeat(64);
    let lines: Vec<String> = read_lines(&path)
        .iter()
        .map(|line| {
            let mut entry = model::LedgerEntry::parse_line(line).unwrap();
            edit(&mut entry);
            entry.prev = prev.clone();
            let unsigned = entry.unsigned();
            let hash = model::digest::sha256_hex(unsigned.signing_bytes().unwrap().as_bytes());
            prev = hash.clone();
            unsigned.into_signed(hash, entry.sig.clone()).to_line().unwrap()
        })
        .collect();
    write_lines(&path, &lines);
}

/// The entry that wrote `file`, and the index of its claim.
fn claim_of(entry: &model::LedgerEntry, file: &str) -> Option<usize> {
    entry
        .outputs
        .get("records")?
        .as_array()?
        .iter()
        .position(|claim| claim["file"] == file)
}

/// The consistent attacker: changes stored records, recomputes their own
/// hashes and the Merkle roots (and counts) of the entries that wrote them,
/// and the ledger's hash chain, but cannot sign.
fn consistent_edit(root: &Path, file: &str, change: impl FnOnce(&mut Vec<String>)) {
    let path = root.join(file);
    let mut lines = read_lines(&path);
    let before = lines.len();
    change(&mut lines);
    write_lines(&path, &lines);
    let removed = before - lines.len();
    rewrite_ledger(root, |entry| {
        let Some(index) = claim_of(entry, file) else { return };
        let claim = &mut entry.outputs.get_mut("records").unwrap()[index];
        let first = claim["first_line"].as_u64().unwrap() as usize;
        let count = claim["count"].as_u64().unwrap() as usize;
        // The first claim absorbs a removal; later ones move up.
        let (first, count) = if first == 1 {
            (first, count - removed)
        } else {
            (first - removed, count)
        };
        claim["first_line"] = first.into();
        claim["count"] = count.into();
        claim["merkle_root"] = merkle_root_hex(&lines[first - 1..first - 1 + count]).into();
        if let Some(events) = entry.outputs.get_mut("events") {
            *events = count.into();
        }
    });
}

/// Reseals a record after `change`: a new `hash` over the changed content.
fn reseal(line: &str, change: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>)) -> String {
    let mut record: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line).unwrap();
    record.remove("hash");
    change(&mut record);
    model::record::seal(serde_json::Value::Object(record)).unwrap().line
}

fn findings_of(report: &StoreReport, kind: FindingKind) -> Vec<&replay::Finding> {
    report.findings.iter().filter(|f| f.kind == kind).collect()
}

#[test]
fn the_consistent_attacker_is_caught_and_the_report_names_what_changed() {
    // An event's value moved by one ulp.
    let (_dir, root) = copy_of_store();
    let victim = 17;
    let mut stored_value = 0.0;
    consistent_edit(&root, "events/metric.jsonl", |lines| {
        lines[victim - 1] = reseal(&lines[victim - 1], |record| {
            stored_value = record["value"].as_f64().unwrap();
            record.insert("value".into(), f64::from_bits(stored_value.to_bits() + 1).into());
        });
    });
    let report = verify(&root);
    assert!(!findings_of(&report, FindingKind::Ledger(ledger::FindingKind::BadSignature)).is_empty());
    let mismatch = findings_of(&report, FindingKind::ReplayMismatch)
        .into_iter()
        .find(|f| f.file == "events/metric.jsonl")
        .unwrap_or_else(|| panic!("{:#?}", report.findings));
    assert_eq!(mismatch.line, Some(victim as u64));
    assert_eq!(mismatch.field.as_deref(), Some("value"));
    assert_eq!(
        mismatch.rebuilt.as_deref(),
        Some(serde_json::Value::from(stored_value).to_string().as_str())
    );

    // A dropped event.
    let (_dir, root) = copy_of_store();
    consistent_edit(&root, "events/auth.jsonl", |lines| {
        lines.remove(41);
    });
    let report = verify(&root);
    let missing = findings_of(&report, FindingKind::Missing(RecordNoun::Event));
    assert!(
        missing
            .iter()
            .any(|f| f.file == "events/auth.jsonl" && f.line == Some(42)),
        "{:#?}",
        report.findings
    );
    assert!(!findings_of(&report, FindingKind::Ledger(ledger::FindingKind::BadSignature)).is_empty());

    // A user's name changed in the identity registry.
    let (_dir, root) = copy_of_store();
    consistent_edit(&root, "identities.jsonl", |lines| {
        lines[2] = reseal(&lines[2], |record| {
            record.insert("name".into(), "mallory".into());
        });
    });
    let report = verify(&root);
    let renamed = findings_of(&report, FindingKind::ReplayMismatch)
        .into_iter()
        .find(|f| f.file == "identities.jsonl")
        .unwrap_or_else(|| panic!("{:#?}", report.findings));
    assert_eq!((renamed.line, renamed.field.as_deref()), (Some(3), Some("name")));
    assert_eq!(renamed.stored.as_deref(), Some("\"mallory\""));
}

#[test]
fn the_consistent_attacker_cannot_move_a_baseline_a_score_a_delta_or_a_report() {
    // A baseline's median moved by one ulp, its hash, the training run's
    // Merkle root and the hash chain recomputed.
    let (_dir, root) = copy_of_store();
    let victim = 5;
    let mut stored_median = 0.0;
    consistent_edit(&root, "baselines.jsonl", |lines| {
        lines[victim - 1] = reseal(&lines[victim - 1], |record| {
            let stats = record["stats"].as_object_mut().unwrap();
            stored_median = stats["median"].as_f64().unwrap();
            stats.insert("median".into(), f64::from_bits(stored_median.to_bits() + 1).into());
        });
    });
    let report = verify(&root);
    assert!(!findings_of(&report, FindingKind::Ledger(ledger::FindingKind::BadSignature)).is_empty());
    let moved = findings_of(&report, FindingKind::ReplayMismatch)
        .into_iter()
        .find(|f| f.file == "baselines.jsonl")
        .unwrap_or_else(|| panic!("{:#?}", report.findings));
    assert_eq!(moved.line, Some(victim as u64), "{moved:#?}");
    assert_eq!(moved.field.as_deref(), Some("stats.median"), "{moved:#?}");
    assert_eq!(
        moved.rebuilt.as_deref().map(|r| r.parse::<f64>().unwrap()),
        Some(stored_median)
    );

    // A score moved by one ulp.
    let (_dir, root) = copy_of_store();
    let victim = 100;
    consistent_edit(&root, "scores.jsonl", |lines| {
        lines[victim - 1] = reseal(&lines[victim - 1], |record| {
            let score = record["score"].as_f64().unwrap();
            record.insert("score".into(), f64::from_bits(score.to_bits() + 1).into());
        });
    });
    let report = verify(&root);
    let moved = findings_of(&report, FindingKind::ReplayMismatch)
        .into_iter()
        .find(|f| f.file == "scores.jsonl")
        .unwrap_or_else(|| panic!("{:#?}", report.findings));
    assert_eq!(
        (moved.line, moved.field.as_deref()),
        (Some(victim as u64), Some("score"))
    );

    // A delta's magnitude changed.
    let (_dir, root) = copy_of_store();
    consistent_edit(&root, "deltas.jsonl", |lines| {
        lines[0] = reseal(&lines[0], |record| {
            let magnitude = record["magnitude"].as_f64().unwrap();
            record.insert("magnitude".into(), (magnitude + 1.0).into());
        });
    });
    let report = verify(&root);
    let changed = findings_of(&report, FindingKind::ReplayMismatch)
        .into_iter()
        .find(|f| f.file == "deltas.jsonl")
        .unwrap_or_else(|| panic!("{:#?}", report.findings));
    assert_eq!((changed.line, changed.field.as_deref()), (Some(1), Some("magnitude")));

    // A report's recorded hash swapped for another file's.
    let (_dir, root) = copy_of_store();
    rewrite_ledger(&root, |entry| {
        if entry.action == model::Action::ReportBuilt {
            entry.outputs.insert(
                "report_sha256".into(),
                model::digest::sha256_hex(b"another report").into(),
            );
        }
    });
    let report = verify(&root);
    let swapped = findings_of(&report, FindingKind::ReplayMismatch);
    assert!(
        swapped
            .iter()
            .any(|f| f.file == "ledger.jsonl" && f.field.as_deref() == Some("outputs.report_sha256")),
        "{:#?}",
        report.findings
    );
}

#[test]
fn the_raw_archive_attacker_is_caught_through_the_raw_hash_in_the_ledger() {
    let (_dir, root) = copy_of_store();
    let entry = read_lines(&root.join("ledger.jsonl"))
        .iter()
        .map(|line| model::LedgerEntry::parse_line(line).unwrap())
        .find(|entry| entry.params.get("format").is_some_and(|format| format == "proxy"))
        .unwrap();
    let raw = root.join(entry.inputs["raw"].as_str().unwrap());
    // The attacker changes a client address in the archived input, then
    // derives the events from it exactly as ingest would and stores them,
    // with the entry's root and the chain recomputed.
    let text = fs::read_to_string(&raw).unwrap();
    let first_ip = text
        .split("\"clientip\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let altered = text.replacen(&first_ip, "203.0.113.66", 1);
    with_write_permission(&raw, || fs::write(&raw, &altered).unwrap());
    let options = ingest::ParseOptions::default();
    let rebuilt: Vec<String> = ingest::parse_lines(
        ingest::Format::Proxy,
        ingest::InputFormat::Jsonl,
        altered.as_bytes(),
        &options,
    )
    .map(|parsed| parsed.unwrap().sealed.line)
    .collect();
    consistent_edit(&root, "events/proxy.jsonl", |lines| *lines = rebuilt);
    let report = verify(&root);
    let altered_raw = findings_of(&report, FindingKind::AlteredRaw);
    assert_eq!(altered_raw.len(), 1, "{:#?}", report.findings);
    assert_eq!(altered_raw[0].file, entry.inputs["raw"].as_str().unwrap());
    assert_eq!(altered_raw[0].seq, Some(entry.seq));
    // The events match what the altered file gives: nothing else to see there.
    assert!(
        report.findings.iter().all(|f| f.file != "events/proxy.jsonl"),
        "{:#?}",
        report.findings
    );
}

fn options_with_checkpoint(label: &str, text: String) -> ReplayOptions {
    ReplayOptions {
        ledger: ledger::VerifyOptions {
            outside_checkpoints: vec![(label.to_owned(), text)],
            ..Default::default()
        },
        ..Default::default()
    }
}

#[test]
fn the_rollback_attacker_needs_a_checkpoint_kept_outside_the_store() {
    let (_dir, root) = copy_of_store();
    let first_checkpoint = pristine().1;
    let saved = fs::read_to_string(root.join("checkpoints").join(first_checkpoint.to_string())).unwrap();
    // Keep the entries up to the fifth ingest and remove, consistently,
    // everything written after: the last ingest's records, raw file and
    // quarantine list, the tree hashes, checkpoints, proofs and the key
    // added later.
    let kept = 6;
    let ledger_lines = read_lines(&root.join("ledger.jsonl"));
    let entries: Vec<model::LedgerEntry> = ledger_lines
        .iter()
        .map(|line| model::LedgerEntry::parse_line(line).unwrap())
        .collect();
    write_lines(&root.join("ledger.jsonl"), &ledger_lines[..kept]);
    // Each record file keeps the lines the kept entries account for.
    let mut kept_lines: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for entry in &entries {
        for claim in entry
            .outputs
            .get("records")
            .and_then(|r| r.as_array())
            .into_iter()
            .flatten()
        {
            let file = claim["file"].as_str().unwrap().to_owned();
            let count = if entry.seq < kept as u64 {
                claim["count"].as_u64().unwrap() as usize
            } else {
                0
            };
            *kept_lines.entry(file).or_default() += count;
        }
    }
    for (file, count) in &kept_lines {
        let lines = read_lines(&root.join(file));
        if *count == 0 {
            fs::remove_file(root.join(file)).unwrap();
        } else {
            write_lines(&root.join(file), &lines[..*count]);
        }
    }
    for entry in &entries[kept..] {
        for key in ["raw"] {
            if let Some(path) = entry.inputs.get(key).and_then(|v| v.as_str()) {
                fs::remove_file(root.join(path)).unwrap();
            }
        }
        if let Some(path) = entry.outputs.get("quarantine").and_then(|v| v.as_str()) {
            fs::remove_file(root.join(path)).unwrap();
        }
    }
    let stored_hashes = 2 * kept as u64 - u64::from((kept as u64).count_ones());
    fs::OpenOptions::new()
        .write(true)
        .open(root.join("ledger.tree"))
        .unwrap()
        .set_len(stored_hashes * 32)
        .unwrap();
    for folder in ["checkpoints", "proofs"] {
        fs::remove_dir_all(root.join(folder)).unwrap();
    }
    fs::remove_file(root.join("checkpoint")).unwrap();
    for suffix in ["key.pem", "pub.pem", "vkey"] {
        fs::remove_file(root.join("keys").join(format!("ledger-2.{suffix}"))).unwrap();
    }

    // Inside the store there is nothing to see, and the report says so.
    let report = verify(&root);
    assert!(report.is_ok(), "{:#?}", report.findings);
    assert_eq!(report.ledger.entries, kept as u64);
    let freshness = report
        .limits
        .iter()
        .find(|limit| limit.starts_with("freshness"))
        .expect("a freshness limit");
    assert!(freshness.contains(&format!("{kept} entries")) && freshness.contains(&report.ledger.root));
    assert!(freshness.contains("--from-checkpoint"));

    // A checkpoint the auditor kept from before reveals it.
    let report = verify_store(&root, &options_with_checkpoint("saved-checkpoint", saved)).unwrap();
    let caught = findings_of(
        &report,
        FindingKind::Ledger(ledger::FindingKind::TruncatedBeforeCheckpoint),
    );
    assert_eq!(caught.len(), 1, "{:#?}", report.findings);
    assert_eq!(caught[0].file, "saved-checkpoint");
}

#[test]
fn from_a_trusted_checkpoint_only_later_entries_are_replayed_and_records_are_still_checked() {
    let (_dir, root) = copy_of_store();
    let first_checkpoint = pristine().1;
    let saved = fs::read_to_string(root.join("checkpoints").join(first_checkpoint.to_string())).unwrap();
    let report = verify_store(&root, &options_with_checkpoint("saved", saved.clone())).unwrap();
    assert!(report.is_ok(), "{:#?}", report.findings);
    assert_eq!(report.replay.from_seq, first_checkpoint);
    assert_eq!(report.replay.raw_files, 0, "the ingests all came before the checkpoint");
    assert!(report.replay.records_checked_without_replay > 500);
    let trusted: u64 = report.replay.actions.iter().map(|a| a.trusted).sum();
    assert_eq!(trusted, first_checkpoint);
    assert!(report.limits.iter().any(|l| l.contains("were not replayed")));

    // A record altered in the trusted part is still found, at its line.
    let path = root.join("events/behavior.jsonl");
    let mut lines = read_lines(&path);
    lines[9] = lines[9].replacen("\"event_type\":\"", "\"event_type\":\"x", 1);
    write_lines(&path, &lines);
    let report = verify_store(&root, &options_with_checkpoint("saved", saved)).unwrap();
    let altered = findings_of(&report, FindingKind::Altered(RecordNoun::Event));
    assert!(
        altered
            .iter()
            .any(|f| f.file == "events/behavior.jsonl" && f.line == Some(10)),
        "{:#?}",
        report.findings
    );
}

#[test]
fn verify_works_on_a_read_only_copy_and_writes_nothing() {
    let (_dir, root) = copy_of_store();
    let set_writable = |writable: bool| {
        let mut stack = vec![root.clone()];
        while let Some(path) = stack.pop() {
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            let mode = if writable { mode | 0o200 } else { mode & !0o222 };
            if path.is_dir() {
                stack.extend(fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            }
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        }
    };
    let before = snapshot_files(&root, &[]);
    set_writable(false);
    let report = verify(&root);
    let listing_after = snapshot_files(&root, &[]);
    set_writable(true);
    assert!(report.is_ok(), "{:#?}", report.findings);
    assert_eq!(before, listing_after, "verify changed the store");
}

#[test]
fn an_action_without_a_replayer_is_reported_never_skipped() {
    let (_dir, root) = copy_of_store();
    // An action the store has no entry of yet, so that the one appended is
    // the only one without a replayer.
    let action = model::Action::ModelTrained;
    let before = read_lines(&root.join("ledger.jsonl"));
    assert!(before.iter().all(|line| !line.contains("\"MODEL_TRAINED\"")));
    let mut ledger = ledger::Ledger::open(&root, ledger::WriterOptions::default()).unwrap();
    let written = ledger
        .append(ledger::EntryDraft::new(action).params(serde_json::json!({"window": 7})))
        .unwrap();
    drop(ledger);
    let mut registry = replay::Registry::standard();
    registry.unregister(action);
    let options = ReplayOptions {
        registry: Some(registry),
        ..ReplayOptions::default()
    };
    let report = verify_store(&root, &options).unwrap();
    let unreplayable = findings_of(&report, FindingKind::UnreplayableAction);
    assert_eq!(unreplayable.len(), 1, "{:#?}", report.findings);
    assert_eq!(
        (unreplayable[0].file.as_str(), unreplayable[0].line, unreplayable[0].seq),
        ("ledger.jsonl", Some(written.seq + 1), Some(written.seq))
    );
    assert!(
        report
            .replay
            .actions
            .iter()
            .any(|a| a.action == action && a.unreplayable == 1)
    );
}

#[test]
fn verify_record_appends_a_validation_run_naming_the_report_it_made() {
    let (_dir, root) = copy_of_store();
    let json = tests::run_cli(&root, &["--json", "verify"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let recorded = tests::run_cli(&root, &["verify", "--record"]);
    assert_eq!(recorded.code, 0, "{}", recorded.stderr);
    assert!(
        recorded.stdout.contains("recorded as VALIDATION_RUN"),
        "{}",
        recorded.stdout
    );
    let entry = tests::last_entry(&root);
    assert_eq!(entry.action, model::Action::ValidationRun);
    assert_eq!(entry.outputs["verdict"], "VERIFIED");
    assert_eq!(
        entry.outputs["report_sha256"],
        model::digest::sha256_hex(json.stdout.trim_end().as_bytes())
    );
    // The recorded run is itself part of what the next run verifies.
    let again = verify(&root);
    assert!(again.is_ok(), "{:#?}", again.findings);
    assert!(
        again
            .replay
            .actions
            .iter()
            .any(|a| a.action == model::Action::ValidationRun && a.replayed == 1)
    );
}

#[test]
fn a_problem_exits_1_and_json_names_file_line_and_seq() {
    let (_dir, root) = copy_of_store();
    let path = root.join("events/proxy.jsonl");
    let mut lines = read_lines(&path);
    lines.remove(4);
    write_lines(&path, &lines);
    let run = tests::run_cli(&root, &["--json", "verify"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["verdict"], "PROBLEMS_FOUND");
    let finding = &report["findings"][0];
    assert_eq!(finding["kind"], "MISSING_EVENT");
    assert_eq!(
        (finding["file"].as_str(), finding["line"].as_u64()),
        (Some("events/proxy.jsonl"), Some(5))
    );
    assert!(finding["seq"].is_u64());
}

#[test]
fn records_moved_aside_by_recovery_are_replayed_by_their_hash() {
    let (_dir, root) = copy_of_store();
    // A crash between records and their entry: a line no entry accounts for.
    let path = root.join("events/proxy.jsonl");
    let mut lines = read_lines(&path);
    lines.push(lines[0].clone());
    write_lines(&path, &lines);
    let report = verify(&root);
    let extra = findings_of(&report, FindingKind::ExtraRecord);
    assert_eq!(extra.len(), 1, "{:#?}", report.findings);
    assert_eq!(extra[0].line, Some(lines.len() as u64));
    // A writer opening the store moves it aside and records that.
    let store = store::Store::open(&root, ledger::WriterOptions::default()).unwrap();
    assert_eq!(store.recovery().quarantined.len(), 1);
    drop(store);
    let report = verify(&root);
    assert!(report.is_ok(), "{:#?}", report.findings);
    assert!(
        report
            .replay
            .actions
            .iter()
            .any(|a| a.action == model::Action::RecordsRecovered && a.replayed == 1)
    );
    let entry = tests::last_entry(&root);
    let moved = root.join(entry.outputs["quarantine"].as_str().unwrap());
    with_write_permission(&moved, || fs::write(&moved, b"{}\n").unwrap());
    let report = verify(&root);
    let altered = findings_of(&report, FindingKind::AlteredQuarantine);
    assert_eq!(altered.len(), 1, "{:#?}", report.findings);
    assert_eq!(altered[0].seq, Some(entry.seq));
}
