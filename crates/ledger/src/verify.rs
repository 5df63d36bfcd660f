//! `ledger verify`: reads a store as a stranger would and reports every
//! problem it finds. It never writes, never takes the writer lock, and never
//! calls the write path.
//!
//! What it checks, line by line: UTF-8 and entry shape; that the line is the
//! RFC 8785 form of its content (a re-serialized line keeps a valid
//! signature, so only this check and the Merkle root catch it); `hash`;
//! `seq` and `prev`; that the signing key was active at that seq (replayed
//! from the ledger's own key events); the Ed25519 signature (in batches, in
//! parallel). Then every checkpoint: signature, origin, name, root against
//! the recomputed prefix root, its CHECKPOINT_SIGNED entry, mutual
//! consistency, and that `checkpoint` is the newest.

use crate::error::LedgerError;
use crate::finding::{Finding, FindingKind};
use crate::key_history::KeyHistory;
use crate::layout::StorePaths;
use crate::lock::ReaderLock;
use crate::tree_file::TreeFile;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signature, VerifyingKey};
use model::{Action, LedgerEntry};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::path::Path;
use tlog::{Hash, TreeBuilder, VerifierKey};

/// How signatures are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignatureCheck {
    /// Ed25519 batch verification across all cores; failing batches are
    /// re-checked one by one to name the bad entries.
    #[default]
    Batch,
    /// One signature at a time on one core (the reference for benchmarks).
    OneByOne,
}

/// What `verify` trusts and how it works.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Verifier keys obtained out of band. When empty, the keys the ledger
    /// records for itself are used, which proves self-consistency only.
    pub trusted_vkeys: Vec<VerifierKey>,
    /// How signatures are checked.
    pub signature_check: SignatureCheck,
    /// Checkpoints kept outside the store, as (label, note text): the ledger
    /// must still contain the tree each of them signed. This is what reveals
    /// a consistent removal of the newest entries.
    pub outside_checkpoints: Vec<(String, String)>,
    /// Told how far the reading has got, so front ends can show progress.
    pub progress: Option<Progress>,
}

/// A progress callback: `report` receives the number of lines read so far,
/// every `every_lines` lines.
#[derive(Clone)]
pub struct Progress {
    /// How many lines between two reports (at least 1).
    pub every_lines: u64,
    /// Receives the number of lines read so far.
    pub report: std::sync::Arc<dyn Fn(u64) + Send + Sync>,
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress(..)")
    }
}

/// A checkpoint that verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckpointSummary {
    /// Tree size.
    pub size: u64,
    /// Root, standard base64.
    pub root: String,
    /// Names of the keys whose signatures verified.
    pub signed_by: Vec<String>,
}

/// Everything `verify` established, and everything it found wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerReport {
    /// Number of complete lines in `ledger.jsonl`.
    pub entries: u64,
    /// RFC 6962 root of all complete lines, standard base64.
    pub root: String,
    /// Which keys the verdict rests on.
    pub trust: String,
    /// Number of entry signatures that verified.
    pub signatures_verified: u64,
    /// Checkpoints whose signature verified, by size.
    pub checkpoints: Vec<CheckpointSummary>,
    /// Whether a writer held the store while it was read.
    pub writer_active: bool,
    /// Every problem found, in file and line order.
    pub findings: Vec<Finding>,
    /// What this verification cannot prove.
    pub limits: Vec<String>,
}

impl LedgerReport {
    /// Whether no problem was found.
    pub fn is_ok(&self) -> bool {
        self.findings.is_empty()
    }
}

const LEDGER_FILE: &str = "ledger.jsonl";
const SIGNATURE_BATCH: usize = 4096;

