//! Random score records: no NaN or infinity in any output, coverage adds up.

use model::baseline::{ScoredEvent, SkipReason};
use proptest::prelude::*;
use roxmltree::Document;

use crate::fixtures::{assert_no_non_finite, constant, render, row, scored, section, skipped, table_rows};

/// Scores mostly in and around the plotted range, sometimes not finite at all.
fn any_score() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => -15.0..15.0f64,
        1 => -1e6..1e6f64,
        1 => prop::sample::select(vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -0.0, 10.0, -10.0]),
    ]
}

fn any_event() -> impl Strategy<Value = ScoredEvent> {
    let entity = prop::sample::select(vec!["host-a", "host-b", "db|1", "edge-7"]);
    (
        0u8..4,
        any_score(),
        entity,
        0u32..30,
        0u32..1000,
        prop::option::of(0.0..1.0f64),
    )
        .prop_map(|(kind, value, entity, hour, id, confidence)| {
            // Hours past 23 give timestamps with no readable hour.
            let timestamp = format!("2026-01-19T{hour:02}:00:00.000Z");
            let event_id = format!("e{id:04}");
            let mut event = match kind {
                0 => skipped(&event_id, &timestamp, entity, SkipReason::NoBaseline),
                1 => skipped(&event_id, &timestamp, entity, SkipReason::InsufficientHistory),
                2 => constant(&event_id, &timestamp, entity, value),
                _ => scored(&event_id, &timestamp, entity, value),
            };
            event.explanation = format!("{event_id} at {timestamp}");
            if kind >= 2 {
                event.confidence = confidence;
            }
            event
        })
}

fn count(rows: &[Vec<String>], label: &str) -> usize {
    row(rows, label)[1].parse().unwrap()
}

proptest! {
    #[test]
    fn output_is_finite_and_coverage_adds_up(
        scores in prop::collection::vec(any_event(), 0..60),
        top_k in 0usize..12,
    ) {
        let report = render(&scores, &[], top_k);
        assert_no_non_finite(&report.markdown);
        for figure in &report.figures {
            assert_no_non_finite(&figure.svg);
            prop_assert!(Document::parse(&figure.svg).is_ok());
        }
        let coverage = table_rows(section(&report.markdown, "## Coverage"));
        let total = count(&coverage, "total");
        let scored = count(&coverage, "scored");
        let skipped = count(&coverage, "skipped");
        prop_assert_eq!(total, scores.len());
        prop_assert_eq!(scored + skipped, total);
        prop_assert_eq!(
            count(&coverage, "skipped: no_baseline") + count(&coverage, "skipped: insufficient_history"),
            skipped
        );
        let confidence = table_rows(section(&report.markdown, "## Confidence"));
        let by_level: usize = confidence.iter().map(|row| row[1].parse::<usize>().unwrap()).sum();
        prop_assert_eq!(by_level, scored);
        prop_assert_eq!(render(&scores, &[], top_k), report);
    }
}
