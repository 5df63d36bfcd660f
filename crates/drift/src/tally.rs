//! Events grouped per identity and window, kept small: each event as a
//! [`Sighting`] of fixed size, the strings it carries (event type, host,
//! privilege) numbered once for the whole run, its hour of day read from
//! its time.
//!
//! A million events must not cost a million maps: lines are read on every
//! core straight into sightings, each core numbering the strings of its own
//! lines, and the numbers are made common in file order as each block is
//! merged. Grouping is then one sort, in place, by identity and by
//! (timestamp, event id), the order every profile and delta states them in.

use crate::profile::{EventKey, parse_uuid, time_digits};
use crate::window::Span;
use model::event::StoredBehaviorEvent;
use model::record::{LineBlocks, ReadLinesError};
use rayon::prelude::*;
use std::borrow::Cow;

/// What an event carries that profiles count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    /// The event type.
    EventType = 0,
    /// The host.
    Host = 1,
    /// The hour of day, two digits.
    Hour = 2,
    /// The privilege.
    Privilege = 3,
}

/// A facet the event does not carry.
const ABSENT: u32 = u32::MAX;

/// Lines parsed by one task.
const LINES_PER_TASK: usize = 1024;

/// Sightings reserved up front per window (about 240 MB of address space,
/// not of memory, until used): enough for millions of events without a
/// copy, without asking a strict-overcommit system for the size of a
/// whole large store at once.
pub const RESERVED_EVENTS: usize = 1 << 22;

/// One event of one identity in one window: 40 bytes, as a million of
/// them are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sighting {
    key: EventKey,
    identity: u32,
    /// Per [`Facet`] but the hour (which the key holds), the number of its
    /// string in [`Names`], or [`ABSENT`].
    facets: [u32; 3],
}

impl Facet {
    /// Every facet, in the order of their numbers.
    pub const ALL: [Facet; 4] = [Facet::EventType, Facet::Host, Facet::Hour, Facet::Privilege];

    /// Where a sighting keeps the facet's number; the hour is in its key.
    fn slot(self) -> Option<usize> {
        match self {
            Facet::EventType => Some(0),
            Facet::Host => Some(1),
            Facet::Hour => None,
            Facet::Privilege => Some(2),
        }
    }
}

/// The strings of a run, numbered in order of first sight.
#[derive(Debug, Default)]
pub struct Names {
    numbers: foldhash::HashMap<String, u32>,
    names: Vec<String>,
}

impl Names {
    fn number(&mut self, name: &str) -> u32 {
        if let Some(number) = self.numbers.get(name) {
            return *number;
        }
        let number = self.names.len() as u32;
        self.numbers.insert(name.to_owned(), number);
        self.names.push(name.to_owned());
        number
    }

    fn name(&self, number: u32) -> &str {
        &self.names[number as usize]
    }
}

/// The events of one identity in one window, in (timestamp, event id)
/// order.
#[derive(Debug, Clone, Copy)]
pub struct IdentityEvents<'t> {
    sightings: &'t [Sighting],
    names: &'t Names,
}

impl<'t> IdentityEvents<'t> {
    /// How many.
    pub fn len(&self) -> usize {
        self.sightings.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.sightings.is_empty()
    }

    /// Their keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &'t EventKey> {
        self.sightings.iter().map(|s| &s.key)
    }

    /// The number of `facet`'s value of each event that carries it (for
    /// the hour, the hour itself), with the event's key, in event order.
    pub(crate) fn numbers(&self, facet: Facet) -> impl Iterator<Item = (u32, EventKey)> + use<'t> {
        let slot = facet.slot();
        self.sightings.iter().filter_map(move |sighting| {
            let number = match slot {
                Some(slot) => sighting.facets[slot],
                None => sighting.key.hour_number(),
            };
            (number != ABSENT).then_some((number, sighting.key))
        })
    }

    /// The value of `facet` that `number` stands for.
    pub(crate) fn name(&self, facet: Facet, number: u32) -> &'t str {
        match facet.slot() {
            Some(_) => self.names.name(number),
            None => crate::profile::two_digits(number),
        }
    }

    /// Whether any event carries the value numbered `number` as its
    /// `facet`.
    pub(crate) fn has_number(&self, facet: Facet, number: u32) -> bool {
        self.numbers(facet).any(|(seen, _)| seen == number)
    }
}

