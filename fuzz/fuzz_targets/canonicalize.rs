//! RFC 8785 canonicalization: idempotent, and it never changes the value.
#![no_main]

use driftledger_fuzz::json_eq;
use libfuzzer_sys::fuzz_target;
use model::canonical::{canonicalize_text, is_canonical};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(canonical) = canonicalize_text(text) else { return };
    // Idempotent: the canonical form of a canonical text is itself.
    assert_eq!(
        canonicalize_text(&canonical),
        Ok(canonical.clone()),
        "canonical form of {text:?} is not canonical"
    );
    assert!(is_canonical(&canonical));
    // parse(text) == parse(canonicalize(text)), numbers compared as values
    // (see json_eq: Value's `==` tells 1.0 from 1).
    let original: Value = serde_json::from_str(text).expect("canonicalize_text parsed it");
    let reparsed: Value = serde_json::from_str(&canonical).expect("canonical output is JSON");
    assert!(
        json_eq(&original, &reparsed),
        "canonicalization changed the value: {text:?} -> {canonical:?}"
    );
});
