//! `drift compute|summary|export` and the library API of seed 003
//! (`DriftApi`): profiles, deltas, summaries and exports, each appended
//! with its entry (PROFILE_BUILT, UBA_DELTA_COMPUTED,
//! UBA_DELTA_SUMMARY_BUILT, UBA_DELTA_EXPORTED).

use crate::error::EngineError;
use crate::store_view::StoreView;
use drift::events::BEHAVIOR_EVENTS_FILE;
use drift::profiling::ProfileLines;
use drift::run::{
    DELTAS_FILE, DeltaScope, DriftInputs, EntryFields, IDENTITIES_FILE, PROFILES_FILE, Pairing, SUMMARIES_FILE,
    delta_run, export_run, profiles_and_deltas, summary_run,
};
use drift::window::Span;
use ledger::EntryDraft;
use model::Action;
use model::drift::{BehaviorProfile, DeltaSummary, DriftDelta, DriftThresholds};
use model::record::SealedRecord;
use std::path::{Path, PathBuf};
use store::{RecordFile, Store};

/// Whose deltas to compute, against which profiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DriftScope {
    /// Every registered identity, against its profile of this baseline
    /// window (built if needed, reused if identical).
    AllIdentities {
        /// The baseline window.
        baseline: Span,
    },
    /// One identity against one stored profile.
    Identity {
        /// The identity.
        identity_id: String,
        /// The profile's id.
        baseline_id: String,
    },
}

/// What to compute.
#[derive(Debug, Clone, PartialEq)]
pub struct DriftRequest {
    /// Whose deltas.
    pub scope: DriftScope,
    /// The observation window.
    pub window: Span,
    /// The thresholds in effect.
    pub thresholds: DriftThresholds,
}

/// What a computation wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct DriftComputed {
    /// The PROFILE_BUILT entry, if profiles were new.
    pub profile_seq: Option<u64>,
    /// New profiles and reused ones.
    pub profiles: (u64, u64),
    /// The UBA_DELTA_COMPUTED entry.
    pub seq: u64,
    /// The deltas, in stored order.
    pub deltas: Vec<DriftDelta>,
    /// Identities compared.
    pub identities: u64,
}

fn inputs(view: &StoreView) -> Result<DriftInputs<'_>, EngineError> {
    let open = |file: &str| -> Result<_, EngineError> { Ok((view.open(file)?, view.accounted_lines(file))) };
    Ok(DriftInputs {
        entries: &view.entries,
        events: open(BEHAVIOR_EVENTS_FILE)?,
        identities: open(IDENTITIES_FILE)?,
        profiles: open(PROFILES_FILE)?,
        deltas: open(DELTAS_FILE)?,
    })
}

fn draft(action: Action, fields: EntryFields) -> EntryDraft {
    EntryDraft::new(action)
        .params(fields.params)
        .inputs(fields.inputs)
        .outputs(fields.outputs)
}

/// Appends `records` to `file` and the entry that accounts for them (or
/// the entry alone when there are none).
fn record(
    store: &mut Store,
    action: Action,
    file: &str,
    records: &[&SealedRecord],
    fields: EntryFields,
) -> Result<u64, EngineError> {
    let draft = draft(action, fields);
    if records.is_empty() {
        return Ok(store.record(draft, Vec::new())?.entry.seq);
    }
    let mut stream = store.stream(RecordFile::new(file)?)?;
    // A few records at a time through one buffer: the lines of 100,000
    // profiles are tens of megabytes, not worth a copy of their own.
    let (mut lines, mut leaves) = (Vec::new(), Vec::new());
    for chunk in records.chunks(1024) {
        lines.clear();
        leaves.clear();
        for record in chunk {
            lines.extend_from_slice(record.line.as_bytes());
            lines.push(b'\n');
            leaves.push(tlog::leaf_hash(&record.hash));
        }
        stream.push_lines(&lines, &leaves)?;
    }
    Ok(stream.commit(draft)?.entry.seq)
}