/// One identity's events counted per facet and value, in room reused from
/// one identity to the next: a run counts a hundred thousand identities,
/// and allocating for each would cost more than the counting.
#[derive(Debug, Default)]
pub struct FacetCounts<'t> {
    numbers: Vec<u32>,
    /// Per [`Facet`]: each value's number, the value and how many events
    /// carry it, in the values' byte order.
    numbered: [Vec<(u32, &'t str, u64)>; 4],
    /// The same without the numbers.
    listed: [Vec<(&'t str, u64)>; 4],
}

impl<'t> FacetCounts<'t> {
    /// Counts `events`, replacing what was counted before.
    pub fn count(&mut self, events: IdentityEvents<'t>) {
        for facet in Facet::ALL {
            // Numbers are counted, not strings: only the few distinct
            // values are then put in byte order.
            self.numbers.clear();
            self.numbers.extend(events.numbers(facet).map(|(number, _)| number));
            self.numbers.sort_unstable();
            let numbered = &mut self.numbered[facet as usize];
            numbered.clear();
            numbered.extend(
                self.numbers
                    .chunk_by(|a, b| a == b)
                    .map(|run| (run[0], events.name(facet, run[0]), run.len() as u64)),
            );
            numbered.sort_unstable_by(|a, b| a.1.cmp(b.1));
            let listed = &mut self.listed[facet as usize];
            listed.clear();
            listed.extend(numbered.iter().map(|(_, value, count)| (*value, *count)));
        }
    }

    /// Per value of `facet`, how many events carry it, in the values'
    /// byte order.
    pub fn listed(&self, facet: Facet) -> &[(&'t str, u64)] {
        &self.listed[facet as usize]
    }

    /// The same, each with the value's number in the run.
    pub(crate) fn numbered(&self, facet: Facet) -> &[(u32, &'t str, u64)] {
        &self.numbered[facet as usize]
    }
}

/// The events of a list of identities in one window, grouped.
#[derive(Debug, Default)]
pub struct Grouped {
    /// By identity, then by key.
    sightings: Vec<Sighting>,
    /// Where each identity's start, and one past the last.
    starts: Vec<usize>,
}

impl Grouped {
    /// Groups `sightings` of `identities` identities: sorted in place by
    /// identity and key on every core (no second copy of a million events).
    fn of(mut sightings: Vec<Sighting>, identities: usize) -> Grouped {
        sightings.par_sort_unstable_by_key(|s| (s.identity, s.key));
        let mut starts = Vec::with_capacity(identities + 1);
        let mut at = 0;
        for identity in 0..=identities as u32 {
            starts.push(at);
            while sightings.get(at).is_some_and(|s| s.identity == identity) {
                at += 1;
            }
        }
        Grouped { sightings, starts }
    }

    fn of_identity(&self, identity: usize) -> &[Sighting] {
        match (self.starts.get(identity), self.starts.get(identity + 1)) {
            (Some(start), Some(end)) => &self.sightings[*start..*end],
            _ => &[],
        }
    }
}

/// Per identity of a list, its events in a baseline and in an observation
/// window.
#[derive(Debug)]
pub struct WindowTallies {
    names: Names,
    baseline: Grouped,
    observed: Grouped,
}

impl WindowTallies {
    /// The events of the `identity`-th identity in the baseline window.
    pub fn baseline(&self, identity: usize) -> IdentityEvents<'_> {
        IdentityEvents {
            sightings: self.baseline.of_identity(identity),
            names: &self.names,
        }
    }

    /// Its events in the observation window.
    pub fn observed(&self, identity: usize) -> IdentityEvents<'_> {
        IdentityEvents {
            sightings: self.observed.of_identity(identity),
            names: &self.names,
        }
    }
}

/// Fills [`WindowTallies`] a block of lines at a time, in file order.
#[derive(Debug)]
pub struct TallyBuilder<'s> {
    sighter: Sighter<'s>,
    gathered: Gathered,
}

/// What reading a line needs: whose events are wanted, in which windows.
#[derive(Debug)]
struct Sighter<'s> {
    /// How many identities are wanted.
    identities: usize,
    /// Those whose ids are UUIDs (as the store's are), by the UUID's value:
    /// a lookup per event then hashes and compares one number, and follows
    /// no pointer.
    by_uuid: foldhash::HashMap<u128, u32>,
    /// Any other, by its id.
    by_text: foldhash::HashMap<&'s str, u32>,
    baseline: Option<Bounds<'s>>,
    observed: Option<Bounds<'s>>,
}

/// A window, and its bounds as the numbers their digits spell: a stored
/// time is compared as one number, not as text, a million times a run.
#[derive(Debug, Clone, Copy)]
struct Bounds<'s> {
    span: &'s Span,
    times: Option<(u64, u64)>,
}

