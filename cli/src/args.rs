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
    /// Generate realistic, labelled input data, deterministically: the same seed and options
    /// always give the same bytes.
    ///
    /// The output format follows --out: .csv for CSV, anything else JSON Lines; a final .gz
    /// compresses it (deterministically). Ground truth rides along in each line (metric and proxy:
    /// `label`; auth: `is_attack`, `attack_type`; behavior: a separate planted-changes file), and
    /// the options used are printed with the summary so that a run can be repeated exactly.
    #[command(subcommand)]
    Generate(GenerateCommand),
    /// Ingest input files: archive each raw file, parse it, append its events to
    /// events/<format>.jsonl (identities to identities.jsonl) and record one
    /// EVENTS_INGESTED (IDENTITIES_REGISTERED) entry per file.
    ///
    /// Each file is all or nothing: by default one bad line stops that file with an error
    /// naming file:line, field, expected and found, and nothing of it is written. With
    /// --quarantine the good lines are ingested and the bad ones listed, with their reasons,
    /// in quarantine/ (recorded in the ledger entry).
    Ingest(IngestArgs),
    /// Train, list, inspect and compare median/MAD baselines (seed 000).
    ///
    /// A baseline describes one (entity, metric, time context) bucket of the stored metric
    /// events: n, median, MAD, scaled MAD (x1.4826), min, max, quantiles and a confidence from
    /// sample size. Retraining appends new versions; old ones stay usable (score --version,
    /// --as-of).
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Score stored metric events against their baselines, in robust z units
    /// ((value - median) / scale), with an explanation for each, into scores.jsonl (one
    /// SCORES_COMPUTED entry).
    ///
    /// The scale is the scaled MAD; when the MAD is 0 it is the mean absolute deviation x1.2533;
    /// when every training sample was equal there is no scale: a different value is an anomaly
    /// without a score. Events without a usable baseline are written as skipped, with the
    /// reason (no_baseline, insufficient_history).
    Score(ScoreArgs),
    /// Pick stored scores out for an investigation: one scoring run (the newest unless --run),
    /// narrowed by entity, metric, context, time, outcome and size, in time order or furthest
    /// from the baseline first (--furthest). Read-only.
    Scores(ScoresArgs),
    /// Show the full derivation of an event's newest score: baseline version, training run and
    /// window, the batches that fed it (with their hashes), and a histogram of the bucket.
    Explain {
        /// The event's id (the `id` of its line in events/metric.jsonl, or `event_id` of a score).
        event_id: String,
    },
    /// Write a Markdown report on a scoring run, with SVG figures beside it: coverage (scored and
    /// skipped, by reason), anomaly counts and rates by entity and hour of day, top deviations
    /// with their explanations, baselines with insufficient history; one REPORT_BUILT entry
    /// records the SHA-256 of every file, which verify rebuilds.
    Report(ReportArgs),
    /// Behavioural drift (seed 003): per-identity profiles and typed deltas (NEW_EVENT_TYPE,
    /// NEW_HOST, NEW_TIME_BUCKET, NEW_PRIVILEGE, FREQUENCY_SHIFT) stated as facts, with the
    /// events that evidence them; summaries and exports.
    ///
    /// Thresholds come from the flag, else UBA_DRIFT_FREQUENCY_THRESHOLD /
    /// UBA_DRIFT_OBSERVATION_WINDOW_DAYS, else 0.0 / 7; the values in effect are recorded in every
    /// delta and ledger entry, so verify never reads the environment. Windows include their start
    /// and exclude their end.
    #[command(subcommand)]
    Drift(DriftCommand),
    /// Inspect, checkpoint, prove and verify the ledger.
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// The global validator: every ledger check, every record file, and the replay of every
    /// recorded action from its raw inputs and recorded parameters, compared byte for byte.
    ///
    /// It needs no private key and writes nothing (unless --record), so it runs on a read-only
    /// copy of a store. Each problem names file:line and ledger seq; a replay mismatch names the
    /// field with its stored and rebuilt values. Exit 0 when everything verified, 1 on any
    /// problem. With --from-checkpoint FILE (a checkpoint saved outside the store earlier) it
    /// proves the ledger still holds that tree and replays only the entries after it.
    Verify(GlobalVerifyArgs),
    /// Run the whole pipeline on the store, printing each step and where its files are.
    Demo,
}