/// Verifies the ledger, checkpoints and key files of the store at `root`.
/// An `Err` means the store could not be read at all; every problem with its
/// content is a [`Finding`] in the report.
pub fn verify_ledger(root: &Path, options: &VerifyOptions) -> Result<LedgerReport, LedgerError> {
    let paths = StorePaths::new(root);
    let lock = ReaderLock::acquire(&paths.lock());
    let checkpoints = read_checkpoint_files(&paths)?;
    let mut wanted_roots: BTreeSet<u64> = checkpoints.files.keys().copied().collect();
    wanted_roots.extend(
        options
            .outside_checkpoints
            .iter()
            .filter_map(|(_, text)| tlog::Checkpoint::peek_unverified(text).map(|c| c.size)),
    );

    let proofs = read_proof_files(&paths)?;
    wanted_roots.extend(proofs.tree_sizes());
    let mut walk = LineWalk::new(options.signature_check, wanted_roots, options.progress.clone());
    walk.wanted_leaves = proofs.leaf_indexes();
    match File::open(paths.ledger()) {
        Ok(file) => walk
            .read(BufReader::with_capacity(1 << 20, file))
            .map_err(LedgerError::io(paths.ledger()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(LedgerError::Io {
                path: paths.ledger(),
                source: e,
            });
        }
    }
    walk.flush_signatures();
    if walk.lines == 0 {
        walk.findings.push(finding(
            FindingKind::EmptyLedger,
            LEDGER_FILE,
            None,
            None,
            "the ledger has no complete entry".into(),
        ));
    }

    let mut report = LedgerReport {
        entries: walk.lines,
        root: BASE64.encode(walk.tree.root()),
        trust: String::new(),
        signatures_verified: walk.signatures_verified,
        checkpoints: Vec::new(),
        writer_active: lock.writer_active(),
        findings: std::mem::take(&mut walk.findings),
        limits: Vec::new(),
    };
    let trust = check_trust(&walk, &checkpoints, options, &mut report);
    check_checkpoints(&paths, &walk, &checkpoints, &trust, &mut report);
    check_outside_checkpoints(&walk, &options.outside_checkpoints, &trust, &mut report);
    check_proof_files(&walk, &proofs, &mut report);
    check_quarantine(&paths, &walk, &mut report);
    check_tree_file(&paths, &walk, &mut report);
    check_key_files(&paths, &walk.keys, &mut report);
    report.limits = limits(&report, options);
    Ok(report)
}

/// The streaming pass over the ledger lines.
struct LineWalk {
    lines: u64,
    tree: TreeBuilder,
    /// SHA-256 of the stored hashes `ledger.tree` must hold for these lines.
    stored_digest: sha2::Sha256,
    wanted_roots: BTreeSet<u64>,
    roots: BTreeMap<u64, Hash>,
    keys: KeyHistory,
    prev_hash: String,
    genesis: Option<LedgerEntry>,
    recorded_checkpoints: BTreeMap<u64, RecordedCheckpoint>,
    wanted_leaves: BTreeSet<u64>,
    leaves: BTreeMap<u64, Hash>,
    recovered: Vec<RecoveredTail>,
    progress: Option<Progress>,
    pending: Vec<PendingSignature>,
    signature_check: SignatureCheck,
    signatures_verified: u64,
    findings: Vec<Finding>,
}

/// A LEDGER_RECOVERED entry's claim about the bytes it moved aside.
struct RecoveredTail {
    line: u64,
    seq: u64,
    quarantine: String,
    sha256: String,
}

struct RecordedCheckpoint {
    line: u64,
    root: String,
    note_sha256: String,
}

struct PendingSignature {
    line: u64,
    seq: u64,
    message: Vec<u8>,
    signature: Signature,
    key: VerifyingKey,
}

impl LineWalk {
    fn new(signature_check: SignatureCheck, wanted_roots: BTreeSet<u64>, progress: Option<Progress>) -> Self {
        LineWalk {
            progress,
            lines: 0,
            tree: TreeBuilder::new(),
            stored_digest: sha2::Digest::new(),
            wanted_roots,
            roots: BTreeMap::new(),
            keys: KeyHistory::default(),
            prev_hash: model::digest::ZERO_HASH_HEX.to_owned(),
            genesis: None,
            recorded_checkpoints: BTreeMap::new(),
            wanted_leaves: BTreeSet::new(),
            leaves: BTreeMap::new(),
            recovered: Vec::new(),
            pending: Vec::new(),
            signature_check,
            signatures_verified: 0,
            findings: Vec::new(),
        }
    }

    fn read(&mut self, mut reader: impl BufRead) -> std::io::Result<()> {
        let mut line = Vec::new();
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line)? == 0 {
                return Ok(());
            }
            if line.last() != Some(&b'\n') {
                self.findings.push(finding(
                    FindingKind::TornTail,
                    LEDGER_FILE,
                    Some(self.lines + 1),
                    None,
                    format!("{} bytes after the last newline (an interrupted append); opening the store for writing moves them to quarantine/", line.len()),
                ));
                return Ok(());
            }
            line.pop();
            self.check_line(&line);
            if self.pending.len() >= SIGNATURE_BATCH {
                self.flush_signatures();
            }
            if let Some(progress) = &self.progress
                && self.lines.is_multiple_of(progress.every_lines.max(1))
            {
                (progress.report)(self.lines);
            }
        }
    }

    fn check_line(&mut self, content: &[u8]) {
        let index = self.lines;
        let line_number = index + 1;
        self.lines += 1;
        let leaf = tlog::leaf_hash(content);
        let stored_digest = &mut self.stored_digest;
        self.tree
            .push_with_stored(leaf, |hash| sha2::Digest::update(stored_digest, hash));
        if self.wanted_leaves.contains(&index) {
            self.leaves.insert(index, leaf);
        }
        if self.wanted_roots.contains(&self.tree.size()) {
            self.roots.insert(self.tree.size(), self.tree.root());
        }
        let mut report = |kind, seq, message: String| {
            self.findings
                .push(finding(kind, LEDGER_FILE, Some(line_number), seq, message));
        };
        let Ok(text) = std::str::from_utf8(content) else {
            report(FindingKind::Malformed, None, "not valid UTF-8".into());
            self.prev_hash = String::new();
            return;
        };
        let entry = match LedgerEntry::parse_line(text) {
            Ok(entry) => entry,
            Err(e) => {
                report(FindingKind::Malformed, None, e.to_string());
                self.prev_hash = String::new();
                return;
            }
        };
        let seq = Some(entry.seq);
        let mut sound = true;
        let canonical = entry.to_line().ok().as_deref() == Some(text);
        if !canonical {
            report(
                FindingKind::NonCanonical,
                seq,
                "the line is not the RFC 8785 canonical form of its content".into(),
            );
            sound = false;
        }
        // A canonical line holds its signed bytes verbatim; only a
        // non-canonical one needs serializing again.
        let signed = if canonical {
            model::entry::signing_bytes_from_line(text)
        } else {
            None
        };
        let message = match signed.map_or_else(|| entry.unsigned().signing_bytes(), Ok) {
            Ok(message) => message,
            Err(e) => {
                report(FindingKind::Malformed, seq, e.to_string());
                return;
            }
        };
        let actual_hash = model::digest::sha256_hex(message.as_bytes());
        if actual_hash != entry.hash {
            report(
                FindingKind::AlteredEntry,
                seq,
                format!("hash field {} but the content hashes to {actual_hash}", entry.hash),
            );
            sound = false;
        }
        if entry.seq > index {
            report(
                FindingKind::SeqGap,
                seq,
                format!("seq {} on line {line_number}, expected {index}", entry.seq),
            );
            sound = false;
        } else if entry.seq < index {
            report(
                FindingKind::Reordered,
                seq,
                format!(
                    "seq {} on line {line_number}, expected {index}: lines moved or duplicated",
                    entry.seq
                ),
            );
            sound = false;
        }
        if entry.prev != self.prev_hash {
            let expected = if self.prev_hash.is_empty() {
                "the hash of an unreadable line".to_owned()
            } else {
                self.prev_hash.clone()
            };
            report(
                FindingKind::BrokenChain,
                seq,
                format!("prev {} but the previous entry's hash is {expected}", entry.prev),
            );
            sound = false;
        }
        self.prev_hash = entry.hash.clone();

        if index == 0 {
            self.genesis = Some(entry.clone());
            if entry.action != Action::LedgerInitialized {
                report(
                    FindingKind::InvalidKeyEvent,
                    seq,
                    format!("first entry is {}, expected LEDGER_INITIALIZED", entry.action),
                );
            } else if let Err(e) = self.keys.apply(&entry) {
                report(FindingKind::InvalidKeyEvent, seq, e.0);
            }
        }
        let signer = match self.keys.active(&entry.key) {
            Some(verifier) => Some(*verifier.public_key()),
            None => {
                let (kind, why) = match self.keys.keys().get(&entry.key) {
                    Some(record) => (
                        FindingKind::RetiredKey,
                        format!(
                            "key {:?} was retired at seq {}",
                            entry.key,
                            record.retired_at.unwrap_or_default()
                        ),
                    ),
                    None => (
                        FindingKind::UnknownKey,
                        format!("key {:?} was never added to this ledger", entry.key),
                    ),
                };
                report(kind, seq, why);
                sound = false;
                None
            }
        };
        match (signer, decode_signature(&entry.sig)) {
            (Some(key), Some(signature)) => self.pending.push(PendingSignature {
                line: line_number,
                seq: entry.seq,
                message: message.into_bytes(),
                signature,
                key,
            }),
            (_, None) => {
                report(
                    FindingKind::BadSignature,
                    seq,
                    "sig is not standard base64 of 64 bytes".into(),
                );
                sound = false;
            }
            (None, Some(_)) => {}
        }
        if index > 0
            && sound
            && let Err(e) = self.keys.apply(&entry)
        {
            report(FindingKind::InvalidKeyEvent, seq, e.0);
        }
        if entry.action == Action::LedgerRecovered {
            let output = |name: &str| {
                entry
                    .outputs
                    .get(name)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            self.recovered.push(RecoveredTail {
                line: line_number,
                seq: entry.seq,
                quarantine: output("quarantine"),
                sha256: output("torn_sha256"),
            });
        }
        if entry.action == Action::CheckpointSigned {
            let size = entry.params.get("size").and_then(|v| v.as_u64());
            let root = entry
                .params
                .get("root")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned();
            let note_sha256 = entry
                .outputs
                .get("note_sha256")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned();
            match size {
                Some(size) => {
                    self.recorded_checkpoints.insert(
                        size,
                        RecordedCheckpoint {
                            line: line_number,
                            root,
                            note_sha256,
                        },
                    );
                }
                None => report(
                    FindingKind::Malformed,
                    seq,
                    "CHECKPOINT_SIGNED without an integer params.size".into(),
                ),
            }
        }
    }

    fn flush_signatures(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        let bad: Vec<&PendingSignature> = match self.signature_check {
            SignatureCheck::OneByOne => pending.iter().filter(|p| !verify_one(p)).collect(),
            SignatureCheck::Batch => pending
                .par_chunks(256)
                .flat_map_iter(|chunk| {
                    let messages: Vec<&[u8]> = chunk.iter().map(|p| p.message.as_slice()).collect();
                    let signatures: Vec<Signature> = chunk.iter().map(|p| p.signature).collect();
                    let keys: Vec<VerifyingKey> = chunk.iter().map(|p| p.key).collect();
                    let failed: Vec<&PendingSignature> =
                        if ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok() {
                            Vec::new()
                        } else {
                            chunk.iter().filter(|p| !verify_one(p)).collect()
                        };
                    failed
                })
                .collect(),
        };
        self.signatures_verified += (pending.len() - bad.len()) as u64;
        for p in bad {
            self.findings.push(finding(
                FindingKind::BadSignature,
                LEDGER_FILE,
                Some(p.line),
                Some(p.seq),
                "the Ed25519 signature does not verify with the entry's key".into(),
            ));
        }
        self.findings.sort_by_key(|f| (f.line, f.kind));
    }
}

