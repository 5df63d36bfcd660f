//! Two baselines of the same key set side by side, as facts: how the
//! median, the spread and the sample count moved between versions or
//! training windows (seed 000's roadmap).

use model::baseline::Baseline;
use serde_json::{Value, json};

/// How one statistic moved from the older baseline to the newer.
#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    /// The statistic's name.
    pub name: &'static str,
    /// Its value in the first baseline.
    pub from: f64,
    /// Its value in the second.
    pub to: f64,
}

impl Shift {
    /// `to − from`.
    pub fn change(&self) -> f64 {
        self.to - self.from
    }

    /// The change as a fraction of `|from|`, when `from` is not 0.
    pub fn relative_change(&self) -> Option<f64> {
        (self.from != 0.0).then(|| self.change() / self.from.abs())
    }
}

/// Two baselines of one key, compared.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The first baseline.
    pub from: Baseline,
    /// The second.
    pub to: Baseline,
    /// The shifts of n, median, MAD, scaled MAD, p05 and p95 (statistics
    /// only when both baselines have them).
    pub shifts: Vec<Shift>,
}

/// Compares two baselines (of any keys; the caller chooses them).
pub fn compare(from: &Baseline, to: &Baseline) -> Comparison {
    let mut shifts = vec![Shift {
        name: "n",
        from: from.n as f64,
        to: to.n as f64,
    }];
    if let (Some(a), Some(b)) = (&from.stats, &to.stats) {
        for (name, x, y) in [
            ("median", a.median, b.median),
            ("mad", a.mad, b.mad),
            ("scaled_mad", a.scaled_mad, b.scaled_mad),
            ("p05", a.p05, b.p05),
            ("p95", a.p95, b.p95),
        ] {
            shifts.push(Shift { name, from: x, to: y });
        }
    }
    Comparison {
        from: from.clone(),
        to: to.clone(),
        shifts,
    }
}

impl Comparison {
    /// The comparison as JSON (the facts, without the baselines' bodies).
    pub fn to_json(&self) -> Value {
        let side = |b: &Baseline| {
            json!({"id": b.id, "version": b.version, "status": b.status.as_str(), "window": b.window,
                   "first_event": b.first_event, "last_event": b.last_event})
        };
        json!({
            "entity": self.to.entity,
            "metric": self.to.metric,
            "context": self.to.context,
            "from": side(&self.from),
            "to": side(&self.to),
            "shifts": self.shifts.iter().map(|s| json!({
                "statistic": s.name, "from": s.from, "to": s.to, "change": s.change(),
                "relative_change": s.relative_change(),
            })).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::baseline::{BaselineStats, BaselineStatus, ConfidenceLevel, TrainingWindow};

    fn baseline(version: u64, n: u64, median: f64) -> Baseline {
        Baseline {
            id: format!("id-{version}"),
            entity: "a".into(),
            metric: "m".into(),
            context: "all".into(),
            version,
            status: BaselineStatus::Ready,
            n,
            min_samples: 1,
            confidence: 0.5,
            confidence_level: ConfidenceLevel::Medium,
            window: TrainingWindow::default(),
            first_event: "t0".into(),
            last_event: "t1".into(),
            stats: Some(BaselineStats {
                median,
                mad: 1.0,
                scaled_mad: 1.4826,
                mean_abs_dev: 1.0,
                min: 0.0,
                max: 10.0,
                p05: 0.5,
                p25: 2.0,
                p75: 8.0,
                p95: 9.5,
            }),
        }
    }

    #[test]
    fn shifts_are_differences() {
        let comparison = compare(&baseline(1, 10, 4.0), &baseline(2, 30, 5.0));
        let median = comparison.shifts.iter().find(|s| s.name == "median").unwrap();
        assert_eq!((median.change(), median.relative_change()), (1.0, Some(0.25)));
        assert_eq!(comparison.shifts[0].change(), 20.0);
        let json = comparison.to_json();
        assert_eq!(json["from"]["version"], 1);
        assert_eq!(json["shifts"][1]["statistic"], "median");
        let mut insufficient = baseline(3, 2, 0.0);
        insufficient.stats = None;
        assert_eq!(compare(&baseline(1, 10, 4.0), &insufficient).shifts.len(), 1);
    }
}
