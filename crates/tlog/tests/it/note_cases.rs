//! Notes that must not open, each with the reason it is refused (and a few that must).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signer as _, SigningKey};
use sha2::{Digest as _, Sha256};
use tlog::{CheckpointError, NoteError, VerifierKey, open_note, sign_note, verify_checkpoint};

use crate::golden::{sample_key, sample_verifier};

const ROOT: &str = "UOvjHGSGqCevj1fQifO9x+5Lf1d8nNc16/hX51QOiDg=";

fn body(size: &str, root: &str) -> String {
    format!("driftledger.example/sample-store\n{size}\n{root}\n")
}

fn good_body() -> String {
    body("8", ROOT)
}

fn alpha_note(body: &str) -> String {
    sign_note(body, "alpha", &sample_key("alpha")).unwrap()
}

/// A signature line made by hand: `— name base64(id || signature over message)`.
fn signature_line(name: &str, id: [u8; 4], key: &SigningKey, message: &[u8]) -> String {
    let mut signed = id.to_vec();
    signed.extend_from_slice(&key.sign(message).to_bytes());
    format!("\u{2014} {name} {}\n", STANDARD.encode(signed))
}

fn alpha_id() -> [u8; 4] {
    sample_verifier("alpha").key_id()
}

/// Opens `note` as a checkpoint trusting alpha only, and compares the outcome.
fn check(note: &str, expect: Result<(), CheckpointError>) {
    let got = verify_checkpoint(note, &[sample_verifier("alpha")]).map(|_| ());
    assert_eq!(got, expect, "note {note:?}");
}

fn note_error(error: NoteError) -> Result<(), CheckpointError> {
    Err(CheckpointError::Note(error))
}

#[test]
fn crlf_line_ends() {
    check(
        &alpha_note(&good_body()).replace('\n', "\r\n"),
        note_error(NoteError::ControlCharacter { line: 1, code: 0x0D }),
    );
}

#[test]
fn ascii_hyphen_instead_of_em_dash() {
    check(
        &alpha_note(&good_body()).replace('\u{2014}', "-"),
        note_error(NoteError::MalformedSignatureLine {
            line: 5,
            reason: "does not start with an em dash (U+2014) and a space",
        }),
    );
}

#[test]
fn missing_final_newline() {
    let note = alpha_note(&good_body());
    check(
        note.trim_end_matches('\n'),
        note_error(NoteError::NoteWithoutFinalNewline),
    );
}

#[test]
fn signature_over_body_without_final_newline() {
    let body = good_body();
    let unterminated = body.trim_end_matches('\n');
    let note = format!(
        "{body}\n{}",
        signature_line("alpha", alpha_id(), &sample_key("alpha"), unterminated.as_bytes())
    );
    check(
        &note,
        note_error(NoteError::InvalidSignature {
            line: 5,
            name: "alpha".to_owned(),
            key_id: "bf1aa05d".to_owned(),
        }),
    );
}

#[test]
fn key_id_without_the_algorithm_byte() {
    let key = sample_key("alpha");
    let mut hasher = Sha256::new();
    hasher.update(b"alpha\n");
    hasher.update(key.verifying_key().as_bytes());
    let digest = hasher.finalize();
    let wrong_id = [digest[0], digest[1], digest[2], digest[3]];
    let body = good_body();
    let note = format!("{body}\n{}", signature_line("alpha", wrong_id, &key, body.as_bytes()));
    check(
        &note,
        note_error(NoteError::NoTrustedSignature {
            signers: vec![format!("alpha+{}", hex::encode(wrong_id))],
        }),
    );
}

#[test]
fn hex_root_validly_signed() {
    let hex_root = "50ebe31c64862a07af8f57d089f3bdc7ee4b7f577c9cd735ebf857e7540e8838";
    let note = alpha_note(&body("8", hex_root));
    assert!(
        open_note(&note, &[sample_verifier("alpha")]).is_ok(),
        "the note itself is fine"
    );
    let error = verify_checkpoint(&note, &[sample_verifier("alpha")]).unwrap_err();
    assert!(matches!(error, CheckpointError::InvalidRoot { .. }), "{error}");
    assert_eq!(
        error.to_string(),
        format!("checkpoint line 3 (root) {hex_root:?}: hash is hex, expected standard padded base64")
    );
}