fn verify_one(pending: &PendingSignature) -> bool {
    pending.key.verify_strict(&pending.message, &pending.signature).is_ok()
}

fn decode_signature(text: &str) -> Option<Signature> {
    let bytes = BASE64.decode(text).ok()?;
    let bytes: [u8; 64] = bytes.try_into().ok()?;
    Some(Signature::from_bytes(&bytes))
}

fn finding(kind: FindingKind, file: &str, line: Option<u64>, seq: Option<u64>, message: String) -> Finding {
    Finding {
        kind,
        file: file.to_owned(),
        line,
        seq,
        message,
    }
}

/// The checkpoint files of a store, read but not yet verified.
struct CheckpointFiles {
    files: BTreeMap<u64, (String, String)>,
    misnamed: Vec<String>,
    latest: Option<String>,
}

fn read_checkpoint_files(paths: &StorePaths) -> Result<CheckpointFiles, LedgerError> {
    let mut files = BTreeMap::new();
    let mut misnamed = Vec::new();
    let dir = paths.checkpoints();
    for name in listed_files(&dir) {
        let relative = format!("checkpoints/{name}");
        let bytes = fs::read(dir.join(&name)).map_err(LedgerError::io(dir.join(&name)))?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        match name.parse::<u64>() {
            Ok(size) if size.to_string() == name => {
                files.insert(size, (relative, text));
            }
            _ => misnamed.push(relative),
        }
    }
    let latest = fs::read(paths.latest_checkpoint())
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    Ok(CheckpointFiles {
        files,
        misnamed,
        latest,
    })
}

