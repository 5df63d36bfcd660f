//! Proof files: exact bytes out, strict reading in.

use serde_json::Value;
use tlog::{ConsistencyProof, HashTextError, InclusionProof, Proof, ProofError, ProofFormatError, leaf_hash};

use crate::hash_hex;

/// CT reference leaf 5 of 8 (data 40414243), its audit path and the root of
/// all 8 leaves (see ct_vectors.rs), in the file format. Base64 computed
/// independently from the published hex.
const CT_INCLUSION_JSON: &str = r#"{"leaf_index":5,"tree_size":8,"leaf_hash":"QnGia+DYqE8L1UyMMC58s6O10fpngKQLzOKHNHfatlg=","hashes":["vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms=","yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA=","037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc="]}"#;
const CT_ROOT_8: &str = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";
/// CT reference consistency proof 6 → 8.
const CT_CONSISTENCY_JSON: &str = r#"{"old_size":6,"new_size":8,"old_root":"duZ9rbzfHhDht03cYIq9L5jfsW+851J3tSMqEn8gh+8=","new_root":"XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=","hashes":["DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=","yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA=","037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc="]}"#;

fn ct_inclusion() -> InclusionProof {
    InclusionProof {
        leaf_index: 5,
        tree_size: 8,
        leaf_hash: leaf_hash(&[0x40, 0x41, 0x42, 0x43]),
        hashes: [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]
        .map(hash_hex)
        .to_vec(),
    }
}

