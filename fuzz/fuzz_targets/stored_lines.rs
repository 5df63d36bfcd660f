//! Reading stored events: whatever the bytes, the fast readers of behaviour
//! and metric events (the store's exact layout, then the flat-object
//! scanner) give what `serde_json` gives: the same event (a metric's value
//! the same double, bit for bit), or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use model::event::{StoredBehaviorEvent, StoredMetricEvent};

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

    let fast = StoredMetricEvent::from_line(data);
    let reference = serde_json::from_slice::<StoredMetricEvent<'_>>(data);
    match (fast, reference) {
        (Ok(fast), Ok(reference)) => {
            assert_eq!(
                fast.value.to_bits(),
                reference.value.to_bits(),
                "{:?}",
                String::from_utf8_lossy(data)
            );
            assert_eq!(fast, reference, "{:?}", String::from_utf8_lossy(data));
        }
        (Err(_), Err(_)) => {}
        (fast, reference) => panic!(
            "{:?}: fast metric reader gave {fast:?}, serde_json {reference:?}",
            String::from_utf8_lossy(data)
        ),
    }
});
