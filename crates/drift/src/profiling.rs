//! Profiles built a batch of identities at a time, on every core, each
//! batch's new records handed to the caller while the next batch is built;
//! with an observation window, each identity's deltas are computed against
//! its profile in the same pass. The records of a hundred thousand
//! profiles are never held at once.

use crate::compare::{Against, Counted, StoredProfile, deltas_of};
use crate::error::DriftError;
use crate::profile::{profile_of, same_content, seal_tallied};
use crate::tally::{Facet, FacetCounts, WindowTallies};
use crate::window::Span;
use model::drift::{DriftDelta, DriftThresholds};
use model::record::{RecordBuilder, SealedRecord};
use rayon::prelude::*;
use std::collections::HashMap;

/// How identities are split into batches and tasks.
#[derive(Debug, Clone, Copy)]
struct Batching {
    /// Identities built between two hand-overs.
    per_batch: usize,
    /// Identities one task builds, into one buffer of lines.
    per_task: usize,
}

/// Batches big enough to keep every core busy and small enough that the
/// records in flight stay a few megabytes; tasks of a few dozen profiles.
const BATCHING: Batching = Batching {
    per_batch: 8192,
    per_task: 64,
};

/// New profile records, in identity order: their lines, each ending in a
/// newline, and their RFC 6962 leaf hashes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ProfileLines {
    /// The lines.
    pub lines: Vec<u8>,
    /// Their leaf hashes, one per line.
    pub leaf_hashes: Vec<tlog::Hash>,
}

impl ProfileLines {
    /// Each line (without its newline) with its leaf hash. Canonical JSON
    /// escapes every newline inside a string, so newlines end records (and
    /// the empty piece after the last one has no hash to pair with).
    pub fn records(&self) -> impl Iterator<Item = (&[u8], &tlog::Hash)> {
        self.lines.split(|byte| *byte == b'\n').zip(&self.leaf_hashes)
    }

    /// Appends `other`'s records.
    pub fn extend(&mut self, other: &ProfileLines) {
        self.lines.extend_from_slice(&other.lines);
        self.leaf_hashes.extend_from_slice(&other.leaf_hashes);
    }
}

/// The observation window deltas are computed for, and the thresholds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Observation<'a> {
    pub window: &'a Span,
    pub thresholds: &'a DriftThresholds,
}

/// What a pass built, counted, and the deltas it computed.
#[derive(Debug, Default)]
pub(crate) struct Pass {
    /// New profiles (their records handed on).
    pub new: usize,
    /// Stored profiles of identical content, reused.
    pub reused: usize,
    /// Identities in scope without events in the baseline window.
    pub without_events: u64,
    /// The deltas, by identity.
    pub deltas: Vec<(DriftDelta, SealedRecord)>,
}

impl Pass {
    fn add(&mut self, other: Pass) {
        self.new += other.new;
        self.reused += other.reused;
        self.without_events += other.without_events;
        self.deltas.extend(other.deltas);
    }
}

/// One batch built: its tasks' records, in order, and their counts.
#[derive(Default)]
struct Batch {
    records: Vec<ProfileLines>,
    pass: Pass,
}

/// What every identity's build reads.
struct Builder<'a> {
    in_scope: &'a [&'a String],
    stored_of: HashMap<&'a str, Vec<&'a StoredProfile>>,
    tallies: &'a WindowTallies,
    baseline: &'a Span,
    observation: Option<Observation<'a>>,
    batching: Batching,
}

/// Builds (or reuses) the profile of each identity of `in_scope` with
/// events in the baseline window (`tallies` lists the same identities, in
/// the same order) and, with an `observation`, computes its deltas; the new
/// profiles' records go to `hand_on`, in identity order, a batch at a time.
/// It runs on a worker of the pool: handing a batch on then takes a core's
/// turn with the building of the next, rather than being a third thread on
/// two cores, and once done the worker helps build.
pub(crate) fn build_in_batches<E: From<DriftError> + Send>(
    in_scope: &[&String],
    stored: &[StoredProfile],
    tallies: &WindowTallies,
    baseline: &Span,
    observation: Option<Observation<'_>>,
    hand_on: impl FnMut(&ProfileLines) -> Result<(), E> + Send,
) -> Result<Pass, E> {
    rayon::scope(|_| build_batched(BATCHING, in_scope, stored, tallies, baseline, observation, hand_on))
}

