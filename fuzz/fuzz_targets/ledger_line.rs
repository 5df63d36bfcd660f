//! One ledger line: parse -> to_line -> parse -> to_line is a fixed point.
#![no_main]

use driftledger_fuzz::json_eq;
use libfuzzer_sys::fuzz_target;
use model::LedgerEntry;
use serde_json::{Map, Value};

fn objects_eq(a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
    json_eq(&Value::Object(a.clone()), &Value::Object(b.clone()))
}

/// Field-by-field equality; `params`/`inputs`/`outputs` numbers as values
/// (a line may spell 1 as 1.0; its canonical line spells it 1).
fn same_entry(a: &LedgerEntry, b: &LedgerEntry) -> bool {
    a.v == b.v
        && a.seq == b.seq
        && a.time == b.time
        && a.action == b.action
        && objects_eq(&a.params, &b.params)
        && objects_eq(&a.inputs, &b.inputs)
        && objects_eq(&a.outputs, &b.outputs)
        && a.prev == b.prev
        && a.key == b.key
        && a.hash == b.hash
        && a.sig == b.sig
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(entry) = LedgerEntry::parse_line(text) else {
        return;
    };
    let line = match entry.to_line() {
        Ok(line) => line,
        Err(error) => panic!("parse_line accepted {text:?} but to_line fails: {error}"),
    };
    assert!(
        model::canonical::is_canonical(&line),
        "to_line is not canonical: {line:?}"
    );
    entry
        .unsigned()
        .signing_bytes()
        .expect("signing bytes exist whenever the line does");
    let again =
        LedgerEntry::parse_line(&line).unwrap_or_else(|e| panic!("to_line output {line:?} does not parse: {e}"));
    assert!(
        same_entry(&entry, &again),
        "round trip changed the entry: {text:?} -> {line:?}"
    );
    let line2 = again.to_line().expect("to_line of a re-parsed canonical line");
    assert_eq!(line, line2, "to_line is not idempotent");
    assert_eq!(LedgerEntry::parse_line(&line2).as_ref(), Ok(&again));
});
