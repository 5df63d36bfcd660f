//! C2SP signed notes: a text, a blank line, and Ed25519 signature lines.
//!
//! ```text
//! <body, every line ending in \n>
//!
//! — <key name> <base64(4-byte key id || 64-byte Ed25519 signature)>
//! ```
//!
//! The signature covers the body including its final `\n`, excluding the blank
//! line. Opening follows Go's `note.Open`: the note is valid UTF-8 with no
//! control character but `\n`, ends in `\n`, and splits at its last `\n\n`;
//! signatures by unknown keys are ignored, a failing signature by a known key
//! rejects the note, and at least one known key must have signed.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer as _, SigningKey};

use crate::vkey::{VerifierKey, is_valid_key_name, key_id};

/// Start of every signature line: U+2014 EM DASH and one space.
const SIGNATURE_PREFIX: &str = "\u{2014} ";

/// Most signature lines a note may carry, as in Go's `note.Open`.
pub const MAX_SIGNATURES: usize = 100;

/// Errors of verifier keys and of signing and opening notes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoteError {
    /// A key name outside `[A-Za-z0-9][A-Za-z0-9._-]*`.
    #[error("invalid key name {name:?}: expected [A-Za-z0-9][A-Za-z0-9._-]*")]
    InvalidKeyName {
        /// The name.
        name: String,
    },
    /// A small-order Ed25519 key, which would accept forged signatures.
    #[error("key {name:?} is a weak (small-order) ed25519 key")]
    WeakKey {
        /// The key name.
        name: String,
    },
    /// A verifier key text that does not have the expected shape.
    #[error("malformed verifier key {text:?}: {reason}")]
    MalformedVerifierKey {
        /// The text.
        text: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A verifier key for another algorithm than Ed25519 (`0x01`).
    #[error("verifier key {name:?} has algorithm {algorithm}, only ed25519 (1) is supported")]
    UnsupportedAlgorithm {
        /// The key name.
        name: String,
        /// The algorithm byte found.
        algorithm: u8,
    },
    /// A verifier key whose written key id is not the one its name and key give.
    #[error("verifier key {name:?} says key id {written}, its name and key give {computed}")]
    VerifierKeyIdMismatch {
        /// The key name.
        name: String,
        /// The key id written in the text.
        written: String,
        /// The key id computed from name and key.
        computed: String,
    },
    /// A control character other than `\n` (a CR, a tab, ...).
    #[error("control character U+{code:04X} on line {line} of the note")]
    ControlCharacter {
        /// 1-based line number.
        line: usize,
        /// The character's code point.
        code: u32,
    },
    /// A body to sign that does not end in `\n`.
    #[error("note body does not end in a newline")]
    BodyWithoutFinalNewline,
    /// A note that does not end in `\n`.
    #[error("note does not end in a newline")]
    NoteWithoutFinalNewline,
    /// No blank line separating the body from the signatures.
    #[error("note has no blank line before its signatures")]
    NoSignatureBlock,
    /// A blank line, but no signature line after it.
    #[error("note has no signature lines after its blank line (line {line})")]
    NoSignatureLines {
        /// 1-based line number of the blank line.
        line: usize,
    },
    /// More signature lines than [`MAX_SIGNATURES`].
    #[error("note has {count} signature lines, at most {max} are accepted")]
    TooManySignatures {
        /// Signature lines found.
        count: usize,
        /// [`MAX_SIGNATURES`].
        max: usize,
    },
    /// A signature line that is not `— <name> <base64>`.
    #[error("malformed signature line {line} of the note: {reason}")]
    MalformedSignatureLine {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A signature by a trusted key (same name and key id) that does not verify.
    #[error("signature on line {line} by trusted key {name}+{key_id} does not verify")]
    InvalidSignature {
        /// 1-based line number.
        line: usize,
        /// The key name.
        name: String,
        /// The key id, 8 hex digits.
        key_id: String,
    },
    /// No signature by any trusted key.
    #[error("no signature by a trusted key (signatures present: {})", if .signers.is_empty() { "none".to_owned() } else { .signers.join(", ") })]
    NoTrustedSignature {
        /// `name+keyid` of every signature present.
        signers: Vec<String>,
    },
}

/// A note whose signatures were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedNote<'a> {
    /// The signed text, including its final `\n`.
    pub body: &'a str,
    /// Names of the trusted keys that signed it, in signature order, each once.
    pub verified_by: Vec<String>,
    /// Number of signature lines by keys not among the verifiers.
    pub unknown_signatures: usize,
}

