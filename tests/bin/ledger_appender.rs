//! A test-only process for the crash and lock campaigns. `append STORE SEED`
//! appends entries forever (single appends, batches and checkpoints, chosen
//! by a seeded generator) and prints `seq hash` for every entry only after
//! its append returned; `records STORE SEED` does the same with record
//! batches written through the store; `hold STORE` takes the writer lock
//! and waits.

use ledger::{Ledger, WriterOptions};
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let store = std::path::Path::new(&args[2]);
    if args[1] == "records" {
        return append_records(store, args[3].parse().expect("seed"));
    }
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

fn append_records(root: &std::path::Path, seed: u64) {
    let mut store = store::Store::open(root, WriterOptions::default()).expect("open store");
    let mut out = std::io::stdout().lock();
    let mut random = tests::SplitMix64::new(seed);
    let files = ["events/metric.jsonl", "baselines.jsonl"].map(|f| store::RecordFile::new(f).expect("name"));
    loop {
        let mut batches = Vec::new();
        for file in &files {
            if random.below(3) == 0 {
                continue;
            }
            let records = (0..1 + random.below(30))
                .map(|i| serde_json::json!({"i": i, "r": random.next_u64() % 1000, "text": "récord"}))
                .collect();
            batches.push(store::RecordBatch {
                file: file.clone(),
                records,
            });
        }
        let written = store.record(tests::note(0), batches).expect("record");
        let batches: Vec<String> = written
            .batches
            .iter()
            .map(|b| format!("{}:{}:{}:{}", b.file, b.first_line, b.count, tlog_hex(&b.merkle_root)))
            .collect();
        writeln!(
            out,
            "{} {} {}",
            written.entry.seq,
            written.entry.hash,
            batches.join(",")
        )
        .expect("stdout");
        out.flush().expect("stdout");
    }
}

fn tlog_hex(hash: &[u8; 32]) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}
