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

use crate::compare::{StoredProfile, deltas_of};
use crate::error::DriftError;
use crate::events::{BEHAVIOR_EVENTS_FILE, for_each_block, read_records};
use crate::profile::{WindowTallies, profile_of, same_content, seal_profile};
use crate::summary::summarize;
use crate::window::Span;
use model::claims::record_claims;
use model::drift::{BehaviorProfile, DeltaSummary, DeltaType, DriftDelta, DriftThresholds, Window};
use model::record::SealedRecord;
use model::{Action, LedgerEntry};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
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
    pub events: (Box<dyn BufRead + 'e>, u64),
    /// `identities.jsonl` and its accounted lines.
    pub identities: (Box<dyn BufRead + 'e>, u64),
    /// `profiles.jsonl` and its accounted lines.
    pub profiles: (Box<dyn BufRead + 'e>, u64),
    /// `deltas.jsonl` and its accounted lines.
    pub deltas: (Box<dyn BufRead + 'e>, u64),
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

/// A profile run's records and entry.
#[derive(Debug)]
pub struct ProfileRun {
    /// The profiles new to the store, sealed, by identity.
    pub new: Vec<(BehaviorProfile, SealedRecord)>,
    /// The profile of every identity in scope with events in the window,
    /// new or reused, by identity.
    pub profiles: Vec<StoredProfile>,
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
    let records: Vec<(Value, String)> = read_records(reader, IDENTITIES_FILE, "identity", lines)?;
    Ok(records
        .into_iter()
        .filter_map(|(identity, _)| identity.get("identity_id").and_then(Value::as_str).map(str::to_owned))
        .collect())
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

/// Builds the profiles of `scope` over `baseline`, reusing stored ones of
/// identical content.
pub fn profile_run(
    mut inputs: DriftInputs<'_>,
    baseline: &Span,
    scope: &IdentityScope,
) -> Result<ProfileRun, DriftError> {
    let known = registered(&mut inputs)?;
    if let IdentityScope::One(id) = scope
        && !known.contains(id)
    {
        return Err(DriftError::UnknownIdentity(id.clone()));
    }
    let stored = stored_profiles(&mut inputs)?;
    let mut tallies = WindowTallies::default();
    let wanted = |identity: &str| match scope {
        IdentityScope::All => true,
        IdentityScope::One(id) => id == identity,
    };
    let (events, event_lines) = (&mut inputs.events.0, inputs.events.1);
    for_each_block(events, event_lines, |block| {
        tallies.add_block(block, Some(baseline), None, wanted);
        Ok::<_, DriftError>(())
    })?;
    let in_scope: Vec<&String> = match scope {
        IdentityScope::All => known.iter().collect(),
        IdentityScope::One(id) => vec![id],
    };
    let (mut new, mut profiles, mut without_events) = (Vec::new(), Vec::new(), 0u64);
    for identity in in_scope {
        let Some(tally) = tallies.baseline.get(identity) else {
            without_events += 1;
            continue;
        };
        let candidate = profile_of(identity, baseline, tally, 0);
        if let Some(same) = stored.iter().find(|s| same_content(&s.profile, &candidate)) {
            profiles.push(same.clone());
            continue;
        }
        let version = 1 + stored
            .iter()
            .filter(|s| s.profile.identity_id == *identity)
            .map(|s| s.profile.version)
            .max()
            .unwrap_or(0);
        let (profile, record) = seal_profile(BehaviorProfile { version, ..candidate })?;
        profiles.push(StoredProfile {
            profile: profile.clone(),
            hash: hex(&record.hash),
        });
        new.push((profile, record));
    }
    let entry = EntryFields {
        params: json!({
            "baseline_window": window_json(&baseline.window),
            "identities": match scope { IdentityScope::All => json!("all"), IdentityScope::One(id) => json!([id]) },
        }),
        inputs: json!({
            "events": {"file": BEHAVIOR_EVENTS_FILE, "lines": inputs.events.1},
            "identities": {"file": IDENTITIES_FILE, "lines": inputs.identities.1},
            "profiles": {"file": PROFILES_FILE, "lines": inputs.profiles.1},
        }),
        outputs: json!({
            "profiles": new.len(),
            "reused": profiles.len() - new.len(),
            "identities_without_events": without_events,
        }),
    };
    Ok(ProfileRun { new, profiles, entry })
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

/// Computes the deltas of each pairing over `window`.
pub fn delta_run(
    mut inputs: DriftInputs<'_>,
    pairings: &[Pairing],
    window: &Span,
    thresholds: &DriftThresholds,
) -> Result<DeltaRun, DriftError> {
    let known = registered(&mut inputs)?;
    let stored = stored_profiles(&mut inputs)?;
    let mut pairings = pairings.to_vec();
    pairings.sort();
    pairings.dedup();
    let mut baselines = Vec::with_capacity(pairings.len());
    for pairing in &pairings {
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
        baselines.push(profile);
    }
    let wanted: BTreeSet<&str> = pairings.iter().map(|p| p.identity_id.as_str()).collect();
    let mut tallies = WindowTallies::default();
    let (events, event_lines) = (&mut inputs.events.0, inputs.events.1);
    for_each_block(events, event_lines, |block| {
        tallies.add_block(block, None, Some(window), |identity| wanted.contains(identity));
        Ok::<_, DriftError>(())
    })?;
    let empty = crate::profile::Tally::default();
    let mut deltas = Vec::new();
    for baseline in baselines {
        let observed = tallies.observed.get(&baseline.profile.identity_id).unwrap_or(&empty);
        deltas.extend(deltas_of(baseline, observed, window, thresholds)?);
    }
    let mut by_type: BTreeMap<&str, u64> = DeltaType::ALL.iter().map(|t| (t.as_str(), 0)).collect();
    for (delta, _) in &deltas {
        *by_type.entry(delta.delta_type.as_str()).or_default() += 1;
    }
    let entry = EntryFields {
        params: json!({
            "window": window_json(&window.window),
            "thresholds": {"frequency_threshold": thresholds.frequency_threshold, "observation_window_days": thresholds.observation_window_days},
            "frequency_comparison": FREQUENCY_COMPARISON,
            "baselines": pairings.iter().map(|p| json!({"identity_id": p.identity_id, "baseline_id": p.baseline_id})).collect::<Vec<_>>(),
        }),
        inputs: json!({
            "events": {"file": BEHAVIOR_EVENTS_FILE, "lines": inputs.events.1},
            "identities": {"file": IDENTITIES_FILE, "lines": inputs.identities.1},
            "profiles": {"file": PROFILES_FILE, "lines": inputs.profiles.1},
        }),
        outputs: json!({"deltas": deltas.len(), "by_type": by_type, "identities": pairings.len()}),
    };
    Ok(DeltaRun { deltas, entry })
}

/// The parameters a UBA_DELTA_COMPUTED entry recorded.
pub fn delta_params(params: &serde_json::Map<String, Value>) -> Result<(Vec<Pairing>, Span, DriftThresholds), String> {
    let window: Window = serde_json::from_value(params.get("window").cloned().unwrap_or(Value::Null))
        .map_err(|e| format!("params.window: {e}"))?;
    let span = Span::from_window("params.window", &window).map_err(|e| e.to_string())?;
    let thresholds: DriftThresholds = serde_json::from_value(params.get("thresholds").cloned().unwrap_or(Value::Null))
        .map_err(|e| format!("params.thresholds: {e}"))?;
    let pairings = params
        .get("baselines")
        .and_then(Value::as_array)
        .ok_or("params.baselines is not an array")?
        .iter()
        .map(|pair| {
            let text = |name| pair.get(name).and_then(Value::as_str).map(str::to_owned);
            match (text("identity_id"), text("baseline_id")) {
                (Some(identity_id), Some(baseline_id)) => Ok(Pairing {
                    identity_id,
                    baseline_id,
                }),
                _ => Err("params.baselines lists a pair without identity_id or baseline_id".to_owned()),
            }
        })
        .collect::<Result<_, _>>()?;
    Ok((pairings, span, thresholds))
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
    /// Its pairings.
    pub pairings: Vec<Pairing>,
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
    let (pairings, span, _) = delta_params(&entry.params).map_err(|reason| DriftError::BadRecord {
        file: "ledger.jsonl".into(),
        line: entry.seq + 1,
        what: "UBA_DELTA_COMPUTED entry",
        reason,
    })?;
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
    mut inputs: DriftInputs<'_>,
    seq: Option<u64>,
    identity: Option<&str>,
) -> Result<Option<SummaryRun>, DriftError> {
    let stored = stored_profiles(&mut inputs)?;
    let Some(found) = computation(inputs, seq)? else {
        return Ok(None);
    };
    let mut summaries = Vec::new();
    for pairing in found
        .pairings
        .iter()
        .filter(|p| identity.is_none_or(|id| id == p.identity_id))
    {
        let Some(baseline) = stored.iter().find(|s| s.profile.id == pairing.baseline_id) else {
            continue;
        };
        let deltas: Vec<(DriftDelta, String)> = found
            .deltas
            .iter()
            .filter(|(d, _)| d.identity_id == pairing.identity_id)
            .cloned()
            .collect();
        summaries.push(summarize(baseline, &found.window, &deltas)?);
    }
    let entry = EntryFields {
        params: json!({"computation": found.seq, "identity": identity}),
        inputs: json!({"deltas": {"file": DELTAS_FILE, "computation": found.seq}}),
        outputs: json!({
            "summaries": summaries.len(),
            "summary_hashes": summaries.iter().map(|(_, r)| hex(&r.hash)).collect::<Vec<_>>(),
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