impl<'s> Bounds<'s> {
    fn of(span: &'s Span) -> Bounds<'s> {
        let times = time_digits(&span.window.start).zip(time_digits(&span.window.end));
        Bounds { span, times }
    }

    /// Whether the stored time `timestamp`, whose digits spell `time` if it
    /// has the stored form, lies in the window. Two times of the stored
    /// form order as their numbers do, exactly as their texts do.
    fn contains(&self, timestamp: &str, time: Option<u64>) -> bool {
        match (self.times, time) {
            (Some((start, end)), Some(time)) => start <= time && time < end,
            _ => self.span.contains(timestamp),
        }
    }
}

/// What the lines merged so far hold, numbered by the run's names.
#[derive(Debug)]
struct Gathered {
    names: Names,
    in_baseline: Vec<Sighting>,
    in_observed: Vec<Sighting>,
}

/// A task's sightings, numbered by its own names.
struct TaskSightings {
    names: Vec<String>,
    in_baseline: Vec<Sighting>,
    in_observed: Vec<Sighting>,
}

/// Why a block could not be tallied.
#[derive(Debug)]
pub enum BlockError {
    /// The file could not be read as lines.
    Read(ReadLinesError),
    /// A line is not a stored behaviour event.
    Line {
        /// Its number.
        line: u64,
        /// Why.
        reason: String,
    },
}

impl<'s> TallyBuilder<'s> {
    /// Tallies the events of `identities` (the `i`-th is identity `i` of the
    /// result) in either window, out of at most `events` events. Room for
    /// up to [`RESERVED_EVENTS`] of them is made at once: memory is only
    /// touched as it fills, and is not copied to grow below that.
    pub fn new(
        identities: &[&'s str],
        baseline: Option<&'s Span>,
        observed: Option<&'s Span>,
        events: usize,
    ) -> TallyBuilder<'s> {
        let reserved = |window: Option<&Span>| {
            if window.is_some() {
                events.min(RESERVED_EVENTS)
            } else {
                0
            }
        };
        // Sized once: a hundred thousand identities are too many to grow
        // the table for.
        let mut by_uuid = foldhash::HashMap::with_capacity_and_hasher(identities.len(), Default::default());
        let mut by_text = foldhash::HashMap::default();
        for (at, identity) in identities.iter().enumerate() {
            match uuid_value(identity) {
                Some(value) => by_uuid.insert(value, at as u32),
                None => by_text.insert(*identity, at as u32),
            };
        }
        TallyBuilder {
            sighter: Sighter {
                identities: identities.len(),
                by_uuid,
                by_text,
                baseline: baseline.map(Bounds::of),
                observed: observed.map(Bounds::of),
            },
            gathered: Gathered {
                names: Names::default(),
                in_baseline: Vec::with_capacity(reserved(baseline)),
                in_observed: Vec::with_capacity(reserved(observed)),
            },
        }
    }

    /// Reads a block of stored lines on every core; a line that is not a
    /// stored behaviour event is refused with its index in `lines`.
    pub fn add_lines(&mut self, lines: &[&[u8]]) -> Result<(), (usize, String)> {
        let tasks = self.sighter.sight(lines)?;
        self.gathered.merge(tasks);
        Ok(())
    }

