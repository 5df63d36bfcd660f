//! RFC 8785 known-answer tests: the canonical form must match the RFC's
//! published examples byte for byte, whatever library produces it.

use model::canonical::{self, CanonicalError};
use serde_json::{Value, json};

/// RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical spelling
/// (transcribed from the RFC's sample table).
const APPENDIX_B: &[(&str, &str)] = &[
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
];

#[test]
fn appendix_b_numbers() {
    for (bits, expected) in APPENDIX_B {
        let value = f64::from_bits(u64::from_str_radix(bits, 16).unwrap());
        let got = canonical::canonicalize_value(&json!(value)).unwrap();
        assert_eq!(&got, expected, "ieee754 {bits}");
    }
}

#[test]
fn appendix_b_numbers_must_fail() {
    // NaN and the infinities have no JSON spelling: a JSON number cannot even
    // hold them, so no canonical text can contain one.
    for bits in ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"] {
        let value = f64::from_bits(u64::from_str_radix(bits, 16).unwrap());
        assert!(serde_json::Number::from_f64(value).is_none(), "{bits}");
    }
    for text in ["NaN", "Infinity", "-Infinity", "1e400"] {
        assert!(canonical::canonicalize_text(text).is_err(), "{text}");
    }
}

/// RFC 8785 section 3.2.2: the worked example of a whole document.
#[test]
fn section_3_2_2_example() {
    let input = r#"{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}"#;
    let expected = r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#;
    assert_eq!(canonical::canonicalize_text(input).unwrap(), expected);
}

/// RFC 8785 section 3.2.3: keys sorted by UTF-16 code units, not code points.
#[test]
fn section_3_2_3_sorting() {
    let input = r#"{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}"#;
    let expected = r#"{"\r":"Carriage Return","1":"One","":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","😀":"Emoji: Grinning Face","דּ":"Hebrew Letter Dalet With Dagesh"}"#;
    assert_eq!(canonical::canonicalize_text(input).unwrap(), expected);
}

fn check(value: Value, expected: &str) {
    assert_eq!(canonical::canonicalize_value(&value).unwrap(), expected, "{value:?}");
}

#[test]
fn tricky_numbers() {
    check(json!(1e21), "1e+21");
    check(json!(1e20), "100000000000000000000");
    check(json!(1e-7), "1e-7");
    check(json!(1e-6), "0.000001");
    check(json!(5e-324), "5e-324");
    check(json!(-0.0), "0");
    check(json!(1.0), "1");
    check(json!(0.1 + 0.2), "0.30000000000000004");
    check(json!(1.0 / 3.0), "0.3333333333333333");
    check(json!(1.2345678901234568e20), "123456789012345680000");
    check(json!(9007199254740991_u64), "9007199254740991");
    check(json!(-9007199254740991_i64), "-9007199254740991");
    check(json!(9007199254740992.0), "9007199254740992");
    check(json!(9007199254740994.0), "9007199254740994");
}

#[test]
fn integers_a_double_cannot_hold_are_refused() {
    for value in [
        json!({"seed": 9007199254740993_u64}),
        json!([-9007199254740993_i64]),
        json!(u64::MAX),
    ] {
        let err = canonical::canonicalize_value(&value).unwrap_err();
        assert!(matches!(err, CanonicalError::InexactInteger { .. }), "{value}: {err}");
    }
    let err = canonical::canonicalize_value(&json!({"a": [1, {"n/x": 18446744073709551615_u64}]})).unwrap_err();
    assert_eq!(
        err,
        CanonicalError::InexactInteger {
            value: "18446744073709551615".into(),
            path: "/a/1/n~1x".into(),
            reads_as: "18446744073709552000".into()
        }
    );
    // Exactly representable integers are RFC 8785 numbers like any other.
    check(json!(9007199254740992_u64), "9007199254740992");
    check(json!(10000000000000000_u64), "10000000000000000");
}

