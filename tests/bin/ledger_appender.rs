//! A test-only process for the crash and lock campaigns. `append STORE SEED`
//! appends entries forever (single appends, batches and checkpoints, chosen
//! by a seeded generator) and prints `seq hash` for every entry only after
//! its append returned; `records STORE SEED` does the same with record
//! batches written through the store; `ingest STORE SEED WORKDIR` ingests
//! generated metric files (some gzip-compressed, some with a bad line
//! quarantined) and prints `seq hash events raw_sha256` for each ingest that
//! returned; `hold STORE` takes the writer lock and waits.

use ledger::{Ledger, WriterOptions};
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let store = std::path::Path::new(&args[2]);
    if args[1] == "records" {
        return append_records(store, args[3].parse().expect("seed"));
    }
    if args[1] == "ingest" {
        return ingest_files(store, args[3].parse().expect("seed"), std::path::Path::new(&args[4]));
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

fn ingest_files(root: &std::path::Path, seed: u64, work: &std::path::Path) {
    let mut store = store::Store::open(root, WriterOptions::default()).expect("open store");
    let mut out = std::io::stdout().lock();
    let mut random = tests::SplitMix64::new(seed);
    std::fs::create_dir_all(work).expect("work directory");
    for round in 0.. {
        let config = synth::metric::MetricConfig {
            seed: seed * 1_000 + round,
            entities: 20,
            limit: Some(2_000 + random.below(40_000)),
            ..Default::default()
        };
        let mut text = Vec::new();
        synth::metric::generate(&config, synth::OutputFormat::Jsonl, &mut text).expect("generate");
        let quarantine = random.below(3) == 0;
        if quarantine {
            text.extend_from_slice(b"{\"timestamp\":\"not a time\"}\n");
        }
        let (name, bytes) = if random.below(2) == 0 {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&text).expect("compress");
            (
                format!("metric-{seed}-{round}.jsonl.gz"),
                gz.finish().expect("compress"),
            )
        } else {
            (format!("metric-{seed}-{round}.jsonl"), text)
        };
        let path = work.join(name);
        std::fs::write(&path, bytes).expect("write input");
        let ingested = store::ingest_file::ingest_file(
            &mut store,
            &store::ingest_file::IngestRequest {
                format: ingest::Format::Metric,
                path,
                input_format: None,
                options: ingest::ParseOptions::default(),
                quarantine,
                allow_duplicate: false,
            },
        )
        .expect("ingest");
        let entry = ledger::reader::read_lines(root, |_| true).expect("read ledger")[ingested.seq as usize]
            .entry
            .clone()
            .expect("entry");
        writeln!(
            out,
            "{} {} {} {}",
            ingested.seq, entry.hash, ingested.events, ingested.raw_sha256
        )
        .expect("stdout");
        out.flush().expect("stdout");
    }
}