fn build_batched<E: From<DriftError>>(
    batching: Batching,
    in_scope: &[&String],
    stored: &[StoredProfile],
    tallies: &WindowTallies,
    baseline: &Span,
    observation: Option<Observation<'_>>,
    mut hand_on: impl FnMut(&ProfileLines) -> Result<(), E>,
) -> Result<Pass, E> {
    let mut stored_of: HashMap<&str, Vec<&StoredProfile>> = HashMap::new();
    for profile in stored {
        stored_of
            .entry(profile.profile.identity_id.as_str())
            .or_default()
            .push(profile);
    }
    let builder = Builder {
        in_scope,
        stored_of,
        tallies,
        baseline,
        observation,
        batching,
    };
    let mut pass = Pass::default();
    let mut ready: Vec<ProfileLines> = Vec::new();
    for first in (0..in_scope.len()).step_by(batching.per_batch) {
        let end = in_scope.len().min(first + batching.per_batch);
        let mut next = None;
        let mut handed = Ok(());
        // The caller's writing of one batch overlaps the building of the
        // next; the caller's side stays on this thread, a worker of the
        // pool (see `build_in_batches`), which helps build once done.
        rayon::in_place_scope(|scope| {
            scope.spawn(|_| next = Some(builder.batch(first, end)));
            handed = ready.iter().try_for_each(&mut hand_on);
        });
        handed?;
        let batch = next.expect("the scope waits for its spawned batch")?;
        pass.add(batch.pass);
        ready = batch.records;
    }
    ready.iter().try_for_each(&mut hand_on)?;
    Ok(pass)
}

