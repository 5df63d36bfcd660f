//! The ledger entry: one action, one canonical JSON line, signed.
//!
//! ```text
//! {"action":"BASELINE_TRAINED","hash":"<hex>","inputs":{…},"key":"ledger-1","outputs":{…},
//!  "params":{…},"prev":"<hex of entry seq-1, or 64 zeros>","seq":7,"sig":"<base64>",
//!  "time":"2026-11-21T10:00:00.123Z","v":1}
//! ```
//!
//! `hash` is SHA-256 of the canonical bytes of the entry without `hash` and
//! `sig` ([`UnsignedEntry::signing_bytes`]); `sig` is an Ed25519 signature
//! over those same bytes, so `openssl pkeyutl -verify -rawin` can check it.

use crate::canonical::{self, CanonicalError};
use crate::digest;
use crate::time::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// The entry format version this code writes and reads.
pub const ENTRY_VERSION: u32 = 1;

/// A JSON object as carried in `params`, `inputs` and `outputs`.
pub type Object = Map<String, Value>;

/// What an entry records. The wire spelling is the upper-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum Action {
    /// The genesis entry: store id, origin and the genesis key.
    LedgerInitialized,
    /// A key joined the set of keys allowed to sign (`params.key`, `params.vkey`).
    KeyAdded,
    /// A key left the set of keys allowed to sign (`params.key`).
    KeyRetired,
    /// A torn final line was moved aside after a crash.
    LedgerRecovered,
    /// Events were ingested from one input file.
    EventsIngested,
    /// Identities were registered.
    IdentitiesRegistered,
    /// Baselines were trained.
    BaselineTrained,
    /// Events were scored against baselines.
    ScoresComputed,
    /// A behaviour profile was built.
    ProfileBuilt,
    /// Behavioural drift deltas were computed.
    UbaDeltaComputed,
    /// Drift deltas were exported.
    UbaDeltaExported,
    /// A drift delta summary was built.
    UbaDeltaSummaryBuilt,
    /// A detector was trained.
    ModelTrained,
    /// Findings were recorded.
    FindingsRecorded,
    /// A report was written.
    ReportBuilt,
    /// A checkpoint of the ledger was signed.
    CheckpointSigned,
    /// The validator ran and recorded its verdict.
    ValidationRun,
    /// Record lines that no ledger entry accounted for (a crash between
    /// writing records and recording them) were moved to quarantine.
    RecordsRecovered,
    /// A free-form annotation by an operator (used by the demo and tests).
    Note,
}

impl Action {
    /// The wire spelling, e.g. `CHECKPOINT_SIGNED`.
    pub fn as_str(&self) -> String {
        match serde_json::to_value(self) {
            Ok(Value::String(name)) => name,
            _ => format!("{self:?}"),
        }
    }

    /// Parses the wire spelling.
    pub fn parse(name: &str) -> Option<Action> {
        serde_json::from_value(Value::String(name.to_owned())).ok()
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

/// An entry before it is hashed and signed: exactly the signed members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnsignedEntry {
    /// Format version, [`ENTRY_VERSION`].
    pub v: u32,
    /// Position in the ledger, from 0; equals the Merkle leaf index.
    pub seq: u64,
    /// When the action was recorded, `YYYY-MM-DDTHH:MM:SS[.f]Z`.
    pub time: String,
    /// What was done.
    pub action: Action,
    /// Every parameter that affected the outputs.
    pub params: Object,
    /// What the action read (files, batches, hashes).
    pub inputs: Object,
    /// What the action produced (record files, counts, Merkle roots).
    pub outputs: Object,
    /// `hash` of the previous entry, or 64 zeros for seq 0.
    pub prev: String,
    /// Name of the key that signs this entry.
    pub key: String,
}

/// One signed line of the ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "driftledger ledger entry, version 1")]
pub struct LedgerEntry {
    /// Format version, [`ENTRY_VERSION`].
    #[schemars(range(min = 1, max = 1))]
    pub v: u32,
    /// Position in the ledger, from 0; equals the Merkle leaf index.
    #[schemars(range(max = 9007199254740991u64))]
    pub seq: u64,
    /// When the action was recorded, `YYYY-MM-DDTHH:MM:SS[.f]Z`.
    #[schemars(regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z$"))]
    pub time: String,
    /// What was done. The schema admits any upper-case name, so that the
    /// vocabulary of actions can grow without a new entry format.
    #[schemars(with = "String", regex(pattern = r"^[A-Z][A-Z0-9_]*$"))]
    pub action: Action,
    /// Every parameter that affected the outputs.
    pub params: Object,
    /// What the action read.
    pub inputs: Object,
    /// What the action produced.
    pub outputs: Object,
    /// `hash` of the previous entry, or 64 zeros for seq 0.
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    pub prev: String,
    /// Name of the key that signed this entry.
    #[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"))]
    pub key: String,
    /// SHA-256 hex of [`UnsignedEntry::signing_bytes`].
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    pub hash: String,
    /// Standard padded base64 of the Ed25519 signature over the same bytes.
    #[schemars(regex(pattern = r"^[A-Za-z0-9+/]{86}==$"))]
    pub sig: String,
}

/// Why a ledger line could not be read as an entry.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum EntryError {
    /// The line is not a JSON object of the entry's shape.
    #[error("not a ledger entry: {reason}")]
    Malformed {
        /// What the parser expected and found.
        reason: String,
    },
    /// A member has the right type but an invalid value.
    #[error("field `{field}`: expected {expected}, found {found:?}")]
    InvalidField {
        /// The member's name.
        field: &'static str,
        /// What was expected.
        expected: &'static str,
        /// What was found.
        found: String,
    },
    /// The entry's content has no canonical form.
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
}