#[test]
fn size_with_leading_zero_validly_signed() {
    check(
        &alpha_note(&body("08", ROOT)),
        Err(CheckpointError::InvalidSize {
            found: "08".to_owned(),
            reason: "a decimal number without leading zeros",
        }),
    );
}

#[test]
fn bad_signature_by_known_key() {
    let note = alpha_note(&good_body());
    // Change one character inside the 64 signature bytes (past the 4-byte key id).
    let position = note.len() - 10;
    let replacement = if &note[position..=position] == "A" { "B" } else { "A" };
    let tampered = format!("{}{replacement}{}", &note[..position], &note[position + 1..]);
    check(
        &tampered,
        note_error(NoteError::InvalidSignature {
            line: 5,
            name: "alpha".to_owned(),
            key_id: "bf1aa05d".to_owned(),
        }),
    );
}

#[test]
fn edited_body_under_a_valid_signature() {
    let note = alpha_note(&good_body()).replacen("\n8\n", "\n9\n", 1);
    check(
        &note,
        note_error(NoteError::InvalidSignature {
            line: 5,
            name: "alpha".to_owned(),
            key_id: "bf1aa05d".to_owned(),
        }),
    );
}

#[test]
fn unknown_key_only() {
    let note = sign_note(&good_body(), "beta", &sample_key("beta")).unwrap();
    check(
        &note,
        note_error(NoteError::NoTrustedSignature {
            signers: vec!["beta+0c1b72ed".to_owned()],
        }),
    );
}

#[test]
fn another_key_under_a_trusted_name_is_unknown() {
    let impostor = SigningKey::from_bytes(&[42; 32]);
    let note = sign_note(&good_body(), "alpha", &impostor).unwrap();
    let error = verify_checkpoint(&note, &[sample_verifier("alpha")]).unwrap_err();
    assert!(
        matches!(error, CheckpointError::Note(NoteError::NoTrustedSignature { .. })),
        "{error}"
    );
}

#[test]
fn malformed_notes() {
    let note = alpha_note(&good_body());
    let signature = note.rsplit_once("alpha ").unwrap().1.trim_end();
    let body = good_body();
    let cases: Vec<(String, NoteError)> = vec![
        (body.clone(), NoteError::NoSignatureBlock),
        (format!("{body}\n"), NoteError::NoSignatureLines { line: 4 }),
        (
            note.replace('\n', "\n\t").trim_end_matches('\t').to_owned(),
            NoteError::ControlCharacter { line: 2, code: 9 },
        ),
        (
            format!("{body}\n\u{2014}  {signature}\n"),
            NoteError::MalformedSignatureLine {
                line: 5,
                reason: "key name is empty or contains a space or '+'",
            },
        ),
        (
            format!("{body}\n\u{2014} alpha\n"),
            NoteError::MalformedSignatureLine {
                line: 5,
                reason: "expected a key name, a space and a base64 signature",
            },
        ),
        (
            format!("{body}\n\u{2014} al+pha {signature}\n"),
            NoteError::MalformedSignatureLine {
                line: 5,
                reason: "key name is empty or contains a space or '+'",
            },
        ),
        (
            format!("{body}\n\u{2014} alpha {}\n", signature.trim_end_matches('=')),
            NoteError::MalformedSignatureLine {
                line: 5,
                reason: "signature is not standard padded base64",
            },
        ),
        (
            format!(
                "{body}\n\u{2014} alpha {}\n",
                signature.replace('+', "-").replace('/', "_")
            ),
            NoteError::MalformedSignatureLine {
                line: 5,
                reason: "signature is not standard padded base64",
            },
        ),
        (
            format!("{body}\n\u{2014} alpha AAAA\n"),
            NoteError::MalformedSignatureLine {
                line: 5,
                reason: "signature is shorter than a key id and one byte",
            },
        ),
        (
            format!("{body}\n\u{2014} alpha {signature} \n"),
            NoteError::MalformedSignatureLine {
                line: 5,
                reason: "signature is not standard padded base64",
            },
        ),
        (
            format!("{body}\n{}", format!("\u{2014} beta {signature}\n").repeat(101)),
            NoteError::TooManySignatures { count: 101, max: 100 },
        ),
        (
            format!(
                "{body}\n\u{2014} alpha {}\n",
                STANDARD.encode([0xbf, 0x1a, 0xa0, 0x5d, 1, 2, 3])
            ),
            NoteError::InvalidSignature {
                line: 5,
                name: "alpha".to_owned(),
                key_id: "bf1aa05d".to_owned(),
            },
        ),
    ];
    for (text, expect) in cases {
        assert_eq!(
            open_note(&text, &[sample_verifier("alpha")]),
            Err(expect),
            "note {text:?}"
        );
    }
}