#[test]
fn stored_values_never_spell_an_integer_beyond_2_pow_53() {
    // A stored value must read back the same in stacks that parse integer
    // literals as integers: Python's rfc8785 refuses them, JavaScript rounds.
    for value in [
        json!(9007199254740992_u64),
        json!(1e16),
        json!(1.5e16),
        json!(-1e20),
        json!({"x": [2.0f64.powi(60)]}),
    ] {
        let err = canonical::to_canonical_string(&value).unwrap_err();
        assert!(matches!(err, CanonicalError::UnsafeInteger { .. }), "{value}: {err}");
    }
    // Beyond 1e21 the spelling has an exponent, so no integer literal arises.
    for (value, expected) in [
        (json!(9007199254740991_u64), "9007199254740991"),
        (json!(-9007199254740991_i64), "-9007199254740991"),
        (json!(1e21), "1e+21"),
        (json!(900_719_925_474_099.1), "900719925474099.1"),
        (json!(0.5), "0.5"),
    ] {
        assert_eq!(canonical::to_canonical_string(&value).unwrap(), expected);
    }
}

/// Canonicalization is idempotent where a double's canonical spelling is an
/// integer literal beyond 2^53 (both found by fuzzing): `1e16` is exactly
/// 10^16; 88888888888888888.8 is the double 88888888888888896, which RFC
/// 8785 spells with the shortest round-tripping digits.
#[test]
fn canonical_integer_spellings_of_doubles_are_canonical() {
    for (text, expected) in [
        ("1e16", "10000000000000000"),
        ("88888888888888888.8", "88888888888888900"),
    ] {
        let canonical = canonical::canonicalize_text(text).unwrap();
        assert_eq!(canonical, expected);
        assert_eq!(canonical::canonicalize_text(&canonical).unwrap(), canonical);
        assert!(canonical::is_canonical(&canonical));
    }
    // Integer literals that reading as a double would change are refused,
    // not silently rounded or respelled.
    for text in ["88888888888888896", "9007199254740993", "18446744073709551615"] {
        let err = canonical::canonicalize_text(text).unwrap_err();
        assert!(matches!(err, CanonicalError::InexactInteger { .. }), "{text}: {err}");
    }
}

#[test]
fn strings_and_escapes() {
    check(json!("\u{1}"), r#""\u0001""#);
    check(json!("\u{1f}\u{7f}"), "\"\\u001f\u{7f}\"");
    check(json!("tab\tnl\ncr\rff\u{c}bs\u{8}"), r#""tab\tnl\ncr\rff\fbs\b""#);
    check(json!("quote\" backslash\\ slash/"), r#""quote\" backslash\\ slash/""#);
    check(json!("Zoë \u{2028} \u{1F600}"), "\"Zoë \u{2028} \u{1F600}\"");
    assert_eq!(canonical::canonicalize_text(r#""Zo\u00eb\/""#).unwrap(), "\"Zoë/\"");
}

#[test]
fn keys_sort_by_utf16_code_units() {
    // U+1F600 is the surrogate pair D83D DE00, which sorts before U+E000.
    check(
        json!({"\u{e000}": 1, "\u{1F600}": 2, "a": 3, "B": 4}),
        "{\"B\":4,\"a\":3,\"\u{1F600}\":2,\"\u{e000}\":1}",
    );
}

#[test]
fn is_canonical_detects_every_respelling() {
    let canonical = r#"{"a":1.4826,"b":"Zoë","c":[1,2]}"#;
    assert!(canonical::is_canonical(canonical));
    for respelled in [
        r#"{"a":1.48260,"b":"Zoë","c":[1,2]}"#,
        r#"{"a":1.4826,"b":"Zo\u00eb","c":[1,2]}"#,
        r#"{"b":"Zoë","a":1.4826,"c":[1,2]}"#,
        r#"{"a":1.4826, "b":"Zoë","c":[1,2]}"#,
        r#"{"a":1.4826,"a":1.4826,"b":"Zoë","c":[1,2]}"#,
        r#"{"a":14826e-4,"b":"Zoë","c":[1,2]}"#,
    ] {
        assert!(!canonical::is_canonical(respelled), "{respelled}");
    }
}