impl UnsignedEntry {
    /// The bytes that are hashed and signed: RFC 8785 canonical JSON of this entry.
    pub fn signing_bytes(&self) -> Result<String, CanonicalError> {
        check_members(self.seq, &self.params, &self.inputs, &self.outputs)?;
        canonical::to_canonical_string_prechecked(self)
    }

    /// Attaches a hash and signature, making the entry complete.
    pub fn into_signed(self, hash: String, sig: String) -> LedgerEntry {
        LedgerEntry {
            v: self.v,
            seq: self.seq,
            time: self.time,
            action: self.action,
            params: self.params,
            inputs: self.inputs,
            outputs: self.outputs,
            prev: self.prev,
            key: self.key,
            hash,
            sig,
        }
    }
}

/// Builds the stored line from the signing bytes without serializing the
/// entry again. In RFC 8785 member order `hash` directly follows `action`
/// and `sig` directly precedes `time`; removing or inserting whole members
/// of a canonical object keeps it canonical, so the result is exactly
/// `LedgerEntry::to_line()` (a property the tests check).
pub fn line_from_signing_bytes(signing_bytes: &str, hash: &str, sig: &str) -> Option<String> {
    let after_action = signing_bytes.strip_prefix("{\"action\":\"")?.find('"')? + "{\"action\":\"".len() + 2;
    let time_member = signing_bytes.rfind(",\"time\":\"")? + 1;
    let mut line = String::with_capacity(signing_bytes.len() + hash.len() + sig.len() + 20);
    line.push_str(&signing_bytes[..after_action]);
    line.push_str("\"hash\":\"");
    line.push_str(hash);
    line.push_str("\",");
    line.push_str(&signing_bytes[after_action..time_member]);
    line.push_str("\"sig\":\"");
    line.push_str(sig);
    line.push_str("\",");
    line.push_str(&signing_bytes[time_member..]);
    Some(line)
}

/// The inverse of [`line_from_signing_bytes`]: the signed bytes of a
/// canonical line, by removing its `hash` and `sig` members. Only meaningful
/// for a line already known to be canonical.
pub fn signing_bytes_from_line(line: &str) -> Option<String> {
    let after_action = line.strip_prefix("{\"action\":\"")?.find('"')? + "{\"action\":\"".len() + 2;
    let hash_member = line.get(after_action..after_action + 8 + 64 + 2)?;
    if !hash_member.starts_with("\"hash\":\"") || !hash_member.ends_with("\",") {
        return None;
    }
    let time_member = line.rfind(",\"time\":\"")? + 1;
    let sig_start = time_member.checked_sub(7 + 88 + 2)?;
    let sig_member = line.get(sig_start..time_member)?;
    if !sig_member.starts_with("\"sig\":\"") || !sig_member.ends_with("\",") {
        return None;
    }
    let mut bytes = String::with_capacity(line.len());
    bytes.push_str(&line[..after_action]);
    bytes.push_str(&line[after_action + hash_member.len()..sig_start]);
    bytes.push_str(&line[time_member..]);
    Some(bytes)
}

