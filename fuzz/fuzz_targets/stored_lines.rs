//! Reading stored behaviour events: whatever the bytes, the fast readers
//! (the store's exact layout, then the flat-object scanner) give what
//! `serde_json` gives: the same event, or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use model::event::StoredBehaviorEvent;

fuzz_target!(|data: &[u8]| {
    let fast = StoredBehaviorEvent::from_line(data);
    let reference = serde_json::from_slice::<StoredBehaviorEvent<'_>>(data);
    match (fast, reference) {
        (Ok(fast), Ok(reference)) => assert_eq!(fast, reference, "{:?}", String::from_utf8_lossy(data)),
        (Err(_), Err(_)) => {}
        (fast, reference) => panic!(
            "{:?}: fast reader gave {fast:?}, serde_json {reference:?}",
            String::from_utf8_lossy(data)
        ),
    }
});
