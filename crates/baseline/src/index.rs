//! Which baseline each bucket is scored against: the latest version, a
//! pinned version, or the latest trained at or before a time.

use crate::context::Context;
use crate::explain::BaselineWords;
use model::baseline::Baseline;
use std::collections::HashMap;

/// How a scoring run picks the baseline of each bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaselineSelection {
    /// The highest version.
    Latest,
    /// Exactly this version; buckets without it have no baseline.
    Version(u64),
    /// The highest version whose training entry's time is at or before this
    /// time (`YYYY-MM-DDTHH:MM:SS.fffZ`).
    AsOf(String),
}

impl BaselineSelection {
    /// How the ledger entry records it.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            BaselineSelection::Latest => serde_json::json!({"latest": true}),
            BaselineSelection::Version(version) => serde_json::json!({"version": version}),
            BaselineSelection::AsOf(time) => serde_json::json!({"as_of": time}),
        }
    }

    /// The words for explanations: "", " at version 3", " as of …".
    pub fn describe(&self) -> String {
        match self {
            BaselineSelection::Latest => String::new(),
            BaselineSelection::Version(version) => format!(" at version {version}"),
            BaselineSelection::AsOf(time) => format!(" trained as of {time}"),
        }
    }
}

/// A stored baseline and when the entry that trained it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainedBaseline {
    /// The record.
    pub baseline: Baseline,
    /// The BASELINE_TRAINED entry's `time`.
    pub trained_at: String,
}

/// The baseline picked for every bucket.
#[derive(Debug, Default)]
pub struct BaselineIndex {
    by_key: HashMap<String, HashMap<String, HashMap<Context, usize>>>,
    picked: Vec<Baseline>,
    words: Vec<BaselineWords>,
}

impl BaselineIndex {
    /// Picks, per bucket, the baseline `selection` asks for among `stored`.
    pub fn new(stored: impl IntoIterator<Item = TrainedBaseline>, selection: &BaselineSelection) -> BaselineIndex {
        let mut index = BaselineIndex::default();
        for TrainedBaseline { baseline, trained_at } in stored {
            let eligible = match selection {
                BaselineSelection::Latest => true,
                BaselineSelection::Version(version) => baseline.version == *version,
                BaselineSelection::AsOf(time) => trained_at.as_str() <= time.as_str(),
            };
            let Some(context) = parse_context(&baseline.context) else {
                continue;
            };
            if !eligible {
                continue;
            }
            let slot = index
                .by_key
                .entry(baseline.entity.clone())
                .or_default()
                .entry(baseline.metric.clone())
                .or_default()
                .entry(context);
            match slot {
                std::collections::hash_map::Entry::Occupied(occupied) => {
                    let current = &mut index.picked[*occupied.get()];
                    if baseline.version > current.version {
                        *current = baseline;
                    }
                }
                std::collections::hash_map::Entry::Vacant(vacant) => {
                    vacant.insert(index.picked.len());
                    index.picked.push(baseline);
                }
            }
        }
        index.words = index.picked.iter().map(BaselineWords::of).collect();
        index
    }

    /// The baseline of a bucket and its words, if any.
    pub fn get_with_words(&self, entity: &str, metric: &str, context: Context) -> Option<(&Baseline, &BaselineWords)> {
        let at = *self.by_key.get(entity)?.get(metric)?.get(&context)?;
        Some((&self.picked[at], &self.words[at]))
    }

    /// Every baseline picked, sorted by entity, metric and context.
    pub fn picked(&self) -> Vec<&Baseline> {
        let mut picked: Vec<&Baseline> = self.picked.iter().collect();
        picked.sort_by(|a, b| (&a.entity, &a.metric, &a.context).cmp(&(&b.entity, &b.metric, &b.context)));
        picked
    }
}

/// The context a label names (the inverse of `Context`'s `Display`).
pub fn parse_context(label: &str) -> Option<Context> {
    use crate::context::DayType;
    if label == "all" {
        return Some(Context::All);
    }
    let rest = label.strip_prefix("hour=")?;
    let (hour, day_type) = match rest.split_once(',') {
        Some((hour, "weekday")) => (hour, Some(DayType::Weekday)),
        Some((hour, "weekend")) => (hour, Some(DayType::Weekend)),
        Some(_) => return None,
        None => (rest, None),
    };
    if hour.len() != 2 || !hour.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hour: u8 = hour.parse().ok().filter(|h| *h < 24)?;
    Some(match day_type {
        None => Context::Hour(hour),
        Some(day_type) => Context::HourAndDayType(hour, day_type),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::DayType;

    #[test]
    fn labels_parse_back() {
        for context in [
            Context::All,
            Context::Hour(0),
            Context::Hour(23),
            Context::HourAndDayType(9, DayType::Weekend),
            Context::HourAndDayType(9, DayType::Weekday),
        ] {
            assert_eq!(parse_context(&context.to_string()), Some(context));
        }
        for bad in ["", "hour=24", "hour=9", "hour=09,holiday", "ALL", "hour=+9"] {
            assert_eq!(parse_context(bad), None, "{bad}");
        }
    }
}
