//! The only write path of the ledger: [`Ledger`] holds the writer lock,
//! signs entries, appends them durably, keeps `ledger.tree` in step, writes
//! checkpoints, and repairs what a crash left behind when it opens.
//!
//! An append is reported as done only after its line is fsynced. A batch
//! ([`Ledger::append_batch`]) is written with one `write` and one fsync
//! (group commit); its signatures are computed in parallel, which is
//! possible because an entry's `hash`, and so the next entry's `prev`, does
//! not depend on any signature.

use crate::durable;
use crate::error::LedgerError;
use crate::key_history::KeyHistory;
use crate::keys;
use crate::layout::StorePaths;
use crate::lock::WriterLock;
use crate::tree_file::TreeFile;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signer, SigningKey};
use model::entry::{ENTRY_VERSION, Object};
use model::{Action, LedgerEntry, Timestamp, UnsignedEntry};
use rayon::prelude::*;
use serde_json::{Value, json};
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use tlog::Checkpoint;

/// Where entry times come from. The default reads the system clock; tests
/// and golden fixtures pass a fixed sequence.
pub type Clock = Box<dyn FnMut() -> Timestamp + Send>;

/// The system clock.
pub fn system_clock() -> Clock {
    Box::new(|| Timestamp::from_datetime(chrono::Utc::now()))
}

/// An action to record, before it gets its seq, time, chain link and signature.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryDraft {
    /// What was done.
    pub action: Action,
    /// Every parameter that affected the outputs.
    pub params: Object,
    /// What the action read.
    pub inputs: Object,
    /// What the action produced.
    pub outputs: Object,
}

impl EntryDraft {
    /// A draft with empty `params`, `inputs` and `outputs`.
    pub fn new(action: Action) -> Self {
        EntryDraft {
            action,
            params: Object::new(),
            inputs: Object::new(),
            outputs: Object::new(),
        }
    }

    /// Sets `params` from a JSON object (anything else becomes `{}`).
    pub fn params(mut self, params: Value) -> Self {
        self.params = into_object(params);
        self
    }

    /// Sets `inputs` from a JSON object.
    pub fn inputs(mut self, inputs: Value) -> Self {
        self.inputs = into_object(inputs);
        self
    }

    /// Sets `outputs` from a JSON object.
    pub fn outputs(mut self, outputs: Value) -> Self {
        self.outputs = into_object(outputs);
        self
    }
}

fn into_object(value: Value) -> Object {
    match value {
        Value::Object(map) => map,
        _ => Object::new(),
    }
}

/// What an append wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendedEntry {
    /// The entry's seq (= its Merkle leaf index).
    pub seq: u64,
    /// The entry's hash, hex.
    pub hash: String,
}

/// What opening the ledger had to repair.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Recovery {
    /// A torn final line was moved to this quarantine file.
    pub torn_tail: Option<PathBuf>,
    /// Stored tree hashes were rebuilt for this many lines.
    pub tree_lines_rebuilt: u64,
    /// A checkpoint written just before a crash got its CHECKPOINT_SIGNED entry.
    pub checkpoint_recorded: Option<u64>,
}

impl Recovery {
    /// Whether anything was repaired.
    pub fn is_empty(&self) -> bool {
        *self == Recovery::default()
    }
}

/// A signed checkpoint that was written.
#[derive(Debug, Clone)]
pub struct WrittenCheckpoint {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// The note text (body and signature lines).
    pub note: String,
    /// `checkpoints/<size>`.
    pub path: PathBuf,
    /// The CHECKPOINT_SIGNED entry.
    pub entry: AppendedEntry,
}

/// How to create a store.
pub struct InitOptions {
    /// The genesis key's name.
    pub key_name: String,
    /// The genesis key; a fresh random key when `None`.
    pub signing_key: Option<SigningKey>,
    /// The store's id; a random UUIDv4 when `None`.
    pub store_id: Option<uuid::Uuid>,
    /// Where entry times come from.
    pub clock: Clock,
    /// How long to wait for another writer before failing.
    pub lock_wait: std::time::Duration,
}

