//! The proof files: one line of JSON each, in exactly one spelling.
//!
//! ```text
//! {"leaf_index":5,"tree_size":21,"leaf_hash":"<b64>","hashes":["<b64>",...]}
//! {"old_size":8,"new_size":14,"old_root":"<b64>","new_root":"<b64>","hashes":["<b64>",...]}
//! ```
//!
//! Hashes are standard padded base64 of 32 bytes; sizes and indices are JSON
//! integers. Reading is strict: every member required, no unknown or
//! repeated member, no hex, no url-safe or unpadded base64, no negative or
//! fractional numbers.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use crate::hash::{Hash, HashTextError, hash_from_base64, hash_to_base64};
use crate::proof::{ProofError, verify_consistency, verify_inclusion};

/// Proof that the record with leaf hash `leaf_hash` is record `leaf_index` of
/// the tree of `tree_size` records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionProof {
    /// 0-based record index (the ledger's `seq`).
    pub leaf_index: u64,
    /// Size of the tree the proof is against.
    pub tree_size: u64,
    /// `SHA-256(0x00 || record bytes)`.
    pub leaf_hash: Hash,
    /// RFC 9162 §2.1.3.1 `PATH`, leaf-to-root.
    pub hashes: Vec<Hash>,
}

/// Proof that the tree of `old_size` records with root `old_root` is a prefix
/// of the tree of `new_size` records with root `new_root`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsistencyProof {
    /// Size of the older tree (at least 1).
    pub old_size: u64,
    /// Size of the newer tree.
    pub new_size: u64,
    /// Root of the older tree.
    pub old_root: Hash,
    /// Root of the newer tree.
    pub new_root: Hash,
    /// RFC 9162 §2.1.4.1 `PROOF`, in RFC order, without the old root.
    pub hashes: Vec<Hash>,
}

/// Either kind of proof file, told apart by its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// A file with `leaf_index`.
    Inclusion(InclusionProof),
    /// A file with `old_size`.
    Consistency(ConsistencyProof),
}

/// Why a text is not a proof file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofFormatError {
    /// Not one JSON object.
    #[error("invalid json at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the JSON parser expected.
        message: String,
    },
    /// Neither `leaf_index` (inclusion) nor `old_size` (consistency) is present.
    #[error("proof has neither \"leaf_index\" nor \"old_size\", so its kind is unknown")]
    UnknownKind,
    /// A required member is absent.
    #[error("missing member \"{field}\"")]
    MissingField {
        /// The member name.
        field: &'static str,
    },
    /// A member that this kind of proof does not have.
    #[error("unknown member \"{field}\"")]
    UnknownField {
        /// The member name.
        field: String,
    },
    /// A member given twice (JSON parsers disagree on which one wins).
    #[error("member \"{field}\" appears more than once")]
    DuplicateField {
        /// The member name.
        field: String,
    },
    /// A member of the wrong JSON type.
    #[error("member \"{field}\" must be {expected}, found {found}")]
    WrongType {
        /// The member name (with `[i]` for array elements).
        field: String,
        /// The expected JSON type.
        expected: &'static str,
        /// The value found.
        found: String,
    },
    /// A size or index that is negative, fractional or too large.
    #[error("member \"{field}\" must be an integer from 0 to 2^64-1, found {found}")]
    NotUnsignedInteger {
        /// The member name.
        field: &'static str,
        /// The number found.
        found: String,
    },
    /// A hash that is not standard padded base64 of 32 bytes.
    #[error("member \"{field}\": {reason}")]
    BadHash {
        /// The member name (with `[i]` for array elements).
        field: String,
        /// What is wrong with it.
        reason: HashTextError,
    },
}

impl InclusionProof {
    /// The one-line JSON form, members in fixed order, no spaces, no newline.
    pub fn to_json(&self) -> String {
        format!(
            r#"{{"leaf_index":{},"tree_size":{},"leaf_hash":"{}","hashes":{}}}"#,
            self.leaf_index,
            self.tree_size,
            hash_to_base64(&self.leaf_hash),
            hashes_to_json(&self.hashes)
        )
    }

    /// Parses the JSON form strictly (see the module docs).
    pub fn from_json(text: &str) -> Result<Self, ProofFormatError> {
        Self::from_members(Members::parse(text)?)
    }

    /// Checks the proof against `root`, the root of the tree of `tree_size` records
    /// (taken from a verified checkpoint of that size, never from the proof file).
    pub fn verify(&self, root: &Hash) -> Result<(), ProofError> {
        verify_inclusion(self.leaf_index, self.tree_size, &self.leaf_hash, &self.hashes, root)
    }

    fn from_members(mut members: Members) -> Result<Self, ProofFormatError> {
        members.only(&["leaf_index", "tree_size", "leaf_hash", "hashes"])?;
        Ok(Self {
            leaf_index: members.take_u64("leaf_index")?,
            tree_size: members.take_u64("tree_size")?,
            leaf_hash: members.take_hash("leaf_hash")?,
            hashes: members.take_hashes("hashes")?,
        })
    }
}

impl ConsistencyProof {
    /// The one-line JSON form, members in fixed order, no spaces, no newline.
    pub fn to_json(&self) -> String {
        format!(
            r#"{{"old_size":{},"new_size":{},"old_root":"{}","new_root":"{}","hashes":{}}}"#,
            self.old_size,
            self.new_size,
            hash_to_base64(&self.old_root),
            hash_to_base64(&self.new_root),
            hashes_to_json(&self.hashes)
        )
    }

