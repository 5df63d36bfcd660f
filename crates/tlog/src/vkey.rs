//! C2SP verifier keys (`<name>+<key id>+<base64 key>`), key ids and key names.
//!
//! ```text
//! alpha+bf1aa05d+AbxKyeRDVQPpTRdTYMySjquH9skJtpR1Y++41fwYfGns
//! ```
//!
//! The key id is `SHA-256(name || 0x0A || 0x01 || public key)[:4]`, written as
//! 8 lowercase hex digits; the key is `base64(0x01 || public key)`, where
//! `0x01` names the Ed25519 algorithm.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::VerifyingKey;
use sha2::{Digest as _, Sha256};

use crate::note::NoteError;

/// C2SP signed-note algorithm byte of Ed25519.
pub(crate) const ALGORITHM_ED25519: u8 = 0x01;

/// A named Ed25519 public key that can verify notes: a trust anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    key: VerifyingKey,
    key_id: [u8; 4],
}

impl VerifierKey {
    /// A verifier key for `key` under `name`.
    ///
    /// Refuses names outside [`is_valid_key_name`] and small-order ("weak")
    /// keys, for which a signature can verify without the key holder.
    pub fn new(name: &str, key: VerifyingKey) -> Result<Self, NoteError> {
        if !is_valid_key_name(name) {
            return Err(NoteError::InvalidKeyName { name: name.to_owned() });
        }
        if key.is_weak() {
            return Err(NoteError::WeakKey { name: name.to_owned() });
        }
        Ok(Self {
            name: name.to_owned(),
            key_id: key_id(name, &key),
            key,
        })
    }

    /// Parses the text form, without a trailing newline (a `.vkey` file is the
    /// text form plus one `\n`, which the caller strips).
    ///
    /// Strict: lowercase hex key id, standard padded base64, Ed25519 only, and
    /// the written key id must be the one the name and key give.
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let malformed = |reason: &'static str| NoteError::MalformedVerifierKey {
            text: text.to_owned(),
            reason,
        };
        let mut parts = text.splitn(3, '+');
        let (Some(name), Some(id_hex), Some(key_base64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(malformed("expected <name>+<key id>+<key>"));
        };
        if !is_valid_key_name(name) {
            return Err(NoteError::InvalidKeyName { name: name.to_owned() });
        }
        if id_hex.len() != 8 || !id_hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(malformed("key id is not 8 lowercase hex digits"));
        }
        let key_bytes = STANDARD
            .decode(key_base64)
            .map_err(|_| malformed("key is not standard padded base64"))?;
        let Some((&algorithm, public)) = key_bytes.split_first() else {
            return Err(malformed("key is empty"));
        };
        if algorithm != ALGORITHM_ED25519 {
            return Err(NoteError::UnsupportedAlgorithm {
                name: name.to_owned(),
                algorithm,
            });
        }
        let public: &[u8; 32] = public
            .try_into()
            .map_err(|_| malformed("ed25519 key is not 32 bytes"))?;
        let key = VerifyingKey::from_bytes(public).map_err(|_| malformed("not a valid ed25519 public key"))?;
        let verifier = Self::new(name, key)?;
        let computed = hex::encode(verifier.key_id);
        if computed != id_hex {
            return Err(NoteError::VerifierKeyIdMismatch {
                name: name.to_owned(),
                written: id_hex.to_owned(),
                computed,
            });
        }
        Ok(verifier)
    }

    /// The text form `<name>+<8 hex>+<base64(0x01 || key)>`, without newline.
    pub fn to_text(&self) -> String {
        let mut key_bytes = Vec::with_capacity(33);
        key_bytes.push(ALGORITHM_ED25519);
        key_bytes.extend_from_slice(self.key.as_bytes());
        format!(
            "{}+{}+{}",
            self.name,
            hex::encode(self.key_id),
            STANDARD.encode(key_bytes)
        )
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The 4-byte key id that signatures by this key carry.
    pub fn key_id(&self) -> [u8; 4] {
        self.key_id
    }

    /// The Ed25519 public key.
    pub fn public_key(&self) -> &VerifyingKey {
        &self.key
    }
}

/// Whether `name` is acceptable as our key name: `[A-Za-z0-9][A-Za-z0-9._-]*`.
///
/// Stricter than C2SP (which only forbids spaces and `+`), because a key name
/// is also a file name (`keys/<name>.vkey`).
pub fn is_valid_key_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|first| first.is_ascii_alphanumeric())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// C2SP key id of an Ed25519 key: `SHA-256(name || 0x0A || 0x01 || key)[:4]`.
pub fn key_id(name: &str, key: &VerifyingKey) -> [u8; 4] {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update([b'\n', ALGORITHM_ED25519]);
    hasher.update(key.as_bytes());
    let digest = hasher.finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    fn check_name(name: &str, expect: bool) {
        assert_eq!(is_valid_key_name(name), expect, "{name:?}");
    }

    #[test]
    fn key_names() {
        check_name("alpha", true);
        check_name("A", true);
        check_name("0key", true);
        check_name("log-1.key_2", true);
        check_name("", false);
        check_name(".hidden", false);
        check_name("-dash", false);
        check_name("_under", false);
        check_name("a b", false);
        check_name("a+b", false);
        check_name("host/path", false);
        check_name("ключ", false);
        check_name("a\n", false);
    }

    fn sample_key() -> VerifyingKey {
        SigningKey::from_bytes(&[3u8; 32]).verifying_key()
    }

    fn check_parse(text: &str, expect: Result<(), &str>) {
        let got = VerifierKey::parse(text).map(|_| ()).map_err(|e| e.to_string());
        match expect {
            Ok(()) => assert_eq!(got, Ok(()), "{text:?}"),
            Err(fragment) => {
                let message = got.expect_err(text);
                assert!(message.contains(fragment), "{text:?}: {message}");
            }
        }
    }

    #[test]
    fn parse_round_trips_and_is_strict() {
        let good = VerifierKey::new("k", sample_key()).unwrap().to_text();
        check_parse(&good, Ok(()));
        assert_eq!(VerifierKey::parse(&good).unwrap().to_text(), good);
        let (name, rest) = good.split_once('+').unwrap();
        let (id, key) = rest.split_once('+').unwrap();
        check_parse(&format!("{good}\n"), Err("not standard padded base64"));
        check_parse(&format!("{name}+{}+{key}", id.to_uppercase()), Err("8 lowercase hex"));
        check_parse(&format!("{name}+{}+{key}", &id[..6]), Err("8 lowercase hex"));
        check_parse(&format!("{name}+{id}"), Err("expected <name>+<key id>+<key>"));
        check_parse(&format!("other+{id}+{key}"), Err("key id"));
        check_parse(&format!(" {good}"), Err("invalid key name"));
        check_parse(&format!("{name}+{id}+{}", &key[..key.len() - 1]), Err("base64"));
        let mut raw = STANDARD.decode(key).unwrap();
        raw[0] = 0x02;
        check_parse(&format!("{name}+{id}+{}", STANDARD.encode(&raw)), Err("algorithm 2"));
        raw[0] = ALGORITHM_ED25519;
        raw.pop();
        check_parse(&format!("{name}+{id}+{}", STANDARD.encode(&raw)), Err("not 32 bytes"));
    }

    #[test]
    fn weak_keys_are_refused() {
        // The identity point: every signature "verifies" under a small-order key.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let weak = VerifyingKey::from_bytes(&identity).unwrap();
        assert!(matches!(VerifierKey::new("weak", weak), Err(NoteError::WeakKey { .. })));
    }
}