    /// Reads every block of `blocks`, in file order: each block's lines are
    /// read on every core while this thread merges the block before and
    /// reads the one after from the file.
    pub fn add_blocks<R: std::io::Read>(&mut self, blocks: &mut LineBlocks<R>) -> Result<(), BlockError> {
        let (sighter, gathered) = (&self.sighter, &mut self.gathered);
        let mut current = blocks.next_owned().map_err(BlockError::Read)?;
        let mut unmerged = None;
        while let Some(block) = current {
            let mut sighted = None;
            let mut next = Ok(None);
            rayon::in_place_scope(|scope| {
                scope.spawn(|_| sighted = Some(sighter.sight(&block.lines())));
                if let Some(tasks) = unmerged.take() {
                    gathered.merge(tasks);
                }
                next = blocks.next_owned();
            });
            let tasks = sighted
                .expect("the scope waits for its spawned reading")
                .map_err(|(index, reason)| BlockError::Line {
                    line: block.first_line + index as u64,
                    reason,
                })?;
            unmerged = Some(tasks);
            blocks.recycle(block);
            current = next.map_err(BlockError::Read)?;
        }
        if let Some(tasks) = unmerged {
            gathered.merge(tasks);
        }
        Ok(())
    }

    /// The tallies, grouped.
    pub fn finish(self) -> WindowTallies {
        let identities = self.sighter.identities;
        WindowTallies {
            names: self.gathered.names,
            baseline: Grouped::of(self.gathered.in_baseline, identities),
            observed: Grouped::of(self.gathered.in_observed, identities),
        }
    }
}

impl Sighter<'_> {
    /// The number of the identity `id`, if it is wanted. A text is a UUID's
    /// only in one spelling, so a registered id and an event's match
    /// exactly when both are that UUID's or both are the same other text.
    /// `recent` is the UUID looked up last and what it gave: one identity's
    /// events often come in runs, and a run then costs one lookup.
    fn identity(&self, id: &str, recent: &mut Option<(u128, Option<u32>)>) -> Option<u32> {
        match uuid_value(id) {
            Some(value) => match *recent {
                Some((last, number)) if last == value => number,
                _ => {
                    let number = self.by_uuid.get(&value).copied();
                    *recent = Some((value, number));
                    number
                }
            },
            None => self.by_text.get(id).copied(),
        }
    }

    /// Lines as sightings, on every core, a task's lines numbered by the
    /// task's own names.
    fn sight(&self, lines: &[&[u8]]) -> Result<Vec<TaskSightings>, (usize, String)> {
        lines
            .par_chunks(LINES_PER_TASK)
            .enumerate()
            .map(|(task, chunk)| {
                self.sight_task(chunk)
                    .map_err(|(index, reason)| (task * LINES_PER_TASK + index, reason))
            })
            .collect()
    }

    /// One task's lines as sightings.
    fn sight_task<'b>(&self, lines: &[&'b [u8]]) -> Result<TaskSightings, (usize, String)> {
        let mut numbers: foldhash::HashMap<Cow<'b, str>, u32> = foldhash::HashMap::default();
        let mut task = TaskSightings {
            names: Vec::new(),
            in_baseline: Vec::new(),
            in_observed: Vec::new(),
        };
        let mut recent = None;
        let mut number = |name: Cow<'b, str>, names: &mut Vec<String>| -> u32 {
            if let Some(number) = numbers.get(name.as_ref()) {
                return *number;
            }
            let number = names.len() as u32;
            names.push(name.as_ref().to_owned());
            numbers.insert(name, number);
            number
        };
        for (index, line) in lines.iter().enumerate() {
            let event = StoredBehaviorEvent::from_line(line).map_err(|e| (index, e.to_string()))?;
            let time = time_digits(&event.timestamp);
            let in_baseline = self
                .baseline
                .is_some_and(|bounds| bounds.contains(&event.timestamp, time));
            let in_observed = self
                .observed
                .is_some_and(|bounds| bounds.contains(&event.timestamp, time));
            if !(in_baseline || in_observed) {
                continue;
            }
            let Some(identity) = self.identity(&event.identity_id, &mut recent) else {
                continue;
            };
            let key = EventKey::timed(time, &event).map_err(|reason| (index, reason))?;
            let mut facet = |value: Option<Cow<'b, str>>| value.map_or(ABSENT, |v| number(v, &mut task.names));
            let sighting = Sighting {
                key,
                identity,
                facets: [facet(Some(event.event_type)), facet(event.host), facet(event.privilege)],
            };
            if in_baseline {
                task.in_baseline.push(sighting);
            }
            if in_observed {
                task.in_observed.push(sighting);
            }
        }
        Ok(task)
    }
}