/// The default wait for the writer lock.
pub const DEFAULT_LOCK_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

impl std::fmt::Debug for InitOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InitOptions")
            .field("key_name", &self.key_name)
            .finish_non_exhaustive()
    }
}

impl Default for InitOptions {
    fn default() -> Self {
        InitOptions {
            key_name: "ledger-1".into(),
            signing_key: None,
            store_id: None,
            clock: system_clock(),
            lock_wait: DEFAULT_LOCK_WAIT,
        }
    }
}

/// How to open a store for writing.
pub struct WriterOptions {
    /// Sign with this key instead of the newest active key.
    pub key_name: Option<String>,
    /// Where entry times come from.
    pub clock: Clock,
    /// How long to wait for another writer before failing.
    pub lock_wait: std::time::Duration,
}

impl std::fmt::Debug for WriterOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriterOptions")
            .field("key_name", &self.key_name)
            .finish_non_exhaustive()
    }
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            key_name: None,
            clock: system_clock(),
            lock_wait: DEFAULT_LOCK_WAIT,
        }
    }
}

/// The ledger of one store, open for writing.
pub struct Ledger {
    paths: StorePaths,
    _lock: WriterLock,
    file: File,
    tree: TreeFile,
    size: u64,
    last_hash: String,
    last_time: Option<Timestamp>,
    keys: KeyHistory,
    signer_name: String,
    signer: SigningKey,
    origin: String,
    store_id: String,
    clock: Clock,
    recovery: Recovery,
    poisoned: bool,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger")
            .field("root", &self.paths.root())
            .field("size", &self.size)
            .field("signer", &self.signer_name)
            .finish_non_exhaustive()
    }
}

/// The origin line of a store's checkpoints.
pub fn origin_for(store_id: &str) -> String {
    format!("driftledger/{store_id}")
}

impl Ledger {
    /// Creates a store at `root`: the folders, the genesis key's files and the
    /// genesis entry (LEDGER_INITIALIZED, which names the store id, the
    /// checkpoint origin and the genesis key's verifier key).
    pub fn init(root: &Path, options: InitOptions) -> Result<Ledger, LedgerError> {
        let paths = StorePaths::new(root);
        if !model::entry::is_key_name(&options.key_name) {
            return Err(LedgerError::InvalidKeyName { name: options.key_name });
        }
        if paths.ledger().exists() {
            return Err(LedgerError::StoreExists { path: root.to_owned() });
        }
        for dir in [
            paths.root().to_owned(),
            paths.keys(),
            paths.checkpoints(),
            paths.proofs(),
            paths.quarantine(),
        ] {
            fs::create_dir_all(&dir).map_err(LedgerError::io(&dir))?;
        }
        let lock = WriterLock::acquire(&paths.lock(), options.lock_wait)?;
        if paths.ledger().exists() {
            return Err(LedgerError::StoreExists { path: root.to_owned() });
        }
        let signing_key = match options.signing_key {
            Some(key) => key,
            None => keys::generate_signing_key()?,
        };
        let verifier = keys::write_key_files(&paths, &options.key_name, &signing_key)?;
        let store_id = options.store_id.unwrap_or_else(uuid::Uuid::new_v4).to_string();
        let origin = origin_for(&store_id);
        let file = open_ledger_file(&paths.ledger(), true)?;
        durable::sync_dir(paths.root())?;
        let tree = TreeFile::open_for_append(&paths.tree())?;
        let mut keys = KeyHistory::default();
        let mut ledger = Ledger {
            paths,
            _lock: lock,
            file,
            tree,
            size: 0,
            last_hash: model::digest::ZERO_HASH_HEX.to_owned(),
            last_time: None,
            keys: KeyHistory::default(),
            signer_name: options.key_name.clone(),
            signer: signing_key,
            origin: origin.clone(),
            store_id: store_id.clone(),
            clock: options.clock,
            recovery: Recovery::default(),
            poisoned: false,
        };
        let genesis = EntryDraft::new(Action::LedgerInitialized).params(json!({
            "store_id": store_id,
            "origin": origin,
            "store_format": 1,
            "key": options.key_name,
            "vkey": verifier.to_text(),
        }));
        let entries = ledger.write_entries(vec![genesis])?;
        let genesis_entry = entries.into_iter().next().expect("one entry written");
        keys.apply(&genesis_entry).map_err(|e| LedgerError::KeyState {
            name: ledger.signer_name.clone(),
            reason: e.0,
        })?;
        ledger.keys = keys;
        Ok(ledger)
    }

