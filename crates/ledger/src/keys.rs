//! Ed25519 key files: PKCS#8 private keys (mode 0600), SPKI public keys and
//! C2SP verifier keys, as `openssl`, Python's `cryptography` and Go's
//! `sumdb/note` read them.

use crate::error::LedgerError;
use crate::layout::StorePaths;
use ed25519_dalek::pkcs8::spki::{DecodePublicKey, EncodePublicKey};
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, KeypairBytes};
use ed25519_dalek::{SigningKey, VerifyingKey};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use tlog::VerifierKey;

/// A fresh Ed25519 key from the operating system's random source.
pub fn generate_signing_key() -> Result<SigningKey, LedgerError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| LedgerError::Io {
        path: "<system random source>".into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Writes `keys/<name>.key.pem` (mode 0600, never overwritten),
/// `keys/<name>.pub.pem` and `keys/<name>.vkey`, each synced to disk.
pub fn write_key_files(paths: &StorePaths, name: &str, key: &SigningKey) -> Result<VerifierKey, LedgerError> {
    let verifier = verifier_key(name, &key.verifying_key())?;
    let dir = paths.keys();
    fs::create_dir_all(&dir).map_err(LedgerError::io(&dir))?;
    let private_pem = private_key_pem(key).map_err(|e| key_error(&paths.private_key(name), e))?;
    let public_pem = public_key_pem(&key.verifying_key()).map_err(|e| key_error(&paths.public_key(name), e))?;
    crate::durable::create_file(&paths.private_key(name), private_pem.as_bytes(), 0o600)?;
    crate::durable::create_file(&paths.public_key(name), public_pem.as_bytes(), 0o644)?;
    crate::durable::create_file(
        &paths.verifier_key(name),
        format!("{}\n", verifier.to_text()).as_bytes(),
        0o644,
    )?;
    crate::durable::sync_dir(&dir)?;
    Ok(verifier)
}

/// The exact text of `keys/<name>.key.pem`: PKCS#8 v1 (no embedded public
/// key), the form `openssl genpkey` writes.
pub fn private_key_pem(
    key: &SigningKey,
) -> Result<ed25519_dalek::pkcs8::spki::der::zeroize::Zeroizing<String>, ed25519_dalek::pkcs8::Error> {
    KeypairBytes {
        secret_key: key.to_bytes(),
        public_key: None,
    }
    .to_pkcs8_pem(Default::default())
}

/// The exact text of `keys/<name>.pub.pem`: SPKI.
pub fn public_key_pem(key: &VerifyingKey) -> Result<String, ed25519_dalek::pkcs8::spki::Error> {
    key.to_public_key_pem(Default::default())
}

/// Loads a private key, refusing a file that group or others may read.
pub fn load_signing_key(path: &Path) -> Result<SigningKey, LedgerError> {
    let metadata = fs::metadata(path).map_err(LedgerError::io(path))?;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(LedgerError::KeyFileTooOpen {
            path: path.to_owned(),
            mode,
        });
    }
    let pem = fs::read_to_string(path).map_err(LedgerError::io(path))?;
    SigningKey::from_pkcs8_pem(&pem).map_err(|e| LedgerError::KeyFile {
        path: path.to_owned(),
        reason: format!("expected an unencrypted PKCS#8 Ed25519 private key (BEGIN PRIVATE KEY): {e}"),
    })
}

/// Loads an SPKI public key.
pub fn load_public_key(path: &Path) -> Result<VerifyingKey, LedgerError> {
    let pem = fs::read_to_string(path).map_err(LedgerError::io(path))?;
    VerifyingKey::from_public_key_pem(&pem).map_err(|e| LedgerError::KeyFile {
        path: path.to_owned(),
        reason: format!("expected an SPKI Ed25519 public key (BEGIN PUBLIC KEY): {e}"),
    })
}

/// Reads a file of C2SP verifier keys: one per line, `#` comments and blank lines allowed.
pub fn read_verifier_keys(path: &Path) -> Result<Vec<VerifierKey>, LedgerError> {
    let text = fs::read_to_string(path).map_err(LedgerError::io(path))?;
    let mut keys = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let key = VerifierKey::parse(line).map_err(|e| LedgerError::KeyFile {
            path: path.to_owned(),
            reason: format!("line {}: expected a verifier key name+hash+base64: {e}", index + 1),
        })?;
        keys.push(key);
    }
    if keys.is_empty() {
        return Err(LedgerError::KeyFile {
            path: path.to_owned(),
            reason: "no verifier key in file".into(),
        });
    }
    Ok(keys)
}

/// The C2SP verifier key of `name`, checking the name first.
pub fn verifier_key(name: &str, key: &VerifyingKey) -> Result<VerifierKey, LedgerError> {
    if !model::entry::is_key_name(name) {
        return Err(LedgerError::InvalidKeyName { name: name.to_owned() });
    }
    VerifierKey::new(name, *key).map_err(|_| LedgerError::InvalidKeyName { name: name.to_owned() })
}

fn key_error(path: &Path, error: impl std::fmt::Display) -> LedgerError {
    LedgerError::KeyFile {
        path: path.to_owned(),
        reason: error.to_string(),
    }
}
