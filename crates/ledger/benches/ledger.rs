//! Ledger benchmarks, each reported as a ratio against a reference measured
//! in the same run (see BENCHMARKS.md). Run with
//! `cargo bench -p ledger --bench ledger` (add `-- --quick` for a smaller run).

use ed25519_dalek::{Signer, SigningKey};
use ledger::tree_file::TreeFile;
use ledger::{EntryDraft, InitOptions, Ledger, SignatureCheck, VerifyOptions, verify_ledger};
use model::Action;
use serde_json::json;
use std::time::Instant;

fn draft(index: u64) -> EntryDraft {
    EntryDraft::new(Action::Note)
        .params(json!({"text": "benchmark entry", "index": index, "threshold": 3.5}))
        .inputs(json!({"batch": "9f2c0d1e3b4a59687766554433221100ffeeddccbbaa99887766554433221100"}))
        .outputs(json!({"records": 1000, "merkle_root": "q1l1d0pWf6J5kZ8Yt2m3n4o5p6q7r8s9t0u1v2w3x4y="}))
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let n_entries: u64 = if quick { 10_000 } else { 100_000 };
    let n_tree: u64 = if quick { 1_000_000 } else { 10_000_000 };
    let dir = tempfile::tempdir().expect("tempdir");
    let key = SigningKey::from_bytes(&[7u8; 32]);

    // Durable, signed appends with group commit (1000 entries per fsync).
    let store = dir.path().join("store");
    let mut ledger = Ledger::init(
        &store,
        InitOptions {
            signing_key: Some(key.clone()),
            ..Default::default()
        },
    )
    .expect("init");
    let start = Instant::now();
    let mut index = 0;
    while index < n_entries {
        ledger
            .append_batch((index..index + 1000).map(draft).collect())
            .expect("append");
        index += 1000;
    }
    let append_rate = n_entries as f64 / start.elapsed().as_secs_f64();
    // Without group commit: one fsync per entry, for comparison.
    let n_single = 2_000;
    let start = Instant::now();
    for i in 0..n_single {
        ledger.append(draft(n_entries + i)).expect("append");
    }
    let single_rate = n_single as f64 / start.elapsed().as_secs_f64();
    ledger.sign_checkpoint().expect("checkpoint");
    drop(ledger);
    let n_lines = n_entries + n_single + 2;
    let line_bytes = std::fs::metadata(store.join("ledger.jsonl")).expect("ledger").len() / n_lines;

    // Reference: raw ed25519-dalek signing, on one core, of the exact bytes
    // signed for a real entry of this ledger.
    let lines = ledger::reader::read_lines(&store, |i| i == 100).expect("read");
    let entry = lines[0].entry.clone().expect("entry");
    let message = entry.unsigned().signing_bytes().expect("canonical");
    let n_sign = n_entries.min(40_000);
    let start = Instant::now();
    for _ in 0..n_sign {
        std::hint::black_box(key.sign(std::hint::black_box(message.as_bytes())));
    }
    let sign_rate = n_sign as f64 / start.elapsed().as_secs_f64();

    // Full `ledger verify`: batch verification on all cores vs one by one.
    let time_verify = |signature_check| {
        let start = Instant::now();
        let report = verify_ledger(
            &store,
            &VerifyOptions {
                signature_check,
                ..Default::default()
            },
        )
        .expect("verify");
        assert!(report.is_ok(), "{:?}", report.findings.first());
        start.elapsed().as_secs_f64()
    };
    let one_by_one = time_verify(SignatureCheck::OneByOne);
    let batch = time_verify(SignatureCheck::Batch);

    // Inclusion proofs from a stored tree of n_tree leaves.
    let tree_path = dir.path().join("big.tree");
    let mut tree = TreeFile::open_for_append(&tree_path).expect("tree");
    let start = Instant::now();
    for i in 0..n_tree {
        tree.push(tlog::leaf_hash(&i.to_le_bytes())).expect("push");
        if i % 1_000_000 == 999_999 {
            tree.flush().expect("flush");
        }
    }
    tree.flush().expect("flush");
    let build_seconds = start.elapsed().as_secs_f64();
    let tree = TreeFile::open_read_only(&tree_path).expect("tree");
    let root = tree.root(n_tree).expect("root");
    let n_proofs = 10_000u64;
    let mut random = 0x2545_f491_4f6c_dd1du64;
    let start = Instant::now();
    for _ in 0..n_proofs {
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        let index = random % n_tree;
        std::hint::black_box(tlog::prove_inclusion(index, n_tree, &tree).expect("proof"));
    }
    let proof_micros = start.elapsed().as_secs_f64() * 1e6 / n_proofs as f64;
    let check = tlog::prove_inclusion(12_345, n_tree, &tree).expect("proof");
    tlog::verify_inclusion(
        12_345,
        n_tree,
        &tlog::leaf_hash(&12_345u64.to_le_bytes()),
        &check,
        &root,
    )
    .expect("valid");
    // Reference for the proof: one leaf hash of an average ledger line.
    let line = vec![b'x'; line_bytes as usize];
    let start = Instant::now();
    for _ in 0..100_000 {
        std::hint::black_box(tlog::leaf_hash(std::hint::black_box(&line)));
    }
    let leaf_micros = start.elapsed().as_secs_f64() * 1e6 / 100_000.0;

    println!(
        "entries: {n_entries} (~{line_bytes} bytes/line), tree: {n_tree} leaves, threads: {}",
        rayon::current_num_threads()
    );
    println!("raw ed25519 signing, 1 core       : {sign_rate:>10.0} signatures/s");
    println!(
        "durable signed append, group commit: {append_rate:>10.0} entries/s  = {:.2} x raw signing",
        append_rate / sign_rate
    );
    println!(
        "durable signed append, fsync each  : {single_rate:>10.0} entries/s  = {:.2} x raw signing",
        single_rate / sign_rate
    );
    println!(
        "ledger verify, one by one          : {:>10.0} entries/s",
        n_lines as f64 / one_by_one
    );
    println!(
        "ledger verify, batch + all cores   : {:>10.0} entries/s  = {:.2} x one by one",
        n_lines as f64 / batch,
        one_by_one / batch
    );
    println!("tree of {n_tree} leaves built in {build_seconds:.1} s");
    println!(
        "inclusion proof at {n_tree} leaves  : {proof_micros:>10.1} us each = {:.3} x the 1 ms target = {:.1} x one leaf hash of a line",
        proof_micros / 1000.0,
        proof_micros / leaf_micros
    );
}