/// Signs `body` (which must end in `\n`) and returns the whole note:
/// `body + "\n" + "— <key_name> <base64(key id || signature)>\n"`.
///
/// Ed25519 is deterministic, so the same body and key give the same bytes.
pub fn sign_note(body: &str, key_name: &str, key: &SigningKey) -> Result<String, NoteError> {
    if !is_valid_key_name(key_name) {
        return Err(NoteError::InvalidKeyName {
            name: key_name.to_owned(),
        });
    }
    check_characters(body)?;
    if !body.ends_with('\n') {
        return Err(NoteError::BodyWithoutFinalNewline);
    }
    let signature = key.sign(body.as_bytes());
    let mut signed = Vec::with_capacity(4 + 64);
    signed.extend_from_slice(&key_id(key_name, &key.verifying_key()));
    signed.extend_from_slice(&signature.to_bytes());
    Ok(format!(
        "{body}\n{SIGNATURE_PREFIX}{key_name} {}\n",
        STANDARD.encode(signed)
    ))
}

/// Checks the signatures of a note against trusted `verifiers` and returns its body.
pub fn open_note<'a>(text: &'a str, verifiers: &[VerifierKey]) -> Result<OpenedNote<'a>, NoteError> {
    check_characters(text)?;
    if !text.ends_with('\n') {
        return Err(NoteError::NoteWithoutFinalNewline);
    }
    let separator = text.rfind("\n\n").ok_or(NoteError::NoSignatureBlock)?;
    let body = &text[..=separator];
    let blank_line = body.matches('\n').count() + 1;
    let signature_block = &text[separator + 2..];
    if signature_block.is_empty() {
        return Err(NoteError::NoSignatureLines { line: blank_line });
    }
    let lines: Vec<&str> = signature_block[..signature_block.len() - 1].split('\n').collect();
    if lines.len() > MAX_SIGNATURES {
        return Err(NoteError::TooManySignatures {
            count: lines.len(),
            max: MAX_SIGNATURES,
        });
    }
    let mut opened = OpenedNote {
        body,
        verified_by: Vec::new(),
        unknown_signatures: 0,
    };
    let mut signers = Vec::new();
    for (offset, line_text) in lines.iter().enumerate() {
        let line = blank_line + 1 + offset;
        let (name, id, signature) = parse_signature_line(line, line_text)?;
        signers.push(format!("{name}+{}", hex::encode(id)));
        let Some(verifier) = verifiers
            .iter()
            .find(|verifier| verifier.name() == name && verifier.key_id() == id)
        else {
            opened.unknown_signatures += 1;
            continue;
        };
        let verified = Signature::from_slice(&signature).is_ok_and(|signature| {
            // Strict verification refuses small-order R points, which honest
            // signers never produce.
            verifier.public_key().verify_strict(body.as_bytes(), &signature).is_ok()
        });
        if !verified {
            return Err(NoteError::InvalidSignature {
                line,
                name: name.to_owned(),
                key_id: hex::encode(id),
            });
        }
        if !opened.verified_by.iter().any(|signer| signer == name) {
            opened.verified_by.push(name.to_owned());
        }
    }
    if opened.verified_by.is_empty() {
        return Err(NoteError::NoTrustedSignature { signers });
    }
    Ok(opened)
}

/// Splits `— <name> <base64(key id || signature)>` into its parts.
fn parse_signature_line(line: usize, text: &str) -> Result<(&str, [u8; 4], Vec<u8>), NoteError> {
    let malformed = |reason| NoteError::MalformedSignatureLine { line, reason };
    let rest = text
        .strip_prefix(SIGNATURE_PREFIX)
        .ok_or(malformed("does not start with an em dash (U+2014) and a space"))?;
    let (name, encoded) = rest
        .split_once(' ')
        .ok_or(malformed("expected a key name, a space and a base64 signature"))?;
    // C2SP's own rule for names, not ours: other logs' and witnesses' names
    // (often host/path) may appear and are merely unknown.
    if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c == '+') {
        return Err(malformed("key name is empty or contains a space or '+'"));
    }
    let decoded = STANDARD
        .decode(encoded)
        .map_err(|_| malformed("signature is not standard padded base64"))?;
    if decoded.len() < 5 {
        return Err(malformed("signature is shorter than a key id and one byte"));
    }
    let id = [decoded[0], decoded[1], decoded[2], decoded[3]];
    Ok((name, id, decoded[4..].to_vec()))
}

/// Rejects every control character but `\n`, naming its line.
fn check_characters(text: &str) -> Result<(), NoteError> {
    let mut line = 1;
    for character in text.chars() {
        if character == '\n' {
            line += 1;
        } else if character.is_control() {
            return Err(NoteError::ControlCharacter {
                line,
                code: u32::from(character),
            });
        }
    }
    Ok(())
}