/// Computes deltas (building the profiles it needs) and records them.
pub fn compute_drift(store: &mut Store, request: &DriftRequest) -> Result<DriftComputed, EngineError> {
    let view = StoreView::read(store.root())?;
    match &request.scope {
        DriftScope::Identity {
            identity_id,
            baseline_id,
        } => {
            let scope = DeltaScope::One(Pairing {
                identity_id: identity_id.clone(),
                baseline_id: baseline_id.clone(),
            });
            let run = delta_run(inputs(&view)?, &scope, &request.window, &request.thresholds)?;
            finish(store, run, None, (0, 1), 1)
        }
        DriftScope::AllIdentities { baseline } => {
            // Profile records are written as they are sealed; they count
            // only once the PROFILE_BUILT entry is committed, and an error
            // before that cuts the file back.
            let mut stream = store.stream(RecordFile::new(PROFILES_FILE)?)?;
            let (profiles, deltas) = profiles_and_deltas(
                inputs(&view)?,
                baseline,
                &request.window,
                &request.thresholds,
                |records: &ProfileLines| -> Result<(), EngineError> {
                    Ok(stream.push_lines(&records.lines, &records.leaf_hashes)?)
                },
            )?;
            let counts = (profiles.new as u64, (profiles.profiles - profiles.new) as u64);
            let profile_seq = if profiles.new == 0 {
                stream.abort()?;
                None
            } else {
                Some(stream.commit(draft(Action::ProfileBuilt, profiles.entry))?.entry.seq)
            };
            finish(store, deltas, profile_seq, counts, profiles.profiles as u64)
        }
    }
}

/// Records a delta run.
fn finish(
    store: &mut Store,
    run: drift::run::DeltaRun,
    profile_seq: Option<u64>,
    profiles: (u64, u64),
    identities: u64,
) -> Result<DriftComputed, EngineError> {
    let records: Vec<&SealedRecord> = run.deltas.iter().map(|(_, r)| r).collect();
    let seq = record(store, Action::UbaDeltaComputed, DELTAS_FILE, &records, run.entry)?;
    Ok(DriftComputed {
        profile_seq,
        profiles,
        seq,
        deltas: run.deltas.into_iter().map(|(d, _)| d).collect(),
        identities,
    })
}

/// What a summary run wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftSummarized {
    /// The UBA_DELTA_SUMMARY_BUILT entry.
    pub seq: u64,
    /// The UBA_DELTA_COMPUTED entry summarized.
    pub computation: u64,
    /// The summaries and their hashes.
    pub summaries: Vec<(DeltaSummary, String)>,
}