/// The keys a checkpoint may be verified with.
struct Trust {
    verifiers: Vec<VerifierKey>,
}

fn check_trust(
    walk: &LineWalk,
    checkpoints: &CheckpointFiles,
    options: &VerifyOptions,
    report: &mut LedgerReport,
) -> Trust {
    let recorded = walk.keys.all_verifiers();
    if options.trusted_vkeys.is_empty() {
        report.trust = "keys recorded in the ledger itself (self-consistency only: pass --trusted-vkey with keys obtained out of band to anchor the verdict)".into();
        return Trust { verifiers: recorded };
    }
    let pinned = &options.trusted_vkeys;
    let names: Vec<&str> = pinned.iter().map(|k| k.name()).collect();
    report.trust = format!("pinned verifier keys: {}", names.join(", "));
    for key in &recorded {
        if let Some(pin) = pinned.iter().find(|p| p.name() == key.name())
            && pin.public_key() != key.public_key()
        {
            report.findings.push(finding(
                FindingKind::UntrustedKey,
                LEDGER_FILE,
                None,
                None,
                format!("the ledger's key {:?} is not the pinned key of that name", key.name()),
            ));
        }
    }
    let genesis_pinned = walk.genesis.as_ref().is_some_and(|g| {
        recorded
            .iter()
            .any(|k| k.name() == g.key && pinned.iter().any(|p| p.public_key() == k.public_key()))
    });
    let checkpoint_pinned = checkpoints
        .files
        .values()
        .any(|(_, text)| tlog::verify_checkpoint(text, pinned).is_ok());
    if !genesis_pinned && !checkpoint_pinned {
        report.findings.push(finding(
            FindingKind::UntrustedKey,
            LEDGER_FILE,
            Some(1),
            Some(0),
            "neither the genesis key nor any checkpoint's signer is among the pinned keys".into(),
        ));
    }
    // Once anchored (a pinned genesis key, or a checkpoint signed by a pinned
    // key, whose root covers every earlier key event), the keys the ledger
    // records are as trustworthy as the anchor; without an anchor only the
    // pinned keys themselves count.
    let verifiers = if genesis_pinned || checkpoint_pinned {
        recorded.into_iter().chain(pinned.iter().cloned()).collect()
    } else {
        pinned.clone()
    };
    Trust { verifiers }
}