#[derive(Debug, Subcommand)]
pub enum GenerateCommand {
    /// Metric samples (seed 000): entities x metrics at a fixed interval, with diurnal and weekday
    /// seasonality, heterogeneous levels and injected incidents (label: normal, spike, drop,
    /// level_shift).
    Metric(GenerateMetricArgs),
    /// Authentication events (seed 001): log-normal per-user rates, Beta(2,2) business hours,
    /// weekends x0.3, primary IP/location/device, and brute force, credential stuffing, geo
    /// anomaly and device anomaly attacks (is_attack, attack_type).
    Auth(GenerateAuthArgs),
    /// Web proxy logs (seed 004): benign traffic plus a credential stuffing, exfiltration or
    /// scanning client, or a mix of several attackers (label); --samples writes seed 004's six
    /// sample files.
    Proxy(GenerateProxyArgs),
    /// Identities and their behaviour events (seed 003) over a baseline and an observation
    /// window, with planted changes of each drift delta type listed in a planted-changes file.
    Behavior(GenerateBehaviorArgs),
}

#[derive(Debug, Args)]
pub struct GenerateCommon {
    /// The seed: the same seed and options give the same bytes.
    #[arg(long, alias = "random-seed", default_value_t = 1)]
    pub seed: u64,
    /// Where to write (.csv: CSV, otherwise JSON Lines; a final .gz compresses). Required, but
    /// for `generate proxy --samples`.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The first day, RFC 3339 (default: the generator's fixed start).
    #[arg(long, value_name = "TIME")]
    pub start: Option<String>,
}

#[derive(Debug, Args)]
pub struct GenerateMetricArgs {
    #[command(flatten)]
    pub common: GenerateCommon,
    /// Number of entities (host-001, host-002, ...).
    #[arg(long, default_value_t = 20)]
    pub entities: u64,
    /// Metric names, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "cpu_pct,mem_pct,requests,errors,latency_ms"
    )]
    pub metrics: Vec<String>,
    /// Days of samples.
    #[arg(long, default_value_t = 14)]
    pub days: u64,
    /// Minutes between samples.
    #[arg(long, default_value_t = 60)]
    pub interval_minutes: u64,
    /// Probability that a series starts an incident at a sample.
    #[arg(long, default_value_t = 0.002)]
    pub incident_rate: f64,
    /// Stop after exactly this many events (ignores --days; for benchmarks).
    #[arg(long)]
    pub events: Option<u64>,
}

#[derive(Debug, Args)]
pub struct GenerateAuthArgs {
    #[command(flatten)]
    pub common: GenerateCommon,
    /// Number of users (user_0001, ...).
    #[arg(long, default_value_t = 100)]
    pub n_users: u64,
    /// Size of the benign IP pool (ip_0001, ...).
    #[arg(long, default_value_t = 200)]
    pub n_ips: u64,
    /// Days of activity.
    #[arg(long, default_value_t = 14)]
    pub n_days: u64,
    /// Expected fraction of attack events among all events.
    #[arg(long, default_value_t = 0.02)]
    pub attack_rate: f64,
    /// Mean of the users' log-normal daily event rates.
    #[arg(long, default_value_t = 10.0)]
    pub events_per_user_day_mean: f64,
}