#[test]
fn several_signatures() {
    let body = good_body();
    let by_alpha = alpha_note(&body);
    let beta_line = sign_note(&body, "beta", &sample_key("beta")).unwrap()[body.len() + 1..].to_owned();
    let foreign_line = format!("\u{2014} example.com/witness {}\n", STANDARD.encode([7u8; 68]));
    let both = format!("{by_alpha}{foreign_line}{beta_line}{beta_line}");
    let trusted = [sample_verifier("beta"), sample_verifier("alpha")];

    let opened = open_note(&both, &trusted).unwrap();
    assert_eq!(opened.body, body);
    assert_eq!(
        opened.verified_by,
        ["alpha", "beta"],
        "signature order, each signer once"
    );
    assert_eq!(opened.unknown_signatures, 1);

    let only_alpha = open_note(&both, &trusted[1..]).unwrap();
    assert_eq!(only_alpha.verified_by, ["alpha"]);
    assert_eq!(only_alpha.unknown_signatures, 3);

    assert_eq!(
        open_note(&both, &[]),
        Err(NoteError::NoTrustedSignature {
            signers: vec![
                "alpha+bf1aa05d".to_owned(),
                "example.com/witness+07070707".to_owned(),
                "beta+0c1b72ed".to_owned(),
                "beta+0c1b72ed".to_owned(),
            ]
        })
    );
}

#[test]
fn bodies_with_blank_lines_split_at_the_last_one() {
    // Go's note.Open splits at the last blank line, so a body may hold blank lines.
    let body = "first\n\nsecond\n";
    let note = alpha_note(body);
    let opened = open_note(&note, &[sample_verifier("alpha")]).unwrap();
    assert_eq!(opened.body, body);
}

#[test]
fn signing_refusals() {
    let key = sample_key("alpha");
    assert_eq!(
        sign_note("no newline", "alpha", &key),
        Err(NoteError::BodyWithoutFinalNewline)
    );
    assert_eq!(sign_note("", "alpha", &key), Err(NoteError::BodyWithoutFinalNewline));
    assert_eq!(
        sign_note("a\r\n", "alpha", &key),
        Err(NoteError::ControlCharacter { line: 1, code: 0x0D })
    );
    assert_eq!(
        sign_note("a\n", "example.com/log", &key),
        Err(NoteError::InvalidKeyName {
            name: "example.com/log".to_owned()
        })
    );
    assert_eq!(
        VerifierKey::parse("alpha+bf1aa05e+AbxKyeRDVQPpTRdTYMySjquH9skJtpR1Y++41fwYfGns"),
        Err(NoteError::VerifierKeyIdMismatch {
            name: "alpha".to_owned(),
            written: "bf1aa05e".to_owned(),
            computed: "bf1aa05d".to_owned(),
        })
    );
}