    /// Opens an existing store for writing: takes the lock, reads the key
    /// history, and repairs what a crash may have left (a torn final line,
    /// tree hashes behind the ledger, a checkpoint without its entry). Every
    /// repair is itself recorded in the ledger.
    pub fn open(root: &Path, options: WriterOptions) -> Result<Ledger, LedgerError> {
        let paths = StorePaths::new(root);
        if !paths.ledger().exists() {
            return Err(LedgerError::NotAStore { path: root.to_owned() });
        }
        let lock = WriterLock::acquire(&paths.lock(), options.lock_wait)?;
        let mut tree = TreeFile::open_for_append(&paths.tree())?;
        let scan = scan_ledger(&paths.ledger(), tree.records())?;
        // Everything that can refuse the store is checked before anything
        // is repaired, so that a repair is never left unrecorded.
        if tree.records() > scan.lines {
            return Err(LedgerError::Corrupt {
                path: paths.tree(),
                line: scan.lines,
                reason: format!(
                    "tree hashes cover {} lines but the ledger has only {}: lines were removed from the ledger",
                    tree.records(),
                    scan.lines
                ),
            });
        }
        let Some(last) = scan.last else {
            return Err(LedgerError::Corrupt {
                path: paths.ledger(),
                line: 1,
                reason: "the ledger has no complete entry".into(),
            });
        };
        let (signer_name, signer) = choose_signer(&paths, &scan.keys, options.key_name.as_deref())?;

        let mut recovery = Recovery::default();
        let file = open_ledger_file(&paths.ledger(), false)?;
        if let Some(torn) = &scan.torn_tail {
            recovery.torn_tail = Some(quarantine_torn_tail(&paths, scan.complete_bytes, torn)?);
            file.set_len(scan.complete_bytes)
                .map_err(LedgerError::io(paths.ledger()))?;
            file.sync_all().map_err(LedgerError::io(paths.ledger()))?;
        } else {
            // A crash between cutting a torn tail and recording it leaves
            // the quarantine file named after the ledger's current length.
            recovery.torn_tail = unrecorded_quarantine(&paths, scan.complete_bytes);
        }
        recovery.tree_lines_rebuilt = scan.missing_leaves.len() as u64;
        for leaf in &scan.missing_leaves {
            tree.push(*leaf)?;
        }
        tree.flush()?;

        let mut ledger = Ledger {
            paths,
            _lock: lock,
            file,
            tree,
            size: scan.lines,
            last_hash: last.hash.clone(),
            last_time: last.timestamp(),
            keys: scan.keys,
            signer_name,
            signer,
            origin: scan.origin,
            store_id: scan.store_id,
            clock: options.clock,
            recovery,
            poisoned: false,
        };
        if let Some(quarantined) = ledger.recovery.torn_tail.clone() {
            ledger.record_torn_tail(scan.complete_bytes, &quarantined)?;
        }
        ledger.record_pending_checkpoint(scan.newest_recorded_checkpoint)?;
        Ok(ledger)
    }

