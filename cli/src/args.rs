//! The command line, as clap parses it. Help texts teach: each command says
//! what it does, what it writes, and how to check the result.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "driftledger",
    version,
    about = "Behavioural baselines and drift with a signed, append-only, independently verifiable ledger",
    long_about = "driftledger records every action in a signed append-only ledger (ledger.jsonl) with an RFC 6962 \
Merkle tree, C2SP signed checkpoints and inclusion/consistency proofs that standard tools can verify.\n\n\
Start with `driftledger demo` to see everything end to end, or `driftledger init` to create a store.\n\
Exit codes: 0 ok; 1 verification found a problem; 2 usage or input error (nothing written); 3 I/O or internal error."
)]
pub struct Cli {
    /// The store directory.
    #[arg(long, global = true, env = "DRIFTLEDGER_STORE", default_value = ".driftledger")]
    pub store: PathBuf,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a store: folders, a store id, an Ed25519 signing key and the genesis entry.
    ///
    /// Writes keys/<name>.key.pem (PKCS#8, mode 0600), keys/<name>.pub.pem (SPKI) and
    /// keys/<name>.vkey (C2SP verifier key). Give the .vkey to auditors out of band: it is what
    /// `--trusted-vkey` pins.
    Init {
        /// Name of the genesis signing key ([A-Za-z0-9][A-Za-z0-9._-]*).
        #[arg(long, default_value = "ledger-1")]
        key_name: String,
    },
    /// Manage signing keys; every change is a signed KEY_ADDED / KEY_RETIRED entry.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Ingest input files: archive each raw file, parse it, append its events to
    /// events/<format>.jsonl (identities to identities.jsonl) and record one
    /// EVENTS_INGESTED (IDENTITIES_REGISTERED) entry per file.
    ///
    /// Each file is all or nothing: by default one bad line stops that file with an error
    /// naming file:line, field, expected and found, and nothing of it is written. With
    /// --quarantine the good lines are ingested and the bad ones listed, with their reasons,
    /// in quarantine/ (recorded in the ledger entry).
    Ingest(IngestArgs),
    /// Inspect, checkpoint, prove and verify the ledger.
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// The global validator. At this stage it checks everything `ledger verify` checks.
    Verify(VerifyArgs),
    /// Run the whole pipeline on the store, printing each step and where its files are.
    Demo,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Generate a new key and record KEY_ADDED (signed by the current key); new entries are then
    /// signed by the new key, and the old key stays active.
    Generate {
        /// The new key's name.
        name: String,
    },
    /// List every key the ledger recorded, with its status.
    List,
    /// Add a new key and retire the current signing key, in two signed entries.
    Rotate {
        /// The new key's name (default: the current name with its number increased, or NAME-2).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Check every line, hash, signature, seq, chain link, key, checkpoint and tree hash.
    Verify(VerifyArgs),
    /// Sign a C2SP checkpoint of the current tree (checkpoints/<size> and `checkpoint`).
    Checkpoint,
    /// Print an RFC 9162 inclusion or consistency proof as JSON.
    ///
    /// Inclusion: {"leaf_index":I,"tree_size":N,"leaf_hash":"<b64>","hashes":[...]}
    /// Consistency: {"old_size":M,"new_size":N,"old_root":"<b64>","new_root":"<b64>","hashes":[...]}
    #[command(group(clap::ArgGroup::new("kind").required(true).args(["inclusion", "consistency"])))]
    Prove {
        /// Prove that entry I (0-based, = seq) is in the tree.
        #[arg(long, value_name = "I")]
        inclusion: Option<u64>,
        /// Tree size for --inclusion (default: the latest checkpoint's size).
        #[arg(long, value_name = "N", requires = "inclusion")]
        size: Option<u64>,
        /// Prove that the tree of size M is a prefix of the tree of size N.
        #[arg(long, num_args = 2, value_names = ["M", "N"])]
        consistency: Option<Vec<u64>>,
        /// Also write the proof to proofs/<kind>-<...>.json in the store.
        #[arg(long)]
        out: bool,
    },
    /// Check a proof offline, without the store, against signed checkpoints.
    ///
    /// An inclusion proof needs the checkpoint of its tree size; a consistency proof needs the
    /// checkpoint of its new size and, to authenticate the old root too, the one of its old size.
    CheckProof {
        /// The proof JSON file.
        proof: PathBuf,
        /// A signed checkpoint (repeat for a consistency proof's old and new tree).
        #[arg(long, required = true)]
        checkpoint: Vec<PathBuf>,
        /// Verifier key file(s) trusted to sign the checkpoints.
        #[arg(long, required = true)]
        vkey: Vec<PathBuf>,
        /// The ledger line the inclusion proof is about, to check its leaf hash.
        #[arg(long)]
        line: Option<PathBuf>,
    },
    /// Print the last entries.
    Tail {
        /// How many entries.
        #[arg(short = 'n', long, default_value_t = 10)]
        count: u64,
    },
    /// Print one entry.
    Show {
        /// The entry's seq.
        seq: u64,
    },
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A verifier key file obtained out of band (repeatable). Without it the verdict rests on
    /// the keys the ledger records for itself, which proves self-consistency only.
    #[arg(long, value_name = "FILE")]
    pub trusted_vkey: Vec<PathBuf>,
    /// A checkpoint saved outside the store earlier (repeatable): the ledger must still hold
    /// the tree it signed, which reveals entries removed since.
    #[arg(long, value_name = "FILE")]
    pub from_checkpoint: Vec<PathBuf>,
    /// Check signatures one by one on one core instead of in parallel batches.
    #[arg(long)]
    pub one_by_one: bool,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// The input format: metric, auth, proxy, behavior or identity.
    #[arg(value_parser = clap::value_parser!(ingest::Format))]
    pub format: ingest::Format,
    /// The files (JSONL or CSV, told by their extension unless --input-format).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Ingest good lines and quarantine bad ones instead of refusing the file.
    #[arg(long)]
    pub quarantine: bool,
    /// Treat times without a zone as UTC (otherwise they are an error).
    #[arg(long)]
    pub assume_utc: bool,
    /// Ingest a file whose exact bytes were ingested before.
    #[arg(long)]
    pub allow_duplicate: bool,
    /// jsonl or csv, for files whose extension does not say.
    #[arg(long, value_parser = ["jsonl", "csv"])]
    pub input_format: Option<String>,
}