/// Replaces the value of the top-level `prev` member in signing bytes (it is
/// always 64 hex digits), so entries can be serialized before the hash of
/// their predecessor is known. `prev` is the last member before `seq`,
/// `time` and `v`, none of which can contain its key, hence the search
/// from the end.
pub fn set_prev_in_signing_bytes(signing_bytes: &mut String, prev: &str) -> bool {
    let key = ",\"prev\":\"";
    match signing_bytes.rfind(key) {
        Some(at) if prev.len() == 64 && signing_bytes.len() >= at + key.len() + 64 => {
            let start = at + key.len();
            signing_bytes.replace_range(start..start + 64, prev);
            true
        }
        _ => false,
    }
}

impl LedgerEntry {
    /// Parses one ledger line (without its newline) and checks the spelling of
    /// every member. It does not check that the line is canonical, nor any hash
    /// or signature: that is the verifier's work.
    pub fn parse_line(line: &str) -> Result<LedgerEntry, EntryError> {
        let entry: LedgerEntry =
            serde_json::from_str(line).map_err(|e| EntryError::Malformed { reason: e.to_string() })?;
        entry.check_spelling()?;
        Ok(entry)
    }

    /// The entry without `hash` and `sig`: what was signed.
    pub fn unsigned(&self) -> UnsignedEntry {
        UnsignedEntry {
            v: self.v,
            seq: self.seq,
            time: self.time.clone(),
            action: self.action,
            params: self.params.clone(),
            inputs: self.inputs.clone(),
            outputs: self.outputs.clone(),
            prev: self.prev.clone(),
            key: self.key.clone(),
        }
    }

    /// The canonical line (without newline) that stores this entry.
    pub fn to_line(&self) -> Result<String, CanonicalError> {
        check_members(self.seq, &self.params, &self.inputs, &self.outputs)?;
        canonical::to_canonical_string_prechecked(self)
    }

    /// The parsed `time` member.
    pub fn timestamp(&self) -> Option<Timestamp> {
        Timestamp::parse(&self.time).ok()
    }

    fn check_spelling(&self) -> Result<(), EntryError> {
        let invalid = |field, expected, found: &str| {
            Err(EntryError::InvalidField {
                field,
                expected,
                found: found.to_owned(),
            })
        };
        if self.v != ENTRY_VERSION {
            return invalid("v", "1", &self.v.to_string());
        }
        if Timestamp::parse(&self.time).is_err() {
            return invalid("time", "YYYY-MM-DDTHH:MM:SS[.f]Z", &self.time);
        }
        if !digest::is_hash_hex(&self.prev) {
            return invalid("prev", "64 lowercase hex digits", &self.prev);
        }
        if !digest::is_hash_hex(&self.hash) {
            return invalid("hash", "64 lowercase hex digits", &self.hash);
        }
        if !is_key_name(&self.key) {
            return invalid("key", "a key name [A-Za-z0-9][A-Za-z0-9._-]*", &self.key);
        }
        if self.sig.len() != 88 || !self.sig.ends_with("==") {
            return invalid("sig", "88 characters of padded base64 (64 bytes)", &self.sig);
        }
        // An entry this code could not write is not an entry.
        check_members(self.seq, &self.params, &self.inputs, &self.outputs)?;
        Ok(())
    }
}

/// The number checks of [`canonical::to_canonical_string`], done on the
/// entry's parts in place: serializing an entry through a `Value` would copy
/// every member, and entries are written and verified by the million.
fn check_members(seq: u64, params: &Object, inputs: &Object, outputs: &Object) -> Result<(), CanonicalError> {
    if seq > canonical::MAX_SAFE_INTEGER {
        return Err(CanonicalError::UnsafeInteger {
            value: seq.to_string(),
            path: "/seq".into(),
        });
    }
    canonical::check_object("params", params)?;
    canonical::check_object("inputs", inputs)?;
    canonical::check_object("outputs", outputs)
}

/// Whether `name` is a valid key name: `[A-Za-z0-9][A-Za-z0-9._-]*`. Key names
/// are also file names and C2SP note key names, hence the narrow alphabet.
pub fn is_key_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphanumeric())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}
