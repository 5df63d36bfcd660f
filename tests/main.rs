//! Workspace-level tests: the ledger as users, auditors and attackers meet it.

mod bad_inputs;
mod baseline_cli; // baseline train/list/show/compare, score, scores, explain and report as a user meets them
mod baselines; // baselines, scores and reports: byte-identical across thread counts, and they find the injected incidents // fixtures/bad: every kind of bad input gets its exact outcome (file:line, field, expected, found)
mod cli_contract; // the command line: exit codes, init/prove/check-proof/verify flows, key permissions
mod crash; // SIGKILL during appends: recovery keeps every reported entry and the ledger verifies
mod determinism; // same inputs and parameters give the same bytes, whatever the thread count
mod drift; // drift: planted changes found and nothing else, any input order, windows' edges, refusals, no judgment words
mod fixtures; // committed golden and tampered stores are current, and each gets its expected verdict
mod ingest_cli; // ingest: all or nothing per file, raw archive, file:line:field errors, quarantine, duplicates
mod keys_and_lock; // key rotation, retired and unknown keys, private-key permissions, writer lock
mod recovery; // torn tails, lagging tree hashes and interrupted checkpoints are repaired and recorded
mod schemas; // ledger lines validate against the frozen JSON Schema (independent validator)
mod store_records; // records are written with the entry that accounts for them; crash leftovers are quarantined
mod tamper; // at least 1000 random mutations of a 200+ entry ledger are all detected, at the right line
mod tidy; // dependencies point one way, and the pure crates depend on nothing that does I/O
mod verify_campaign; // the global validator: 2000+ mutations of every file, the consistent, raw-archive and rollback attackers