fn check_checkpoints(
    paths: &StorePaths,
    walk: &LineWalk,
    files: &CheckpointFiles,
    trust: &Trust,
    report: &mut LedgerReport,
) {
    let mut push = |kind, file: &str, line, seq, message| report.findings.push(finding(kind, file, line, seq, message));
    for name in &files.misnamed {
        push(
            FindingKind::CheckpointMisnamed,
            name,
            None,
            None,
            "checkpoint files are named by their tree size in decimal".into(),
        );
    }
    let origin = genesis_origin(walk);
    let mut verified: Vec<(u64, Hash)> = Vec::new();
    for (&size, (file, text)) in &files.files {
        let checked = match tlog::verify_checkpoint(text, &trust.verifiers) {
            Ok(checked) => checked,
            Err(e) => {
                push(FindingKind::CheckpointInvalid, file, None, None, e.to_string());
                continue;
            }
        };
        let checkpoint = checked.checkpoint();
        if checkpoint.size != size {
            push(
                FindingKind::CheckpointMisnamed,
                file,
                None,
                None,
                format!("the file says size {}", checkpoint.size),
            );
            continue;
        }
        if checkpoint.origin != origin {
            push(
                FindingKind::CheckpointInvalid,
                file,
                None,
                None,
                format!("origin {:?}, the ledger's origin is {origin:?}", checkpoint.origin),
            );
        }
        if size > walk.lines {
            push(
                FindingKind::TruncatedBeforeCheckpoint,
                file,
                None,
                None,
                format!(
                    "the checkpoint covers {size} entries but the ledger has only {}: entries were removed",
                    walk.lines
                ),
            );
            continue;
        }
        if walk.roots.get(&size) != Some(&checkpoint.root) {
            push(
                FindingKind::CheckpointMismatch,
                file,
                None,
                None,
                format!(
                    "signed root {} differs from the root of the first {size} ledger lines",
                    BASE64.encode(checkpoint.root)
                ),
            );
            continue;
        }
        match walk.recorded_checkpoints.get(&size) {
            Some(recorded) => {
                if recorded.root != BASE64.encode(checkpoint.root)
                    || recorded.note_sha256 != model::digest::sha256_hex(text.as_bytes())
                {
                    push(
                        FindingKind::CheckpointMissing,
                        file,
                        Some(recorded.line),
                        Some(size),
                        "the CHECKPOINT_SIGNED entry records another root or another note".into(),
                    );
                }
            }
            None if size == walk.lines => push(
                FindingKind::TruncatedAfterCheckpoint,
                LEDGER_FILE,
                Some(size + 1),
                Some(size),
                format!(
                    "the ledger ends at checkpoint {size} without its CHECKPOINT_SIGNED entry: entries were removed, or a crash interrupted `ledger checkpoint` (opening the store for writing records it)"
                ),
            ),
            None => push(
                FindingKind::CheckpointUnrecorded,
                file,
                Some(size + 1),
                Some(size),
                "no CHECKPOINT_SIGNED entry records this checkpoint at seq {size}".replace("{size}", &size.to_string()),
            ),
        }
        report.checkpoints.push(CheckpointSummary {
            size,
            root: BASE64.encode(checkpoint.root),
            signed_by: checked.signed_by().to_vec(),
        });
        verified.push((size, checkpoint.root));
    }
    for (&size, recorded) in &walk.recorded_checkpoints {
        if !files.files.contains_key(&size) {
            push(
                FindingKind::CheckpointMissing,
                LEDGER_FILE,
                Some(recorded.line),
                Some(recorded.line - 1),
                format!("CHECKPOINT_SIGNED records checkpoints/{size}, which is missing"),
            );
        }
    }
    match (files.files.iter().next_back(), &files.latest) {
        (Some((_, (file, text))), Some(latest)) if latest != text => {
            match tlog::verify_checkpoint(latest, &trust.verifiers) {
                Err(e) => push(FindingKind::CheckpointInvalid, "checkpoint", None, None, e.to_string()),
                Ok(_) => push(
                    FindingKind::StaleLatestCheckpoint,
                    "checkpoint",
                    None,
                    None,
                    format!("a valid checkpoint, but not the newest one, {file}"),
                ),
            }
        }
        (Some((_, (file, _))), None) => push(
            FindingKind::StaleLatestCheckpoint,
            "checkpoint",
            None,
            None,
            format!("missing; the newest checkpoint is {file}"),
        ),
        (None, Some(_)) => push(
            FindingKind::StaleLatestCheckpoint,
            "checkpoint",
            None,
            None,
            "present, but checkpoints/ holds no checkpoint".into(),
        ),
        _ => {}
    }
    check_consistency(paths, &verified, report);
}