    fn record_torn_tail(&mut self, offset: u64, quarantined: &Path) -> Result<(), LedgerError> {
        let torn = fs::read(quarantined).map_err(LedgerError::io(quarantined))?;
        let relative = quarantined.strip_prefix(self.paths.root()).unwrap_or(quarantined);
        let draft = EntryDraft::new(Action::LedgerRecovered)
            .params(json!({
                "reason": "torn final line",
                "torn_offset": offset,
                "torn_bytes": torn.len(),
            }))
            .outputs(json!({
                "quarantine": relative.to_string_lossy(),
                "torn_sha256": model::digest::sha256_hex(&torn),
            }));
        self.write_entries(vec![draft])?;
        Ok(())
    }

    /// The store's paths.
    pub fn paths(&self) -> &StorePaths {
        &self.paths
    }
    /// Number of entries (= Merkle tree size).
    pub fn size(&self) -> u64 {
        self.size
    }
    /// The checkpoint origin, `driftledger/<store id>`.
    pub fn origin(&self) -> &str {
        &self.origin
    }
    /// The store's id.
    pub fn store_id(&self) -> &str {
        &self.store_id
    }
    /// The name of the key that signs new entries.
    pub fn signer_name(&self) -> &str {
        &self.signer_name
    }
    /// The key history replayed from the ledger.
    pub fn keys(&self) -> &KeyHistory {
        &self.keys
    }
    /// What opening had to repair.
    pub fn recovery(&self) -> &Recovery {
        &self.recovery
    }
    /// The hash of the newest entry.
    pub fn last_hash(&self) -> &str {
        &self.last_hash
    }
    /// The current RFC 6962 root.
    pub fn root(&self) -> Result<tlog::Hash, LedgerError> {
        self.tree.root(self.size)
    }

    /// Appends one entry and returns once it is on disk.
    pub fn append(&mut self, draft: EntryDraft) -> Result<AppendedEntry, LedgerError> {
        let mut written = self.append_batch(vec![draft])?;
        Ok(written.remove(0))
    }

    /// Appends entries with one write and one fsync (group commit).
    /// Key lifecycle, recovery and checkpoint entries have their own methods
    /// and are refused here.
    pub fn append_batch(&mut self, drafts: Vec<EntryDraft>) -> Result<Vec<AppendedEntry>, LedgerError> {
        if let Some(draft) = drafts.iter().find(|d| reserved_action(d.action)) {
            return Err(LedgerError::ReservedAction {
                action: draft.action.to_string(),
            });
        }
        let entries = self.write_entries(drafts)?;
        Ok(entries
            .iter()
            .map(|e| AppendedEntry {
                seq: e.seq,
                hash: e.hash.clone(),
            })
            .collect())
    }

    /// Generates a key `name`, writes its files and records KEY_ADDED signed
    /// by the current signer. New entries are then signed by the new key.
    pub fn add_key(&mut self, name: &str) -> Result<AppendedEntry, LedgerError> {
        if self.keys.keys().contains_key(name) {
            return Err(LedgerError::KeyState {
                name: name.into(),
                reason: "a key of this name was already added".into(),
            });
        }
        if self.paths.private_key(name).exists() || self.paths.verifier_key(name).exists() {
            return Err(LedgerError::KeyState {
                name: name.into(),
                reason: "key files of this name exist in keys/".into(),
            });
        }
        let key = keys::generate_signing_key()?;
        self.add_existing_key(name, key)
    }

    /// Records KEY_ADDED for a key the caller already holds (tests and
    /// fixtures use fixed keys), writing its files.
    pub fn add_existing_key(&mut self, name: &str, key: SigningKey) -> Result<AppendedEntry, LedgerError> {
        let verifier = keys::write_key_files(&self.paths, name, &key)?;
        let draft = EntryDraft::new(Action::KeyAdded).params(json!({"key": name, "vkey": verifier.to_text()}));
        let entry = self.write_entries(vec![draft])?.remove(0);
        self.keys.apply(&entry).map_err(|e| LedgerError::KeyState {
            name: name.into(),
            reason: e.0,
        })?;
        self.signer_name = name.to_owned();
        self.signer = key;
        Ok(AppendedEntry {
            seq: entry.seq,
            hash: entry.hash,
        })
    }

