//! C2SP tlog-checkpoints: the signed statement "the log `origin` has `size` records with root `root`".
//!
//! ```text
//! <origin>
//! <size, decimal, no leading zeros>
//! <root, standard padded base64>
//! [<extension line>]...
//!
//! — <key name> <base64(key id || signature)>
//! ```

use ed25519_dalek::SigningKey;

use crate::hash::{Hash, HashTextError, hash_from_base64, hash_to_base64};
use crate::note::{NoteError, open_note, sign_note};
use crate::vkey::VerifierKey;

/// The body of a checkpoint, not yet (or no longer) tied to a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Names the log (first line).
    pub origin: String,
    /// Number of records in the tree.
    pub size: u64,
    /// RFC 6962 root of those records.
    pub root: Hash,
    /// Extra body lines after the root. Kept when read; never signed by us.
    pub extensions: Vec<String>,
}

/// A checkpoint whose signature by a trusted key was verified.
///
/// Only [`verify_checkpoint`] builds one, so a function that takes a
/// `VerifiedCheckpoint` cannot be handed an unverified checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCheckpoint {
    checkpoint: Checkpoint,
    signed_by: Vec<String>,
    unknown_signatures: usize,
}

/// Why a checkpoint cannot be signed, read or trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckpointError {
    /// The signed-note layer failed (format, untrusted or bad signature).
    #[error(transparent)]
    Note(#[from] NoteError),
    /// A size-0 checkpoint: RFC 6962 and Go disagree on the empty root, and no
    /// ledger is ever empty once initialized.
    #[error("refusing to sign a checkpoint of size 0")]
    EmptyTree,
    /// We never write extension lines (C2SP: not recommended).
    #[error("refusing to sign a checkpoint with {count} extension lines")]
    ExtensionsNotWritten {
        /// Number of extension lines.
        count: usize,
    },
    /// An origin that cannot be a body line.
    #[error("invalid origin {origin:?}: {reason}")]
    InvalidOrigin {
        /// The origin.
        origin: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A body that does not end in `\n`.
    #[error("checkpoint body does not end in a newline")]
    BodyWithoutFinalNewline,
    /// Fewer than the three lines origin, size, root.
    #[error("checkpoint body has {found} lines, expected at least 3 (origin, size, root)")]
    TooFewLines {
        /// Lines found.
        found: usize,
    },
    /// An empty body line (C2SP: every line is non-empty).
    #[error("checkpoint line {line} is empty")]
    EmptyLine {
        /// 1-based line number.
        line: usize,
    },
    /// A control character in the body.
    #[error("control character U+{code:04X} on checkpoint line {line}")]
    ControlCharacter {
        /// 1-based line number.
        line: usize,
        /// The character's code point.
        code: u32,
    },
    /// Line 2 is not a canonical decimal `u64`.
    #[error("checkpoint line 2 (size) {found:?} is not {reason}")]
    InvalidSize {
        /// The line.
        found: String,
        /// What it should be.
        reason: &'static str,
    },
    /// Line 3 is not the strict base64 of a 32-byte root.
    #[error("checkpoint line 3 (root) {found:?}: {reason}")]
    InvalidRoot {
        /// The line.
        found: String,
        /// What is wrong.
        reason: HashTextError,
    },
}

impl Checkpoint {
    /// The body text: origin, size, base64 root and extension lines, each
    /// followed by `\n`. This is what the signature covers.
    pub fn body(&self) -> String {
        let mut body = format!("{}\n{}\n{}\n", self.origin, self.size, hash_to_base64(&self.root));
        for extension in &self.extensions {
            body.push_str(extension);
            body.push('\n');
        }
        body
    }

    /// Reads the body of a signed note **without checking any signature**:
    /// for deciding which tree a checkpoint claims to be about (say, which
    /// root to compute before the keys to verify it with are known), never
    /// for trusting it. Use [`verify_checkpoint`] for that.
    pub fn peek_unverified(note: &str) -> Option<Checkpoint> {
        let (body, _signatures) = note.split_once("\n\n")?;
        Checkpoint::parse_body(&format!("{body}\n")).ok()
    }

    /// Parses a body strictly (see [`Checkpoint::body`]); it need not be signed yet.
    pub fn parse_body(body: &str) -> Result<Self, CheckpointError> {
        let Some(content) = body.strip_suffix('\n') else {
            return Err(CheckpointError::BodyWithoutFinalNewline);
        };
        let lines: Vec<&str> = content.split('\n').collect();
        for (offset, line) in lines.iter().enumerate() {
            if line.is_empty() {
                return Err(CheckpointError::EmptyLine { line: offset + 1 });
            }
            if let Some(character) = line.chars().find(|c| c.is_control()) {
                return Err(CheckpointError::ControlCharacter {
                    line: offset + 1,
                    code: u32::from(character),
                });
            }
        }
        let [origin, size, root, extensions @ ..] = lines.as_slice() else {
            return Err(CheckpointError::TooFewLines { found: lines.len() });
        };
        Ok(Self {
            origin: (*origin).to_owned(),
            size: parse_size(size)?,
            root: hash_from_base64(root).map_err(|reason| CheckpointError::InvalidRoot {
                found: (*root).to_owned(),
                reason,
            })?,
            extensions: extensions.iter().map(|line| (*line).to_owned()).collect(),
        })
    }

    /// Signs the body with `key` under `key_name` and returns the whole note text.
    ///
    /// Refuses size 0, extension lines, and origins that are empty or contain
    /// control characters.
    pub fn sign(&self, key_name: &str, key: &SigningKey) -> Result<String, CheckpointError> {
        if self.size == 0 {
            return Err(CheckpointError::EmptyTree);
        }
        if !self.extensions.is_empty() {
            return Err(CheckpointError::ExtensionsNotWritten {
                count: self.extensions.len(),
            });
        }
        let invalid_origin = |reason| CheckpointError::InvalidOrigin {
            origin: self.origin.clone(),
            reason,
        };
        if self.origin.is_empty() {
            return Err(invalid_origin("it is empty"));
        }
        if self.origin.chars().any(char::is_control) {
            return Err(invalid_origin("it contains a control character or newline"));
        }
        Ok(sign_note(&self.body(), key_name, key)?)
    }
}

impl VerifiedCheckpoint {
    /// The verified checkpoint.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// Names of the trusted keys whose signatures verified, in signature order.
    pub fn signed_by(&self) -> &[String] {
        &self.signed_by
    }

    /// Number of signatures by keys that were not trusted (ignored).
    pub fn unknown_signatures(&self) -> usize {
        self.unknown_signatures
    }
}

/// Opens a checkpoint note with trusted `verifiers` and parses its body.
pub fn verify_checkpoint(note_text: &str, verifiers: &[VerifierKey]) -> Result<VerifiedCheckpoint, CheckpointError> {
    let opened = open_note(note_text, verifiers)?;
    Ok(VerifiedCheckpoint {
        checkpoint: Checkpoint::parse_body(opened.body)?,
        signed_by: opened.verified_by,
        unknown_signatures: opened.unknown_signatures,
    })
}

/// Decimal without sign, spaces or leading zeros ("0" alone is allowed), so
/// that one size has one spelling.
fn parse_size(text: &str) -> Result<u64, CheckpointError> {
    let invalid = |reason| CheckpointError::InvalidSize {
        found: text.to_owned(),
        reason,
    };
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("a decimal number"));
    }
    if text.len() > 1 && text.starts_with('0') {
        return Err(invalid("a decimal number without leading zeros"));
    }
    text.parse().map_err(|_| invalid("a decimal number below 2^64"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: &str = "UOvjHGSGqCevj1fQifO9x+5Lf1d8nNc16/hX51QOiDg=";

    fn check_body(body: &str, expect: Result<(u64, usize), &str>) {
        let got = Checkpoint::parse_body(body);
        match expect {
            Ok((size, n_extensions)) => {
                let checkpoint = got.unwrap_or_else(|e| panic!("{body:?}: {e}"));
                assert_eq!((checkpoint.size, checkpoint.extensions.len()), (size, n_extensions));
                assert_eq!(checkpoint.body(), body, "body round trip");
            }
            Err(fragment) => {
                let message = got.expect_err(body).to_string();
                assert!(message.contains(fragment), "{body:?}: {message}");
            }
        }
    }

    #[test]
    fn bodies() {
        check_body(&format!("o\n8\n{ROOT}\n"), Ok((8, 0)));
        check_body(&format!("o\n0\n{ROOT}\n"), Ok((0, 0)));
        check_body(&format!("o\n8\n{ROOT}\next one\next two\n"), Ok((8, 2)));
        check_body(&format!("o\n18446744073709551615\n{ROOT}\n"), Ok((u64::MAX, 0)));
        check_body(&format!("o\n8\n{ROOT}"), Err("does not end in a newline"));
        check_body("o\n8\n", Err("has 2 lines"));
        check_body(&format!("\n8\n{ROOT}\n"), Err("line 1 is empty"));
        check_body(&format!("o\n8\n{ROOT}\n\n"), Err("line 4 is empty"));
        check_body(&format!("o\n08\n{ROOT}\n"), Err("without leading zeros"));
        check_body(&format!("o\n00\n{ROOT}\n"), Err("without leading zeros"));
        check_body(&format!("o\n+8\n{ROOT}\n"), Err("a decimal number"));
        check_body(&format!("o\n-8\n{ROOT}\n"), Err("a decimal number"));
        check_body(&format!("o\n 8\n{ROOT}\n"), Err("a decimal number"));
        check_body(&format!("o\n8.0\n{ROOT}\n"), Err("a decimal number"));
        check_body(&format!("o\n18446744073709551616\n{ROOT}\n"), Err("below 2^64"));
        check_body(
            "o\n8\n50ebe31c64862a07af8f57d089f3bdc7ee4b7f577c9cd735ebf857e7540e8838\n",
            Err("hash is hex"),
        );
        check_body(&format!("o\n8\n{}\n", ROOT.trim_end_matches('=')), Err("padding"));
        check_body("o\n8\nAAAA\n", Err("3 bytes"));
        check_body(&format!("o\r\n8\n{ROOT}\n"), Err("U+000D on checkpoint line 1"));
        check_body(&format!("o\n8\n{ROOT}\r\n"), Err("U+000D on checkpoint line 3"));
    }

    fn checkpoint(origin: &str, size: u64, extensions: &[&str]) -> Checkpoint {
        Checkpoint {
            origin: origin.to_owned(),
            size,
            root: [9; 32],
            extensions: extensions.iter().map(|e| (*e).to_owned()).collect(),
        }
    }

    #[test]
    fn signing_refusals() {
        let key = SigningKey::from_bytes(&[1; 32]);
        let check = |checkpoint: Checkpoint, expect: &str| {
            let message = checkpoint.sign("k", &key).unwrap_err().to_string();
            assert!(message.contains(expect), "{message}");
        };
        check(checkpoint("o", 0, &[]), "size 0");
        check(checkpoint("o", 1, &["x"]), "1 extension lines");
        check(checkpoint("", 1, &[]), "empty");
        check(checkpoint("a\nb", 1, &[]), "control character");
        check(checkpoint("a\tb", 1, &[]), "control character");
        let message = checkpoint("o", 1, &[]).sign("bad name", &key).unwrap_err().to_string();
        assert!(message.contains("invalid key name"), "{message}");
    }
}
