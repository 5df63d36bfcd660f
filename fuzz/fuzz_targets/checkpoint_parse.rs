//! Checkpoint bodies and signed notes: strict parse round trips; opening
//! never panics, never succeeds without a trusted key, and with a trusted key
//! only for a body that key really signed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tlog::{Checkpoint, VerifierKey, open_note, verify_checkpoint};

/// Verifier keys of a `driftledger demo` store, and the only bodies their
/// private keys ever signed (seeds/checkpoint_parse/checkpoint-{27,31}).
const VKEYS: [&str; 2] = [
    "ledger-1+a929575d+AYktYEgVsBXSzgw/VEEbOzcg17YtnS7JCtuk73CbciZU",
    "ledger-2+c721322c+AW6YnfLbnteHvlLzcTQgRALKoYdfy0MKFILDLuAkccm2",
];
const SIGNED_BODIES: [&str; 2] = [
    "driftledger/f1aef907-2c43-432b-ac25-65a93ac46861\n27\nL0qW6MgLHwSjJkqJy9G5UA6gDKknDNwkxKJJ1gz+VFk=\n",
    "driftledger/f1aef907-2c43-432b-ac25-65a93ac46861\n31\nCJleqd+h70PDtGYhAX3exXDMtuojzAs1GDHhmwEpOhs=\n",
];

fn trusted() -> &'static [VerifierKey] {
    static KEYS: OnceLock<Vec<VerifierKey>> = OnceLock::new();
    KEYS.get_or_init(|| VKEYS.iter().map(|t| VerifierKey::parse(t).unwrap()).collect())
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };

    if let Ok(checkpoint) = Checkpoint::parse_body(text) {
        let body = checkpoint.body();
        // The parse is strict (one spelling per checkpoint), so the body is the text.
        assert_eq!(body, text, "body() does not reproduce the parsed text");
        let again =
            Checkpoint::parse_body(&body).unwrap_or_else(|e| panic!("body() output {body:?} does not parse: {e}"));
        assert_eq!(again.origin, checkpoint.origin);
        assert_eq!(again.size, checkpoint.size);
        assert_eq!(again.root, checkpoint.root);
        assert_eq!(again.extensions, checkpoint.extensions);
        assert_eq!(again, checkpoint);
    }

    // No verifier key: never panics, never opens.
    assert!(open_note(text, &[]).is_err(), "note opened with no trusted key");
    assert!(
        verify_checkpoint(text, &[]).is_err(),
        "checkpoint verified with no trusted key"
    );

    // Trusted keys: only the bodies they signed open.
    if let Ok(opened) = open_note(text, trusted()) {
        assert!(
            SIGNED_BODIES.contains(&opened.body),
            "forged note body {:?}",
            opened.body
        );
        assert!(!opened.verified_by.is_empty());
    }
    if let Ok(verified) = verify_checkpoint(text, trusted()) {
        let body = verified.checkpoint().body();
        assert!(SIGNED_BODIES.contains(&body.as_str()), "forged checkpoint {body:?}");
    }

    // Verifier key texts round trip.
    if let Ok(key) = VerifierKey::parse(text) {
        let again = VerifierKey::parse(&key.to_text()).expect("to_text output parses");
        assert_eq!(again.name(), key.name());
        assert_eq!(again.key_id(), key.key_id());
        assert_eq!(again.public_key(), key.public_key());
        assert_eq!(key.to_text(), again.to_text());
    }
});
