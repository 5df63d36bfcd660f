//! A scanner for the one shape of JSON that fast readers take: a flat
//! object whose keys are known field names, each once, and whose values are
//! strings, numbers, booleans or `null`.
//!
//! It checks a line once for UTF-8 and control characters, then walks it
//! token by token, finding each string's end with `memchr`, and borrows
//! every string without escapes; a string with escapes is decoded by
//! `serde_json`, so that escape handling is `serde_json`'s own. Anything
//! else (a nested value, an unknown or repeated key, a key with escapes,
//! invalid UTF-8, a control character anywhere, even as whitespace, bad
//! grammar) makes it decline, and the caller falls back to `serde_json`,
//! which decides and explains.

use std::borrow::Cow;

/// One member's value, as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Token<'a> {
    /// A string, borrowed unless it had escapes.
    Text(Cow<'a, str>),
    /// A number token, checked against the JSON grammar.
    Number(&'a str),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// Scans `line` as a flat JSON object whose keys are all in `fields`;
/// `values[i]` receives the value of `fields[i]` (`values` is as long as
/// `fields` and starts all `None`).
pub fn scan_object<'a>(line: &'a [u8], fields: &[&str], values: &mut [Option<Token<'a>>]) -> Option<()> {
    debug_assert_eq!(fields.len(), values.len());
    // A string must escape control characters, and whitespace is rarely
    // anything but spaces: a line with any control character is left to
    // `serde_json`, and strings need no check of their own.
    if has_control(line) {
        return None;
    }
    let text = std::str::from_utf8(line).ok()?;
    let mut at = skip_space(line, 0);
    if line.get(at) != Some(&b'{') {
        return None;
    }
    at = skip_space(line, at + 1);
    if line.get(at) == Some(&b'}') {
        return (skip_space(line, at + 1) == line.len()).then_some(());
    }
    // Writers usually put the fields in the same order on every line, and
    // often in the format's order: try the field after the last one first.
    let mut expected = 0;
    loop {
        let (key, after) = plain_string(line, at)?;
        let slot = match fields.get(expected) {
            Some(field) if field.as_bytes() == key => expected,
            _ => fields.iter().position(|field| field.as_bytes() == key)?,
        };
        expected = slot + 1;
        if values[slot].is_some() {
            return None;
        }
        at = skip_space(line, after);
        if line.get(at) != Some(&b':') {
            return None;
        }
        at = skip_space(line, at + 1);
        let (value, after) = token(text, at)?;
        values[slot] = Some(value);
        at = skip_space(line, after);
        match line.get(at) {
            Some(b',') => at = skip_space(line, at + 1),
            Some(b'}') => return (skip_space(line, at + 1) == line.len()).then_some(()),
            _ => return None,
        }
    }
}

/// A reader of one exact layout of a flat object: the members its writer
/// puts out, in the writer's order, without whitespace and with string
/// values free of escapes, as the store writes every record. Reading a line
/// this way takes fixed comparisons and one search per value; any
/// difference from the layout makes it decline, and the caller falls back
/// to [`scan_object`].
#[derive(Debug)]
pub struct Layout<'a> {
    line: &'a str,
    at: usize,
}

impl<'a> Layout<'a> {
    /// Starts reading `line`, if it is text without control characters.
    #[inline]
    pub fn start(line: &'a [u8]) -> Option<Layout<'a>> {
        // A string must escape control characters, and the layout has no
        // whitespace: a line with any is not in it.
        if has_control(line) {
            return None;
        }
        let line = std::str::from_utf8(line).ok()?;
        Some(Layout { line, at: 0 })
    }

    /// Reads `opening` (the text up to a string value's opening quote, such
    /// as `{"a":"` or `,"b":"`) and the string after it.
    #[inline]
    pub fn text<const N: usize>(&mut self, opening: &[u8; N]) -> Option<&'a str> {
        self.literal(opening)?;
        self.rest_of_string()
    }

    /// Reads an optional member, written as `key` (such as `,"b":`) and a
    /// string or `null`, or left out: `Some(None)` when it is `null` or
    /// absent.
    #[inline]
    pub fn optional_text<const N: usize>(&mut self, key: &[u8; N]) -> Option<Option<&'a str>> {
        if self.literal(key).is_none() {
            return Some(None);
        }
        if self.literal(b"null").is_some() {
            return Some(None);
        }
        self.literal(b"\"")?;
        self.rest_of_string().map(Some)
    }

    /// Reads `key` (such as `,"b":`) and the number after it, checked
    /// against the JSON grammar; the token is returned as written.
    #[inline]
    pub fn number<const N: usize>(&mut self, key: &[u8; N]) -> Option<&'a str> {
        self.literal(key)?;
        let start = self.at;
        let end = number_end(self.line.as_bytes(), start)?;
        self.at = end;
        Some(&self.line[start..end])
    }

    /// Reads `closing`, which must end the line.
    #[inline]
    pub fn end<const N: usize>(mut self, closing: &[u8; N]) -> Option<()> {
        self.literal(closing)?;
        (self.at == self.line.len()).then_some(())
    }

    #[inline]
    fn literal<const N: usize>(&mut self, expected: &[u8; N]) -> Option<()> {
        // Of a length known when compiled, so compared without a call.
        let bytes: &[u8; N] = self.line.as_bytes().get(self.at..self.at + N)?.try_into().ok()?;
        (bytes == expected).then(|| self.at += N)
    }

    /// The string whose opening quote was just read, up to its closing
    /// one, which is read too; a string with an escape is declined.
    #[inline]
    fn rest_of_string(&mut self) -> Option<&'a str> {
        let end = plain_string_end(self.line.as_bytes(), self.at)?;
        let text = &self.line[self.at..end];
        self.at = end + 1;
        Some(text)
    }
}