    /// Records KEY_RETIRED for `name`, signed by the current signer (which
    /// must be another key: a key does not retire itself).
    pub fn retire_key(&mut self, name: &str) -> Result<AppendedEntry, LedgerError> {
        if self.keys.active(name).is_none() {
            return Err(LedgerError::KeyState {
                name: name.into(),
                reason: "not an active key".into(),
            });
        }
        if name == self.signer_name {
            return Err(LedgerError::KeyState {
                name: name.into(),
                reason: "it is the current signing key; add or choose another key first (`keys rotate` does both)"
                    .into(),
            });
        }
        let draft = EntryDraft::new(Action::KeyRetired).params(json!({"key": name}));
        let entry = self.write_entries(vec![draft])?.remove(0);
        self.keys.apply(&entry).map_err(|e| LedgerError::KeyState {
            name: name.into(),
            reason: e.0,
        })?;
        Ok(AppendedEntry {
            seq: entry.seq,
            hash: entry.hash,
        })
    }

    /// Adds a new key `new_name` (KEY_ADDED, signed by the old key) and
    /// retires the old signer (KEY_RETIRED, signed by the new key).
    pub fn rotate(&mut self, new_name: &str) -> Result<(AppendedEntry, AppendedEntry), LedgerError> {
        let old = self.signer_name.clone();
        let added = self.add_key(new_name)?;
        let retired = self.retire_key(&old)?;
        Ok((added, retired))
    }

    /// Signs a checkpoint of the current tree, writes `checkpoints/<size>`
    /// and `checkpoint`, then records CHECKPOINT_SIGNED (whose own line is
    /// the first one the checkpoint does not cover).
    pub fn sign_checkpoint(&mut self) -> Result<WrittenCheckpoint, LedgerError> {
        let size = self.size;
        let path = self.paths.checkpoint(size);
        let note = if path.exists() {
            // Written before a crash, or the ledger has not grown since the
            // last checkpoint: never sign a second note for one size.
            fs::read_to_string(&path).map_err(LedgerError::io(&path))?
        } else {
            let checkpoint = Checkpoint {
                origin: self.origin.clone(),
                size,
                root: self.root()?,
                extensions: vec![],
            };
            let note = checkpoint
                .sign(&self.signer_name, &self.signer)
                .map_err(|e| LedgerError::KeyState {
                    name: self.signer_name.clone(),
                    reason: e.to_string(),
                })?;
            fs::create_dir_all(self.paths.checkpoints()).map_err(LedgerError::io(self.paths.checkpoints()))?;
            durable::create_file(&path, note.as_bytes(), 0o644)?;
            note
        };
        durable::replace_file(&self.paths.latest_checkpoint(), note.as_bytes())?;
        let checkpoint = self.parse_own_checkpoint(&path, &note)?;
        let entry = self
            .write_entries(vec![checkpoint_draft(&checkpoint, &note)])?
            .remove(0);
        Ok(WrittenCheckpoint {
            checkpoint,
            note,
            path,
            entry: AppendedEntry {
                seq: entry.seq,
                hash: entry.hash,
            },
        })
    }

    fn parse_own_checkpoint(&self, path: &Path, note: &str) -> Result<Checkpoint, LedgerError> {
        let verifiers = self.keys.all_verifiers();
        tlog::verify_checkpoint(note, &verifiers)
            .map(|verified| verified.checkpoint().clone())
            .map_err(|e| LedgerError::Corrupt {
                path: path.to_owned(),
                line: 1,
                reason: e.to_string(),
            })
    }