    /// Parses the JSON form strictly (see the module docs).
    pub fn from_json(text: &str) -> Result<Self, ProofFormatError> {
        Self::from_members(Members::parse(text)?)
    }

    /// Checks the proof against its own roots. It proves something only when
    /// both roots are authenticated, e.g. by verified checkpoints of both sizes.
    pub fn verify(&self) -> Result<(), ProofError> {
        verify_consistency(
            self.old_size,
            self.new_size,
            &self.old_root,
            &self.new_root,
            &self.hashes,
        )
    }

    fn from_members(mut members: Members) -> Result<Self, ProofFormatError> {
        members.only(&["old_size", "new_size", "old_root", "new_root", "hashes"])?;
        Ok(Self {
            old_size: members.take_u64("old_size")?,
            new_size: members.take_u64("new_size")?,
            old_root: members.take_hash("old_root")?,
            new_root: members.take_hash("new_root")?,
            hashes: members.take_hashes("hashes")?,
        })
    }
}

impl Proof {
    /// Parses either kind strictly: `leaf_index` makes it an inclusion proof,
    /// `old_size` a consistency proof.
    pub fn from_json(text: &str) -> Result<Self, ProofFormatError> {
        let members = Members::parse(text)?;
        if members.has("leaf_index") {
            InclusionProof::from_members(members).map(Proof::Inclusion)
        } else if members.has("old_size") {
            ConsistencyProof::from_members(members).map(Proof::Consistency)
        } else {
            Err(ProofFormatError::UnknownKind)
        }
    }

    /// The one-line JSON form of the proof.
    pub fn to_json(&self) -> String {
        match self {
            Proof::Inclusion(proof) => proof.to_json(),
            Proof::Consistency(proof) => proof.to_json(),
        }
    }
}

fn hashes_to_json(hashes: &[Hash]) -> String {
    let quoted: Vec<String> = hashes
        .iter()
        .map(|hash| format!("\"{}\"", hash_to_base64(hash)))
        .collect();
    format!("[{}]", quoted.join(","))
}

/// The members of a JSON object in document order, repeats kept, so that a
/// repeated member is an error instead of silently last-wins.
struct Members(Vec<(String, Value)>);

impl Members {
    fn parse(text: &str) -> Result<Self, ProofFormatError> {
        serde_json::from_str(text).map_err(|error| {
            let message = error.to_string();
            // serde_json appends the position, which the variant already carries.
            let position = format!(" at line {} column {}", error.line(), error.column());
            ProofFormatError::Json {
                line: error.line(),
                column: error.column(),
                message: message.strip_suffix(&position).unwrap_or(&message).to_owned(),
            }
        })
    }

    fn has(&self, field: &str) -> bool {
        self.0.iter().any(|(name, _)| name == field)
    }

    /// Rejects repeated members and members outside `allowed`.
    fn only(&self, allowed: &[&str]) -> Result<(), ProofFormatError> {
        for (position, (name, _)) in self.0.iter().enumerate() {
            if !allowed.contains(&name.as_str()) {
                return Err(ProofFormatError::UnknownField { field: name.clone() });
            }
            if self.0[..position].iter().any(|(earlier, _)| earlier == name) {
                return Err(ProofFormatError::DuplicateField { field: name.clone() });
            }
        }
        Ok(())
    }

    fn take(&mut self, field: &'static str) -> Result<Value, ProofFormatError> {
        let position = self
            .0
            .iter()
            .position(|(name, _)| name == field)
            .ok_or(ProofFormatError::MissingField { field })?;
        Ok(self.0.swap_remove(position).1)
    }

    fn take_u64(&mut self, field: &'static str) -> Result<u64, ProofFormatError> {
        match self.take(field)? {
            Value::Number(number) => number.as_u64().ok_or_else(|| ProofFormatError::NotUnsignedInteger {
                field,
                found: number.to_string(),
            }),
            other => Err(wrong_type(field.to_owned(), "an integer", &other)),
        }
    }

    fn take_hash(&mut self, field: &'static str) -> Result<Hash, ProofFormatError> {
        let value = self.take(field)?;
        hash_value(field.to_owned(), &value)
    }

    fn take_hashes(&mut self, field: &'static str) -> Result<Vec<Hash>, ProofFormatError> {
        match self.take(field)? {
            Value::Array(values) => values
                .iter()
                .enumerate()
                .map(|(position, value)| hash_value(format!("{field}[{position}]"), value))
                .collect(),
            other => Err(wrong_type(field.to_owned(), "an array of hashes", &other)),
        }
    }
}

fn hash_value(field: String, value: &Value) -> Result<Hash, ProofFormatError> {
    match value {
        Value::String(text) => hash_from_base64(text).map_err(|reason| ProofFormatError::BadHash { field, reason }),
        other => Err(wrong_type(field, "a base64 string", other)),
    }
}

fn wrong_type(field: String, expected: &'static str, found: &Value) -> ProofFormatError {
    ProofFormatError::WrongType {
        field,
        expected,
        found: found.to_string(),
    }
}

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;

        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a json object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, Value>()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }

        deserializer.deserialize_map(MembersVisitor)
    }
}