/// JSON whitespace (RFC 8259 §2).
fn skip_space(line: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = line.get(at) {
        at += 1;
    }
    at
}

/// A string without escapes or control characters starting at `at` (its
/// opening quote): its content and the position after its closing quote.
fn plain_string(line: &[u8], at: usize) -> Option<(&[u8], usize)> {
    if line.get(at) != Some(&b'"') {
        return None;
    }
    let start = at + 1;
    let end = plain_string_end(line, start)?;
    Some((&line[start..end], end + 1))
}

/// Where the string whose content starts at `start` closes (its quote), if
/// no escape comes first.
#[inline]
fn plain_string_end(line: &[u8], start: usize) -> Option<usize> {
    let end = start + memchr::memchr2(b'"', b'\\', &line[start..])?;
    (line[end] == b'"').then_some(end)
}

/// Whether `bytes` holds a C0 control character. Checked once per line,
/// without stopping early so that it runs many bytes at a time.
fn has_control(bytes: &[u8]) -> bool {
    bytes.iter().fold(false, |seen, b| seen | (*b < 0x20))
}

/// The value starting at `at` and the position after it.
fn token(text: &str, at: usize) -> Option<(Token<'_>, usize)> {
    let line = text.as_bytes();
    match *line.get(at)? {
        b'"' => string(text, at),
        b't' => literal(line, at, b"true", Token::Bool(true)),
        b'f' => literal(line, at, b"false", Token::Bool(false)),
        b'n' => literal(line, at, b"null", Token::Null),
        b'-' | b'0'..=b'9' => {
            let end = number_end(line, at)?;
            Some((Token::Number(&text[at..end]), end))
        }
        _ => None,
    }
}

fn literal<'a>(line: &[u8], at: usize, word: &[u8], token: Token<'a>) -> Option<(Token<'a>, usize)> {
    line[at..].starts_with(word).then_some((token, at + word.len()))
}

/// A string value: borrowed when it has no escapes, otherwise decoded by
/// `serde_json` (which also refuses bad escapes and lone surrogates).
fn string(text: &str, at: usize) -> Option<(Token<'_>, usize)> {
    let line = text.as_bytes();
    let start = at + 1;
    let mut end = start;
    let mut escaped = false;
    loop {
        // Up to the next quote or backslash in one search; the byte after
        // a backslash is the escape's, whatever it is.
        let next = end + memchr::memchr2(b'"', b'\\', line.get(end..)?)?;
        if line[next] == b'"' {
            end = next;
            break;
        }
        escaped = true;
        end = next + 2;
    }
    if !escaped {
        return Some((Token::Text(Cow::Borrowed(&text[start..end])), end + 1));
    }
    let decoded: String = serde_json::from_str(text.get(at..end + 1)?).ok()?;
    Some((Token::Text(Cow::Owned(decoded)), end + 1))
}

/// The end of the number starting at `at`, if it follows the JSON grammar
/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn number_end(line: &[u8], mut at: usize) -> Option<usize> {
    let digits = |from: usize| from + line[from..].iter().take_while(|b| b.is_ascii_digit()).count();
    if line[at] == b'-' {
        at += 1;
    }
    match line.get(at)? {
        b'0' => at += 1,
        b'1'..=b'9' => at = digits(at),
        _ => return None,
    }
    if line.get(at) == Some(&b'.') {
        let end = digits(at + 1);
        if end == at + 1 {
            return None;
        }
        at = end;
    }
    if let Some(b'e' | b'E') = line.get(at) {
        at += 1;
        if let Some(b'+' | b'-') = line.get(at) {
            at += 1;
        }
        let end = digits(at);
        if end == at {
            return None;
        }
        at = end;
    }
    // A number runs into nothing but a delimiter.
    match line.get(at) {
        None | Some(b' ' | b'\t' | b'\n' | b'\r' | b',' | b'}') => Some(at),
        _ => None,
    }
}

