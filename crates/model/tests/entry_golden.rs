//! The signed bytes of a ledger entry, checked against the golden values
//! published with the independent verification kit's reference store
//! (entry 0 of its deterministic sample, keys derived from fixed seeds).

use model::entry::{Action, LedgerEntry, UnsignedEntry};
use serde_json::json;

fn object(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    value.as_object().unwrap().clone()
}

#[test]
fn reference_entry_zero_signing_bytes_and_hash() {
    let entry = UnsignedEntry {
        v: 1,
        seq: 0,
        time: "2026-11-21T10:00:00.000Z".into(),
        action: Action::LedgerInitialized,
        params: object(json!({"origin": "driftledger.example/sample-store", "store_format": 1})),
        inputs: object(json!({})),
        outputs: object(json!({"key": "alpha"})),
        prev: model::digest::ZERO_HASH_HEX.into(),
        key: "alpha".into(),
    };
    let bytes = entry.signing_bytes().unwrap();
    assert_eq!(
        bytes,
        r#"{"action":"LEDGER_INITIALIZED","inputs":{},"key":"alpha","outputs":{"key":"alpha"},"params":{"origin":"driftledger.example/sample-store","store_format":1},"prev":"0000000000000000000000000000000000000000000000000000000000000000","seq":0,"time":"2026-11-21T10:00:00.000Z","v":1}"#
    );
    assert_eq!(
        model::digest::sha256_hex(bytes.as_bytes()),
        "dd759d5f4fc43532aad21510c7f61c38541dddbab86004e0bad1a2b5448baa1a"
    );
}

#[test]
fn entry_line_round_trips_and_rejects_bad_spelling() {
    let sig = "A".repeat(86) + "==";
    let entry = UnsignedEntry {
        v: 1,
        seq: 3,
        time: "2026-11-21T10:00:00Z".into(),
        action: Action::CheckpointSigned,
        params: object(json!({"size": 3})),
        inputs: object(json!({})),
        outputs: object(json!({})),
        prev: "ab".repeat(32),
        key: "ledger-1".into(),
    }
    .into_signed("cd".repeat(32), sig);
    let line = entry.to_line().unwrap();
    assert_eq!(LedgerEntry::parse_line(&line).unwrap(), entry);
    assert!(line.starts_with(r#"{"action":"CHECKPOINT_SIGNED","hash":"#));

    let cases = [
        (line.replace(r#""v":1"#, r#""v":2"#), "field `v`"),
        (
            line.replace("2026-11-21T10:00:00Z", "2026-11-21 10:00:00Z"),
            "field `time`",
        ),
        (
            line.replace("2026-11-21T10:00:00Z", "2026-11-21T10:00:00+01:00"),
            "field `time`",
        ),
        (line.replace(&"ab".repeat(32), &"AB".repeat(32)), "field `prev`"),
        (line.replace("ledger-1", "ledger 1"), "field `key`"),
        (
            line.replace("CHECKPOINT_SIGNED", "CHECKPOINT_FORGED"),
            "unknown variant",
        ),
        (line.replace(r#""v":1"#, r#""v":1,"x":0"#), "unknown field"),
        (line.replace(r#","seq":3"#, ""), "missing field `seq`"),
        (line[..line.len() - 1].to_string(), "EOF"),
    ];
    for (bad, expected) in cases {
        let err = LedgerEntry::parse_line(&bad).unwrap_err().to_string();
        assert!(err.contains(expected), "{bad}\n  => {err}");
    }
}

#[test]
fn action_names_are_upper_snake_case() {
    assert_eq!(Action::UbaDeltaSummaryBuilt.as_str(), "UBA_DELTA_SUMMARY_BUILT");
    assert_eq!(Action::parse("KEY_RETIRED"), Some(Action::KeyRetired));
    assert_eq!(Action::parse("key_retired"), None);
}

#[test]
fn timestamps_parse_only_the_wire_form() {
    use model::Timestamp;
    for good in [
        "2026-11-21T10:00:00Z",
        "2026-11-21T10:00:00.1Z",
        "2026-11-21T10:00:00.123456789Z",
    ] {
        assert!(Timestamp::parse(good).is_ok(), "{good}");
    }
    for bad in [
        "2026-11-21T10:00:00",
        "2026-11-21T10:00:00.Z",
        "2026-11-21t10:00:00Z",
        "2026-11-21T25:00:00Z",
        "2026-11-21T10:00:00.1234567890Z",
        " 2026-11-21T10:00:00Z",
    ] {
        assert!(Timestamp::parse(bad).is_err(), "{bad}");
    }
    let t = Timestamp::from_unix_millis(1_795_000_000_123).unwrap();
    assert_eq!(Timestamp::parse(&t.to_string()).unwrap(), t);
    assert!(t.to_string().ends_with(".123Z"));
}

#[test]
fn artifact_ids_are_deterministic_and_kind_separated() {
    let a = model::id::artifact_id("baseline", b"{}");
    assert_eq!(a, model::id::artifact_id("baseline", b"{}"));
    assert_ne!(a, model::id::artifact_id("score", b"{}"));
    assert_eq!(a.get_version_num(), 5);
}