    /// The newest checkpoint file, when no entry records it, was written
    /// just before a crash: record it now. Its entry is normally the line
    /// right after the lines it covers; but when the crash also tore that
    /// line, the entry recording the torn tail comes first (and a crash
    /// may fall between the two), so the newest file is looked for, not one
    /// of the current size. A checkpoint of more lines than the ledger has
    /// is left for `verify` to report.
    fn record_pending_checkpoint(&mut self, newest_recorded: Option<u64>) -> Result<(), LedgerError> {
        let Some(size) = newest_checkpoint_file(&self.paths)? else {
            return Ok(());
        };
        if size > self.size || newest_recorded.is_some_and(|recorded| recorded >= size) {
            return Ok(());
        }
        let path = self.paths.checkpoint(size);
        let note = fs::read_to_string(&path).map_err(LedgerError::io(&path))?;
        let checkpoint = self.parse_own_checkpoint(&path, &note)?;
        durable::replace_file(&self.paths.latest_checkpoint(), note.as_bytes())?;
        self.write_entries(vec![checkpoint_draft(&checkpoint, &note)])?;
        self.recovery.checkpoint_recorded = Some(checkpoint.size);
        Ok(())
    }

    /// Seals, signs and durably appends entries; the single place where
    /// ledger bytes are written. Serialization and signing run in parallel;
    /// only the hash chain (one SHA-256 per entry) is sequential, because
    /// every entry is first serialized with a placeholder `prev`.
    fn write_entries(&mut self, drafts: Vec<EntryDraft>) -> Result<Vec<LedgerEntry>, LedgerError> {
        if self.poisoned {
            return Err(LedgerError::Corrupt {
                path: self.paths.ledger(),
                line: self.size + 1,
                reason: "an earlier write failed; reopen the store so that recovery can run".into(),
            });
        }
        let mut unsigned = Vec::with_capacity(drafts.len());
        for (offset, draft) in drafts.into_iter().enumerate() {
            let now = (self.clock)();
            let time = match self.last_time {
                Some(last) if last > now => last,
                _ => now,
            };
            self.last_time = Some(time);
            unsigned.push(UnsignedEntry {
                v: ENTRY_VERSION,
                seq: self.size + offset as u64,
                time: time.to_string(),
                action: draft.action,
                params: draft.params,
                inputs: draft.inputs,
                outputs: draft.outputs,
                prev: model::digest::ZERO_HASH_HEX.to_owned(),
                key: self.signer_name.clone(),
            });
        }
        let mut messages: Vec<String> = unsigned
            .par_iter()
            .with_min_len(8)
            .map(UnsignedEntry::signing_bytes)
            .collect::<Result<_, _>>()?;
        let mut prev = self.last_hash.clone();
        let mut hashes = Vec::with_capacity(messages.len());
        for (entry, message) in unsigned.iter_mut().zip(&mut messages) {
            if !model::entry::set_prev_in_signing_bytes(message, &prev) {
                return Err(LedgerError::Corrupt {
                    path: self.paths.ledger(),
                    line: entry.seq + 1,
                    reason: "internal: signing bytes without a prev member".into(),
                });
            }
            entry.prev = prev;
            prev = model::digest::sha256_hex(message.as_bytes());
            hashes.push(prev.clone());
        }
        let signer = &self.signer;
        let lines: Vec<(String, tlog::Hash, String)> = messages
            .par_iter()
            .zip(&hashes)
            .with_min_len(8)
            .map(|(message, hash)| {
                let sig = BASE64.encode(signer.sign(message.as_bytes()).to_bytes());
                let line = model::entry::line_from_signing_bytes(message, hash, &sig).unwrap_or_default();
                let leaf = tlog::leaf_hash(line.as_bytes());
                (line, leaf, sig)
            })
            .collect();
        let mut buffer = Vec::with_capacity(lines.iter().map(|(line, ..)| line.len() + 1).sum());
        let mut entries = Vec::with_capacity(unsigned.len());
        let mut leaves = Vec::with_capacity(unsigned.len());
        for ((entry, hash), (line, leaf, sig)) in unsigned.into_iter().zip(hashes).zip(lines) {
            buffer.extend_from_slice(line.as_bytes());
            buffer.push(b'\n');
            leaves.push(leaf);
            entries.push(entry.into_signed(hash, sig));
        }
        let path = self.paths.ledger();
        if let Err(source) = self.file.write_all(&buffer).and_then(|()| self.file.sync_data()) {
            self.poisoned = true;
            return Err(LedgerError::Io { path, source });
        }
        self.size += entries.len() as u64;
        self.last_hash = prev;
        for leaf in leaves {
            self.tree.push(leaf)?;
        }
        self.tree.flush()?;
        Ok(entries)
    }
}

