//! Whole drift actions, from a store's readers and ledger entries to the
//! records and the entry's `params`, `inputs` and `outputs`: profiles
//! (PROFILE_BUILT), deltas (UBA_DELTA_COMPUTED), summaries
//! (UBA_DELTA_SUMMARY_BUILT) and exports (UBA_DELTA_EXPORTED). The write
//! path appends what a run returns; the validator runs the same function
//! from the recorded parameters and compares.
//!
//! ```text
//! PROFILE_BUILT        "params":{"baseline_window":{"end":…,"start":…},"identities":"all"}
//! UBA_DELTA_COMPUTED   "params":{"baselines":[{"baseline_id":…,"identity_id":…}],"frequency_comparison":"…","thresholds":{…},"window":{…}}
//! ```

use crate::compare::{Against, StoredProfile, deltas_of};
use crate::error::DriftError;
use crate::events::{BEHAVIOR_EVENTS_FILE, EVENT_BLOCK_BYTES, read_identity_ids, read_records};
use crate::profiling::{Observation, ProfileLines, build_in_batches};
use crate::summary::summarize;
use crate::tally::{BlockError, TallyBuilder, WindowTallies};
use crate::window::Span;
use model::claims::record_claims;
use model::drift::{BehaviorProfile, DeltaSummary, DeltaType, DriftDelta, DriftThresholds, Window};
use model::record::SealedRecord;
use model::{Action, LedgerEntry};
use rayon::prelude::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::BufRead;

/// The profiles file, relative to the store.
pub const PROFILES_FILE: &str = "profiles.jsonl";
/// The deltas file.
pub const DELTAS_FILE: &str = "deltas.jsonl";
/// The summaries file.
pub const SUMMARIES_FILE: &str = "summaries.jsonl";
/// The identities file.
pub const IDENTITIES_FILE: &str = "identities.jsonl";
/// How frequencies are compared, as entries record it.
pub const FREQUENCY_COMPARISON: &str = "observed count against the baseline count scaled to the observation window's length (count x window length / baseline length)";

/// What a drift action reads from the store: readers positioned at line 1
/// and the lines of each file the ledger accounted for when it ran.
pub struct DriftInputs<'e> {
    /// The ledger entries before the action.
    pub entries: &'e [LedgerEntry],
    /// `events/behavior.jsonl` and its accounted lines.
    pub events: (Box<dyn BufRead + Send + 'e>, u64),
    /// `identities.jsonl` and its accounted lines.
    pub identities: (Box<dyn BufRead + Send + 'e>, u64),
    /// `profiles.jsonl` and its accounted lines.
    pub profiles: (Box<dyn BufRead + Send + 'e>, u64),
    /// `deltas.jsonl` and its accounted lines.
    pub deltas: (Box<dyn BufRead + Send + 'e>, u64),
}

impl std::fmt::Debug for DriftInputs<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DriftInputs")
            .field("entries", &self.entries.len())
            .field("event_lines", &self.events.1)
            .field("identity_lines", &self.identities.1)
            .field("profile_lines", &self.profiles.1)
            .field("delta_lines", &self.deltas.1)
            .finish()
    }
}

/// Whose profiles to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityScope {
    /// Every registered identity with events in the baseline window.
    All,
    /// One identity.
    One(String),
}

/// A profile run's counts and entry (its records were handed on as they
/// were sealed).
#[derive(Debug)]
pub struct ProfileRun {
    /// How many profiles are new to the store (records handed on).
    pub new: usize,
    /// How many identities in scope have a profile (new or reused), that
    /// is, events in the window.
    pub profiles: usize,
    /// The entry's `params`, `inputs` and `outputs` (without `records`).
    pub entry: EntryFields,
}

/// What a drift entry records besides its records.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryFields {
    /// `params`.
    pub params: Value,
    /// `inputs`.
    pub inputs: Value,
    /// `outputs` (the writer adds `records`).
    pub outputs: Value,
}

fn window_json(window: &Window) -> Value {
    json!({"start": window.start, "end": window.end})
}

fn registered(inputs: &mut DriftInputs<'_>) -> Result<BTreeSet<String>, DriftError> {
    let (reader, lines) = (&mut inputs.identities.0, inputs.identities.1);
    read_identity_ids(reader, IDENTITIES_FILE, lines)
}