impl Builder<'_> {
    /// The identities at `first .. end` of the scope, on every core.
    fn batch(&self, first: usize, end: usize) -> Result<Batch, DriftError> {
        let tasks: Vec<(ProfileLines, Pass)> = (first..end)
            .into_par_iter()
            .step_by(self.batching.per_task)
            .map_init(RecordBuilder::new, |records, start| {
                self.task(start, end.min(start + self.batching.per_task), records)
            })
            .collect::<Result<_, _>>()?;
        let mut batch = Batch::default();
        for (records, pass) in tasks {
            batch.records.push(records);
            batch.pass.add(pass);
        }
        Ok(batch)
    }

    /// The identities at `first .. end`, in order, into one buffer.
    fn task(&self, first: usize, end: usize, records: &mut RecordBuilder) -> Result<(ProfileLines, Pass), DriftError> {
        let mut lines = ProfileLines::default();
        let mut pass = Pass::default();
        let mut counts = FacetCounts::default();
        for at in first..end {
            let identity = self.in_scope[at].as_str();
            let events = self.tallies.baseline(at);
            if events.is_empty() {
                pass.without_events += 1;
                continue;
            }
            let earlier = self.stored_of.get(identity).map_or(&[][..], Vec::as_slice);
            // Only an identity profiled before needs its content compared,
            // so only then is the profile built as a record.
            let same = (!earlier.is_empty())
                .then(|| {
                    let candidate = profile_of(identity, self.baseline, events, 0);
                    earlier
                        .iter()
                        .filter(|s| same_content(&s.profile, &candidate))
                        .max_by_key(|s| s.profile.version)
                        .copied()
                })
                .flatten();
            let sealed;
            let against = match same {
                // Same content means the same window: the baseline's.
                Some(stored) => {
                    pass.reused += 1;
                    Against::stored(stored, self.baseline)
                }
                None => {
                    let version = 1 + earlier.iter().map(|s| s.profile.version).max().unwrap_or(0);
                    sealed = seal_tallied(
                        identity,
                        self.baseline,
                        events,
                        version,
                        &mut counts,
                        records,
                        &mut lines.lines,
                    )?;
                    lines.lines.push(b'\n');
                    lines.leaf_hashes.push(tlog::leaf_hash(&sealed.hash));
                    pass.new += 1;
                    Against {
                        identity_id: identity,
                        id: sealed.id(),
                        hash: sealed.hash(),
                        window: self.baseline,
                        counted: Counted::Tallied {
                            events,
                            event_types: counts.numbered(Facet::EventType),
                        },
                    }
                }
            };
            if let Some(observation) = self.observation {
                pass.deltas.extend(deltas_of(
                    &against,
                    self.tallies.observed(at),
                    observation.window,
                    observation.thresholds,
                )?);
            }
        }
        Ok((lines, pass))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tally::TallyBuilder;
    use model::drift::BehaviorProfile;
    use proptest::prelude::*;

    /// Every identity's events, as stored lines, over two days: the first
    /// is the baseline, the second the observation window.
    fn lines_of(events: &[(usize, usize, usize, bool)]) -> Vec<String> {
        let names = ["login", "file_read", "logout", "admin"];
        events
            .iter()
            .enumerate()
            .map(|(n, (identity, kind, hour, observed))| {
                format!(
                    "{{\"event_id\":\"00000000-0000-4000-8000-{n:012x}\",\"event_type\":\"{}\",\"host\":\"h{}\",\"identity_id\":\"id-{identity:02}\",\"timestamp\":\"2026-01-{:02}T{hour:02}:00:00.000Z\"}}",
                    names[*kind],
                    kind % 2,
                    if *observed { 6 } else { 5 },
                )
            })
            .collect()
    }

    /// One pass over `lines` for `identities`, split as `batching` says:
    /// the records handed on, one hand-over after another, and the pass.
    fn run(
        batching: Batching,
        identities: &[String],
        lines: &[String],
        stored: &[StoredProfile],
    ) -> (Vec<ProfileLines>, Pass) {
        let baseline = Span::parse("baseline", "2026-01-05", "2026-01-06").unwrap();
        let window = Span::parse("window", "2026-01-06", "2026-01-07").unwrap();
        let names: Vec<&str> = identities.iter().map(String::as_str).collect();
        let mut tallies = TallyBuilder::new(&names, Some(&baseline), Some(&window), lines.len());
        let block: Vec<&[u8]> = lines.iter().map(|l| l.as_bytes()).collect();
        tallies.add_lines(&block).unwrap();
        let tallies = tallies.finish();
        let thresholds = crate::thresholds::resolve(&Default::default()).unwrap();
        let in_scope: Vec<&String> = identities.iter().collect();
        let mut handed = Vec::new();
        let pass = build_batched(
            batching,
            &in_scope,
            stored,
            &tallies,
            &baseline,
            Some(Observation {
                window: &window,
                thresholds: &thresholds,
            }),
            |records: &ProfileLines| -> Result<(), DriftError> {
                handed.push(records.clone());
                Ok(())
            },
        )
        .unwrap();
        (handed, pass)
    }

    fn joined(pieces: &[ProfileLines]) -> ProfileLines {
        let mut all = ProfileLines::default();
        for piece in pieces {
            all.extend(piece);
        }
        all
    }

    fn deltas(pass: &Pass) -> Vec<&SealedRecord> {
        pass.deltas.iter().map(|(_, record)| record).collect()
    }

    proptest! {
        /// However identities are split into batches and tasks, the same
        /// records are handed on in the same order, with the same counts
        /// and deltas; a second pass over the same events reuses every
        /// profile and states the same deltas against them.
        #[test]
        fn batching_changes_nothing_but_the_hand_overs(
            events in proptest::collection::vec((0..12usize, 0..4usize, 0..24usize, any::<bool>()), 0..80),
            per_batch in 1..6usize,
            per_task in 1..4usize,
        ) {
            let identities: Vec<String> = (0..12).map(|i| format!("id-{i:02}")).collect();
            let lines = lines_of(&events);
            let whole = Batching { per_batch: 1000, per_task: 1000 };
            let (one, reference) = run(whole, &identities, &lines, &[]);
            let (pieces, pass) = run(Batching { per_batch, per_task }, &identities, &lines, &[]);
            prop_assert!(one.len() <= 1);
            prop_assert_eq!(joined(&pieces), joined(&one));
            prop_assert_eq!(
                (pass.new, pass.reused, pass.without_events),
                (reference.new, reference.reused, reference.without_events)
            );
            prop_assert_eq!(deltas(&pass), deltas(&reference));
            let with_events = events.iter().filter(|e| !e.3).map(|e| e.0).collect::<std::collections::BTreeSet<_>>();
            prop_assert_eq!(pass.new, with_events.len());
            prop_assert_eq!(pass.without_events as usize, 12 - with_events.len());

            let all = joined(&one);
            let stored: Vec<StoredProfile> = all
                .records()
                .map(|(line, _)| {
                    let mut value: serde_json::Value = serde_json::from_slice(line).unwrap();
                    let hash = value.as_object_mut().unwrap().remove("hash").unwrap();
                    StoredProfile {
                        profile: serde_json::from_value::<BehaviorProfile>(value).unwrap(),
                        hash: hash.as_str().unwrap().to_owned(),
                    }
                })
                .collect();
            for ((_, leaf), profile) in all.records().zip(&stored) {
                let hash: [u8; 32] = hex::decode(&profile.hash).unwrap().try_into().unwrap();
                prop_assert_eq!(*leaf, tlog::leaf_hash(&hash));
            }
            let (again, repeated) = run(Batching { per_batch, per_task }, &identities, &lines, &stored);
            prop_assert_eq!(joined(&again), ProfileLines::default());
            prop_assert_eq!((repeated.new, repeated.reused), (0, reference.new));
            prop_assert_eq!(deltas(&repeated), deltas(&reference));
        }
    }
}
