//! The RFC 8785 writer: a [`Value`] straight to its canonical text.
//!
//! Written out here rather than through a serde `Formatter` because a
//! formatter sees an object's members one at a time and must buffer and sort
//! every one of them, allocating per member; a [`Value`] already holds its
//! members, so sorting borrowed keys is enough. Ingest writes several
//! canonical forms of every event, and this is most of its cost. Number
//! spelling (ECMAScript `Number.prototype.toString`, RFC 8785 §3.2.2.3) is
//! `ryu-js`'s; the output is checked against the RFC's vectors and, by
//! property tests, against `serde_json_canonicalizer`.

use serde_json::{Map, Value};
use std::cmp::Ordering;

/// Appends the canonical text of `value` to `out`; `None` when the value
/// holds a number that is not finite (which `serde_json` values cannot, but
/// the type allows through arbitrary precision).
pub(crate) fn write_value(out: &mut String, value: &Value) -> Option<()> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => write_number(out, number.as_f64()?)?,
        Value::String(text) => write_string(out, text),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item)?;
            }
            out.push(']');
        }
        Value::Object(members) => write_object(out, members, &[])?,
    }
    Some(())
}

/// Appends the canonical text of the object `members` plus `extra` string
/// members (whose keys must not be in `members`), without building the
/// merged object: how a record gets its `id` and `hash` members.
pub(crate) fn write_object(out: &mut String, members: &Map<String, Value>, extra: &[(&str, &str)]) -> Option<()> {
    let mut keys: Vec<(&str, Option<&Value>, Option<&str>)> = Vec::with_capacity(members.len() + extra.len());
    keys.extend(members.iter().map(|(key, value)| (key.as_str(), Some(value), None)));
    keys.extend(extra.iter().map(|(key, text)| (*key, None, Some(*text))));
    // `serde_json` maps iterate in code point order (or insertion order with
    // `preserve_order`); RFC 8785 wants UTF-16 code unit order.
    if !keys.is_sorted_by(|a, b| utf16_cmp(a.0, b.0) != Ordering::Greater) {
        keys.sort_by(|a, b| utf16_cmp(a.0, b.0));
    }
    out.push('{');
    for (i, (key, value, text)) in keys.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, key);
        out.push(':');
        match (value, text) {
            (Some(value), _) => write_value(out, value)?,
            (None, Some(text)) => write_string(out, text),
            (None, None) => unreachable!("every key has a value or a text"),
        }
    }
    out.push('}');
    Some(())
}

pub(crate) fn write_number(out: &mut String, number: f64) -> Option<()> {
    if !number.is_finite() {
        return None;
    }
    out.push_str(ryu_js::Buffer::new().format_finite(number));
    Some(())
}

/// A whole number up to 2^53 − 1 as [`write_number`] writes it: below
/// 10^21 the ECMAScript form of an integral double is its plain digits, so
/// the shortest-double search is skipped (a test holds the two equal).
pub(crate) fn write_unsigned(out: &mut String, number: u64) {
    debug_assert!(number <= super::MAX_SAFE_INTEGER);
    out.push_str(itoa::Buffer::new().format(number));
}

