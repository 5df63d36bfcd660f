//! Golden values of the extverify kit's deterministic sample (/work/shared/extverify/README.md),
//! which Go's `sumdb/note` and `sumdb/tlog` accept: our bytes must be the same.

use ed25519_dalek::SigningKey;
use sha2::{Digest as _, Sha256};
use tlog::{
    Checkpoint, CheckpointError, ConsistencyProof, NoteError, Proof, VerifierKey, key_id, open_note, sign_note,
    verify_checkpoint,
};

const ALPHA_VKEY: &str = "alpha+bf1aa05d+AbxKyeRDVQPpTRdTYMySjquH9skJtpR1Y++41fwYfGns";
const BETA_VKEY: &str = "beta+0c1b72ed+AU+3KKE1JlqjjrNo35qcfxaVLwFVNFyu1hrczqh61hzV";

const SAMPLE_BODY: &str = "driftledger.example/sample-store\n8\nUOvjHGSGqCevj1fQifO9x+5Lf1d8nNc16/hX51QOiDg=\n";
const SAMPLE_NOTE: &str = "driftledger.example/sample-store\n8\nUOvjHGSGqCevj1fQifO9x+5Lf1d8nNc16/hX51QOiDg=\n\n\u{2014} alpha vxqgXR63oHqUYGJCZhnvxaQSR4UaSjMq+h+SW+uzpu0oqOMpCkOH6P+vOh7CcG4FBa5YjcD8zJ7YjjhstwirqthYlAI=\n";

const SAMPLE_CONSISTENCY: &str = r#"{"old_size":8,"new_size":14,"old_root":"UOvjHGSGqCevj1fQifO9x+5Lf1d8nNc16/hX51QOiDg=","new_root":"j4hOO2GCdweM9wNDrY1szi+f3vDz0ygB43pncIlLCeo=","hashes":["it3uppaHA5ZIdV4uDjae4+juJnx+5RCCMz/omRQIHKI="]}"#;

/// The kit's sample key: Ed25519 seed = SHA-256("extverify sample key " + name).
pub fn sample_key(name: &str) -> SigningKey {
    let seed: [u8; 32] = Sha256::digest(format!("extverify sample key {name}")).into();
    SigningKey::from_bytes(&seed)
}

pub fn sample_verifier(name: &str) -> VerifierKey {
    VerifierKey::new(name, sample_key(name).verifying_key()).unwrap()
}

#[test]
fn verifier_keys_from_seeds() {
    for (name, expect) in [("alpha", ALPHA_VKEY), ("beta", BETA_VKEY)] {
        let verifier = sample_verifier(name);
        assert_eq!(verifier.to_text(), expect);
        assert_eq!(
            hex::encode(key_id(name, verifier.public_key())),
            &expect[name.len() + 1..][..8]
        );
        let parsed = VerifierKey::parse(expect).unwrap();
        assert_eq!(parsed, verifier);
        assert_eq!(parsed.name(), name);
    }
}

#[test]
fn signing_the_sample_body_gives_the_sample_note() {
    assert_eq!(
        sign_note(SAMPLE_BODY, "alpha", &sample_key("alpha")).unwrap(),
        SAMPLE_NOTE
    );
    let checkpoint = Checkpoint::parse_body(SAMPLE_BODY).unwrap();
    assert_eq!(checkpoint.origin, "driftledger.example/sample-store");
    assert_eq!(checkpoint.size, 8);
    assert_eq!(checkpoint.body(), SAMPLE_BODY);
    assert_eq!(checkpoint.sign("alpha", &sample_key("alpha")).unwrap(), SAMPLE_NOTE);
}

#[test]
fn the_sample_note_opens_with_alpha_only() {
    let opened = open_note(SAMPLE_NOTE, &[sample_verifier("alpha")]).unwrap();
    assert_eq!(opened.body, SAMPLE_BODY);
    assert_eq!(opened.verified_by, ["alpha"]);
    assert_eq!(opened.unknown_signatures, 0);

    let verified = verify_checkpoint(SAMPLE_NOTE, &[sample_verifier("beta"), sample_verifier("alpha")]).unwrap();
    assert_eq!(verified.signed_by(), ["alpha"]);
    assert_eq!(verified.checkpoint().size, 8);

    assert_eq!(
        verify_checkpoint(SAMPLE_NOTE, &[sample_verifier("beta")]),
        Err(CheckpointError::Note(NoteError::NoTrustedSignature {
            signers: vec!["alpha+bf1aa05d".to_owned()]
        }))
    );
}

#[test]
fn the_sample_consistency_proof() {
    let proof = ConsistencyProof::from_json(SAMPLE_CONSISTENCY).unwrap();
    assert_eq!(proof.verify(), Ok(()));
    assert_eq!(proof.to_json(), SAMPLE_CONSISTENCY);
    assert_eq!(
        Proof::from_json(SAMPLE_CONSISTENCY).unwrap(),
        Proof::Consistency(proof.clone())
    );
    // Its old root is the sample checkpoint's root.
    let checkpoint = Checkpoint::parse_body(SAMPLE_BODY).unwrap();
    assert_eq!(proof.old_root, checkpoint.root);
}