/// Summarizes a computation's deltas (the newest unless `computation`),
/// per identity (or for one), and records the summaries.
pub fn summarize_drift(
    store: &mut Store,
    computation: Option<u64>,
    identity: Option<&str>,
) -> Result<DriftSummarized, EngineError> {
    let view = StoreView::read(store.root())?;
    let run = summary_run(inputs(&view)?, computation, identity)?.ok_or(EngineError::NoDeltas(computation))?;
    let computation = run.entry.params["computation"].as_u64().unwrap_or_default();
    let records: Vec<&SealedRecord> = run.summaries.iter().map(|(_, r)| r).collect();
    let seq = record(
        store,
        Action::UbaDeltaSummaryBuilt,
        SUMMARIES_FILE,
        &records,
        run.entry.clone(),
    )?;
    Ok(DriftSummarized {
        seq,
        computation,
        summaries: run
            .summaries
            .into_iter()
            .map(|(s, r)| (s, hex::encode(r.hash)))
            .collect(),
    })
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftExported {
    /// The UBA_DELTA_EXPORTED entry.
    pub seq: u64,
    /// The file.
    pub path: PathBuf,
    /// Deltas exported.
    pub deltas: u64,
    /// The file's SHA-256.
    pub sha256: String,
}

/// Writes a computation's deltas (of one identity, if asked) to `out` as
/// JSON Lines, each line a stored delta record, and records the export.
pub fn export_drift(
    store: &mut Store,
    computation: Option<u64>,
    identity: Option<&str>,
    out: &Path,
) -> Result<DriftExported, EngineError> {
    let view = StoreView::read(store.root())?;
    let run = export_run(inputs(&view)?, computation, identity)?.ok_or(EngineError::NoDeltas(computation))?;
    let io = |source| EngineError::Io {
        path: out.to_owned(),
        source,
    };
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("export");
    let temporary = out.with_file_name(format!(".{name}.incoming"));
    std::fs::write(&temporary, &run.bytes).map_err(io)?;
    std::fs::rename(&temporary, out).map_err(io)?;
    let deltas = run.entry.outputs["deltas"].as_u64().unwrap_or_default();
    let sha256 = model::digest::sha256_hex(&run.bytes);
    let seq = record(store, Action::UbaDeltaExported, DELTAS_FILE, &[], run.entry)?;
    Ok(DriftExported {
        seq,
        path: out.to_owned(),
        deltas,
        sha256,
    })
}

/// Seed 003's programmatic API over a store.
#[derive(Debug, Clone)]
pub struct DriftApi {
    root: PathBuf,
}

impl DriftApi {
    /// The API of the store at `root`.
    pub fn new(root: &Path) -> DriftApi {
        DriftApi { root: root.to_owned() }
    }

    /// Computes and records the deltas of one identity against one
    /// profile over `[start, end)`.
    pub fn compute_behavior_deltas(
        &self,
        identity_id: &str,
        baseline_id: &str,
        window: Span,
        thresholds: DriftThresholds,
    ) -> Result<Vec<DriftDelta>, EngineError> {
        let mut store = Store::open(&self.root, ledger::WriterOptions::default())?;
        let request = DriftRequest {
            scope: DriftScope::Identity {
                identity_id: identity_id.to_owned(),
                baseline_id: baseline_id.to_owned(),
            },
            window,
            thresholds,
        };
        Ok(compute_drift(&mut store, &request)?.deltas)
    }

    /// The records of `file` the ledger accounts for, with their hashes.
    fn stored<T: serde::de::DeserializeOwned>(
        &self,
        file: &str,
        what: &'static str,
    ) -> Result<Vec<(T, String)>, EngineError> {
        let view = StoreView::read(&self.root)?;
        Ok(drift::events::read_records(
            view.open(file)?,
            file,
            what,
            view.accounted_lines(file),
        )?)
    }

    /// Every stored profile (of one identity, if asked), in stored order,
    /// with its record hash (the baseline hash deltas cite).
    pub fn get_profiles(&self, identity_id: Option<&str>) -> Result<Vec<(BehaviorProfile, String)>, EngineError> {
        let all: Vec<(BehaviorProfile, String)> = self.stored(PROFILES_FILE, "profile")?;
        Ok(all
            .into_iter()
            .filter(|(p, _)| identity_id.is_none_or(|id| id == p.identity_id))
            .collect())
    }

    /// Every stored delta of an identity, in stored order.
    pub fn get_behavior_deltas(&self, identity_id: &str) -> Result<Vec<DriftDelta>, EngineError> {
        let all: Vec<(DriftDelta, String)> = self.stored(DELTAS_FILE, "delta")?;
        Ok(all
            .into_iter()
            .map(|(d, _)| d)
            .filter(|d| d.identity_id == identity_id)
            .collect())
    }

    /// The newest stored summary of an identity against the profile of
    /// `baseline_hash` over exactly `window`.
    pub fn get_delta_summary(
        &self,
        identity_id: &str,
        baseline_hash: &str,
        window: &Span,
    ) -> Result<Option<DeltaSummary>, EngineError> {
        let all: Vec<(DeltaSummary, String)> = self.stored(SUMMARIES_FILE, "summary")?;
        Ok(all
            .into_iter()
            .map(|(s, _)| s)
            .rfind(|s| s.identity_id == identity_id && s.baseline_hash == baseline_hash && s.window == window.window))
    }
}