#[derive(Debug, Args)]
pub struct GenerateProxyArgs {
    #[command(flatten)]
    pub common: GenerateCommon,
    /// baseline, credential_stuffing, exfiltration, scanning or mix.
    #[arg(long, default_value = "mix")]
    pub scenario: String,
    /// Number of benign events.
    #[arg(long, default_value_t = 1000)]
    pub events: u64,
    /// Attackers in a mix.
    #[arg(long, default_value_t = 3)]
    pub attackers: u64,
    /// Write seed 004's six sample files into this directory instead (fixed seeds; the
    /// committed copies are fixtures/proxy/).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["out", "scenario", "events", "attackers", "seed", "start"])]
    pub samples: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct GenerateBehaviorArgs {
    #[command(flatten)]
    pub common: GenerateCommon,
    /// Number of identities.
    #[arg(long, default_value_t = 50)]
    pub identities: u64,
    /// Days in the baseline window (it starts at --start).
    #[arg(long, default_value_t = 28)]
    pub baseline_days: u64,
    /// Days in the observation window (it starts where the baseline ends).
    #[arg(long, default_value_t = 7)]
    pub window_days: u64,
    /// Fraction of identities given one planted change.
    #[arg(long, default_value_t = 0.2)]
    pub planted_rate: f64,
    /// Where to write the identities (default: <out stem>.identities.jsonl).
    #[arg(long)]
    pub identities_out: Option<PathBuf>,
    /// Where to write the planted changes (default: <out stem>.planted.json).
    #[arg(long)]
    pub planted_out: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Train baselines from the stored metric events: one new version per bucket, buckets with
    /// fewer than --min-samples recorded as insufficient history (never dropped), one
    /// BASELINE_TRAINED entry with the parameters, the event batches used and the Merkle root of
    /// the baselines.
    Train(TrainArgs),
    /// List stored baselines (every version; --latest for the newest of each bucket).
    List(BaselineFilter),
    /// Show one baseline in full: the newest version matching the filter, or --id.
    Show(BaselineFilter),
    /// Compare two baselines of a bucket (two versions, or the newest trained as of two times):
    /// the shifts of n, median, MAD and tails, as facts.
    Compare(CompareArgs),
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Time context: none, hour-of-day, or hour-of-day-and-day-type (weekday/weekend), UTC.
    #[arg(long, default_value = "hour-of-day", value_parser = ["none", "hour-of-day", "hour-of-day-and-day-type"])]
    pub context: String,
    /// Buckets with fewer samples are recorded as insufficient history.
    #[arg(long, default_value_t = 10)]
    pub min_samples: u64,
    /// Sample count at which confidence is 0.5 (confidence = n / (n + this)).
    #[arg(long, default_value_t = 30)]
    pub confidence_half_n: u64,
    /// Train on events at or after this time (RFC 3339 or YYYY-MM-DD, UTC).
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// Train on events before this time.
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,
}

#[derive(Debug, Args)]
pub struct BaselineFilter {
    /// Only this baseline id.
    #[arg(long)]
    pub id: Option<String>,
    /// Only this entity.
    #[arg(long)]
    pub entity: Option<String>,
    /// Only this metric.
    #[arg(long)]
    pub metric: Option<String>,
    /// Only this context (all, hour=09, hour=09,weekend, ...).
    #[arg(long)]
    pub context: Option<String>,
    /// Only this version.
    #[arg(long)]
    pub version: Option<u64>,
    /// Only versions trained at or before this time (the ledger time of their training run).
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,
    /// Only the newest version of each bucket.
    #[arg(long)]
    pub latest: bool,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The bucket's entity.
    #[arg(long)]
    pub entity: String,
    /// The bucket's metric.
    #[arg(long)]
    pub metric: String,
    /// The bucket's context (all, hour=09, ...).
    #[arg(long)]
    pub context: String,
    /// The two versions to compare (older first).
    #[arg(long, num_args = 2, value_names = ["A", "B"], conflicts_with = "as_of")]
    pub versions: Option<Vec<u64>>,
    /// Compare the newest versions trained as of these two times.
    #[arg(long, num_args = 2, value_names = ["T1", "T2"])]
    pub as_of: Option<Vec<String>>,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// |score| above this is an anomaly (robust z units; 3.5 is Iglewicz and Hoaglin's cut-off).
    #[arg(long, default_value_t = 3.5)]
    pub threshold: f64,
    /// Score against this version of each bucket's baseline instead of the newest.
    #[arg(long, conflicts_with = "as_of")]
    pub version: Option<u64>,
    /// Score against the newest baselines trained at or before this time.
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,
    /// Time context of the buckets (default: that of the latest training run).
    #[arg(long, value_parser = ["none", "hour-of-day", "hour-of-day-and-day-type"])]
    pub context: Option<String>,
    /// Only the events of this EVENTS_INGESTED entry (its seq).
    #[arg(long, value_name = "SEQ")]
    pub batch: Option<u64>,
    /// Only events at or after this time.
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// Only events before this time.
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,
    /// Also write the score lines (JSONL) to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ScoresArgs {
    /// The SCORES_COMPUTED entry (its seq; default: the newest).
    #[arg(long, value_name = "SEQ")]
    pub run: Option<u64>,
    /// Only this entity.
    #[arg(long)]
    pub entity: Option<String>,
    /// Only this metric.
    #[arg(long)]
    pub metric: Option<String>,
    /// Only this context (all, hour=09, hour=09,weekend, ...).
    #[arg(long)]
    pub context: Option<String>,
    /// Only events at or after this time (RFC 3339 or YYYY-MM-DD, UTC).
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// Only events before this time.
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,
    /// Only anomalies.
    #[arg(long, conflicts_with = "skipped")]
    pub anomalies: bool,
    /// Only skipped events (no baseline, insufficient history).
    #[arg(long)]
    pub skipped: bool,
    /// Only scores with |score| at least this (departures from constant baselines always pass).
    #[arg(long, value_name = "Z")]
    pub min_score: Option<f64>,
    /// Furthest from the baseline first, instead of time order.
    #[arg(long)]
    pub furthest: bool,
    /// At most this many.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The Markdown file; the figures are written beside it as <stem>-*.svg.
    #[arg(long)]
    pub out: PathBuf,
    /// The SCORES_COMPUTED entry to report on (default: the newest).
    #[arg(long, value_name = "SEQ")]
    pub scores: Option<u64>,
    /// How many top deviations to list.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// The report's title.
    #[arg(long, default_value = "driftledger baseline report")]
    pub title: String,
}

#[derive(Debug, Subcommand)]
pub enum DriftCommand {
    /// Compute deltas: for one identity against one stored profile (--identity, --baseline), or
    /// for every registered identity against its profile of a baseline window (--all-identities,
    /// --baseline-start, --baseline-end), building the profiles needed (PROFILE_BUILT) or reusing
    /// identical ones; one UBA_DELTA_COMPUTED entry.
    Compute(DriftComputeArgs),
    /// List stored behaviour profiles (of one identity with --identity): their ids are the
    /// baseline ids `drift compute --identity ID --baseline PROFILE_ID` takes. Read-only.
    Profiles {
        /// Only this identity's.
        #[arg(long)]
        identity: Option<String>,
    },
    /// Summarize a computation's deltas per identity (counts by type, delta hashes): one
    /// UBA_DELTA_SUMMARY_BUILT entry.
    Summary(DriftSelectArgs),
    /// Export a computation's deltas as JSON Lines (each line a stored delta record, valid against
    /// schema/behavior-delta.schema.json): one UBA_DELTA_EXPORTED entry with the file's SHA-256.
    Export {
        #[command(flatten)]
        select: DriftSelectArgs,
        /// Where to write the deltas.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("who").required(true).args(["identity", "all_identities"])))]
pub struct DriftComputeArgs {
    /// One identity (its UUID); needs --baseline.
    #[arg(long, requires = "baseline")]
    pub identity: Option<String>,
    /// The profile (baseline id) to compare the identity against.
    #[arg(long)]
    pub baseline: Option<String>,
    /// Every registered identity; needs --baseline-start and --baseline-end.
    #[arg(long, requires_all = ["baseline_start", "baseline_end"], conflicts_with = "baseline")]
    pub all_identities: bool,
    /// Start of the baseline window (RFC 3339 or YYYY-MM-DD, UTC; inclusive).
    #[arg(long, value_name = "TIME")]
    pub baseline_start: Option<String>,
    /// End of the baseline window (exclusive).
    #[arg(long, value_name = "TIME")]
    pub baseline_end: Option<String>,
    /// Start of the observation window (inclusive).
    #[arg(long, value_name = "TIME")]
    pub window_start: String,
    /// End of the observation window (exclusive; default: start + the window days).
    #[arg(long, value_name = "TIME")]
    pub window_end: Option<String>,
    /// Observation window length in days when --window-end is absent (else
    /// UBA_DRIFT_OBSERVATION_WINDOW_DAYS, else 7).
    #[arg(long, value_name = "DAYS", allow_hyphen_values = true)]
    pub window_days: Option<String>,
    /// A frequency shift is stated when |observed - scaled baseline count| exceeds this (else
    /// UBA_DRIFT_FREQUENCY_THRESHOLD, else 0.0).
    #[arg(long, value_name = "COUNT", allow_hyphen_values = true)]
    pub frequency_threshold: Option<String>,
}

#[derive(Debug, Args)]
pub struct DriftSelectArgs {
    /// The UBA_DELTA_COMPUTED entry (its seq; default: the newest).
    #[arg(long, value_name = "SEQ")]
    pub computation: Option<u64>,
    /// Only this identity.
    #[arg(long)]
    pub identity: Option<String>,
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
pub struct GlobalVerifyArgs {
    #[command(flatten)]
    pub checks: VerifyArgs,
    /// Record the verdict as a VALIDATION_RUN entry (needs the store's signing key).
    #[arg(long)]
    pub record: bool,
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