/// The double `serde_json` reads for a number token: its decimal value
/// rounded correctly, as both `serde_json` (with `float_roundtrip`, and
/// keeping the sign of `-0`) and the standard library do; the tests hold
/// them equal bit for bit.
pub fn to_f64(token: &str) -> Option<f64> {
    token.parse().ok()
}

/// A non-negative integer token (digits only) that fits 64 bits.
pub fn to_u64(token: &str) -> Option<u64> {
    if token.bytes().all(|b| b.is_ascii_digit()) {
        token.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn scan(line: &str) -> Option<Vec<Option<Token<'_>>>> {
        let fields = ["a", "b", "c"];
        let mut values = vec![None, None, None];
        scan_object(line.as_bytes(), &fields, &mut values)?;
        Some(values)
    }

    #[test]
    fn flat_objects() {
        let text = |s: &'static str| Some(Token::Text(Cow::Borrowed(s)));
        assert_eq!(
            scan(r#" { "a" : "x" , "c":-1.5e3,"b":null } "#),
            Some(vec![text("x"), Some(Token::Null), Some(Token::Number("-1.5e3"))])
        );
        assert_eq!(scan("{}"), Some(vec![None, None, None]));
        assert_eq!(
            scan(r#"{"a":"caf\u00e9 \"q\""}"#),
            Some(vec![Some(Token::Text(Cow::Owned("café \"q\"".to_owned()))), None, None])
        );
        assert_eq!(scan(r#"{"a":true,"b":false}"#).unwrap()[1], Some(Token::Bool(false)));
        for declined in [
            r#"{"a":1,"a":2}"#,
            r#"{"d":1}"#,
            r#"{"\u0061":1}"#,
            r#"{"a":[1]}"#,
            r#"{"a":{"b":1}}"#,
            r#"{"a":1,}"#,
            r#"{"a":1} x"#,
            r#"{"a":1"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":.5}"#,
            r#"{"a":+1}"#,
            r#"{"a":1e}"#,
            r#"{"a":-}"#,
            r#"{"a":NaN}"#,
            r#"{"a":tru}"#,
            r#"{"a":truex}"#,
            r#"{"a":1x}"#,
            "{\"a\":\"tab\there\"}",
            r#"{"a":"\ud800"}"#,
            r#"{"a":"\x"}"#,
            r#"{"a":"unterminated}"#,
            r#"["a"]"#,
            "",
        ] {
            assert_eq!(scan(declined), None, "{declined}");
        }
        let mut values = [None];
        assert_eq!(scan_object(b"{\"a\":\"\xff\"}", &["a"], &mut values), None);
    }

    #[test]
    fn numbers_read_as_serde_json_reads_them() {
        for token in [
            "-0",
            "0",
            "-0.0",
            "5",
            "-5",
            "183.0",
            "1e400",
            "18446744073709551616",
            "2.5e-320",
        ] {
            let expected: f64 = serde_json::from_str(token).unwrap_or(f64::INFINITY);
            assert_eq!(to_f64(token).map(f64::to_bits), Some(expected.to_bits()), "{token}");
        }
        assert_eq!(to_u64("404"), Some(404));
        assert_eq!(to_u64("-0"), None);
        assert_eq!(to_u64("18446744073709551616"), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]
        /// Any token of the JSON number grammar reads as the same double.
        #[test]
        fn any_json_number_reads_as_serde_json_reads_it(
            token in "-?(0|[1-9][0-9]{0,24})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?"
        ) {
            let line = format!("{{\"a\":{token}}}");
            let mut values = [None];
            prop_assert!(scan_object(line.as_bytes(), &["a"], &mut values).is_some());
            prop_assert_eq!(&values[0], &Some(Token::Number(&token)));
            match serde_json::from_str::<f64>(&token) {
                Ok(expected) => prop_assert_eq!(to_f64(&token).map(f64::to_bits), Some(expected.to_bits())),
                // Out of range for serde_json: the fast path must not take it either.
                Err(_) => prop_assert!(to_f64(&token).is_none_or(|v| !v.is_finite())),
            }
        }
    }
}
