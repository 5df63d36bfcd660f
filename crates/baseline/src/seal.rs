//! Sealing baselines: each one written member by member into its canonical
//! line with [`RecordBuilder`], given its content id and hash.
//!
//! A run seals one record per bucket, tens of thousands of them; going
//! through a `serde_json::Value` built a map per record and wrote it three
//! times, and took about a quarter of training a million events. The
//! bytes are those of `model::record::seal_with_content_id`, which the
//! tests hold equal.

use crate::error::BaselineError;
use model::baseline::{BASELINE_ID_KIND, Baseline};
use model::record::{RecordBuilder, RecordError, SealedRecord};

/// Gives `baseline` its content id and returns it with its sealed record.
pub fn seal_baseline(mut baseline: Baseline) -> Result<(Baseline, SealedRecord), BaselineError> {
    let mut builder = RecordBuilder::new();
    write_members(&mut builder, &baseline).map_err(RecordError::from)?;
    let mut line = Vec::with_capacity(640);
    let parts = builder.seal(Some(BASELINE_ID_KIND), &mut line);
    baseline.id = parts.id.expect("an id was asked for").to_string();
    let line = String::from_utf8(line).expect("canonical JSON is UTF-8");
    Ok((baseline, SealedRecord { line, hash: parts.hash }))
}

/// Every member but `id` and `hash`, in canonical key order.
fn write_members(builder: &mut RecordBuilder, baseline: &Baseline) -> Result<(), model::canonical::CanonicalError> {
    builder.number("confidence", baseline.confidence)?;
    builder.string("confidence_level", baseline.confidence_level.as_str());
    builder.string("context", &baseline.context);
    builder.string("entity", &baseline.entity);
    builder.string("first_event", &baseline.first_event);
    builder.string("last_event", &baseline.last_event);
    builder.string("metric", &baseline.metric);
    builder.unsigned("min_samples", baseline.min_samples)?;
    builder.unsigned("n", baseline.n)?;
    if let Some(stats) = &baseline.stats {
        builder.numbers(
            "stats",
            &[
                ("mad", stats.mad),
                ("max", stats.max),
                ("mean_abs_dev", stats.mean_abs_dev),
                ("median", stats.median),
                ("min", stats.min),
                ("p05", stats.p05),
                ("p25", stats.p25),
                ("p75", stats.p75),
                ("p95", stats.p95),
                ("scaled_mad", stats.scaled_mad),
            ],
        )?;
    }
    builder.string("status", baseline.status.as_str());
    builder.unsigned("version", baseline.version)?;
    let window: Vec<(&str, &str)> = [("from", &baseline.window.from), ("to", &baseline.window.to)]
        .into_iter()
        .filter_map(|(key, bound)| bound.as_deref().map(|bound| (key, bound)))
        .collect();
    builder.strings("window", &window);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::baseline::{BaselineStats, BaselineStatus, ConfidenceLevel, TrainingWindow};
    use proptest::prelude::*;

    fn number() -> impl Strategy<Value = f64> {
        prop_oneof![
            any::<f64>(),
            -1e6..1e6f64,
            Just(0.0),
            Just(-0.0),
            Just(1e16),
            Just(9007199254740991.0),
            Just(1e21),
            Just(5e-324),
        ]
    }

    fn stats() -> impl Strategy<Value = BaselineStats> {
        proptest::collection::vec(number(), 10).prop_map(|v| BaselineStats {
            median: v[0],
            mad: v[1],
            scaled_mad: v[2],
            mean_abs_dev: v[3],
            min: v[4],
            max: v[5],
            p05: v[6],
            p25: v[7],
            p75: v[8],
            p95: v[9],
        })
    }

    fn count() -> impl Strategy<Value = u64> {
        prop_oneof![12 => 0..1000u64, 1 => Just((1 << 53) - 1), 1 => Just(1 << 53), 1 => any::<u64>()]
    }

    prop_compose! {
        fn baseline()(
            texts in proptest::collection::vec(any::<String>(), 5),
            version in count(),
            n in count(),
            min_samples in count(),
            confidence in number(),
            ready in any::<bool>(),
            level in prop_oneof![Just(ConfidenceLevel::Low), Just(ConfidenceLevel::Medium), Just(ConfidenceLevel::High)],
            from in proptest::option::of(any::<String>()),
            to in proptest::option::of(any::<String>()),
            stats in proptest::option::of(stats()),
        ) -> Baseline {
            Baseline {
                id: String::new(),
                entity: texts[0].clone(),
                metric: texts[1].clone(),
                context: texts[2].clone(),
                version,
                status: if ready { BaselineStatus::Ready } else { BaselineStatus::InsufficientHistory },
                n,
                min_samples,
                confidence,
                confidence_level: level,
                window: TrainingWindow { from, to },
                first_event: texts[3].clone(),
                last_event: texts[4].clone(),
                stats,
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Written member by member, a baseline is sealed to the same line,
        /// hash and id as through serde, and refused when serde's path
        /// refuses it.
        #[test]
        fn seals_what_serde_seals(baseline in baseline()) {
            let reference = model::record::seal_with_content_id(&baseline, BASELINE_ID_KIND);
            match (seal_baseline(baseline.clone()), reference) {
                (Ok((sealed, record)), Ok((id, expected))) => {
                    prop_assert_eq!(&record, &expected);
                    prop_assert_eq!(&sealed.id, &id);
                    prop_assert_eq!(Baseline { id: String::new(), ..sealed }, baseline);
                }
                (Err(_), Err(_)) => {}
                (ours, theirs) => prop_assert!(false, "ours {:?}, serde's {:?}", ours, theirs),
            }
        }
    }

    #[test]
    fn a_trained_baseline_is_sealed_as_serde_seals_it() {
        let baseline = Baseline {
            id: String::new(),
            entity: "host-001".into(),
            metric: "cpu_pct".into(),
            context: "hour=09".into(),
            version: 3,
            status: BaselineStatus::Ready,
            n: 14,
            min_samples: 10,
            confidence: 14.0 / 44.0,
            confidence_level: ConfidenceLevel::Low,
            window: TrainingWindow {
                from: Some("2026-01-05T00:00:00.000Z".into()),
                to: None,
            },
            first_event: "2026-01-05T09:00:00.000Z".into(),
            last_event: "2026-01-18T09:00:00.000Z".into(),
            stats: Some(BaselineStats {
                median: 12.530000000000001,
                mad: 2.02,
                scaled_mad: 2.994851999999998,
                mean_abs_dev: 2.1,
                min: 7.5,
                max: 19.25,
                p05: 8.0,
                p25: 10.5,
                p75: 14.75,
                p95: 18.0,
            }),
        };
        let (sealed, record) = seal_baseline(baseline.clone()).unwrap();
        let (id, expected) = model::record::seal_with_content_id(&baseline, BASELINE_ID_KIND).unwrap();
        assert_eq!(record, expected);
        assert_eq!(sealed.id, id);
        assert!(
            record.line.contains(r#""stats":{"mad":2.02,"max":19.25,"#),
            "{}",
            record.line
        );
        assert!(
            record
                .line
                .ends_with(r#""window":{"from":"2026-01-05T00:00:00.000Z"}}"#),
            "{}",
            record.line
        );
    }
}