fn ct_consistency() -> ConsistencyProof {
    ConsistencyProof {
        old_size: 6,
        new_size: 8,
        old_root: hash_hex("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
        new_root: hash_hex(CT_ROOT_8),
        hashes: [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]
        .map(hash_hex)
        .to_vec(),
    }
}

#[test]
fn exact_bytes() {
    assert_eq!(ct_inclusion().to_json(), CT_INCLUSION_JSON);
    assert_eq!(ct_consistency().to_json(), CT_CONSISTENCY_JSON);
    let single = InclusionProof {
        leaf_index: 0,
        tree_size: 1,
        leaf_hash: [0; 32],
        hashes: vec![],
    };
    assert_eq!(
        single.to_json(),
        r#"{"leaf_index":0,"tree_size":1,"leaf_hash":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","hashes":[]}"#
    );
    let big = ConsistencyProof {
        old_size: u64::MAX,
        new_size: u64::MAX,
        old_root: [255; 32],
        new_root: [255; 32],
        hashes: vec![],
    };
    assert_eq!(
        big.to_json(),
        r#"{"old_size":18446744073709551615,"new_size":18446744073709551615,"old_root":"//////////////////////////////////////////8=","new_root":"//////////////////////////////////////////8=","hashes":[]}"#
    );
}

#[test]
fn output_decodes_with_a_generic_json_reader() {
    let value: Value = serde_json::from_str(&ct_inclusion().to_json()).unwrap();
    let members: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
    // serde_json's map is sorted, so compare as sets; order is pinned by exact_bytes.
    let mut expect = vec!["hashes", "leaf_hash", "leaf_index", "tree_size"];
    expect.sort_unstable();
    assert_eq!(members, expect);
    assert_eq!(value["leaf_index"], 5);
    assert_eq!(value["hashes"].as_array().unwrap().len(), 3);
}

#[test]
fn files_verify() {
    let inclusion = InclusionProof::from_json(CT_INCLUSION_JSON).unwrap();
    assert_eq!(inclusion, ct_inclusion());
    assert_eq!(inclusion.verify(&hash_hex(CT_ROOT_8)), Ok(()));
    assert!(matches!(
        inclusion.verify(&[0; 32]),
        Err(ProofError::RootMismatch { .. })
    ));
    let consistency = ConsistencyProof::from_json(CT_CONSISTENCY_JSON).unwrap();
    assert_eq!(consistency, ct_consistency());
    assert_eq!(consistency.verify(), Ok(()));
    assert_eq!(
        Proof::from_json(CT_INCLUSION_JSON),
        Ok(Proof::Inclusion(ct_inclusion()))
    );
    assert_eq!(
        Proof::from_json(CT_CONSISTENCY_JSON),
        Ok(Proof::Consistency(ct_consistency()))
    );
    assert_eq!(Proof::Inclusion(ct_inclusion()).to_json(), CT_INCLUSION_JSON);
    // Whitespace between tokens and a final newline are JSON, and accepted.
    let spaced = CT_INCLUSION_JSON.replace(",\"", ", \"").replace("\":", "\": ") + "\n";
    assert_eq!(InclusionProof::from_json(&spaced), Ok(ct_inclusion()));
}

fn check(text: &str, expect: ProofFormatError) {
    assert_eq!(Proof::from_json(text), Err(expect), "{text}");
}

fn bad_hash(field: &str, reason: HashTextError) -> ProofFormatError {
    ProofFormatError::BadHash {
        field: field.to_owned(),
        reason,
    }
}

#[test]
fn strict_reading() {
    let ok_hash = "QnGia+DYqE8L1UyMMC58s6O10fpngKQLzOKHNHfatlg=";
    let hex_hash = "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658";
    let inclusion = |leaf_index: &str, leaf_hash: &str, hashes: &str| {
        format!(r#"{{"leaf_index":{leaf_index},"tree_size":8,"leaf_hash":"{leaf_hash}","hashes":{hashes}}}"#)
    };
    check(
        &inclusion("5", hex_hash, "[]"),
        bad_hash("leaf_hash", HashTextError::Hex),
    );
    check(
        &inclusion("5", ok_hash, &format!(r#"["{ok_hash}","{hex_hash}"]"#)),
        bad_hash("hashes[1]", HashTextError::Hex),
    );
    check(
        &inclusion("5", ok_hash.trim_end_matches('='), "[]"),
        bad_hash("leaf_hash", HashTextError::Unpadded),
    );
    check(
        &inclusion("5", "yoVOoSjtBQtBs1_8G4e46yveRh6eO1WW7Oa51ZdaCuA=", "[]"),
        bad_hash("leaf_hash", HashTextError::UrlSafe),
    );
    check(
        &inclusion("5", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", "[]"),
        bad_hash("leaf_hash", HashTextError::WrongLength { bytes: 31 }),
    );
    check(
        &inclusion("5", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "[]"),
        bad_hash("leaf_hash", HashTextError::WrongLength { bytes: 33 }),
    );
    check(
        &inclusion("-1", ok_hash, "[]"),
        ProofFormatError::NotUnsignedInteger {
            field: "leaf_index",
            found: "-1".to_owned(),
        },
    );
    check(
        &inclusion("-0", ok_hash, "[]"),
        ProofFormatError::NotUnsignedInteger {
            field: "leaf_index",
            found: "-0.0".to_owned(),
        },
    );
    check(
        &inclusion("5.0", ok_hash, "[]"),
        ProofFormatError::NotUnsignedInteger {
            field: "leaf_index",
            found: "5.0".to_owned(),
        },
    );
    check(
        &inclusion("18446744073709551616", ok_hash, "[]"),
        ProofFormatError::NotUnsignedInteger {
            field: "leaf_index",
            found: "1.8446744073709552e+19".to_owned(),
        },
    );
    check(
        &inclusion("\"5\"", ok_hash, "[]"),
        ProofFormatError::WrongType {
            field: "leaf_index".to_owned(),
            expected: "an integer",
            found: "\"5\"".to_owned(),
        },
    );
    check(
        &inclusion("5", ok_hash, &format!(r#""{ok_hash}""#)),
        ProofFormatError::WrongType {
            field: "hashes".to_owned(),
            expected: "an array of hashes",
            found: format!(r#""{ok_hash}""#),
        },
    );
    check(
        &inclusion("5", ok_hash, "[null]"),
        ProofFormatError::WrongType {
            field: "hashes[0]".to_owned(),
            expected: "a base64 string",
            found: "null".to_owned(),
        },
    );
    check(
        r#"{"leaf_index":5,"tree_size":8,"hashes":[]}"#,
        ProofFormatError::MissingField { field: "leaf_hash" },
    );
    check(
        &format!(r#"{{"leaf_index":5,"leaf_hash":"{ok_hash}","hashes":[]}}"#),
        ProofFormatError::MissingField { field: "tree_size" },
    );
    check(
        &format!(r#"{{"leaf_index":5,"tree_size":8,"leaf_hash":"{ok_hash}"}}"#),
        ProofFormatError::MissingField { field: "hashes" },
    );
    check(
        &format!(r#"{{"old_size":1,"new_size":1,"old_root":"{ok_hash}","hashes":[]}}"#),
        ProofFormatError::MissingField { field: "new_root" },
    );
    check(
        &format!(r#"{{"leaf_index":5,"leaf_index":5,"tree_size":8,"leaf_hash":"{ok_hash}","hashes":[]}}"#),
        ProofFormatError::DuplicateField {
            field: "leaf_index".to_owned(),
        },
    );
    check(
        &format!(r#"{{"leaf_index":5,"tree_size":8,"leaf_hash":"{ok_hash}","hashes":[],"note":"x"}}"#),
        ProofFormatError::UnknownField {
            field: "note".to_owned(),
        },
    );
    check(
        &format!(r#"{{"leaf_index":5,"old_size":8,"tree_size":8,"leaf_hash":"{ok_hash}","hashes":[]}}"#),
        ProofFormatError::UnknownField {
            field: "old_size".to_owned(),
        },
    );
    check(r#"{"tree_size":8}"#, ProofFormatError::UnknownKind);
    check("{}", ProofFormatError::UnknownKind);
    for text in [
        "",
        "[]",
        "null",
        "5",
        "{\"leaf_index\":5",
        "{} {}",
        "{\"leaf_index\":05}",
    ] {
        let error = Proof::from_json(text).unwrap_err();
        assert!(matches!(error, ProofFormatError::Json { .. }), "{text:?}: {error}");
    }
    assert_eq!(
        Proof::from_json("{\n\"a\":}").unwrap_err().to_string(),
        "invalid json at line 2, column 5: expected value"
    );
    // Each kind's own reader refuses the other kind.
    assert_eq!(
        InclusionProof::from_json(CT_CONSISTENCY_JSON),
        Err(ProofFormatError::UnknownField {
            field: "old_size".to_owned()
        })
    );
}
