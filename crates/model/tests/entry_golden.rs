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
fn entries_with_unsafe_integers_have_no_signing_bytes() {
    let mut entry = UnsignedEntry {
        v: 1,
        seq: 1,
        time: "2026-11-21T10:00:00Z".into(),
        action: Action::Note,
        params: object(json!({"nested": {"seed": 9007199254740993_u64}})),
        inputs: object(json!({})),
        outputs: object(json!({})),
        prev: "0".repeat(64),
        key: "k".into(),
    };
    let err = entry.signing_bytes().unwrap_err();
    assert_eq!(
        err.to_string(),
        "integer 9007199254740993 at /params/nested/seed does not survive reading as an IEEE double (it reads back as 9007199254740992); store it as a decimal string"
    );
    entry.params = object(json!({"seed": "9007199254740993"}));
    entry.seq = 1 << 53;
    assert!(entry.signing_bytes().is_err());
    entry.seq = (1 << 53) - 1;
    assert!(entry.signing_bytes().is_ok());
}

/// Lines this code could never write are refused when read, so that every
/// entry that parses also serializes (both found by fuzzing).
#[test]
fn entries_that_cannot_be_written_do_not_parse() {
    let zeros = "0".repeat(64);
    let sig = "A".repeat(86) + "==";
    let line = |params: &str, seq: &str| {
        format!(
            r#"{{"action":"NOTE","hash":"{zeros}","inputs":{{}},"key":"k","outputs":{{}},"params":{params},"prev":"{zeros}","seq":{seq},"sig":"{sig}","time":"2026-11-21T10:00:00Z","v":1}}"#
        )
    };
    assert!(LedgerEntry::parse_line(&line("{}", "0")).is_ok());
    for (params, seq) in [
        (r#"{"x":1e16}"#, "0"),
        ("{}", "9007199254740992"),
        (r#"{"x":[18446744073709551615]}"#, "1"),
    ] {
        let err = LedgerEntry::parse_line(&line(params, seq)).unwrap_err();
        assert!(matches!(err, model::EntryError::Canonical(_)), "{params} {seq}: {err}");
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

proptest::proptest! {
    /// The fast paths of the writer build exactly the bytes a full
    /// serialization would, whatever the content of params and outputs
    /// (including members named `time`, `prev` or `hash` at any depth).
    #[test]
    fn fast_line_building_equals_full_serialization(
        texts in proptest::collection::vec("[a-z\"\\\\,:{}é😀 ]{0,12}", 0..4),
        number in -1e15f64..1e15,
        seq in 0u64..1_000_000,
    ) {
        let mut params = serde_json::Map::new();
        for (i, text) in texts.iter().enumerate() {
            params.insert(["time", "prev", "hash", "sig", "x"][i % 5].to_owned(), json!({"time": text, "prev": ",\"prev\":\"", "n": number}));
        }
        let unsigned = UnsignedEntry {
            v: 1,
            seq,
            time: "2026-11-21T10:00:00.000Z".into(),
            action: Action::BaselineTrained,
            params: params.clone(),
            inputs: object(json!({"time": ",\"time\":\""})),
            outputs: params,
            prev: "0".repeat(64),
            key: "k".into(),
        };
        let mut bytes = unsigned.signing_bytes().unwrap();
        let prev = "3f".repeat(32);
        proptest::prop_assert!(model::entry::set_prev_in_signing_bytes(&mut bytes, &prev));
        let mut with_prev = unsigned.clone();
        with_prev.prev = prev;
        proptest::prop_assert_eq!(&bytes, &with_prev.signing_bytes().unwrap());
        let (hash, sig) = ("ab".repeat(32), "A".repeat(86) + "==");
        let line = model::entry::line_from_signing_bytes(&bytes, &hash, &sig).unwrap();
        proptest::prop_assert_eq!(model::entry::signing_bytes_from_line(&line), Some(bytes));
        proptest::prop_assert_eq!(line, with_prev.into_signed(hash, sig).to_line().unwrap());
    }
}
