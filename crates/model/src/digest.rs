//! SHA-256 content hashes as they appear on the wire: 64 lowercase hex digits.

use sha2::{Digest, Sha256};

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// SHA-256 of `bytes` as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha256(bytes))
}

/// Whether `text` is 64 lowercase hex digits, the only accepted spelling of a hash.
pub fn is_hash_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The `prev` of the first ledger entry: 64 zeros.
pub const ZERO_HASH_HEX: &str = "0000000000000000000000000000000000000000000000000000000000000000";