/// Consecutive checkpoints must be consistent: proved with RFC 9162
/// consistency proofs drawn from `ledger.tree` and checked against the two
/// signed roots, independently of the prefix-root comparison above.
fn check_consistency(paths: &StorePaths, verified: &[(u64, Hash)], report: &mut LedgerReport) {
    let Ok(tree) = TreeFile::open_read_only(&paths.tree()) else {
        return;
    };
    for pair in verified.windows(2) {
        let ((old_size, old_root), (new_size, new_root)) = (pair[0], pair[1]);
        if new_size > tree.records() {
            continue;
        }
        let consistent = tlog::prove_consistency(old_size, new_size, &tree)
            .ok()
            .is_some_and(|proof| tlog::verify_consistency(old_size, new_size, &old_root, &new_root, &proof).is_ok());
        if !consistent {
            report.findings.push(finding(
                FindingKind::InconsistentCheckpoints,
                &format!("checkpoints/{new_size}"),
                None,
                None,
                format!("no valid consistency proof from checkpoints/{old_size}"),
            ));
        }
    }
}

fn check_tree_file(paths: &StorePaths, walk: &LineWalk, report: &mut LedgerReport) {
    let mut mismatch = |message: String| {
        report.findings.push(finding(
            FindingKind::TreeFileMismatch,
            "ledger.tree",
            None,
            None,
            message,
        ));
    };
    let tree = match TreeFile::open_read_only(&paths.tree()) {
        Ok(tree) => tree,
        Err(e) => {
            return mismatch(format!(
                "cannot be read: {e}; proofs cannot be served until a writer rebuilds it"
            ));
        }
    };
    if tree.records() != walk.lines {
        return mismatch(format!(
            "covers {} lines, the ledger has {}",
            tree.records(),
            walk.lines
        ));
    }
    if walk.lines > 0 && tree.root(walk.lines).ok() != Some(walk.tree.root()) {
        return mismatch("its root differs from the root of the ledger lines".into());
    }
    // Every stored hash, not only those the root is made of: proofs are
    // served from any of them.
    let expected = sha2::Digest::finalize(walk.stored_digest.clone());
    match file_sha256(&paths.tree()) {
        Ok(found) if found[..] == expected[..] => {}
        Ok(_) => mismatch(
            "its stored hashes differ from those of the ledger lines: proofs served from it would be wrong".into(),
        ),
        Err(e) => mismatch(format!("cannot be read: {e}")),
    }
}

fn file_sha256(path: &Path) -> std::io::Result<[u8; 32]> {
    use sha2::Digest;
    use std::io::Read;
    let mut file = File::open(path)?;
    let mut hasher = sha2::Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            return Ok(hasher.finalize().into());
        }
        hasher.update(&buffer[..read]);
    }
}

fn check_key_files(paths: &StorePaths, keys: &KeyHistory, report: &mut LedgerReport) {
    for (name, record) in keys.keys() {
        let vkey_path = paths.verifier_key(name);
        let expected = format!("{}\n", record.verifier.to_text());
        let file = format!("keys/{name}.vkey");
        match fs::read_to_string(&vkey_path) {
            Ok(text) if text == expected => {}
            Ok(_) => report.findings.push(finding(
                FindingKind::KeyFileMismatch,
                &file,
                None,
                Some(record.added_at),
                "differs from the verifier key recorded in the ledger".into(),
            )),
            Err(_) => report.findings.push(finding(
                FindingKind::KeyFileMismatch,
                &file,
                None,
                Some(record.added_at),
                "missing".into(),
            )),
        }
        // Byte for byte: a PEM parser forgives changes (line breaks, a
        // missing final newline) that are still changes to the store.
        let expected_public = crate::keys::public_key_pem(record.verifier.public_key()).ok();
        if fs::read_to_string(paths.public_key(name)).ok() != expected_public {
            report.findings.push(finding(
                FindingKind::KeyFileMismatch,
                &format!("keys/{name}.pub.pem"),
                None,
                Some(record.added_at),
                "missing, or not the PEM text of the key recorded in the ledger".into(),
            ));
        }
        if let Some(problem) = private_key_problem(&paths.private_key(name), record.verifier.public_key()) {
            report.findings.push(finding(
                FindingKind::KeyFileMismatch,
                &format!("keys/{name}.key.pem"),
                None,
                Some(record.added_at),
                problem,
            ));
        }
    }
}