/// The canonical form of a JSON number token, when it is the token itself
/// or the token without trailing zeros after the point (`3.0` → `3`,
/// `1.50` → `1.5`), so that it can be copied rather than parsed and
/// written: a plain decimal (no exponent, not `-0`) of at most 15
/// significant digits, at least 10^−6 in magnitude. `None` means that the
/// token must go through [`write_number`].
///
/// Why that suffices: any decimal of at most 15 significant digits survives
/// the trip to the nearest double and back to 15 digits (IEEE 754's
/// `DBL_DIG`), so no other decimal of at most that many digits, shorter or
/// not, rounds to the same double; the shortest round-trip digits that
/// ECMAScript prints are therefore the token's own. Between 10^−6 and 10^21
/// ECMAScript prints them without an exponent, as the token does. A test
/// holds this against `ryu_js` on generated tokens.
pub(crate) fn canonical_number_text(token: &str) -> Option<&str> {
    let negative = token.starts_with('-');
    let digits = &token.as_bytes()[usize::from(negative)..];
    let (whole, fraction) = match digits.iter().position(|b| *b == b'.') {
        Some(point) => (&digits[..point], &digits[point + 1..]),
        None => (digits, &[][..]),
    };
    let plain = |part: &[u8]| part.iter().all(u8::is_ascii_digit);
    if whole.is_empty() || !plain(whole) || !plain(fraction) || (whole.len() > 1 && whole[0] == b'0') {
        return None;
    }
    if digits.len() > whole.len() && fraction.is_empty() {
        return None;
    }
    let fraction = &fraction[..fraction.iter().rposition(|b| *b != b'0').map_or(0, |last| last + 1)];
    let canonical = match fraction.len() {
        0 => &token[..usize::from(negative) + whole.len()],
        n => &token[..usize::from(negative) + whole.len() + 1 + n],
    };
    if whole != b"0" {
        return (whole.len() + fraction.len() <= 15).then_some(canonical);
    }
    match fraction.iter().position(|b| *b != b'0') {
        // The zero itself: `-0` is written `0`.
        None => (!negative).then_some(canonical),
        Some(leading_zeros) => (leading_zeros <= 5 && fraction.len() - leading_zeros <= 15).then_some(canonical),
    }
}

/// RFC 8785 §3.2.2.2: only `"`, `\` and the C0 controls are escaped, with
/// the short forms where JSON has one and lowercase `\u00xx` otherwise.
pub(crate) fn write_string(out: &mut String, text: &str) {
    out.push('"');
    // Most strings need no escape: one pass that runs many bytes at a time
    // finds out, and they are copied whole.
    let needs_escape = text.bytes().fold(false, |seen, byte| {
        seen | (byte < 0x20) | (byte == b'"') | (byte == b'\\')
    });
    if !needs_escape {
        out.push_str(text);
        out.push('"');
        return;
    }
    let mut plain_from = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escape: &str = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\x08' => "\\b",
            b'\x0c' => "\\f",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&text[plain_from..at]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 0xf)] as char);
        } else {
            out.push_str(escape);
        }
        plain_from = at + 1;
    }
    out.push_str(&text[plain_from..]);
    out.push('"');
}