fn checkpoint_draft(checkpoint: &Checkpoint, note: &str) -> EntryDraft {
    EntryDraft::new(Action::CheckpointSigned)
        .params(json!({
            "origin": checkpoint.origin,
            "size": checkpoint.size,
            "root": BASE64.encode(checkpoint.root),
        }))
        .outputs(json!({
            "checkpoint": format!("checkpoints/{}", checkpoint.size),
            "note_sha256": model::digest::sha256_hex(note.as_bytes()),
        }))
}

fn reserved_action(action: Action) -> bool {
    matches!(
        action,
        Action::LedgerInitialized
            | Action::KeyAdded
            | Action::KeyRetired
            | Action::LedgerRecovered
            | Action::CheckpointSigned
    )
}

fn open_ledger_file(path: &Path, create_new: bool) -> Result<File, LedgerError> {
    OpenOptions::new()
        .append(true)
        .create_new(create_new)
        .open(path)
        .map_err(LedgerError::io(path))
}

fn choose_signer(
    paths: &StorePaths,
    history: &KeyHistory,
    wanted: Option<&str>,
) -> Result<(String, SigningKey), LedgerError> {
    let candidates: Vec<&str> = match wanted {
        Some(name) => {
            if history.active(name).is_none() {
                return Err(LedgerError::KeyState {
                    name: name.into(),
                    reason: "not an active key of this ledger".into(),
                });
            }
            vec![name]
        }
        None => history.active_newest_first(),
    };
    for name in &candidates {
        let path = paths.private_key(name);
        if !path.exists() {
            continue;
        }
        let key = keys::load_signing_key(&path)?;
        let recorded = history.active(name).expect("candidate is active");
        if recorded.public_key() != &key.verifying_key() {
            return Err(LedgerError::KeyFile {
                path,
                reason: format!("this private key is not the key {name:?} recorded in the ledger"),
            });
        }
        return Ok(((*name).to_owned(), key));
    }
    Err(LedgerError::NoSigningKey {
        dir: paths.keys(),
        active: candidates.join(", "),
    })
}

/// What the writer needs from a pass over the ledger.
struct LedgerScan {
    lines: u64,
    complete_bytes: u64,
    torn_tail: Option<Vec<u8>>,
    last: Option<LedgerEntry>,
    keys: KeyHistory,
    origin: String,
    store_id: String,
    missing_leaves: Vec<tlog::Hash>,
    /// The largest size a CHECKPOINT_SIGNED entry records.
    newest_recorded_checkpoint: Option<u64>,
}