/// What is wrong with a private key file, if it is there and readable:
/// verification needs no private key, and an auditor's copy has none, but
/// one that is present must be the recorded key's, in the form written.
fn private_key_problem(path: &Path, recorded: &VerifyingKey) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied
            ) =>
        {
            return None;
        }
        Err(e) => return Some(format!("unreadable: {e}")),
    };
    let mode = fs::metadata(path).map(|m| m.permissions().mode() & 0o777).unwrap_or(0);
    if mode & 0o077 != 0 {
        return Some(format!(
            "group or others may read this private key (mode {mode:03o}; expected 600)"
        ));
    }
    use ed25519_dalek::pkcs8::DecodePrivateKey;
    match ed25519_dalek::SigningKey::from_pkcs8_pem(&text) {
        Ok(key) if &key.verifying_key() != recorded => {
            Some("a private key, but not the one whose public key the ledger records".into())
        }
        Ok(key) if crate::keys::private_key_pem(&key).ok().as_deref().map(String::as_str) != Some(text.as_str()) => {
            Some("the recorded private key, but not in the exact form it was written".into())
        }
        Ok(_) => None,
        Err(e) => Some(format!("not a PKCS#8 Ed25519 private key: {e}")),
    }
}

/// The names of the regular files in `dir`, sorted; dot files (a crash's
/// temporary leftovers) and a missing folder give nothing.
fn listed_files(dir: &Path) -> Vec<String> {
    let Ok(listing) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = listing
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// The proof files of `proofs/`, parsed where they parse.
struct ProofFiles {
    parsed: Vec<(String, tlog::Proof)>,
    unreadable: Vec<(String, String)>,
}

impl ProofFiles {
    /// The tree sizes whose roots the proofs refer to.
    fn tree_sizes(&self) -> Vec<u64> {
        let mut sizes = Vec::new();
        for (_, proof) in &self.parsed {
            match proof {
                tlog::Proof::Inclusion(p) => sizes.push(p.tree_size),
                tlog::Proof::Consistency(p) => sizes.extend([p.old_size, p.new_size]),
            }
        }
        sizes
    }

    /// The entries whose leaf hashes the inclusion proofs refer to.
    fn leaf_indexes(&self) -> BTreeSet<u64> {
        let inclusion = |(_, proof): &(String, tlog::Proof)| match proof {
            tlog::Proof::Inclusion(p) => Some(p.leaf_index),
            tlog::Proof::Consistency(_) => None,
        };
        self.parsed.iter().filter_map(inclusion).collect()
    }
}

fn read_proof_files(paths: &StorePaths) -> Result<ProofFiles, LedgerError> {
    let mut proofs = ProofFiles {
        parsed: Vec::new(),
        unreadable: Vec::new(),
    };
    let dir = paths.proofs();
    for name in listed_files(&dir) {
        let path = dir.join(&name);
        let bytes = fs::read(&path).map_err(LedgerError::io(&path))?;
        let relative = format!("proofs/{name}");
        match std::str::from_utf8(&bytes).map_err(|e| e.to_string()).and_then(|text| {
            let proof = tlog::Proof::from_json(text.trim_end_matches('\n')).map_err(|e| e.to_string())?;
            // Proofs are written in one exact form: any other byte is an alteration.
            let written = match &proof {
                tlog::Proof::Inclusion(p) => p.to_json(),
                tlog::Proof::Consistency(p) => p.to_json(),
            };
            if text.strip_suffix('\n') != Some(written.as_str()) {
                return Err(format!(
                    "not the exact bytes a proof is written as: expected {written:?} and a newline"
                ));
            }
            Ok(proof)
        }) {
            Ok(proof) => proofs.parsed.push((relative, proof)),
            Err(reason) => proofs.unreadable.push((relative, reason)),
        }
    }
    Ok(proofs)
}

/// Every proof kept in the store must still prove what it claims about
/// this ledger: its roots are recomputed from the lines, not read from it.
fn check_proof_files(walk: &LineWalk, proofs: &ProofFiles, report: &mut LedgerReport) {
    let mut push = |file: &str, message: String| {
        report
            .findings
            .push(finding(FindingKind::ProofInvalid, file, None, None, message));
    };
    for (file, reason) in &proofs.unreadable {
        push(file, format!("not a proof: {reason}"));
    }
    for (file, proof) in &proofs.parsed {
        let outcome = match proof {
            tlog::Proof::Inclusion(p) => match (walk.roots.get(&p.tree_size), walk.leaves.get(&p.leaf_index)) {
                (Some(root), Some(leaf)) if p.leaf_index < p.tree_size => {
                    if leaf != &p.leaf_hash {
                        Err(format!("leaf_hash is not the hash of ledger line {}", p.leaf_index + 1))
                    } else {
                        p.verify(root).map_err(|e| e.to_string())
                    }
                }
                _ => Err(format!(
                    "entry {} of a tree of size {} is not in this ledger",
                    p.leaf_index, p.tree_size
                )),
            },
            tlog::Proof::Consistency(p) => match (walk.roots.get(&p.old_size), walk.roots.get(&p.new_size)) {
                (Some(old_root), Some(new_root)) => {
                    if *old_root != p.old_root || *new_root != p.new_root {
                        Err("its roots are not the roots of this ledger".to_owned())
                    } else {
                        p.verify().map_err(|e| e.to_string())
                    }
                }
                _ => Err(format!(
                    "sizes {} and {} are not both trees of this ledger",
                    p.old_size, p.new_size
                )),
            },
        };
        if let Err(message) = outcome {
            push(file, message);
        }
    }
}

/// Bytes moved aside by recovery must still be there, unchanged.
fn check_quarantine(paths: &StorePaths, walk: &LineWalk, report: &mut LedgerReport) {
    for tail in &walk.recovered {
        let bytes = fs::read(paths.root().join(&tail.quarantine)).ok();
        if bytes.as_deref().map(model::digest::sha256_hex).as_deref() != Some(tail.sha256.as_str()) {
            report.findings.push(finding(
                FindingKind::QuarantineMismatch,
                LEDGER_FILE,
                Some(tail.line),
                Some(tail.seq),
                format!(
                    "{} is missing or differs from the bytes LEDGER_RECOVERED recorded",
                    tail.quarantine
                ),
            ));
        }
    }
}

/// Checkpoints the auditor kept: signed by a trusted key, same origin, and
/// the ledger still holds exactly the tree they signed.
fn check_outside_checkpoints(walk: &LineWalk, outside: &[(String, String)], trust: &Trust, report: &mut LedgerReport) {
    let origin = genesis_origin(walk);
    for (label, text) in outside {
        let mut push = |kind, message| report.findings.push(finding(kind, label, None, None, message));
        let checked = match tlog::verify_checkpoint(text, &trust.verifiers) {
            Ok(checked) => checked,
            Err(e) => {
                push(FindingKind::CheckpointInvalid, e.to_string());
                continue;
            }
        };
        let checkpoint = checked.checkpoint();
        if checkpoint.origin != origin {
            push(
                FindingKind::CheckpointInvalid,
                format!("origin {:?}, the ledger's origin is {origin:?}", checkpoint.origin),
            );
        } else if checkpoint.size > walk.lines {
            push(
                FindingKind::TruncatedBeforeCheckpoint,
                format!(
                    "this checkpoint signed {} entries but the ledger has only {}: entries were removed (rollback)",
                    checkpoint.size, walk.lines
                ),
            );
        } else if walk.roots.get(&checkpoint.size) != Some(&checkpoint.root) {
            push(
                FindingKind::CheckpointMismatch,
                format!(
                    "the first {} ledger lines no longer have the root this checkpoint signed",
                    checkpoint.size
                ),
            );
        }
    }
}

fn genesis_origin(walk: &LineWalk) -> String {
    walk.genesis
        .as_ref()
        .and_then(|g| g.params.get("origin"))
        .and_then(|o| o.as_str())
        .unwrap_or_default()
        .to_owned()
}

fn limits(report: &LedgerReport, options: &VerifyOptions) -> Vec<String> {
    let mut limits = Vec::new();
    let covered = report.checkpoints.iter().map(|c| c.size).max().unwrap_or(0);
    if options.outside_checkpoints.is_empty() {
        limits.push(format!(
            "freshness: this proves the ledger as it is now ({} entries, root {}); a consistent removal of the newest entries cannot be seen from inside the store: keep a checkpoint outside the store and pass it with --from-checkpoint",
            report.entries, report.root
        ));
    }
    if covered < report.entries {
        let last = report.entries - 1;
        let span = if covered == last {
            format!("entry {last} is")
        } else {
            format!("entries {covered} to {last} are")
        };
        limits.push(format!(
            "{span} not covered by any checkpoint: protected by signatures and the hash chain only"
        ));
    }
    if options.trusted_vkeys.is_empty() {
        limits.push(
            "trust: no key was pinned, so a store rewritten as a whole with the attacker's own keys would also pass"
                .into(),
        );
    }
    limits
}