fn stored_profiles(inputs: &mut DriftInputs<'_>) -> Result<Vec<StoredProfile>, DriftError> {
    let (reader, lines) = (&mut inputs.profiles.0, inputs.profiles.1);
    Ok(
        read_records::<BehaviorProfile>(reader, PROFILES_FILE, "profile", lines)?
            .into_iter()
            .map(|(profile, hash)| StoredProfile { profile, hash })
            .collect(),
    )
}

/// Reads the events once and tallies, per identity of `identities` (by
/// position), those in the baseline window and those in the observation
/// window.
fn read_tallies(
    inputs: &mut DriftInputs<'_>,
    identities: &[&str],
    baseline: Option<&Span>,
    observed: Option<&Span>,
) -> Result<WindowTallies, DriftError> {
    let (events, lines) = (&mut inputs.events.0, inputs.events.1);
    let mut tallies = TallyBuilder::new(identities, baseline, observed, lines as usize);
    let mut blocks = model::record::LineBlocks::new(events, 1, lines + 1, EVENT_BLOCK_BYTES);
    // On a worker of the pool, as the reading of the next block and the
    // merging of the last must share the cores with the pool's work.
    rayon::scope(|_| tallies.add_blocks(&mut blocks)).map_err(|error| match error {
        BlockError::Read(error) => DriftError::of_lines(BEHAVIOR_EVENTS_FILE, "behaviour event", error),
        BlockError::Line { line, reason } => DriftError::BadRecord {
            file: BEHAVIOR_EVENTS_FILE.to_owned(),
            line,
            what: "behaviour event",
            reason,
        },
    })?;
    Ok(tallies.finish())
}

/// The windows of `profiles`, each parsed once (a computation for everyone
/// compares against profiles of one window).
fn spans_of<'p>(profiles: impl Iterator<Item = &'p Window>) -> Result<Vec<Span>, DriftError> {
    let mut spans: Vec<Span> = Vec::new();
    for window in profiles {
        if !spans.iter().any(|span| span.window == *window) {
            spans.push(Span::from_window("baseline window", window)?);
        }
    }
    Ok(spans)
}

fn span_of<'a>(spans: &'a [Span], window: &Window) -> &'a Span {
    spans
        .iter()
        .find(|span| span.window == *window)
        .expect("every profile's window is parsed before deltas are computed")
}

/// The identities a scope names, registered ones only.
fn in_scope<'k>(known: &'k BTreeSet<String>, scope: &'k IdentityScope) -> Result<Vec<&'k String>, DriftError> {
    match scope {
        IdentityScope::All => Ok(known.iter().collect()),
        IdentityScope::One(id) if known.contains(id) => Ok(vec![id]),
        IdentityScope::One(id) => Err(DriftError::UnknownIdentity(id.clone())),
    }
}

fn profile_entry(
    inputs: &DriftInputs<'_>,
    baseline: &Span,
    scope: &IdentityScope,
    new: usize,
    reused: usize,
    without_events: u64,
) -> EntryFields {
    EntryFields {
        params: json!({
            "baseline_window": window_json(&baseline.window),
            "identities": match scope { IdentityScope::All => json!("all"), IdentityScope::One(id) => json!([id]) },
        }),
        inputs: json!({
            "events": {"file": BEHAVIOR_EVENTS_FILE, "lines": inputs.events.1},
            "identities": {"file": IDENTITIES_FILE, "lines": inputs.identities.1},
            "profiles": {"file": PROFILES_FILE, "lines": inputs.profiles.1},
        }),
        outputs: json!({"profiles": new, "reused": reused, "identities_without_events": without_events}),
    }
}

/// Builds the profiles of `scope` over `baseline`, reusing stored ones of
/// identical content; the new profiles' records go to `hand_on` as they are
/// sealed, in identity order.
pub fn profile_run<E: From<DriftError> + Send>(
    mut inputs: DriftInputs<'_>,
    baseline: &Span,
    scope: &IdentityScope,
    hand_on: impl FnMut(&ProfileLines) -> Result<(), E> + Send,
) -> Result<ProfileRun, E> {
    let known = registered(&mut inputs)?;
    let in_scope = in_scope(&known, scope)?;
    let stored = stored_profiles(&mut inputs)?;
    let identities: Vec<&str> = in_scope.iter().map(|id| id.as_str()).collect();
    let tallies = read_tallies(&mut inputs, &identities, Some(baseline), None)?;
    let pass = build_in_batches(&in_scope, &stored, &tallies, baseline, None, hand_on)?;
    let profiles = pass.new + pass.reused;
    Ok(ProfileRun {
        new: pass.new,
        profiles,
        entry: profile_entry(&inputs, baseline, scope, pass.new, pass.reused, pass.without_events),
    })
}

