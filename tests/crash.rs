//! The crash campaign: a separate process appends single entries, batches
//! and checkpoints as fast as it can and is killed with SIGKILL at a random
//! moment, over and over. After each kill, opening the store (which runs
//! recovery) must succeed, and at the end every entry whose append had
//! returned (the child prints it only then) must be in the ledger with the
//! hash it was reported with, and the whole ledger must verify.

use ledger::{Ledger, VerifyOptions, WriterOptions, verify_ledger};
use std::collections::BTreeMap;
use std::time::Duration;
use tests::SplitMix64;

const KILLS: usize = 100;

#[test]
fn sigkill_during_appends_loses_no_reported_entry() {
    let dir = tempfile::tempdir().unwrap();
    drop(tests::init_test_store(dir.path()));
    let mut reported: BTreeMap<u64, String> = BTreeMap::new();
    let mut random = SplitMix64::new(42);
    for round in 0..KILLS {
        let output = tests::run_until_killed(
            env!("CARGO_BIN_EXE_ledger-appender"),
            &["append", dir.path().to_str().unwrap(), &round.to_string()],
            Duration::from_micros(2_000 + random.below(40_000)),
        );
        for line in output.lines() {
            // A line cut by the kill is not a report: the child writes the
            // newline last.
            let Some((seq, hash)) = line.split_once(' ') else {
                continue;
            };
            if hash.len() == 64 {
                reported.insert(seq.parse().unwrap(), hash.to_owned());
            }
        }
        let ledger = Ledger::open(dir.path(), WriterOptions::default())
            .unwrap_or_else(|e| panic!("round {round}: recovery failed: {e}"));
        drop(ledger);
    }
    assert!(
        reported.len() > KILLS,
        "the appender reported only {} entries",
        reported.len()
    );

    let report = verify_ledger(dir.path(), &VerifyOptions::default()).unwrap();
    assert!(report.is_ok(), "{:?}", report.findings);
    let lines = ledger::reader::read_lines(dir.path(), |_| true).unwrap();
    for (seq, hash) in &reported {
        let entry = lines[*seq as usize].entry.as_ref().unwrap();
        assert_eq!(
            &entry.hash, hash,
            "entry {seq} reported as written is not in the ledger"
        );
    }
}
