//! A test-only process for the crash and lock campaigns. `append STORE SEED`
//! appends entries forever (single appends, batches and checkpoints, chosen
//! by a seeded generator) and prints `seq hash` for every entry only after
//! its append returned; `hold STORE` takes the writer lock and waits.

use ledger::{Ledger, WriterOptions};
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let store = std::path::Path::new(&args[2]);
    let mut ledger = Ledger::open(store, WriterOptions::default()).expect("open store");
    let mut out = std::io::stdout().lock();
    if args[1] == "hold" {
        writeln!(out, "locked {}", std::process::id()).expect("stdout");
        out.flush().expect("stdout");
        std::thread::sleep(std::time::Duration::from_secs(600));
        return;
    }
    let mut random = tests::SplitMix64::new(args[3].parse().expect("seed"));
    let mut index = ledger.size();
    loop {
        let written = match random.below(10) {
            0 => vec![ledger.sign_checkpoint().expect("checkpoint").entry],
            1..=4 => vec![ledger.append(tests::note(index)).expect("append")],
            _ => {
                let n = 1 + random.below(40);
                ledger
                    .append_batch((0..n).map(|i| tests::note(index + i)).collect())
                    .expect("batch")
            }
        };
        index += written.len() as u64;
        for entry in written {
            writeln!(out, "{} {}", entry.seq, entry.hash).expect("stdout");
        }
        out.flush().expect("stdout");
    }
}