/// Profiles for every registered identity over `baseline` and the deltas of
/// `window` against them, reading the events once: the same records and
/// entries as [`profile_run`] followed by [`delta_run`], which replay them.
/// The new profiles' records go to `hand_on` as they are sealed.
pub fn profiles_and_deltas<E: From<DriftError> + Send>(
    mut inputs: DriftInputs<'_>,
    baseline: &Span,
    window: &Span,
    thresholds: &DriftThresholds,
    hand_on: impl FnMut(&ProfileLines) -> Result<(), E> + Send,
) -> Result<(ProfileRun, DeltaRun), E> {
    let known = registered(&mut inputs)?;
    let scope = IdentityScope::All;
    let in_scope = in_scope(&known, &scope)?;
    let stored = stored_profiles(&mut inputs)?;
    let identities: Vec<&str> = in_scope.iter().map(|id| id.as_str()).collect();
    let tallies = read_tallies(&mut inputs, &identities, Some(baseline), Some(window))?;
    let observation = Observation { window, thresholds };
    let pass = build_in_batches(&in_scope, &stored, &tallies, baseline, Some(observation), hand_on)?;
    // Freeing a million sightings and every registered id takes
    // milliseconds that the caller, about to commit, need not wait for.
    drop((identities, in_scope));
    rayon::spawn(move || drop((tallies, known, stored)));
    let profiles = pass.new + pass.reused;
    let entry = profile_entry(&inputs, baseline, &scope, pass.new, pass.reused, pass.without_events);
    // The deltas' entry is written after the profiles', which it counts.
    inputs.profiles.1 += pass.new as u64;
    let scope = DeltaScope::All {
        baseline: baseline.clone(),
    };
    let delta_entry = delta_entry(&inputs, &scope, profiles, &pass.deltas, window, thresholds);
    Ok((
        ProfileRun {
            new: pass.new,
            profiles,
            entry,
        },
        DeltaRun {
            deltas: pass.deltas,
            entry: delta_entry,
        },
    ))
}

/// One identity and the profile its deltas are computed against.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pairing {
    /// The identity.
    pub identity_id: String,
    /// The profile's id (the baseline id).
    pub baseline_id: String,
}

/// A delta run's records and entry.
#[derive(Debug)]
pub struct DeltaRun {
    /// The deltas, sealed, by identity.
    pub deltas: Vec<(DriftDelta, SealedRecord)>,
    /// The entry's fields.
    pub entry: EntryFields,
}

/// The deltas of each profile's identity (on every core, in order);
/// `identities` lists the tallies' identities by position.
fn compute_deltas(
    against: &[Against<'_>],
    identities: &[&str],
    tallies: &WindowTallies,
    window: &Span,
    thresholds: &DriftThresholds,
) -> Result<Vec<(DriftDelta, SealedRecord)>, DriftError> {
    let position: foldhash::HashMap<&str, usize> = identities.iter().enumerate().map(|(at, id)| (*id, at)).collect();
    let per_identity: Vec<Vec<(DriftDelta, SealedRecord)>> = against
        .par_iter()
        .map(|baseline| {
            let at = position.get(baseline.identity_id).copied().unwrap_or(usize::MAX);
            deltas_of(baseline, tallies.observed(at), window, thresholds)
        })
        .collect::<Result<_, _>>()?;
    Ok(per_identity.into_iter().flatten().collect())
}

fn delta_entry(
    inputs: &DriftInputs<'_>,
    scope: &DeltaScope,
    identities: usize,
    deltas: &[(DriftDelta, SealedRecord)],
    window: &Span,
    thresholds: &DriftThresholds,
) -> EntryFields {
    let mut by_type: BTreeMap<&str, u64> = DeltaType::ALL.iter().map(|t| (t.as_str(), 0)).collect();
    for (delta, _) in deltas {
        *by_type.entry(delta.delta_type.as_str()).or_default() += 1;
    }
    EntryFields {
        params: json!({
            "window": window_json(&window.window),
            "thresholds": {"frequency_threshold": thresholds.frequency_threshold, "observation_window_days": thresholds.observation_window_days},
            "frequency_comparison": FREQUENCY_COMPARISON,
            "scope": scope.to_json(),
        }),
        inputs: json!({
            "events": {"file": BEHAVIOR_EVENTS_FILE, "lines": inputs.events.1},
            "identities": {"file": IDENTITIES_FILE, "lines": inputs.identities.1},
            "profiles": {"file": PROFILES_FILE, "lines": inputs.profiles.1},
        }),
        outputs: json!({"deltas": deltas.len(), "by_type": by_type, "identities": identities}),
    }
}

/// Whose deltas a computation states, against which profiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeltaScope {
    /// One identity against one profile.
    One(Pairing),
    /// Every identity with a profile of this baseline window: each against
    /// its newest such profile (the one a computation for everyone builds or
    /// reuses, since events are only ever added).
    All {
        /// The baseline window.
        baseline: Span,
    },
}