/// The value of a lowercase hyphenated UUID.
fn uuid_value(text: &str) -> Option<u128> {
    parse_uuid(text).map(u128::from_be_bytes)
}

impl Gathered {
    /// Appends tasks' sightings in order, renumbered by the run's names.
    fn merge(&mut self, tasks: Vec<TaskSightings>) {
        for task in tasks {
            let common: Vec<u32> = task.names.iter().map(|name| self.names.number(name)).collect();
            let renumber = |mut sighting: Sighting| {
                for number in &mut sighting.facets {
                    if *number != ABSENT {
                        *number = common[*number as usize];
                    }
                }
                sighting
            };
            self.in_baseline.extend(task.in_baseline.into_iter().map(renumber));
            self.in_observed.extend(task.in_observed.into_iter().map(renumber));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// Registered identities: ids are UUIDs in the store, but any text is
    /// looked up as exactly itself.
    const IDENTITIES: [&str; 3] = [
        "id-a",
        "00000000-0000-4000-8000-00000000000b",
        "00000000-0000-4000-8000-00000000000c",
    ];

    /// Identities of events that are not registered: a text, a UUID, and
    /// a registered UUID spelled in capitals (another text).
    const UNREGISTERED: [&str; 3] = [
        "id-unregistered",
        "00000000-0000-4000-8000-0000000000ff",
        "00000000-0000-4000-8000-00000000000B",
    ];

    /// A stored line: identity (3 and above are unregistered), day of
    /// January, hour, a type, an optional host and privilege; ids follow
    /// `n`. Every other line is in the store's exact layout, the rest have
    /// a space in them.
    fn line(
        n: usize,
        identity: usize,
        day: u32,
        hour: u32,
        kind: &str,
        host: Option<&str>,
        privilege: Option<&str>,
    ) -> String {
        let identity = IDENTITIES
            .iter()
            .chain(&UNREGISTERED)
            .nth(identity)
            .expect("a planned identity");
        let optional =
            |key: &str, value: Option<&str>| value.map(|v| format!(",\"{key}\":\"{v}\"")).unwrap_or_default();
        let space = if n.is_multiple_of(2) { "" } else { " " };
        format!(
            "{{\"event_id\":\"00000000-0000-4000-8000-{n:012x}\",\"event_type\":\"{kind}\",\"hash\":\"00\"{},{space}\"identity_id\":\"{identity}\"{},\"timestamp\":\"2026-01-{day:02}T{hour:02}:00:00.000Z\"}}",
            optional("host", host),
            optional("privilege", privilege),
        )
    }

    type Reference = BTreeMap<(usize, bool), Vec<(String, String, [Option<String>; 4])>>;

    /// What the tallies should hold, counted plainly: per (identity,
    /// observed?), the events as (timestamp, event id, facets), sorted.
    fn reference(lines: &[String], baseline: &Span, observed: &Span) -> Reference {
        let mut expected: Reference = BTreeMap::new();
        for line in lines {
            let event = StoredBehaviorEvent::from_line(line.as_bytes()).unwrap();
            let Some(identity) = IDENTITIES.iter().position(|id| *id == event.identity_id) else {
                continue;
            };
            let facets = [
                Some(event.event_type.to_string()),
                event.host.as_deref().map(str::to_owned),
                Some(event.timestamp[11..13].to_owned()),
                event.privilege.as_deref().map(str::to_owned),
            ];
            for (is_observed, span) in [(false, baseline), (true, observed)] {
                if span.contains(&event.timestamp) {
                    expected.entry((identity, is_observed)).or_default().push((
                        event.timestamp.to_string(),
                        event.event_id.to_string(),
                        facets.clone(),
                    ));
                }
            }
        }
        for events in expected.values_mut() {
            events.sort();
        }
        expected
    }

    fn tallied(tallies: &WindowTallies) -> Reference {
        let mut seen: Reference = BTreeMap::new();
        for identity in 0..IDENTITIES.len() {
            for (is_observed, events) in [(false, tallies.baseline(identity)), (true, tallies.observed(identity))] {
                for (at, sighting) in events.sightings.iter().enumerate() {
                    // Through the same reading the profiles and deltas use.
                    let one = IdentityEvents {
                        sightings: &events.sightings[at..=at],
                        names: events.names,
                    };
                    let facet = |facet: Facet| {
                        one.numbers(facet)
                            .next()
                            .map(|(number, _)| one.name(facet, number).to_owned())
                    };
                    seen.entry((identity, is_observed)).or_default().push((
                        sighting.key.timestamp(),
                        sighting.key.event_id(),
                        [
                            facet(Facet::EventType),
                            facet(Facet::Host),
                            facet(Facet::Hour),
                            facet(Facet::Privilege),
                        ],
                    ));
                }
            }
        }
        seen
    }

    fn tally(lines: &[String], cuts: &[usize], baseline: &Span, observed: &Span) -> WindowTallies {
        let mut builder = TallyBuilder::new(&IDENTITIES, Some(baseline), Some(observed), lines.len());
        let mut start = 0;
        for end in cuts.iter().copied().chain([lines.len()]) {
            let block: Vec<&[u8]> = lines[start..end.max(start)].iter().map(|l| l.as_bytes()).collect();
            builder.add_lines(&block).unwrap();
            start = end.max(start);
        }
        builder.finish()
    }

    fn spans() -> (Span, Span) {
        (
            Span::parse("baseline", "2026-01-02", "2026-01-06").unwrap(),
            // Overlapping the baseline on purpose: an event may be in both.
            Span::parse("window", "2026-01-05", "2026-01-08").unwrap(),
        )
    }

    /// (identity, day, hour, type, host, privilege), as numbers.
    type Planned = (usize, u32, u32, usize, Option<usize>, Option<usize>);

    fn event() -> impl Strategy<Value = Planned> {
        (
            0..IDENTITIES.len() + UNREGISTERED.len(),
            1..9u32,
            0..24u32,
            0..3usize,
            proptest::option::of(0..4usize),
            proptest::option::of(0..2usize),
        )
    }

    fn lines_of(events: &[Planned]) -> Vec<String> {
        let kinds = ["login", "file_read", "logout"];
        let hosts = ["h1", "h2", "h3", "h4"];
        let privileges = ["user", "admin"];
        events
            .iter()
            .enumerate()
            .map(|(n, (identity, day, hour, kind, host, privilege))| {
                line(
                    n,
                    *identity,
                    *day,
                    *hour,
                    kinds[*kind],
                    host.map(|h| hosts[h]),
                    privilege.map(|p| privileges[p]),
                )
            })
            .collect()
    }

    proptest! {
        /// However the lines are cut into blocks, each identity's events in
        /// each window are those a plain count finds, in (timestamp, id)
        /// order, with their values.
        #[test]
        fn tallies_hold_what_a_plain_count_finds(
            events in proptest::collection::vec(event(), 0..200),
            cuts in proptest::collection::vec(0..200usize, 0..4),
        ) {
            let lines = lines_of(&events);
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(lines.len())).collect();
            cuts.sort_unstable();
            let (baseline, observed) = spans();
            let tallies = tally(&lines, &cuts, &baseline, &observed);
            prop_assert_eq!(tallied(&tallies), reference(&lines, &baseline, &observed));
        }
    }

    /// Tallies `lines` as a file read in blocks of about `block_bytes`.
    fn tally_file(
        lines: &[String],
        block_bytes: usize,
        baseline: &Span,
        observed: &Span,
    ) -> Result<WindowTallies, BlockError> {
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let mut builder = TallyBuilder::new(&IDENTITIES, Some(baseline), Some(observed), lines.len());
        let mut blocks = LineBlocks::new(text.as_bytes(), 1, lines.len() as u64 + 1, block_bytes);
        builder.add_blocks(&mut blocks)?;
        Ok(builder.finish())
    }

    proptest! {
        /// Read from a file, a block read while the one before is merged,
        /// the tallies are the same whatever the block size.
        #[test]
        fn blocks_read_ahead_tally_what_a_plain_count_finds(
            events in proptest::collection::vec(event(), 0..200),
            block_bytes in 1..3000usize,
        ) {
            let lines = lines_of(&events);
            let (baseline, observed) = spans();
            let tallies = tally_file(&lines, block_bytes, &baseline, &observed).unwrap();
            prop_assert_eq!(tallied(&tallies), reference(&lines, &baseline, &observed));
        }
    }

    #[test]
    fn a_bad_line_read_in_blocks_is_named_by_its_line_number() {
        let mut lines = lines_of(&[(0, 2, 9, 0, None, None); 40]);
        lines[29] = "{\"event_id\":1}".to_owned();
        let (baseline, observed) = spans();
        for block_bytes in [1, 500, 5000, 1 << 20] {
            match tally_file(&lines, block_bytes, &baseline, &observed) {
                Err(BlockError::Line { line, reason }) => {
                    assert_eq!(line, 30);
                    assert!(reason.contains("expected a string"), "{reason}");
                }
                other => panic!("line 30 is not an event, yet {other:?}"),
            }
        }
        lines.truncate(35);
        lines[29] = lines[0].clone();
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let mut builder = TallyBuilder::new(&IDENTITIES, Some(&baseline), Some(&observed), 40);
        let mut blocks = LineBlocks::new(text.as_bytes(), 1, 41, 500);
        assert!(matches!(
            builder.add_blocks(&mut blocks),
            Err(BlockError::Read(ReadLinesError::MissingLines {
                expected: 40,
                found: 35
            }))
        ));
    }

    #[test]
    fn a_time_not_in_the_stored_form_is_refused_only_inside_a_window() {
        let (baseline, observed) = spans();
        let mut lines = lines_of(&[(1, 2, 9, 0, None, None); 3]);
        let outside = lines[1].replace("2026-01-02T09:00:00.000Z", "2025-12-01T09:00:00Z");
        lines[1] = outside;
        let tallies = tally(&lines, &[], &baseline, &observed);
        assert_eq!(tallies.baseline(1).len(), 2);
        lines[1] = lines[1].replace("2025-12-01T09:00:00Z", "2026-01-03T09:00:00Z");
        let mut builder = TallyBuilder::new(&IDENTITIES, Some(&baseline), Some(&observed), lines.len());
        let block: Vec<&[u8]> = lines.iter().map(|l| l.as_bytes()).collect();
        let (index, reason) = builder.add_lines(&block).unwrap_err();
        assert_eq!(index, 1);
        assert!(reason.contains("2026-01-03T09:00:00Z"), "{reason}");
    }

    #[test]
    fn a_sighting_is_as_small_as_its_doc_says() {
        assert_eq!(std::mem::size_of::<Sighting>(), 40);
    }

    #[test]
    fn names_are_common_across_tasks_and_blocks() {
        // Three tasks' worth of lines in one block, then a second block: each
        // task numbers the strings it meets in its own order.
        let events: Vec<_> = (0..3 * LINES_PER_TASK + 100)
            .map(|n| {
                (
                    n % 4,
                    2 + (n % 6) as u32,
                    (n % 24) as u32,
                    (n / 7) % 3,
                    Some((n / 3) % 4),
                    Some(n % 2),
                )
            })
            .collect();
        let lines = lines_of(&events);
        let (baseline, observed) = spans();
        let tallies = tally(&lines, &[3 * LINES_PER_TASK + 50], &baseline, &observed);
        assert_eq!(tallied(&tallies), reference(&lines, &baseline, &observed));
        let mut counted = FacetCounts::default();
        counted.count(tallies.baseline(1));
        let counts = counted.listed(Facet::EventType);
        let names: Vec<&str> = counts.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, ["file_read", "login", "logout"]);
        assert_eq!(
            counts.iter().map(|(_, n)| n).sum::<u64>(),
            tallies.baseline(1).len() as u64
        );
    }

    #[test]
    fn a_bad_line_is_named_by_its_index_in_the_block() {
        let mut lines = lines_of(&[(0, 2, 9, 0, None, None); LINES_PER_TASK + 10]);
        lines[LINES_PER_TASK + 3] = "{\"event_id\":1}".to_owned();
        let (baseline, observed) = spans();
        let mut builder = TallyBuilder::new(&IDENTITIES, Some(&baseline), Some(&observed), lines.len());
        let block: Vec<&[u8]> = lines.iter().map(|l| l.as_bytes()).collect();
        let (index, reason) = builder.add_lines(&block).unwrap_err();
        assert_eq!(index, LINES_PER_TASK + 3);
        assert!(reason.contains("expected a string"), "{reason}");
    }
}