/// Compares two strings by their UTF-16 code units (RFC 8785 §3.2.3). This
/// differs from code point order only where a character beyond U+FFFF (a
/// surrogate pair, D800–DFFF) meets one in U+E000–U+FFFF.
pub(crate) fn utf16_cmp(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    let units = |c: char| {
        let mut buffer = [0u16; 2];
        let encoded = c.encode_utf16(&mut buffer);
        (encoded[0], encoded.get(1).copied().unwrap_or(0))
    };
    for (x, y) in a.chars().zip(b.chars()) {
        if x != y {
            return units(x).cmp(&units(y));
        }
    }
    a.chars().count().cmp(&b.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn canonical(value: &Value) -> String {
        let mut out = String::new();
        write_value(&mut out, value).unwrap();
        out
    }

    proptest! {
        #[test]
        fn whole_numbers_are_written_as_doubles_are(
            number in prop_oneof![0..1000u64, 0..=super::super::MAX_SAFE_INTEGER],
        ) {
            let (mut plain, mut double) = (String::new(), String::new());
            write_unsigned(&mut plain, number);
            write_number(&mut double, number as f64).unwrap();
            prop_assert_eq!(plain, double);
        }
    }

    /// A decimal token of up to 17 significant digits, with up to 8 zeros
    /// after the point before them, or a few hand-picked edge forms.
    fn decimal_token() -> impl Strategy<Value = String> {
        prop_oneof![
            ("-?", "(0|[1-9][0-9]{0,16})", proptest::option::of("[0-9]{0,17}")).prop_map(|(sign, whole, fraction)| {
                match fraction {
                    Some(fraction) => format!("{sign}{whole}.{fraction}"),
                    None => format!("{sign}{whole}"),
                }
            }),
            ("-?", 0usize..9, "[1-9][0-9]{0,16}")
                .prop_map(|(sign, zeros, digits)| { format!("{sign}0.{}{digits}", "0".repeat(zeros)) }),
            prop::sample::select(
                vec![
                    "0",
                    "-0",
                    "0.0",
                    "-0.0",
                    "1.0",
                    "3.000",
                    "100",
                    "0.000001",
                    "0.0000001",
                    "-0.000001",
                    "999999999999999",
                    "9999999999999999",
                    "0.1",
                    "0.30000000000000004",
                    "123456789012345.6",
                    "12345678901234.5",
                    "01",
                    "1.",
                    ".5",
                    "1e5",
                    "--1",
                ]
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
            ),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        /// A canonical form found in a token is exactly what writing its
        /// double gives.
        #[test]
        fn canonical_number_text_is_what_its_double_is_written_as(token in decimal_token()) {
            if let Some(canonical) = canonical_number_text(&token) {
                let value: f64 = token.parse().unwrap();
                let mut written = String::new();
                write_number(&mut written, value).unwrap();
                prop_assert_eq!(written, canonical);
            }
        }
    }

    #[test]
    fn canonical_number_text_takes_the_plain_forms_and_leaves_the_rest() {
        for (token, canonical) in [
            ("0", "0"),
            ("14.69", "14.69"),
            ("-3.5", "-3.5"),
            ("1500", "1500"),
            ("0.000001", "0.000001"),
            ("-0.5", "-0.5"),
            ("999999999999999", "999999999999999"),
            ("0.123456789012345", "0.123456789012345"),
            ("3.0", "3"),
            ("-100.00", "-100"),
            ("1.50", "1.5"),
            ("0.0", "0"),
            ("999999999999999.000", "999999999999999"),
        ] {
            assert_eq!(canonical_number_text(token), Some(canonical), "{token}");
        }
        for other in [
            "-0",
            "-0.0",
            "0.0000001",
            "1e5",
            "1E5",
            "01",
            "1.",
            ".5",
            "",
            "-",
            "9999999999999999",
            "0.1234567890123456",
            "12345678901234.56",
            "1,5",
            "+1",
            "-",
            "-.5",
        ] {
            assert_eq!(canonical_number_text(other), None, "{other}");
        }
    }

    #[test]
    fn keys_sort_by_utf16_code_units_not_code_points() {
        // U+1F600 is D83D DE00 in UTF-16, below U+FB01 (ﬁ) there, above it as a code point.
        let value = json!({"\u{fb01}": 1, "\u{1f600}": 2, "a": 3});
        assert_eq!(canonical(&value), "{\"a\":3,\"\u{1f600}\":2,\"\u{fb01}\":1}");
    }

    #[test]
    fn extra_members_are_merged_in_order() {
        let Value::Object(members) = json!({"value": 1.5, "entity": "a"}) else {
            unreachable!()
        };
        let mut out = String::new();
        write_object(&mut out, &members, &[("hash", "h"), ("id", "i")]).unwrap();
        assert_eq!(out, r#"{"entity":"a","hash":"h","id":"i","value":1.5}"#);
    }

    fn arbitrary_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| json!(f)),
            any::<i32>().prop_map(|i| json!(i)),
            "\\PC*|[\\x00-\\x20\"\\\\/\u{e000}-\u{ffff}\u{10000}-\u{10ffff}]{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map("[a-c\u{e000}\u{ffff}\u{10000}\u{1f600}\"\\\\]{0,3}", inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn agrees_with_serde_json_canonicalizer(value in arbitrary_value()) {
            let oracle = serde_json_canonicalizer::to_string(&value).unwrap();
            prop_assert_eq!(canonical(&value), oracle);
        }
    }
}