impl DeltaScope {
    /// How the entry records it.
    pub fn to_json(&self) -> Value {
        match self {
            DeltaScope::One(p) => json!({"identity_id": p.identity_id, "baseline_id": p.baseline_id}),
            DeltaScope::All { baseline } => {
                json!({"all_identities": true, "baseline_window": window_json(&baseline.window)})
            }
        }
    }

    /// The profiles it compares against, among the stored ones.
    fn profiles<'s>(
        &self,
        known: &BTreeSet<String>,
        stored: &'s [StoredProfile],
    ) -> Result<Vec<&'s StoredProfile>, DriftError> {
        match self {
            DeltaScope::One(pairing) => {
                if !known.contains(&pairing.identity_id) {
                    return Err(DriftError::UnknownIdentity(pairing.identity_id.clone()));
                }
                let profile = stored
                    .iter()
                    .find(|s| s.profile.id == pairing.baseline_id && s.profile.identity_id == pairing.identity_id)
                    .ok_or_else(|| DriftError::NoProfile {
                        identity_id: pairing.identity_id.clone(),
                        baseline_id: pairing.baseline_id.clone(),
                    })?;
                Ok(vec![profile])
            }
            DeltaScope::All { baseline } => {
                let mut newest: BTreeMap<&str, &StoredProfile> = BTreeMap::new();
                for profile in stored.iter().filter(|s| s.profile.window == baseline.window) {
                    let slot = newest.entry(profile.profile.identity_id.as_str()).or_insert(profile);
                    if profile.profile.version > slot.profile.version {
                        *slot = profile;
                    }
                }
                Ok(newest.into_values().collect())
            }
        }
    }
}

/// Computes the deltas of `scope` over `window`.
pub fn delta_run(
    mut inputs: DriftInputs<'_>,
    scope: &DeltaScope,
    window: &Span,
    thresholds: &DriftThresholds,
) -> Result<DeltaRun, DriftError> {
    let known = registered(&mut inputs)?;
    let stored = stored_profiles(&mut inputs)?;
    let profiles = scope.profiles(&known, &stored)?;
    let identities: Vec<&str> = profiles.iter().map(|p| p.profile.identity_id.as_str()).collect();
    let tallies = read_tallies(&mut inputs, &identities, None, Some(window))?;
    let spans = spans_of(profiles.iter().map(|p| &p.profile.window))?;
    let against: Vec<Against<'_>> = profiles
        .iter()
        .map(|stored| Against::stored(stored, span_of(&spans, &stored.profile.window)))
        .collect();
    let deltas = compute_deltas(&against, &identities, &tallies, window, thresholds)?;
    let entry = delta_entry(&inputs, scope, against.len(), &deltas, window, thresholds);
    Ok(DeltaRun { deltas, entry })
}