/// Reads every line once: only key events and the genesis entry are parsed
/// (the writer trusts its own store; `ledger verify` is the place for a full
/// check), and leaf hashes are computed only for lines the tree lacks.
fn scan_ledger(path: &Path, tree_records: u64) -> Result<LedgerScan, LedgerError> {
    let file = File::open(path).map_err(LedgerError::io(path))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut scan = LedgerScan {
        lines: 0,
        complete_bytes: 0,
        torn_tail: None,
        last: None,
        keys: KeyHistory::default(),
        origin: String::new(),
        store_id: String::new(),
        missing_leaves: Vec::new(),
        newest_recorded_checkpoint: None,
    };
    let mut line = Vec::new();
    let mut last_line = Vec::new();
    loop {
        line.clear();
        let read = reader.read_until(b'\n', &mut line).map_err(LedgerError::io(path))?;
        if read == 0 {
            break;
        }
        if line.last() != Some(&b'\n') {
            scan.torn_tail = Some(line.clone());
            break;
        }
        let content = &line[..line.len() - 1];
        let corrupt = |reason: String| LedgerError::Corrupt {
            path: path.to_owned(),
            line: scan.lines + 1,
            reason,
        };
        if scan.lines == 0 || content.starts_with(b"{\"action\":\"KEY_") {
            let text = std::str::from_utf8(content).map_err(|e| corrupt(e.to_string()))?;
            let entry = LedgerEntry::parse_line(text).map_err(|e| corrupt(e.to_string()))?;
            if scan.lines == 0 {
                scan.origin = entry
                    .params
                    .get("origin")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                scan.store_id = entry
                    .params
                    .get("store_id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
            }
            scan.keys.apply(&entry).map_err(|e| corrupt(e.0))?;
        }
        // Canonical JSON puts `action` first, so a checkpoint's entry is
        // known by its opening bytes, and only those few lines are parsed.
        if content.starts_with(b"{\"action\":\"CHECKPOINT_SIGNED\"") {
            let text = std::str::from_utf8(content).map_err(|e| corrupt(e.to_string()))?;
            let entry = LedgerEntry::parse_line(text).map_err(|e| corrupt(e.to_string()))?;
            let size = entry.params.get("size").and_then(Value::as_u64);
            scan.newest_recorded_checkpoint = scan.newest_recorded_checkpoint.max(size);
        }
        if scan.lines >= tree_records {
            scan.missing_leaves.push(tlog::leaf_hash(content));
        }
        scan.lines += 1;
        scan.complete_bytes += line.len() as u64;
        std::mem::swap(&mut line, &mut last_line);
    }
    if scan.lines > 0 {
        let content = &last_line[..last_line.len() - 1];
        let text = std::str::from_utf8(content).map_err(|e| LedgerError::Corrupt {
            path: path.to_owned(),
            line: scan.lines,
            reason: e.to_string(),
        })?;
        scan.last = Some(LedgerEntry::parse_line(text).map_err(|e| LedgerError::Corrupt {
            path: path.to_owned(),
            line: scan.lines,
            reason: e.to_string(),
        })?);
    }
    Ok(scan)
}

/// The largest size among the files of `checkpoints/`, if any.
fn newest_checkpoint_file(paths: &StorePaths) -> Result<Option<u64>, LedgerError> {
    let dir = paths.checkpoints();
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(LedgerError::io(&dir)(error)),
    };
    let mut newest = None;
    for entry in entries {
        let entry = entry.map_err(LedgerError::io(&dir))?;
        if let Some(size) = entry.file_name().to_str().and_then(|name| name.parse::<u64>().ok()) {
            newest = newest.max(Some(size));
        }
    }
    Ok(newest)
}

/// The name every quarantined torn tail starts with; the offset it was cut at follows.
const TORN_PREFIX: &str = "ledger-torn-at-";

fn quarantine_torn_tail(paths: &StorePaths, offset: u64, torn: &[u8]) -> Result<PathBuf, LedgerError> {
    let dir = paths.quarantine();
    fs::create_dir_all(&dir).map_err(LedgerError::io(&dir))?;
    let path = dir.join(format!(
        "{TORN_PREFIX}{offset}-{}.bin",
        &model::digest::sha256_hex(torn)[..16]
    ));
    if !path.exists() {
        durable::create_file(&path, torn, 0o644)?;
    }
    Ok(path)
}

/// A quarantined torn tail cut at `offset` that no entry records yet: the
/// ledger still ends exactly where the tail was cut off.
fn unrecorded_quarantine(paths: &StorePaths, offset: u64) -> Option<PathBuf> {
    let prefix = format!("{TORN_PREFIX}{offset}-");
    let listing = fs::read_dir(paths.quarantine()).ok()?;
    let mut names: Vec<String> = listing
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix) && n.ends_with(".bin"))
        .collect();
    names.sort();
    names.first().map(|name| paths.quarantine().join(name))
}