/// The parameters a UBA_DELTA_COMPUTED entry recorded.
pub fn delta_params(params: &serde_json::Map<String, Value>) -> Result<(DeltaScope, Span, DriftThresholds), String> {
    let window: Window = serde_json::from_value(params.get("window").cloned().unwrap_or(Value::Null))
        .map_err(|e| format!("params.window: {e}"))?;
    let span = Span::from_window("params.window", &window).map_err(|e| e.to_string())?;
    let thresholds: DriftThresholds = serde_json::from_value(params.get("thresholds").cloned().unwrap_or(Value::Null))
        .map_err(|e| format!("params.thresholds: {e}"))?;
    let scope = params.get("scope").ok_or("params.scope is missing")?;
    let text = |name| scope.get(name).and_then(Value::as_str).map(str::to_owned);
    let scope = match (scope.get("all_identities"), text("identity_id"), text("baseline_id")) {
        (Some(Value::Bool(true)), None, None) => {
            let baseline: Window = serde_json::from_value(scope.get("baseline_window").cloned().unwrap_or(Value::Null))
                .map_err(|e| format!("params.scope.baseline_window: {e}"))?;
            DeltaScope::All {
                baseline: Span::from_window("params.scope.baseline_window", &baseline).map_err(|e| e.to_string())?,
            }
        }
        (None, Some(identity_id), Some(baseline_id)) => DeltaScope::One(Pairing {
            identity_id,
            baseline_id,
        }),
        _ => {
            return Err(format!(
                "params.scope is neither all identities nor one identity and profile: {scope}"
            ));
        }
    };
    Ok((scope, span, thresholds))
}

/// The parameters a PROFILE_BUILT entry recorded.
pub fn profile_params(params: &serde_json::Map<String, Value>) -> Result<(Span, IdentityScope), String> {
    let window: Window = serde_json::from_value(params.get("baseline_window").cloned().unwrap_or(Value::Null))
        .map_err(|e| format!("params.baseline_window: {e}"))?;
    let span = Span::from_window("params.baseline_window", &window).map_err(|e| e.to_string())?;
    let scope = match params.get("identities") {
        Some(Value::String(all)) if all == "all" => IdentityScope::All,
        Some(Value::Array(ids)) if ids.len() == 1 && ids[0].is_string() => {
            IdentityScope::One(ids[0].as_str().unwrap_or_default().to_owned())
        }
        other => return Err(format!("params.identities is neither \"all\" nor one id: {other:?}")),
    };
    Ok((span, scope))
}

/// The deltas one UBA_DELTA_COMPUTED entry wrote, read back with their
/// hashes, and its pairings.
#[derive(Debug, Clone, PartialEq)]
pub struct Computation {
    /// The entry.
    pub seq: u64,
    /// Its observation window.
    pub window: Window,
    /// Its identities and their profiles.
    pub pairings: Vec<Pairing>,
    /// Those profiles.
    pub profiles: Vec<StoredProfile>,
    /// Its deltas and their hashes, in stored order.
    pub deltas: Vec<(DriftDelta, String)>,
}

/// The computation at `seq` (by default the newest) among `entries`.
pub fn computation(mut inputs: DriftInputs<'_>, seq: Option<u64>) -> Result<Option<Computation>, DriftError> {
    let entry = inputs
        .entries
        .iter()
        .rev()
        .filter(|e| e.action == Action::UbaDeltaComputed)
        .find(|e| seq.is_none_or(|s| s == e.seq));
    let Some(entry) = entry else { return Ok(None) };
    let bad_entry = |reason: String| DriftError::BadRecord {
        file: "ledger.jsonl".into(),
        line: entry.seq + 1,
        what: "UBA_DELTA_COMPUTED entry",
        reason,
    };
    let (scope, span, _) = delta_params(&entry.params).map_err(bad_entry)?;
    let profile_lines = entry
        .inputs
        .get("profiles")
        .and_then(|p| p.get("lines"))
        .and_then(Value::as_u64)
        .ok_or_else(|| bad_entry("inputs.profiles.lines is not a count".into()))?;
    let stored: Vec<StoredProfile> =
        read_records::<BehaviorProfile>(&mut inputs.profiles.0, PROFILES_FILE, "profile", profile_lines)?
            .into_iter()
            .map(|(profile, hash)| StoredProfile { profile, hash })
            .collect();
    let known = registered(&mut inputs)?;
    let pairings: Vec<Pairing> = scope
        .profiles(&known, &stored)?
        .into_iter()
        .map(|p| Pairing {
            identity_id: p.profile.identity_id.clone(),
            baseline_id: p.profile.id.clone(),
        })
        .collect();
    let claim = record_claims(entry)
        .unwrap_or_default()
        .into_iter()
        .find(|c| c.file == DELTAS_FILE);
    let all: Vec<(DriftDelta, String)> = read_records(&mut inputs.deltas.0, DELTAS_FILE, "delta", inputs.deltas.1)?;
    let deltas = match claim {
        Some(claim) => all
            .into_iter()
            .skip(claim.first_line as usize - 1)
            .take(claim.count as usize)
            .collect(),
        None => Vec::new(),
    };
    Ok(Some(Computation {
        seq: entry.seq,
        window: span.window,
        pairings,
        profiles: stored,
        deltas,
    }))
}

/// A summary run's records and entry.
#[derive(Debug)]
pub struct SummaryRun {
    /// One summary per identity of the computation (or the one asked for).
    pub summaries: Vec<(DeltaSummary, SealedRecord)>,
    /// The entry's fields.
    pub entry: EntryFields,
}

/// Summarizes the deltas of a computation, per identity.
pub fn summary_run(
    inputs: DriftInputs<'_>,
    seq: Option<u64>,
    identity: Option<&str>,
) -> Result<Option<SummaryRun>, DriftError> {
    let Some(found) = computation(inputs, seq)? else {
        return Ok(None);
    };
    let by_id: HashMap<&str, &StoredProfile> = found.profiles.iter().map(|s| (s.profile.id.as_str(), s)).collect();
    let mut deltas_of_identity: HashMap<&str, Vec<&(DriftDelta, String)>> = HashMap::new();
    for delta in &found.deltas {
        deltas_of_identity
            .entry(delta.0.identity_id.as_str())
            .or_default()
            .push(delta);
    }
    let mut summaries = Vec::new();
    for pairing in found
        .pairings
        .iter()
        .filter(|p| identity.is_none_or(|id| id == p.identity_id))
    {
        let Some(baseline) = by_id.get(pairing.baseline_id.as_str()) else {
            continue;
        };
        let deltas: Vec<(DriftDelta, String)> = deltas_of_identity
            .get(pairing.identity_id.as_str())
            .map(|deltas| deltas.iter().map(|d| (*d).clone()).collect())
            .unwrap_or_default();
        summaries.push(summarize(baseline, &found.window, &deltas)?);
    }
    let entry = EntryFields {
        params: json!({"computation": found.seq, "identity": identity}),
        inputs: json!({"deltas": {"file": DELTAS_FILE, "computation": found.seq}}),
        outputs: json!({
            "summaries": summaries.len(),
            "summary_hashes": summaries.iter().map(|(_, r)| hex::encode(r.hash)).collect::<Vec<_>>(),
        }),
    };
    Ok(Some(SummaryRun { summaries, entry }))
}

/// An export: the stored lines of a computation's deltas (of one identity,
/// if asked), as a JSON Lines document.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRun {
    /// The document.
    pub bytes: Vec<u8>,
    /// The entry's fields.
    pub entry: EntryFields,
}

/// Exports the deltas of a computation.
pub fn export_run(
    inputs: DriftInputs<'_>,
    seq: Option<u64>,
    identity: Option<&str>,
) -> Result<Option<ExportRun>, DriftError> {
    let Some(found) = computation(inputs, seq)? else {
        return Ok(None);
    };
    let mut bytes = Vec::new();
    let mut hashes = Vec::new();
    for (delta, hash) in &found.deltas {
        if identity.is_some_and(|id| id != delta.identity_id) {
            continue;
        }
        let mut members = serde_json::to_value(delta)
            .map_err(|e| model::record::RecordError::Canonical(model::CanonicalError::InvalidJson(e.to_string())))?;
        members["hash"] = json!(hash);
        let line = model::canonical::canonicalize_value(&members).map_err(model::record::RecordError::from)?;
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        hashes.push(hash.clone());
    }
    let entry = EntryFields {
        params: json!({"computation": found.seq, "identity": identity}),
        inputs: json!({"deltas": {"file": DELTAS_FILE, "computation": found.seq}}),
        outputs: json!({"deltas": hashes.len(), "delta_hashes": hashes, "sha256": model::digest::sha256_hex(&bytes), "bytes": bytes.len()}),
    };
    Ok(Some(ExportRun { bytes, entry }))
}
